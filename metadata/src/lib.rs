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

use std::collections::HashMap;

mod error;
pub use error::{Error, ErrorKind};
mod builtin;
pub mod edm;
pub mod generate;
mod index;
pub mod line;
pub mod names;

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
    types: HashMap<String, TypeDef>,
    aliases: HashMap<String, String>,
    entity_sets: HashMap<String, String>,
    /// FunctionImports and ActionImports: the name at the service root → the qualified operation.
    imports: HashMap<String, String>,
    singletons: HashMap<String, String>,
    operations: Vec<Operation>,
    derived: HashMap<String, Vec<String>>,
    namespaces: Vec<String>,
    source: Option<Source>,
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

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute(name)
}

fn bool_attr(node: roxmltree::Node<'_, '_>, name: &str, default: bool) -> bool {
    attr(node, name).map_or(default, |v| v == "true")
}

impl Metadata {
    /// Parses a CSDL document. Errors say why the text is not usable metadata.
    pub fn parse(text: &str) -> Result<Metadata, Error> {
        Metadata::parse_text(text).map_err(|m| Error::new(ErrorKind::Parse, m))
    }

    fn parse_text(text: &str) -> Result<Metadata, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc = roxmltree::Document::parse_with_options(
            text,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                ..Default::default()
            },
        )
        .map_err(|e| format!("the metadata is not well-formed XML: {e}"))?;
        let root = doc.root_element();
        if root.tag_name().name() != "Edmx" {
            return Err(format!(
                "the document is not CSDL: its root element is `{}`, expected `edmx:Edmx`",
                root.tag_name().name()
            ));
        }
        let mut md = Metadata::default();
        let schemas: Vec<_> = root
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "Schema")
            .collect();
        if schemas.is_empty() {
            return Err("the CSDL document has no `Schema`".into());
        }
        for s in &schemas {
            if let (Some(ns), Some(alias)) = (attr(*s, "Namespace"), attr(*s, "Alias")) {
                md.aliases.insert(alias.to_owned(), ns.to_owned());
            }
        }
        for s in &schemas {
            let ns = attr(*s, "Namespace").unwrap_or_default().to_owned();
            md.namespaces.push(ns.clone());
            for child in s.children().filter(roxmltree::Node::is_element) {
                match child.tag_name().name() {
                    "EntityType" | "ComplexType" | "EnumType" => {
                        let def = md.type_def_of(child, &ns);
                        md.types.insert(def.name.clone(), def);
                    }
                    "Action" | "Function" => {
                        let op = md.operation_of(child, &ns);
                        md.operations.push(op);
                    }
                    "EntityContainer" => {
                        for member in child.children().filter(roxmltree::Node::is_element) {
                            let name = attr(member, "Name").unwrap_or_default().to_owned();
                            match member.tag_name().name() {
                                "EntitySet" => {
                                    let t =
                                        md.qualify(attr(member, "EntityType").unwrap_or_default());
                                    md.entity_sets.insert(name, t);
                                }
                                "Singleton" => {
                                    let t = md.qualify(attr(member, "Type").unwrap_or_default());
                                    md.singletons.insert(name, t);
                                }
                                "FunctionImport" | "ActionImport" => {
                                    let op = attr(member, "Function")
                                        .or_else(|| attr(member, "Action"))
                                        .unwrap_or_default();
                                    let op = md.qualify(op);
                                    md.imports.insert(name, op);
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        md.rebuild_derived();
        Ok(md)
    }

    fn rebuild_derived(&mut self) {
        self.derived.clear();
        let pairs: Vec<(String, String)> = self
            .types
            .values()
            .filter_map(|t| t.base.clone().map(|b| (b, t.name.clone())))
            .collect();
        for (base, derived) in pairs {
            self.derived.entry(base).or_default().push(derived);
        }
    }

    /// `graph.user` → `microsoft.graph.user`; other names unchanged.
    pub fn qualify(&self, name: &str) -> String {
        match name.rsplit_once('.') {
            Some((prefix, simple)) => match self.aliases.get(prefix) {
                Some(ns) => format!("{ns}.{simple}"),
                None => name.to_owned(),
            },
            None => name.to_owned(),
        }
    }

    fn type_ref(&self, text: &str, nullable: bool) -> TypeRef {
        match text
            .strip_prefix("Collection(")
            .and_then(|t| t.strip_suffix(')'))
        {
            Some(inner) => TypeRef {
                name: self.qualify(inner),
                collection: true,
                nullable,
            },
            None => TypeRef {
                name: self.qualify(text),
                collection: false,
                nullable,
            },
        }
    }

    fn type_def_of(&self, node: roxmltree::Node<'_, '_>, ns: &str) -> TypeDef {
        let kind = match node.tag_name().name() {
            "EntityType" => Kind::Entity,
            "ComplexType" => Kind::Complex,
            _ => Kind::Enum,
        };
        let mut def = TypeDef {
            name: format!("{ns}.{}", attr(node, "Name").unwrap_or_default()),
            kind,
            base: attr(node, "BaseType").map(|b| self.qualify(b)),
            is_abstract: bool_attr(node, "Abstract", false),
            open: bool_attr(node, "OpenType", false),
            key: Vec::new(),
            properties: Vec::new(),
            navigation: Vec::new(),
            members: Vec::new(),
            flags: bool_attr(node, "IsFlags", false),
        };
        for child in node.children().filter(roxmltree::Node::is_element) {
            let name = attr(child, "Name").unwrap_or_default().to_owned();
            match child.tag_name().name() {
                "Key" => def.key.extend(
                    child
                        .children()
                        .filter(|n| n.is_element())
                        .filter_map(|n| attr(n, "Name").map(str::to_owned)),
                ),
                "Property" => def.properties.push(Property {
                    name,
                    ty: self.type_ref(
                        attr(child, "Type").unwrap_or_default(),
                        bool_attr(child, "Nullable", true),
                    ),
                }),
                "NavigationProperty" => def.navigation.push(Navigation {
                    name,
                    ty: self.type_ref(
                        attr(child, "Type").unwrap_or_default(),
                        bool_attr(child, "Nullable", true),
                    ),
                    contained: bool_attr(child, "ContainsTarget", false),
                }),
                "Member" => def.members.push(name),
                _ => {}
            }
        }
        def
    }

    fn operation_of(&self, node: roxmltree::Node<'_, '_>, ns: &str) -> Operation {
        let bound = bool_attr(node, "IsBound", false);
        let mut params = node
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "Parameter")
            .map(|p| Property {
                name: attr(p, "Name").unwrap_or_default().to_owned(),
                ty: self.type_ref(
                    attr(p, "Type").unwrap_or_default(),
                    bool_attr(p, "Nullable", true),
                ),
            })
            .collect::<Vec<_>>();
        let binding = (bound && !params.is_empty()).then(|| params.remove(0).ty);
        let returns = node
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == "ReturnType")
            .map(|r| {
                self.type_ref(
                    attr(r, "Type").unwrap_or_default(),
                    bool_attr(r, "Nullable", true),
                )
            });
        Operation {
            name: format!("{ns}.{}", attr(node, "Name").unwrap_or_default()),
            is_action: node.tag_name().name() == "Action",
            binding,
            parameters: params,
            returns,
        }
    }

    /// Whether the document declares a schema with this namespace (types of other namespaces are
    /// not this document's business).
    pub fn has_namespace(&self, namespace: &str) -> bool {
        self.namespaces.iter().any(|n| n == namespace)
    }

    /// The namespaces the document declares schemas for, in document order.
    pub fn namespaces(&self) -> &[String] {
        &self.namespaces
    }

    /// Where this index came from, when it records it (the built-in index does).
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    /// Records where this index came from (written into [`Metadata::to_index`]).
    #[must_use]
    pub fn with_source(mut self, source: Source) -> Metadata {
        self.source = Some(source);
        self
    }

    /// Microsoft Graph v1.0's schema, built in: an index generated from Microsoft's published
    /// `$metadata` (see [`Metadata::source`] for the commit and date, and the crate's README for
    /// the command that regenerates it). Read once per process.
    ///
    /// ```
    /// let graph = graph_odata_metadata::Metadata::graph_v1_0().unwrap();
    /// assert!(graph.type_def("microsoft.graph.todoTask").is_some());
    /// assert_eq!(graph.source().unwrap().date.len(), "2026-08-04".len());
    /// ```
    pub fn graph_v1_0() -> Result<&'static Metadata, Error> {
        static BUILT_IN: std::sync::OnceLock<Option<Metadata>> = std::sync::OnceLock::new();
        BUILT_IN
            .get_or_init(|| Metadata::from_index(builtin::GRAPH_V1_0))
            .as_ref()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Parse,
                    "the built-in Graph v1.0 index is damaged (a packaging bug: please report it)",
                )
            })
    }

    /// A close type name of the same namespace, for messages (`, did you mean `x`?` or empty).
    pub fn suggest_type(&self, name: &str) -> String {
        let ns = name.rsplit_once('.').map_or("", |(n, _)| n);
        let simple = name.rsplit('.').next().unwrap_or(name);
        let candidates: Vec<&str> = self
            .types
            .keys()
            .filter(|k| k.rsplit_once('.').is_some_and(|(n, _)| n == ns))
            .filter_map(|k| k.rsplit('.').next())
            .collect();
        suggest(simple, &candidates)
    }

    /// A close name among `known`, for messages (`, did you mean `x`?` or empty).
    pub fn suggest_among(word: &str, known: &[&str]) -> String {
        suggest(word, known)
    }

    /// A type by qualified or alias-qualified name.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(&self.qualify(name))
    }

    /// The type and its base types, most derived first.
    pub fn lineage(&self, name: &str) -> Vec<&TypeDef> {
        let mut out = Vec::new();
        let mut next = self.type_def(name);
        while let Some(t) = next {
            if out.iter().any(|o: &&TypeDef| o.name == t.name) {
                break;
            }
            out.push(t);
            next = t.base.as_deref().and_then(|b| self.types.get(b));
        }
        out
    }

    /// A property of the type or one of its bases.
    pub fn property(&self, type_name: &str, property: &str) -> Option<&Property> {
        self.lineage(type_name)
            .into_iter()
            .find_map(|t| t.properties.iter().find(|p| p.name == property))
    }

    /// All property names of the type and its bases.
    pub fn property_names(&self, type_name: &str) -> Vec<&str> {
        self.lineage(type_name)
            .into_iter()
            .flat_map(|t| t.properties.iter().map(|p| p.name.as_str()))
            .collect()
    }

    /// A navigation property of the type or one of its bases, with the type that declares it.
    pub fn navigation(&self, type_name: &str, name: &str) -> Option<Declared<'_, Navigation>> {
        self.lineage(type_name).into_iter().find_map(|t| {
            t.navigation
                .iter()
                .find(|n| n.name == name)
                .map(|n| Declared { on: t, item: n })
        })
    }

    /// Whether `derived` is `base` or derives from it.
    pub fn derives_from(&self, derived: &str, base: &str) -> bool {
        let base = self.qualify(base);
        self.lineage(derived).iter().any(|t| t.name == base)
    }

    /// Operations named `name` (simple or qualified) bound to `type_name` or one of its bases
    /// (or to a collection of it when `collection`).
    pub fn bound_operations(
        &self,
        type_name: &str,
        name: &str,
        collection: bool,
    ) -> Vec<&Operation> {
        let lineage: Vec<String> = self
            .lineage(type_name)
            .iter()
            .map(|t| t.name.clone())
            .collect();
        let qualified = self.qualify(name);
        self.operations
            .iter()
            .filter(|o| {
                (o.name == qualified || o.name.rsplit('.').next() == Some(name))
                    && o.binding
                        .as_ref()
                        .is_some_and(|b| b.collection == collection && lineage.contains(&b.name))
            })
            .collect()
    }

    /// How much the document holds.
    pub fn totals(&self) -> Totals {
        Totals {
            entity_sets: self.entity_sets.len(),
            singletons: self.singletons.len(),
            types: self.types.len(),
            operations: self.operations.len(),
        }
    }

    /// Walks a path, given as segments (`users`, `{id}`, `todo`, `microsoft.graph.sharedDriveItem`,
    /// `createLink`): an entity set or singleton, then keys, navigation properties (contained or
    /// not), type casts, and a bound operation at the end. The error says which segment failed and
    /// suggests a close name.
    pub fn resolve_path(&self, segments: &[String]) -> Result<Resolved, Error> {
        self.resolve_segments(segments)
            .map_err(|m| Error::new(ErrorKind::Path, m))
    }

    fn resolve_segments(&self, segments: &[String]) -> Result<Resolved, String> {
        let Some((first, rest)) = segments.split_first() else {
            return Err("the path is empty".into());
        };
        let mut steps = Vec::new();
        // An operation import at the root: `ping(text='…')` (written `ping()` by the macros) or
        // `ping`; nothing may follow it.
        let import_name = first.strip_suffix("()").unwrap_or(first);
        if let Some(op_name) = self.imports.get(import_name) {
            if let Some(extra) = rest.first() {
                return Err(format!(
                    "the operation import `{import_name}` ends the path; `{extra}` cannot follow it"
                ));
            }
            let op = self
                .operations
                .iter()
                .find(|o| &o.name == op_name && o.binding.is_none())
                .ok_or_else(|| {
                    format!("the operation import `{import_name}` names `{op_name}`, which is not an unbound operation")
                })?;
            steps.push(format!("OperationImport {import_name} -> {op_name}"));
            return Ok(Resolved {
                target: Target::Operation(op.clone()),
                steps,
            });
        }
        let mut target = if let Some(t) = self.entity_sets.get(first.as_str()) {
            steps.push(format!("EntitySet {first} -> Collection of {t}"));
            Target::Collection(t.clone())
        } else if let Some(t) = self.singletons.get(first.as_str()) {
            steps.push(format!("Singleton {first} -> {t}"));
            Target::Entity(t.clone())
        } else {
            let known: Vec<&str> = self
                .entity_sets
                .keys()
                .chain(self.singletons.keys())
                .chain(self.imports.keys())
                .map(String::as_str)
                .collect();
            return Err(format!(
                "no entity set, singleton or operation import named `{import_name}`{}",
                suggest(import_name, &known)
            ));
        };
        for (i, seg) in rest.iter().enumerate() {
            let last = i + 1 == rest.len();
            target = match target {
                Target::Collection(t) => {
                    if !self.is_name_of_something(&t, seg, true)
                        && let Some(why) = self.qualified_misfit(&t, seg, true)
                    {
                        return Err(why);
                    }
                    if seg.starts_with('{') || !self.is_name_of_something(&t, seg, true) {
                        // A key (placeholder or literal value).
                        steps.push(format!("key {seg} -> {t}"));
                        Target::Entity(t)
                    } else if let Some(cast) = self.cast(&t, seg) {
                        steps.push(format!("cast {seg} -> Collection of {cast}"));
                        Target::Collection(cast)
                    } else {
                        let op = self.operation_step(&t, seg, true, last)?;
                        steps.push(format!("operation {} bound to Collection({t})", op.name));
                        Target::Operation(op)
                    }
                }
                Target::Entity(t) => {
                    if let Some(Declared {
                        on: decl,
                        item: nav,
                    }) = self.navigation(&t, seg)
                    {
                        let shown = if nav.ty.collection {
                            format!("Collection of {}", nav.ty.name)
                        } else {
                            nav.ty.name.clone()
                        };
                        steps.push(format!(
                            "nav {seg} (declared on {}{}) -> {shown}",
                            decl.name,
                            if nav.contained { ", contained" } else { "" }
                        ));
                        if nav.ty.collection {
                            Target::Collection(nav.ty.name.clone())
                        } else {
                            Target::Entity(nav.ty.name.clone())
                        }
                    } else if let Some(p) = self.property(&t, seg) {
                        steps.push(format!("property {seg} -> {}", p.ty.name));
                        Target::Value(p.ty.clone())
                    } else if let Some(cast) = self.cast(&t, seg) {
                        steps.push(format!("cast {seg} -> {cast}"));
                        Target::Entity(cast)
                    } else if !self.is_name_of_something(&t, seg, false)
                        && let Some(why) = self.qualified_misfit(&t, seg, false)
                    {
                        return Err(why);
                    } else {
                        let op = self.operation_step(&t, seg, false, last)?;
                        steps.push(format!("operation {} bound to {t}", op.name));
                        Target::Operation(op)
                    }
                }
                Target::Value(v) => {
                    return Err(format!(
                        "`{seg}` cannot follow the {} value before it",
                        v.name
                    ));
                }
                Target::Operation(op) => {
                    return Err(format!("`{seg}` cannot follow the operation `{}`", op.name));
                }
            };
        }
        Ok(Resolved { target, steps })
    }

    /// Why a segment written as a qualified name (`microsoft.graph.group`, `graph.delta()`) is
    /// neither a type cast nor an operation here, if it is written so. A key value with dots
    /// (`john.doe@contoso.com`, `{id}`) is not a qualified name; a prefix close to a namespace is.
    fn qualified_misfit(&self, t: &str, seg: &str, collection: bool) -> Option<String> {
        if seg.starts_with('{') {
            return None;
        }
        let name = seg.strip_suffix("()").unwrap_or(seg);
        let (ns, _) = name.rsplit_once('.')?;
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            return None;
        }
        let prefixes: Vec<&str> = self
            .namespaces
            .iter()
            .chain(self.aliases.keys())
            .map(String::as_str)
            .collect();
        if !prefixes.contains(&ns) {
            let close = prefixes
                .iter()
                .any(|p| distance(&p.to_ascii_lowercase(), &ns.to_ascii_lowercase()) <= 2);
            return close.then(|| {
                format!(
                    "`{seg}`: the namespace `{ns}` is not in the schema{}",
                    suggest(ns, &prefixes)
                )
            });
        }
        // Derived types (casts) and bound operations, by qualified name.
        let mut known: Vec<String> = Vec::new();
        let mut stack = vec![t.to_owned()];
        while let Some(b) = stack.pop() {
            if let Some(ds) = self.derived.get(&b) {
                known.extend(ds.iter().cloned());
                stack.extend(ds.iter().cloned());
            }
        }
        known.extend(self.bound_to(t, collection).map(|o| o.name.clone()));
        let qualified = self.qualify(name);
        let refs: Vec<&str> = known.iter().map(String::as_str).collect();
        Some(format!(
            "{} has no derived type or bound operation named `{qualified}`{}",
            shape(t, collection),
            suggest(&qualified, &refs)
        ))
    }

    /// Every operation bound to `t` (or a base of it), as one entity or as a collection.
    fn bound_to<'a>(&'a self, t: &'a str, collection: bool) -> impl Iterator<Item = &'a Operation> {
        self.operations.iter().filter(move |o| {
            o.binding
                .as_ref()
                .is_some_and(|b| b.collection == collection && self.derives_from(t, &b.name))
        })
    }

    fn is_name_of_something(&self, t: &str, seg: &str, collection: bool) -> bool {
        self.cast(t, seg).is_some()
            || !self
                .bound_operations(t, seg.trim_end_matches("()"), collection)
                .is_empty()
    }

    fn cast(&self, from: &str, seg: &str) -> Option<String> {
        if !seg.contains('.') {
            return None;
        }
        let q = self.qualify(seg);
        (self.types.contains_key(&q) && self.derives_from(&q, from)).then_some(q)
    }

    fn operation_step(
        &self,
        t: &str,
        seg: &str,
        collection: bool,
        last: bool,
    ) -> Result<Operation, String> {
        let name = seg.split('(').next().unwrap_or(seg);
        match self.bound_operations(t, name, collection).first() {
            Some(op) if last || !op.is_action => Ok((*op).clone()),
            Some(op) => Err(format!("the action `{}` must be the last segment", op.name)),
            None => {
                let mut known: Vec<&str> = Vec::new();
                for d in self.lineage(t) {
                    known.extend(d.navigation.iter().map(|n| n.name.as_str()));
                    if !collection {
                        known.extend(d.properties.iter().map(|p| p.name.as_str()));
                    }
                }
                known.extend(
                    self.bound_to(t, collection)
                        .filter_map(|o| o.name.rsplit('.').next()),
                );
                Err(format!(
                    "{} has no navigation property, property or bound operation named `{seg}`{}",
                    shape(t, collection),
                    suggest(seg, &known)
                ))
            }
        }
    }
}

