#!/usr/bin/python3
"""proofs.py - every proof names each run-time fact it rests on.

    /usr/bin/python3 proofs.py OUTDIR...
    /usr/bin/python3 proofs.py --self-test OUTDIR

Each OUTDIR is a build's output (plan.json and each plan's checklist).  A
proof in plan.json ("when": "proven") holds from the plan files alone, or
only if facts of the live cluster hold when the window starts.  The rule:
each such fact is either a pre-flight check the proof names in `rests_on`
(one the checklist gives a card with how to look, recorded as its Journal row says), or
a fact in `rests_on_by_hand` that the checklist's by-hand card says how
to look at.  A proof resting on a fact it does not name fails.

What each proof rests on is this test's own table (FACTS), written from
docs/execution.md, not read from the outputs, so a build that drops a
fact is caught.  A proof code the table does not know fails too: a new
proof must say here what it rests on.

--self-test takes one build and breaks a copy of its plan.json in each
way the rule forbids; each must be caught.  Prints PASS/FAIL lines; exits
1 on a failure.
"""

import copy
import glob
import json
import os
import sys

failed = 0


def check(name, cond, detail=""):
    global failed
    print(("PASS " if cond else "FAIL ") + name + ("" if cond or not detail else ": " + str(detail)[:400]))
    failed += not cond


def counts_witness(plan):
    """The quorum proof counts the witness's vote: node-and-witness under the vote rule (not quorum-rule hcl)."""
    q = plan["quorum"]
    return q["model"] == "node-and-witness" and q["rule"] == "more-than-half-of-votes"


def role_checked(plan):
    return plan["role"] is not None and any(c["code"] == "BFP310" and c["when"] == "preflight"
                                            for c in plan["checks"])


# proof code -> the run-time facts it rests on in this plan: (name, how a pre-flight check of it reads,
# how a by-hand fact reads).  The proofs of the plan alone rest on none.
def facts_of(code, plan):
    plan_alone = ("BFP301", "BFP303", "BFP306", "BFP307", "BFP308", "BFP309", "BFP317", "BFP318")
    if code in plan_alone:
        return []
    if code == "BFP310":
        return [("where the role runs", lambda c: c["code"] == "BFP310" and "runs on" in c["description"], None)]
    if code == "BFP313":
        facts = [("every node up and reporting",
                  lambda c: c["code"] == "BFP313" and "every node" in c["description"]
                  and "up and reporting" in c["description"], "every node")]
        if counts_witness(plan):
            facts.append(("the witness online",
                          lambda c: c["code"] == "BFP313" and "witness" in c["description"]
                          and c["preflight_fixlet"], "witness"))
        return facts
    return None


def checklist_of(outdir, plan):
    path = os.path.join(outdir, plan["name"] + ".checklist.md")
    with open(path, encoding="utf-8") as f:
        return f.read()


def card(md, heading_start):
    """The text of the checklist card whose heading starts with `heading_start`, or None."""
    at = md.find("\n### " + heading_start)
    if at < 0:
        return None
    end = md.find("\n### ", at + 1)
    end2 = md.find("\n## ", at + 1)
    ends = [e for e in (end, end2) if e >= 0]
    return md[at:min(ends)] if ends else md[at:]


