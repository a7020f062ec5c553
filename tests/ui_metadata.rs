//! Compile errors of the `$metadata` checks, against the small CSDL fixture of the metadata crate
//! (`metadata/tests/fixture.csdl.xml`). Regenerate with `TRYBUILD=overwrite cargo test --test ui_metadata`.

#[test]
fn ui_metadata() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/metadata/tests/fixture.csdl.xml"
    );
    // SAFETY: this test binary runs this one test; nothing else reads the environment concurrently.
    unsafe {
        std::env::set_var("GRAPH_ODATA_CHECKS", "on");
        // Cases name other fixtures from here, wherever the target directory is.
        std::env::set_var("GRAPH_ODATA_TEST_ROOT", env!("CARGO_MANIFEST_DIR"));
        std::env::set_var("GRAPH_ODATA_METADATA_V1_0", fixture);
        std::env::remove_var("GRAPH_ODATA_METADATA_BETA");
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui_metadata/*.rs");
    t.pass("tests/ui_metadata/pass/*.rs");
}
