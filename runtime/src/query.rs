//! Typed query options: `$select`, `$orderby`, `$expand` take a model's own fields, `$filter` is
//! built with literals quoted correctly, and `$count`/`$search` ask Graph for eventual consistency
//! (`ConsistencyLevel: eventual`, sent to Graph roots only).
//!
//! ```
//! use graph_odata_runtime::query::{FieldName, Filter, Order, Selectable};
//! use graph_odata_runtime::{Page, Request};
//! # #[derive(Clone, Copy)] enum UserField { DisplayName, Mail }
//! # impl FieldName for UserField { fn wire(self) -> &'static str { match self { UserField::DisplayName => "displayName", UserField::Mail => "mail" } } }
//! # struct User; impl Selectable for User { type Field = UserField; }
//! # impl<'de> serde::Deserialize<'de> for User { fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> { Ok(User) } }
//! let r: Request<Page<User>> = Request::get("/users")
//!     .select([UserField::DisplayName, UserField::Mail])
//!     .filter(Filter::starts_with(UserField::DisplayName, "O'Neil").and(Filter::ne(UserField::Mail, None::<String>)))
//!     .order_by([(UserField::DisplayName, Order::Desc)])
//!     .top(25)
//!     .count();
//! assert_eq!(
//!     r.url_path(),
//!     "/users?$select=displayName,mail&$filter=startswith(displayName,'O''Neil')%20and%20mail%20ne%20null\
//!      &$orderby=displayName%20desc&$top=25&$count=true"
//! );
//! assert!(r.is_eventual_consistency());
//! ```

use crate::Request;
use crate::wire::ODataLiteral;

/// A property of a model, as named on the wire. `#[graph_entity]` generates an enum of them,
/// `{Name}Field`.
pub trait FieldName: Copy {
    /// The wire name (`displayName`).
    fn wire(self) -> &'static str;
}

/// A type whose properties can be selected, ordered and expanded (the model, or a page of it).
pub trait Selectable {
    /// The model's field enum.
    type Field: FieldName;
}

impl<T: Selectable> Selectable for crate::Page<T> {
    type Field = T::Field;
}

impl<T: Selectable> Selectable for Vec<T> {
    type Field = T::Field;
}

/// A sort direction for `$orderby`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Ascending (the service's default).
    Asc,
    /// Descending.
    Desc,
}

/// A `$filter` expression, built from fields and values so literals are quoted correctly
/// (`'O''Neil'`, `null`, bare numbers and dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(String);

fn literal(value: &impl ODataLiteral) -> String {
    value.literal().unwrap_or_else(|| "null".to_owned())
}

impl Filter {
    /// Any expression, as written (nested paths, lambdas: `assignedLicenses/any(x:x/skuId eq …)`).
    pub fn raw(expression: impl Into<String>) -> Filter {
        Filter(expression.into())
    }

    fn compare(field: impl FieldName, op: &str, value: &impl ODataLiteral) -> Filter {
        Filter(format!("{} {op} {}", field.wire(), literal(value)))
    }

