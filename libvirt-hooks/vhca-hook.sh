#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# libvirt QEMU hook for vhca, installed as /etc/libvirt/hooks/qemu.d/vhca.
#
# For a domain whose XML declares vhca instances in its <metadata>:
#
#   <metadata>
#     <vhca:instances xmlns:vhca="https://vhca.example/ns/1">
#       <vhca:instance uuid="UUID" type="vhca-pvrdma-4" hca="vhca0"/>
#     </vhca:instances>
#   </metadata>
#
# it creates the instances at "prepare" (before libvirt looks for the mdevs
# of the domain's <hostdev type='mdev'>), sets each one's vhca/mac to the MAC
# of the vmxnet3 <interface> at function 0 of the same PCI slot as its
# hostdev (or as the instance's mac= / mac-from-interface= attributes say)
# and its vhca/network if network= is given, and at "release" removes the
# instances it created, which it remembers in /run/vhca-hook/DOMAIN-UUID.
# Instances that already existed are used and left alone. Every other
# operation is a no-op. See libvirt-hooks/README.md.
#
# usage: vhca DOMAIN OPERATION SUB-OPERATION EXTRA  < domain XML  (libvirt)
#        vhca --dry-run [DOMAIN [prepare|release]]  < domain XML
#   --dry-run (or VHCA_HOOK_DRY_RUN=1): print the sysfs writes as shell
#   commands instead of doing them; nothing is written, logged or locked.
# Environment: VHCA_HOOK_STATE_DIR (default /run/vhca-hook).
# Exit status: 0 done or nothing to do; 1 prepare failed (the reason is on
# stderr, which libvirt shows in its error, and in the journal under the
# tag vhca-hook); 2 usage error.
# Never calls back into libvirt.
set -euo pipefail

NS=https://vhca.example/ns/1
STATE_DIR=${VHCA_HOOK_STATE_DIR:-/run/vhca-hook}
DRY_RUN=${VHCA_HOOK_DRY_RUN:-0}
MDEV_BUS=/sys/class/mdev_bus
DEVICES=/sys/bus/mdev/devices
TAG=vhca-hook

if [[ ${1:-} == --dry-run ]]; then
	DRY_RUN=1
	shift
fi
DOMAIN=${1:-}
OP=${2:-}
[[ $DRY_RUN == 1 && -z $OP ]] && OP=prepare

log() {
	[[ $DRY_RUN == 1 ]] && return 0
	logger -t "$TAG" -- "$*" 2>/dev/null || true
}

# Instances this run created; a failing prepare removes them again.
created_now=()
record=

fail() { # fail MESSAGE: to stderr (libvirt shows it) and the journal
	echo "$TAG: ${DOMAIN:+domain $DOMAIN: }$*" >&2
	log "${DOMAIN:+domain $DOMAIN: }error: $*"
	rollback
	exit 1
}

rollback() {
	local u
	for u in "${created_now[@]}"; do
		write 1 "$DEVICES/$u/remove" &&
			log "domain $DOMAIN: removed $u again (prepare failed)"
		[[ -f $record ]] && sed -i "/^$u\$/d" "$record"
	done
	created_now=()
	[[ -n $record && -f $record && ! -s $record ]] && rm -f "$record"
	return 0
}

# write VALUE PATH: one sysfs write, or in dry-run mode the command for it.
# On failure: the kernel's reason in $werr, status 1.
werr=
write() {
	if [[ $DRY_RUN == 1 ]]; then
		echo "echo $1 > $2"
		return 0
	fi
	werr=$({ printf '%s\n' "$1" >"$2"; } 2>&1) && return 0
	werr=${werr##*: }
	return 1
}

case $OP in
prepare | release) ;;
"")
	echo "usage: $0 DOMAIN OPERATION SUB-OPERATION EXTRA < XML, or $0 --dry-run [DOMAIN [prepare|release]] < XML" >&2
	exit 2
	;;
*)
	# start, started, stopped, migrate, restore, reconnect, attach...:
	# nothing to do; libvirt still writes the XML, so take it.
	cat >/dev/null
	exit 0
	;;
