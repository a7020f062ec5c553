//! Objects of derived types this build does not know, and the names of control information
//! (`@odata.type`, `name@odata.type`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON object of a derived type this build does not know; kept whole so it can be inspected or
/// written back unchanged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawObject(pub serde_json::Map<String, serde_json::Value>);

impl RawObject {
    /// Its `@odata.type`, without `#`, if any.
    pub fn odata_type(&self) -> Option<&str> {
        self.0
            .get("@odata.type")
            .and_then(serde_json::Value::as_str)
            .map(strip_hash)
    }
}

impl Serialize for RawObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Map::deserialize(d).map(RawObject)
    }
}

/// `#microsoft.graph.x` → `microsoft.graph.x`; names without `#` are returned as they are.
pub fn strip_hash(name: &str) -> &str {
    name.strip_prefix('#').unwrap_or(name)
}

/// Whether a member name is control information or an annotation (`@odata.type`,
/// `displayName@odata.type`, `@microsoft.graph.tips`), which models skip unless they ask for it.
pub fn is_annotation(name: &str) -> bool {
    name.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_and_hashes() {
        assert!(is_annotation("@odata.type"));
        assert!(is_annotation("webUrl@odata.type"));
        assert!(!is_annotation("webUrl"));
        assert_eq!(strip_hash("#microsoft.graph.x"), "microsoft.graph.x");
        assert_eq!(strip_hash("microsoft.graph.x"), "microsoft.graph.x");
        let raw: RawObject =
            serde_json::from_str(r##"{"@odata.type":"#microsoft.graph.new","a":1}"##).unwrap();
        assert_eq!(raw.odata_type(), Some("microsoft.graph.new"));
    }
}
