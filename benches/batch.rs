//! 100 creates as JSON $batch calls versus 100 sequential requests, against the emulator with 20 ms
//! of latency added to every HTTP exchange (goal: batches at least 4x faster).
//!
//! `cargo bench --bench batch`

use std::time::{Duration, Instant};

use graph_odata::batch::Batch;
use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Fault};
use serde_json::{Value, json};

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let emu = Emulator::start().await.expect("emulator");
        emu.create_collection("/groups");
        emu.fault(Fault::delay(Duration::from_millis(20)).times(u32::MAX));
        let client = Client::builder()
            .service_root(emu.v1_url())
            .build()
            .expect("client");
        let body = |i: usize| json!({"displayName": format!("group {i}")});

        let mut sequential = Vec::new();
        let mut batched = Vec::new();
        for _round in 0..3 {
            let start = Instant::now();
            for i in 0..100 {
                let _: Value = client
                    .send(Request::post("/groups", &body(i)))
                    .await
                    .expect("create");
            }
            sequential.push(start.elapsed());

            let start = Instant::now();
            let mut batch = Batch::new();
            let handles: Vec<_> = (0..100)
                .map(|i| batch.add(Request::<Value>::post("/groups", &body(i))))
                .collect();
            let results = client.send_batch(batch).await.expect("batch");
            for h in &handles {
                results.get(h).expect("created");
            }
            batched.push(start.elapsed());
        }
        sequential.sort();
        batched.sort();
        let (s, b) = (sequential[1], batched[1]);
        println!("100 creates, 20 ms added per HTTP exchange (median of 3 rounds)");
        println!("  sequential : {:>8.1} ms", s.as_secs_f64() * 1e3);
        println!("  $batch x5  : {:>8.1} ms", b.as_secs_f64() * 1e3);
        println!(
            "  ratio      : {:>8.1}x faster (goal >= 4x)",
            s.as_secs_f64() / b.as_secs_f64()
        );
    });
}
