#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The ABI of libgib.so against the committed baseline (abi/libgib.abi,
# docs/abi.md). Any difference fails: libgib's callers allocate its structs,
# so a changed layout breaks them as surely as a removed function, and
# abidiff cannot tell which changes are harmless. An intended change updates
# the baseline (ninja abi-update) in the same commit, and an incompatible one
# bumps the SONAME.
# Usage: check-abi.sh BASELINE LIBGIB_SO HEADER_DIR...
#        check-abi.sh --update BASELINE LIBGIB_SO HEADER_DIR...
set -euo pipefail
update=0
if [ "$1" = --update ]; then
	update=1
	shift
fi
baseline=$1 lib=$2
shift 2
hd=()
for d in "$@"; do
	hd+=(--headers-dir "$d")
done

if [ $update -eq 1 ]; then
	abidw --no-corpus-path --no-comp-dir-path --short-locs --drop-private-types \
		"${hd[@]}" --out-file "$baseline" "$lib"
	echo "abi: baseline $baseline written from $lib"
	exit 0
fi

# The baseline holds public types only; --headers-dir1 on it trips an
# assertion in abidiff 2.2, so only the library's side is filtered.
hd2=()
for d in "$@"; do
	hd2+=(--headers-dir2 "$d")
done
rc=0
abidiff --drop-private-types "${hd2[@]}" "$baseline" "$lib" || rc=$?
if [ $rc -ne 0 ]; then
	echo "abi: libgib.so differs from $baseline (abidiff exit $rc: 4 = change, 8 = incompatible)."
	echo "abi: if intended, run 'ninja abi-update' and follow docs/abi.md (SONAME policy)."
	exit 1
fi
echo "abi: libgib.so matches $baseline"
