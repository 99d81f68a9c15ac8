"""parity.py BFPLAN - the server reports what `bfplan check` reports.

Every golden plan of tests/golden (those checked with no option of their
own) is opened in one `bfplan lsp`, and its published diagnostics are
compared with `bfplan check --format=json` of the same file: the same
codes and severities, and for those in the file itself the same line and
start column (check's in code points, turned into UTF-16 code units here,
so the wide and astral characters of the golden plans count); a
diagnostic of a used file is
published at the `use` line, so only its code and severity are compared.
Suppressed diagnostics are in check's JSON and not published.  One line
per plan that differs; the last line says how many agreed.
"""
import glob
import json
import os
import subprocess
import sys

from lspclient import Client, uri_of, utf16_len

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SEVERITY = {"error": 1, "warning": 2, "note": 3}


def utf16_column(plan, line, char_column):
    """The UTF-16 column of a code-point column of a line of the plan, as the protocol counts."""
    with open(os.path.join(TOP, plan), encoding="utf-8", newline="") as f:
        text = f.read().split("\n")[line]
    return utf16_len(text[:char_column])


def from_check(bfplan, plan):
    out = subprocess.run([bfplan, "check", "--format=json", plan], capture_output=True, text=True,
                         cwd=TOP).stdout
    found = []
    for d in json.loads(out)["diagnostics"]:
        if d.get("suppression"):
            continue
        loc = d.get("location") or {}
        here = os.path.abspath(os.path.join(TOP, loc.get("file", ""))) == os.path.abspath(os.path.join(TOP, plan))
        place = None
        if here and "line" in loc:
            place = (loc["line"] - 1, utf16_column(plan, loc["line"] - 1, loc["char_column"] - 1))
        found.append((d["code"], SEVERITY[d["severity"]], place))
    return sorted(found, key=repr)


def from_server(client, plan, version):
    path = os.path.join(TOP, plan)
    with open(path, encoding="utf-8", newline="") as f:  # every byte as it is: CR, CR LF, NUL
        text = f.read()
    uri = uri_of(path)
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "bfplan",
                                                             "version": version, "text": text}})
    params = client.diagnostics(uri, version, timeout=60)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.diagnostics(uri, timeout=60)
    found = []
    for d in params["diagnostics"]:
        own = not d["message"].split(":", 1)[0].endswith(".plan")  # "FILE:LINE:COL: ..." names another file
        start = d["range"]["start"]
        found.append((d["code"], d["severity"], (start["line"], start["character"]) if own else None))
    return sorted(found, key=repr)


def main():
    bfplan = os.path.abspath(sys.argv[1])
    plans = []
    for plan in sorted(glob.glob(os.path.join(TOP, "tests", "golden", "*.plan"))):
        if os.path.exists(plan[:-len(".plan")] + ".args"):
            continue  # checked with options of its own
        try:
            with open(plan, encoding="utf-8", newline="") as f:
                f.read()
        except UnicodeDecodeError:
            continue  # an editor could not send it: JSON carries UTF-8 only
        plans.append(os.path.relpath(plan, TOP))
    client = Client(bfplan)
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    differ = 0
    for k, plan in enumerate(plans):
        want, got = from_check(bfplan, plan), from_server(client, plan, k + 1)
        if want != got:
            differ += 1
            print("DIFFERS %s\n    check: %s\n    lsp:   %s" % (plan, want, got))
    client.request("shutdown")
    client.notify("exit")
    client.close()
    print("parity: %d of %d golden plans agree" % (len(plans) - differ, len(plans)))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
