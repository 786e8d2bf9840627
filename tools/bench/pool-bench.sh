#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The allocator and copy benchmark, part of `make bench` (tools/bench/
# bench.sh): tools/bench/kernel/binderlite_bench.ko measures the allocator
# and the ways of copying a payload into pool pages, in the stock 6.12
# kernel (no debug options, so the figures mean something). Under
# QEMU/TCG only ratios within one run mean anything.
#
#   pool-bench.sh              its own VM boot, then the tables and plots
#   pool-bench.sh --from TXT   the tables and plots of figures another
#                              boot measured (bench.sh: the module's lines,
#                              "binderlite_bench: " taken off)
#
# Output: out/bench/pool.txt (raw), out/bench/pool.md (tables),
# out/bench/alloc.png and out/bench/copy.png (plots).
set -euo pipefail
. "$(dirname "$0")/../testing/lib.sh"

kernel=${KERNEL:-6.12}
out=$BL_OUT/bench
mkdir -p "$out"
if [ "${1:-}" = --from ]; then
	[ -f "${2:-}" ] || bl_die "no such file: ${2:-}"
	[ "$2" -ef "$out/pool.txt" ] || cp "$2" "$out/pool.txt"
else
	"$BL_TOP/tools/testing/deps.sh"
	{ read -r _; read -r kdir; read -r _; } < <(bl_kernel_paths "$kernel")
	build=$BL_OUT/build/$kernel/bench
	bl_build_module "$kdir" "$build" tools/bench/kernel || exit 1
	plan=$out/pool.plan
	cat > "$plan" <<'EOP'
pool-bench insmod /extra/binderlite_bench.ko && rmmod binderlite_bench && dmesg | grep -o 'binderlite_bench: .*'
EOP
	logs=$BL_OUT/logs/$kernel-bench
	BL_EXTRA_FILES="$build/src/tools/bench/kernel/binderlite_bench.ko" \
		"$BL_TOP/tools/testing/vm.sh" -k "$kernel" -m test -p "$plan" -l "$logs" >&2
	bl_results output "$logs/results.log" pool-bench |
		sed -n 's/^binderlite_bench: //p' > "$out/pool.txt"
fi
grep -q '^done$' "$out/pool.txt" || bl_die "the allocator benchmark did not complete"

val() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p"; }
{
	echo "Allocator, stock $kernel under QEMU/TCG: one free + one allocation"
	echo
	echo "| live buffers | blocks | ns per free+allocate |"
	echo "|---:|---:|---:|"
	grep '^alloc ' "$out/pool.txt" | while read -r line; do
		printf '| %s | %s | %s |\n' "$(echo "$line" | val live)" \
			"$(echo "$line" | val blocks)" "$(echo "$line" | val ns)"
	done
	echo
	echo "Copying a payload from user memory into pool pages (median ns)"
	echo
	echo "| size | per page (kmap_local) | contiguous area | vmap per buffer | memcpy |"
	echo "|---:|---:|---:|---:|---:|"
	grep '^copy ' "$out/pool.txt" | while read -r line; do
		printf '| %s | %s | %s | %s | %s |\n' "$(echo "$line" | val size)" \
			"$(echo "$line" | val per_page_ns)" "$(echo "$line" | val contiguous_ns)" \
			"$(echo "$line" | val vmap_per_buffer_ns)" "$(echo "$line" | val memcpy_ns)"
	done
} > "$out/pool.md"

grep '^alloc ' "$out/pool.txt" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["live"], v["ns"] }' > "$out/alloc.dat"
grep '^copy ' "$out/pool.txt" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["size"] / 1024, v["per_page_ns"] / 1000, v["contiguous_ns"] / 1000, v["vmap_per_buffer_ns"] / 1000, v["memcpy_ns"] / 1000 }' > "$out/copy.dat"
gnuplot <<EOG
set terminal png size 800,480 noenhanced
set grid
set key top left
set output "$out/alloc.png"
set title "binderlite allocator: free + allocate (stock $kernel, QEMU/TCG)"
set xlabel "live buffers"
set ylabel "ns per free + allocate"
set logscale x
set yrange [0:*]
plot "$out/alloc.dat" using 1:2 with linespoints lw 2 title "best fit, rbtrees"
unset logscale x
set output "$out/copy.png"
set title "Copying a payload into pool pages (stock $kernel, QEMU/TCG; median)"
set xlabel "payload (KiB)"
set ylabel "microseconds"
set logscale xy
set yrange [*:*]
plot "$out/copy.dat" using 1:2 with linespoints lw 2 title "per page, kmap_local (binderlite)", \
     "$out/copy.dat" using 1:3 with linespoints lw 2 title "contiguous kernel area", \
     "$out/copy.dat" using 1:4 with linespoints lw 2 title "vmap per buffer", \
     "$out/copy.dat" using 1:5 with linespoints lw 2 title "memcpy (reference)"
EOG
[ "${1:-}" = --from ] || cat "$out/pool.md"
bl_log "allocator and copy: $out/pool.md, $out/alloc.png, $out/copy.png"
