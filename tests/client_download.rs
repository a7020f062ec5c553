//! Streaming downloads: Graph's `302` from `/content` to a pre-authenticated URL on another origin
//! (followed without the token), bodies read piece by piece, resumed with `Range` after a dropped
//! or stalled connection, progress, and the memory a large download takes.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use graph_odata::prelude::*;
use graph_odata_emulator::{Fault, pattern_byte};
use support::{emulator, fast_retry, holding_server};

const TOKEN: &str = "download-token";

fn content(len: usize) -> Vec<u8> {
    (0..len as u64).map(pattern_byte).collect()
}

fn client_with_token(emu: &graph_odata_emulator::Emulator) -> Client {
    emu.require_bearer(Some(TOKEN));
    Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new(TOKEN))
        .retry(fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn content_follows_the_redirect_without_the_token_and_streams() {
    let emu = emulator().await;
    let bytes = content(3_000_000);
    emu.set_content("01ITEM", bytes.clone());
    let client = client_with_token(&emu);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let p = progress.clone();
    let download = client
        .download(Request::<()>::get("/me/drive/items/01ITEM/content"))
        .await
        .unwrap()
        .on_progress(move |done, total| p.lock().unwrap().push((done, total)));
    assert_eq!(download.status(), 200);
    assert_eq!(download.total(), Some(3_000_000));
    let mut stream = download.into_stream();
    let mut got = Vec::new();
    let mut pieces = 0;
    while let Some(piece) = stream.next().await {
        got.extend_from_slice(&piece.unwrap());
        pieces += 1;
    }
    assert!(got == bytes, "the bytes differ");
    assert!(pieces > 10, "streamed in pieces, not one buffer ({pieces})");
    let progress = progress.lock().unwrap();
    assert_eq!(progress.len(), pieces);
    assert_eq!(progress.last(), Some(&(3_000_000, Some(3_000_000))));
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0));

    let log = emu.requests();
    assert_eq!(
        log.len(),
        2,
        "the /content call and the pre-authenticated URL"
    );
    assert_eq!(log[0].path, "/v1.0/me/drive/items/01ITEM/content");
    assert_eq!(
        log[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        log[1].path.starts_with("/download/01ITEM"),
        "{}",
        log[1].path
    );
    assert!(log[1].query_param("tempauth").is_some());
    assert_eq!(
        log[1].header("authorization"),
        None,
        "the token stayed with Graph"
    );
    let download_host = emu.download_base_url().trim_start_matches("http://");
    assert_eq!(log[1].header("host"), Some(download_host), "another origin");
    assert_eq!(
        log[0].header("client-request-id"),
        log[1].header("client-request-id")
    );
}

