"""Aggregating rounds and writing the results: markdown, JSON and a PNG chart."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

MIB = 1024 * 1024

# Metrics aggregated by median over rounds; the rest are summed or maxed.
_MEDIAN_WRK = ("rps", "p50_ms", "p90_ms", "p99_ms", "mean_ms", "cpu_us_per_req", "db_cpu_us_per_req")
_MEDIAN_RT = (
    "all_p50_ms",
    "all_p99_ms",
    "sub_p50_ms",
    "sub_p99_ms",
    "all_send_p50_ms",
    "all_send_p99_ms",
    "sub_send_p50_ms",
    "sub_send_p99_ms",
    "write_p50_ms",
    "cpu_us_per_write",
)


# --------------------------------------------------------------------------
# Machine details
# --------------------------------------------------------------------------


def machine_info() -> dict:
    def first(path: str, key: str) -> str:
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    try:
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu_model": first("/proc/cpuinfo", "model name"),
        "memory_gib": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else None,
        "kernel": platform.release(),
        "os": _os_name(),
        "python": sys.version.split()[0],
        "loadavg_at_start": load,
    }


def _os_name() -> str:
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------


def aggregate(runs: list[dict], kind: str) -> dict:
    """Median over rounds of the timing metrics; sums of error counts; max RSS."""
    if not runs:
        return {}
    keys = _MEDIAN_RT if kind == "realtime" else _MEDIAN_WRK
    out = {}
    for k in keys:
        values = [r[k] for r in runs if r.get(k) is not None]
        out[k] = statistics.median(values) if values else None
    out["peak_rss"] = max(r["peak_rss"] for r in runs)
    out["rounds"] = len(runs)
    if kind == "realtime":
        out["missed"] = sum(r["missed"] for r in runs)
        out["subscribers"] = runs[0]["subscribers"]
        out["writes"] = runs[0]["writes"]
    else:
        out["requests"] = sum(r["requests"] for r in runs)
        out["non2xx"] = sum(r["non2xx"] for r in runs)
        out["socket_errors"] = sum(r["socket_errors"] for r in runs)
        out["rps_rounds"] = [r["rps"] for r in runs]
        out["inflight_share"] = max(r.get("inflight_share") or 0 for r in runs)
    return out


def _ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def _n(v, unit: str = "") -> str:
    """Compact number: thousands separators for big values, 2-3 significant digits for small."""
    if v is None:
        return "–"
    if abs(v) >= 100:
        s = f"{v:,.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return s + unit


def _x(v) -> str:
    return "–" if v is None else f"{v:.2f}x"


def _mib(v) -> str:
    return "–" if v is None else f"{v / MIB:,.0f}"


def _cell(result: dict, text: str) -> str:
    return f"n/a ({result['na']})" if "na" in result else text


def render_markdown(report: dict) -> str:
    meta, servers = report["meta"], report["servers"]
    keys = [s["key"] for s in servers]
    label = {s["key"]: s["label"] for s in servers}
    both = "pocketbase" in keys and "roost" in keys
    m, w = meta["machine"], meta["wrk"]
    lines = [
        f"# PocketBase vs Roost benchmark{' (quick smoke run)' if meta['quick'] else ''}"
        f"{' — INTERRUPTED, partial results' if meta['interrupted'] else ''}",
        "",
        f"Run {meta['started']} → {meta['finished']} ({meta['elapsed_s']:.0f} s). Command: `{meta['command']}`",
        "",
        "## Machine and settings",
        "",
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB RAM, {m['os']}, "
        f"kernel {m['kernel']}, Python {m['python']}; load average {m['loadavg_at_start']} at start, "
        f"{meta['loadavg_at_end']} at end.",
        "- Servers: "
        + "; ".join(
            f"{s['label']} {s['version']} (`{s['command']}`, request logs {s.get('request_logs', 'default')})"
            for s in servers
        )
        + ".",
    ]
    for s in servers:
        if s.get("db_upkeep"):
            lines.append(f"- {s['label']}: {s['db_upkeep']}.")
    if meta.get("roost_skipped"):
        lines.append(f"- Roost: **not run**: {meta['roost_skipped']}")
    lines += [
        f"- Load: {w['version']}, {w['threads']} threads, {w['connections']} connections, {w['duration']} s measured "
        f"after a {w['warmup']} s warm-up per run, request timeout {w['timeout']} s; "
        f"{meta['rounds']} round(s) per workload alternating servers (A B A B …), median reported. "
        "Server and load generator share the machine's cores, all on 127.0.0.1.",
        f"- Data: {meta['sizes']['users']} users, {meta['sizes']['posts']:,} posts, "
        f"{meta['sizes']['comments']:,} comments, {meta['sizes']['notes']:,} notes (owner-only rule), "
        "same ids and contents on every server; no extra indexes.",
        "- CPU/req: user+system CPU of the server's process tree over the measured run ÷ requests completed. "
        "It is steadier than req/s on a shared machine. RSS: peak VmRSS of the process tree during the run.",
    ]
    if meta.get("roost_database") == "PostgreSQL":
        n = meta.get("roost_instances", 1)
        lines.append(
            "- Roost on PostgreSQL (same machine, same cores), PocketBase on SQLite"
            + (
                f"; Roost is {n} `roost serve` instances with a Redis server of their own behind HAProxy "
                "(TCP, round-robin), and its CPU and RSS are those of the whole set"
                if n > 1
                else ""
            )
            + ". PostgreSQL's own CPU is not in Roost's CPU/req (SQLite's is in PocketBase's); when"
            " PostgreSQL runs on this machine, its CPU over Roost's runs (every process of the server)"
            " is the `PostgreSQL CPU µs/req` column."
        )
    lines.append("")

    # Main table.
    lines += ["## HTTP workloads", ""]
    head = ["workload"]
    for k in keys:
        head += [f"{label[k]} req/s"]
    if both:
        head += ["Roost/PB req/s"]
    for k in keys:
        head += [f"{label[k]} p50 / p99 ms"]
    if both:
        head += ["Roost/PB p50", "Roost/PB p99"]
    for k in keys:
        head += [f"{label[k]} CPU µs/req"]
    db_cpu = any(
        (wl["results"].get(k) or {}).get("db_cpu_us_per_req") is not None
        for wl in report["workloads"]
        if wl["kind"] == "wrk"
        for k in keys
    )
    if db_cpu:
        head += ["PostgreSQL CPU µs/req"]
    for k in keys:
        head += [f"{label[k]} peak RSS MiB"]
    head += ["flags"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for wl in report["workloads"]:
        if wl["kind"] != "wrk":
            continue
        res = wl["results"]
        row = [f"{wl['name']}: {wl['title']}"]
        flags = []
        for k in keys:
            r = res.get(k, {"na": "not run"})
            row.append(_cell(r, _n(r.get("rps"))))
        if both:
            row.append(_x(wl.get("ratio_rps")))
        for k in keys:
            r = res.get(k, {"na": "not run"})
            row.append(_cell(r, f"{_n(r.get('p50_ms'))} / {_n(r.get('p99_ms'))}"))
        if both:
            row += [_x(wl.get("ratio_p50")), _x(wl.get("ratio_p99"))]
        for k in keys:
            r = res.get(k, {})
            row.append("–" if "na" in r else _n(r.get("cpu_us_per_req")))
        if db_cpu:
            r = res.get("roost", {})
            row.append("–" if "na" in r else _n(r.get("db_cpu_us_per_req")))
        for k in keys:
            r = res.get(k, {})
            row.append("–" if "na" in r else _mib(r.get("peak_rss")))
        for k in keys:
            r = res.get(k, {})
            if r.get("non2xx"):
                flags.append(f"⚠ {label[k]}: {r['non2xx']:,} non-2xx")
            if r.get("socket_errors"):
                flags.append(f"⚠ {label[k]}: {r['socket_errors']:,} socket errors")
            if r.get("partial"):
                flags.append(f"⚠ {label[k]}: only {r['rounds']} round(s), then {r['partial']}")
            if (r.get("inflight_share") or 0) > 0.05:
                flags.append(
                    f"{label[k]} CPU/req may be up to {r['inflight_share']:.0%} high "
                    "(requests in flight at the end)"
                )
            if r.get("response_diffs"):
                flags.append(f"⚠ {label[k]} answers differently: " + "; ".join(r["response_diffs"]))
        row.append("; ".join(flags))
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Ratios are Roost ÷ PocketBase: above 1 is better for req/s, below 1 is better for latency.",
        "",
    ]

    # Realtime.
    rt = [wl for wl in report["workloads"] if wl["kind"] == "realtime"]
    if rt:
        wl = rt[0]
        lines += [
            "## Realtime fan-out (SSE)",
            "",
            "One create at a time; \"after response\" is from the create's HTTP response to the event's "
            'arrival, clamped at 0; "from send" is from the moment the create was sent '
            "(see benchmarks/README.md).",
            "",
            "| server | subscribers × writes | delivered to all, after response, p50 / p99 ms "
            "| per subscriber, after response, p50 / p99 ms | delivered to all, from send, p50 / p99 ms "
            "| per subscriber, from send, p50 / p99 ms "
            "| create RTT p50 ms | missed deliveries | server CPU µs/write | peak RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for k in keys:
            r = wl["results"].get(k, {"na": "not run"})
            if "na" in r:
                lines.append(f"| {label[k]} | n/a ({r['na']}) | | | | | | | | |")
                continue
            missed = f"⚠ {r['missed']:,}" if r["missed"] else "0"
            if r.get("partial"):
                missed += f" (⚠ only {r['rounds']} round(s), then {r['partial']})"
            lines.append(
                f"| {label[k]} | {r['subscribers']} × {r['writes']} | {_n(r['all_p50_ms'])} / {_n(r['all_p99_ms'])} "
                f"| {_n(r['sub_p50_ms'])} / {_n(r['sub_p99_ms'])} "
                f"| {_n(r['all_send_p50_ms'])} / {_n(r['all_send_p99_ms'])} "
                f"| {_n(r['sub_send_p50_ms'])} / {_n(r['sub_send_p99_ms'])} | {_n(r['write_p50_ms'])} | {missed} "
                f"| {_n(r['cpu_us_per_write'])} | {_mib(r['peak_rss'])} |"
            )
        if wl.get("ratio_p50") is not None:
            lines.append(
                f"\nRoost ÷ PocketBase, delivered to all from send: p50 {_x(wl.get('ratio_p50'))}, "
                f"p99 {_x(wl.get('ratio_p99'))} (below 1 is better)."
            )
        lines.append("")

    # Seeding and idle memory.
    lines += [
        "## Seeding and idle memory",
        "",
        "| server | seeding method | users s | posts s | comments s | notes s | RSS after start MiB "
        "| RSS idle after seeding MiB | data dir MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in servers:
        sd = s.get("seed")
        if not sd:
            continue
        sec = sd["seconds"]
        lines.append(
            f"| {s['label']} | {sd['method']} | {sec.get('users', 0):.1f} | {sec.get('posts', 0):.1f} "
            f"| {sec.get('comments', 0):.1f} | {sec.get('notes', 0):.1f} | {_mib(s.get('rss_start'))} "
            f"| {_mib(s.get('rss_idle_seeded'))} | {_mib(s.get('data_dir_bytes'))} |"
        )
    lines.append("")

    # Per-round req/s, to show the noise.
    lines += [
        "## req/s per round",
        "",
        "| workload | " + " | ".join(label[k] for k in keys) + " |",
        "|---|" + "---|" * len(keys),
    ]
    for wl in report["workloads"]:
        if wl["kind"] != "wrk":
            continue
        cells = []
        for k in keys:
            r = wl["results"].get(k, {})
            cells.append("n/a" if "na" in r or not r else " / ".join(_n(v) for v in r["rps_rounds"]))
        lines.append(f"| {wl['name']} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Chart
# --------------------------------------------------------------------------


def render_chart(report: dict, path: Path) -> None:
    """Bar chart of Roost/PocketBase ratios (or PocketBase alone when Roost didn't run)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [s["key"] for s in report["servers"]]
    wls = report["workloads"]
    title_suffix = " (quick smoke run)" if report["meta"]["quick"] else ""

    if not ("pocketbase" in keys and "roost" in keys):
        # One server only: its req/s, since there is no ratio to draw.
        only = report["servers"][0] if report["servers"] else {"key": "", "label": "nothing"}
        names, values = [], []
        for wl in wls:
            r = wl["results"].get(only["key"], {})
            if wl["kind"] == "wrk" and r and "na" not in r:
                names.append(wl["name"])
                values.append(r["rps"])
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(names) + 1.8))
        ax.barh(names[::-1], values[::-1], color="#888")
        ax.set_xscale("log")
        ax.set_xlabel("req/s (log scale)")
        ax.set_title(f"{only['label']} alone (no ratio: one server ran){title_suffix}")
        for i, v in enumerate(values[::-1]):
            ax.text(v, i, f" {v:,.0f}", va="center", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return

    # Panel 1: speed (req/s ratio; realtime: PB latency / Roost latency).
    # Panel 2: CPU efficiency (PB CPU per request / Roost CPU per request).
    speed, cpu = [], []
    for wl in wls:
        pb, ro = wl["results"].get("pocketbase", {}), wl["results"].get("roost", {})
        if not pb or not ro or "na" in pb or "na" in ro:
            speed.append((wl["name"], None))
            cpu.append((wl["name"], None))
            continue
        if wl["kind"] == "realtime":
            speed.append(
                (wl["name"] + "\n(p50 latency)", _ratio(pb["all_send_p50_ms"], ro["all_send_p50_ms"]))
            )
            cpu.append((wl["name"], _ratio(pb["cpu_us_per_write"], ro["cpu_us_per_write"])))
        else:
            speed.append((wl["name"], wl.get("ratio_rps")))
            cpu.append((wl["name"], _ratio(pb["cpu_us_per_req"], ro["cpu_us_per_req"])))

    fig, axes = plt.subplots(1, 2, figsize=(14, 0.5 * len(wls) + 2.4))
    panels = [
        (axes[0], speed, "Roost ÷ PocketBase req/s (realtime: PocketBase ÷ Roost latency)"),
        (axes[1], cpu, "PocketBase ÷ Roost server CPU per request"),
    ]
    for ax, items, title in panels:
        items = items[::-1]
        names = [n for n, _ in items]
        values = [v if v is not None else 0 for _, v in items]
        colors = [
            "#bbb" if v is None else "#2e7d32" if v >= 2 else "#81c784" if v >= 1 else "#e57373"
            for _, v in items
        ]
        ax.barh(names, values, color=colors)
        for y, (_, v) in enumerate(items):
            ax.text(v or 0, y, " n/a" if v is None else f" {v:.2f}x", va="center", fontsize=8)
        ax.axvline(1.0, color="black", lw=1, ls="--", label="1.0x (parity)")
        ax.axvline(2.0, color="#2e7d32", lw=1.2, ls=":", label="2.0x")
        top = max([v for v in values if v] + [2.2])
        ax.set_xlim(0, top * 1.15)
        ax.set_title(title + "\nhigher is better", fontsize=10)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    fig.suptitle(f"Roost vs PocketBase {report['meta']['pocketbase_version']}{title_suffix}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --------------------------------------------------------------------------
# Writing everything
# --------------------------------------------------------------------------


def add_ratios(report: dict) -> None:
    """Roost ÷ PocketBase ratios, stored on each workload entry."""
    for wl in report["workloads"]:
        pb, ro = wl["results"].get("pocketbase", {}), wl["results"].get("roost", {})
        if not pb or not ro or "na" in pb or "na" in ro:
            continue
        if wl["kind"] == "realtime":
            wl["ratio_p50"] = _ratio(ro["all_send_p50_ms"], pb["all_send_p50_ms"])
            wl["ratio_p99"] = _ratio(ro["all_send_p99_ms"], pb["all_send_p99_ms"])
        else:
            wl["ratio_rps"] = _ratio(ro["rps"], pb["rps"])
            wl["ratio_p50"] = _ratio(ro["p50_ms"], pb["p50_ms"])
            wl["ratio_p99"] = _ratio(ro["p99_ms"], pb["p99_ms"])
            wl["ratio_cpu"] = _ratio(ro["cpu_us_per_req"], pb["cpu_us_per_req"])


def write_outputs(report: dict, out_dir: Path, stamp: str) -> dict[str, Path]:
    """<stamp>.md/.json plus latest.md/.json/.png.

    --quick runs get a -quick suffix on every name, so a smoke run never
    replaces the last real result. An interrupted run writes only
    <stamp>[-quick]-interrupted.md/.json/.png and leaves latest.* alone.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if report["meta"]["quick"] else ""
    if report["meta"]["interrupted"]:
        base = f"{stamp}{suffix}-interrupted"
        paths = {
            "markdown": out_dir / f"{base}.md",
            "json": out_dir / f"{base}.json",
            "chart": out_dir / f"{base}.png",
        }
    else:
        paths = {
            "markdown": out_dir / f"{stamp}{suffix}.md",
            "json": out_dir / f"{stamp}{suffix}.json",
            "latest_markdown": out_dir / f"latest{suffix}.md",
            "latest_json": out_dir / f"latest{suffix}.json",
            "chart": out_dir / f"latest{suffix}.png",
        }
    md = render_markdown(report)
    blob = json.dumps(report, indent=2, default=str)
    for key, path in paths.items():
        if key.endswith("markdown"):
            path.write_text(md)
        elif key.endswith("json"):
            path.write_text(blob)
    render_chart(report, paths["chart"])
    return paths


def git_describe(repo: Path) -> str:
    """Current commit of the repo (read-only), for the record."""
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or "no commit"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
