//! Generated code names every runtime item through `::graph_odata::__private`, so user items that
//! shadow the prelude (`Result`, `Option`, `Some`, `String`, `Vec`, …) do not break it.

mod hostile {
    #![allow(dead_code, non_camel_case_types, clippy::all)]

    use graph_odata::wire::RawObject;
    use graph_odata::{graph_complex, graph_entity, graph_enum};

    pub struct Result;
    pub struct Option;
    pub struct Ok;
    pub struct Err;
    pub struct Some;
    pub struct None;
    pub struct String;
    pub struct Vec;
    pub struct Default;
    pub struct Into;
    pub struct Box;
    pub mod serde {}
    pub mod serde_json {}
    pub mod fmt {}
    pub mod wire {}

    type Text = std::string::String;
    type Maybe<T> = std::option::Option<T>;

    #[graph_entity("contoso.test.item", metadata = "tests/fixtures/contoso.csdl.xml")]
    pub struct Item {
        #[graph(key, read_only)]
        pub id: std::option::Option<Text>,
        pub tags: std::vec::Vec<Text>,
        pub kind: std::option::Option<::graph_odata::wire::Flags<Kind>>,
        pub part: std::option::Option<Part>,
        pub shape: std::option::Option<Shape>,
        #[graph(odata_etag)]
        pub etag: std::option::Option<Text>,
        #[graph(extra)]
        pub extra: ::serde_json::Map<Text, ::serde_json::Value>,
    }

    #[graph_enum(
        "contoso.test.kind",
        flags,
        metadata = "tests/fixtures/contoso.csdl.xml"
    )]
    #[derive(Debug, PartialEq)]
    pub enum Kind {
        Small,
        Large,
        #[graph(other)]
        Other(Text),
    }

    #[graph_complex("contoso.test.part", metadata = "tests/fixtures/contoso.csdl.xml")]
    pub struct Part {
        pub count: i32,
        /// Optionality is read from the written type: through an alias, `default` supplies `None`
        /// when the member is missing, and `None` is written as `null`.
        #[graph(default)]
        pub note: Maybe<Text>,
    }

    #[graph_complex(
        "contoso.test.shape",
        abstract,
        metadata = "tests/fixtures/contoso.csdl.xml"
    )]
    pub enum Shape {
        Circle(Circle),
        #[graph(other)]
        Other(RawObject),
    }

    #[graph_complex("contoso.test.circle", base = Shape, metadata = "tests/fixtures/contoso.csdl.xml")]
    pub struct Circle {
        pub radius: f64,
    }
}

#[test]
fn generated_code_survives_a_hostile_prelude() {
    let text = r##"{"id":"1","tags":["a"],"kind":"small,large","part":{"count":2},
        "shape":{"radius":1.5,"@odata.type":"#contoso.test.circle"},"@odata.etag":"W/\"2\"","more":true}"##;
    let item: hostile::Item = serde_json::from_str(text).unwrap();
    assert_eq!(
        item.kind.as_ref().map(|k| k.0.as_slice()),
        Some(&[hostile::Kind::Small, hostile::Kind::Large][..])
    );
    assert_eq!(item.etag.as_deref(), Some("W/\"2\""));
    assert!(matches!(item.shape, Some(hostile::Shape::Circle(ref c)) if c.radius == 1.5));
    let out = serde_json::to_value(&item).unwrap();
    assert_eq!(
        out,
        serde_json::json!({"tags":["a"],"kind":"small,large","part":{"count":2,"note":null},
            "shape":{"@odata.type":"#contoso.test.circle","radius":1.5},"more":true})
    );
    let patch = hostile::Item::patch()
        .clear_kind()
        .tags(vec!["b".to_owned()]);
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"tags":["b"],"kind":null}"#
    );
}
