"""tests/build/execution_model.py - the outputs of a build carry out what check proved.

usage: python3 tests/build/execution_model.py OUTDIR...

For every plan in OUTDIR/plan.json (docs/execution.md):

- worst_case_seconds is the longest path through automation_plan.steps,
  each step waiting for the steps in its "after" and running to its
  timeout_seconds; a step's failure step adds its timeout, and no such
  path may end later;
- every step waits only for earlier steps, targets exactly the nodes of
  its phase, and the phases hold every node of the cluster once;
- the .bes holds one Baseline per plan.json baseline, with the same
  components in the same order, and no Baseline holds a Fixlet that a
  node step (pause, move groups, resume, ...) runs;
- the plan's checklist (PLAN.checklist.md) carries the stdlib's
  on-failure, verify and not-relevant advice of every step for every
  target: on the step's card, filled in, or in the one numbered advice
  paragraph the card points to ("as in A2"), whose text with the card's
  node put in for ‹node› is the step's; and each advice is said once:
  no advice sentence appears twice in the checklist, and a paragraph
  serves two steps or more, all of them running the same thing;
- the index (checklist.md) links to each plan's checklist;
- every reference into the document's tables (sites, fixlets, marks,
  texts, and the plan's restores and baselines) names an entry;
- no output keeps a placeholder ({node}, {server}, {cluster}) or the old
  "NODE" and "the server's name" stand-ins.

Prints PASS/FAIL lines and exits 1 when anything fails.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

failures = 0


def check(ok, what):
    global failures
    print(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def longest_path(steps, restores):
    by_number = {s["number"]: s for s in steps}
    finish = {}
    worst = 0
    for s in steps:  # listed in order: a step waits only for earlier ones
        start = max((finish[a] for a in s["after"]), default=0)
        finish[s["number"]] = start + s["timeout_seconds"]
        end = finish[s["number"]]
        if s["failure_step"] is not None:
            end += restores[s["failure_step"]]["timeout_seconds"]
        worst = max(worst, finish[s["number"]], end)
    return worst, max(finish.values(), default=0), by_number


def check_references(outdir, doc, plan):
    """Every index into a table names an entry of it."""
    name = plan["name"]
    size = {t: len(doc[t]) for t in ("sites", "fixlets", "marks", "texts")}
    refs = []  # (table, index)
    refs += [("sites", i) for i in plan["sites"]]
    refs += [("marks", i) for i in plan["unconfirmed"] + plan["os_unconfirmed"]]
    refs += [("texts", plan["os_title"])] if plan["os_title"] is not None else []
    for pr in plan["prerequisites"]:
        refs += [("texts", pr[k]) for k in ("title", "detect") if pr[k] is not None]
        refs += [("fixlets", pr["provider"])] if pr["provider"] is not None else []
        refs += [("marks", i) for i in pr["unconfirmed"]]
    for bl in plan["baselines"]:
        refs += [("fixlets", i) for i in bl["components"]]
        refs += [("texts", bl["title"])] if bl["title"] is not None else []
    for r in plan["restores"]:
        refs += [("fixlets", r["fixlet"])]
    for s in plan["automation_plan"]["steps"]:
        if "fixlet" in s["run"]:
            refs.append(("fixlets", s["run"]["fixlet"]))
        else:
            refs.append(("baselines", s["run"]["baseline"]))
        refs += [("restores", s[k]) for k in ("restore", "failure_step") if s[k] is not None]
        refs += [("texts", s["title"])] if s["title"] is not None else []
        refs += [("marks", i) for i in s["unconfirmed"]]
        refs += [("texts", i) for i in s["advice"].values() if isinstance(i, int)]
    local = {"baselines": len(plan["baselines"]), "restores": len(plan["restores"])}
    bad = [(t, i) for t, i in refs if not 0 <= i < {**size, **local}[t]]
    for f in doc["fixlets"]:
        bad += [("sites", f["site"])] if not 0 <= f["site"] < size["sites"] else []
        bad += [("marks", i) for i in f["unconfirmed"] if not 0 <= i < size["marks"]]
    check(not bad, f"{outdir}: {name}: every reference into the tables names an entry"
          + (f": not {bad[:5]}" if bad else ""))


ADVICE_KEYS = ("verify", "role_verify", "on_failure", "not_relevant")


def step_advice(doc, step):
    """A step's advice for each of its targets: plan.json gives each text once, with
    ‹node› standing for the node (docs/output.md), which is put in here."""
    texts = {k: doc["texts"][i] if isinstance(i, int) else i for k, i in step["advice"].items()}
    check_keys = set(step["advice"]) == set(ADVICE_KEYS)
    if not check_keys:
        raise SystemExit(f"plan.json: step {step['number']}: advice keys {sorted(step['advice'])}")
    return [dict({"node": node}, **{k: t.replace(ADVICE_NODE, node) if t else None for k, t in texts.items()})
            for node in step["targets"]]


def markdown_plain(text):
    """What a reader sees of the checklist's Markdown: escapes and emphasis gone."""
    return text.replace("\\", "").replace("**", "")


