#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the binderlite test VM. The console (ttyS0) carries the kernel
# log; everything the host judges goes to a separate channel, ttyS1:
#
#   @@INIT                      /init started (earlier crashes may be retried)
#   @@BEGIN <name> / @@END <name> <rc>
#                               one entry of /bench/plan and its output
#   @@KMEMLEAK ... @@/KMEMLEAK  kmemleak report after a final scan
#   @@DMESG ... @@/DMESG        the whole kernel log
#   @@DONE                      /init reached the end
#
# /bench/mode is "test" (run the plan), "shell" (interactive shell on the
# console) or "fault" (load the deliberately faulty module, then test).

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1

report() { echo "$*" >&3; }
leak=/sys/kernel/debug/kmemleak

report "@@INIT $(uname -r)"
mode=$(cat /bench/mode)
export BINDERLITE_KO=/lib/modules/binderlite.ko

# Only what happens from here on is ours to answer for.
[ -e $leak ] && echo clear > $leak

# step NAME CMD...: run one step, its output to the results channel.
step() {
	name=$1
	shift
	report "@@BEGIN $name"
	"$@" >&3 2>&1 </dev/null
	rc=$?
	report "@@END $name $rc"
	return $rc
}

# The reference binder: built in (debug kernel) or a module (stock kernels,
# whose modules may be xz-compressed, which busybox insmod cannot read).
load_reference_binder() {
	ko=/lib/modules/binder_linux.ko
	[ -e $ko.xz ] && { xz -dc $ko.xz > /tmp/binder_linux.ko || return 1; ko=/tmp/binder_linux.ko; }
	insmod $ko devices=binder && [ -c /dev/binder ]
}

[ -e /dev/binder ] || step load-reference-binder load_reference_binder
step insmod-binderlite insmod $BINDERLITE_KO

case $mode in
shell)
	echo
	echo "binderlite VM shell on $(uname -r). /dev/binderlite is loaded; exit to power off."
	setsid cttyhack sh -l
	;;
fault)
	step insmod-fault insmod /lib/modules/binderlite_fault.ko
	;;
esac

if [ -f /bench/plan ]; then
	while read -r name cmd; do
		case $name in ''|'#'*) continue ;; esac
		step "$name" sh -c "$cmd"
	done < /bench/plan
fi

step rmmod-binderlite rmmod binderlite

if [ -e $leak ]; then
	# kmemleak ignores objects younger than 5 s.
	sleep 6
	echo scan > $leak
	echo scan > $leak
	report "@@KMEMLEAK"
	cat $leak >&3
	report "@@/KMEMLEAK"
fi
report "@@DMESG"
dmesg >&3
report "@@/DMESG"
report "@@DONE"
exec 3>&-
sync
reboot -f
