//! The five operations as small programs: shared by `quickstart` and the one-per-operation examples.

use std::time::Duration;

use graph_odata::auth::signin::cache::FileTokenCache;
use graph_odata::auth::signin::{Authority, DeviceCodeCredential, DeviceCodePrompt};
use graph_odata::permissions::{Manifest, Scheme};
use graph_odata::prelude::*;
use graph_odata_emulator::{App, Emulator, Fault};
use serde_json::{Value, json};

use super::*;

/// An error from any step.
pub type Failure = Box<dyn std::error::Error>;

/// Fails the example (non-zero exit) with `what` when `ok` is false: CI runs these examples, so an
/// unexpected outcome must stop them, not just print.
fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected: {}", what()).into())
    }
}

/// The `id` of an answer, or a failure naming what lacked it.
fn id_of(value: &Value, what: &str) -> Result<String, Failure> {
    match value["id"].as_str() {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(format!("unexpected: the {what} came back without an id: {value}").into()),
    }
}

/// The client id the quickstart signs in with on the emulator (any id registered there works).
const EMULATOR_CLIENT_ID: &str = "00000000-0000-0000-0000-00000000a11c";

/// Whether the steps that need admin consent on real Graph run: `GRAPH_QUICKSTART_ADMIN=1`.
pub fn admin_requested() -> bool {
    std::env::var("GRAPH_QUICKSTART_ADMIN").is_ok_and(|v| v == "1")
}

/// What the operations need, from their declarations' `PERMISSIONS`: the To Do list, the linked
/// resource and `createLink`, and with `admin` the external connection and the connected
/// organization too (their permissions need an administrator's consent).
pub fn manifest(admin: bool) -> Manifest {
    let mut declarations = vec![
        TodoTaskList::PERMISSIONS,
        LinkedResource::PERMISSIONS,
        CreateLink::PERMISSIONS,
    ];
    if admin {
        declarations.push(ExternalConnection::PERMISSIONS);
        declarations.push(ConnectedOrganization::PERMISSIONS);
    }
    Manifest::of(&declarations)
}

/// Prints the delegated scopes sign-in asks for, with the ones that need admin consent marked.
fn print_scopes(manifest: &Manifest) {
    println!("signing in with exactly the declarations' delegated permissions:");
    for p in manifest.permissions() {
        if p.scheme == Scheme::DelegatedWork {
            let consent = if p.admin_consent {
                "  (admin consent)"
            } else {
                ""
            };
            println!("  {}{consent}", p.name);
        }
    }
}

/// Prints the device code prompt.
fn prompt(p: &DeviceCodePrompt) {
    println!("{p}");
}

/// A client for real Graph when `GRAPH_TOKEN` is set (a token you got yourself) or
/// `GRAPH_CLIENT_ID` is (the device code flow with the manifest's scopes; tokens cached in the
/// user's config directory), at `GRAPH_BASE_URL` if given; else for a freshly started emulator
/// with its identity endpoint on (signed tokens, permissions enforced), signed in with the device
/// code flow there. The caller keeps the emulator alive.
pub async fn connect() -> Result<(Client, Option<Emulator>), Failure> {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let graph = |builder: graph_odata::ClientBuilder| match var("GRAPH_BASE_URL") {
        Some(root) => {
            println!("using {root}");
            builder.service_root(root)
        }
        None => {
            println!("using Microsoft Graph v1.0");
            builder
        }
    };
    if let Some(token) = var("GRAPH_TOKEN") {
        println!("with the token in GRAPH_TOKEN");
        let builder = Client::builder()
            .credential(StaticToken::new(token))
            .user_agent("graph-odata-examples");
        return Ok((graph(builder).build()?, None));
    }
    if let Some(client_id) = var("GRAPH_CLIENT_ID") {
        let tenant = var("GRAPH_TENANT").unwrap_or_else(|| "organizations".to_owned());
        println!("with a device code sign-in of the app {client_id} (tenant {tenant})");
        let manifest = manifest(admin_requested());
        print_scopes(&manifest);
        let mut credential =
            DeviceCodeCredential::new(Cloud::Global.authority(&tenant)?, &client_id, prompt)?;
        match FileTokenCache::in_config_dir() {
            Ok(cache) => {
                println!(
                    "tokens cached in {} (the next run does not ask)",
                    cache.dir().display()
                );
                credential = credential.with_cache(cache);
            }
            Err(e) => println!("no token cache: {e}"),
        }
        let builder = Client::builder()
            .credential(credential)
            .scopes(manifest.scopes())
            .user_agent("graph-odata-examples");
        return Ok((graph(builder).build()?, None));
    }
    let (client, emulator) = connect_emulator().await?;
    Ok((client, Some(emulator)))
}

