"""session.py BFPLAN - a scripted editor session against `bfplan lsp`.

It drives the server as an editor does (initialize, didOpen, didChange,
hover, definition, references, documentSymbol, completion, formatting,
rangeFormatting, codeAction, shutdown, exit) on the plans beside it and
asserts on every answer; then it sends what no editor should (broken
frames, broken JSON, bad positions, a message over the size limit) and
checks that the server answers as the protocol says and carries on.
Positions are computed here in UTF-16 code units, from lines that hold
wide and astral characters before the names they point at.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from lspclient import Client, Failure, utf16_len, uri_of

HERE = os.path.dirname(os.path.abspath(__file__))
PLANS = os.path.join(HERE, "plans")
MAIN = os.path.join(PLANS, "main.plan")
LIB = os.path.join(PLANS, "lib", "clusters.plan")
TOP = os.path.dirname(os.path.dirname(HERE))
STDLIB_SA = os.path.join(TOP, "stdlib", "bigfix", "server-automation.plan")

failures = 0


def check(cond, what):
    global failures
    if cond:
        print("ok    " + what)
    else:
        failures += 1
        print("FAIL  " + what)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def pos_of(text, needle, nth=0, delta=0):
    """The LSP position (UTF-16) of the nth occurrence of needle, moved delta characters in."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start)
    line_start = text.rfind("\n", 0, start) + 1
    return {"line": line, "character": utf16_len(text[line_start:start]) + delta}


def doc(uri):
    return {"textDocument": {"uri": uri}}


def at(uri, pos, **more):
    params = {"textDocument": {"uri": uri}, "position": pos}
    params.update(more)
    return params


def apply_edits(text, edits):
    """Applies TextEdits (UTF-16 ranges) to text, last first."""
    lines = text.split("\n")

    def offset(p):
        before = sum(len(l) + 1 for l in lines[:p["line"]])
        line = lines[p["line"]] if p["line"] < len(lines) else ""
        units, chars = 0, 0
        while chars < len(line) and units < p["character"]:
            units += utf16_len(line[chars])
            chars += 1
        return min(before + chars, len(text))

    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    reverse=True):
        a, b = offset(e["range"]["start"]), offset(e["range"]["end"])
        text = text[:a] + e["newText"] + text[b:]
    return text


