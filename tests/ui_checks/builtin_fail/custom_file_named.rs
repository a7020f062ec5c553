// A declaration's own file is named in its messages.
use graph_odata::graph_complex;

#[graph_complex("contoso.test.part", metadata = "${GRAPH_ODATA_TEST_ROOT}/tests/fixtures/contoso.csdl.xml")]
pub struct Part {
    pub count: i32,
    pub nots: Option<String>,
}

fn main() {}
