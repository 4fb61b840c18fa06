#!/bin/bash
# ok and notok always succeed, so "A && ok || notok" is an if-else;
# cleanup runs from a trap.
# shellcheck disable=SC2015,SC2317
# SPDX-License-Identifier: GPL-2.0-only
# The libvirt hook (libvirt-hooks/vhca-hook.sh): shellcheck, dry runs
# against sample domain XML (instances, no metadata, malformed), other
# operations, make install-hooks; then, where vhca is loaded (the test VM),
# real prepare/release cycles as libvirt runs them: instances created with
# the NIC's MAC, idempotent prepare, existing instances left alone, release,
# rollback and the message when no capacity is left. Leaves no instance
# behind. Prints TAP.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
HOOK=$top/libvirt-hooks/vhca-hook.sh
EXAMPLE=$top/libvirt-hooks/examples/vhca-guest.xml
tmp=$(mktemp -d /tmp/hooks_test.XXXXXX)
failed=0
extra=()	# instances this test creates itself, outside the hook

ok() { echo "ok - hook: $1"; }
notok() {
	echo "not ok - hook: $1"
	[ -n "${2:-}" ] && printf '#   %s\n' "${2//$'\n'/$'\n#   '}"
	failed=1
}
skip() { echo "ok - hook: $1 # SKIP $2"; }

