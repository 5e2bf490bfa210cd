//! The definition as the app sees it: compiled once per edit with its problems
//! ([`problems`]), and JSONata support fetched when a definition needs it
//! ([`jsonata_loader`]), and the YAML reader fetched the first time the page meets YAML
//! ([`yaml_loader`]).

pub mod jsonata_loader;
pub mod on_demand;
pub mod problems;
pub mod state_lines;
pub mod yaml_loader;
