//! 100 creates as JSON `$batch` calls, against two baselines a user would otherwise write: 100
//! sequential requests, and 100 requests with 20 in flight at once. The emulator adds 20 ms of
//! latency to every HTTP exchange (goal: `$batch` at least 4x faster than sequential; against 20
//! concurrent sends the ratio is printed for reference, since there `$batch` saves exchanges, not time).
//!
//! `cargo bench --bench batch` (median of 5 rounds; the order of the three sides rotates each round)
//! `cargo bench --bench batch -- --check` runs one small round and checks every result, no timings:
//! CI runs it so that a broken benchmark fails.

use std::time::{Duration, Instant};

use graph_odata::batch::Batch;
use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Fault};
use serde_json::{Value, json};

/// How many requests are in flight at once in the concurrent baseline.
const IN_FLIGHT: usize = 20;

fn body(i: usize) -> Value {
    json!({"displayName": format!("group {i}")})
}

async fn sequential(client: &Client, n: usize) -> Result<(), Error> {
    for i in 0..n {
        let _: Value = client.send(Request::post("/groups", &body(i))).await?;
    }
    Ok(())
}

async fn concurrent(client: &Client, n: usize) -> Result<(), String> {
    let mut running: tokio::task::JoinSet<Result<(), Error>> = tokio::task::JoinSet::new();
    for i in 0..n {
        if running.len() == IN_FLIGHT
            && let Some(done) = running.join_next().await
        {
            done.map_err(|e| format!("task: {e}"))?
                .map_err(|e| e.to_string())?;
        }
        let client = client.clone();
        running.spawn(async move {
            client
                .send(Request::<Value>::post("/groups", &body(i)))
                .await
                .map(drop)
        });
    }
    while let Some(done) = running.join_next().await {
        done.map_err(|e| format!("task: {e}"))?
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn batched(client: &Client, n: usize) -> Result<(), Error> {
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..n)
        .map(|i| batch.add(Request::<Value>::post("/groups", &body(i))))
        .collect();
    let results = client.send_batch(batch).await?;
    for h in &handles {
        results.get(h)?;
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let check = args.iter().any(|a| a == "--check");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = rt.block_on(async {
        let emu = Emulator::start()
            .await
            .map_err(|e| format!("emulator: {e}"))?;
        emu.create_collection("/groups");
        emu.fault(Fault::delay(Duration::from_millis(20)).times(u32::MAX));
        let client = Client::builder()
            .service_root(emu.v1_url())
            .build()
            .map_err(|e| e.to_string())?;
        let (n, rounds) = if check { (30, 1) } else { (100, 5) };
        let names = ["sequential", "20 in flight", "$batch"];
        let mut times: [Vec<Duration>; 3] = Default::default();
        let mut created = 0;
        for round in 0..rounds {
            for k in 0..3 {
                let side = (round + k) % 3;
                let start = Instant::now();
                let result = match side {
                    0 => sequential(&client, n).await.map_err(|e| e.to_string()),
                    1 => concurrent(&client, n).await,
                    _ => batched(&client, n).await.map_err(|e| e.to_string()),
                };
                result.map_err(|e| format!("{}: {e}", names[side]))?;
                times[side].push(start.elapsed());
                created += n;
                let stored = emu.count("/groups").unwrap_or(0);
                if stored != created {
                    return Err(format!(
                        "{}: the service holds {stored} groups, expected {created}",
                        names[side]
                    ));
                }
            }
        }
        if check {
            println!(
                "batch benchmark check: {created} creates through all three sides, all stored"
            );
        }
        let median = |v: &mut Vec<Duration>| {
            v.sort();
            v[v.len() / 2].as_secs_f64()
        };
        let [mut s, mut c, mut b] = times;
        let (s, c, b) = (median(&mut s), median(&mut c), median(&mut b));
        // Machine-readable lines for `benches/figures.py`.
        println!(
            "FIGURE {{\"figure\":\"{n} creates as {} $batch calls (20 ms per exchange)\",\"ours\":\"{:.0} ms\",\"baseline\":\"one by one {:.0} ms\",\"ratio\":{:.3},\"spread\":null,\"goal\":\"<= 0.25x\",\"check\":{check}}}",
            n.div_ceil(20),
            b * 1e3,
            s * 1e3,
            b / s
        );
        println!(
            "FIGURE {{\"figure\":\"{n} creates as {} $batch calls (20 ms per exchange)\",\"ours\":\"{:.0} ms\",\"baseline\":\"20 in flight {:.0} ms\",\"ratio\":{:.3},\"spread\":null,\"goal\":\"none: saves exchanges ({} vs {n}), not time\",\"check\":{check}}}",
            n.div_ceil(20),
            b * 1e3,
            c * 1e3,
            b / c,
            n.div_ceil(20)
        );
        if check {
            return Ok(());
        }
        println!("{n} creates, 20 ms added per HTTP exchange (median of {rounds} rounds)");
        println!("  sequential     : {:>8.1} ms", s * 1e3);
        println!("  20 in flight   : {:>8.1} ms", c * 1e3);
        println!("  $batch x5      : {:>8.1} ms", b * 1e3);
        println!("  sequential / $batch   : {:>6.2}x (goal >= 4x)", s / b);
        println!(
            "  20 in flight / $batch : {:>6.2}x (no goal: against concurrent sends $batch saves HTTP exchanges, {} vs {n}, not time)",
            c / b,
            n.div_ceil(20)
        );
        Ok(())
    });
    if let Err(e) = outcome {
        eprintln!("batch benchmark failed: {e}");
        std::process::exit(1);
    }
}
