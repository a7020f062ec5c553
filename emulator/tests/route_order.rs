//! Which handler answers when several could: faults, the pre-authenticated upload and download
//! URLs, the JWKS and the lifecycle admin route, the bearer check, the `/content` redirect,
//! `$batch`, `createUploadSession`, `/subscriptions`, user routes, Graph routes, `$count`, then
//! the store. The identity endpoint (token, device code) answers before the bearer check.

use graph_odata_emulator::{Emulator, Fault, Reply};
use http::{Method, StatusCode};
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

/// `GET url` without following redirects.
async fn get(url: impl reqwest::IntoUrl) -> reqwest::Response {
    match http().get(url).send().await {
        Ok(r) => r,
        Err(e) => panic!("GET failed: {e}"),
    }
}

/// A user route that answers `"mine"` to `method pattern`.
fn mine(emu: &Emulator, method: Method, pattern: &str) {
    emu.route(method, pattern, |_| {
        Reply::json(StatusCode::OK, json!({"answer": "mine"}))
    });
}

async fn body(response: reqwest::Response) -> Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

#[tokio::test]
async fn a_user_route_answers_before_count() {
    let emu = emulator().await;
    emu.insert("/users", json!({"displayName": "A"}));
    mine(&emu, Method::GET, "/users/$count");
    let r = get(format!("{}/users/$count", emu.v1_url())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(body(r).await["answer"], "mine");
}

#[tokio::test]
async fn count_answers_after_a_route_that_passes() {
    let emu = emulator().await;
    emu.insert("/users", json!({"displayName": "A"}));
    emu.insert("/users", json!({"displayName": "B"}));
    emu.route(Method::GET, "/users/$count", |_| Reply::next());
    let r = get(format!("{}/users/$count", emu.v1_url())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(r.text().await.unwrap(), "2");
}

#[tokio::test]
async fn the_content_redirect_comes_before_user_routes() {
    let emu = emulator().await;
    emu.set_content("f1", &b"hello"[..]);
    mine(&emu, Method::GET, "/me/drive/items/{id}/content");
    let r = get(format!("{}/me/drive/items/f1/content", emu.v1_url())).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!(
            "{}/download/f1?tempauth=",
            emu.download_base_url()
        )),
        "{location}"
    );
    // An item without content: the user route answers.
    let r = get(format!("{}/me/drive/items/f2/content", emu.v1_url())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(body(r).await["answer"], "mine");
}

#[tokio::test]
async fn batch_comes_before_user_routes() {
    let emu = emulator().await;
    emu.insert("/users", json!({"displayName": "A"}));
    mine(&emu, Method::POST, "/$batch");
    let r = http()
        .post(format!("{}/$batch", emu.v1_url()))
        .json(&json!({"requests": [{"id": "1", "method": "GET", "url": "/users"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b = body(r).await;
    assert_eq!(b["responses"][0]["status"], 200, "{b}");
}

#[tokio::test]
async fn create_upload_session_comes_before_user_routes() {
    let emu = emulator().await;
    mine(&emu, Method::POST, "/**/createUploadSession");
    let r = http()
        .post(format!(
            "{}/me/drive/root:/a.txt:/createUploadSession",
            emu.v1_url()
        ))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b = body(r).await;
    assert!(b["uploadUrl"].is_string(), "{b}");
}

#[tokio::test]
async fn user_routes_answer_before_graph_routes() {
    let emu = emulator().await;
    mine(&emu, Method::POST, "/**/createLink");
    let r = http()
        .post(format!("{}/me/drive/items/i1/createLink", emu.v1_url()))
        .json(&json!({"type": "view"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(body(r).await["answer"], "mine");
}

#[tokio::test]
async fn upload_and_download_urls_need_no_token_and_everything_else_does() {
    let emu = emulator().await;
    emu.require_bearer(Some("t0k"));
    let r = http()
        .post(format!(
            "{}/me/drive/root:/a.txt:/createUploadSession",
            emu.v1_url()
        ))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "createUploadSession needs the token");
    let r = http()
        .post(format!(
            "{}/me/drive/root:/a.txt:/createUploadSession",
            emu.v1_url()
        ))
        .bearer_auth("t0k")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let upload_url = body(r).await["uploadUrl"].as_str().unwrap().to_owned();
    let r = get(&upload_url).await;
    assert_eq!(r.status(), 200, "the upload URL is pre-authenticated");
    let r = get(format!("{}/upload/nothing", emu.base_url())).await;
    assert_eq!(r.status(), 404, "an unknown upload URL is a 404, not a 401");

    emu.set_content("f1", &b"hello"[..]);
    let content = format!("{}/me/drive/items/f1/content", emu.v1_url());
    let r = get(&content).await;
    assert_eq!(r.status(), 401, "the /content redirect needs the token");
    let r = http()
        .get(&content)
        .bearer_auth("t0k")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let r = get(&location).await;
    assert_eq!(r.status(), 200, "the download URL is pre-authenticated");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"hello");
    let r = get(format!("{}/download/nothing", emu.download_base_url())).await;
    assert_eq!(
        r.status(),
        404,
        "an unknown download URL is a 404, not a 401"
    );

    let r = http()
        .post(format!("{}/$batch", emu.v1_url()))
        .json(&json!({"requests": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "$batch needs the token");
}

#[tokio::test]
async fn faults_apply_before_every_endpoint() {
    let emu = emulator().await;
    emu.require_bearer(Some("t0k"));
    emu.fault(Fault::status(503).path("/upload/*"));
    let r = get(format!("{}/upload/nothing", emu.base_url())).await;
    assert_eq!(r.status(), 503);
    emu.fault(Fault::status(503).path("/v1.0/users"));
    let r = get(format!("{}/users", emu.v1_url())).await;
    assert_eq!(r.status(), 503, "a fault answers before the bearer check");
}

#[tokio::test]
async fn batch_items_reach_user_routes_and_count_but_not_the_http_endpoints() {
    let emu = emulator().await;
    emu.insert("/users", json!({"displayName": "A"}));
    emu.set_content("f1", &b"hello"[..]);
    mine(&emu, Method::GET, "/me/messages");
    let r = http()
        .post(format!("{}/$batch", emu.v1_url()))
        .json(&json!({"requests": [
            {"id": "1", "method": "GET", "url": "/users/$count"},
            {"id": "2", "method": "GET", "url": "/me/messages"},
            {"id": "3", "method": "GET", "url": "/me/drive/items/f1/content"},
            {"id": "4", "method": "POST", "url": "/me/drive/root:/a.txt:/createUploadSession", "body": {}},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b = body(r).await;
    let by_id = |id: &str| {
        b["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_id("1")["status"], 200);
    assert_eq!(by_id("1")["body"], "1");
    assert_eq!(by_id("2")["body"]["answer"], "mine");
    assert_eq!(by_id("3")["status"], 404, "{}", by_id("3"));
    assert_eq!(by_id("4")["status"], 404, "{}", by_id("4"));
}

#[tokio::test]
async fn subscriptions_come_before_user_routes() {
    let emu = emulator().await;
    mine(&emu, Method::POST, "/subscriptions");
    mine(&emu, Method::GET, "/subscriptions/{id}");
    let r = http()
        .post(format!("{}/subscriptions", emu.v1_url()))
        .json(&json!({"changeType": "created"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let b = body(r).await;
    assert_eq!(b["error"]["code"], "InvalidRequest", "{b}");
    let r = get(format!("{}/subscriptions/nope", emu.beta_url())).await;
    assert_eq!(
        r.status(),
        404,
        "the subscriptions endpoint answers, not the user route"
    );
}

#[tokio::test]
async fn the_jwks_and_the_lifecycle_admin_route_need_no_token_and_subscriptions_do() {
    let emu = emulator().await;
    emu.require_bearer(Some("t0k"));
    let r = get(emu.jwks_url()).await;
    assert_eq!(r.status(), 200);
    assert!(body(r).await["keys"][0]["n"].is_string());
    let r = http()
        .post(format!(
            "{}/emulator/subscriptions/nope/lifecycle",
            emu.base_url()
        ))
        .json(&json!({"event": "missed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the admin route answers without a token");
    let r = get(format!("{}/subscriptions", emu.v1_url())).await;
    assert_eq!(r.status(), 401, "/subscriptions needs the token");
    let r = http()
        .get(format!("{}/subscriptions", emu.v1_url()))
        .bearer_auth("t0k")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn subscriptions_inside_batch_are_refused_not_stored() {
    let emu = emulator().await;
    let r = http()
        .post(format!("{}/$batch", emu.v1_url()))
        .json(&json!({"requests": [
            {"id": "1", "method": "POST", "url": "/subscriptions", "body": {"changeType": "created"}},
            {"id": "2", "method": "GET", "url": "/subscriptions"},
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let b = body(r).await;
    for item in b["responses"].as_array().unwrap() {
        assert_eq!(item["status"], 400, "{item}");
        let message = item["body"]["error"]["message"].as_str().unwrap();
        assert!(message.contains("outside $batch"), "{message}");
    }
    assert!(emu.subscriptions().is_empty());
}

#[tokio::test]
async fn the_identity_endpoint_needs_no_token_and_its_tokens_pass_the_bearer_check() {
    let emu = emulator().await;
    emu.insert("/users", json!({"displayName": "A"}));
    emu.register_app(graph_odata_emulator::App::new("app").secret("s"));
    emu.require_bearer(Some("t0k"));
    emu.require_signed_tokens(true);
    // A user route cannot reach the endpoint: user patterns start below the version.
    mine(&emu, Method::POST, "/common/oauth2/v2.0/token");
    let r = http()
        .post(format!("{}/common/oauth2/v2.0/token", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=app&client_secret=s&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "the token endpoint answers before the bearer check"
    );
    let token = body(r).await["access_token"].as_str().unwrap().to_owned();
    let r = http()
        .post(format!("{}/common/oauth2/v2.0/devicecode", emu.base_url()))
        .body("client_id=app&scope=User.Read")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "so does the device code endpoint");
    let r = http()
        .get(format!("{}/users", emu.v1_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "an issued token passes the bearer check");
    let r = get(format!("{}/users", emu.v1_url())).await;
    assert_eq!(r.status(), 401, "no token: 401");
}
