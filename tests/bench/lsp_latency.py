"""lsp_latency.py BFPLAN PLAN EDITS - how soon `bfplan lsp` publishes the
diagnostics of a plan after a change, as an editor sees it.

It opens PLAN, then makes EDITS changes one at a time (a character added
to the plan's last line, then taken away), each timed from the moment the
didChange is written to the moment the publishDiagnostics of that version
is read: the debounce, the check of the plan and every file it uses, and
the framing both ways.  The first three are not counted (the page cache,
the allocator).  Prints "MEDIAN_SECONDS PEAK_KB MAX_SECONDS", the peak
being the server's resident memory (VmHWM) at the end.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lsp"))
from lspclient import Client, uri_of  # noqa: E402


def main():
    bfplan, plan, edits = sys.argv[1], sys.argv[2], int(sys.argv[3])
    text = open(plan, encoding="utf-8").read()
    lines = text.split("\n")
    last = len(lines) - 1 if lines[-1] else len(lines) - 2
    c = Client(bfplan)
    c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    uri = uri_of(plan)
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "bfplan", "version": 1,
                                                        "text": text}})
    c.diagnostics(uri, 1, timeout=60)
    times = []
    end = len(lines[last])
    for k in range(edits + 3):
        version = k + 2
        at = {"line": last, "character": end}
        if k % 2 == 0:
            change = {"range": {"start": at, "end": at}, "text": " "}
        else:
            change = {"range": {"start": at, "end": dict(at, character=end + 1)}, "text": ""}
        start = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [change]})
        d = c.diagnostics(uri, version, timeout=60)
        elapsed = time.perf_counter() - start
        if d["diagnostics"]:
            sys.exit("the plan has diagnostics: %s" % d["diagnostics"][0]["message"])
        if k >= 3:
            times.append(elapsed)
    with open("/proc/%d/status" % c.proc.pid) as f:
        peak = next((int(l.split()[1]) for l in f if l.startswith("VmHWM:")), 0)
    c.request("shutdown")
    c.notify("exit")
    c.close()
    print("%.6f %d %.6f" % (statistics.median(times), peak, max(times)))


if __name__ == "__main__":
    main()
