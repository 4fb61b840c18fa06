#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The libvirt e2e "host": runs inside the test VM (L1), started by run.sh
# through selftests/vm/vm.sh. Loads vhca (one HCA), installs the vhca hook
# with "make install-hooks", starts virtlogd and the monolithic libvirtd
# directly (there is no systemd in the VM), then with virsh:
#
#   guest     derived from libvirt-hooks/examples/vhca-guest.xml (mkdomain.py:
#             TCG, direct kernel boot, the stock vmw_pvrdma, guest.sh as PID
#             1), a vhca-pvrdma-4 instance: define, start (the hook creates
#             the instance with the vmxnet3 MAC), the guest's ibv_devinfo -v
#             (ttyS1 is a <serial type='file'>), destroy (the hook removes it)
#   guest-2   the same with a vhca-pvrdma-1 (a whole HCA): start refused with
#             the hook's message while "guest" runs; started and destroyed
#             after "guest" is gone
#
# Prints "check: NAME ok" or "check: NAME fail: WHY" per check (run.sh turns
# them into TAP). Logs go to $VHCA_OUT: libvirtd.log, guest.console,
# guest.out, qemu-*.log, virsh.log, host.log (L1's dmesg, written last).
#
# usage: l1.sh KMOD_DIR PVRDMA_KO L2_INITRD
# Environment: LIBVIRT_GUEST_TIMEOUT (the guest's output, default 1500 s),
# VIRSH_TIMEOUT (each virsh command, default 300 s), LIBVIRT_E2E_QUICK=1
# (do not wait for the guest: its checks print "check: NAME skip: WHY").
set -uo pipefail

kmod=${1:?usage: l1.sh KMOD_DIR PVRDMA_KO L2_INITRD}
ko=${2:?}
initrd=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
top=${TOP:-$(cd "$here/../.." && pwd)}
out=${VHCA_OUT:?run me through vm.sh}
kver=${VHCA_KVER:-6.1.0-56-amd64}
vmlinuz=${VHCA_CACHE:-/var/cache/vhca}/kernel/$kver/boot/vmlinuz-$kver
guest_timeout=${LIBVIRT_GUEST_TIMEOUT:-1500}
vt=${VIRSH_TIMEOUT:-300}
job=/run/vhca-libvirt
URI=qemu:///system
T0=$SECONDS

# The two domains. "guest" keeps the example's names, UUIDs and MAC.
EXAMPLE=$top/libvirt-hooks/examples/vhca-guest.xml
G1=vhca-guest
G1_UUID=0b1e2d3c-4a5b-4c6d-8e7f-8091a2b3c4d5
G1_MDEV=6f9d2c1e-3b4a-4f5e-9d8c-7b6a5f4e3d2c
G1_MAC=52:54:00:12:34:56
G1_TYPE=vhca-pvrdma-4
G2=vhca-guest-2
G2_UUID=0b1e2d3c-4a5b-4c6d-8e7f-8091a2b3c4d6
G2_MDEV=6f9d2c1e-3b4a-4f5e-9d8c-7b6a5f4e3d2d
G2_MAC=52:54:00:12:34:57
G2_TYPE=vhca-pvrdma-1
DEVICES=/sys/bus/mdev/devices

log() { echo "l1: [$((SECONDS - T0))s] $*"; }
check() { # check NAME ok | check NAME fail|skip WHY...
	local name=$1 st=$2
	shift 2
	if [[ $st == ok ]]; then
		echo "check: $name ok"
	else
		echo "check: $name $st: $*"
	fi
}

# vsh ARGS...: virsh with a time limit; output in $vout, status in $vrc.
vsh() {
	vout=$(timeout -k 10 "$vt" virsh -c "$URI" "$@" 2>&1)
	vrc=$?
	{
		echo "[$((SECONDS - T0))s] \$ virsh $* (exit status $vrc)"
		[[ -n $vout ]] && echo "$vout"
	} >>"$out/virsh.log"
	return $vrc
}

daemon_pid() { [[ -s $1 ]] && cat "$1"; }

