"""textmate.py - tokenises plan files with the VS Code grammar of editors/vscode.

usage: /usr/bin/python3 tests/editors/textmate.py EXPECTED-TOKENS SAMPLE DIAGNOSTICS FILE...

VS Code runs TextMate grammars with Oniguruma (compiled to WebAssembly).
This test runs the same grammar with the same regular expression engine,
Debian's libonig5 through ctypes, and the same rules: a line at a time with
its line feed, the leftmost match wins and the first pattern wins a tie,
a begin/end rule's end pattern is tried before its inner patterns, and
captures name parts of a match.  No network and no Node.js are needed.

Checks, one PASS/FAIL line each:
1. every regular expression of the grammar compiles in Oniguruma;
2. in each FILE, every comment and every string literal is scoped as one
   over its whole length, and nothing inside them gets another scope;
   declarations, statement words, integers and durations get theirs;
   strings end on their line, and every block is closed at the end;
3. the tokens of SAMPLE, as "scope: text" lines, equal EXPECTED-TOKENS
   (rewritten when the environment has BFPLAN_UPDATE=1);
4. language-configuration.json: '#' comments, and the indentation
   patterns agree with the layout of each FILE;
5. package.json's problem matcher reads every error and warning line of
   DIAGNOSTICS (the text form) and no other line.

Prints "vscode: N passed, M failed" last and exits 1 on a failure.
"""

import ctypes
import ctypes.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VSCODE = os.path.join(ROOT, "editors", "vscode")

passed = 0
failed = 0


def report(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS vscode: " + name)
    else:
        failed += 1
        print("FAIL vscode: %s: %s" % (name, why))


# ---- Oniguruma ------------------------------------------------------------------------------

class Region(ctypes.Structure):
    _fields_ = [("allocated", ctypes.c_int), ("num_regs", ctypes.c_int),
                ("beg", ctypes.POINTER(ctypes.c_int)), ("end", ctypes.POINTER(ctypes.c_int))]


class Onig:
    def __init__(self):
        name = ctypes.util.find_library("onig") or "libonig.so.5"
        self.lib = lib = ctypes.CDLL(name)
        self.enc = ctypes.addressof(ctypes.c_byte.in_dll(lib, "OnigEncodingUTF8"))
        self.syntax = ctypes.c_void_p.in_dll(lib, "OnigDefaultSyntax").value  # Ruby, as vscode-oniguruma
        lib.onig_initialize.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.onig_new.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint,
                                 ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.onig_search.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                    ctypes.c_void_p, ctypes.POINTER(Region), ctypes.c_uint]
        lib.onig_region_new.restype = ctypes.POINTER(Region)
        lib.onig_region_free.argtypes = [ctypes.POINTER(Region), ctypes.c_int]
        lib.onig_error_code_to_str.argtypes = [ctypes.c_char_p, ctypes.c_long, ctypes.c_void_p]
        encs = (ctypes.c_void_p * 1)(self.enc)
        lib.onig_initialize(encs, 1)
        self.cache = {}
        self.region = lib.onig_region_new()

    def compile(self, pattern):
        if pattern in self.cache:
            return self.cache[pattern]
        src = pattern.encode("utf-8")
        buf = ctypes.create_string_buffer(src)
        reg = ctypes.c_void_p()
        einfo = (ctypes.c_void_p * 3)()
        base = ctypes.addressof(buf)
        rc = self.lib.onig_new(ctypes.byref(reg), base, base + len(src), 0, self.enc, self.syntax, einfo)
        if rc != 0:
            msg = ctypes.create_string_buffer(256)
            self.lib.onig_error_code_to_str(msg, rc, einfo)
            raise ValueError("%s: %s" % (pattern, msg.value.decode()))
        self.cache[pattern] = (reg, buf)
        return self.cache[pattern]

    def search(self, pattern, text, start):
        """The first match at or after byte `start` of text (bytes): [(begin, end) per group] or None."""
        reg, _ = self.compile(pattern)
        buf = ctypes.create_string_buffer(text)
        base = ctypes.addressof(buf)
        end = base + len(text)
        rc = self.lib.onig_search(reg, base, end, base + start, end, self.region, 0)
        if rc < 0:
            return None
        r = self.region.contents
        return [(r.beg[i], r.end[i]) for i in range(r.num_regs)]


# ---- the tokenizer ------------------------------------------------------------------------------

class Grammar:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.raw = json.load(f)
        self.repo = self.raw.get("repository", {})

    def resolve(self, rule):
        inc = rule.get("include")
        if inc is None:
            return rule
        if inc == "$self":
            return self.raw
        return self.repo[inc[1:]]

    def flatten(self, patterns):
        """Rules with a match or begin, includes and pattern lists opened in place."""
        out = []
        for p in patterns:
            r = self.resolve(p)
            if "match" in r or "begin" in r:
                out.append(r)
            else:
                out.extend(self.flatten(r.get("patterns", [])))
        return out

    def regexes(self):
        seen = []

        def walk(node):
            if isinstance(node, dict):
                for key in ("match", "begin", "end"):
                    if key in node:
                        seen.append(node[key])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(self.raw)
        return seen