    /// `field eq value` (`None` compares with `null`).
    pub fn eq(field: impl FieldName, value: impl ODataLiteral) -> Filter {
        Filter::compare(field, "eq", &value)
    }
    /// `field ne value`.
    pub fn ne(field: impl FieldName, value: impl ODataLiteral) -> Filter {
        Filter::compare(field, "ne", &value)
    }
    /// `field gt value`.
    pub fn gt(field: impl FieldName, value: impl ODataLiteral) -> Filter {
        Filter::compare(field, "gt", &value)
    }
    /// `field ge value`.
    pub fn ge(field: impl FieldName, value: impl ODataLiteral) -> Filter {
        Filter::compare(field, "ge", &value)
    }
    /// `field lt value`.
    pub fn lt(field: impl FieldName, value: impl ODataLiteral) -> Filter {
        Filter::compare(field, "lt", &value)
    }
    /// `field le value`.
    pub fn le(field: impl FieldName, value: impl ODataLiteral) -> Filter {
        Filter::compare(field, "le", &value)
    }
    /// `startswith(field,'text')`.
    pub fn starts_with(field: impl FieldName, text: &str) -> Filter {
        Filter(format!("startswith({},{})", field.wire(), literal(&text)))
    }
    /// `endswith(field,'text')` (an advanced query on directory objects).
    pub fn ends_with(field: impl FieldName, text: &str) -> Filter {
        Filter(format!("endswith({},{})", field.wire(), literal(&text)))
    }
    /// `contains(field,'text')`.
    pub fn contains(field: impl FieldName, text: &str) -> Filter {
        Filter(format!("contains({},{})", field.wire(), literal(&text)))
    }
    /// `field in (v1,v2,…)`.
    pub fn is_in<V: ODataLiteral>(
        field: impl FieldName,
        values: impl IntoIterator<Item = V>,
    ) -> Filter {
        let list: Vec<String> = values.into_iter().map(|v| literal(&v)).collect();
        Filter(format!("{} in ({})", field.wire(), list.join(",")))
    }
    /// `a and b` (each side parenthesised when it is itself a combination).
    #[must_use]
    pub fn and(self, other: Filter) -> Filter {
        Filter(format!("{} and {}", self.group(), other.group()))
    }
    /// `a or b`.
    #[must_use]
    pub fn or(self, other: Filter) -> Filter {
        Filter(format!("{} or {}", self.group(), other.group()))
    }

    fn group(self) -> String {
        if self.0.contains(" and ") || self.0.contains(" or ") {
            format!("({})", self.0)
        } else {
            self.0
        }
    }

    /// The expression text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Not for Filter {
    type Output = Filter;

    /// `not (a)`: `!Filter::contains(field, "x")`.
    fn not(self) -> Filter {
        Filter(format!("not ({})", self.0))
    }
}

impl<T> Request<T> {
    /// Adds a query option. Keys stay as given (`$select`), values are percent-encoded when sent.
    ///
    /// OData allows each system query option (`$…`) once, so a second one is merged with the
    /// first instead of being sent twice (which services answer with 400): `$select`, `$expand`
    /// and `$orderby` lists are joined (`a,b`), `$filter`s are combined with `and`, and any other
    /// (`$top`, `$skip`, `$search`, …) takes the last value. An empty `$select`, `$expand` or
    /// `$orderby` adds nothing. Other options are added as given.
    ///
    /// ```
    /// use graph_odata_runtime::Request;
    /// let r: Request = Request::get("/users")
    ///     .query("$select", "id")
    ///     .query("$filter", "accountEnabled eq true")
    ///     .query("$top", "10")
    ///     .query("$select", "displayName")
    ///     .query("$filter", "startswith(displayName,'A')")
    ///     .query("$top", "5");
    /// assert_eq!(
    ///     r.query_pairs(),
    ///     [
    ///         ("$select".to_owned(), "id,displayName".to_owned()),
    ///         ("$filter".to_owned(), "(accountEnabled eq true) and (startswith(displayName,'A'))".to_owned()),
    ///         ("$top".to_owned(), "5".to_owned()),
    ///     ]
    /// );
    /// ```
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Request<T> {
        let (key, value) = (key.into(), value.into());
        if !key.starts_with('$') {
            self.query.push((key, value));
            return self;
        }
        let option = key.to_ascii_lowercase();
        let listed = matches!(option.as_str(), "$select" | "$expand" | "$orderby");
        if listed && value.is_empty() {
            return self;
        }
        match self
            .query
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            Some((_, old)) if listed => *old = format!("{old},{value}"),
            Some((_, old)) if option == "$filter" => *old = format!("({old}) and ({value})"),
            Some((_, old)) => *old = value,
            None => self.query.push((key, value)),
        }
        self
    }

    /// `$top=n`: the page size.
    pub fn top(self, n: u32) -> Request<T> {
        self.query("$top", n.to_string())
    }

    /// `$skip=n`.
    pub fn skip(self, n: u32) -> Request<T> {
        self.query("$skip", n.to_string())
    }

    /// `$count=true`, with [`eventual_consistency`](Request::eventual_consistency) (Graph needs
    /// `ConsistencyLevel: eventual` to count directory objects).
    pub fn count(self) -> Request<T> {
        self.query("$count", "true").eventual_consistency()
    }

    /// `$search="text"` (quoted as Graph wants it), with
    /// [`eventual_consistency`](Request::eventual_consistency).
    /// `text` may name a property: `displayName:room`. A `\` or `"` in `text` is escaped with a
    /// backslash, so the value always stays one phrase.
    pub fn search(self, text: &str) -> Request<T> {
        let mut quoted = String::with_capacity(text.len() + 2);
        quoted.push('"');
        for c in text.chars() {
            if matches!(c, '"' | '\\') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        self.query("$search", quoted).eventual_consistency()
    }

    /// `$filter=…` from a [`Filter`].
    pub fn filter(self, filter: Filter) -> Request<T> {
        self.query("$filter", filter.0)
    }
}

