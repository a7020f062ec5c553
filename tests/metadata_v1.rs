//! The example declarations (`examples/graph_models`) checked against Microsoft Graph's published v1.0 metadata.
//!
//! The CSDL is read from `GRAPH_ODATA_METADATA_V1_0` (Microsoft Graph's v1.0 CSDL; `.ci/run` sets
//! it); without it these tests say what they skip and pass, so the README's plain `cargo test`
//! works on a clone with nothing beside it. Under CI (`CI=1`) a missing file fails them.

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;
mod support;

use std::sync::OnceLock;

use graph_models::*;
use graph_odata::wire::{ODataType, TypeKind};
use graph_odata_metadata::line::split_path;
use graph_odata_metadata::{Kind, Metadata, Target};

fn metadata() -> Option<&'static Metadata> {
    static MD: OnceLock<Option<Metadata>> = OnceLock::new();
    MD.get_or_init(|| {
        let path = support::external_file(
            "GRAPH_ODATA_METADATA_V1_0",
            "Microsoft Graph's v1.0 metadata (v1.0.csdl.xml)",
        )?;
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("GRAPH_ODATA_METADATA_V1_0={}: {e}", path.display()));
        Some(Metadata::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    })
    .as_ref()
}

/// The v1.0 metadata, or return from the test: skipped outside CI (with a message), a failure under
/// CI (see `support::external_file`).
macro_rules! need_metadata {
    () => {
        match metadata() {
            Some(md) => md,
            None => return,
        }
    };
}

#[test]
fn the_published_file_loads_with_its_totals() {
    let md = need_metadata!();
    let totals = md.totals();
    assert_eq!((totals.entity_sets, totals.singletons), (40, 30));
    assert_eq!(totals.types, 1182 + 1780 + 861);
    assert_eq!(totals.operations, 857 + 324);
}

/// Every property an example model declares exists on the type (or a base) in v1.0.
fn check<T: ODataType>(md: &Metadata) {
    let name = T::QUALIFIED_NAME;
    let def = md
        .type_def(name)
        .unwrap_or_else(|| panic!("{name} is not in v1.0"));
    let kind = match T::KIND {
        TypeKind::Entity => Kind::Entity,
        TypeKind::Complex => Kind::Complex,
        TypeKind::Enum => Kind::Enum,
        other => panic!("{name}: {other:?} is not a type"),
    };
    assert_eq!(def.kind, kind, "{name}");
    assert_eq!(def.is_abstract, T::ABSTRACT, "{name}");
    if let Some(base) = T::BASE {
        assert!(
            md.derives_from(name, base),
            "{name} does not derive from {base}"
        );
    }
    let known = if kind == Kind::Enum {
        def.members.iter().map(String::as_str).collect()
    } else {
        md.property_names(name)
    };
    for p in T::PROPERTIES {
        assert!(
            known.contains(p),
            "{name} has no `{p}` in v1.0; it has {known:?}"
        );
    }
}

#[test]
fn the_example_types_match_v1() {
    let md = need_metadata!();
    check::<LinkedResource>(md);
    check::<Permission>(md);
    check::<IdentitySet>(md);
    check::<SharePointIdentitySet>(md);
    check::<Identity>(md);
    check::<SharePointIdentity>(md);
    check::<SharePointGroupIdentity>(md);
    check::<SharingLink>(md);
    check::<DriveRecipient>(md);
    check::<ItemReference>(md);
    check::<SharepointIds>(md);
    check::<SharingInvitation>(md);
    check::<ExternalConnection>(md);
    check::<Configuration>(md);
    check::<ActivitySettings>(md);
    check::<UrlToItemResolverBase>(md);
    check::<ItemIdResolver>(md);
    check::<UrlMatchInfo>(md);
    check::<SearchSettings>(md);
    check::<DisplayTemplate>(md);
    check::<PropertyRule>(md);
    check::<RuleOperation>(md);
    check::<BinaryOperator>(md);
    check::<ContentCategory>(md);
    check::<ConnectionState>(md);
    check::<ConnectedOrganization>(md);
    check::<IdentitySource>(md);
    check::<AzureActiveDirectoryTenant>(md);
    check::<CrossCloudAzureActiveDirectoryTenant>(md);
    check::<DomainIdentitySource>(md);
    check::<ExternalDomainFederation>(md);
    check::<SocialIdentitySource>(md);
    check::<SocialIdentitySourceType>(md);
    check::<ConnectedOrganizationState>(md);
}

#[test]
fn the_beta_pages_forms_are_not_v1() {
    let md = need_metadata!();
    // The beta connectedOrganization's createdBy/modifiedBy are beta-only.
    let names = md.property_names("microsoft.graph.connectedOrganization");
    assert!(!names.contains(&"createdBy"));
    // The beta externalConnection's authorizedApps is authorizedAppIds in v1.0.
    let names = md.property_names("microsoft.graph.externalConnectors.configuration");
    assert_eq!(names, ["authorizedAppIds"]);
}

