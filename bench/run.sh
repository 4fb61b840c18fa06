#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`, inside the test VM: load vhca, run the host-tier benchmark,
# write build/bench/results.json and build/bench/report.md.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
kmod=$top/build/kmod/${VHCA_KVER:-6.1.0-56-amd64}
mkdir -p "$out"
"$top/selftests/load-modules.sh" "$kmod"
"$out/vhca_bench" | tee "$out/results.jsonl"
python3 "$top/bench/report.py" "$out/results.jsonl" "$out/results.json" \
	"$out/report.md"
cat "$out/report.md"
