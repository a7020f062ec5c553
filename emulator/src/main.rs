//! `cargo run -p graph-odata-emulator -- --port 8080`: serve the emulator until Ctrl-C.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use graph_odata_emulator::Emulator;

/// The environment variable that holds the bearer token the emulator requires.
const TOKEN_ENV: &str = "GRAPH_ODATA_EMULATOR_TOKEN";

/// The largest token file read, in bytes: a token is far smaller, and a device such as
/// `/dev/zero` given by mistake must not hang the start.
const MAX_TOKEN_FILE: u64 = 64 * 1024;

const USAGE: &str =
    "usage: graph-odata-emulator [--port N] [--token-file PATH] [--max-body-size BYTES]
                            [--log-capacity N]

Serves a Microsoft Graph-shaped OData v4 service on 127.0.0.1 until Ctrl-C.
  --port N                listen on port N (default 0: any free port)
  --token-file PATH       require `Authorization: Bearer T` on every request, T read from PATH
                          (surrounding whitespace removed); without it, T comes from the
                          environment variable GRAPH_ODATA_EMULATOR_TOKEN if that is set
  --token T               the same with T on the command line, where other users of this machine
                          can read it in the process list: prefer --token-file or the variable
  --max-body-size BYTES   refuse larger request bodies with 413 (default 67108864, 64 MiB)
  --log-capacity N        keep the last N requests in the request log (default 1000)";

/// Where the bearer token comes from, on the command line.
#[derive(Clone, PartialEq)]
enum TokenSource {
    /// `--token T`: visible in the process list.
    Arg(String),
    /// `--token-file PATH`.
    File(PathBuf),
}

impl fmt::Debug for TokenSource {
    /// Never prints the token itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Arg(_) => f.write_str("Arg(** redacted **)"),
            TokenSource::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Default, PartialEq)]
struct Options {
    port: u16,
    token: Option<TokenSource>,
    max_body_size: Option<usize>,
    log_capacity: Option<usize>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--port" => {
                let v = value()?;
                options.port = v
                    .parse()
                    .map_err(|_| format!("`--port {v}`: not a port number (0-65535)"))?;
            }
            "--token" | "--token-file" => {
                if options.token.is_some() {
                    return Err("give the token once: `--token` or `--token-file`".to_owned());
                }
                let v = value()?.clone();
                options.token = Some(if arg == "--token" {
                    TokenSource::Arg(v)
                } else {
                    TokenSource::File(v.into())
                });
            }
            "--max-body-size" => {
                let v = value()?;
                options.max_body_size = Some(
                    v.parse()
                        .map_err(|_| format!("`--max-body-size {v}`: not a number of bytes"))?,
                );
            }
            "--log-capacity" => {
                let v = value()?;
                options.log_capacity = Some(
                    v.parse()
                        .map_err(|_| format!("`--log-capacity {v}`: not a number of requests"))?,
                );
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

/// The token to require: from the command line if it names one, else from `env` (the value of
/// [`TOKEN_ENV`], if set); `None` when neither does.
fn resolve_token(
    source: Option<&TokenSource>,
    env: Option<std::ffi::OsString>,
) -> Result<Option<String>, String> {
    let (token, from) = match (source, env) {
        (Some(TokenSource::Arg(t)), _) => (t.clone(), "`--token`".to_owned()),
        (Some(TokenSource::File(path)), _) => (
            read_token_file(path)?,
            format!("the token file `{}`", path.display()),
        ),
        (None, Some(value)) => (
            value
                .into_string()
                .map_err(|_| format!("{TOKEN_ENV} is not valid UTF-8"))?,
            TOKEN_ENV.to_owned(),
        ),
        (None, None) => return Ok(None),
    };
    let token = token.trim();
    if token.is_empty() {
        return Err(format!("{from} holds an empty token"));
    }
    if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "{from} holds a token with spaces or control characters, which cannot travel in \
             an `Authorization` header"
        ));
    }
    Ok(Some(token.to_owned()))
}