/// A freshly started emulator with its identity endpoint on (signed tokens only, permissions
/// enforced, device codes approved at the first poll), and a client signed in there with the
/// device code flow asking for exactly [`manifest`]`(true)`'s scopes.
pub async fn connect_emulator() -> Result<(Client, Emulator), Failure> {
    let emulator = Emulator::start().await?;
    println!(
        "using the local emulator at {} (set GRAPH_CLIENT_ID or GRAPH_TOKEN to use Microsoft Graph)",
        emulator.v1_url()
    );
    // The emulator plays the identity platform too: it issues signed tokens, takes only those,
    // and refuses a call the token's permissions do not grant, as Graph does. The "user"
    // approves the device code at the first poll.
    emulator.register_app(App::new(EMULATOR_CLIENT_ID));
    emulator.require_signed_tokens(true);
    emulator.enforce_permissions(true);
    emulator.set_device_code_timing(Duration::ZERO, Duration::from_secs(60));
    emulator.approve_device_codes_on_poll(Some(1));
    let manifest = manifest(true);
    print_scopes(&manifest);
    let credential = DeviceCodeCredential::new(
        Authority::at(emulator.base_url(), "organizations")?,
        EMULATOR_CLIENT_ID,
        prompt,
    )?;
    let client = Client::builder()
        .service_root(emulator.v1_url())
        .credential(credential)
        .scopes(manifest.scopes())
        .user_agent("graph-odata-examples")
        .build()?;
    Ok((client, emulator))
}

/// Prints what the emulator received.
pub fn print_log(emulator: Option<&Emulator>) {
    let Some(emu) = emulator else { return };
    let log = emu.requests();
    println!("\nthe emulator saw {} requests:", log.len());
    for r in &log {
        println!(
            "  {:<6} {}{}{}",
            r.method.as_str(),
            r.path,
            r.query
                .as_deref()
                .map(|q| format!("?{q}"))
                .unwrap_or_default(),
            r.header("retry-attempt")
                .map(|a| format!("  (retry {a})"))
                .unwrap_or_default()
        );
    }
}

