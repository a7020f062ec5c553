//! The emulator's generic OData behaviour, over real HTTP through the graph-odata client.

mod support;

use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Reply};
use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{client_for, emulator};

#[tokio::test]
async fn create_get_list_update_delete_round_trip() {
    let emu = emulator().await;
    let client = client_for(&emu);

    let created = client
        .execute(Request::<Value>::post(
            "/me/todo/lists",
            &json!({"displayName": "Groceries"}),
        ))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let body = created.body();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(body["displayName"], "Groceries");
    assert_eq!(
        body["@odata.context"],
        format!("{}/$metadata#me/todo/lists/$entity", emu.v1_url())
    );
    assert_eq!(
        body.as_object().unwrap().keys().next().map(String::as_str),
        Some("@odata.context"),
        "the context annotation comes first"
    );
    assert_eq!(
        created.header("location"),
        Some(format!("{}/me/todo/lists('{id}')", emu.v1_url()).as_str())
    );
    assert!(created.header("request-id").is_some());

    let path = format!("/me/todo/lists/{id}");
    let got: Value = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(got["displayName"], "Groceries");
    // Key-in-parentheses addresses the same entity.
    let same: Value = client
        .send(Request::get(format!("/me/todo/lists('{id}')")))
        .await
        .unwrap();
    assert_eq!(same["id"], id.as_str());

    let none: Option<Value> = client
        .send(Request::patch(
            &path,
            &json!({"displayName": "Food", "wellknownListName": null}),
        ))
        .await
        .unwrap();
    assert_eq!(none, None, "PATCH answers 204");
    let got: Value = client.send(Request::get(&path)).await.unwrap();
    assert_eq!(got["displayName"], "Food");
    assert_eq!(got["wellknownListName"], Value::Null, "null clears");

    let list: Value = client.send(Request::get("/me/todo/lists")).await.unwrap();
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["@odata.context"],
        format!("{}/$metadata#me/todo/lists", emu.v1_url())
    );

    client.send(Request::delete(&path)).await.unwrap();
    let err = client.send(Request::<Value>::get(&path)).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.code(), Some("itemNotFound"));
    assert!(err.to_string().contains(&id), "{err}");
}

#[tokio::test]
async fn client_ids_are_kept_and_duplicates_conflict() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let body = json!({"id": "contosohr", "name": "Contoso HR"});
    let created: Value = client
        .send(Request::post("/external/connections", &body))
        .await
        .unwrap();
    assert_eq!(created["id"], "contosohr");
    let err = client
        .send(Request::<Value>::post("/external/connections", &body))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));
    assert!(err.to_string().contains("contosohr"), "{err}");
}

