#!/bin/bash
# ok and notok always succeed, so "A && ok || notok" is an if-else;
# cleanup runs from a trap.
# shellcheck disable=SC2015,SC2317
# SPDX-License-Identifier: GPL-2.0-only
# vhcactl in the test VM: every command, every error path and its exit
# code, --json output that parses, selftest, an instance held open by a
# VMM-like process, an unprivileged user, and the modules not loaded.
# Needs vhca_core (hcas >= 2) and vhca_mdev loaded and no instance; leaves
# no instance behind and the modules loaded as it found them. Prints TAP.
# usage: vhcactl_test.sh   (VHCACTL=path overrides build/userspace/vhcactl)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
V=${VHCACTL:-$top/build/userspace/vhcactl}
KMOD=${VHCA_KMOD:-$top/build/kmod/$(uname -r)}
MAN=$top/userspace/man/vhcactl.8
tmp=$(mktemp -d /tmp/vhcactl_test.XXXXXX)
failed=0
created=()
holder_pid=

ok() { echo "ok - vhcactl: $1"; }
notok() {
	echo "not ok - vhcactl: $1"
	[ -n "${2:-}" ] && printf '#   %s\n' "${2//$'\n'/$'\n#   '}"
	failed=1
}
skip() { echo "ok - vhcactl: $1 # SKIP $2"; }

