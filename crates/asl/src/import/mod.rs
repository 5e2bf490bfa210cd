//! What a user hands Stepwise, turned into a definition: a definition in JSON or YAML, or a
//! CloudFormation / SAM template (JSON or YAML, short-form tags included, `cdk synth` output)
//! from which one state machine's definition is extracted.
//!
//! The page and the CLI call [`import`] and then validate or run [`Imported::definition`]
//! (JSON text) as they always did; [`Imported::relocate`] moves the diagnostics' lines and
//! columns from that JSON back into the file the user gave. Three cases:
//!
//! - a JSON definition is used as written (nothing to move);
//! - a definition that is a structure in the file (YAML, or a template's `Definition`) moves by
//!   JSON pointer: the file's [`SourceMap`] knows where each pointer starts;
//! - a definition that is JSON text inside the file (`DefinitionString`) moves by position in
//!   that text ([`origin::Text`]).
//!
//! [`parse_document`] is the reader underneath: JSON or YAML into a `serde_json::Value` with
//! positions, for anything else that reads such files (test suites).
//! See docs/decisions/0016-yaml-and-template-import.md.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostics::{codes, Diagnostic, Validation};
use crate::source::{self, Position, SourceMap, SyntaxError};
use crate::validate::MachineType;
use crate::StateMachine;

mod origin;
mod template;
pub mod yaml;

pub use template::{STAND_IN_ACCOUNT, STAND_IN_REGION};

/// The code of the warning left where a template reference could not be resolved.
pub const UNRESOLVED_REFERENCE: &str = "UNRESOLVED_REFERENCE";
/// The code of a YAML syntax error (AWS reads no YAML, so it has no code of its own).
pub const INVALID_YAML_DESCRIPTION: &str = "INVALID_YAML_DESCRIPTION";

/// The syntax a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// A JSON or YAML document read into a JSON value, with where each value starts.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    /// Positions by JSON pointer (a member's pointer is at its key).
    pub map: SourceMap,
    pub format: Format,
    /// Literal block scalars (`|`) by pointer, so a position inside their text maps back.
    pub(crate) blocks: HashMap<String, Block>,
}

/// Where the content lines of a literal block scalar are in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block {
    pub(crate) first_line: u32,
    pub(crate) indent: u32,
}

/// Reads JSON or YAML text into a JSON value with positions. Text whose first character
/// (after blanks and a byte order mark) is `{` or `[` is JSON, read by [`source::parse`] with
/// its limits; anything else is YAML ([`yaml::parse`], with the same depth limit and a budget
/// on aliases).
pub fn parse_document(text: &str) -> Result<Document, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if format_of(text) == Format::Json {
        let (value, map) = source::parse(text)?;
        Ok(Document { value, map, format: Format::Json, blocks: HashMap::new() })
    } else {
        yaml::parse(text)
    }
}

fn is_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '['])
}

/// The syntax [`parse_document`] reads `text` as: JSON when its first character (after blanks
/// and a byte order mark) is `{` or `[`, YAML otherwise.
pub fn format_of(text: &str) -> Format {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_json(text) {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// Reads a file named by a template (its text, or why it cannot).
pub type ReadFile<'a> = dyn Fn(&str) -> Result<String, String> + 'a;

/// What [`import`] needs besides the text.
#[derive(Default, Clone, Copy)]
pub struct Options<'a> {
    /// The logical id of the state machine to take from a template with several.
    pub state_machine: Option<&'a str>,
    /// Reads a template's `DefinitionUri` (a path relative to the template); `None` where no
    /// file can be read (the page).
    pub read_file: Option<&'a ReadFile<'a>>,
}

/// A definition ready to validate and run, and how to locate its problems in the user's file.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The definition as JSON text (the text itself when it was a JSON definition).
    pub definition: String,
    /// The syntax of the file.
    pub format: Format,
    /// Whether the file was a CloudFormation / SAM template.
    pub template: bool,
    /// The template's state machines (logical ids, in the file's order); empty otherwise.
    pub state_machines: Vec<String>,
    /// The one extracted.
    pub state_machine: Option<String>,
    /// When the definition came from another file (`DefinitionUri`), its path: positions are
    /// in that file.
    pub definition_file: Option<String>,
    /// Where a reference was left unresolved, located in the user's file.
    pub warnings: Vec<Diagnostic>,
    relocation: Relocation,
}

#[derive(Debug, Clone)]
enum Relocation {
    /// The definition is the user's JSON text.
    None,
    /// The definition is the structure at `prefix` in a document with this map.
    Pointers { map: SourceMap, prefix: String },
    /// The definition is this text, assembled from the file.
    Text(origin::Text),
}

impl Imported {
    /// A JSON definition taken as written.
    fn plain(text: &str, format: Format) -> Imported {
        Imported {
            definition: text.to_string(),
            format,
            template: false,
            state_machines: Vec::new(),
            state_machine: None,
            definition_file: None,
            warnings: Vec::new(),
            relocation: Relocation::None,
        }
    }

