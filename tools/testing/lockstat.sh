#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Lock statistics in the debug kernel's VM (busybox sh; soak.sh passes it
# in as /extra/lockstat.sh): resets /proc/lock_stat, runs the PROGRAMs (the
# concurrent tests), and prints the lines of /proc/lock_stat of
# binderlite's lock classes, the contended ones first.
#
#   lockstat.sh PROGRAM...
#
# A PROGRAM is a test program with its arguments in the same word, e.g.
# "/tests/binderlite_stress_test -v binderlite". binderlite's classes are
# picked by name (see below); those without acquisitions are left out.
# Each table line, after "lockstat: ", is: the class, then /proc/lock_stat's
# columns: con-bounces contentions waittime-min
# waittime-max waittime-total waittime-avg acq-bounces acquisitions
# holdtime-min holdtime-max holdtime-total holdtime-avg (times in us).
# Exits non-zero if a program failed or no class of binderlite showed.
set -u

[ -w /proc/lock_stat ] || { echo "lockstat.sh: no /proc/lock_stat: not the debug kernel?"; exit 1; }
[ $# -gt 0 ] || { echo "lockstat.sh: no program to run" >&2; exit 2; }

echo 1 > /proc/sys/kernel/lock_stat
echo 0 > /proc/lock_stat
bad=0
for prog in "$@"; do
	# shellcheck disable=SC2086
	if $prog > /tmp/lockstat.log 2>&1; then
		echo "$prog: passed"
	else
		echo "$prog: FAILED:"
		grep -E '^not ok|^# ' /tmp/lockstat.log | tail -n 20
		bad=1
	fi
done
cp /proc/lock_stat /tmp/lock_stat

# binderlite's lock classes, by the names lockdep gives them (the lock
# table in driver/binderlite.h): a static lock by its variable, one made
# by an init call by the expression it was given. Another class may carry
# the same name (the reference binder's "&proc->inner_lock"): run the
# programs with "-v binderlite" on a fresh boot, and binder's classes see
# no acquisitions. lockdep numbers a second class of the same name ("#2").
names="blite_procs_lock blite_graph_lock &proc->inner_lock &alloc->lock &pool->mutex
&thread->wait &proc->freeze_wait"

printf 'lockstat: %-28s %10s %11s %12s %12s %14s %12s %10s %12s %12s %12s %14s %12s\n' \
	class con-bounces contentions waittime-min waittime-max waittime-total \
	waittime-avg acq-bounces acquisitions holdtime-min holdtime-max \
	holdtime-total holdtime-avg
awk -v names=" $(echo $names) " '
	NF == 13 && $1 ~ /:$/ {
		n = $1
		sub(/:$/, "", n)
		base = n
		sub(/-[RW]$/, "", base)
		sub(/#[0-9]+$/, "", base)
		if (index(names, " " base " ") && $9 != 0)
			printf "lockstat: %-28s %10s %11s %12s %12s %14s %12s %10s %12s %12s %12s %14s %12s\n",
				n, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
	}' /tmp/lock_stat | sort -k4,4nr -k10,10nr > /tmp/lockstat.table
cat /tmp/lockstat.table
[ -s /tmp/lockstat.table ] || { echo "lockstat.sh: no class of binderlite in /proc/lock_stat"; bad=1; }
exit $bad
