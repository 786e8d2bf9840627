#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of make check's smoke pass of make bench: every
# measurement of binderlite-bench, on every transport, briefly
# (run --smoke), then its report checked (report --tap): one TAP case per
# measurement and transport (it ran, with no failed cell), and the report
# written. No figure is judged: under QEMU/TCG they mean little, and a
# smoke pass has no time for them. The run's progress follows, as TAP
# diagnostics. Run by the VM bench as /extra/bench-smoke.sh, from the plan
# line tools/testing/selftests.sh adds on the kernels of
# BL_BENCH_SMOKE_KERNELS.
bench=/extra/binderlite-bench
raw=/tmp/bench-smoke.csv
log=/tmp/bench-smoke.log

"$bench" run --smoke > "$raw" 2> "$log"
rc=$?
"$bench" report --tap -o /tmp/bench-smoke "$raw"
report=$?
sed 's/^\([^#]\)/# \1/; s/^$/#/' "$log"
echo "# binderlite-bench run --smoke: exit status $rc"
# A failed cell fails its measurement's case above; the run's status adds
# nothing to it, the report's says whether every case passed.
exit $report