#[tokio::test]
async fn a_dropped_body_is_resumed_with_range_and_if_range() {
    let emu = emulator().await;
    let bytes = content(2_000_000);
    emu.set_content("01CUT", bytes.clone());
    // The first answer of the download URL stops halfway and drops the connection.
    emu.fault(Fault::truncate_body().path("/download/*").times(1));
    let client = client_with_token(&emu);
    let download = client
        .download(Request::<()>::get("/me/drive/items/01CUT/content"))
        .await
        .unwrap();
    let mut reader = download.into_reader();
    let mut got = Vec::new();
    tokio::io::copy(&mut reader, &mut got).await.unwrap();
    assert!(
        got == bytes,
        "resumed bytes differ ({} of {})",
        got.len(),
        bytes.len()
    );
    let log = emu.requests();
    let tries: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/download/"))
        .collect();
    assert_eq!(
        log.len(),
        4,
        "content, download (cut), content again, download of the rest"
    );
    assert_eq!(tries.len(), 2);
    assert_eq!(tries[0].header("range"), None);
    assert_eq!(tries[1].header("range"), Some("bytes=1000000-1999999"));
    assert_eq!(tries[1].header("if-range"), Some("\"{01CUT},1\""));
    assert!(
        log.iter()
            .filter(|r| r.path.starts_with("/download/"))
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn without_resumes_a_dropped_body_is_an_error_naming_where_it_stopped() {
    let emu = emulator().await;
    emu.set_content("01CUT", content(100_000));
    emu.fault(Fault::truncate_body().path("/download/*").times(1));
    let client = client_with_token(&emu);
    let mut download = client
        .download(Request::<()>::get("/me/drive/items/01CUT/content"))
        .await
        .unwrap()
        .max_resumes(0);
    let mut got = 0;
    let err = loop {
        match download.chunk().await {
            Ok(Some(piece)) => got += piece.len(),
            Ok(None) => panic!("the cut body ended without an error after {got} bytes"),
            Err(e) => break e,
        }
    };
    assert_eq!(got, 50_000);
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(download.received(), 50_000);
}

#[tokio::test]
async fn a_missing_item_is_an_api_error() {
    let emu = emulator().await;
    let client = client_with_token(&emu);
    let err = client
        .download(Request::<()>::get("/me/drive/items/nope/content"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND), "{err:?}");
}

/// A purpose-built server: `GET /f` sends the first half of a 2000-byte body and stalls; a
/// request with `Range` gets the rest (206), or the whole body again (200) when `honour_range`
/// is off.
async fn stalling_server(honour_range: bool) -> (String, Arc<support::Holder>) {
    let body: Vec<u8> = content(2000);
    holding_server(move |_| {
        let mut first = b"HTTP/1.1 200 OK\r\ncontent-length: 2000\r\naccept-ranges: bytes\r\netag: \"v1\"\r\n\r\n".to_vec();
        first.extend_from_slice(&body[..1000]);
        let second = if honour_range {
            let mut r = b"HTTP/1.1 206 Partial Content\r\ncontent-length: 1000\r\ncontent-range: bytes 1000-1999/2000\r\n\r\n".to_vec();
            r.extend_from_slice(&body[1000..]);
            r
        } else {
            let mut r = b"HTTP/1.1 200 OK\r\ncontent-length: 2000\r\n\r\n".to_vec();
            r.extend_from_slice(&body);
            r
        };
        vec![first, second]
    })
    .await
}

#[tokio::test]
async fn a_stalled_body_is_resumed_after_the_idle_timeout() {
    let (root, _holder) = stalling_server(true).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let started = std::time::Instant::now();
    let download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .idle_timeout(Some(Duration::from_millis(300)));
    let mut got = Vec::new();
    tokio::io::copy(&mut download.into_reader(), &mut got)
        .await
        .unwrap();
    assert!(got == content(2000));
    support::within(
        started.elapsed(),
        300,
        1500,
        "one idle timeout, then the rest",
    );
}

#[tokio::test]
async fn a_server_that_ignores_range_cannot_resume_and_says_so() {
    let (root, _holder) = stalling_server(false).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let mut download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .idle_timeout(Some(Duration::from_millis(200)));
    let first = download.chunk().await.unwrap().unwrap();
    assert_eq!(first.len(), 1000);
    let err = download.chunk().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(
        err.to_string()
            .contains("asked to resume at byte 1000, the server sent the whole body again"),
        "{err}"
    );
    // The stream is over after an error.
    assert!(download.chunk().await.unwrap().is_none());
}

#[tokio::test]
async fn a_stall_without_resumes_is_a_timeout() {
    let (root, _holder) = stalling_server(true).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let mut download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .idle_timeout(Some(Duration::from_millis(200)))
        .max_resumes(0);
    download.chunk().await.unwrap();
    let err = download.chunk().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        err.to_string()
            .contains("no data for 200ms while downloading"),
        "{err}"
    );
}

/// The memory half: a child process (this binary, running the ignored test below) downloads
/// 256 MiB and reports its peak RSS, which must stay far below the body's size.
#[test]
fn a_large_download_keeps_memory_flat() {
    let Some(nums) = support::child_report("large_download_child") else {
        return;
    };
    let (peak_kib, bytes) = (nums[0], nums[1]);
    assert_eq!(bytes, 256 << 20);
    assert!(
        peak_kib < 96 * 1024,
        "peak RSS {peak_kib} KiB for a 256 MiB download"
    );
}

#[tokio::test]
#[ignore = "run by a_large_download_keeps_memory_flat in a child process"]
async fn large_download_child() {
    let emu = emulator().await;
    emu.set_pattern_content("big", 256 << 20);
    let client = support::client_for(&emu);
    let mut download = client
        .download(Request::<()>::get("/me/drive/items/big/content"))
        .await
        .unwrap();
    let mut n: u64 = 0;
    while let Some(piece) = download.chunk().await.unwrap() {
        // Spot-check the content as it passes.
        assert_eq!(piece[0], pattern_byte(n));
        n += piece.len() as u64;
    }
    let peak = support::peak_rss_kib().expect("/proc/self/status has VmHWM");
    println!("\nCHILD {peak} {n}");
}

#[tokio::test]
async fn a_content_range_past_any_body_is_a_protocol_error_not_an_overflow() {
    let (root, _holder) = holding_server(|_| {
        vec![b"HTTP/1.1 206 Partial Content\r\ncontent-length: 1\r\ncontent-range: bytes 18446744073709551615-18446744073709551615/*\r\n\r\nx".to_vec()]
    })
    .await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let err = client
        .download(Request::<()>::get("/f").header("range", "bytes=0-"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("past any body"), "{err}");
}

#[tokio::test]
async fn an_unsolicited_partial_answer_is_refused_naming_its_content_range() {
    let (root, _holder) = holding_server(|_| {
        let mut r = b"HTTP/1.1 206 Partial Content\r\ncontent-length: 1000\r\ncontent-range: bytes 1000-1999/2000\r\n\r\n".to_vec();
        r.extend_from_slice(&content(2000)[1000..]);
        vec![r]
    })
    .await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let err = client.download(Request::<()>::get("/f")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("bytes 1000-1999/2000"), "{err}");
}

#[tokio::test]
async fn an_unsolicited_partial_answer_covering_the_whole_resource_is_the_body() {
    let (root, _holder) = holding_server(|_| {
        let mut r = b"HTTP/1.1 206 Partial Content\r\ncontent-length: 2000\r\ncontent-range: bytes 0-1999/2000\r\n\r\n".to_vec();
        r.extend_from_slice(&content(2000));
        vec![r]
    })
    .await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let download = client.download(Request::<()>::get("/f")).await.unwrap();
    let mut got = Vec::new();
    tokio::io::copy(&mut download.into_reader(), &mut got)
        .await
        .unwrap();
    assert!(got == content(2000));
}

/// `GET /f` sends the first half of a 2000-byte body of version 1 with `first_headers` and
/// stalls; a request with `Range` gets the second half of version 2 (206) with `second_headers`.
async fn changing_server(
    first_headers: &'static str,
    second_headers: &'static str,
) -> (String, Arc<support::Holder>) {
    holding_server(move |_| {
        let mut first = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: 2000\r\naccept-ranges: bytes\r\n{first_headers}\r\n"
        )
        .into_bytes();
        first.extend_from_slice(&[1u8; 1000]);
        let mut second = format!(
            "HTTP/1.1 206 Partial Content\r\ncontent-length: 1000\r\ncontent-range: bytes 1000-1999/2000\r\n{second_headers}\r\n"
        )
        .into_bytes();
        second.extend_from_slice(&[2u8; 1000]);
        vec![first, second]
    })
    .await
}

async fn read_after_a_stall(root: &str) -> (Vec<u8>, Result<(), Error>) {
    let client = Client::builder().service_root(root).build().unwrap();
    let mut download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .idle_timeout(Some(Duration::from_millis(200)));
    let mut got = Vec::new();
    loop {
        match download.chunk().await {
            Ok(Some(piece)) => got.extend_from_slice(&piece),
            Ok(None) => return (got, Ok(())),
            Err(e) => return (got, Err(e)),
        }
    }
}

#[tokio::test]
async fn a_body_without_a_validator_is_not_resumed_so_two_versions_are_never_spliced() {
    let (root, _holder) = changing_server("", "").await;
    let (got, result) = read_after_a_stall(&root).await;
    assert!(!got.contains(&2), "bytes of another version were appended");
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "the stall itself: {err:?}");
    assert!(
        err.to_string().contains("no strong ETag or Last-Modified"),
        "{err}"
    );
}

