#!/usr/bin/env python3
"""tests/docs_examples.py - the examples of docs/diagnostics.md are what bfplan prints.

usage: python3 tests/docs_examples.py path/to/bfplan [DOC.md...]

Every fenced block of a document that shows a diagnostic (a line ending in
"[BFPnnn]") is one of three kinds, and each is checked against the
program's real output:

  a golden case   its first line is "NAME.plan:LINE:COL: ..." and
                  tests/golden/NAME.err exists: the block must appear in it,
                  line for line and in order, as one run of lines;
  a transcript    lines "$ cat FILE" (the file's text follows), "$ touch
                  FILE", "$ mkdir DIR" and "$ bfplan ARGS" (what it prints
                  follows, standard error and output together): the files
                  are made in an empty directory, with copies of the .bes
                  files of tests/import the commands name, each bfplan
                  command is run there (in tests/golden when it names a
                  plan of a golden case that the transcript does not
                  make), and what it prints must be the block's: standard
                  error alone, or standard error then standard output
                  (the stdlib's path is shown as the installed one's,
                  /usr/local/share/bfplan/stdlib);
  a golden case, renamed
                  the line before the block is "<!-- golden: NAME -->": the
                  block (its "$ bfplan" line left out) must appear in
                  tests/golden/NAME.err once the file name its first line
                  shows is read as NAME.plan;
  an illustration the line before the block is "<!-- illustration: WHY -->":
                  an example that cannot run here (a named pipe, a file of
                  30 MB). They are counted and named, never passed over
                  silently.

Anything else that shows a diagnostic fails: an example that nothing
checks drifts.  Prints PASS/FAIL per block and "docs_examples: N passed,
M failed".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIAG_LINE = re.compile(r'\[BFP\d{3}\]\s*$')
GOLDEN_FIRST = re.compile(r'^([\w.-]+)\.plan:\d+:\d+: ')
INSTALLED_STDLIB = '/usr/local/share/bfplan/stdlib'


def blocks(path):
    """(line number, the line before, lines) of every fenced block."""
    lines = open(path, encoding='utf-8').read().split('\n')
    out, i = [], 0
    while i < len(lines):
        if lines[i].startswith('```'):
            j = i + 1
            while j < len(lines) and not lines[j].startswith('```'):
                j += 1
            before = lines[i - 1] if i > 0 else ''
            if before == '' and i > 1:
                before = lines[i - 2]
            out.append((i + 1, before, lines[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return out


def contains_run(haystack, needle):
    n = len(needle)
    return any(haystack[k:k + n] == needle for k in range(len(haystack) - n + 1))


def check_golden(name, block, shown=None):
    err = os.path.join(TOP, 'tests', 'golden', name + '.err')
    if not os.path.exists(err):
        return 'no golden case tests/golden/%s.err backs this example' % name
    if block and block[0].startswith('$ '):
        block = block[1:]
    if shown:
        block = [l.replace(shown, name + '.plan') for l in block]
    golden = open(err, encoding='utf-8').read().split('\n')
    if contains_run(golden, block):
        return None
    return 'differs from tests/golden/%s.err' % name


def run_transcript(bfplan, block):
    work = tempfile.mkdtemp(prefix='bfplan-docs.')
    try:
        return transcript_in(bfplan, block, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def transcript_in(bfplan, block, work):
    i = 0
    ran = False
    while i < len(block):
        line = block[i]
        if not line.startswith('$ '):
            return 'line %d of the block is not after a command: %r' % (i + 1, line)
        j = i + 1
        while j < len(block) and not block[j].startswith('$ '):
            j += 1
        body = block[i + 1:j]
        words = line[2:].split()
        if words[0] == 'cat' and len(words) == 2:
            path = os.path.join(work, words[1])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write('\n'.join(body) + '\n')
        elif words[0] in ('touch', 'mkdir') and not body:
            for w in words[1:]:
                p = os.path.join(work, w)
                if words[0] == 'touch':
                    open(p, 'a').close()
                else:
                    os.makedirs(p, exist_ok=True)
        elif words[0] == 'bfplan':
            for w in words[1:]:
                src = os.path.join(TOP, 'tests', 'import', w)
                if w.endswith(('.bes', '.xml')) and os.path.exists(src) and \
                        not os.path.exists(os.path.join(work, w)):
                    shutil.copy(src, os.path.join(work, w))
            golden = os.path.join(TOP, 'tests', 'golden')
            cwd, exe = work, bfplan
            if any(w.endswith('.plan') and not os.path.exists(os.path.join(work, w)) and
                   os.path.exists(os.path.join(golden, w)) for w in words[1:]):
                cwd, exe = golden, os.path.relpath(bfplan, golden)
            p = subprocess.run([exe] + words[1:], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)

            def lines_of(b):
                t = b.decode('utf-8', 'replace').replace(os.path.join(TOP, 'stdlib'), INSTALLED_STDLIB)
                return t.rstrip('\n').split('\n') if t else []
            err, out = lines_of(p.stderr), lines_of(p.stdout)
            got = err if body == err else err + out
            if got != body:
                diff = '\n'.join('      want: ' + w for w in body[:8]) + '\n' + \
                       '\n'.join('      got:  ' + g for g in got[:8])
                return '`%s` prints something else:\n%s' % (line, diff)
            ran = True
        else:
            return 'cannot run %r here: mark the block an illustration' % line
        i = j
    return None if ran else 'the transcript runs no bfplan command'


def main():
    if len(sys.argv) < 2:
        print('usage: python3 tests/docs_examples.py path/to/bfplan [DOC.md...]', file=sys.stderr)
        return 2
    bfplan = os.path.abspath(sys.argv[1])
    docs = sys.argv[2:] or [os.path.join(TOP, 'docs', 'diagnostics.md')]
    passed = failed = illustrations = 0
    for doc in docs:
        rel = os.path.relpath(doc, TOP)
        for at, before, block in blocks(doc):
            if not any(DIAG_LINE.search(l) for l in block):
                continue
            where = '%s:%d' % (rel, at)
            m = re.match(r'<!-- illustration: (.+) -->', before.strip())
            gm = re.match(r'<!-- golden: ([\w.-]+) -->', before.strip())
            if gm:
                cmd = block[0] if block and block[0].startswith('$ ') else None
                shown = cmd.split()[-1] if cmd else (block[0].split(':')[0] if block and ':' in block[0] else None)
                why = check_golden(gm.group(1), block, shown)
                print('%s %s%s' % ('FAIL' if why else 'PASS', where, ': ' + why if why else ''))
                failed, passed = failed + bool(why), passed + (not why)
                continue
            if m:
                illustrations += 1
                print('ILLUSTRATION %s: %s' % (where, m.group(1)))
                continue
            g = GOLDEN_FIRST.match(block[0]) if block else None
            if block and block[0].startswith('$ '):
                why = run_transcript(bfplan, block)
            elif g:
                why = check_golden(g.group(1), block)
            else:
                why = 'neither a golden case, a transcript nor a marked illustration'
            if why:
                failed += 1
                print('FAIL %s: %s' % (where, why))
            else:
                passed += 1
                print('PASS %s' % where)
    print('docs_examples: %d illustrations, not run (each named above)' % illustrations)
    print('docs_examples: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
