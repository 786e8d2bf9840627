#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# interop-build.sh: builds what the interoperability tests with libgbinder
# run in the VM (Documentation/testing.rst, "Interoperability with
# libgbinder"), and writes three lists for vm.sh into $BL_OUT/interop:
#
#   interop-extra   files for the guest's /extra (BL_EXTRA_FILES)
#   interop-etc     files for the guest's /etc (BL_ETC_FILES): gbinder.conf
#   interop-steps   the plan line that runs them (BL_EXTRA_STEPS)
#
# libglibutil and libgbinder come from the third-party folder
# (bl_third_party in lib.sh: $BL_THIRD_PARTY, or ../shared/third_party
# next to the checkout). They are compiled here, by our own commands, from
# the source lists of their Makefiles (SRC), statically, against Debian's
# libglib2.0-dev, with libgbinder's test tools (binder-list, binder-ping,
# binder-call, binder-service, binder-client, binder-dump), into
# $BL_CACHE/gbinder/<their versions>-<key>/; nothing of theirs enters the
# repository or out/. A warm run finds the build there and compiles only
# our glue (tests/interop/*.c, against libgbinder's public headers) into
# $BL_OUT/interop. The libbinderlite side comes from the user space's
# CMake build (default $BL_OUT/cmake), whose targets this script builds:
# binderlite-interop (tests/interop/interop.cpp), blservicemanager, blctl
# and the hello service.
#
#   interop-build.sh [CMAKE_BUILD_DIR]
#
# Without the third-party folder the lists still name the test driver
# (tests/interop/interop.sh) and a file saying why: the driver then
# reports every case as skipped, with that reason. The exit status is
# non-zero only when something that is there fails to build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cmake_build=${1:-$BL_OUT/cmake}
out=$BL_OUT/interop
rm -rf "$out"
mkdir -p "$out"
log() { printf '[interop] %s\n' "$*" >&2; }

# The lists for vm.sh. The driver runs before the kselftests, as the
# GoogleTest programs do (the last kselftest reloads the module).
write_lists() {
	printf '%s\n' "$@" "$BL_TOP/tests/interop/interop.sh" > "$out/interop-extra"
	if [ -f "$out/gbinder.conf" ]; then
		echo "$out/gbinder.conf" > "$out/interop-etc"
	else
		: > "$out/interop-etc"
	fi
	echo "selftests/binderlite-interop sh /extra/interop.sh" > "$out/interop-steps"
}

skip() {
	log "skipping the interoperability tests: $*"
	echo "$*" > "$out/interop-skip"
	write_lists "$out/interop-skip"
	exit 0
}

tp=$(bl_third_party) || skip "$tp"
gb=$tp/libgbinder
gu=$tp/libglibutil
pkg-config --exists glib-2.0 gobject-2.0 ||
	bl_die "libglib2.0-dev is not installed (run tools/testing/deps.sh)"

# A variable of their Makefile (SRC, PCVERSION), as make sees it.
makevar() {
	printf 'bl-print-var:\n\t@echo $(%s)\n' "$2" |
		make -s --no-print-directory -C "$1" -f Makefile -f - bl-print-var
}
# Their version, as their pkg-config file says it.
gb_version=$(makevar "$gb" PCVERSION)
gu_version=$(makevar "$gu" PCVERSION)

# Bump when the recipe below changes the build.
recipe=1
# The key: their versions, a hash of their sources (an edited copy is
# another build), the recipe and the glib it was linked with.
key=$( {
	echo "recipe $recipe"
	pkg-config --modversion glib-2.0
	(cd "$tp" && find libgbinder libglibutil -type f \
		\( -name '*.[chly]' -o -name Makefile \) -print0 | sort -z | xargs -0 sha256sum)
} | sha256sum | cut -c1-12)
cache=$BL_CACHE/gbinder/libgbinder-$gb_version-libglibutil-$gu_version-$key
tools="binder-list binder-ping binder-call binder-service binder-client binder-dump"

glib_cflags=$(pkg-config --cflags glib-2.0 gobject-2.0)
glib_libs=$(pkg-config --static --libs glib-2.0 gobject-2.0)
# As their Makefiles, with -DDEBUG as in their debug builds: GASSERT()
# reports, and -v makes the tools dump every transaction's bytes.
defines="-DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_32 -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_MAX_ALLOWED -DDEBUG"
cflags="-O2 -g -Wall $defines"

