#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the binderlite test VM. The console (ttyS0) carries the kernel
# log; everything the host judges goes to a separate channel, ttyS1, as
# one KTAP document (tools/testing/results.py reads it; Documentation/
# testing.rst, "The test pipeline"):
#
#   KTAP version 1
#   # bench: init <release>     /init started (earlier crashes may be retried)
#       # Subtest: <name>       one entry of /bench/plan: its output, four
#       ...                     spaces in (tools/testing/ktap.awk)
#   # bench: time <name> <seconds>
#   ok <n> <name>               or "not ok <n> <name> # exit status <rc>"
#   ...
#   # bench: section kmemleak   kmemleak report after a final scan, and
#   # bench: section dmesg      the whole kernel log, each line after "# "
#   1..<n>
#   # bench: done               /init reached the end
#
# A step's output is TAP when its name starts with "selftests/" (the
# kselftests, the interoperability tests) or is "kunit" (KUnit's KTAP),
# GoogleTest's when it starts with "gtest/", and text otherwise.
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

report "KTAP version 1"
report "# bench: init $(uname -r)"
mode=$(cat /bench/mode)
export BINDERLITE_KO=/lib/modules/binderlite.ko

# Only what happens from here on is ours to answer for.
[ -e $leak ] && echo clear > $leak

# step NAME CMD...: run one step, its output to the results channel as a
# subtest, then its result. The filter ends when every writer has closed
# the FIFO: at once, unless the step left a process behind that holds its
# output, which is cut off after 5 s. Only /init and the filter hold the
# channel (fd 3), so that its last close, before the reboot, waits until
# everything was sent; the watchdog holds nothing.
#
# No open of the FIFO may block: ash opens a command's redirections itself,
# before it forks, and a SIGCHLD arriving meanwhile (a step's leftover
# reparented to /init, a killed watchdog) fails that open with EINTR
# ("can't create /tmp/step.fifo: Interrupted system call", status 1: the
# step "failed" without having run). So /init opens the FIFO for reading
# and writing (fd 4), which never blocks, then for reading (fd 5), which a
# writer lets through at once, and gives fd 5 to the filter: the filter
# reads from the start, and the command's open finds a reader. /init holds
# fd 4 until the command has its end, so that no data is lost in between.
steps=0
step() {
	name=$1
	shift
	case $name in
	selftests/*|kunit) kind=tap ;;
	gtest/*) kind=gtest ;;
	*) kind=plain ;;
	esac
	t0=$(cut -d' ' -f1 /proc/uptime)
	report "    # Subtest: $name"
	rm -f /tmp/step.fifo
	mkfifo /tmp/step.fifo
	exec 4<>/tmp/step.fifo 5</tmp/step.fifo
	awk -v kind=$kind -f /bench/ktap.awk <&5 >&3 4>&- 5<&- &
	filter=$!
	exec 5<&-
	"$@" > /tmp/step.fifo 2>&1 </dev/null 3>&- 4>&-
	rc=$?
	exec 4>&-
	(exec </dev/null >/dev/null 2>&1 3>&-; sleep 5; kill $filter) &
	watchdog=$!
	wait $filter || report "    # bench: a process the step left behind still held its output: cut off"
	kill $watchdog 2>/dev/null
	steps=$((steps + 1))
	report "# bench: time $name $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)"
	if [ $rc = 0 ]; then
		report "ok $steps $name"
	else
		report "not ok $steps $name # exit status $rc"
	fi
	return $rc
}

# The reference binder has the three contexts of an Android system, as
# misc devices: /dev/binder, /dev/hwbinder, /dev/vndbinder.
binder_devices="binder hwbinder vndbinder"
has_binder_devices() {
	found=
	for d in $binder_devices; do
		[ -c "/dev/$d" ] || { echo "/dev/$d is missing"; return 1; }
		found="$found /dev/$d"
	done
	echo "reference binder:$found"
}

# /bench/binder says where the reference binder comes from. "module": the
# stock kernels' binder_linux.ko (it may be xz-compressed, which busybox
# insmod cannot read). "builtin": the debug kernel, whose
# CONFIG_ANDROID_BINDER_DEVICES names the devices. "none": the cloud kernel
# is built without binder, and the tests' binder variants skip.
load_reference_binder() {
	ko=/lib/modules/binder_linux.ko
	[ -e $ko.xz ] && { xz -dc $ko.xz > /tmp/binder_linux.ko || return 1; ko=/tmp/binder_linux.ko; }
	insmod $ko "devices=$(echo $binder_devices | tr ' ' ,)" && has_binder_devices
}
no_binder() {
	if [ -e /dev/binder ] || grep -qw binder /proc/devices /proc/misc; then
		echo "this kernel was to have no binder, but has one"
		return 1
	fi
	echo "no binder on this kernel: /dev/binderlite is the only one"
}

case $(cat /bench/binder) in
module) step load-reference-binder load_reference_binder ;;
builtin) step reference-binder-builtin has_binder_devices ;;
none) step no-reference-binder no_binder ;;
esac
step insmod-binderlite insmod $BINDERLITE_KO

# The LSMs and this task's security context, which binder passes on in
# BR_TRANSACTION_SEC_CTX: the stock kernels run AppArmor (no contexts), the
# debug kernel SELinux without a policy (every task is "kernel").
security_context() {
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	echo "LSMs: $(cat /sys/kernel/security/lsm 2>/dev/null)"
	echo "context: $(tr -d '\000' < /proc/self/attr/current 2>/dev/null)"
}
step security-context security_context

# The debug kernel's checkers and SELinux must really be active: an option
# whose dependency is missing once left the config without a word (KASAN).
debug_checkers() {
	bad=0
	dmesg | grep -q 'KernelAddressSanitizer initialized' || { echo "KASAN is not active"; bad=1; }
	[ -e /proc/lockdep ] || { echo "lockdep is not active: no /proc/lockdep"; bad=1; }
	[ -e $leak ] || { echo "kmemleak is not active: no $leak"; bad=1; }
	grep -qw selinux /sys/kernel/security/lsm || { echo "SELinux is not active"; bad=1; }
	ctx=$(tr -d '\000' < /proc/self/attr/current)
	[ "$ctx" = kernel ] || { echo "the SELinux context is '$ctx', not 'kernel'"; bad=1; }
	[ $bad = 0 ] && echo "KASAN, lockdep, kmemleak and SELinux (context '$ctx') are active"
	return $bad
}
[ "$(cat /bench/kernel)" = debug ] && step debug-checkers debug_checkers

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
	report "# bench: section kmemleak"
	sed 's/^/# /' $leak >&3
fi
report "# bench: section dmesg"
dmesg | sed 's/^/# /' >&3
report "1..$steps"
report "# bench: done"
exec 3>&-
sync
reboot -f
