#!/bin/bash
# ok and notok always succeed, so "A && ok || notok" is an if-else;
# cleanup runs from a trap.
# shellcheck disable=SC2015,SC2317
# SPDX-License-Identifier: GPL-2.0-only
# mdevctl unchanged on vhca, in the test VM: types, define --auto, an
# attribute (vhca/mac) by modify --addattr and by --jsonfile (the example
# under libvirt-hooks/examples), start/stop/list, what vhcactl shows of it,
# no capacity, and definitions surviving a reload of vhca_mdev; autostart
# as udev runs it (mdevctl start-parent-mdevs; there is no udevd in the
# VM). Leaves no definition or instance behind and vhca_mdev loaded as it
# found it. Prints TAP.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
V=${VHCACTL:-$top/build/userspace/vhcactl}
KMOD=${VHCA_KMOD:-$top/build/kmod/$(uname -r)}
JSON=$top/libvirt-hooks/examples/mdevctl-vhca-pvrdma-4.json
tmp=$(mktemp -d /tmp/mdevctl_test.XXXXXX)
failed=0
defined=()

ok() { echo "ok - mdevctl: $1"; }
notok() {
	echo "not ok - mdevctl: $1"
	[ -n "${2:-}" ] && printf '#   %s\n' "${2//$'\n'/$'\n#   '}"
	failed=1
}

if ! command -v mdevctl >/dev/null; then
	echo "ok - mdevctl: all # SKIP mdevctl is not installed (make deps)"
	exit 0
fi
if [ ! -d /sys/class/mdev_bus/vhca1 ] || [ "$(id -u)" != 0 ]; then
	echo "ok - mdevctl: all # SKIP vhca (hcas >= 2) is not loaded here or not root"
	exit 0
fi

