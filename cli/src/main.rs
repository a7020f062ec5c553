//! `graph-odata-cli`: generates graph-odata declarations from an OData CSDL (`$metadata`) document,
//! and checks the declarations in Rust files against one.
//!
//! ```text
//! graph-odata-cli generate --metadata v1.0.csdl.xml --actions microsoft.graph.linkedResource
//! graph-odata-cli check --metadata v1.0.csdl.xml src/models.rs
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use graph_odata_metadata::Metadata;
use graph_odata_metadata::generate::{Options, generate_report};

mod check;

const EXAMPLES: &str = "Examples:
  # Declarations for To Do's linked resources and connected organizations, with bound actions
  graph-odata-cli generate --metadata v1.0.csdl.xml --actions \\
      microsoft.graph.linkedResource microsoft.graph.connectedOrganization > src/graph_types.rs

  # Check every endpoint line and type name in these files against the same schema
  graph-odata-cli check --metadata v1.0.csdl.xml src/graph_types.rs src/models.rs

Without --metadata, Graph v1.0 built in is used; a newer schema: save
https://graph.microsoft.com/v1.0/$metadata (or /beta/$metadata) to a file.";

/// Generates graph-odata declarations from an OData CSDL ($metadata) document, and checks
/// declarations against one.
#[derive(Debug, Parser)]
#[command(name = "graph-odata-cli", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print declarations for TYPEs and the complex and enum types they need, with endpoints on
    /// the shortest paths that reach each entity type.
    #[command(
        after_help = "Example:\n  graph-odata-cli generate --metadata v1.0.csdl.xml --depth 2 microsoft.graph.linkedResource"
    )]
    Generate(GenerateArgs),
    /// Check the declarations in Rust FILEs: every endpoint line must resolve in the schema and
    /// every declared type must exist. Exits with 1 when something does not.
    #[command(
        after_help = "Example:\n  graph-odata-cli check --metadata v1.0.csdl.xml src/models.rs"
    )]
    Check(CheckArgs),
    /// Write the compact index of a CSDL document, recording where it came from; with --check,
    /// compare with an index already written instead (exit 1 when they differ). This is how the
    /// built-in Graph v1.0 index of graph-odata-metadata is made and kept honest.
    #[command(
        after_help = "Example:\n  graph-odata-cli index --metadata v1.0.csdl.xml --document 'microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml' \\\n      --commit f54f11b60956ea7b185ca0447b2b80805836ec7b --date 2026-08-04 --out metadata/builtin/graph-v1.0.idx"
    )]
    Index(IndexArgs),
}

#[derive(Debug, Args)]
struct IndexArgs {
    #[command(flatten)]
    schema: Schema,
    /// What the document is (repository and file)
    #[arg(long)]
    document: String,
    /// The repository commit the document was taken at
    #[arg(long)]
    commit: String,
    /// The date the document last changed (YYYY-MM-DD)
    #[arg(long)]
    date: String,
    /// Where to write the index
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Compare with the index at --out instead of writing it
    #[arg(long)]
    check: bool,
}

#[derive(Debug, Args)]
struct Schema {
    /// The CSDL document [default: Graph v1.0, built in]
    #[arg(long, value_name = "FILE", env = "GRAPH_ODATA_METADATA_V1_0")]
    metadata: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    #[command(flatten)]
    schema: Schema,
    /// Endpoints for paths of at most N navigation steps (0 for none)
    #[arg(long, value_name = "N", default_value_t = 4)]
    depth: usize,
    /// Also declare the actions bound to each entity type
    #[arg(long)]
    actions: bool,
    /// Qualified or alias-qualified type names, e.g. microsoft.graph.linkedResource or graph.permission
    #[arg(value_name = "TYPE", required = true)]
    types: Vec<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    schema: Schema,
    /// Rust files with `graph_entity`, `graph_complex`, `graph_enum`, `graph_action` or
    /// `graph_function` declarations
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

fn load(schema: &Schema) -> Result<Metadata, String> {
    let Some(path) = &schema.metadata else {
        return Metadata::graph_v1_0().cloned().map_err(|e| e.to_string());
    };
    let text = read_document(path)?;
    Metadata::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A CSDL document's text: a regular file only (not a device or a pipe that never ends), of at
/// most 256 MiB.
fn read_document(path: &std::path::Path) -> Result<String, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.len() > 256 << 20 {
        return Err(format!(
            "{} is {} bytes, over 256 MiB",
            path.display(),
            meta.len()
        ));
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn index(args: &IndexArgs) -> Result<bool, String> {
    use sha2::Digest;
    let path = args
        .schema
        .metadata
        .as_ref()
        .ok_or("index needs the document: --metadata FILE")?;
    let bytes = read_document(path)?.into_bytes();
    let sha256: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let text = String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", path.display()))?;
    if args.date.len() != 10 || args.date.chars().filter(|c| *c == '-').count() != 2 {
        return Err(format!("--date `{}` is not YYYY-MM-DD", args.date));
    }
    let md = Metadata::parse(&text)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .with_source(graph_odata_metadata::Source {
            document: args.document.clone(),
            commit: args.commit.clone(),
            date: args.date.clone(),
            sha256,
        });
    let index = md.to_index();
    if args.check {
        let existing = std::fs::read_to_string(&args.out)
            .map_err(|e| format!("cannot read {}: {e}", args.out.display()))?;
        if existing == index {
            println!(
                "{} is up to date ({} bytes)",
                args.out.display(),
                index.len()
            );
            return Ok(true);
        }
        eprintln!(
            "{} differs from the index of {}: regenerate it without --check",
            args.out.display(),
            path.display()
        );
        return Ok(false);
    }
    std::fs::write(&args.out, &index)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    let totals = md.totals();
    println!(
        "wrote {} ({} bytes): {} types, {} entity sets, {} singletons, {} operations",
        args.out.display(),
        index.len(),
        totals.types,
        totals.entity_sets,
        totals.singletons,
        totals.operations
    );
    Ok(true)
}

fn run(cli: Cli) -> Result<bool, String> {
    match cli.command {
        Command::Index(args) => index(&args),
        Command::Generate(args) => {
            let md = load(&args.schema)?;
            let options = Options {
                path_depth: args.depth,
                actions: args.actions,
            };
            let names: Vec<&str> = args.types.iter().map(String::as_str).collect();
            let generated = generate_report(&md, &names, &options).map_err(|e| e.to_string())?;
            for skipped in &generated.skipped {
                eprintln!("warning: left out: {skipped}");
            }
            print!("{}", generated.code);
            Ok(true)
        }
        Command::Check(args) => {
            let md = load(&args.schema)?;
            let mut report = check::Report::default();
            for file in &args.files {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
                check::check_file(&md, &file.display().to_string(), &text, &mut report);
            }
            for problem in &report.problems {
                eprintln!("{problem}");
            }
            println!("{}", report.summary());
            Ok(report.problems.is_empty())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
