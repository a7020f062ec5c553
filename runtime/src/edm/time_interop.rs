//! Conversions to and from the `time` crate (feature `time`).
//!
//! `time` is the date-time crate of the Azure SDK for Rust (`azure_core`'s `AccessToken` uses it), so
//! applications that use the `azure` feature need no second date library.

use super::{Date, DateTimeOffset, Duration, TimeOfDay};

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
    pub fn to_offset_date_time(&self) -> Result<time::OffsetDateTime, time::error::ComponentRange> {
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
