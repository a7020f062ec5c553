//! `$filter` and `$orderby` on stored items: the common part of OData's expression language.
//!
//! Supported: `eq ne gt ge lt le`, `and or not`, parentheses, `in (…)`, `null`, `true`/`false`,
//! numbers, `'strings'` (`''` for a quote), nested properties (`address/city`), `contains`,
//! `startswith`, `endswith`, `tolower`, `toupper`, and the lambda `any` on collections
//! (`emails/any(e:endswith(e,'@contoso.com'))`, `tags/any()`). Anything else is an error that names
//! it, which the emulator answers with 400.

use std::cmp::Ordering;

use serde_json::Value;

/// A parsed `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Literal(Value),
    /// A property path, or a lambda variable (`e`) followed by more of a path.
    Path(Vec<String>),
    Not(Box<Expr>),
    Bin(Box<Expr>, Op, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    Call(String, Vec<Expr>),
    Any {
        collection: Vec<String>,
        lambda: Option<(String, Box<Expr>)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(f64),
    Word(String),
    Open,
    Close,
    Comma,
    Colon,
}

fn tokens(text: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            ':' => {
                out.push(Tok::Colon);
                i += 1;
            }
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("a string literal is not closed with `'`".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '.')
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = text
                    .parse::<f64>()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                out.push(Tok::Num(n));
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '/' | '@' | '.' | '$') => {
                let start = i;
                while chars.get(i).is_some_and(|d| {
                    d.is_alphanumeric() || matches!(d, '_' | '/' | '@' | '.' | '$' | '-')
                }) {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character `{other}`")),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    /// How deep the recursive descent is: bounded, so a hostile `((((…` or `not not not …` is a
    /// 400, not a stack overflow.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn word_is(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), String> {
        match self.next() {
            Some(t) if t == tok => Ok(()),
            Some(t) => Err(format!("expected {what}, found {}", show(&t))),
            None => Err(format!("expected {what} at the end")),
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "the expression nests deeper than {MAX_DEPTH} levels"
            ));
        }
        let result = self.or_inner();
        self.depth -= 1;
        result
    }

    fn or_inner(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.word_is("or") {
            self.at += 1;
            left = Expr::Bin(Box::new(left), Op::Or, Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.word_is("and") {
            self.at += 1;
            left = Expr::Bin(Box::new(left), Op::And, Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.word_is("not") {
            self.at += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(format!(
                    "the expression nests deeper than {MAX_DEPTH} levels"
                ));
            }
            let inner = self.not();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner?)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, String> {
        let left = self.primary()?;
        let op = match self.peek() {
            Some(Tok::Word(w)) => match w.as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                "in" => {
                    self.at += 1;
                    self.expect(Tok::Open, "`(` after `in`")?;
                    let mut items = vec![self.primary()?];
                    while matches!(self.peek(), Some(Tok::Comma)) {
                        self.at += 1;
                        items.push(self.primary()?);
                    }
                    self.expect(Tok::Close, "`)` closing the `in` list")?;
                    return Ok(Expr::In(Box::new(left), items));
                }
                "and" | "or" => return Ok(left),
                other => return Err(format!("the operator `{other}` is not supported")),
            },
            _ => return Ok(left),
        };
        self.at += 1;
        Ok(Expr::Bin(Box::new(left), op, Box::new(self.primary()?)))
    }

    fn primary(&mut self) -> Result<Expr, String> {
        match self.next() {
            None => Err("the expression ends too early".into()),
            Some(Tok::Open) => {
                let e = self.or()?;
                self.expect(Tok::Close, "`)`")?;
                Ok(e)
            }
            Some(Tok::Str(s)) => Ok(Expr::Literal(Value::String(s))),
            Some(Tok::Num(n)) => Ok(Expr::Literal(
                serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            )),
            Some(Tok::Word(w)) => match w.as_str() {
                "null" => Ok(Expr::Literal(Value::Null)),
                "true" => Ok(Expr::Literal(Value::Bool(true))),
                "false" => Ok(Expr::Literal(Value::Bool(false))),
                _ if matches!(self.peek(), Some(Tok::Open)) => self.call_or_lambda(w),
                _ => Ok(Expr::Path(w.split('/').map(str::to_owned).collect())),
            },
            Some(t) => Err(format!("unexpected {}", show(&t))),
        }
    }

    fn call_or_lambda(&mut self, word: String) -> Result<Expr, String> {
        self.at += 1; // `(`
        let mut path: Vec<String> = word.split('/').map(str::to_owned).collect();
        let last = path.pop().unwrap_or_default();
        match last.as_str() {
            "any" | "all" if !path.is_empty() => {
                if last == "all" {
                    return Err("the lambda `all` is not supported (only `any`)".into());
                }
                if matches!(self.peek(), Some(Tok::Close)) {
                    self.at += 1;
                    return Ok(Expr::Any {
                        collection: path,
                        lambda: None,
                    });
                }
                let var = match self.next() {
                    Some(Tok::Word(v)) => v,
                    _ => return Err("a lambda needs a variable: `any(e:…)`".into()),
                };
                self.expect(Tok::Colon, "`:` after the lambda variable")?;
                let body = self.or()?;
                self.expect(Tok::Close, "`)` closing the lambda")?;
                Ok(Expr::Any {
                    collection: path,
                    lambda: Some((var, Box::new(body))),
                })
            }
            "contains" | "startswith" | "endswith" | "tolower" | "toupper" if path.is_empty() => {
                let mut args = vec![self.or()?];
                while matches!(self.peek(), Some(Tok::Comma)) {
                    self.at += 1;
                    args.push(self.or()?);
                }
                self.expect(Tok::Close, "`)` closing the function")?;
                let want = if matches!(last.as_str(), "tolower" | "toupper") {
                    1
                } else {
                    2
                };
                if args.len() != want {
                    return Err(format!(
                        "`{last}` takes {want} arguments, not {}",
                        args.len()
                    ));
                }
                Ok(Expr::Call(last, args))
            }
            other => Err(format!("the function `{other}` is not supported")),
        }
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Str(s) => format!("'{s}'"),
        Tok::Num(n) => n.to_string(),
        Tok::Word(w) => format!("`{w}`"),
        Tok::Open => "`(`".into(),
        Tok::Close => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Colon => "`:`".into(),
    }
}

/// How deep parentheses may nest: the parser recurses per level, and a hostile `((((…` must be
/// a 400, not a stack overflow.
const MAX_DEPTH: usize = 64;

/// The most tokens a `$filter` may have.
const MAX_TOKENS: usize = 1000;

/// Parses a `$filter` value.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let toks = tokens(text)?;
    // `a and b and …` builds a left-deep tree that evaluation walks recursively: bound its size.
    if toks.len() > MAX_TOKENS {
        return Err(format!("the expression is longer than {MAX_TOKENS} tokens"));
    }
    let mut p = Parser {
        toks,
        at: 0,
        depth: 0,
    };
    let e = p.or()?;
    if let Some(t) = p.peek() {
        return Err(format!("unexpected {} after the expression", show(t)));
    }
    Ok(e)
}

/// Variables bound by lambdas, innermost last.
type Scope = Vec<(String, Value)>;

fn lookup(item: &Value, path: &[String], scope: &Scope) -> Value {
    let (mut current, rest) = match scope
        .iter()
        .rev()
        .find(|(v, _)| Some(v.as_str()) == path.first().map(String::as_str))
    {
        Some((_, value)) => (value, &path[1..]),
        None => (item, path),
    };
    for seg in rest {
        match current.get(seg) {
            Some(v) => current = v,
            None => return Value::Null,
        }
    }
    current.clone()
}

fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    compare(a, b) == Some(Ordering::Equal)
}

