//! The scheduler's rules on a paused clock, against a scripted end of the chain.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use super::*;
use crate::policy::testing::ctx;

/// An end of the chain that takes `hold` to answer, counts what is in flight at once, and
/// answers 429 with `Retry-After: 2` to paths containing `throttle`.
#[derive(Debug, Default)]
struct Slow {
    now: AtomicUsize,
    max: AtomicUsize,
    sent: Mutex<Vec<(String, Instant)>>,
}

use std::sync::Mutex;

impl Policy for Slow {
    fn send<'a>(
        &'a self,
        _ctx: &'a Context,
        request: &'a mut HttpRequest,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<HttpResponse, Error>> {
        Box::pin(async move {
            let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.max.fetch_max(n, Ordering::SeqCst);
            self.sent
                .lock()
                .unwrap()
                .push((request.url.path().to_owned(), Instant::now()));
            tokio::time::sleep(Duration::from_millis(100)).await;
            self.now.fetch_sub(1, Ordering::SeqCst);
            let mut headers = HeaderMap::new();
            let status = if request.url.path().contains("year") {
                headers.insert("retry-after", http::HeaderValue::from_static("31536000"));
                StatusCode::SERVICE_UNAVAILABLE
            } else if request.url.path().contains("throttle") {
                headers.insert("retry-after", http::HeaderValue::from_static("2"));
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::CREATED
            };
            Ok(HttpResponse::new(status, headers, bytes::Bytes::new()))
        })
    }
}

async fn send(policy: Arc<dyn Policy>, end: Arc<Slow>, url: String) -> StatusCode {
    let chain: Vec<Arc<dyn Policy>> = vec![policy, end];
    let mut request = HttpRequest::new(http::Method::POST, Url::parse(&url).unwrap());
    Next::new(&chain)
        .send(&ctx(), &mut request)
        .await
        .unwrap()
        .status
}

fn policy(scheduler: &Scheduler) -> Arc<dyn Policy> {
    let root = Url::parse("https://graph.example/v1.0").unwrap();
    Arc::new(scheduler.policy(&root).unwrap())
}

#[tokio::test(start_paused = true)]
async fn at_most_four_in_flight_per_mailbox_and_other_mailboxes_go_on() {
    let scheduler = Scheduler::new();
    let end = Arc::new(Slow::default());
    let p = policy(&scheduler);
    let mut tasks = Vec::new();
    for i in 0..10 {
        let url = format!("https://graph.example/v1.0/me/todo/lists/l/tasks?n={i}");
        tasks.push(tokio::spawn(send(p.clone(), end.clone(), url)));
    }
    tokio::time::sleep(Duration::from_millis(1)).await;
    let stats = scheduler.snapshot();
    let outlook = stats.workload(Workload::Outlook).unwrap();
    assert_eq!((outlook.in_flight, outlook.waiting), (4, 6));
    // Another mailbox is not held back by the first one's queue.
    let other = send(
        p.clone(),
        end.clone(),
        "https://graph.example/v1.0/users/B/todo/lists".into(),
    )
    .await;
    assert_eq!(other, StatusCode::CREATED);
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(
        end.max.load(Ordering::SeqCst),
        5,
        "4 for `me`, 1 for users/b"
    );
    let stats = scheduler.snapshot();
    let outlook = stats.workload(Workload::Outlook).unwrap();
    assert_eq!(
        (
            outlook.partitions,
            outlook.in_flight,
            outlook.waiting,
            outlook.max_in_flight
        ),
        (2, 0, 0, 4)
    );
}

#[tokio::test(start_paused = true)]
async fn a_throttled_partition_waits_and_the_others_do_not() {
    let scheduler = Scheduler::new();
    let end = Arc::new(Slow::default());
    let p = policy(&scheduler);
    let start = Instant::now();
    let throttled = send(
        p.clone(),
        end.clone(),
        "https://graph.example/v1.0/users/a/messages/throttle".into(),
    )
    .await;
    assert_eq!(throttled, StatusCode::TOO_MANY_REQUESTS);
    let stats = scheduler.snapshot();
    let outlook = stats.workload(Workload::Outlook).unwrap();
    assert_eq!(
        (outlook.throttled_partitions, outlook.throttled_answers),
        (1, 1)
    );
    // The same mailbox (another spelling) waits for the Retry-After; another mailbox does not.
    let same = tokio::spawn(send(
        p.clone(),
        end.clone(),
        "https://graph.example/v1.0/USERS/A/messages".into(),
    ));
    let other = send(
        p.clone(),
        end.clone(),
        "https://graph.example/v1.0/users/b/messages".into(),
    )
    .await;
    assert_eq!(other, StatusCode::CREATED);
    assert_eq!(same.await.unwrap(), StatusCode::CREATED);
    let sent = end.sent.lock().unwrap().clone();
    let at = |path: &str| sent.iter().find(|(p, _)| p == path).unwrap().1 - start;
    assert_eq!(at("/v1.0/users/b/messages"), Duration::from_millis(100));
    assert_eq!(at("/v1.0/USERS/A/messages"), Duration::from_millis(2100));
}

