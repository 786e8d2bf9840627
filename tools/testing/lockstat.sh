#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Lock statistics in the debug kernel's VM (busybox sh; soak.sh passes it
# in as /extra/lockstat.sh): resets /proc/lock_stat, runs the PROGRAMs (the
# concurrent tests), and prints the lines of /proc/lock_stat of
# binderlite's lock classes, the contended ones first.
#
#   lockstat.sh PROGRAM...
#
# binderlite's classes are those whose key lies in module memory, above
# the kernel image's _end (/proc/lockdep gives each class's key; the debug
# kernel's reference binder is built in, and binderlite is the only module
# loaded), so that binder's classes of the same name ("&proc->inner_lock")
# are left out. Each table line, after "lockstat: ", is: the class, then
# /proc/lock_stat's columns: con-bounces contentions waittime-min
# waittime-max waittime-total waittime-avg acq-bounces acquisitions
# holdtime-min holdtime-max holdtime-total holdtime-avg (times in us).
# Exits non-zero if a program failed or no class of binderlite was found.
set -u

[ -w /proc/lock_stat ] || { echo "lockstat.sh: no /proc/lock_stat: not the debug kernel?"; exit 1; }
[ $# -gt 0 ] || { echo "lockstat.sh: no program to run" >&2; exit 2; }

echo 1 > /proc/sys/kernel/lock_stat
echo 0 > /proc/lock_stat
bad=0
for prog in "$@"; do
	if "$prog" > /tmp/lockstat.log 2>&1; then
		echo "$(basename "$prog"): passed"
	else
		echo "$(basename "$prog"): FAILED:"
		grep -E '^not ok|^# ' /tmp/lockstat.log | tail -n 20
		bad=1
	fi
done
cp /proc/lock_stat /tmp/lock_stat

end=$(awk '$3 == "_end" { print $1 }' /proc/kallsyms)
[ -n "$end" ] || { echo "lockstat.sh: no _end in /proc/kallsyms"; exit 1; }
# The names (as /proc/lockdep and /proc/lock_stat print them, "#2" and
# all) of the classes keyed in module memory.
names=$(awk '/^[0-9a-f]+ / { print $1, $NF }' /proc/lockdep |
	while read -r key name; do
		[ $((0x$key > 0x$end)) = 1 ] && echo "$name"
	done | sort -u | tr '\n' ' ')
[ -n "$names" ] || { echo "lockstat.sh: no lock class of binderlite in /proc/lockdep"; exit 1; }

printf 'lockstat: %-28s %10s %11s %12s %12s %14s %12s %10s %12s %12s %12s %14s %12s\n' \
	class con-bounces contentions waittime-min waittime-max waittime-total \
	waittime-avg acq-bounces acquisitions holdtime-min holdtime-max \
	holdtime-total holdtime-avg
awk -v names=" $names " '
	NF == 13 && $1 ~ /:$/ {
		n = $1
		sub(/:$/, "", n)
		base = n
		sub(/-[RW]$/, "", base)
		if (index(names, " " n " ") || index(names, " " base " "))
			printf "lockstat: %-28s %10s %11s %12s %12s %14s %12s %10s %12s %12s %12s %14s %12s\n",
				n, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
	}' /tmp/lock_stat | sort -k4,4nr -k10,10nr
exit $bad