impl<T: Selectable> Request<T> {
    /// `$select=a,b`: only these properties come back.
    pub fn select(self, fields: impl IntoIterator<Item = T::Field>) -> Request<T> {
        let list: Vec<&str> = fields.into_iter().map(FieldName::wire).collect();
        self.query("$select", list.join(","))
    }

    /// `$orderby=a desc,b`.
    pub fn order_by(self, fields: impl IntoIterator<Item = (T::Field, Order)>) -> Request<T> {
        let list: Vec<String> = fields
            .into_iter()
            .map(|(f, o)| match o {
                Order::Asc => f.wire().to_owned(),
                Order::Desc => format!("{} desc", f.wire()),
            })
            .collect();
        self.query("$orderby", list.join(","))
    }

    /// `$expand=a,b` (navigation properties declared on the model).
    pub fn expand(self, fields: impl IntoIterator<Item = T::Field>) -> Request<T> {
        let list: Vec<&str> = fields.into_iter().map(FieldName::wire).collect();
        self.query("$expand", list.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    struct F(&'static str);
    impl FieldName for F {
        fn wire(self) -> &'static str {
            self.0
        }
    }

    #[test]
    fn filters_quote_literals_and_group_combinations() {
        let f = Filter::eq(F("displayName"), "O'Neil".to_owned());
        assert_eq!(f.as_str(), "displayName eq 'O''Neil'");
        let f = Filter::ge(
            F("createdDateTime"),
            "2026-01-01T00:00:00Z"
                .parse::<crate::edm::DateTimeOffset>()
                .unwrap(),
        );
        assert_eq!(f.as_str(), "createdDateTime ge 2026-01-01T00:00:00Z");
        let f = Filter::eq(F("a"), 1)
            .or(Filter::eq(F("b"), true))
            .and(Filter::eq(F("c"), None::<i32>));
        assert_eq!(f.as_str(), "(a eq 1 or b eq true) and c eq null");
        assert_eq!(
            Filter::is_in(F("id"), ["x", "y"]).as_str(),
            "id in ('x','y')"
        );
        assert_eq!(
            (!Filter::contains(F("mail"), "a")).as_str(),
            "not (contains(mail,'a'))"
        );
    }

    #[test]
    fn search_is_quoted_and_asks_for_eventual_consistency() {
        let r: Request = Request::get("/users").search("displayName:room \"A\"");
        assert_eq!(r.query_pairs()[0].1, "\"displayName:room \\\"A\\\"\"");
        assert!(r.is_eventual_consistency());
        assert_eq!(
            r.url_path(),
            "/users?$search=%22displayName:room%20%5C%22A%5C%22%22"
        );
    }

    #[test]
    fn a_backslash_cannot_close_the_search_phrase() {
        // Escaping only the quotes would send `"a\\" OR \"b"`: an escaped backslash, the closing
        // quote, then ` OR ` outside the phrase as search syntax.
        let r: Request = Request::get("/users").search("a\\\" OR \"b");
        assert_eq!(r.query_pairs()[0].1, "\"a\\\\\\\" OR \\\"b\"");
        let r: Request = Request::get("/users").search("ends with \\");
        assert_eq!(r.query_pairs()[0].1, "\"ends with \\\\\"");
    }
}
