//! Edm primitive types as Graph writes them on the wire.
//!
//! | Edm type | Rust | wire |
//! |---|---|---|
//! | `Edm.DateTimeOffset` | [`DateTimeOffset`] | `"2017-01-01T00:03:08.7291689+03:00"`, written back exactly as read |
//! | `Edm.Date` | [`Date`] | `"2026-11-24"` |
//! | `Edm.TimeOfDay` | [`TimeOfDay`] | `"08:30:00.0000000"` |
//! | `Edm.Duration` | [`Duration`] | `"PT1H30M"`, `"-P1DT2.5S"` |
//! | `Edm.Binary` | [`Binary`] | base64 (standard or URL-safe, padded or not, read; standard written) |
//! | `Edm.Int64` | [`Int64`] | a number, or a string under `IEEE754Compatible=true` |
//! | `Edm.Decimal` | [`Decimal`] | a number or a string; the text is kept |
//! | `Edm.Guid` | [`Guid`] | `"8-4-4-4-12"` hex |
//!
//! Every type parses with `FromStr` and says what was wrong when the text is not valid:
//!
//! ```
//! use graph_odata_runtime::edm::{DateTimeOffset, Duration};
//! let t: DateTimeOffset = "2017-01-01T00:03:08.7291689+03:00".parse().unwrap();
//! assert_eq!(t.to_string(), "2017-01-01T00:03:08.7291689+03:00");
//! assert_eq!(t.offset_minutes(), 180);
//! assert_eq!(t.unix_nanos(), 1_483_218_188_729_168_900);
//! let d: Duration = "PT1H30M".parse().unwrap();
//! assert_eq!(d.to_std(), Some(std::time::Duration::from_secs(5400)));
//! assert!("2017-13-01T00:00:00Z".parse::<DateTimeOffset>().unwrap_err().to_string().contains("month"));
//! ```

use std::fmt;

/// Implements `Display` (the text), string `Serialize`/`Deserialize` through `FromStr`.
macro_rules! text_type {
    ($t:ident, $expecting:literal) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.text)
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.text)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$t, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

mod binary;
mod datetime;
mod duration;
mod guid;
mod number;
mod parse;
#[cfg(feature = "time")]
mod time_interop;

pub use binary::Binary;
pub use datetime::{Date, DateTimeOffset, TimeOfDay};
pub use duration::Duration;
pub use guid::Guid;
pub use number::{Decimal, Int64};

/// Why a string is not a valid Edm value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdmError {
    edm: &'static str,
    text: String,
    reason: &'static str,
}

impl fmt::Display for EdmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text: String = self.text.chars().take(64).collect();
        if text.len() < self.text.len() {
            text.push('…');
        }
        write!(f, "`{text}` is not a valid {}: {}", self.edm, self.reason)
    }
}

impl std::error::Error for EdmError {}

fn err(edm: &'static str, text: &str, reason: &'static str) -> EdmError {
    EdmError {
        edm,
        text: text.to_owned(),
        reason,
    }
}

#[cfg(test)]
mod tests;
