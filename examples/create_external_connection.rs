//! Create an external connection with a client-chosen id (admin consent on real Graph).
//!
//! ```text
//! cargo run --example create_external_connection            # against the local emulator
//! GRAPH_TOKEN=eyJ0... cargo run --example create_external_connection
//! ```

#[path = "graph_models/mod.rs"]
mod graph_models;

use graph_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    run::external_connection(&client).await?;
    run::print_log(emulator.as_ref());
    Ok(())
}
