# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the binderlite test bench. Sourced, never executed.
#
# Everything expensive (kernel images, the unpacked linux-source, the debug
# kernel build) lives in $BL_CACHE, outside the checkout, so that a warm run
# reuses it. Every kernel version is resolved from apt at run time.

BL_TOP=${BL_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BL_CACHE=${BINDERLITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/binderlite}
BL_OUT=${BL_OUT:-$BL_TOP/out}
# The kernels the bench knows (Documentation/testing.rst, "The kernel matrix").
BL_KERNELS_ALL="6.1 6.12 debug cloud rt"

bl_log() { printf '[bench] %s\n' "$*" >&2; }
bl_die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# The one reader of test results and the one tally (results.py): the VM's
# results channel and CTest's reports into cases, cases into counts.
bl_results() { python3 "$BL_TOP/tools/testing/results.py" "$@"; }

# Newest package name matching an extended regex, among those apt knows.
bl_newest_pkg() {
	apt-cache pkgnames "$1" 2>/dev/null | grep -E "^$2\$" | sort -V | tail -n 1
}

# Kernel ABI string ("6.1.0-56-amd64", "6.12.117+deb12-amd64",
# "6.12.117+deb12-cloud-amd64", "6.12.117+deb12-rt-amd64") for a stock
# kernel name. Resolved from apt, never hard-coded. Each pattern names its
# flavour exactly: apt (and /lib/modules, /usr/src once their headers are
# installed) hold the generic, cloud and rt builds side by side, and "the
# newest 6.12" by sort -V alone would be the rt one.
bl_stock_abi() {
	local pkg
	case "$1" in
	6.1)
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		      sed -n 's/^ *Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
		      sort -V | tail -n 1)
		[ -n "$pkg" ] || pkg=$(bl_newest_pkg linux-image-6.1 \
			'linux-image-6\.1\.[0-9]+-[0-9]+-amd64' | sed 's/^linux-image-//')
		;;
	6.12)
		pkg=$(bl_newest_pkg linux-image-6.12 \
			'linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64' | sed 's/^linux-image-//')
		;;
	cloud)
		# The image comes from the -unsigned package (bl_stock_image_pkg),
		# so the ABI is one that package exists for.
		pkg=$(bl_newest_pkg linux-image-6.12 \
			'linux-image-6\.12\.[0-9]+\+deb[0-9]+-cloud-amd64-unsigned' |
		      sed 's/^linux-image-//; s/-unsigned$//')
		;;
	rt)
		pkg=$(bl_newest_pkg linux-image-6.12 \
			'linux-image-6\.12\.[0-9]+\+deb[0-9]+-rt-amd64' | sed 's/^linux-image-//')
		;;
	*) bl_die "not a stock kernel: $1" ;;
	esac
	[ -n "$pkg" ] || bl_die "apt knows no image for kernel $1 (run tools/testing/deps.sh)"
	echo "$pkg"
}

# The image package a stock kernel's vmlinuz and modules come from. The
# cloud kernel's is the -unsigned build: the same kernel without the
# Secure Boot signature, which QEMU's direct boot does not look at; it is
# the one the bench was brought up with.
bl_stock_image_pkg() {
	case "$1" in
	*-cloud-amd64) echo "linux-image-$1-unsigned" ;;
	*) echo "linux-image-$1" ;;
	esac
}

# How KERNEL provides the reference binder: "module" (binder_linux.ko,
# loaded by init.sh with three devices), "builtin" (the debug kernel,
# CONFIG_ANDROID_BINDER_DEVICES) or "none" (the cloud kernel is built
# without binder: binderlite is its only binder, and every test's binder
# variant skips).
bl_kernel_binder() {
	case "$1" in
	debug) echo builtin ;;
	cloud) echo none ;;
	*) echo module ;;
	esac
}

# A representative subset of the VM's test programs, for the kernels that
# need not run every one when time is short: what depends on the kernel
# beyond 6.12's generic build is scheduling, preemption, wakeups and locking
# (rt: spinlocks sleep) and binder being absent (cloud), so it keeps the
# programs that race processes and threads against each other and kill
# them: transactions, the thread protocol, death, the kill storm, module
# unload under opens, and the library's thread pool and transactions; and
# the interoperability tests with libgbinder (the other user space's
# threads and deaths against the kernel).
BL_TESTS_REPRESENTATIVE="binderlite-itest-transact binderlite-itest-pool binderlite-itest-fd
	binderlite-interop
	binderlite_thread_test binderlite_txn_test binderlite_death_test
	binderlite_fd_test binderlite_sg_test binderlite_nested_test
	binderlite_freeze_test binderlite_stress_test binderlite_module_test"