/// Create a linked resource on a To Do task.
pub async fn linked_resources(client: &Client, emu: Option<&Emulator>) -> Result<(), Failure> {
    println!(
        "\n== linkedResource (POST /me/todo/lists/{{todoTaskListId}}/tasks/{{taskId}}/linkedResources)"
    );
    // A list and a task to attach it to (hand-built requests work next to the generated ones).
    let list = client
        .send(TodoTaskList::create(&TodoTaskList {
            display_name: Some("graph-odata quickstart".into()),
            ..Default::default()
        }))
        .await?;
    let list_id = match list.id {
        Some(id) if !id.is_empty() => id,
        _ => return Err("unexpected: the new To Do list came back without an id".into()),
    };
    let task: Value = client
        .send(Request::post(
            format!("/me/todo/lists/{}/tasks", encode_segment(&list_id)?),
            &json!({"title": "Review the Contoso ticket"}),
        ))
        .await?;
    let task_id = id_of(&task, "new task")?;

    let body = LinkedResource {
        web_url: Some("https://contoso.example/tickets/42".into()),
        application_name: Some("Contoso Tickets".into()),
        display_name: Some("Ticket 42".into()),
        external_id: Some("ticket-42".into()),
        ..Default::default()
    };
    let created = client
        .execute(LinkedResource::create(&list_id, &task_id, &body))
        .await?;
    ensure(created.status() == http::StatusCode::CREATED, || {
        format!("create answered {}, not 201", created.status())
    })?;
    let id = match created.body().id.clone() {
        Some(id) if !id.is_empty() => id,
        _ => return Err("unexpected: the created linked resource has no id".into()),
    };
    println!(
        "created  {} {:?} ({id})",
        created.status(),
        created.body().display_name
    );

    let got = client
        .send(LinkedResource::get(&list_id, &task_id, &id))
        .await?;
    println!(
        "read     {:?} from {:?}",
        got.display_name, got.application_name
    );
    ensure(got.display_name.as_deref() == Some("Ticket 42"), || {
        format!("read back {:?}", got.display_name)
    })?;

    if let Some(emu) = emu {
        // Show the retry policy at work: the emulator throttles the next PATCH once.
        emu.fault(Fault::throttle("0.2").method(http::Method::PATCH));
    }
    let patch = LinkedResource::patch()
        .display_name("Ticket 42 (closed)")
        .clear_web_url();
    client
        .send(LinkedResource::update(&list_id, &task_id, &id, &patch))
        .await?;
    if let Some(emu) = emu {
        let retried = emu
            .requests()
            .iter()
            .any(|r| r.method == http::Method::PATCH && r.header("retry-attempt") == Some("1"));
        ensure(retried, || {
            "the throttled PATCH was not sent again".to_owned()
        })?;
    }
    let page = client
        .send(LinkedResource::list(&list_id, &task_id))
        .await?;
    println!(
        "listed   {:?} after PATCH {}",
        page.value
            .iter()
            .map(|r| r.display_name.clone())
            .collect::<Vec<_>>(),
        serde_json::to_string(&patch)?
    );
    let listed = page
        .value
        .iter()
        .find(|r| r.id.as_deref() == Some(id.as_str()));
    ensure(
        listed.is_some_and(|r| {
            r.display_name.as_deref() == Some("Ticket 42 (closed)") && r.web_url.is_none()
        }),
        || format!("after the PATCH the list shows {listed:?}"),
    )?;

    client
        .send(LinkedResource::delete(&list_id, &task_id, &id))
        .await?;
    match client
        .send(LinkedResource::get(&list_id, &task_id, &id))
        .await
    {
        Ok(r) => return Err(format!("unexpected: deleted, yet still readable: {r:?}").into()),
        Err(e) => {
            println!(
                "deleted  then read: {} {:?} {:?}",
                e.kind(),
                e.status().map(|s| s.as_u16()),
                e.code()
            );
            ensure(e.status() == Some(http::StatusCode::NOT_FOUND), || {
                format!("reading a deleted item failed with {e}, not 404")
            })?;
        }
    }
    client.send(TodoTaskList::delete(&list_id)).await?;
    Ok(())
}

