//! The workload-aware scheduler against the emulator's per-mailbox limit: concurrent To Do writes
//! keep to 4 in flight, a throttled mailbox or tenant waits while the others go on, a `$batch` of
//! To Do creates is cut to the limit, and the waits show in tracing and the snapshot.
//!
//! Its own binary: it installs a tracing subscriber (see `client_tracing.rs`). Order and counts
//! are asserted, never wall time.

mod support;

use std::time::Duration;

use graph_odata::batch::Batch;
use graph_odata::policy::{Scheduler, Workload};
use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Fault, MailboxLimit};
use serde_json::{Value, json};
use support::{emulator, fast_retry};

fn client(emu: &Emulator, scheduler: Scheduler, retry: RetryPolicy) -> Client {
    Client::builder()
        .service_root(emu.v1_url())
        .retry(retry)
        .scheduler(scheduler)
        .build()
        .unwrap()
}

/// A To Do list in `mailbox` (`me` or `users/{id}`) with an empty task collection; its tasks path.
fn todo_list(emu: &Emulator, mailbox: &str) -> String {
    let list = emu.insert(
        &format!("/{mailbox}/todo/lists"),
        json!({"displayName": "Errands"}),
    );
    let tasks = format!("/{mailbox}/todo/lists/{list}/tasks");
    emu.create_collection(&tasks);
    tasks
}

/// Sends `n` task creates at once; the errors.
async fn creates(client: &Client, tasks: &str, n: usize) -> Vec<Error> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let client = client.clone();
        let tasks = tasks.to_owned();
        set.spawn(async move {
            client
                .send(Request::<Value>::post(
                    tasks,
                    &json!({"title": format!("t{i}")}),
                ))
                .await
        });
    }
    set.join_all()
        .await
        .into_iter()
        .filter_map(Result::err)
        .collect()
}

#[tokio::test]
async fn ten_concurrent_todo_writes_keep_four_in_flight_and_none_fails() {
    let (captured, _guard) = support::trace::capture(tracing::Level::DEBUG);
    let emu = emulator().await;
    emu.set_mailbox_limit(Some(MailboxLimit::new(4).hold(Duration::from_millis(200))));
    let tasks = todo_list(&emu, "me");
    // No retries: a single 429 would be an error.
    let scheduled = client(&emu, Scheduler::new(), RetryPolicy::none());
    let errors = creates(&scheduled, &tasks, 10).await;
    assert!(errors.is_empty(), "{errors:?}");
    let counts = emu.mailbox_counts();
    assert_eq!(counts.total_throttled(), 0);
    assert_eq!(counts.served["me"], 10);
    assert!(counts.max_in_flight["me"] <= 4, "{counts:?}");
    let stats = scheduled.scheduler_stats();
    let outlook = stats.workload(Workload::Outlook).unwrap();
    assert_eq!(
        (outlook.max_in_flight, outlook.in_flight, outlook.waiting),
        (4, 0, 0)
    );
    assert_eq!(outlook.throttled_answers, 0);
    let log = captured.text();
    assert!(
        log.contains("graph_odata::scheduler") && log.contains("reason=\"concurrency\""),
        "{log}"
    );

    // The same burst without the scheduler meets the limit.
    emu.set_mailbox_limit(Some(MailboxLimit::new(4).hold(Duration::from_millis(200))));
    let naive = client(&emu, Scheduler::off(), RetryPolicy::none());
    let errors = creates(&naive, &tasks, 10).await;
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|e| e.status() == Some(http::StatusCode::TOO_MANY_REQUESTS))
    );
    assert_eq!(emu.mailbox_counts().total_throttled(), errors.len() as u64);
}

#[tokio::test]
async fn a_throttled_mailbox_waits_and_another_keeps_going() {
    let (captured, _guard) = support::trace::capture(tracing::Level::DEBUG);
    let emu = emulator().await;
    let slow = todo_list(&emu, "users/a");
    let fast = todo_list(&emu, "users/b");
    emu.fault(Fault::throttle("1").path(&format!("/v1.0{slow}")).times(1));
    let client = client(&emu, Scheduler::new(), fast_retry());
    let first = {
        let client = client.clone();
        let slow = slow.clone();
        tokio::spawn(async move {
            client
                .send(Request::<Value>::post(slow, &json!({"title": "a1"})))
                .await
        })
    };
    // Until the throttled answer arrives the partition is not held back.
    while client
        .scheduler_stats()
        .workload(Workload::Outlook)
        .is_none_or(|w| w.throttled_partitions == 0)
    {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A second write to the throttled mailbox waits for its Retry-After.
    let second = {
        let client = client.clone();
        let slow = slow.clone();
        tokio::spawn(async move {
            client
                .send(Request::<Value>::post(slow, &json!({"title": "a2"})))
                .await
        })
    };
    // Meanwhile the other mailbox goes on: five writes one after the other.
    for i in 0..5 {
        let r: Result<Value, _> = client
            .send(Request::post(
                fast.clone(),
                &json!({"title": format!("b{i}")}),
            ))
            .await;
        r.unwrap();
    }
    let stats = client.scheduler_stats();
    let outlook = stats.workload(Workload::Outlook).unwrap();
    assert_eq!(outlook.throttled_partitions, 1);
    assert_eq!(outlook.throttled_answers, 1);
    first.await.unwrap().unwrap();
    second.await.unwrap().unwrap();
    // In the emulator's log every write of `b` comes before any write of `a` after the 429.
    let posts: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| r.method == http::Method::POST)
        .map(|r| r.path.to_lowercase())
        .collect();
    let last_b = posts.iter().rposition(|p| p.contains("users/b")).unwrap();
    let a_after_429: Vec<usize> = posts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.contains("users/a"))
        .map(|(i, _)| i)
        .skip(1)
        .collect();
    assert_eq!(a_after_429.len(), 2, "{posts:?}");
    assert!(a_after_429.iter().all(|&i| i > last_b), "{posts:?}");
    let log = captured.text();
    assert!(
        log.contains("reason=\"throttled\"") && log.contains("users/a"),
        "{log}"
    );
}

