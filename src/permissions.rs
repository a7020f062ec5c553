//! The Microsoft Graph permissions a program's declarations need, known at compile time.
//!
//! Every declaration with endpoints on Graph gets a `PERMISSIONS` const: per endpoint method, the
//! least privileged permission in each scheme, from Microsoft's permissions reference (built into
//! graph-odata-metadata). An endpoint the reference does not list is there with
//! [`Endpoint::known`] `false`, never guessed; a declaration with its own `metadata = "…"` (another
//! OData service) gets none. [`Manifest::of`] gathers the consts of the types a program lists into
//! the set to register and to ask for at sign-in; `graph-odata-cli permissions` prints the same set
//! from the source files.
//!
//! ```
//! use graph_odata::prelude::*;
//! use graph_odata::permissions::{Manifest, Scheme};
//!
//! #[graph_entity(
//!     create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
//!     list = "GET /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources",
//! )]
//! pub struct LinkedResource { #[graph(key, read_only)] pub id: Option<String> }
//!
//! let manifest = Manifest::of(&[LinkedResource::PERMISSIONS]);
//! assert_eq!(manifest.names(Scheme::DelegatedWork), ["Tasks.Read", "Tasks.ReadWrite"]);
//! assert!(manifest.names(Scheme::Application).is_empty(), "an app-only token has no `me`");
//! assert!(manifest.unknown().is_empty());
//! ```
//!
//! The list of types is written by hand (or generated): a registry filled by the linker
//! (`inventory`, `linkme`) would add a dependency and run code before `main` on some targets,
//! and a type the program never uses would still count.

/// How a permission is granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Delegated, work or school account: a scope (`scp`).
    DelegatedWork,
    /// Delegated, personal Microsoft account: a scope.
    DelegatedPersonal,
    /// Application: an app role (`roles`), no signed-in user.
    Application,
}

impl Scheme {
    /// The three schemes, in order.
    pub const ALL: [Scheme; 3] = [
        Scheme::DelegatedWork,
        Scheme::DelegatedPersonal,
        Scheme::Application,
    ];
}

/// One permission in one scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permission {
    /// `Tasks.ReadWrite`.
    pub name: &'static str,
    /// The scheme it is granted in.
    pub scheme: Scheme,
    /// Whether an administrator must consent to it in that scheme.
    pub admin_consent: bool,
}

/// What one endpoint method needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The generated method: `create`, `drives_items`.
    pub method: &'static str,
    /// The endpoint line as declared: `POST /me/todo/lists/{todoTaskListId}/tasks`.
    pub line: &'static str,
    /// Whether Microsoft's permissions reference lists the line's method and path.
    pub known: bool,
    /// The least privileged permission per scheme that grants it (none for a scheme that cannot
    /// call it).
    pub least: &'static [Permission],
}

impl Endpoint {
    /// The least privileged permission in `scheme`, `None` when that scheme cannot call it (or
    /// the endpoint is unknown).
    pub fn least(&self, scheme: Scheme) -> Option<&'static Permission> {
        self.least.iter().find(|p| p.scheme == scheme)
    }
}

/// The union of some declarations' needs: what an app registration must hold, per scheme.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    permissions: Vec<Permission>,
    unknown: Vec<&'static Endpoint>,
}

impl Manifest {
    /// Gathers the `PERMISSIONS` consts of a program's declarations.
    pub fn of(declarations: &[&'static [Endpoint]]) -> Manifest {
        let mut m = Manifest::default();
        for endpoint in declarations.iter().flat_map(|d| d.iter()) {
            if !endpoint.known {
                m.unknown.push(endpoint);
            }
            for p in endpoint.least {
                if !m.permissions.contains(p) {
                    m.permissions.push(*p);
                }
            }
        }
        m.permissions
            .sort_by(|a, b| (a.scheme, a.name).cmp(&(b.scheme, b.name)));
        m
    }

    /// Every permission, by scheme then name.
    pub fn permissions(&self) -> &[Permission] {
        &self.permissions
    }

    /// The names needed in `scheme`, sorted.
    pub fn names(&self, scheme: Scheme) -> Vec<&'static str> {
        self.permissions
            .iter()
            .filter(|p| p.scheme == scheme)
            .map(|p| p.name)
            .collect()
    }

    /// The delegated scopes to ask for at sign-in, for Graph's resource:
    /// `https://graph.microsoft.com/Tasks.ReadWrite` (work or school accounts' set).
    pub fn scopes(&self) -> Vec<String> {
        self.names(Scheme::DelegatedWork)
            .into_iter()
            .map(|n| format!("https://graph.microsoft.com/{n}"))
            .collect()
    }

    /// Endpoints the permissions reference does not list: their needs are unknown.
    pub fn unknown(&self) -> &[&'static Endpoint] {
        &self.unknown
    }
}
