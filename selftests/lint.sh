#!/bin/bash
# The check functions run through check(): SC2317 cannot see that.
# shellcheck disable=SC2317
# SPDX-License-Identifier: GPL-2.0-only
# Static checks, one TAP line each: checkpatch --strict, a W=1 build with
# sparse, kernel-doc, and shellcheck. Exits non-zero if any check fails.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VHCA_CACHE:-/var/cache/vhca}
KSRC=${KSRC:-$CACHE/linux-source-6.1}
KVER=${TEST_KVER:-6.1.0-56-amd64}
KDIR=${KDIR:-/lib/modules/$KVER/build}
out=$top/build/lint
failed=0
cd "$top" || exit 1
mkdir -p "$out"

check() { # check NAME LOGFILE COMMAND...: ok if COMMAND succeeds
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		echo "ok - lint: $name"
	else
		echo "not ok - lint: $name"
		sed 's/^/#   /' "$log" | head -40
		failed=1
	fi
}

files() { git ls-files --cached --others --exclude-standard "$@"; }
mapfile -t ksources < <(files 'kernel/*.[ch]' 'vfio-mdev/*.[ch]')

checkpatch() {
	"$KSRC/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types -f "${ksources[@]}"
}
check "checkpatch --strict" "$out/checkpatch.log" checkpatch

build_w1_sparse() {
	rsync -a --delete kernel vfio-mdev Kbuild "$out/src/" &&
	make -s -C "$KDIR" M="$out/src" W=1 C=2 CHECK=sparse modules >"$out/build.log" 2>&1
	local rc=$?
	cat "$out/build.log"
	[ "$rc" = 0 ] && ! grep -qE 'warning:|error:' "$out/build.log"
}
check "W=1 build and sparse are clean" "$out/w1-sparse.log" build_w1_sparse

kerneldoc() {
	local log
	log=$("$KSRC/scripts/kernel-doc" -v -none "${ksources[@]}" 2>&1 |
		grep -v '^info:' | grep -v 'Scanning doc for')
	echo "$log"
	[ -z "$log" ]
}
check "kernel-doc" "$out/kernel-doc.log" kerneldoc

shellchecks() {
	local scripts
	mapfile -t scripts < <(files '*.sh' '.ci/run')
	shellcheck "${scripts[@]}"
}
check "shellcheck" "$out/shellcheck.log" shellchecks

exit $failed