def paint(scopes, base, captures, groups, names):
    for i in range(groups[0][0], groups[0][1]):
        scopes[i] = base + names
    for key, cap in (captures or {}).items():
        k = int(key)
        if k < len(groups) and groups[k][0] >= 0 and "name" in cap:
            for i in range(groups[k][0], groups[k][1]):
                scopes[i] = scopes[i] + (cap["name"],)


def tokenize(grammar, onig, text):
    """Per line: (line bytes, a tuple of scopes per byte); and the rule stack left at the end."""
    root = (None, (grammar.raw["scopeName"],), grammar.raw["patterns"])
    stack = [root]
    lines = []
    for raw_line in text.split(b"\n"):
        line = raw_line + b"\n"
        scopes = [None] * len(line)
        pos = 0
        guard = 0
        while pos < len(line):
            guard += 1
            if guard > 10 * len(line) + 100:
                raise RuntimeError("no progress at byte %d of %r" % (pos, line))
            rule, base, patterns = stack[-1]
            candidates = []
            if rule is not None:
                candidates.append(("end", rule, rule["end"]))
            for r in grammar.flatten(patterns):
                candidates.append(("begin" if "begin" in r else "match", r, r.get("begin", r.get("match"))))
            best = None
            for kind, r, rx in candidates:
                m = onig.search(rx, line, pos)
                if m and (best is None or m[0][0] < best[2][0][0]):
                    best = (kind, r, m)
            if best is None:
                for i in range(pos, len(line)):
                    scopes[i] = base
                break
            kind, r, m = best
            for i in range(pos, m[0][0]):
                scopes[i] = base
            if kind == "end":
                paint(scopes, base, r.get("endCaptures"), m, ())
                stack.pop()
            elif kind == "match":
                paint(scopes, base, r.get("captures"), m, (r["name"],) if "name" in r else ())
            else:
                inner = base + ((r["name"],) if "name" in r else ())
                paint(scopes, inner, r.get("beginCaptures"), m, ())
                stack.append((r, inner, r.get("patterns", [])))
            if m[0][1] == m[0][0] and kind == "match":
                scopes[m[0][0]] = base
                pos = m[0][1] + 1
            else:
                pos = m[0][1]
        lines.append((raw_line, scopes[:len(raw_line)]))
    return lines, stack


def tokens_of(lines):
    """Runs of equal scopes: (line number, text, innermost scope, all scopes)."""
    out = []
    for n, (line, scopes) in enumerate(lines, 1):
        start = 0
        for i in range(1, len(line) + 1):
            if i == len(line) or scopes[i] != scopes[start]:
                out.append((n, line[start:i].decode("utf-8", "replace"), scopes[start][-1], scopes[start]))
                start = i
    return out


# ---- what a plan file holds, found without the grammar ---------------------------------------------

def literals(line):
    """Byte ranges of the string literals and of the comment of one line."""
    strings, comment = [], None
    i = 0
    while i < len(line):
        c = line[i:i + 1]
        if c == b'"':
            j = i + 1
            while j < len(line) and line[j:j + 1] != b'"':
                j += 2 if line[j:j + 1] == b"\\" else 1
            strings.append((i, min(j + 1, len(line))))
            i = j + 1
        elif c == b"#":
            comment = (i, len(line))
            break
        else:
            i += 1
    return strings, comment


DECL = re.compile(rb"^(site|os|state|prerequisite|fixlet|task|step|role|cluster|baseline|plan)\s+([A-Za-z_][A-Za-z0-9_.-]*)")
WORD = re.compile(rb"^(\s+)([A-Za-z_][A-Za-z0-9_.-]*)")


