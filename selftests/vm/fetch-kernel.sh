#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh [KVER]
#
# Download Debian's linux-image-KVER package and unpack it into
# $VHCA_CACHE/kernel/KVER (default cache: /var/cache/vhca), then run depmod
# on that tree so that "modprobe -d" (and modprobe inside the test VM, where
# the tree is bind-mounted at /lib/modules/KVER) works.
#
# Nothing is installed into this machine's /boot or /lib/modules.
# Idempotent: when the stamp file exists, the script does nothing.

set -euo pipefail

KVER=${1:-${VHCA_KVER:-6.1.0-56-amd64}}
CACHE=${VHCA_CACHE:-/var/cache/vhca}
DEST=$CACHE/kernel/$KVER
STAMP=$DEST/.vhca-fetched

die() { echo "fetch-kernel: $*" >&2; exit 1; }

case $KVER in
	*/*|'') die "bad kernel version '$KVER'" ;;
esac

if [[ -f $STAMP && -f $DEST/boot/vmlinuz-$KVER ]]; then
	exit 0
fi

for tool in apt-get dpkg-deb depmod; do
	command -v "$tool" >/dev/null || die "$tool not found"
done

mkdir -p "$CACHE/kernel"
tmp=$(mktemp -d "$CACHE/kernel/.fetch-$KVER.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pkg=linux-image-$KVER
echo "fetch-kernel: downloading $pkg into $DEST" >&2
# apt-get download writes into the current directory; it runs as the _apt
# user when it can, so make the temp dir accessible to it.
chmod 755 "$tmp"
if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>"$tmp/err"); then
	# Most likely cause: no package lists yet. Refresh once and retry.
	echo "fetch-kernel: apt-get download failed; running apt-get update" >&2
	apt-get update -q >/dev/null || die "apt-get update failed"
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null) ||
		die "cannot download $pkg"
fi

debs=("$tmp"/"$pkg"_*.deb)
[[ -f ${debs[0]} ]] || die "download of $pkg produced no .deb"

rm -rf "$DEST"
mkdir -p "$tmp/root"
dpkg-deb -x "${debs[0]}" "$tmp/root"

# The package puts its files under /boot and /lib (or /usr/lib on newer
# suites). Keep boot/ and lib/modules/KVER at the top of $DEST so that
# "depmod -b $DEST KVER" finds $DEST/lib/modules/KVER.
if [[ ! -d $tmp/root/lib/modules/$KVER && -d $tmp/root/usr/lib/modules/$KVER ]]; then
	mkdir -p "$tmp/root/lib/modules"
	mv "$tmp/root/usr/lib/modules/$KVER" "$tmp/root/lib/modules/"
fi
[[ -f $tmp/root/boot/vmlinuz-$KVER ]] || die "no vmlinuz-$KVER in $pkg"
[[ -d $tmp/root/lib/modules/$KVER ]] || die "no lib/modules/$KVER in $pkg"

depmod -b "$tmp/root" "$KVER" || die "depmod failed"

# linux-image does not ship the build/source links (linux-headers does, in
# the machine's /lib/modules). Add them so that, inside the VM, where this
# tree is mounted at /lib/modules/KVER, "make -C /lib/modules/KVER/build"
# still finds the headers. They may dangle when the headers are absent.
mods=$tmp/root/lib/modules/$KVER
[[ -e $mods/build || -L $mods/build ]] ||
	ln -s "/usr/src/linux-headers-$KVER" "$mods/build"
if [[ ! -e $mods/source && ! -L $mods/source ]]; then
	common=/usr/src/linux-headers-${KVER%-*}-common
	[[ -d $common ]] || common=/usr/src/linux-headers-$KVER
	ln -s "$common" "$mods/source"
fi

mv "$tmp/root" "$DEST"
date -u +%FT%TZ >"$STAMP"
echo "fetch-kernel: $KVER ready in $DEST" >&2
