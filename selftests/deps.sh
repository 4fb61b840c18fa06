#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install what building, testing and the demo need on Debian 12, and unpack
# the pieces of Debian's kernel source the build uses. Idempotent: a second
# run installs nothing and prints one line.
set -euo pipefail

TEST_KVER=${TEST_KVER:-6.1.0-56-amd64}
# Debian 13's kernel, built and tested through selftests/trixie.sh (a private
# apt configuration and a build root: this machine's sources stay as they
# are). TRIXIE_KVER= (empty) skips it.
TRIXIE_KVER=${TRIXIE_KVER-6.12.117+deb13-amd64}
CACHE=${VHCA_CACHE:-/var/cache/vhca}
KSRC_TAR=/usr/src/linux-source-6.1.tar.xz
here=$(cd "$(dirname "$0")" && pwd)

packages=(
	gcc make libc6-dev rsync xz-utils kmod cpio
	"linux-headers-$TEST_KVER" linux-source-6.1 sparse
	qemu-system-x86 busybox-static iproute2 shellcheck debootstrap mdevctl python3 groff-base man-db
	rdma-core ibverbs-utils ibverbs-providers perftest rdmacm-utils
	libvirt-daemon-system libvirt-clients python3-matplotlib
)
# Paths inside linux-source-6.1 the build and the lint use.
ksrc_paths=(
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
	scripts/checkpatch.pl scripts/spelling.txt
	scripts/const_structs.checkpatch scripts/kernel-doc
	drivers/infiniband/hw/vmw_pvrdma
	include/uapi/rdma/vmw_pvrdma-abi.h
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { echo "deps: installing ${missing[*]} needs root" >&2; exit 1; }
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

stamp=$CACHE/linux-source-6.1/.vhca-unpacked
if [ ! -e "$stamp" ] || [ "$KSRC_TAR" -nt "$stamp" ]; then
	echo "deps: unpacking kernel source pieces into $CACHE/linux-source-6.1"
	mkdir -p "$CACHE"
	tar -C "$CACHE" -xf "$KSRC_TAR" "${ksrc_paths[@]/#/linux-source-6.1/}"
	touch "$stamp"
fi

"$here/vm/fetch-kernel.sh" "$TEST_KVER"
[ -z "$TRIXIE_KVER" ] || TRIXIE_KVER=$TRIXIE_KVER "$here/trixie.sh" setup
echo "deps: all present"
