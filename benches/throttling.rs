//! 100 To Do creates for one mailbox against the emulator playing Outlook's limit of 4 concurrent
//! requests per mailbox (each request takes 20 ms; a refusal asks for `Retry-After: 1`), sent 20
//! at a time: graph-odata's scheduler (on by default) against the same client with the scheduler
//! off, which meets the 429s and retries them. Total time and 429s side by side (goals: the
//! scheduler no slower, and no 429 at all).
//!
//! `cargo bench --bench throttling` (median of 3 rounds; the order of the two sides alternates)
//! `cargo bench --bench throttling -- --check` runs one small round and checks every result, no
//! timings: CI runs it so that a broken benchmark fails.

use std::time::{Duration, Instant};

use graph_odata::policy::Scheduler;
use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, MailboxLimit};
use serde_json::{Value, json};

/// How many requests each side has in flight at once.
const IN_FLIGHT: usize = 20;

/// Sends `n` creates with at most [`IN_FLIGHT`] at once; how many failed.
async fn creates(client: &Client, tasks: &str, n: usize) -> Result<usize, String> {
    let mut running: tokio::task::JoinSet<Result<(), Error>> = tokio::task::JoinSet::new();
    let mut failed = 0;
    let mut count = |done: Result<Result<(), Error>, tokio::task::JoinError>| match done {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => {
            failed += 1;
            Ok(())
        }
        Err(e) => Err(format!("task: {e}")),
    };
    for i in 0..n {
        if running.len() == IN_FLIGHT
            && let Some(done) = running.join_next().await
        {
            count(done)?;
        }
        let client = client.clone();
        let tasks = tasks.to_owned();
        running.spawn(async move {
            client
                .send(Request::<Value>::post(
                    tasks,
                    &json!({"title": format!("task {i}")}),
                ))
                .await
                .map(drop)
        });
    }
    while let Some(done) = running.join_next().await {
        count(done)?;
    }
    Ok(failed)
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
        let list = emu.insert("/me/todo/lists", json!({"displayName": "Bench"}));
        let tasks = format!("/me/todo/lists/{list}/tasks");
        emu.create_collection(&tasks);
        let limit = MailboxLimit::new(4)
            .hold(Duration::from_millis(20))
            .retry_after(Duration::from_secs(1));
        // Enough retries that the naive side finishes: it is measured, not failed.
        let retry = RetryPolicy::default()
            .max_retries(20)
            .max_total_wait(Duration::from_secs(120));
        let build = |scheduler: Scheduler| {
            Client::builder()
                .service_root(emu.v1_url())
                .retry(retry.clone())
                .scheduler(scheduler)
                .build()
                .map_err(|e| e.to_string())
        };
        let ours = build(Scheduler::new())?;
        let naive = build(Scheduler::off())?;
        let (n, rounds) = if check { (20, 1) } else { (100, 3) };
        let names = ["scheduler", "naive 20 in flight"];
        let mut times: [Vec<Duration>; 2] = Default::default();
        let mut throttled: [Vec<u64>; 2] = Default::default();
        let mut created = 0;
        for round in 0..rounds {
            for k in 0..2 {
                let side = (round + k) % 2;
                emu.set_mailbox_limit(Some(limit));
                let client = if side == 0 { &ours } else { &naive };
                let start = Instant::now();
                let failed = creates(client, &tasks, n)
                    .await
                    .map_err(|e| format!("{}: {e}", names[side]))?;
                times[side].push(start.elapsed());
                throttled[side].push(emu.mailbox_counts().total_throttled());
                if failed > 0 {
                    return Err(format!("{}: {failed} creates failed", names[side]));
                }
                created += n;
                let stored = emu.count(&tasks).unwrap_or(0);
                if stored != created {
                    return Err(format!(
                        "{}: the service holds {stored} tasks, expected {created}",
                        names[side]
                    ));
                }
            }
        }
        if throttled[0].iter().any(|&t| t > 0) {
            return Err(format!("the scheduler met 429s: {:?}", throttled[0]));
        }
        if check {
            println!(
                "throttling benchmark check: {created} creates through both sides, all stored, no 429 with the scheduler"
            );
        }
        let median = |v: &mut Vec<Duration>| {
            v.sort();
            v[v.len() / 2].as_secs_f64()
        };
        let [mut t_ours, mut t_naive] = times;
        let (t_ours, t_naive) = (median(&mut t_ours), median(&mut t_naive));
        let mut naive_429 = throttled[1].clone();
        naive_429.sort_unstable();
        let naive_429 = naive_429[naive_429.len() / 2];
        // Machine-readable lines for `benches/figures.py`.
        println!(
            "FIGURE {{\"figure\":\"{n} To Do creates, one mailbox, 4 per mailbox (20 ms each), 20 in flight: time\",\"ours\":\"{:.0} ms\",\"baseline\":\"scheduler off, retries {:.0} ms\",\"ratio\":{:.3},\"spread\":null,\"goal\":\"<= 1.0x\",\"check\":{check}}}",
            t_ours * 1e3,
            t_naive * 1e3,
            t_ours / t_naive
        );
        println!(
            "FIGURE {{\"figure\":\"{n} To Do creates, one mailbox, 4 per mailbox (20 ms each), 20 in flight: 429s\",\"ours\":\"0\",\"baseline\":\"scheduler off {naive_429}\",\"ratio\":{:.3},\"spread\":null,\"goal\":\"0 429s\",\"check\":{check}}}",
            0.0
        );
        if check {
            return Ok(());
        }
        println!("{n} To Do creates, 20 in flight, emulator limit 4 per mailbox (median of {rounds} rounds)");
        println!("  scheduler          : {:>8.1} ms, 0 429s", t_ours * 1e3);
        println!("  scheduler off      : {:>8.1} ms, {naive_429} 429s", t_naive * 1e3);
        println!("  scheduler / off    : {:>6.2}x (goal <= 1.0x)", t_ours / t_naive);
        Ok(())
    });
    if let Err(e) = outcome {
        eprintln!("throttling benchmark failed: {e}");
        std::process::exit(1);
    }
}
