#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make check`: every test tier, one after the other, each logged under
# build/check/. Counts the TAP results of all tiers and ends with the line
# "N passed, M failed"; exits non-zero if anything failed.
#
#   1. build: modules for the test kernel, userspace, selftests
#   2. unit: userspace unit tests of the pure codecs
#   3. lint: checkpatch, W=1 + sparse, kernel-doc, shellcheck
#   4. vm: the VM tier (selftests/vm-tier.sh) in a QEMU VM
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
TEST_KVER=${TEST_KVER:-6.1.0-56-amd64}
VM_TIMEOUT=${VM_TIMEOUT:-900}
out=$top/build/check
passed=0
failed=0
cd "$top" || exit 1
rm -rf "$out"
mkdir -p "$out"

# stage NAME COMMAND...: run COMMAND, show and log its output, count its
# TAP lines; a failing COMMAND that reported no failure counts as one.
stage() {
	local name=$1 log=$out/$1.log rc ok notok
	shift
	echo "# ---- $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	ok=$(grep -cE '^ok ' "$log")
	notok=$(grep -cE '^not ok ' "$log")
	if [ "$rc" != 0 ] && [ "$notok" = 0 ]; then
		echo "not ok - $name: exited with status $rc (see $log)"
		notok=1
	fi
	passed=$((passed + ok))
	failed=$((failed + notok))
	return "$rc"
}

build() {
	make -s KVER="$TEST_KVER" modules userspace selftests &&
		echo "ok - build: modules for $TEST_KVER, userspace, selftests"
}

unit() {
	local t rc=0
	for t in build/userspace/tests/*_test; do
		"$t" || rc=1
	done
	return $rc
}

vm() {
	selftests/vm/vm.sh --kver "$TEST_KVER" --timeout "$VM_TIMEOUT" \
		--out "$out/vm" -- \
		selftests/vm-tier.sh "build/kmod/$TEST_KVER" build/selftests
	local rc=$?
	# The harness fails the run on any kernel warning: make that a result.
	if [ $rc = 0 ]; then
		echo "ok - vm: kernel log free of warnings, oopses and hangs"
	elif [ $rc = 124 ] || [ $rc = 125 ]; then
		echo "not ok - vm: harness status $rc (timeout or kernel log problem, see $out/vm)"
	fi
	return $rc
}

if stage build build; then
	stage unit unit
	stage lint selftests/lint.sh
	stage vm vm
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