# run CMD...: $rc, $out (stdout) and $err (stderr) of CMD
run() {
	out=$("$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# expect DESC RC STDERR_REGEX CMD...: CMD exits RC, stderr matches
expect() {
	local desc=$1 want=$2 re=$3
	shift 3
	run "$@"
	if [ "$rc" = "$want" ] && grep -qE -- "$re" <<<"$err"; then
		ok "$desc"
	else
		notok "$desc" "exit $rc (want $want); stderr: $err"
	fi
}

# json_ok DESC PYTHON_EXPR: $out is JSON and EXPR (on d) is true
json_ok() {
	if python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2" <<<"$out" 2>"$tmp/json.err"; then
		ok "$1"
	else
		notok "$1" "$(cat "$tmp/json.err"; head -c 2000 <<<"$out")"
	fi
}

sysfs() { cat "/sys/bus/mdev/devices/$1/$2" 2>/dev/null; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

load_mdev() {
	[ -d /sys/class/mdev_bus/vhca0 ] || insmod "$KMOD/vfio-mdev/vhca_mdev.ko"
}

# Restore vhca_core with the parameters it had (all are readable).
core_params=()
load_core() {
	[ -d /sys/class/vhca ] || insmod "$KMOD/kernel/vhca_core.ko" "${core_params[@]}"
}

cleanup() {
	local u
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null && wait "$holder_pid" 2>/dev/null
	load_core
	load_mdev
	for u in "${created[@]}"; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 >"/sys/bus/mdev/devices/$u/remove"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

# create_ok DESC ARGS...: a successful create, remembered for cleanup
create_ok() {
	local desc=$1
	shift
	run "$V" create "$@"
	if [ "$rc" = 0 ] && grep -qE "$uuid_re" <<<"$out"; then
		created+=("$out")
		ok "$desc"
	else
		notok "$desc" "exit $rc; stdout: $out; stderr: $err"
		out=
	fi
}

if [ ! -x "$V" ]; then
	notok "build/userspace/vhcactl exists (run make userspace)"
	exit 1
fi

# ---- man page and usage ----
if command -v groff >/dev/null; then
	run groff -man -Tascii -ww -z "$MAN"
	[ "$rc" = 0 ] && [ -z "$err" ] && ok "man page renders without groff warnings" ||
		notok "man page renders without groff warnings" "$err"
	run env MANWIDTH=80 man --warnings -l "$MAN"
	[ "$rc" = 0 ] && [ -z "$err" ] && grep -q "EXIT STATUS" <<<"$out" &&
		ok "man -l shows the page, no warnings" ||
		notok "man -l shows the page, no warnings" "$err"
else
	skip "man page" "groff not installed"
fi
run "$V" --help
[ "$rc" = 0 ] && grep -q "Exit status" <<<"$out" && ok "--help: usage and exit codes, status 0" ||
	notok "--help" "exit $rc"
expect "no command: usage, status 2" 2 "usage" "$V"
expect "unknown command: status 2" 2 "unknown command 'frobnicate'" "$V" frobnicate
expect "unknown option: status 2" 2 "" "$V" create vhca-pvrdma-8 --bogus

# ---- list ----
run "$V" list
[ "$rc" = 0 ] && grep -q "^vhca0: 8 slices" <<<"$out" && grep -q "vhca-pvrdma-8" <<<"$out" &&
	ok "list: HCAs and types" || notok "list: HCAs and types" "exit $rc: $out $err"
run "$V" --json list
json_ok "list --json parses: HCAs, 4 types each with quotas" \
	'len(d["hcas"]) >= 2 and all(len(h["types"]) == 4 and h["types"][0]["quotas"]["qps"] > 0 for h in d["hcas"])'
expect "list --hca of an unknown HCA: status 5" 5 "no HCA vhca9" "$V" list --hca vhca9

# ---- create ----
create_ok "create vhca-pvrdma-4 (defaults: vhca0, random UUID)" vhca-pvrdma-4
u1=$out
u2=$(uuidgen)
create_ok "create --uuid --mac --hca vhca0" vhca-pvrdma-8 --hca vhca0 --uuid "$u2" --mac 52:54:00:12:34:56
[ "$out" = "$u2" ] && [ "$(sysfs "$u2" vhca/mac)" = 52:54:00:12:34:56 ] &&
	ok "create: given UUID used, vhca/mac set" || notok "create: given UUID used, vhca/mac set" "$out $(sysfs "$u2" vhca/mac)"
run "$V" --json create vhca-pvrdma-8
[ "$rc" = 0 ] && created+=("$(python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])' <<<"$out" 2>/dev/null)")
json_ok "create --json prints the new instance" 'd["state"] == "created" and d["type"] == "vhca-pvrdma-8"'
u3=${created[-1]}

if [ -e "/sys/bus/mdev/devices/$u1/vhca/network" ]; then
	create_ok "create --network 7 (supported by this module)" vhca-pvrdma-8 --network 7
	[ "$(sysfs "$out" vhca/network)" = 7 ] && ok "create: vhca/network is 7" ||
		notok "create: vhca/network is 7" "$(sysfs "$out" vhca/network)"
else
	u=$(uuidgen)
	expect "create --network: not supported by this kernel module, status 8" 8 \
		"network: not supported by this kernel module" "$V" create vhca-pvrdma-8 --uuid "$u" --network 7
	[ ! -e "/sys/bus/mdev/devices/$u" ] && ok "create --network: nothing left behind" ||
		{ created+=("$u"); notok "create --network: nothing left behind"; }
fi
if [ -e "/sys/bus/mdev/devices/$u1/vhca/qos_weight" ]; then
	create_ok "create --qos weight=4,rate=100 (supported by this module)" vhca-pvrdma-8 --qos weight=4,rate=100
	[ "$(sysfs "$out" vhca/qos_weight)" = 4 ] && [ "$(sysfs "$out" vhca/qos_rate_mbps)" = 100 ] &&
		ok "create: vhca/qos_weight is 4, vhca/qos_rate_mbps is 100" ||
		notok "create: vhca/qos_weight is 4, vhca/qos_rate_mbps is 100" "$(sysfs "$out" vhca/qos_weight)"
	u=$(uuidgen)
	expect "create --qos weight=0: the kernel rejects it, status 2" 2 \
		"the kernel rejected qos.weight=0" "$V" create vhca-pvrdma-8 --uuid "$u" --qos weight=0
	[ ! -e "/sys/bus/mdev/devices/$u" ] && ok "create --qos weight=0: the instance was removed again" ||
		{ created+=("$u"); notok "create --qos weight=0: the instance was removed again"; }
else
	u=$(uuidgen)
	expect "create --qos: not supported by this kernel module, status 8" 8 \
		"qos.weight: not supported by this kernel module" "$V" create vhca-pvrdma-8 --uuid "$u" --qos weight=4
	[ ! -e "/sys/bus/mdev/devices/$u" ] && ok "create --qos: the instance was removed again" ||
		{ created+=("$u"); notok "create --qos: the instance was removed again"; }
fi
expect "create --qos with an unknown key: status 2" 2 "unknown key 'burst'" "$V" create vhca-pvrdma-8 --qos burst=1
expect "create --mac multicast: status 2" 2 "mac: '01:00:5e:00:00:01' is not valid" \
	"$V" create vhca-pvrdma-8 --mac 01:00:5e:00:00:01
expect "create --network not a number: status 2" 2 "network: 'blue' is not valid" \
	"$V" create vhca-pvrdma-8 --network blue
expect "create of an unknown type: status 5, lists the types" 5 \
	"unknown type 'vhca-pvrdma-3' on vhca0; the types are: vhca-pvrdma-1, " "$V" create vhca-pvrdma-3
expect "create on an unknown HCA: status 5, lists the HCAs" 5 "no HCA vhca9; the HCAs are: vhca0, vhca1" \
	"$V" create vhca-pvrdma-8 --hca vhca9
expect "create with a malformed UUID: status 2" 2 "'not-a-uuid' is not a UUID" \
	"$V" create vhca-pvrdma-8 --uuid not-a-uuid
expect "create with an existing UUID: status 1" 1 "already exists" "$V" create vhca-pvrdma-8 --uuid "$u2"
expect "create without TYPE: usage, status 2" 2 "usage" "$V" create

# No capacity: vhca1 taken whole, then one more.
create_ok "create vhca-pvrdma-1 takes all of vhca1" vhca-pvrdma-1 --hca vhca1
expect "create on a full HCA: status 6, says why and what to do" 6 \
	"no capacity left \(vhca-pvrdma-8 needs 1 slices, 0 of the HCA's slices are free\). Destroy an instance" \
	"$V" create vhca-pvrdma-8 --hca vhca1
expect "create of a too large type: status 6, lists the types that fit" 6 \
	"that still fits: vhca-pvrdma-8, vhca-pvrdma-4" "$V" create vhca-pvrdma-1

# ---- list, info, stats of instances ----
run "$V" list
grep -qE "^  $u2 vhca-pvrdma-8 +created +reset +52:54:00:12:34:56" <<<"$out" &&
	ok "list shows the instances: type, state, device state, MAC" || notok "list shows the instances" "$out"
run "$V" list --json
json_ok "list --json: the instances with state and users" \
	"[i for h in d['hcas'] for i in h['instances'] if i['uuid'] == '$u2' and i['state'] == 'created' and i['users'] == [] and i['mac'] == '52:54:00:12:34:56']"
run "$V" info "$u1"
[ "$rc" = 0 ] && grep -q "PCI 15ad:0820" <<<"$out" && ok "info: sysfs and VFIO view" ||
	notok "info: sysfs and VFIO view" "exit $rc: $out $err"
run "$V" --json info "$u1"
json_ok "info --json parses: quotas, counters, VFIO IDs" \
	'd["vfio"]["pci_id"] == "15ad:0820" and d["quotas"]["qps"] == 2048 and d["counters"]["qps"] == 0 and d["state"] == "created"'
run "$V" stats "$u1"
[ "$rc" = 0 ] && grep -qE "^  pinned_pages +0" <<<"$out" && ok "stats: counters" || notok "stats" "$out $err"
run "$V" stats "$u1" --json
json_ok "stats --json parses" 'set(["commands", "command_errors", "pinned_pages", "qps", "uctxs"]) <= set(d["counters"])'
for c in info stats selftest; do
	expect "$c of a malformed UUID: status 2" 2 "is not a UUID" "$V" "$c" 1234
	expect "$c of an unknown instance: status 5" 5 "no vhca instance" "$V" "$c" "$(uuidgen)"
done

# ---- set ----
run "$V" set "$u1" mac=02:00:00:aa:bb:cc
[ "$rc" = 0 ] && [ "$(sysfs "$u1" vhca/mac)" = 02:00:00:aa:bb:cc ] && ok "set mac" ||
	notok "set mac" "exit $rc: $err"
run "$V" --json set "$u1" mac=02:00:00:aa:bb:cd
json_ok "set --json prints the instance" 'd["mac"] == "02:00:00:aa:bb:cd"'
expect "set a malformed MAC: status 2" 2 "mac: 'zz:00:00:00:00:01' is not valid" "$V" set "$u1" mac=zz:00:00:00:00:01
expect "set a multicast MAC: status 2" 2 "is not valid" "$V" set "$u1" mac=03:00:00:00:00:01
expect "set an unknown attribute: status 2" 2 "unknown attribute 'colour'" "$V" set "$u1" colour=red
expect "set without =: status 2" 2 "is not ATTR=VALUE" "$V" set "$u1" mac
if [ -e "/sys/bus/mdev/devices/$u1/vhca/qos_weight" ]; then
	run "$V" set "$u1" qos.weight=3 qos.rate=0
	[ "$rc" = 0 ] && [ "$(sysfs "$u1" vhca/qos_weight)" = 3 ] && ok "set qos.weight" ||
		notok "set qos.weight" "exit $rc: $err"
	expect "set qos.weight out of range: status 2" 2 "the kernel rejected qos.weight=101" \
		"$V" set "$u1" qos.weight=101
else
	expect "set qos.weight: not supported, status 8" 8 "not supported by this kernel module" "$V" set "$u1" qos.weight=3
fi
expect "set on an unknown instance: status 5" 5 "no vhca instance" "$V" set "$(uuidgen)" mac=02:00:00:00:00:01
expect "set on a malformed UUID: status 2" 2 "is not a UUID" "$V" set nope mac=02:00:00:00:00:01

# ---- selftest ----
run "$V" selftest "$u1"
[ "$rc" = 0 ] && grep -q "^PASSED" <<<"$out" && ok "selftest passes" || notok "selftest passes" "$out $err"
for o in create_uctx create_pd create_cq create_mr create_srq create_qp destroy_qp destroy_uctx release; do
	grep -qE "^  ok +$o " <<<"$out" || notok "selftest step $o" "$out"
done
run "$V" --json selftest "$u1"
json_ok "selftest --json: passed, 19 steps all ok" 'd["passed"] and len(d["steps"]) == 19 and all(s["ok"] for s in d["steps"])'
run "$V" --json stats "$u1"
json_ok "counters return to 0 after selftest (objects and pins), commands counted" \
	'all(d["counters"][k] == 0 for k in ("uctxs", "pds", "cqs", "mrs", "qps", "srqs", "pinned_pages")) and d["counters"]["commands"] > 0 and d["device_state"] == "reset"'

# ---- an instance a VMM holds open ----
cat >"$tmp/hold.py" <<'EOF'
# Hold an mdev open through VFIO as QEMU does (container, group, device).
import fcntl, os, signal, struct, sys
uuid = sys.argv[1]
group = os.path.basename(os.readlink("/sys/bus/mdev/devices/%s/iommu_group" % uuid))
container = os.open("/dev/vfio/vfio", os.O_RDWR)
fd = os.open("/dev/vfio/" + group, os.O_RDWR)
fcntl.ioctl(fd, 0x3b68, struct.pack("i", container))    # GROUP_SET_CONTAINER
fcntl.ioctl(container, 0x3b66, 3)                        # SET_IOMMU TYPE1v2
dev = fcntl.ioctl(fd, 0x3b6a, bytearray(uuid.encode() + b"\0"), True)
open(sys.argv[2], "w").write("%d\n" % dev)
signal.pause()
EOF
python3 "$tmp/hold.py" "$u3" "$tmp/held" &
holder_pid=$!
for _ in $(seq 50); do [ -s "$tmp/held" ] && break; sleep 0.1; done
if [ -s "$tmp/held" ]; then
	ok "a process holds $u3 open through VFIO"
	run "$V" list
	grep -qE "^  $u3 vhca-pvrdma-8 +in use .* $holder_pid\(python3\)" <<<"$out" &&
		ok "list: state 'in use' with the holder's pid" || notok "list: state 'in use' with the holder's pid" "$out"
	run "$V" --json info "$u3"
	json_ok "info --json: in use, users, VFIO view skipped" \
		"d['state'] == 'in use' and d['users'][0]['pid'] == $holder_pid and d['vfio'] is None and 'in use' in d['vfio_skipped']"
	expect "set mac while open: status 7 (EBUSY), says what to do" 7 \
		"the instance is open \(users: $holder_pid\(python3\)\).*Shut the VM down" "$V" set "$u3" mac=02:00:00:00:00:09
	expect "destroy while in use: status 7" 7 "not destroying $u3: it is in use.*--force" "$V" destroy "$u3"
	expect "selftest of an instance in use: status 7" 7 "selftest needs an unused instance" "$V" selftest "$u3"
	"$V" destroy --force "$u3" >"$tmp/force.out" 2>&1 &
	force_pid=$!
	sleep 1
	if kill -0 "$force_pid" 2>/dev/null; then
		ok "destroy --force waits while the VMM holds the device"
	else
		notok "destroy --force waits while the VMM holds the device" "$(cat "$tmp/force.out")"
	fi
	kill "$holder_pid"
	wait "$holder_pid" 2>/dev/null
	holder_pid=
	wait "$force_pid"
	frc=$?
	[ "$frc" = 0 ] && [ ! -e "/sys/bus/mdev/devices/$u3" ] &&
		ok "destroy --force completes once the VMM lets go" ||
		notok "destroy --force completes once the VMM lets go" "exit $frc: $(cat "$tmp/force.out")"
else
	notok "a process holds $u3 open through VFIO" "$(jobs -l)"
fi

# ---- not root ----
expect "create as nobody: status 4, needs root" 4 "permission denied.*needs root" nobody "$V" create vhca-pvrdma-8
expect "destroy as nobody: status 4" 4 "permission denied.*needs root" nobody "$V" destroy "$u1"
expect "set as nobody: status 4" 4 "permission denied.*needs root" nobody "$V" set "$u1" mac=02:00:00:00:00:08
expect "selftest as nobody: status 4" 4 "permission denied; selftest needs root" nobody "$V" selftest "$u1"
run nobody "$V" --json list
json_ok "list --json as nobody: works, users unknown (null)" \
	"[i for h in d['hcas'] for i in h['instances'] if i['uuid'] == '$u1' and i['users'] is None]"
run nobody "$V" info "$u1"
[ "$rc" = 0 ] && grep -q "not opened: VFIO needs root" <<<"$out" && ok "info as nobody: sysfs view only" ||
	notok "info as nobody" "exit $rc: $out $err"

# ---- destroy ----
expect "destroy of a malformed UUID: status 2" 2 "is not a UUID" "$V" destroy xyz
expect "destroy of an unknown instance: status 5" 5 "no vhca instance" "$V" destroy "$(uuidgen)"
run "$V" --json destroy "$u1"
json_ok "destroy --json" "d['uuid'] == '$u1' and d['destroyed'] and not d['still_defined']"
all_gone=0
for u in "${created[@]}"; do
	[ -e "/sys/bus/mdev/devices/$u" ] || continue
	"$V" destroy "$u" || all_gone=1
	[ -e "/sys/bus/mdev/devices/$u" ] && all_gone=1
done
[ "$all_gone" = 0 ] && ok "destroy removes every instance created here" || notok "destroy removes every instance"
run "$V" --json list
json_ok "list --json after destroy: no instances, all slices free" \
	'all(h["instances"] == [] and h["slices_free"] == h["slices"] for h in d["hcas"])'

# ---- modules not loaded ----
if [ -n "$(ls /sys/bus/mdev/devices 2>/dev/null)" ] || [ ! -f "$KMOD/vfio-mdev/vhca_mdev.ko" ]; then
	skip "modules not loaded" "instances exist or no .ko at $KMOD"
elif rmmod vhca_mdev; then
	expect "list without vhca_mdev: status 3, says to load it" 3 "Load it: .*insmod vhca_mdev.ko" "$V" list
	expect "create without vhca_mdev: status 3" 3 "vhca_mdev is not" "$V" create vhca-pvrdma-8
	for p in /sys/module/vhca_core/parameters/*; do
		core_params+=("$(basename "$p")=$(cat "$p")")
	done
	if [ -n "$(ls /sys/module/vhca_core/holders 2>/dev/null)" ]; then
		skip "vhca not loaded at all" "other modules use vhca_core: $(ls /sys/module/vhca_core/holders)"
	elif rmmod vhca_core; then
		expect "list without vhca: status 3, says how to load it" 3 "vhca is not loaded: /sys/class/vhca does not exist" "$V" list
		expect "destroy without vhca: status 3" 3 "vhca is not loaded" "$V" destroy "$u1"
		load_core && ok "vhca_core reloaded with its parameters" || notok "vhca_core reloaded"
	else
		notok "rmmod vhca_core"
	fi
	load_mdev && ok "vhca_mdev reloaded" || notok "vhca_mdev reloaded"
	[ "$(cat /sys/class/vhca/vhca0/slices 2>/dev/null)" = 8 ] && [ -d /sys/class/vhca/vhca1 ] &&
		ok "HCAs back as before" || notok "HCAs back as before"
else
	notok "rmmod vhca_mdev"
fi

exit $failed
