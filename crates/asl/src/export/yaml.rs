//! JSON values written as block YAML that every YAML reader takes the same way.
//!
//! CloudFormation, the SAM CLI and cfn-lint read YAML 1.1, where plain scalars are guessed
//! (`yes`, `on`, `2010-09-09`, `1e3`, `0x10` are not strings) and some characters are line
//! breaks (U+0085, U+2028, U+2029). A template copies a user's definition, so nothing is left
//! to guessing:
//!
//! - every string value is double-quoted, with JSON's escapes (`\"`, `\\`, `\n`, `\t`, `\r`,
//!   `\uXXXX`) for what YAML cannot hold as written: control characters, DEL, the C1 range,
//!   the byte order mark, U+2028 / U+2029, U+FFFE / U+FFFF; everything else is written as is;
//! - a multi-line string that is safe to (the Lambda code) is a literal block (`|`): one
//!   final line break, printable characters only, no tab, no line that starts the block with
//!   a space or ends with one;
//! - keys are plain only when they are an identifier that no YAML reader takes for anything
//!   but a string (`Resources`, `Type`); others (`Call API`, `Fn::GetAtt`, `Yes`) are quoted;
//! - integers are written as they are; other numbers always with a fraction and a signed
//!   exponent (`1.0e+300`), the form YAML 1.1 and 1.2 both read as a float;
//! - arrays of a few scalars are written in flow style (`["States.ALL"]`), empty containers
//!   as `{}` / `[]`.
//!
//! The writer does not recurse: it keeps its own stack, so a deep value cannot exhaust the
//! call stack.

use serde_json::{Map, Number, Value};

/// Widest line a flow-style array may make (indentation and key included).
const FLOW_WIDTH: usize = 100;

/// `value` as a YAML document (block style), ending with a line break.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_block(Container::Map(map), &mut out),
        Value::Array(items) if !items.is_empty() && flow(items, 0).is_none() => {
            write_block(Container::Seq(items), &mut out)
        }
        other => out.push_str(&inline(other, 0).unwrap_or_else(|| quote(""))),
    }
    out.push('\n');
    out
}

#[derive(Clone, Copy)]
enum Container<'a> {
    Map(&'a Map<String, Value>),
    Seq(&'a [Value]),
}

/// A container being written: its children left, its indentation, and whether its first
/// child goes on the current line (after a `- `).
struct Frame<'a> {
    map: Option<serde_json::map::Iter<'a>>,
    seq: Option<std::slice::Iter<'a, Value>>,
    indent: usize,
    inline_first: bool,
}

impl<'a> Frame<'a> {
    fn new(container: Container<'a>, indent: usize, inline_first: bool) -> Frame<'a> {
        match container {
            Container::Map(m) => Frame { map: Some(m.iter()), seq: None, indent, inline_first },
            Container::Seq(s) => Frame { map: None, seq: Some(s.iter()), indent, inline_first },
        }
    }
}

fn write_block(root: Container<'_>, out: &mut String) {
    let mut stack = vec![Frame::new(root, 0, true)];
    while let Some(frame) = stack.last_mut() {
        let indent = frame.indent;
        let (prefix_len, child) = if let Some(entries) = frame.map.as_mut() {
            let Some((key, child)) = entries.next() else {
                stack.pop();
                continue;
            };
            new_line(out, indent, &mut frame.inline_first);
            let k = key_text(key);
            out.push_str(&k);
            out.push(':');
            (indent + k.len() + 2, child)
        } else if let Some(items) = frame.seq.as_mut() {
            let Some(child) = items.next() else {
                stack.pop();
                continue;
            };
            new_line(out, indent, &mut frame.inline_first);
            out.push('-');
            (indent + 2, child)
        } else {
            stack.pop();
            continue;
        };
        let in_seq = stack.last().is_some_and(|f| f.seq.is_some());
        let child_indent = indent + 2;
        match child {
            Value::Object(map) if !map.is_empty() => {
                if in_seq {
                    out.push(' ');
                }
                stack.push(Frame::new(Container::Map(map), child_indent, in_seq));
            }
            Value::Array(items) if !items.is_empty() && flow(items, prefix_len).is_none() => {
                if in_seq {
                    out.push(' ');
                }
                stack.push(Frame::new(Container::Seq(items), child_indent, in_seq));
            }
            Value::String(s) if literal_block_ok(s) => {
                out.push_str(" |");
                for line in s.lines() {
                    out.push('\n');
                    if !line.is_empty() {
                        push_indent(out, child_indent);
                        out.push_str(line);
                    }
                }
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar, prefix_len).unwrap_or_else(|| quote("")));
            }
        }
    }
}

