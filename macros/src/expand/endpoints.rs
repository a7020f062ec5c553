//! Endpoint methods: entity CRUD from `#[graph_entity(create = "POST …", …)]`, and one method per
//! path of `#[graph_action]`/`#[graph_function]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Endpoint, EndpointKind, OperationModel, Role, StructModel};
use graph_odata_metadata::line::{Arg, Segment};

/// The `PathBuilder` chain for a line, and the method's parameters.
///
/// Input:  `/users/{id|userPrincipalName}/drive/root/getByPath(path='{path}')`
/// Output: `.segment("users").key("id|userPrincipalName", id_or_user_principal_name)
///          .segment("drive").segment("root").call_start("getByPath").quoted_arg("path", path).call_end()`
///         with parameters `id_or_user_principal_name: &str, path: &str`.
///
/// An unquoted placeholder in a call (`top={top}`) takes any `ODataLiteral`: a number is written
/// bare, a string quoted (`'O''Neil'`), never as raw text that could end the literal early.
fn path_chain(e: &Endpoint, open_last_call: bool) -> (TokenStream, Vec<TokenStream>) {
    let mut chain = TokenStream::new();
    let mut params = Vec::new();
    let mut ident = |rust: &str, ty: TokenStream| {
        let i = syn::Ident::new(rust, Span::call_site());
        params.push(quote!(#i: #ty));
        i
    };
    let text = || quote!(&str);
    let n = e.line.segments.len();
    for (i, s) in e.line.segments.iter().enumerate() {
        let last = i + 1 == n;
        match s {
            Segment::Literal(l) if last && open_last_call => {
                chain.extend(quote!(.call_start(#l)));
            }
            Segment::Literal(l) => chain.extend(quote!(.segment(#l))),
            Segment::Key(p) => {
                let wire = &p.wire;
                let v = ident(&p.rust, text());
                chain.extend(quote!(.key(#wire, #v)));
            }
            Segment::ItemPath(p) => {
                let wire = &p.wire;
                let v = ident(&p.rust, text());
                chain.extend(quote!(.item_path(#wire, #v)));
            }
            Segment::ParenKey { name, arg } => match arg {
                Arg::Param { param, quoted } => {
                    let wire = &param.wire;
                    let v = ident(&param.rust, text());
                    chain.extend(quote!(.segment(#name).paren_key(#wire, #v, #quoted)));
                }
                Arg::Literal(text) => {
                    let whole = format!("{name}({text})");
                    chain.extend(quote!(.segment(#whole)));
                }
            },
            Segment::Call { name, args } => {
                chain.extend(quote!(.call_start(#name)));
                for (k, a) in args {
                    match a {
                        Arg::Param {
                            param,
                            quoted: true,
                        } => {
                            let v = ident(&param.rust, text());
                            chain.extend(quote!(.quoted_arg(#k, #v)));
                        }
                        Arg::Param {
                            param,
                            quoted: false,
                        } => {
                            let v = ident(
                                &param.rust,
                                quote!(&(impl __p::wire::ODataLiteral + ?Sized)),
                            );
                            chain.extend(quote!(.typed_arg(#k, #v)));
                        }
                        Arg::Literal(text) => chain.extend(quote!(.literal_arg(#k, #text))),
                    }
                }
                if !(last && open_last_call) {
                    chain.extend(quote!(.call_end()));
                }
            }
        }
    }
    (chain, params)
}

fn doc_line(e: &Endpoint) -> String {
    let what = match e.kind {
        EndpointKind::Create => "Creates one",
        EndpointKind::Get => "Reads one",
        EndpointKind::List => "Lists (one page; follow `next_link` for more)",
        EndpointKind::Update => "Updates (only the properties set in the PATCH body)",
        EndpointKind::Delete => "Deletes one",
        EndpointKind::Action => "Invokes the action",
        EndpointKind::Function => "Calls the function",
    };
    format!("{what}: `{}`", e.text.trim())
}

/// Entity endpoints.
///
/// Input:  `create = "POST /me/todo/lists/{todoTaskListId}/tasks/{taskId}/linkedResources"`
/// Output: `pub fn create(todo_task_list_id: &str, task_id: &str, body: &LinkedResource) -> Request<LinkedResource>`
pub(crate) fn entity(m: &StructModel) -> TokenStream {
    if m.endpoints.is_empty() {
        return TokenStream::new();
    }
    let ident = &m.ident;
    let vis = &m.vis;
    let patch = m.patch_body();
    let index = super::permissions::index_for(m.name.metadata.is_some());
    let permissions = super::permissions::consts(index, vis, &m.endpoints);
    let methods = m.endpoints.iter().map(|e| {
        let name = &e.name;
        let (chain, params) = path_chain(e, false);
        let method = method_tokens(e);
        let doc = doc_line(e);
        let needs = super::permissions::doc(index, e).map(|d| quote!(#[doc = ""] #[doc = #d]));
        let build = quote!(__p::path::PathBuilder::new() #chain);
        let (extra_param, ret, finish) = match e.kind {
            EndpointKind::Create => (
                quote!(body: &#ident),
                quote!(__p::Request<#ident>),
                quote!(#build.request::<#ident>(#method).json(body)),
            ),
            EndpointKind::Get => (
                quote!(),
                quote!(__p::Request<#ident>),
                quote!(#build.request::<#ident>(#method)),
            ),
            EndpointKind::List => (
                quote!(),
                quote!(__p::Request<__p::Page<#ident>>),
                quote!(#build.request::<__p::Page<#ident>>(#method)),
            ),
            EndpointKind::Update => (
                quote!(patch: &#patch),
                quote!(__p::Request<()>),
                quote!(#build.request::<()>(#method).json(patch).no_content()),
            ),
            _ => (
                quote!(),
                quote!(__p::Request<()>),
                quote!(#build.request::<()>(#method).no_content()),
            ),
        };
        let sep = if params.is_empty() || extra_param.is_empty() {
            quote!()
        } else {
            quote!(,)
        };
        quote! {
            #[doc = #doc]
            #needs
                        #vis fn #name(#(#params),* #sep #extra_param) -> #ret {
                #finish
            }
        }
    });
    quote! {
        impl #ident {
            #permissions
            #(#methods)*
        }
    }
}

fn method_tokens(e: &Endpoint) -> TokenStream {
    let m = format_ident!("{}", e.line.method.as_str());
    quote!(__p::http::Method::#m)
}

/// Actions and functions: the parameter struct's facts, `Debug` with secrets redacted, and one method
/// per path.
///
/// Input:  `#[graph_action(returns = Permission, paths = ["POST /drives/{driveId}/items/{itemId}/createLink"])] struct CreateLink { … }`
/// Output: `impl CreateLink { pub fn drives_items(&self, drive_id: &str, item_id: &str) -> Request<Permission> }`
pub(crate) fn operation(m: &OperationModel) -> TokenStream {
    let s = &m.strukt;
    let ident = &s.ident;
    let vis = &s.vis;
    let is_function = m
        .endpoints
        .first()
        .is_some_and(|e| e.kind == EndpointKind::Function);
    let ret = match &m.returns {
        Some(t) => quote!(#t),
        None => quote!(()),
    };
    // A `Page<…>` (delta, paged functions) keeps its links: decoded whole, not unwrapped.
    let is_page = |t: &syn::Type| matches!(t, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Page"));
    let decode = match &m.returns {
        // `Page<…>` keeps its links; `Lro<…>` is sent with `Client::start`, which decodes it.
        Some(t) if is_page(t) || crate::model::types::lro_result(t).is_some() => quote!(),
        Some(t) => quote!(.decode_with(__p::decode_operation::<#t>)),
        None => quote!(.no_content()),
    };
    let function_args: Vec<_> = s
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .map(|f| {
            let fi = &f.ident;
            let wire = &f.wire;
            if m.aliases {
                let alias = format!("@{wire}");
                quote! {
                    let __path = match __p::wire::ODataLiteral::literal(&self.#fi) {
                        __p::Option::Some(__l) => {
                            __aliases.push((#alias, __l));
                            __path.literal_arg(#wire, #alias)
                        }
                        __p::Option::None => __path,
                    };
                }
            } else {
                quote!(let __path = __p::wire::ODataLiteral::write_arg(&self.#fi, #wire, __path);)
            }
        })
        .collect();
    // `#[graph(secret)]` parameters: their literal text is redacted wherever the request is shown.
    let secret_marks: Vec<_> = s
        .fields
        .iter()
        .filter(|f| f.role == Role::Property && f.secret)
        .map(|f| {
            let fi = &f.ident;
            quote! {
                let __request = match __p::wire::ODataLiteral::literal(&self.#fi) {
                    __p::Option::Some(__l) => __request.redact(__l),
                    __p::Option::None => __request,
                };
            }
        })
        .collect();
    let (alias_decl, alias_apply) = if m.aliases {
        (
            quote!(let mut __aliases: __p::Vec<(&'static str, __p::String)> = __p::Vec::new();),
            quote! {
                let mut __request = __request;
                for (__k, __v) in __aliases {
                    __request = __request.query(__k, __v);
                }
            },
        )
    } else {
        (quote!(), quote!())
    };
    let index = super::permissions::index_for(s.name.metadata.is_some());
    let permissions = super::permissions::consts(index, vis, &m.endpoints);
    let methods = m.endpoints.iter().map(|e| {
        let name = &e.name;
        let doc = doc_line(e);
        let needs = super::permissions::doc(index, e).map(|d| quote!(#[doc = ""] #[doc = #d]));
        let method = method_tokens(e);
        let ends_in_literal = matches!(e.line.segments.last(), Some(Segment::Literal(_)));
        let (chain, params) = path_chain(e, is_function);
        let body = if is_function {
            let close = if ends_in_literal
                || matches!(e.line.segments.last(), Some(Segment::Call { .. }))
            {
                quote!(let __path = __path.call_end();)
            } else {
                quote!()
            };
            quote! {
                #alias_decl
                let __path = __p::path::PathBuilder::new() #chain;
                #(#function_args)*
                #close
                let __request = __path.request::<#ret>(#method) #decode;
                #alias_apply
                #(#secret_marks)*
                __request
            }
        } else {
            quote! {
                __p::path::PathBuilder::new() #chain
                    .request::<#ret>(#method)
                    .json(self)
                    #decode
            }
        };
        quote! {
            #[doc = #doc]
            #needs
                        #vis fn #name(&self #(, #params)*) -> __p::Request<#ret> {
                #body
            }
        }
    });
    let debug_fields = s
        .fields
        .iter()
        .filter(|f| f.role == Role::Property)
        .map(|f| {
            let fi = &f.ident;
            let label = fi.to_string().trim_start_matches("r#").to_owned();
            if f.secret {
                quote!(.field(#label, &"** redacted **"))
            } else {
                quote!(.field(#label, &self.#fi))
            }
        });
    let name_text = ident.to_string();
    let bound = match &m.bound {
        Some(b) => quote!(__p::Option::Some(#b)),
        None => quote!(__p::Option::None),
    };
    quote! {
        impl __p::fmt::Debug for #ident {
            /// Secret parameters (`#[graph(secret)]`) print as `** redacted **`.
            fn fmt(&self, __f: &mut __p::fmt::Formatter<'_>) -> __p::fmt::Result {
                __f.debug_struct(#name_text) #(#debug_fields)* .finish()
            }
        }

        impl #ident {
            /// The binding type named by `bound = …`, if any.
            #[allow(dead_code)]
            #vis const BINDING_TYPE: __p::Option<&'static str> = #bound;
            #permissions

            #(#methods)*
        }
    }
}