# shellcheck disable=SC2317 # invoked through trap
cleanup() {
	local d p f
	for d in "$G1" "$G2"; do
		timeout 60 virsh -c "$URI" destroy "$d" >/dev/null 2>&1
	done
	for f in libvirtd virtlogd; do
		p=$(daemon_pid "/run/$f.pid") && kill "$p" 2>/dev/null
	done
	sleep 2
	for f in guest.console guest.out guest-2.console guest-2.out libvirtd.log; do
		[[ -e $job/$f ]] && cp "$job/$f" "$out/$f"
	done
	for f in /var/log/libvirt/qemu/*.log; do
		[[ -e $f ]] && cp "$f" "$out/qemu-${f##*/}"
	done
	for d in "$G1_MDEV" "$G2_MDEV"; do
		[[ -e $DEVICES/$d ]] &&
			timeout 30 sh -c "echo 1 >$DEVICES/$d/remove"
	done
	if rmmod vhca_mdev vhca_core; then
		check modules-unload ok
	else
		check modules-unload fail "rmmod vhca_mdev vhca_core failed"
	fi
	dmesg >"$out/host.log"
}
trap cleanup EXIT

mkdir -p "$job"
: >"$out/virsh.log"
log "loading vfio, mdev and vhca (hcas=1)"
"$top/selftests/load-modules.sh" "$kmod" hcas=1 || exit 1

# ---- libvirt, configured for the test VM -----------------------------------
# The VM's / is a private overlay: these writes vanish at power-off.
log "installing the hook: make install-hooks"
make -s -C "$top" install-hooks || { check hook-installed fail "make install-hooks failed"; exit 1; }
if [[ -x /etc/libvirt/hooks/qemu.d/vhca ]]; then
	check hook-installed ok
else
	check hook-installed fail "no /etc/libvirt/hooks/qemu.d/vhca"
fi
# QEMU as root without confinement (as the e2e runs its guests); no cgroup
# controllers and no mount namespace (no systemd, no machined in the VM).
cat >>/etc/libvirt/qemu.conf <<'EOF'
# vhca libvirt e2e (selftests/libvirt/l1.sh)
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
EOF
cat >>/etc/libvirt/libvirtd.conf <<EOF
# vhca libvirt e2e (selftests/libvirt/l1.sh): hooks and commands in detail
log_filters = "1:util.hook 1:util.command"
log_outputs = "1:file:$job/libvirtd.log"
EOF

log "starting virtlogd and libvirtd"
# Both fork into the background once they are set up.
timeout -k 5 "$vt" virtlogd -d || check libvirtd-started fail "virtlogd -d failed"
timeout -k 5 "$vt" libvirtd -d || check libvirtd-started fail "libvirtd -d failed"
end=$((SECONDS + vt))
until vsh version; do
	if ((SECONDS >= end)); then
		check libvirtd-started fail "virsh version failed for $vt s: $vout"
		exit 1
	fi
	sleep 2
done
check libvirtd-started ok
log "libvirtd is up: $(grep -i 'running hypervisor' <<<"$vout")"

# ---- the two domains -------------------------------------------------------
cat >"$job/guest.env" <<EOF
MAC=$G1_MAC
IP=10.0.2.15/24
PVRDMA_KO=$ko
EOF
APPEND="console=ttyS0,115200 loglevel=5 panic=-1 rdinit=/init"
APPEND+=" cryptomgr.notests mitigations=off tsc=reliable no_timer_check nowatchdog"
APPEND+=" e2e.init=$here/guest.sh e2e.job=$job/guest.env"
mkdom() { # mkdom NAME-SUFFIX [mkdomain options]: XML on stdout
	local s=$1
	shift
	python3 "$here/mkdomain.py" "$EXAMPLE" --kernel "$vmlinuz" \
		--initrd "$initrd" --cmdline "$APPEND" \
		--console "$job/$s.console" --output "$job/$s.out" "$@"
}
mkdom guest >"$out/$G1.xml" || exit 1
mkdom guest-2 --name "$G2" --uuid "$G2_UUID" --mdev-uuid "$G2_MDEV" \
	--type "$G2_TYPE" --mac "$G2_MAC" >"$out/$G2.xml" || exit 1

