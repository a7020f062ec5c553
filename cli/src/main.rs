//! `graph-odata-cli`: generates graph-odata declarations from an OData CSDL (`$metadata`) document,
//! checks the declarations in Rust files against one, and lists the Graph permissions they need.
//!
//! ```text
//! graph-odata-cli generate --metadata v1.0.csdl.xml --actions microsoft.graph.linkedResource
//! graph-odata-cli check --metadata v1.0.csdl.xml src/models.rs
//! graph-odata-cli permissions --compare app.json src/
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use graph_odata_metadata::Metadata;
use graph_odata_metadata::generate::{Options, generate_report};

mod check;
mod permissions;
mod permissions_index;

const EXAMPLES: &str = "Examples:
  # Declarations for To Do's linked resources and connected organizations, with bound actions
  graph-odata-cli generate --metadata v1.0.csdl.xml --actions \\
      microsoft.graph.linkedResource microsoft.graph.connectedOrganization > src/graph_types.rs

  # Check every endpoint line and type name in these files against the same schema
  graph-odata-cli check --metadata v1.0.csdl.xml src/graph_types.rs src/models.rs

  # The Graph permissions those declarations need, against an app registration's manifest
  graph-odata-cli permissions --compare app.json src/

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
    /// Write the compact permissions index of Microsoft's permissions reference (permissions.json),
    /// recording where it came from; with --check, compare with an index already written instead
    /// (exit 1 when they differ). This is how graph-odata-metadata's built-in permissions index is
    /// made and kept honest.
    #[command(
        name = "permissions-index",
        after_help = "Example:\n  graph-odata-cli permissions-index --reference ../shared/graph/permissions.json \\\n      --document 'microsoftgraph/microsoft-graph-devx-content permissions/new/permissions.json' \\\n      --commit 6cbd6bbd665a877560fdefbad74f3bdb5b57af88 --date 2026-08-07 --out metadata/builtin/graph-permissions.idx"
    )]
    PermissionsIndex(PermissionsIndexArgs),
    /// The Graph permissions the declarations in Rust FILEs or crate DIRectories need: the least
    /// privileged set per scheme, with admin-consent flags, and which declaration needs which.
    /// With --compare, exits with 1 when the app registration lacks one.
    #[command(after_help = permissions::EXAMPLES)]
    Permissions(permissions::PermissionsArgs),
}

#[derive(Debug, Args)]
struct PermissionsIndexArgs {
    /// Microsoft's permissions reference (permissions.json)
    #[arg(long, value_name = "FILE", env = "GRAPH_ODATA_PERMISSIONS")]
    reference: PathBuf,
    #[command(flatten)]
    origin: Origin,
}

/// Where a source document came from, recorded in the index made from it.
#[derive(Debug, Args)]
struct Origin {
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
struct IndexArgs {
    #[command(flatten)]
    schema: Schema,
    #[command(flatten)]
    origin: Origin,
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

/// The bytes of `path` (a regular file of at most 256 MiB) as text, with their SHA-256 in hex.
fn read_with_digest(path: &std::path::Path) -> Result<(String, String), String> {
    use sha2::Digest;
    let text = read_document(path)?;
    let sha256: String = sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((text, sha256))
}

impl Origin {
    fn source(&self, sha256: String) -> Result<graph_odata_metadata::Source, String> {
        if self.date.len() != 10 || self.date.chars().filter(|c| *c == '-').count() != 2 {
            return Err(format!("--date `{}` is not YYYY-MM-DD", self.date));
        }
        Ok(graph_odata_metadata::Source {
            document: self.document.clone(),
            commit: self.commit.clone(),
            date: self.date.clone(),
            sha256,
        })
    }

    /// Writes `index` to --out, or with --check compares it with what is there.
    fn write_or_check(&self, index: &str, from: &std::path::Path) -> Result<bool, String> {
        if self.check {
            let existing = std::fs::read_to_string(&self.out)
                .map_err(|e| format!("cannot read {}: {e}", self.out.display()))?;
            if existing == index {
                println!(
                    "{} is up to date ({} bytes)",
                    self.out.display(),
                    index.len()
                );
                return Ok(true);
            }
            eprintln!(
                "{} differs from the index of {}: regenerate it without --check",
                self.out.display(),
                from.display()
            );
            return Ok(false);
        }
        std::fs::write(&self.out, index)
            .map_err(|e| format!("cannot write {}: {e}", self.out.display()))?;
        Ok(true)
    }
}

fn index(args: &IndexArgs) -> Result<bool, String> {
    let path = args
        .schema
        .metadata
        .as_ref()
        .ok_or("index needs the document: --metadata FILE")?;
    let (text, sha256) = read_with_digest(path)?;
    let md = Metadata::parse(&text)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .with_source(args.origin.source(sha256)?);
    let index = md.to_index();
    let checking = args.origin.check;
    if !args.origin.write_or_check(&index, path)? {
        return Ok(false);
    }
    if !checking {
        let totals = md.totals();
        println!(
            "wrote {} ({} bytes): {} types, {} entity sets, {} singletons, {} operations",
            args.origin.out.display(),
            index.len(),
            totals.types,
            totals.entity_sets,
            totals.singletons,
            totals.operations
        );
    }
    Ok(true)
}

fn permissions_index(args: &PermissionsIndexArgs) -> Result<bool, String> {
    let (text, sha256) = read_with_digest(&args.reference)?;
    let index = permissions_index::index_text(&text, &args.origin.source(sha256)?)
        .map_err(|e| format!("{}: {e}", args.reference.display()))?;
    if !args.origin.write_or_check(&index, &args.reference)? {
        return Ok(false);
    }
    if !args.origin.check {
        let read = graph_odata_metadata::permissions::Permissions::parse(&index)
            .map_err(|e| e.to_string())?;
        println!(
            "wrote {} ({} bytes): {} permissions, {} templates",
            args.origin.out.display(),
            index.len(),
            read.permissions().len(),
            read.templates()
        );
    }
    Ok(true)
}

fn run(cli: Cli) -> Result<bool, String> {
    match cli.command {
        Command::Index(args) => index(&args),
        Command::PermissionsIndex(args) => permissions_index(&args),
        Command::Permissions(args) => permissions::run(&args),
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
