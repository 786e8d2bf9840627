#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make soak`: the long reliability run, one VM run on the debug kernel
# (KASAN, lockdep, kmemleak, fault injection, LOCK_STAT):
#
#   1. lock statistics   the concurrent kselftests (stress, threads) with
#                        /proc/lock_stat reset first; binderlite's classes
#                        (tools/testing/lockstat.sh)
#   2. kill storm        binderlite_stress_test at full scale
#                        (BL_STORM_TXNS=100000 transactions)
#   3. fault injection   the IPC kselftests (binderlite's variant), ROUNDS
#                        rounds, failslab, fail_page_alloc and
#                        fail_function at random points; then recovery
#                        (tools/testing/faults.sh)
#   4. lifecycle         1,000 insmod/rmmod cycles, a round trip in each
#                        (binderlite_module_test, BL_LIFECYCLE_CYCLES)
#
#   soak.sh [-k KERNEL] [-r ROUNDS] [-c CYCLES] [-n TXNS] [-p PROGRAMS] [-T SECONDS]
#
# Defaults: the debug kernel, 1 round, 1000 cycles, 100000 transactions,
# PROGRAMS "txn ref death nested fd sg freeze thread" (binderlite_NAME_test),
# each killed after SECONDS (default 300) under injection.
# The run fails as any VM run does (vm.sh): a failed step or a kernel
# report. It ends with a summary: faults injected, cycles, storm
# transactions, the most contended locks. Logs: out/logs/<kernel>-soak.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=debug
rounds=1
cycles=1000
txns=100000
ipc_tests="txn ref death nested fd sg freeze thread"
limit=300
while getopts "k:r:c:n:p:T:" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	r) rounds=$OPTARG ;;
	c) cycles=$OPTARG ;;
	n) txns=$OPTARG ;;
	p) ipc_tests=$OPTARG ;;
	T) limit=$OPTARG ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done

logs=$BL_OUT/logs/$kernel-soak
dir=$BL_OUT/soak
mkdir -p "$dir"
plan=$dir/plan
# The IPC kselftests run under injection with binderlite's variant only
# (the reference binder is not the one injected).
{
	echo "lockstat /extra/lockstat.sh \"/tests/binderlite_stress_test -v binderlite\" \"/tests/binderlite_thread_test -v binderlite\""
	echo "selftests/binderlite_stress_test BL_STORM_TXNS=$txns /tests/binderlite_stress_test"
	printf 'faults /extra/faults.sh -r %s -T %s' "$rounds" "$limit"
	for t in $ipc_tests; do
		printf ' "/tests/binderlite_%s_test -v binderlite"' "$t"
	done
	echo
	echo "selftests/binderlite_module_test BL_LIFECYCLE_CYCLES=$cycles /tests/binderlite_module_test"
} > "$plan"

rc=0
BL_EXTRA_FILES="$BL_TOP/tools/testing/faults.sh $BL_TOP/tools/testing/lockstat.sh" \
	"$BL_TOP/tools/testing/vm.sh" -k "$kernel" -p "$plan" -t 14400 -l "$logs" || rc=$?

# The summary, from what the steps printed.
results=$logs/results.log
out() { bl_results output "$results" "$1" 2>/dev/null || true; }
count() { grep -c "$1" "$logs/cases" 2>/dev/null || true; }
out lockstat > "$dir/lockstat.txt"
out faults > "$dir/faults.txt"
{
	echo "soak on $kernel: $(head -n 1 "$logs/verdict" 2>/dev/null || echo 'no verdict')," \
		"$(count '^PASS') passed, $(count '^FAIL') failed cases"
	echo "faults:    $(grep '^faults: ' "$dir/faults.txt" | sed 's/^faults: //' || echo 'no summary')"
	echo "lifecycle: $(out selftests/binderlite_module_test | grep -o '[0-9]* cycles, each with a round trip' || echo 'no count') " \
		"($(count 'PASS selftests/binderlite_module_test') module cases passed)"
	echo "storm:     BL_STORM_TXNS=$txns: $(count 'PASS selftests/binderlite_stress_test') stress cases passed," \
		"$(count 'FAIL selftests/binderlite_stress_test') failed"
	echo "steps (seconds name exit):"
	sed 's/^/  /' "$logs/steps" 2>/dev/null || true
	echo "most contended binderlite locks (lock_stat; times in us):"
	grep '^lockstat: ' "$dir/lockstat.txt" | head -n 1 | sed 's/^lockstat: /  /' || true
	grep '^lockstat: ' "$dir/lockstat.txt" | tail -n +2 | head -n 8 | sed 's/^lockstat: /  /' || true
} | tee "$dir/summary"
exit $rc
