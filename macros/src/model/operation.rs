//! The model of an action or function: the HTTP lines that invoke it, its return type and binding,
//! and the rules for its parameters.

use syn::Ident;

use super::endpoints::{check_method, check_params, derived_method_name, parse_line};
use super::structs::build_struct;
use super::types::last_segment_is;
use super::{Endpoint, EndpointKind, OperationModel, Role, TypeName};
use crate::ctxt::Ctxt;
use crate::parse::names::{check_qualified_name, snake_from_camel};
use crate::parse::{MacroKind, TypeArgs};
use graph_odata_metadata::line::{Arg, Segment};

/// The model of a `#[graph_action]`/`#[graph_function]`: its parameters as a struct and one
/// endpoint per HTTP line.
pub(super) fn build_operation(
    kind: MacroKind,
    args: TypeArgs,
    name: TypeName,
    input: &syn::DeriveInput,
    data: &syn::DataStruct,
    cx: &mut Ctxt,
) -> Option<OperationModel> {
    let endpoint_kind = if kind == MacroKind::Action {
        EndpointKind::Action
    } else {
        EndpointKind::Function
    };
    let qualified = name.qualified.clone();
    let simple = qualified
        .rsplit('.')
        .next()
        .unwrap_or(&qualified)
        .to_owned();
    let mut endpoints: Vec<Endpoint> = Vec::new();
    if args.paths.is_empty() {
        cx.error_spanned(
            &input.ident,
            format!(
                "{} `{}` needs `paths = [\"{} /…/{simple}\"]`: the HTTP lines from the Graph docs",
                kind.name(),
                input.ident,
                if kind == MacroKind::Action {
                    "POST"
                } else {
                    "GET"
                }
            ),
        );
    }
    for (given, lit) in &args.paths {
        let what = format!("{} `{simple}`", kind.name());
        let Some(line) = parse_line(lit, &what, cx) else {
            continue;
        };
        if !check_method(endpoint_kind, &line, lit, &what, cx)
            || !check_params(&line, lit, &what, cx)
        {
            continue;
        }
        let last = line.last_name().unwrap_or_default().to_owned();
        let ends_right = (last == simple || last == qualified)
            && match line.segments.last() {
                Some(Segment::Literal(_)) => true,
                Some(Segment::Call { .. }) => kind == MacroKind::Function,
                _ => false,
            };
        if !ends_right {
            cx.error_spanned(
                lit,
                format!("{what}: the path must end in `{simple}` (or `{qualified}`), the operation it invokes; this one ends in `{last}`"),
            );
            continue;
        }
        let method_name = match given {
            Some(n) => n.clone(),
            None => {
                let derived = derived_method_name(&line);
                if syn::parse_str::<Ident>(&derived).is_ok() {
                    Ident::new(&derived, lit.span())
                } else if syn::parse_str::<Ident>(&format!("r#{derived}")).is_ok() {
                    // A keyword (`type`, `match`): the method is `r#type`.
                    Ident::new_raw(&derived, lit.span())
                } else {
                    // `self`, `crate`, `_`: no identifier, not even a raw one.
                    cx.error_spanned(
                        lit,
                        format!("{what}: this path would name its method `{derived}`, which Rust does not allow; name the method yourself: `paths = [{} = \"{}\"]`", snake_from_camel(&simple), lit.value()),
                    );
                    continue;
                }
            }
        };
        if let Some(prev) = endpoints.iter().find(|e| e.name == method_name) {
            cx.error_spanned(
                lit,
                format!(
                    "{what}: this path and `{}` would both generate the method `{method_name}`; name one: `paths = [other_name = \"…\"]`",
                    prev.text
                ),
            );
            continue;
        }
        endpoints.push(Endpoint {
            name: method_name,
            kind: endpoint_kind,
            line,
            text: lit.value(),
            span: lit.span(),
        });
    }
    let returns = args.returns.clone();
    // `returns = Lro<T>`: the action answers 202 Accepted and a monitor; a function is a GET.
    if let Some(r) = &returns
        && let Some(inner) = super::types::lro_result(r)
    {
        if inner.is_none() {
            cx.error_spanned(r, format!("{}: `Lro` needs the result type: `returns = Lro<DriveItem>`, or `Lro<()>` for an operation without one", kind.name()));
        } else if kind != MacroKind::Action {
            cx.error_spanned(r, format!("{}: `Lro<…>` declares an action answered `202 Accepted`; a function is a GET and answers at once: `returns = T`", kind.name()));
        }
    }
    let bound = args.bound.as_ref().map(|b| b.value());
    let aliases = args.aliases.is_some();
    if let (Some(span), MacroKind::Action) = (args.aliases, kind) {
        cx.error_at(span, "`aliases` applies to functions, whose parameters go in the URL; an action sends them in the body");
    }
    if let Some(b) = &args.bound
        && let Err(message) = check_qualified_name(&b.value())
    {
        cx.error_spanned(b, format!("{}: `bound`: {message}", kind.name()));
    }
    let strukt = build_struct(kind, args, name, input, data, cx)?;
    // A collection cannot be a literal inside the path: it travels as a parameter alias.
    if kind == MacroKind::Function && !aliases {
        for f in strukt.fields.iter().filter(|f| f.role == Role::Property) {
            let ty = f.option_inner.as_ref().unwrap_or(&f.ty);
            if last_segment_is(ty, &["Vec"]) {
                cx.error_spanned(
                    &f.ty,
                    format!(
                        "`{}` is a collection: it cannot be written inside the URL's path; add `aliases` to `#[graph_function(…)]` so it travels as `{}=@{}` with `@{}=[…]` in the query",
                        f.wire, f.wire, f.wire, f.wire
                    ),
                );
            }
        }
    }
    // A function's fields are call parameters too: one that is also a placeholder of a call in a
    // path would be sent twice (`usage(period='D7',period='D7')`).
    if kind == MacroKind::Function {
        for f in strukt.fields.iter().filter(|f| f.role == Role::Property) {
            let clash = endpoints.iter().find_map(|e| {
                e.line.segments.iter().find_map(|s| match s {
                    Segment::Call { args, .. } => args.iter().find_map(|(k, a)| match a {
                        Arg::Param { param, .. } if *k == f.wire || param.wire == f.wire => {
                            Some((e, k.clone()))
                        }
                        _ => None,
                    }),
                    _ => None,
                })
            });
            if let Some((e, k)) = clash {
                cx.error_spanned(
                    &f.ident,
                    format!(
                        "`{}` is a parameter of this function and also `{k}=…` in `{}`: it would be sent twice; keep the field (a typed value) or the placeholder, not both",
                        f.wire,
                        e.text.trim()
                    ),
                );
            }
        }
    }
    Some(OperationModel {
        strukt,
        returns,
        endpoints,
        bound,
        aliases,
    })
}