#[test]
fn today_s_paths_resolve_and_the_old_ones_fail_with_reasons() {
    let md = need_metadata!();
    let collection = |p: &str| match md.resolve_path(&split_path(p)) {
        Ok(r) => match r.target {
            Target::Collection(t) => t,
            other => panic!("{p}: {other:?}"),
        },
        Err(e) => panic!("{p}: {e}"),
    };
    assert_eq!(
        collection("/me/todo/lists/{l}/tasks/{t}/linkedResources"),
        "microsoft.graph.linkedResource"
    );
    assert_eq!(
        collection("/users/{id}/todo/lists/{l}/tasks/{t}/linkedResources"),
        "microsoft.graph.linkedResource"
    );
    assert_eq!(
        collection("/external/connections"),
        "microsoft.graph.externalConnectors.externalConnection"
    );
    assert_eq!(
        collection("/connections"),
        "microsoft.graph.externalConnectors.externalConnection"
    );
    assert_eq!(
        collection("/identityGovernance/entitlementManagement/connectedOrganizations"),
        "microsoft.graph.connectedOrganization"
    );
    assert!(
        md.resolve_path(&split_path("/linkedResources"))
            .unwrap_err()
            .message()
            .contains("`linkedResources`")
    );
    assert!(
        md.resolve_path(&split_path("/connectedOrganizations"))
            .is_err()
    );

    // createLink: 8 of the 23 paths of its 2021 beta page resolve in v1.0, all of today's do.
    let beta_page = [
        "/drives/{drivesId}/root/createLink",
        "/shares/{sharesId}/root/createLink",
        "/workbooks/{workbooksId}/createLink",
        "/shares/{sharesId}/driveItem/createLink",
        "/me/joinedGroups/{groupId}/drive/root/createLink",
        "/drives/{drivesId}/items/{driveItemId}/createLink",
        "/shares/{sharesId}/items/{driveItemId}/createLink",
        "/drives/{drivesId}/bundles/{driveItemId}/createLink",
        "/drives/{drivesId}/special/{driveItemId}/createLink",
        "/drives/{drivesId}/following/{driveItemId}/createLink",
        "/workbooks/{workbooksId}/children/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/drive/items/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/drive/bundles/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/drive/special/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/drive/following/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/team/channels/{channelId}/filesFolder/createLink",
        "/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/createLink",
        "/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/listItem/driveItem/createLink",
        "/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/children/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/root/createLink",
        "/me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/driveItem/createLink",
        "/me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/items/{driveItemId}/createLink",
        "/me/joinedGroups/{groupId}/drive/activities/{itemActivityOLDId}/driveItem/analytics/itemActivityStats/{itemActivityStatId}/activities/{itemActivityId}/driveItem/createLink",
    ];
    let resolving: Vec<&str> = beta_page
        .iter()
        .copied()
        .filter(|p| md.resolve_path(&split_path(p)).is_ok())
        .collect();
    assert_eq!(resolving.len(), 8, "{resolving:#?}");
    let err = md.resolve_path(&split_path(beta_page[4])).unwrap_err();
    assert!(err.message().contains("named `joinedGroups`"), "{err}");
    // The same paths through /groups/{id} resolve, except those through drive/activities.
    let regrouped: Vec<String> = beta_page
        .iter()
        .filter(|p| p.starts_with("/me/joinedGroups/"))
        .map(|p| p.replace("/me/joinedGroups/", "/groups/"))
        .collect();
    let ok = regrouped
        .iter()
        .filter(|p| md.resolve_path(&split_path(p)).is_ok())
        .count();
    assert_eq!((regrouped.len(), ok), (13, 9));
    for today in [
        "/drives/{driveId}/items/{itemId}/createLink",
        "/groups/{groupId}/drive/items/{itemId}/createLink",
        "/me/drive/items/{itemId}/createLink",
        "/sites/{siteId}/drive/items/{itemId}/createLink",
        "/users/{userId}/drive/items/{itemId}/createLink",
        "/sites/{siteId}/lists/{listId}/items/{listItemId}/createLink",
    ] {
        match md.resolve_path(&split_path(today)) {
            Ok(r) => match r.target {
                Target::Operation(op) => {
                    assert_eq!(op.name, "microsoft.graph.createLink");
                    let names: Vec<&str> = op.parameters.iter().map(|p| p.name.as_str()).collect();
                    assert!(
                        names.contains(&"retainInheritedPermissions")
                            && names.contains(&"sendNotification")
                    );
                    assert_eq!(
                        op.returns.map(|r| r.name).as_deref(),
                        Some("microsoft.graph.permission")
                    );
                }
                other => panic!("{today}: {other:?}"),
            },
            Err(e) => panic!("{today}: {e}"),
        }
    }
}

/// A declaration can name its own metadata file (relative to the crate), whatever the environment.
/// The check is that this compiles: the path and type resolve in the fixture.
/// `tests/ui_metadata/metadata_file_missing.rs` shows the argument is read.
#[graph_odata::graph_entity(
    "microsoft.graph.linkedResource",
    metadata = "metadata/tests/fixture.csdl.xml",
    list = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources"
)]
pub struct FixtureLinkedResource {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub web_url: Option<String>,
}

#[test]
fn a_declaration_can_name_its_metadata_file() {
    let r = FixtureLinkedResource::list("l", "t");
    assert_eq!(r.path(), "/me/todo/lists/l/tasks/t/linkedResources");
}
