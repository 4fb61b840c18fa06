#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench-guest`: the e2e harness (selftests/e2e/run.sh) boots the test
# VM and two stock nested guests, which run bench/guest.sh instead of the
# standard checks; the client guest's records become
# build/bench-guest/results.jsonl, then report.md like `make bench`.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench-guest
mkdir -p "$out"
# The guests are ready after ~10 min when the machine is busy; the script
# then needs as long again.
E2E_OUT=$out/e2e E2E_ONLY=guest_script SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-2400} \
	E2E_GUEST_TIMEOUT=${E2E_GUEST_TIMEOUT:-3300} \
	E2E_TIMEOUT=${E2E_TIMEOUT:-3600} \
	"$top/selftests/e2e/run.sh" "$top/bench/guest.sh"
st=$?
tr -d '\r' <"$out/e2e/guest-b.log" | sed -n 's/^bench-record: //p' \
	>"$out/results.jsonl"
echo "bench-guest: $(wc -l <"$out/results.jsonl") records from the guests"
"${BENCH_PYTHON:-/usr/bin/python3}" "$top/bench/report.py" "$out" || st=1
exit $st
