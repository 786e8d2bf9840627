#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test layer of binderlite, in order of cost.
#
#   1. packages        tools/testing/deps.sh (idempotent)
#   2. static checks   W=1 + sparse builds against every kernel, modinfo,
#                      checkpatch --strict, the UAPI header as C and C++
#   3. layers          the driver's files call only downward, with no
#                      cycle (layers.sh, on each kernel's objects of 2)
#   4. user space      the C++ build with gcc and with clang, its unit
#                      tests (ctest, one case per test), the package
#   5. VM test build   the integration tests and the interoperability
#                      tests with libgbinder (selftests.sh build; skipped
#                      when ../shared/third_party is absent)
#   6. KUnit           in the debug kernel (tools/testing/kunit.sh)
#   7. VM tests        on every kernel (selftests.sh run, vm.sh): the
#                      libbinderlite integration tests (tests/integration,
#                      GoogleTest), the interoperability tests, then the
#                      kselftests
#   8. fuzzer          on the debug kernel: every input of the fuzzer's
#                      corpus once (one case each), then a short
#                      fixed-seed pass (tools/testing/fuzz.sh check)
#   9. bench self-test a deliberately faulty module must fail the run
#  10. faults          on the debug kernel: two IPC kselftests with
#                      allocation failures and failing driver helpers
#                      injected, then recovery (tools/testing/faults.sh),
#                      and 25 insmod/rmmod cycles with a round trip each
#  11. package         the user space installed, the hello example built
#                      from the installed package (find_package, pkg-config)
#                      and run in the VM on 6.12 (package-check.sh)
#
# Every check and every test case counts as one case, a line of
# out/check/cases; the VM runs' and CTest's come through results.py, which
# also counts them all (Documentation/testing.rst, "The test pipeline").
# The last line is "N passed, N failed[, N skipped]"; the exit status is
# non-zero if anything failed.
# KERNELS="6.12" limits the kernels (default: 6.1 6.12 debug cloud rt).
# Which test programs the VM runs on each kernel is bl_check_tests in
# lib.sh (every one, or a named subset); BL_CHECK_TESTS_<kernel> overrides
# it. The output says which ran where, and ends with the time of each
# phase (also in out/check/phases).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernels=${KERNELS:-$BL_KERNELS_ALL}
dir=$BL_OUT/check
rm -rf "$dir"
mkdir -p "$dir"
cases=$dir/cases
: > "$cases"
t0=$(date +%s)

record() { echo "$1 $2" >> "$cases"; [ "$1" = FAIL ] && bl_log "FAIL: $2"; return 0; }

# check NAME CMD...: one case, passed when CMD succeeds; output to the log.
check() {
	local name=$1 log
	shift
	log=$dir/$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_').log
	if "$@" >"$log" 2>&1; then
		record PASS "$name"
	else
		record FAIL "$name (log: $log)"
		sed 's/^/  | /' "$log" | tail -n 15 >&2
	fi
}

# Adds the cases a VM run recorded, prefixed with the kernel's name.
import_cases() {
	[ -f "$2" ] && sed "s/^\([A-Z]*\) /\1 $1: /" "$2" >> "$cases"
}

# phase NAME: a new phase starts; the one before it is timed.
phases=$dir/phases
: > "$phases"
phase_name=
phase_start=$t0
phase() {
	local now
	now=$(date +%s)
	[ -z "$phase_name" ] || printf '%5d s  %s\n' $(( now - phase_start )) "$phase_name" >> "$phases"
	phase_name=$*
	phase_start=$now
	bl_log "== $* ($(( now - t0 )) s)"
}

phase "packages"
"$BL_TOP/tools/testing/deps.sh" || { echo "0 passed, 1 failed"; exit 1; }
src=$(bl_linux_source)

phase "static checks"
for k in $kernels; do
	{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths "$k")
	check "static: $k: W=1 + sparse build" \
		bl_build_module "$kdir" "$BL_OUT/build/$k/module" .
	check "static: $k: W=1 + sparse build of the fault module" \
		bl_build_module "$kdir" "$BL_OUT/build/$k/fault" tests/fault
	check "static: $k: W=1 + sparse build of the benchmark module" \
		bl_build_module "$kdir" "$BL_OUT/build/$k/bench" tools/bench/kernel
	# KUnit exists in the debug kernel only.
	if [ "$k" = debug ]; then
		check "static: $k: W=1 + sparse build of the KUnit module" \
			bl_build_module "$kdir" "$BL_OUT/build/$k/kunit" tests/kunit
	fi
