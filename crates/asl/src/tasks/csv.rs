//! CSV objects read by a Map state's `ItemReader` (`ReaderConfig.InputType: CSV`).
//!
//! Each row becomes an object keyed by the headers (`CSVHeaderLocation`: `FIRST_ROW` or `GIVEN`
//! with `CSVHeaders`), every value a string: missing fields are `""`, extra fields are dropped,
//! and a blank line at the very end is not a row (as recorded on AWS). `CSVDelimiter` picks
//! the field separator: `COMMA` (the default), `PIPE`, `SEMICOLON`, `SPACE` or `TAB`.

use serde_json::{Map, Value};

/// AWS's limit on a CSV header row: "Step Functions supports CSV headers of up to 10 KiB".
pub const MAX_HEADER_BYTES: usize = 10 * 1024;

/// The field separator `CSVDelimiter` names.
pub fn delimiter(config: &Value) -> Result<char, String> {
    match config.get("CSVDelimiter") {
        None => Ok(','),
        Some(v) => match v.as_str() {
            Some("COMMA") => Ok(','),
            Some("PIPE") => Ok('|'),
            Some("SEMICOLON") => Ok(';'),
            Some("SPACE") => Ok(' '),
            Some("TAB") => Ok('\t'),
            _ => Err(format!(
                "CSVDelimiter must be one of COMMA, PIPE, SEMICOLON, SPACE, TAB, not {v}"
            )),
        },
    }
}

pub fn items(text: &str, config: &Value) -> Result<Vec<Value>, String> {
    let mut rows = parse(text, delimiter(config)?);
    let headers: Vec<String> = match config.get("CSVHeaderLocation").and_then(Value::as_str) {
        Some("GIVEN") => config
            .get("CSVHeaders")
            .and_then(Value::as_array)
            .ok_or("CSVHeaders must be given when CSVHeaderLocation is GIVEN")?
            .iter()
            .map(|h| h.as_str().unwrap_or_default().to_string())
            .collect(),
        _ => {
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            rows.remove(0)
        }
    };
    let header_bytes = headers.iter().map(|h| h.len() + 1).sum::<usize>();
    if header_bytes > MAX_HEADER_BYTES {
        return Err(format!(
            "The CSV header row has {header_bytes} bytes, more than the {MAX_HEADER_BYTES} bytes Step Functions supports."
        ));
    }
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err("CSV headers cannot contain duplicates.".into());
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut obj = Map::new();
            for (i, h) in headers.iter().enumerate() {
                obj.insert(h.clone(), Value::String(row.get(i).cloned().unwrap_or_default()));
            }
            Value::Object(obj)
        })
        .collect())
}

/// Splits CSV text into rows of fields separated by `delimiter` (RFC 4180 quoting: `"a,b"`,
/// `""` for a quote).
fn parse(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (d, false) if d == delimiter => row.push(std::mem::take(&mut field)),
            ('\r', false) if chars.peek() == Some(&'\n') => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_row_headers_pad_and_truncate() {
        let out =
            items("H1,\nValue4,Value5,Value6\n   \n", &json!({"CSVHeaderLocation": "FIRST_ROW"}))
                .unwrap();
        assert_eq!(out, vec![json!({"H1": "Value4", "": "Value5"}), json!({"H1": "   ", "": ""})]);
    }

    #[test]
    fn given_headers_quotes_and_duplicates() {
        let cfg = json!({"CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"]});
        let out = items("\"x,1\",\"say \"\"hi\"\"\"\n", &cfg).unwrap();
        assert_eq!(out, vec![json!({"a": "x,1", "b": "say \"hi\""})]);
        let dup = json!({"CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "a"]});
        assert_eq!(items("1,2\n", &dup).unwrap_err(), "CSV headers cannot contain duplicates.");
    }

    #[test]
    fn other_delimiters() {
        let cases = [
            ("PIPE", "a|b\n1|\"x|y\"\n"),
            ("SEMICOLON", "a;b\n1;x|y\n"),
            ("TAB", "a\tb\n1\tx|y\n"),
        ];
        for (name, text) in cases {
            let cfg = json!({"CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": name});
            assert_eq!(items(text, &cfg).unwrap(), vec![json!({"a": "1", "b": "x|y"})], "{name}");
        }
        let cfg = json!({"CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "CSVDelimiter": "SPACE"});
        assert_eq!(items("1 2\n", &cfg).unwrap(), vec![json!({"a": "1", "b": "2"})]);
        // A comma is then an ordinary character.
        let cfg = json!({"CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "SEMICOLON"});
        assert_eq!(items("a,b;c\n1,2;3\n", &cfg).unwrap(), vec![json!({"a,b": "1,2", "c": "3"})]);
        let bad = json!({"CSVDelimiter": "COLON"});
        assert!(items("a\n", &bad).unwrap_err().contains("COMMA, PIPE, SEMICOLON, SPACE, TAB"));
    }

    #[test]
    fn header_row_over_10_kib_is_refused() {
        let header = "h".repeat(10 * 1024 + 1);
        let err = items(&format!("{header}\n1\n"), &json!({})).unwrap_err();
        assert!(err.contains("10240 bytes"), "{err}");
    }
}