ADVICE_NODE = "\u2039node\u203a"
FIELD_OF = {"verify": "Verify", "on_failure": "If it fails", "not_relevant": "If Not Relevant"}


def card_fields(card):
    """A card's "- Label: text" lines, by label."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^- ([A-Za-z ]+?): (.*)$", card, flags=re.M)}


def advice_paragraphs(plain):
    """The checklist's numbered advice paragraphs ("### A2. ..."): number -> field key -> text."""
    found = {}
    for part in re.split(r"^### ", plain, flags=re.M)[1:]:
        m = re.match(r"A(\d+)\. ", part)
        if not m:
            continue
        fields = card_fields(part.split("\n## ", 1)[0])
        found[int(m.group(1))] = {k: fields[label] for k, label in FIELD_OF.items() if label in fields}
    return found


def step_cards(doc, plan, plain):
    """Step number -> the text of its card."""
    cards = {}
    parts = re.split(r"^### ", plain, flags=re.M)
    for s in plan["automation_plan"]["steps"]:
        title = doc["texts"][s["title"]] if s["title"] is not None else s["name"]
        card = next((c for c in parts if c.startswith(f"Step {s['number']}. {title}")), None)
        if card is not None:
            cards[s["number"]] = card.split("\n## ", 1)[0]
    return cards


def advice_said(card, paragraphs, key, node, targets):
    """What the card says for one advice on `node`: the card's own line, or the paragraph it
    points to with `node` put in, provided the card is the node's (it names it on its On line)."""
    if card is None:
        return None
    line = card_fields(card).get(FIELD_OF[key], "")
    ref = re.search(r"\bas in A(\d+)\.", line)
    if not ref:
        return line
    on = card_fields(card).get("On", "")
    if node not in targets or not re.search(rf"(^|[ ,]){re.escape(node)}([ ,]|$)", on):
        return None
    text = paragraphs.get(int(ref.group(1)), {}).get(key)
    return text.replace(ADVICE_NODE, node) if text else None


