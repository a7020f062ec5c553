//! The HTTP-line grammar lives in `graph_odata_metadata::line`, shared with `graph-odata-cli check`
//! so that both accept exactly the same lines.

pub(crate) use graph_odata_metadata::line::{Arg, HttpLine, Method, Segment, parse};
