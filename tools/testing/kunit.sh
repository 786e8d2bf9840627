#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make kunit`: runs binderlite's KUnit suites (tests/kunit) in the debug
# kernel under KASAN, UBSAN, lockdep and kmemleak. The plan's "kunit" step
# sends the KTAP part of the kernel log over the results channel, and
# vm.sh counts every leaf of it (results.py), each parameter of a
# parameterized test included, as "kunit:suite.test[.param]".
#
#   kunit.sh [-l LOGS]    logs in LOGS (default out/logs/debug-kunit):
#                         the VM's, with cases and kunit.ktap
#
# The last line is "kunit: N passed, N failed[, N skipped]".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

logs=$BL_OUT/logs/debug-kunit
while getopts "l:" opt; do
	case $opt in
	l) logs=$OPTARG ;;
	*) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done

{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths debug)
build=$BL_OUT/build/debug/kunit
bl_build_module "$kdir" "$build" tests/kunit || exit 1

# The kernel log's KTAP, without printk's time stamps.
plan=$BL_OUT/kunit.plan
cat > "$plan" <<'EOP'
kunit-load insmod /extra/kunit.ko
kunit-run insmod /extra/binderlite_kunit.ko
kunit dmesg | sed -n 's/^\[[ 0-9.]*\] //; /KTAP version 1/,$p'
kunit-unload rmmod binderlite_kunit
EOP

rm -f "$logs/cases"
BL_EXTRA_FILES="$kdir/lib/kunit/kunit.ko $build/src/tests/kunit/binderlite_kunit.ko" \
	"$BL_TOP/tools/testing/vm.sh" -k debug -m test -p "$plan" -l "$logs" >/dev/null || true
[ -f "$logs/cases" ] || bl_die "the VM run did not get as far as its verdict"

bl_results output "$logs/results.log" kunit > "$logs/kunit.ktap"
grep -E 'live buffers|resident pages' "$logs/kunit.ktap" | sed 's/^ *# *//' >&2 || true
if ! grep -q '^PASS kunit:' "$logs/cases"; then
	echo "FAIL kunit: no KUnit results (see $logs/kunit.ktap)" >> "$logs/cases"
fi
bl_log "KUnit: logs in $logs"
bl_results tally --label kunit "$logs/cases"