done

modinfo_params() {
	local ko parms
	ko=$(ls "$BL_OUT"/build/*/module/src/binderlite.ko | head -n 1)
	parms=$(modinfo -F parm "$ko")
	echo "$parms"
	# Every parameter has a description.
	! echo "$parms" | grep -Ev '^[a-z_]+:[^ ]' | grep -q . &&
		[ "$(echo "$parms" | grep -c .)" = "$(modinfo -F parmtype "$ko" | grep -c .)" ]
}
check "static: every module parameter is documented in modinfo" modinfo_params

for f in driver/*.[ch] include/uapi/linux/*.h tests/fault/*.c tests/kunit/*.[ch] \
	 tools/bench/kernel/*.c; do
	[ -f "$BL_TOP/$f" ] || continue
	check "static: checkpatch --strict $f" \
		perl "$src/scripts/checkpatch.pl" --strict --no-tree --show-types \
		-q -f "$BL_TOP/$f"
done

# The UAPI header is left out: kernel-doc cannot parse the anonymous union
# that C99 -pedantic needs spelled "__extension__ union".
check "static: kernel-doc -Wall -Werror on the driver" \
	perl "$src/scripts/kernel-doc" -none -Wall -Werror "$BL_TOP"/driver/*.[ch]

uapi_standalone() {
	local lang=$1 std=$2
	shift 2
	echo '#include <linux/binderlite.h>' |
		"$@" -std="$std" -Wall -Wextra -pedantic -Werror -fsyntax-only \
		-I"$BL_TOP/include/uapi" -x "$lang" -
}
check "static: UAPI header compiles standalone as C99" uapi_standalone c c99 gcc
check "static: UAPI header compiles standalone as C++17" uapi_standalone c++ c++17 g++
check "static: UAPI header compiles standalone as C++20" uapi_standalone c++ c++20 g++

# Binder's UAPI of Linux 6.12, from linux-source, sanitized as
# headers_install does (Debian 12's own <linux/android/binder.h> is 6.1's).
abi_inc=$dir/abi-include
mkdir -p "$abi_inc/linux/android"
for h in binder.h binderfs.h; do
	sed -E 's/\b__packed\b/__attribute__((packed))/g' \
		"$src/include/uapi/linux/android/$h" > "$abi_inc/linux/android/$h"
done
abi_identical() {
	"$@" -Wall -Wextra -Werror -fsyntax-only -I"$abi_inc" -I"$BL_TOP/include/uapi" \
		"$BL_TOP/tests/abi/binderlite_abi_test.c"
}
check "static: UAPI is binder's, number for number and byte for byte (C11)" \
	abi_identical gcc -std=c11
check "static: UAPI is binder's, number for number and byte for byte (C++17)" \
	abi_identical g++ -std=c++17 -x c++

# The module builds above are W=1 builds: layers.sh reads their objects.
phase "layers: the driver's file dependency graph"
for k in $kernels; do
	objs=$BL_OUT/build/$k/module/src/driver
	if ls "$objs"/binderlite_*.o >/dev/null 2>&1; then
		check "layers: $k: the driver's files call only downward, with no cycle" \
			"$BL_TOP/tools/testing/layers.sh" -v "$objs"
	else
		record FAIL "layers: $k: no objects in $objs (the module did not build)"
	fi
done

phase "user space: builds with gcc and clang, unit tests, the package"
check "build: user space, C and C++ (cmake)" \
	bash -c "cmake -S '$BL_TOP/tools' -B '$BL_OUT/cmake' && cmake --build '$BL_OUT/cmake' -j$(nproc)"
built=$(tail -n 1 "$cases")

# ctest_cases PREFIX BUILD: runs the CTest tests of a CMake build tree and
# records each as a case (each GoogleTest case is one CTest test, through
# gtest_discover_tests). CTest reads the tree from each directory that
# called enable_testing(): the top one, or else every topmost subdirectory
# that did. Results come from CTest's JUnit report (--output-junit, CTest
# 3.21 and later), read by results.py; a test skipped with GTEST_SKIP() is
# a SKIP.
ctest_cases() {
	local prefix=$1 build=$2 junit=$dir/ctest.xml log=$dir/ctest.log f d name verdict rest
	local roots=()
	: > "$log"
	if [ -f "$build/CTestTestfile.cmake" ]; then
		roots=("$build")
	else
		while IFS= read -r f; do
			d=$(dirname "$f")
			[ -f "$(dirname "$d")/CTestTestfile.cmake" ] && continue
			roots+=("$d")
		done < <(find "$build" -name CTestTestfile.cmake | sort)
	fi
	if [ ${#roots[@]} = 0 ]; then
		record FAIL "$prefix: no CTest tests in $build"
		return
	fi
	for d in "${roots[@]}"; do
		name=${d#"$build"}
		name=${name#/}
		name=$prefix${name:+: $name}
		rm -f "$junit"
		ctest --test-dir "$d" --output-junit "$junit" --output-on-failure \
			--timeout 120 -j"$(nproc)" >>"$log" 2>&1
		if [ ! -s "$junit" ]; then
			record FAIL "$name: ctest wrote no report (log: $log)"
			continue
		fi
		bl_results cases --prefix "$name: " --log "$log" "$junit" > "$dir/ctest.cases"
		if [ ! -s "$dir/ctest.cases" ]; then
			record FAIL "$name: no test cases in the CTest report (log: $log)"
			continue
		fi
		while read -r verdict rest; do
			record "$verdict" "$rest"
		done < "$dir/ctest.cases"
	done
}
if [[ $built == PASS* ]]; then
	ctest_cases unit "$BL_OUT/cmake"
else
	record FAIL "unit: not run, since the user-space build failed"
fi

# clang catches what gcc lets through, and the other way round.
if command -v clang++ >/dev/null && command -v clang >/dev/null; then
	check "build: user space with clang (cmake, CC=clang CXX=clang++)" \
		bash -c "CC=clang CXX=clang++ cmake -S '$BL_TOP/tools' -B '$BL_OUT/cmake-clang' &&
			 cmake --build '$BL_OUT/cmake-clang' -j$(nproc)"
else
	record SKIP "build: user space with clang # clang++ is not installed"
fi

check "package: install; the hello example built outside the tree with find_package and pkg-config" \
	"$BL_TOP/tools/testing/package-check.sh" host

# The programs the VM runs before the kselftests: the integration tests
# and the interoperability tests with libgbinder (libgbinder built from
# the third-party folder, cached; a SKIP with the reason without it).
# make selftests builds them with the same script. A program that did not
# build fails here; the others still run.
phase "VM test programs: integration tests, libgbinder and the interop glue (cached)"
"$BL_TOP/tools/testing/selftests.sh" build || true
cat "$BL_OUT/vmtests/cases" >> "$cases"

if [ -f "$BL_TOP/tests/kunit/Kbuild" ] && [[ " $kernels " == *" debug "* ]]; then
	phase "KUnit (debug kernel)"
	"$BL_TOP/tools/testing/kunit.sh" || true
	import_cases kunit "$BL_OUT/logs/debug-kunit/cases"
	[ -f "$BL_OUT/logs/debug-kunit/cases" ] || record FAIL "kunit: no results"
fi

# Each kernel runs every test program or the subset bl_check_tests names
# for it (Documentation/testing.rst, "The kernel matrix"); the output and
# out/check/subsets say which.
subsets=$dir/subsets
: > "$subsets"
for k in $kernels; do
	tests=$(bl_check_tests "$k")
	if [ "$tests" = all ]; then
		phase "integration tests and kselftests on $k: every program"
	else
		phase "integration tests and kselftests on $k: the subset $tests"
	fi
	echo "$k: $tests" >> "$subsets"
	rm -f "$BL_OUT/logs/$k-test/cases"
	BL_TESTS="$tests" "$BL_TOP/tools/testing/selftests.sh" run "$k" || true
	import_cases "$k" "$BL_OUT/logs/$k-test/cases"
	[ -f "$BL_OUT/logs/$k-test/cases" ] || record FAIL "$k: the VM bench did not run"
done

# The fuzzer (tests/fuzz, libFuzzer with KCOV): its committed corpus as
# regression inputs, each a case, then a fixed-seed pass of new inputs
# (-seed=1), one case; every input ends with the fuzzer's invariants
# (Documentation/testing.rst, "Fuzzing"). make fuzz runs it for longer.
if [[ " $kernels " == *" debug "* ]]; then
	phase "fuzzer: the corpus and a fixed-seed pass (debug kernel)"
	rm -f "$BL_OUT/logs/debug-fuzz-check/cases"
	"$BL_TOP/tools/testing/fuzz.sh" check >"$dir/fuzz.log" 2>&1 || true
	import_cases debug-fuzz "$BL_OUT/logs/debug-fuzz-check/cases"
	[ -f "$BL_OUT/logs/debug-fuzz-check/cases" ] ||
		record FAIL "debug-fuzz: the fuzzer's VM run did not run (log: $dir/fuzz.log)"
fi

# The bench must be able to fail: a module that commits each kind of fault
# must turn the run into a failure, with each report quoted.
if [[ " $kernels " == *" debug "* ]]; then
	phase "bench self-test: deliberate faults on the debug kernel"
	if "$BL_TOP/tools/testing/vm.sh" -k debug -m fault >"$dir/fault.log" 2>&1; then
		record FAIL "bench: a run with deliberate faults was judged a PASS (log: $dir/fault.log)"
	else
		record PASS "bench: a run with deliberate faults is judged a FAIL"
	fi
	reports=$BL_OUT/logs/debug-fault/kernel-reports
	for what in "KASAN: slab-out-of-bounds" "WARNING: CPU" \
		    "possible circular locking dependency" "unreferenced object"; do
		if grep -qF "$what" "$reports" 2>/dev/null &&
		   grep -qF "$what" "$dir/fault.log"; then
			record PASS "bench: catches and quotes '$what'"
		else
			record FAIL "bench: missed '$what' (log: $dir/fault.log)"
		fi
	done
fi

# A short pass of make soak (tools/testing/soak.sh): failures injected
# into two IPC kselftests (their own verdicts do not count), recovery
# after, and module lifecycle cycles; each step and test case is a case.
if [[ " $kernels " == *" debug "* ]]; then
	phase "fault injection and module lifecycle (debug kernel)"
	cat > "$dir/faults.plan" <<-'EOF'
	faults /extra/faults.sh -T 40 -p "10 30" "/tests/binderlite_txn_test -v binderlite" "/tests/binderlite_ref_test -v binderlite"
	selftests/binderlite_module_test BL_LIFECYCLE_CYCLES=25 /tests/binderlite_module_test -t load_unload_cycles
	EOF
	rm -f "$BL_OUT/logs/debug-faults/cases"
	BL_EXTRA_FILES="$BL_TOP/tools/testing/faults.sh" "$BL_TOP/tools/testing/vm.sh" -k debug \
		-p "$dir/faults.plan" -l "$BL_OUT/logs/debug-faults" >"$dir/faults.log" 2>&1 || true
	import_cases debug-faults "$BL_OUT/logs/debug-faults/cases"
	[ -f "$BL_OUT/logs/debug-faults/cases" ] ||
		record FAIL "debug-faults: the VM bench did not run (log: $dir/faults.log)"
	bl_results output "$BL_OUT/logs/debug-faults/results.log" faults 2>/dev/null |
		grep '^faults: ' >&2 || true
fi

if [[ " $kernels " == *" 6.12 "* ]]; then
	phase "package: the installed package's hello example in the VM (6.12)"
	check "package: hello built from the installed package runs in the VM (6.12)" \
		"$BL_TOP/tools/testing/package-check.sh" vm
fi

phase "done"
bl_log "test programs run in the VM, per kernel (all: every one):"
sed 's/^/  /' "$subsets" >&2
bl_log "time per phase:"
cat "$phases" >&2
bl_log "every case: $cases; logs: $BL_OUT/logs; took $(( $(date +%s) - t0 )) s"
bl_results tally --skips "$cases"
