//! Secrets never show in `Debug` output: each public type that can hold one is formatted with known
//! secrets in it (from a loopback server's answers where the type comes from the wire), and the
//! output must keep what makes it useful (method, path) while showing none of them.

mod support;

use axum::Router;
use axum::routing::{get, post};
use graph_odata::prelude::*;
use graph_odata_runtime::batch::Batch;
use graph_odata_runtime::upload::UploadSession;
use serde_json::{Value, json};
use support::{client_at, serve};

const SECRETS: &[&str] = &[
    "SIGSECRET",
    "SASEXPIRY",
    "COOKIESECRET",
    "APIKEYSECRET",
    "PASSWORDSECRET",
    "UPLOADSECRET",
    "TOKENSECRET",
];

fn assert_clean(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "`{secret}` shown in: {text}");
    }
}

/// A function with a secret parameter, written into the path.
#[graph_function(
    "contoso.test.usage",
    metadata = "tests/fixtures/contoso.csdl.xml",
    returns = i64,
    paths = ["GET /reports/usage"]
)]
pub struct Unlock {
    pub top: Option<i32>,
    #[graph(secret)]
    pub note: String,
}

/// The same, with its parameters sent as aliases in the query.
#[graph_function(
    "contoso.test.usage",
    metadata = "tests/fixtures/contoso.csdl.xml",
    aliases,
    returns = i64,
    paths = ["GET /reports/usage"]
)]
pub struct UnlockAliased {
    pub top: Option<i32>,
    #[graph(secret)]
    pub note: String,
}

async fn server() -> String {
    let app = Router::new()
        .route(
            "/v1.0/me",
            get(|| async {
                (
                    [
                        ("set-cookie", "session=COOKIESECRET"),
                        ("content-type", "application/json"),
                    ],
                    r#"{"id":"me"}"#,
                )
            }),
        )
        .route(
            "/v1.0/me/drive/root:/big.bin:/createUploadSession",
            post(|| async {
                axum::Json(json!({
                    "uploadUrl": "https://up.example/up/UPLOADSECRET?tempauth=TOKENSECRET",
                    "expirationDateTime": "2030-01-01T00:00:00Z",
                    "nextExpectedRanges": ["0-"]
                }))
            }),
        )
        .route(
            "/v1.0/$batch",
            post(|| async {
                axum::Json(json!({"responses": [{
                    "id": "1", "status": 200,
                    "headers": {"set-cookie": "s=COOKIESECRET", "content-type": "application/json"},
                    "body": {"id": "me"}
                }]}))
            }),
        );
    serve(app).await
}

#[tokio::test]
async fn debug_output_of_every_type_holding_a_secret_is_redacted() {
    let root = format!("{}/v1.0", server().await);
    let client = client_at(&root);

    // An answer whose headers set a cookie.
    let response = client.execute(Request::<Value>::get("/me")).await.unwrap();
    let text = format!("{response:?}");
    assert_clean(&text);
    assert!(text.contains("200"), "{text}");

    // Requests: a pre-authenticated absolute URL, a relative one with a signature, a custom key
    // header, and query values that are credentials.
    let requests: Vec<Request<Value>> = vec![
        Request::get("https://files.example/d/f.bin?sv=1&se=SASEXPIRY&sig=SIGSECRET"),
        Request::get("/me/drive/items/1/content?sig=SIGSECRET").header("x-api-key", "APIKEYSECRET"),
        Request::get("/me").query("access_token", "TOKENSECRET"),
        Request::get("https://files.example/d/f.bin").query("anything", "TOKENSECRET"),
    ];
    for r in &requests {
        let text = format!("{r:?}");
        assert_clean(&text);
        assert!(text.contains("GET"), "{text}");
    }
    assert!(format!("{:?}", requests[1]).contains("/me/drive/items/1/content"));

    // `#[graph(secret)]` parameters, in the path and as an alias.
    let unlock = Unlock {
        top: Some(7),
        note: "PASSWORDSECRET".into(),
    };
    let aliased = UnlockAliased {
        top: Some(7),
        note: "PASSWORDSECRET".into(),
    };
    for text in [
        format!("{:?}", unlock.reports()),
        format!("{:?}", aliased.reports()),
        format!("{unlock:?}"),
    ] {
        assert_clean(&text);
        assert!(text.contains('7'), "{text}");
    }
    assert!(
        unlock.reports().url_path().contains("PASSWORDSECRET"),
        "the wire keeps it"
    );

    // A client whose service root carries a password.
    let builder =
        Client::builder().service_root(root.replacen("http://", "http://ada:PASSWORDSECRET@", 1));
    assert_clean(&format!("{builder:?}"));
    let with_password = builder.build().unwrap();
    let text = format!("{with_password:?}");
    assert_clean(&text);
    assert!(text.contains("127.0.0.1"), "{text}");

    // A batch with the same requests, and the results of one whose answers set cookies.
    let mut batch = Batch::new();
    batch.add(Request::<Value>::get("/me?sig=SIGSECRET").header("x-api-key", "APIKEYSECRET"));
    batch.add(unlock.reports());
    let text = format!("{batch:?}");
    assert_clean(&text);
    assert!(text.contains("/me"), "{text}");
    let mut batch = Batch::new();
    let me = batch.add(Request::<Value>::get("/me"));
    let results = client.send_batch(batch).await.unwrap();
    assert_clean(&format!("{results:?}"));
    assert_eq!(results.get(&me).unwrap()["id"], "me");

    // An upload session: its URL is the credential.
    let session: UploadSession = client
        .send(Request::post(
            "/me/drive/root:/big.bin:/createUploadSession",
            &json!({}),
        ))
        .await
        .unwrap();
    let text = format!("{session:?}");
    assert_clean(&text);
    assert!(text.contains("up.example"), "{text}");
    assert!(
        session.upload_url.unwrap().contains("UPLOADSECRET"),
        "the value keeps it"
    );
}
