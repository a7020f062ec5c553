//! No compile error the macros cause names a generated or hidden item: every `.stderr` snapshot is
//! read and none may mention a `__`-prefixed name (`__p`, `__private`, a helper the macros emit).

#[test]
fn no_stderr_snapshot_names_a_hidden_item() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut checked = 0;
    let mut offenders = Vec::new();
    // Every directory under tests/, at any depth.
    let mut dirs = vec![std::path::PathBuf::from(format!("{root}/tests"))];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("{} is missing", dir.display());
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "stderr") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                checked += 1;
                for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                    // `__` followed by a name (rustc's own drawings have bare `__`).
                    if word.starts_with("__") && word[2..].starts_with(|c: char| c.is_alphabetic())
                    {
                        offenders.push(format!("{}: `{word}`", path.display()));
                    }
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} snapshots found");
    assert!(
        offenders.is_empty(),
        "hidden names in errors:\n{}",
        offenders.join("\n")
    );
}
