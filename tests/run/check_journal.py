#!/usr/bin/env python3
"""tests/run/check_journal.py - a journal against docs/journal.schema.json.

usage: check_journal.py SCHEMA JOURNAL [TEXT...]

Every complete line must validate: the first as the header, every later
one as an entry, numbered 1, 2, 3... in order.  Bytes after the last
newline (a torn line) are allowed only with --torn-ok and are never
validated.  Each TEXT given must be the text of exactly one note entry.
Prints what is wrong and exits 1; exits 0 when all is well.
"""
import json
import sys

import jsonschema


def check(schema_path, journal_path, texts, torn_ok=False):
    """What is wrong with the journal, or None."""
    schema = json.load(open(schema_path, encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    header = jsonschema.Draft202012Validator(dict(schema["$defs"]["header"], **{"$defs": schema["$defs"]}))
    entry = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/entry"})
    data = open(journal_path, "rb").read()
    complete, _, torn = data.rpartition(b"\n")
    if torn and not torn_ok:
        return f"{journal_path}: {len(torn)} torn bytes at the end"
    lines = complete.split(b"\n") if complete else []
    notes = {}
    for number, raw in enumerate(lines, 1):
        try:
            value = json.loads(raw.decode("utf-8"))
            (header if number == 1 else entry).validate(value)
        except (ValueError, jsonschema.ValidationError) as e:
            return f"{journal_path}:{number}: {str(e).splitlines()[0]}"
        if number > 1 and value["seq"] != number - 1:
            return f"{journal_path}:{number}: seq {value['seq']}, expected {number - 1}"
        if number > 1 and value["type"] == "note":
            notes[value["text"]] = notes.get(value["text"], 0) + 1
    for t in texts:
        if notes.get(t) != 1:
            return f"{journal_path}: the note {t!r} is there {notes.get(t, 0)} times, not once"
    return None


def main():
    args = sys.argv[1:]
    torn_ok = "--torn-ok" in args
    args = [a for a in args if a != "--torn-ok"]
    wrong = check(args[0], args[1], args[2:], torn_ok)
    if wrong:
        print(wrong)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
