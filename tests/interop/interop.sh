#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# interop.sh [DEVICE...]: binderlite's user space against libgbinder's, in
# the test VM (busybox sh), on /dev/binderlite and /dev/binder by default,
# with blservicemanager as the context manager. One TAP line per case;
# vm.sh counts them (the plan's step is selftests/binderlite-interop).
# Documentation/testing.rst, "Interoperability with libgbinder", lists the
# cases.
#
# The programs come in /extra: libgbinder's tools (binder-list,
# binder-ping, binder-call, binder-service, binder-client, binder-dump),
# our glue on both sides (gbinder-interop: libgbinder; binderlite-interop:
# libbinderlite), blservicemanager, blctl and the hello example. libgbinder
# reads /etc/gbinder.conf, which this script writes for each dialect it
# tests. INTEROP_VERBOSE=1 quotes every case's log, not only a failed
# one's; INTEROP_DIALECTS picks the dialects (below). When the third-party
# sources were absent at build time,
# /extra/interop-skip says so and every case is skipped with that reason.
#
# Each case is a function, run in this shell (the processes it starts in
# the background are the next cases' partners) with its output in a log,
# quoted as TAP comments when it fails; each step of it ends it with
# "|| fail WHY || return" on failure. Every wait is bounded (20 s). The processes a
# case starts in the background outlive it (the next cases use them) and
# are killed when the device's turn ends.

# The bench's list of what debugfs shows when nothing is left (vm.sh).
. /bench/debugfs-clean.sh

X=${INTEROP_BIN:-/extra}
T=${INTEROP_TMP:-/tmp/interop}
W=20				# seconds any wait may take
ECHO=binderlite.interop.IEcho
# ASCII, and then text that needs UTF-16 surrogates (U+1F600) and
# two-byte and three-byte UTF-8.
TEXT="hello from the other library"
UTEXT="grüße, 世界 😀"
rm -rf "$T"
mkdir -p "$T"
n=0
failed=0
pids=

tap() { n=$((n + 1)); echo "$1 $n $2"; }
quote() { sed 's/^/#   /' "$1"; }

# tcase NAME FUNCTION [ARGS...]: one case, passed when FUNCTION returns 0.
tcase() {
	name=$1
	shift
	log=$T/case-$((n + 1)).log
	if [ -n "$skip_all" ]; then
		tap ok "$name # SKIP $skip_all"
		return 0
	fi
	if [ -n "$skip_device" ]; then
		tap ok "$name # SKIP $skip_device"
		return 0
	fi
	"$@" > "$log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		tap ok "$name"
		[ -z "${INTEROP_VERBOSE:-}" ] || quote "$log"
	else
		tap "not ok" "$name"
		quote "$log"
		failed=$((failed + 1))
	fi
	return $rc
}

say() { echo "$*"; }
fail() { echo "FAILED: $*"; return 1; }

# start NAME CMD...: a background process, its output in $T/NAME.log.
start() {
	sname=$1
	shift
	"$@" > "$T/$sname.log" 2>&1 < /dev/null &
	eval "pid_$sname=$!"
	pids="$pids $!"
	say "started $sname (pid $!): $*"
}
pid_of() { eval "echo \${pid_$1:-}"; }

# stop_all: kills every background process and reaps it.
stop_all() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	pids=
}

# wait_for WHAT COMMAND...: until COMMAND succeeds, W seconds at most.
wait_for() {
	what=$1
	shift
	i=0
	while ! "$@" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le $((W * 10)) ] || { echo "FAILED: waited ${W} s for $what"; return 1; }
		sleep 0.1
	done
}
# wait_exit PID: until PID has exited; its status is in $status.
wait_exit() {
	wait_for "pid $1 to exit" sh -c "! kill -0 $1" || return 1
	wait "$1"
	status=$?
}
alive() { kill -0 "$1" 2>/dev/null; }
has_line() { grep -qxF -- "$2" "$1"; }
has_text() { grep -qF -- "$2" "$1"; }

# run LOG CMD...: CMD in the foreground, W seconds at most, its output in
# LOG and on ours.
run() {
	rlog=$1
	shift
	say "\$ $*"
	timeout $W "$@" > "$rlog" 2>&1 < /dev/null
	rrc=$?
	cat "$rlog"
	return $rrc
}

