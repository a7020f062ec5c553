//! Seed 000/001: a linked resource on a To Do task, created, read, listed, updated and deleted.
//!
//! ```text
//! cargo run --example create_linked_resource            # against the local emulator
//! GRAPH_TOKEN=eyJ0... cargo run --example create_linked_resource
//! ```

#[path = "seed_models/mod.rs"]
mod seed_models;

use seed_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    run::linked_resources(&client, emulator.as_ref()).await?;
    run::print_log(emulator.as_ref());
    Ok(())
}
