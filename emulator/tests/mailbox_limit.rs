//! Outlook's per-mailbox concurrency over plain HTTP: off by default, switched on through the
//! admin route or `Emulator::set_mailbox_limit`, requests and `$batch` items past the limit answer
//! `429 ApplicationThrottled` with `Retry-After`.

use std::time::Duration;

use graph_odata_emulator::{Emulator, MailboxLimit};
use serde_json::{Value, json};

async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

/// Sends `n` POSTs to `path` at once; the statuses, sorted.
async fn burst(emu: &Emulator, path: &str, n: usize) -> Vec<u16> {
    let c = reqwest::Client::new();
    let url = format!("{}{path}", emu.v1_url());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let c = c.clone();
        let url = url.clone();
        tasks.spawn(async move {
            let r = c
                .post(&url)
                .json(&json!({"title": format!("t{i}")}))
                .send()
                .await;
            r.map(|r| r.status().as_u16()).unwrap_or(0)
        });
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort_unstable();
    statuses
}

#[tokio::test]
async fn off_by_default_and_on_through_the_admin_route() {
    let emu = emulator().await;
    let list = emu.insert("/me/todo/lists", json!({"displayName": "Errands"}));
    let tasks = format!("/me/todo/lists/{list}/tasks");
    emu.create_collection(&tasks);
    assert!(burst(&emu, &tasks, 8).await.iter().all(|&s| s == 201));

    let c = reqwest::Client::new();
    let admin = format!("{}/_emulator/mailbox-limit", emu.base_url());
    let on = c
        .put(&admin)
        .json(&json!({"concurrent": 2, "holdMs": 1000, "retryAfterMs": 1500}))
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), 204);
    let statuses = burst(&emu, &tasks, 6).await;
    let created = statuses.iter().filter(|&&s| s == 201).count();
    let throttled = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!((created, throttled), (2, 4), "{statuses:?}");

    // Graph's error shape and Retry-After.
    let url = format!("{}{tasks}", emu.v1_url());
    let (a, b, c3) = tokio::join!(
        c.post(&url).json(&json!({"title": "a"})).send(),
        c.post(&url).json(&json!({"title": "b"})).send(),
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            c.post(&url).json(&json!({"title": "c"})).send().await
        }
    );
    assert_eq!(
        (a.unwrap().status().as_u16(), b.unwrap().status().as_u16()),
        (201, 201)
    );
    let refused = c3.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "1.500");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ApplicationThrottled");

    // Another mailbox and other workloads are not limited by this mailbox.
    emu.create_collection("/users/ada@contoso.com/todo/lists");
    let others = burst(&emu, "/users/Ada%40Contoso.com/todo/lists", 2).await;
    assert_eq!(others, vec![201, 201]);
    let counts: Value = c.get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(counts["concurrent"], 2);
    assert_eq!(counts["maxInFlight"]["me"], 2);
    assert_eq!(counts["maxInFlight"]["users/ada@contoso.com"], 2);
    assert_eq!(counts["throttled"]["me"], 5);

    // Off again.
    let off = c
        .put(&admin)
        .json(&json!({"concurrent": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 204);
    assert!(burst(&emu, &tasks, 6).await.iter().all(|&s| s == 201));
}

#[tokio::test]
async fn bad_settings_are_refused_by_name() {
    let emu = emulator().await;
    let c = reqwest::Client::new();
    let admin = format!("{}/_emulator/mailbox-limit", emu.base_url());
    for bad in [
        json!({}),
        json!({"concurrent": -1}),
        json!({"concurrent": 4, "holdMs": 3_600_000}),
        json!({"concurrent": 4, "retryAfterMs": 3_600_000}),
        json!({"concurrent": 1_000_000_000u64}),
        json!({"concurrent": 4, "colour": "red"}),
        json!("4"),
    ] {
        let r = c.put(&admin).json(&bad).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"]["message"].is_string(), "{bad}: {body}");
    }
    let r = c.put(&admin).body("{").send().await.unwrap();
    assert_eq!(r.status(), 400);
    // Nothing was switched on by the refused bodies.
    assert_eq!(emu.mailbox_counts().total_throttled(), 0);
    let counts: Value = c.get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(counts["concurrent"], Value::Null);
}

#[tokio::test]
async fn batch_items_past_the_limit_are_throttled_each() {
    let emu = emulator().await;
    emu.set_mailbox_limit(Some(MailboxLimit::new(4)));
    let list = emu.insert("/me/todo/lists", json!({"displayName": "Errands"}));
    emu.create_collection(&format!("/me/todo/lists/{list}/tasks"));
    let mut requests: Vec<Value> = (0..10)
        .map(|i| {
            json!({"id": format!("{i}"), "method": "POST", "url": format!("/me/todo/lists/{list}/tasks"),
                   "headers": {"content-type": "application/json"}, "body": {"title": format!("t{i}")}})
        })
        .collect();
    // An item that depends on another runs after it: it does not count against the limit.
    requests.push(
        json!({"id": "chained", "method": "GET", "url": "/me/todo/lists", "dependsOn": ["0"]}),
    );
    // Another workload in the same batch is not limited.
    requests.push(json!({"id": "users", "method": "GET", "url": "/users"}));
    emu.create_collection("/users");
    let c = reqwest::Client::new();
    let reply: Value = c
        .post(format!("{}/$batch", emu.v1_url()))
        .json(&json!({"requests": requests}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status = |id: &str| {
        reply["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| (r["status"].as_u64().unwrap(), r.clone()))
            .unwrap()
    };
    let created = (0..10).filter(|i| status(&i.to_string()).0 == 201).count();
    assert_eq!(created, 4);
    let (s, refused) = status("9");
    assert_eq!(s, 429);
    assert_eq!(refused["headers"]["retry-after"], "1");
    assert_eq!(refused["body"]["error"]["code"], "ApplicationThrottled");
    // The chained item runs after its dependency, not at once with the others.
    assert_eq!(status("chained").0, 200);
    assert_eq!(status("users").0, 200);
    let counts = emu.mailbox_counts();
    assert_eq!((counts.max_concurrent(), counts.total_throttled()), (4, 6));
}
