#!/usr/bin/env python3
"""`cargo check` time of a crate with N declarations taken from a CSDL file, four ways: graph-odata
models checked against the built-in Graph v1.0 index (the default), checked against the CSDL file
named by GRAPH_ODATA_METADATA_V1_0 (its index cached on disk), not checked (GRAPH_ODATA_CHECKS=off),
and plain serde derives.

usage: python3 benches/check_time.py "$GRAPH_ODATA_METADATA_V1_0" [N=200] [--quick]
Prints the medians of 5 runs each (dependencies are built first and not counted), and one
`FIGURE {json}` line per ratio for benches/figures.py. `--quick`: one run each, to check the
figures can be produced (no timing claims).
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


def write_crate(dir, decls, kind, repo):
    os.makedirs(os.path.join(dir, "src"), exist_ok=True)
    deps = f'graph-odata = {{ path = "{repo}" }}\nserde = {{ version = "1", features = ["derive"] }}\nserde_json = "1"\n'
    with open(os.path.join(dir, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "check_{kind}"\nversion = "0.0.0"\nedition = "2024"\n\n[dependencies]\n{deps}\n[workspace]\n')
    lines = ["#![allow(dead_code, unused_imports)]", "use graph_odata::graph_entity;", "use serde::{Deserialize, Serialize};"]
    for i, (name, props) in enumerate(decls):
        fields = "\n".join(f"    pub {rust_ident(p)}: Option<String>," for p in props)
        if kind == "serde":
            lines.append(f'#[derive(Serialize, Deserialize)]\n#[serde(rename_all = "camelCase")]\npub struct T{i} {{\n{fields}\n}}')
        else:
            lines.append(f'#[graph_entity("microsoft.graph.{name}")]\npub struct T{i} {{\n{fields}\n}}')
    with open(os.path.join(dir, "src", "lib.rs"), "w") as f:
        f.write("\n".join(lines) + "\n")


def timed_check(dir, env, runs):
    subprocess.run(["cargo", "check", "-q"], cwd=dir, env=env, check=True)  # dependencies
    times = []
    for _ in range(runs):
        os.utime(os.path.join(dir, "src", "lib.rs"))
        start = time.monotonic()
        subprocess.run(["cargo", "check", "-q"], cwd=dir, env=env, check=True)
        times.append(time.monotonic() - start)
    return statistics.median(times)


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
        for kind, env in [
            ("serde", base_env),
            ("unchecked", dict(base_env, GRAPH_ODATA_CHECKS="off")),
            ("built-in", base_env),
            ("file", dict(base_env, GRAPH_ODATA_METADATA_V1_0=csdl)),
        ]:
            d = os.path.join(work, kind.replace("-", "_"))
            write_crate(d, decls, kind, repo)
            results[kind] = timed_check(d, env, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"cargo check of {len(decls)} declarations (median of {runs}):")
    for k in ("serde", "unchecked", "built-in", "file"):
        print(f"  {k:<10} {results[k]:6.2f} s")
    for k in ("built-in", "file"):
        print(f"  {k} / unchecked = {results[k] / results['unchecked']:.2f}x (goal <= 1.2x)")
    print(f"  unchecked / serde = {results['unchecked'] / results['serde']:.2f}x")
    rows = [
        ("built-in", "serde derives", "<= 1.25x"),
        ("unchecked", "serde derives", "none"),
        ("built-in", "unchecked", "<= 1.2x"),
        ("file", "unchecked", "<= 1.2x"),
    ]
    names = {"built-in": "checked against the built-in index", "unchecked": "not checked",
             "file": "checked against the CSDL file", "serde derives": "serde derives"}
    for ours, base, goal in rows:
        base_key = "serde" if base == "serde derives" else base
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
