#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Load VFIO, mdev and the vhca modules built in KMOD_DIR (inside the test VM
# or on a host whose kernel they were built for).
# usage: load-modules.sh KMOD_DIR [vhca_core parameters...]
set -euo pipefail

kmod=${1:?usage: load-modules.sh KMOD_DIR [vhca_core params]}
shift
modprobe vfio_iommu_type1
modprobe mdev
insmod "$kmod/kernel/vhca_core.ko" "$@"
insmod "$kmod/vfio-mdev/vhca_mdev.ko"
