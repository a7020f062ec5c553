//! The five Graph operations end to end: declared with the macros (`examples/graph_models`), sent by the client,
//! answered by the emulator; the exact wire is read back from the emulator's request log.

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;
mod support;

use graph_odata::prelude::*;
use graph_odata_emulator::{Emulator, Reply};
use http::{Method, StatusCode};
use serde_json::{Value, json};

use graph_models::*;
use support::{client_for, emulator};

fn beta_client(emu: &Emulator) -> Client {
    support::client_at(&emu.beta_url())
}

/// A list and a task under `/me`, and a guest user with one of each.
fn seed_todo(emu: &Emulator) {
    emu.insert(
        "/me/todo/lists",
        json!({"id": "L1", "displayName": "Tasks"}),
    );
    emu.insert(
        "/me/todo/lists/L1/tasks",
        json!({"id": "T1", "title": "Call Ada"}),
    );
    emu.insert(
        "/users",
        json!({"id": "u1", "userPrincipalName": "bob_contoso.com#EXT#@fabrikam.onmicrosoft.com"}),
    );
    emu.insert("/users/u1/todo/lists", json!({"id": "L2"}));
    emu.insert("/users/u1/todo/lists/L2/tasks", json!({"id": "T2"}));
}

fn linked(name: &str) -> LinkedResource {
    LinkedResource {
        web_url: Some("https://contoso.example/tickets/42".into()),
        application_name: Some("Contoso Tickets".into()),
        display_name: Some(name.into()),
        external_id: Some("ticket-42".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn linked_resources_create_get_list_update_delete() {
    let emu = emulator().await;
    seed_todo(&emu);
    let client = client_for(&emu);

    let created = client
        .execute(LinkedResource::create("L1", "T1", &linked("Ticket 42")))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.body().id.clone().unwrap();
    let sent = emu.last_request().unwrap();
    assert_eq!(sent.method, Method::POST);
    assert_eq!(sent.path, "/v1.0/me/todo/lists/L1/tasks/T1/linkedResources");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.raw_body,
        r#"{"applicationName":"Contoso Tickets","displayName":"Ticket 42","externalId":"ticket-42","webUrl":"https://contoso.example/tickets/42"}"#
    );

    let got = client
        .send(LinkedResource::get("L1", "T1", &id))
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Ticket 42"));
    assert_eq!(
        emu.last_request().unwrap().path,
        format!("/v1.0/me/todo/lists/L1/tasks/T1/linkedResources/{id}")
    );

    let page = client.send(LinkedResource::list("L1", "T1")).await.unwrap();
    assert_eq!(page.value.len(), 1);
    assert_eq!(page.value[0].id.as_deref(), Some(id.as_str()));

    client
        .send(LinkedResource::update(
            "L1",
            "T1",
            &id,
            &LinkedResource::patch()
                .display_name("Ticket 42 (closed)")
                .clear_web_url(),
        ))
        .await
        .unwrap();
    let sent = emu.last_request().unwrap();
    assert_eq!(sent.method, Method::PATCH);
    assert_eq!(
        sent.raw_body,
        r#"{"displayName":"Ticket 42 (closed)","webUrl":null}"#
    );
    let got = client
        .send(LinkedResource::get("L1", "T1", &id))
        .await
        .unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Ticket 42 (closed)"));
    assert_eq!(got.web_url, None);

    client
        .send(LinkedResource::delete("L1", "T1", &id))
        .await
        .unwrap();
    assert_eq!(emu.last_request().unwrap().method, Method::DELETE);
    let err = client
        .send(LinkedResource::get("L1", "T1", &id))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn linked_resources_for_a_guest_user_by_principal_name() {
    let emu = emulator().await;
    seed_todo(&emu);
    let client = client_for(&emu);
    let created = client
        .send(LinkedResource::create_for_user(
            "bob_contoso.com#EXT#@fabrikam.onmicrosoft.com",
            "L2",
            "T2",
            &linked("For Bob"),
        ))
        .await
        .unwrap();
    assert!(created.id.is_some());
    assert_eq!(
        emu.last_request().unwrap().path,
        "/v1.0/users/bob_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com/todo/lists/L2/tasks/T2/linkedResources"
    );
    // By id too: the same resource.
    let by_id = client
        .send(LinkedResource::create_for_user(
            "u1",
            "L2",
            "T2",
            &linked("Again"),
        ))
        .await
        .unwrap();
    assert!(by_id.id.is_some());
    assert_eq!(
        emu.count("/users/u1/todo/lists/L2/tasks/T2/linkedResources"),
        Some(2)
    );
}

#[tokio::test]
async fn every_key_is_percent_encoded_as_one_segment() {
    let emu = emulator().await;
    seed_todo(&emu);
    let client = client_for(&emu);
    let nasty = "a/b?c#d%e'f g+h-ü-日@x";
    emu.insert("/me/todo/lists/L1/tasks", json!({"id": nasty}));
    let page = client
        .send(LinkedResource::list("L1", nasty))
        .await
        .unwrap();
    assert!(page.value.is_empty());
    assert_eq!(
        emu.last_request().unwrap().path,
        "/v1.0/me/todo/lists/L1/tasks/a%2Fb%3Fc%23d%25e%27f%20g%2Bh-%C3%BC-%E6%97%A5%40x/linkedResources"
    );
}

#[tokio::test]
async fn an_empty_key_is_an_error_before_sending() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let request = LinkedResource::get("", "T1", "R1");
    let err = client.send(request).await.unwrap_err();
    assert!(err.is_build(), "{err:?}");
    assert!(
        err.to_string().contains("`{todoTaskListId}` is empty"),
        "{err}"
    );
    assert!(emu.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn the_beta_form_posts_to_linked_resources() {
    let emu = emulator().await;
    // The beta page's collection, which Graph v1.0 does not have: registered for the test
    // (the emulator, like Graph, answers 404 to a POST where no collection exists).
    emu.create_collection("/linkedResources");
    let client = beta_client(&emu);
    let created = client
        .execute(LinkedResource::create_beta(&linked("Beta")))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(emu.last_request().unwrap().path, "/beta/linkedResources");
}

fn create_link() -> CreateLink {
    CreateLink {
        r#type: "edit".into(),
        scope: Some("organization".into()),
        expiration_date_time: Some("2017-01-01T00:03:08.7291689+03:00".parse().unwrap()),
        password: Some("hunter2!".into()),
        message: Some("Here is the plan".into()),
        recipients: Some(vec![DriveRecipient {
            alias: Some("Alias value".into()),
            object_id: Some("Object Id value".into()),
            ..Default::default()
        }]),
        retain_inherited_permissions: Some(true),
        send_notification: Some(false),
    }
}

#[tokio::test]
async fn create_link_on_all_beta_page_and_current_paths() {
    let emu = emulator().await;
    // Graph shares only items that exist: the drives, groups, sites and items of every path.
    for (collection, id) in [
        ("/drives", "d1"),
        ("/drives", "d2"),
        ("/shares", "s1"),
        ("/workbooks", "w1"),
        ("/me/joinedGroups", "g1"),
        ("/groups", "g2"),
        ("/users", "u1"),
        ("/sites", "site1"),
        ("/sites", "contoso.sharepoint.com,1,2"),
        ("/drives/d1/items", "i1"),
        ("/drives/d1/bundles", "i1"),
        ("/drives/d1/special", "approot"),
        ("/drives/d1/following", "i1"),
        ("/drives/d2/items", "i2"),
        ("/shares/s1/items", "i1"),
        ("/workbooks/w1/children", "i1"),
        ("/me/joinedGroups/g1/drive/items", "i1"),
        ("/me/joinedGroups/g1/drive/bundles", "i1"),
        ("/me/joinedGroups/g1/drive/special", "i1"),
        ("/me/joinedGroups/g1/drive/following", "i1"),
        ("/me/joinedGroups/g1/team/channels", "19:abc@thread.tacv2"),
        ("/me/joinedGroups/g1/drive/activities", "a1"),
        (
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/children",
            "i1",
        ),
        (
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/analytics/itemActivityStats",
            "st1",
        ),
        (
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/analytics/itemActivityStats/st1/activities",
            "a2",
        ),
        ("/me/joinedGroups/g1/sites", "site1"),
        ("/me/joinedGroups/g1/sites/site1/items", "b1"),
        (
            "/me/joinedGroups/g1/sites/site1/items/b1/microsoft.graph.sharedDriveItem/items",
            "i1",
        ),
        ("/groups/g2/drive/items", "i2"),
        ("/me/drive/items", "i3"),
        ("/sites/contoso.sharepoint.com,1,2/drive/items", "i4"),
        ("/users/u1/drive/items", "i5"),
        ("/sites/site1/lists", "list1"),
        ("/sites/site1/lists/list1/items", "7"),
    ] {
        emu.insert(collection, json!({ "id": id }));
    }
    let client = beta_client(&emu);
    let a = create_link();
    let cases: Vec<(Request<Permission>, &str)> = vec![
        (a.drives_root("d1"), "/drives/d1/root/createLink"),
        (a.shares_root("s1"), "/shares/s1/root/createLink"),
        (a.workbooks("w1"), "/workbooks/w1/createLink"),
        (a.shares_drive_item("s1"), "/shares/s1/driveItem/createLink"),
        (a.me_joined_groups_drive_root("g1"), "/me/joinedGroups/g1/drive/root/createLink"),
        (a.drives_items_beta("d1", "i1"), "/drives/d1/items/i1/createLink"),
        (a.shares_items("s1", "i1"), "/shares/s1/items/i1/createLink"),
        (a.drives_bundles("d1", "i1"), "/drives/d1/bundles/i1/createLink"),
        (a.drives_special("d1", "approot"), "/drives/d1/special/approot/createLink"),
        (a.drives_following("d1", "i1"), "/drives/d1/following/i1/createLink"),
        (a.workbooks_children("w1", "i1"), "/workbooks/w1/children/i1/createLink"),
        (a.me_joined_groups_drive_items("g1", "i1"), "/me/joinedGroups/g1/drive/items/i1/createLink"),
        (a.me_joined_groups_drive_bundles("g1", "i1"), "/me/joinedGroups/g1/drive/bundles/i1/createLink"),
        (a.me_joined_groups_drive_special("g1", "i1"), "/me/joinedGroups/g1/drive/special/i1/createLink"),
        (a.me_joined_groups_drive_following("g1", "i1"), "/me/joinedGroups/g1/drive/following/i1/createLink"),
        (
            a.me_joined_groups_team_channels_files_folder("g1", "19:abc@thread.tacv2"),
            "/me/joinedGroups/g1/team/channels/19%3Aabc%40thread.tacv2/filesFolder/createLink",
        ),
        (
            a.me_joined_groups_drive_activities_drive_item("g1", "a1"),
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/createLink",
        ),
        (
            a.me_joined_groups_drive_activities_drive_item_list_item_drive_item("g1", "a1"),
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/listItem/driveItem/createLink",
        ),
        (
            a.me_joined_groups_drive_activities_drive_item_children("g1", "a1", "i1"),
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/children/i1/createLink",
        ),
        (
            a.me_joined_groups_sites_items_shared_drive_item_root("g1", "site1", "b1"),
            "/me/joinedGroups/g1/sites/site1/items/b1/microsoft.graph.sharedDriveItem/root/createLink",
        ),
        (
            a.me_joined_groups_sites_items_shared_drive_item_drive_item("g1", "site1", "b1"),
            "/me/joinedGroups/g1/sites/site1/items/b1/microsoft.graph.sharedDriveItem/driveItem/createLink",
        ),
        (
            a.me_joined_groups_sites_items_shared_drive_item_items("g1", "site1", "b1", "i1"),
            "/me/joinedGroups/g1/sites/site1/items/b1/microsoft.graph.sharedDriveItem/items/i1/createLink",
        ),
        (
            a.me_joined_groups_drive_activities_drive_item_analytics_item_activity_stats_activities_drive_item(
                "g1", "a1", "st1", "a2",
            ),
            "/me/joinedGroups/g1/drive/activities/a1/driveItem/analytics/itemActivityStats/st1/activities/a2/driveItem/createLink",
        ),
        (a.drives_items("d2", "i2"), "/drives/d2/items/i2/createLink"),
        (a.groups_drive_items("g2", "i2"), "/groups/g2/drive/items/i2/createLink"),
        (a.me_drive_items("i3"), "/me/drive/items/i3/createLink"),
        (a.sites_drive_items("contoso.sharepoint.com,1,2", "i4"), "/sites/contoso.sharepoint.com%2C1%2C2/drive/items/i4/createLink"),
        (a.users_drive_items("u1", "i5"), "/users/u1/drive/items/i5/createLink"),
        (a.sites_lists_items("site1", "list1", "7"), "/sites/site1/lists/list1/items/7/createLink"),
    ];
    assert_eq!(cases.len(), 29, "23 beta page paths and 6 of today's");
    for (request, path) in cases {
        assert_eq!(request.path(), path);
        let perm = client
            .send(request)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            perm.link.as_ref().and_then(|l| l.r#type.as_deref()),
            Some("edit"),
            "{path}"
        );
        let sent = emu.last_request().unwrap();
        assert_eq!(sent.path, format!("/beta{path}"));
        assert_eq!(sent.method, Method::POST);
    }
    let body = emu.last_request().unwrap().body.unwrap();
    assert_eq!(
        body,
        json!({
            "type": "edit", "scope": "organization", "expirationDateTime": "2017-01-01T00:03:08.7291689+03:00",
            "password": "hunter2!", "message": "Here is the plan",
            "recipients": [{"alias": "Alias value", "objectId": "Object Id value"}],
            "retainInheritedPermissions": true, "sendNotification": false
        })
    );
}

#[tokio::test]
async fn create_link_answers_201_then_200_for_the_same_link() {
    let emu = emulator().await;
    emu.insert("/drives", json!({"id": "d1"}));
    emu.insert("/drives/d1/items", json!({"id": "i1"}));
    emu.insert("/me/drive/items", json!({"id": "i1"}));
    let client = client_for(&emu);
    let view = CreateLink {
        r#type: "view".into(),
        scope: Some("anonymous".into()),
        ..Default::default()
    };
    let first = client.execute(view.drives_items("d1", "i1")).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = client.execute(view.drives_items("d1", "i1")).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.body().id, first.body().id);
    let edit = CreateLink {
        r#type: "edit".into(),
        ..view.clone()
    };
    let other = client.execute(edit.drives_items("d1", "i1")).await.unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    assert_ne!(other.body().id, first.body().id);
    assert_eq!(emu.count("/drives/d1/items/i1/permissions"), Some(2));
    assert_eq!(
        other.body().roles.as_deref(),
        Some(&["write".to_owned()][..])
    );

    let bad = CreateLink {
        r#type: "vew".into(),
        ..Default::default()
    };
    let err = client.send(bad.me_drive_items("i1")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert!(err.to_string().contains("`vew`"), "{err}");
}

#[tokio::test]
async fn create_link_on_a_missing_item_is_404_and_creates_nothing() {
    let emu = emulator().await;
    let client = beta_client(&emu);
    let view = CreateLink {
        r#type: "view".into(),
        ..Default::default()
    };
    let missing = |err: graph_odata::Error, what: &str| {
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND), "{what}: {err}");
        assert_eq!(err.code(), Some("itemNotFound"), "{what}: {err}");
    };
    // Nothing exists: not the drive, not the item.
    let err = client
        .send(view.drives_items("d1", "i1"))
        .await
        .unwrap_err();
    missing(err, "no drive");
    let err = client.send(view.drives_root("d1")).await.unwrap_err();
    missing(err, "no drive for its root");
    // The drive and another item exist, not this one.
    emu.insert("/drives", json!({"id": "d1"}));
    emu.insert("/drives/d1/items", json!({"id": "i1"}));
    let err = client
        .send(view.drives_items("d1", "nope"))
        .await
        .unwrap_err();
    missing(err, "no such item");
    let err = client.send(view.drives_root("d2")).await.unwrap_err();
    missing(err, "another drive");
    assert_eq!(emu.count("/drives/d1/items/nope/permissions"), None);
    assert_eq!(emu.count("/drives/d2/root/permissions"), None);
    // Something that is not a drive item or a list item cannot be shared this way.
    emu.insert("/users", json!({"id": "u1"}));
    let err = client
        .send(Request::<Value>::post(
            "/users/u1/createLink",
            &json!({"type": "view"}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST), "{err}");
    assert!(err.to_string().contains("createLink"), "{err}");
    // What exists is shared.
    let created = client.execute(view.drives_items("d1", "i1")).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let root = client.execute(view.drives_root("d1")).await.unwrap();
    assert_eq!(root.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn create_link_reads_the_beta_pages_wrapped_answer() {
    let emu = emulator().await;
    // The beta page of 2021 showed the permission wrapped in `value`; today's Graph sends it bare.
    emu.route(Method::POST, "/drives/{driveId}/root/createLink", |_| {
        Reply::json(
            StatusCode::OK,
            json!({"value": {"@odata.type": "#microsoft.graph.permission", "id": "3646b6e2",
                   "roles": ["Roles value"], "link": {"type": "view"}}}),
        )
    });
    let client = beta_client(&emu);
    let perm = client
        .send(
            CreateLink {
                r#type: "view".into(),
                ..Default::default()
            }
            .drives_root("d1"),
        )
        .await
        .unwrap();
    assert_eq!(perm.id.as_deref(), Some("3646b6e2"));
}

#[test]
fn create_link_debug_hides_the_password() {
    let text = format!("{:?}", create_link());
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains(r#"password: "** redacted **""#), "{text}");
    assert!(text.contains(r#"type: "edit""#), "{text}");
    assert_eq!(CreateLink::BINDING_TYPE, Some("microsoft.graph.driveItem"));
}

#[tokio::test]
async fn external_connections_today_and_in_the_beta_form() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let connection = ExternalConnection {
        id: Some("contosohr".into()),
        name: Some("Contoso HR".into()),
        description: Some("Connection to index Contoso HR system".into()),
        configuration: Some(Configuration {
            authorized_app_ids: Some(vec!["de8bc8b5-d9f9-48b1-a8ad-b748da725064".into()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = client
        .execute(ExternalConnection::create(&connection))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let sent = emu.last_request().unwrap();
    assert_eq!(sent.path, "/v1.0/external/connections");
    assert_eq!(
        sent.body.unwrap(),
        json!({"id": "contosohr", "configuration": {"authorizedAppIds": ["de8bc8b5-d9f9-48b1-a8ad-b748da725064"]},
               "description": "Connection to index Contoso HR system", "name": "Contoso HR"})
    );
    let got = client
        .send(ExternalConnection::get("contosohr"))
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("Contoso HR"));

    let beta_form = ExternalConnection {
        id: Some("contosotickets".into()),
        ..connection.clone()
    };
    let created = client
        .execute(ExternalConnection::create_top_level(&beta_form))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(emu.last_request().unwrap().path, "/v1.0/connections");

    for (id, why) in [
        ("ab", "3 to 32 characters"),
        ("contoso-hr", "only letters and digits"),
        ("MicrosoftHR", "cannot begin with `Microsoft`"),
        ("SharePoint", "reserved name"),
    ] {
        let bad = ExternalConnection {
            id: Some(id.into()),
            ..connection.clone()
        };
        let err = client
            .send(ExternalConnection::create(&bad))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST), "{id}");
        assert!(err.to_string().contains(why), "{id}: {err}");
    }
    client
        .send(ExternalConnection::delete("contosohr"))
        .await
        .unwrap();
}

#[tokio::test]
async fn connected_organizations_carry_derived_types() {
    let emu = emulator().await;
    let client = client_for(&emu);
    let org = ConnectedOrganization {
        display_name: Some("Fabrikam".into()),
        description: Some("Fabrikam partners".into()),
        identity_sources: Some(vec![
            IdentitySource::AzureActiveDirectoryTenant(AzureActiveDirectoryTenant {
                display_name: Some("Fabrikam".into()),
                tenant_id: Some("3b4d1f7c-d2a9-4b8e-b5f1-6a0c9e8d7f21".into()),
            }),
            IdentitySource::DomainIdentitySource(DomainIdentitySource {
                display_name: None,
                domain_name: Some("fabrikam.com".into()),
            }),
        ]),
        state: Some(ConnectedOrganizationState::Proposed),
        ..Default::default()
    };
    let created = client
        .execute(ConnectedOrganization::create(&org))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let sent = emu.last_request().unwrap();
    assert_eq!(
        sent.path,
        "/v1.0/identityGovernance/entitlementManagement/connectedOrganizations"
    );
    let text = String::from_utf8(sent.raw_body.to_vec()).unwrap();
    assert!(
        text.contains(
            r##"{"@odata.type":"#microsoft.graph.azureActiveDirectoryTenant","displayName""##
        ),
        "{text}"
    );
    assert!(
        text.contains(r##"{"@odata.type":"#microsoft.graph.domainIdentitySource","domainName""##),
        "{text}"
    );
    let id = created.body().id.clone().unwrap();
    let got = client.send(ConnectedOrganization::get(&id)).await.unwrap();
    assert_eq!(got.identity_sources, org.identity_sources);
    assert_eq!(got.state, Some(ConnectedOrganizationState::Proposed));

    // The beta page's form.
    let beta = ConnectedOrganizationBetaForm {
        display_name: Some("String".into()),
        description: Some("String".into()),
        created_by: Some("String".into()),
        modified_by: Some("String".into()),
        identity_sources: Some(vec![IdentitySource::AzureActiveDirectoryTenant(
            Default::default(),
        )]),
        ..Default::default()
    };
    // The beta page's route: registered, as today's Graph has it elsewhere.
    emu.create_collection("/connectedOrganizations");
    let created = beta_client(&emu)
        .execute(ConnectedOrganizationBetaForm::create(&beta))
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        emu.last_request().unwrap().path,
        "/beta/connectedOrganizations"
    );

    // Graph (and the emulator) refuse an element without its derived type.
    let err = client
        .send(Request::<Value>::post(
            "/identityGovernance/entitlementManagement/connectedOrganizations",
            &json!({"displayName": "x", "identitySources": [{"displayName": "no type"}]}),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert!(
        err.to_string()
            .contains("identitySources[0] has no `@odata.type`"),
        "{err}"
    );
}
