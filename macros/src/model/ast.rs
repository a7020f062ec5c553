//! The model's shapes: what a declaration means once parsed and checked.

use proc_macro2::Span;
use syn::{Ident, Type};

use crate::parse::{BaseRef, MacroKind};
use graph_odata_metadata::line::{HttpLine, Method};

/// Where a field's value comes from on the wire. The annotation roles, their keys and wire names
/// are the rows of [`ANNOTATIONS`](super::annotations::ANNOTATIONS); code generation names its
/// reader's variant after the role (`__ETag`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    /// A structural property.
    Property,
    /// Unknown properties, kept in a map.
    Extra,
    /// `@odata.type`.
    Type,
    /// `@odata.etag`.
    ETag,
    /// `@odata.id`.
    Id,
    /// `@odata.context`.
    Context,
    /// `@odata.editLink`.
    EditLink,
    /// `@odata.readLink`.
    ReadLink,
    /// `@odata.mediaReadLink`.
    MediaReadLink,
    /// `@odata.mediaEditLink`.
    MediaEditLink,
}

impl Role {
    /// The annotation the field reads (`@odata.etag`); `None` for a property or `extra`.
    pub(crate) fn annotation(self) -> Option<&'static str> {
        super::annotations::wire_of(self)
    }
}

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// `T` when the field is `Option<T>`.
    pub(crate) option_inner: Option<Type>,
    pub(crate) wire: String,
    pub(crate) role: Role,
    pub(crate) read_only: bool,
    pub(crate) default: bool,
    pub(crate) secret: bool,
    /// `#[graph(unchecked)]`: not checked against the metadata (a property newer than the schema).
    pub(crate) unchecked: bool,
    /// The property's variant in an entity's field enum (`web_url` → `WebUrl`); `None` elsewhere
    /// (and where the name gives none, which is an error of the model).
    pub(crate) variant: Option<Ident>,
}

/// What an endpoint does, which fixes its HTTP method and generated signature.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EndpointKind {
    Create,
    Get,
    List,
    Update,
    Delete,
    Action,
    Function,
}

impl EndpointKind {
    pub(crate) fn allowed(self) -> &'static [Method] {
        match self {
            EndpointKind::Create | EndpointKind::Action => &[Method::Post],
            EndpointKind::Get | EndpointKind::List | EndpointKind::Function => &[Method::Get],
            EndpointKind::Update => &[Method::Patch, Method::Put],
            EndpointKind::Delete => &[Method::Delete],
        }
    }

    pub(crate) fn verb(self) -> &'static str {
        match self {
            EndpointKind::Create => "creates",
            EndpointKind::Get => "reads one entity",
            EndpointKind::List => "lists a collection",
            EndpointKind::Update => "updates",
            EndpointKind::Delete => "deletes",
            EndpointKind::Action => "invokes an action",
            EndpointKind::Function => "calls a function",
        }
    }
}

/// One checked HTTP line and the method generated for it.
pub(crate) struct Endpoint {
    pub(crate) name: Ident,
    pub(crate) kind: EndpointKind,
    pub(crate) line: HttpLine,
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// `#[graph_action]`/`#[graph_function]`: the parameters (as a struct model) and the paths.
pub(crate) struct OperationModel {
    pub(crate) strukt: StructModel,
    pub(crate) returns: Option<Type>,
    pub(crate) endpoints: Vec<Endpoint>,
    pub(crate) bound: Option<String>,
    /// Function parameters as aliases: `f(p=@p)?@p=value`.
    pub(crate) aliases: bool,
}

/// The OData type name and where it was written.
pub(crate) struct TypeName {
    pub(crate) qualified: String,
    /// Where the name was written (or the item's ident), for metadata errors.
    pub(crate) span: Span,
    /// `v1.0` (default) or `beta`: the metadata it is checked against.
    pub(crate) version: String,
    /// An explicit `metadata = "…"` file, overriding the environment.
    pub(crate) metadata: Option<syn::LitStr>,
    /// `unchecked`: the declaration opts out of the metadata checks.
    pub(crate) unchecked: Option<Span>,
    /// `unchecked = "beta"`: the declaration's beta parts are not checked.
    pub(crate) unchecked_beta: bool,
}

pub(crate) struct StructModel {
    pub(crate) kind: MacroKind,
    pub(crate) ident: Ident,
    pub(crate) vis: syn::Visibility,
    pub(crate) name: TypeName,
    pub(crate) base: Option<BaseRef>,
    pub(crate) write_type: bool,
    pub(crate) fields: Vec<Field>,
    pub(crate) key: Option<String>,
    pub(crate) extra: Option<Ident>,
    pub(crate) endpoints: Vec<Endpoint>,
    /// The PATCH companion's name (`{Name}Patch` unless `patch_type = "…"`).
    pub(crate) patch_ident: Ident,
    /// The field enum's name (`{Name}Field` unless `field_enum = "…"`).
    pub(crate) field_ident: Ident,
    /// `rename_all = "…"` was given (wire names already follow it).
    pub(crate) rename_all: Option<crate::parse::names::Case>,
}

pub(crate) struct PolyVariant {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
}

pub(crate) struct PolyModel {
    pub(crate) kind: MacroKind,
    pub(crate) ident: Ident,
    pub(crate) name: TypeName,
    pub(crate) is_abstract: bool,
    pub(crate) write_type: bool,
    pub(crate) variants: Vec<PolyVariant>,
    pub(crate) other: Ident,
}

pub(crate) struct EnumMember {
    pub(crate) ident: Ident,
    pub(crate) wire: String,
}

pub(crate) struct EnumModel {
    pub(crate) ident: Ident,
    pub(crate) name: TypeName,
    pub(crate) flags: bool,
    pub(crate) members: Vec<EnumMember>,
    pub(crate) other: Ident,
    /// `rename_all = "…"` was given (wire names already follow it).
    pub(crate) rename_all: bool,
}

#[allow(clippy::large_enum_variant)] // one model per macro call; boxing buys nothing
pub(crate) enum Model {
    Struct(StructModel),
    Poly(PolyModel),
    Enum(EnumModel),
    Operation(OperationModel),
}

impl Model {
    /// The declaration's OData name, whatever its kind.
    pub(crate) fn name(&self) -> &TypeName {
        match self {
            Model::Struct(m) => &m.name,
            Model::Poly(m) => &m.name,
            Model::Enum(m) => &m.name,
            Model::Operation(m) => &m.strukt.name,
        }
    }
}

impl StructModel {
    /// The PATCH body struct behind the companion's name (`{Name}PatchBody`); the companion name
    /// (`{Name}Patch` or `patch_type`) is a type alias of it.
    pub(crate) fn patch_body(&self) -> Ident {
        quote::format_ident!("{}Body", self.patch_ident)
    }
}
