//! Prints how long reading a CSDL file takes and how fast lookups are once it is read:
//! `cargo run --release -p graph-odata-metadata --example parse_time -- "$GRAPH_ODATA_METADATA_V1_0"`
//! (Microsoft Graph's v1.0 CSDL, or any other CSDL file).

use std::time::Instant;

use graph_odata_metadata::Metadata;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_time <csdl file>");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let start = Instant::now();
    let md = match Metadata::parse(&text) {
        Ok(md) => md,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let parse = start.elapsed();
    let cache = std::env::temp_dir().join(format!("graph-odata-parse-time-{}", std::process::id()));
    let _ = Metadata::load_cached(std::path::Path::new(&path), &cache);
    let start = Instant::now();
    let _ = Metadata::load_cached(std::path::Path::new(&path), &cache);
    let cached = start.elapsed();
    let _ = std::fs::remove_dir_all(&cache);
    let segs =
        graph_odata_metadata::line::split_path("me/todo/lists/{l}/tasks/{t}/linkedResources");
    let n = 10_000;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(md.resolve_path(std::hint::black_box(&segs)).is_ok());
        std::hint::black_box(
            md.property("microsoft.graph.permission", "grantedToV2")
                .is_some(),
        );
    }
    let lookup = start.elapsed() / n;
    let start = Instant::now();
    let built_in = Metadata::graph_v1_0().map(|md| md.totals().types);
    let built_in_time = start.elapsed();
    println!(
        "the built-in Graph v1.0 index: read in {:.0} ms ({} types)",
        built_in_time.as_secs_f64() * 1e3,
        built_in.unwrap_or(0)
    );
    println!(
        "parse {:.0} ms ({} bytes); from the cached index {:.0} ms; one path resolution + one property lookup {:.1} µs",
        parse.as_secs_f64() * 1e3,
        text.len(),
        cached.as_secs_f64() * 1e3,
        lookup.as_secs_f64() * 1e6
    );
}
