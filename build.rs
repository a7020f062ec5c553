//! Rebuild when the compile-time checks are switched (`GRAPH_ODATA_CHECKS`) or the metadata files
//! they use are named or moved: crates that use the macros depend on this one, so they are checked
//! again.
fn main() {
    println!("cargo:rerun-if-env-changed=GRAPH_ODATA_CHECKS");
    println!("cargo:rerun-if-env-changed=GRAPH_ODATA_METADATA_V1_0");
    println!("cargo:rerun-if-env-changed=GRAPH_ODATA_METADATA_BETA");
}
