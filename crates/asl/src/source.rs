//! Definition text → JSON value, plus where every value came from.
//!
//! `serde_json` parses the value (and reports syntax errors with line and column); a small
//! scanner then walks the same text once to record, for every JSON pointer, the line and column
//! where its value (or, for object members, its key) starts. Diagnostics carry a JSON pointer
//! like AWS's (`/States/Call API/Next`) and the editor gets the line and column from here.
//! The scanner also notices duplicate object keys, which `serde_json` silently collapses.

use std::collections::HashMap;

use serde_json::Value;

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A JSON syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub position: Position,
}

/// Positions of the values of a parsed document, keyed by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    positions: HashMap<String, Position>,
    duplicates: Vec<String>,
}

impl SourceMap {
    /// The position of `pointer`, or of its nearest ancestor that has one.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.positions.get("").copied(),
            }
        }
    }

    /// JSON pointers of object members whose key appeared more than once in their object.
    pub fn duplicate_keys(&self) -> &[String] {
        &self.duplicates
    }
}

/// Escapes one JSON pointer reference token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Parses `text` as JSON and maps its pointers to positions.
pub fn parse(text: &str) -> Result<(Value, SourceMap), SyntaxError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SyntaxError {
        message: syntax_message(&e),
        position: Position { line: e.line() as u32, column: e.column().max(1) as u32 },
    })?;
    let mut scanner = Scanner { chars: text.chars().collect(), i: 0, line: 1, col: 1 };
    let mut map = SourceMap::default();
    scanner.skip_ws();
    scanner.value(String::new(), &mut map);
    Ok((value, map))
}

fn syntax_message(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is reported separately.
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

/// Walks text that serde_json has already accepted, so it can assume well-formed input and
/// only needs to stay in bounds.
struct Scanner {
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
}

impl Scanner {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn here(&self) -> Position {
        Position { line: self.line, column: self.col }
    }

    fn value(&mut self, pointer: String, map: &mut SourceMap) {
        map.positions.entry(pointer.clone()).or_insert_with(|| self.here());
        match self.peek() {
            Some('{') => self.object(pointer, map),
            Some('[') => self.array(pointer, map),
            Some('"') => {
                self.string();
            }
            _ => {
                while matches!(self.peek(), Some(c) if !matches!(c, ',' | '}' | ']' | ' ' | '\t' | '\n' | '\r'))
                {
                    self.bump();
                }
            }
        }
    }

    fn object(&mut self, pointer: String, map: &mut SourceMap) {
        self.bump();
        let mut seen: Vec<String> = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some('"') => {}
                Some('}') | None => {
                    self.bump();
                    return;
                }
                Some(_) => {
                    self.bump();
                    continue;
                }
            }
            let key_pos = self.here();
            let key = self.string();
            let child = format!("{pointer}/{}", escape_token(&key));
            if seen.contains(&key) {
                map.duplicates.push(child.clone());
            } else {
                seen.push(key);
            }
            map.positions.insert(child.clone(), key_pos);
            self.skip_ws();
            if self.peek() == Some(':') {
                self.bump();
            }
            self.skip_ws();
            self.value(child, map);
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                _ => return,
            }
        }
    }

    fn array(&mut self, pointer: String, map: &mut SourceMap) {
        self.bump();
        let mut index = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(']') => {
                    self.bump();
                    return;
                }
                None => return,
                _ => {}
            }
            self.value(format!("{pointer}/{index}"), map);
            index += 1;
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                _ => return,
            }
        }
    }

    /// Reads a string literal and returns its decoded text.
    fn string(&mut self) -> String {
        let start = self.i;
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '"' => break,
                _ => {}
            }
        }
        let raw: String = self.chars[start..self.i.min(self.chars.len())].iter().collect();
        serde_json::from_str::<String>(&raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_pointers_to_lines_and_columns() {
        let text =
            "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A/B\": {\"Type\": \"Pass\"}\n  }\n}";
        let (_, map) = parse(text).unwrap();
        assert_eq!(map.position("/StartAt"), Some(Position { line: 2, column: 3 }));
        assert_eq!(map.position("/States/A~1B/Type"), Some(Position { line: 4, column: 13 }));
        // Unknown pointers fall back to their nearest known ancestor.
        assert_eq!(map.position("/States/A~1B/Next"), Some(Position { line: 4, column: 5 }));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!(err.position.line, 3);
        assert!(err.message.contains("expected `:`"), "{}", err.message);
    }

    #[test]
    fn reports_duplicate_keys() {
        let (_, map) = parse(r#"{"States": {"A": {}, "A": {}}}"#).unwrap();
        assert_eq!(map.duplicate_keys(), &["/States/A".to_string()]);
    }
}
