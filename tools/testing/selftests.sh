#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The VM tests, for `make selftests` and make check alike: the integration
# tests of the library (tests/integration, GoogleTest) and the
# interoperability tests with libgbinder (tests/interop) are built, then
# each VM run (vm.sh -m test) runs them before the kselftests.
#
#   selftests.sh [KERNEL...]   build, then one run per kernel (default: all
#                              five); ends with the tally of every run
#   selftests.sh build         build only: the programs' lists for vm.sh
#                              and the build's cases go to out/vmtests/
#   selftests.sh run KERNEL [VM.SH OPTIONS]
#                              one run with what the last build made;
#                              BL_TESTS picks programs (vm.sh)
#
# The runs on the kernels BL_BENCH_SMOKE_KERNELS names (default 6.12) also
# run the smoke pass of make bench (tools/bench/bench-smoke.sh: every
# measurement of binderlite-bench on both devices, AF_UNIX and pipes,
# briefly; no figure judged), after the interoperability tests.
#
# The build's cases ("FAIL build: ..." for what did not build; the
# interoperability tests built, or skipped with the reason when
# ../shared/third_party is absent) are in out/vmtests/cases; make check
# counts them. The build fails (exit status 1) when one of them failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$BL_OUT/vmtests
bench_smoke_kernels=${BL_BENCH_SMOKE_KERNELS:-6.12}

build() {
	local cases=$dir/cases itests=$BL_OUT/cmake/tests/integration interop=$BL_OUT/interop list f
	rm -rf "$dir"
	mkdir -p "$dir"
	: > "$cases"
	: > "$dir/gtests"
	: > "$dir/extra"
	: > "$dir/etc"
	: > "$dir/steps"
	: > "$dir/bench-steps"
	# The integration tests and their lists: the GoogleTest programs
	# (BL_GTESTS), the service manager they start (BL_EXTRA_FILES).
	if ! { cmake -S "$BL_TOP/tools" -B "$BL_OUT/cmake" &&
	       cmake --build "$BL_OUT/cmake" -j"$(nproc)" --target binderlite-itests; } \
		> "$dir/itests-build.log" 2>&1; then
		echo "FAIL build: the integration tests (log: $dir/itests-build.log)" >> "$cases"
		tail -n 30 "$dir/itests-build.log" | sed 's/^/  | /' >&2
	fi
	for list in gtests extra; do
		if [ ! -f "$itests/itest-$list" ]; then
			echo "FAIL build: the integration tests' list $itests/itest-$list is missing" >> "$cases"
			continue
		fi
		for f in $(cat "$itests/itest-$list"); do
			if [ -x "$f" ]; then
				echo "$f" >> "$dir/$list"
			else
				echo "FAIL build: $f (integration tests) was not built" >> "$cases"
			fi
		done
	done
	# libgbinder and its tools from the third-party folder (cached), our
	# glue on both sides, and their lists (interop-build.sh). Without the
	# folder, each VM run reports every interop case skipped, with the
	# reason.
	if "$BL_TOP/tools/testing/interop-build.sh" "$BL_OUT/cmake" > "$dir/interop-build.log" 2>&1; then
		if [ -f "$interop/interop-skip" ]; then
			echo "SKIP build: libgbinder for the interoperability tests # $(cat "$interop/interop-skip")" >> "$cases"
			bl_log "interoperability tests with libgbinder: skipped ($(cat "$interop/interop-skip"))"
		else
			echo "PASS build: libgbinder, its tools and the interop glue, static ($(cat "$interop/interop-versions"))" >> "$cases"
		fi
		# (blservicemanager is in both lists.)
		cat "$dir/extra" "$interop/interop-extra" | awk '!seen[$0]++' > "$dir/extra.all"
		mv "$dir/extra.all" "$dir/extra"
		cp "$interop/interop-etc" "$dir/etc"
		echo "$interop/interop-steps" > "$dir/steps"
	else
		echo "FAIL build: libgbinder and the interop glue (log: $dir/interop-build.log)" >> "$cases"
		tail -n 15 "$dir/interop-build.log" | sed 's/^/  | /' >&2
	fi
	# The benchmark's smoke pass (make bench's program, static) and its
	# plan line.
	if { cmake -S "$BL_TOP/tools" -B "$BL_OUT/cmake" &&
	     cmake --build "$BL_OUT/cmake" -j"$(nproc)" --target binderlite-bench; } \
		> "$dir/bench-build.log" 2>&1; then
		echo "PASS build: binderlite-bench, the benchmark of make bench (its smoke pass runs on $bench_smoke_kernels)" >> "$cases"
		printf '%s\n' "$BL_OUT/cmake/bench/ipc/binderlite-bench" \
			"$BL_TOP/tools/bench/bench-smoke.sh" >> "$dir/extra"
		echo "selftests/binderlite-bench sh /extra/bench-smoke.sh" > "$dir/bench-steps"
	else
		echo "FAIL build: binderlite-bench (log: $dir/bench-build.log)" >> "$cases"
		tail -n 15 "$dir/bench-build.log" | sed 's/^/  | /' >&2
	fi
	grep '^FAIL ' "$cases" | sed 's/^/[bench] /' >&2 || true
	! grep -q '^FAIL ' "$cases"
}

run() {
	local kernel=$1
	shift
	[ -f "$dir/cases" ] || bl_die "nothing built: run '$0 build' first"
	# This kernel's extra plan lines: the interoperability tests, and
	# on some kernels the benchmark's smoke pass.
	local steps=$dir/steps-$kernel f
	: > "$steps"
	while read -r f; do
		[ -z "$f" ] || cat "$f" >> "$steps"
	done < "$dir/steps"
	if [[ " $bench_smoke_kernels " == *" $kernel "* ]] && [ -f "$dir/bench-steps" ]; then
		cat "$dir/bench-steps" >> "$steps"
	fi
	BL_GTESTS=$(cat "$dir/gtests") BL_EXTRA_FILES=$(cat "$dir/extra") \
		BL_ETC_FILES=$(cat "$dir/etc") BL_EXTRA_STEPS=$steps \
		"$BL_TOP/tools/testing/vm.sh" -k "$kernel" -m test "$@"
}

case ${1:-} in
build)
	build
	;;
run)
	[ $# -ge 2 ] || bl_die "usage: $0 run KERNEL [VM.SH OPTIONS]"
	shift
	run "$@"
	;;
*)
	kernels=${*:-$BL_KERNELS_ALL}
	build || bl_die "the VM tests did not build"
	logs=()
	for k in $kernels; do
		run "$k" || true
		logs+=("$BL_OUT/logs/$k-test/cases")
	done
	bl_results tally --label selftests "$dir/cases" "${logs[@]}"
	;;
esac