# The test programs `make check` runs in the VM on KERNEL: "all", or the
# names of a subset, kselftests and integration-test programs alike
# (vm.sh's BL_TESTS); "representative" stands for $BL_TESTS_REPRESENTATIVE.
# Why each kernel runs what it runs, and what it costs: Documentation/
# testing.rst, "The kernel matrix". BL_CHECK_TESTS_<kernel>, with the
# kernel's dots as underscores (BL_CHECK_TESTS_rt, BL_CHECK_TESTS_6_1),
# overrides the table.
bl_check_tests() {
	local var tests
	var=BL_CHECK_TESTS_$(echo "$1" | tr . _)
	tests=${!var:-}
	if [ -z "$tests" ]; then
		# Every kernel runs every program: with issue 10's tests the
		# VM phases took 7-8 min for the five, debug nearly half of it,
		# cloud and rt a quarter (testing.rst, "Time").
		# "representative" is the switch for cloud and rt when they no
		# longer fit in the CI budget.
		case "$1" in
		6.1|6.12|debug|cloud|rt) tests=all ;;
		*) bl_die "unknown kernel '$1' (want one of: $BL_KERNELS_ALL)" ;;
		esac
	fi
	[ "$tests" = representative ] && tests=$BL_TESTS_REPRESENTATIVE
	# Unquoted: one line, single spaces.
	# shellcheck disable=SC2086
	echo $tests
}

# Version string of the installed linux-source-6.12 package.
bl_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
		bl_die "linux-source-6.12 is not installed (run tools/testing/deps.sh)"
}