/// The text of a token file, at most [`MAX_TOKEN_FILE`] bytes.
fn read_token_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read the token file `{shown}`: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the token file `{shown}`: {e}"))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(format!(
            "the token file `{shown}` is larger than {MAX_TOKEN_FILE} bytes"
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("the token file `{shown}` is not UTF-8 text"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    let options = match parse(&args) {
        Ok(v) => v,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    if matches!(options.token, Some(TokenSource::Arg(_))) {
        eprintln!(
            "warning: `--token` shows the token in the process list, where other users of this \
             machine can read it; use `--token-file PATH` or the environment variable {TOKEN_ENV}"
        );
    }
    let token = match resolve_token(options.token.as_ref(), std::env::var_os(TOKEN_ENV)) {
        Ok(token) => token,
        Err(message) => {
            eprintln!("error: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    let port = options.port;
    let emulator = match Emulator::start_on(port).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    emulator.require_bearer(token.as_deref());
    if let Some(bytes) = options.max_body_size {
        emulator.set_max_body_size(bytes);
    }
    if let Some(entries) = options.log_capacity {
        emulator.set_log_capacity(entries);
    }
    // Write errors (a closed pipe, say) must not stop the service: they are ignored.
    let say = |line: String| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    };
    say(format!(
        "graph-odata emulator listening on {}",
        emulator.base_url()
    ));
    say(format!("  v1.0: {}", emulator.v1_url()));
    say(format!("  beta: {}", emulator.beta_url()));
    match tokio::signal::ctrl_c().await {
        Ok(()) => say("stopping".to_owned()),
        Err(e) => eprintln!("error: cannot wait for Ctrl-C: {e}"),
    }
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::{Options, TokenSource, parse, resolve_token};

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(&args("")).unwrap(), Options::default());
        assert_eq!(
            parse(&args(
                "--port 8080 --token t --max-body-size 1024 --log-capacity 7"
            ))
            .unwrap(),
            Options {
                port: 8080,
                token: Some(TokenSource::Arg("t".into())),
                max_body_size: Some(1024),
                log_capacity: Some(7),
            }
        );
        assert!(
            parse(&args("--max-body-size 1MiB"))
                .unwrap_err()
                .contains("`--max-body-size 1MiB`")
        );
        assert!(parse(&args("--port x")).unwrap_err().contains("`--port x`"));
        assert!(
            parse(&args("--port"))
                .unwrap_err()
                .contains("needs a value")
        );
        assert_eq!(
            parse(&args("--token-file /run/secrets/t")).unwrap().token,
            Some(TokenSource::File("/run/secrets/t".into()))
        );
        assert!(
            parse(&args("--token a --token-file b"))
                .unwrap_err()
                .contains("give the token once")
        );
        assert!(
            parse(&args("--verbose"))
                .unwrap_err()
                .contains("`--verbose`")
        );
    }

    #[test]
    fn the_token_comes_from_the_command_line_a_file_or_the_environment() {
        let dir = std::env::temp_dir().join(format!("emulator-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "s3cret\n").unwrap();
        let from_file = TokenSource::File(file.clone());
        assert_eq!(
            resolve_token(Some(&from_file), Some("env".into())).unwrap(),
            Some("s3cret".into()),
            "the command line wins over the environment"
        );
        assert_eq!(
            resolve_token(None, Some(" env-token\n".into())).unwrap(),
            Some("env-token".into())
        );
        assert_eq!(resolve_token(None, None).unwrap(), None);
        let arg = TokenSource::Arg("t".into());
        assert_eq!(resolve_token(Some(&arg), None).unwrap(), Some("t".into()));
        assert_eq!(
            format!("{:?}", TokenSource::Arg("s3cret".into())),
            "Arg(** redacted **)"
        );

        std::fs::write(&file, "  \n").unwrap();
        let err = resolve_token(Some(&from_file), None).unwrap_err();
        assert!(
            err.contains("empty token") && err.contains("token file"),
            "{err}"
        );
        std::fs::write(&file, "two words").unwrap();
        let err = resolve_token(Some(&from_file), None).unwrap_err();
        assert!(err.contains("spaces or control"), "{err}");
        assert!(!err.contains("two words"), "the token is not echoed: {err}");
        std::fs::write(&file, vec![b'a'; 64 * 1024 + 1]).unwrap();
        let err = resolve_token(Some(&from_file), None).unwrap_err();
        assert!(err.contains("larger than 65536 bytes"), "{err}");
        let missing = TokenSource::File(dir.join("missing"));
        let err = resolve_token(Some(&missing), None).unwrap_err();
        assert!(err.contains("cannot read the token file"), "{err}");
        assert!(
            resolve_token(None, Some("".into()))
                .unwrap_err()
                .contains("GRAPH_ODATA_EMULATOR_TOKEN")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