/// `microsoft.graph.user` or `Collection(microsoft.graph.user)`, for messages.
fn shape(t: &str, collection: bool) -> String {
    if collection {
        format!("Collection({t})")
    } else {
        t.to_owned()
    }
}

/// `, did you mean `x`?` when a known name is close.
fn suggest(word: &str, known: &[&str]) -> String {
    match names::did_you_mean(word, known) {
        Some(k) => format!(", did you mean `{k}`?"),
        None => String::new(),
    }
}

/// The edit distance of two names, letter case ignored (see [`names::did_you_mean`]).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    names::edit_distance(&a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line::split_path;

    const FIXTURE: &str = include_str!("../tests/fixture.csdl.xml");

    fn md() -> Metadata {
        Metadata::parse(FIXTURE).unwrap()
    }

    #[test]
    fn keys_with_dots_are_keys_and_qualified_typos_are_named() {
        let md = md();
        for key in ["john.doe@contoso.com", "a.b", "{id}", "x.y.z"] {
            let r = md
                .resolve_path(&split_path(&format!("users/{key}/todo")))
                .unwrap();
            assert_eq!(
                r.target,
                Target::Entity("microsoft.graph.todo".into()),
                "{key}"
            );
        }
        let err = md
            .resolve_path(&split_path("users/microsoft.grph.user"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("the namespace `microsoft.grph` is not in the schema, did you mean `microsoft.graph`?"),
            "{err}"
        );
        let err = md.resolve_path(&split_path("users/graph.usr")).unwrap_err();
        assert!(
            err.to_string()
                .contains("no derived type or bound operation named `microsoft.graph.usr`"),
            "{err}"
        );
    }

    #[test]
    fn types_properties_and_aliases() {
        let md = md();
        let lr = md.type_def("graph.linkedResource").unwrap();
        assert_eq!(lr.kind, Kind::Entity);
        assert_eq!(lr.base.as_deref(), Some("microsoft.graph.entity"));
        assert_eq!(
            md.property_names("microsoft.graph.linkedResource"),
            ["webUrl", "displayName", "id"]
        );
        let state = md.type_def("microsoft.graph.connectionState").unwrap();
        assert_eq!(state.members, ["draft", "ready", "unknownFutureValue"]);
        assert!(
            md.type_def("microsoft.graph.identitySource")
                .unwrap()
                .is_abstract
        );
        assert!(md.derives_from(
            "microsoft.graph.domainIdentitySource",
            "graph.identitySource"
        ));
        let p = md
            .property("microsoft.graph.connectedOrganization", "identitySources")
            .unwrap();
        assert!(p.ty.collection);
        assert_eq!(p.ty.name, "microsoft.graph.identitySource");
    }

    #[test]
    fn paths_resolve_through_keys_navigation_casts_and_operations() {
        let md = md();
        let r = md
            .resolve_path(&split_path("me/todo/lists/{l}/tasks/{t}/linkedResources"))
            .unwrap();
        assert_eq!(
            r.target,
            Target::Collection("microsoft.graph.linkedResource".into())
        );
        assert!(
            r.steps.iter().any(|s| s.contains("contained")),
            "{:?}",
            r.steps
        );
        let r = md
            .resolve_path(&split_path("drives/{d}/items/{i}/createLink"))
            .unwrap();
        assert!(
            matches!(r.target, Target::Operation(ref o) if o.name == "microsoft.graph.createLink")
        );
        let r = md
            .resolve_path(&split_path(
                "drives/{d}/items/{i}/microsoft.graph.driveItem/createLink",
            ))
            .unwrap();
        assert!(matches!(r.target, Target::Operation(_)));
        let r = md
            .resolve_path(&split_path("drives/{d}/items/{i}/delta()"))
            .unwrap_err();
        assert!(
            r.message().contains("microsoft.graph.driveItem has no"),
            "{r}"
        );
        let r = md
            .resolve_path(&split_path("drives/{d}/items/delta()"))
            .unwrap();
        assert!(matches!(r.target, Target::Operation(ref o) if !o.is_action));
    }

    #[test]
    fn operation_imports_resolve_at_the_root() {
        let md = Metadata::parse(FIXTURE).unwrap();
        let r = md.resolve_path(&["ping()".into()]).unwrap();
        assert!(
            matches!(&r.target, Target::Operation(o) if o.name == "microsoft.graph.ping"),
            "{r:?}"
        );
        let r = md.resolve_path(&["resetDemo".into()]).unwrap();
        assert!(matches!(&r.target, Target::Operation(o) if o.is_action));
        let e = md.resolve_path(&["ping()".into(), "x".into()]).unwrap_err();
        assert!(e.message().contains("ends the path"), "{e}");
        let e = md.resolve_path(&["pnig()".into()]).unwrap_err();
        assert!(e.message().contains("did you mean `ping`"), "{e}");
        let back = Metadata::from_index(&md.to_index()).unwrap();
        assert!(back.resolve_path(&["ping()".into()]).is_ok());
    }

    #[test]
    fn failures_name_the_segment_and_suggest() {
        let md = md();
        let e = md
            .resolve_path(&split_path("me/joinedGroups/{g}/drive"))
            .unwrap_err();
        assert!(e.message().contains("named `joinedGroups`"), "{e}");
        let e = md.resolve_path(&split_path("me/todo/list")).unwrap_err();
        assert!(e.message().contains("did you mean `lists`?"), "{e}");
        let e = md
            .resolve_path(&split_path("workbooks/{w}/createLink"))
            .unwrap_err();
        assert!(
            e.message()
                .starts_with("no entity set, singleton or operation import named `workbooks`"),
            "{e}"
        );
    }

    #[test]
    fn documents_that_are_not_csdl_are_refused() {
        assert!(
            Metadata::parse("{}")
                .unwrap_err()
                .message()
                .contains("not well-formed XML")
        );
        assert!(
            Metadata::parse("<html/>")
                .unwrap_err()
                .message()
                .contains("root element is `html`")
        );
        let with_bom = format!("\u{feff}{FIXTURE}");
        assert!(Metadata::parse(&with_bom).is_ok());
    }
}
