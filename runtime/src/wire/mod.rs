//! OData JSON helpers for models: the traits the attribute macros implement, tri-state PATCH
//! values, flags enums, raw objects of unknown derived types, and the lossless write mode.
//!
//! Users rarely name these directly: `#[graph_entity]`, `#[graph_complex]` and `#[graph_enum]`
//! implement the traits. The helpers that only generated code calls live in `codegen` and are
//! reachable through the hidden `crate::__private::wire`.

use serde::Serialize;
use serde::de::MapAccess;
use serde::ser::SerializeMap;

/// The one list of the value types graph-odata knows, handed to `$then!`: every one is an
/// [`ODataValue`]; those under `bare` are written in a URL as their `Display` text
/// ([`ODataLiteral`]); those under `float` spell their special values `INF`, `-INF` and `NaN`, in
/// a URL and in a JSON body alike; those under `other` have a literal form of their own
/// (`String`, `Int64`, `Duration`) or none.
macro_rules! value_types {
    ($then:ident) => {
        $then! {
            bare: [
                bool,
                i8,
                i16,
                i32,
                i64,
                u8,
                u16,
                u32,
                crate::edm::DateTimeOffset,
                crate::edm::Date,
                crate::edm::TimeOfDay,
                crate::edm::Guid,
                crate::edm::Decimal,
            ],
            float: [f32, f64],
            other: [
                String,
                serde_json::Value,
                serde_json::Map<String, serde_json::Value>,
                crate::edm::Duration,
                crate::edm::Binary,
                crate::edm::Int64,
                crate::wire::RawObject,
            ],
        }
    };
}

pub(crate) mod codegen;
mod flags;
mod float;
mod literal;
mod member;
mod mode;
mod patch;
pub(crate) mod raw;

pub use flags::{Flags, FlagsEnum};
#[doc(hidden)]
pub use float::{AsOData, FromOData};
pub use literal::ODataLiteral;
pub use mode::{Lossless, current_mode};
pub use patch::Patch;
pub use raw::RawObject;

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
pub trait ODataValue: Serialize + serde::de::DeserializeOwned {
    /// Writes the value as OData JSON: as its `Serialize` does, except that `f32` and `f64`
    /// (alone, in an `Option`, a `Vec` or a `Box`) write `INF`, `-INF` and `NaN` as those strings,
    /// where `serde_json` would write `null`.
    #[doc(hidden)]
    fn write_odata<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }

    /// Reads the value from OData JSON: as its `Deserialize` does, except that `f32` and `f64`
    /// also accept `"INF"`, `"-INF"` and `"NaN"`.
    #[doc(hidden)]
    fn read_odata<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::deserialize(deserializer)
    }
}

macro_rules! odata_value {
    (
        bare: [$($bare:ty),* $(,)?],
        float: [$($float:ty),* $(,)?],
        other: [$($other:ty),* $(,)?] $(,)?
    ) => {
        $(impl ODataValue for $bare {})*
        $(impl ODataValue for $other {})*
    };
}

value_types!(odata_value);
// `f32`, `f64`, and the containers that pass their spelling on: in `float.rs`.
impl<T: FlagsEnum> ODataValue for Flags<T> {}

/// An enumeration type: member names on the wire.
pub trait GraphEnum: Sized {
    /// The wire name of this member (`"configured"`); a catch-all returns the text it holds.
    fn as_wire(&self) -> &str;
    /// The member for a wire name; names this build does not know go to the catch-all.
    fn from_wire(name: &str) -> Self;
}
