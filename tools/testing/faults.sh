#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection in the debug kernel's VM (busybox sh; soak.sh and
# check.sh pass it in as /extra/faults.sh): runs test programs with
# allocation failures and failing driver helpers injected at random points,
# then turns injection off and checks that binderlite recovers.
#
#   faults.sh [-r ROUNDS] [-p PERCENTS] [-c RECOVERY] [-T SECONDS] [-f] [-q]
#             PROGRAM...
#
#   PROGRAM   a test program, with its arguments in the same word, e.g.
#             "/tests/binderlite_txn_test -v binderlite" (the kselftest
#             harness runs only that variant then)
#   ROUNDS    runs of the PROGRAMs, one after another (default 1)
#   PERCENTS  the probabilities to cycle through, one per run
#             (default "1 5 20")
#   RECOVERY  a program (with arguments) that must pass once injection
#             is off (default "/tests/binderlite_txn_test -v binderlite")
#   SECONDS   a run longer than this is killed, with every process it
#             started (default 600)
#   -f        fail_function even on int3 kprobes (see below)
#   -q        quiet: no kernel log line per injected fault (for long
#             runs such as the fuzzer's; the counts are still reported)
#
# Three injectors:
#   failslab, fail_page_alloc  slab and page allocations of the test
#                              programs (task-filter: only processes whose
#                              /proc/PID/make-it-fail is 1, as the programs
#                              run here and their children are) whose call
#                              stack passes through binderlite's text (the
#                              stack-trace filter require-start/-end)
#   fail_function              the driver's ALLOW_ERROR_INJECTION helpers,
#                              failing with -ENOMEM, -EFAULT or NULL, in
#                              the same tasks (with -f, in whatever calls
#                              them: see injection_on() for why no filter);
#                              only where kprobes sit on ftrace: with int3
#                              kprobes (no KPROBES_ON_FTRACE, as in today's
#                              debug kernel) its handler runs as in an NMI,
#                              where should_fail() takes crngs.lock
#                              (get_random_u32_below()), and lockdep reports
#                              it and turns itself off; -f forces it
# The programs' own verdicts under injection are not the verdict: what
# counts is that no fault turns into a kernel report (vm.sh judges the
# kernel log), that the faults were injected at all, and that afterwards
# RECOVERY passes and debugfs shows nothing left (debugfs-clean.sh).
#
# Prints one "faults: ..." summary line; exits non-zero if one of the
# injectors injected nothing (after up to three more rounds than ROUNDS,
# run only while one is silent), RECOVERY failed or something was left
# behind.
set -u

rounds=1
percents="1 5 20"
recovery="/tests/binderlite_txn_test -v binderlite"
limit=600
force=0
verbose=1
while getopts "r:p:c:T:fq" opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	p) percents=$OPTARG ;;
	c) recovery=$OPTARG ;;
	T) limit=$OPTARG ;;
	f) force=1 ;;
	q) verbose=0 ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "faults.sh: no program to run" >&2; exit 2; }

dbg=/sys/kernel/debug
stats=$dbg/binderlite/stats
. /bench/debugfs-clean.sh

# The driver's injectable helpers and the value each returns when made to
# fail (fail_function wants it as a 64-bit hexadecimal number).
functions="blite_alloc_new_buf:-12 blite_pool_populate:-12 blite_pool_copy_from_user:-14
blite_node_new_locked:0 blite_ref_inc_for_node_locked:-12 blite_thread_get:0
blite_fd_fixups_reserve:-12 blite_death_request_locked:-12 blite_freeze_request:-12"
attrs="failslab fail_page_alloc fail_function"
# The budget of each injector per run: its "times" counts down from here,
# so that what is left tells how many faults it injected.
budget=100000

for a in $attrs; do
	[ -d $dbg/$a ] || { echo "faults.sh: no $dbg/$a: not the debug kernel?"; exit 1; }
done
[ -d /sys/module/binderlite ] || { echo "faults.sh: binderlite is not loaded"; exit 1; }

# binderlite's text: its lowest and highest text symbol, the last one's
# body included (generously: a page).
range=$(awk '$4 == "[binderlite]" && ($2 == "t" || $2 == "T") { print $1 }' /proc/kallsyms | sort |
	sed -n '1p; $p' | tr '\n' ' ')