def check_plan(outdir, doc, plan, checklist, review, bes_root):
    name = plan["name"]
    steps = plan["automation_plan"]["steps"]
    check_references(outdir, doc, plan)
    worst, success_path, by_number = longest_path(steps, plan["restores"])
    check(plan["worst_case_seconds"] == worst == success_path,
          f"{outdir}: {name}: worst_case_seconds {plan['worst_case_seconds']} is the critical path of "
          f"the recipe's {len(steps)} steps ({success_path}; with failure steps {worst})")
    check(all(a < s["number"] for s in steps for a in s["after"]),
          f"{outdir}: {name}: every step waits only for earlier steps")
    phases = {p["number"]: p for p in plan["phases"]}
    check(all(s["targets"] == phases[s["phase"]]["nodes"] for s in steps),
          f"{outdir}: {name}: every step targets the nodes of its phase, all at once")
    placed = sorted(n for p in plan["phases"] for n in p["nodes"])
    check(placed == sorted(plan["cluster_nodes"]) and len(placed) == len(set(placed)),
          f"{outdir}: {name}: the phases hold every node once")
    if plan["window_seconds"] is not None:
        check(plan["worst_case_seconds"] <= plan["window_seconds"],
              f"{outdir}: {name}: the worst case fits the window it was proven against")

    # the .bes: exactly the plan's Baselines, and no node step inside one
    baselines = [b for b in bes_root.findall("Baseline")]
    check(len(baselines) == len(plan["baselines"]),
          f"{outdir}: {name}: one Baseline in the .bes per baseline the plan uses ({len(baselines)})")
    fixlets = doc["fixlets"]
    site_names = [s["name"] for s in doc["sites"]]
    node_step_ids = {(site_names[fixlets[s["run"]["fixlet"]]["site"]], fixlets[s["run"]["fixlet"]]["id"])
                     for s in steps if "fixlet" in s["run"]}
    sites = {doc["sites"][i]["name"]: doc["sites"][i]["gather_url"] for i in plan["sites"]}
    for element, expected in zip(baselines, plan["baselines"]):
        got = [int(c.get("SourceID")) for c in element.iter("BaselineComponent")]
        want = [fixlets[i]["id"] for i in expected["components"]]
        check(got == want, f"{outdir}: {name}: Baseline '{expected['bes_title']}' holds {want} in order")
        urls = [c.get("SourceSiteURL") for c in element.iter("BaselineComponent")]
        inside = {(site, cid) for site, cid in
                  ((next((k for k, v in sites.items() if v == u), None), i) for u, i in zip(urls, got))}
        check(not (inside & node_step_ids),
              f"{outdir}: {name}: no Baseline pauses, drains or resumes a node")

    # `restart as-step` (Pending Restart: Continue Plan): every Baseline step is followed, on the same
    # nodes, by a restart step of its own, and no Baseline holds that step's Fixlet (checked above)
    if plan["automation_plan"]["pending_restart"] == "continue-plan":
        unrestarted = [s["number"] for i, s in enumerate(steps) if "baseline" in s["run"] and not (
            i + 1 < len(steps) and "fixlet" in steps[i + 1]["run"] and steps[i + 1]["after"] == [s["number"]]
            and steps[i + 1]["targets"] == s["targets"]
            and fixlets[steps[i + 1]["run"]["fixlet"]]["restart"] == "clears")]
        check(not unrestarted, f"{outdir}: {name}: a restart step follows every Baseline step on its nodes"
              + (": not after " + ", ".join(map(str, unrestarted)) if unrestarted else ""))

    # the checklist carries the stdlib's advice for every target, each sentence once
    plain = markdown_plain(checklist)
    paragraphs = advice_paragraphs(plain)
    cards = step_cards(doc, plan, plain)
    missing, twice, users = [], [], {}
    for s in steps:
        card = cards.get(s["number"])
        for advice in step_advice(doc, s):
            for key in ("on_failure", "verify", "not_relevant"):
                text = advice[key]
                if not text:
                    continue
                said = advice_said(card, paragraphs, key, advice["node"], s["targets"])
                if said is None or text.rstrip(".") not in said:
                    missing.append(f"step {s['number']} {key} on {advice['node']}")
        for ref in re.findall(r"\bas in A(\d+)\.", card or ""):
            users.setdefault(int(ref), set()).add((s["number"], s["name"]))
    for number, fields in paragraphs.items():
        for key, text in fields.items():
            if plain.count(text) != 1:
                twice.append(f"A{number} {key}")
    for s in steps:
        for advice in step_advice(doc, s):
            for key in ("on_failure", "verify", "not_relevant"):
                if advice[key] and plain.count(advice[key].rstrip(".")) > 1:
                    twice.append(f"step {s['number']} {key} on {advice['node']}")
    check(not missing, f"{outdir}: {name}: {plan['name']}.checklist.md carries every step's advice"
          + (": missing " + ", ".join(missing[:5]) if missing else ""))
    check(not twice, f"{outdir}: {name}: {plan['name']}.checklist.md says each advice once"
          + (": twice " + ", ".join(sorted(set(twice))[:5]) if twice else ""))
    badly_used = [f"A{n}" for n in paragraphs
                  if len(users.get(n, ())) < 2 or len({step for _, step in users.get(n, ())}) != 1]
    check(not badly_used, f"{outdir}: {name}: each advice paragraph serves two steps or more of one kind"
          + (": not " + ", ".join(badly_used) if badly_used else ""))

    check_step_cards(outdir, doc, plan, plain)

    # Server Automation's settings: each step's timeout is its advanced failure behaviour, and the
    # recipe names every setting plan.json gives (docs/execution.md, "Server Automation's settings")
    check(all(s["fail_unreported_after_seconds"] == s["timeout_seconds"] for s in steps),
          f"{outdir}: {name}: every step's advanced failure behaviour fails it at its timeout")
    auto = plan["automation_plan"]
    recipe = markdown_plain(review)
    unnamed = [k for k, words in SETTING_WORDS.items() if words[auto[k]] not in recipe]
    check("advanced failure behaviour, fail the targets that have not returned a status" in recipe and not unnamed,
          f"{outdir}: {name}: {plan['name']}.review.md names each step's advanced failure behaviour and the "
          f"plan's settings" + (": not " + ", ".join(unnamed) if unnamed else ""))

    # a guessed title is shown with its mark wherever the checklist names it
    unmarked = []
    for f in doc["fixlets"]:
        if f["title"] and any(doc["marks"][i]["field"] == "title" for i in f["unconfirmed"]):
            shown = f'"{f["title"]}"'
            at = plain.find(shown)
            while at >= 0:
                if not GUESS_MARK_AFTER.match(plain, at + len(shown)):
                    unmarked.append(f"{f['kind']} {f['id']} at offset {at}")
                at = plain.find(shown, at + 1)
    check(not unmarked, f"{outdir}: {name}: {plan['name']}.checklist.md marks every guessed title it shows"
          + (": not " + ", ".join(unmarked[:5]) if unmarked else ""))


