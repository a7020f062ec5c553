use super::*;

fn graph() -> &'static Permissions {
    Permissions::graph().unwrap()
}

fn least(method: Method, path: &str) -> [Option<String>; 3] {
    let needs = graph().lookup(method, path).unwrap();
    SCHEMES.map(|s| needs.least(s).map(|d| d.name().to_owned()))
}

fn names(list: [Option<&str>; 3]) -> [Option<String>; 3] {
    list.map(|n| n.map(str::to_owned))
}

#[test]
fn the_built_in_index_reads_and_names_its_source() {
    let g = graph();
    assert_eq!(
        g.source().commit,
        "6cbd6bbd665a877560fdefbad74f3bdb5b57af88"
    );
    assert_eq!(g.source().date, "2026-08-07");
    assert!(g.templates() > 7000, "{}", g.templates());
    let tasks = g.permission("Tasks.ReadWrite").unwrap();
    assert!(!tasks.admin_consent(Scheme::DelegatedWork));
    let all = g.permission("Tasks.ReadWrite.All").unwrap();
    assert!(all.admin_consent(Scheme::Application));
    assert_eq!(all.scheme(Scheme::Application).unwrap().privilege, Some(4));
    assert!(g.permission("tasks.readwrite").is_none(), "names are exact");
}

#[test]
fn me_has_no_application_form_and_users_has() {
    let me = "/me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources";
    let users =
        "/users/{id|userPrincipalName}/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources";
    assert_eq!(
        least(Method::Post, me),
        names([Some("Tasks.ReadWrite"), Some("Tasks.ReadWrite"), None])
    );
    assert_eq!(
        least(Method::Post, users),
        names([
            Some("Tasks.ReadWrite"),
            Some("Tasks.ReadWrite"),
            Some("Tasks.ReadWrite.All")
        ])
    );
}

#[test]
fn of_two_marked_least_the_narrower_wins() {
    // Tasks.Read (GET only) and Tasks.ReadWrite (GET, POST) are both marked least for GET, both
    // at privilege level 3.
    assert_eq!(
        least(Method::Get, "/me/todo/lists/{l}/tasks/{t}/linkedResources"),
        names([Some("Tasks.Read"), Some("Tasks.Read"), None])
    );
    // EntitlementManagement.Read.All (level 3) over EntitlementManagement.ReadWrite.All (4).
    assert_eq!(
        least(
            Method::Get,
            "/identityGovernance/entitlementManagement/connectedOrganizations"
        ),
        names([
            Some("EntitlementManagement.Read.All"),
            None,
            Some("EntitlementManagement.Read.All")
        ])
    );
    let needs = graph()
        .lookup(Method::Get, "/external/connections/{id}")
        .unwrap();
    let all: Vec<&str> = needs
        .all(Scheme::Application)
        .iter()
        .map(|d| d.name())
        .collect();
    assert_eq!(
        all,
        [
            "ExternalConnection.Read.All",
            "ExternalConnection.ReadWrite.All",
            "ExternalConnection.ReadWrite.OwnedBy"
        ]
    );
    assert_eq!(
        needs.least(Scheme::Application).unwrap().name(),
        "ExternalConnection.ReadWrite.OwnedBy"
    );
}

#[test]
fn spellings_of_one_path_meet() {
    let expected = least(Method::Get, "/users/{id}/todo/lists");
    for p in [
        "/users/{userId}/todo/lists",
        "/Users/{id|userPrincipalName}/TODO/Lists",
        "/users('{id}')/todo/lists",
        "users/{id}/todo/lists?$top=5",
        "/users/adele@contoso.com/todo/lists",
    ] {
        assert_eq!(least(Method::Get, p), expected, "{p}");
    }
    // Functions: without arguments by their bare name, with them by `name={id}`.
    assert!(graph().lookup(Method::Get, "/users/delta()").is_some());
    assert!(
        graph()
            .lookup(Method::Get, "/reports/getTeamsTeamCounts(period='D7')")
            .is_some()
    );
    // A path below a drive item.
    assert!(
        graph()
            .lookup(
                Method::Get,
                "/me/drive/root:/{path}:/workbook/worksheets/{id}/range"
            )
            .is_some()
    );
}

#[test]
fn a_literal_never_stands_for_a_template_literal() {
    // `{itemId}` is a key: it does not match `root`, and `root` does not match `items`.
    let a = graph()
        .lookup(Method::Get, "/me/drive/root/children")
        .unwrap();
    assert_eq!(a.template(), "me/drive/root/children");
    assert!(
        graph()
            .lookup(Method::Get, "/me/drive/{x}/children")
            .is_none()
    );
    // A method the template does not list is unknown, not borrowed from another template.
    assert!(graph().lookup(Method::Put, "/me/todo/lists").is_none());
}

