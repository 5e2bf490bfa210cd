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
    /// Bytes of pointer text recorded so far (see [`POSITION_BUDGET_BYTES`]).
    recorded: usize,
}

/// How many bytes of JSON-pointer text the map keeps. A pointer is as long as its value is
/// deep, so a megabyte of deeply nested arrays would otherwise record hundreds of megabytes of
/// keys; past the budget, values get no position of their own and [`SourceMap::position`]
/// answers with their nearest recorded ancestor.
pub const POSITION_BUDGET_BYTES: usize = 32 << 20;

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

    /// Records where `pointer` starts; `replace` overwrites an earlier position (a repeated
    /// key), otherwise the first one stays.
    fn record(&mut self, pointer: &str, position: Position, replace: bool) {
        if let Some(known) = self.positions.get_mut(pointer) {
            if replace {
                *known = position;
            }
            return;
        }
        if self.recorded.saturating_add(pointer.len()) > POSITION_BUDGET_BYTES {
            return;
        }
        self.recorded += pointer.len();
        self.positions.insert(pointer.to_string(), position);
    }

    /// JSON pointers of object members whose key appeared more than once in their object.
    pub fn duplicate_keys(&self) -> &[String] {
        &self.duplicates
    }

    /// Every recorded pointer and its position (to carry a map across a module boundary:
    /// [`crate::import::yaml::encode`]).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, Position)> + '_ {
        self.positions.iter().map(|(pointer, p)| (pointer.as_str(), *p))
    }

    /// Records where `pointer` starts unless it already has a position (for documents read by
    /// other parsers: [`crate::import`]'s YAML reader).
    pub(crate) fn insert(&mut self, pointer: &str, position: Position) {
        self.record(pointer, position, false);
    }
}

/// Escapes one JSON pointer reference token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// How deeply arrays and objects may nest in a definition.
///
/// Deep enough for [`MAX_NESTING`](crate::definition) Parallel and Map states (each adds three
/// or four levels) plus the JSON inside them, so the engine's own nesting check is the one a
/// deep definition meets; shallow enough that everything that walks the value recursively
/// (parsing, the source map, the model, `Drop`) stays far from the end of a 1 MiB stack.
/// `serde_json`'s own limit (128) is lifted for definitions: this check, done first without
/// recursion, replaces it. See docs/decisions/0011-cli-limits-and-fuzzing.md.
pub const MAX_DEPTH: usize = 256;

/// The UTF-8 byte order mark, which some editors write at the start of a file.
const BOM: char = '\u{feff}';

/// Parses `text` as JSON and maps its pointers to positions. A leading byte order mark is
/// skipped (positions are counted after it, as editors show them).
pub fn parse(text: &str) -> Result<(Value, SourceMap), SyntaxError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    check_depth(text)?;
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(&mut de)
        .and_then(|v: Value| de.end().map(|()| v))
        .map_err(|e| SyntaxError {
            message: syntax_message(&e),
            position: Position { line: e.line() as u32, column: e.column().max(1) as u32 },
        })?;
    let mut scanner = Scanner { chars: text.chars().collect(), i: 0, line: 1, col: 1 };
    let mut map = SourceMap::default();
    scanner.skip_ws();
    scanner.value(String::new(), &mut map);
    Ok((value, map))
}

/// Refuses text whose arrays and objects nest deeper than [`MAX_DEPTH`], without recursing:
/// the error points at the first bracket past the limit.
fn check_depth(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (at, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError {
                        message: format!(
                            "arrays and objects nest more than {MAX_DEPTH} levels deep"
                        ),
                        position: position_of(text, at),
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The line and column (in characters) of byte offset `at`.
fn position_of(text: &str, at: usize) -> Position {
    let before = text.get(..at).unwrap_or(text);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |l| l.chars().count()) + 1;
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
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
        map.record(&pointer, self.here(), false);
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
            map.record(&child, key_pos, true);
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
    fn deep_wide_documents_keep_a_bounded_map() {
        // 200 levels of arrays around 200,000 elements: every element's pointer is about 600
        // bytes, 120 MB in all without the budget.
        let depth = 200;
        let text =
            format!("{}{}{}", "[".repeat(depth), vec!["0"; 200_000].join(","), "]".repeat(depth));
        let (_, map) = parse(&text).unwrap();
        assert!(map.recorded <= POSITION_BUDGET_BYTES);
        assert!(map.positions.len() < 200_000);
        // Past the budget, a value answers with its nearest recorded ancestor.
        let last = format!("{}/199999", "/0".repeat(depth - 1));
        let inner = "/0".repeat(depth - 1);
        assert_eq!(map.position(&last), map.position(&inner));
        assert_eq!(map.position(&inner), Some(Position { line: 1, column: depth as u32 }));
    }

    #[test]
    fn reports_duplicate_keys() {
        let (_, map) = parse(r#"{"States": {"A": {}, "A": {}}}"#).unwrap();
        assert_eq!(map.duplicate_keys(), &["/States/A".to_string()]);
    }
}
