//! JSON templates that YAML readers take too.
//!
//! A JSON template is valid YAML, and some readers parse it as YAML (cfn-lint does): those
//! refuse the characters YAML cannot hold as written (DEL, the C1 range, U+2028, the byte order
//! mark, …) even inside a string, where JSON allows them. serde_json writes them as they are,
//! so this formatter writes them as `\uXXXX` escapes, the same set the YAML writer escapes
//! ([`super::yaml::needs_escape`]); the value is unchanged.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::Value;

use super::yaml::needs_escape;

/// `value` as indented JSON, ending with a line break.
pub fn to_json(value: &Value) -> String {
    let mut bytes = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, Escaping(PrettyFormatter::new()));
    // Writing a Value into a Vec cannot fail.
    let _ = value.serialize(&mut serializer);
    let mut text = String::from_utf8(bytes).unwrap_or_default();
    text.push('\n');
    text
}

/// serde_json's pretty formatter, with more characters escaped in strings.
struct Escaping<'a>(PrettyFormatter<'a>);

impl Formatter for Escaping<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04X}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_what_yaml_readers_refuse_and_keeps_the_value() {
        let v = json!({"k\u{7f}": ["a\u{7f}b\u{85}c\u{2028}\u{feff}é😀\n\"", 1.5, null], "e": {}});
        let text = to_json(&v);
        assert_eq!(
            text,
            "{\n  \"k\\u007F\": [\n    \"a\\u007Fb\\u0085c\\u2028\\uFEFFé😀\\n\\\"\",\n    1.5,\n    null\n  ],\n  \"e\": {}\n}\n"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
        assert_eq!(
            to_json(&v),
            serde_json::to_string_pretty(&v)
                .unwrap()
                .replace('\u{7f}', "\\u007F")
                .replace('\u{85}', "\\u0085")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{feff}', "\\uFEFF")
                + "\n"
        );
    }
}
