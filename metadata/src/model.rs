//! The model of a CSDL document: types, properties, operations, where a path leads, and the
//! [`Metadata`] index that holds them.

use std::collections::HashMap;

/// What kind of type a definition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `EntityType`.
    Entity,
    /// `ComplexType`.
    Complex,
    /// `EnumType`.
    Enum,
}

/// A type reference: `Collection(microsoft.graph.user)` → (`microsoft.graph.user`, collection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// The qualified name (`Edm.String`, `microsoft.graph.identitySet`), aliases resolved.
    pub name: String,
    /// Whether it is `Collection(…)`.
    pub collection: bool,
    /// `Nullable` (default true).
    pub nullable: bool,
}

/// A structural property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The wire name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
}

/// A navigation property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Navigation {
    /// The wire name.
    pub name: String,
    /// The target type.
    pub ty: TypeRef,
    /// `ContainsTarget`.
    pub contained: bool,
}

/// An entity, complex or enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// The qualified name.
    pub name: String,
    /// Entity, complex or enum.
    pub kind: Kind,
    /// The qualified base type.
    pub base: Option<String>,
    /// `Abstract="true"`.
    pub is_abstract: bool,
    /// `OpenType="true"`.
    pub open: bool,
    /// Key property names (declared on this type).
    pub key: Vec<String>,
    /// Properties declared on this type.
    pub properties: Vec<Property>,
    /// Navigation properties declared on this type.
    pub navigation: Vec<Navigation>,
    /// Enum members (`IsFlags` in `flags`).
    pub members: Vec<String>,
    /// `IsFlags="true"`.
    pub flags: bool,
}

/// A bound or unbound action or function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The qualified name (`microsoft.graph.createLink`).
    pub name: String,
    /// Action (`true`) or function.
    pub is_action: bool,
    /// The binding parameter's type, for bound operations.
    pub binding: Option<TypeRef>,
    /// The other parameters.
    pub parameters: Vec<Property>,
    /// The return type.
    pub returns: Option<TypeRef>,
}

/// Where a path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A collection of this entity type.
    Collection(String),
    /// One entity of this type.
    Entity(String),
    /// A complex or primitive value.
    Value(TypeRef),
    /// A bound operation (the path's last segment).
    Operation(Operation),
}

/// An item found on a type or one of its bases, with the type that declares it.
#[derive(Debug, Clone, Copy)]
pub struct Declared<'a, T> {
    /// The type that declares the item (the one asked about, or a base of it).
    pub on: &'a TypeDef,
    /// The item.
    pub item: &'a T,
}

/// How much a document holds ([`Metadata::totals`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Totals {
    /// Entity sets.
    pub entity_sets: usize,
    /// Singletons.
    pub singletons: usize,
    /// Entity, complex and enum types.
    pub types: usize,
    /// Actions and functions.
    pub operations: usize,
}

/// The result of [`Metadata::resolve_path`]: the target and the steps taken, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Where the path leads.
    pub target: Target,
    /// One line per segment: `nav todo (declared on microsoft.graph.user) -> microsoft.graph.todo`.
    pub steps: Vec<String>,
}

/// The index of a CSDL document.
#[derive(Debug, Default, Clone)]
pub struct Metadata {
    pub(crate) types: HashMap<String, TypeDef>,
    pub(crate) aliases: HashMap<String, String>,
    pub(crate) entity_sets: HashMap<String, String>,
    /// FunctionImports and ActionImports: the name at the service root → the qualified operation.
    pub(crate) imports: HashMap<String, String>,
    pub(crate) singletons: HashMap<String, String>,
    pub(crate) operations: Vec<Operation>,
    pub(crate) derived: HashMap<String, Vec<String>>,
    pub(crate) namespaces: Vec<String>,
    pub(crate) source: Option<Source>,
}

/// Where an index came from: recorded in the built-in Graph v1.0 index (and in any index made with
/// `graph-odata-cli index`), shown in the macros' messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// The document: `microsoftgraph/msgraph-metadata clean_v10_metadata/cleanMetadata.xml`.
    pub document: String,
    /// The commit of the repository the document was taken at.
    pub commit: String,
    /// The date the document last changed (`2026-08-04`).
    pub date: String,
    /// The SHA-256 of the document's bytes, in hex.
    pub sha256: String,
}
