#!/usr/bin/env python3
"""Runs `cargo bench --bench <name>` and prints the medians of each group of benchmarks and the
ratio of every entry to its group's baseline, named explicitly in BASELINES (raw reqwest, serde
derive, serde's tagged enums); a group without one of those entries is an error, not a guess.

usage: python3 benches/ratios.py [bench-name ...]      default: transport models
"""
import re
import subprocess
import sys

# The entries that are baselines, by name; each group must hold exactly one of them.
BASELINES = ("raw_reqwest", "serde_derive", "serde_tagged")

UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    m = re.fullmatch(r"\s*([\d.]+)\s*(ns|µs|us|ms|s)\s*", text)
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def parse(out):
    """Yields (group path, name, median seconds) from divan's tree output."""
    stack = []
    for line in out.splitlines():
        m = re.match(r"^((?:│  |   |├─ |╰─ )*)(\S+)(.*)$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 3
        name, rest = m.group(2), m.group(3)
        stack = stack[:depth] + [name]
        cells = rest.split("│")
        if len(cells) >= 5 and cells[0].strip():
            try:
                yield "/".join(stack[:-1]), name, seconds(cells[2])
            except ValueError:
                pass


def main():
    benches = sys.argv[1:] or ["transport", "models"]
    for bench in benches:
        cmd = ["cargo", "bench", "--bench", bench]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        print(out)
        groups = {}
        for group, name, med in parse(out):
            groups.setdefault(group, []).append((name, med))
        print(f"command: {' '.join(cmd)}")
        if not groups:
            sys.exit(f"{' '.join(cmd)}: no benchmark rows found in its output")
        for group, rows in groups.items():
            bases = [(n, m) for n, m in rows if n in BASELINES]
            if len(bases) != 1:
                sys.exit(f"group {group!r} needs exactly one baseline among {BASELINES}, has {bases}")
            base_name, base = bases[0]
            for name, med in rows:
                print(f"  {group}/{name:<16} median {med * 1e6:10.2f} µs   {med / base:6.3f}x of {base_name}")
        print()


if __name__ == "__main__":
    main()
