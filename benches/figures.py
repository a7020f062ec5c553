#!/usr/bin/env python3
"""Runs every benchmark beside its baseline and writes the README's figures table.

usage: python3 benches/figures.py            run everything, write the table into README.md
       python3 benches/figures.py --quick    run every benchmark in its check mode and print the
                                             table (no timing claims; README.md untouched): CI runs
                                             this so that a figure that can no longer be produced
                                             fails the build
       python3 benches/figures.py --print    run everything, print the table, leave README.md

Each benchmark prints one `FIGURE {json}` line per figure (figure, ours, baseline, ratio, spread,
goal, check); this script runs them one after the other, checks each produced the figures it
should, and writes them between the `<!-- figures:begin -->` and `<!-- figures:end -->` markers of
README.md with the commit, the date and a summary of the machine. The README quotes no benchmark
figure that is not in that table.

The check-time figures need Graph's v1.0 CSDL (to pick entity types): the file named by
GRAPH_ODATA_METADATA_V1_0, else ../shared/graph/v1.0.csdl.xml beside the checkout; without it
their rows say so.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"


def csdl():
    path = os.environ.get("GRAPH_ODATA_METADATA_V1_0") or os.path.join(
        REPO, "..", "shared", "graph", "v1.0.csdl.xml")
    return path if os.path.isfile(path) else None


def sources(quick):
    """(name, command, figures expected) in the order they run."""
    check = ["--", "--check"] if quick else ["--"]
    out = [
        ("interleaved pairs", ["cargo", "bench", "-q", "--bench", "interleaved"] + check, 5),
        ("$batch", ["cargo", "bench", "-q", "--bench", "batch"] + check, 2),
        ("throttling", ["cargo", "bench", "-q", "--bench", "throttling"] + check, 2),
        ("paging memory", ["cargo", "bench", "-q", "--bench", "paging_memory"] + check, 1 if quick else 3),
        ("download", ["cargo", "run", "-q", "--release", "--example", "download"]
         + (["--", "16"] if quick else []), 1),
        ("binary size", [os.path.join(REPO, "benches", "binary-size", "measure")]
         + (["--quick"] if quick else []), 1 if quick else 2),
    ]
    schema = csdl()
    if schema:
        out.append(("check time", [sys.executable, os.path.join(REPO, "benches", "check_time.py"),
                                   schema, "3" if quick else "200"] + (["--quick"] if quick else []), 5))
    return out


def run(name, command, expected):
    print(f"== {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    proc = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    sys.stderr.write(proc.stdout)
    if proc.returncode != 0:
        sys.exit(f"{name}: `{' '.join(command)}` failed with {proc.returncode}")
    figures = []
    for line in proc.stdout.splitlines():
        if line.startswith("FIGURE "):
            try:
                figures.append(json.loads(line[len("FIGURE "):]))
            except json.JSONDecodeError as e:
                sys.exit(f"{name}: unreadable figure line {line!r}: {e}")
    if len(figures) != expected:
        sys.exit(f"{name}: produced {len(figures)} figures, expected {expected}")
    for f in figures:
        missing = {"figure", "ours", "baseline", "ratio", "spread", "goal", "check"} - f.keys()
        if missing:
            sys.exit(f"{name}: figure {f} lacks {sorted(missing)}")
    return figures


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rustc = subprocess.run(["rustc", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()}, {rustc}, load average {load:.1f} at the start"


def commit():
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                          stdout=subprocess.PIPE, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    return head + (" with local changes" if dirty else "")


def pretty(goal):
    """`<= 1.03x` as `≤ 1.03×`."""
    return re.sub(r"(\d)x\b", "\\1×", goal.replace("<=", "≤").replace(">=", "≥"))


def table(figures, header, notes):
    lines = [header, "",
             "| figure | graph-odata | baseline | ratio | spread (per-round ratios, p25–p75) | goal |",
             "|---|---|---|---|---|---|"]
    for f in figures:
        ratio = "—" if f["ratio"] is None else f"{f['ratio']:.3f}×"
        lines.append(f"| {f['figure']} | {f['ours']} | {f['baseline'] or '—'} | {ratio} | "
                     f"{f['spread'] or '—'} | {pretty(f['goal'])} |")
    lines += [""] + notes
    return "\n".join(lines)


def main():
    quick = "--quick" in sys.argv
    write = not quick and "--print" not in sys.argv
    header = (f"Written by `python3 benches/figures.py` at commit {commit()} on "
              f"{datetime.date.today().isoformat()} ({machine()}).")
    figures, notes = [], []
    for name, command, expected in sources(quick):
        figures += run(name, command, expected)
    if not csdl():
        notes.append("The check-time rows need Graph's v1.0 CSDL (GRAPH_ODATA_METADATA_V1_0); "
                     "it was not there for this run.")
    if quick:
        notes.append("Check run: every figure was produced; the values are not timings.")
    text = table(figures, header, notes)
    print(text)
    if write:
        path = os.path.join(REPO, "README.md")
        with open(path, encoding="utf-8") as f:
            readme = f.read()
        if readme.count(BEGIN) != 1 or readme.count(END) != 1:
            sys.exit(f"README.md must hold {BEGIN} and {END} once each")
        before, rest = readme.split(BEGIN)
        _, after = rest.split(END)
        with open(path, "w", encoding="utf-8") as f:
            f.write(before + BEGIN + "\n" + text + "\n" + END + after)
        print("README.md: figures table written", file=sys.stderr)


if __name__ == "__main__":
    main()