def main():
    bfplan = os.path.abspath(sys.argv[1])
    main_text, lib_text, sa_text = read(MAIN), read(LIB), read(STDLIB_SA)
    main_uri, lib_uri, sa_uri = uri_of(MAIN), uri_of(LIB), uri_of(STDLIB_SA)
    c = Client(bfplan)

    # ---- initialize ----
    r = c.request("initialize", {"processId": None, "rootUri": None, "capabilities":
                                 {"general": {"positionEncodings": ["utf-8", "utf-16"]}}})
    caps = r["result"]["capabilities"]
    check(caps.get("positionEncoding") == "utf-16", "initialize: positions in UTF-16")
    check(caps["textDocumentSync"]["change"] == 2 and caps["textDocumentSync"]["openClose"],
          "initialize: incremental sync")
    for cap in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
                "documentFormattingProvider", "documentRangeFormattingProvider"):
        check(caps.get(cap) is True, "initialize: " + cap)
    check("completionProvider" in caps and "codeActionProvider" in caps, "initialize: completion, code actions")
    check(r["result"]["serverInfo"]["name"] == "bfplan", "initialize: serverInfo")
    c.notify("initialized", {})

    # ---- didOpen: a clean plan, its library, and a stdlib file ----
    c.notify("textDocument/didOpen", {"textDocument": {"uri": main_uri, "languageId": "bfplan", "version": 1,
                                                        "text": main_text}})
    d = c.diagnostics(main_uri)
    check(d["diagnostics"] == [] and d["version"] == 1, "didOpen: the clean plan has no diagnostics")
    c.notify("textDocument/didOpen", {"textDocument": {"uri": lib_uri, "languageId": "bfplan", "version": 1,
                                                        "text": lib_text}})
    check(c.diagnostics(lib_uri)["diagnostics"] == [], "didOpen: the used file has none either")

    # ---- hover ----
    p = pos_of(main_text, "exch01", 1, 2)  # `cluster exch01` after 計画 😀 on the plan's line
    h = c.request("textDocument/hover", at(main_uri, p))["result"]
    check(h and "exch01" in h["contents"]["value"] and h["contents"]["kind"] == "markdown",
          "hover: the cluster named after wide and astral characters")
    start = pos_of(main_text, "exch01", 1)
    check(h and h["range"]["start"] == start and h["range"]["end"]["character"] == start["character"] + 6,
          "hover: its range counts UTF-16 code units (%s)" % (h and h["range"]))
    h = c.request("textDocument/hover", at(main_uri, pos_of(main_text, "pause", 0, 1)))["result"]
    v = h["contents"]["value"] if h else ""
    check("online" in v and "paused" in v and "Timeout" in v, "hover: a step's node states and timeout")
    check("Timeout: 15m" in v, "hover: the step's own timeout")
    h = c.request("textDocument/hover", at(main_uri, pos_of(main_text, "patch nov-2026", 0, 2)))["result"]
    v = h["contents"]["value"] if h else ""
    check("Timeout: 2h; in plan `patch-exch01`: 1h" in v, "hover: the step's timeout in the plan it is written in")
    h = c.request("textDocument/hover", at(main_uri, pos_of(main_text, "900201", 0, 2)))["result"]
    v = h["contents"]["value"] if h else ""
    check("Fixlet 900201" in v and "patches-for-windows" in v and "Action1" in v and "Unconfirmed" in v,
          "hover: a baseline's Fixlet by ID, its assumed action unconfirmed (%r)" % v)
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, "900201", 0, 2)))
    check("result" in r and r["result"] is None, "definition: none for a Fixlet the catalog does not know")
    h = c.request("textDocument/hover", at(main_uri, pos_of(main_text, "    restart", 0, 6)))["result"]
    v = h["contents"]["value"] if h else ""
    check("**restart**" in v and "unconfirmed" in v and "restart as-step" in v,
          "hover: a baseline's restart line, what it rests on and the other form (%r)" % v)
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, "    restart", 0, 6)))["result"]
    r = r[0] if isinstance(r, list) and r else r
    check(r and r["uri"].endswith("/stdlib/bigfix/server-automation.plan")
          and r["range"]["start"]["line"] == pos_of(sa_text, "step restart ", 0, 5)["line"],
          "definition: a bare restart line goes to the standard library's restart step (%r)" % r)
    h = c.request("textDocument/hover", at(main_uri, pos_of(main_text, "EXNODE2", 0, 3)))["result"]
    v = h["contents"]["value"] if h else ""
    check("phase 2 of 2" in v and "role holder" in v, "hover: a node's phase (%r)" % v)
    h = c.request("textDocument/hover", at(lib_uri, pos_of(lib_text, "EXNODE1", 0, 1)))["result"]
    v = h["contents"]["value"] if h else ""
    check("phase 1 of 2" in v and "patch-exch01" in v,
          "hover: a node of a library's cluster, its phase in the open plan that uses it (%r)" % v)
    h = c.request("textDocument/hover", at(lib_uri, pos_of(lib_text, "windows-2008", 0, 4)))["result"]
    start = pos_of(lib_text, "windows-2008")
    check(h and h["range"]["start"] == start, "hover: an OS after a title with wide and astral characters")
    c.notify("textDocument/didOpen", {"textDocument": {"uri": sa_uri, "languageId": "bfplan", "version": 1,
                                                        "text": sa_text}})
    c.diagnostics(sa_uri)
    h = c.request("textDocument/hover", at(sa_uri, pos_of(sa_text, "run pause-node-2003, pause-node-2008", 0,
                                                          len("run pause-node-2003, p"))))["result"]
    v = h["contents"]["value"] if h else ""
    check("Fixlet 116" in v and "server-automation" in v and "Action" in v and "Pause Node" in v,
          "hover: a Fixlet's ID, site, action and title")
    check("Unconfirmed" in v and "action name" in v, "hover: a Fixlet's unconfirmed facts")
    h = c.request("textDocument/hover", at(main_uri, {"line": 0, "character": 3}))
    check(h["result"] is None, "hover: nothing in a comment")

    # ---- definition, references ----
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, "exch01", 1, 1)))["result"]
    check(r and r["uri"] == lib_uri and r["range"]["start"] == pos_of(lib_text, "exch01"),
          "definition: across a `use`, into the library file")
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, "nov-2026", 1)))["result"]
    check(r and r["uri"] == main_uri and r["range"]["start"] == pos_of(main_text, "nov-2026"),
          "definition: in the same file")
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, "EXNODE2", 0, 1)))["result"]
    check(r and r["uri"] == lib_uri and r["range"]["start"] == pos_of(lib_text, "EXNODE2"),
          "definition: a node, to the cluster's node list")
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, "pause", 0)))["result"]
    check(r and r["uri"].endswith("/stdlib/bigfix/server-automation.plan"), "definition: into the standard library")
    r = c.request("textDocument/definition", at(main_uri, pos_of(main_text, '"lib/clusters"', 0, 3)))["result"]
    check(r and r["uri"] == lib_uri and r["range"]["start"] == {"line": 0, "character": 0},
          "definition: a `use` line, to the file it reads")
    h = c.request("textDocument/hover", at(main_uri, pos_of(main_text, '"bigfix/sites"', 0, 3)))["result"]
    v = h["contents"]["value"] if h else ""
    check("stdlib/bigfix/sites.plan" in v and "standard library" in v, "hover: a `use` line, the file it reads")
    refs = c.request("textDocument/references", at(lib_uri, pos_of(lib_text, "exch01", 0, 1),
                                                   context={"includeDeclaration": True}))["result"]
    places = sorted((x["uri"], x["range"]["start"]["line"], x["range"]["start"]["character"]) for x in refs)
    want = sorted([(lib_uri,) + tuple(pos_of(lib_text, "exch01").values()),
                   (main_uri,) + tuple(pos_of(main_text, "exch01", 1).values())])
    check(places == want, "references: the declaration and the plan that uses it (%s)" % places)
    refs = c.request("textDocument/references", at(main_uri, pos_of(main_text, "nov-2026"),
                                                   context={"includeDeclaration": False}))["result"]
    check(len(refs) == 1 and refs[0]["range"]["start"] == pos_of(main_text, "nov-2026", 1),
          "references: without the declaration")

    # ---- document symbols ----
    syms = c.request("textDocument/documentSymbol", doc(main_uri))["result"]
    check([(s["name"], s["kind"]) for s in syms] == [("nov-2026", 4), ("patch-exch01", 2)],
          "documentSymbol: the baseline and the plan")
    syms = c.request("textDocument/documentSymbol", doc(lib_uri))["result"]
    check(len(syms) == 1 and [x["name"] for x in syms[0].get("children", [])] == ["EXNODE1", "EXNODE2"],
          "documentSymbol: a cluster and its nodes")

    # ---- didChange: a mistake, its diagnostic, its code action ----
    p = pos_of(main_text, "pause", 0)
    end = dict(p, character=p["character"] + 5)
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 2},
                                        "contentChanges": [{"range": {"start": p, "end": end}, "text": "paus"}]})
    d = c.diagnostics(main_uri, 2)
    diags = d["diagnostics"]
    check(d["version"] == 2 and len(diags) == 1 and diags[0]["code"] == "BFP204" and diags[0]["severity"] == 1,
          "didChange: the misspelt step is an error (%s)" % [x["message"] for x in diags])
    check(diags and diags[0]["range"] == {"start": p, "end": dict(p, character=p["character"] + 4)},
          "didChange: at the misspelt name")
    check(diags and "unknown step 'paus'" in diags[0]["message"] and "did you mean 'pause'" in diags[0]["message"],
          "didChange: the message and its help")
    acts = c.request("textDocument/codeAction", {"textDocument": {"uri": main_uri}, "range": diags[0]["range"],
                                                 "context": {"diagnostics": diags}})["result"]
    check(len(acts) == 1 and acts[0]["kind"] == "quickfix" and acts[0]["title"] == "write 'pause'",
          "codeAction: the suggestion as a quick fix")
    edits = acts[0]["edit"]["changes"][main_uri] if acts else []
    fixed = apply_edits(main_text.replace("        pause\n", "        paus\n", 1), edits)
    check(fixed == main_text, "codeAction: its edit restores the plan")
    acts = c.request("textDocument/codeAction", {"textDocument": {"uri": main_uri},
                                                 "range": {"start": {"line": 0, "character": 0},
                                                           "end": {"line": 0, "character": 1}},
                                                 "context": {"diagnostics": []}})["result"]
    check(acts == [], "codeAction: none away from a diagnostic")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 3},
                                        "contentChanges": [{"text": main_text}]})
    check(c.diagnostics(main_uri, 3)["diagnostics"] == [], "didChange: the whole text replaced, clean again")

    # ---- a fix that inserts a line: the missing require ----
    without = main_text.replace("    require dotnet-4.0\n", "")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 4},
                                        "contentChanges": [{"text": without}]})
    diags = c.diagnostics(main_uri, 4)["diagnostics"]
    check(len(diags) == 1 and diags[0]["code"] == "BFP301", "didChange: a missing require is an error (%s)"
          % [x["message"] for x in diags])
    acts = c.request("textDocument/codeAction", {"textDocument": {"uri": main_uri}, "range": diags[0]["range"],
                                                 "context": {"diagnostics": diags}})["result"] if diags else []
    check(len(acts) == 1 and "require dotnet-4.0" in acts[0]["title"],
          "codeAction: the diagnostic's machine-applicable fix (%s)" % [x["title"] for x in acts])
    fixed = apply_edits(without, acts[0]["edit"]["changes"][main_uri]) if acts else without
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 5},
                                        "contentChanges": [{"text": fixed}]})
    check(c.diagnostics(main_uri, 5)["diagnostics"] == [], "codeAction: the plan with the fix applied checks clean")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 6},
                                        "contentChanges": [{"text": main_text}]})
    c.diagnostics(main_uri, 6)

    # ---- a new file, never saved; an allowance in it ----
    allowed = read(os.path.join(TOP, "tests", "golden", "allow-line-ok.plan"))
    new_uri = uri_of(os.path.join(PLANS, "unsaved.plan"))
    c.notify("textDocument/didOpen", {"textDocument": {"uri": new_uri, "languageId": "bfplan", "version": 1,
                                                        "text": allowed}})
    check(c.diagnostics(new_uri, 1)["diagnostics"] == [], "didOpen: a file not on disk; `bfplan: allow` hides its warning")
    c.notify("textDocument/didChange", {"textDocument": {"uri": new_uri, "version": 2}, "contentChanges": [
        {"text": allowed.replace("  # bfplan: allow BFP302 -- the next change adds a .NET step", "")}]})
    diags = c.diagnostics(new_uri, 2)["diagnostics"]
    check([(x["code"], x["severity"]) for x in diags] == [("BFP302", 2)], "didChange: without it, the warning shows")
    c.notify("textDocument/didClose", doc(new_uri))
    c.diagnostics(new_uri)

    # ---- a change to a used file re-checks the plan that uses it ----
    p = pos_of(lib_text, "exch01")
    c.notify("textDocument/didChange", {"textDocument": {"uri": lib_uri, "version": 2}, "contentChanges": [
        {"range": {"start": p, "end": dict(p, character=p["character"] + 6)}, "text": "exch02"}]})
    c.diagnostics(lib_uri, 2)
    diags = c.diagnostics(main_uri, 3)["diagnostics"]
    check(len(diags) == 1 and "unknown cluster 'exch01'" in diags[0]["message"]
          and diags[0]["range"]["start"] == pos_of(main_text, "exch01", 1),
          "dependents: renaming the cluster in the used file breaks the plan")
    c.notify("textDocument/didChange", {"textDocument": {"uri": lib_uri, "version": 3},
                                        "contentChanges": [{"text": lib_text}]})
    c.diagnostics(lib_uri)
    check(c.diagnostics(main_uri)["diagnostics"] == [], "dependents: and restoring it mends the plan")

    # a mistake inside the used file shows on the `use` line of the plan
    bad_lib = lib_text.replace("quorum node-and-witness", "quorum node-and-witnes")
    c.notify("textDocument/didChange", {"textDocument": {"uri": lib_uri, "version": 4},
                                        "contentChanges": [{"text": bad_lib}]})
    c.diagnostics(lib_uri)
    diags = c.diagnostics(main_uri)["diagnostics"]
    use_line = pos_of(main_text, 'use "lib/clusters"')
    quorum = [x for x in diags if x["code"] == "BFP208"]
    check(len(quorum) == 1 and quorum[0]["range"]["start"] == use_line and "clusters.plan:9:12:" in quorum[0]["message"],
          "dependents: an error in the used file is shown at its `use` (%s)" % diags)
    rel = quorum[0].get("relatedInformation", []) if quorum else []
    check(any(x["location"]["uri"] == lib_uri for x in rel), "dependents: with the place in the used file")
    c.notify("textDocument/didChange", {"textDocument": {"uri": lib_uri, "version": 5},
                                        "contentChanges": [{"text": lib_text}]})
    c.diagnostics(lib_uri)
    c.diagnostics(main_uri)

    # ---- completion ----
    def complete(text, marker, version):
        """Puts text in place of the plan's line holding marker; completes at the end of the new text."""
        lines = main_text.split("\n")
        k = next(i for i, l in enumerate(lines) if marker in l)
        c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": version},
                                            "contentChanges": [{"range": {"start": {"line": k, "character": 0},
                                                                          "end": {"line": k + 1, "character": 0}},
                                                                "text": text + "\n"}]})
        last = text.split("\n")
        r = c.request("textDocument/completion", at(main_uri, {"line": k + len(last) - 1,
                                                               "character": utf16_len(last[-1])}))["result"]
        c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": version},
                                            "contentChanges": [{"text": main_text}]})
        return [i["label"] for i in r["items"]]

    labels = complete("    max-down 1\n    ", "max-down 1", 10)
    check("require" in labels and "each" in labels and "nodes" not in labels, "completion: a plan's statement words")
    labels = complete("", "# main.plan", 11)
    check("plan" in labels and "cluster" in labels and "use" in labels, "completion: keywords at the top level")
    labels = complete("        pa", "        pause", 12)
    check("pause" in labels and "resume" in labels and "nov-2026" not in labels, "completion: steps in `each node`")
    labels = complete("        patch no", "patch nov-2026", 13)
    check("nov-2026" in labels, "completion: a baseline after a step")
    labels = complete("    fixlet 900201 site pa", "fixlet 900201", 14)
    check("patches-for-windows" in labels and "server-automation" in labels and "pause" not in labels,
          "completion: site names")
    labels = complete("    require d", "require dotnet-4.0", 15)
    check("dotnet-4.0" in labels and "control-scripts" in labels and "pause" not in labels,
          "completion: prerequisites after require")
    c.notify("textDocument/didChange", {"textDocument": {"uri": lib_uri, "version": 6},
                                        "contentChanges": [{"text": lib_text.replace(" os windows-2008", " os wi")}]})
    c.diagnostics(lib_uri)
    line = next(l for l in lib_text.replace(" os windows-2008", " os wi").split("\n") if " os wi" in l)
    r = c.request("textDocument/completion", at(lib_uri, {"line": pos_of(lib_text, "os windows")["line"],
                                                          "character": utf16_len(line)}))["result"]
    labels = [i["label"] for i in r["items"]]
    check("windows-2008" in labels and "windows-2003" in labels and "exch01" not in labels,
          "completion: OS names after wide and astral characters, from the last check that resolved")
    c.notify("textDocument/didChange", {"textDocument": {"uri": lib_uri, "version": 7},
                                        "contentChanges": [{"text": lib_text}]})
    labels = complete("    active EX", "active EXNODE2", 16)
    check(labels == ["EXNODE1", "EXNODE2"], "completion: the nodes of the plan's cluster after active (%s)" % labels)
    labels = complete("    # require ", "require dotnet-4.0", 17)
    check(labels == [], "completion: nothing in a comment")
    labels = complete("    restart re", "fixlet 900201", 18)
    check("as-step" in labels and "restart-on-pending-restart" in labels and "pause" not in labels,
          "completion: a restart Fixlet and as-step after restart in a baseline (%s)" % labels[:8])

    # ---- formatting ----
    canonical = subprocess.run([bfplan, "fmt", MAIN], capture_output=True, text=True).stdout
    messy = main_text.replace("    max-down 1\n", "  max-down    1\n").replace("        resume\n", "\tresume\n")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 20},
                                        "contentChanges": [{"text": messy}]})
    edits = c.request("textDocument/formatting", {"textDocument": {"uri": main_uri},
                                                  "options": {"tabSize": 4, "insertSpaces": True}})["result"]
    check(apply_edits(messy, edits) == canonical, "formatting: the edits give what bfplan fmt prints")
    check(len(edits) == 3, "formatting: only the lines that change (%d edits)" % len(edits))
    line = pos_of(messy, "max-down")["line"]
    edits = c.request("textDocument/rangeFormatting", {
        "textDocument": {"uri": main_uri}, "options": {"tabSize": 4, "insertSpaces": True},
        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 5}}})["result"]
    check(len(edits) == 1 and apply_edits(messy, edits) == messy.replace("  max-down    1\n", "    max-down 1\n"),
          "rangeFormatting: only the lines of the range")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 21},
                                        "contentChanges": [{"text": "plan {\n"}]})
    c.diagnostics(main_uri)
    r = c.request("textDocument/formatting", {"textDocument": {"uri": main_uri}, "options": {}})
    check("error" in r and r["error"]["code"] == -32803, "formatting: a file that does not parse is refused")

    # ---- an incremental edit inside astral characters' line ----
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 22},
                                        "contentChanges": [{"text": main_text}]})
    p = pos_of(main_text, "😀 patch", 0, 2)  # after the astral character, which is two code units
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 23},
                                        "contentChanges": [{"range": {"start": p, "end": p}, "text": "X"}]})
    c.diagnostics(main_uri)
    syms = c.request("textDocument/documentSymbol", doc(main_uri))["result"]
    plan_sym = [s for s in syms if s["name"] == "patch-exch01"]
    r = c.request("textDocument/hover", at(main_uri, pos_of(main_text, "exch01", 1, 1)))["result"]
    want = pos_of(main_text, "exch01", 1)
    want["character"] += 1
    check(r and r["range"]["start"] == want, "didChange: an insertion after an astral character lands after it")
    check(plan_sym, "didChange: the plan is still there")

    # ---- what no editor should send ----
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    r = c.read_message()
    check(r.get("error", {}).get("code") == -32700 and r.get("id") is None, "hostile: a body that is not JSON")
    c.send_raw(b"Content-Length: 2\r\n\r\n[]")
    r = c.read_message()
    check(r.get("error", {}).get("code") == -32600, "hostile: a body that is not a request")
    c.send_raw(b"Content-Length: 3\r\n\r\n\"\xff\"")
    r = c.read_message()
    check(r.get("error", {}).get("code") == -32700, "hostile: a body that is not UTF-8")
    c.send_raw(b"X-Nonsense: 1\r\n\r\nContent-Length: -4\r\n\r\n")
    r = c.request("textDocument/hover", at(main_uri, {"line": 4294967296, "character": 4294967296}))
    check(r.get("result") is None and "error" not in r, "hostile: broken headers skipped, a far position is the end")
    r = c.request("textDocument/hover", at(main_uri, {"line": -1, "character": 0}))
    check(r.get("error", {}).get("code") == -32602, "hostile: a negative position")
    r = c.request("textDocument/hover", {"textDocument": {"uri": main_uri}, "position": "here"})
    check(r.get("error", {}).get("code") == -32602, "hostile: a position that is not one")
    r = c.request("textDocument/hover", at("file:///nowhere.plan", {"line": 0, "character": 0}))
    check(r.get("error", {}).get("code") == -32803, "hostile: a document that is not open")
    r = c.request("textDocument/definition", [1, 2])
    check(r.get("error", {}).get("code") == -32602, "hostile: params that are not an object")
    r = c.request("workspace/symbol", {"query": ""})
    check(r.get("error", {}).get("code") == -32601, "hostile: a method the server does not answer")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri}, "contentChanges": [
        {"range": {"start": {"line": 9999, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# end\n"}]})
    c.diagnostics(main_uri)
    r = c.request("textDocument/documentSymbol", doc(main_uri))["result"]
    check(len(r) == 2, "hostile: an edit with its range reversed and beyond the end")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 30},
                                        "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                                                      "end": {"line": 0, "character": 0}},
                                                            "text": 5}]})
    d = c.diagnostics(main_uri, 30)
    shown = [m for m in c.notifications if m["method"] == "window/showMessage"]
    r = c.request("textDocument/documentSymbol", doc(main_uri))["result"]
    check(len(shown) == 1 and shown[0]["params"]["type"] == 1 and "open it again" in shown[0]["params"]["message"]
          and r == [] and d["diagnostics"] == [], "hostile: a change that cannot be read empties the plan, and says so")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 31}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "plan x {}\n"}]})
    r = c.request("textDocument/documentSymbol", doc(main_uri))["result"]
    check(r == [], "hostile: an edit to the emptied plan is not applied")
    c.notify("textDocument/didChange", {"textDocument": {"uri": main_uri, "version": 32},
                                        "contentChanges": [{"text": main_text}]})
    c.diagnostics(main_uri, 32)
    r = c.request("textDocument/documentSymbol", doc(main_uri))["result"]
    check(len(r) == 2, "hostile: a whole new text brings it back")
    big = 64 * 1024 * 1024 + 1
    c.send_raw(b"Content-Length: %d\r\n\r\n" % big)
    chunk = b" " * (1024 * 1024)
    for _ in range(64):
        c.send_raw(chunk)
    c.send_raw(b" ")
    r = c.read_message(timeout=60)
    check(r.get("error", {}).get("code") == -32600, "hostile: a message over the limit is refused")
    r = c.request("textDocument/documentSymbol", doc(main_uri))
    check(len(r["result"]) == 2, "hostile: and the server carries on")

    # ---- didClose, shutdown, exit ----
    c.notify("textDocument/didClose", doc(lib_uri))
    check(c.diagnostics(lib_uri)["diagnostics"] == [], "didClose: its diagnostics are cleared")
    r = c.request("shutdown")
    check("result" in r and r["result"] is None, "shutdown: answered with null")
    r = c.request("textDocument/hover", at(main_uri, {"line": 0, "character": 0}))
    check(r.get("error", {}).get("code") == -32600, "shutdown: requests after it are refused")
    c.notify("exit")
    check(c.proc.wait(timeout=10) == 0, "exit: status 0 after shutdown")

    # ---- a second server: the order of things ----
    c = Client(bfplan)
    r = c.request("textDocument/hover", at(main_uri, {"line": 0, "character": 0}))
    check(r.get("error", {}).get("code") == -32002, "before initialize: requests are refused")
    c.notify("exit")
    check(c.proc.wait(timeout=10) == 1, "exit without shutdown: status 1")

    # ---- --allow, and bfplan.ini in the directory the editor starts the server in ----
    unallowed = read(os.path.join(TOP, "tests", "golden", "allow-line-ok.plan")).replace(
        "  # bfplan: allow BFP302 -- the next change adds a .NET step", "")
    scratch = tempfile.mkdtemp()
    try:
        uri = uri_of(os.path.join(scratch, "p.plan"))
        for args, ini, what in ((["--allow", "BFP302"], None, "--allow BFP302"),
                                ([], "[allow]\nBFP302 = the next change adds a .NET step\n", "bfplan.ini's [allow]"),
                                (["--deny", "BFP302"], None, "--deny BFP302")):
            if ini:
                with open(os.path.join(scratch, "bfplan.ini"), "w") as f:
                    f.write(ini)
            c = Client(bfplan, args, cwd=scratch)
            c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
            c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "bfplan", "version": 1,
                                                                "text": unallowed}})
            got = [(x["code"], x["severity"]) for x in c.diagnostics(uri, 1)["diagnostics"]]
            want = [("BFP302", 1)] if "deny" in what else []
            check(got == want, "%s: the server reports %s (%s)" % (what, want or "nothing", got))
            c.request("shutdown")
            c.notify("exit")
            c.close()
            if ini:
                os.remove(os.path.join(scratch, "bfplan.ini"))
    finally:
        shutil.rmtree(scratch)

    # ---- a third: the editor goes away without a word ----
    c = Client(bfplan)
    c.proc.stdout.close()
    try:
        c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}}, timeout=0)
    except (Failure, ValueError, OSError):
        pass
    try:
        c.notify("initialized", {})
    except OSError:
        pass
    check(c.close() == 1, "a closed output: the server ends with status 1, not killed by SIGPIPE")

    print("lsp session: %s" % ("all passed" if failures == 0 else "%d FAILED" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print("FAIL  " + str(e))
        sys.exit(1)
