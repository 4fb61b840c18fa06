#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make libvirt-e2e`: libvirt end to end. Builds the unmodified vmw_pvrdma
# and the nested guest's initramfs (both cached, shared with make e2e),
# boots the test VM (L1) with selftests/vm/vm.sh and runs l1.sh in it:
# libvirtd with the vhca hook, virsh define/start/destroy of a domain
# derived from libvirt-hooks/examples/vhca-guest.xml whose stock guest runs
# ibv_devinfo -v, and a second domain refused for lack of capacity.
# Logs in build/libvirt-e2e/; TAP lines; the last line is
# "libvirt-e2e: N passed, M failed".
#
# Environment: TEST_KVER, LIBVIRT_E2E_TIMEOUT (L1 limit, s, default 2400),
# LIBVIRT_GUEST_TIMEOUT (the guest's output, default 1500), VIRSH_TIMEOUT
# (each virsh command, default 300), VHCA_ACCEL (tcg or kvm, for L1),
# LIBVIRT_E2E_QUICK=1 (libvirt and the hook only: the guest's checks are
# skipped, about 3.5 minutes instead of 10 to 17).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/selftests/libvirt
# shellcheck source=selftests/lib/klog.sh
source "$top/selftests/lib/klog.sh"
kver=${TEST_KVER:-6.1.0-56-amd64}
out=$top/build/libvirt-e2e
cd "$top" || exit 1

die() { echo "libvirt-e2e: $*" >&2; echo "libvirt-e2e: 0 passed, 1 failed"; exit 1; }

for t in libvirtd virtlogd virsh python3; do
	command -v "$t" >/dev/null ||
		die "$t not found (apt-get install libvirt-daemon-system libvirt-clients python3)"
done
ko=$(selftests/e2e/build-pvrdma.sh "$kver") || die "cannot build vmw_pvrdma"
initrd=$(selftests/e2e/mkinitramfs.sh "$kver") || die "cannot build the guest initramfs"
[[ -e build/kmod/$kver/vfio-mdev/vhca_mdev.ko ]] ||
	die "build first: make KVER=$kver modules userspace"

rm -rf "$out"
mkdir -p "$out"
echo "libvirt-e2e: booting the test VM (L1); logs in $out"
start=$SECONDS
envs=()
for v in LIBVIRT_GUEST_TIMEOUT VIRSH_TIMEOUT LIBVIRT_E2E_QUICK; do
	[[ -n ${!v:-} ]] && envs+=("$v=$(printf '%q' "${!v}")")
done
# Private copies of the harness and of this test's scripts: bash reads a
# script while it runs it, and the tree may change under a long run. The
# test's own go to the output directory, which the VM (and its guest) see.
vmdir=$(mktemp -d "${TMPDIR:-/tmp}/vhca-libvirt-e2e.XXXXXX")
trap 'rm -rf "$vmdir"' EXIT
mkdir -p "$vmdir/vm" "$vmdir/lib"
cp -p "$top"/selftests/vm/*.sh "$vmdir/vm/"
cp -p "$top"/selftests/lib/*.sh "$vmdir/lib/"
mkdir -p "$out/scripts"
cp -p "$here"/l1.sh "$here"/guest.sh "$here"/mkdomain.py "$out/scripts/"
"$vmdir/vm/vm.sh" --kver "$kver" --timeout "${LIBVIRT_E2E_TIMEOUT:-2400}" \
	--mem 3G --smp 2 --out "$out" --allow-kernel-warnings -- \
	"${envs[@]}" TOP="$top" "$out/scripts/l1.sh" "build/kmod/$kver" "$ko" "$initrd" \
	2>&1 | tee "$out/l1.log"
l1=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))
[[ -s $out/host.log ]] || cp "$out/serial.log" "$out/host.log" 2>/dev/null

# ---- verdict -------------------------------------------------------------------
passed=0
failed=0
skipped=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }

echo
echo "libvirt-e2e: results (L1 status $l1, ${elapsed}s)"
# Every check l1.sh makes, in order: one missing (L1 died, timed out) fails.
checks=(hook-installed libvirtd-started define start hook-created-instance
	hook-recorded-instance qemu-has-hostdev no-capacity-refused
	no-capacity-nothing-left guest-finished guest-vmw_pvrdma-bound
	guest-ibv_devinfo-port-active guest-node-guid-from-mac
	guest-roce-v2-gid instance-active destroy hook-removed-instance
	libvirt-ran-hook start-after-release destroy-second modules-unload)
log=$(tr -d '\r' <"$out/l1.log")
for c in "${checks[@]}"; do
	line=$(grep -E "^check: $c (ok|fail|skip)" <<<"$log" | tail -n 1)
	case $line in
	"check: $c ok") ok "$c" ;;
	"check: $c skip: "*) ok "$c # SKIP ${line#"check: $c skip: "}"; skipped=$((skipped + 1)) ;;
	"") notok "$c (did not run)" ;;
	*) notok "$c: ${line#"check: $c fail: "}" ;;
	esac
done
if [[ $l1 == 0 ]]; then
	ok "test VM exited with status 0"
else
	notok "test VM exited with status $l1"
fi

klog() {
	case $1 in
	host) cat "$out/host.log" ;;
	guest) cat "$out/guest.console"
	       sed -n '/^---- guest kernel log/,/^---- end of guest kernel log/p' \
			"$out/guest.out" ;;
	esac
}
klog_verdict host "$out/host.log" klog host
if [[ ${LIBVIRT_E2E_QUICK:-0} == 1 ]]; then
	ok "guest kernel log # SKIP LIBVIRT_E2E_QUICK=1"
	skipped=$((skipped + 1))
else
	klog_verdict guest "$out/guest.console, guest.out" klog guest
fi

echo "libvirt-e2e: logs in $out (l1.log libvirtd.log virsh.log guest.out guest.console host.log)"
((skipped)) && echo "libvirt-e2e: $skipped of the passed checks were skipped (LIBVIRT_E2E_QUICK=1)"
echo "libvirt-e2e: $passed passed, $failed failed"
[[ $failed == 0 ]]
