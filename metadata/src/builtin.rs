//! The built-in Graph v1.0 index: generated from Microsoft's published `$metadata` by
//! `graph-odata-cli index` (see `metadata/builtin/README.md`), checked in CI against the file it was
//! made from.

/// The index text of Microsoft Graph v1.0 (format of [`Metadata::to_index`](crate::Metadata::to_index)).
pub(crate) const GRAPH_V1_0: &str = include_str!("../builtin/graph-v1.0.idx");

/// The index of Microsoft Graph's permissions reference (format of
/// [`permissions::write_index`](crate::permissions::write_index)).
pub(crate) const GRAPH_PERMISSIONS: &str = include_str!("../builtin/graph-permissions.idx");