# The bytes libbinder's Parcel writes, in hex, to compare with what each
# side sent and received. le32 N: an int32; str16 TEXT: a String16 (the
# length in UTF-16 units, the UTF-16 data, a NUL, zeros to 4 bytes),
# computed here from TEXT's UTF-8 (od), independently of both libraries.
le32() {
	printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}
utf16le() {
	echo -n "$1" | od -An -v -tu1 | awk '
		function unit(u) { printf "%02x%02x", u % 256, int(u / 256); units++ }
		{ for (i = 1; i <= NF; i++) b[nb++] = $i }
		END {
			for (i = 0; i < nb; ) {
				c = b[i]
				if (c < 128) { cp = c; i += 1 }
				else if (c < 224) { cp = (c - 192) * 64 + (b[i + 1] - 128); i += 2 }
				else if (c < 240) { cp = ((c - 224) * 64 + (b[i + 1] - 128)) * 64 + (b[i + 2] - 128); i += 3 }
				else { cp = (((c - 240) * 64 + (b[i + 1] - 128)) * 64 + (b[i + 2] - 128)) * 64 + (b[i + 3] - 128); i += 4 }
				if (cp >= 65536) {
					cp -= 65536
					unit(55296 + int(cp / 1024)); unit(56320 + cp % 1024)
				} else
					unit(cp)
			}
			printf " %d\n", units
		}'
}
str16() {
	set -- $(utf16le "$1")
	hex=$1
	units=${2:-0}
	[ -n "${2:-}" ] || { units=$1; hex=; }
	pad=
	[ $(((units + 1) % 2)) = 0 ] || pad=0000
	echo "$(le32 "$units")${hex}0000$pad"
}
# The interface token's header before the descriptor, as each library
# writes it. gb_header PROTOCOL: libgbinder's, for its RPC protocol
# (gbinder.conf's [Protocol]): the strict-mode policy (always
# STRICT_MODE_PENALTY_GATHER as Android 9 and before define it, 0x40 << 16),
# the work source (-1: unset; aidl2 and later) and the 'SYST' header (aidl3
# and aidl4). bl_header DIALECT: libbinder's, which libbinderlite writes:
# the policy 0x40 << 16 up to Android 9 and 1 << 31 from Android 10 on
# (Parcel.cpp's STRICT_MODE_PENALTY_GATHER), then the same fields.
gb_header() {
	case $1 in
	aidl) le32 $((0x400000)) ;;
	aidl2) echo "$(le32 $((0x400000)))ffffffff" ;;
	aidl3|aidl4) echo "$(le32 $((0x400000)))ffffffff$(le32 $((0x53595354)))" ;;
	esac
}
bl_header() {
	case $1 in
	android8|android9) le32 $((0x400000)) ;;
	android10) echo "00000080ffffffff" ;;
	*) echo "00000080ffffffff$(le32 $((0x53595354)))" ;;
	esac
}
# The dialects: libbinderlite's name, libgbinder's [Protocol] and
# [ServiceManager] variants for the same Android release (the pairs of
# libgbinder's ApiLevel presets; Documentation/userspace.rst, "Talking to
# libgbinder and Android services").
DIALECTS="android8:aidl:aidl android9:aidl:aidl2 android10:aidl2:aidl2
	android11:aidl3:aidl3 android12:aidl4:aidl3 android13:aidl3:aidl3
	android15:aidl3:aidl5 android16:aidl3:aidl6"
# libbinderlite's default, the newest: every case runs in it; the others
# run the cases that depend on the dialect.
DEFAULT_DIALECT=android16
# The hex of "request" or "reply" lines of a glue program's log.
logged_hex() { sed -n "s/^.*: $2 \([0-9a-f]*\) ([0-9]* bytes)\$/\1/p" "$1" | tail -n 1; }
same_hex() {
	if [ "$1" = "$2" ]; then
		say "bytes as expected: $1"
	else
		say "expected: $2"
		say "got:      $1"
		fail "$3"
	fi
}

# gbinder_conf PROTOCOL MANAGER: /etc/gbinder.conf for every device.
gbinder_conf() {
	mkdir -p /etc
	{
		echo "[Protocol]"
		for d in $devices; do echo "$d = $1"; done
		echo "[ServiceManager]"
		for d in $devices; do echo "$d = $2"; done
	} > /etc/gbinder.conf
}

# --- the cases -------------------------------------------------------

