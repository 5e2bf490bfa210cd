//! YAML for the browser app, as its own wasm module: the engine's YAML reader
//! (`asl::import::yaml`, feature `yaml`, on `saphyr-parser`) behind one JSON-text function.
//! The app installs it as the engine's [`asl::import::yaml::Reader`]; a parsed document (its
//! value, the positions of its values and its literal blocks) crosses as
//! [`asl::import::yaml::encode`]'s JSON text.
#![forbid(unsafe_code)]

use asl::import::yaml;

/// Parses one YAML document; the JSON text of the value with its positions, or of the located
/// syntax error.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn parse(text: &str) -> String {
    yaml::encode(&yaml::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_and_an_error_cross_as_json_text() {
        let doc = yaml::decode(&parse("StartAt: A\nStates:\n  A: {Type: Succeed}\n")).unwrap();
        assert_eq!(doc.value["States"]["A"]["Type"], "Succeed");
        let at = doc.map.position("/States/A").unwrap();
        assert_eq!((at.line, at.column), (3, 3));
        let error = yaml::decode(&parse("a: [1, 2\n")).unwrap_err();
        assert!(error.message.contains("while parsing"), "{}", error.message);
    }
}
