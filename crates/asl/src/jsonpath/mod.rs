//! JSONPath as Amazon States Language uses it (selection, reference paths for `ResultPath`).
//!
//! AWS Step Functions evaluates JSONPath with Jayway JsonPath semantics; this module follows
//! them where they show through:
//! - a *definite* path (only `.name`, `['name']`, `[n]`) yields one value or fails; its failure
//!   messages are Jayway's (`No results for path: $['a']`, `Missing property in path $['a']`);
//! - an *indefinite* path (wildcards, deep scan `..`, slices, unions, filters) yields the array
//!   of everything it matched, possibly empty, and never fails for missing data;
//! - inside brackets a backslash only protects the next character from ending the name; it is
//!   kept in the name (AWS resolves `$['a\"b']` to the key `a\"b`).

use serde_json::{Map, Value};
use std::fmt;

/// A path that could not be parsed, or could not be applied to a document.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub message: String,
}

impl PathError {
    pub fn new(message: impl Into<String>) -> Self {
        PathError { message: message.into() }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathError {}

/// A compiled JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    src: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// `.name` / `['name']`
    Property(String),
    /// `['a','b']`: Jayway's multi-property token (indefinite here).
    Properties(Vec<String>),
    /// `[n]`, negative counts from the end.
    Index(i64),
    /// `[0,2]`
    Indexes(Vec<i64>),
    /// `[a:b]`, either bound optional.
    Slice(Option<i64>, Option<i64>),
    /// `.*` / `[*]`
    Wildcard,
    /// `..` followed by the segment applied at every node, pre-order.
    Scan(Box<Segment>),
    /// `[?(…)]`
    Filter(Expr),
    /// `.length()` (Jayway function; also `size()`).
    Length,
}

impl Segment {
    fn is_definite(&self) -> bool {
        matches!(self, Segment::Property(_) | Segment::Index(_) | Segment::Length)
    }

    /// Jayway's normalized rendering, used in its error messages.
    fn render(&self, out: &mut String) {
        match self {
            Segment::Property(name) => {
                out.push_str("['");
                out.push_str(name);
                out.push_str("']");
            }
            Segment::Properties(names) => {
                out.push('[');
                let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                out.push_str(&quoted.join(","));
                out.push(']');
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Indexes(is) => {
                let s: Vec<String> = is.iter().map(|i| i.to_string()).collect();
                out.push_str(&format!("[{}]", s.join(",")));
            }
            Segment::Slice(a, b) => {
                let a = a.map(|v| v.to_string()).unwrap_or_default();
                let b = b.map(|v| v.to_string()).unwrap_or_default();
                out.push_str(&format!("[{a}:{b}]"));
            }
            Segment::Wildcard => out.push_str("[*]"),
            Segment::Scan(inner) => {
                out.push_str("..");
                inner.render(out);
            }
            Segment::Filter(_) => out.push_str("[?]"),
            Segment::Length => out.push_str(".length()"),
        }
    }
}

/// A filter expression `?(…)`.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, CmpOp, Operand),
    /// `@.x` alone: true when the path exists (and is not `false`... Jayway: exists).
    Exists(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Literal(Value),
    /// `@…` (relative to the current item) or `$…` (absolute).
    Path {
        relative: bool,
        path: Box<JsonPath>,
    },
}

impl JsonPath {
    /// Compile a path that starts with `$`.
    pub fn parse(src: &str) -> Result<JsonPath, PathError> {
        let mut p = Parser { chars: src.chars().collect(), pos: 0, src };
        if p.peek() != Some('$') {
            return Err(PathError::new(format!("Path must start with '$': {src}")));
        }
        p.pos = 1;
        let segments = p.segments(false)?;
        if p.pos < p.chars.len() {
            return Err(p.err("unexpected character"));
        }
        Ok(JsonPath { src: src.to_string(), segments })
    }

    /// The source text, as written.
    pub fn as_str(&self) -> &str {
        &self.src
    }

    /// No wildcards, deep scan, slices, unions or filters: selects at most one value.
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(Segment::is_definite)
    }

