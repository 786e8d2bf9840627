#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The driver is a stack of layers: each file calls only files below it.
# This script proves it from a build's object files.
#
#   layers.sh [-o ORDER] [-v] DIR
#
#   DIR    a directory with the driver's object files (binderlite_*.o) of a
#          W=1 build, such as out/build/6.12/module/src/driver after
#          vm.sh or make check's static phase (bl_build_module in lib.sh)
#   ORDER  the files' nouns, top layer first, separated by spaces
#          ("main debugfs ipc ..."); default: the "LAYERS:" line of
#          DIR/binderlite.h, else of driver/binderlite.h, where the
#          driver declares its order
#   -v     list the symbols behind each dependency
#
# For each object file, `nm` gives the symbols it defines and the ones it
# uses without defining. A file depends on another when it uses a symbol
# the other defines (a function or a variable). The script prints that
# graph, one line per file, top first, then fails (exit 1) on:
#
# - a cycle: files that depend on each other, directly or not;
# - a call upward: a file that uses a symbol of a file above it in ORDER;
# - an object file whose noun ORDER does not list, or a noun of ORDER
#   without an object file: the order must name every file, once.
#
# The last line is "layers: OK" or "layers: N problems"; exit status 2 on
# bad usage or a missing directory. Static functions and static inline
# functions of headers are invisible here, by design: they are private to
# their file, or copied into every user.
set -euo pipefail

order=
verbose=0
while getopts "o:v" opt; do
	case $opt in
	o) order=$OPTARG ;;
	v) verbose=1 ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
dir=$1
[ -d "$dir" ] || { echo "layers: no directory $dir" >&2; exit 2; }

if [ -z "$order" ]; then
	top=$(cd "$(dirname "$0")/../.." && pwd)
	for h in "$dir/binderlite.h" "$top/driver/binderlite.h"; do
		[ -f "$h" ] || continue
		order=$(sed -n 's/^ \* LAYERS: *//p' "$h" | head -n 1)
		[ -n "$order" ] && break
	done
	[ -n "$order" ] || { echo "layers: no LAYERS: line in binderlite.h; give -o" >&2; exit 2; }
fi

shopt -s nullglob
objs=()
for o in "$dir"/binderlite_*.o; do
	case $o in *.mod.o) continue ;; esac
	# An object whose source is gone is a leftover of an older tree.
	[ ! -f "${o%.o}.c" ] && [ -f "$dir/binderlite.h" ] && continue
	objs+=("$o")
done
[ ${#objs[@]} -gt 0 ] || { echo "layers: no binderlite_*.o in $dir (build the module first)" >&2; exit 2; }

# One line per symbol: "def NOUN SYMBOL" or "use NOUN SYMBOL".
for o in "${objs[@]}"; do
	noun=$(basename "$o" .o)
	noun=${noun#binderlite_}
	nm --defined-only -g "$o" | awk -v n="$noun" 'NF == 3 { print "def", n, $3 }'
	nm -u "$o" | awk -v n="$noun" '{ print "use", n, $NF }'
done | python3 -c '
import sys

order = sys.argv[1].split()
verbose = sys.argv[2] == "1"
defs, uses, files = {}, {}, set()
for line in sys.stdin:
    kind, noun, sym = line.split()
    files.add(noun)
    if kind == "def":
        defs[sym] = noun
    else:
        uses.setdefault(noun, set()).add(sym)

# deps[a][b]: the symbols of b that a uses.
deps = {f: {} for f in files}
for f, syms in uses.items():
    for s in syms:
        if s in defs and defs[s] != f:
            deps[f].setdefault(defs[s], []).append(s)

problems = []
rank = {}
for i, f in enumerate(order):
    if f in rank:
        problems.append("%s is listed twice in the order" % f)
    rank.setdefault(f, i)
for f in sorted(files - set(order)):
    problems.append("%s is not in the order (%s)" % (f, " ".join(order)))
for f in order:
    if f not in files:
        problems.append("%s is in the order but has no object file" % f)

shown = [f for f in order if f in files] + sorted(files - set(order))
width = max(len(f) for f in shown)
print("layers, top first: %s" % " ".join(order))
for f in shown:
    below = sorted(deps[f], key=lambda g: (rank.get(g, len(order)), g))
    print("  %-*s -> %s" % (width, f, " ".join(below) if below else "(nothing)"))
    if verbose:
        for g in below:
            print("  %-*s      %s: %s" % (width, "", g, " ".join(sorted(deps[f][g]))))

# Cycles: strongly connected components of more than one file (Tarjan).
index, low, stack, on_stack, sccs = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in sorted(deps[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            scc.append(w)
            if w == v:
                break
        if len(scc) > 1:
            sccs.append(scc)
sys.setrecursionlimit(10000)
for v in sorted(files):
    if v not in index:
        visit(v)
for scc in sccs:
    members = sorted(scc, key=lambda g: (rank.get(g, len(order)), g))
    edges = ["%s -> %s" % (a, b) for a in members for b in members if b in deps[a]]
    problems.append("cycle among %s: %s" % (" ".join(members), ", ".join(edges)))

for f in shown:
    for g in deps[f]:
        if f in rank and g in rank and rank[g] < rank[f]:
            problems.append("%s calls %s, a layer above it: %s" %
                            (f, g, " ".join(sorted(deps[f][g]))))

for p in problems:
    print("layers: " + p)
print("layers: OK" if not problems else "layers: %d problems" % len(problems))
sys.exit(1 if problems else 0)
' "$order" "$verbose"
