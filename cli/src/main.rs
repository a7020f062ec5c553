//! `cargo run -p graph-odata-cli -- --metadata FILE [--depth N] [--actions] TYPE...`
//!
//! Prints ready-to-compile graph-odata declarations for the named types (qualified or
//! alias-qualified: `microsoft.graph.linkedResource`, `graph.permission`) and everything they need.

use std::process::ExitCode;

use graph_odata_metadata::Metadata;
use graph_odata_metadata::generate::{Options, generate};

const USAGE: &str = "usage: graph-odata-cli --metadata FILE [--depth N] [--actions] TYPE...

Prints graph-odata declarations for TYPE (e.g. microsoft.graph.linkedResource) and the complex and
enum types it needs, with endpoints on the shortest paths that reach it.
  --metadata FILE  the CSDL document (default: $GRAPH_ODATA_METADATA_V1_0)
  --depth N        endpoints for paths of at most N navigation steps (default 4, 0 for none)
  --actions        also declare the actions bound to each entity type";

fn run(args: &[String]) -> Result<String, String> {
    let mut file = std::env::var("GRAPH_ODATA_METADATA_V1_0").ok();
    let mut options = Options::default();
    let mut types = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--metadata" => file = Some(it.next().ok_or("`--metadata` needs a file")?.clone()),
            "--depth" => {
                let v = it.next().ok_or("`--depth` needs a number")?;
                options.path_depth = v
                    .parse()
                    .map_err(|_| format!("`--depth {v}`: not a number"))?;
            }
            "--actions" => options.actions = true,
            other if other.starts_with("--") => return Err(format!("unknown option `{other}`")),
            other => types.push(other.to_owned()),
        }
    }
    let file =
        file.ok_or("no metadata: pass `--metadata FILE` or set GRAPH_ODATA_METADATA_V1_0")?;
    if types.is_empty() {
        return Err("name at least one type, e.g. microsoft.graph.linkedResource".into());
    }
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let md = Metadata::parse(&text)?;
    let names: Vec<&str> = types.iter().map(String::as_str).collect();
    generate(&md, &names, &options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
