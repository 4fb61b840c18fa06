#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build Debian's unmodified vmw_pvrdma driver out of tree, for the e2e guests.
#
# Debian's kernel does not build vmw_pvrdma (INFINIBAND_VMWARE_PVRDMA is not
# set), so take drivers/infiniband/hw/vmw_pvrdma from the linux-source-6.1
# tarball as it is and build it with its own Makefile against the headers of
# the guest kernel (its uapi header, rdma/vmw_pvrdma-abi.h, is part of them).
# Nothing is patched and nothing is copied into the project.
#
# The result is cached: CACHE/vmw_pvrdma/KVER/vmw_pvrdma.ko, rebuilt only
# when the tarball, the headers or this script change. Prints the .ko path.
#
# usage: build-pvrdma.sh [KVER]     (default 6.1.0-56-amd64)
# Environment: VHCA_CACHE (default /var/cache/vhca), KSRC_TAR
set -euo pipefail

KVER=${1:-${VHCA_KVER:-6.1.0-56-amd64}}
CACHE=${VHCA_CACHE:-/var/cache/vhca}
KSRC_TAR=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
KDIR=/lib/modules/$KVER/build
DRV=drivers/infiniband/hw/vmw_pvrdma
OUT=$CACHE/vmw_pvrdma/$KVER
KO=$OUT/vmw_pvrdma.ko

die() { echo "build-pvrdma: $*" >&2; exit 1; }

[[ -r $KSRC_TAR ]] || die "no $KSRC_TAR (apt-get install linux-source-6.1)"
[[ -r $KDIR/Makefile ]] || die "no $KDIR (apt-get install linux-headers-$KVER)"
# Debian splits the headers: KDIR/Makefile includes the -common tree's.
abi=
for d in "$KDIR" $(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$KDIR/Makefile"); do
	if [[ -r $d/include/uapi/rdma/vmw_pvrdma-abi.h ]]; then
		abi=$d/include/uapi/rdma/vmw_pvrdma-abi.h
		break
	fi
done
[[ -n $abi ]] || die "the headers of $KVER lack include/uapi/rdma/vmw_pvrdma-abi.h"

# What the module depends on: the source tarball, the headers' build
# configuration and symbol versions, and this script.
key=$({
	echo "$KVER"
	stat -L -c '%n %s %Y' "$KSRC_TAR" "$KDIR/.config" "$KDIR/Module.symvers" "$abi"
	sha256sum <"$0"
} | sha256sum | cut -d' ' -f1)

mkdir -p "$OUT"
exec {lockfd}>"$OUT/.lock"
flock "$lockfd"
if [[ -s $KO && "$(cat "$OUT/key" 2>/dev/null)" == "$key" ]]; then
	echo "$KO"
	exit 0
fi

tmp=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "build-pvrdma: extracting $DRV from $KSRC_TAR" >&2
top=$(basename "$KSRC_TAR" .tar.xz)	# linux-source-6.1/...
tar -C "$tmp" -xJf "$KSRC_TAR" "$top/$DRV"
src=$tmp/$top/$DRV
[[ -r $src/Makefile && -r $src/pvrdma_main.c ]] || die "$DRV missing from $KSRC_TAR"

# The driver's own Makefile, unmodified; only the Kconfig symbol Debian's
# configuration leaves unset is given on the command line.
echo "build-pvrdma: building against $KDIR" >&2
log=$OUT/build.log
if ! make -C "$KDIR" M="$src" CONFIG_INFINIBAND_VMWARE_PVRDMA=m \
	-j"$(nproc)" modules >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	die "build failed (full log: $log)"
fi
[[ -s $src/vmw_pvrdma.ko ]] || die "no vmw_pvrdma.ko produced (see $log)"
vermagic=$(modinfo -F vermagic "$src/vmw_pvrdma.ko")
[[ $vermagic == "$KVER "* ]] || die "vermagic '$vermagic' does not match $KVER"

cp "$src/vmw_pvrdma.ko" "$KO.new"
mv -f "$KO.new" "$KO"
echo "$key" >"$OUT/key"
echo "build-pvrdma: built $KO" >&2
echo "$KO"
