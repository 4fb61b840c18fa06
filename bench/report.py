#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn bench/run.sh's JSON lines into results.json, report.md and plots.

usage: report.py DIR   (reads DIR/results.jsonl, writes DIR/results.json,
                        DIR/report.md and DIR/*.png; plots need matplotlib)
"""
import json
import os
import re
import sys

GOALS = """\
Goals from issue 7 (targets, not assertions): RDMA WRITE at 64 KiB and
above >= 70% of memcpy bandwidth and >= 20x rxe; SEND latency <= 1/3 of
rxe's; fairness (Jain) >= 0.95 across equal pairs; idle CPU ~0; between
guests >= 10x the bandwidth and <= 1/3 the latency of rxe in the guests."""

INTRO_HOST = (
    "Host tier: two vhca instances driven by libvhca. Peer tier: perftest "
    "over rdma_rxe on a veth pair. Limit tier: memcpy. Values are medians "
    "over the repetitions, [min-max] after them; only ratios within this one "
    "run mean anything (TCG emulation, shared noisy host). vhca/memcpy is "
    "the median of the ratios repetition by repetition (they take turns), "
    "vhca/rxe the ratio of the medians (rxe runs later in the same VM).")
INTRO_GUEST = (
    "Guest tier: perftest between two stock nested guests (vmw_pvrdma, "
    "rdma-core), first over their vhca instances, then over rdma_rxe "
    "created in the same guests on their vmxnet3 link. Values are medians "
    "of the repetitions whose clock calibration succeeded, [min-max] after "
    "them; nested TCG, so only the ratios mean anything.")


def load(path):
    records = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                # awk prints a failed perftest sample as inf or nan.
                line = re.sub(r"(?<=[:\[,])\s*-?(inf|nan)\b", " null", line)
                records.append(json.loads(line))
    return records


def human(size):
    for unit, shift in (("M", 20), ("K", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift}{unit}"
    return str(size)


def num(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 0.1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def cell(r):
    if r is None or r["value"] is None:
        return "-"
    if r["min"] is None or r["max"] is None:
        return num(r["value"]) + " [?]"
    if r.get("reps", 1) > 1:
        return f"{num(r['value'])} [{num(r['min'])}-{num(r['max'])}]"
    return num(r["value"])


def ratio(a, b):
    if a is None or b is None or not b["value"] or a["value"] is None:
        return None
    return a["value"] / b["value"]


def paired(a, b):
    """vhca and memcpy repetitions took turns: the median of their ratios
    rep by rep, with its range (the load of a shared machine changes by the
    second, so this is steadier than a ratio of medians)."""
    if a is None or b is None:
        return None, None, None
    sa, sb = a.get("samples"), b.get("samples")
    if not sa or not sb or len(sa) != len(sb) or not all(sb):
        x = ratio(a, b)
        return x, None, None
    r = sorted(x / y for x, y in zip(sa, sb))
    n = len(r)
    m = r[n // 2] if n % 2 else (r[n // 2 - 1] + r[n // 2]) / 2
    return m, r[0], r[-1]


def pcell(a, b):
    m, lo, hi = paired(a, b)
    if m is None:
        return "-"
    if lo is None:
        return rnum(m)
    return f"{rnum(m)} [{rnum(lo)}-{rnum(hi)}]"


def rnum(x):
    if x is None:
        return "-"
    return f"{x:.0f}x" if x >= 10 else f"{x:.2f}" if x >= 0.1 else f"{x:.2g}"


class Results:
    def __init__(self, records):
        self.records = records
        self.by = {}
        for r in records:
            key = (r["tier"], r["system"], r["test"], r["size"], r["qps"],
                   r["pairs"])
            self.by[key] = r

    def get(self, system, test, size, qps=1, pairs=1, tier="host"):
        return self.by.get((tier, system, test, size, qps, pairs))

    def sizes(self, test, system=None, tier="host"):
        return sorted({r["size"] for r in self.records if r["test"] == test
                       and r["tier"] == tier
                       and (system is None or r["system"] == system)})

    def copy(self, size):
        """The limit: the kernel copy if it ran, else userspace memcpy."""
        return (self.get("memcpy", "copy_bw", size, 0, 0) or
                self.get("memcpy", "copy_bw_user", size, 0, 0))


def table(out, title, header, rows, note=None):
    """A markdown table: a title, an optional note, a header row of column
    names (the first left-aligned, the rest right-aligned) and rows."""
    if not rows:
        return
    out += [f"### {title}", ""] + ([note, ""] if note else [])
    out += ["| " + " | ".join(header) + " |",
            "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    out.append("")


def bw_tables(res, out):
    copy_name = ("kernel memcpy" if any(r["test"] == "copy_bw"
                                        for r in res.records)
                 else "userspace memcpy")
    for test, title in (("write_bw", "RDMA WRITE"), ("read_bw", "RDMA READ"),
                        ("send_bw", "SEND")):
        rows = []
        for s in res.sizes(test):
            v, x, m = res.get("vhca", test, s), res.get("rxe", test, s), \
                res.copy(s)
            rows.append([human(s), cell(v), cell(x), cell(m),
                         rnum(ratio(v, x)), pcell(v, m)])
        table(out, f"{title} bandwidth (MB/s, 1 QP)",
              ["size", "vhca", "rxe", copy_name, "vhca/rxe", "vhca/memcpy"],
              rows)


def lat_table(res, out):
    rows = []
    for s in sorted(set(res.sizes("send_lat")) | set(res.sizes("write_lat"))):
        vs, xs = res.get("vhca", "send_lat", s), res.get("rxe", "send_lat", s)
        vw, xw = res.get("vhca", "write_lat", s), \
            res.get("rxe", "write_lat", s)
        rows.append([human(s), cell(vs), cell(xs), rnum(ratio(vs, xs)),
                     cell(vw), cell(xw), rnum(ratio(vw, xw))])
    table(out, "Latency (us, half round trip, median)",
          ["size", "vhca SEND", "rxe SEND", "vhca/rxe", "vhca WRITE",
           "rxe WRITE", "vhca/rxe"], rows)


def rate_table(res, out):
    rows = []
    for q in sorted({r["qps"] for r in res.records
                     if r["test"] == "msg_rate"}):
        v, x = res.get("vhca", "msg_rate", 64, q), \
            res.get("rxe", "msg_rate", 64, q)
        rows.append([q, cell(v), cell(x), rnum(ratio(v, x))])
    table(out, "Message rate (64-byte RDMA WRITE, Mmsg/s)",
          ["QPs", "vhca", "rxe", "vhca/rxe"], rows)


def pairs_table(res, out):
    agg = sorted((r for r in res.records if r["test"] == "aggregate_bw"),
                 key=lambda r: r["pairs"])
    rows = [[r["pairs"], cell(r), num(r["value"] / r["pairs"]),
             cell(res.get("vhca", "fairness", r["size"], 1, r["pairs"]))]
            for r in agg]
    table(out, f"Scaling with instance pairs (RDMA WRITE "
          f"{human(agg[0]['size']) if agg else ''}, one driver thread)",
          ["pairs", "aggregate MB/s", "per pair MB/s", "Jain's index"], rows)


def cpu_tables(res, out):
    rows = []
    for s in res.sizes("cpu_per_gb"):
        v, x = res.get("vhca", "cpu_per_gb", s), res.get("rxe", "cpu_per_gb", s)
        rows.append([human(s), cell(v), cell(x), rnum(ratio(x, v))])
    table(out, "Kernel CPU time per GB moved (RDMA WRITE; system + irq + "
          "softirq of /proc/stat, both ends; s/GB)",
          ["size", "vhca", "rxe", "rxe/vhca"], rows)
    base = res.get("vhca", "idle_cpu", 0, 0, 0)
    idle = res.get("vhca", "idle_cpu", 0, 1, 4)
    if base or idle:
        table(out, "Idle CPU (whole VM, % of one CPU)",
              ["no instances", "8 idle instances (4 connected pairs)"],
              [[cell(base), cell(idle)]])


def copy_table(res, out):
    rows = [[human(s), cell(res.get("memcpy", "copy_bw", s, 0, 0)),
             cell(res.get("memcpy", "copy_bw_user", s, 0, 0))]
            for s in sorted(set(res.sizes("copy_bw")) |
                            set(res.sizes("copy_bw_user")))]
    table(out, "The limit: memcpy in this VM (MB/s)",
          ["size", "kernel (kmap + memcpy per page)", "userspace (glibc)"],
          rows)


def guest_rows(res):
    """(test, size, vhca record, rxe record) of the guest tier."""
    keys = sorted({(r["test"], r["size"]) for r in res.records
                   if r["tier"] == "guest"})
    return [(t, s, res.get("vhca", t, s, tier="guest"),
             res.get("rxe", t, s, tier="guest")) for t, s in keys]


def guest_table(res, out):
    rows = [[f"{t} ({(v or x)['unit']})", human(s), cell(v), cell(x),
             rnum(ratio(v, x))] for t, s, v, x in guest_rows(res)]
    table(out, "Guest tier: perftest between two stock nested guests",
          ["test", "size", "vhca", "rxe", "vhca/rxe"], rows,
          "vhca = vmw_pvrdma on a vhca instance; rxe = rdma_rxe in the "
          "same guests on their vmxnet3 link.")


def headline(res, out):
    lines = []
    big = [s for s in res.sizes("write_bw", "vhca") if s >= 65536]
    rm = [paired(res.get("vhca", "write_bw", s), res.copy(s))[0]
          for s in big]
    rx = [ratio(res.get("vhca", "write_bw", s), res.get("rxe", "write_bw", s))
          for s in big]
    rm = [x for x in rm if x is not None]
    rx = [x for x in rx if x is not None]
    if rm:
        lines.append(f"- RDMA WRITE >= 64 KiB, vhca/memcpy: {min(rm):.2f} .. "
                     f"{max(rm):.2f} (goal >= 0.70)")
    if rx:
        lines.append(f"- RDMA WRITE >= 64 KiB, vhca/rxe: {min(rx):.1f}x .. "
                     f"{max(rx):.1f}x (goal >= 20x)")
    sl = [ratio(res.get("vhca", "send_lat", s), res.get("rxe", "send_lat", s))
          for s in res.sizes("send_lat", "vhca")]
    sl = [x for x in sl if x is not None]
    if sl:
        lines.append(f"- SEND latency, vhca/rxe: {min(sl):.2f} .. "
                     f"{max(sl):.2f} (goal <= 0.33)")
    jain = [r["value"] for r in res.records if r["test"] == "fairness"]
    if jain:
        lines.append(f"- Jain's index over pairs: {min(jain):.3f} .. "
                     f"{max(jain):.3f} (goal >= 0.95)")
    for t, s, v, x in guest_rows(res):
        if v and x:
            goal = ">= 10x" if t.endswith("_bw") else "<= 0.33"
            lines.append(f"- Between guests, {t} {human(s)}: vhca "
                         f"{num(v['value'])} {v['unit']}, rxe "
                         f"{num(x['value'])} {x['unit']}, vhca/rxe "
                         f"{rnum(ratio(v, x))} (goal {goal})")
    idle = res.get("vhca", "idle_cpu", 0, 1, 4)
    if idle:
        lines.append(f"- CPU with 8 idle instances: {idle['value']:.2f}% of "
                     "one CPU (goal ~0)")
    if lines:
        out += ["## Headline", ""] + lines + ["", GOALS, ""]


def guest_plot(res, outdir, plt):
    rows = [(t, s, v, x) for t, s, v, x in guest_rows(res) if v and x]
    if not rows:
        return []
    kinds = [bw for bw in (True, False)
             if any(r[0].endswith("_bw") == bw for r in rows)]
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 4.5),
                             squeeze=False)
    for ax, bw in zip(axes[0], kinds):
        sel = [r for r in rows if r[0].endswith("_bw") == bw]
        names = [f"{t}\n{human(s)}" for t, s, _, _ in sel]
        xs = range(len(sel))
        ax.bar([i - 0.2 for i in xs], [v["value"] for _, _, v, _ in sel],
               0.4, label="vhca", color="C0")
        ax.bar([i + 0.2 for i in xs], [x["value"] for _, _, _, x in sel],
               0.4, label="rxe in the guests", color="C1")
        ax.set_xticks(list(xs), names)
        ax.set(yscale="log", ylabel="MB/s" if bw else "us (t_typical)",
               title="bandwidth (higher is better)" if bw
               else "latency (lower is better)")
        ax.legend(fontsize=8)
    fig.suptitle("perftest between two nested stock guests")
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "guest_vhca_vs_rxe.png"), dpi=100)
    plt.close(fig)
    return ["guest_vhca_vs_rxe.png"]


def plots(res, outdir, out, guest_only):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        out += ["(No plots: python3-matplotlib is not installed.)", ""]
        return
    if guest_only:
        made = guest_plot(res, outdir, plt)
        out += ["## Plots", ""] + [f"![{m}]({m})" for m in made] + [""]
        return
    made = []

    def series(system, test, qps=1, pairs=1):
        rows = sorted((r for r in res.records if r["system"] == system and
                       r["test"] == test and r["qps"] == qps and
                       r["pairs"] == pairs and (r["value"] or 0) > 0),
                      key=lambda r: r["size"])
        return ([r["size"] for r in rows], [r["value"] for r in rows],
                [r["value"] - (r["min"] or r["value"]) for r in rows],
                [(r["max"] or r["value"]) - r["value"] for r in rows])

    def line(ax, xs, label, style):
        if xs[0]:
            ax.errorbar(xs[0], xs[1], yerr=[xs[2], xs[3]], fmt=style,
                        label=label, capsize=2)

    fig, ax = plt.subplots(figsize=(8, 5))
    for system, colour in (("vhca", "C0"), ("rxe", "C1")):
        for test, mark in (("write_bw", "o-"), ("read_bw", "s--"),
                           ("send_bw", "^:")):
            line(ax, series(system, test), f"{system} {test}", colour + mark)
    line(ax, series("memcpy", "copy_bw", 0, 0), "memcpy (kernel)", "k-")
    line(ax, series("memcpy", "copy_bw_user", 0, 0), "memcpy (user)", "k--")
    ax.set(xscale="log", yscale="log", xlabel="message size (bytes)",
           ylabel="MB/s", title="Bandwidth vs message size (one VM, TCG)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "bw_vs_size.png"), dpi=100)
    plt.close(fig)
    made.append("bw_vs_size.png")

    fig, ax = plt.subplots(figsize=(8, 5))
    for system, colour in (("vhca", "C0"), ("rxe", "C1")):
        line(ax, series(system, "send_lat"), f"{system} SEND", colour + "o-")
        line(ax, series(system, "write_lat"), f"{system} WRITE",
             colour + "s--")
    ax.set(xscale="log", yscale="log", xlabel="message size (bytes)",
           ylabel="us (half round trip)", title="Latency vs message size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "lat_vs_size.png"), dpi=100)
    plt.close(fig)
    made.append("lat_vs_size.png")

    agg = sorted((r for r in res.records if r["test"] == "aggregate_bw"),
                 key=lambda r: r["pairs"])
    if agg:
        fair = {r["pairs"]: r for r in res.records if r["test"] == "fairness"}
        fig, ax = plt.subplots(figsize=(8, 5))
        p = [r["pairs"] for r in agg]
        ax.errorbar(p, [r["value"] for r in agg],
                    yerr=[[r["value"] - r["min"] for r in agg],
                          [r["max"] - r["value"] for r in agg]],
                    fmt="C0o-", capsize=2, label="aggregate MB/s")
        ax.set_xscale("log", base=2)
        ax.minorticks_off()
        ax.set_xticks(p, [str(x) for x in p])
        ax.set(xlabel="instance pairs", ylabel="aggregate MB/s", ylim=(0, None),
               title="Scaling with instance pairs (RDMA WRITE)")
        ax2 = ax.twinx()
        ax2.plot(p, [fair[x]["value"] if x in fair else None for x in p],
                 "C2s--", label="Jain's index")
        ax2.set(ylim=(0, 1.05), ylabel="Jain's fairness index")
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="lower right", fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "scaling_pairs.png"), dpi=100)
        plt.close(fig)
        made.append("scaling_pairs.png")
    out += ["## Plots", ""] + [f"![{m}]({m})" for m in made] + [""]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    records = load(os.path.join(outdir, "results.jsonl"))
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(records, f, indent=1)
    res = Results(records)
    guest_only = records and all(r["tier"] == "guest" for r in records)
    out = ["# vhca benchmark: one run" +
           ("" if guest_only else ", one VM"), "",
           INTRO_GUEST if guest_only else INTRO_HOST, ""]
    settings = os.path.join(outdir, "settings.txt")
    if os.path.exists(settings):
        with open(settings) as f:
            out += ["Run: " + "; ".join(x.strip() for x in f if x.strip()),
                    ""]
    try:
        import subprocess
        rev = subprocess.run(["git", "describe", "--always", "--dirty"],
                             capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__)))
        if rev.returncode == 0:
            out += [f"Source: {rev.stdout.strip()}", ""]
    except OSError:
        pass
    headline(res, out)
    out += ["## Tables", ""]
    guest_table(res, out)
    bw_tables(res, out)
    lat_table(res, out)
    rate_table(res, out)
    pairs_table(res, out)
    cpu_tables(res, out)
    copy_table(res, out)
    plots(res, outdir, out, guest_only)
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
