#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make kunit`: runs binderlite's KUnit suites (tests/kunit) in the debug
# kernel under KASAN, UBSAN, lockdep and kmemleak, and parses their KTAP
# output with the kernel's own kunit.py (from the installed linux-source).
#
# Logs: out/logs/debug-kunit/ (kunit.ktap, kunit.parsed and the VM's logs).
# The cases go to out/logs/debug-kunit/cases, one per test case and per
# parameter of a parameterized test. The last line is
# "kunit: N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(bl_linux_source)
{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths debug)
build=$BL_OUT/build/debug/kunit
bl_build_module "$kdir" "$build" tests/kunit || exit 1

plan=$BL_OUT/kunit.plan
cat > "$plan" <<'EOP'
kunit-load insmod /extra/kunit.ko
kunit-run insmod /extra/binderlite_kunit.ko
kunit-ktap dmesg | sed -n '/KTAP version 1/,$p'
kunit-unload rmmod binderlite_kunit
EOP

rc=0
BL_EXTRA_FILES="$kdir/lib/kunit/kunit.ko $build/src/tests/kunit/binderlite_kunit.ko" \
	"$BL_TOP/tools/testing/vm.sh" -k debug -m test -p "$plan" >/dev/null || rc=$?
logs=$BL_OUT/logs/debug-kunit
rm -rf "$logs"
mv "$BL_OUT/logs/debug-test" "$logs"

sed -n '/^@@BEGIN kunit-ktap$/,/^@@END kunit-ktap /p' "$logs/results.log" | sed '1d;$d' > "$logs/kunit.ktap"
python3 "$src/tools/testing/kunit/kunit.py" parse "$logs/kunit.ktap" > "$logs/kunit.parsed" 2>&1 || rc=1

# Leaf results, named suite.test (a parameter is suite.test.param).
grep -v '^PASS kunit-ktap$' "$logs/cases" > "$logs/cases.vm" || true
sed 's/^\[[0-9:]*\] //' "$logs/kunit.parsed" | awk -v out="$logs/cases.kunit" '
	/^=+ [^[]/ && /=+$/ && !/^=+$/ {
		sub(/^=+ /, ""); sub(/ *(\([0-9]+ subtests?\))? *=+$/, "")
		stack[++depth] = $0; next
	}
	/^=+ \[(PASSED|FAILED|SKIPPED)\] .* =+$/ { depth--; next }
	/^\[(PASSED|FAILED|SKIPPED)\] / {
		v = $1; sub(/^\[[A-Z]+\] /, "")
		name = ""
		for (i = 1; i <= depth; i++) name = name stack[i] "."
		if (v == "[PASSED]") print "PASS kunit:" name $0 > out
		else if (v == "[SKIPPED]") print "SKIP kunit:" name $0 > out
		else print "FAIL kunit:" name $0 > out
	}'
cat "$logs/cases.vm" "$logs/cases.kunit" > "$logs/cases"
grep -E 'live buffers|resident pages' "$logs/kunit.ktap" | sed 's/^ *# *//' >&2 || true

if ! grep -q '^PASS kunit:' "$logs/cases"; then
	echo "FAIL kunit: no KUnit results (see $logs/kunit.parsed)" >> "$logs/cases"
fi
grep '^FAIL ' "$logs/cases" | sed 's/^/  /' >&2 || true
passed=$(grep -c '^PASS ' "$logs/cases" || true)
failed=$(grep -c '^FAIL ' "$logs/cases" || true)
bl_log "KUnit: $(tail -n 1 "$logs/kunit.parsed"); logs in $logs"
echo "kunit: $passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
