//! The bytes of an entry: a JSON record naming its format and version, the key it was written
//! for, and the tokens. Reading it back checks all three and says why it refuses one, without
//! ever quoting what it read.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::{Account, CacheKey, CachedTokens};
use crate::auth::{AccessToken, Secret};

/// The `format` of every record.
const FORMAT: &str = "graph-odata token cache";

/// The record version written and read.
const VERSION: u64 = 1;

/// Why an entry was not used. Never holds what the entry said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// A symbolic link where the entry should be.
    Link,
    /// A directory, FIFO, device or socket.
    NotRegular,
    /// Other users may read or write it (the mode, e.g. `0o644`).
    Shared(u32),
    /// It belongs to another user.
    Foreign,
    /// Larger than the cap (its size).
    TooLarge(u64),
    /// Changed between the check and the open.
    Swapped,
    /// Not a JSON record (the line and column where reading stopped).
    Unparsable(usize, usize),
    /// A JSON record whose members have the wrong types.
    Malformed,
    /// Another format, or a version this build does not read.
    Version,
    /// Written for another authority, client or scopes.
    OtherKey,
    /// Cannot be read (the I/O error's kind).
    Io(std::io::ErrorKind),
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::Link => f.write_str("it is a symbolic link"),
            Rejected::NotRegular => f.write_str("it is not a regular file"),
            Rejected::Shared(mode) => write!(
                f,
                "other users may read or write it (mode {mode:o}; it must be 600)"
            ),
            Rejected::Foreign => f.write_str("it belongs to another user"),
            Rejected::TooLarge(size) => write!(
                f,
                "it is {size} bytes, over the {} bytes an entry may have",
                super::MAX_ENTRY_SIZE
            ),
            Rejected::Swapped => f.write_str("it changed while it was opened"),
            Rejected::Unparsable(line, column) => write!(
                f,
                "it is not a token cache record (unreadable at line {line}, column {column})"
            ),
            Rejected::Malformed => f.write_str("a member of the record has the wrong type"),
            Rejected::Version => f.write_str("it is not a token cache record of version 1"),
            Rejected::OtherKey => {
                f.write_str("it was written for another authority, client or set of scopes")
            }
            Rejected::Io(kind) => write!(f, "it cannot be read ({kind})"),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Record {
    format: String,
    version: u64,
    key: CacheKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account: Option<Account>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    /// Seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_on: Option<u64>,
}

/// The record of `tokens` for `key`.
pub(crate) fn encode(key: &CacheKey, tokens: &CachedTokens) -> Vec<u8> {
    let access = tokens.access_token.as_ref();
    let record = Record {
        format: FORMAT.to_owned(),
        version: VERSION,
        key: key.clone(),
        account: tokens.account.clone(),
        refresh_token: tokens.refresh_token.as_ref().map(|s| s.expose().to_owned()),
        access_token: access.map(|t| t.token.expose().to_owned()),
        expires_on: access
            .and_then(|t| t.expires_on)
            .and_then(|e| e.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| d.as_secs()),
    };
    serde_json::to_vec_pretty(&record).unwrap_or_default()
}

/// The tokens of a record written for `key`. An access token without an expiry is dropped:
/// nothing says it is still valid.
pub(crate) fn decode(key: &CacheKey, bytes: &[u8]) -> Result<CachedTokens, Rejected> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Rejected::Unparsable(e.line(), e.column()))?;
    if value["format"] != FORMAT || value["version"] != VERSION {
        return Err(Rejected::Version);
    }
    // The error of a typed read would quote values: it is dropped.
    let record: Record = serde_json::from_value(value).map_err(|_| Rejected::Malformed)?;
    if &record.key != key {
        return Err(Rejected::OtherKey);
    }
    let access_token = match (record.access_token, record.expires_on) {
        (Some(token), Some(secs)) => Some(
            AccessToken::new(token)
                .expires_at(SystemTime::UNIX_EPOCH + Duration::from_secs(secs.min(1 << 40))),
        ),
        _ => None,
    };
    Ok(CachedTokens {
        refresh_token: record.refresh_token.map(Secret::new),
        access_token,
        account: record.account,
    })
}
