//! Text built from pieces of a file, and where each of its characters came from.
//!
//! A template's `DefinitionString` is JSON text assembled from the file: a literal block
//! scalar (`!Sub |`), JSON string literals joined by `Fn::Join` (`cdk synth`), values put in
//! for `${…}`. [`Text`] keeps, beside the assembled text, a list of segments, each with the
//! [`Origin`] of its first character, so a line and column in the assembled text (where
//! validation found a problem) maps back to a line and column of the file.

use std::sync::Arc;

use crate::source::Position;

/// Where a segment of assembled text starts in the file, and how positions advance in it.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// Every character of the segment maps to one place (a substituted value, a folded or
    /// quoted YAML scalar, a string the file does not hold verbatim).
    Fixed(Position),
    /// Copied from a literal block scalar: a line break moves to the next line of the file, at
    /// column `indent + 1`.
    Block { at: Position, indent: u32 },
    /// Decoded from a JSON string literal on one line: `raw` is the literal's text from the
    /// segment's first character on (escapes as written), `at` that character's position.
    Json { at: Position, raw: Arc<str> },
}

impl Origin {
    /// Where the character after `consumed` (text of this segment) is.
    pub(crate) fn advance(&self, consumed: &str) -> Origin {
        match self {
            Origin::Fixed(p) => Origin::Fixed(*p),
            Origin::Block { at, indent } => {
                let breaks = consumed.matches('\n').count();
                let at = match consumed.rfind('\n') {
                    None => Position {
                        line: at.line,
                        column: at.column.saturating_add(count(consumed.chars().count())),
                    },
                    Some(i) => Position {
                        line: at.line.saturating_add(count(breaks)),
                        column: indent.saturating_add(1).saturating_add(count(
                            consumed.get(i + 1..).unwrap_or("").chars().count(),
                        )),
                    },
                };
                Origin::Block { at, indent: *indent }
            }
            Origin::Json { at, raw } => {
                let (raw_chars, raw_bytes) = raw_extent(raw, consumed.chars().count());
                Origin::Json {
                    at: Position {
                        line: at.line,
                        column: at.column.saturating_add(count(raw_chars)),
                    },
                    raw: Arc::from(raw.get(raw_bytes..).unwrap_or("")),
                }
            }
        }
    }

    pub(crate) fn position(&self) -> Position {
        match self {
            Origin::Fixed(p) | Origin::Block { at: p, .. } | Origin::Json { at: p, .. } => *p,
        }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How many raw characters and bytes of a JSON literal's text spell `decoded` characters.
fn raw_extent(raw: &str, decoded: usize) -> (usize, usize) {
    let mut chars = raw.char_indices().peekable();
    let mut raw_chars = 0usize;
    for _ in 0..decoded {
        match chars.next() {
            None => break,
            Some((_, '\\')) => {
                raw_chars += 1;
                match chars.next() {
                    Some((_, 'u')) => {
                        let mut hex = String::new();
                        for _ in 0..4 {
                            if let Some((_, c)) = chars.next() {
                                hex.push(c);
                            }
                        }
                        raw_chars += 5;
                        // A high surrogate and its low half are one character.
                        let high = u16::from_str_radix(&hex, 16)
                            .is_ok_and(|u| (0xD800..0xDC00).contains(&u));
                        if high && chars.peek().is_some_and(|(_, c)| *c == '\\') {
                            for _ in 0..6 {
                                if chars.next().is_some() {
                                    raw_chars += 1;
                                }
                            }
                        }
                    }
                    Some(_) => raw_chars += 1,
                    None => {}
                }
            }
            Some(_) => raw_chars += 1,
        }
    }
    let bytes = chars.peek().map_or(raw.len(), |(i, _)| *i);
    (raw_chars, bytes)
}

/// Assembled text and the origins of its segments (byte offsets, increasing).
#[derive(Debug, Clone, Default)]
pub(crate) struct Text {
    pub(crate) text: String,
    segments: Vec<(usize, Origin)>,
}

impl Text {
    pub(crate) fn new(text: &str, origin: Origin) -> Text {
        Text { text: text.to_string(), segments: vec![(0, origin)] }
    }

    /// Appends text that comes from `origin`.
    pub(crate) fn push(&mut self, text: &str, origin: Origin) {
        if text.is_empty() {
            return;
        }
        self.segments.push((self.text.len(), origin));
        self.text.push_str(text);
    }

    /// Appends another assembled text, keeping its origins.
    pub(crate) fn append(&mut self, other: Text) {
        let base = self.text.len();
        self.segments.extend(other.segments.into_iter().map(|(at, o)| (at + base, o)));
        self.text.push_str(&other.text);
    }

    /// The origin of the character at byte `offset`.
    pub(crate) fn origin_at(&self, offset: usize) -> Origin {
        let index = self.segments.partition_point(|(start, _)| *start <= offset);
        match index.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some((start, origin)) => origin.advance(self.text.get(*start..offset).unwrap_or("")),
            None => Origin::Fixed(Position { line: 1, column: 1 }),
        }
    }

    /// Appends `self.text[from..to]` with its origins.
    pub(crate) fn push_slice(&mut self, source: &Text, from: usize, to: usize) {
        let mut at = from;
        while at < to {
            let next =
                source.segments.iter().map(|(s, _)| *s).find(|s| *s > at && *s < to).unwrap_or(to);
            self.push(source.text.get(at..next).unwrap_or(""), source.origin_at(at));
            at = next;
        }
    }

    /// The file position of a 1-based line and column (in characters) of the text.
    pub(crate) fn position_of(&self, line: u32, column: u32) -> Position {
        let mut offset = 0usize;
        for _ in 1..line {
            match self.text.get(offset..).and_then(|rest| rest.find('\n')) {
                Some(i) => offset += i + 1,
                None => break,
            }
        }
        let rest = self.text.get(offset..).unwrap_or("");
        let within = rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i);
        self.origin_at(offset + within).position()
    }
}