# Binder releases a dead context manager from a workqueue: a manager
# started right after the last one died may find the place taken (EBUSY)
# and exit; it is started again.
c_manager() {
	i=0
	while :; do
		rm -f "$T/sm.ready"
		start sm "$X/blservicemanager" -d "$dev" -r "$T/sm.ready"
		wait_for "blservicemanager to serve or exit" sh -c \
			"test -e '$T/sm.ready' || ! kill -0 $(pid_of sm)" || return
		[ -e "$T/sm.ready" ] && break
		cat "$T/sm.log"
		i=$((i + 1))
		[ $i -lt 50 ] || fail "blservicemanager did not start" || return
		sleep 0.2
	done
	start hello "$X/binderlite-hello-service" "$dev"
	wait_for "hello to register" sh -c "'$X/blctl' -d '$dev' list | grep -qx hello" || return
	say "blservicemanager (pid $(pid_of sm)) and the hello service (pid $(pid_of hello)) are up"
}

c_list() {
	run "$T/list.out" "$X/binder-list" -d "$dev" || fail "binder-list exited with $rrc" || return
	has_line "$T/list.out" hello || fail "binder-list does not list hello" || return
}

c_check() {
	run "$T/check.out" "$X/binder-list" -d "$dev" hello || fail "binder-list hello exited with $rrc" || return
	has_line "$T/check.out" hello || fail "binder-list hello did not find it" || return
}

# binder-ping sends AIDL's PING ('_PNG') only on the device named
# /dev/binder, HIDL's (0x0f504e47) on any other. On binderlite it runs in
# a chroot whose /dev/binder is binderlite's device node.
c_ping() {
	if [ "$dev" = /dev/binder ]; then
		run "$T/ping.out" "$X/binder-ping" -d /dev/binder hello || fail "binder-ping exited with $rrc" || return
	else
		r=$T/pingroot
		mm=$(cat /sys/class/misc/binderlite/dev)
		mkdir -p "$r/dev" "$r/etc"
		rm -f "$r/dev/binder"
		mknod "$r/dev/binder" c "${mm%:*}" "${mm#*:}"
		cp "$X/binder-ping" "$r/"
		sed 's|^/dev/binderlite =|/dev/binder =|' /etc/gbinder.conf > "$r/etc/gbinder.conf"
		say "(in a chroot whose /dev/binder is binderlite's node $mm)"
		run "$T/ping.out" chroot "$r" /binder-ping -d /dev/binder hello ||
			fail "binder-ping exited with $rrc" || return
	fi
	has_text "$T/ping.out" OK || fail "binder-ping did not say OK" || return
}

# binder-call asks hello's descriptor (INTERFACE, '_NTF'), then calls SAY
# with a String16 and prints the reply's bytes. Its exit status is always
# 2 (it never sets another): its output is what counts.
c_call() {
	run "$T/call.out" "$X/binder-call" -d "$dev" hello 1 '"world"u' || true
	got=$(sed -n 's/^TRANSACTION BUFFER: 0x//p' "$T/call.out" | tr 'A-F' 'a-f')
	[ -n "$got" ] || fail "binder-call printed no reply" || return
	same_hex "$got" "$(le32 0)$(str16 "hello, world")" \
		"hello's reply is not an AIDL status (0) and the String16 \"hello, world\"" || return
}

c_gbinder_service() {
	rm -f "$T/bs.out"
	start bs "$X/binder-service" -d "$dev" -i "$ECHO" gb-echo
	# (binder-service says "Added" on its standard output, buffered in a
	# file until it exits: the manager's list tells.)
	wait_for "binder-service to register" sh -c "'$X/blctl' -d '$dev' list | grep -qx gb-echo" ||
		return
	rm -f "$T/glue.ready"
	start glue "$X/gbinder-interop" serve "$dev" gb-glue -r "$T/glue.ready"
	wait_for "gbinder-interop to register" test -e "$T/glue.ready" || return
	run "$T/blctl.out" "$X/blctl" -d "$dev" list || fail "blctl list exited with $rrc" || return
	has_line "$T/blctl.out" gb-echo || fail "blctl does not list binder-service's gb-echo" || return
	has_line "$T/blctl.out" gb-glue || fail "blctl does not list gbinder-interop's gb-glue" || return
}

# libbinderlite calls libgbinder: the reply must be TEXT's String16 alone;
# gbinder-interop's service logs the request, token included.
c_bl_calls_gb() {
	run "$T/blcall.out" "$X/binderlite-interop" call "$dev" gb-echo "$TEXT" ||
		fail "binderlite-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/blcall.out" reply)" "$(str16 "$TEXT")" \
		"binder-service's reply, as libbinderlite received it" || return
}

