#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the benchmark's JSON lines into results.json and a ratio table."""
import json
import sys

src, json_out, md_out = sys.argv[1:4]
records = [json.loads(line) for line in open(src) if line.startswith("{")]
with open(json_out, "w") as f:
    json.dump(records, f, indent=1)

by = {(r["system"], r["size"]): r for r in records}
sizes = sorted({r["size"] for r in records})
lines = [
    "# vhca host-tier benchmark (one run, same VM)",
    "",
    "RDMA WRITE between two instances vs memcpy of the same sizes; medians",
    "of 5 repetitions (min-max in brackets). Under TCG emulation absolute",
    "numbers mean little; the ratio is the figure to compare.",
    "",
    "| size | vhca write MB/s | memcpy MB/s | vhca/memcpy |",
    "|---:|---:|---:|---:|",
]
for size in sizes:
    v, m = by.get(("vhca", size)), by.get(("memcpy", size))
    if not v or not m:
        continue
    lines.append(
        f"| {size} | {v['value']:.0f} [{v['min']:.0f}-{v['max']:.0f}] | "
        f"{m['value']:.0f} [{m['min']:.0f}-{m['max']:.0f}] | "
        f"{v['value'] / m['value']:.2f} |")
open(md_out, "w").write("\n".join(lines) + "\n")
