#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The profiler's side in the VM (busybox sh; tools/bench/profile.sh puts it
# in /extra): runs a program under ftrace's function_graph tracer limited
# to the functions of the given modules, then prints, per function, its
# calls and its inclusive time (what the tracer measured between entry and
# exit, callees included), the most expensive first.
#
#   profile-guest.sh [-m MODULE]... [-n TOP] -- PROGRAM [ARGS...]
#
#   MODULE  a module whose functions are traced (default binderlite and
#           binder_linux: both drivers in one run)
#   TOP     how many functions to print (default 40)
#
# The tracer costs time at every traced call, so the absolute figures are
# inflated; calls per operation, and how the time divides among the
# functions, are what to read. Prints "profile: ..." lines.
set -u

modules=
top=40
while [ $# -gt 0 ]; do
	case $1 in
	-m) modules="$modules $2"; shift 2 ;;
	-n) top=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ -n "$modules" ] || modules="binderlite binder_linux"
[ $# -gt 0 ] || { echo "profile-guest.sh: no program" >&2; exit 2; }

t=/sys/kernel/tracing
[ -d $t/events ] || mount -t tracefs nodev $t 2>/dev/null
if ! grep -qw function_graph $t/available_tracers; then
	echo "profile: SKIP no function_graph tracer in this kernel"
	exit 0
fi

echo 0 > $t/tracing_on
echo nop > $t/current_tracer
: > $t/set_ftrace_filter
for m in $modules; do
	if grep -q "\[$m\]" /proc/kallsyms; then
		echo ":mod:$m" >> $t/set_ftrace_filter
	else
		echo "profile: module $m is not loaded; left out"
	fi
done
echo 65536 > $t/buffer_size_kb
echo funcgraph-tail > $t/trace_options
echo nofuncgraph-irqs > $t/trace_options 2>/dev/null
echo function_graph > $t/current_tracer
: > $t/trace
echo 1 > $t/tracing_on
"$@"
rc=$?
echo 0 > $t/tracing_on

# function_graph lines: "CPU) [+!#]  DURATION us  |  name();" for a leaf,
# "... |  } /* name */" for the end of a function with callees.
awk -v top="$top" '
	/\|/ {
		split($0, half, "|")
		d = half[1]
		name = half[2]
		if (d !~ /us/)
			next
		sub(/^.*\)/, "", d)
		gsub(/[+!#*@$ ]|us/, "", d)
		if (name ~ /\} \/\*/) {
			sub(/.*\/\* /, "", name); sub(/ \*\/.*/, "", name)
		} else if (name ~ /\(\);/) {
			sub(/^ */, "", name); sub(/\(\);.*/, "", name)
		} else {
			next
		}
		calls[name]++
		us[name] += d
	}
	END {
		for (f in us)
			printf "%12.1f %9d %s\n", us[f], calls[f], f | "sort -rn | head -n " top
	}' $t/trace > /tmp/profile.txt
lost=$(awk '/overrun/ { n += $2 } END { print n + 0 }' $t/per_cpu/cpu*/stats 2>/dev/null)
echo nop > $t/current_tracer
echo "profile: program exit $rc; events lost to overruns: ${lost:-?}"
echo "profile:    total_us     calls  function (inclusive time)"
sed 's/^/profile: /' /tmp/profile.txt
exit $rc
