use graph_odata::graph_complex;

#[graph_complex]
pub struct GeoCoordinates {
    pub point: (f64, f64),
}

fn main() {}
