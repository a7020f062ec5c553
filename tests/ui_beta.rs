//! The beta code path of the `$metadata` checks: `version = "beta"` declarations and lines written
//! as absolute beta URLs are checked against `GRAPH_ODATA_METADATA_BETA`.
//!
//! Always on the small fixture of the metadata crate; also on a real beta schema, the US Nat cloud's
//! `beta-USNat.csdl.xml`, named by `GRAPH_ODATA_TEST_BETA_USNAT` (`.ci/run` sets it; without it
//! that half says it is skipped, and fails under CI).
//! Regenerate with `TRYBUILD=overwrite cargo test --test ui_beta`.

mod support;

#[test]
fn beta_checks() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/metadata/tests/fixture.csdl.xml"
    );
    // SAFETY: this test binary runs this one test; nothing else reads the environment concurrently.
    unsafe {
        std::env::set_var("GRAPH_ODATA_CHECKS", "on");
        std::env::remove_var("GRAPH_ODATA_METADATA_V1_0");
        std::env::set_var("GRAPH_ODATA_METADATA_BETA", fixture);
    }
    {
        let t = trybuild::TestCases::new();
        t.pass("tests/ui_beta/fixture_pass/*.rs");
        t.compile_fail("tests/ui_beta/fixture_fail/*.rs");
    } // the cases build and run here, while the variable names the fixture

    let Some(usnat) = support::external_file(
        "GRAPH_ODATA_TEST_BETA_USNAT",
        "a real beta schema (beta-USNat.csdl.xml)",
    ) else {
        return;
    };
    // SAFETY: as above.
    unsafe {
        std::env::set_var("GRAPH_ODATA_METADATA_BETA", usnat);
    }
    let t = trybuild::TestCases::new();
    t.pass("tests/ui_beta/usnat_pass/*.rs");
    t.compile_fail("tests/ui_beta/usnat_fail/*.rs");
}
