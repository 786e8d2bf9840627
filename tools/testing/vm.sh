#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# binderlite VM bench: builds the module against a kernel, packs an
# initramfs (busybox-static, the module, static test programs), boots the
# kernel under QEMU/TCG and judges the run from a results channel that is
# separate from the console.
#
#   vm.sh [-k KERNEL] [-m MODE] [-p PLAN] [-t TIMEOUT] [-l LOGS]
#
#   KERNEL   6.1, 6.12, debug, cloud or rt (default 6.12; see
#            Documentation/testing.rst, "The kernel matrix")
#   MODE     test   run the kselftests, or the plan given with -p
#            demo   run the demo and show its output
#            shell  interactive busybox shell with the module loaded
#            fault  load a deliberately faulty module: the run must fail
#   PLAN     file of "name command" lines to run in the guest
#   LOGS     the directory for the run's logs, emptied first (default
#            out/logs/<kernel>-<mode>)
#
# BL_VM_CPUS sets the guest's virtual CPUs (default 2; make bench's
# concurrent-client figures also boot with 4).
#
# The files BL_EXTRA_FILES names appear in the guest as /extra/NAME; in
# shell mode, the user-space programs (bl_build_userspace) do. The files
# BL_ETC_FILES names appear as /etc/NAME (gbinder.conf). In test mode
# without a plan, the static GoogleTest programs BL_GTESTS names run
# before the kselftests, each of their cases counted, and then the plan
# lines of the file BL_EXTRA_STEPS names (the interoperability tests:
# tools/testing/interop-build.sh), each known to BL_TESTS by its step name
# without the "selftests/" or "gtest/" prefix. BL_TESTS (default "all")
# limits that plan to the programs it names, kselftests and GoogleTest
# programs by file name, or to "representative" ones (make check's
# per-kernel subsets: bl_check_tests in lib.sh); a name that is none of
# these fails the run.
#
# A run fails when a step fails, when /init does not reach its end before
# the timeout, or when the guest kernel printed a BUG, WARNING, Oops,
# KASAN, UBSAN, lockdep, kmemleak, general protection fault or hung-task
# report. The guest sends its results as KTAP (tools/testing/init.sh);
# tools/testing/results.py reads them into cases (LOGS/cases) and tallies
# them. The last line is "vm: N passed, N failed[, N skipped]" and the
# exit status is non-zero on failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=6.12
mode=test
plan=
timeout=
logs=
while getopts "k:m:p:t:l:" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	m) mode=$OPTARG ;;
	p) plan=$(realpath "$OPTARG") ;;
	t) timeout=$OPTARG ;;
	l) logs=$OPTARG ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
case $mode in test|demo|shell|fault) ;; *) bl_die "unknown mode '$mode'" ;; esac
case " $BL_KERNELS_ALL " in
*" $kernel "*) ;;
*) bl_die "unknown kernel '$kernel' (want one of: $BL_KERNELS_ALL)" ;;
esac
# The timeout ends a hung guest. A whole test run took 45-90 s on the
# stock kernels and 115 s on the debug kernel in December 2026 (testing.rst),
# and the tests are growing: the limits leave room for several times that.
if [ -z "$timeout" ]; then
	timeout=600
	[ "$kernel" = debug ] && timeout=1200
fi

{ read -r vmlinuz; read -r kdir; read -r refdir; } < <(bl_kernel_paths "$kernel")
[ -f "$vmlinuz" ] || bl_die "no kernel image at $vmlinuz"

logs=${logs:-$BL_OUT/logs/$kernel-$mode}
rm -rf "$logs"
mkdir -p "$logs"

# 1. The module and the test programs.
modbuild=$BL_OUT/build/$kernel
bl_build_module "$kdir" "$modbuild/module" . || exit 1
if [ "$mode" = fault ]; then
	bl_build_module "$kdir" "$modbuild/fault" tests/fault || exit 1
fi
ksft=$(bl_linux_source)/tools/testing/selftests
make -s -C "$BL_TOP/tests/selftests" KSFT_DIR="$ksft" OUTPUT="$BL_OUT/selftests" >&2 ||
	bl_die "building the selftests failed"

# 2. The initramfs.
root=$logs/initramfs
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib/modules,tests,bench}
cp /bin/busybox "$root/bin/busybox"
install -m 0755 "$BL_TOP/tools/testing/init.sh" "$root/init"
cp "$BL_TOP/tools/testing/ktap.awk" "$BL_TOP/tools/testing/debugfs-clean.sh" "$root/bench/"
cp "$modbuild/module/src/binderlite.ko" "$root/lib/modules/"
if [ "$mode" = fault ]; then
	cp "$modbuild/fault/src/tests/fault/binderlite_fault.ko" "$root/lib/modules/"
