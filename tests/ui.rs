//! Compile errors of the attribute macros: every message is reviewed in `tests/ui/*.stderr`.
//! Regenerate with `TRYBUILD=overwrite cargo test --test ui` and review the diff like code.

#[test]
fn ui() {
    // These cases are about the macros alone: no `$metadata` checks, whatever CI sets.
    // SAFETY: this test binary runs this one test; nothing else reads the environment concurrently.
    unsafe {
        std::env::set_var("GRAPH_ODATA_CHECKS", "off");
        std::env::remove_var("GRAPH_ODATA_METADATA_V1_0");
        std::env::remove_var("GRAPH_ODATA_METADATA_BETA");
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