esac

xml=$(cat)
# Quick exits, no Python needed: a domain without our namespace has nothing
# to prepare; with no record at all there is nothing to release.
if [[ $OP == prepare && $xml != *"$NS"* ]]; then
	[[ $DRY_RUN == 1 ]] && echo "# $TAG: no vhca instances declared; nothing to do"
	exit 0
fi
if [[ $OP == release ]] && ! compgen -G "$STATE_DIR/*" >/dev/null; then
	[[ $DRY_RUN == 1 ]] && echo "# $TAG: nothing recorded in $STATE_DIR: no instance to remove"
	exit 0
fi

# Turn the XML into lines the shell can act on:
#   DOMAIN <name> <uuid>
#   INSTANCE <uuid> <type> <hca> <mac|-> <network|-> <where the MAC is from>
#   WARN <message>
#   ERROR <message>, last, with exit status 1 if the declaration is unusable
parse() {
	python3 -c '
import re, sys
import xml.etree.ElementTree as ET

NS = sys.argv[1]
UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")

def die(msg):
    print("ERROR\t" + msg, flush=True)
    sys.exit(1)

try:
    dom = ET.fromstring(sys.stdin.read())
except ET.ParseError as e:
    die("the domain XML does not parse: %s" % e)
name = dom.findtext("name") or ""
duuid = (dom.findtext("uuid") or "").strip()
print("DOMAIN\t%s\t%s" % (name.replace("\t", " ") or "-", duuid.lower() if UUID.match(duuid) else "-"))

def num(s):
    # As libvirt reads them (strtol base 0): 0x.. hex, 0.. octal, decimal.
    s = s.strip().lower()
    if s.startswith("0x"):
        return int(s, 16)
    return int(s, 8) if len(s) > 1 and s.startswith("0") else int(s)

def pci(addr):
    if addr is None or addr.get("type") != "pci":
        return None
    try:
        return tuple(num(addr.get(k, "0")) for k in ("domain", "bus", "slot", "function"))
    except ValueError:
        die("a PCI <address> does not parse: %s" % ET.tostring(addr).decode().strip())

devices = dom.find("devices")
ifaces = devices.findall("interface") if devices is not None else []
hostdevs = {}
for h in devices.findall("hostdev") if devices is not None else []:
    a = h.find("source/address")
    if h.get("type") == "mdev" and a is not None and a.get("uuid"):
        hostdevs[a.get("uuid").lower()] = h

decls = [e for m in dom.findall("metadata") for e in m.findall("{%s}instances" % NS)]
seen = set()
n = 0
for decl in decls:
    for inst in decl.findall("{%s}instance" % NS):
        n += 1
        what = "<vhca:instance> #%d" % n
        uuid = (inst.get("uuid") or "").lower()
        if not UUID.match(uuid):
            die("%s: uuid=\"%s\" is not a UUID" % (what, inst.get("uuid") or ""))
        if uuid in seen:
            die("%s: uuid %s is declared twice" % (what, uuid))
        seen.add(uuid)
        what = "<vhca:instance uuid=\"%s\">" % uuid
        typ = inst.get("type") or ""
        if not re.match(r"^vhca-[A-Za-z0-9_.-]+$", typ):
            die("%s: type=\"%s\" is not a vhca type (vhca-pvrdma-1, -2, -4 or -8)" % (what, typ))
        hca = inst.get("hca") or "vhca0"
        if not re.match(r"^vhca[0-9]+$", hca):
            die("%s: hca=\"%s\" is not an HCA name like vhca0" % (what, hca))
        net = inst.get("network") or "-"
        if net != "-" and not (net.isdigit() and int(net) < 2**32):
            die("%s: network=\"%s\" is not a number from 0 to 4294967295" % (what, net))
        mac, src = inst.get("mac"), "mac attribute"
        alias = inst.get("mac-from-interface")
        if mac is None and alias:
            match = [i for i in ifaces if i.find("alias") is not None and i.find("alias").get("name") == alias]
            if not match:
                die("%s: mac-from-interface=\"%s\": no <interface> has <alias name=\"%s\"/>" % (what, alias, alias))
            m = match[0].find("mac")
            mac, src = (m.get("address") if m is not None else None), "interface %s" % alias
            if mac is None:
                die("%s: interface %s has no <mac address=...>" % (what, alias))
        hd = hostdevs.get(uuid)
        if hd is None:
            print("WARN\t%s: no <hostdev type=\"mdev\"> uses it; it is created but not given to the guest" % what)
        if mac is None and hd is not None:
            at = pci(hd.find("address"))
            for i in ifaces:
                ia = pci(i.find("address"))
                if at and ia and ia[:3] == at[:3] and ia[3] == 0 and i.find("mac") is not None:
                    model = i.find("model")
                    if model is None or model.get("type") != "vmxnet3":
                        print("WARN\t%s: the interface at function 0 of its slot is not a vmxnet3; the guest driver will not bind" % what)
                    mac = i.find("mac").get("address")
                    src = "interface at %04x:%02x:%02x.0" % ia[:3]
        if mac is None:
            print("WARN\t%s: no MAC found (no mac=, no mac-from-interface=, no interface at function 0 of its hostdev slot); vhca/mac keeps its default" % what)
            mac, src = "-", "none"
        elif not MAC.match(mac) or int(mac[:2], 16) & 1:
            die("%s: MAC \"%s\" (%s) is not a unicast MAC address" % (what, mac, src))
        print("\t".join(("INSTANCE", uuid, typ, hca, mac.lower(), net, src)))
if not n:
    print("WARN\tthe <vhca:instances> element declares no <vhca:instance>")
' "$NS"
}