fi
# The reference binder, as init.sh is to find it (/bench/binder): a module
# to load, built in, or none at all (the cloud kernel).
binder=$(bl_kernel_binder "$kernel")
if [ "$binder" = module ]; then
	ref=$(ls "$refdir"/binder_linux.ko* 2>/dev/null | head -n 1)
	[ -n "$ref" ] || bl_die "kernel $kernel ships no binder_linux module in $refdir"
	cp "$ref" "$root/lib/modules/"
fi
echo "$binder" > "$root/bench/binder"
echo "$kernel" > "$root/bench/kernel"
echo "$mode" > "$root/bench/mode"
progs=$(make -s -C "$BL_TOP/tests/selftests" list)
for p in $progs; do
	cp "$BL_OUT/selftests/$p" "$root/tests/"
done
if [ "$mode" = shell ] && [ -z "${BL_EXTRA_FILES:-}" ]; then
	BL_EXTRA_FILES=$(bl_build_userspace) || exit 1
fi
if [ -n "${BL_EXTRA_FILES:-}" ]; then
	mkdir -p "$root/extra"
	# shellcheck disable=SC2086
	cp $BL_EXTRA_FILES "$root/extra/"
fi
if [ -n "${BL_ETC_FILES:-}" ]; then
	mkdir -p "$root/etc"
	# shellcheck disable=SC2086
	cp $BL_ETC_FILES "$root/etc/"
fi
# Extra plan lines ("name command"): their names, without the prefix that
# makes vm.sh count their cases, are what BL_TESTS knows them by.
extra_steps=
if [ -n "${BL_EXTRA_STEPS:-}" ]; then
	[ -f "$BL_EXTRA_STEPS" ] || bl_die "BL_EXTRA_STEPS names no file: $BL_EXTRA_STEPS"
	extra_steps=$(grep -v '^[[:space:]]*\(#\|$\)' "$BL_EXTRA_STEPS" || true)
