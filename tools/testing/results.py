#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The test bench's one reader of results and its one tally.

Every test result the bench counts reaches it in one format, KTAP
(Documentation/dev-tools/ktap.rst), and this script alone reads it:

- the VM's results channel (tools/testing/init.sh writes it): one KTAP
  document whose top-level tests are the steps of the run, each with its
  own output as a subtest, four spaces in: TAP for the kselftests and the
  interoperability tests, KUnit's KTAP, GoogleTest's results as TAP
  (tools/testing/ktap.awk converts them in the guest), and diagnostic
  lines ("# ...") for any other step; "# bench: ..." lines at the top
  level frame the run;
- CTest's JUnit report for the host unit tests (check.sh), read into the
  same tree of tests.

A case is a test without subtests, or a test that failed although none of
its subtests did (a step's exit status), or a group that reported fewer
or more results than its plan ("1..N") announced. Its name is the step's,
then ":" and the names of the subtests below it, joined with "."
("selftests/binderlite_txn_test:txn.binderlite.round_trip",
"kunit:binderlite_alloc.alloc_test_exhaustive.free order 01234").
A "# SKIP" directive makes it a SKIP (its reason kept after " # "), "#
XFAIL" a PASS. Cases are lines "PASS name", "FAIL name", "SKIP name #
reason", which the tally counts.

  results.py cases [--prefix P] [--log L] FILE   cases of a results channel
                                                 or a JUnit report
  results.py steps FILE                          "seconds name exit-status"
                                                 per step of the channel
  results.py output FILE STEP...                 what the steps printed
  results.py section FILE NAME                   a section (dmesg, kmemleak)
  results.py tally [--label L] [--skips] CASES...
      prints the failed cases (and with --skips the skip reasons) on
      stderr, then "[L: ]N passed, N failed[, N skipped]"; exit status 1
      when a case failed
"""

import argparse
import collections
import re
import signal
import sys
import xml.etree.ElementTree as ET

INDENT = 4
RESULT = re.compile(r"(not ok|ok) (\d+)\b ?(.*)$")
PLAN = re.compile(r"1\.\.(\d+)\b")
SUBTEST = re.compile(r"# Subtest: (.*)$")
CONTROL = "# bench: "


class Test:
    """One test of a KTAP document and its subtests."""

    def __init__(self, name, ok, directive, note, children, plan):
        self.name = name
        self.ok = ok
        self.directive = directive      # "SKIP", "XFAIL", "TODO" or ""
        self.note = note                # the text after the directive
        self.children = children
        self.plan = plan                # the "1..N" of its subtests
        self.body = []                  # its output, one level up
        self.time = None                # seconds (steps of the channel)


def split_result(text):
    """'name # SKIP why' -> ('name', 'SKIP', 'why')."""
    m = re.search(r"\s#(\s|$)", text)
    if not m:
        return text.strip(), "", ""
    name, rest = text[:m.start()].strip(), text[m.end():].strip()
    word = rest.split(" ", 1)[0].upper() if rest else ""
    if word in ("SKIP", "XFAIL", "TODO"):
        return name, word, rest[len(word):].strip()
    return name, "", rest


class Channel:
    """A results channel (or any KTAP stream) read into a tree of tests."""

    def __init__(self, lines):
        self.steps = []
        self.sections = {}
        self.started = False
        self.done = False
        self.unfinished = []            # (name, results) of cut-off tests
        pending = [[]]                  # pending[d]: results at depth d
        plans = [None]
        names = [None]                  # "# Subtest:" of the test at d - 1
        body = []
        times = {}
        section = None
        for raw in lines:
            line = raw.replace("\r", "").rstrip("\n")
            text = line.lstrip(" ")
            depth = (len(line) - len(text)) // INDENT
            if depth == 0 and text.startswith(CONTROL):
                word, _, arg = text[len(CONTROL):].partition(" ")
                section = None
                if word == "init":
                    self.started = True
                elif word == "done":
                    self.done = True
                elif word == "time":
                    name, _, secs = arg.rpartition(" ")
                    times[name] = secs
                elif word == "section":
                    section = self.sections.setdefault(arg, [])
                continue
            if section is not None:
                if depth == 0 and text.startswith("#"):
                    section.append(text[2:] if text.startswith("# ") else text[1:])
                    continue
                section = None
            if depth > 0:
                body.append(line[INDENT:])
            while len(pending) <= depth + 1:
                pending.append([])
                plans.append(None)
                names.append(None)
            m = RESULT.match(text)
            if m:
                name, directive, note = split_result(m.group(3))
                kids = [t for level in pending[depth + 1:] for t in level]
                test = Test(name, m.group(1) == "ok", directive, note, kids,
                            plans[depth + 1])
                for d in range(depth + 1, len(pending)):
                    pending[d], plans[d], names[d] = [], None, None
                pending[depth].append(test)
                if depth == 0:
                    test.body, body = body, []
                    test.time = times.get(name)
                    self.steps.append(test)
                continue
            m = PLAN.match(text)
            if m:
                plans[depth] = int(m.group(1))
                continue
            m = SUBTEST.match(text)
            if m:
                names[depth] = m.group(1).strip()
        # Results whose parent never reported: the run ended inside it.
        for d in range(1, len(pending)):
            if names[d] is not None or pending[d]:
                self.unfinished.append((d, names[d], pending[d]))


def cases_of_channel(lines):
    ch = Channel(lines)
    out = []
    for step in ch.steps:
        out += named_cases(step, "", ":")
    for depth, name, results in ch.unfinished:
        where = name or "(an unnamed step)"
        if depth == 1:
            for t in results:
                out += named_cases(t, where + ":")
            out.append("FAIL %s: the run ended inside it" % where)
    if not ch.done:
        out.append("FAIL vm: run incomplete")
    return out


def named_cases(test, prefix, sep="."):
    """TEST's cases, its name after PREFIX, SEP before its subtests'."""
    kids = []
    for child in test.children:
        kids += named_cases(child, prefix + test.name + sep)
    return finish(test, prefix + test.name, kids)


def finish(test, full, kids):
    """TEST's cases, given its subtests' KIDS."""
    if not test.children:
        if test.directive == "SKIP":
            return ["SKIP %s%s" % (full, " # " + test.note if test.note else "")]
        if test.ok or test.directive == "XFAIL":
            return ["PASS %s" % full]
        return ["FAIL %s%s" % (full, ": " + test.note if test.note else "")]
    out = list(kids)
    if not test.ok and test.directive != "XFAIL" and \
            not any(c.startswith("FAIL ") for c in kids):
        out.append("FAIL %s: %s" % (full, test.note or "failed"))
    if test.plan is not None and test.plan != len(test.children):
        out.append("FAIL %s: %d results planned, %d reported" %
                   (full, test.plan, len(test.children)))
    return out


def cases_of_junit(path, log):
    """CTest's JUnit report: every testcase is a case."""
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        status = case.get("status")
        skipped = case.find("skipped")
        why = skipped.get("message", "") if skipped is not None else ""
        name = case.get("name")
        if status == "run":
            out.append("PASS %s" % name)
        elif status == "disabled" or "SKIP_REGULAR_EXPRESSION" in why:
            out.append("SKIP %s # %s" % (name, "disabled" if status == "disabled" else
                                         "GTEST_SKIP()" + ("; log: " + log if log else "")))
        else:
            out.append("FAIL %s (%s%s)" % (name, status, "; log: " + log if log else ""))
    return out


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.readlines()


def cmd_cases(args):
    with open(args.file, "rb") as f:
        head = f.read(256).lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<testsuite"):
        out = cases_of_junit(args.file, args.log)
    else:
        out = cases_of_channel(read_lines(args.file))
    for c in out:
        verdict, _, name = c.partition(" ")
        print("%s %s%s" % (verdict, args.prefix, name))
    return 0


def cmd_steps(args):
    for step in Channel(read_lines(args.file)).steps:
        status = "0" if step.ok else step.note.replace("exit status ", "")
        print(step.time or "?", step.name, status)
    return 0


def cmd_output(args):
    ch = Channel(read_lines(args.file))
    for step in ch.steps:
        if step.name not in args.steps:
            continue
        for line in step.body:
            if line == "# Subtest: " + step.name:
                continue
            # A step without results printed text, each line a diagnostic.
            if not step.children and line.startswith("#"):
                line = line[2:] if line.startswith("# ") else line[1:]
            print(line)
    return 0


def cmd_section(args):
    for line in Channel(read_lines(args.file)).sections.get(args.name, []):
        print(line)
    return 0


def cmd_tally(args):
    count = collections.Counter()
    failed = []
    reasons = collections.Counter()
    for path in args.cases:
        try:
            lines = read_lines(path)
        except FileNotFoundError:
            lines = ["FAIL %s: missing (the run did not get that far)" % path]
        for line in lines:
            verdict, _, name = line.rstrip("\n").partition(" ")
            if verdict not in ("PASS", "FAIL", "SKIP"):
                continue
            count[verdict] += 1
            if verdict == "FAIL":
                failed.append(name)
            elif verdict == "SKIP":
                reasons[name.partition(" # ")[2] or "(no reason given)"] += 1
    label = args.label + ": " if args.label else ""
    if args.skips and reasons:
        print("[bench] %sskipped, by reason:" % label, file=sys.stderr)
        for why, n in sorted(reasons.items(), key=lambda r: (-r[1], r[0])):
            print("  %5d  %s" % (n, why), file=sys.stderr)
    if failed:
        print("[bench] %sfailed cases:" % label, file=sys.stderr)
        for name in failed:
            print("  FAIL %s" % name, file=sys.stderr)
    summary = "%d passed, %d failed" % (count["PASS"], count["FAIL"])
    if count["SKIP"]:
        summary += ", %d skipped" % count["SKIP"]
    print(label + summary)
    return 1 if failed else 0


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("cases")
    s.add_argument("--prefix", default="")
    s.add_argument("--log", default="")
    s.add_argument("file")
    s = sub.add_parser("steps")
    s.add_argument("file")
    s = sub.add_parser("output")
    s.add_argument("file")
    s.add_argument("steps", nargs="+")
    s = sub.add_parser("section")
    s.add_argument("file")
    s.add_argument("name")
    s = sub.add_parser("tally")
    s.add_argument("--label", default="")
    s.add_argument("--skips", action="store_true")
    s.add_argument("cases", nargs="+")
    args = p.parse_args()
    return globals()["cmd_" + args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