if ! parsed=$(parse <<<"$xml"); then
	why=${parsed##*ERROR$'\t'}
	[[ $parsed == *ERROR$'\t'* ]] || why="python3 failed (see above)"
	[[ $OP == prepare ]] && fail "invalid vhca metadata: $why"
	# At release only the domain's UUID matters, and it comes first.
	log "domain $DOMAIN: release: $why"
fi

dom_name=$DOMAIN
dom_uuid=-
declare -a inst=()
while IFS=$'\t' read -r kind a b c d e f; do
	case $kind in
	DOMAIN)
		[[ -z $dom_name && $a != - ]] && dom_name=$a
		dom_uuid=$b
		;;
	INSTANCE) inst+=("$a $b $c $d $e $f") ;;
	WARN)
		[[ $OP == prepare ]] || continue
		[[ $DRY_RUN == 1 ]] && echo "# warning: $a"
		log "domain $dom_name: warning: $a"
		;;
	esac
done <<<"$parsed"
DOMAIN=$dom_name
# The record of what we created is keyed by the domain's UUID.
key=$dom_uuid
[[ $key == - ]] && key=name-${dom_name//[^A-Za-z0-9_.-]/_}
record=$STATE_DIR/$key

names() { # names DIR: the entries of DIR, space-separated
	local f out=
	for f in "$1"/*; do
		[[ -e $f ]] && out+="${f##*/} "
	done
	echo "${out% }"
}

