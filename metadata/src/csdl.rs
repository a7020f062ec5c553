//! The CSDL reader: an OData `$metadata` document (XML) into a [`Metadata`] index.

use crate::{Error, ErrorKind, Kind, Metadata, Navigation, Operation, Property, TypeDef, TypeRef};

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

    /// Fills `derived` from the types' base types (after reading a document or an index).
    pub(crate) fn rebuild_derived(&mut self) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../tests/fixture.csdl.xml");

    #[test]
    fn types_properties_and_aliases() {
        let md = Metadata::parse(FIXTURE).unwrap();
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
