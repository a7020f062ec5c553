//! `cargo run -p graph-odata-emulator -- --port 8080`: serve the emulator until Ctrl-C.

use graph_odata_emulator::Emulator;

const USAGE: &str = "usage: graph-odata-emulator [--port N] [--token T] [--max-body-size BYTES]
                            [--log-capacity N]

Serves a Microsoft Graph-shaped OData v4 service on 127.0.0.1 until Ctrl-C.
  --port N                listen on port N (default 0: any free port)
  --token T               require `Authorization: Bearer T` on every request
  --max-body-size BYTES   refuse larger request bodies with 413 (default 67108864, 64 MiB)
  --log-capacity N        keep the last N requests in the request log (default 1000)";

/// What the command line asks for.
#[derive(Debug, Default, PartialEq)]
struct Options {
    port: u16,
    token: Option<String>,
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
            "--token" => options.token = Some(value()?.clone()),
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
    let port = options.port;
    let emulator = match Emulator::start_on(port).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    emulator.require_bearer(options.token.as_deref());
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
    use super::{Options, parse};

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
                token: Some("t".into()),
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
        assert!(
            parse(&args("--verbose"))
                .unwrap_err()
                .contains("`--verbose`")
        );
    }
}