#[tokio::test(start_paused = true)]
async fn tenants_sharing_a_scheduler_are_partitioned_and_off_does_nothing() {
    let shared = Scheduler::new().mailbox_concurrency(1);
    let end = Arc::new(Slow::default());
    let a = policy(&shared.tenant("Contoso"));
    let b = policy(&shared.tenant("fabrikam"));
    let url = "https://graph.example/v1.0/me/events";
    let (ra, rb) = tokio::join!(
        send(a.clone(), end.clone(), url.into()),
        send(b.clone(), end.clone(), url.into())
    );
    assert_eq!((ra, rb), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(end.max.load(Ordering::SeqCst), 2, "one per tenant");
    let stats = shared.snapshot();
    assert_eq!(stats.workload(Workload::Outlook).unwrap().partitions, 2);
    let root = Url::parse("https://graph.example/v1.0").unwrap();
    assert!(Scheduler::off().policy(&root).is_none());
    assert_eq!(Scheduler::off().get_mailbox_concurrency(), None);
    assert_eq!(
        Scheduler::new()
            .mailbox_concurrency(0)
            .get_mailbox_concurrency(),
        Some(1)
    );
}

#[tokio::test(start_paused = true)]
async fn a_dropped_waiter_gives_its_counts_back_and_retry_after_is_capped() {
    let scheduler = Scheduler::new().mailbox_concurrency(1);
    let end = Arc::new(Slow::default());
    let p = policy(&scheduler);
    let url = "https://graph.example/v1.0/me/messages";
    let first = tokio::spawn(send(p.clone(), end.clone(), url.into()));
    let second = tokio::spawn(send(p.clone(), end.clone(), url.into()));
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert_eq!(
        scheduler
            .snapshot()
            .workload(Workload::Outlook)
            .unwrap()
            .waiting,
        1
    );
    second.abort();
    assert!(second.await.unwrap_err().is_cancelled());
    assert_eq!(first.await.unwrap(), StatusCode::CREATED);
    let stats = scheduler.snapshot();
    let outlook = stats.workload(Workload::Outlook).unwrap();
    assert_eq!((outlook.in_flight, outlook.waiting), (0, 0));
    // A year-long Retry-After holds the partition back for MAX_THROTTLE at most.
    let now = Instant::now();
    let r = send(p.clone(), end.clone(), format!("{url}/year")).await;
    assert_eq!(r, StatusCode::SERVICE_UNAVAILABLE);
    let until = scheduler
        .snapshot()
        .workload(Workload::Outlook)
        .unwrap()
        .throttled_until;
    assert_eq!(until, Some(now + Duration::from_millis(100) + MAX_THROTTLE));
}

#[test]
fn only_urls_below_the_root_on_its_origin_are_the_home_partition() {
    let scheduler = Scheduler::default();
    let root = Url::parse("http://127.0.0.1:808/v1.0").unwrap();
    let policy = scheduler.policy(&root).unwrap();
    let key = |url: &str| policy.key(&Url::parse(url).unwrap());
    for home in [
        "http://127.0.0.1:808/v1.0",
        "http://127.0.0.1:808/v1.0/users/42",
        "http://127.0.0.1:808/v1.0?$top=1",
        "http://127.0.0.1:808/v1.0/users/42/memberOf?$select=id#x",
        // Same origin, outside the root's path: still the origin's partition.
        "http://127.0.0.1:808/beta/users",
        "http://127.0.0.1:808/v1.0x/messages",
    ] {
        assert!(key(home).is_none(), "{home}");
    }
    // A lookalike prefix (a longer port, another port, another scheme, a longer host) is
    // another origin.
    for other in [
        "http://127.0.0.1:8080/v1.0/users",
        "http://127.0.0.1:809/v1.0/users",
        "https://127.0.0.1:808/v1.0/users",
        "http://127.0.0.10:808/v1.0/users",
    ] {
        let key = key(other).expect(other);
        assert_eq!(key.workload, Workload::Other, "{other}");
        assert_ne!(&*key.origin, "http://127.0.0.1:808", "{other}");
    }
    // Below the root, query and all: an Outlook path is partitioned by its mailbox, the query
    // ignored.
    let key =
        key("http://127.0.0.1:808/v1.0/users/Ada%40x.com/messages?$filter=a/b eq 'c'").unwrap();
    assert_eq!(key.workload, Workload::Outlook);
    assert_eq!(key.mailbox.as_deref(), Some("users/ada@x.com"));
    assert_eq!(&*key.origin, "http://127.0.0.1:808");
}
