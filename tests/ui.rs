//! Compile errors of the attribute macros: every message is reviewed in `tests/ui/*.stderr`.
//! Regenerate with `TRYBUILD=overwrite cargo test --test ui` and review the diff like code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
