use super::*;

fn ok(line: &str) -> HttpLine {
    match parse(line) {
        Ok(l) => l,
        Err(e) => panic!("{line}: {e}"),
    }
}

fn err(line: &str) -> String {
    match parse(line) {
        Ok(l) => panic!("{line} parsed: {l:?}"),
        Err(e) => e.message,
    }
}

fn rust_params(l: &HttpLine) -> Vec<String> {
    l.params().iter().map(|p| p.rust.clone()).collect()
}

#[test]
fn lines_from_the_graph_docs_parse() {
    let l = ok("POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources");
    assert_eq!(l.method, Method::Post);
    assert_eq!(rust_params(&l), ["todo_task_list_id", "task_id"]);
    assert_eq!(l.last_name(), Some("linkedResources"));
    let l = ok(
        "POST /users/{id|userPrincipalName}/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
    );
    assert_eq!(l.params()[0].wire, "id|userPrincipalName");
    assert_eq!(l.params()[0].rust, "id_or_user_principal_name");
    let l = ok(
        "POST /me/joinedGroups/{groupId}/sites/{siteId}/items/{baseItemId}/microsoft.graph.sharedDriveItem/root/createLink",
    );
    assert!(
        l.segments
            .contains(&Segment::Literal("microsoft.graph.sharedDriveItem".into()))
    );
    let l = ok("POST https://graph.microsoft.com/beta/drives/{drivesId}/root/createLink");
    assert_eq!(l.version.as_deref(), Some("beta"));
    assert_eq!(l.segments[0], Segment::Literal("drives".into()));
}

#[test]
fn keys_in_parentheses_and_function_calls() {
    let l = ok("GET /users('{id}')/drive");
    assert!(
        matches!(&l.segments[0], Segment::ParenKey { name, arg: Arg::Param { quoted: true, .. } } if name == "users")
    );
    let l = ok("GET /drives/{driveId}/root/delta()");
    assert_eq!(
        l.segments[3],
        Segment::Call {
            name: "delta".into(),
            args: vec![]
        }
    );
    let l = ok("GET /me/drive/root/getByPath(path='{path}')/children");
    let Segment::Call { args, .. } = &l.segments[3] else {
        panic!()
    };
    assert_eq!(args[0].0, "path");
    assert!(matches!(&args[0].1, Arg::Param { quoted: true, param } if param.rust == "path"));
    let l = ok("GET /reports/getOffice365ActiveUserDetail(period='D7')");
    assert!(
        matches!(&l.segments[1], Segment::Call { args, .. } if args[0].1 == Arg::Literal("'D7'".into()))
    );
    ok("GET /me/photo/$value");
}

#[test]
fn malformed_lines_name_the_problem() {
    let cases = [
        ("FETCH /me", "unknown HTTP method `FETCH`"),
        ("post /me", "capitals: `POST`"),
        ("/me", "expected `METHOD /path`"),
        ("GET me/drive", "must start with `/`"),
        ("GET /me//drive", "empty segment"),
        ("GET /me/drive/", "empty segment"),
        (
            "POST https://graph.microsoft.com/docs\\api/connections",
            "backslash at `com/docs\\api/con`",
        ),
        ("GET /me?$select=id", "contains `?`"),
        ("GET /me#x", "contains `#`"),
        (
            "GET /users/{id",
            "unbalanced braces in the path segment `{id`",
        ),
        ("GET /users/id}", "unbalanced braces"),
        ("GET /users/{}", "placeholder `{}` is empty"),
        ("GET /users/{user-id}", "`user-id` may only contain"),
        ("GET /users/{1st}", "`1st` must start with a letter"),
        ("GET /drives/{id}/items/{id}", "`{id}` appears twice"),
        ("GET /users/{id}/x/{Id}", "appears twice"),
        ("GET /users('{id}'", "does not end with `)`"),
        ("GET /users('{id})", "unbalanced quote"),
        ("GET /me/drive items", "whitespace"),
        ("GET /me/$foo", "unknown system segment `$foo`"),
        ("GET /me/drive-items", "`drive-items` may only contain"),
        (
            "GET https://evil.example/v1.0/me",
            "not a Microsoft Graph URL",
        ),
        ("GET https://graph.microsoft.com/v2/me", "found `v2`"),
        (
            "GET http://graph.microsoft.com/v1.0/me",
            "absolute http URL",
        ),
        ("GET /", "names no resource"),
        (
            "GET https://graph.microsoft.com/v1.0",
            "names no resource: add the path after the version",
        ),
        (
            "GET https://graph.microsoft.com/beta",
            "`https://graph.microsoft.com/beta/users`",
        ),
    ];
    for (line, want) in cases {
        let e = err(line);
        assert!(e.contains(want), "{line}: {e}");
    }
}