fn eval(e: &Expr, item: &Value, scope: &mut Scope) -> Value {
    match e {
        Expr::Literal(v) => v.clone(),
        Expr::Path(p) => lookup(item, p, scope),
        Expr::Not(inner) => Value::Bool(!truthy(&eval(inner, item, scope))),
        Expr::Bin(l, Op::And, r) => {
            Value::Bool(truthy(&eval(l, item, scope)) && truthy(&eval(r, item, scope)))
        }
        Expr::Bin(l, Op::Or, r) => {
            Value::Bool(truthy(&eval(l, item, scope)) || truthy(&eval(r, item, scope)))
        }
        Expr::Bin(l, op, r) => {
            let (a, b) = (eval(l, item, scope), eval(r, item, scope));
            Value::Bool(match op {
                Op::Eq => equal(&a, &b),
                Op::Ne => !equal(&a, &b),
                Op::Gt => compare(&a, &b) == Some(Ordering::Greater),
                Op::Ge => matches!(compare(&a, &b), Some(Ordering::Greater | Ordering::Equal)),
                Op::Lt => compare(&a, &b) == Some(Ordering::Less),
                Op::Le => matches!(compare(&a, &b), Some(Ordering::Less | Ordering::Equal)),
                Op::And | Op::Or => false,
            })
        }
        Expr::In(l, items) => {
            let a = eval(l, item, scope);
            Value::Bool(items.iter().any(|i| equal(&a, &eval(i, item, scope))))
        }
        Expr::Call(name, args) => {
            let values: Vec<Value> = args.iter().map(|a| eval(a, item, scope)).collect();
            match (name.as_str(), values.as_slice()) {
                ("tolower", [v]) => {
                    text(v).map_or(Value::Null, |s| Value::String(s.to_lowercase()))
                }
                ("toupper", [v]) => {
                    text(v).map_or(Value::Null, |s| Value::String(s.to_uppercase()))
                }
                (f, [a, b]) => match (text(a), text(b)) {
                    (Some(a), Some(b)) => Value::Bool(match f {
                        "contains" => a.contains(b),
                        "startswith" => a.starts_with(b),
                        _ => a.ends_with(b),
                    }),
                    _ => Value::Bool(false),
                },
                _ => Value::Null,
            }
        }
        Expr::Any { collection, lambda } => {
            let coll = lookup(item, collection, scope);
            let Value::Array(members) = coll else {
                return Value::Bool(false);
            };
            Value::Bool(match lambda {
                None => !members.is_empty(),
                Some((var, body)) => members.into_iter().any(|m| {
                    scope.push((var.clone(), m));
                    let hit = truthy(&eval(body, item, scope));
                    scope.pop();
                    hit
                }),
            })
        }
    }
}

