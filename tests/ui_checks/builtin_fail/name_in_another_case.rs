// The schema spells some names with a capital (message `forward`'s parameters): the error says
// how to match it, with `rename` or `rename_all`.
use graph_odata::graph_action;

#[graph_action(paths = ["POST /me/messages/{id}/forward"])]
pub struct Forward {
    pub comment: Option<String>,
}

mod trippin {
    use graph_odata::graph_entity;

    // `rename_all` given, one field still misspelt: only `rename` is suggested.
    #[graph_entity(
        "Trippin.Person",
        metadata = "${GRAPH_ODATA_TEST_ROOT}/tests/fixtures/trippin.csdl.xml",
        rename_all = "PascalCase"
    )]
    pub struct Person {
        #[graph(key)]
        pub user_name: String,
        #[graph(rename = "Firstname")]
        pub first_name: String,
    }
}

fn main() {}
