//! The models' wire format: the public part is re-exported as `crate::wire`; the helpers that only
//! generated code calls are reachable through the hidden `crate::__private::wire`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// What kind of OData type a Rust type models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// An entity type (has identity, usually a key).
    Entity,
    /// A complex type (structured value without identity).
    Complex,
    /// An enumeration type.
    Enum,
    /// The parameters of an action (`#[graph_action]`).
    Action,
    /// The parameters of a function (`#[graph_function]`).
    Function,
}

/// The OData facts about a model type, for the runtime, the emulator and checks.
///
/// ```
/// use graph_odata_runtime::wire::{ODataType, TypeKind};
/// struct Marker;
/// impl ODataType for Marker {
///     const QUALIFIED_NAME: &'static str = "microsoft.graph.linkedResource";
///     const TYPE_ANNOTATION: &'static str = "#microsoft.graph.linkedResource";
///     const KIND: TypeKind = TypeKind::Entity;
///     const BASE: Option<&'static str> = Some("microsoft.graph.entity");
///     const ABSTRACT: bool = false;
///     const KEY: Option<&'static str> = Some("id");
/// }
/// assert_eq!(Marker::QUALIFIED_NAME, "microsoft.graph.linkedResource");
/// ```
pub trait ODataType {
    /// Namespace-qualified name, e.g. `microsoft.graph.linkedResource`.
    const QUALIFIED_NAME: &'static str;
    /// The `@odata.type` value: `#` + the qualified name.
    const TYPE_ANNOTATION: &'static str;
    /// Entity, complex or enum.
    const KIND: TypeKind;
    /// The qualified name of the base type, if the declaration names one.
    const BASE: Option<&'static str>;
    /// Whether the type is abstract (only derived values exist).
    const ABSTRACT: bool;
    /// The wire name of the key property (entities).
    const KEY: Option<&'static str>;
    /// The wire names of the structural properties the model declares (enum types: the member names).
    const PROPERTIES: &'static [&'static str] = &[];
}

/// How much of a model is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// A request body: read-only properties and response annotations are left out.
    Request,
    /// Everything the model holds, for caching or re-encoding a response.
    Lossless,
}

/// A structured model (entity or complex type) written and read as a JSON object.
///
/// Implemented by the attribute macros. [`ODataStruct::write_fields`] writes the members into an open
/// map; [`ODataStruct::read_fields`] reads the members of an open map, so polymorphic enums can
/// dispatch on a leading `@odata.type` without buffering.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a graph-odata model",
    label = "not declared with `#[graph_entity]` or `#[graph_complex]`",
    note = "declare `{Self}` with `#[graph_entity]` or `#[graph_complex]`"
)]
pub trait ODataStruct: ODataType + Sized {
    /// Whether [`ODataStruct::write_fields`] writes `@odata.type` itself in `mode` (derived types and
    /// `write_type` declarations do), so a polymorphic enum does not write it twice.
    fn writes_type(&self, mode: WriteMode) -> bool;

    /// Writes `@odata.type` (when due) and the properties.
    fn write_fields<M: SerializeMap>(&self, map: &mut M, mode: WriteMode) -> Result<(), M::Error>;

    /// Reads the remaining members of a map into the model.
    fn read_fields<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Types that are valid OData property values. The macros require it of every field, so a type that
/// cannot be a property is a compile error at the field.
///
/// Implement it for your own serde types (as a promise that they match an Edm or OData type).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the type of a property of a graph-odata model",
    label = "not an Edm type, a type graph-odata maps to one, or a declared model",
    note = "use an Edm type (`DateTimeOffset`, `Date`, `Guid`, `Int64`, …) or `String`, `bool`, `i32`, `f64`, `Vec<…>`, `Option<…>`; declare your own type with `#[graph_complex]` (a structured value) or `#[graph_enum]` (an enumeration)",
    note = "a flags enumeration (`#[graph_enum(flags)]`) is declared as `Flags<…>` (it holds several members at once), never bare"
)]
pub trait ODataValue: Serialize + serde::de::DeserializeOwned {}

macro_rules! odata_value {
    ($($t:ty),* $(,)?) => { $(impl ODataValue for $t {})* };
}

odata_value!(
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    f32,
    f64,
    serde_json::Value,
    serde_json::Map<String, serde_json::Value>,
    crate::edm::DateTimeOffset,
    crate::edm::Date,
    crate::edm::TimeOfDay,
    crate::edm::Duration,
    crate::edm::Binary,
    crate::edm::Int64,
    crate::edm::Decimal,
    crate::edm::Guid,
    RawObject,
);
impl<T: ODataValue> ODataValue for Option<T> {}
impl<T: ODataValue> ODataValue for Vec<T> {}
impl<T: ODataValue> ODataValue for Box<T> {}
impl<T: FlagsEnum> ODataValue for Flags<T> {}

/// An enumeration type: member names on the wire.
pub trait GraphEnum: Sized {
    /// The wire name of this member (`"configured"`); a catch-all returns the text it holds.
    fn as_wire(&self) -> &str;
    /// The member for a wire name; names this build does not know go to the catch-all.
    fn from_wire(name: &str) -> Self;
}

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
        map.serialize_entry(name, self.0)
    }
}

impl<T: ODataValue> WriteValue for PatchProp<'_, T> {
    fn write_value<M: SerializeMap>(&self, map: &mut M, name: &str) -> Result<(), M::Error> {
        self.0.write_member(map, name)
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
}

/// The fallback of [`ReadValue`] for types that are not OData values.
pub trait ReadOther {
    /// The property's type.
    type Value;
    /// Fails.
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<Self::Value, A::Error>;
}