#[test]
fn path_based_addressing_parses() {
    let l = parse("PUT /me/drive/root:/{itemPath}:/content").unwrap();
    assert_eq!(l.segments.len(), 5);
    assert!(matches!(&l.segments[3], Segment::ItemPath(p) if p.rust == "item_path"));
    assert_eq!(l.segments[4], Segment::Literal("content".into()));
    let l = parse("POST /me/drive/items/{parentId}:/{fileName}:/createUploadSession").unwrap();
    let names: Vec<String> = l.params().iter().map(|p| p.rust.clone()).collect();
    assert_eq!(names, ["parent_id", "file_name"]);
    assert_eq!(l.last_name(), Some("createUploadSession"));
    let l = parse("GET /drives/{driveId}/root:/{path}:").unwrap();
    assert!(matches!(l.segments.last(), Some(Segment::ItemPath(_))));
}

#[test]
fn malformed_path_based_addressing_says_how_to_write_it() {
    for (line, says) in [
        (
            "GET /me/drive/root:/Documents/a.txt:",
            "must be followed by a placeholder",
        ),
        ("GET /me/drive/root:/{p}", "must end with `:`"),
        ("GET /me/drive/root:/{p}:content", "a `/` must follow"),
        ("GET /:/{p}:", "must follow a drive item"),
        ("GET /me/drive/root:/{p}:/children/x:/{q}:", "twice"),
        ("GET /me/drive/root:/{p:", "unbalanced"),
        ("GET /me/drive/root:/{p}://x", "empty segment"),
        ("GET /me/drive/root:/{item-path}:", "not an identifier"),
        ("GET /me/drive/{itemPath}:/{itemPath}:", "appears twice"),
    ] {
        let e = parse(line).unwrap_err().message;
        assert!(e.contains(says), "{line}: {e}");
    }
}

#[test]
fn non_ascii_text_near_a_backslash_is_an_error_not_a_panic() {
    for line in [
        "GET /éééééé\\ééééééé",
        "GET /\\😀😀😀😀",
        "GET /日本語のパス\\ドライブ",
        "GET /a\\",
    ] {
        let e = parse(line).unwrap_err().message;
        assert!(e.contains("backslash"), "{line}: {e}");
    }
}

#[test]
fn segments_as_the_resolver_walks_them() {
    let s = |l: &str| segments(&ok(l)).join(" ");
    assert_eq!(s("GET /users/{id}/todo/lists"), "users {id} todo lists");
    assert_eq!(s("GET /users('{id}')/drive"), "users {id} drive");
    assert_eq!(s("GET /users(42)/drive"), "users 42 drive");
    assert_eq!(
        s("GET /me/reminderView(startDateTime='{s}',endDateTime='{e}')"),
        "me reminderView()"
    );
    assert_eq!(
        s("GET https://graph.microsoft.com/v1.0/me/drive"),
        "me drive"
    );
    assert_eq!(
        s("PUT /me/drive/root:/{itemPath}:/content"),
        "me drive root content"
    );
    assert_eq!(
        s("GET /me/drive/items/{id}:/{name}:"),
        "me drive items {id}"
    );
    assert_eq!(
        split_path("/me/todo/lists/{l}/"),
        ["me", "todo", "lists", "{l}"]
    );
}
