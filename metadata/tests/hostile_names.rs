//! The generator on `$metadata` from a service nobody here controls: names built to end a string
//! literal, a comment or an attribute, keywords, Unicode, empty names. The output must parse as
//! Rust and hold only the items and attributes the generator writes, with every wire name kept
//! exactly in an escaped literal.

use std::collections::BTreeSet;

use graph_odata_metadata::Metadata;
use graph_odata_metadata::generate::{Generated, Options, generate_report};
use graph_odata_metadata::names::{is_qualified_name, snake_to_pascal};
use proptest::prelude::*;
use syn::{Attribute, Item};

/// `text` as an XML attribute value: every character but ASCII letters and digits as a character
/// reference, so the document carries the exact name.
fn xml(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("&#x{:x};", u32::from(c))
            }
        })
        .collect()
}

/// A document in namespace `ns` with: an entity type `entity` keyed by `id` whose properties are
/// `props` (strings) plus one of the enum and one of the abstract complex type; an enum named
/// `enum_name` with `members`; an abstract complex type `shape` with one derived type named
/// `derived`; an entity set and a navigation property named `set`; and an action named `action`
/// bound to `entity` with parameters `props`.
struct Doc<'a> {
    entity: &'a str,
    props: &'a [String],
    enum_name: &'a str,
    members: &'a [String],
    derived: &'a str,
    set: &'a str,
    action: &'a str,
}

impl Doc<'_> {
    fn csdl(&self) -> String {
        let props: String = self
            .props
            .iter()
            .map(|p| format!(r#"<Property Name="{}" Type="Edm.String"/>"#, xml(p)))
            .collect();
        let members: String = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| format!(r#"<Member Name="{}" Value="{i}"/>"#, xml(m)))
            .collect();
        let params: String = self
            .props
            .iter()
            .map(|p| format!(r#"<Parameter Name="{}" Type="Edm.String"/>"#, xml(p)))
            .collect();
        let (entity, enum_name, derived, set, action) = (
            xml(self.entity),
            xml(self.enum_name),
            xml(self.derived),
            xml(self.set),
            xml(self.action),
        );
        format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices><Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
    <EntityType Name="{entity}"><Key><PropertyRef Name="id"/></Key>
      <Property Name="id" Type="Edm.String" Nullable="false"/>{props}
      <Property Name="kind" Type="ns.{enum_name}"/>
      <Property Name="shape" Type="ns.shape"/>
      <NavigationProperty Name="{set}" Type="Collection(ns.{entity})"/>
    </EntityType>
    <EnumType Name="{enum_name}">{members}</EnumType>
    <ComplexType Name="shape" Abstract="true"/>
    <ComplexType Name="{derived}" BaseType="ns.shape"><Property Name="side" Type="Edm.Int32"/></ComplexType>
    <Action Name="{action}" IsBound="true"><Parameter Name="bindingParameter" Type="ns.{entity}"/>{params}</Action>
    <EntityContainer Name="c"><EntitySet Name="{set}" EntityType="ns.{entity}"/></EntityContainer>
  </Schema></edmx:DataServices>
</edmx:Edmx>"#
        )
    }

    fn all_names(&self) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = self.props.iter().chain(self.members).cloned().collect();
        for n in [
            self.entity,
            self.enum_name,
            self.derived,
            self.action,
            "shape",
        ] {
            names.insert(format!("ns.{n}"));
        }
        names.extend(["id", "kind", "shape", "side"].map(str::to_owned));
        names
    }

    fn generate(&self) -> Option<Generated> {
        let md = Metadata::parse(&self.csdl()).ok()?;
        generate_report(
            &md,
            &[&format!("ns.{}", self.entity)],
            &Options {
                path_depth: 4,
                actions: true,
            },
        )
        .ok()
    }
}

fn attr_name(a: &Attribute) -> String {
    a.path()
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// The string literals of an attribute's arguments, with the key before each (`rename`, `paths`)
/// or `""` for the first positional one.
fn literals(a: &Attribute) -> Vec<(String, String)> {
    let list = match &a.meta {
        syn::Meta::List(list) => list,
        syn::Meta::NameValue(nv) => {
            return match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => vec![(String::new(), s.value())],
                _ => Vec::new(),
            };
        }
        syn::Meta::Path(_) => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut key = String::new();
    fn walk(tokens: proc_macro2::TokenStream, key: &mut String, out: &mut Vec<(String, String)>) {
        for t in tokens {
            match t {
                proc_macro2::TokenTree::Ident(i) => *key = i.to_string(),
                proc_macro2::TokenTree::Literal(l) => {
                    if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                        out.push((key.clone(), s.value()));
                    }
                }
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), key, out),
                proc_macro2::TokenTree::Punct(_) => {}
            }
        }
    }
    walk(list.tokens.clone(), &mut key, &mut out);
    out
}

