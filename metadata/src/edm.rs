//! The Edm primitive types and the Rust types that hold them: one table, read by the macros' schema
//! check (which Rust element types fit a property), the macros' type judgements (which names they
//! know) and the generator (which Rust type it writes).

/// An Edm primitive type and its Rust types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Primitive {
    /// The qualified Edm name: `Edm.Int32`.
    pub edm: &'static str,
    /// The Rust type the generator writes for it, as a path that compiles in generated code:
    /// `i32`, `graph_odata::edm::Duration`.
    pub rust: &'static str,
    /// The Rust element types (last path segment) that hold every value of it, in the order the
    /// schema check suggests them: `i32`, `i64`, `Int64`.
    pub fits: &'static [&'static str],
}

/// The Edm primitive types graph-odata maps to Rust. Another `Edm.*` type (`Edm.Stream`,
/// `Edm.Geography…`) has no row: the generator writes `serde_json::Value` for it and the schema
/// check leaves it alone.
pub const PRIMITIVES: &[Primitive] = &[
    row("Edm.String", "String", &["String"]),
    row("Edm.Boolean", "bool", &["bool"]),
    row("Edm.Byte", "u8", &["u8", "i16", "i32", "i64"]),
    row("Edm.SByte", "i8", &["i8", "i16", "i32", "i64"]),
    row("Edm.Int16", "i16", &["i16", "i32", "i64"]),
    row("Edm.Int32", "i32", &["i32", "i64", "Int64"]),
    row("Edm.Int64", "i64", &["i64", "Int64"]),
    row("Edm.Single", "f32", &["f32", "f64"]),
    row("Edm.Double", "f64", &["f32", "f64"]),
    row("Edm.Decimal", "Decimal", &["Decimal", "f64"]),
    row("Edm.DateTimeOffset", "DateTimeOffset", &["DateTimeOffset"]),
    row("Edm.Date", "Date", &["Date"]),
    row("Edm.TimeOfDay", "TimeOfDay", &["TimeOfDay"]),
    // The full path: the prelude leaves `edm::Duration` out, as it would shadow `std::time::Duration`.
    row("Edm.Duration", "graph_odata::edm::Duration", &["Duration"]),
    row("Edm.Guid", "Guid", &["Guid", "String"]),
    row("Edm.Binary", "Binary", &["Binary"]),
    row("Edm.Untyped", "serde_json::Value", &["Value"]),
];

const fn row(edm: &'static str, rust: &'static str, fits: &'static [&'static str]) -> Primitive {
    Primitive { edm, rust, fits }
}

/// Rust scalar types that hold no Edm primitive exactly (`str` is borrowed; Edm has no unsigned
/// type wider than `Edm.Byte`), yet are plainly not structured types.
pub const NON_EDM_SCALARS: &[&str] = &["str", "u16", "u32", "u64"];

/// The row of an Edm primitive type (`Edm.Int32`).
///
/// ```
/// use graph_odata_metadata::edm;
/// assert_eq!(edm::primitive("Edm.Int32").unwrap().fits, ["i32", "i64", "Int64"]);
/// assert!(edm::primitive("Edm.Stream").is_none());
/// assert!(edm::primitive("microsoft.graph.user").is_none());
/// ```
pub fn primitive(edm: &str) -> Option<&'static Primitive> {
    PRIMITIVES.iter().find(|p| p.edm == edm)
}

/// Whether a Rust type name (its last path segment) stands for a primitive value: it fits an Edm
/// primitive type or is one of [`NON_EDM_SCALARS`]. `Value` (untyped JSON, which fits anything) is
/// not counted.
///
/// ```
/// use graph_odata_metadata::edm::is_primitive_rust;
/// assert!(is_primitive_rust("DateTimeOffset") && is_primitive_rust("u32"));
/// assert!(!is_primitive_rust("Value") && !is_primitive_rust("LinkedResource"));
/// ```
pub fn is_primitive_rust(name: &str) -> bool {
    name != "Value"
        && (NON_EDM_SCALARS.contains(&name) || PRIMITIVES.iter().any(|p| p.fits.contains(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_edm_name_has_one_row_whose_rust_type_fits_it() {
        for (i, p) in PRIMITIVES.iter().enumerate() {
            assert!(p.edm.starts_with("Edm."), "{}", p.edm);
            assert!(
                PRIMITIVES[..i].iter().all(|q| q.edm != p.edm),
                "{} twice",
                p.edm
            );
            let last = p.rust.rsplit("::").next().unwrap_or(p.rust);
            assert!(p.fits.contains(&last), "{}: {} does not fit", p.edm, p.rust);
        }
    }

    #[test]
    fn the_rust_names_of_primitive_values() {
        let mut names: Vec<&str> = PRIMITIVES
            .iter()
            .flat_map(|p| p.fits.iter().copied())
            .chain(NON_EDM_SCALARS.iter().copied())
            .filter(|n| is_primitive_rust(n))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names,
            [
                "Binary",
                "Date",
                "DateTimeOffset",
                "Decimal",
                "Duration",
                "Guid",
                "Int64",
                "String",
                "TimeOfDay",
                "bool",
                "f32",
                "f64",
                "i16",
                "i32",
                "i64",
                "i8",
                "str",
                "u16",
                "u32",
                "u64",
                "u8",
            ]
        );
    }
}
