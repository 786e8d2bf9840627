#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# package-check.sh [host|vm|all]: the user space as a package. Proves that
# a client and a service built from the installed package, and not from
# this tree, work:
#
#   host  installs the user space (cmake --install) under
#         $BL_OUT/package/prefix and checks what is there; copies the
#         installed hello example (share/binderlite/examples/hello) out of
#         the tree and builds it statically twice against the installed
#         library: with CMake, find_package(binderlite), and with
#         c++ $(pkg-config --cflags --libs --static binderlite); links its
#         client once more against the shared library and runs it on the
#         host, far enough to reach the library
#   vm    boots stock 6.12 (one boot) and runs the installed
#         blservicemanager with each build of the service, and both builds
#         of the client against each, on /dev/binderlite
#
# Default: all. Exits non-zero if any step fails. make check runs both
# parts (tools/testing/check.sh). The VM's logs go to out/logs/6.12-demo.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:-all}
case $what in host|vm|all) ;; *) echo "usage: $0 [host|vm|all]" >&2; exit 2 ;; esac

pkg=$BL_OUT/package
prefix=$pkg/prefix
build=$BL_OUT/cmake

step() { printf '[package] %s\n' "$*" >&2; }
die() { printf '[package] error: %s\n' "$*" >&2; exit 1; }

# static FILE: a statically linked executable (no program interpreter, no
# shared library needed).
static() {
	! readelf -lW "$1" | grep -q 'INTERP' && ! readelf -dW "$1" | grep -q 'NEEDED' ||
		die "$1 is not statically linked"
}

host() {
	step "building the user space in $build"
	cmake -S "$BL_TOP/tools" -B "$build" >/dev/null
	cmake --build "$build" -j"$(nproc)" --target binderlite_static binderlite_shared \
		blctl blservicemanager >/dev/null
	rm -rf "$pkg"
	step "installing into $prefix"
	cmake --install "$build" --prefix "$prefix" >/dev/null

	local f libdir
	libdir=$(dirname "$(find "$prefix" -name libbinderlite.a | head -n 1)")
	[ -d "$libdir" ] || die "no libbinderlite.a under $prefix"
	for f in include/binderlite/binderlite.hpp include/binderlite/servicemanager.hpp \
		 include/linux/binderlite.h bin/blctl sbin/blservicemanager \
		 share/binderlite/examples/hello/CMakeLists.txt \
		 share/binderlite/examples/hello/service.cpp \
		 share/binderlite/examples/hello/client.cpp; do
		[ -f "$prefix/$f" ] || die "not installed: $f"
	done
	for f in libbinderlite.a libbinderlite.so libbinderlite.so.0 pkgconfig/binderlite.pc \
		 cmake/binderlite/binderliteConfig.cmake \
		 cmake/binderlite/binderliteConfigVersion.cmake; do
		[ -e "$libdir/$f" ] || die "not installed: ${libdir#"$prefix"/}/$f"
	done
	readelf -d "$libdir/libbinderlite.so" | grep -q 'SONAME.*\[libbinderlite\.so\.0\]' ||
		die "libbinderlite.so's SONAME is not libbinderlite.so.0"

	# The example as a user gets it: the installed copy, outside the tree.
	local src=$pkg/src/hello
	mkdir -p "$pkg/src"
	cp -r "$prefix/share/binderlite/examples/hello" "$src"

	step "find_package(binderlite): cmake -S $src -DCMAKE_PREFIX_PATH=$prefix"
	cmake -S "$src" -B "$pkg/build-cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
	grep -qx "binderlite_DIR:PATH=$libdir/cmake/binderlite" "$pkg/build-cmake/CMakeCache.txt" ||
		die "find_package(binderlite) did not find the installed package"
	cmake --build "$pkg/build-cmake" -j"$(nproc)" >/dev/null

	step "pkg-config: c++ -static \$(pkg-config --cflags --libs --static binderlite)"
	export PKG_CONFIG_LIBDIR=$libdir/pkgconfig
	local version cmake_version flags
	[ "$(pkg-config --variable=prefix binderlite)" = "$prefix" ] ||
		die "binderlite.pc names the prefix $(pkg-config --variable=prefix binderlite)"
	version=$(pkg-config --modversion binderlite)
	cmake_version=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' \
		"$libdir/cmake/binderlite/binderliteConfigVersion.cmake")
	[ "$version" = "$cmake_version" ] ||
		die "binderlite.pc says version $version, the CMake package $cmake_version"
	flags=$(pkg-config --cflags --libs --static binderlite)
	step "  binderlite $version: $flags"
	mkdir -p "$pkg/build-pkgconfig"
	for role in service client; do
		# shellcheck disable=SC2086
		c++ -std=c++20 -O2 -Wall -Wextra -Werror -static \
			-o "$pkg/build-pkgconfig/binderlite-hello-$role" "$src/$role.cpp" $flags
	done

	for role in service client; do
		static "$pkg/build-cmake/binderlite-hello-$role"
		static "$pkg/build-pkgconfig/binderlite-hello-$role"
	done

	# The shared library: a client linked against it loads and runs until
	# it opens the device (none here, or not ours to use: exit 1 with the
	# library's message, not the loader's 127).
	step "pkg-config, shared: c++ \$(pkg-config --cflags --libs binderlite)"
	# shellcheck disable=SC2046
	c++ -std=c++20 -O2 -o "$pkg/build-pkgconfig/hello-client-shared" "$src/client.cpp" \
		$(pkg-config --cflags --libs binderlite)
	readelf -d "$pkg/build-pkgconfig/hello-client-shared" |
		grep -q 'NEEDED.*\[libbinderlite\.so\.0\]' ||
		die "the shared client does not need libbinderlite.so.0"
	local out rc=0
	out=$(LD_LIBRARY_PATH=$libdir "$pkg/build-pkgconfig/hello-client-shared" x \
		/nonexistent/binderlite 2>&1) || rc=$?
	[ "$rc" = 1 ] && [[ $out == "hello-client: open /nonexistent/binderlite:"* ]] ||
		die "the shared client did not run as expected (exit $rc): $out"
	step "host: PASS (installed, built with find_package and pkg-config, statically)"
}