cleanup() {
	local u
	[ -d /sys/class/mdev_bus/vhca0 ] || insmod "$KMOD/vfio-mdev/vhca_mdev.ko"
	for u in "${defined[@]}"; do
		mdevctl stop --uuid "$u" >/dev/null 2>&1
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 >"/sys/bus/mdev/devices/$u/remove"
		mdevctl undefine --uuid "$u" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

run() {
	out=$("$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}
sys() { cat "/sys/bus/mdev/devices/$1/$2" 2>/dev/null; }

run mdevctl types
if [ "$rc" = 0 ] && [ "$(grep -c '^  vhca-pvrdma-' <<<"$out")" -ge 8 ] &&
	grep -q "^vhca1$" <<<"$out" && grep -q "Device API: vfio-pci" <<<"$out" &&
	grep -q "Name: PVRDMA adapter, 1/4 of vhca0" <<<"$out" &&
	grep -q "Description: qps=2048, cqs=2048" <<<"$out"; then
	ok "types: both HCAs, four types each, name, description, device API"
else
	notok "types" "rc $rc; $out $err"
fi

u=$(uuidgen)
defined+=("$u")
run mdevctl define --auto --parent vhca0 --type vhca-pvrdma-4 --uuid "$u"
[ "$rc" = 0 ] && [ -f "/etc/mdevctl.d/vhca0/$u" ] && ok "define --auto --parent vhca0 --type vhca-pvrdma-4" ||
	notok "define --auto" "rc $rc; $err"
run mdevctl list --defined
grep -qx "$u vhca0 vhca-pvrdma-4 auto" <<<"$out" && ok "list --defined shows it (auto)" || notok "list --defined" "$out"
run "$V" list --json
python3 -c "import json,sys; d=json.load(sys.stdin); i=[i for h in d['hcas'] for i in h['instances'] if i['uuid']=='$u'][0]; sys.exit(not (i['state']=='defined' and i['autostart']))" <<<"$out" &&
	ok "vhcactl list: state defined, autostart" || notok "vhcactl list: state defined" "$out"
run "$V" info "$u"
[ "$rc" = 5 ] && grep -q "only defined in mdevctl, not created: start it with 'mdevctl start --uuid $u'" <<<"$err" &&
	ok "vhcactl info of a defined-only instance: status 5, says how to start it" || notok "vhcactl info of a defined instance" "$rc $err"

run mdevctl modify --uuid "$u" --addattr=vhca/mac --value=52:54:00:aa:00:01
[ "$rc" = 0 ] && grep -q '"vhca/mac": "52:54:00:aa:00:01"' "/etc/mdevctl.d/vhca0/$u" &&
	ok "modify --addattr=vhca/mac" || notok "modify --addattr" "rc $rc; $err"

run mdevctl start --uuid "$u"
[ "$rc" = 0 ] && [ "$(sys "$u" vhca/mac)" = 52:54:00:aa:00:01 ] &&
	ok "start: the instance exists with vhca/mac applied" || notok "start" "rc $rc; $err"
run mdevctl list
grep -qx "$u vhca0 vhca-pvrdma-4 auto (defined)" <<<"$out" && ok "list shows it running" || notok "list" "$out"
run "$V" list
grep -qE "^  $u vhca-pvrdma-4 +created .*\[mdevctl auto\]$" <<<"$out" &&
	ok "vhcactl list: created, defined in mdevctl" || notok "vhcactl list: created" "$out"
run "$V" selftest "$u"
[ "$rc" = 0 ] && ok "vhcactl selftest of an mdevctl instance passes" || notok "vhcactl selftest" "$out $err"

run mdevctl stop --uuid "$u"
[ "$rc" = 0 ] && [ ! -e "/sys/bus/mdev/devices/$u" ] && ok "stop removes the instance" || notok "stop" "rc $rc; $err"
run mdevctl list --defined
grep -qx "$u vhca0 vhca-pvrdma-4 auto" <<<"$out" && ok "the definition stays after stop" || notok "definition after stop" "$out"

# --jsonfile: the example under libvirt-hooks/examples.
u2=$(uuidgen)
defined+=("$u2")
run mdevctl define --uuid "$u2" --parent vhca1 --jsonfile "$JSON"
[ "$rc" = 0 ] && ok "define --jsonfile examples/mdevctl-vhca-pvrdma-4.json" || notok "define --jsonfile" "$err"
run mdevctl start --uuid "$u2"
[ "$rc" = 0 ] && [ "$(sys "$u2" vhca/mac)" = 52:54:00:12:34:56 ] &&
	[ "$(basename "$(readlink -f "/sys/bus/mdev/devices/$u2/mdev_type")")" = vhca-pvrdma-4 ] &&
	ok "start: type and vhca/mac from the JSON file" || notok "start from --jsonfile" "rc $rc; $err"

# Capacity as mdevctl sees it: vhca1 has 6 of 8 slices free now.
run mdevctl start --uuid "$(uuidgen)" --parent vhca1 --type vhca-pvrdma-1
[ "$rc" != 0 ] && grep -q "No available instances of vhca-pvrdma-1 on vhca1" <<<"$err" &&
	ok "start of a type that does not fit: refused, no available instances" || notok "start without capacity" "rc $rc; $err"

# vhcactl destroy of an mdevctl instance: done, with a note.
run "$V" destroy "$u2"
[ "$rc" = 0 ] && grep -q "note: $u2 is still defined in mdevctl" <<<"$err" && [ ! -e "/sys/bus/mdev/devices/$u2" ] &&
	ok "vhcactl destroy: removed, notes the mdevctl definition" || notok "vhcactl destroy of an mdevctl instance" "rc $rc; $err"

# Definitions survive a reload of vhca_mdev; mdevctl start brings them back.
if rmmod vhca_mdev; then
	run mdevctl list --defined
	grep -q "^$u vhca0 vhca-pvrdma-4 auto" <<<"$out" && grep -q "^$u2 vhca1 vhca-pvrdma-4 auto" <<<"$out" &&
		ok "definitions are listed while vhca_mdev is unloaded" || notok "definitions while unloaded" "$out $err"
	run mdevctl start --uuid "$u"
	[ "$rc" != 0 ] && ok "start without vhca_mdev fails ($(head -1 <<<"$err"))" || notok "start without vhca_mdev fails"
	insmod "$KMOD/vfio-mdev/vhca_mdev.ko" && ok "vhca_mdev reloaded" || notok "vhca_mdev reloaded"
	run mdevctl start --uuid "$u"
	[ "$rc" = 0 ] && [ "$(sys "$u" vhca/mac)" = 52:54:00:aa:00:01 ] &&
		ok "mdevctl start after the reload: the instance is back with its MAC" ||
		notok "start after the reload" "rc $rc; $err"
	# What udev runs when a parent registers (60-mdevctl.rules).
	run mdevctl start-parent-mdevs vhca1
	[ "$rc" = 0 ] && [ "$(sys "$u2" vhca/mac)" = 52:54:00:12:34:56 ] &&
		ok "autostart as udev runs it (start-parent-mdevs vhca1): the auto instance is back with its MAC" ||
		notok "autostart (start-parent-mdevs)" "rc $rc; $err"
	run mdevctl start-parent-mdevs vhca0
	[ "$rc" = 0 ] && [ -e "/sys/bus/mdev/devices/$u" ] &&
		ok "start-parent-mdevs when the instance runs already: no error" || notok "start-parent-mdevs again" "$rc $err"
else
	notok "rmmod vhca_mdev" "$(ls /sys/bus/mdev/devices)"
fi

for x in "$u" "$u2"; do
	mdevctl stop --uuid "$x" >/dev/null 2>&1
	mdevctl undefine --uuid "$x" >/dev/null 2>&1
done
run mdevctl list --defined
[ -z "$out" ] && [ ! -e "/etc/mdevctl.d/vhca0/$u" ] && [ ! -e "/sys/bus/mdev/devices/$u" ] &&
	ok "stop and undefine: nothing left" || notok "stop and undefine" "$out"
exit $failed
