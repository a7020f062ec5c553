//! The OData annotations a field can read (`#[graph(odata_etag)]` → `@odata.etag`), in one table:
//! the parser reads its keys, the model its roles and code generation its wire names.

use super::Role;

/// Every annotation field: the `#[graph(…)]` key, the field's role, the annotation's wire name.
/// The order is the one in which the model reports a field that has several.
pub(crate) const ANNOTATIONS: &[(&str, Role, &str)] = &[
    ("odata_type", Role::Type, "@odata.type"),
    ("odata_etag", Role::ETag, "@odata.etag"),
    ("odata_id", Role::Id, "@odata.id"),
    ("odata_context", Role::Context, "@odata.context"),
    ("odata_edit_link", Role::EditLink, "@odata.editLink"),
    ("odata_read_link", Role::ReadLink, "@odata.readLink"),
    (
        "odata_media_read_link",
        Role::MediaReadLink,
        "@odata.mediaReadLink",
    ),
    (
        "odata_media_edit_link",
        Role::MediaEditLink,
        "@odata.mediaEditLink",
    ),
];

/// The role of an annotation key (`odata_etag` → [`Role::ETag`]).
pub(crate) fn role_of_key(key: &str) -> Option<Role> {
    ANNOTATIONS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, role, _)| *role)
}

/// The wire name of an annotation role (`@odata.etag`); `None` for a property or `extra`.
pub(crate) fn wire_of(role: Role) -> Option<&'static str> {
    ANNOTATIONS
        .iter()
        .find(|(_, r, _)| *r == role)
        .map(|(_, _, wire)| *wire)
}

/// Where a role stands in the table (the order of [`ANNOTATIONS`]); `extra` and properties first.
pub(crate) fn position(role: Role) -> usize {
    ANNOTATIONS
        .iter()
        .position(|(_, r, _)| *r == role)
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::attrs::{KEYS, Place};

    /// Every role is either a property, `extra` or exactly one row of the table. The match has no
    /// wildcard: a new role does not compile until it is sorted here.
    #[test]
    fn every_annotation_role_has_one_row() {
        let roles = [
            Role::Property,
            Role::Extra,
            Role::Type,
            Role::ETag,
            Role::Id,
            Role::Context,
            Role::EditLink,
            Role::ReadLink,
            Role::MediaReadLink,
            Role::MediaEditLink,
        ];
        for role in roles {
            let rows = ANNOTATIONS.iter().filter(|(_, r, _)| *r == role).count();
            let want = match role {
                Role::Property | Role::Extra => 0,
                Role::Type
                | Role::ETag
                | Role::Id
                | Role::Context
                | Role::EditLink
                | Role::ReadLink
                | Role::MediaReadLink
                | Role::MediaEditLink => 1,
            };
            assert_eq!(rows, want, "{role:?}");
        }
        assert_eq!(ANNOTATIONS.len(), roles.len() - 2);
    }

    /// The table's keys are exactly the attribute table's `odata_*` field keys, and each wire name
    /// is `@odata.` + the key's rest in lowerCamelCase.
    #[test]
    fn the_keys_are_the_attribute_tables() {
        let mut field_keys: Vec<&str> = KEYS
            .iter()
            .filter(|k| k.places.contains(&Place::Field) && k.name.starts_with("odata_"))
            .map(|k| k.name)
            .collect();
        let mut ours: Vec<&str> = ANNOTATIONS.iter().map(|(k, _, _)| *k).collect();
        field_keys.sort_unstable();
        ours.sort_unstable();
        assert_eq!(field_keys, ours);
        for (key, _, wire) in ANNOTATIONS {
            let camel =
                graph_odata_metadata::names::snake_to_lower_camel(key.trim_start_matches("odata_"));
            assert_eq!(*wire, format!("@odata.{camel}"), "{key}");
        }
    }
}
