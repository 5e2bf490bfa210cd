//! CSV objects read by a Map state's `ItemReader` (`ReaderConfig.InputType: CSV`).
//!
//! Each row becomes an object keyed by the headers (`CSVHeaderLocation`: `FIRST_ROW` or `GIVEN`
//! with `CSVHeaders`), every value a string: missing fields are `""`, extra fields are dropped,
//! and a blank line at the very end is not a row (as recorded on AWS).

use serde_json::{Map, Value};

pub fn items(text: &str, config: &Value) -> Result<Vec<Value>, String> {
    let mut rows = parse(text);
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

/// Splits CSV text into rows of fields (RFC 4180 quoting: `"a,b"`, `""` for a quote).
fn parse(text: &str) -> Vec<Vec<String>> {
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
            (',', false) => row.push(std::mem::take(&mut field)),
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
}
