//! The five Graph operations, declared with the macros (`examples/graph_models`), end to end:
//! a To Do list, a task's linked resource (create/get/list/update/delete), a sharing link
//! (`createLink`), an external connection and a connected organization. The client signs in
//! with the device code flow, asking for exactly the delegated permissions the declarations need
//! (`Manifest::of` their `PERMISSIONS`), and the run proves they suffice.
//!
//! Offline (default): starts the built-in emulator on 127.0.0.1 with its identity endpoint on
//! (signed tokens only, permissions enforced, the device code approved at once) and talks to it
//! over HTTP.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Against real Microsoft Graph with your app registration (a public client, "Allow public client
//! flows" on): `GRAPH_CLIENT_ID` (and `GRAPH_TENANT`, `organizations` by default). The example
//! prints the scopes it asks for and the device code prompt; the tokens are cached in the user's
//! config directory (`graph-odata/tokens`), so the next run signs in without asking. It creates a
//! To Do list and a small file, works on them and deletes them. The external connection and
//! connected organization steps need admin consent (`ExternalConnection.ReadWrite.OwnedBy`,
//! `EntitlementManagement.ReadWrite.All`): they, and their scopes, are left out unless
//! `GRAPH_QUICKSTART_ADMIN=1`.
//!
//! ```text
//! GRAPH_CLIENT_ID=11111111-2222-3333-4444-555555555555 cargo run --example quickstart
//! ```
//!
//! Or with a delegated token you got yourself (e.g. from Graph Explorer) with those permissions
//! in `GRAPH_TOKEN` (and `GRAPH_BASE_URL` for another cloud or `beta`):
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... cargo run --example quickstart
//! ```

#[path = "graph_models/mod.rs"]
mod graph_models;

use graph_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    let admin = emulator.is_some() || run::admin_requested();
    run::linked_resources(&client, emulator.as_ref()).await?;
    run::sharing_link(&client, emulator.as_ref()).await?;
    if admin {
        run::external_connection(&client).await?;
        run::connected_organization(&client).await?;
    } else {
        println!(
            "\n(external connection and connected organization skipped: set GRAPH_QUICKSTART_ADMIN=1)"
        );
    }
    run::print_log(emulator.as_ref());
    Ok(())
}
