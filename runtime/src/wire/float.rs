//! `Edm.Double` and `Edm.Single` in JSON bodies: OData writes the special values as the strings
//! `"INF"`, `"-INF"` and `"NaN"` (JSON has no literal for them; `serde_json` writes `null`, which
//! a service reads as no value). Generated code writes and reads every property through
//! [`AsOData`] and [`FromOData`], so a float anywhere in a property (alone, in an `Option`, a
//! `Vec` or a `Box`) keeps its value both ways.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::ODataValue;

/// Writes an [`ODataValue`] with [`ODataValue::write_odata`].
#[derive(Debug)]
pub struct AsOData<'a, T: ?Sized>(pub &'a T);

impl<T: ODataValue> Serialize for AsOData<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write_odata(s)
    }
}

/// Reads an [`ODataValue`] with [`ODataValue::read_odata`].
#[derive(Debug)]
pub struct FromOData<T>(pub T);

impl<'de, T: ODataValue> Deserialize<'de> for FromOData<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read_odata(d).map(FromOData)
    }
}

/// The OData spelling of a special float value, `None` for a finite one.
fn special(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("INF")
    } else if value == f64::NEG_INFINITY {
        Some("-INF")
    } else {
        None
    }
}

/// Reads a float from a JSON number or one of the three special strings.
struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or \"INF\", \"-INF\" or \"NaN\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v {
            "INF" => Ok(f64::INFINITY),
            "-INF" => Ok(f64::NEG_INFINITY),
            "NaN" => Ok(f64::NAN),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
}

impl ODataValue for f64 {
    fn write_odata<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match special(*self) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_f64(*self),
        }
    }

    fn read_odata<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

impl ODataValue for f32 {
    fn write_odata<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match special(f64::from(*self)) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_f32(*self),
        }
    }

    fn read_odata<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
        // Narrowing is what reading an `Edm.Single` means.
        d.deserialize_any(FloatVisitor).map(|v| v as f32)
    }
}

impl<T: ODataValue> ODataValue for Option<T> {
    fn write_odata<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => s.serialize_some(&AsOData(v)),
            None => s.serialize_none(),
        }
    }

    fn read_odata<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<FromOData<T>>::deserialize(d).map(|v| v.map(|w| w.0))
    }
}

impl<T: ODataValue> ODataValue for Vec<T> {
    fn write_odata<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(AsOData))
    }

    fn read_odata<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<FromOData<T>>::deserialize(d).map(|v| v.into_iter().map(|w| w.0).collect())
    }
}

impl<T: ODataValue> ODataValue for Box<T> {
    fn write_odata<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).write_odata(s)
    }

    fn read_odata<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read_odata(d).map(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_floats_are_written_and_read_as_odata_strings() {
        let values = vec![1.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        let text = serde_json::to_string(&AsOData(&values)).unwrap();
        assert_eq!(text, r#"[1.5,"INF","-INF","NaN"]"#);
        let back: FromOData<Vec<f64>> = serde_json::from_str(&text).unwrap();
        assert_eq!(back.0[..3], [1.5, f64::INFINITY, f64::NEG_INFINITY]);
        assert!(back.0[3].is_nan());
        let single: FromOData<Option<f32>> = serde_json::from_str(r#""-INF""#).unwrap();
        assert_eq!(single.0, Some(f32::NEG_INFINITY));
        assert_eq!(
            serde_json::to_string(&AsOData(&Some(Box::new(f32::NAN)))).unwrap(),
            r#""NaN""#
        );
        let whole: FromOData<f64> = serde_json::from_str("3").unwrap();
        assert_eq!(whole.0, 3.0);
    }

    #[test]
    fn other_strings_are_not_floats() {
        for text in [r#""inf""#, r#""Infinity""#, r#""1.5""#, r#""""#] {
            let err = serde_json::from_str::<FromOData<f64>>(text).unwrap_err();
            assert!(err.to_string().contains("INF"), "{text}: {err}");
        }
    }
}
