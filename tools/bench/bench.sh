#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: binderlite next to the reference binder, AF_UNIX socket
# pairs, pipes and the copy bounds (Documentation/performance.rst,
# "make bench").
#
# One boot of stock 6.12 (no debug options) with binder_linux and
# binderlite loaded side by side runs the allocator and copy module
# (tools/bench/kernel, tabulated by pool-bench.sh) and every measurement
# of binderlite-bench (tools/bench/ipc): round trips, oneways, concurrent
# clients, handles, memory and pool pages, the transports interleaved cell
# by cell, every cell repeated. One more boot per further vCPU count runs
# the concurrent clients again. binderlite-bench report then makes the
# tables (Markdown and CSV), the plots (gnuplot) and the summary, printed
# last.
#
# Environment:
#   BENCH_ARGS  options of "binderlite-bench run", for every boot:
#               --quick (a shorter run), --repeats N, --sizes LIST, ...
#               (binderlite-bench run --help); a --tests list without
#               "clients" leaves out the further boots
#   BENCH_CPUS  the guest's vCPU counts (default "2 4"): the first boot
#               runs everything, each other one the concurrent clients
#   KERNEL      the kernel (default 6.12)
#
# Output, in out/bench/: bench.md (every table), summary.md, ipc.md and
# the tables as CSV (latency.csv, clients-2cpu.csv, ...), figures.csv
# (every figure: median, min and max over the repeats), raw-Ncpu.csv (the
# records of each boot), pool.md, PNG plots; the boots' logs in
# out/logs/KERNEL-bench*. Exits non-zero when a cell or a boot failed.
set -euo pipefail
. "$(dirname "$0")/../testing/lib.sh"

t0=$(date +%s)
kernel=${KERNEL:-6.12}
read -r -a args <<< "${BENCH_ARGS:-}"
read -r -a cpu_counts <<< "${BENCH_CPUS:-2 4}"
[ ${#cpu_counts[@]} -gt 0 ] || bl_die "BENCH_CPUS names no vCPU count"

# The user's --tests, taken out of the further boots' options (they run
# the clients only, and only when the user's tests include them).
tests=
other_args=()
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[i]} in
	--tests) tests=${args[i + 1]:-}; i=$((i + 1)) ;;
	--tests=*) tests=${args[i]#--tests=} ;;
	*) other_args+=("${args[i]}") ;;
	esac
done
clients_too=1
[ -z "$tests" ] || [[ ",$tests," == *,clients,* ]] || clients_too=0

"$BL_TOP/tools/testing/deps.sh"
{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths "$kernel")
mod=$BL_OUT/build/$kernel/bench
bl_build_module "$kdir" "$mod" tools/bench/kernel || exit 1
prog=$(bl_build_bench_program)

out=$BL_OUT/bench
rm -rf "$out"
mkdir -p "$out"
status=0

# boot CPUS LOGS PLAN-LINES...: one VM run of the plan; failures noted,
# the run goes on.
boot() {
	local cpus=$1 logs=$2 plan
	shift 2
	plan=$out/bench-${cpus}cpu.plan
	printf '%s\n' "$@" > "$plan"
	BL_VM_CPUS=$cpus BL_EXTRA_FILES="$prog $mod/src/tools/bench/kernel/binderlite_bench.ko" \
		"$BL_TOP/tools/testing/vm.sh" -k "$kernel" -m test -p "$plan" -l "$logs" -t 3000 >&2 ||
		{ status=1; bl_log "the $cpus-vCPU boot failed; see $logs"; }
}

# The guest's command line of "binderlite-bench run" with these options.
run_line() {
	local q=
	[ $# -eq 0 ] || q=$(printf ' %q' "$@")
	echo "ipc /extra/binderlite-bench run$q > /tmp/ipc.csv; rc=\$?; cat /tmp/ipc.csv; exit \$rc"
}

raws=()
for ((b = 0; b < ${#cpu_counts[@]}; b++)); do
	cpus=${cpu_counts[b]}
	logs=$BL_OUT/logs/$kernel-bench-${cpus}cpu
	if [ "$b" = 0 ]; then
		bl_log "boot 1: every measurement, $cpus vCPUs"
		boot "$cpus" "$logs" \
			"pool-bench insmod /extra/binderlite_bench.ko && rmmod binderlite_bench && dmesg | grep -o 'binderlite_bench: .*'" \
			"$(run_line "${args[@]}")"
		bl_results output "$logs/results.log" pool-bench 2>/dev/null |
			sed -n 's/^binderlite_bench: //p' > "$out/pool.txt" || true
	else
		[ "$clients_too" = 1 ] || continue
		bl_log "boot $((b + 1)): concurrent clients, $cpus vCPUs"
		boot "$cpus" "$logs" "$(run_line "${other_args[@]}" --tests clients)"
	fi
	raw=$out/raw-${cpus}cpu.csv
	bl_results output "$logs/results.log" ipc 2>/dev/null > "$raw" || true
	if grep -q '^test,transport,' "$raw"; then
		raws+=("$raw")
	else
		status=1
		bl_log "the $cpus-vCPU boot wrote no records; see $logs"
	fi
done
[ ${#raws[@]} -gt 0 ] || bl_die "no results"

bl_log "the report"
"$prog" report -o "$out" "${raws[@]}" > "$out/summary.txt" || status=1
if command -v gnuplot >/dev/null; then
	(cd "$out" && gnuplot plots.gp) 2> "$out/gnuplot.log" || { status=1; bl_log "gnuplot failed: $out/gnuplot.log"; }
fi
if [ -s "$out/pool.txt" ]; then
	"$BL_TOP/tools/bench/pool-bench.sh" --from "$out/pool.txt" || status=1
else
	status=1
	bl_log "the allocator benchmark wrote nothing"
fi
{
	cat "$out/ipc.md"
	if [ -f "$out/pool.md" ]; then
		printf '## The allocator and the copy (tools/bench/kernel)\n\n'
		cat "$out/pool.md"
	fi
} > "$out/bench.md"

echo
echo "== make bench: $(sed -n 's/^- kernel: //p' "$out/ipc.md") under QEMU/TCG; every table: $out/bench.md =="
echo
grep -v '^### ' "$out/summary.txt"
bl_log "took $(( $(date +%s) - t0 )) s; tables, CSV and plots in $out"
exit $status
