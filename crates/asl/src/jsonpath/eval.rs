//! Applying a compiled path to a document: selecting (with Jayway's definite / indefinite
//! rules and its error messages) and writing at a reference path (`ResultPath`).

use serde_json::{Map, Value};

use super::ast::{CmpOp, Expr, JsonPath, Operand, PathError, Segment};
use crate::template::budget::{approximate_bytes, MAX_TEMPLATE_BYTES};

impl JsonPath {
    /// Definite path: `Some(value)` or `None` when missing. Indefinite: `Some(array of matches)`.
    pub fn select(&self, root: &Value) -> Option<Value> {
        self.evaluate(root).ok()
    }

    /// Like [`select`](Self::select) but a definite path that selects nothing fails with
    /// Jayway's message (`No results for path: $['a']`, `Missing property in path $['a']`, …).
    pub fn evaluate(&self, root: &Value) -> Result<Value, PathError> {
        // The common case, a chain of names and indexes that is all there: no bookkeeping.
        if let Some(found) = self.direct(root) {
            return Ok(found.clone());
        }
        let mut out = Vec::new();
        let mut ctx = Eval { root, out: &mut out, left: MAX_TEMPLATE_BYTES };
        // AWS never fails an indefinite path (`$.a.b[*]` on `{}` is `[]`), so misses are errors
        // only when the whole path is definite.
        ctx.walk(&self.segments, 0, root, "$".to_string(), self.is_definite()).map_err(|e| {
            if e.over_limit {
                PathError {
                    message: format!(
                        "The JSONPath '{}' selects more than Stepwise's limit of \
                         {MAX_TEMPLATE_BYTES} bytes per evaluation.",
                        self.src
                    ),
                    over_limit: true,
                }
            } else {
                e
            }
        })?;
        if self.is_definite() {
            match out.into_iter().next() {
                Some(v) => Ok(v),
                None => Err(PathError::new(format!("No results for path: {}", self.normalized()))),
            }
        } else {
            Ok(Value::Array(out))
        }
    }

    /// The value a path of only `.name` / `[n]` steps reaches, when every step finds its
    /// value; `None` for any other path or any miss (the full walk then decides, with its
    /// messages).
    fn direct<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut node = root;
        for seg in &self.segments {
            node = match seg {
                Segment::Property(name) => node.as_object()?.get(name)?,
                Segment::Index(i) => {
                    let items = node.as_array()?;
                    let len = i64::try_from(items.len()).ok()?;
                    let at = if *i < 0 { len.checked_add(*i)? } else { *i };
                    items.get(usize::try_from(at).ok()?)?
                }
                _ => return None,
            };
        }
        Some(node)
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

struct Eval<'a, 'o> {
    root: &'a Value,
    out: &'o mut Vec<Value>,
    /// Bytes the matches may still copy: `$..*..*` over a deep document selects each subtree
    /// many times over.
    left: usize,
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
            let size = approximate_bytes(node, self.left);
            self.left = self
                .left
                .checked_sub(size)
                .ok_or(PathError { message: String::new(), over_limit: true })?;
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
