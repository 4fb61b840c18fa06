#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# PID 1 of the libvirt e2e guest (L2), started by the init of
# selftests/e2e/mkinitramfs.sh as "guest.sh --init JOB" after it switched to
# a private copy-on-write view of the test VM's root.
#
# On ttyS1 (a <serial type='file'> of the domain): loads vmxnet3, gives the
# NIC whose MAC the job names its address, loads the stock vmw_pvrdma, runs
# "ibv_devinfo -v", prints the guest's kernel log and then the line
# "libvirt-guest: done". It does not power off: the test destroys the domain
# with virsh, which is what runs the hook's release.
#
# JOB: KEY=VALUE lines: MAC, IP (with /PREFIX), PVRDMA_KO, STEP_TIMEOUT
# (each step, default 300 s; a step that hits it exits with status 143).
set -uo pipefail

# Every process costs seconds in a nested TCG guest (a dynamically linked
# one most): bash builtins and static busybox where possible.
T0=${EPOCHREALTIME/./}
log() {
	local t=${EPOCHREALTIME/./}
	t=$((${t#0} - ${T0#0}))
	echo "libvirt-guest: [$((t / 1000000)).$((t % 1000000 / 100000))s] $*"
}
# nap SECONDS: sleep without starting a process.
nap() { read -rt "$1" -u "$NAPFD" 2>/dev/null; true; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		nap 1
	done
}

run() { # run COMMAND...: show it, run it with the step limit
	echo "\$ $*"
	busybox timeout -k 5 "$STEP_TIMEOUT" "$@"
	rc=$?
	echo "(exit status $rc)"
	return $rc
}

find_ifc() {
	local f
	for f in /sys/class/net/*/address; do
		[[ $(<"$f") == "$MAC" ]] || continue
		IFC=${f%/address}
		IFC=${IFC##*/}
		return 0
	done
	return 1
}

find_dev() {
	local f
	for f in /sys/class/infiniband/*; do
		[[ -e $f ]] || continue
		DEV=${f##*/}
		return 0
	done
	return 1
}

has_gid() { # a RoCE v2 GID of our IPv4 address
	local d=/sys/class/infiniband/$DEV/ports/1 want f
	# shellcheck disable=SC2086 # split the address into its four bytes
	want=$(printf '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x' ${IP_ADDR//./ })
	for f in "$d"/gids/*; do
		[[ $(<"$f") == "$want" ]] || continue
		[[ $(<"$d/gid_attrs/types/${f##*/}") == "RoCE v2" ]] && return 0
	done 2>/dev/null
	return 1
}

show_slot() {
	local d drv
	for d in /sys/bus/pci/devices/0000:00:05.*; do
		drv=-
		[[ -e $d/driver ]] && drv=$(busybox readlink "$d/driver") && drv=${drv##*/}
		echo "${d##*/} vendor $(<"$d/vendor") device $(<"$d/device") driver $drv"
	done
}

checks() {
	local job=$1 line key
	while IFS= read -r line; do
		key=${line%%=*}
		[[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] && declare -g "$key=${line#*=}"
	done <"$job"
	: "${MAC:?} ${IP:?} ${PVRDMA_KO:?}"
	STEP_TIMEOUT=${STEP_TIMEOUT:-300}
	IP_ADDR=${IP%/*}

	log "$(</proc/sys/kernel/osrelease), vmxnet3 MAC $MAC"
	echo "\$ # PCI functions of slot 00:05"
	show_slot
	run busybox modprobe vmxnet3
	IFC=
	wait_for "$STEP_TIMEOUT" find_ifc || { log "no NIC with MAC $MAC"; return 1; }
	run busybox ip addr add "$IP" dev "$IFC"
	run busybox ip link set "$IFC" up
	run busybox modprobe ib_uverbs
	run busybox insmod "$PVRDMA_KO" || return 1
	DEV=
	wait_for "$STEP_TIMEOUT" find_dev || { log "no RDMA device after insmod vmw_pvrdma"; return 1; }
	echo "\$ # PCI functions of slot 00:05"
	show_slot
	log "RDMA device $DEV on $IFC"
	wait_for "$STEP_TIMEOUT" has_gid || log "no RoCE v2 GID for $IP_ADDR on $DEV"
	log "running ibv_devinfo"
	run ibv_devinfo -v -d "$DEV"
	echo "libvirt-guest: ibv_devinfo status $rc"
	return 0
}

init() {
	local st
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root LANG=C.UTF-8 TERM=dumb
	cd / || return
	busybox mkdir -p /run/guest
	busybox mkfifo /run/guest/nap
	exec {NAPFD}<>/run/guest/nap
	echo 30 >/proc/sys/kernel/hung_task_timeout_secs
	busybox ip link set lo up
	exec 3<>/dev/ttyS1
	busybox stty -opost -echo <&3 2>/dev/null
	(checks "$1") </dev/null >&3 2>&3
	st=$?
	{
		echo "libvirt-guest: checks exited with status $st"
		echo "---- guest kernel log (dmesg) ----"
		busybox dmesg
		echo "---- end of guest kernel log ----"
		echo "libvirt-guest: done"
	} >&3 2>&1
	# Wait to be destroyed (virsh destroy runs the hook's release).
	while :; do nap 3600; done
}

case ${1:-} in
--init) init "${2:?usage: guest.sh --init JOB}" ;;
*) echo "usage: guest.sh --init JOB" >&2; exit 2 ;;
esac