impl<T: ODataValue> ReadValue for ReadProp<T> {
    type Value = T;
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<T, A::Error> {
        map.next_value()
    }
}

impl<T> ReadOther for &ReadProp<T> {
    type Value = T;
    fn read_value<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<T, A::Error> {
        map.next_value::<de::IgnoredAny>()?;
        Err(de::Error::custom("not an OData value"))
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

/// `#microsoft.graph.x` → `microsoft.graph.x`; names without `#` are returned as they are.
pub fn strip_hash(name: &str) -> &str {
    name.strip_prefix('#').unwrap_or(name)
}

/// Whether a member name is control information or an annotation (`@odata.type`,
/// `displayName@odata.type`, `@microsoft.graph.tips`), which models skip unless they ask for it.
pub fn is_annotation(name: &str) -> bool {
    name.contains('@')
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

thread_local! {
    /// The mode of the serialisation running on this thread: nested models follow their parent.
    static MODE: std::cell::Cell<WriteMode> = const { std::cell::Cell::new(WriteMode::Request) };
}

/// The write mode in force: [`WriteMode::Lossless`] inside a [`Lossless`] serialisation (nested
/// values included), else [`WriteMode::Request`].
pub fn current_mode() -> WriteMode {
    MODE.with(std::cell::Cell::get)
}

/// Restores the previous mode when a [`Lossless`] serialisation ends, even on error.
struct ModeGuard(WriteMode);

impl Drop for ModeGuard {
    fn drop(&mut self) {
        MODE.with(|m| m.set(self.0));
    }
}

/// Serialises a model with every property it holds, read-only ones and annotations included, in
/// nested models too (a generated `Serialize` consults [`current_mode`]).
///
/// ```
/// use graph_odata_runtime::wire::{current_mode, Lossless, WriteMode};
/// struct Probe;
/// impl serde::Serialize for Probe {
///     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
///         s.serialize_bool(current_mode() == WriteMode::Lossless)
///     }
/// }
/// assert_eq!(serde_json::to_string(&Probe).unwrap(), "false");
/// assert_eq!(serde_json::to_string(&Lossless(&vec![Probe])).unwrap(), "[true]");
/// assert_eq!(serde_json::to_string(&Probe).unwrap(), "false");
/// ```
#[derive(Debug)]
pub struct Lossless<'a, T>(pub &'a T);

impl<T: Serialize> Serialize for Lossless<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let _restore = ModeGuard(MODE.with(|m| m.replace(WriteMode::Lossless)));
        self.0.serialize(s)
    }
}

/// A value that can be a function parameter in a URL: `getByPath(path='a%2Fb')`, `f(n=3)`.
///
/// Strings are quoted with `'` doubled; numbers, booleans, dates and GUIDs are written bare; `None`
/// leaves the parameter out. `#[graph_enum]` types are written as their quoted member name.
///
/// ```
/// use graph_odata_runtime::wire::ODataLiteral;
/// assert_eq!("O'Neil".to_owned().literal().as_deref(), Some("'O''Neil'"));
/// assert_eq!(3i32.literal().as_deref(), Some("3"));
/// assert_eq!(None::<bool>.literal(), None);
/// ```
pub trait ODataLiteral {
    /// The OData literal text, or `None` to leave the parameter out.
    fn literal(&self) -> Option<String>;

    /// Adds `name=value` to an open call (percent-encoded).
    fn write_arg(&self, name: &str, path: crate::path::PathBuilder) -> crate::path::PathBuilder {
        match self.literal() {
            Some(l) => path.literal_arg(name, &l),
            None => path,
        }
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl ODataLiteral for String {
    fn literal(&self) -> Option<String> {
        Some(quote(self))
    }
    fn write_arg(&self, name: &str, path: crate::path::PathBuilder) -> crate::path::PathBuilder {
        path.quoted_arg(name, self)
    }
}

impl ODataLiteral for str {
    fn literal(&self) -> Option<String> {
        Some(quote(self))
    }
    fn write_arg(&self, name: &str, path: crate::path::PathBuilder) -> crate::path::PathBuilder {
        path.quoted_arg(name, self)
    }
}

impl<T: ODataLiteral + ?Sized> ODataLiteral for &T {
    fn literal(&self) -> Option<String> {
        (**self).literal()
    }
    fn write_arg(&self, name: &str, path: crate::path::PathBuilder) -> crate::path::PathBuilder {
        (**self).write_arg(name, path)
    }
}

/// A collection, as the JSON array OData writes for a parameter alias (`@ids=["a","b"]`);
/// `#[graph_function(aliases)]` sends collection parameters this way (a collection cannot be a
/// literal inside the path).
impl<T: Serialize> ODataLiteral for Vec<T> {
    fn literal(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

impl<T: ODataLiteral> ODataLiteral for Option<T> {
    fn literal(&self) -> Option<String> {
        self.as_ref()?.literal()
    }
    fn write_arg(&self, name: &str, path: crate::path::PathBuilder) -> crate::path::PathBuilder {
        match self {
            Some(v) => v.write_arg(name, path),
            None => path,
        }
    }
}

macro_rules! bare_literal {
    ($($t:ty),*) => {$(
        impl ODataLiteral for $t {
            fn literal(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}

bare_literal!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    f32,
    f64,
    crate::edm::DateTimeOffset,
    crate::edm::Date,
    crate::edm::TimeOfDay,
    crate::edm::Guid,
    crate::edm::Decimal
);

impl ODataLiteral for crate::edm::Int64 {
    fn literal(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

impl ODataLiteral for crate::edm::Duration {
    fn literal(&self) -> Option<String> {
        Some(format!("duration'{self}'"))
    }
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
