//! The YAML reader on demand: YAML definitions, CloudFormation / SAM templates in YAML and YAML
//! test suites are rarer than JSON, so the release build ships the reader (`saphyr-parser`) as a
//! separate wasm module (`crates/yaml-module`, copied to `dist/yaml/`) fetched the first time the
//! page meets YAML. Until it is in, reading YAML fails with
//! [`asl::import::yaml::NOT_LOADED`]; once it is, the definition is compiled again. Builds
//! with the reader compiled in (tests) never load anything.
//! See docs/decisions/0025-page-weight.md.

use std::rc::Rc;

use asl::import::Format;
use leptos::prelude::*;

use crate::definition::on_demand::{self, Availability};
use crate::host::call_yaml_parse;

/// Where the module lives, relative to the page (works under any sub-path).
pub const MODULE_PATH: &str = "yaml/stepwise_yaml.js";

/// The page's YAML support, shared through the context by the editor and the Tests tab.
#[derive(Clone, Copy)]
pub struct YamlSupport(pub RwSignal<Availability>);

/// Is this text YAML (what the engine's importer reads as YAML), not blank?
pub fn is_yaml(text: &str) -> bool {
    !text.trim().is_empty() && asl::import::format_of(text) == Format::Yaml
}

/// YAML availability for the page: starts as Ready when the reader is built in.
pub fn availability() -> RwSignal<Availability> {
    on_demand::availability(asl::import::yaml::available())
}

/// Fetches the module unless it is loaded or being loaded; `state` says when it is ready.
pub fn ensure_loaded(state: RwSignal<Availability>) {
    on_demand::ensure_loaded(state, load);
}

/// Imports the module and installs it as the engine's YAML reader.
async fn load() -> Result<(), String> {
    if asl::import::yaml::available() {
        return Ok(());
    }
    let module = on_demand::import(MODULE_PATH, "YAML").await?;
    asl::import::yaml::install_reader(Rc::new(move |text| call_yaml_parse(&module, text)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_is_what_does_not_start_as_json() {
        assert!(is_yaml("StartAt: A\nStates: {}\n"));
        assert!(is_yaml("# a comment\n{}"));
        assert!(!is_yaml("  {\"StartAt\": \"A\"}"));
        assert!(!is_yaml("[1]"));
        assert!(!is_yaml(" \n "));
    }
}
