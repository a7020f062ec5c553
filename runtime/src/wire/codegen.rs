//! What only the attribute macros' generated code calls: property reads and writes by autoref
//! dispatch, blank keys, the bodies of the generated `Serialize`/`Deserialize` impls, and the
//! fast and slow paths of polymorphic reads. Reached through `crate::__private::wire`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

pub use super::member::{Member, Members};

use super::float::{AsOData, FromOData};
use super::raw::strip_hash;
use super::{ODataStruct, ODataValue, Patch, WriteMode};

// Generated code reads and writes properties through these, by autoref dispatch: a property of
// an OData value type is read and written; for a type that is not one, the call falls back to an
// error (never reached: the build has already failed on that type, once, at the field), so one
// wrong field type is one compile error rather than one per generated use.

/// A read-only property or a key given to a PATCH builder: never [`Settable`], so the call is a
/// compile error that says why.
#[derive(Debug)]
pub struct ReadOnly<T>(PhantomData<T>);

/// Implemented by nothing: see [`ReadOnly`].
#[diagnostic::on_unimplemented(
    message = "this property is read-only or the key: it cannot be changed with PATCH",
    label = "the service sets this property",
    note = "a PATCH body sets only properties that are neither `#[graph(read_only)]` nor `#[graph(key)]`; to change the key, create a new entity"
)]
pub trait Settable {}

/// A property value to write (see [`WriteValue`]).
#[derive(Debug)]
pub struct Prop<'a, T>(pub &'a T);

/// A PATCH member to write (see [`WriteValue`]).
#[derive(Debug)]
pub struct PatchProp<'a, T>(pub &'a Patch<T>);

/// A property value to read (see [`ReadValue`]).
#[derive(Debug)]
pub struct ReadProp<T>(pub PhantomData<fn() -> T>);

/// Writes a property or PATCH member of an OData value type.
pub trait WriteValue {
    /// Writes `name: value` (a PATCH member: unless absent).
    fn write_value<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error>;
}

/// The fallback of [`WriteValue`] for types that are not OData values.
pub trait WriteOther {
    /// Fails.
    fn write_value<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error>;
}

impl<T: ODataValue> WriteValue for Prop<'_, T> {
    fn write_value<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error> {
        map.serialize_entry(name, &AsOData(self.0))
    }
}

impl<T: ODataValue> WriteValue for PatchProp<'_, T> {
    fn write_value<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error> {
        match self.0 {
            Patch::Value(v) => map.serialize_entry(name, &AsOData(v)),
            other => other.write_member(map, name),
        }
    }
}

impl<T> WriteOther for &Prop<'_, T> {
    fn write_value<M: SerializeMap>(&self, _: &mut M, name: &str) -> Result<(), M::Error> {
        Err(serde::ser::Error::custom(format_args!(
            "`{name}` is not an OData value"
        )))
    }
}

impl<T> WriteOther for &PatchProp<'_, T> {
    fn write_value<M: SerializeMap>(&self, _: &mut M, name: &str) -> Result<(), M::Error> {
        Err(serde::ser::Error::custom(format_args!(
            "`{name}` is not an OData value"
        )))
    }
}

/// Reads a property of an OData value type.
pub trait ReadValue {
    /// The property's type.
    type Value;
    /// Reads the value of the current member.
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<Self::Value, A::Error>;

    /// Reads the value of the current member into `slot` (the last one wins when a member
    /// repeats): one call per property in the generated `read_fields`.
    #[inline]
    fn read_into<'de, A: MapAccess<'de>>(
        &self,
        slot: &mut Option<Self::Value>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = self.read_value(map)?;
        store(slot, value);
        Ok(())
    }

    /// As [`read_into`](Self::read_into) for an `Option<Option<T>>` property: a member that is
    /// present, even as `null`, is `Some`.
    #[inline]
    fn read_some_into<'de, A: MapAccess<'de>>(
        &self,
        slot: &mut Option<Option<Self::Value>>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = self.read_value(map)?;
        store(slot, Some(value));
        Ok(())
    }
}

/// The fallback of [`ReadValue`] for types that are not OData values.
pub trait ReadOther {
    /// The property's type.
    type Value;
    /// Fails.
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<Self::Value, A::Error>;

    /// Fails.
    fn read_into<'de, A: MapAccess<'de>>(
        &self,
        _: &mut Option<Self::Value>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        self.read_value(map).map(drop)
    }

    /// Fails.
    fn read_some_into<'de, A: MapAccess<'de>>(
        &self,
        _: &mut Option<Option<Self::Value>>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        self.read_value(map).map(drop)
    }
}

/// Puts a read value into its slot, keeping the common case (each member once) free of drop code.
#[inline(always)]
fn store<T>(slot: &mut Option<T>, value: T) {
    if slot.is_none() {
        *slot = Some(value);
    } else {
        repeated_member(slot, value);
    }
}

impl<T: ODataValue> ReadValue for ReadProp<T> {
    type Value = T;
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<T, A::Error> {
        map.next_value::<FromOData<T>>().map(|v| v.0)
    }
}

impl<T> ReadOther for &ReadProp<T> {
    type Value = T;
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<T, A::Error> {
        map.next_value::<de::IgnoredAny>()?;
        Err(de::Error::custom("not an OData value"))
    }
}

