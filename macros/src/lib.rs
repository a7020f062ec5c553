//! Attribute macros for graph-odata. Depend on the `graph-odata` crate, which re-exports them.
//!
//! The macros (`#[graph_entity]`, `#[graph_complex]`, `#[graph_enum]`, `#[graph_action]`,
//! `#[graph_function]`) are being built; this crate currently exports none.
