//! The `PERMISSIONS` consts the macros generate, against the permissions tables of Graph's
//! documentation pages for the README's five operations (linked resources, sharing links,
//! external connections, connected organizations, To Do lists).
//!
//! A docs page has one table for all its HTTP lines; the `/me/…` forms never have an application
//! permission (an app-only token has no signed-in user), so a page's application permission is
//! checked on its `/users/…`, `/drives/…` or tenant-wide line.

#[path = "../examples/graph_models/mod.rs"]
mod graph_models;

use graph_models::{ConnectedOrganization, CreateLink, ExternalConnection, LinkedResource};
use graph_odata::permissions::{Endpoint, Manifest, Permission, Scheme};
use graph_odata::prelude::*;

/// A To Do list, as the README's "Calling Graph" section uses it.
#[graph_entity(
    create = "POST /me/todo/lists",
    create_for_user = "POST /users/{id|userPrincipalName}/todo/lists",
    list = "GET /me/todo/lists",
    list_for_user = "GET /users/{id|userPrincipalName}/todo/lists",
    get = "GET /me/todo/lists/{todoTaskListId}"
)]
pub struct TodoTaskList {
    #[graph(key, read_only)]
    pub id: Option<String>,
    pub display_name: Option<String>,
}

/// Least privileged per scheme: delegated work, delegated personal, application.
type Least = [Option<&'static str>; 3];

fn least(table: &'static [Endpoint], method: &str) -> Least {
    let e = table
        .iter()
        .find(|e| e.method == method)
        .unwrap_or_else(|| panic!("no endpoint method `{method}`"));
    assert!(e.known, "{}", e.line);
    Scheme::ALL.map(|s| e.least(s).map(|p| p.name))
}

#[test]
fn linked_resources_match_their_docs_pages() {
    // todotask-post-linkedresources: Tasks.ReadWrite (work), Tasks.ReadWrite (personal).
    let write = [Some("Tasks.ReadWrite"), Some("Tasks.ReadWrite"), None];
    assert_eq!(least(LinkedResource::PERMISSIONS, "create"), write);
    // The v1.0 page says application "not supported"; the permissions reference grants
    // Tasks.ReadWrite.All on the `/users/…` form. The index follows the reference.
    assert_eq!(
        least(LinkedResource::PERMISSIONS, "create_for_user"),
        [
            Some("Tasks.ReadWrite"),
            Some("Tasks.ReadWrite"),
            Some("Tasks.ReadWrite.All")
        ]
    );
    // linkedresource-get and todotask-list-linkedresources: Tasks.Read, Tasks.Read (application
    // Tasks.Read.All on the `/users/…` form only).
    let read = [Some("Tasks.Read"), Some("Tasks.Read"), None];
    assert_eq!(least(LinkedResource::PERMISSIONS, "get"), read);
    assert_eq!(least(LinkedResource::PERMISSIONS, "list"), read);
    assert_eq!(least(LinkedResource::PERMISSIONS, "update"), write);
    assert_eq!(least(LinkedResource::PERMISSIONS, "delete"), write);
    // The beta page's `POST /linkedResources` is in no permissions table: unknown, not guessed.
    let beta = LinkedResource::PERMISSIONS
        .iter()
        .find(|e| e.method == "create_beta")
        .unwrap();
    assert!(!beta.known && beta.least.is_empty());
}

#[test]
fn sharing_links_match_their_docs_page() {
    // driveitem-createlink: Files.ReadWrite (work), Files.ReadWrite (personal),
    // Files.ReadWrite.All (application).
    let all = [
        Some("Files.ReadWrite"),
        Some("Files.ReadWrite"),
        Some("Files.ReadWrite.All"),
    ];
    for method in [
        "drives_items",
        "groups_drive_items",
        "sites_drive_items",
        "users_drive_items",
    ] {
        assert_eq!(least(CreateLink::PERMISSIONS, method), all, "{method}");
    }
    assert_eq!(
        least(CreateLink::PERMISSIONS, "me_drive_items"),
        [Some("Files.ReadWrite"), Some("Files.ReadWrite"), None]
    );
    let admin = CreateLink::PERMISSIONS
        .iter()
        .find(|e| e.method == "drives_items")
        .unwrap()
        .least
        .iter()
        .map(|p| (p.scheme, p.admin_consent))
        .collect::<Vec<_>>();
    assert!(admin.contains(&(Scheme::Application, true)), "{admin:?}");
    assert!(admin.contains(&(Scheme::DelegatedWork, false)), "{admin:?}");
}

#[test]
fn external_connections_match_their_docs_pages() {
    // externalconnectors-external-post-connections and -externalconnection-get:
    // ExternalConnection.ReadWrite.OwnedBy (work and application), personal not supported.
    let owned = [
        Some("ExternalConnection.ReadWrite.OwnedBy"),
        None,
        Some("ExternalConnection.ReadWrite.OwnedBy"),
    ];
    assert_eq!(least(ExternalConnection::PERMISSIONS, "create"), owned);
    assert_eq!(least(ExternalConnection::PERMISSIONS, "get"), owned);
    // `POST /connections` (the old top-level form) is in no table.
    let top = ExternalConnection::PERMISSIONS
        .iter()
        .find(|e| e.method == "create_top_level")
        .unwrap();
    assert!(!top.known);
}

#[test]
fn connected_organizations_match_their_docs_page() {
    // entitlementmanagement-post-connectedorganizations: EntitlementManagement.ReadWrite.All
    // (work and application), personal not supported.
    assert_eq!(
        least(ConnectedOrganization::PERMISSIONS, "create"),
        [
            Some("EntitlementManagement.ReadWrite.All"),
            None,
            Some("EntitlementManagement.ReadWrite.All")
        ]
    );
    assert_eq!(
        least(ConnectedOrganization::PERMISSIONS, "list"),
        [
            Some("EntitlementManagement.Read.All"),
            None,
            Some("EntitlementManagement.Read.All")
        ]
    );
}

#[test]
fn todo_lists_match_their_docs_pages() {
    // todo-post-lists: Tasks.ReadWrite, Tasks.ReadWrite, Tasks.ReadWrite.All.
    assert_eq!(
        least(TodoTaskList::PERMISSIONS, "create"),
        [Some("Tasks.ReadWrite"), Some("Tasks.ReadWrite"), None]
    );
    assert_eq!(
        least(TodoTaskList::PERMISSIONS, "create_for_user"),
        [
            Some("Tasks.ReadWrite"),
            Some("Tasks.ReadWrite"),
            Some("Tasks.ReadWrite.All")
        ]
    );
    // todo-list-lists and todotasklist-get: Tasks.Read, Tasks.Read, Tasks.Read.All.
    let read = [Some("Tasks.Read"), Some("Tasks.Read"), None];
    assert_eq!(least(TodoTaskList::PERMISSIONS, "list"), read);
    assert_eq!(least(TodoTaskList::PERMISSIONS, "get"), read);
    assert_eq!(
        least(TodoTaskList::PERMISSIONS, "list_for_user"),
        [
            Some("Tasks.Read"),
            Some("Tasks.Read"),
            Some("Tasks.Read.All")
        ]
    );
}

#[test]
fn the_manifest_of_the_five_is_their_union() {
    let m = Manifest::of(&[
        LinkedResource::PERMISSIONS,
        CreateLink::PERMISSIONS,
        ExternalConnection::PERMISSIONS,
        ConnectedOrganization::PERMISSIONS,
        TodoTaskList::PERMISSIONS,
    ]);
    assert_eq!(
        m.names(Scheme::DelegatedWork),
        [
            "EntitlementManagement.Read.All",
            "EntitlementManagement.ReadWrite.All",
            "ExternalConnection.ReadWrite.OwnedBy",
            "Files.ReadWrite",
            "Tasks.Read",
            "Tasks.ReadWrite"
        ]
    );
    assert_eq!(
        m.names(Scheme::DelegatedPersonal),
        ["Files.ReadWrite", "Tasks.Read", "Tasks.ReadWrite"]
    );
    assert_eq!(
        m.names(Scheme::Application),
        [
            "EntitlementManagement.Read.All",
            "EntitlementManagement.ReadWrite.All",
            "ExternalConnection.ReadWrite.OwnedBy",
            "Files.ReadWrite.All",
            "Tasks.Read.All",
            "Tasks.ReadWrite.All"
        ]
    );
    assert!(m.permissions().contains(&Permission {
        name: "Tasks.ReadWrite.All",
        scheme: Scheme::Application,
        admin_consent: true
    }));
    assert_eq!(
        m.scopes()[0],
        "https://graph.microsoft.com/EntitlementManagement.Read.All"
    );
    // The beta lines of the examples and `POST /connections` are unknown.
    let unknown: Vec<&str> = m.unknown().iter().map(|e| e.line).collect();
    assert!(unknown.contains(&"POST /connections"), "{unknown:?}");
    assert!(
        unknown
            .iter()
            .all(|l| *l == "POST /connections" || l.contains("/beta/")),
        "{unknown:?}"
    );
}

/// Another OData service (its own `metadata = "…"`): no Graph permissions at all.
#[graph_entity(
    "Trippin.Person",
    metadata = "tests/fixtures/trippin.csdl.xml",
    list = "GET /People"
)]
pub struct Person {
    #[graph(key, rename = "UserName")]
    pub user_name: Option<String>,
}

/// Gives every type an empty `PERMISSIONS`; a generated const of the type's own wins over it.
trait NoPermissions {
    const PERMISSIONS: &'static [Endpoint] = &[];
}
impl<T> NoPermissions for T {}

#[test]
fn other_services_get_no_graph_permissions() {
    assert!(Person::PERMISSIONS.is_empty());
    assert!(
        !TodoTaskList::PERMISSIONS.is_empty(),
        "the trait does not hide generated consts"
    );
    let _ = Person::list();
}
