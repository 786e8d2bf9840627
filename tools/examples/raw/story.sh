#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# story.sh [DEVICE]: the binderlite-raw example from start to finish on
# DEVICE (default /dev/binderlite). Starts the context manager, then the
# service, runs the client, kills the service while the client waits for
# its death, and checks that each process ended as it should. Prints what
# the three say; exits non-zero if any step went wrong.
#
# Written for busybox sh in the test VM. binderlite-raw is taken from this
# script's directory, else from $PATH.

dev=${1:-/dev/binderlite}
raw=$(dirname "$0")/binderlite-raw
[ -x "$raw" ] || raw=binderlite-raw
pools=/sys/kernel/debug/binderlite/pools
# How long to wait for a process to be ready or to exit, in tenths of a
# second: generous, since the test VM is emulated.
patience=300
manager=
service=
client=

say() { echo "story: $*"; }

# stop NAME PID: kills NAME, if it is still there (the shell says nothing).
stop() {
	[ -n "$2" ] && kill -0 "$2" 2>/dev/null || return 0
	say "kill -KILL the $1 (pid $2)"
	kill -KILL "$2" 2>/dev/null
	wait "$2" 2>/dev/null
}

# finish STATUS: ends the story, stopping what is left of it.
finish() {
	stop client "$client"
	stop service "$service"
	stop manager "$manager"
	rm -rf "$tmp"
	if [ "$1" = 0 ]; then
		echo "== IPC on $dev: the story is complete =="
	else
		echo "== IPC on $dev: FAILED =="
	fi
	exit "$1"
}

fail() {
	say "FAIL: $*"
	finish 1
}

# wait_ready NAME PID: waits until NAME (PID) creates its ready file.
wait_ready() {
	i=0
	while [ ! -e "$tmp/$1.ready" ]; do
		if ! kill -0 "$2" 2>/dev/null; then
			wait "$2"
			fail "the $1 exited with status $? before it was ready"
		fi
		[ $i -lt $patience ] || fail "the $1 was not ready in time"
		i=$((i + 1))
		sleep 0.1
	done
}

# wait_exit NAME PID STATUS: waits until NAME (PID) exits with STATUS.
wait_exit() {
	i=0
	while kill -0 "$2" 2>/dev/null; do
		[ $i -lt $patience ] || fail "the $1 did not exit in time"
		i=$((i + 1))
		sleep 0.1
	done
	wait "$2"
	rc=$?
	[ "$rc" = "$3" ] || fail "the $1 exited with status $rc, not $3"
}

# show_pools WHEN: binderlite's view of every receive pool, if it has one.
show_pools() {
	case ${dev##*/} in binderlite*) ;; *) return ;; esac
	[ -r $pools ] || return
	say "$pools $1:"
	sed 's/^/  /' $pools
}

echo "== IPC on $dev: a context manager, a service and a client =="
[ -c "$dev" ] || fail "$dev is not a character device"
tmp=$(mktemp -d) || fail "mktemp failed"

"$raw" -d "$dev" -r "$tmp/manager.ready" manager &
manager=$!
wait_ready manager $manager

"$raw" -d "$dev" -r "$tmp/service.ready" service &
service=$!
wait_ready service $service
show_pools "before the client (manager $manager, service $service)"

# The client is ready once it waits for the service's death, that is,
# after its calls: the large payload has come and gone.
"$raw" -d "$dev" -r "$tmp/client.ready" client &
client=$!
wait_ready client $client
show_pools "after the large payload (client $client)"

say "kill -KILL the service (pid $service)"
kill -KILL $service
wait_exit service $service 137
service=
# The client reports the death, releases its handle and exits.
wait_exit client $client 0
client=
kill -0 $manager 2>/dev/null || fail "the manager is gone"
say "kill -TERM the manager (pid $manager)"
kill -TERM $manager
wait_exit manager $manager 143
manager=
finish 0
