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
opts="-max_len=512 -timeout=60 -rss_limit_mb=512 -artifact_prefix=$work/crash/"

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
	$fuzzer $opts -len_control=0 -print_final_stats=1 -max_total_time="$2" $work/new $work/corpus
	rc=$?
	send new $work/new
	send crash $work/crash
	send_pcs
	exit $rc
	;;
seed)
	$fuzzer $opts -print_final_stats=1 -seed=1 -runs="$2" $work/new $work/corpus
	rc=$?
	send crash $work/crash
	exit $rc
	;;
corpus)
	# All in one process; if it fails, each input on its own, to say
	# which failed.
	set -- $work/corpus/*
	echo "1..$#"
	if $fuzzer $opts "$@" > $work/out 2>&1; then
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
		if $fuzzer $opts "$f" > $work/out 2>&1; then
			echo "ok $i $(basename "$f")"
		else
			sed 's/^/# /' $work/out | tail -n 40
			echo "not ok $i $(basename "$f")"
		fi
	done
	;;
repro)
	$fuzzer $opts /extra/fuzz-repro
	;;
merge)
	mkdir -p $work/in
	[ -f /extra/fuzz-new.tar ] && tar -xf /extra/fuzz-new.tar -C $work/in
	# The corpus first: what is merged in must add to its coverage.
	cp $work/corpus/* $work/merged/
	$fuzzer $opts -merge=1 $work/merged $work/in
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
