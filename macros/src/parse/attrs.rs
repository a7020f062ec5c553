//! Every attribute key the macros accept, declared once: where it is allowed, the value it takes
//! and what it does. The parsers in `parse` ask this table which keys a place accepts (unknown keys
//! get a did-you-mean from it), and the README's attribute reference is generated from it (a test
//! keeps the two equal).

/// Where a key is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Place {
    /// `#[graph_entity(…)]`
    Entity,
    /// `#[graph_complex(…)]`
    Complex,
    /// `#[graph_enum(…)]`
    Enum,
    /// `#[graph_action(…)]`
    Action,
    /// `#[graph_function(…)]`
    Function,
    /// `#[graph(…)]` on a field
    Field,
    /// `#[graph(…)]` on an enum variant
    Variant,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Place {
    fn label(self) -> &'static str {
        match self {
            Place::Entity => "entity",
            Place::Complex => "complex",
            Place::Enum => "enum",
            Place::Action => "action",
            Place::Function => "function",
            Place::Field => "field",
            Place::Variant => "variant",
        }
    }
}

/// One attribute key.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) places: &'static [Place],
    /// How it is written, for the reference (`= "…"`, or empty for a flag).
    pub(crate) form: &'static str,
    pub(crate) doc: &'static str,
}

use Place::{Action, Complex, Entity, Enum, Field, Function, Variant};

const TYPES: &[Place] = &[Entity, Complex, Enum, Action, Function];
const STRUCTS: &[Place] = &[Entity, Complex];
const OPERATIONS: &[Place] = &[Action, Function];

/// The table. Entity endpoint keys (`create`, `get_for_user`, …) are the verbs of
/// `ENDPOINT_VERBS` with an optional suffix; they are listed here once, as `create`…`delete`.
pub(crate) const KEYS: &[Key] = &[
    Key {
        name: "namespace",
        places: TYPES,
        form: " = \"microsoft.graph.externalConnectors\"",
        doc: "the namespace; the name is the Rust name in lowerCamelCase (or write the qualified name first: `#[graph_entity(\"microsoft.graph.todoTask\")]`)",
    },
    Key {
        name: "base",
        places: STRUCTS,
        form: " = Type",
        doc: "the base type of a derived type (a Rust type, or `\"ns.name\"`); the derived type then writes its `@odata.type`",
    },
    Key {
        name: "abstract",
        places: STRUCTS,
        form: "",
        doc: "on an enum of derived types: the base is abstract, every value names its derived type",
    },
    Key {
        name: "write_type",
        places: STRUCTS,
        form: "",
        doc: "always write `@odata.type`",
    },
    Key {
        name: "flags",
        places: &[Enum],
        form: "",
        doc: "a flags enumeration; a property of it is `Flags<…>`",
    },
    Key {
        name: "version",
        places: TYPES,
        form: " = \"beta\"",
        doc: "`v1.0` (default) or `beta`: which Graph schema the declaration is checked against",
    },
    Key {
        name: "metadata",
        places: TYPES,
        form: " = \"csdl/contoso.xml\"",
        doc: "check against this CSDL file (relative to the crate's manifest; `${NAME}` is the environment variable `NAME`) instead of Graph",
    },
    Key {
        name: "unchecked",
        places: TYPES,
        form: "",
        doc: "no `$metadata` checks for this declaration; `unchecked = \"beta\"`: none for its beta parts",
    },
    Key {
        name: "patch_type",
        places: &[Entity],
        form: " = \"TaskChanges\"",
        doc: "the name of the PATCH companion (default `{Name}Patch`)",
    },
    Key {
        name: "field_enum",
        places: &[Entity],
        form: " = \"TaskProperty\"",
        doc: "the name of the field enum for `$select`/`$orderby`/`$expand` (default `{Name}Field`)",
    },
    Key {
        name: "rename_all",
        places: TYPES,
        form: " = \"PascalCase\"",
        doc: "how fields and members are named on the wire when not `camelCase` (Graph's): `PascalCase`, `snake_case`, `lowercase`, `UPPERCASE`, `SCREAMING_SNAKE_CASE`; `#[graph(rename)]` still wins",
    },
    Key {
        name: "create",
        places: &[Entity],
        form: " = \"POST /path\"",
        doc: "an endpoint method, and likewise `get`, `list`, `update`, `delete`, each with an optional suffix (`get_for_user`); the line is pasted from the Graph docs",
    },
    Key {
        name: "returns",
        places: OPERATIONS,
        form: " = Type",
        doc: "the answer's type (`Page<T>` for a collection)",
    },
    Key {
        name: "paths",
        places: OPERATIONS,
        form: " = [\"POST /path\", name = \"POST /path\"]",
        doc: "the HTTP lines that invoke the operation; a method per line (named after the path, or as given)",
    },
    Key {
        name: "bound",
        places: OPERATIONS,
        form: " = \"microsoft.graph.driveItem\"",
        doc: "the binding type, checked against the schema",
    },
    Key {
        name: "aliases",
        places: &[Function],
        form: "",
        doc: "parameters as aliases (`f(p=@p)?@p=…`); required for collection parameters",
    },
    Key {
        name: "rename",
        places: &[Field, Variant],
        form: " = \"wireName\"",
        doc: "the wire name, when it is not the Rust name in lowerCamelCase",
    },
    Key {
        name: "key",
        places: &[Field],
        form: "",
        doc: "the entity's key; a blank non-`Option` key is never sent",
    },
    Key {
        name: "read_only",
        places: &[Field],
        form: "",
        doc: "read from answers, never written, no PATCH setter",
    },
    Key {
        name: "default",
        places: &[Field],
        form: "",
        doc: "a missing member takes the type's `Default`",
    },
    Key {
        name: "extra",
        places: &[Field],
        form: "",
        doc: "a `serde_json::Map<String, Value>` that keeps unknown members (open types)",
    },
    Key {
        name: "odata_type",
        places: &[Field],
        form: "",
        doc: "an `Option<String>` that reads `@odata.type`; likewise `odata_etag`, `odata_id`, `odata_context`, `odata_edit_link`, `odata_read_link`, `odata_media_read_link`, `odata_media_edit_link`",
    },
    Key {
        name: "odata_etag",
        places: &[Field],
        form: "",
        doc: "reads `@odata.etag` (send it back with `Request::if_match`)",
    },
    Key {
        name: "odata_id",
        places: &[Field],
        form: "",
        doc: "reads `@odata.id`",
    },
    Key {
        name: "odata_context",
        places: &[Field],
        form: "",
        doc: "reads `@odata.context`",
    },
    Key {
        name: "odata_edit_link",
        places: &[Field],
        form: "",
        doc: "reads `@odata.editLink` (`Response::resolve` makes it absolute)",
    },
    Key {
        name: "odata_read_link",
        places: &[Field],
        form: "",
        doc: "reads `@odata.readLink`",
    },
    Key {
        name: "odata_media_read_link",
        places: &[Field],
        form: "",
        doc: "reads `@odata.mediaReadLink`",
    },
    Key {
        name: "odata_media_edit_link",
        places: &[Field],
        form: "",
        doc: "reads `@odata.mediaEditLink`",
    },
    Key {
        name: "secret",
        places: &[Field],
        form: "",
        doc: "on an action's or function's parameter: redacted in `Debug`",
    },
    Key {
        name: "unchecked",
        places: &[Field],
        form: "",
        doc: "not checked against the schema (a property newer than the built-in snapshot)",
    },
    Key {
        name: "other",
        places: &[Variant],
        form: "",
        doc: "the catch-all: `Other(String)` in an enumeration, `Other(RawObject)` in an enum of derived types",
    },
];

