//! Streaming a collection keeps memory flat: 10k, 100k and 1M users streamed from an emulator in
//! another process, 999 per page; the client's peak RSS and items/s are printed side by side.
//!
//! `cargo bench --bench paging_memory` (Linux: peak RSS is read from /proc/self/status).
//! `cargo bench --bench paging_memory -- --check` streams 2,000 users only: CI runs it so that a
//! broken benchmark fails. Either way a wrong item count or a failed client exits non-zero.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use futures_util::TryStreamExt;
use graph_odata::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    display_name: Option<String>,
    mail: Option<String>,
}

#[path = "../tests/support/rss.rs"]
mod rss;
use rss::peak_rss_kib;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Child role: an emulator holding `n` users; prints its URL, serves until stdin closes.
fn serve(n: usize) {
    let rt = runtime();
    rt.block_on(async {
        let emu = graph_odata_emulator::Emulator::start()
            .await
            .expect("emulator");
        emu.with_store(|store| {
            for i in 0..n {
                let user = serde_json::json!({
                    "id": format!("{i:08}"),
                    "displayName": format!("User {i}"),
                    "mail": format!("user{i}@contoso.com"),
                });
                store.insert("/users", user).expect("insert");
            }
        });
        println!("{}", emu.v1_url());
        let _ = std::io::stdout().flush();
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await
        .ok();
    });
}

/// Child role: streams every user from `root`; prints `items seconds peak_rss_kib`, and exits
/// non-zero when a page fails.
fn client(root: &str) {
    let rt = runtime();
    let before = peak_rss_kib().unwrap_or(0);
    let start = Instant::now();
    let count = rt.block_on(async {
        let client = Client::builder()
            .service_root(root)
            .build()
            .expect("client");
        let mut users = client.stream(Request::<Page<User>>::get("/users").top(999));
        let mut n = 0usize;
        loop {
            match users.try_next().await {
                Ok(Some(user)) => {
                    std::hint::black_box(&user);
                    n += 1;
                }
                Ok(None) => break n,
                Err(e) => {
                    eprintln!("streaming failed after {n} items: {e}");
                    std::process::exit(1);
                }
            }
        }
    });
    println!(
        "{count} {} {before} {}",
        start.elapsed().as_secs_f64(),
        peak_rss_kib().unwrap_or(0)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        return serve(args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(0));
    }
    if let Some(i) = args.iter().position(|a| a == "--client") {
        return client(args.get(i + 1).map_or("", String::as_str));
    }
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let sizes: &[usize] = if args.iter().any(|a| a == "--check") {
        &[2_000]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    let check = args.iter().any(|a| a == "--check");
    let mut failed = false;
    let mut peaks: Vec<f64> = Vec::new();
    let me = std::env::current_exe().expect("own path");
    println!(
        "{:>10} {:>12} {:>14} {:>18}",
        "items", "seconds", "items/s", "client peak RSS"
    );
    for &n in sizes {
        let mut server = Command::new(&me)
            .args(["--serve", &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("server child");
        let mut url = String::new();
        BufReader::new(server.stdout.take().expect("stdout"))
            .read_line(&mut url)
            .expect("server url");
        let out = Command::new(&me)
            .args(["--client", url.trim()])
            .output()
            .expect("client child");
        drop(server.stdin.take());
        let _ = server.wait();
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<&str> = text.split_whitespace().collect();
        if !out.status.success() || v.len() < 4 {
            println!(
                "{n:>10} client failed ({}): {text} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            failed = true;
            continue;
        }
        if v[0] != n.to_string() {
            println!("{n:>10} wrong count: the client streamed {} items", v[0]);
            failed = true;
            continue;
        }
        let items: f64 = v[0].parse().unwrap_or(0.0);
        let secs: f64 = v[1].parse().unwrap_or(f64::NAN);
        let rss_mib = v[3].parse::<f64>().unwrap_or(0.0) / 1024.0;
        println!(
            "{:>10} {:>12.3} {:>14.0} {:>15.1} MiB",
            v[0],
            secs,
            items / secs,
            rss_mib
        );
        println!(
            "FIGURE {{\"figure\":\"stream {n} users from another process\",\"ours\":\"{rss_mib:.1} MiB peak, {:.2} M items/s\",\"baseline\":null,\"ratio\":null,\"spread\":null,\"goal\":\"flat: within 2 MiB of the smallest run\",\"check\":{check}}}",
            items / secs / 1e6
        );
        peaks.push(rss_mib);
    }
    // Flat means flat: a hundred times the items may not take more than 2 MiB more memory.
    if let (Some(first), Some(last)) = (peaks.first(), peaks.last())
        && last - first > 2.0
    {
        println!("not flat: peak RSS grew from {first:.1} MiB to {last:.1} MiB");
        failed = true;
    }
    if failed {
        std::process::exit(1);
    }
}
