#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The driver's coverage reached by the fuzzer, per file of driver/.

  coverage.py KO KO_G PCS [PCS...]

KO is the module the VM ran; KO_G the same module built with -g (line
tables); each PCS file holds the PCs KCOV reported, as "SECTION OFFSET"
lines (binderlite_fuzz.cpp writes them). A PC is the return address of a
call to __sanitizer_cov_trace_pc, which GCC puts at the start of every
basic block: the sites are those calls' relocations in KO, and the
coverage is the share of sites reached, and of the source lines that have
a site. Lines come from KO_G, which must have the same sites at the same
offsets (-g does not change GCC's code); else only sites are counted.
"""

import collections
import os
import re
import subprocess
import sys

SECTION = re.compile(r"^Disassembly of section (\S+):")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(\S+)")
RELOC = re.compile(r"^\s*([0-9a-f]+): R_X86_64_\S+\s+__sanitizer_cov_trace_pc\b")


def sites(ko):
    """({(section, pc)}, tail calls): where each call returns to, and how
    many calls are tail calls (a jmp), which KCOV reports as the return
    address of their function's caller."""
    out = subprocess.run(["objdump", "-dr", ko], check=True, capture_output=True,
                         text=True).stdout
    found = set()
    tails = 0
    section = None
    insn = ""
    for line in out.splitlines():
        m = SECTION.match(line)
        if m:
            section = m.group(1)
            continue
        m = RELOC.match(line)
        if m and section:
            if insn.startswith("call"):
                # The relocation is the call's 4-byte operand.
                found.add((section, int(m.group(1), 16) + 4))
            else:
                tails += 1
            continue
        m = INSN.match(line)
        if m:
            insn = m.group(2)
    return found, tails


def lines(ko_g, all_sites):
    """{(section, pc): "file:line"} for every site."""
    by_section = collections.defaultdict(list)
    for sec, pc in sorted(all_sites):
        by_section[sec].append(pc)
    where = {}
    for sec, pcs in by_section.items():
        out = subprocess.run(["addr2line", "-e", ko_g, "-j", sec] +
                             ["%#x" % (pc - 4) for pc in pcs],
                             check=True, capture_output=True, text=True).stdout.split("\n")
        for pc, loc in zip(pcs, out):
            path, _, line = loc.rpartition(":")
            line = line.split(" ")[0]
            m = re.search(r"/src/(?:\./)?(driver/[^/]+\.[ch])$", path)
            name = m.group(1) if m else "(inlined from kernel headers)"
            where[(sec, pc)] = "%s:%s" % (name, line)
    return where


def read_pcs(path):
    pcs = set()
    if not os.path.exists(path):
        return pcs
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0] != "?":
                pcs.add((parts[0], int(parts[1], 16)))
    return pcs


def report(label, reached, all_sites, where):
    hit = reached & all_sites
    stray = reached - all_sites
    print("%s: %d of %d sites (basic blocks) reached, %.1f%%" %
          (label, len(hit), len(all_sites), 100.0 * len(hit) / max(len(all_sites), 1)))
    if stray:
        print("  (%d PCs are no call site: returns from functions that end in a tail call"
              " to KCOV)" % len(stray))
    if not where:
        return
    files = collections.defaultdict(lambda: [set(), set(), 0, 0])
    for s in all_sites:
        loc = where[s]
        name = loc.rpartition(":")[0]
        f = files[name]
        f[0].add(loc)
        f[2] += 1
        if s in hit:
            f[1].add(loc)
            f[3] += 1
    print("  %-34s %15s %15s" % ("file", "lines", "sites"))
    tl = [0, 0, 0, 0]
    for name in sorted(files):
        lt, lh, st, sh = len(files[name][0]), len(files[name][1]), files[name][2], files[name][3]
        tl = [tl[0] + lt, tl[1] + lh, tl[2] + st, tl[3] + sh]
        print("  %-34s %5d/%-5d %3d%% %5d/%-5d %3d%%" %
              (name, lh, lt, 100 * lh // max(lt, 1), sh, st, 100 * sh // max(st, 1)))
    print("  %-34s %5d/%-5d %3d%% %5d/%-5d %3d%%" %
          ("total", tl[1], tl[0], 100 * tl[1] // max(tl[0], 1), tl[3], tl[2],
           100 * tl[3] // max(tl[2], 1)))


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    ko, ko_g = sys.argv[1], sys.argv[2]
    all_sites, tails = sites(ko)
    where = {}
    if sites(ko_g)[0] == all_sites:
        where = lines(ko_g, all_sites)
    else:
        print("note: the -g module's sites differ from the module run: no line table")
    # Sites in init and exit code run at load and unload, never while fuzzing.
    live = {s for s in all_sites if s[0] not in (".init.text", ".exit.text", ".text.startup",
                                                  ".text.exit")}
    print("binderlite.ko: %d KCOV call sites, %d outside init/exit code (and %d tail calls,"
          " which KCOV reports as their callers' return addresses: not counted)" %
          (len(all_sites), len(live), tails))
    for path in sys.argv[3:]:
        report(os.path.basename(path), read_pcs(path), live, where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
