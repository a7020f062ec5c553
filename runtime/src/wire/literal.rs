//! Values as literals in a URL: function parameters such as `getByPath(path='a%2Fb')`.

use serde::Serialize;

use crate::path::PathBuilder;

/// A value that can be a function parameter in a URL: `getByPath(path='a%2Fb')`, `f(n=3)`.
///
/// Strings are quoted with `'` doubled; numbers (`INF`, `-INF`, `NaN` for the special floats),
/// booleans, dates and GUIDs are written bare; `None` leaves the parameter out. `#[graph_enum]`
/// types are written as their quoted member name.
///
/// ```
/// use graph_odata_runtime::wire::ODataLiteral;
/// assert_eq!("O'Neil".to_owned().literal().as_deref(), Some("'O''Neil'"));
/// assert_eq!(3i32.literal().as_deref(), Some("3"));
/// assert_eq!(f64::NEG_INFINITY.literal().as_deref(), Some("-INF"));
/// assert_eq!(None::<bool>.literal(), None);
/// ```
pub trait ODataLiteral {
    /// The OData literal text, or `None` to leave the parameter out.
    fn literal(&self) -> Option<String>;

    /// Adds `name=value` to an open call (percent-encoded).
    fn write_arg(&self, name: &str, path: PathBuilder) -> PathBuilder {
        match self.literal() {
            Some(l) => path.literal_arg(name, &l),
            None => path,
        }
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl ODataLiteral for String {
    fn literal(&self) -> Option<String> {
        Some(quote(self))
    }
    fn write_arg(&self, name: &str, path: PathBuilder) -> PathBuilder {
        path.quoted_arg(name, self)
    }
}

impl ODataLiteral for str {
    fn literal(&self) -> Option<String> {
        Some(quote(self))
    }
    fn write_arg(&self, name: &str, path: PathBuilder) -> PathBuilder {
        path.quoted_arg(name, self)
    }
}

impl<T: ODataLiteral + ?Sized> ODataLiteral for &T {
    fn literal(&self) -> Option<String> {
        (**self).literal()
    }
    fn write_arg(&self, name: &str, path: PathBuilder) -> PathBuilder {
        (**self).write_arg(name, path)
    }
}

/// A collection, as the JSON array OData writes for a parameter alias (`@ids=["a","b"]`);
/// `#[graph_function(aliases)]` sends collection parameters this way (a collection cannot be a
/// literal inside the path).
impl<T: Serialize> ODataLiteral for Vec<T> {
    fn literal(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

impl<T: ODataLiteral> ODataLiteral for Option<T> {
    fn literal(&self) -> Option<String> {
        self.as_ref()?.literal()
    }
    fn write_arg(&self, name: &str, path: PathBuilder) -> PathBuilder {
        match self {
            Some(v) => v.write_arg(name, path),
            None => path,
        }
    }
}

macro_rules! bare_literal {
    (
        bare: [$($bare:ty),* $(,)?],
        float: [$($float:ty),* $(,)?],
        other: [$($other:ty),* $(,)?] $(,)?
    ) => {$(
        impl ODataLiteral for $bare {
            fn literal(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}

value_types!(bare_literal);

/// A floating-point literal: OData spells the special values `INF`, `-INF` and `NaN`.
fn float_literal(value: f64, text: String) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value == f64::INFINITY {
        "INF".to_owned()
    } else if value == f64::NEG_INFINITY {
        "-INF".to_owned()
    } else {
        text
    }
}

impl ODataLiteral for f64 {
    fn literal(&self) -> Option<String> {
        Some(float_literal(*self, self.to_string()))
    }
}

impl ODataLiteral for f32 {
    fn literal(&self) -> Option<String> {
        Some(float_literal(f64::from(*self), self.to_string()))
    }
}

impl ODataLiteral for crate::edm::Int64 {
    fn literal(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

impl ODataLiteral for crate::edm::Duration {
    fn literal(&self) -> Option<String> {
        Some(format!("duration'{self}'"))
    }
}

impl PathBuilder {
    /// Adds `name=literal` to an open call from a typed value: a number or a GUID bare, a string
    /// quoted with its quotes doubled (`'O''Neil'`), `None` leaves the parameter out. Text can
    /// never end the literal early and add parameters of its own.
    ///
    /// ```
    /// use graph_odata_runtime::path::PathBuilder;
    /// let path = PathBuilder::new().segment("reports").call_start("usage")
    ///     .typed_arg("top", &5).typed_arg("period", "D7',x='y").typed_arg("since", &None::<i32>)
    ///     .call_end().finish().unwrap();
    /// assert_eq!(path, "/reports/usage(top=5,period='D7%27%27%2Cx%3D%27%27y')");
    /// ```
    pub fn typed_arg<T: ODataLiteral + ?Sized>(self, name: &str, value: &T) -> PathBuilder {
        value.write_arg(name, self)
    }
}
