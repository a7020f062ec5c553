//! Create a connected organization whose identity sources carry their derived `@odata.type` (admin consent on real Graph).
//!
//! ```text
//! cargo run --example create_connected_organization            # against the local emulator
//! GRAPH_TOKEN=eyJ0... cargo run --example create_connected_organization
//! ```

#[path = "graph_models/mod.rs"]
mod graph_models;

use graph_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    run::connected_organization(&client).await?;
    run::print_log(emulator.as_ref());
    Ok(())
}
