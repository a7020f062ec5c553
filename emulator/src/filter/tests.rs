//! Unit tests of the `$filter` and `$orderby` parser and evaluator.

use super::*;
use serde_json::json;

fn keep(filter: &str, items: &[Value]) -> Vec<String> {
    let e = parse(filter).unwrap_or_else(|err| panic!("{filter}: {err}"));
    items
        .iter()
        .filter(|i| matches(&e, i))
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn filters_evaluate_like_odata() {
    let items = vec![
        json!({"id": "1", "displayName": "Alice O'Neil", "age": 30, "address": {"city": "Oslo"}, "emails": ["a@contoso.com"], "manager": null}),
        json!({"id": "2", "displayName": "Bob", "age": 25, "address": {"city": "Bergen"}, "emails": [], "accountEnabled": false}),
        json!({"id": "3", "displayName": "alina", "age": 41, "emails": ["x@fabrikam.com", "y@contoso.com"], "accountEnabled": true}),
    ];
    assert_eq!(keep("displayName eq 'Alice O''Neil'", &items), ["1"]);
    assert_eq!(keep("age gt 26 and age le 41", &items), ["1", "3"]);
    assert_eq!(keep("not (age lt 30)", &items), ["1", "3"]);
    assert_eq!(
        keep("startswith(tolower(displayName),'ali')", &items),
        ["1", "3"]
    );
    assert_eq!(
        keep(
            "contains(displayName,'o') or endswith(displayName,'na')",
            &items
        ),
        ["2", "3"]
    );
    assert_eq!(keep("address/city eq 'Oslo'", &items), ["1"]);
    assert_eq!(keep("address/city eq null", &items), ["3"]);
    assert_eq!(
        keep("manager eq null and accountEnabled ne true", &items),
        ["1", "2"]
    );
    assert_eq!(keep("id in ('1','3')", &items), ["1", "3"]);
    assert_eq!(
        keep("emails/any(e:endswith(e,'@contoso.com'))", &items),
        ["1", "3"]
    );
    assert_eq!(keep("emails/any()", &items), ["1", "3"]);
    assert_eq!(keep("accountEnabled eq false", &items), ["2"]);
    assert_eq!(keep("age ge -1", &items), ["1", "2", "3"]);
}

#[test]
fn what_cannot_be_evaluated_is_named() {
    for (filter, says) in [
        ("age has 1", "`has` is not supported"),
        ("length(displayName) eq 3", "`length` is not supported"),
        ("emails/all(e:e eq 'x')", "`all` is not supported"),
        ("displayName eq 'open", "not closed"),
        ("(age eq 1", "expected `)`"),
        ("age eq", "ends too early"),
        ("age eq 1 1", "unexpected 1 after"),
        ("age # 1", "unexpected character `#`"),
        ("contains(a)", "takes 2 arguments"),
        (
            &format!("{}a eq 1{}", "(".repeat(300), ")".repeat(300)),
            "nests deeper than 64",
        ),
        (&"not ".repeat(50), "ends too early"),
        (&"not ".repeat(500), "nests deeper than 64"),
        (
            &format!("{}a eq 1", "a eq 1 and ".repeat(100_000)),
            "longer than 1000 tokens",
        ),
    ] {
        let e = parse(filter).unwrap_err();
        assert!(e.contains(says), "{filter}: {e}");
    }
}

#[test]
fn orderby_sorts_stably_with_nulls_first() {
    let mut items = vec![
        json!({"id": "1", "n": "b", "k": 2}),
        json!({"id": "2", "n": null, "k": 1}),
        json!({"id": "3", "n": "a", "k": 2}),
        json!({"id": "4", "n": "c", "k": 1}),
    ];
    sort(&mut items, &parse_order("k desc, n").unwrap());
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["3", "1", "2", "4"]);
    assert!(parse_order("n sideways").is_err());
    assert!(parse_order("length(n)").is_err());
}
