//! Seed 003: an external connection with a client-chosen id (admin consent on real Graph).
//!
//! ```text
//! cargo run --example create_external_connection            # against the local emulator
//! GRAPH_TOKEN=eyJ0... cargo run --example create_external_connection
//! ```

#[path = "seed_models/mod.rs"]
mod seed_models;

use seed_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    run::external_connection(&client).await?;
    run::print_log(emulator.as_ref());
    Ok(())
}
