#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The e2e "host": runs inside the test VM (L1, started by run.sh through
# selftests/vm/vm.sh). Loads vhca, creates two instances, starts two nested
# guests (L2, QEMU TCG) that each get a vmxnet3 NIC at 05.0 and an instance
# at 05.1, waits for them and collects the logs into $VHCA_OUT:
#   guest-a.log, guest-b.log     what each guest printed (then its dmesg)
#   guest-a.console, ...         each guest's kernel console
#   qemu-a.log, qemu-b.log       each nested QEMU's own messages
#   counters.log                 the instances' state and counters over time
#   host.log                     L1's kernel log (written last)
#
# usage: host.sh KMOD_DIR PVRDMA_KO L2_INITRD [GUEST_SCRIPT]
# Environment: E2E_GUEST_TIMEOUT (s, default 1500), E2E_GUEST_MEM (default
# 1G), E2E_TYPE (mdev type, default vhca-pvrdma-2), E2E_ONLY (checks).
set -uo pipefail

kmod=${1:?usage: host.sh KMOD_DIR PVRDMA_KO L2_INITRD [GUEST_SCRIPT]}
ko=${2:?}
initrd=${3:?}
script=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
out=${VHCA_OUT:?run me through vm.sh}
kver=${VHCA_KVER:-6.1.0-56-amd64}
vmlinuz=${VHCA_CACHE:-/var/cache/vhca}/kernel/$kver/boot/vmlinuz-$kver
guest_timeout=${E2E_GUEST_TIMEOUT:-1500}
guest_mem=${E2E_GUEST_MEM:-1G}
type=${E2E_TYPE:-vhca-pvrdma-2}
qemu=${VHCA_QEMU:-qemu-system-x86_64}
port=$((20000 + RANDOM % 20000))
job=/run/vhca-e2e
T0=$SECONDS

declare -A MAC=([a]=52:54:00:e2:e0:0a [b]=52:54:00:e2:e0:0b)
declare -A IP=([a]=10.77.0.1 [b]=10.77.0.2)
declare -A UUID QPID

log() { echo "host: [$((SECONDS - T0))s] $*"; }

dump_instances() {
	local r d f
	for r in a b; do
		d=/sys/bus/mdev/devices/${UUID[$r]:-none}
		[[ -d $d ]] || continue
		printf '%s %s state=%s' "$r" "${UUID[$r]}" "$(cat "$d/vhca/state" 2>/dev/null)"
		for f in "$d"/counters/*; do
			printf ' %s=%s' "${f##*/}" "$(cat "$f" 2>/dev/null)"
		done
		echo
	done
}

# shellcheck disable=SC2317 # invoked through trap
cleanup() {
	local r
	for r in a b; do
		[[ -n ${QPID[$r]:-} ]] && kill "${QPID[$r]}" 2>/dev/null
	done
	wait 2>/dev/null
	sync_logs
	{
		echo "== instances at the end"
		dump_instances
	} >>"$out/counters.log"
	for r in a b; do
		[[ -n ${UUID[$r]:-} && -e /sys/bus/mdev/devices/${UUID[$r]} ]] &&
			timeout 30 sh -c "echo 1 >/sys/bus/mdev/devices/${UUID[$r]}/remove"
	done
	rmmod vhca_mdev vhca_core 2>/dev/null || log "vhca modules did not unload"
	dmesg >"$out/host.log"
}
trap cleanup EXIT

mkdir -p "$job"
log "loading vfio, mdev and vhca"
"$here/../load-modules.sh" "$kmod" hcas=1 || exit 1
for r in a b; do
	UUID[$r]=$(cat /proc/sys/kernel/random/uuid)
	echo "${UUID[$r]}" >"/sys/class/mdev_bus/vhca0/mdev_supported_types/$type/create" ||
		{ log "cannot create a $type instance"; exit 1; }
	echo "${MAC[$r]}" >"/sys/bus/mdev/devices/${UUID[$r]}/vhca/mac" ||
		{ log "cannot set the mac of ${UUID[$r]}"; exit 1; }
	log "guest $r: instance ${UUID[$r]} ($type), mac $(cat "/sys/bus/mdev/devices/${UUID[$r]}/vhca/mac"), network $(cat "/sys/bus/mdev/devices/${UUID[$r]}/vhca/network" 2>/dev/null)"
	{
		echo "ROLE=$r"
		echo "IP=${IP[$r]}"
		[[ $r == a ]] && echo "PEER_IP=${IP[b]}" || echo "PEER_IP=${IP[a]}"
		echo "PREFIX=24"
		echo "MAC=${MAC[$r]}"
		echo "PVRDMA_KO=$ko"
		echo "GUEST_SCRIPT=$script"
		echo "ONLY=${E2E_ONLY:-}"
		for v in TOOL_TIMEOUT SETUP_TIMEOUT SETUP_STEP SCRIPT_TIMEOUT PP_ITERS \
			UD_SIZE BW_ITERS LAT_ITERS RPING_COUNT; do
			[[ -n ${!v:-} ]] && echo "$v=${!v}"
		done
	} >"$job/$r.env"
