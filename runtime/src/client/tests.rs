use super::*;

#[test]
fn clouds_and_versions_make_service_roots_and_scopes() {
    let c = Client::builder().build().unwrap();
    assert_eq!(
        c.service_root().as_str(),
        "https://graph.microsoft.com/v1.0"
    );
    let c = Client::builder()
        .cloud(Cloud::China)
        .version(ApiVersion::Beta)
        .build()
        .unwrap();
    assert_eq!(
        c.service_root().as_str(),
        "https://microsoftgraph.chinacloudapi.cn/beta"
    );
    assert_eq!(
        Cloud::UsGov.default_scope(),
        "https://graph.microsoft.us/.default"
    );
    assert_eq!(
        Cloud::UsGovDod.default_scope(),
        "https://dod-graph.microsoft.us/.default"
    );
    let c = Client::builder()
        .cloud(Cloud::UsGovDod)
        .credential(crate::auth::StaticToken::new("t"))
        .build()
        .unwrap();
    assert_eq!(
        c.inner.tokens.as_ref().unwrap().scopes(),
        ["https://dod-graph.microsoft.us/.default"]
    );
}

#[test]
fn plain_http_only_for_loopback_unless_allowed() {
    for ok in [
        "http://127.0.0.1:8080/v1.0",
        "http://localhost/x",
        "http://[::1]:1/",
    ] {
        Client::builder().service_root(ok).build().unwrap();
    }
    let err = Client::builder()
        .service_root("http://graph.example.com/v1.0")
        .build()
        .unwrap_err();
    assert!(err.is_build());
    assert!(err.to_string().contains("allow_http(true)"), "{err}");
    Client::builder()
        .service_root("http://graph.example.com/v1.0")
        .allow_http(true)
        .build()
        .unwrap();
    let err = Client::builder()
        .service_root("ftp://x/")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("`ftp`"), "{err}");
    let err = Client::builder()
        .service_root("not a url")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("`not a url`"), "{err}");
    let err = Client::builder()
        .service_root("https://h/v1.0?x=1")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("query"), "{err}");
}

#[test]
fn token_goes_only_to_own_origin_and_allowed_https_hosts() {
    let c = Client::builder()
        .allowed_host("Files.Contoso.com")
        .build()
        .unwrap();
    let url = |s: &str| Url::parse(s).unwrap();
    assert!(c.token_allowed(&url("https://graph.microsoft.com/v1.0/me")));
    assert!(c.token_allowed(&url("https://files.contoso.com/x")));
    assert!(!c.token_allowed(&url("https://graph.microsoft.com:8443/v1.0/me")));
    assert!(!c.token_allowed(&url("https://evil.example/v1.0/me")));
    assert!(!c.token_allowed(&url("http://files.contoso.com/x")));
}

#[test]
fn client_debug_hides_the_credential() {
    let c = Client::builder()
        .credential(crate::auth::StaticToken::new("tok-123"))
        .build()
        .unwrap();
    let text = format!("{c:?}");
    assert!(!text.contains("tok-123"), "{text}");
    assert!(
        text.contains("credential: Some(\"** redacted **\")"),
        "{text}"
    );
}

#[test]
fn build_checks_the_page_budget_and_allowed_host_ports() {
    let c = Client::builder().build().unwrap();
    assert_eq!(c.max_pages(), crate::limits::DEFAULT_MAX_PAGES);
    assert_eq!(
        Client::builder().max_pages(7).build().unwrap().max_pages(),
        7
    );
    let err = Client::builder().max_pages(0).build().unwrap_err();
    assert!(
        err.to_string().contains("`ClientBuilder::max_pages`"),
        "{err}"
    );
    let c = Client::builder()
        .allowed_host("files.contoso.com:8443")
        .build()
        .unwrap();
    assert!(c.token_allowed(&Url::parse("https://files.contoso.com:8443/x").unwrap()));
    assert!(!c.token_allowed(&Url::parse("https://files.contoso.com/x").unwrap()));
    for bad in ["files.contoso.com:0", "files.contoso.com:99999", ":443"] {
        let err = Client::builder().allowed_host(bad).build().unwrap_err();
        assert!(err.to_string().contains("host:port"), "{bad}: {err}");
    }
}
