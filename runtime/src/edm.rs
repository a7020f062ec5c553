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
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

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

/// Reads exactly `n` ASCII digits at `*i`.
fn digits(b: &[u8], i: &mut usize, n: usize) -> Option<u32> {
    let s = b.get(*i..*i + n)?;
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(s.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
}

fn expect(b: &[u8], i: &mut usize, c: u8) -> bool {
    if b.get(*i) == Some(&c) {
        *i += 1;
        true
    } else {
        false
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD` at the start of `b`; returns (year, month, day) and advances `i`.
fn parse_date(
    edm: &'static str,
    text: &str,
    b: &[u8],
    i: &mut usize,
) -> Result<(i64, u32, u32), EdmError> {
    let year = digits(b, i, 4).ok_or_else(|| err(edm, text, "expected a four-digit year"))?;
    if !expect(b, i, b'-') {
        return Err(err(edm, text, "expected `-` after the year"));
    }
    let month = digits(b, i, 2).ok_or_else(|| err(edm, text, "expected a two-digit month"))?;
    if !(1..=12).contains(&month) {
        return Err(err(edm, text, "the month must be 01 to 12"));
    }
    if !expect(b, i, b'-') {
        return Err(err(edm, text, "expected `-` after the month"));
    }
    let day = digits(b, i, 2).ok_or_else(|| err(edm, text, "expected a two-digit day"))?;
    let year = i64::from(year);
    if day == 0 || day > days_in_month(year, month) {
        return Err(err(edm, text, "the day does not exist in that month"));
    }
    Ok((year, month, day))
}

/// Parses `hh:mm[:ss[.fraction]]`; returns (seconds of day, nanoseconds) and advances `i`.
fn parse_time(
    edm: &'static str,
    text: &str,
    b: &[u8],
    i: &mut usize,
) -> Result<(u32, u32), EdmError> {
    let h = digits(b, i, 2).ok_or_else(|| err(edm, text, "expected a two-digit hour"))?;
    if !expect(b, i, b':') {
        return Err(err(edm, text, "expected `:` after the hour"));
    }
    let m = digits(b, i, 2).ok_or_else(|| err(edm, text, "expected two-digit minutes"))?;
    let mut s = 0;
    let mut nanos = 0;
    if expect(b, i, b':') {
        s = digits(b, i, 2).ok_or_else(|| err(edm, text, "expected two-digit seconds"))?;
        if expect(b, i, b'.') {
            let start = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            let n = *i - start;
            if n == 0 || n > 12 {
                return Err(err(edm, text, "a fraction of a second has 1 to 12 digits"));
            }
            for k in 0..9 {
                nanos = nanos * 10
                    + b.get(start + k)
                        .filter(|_| k < n)
                        .map_or(0, |d| u32::from(d - b'0'));
            }
        }
    }
    if h > 23 || m > 59 || s > 59 {
        return Err(err(
            edm,
            text,
            "hours must be 00-23, minutes and seconds 00-59",
        ));
    }
    Ok((h * 3600 + m * 60 + s, nanos))
}

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

/// `Edm.DateTimeOffset`: a point in time with its UTC offset. The text read from the wire is kept, so a
/// value is written back with the same offset and number of fraction digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    text: String,
    unix_nanos: i128,
    offset_minutes: i16,
}

impl DateTimeOffset {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    pub fn unix_nanos(&self) -> i128 {
        self.unix_nanos
    }

    /// The UTC offset in minutes (`+03:00` → 180, `Z` → 0).
    pub fn offset_minutes(&self) -> i16 {
        self.offset_minutes
    }

    /// A UTC value from Unix time, written with seven fraction digits and `Z` as Graph does.
    pub fn from_unix_nanos(nanos: i128) -> DateTimeOffset {
        let secs = nanos.div_euclid(1_000_000_000);
        let frac = nanos.rem_euclid(1_000_000_000);
        let days = secs.div_euclid(86_400) as i64;
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let text = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:07}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60,
            frac / 100
        );
        DateTimeOffset {
            text,
            unix_nanos: nanos - frac % 100,
            offset_minutes: 0,
        }
    }

    /// The current time, in UTC.
    pub fn now() -> DateTimeOffset {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        DateTimeOffset::from_unix_nanos(nanos)
    }

    /// The text as it goes on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl FromStr for DateTimeOffset {
    type Err = EdmError;
    fn from_str(text: &str) -> Result<Self, EdmError> {
        const EDM: &str = "Edm.DateTimeOffset";
        let b = text.as_bytes();
        let mut i = 0;
        let (y, mo, d) = parse_date(EDM, text, b, &mut i)?;
        if !(expect(b, &mut i, b'T') || expect(b, &mut i, b't')) {
            return Err(err(EDM, text, "expected `T` between date and time"));
        }
        let (secs, nanos) = parse_time(EDM, text, b, &mut i)?;
        let offset: i32 = match b.get(i) {
            Some(b'Z' | b'z') => {
                i += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                let sign = if *sign == b'-' { -1 } else { 1 };
                i += 1;
                let oh = digits(b, &mut i, 2)
                    .ok_or_else(|| err(EDM, text, "expected a two-digit offset hour"))?;
                if !expect(b, &mut i, b':') {
                    return Err(err(EDM, text, "expected `:` in the offset"));
                }
                let om = digits(b, &mut i, 2)
                    .ok_or_else(|| err(EDM, text, "expected two-digit offset minutes"))?;
                if oh > 23 || om > 59 {
                    return Err(err(EDM, text, "the offset is out of range"));
                }
                sign * (oh * 60 + om) as i32
            }
            _ => return Err(err(EDM, text, "expected an offset: `Z` or `±hh:mm`")),
        };
        if i != b.len() {
            return Err(err(EDM, text, "unexpected text after the offset"));
        }
        let local = i128::from(days_from_civil(y, mo, d)) * 86_400 + i128::from(secs);
        let utc = local - i128::from(offset) * 60;
        Ok(DateTimeOffset {
            text: text.to_owned(),
            unix_nanos: utc * 1_000_000_000 + i128::from(nanos),
            offset_minutes: offset as i16,
        })
    }
}

impl fmt::Debug for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTimeOffset({})", self.text)
    }
}

text_type!(
    DateTimeOffset,
    "an Edm.DateTimeOffset string such as 2017-01-01T00:03:08.7291689+03:00"
);

/// `Edm.Date`: a calendar date without time or offset.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    /// A date; errors name what is out of range.
    pub fn new(year: i64, month: u32, day: u32) -> Result<Date, EdmError> {
        format!("{year:04}-{month:02}-{day:02}").parse()
    }
    /// The year.
    pub fn year(&self) -> i64 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        self.month
    }
    /// The day of the month.
    pub fn day(&self) -> u32 {
        self.day
    }
}

impl FromStr for Date {
    type Err = EdmError;
    fn from_str(text: &str) -> Result<Self, EdmError> {
        let b = text.as_bytes();
        let mut i = 0;
        let (year, month, day) = parse_date("Edm.Date", text, b, &mut i)?;
        if i != b.len() {
            return Err(err("Edm.Date", text, "unexpected text after the day"));
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// `Edm.TimeOfDay`: a clock time without date or offset; the text read is kept.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TimeOfDay {
    text: String,
    nanos_of_day: u64,
}

impl TimeOfDay {
    /// Nanoseconds since midnight.
    pub fn nanos_of_day(&self) -> u64 {
        self.nanos_of_day
    }
}

impl FromStr for TimeOfDay {
    type Err = EdmError;
    fn from_str(text: &str) -> Result<Self, EdmError> {
        let b = text.as_bytes();
        let mut i = 0;
        let (secs, nanos) = parse_time("Edm.TimeOfDay", text, b, &mut i)?;
        if i != b.len() {
            return Err(err("Edm.TimeOfDay", text, "unexpected text after the time"));
        }
        Ok(TimeOfDay {
            text: text.to_owned(),
            nanos_of_day: u64::from(secs) * 1_000_000_000 + u64::from(nanos),
        })
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeOfDay({})", self.text)
    }
}

text_type!(TimeOfDay, "an Edm.TimeOfDay string such as 08:30:00");

/// `Edm.Duration`: `[-]P[nD][T[nH][nM][n[.f]S]]` (days, hours, minutes, seconds only); the text is kept.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    text: String,
    nanos: i128,
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
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(|| err(EDM, text, "only days (`nD`) may come before `T`; years, months and weeks are not allowed"))?;
            total += i128::from(n) * 86_400 * 1_000_000_000;
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
                    let whole: i128 = whole
                        .parse()
                        .map_err(|_| err(EDM, text, "the number is too large"))?;
                    let mut nanos: i128 = 0;
                    for k in 0..9 {
                        nanos =
                            nanos * 10 + frac.as_bytes().get(k).map_or(0, |d| i128::from(d - b'0'));
                    }
                    total += (whole * scale) * 1_000_000_000 + nanos;
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

/// `Edm.Binary`: bytes, base64 on the wire.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary(pub Vec<u8>);

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Binary {
    /// Standard base64 with padding, as Graph's SDKs send it.
    pub fn to_base64(&self) -> String {
        let mut out = String::with_capacity(self.0.len().div_ceil(3) * 4);
        for chunk in self.0.chunks(3) {
            let n = (u32::from(chunk[0]) << 16)
                | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                | u32::from(*chunk.get(2).unwrap_or(&0));
            for k in 0..4 {
                if k <= chunk.len() {
                    out.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes standard or URL-safe base64, with or without padding.
    pub fn from_base64(text: &str) -> Result<Binary, EdmError> {
        const EDM: &str = "Edm.Binary";
        let trimmed = text.trim_end_matches('=');
        if text.len() - trimmed.len() > 2 {
            return Err(err(EDM, text, "too much padding"));
        }
        let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
        let mut acc: u32 = 0;
        let mut bits = 0;
        for c in trimmed.bytes() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' | b'-' => 62,
                b'/' | b'_' => 63,
                _ => return Err(err(EDM, text, "not a base64 character")),
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        if bits >= 6 {
            return Err(err(EDM, text, "the length is not a valid base64 length"));
        }
        Ok(Binary(out))
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Binary::from_base64(&s).map_err(de::Error::custom)
    }
}

/// `Edm.Int64`: read from a JSON number or a string (`IEEE754Compatible=true`), written as a number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Debug)]
pub struct Int64(pub i64);

impl Serialize for Int64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Int64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Edm.Int64 as a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int64, E> {
                Ok(Int64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int64, E> {
                i64::try_from(v)
                    .map(Int64)
                    .map_err(|_| E::custom("the number is too large for Edm.Int64"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int64, E> {
                v.trim()
                    .parse()
                    .map(Int64)
                    .map_err(|_| E::custom(format!("`{v}` is not an Edm.Int64")))
            }
        }
        d.deserialize_any(V)
    }
}

/// `Edm.Decimal`: read from a number or a string; the decimal text is kept. Written as a JSON number
/// (through `f64`, so more than ~15 significant digits are rounded on the way out).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Decimal {
    type Err = EdmError;
    fn from_str(text: &str) -> Result<Self, EdmError> {
        let t = text.strip_prefix('-').unwrap_or(text);
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let ok = !whole.is_empty()
            && whole.bytes().all(|c| c.is_ascii_digit())
            && frac.bytes().all(|c| c.is_ascii_digit())
            && !(t.contains('.') && frac.is_empty());
        if ok {
            Ok(Decimal(text.to_owned()))
        } else {
            Err(err(
                "Edm.Decimal",
                text,
                "expected digits with an optional sign and fraction",
            ))
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<f64>() {
            Ok(v) => s.serialize_f64(v),
            Err(_) => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Edm.Decimal as a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                if v.is_finite() {
                    Ok(Decimal(v.to_string()))
                } else {
                    Err(E::custom("Edm.Decimal cannot be infinite or NaN"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// `Edm.Guid`, written lower-case `8-4-4-4-12`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid(pub uuid::Uuid);

impl FromStr for Guid {
    type Err = EdmError;
    fn from_str(text: &str) -> Result<Self, EdmError> {
        let b = text.as_bytes();
        let hyphens_ok = b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-');
        match uuid::Uuid::parse_str(text) {
            Ok(u) if hyphens_ok => Ok(Guid(u)),
            _ => Err(err(
                "Edm.Guid",
                text,
                "expected 8-4-4-4-12 hexadecimal digits",
            )),
        }
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({self})")
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// Conversions to and from the `time` crate (feature `time`).
///
/// `time` is the date-time crate of the Azure SDK for Rust (`azure_core`'s `AccessToken` uses it), so
/// applications that use the `azure` feature need no second date library.
#[cfg(feature = "time")]
mod time_interop {
    use super::*;

    impl From<time::OffsetDateTime> for DateTimeOffset {
        /// Written with seven fraction digits and the value's own offset (`Z` for UTC).
        fn from(t: time::OffsetDateTime) -> DateTimeOffset {
            let offset = t.offset().whole_minutes();
            let sign = if offset < 0 { '-' } else { '+' };
            let zone = if offset == 0 {
                "Z".to_owned()
            } else {
                format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
            };
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}{zone}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.nanosecond() / 100
            );
            DateTimeOffset {
                unix_nanos: t.unix_timestamp_nanos() - i128::from(t.nanosecond() % 100),
                offset_minutes: offset,
                text,
            }
        }
    }

    impl DateTimeOffset {
        /// The same instant and offset as a `time::OffsetDateTime`.
        pub fn to_offset_date_time(
            &self,
        ) -> Result<time::OffsetDateTime, time::error::ComponentRange> {
            let offset = time::UtcOffset::from_whole_seconds(i32::from(self.offset_minutes) * 60)?;
            Ok(time::OffsetDateTime::from_unix_timestamp_nanos(self.unix_nanos)?.to_offset(offset))
        }
    }

    impl TryFrom<Date> for time::Date {
        type Error = time::error::ComponentRange;
        fn try_from(d: Date) -> Result<time::Date, Self::Error> {
            let month = time::Month::try_from(d.month as u8)?;
            time::Date::from_calendar_date(d.year as i32, month, d.day as u8)
        }
    }

    impl From<time::Date> for Date {
        fn from(d: time::Date) -> Date {
            Date {
                year: i64::from(d.year()),
                month: u32::from(u8::from(d.month())),
                day: u32::from(d.day()),
            }
        }
    }

    impl From<time::Time> for TimeOfDay {
        fn from(t: time::Time) -> TimeOfDay {
            let text = format!(
                "{:02}:{:02}:{:02}.{:07}",
                t.hour(),
                t.minute(),
                t.second(),
                t.nanosecond() / 100
            );
            let nanos =
                (u64::from(t.hour()) * 3600 + u64::from(t.minute()) * 60 + u64::from(t.second()))
                    * 1_000_000_000
                    + u64::from(t.nanosecond() / 100 * 100);
            TimeOfDay {
                text,
                nanos_of_day: nanos,
            }
        }
    }

    impl TryFrom<&TimeOfDay> for time::Time {
        type Error = time::error::ComponentRange;
        fn try_from(t: &TimeOfDay) -> Result<time::Time, Self::Error> {
            let n = t.nanos_of_day;
            let secs = n / 1_000_000_000;
            time::Time::from_hms_nano(
                (secs / 3600) as u8,
                (secs % 3600 / 60) as u8,
                (secs % 60) as u8,
                (n % 1_000_000_000) as u32,
            )
        }
    }

    impl From<&Duration> for time::Duration {
        fn from(d: &Duration) -> time::Duration {
            let secs = d.nanos.div_euclid(1_000_000_000);
            let nanos = d.nanos.rem_euclid(1_000_000_000);
            time::Duration::new(secs as i64, 0) + time::Duration::nanoseconds(nanos as i64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[cfg(feature = "time")]
    #[test]
    fn time_crate_round_trips() {
        let t: DateTimeOffset = "2017-01-01T00:03:08.7291689+03:00".parse().unwrap();
        let odt = t.to_offset_date_time().unwrap();
        assert_eq!(odt.offset().whole_minutes(), 180);
        assert_eq!(odt.hour(), 0);
        assert_eq!(odt.nanosecond(), 729_168_900);
        assert_eq!(DateTimeOffset::from(odt), t);
        let utc = DateTimeOffset::from(time::OffsetDateTime::UNIX_EPOCH);
        assert_eq!(utc.as_str(), "1970-01-01T00:00:00.0000000Z");
        let d: Date = "2024-02-29".parse().unwrap();
        let td = time::Date::try_from(d).unwrap();
        assert_eq!(Date::from(td), d);
        let tod = TimeOfDay::from(time::Time::from_hms(8, 30, 0).unwrap());
        assert_eq!(tod.to_string(), "08:30:00.0000000");
        assert_eq!(
            time::Time::try_from(&tod).unwrap(),
            time::Time::from_hms(8, 30, 0).unwrap()
        );
        let dur: Duration = "-PT1.5S".parse().unwrap();
        assert_eq!(
            time::Duration::from(&dur),
            time::Duration::milliseconds(-1500)
        );
    }

    #[test]
    fn date_time_offsets_keep_their_text_and_know_their_instant() {
        let cases = [
            (
                "2017-01-01T00:03:08.7291689+03:00",
                1_483_218_188_729_168_900,
                180,
            ),
            ("2018-08-08T17:04:45.0476694Z", 1_533_747_885_047_669_400, 0),
            ("2020-02-29T23:59:59-08:00", 1_583_049_599_000_000_000, -480),
            ("1970-01-01T00:00Z", 0, 0),
        ];
        for (text, nanos, offset) in cases {
            let t: DateTimeOffset = text.parse().unwrap();
            assert_eq!(t.unix_nanos(), nanos, "{text}");
            assert_eq!(t.offset_minutes(), offset, "{text}");
            assert_eq!(serde_json::to_value(&t).unwrap(), json!(text));
            let back: DateTimeOffset = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(back, t);
        }
    }

    #[test]
    fn bad_date_time_offsets_say_why() {
        let bad = [
            ("2017-01-01T00:03:08", "offset"),
            ("2017-02-30T00:00:00Z", "day does not exist"),
            ("2017-1-01T00:00:00Z", "two-digit month"),
            ("2017-01-01 00:00:00Z", "`T`"),
            ("2017-01-01T24:00:00Z", "hours must be"),
            ("2017-01-01T00:00:00.Z", "fraction"),
            ("2017-01-01T00:00:00Zjunk", "after the offset"),
            ("2017-01-01T00:00:00+3:00", "offset hour"),
        ];
        for (text, why) in bad {
            let e = text.parse::<DateTimeOffset>().unwrap_err().to_string();
            assert!(e.contains(why), "{text}: {e}");
            assert!(e.contains(text), "{e}");
        }
        let e = serde_json::from_value::<DateTimeOffset>(json!(42)).unwrap_err();
        assert!(e.to_string().contains("Edm.DateTimeOffset"), "{e}");
    }

    #[test]
    fn from_unix_writes_seven_fraction_digits_in_utc() {
        let t = DateTimeOffset::from_unix_nanos(1_483_218_188_729_168_900);
        assert_eq!(t.as_str(), "2016-12-31T21:03:08.7291689Z");
        assert_eq!(t.unix_nanos(), 1_483_218_188_729_168_900);
        assert_eq!(
            DateTimeOffset::from_unix_nanos(-1).as_str(),
            "1969-12-31T23:59:59.9999999Z"
        );
    }

    #[test]
    fn dates_and_times_of_day() {
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
        assert_eq!(serde_json::to_value(d).unwrap(), json!("2024-02-29"));
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!(
            Date::new(2026, 13, 1)
                .unwrap_err()
                .to_string()
                .contains("month")
        );
        let t: TimeOfDay = "08:30:00.0000000".parse().unwrap();
        assert_eq!(t.nanos_of_day(), 30_600_000_000_000);
        assert_eq!(t.to_string(), "08:30:00.0000000");
        assert!("8:30".parse::<TimeOfDay>().is_err());
        assert!("08:60".parse::<TimeOfDay>().is_err());
    }

    #[test]
    fn durations() {
        let cases = [
            ("PT1H30M", 5_400_000_000_000i128),
            ("P1DT2H", 93_600_000_000_000),
            ("PT0.5S", 500_000_000),
            ("-PT2.25S", -2_250_000_000),
            ("P2D", 172_800_000_000_000),
            ("PT0S", 0),
        ];
        for (text, nanos) in cases {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.nanos(), nanos, "{text}");
            assert_eq!(d.to_string(), text);
        }
        for bad in [
            "P", "PT", "1H", "P1Y", "P1W", "PT1.5H", "PT1S2M", "PTxS", "P1M",
        ] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
        let d = Duration::from_std(std::time::Duration::from_millis(5_400_500));
        assert_eq!(d.to_string(), "PT5400.5S");
        assert_eq!(
            d.to_std(),
            Some(std::time::Duration::from_millis(5_400_500))
        );
        assert_eq!("-PT1S".parse::<Duration>().unwrap().to_std(), None);
    }

    #[test]
    fn binary_reads_both_alphabets_and_writes_standard_base64() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"\xfb\xff", "+/8="),
        ] {
            assert_eq!(Binary(bytes.to_vec()).to_base64(), text);
            assert_eq!(Binary::from_base64(text).unwrap().0, bytes);
        }
        assert_eq!(Binary::from_base64("-_8").unwrap().0, b"\xfb\xff");
        assert_eq!(Binary::from_base64("Zg").unwrap().0, b"f");
        assert!(Binary::from_base64("Z").is_err());
        assert!(Binary::from_base64("Zm9v!").is_err());
        assert!(Binary::from_base64("Zg===").is_err());
    }

    #[test]
    fn int64_and_decimal_accept_numbers_and_strings() {
        let a: Int64 = serde_json::from_value(json!(9_007_199_254_740_993i64)).unwrap();
        let b: Int64 = serde_json::from_value(json!("9007199254740993")).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            json!(9_007_199_254_740_993i64)
        );
        assert!(serde_json::from_value::<Int64>(json!("12x")).is_err());
        assert!(serde_json::from_value::<Int64>(json!(u64::MAX)).is_err());
        let d: Decimal = serde_json::from_value(json!("12.50")).unwrap();
        assert_eq!(d.as_str(), "12.50");
        assert_eq!(serde_json::to_value(&d).unwrap(), json!(12.5));
        let d: Decimal = serde_json::from_value(json!(3)).unwrap();
        assert_eq!(d.as_str(), "3");
        assert!("1.".parse::<Decimal>().is_err());
        assert!("abc".parse::<Decimal>().is_err());
    }

    #[test]
    fn guids() {
        let g: Guid = "87D349ED-44D7-43E1-9A83-5F2406DEE5BD".parse().unwrap();
        assert_eq!(g.to_string(), "87d349ed-44d7-43e1-9a83-5f2406dee5bd");
        assert!("87d349ed44d743e19a835f2406dee5bd".parse::<Guid>().is_err());
        assert!("not-a-guid".parse::<Guid>().is_err());
    }
}