if vsh define "$out/$G1.xml" && vsh define "$out/$G2.xml"; then
	check define ok
else
	check define fail "$vout"
fi

# instance_is UUID TYPE MAC: the instance exists with this type and MAC.
instance_is() {
	local d=$DEVICES/$1 t m
	[[ -e $d ]] || { why="$1 does not exist"; return 1; }
	t=$(readlink -f "$d/mdev_type")
	m=$(<"$d/vhca/mac")
	[[ $t == */vhca0/mdev_supported_types/$2 ]] ||
		{ why="$1 is a ${t##*/}, not a $2"; return 1; }
	[[ $m == "$3" ]] || { why="$1 has vhca/mac $m, not $3"; return 1; }
}

log "virsh start $G1"
s=$SECONDS
if vsh start "$G1"; then
	check start ok
else
	check start fail "$vout"
fi
log "virsh start $G1 took $((SECONDS - s)) s"
if instance_is "$G1_MDEV" "$G1_TYPE" "$G1_MAC"; then
	check hook-created-instance ok
else
	check hook-created-instance fail "$why"
fi
if [[ -s /run/vhca-hook/$G1_UUID ]]; then
	check hook-recorded-instance ok
else
	check hook-recorded-instance fail "no record in /run/vhca-hook"
fi
p=$(daemon_pid "/run/libvirt/qemu/$G1.pid")
if [[ -n $p ]] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "$DEVICES/$G1_MDEV"; then
	check qemu-has-hostdev ok
else
	check qemu-has-hostdev fail "QEMU (pid ${p:-none}) has no vfio-pci for $DEVICES/$G1_MDEV"
fi

# No capacity left for a whole HCA while the first domain runs.
log "virsh start $G2 (expected to fail: no capacity)"
if vsh start "$G2"; then
	check no-capacity-refused fail "virsh start $G2 succeeded"
elif [[ $vout == *"vhca-hook: domain $G2: cannot create vhca instance $G2_MDEV: no capacity left on vhca0 for $G2_TYPE"* ]]; then
	check no-capacity-refused ok
	log "virsh said: $vout"
else
	check no-capacity-refused fail "no hook message in: $vout"
fi
vsh domstate "$G2"
st=$vout
if [[ ! -e $DEVICES/$G2_MDEV && $st == "shut off" ]]; then
	check no-capacity-nothing-left ok
else
	check no-capacity-nothing-left fail "state '$st', instance $G2_MDEV $( [[ -e $DEVICES/$G2_MDEV ]] && echo exists || echo absent)"
fi