fn truthy(v: &Value) -> bool {
    v.as_bool().unwrap_or(false)
}

/// Whether `item` satisfies the filter.
pub(crate) fn matches(e: &Expr, item: &Value) -> bool {
    truthy(&eval(e, item, &mut Vec::new()))
}

/// A parsed `$orderby`: property paths, descending or not.
pub(crate) fn parse_order(text: &str) -> Result<Vec<(Vec<String>, bool)>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let mut words = part.split_whitespace();
        let Some(path) = words.next() else {
            return Err("an empty `$orderby` item".into());
        };
        if path.contains('(') {
            return Err(format!(
                "ordering by `{path}` is not supported (only properties)"
            ));
        }
        let desc = match words.next() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(format!("`{other}` is neither `asc` nor `desc`")),
        };
        if let Some(extra) = words.next() {
            return Err(format!("unexpected `{extra}` in `$orderby`"));
        }
        out.push((path.split('/').map(str::to_owned).collect(), desc));
    }
    Ok(out)
}

/// Sorts by the keys; `null` (and missing) sorts first ascending, as in OData.
pub(crate) fn sort<T: std::borrow::Borrow<Value>>(items: &mut [T], keys: &[(Vec<String>, bool)]) {
    items.sort_by(|a, b| {
        let (a, b) = (a.borrow(), b.borrow());
        for (path, desc) in keys {
            let (x, y) = (lookup(a, path, &Vec::new()), lookup(b, path, &Vec::new()));
            let o = match (&x, &y) {
                (Value::Null, Value::Null) => Ordering::Equal,
                (Value::Null, _) => Ordering::Less,
                (_, Value::Null) => Ordering::Greater,
                _ => compare(&x, &y).unwrap_or(Ordering::Equal),
            };
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

#[cfg(test)]
mod tests;
