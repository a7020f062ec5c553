//! PATCH members: left out, sent as `null`, or sent with a value.

use serde::Serialize;
use serde::ser::SerializeMap;

/// One property of a PATCH body: left out, sent as `null` (clear it), or sent with a value.
///
/// ```
/// use graph_odata_runtime::wire::Patch;
/// let p: Patch<String> = Patch::Value("x".into());
/// assert!(p.is_present());
/// assert!(!Patch::<String>::Absent.is_present());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Not sent: the property keeps its value.
    #[default]
    Absent,
    /// Sent as `null`: the property is cleared.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the property is sent (as `null` or a value).
    pub fn is_present(&self) -> bool {
        !matches!(self, Patch::Absent)
    }
}

impl<T: Serialize> Patch<T> {
    /// Writes the member unless absent (used by generated PATCH companions).
    pub fn write_member<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error> {
        match self {
            Patch::Absent => Ok(()),
            Patch::Null => map.serialize_entry(name, &()),
            Patch::Value(v) => map.serialize_entry(name, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serializer;

    #[test]
    fn patch_members_are_absent_null_or_value() {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        let mut map = ser.serialize_map(None).unwrap();
        Patch::<u8>::Absent.write_member(&mut map, "a").unwrap();
        Patch::<u8>::Null.write_member(&mut map, "b").unwrap();
        Patch::Value(3u8).write_member(&mut map, "c").unwrap();
        map.end().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"b":null,"c":3}"#);
    }
}