def duration(seconds):
    """As the checklist shows a duration: "2 h 30 min", "15 min", "30 s"."""
    h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
    parts = [f"{h} h"] * bool(h) + [f"{m} min"] * bool(m) + [f"{s} s"] * bool(s)
    return " ".join(parts) or "0 s"


def check_step_cards(outdir, doc, plan, plain):
    """Each step of plan.json has its card, with its targets, what to verify, its timeout and what a failure does."""
    name = plan["name"]
    cards = re.split(r"^### ", plain, flags=re.M)
    missing = []
    for s in plan["automation_plan"]["steps"]:
        title = doc["texts"][s["title"]] if s["title"] is not None else s["name"]
        card = next((c for c in cards if c.startswith(f"Step {s['number']}. {title}")), None)
        if card is None:
            missing.append(f"step {s['number']} ({title}) has no card")
            continue
        card = card.split("\n## ", 1)[0]
        what = f"step {s['number']}"
        missing += [f"{what}: target {n}" for n in s["targets"] if n not in card]
        if f"timeout {duration(s['timeout_seconds'])}" not in card:
            missing.append(f"{what}: timeout {duration(s['timeout_seconds'])}")
        paragraphs = advice_paragraphs(plain)
        for advice in step_advice(doc, s):
            for key in ("verify", "on_failure", "not_relevant"):
                said = advice_said(card, paragraphs, key, advice["node"], s["targets"])
                if advice[key] and (said is None or advice[key].rstrip(".") not in said):
                    missing.append(f"{what}: {key} on {advice['node']}")
        if s["failure_behavior"] == "stop-plan" and s["failure_step"] is not None:
            restore = plan["restores"][s["failure_step"]]
            if f"`{restore['name']}` (" not in card or "then the plan stops" not in card:
                missing.append(f"{what}: failure step {restore['name']}")
        elif s["failure_behavior"] in ("stop-plan", "hold") and "the plan stops" not in card:
            missing.append(f"{what}: the plan stops")
        elif s["failure_behavior"] == "continue-on-all-targets" and "the plan goes on" not in card:
            missing.append(f"{what}: the plan goes on")
    check(not missing, f"{outdir}: {name}: every step of plan.json has its card in {name}.checklist.md, with "
          "its targets, verification, timeout and failure action" + (": missing " + "; ".join(missing[:5]) if missing else ""))


# what the recipe says for each value of plan.json's settings
SETTING_WORDS = {
    "pending_restart": {"pause-until-restart-completes": 'Pending Restart: choose "Pause Plan until restart completes"',
                        "continue-plan": 'Pending Restart: choose "Continue Plan"'},
    "failure_step_targets": {"all-step-targets": "Each failure step targets all the endpoints of its step"},
    "non_reporting": {"keep-non-reporting": "Non-reporting endpoints: do not exclude them"},
}

