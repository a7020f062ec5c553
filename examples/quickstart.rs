//! The five Graph operations, declared with the macros (`examples/graph_models`), end to end:
//! a task's linked resource (create/get/list/update/delete), a sharing link (`createLink`), an
//! external connection and a connected organization.
//!
//! Offline (default): starts the built-in emulator on 127.0.0.1 and talks to it over HTTP.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Against real Microsoft Graph: put a delegated token in `GRAPH_TOKEN` (e.g. from Graph Explorer)
//! with `Tasks.ReadWrite` and `Files.ReadWrite` (and `GRAPH_BASE_URL` for another cloud or `beta`).
//! The example creates a To Do list and a small file, works on them and deletes them. The
//! connection and connected-organization steps need admin consent
//! (`ExternalConnection.ReadWrite.OwnedBy`, `EntitlementManagement.ReadWrite.All`) and run only with
//! `GRAPH_QUICKSTART_ADMIN=1`.
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
    let admin =
        emulator.is_some() || std::env::var("GRAPH_QUICKSTART_ADMIN").is_ok_and(|v| v == "1");
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