# Unpacked linux-source tree (checkpatch.pl, kernel-doc, kselftest_harness.h,
# and the debug kernel's source). Unpacked once per package version.
bl_linux_source() {
	local ver dir
	ver=$(bl_source_version)
	dir=$BL_CACHE/src/linux-source-$ver
	if [ ! -f "$dir/.complete" ]; then
		bl_log "unpacking linux-source $ver into $dir"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" --strip-components=1 -xf /usr/src/linux-source-6.12.tar.xz ||
			bl_die "cannot unpack linux-source"
		touch "$dir.tmp/.complete"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

# Directory holding the unpacked image package of a stock kernel: its
# vmlinuz and its modules (binder_linux.ko, the reference). Headers come
# from the installed linux-headers package.
bl_stock_image_dir() {
	local abi=$1 dir deb tmp pkg
	dir=$BL_CACHE/stock/$abi
	if [ ! -f "$dir/.complete" ]; then
		pkg=$(bl_stock_image_pkg "$abi")
		bl_log "fetching image package $pkg"
		mkdir -p "$BL_CACHE/stock"
		tmp=$(mktemp -d "$BL_CACHE/stock/.dl.XXXXXX") || bl_die "cannot create $BL_CACHE/stock"
		chmod 0755 "$tmp"
		(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			{ rm -rf "$tmp"; bl_die "apt-get download $pkg failed"; }
		deb=$(ls "$tmp"/*.deb)
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir" || bl_die "cannot unpack $deb"
		rm -rf "$tmp"
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# Builds binderlite-bench (tools/bench/ipc, static) and prints its path.
bl_build_bench_program() {
	local b=$BL_OUT/cmake
	bl_log "building binderlite-bench"
	if ! cmake -S "$BL_TOP/tools" -B "$b" >/dev/null ||
	   ! cmake --build "$b" -j"$(nproc)" --target binderlite-bench >/dev/null; then
		bl_die "building binderlite-bench failed"
	fi
	echo "$b/bench/ipc/binderlite-bench"
}

# Builds the user-space programs (tools/, CMake) that run in the VM and
# prints the files a VM run carries in /extra: binderlite-demo; the raw
# example binderlite-raw and its story.sh; and, on libbinderlite,
# blservicemanager, blctl, the hello example, the demo's service and client
# and library-story.sh.
bl_build_userspace() {
	local b=$BL_OUT/cmake
	if ! cmake -S "$BL_TOP/tools" -B "$b" >/dev/null ||
	   ! cmake --build "$b" -j"$(nproc)" \
		   --target binderlite-demo binderlite-raw blservicemanager blctl \
			    binderlite-hello-service binderlite-hello-client \
			    binderlite-demo-service binderlite-demo-client >/dev/null; then
		bl_die "building the user-space programs (tools/) failed"
	fi
	echo "$b/demo/binderlite-demo" \
		"$b/examples/raw/binderlite-raw" \
		"$BL_TOP/tools/examples/raw/story.sh" \
		"$b/servicemanager/blservicemanager" \
		"$b/blctl/blctl" \
		"$b/examples/hello/binderlite-hello-service" \
		"$b/examples/hello/binderlite-hello-client" \
		"$b/demo/binderlite-demo-service" \
		"$b/demo/binderlite-demo-client" \
		"$BL_TOP/tools/demo/library-story.sh"
}

# Bump when build-debug-kernel.sh changes the way the kernel is built.
BL_DEBUG_RECIPE=1

# Hash of everything that defines the debug kernel build.
bl_debug_key() {
	{ echo "recipe $BL_DEBUG_RECIPE"; cat "$BL_TOP/tools/testing/debug.config"; } |
		sha256sum | cut -c1-12
}

bl_debug_dir() {
	echo "$BL_CACHE/debug/$(bl_source_version)-$(bl_debug_key)"
}

# Prints three lines for KERNEL (one of $BL_KERNELS_ALL), to be read with
# "read": the boot image, the kbuild directory to build modules against,
# and the directory holding the reference binder_linux.ko (empty when
# binder is built in or absent: bl_kernel_binder says which).
bl_kernel_paths() {
	local abi img
	case "$1" in
	6.1|6.12|rt)
		abi=$(bl_stock_abi "$1")
		img=$(bl_stock_image_dir "$abi")
		echo "$img/boot/vmlinuz-$abi"
		echo "/usr/src/linux-headers-$abi"
		echo "$img/lib/modules/$abi/kernel/drivers/android"
		;;
	cloud)
		abi=$(bl_stock_abi "$1")
		img=$(bl_stock_image_dir "$abi")
		echo "$img/boot/vmlinuz-$abi"
		echo "/usr/src/linux-headers-$abi"
		echo ""
		;;
	debug)
		local d
		d=$(bl_debug_dir)
		[ -f "$d/.complete" ] || "$BL_TOP/tools/testing/build-debug-kernel.sh" >&2 ||
			bl_die "debug kernel build failed"
		echo "$d/build/arch/x86/boot/bzImage"
		echo "$d/build"
		echo ""
		;;
	*) bl_die "unknown kernel '$1' (want one of: $BL_KERNELS_ALL)" ;;
	esac
}

# Builds an out-of-tree module tree (the release module by default, or a
# test-only module directory such as tests/fault) against KDIR in a private
# copy under DEST, with W=1 and sparse, so that several kernels can be built
# side by side. Extra make arguments follow. Fails on any compiler or sparse
# diagnostic. The log is DEST/build.log.
bl_build_module() {
	local kdir=$1 dest=$2 subdir=${3:-.}
	shift 3 || shift $#
	mkdir -p "$dest"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		"$BL_TOP/Kbuild" "$BL_TOP/driver" "$BL_TOP/include" "$BL_TOP/tests" \
		"$BL_TOP/tools" \
		"$dest/src/"
	if ! make -C "$kdir" M="$dest/src/$subdir" W=1 C=2 \
		"$@" modules >"$dest/build.log" 2>&1; then
		bl_log "module build failed against $kdir; see $dest/build.log"
		grep -E 'error|warning' "$dest/build.log" | head -20 >&2
		return 1
	fi
	if grep -E '(warning|error):' "$dest/build.log" >&2; then
		bl_log "module build against $kdir is not warning-free; see $dest/build.log"
		return 1
	fi
}

# The third-party sources of the interoperability tests (libgbinder and
# libglibutil: Documentation/testing.rst, "Interoperability with
# libgbinder"). Prints the folder and succeeds when it holds both; else
# prints why it is absent and fails. $BL_THIRD_PARTY names it; by default
# it is ../shared/third_party next to the checkout, or next to the main
# checkout when this one is a git worktree of it. They are never part of
# the repository: a machine without them skips those tests.
bl_third_party() {
	local d common tried=()
	if [ -n "${BL_THIRD_PARTY:-}" ]; then
		tried=("$BL_THIRD_PARTY (BL_THIRD_PARTY)")
		d=$BL_THIRD_PARTY
	else
		d=$BL_TOP/../shared/third_party
		tried=("$d")
		if [ ! -d "$d" ] &&
		   common=$(git -C "$BL_TOP" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) &&
		   [ "$(basename "$common")" = .git ] && [ "$(dirname "$common")" != "$BL_TOP" ]; then
			d=$(dirname "$common")/../shared/third_party
			tried+=("$d (next to the main checkout)")
		fi
	fi
	if [ -f "$d/libgbinder/Makefile" ] && [ -f "$d/libglibutil/Makefile" ]; then
		(cd "$d" && pwd)
		return 0
	fi
	echo "no libgbinder and libglibutil sources in ${tried[*]}; set BL_THIRD_PARTY to the folder that holds them"
	return 1
}