#[tokio::test]
async fn a_weak_etag_is_no_validator_either() {
    let (root, _holder) = changing_server("etag: W/\"v1\"\r\n", "etag: W/\"v2\"\r\n").await;
    let (got, result) = read_after_a_stall(&root).await;
    assert!(!got.contains(&2), "bytes of another version were appended");
    assert!(result.is_err());
}

#[tokio::test]
async fn a_resumed_part_with_another_etag_is_refused() {
    let (root, _holder) = changing_server("etag: \"v1\"\r\n", "etag: \"v2\"\r\n").await;
    let (got, result) = read_after_a_stall(&root).await;
    assert!(!got.contains(&2), "bytes of another version were appended");
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("\"v2\""), "{err}");
}

#[tokio::test]
async fn a_resumed_part_with_the_same_etag_is_appended() {
    let (root, _holder) = changing_server("etag: \"v1\"\r\n", "etag: \"v1\"\r\n").await;
    let (got, result) = read_after_a_stall(&root).await;
    result.unwrap();
    assert_eq!(got.len(), 2000);
}

/// `GET /f` answers 200 with `head` (no length: the body ends when the connection closes),
/// sends `sent` bytes and holds the connection open.
async fn endless_server(sent: usize) -> (String, Arc<support::Holder>) {
    holding_server(move |_| {
        let mut r = b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec();
        r.extend_from_slice(&content(sent));
        vec![r]
    })
    .await
}

