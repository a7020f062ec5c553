//! Flags enumerations: several members at once, written as `"read,write"`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::GraphEnum;

/// Marks an enumeration declared with `#[graph_enum(flags)]`; use it inside [`Flags`].
pub trait FlagsEnum: GraphEnum + PartialEq {}

/// The value of a flags enum: a set of members, written as `"read,write"`.
///
/// ```
/// # use graph_odata_runtime::wire::{Flags, FlagsEnum, GraphEnum};
/// # #[derive(Debug, PartialEq)] enum Role { Read, Write }
/// # impl GraphEnum for Role {
/// #     fn as_wire(&self) -> &str { match self { Role::Read => "read", Role::Write => "write" } }
/// #     fn from_wire(s: &str) -> Self { if s == "read" { Role::Read } else { Role::Write } }
/// # }
/// # impl FlagsEnum for Role {}
/// let roles = Flags(vec![Role::Read, Role::Write]);
/// assert_eq!(serde_json::to_string(&roles).unwrap(), r#""read,write""#);
/// let back: Flags<Role> = serde_json::from_str(r#""read, write""#).unwrap();
/// assert_eq!(back, roles);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Flags<T>(pub Vec<T>);

impl<T: FlagsEnum> Flags<T> {
    /// Whether `member` is set.
    pub fn contains(&self, member: &T) -> bool {
        self.0.contains(member)
    }
}

impl<T: FlagsEnum> Serialize for Flags<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text: Vec<&str> = self.0.iter().map(GraphEnum::as_wire).collect();
        s.serialize_str(&text.join(","))
    }
}

impl<'de, T: FlagsEnum> Deserialize<'de> for Flags<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Flags(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(T::from_wire)
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Role {
        Read,
        Write,
        Other(String),
    }
    impl GraphEnum for Role {
        fn as_wire(&self) -> &str {
            match self {
                Role::Read => "read",
                Role::Write => "write",
                Role::Other(s) => s,
            }
        }
        fn from_wire(s: &str) -> Self {
            match s {
                "read" => Role::Read,
                "write" => Role::Write,
                other => Role::Other(other.to_owned()),
            }
        }
    }
    impl FlagsEnum for Role {}

    #[test]
    fn flags_round_trip_and_keep_unknown_members() {
        let f: Flags<Role> = serde_json::from_str(r#""read,owner""#).unwrap();
        assert_eq!(f.0, [Role::Read, Role::Other("owner".into())]);
        assert!(f.contains(&Role::Read));
        assert!(!f.contains(&Role::Write));
        assert_eq!(serde_json::to_string(&f).unwrap(), r#""read,owner""#);
        let empty: Flags<Role> = serde_json::from_str(r#""""#).unwrap();
        assert!(empty.0.is_empty());
    }
}