done
{
	echo "== instances after creation"
	dump_instances
} >"$out/counters.log"

# The guests' serial ports write one byte at a time: into L1's tmpfs, not
# through the 9p share; copied to $out every 30 s and at the end.
sync_logs() {
	local r f
	for r in a b; do
		for f in guest-$r.log guest-$r.console; do
			[[ -e $job/$f ]] && cp "$job/$f" "$out/$f"
		done
	done
}

# Kernel parameters that shorten a nested TCG boot: no crypto self-tests,
# no clocksource watchdog, no speculation mitigations (a throw-away guest).
APPEND="console=ttyS0,115200 loglevel=5 panic=-1 rdinit=/init"
APPEND+=" cryptomgr.notests mitigations=off tsc=reliable no_timer_check nowatchdog"

# start_guest ROLE NETDEV-OPTION
start_guest() {
	local r=$1 net=$2
	: >"$job/guest-$r.log"
	timeout -k 10 "$guest_timeout" "$qemu" \
		-machine q35 -accel tcg -cpu max -smp 1 -m "$guest_mem" \
		-nodefaults -nographic -no-reboot -monitor none \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "$APPEND e2e.init=$here/guest.sh e2e.job=$job/$r.env" \
		-chardev "file,id=con,path=$job/guest-$r.console" -serial chardev:con \
		-chardev "file,id=log,path=$job/guest-$r.log" -serial chardev:log \
		-virtfs "local,path=/,mount_tag=l2root,security_model=none,readonly=on,multidevs=remap" \
		-netdev "socket,id=n0,$net" \
		-device "vmxnet3,netdev=n0,mac=${MAC[$r]},addr=05.0,multifunction=on,romfile=" \
		-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/${UUID[$r]},addr=05.1" \
		</dev/null >"$out/qemu-$r.log" 2>&1 &
	QPID[$r]=$!
	log "guest $r: QEMU pid ${QPID[$r]}"
}

# The guests' private link: A's QEMU listens on loopback, B's connects.
start_guest a "listen=127.0.0.1:$port"
sleep 2
start_guest b "connect=127.0.0.1:$port"

# Watch both; snapshot the instances every 30 s.
declare -A RC
next=$SECONDS
while [[ -z ${RC[a]:-} || -z ${RC[b]:-} ]]; do
	for r in a b; do
		if [[ -z ${RC[$r]:-} ]] && ! kill -0 "${QPID[$r]}" 2>/dev/null; then
			wait "${QPID[$r]}"
			RC[$r]=$?
			QPID[$r]=
			log "guest $r: QEMU exited with status ${RC[$r]}"
		fi
	done
	if ((SECONDS >= next)); then
		sync_logs
		{
			echo "== t=$((SECONDS - T0))s"
			dump_instances
		} >>"$out/counters.log"
		next=$((SECONDS + 30))
	fi
	sleep 1
done
st=0
for r in a b; do
	[[ ${RC[$r]} == 0 ]] || st=1
	[[ ${RC[$r]} == 124 ]] && log "guest $r: timed out after $guest_timeout s"
done
log "both guests done"

# Nothing may be left once a guest's QEMU is gone (the fd close releases
# every object and pin): one line per instance for run.sh's verdict.
: >"$out/released.txt"
for r in a b; do
	left=
	for f in pinned_pages uctxs pds mrs cqs qps srqs; do
		v=$(cat "/sys/bus/mdev/devices/${UUID[$r]}/counters/$f" 2>/dev/null) || v=missing
		[[ $v == 0 ]] || left+=" $f=$v"
	done
	echo "$r${left:- none}" >>"$out/released.txt"
	log "guest $r: left behind after its VMM exited:${left:- nothing}"
done
exit $st