/// The text of the JSON string literal at or after `position` in `source` (past a member's
/// key and colon), from its first character: `(position of that character, raw text)`.
pub(crate) fn json_literal(source: &str, position: Position) -> Option<(Position, Arc<str>)> {
    let mut offset = 0usize;
    for _ in 1..position.line {
        offset += source.get(offset..)?.find('\n')? + 1;
    }
    let line = source.get(offset..)?.split('\n').next()?;
    let start = line.char_indices().nth(position.column.saturating_sub(1) as usize)?.0;
    let mut rest = line.get(start..)?;
    let mut column = position.column;
    // A key: skip it, the colon and blanks.
    if rest.starts_with('"') {
        let end = literal_end(rest.get(1..)?)? + 1;
        let after = rest.get(end + 1..)?;
        let trimmed = after.trim_start();
        if let Some(value) = trimmed.strip_prefix(':') {
            let value = value.trim_start();
            let skipped = rest.len() - value.len();
            column = column.saturating_add(count(rest.get(..skipped)?.chars().count()));
            rest = value;
        }
    }
    let body = rest.strip_prefix('"')?;
    let end = literal_end(body)?;
    Some((
        Position { line: position.line, column: column.saturating_add(1) },
        Arc::from(body.get(..end)?),
    ))
}

/// The byte index of the closing quote of a literal whose text starts `body`.
fn literal_end(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn block_text_maps_lines_and_columns() {
        let t = Text::new("{\n  \"a\": 1\n}", Origin::Block { at: p(10, 5), indent: 4 });
        assert_eq!(t.position_of(1, 1), p(10, 5));
        assert_eq!(t.position_of(2, 3), p(11, 7));
        assert_eq!(t.position_of(3, 1), p(12, 5));
    }

    #[test]
    fn json_literal_text_maps_columns_past_escapes() {
        let source = "{\"k\": \"{\\\"StartAt\\\": 1}\"}";
        let (at, raw) = json_literal(source, p(1, 2)).unwrap();
        assert_eq!(at, p(1, 8));
        let t = Text::new("{\"StartAt\": 1}", Origin::Json { at, raw });
        // The `S` of StartAt: decoded column 3, written after `{\"`.
        assert_eq!(t.position_of(1, 3), p(1, 11));
    }

    #[test]
    fn slices_keep_their_origins() {
        let mut t = Text::new("abc", Origin::Block { at: p(1, 1), indent: 0 });
        t.push("XYZ", Origin::Fixed(p(5, 5)));
        let mut u = Text::default();
        u.push_slice(&t, 1, 5);
        assert_eq!(u.text, "bcXY");
        assert_eq!(u.position_of(1, 1), p(1, 2));
        assert_eq!(u.position_of(1, 4), p(5, 5));
    }
}
