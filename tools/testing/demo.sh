#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boots the stock Debian 6.12 kernel under QEMU, loads
# binderlite and runs tools/demo (binderlite-demo) inside the VM.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$BL_TOP/tools/testing/deps.sh"
cmake -S "$BL_TOP/tools" -B "$BL_OUT/cmake" >/dev/null
cmake --build "$BL_OUT/cmake" -j"$(nproc)" --target binderlite-demo >/dev/null ||
	bl_die "building tools/demo failed"

plan=$BL_OUT/demo.plan
echo "demo /extra/binderlite-demo" > "$plan"
BL_EXTRA_FILES="$BL_OUT/cmake/demo/binderlite-demo" \
	"$BL_TOP/tools/testing/vm.sh" -k "${KERNEL:-6.12}" -m demo -p "$plan"
