#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The hot path's profile (Documentation/performance.rst, "The hot path"):
# one boot of stock 6.12 with binder_linux and binderlite side by side runs
# binderlite-bench's small round trips under ftrace's function_graph
# tracer, limited to the two drivers' functions (tools/bench/profile-guest.sh),
# and prints each function's calls and inclusive time, per driver.
#
#   profile.sh [BENCH RUN OPTIONS...]
#
# Default options: --tests latency --sizes 0,4096 --repeats 1 --pin 0
# --no-bounds --transports binderlite,binder (one client, one server, both
# on CPU 0: every wake-up is local). Output: out/bench/profile.txt.
set -euo pipefail
. "$(dirname "$0")/../testing/lib.sh"

kernel=${KERNEL:-6.12}
opts=("$@")
[ ${#opts[@]} -gt 0 ] || opts=(--tests latency --sizes "0,4096" --repeats 1 --pin 0
	--no-bounds --transports "binderlite,binder")

"$BL_TOP/tools/testing/deps.sh"
prog=$(bl_build_bench_program)

out=$BL_OUT/bench
mkdir -p "$out"
plan=$out/profile.plan
echo "profile sh /extra/profile-guest.sh -n 60 -- /extra/binderlite-bench run$(printf ' %q' "${opts[@]}")" > "$plan"
logs=$BL_OUT/logs/$kernel-profile
BL_EXTRA_FILES="$prog $BL_TOP/tools/bench/profile-guest.sh" \
	"$BL_TOP/tools/testing/vm.sh" -k "$kernel" -p "$plan" -l "$logs" >&2 ||
	bl_die "the profiled run failed; see $logs"
bl_results output "$logs/results.log" profile | sed -n 's/^profile: //p' > "$out/profile.txt"
cat "$out/profile.txt"
bl_log "profile: $out/profile.txt"
