#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs every Debian package the build, the bench and the tests need.
# Idempotent: apt-get runs only when something is missing, and then
# "apt-get update" runs once. Kernel packages are resolved from apt at run
# time (the newest 6.1 build, and the newest 6.12 build of the generic,
# cloud and rt flavours), never pinned to an ABI number. Only headers are
# installed; the images are unpacked into the cache (lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# libclang-rt-dev: libFuzzer's runtime for tests/fuzz (clang only recommends it).
base=(build-essential linux-libc-dev bc bison flex libelf-dev libssl-dev cpio xz-utils kmod
      rsync dwarves gawk perl python3 sparse qemu-system-x86 busybox-static
      cmake pkg-config g++ clang libclang-rt-dev libgtest-dev libcli11-dev libfmt-dev nlohmann-json3-dev
      gnuplot-nox linux-source-6.12 linux-headers-amd64
      libglib2.0-dev)

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
updated=0

apt_update() {
	[ "$updated" = 1 ] && return 0
	bl_log "apt-get update"
	$sudo apt-get update -q >/dev/null || bl_die "apt-get update failed"
	updated=1
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
	done
}

# Kernel package names need apt's lists; a fresh machine may have none.
apt-cache show linux-source-6.12 >/dev/null 2>&1 || apt_update
# Headers for every stock kernel of the matrix (the debug kernel is built).
stock_headers() {
	local k abi
	for k in $BL_KERNELS_ALL; do
		[ "$k" = debug ] && continue
		abi=$(bl_stock_abi "$k") || exit 1
		echo "linux-headers-$abi"
	done
}
headers=$(stock_headers)
# shellcheck disable=SC2206
want=("${base[@]}" $headers)

todo=$(missing "${want[@]}")
if [ -n "$todo" ]; then
	apt_update
	# The newest kernel builds may have moved with the update.
	headers=$(stock_headers)
	# shellcheck disable=SC2206
	want=("${base[@]}" $headers)
	todo=$(missing "${want[@]}")
	bl_log "installing:" $todo
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $todo >/dev/null ||
		bl_die "apt-get install failed"
fi
bl_log "all packages present"
