//! `Edm.DateTimeOffset`, `Edm.Date` and `Edm.TimeOfDay`.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::parse::{civil_from_days, days_from_civil, digits, expect, parse_date, parse_time};
use super::{EdmError, err};

/// `Edm.DateTimeOffset`: a point in time with its UTC offset. The text read from the wire is kept, so a
/// value is written back with the same offset and number of fraction digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    pub(super) text: String,
    pub(super) unix_nanos: i128,
    pub(super) offset_minutes: i16,
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
    pub(super) year: i64,
    pub(super) month: u32,
    pub(super) day: u32,
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
    pub(super) text: String,
    pub(super) nanos_of_day: u64,
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
