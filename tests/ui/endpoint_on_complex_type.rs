// Complex types have no identity and no endpoints of their own.
use graph_odata::graph_complex;

#[graph_complex(get = "GET /me/mailboxSettings")]
pub struct MailboxSettings {
    pub time_zone: Option<String>,
}

fn main() {}
