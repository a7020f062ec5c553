// With a file named, a namespace the file lacks is an error (a typo must not turn the check off),
// and messages name the file, not Graph. (The path is relative to the manifest trybuild
// compiles this with: target/tests/trybuild/graph-odata.)
use graph_odata::prelude::*;

#[graph_entity(namespace = "microsoft.grph", metadata = "${GRAPH_ODATA_TEST_ROOT}/metadata/tests/fixture.csdl.xml")]
pub struct TodoTask {
    pub id: Option<String>,
}

#[graph_entity(namespace = "microsoft.graph", metadata = "${GRAPH_ODATA_TEST_ROOT}/metadata/tests/fixture.csdl.xml")]
pub struct TodoTsk {
    pub id: Option<String>,
}

#[graph_entity(namespace = "microsoft.graph", metadata = "${GRAPH_ODATA_TEST_ROOT}/metadata/tests/fixture.csdl.xml")]
pub struct TodoTaskList {
    pub id: Option<String>,
    pub display_nam: Option<String>,
}

fn main() {}