cleanup() {
	local f u
	for f in "$tmp"/state/*; do
		[ -f "$f" ] || continue
		while read -r u; do
			[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 >"/sys/bus/mdev/devices/$u/remove"
		done <"$f"
	done
	for u in "${extra[@]}"; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 >"/sys/bus/mdev/devices/$u/remove"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# A logger that writes to a file: the hook's journal lines become visible.
mkdir -p "$tmp/bin" "$tmp/state"
cat >"$tmp/bin/logger" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/log"
EOF
chmod +x "$tmp/bin/logger"
export PATH="$tmp/bin:$PATH" VHCA_HOOK_STATE_DIR="$tmp/state"

# hook ARGS... < XML: $rc, $out, $err
hook() {
	out=$("$HOOK" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# domain NAME UUID METADATA DEVICES: a domain XML on stdout
domain() {
	cat <<EOF
<domain type='kvm'>
  <name>$1</name>
  <uuid>$2</uuid>
  <metadata>$3</metadata>
  <memory unit='MiB'>512</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>$4</devices>
</domain>
EOF
}
ns='xmlns:vhca="https://vhca.example/ns/1"'
nic() { # nic MAC SLOT [MODEL] [ALIAS]
	echo "<interface type='user'><mac address='$1'/><model type='${3:-vmxnet3}'/>${4:+<alias name=\"$4\"/>}<address type='pci' domain='0x0000' bus='0x00' slot='$2' function='0x0' multifunction='on'/></interface>"
}
mdev() { # mdev UUID SLOT
	echo "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='$1'/></source><address type='pci' domain='0x0000' bus='0x00' slot='$2' function='0x1'/></hostdev>"
}

# ---- static checks ----
if command -v shellcheck >/dev/null; then
	shellcheck "$HOOK" >"$tmp/sc" 2>&1 && ok "shellcheck is clean" || notok "shellcheck is clean" "$(cat "$tmp/sc")"
else
	skip "shellcheck" "not installed"
fi
bash -n "$HOOK" && [ -x "$HOOK" ] && ok "the hook is executable bash" || notok "the hook is executable bash"
grep -v '^[[:space:]]*#' "$HOOK" | grep -qw virsh && notok "the hook never calls virsh" || ok "the hook never calls virsh"
hook </dev/null
[ "$rc" = 2 ] && grep -q usage <<<"$err" && ok "no arguments: usage, status 2" || notok "no arguments" "$rc $err"

# ---- dry runs ----
hook --dry-run <"$EXAMPLE"
want="# vhca-hook: domain vhca-guest, operation prepare, 1 vhca instance(s)
echo 6f9d2c1e-3b4a-4f5e-9d8c-7b6a5f4e3d2c > /sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-4/create
# 6f9d2c1e-3b4a-4f5e-9d8c-7b6a5f4e3d2c: MAC from the interface at 0000:00:05.0
echo 52:54:00:12:34:56 > /sys/bus/mdev/devices/6f9d2c1e-3b4a-4f5e-9d8c-7b6a5f4e3d2c/vhca/mac"
if [ -e /sys/bus/mdev/devices/6f9d2c1e-3b4a-4f5e-9d8c-7b6a5f4e3d2c ]; then
	skip "dry run of the example" "its UUID exists here"
elif [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
	ok "dry run of examples/vhca-guest.xml: create, then the vmxnet3's MAC"
else
	notok "dry run of examples/vhca-guest.xml" "rc $rc; got:
$out
$err"
fi
[ ! -e "$tmp/log" ] && [ -z "$(ls "$tmp/state")" ] && ok "dry run: nothing logged, nothing recorded" ||
	notok "dry run: nothing logged, nothing recorded"

a=$(uuidgen) b=$(uuidgen) c=$(uuidgen) d=$(uuidgen)
domain multi "$(uuidgen)" "<vhca:instances $ns>
	<vhca:instance uuid='$a' type='vhca-pvrdma-8' mac='52:54:00:00:00:0a'/>
	<vhca:instance uuid='$b' type='vhca-pvrdma-8' hca='vhca1' mac-from-interface='ua-rdma1' network='12'/>
	<vhca:instance uuid='$c' type='vhca-pvrdma-8'/>
	<vhca:instance uuid='$d' type='vhca-pvrdma-8'/>
</vhca:instances>" "$(nic 52:54:00:00:00:01 0x05)$(mdev "$a" 0x05)
	$(nic 52:54:00:00:00:02 0x06 e1000 ua-rdma1)$(mdev "$b" 0x06)
	$(nic 52:54:00:00:00:03 7 e1000)$(mdev "$c" 07)" >"$tmp/multi.xml"
hook --dry-run multi prepare <"$tmp/multi.xml"
if [ "$rc" = 0 ] &&
	grep -qx "echo 52:54:00:00:00:0a > /sys/bus/mdev/devices/$a/vhca/mac" <<<"$out" &&
	grep -qx "echo $b > /sys/class/mdev_bus/vhca1/mdev_supported_types/vhca-pvrdma-8/create" <<<"$out" &&
	grep -qx "echo 52:54:00:00:00:02 > /sys/bus/mdev/devices/$b/vhca/mac" <<<"$out" &&
	grep -qx "echo 12 > /sys/bus/mdev/devices/$b/vhca/network" <<<"$out" &&
	grep -qx "echo 52:54:00:00:00:03 > /sys/bus/mdev/devices/$c/vhca/mac" <<<"$out" &&
	grep -q "^# warning: <vhca:instance uuid=\"$c\">: the interface at function 0 of its slot is not a vmxnet3" <<<"$out" &&
	grep -q "^# warning: <vhca:instance uuid=\"$d\">: no <hostdev type=\"mdev\"> uses it" <<<"$out" &&
	! grep -q "/devices/$d/vhca/mac" <<<"$out"; then
	ok "dry run, 4 instances: mac=, mac-from-interface=, network=, hca=, same-slot NIC (decimal/octal slots), warnings"
else
	notok "dry run, 4 instances" "rc $rc; $out $err"
fi

domain plain "$(uuidgen)" "" "$(nic 52:54:00:00:00:01 0x05)" >"$tmp/plain.xml"
hook --dry-run plain prepare <"$tmp/plain.xml"
[ "$rc" = 0 ] && [ "$out" = "# vhca-hook: no vhca instances declared; nothing to do" ] &&
	ok "dry run without vhca metadata: nothing to do" || notok "dry run without vhca metadata" "$rc $out $err"
hook plain prepare begin - <"$tmp/plain.xml"
[ "$rc" = 0 ] && [ -z "$out$err" ] && [ -z "$(ls "$tmp/state")" ] &&
	ok "prepare without vhca metadata: a silent no-op" || notok "prepare without vhca metadata" "$rc $out $err"

# malformed NAME EXPECTED_STDERR METADATA [DEVICES]
malformed() {
	domain bad "$(uuidgen)" "<vhca:instances $ns>$3</vhca:instances>" "${4:-}" >"$tmp/bad.xml"
	hook --dry-run bad prepare <"$tmp/bad.xml"
	[ "$rc" = 1 ] && grep -qF -- "$2" <<<"$err" && ! grep -q '^echo' <<<"$out" &&
		ok "malformed: $1: status 1, says why, writes nothing" || notok "malformed: $1" "rc $rc; $out; $err"
}
malformed "bad UUID" 'invalid vhca metadata: <vhca:instance> #1: uuid="1234" is not a UUID' \
	"<vhca:instance uuid='1234' type='vhca-pvrdma-4'/>"
malformed "no type" 'is not a vhca type' "<vhca:instance uuid='$a'/>"
malformed "type with a path" 'type="../../x" is not a vhca type' "<vhca:instance uuid='$a' type='../../x'/>"
malformed "bad hca" 'hca="mlx5_0" is not an HCA name' "<vhca:instance uuid='$a' type='vhca-pvrdma-4' hca='mlx5_0'/>"
malformed "multicast MAC" 'MAC "01:00:5e:00:00:01" (mac attribute) is not a unicast MAC' \
	"<vhca:instance uuid='$a' type='vhca-pvrdma-4' mac='01:00:5e:00:00:01'/>"
malformed "unknown interface alias" 'mac-from-interface="ua-nope": no <interface> has <alias name="ua-nope"/>' \
	"<vhca:instance uuid='$a' type='vhca-pvrdma-4' mac-from-interface='ua-nope'/>"
malformed "network not a number" 'network="red" is not a number' \
	"<vhca:instance uuid='$a' type='vhca-pvrdma-4' network='red'/>"
malformed "UUID twice" "uuid $a is declared twice" \
	"<vhca:instance uuid='$a' type='vhca-pvrdma-4'/><vhca:instance uuid='$a' type='vhca-pvrdma-8'/>"
printf '<domain><name>x</name><metadata><vhca:instances %s><vhca:instance></metadata></domain>\n' "$ns" >"$tmp/broken.xml"
hook --dry-run broken prepare <"$tmp/broken.xml"
[ "$rc" = 1 ] && grep -q "the domain XML does not parse" <<<"$err" &&
	ok "malformed: XML that does not parse: status 1" || notok "malformed: XML that does not parse" "$rc $err"

for op in start started stopped migrate restore reconnect attach; do
	hook multi "$op" begin - <"$tmp/multi.xml"
	[ "$rc" = 0 ] && [ -z "$out$err" ] || notok "operation $op is a no-op" "$rc $out $err"
done
ok "other operations (start, started, stopped, migrate...) are no-ops"

# ---- make install-hooks ----
if make -s -C "$top" install-hooks DESTDIR="$tmp/dest" >"$tmp/make.log" 2>&1 &&
	[ -x "$tmp/dest/etc/libvirt/hooks/qemu.d/vhca" ] &&
	cmp -s "$HOOK" "$tmp/dest/etc/libvirt/hooks/qemu.d/vhca"; then
	ok "make install-hooks DESTDIR=... installs etc/libvirt/hooks/qemu.d/vhca"
else
	notok "make install-hooks" "$(cat "$tmp/make.log")"
fi

# ---- real prepare/release cycles (vhca loaded: the test VM) ----
if [ ! -d /sys/class/mdev_bus/vhca1 ] || [ "$(id -u)" != 0 ]; then
	skip "prepare/release cycles" "vhca (hcas >= 2) is not loaded here or not root"
	exit $failed
fi
dom=$(uuidgen) u1=$(uuidgen) u2=$(uuidgen)
domain guest "$dom" "<vhca:instances $ns>
	<vhca:instance uuid='$u1' type='vhca-pvrdma-4' hca='vhca0'/>
	<vhca:instance uuid='$u2' type='vhca-pvrdma-8' hca='vhca1' network='5'/>
</vhca:instances>" "$(nic 52:54:00:00:01:01 0x05)$(mdev "$u1" 0x05)$(nic 52:54:00:00:01:02 0x06)$(mdev "$u2" 0x06)" >"$tmp/guest.xml"
sys() { cat "/sys/bus/mdev/devices/$1/$2" 2>/dev/null; }
mtype() { basename "$(readlink -f "/sys/bus/mdev/devices/$1/mdev_type")"; }

hook guest prepare begin - <"$tmp/guest.xml"
if [ "$rc" = 0 ] && [ "$(mtype "$u1")" = vhca-pvrdma-4 ] && [ "$(mtype "$u2")" = vhca-pvrdma-8 ] &&
	[ "$(sys "$u1" vhca/mac)" = 52:54:00:00:01:01 ] && [ "$(sys "$u2" vhca/mac)" = 52:54:00:00:01:02 ]; then
	ok "prepare creates the instances, each with its slot's vmxnet3 MAC"
else
	notok "prepare creates the instances" "rc $rc; $err"
fi
if [ -e "/sys/bus/mdev/devices/$u2/vhca/network" ]; then
	[ "$(sys "$u2" vhca/network)" = 5 ] && ok "prepare sets vhca/network" || notok "prepare sets vhca/network"
fi
[ "$(sort "$tmp/state/$dom" 2>/dev/null)" = "$(printf '%s\n' "$u1" "$u2" | sort)" ] &&
	ok "the record in the state dir lists both" || notok "the record lists both" "$(cat "$tmp/state/$dom" 2>&1)"
grep -q "created vhca instance $u1 (vhca-pvrdma-4 on vhca0)" "$tmp/log" &&
	grep -q -- "-t vhca-hook" "$tmp/log" && ok "logged with logger -t vhca-hook" ||
	notok "logged with logger -t vhca-hook" "$(cat "$tmp/log" 2>&1)"

hook guest prepare begin - <"$tmp/guest.xml"
[ "$rc" = 0 ] && [ "$(wc -l <"$tmp/state/$dom")" = 2 ] && [ "$(mtype "$u1")" = vhca-pvrdma-4 ] &&
	ok "prepare again: idempotent (same instances, same record)" || notok "prepare again" "rc $rc; $err"

hook guest started begin - <"$tmp/guest.xml"
hook guest stopped end - <"$tmp/guest.xml"
[ -e "/sys/bus/mdev/devices/$u1" ] && ok "started/stopped leave the instances" || notok "started/stopped leave the instances"

hook guest release end - <"$tmp/guest.xml"
[ "$rc" = 0 ] && [ ! -e "/sys/bus/mdev/devices/$u1" ] && [ ! -e "/sys/bus/mdev/devices/$u2" ] &&
	[ ! -e "$tmp/state/$dom" ] && ok "release removes them and the record" || notok "release" "rc $rc; $err"
grep -q "removed vhca instance $u2" "$tmp/log" && ok "release is logged" || notok "release is logged"
hook guest release end - <"$tmp/guest.xml"
[ "$rc" = 0 ] && [ -z "$err" ] && ok "release again: no-op" || notok "release again" "$rc $err"

# An instance that exists before prepare is used, and kept at release.
echo "$u1" >/sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-4/create && extra+=("$u1")
hook guest prepare begin - <"$tmp/guest.xml"
[ "$rc" = 0 ] && [ "$(cat "$tmp/state/$dom")" = "$u2" ] && [ "$(sys "$u1" vhca/mac)" = 52:54:00:00:01:01 ] &&
	ok "an existing instance is used (MAC set), not recorded" || notok "an existing instance is used" "rc $rc; $err"
hook guest release end - <"$tmp/guest.xml"
[ -e "/sys/bus/mdev/devices/$u1" ] && [ ! -e "/sys/bus/mdev/devices/$u2" ] &&
	ok "release keeps the instance it did not create" || notok "release keeps the instance it did not create"
echo 1 >"/sys/bus/mdev/devices/$u1/remove"

# ...unless it has another type: prepare fails and says so.
echo "$u1" >/sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-8/create
hook guest prepare begin - <"$tmp/guest.xml"
[ "$rc" = 1 ] && grep -q "instance $u1 exists but is a vhca-pvrdma-8 on vhca0; the domain wants vhca-pvrdma-4 on vhca0" <<<"$err" &&
	ok "an existing instance of another type: prepare fails, says why" || notok "existing instance of another type" "rc $rc; $err"
echo 1 >"/sys/bus/mdev/devices/$u1/remove"

# No capacity: vhca1 is full, the first instance (vhca0) is rolled back.
full=$(uuidgen)
echo "$full" >/sys/class/mdev_bus/vhca1/mdev_supported_types/vhca-pvrdma-1/create && extra+=("$full")
hook guest prepare begin - <"$tmp/guest.xml"
if [ "$rc" = 1 ] &&
	grep -q "^vhca-hook: domain guest: cannot create vhca instance $u2: no capacity left on vhca1 for vhca-pvrdma-8 (0 of its slices are free). Stop a domain" <<<"$err"; then
	ok "no capacity: prepare fails (status 1) with a clear message on stderr"
else
	notok "no capacity: prepare fails with a clear message" "rc $rc; $err"
fi
[ ! -e "/sys/bus/mdev/devices/$u1" ] && [ ! -e "$tmp/state/$dom" ] &&
	ok "no capacity: the instance created before is removed again, no record" ||
	notok "no capacity: rollback" "$(ls /sys/bus/mdev/devices) $(cat "$tmp/state/$dom" 2>&1)"
grep -q "error: cannot create vhca instance $u2: no capacity left" "$tmp/log" &&
	ok "no capacity: logged" || notok "no capacity: logged"
echo 1 >"/sys/bus/mdev/devices/$full/remove"

exit $failed