c_bl_request_bytes() {
	run "$T/blcall2.out" "$X/binderlite-interop" call "$dev" gb-glue "$TEXT" ||
		fail "binderlite-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/glue.log" request)" \
		"$(bl_header "$dialect")$(str16 "$ECHO")$(str16 "$TEXT")" \
		"libbinderlite's request, as libgbinder received it" || return
}

c_bl_service() {
	rm -f "$T/bl.ready"
	start bl "$X/binderlite-interop" serve "$dev" bl-echo -r "$T/bl.ready"
	wait_for "binderlite-interop to register" test -e "$T/bl.ready" || return
	run "$T/bllist.out" "$X/binder-list" -d "$dev" || fail "binder-list exited with $rrc" || return
	has_line "$T/bllist.out" bl-echo || fail "binder-list does not list bl-echo" || return
}

# libgbinder's binder-client reads lines and calls ECHO with each; it
# prints the reply with -v and runs until killed or the service dies.
c_binder_client() {
	echo "$TEXT" > "$T/client.in"
	"$X/binder-client" -v -d "$dev" -i "$ECHO" -n bl-echo < "$T/client.in" > "$T/client.log" 2>&1 &
	cpid=$!
	pids="$pids $cpid"
	wait_for "binder-client's reply" has_text "$T/client.log" "Reply: \"$TEXT\"" || return
	cat "$T/client.log"
	same_hex "$(logged_hex "$T/bl.log" request)" \
		"$(gb_header "$proto")$(str16 "$ECHO")$(str16 "$TEXT")" \
		"binder-client's request, as libbinderlite received it" || return
}

c_gb_calls_bl() {
	run "$T/gbcall.out" "$X/gbinder-interop" call "$dev" bl-echo "$TEXT" ||
		fail "gbinder-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/gbcall.out" reply)" "$(str16 "$TEXT")" \
		"libbinderlite's reply, as libgbinder received it" || return
	same_hex "$(logged_hex "$T/bl.log" request)" \
		"$(gb_header "$proto")$(str16 "$ECHO")$(str16 "$TEXT")" \
		"libgbinder's request, as libbinderlite received it" || return
}

# libgbinder writes an empty String16 with 0xffff as its padding unit,
# libbinder with zeros; neither reader checks padding.
c_empty() {
	run "$T/e1.out" "$X/gbinder-interop" call "$dev" bl-echo "" ||
		fail "gbinder-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/e1.out" reply)" "$(str16 "")" "libbinderlite's reply" || return
	same_hex "$(logged_hex "$T/bl.log" request)" "$(gb_header "$proto")$(str16 "$ECHO")000000000000ffff" \
		"libgbinder's request (its empty String16 padded with 0xffff)" || return
	run "$T/e2.out" "$X/binderlite-interop" call "$dev" gb-glue "" ||
		fail "binderlite-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/glue.log" request)" "$(bl_header "$dialect")$(str16 "$ECHO")$(str16 "")" \
		"libbinderlite's request" || return
	say "libgbinder's reply: $(logged_hex "$T/e2.out" reply)"
}

# libbinderlite's PING and INTERFACE to libgbinder's objects: libgbinder
# answers PING with an int32 0, libbinder with an empty reply.
c_bl_standard() {
	run "$T/std.out" "$X/binderlite-interop" standard "$dev" gb-echo ||
		fail "binderlite-interop standard exited with $rrc" || return
	run "$T/std2.out" "$X/blctl" -d "$dev" ping gb-echo || fail "blctl ping exited with $rrc" || return
}

c_unicode() {
	want=$(str16 "$UTEXT")
	run "$T/u1.out" "$X/gbinder-interop" call "$dev" bl-echo "$UTEXT" ||
		fail "gbinder-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/u1.out" reply)" "$want" "libbinderlite's reply" || return
	run "$T/u2.out" "$X/binderlite-interop" call "$dev" gb-glue "$UTEXT" ||
		fail "binderlite-interop call exited with $rrc" || return
	same_hex "$(logged_hex "$T/u2.out" reply)" "$want" "libgbinder's reply" || return
	same_hex "$(logged_hex "$T/glue.log" request)" \
		"$(bl_header "$dialect")$(str16 "$ECHO")$want" "libbinderlite's request" || return
}