/// Starts the next entry of a container: on the current line for the first entry of a
/// container that follows `- `, else on a new line at `indent`.
fn new_line(out: &mut String, indent: usize, inline_first: &mut bool) {
    if *inline_first {
        *inline_first = false;
    } else {
        if !out.is_empty() {
            out.push('\n');
        }
        push_indent(out, indent);
    }
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A scalar, an empty container or a flow-style array, written on one line; None for a
/// container that needs block style. `column` is where it starts (for the flow width).
fn inline(value: &Value, column: usize) -> Option<String> {
    match value {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(number(n)),
        Value::String(s) => Some(quote(s)),
        Value::Object(map) if map.is_empty() => Some("{}".into()),
        Value::Array(items) if items.is_empty() => Some("[]".into()),
        Value::Array(items) => flow(items, column),
        Value::Object(_) => None,
    }
}

/// `[a, b]` when every item is a scalar and the line stays within [`FLOW_WIDTH`].
fn flow(items: &[Value], column: usize) -> Option<String> {
    let mut text = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if matches!(item, Value::Array(_) | Value::Object(_)) {
            return None;
        }
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&inline(item, 0)?);
        if column + text.len() + 1 > FLOW_WIDTH {
            return None;
        }
    }
    text.push(']');
    Some(text)
}

/// A number both YAML 1.1 and 1.2 read back as the same number.
fn number(n: &Number) -> String {
    let text = n.to_string();
    if n.is_i64() || n.is_u64() {
        return text;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m.to_string(), Some(e.to_string())),
        None => (text.clone(), None),
    };
    let mut out = mantissa;
    if !out.contains('.') {
        out.push_str(".0");
    }
    if let Some(e) = exponent {
        out.push('e');
        if !e.starts_with(['+', '-']) {
            out.push('+');
        }
        out.push_str(&e);
    }
    out
}

/// YAML 1.1's words for booleans and null (compared in lower case), which a plain key must
/// not be.
const RESERVED_WORDS: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

/// A mapping key: plain when it is an ASCII identifier no reader takes for anything else.
fn key_text(key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if identifier && !RESERVED_WORDS.contains(&key.to_ascii_lowercase().as_str()) {
        key.to_string()
    } else {
        quote(key)
    }
}

/// Whether YAML must write `c` as an escape in a double-quoted string.
pub(super) fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        | '\u{fffe}' | '\u{ffff}')
}

