//! Questions about an index: types and their bases, properties, navigation properties, bound
//! operations, and where the index came from.

use crate::{
    Declared, Error, ErrorKind, Metadata, Navigation, Operation, Property, Source, Totals, TypeDef,
    builtin, names,
};

impl Metadata {
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
        names::suggest(simple, &candidates)
    }

    /// A close name among `known`, for messages (`, did you mean `x`?` or empty); the same as
    /// [`names::suggest`].
    pub fn suggest_among(word: &str, known: &[&str]) -> String {
        names::suggest(word, known)
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
}