fi
step_program() { local n=${1#selftests/}; echo "${n#gtest/}"; }
if [ -n "$plan" ]; then
	cp "$plan" "$root/bench/plan"
elif [ "$mode" = test ] || [ "$mode" = fault ]; then
	tests=${BL_TESTS:-all}
	[ "$tests" = representative ] && tests=$(echo $BL_TESTS_REPRESENTATIVE)
	if [ "$tests" != all ]; then
		known=" $progs "
		for g in ${BL_GTESTS:-}; do known+="$(basename "$g") "; done
		while read -r n _; do
			[ -z "$n" ] || known+="$(step_program "$n") "
		done <<< "$extra_steps"
		for t in $tests; do
			[[ $known == *" $t "* ]] ||
				bl_die "BL_TESTS names '$t', which is no test program of this run"
		done
		bl_log "running a subset of the test programs on $kernel: $tests"
	fi
	selected() { [ "$tests" = all ] || [[ " $tests " == *" $1 "* ]]; }
	{
		# GoogleTest programs (BL_GTESTS) and the extra steps first:
		# the last kselftest unloads and reloads the module.
		for g in ${BL_GTESTS:-}; do
			selected "$(basename "$g")" || continue
			echo "gtest/$(basename "$g") GTEST_COLOR=no /tests/$(basename "$g")"
		done
		while read -r n cmd; do
			[ -n "$n" ] && selected "$(step_program "$n")" || continue
			echo "$n $cmd"
		done <<< "$extra_steps"
		for p in $progs; do
			selected "$p" || continue
			echo "selftests/$p /tests/$p"
		done
	} > "$root/bench/plan"
fi
# shellcheck disable=SC2086
[ -z "${BL_GTESTS:-}" ] || cp ${BL_GTESTS} "$root/tests/"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) > "$logs/initramfs.cpio"

# 3. Boot. The console is ttyS0, the results channel ttyS1.
# The CPU is TCG's "max" without 5-level paging (LA57): while the boot CPU
# is identified, its feature bits are cleared for a moment, so an interrupt
# that lands then sees LA57 off and KASAN judges every direct-map address
# (ff11...) wild. The debug kernel printed such a false report in early
# boot (do_raw_spin_lock in handle_edge_irq, over identify_cpu) once in
# its first three boots, on a loaded machine. Few real machines use LA57.
console=$logs/console.log
results=$logs/results.log
cpus=${BL_VM_CPUS:-2}
[[ $cpus =~ ^[1-9][0-9]*$ ]] || bl_die "BL_VM_CPUS is not a CPU count: $cpus"
qemu=(qemu-system-x86_64 -accel tcg -cpu max,la57=off -smp "$cpus" -m 1G
      -nodefaults -no-reboot -display none
      -kernel "$vmlinuz" -initrd "$logs/initramfs.cpio"
      -append "console=ttyS0 panic=-1 oops=panic kasan.fault=report ${BL_APPEND:-}")
if [ "$mode" = shell ]; then
	bl_log "booting $kernel; the console is this terminal (Ctrl-A X quits QEMU)"
	qemu+=(-serial mon:stdio -serial "file:$results")
	"${qemu[@]}" || true
	exit 0
fi
qemu+=(-serial "file:$console" -serial "file:$results")

boot() {
	local start rc=0
	: > "$console"
	: > "$results"
	start=$(date +%s.%N)
	timeout --kill-after=10 "$timeout" "${qemu[@]}" </dev/null >"$logs/qemu.log" 2>&1 || rc=$?
	echo "$start $(date +%s.%N)" | awk '{ printf "%.1f\n", $2 - $1 }' > "$logs/seconds"
	return $rc
}

bl_log "booting $kernel ($(basename "$vmlinuz")) under TCG, $cpus vCPUs; logs in $logs"
qrc=0
boot || qrc=$?
if ! grep -q '^# bench: init' "$results" && [ "$qrc" != 124 ]; then
	# QEMU/TCG occasionally crashes in early boot, before /init runs.
	bl_log "the guest died before /init (qemu exit $qrc); retrying once"
	cp "$console" "$logs/console.first-attempt.log"
	qrc=0
	boot || qrc=$?
fi
tr -d '\r' < "$results" > "$results.tmp" && mv "$results.tmp" "$results"
tr -d '\r' < "$console" > "$console.tmp" && mv "$console.tmp" "$console"

# 4. The verdict. Every step is a case; a step that writes TAP
# (selftests/*, kunit) or runs GoogleTest (gtest/*) counts each of its test
# cases instead (results.py). How long each step took in the guest:
# "seconds name exit-status".
bl_results section "$results" dmesg > "$logs/dmesg.log"
bl_results section "$results" kmemleak > "$logs/kmemleak.log"
bl_results steps "$results" > "$logs/steps"
bl_results cases "$results" > "$logs/cases"

# Kernel reports, wherever they were printed: the console, or the kernel
# log and kmemleak report /init sent over the results channel.
bad_re='BUG:|WARNING:|Oops|KASAN:|UBSAN:|general protection fault|Kernel panic|'
bad_re+='possible circular locking|possible recursive locking|inconsistent lock state|'
bad_re+='INFO: trying to register non-static key|DEBUG_LOCKS_WARN_ON|'
bad_re+='unreferenced object|suspected memory leak|blocked for more than|'
bad_re+='soft lockup|hard LOCKUP|rcu_.*detected stalls'
cat "$console" "$logs/dmesg.log" "$logs/kmemleak.log" |
	grep -E -- "$bad_re" | awk '!seen[$0]++' > "$logs/kernel-reports" || true

if [ -s "$logs/kernel-reports" ]; then
	echo "FAIL kernel: $(head -n 1 "$logs/kernel-reports")" >> "$logs/cases"
fi

if [ "$mode" = demo ] && [ -n "$plan" ]; then
	# What each step of the plan printed, in order.
	# shellcheck disable=SC2046
	bl_results output "$results" $(awk 'NF && $1 !~ /^#/ { print $1 }' "$plan")
fi
if [ -s "$logs/kernel-reports" ]; then
	bl_log "kernel reports (full log: $console):"
	sed 's/^/  | /' "$logs/kernel-reports" | head -n 40 >&2
fi
# Why the run failed, beyond its failed cases.
verdict_fail=()
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	verdict_fail+=("timeout: the guest did not finish within ${timeout}s")
elif grep -q '^FAIL vm: run incomplete' "$logs/cases"; then
	verdict_fail+=("/init did not reach its end (qemu exit $qrc)")
fi
[ ! -s "$logs/kernel-reports" ] || verdict_fail+=("the guest kernel printed reports")
summary=$(bl_results tally --label vm "$logs/cases") || verdict_fail+=("${summary#vm: }")
secs=$(cat "$logs/seconds")
if [ ${#verdict_fail[@]} -eq 0 ]; then
	echo PASS > "$logs/verdict"
	bl_log "$kernel $mode: PASS in ${secs}s (${summary#vm: }); logs in $logs"
else
	printf 'FAIL\n%s\n' "${verdict_fail[@]}" > "$logs/verdict"
	bl_log "$kernel $mode: FAIL in ${secs}s: $(IFS=';'; echo "${verdict_fail[*]}"); logs in $logs"
fi
echo "$summary"
[ ${#verdict_fail[@]} -eq 0 ]
