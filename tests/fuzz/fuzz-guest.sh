#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fuzzer's side in the VM (busybox sh): tools/testing/fuzz.sh puts
# this script, the fuzzer (binderlite-fuzz, static) and the corpus
# (fuzz-corpus.tar) in /extra and runs one of:
#
#   fuzz-guest.sh fuzz SECONDS   fuzz from the corpus for SECONDS; then
#                                sends every new input and every crash
#   fuzz-guest.sh seed RUNS      a fixed-seed pass: the corpus, then RUNS
#                                mutated inputs (-seed=1)
#   fuzz-guest.sh corpus         each corpus input once, as TAP: one case
#                                per input (in one process; one process
#                                each when that fails)
#   fuzz-guest.sh faults SECONDS fuzz under fault injection for SECONDS:
#                                /extra/faults.sh runs three fuzzers one
#                                after another, each a third of the time,
#                                at 1, 5 and 20 % (the workers' allocations
#                                in the driver and its injectable helpers;
#                                never the checks after each input), then
#                                replays the corpus without injection;
#                                sends every crash
#   fuzz-guest.sh repro          the input /extra/fuzz-repro once
#   fuzz-guest.sh merge          merges /extra/fuzz-new.tar into the corpus
#                                (-merge=1): sends the inputs that add to
#                                the corpus's coverage
#
# Files go back to the host in the step's output, one a line:
# "bl-fuzz-file KIND NAME BASE64" (KIND: new, crash, merged), and the
# driver's PCs reached as "bl-fuzz-pc SECTION OFFSET" (fuzz, seed).
fuzzer=/extra/binderlite-fuzz
work=/tmp/fuzz
mkdir -p $work/corpus $work/new $work/crash $work/merged
tar -xf /extra/fuzz-corpus.tar -C $work/corpus
export BL_FUZZ_PCS=$work/pcs
# -timeout: an input that runs this long is a hang, saved as a crash.
# -max_len: the corpus and make check's passes stay small (512 bytes, up to
# about 40 ops); fuzzing proper takes inputs of up to 2048 bytes, about 150
# ops an execution, which spends less of the time on the per-input setup
# and checks.
opts="-timeout=60 -rss_limit_mb=512 -artifact_prefix=$work/crash/"
small="-max_len=512"

# send KIND DIR: every file of DIR as a line of base64.
send() {
	for f in "$2"/*; do
		[ -f "$f" ] || continue
		echo "bl-fuzz-file $1 $(basename "$f") $(base64 -w 0 < "$f")"
	done
}

send_pcs() {
	[ -f $work/pcs ] && sed 's/^/bl-fuzz-pc /' $work/pcs
}

echo "# bl-fuzz: corpus of $(ls $work/corpus | wc -l) inputs"
case $1 in
fuzz)
	# Inputs up to the longest at once: more operations per execution.
	$fuzzer $opts -max_len=2048 -len_control=0 -print_final_stats=1 -max_total_time="$2" $work/new $work/corpus
	rc=$?
	send new $work/new
	send crash $work/crash
	send_pcs
	exit $rc
	;;
seed)
	$fuzzer $opts $small -print_final_stats=1 -seed=1 -runs="$2" $work/new $work/corpus
	rc=$?
	send crash $work/crash
	exit $rc
	;;
corpus)
	# All in one process; if it fails, each input on its own, to say
	# which failed.
	set -- $work/corpus/*
	echo "1..$#"
	if $fuzzer $opts $small "$@" > $work/out 2>&1; then
		i=0
		for f in "$@"; do
			i=$((i + 1))
			if grep -q "^Executed $f in" $work/out; then
				echo "ok $i $(basename "$f")"
			else
				echo "not ok $i $(basename "$f") # not run"
			fi
		done
		exit 0
	fi
	sed 's/^/# /' $work/out | tail -n 40
	i=0
	for f in "$@"; do
		i=$((i + 1))
		if $fuzzer $opts $small "$f" > $work/out 2>&1; then
			echo "ok $i $(basename "$f")"
		else
			sed 's/^/# /' $work/out | tail -n 40
			echo "not ok $i $(basename "$f")"
		fi
	done
	;;
faults)
	third=$(($2 / 3))
	prog="env BL_FUZZ_FAULTS=1 $fuzzer $opts -max_len=2048 -len_control=0"
	prog="$prog -print_final_stats=1 -max_total_time=$third $work/new $work/corpus"
	sh /extra/faults.sh -q -p "1 5 20" -T $((third + 600)) \
		-c "$fuzzer $opts $small -runs=0 $work/corpus" "$prog" "$prog" "$prog"
	rc=$?
	# An invariant broken, a crash or a hang under injection is a finding
	# (faults.sh judges only the kernel and the recovery): each of the
	# three must have run to its time limit and saved no crash.
	# libFuzzer's slow-unit-* (an input over 10 s: a loaded machine) are
	# no finding; a hang is a timeout-* (-timeout).
	done=$(cat /tmp/faults.[0-9]*.log | grep -c '^Done [0-9]* runs')
	crashes=$(ls $work/crash | grep -v '^slow-unit-')
	if [ "$done" != 3 ] || [ -n "$crashes" ]; then
		echo "bl-fuzz: $done of 3 fuzzers ran to their end; crashes: $crashes"
		for f in /tmp/faults.[0-9]*.log; do
			grep -q '^Done [0-9]* runs' "$f" || tail -n 40 "$f"
		done
		rc=1
	fi
	# Each fuzzer's figures, as fuzz.sh reads them: the sums of the three.
	cat /tmp/faults.[0-9]*.log | awk '
		/^stat::number_of_executed_units:/ { e += $2 }
		/^stat::average_exec_per_sec:/ { r += $2; n++ }
		/^bl-fuzz: inputs/ { i += $3; o += $5 }
		END {
			printf "stat::number_of_executed_units: %d\n", e
			printf "stat::average_exec_per_sec: %d\n", n ? r / n : 0
			printf "bl-fuzz: inputs %d ops %d pcs 0\n", i, o
		}'
	send crash $work/crash
	exit $rc
	;;
repro)
	$fuzzer $opts -max_len=2048 /extra/fuzz-repro
	;;
merge)
	mkdir -p $work/in
	[ -f /extra/fuzz-new.tar ] && tar -xf /extra/fuzz-new.tar -C $work/in
	# The corpus first: what is merged in must add to its coverage.
	cp $work/corpus/* $work/merged/
	$fuzzer $opts -max_len=2048 -merge=1 $work/merged $work/in
	rc=$?
	for f in $work/corpus/*; do
		rm -f "$work/merged/$(basename "$f")"
	done
	send merged $work/merged
	exit $rc
	;;
*)
	echo "usage: $0 fuzz SECONDS | seed RUNS | corpus | repro | merge"
	exit 2
	;;
esac