# right after what it marks (a link to its entry in the review report), or after the reference's "(site ...)"
GUESS_MARK_AFTER = re.compile(r"( \([^()]*\))? \[?\u26a0U\d")
PLACEHOLDER = re.compile(r"\{(node|server|cluster)\}|cluster node NODE |the server's name")


def unescape_md(text):
    return text.replace("\\", "")


def check_reasons(outdir, doc, plan, review, index):
    """The review lists every unconfirmed fact of its plan (U1, U2...), each with its reason, said
    there or in the index entry it links to."""
    lines = review.splitlines()
    missing = []
    for k, i in enumerate(plan["unconfirmed"], 1):
        mark = doc["marks"][i]
        line = next((l for l in lines if f'<a id="u{k}"></a>' in l), None)
        if line is None:
            missing.append(f"U{k} not listed")
            continue
        full = line  # facts with one reason share an entry that says it once, at its end
        line = line[line.index(f'<a id="u{k}"></a>') + 1:]
        line = line[:line.index('<a id="u')] if '<a id="u' in line else line  # this fact's part of its entry
        reason = mark["reason"]
        if reason in unescape_md(line) or ("(checklist.md#f" not in line and reason in unescape_md(full)):
            continue
        link = re.search(r"\]\(checklist\.md#(f\d+)\)", line)
        entry = link and next((l for l in index.splitlines() if f'<a id="{link.group(1)}"></a>' in l), None)
        if not entry or reason not in unescape_md(entry) or mark["owner"] not in unescape_md(entry):
            missing.append(f"U{k} ({mark['owner']}): its reason")
    check(not missing, f"{outdir}: {plan['name']}: its review lists each of its {len(plan['unconfirmed'])} "
          "unconfirmed facts with its reason, or a link to it in the index" + (f": {missing[:3]}" if missing else ""))


def main(dirs):
    for outdir in dirs:
        with open(os.path.join(outdir, "plan.json"), encoding="utf-8") as f:
            doc = json.load(f)
        check(doc["format_version"] == 4, f"{outdir}: plan.json format_version 4")
        with open(os.path.join(outdir, "checklist.md"), encoding="utf-8") as f:
            index = f.read()
        for plan in doc["plans"]:
            own = f"{plan['name']}.checklist.md"
            check(f"]({own})" in index, f"{outdir}: checklist.md links to {own}")
            with open(os.path.join(outdir, own), encoding="utf-8") as f:
                checklist = f.read()
            with open(os.path.join(outdir, plan["review_file"]), encoding="utf-8") as f:
                review = f.read()
            # what every review would say alike is said once in the index: each link finds its entry there
            dangling = [t for t in re.findall(r"\]\(checklist\.md#([^)]+)\)", review) if f'<a id="{t}"></a>' not in index]
            check(not dangling and "(checklist.md#confirm" in review,
                  f"{outdir}: {plan['name']}: {plan['review_file']} links to how to confirm each kind of fact in "
                  "checklist.md, and every link finds its entry" + (f": not {dangling[:3]}" if dangling else ""))
            check_reasons(outdir, doc, plan, review, index)
            with open(os.path.join(outdir, "checklist.html"), encoding="utf-8") as f:
                index_html = f.read()
            with open(os.path.join(outdir, plan["review_file"][:-3] + ".html"), encoding="utf-8") as f:
                review_html = f.read()
            dangling = [t for t in re.findall(r'href="checklist\.html#([^"]+)"', review_html)
                        if f'id="{t}"' not in index_html]
            check(not dangling, f"{outdir}: {plan['name']}: every link of its HTML review finds its entry in "
                  "checklist.html" + (f": not {dangling[:3]}" if dangling else ""))
            bes = ET.parse(os.path.join(outdir, plan["bes_file"])).getroot()
            check_plan(outdir, doc, plan, checklist, review, bes)
        for output in sorted(os.listdir(outdir)):
            with open(os.path.join(outdir, output), encoding="utf-8") as f:
                hit = PLACEHOLDER.search(f.read())
            check(not hit, f"{outdir}: {output} keeps no placeholder" + (f" (found {hit.group(0)!r})" if hit else ""))
    print(f"execution_model: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