/// The keys accepted at `place`, in table order.
pub(crate) fn names(place: Place) -> Vec<&'static str> {
    KEYS.iter()
        .filter(|k| k.places.contains(&place))
        .map(|k| k.name)
        .collect()
}

/// The README's attribute reference, a Markdown table generated from [`KEYS`].
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn markdown() -> String {
    let mut out = String::from("| attribute | on | what it does |\n|---|---|---|\n");
    for k in KEYS {
        let at = match k.places {
            [Place::Field] | [Place::Variant] | [Place::Field, Place::Variant] => "graph",
            _ => "…",
        };
        let written = if at == "graph" {
            format!("`#[graph({}{})]`", k.name, k.form)
        } else {
            format!("`{}{}`", k.name, k.form)
        };
        let on: Vec<&str> = k.places.iter().map(|p| p.label()).collect();
        out.push_str(&format!("| {written} | {} | {} |\n", on.join(", "), k.doc));
    }
    out
}

/// The attributes of one macro, for its rustdoc in `lib.rs`: the keys written at any of `places`,
/// in table order (a test keeps the rustdoc equal to it).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn markdown_for(places: &[Place]) -> String {
    let mut out = String::from("| attribute | what it does |\n|---|---|\n");
    for k in KEYS
        .iter()
        .filter(|k| k.places.iter().any(|p| places.contains(p)))
    {
        let inner = k
            .places
            .iter()
            .all(|p| matches!(p, Place::Field | Place::Variant));
        let written = if inner {
            format!("`#[graph({}{})]`", k.name, k.form)
        } else {
            format!("`{}{}`", k.name, k.form)
        };
        out.push_str(&format!("| {written} | {} |\n", k.doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "<!-- attribute table: generated from macros/src/parse/attrs.rs -->\n";
    const END: &str = "<!-- end of attribute table -->";

    /// The README's reference is the table; `GOLDEN_OVERWRITE=1` rewrites it.
    #[test]
    fn the_readme_reference_is_the_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
        let readme = std::fs::read_to_string(&path).expect("the workspace README");
        let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
            panic!("README.md lacks the attribute table markers");
        };
        let current = &readme[a + START.len()..b];
        let want = markdown();
        if std::env::var("GOLDEN_OVERWRITE").as_deref() == Ok("1") {
            let updated = format!("{}{START}{want}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, updated).expect("README.md is writable");
            return;
        }
        assert_eq!(
            current, want,
            "README's attribute table is stale: GOLDEN_OVERWRITE=1"
        );
    }

    /// Each macro's rustdoc (`lib.rs`, shown on docs.rs for the facade too) carries the table of its
    /// own keys and those of its fields and variants; `GOLDEN_OVERWRITE=1` rewrites them.
    #[test]
    fn the_macro_docs_are_the_table() {
        use crate::parse::MacroKind;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        let mut source = std::fs::read_to_string(&path).expect("macros/src/lib.rs");
        let mut stale = Vec::new();
        for kind in MacroKind::ALL {
            let inner: &[Place] = match kind {
                MacroKind::Entity | MacroKind::Complex => &[Place::Field, Place::Variant],
                MacroKind::Enum => &[Place::Variant],
                MacroKind::Action | MacroKind::Function => &[Place::Field],
            };
            let mut places = vec![kind.place()];
            places.extend_from_slice(inner);
            let name = kind.name();
            let start = format!(
                "/// <!-- {name} attributes: generated from macros/src/parse/attrs.rs -->\n"
            );
            let end = format!("/// <!-- end of {name} attributes -->");
            let (Some(a), Some(b)) = (source.find(&start), source.find(&end)) else {
                panic!("lib.rs lacks the markers of the {name} attribute table");
            };
            let want: String = markdown_for(&places)
                .lines()
                .map(|line| format!("/// {line}\n"))
                .collect();
            if source[a + start.len()..b] != want {
                stale.push(name);
                source = format!("{}{start}{want}{}", &source[..a], &source[b..]);
            }
        }
        if std::env::var("GOLDEN_OVERWRITE").as_deref() == Ok("1") {
            std::fs::write(&path, source).expect("lib.rs is writable");
            return;
        }
        assert!(
            stale.is_empty(),
            "the attribute tables of {stale:?} in lib.rs are stale: GOLDEN_OVERWRITE=1"
        );
    }

    /// Every key of the table is parsed at each of its places: neither "unknown attribute" nor the
    /// parsers' error for a table key they have no arm for.
    #[test]
    fn every_key_has_a_parser() {
        use super::super::args::NO_PARSER;
        use crate::ctxt::Ctxt;
        use crate::parse::{self, MacroKind};
        for k in KEYS {
            for place in k.places {
                let value = match k.form {
                    "" => String::new(),
                    f if f.contains('[') => " = [\"GET /x\"]".to_owned(),
                    " = Type" => " = Thing".to_owned(),
                    _ => " = \"microsoft.graph.x\"".to_owned(),
                };
                let mut cx = Ctxt::new();
                let text = format!("{}{value}", k.name);
                let kind = match place {
                    Place::Entity => Some(MacroKind::Entity),
                    Place::Complex => Some(MacroKind::Complex),
                    Place::Enum => Some(MacroKind::Enum),
                    Place::Action => Some(MacroKind::Action),
                    Place::Function => Some(MacroKind::Function),
                    Place::Field | Place::Variant => None,
                };
                match kind {
                    Some(kind) => {
                        let tokens: proc_macro2::TokenStream = text.parse().expect("tokens");
                        let _ = parse::type_args(kind, tokens, &mut cx);
                    }
                    None => {
                        let attr: syn::Attribute = syn::parse_str::<syn::DeriveInput>(&format!(
                            "struct S {{ #[graph({text})] f: u8 }}"
                        ))
                        .ok()
                        .and_then(|d| match d.data {
                            syn::Data::Struct(s) => s.fields.into_iter().next(),
                            _ => None,
                        })
                        .and_then(|f| f.attrs.into_iter().next())
                        .expect("an attribute");
                        if *place == Place::Field {
                            let _ = parse::field_attrs(&[attr], &mut cx);
                        } else {
                            let _ = parse::variant_attrs(&[attr], &mut cx);
                        }
                    }
                }
                let errors = cx.check().to_string();
                assert!(
                    !errors.contains("unknown") && !errors.contains(NO_PARSER),
                    "`{text}` on {place:?}: {errors}"
                );
            }
        }
    }
}