# The stability field after a flattened binder, in hex, as each library
# writes it for its own objects (system stability, 0x0c): none before
# Android 11, an int32 level in Android 11 and from 13 on, Android 12's
# Stability::Category {version 1, 0, 0, level}.
gb_stability() {
	case $1 in
	aidl3) le32 $((0x0c)) ;;
	aidl4) echo 0100000c ;;
	esac
}
bl_stability() {
	case $1 in
	android8|android9|android10) ;;
	android12) echo 0100000c ;;
	*) le32 $((0x0c)) ;;
	esac
}
# CALL_BACK's request as its receiver logged it: the token, the object as
# the driver translated it (a HANDLE: type 0x73682a85, then flags, handle
# and cookie, which vary), the stability field, the text.
callback_request() {
	echo "^$1$(str16 "$ECHO")852a6873[0-9a-f]{40}$2$(str16 "$TEXT")\$"
}
same_re() {
	if echo "$1" | grep -qE -- "$2"; then
		say "bytes as expected: $1"
	else
		say "expected: $2"
		say "got:      $1"
		fail "$3"
	fi
}

c_gb_object() {
	run "$T/gbobj.out" "$X/gbinder-interop" callback "$dev" bl-echo "$TEXT" ||
		fail "gbinder-interop callback exited with $rrc" || return
	same_re "$(logged_hex "$T/bl.log" request)" \
		"$(callback_request "$(gb_header "$proto")" "$(gb_stability "$proto")")" \
		"libgbinder's object and its stability, as libbinderlite received them" || return
}

c_bl_object() {
	run "$T/blobj.out" "$X/binderlite-interop" callback "$dev" gb-glue "$TEXT" ||
		fail "binderlite-interop callback exited with $rrc" || return
	same_re "$(logged_hex "$T/glue.log" request)" \
		"$(callback_request "$(bl_header "$dialect")" "$(bl_stability "$dialect")")" \
		"libbinderlite's object and its stability, as libgbinder received them" || return
}

# A descriptor from libbinderlite to binder-service's DUMP ('_DMP'), which
# writes into it.
c_bl_fd() {
	run "$T/blfd.out" "$X/binderlite-interop" dump "$dev" gb-echo ||
		fail "binderlite-interop dump exited with $rrc" || return
	has_text "$T/blfd.out" "Sorry, I've got nothing to dump..." ||
		fail "binder-service's text did not come through the descriptor" || return
}

# binder-dump sends its standard output to the service's DUMP.
c_gb_fd() {
	run "$T/gbfd.out" "$X/binder-dump" -d "$dev" bl-echo || fail "binder-dump exited with $rrc" || return
	has_text "$T/gbfd.out" "binderlite-interop: nothing to dump" ||
		fail "binderlite-interop's text did not come through binder-dump's descriptor" || return
}

c_bl_sees_gb_die() {
	rm -f "$T/watch.ready"
	"$X/binderlite-interop" watch "$dev" gb-echo -r "$T/watch.ready" > "$T/watch.log" 2>&1 &
	wpid=$!
	pids="$pids $wpid"
	wait_for "the watcher" test -e "$T/watch.ready" || return
	say "killing binder-service (pid $(pid_of bs))"
	kill -KILL "$(pid_of bs)"
	wait_exit "$wpid" || return
	cat "$T/watch.log"
	[ "$status" = 0 ] || fail "binderlite-interop watch exited with $status" || return
}

c_manager_drops() {
	wait_for "blservicemanager to drop gb-echo" sh -c \
		"'$X/binder-list' -d '$dev' > '$T/drop.out' 2>&1 && ! grep -qxF gb-echo '$T/drop.out'" ||
		{ cat "$T/drop.out"; return 1; }
	cat "$T/drop.out"
}

c_gb_sees_bl_die() {
	"$X/binder-client" -v -d "$dev" -i "$ECHO" -n bl-echo < /dev/null > "$T/client2.log" 2>&1 &
	cpid=$!
	pids="$pids $cpid"
	wait_for "binder-client to connect" has_text "$T/client2.log" "Connected to" || return
	say "killing binderlite-interop serve (pid $(pid_of bl))"
	kill -KILL "$(pid_of bl)"
	wait_exit "$cpid" || return
	cat "$T/client2.log"
	has_text "$T/client2.log" "Remote has died" || fail "binder-client did not notice" || return
}

