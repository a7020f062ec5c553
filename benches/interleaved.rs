//! Side-by-side ratios that survive a noisy machine: each pair of workloads runs alternately
//! (A then B, B then A, …: the order flips each round), each sample timing a batch, and the report
//! gives both medians and the median of the per-round ratios A/B. Drift in machine load hits both
//! sides of a round alike. `-- --check` runs every pair for three short rounds without reporting
//! goals: CI runs it so that a broken benchmark fails.
//!
//! `cargo bench --bench interleaved` (the pairs are the ones in `benches/transport.rs` and
//! `benches/models.rs`); `-- --only <text>` runs the pairs whose name holds the text, and
//! `-- --only <text> --side ours|baseline` one side of them alone (for `perf`).

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "models.rs"]
#[allow(dead_code, unused_imports)]
mod models;

#[path = "transport.rs"]
#[allow(dead_code, unused_imports)]
mod transport;

use models::*;

/// Times `batch` calls of `f`.
fn time<R>(batch: u32, f: &mut impl FnMut() -> R) -> Duration {
    let start = Instant::now();
    for _ in 0..batch {
        black_box(f());
    }
    start.elapsed() / batch
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Set by `--check`: three rounds of one call per side, to prove the pairs run.
static CHECK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn pair<A, B>(
    name: &str,
    baseline: &str,
    goal: &str,
    rounds: usize,
    batch: u32,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) {
    // `-- --only <text>`: run only the pairs whose name holds the text (for profiling one pair).
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    if only.is_some_and(|only| !name.contains(only.as_str())) {
        return;
    }
    // `-- --side ours|baseline`: run one side only, for `rounds` batches and no report (to
    // profile or count one side with `perf`).
    if let Some(side) = args
        .iter()
        .position(|a| a == "--side")
        .and_then(|i| args.get(i + 1))
    {
        for _ in 0..rounds {
            if side == "ours" {
                time(batch, &mut a);
            } else {
                time(batch, &mut b);
            }
        }
        return;
    }
    let check = CHECK.load(std::sync::atomic::Ordering::Relaxed);
    let rounds = if check { 3 } else { rounds };
    let batch = if check { 1 } else { batch };
    // Warm up both.
    time(batch, &mut a);
    time(batch, &mut b);
    let (mut ta, mut tb, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which side goes first, so neither always inherits the other's warm caches or
        // pays for its allocations.
        let (x, y) = if round % 2 == 0 {
            let x = time(batch, &mut a);
            (x, time(batch, &mut b))
        } else {
            let y = time(batch, &mut b);
            (time(batch, &mut a), y)
        };
        let (x, y) = (x.as_secs_f64(), y.as_secs_f64());
        ta.push(x);
        tb.push(y);
        ratio.push(x / y);
    }
    let (a_med, b_med, r_med) = (median(&mut ta), median(&mut tb), median(&mut ratio));
    // `ratio` is sorted by `median`: its quartiles are the spread.
    let (p25, p75) = (ratio[ratio.len() / 4], ratio[ratio.len() * 3 / 4]);
    let note = if check {
        "check run: no timing claims".to_owned()
    } else {
        format!("goal {goal}")
    };
    println!(
        "{name:<34} graph-odata {:>9.2} µs   baseline {:>9.2} µs   median ratio {r_med:.3}x   ({note})",
        a_med * 1e6,
        b_med * 1e6,
    );
    // One machine-readable line per figure, for `benches/figures.py`.
    println!(
        "FIGURE {{\"figure\":\"{name}\",\"ours\":\"{}\",\"baseline\":\"{baseline} {}\",\"ratio\":{r_med:.3},\"spread\":\"{p25:.3}–{p75:.3}\",\"goal\":\"{goal}\",\"check\":{check}}}",
        shown(a_med),
        shown(b_med),
    );
}

/// A duration in seconds as µs, or ms from a millisecond up.
fn shown(seconds: f64) -> String {
    if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.2} µs", seconds * 1e6)
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::args().any(|a| a == "--check") {
        CHECK.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    println!(
        "interleaved rounds, medians per side and of the per-round ratio graph-odata / baseline"
    );
    pair(
        "small GET over loopback",
        "raw reqwest",
        "<= 1.03x",
        1501,
        20,
        transport::graph_once,
        transport::raw_once,
    );
    pair(
        "entity decode (40 properties)",
        "serde derive",
        "<= 1.03x",
        301,
        200,
        || serde_json::from_slice::<GraphRecord>(&RECORD_JSON).expect("decodes"),
        || serde_json::from_slice::<SerdeRecord>(&RECORD_JSON).expect("decodes"),
    );
    pair(
        "entity encode (40 properties)",
        "serde derive",
        "<= 1.03x",
        301,
        400,
        || serde_json::to_vec(&*GRAPH_RECORD).expect("encodes"),
        || serde_json::to_vec(&*SERDE_RECORD).expect("encodes"),
    );
    pair(
        "10k identity sources, type first",
        "serde tagged enum",
        "<= 0.667x",
        61,
        2,
        || serde_json::from_slice::<Vec<GraphSource>>(&SOURCES_JSON).expect("decodes"),
        || serde_json::from_slice::<Vec<SerdeSource>>(&SOURCES_JSON).expect("decodes"),
    );
    pair(
        "10k group members (users, groups)",
        "serde tagged enum",
        "<= 0.667x",
        61,
        1,
        || serde_json::from_slice::<Page<GraphMember>>(&MEMBERS_JSON).expect("decodes"),
        || serde_json::from_slice::<Page<SerdeMember>>(&MEMBERS_JSON).expect("decodes"),
    );
}
