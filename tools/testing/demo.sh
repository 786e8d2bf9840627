#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boots the stock Debian 6.12 kernel under QEMU, loads
# binderlite next to the reference binder, and runs inside the VM:
#
#   1. binderlite-demo (tools/demo): the version handshake and the pool;
#   2. the library story (tools/demo/library-story.sh) on /dev/binderlite:
#      blservicemanager and two services, blctl list, a round trip with the
#      hello example, a 1 MiB payload with the receive pools and the byte
#      counters around it, blctl stats, and a death notification;
#   3. the same over the raw UAPI in C (tools/examples/raw/story.sh) on
#      each device of DEMO_DEVICES: a context manager, a service and a
#      client, a round trip, a large payload and a death notification.
#
# DEMO_DEVICES (default "/dev/binderlite /dev/binder") picks the devices of
# the raw story:
#   DEMO_DEVICES=/dev/binderlite make demo
# The demo fails (exit status non-zero) if any step does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

devices=${DEMO_DEVICES:-/dev/binderlite /dev/binder}

"$BL_TOP/tools/testing/deps.sh"
extra=$(bl_build_userspace)

plan=$BL_OUT/demo.plan
{
	echo "demo /extra/binderlite-demo"
	echo "library sh /extra/library-story.sh /dev/binderlite"
	echo "raw echo; echo '== the same over the raw UAPI in C (tools/examples/raw), no library =='"
	for dev in $devices; do
		echo "ipc-${dev##*/} sh /extra/story.sh $dev"
	done
} > "$plan"
BL_EXTRA_FILES="$extra" \
	"$BL_TOP/tools/testing/vm.sh" -k "${KERNEL:-6.12}" -m demo -p "$plan"