c_clean() {
	stop_all
	wait_for "binderlite's debugfs stats to show nothing left" bl_stats_clean ||
		{ bl_stats_clean; cat "$BL_STATS"; return 1; }
}

# --- the devices and dialects ----------------------------------------

# run_dialect DIALECT PROTOCOL MANAGER: the cases of one dialect on $dev:
# every case in the default dialect, those that depend on the dialect
# (the service manager's protocol, interface tokens, binder objects) in
# the others.
run_dialect() {
	dialect=$1
	proto=$2
	full=
	[ "$dialect" = "$DEFAULT_DIALECT" ] && full=1
	if [ -z "$skip_device$skip_all" ]; then
		gbinder_conf "$2" "$3"
		export BINDERLITE_DIALECT=$dialect
	fi
	p="$dn/$dialect:"
	tcase "$p blservicemanager is the context manager, hello registers" c_manager
	tcase "$p binder-list lists blservicemanager's services" c_list
	tcase "$p binder-list finds hello (checkService)" c_check
	[ -z "$full" ] || tcase "$p binder-ping pings hello (PING)" c_ping
	tcase "$p binder-call calls hello: reply byte for byte" c_call
	tcase "$p binder-service and gbinder-interop register; blctl lists them" c_gbinder_service
	[ -z "$full" ] || tcase "$p libbinderlite calls binder-service: reply byte for byte" c_bl_calls_gb
	tcase "$p libgbinder receives libbinderlite's request byte for byte" c_bl_request_bytes
	tcase "$p a libbinderlite service registers; binder-list lists it" c_bl_service
	[ -z "$full" ] || tcase "$p binder-client calls libbinderlite: request byte for byte" c_binder_client
	tcase "$p libgbinder calls libbinderlite: both ways byte for byte" c_gb_calls_bl
	[ -z "$full" ] || tcase "$p non-ASCII String16 both ways (UTF-16 surrogates)" c_unicode
	[ -z "$full" ] || tcase "$p empty String16 both ways" c_empty
	[ -z "$full" ] || tcase "$p libbinderlite's PING and INTERFACE to libgbinder" c_bl_standard
	tcase "$p libgbinder's object called back by libbinderlite" c_gb_object
	tcase "$p libbinderlite's object called back by libgbinder" c_bl_object
	if [ -n "$full" ]; then
		tcase "$p fd from libbinderlite to binder-service's DUMP" c_bl_fd
		tcase "$p fd from binder-dump to libbinderlite's DUMP" c_gb_fd
		tcase "$p libbinderlite notices binder-service's death" c_bl_sees_gb_die
		tcase "$p blservicemanager drops the dead libgbinder service" c_manager_drops
		tcase "$p binder-client notices libbinderlite's death" c_gb_sees_bl_die
	fi
	stop_all
}

run_device() {
	dev=$1
	dn=$(basename "$dev")
	skip_device=
	[ -c "$dev" ] || skip_device="$dev is not present"
	for d in $DIALECTS; do
		name=${d%%:*}
		case " $dialects " in *" $name "*) ;; *) continue ;; esac
		rest=${d#*:}
		run_dialect "$name" "${rest%%:*}" "${rest#*:}"
	done
	if [ "$dev" = /dev/binderlite ]; then
		tcase "$dn: debugfs shows nothing left" c_clean
	fi
}

# Which dialects: $INTEROP_DIALECTS ("all", or names), else every one on
# the stock 6.12 kernel and the default elsewhere (the dialect is user
# space's: one kernel covers it; every kernel runs the default's cases).
dialects=${INTEROP_DIALECTS:-}
if [ -z "$dialects" ]; then
	dialects=$DEFAULT_DIALECT
	[ "$(cat /bench/kernel 2>/dev/null)" = 6.12 ] && dialects=all
fi
[ "$dialects" = all ] && dialects=$(for d in $DIALECTS; do printf "%s " "${d%%:*}"; done)
devices=${*:-/dev/binderlite /dev/binder}
echo "TAP version 13"
skip_all=
if [ -f "$X/interop-skip" ]; then
	skip_all="libgbinder not built: $(cat "$X/interop-skip")"
elif [ -f "$X/interop-versions" ]; then
	echo "# $(cat "$X/interop-versions")"
fi
echo "# dialects: $(echo $dialects)"
for d in $devices; do
	run_device "$d"
done
echo "1..$n"
[ $failed = 0 ]