#[tokio::test]
async fn tenants_sharing_a_scheduler_throttled_one_does_not_stall_the_other() {
    let (_captured, _guard) = support::trace::capture(tracing::Level::DEBUG);
    let emu = emulator().await;
    emu.create_collection("/groups");
    let shared = Scheduler::new();
    let contoso = client(&emu, shared.tenant("contoso"), fast_retry());
    let fabrikam = client(&emu, shared.tenant("fabrikam"), fast_retry());
    emu.fault(Fault::throttle("1").path("/v1.0/groups").times(1));
    // Contoso meets the 429 (its call waits inside the retry policy).
    let waiting = {
        let contoso = contoso.clone();
        tokio::spawn(async move { contoso.send(Request::<Value>::get("/groups")).await })
    };
    while shared
        .snapshot()
        .workload(Workload::Other)
        .is_none_or(|w| w.throttled_partitions == 0)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for _ in 0..5 {
        let _: Value = fabrikam.send(Request::get("/groups")).await.unwrap();
    }
    // Both clients see the shared scheduler: one throttled partition, two partitions.
    let stats = contoso.scheduler_stats();
    assert_eq!(stats, fabrikam.scheduler_stats());
    let other = stats.workload(Workload::Other).unwrap();
    assert_eq!((other.partitions, other.throttled_partitions), (2, 1));
    waiting.await.unwrap().unwrap();
    let gets = emu
        .requests()
        .iter()
        .filter(|r| r.method == http::Method::GET && r.path == "/v1.0/groups")
        .count();
    assert_eq!(gets, 7, "contoso twice, fabrikam five times");
    // The retry of contoso came after fabrikam's five.
    let last = emu
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == "/v1.0/groups");
    assert!(last.is_some_and(|r| r.headers.contains_key("retry-attempt")));
}

#[tokio::test]
async fn a_batch_of_ten_todo_creates_is_sent_in_fours_and_none_is_throttled() {
    let (_captured, _guard) = support::trace::capture(tracing::Level::DEBUG);
    let emu = emulator().await;
    emu.set_mailbox_limit(Some(MailboxLimit::new(4)));
    let tasks = todo_list(&emu, "me");
    let client = client(&emu, Scheduler::new(), RetryPolicy::none());
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..10)
        .map(|i| {
            batch.add(Request::<Value>::post(
                tasks.clone(),
                &json!({"title": format!("t{i}")}),
            ))
        })
        .collect();
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 3, "4 + 4 + 2");
    for h in &handles {
        assert_eq!(results.status(h), Some(http::StatusCode::CREATED));
    }
    assert_eq!(emu.mailbox_counts().total_throttled(), 0);
    assert_eq!(emu.count(&tasks), Some(10));

    // Without the scheduler the batch goes in one call and the items past 4 come back 429.
    let naive = Client::builder()
        .service_root(emu.v1_url())
        .retry(RetryPolicy::none())
        .scheduler(Scheduler::off())
        .build()
        .unwrap();
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..10)
        .map(|i| {
            batch.add(Request::<Value>::post(
                tasks.clone(),
                &json!({"title": format!("n{i}")}),
            ))
        })
        .collect();
    let results = naive.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 1);
    let throttled = handles
        .iter()
        .filter(|h| results.status(h) == Some(http::StatusCode::TOO_MANY_REQUESTS))
        .count();
    assert_eq!(throttled, 6);
}

#[tokio::test]
async fn a_dependent_chain_longer_than_the_limit_keeps_one_call() {
    let (_captured, _guard) = support::trace::capture(tracing::Level::DEBUG);
    let emu = emulator().await;
    emu.set_mailbox_limit(Some(MailboxLimit::new(4)));
    let tasks = todo_list(&emu, "me");
    let client = client(&emu, Scheduler::new(), RetryPolicy::none());
    let mut batch = Batch::new();
    let mut previous: Option<String> = None;
    let mut handles = Vec::new();
    for i in 0..6 {
        let request = Request::<Value>::post(tasks.clone(), &json!({"title": format!("c{i}")}));
        let h = match &previous {
            Some(p) => batch.add_after(request, &[p.as_str()]),
            None => batch.add(request),
        };
        previous = Some(h.id().to_owned());
        handles.push(h);
    }
    let results = client.send_batch(batch).await.unwrap();
    assert_eq!(results.calls(), 1);
    for h in &handles {
        assert_eq!(results.status(h), Some(http::StatusCode::CREATED));
    }
}