# compile LIBDIR OUTDIR FLAGS...: objects of every source in SRC.
compile_lib() {
	local dir=$1 objdir=$2 f
	shift 2
	mkdir -p "$objdir"
	for f in $(makevar "$dir" SRC); do
		# shellcheck disable=SC2086
		gcc $cflags "$@" -c "$dir/src/$f" -o "$objdir/${f%.c}.o"
	done
}

build_cache() {
	local tmp=$cache.tmp t src
	rm -rf "$tmp"
	mkdir -p "$tmp/lib" "$tmp/bin" "$tmp/obj" "$tmp/gen"
	log "building libglibutil $gu_version and libgbinder $gb_version (static) in $cache"
	# shellcheck disable=SC2086
	compile_lib "$gu" "$tmp/obj/glibutil" -I"$gu/include" $glib_cflags
	ar rcs "$tmp/lib/libglibutil.a" "$tmp"/obj/glibutil/*.o
	# shellcheck disable=SC2086
	compile_lib "$gb" "$tmp/obj/gbinder" -I"$gb/include" -I"$gu/include" $glib_cflags
	ar rcs "$tmp/lib/libgbinder.a" "$tmp"/obj/gbinder/*.o
	for t in $tools; do
		src=("$gb/test/$t/$t.c")
		if [ "$t" = binder-call ]; then
			# Its command-line parser, generated as its Makefile does.
			mkdir -p "$tmp/gen/$t"
			bison -pcmdline -bcmdline -d -o "$tmp/gen/$t/cmdline.tab.c" "$gb/test/$t/cmdline.y"
			flex -o "$tmp/gen/$t/lex.cmdline.c" "$gb/test/$t/cmdline.l"
			src+=("$tmp/gen/$t/cmdline.tab.c" "$tmp/gen/$t/lex.cmdline.c")
		fi
		# shellcheck disable=SC2086
		gcc $cflags -static -I"$gb/include" -I"$gu/include" -I"$gb/test/$t" \
			-I"$tmp/gen/$t" $glib_cflags "${src[@]}" -o "$tmp/bin/$t" \
			"$tmp/lib/libgbinder.a" "$tmp/lib/libglibutil.a" $glib_libs
	done
	rm -rf "$tmp/obj"
	echo "libgbinder $gb_version, libglibutil $gu_version from $tp; glib $(pkg-config --modversion glib-2.0)" \
		> "$tmp/VERSION"
	rm -rf "$cache"
	mv "$tmp" "$cache"
}

if [ ! -f "$cache/VERSION" ]; then
	t0=$(date +%s)
	mkdir -p "$BL_CACHE/gbinder"
	if ! build_cache > "$BL_CACHE/gbinder/build.log" 2>&1; then
		tail -n 30 "$BL_CACHE/gbinder/build.log" >&2
		bl_die "building libgbinder failed; see $BL_CACHE/gbinder/build.log"
	fi
	cp "$BL_CACHE/gbinder/build.log" "$cache/build.log"
	log "built in $(( $(date +%s) - t0 )) s"
else
	log "libgbinder $gb_version and libglibutil $gu_version: cached in $cache"
fi

# Our glue, against libgbinder's public headers.
extra=()
for c in "$BL_TOP"/tests/interop/*.c; do
	[ -f "$c" ] || continue
	p=$(basename "$c" .c)
	# shellcheck disable=SC2086
	gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -static -I"$gb/include" -I"$gu/include" \
		$glib_cflags "$c" -o "$out/$p" \
		"$cache/lib/libgbinder.a" "$cache/lib/libglibutil.a" $glib_libs 2> "$out/$p.log" ||
		{ cat "$out/$p.log" >&2; bl_die "building $c failed"; }
	extra+=("$out/$p")
done
for t in $tools; do
	extra+=("$cache/bin/$t")
done
# The libbinderlite side.
if ! { cmake -S "$BL_TOP/tools" -B "$cmake_build" &&
       cmake --build "$cmake_build" -j"$(nproc)" --target binderlite-interop \
	     blservicemanager blctl binderlite-hello-service; } > "$out/cmake.log" 2>&1; then
	tail -n 30 "$out/cmake.log" >&2
	bl_die "building the libbinderlite side failed; see $out/cmake.log"
fi
extra+=("$cmake_build/tests/interop/binderlite-interop"
	"$cmake_build/servicemanager/blservicemanager"
	"$cmake_build/blctl/blctl"
	"$cmake_build/examples/hello/binderlite-hello-service")
cp "$BL_TOP/tests/interop/gbinder.conf" "$out/gbinder.conf"
cp "$cache/VERSION" "$out/interop-versions"
extra+=("$out/interop-versions")
write_lists "${extra[@]}"
log "libgbinder $gb_version's tools and our glue: $out"
