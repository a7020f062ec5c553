//! `permissions-index`: the compact permissions index of graph-odata-metadata, written from
//! Microsoft's permissions reference (`permissions.json`, schema
//! `microsoftgraph/kibali` `permissions-schema.json`).
//!
//! Read from each permission: `authorizationType` (only `oAuth2` permissions are kept: resource-specific
//! consent ones are granted per team or chat by its owner, not in an app registration), per scheme
//! `requiresAdminConsent` and `privilegeLevel`, and its `pathSets` (`schemeKeys`, `methods`, and
//! per path the `least=` mark; `AlsoRequires=` is not kept). Descriptions are left out.

use graph_odata_metadata::Source;
use graph_odata_metadata::permissions::{
    Scheme, SchemeFacts, SourcePathSet, SourcePermission, write_index,
};
use serde_json::Value;

/// The reference's permissions, or what is wrong with the document.
pub fn read_reference(text: &str) -> Result<Vec<SourcePermission>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let permissions = doc
        .get("permissions")
        .and_then(Value::as_object)
        .ok_or("no `permissions` object: not Microsoft's permissions reference")?;
    let mut out = Vec::new();
    for (name, p) in permissions {
        if p.get("authorizationType").and_then(Value::as_str) != Some("oAuth2") {
            continue;
        }
        let mut schemes = Vec::new();
        if let Some(map) = p.get("schemes").and_then(Value::as_object) {
            for (key, facts) in map {
                let Some(scheme) = Scheme::from_key(key) else {
                    continue;
                };
                schemes.push(SchemeFacts {
                    scheme,
                    admin_consent: facts
                        .get("requiresAdminConsent")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    privilege: facts
                        .get("privilegeLevel")
                        .and_then(Value::as_u64)
                        .and_then(|l| u8::try_from(l).ok()),
                });
            }
        }
        let mut path_sets = Vec::new();
        for set in p
            .get("pathSets")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let strings = |key: &str| -> Vec<String> {
                set.get(key)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let paths = set
                .get("paths")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(template, mark)| {
                            (
                                template.clone(),
                                least_of(mark.as_str().unwrap_or_default()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            path_sets.push(SourcePathSet {
                schemes: strings("schemeKeys")
                    .iter()
                    .filter_map(|k| Scheme::from_key(k))
                    .collect(),
                methods: strings("methods"),
                paths,
            });
        }
        out.push(SourcePermission {
            name: name.clone(),
            schemes,
            path_sets,
        });
    }
    if out.is_empty() {
        return Err("no oAuth2 permissions in the document".into());
    }
    Ok(out)
}

/// `least=DelegatedWork,Application;AlsoRequires=Policy.Read.All` → the schemes after `least=`.
fn least_of(mark: &str) -> Vec<Scheme> {
    mark.split(';')
        .filter_map(|part| part.trim().strip_prefix("least="))
        .flat_map(|list| list.split(','))
        .filter_map(|k| Scheme::from_key(k.trim()))
        .collect()
}

/// The index text of the reference `text`, recording `source`.
pub fn index_text(text: &str, source: &Source) -> Result<String, String> {
    let permissions = read_reference(text)?;
    write_index(source, &permissions).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_marks_are_read_with_their_extras() {
        assert_eq!(
            least_of("least=DelegatedWork,Application;AlsoRequires=Policy.Read.All"),
            [Scheme::DelegatedWork, Scheme::Application]
        );
        assert_eq!(least_of("AlsoRequires=Application.ReadWrite.All"), []);
        assert_eq!(least_of(""), []);
        assert_eq!(least_of("least=Nonsense"), []);
    }

    #[test]
    fn documents_that_are_not_the_reference_are_refused() {
        for text in [
            "",
            "[]",
            "{}",
            r#"{"permissions": []}"#,
            r#"{"permissions": {"X": {}}}"#,
        ] {
            assert!(read_reference(text).is_err(), "{text}");
        }
    }
}
