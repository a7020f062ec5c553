//! What a `scope` parameter asks for: one resource (Graph, or a registered app's API
//! `api://{client_id}`) and the permission names for it.

use std::collections::HashMap;

use super::{App, GRAPH_RESOURCE, oauth_error};
use crate::routes::Reply;

/// OpenID Connect scopes: asked for alongside a resource's, never in `scp`.
pub(crate) const OIDC: [&str; 4] = ["openid", "profile", "offline_access", "email"];

/// The resource of a custom API: `api://{client_id}`.
pub(crate) fn api_resource(client_id: &str) -> String {
    format!("api://{client_id}")
}

/// The resource `scope` asks for and its permission names (without the resource prefix and
/// the OpenID ones), `offline_access` appended when asked. `.default` stands for the
/// delegated permissions consented for `app` (Graph) or for nothing more (an API). Graph names
/// the built-in index does not know are `invalid_scope`, an `api://` of no registered app
/// `invalid_resource`, two resources in one request `invalid_scope`.
pub(crate) fn requested(
    scope: &str,
    app: &App,
    apps: &HashMap<String, App>,
) -> Result<(String, Vec<String>), Reply> {
    let index = graph_odata_metadata::permissions::Permissions::graph().ok();
    let mut resource: Option<String> = None;
    let mut scopes = Vec::new();
    for s in scope.split_whitespace() {
        if OIDC.contains(&s) {
            continue;
        }
        let (this, name) = match s.strip_prefix("api://") {
            Some(rest) => {
                let (id, name) = rest.split_once('/').unwrap_or((rest, ".default"));
                if !apps.contains_key(id) {
                    return Err(oauth_error(
                        "invalid_resource",
                        500011,
                        &format!(
                            "The resource principal named api://{} was not found in the tenant.",
                            short(id)
                        ),
                    ));
                }
                (api_resource(id), name)
            }
            None => {
                let name = s
                    .strip_prefix(GRAPH_RESOURCE)
                    .map_or(s, |rest| rest.trim_start_matches('/'));
                (GRAPH_RESOURCE.to_owned(), name)
            }
        };
        if resource.as_ref().is_some_and(|r| *r != this) {
            return Err(oauth_error(
                "invalid_scope",
                28000,
                "Provided value for the input parameter scope is not valid because it contains more than one resource.",
            ));
        }
        let graph = this == GRAPH_RESOURCE;
        resource = Some(this);
        if name == ".default" {
            if graph {
                scopes.extend(app.scopes.iter().cloned());
            }
            continue;
        }
        if graph && index.is_some_and(|i| i.permission(name).is_none()) {
            return Err(oauth_error(
                "invalid_scope",
                70011,
                &format!(
                    "The provided value for the input parameter 'scope' is not valid: `{}` is no Microsoft Graph permission.",
                    short(name)
                ),
            ));
        }
        scopes.push(name.to_owned());
    }
    scopes.sort();
    scopes.dedup();
    if scope.split_whitespace().any(|s| s == "offline_access") {
        scopes.push("offline_access".to_owned());
    }
    Ok((
        resource.unwrap_or_else(|| GRAPH_RESOURCE.to_owned()),
        scopes,
    ))
}

/// At most 80 characters of a name from a request, for a message.
pub(crate) fn short(text: &str) -> String {
    text.chars().take(80).collect()
}
