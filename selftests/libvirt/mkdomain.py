#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Derive a test domain from libvirt-hooks/examples/vhca-guest.xml.

What the hook and the guest driver depend on is kept from the example: the
<vhca:instances> metadata, the vmxnet3 <interface> at slot 5 function 0
(multifunction) and the mdev <hostdev> at slot 5 function 1. The rest is
changed so that the domain boots under TCG inside the test VM without a
disk image:

  - <domain type='qemu'>, 1 vCPU, the given memory;
  - direct kernel boot (kernel, initrd, command line) instead of the disk;
  - the machine's root as a read-only 9p share (mount tag l2root), which
    selftests/e2e/mkinitramfs.sh's init mounts;
  - the NIC on user-mode networking (no libvirt network, no dnsmasq);
  - two file serial ports: ttyS0 the kernel console, ttyS1 the guest's
    test output; no memballoon, no USB;
  - on_poweroff, on_reboot and on_crash: destroy.

Optional overrides (name, UUIDs, mdev type, MAC) make a second domain.
"""
import argparse
import sys
import xml.etree.ElementTree as ET

NS = "https://vhca.example/ns/1"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("example")
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--cmdline", required=True)
    p.add_argument("--console", required=True, help="file for ttyS0")
    p.add_argument("--output", required=True, help="file for ttyS1")
    p.add_argument("--memory-mib", type=int, default=1024)
    p.add_argument("--name")
    p.add_argument("--uuid")
    p.add_argument("--mdev-uuid")
    p.add_argument("--type")
    p.add_argument("--mac")
    a = p.parse_args()

    ET.register_namespace("vhca", NS)
    tree = ET.parse(a.example)
    dom = tree.getroot()
    dev = dom.find("devices")

    dom.set("type", "qemu")
    if a.name:
        dom.find("name").text = a.name
    if a.uuid:
        dom.find("uuid").text = a.uuid
    mem = dom.find("memory")
    mem.set("unit", "MiB")
    mem.text = str(a.memory_mib)
    dom.find("vcpu").text = "1"

    insts = dom.findall("metadata/{%s}instances/{%s}instance" % (NS, NS))
    hostdevs = [h for h in dev.findall("hostdev") if h.get("type") == "mdev"]
    ifaces = [i for i in dev.findall("interface")
              if i.find("model") is not None
              and i.find("model").get("type") == "vmxnet3"]
    if len(insts) != 1 or len(hostdevs) != 1 or len(ifaces) != 1:
        sys.exit("mkdomain: the example must declare one instance, one mdev "
                 "hostdev and one vmxnet3 interface")
    inst, hostdev, iface = insts[0], hostdevs[0], ifaces[0]
    if a.mdev_uuid:
        inst.set("uuid", a.mdev_uuid)
        hostdev.find("source/address").set("uuid", a.mdev_uuid)
    if a.type:
        inst.set("type", a.type)
    if a.mac:
        iface.find("mac").set("address", a.mac)

    # Direct kernel boot.
    os_ = dom.find("os")
    for e in os_.findall("boot"):
        os_.remove(e)
    for tag, text in (("kernel", a.kernel), ("initrd", a.initrd),
                      ("cmdline", a.cmdline)):
        ET.SubElement(os_, tag).text = text

    # No disk, no pty consoles: the files below instead.
    for tag in ("disk", "serial", "console"):
        for e in dev.findall(tag):
            dev.remove(e)

    # User-mode networking: no libvirt network needed in the test VM.
    iface.set("type", "user")
    for e in iface.findall("source"):
        iface.remove(e)

    fs = ET.SubElement(dev, "filesystem", type="mount",
                       accessmode="passthrough", multidevs="remap")
    ET.SubElement(fs, "source", dir="/")
    ET.SubElement(fs, "target", dir="l2root")
    ET.SubElement(fs, "readonly")

    for port, path in ((0, a.console), (1, a.output)):
        s = ET.SubElement(dev, "serial", type="file")
        ET.SubElement(s, "source", path=path)
        ET.SubElement(s, "target", port=str(port))

    # A guest that reboots or crashes (panic=-1) stops: no boot loop.
    for tag in ("on_poweroff", "on_reboot", "on_crash"):
        e = dom.find(tag)
        if e is None:
            e = ET.Element(tag)
            dom.insert(list(dom).index(dev), e)
        e.text = "destroy"

    ET.SubElement(dev, "controller", type="usb", model="none")
    ET.SubElement(dev, "memballoon", model="none")

    ET.indent(tree)
    tree.write(sys.stdout, encoding="unicode")
    print()


if __name__ == "__main__":
    main()
