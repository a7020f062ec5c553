#!/usr/bin/env python3
"""Runs `cargo bench --bench <name>` and prints each benchmark's median and its ratio to a baseline.

usage: python3 benches/ratios.py [bench-name] [baseline-benchmark]
default: transport raw_reqwest
"""
import re
import subprocess
import sys

UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    m = re.fullmatch(r"\s*([\d.]+)\s*(ns|µs|us|ms|s)\s*", text)
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def main():
    bench = sys.argv[1] if len(sys.argv) > 1 else "transport"
    baseline = sys.argv[2] if len(sys.argv) > 2 else "raw_reqwest"
    cmd = ["cargo", "bench", "--bench", bench]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    print(out)
    medians = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")]
        # divan: "name  fastest" │ slowest │ median │ mean │ samples │ iters
        if len(cells) >= 6:
            name = re.sub(r"^[├╰─\s]+", "", cells[0]).split()
            if not name:
                continue
            try:
                medians[name[0]] = seconds(cells[2])
            except ValueError:
                continue
    if baseline not in medians:
        sys.exit(f"baseline {baseline!r} not found in: {sorted(medians)}")
    base = medians[baseline]
    print(f"command: {' '.join(cmd)}")
    for name, med in medians.items():
        print(f"{name:>24}: median {med * 1e6:9.2f} µs   ratio to {baseline}: {med / base:.3f}x")


if __name__ == "__main__":
    main()
