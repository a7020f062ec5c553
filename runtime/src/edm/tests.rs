//! The Edm types' parsing, text and JSON forms.

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

#[test]
fn durations_too_large_for_nanoseconds_are_errors_that_name_the_value() {
    for huge in [
        "P9999999999999999999999999999999999999999D",
        "P99999999999999999999999999D",
        "PT99999999999999999999999999999999999H",
        "PT99999999999999999999999999999999999999S",
        "PT999999999999999999999999999999M",
        "P1999999999999999999999DT99999999999999999999999999H",
        "-P99999999999999999999999999D",
    ] {
        let e = huge.parse::<Duration>().unwrap_err().to_string();
        assert!(e.contains("too large"), "{huge}: {e}");
        assert!(e.contains(&huge[..20]), "{huge}: {e}");
    }
    // Large values that still fit are read exactly.
    let d: Duration = "P9999999999999999999D".parse().unwrap();
    assert_eq!(
        d.nanos(),
        9_999_999_999_999_999_999i128 * 86_400_000_000_000
    );
    let d: Duration = "PT99999999999999999999S".parse().unwrap();
    assert_eq!(d.nanos(), 99_999_999_999_999_999_999i128 * 1_000_000_000);
    let many_fraction_digits = format!("PT1.{}S", "9".repeat(10_000));
    let e = many_fraction_digits.parse::<Duration>().unwrap_err();
    assert!(e.to_string().contains("12 digits"), "{e}");
}

#[test]
fn durations_of_random_long_numbers_parse_or_say_too_large() {
    // A deterministic sweep of digit counts and unit combinations around the i128 edge.
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for _ in 0..20_000 {
        let mut number = |max: u64| -> String {
            let len = (next() % max) as usize + 1;
            (0..len)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect()
        };
        let (d, h, m, s) = (number(45), number(45), number(45), number(45));
        let text = match next() % 5 {
            0 => format!("P{d}D"),
            1 => format!("PT{h}H"),
            2 => format!("PT{m}M{s}S"),
            3 => format!("-P{d}DT{h}H{m}M{s}.5S"),
            _ => format!("P{d}DT{s}S"),
        };
        // Must not panic; a value either parses or says it is too large.
        match text.parse::<Duration>() {
            Ok(v) => assert_eq!(v.to_string(), text),
            Err(e) => assert!(e.to_string().contains("too large"), "{text}: {e}"),
        }
    }
}
