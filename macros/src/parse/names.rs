//! Names: Rust ↔ wire case conversion, qualified-name checks, and did-you-mean suggestions.

pub(crate) use graph_odata_metadata::names::{
    Case, did_you_mean, snake_from_camel, snake_to_pascal,
};

/// Checks a namespace-qualified OData name such as `microsoft.graph.linkedResource`; the error says
/// what is wrong.
pub(crate) fn check_qualified_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the OData type name is empty".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_whitespace()) {
        return Err(format!(
            "the OData type name `{name}` contains whitespace ({c:?})"
        ));
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 2 {
        return Err(format!(
            "the OData type name `{name}` has no namespace; write it qualified, e.g. `microsoft.graph.{name}`"
        ));
    }
    for part in &parts {
        if part.is_empty() {
            return Err(format!(
                "the OData type name `{name}` has an empty segment (`..`, or a leading or trailing `.`)"
            ));
        }
        check_simple_identifier(part)
            .map_err(|why| format!("the OData type name `{name}`: segment `{part}` {why}"))?;
    }
    Ok(())
}

/// An OData simple identifier: a letter or `_`, then letters, digits or `_`.
pub(crate) fn check_simple_identifier(s: &str) -> Result<(), &'static str> {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        Some(_) => return Err("must start with a letter or `_`"),
        None => return Err("is empty"),
    }
    if chars.all(|c| c.is_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err("may only contain letters, digits and `_`")
    }
}

/// `unknown graph_entity attribute `colection`, did you mean `collection`?`
pub(crate) fn unknown_key_message(macro_name: &str, key: &str, known: &[&str]) -> String {
    // Names other libraries use for the same thing (serde, darling, strum).
    const SYNONYMS: &[(&str, &str)] = &[
        ("catch_all", "other"),
        ("catchall", "other"),
        ("fallback", "other"),
        ("unknown", "other"),
        ("alias", "rename"),
        ("name", "rename"),
        ("readonly", "read_only"),
        ("skip_serializing", "read_only"),
        ("flatten", "extra"),
        ("id", "key"),
    ];
    let synonym = SYNONYMS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, s)| *s)
        .filter(|s| known.contains(s));
    match synonym.or_else(|| did_you_mean(key, known)) {
        Some(s) => format!("unknown {macro_name} attribute `{key}`, did you mean `{s}`?"),
        None => format!(
            "unknown {macro_name} attribute `{key}`; expected one of {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names() {
        check_qualified_name("microsoft.graph.linkedResource").unwrap();
        check_qualified_name("microsoft.graph.externalConnectors.externalConnection").unwrap();
        let e = |n: &str| check_qualified_name(n).unwrap_err();
        assert!(e("microsoft..graph").contains("empty segment"));
        assert!(e("linkedResource").contains("no namespace"));
        assert!(e("microsoft.graph.linked Resource").contains("whitespace"));
        assert!(e("microsoft.graph.9x").contains("must start with a letter"));
        assert!(e("microsoft.graph.a-b").contains("letters, digits"));
        assert!(e(".microsoft.graph").contains("empty segment"));
    }

    #[test]
    fn suggestions() {
        let known = ["collection", "rename", "read_only", "key"];
        assert_eq!(did_you_mean("colection", &known), Some("collection"));
        assert_eq!(did_you_mean("readonly", &known), Some("read_only"));
        assert_eq!(did_you_mean("raed_only", &known), Some("read_only"));
        assert_eq!(did_you_mean("zzz", &known), None);
        assert_eq!(
            unknown_key_message("graph_entity", "colection", &known),
            "unknown graph_entity attribute `colection`, did you mean `collection`?"
        );
    }
}

#[cfg(test)]
mod snake_tests {
    use super::snake_from_camel;

    #[test]
    fn camel_to_snake() {
        assert_eq!(snake_from_camel("todoTaskListId"), "todo_task_list_id");
        assert_eq!(snake_from_camel("userPrincipalName"), "user_principal_name");
        assert_eq!(snake_from_camel("driveItemID"), "drive_item_id");
        assert_eq!(
            snake_from_camel("itemActivityOLDId"),
            "item_activity_old_id"
        );
        assert_eq!(snake_from_camel("id"), "id");
        assert_eq!(snake_from_camel("sharedDriveItem"), "shared_drive_item");
    }
}
