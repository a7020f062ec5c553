//! Side-by-side ratios that survive a noisy machine: each pair of workloads runs alternately
//! (A then B, B then A, …: the order flips each round), each sample timing a batch, and the report
//! gives both medians and the median of the per-round ratios A/B. Drift in machine load hits both
//! sides of a round alike. `-- --check` runs every pair for three short rounds without reporting
//! goals: CI runs it so that a broken benchmark fails.
//!
//! `cargo bench --bench interleaved` (the pairs are the ones in `benches/transport.rs` and
//! `benches/models.rs`).

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
    goal: &str,
    rounds: usize,
    batch: u32,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) {
    let check = CHECK.load(std::sync::atomic::Ordering::Relaxed);
    let (rounds, batch, goal) = if check {
        (3, 1, "check run: no timing claims")
    } else {
        (rounds, batch, goal)
    };
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
    println!(
        "{name:<34} graph-odata {:>9.2} µs   baseline {:>9.2} µs   median ratio {:.3}x   ({goal})",
        median(&mut ta) * 1e6,
        median(&mut tb) * 1e6,
        median(&mut ratio)
    );
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
        "goal <= 1.10x raw reqwest",
        301,
        20,
        transport::graph_once,
        transport::raw_once,
    );
    pair(
        "entity decode (40 properties)",
        "goal <= 1.10x serde derive",
        301,
        200,
        || serde_json::from_slice::<GraphRecord>(&RECORD_JSON).expect("decodes"),
        || serde_json::from_slice::<SerdeRecord>(&RECORD_JSON).expect("decodes"),
    );
    pair(
        "entity encode (40 properties)",
        "goal <= 1.10x serde derive",
        301,
        400,
        || serde_json::to_vec(&*GRAPH_RECORD).expect("encodes"),
        || serde_json::to_vec(&*SERDE_RECORD).expect("encodes"),
    );
    pair(
        "10k identity sources, type first",
        "goal <= 0.667x serde tagged",
        61,
        2,
        || serde_json::from_slice::<Vec<GraphSource>>(&SOURCES_JSON).expect("decodes"),
        || serde_json::from_slice::<Vec<SerdeSource>>(&SOURCES_JSON).expect("decodes"),
    );
    pair(
        "10k group members (users, groups)",
        "goal <= 0.667x serde tagged",
        61,
        1,
        || serde_json::from_slice::<Page<GraphMember>>(&MEMBERS_JSON).expect("decodes"),
        || serde_json::from_slice::<Page<SerdeMember>>(&MEMBERS_JSON).expect("decodes"),
    );
}