#[test]
fn hostile_paths_are_unknown_never_a_panic() {
    let long = format!("/users/{}", "a".repeat(1 << 20));
    let deep = "/me".repeat(10_000);
    let braces = "{".repeat(5000);
    let parens = format!("/users{}", "(".repeat(5000));
    for p in [
        "",
        "/",
        "//",
        "/me/../users",
        "/users/{id}/../../me",
        "/me/./todo/lists",
        "/me\0/todo",
        "/ME/TODO/LISTS/%2e%2e",
        long.as_str(),
        deep.as_str(),
        braces.as_str(),
        parens.as_str(),
        "/users/{id}}/todo",
        "/users/(/todo",
        "/é/ü/😀",
    ] {
        assert!(
            graph().lookup(Method::Get, p).is_none(),
            "{}",
            p.chars().take(40).collect::<String>()
        );
    }
}

fn tiny_source() -> Vec<SourcePermission> {
    let facts = |scheme, admin_consent, privilege| SchemeFacts {
        scheme,
        admin_consent,
        privilege,
    };
    vec![
        SourcePermission {
            name: "Things.ReadWrite".into(),
            schemes: vec![facts(Scheme::DelegatedWork, false, Some(3))],
            path_sets: vec![SourcePathSet {
                schemes: vec![Scheme::DelegatedWork],
                methods: vec!["GET".into(), "POST".into()],
                paths: vec![("/Things/{thingId}".into(), vec![Scheme::DelegatedWork])],
            }],
        },
        SourcePermission {
            name: "Things.Read".into(),
            schemes: vec![
                facts(Scheme::DelegatedWork, false, Some(3)),
                facts(Scheme::Application, true, None),
            ],
            path_sets: vec![SourcePathSet {
                schemes: vec![Scheme::DelegatedWork, Scheme::Application],
                methods: vec!["GET".into(), "TRACE".into()],
                paths: vec![
                    ("/things/{id}".into(), vec![Scheme::DelegatedWork]),
                    ("/things/../x".into(), vec![]),
                ],
            }],
        },
    ]
}

#[test]
fn written_indexes_read_back() {
    let text = write_index(&Source::default(), &tiny_source()).unwrap();
    assert!(
        !text.contains(".."),
        "a template lookups cannot produce is left out\n{text}"
    );
    let p = Permissions::parse(&text).unwrap();
    assert_eq!(
        p.templates(),
        1,
        "`/Things/{{thingId}}` and `/things/{{id}}` are one"
    );
    let get = p.lookup(Method::Get, "/things/{x}").unwrap();
    assert_eq!(
        get.least(Scheme::DelegatedWork).unwrap().name(),
        "Things.Read"
    );
    // Unmarked for Application: the one that grants it.
    assert_eq!(
        get.least(Scheme::Application).unwrap().name(),
        "Things.Read"
    );
    assert!(get.least(Scheme::DelegatedPersonal).is_none());
    let post = p.lookup(Method::Post, "/things/{x}").unwrap();
    assert_eq!(
        post.least(Scheme::DelegatedWork).unwrap().name(),
        "Things.ReadWrite"
    );
    assert!(p.lookup(Method::Delete, "/things/{x}").is_none());
    assert_eq!(
        text,
        write_index(&Source::default(), &tiny_source()).unwrap()
    );
    let mut bad = tiny_source();
    bad[0].name = "Two words".into();
    assert!(write_index(&Source::default(), &bad).is_err());
}

#[test]
fn tampered_indexes_are_errors_that_name_the_line() {
    let good = write_index(&Source::default(), &tiny_source()).unwrap();
    for (from, to, says) in [
        (
            "graph-odata-permissions-index 1",
            "graph-odata-permissions-index 9",
            "line 1",
        ),
        ("P\tThings.Read\tw3A-", "P\tThings.Read\tx3", "bad schemes"),
        ("P\tThings.Read\tw3A-", "P\tThings.Read\tw", "bad schemes"),
        ("\tG0", "\tG99", "unknown grant list"),
        ("\tG0", "\tZ0", "unknown method letter"),
        ("G\t0", "G\t7", "bad grant"),
        ("G\t0", "G\t99999999999999999999", "bad grant"),
        ("T\t0\t", "T\t99\t", "shared length"),
        ("T\t0\t", "X\t0\t", "unknown line"),
    ] {
        assert!(good.contains(from), "{from}\n{good}");
        let tampered = good.replacen(from, to, 1);
        let err = Permissions::parse(&tampered).unwrap_err();
        assert!(err.to_string().contains(says), "{to}: {err}");
    }
    assert!(Permissions::parse("").is_err());
}