    /// Only `$`, `.name`, `['name']`, `[n]`: usable as a `ResultPath`.
    pub fn is_reference_path(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Property(_) | Segment::Index(_)))
    }

    /// Jayway's normalized form, e.g. `$['a'][0]`.
    pub fn normalized(&self) -> String {
        let mut out = String::from("$");
        for s in &self.segments {
            s.render(&mut out);
        }
        out
    }

    /// Definite path: `Some(value)` or `None` when missing. Indefinite: `Some(array of matches)`.
    pub fn select(&self, root: &Value) -> Option<Value> {
        self.evaluate(root).ok()
    }

    /// Like [`select`](Self::select) but a definite path that selects nothing fails with
    /// Jayway's message (`No results for path: $['a']`, `Missing property in path $['a']`, …).
    pub fn evaluate(&self, root: &Value) -> Result<Value, PathError> {
        let mut out = Vec::new();
        let mut ctx = Eval { root, out: &mut out };
        // AWS never fails an indefinite path (`$.a.b[*]` on `{}` is `[]`), so misses are errors
        // only when the whole path is definite.
        ctx.walk(&self.segments, 0, root, "$".to_string(), self.is_definite())?;
        if self.is_definite() {
            match out.into_iter().next() {
                Some(v) => Ok(v),
                None => Err(PathError::new(format!("No results for path: {}", self.normalized()))),
            }
        } else {
            Ok(Value::Array(out))
        }
    }

    /// Write `value` at a reference path (ResultPath), creating missing objects on the way.
    ///
    /// Fails when the path is not a reference path, when a step meets a value that is not an
    /// object (for a name) or an array (for an index), or an index is out of range.
    pub fn set(&self, root: &mut Value, value: Value) -> Result<(), PathError> {
        if !self.is_reference_path() {
            return Err(PathError::new(format!("Invalid reference path: {}", self.src)));
        }
        let mut cur = root;
        let mut here = String::from("$");
        for seg in &self.segments {
            match seg {
                Segment::Property(name) => {
                    let Value::Object(map) = cur else {
                        return Err(PathError::new(format!(
                            "Expected an object at {here} to set property '{name}'"
                        )));
                    };
                    cur = map.entry(name.clone()).or_insert_with(|| Value::Object(Map::new()));
                }
                Segment::Index(i) => {
                    let Value::Array(items) = cur else {
                        return Err(PathError::new(format!(
                            "Expected an array at {here} to set index {i}"
                        )));
                    };
                    let len = items.len() as i64;
                    let at = if *i < 0 { len + i } else { *i };
                    cur = usize::try_from(at).ok().and_then(|u| items.get_mut(u)).ok_or_else(
                        || PathError::new(format!("Index {i} out of bounds at {here}")),
                    )?;
                }
                _ => return Err(PathError::new(format!("Invalid reference path: {}", self.src))),
            }
            seg.render(&mut here);
        }
        *cur = value;
        Ok(())
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.src)
    }
}

// ------------------------------------------------------------------------------------------------
// parsing
// ------------------------------------------------------------------------------------------------

