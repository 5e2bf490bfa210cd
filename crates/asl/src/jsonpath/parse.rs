//! Compiling path text into segments: a hand-written recursive-descent parser for Jayway's
//! syntax (dot and bracket names, indexes, slices, unions, deep scan, `length()`, filters).

use serde_json::Value;

use super::ast::{CmpOp, Expr, JsonPath, Operand, PathError, Segment};

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
}

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