#[tokio::test]
async fn a_body_past_max_bytes_stops_with_too_large_naming_the_limit() {
    let (root, _holder) = endless_server(5000).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let mut download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .max_bytes(Some(1000));
    let mut got = 0;
    let err = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match download.chunk().await {
                Ok(Some(piece)) => got += piece.len(),
                Ok(None) => panic!("the body ended after {got} bytes"),
                Err(e) => break e,
            }
        }
    })
    .await
    .expect("stopped at the cap, not waiting for the end");
    assert!(got <= 1000, "{got} bytes delivered past the cap");
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err:?}");
    assert!(err.to_string().contains("1000 bytes"), "{err}");
    assert!(err.to_string().contains("max_bytes"), "{err}");
}

#[tokio::test]
async fn a_declared_length_past_max_bytes_is_refused_before_any_byte() {
    let (root, _holder) = holding_server(|_| {
        let mut r = b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n".to_vec();
        r.extend_from_slice(&content(5000));
        vec![r]
    })
    .await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let mut download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .max_bytes(Some(1000));
    let err = download.chunk().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err:?}");
    assert!(err.to_string().contains("5000"), "{err}");
}

#[tokio::test]
async fn a_trickling_body_stops_at_the_download_deadline() {
    let (root, _holder) = endless_server(100).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let started = std::time::Instant::now();
    let mut download = client
        .download(Request::<()>::get("/f"))
        .await
        .unwrap()
        .idle_timeout(None)
        .deadline(Some(Duration::from_millis(300)));
    let err = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match download.chunk().await {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the held body ended"),
                Err(e) => break e,
            }
        }
    })
    .await
    .expect("the deadline stops the download");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.to_string().contains("deadline"), "{err}");
    support::within(started.elapsed(), 300, 1500, "one deadline");
    assert!(download.chunk().await.unwrap().is_none());
}

#[tokio::test]
async fn send_of_bytes_refuses_an_unsolicited_partial_answer_and_keeps_a_solicited_one() {
    let part = || {
        let mut r = b"HTTP/1.1 206 Partial Content\r\ncontent-length: 1000\r\ncontent-range: bytes 1000-1999/2000\r\n\r\n".to_vec();
        r.extend_from_slice(&content(2000)[1000..]);
        r
    };
    let (root, _holder) = holding_server(move |_| vec![part(), part()]).await;
    let client = Client::builder().service_root(&root).build().unwrap();
    let err = client
        .send(Request::<()>::get("/f").bytes())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err:?}");
    assert!(err.to_string().contains("bytes 1000-1999/2000"), "{err}");
    let asked = client
        .send(
            Request::<()>::get("/f")
                .header("range", "bytes=1000-")
                .bytes(),
        )
        .await
        .unwrap();
    assert_eq!(asked.len(), 1000);
}
