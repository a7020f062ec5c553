// A function's fields are call parameters: `period` would be sent twice.
use graph_odata::graph_function;

#[graph_function(returns = serde_json::Value, paths = ["GET /reports/getEmailActivityCounts(period='{period}')"])]
pub struct GetEmailActivityCounts {
    pub period: String,
}

fn main() {}
