#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# binderlite's coverage-guided fuzzer (tests/fuzz, libFuzzer with KCOV) in
# the debug kernel's VM: `make fuzz` (Documentation/testing.rst, "Fuzzing").
#
#   fuzz.sh [SECONDS]    fuzz for SECONDS (default 600) from the corpus
#                        tests/fuzz/corpus; new inputs go to out/fuzz/new,
#                        crashes to out/fuzz/crashes; prints executions,
#                        exec/s, operations and the driver's coverage
#                        (also out/fuzz/coverage), and the totals of every
#                        run so far (out/fuzz/runs)
#   fuzz.sh faults [SECONDS]
#                        the same under fault injection (faults.sh in the
#                        guest: slab, page and driver-helper failures in
#                        the fuzzer's workers, at 1, 5 and 20 %), then the
#                        corpus replayed without injection; crashes to
#                        out/fuzz/crashes, totals to out/fuzz/runs
#   fuzz.sh repro FILE   runs the input FILE once (a crash reproduced)
#   fuzz.sh merge [DIR]  merges DIR (default out/fuzz/new) into the corpus
#                        with -merge=1: the inputs of DIR that add to the
#                        corpus's coverage are written to out/fuzz/merged,
#                        to curate by hand
#   fuzz.sh check        make check's pass: every corpus input once (one
#                        case each), then a fixed-seed pass (-seed=1,
#                        FUZZ_CHECK_RUNS inputs, default 400), then
#                        FUZZ_CHECK_FAULT_SECONDS (default 45) of fuzzing
#                        under fault injection; cases in
#                        out/logs/debug-fuzz-check/cases
#
# The fuzzer is built static with clang 14's libFuzzer; its own code is
# not instrumented: libFuzzer sees the driver's coverage only, through
# KCOV. The debug kernel boots with nokaslr (KCOV's PCs map to the module
# as they are). Exit status: non-zero when the run failed (a crash, an
# invariant violated, a kernel report).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BL_OUT/fuzz
mkdir -p "$out"
fuzzer=$out/binderlite-fuzz

# The fuzzer: the harness without instrumentation, libFuzzer's runtime
# linked whole (not -fsanitize=fuzzer, whose UBSan runtime and
# interceptors do not link statically).
build_fuzzer() {
	local cxx rt
	cxx=$(command -v clang++-14 || command -v clang++) || bl_die "clang++ is not installed"
	rt=$("$cxx" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a
	[ -f "$rt" ] || bl_die "no libFuzzer runtime at $rt (libclang-rt-14-dev)"
	"$cxx" -std=c++20 -O2 -g -Wall -Wextra -Werror -pthread -I"$BL_TOP/include/uapi" \
		-c "$BL_TOP/tests/fuzz/binderlite_fuzz.cpp" -o "$out/binderlite_fuzz.o" ||
		bl_die "building the fuzzer failed"
	"$cxx" -static -pthread "$out/binderlite_fuzz.o" -Wl,--whole-archive "$rt" \
		-Wl,--no-whole-archive -o "$fuzzer" || bl_die "linking the fuzzer failed"
}

# tar_dir DIR TAR: the files of DIR, flat, as a tar the guest unpacks.
tar_dir() {
	tar -C "$1" -cf "$2" --owner=0 --group=0 .
}

# vm PLAN LOGS TIMEOUT [EXTRA FILES...]: one debug-kernel run.
vm() {
	local plan=$1 logs=$2 timeout=$3 rc=0
	shift 3
	BL_EXTRA_FILES="$fuzzer $BL_TOP/tests/fuzz/fuzz-guest.sh $out/fuzz-corpus.tar $*" \
	BL_APPEND="nokaslr ${BL_APPEND:-}" \
		"$BL_TOP/tools/testing/vm.sh" -k debug -p "$plan" -t "$timeout" -l "$logs" || rc=$?
	return $rc
}

# KIND=... DIR=... LOGS=... receive: the files the guest sent as KIND (the
# step's output, LOGS/fuzz-output), into DIR; prints how many.
receive() {
	local line name data n=0
	mkdir -p "$DIR"
	while read -r line; do
		set -- $line
		[ "$1" = bl-fuzz-file ] && [ "$2" = "$KIND" ] || continue
		name=$3 data=${4:-}
		printf '%s' "$data" | base64 -d > "$DIR/$name"
		n=$((n + 1))
	done < "$LOGS/fuzz-output"
	echo $n
}

step_output() {
	bl_results output "$1/results.log" "$2" > "$1/fuzz-output"
}

# The debug module with line tables, to map PCs to lines: the one the VM
# runs has none (the debug kernel builds without DEBUG_INFO), and -g does
# not change GCC's code (coverage.py checks that the two agree).
build_module_g() {
	local kdir
	{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths debug)
	bl_build_module "$kdir" "$BL_OUT/build/debug/fuzz-g" . KCFLAGS=-g ||
		bl_die "building the module with -g failed"
}

coverage() {
	local logs=$1
	grep '^bl-fuzz-pc ' "$logs/fuzz-output" | cut -d' ' -f2- > "$out/pcs.run" || true
	touch "$out/pcs.all"
	sort -u "$out/pcs.run" "$out/pcs.all" 2>/dev/null > "$out/pcs.all.tmp" || true
	mv "$out/pcs.all.tmp" "$out/pcs.all"
	build_module_g
	python3 "$BL_TOP/tests/fuzz/coverage.py" \
		"$BL_OUT/build/debug/module/src/binderlite.ko" \
		"$BL_OUT/build/debug/fuzz-g/src/binderlite.ko" \
		"$out/pcs.run" "$out/pcs.all" | tee "$out/coverage"
}

# A libFuzzer "stat::NAME: VALUE" line of the output.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

# The module the VM runs (vm.sh builds the same again) must call KCOV.
check_instrumented() {
	local kdir ko=$BL_OUT/build/debug/module/src/binderlite.ko
	{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths debug)
	bl_build_module "$kdir" "$BL_OUT/build/debug/module" . || bl_die "the module did not build"
	local sites
	sites=$(objdump -dr "$ko" | grep -c 'R_X86_64_PLT32[[:space:]]*__sanitizer_cov_trace_pc' || true)
	[ "${sites:-0}" -gt 0 ] ||
		bl_die "$ko has no call to __sanitizer_cov_trace_pc: it is not instrumented for KCOV"
	bl_log "binderlite.ko has $sites KCOV call sites"
}

mode=fuzz
case ${1:-} in
repro|merge|check|faults) mode=$1; shift ;;
esac