/// Parses the generated file and asserts it holds only what the generator writes: three `use`
/// items and one inner `allow`, then structs and enums with the generator's attributes, every
/// `rename` and declaration name a name of the document that the macros accept, every doc line a
/// single line, and no two names that would collide once the macros derive theirs.
fn assert_only_declarations(code: &str, names: &BTreeSet<String>) {
    let file = syn::parse_file(code).unwrap_or_else(|e| panic!("does not parse: {e}\n{code}"));
    assert_eq!(file.attrs.len(), 1, "{code}");
    assert!(file.shebang.is_none());
    let check_attrs = |attrs: &[Attribute], allowed: &[&str]| {
        for a in attrs {
            let name = attr_name(a);
            assert!(
                allowed.contains(&name.as_str()),
                "unexpected attribute `{name}`\n{code}"
            );
            for (key, value) in literals(a) {
                match (name.as_str(), key.as_str()) {
                    ("doc", _) => assert!(!value.contains(['\n', '\r']), "{value:?}"),
                    ("graph", "rename") => {
                        assert!(names.contains(&value), "rename {value:?}\n{code}");
                        assert!(
                            !value.is_empty() && !value.contains(['@', '.', '/']),
                            "a rename the macros refuse: {value:?}\n{code}"
                        );
                    }
                    ("graph_entity" | "graph_complex" | "graph_enum" | "graph_action", "") => {
                        assert!(names.contains(&value), "declaration {value:?}\n{code}");
                        assert!(
                            is_qualified_name(&value),
                            "a type name the macros refuse: {value:?}\n{code}"
                        );
                    }
                    _ => {}
                }
            }
        }
    };
    let declaration = [
        "doc",
        "derive",
        "graph_entity",
        "graph_complex",
        "graph_enum",
        "graph_action",
    ];
    let mut uses = 0;
    // Type names with the companions the macros add: none may collide.
    let mut types = BTreeSet::new();
    let mut declare = |name: String| {
        for suffix in ["", "Patch", "PatchBody", "Field"] {
            assert!(
                types.insert(format!("{name}{suffix}")),
                "`{name}{suffix}` twice\n{code}"
            );
        }
    };
    for item in &file.items {
        match item {
            Item::Use(u) => {
                uses += 1;
                check_attrs(&u.attrs, &["allow"]);
            }
            Item::Struct(s) => {
                check_attrs(&s.attrs, &declaration);
                declare(s.ident.to_string());
                // Each field, its field-enum variant and its `clear_` method are distinct.
                let mut derived = BTreeSet::new();
                for f in &s.fields {
                    check_attrs(&f.attrs, &["doc", "graph"]);
                    let ident = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let bare = ident.trim_start_matches("r#").to_owned();
                    let variant = snake_to_pascal(&bare);
                    assert!(
                        syn::parse_str::<syn::Ident>(&variant).is_ok(),
                        "field `{ident}` gives no variant\n{code}"
                    );
                    for key in [bare.clone(), format!("clear_{bare}"), format!("#{variant}")] {
                        assert!(derived.insert(key.clone()), "`{key}` twice\n{code}");
                    }
                }
            }
            Item::Enum(e) => {
                check_attrs(&e.attrs, &declaration);
                declare(e.ident.to_string());
                let mut variants = BTreeSet::new();
                for v in &e.variants {
                    check_attrs(&v.attrs, &["doc", "graph"]);
                    assert!(variants.insert(v.ident.to_string()), "{code}");
                    for f in &v.fields {
                        assert!(f.attrs.is_empty(), "{code}");
                    }
                }
            }
            _ => panic!("an item the generator does not write\n{code}"),
        }
    }
    assert_eq!(uses, 3, "{code}");
}

const HOSTILE: &[&str] = &[
    "a\"b",
    "x\");fn evil(){}//",
    "*/ fn evil() {} /*",
    "line\n#[evil]",
    "#[cfg(any())]",
    "名前",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "_",
    "1st",
    "extra",
    "Other",
    "\u{202e}rtl",
    "back\\slash",
    "",
];

