//! `createLink` on a drive item (201 for a new link, 200 for the same one again).
//!
//! ```text
//! cargo run --example create_sharing_link            # against the local emulator
//! GRAPH_TOKEN=eyJ0... cargo run --example create_sharing_link
//! ```

#[path = "graph_models/mod.rs"]
mod graph_models;

use graph_models::run::{self, Failure};

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (client, emulator) = run::connect().await?;
    run::sharing_link(&client, emulator.as_ref()).await?;
    run::print_log(emulator.as_ref());
    Ok(())
}