    /// Moves diagnostics found in [`Self::definition`] to their place in the user's file.
    pub fn relocate(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            match &self.relocation {
                Relocation::None => {}
                Relocation::Pointers { map, prefix } => {
                    let pointer = if d.location == "/" { "" } else { d.location.as_str() };
                    if let Some(p) = map.position(&format!("{prefix}{pointer}")) {
                        d.line = Some(p.line);
                        d.column = Some(p.column);
                    }
                }
                Relocation::Text(text) => {
                    let p = text.position_of(d.line.unwrap_or(1), d.column.unwrap_or(1));
                    d.line = Some(p.line);
                    d.column = Some(p.column);
                }
            }
        }
    }

    /// Compiles the definition (as [`StateMachine::from_text`]), its errors located in the
    /// user's file.
    pub fn compile(&self) -> Result<StateMachine, Vec<Diagnostic>> {
        StateMachine::from_text(&self.definition).map_err(|mut errors| {
            self.relocate(&mut errors);
            errors
        })
    }

    /// Validates the definition (as [`crate::validate::validate_for_type`]): its diagnostics
    /// located in the user's file, followed by the import's warnings.
    pub fn validate(&self, machine_type: MachineType) -> Validation {
        let mut validation = crate::validate::validate_for_type(&self.definition, machine_type);
        self.relocate(&mut validation.diagnostics);
        let mut all = validation.diagnostics;
        all.extend(self.warnings.iter().cloned());
        Validation::from_diagnostics(all)
    }

    /// Whether the definition is the user's text unchanged.
    pub fn is_verbatim(&self) -> bool {
        matches!(self.relocation, Relocation::None)
    }
}

/// Why a file gave no definition.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file is not valid JSON / YAML.
    Syntax { format: Format, error: SyntaxError },
    /// The template has no usable state machine definition (none at all, a `Definition` of the
    /// wrong shape, a `DefinitionUri` that cannot be read), located.
    Template(Diagnostic),
    /// The template has several state machines and none was chosen.
    Ambiguous { state_machines: Vec<String> },
    /// The chosen state machine is not in the template.
    UnknownStateMachine { asked: String, state_machines: Vec<String> },
}

impl ImportError {
    /// The error as a located diagnostic (for the problems list and `asl validate`).
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            ImportError::Syntax { format, error } => {
                let (code, what) = match format {
                    Format::Json => (codes::INVALID_JSON_DESCRIPTION, "Invalid JSON"),
                    Format::Yaml => (INVALID_YAML_DESCRIPTION, "Invalid YAML"),
                };
                let mut d = Diagnostic::error(code, format!("{what}: {}", error.message), "/");
                d.line = Some(error.position.line);
                d.column = Some(error.position.column);
                d
            }
            ImportError::Template(d) => d.clone(),
            other => {
                Diagnostic::error(codes::SCHEMA_VALIDATION_FAILED, other.to_string(), "/Resources")
            }
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Ambiguous { state_machines } => write!(
                f,
                "the template has {} state machines; choose one with --state-machine: {}",
                state_machines.len(),
                state_machines.join(", ")
            ),
            ImportError::UnknownStateMachine { asked, state_machines } => write!(
                f,
                "the template has no state machine '{asked}'; it has: {}",
                state_machines.join(", ")
            ),
            other => {
                let d = other.diagnostic();
                match (d.line, d.column) {
                    (Some(l), Some(c)) => write!(f, "{l}:{c}: {}", d.message),
                    _ => write!(f, "{}", d.message),
                }
            }
        }
    }
}

/// Turns what the user gave into a definition: see the module's documentation.
pub fn import(text: &str, options: &Options) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A JSON definition, the common case, is taken as written without parsing it here (the
    // validation that follows parses it, and reports its syntax errors as it always did).
    if is_json(text) && !text.contains("\"Resources\"") || text.trim().is_empty() {
        return Ok(Imported::plain(text, Format::Json));
    }
    let format = if is_json(text) { Format::Json } else { Format::Yaml };
    let document = match parse_document(text) {
        Ok(d) => d,
        // JSON errors are the validation's to report, at the same place.
        Err(_) if format == Format::Json => return Ok(Imported::plain(text, Format::Json)),
        Err(error) => return Err(ImportError::Syntax { format, error }),
    };
    if template::is_template(&document.value) {
        return template::extract(text, &document, options);
    }
    if format == Format::Json {
        return Ok(Imported::plain(text, Format::Json));
    }
    let definition = serde_json::to_string_pretty(&document.value).unwrap_or_default();
    Ok(Imported {
        definition,
        format,
        template: false,
        state_machines: Vec::new(),
        state_machine: None,
        definition_file: None,
        warnings: Vec::new(),
        relocation: Relocation::Pointers { map: document.map, prefix: String::new() },
    })
}

/// [`import`] for a structure already read from a larger document (a test suite's inline
/// `definition`): `value` sits at the JSON pointer `prefix` of a document whose positions are
/// `map`, and a definition's diagnostics are located there. A template given this way is
/// imported from its JSON text (its positions are then in that text, not in the document).
pub fn import_structure(
    value: &Value,
    map: &SourceMap,
    prefix: &str,
    options: &Options,
) -> Result<Imported, ImportError> {
    let definition = serde_json::to_string_pretty(value).unwrap_or_default();
    if template::is_template(value) {
        return import(&definition, options);
    }
    Ok(Imported {
        definition,
        format: Format::Json,
        template: false,
        state_machines: Vec::new(),
        state_machine: None,
        definition_file: None,
        warnings: Vec::new(),
        relocation: Relocation::Pointers { map: map.clone(), prefix: prefix.to_string() },
    })
}

/// A position as a diagnostic's line and column.
fn locate(mut d: Diagnostic, at: Option<Position>) -> Diagnostic {
    if let Some(p) = at {
        d.line = Some(p.line);
        d.column = Some(p.column);
    }
    d
}

#[cfg(test)]
mod tests;
