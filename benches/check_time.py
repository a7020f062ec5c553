#!/usr/bin/env python3
"""`cargo check` time of a crate with N declarations taken from a CSDL file, four ways: graph-odata
models checked against the built-in Graph v1.0 index (the default), checked against the CSDL file
named by GRAPH_ODATA_METADATA_V1_0 (its index cached on disk), not checked (GRAPH_ODATA_CHECKS=off),
and plain serde derives; then the incremental rebuild after editing one declaration (one field of
the first struct removed, then put back), for the default and for serde derives.

usage: python3 benches/check_time.py "$GRAPH_ODATA_METADATA_V1_0" [N=200] [--quick]
Runs the crates in interleaved rounds (each round times every crate once, in turn, so a change in
machine load hits all of them alike) and prints the medians of 5 rounds (dependencies are built
first and not counted), and one `FIGURE {json}` line per ratio for benches/figures.py. `--quick`:
one round, to check the figures can be produced (no timing claims).
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


def rust_ident(name):
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return "r#" + snake if snake in {"type", "match", "ref", "use", "move", "self", "loop"} else snake


def declarations(csdl, n):
    root = ET.parse(csdl).getroot()
    out = []
    for schema in root.iter(EDM + "Schema"):
        ns = schema.get("Namespace")
        if ns != "microsoft.graph":
            continue
        for et in schema.findall(EDM + "EntityType"):
            props = [p.get("Name") for p in et.findall(EDM + "Property") if p.get("Type") == "Edm.String"][:4]
            if not props:
                continue
            names = {rust_ident(p) for p in props}
            if len(names) != len(props):
                continue
            out.append((et.get("Name"), props))
            if len(out) == n:
                return out
    return out


def source(decls, kind, edited=False):
    """The crate's lib.rs; `edited` leaves out the last field of the first declaration."""
    lines = ["#![allow(dead_code, unused_imports)]", "use graph_odata::graph_entity;", "use serde::{Deserialize, Serialize};"]
    for i, (name, props) in enumerate(decls):
        if edited and i == 0 and len(props) > 1:
            props = props[:-1]
        fields = "\n".join(f"    pub {rust_ident(p)}: Option<String>," for p in props)
        if kind == "serde":
            lines.append(f'#[derive(Serialize, Deserialize)]\n#[serde(rename_all = "camelCase")]\npub struct T{i} {{\n{fields}\n}}')
        else:
            lines.append(f'#[graph_entity("microsoft.graph.{name}")]\npub struct T{i} {{\n{fields}\n}}')
    return "\n".join(lines) + "\n"


def write_crate(dir, decls, kind, repo):
    os.makedirs(os.path.join(dir, "src"), exist_ok=True)
    deps = f'graph-odata = {{ path = "{repo}" }}\nserde = {{ version = "1", features = ["derive"] }}\nserde_json = "1"\n'
    with open(os.path.join(dir, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "check_{kind.replace("-", "_")}"\nversion = "0.0.0"\nedition = "2024"\n\n[dependencies]\n{deps}\n[workspace]\n')
    with open(os.path.join(dir, "src", "lib.rs"), "w") as f:
        f.write(source(decls, kind))


def check(dir, env):
    """Seconds one `cargo check` takes."""
    start = time.monotonic()
    subprocess.run(["cargo", "check", "-q"], cwd=dir, env=env, check=True)
    return time.monotonic() - start


def interleaved(crates, runs, step):
    """Medians of `runs` rounds; each round calls `step(name, dir, env, round)` for every crate in
    turn (the order rotates each round) and times the `cargo check` that follows it."""
    times = {name: [] for name, _, _ in crates}
    for name, dir, env in crates:
        subprocess.run(["cargo", "check", "-q"], cwd=dir, env=env, check=True)  # dependencies
    for r in range(runs):
        shift = r % len(crates)
        for name, dir, env in crates[shift:] + crates[:shift]:
            step(name, dir, env, r)
            times[name].append(check(dir, env))
    return {name: statistics.median(t) for name, t in times.items()}


def main():
    quick = "--quick" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--quick"]
    csdl = os.path.abspath(args[0])
    n = int(args[1]) if len(args) > 1 else 200
    runs = 1 if quick else 5
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    decls = declarations(csdl, n)
    work = tempfile.mkdtemp(prefix="graph-odata-check-")
    target = os.path.join(work, "target")
    base_env = dict(os.environ, CARGO_TARGET_DIR=target)
    base_env.pop("GRAPH_ODATA_METADATA_V1_0", None)
    base_env.pop("GRAPH_ODATA_CHECKS", None)
    results = {}
    try:
        crates = []
        for kind, env in [
            ("serde", base_env),
            ("unchecked", dict(base_env, GRAPH_ODATA_CHECKS="off")),
            ("built-in", base_env),
            ("file", dict(base_env, GRAPH_ODATA_METADATA_V1_0=csdl)),
        ]:
            d = os.path.join(work, kind.replace("-", "_"))
            write_crate(d, decls, kind, repo)
            crates.append((kind, d, dict(env, CARGO_INCREMENTAL="0")))

        def touch(name, dir, env, r):
            os.utime(os.path.join(dir, "src", "lib.rs"))

        results = interleaved(crates, runs, touch)
        # Incremental: the same crates with incremental compilation (cargo's default for `check`),
        # each round editing one declaration (a field taken out, then put back).
        incremental = [(k, d, dict(e, CARGO_INCREMENTAL="1")) for k, d, e in crates if k in ("serde", "built-in")]

        def edit(name, dir, env, r):
            with open(os.path.join(dir, "src", "lib.rs"), "w") as f:
                f.write(source(decls, "serde" if name == "serde" else "graph", edited=r % 2 == 0))

        for k, v in interleaved(incremental, runs + 1 if runs > 1 else 1, edit).items():
            results[f"{k} incremental"] = v
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"cargo check of {len(decls)} declarations (median of {runs} interleaved rounds):")
    for k in ("serde", "unchecked", "built-in", "file", "serde incremental", "built-in incremental"):
        print(f"  {k:<21} {results[k]:6.2f} s")
    for k in ("built-in", "file"):
        print(f"  {k} / unchecked = {results[k] / results['unchecked']:.2f}x (goal <= 1.2x)")
    print(f"  unchecked / serde = {results['unchecked'] / results['serde']:.2f}x")
    rows = [
        ("built-in", "serde derives", "<= 1.25x"),
        ("unchecked", "serde derives", "none"),
        ("built-in", "unchecked", "<= 1.2x"),
        ("file", "unchecked", "<= 1.2x"),
        ("built-in incremental", "serde derives incremental", "<= 1.1x"),
    ]
    names = {"built-in": "checked against the built-in index", "unchecked": "not checked",
             "file": "checked against the CSDL file", "serde derives": "serde derives",
             "built-in incremental": "checked against the built-in index, incremental rebuild after editing one",
             "serde derives incremental": "serde derives"}
    for ours, base, goal in rows:
        base_key = {"serde derives": "serde", "serde derives incremental": "serde incremental"}.get(base, base)
        print("FIGURE " + json.dumps({
            "figure": f"cargo check, {len(decls)} declarations {names[ours]}",
            "ours": f"{results[ours]:.2f} s",
            "baseline": f"{names[base]} {results[base_key]:.2f} s",
            "ratio": round(results[ours] / results[base_key], 3),
            "spread": None,
            "goal": goal,
            "check": quick,
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