def problems(plan, md):
    """What breaks the rule in one plan: a list of sentences (empty: the rule holds)."""
    out = []
    pre = {c["number"]: c for c in plan["checks"] if c["when"] == "preflight"}
    for proof in (c for c in plan["checks"] if c["when"] == "proven"):
        code = proof["code"]
        facts = facts_of(code, plan)
        if facts is None:
            out.append(f"{code}: a proof this test does not know: add what it rests on to FACTS")
            continue
        for n in proof["rests_on"]:
            if n not in pre:
                out.append(f"{code}: rests on P{n}, which is not a pre-flight check of the plan")
        named = [pre[n] for n in proof["rests_on"] if n in pre]
        for fact, is_check, by_hand_word in facts:
            via_check = [c for c in named if is_check(c)]
            via_hand = [h for h in proof["rests_on_by_hand"] if by_hand_word and by_hand_word in h]
            if via_check:
                c = via_check[0]
                body = card(md, f"P{c['number']}. ")
                if body is None:
                    out.append(f"{code}: rests on P{c['number']} ({fact}), which the checklist has no card for")
                elif not any(w in body for w in ("**Look:**", "**Where relevant:**")):
                    out.append(f"{code}: the checklist's card P{c['number']} ({fact}) does not say how to look")
                elif "`done P1` for check P1" not in md:
                    # what to record for a check is said once, in the plan's Journal row
                    out.append(f"{code}: the checklist does not say how a pre-flight check is recorded")
            elif via_hand:
                body = card(md, "By hand")
                if body is None or "**Look:**" not in body or via_hand[0] not in body:
                    out.append(f"{code}: rests on '{via_hand[0]}' by hand, which the checklist does not say how "
                               "to look at")
            else:
                out.append(f"{code}: rests on {fact}, which it names neither in rests_on nor in rests_on_by_hand")
        if not facts and (proof["rests_on"] or proof["rests_on_by_hand"]):
            out.append(f"{code}: a proof of the plan alone names run-time facts the test does not know of")
    return out


def plans_in(outdir):
    with open(os.path.join(outdir, "plan.json"), encoding="utf-8") as f:
        return json.load(f)["plans"]


def run(outdirs):
    for outdir in outdirs:
        for plan in plans_in(outdir):
            md = checklist_of(outdir, plan)
            proofs = sum(c["when"] == "proven" for c in plan["checks"])
            found = problems(plan, md)
            check(f"{os.path.basename(outdir.rstrip('/'))}/{plan['name']}: each of {proofs} proofs names every "
                  "run-time fact it rests on", not found, "; ".join(found))


def self_test(outdir):
    """Each way of breaking the rule, made in a copy of the first plan, must be caught."""
    plan = plans_in(outdir)[0]
    md = checklist_of(outdir, plan)
    check("self-test: the build itself keeps the rule", not problems(plan, md), problems(plan, md))

    def broken(name, change, text=md):
        bad = copy.deepcopy(plan)
        change(bad)
        check(f"self-test: caught: {name}", problems(bad, text), "not caught")

    def proof(p, code):
        return next(c for c in p["checks"] if c["when"] == "proven" and c["code"] == code)

    broken("the quorum proof rests on nothing named",
           lambda p: proof(p, "BFP313").update(rests_on=[], rests_on_by_hand=[]))
    broken("the quorum proof drops the nodes' check", lambda p: proof(p, "BFP313")["rests_on"].pop(0))
    if counts_witness(plan):
        broken("the quorum proof drops the witness", lambda p: proof(p, "BFP313")["rests_on"].pop())
    if role_checked(plan):
        broken("the role proof rests on nothing named", lambda p: proof(p, "BFP310").update(rests_on=[]))
    broken("a proof rests on a check that does not exist", lambda p: proof(p, "BFP313")["rests_on"].append(99))
    broken("a fact left by hand with no how-to in the checklist",
           lambda p: proof(p, "BFP313").update(rests_on=[], rests_on_by_hand=["every node of the cluster is up"]))
    broken("a proof the test does not know", lambda p: p["checks"].append(
        {"code": "BFP399", "when": "proven", "number": None, "description": "x", "prerequisite": None,
         "preflight_fixlet": None, "rests_on": [], "rests_on_by_hand": [], "unconfirmed": []}))
    n = proof(plan, "BFP313")["rests_on"][0]
    broken("the checklist has no card for a check a proof rests on", lambda p: None,
           md.replace(f"\n### P{n}. ", "\n### Q. "))


def main(argv):
    if argv[:1] == ["--self-test"]:
        self_test(argv[1])
    else:
        run(argv)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
