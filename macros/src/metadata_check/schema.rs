//! Which schema a declaration is checked against, and the switch that turns checks on, off or
//! strict: the built-in Graph v1.0 index, a file named by a variable, or a declaration's own file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use graph_odata_metadata::Metadata;

/// A schema, or why it cannot be used. Loaded once per compiler process and kept for its life.
pub(super) type Loaded = Result<&'static Metadata, String>;

/// The variable that names the checks' mode.
pub(super) const MODE_VAR: &str = "GRAPH_ODATA_CHECKS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Off,
    On,
    Strict,
}

#[cfg(test)]
std::thread_local! {
    /// A mode set for this thread's expansions by [`with_checks_off`] (tests only).
    static MODE_ON_THIS_THREAD: std::cell::Cell<Option<Mode>> = const { std::cell::Cell::new(None) };
}

/// Runs `expand` with checks off on this thread only, whatever the process environment says: the
/// golden tests show the expansion without checks while other tests of the same binary expand
/// concurrently under the environment's mode.
#[cfg(test)]
pub(crate) fn with_checks_off<R>(expand: impl FnOnce() -> R) -> R {
    struct Restore(Option<Mode>);
    impl Drop for Restore {
        fn drop(&mut self) {
            MODE_ON_THIS_THREAD.set(self.0);
        }
    }
    let _restore = Restore(MODE_ON_THIS_THREAD.replace(Some(Mode::Off)));
    expand()
}

pub(super) fn mode() -> Result<Mode, String> {
    #[cfg(test)]
    if let Some(mode) = MODE_ON_THIS_THREAD.get() {
        return Ok(mode);
    }
    let Ok(raw) = std::env::var(MODE_VAR) else {
        return Ok(Mode::On);
    };
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "on" | "1" | "true" => Ok(Mode::On),
        "off" | "0" | "false" => Ok(Mode::Off),
        "strict" => Ok(Mode::Strict),
        _ => Err(format!(
            "{MODE_VAR}=`{}` is not one of `on`, `off`, `strict`",
            raw.escape_debug()
        )),
    }
}

pub(super) fn env_var(version: &str) -> &'static str {
    if version == "beta" {
        "GRAPH_ODATA_METADATA_BETA"
    } else {
        "GRAPH_ODATA_METADATA_V1_0"
    }
}

/// Which document a declaration is checked against.
pub(super) enum Source {
    /// The declaration's own `metadata = "…"`.
    Explicit(String),
    /// The file named by the version's variable.
    Variable(&'static str, std::ffi::OsString),
    /// Graph v1.0, built in.
    BuiltIn,
}

pub(super) fn source_for(version: &str, explicit: Option<&str>) -> Option<Source> {
    if let Some(file) = explicit {
        return Some(Source::Explicit(file.to_owned()));
    }
    let var = env_var(version);
    if let Some(raw) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(Source::Variable(var, raw));
    }
    (version == "v1.0").then_some(Source::BuiltIn)
}

/// What messages call a document: `Graph v1.0 (schema of 2026-08-04, built in)`, the file named
/// by a variable, or the declaration's own file.
pub(super) fn label(source: &Source, version: &str) -> String {
    match source {
        Source::Explicit(file) => format!("`{file}`"),
        Source::Variable(var, raw) => {
            let path = PathBuf::from(raw);
            let name = path
                .file_name()
                .map_or_else(|| raw.to_string_lossy(), |n| n.to_string_lossy());
            format!("`{name}` (named by {var})")
        }
        Source::BuiltIn => match Metadata::graph_v1_0() {
            Ok(md) => match md.source() {
                Some(s) => format!("Graph {version} (schema of {}, built in)", s.date),
                None => format!("Graph {version} (built in)"),
            },
            Err(_) => format!("Graph {version} (built in)"),
        },
    }
}

/// The document of a source: (the file to track, if any; the schema or why it cannot be used).
pub(super) fn load(source: &Source) -> (Option<PathBuf>, Loaded) {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Loaded>>> = OnceLock::new();
    let (label, raw) = match source {
        Source::BuiltIn => return (None, Metadata::graph_v1_0().map_err(|e| e.to_string())),
        Source::Explicit(file) => {
            let label = format!("metadata = {file:?}");
            match expand_variables(file) {
                Ok(expanded) => (label, std::ffi::OsString::from(expanded)),
                Err(e) => return (None, Err(format!("{label}: {e}"))),
            }
        }
        Source::Variable(var, raw) => (format!("{var}={}", raw.to_string_lossy()), raw.clone()),
    };
    let mut path = PathBuf::from(raw);
    if path.is_relative()
        && let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR")
    {
        path = PathBuf::from(dir).join(path);
    }
    let cache = CACHE.get_or_init(Mutex::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    let loaded = cache
        .entry(path.clone())
        .or_insert_with(|| {
            Metadata::load_cached(&path, &Metadata::user_cache_dir())
                // Kept for the compiler process's life, like the cache entry itself.
                .map(|md| &*Box::leak(Box::new(md)))
                .map_err(|e| format!("{label}: {e}"))
        })
        .clone();
    (Some(path), loaded)
}

/// Replaces each `${NAME}` in a `metadata = "…"` path with the value of the environment variable
/// `NAME` in the compiler's environment, so a path can start somewhere other than the crate's
/// manifest directory (a shared schema folder, a fixture named by a test). A `$` not followed by
/// `{` is kept as written. An unset or empty variable, a name that is not `[A-Za-z0-9_]+`, or a `${`
/// without its `}` is an error naming what was wrong.
pub(super) fn expand_variables(path: &str) -> Result<String, String> {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "`${{` without a closing `}}` in `{}`",
                path.escape_debug()
            ));
        };
        let name = &after[..end];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!(
                "`${{{}}}` is not an environment variable name (letters, digits and `_`)",
                name.escape_debug()
            ));
        }
        match std::env::var(name) {
            Ok(value) if !value.is_empty() => out.push_str(&value),
            Ok(_) => return Err(format!("the environment variable {name} is empty")),
            Err(std::env::VarError::NotPresent) => {
                return Err(format!("the environment variable {name} is not set"));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!("the environment variable {name} is not UTF-8"));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::expand_variables;

    #[test]
    fn variables_expand_and_mistakes_are_named() {
        // PATH is set in every environment cargo runs tests in.
        let path = std::env::var("PATH").unwrap_or_default();
        assert_eq!(
            expand_variables("${PATH}/x.xml").as_deref(),
            Ok(format!("{path}/x.xml").as_str())
        );
        assert_eq!(expand_variables("a/$b/c.xml").as_deref(), Ok("a/$b/c.xml"));
        assert_eq!(expand_variables("plain.xml").as_deref(), Ok("plain.xml"));
        let unset = expand_variables("${GRAPH_ODATA_SURELY_UNSET_VARIABLE}/x.xml").unwrap_err();
        assert!(
            unset.contains("GRAPH_ODATA_SURELY_UNSET_VARIABLE is not set"),
            "{unset}"
        );
        let open = expand_variables("${PATH/x.xml").unwrap_err();
        assert!(open.contains("without a closing"), "{open}");
        let bad = expand_variables("${A-B}/x.xml").unwrap_err();
        assert!(
            bad.contains("`${A-B}` is not an environment variable name"),
            "{bad}"
        );
        let bad = expand_variables("${}/x.xml").unwrap_err();
        assert!(bad.contains("`${}`"), "{bad}");
        let quote = expand_variables("${\"\n}").unwrap_err();
        assert!(!quote.contains('\n'), "{quote}");
    }
}