/// Whether a key value is blank: an empty string (or bytes), `None`, or `()`. The generated
/// serialisation leaves out a blank key that is not an `Option` (`id: String` left at its
/// `Default`), so a create never sends `"id": ""`; a key with a value is sent.
///
/// ```
/// use graph_odata_runtime::__private::wire::is_blank;
/// assert!(is_blank(""));
/// assert!(is_blank(&None::<String>));
/// assert!(!is_blank("AAMkAGI2"));
/// assert!(!is_blank(&0));
/// ```
pub fn is_blank<T: Serialize + ?Sized>(value: &T) -> bool {
    value.serialize(BlankProbe).unwrap_or(false)
}

/// A serializer that only answers "is this value blank?".
struct BlankProbe;

/// Not blank (or not a simple value).
#[derive(Debug)]
struct NotBlank;

impl fmt::Display for NotBlank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a blank value")
    }
}

impl std::error::Error for NotBlank {}

impl serde::ser::Error for NotBlank {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotBlank
    }
}

macro_rules! never_blank {
    ($($method:ident: $t:ty),* $(,)?) => {
        $(fn $method(self, _: $t) -> Result<bool, NotBlank> { Ok(false) })*
    };
}

impl Serializer for BlankProbe {
    type Ok = bool;
    type Error = NotBlank;
    type SerializeSeq = serde::ser::Impossible<bool, NotBlank>;
    type SerializeTuple = serde::ser::Impossible<bool, NotBlank>;
    type SerializeTupleStruct = serde::ser::Impossible<bool, NotBlank>;
    type SerializeTupleVariant = serde::ser::Impossible<bool, NotBlank>;
    type SerializeMap = serde::ser::Impossible<bool, NotBlank>;
    type SerializeStruct = serde::ser::Impossible<bool, NotBlank>;
    type SerializeStructVariant = serde::ser::Impossible<bool, NotBlank>;

    never_blank!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
    );

    fn serialize_str(self, v: &str) -> Result<bool, NotBlank> {
        Ok(v.is_empty())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<bool, NotBlank> {
        Ok(v.is_empty())
    }
    fn serialize_none(self) -> Result<bool, NotBlank> {
        Ok(true)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<bool, NotBlank> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<bool, NotBlank> {
        Ok(true)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, NotBlank> {
        Ok(true)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<bool, NotBlank> {
        Ok(false)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<bool, NotBlank> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, NotBlank> {
        Ok(false)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotBlank> {
        Err(NotBlank)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotBlank> {
        Err(NotBlank)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotBlank> {
        Err(NotBlank)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotBlank> {
        Err(NotBlank)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotBlank> {
        Err(NotBlank)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotBlank> {
        Err(NotBlank)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotBlank> {
        Err(NotBlank)
    }
}

/// Writes a model as a JSON object (the body of generated `Serialize` impls).
pub fn serialize_struct<T: ODataStruct, S: Serializer>(
    value: &T,
    s: S,
    mode: WriteMode,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(None)?;
    value.write_fields(&mut map, mode)?;
    map.end()
}

/// Reads a model from a JSON object (the body of generated `Deserialize` impls).
pub fn deserialize_struct<'de, T: ODataStruct, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: ODataStruct> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a JSON object of type {}", T::QUALIFIED_NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::read_fields(map)
        }
    }
    d.deserialize_map(V(PhantomData))
}

/// The first member name of an object, read without allocating when it is `@odata.type` (the fast
/// path of polymorphic reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstKey {
    /// `@odata.type` (or the 4.01 spelling `@type`).
    Type,
    /// Any other member name.
    Other(String),
}

impl<'de> Deserialize<'de> for FirstKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FirstKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FirstKey, E> {
                Ok(match v {
                    "@odata.type" | "@type" => FirstKey::Type,
                    other => FirstKey::Other(other.to_owned()),
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// An `@odata.type` value, borrowed from the input when the deserializer allows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeValue<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied (escaped text, or a reader-based deserializer).
    Owned(String),
}

impl TypeValue<'_> {
    /// The text as sent (with or without `#`).
    pub fn as_str(&self) -> &str {
        match self {
            TypeValue::Borrowed(s) => s,
            TypeValue::Owned(s) => s,
        }
    }

    /// The qualified name, without `#`.
    pub fn name(&self) -> &str {
        strip_hash(self.as_str())
    }

    /// The text as an owned string.
    pub fn into_string(self) -> String {
        match self {
            TypeValue::Borrowed(s) => s.to_owned(),
            TypeValue::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for TypeValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TypeValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an @odata.type string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<TypeValue<'de>, E> {
                Ok(TypeValue::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeValue<'de>, E> {
                Ok(TypeValue::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<TypeValue<'de>, E> {
                Ok(TypeValue::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// A member that appeared again: the last one wins, as in Graph. Kept out of line so the common path
/// (each member once) stays free of drop code.
#[cold]
pub fn repeated_member<T>(slot: &mut Option<T>, value: T) {
    *slot = Some(value);
}

/// The value of a required property, or the error naming it when the object left it out.
#[inline]
pub fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    match value {
        Some(v) => Ok(v),
        None => Err(E::missing_field(name)),
    }
}

/// Reads the rest of a map as JSON members (the slow path of polymorphic reads).
pub fn rest_of_map<'de, A: MapAccess<'de>>(
    mut map: A,
    mut into: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>, A::Error> {
    while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
        into.insert(k, v);
    }
    Ok(into)
}

/// Deserialises a model from buffered JSON, turning the error into the caller's error type.
pub fn from_json_object<T: ODataStruct, E: de::Error>(
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<T, E> {
    deserialize_struct::<T, _>(serde_json::Value::Object(object)).map_err(E::custom)
}