#[test]
fn hostile_names_never_become_code() {
    let props: Vec<String> = HOSTILE.iter().map(|s| (*s).to_owned()).collect();
    for name in HOSTILE {
        let derived = format!("Sq{name}");
        let doc = Doc {
            entity: "thing",
            props: &props,
            enum_name: "thingKind",
            members: &props,
            derived: &derived,
            set: name,
            action: name,
        };
        let Some(generated) = doc.generate() else {
            panic!("{name:?}: no output\n{}", doc.csdl());
        };
        assert_only_declarations(&generated.code, &doc.all_names());
        let code = &generated.code;
        // `fn evil` is only ever inside literals and doc lines: no function item parsed above.
        assert!(!code.contains('\u{202e}'), "{code}");
        // Keywords: raw where Rust allows it, else a name the field enum can use, renamed.
        assert!(code.contains("pub r#type: Option<String>,"), "{code}");
        assert!(
            code.contains("#[graph(rename = \"self\")]\n    pub field_self: Option<String>,"),
            "{code}"
        );
        assert!(code.contains("pub super_: Option<String>,"), "{code}");
        assert!(
            code.contains("#[graph(rename = \"_\")]\n    pub field_:"),
            "{code}"
        );
        assert!(code.contains("pub field_1st: Option<String>,"), "{code}");
        // Not an identifier: sanitised, with the exact wire name in an escaped literal.
        assert!(
            code.contains("#[graph(rename = \"a\\\"b\")]\n    pub a_b: Option<String>,"),
            "{code}"
        );
        assert!(
            code.contains("#[graph(rename = \"\\u{540d}\\u{524d}\")]\n    pub u540d_u524d:"),
            "{code}"
        );
        assert!(
            code.contains("#[graph(rename = \"line\\u{a}#[evil]\")]\n    pub line_evil_:"),
            "{code}"
        );
        // Enum members that are not OData names are left out (the catch-all keeps them).
        assert!(
            code.contains("    #[graph(rename = \"self\")]\n    Self_,"),
            "{code}"
        );
        assert!(
            code.contains("    #[graph(rename = \"Other\")]\n    Other2,"),
            "{code}"
        );
        assert!(code.contains("    Extra,"), "{code}");
        let skipped = generated.skipped.join("\n");
        for left_out in [
            r#"the property "" of "ns.thing" is not an OData property name"#,
            r#"the property "*/ fn evil() {} /*" of "ns.thing" is not an OData property name"#,
            r#"is not an OData member name"#,
        ] {
            assert!(skipped.contains(left_out), "{left_out}\n{skipped}");
        }
        // A derived type whose name is not an OData name is left out of its base's variants.
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            let left_out = "is not a qualified OData name";
            assert!(skipped.contains(left_out), "{left_out}\n{skipped}");
            assert!(!code.contains("Sq"), "{code}");
        } else {
            assert!(code.contains("    Sq"), "{code}");
        }
    }
}

#[test]
fn a_requested_type_whose_name_is_not_an_odata_name_is_an_error_not_code() {
    for name in ["a\"b", "x);fn evil(){}//", "1st", "a b", ""] {
        let md = Metadata::parse(
            &Doc {
                entity: name,
                props: &[],
                enum_name: "e",
                members: &[],
                derived: "d",
                set: "s",
                action: "a",
            }
            .csdl(),
        )
        .unwrap();
        let err = generate_report(&md, &[&format!("ns.{name}")], &Options::default()).unwrap_err();
        assert!(
            err.to_string().contains("is not a qualified OData name"),
            "{err}"
        );
    }
}

/// Names a fuzzer would try: fragments that end literals, comments and attributes, keywords,
/// Unicode, and strings of those characters.
fn name() -> impl Strategy<Value = String> {
    const CHARS: &[char] = &[
        'a', 'B', 'z', '0', '9', '_', '"', '\'', '(', ')', ';', '*', '/', '#', '[', ']', '{', '}',
        '!', ' ', '\n', '\r', '\t', '.', '-', '\\', 'é', '名', '\u{202e}', '\u{2028}', '😀', '`',
    ];
    prop_oneof![
        prop::sample::select(HOSTILE).prop_map(str::to_owned),
        prop::sample::select(
            &[
                "fn",
                "r#type",
                "async",
                "gen",
                "try",
                "union",
                "static",
                "Option",
                "Vec",
                "String",
                "Flags",
                "RawObject",
                "id",
                "kind"
            ][..]
        )
        .prop_map(str::to_owned),
        prop::collection::vec(prop::sample::select(CHARS), 0..10)
            .prop_map(|c| c.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_code_parses_for_any_names(
        entity in name(),
        props in prop::collection::vec(name(), 0..6),
        enum_name in name(),
        members in prop::collection::vec(name(), 0..6),
        derived in name(),
        set in name(),
        action in name(),
    ) {
        let doc = Doc {
            entity: &entity,
            props: &props,
            enum_name: &enum_name,
            members: &members,
            derived: &derived,
            set: &set,
            action: &action,
        };
        if let Some(generated) = doc.generate() {
            assert_only_declarations(&generated.code, &doc.all_names());
            for s in &generated.skipped {
                prop_assert!(s.chars().all(|c| c == ' ' || c.is_ascii_graphic()), "{s:?}");
            }
        }
    }
}
