//! Names shared by the macros, `graph-odata-cli` and the generator: Rust ↔ wire case conversion
//! and the `rename_all` cases ([`Case`]), so that a generated declaration names its fields exactly
//! as the macros will turn them back into wire names; the default type name of a declaration; and
//! did-you-mean suggestions for messages.

/// The Rust (snake case) name for a wire (lowerCamel) name.
///
/// ```
/// use graph_odata_metadata::names::snake_from_camel;
/// assert_eq!(snake_from_camel("todoTaskListId"), "todo_task_list_id");
/// assert_eq!(snake_from_camel("driveItemID"), "drive_item_id");
/// assert_eq!(snake_from_camel("grantedToV2"), "granted_to_v2");
/// ```
pub fn snake_from_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// The wire (lowerCamel) name for a Rust field name; a raw identifier's `r#` is dropped.
///
/// ```
/// use graph_odata_metadata::names::snake_to_lower_camel;
/// assert_eq!(snake_to_lower_camel("web_url"), "webUrl");
/// assert_eq!(snake_to_lower_camel("r#type"), "type");
/// assert_eq!(snake_to_lower_camel("granted_to_v2"), "grantedToV2");
/// ```
pub fn snake_to_lower_camel(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for (i, c) in name.chars().enumerate() {
        if c == '_' {
            upper_next = i > 0;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `LinkedResource` → `linkedResource`, `UnknownFutureValue` → `unknownFutureValue` (an enum
/// member's or a type's wire name); a raw identifier's `r#` is dropped.
///
/// ```
/// use graph_odata_metadata::names::pascal_to_lower_camel;
/// assert_eq!(pascal_to_lower_camel("LinkedResource"), "linkedResource");
/// assert_eq!(pascal_to_lower_camel("r#Type"), "type");
/// ```
pub fn pascal_to_lower_camel(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let mut chars = name.chars();
    chars
        .next()
        .map_or_else(String::new, |f| f.to_lowercase().chain(chars).collect())
}

/// `linkedResource` → `LinkedResource`: the first letter upper-cased.
///
/// ```
/// use graph_odata_metadata::names::upper_first;
/// assert_eq!(upper_first("linkedResource"), "LinkedResource");
/// assert_eq!(upper_first("ärger"), "Ärger");
/// ```
pub fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(chars).collect())
}

/// `web_url` → `WebUrl` (a field's variant in the field enum); a raw identifier's `r#` is dropped
/// and runs of `_` count as one.
///
/// ```
/// use graph_odata_metadata::names::snake_to_pascal;
/// assert_eq!(snake_to_pascal("web_url"), "WebUrl");
/// assert_eq!(snake_to_pascal("r#type"), "Type");
/// assert_eq!(snake_to_pascal("granted_to_v2"), "GrantedToV2");
/// ```
pub fn snake_to_pascal(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(upper_first)
        .collect()
}

/// `rename_all = "…"`: how Rust names become wire names, for services that do not name their
/// properties and members in lowerCamelCase (TripPin's `UserName`, SAP's `CUSTOMER_ID`). The
/// macros name fields and members by it, and the generator picks the case that needs the fewest
/// `rename`s.
///
/// ```
/// use graph_odata_metadata::names::Case;
/// assert_eq!(Case::parse("PascalCase"), Some(Case::Pascal));
/// assert_eq!(Case::Pascal.field("user_name"), "UserName");
/// assert_eq!(Case::Camel.member("NotStarted"), "notStarted");
/// assert_eq!(Case::ScreamingSnake.member("NotStarted"), "NOT_STARTED");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Case {
    /// `web_url` → `webUrl`, `NotStarted` → `notStarted` (Graph's, the default).
    #[default]
    Camel,
    /// `user_name` → `UserName`, `NotStarted` → `NotStarted`.
    Pascal,
    /// `user_name` → `user_name`, `NotStarted` → `not_started`.
    Snake,
    /// `user_name` → `username`, `NotStarted` → `notstarted`.
    Lower,
    /// `user_name` → `USERNAME`, `NotStarted` → `NOTSTARTED`.
    Upper,
    /// `user_name` → `USER_NAME`, `NotStarted` → `NOT_STARTED`.
    ScreamingSnake,
}

impl Case {
    /// The spellings `rename_all` accepts (serde's names).
    pub const NAMES: &'static [(&'static str, Case)] = &[
        ("camelCase", Case::Camel),
        ("PascalCase", Case::Pascal),
        ("snake_case", Case::Snake),
        ("lowercase", Case::Lower),
        ("UPPERCASE", Case::Upper),
        ("SCREAMING_SNAKE_CASE", Case::ScreamingSnake),
    ];

    /// The case a `rename_all` spelling names (see [`Case::NAMES`]).
    pub fn parse(s: &str) -> Option<Case> {
        Case::NAMES.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }

    /// The wire name of a field (`snake_case` in Rust); a raw identifier's `r#` is dropped.
    pub fn field(self, rust: &str) -> String {
        let rust = rust.strip_prefix("r#").unwrap_or(rust);
        match self {
            Case::Camel => snake_to_lower_camel(rust),
            Case::Pascal => snake_to_pascal(rust),
            Case::Snake => rust.to_owned(),
            Case::Lower => rust.replace('_', "").to_lowercase(),
            Case::Upper => rust.replace('_', "").to_uppercase(),
            Case::ScreamingSnake => rust.to_uppercase(),
        }
    }

    /// The wire name of an enumeration member (`PascalCase` in Rust); a raw identifier's `r#` is
    /// dropped.
    pub fn member(self, rust: &str) -> String {
        let rust = rust.strip_prefix("r#").unwrap_or(rust);
        match self {
            Case::Camel => pascal_to_lower_camel(rust),
            Case::Pascal => rust.to_owned(),
            Case::Snake => snake_from_camel(rust),
            Case::Lower => rust.to_lowercase(),
            Case::Upper => rust.to_uppercase(),
            Case::ScreamingSnake => snake_from_camel(rust).to_uppercase(),
        }
    }
}