struct Parser<'s> {
    chars: Vec<char>,
    pos: usize,
    src: &'s str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    fn err(&self, what: &str) -> PathError {
        PathError::new(format!("Invalid path '{}': {what} at position {}", self.src, self.pos))
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Segments until the end, or (in a filter) until something that is not a segment.
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, PathError> {
        let mut segs = Vec::new();
        loop {
            match self.peek() {
                Some('.') if self.peek_at(1) == Some('.') => {
                    self.pos += 2;
                    let inner = match self.peek() {
                        Some('[') => self.bracket()?,
                        Some('*') => {
                            self.pos += 1;
                            Segment::Wildcard
                        }
                        _ => Segment::Property(self.name()?),
                    };
                    segs.push(Segment::Scan(Box::new(inner)));
                }
                Some('.') => {
                    self.pos += 1;
                    if self.peek() == Some('*') {
                        self.pos += 1;
                        segs.push(Segment::Wildcard);
                    } else {
                        let name = self.name()?;
                        if self.peek() == Some('(') && self.peek_at(1) == Some(')') {
                            self.pos += 2;
                            match name.as_str() {
                                "length" | "size" => segs.push(Segment::Length),
                                _ => return Err(self.err("unsupported function")),
                            }
                        } else {
                            segs.push(Segment::Property(name));
                        }
                    }
                }
                Some('[') => segs.push(self.bracket()?),
                None => return Ok(segs),
                Some(_) if in_filter => return Ok(segs),
                Some(_) => return Err(self.err("unexpected character")),
            }
        }
    }

    /// A dot-notation name: everything up to `.`, `[`, `(` or (in filters) an operator/space.
    fn name(&mut self) -> Result<String, PathError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(c, '.' | '[' | '(' | ')' | ' ' | '=' | '!' | '<' | '>' | '&' | '|' | ',') {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err("empty property name"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn quoted(&mut self) -> Result<String, PathError> {
        let Some(q) = self.peek() else { return Err(self.err("expected a quote")) };
        self.pos += 1;
        let mut s = String::new();
        let mut escaped = false;
        loop {
            let Some(c) = self.peek() else { return Err(self.err("unterminated string")) };
            self.pos += 1;
            if escaped {
                escaped = false;
                s.push(c);
            } else if c == '\\' {
                escaped = true;
                s.push(c);
            } else if c == q {
                return Ok(s);
            } else {
                s.push(c);
            }
        }
    }

    fn int(&mut self) -> Result<i64, PathError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        self.skip_ws();
        text.parse().map_err(|_| self.err("expected an integer"))
    }

    fn expect(&mut self, c: char) -> Result<(), PathError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected '{c}'")))
        }
    }

    fn bracket(&mut self) -> Result<Segment, PathError> {
        self.expect('[')?;
        self.skip_ws();
        let seg = match self.peek() {
            Some('\'') | Some('"') => {
                let mut names = vec![self.quoted()?];
                self.skip_ws();
                while self.peek() == Some(',') {
                    self.pos += 1;
                    self.skip_ws();
                    names.push(self.quoted()?);
                    self.skip_ws();
                }
                if names.len() == 1 {
                    Segment::Property(names.remove(0))
                } else {
                    Segment::Properties(names)
                }
            }
            Some('*') => {
                self.pos += 1;
                Segment::Wildcard
            }
            Some('?') => {
                self.pos += 1;
                self.expect('(')?;
                let e = self.or_expr()?;
                self.expect(')')?;
                Segment::Filter(e)
            }
            Some(':') => {
                self.pos += 1;
                self.skip_ws();
                let end = if self.peek() == Some(']') { None } else { Some(self.int()?) };
                Segment::Slice(None, end)
            }
            _ => {
                let first = self.int()?;
                match self.peek() {
                    Some(':') => {
                        self.pos += 1;
                        self.skip_ws();
                        let end = if self.peek() == Some(']') { None } else { Some(self.int()?) };
                        Segment::Slice(Some(first), end)
                    }
                    Some(',') => {
                        let mut all = vec![first];
                        while self.peek() == Some(',') {
                            self.pos += 1;
                            all.push(self.int()?);
                        }
                        Segment::Indexes(all)
                    }
                    _ => Segment::Index(first),
                }
            }
        };
        self.expect(']')?;
        Ok(seg)
    }

    fn or_expr(&mut self) -> Result<Expr, PathError> {
        let mut left = self.and_expr()?;
        loop {
            self.skip_ws();
            if self.peek() == Some('|') && self.peek_at(1) == Some('|') {
                self.pos += 2;
                let right = self.and_expr()?;
                left = Expr::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn and_expr(&mut self) -> Result<Expr, PathError> {
        let mut left = self.unary()?;
        loop {
            self.skip_ws();
            if self.peek() == Some('&') && self.peek_at(1) == Some('&') {
                self.pos += 2;
                let right = self.unary()?;
                left = Expr::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, PathError> {
        self.skip_ws();
        if self.peek() == Some('!') && self.peek_at(1) != Some('=') {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some('(') {
            self.pos += 1;
            let e = self.or_expr()?;
            self.expect(')')?;
            return Ok(e);
        }
        let left = self.operand()?;
        self.skip_ws();
        let op = match (self.peek(), self.peek_at(1)) {
            (Some('='), Some('=')) => Some((CmpOp::Eq, 2)),
            (Some('!'), Some('=')) => Some((CmpOp::Ne, 2)),
            (Some('<'), Some('=')) => Some((CmpOp::Le, 2)),
            (Some('>'), Some('=')) => Some((CmpOp::Ge, 2)),
            (Some('<'), _) => Some((CmpOp::Lt, 1)),
            (Some('>'), _) => Some((CmpOp::Gt, 1)),
            _ => None,
        };
        match op {
            Some((op, n)) => {
                self.pos += n;
                let right = self.operand()?;
                Ok(Expr::Cmp(left, op, right))
            }
            None => Ok(Expr::Exists(left)),
        }
    }

    fn operand(&mut self) -> Result<Operand, PathError> {
        self.skip_ws();
        match self.peek() {
            Some(c @ ('@' | '$')) => {
                let start = self.pos;
                self.pos += 1;
                let segments = self.segments(true)?;
                let src: String = self.chars[start..self.pos].iter().collect();
                Ok(Operand::Path { relative: c == '@', path: Box::new(JsonPath { src, segments }) })
            }
            Some('\'') | Some('"') => Ok(Operand::Literal(Value::String(self.quoted()?))),
            Some(_) => {
                let start = self.pos;
                while self.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.' | '_')
                }) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                match serde_json::from_str::<Value>(&text) {
                    Ok(v) if !v.is_object() && !v.is_array() && !v.is_string() => {
                        Ok(Operand::Literal(v))
                    }
                    _ => Err(self.err("invalid filter operand")),
                }
            }
            None => Err(self.err("unexpected end of filter")),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// evaluation
// ------------------------------------------------------------------------------------------------

struct Eval<'a, 'o> {
    root: &'a Value,
    out: &'o mut Vec<Value>,
}

impl Eval<'_, '_> {
    /// Apply `segs[i..]` to `node`. `definite`: the path is definite, so a miss is an error.
    fn walk(
        &mut self,
        segs: &[Segment],
        i: usize,
        node: &Value,
        here: String,
        definite: bool,
    ) -> Result<(), PathError> {
        let Some(seg) = segs.get(i) else {
            self.out.push(node.clone());
            return Ok(());
        };
        let leaf = i + 1 == segs.len();
        let next_here = |s: &Segment| {
            let mut h = here.clone();
            s.render(&mut h);
            h
        };
        match seg {
            Segment::Property(name) => match node {
                Value::Object(map) => match map.get(name) {
                    Some(v) => self.walk(segs, i + 1, v, next_here(seg), definite),
                    None if leaf || !definite => Ok(()),
                    None => {
                        Err(PathError::new(format!("Missing property in path {}", next_here(seg))))
                    }
                },
                _ if !definite => Ok(()),
                other => Err(PathError::new(format!(
                    "Expected to find an object with property {} in path {here} but found '{}'. \
                     This is not a json object according to the JsonProvider: \
                     'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
                    next_here(seg).trim_start_matches(&here),
                    java_class(other)
                ))),
            },
            Segment::Properties(names) => {
                if let Value::Object(map) = node {
                    for name in names {
                        if let Some(v) = map.get(name) {
                            let h = format!("{here}['{name}']");
                            self.walk(segs, i + 1, v, h, false)?;
                        }
                    }
                }
                Ok(())
            }
            Segment::Index(idx) => match node {
                Value::Array(items) => {
                    let len = items.len() as i64;
                    let at = if *idx < 0 { len + idx } else { *idx };
                    match usize::try_from(at).ok().and_then(|u| items.get(u)) {
                        Some(v) => self.walk(segs, i + 1, v, next_here(seg), definite),
                        None => Ok(()),
                    }
                }
                _ if !definite => Ok(()),
                Value::Null => Err(PathError::new(format!("The path {here} is null"))),
                other => Err(PathError::new(format!(
                    "Filter: {} can only be applied to arrays. Current context is: {}",
                    next_here(seg).trim_start_matches(&here),
                    other
                ))),
            },
            Segment::Indexes(idxs) => {
                if let Value::Array(items) = node {
                    let len = items.len() as i64;
                    for idx in idxs {
                        let at = if *idx < 0 { len + idx } else { *idx };
                        if let Some(v) = usize::try_from(at).ok().and_then(|u| items.get(u)) {
                            self.walk(segs, i + 1, v, format!("{here}[{at}]"), false)?;
                        }
                    }
                }
                Ok(())
            }
            Segment::Slice(from, to) => {
                if let Value::Array(items) = node {
                    let len = items.len() as i64;
                    let norm = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
                    let a = from.map(norm).unwrap_or(0);
                    let b = to.map(norm).unwrap_or(len);
                    let mut k = a;
                    while k < b {
                        if let Some(v) = usize::try_from(k).ok().and_then(|u| items.get(u)) {
                            self.walk(segs, i + 1, v, format!("{here}[{k}]"), false)?;
                        }
                        k += 1;
                    }
                }
                Ok(())
            }
            Segment::Wildcard => {
                match node {
                    Value::Object(map) => {
                        for (k, v) in map {
                            self.walk(segs, i + 1, v, format!("{here}['{k}']"), false)?;
                        }
                    }
                    Value::Array(items) => {
                        for (k, v) in items.iter().enumerate() {
                            self.walk(segs, i + 1, v, format!("{here}[{k}]"), false)?;
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            Segment::Scan(inner) => self.scan(inner, segs, i, node, here),
            Segment::Filter(expr) => {
                match node {
                    Value::Array(items) => {
                        for (k, v) in items.iter().enumerate() {
                            if self.test(expr, v) {
                                self.walk(segs, i + 1, v, format!("{here}[{k}]"), false)?;
                            }
                        }
                    }
                    Value::Object(_) if self.test(expr, node) => {
                        self.walk(segs, i + 1, node, here, false)?;
                    }
                    _ => {}
                }
                Ok(())
            }
            Segment::Length => match node {
                Value::Array(items) => {
                    let n = Value::from(items.len());
                    self.walk(segs, i + 1, &n, next_here(seg), definite)
                }
                Value::Object(map) => {
                    let n = Value::from(map.len());
                    self.walk(segs, i + 1, &n, next_here(seg), definite)
                }
                Value::String(s) => {
                    let n = Value::from(s.chars().count());
                    self.walk(segs, i + 1, &n, next_here(seg), definite)
                }
                _ if !definite => Ok(()),
                _ => Err(PathError::new(format!(
                    "Aggregation function attempted to calculate value using empty array at {here}"
                ))),
            },
        }
    }

    /// `..inner`: apply `inner` (then the rest) at `node` and every descendant, pre-order.
    fn scan(
        &mut self,
        inner: &Segment,
        segs: &[Segment],
        i: usize,
        node: &Value,
        here: String,
    ) -> Result<(), PathError> {
        let applies = match inner {
            Segment::Property(name) => node.as_object().is_some_and(|m| m.contains_key(name)),
            Segment::Properties(_) => node.is_object(),
            Segment::Index(_) | Segment::Indexes(_) | Segment::Slice(..) => node.is_array(),
            _ => node.is_object() || node.is_array(),
        };
        if applies {
            let mut rest = Vec::with_capacity(segs.len() - i);
            rest.push(inner.clone());
            rest.extend_from_slice(segs.get(i + 1..).unwrap_or(&[]));
            self.walk(&rest, 0, node, here.clone(), false)?;
        }
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    self.scan(inner, segs, i, v, format!("{here}['{k}']"))?;
                }
            }
            Value::Array(items) => {
                for (k, v) in items.iter().enumerate() {
                    self.scan(inner, segs, i, v, format!("{here}[{k}]"))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn operand(&self, op: &Operand, current: &Value) -> Option<Value> {
        match op {
            Operand::Literal(v) => Some(v.clone()),
            Operand::Path { relative, path } => {
                let base = if *relative { current } else { self.root };
                let v = path.evaluate(base).ok()?;
                if !path.is_definite() && v.as_array().is_some_and(|a| a.is_empty()) {
                    return None;
                }
                Some(v)
            }
        }
    }

    fn test(&self, expr: &Expr, current: &Value) -> bool {
        match expr {
            Expr::Or(a, b) => self.test(a, current) || self.test(b, current),
            Expr::And(a, b) => self.test(a, current) && self.test(b, current),
            Expr::Not(a) => !self.test(a, current),
            Expr::Exists(op) => self.operand(op, current).is_some(),
            Expr::Cmp(l, op, r) => {
                let (Some(l), Some(r)) = (self.operand(l, current), self.operand(r, current))
                else {
                    return *op == CmpOp::Ne;
                };
                compare(&l, *op, &r)
            }
        }
    }
}

fn compare(l: &Value, op: CmpOp, r: &Value) -> bool {
    use std::cmp::Ordering;
    let ord = match (l, r) {
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => None,
        },
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        CmpOp::Eq => ord.map(|o| o == Ordering::Equal).unwrap_or_else(|| l == r),
        CmpOp::Ne => !ord.map(|o| o == Ordering::Equal).unwrap_or_else(|| l == r),
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// The Java class Jackson would hold `v` as (for Jayway's messages).
fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {
            "java.lang.Integer"
        }
        Value::Number(_) => "java.lang.Long",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
    }
}

// ------------------------------------------------------------------------------------------------
// scopes: `$`, `$$`, `$var`
// ------------------------------------------------------------------------------------------------

/// What a path string can address: the state input (`$…`), the context object (`$$…`), or a
/// workflow variable (`$name…`).
pub struct Scope<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: Option<&'a VariableLookup<'a>>,
}

/// Looks a workflow variable up by name (`$name` -> its value).
pub type VariableLookup<'a> = dyn Fn(&str) -> Option<Value> + 'a;

/// Where a path string points.
#[derive(Debug, Clone, PartialEq)]
pub enum PathTarget {
    Input(JsonPath),
    Context(JsonPath),
    /// Variable name and the path into its value (rooted at `$`).
    Variable(String, JsonPath),
}

/// Split a path string into its target and the compiled path relative to that target.
pub fn parse_target(path: &str) -> Result<PathTarget, PathError> {
    if let Some(rest) = path.strip_prefix("$$") {
        return Ok(PathTarget::Context(JsonPath::parse(&format!("${rest}"))?));
    }
    let Some(rest) = path.strip_prefix('$') else {
        return Err(PathError::new(format!("Path must start with '$': {path}")));
    };
    let name_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if name_len == 0 {
        return Ok(PathTarget::Input(JsonPath::parse(path)?));
    }
    let (name, tail) = rest.split_at(name_len);
    Ok(PathTarget::Variable(name.to_string(), JsonPath::parse(&format!("${tail}"))?))
}

impl Scope<'_> {
    /// Evaluate a target with Jayway's strictness (see [`JsonPath::evaluate`]). An unknown
    /// variable is an error `Variable '<name>' is not defined`.
    pub fn evaluate(&self, target: &PathTarget) -> Result<Value, PathError> {
        match target {
            PathTarget::Input(p) => p.evaluate(self.input),
            PathTarget::Context(p) => p.evaluate(self.context),
            PathTarget::Variable(name, p) => {
                let value = self
                    .variables
                    .and_then(|f| f(name))
                    .ok_or_else(|| PathError::new(format!("Variable '{name}' is not defined")))?;
                p.evaluate(&value)
            }
        }
    }
}

/// Evaluate a path string against its scope: `Ok(None)` when a definite path selects nothing
/// (or names an undefined variable); `Err` only when the path does not parse.
pub fn select_in(scope: &Scope, path: &str) -> Result<Option<Value>, PathError> {
    let target = parse_target(path)?;
    Ok(scope.evaluate(&target).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sel(path: &str, doc: &Value) -> Option<Value> {
        JsonPath::parse(path).unwrap().select(doc)
    }

    fn doc() -> Value {
        json!({
            "store": {
                "book": [
                    {"title": "A", "price": 8, "tags": ["x"]},
                    {"title": "B", "price": 12.5},
                    {"title": "C", "price": 20, "isbn": "1"}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "a b": 1,
            "n": null
        })
    }

    #[test]
    fn definite_paths() {
        let d = doc();
        assert_eq!(sel("$", &d), Some(d.clone()));
        assert_eq!(sel("$.store.bicycle.color", &d), Some(json!("red")));
        assert_eq!(sel("$['a b']", &d), Some(json!(1)));
        assert_eq!(sel("$.store.book[0].title", &d), Some(json!("A")));
        assert_eq!(sel("$.store.book[-1].title", &d), Some(json!("C")));
        assert_eq!(sel("$.n", &d), Some(Value::Null));
        assert_eq!(sel("$.missing", &d), None);
        assert_eq!(sel("$.store.book[7]", &d), None);
        assert_eq!(sel("$.store.book.length()", &d), Some(json!(3)));
        let p = JsonPath::parse("$.store.book[0]").unwrap();
        assert!(p.is_definite() && p.is_reference_path());
    }

    #[test]
    fn indefinite_paths() {
        let d = doc();
        assert_eq!(sel("$.store.book[*].title", &d), Some(json!(["A", "B", "C"])));
        assert_eq!(sel("$.store.book[1:3].title", &d), Some(json!(["B", "C"])));
        assert_eq!(sel("$.store.book[-1:].title", &d), Some(json!(["C"])));
        assert_eq!(sel("$.store.book[:1].title", &d), Some(json!(["A"])));
        assert_eq!(sel("$.store.book[0,2].title", &d), Some(json!(["A", "C"])));
        assert_eq!(sel("$..price", &d), Some(json!([8, 12.5, 20, 19.95])));
        assert_eq!(sel("$.store.book[?(@.price > 10)].title", &d), Some(json!(["B", "C"])));
        assert_eq!(
            sel("$.store.book[?(@.price >= 8 && @.title != 'C')].title", &d),
            Some(json!(["A", "B"]))
        );
        assert_eq!(
            sel("$.store.book[?(@.price < 9 || @.title == \"C\")].title", &d),
            Some(json!(["A", "C"]))
        );
        assert_eq!(sel("$.store.book[?(@.isbn)].title", &d), Some(json!(["C"])));
        assert_eq!(sel("$.items[*]", &json!({})), Some(json!([])));
        assert_eq!(sel("$.item.items[1:5].itemValue", &json!({})), Some(json!([])));
        assert!(!JsonPath::parse("$..a").unwrap().is_definite());
        assert!(!JsonPath::parse("$.a[*]").unwrap().is_reference_path());
    }

    #[test]
    fn jayway_error_messages() {
        let d = json!({"int-literal": 0});
        let err = JsonPath::parse("$.NoSuchInputPath").unwrap().evaluate(&d).unwrap_err();
        assert_eq!(err.message, "No results for path: $['NoSuchInputPath']");
        let err = JsonPath::parse("$.no.such.result.path").unwrap().evaluate(&json!({}));
        assert_eq!(err.unwrap_err().message, "Missing property in path $['no']");
    }

    #[test]
    fn backslash_in_bracket_names_is_kept() {
        // Recorded: `$['Test\""Name"']` selects the key `Test\""Name"`.
        let d = json!({"Test\\\"\"Name\"": "Value\"\\"});
        assert_eq!(sel("$['Test\\\"\"Name\"']", &d), Some(json!("Value\"\\")));
    }

    #[test]
    fn set_creates_objects() {
        let mut d = json!({"a": 1});
        JsonPath::parse("$.b.c").unwrap().set(&mut d, json!(2)).unwrap();
        assert_eq!(d, json!({"a": 1, "b": {"c": 2}}));
        let mut d = json!({"a": [1, 2]});
        JsonPath::parse("$.a[1]").unwrap().set(&mut d, json!("x")).unwrap();
        assert_eq!(d, json!({"a": [1, "x"]}));
        let mut d = json!("str");
        assert!(JsonPath::parse("$.a").unwrap().set(&mut d, json!(1)).is_err());
        let mut d = json!({});
        JsonPath::parse("$").unwrap().set(&mut d, json!(5)).unwrap();
        assert_eq!(d, json!(5));
    }

    #[test]
    fn parse_errors() {
        for bad in ["", "a", "$.", "$[", "$['a'", "$[abc]", "$.a)"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes() {
        let input = json!({"a": 1});
        let ctx = json!({"Execution": {"Name": "e"}});
        let vars = |name: &str| (name == "x").then(|| json!({"y": [10, 20]}));
        let scope = Scope { input: &input, context: &ctx, variables: Some(&vars) };
        assert_eq!(select_in(&scope, "$.a").unwrap(), Some(json!(1)));
        assert_eq!(select_in(&scope, "$$.Execution.Name").unwrap(), Some(json!("e")));
        assert_eq!(select_in(&scope, "$$").unwrap(), Some(ctx.clone()));
        assert_eq!(select_in(&scope, "$x.y[1]").unwrap(), Some(json!(20)));
        assert_eq!(select_in(&scope, "$x").unwrap(), Some(json!({"y": [10, 20]})));
        assert_eq!(select_in(&scope, "$nope").unwrap(), None);
    }
}
