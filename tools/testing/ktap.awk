# SPDX-License-Identifier: GPL-2.0
# ktap.awk: one step's output as /init (tools/testing/init.sh) sends it on
# the results channel: a KTAP subtest of the run, four spaces in. It runs
# in the guest under busybox awk:
#
#   CMD 2>&1 | awk -v kind=KIND -f /bench/ktap.awk
#
#   kind=tap    the step writes TAP or KTAP (the kselftests, the
#               interoperability tests, KUnit's part of the kernel log):
#               passed through
#   kind=gtest  a GoogleTest program: every line it prints becomes a
#               diagnostic ("# ..."), "Running N tests" the plan "1..N",
#               and each finished test a result: "ok 3 Suite.Case",
#               "not ok 4 Suite.Case", "ok 5 Suite.Case # SKIP why" (why:
#               the first line of GTEST_SKIP()'s message)
#   kind=plain  any other step: every line a diagnostic
#
# tools/testing/results.py reads what comes out; Documentation/testing.rst,
# "The test pipeline", describes the format.

function out(s) {
	print "    " s
	fflush()
}

BEGIN { esc = sprintf("%c", 27) }

{ sub(/\r$/, "") }

kind == "tap" { out($0); next }

kind != "gtest" { out($0 == "" ? "#" : "# " $0); next }

{
	line = $0
	gsub(esc "\\[[0-9;]*m", "", line)
	out(line == "" ? "#" : "# " line)
}

line ~ /^\[=+\] Running [0-9]+ tests? from / {
	split(line, w, " ")
	out("1.." w[3])
	next
}

# "path/file.cpp:12: Skipped", then the message.
line ~ /: Skipped$/ { skipping = 1; why = ""; next }
skipping && why == "" && line != "" && line !~ /^\[/ { why = line }

# "[  FAILED  ] Suite.Case (12 ms)"; the summary repeats the names of
# failed tests without a time, and those are not counted twice. A failed
# parameterized test says ", where GetParam() = ..." (or TypeParam) before
# its time.
{ sub(/, where (GetParam\(\)|TypeParam) = .* \(/, " (", line) }
line ~ /^\[ *(OK|FAILED|SKIPPED) *\] [^ ]+ \([0-9]+ ms\)$/ {
	n++
	split(line, w, " ")
	name = w[4]
	if (line ~ /^\[ *OK/)
		out("ok " n " " name)
	else if (line ~ /SKIPPED/)
		out("ok " n " " name " # SKIP" (why == "" ? "" : " " why))
	else
		out("not ok " n " " name)
	skipping = 0
}
