//! A linked resource on a To Do task, created, read, listed, updated and deleted.
//!
//! ```text
//! cargo run --example create_linked_resource            # against the local emulator
//! GRAPH_TOKEN=eyJ0... cargo run --example create_linked_resource
//! ```

#[path = "graph_models/mod.rs"]
mod graph_models;

use graph_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    run::linked_resources(&client, emulator.as_ref()).await?;
    run::print_log(emulator.as_ref());
    Ok(())
}
