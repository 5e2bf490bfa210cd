//! Share links: the definition, input and mocks, deflated and base64url-encoded into the URL
//! fragment (`#s=1.<payload>`). Decoding never executes or renders anything: it only yields
//! strings, bounded in size.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Prefix of a share fragment, with the format version.
pub const FRAGMENT_PREFIX: &str = "s=1.";
/// Largest decompressed payload accepted from a link (bytes).
pub const MAX_DECODED_BYTES: usize = 2 * 1024 * 1024;

/// What a share link carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Shared {
    #[serde(rename = "d")]
    pub definition: String,
    #[serde(rename = "i")]
    pub input: String,
    #[serde(rename = "m", default)]
    pub mocks: String,
    /// The mock configuration's selected test case (links from before it existed have none).
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub test_case: Option<String>,
    /// The debugger's breakpoints (state names; links from before it have none).
    #[serde(rename = "b", default, skip_serializing_if = "Vec::is_empty")]
    pub breakpoints: Vec<String>,
}

/// Why a fragment could not be read as a share link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment is not a Stepwise share fragment at all.
    NotAShareLink,
    /// It is one, but damaged or too large.
    Corrupt(String),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::NotAShareLink => f.write_str("not a Stepwise share link"),
            ShareError::Corrupt(why) => write!(f, "the share link is damaged: {why}"),
        }
    }
}

/// The fragment (without `#`) for `shared`.
pub fn encode(shared: &Shared) -> String {
    // Serializing three strings cannot fail; fall back to an empty object regardless.
    let json = serde_json::to_vec(shared).unwrap_or_else(|_| b"{}".to_vec());
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{FRAGMENT_PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a fragment (with or without the leading `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let payload = fragment.strip_prefix(FRAGMENT_PREFIX).ok_or(ShareError::NotAShareLink)?;
    let packed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| ShareError::Corrupt(format!("bad base64url ({e})")))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DECODED_BYTES)
        .map_err(|e| ShareError::Corrupt(format!("cannot inflate ({:?})", e.status)))?;
    serde_json::from_slice(&json).map_err(|e| ShareError::Corrupt(format!("bad contents ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Shared {
        Shared {
            definition: "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"
                .into(),
            input: "{\"statuscode\": \"200\"}".into(),
            mocks: String::new(),
            test_case: None,
            breakpoints: Vec::new(),
        }
    }

    #[test]
    fn carries_the_test_case_and_reads_links_without_one() {
        let s = Shared { test_case: Some("Throttled".into()), ..sample() };
        assert_eq!(decode(&encode(&s)), Ok(s));
        // A link made before test cases were shared: `{"d", "i", "m"}` only.
        let old = br#"{"d":"{}","i":"[]","m":""}"#;
        let packed = miniz_oxide::deflate::compress_to_vec(old, 9);
        let fragment = format!("{FRAGMENT_PREFIX}{}", URL_SAFE_NO_PAD.encode(packed));
        assert_eq!(decode(&fragment).map(|s| s.test_case), Ok(None));
    }

    #[test]
    fn carries_breakpoints() {
        let s = Shared { breakpoints: vec!["Wait and Try Later".into()], ..sample() };
        assert_eq!(decode(&encode(&s)), Ok(s));
    }

    #[test]
    fn round_trips() {
        let s = sample();
        let fragment = encode(&s);
        assert!(fragment.starts_with("s=1."));
        assert!(fragment.chars().all(|c| c.is_ascii_alphanumeric() || "-_=.".contains(c)));
        assert_eq!(decode(&fragment), Ok(s.clone()));
        assert_eq!(decode(&format!("#{fragment}")), Ok(s));
    }

    #[test]
    fn round_trips_unicode_and_html() {
        let s = Shared {
            definition: "{\"Comment\":\"<script>alert(1)</script> héllo ✓\"}".into(),
            input: "\"\\u0000\"".into(),
            mocks: "{\"a\": [1,2,3]}".into(),
            test_case: Some("<b>case</b>".into()),
            breakpoints: vec!["<i>state</i>".into()],
        };
        assert_eq!(decode(&encode(&s)), Ok(s));
    }

    #[test]
    fn compresses_the_tutorial() {
        let definition = include_str!("../../examples/tutorial.asl.json");
        let s = Shared { definition: definition.into(), input: "{}".into(), ..Shared::default() };
        let fragment = encode(&s);
        assert!(fragment.len() < definition.len(), "{} >= {}", fragment.len(), definition.len());
        assert_eq!(decode(&fragment).map(|d| d.definition), Ok(definition.to_string()));
    }

    #[test]
    fn rejects_other_fragments() {
        assert_eq!(decode(""), Err(ShareError::NotAShareLink));
        assert_eq!(decode("#section-2"), Err(ShareError::NotAShareLink));
    }

    #[test]
    fn rejects_damaged_links() {
        assert!(matches!(decode("s=1.!!!"), Err(ShareError::Corrupt(_))));
        assert!(matches!(decode("s=1.AAAA"), Err(ShareError::Corrupt(_))));
        // Valid deflate of something that is not the expected JSON object.
        let packed = miniz_oxide::deflate::compress_to_vec(b"[1,2]", 9);
        let fragment = format!("s=1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(matches!(decode(&fragment), Err(ShareError::Corrupt(_))));
    }

    #[test]
    fn rejects_zip_bombs() {
        let big = vec![b' '; MAX_DECODED_BYTES + 10];
        let packed = miniz_oxide::deflate::compress_to_vec(&big, 9);
        let fragment = format!("s=1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(matches!(decode(&fragment), Err(ShareError::Corrupt(_))));
    }
}
