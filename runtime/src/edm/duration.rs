//! `Edm.Duration`.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::{EdmError, err};

/// `Edm.Duration`: `[-]P[nD][T[nH][nM][n[.f]S]]` (days, hours, minutes, seconds only); the text is kept.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    pub(super) text: String,
    pub(super) nanos: i128,
}

impl Duration {
    /// The signed length in nanoseconds.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// As a `std::time::Duration`, if not negative.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let n = u128::try_from(self.nanos).ok()?;
        let secs = u64::try_from(n / 1_000_000_000).ok()?;
        Some(std::time::Duration::new(secs, (n % 1_000_000_000) as u32))
    }

    /// From a `std::time::Duration`, written as `PT…S` (e.g. `PT5400S`, `PT0.5S`).
    pub fn from_std(d: std::time::Duration) -> Duration {
        let mut text = format!("PT{}", d.as_secs());
        if d.subsec_nanos() > 0 {
            let frac = format!("{:09}", d.subsec_nanos());
            text.push('.');
            text.push_str(frac.trim_end_matches('0'));
        }
        text.push('S');
        Duration {
            text,
            nanos: d.as_nanos() as i128,
        }
    }
}

/// Nanoseconds in a day.
const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;

/// The reason given when a duration does not fit the signed 128-bit nanosecond count.
const TOO_LARGE: &str = "the duration is too large (more than about 5.4 * 10^21 years)";

impl FromStr for Duration {
    type Err = EdmError;
    fn from_str(text: &str) -> Result<Self, EdmError> {
        const EDM: &str = "Edm.Duration";
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let rest = rest
            .strip_prefix('P')
            .ok_or_else(|| err(EDM, text, "expected `P` at the start"))?;
        let (days, time) = match rest.split_once('T') {
            Some((d, t)) => {
                if t.is_empty() {
                    return Err(err(
                        EDM,
                        text,
                        "`T` must be followed by hours, minutes or seconds",
                    ));
                }
                (d, Some(t))
            }
            None => (rest, None),
        };
        if days.is_empty() && time.is_none() {
            return Err(err(
                EDM,
                text,
                "expected at least one of days, hours, minutes or seconds",
            ));
        }
        let mut total: i128 = 0;
        if !days.is_empty() {
            let n = days
                .strip_suffix('D')
                .filter(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
                .ok_or_else(|| err(EDM, text, "only days (`nD`) may come before `T`; years, months and weeks are not allowed"))?;
            let n: i128 = n.parse().map_err(|_| err(EDM, text, TOO_LARGE))?;
            total = n
                .checked_mul(NANOS_PER_DAY)
                .ok_or_else(|| err(EDM, text, TOO_LARGE))?;
        }
        if let Some(mut t) = time {
            for (unit, scale, fraction_ok) in [('H', 3600, false), ('M', 60, false), ('S', 1, true)]
            {
                if let Some(pos) = t.find(unit) {
                    let number = &t[..pos];
                    t = &t[pos + 1..];
                    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
                    if whole.is_empty() || !whole.bytes().all(|c| c.is_ascii_digit()) {
                        return Err(err(EDM, text, "expected a number before H, M or S"));
                    }
                    if !frac.is_empty()
                        && (!fraction_ok
                            || !frac.bytes().all(|c| c.is_ascii_digit())
                            || frac.len() > 12)
                    {
                        return Err(err(
                            EDM,
                            text,
                            "only seconds may have a fraction (up to 12 digits)",
                        ));
                    }
                    let whole: i128 = whole.parse().map_err(|_| err(EDM, text, TOO_LARGE))?;
                    let mut nanos: i128 = 0;
                    for k in 0..9 {
                        nanos =
                            nanos * 10 + frac.as_bytes().get(k).map_or(0, |d| i128::from(d - b'0'));
                    }
                    total = whole
                        .checked_mul(scale * 1_000_000_000)
                        .and_then(|n| n.checked_add(nanos))
                        .and_then(|n| n.checked_add(total))
                        .ok_or_else(|| err(EDM, text, TOO_LARGE))?;
                }
            }
            if !t.is_empty() {
                return Err(err(
                    EDM,
                    text,
                    "unexpected text in the time part (expected nH, nM, n.nS in that order)",
                ));
            }
        }
        Ok(Duration {
            text: text.to_owned(),
            nanos: if negative { -total } else { total },
        })
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration({})", self.text)
    }
}

text_type!(Duration, "an Edm.Duration string such as PT1H30M");