prepare_one() { # prepare_one UUID TYPE HCA MAC NETWORK MAC-SOURCE...
	local uuid=$1 type=$2 hca=$3 mac=$4 net=$5 src=${*:6}
	local dev=$DEVICES/$uuid tdir=$MDEV_BUS/$hca/mdev_supported_types/$type
	local have avail free

	if [[ -e $dev ]]; then
		have=$(readlink -f "$dev/mdev_type")
		if [[ $have != */$hca/mdev_supported_types/$type ]]; then
			fail "instance $uuid exists but is a ${have##*/} on $(basename "${have%/mdev_supported_types/*}"); the domain wants $type on $hca. Remove it (vhcactl destroy $uuid) or fix the domain's <vhca:instance>."
		fi
		[[ $DRY_RUN == 1 ]] && echo "# $uuid exists ($type on $hca): used as it is"
		log "domain $DOMAIN: instance $uuid ($type on $hca) already exists, using it"
	else
		if [[ $DRY_RUN != 1 ]]; then
			[[ -d /sys/class/vhca ]] ||
				fail "vhca is not loaded (/sys/class/vhca is missing): load vhca_core and vhca_mdev before starting the domain."
			[[ -d $MDEV_BUS/$hca ]] ||
				fail "no HCA $hca (HCAs: $(names /sys/class/vhca)); is vhca_mdev loaded?"
			[[ -e $tdir/create ]] ||
				fail "$hca has no type $type (types: $(names "$MDEV_BUS/$hca/mdev_supported_types"))."
			avail=$(cat "$tdir/available_instances")
			free=$(cat "/sys/class/vhca/$hca/slices_free" 2>/dev/null || echo '?')
			if [[ $avail == 0 ]]; then
				fail "cannot create vhca instance $uuid: no capacity left on $hca for $type ($free of its slices are free). Stop a domain using $hca, or give this one a smaller type or another hca in its <vhca:instance>."
			fi
		fi
		if ! write "$uuid" "$tdir/create"; then
			if [[ $werr == *"No space left"* ]]; then
				fail "cannot create vhca instance $uuid: no capacity left on $hca for $type. Stop a domain using $hca, or give this one a smaller type or another hca in its <vhca:instance>."
			fi
			fail "cannot create vhca instance $uuid ($type on $hca): $werr"
		fi
		if [[ $DRY_RUN != 1 ]]; then
			created_now+=("$uuid")
			echo "$uuid" >>"$record"
			log "domain $DOMAIN: created vhca instance $uuid ($type on $hca)"
		fi
	fi
	if [[ $mac != - ]]; then
		[[ $DRY_RUN == 1 ]] && echo "# $uuid: MAC from the $src"
		if ! write "$mac" "$dev/vhca/mac"; then
			[[ $werr == *busy* ]] &&
				fail "cannot set the MAC of vhca instance $uuid: it is open by another VMM (another domain uses this UUID?)."
			fail "cannot set vhca/mac of $uuid to $mac ($src): $werr"
		fi
		log "domain $DOMAIN: $uuid vhca/mac = $mac ($src)"
	fi
	if [[ $net != - ]]; then
		if [[ $DRY_RUN != 1 && ! -e $dev/vhca/network ]]; then
			fail "network=\"$net\" for $uuid: not supported by this kernel module (no vhca/network attribute)."
		fi
		if ! write "$net" "$dev/vhca/network"; then
			fail "cannot set vhca/network of $uuid to $net: $werr"
		fi
		log "domain $DOMAIN: $uuid vhca/network = $net"
	fi
}

if [[ $DRY_RUN == 1 ]]; then
	echo "# $TAG: domain $DOMAIN, operation $OP, ${#inst[@]} vhca instance(s)"
else
	mkdir -p "$STATE_DIR"
	chmod 0700 "$STATE_DIR"
	# One hook at a time: capacity checks and records stay consistent.
	exec 9>"$STATE_DIR/.lock"
	flock 9
fi

if [[ $OP == prepare ]]; then
	for i in "${inst[@]}"; do
		read -r -a fields <<<"$i"
		prepare_one "${fields[@]}"
	done
	exit 0
fi

# release: remove what this hook created for the domain, nothing else.
if [[ ! -s $record ]]; then
	[[ $DRY_RUN == 1 ]] && echo "# nothing recorded in $record: no instance to remove"
	exit 0
fi
while read -r uuid; do
	[[ -n $uuid ]] || continue
	if [[ ! -e $DEVICES/$uuid ]]; then
		log "domain $DOMAIN: $uuid is already gone"
		continue
	fi
	if write 1 "$DEVICES/$uuid/remove"; then
		log "domain $DOMAIN: removed vhca instance $uuid"
	else
		echo "$TAG: domain $DOMAIN: removing $uuid failed: $werr" >&2
		log "domain $DOMAIN: error: removing $uuid failed: $werr"
	fi
done <"$record"
[[ $DRY_RUN == 1 ]] || rm -f "$record"
exit 0