#[tokio::test]
async fn nested_paths_need_their_parents_and_deletes_cascade() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let list = emu.insert("/me/todo/lists", json!({"displayName": "L"}));
    let err = client
        .send(Request::<Value>::post(
            "/me/todo/lists/nope/tasks",
            &json!({"title": "x"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert!(err.to_string().contains("`nope`"), "{err}");

    let task: Value = client
        .send(Request::post(
            format!("/me/todo/lists/{list}/tasks"),
            &json!({"title": "t"}),
        ))
        .await
        .unwrap();
    let task_id = task["id"].as_str().unwrap();
    assert!(
        emu.get(&format!("/me/todo/lists/{list}/tasks/{task_id}"))
            .is_some()
    );
    client
        .send(Request::delete(format!("/me/todo/lists/{list}")))
        .await
        .unwrap();
    assert!(
        emu.get(&format!("/me/todo/lists/{list}/tasks/{task_id}"))
            .is_none()
    );
}

#[tokio::test]
async fn users_are_addressable_by_user_principal_name_percent_encoded() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let upn = "bob_contoso.com#EXT#@fabrikam.onmicrosoft.com";
    let id = emu.insert("/users", json!({"userPrincipalName": upn}));
    let key = encode_segment(upn).unwrap();
    let user: Value = client
        .send(Request::get(format!("/users/{key}")))
        .await
        .unwrap();
    assert_eq!(user["id"], id.as_str());
    let sent = emu.last_request().unwrap();
    assert_eq!(
        sent.path,
        "/v1.0/users/bob_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com"
    );
}

#[tokio::test]
async fn paging_with_top_skip_count_and_next_links() {
    let emu = emulator().await;
    let client = client_for(&emu);
    for i in 0..7 {
        emu.insert(
            "/users",
            json!({"id": format!("u{i}"), "displayName": format!("User {i}"), "mail": "x"}),
        );
    }
    let mut url = "/users?$top=3&$count=true&$select=displayName".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page: Value = client.send(Request::get(&url)).await.unwrap();
        pages += 1;
        assert_eq!(page["@odata.count"], 7);
        for item in page["value"].as_array().unwrap() {
            assert!(item.get("mail").is_none(), "$select drops other properties");
            seen.push(item["displayName"].as_str().unwrap().to_owned());
        }
        match page.get("@odata.nextLink").and_then(Value::as_str) {
            Some(next) => {
                assert!(next.starts_with(emu.base_url()), "{next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[6], "User 6");

    let page: Value = client
        .send(Request::get("/users").query("$skip", "5"))
        .await
        .unwrap();
    assert_eq!(page["value"].as_array().unwrap().len(), 2);
    assert!(page.get("@odata.nextLink").is_none());

    emu.set_page_size(4);
    let page: Value = client.send(Request::get("/users")).await.unwrap();
    assert_eq!(page["value"].as_array().unwrap().len(), 4);
    assert!(
        page["@odata.nextLink"]
            .as_str()
            .unwrap()
            .contains("$skiptoken=4")
    );
}

#[tokio::test]
async fn bad_requests_name_the_problem() {
    let emu = emulator().await;
    let client = client_for(&emu);
    emu.create_collection("/groups");

    let empty: Value = client.send(Request::get("/groups")).await.unwrap();
    assert_eq!(empty["value"], json!([]));

    let err = client
        .send(
            Request::<Value>::new(Method::POST, "/groups")
                .body_bytes("{\"a\": ", "application/json"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert!(err.to_string().contains("not valid JSON"), "{err}");

    let err = client
        .send(Request::<Value>::post("/groups", &json!([1, 2])))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("must be a JSON object, not an array"),
        "{err}"
    );

    let err = client
        .send(Request::<Value>::get("/groups").query("$top", "-1"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("'-1' for $top"), "{err}");

    let err = client
        .send(Request::<Value>::get("/groups").query("$orderby", "displayName sideways"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Invalid $orderby `displayName sideways`"),
        "{err}"
    );

    let err = client
        .send(Request::<Value>::get("/groups").query("$apply", "groupby((x))"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`$apply` is not supported"),
        "{err}"
    );

    let err = client
        .send(Request::<Value>::get("/nothing/here"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert!(err.to_string().contains("'here'"), "{err}");

    let other_version = Client::builder()
        .service_root(format!("{}/v2", emu.base_url()))
        .build()
        .unwrap();
    let err = other_version
        .send(Request::<Value>::get("/me"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Invalid version: v2"), "{err}");

    let id = emu.insert("/groups", json!({"displayName": "g"}));
    let err = client
        .send(Request::<Value>::patch(
            format!("/groups/{id}"),
            &json!({"id": "other"}),
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot be changed"), "{err}");
    let err = client
        .send(Request::<Value>::post(format!("/groups/{id}"), &json!({})))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::METHOD_NOT_ALLOWED));
    assert!(err.to_string().contains("Emulator::route"), "{err}");
}

#[tokio::test]
async fn errors_carry_graph_inner_error_and_echo_the_client_request_id() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let err = client
        .send(Request::<Value>::get("/users/ghost").header("client-request-id", "my-id-1"))
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.client_request_id.as_deref(), Some("my-id-1"));
    assert_eq!(err.client_request_id(), Some("my-id-1"));
    assert!(api.request_id.as_deref().is_some_and(|s| s.len() == 36));
    let date = api.date.as_deref().unwrap();
    assert_eq!(date.len(), 19, "{date}");
    assert_eq!(&date[10..11], "T");
}

#[tokio::test]
async fn patch_with_return_representation_and_put_replace() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let id = emu.insert("/groups", json!({"displayName": "a", "mail": "m"}));
    let updated: Value = client
        .send(
            Request::patch(format!("/groups/{id}"), &json!({"displayName": "b"}))
                .header("Prefer", "return=representation"),
        )
        .await
        .unwrap();
    assert_eq!(updated["displayName"], "b");
    assert_eq!(updated["mail"], "m");
    client
        .send(
            Request::<()>::put(format!("/groups/{id}"), &json!({"displayName": "c"})).no_content(),
        )
        .await
        .unwrap();
    let got = emu.get(&format!("/groups/{id}")).unwrap();
    assert_eq!(got, json!({"displayName": "c", "id": id}));
}

#[tokio::test]
async fn routes_answer_actions_with_access_to_the_store() {
    let emu = emulator().await;
    emu.route(
        Method::POST,
        "/drives/{driveId}/items/{itemId}/createLink",
        |call| {
            let drive = call.param("driveId").to_owned();
            let kind = call
                .body
                .as_ref()
                .and_then(|b| b.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("view")
                .to_owned();
            let perms = format!("/drives/{drive}/items/{}/permissions", call.param("itemId"));
            let id = call
                .store
                .insert(&perms, json!({"link": {"type": kind}}))
                .unwrap_or_default();
            Reply::json(
                StatusCode::CREATED,
                json!({"id": id, "link": {"type": kind}}),
            )
        },
    );
    let client = Client::builder()
        .service_root(emu.beta_url())
        .build()
        .unwrap();
    let perm: Value = client
        .send(Request::post(
            "/drives/b!x/items/01ABC/createLink",
            &json!({"type": "edit"}),
        ))
        .await
        .unwrap();
    assert_eq!(perm["link"]["type"], "edit");
    assert_eq!(emu.count("/drives/b!x/items/01ABC/permissions"), Some(1));
}

#[tokio::test]
async fn bearer_check_answers_401_in_graph_shape() {
    let emu = emulator().await;
    emu.require_bearer(Some("good"));
    let anonymous = client_for(&emu);
    let err = anonymous
        .send(Request::<Value>::get("/me"))
        .await
        .unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.code(), Some("InvalidAuthenticationToken"));
    assert!(err.to_string().contains("Access token is empty"), "{err}");

    emu.insert("/users", json!({"id": "me"}));
    let authed = Client::builder()
        .service_root(emu.v1_url())
        .credential(StaticToken::new("good"))
        .build()
        .unwrap();
    let me: Value = authed.send(Request::get("/users/me")).await.unwrap();
    assert_eq!(me["id"], "me");
    assert_eq!(
        emu.last_request().unwrap().header("authorization"),
        Some("Bearer good")
    );
}

#[tokio::test]
async fn request_log_records_method_path_query_headers_and_body() {
    let emu = Emulator::start().await.unwrap();
    let client = client_for(&emu);
    let _: Value = client
        .send(
            Request::post("/groups", &json!({"displayName": "x"}))
                .query("$select", "id,displayName"),
        )
        .await
        .unwrap();
    let log = emu.requests();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(r.method, Method::POST);
    assert_eq!(r.path, "/v1.0/groups");
    assert_eq!(r.query.as_deref(), Some("$select=id,displayName"));
    assert_eq!(r.query_param("$select").as_deref(), Some("id,displayName"));
    assert_eq!(r.body, Some(json!({"displayName": "x"})));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("graph-odata/"));
    emu.clear_requests();
    assert!(emu.requests().is_empty());
}
