#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# library-story.sh [DEVICE]: what `make demo` shows of user space, told
# with the programs built on libbinderlite, on DEVICE (default
# /dev/binderlite):
#
#   1. blservicemanager, the hello service and the demo service start;
#   2. blctl list: the services the manager knows;
#   3. a round trip: binderlite-hello-client, blctl ping, blctl call;
#   4. a 1 MiB payload to the demo service and its checksum, with
#      binderlite's view of it: the receive pools before and after (pages
#      appear when the payload does) and the byte counters (bytes_sent ==
#      bytes_copied: one copy);
#   5. a file descriptor: the demo service creates a memfd, writes a
#      message into it, seals it and returns its descriptor; the client
#      maps what it got and prints the message;
#   6. blctl stats;
#   7. a death notification: the hello service is killed while
#      binderlite-demo-client watches it through linkToDeath.
#
# Every command is shown as "$ command" before what it printed. Exits
# non-zero, saying why, as soon as a step fails. Part 4's debugfs views and
# part 6 need binderlite: on another device (/dev/binder) they are left
# out. Any context of binderlite will do (devices=, or one made through
# /dev/binderlite-control): its name is in binderlite's debugfs.
#
# Written for busybox sh in the test VM. The programs are taken from this
# script's directory, else from $PATH.

