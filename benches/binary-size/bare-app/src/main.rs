//! The same call on bare reqwest + serde_json: the baseline of benches/binary-size/measure.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).unwrap_or_else(|| "https://graph.microsoft.com/v1.0".into());
    let token = std::env::var("GRAPH_TOKEN").unwrap_or_default();
    let body = reqwest::Client::new()
        .get(format!("{root}/me"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let me: serde_json::Value = serde_json::from_slice(&body)?;
    println!("{}", me["displayName"]);
    Ok(())
}
