//! Rust ↔ wire case conversion shared by the macros and the generator, so that a generated
//! declaration names its fields exactly as the macros will turn them back into wire names.

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