/// The namespace of a declaration that names neither its type nor a namespace: Graph's.
pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// The OData name of a declaration that does not write one: the namespace (Graph's unless
/// given) and the Rust name in lowerCamelCase.
///
/// ```
/// use graph_odata_metadata::names::default_type_name;
/// assert_eq!(default_type_name(None, "TodoTask"), "microsoft.graph.todoTask");
/// assert_eq!(
///     default_type_name(Some("microsoft.graph.externalConnectors"), "ExternalConnection"),
///     "microsoft.graph.externalConnectors.externalConnection"
/// );
/// ```
pub fn default_type_name(namespace: Option<&str>, rust_name: &str) -> String {
    format!(
        "{}.{}",
        namespace.unwrap_or(DEFAULT_NAMESPACE),
        pascal_to_lower_camel(rust_name)
    )
}

/// The attribute macros' names as written in `#[…]`, in the order of the macros' own list of kinds
/// (a test in the macros crate keeps the two equal). The CLI finds declarations by these names.
pub const MACROS: [&str; 5] = [
    "graph_entity",
    "graph_complex",
    "graph_enum",
    "graph_action",
    "graph_function",
];

/// Whether `name` is an OData simple identifier: a letter or `_`, then letters, digits or `_`
/// (the rule for enumeration members and each segment of a qualified name).
///
/// ```
/// use graph_odata_metadata::names::is_simple_identifier;
/// assert!(is_simple_identifier("linkedResource"));
/// assert!(is_simple_identifier("größe"));
/// assert!(!is_simple_identifier("9lives"));
/// assert!(!is_simple_identifier("a\"b"));
/// ```
pub fn is_simple_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Whether `name` is a namespace-qualified OData name: two or more simple identifiers joined by
/// `.` (`microsoft.graph.linkedResource`).
///
/// ```
/// use graph_odata_metadata::names::is_qualified_name;
/// assert!(is_qualified_name("microsoft.graph.user"));
/// assert!(!is_qualified_name("user"));
/// assert!(!is_qualified_name("ns.a b"));
/// ```
pub fn is_qualified_name(name: &str) -> bool {
    name.contains('.') && name.split('.').all(is_simple_identifier)
}

/// The closest of `known` to `word`, if close enough to be a likely typo (for did-you-mean
/// messages): the edit distance, letter case ignored and a swap of neighbours counted as one
/// edit, is at most 2, or a third of the candidate's length. Shared by the macros and this crate.
///
/// ```
/// use graph_odata_metadata::names::did_you_mean;
/// assert_eq!(did_you_mean("webUr", &["webUrl", "displayName"]), Some("webUrl"));
/// assert_eq!(did_you_mean("raed_only", &["read_only", "key"]), Some("read_only"));
/// assert_eq!(did_you_mean("WEBURL", &["webUrl"]), Some("webUrl"));
/// assert_eq!(did_you_mean("colour", &["webUrl"]), None);
/// ```
pub fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    known
        .iter()
        .filter_map(|k| {
            let cand: Vec<char> = k.chars().flat_map(char::to_lowercase).collect();
            let limit = 2.max(cand.len() / 3);
            // Lengths further apart than the limit cannot be within it: skip the work (and the
            // cost of comparing a huge word).
            if word.len().abs_diff(cand.len()) > limit {
                return None;
            }
            let d = edit_distance(&word, &cand);
            (d <= limit).then_some((d, *k))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// `, did you mean `x`?` when a name of `known` is close to `word` (see [`did_you_mean`]), else
/// empty: the tail of a message.
///
/// ```
/// use graph_odata_metadata::names::suggest;
/// assert_eq!(suggest("managr", &["manager", "photo"]), ", did you mean `manager`?");
/// assert_eq!(suggest("zzz", &["manager"]), "");
/// ```
pub fn suggest(word: &str, known: &[&str]) -> String {
    match did_you_mean(word, known) {
        Some(k) => format!(", did you mean `{k}`?"),
        None => String::new(),
    }
}

/// The edit distance of two names, letter case ignored (see [`did_you_mean`]).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    edit_distance(&a, &b)
}

/// Levenshtein distance with transpositions of neighbours counted as one edit, in three rows.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