dev=${1:-/dev/binderlite}
PATH=$(cd "$(dirname "$0")" && pwd):$PATH
debugfs=/sys/kernel/debug/binderlite
# How long to wait for a process to be ready or to exit, in tenths of a
# second: generous, since the test VM is emulated.
patience=300
payload=1048576
manager=
hello=
demo=
watcher=
case ${dev##*/} in binderlite*) ours=1 ;; *) ours= ;; esac
# A context of binderlite by another name.
if [ -z "$ours" ] && [ -r $debugfs/contexts ] &&
   awk -v n="${dev##*/}" 'NR > 1 && $1 == n { found = 1 } END { exit !found }' $debugfs/contexts; then
	ours=1
fi

say() { echo "story: $*"; }
section() { echo; echo "-- $*"; }

# stop NAME PID: kills NAME, if it is still there (the shell says nothing).
stop() {
	[ -n "$2" ] && kill -0 "$2" 2>/dev/null || return 0
	kill -KILL "$2" 2>/dev/null
	wait "$2" 2>/dev/null
}

finish() {
	stop watcher "$watcher"
	stop hello "$hello"
	stop demo "$demo"
	stop manager "$manager"
	[ -n "$tmp" ] && rm -rf "$tmp"
	echo
	if [ "$1" = 0 ]; then
		echo "== libbinderlite on $dev: the story is complete =="
	else
		echo "== libbinderlite on $dev: FAILED =="
	fi
	exit "$1"
}

fail() {
	say "FAIL: $*"
	# Whatever the background processes said that was not shown yet.
	for name in manager hello demo watcher; do
		[ -s "$tmp/$name.log" ] || continue
		say "$name's output:"
		sed 's/^/  | /' "$tmp/$name.log"
	done
	finish 1
}

# show CMD...: prints "$ CMD" as one would type it.
show() { echo "\$ $*"; }

# run CMD...: shows CMD, runs it, prints its output indented; fails the
# story unless it exits 0.
run() {
	show "$@"
	"$@" > "$tmp/out" 2>&1
	rc=$?
	sed 's/^/  /' "$tmp/out"
	[ "$rc" = 0 ] || fail "\`$*\` exited with status $rc"
}

# run_beside NAME CMD...: as run, for a client of the background process
# NAME: what NAME said meanwhile comes first, since it answered before the
# client could print.
run_beside() {
	name=$1
	shift
	show "$@"
	"$@" > "$tmp/out" 2>&1
	rc=$?
	log "$name"
	sed 's/^/  /' "$tmp/out"
	[ "$rc" = 0 ] || fail "\`$*\` exited with status $rc"
}

# log NAME: prints what the background process NAME said since last time.
log() {
	shown=$(cat "$tmp/$1.shown" 2>/dev/null || echo 0)
	sed -n "$((shown + 1)),\$p" "$tmp/$1.log" | sed 's/^/  /'
	wc -l < "$tmp/$1.log" > "$tmp/$1.shown"
}

# wait_for WHAT CMD...: waits until CMD succeeds.
wait_for() {
	what=$1
	shift
	i=0
	until "$@"; do
		[ $i -lt $patience ] || fail "$what: not in time"
		i=$((i + 1))
		sleep 0.1
	done
}

# alive PID NAME: succeeds while PID runs; fails the story if it exited.
alive() {
	kill -0 "$1" 2>/dev/null && return 0
	wait "$1"
	fail "$2 (pid $1) exited with status $?"
}

# said PID NAME TEXT: whether NAME (PID), still running, printed TEXT.
said() { alive "$1" "$2" && grep -q "$3" "$tmp/$2.log"; }

# wait_exit NAME PID STATUS: waits until NAME (PID) exits with STATUS.
wait_exit() {
	wait_for "the $1 exiting" eval "! kill -0 $2 2>/dev/null"
	wait "$2"
	rc=$?
	[ "$rc" = "$3" ] || fail "the $1 exited with status $rc, not $3"
}

listed() { blctl -d "$dev" list 2>/dev/null | grep -qx "$1"; }
unlisted() { ! listed "$1"; }

# counter KEY: a counter of binderlite's debugfs stats.
counter() { awk -v k="$1" '$1 == k { print $2 }' $debugfs/stats; }

# pools WHEN: the receive pools of our processes, from debugfs.
pools() {
	say "$debugfs/pools $1:"
	awk -v roles="$manager=blservicemanager $hello=hello-service $demo=demo-service" '
		BEGIN {
			n = split(roles, r, " ")
			for (i = 1; i <= n; i++) {
				split(r[i], kv, "=")
				if (kv[1] != "") role[kv[1]] = kv[2]
			}
			fmt = "  %-16s %5s %8s %8s %8s %14s %14s %10s\n"
			printf fmt, "process", "pid", "size", "used", "buffers",
				"high_watermark", "pages_resident", "pages_high"
		}
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		!($col["pid"] in role) { next }
		{
			printf fmt, role[$col["pid"]], $col["pid"], $col["size"],
				$col["used"], $col["buffers"], $col["high_watermark"],
				$col["pages_resident"], $col["pages_high"]
		}' $debugfs/pools
}

# pool_field PID COLUMN: one value of a process's line in pools.
pool_field() {
	awk -v pid="$1" -v name="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["pid"] == pid { print $col[name]; exit }' $debugfs/pools
}

echo "== libbinderlite on $dev: a service manager, two services and their clients =="
[ -c "$dev" ] || fail "$dev is not a character device"
tmp=$(mktemp -d) || fail "mktemp failed"

section "1. the service manager and two services"
show blservicemanager -d "$dev" "&"
blservicemanager -d "$dev" -r "$tmp/manager.ready" > "$tmp/manager.log" 2>&1 &
manager=$!
wait_for "the service manager" eval 'alive $manager manager && [ -e "$tmp/manager.ready" ]'
say "blservicemanager (pid $manager) is the context manager: handle 0 of every process"
run blctl -d "$dev" ping
show binderlite-hello-service "$dev" "&"
binderlite-hello-service "$dev" > "$tmp/hello.log" 2>&1 &
hello=$!
wait_for "the hello service" said $hello hello registered
log hello
show binderlite-demo-service -d "$dev" "&"
binderlite-demo-service -d "$dev" > "$tmp/demo.log" 2>&1 &
demo=$!
wait_for "the demo service" said $demo demo registered
log demo

section "2. the services the manager knows"
run blctl -d "$dev" list
for name in demo hello; do
	grep -qx $name "$tmp/out" || fail "blctl list does not show $name"
done

section "3. a round trip"
run binderlite-hello-client newcomer "$dev"
grep -qx "hello, newcomer" "$tmp/out" || fail "the hello client did not hear \"hello, newcomer\""
run blctl -d "$dev" ping hello
run blctl -d "$dev" ping demo
run blctl -d "$dev" call hello 1 str:blctl --reply str
grep -qx "str:hello, blctl" "$tmp/out" || fail "blctl call did not print the reply"

section "4. 1 MiB in one copy"
if [ -n "$ours" ]; then
	pools "before the payload"
	sent=$(counter bytes_sent)
	copied=$(counter bytes_copied)
fi
run_beside demo binderlite-demo-client -d "$dev" checksum $payload
if [ -n "$ours" ]; then
	pools "after the payload (its buffer is freed; its pages stay until reclaimed)"
	sent=$(($(counter bytes_sent) - sent))
	copied=$(($(counter bytes_copied) - copied))
	say "$debugfs/stats: bytes_sent +$sent, bytes_copied +$copied (the lookup, the payload and the replies)"
	[ "$sent" -ge $payload ] || fail "bytes_sent grew by $sent, less than the payload"
	[ "$sent" = "$copied" ] || fail "bytes_sent and bytes_copied differ"
	say "one copy: each byte went from the client's memory straight into the service's pool"
	high=$(pool_field $demo pages_high)
	[ "${high:-0}" -ge $((payload / 4096)) ] ||
		fail "the demo service's pool never held the payload's pages (pages_high $high)"
	say "the pool's pages appeared as the payload arrived: pages_high $high, for $((payload / 1024)) KiB"
else
	say "(binderlite's view of the payload, from its debugfs, has no equivalent on $dev)"
fi

section "5. a file descriptor: the demo service hands the client a memfd"
run_beside demo binderlite-demo-client -d "$dev" memfd
grep -q "sealed against writes; mapped, it says:" "$tmp/out" ||
	fail "the client did not read the service's memfd"
grep -q "hello demo-client, from the demo service" "$tmp/out" ||
	fail "the memfd did not hold the service's message"
say "only a descriptor crossed $dev: the client mapped the very pages the service wrote"

if [ -n "$ours" ]; then
	section "6. blctl stats"
	run blctl stats
else
	section "6. blctl stats"
	say "(binderlite's debugfs only: left out on $dev)"
fi

section "7. a death notification"
show binderlite-demo-client -d "$dev" watch hello "&"
binderlite-demo-client -d "$dev" -r "$tmp/watcher.ready" watch hello > "$tmp/watcher.log" 2>&1 &
watcher=$!
wait_for "the watching client" eval 'alive $watcher watcher && [ -e "$tmp/watcher.ready" ]'
log watcher
show kill -KILL "$hello" "   # the hello service"
kill -KILL "$hello"
wait_exit "hello service" "$hello" 137
hello=
wait_exit "watching client" "$watcher" 0
watcher=
log watcher
# The manager hears of the death too, and drops the name.
wait_for "the manager dropping \"hello\"" unlisted hello
run blctl -d "$dev" list
listed demo || fail "the demo service is no longer listed"

section "8. the end"
show kill "$demo" "   # the demo service"
kill "$demo"
wait_exit "demo service" "$demo" 143
demo=
show kill "$manager" "   # the service manager"
kill "$manager"
wait_exit "service manager" "$manager" 143
manager=
finish 0