text_start=${range%% *}
text_last=${range#* }
text_last=${text_last% }
if [ -z "$text_start" ] || [ "$text_start" = 0000000000000000 ]; then
	echo "faults.sh: no addresses of binderlite's text in /proc/kallsyms"
	exit 1
fi
text_end=$(printf '%x' $((0x$text_last + 4096)))
echo "binderlite text: 0x$text_start-0x$text_end (sections/.text $(cat /sys/module/binderlite/sections/.text))"

use_function=1
if ! grep -qw kprobe_ftrace_handler /proc/kallsyms && [ $force = 0 ]; then
	echo "fail_function left out: kprobes are int3 ones here (no KPROBES_ON_FTRACE)"
	use_function=0
	attrs="failslab fail_page_alloc"
fi

# Every injector off, whatever it was doing.
injection_off() {
	for a in $attrs; do
		echo 0 > $dbg/$a/probability
	done
	echo > $dbg/fail_function/inject
}

# injection_on PERCENT: every injector armed at PERCENT (failslab and
# fail_page_alloc for the tasks with make-it-fail only).
injection_on() {
	for a in $attrs; do
		echo "$1" > $dbg/$a/probability
		echo 1 > $dbg/$a/interval
		echo $budget > $dbg/$a/times
		echo 0 > $dbg/$a/space
		echo $verbose > $dbg/$a/verbose
		echo Y > $dbg/$a/task-filter
	done
	for a in failslab fail_page_alloc; do
		echo 32 > $dbg/$a/stacktrace-depth
		echo "0x$text_start" > $dbg/$a/require-start
		echo "0x$text_end" > $dbg/$a/require-end
		echo N > $dbg/$a/ignore-gfp-wait
	done
	echo N > $dbg/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $dbg/fail_page_alloc/min-order
	[ $use_function = 1 ] || return 0
	# On ftrace kprobes the handler runs in the caller's context: the task
	# filter holds (the fuzzer relies on it: its main thread must not
	# fail). With int3 kprobes (-f) the handler runs as in an NMI, where
	# in_task() is false and no task would ever be chosen: no filter then;
	# only the test programs call into binderlite in the VM.
	if [ $force = 1 ]; then
		echo N > $dbg/fail_function/task-filter
	fi
	echo > $dbg/fail_function/inject
	for f in $functions; do
		echo "${f%%:*}" > $dbg/fail_function/inject || return 1
		printf '%#x' "${f#*:}" > "$dbg/fail_function/${f%%:*}/retval" || return 1
	done
}

# bl_stat KEY: a counter of binderlite's debugfs stats.
bl_stat() {
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' $stats
}

injected_slab=0
injected_page=0
injected_function=0
runs=0
nomem0=$(bl_stat failed_no_memory)
fault0=$(bl_stat failed_fault)
# kill_session SID: SIGKILL to every process of session SID, until none
# is left. The kselftest harness puts each test in a process group of its
# own (setpgrp), so a group is not enough; the session is the run's.
kill_session() {
	i=0
	while [ $i -lt 20 ]; do
		left=
		for d in /proc/[0-9]*; do
			s=$(awk '{ sub(/.*\) /, ""); print $4 }' "$d/stat" 2>/dev/null)
			[ "$s" = "$1" ] && left="$left ${d#/proc/}"
		done
		[ -n "$left" ] || return 0
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
		sleep 0.1
		i=$((i + 1))
	done
}

# run_limited LOG PROGRAM ARGS...: runs the program with make-it-fail, in a
# session of its own (setsid), its output to LOG; after $limit seconds
# every process of the session is killed, and once the program ends,
# whatever of it is left (a test's children) too, so that no process of
# it outlives the run. Returns the program's exit status (137 if killed).
run_limited() {
	log=$1
	shift
	(echo 1 > /proc/self/make-it-fail && exec setsid "$@") > "$log" 2>&1 &
	pid=$!
	(exec > /dev/null 2>&1 < /dev/null; sleep "$limit"; kill_session "$pid") &
	dog=$!
	wait $pid
	status=$?
	kill $dog 2>/dev/null
	kill_session "$pid"
	return $status
}

# pick N WORD...: the Nth word, counting from 0, round-robin.
pick() {
	n=$1
	shift
	shift $((n % $#))
	echo "$1"
}

# silent: the injectors that have injected nothing so far.
silent() {
	n="slab:$injected_slab page:$injected_page"
	[ $use_function = 0 ] || n="$n function:$injected_function"
	for i in $n; do
		[ "${i#*:}" != 0 ] || echo "${i%%:*}"
	done
}

# The ROUNDS, then, while an injector has injected nothing, up to
# $extra_rounds more: page allocations through the driver are few, and a
# short run at a high rate can end (every case failed on a slab fault)
# before one is made. An injector that stays silent fails the run: its
# filters let nothing through.
extra_rounds=3
round=0
while [ $round -lt "$rounds" ] ||
	{ [ $round -lt $((rounds + extra_rounds)) ] && [ -n "$(silent)" ]; }; do
	[ $round -lt "$rounds" ] || echo "round $((round + 1)): once more, since these injected nothing yet: $(silent | tr '\n' ' ')"
	round=$((round + 1))
	for prog in "$@"; do
		# shellcheck disable=SC2086
		pct=$(pick $runs $percents)
		runs=$((runs + 1))
		if ! injection_on "$pct"; then
			echo "faults.sh: cannot arm fail_function"
			injection_off
			exit 1
		fi
		log=/tmp/faults.$runs.log
		t0=$(cut -d' ' -f1 /proc/uptime)
		# shellcheck disable=SC2086
		run_limited "$log" $prog
		rc=$?
		injection_off
		secs=$(awk -v t0="$t0" '{ printf "%.0f", $1 - t0 }' /proc/uptime)
		s=$((budget - $(cat $dbg/failslab/times)))
		p=$((budget - $(cat $dbg/fail_page_alloc/times)))
		f=0
		[ $use_function = 0 ] || f=$((budget - $(cat $dbg/fail_function/times)))
		injected_slab=$((injected_slab + s))
		injected_page=$((injected_page + p))
		injected_function=$((injected_function + f))
		totals=$(grep -E '^# (Totals|FAILED|PASSED)' "$log" | tr '\n' ' ')
		echo "run $runs: $(basename "${prog%% *}") at ${pct}%: exit $rc in ${secs}s;" \
			"injected slab $s, page $p, function $f; ${totals:-no totals}"
		failed=$(grep -E '^not ok' "$log" | sed 's/^not ok [0-9]* //' | head -n 20 | tr '\n' ' ')
		timeouts=$(grep -ciE 'timed? ?out' "$log")
		[ -z "$failed" ] || echo "run $runs: failed: $failed(lines about timeouts: $timeouts)"
		if [ $rc -ge 124 ]; then
			echo "run $runs: killed (or timed out after ${limit}s); its last lines:"
			tail -n 20 "$log"
		fi
	done
done
injection_off

nomem=$(( $(bl_stat failed_no_memory) - nomem0 ))
faulted=$(( $(bl_stat failed_fault) - fault0 ))
total=$((injected_slab + injected_page + injected_function))

# Every process of the runs is gone: nothing may be left.
bad=0
dirty=0
i=0
while ! left=$(bl_stats_clean) && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$left" ]; then
	echo "left behind after the injected runs: $left" | tr '\n' ' '
	echo
	bad=1
	dirty=1
fi

# Traffic recovers: a test program that must pass, then nothing left.
recovered=passed
# shellcheck disable=SC2086
if ! $recovery > /tmp/faults.recovery.log 2>&1; then
	recovered=FAILED
	echo "recovery: $recovery failed with injection off:"
	grep -E '^not ok|^# ' /tmp/faults.recovery.log | tail -n 30
	bad=1
fi
i=0
while ! left=$(bl_stats_clean) && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -n "$left" ]; then
	echo "left behind after the recovery run: $left" | tr '\n' ' '
	echo
	bad=1
	dirty=1
fi
for n in $(silent); do
	echo "no fault was injected by the $n injector in $runs runs: its filters let nothing through"
	bad=1
done
echo "faults: $total injected in $runs runs (failslab $injected_slab," \
	"fail_page_alloc $injected_page, fail_function $injected_function);" \
	"binderlite counted failed_no_memory $nomem, failed_fault $faulted;" \
	"recovery $recovered ($(basename "${recovery%% *}")); debugfs $([ $dirty = 0 ] && echo clean || echo NOT clean)"
exit $bad
