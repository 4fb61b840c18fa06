#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The VM test tier, run inside the test VM: load the modules, run every
# selftest program, then unload and check that nothing is left behind.
# Prints TAP; exits non-zero if anything failed.
# usage: vm-tier.sh KMOD_DIR SELFTEST_DIR
set -uo pipefail

kmod=${1:?usage: vm-tier.sh KMOD_DIR SELFTEST_DIR}
tests=${2:?usage: vm-tier.sh KMOD_DIR SELFTEST_DIR}
here=$(cd "$(dirname "$0")" && pwd)
failed=0

tap() { # tap STATUS DESCRIPTION
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; failed=1; fi
}

"$here/load-modules.sh" "$kmod" hcas=2
tap $? "vm: vfio, mdev, vhca_core (hcas=2) and vhca_mdev load"

# Compiled kselftest programs, then TAP-printing scripts (selftests/*_test.sh).
# One program's leftovers must not fail the next: report and remove them.
cleanup_instances() {
	local dev n=0
	for dev in /sys/bus/mdev/devices/*; do
		[ -e "$dev/remove" ] || continue
		echo 1 > "$dev/remove" && n=$((n + 1))
	done
	tap "$n" "vm: $1 left no mdev instance behind ($n)"
}

for t in "$tests"/*_test "$here"/*_test.sh; do
	[ -x "$t" ] || continue
	"$t" || failed=1
	cleanup_instances "$(basename "$t")"
done

# Nothing may be left: no instance, and both modules unload cleanly.
leftover=$(find /sys/bus/mdev/devices -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
tap "$leftover" "vm: no mdev instance left after the tests ($leftover)"
rmmod vhca_mdev
tap $? "vm: vhca_mdev unloads"
rmmod vhca_core
tap $? "vm: vhca_core unloads"
test ! -e /sys/class/vhca
tap $? "vm: /sys/class/vhca is gone"
exit $failed
