//! Reads an OData CSDL document (`$metadata`, e.g. Microsoft Graph's v1.0 file) into a compact
//! index, and answers the questions graph-odata's checks ask: does this type exist, what are its
//! properties (with those of its base types), where does this path lead, which operations are bound
//! to what.
//!
//! Real metadata is messy and the reader copes: a UTF-8 BOM, alias-qualified names (`graph.user`),
//! entity types without a key (behind singletons), thousands of annotations (skipped), annotations
//! that target missing elements (ignored). A document that is not CSDL is a clear error.
//!
//! ```
//! use graph_odata_metadata::{Metadata, Target};
//! let csdl = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
//!   <edmx:DataServices><Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
//!     <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id"/></Key>
//!       <Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
//!     <EntityType Name="user" BaseType="graph.entity">
//!       <Property Name="displayName" Type="Edm.String"/>
//!       <NavigationProperty Name="manager" Type="graph.user"/></EntityType>
//!     <EntityContainer Name="GraphService">
//!       <EntitySet Name="users" EntityType="graph.user"/>
//!       <Singleton Name="me" Type="graph.user"/></EntityContainer>
//!   </Schema></edmx:DataServices></edmx:Edmx>"#;
//! let md = Metadata::parse(csdl).unwrap();
//! let user = md.type_def("graph.user").unwrap();
//! assert_eq!(user.name, "microsoft.graph.user");
//! assert!(md.property("microsoft.graph.user", "id").is_some(), "inherited from entity");
//! let resolved = md.resolve_path(&["users".into(), "{id}".into(), "manager".into()]).unwrap();
//! assert_eq!(resolved.target, Target::Entity("microsoft.graph.user".into()));
//! let err = md.resolve_path(&["me".into(), "managr".into()]).unwrap_err();
//! assert!(err.to_string().contains("did you mean `manager`"), "{err}");
//! ```
//!
//! The crate is also the compile-time core shared by the macros, `graph-odata-cli` and the
//! generator: the HTTP-line grammar ([`line`](mod@line)), the case rules and suggestions
//! ([`names`]) and the Edm primitive table ([`edm`]); and which Graph permissions grant a call
//! ([`permissions`]).

mod error;
pub use error::{Error, ErrorKind};
mod builtin;
mod cache;
pub use cache::Cache;
mod csdl;
pub mod edm;
pub mod generate;
mod index;
pub mod line;
mod lookup;
mod model;
pub use model::{
    Declared, Kind, Metadata, Navigation, Operation, Property, Resolved, Source, Target, Totals,
    TypeDef, TypeRef,
};
pub mod names;
pub mod permissions;
mod resolve;

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