def check_file(grammar, onig, path):
    with open(path, "rb") as f:
        text = f.read()
    lines, stack = tokenize(grammar, onig, text.rstrip(b"\n"))
    problems = []
    prev_continues = False
    for n, (line, scopes) in enumerate(lines, 1):
        strings, comment = literals(line)
        for b, e in strings:
            if any("string.quoted.double.bfplan" not in s for s in scopes[b:e]):
                problems.append("%d: string not scoped" % n)
        if comment:
            b, e = comment
            if any(s[-1] not in ("comment.line.number-sign.bfplan", "punctuation.definition.comment.bfplan")
                   for s in scopes[b:e]):
                problems.append("%d: comment not scoped" % n)
        m = DECL.match(line)
        if m:
            if scopes[0][-1] != "storage.type.declaration.bfplan":
                problems.append("%d: declaration keyword scoped %s" % (n, scopes[0][-1]))
            if scopes[m.start(2)][-1] != "entity.name.type.bfplan":
                problems.append("%d: declared name scoped %s" % (n, scopes[m.start(2)][-1]))
        m = WORD.match(line)
        if m and not prev_continues and scopes[m.start(2)][-1] != "keyword.other.statement.bfplan":
            problems.append("%d: statement word scoped %s" % (n, scopes[m.start(2)][-1]))
        for m in re.finditer(rb"(?<![A-Za-z0-9_.-])(\d+[smhd])+(?![A-Za-z0-9_.-])", line):
            if not (comment and m.start() >= comment[0]) and not any(b <= m.start() < e for b, e in strings):
                if scopes[m.start()][-1] != "constant.numeric.duration.bfplan":
                    problems.append("%d: duration scoped %s" % (n, scopes[m.start()][-1]))
        code = line[:comment[0]] if comment else line
        prev_continues = code.rstrip().endswith(b",")
    # a line's strings never run into the next line
    if len(stack) != 1:
        problems.append("%d rules still open at the end of the file" % (len(stack) - 1))
    return problems


def main():
    if len(sys.argv) < 5:
        print("usage: textmate.py EXPECTED-TOKENS SAMPLE DIAGNOSTICS FILE...", file=sys.stderr)
        return 2
    expected, sample, diagnostics, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    grammar = Grammar(os.path.join(VSCODE, "syntaxes", "bfplan.tmLanguage.json"))
    try:
        onig = Onig()
    except (OSError, ValueError) as e:
        print("SKIP vscode: the grammar is not tokenised: Oniguruma (Debian's libonig5) cannot be loaded: %s" % e)
        return 0

    bad = []
    for rx in grammar.regexes():
        try:
            onig.compile(rx)
        except ValueError as e:
            bad.append(str(e))
    report(not bad, "%d regular expressions compile in Oniguruma" % len(grammar.regexes()), "; ".join(bad))

    for path in files:
        problems = check_file(grammar, onig, path)
        report(not problems, "scopes of %s" % os.path.relpath(path, ROOT), "; ".join(problems[:5]))

    with open(sample, "rb") as f:
        lines, _ = tokenize(grammar, onig, f.read().rstrip(b"\n"))
    got = "".join("%d %s: %s\n" % (n, scope, text) for n, text, scope, _ in tokens_of(lines) if text.strip())
    if os.environ.get("BFPLAN_UPDATE") == "1":
        with open(expected, "w", encoding="utf-8") as f:
            f.write(got)
    with open(expected, encoding="utf-8") as f:
        want = f.read()
    report(got == want, "tokens of %s" % os.path.relpath(sample, ROOT),
           "differ from %s:\n%s" % (expected, "\n".join(
               "    want %s\n    got  %s" % (a, b) for a, b in zip(want.splitlines(), got.splitlines()) if a != b)[:2000]))

    with open(os.path.join(VSCODE, "language-configuration.json"), encoding="utf-8") as f:
        conf = json.load(f)
    report(conf["comments"]["lineComment"] == "#", "comments are '#'")
    inc = re.compile(conf["indentationRules"]["increaseIndentPattern"])
    dec = re.compile(conf["indentationRules"]["decreaseIndentPattern"])
    wrong = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read().split("\n")
        for n, line in enumerate(text[:-1], 1):
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip(" "))
            nxt = text[n]
            opens = bool(nxt.strip()) and len(nxt) - len(nxt.lstrip(" ")) > indent and not line.rstrip().endswith(",")
            if bool(inc.search(line)) != opens and not line.lstrip().startswith("#"):
                wrong.append("%s:%d increase" % (os.path.basename(path), n))
            if bool(dec.search(line)) != (line.strip() == "}"):
                wrong.append("%s:%d decrease" % (os.path.basename(path), n))
    report(not wrong, "the indentation rules follow the layout of every file", ", ".join(wrong[:5]))

    with open(os.path.join(VSCODE, "package.json"), encoding="utf-8") as f:
        pkg = json.load(f)
    matcher = pkg["contributes"]["problemMatchers"][0]["pattern"]
    rx = re.compile(matcher["regexp"])
    misread = []
    count = 0
    with open(diagnostics, encoding="utf-8") as f:
        for line in f.read().splitlines():
            m = rx.match(line)
            want = re.match(r"^(.*):(\d+):(\d+): (error|warning): (.*) \[(BFP\d+)\]$", line)
            if bool(m) != bool(want):
                misread.append(line)
            elif m:
                count += 1
                if m.group(matcher["code"]) != want.group(6) or m.group(matcher["line"]) != want.group(2):
                    misread.append(line)
    report(count > 0 and not misread, "the problem matcher reads %d diagnostics" % count, "; ".join(misread[:3]))

    print("vscode: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
