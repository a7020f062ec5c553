//! Reading a member name against the table of names a model reads: the key half of the generated
//! `read_fields`, one function for every model instead of an identifier type and visitor in each.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use super::raw::is_annotation;

/// What a member name is to the model being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    /// The name with this index in [`Members::names`].
    Known(usize),
    /// An annotation the model does not keep, or an unknown property of a model without an
    /// `extra` map.
    Ignored,
    /// An unknown property of a model that keeps them (it has an `extra` map).
    Other(String),
}

/// Reads one member name (a `DeserializeSeed` for `MapAccess::next_key_seed`).
///
/// ```
/// use graph_odata_runtime::__private::wire::{Member, Members};
/// use serde::de::DeserializeSeed;
///
/// fn names(name: &str) -> Option<usize> {
///     Some(match name {
///         "id" => 0,
///         "webUrl" => 1,
///         "@odata.etag" => 2,
///         _ => return None,
///     })
/// }
/// let members = Members { names, keep_other: true };
/// let key = |text: &str| members.deserialize(serde_json::Value::from(text)).unwrap();
/// assert_eq!(key("webUrl"), Member::Known(1));
/// assert_eq!(key("@odata.etag"), Member::Known(2));
/// assert_eq!(key("@odata.context"), Member::Ignored);
/// assert_eq!(key("surname"), Member::Other("surname".into()));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Members {
    /// The model's table of names: the index of a name it reads (its properties, then the
    /// annotations it keeps, each under every spelling it accepts), `None` for any other name. A
    /// `match` in the generated code, so the compiler sees the names.
    pub names: fn(&str) -> Option<usize>,
    /// Whether an unknown property is kept ([`Member::Other`]) or skipped ([`Member::Ignored`]).
    pub keep_other: bool,
}

impl Members {
    /// What `name` is: its entry in the table, else an annotation (skipped), else an unknown
    /// property.
    #[inline]
    pub fn find(&self, name: &str) -> Member {
        match (self.names)(name) {
            Some(i) => Member::Known(i),
            None => self.unknown(name),
        }
    }

    #[inline(never)]
    fn unknown(&self, name: &str) -> Member {
        if self.keep_other && !is_annotation(name) {
            Member::Other(name.to_owned())
        } else {
            Member::Ignored
        }
    }
}

impl<'de> DeserializeSeed<'de> for Members {
    type Value = Member;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Member, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Members {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
        Ok(self.find(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(name: &str) -> Option<usize> {
        Some(match name {
            "id" => 0,
            "displayName" => 1,
            "@odata.etag" | "@etag" => 2,
            _ => return None,
        })
    }

    const KEEP: Members = Members {
        names,
        keep_other: true,
    };

    #[test]
    fn names_in_the_table_are_known_by_their_index() {
        assert_eq!(KEEP.find("id"), Member::Known(0));
        assert_eq!(KEEP.find("displayName"), Member::Known(1));
        assert_eq!(KEEP.find("@etag"), Member::Known(2));
        assert_eq!(KEEP.find("@odata.etag"), Member::Known(2));
    }

    #[test]
    fn unknown_annotations_are_skipped_and_unknown_properties_kept_only_when_asked() {
        assert_eq!(KEEP.find("@odata.context"), Member::Ignored);
        assert_eq!(KEEP.find("displayName@odata.type"), Member::Ignored);
        assert_eq!(KEEP.find("surname"), Member::Other("surname".into()));
        let skip = Members {
            keep_other: false,
            ..KEEP
        };
        assert_eq!(skip.find("surname"), Member::Ignored);
        // Names are compared exactly: case matters, as in OData JSON.
        assert_eq!(skip.find("ID"), Member::Ignored);
        assert_eq!(KEEP.find(""), Member::Other(String::new()));
    }

    #[test]
    fn a_member_name_that_is_not_a_string_is_a_typed_error() {
        let err = serde_json::from_str::<serde_json::Value>("{1: 2}").map(|_| ());
        assert!(err.is_err());
        let err = KEEP
            .deserialize(serde_json::Value::from(7))
            .expect_err("a number is not a member name");
        assert!(err.to_string().contains("a property name"), "{err}");
    }
}
