#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the binderlite debug kernel from Debian's linux-source-6.12:
# tinyconfig + kvm_guest.config + tools/testing/debug.config. The result is
# cached in $BL_CACHE/debug/<source version>-<config hash>/ and reused until
# the source package or the recipe changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(bl_linux_source)
dest=$(bl_debug_dir)
if [ -f "$dest/.complete" ]; then
	bl_log "debug kernel is cached: $dest"
	exit 0
fi

build=$dest/build
log=$dest/build.log
rm -rf "$dest"
mkdir -p "$build"
bl_log "building the debug kernel in $build (cold: ~15 min on 2 cores; log: $log)"
start=$(date +%s)
{
	make -C "$src" O="$build" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
		"$src/kernel/configs/kvm_guest.config" \
		"$BL_TOP/tools/testing/debug.config"
	make -C "$src" O="$build" olddefconfig
} >"$log" 2>&1 || bl_die "configuring the debug kernel failed; see $log"

# A checker that silently fell out of the config (a missing dependency) is
# worse than a failed build: verify that every request survived.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) sym=${line%%=*}
		if grep -q "^$sym=" "$build/.config"; then
			bl_log "config: $sym should be off"; missing=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qxF "$line" "$build/.config"; then
			bl_log "config: '$line' did not survive olddefconfig"; missing=1
		fi ;;
	esac
done < "$BL_TOP/tools/testing/debug.config"
[ "$missing" = 0 ] || bl_die "the debug kernel config lost requested options"

make -C "$src" O="$build" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
	bl_die "building the debug kernel failed; see $log"
# Out-of-tree modules need Module.symvers and the prepared tree only.
touch "$dest/.complete"
bl_log "debug kernel built in $(( $(date +%s) - start )) s"
