//! Exports: a definition turned into something that runs it on AWS.
//!
//! The page ("Export → AWS SAM template") and the CLI (`asl export sam`) share this code, so
//! both write the same template for the same definition.
//!
//! - [`resources`]: where a compiled definition names AWS resources (Lambda functions and other
//!   ARNs), nested Parallel branches and Map processors included.
//! - [`sam`]: the AWS SAM template (state machine, the tutorial's `MockAPIFunction`, the IAM
//!   roles, parameters) built from those references.
//! - [`json`]: the JSON writer (escapes what YAML readers refuse, since some read JSON as YAML).
//! - [`yaml`]: the YAML writer (JSON values as block YAML, every string quoted), so the
//!   template is also readable by YAML 1.1 parsers such as CloudFormation's.
//!
//! See docs/decisions/0017-deploy-kit.md.

pub mod json;
pub mod resources;
pub mod sam;
pub mod yaml;

/// The text format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Yaml,
    Json,
}

impl Format {
    /// `yaml` / `json` (case-insensitive; `yml` too).
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The file name extension (`yaml`, `json`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }

    /// The media type of a download in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Yaml => "application/yaml",
            Format::Json => "application/json",
        }
    }
}