/// `createLink`: a sharing link on a drive item.
pub async fn sharing_link(client: &Client, emu: Option<&Emulator>) -> Result<(), Failure> {
    println!("\n== createLink (POST /me/drive/items/{{itemId}}/createLink)");
    let item_id = match emu {
        Some(emu) => emu.insert("/me/drive/items", json!({"name": "plan.txt"})),
        None => {
            let uploaded: Value = client
                .send(
                    Request::<Value>::new(
                        http::Method::PUT,
                        "/me/drive/root:/graph-odata-quickstart.txt:/content",
                    )
                    .body_bytes("made by graph-odata", "text/plain"),
                )
                .await?;
            id_of(&uploaded, "uploaded file")?
        }
    };
    let link = CreateLink {
        r#type: "view".into(),
        scope: Some("organization".into()),
        password: None,
        ..Default::default()
    };
    let first = client.execute(link.me_drive_items(&item_id)).await?;
    let again = client.execute(link.me_drive_items(&item_id)).await?;
    println!(
        "link     {} then {} (the same link): {:?}",
        first.status(),
        again.status(),
        first
            .body()
            .link
            .as_ref()
            .and_then(|l| l.web_url.as_deref())
    );
    let first_url = first.body().link.as_ref().and_then(|l| l.web_url.clone());
    let again_url = again.body().link.as_ref().and_then(|l| l.web_url.clone());
    ensure(first_url.is_some() && first_url == again_url, || {
        format!("createLink gave {first_url:?}, then {again_url:?}")
    })?;
    let secret = CreateLink {
        password: Some("correct horse".into()),
        ..link
    };
    let shown = format!("{secret:?}");
    println!("debug    {shown}");
    ensure(!shown.contains("correct horse"), || {
        "the password shows in Debug".to_owned()
    })?;
    if emu.is_none() {
        client
            .send(Request::delete(format!(
                "/me/drive/items/{}",
                encode_segment(&item_id)?
            )))
            .await?;
    }
    Ok(())
}

/// Create an external connection with a client-chosen id.
pub async fn external_connection(client: &Client) -> Result<(), Failure> {
    println!("\n== externalConnection (POST /external/connections)");
    let connection = ExternalConnection {
        id: Some("graphodataqs".into()),
        name: Some("graph-odata quickstart".into()),
        description: Some("Created by the graph-odata quickstart".into()),
        ..Default::default()
    };
    let created = client
        .execute(ExternalConnection::create(&connection))
        .await?;
    println!("created  {} {:?}", created.status(), created.body().id);
    ensure(created.body().id.as_deref() == Some("graphodataqs"), || {
        format!("the connection came back as {:?}", created.body().id)
    })?;
    // Graph refuses ids shorter than 3 characters (the emulator follows it).
    let bad = ExternalConnection {
        id: Some("qs".into()),
        ..connection
    };
    match client.send(ExternalConnection::create(&bad)).await {
        Ok(c) => return Err(format!("unexpected: the id `qs` was accepted: {c:?}").into()),
        Err(e) => {
            println!("refused  id `qs`: {e}");
            ensure(e.status() == Some(http::StatusCode::BAD_REQUEST), || {
                format!("the id `qs` failed with {e}, not 400")
            })?;
        }
    }
    client
        .send(ExternalConnection::delete("graphodataqs"))
        .await?;
    Ok(())
}

/// Create a connected organization with typed identity sources.
pub async fn connected_organization(client: &Client) -> Result<(), Failure> {
    println!(
        "\n== connectedOrganization (POST /identityGovernance/entitlementManagement/connectedOrganizations)"
    );
    let org = ConnectedOrganization {
        display_name: Some("Fabrikam (graph-odata quickstart)".into()),
        description: Some("Partner organization".into()),
        identity_sources: Some(vec![IdentitySource::DomainIdentitySource(
            DomainIdentitySource {
                display_name: Some("Fabrikam".into()),
                domain_name: Some("fabrikam.example".into()),
            },
        )]),
        state: Some(ConnectedOrganizationState::Proposed),
        ..Default::default()
    };
    println!("body     {}", serde_json::to_string(&org)?);
    let created = client.execute(ConnectedOrganization::create(&org)).await?;
    println!("created  {} {:?}", created.status(), created.body().id);
    ensure(created.body().id.is_some(), || {
        "the connected organization has no id".to_owned()
    })?;
    ensure(
        created.body().identity_sources.as_ref().is_some_and(|s| {
            matches!(s.as_slice(), [IdentitySource::DomainIdentitySource(d)]
                if d.domain_name.as_deref() == Some("fabrikam.example"))
        }),
        || {
            format!(
                "identity sources came back as {:?}",
                created.body().identity_sources
            )
        },
    )?;
    Ok(())
}
