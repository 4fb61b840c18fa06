#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`, run inside the test VM: load vhca, create an instance and
# show it the ways an operator and a VMM see it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kmod=$top/build/kmod/${VHCA_KVER:-6.1.0-56-amd64}
vhcactl=$top/build/userspace/vhcactl

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Load VFIO, mdev and vhca (2 HCAs)"
"$top/selftests/load-modules.sh" "$kmod" hcas=2
run lsmod | grep -E '^(vhca|vfio|mdev)' || true

say "The HCAs and the mdev types they offer"
run ls /sys/class/vhca /sys/class/mdev_bus
run ls /sys/class/mdev_bus/vhca0/mdev_supported_types
t=/sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-4
for a in name description device_api available_instances; do
	printf '%s/%s: %s\n' "$t" "$a" "$(cat "$t/$a")"
done

say "Create a 1/4-HCA instance the standard way: echo UUID > .../create"
uuid=$(cat /proc/sys/kernel/random/uuid)
run sh -c "echo $uuid > /sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-4/create"
run ls -l "/sys/bus/mdev/devices/$uuid/mdev_type" "/sys/bus/mdev/devices/$uuid/iommu_group"
run cat /sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-4/available_instances

say "vhcactl list"
run "$vhcactl" list

say "The instance through VFIO, as QEMU sees it"
run "$vhcactl" info "$uuid"

say "Drive it as a guest driver would: probe, then one object of each kind"
run "$vhcactl" selftest "$uuid"

say "Two instances exchange RDMA traffic (the data-path selftests)"
run "$top/build/selftests/vhca_datapath_test"

say "Remove it; capacity comes back"
run "$vhcactl" destroy "$uuid"
run cat /sys/class/mdev_bus/vhca0/mdev_supported_types/vhca-pvrdma-4/available_instances
rmmod vhca_mdev vhca_core
echo
echo "demo: done"