# ---- the guest ---------------------------------------------------------------
guest_checks() {
	log "waiting up to $guest_timeout s for the guest's output ($job/guest.out)"
	end=$((SECONDS + guest_timeout))
	next=$((SECONDS + 60))
	done=0
	while ((SECONDS < end)); do
		if grep -q '^libvirt-guest: done' "$job/guest.out" 2>/dev/null; then
			done=1
			break
		fi
		if ((SECONDS >= next)); then
			next=$((SECONDS + 60))
			vsh domstate "$G1"
			[[ $vout == running ]] || { log "$G1 is $vout"; break; }
			log "still waiting; last guest line: $(tail -n 1 "$job/guest.out" 2>/dev/null | tr -d '\r')"
			cp "$job/guest.out" "$job/guest.console" "$out/" 2>/dev/null
		fi
		sleep 5
	done
	log "guest output after $((SECONDS - s)) s from virsh start"
	gout=$(tr -d '\r' <"$job/guest.out" 2>/dev/null)
	if ((done)); then
		check guest-finished ok
	else
		check guest-finished fail "no 'libvirt-guest: done' from the guest"
	fi
	# vmw_pvrdma bound to 00:05.1 (the instance), next to vmxnet3 at 00:05.0.
	if grep -q '^0000:00:05.1 vendor 0x15ad device 0x0820 driver vmw_pvrdma' <<<"$gout" &&
		grep -q '^0000:00:05.0 vendor 0x15ad device 0x07b0 driver vmxnet3' <<<"$gout"; then
		check guest-vmw_pvrdma-bound ok
	else
		check guest-vmw_pvrdma-bound fail "vmw_pvrdma not bound at 00:05.1 (see guest.out)"
	fi
	devinfo=$(sed -n '/^\$ ibv_devinfo/,/^libvirt-guest: ibv_devinfo status/p' <<<"$gout")
	if [[ $devinfo == *"libvirt-guest: ibv_devinfo status 0"* ]] &&
		grep -qE 'state:[[:space:]]+PORT_ACTIVE' <<<"$devinfo" &&
		grep -qE 'link_layer:[[:space:]]+Ethernet' <<<"$devinfo"; then
		check guest-ibv_devinfo-port-active ok
	else
		check guest-ibv_devinfo-port-active fail "ibv_devinfo -v: no success with PORT_ACTIVE and Ethernet (see guest.out)"
	fi
	# The node GUID is the modified EUI-64 of the MAC the hook wrote.
	IFS=: read -r m0 m1 m2 m3 m4 m5 <<<"$G1_MAC"
	guid=$(printf '%02x%s:%sff:fe%s:%s%s' $((0x$m0 ^ 2)) "$m1" "$m2" "$m3" "$m4" "$m5")
	if grep -qE "node_guid:[[:space:]]+$guid" <<<"$devinfo"; then
		check guest-node-guid-from-mac ok
	else
		check guest-node-guid-from-mac fail "node_guid is not $guid"
	fi
	if grep -qE 'GID\[ *[0-9]+\]:.*(10\.0\.2\.15|ffff:0a00:020f).*RoCE v2' <<<"$devinfo"; then
		check guest-roce-v2-gid ok
	else
		check guest-roce-v2-gid fail "no RoCE v2 GID of 10.0.2.15"
	fi
	st=$(cat "$DEVICES/$G1_MDEV/vhca/state" 2>/dev/null)
	if [[ $st == active ]]; then
		check instance-active ok
	else
		check instance-active fail "vhca/state is '$st'"
	fi
}

GUEST_CHECKS=(guest-finished guest-vmw_pvrdma-bound guest-ibv_devinfo-port-active
	guest-node-guid-from-mac guest-roce-v2-gid instance-active)
if [[ ${LIBVIRT_E2E_QUICK:-0} == 1 ]]; then
	# Quick mode: libvirt and the hook only; the guest is not waited for.
	for c in "${GUEST_CHECKS[@]}"; do
		check "$c" skip "LIBVIRT_E2E_QUICK=1: the guest is not waited for"
	done
else
	guest_checks
fi

log "virsh destroy $G1"
if vsh destroy "$G1"; then
	check destroy ok
else
	check destroy fail "$vout"
fi
if [[ ! -e $DEVICES/$G1_MDEV && ! -e /run/vhca-hook/$G1_UUID ]]; then
	check hook-removed-instance ok
else
	check hook-removed-instance fail "left: $(echo "$DEVICES"/* /run/vhca-hook/*)"
fi

# libvirt ran the hook for this domain at prepare and at release (its
# command log, util.command at debug level).
hook=/etc/libvirt/hooks/qemu.d/vhca
if grep -qF "$hook $G1 prepare begin -" "$job/libvirtd.log" &&
	grep -qF "$hook $G1 release end -" "$job/libvirtd.log"; then
	check libvirt-ran-hook ok
else
	check libvirt-ran-hook fail "no '$hook $G1 prepare begin -' and '... release end -' in libvirtd.log"
fi

# Capacity is back: the second domain starts, and its instance goes with it.
log "virsh start $G2 (capacity is back)"
if vsh start "$G2" && instance_is "$G2_MDEV" "$G2_TYPE" "$G2_MAC"; then
	check start-after-release ok
else
	check start-after-release fail "${why:-$vout}"
fi
if vsh destroy "$G2" && [[ ! -e $DEVICES/$G2_MDEV ]]; then
	check destroy-second ok
else
	check destroy-second fail "$vout; left: $(echo "$DEVICES"/*)"
fi
vsh undefine "$G1"
vsh undefine "$G2"
log "done"
exit 0