build_fuzzer
check_instrumented
tar_dir "$BL_TOP/tests/fuzz/corpus" "$out/fuzz-corpus.tar"
plan=$out/plan
case $mode in
fuzz|faults)
	secs=${1:-600}
	logs=$BL_OUT/logs/debug-$mode
	echo "fuzz sh /extra/fuzz-guest.sh $mode $secs" > "$plan"
	rc=0
	# The guest's clock lags the host's under load (by a quarter at load
	# 8-12): room for that, and for sending the corpus back.
	vm "$plan" "$logs" $((secs * 3 / 2 + 900)) "$BL_TOP/tools/testing/faults.sh" || rc=$?
	step_output "$logs" fuzz
	new=$(KIND=new DIR=$out/new LOGS=$logs receive)
	crashes=$(KIND=crash DIR=$out/crashes LOGS=$logs receive)
	# libFuzzer's slow-unit-* (an input over 10 s, under load) are no
	# crash: the hang limit is -timeout, whose inputs are timeout-*.
	slow=$(grep -c '^bl-fuzz-file crash slow-unit-' "$logs/fuzz-output" || true)
	crashes=$((crashes - slow))
	execs=$(stat number_of_executed_units "$logs/fuzz-output")
	eps=$(stat average_exec_per_sec "$logs/fuzz-output")
	ops=$(sed -n 's/^bl-fuzz: inputs [0-9]* ops \([0-9]*\) .*/\1/p' "$logs/fuzz-output" | tail -n 1)
	bl_log "fuzzed ${secs}s: ${execs:-?} executions (${eps:-?}/s), ${ops:-?} operations;" \
		"$new new inputs in $out/new, $crashes crashes and $slow slow inputs" \
		"(slow-unit-*) in $out/crashes"
	echo "$(date -u +%FT%TZ) mode=$mode seconds=$secs execs=${execs:-0} exec_per_sec=${eps:-0} ops=${ops:-0} crashes=$crashes slow=$slow verdict=$(head -n 1 "$logs/verdict")" >> "$out/runs"
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] } n++ }
	     END { printf "[bench] every run so far (%s): %d runs, %d s, %d executions, %d operations, %d crashes, %d slow inputs\n",
		   FILENAME, n, t["seconds"], t["execs"], t["ops"], t["crashes"], t["slow"] }' "$out/runs" >&2
	if [ $mode = fuzz ]; then
		coverage "$logs" || true
	else
		grep '^faults: ' "$logs/fuzz-output" >&2 || true
	fi
	if [ "$crashes" != 0 ]; then
		bl_log "reproduce a crash with: make fuzz REPRO=$out/crashes/<name>"
	fi
	exit $rc
	;;
repro)
	[ -f "${1:-}" ] || bl_die "usage: $0 repro FILE"
	cp "$1" "$out/fuzz-repro"
	logs=$BL_OUT/logs/debug-fuzz-repro
	echo "fuzz-repro sh /extra/fuzz-guest.sh repro" > "$plan"
	rc=0
	vm "$plan" "$logs" 900 "$out/fuzz-repro" || rc=$?
	step_output "$logs" fuzz-repro
	sed 's/^/  | /' "$logs/fuzz-output" | tail -n 60 >&2
	exit $rc
	;;
merge)
	dir=${1:-$out/new}
	[ -d "$dir" ] || bl_die "no directory $dir to merge"
	tar_dir "$dir" "$out/fuzz-new.tar"
	logs=$BL_OUT/logs/debug-fuzz-merge
	echo "fuzz-merge sh /extra/fuzz-guest.sh merge" > "$plan"
	rc=0
	vm "$plan" "$logs" 1800 "$out/fuzz-new.tar" || rc=$?
	step_output "$logs" fuzz-merge
	rm -rf "$out/merged"
	n=$(KIND=merged DIR=$out/merged LOGS=$logs receive)
	bl_log "merged: $n inputs that add to the corpus's coverage in $out/merged;" \
		"copy those worth keeping into tests/fuzz/corpus/"
	exit $rc
	;;
check)
	runs=${FUZZ_CHECK_RUNS:-400}
	logs=$BL_OUT/logs/debug-fuzz-check
	{
		echo "selftests/fuzz-corpus sh /extra/fuzz-guest.sh corpus"
		echo "fuzz-seed sh /extra/fuzz-guest.sh seed $runs"
		echo "fuzz-faults sh /extra/fuzz-guest.sh faults ${FUZZ_CHECK_FAULT_SECONDS:-45}"
	} > "$plan"
	vm "$plan" "$logs" 900 "$BL_TOP/tools/testing/faults.sh"
	;;
esac
