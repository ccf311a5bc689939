# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Shared helpers of tools/kernel-test and ports/kvm-s390/build: Debian
# packages fetched with "apt-get download" into a cache (never installed),
# and the s390x kernel headers made usable on an amd64 host.
# The caller sets CACHE (a folder it may write) before sourcing this file.

: "${CACHE:?CACHE must be set before sourcing tools/lib/kernel.sh}"
mkdir -p "$CACHE/debs"
export DEBIAN_FRONTEND=noninteractive

APT_UPDATED=0
apt_update_once() {
	if [ "$APT_UPDATED" = 0 ]; then
		apt-get update -qq
		APT_UPDATED=1
	fi
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_pkgs NAME...: apt-get install those not installed yet.
ensure_pkgs() {
	local missing=() p
	for p in "$@"; do
		installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "installing: ${missing[*]}"
		apt_update_once
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

# fetch_deb ARCH [APT-OPTION...] -- NAME[=VERSION]: apt-get download into the
# cache unless a matching .deb of ARCH (or "all") is there already; prints
# the .deb's path.
find_deb() {
	# shellcheck disable=SC2012 # Debian package file names are plain.
	ls "$CACHE/debs/$1_$2"*"_$3.deb" "$CACHE/debs/$1_$2"*_all.deb 2>/dev/null |
		sort -V | tail -n1 || true
}
fetch_deb() {
	local arch=$1 opts=() spec name ver file
	shift
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	spec=$1
	name=${spec%%=*}
	ver=
	[ "$spec" = "$name" ] || ver=${spec#*=}
	ver=${ver//:/%3a}
	file=$(find_deb "$name" "$ver" "$arch")
	if [ -z "$file" ]; then
		(cd "$CACHE/debs" &&
			{ apt-get "${opts[@]}" -oAPT::Sandbox::User=root -qq download "$spec" >/dev/null 2>&1 ||
				{ apt_update_once &&
					apt-get "${opts[@]}" -oAPT::Sandbox::User=root -qq download "$spec" >/dev/null; }; })
		file=$(find_deb "$name" "$ver" "$arch")
	fi
	[ -n "$file" ] || { echo "could not fetch $spec ($arch)" >&2; exit 1; }
	echo "$file"
}

# s390x_setup: Debian's s390x kernel (headers usable on amd64, image's
# /boot, busybox-static) under $CACHE/s390x/$KVER. Sets S390_APT (the apt
# options of the s390x lists), ABI, KVER, KPKGVER, ROOT, KDIR, VMLINUZ,
# BUSYBOX.
s390x_setup() {
	local S390=$CACHE/s390x p
	mkdir -p "$S390/lists/partial"
	S390_APT=(-oAPT::Architecture=s390x -oAPT::Architectures=s390x
		-oDir::State::Lists="$S390/lists")
	if [ ! -s "$S390/lists.stamp" ] ||
		[ -n "$(find "$S390/lists.stamp" -mmin +1440)" ]; then
		apt-get "${S390_APT[@]}" update -qq
		date >"$S390/lists.stamp"
	fi
	ABI=$(apt-cache "${S390_APT[@]}" depends linux-image-s390x |
		sed -n 's/.*Depends: linux-image-\(.*\)-s390x$/\1/p' | head -n1)
	[ -n "$ABI" ] || { echo "no s390x kernel ABI found" >&2; exit 1; }
	KVER=$ABI-s390x
	KPKGVER=$(apt-cache "${S390_APT[@]}" show "linux-headers-$KVER" |
		sed -n 's/^Version: //p' | sort -V | tail -n1)
	ROOT=$S390/$KVER
	if [ ! -e "$ROOT/.complete" ]; then
		rm -rf "$ROOT"
		mkdir -p "$ROOT"
		for p in "linux-headers-$KVER=$KPKGVER" \
			"linux-headers-$ABI-common=$KPKGVER" busybox-static; do
			dpkg -x "$(fetch_deb s390x "${S390_APT[@]}" -- "$p")" "$ROOT"
		done
		# Of the image only the kernel itself (not its 200 MB of modules).
		dpkg-deb --fsys-tarfile \
			"$(fetch_deb s390x "${S390_APT[@]}" -- "linux-image-$KVER=$KPKGVER")" |
			tar -x -C "$ROOT" ./boot
		# The s390x kbuild tools are s390x binaries: use amd64's.
		rm -rf "$ROOT/usr/lib/linux-kbuild-6.1"
		dpkg -x "$(fetch_deb amd64 -- "linux-kbuild-6.1=$KPKGVER")" "$ROOT"
		# The stub Makefile names the common headers' absolute path.
		sed -i "s#include /usr/src/#include $ROOT/usr/src/#" \
			"$ROOT/usr/src/linux-headers-$KVER/Makefile"
		touch "$ROOT/.complete"
	fi
	KDIR=$ROOT/usr/src/linux-headers-$KVER
	VMLINUZ=$ROOT/boot/vmlinuz-$KVER
	BUSYBOX=$ROOT/bin/busybox
}

# linux_source VERSION DEST [PATH...]: extract PATH... (no PATH: the whole
# tree) of Debian's untouched linux-source-<major.minor> at VERSION (a Debian
# package version) into DEST, without the top folder. The .deb is dropped
# once its tarball is cached, and each extracted subset of PATHs is cached
# too (the full tarball takes ~40 s to read).
linux_source() {
	local ver=$1 dest=$2 mm tarball deb subset
	shift 2
	mm=$(echo "$ver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
	subset=$CACHE/linux-source-$ver-$(echo "$*" | md5sum | cut -c1-12).tar
	mkdir -p "$dest"
	if [ -s "$subset" ]; then
		tar -xf "$subset" -C "$dest"
		return
	fi
	tarball=$CACHE/linux-source-$mm-$ver.tar.xz
	if [ ! -s "$tarball" ]; then
		deb=$(fetch_deb all -- "linux-source-$mm=$ver")
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -O "./usr/src/linux-source-$mm.tar.xz" >"$tarball.tmp"
		mv "$tarball.tmp" "$tarball"
		rm -f "$deb"
	fi
	tar -xJf "$tarball" -C "$dest" --strip-components=1 "${@/#/linux-source-$mm/}"
	# The whole tree is the caller's to cache (kernel-test keeps it prepared).
	[ $# -eq 0 ] || { tar -cf "$subset.tmp" -C "$dest" "$@" && mv "$subset.tmp" "$subset"; }
}
