//! The `regex` API, served by `regex-lite` (see this crate's Cargo.toml for why).
#![forbid(unsafe_code)]
pub use regex_lite::*;
