//! Copies a large download to a sink with flat memory, and prints the peak RSS.
//!
//! Offline: the built-in emulator serves a generated body (1 GiB by default) behind Graph's
//! `302` from `/content`; the client follows it without the token and streams the body through a
//! checking writer. Give another size in MiB as the argument.
//!
//! ```text
//! cargo run --release --example download          # 1 GiB
//! cargo run --example download -- 64              # 64 MiB
//! ```

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, pattern_byte};
use tokio::io::AsyncWrite;

/// Checks every byte against the emulator's pattern and counts them, keeping nothing.
#[derive(Default)]
struct CheckingSink {
    offset: u64,
    wrong: u64,
}

impl AsyncWrite for CheckingSink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        for (i, b) in buf.iter().enumerate() {
            if *b != pattern_byte(self.offset + i as u64) {
                self.wrong += 1;
            }
        }
        self.offset += buf.len() as u64;
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The most the peak resident memory may grow while streaming, whatever the size.
const MAX_GROWTH_MIB: f64 = 32.0;

/// `VmHWM` (peak resident memory) of this process in MiB, on Linux.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = match std::env::args().nth(1) {
        Some(arg) => arg
            .parse()
            .map_err(|_| format!("the size must be a number of MiB, not `{arg}`"))?,
        None => 1024,
    };
    let size = mib << 20;
    let emulator = Emulator::start().await?;
    emulator.require_bearer(Some("offline-token"));
    emulator.set_pattern_content("01BIGFILE", size);
    let client = Client::builder()
        .service_root(emulator.v1_url())
        .credential(StaticToken::new("offline-token"))
        .build()?;

    let before = peak_rss_mib();
    let started = Instant::now();
    let mut last_report = 0;
    let download = client
        .download(Request::<()>::get("/me/drive/items/01BIGFILE/content"))
        .await?
        .on_progress(move |done, total| {
            if done - last_report >= 256 << 20 || Some(done) == total {
                last_report = done;
                eprintln!("  {} MiB of {} MiB", done >> 20, total.unwrap_or(0) >> 20);
            }
        });
    let mut sink = CheckingSink::default();
    let copied = tokio::io::copy(&mut download.into_reader(), &mut sink).await?;
    let took = started.elapsed();
    if copied != size || sink.wrong > 0 {
        return Err(format!("copied {copied} of {size} bytes, {} wrong", sink.wrong).into());
    }
    let via = emulator.requests();
    let token_followed = via
        .iter()
        .skip(1)
        .any(|r| r.header("authorization").is_some());
    if token_followed {
        return Err("the token followed the redirect to the download URL".into());
    }
    let after = peak_rss_mib();
    println!(
        "copied {mib} MiB in {:.2} s ({:.0} MiB/s); peak RSS {} MiB before, {} MiB after",
        took.as_secs_f64(),
        mib as f64 / took.as_secs_f64(),
        before.map_or("?".into(), |m| format!("{m:.1}")),
        after.map_or("?".into(), |m| format!("{m:.1}")),
    );
    // Streamed, not buffered: the peak grows by far less than the download.
    if let (Some(before), Some(after)) = (before, after)
        && after - before > MAX_GROWTH_MIB
    {
        return Err(format!(
            "peak RSS grew by {:.1} MiB while streaming (at most {MAX_GROWTH_MIB} MiB)",
            after - before
        )
        .into());
    }
    // One machine-readable line for `benches/figures.py` (a check run below the full size).
    println!(
        "FIGURE {{\"figure\":\"download of {mib} MiB through the /content redirect\",\"ours\":\"{:.2} s, peak RSS {} MiB ({} MiB before)\",\"baseline\":null,\"ratio\":null,\"spread\":null,\"goal\":\"flat: peak RSS within {MAX_GROWTH_MIB} MiB of the start\",\"check\":{}}}",
        took.as_secs_f64(),
        after.map_or("?".into(), |m| format!("{m:.1}")),
        before.map_or("?".into(), |m| format!("{m:.1}")),
        mib < 1024,
    );
    Ok(())
}
