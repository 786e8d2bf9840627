#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The worked example of Documentation/performance.rst, "Tracepoints":
# a slow call found with binderlite's trace events, through ftrace. It runs
# in the test VM (busybox sh, as root), where the workload is the
# kselftest binderlite_trace_test's slow_call: a client calls a server
# four times, and the server answers one of the calls (code 0x102) after
# 100 ms. From the top of the checkout:
#
#   echo "trace-example sh /extra/trace-example.sh" > /tmp/plan
#   BL_EXTRA_FILES=tools/testing/trace-example.sh \
#           tools/testing/vm.sh -k 6.12 -p /tmp/plan
#
# The output is in out/logs/6.12-test/results.log. With "perf" as the
# first argument, and perf's binary, its libraries and the dynamic loader
# copied into the guest's /extra (BL_EXTRA_FILES), it does the same with
# perf trace and perf record.
set -e
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
cd $T
workload() { /tests/binderlite_trace_test -t slow_call > /dev/null 2>&1; }
show() { echo "\$ $*"; sh -c "$*"; }

if [ "${1:-}" = perf ]; then
	export HOME=/tmp
	perf() { /extra/ld-linux-x86-64.so.2 --library-path /extra /extra/perf "$@"; }
	echo "\$ perf trace --no-syscalls -e 'binderlite:binderlite_txn_latency_free' -- <workload>"
	perf trace --no-syscalls -o /tmp/perf-trace.txt \
		-e 'binderlite:binderlite_txn_latency_free' -- \
		/tests/binderlite_trace_test -t slow_call > /dev/null 2>&1
	cat /tmp/perf-trace.txt
	echo "\$ perf record -e binderlite:binderlite_txn_latency_free --filter 'latency_ns > 10000000' -a -- <workload>"
	perf record -q -o /tmp/perf.data -e binderlite:binderlite_txn_latency_free \
		--filter 'latency_ns > 10000000' -a -- \
		/tests/binderlite_trace_test -t slow_call > /dev/null 2>&1
	echo "\$ perf script"
	perf script -i /tmp/perf.data
	exit 0
fi

# 1. Only the latency of transactions over 10 ms, and the events that
# follow one transaction through the driver.
show "echo 'latency_ns > 10000000' > events/binderlite/binderlite_txn_latency_free/filter"
show "echo 1 > events/binderlite/binderlite_txn_latency_free/enable"
show "echo 1 > events/binderlite/binderlite_transaction/enable"
show "echo 1 > events/binderlite/binderlite_transaction_received/enable"
echo "\$ <workload>"
workload
# 2. The slow ones.
show "grep binderlite_txn_latency_free trace"
id=$(sed -n 's/.*binderlite_txn_latency_free: transaction=\([0-9]*\) .*/\1/p' trace | head -n 1)
[ -n "$id" ] || { echo "no transaction over 10 ms"; exit 1; }
# 3. Its life: from its sending to the end of the call.
show "awk '/: transaction=$id /{p=1} p; /latency_free: transaction=$id /{exit}' trace"
show "echo 0 > events/binderlite/enable"
show "echo 0 > events/binderlite/binderlite_txn_latency_free/filter"
