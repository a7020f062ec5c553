//! The admin routes, for tests of any client over HTTP (the binary's users included), under
//! `/_emulator/`: never affected by faults, behind the bearer check when one is required.
//!
//! | route | body | does |
//! |---|---|---|
//! | `POST /_emulator/faults` | a fault (below) | adds it, as [`Emulator::fault`](crate::Emulator::fault) |
//! | `DELETE /_emulator/faults` | | removes every pending fault |
//! | `PUT /_emulator/replication-lag` | `{"ms": 2000}` (0: off) | [`Emulator::set_replication_lag`](crate::Emulator::set_replication_lag) |
//! | `PUT /_emulator/mailbox-limit` | `{"concurrent": 4, "holdMs": 20, "retryAfterMs": 1000}` (`concurrent` 0: off) | [`Emulator::set_mailbox_limit`](crate::Emulator::set_mailbox_limit) |
//! | `GET /_emulator/mailbox-limit` | | the counts of [`Emulator::mailbox_counts`](crate::Emulator::mailbox_counts) as JSON |
//! | `DELETE /_emulator/delta-tokens` | | [`Emulator::expire_delta_tokens`](crate::Emulator::expire_delta_tokens) |
//!
//! A fault: `{"kind": "status" | "drop" | "delay" | "truncate", "status": 429, "retryAfter":
//! "2", "bodyText": "<html>…", "delayMs": 200, "method": "GET", "path": "/v1.0/users*", "after":
//! 0, "times": 1}`; only `kind` is required (`status` is, for `"status"`). Unknown keys are
//! refused. Delays are capped at 60 s, counts at 100 000.

use std::time::Duration;

use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::Fault;
use crate::routes::Reply;

/// A fault as the admin route takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultBody {
    kind: String,
    status: Option<u16>,
    retry_after: Option<String>,
    body_text: Option<String>,
    delay_ms: Option<u64>,
    method: Option<String>,
    path: Option<String>,
    after: Option<u32>,
    times: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LagBody {
    ms: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MailboxBody {
    concurrent: usize,
    hold_ms: Option<u64>,
    retry_after_ms: Option<u64>,
}

const MAX_DELAY_MS: u64 = 60_000;
const MAX_COUNT: u32 = 100_000;

/// Answers `/_emulator/{what}`.
pub(crate) fn answer(
    emulator: &crate::Shared,
    method: &Method,
    what: &str,
    body: Option<&Value>,
) -> Reply {
    let parse = |what: &str| -> Result<Value, Reply> {
        body.cloned()
            .ok_or_else(|| Reply::bad_request(&format!("`{what}` needs a JSON body.")))
    };
    match (method.as_str(), what) {
        ("POST", "faults") => match parse("faults").and_then(|b| {
            serde_json::from_value::<FaultBody>(b)
                .map_err(|e| Reply::bad_request(&format!("Not a fault: {e}.")))
        }) {
            Ok(f) => match fault(f) {
                Ok(f) => {
                    emulator.lock_faults().push(f);
                    Reply::no_content()
                }
                Err(message) => Reply::bad_request(&message),
            },
            Err(reply) => reply,
        },
        ("DELETE", "faults") => {
            emulator.lock_faults().clear();
            Reply::no_content()
        }
        ("PUT", "replication-lag") => match parse("replication-lag").and_then(|b| {
            serde_json::from_value::<LagBody>(b)
                .map_err(|e| Reply::bad_request(&format!("Expected {{\"ms\": n}}: {e}.")))
        }) {
            Ok(LagBody { ms }) if ms <= MAX_DELAY_MS => {
                emulator.lock_lag().set(Some(Duration::from_millis(ms)));
                Reply::no_content()
            }
            Ok(_) => Reply::bad_request(&format!("The lag is at most {MAX_DELAY_MS} ms.")),
            Err(reply) => reply,
        },
        ("PUT", "mailbox-limit") => match parse("mailbox-limit").and_then(|b| {
            serde_json::from_value::<MailboxBody>(b).map_err(|e| {
                Reply::bad_request(&format!(
                    "Expected {{\"concurrent\": n, \"holdMs\": ms, \"retryAfterMs\": ms}}: {e}."
                ))
            })
        }) {
            Ok(b) if b.hold_ms.unwrap_or(0).max(b.retry_after_ms.unwrap_or(0)) > MAX_DELAY_MS => {
                Reply::bad_request(&format!(
                    "`holdMs` and `retryAfterMs` are at most {MAX_DELAY_MS}."
                ))
            }
            Ok(b) if b.concurrent > MAX_COUNT as usize => {
                Reply::bad_request(&format!("`concurrent` is at most {MAX_COUNT}."))
            }
            Ok(b) => {
                let limit = (b.concurrent > 0).then(|| {
                    let mut l = crate::MailboxLimit::new(b.concurrent);
                    if let Some(ms) = b.hold_ms {
                        l = l.hold(Duration::from_millis(ms));
                    }
                    if let Some(ms) = b.retry_after_ms {
                        l = l.retry_after(Duration::from_millis(ms));
                    }
                    l
                });
                crate::mailbox::set(emulator, limit);
                Reply::no_content()
            }
            Err(reply) => reply,
        },
        ("GET", "mailbox-limit") => {
            Reply::json(StatusCode::OK, crate::mailbox::counts_json(emulator))
        }
        ("DELETE", "delta-tokens") => {
            emulator.lock_store().delta_tokens.forget_all();
            Reply::no_content()
        }
        _ => Reply::error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "Admin routes: POST|DELETE /_emulator/faults, PUT /_emulator/replication-lag, PUT|GET /_emulator/mailbox-limit, DELETE /_emulator/delta-tokens.",
        ),
    }
}

fn fault(f: FaultBody) -> Result<Fault, String> {
    let mut fault = match f.kind.as_str() {
        "status" => {
            let status = f.status.ok_or("A status fault needs `status`.")?;
            if !(100..=599).contains(&status) {
                return Err(format!("`status` {status} is not an HTTP status."));
            }
            let mut fault = Fault::status(status);
            if let Some(ra) = &f.retry_after {
                fault = fault.retry_after(ra);
            }
            if let Some(text) = &f.body_text {
                fault = fault.body_text(text);
            }
            fault
        }
        "drop" => Fault::drop_connection(),
        "delay" => {
            let ms = f.delay_ms.ok_or("A delay fault needs `delayMs`.")?;
            if ms > MAX_DELAY_MS {
                return Err(format!("`delayMs` is at most {MAX_DELAY_MS}."));
            }
            Fault::delay(Duration::from_millis(ms))
        }
        "truncate" => Fault::truncate_body(),
        other => {
            return Err(format!(
                "Unknown fault kind `{}`; use status, drop, delay or truncate.",
                other.chars().take(40).collect::<String>()
            ));
        }
    };
    if let Some(m) = &f.method {
        let m = Method::from_bytes(m.as_bytes()).map_err(|_| "`method` is not a method.")?;
        fault = fault.method(m);
    }
    if let Some(p) = &f.path {
        fault = fault.path(p);
    }
    let count = |n: Option<u32>, name: &str| match n {
        Some(n) if n > MAX_COUNT => Err(format!("`{name}` is at most {MAX_COUNT}.")),
        other => Ok(other),
    };
    if let Some(n) = count(f.after, "after")? {
        fault = fault.after(n);
    }
    if let Some(n) = count(f.times, "times")? {
        fault = fault.times(n);
    }
    Ok(fault)
}
