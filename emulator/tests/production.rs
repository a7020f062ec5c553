//! The emulator's production scenarios over plain HTTP (any client): admin routes for faults,
//! replication lag and delta-token expiry; simple uploads of any bytes; long-running operation
//! monitors and who may read them; delta tokens it never issued.

use graph_odata_emulator::Emulator;
use serde_json::{Value, json};

async fn emulator() -> Emulator {
    match Emulator::start().await {
        Ok(emu) => emu,
        Err(e) => panic!("cannot start the emulator on loopback: {e}"),
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn code(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn faults_are_injected_over_http_and_never_hit_the_admin_routes() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u1"}));
    let c = http();
    let admin = format!("{}/_emulator/faults", emu.base_url());
    let add = c
        .post(&admin)
        .json(&json!({"kind": "status", "status": 503, "retryAfter": "1", "path": "*", "times": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(add.status(), 204);
    let users = format!("{}/users", emu.v1_url());
    let throttled = c.get(&users).send().await.unwrap();
    assert_eq!(throttled.status(), 503);
    assert_eq!(throttled.headers()["retry-after"], "1");
    // The admin route is not one of the faulted requests: clearing works at once.
    assert_eq!(c.delete(&admin).send().await.unwrap().status(), 204);
    assert_eq!(c.get(&users).send().await.unwrap().status(), 200);

    for bad in [
        json!({"kind": "status"}),
        json!({"kind": "status", "status": 99}),
        json!({"kind": "explode"}),
        json!({"kind": "delay", "delayMs": 3_600_000}),
        json!({"kind": "drop", "colour": "red"}),
        json!({"kind": "drop", "times": 1_000_000_000u32}),
    ] {
        let (status, body) = code(c.post(&admin).json(&bad).send().await.unwrap()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, _) = code(c.post(&admin).body("not json").send().await.unwrap()).await;
    assert_eq!(status, 400);
    let (status, _) = code(
        c.get(format!("{}/_emulator/nothing", emu.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn admin_routes_sit_behind_the_bearer_check() {
    let emu = emulator().await;
    emu.require_bearer(Some("t"));
    let url = format!("{}/_emulator/faults", emu.base_url());
    let c = http();
    assert_eq!(c.delete(&url).send().await.unwrap().status(), 401);
    assert_eq!(
        c.delete(&url)
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
}

#[tokio::test]
async fn replication_lag_hides_a_new_entity_until_it_is_switched_off() {
    let emu = emulator().await;
    let c = http();
    let lag = format!("{}/_emulator/replication-lag", emu.base_url());
    assert_eq!(
        c.put(&lag)
            .json(&json!({"ms": 60_000}))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let created = c
        .post(format!("{}/users", emu.v1_url()))
        .json(&json!({"displayName": "Ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = code(
        c.get(format!("{}/users/{id}", emu.v1_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("Request_ResourceNotFound"))
    );
    // Entities that existed before are readable.
    emu.insert("/users", json!({"id": "old"}));
    assert_eq!(
        c.get(format!("{}/users/old", emu.v1_url()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        c.put(&lag)
            .json(&json!({"ms": 0}))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        c.get(format!("{}/users/{id}", emu.v1_url()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        c.put(&lag)
            .json(&json!({"ms": -1}))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        c.put(&lag)
            .json(&json!({"ms": 3_600_000}))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
}

#[tokio::test]
async fn a_simple_upload_takes_any_bytes() {
    let emu = emulator().await;
    let c = http();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let put = |path: String, body: Vec<u8>| {
        c.put(path)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
    };
    let url = format!("{}/me/drive/root:/photo.bin:/content", emu.v1_url());
    let (status, item) = code(put(url.clone(), bytes.clone()).await.unwrap()).await;
    assert_eq!(status, 201, "{item}");
    assert_eq!(item["name"], "photo.bin");
    assert_eq!(item["size"], 4096);
    let id = item["id"].as_str().unwrap().to_owned();
    assert_eq!(emu.uploaded_content(&id).as_deref(), Some(&bytes[..]));
    // Same name again: replaced, 200.
    let (status, again) = code(put(url, b"{not json".to_vec()).await.unwrap()).await;
    assert_eq!((status, again["id"].as_str()), (200, Some(&*id)));
    assert_eq!(
        emu.uploaded_content(&id).as_deref(),
        Some(&b"{not json"[..])
    );
    // By id.
    let by_id = format!("{}/me/drive/items/{id}/content", emu.v1_url());
    let (status, _) = code(put(by_id, Vec::new()).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(emu.uploaded_content(&id).as_deref(), Some(&b""[..]));
    let missing = format!("{}/me/drive/items/nope/content", emu.v1_url());
    assert_eq!(put(missing, vec![1]).await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_copy_monitor_refuses_a_token_and_lives_on_the_second_origin_only() {
    let emu = emulator().await;
    emu.insert("/me/drive/items", json!({"id": "i1", "name": "a.txt"}));
    let c = http();
    let accepted = c
        .post(format!("{}/me/drive/items/i1/copy", emu.v1_url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 202);
    let monitor = accepted.headers()["location"].to_str().unwrap().to_owned();
    assert!(monitor.starts_with(emu.download_base_url()), "{monitor}");
    let (status, body) = code(c.get(&monitor).bearer_auth("leaked").send().await.unwrap()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("tokenSentToMonitor"))
    );
    let on_service = monitor.replace(emu.download_base_url(), emu.base_url());
    let (status, body) = code(c.get(&on_service).send().await.unwrap()).await;
    assert!(
        status >= 400 && body.get("status").is_none(),
        "{status} {body}"
    );
    let (status, body) = code(c.get(&monitor).send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (202, Some("inProgress")));
    let (status, body) = code(c.get(&monitor).send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("completed")));
    // Finished operations are gone.
    assert_eq!(c.get(&monitor).send().await.unwrap().status(), 404);
    let forged = format!("{}/monitor/forged", emu.download_base_url());
    assert_eq!(c.get(&forged).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn delta_tokens_never_issued_or_expired_over_http_are_errors() {
    let emu = emulator().await;
    emu.insert("/users", json!({"id": "u1"}));
    let c = http();
    let (_, first) = code(
        c.get(format!("{}/users/delta()", emu.v1_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let link = first["@odata.deltaLink"].as_str().unwrap().to_owned();
    assert_eq!(
        c.get(&link).send().await.unwrap().status(),
        200,
        "an issued token works"
    );
    assert_eq!(
        c.delete(format!("{}/_emulator/delta-tokens", emu.base_url()))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let expired = c.get(&link).send().await.unwrap();
    assert_eq!(expired.status(), 410);
    let location = expired.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{}/users/delta()", emu.v1_url()));
    let (_, body) = code(expired).await;
    assert_eq!(body["error"]["code"], "resyncRequired");
    for forged in ["0", "99999999", "%27%20or%201=1", &"a".repeat(5000)] {
        let url = format!("{}/users/delta()?$skiptoken={forged}", emu.v1_url());
        let (status, body) = code(c.get(&url).send().await.unwrap()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("syncStateNotFound"))
        );
    }
}
