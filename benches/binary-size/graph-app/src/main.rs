//! One Graph call with graph-odata: the app whose size benches/binary-size/measure compares.
use graph_odata::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let root = std::env::args().nth(1).unwrap_or_else(|| "https://graph.microsoft.com/v1.0".into());
    let client = Client::builder()
        .service_root(root)
        .credential(StaticToken::new(std::env::var("GRAPH_TOKEN").unwrap_or_default()))
        .build()?;
    let me: serde_json::Value = client.send(Request::get("/me")).await?;
    println!("{}", me["displayName"]);
    Ok(())
}