/// `s` as a double-quoted scalar (also a valid JSON string).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be a literal block scalar (`|`, clip chomping) that reads back exactly.
fn literal_block_ok(s: &str) -> bool {
    let Some(body) = s.strip_suffix('\n') else { return false };
    !body.is_empty()
        && body.contains('\n')
        && !body.ends_with('\n')
        && !body.starts_with(' ')
        && !s.chars().any(|c| c == '\t' || (c != '\n' && needs_escape(c)))
        && body.lines().all(|line| !line.ends_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_mappings_and_sequences() {
        let v = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {
                "Role": {
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}},
                        {"Effect": "Deny", "Action": []}
                    ],
                    "Arn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Empty": {}
                }
            },
            "Nested": [[1, {"a": 2}], "x"]
        });
        assert_eq!(
            to_yaml(&v),
            r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Statement:
      - Effect: "Allow"
        Principal:
          Service: "states.amazonaws.com"
      - Effect: "Deny"
        Action: []
    Arn:
      "Fn::GetAtt": ["Role", "Arn"]
    Empty: {}
Nested:
  - - 1
    - a: 2
  - "x"
"#
        );
    }

    #[test]
    fn quotes_keys_that_are_not_plain_identifiers() {
        let v =
            json!({"Call API": 1, "Yes": 2, "on": 3, "N": 4, "a.b": 5, "": 6, "9a": 7, "Ok": 8});
        assert_eq!(
            to_yaml(&v),
            "\"Call API\": 1\n\"Yes\": 2\n\"on\": 3\n\"N\": 4\n\"a.b\": 5\n\"\": 6\n\"9a\": 7\nOk: 8\n"
        );
    }

    #[test]
    fn escapes_what_yaml_cannot_hold() {
        let s = "q\"b\\n\nt\tr\r nul\u{0} del\u{7f} c1\u{85} ls\u{2028} bom\u{feff} ff\u{ffff} é 😀 #: -";
        assert_eq!(
            quote(s),
            "\"q\\\"b\\\\n\\nt\\tr\\r nul\\u0000 del\\u007F c1\\u0085 ls\\u2028 bom\\uFEFF ff\\uFFFF é 😀 #: -\""
        );
        // The quoted form is a JSON string with the same value.
        assert_eq!(serde_json::from_str::<String>(&quote(s)).unwrap(), s);
    }

    #[test]
    fn numbers_read_back_as_numbers() {
        let v: Value =
            serde_json::from_str(r#"[1, -2, 18446744073709551615, 1.5, 1e300, 1e-7, -0.0, 2.0]"#)
                .unwrap();
        let items = v.as_array().unwrap();
        let written: Vec<String> = items.iter().map(|n| number(n.as_number().unwrap())).collect();
        assert_eq!(
            written,
            ["1", "-2", "18446744073709551615", "1.5", "1.0e+300", "1.0e-7", "-0.0", "2.0"]
        );
    }

    #[test]
    fn code_is_a_literal_block_only_when_it_reads_back_exactly() {
        let v = json!({"Code": "def f():\n    return 1\n\nx = f()\n"});
        assert_eq!(to_yaml(&v), "Code: |\n  def f():\n      return 1\n\n  x = f()\n");
        assert!(!literal_block_ok("one line\n"));
        assert!(!literal_block_ok("no final break\nx"));
        assert!(!literal_block_ok("two final breaks\nx\n\n"));
        assert!(!literal_block_ok(" leading space\nx\n"));
        assert!(!literal_block_ok("trailing space \nx\n"));
        assert!(!literal_block_ok("tab\there\nx\n"));
        assert!(!literal_block_ok("cr\r\nx\n"));
        assert!(!literal_block_ok("ls\u{2028}\nx\n"));
        let v = json!({"Comment": "two\nlines"});
        assert_eq!(to_yaml(&v), "Comment: \"two\\nlines\"\n");
    }

    #[test]
    fn long_scalar_arrays_are_written_as_blocks() {
        let long: Vec<String> = (0..30).map(|i| format!("item{i}")).collect();
        let v = json!({ "List": long });
        let text = to_yaml(&v);
        assert!(text.starts_with("List:\n  - \"item0\"\n  - \"item1\"\n"), "{text}");
    }

    #[test]
    fn deep_values_are_written_without_recursion() {
        let mut v = json!("leaf");
        for _ in 0..2_000 {
            v = Value::Array(vec![v, json!({"k": [1, 2]})]);
        }
        let text = to_yaml(&v);
        assert!(text.starts_with("- - - - "));
        assert_eq!(text.matches("\"leaf\"").count(), 1);
        assert_eq!(text.matches("- k:").count(), 2_000);
        // serde_json drops a value recursively.
        crate::template::budget::dismantle(v);
    }
}