vm() {
	local b
	for b in cmake pkgconfig; do
		[ -x "$pkg/build-$b/binderlite-hello-client" ] ||
			die "no $b build of the hello example: run $0 host first"
	done
	mkdir -p "$pkg/extra"
	for b in cmake pkgconfig; do
		cp "$pkg/build-$b/binderlite-hello-service" "$pkg/extra/hello-service-$b"
		cp "$pkg/build-$b/binderlite-hello-client" "$pkg/extra/hello-client-$b"
	done
	cp "$prefix/sbin/blservicemanager" "$prefix/bin/blctl" "$pkg/extra/"

	# In the guest: the installed manager, one build of the service, both
	# builds of the client against it.
	cat > "$pkg/extra/package-pair.sh" <<'EOF'
#!/bin/sh
# package-pair.sh BUILD: the installed blservicemanager, BUILD's hello
# service, and both builds of the hello client, on /dev/binderlite.
cd "$(dirname "$0")" || exit 1
fail() { echo "FAIL: $*"; kill $service $manager 2>/dev/null; exit 1; }
wait_until() {
	i=0
	until eval "$1"; do
		[ $i -lt 300 ] || fail "not in time: $1"
		i=$((i + 1))
		sleep 0.1
	done
}
rm -f /tmp/sm.ready
./blservicemanager -r /tmp/sm.ready &
manager=$!
wait_until '[ -e /tmp/sm.ready ]'
./hello-service-$1 &
service=$!
wait_until './blctl list 2>/dev/null | grep -qx hello'
for client in cmake pkgconfig; do
	out=$(./hello-client-$client "from $client") || fail "hello-client-$client: exit $?"
	[ "$out" = "hello, from $client" ] || fail "hello-client-$client said \"$out\""
	echo "hello-service-$1 + hello-client-$client: $out"
done
kill $service $manager
wait
exit 0
EOF
	local plan=$pkg/vm.plan
	{
		echo "package-cmake sh /extra/package-pair.sh cmake"
		echo "package-pkgconfig sh /extra/package-pair.sh pkgconfig"
	} > "$plan"
	step "running them in the VM (6.12) on /dev/binderlite"
	BL_EXTRA_FILES="$(echo "$pkg"/extra/*)" \
		"$BL_TOP/tools/testing/vm.sh" -k 6.12 -m demo -p "$plan"
}

"$BL_TOP/tools/testing/deps.sh"
case $what in
host) host ;;
vm) vm ;;
all) host; vm ;;
esac
