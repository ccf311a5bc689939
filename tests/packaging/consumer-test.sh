#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# libgib as another project sees it: installed (headers, library, libgib.pc
# found by pkg-config) and as a Meson subproject (libgib_dep through
# meson.override_dependency). Both build and run examples/gib_example.c.
# Usage: consumer-test.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Installed: meson install into a staging root, then pkg-config.
meson install -C "$build" --no-rebuild --destdir "$tmp/root" >/dev/null
pc=$(dirname "$(find "$tmp/root" -name libgib.pc | head -n 1)")
[ -n "$pc" ] || { echo "consumer: libgib.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$tmp/root
cflags=$(pkg-config --cflags libgib)
libs=$(pkg-config --libs libgib)
# shellcheck disable=SC2086
cc -std=c11 $cflags -o "$tmp/example" "$src/examples/gib_example.c" $libs
libdir=$(dirname "$(find "$tmp/root" -name 'libgib.so*' | head -n 1)")
LD_LIBRARY_PATH=$libdir "$tmp/example" >"$tmp/installed.out"
grep -q 'lost 0' "$tmp/installed.out"
echo "consumer: installed library + pkg-config: ok"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# 2. Subproject: dependency('libgib') resolves to libgib_dep.
mkdir -p "$tmp/proj/subprojects"
ln -s "$src" "$tmp/proj/subprojects/libgib"
cp "$src/examples/gib_example.c" "$tmp/proj/"
cat >"$tmp/proj/meson.build" <<'MESON'
project('consumer', 'c', default_options : ['c_std=c11'])
subproject('libgib')
executable('example', 'gib_example.c', dependencies : dependency('libgib'))
MESON
meson setup "$tmp/proj/build" "$tmp/proj" >/dev/null
ninja -C "$tmp/proj/build" >/dev/null
"$tmp/proj/build/example" >"$tmp/subproject.out"
grep -q 'lost 0' "$tmp/subproject.out"
# Linked into the parent, not installed with it (install_as_subproject).
meson install -C "$tmp/proj/build" --no-rebuild --destdir "$tmp/proj-root" >/dev/null
if [ -n "$(find "$tmp/proj-root" -name '*gib*' 2>/dev/null)" ]; then
	echo "consumer: the subproject installed itself into the parent:"
	find "$tmp/proj-root" -name '*gib*'
	exit 1
fi
echo "consumer: subproject: ok (nothing of libgib installed with the parent)"
