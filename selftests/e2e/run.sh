#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make e2e`: stock guests end to end. Builds the unmodified vmw_pvrdma and
# the nested guests' initramfs (both cached), boots the test VM (L1) with
# selftests/vm/vm.sh, and in it runs host.sh: two nested guests (L2) with a
# vmxnet3 NIC and a vhca instance each run Debian's rdma-core tools against
# each other (guest.sh). Logs in build/e2e/; the last line is
# "e2e: N passed, M failed".
#
# usage: run.sh [GUEST_SCRIPT]
#   GUEST_SCRIPT runs after the standard checks, in guest A as
#   "FILE server PEER_IP" and in guest B as "FILE client PEER_IP".
# Environment: TEST_KVER, E2E_OUT (log directory, default build/e2e),
# E2E_TIMEOUT (L1 limit, s, default 2400),
# E2E_GUEST_TIMEOUT (each guest, default 1500), E2E_ONLY (space-separated
# check names or tool names, e.g. "devinfo rc_pingpong"), TOOL_TIMEOUT (each
# tool, default 180), VHCA_ACCEL (tcg or kvm, for L1).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/selftests/e2e
# shellcheck source=selftests/lib/klog.sh
source "$top/selftests/lib/klog.sh"
kver=${TEST_KVER:-6.1.0-56-amd64}
out=${E2E_OUT:-$top/build/e2e}
script=${1:-${GUEST_SCRIPT:-}}
cd "$top" || exit 1

die() { echo "e2e: $*" >&2; echo "e2e: 0 passed, 1 failed"; exit 1; }

ko=$("$here/build-pvrdma.sh" "$kver") || die "cannot build vmw_pvrdma"
initrd=$("$here/mkinitramfs.sh" "$kver") || die "cannot build the guest initramfs"
[[ -x build/userspace/vhcactl && -e build/kmod/$kver/vfio-mdev/vhca_mdev.ko ]] ||
	die "build first: make KVER=$kver modules userspace"

rm -rf "$out"
mkdir -p "$out"
script_arg=()
if [[ -n $script ]]; then
	[[ -r $script ]] || die "GUEST_SCRIPT $script not readable"
	# The guests see the machine's files through L1; give them a fixed copy.
	cp "$script" "$out/guest-script"
	chmod 755 "$out/guest-script"
	script_arg=("$out/guest-script")
fi

echo "e2e: booting the test VM (L1); nested guests log to $out/guest-{a,b}.log"
start=$SECONDS
# vm.sh passes only its own settings into the VM: hand ours over in the
# command line.
envs=()
for v in E2E_ONLY E2E_GUEST_TIMEOUT TOOL_TIMEOUT SETUP_TIMEOUT SETUP_STEP \
	SCRIPT_TIMEOUT PP_ITERS UD_SIZE BW_ITERS LAT_ITERS RPING_COUNT; do
	[[ -n ${!v:-} ]] && envs+=("$v=$(printf '%q' "${!v}")")
done
# A private copy of the VM harness: bash reads a script while it runs it, and
# the tree may change under a long run.
vmdir=$(mktemp -d "${TMPDIR:-/tmp}/vhca-e2e-vm.XXXXXX")
trap 'rm -rf "$vmdir"' EXIT
mkdir -p "$vmdir/vm" "$vmdir/lib"
cp -p "$top"/selftests/vm/*.sh "$vmdir/vm/"
cp -p "$top"/selftests/lib/*.sh "$vmdir/lib/"
"$vmdir/vm/vm.sh" --kver "$kver" --timeout "${E2E_TIMEOUT:-2400}" \
	--mem 6G --smp 2 --out "$out" --allow-kernel-warnings -- \
	"${envs[@]}" selftests/e2e/host.sh "build/kmod/$kver" "$ko" "$initrd" \
	"${script_arg[@]}" 2>&1 | tee "$out/l1.log"
l1=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))
# No host.log when L1 died: its console is the kernel log we have.
[[ -s $out/host.log ]] || cp "$out/serial.log" "$out/host.log" 2>/dev/null

# ---- verdict -----------------------------------------------------------------
passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }

echo
echo "e2e: results (L1 status $l1, ${elapsed}s)"
list=()
if [[ -n $script ]]; then
	mapfile -t list < <("$here/guest.sh" --list --guest-script)
else
	mapfile -t list < <("$here/guest.sh" --list)
fi
for c in "${list[@]}"; do
	if [[ -n ${E2E_ONLY:-} && " $E2E_ONLY " != *" $c "* && " $E2E_ONLY " != *" ${c%%-*} "* ]]; then
		continue
	fi
	lines=$(cat "$out/guest-a.log" "$out/guest-b.log" 2>/dev/null |
		tr -d '\r' | grep -E "^e2e-result: $c " || true)
	want=2
	[[ $c == devinfo-* ]] && want=1
	n=$(grep -c . <<<"$lines")
	[[ -n $lines ]] || n=0
	bad=$(awk '$4 != 0' <<<"$lines" | awk '{ print $3 "=" $4 }' | tr '\n' ' ')
	if [[ $n == "$want" && -z $bad ]]; then
		ok "$c"
	elif [[ $n != "$want" ]]; then
		notok "$c (reported by $n of $want sides) ${bad}"
	else
		notok "$c: ${bad% }"
	fi
done

# The host side: each instance released everything when its VMM exited.
for r in a b; do
	left=$(awk -v r="$r" '$1 == r { $1 = ""; print substr($0, 2) }' \
		"$out/released.txt" 2>/dev/null)
	if [[ $left == none ]]; then
		ok "host: instance $r holds no pin or object after its guest exited"
	else
		notok "host: instance $r after its guest exited: ${left:-not reported}"
	fi
done

# Kernel logs: L1's, and each guest's console plus the dmesg it appended
# to its log (the tools' own output may say WARNING: and does not count).
klog() {
	case $1 in
	host) cat "$out/host.log" ;;
	*) cat "$out/guest-$1.console"
	   sed -n '/^---- guest kernel log/,/^---- end of guest kernel log/p' \
		"$out/guest-$1.log" ;;
	esac
}
klog_verdict host "$out/host.log" klog host
for k in a b; do
	klog_verdict "guest $k" "$out/guest-$k.console, guest-$k.log" klog "$k"
done

echo "e2e: logs in $out (guest-a.log guest-b.log host.log counters.log)"
echo "e2e: $passed passed, $failed failed"
[[ $failed == 0 ]]
