//! The default checks: Graph v1.0 built in (no variable, no file), the escape hatches (`unchecked`,
//! `unchecked = "beta"`, `#[graph(unchecked)]`, `GRAPH_ODATA_CHECKS=off`) and strict mode
//! (`GRAPH_ODATA_CHECKS=strict`). Regenerate with `TRYBUILD=overwrite cargo test --test ui_checks`.

/// Sets the checks' variables for the cases built in `f` (trybuild builds them when `f`'s
/// `TestCases` drops, inside `f`).
fn with_mode(mode: &str, f: impl FnOnce()) {
    // SAFETY: this test binary runs this one test; nothing else reads the environment concurrently.
    unsafe {
        std::env::set_var("GRAPH_ODATA_CHECKS", mode);
        // Cases name their fixtures from here, wherever the target directory is.
        std::env::set_var("GRAPH_ODATA_TEST_ROOT", env!("CARGO_MANIFEST_DIR"));
        std::env::remove_var("GRAPH_ODATA_METADATA_V1_0");
        std::env::remove_var("GRAPH_ODATA_METADATA_BETA");
    }
    f();
}

#[test]
fn ui_checks() {
    with_mode("on", || {
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/ui_checks/builtin_fail/*.rs");
        t.pass("tests/ui_checks/builtin_pass/*.rs");
    });
    with_mode("strict", || {
        let t = trybuild::TestCases::new();
        t.compile_fail("tests/ui_checks/strict_fail/*.rs");
        t.pass("tests/ui_checks/strict_pass/*.rs");
    });
    with_mode("off", || {
        trybuild::TestCases::new().pass("tests/ui_checks/off_pass/*.rs");
    });
    with_mode("sometimes", || {
        trybuild::TestCases::new().compile_fail("tests/ui_checks/bad_mode/*.rs");
    });
}
