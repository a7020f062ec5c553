//! Rebuild when the metadata files used for compile-time checks are switched on, off or moved:
//! crates that use the macros depend on this one, so they are checked again.
fn main() {
    println!("cargo:rerun-if-env-changed=GRAPH_ODATA_METADATA_V1_0");
    println!("cargo:rerun-if-env-changed=GRAPH_ODATA_METADATA_BETA");
}
