//! The parsing and calendar arithmetic shared by the Edm date and time types.

use super::{EdmError, err};

/// Reads exactly `n` ASCII digits at `*i`.
pub(super) fn digits(b: &[u8], i: &mut usize, n: usize) -> Option<u32> {
    let s = b.get(*i..*i + n)?;
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(s.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
}

pub(super) fn expect(b: &[u8], i: &mut usize, c: u8) -> bool {
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
pub(super) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD` at the start of `b`; returns (year, month, day) and advances `i`.
pub(super) fn parse_date(
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
pub(super) fn parse_time(
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

pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
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
