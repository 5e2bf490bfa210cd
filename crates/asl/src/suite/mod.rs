//! Test suites: a definition, optionally a mock configuration, and cases — an input, a mock
//! test case and expectations on the execution (status, output, error and cause, the states
//! visited, one state's input / output / retries). The schema is documented in
//! `docs/test-suites.md`; `asl test` and the page's Tests tab both run suites through here, so
//! a verdict and a coverage figure are the same wherever they are shown.
//!
//! - [`load_suite`]: suite text (JSON or YAML) → [`Suite`], every problem located
//!   (line:column in the file as written).
//! - [`Suite::resolve`]: the definition through the importer ([`crate::import`]: JSON, YAML,
//!   CloudFormation / SAM / CDK templates) and the mock configuration.
//! - [`run_suite`] / [`run_case`] (`check.rs`): run the cases on the engine and compare.
//! - [`coverage`]: which states, Choice rules, retriers and catchers the cases exercised.
//!
//! The engine does no I/O: a suite names its definition and mock configuration by path (or
//! holds them inline); the caller reads the files and hands the texts to [`Suite::resolve`].

mod check;
pub mod coverage;
mod load;

use std::sync::Arc;

use serde_json::Value;

use crate::definition::StateMachine;
use crate::import::{ImportError, Imported, Options};
use crate::source::{Position, SourceMap};
use crate::tasks::mock_config::MockConfig;

pub use check::{differences, run_case, run_suite, CaseResult, Mismatch, SuiteReport};
pub use load::{load_suite, suite_from_value};

/// A suite as written.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The definition: a path relative to the suite file, or the definition itself. Either
    /// may be a definition in JSON or YAML, or a CloudFormation / SAM template
    /// ([`crate::import`]).
    pub definition: Source,
    /// The logical id of the state machine to take from a template with several (as
    /// `--state-machine`).
    pub state_machine: Option<String>,
    /// The mock configuration (MockConfigFile format), when the cases use test cases.
    pub mock_config: Option<Source>,
    /// The state machine name (the mock configuration's `StateMachines` key, and the ARNs).
    pub state_machine_name: String,
    pub cases: Vec<Case>,
    /// Where each value of the suite file starts, so an inline definition's problems are
    /// located in the suite file.
    pub(crate) positions: SourceMap,
}

/// Where a definition or a mock configuration comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A path, relative to the suite file.
    File(String),
    /// The JSON itself, written in the suite.
    Inline(Value),
}

/// AWS's quota on a state machine definition, in bytes (an inline definition is measured as
/// pretty-printed JSON).
pub const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// The state machine name a suite uses when it gives none (as `asl run`'s default).
pub const DEFAULT_STATE_MACHINE_NAME: &str = "MyStateMachine";

/// One case: an execution and what it must do.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub input: Value,
    /// The mock configuration's test case answering the Tasks.
    pub test_case: Option<String>,
    pub expect: Expect,
    /// Where the case starts in the suite file.
    pub position: Option<Position>,
}

/// A case's expectations; each one given is checked, the others are not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expect {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `RUNNING`.
    pub status: Option<String>,
    /// The output, exactly (numbers compare by value).
    pub output: Option<Value>,
    /// A subset of the output: every member given is there with that value.
    pub output_includes: Option<Value>,
    /// JSONPath assertions on the output: the value each path selects.
    pub output_paths: Vec<(String, Value)>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The states entered, in history order, exactly.
    pub path: Option<Vec<String>>,
    /// The set of states entered (order and repeats ignored), exactly.
    pub visited: Option<Vec<String>>,
    /// States that must not be entered.
    pub not_visited: Vec<String>,
    /// Expectations on states, by name.
    pub states: Vec<(String, StateExpect)>,
}

/// Expectations on one state of a case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StateExpect {
    /// The input of its latest run.
    pub input: Option<Value>,
    /// The output of its latest run.
    pub output: Option<Value>,
    /// A subset of the output of its latest run.
    pub output_includes: Option<Value>,
    /// Retries over all its runs.
    pub retries: Option<u64>,
    /// How many times it was entered.
    pub entered: Option<u64>,
}

/// A problem with a suite: its message and, when it comes from the suite's text, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteError {
    pub message: String,
    pub position: Option<Position>,
}

impl std::fmt::Display for SuiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}: {}", p.line, p.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A suite ready to run: its definition compiled, its mock configuration read.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub machine: Arc<StateMachine>,
    pub mock_config: Option<MockConfig>,
}

impl Suite {
    /// Compiles the definition and reads the mock configuration. `definition_text` /
    /// `mock_text` are the files' texts when the suite names files (ignored for inline ones;
    /// an inline definition's problems are located in the suite file).
    /// The definition goes through the importer ([`Suite::import_definition`]): JSON or YAML,
    /// or a CloudFormation / SAM template (no `DefinitionUri` is read: a caller that reads
    /// files imports with [`crate::import::Options::read_file`] and calls
    /// [`Suite::resolve_imported`]). An invalid definition gives its diagnostics, located in
    /// the definition's file, as `asl validate` shows them.
    pub fn resolve(
        &self,
        definition_text: Option<&str>,
        mock_text: Option<&str>,
    ) -> Result<Resolved, ResolveError> {
        let imported = match &self.definition {
            Source::File(path) => {
                let text = definition_text.ok_or_else(|| {
                    ResolveError::Other(format!("the definition '{path}' was not given"))
                })?;
                self.import_definition(text, Options::default())?
            }
            Source::Inline(value) => {
                let options =
                    Options { state_machine: self.state_machine.as_deref(), ..Options::default() };
                let imported = crate::import::import_structure(
                    value,
                    &self.positions,
                    "/definition",
                    &options,
                )?;
                if imported.definition.len() > MAX_DEFINITION_BYTES {
                    return Err(ResolveError::Other(format!(
                        "the inline definition is larger than {MAX_DEFINITION_BYTES} bytes, \
                         AWS's quota for a state machine definition"
                    )));
                }
                imported
            }
        };
        self.resolve_imported(&imported, mock_text)
    }

    /// Imports the text of the suite's definition ([`crate::import::import`]): a definition
    /// in JSON or YAML, or a template from which the suite's `stateMachine` (else
    /// `options.state_machine`, else the only one) is taken.
    pub fn import_definition(
        &self,
        text: &str,
        options: Options<'_>,
    ) -> Result<Imported, ResolveError> {
        let options = Options {
            state_machine: self.state_machine.as_deref().or(options.state_machine),
            ..options
        };
        crate::import::import(text, &options).map_err(ResolveError::from)
    }

    /// [`Suite::resolve`] for a definition already imported: compiles it (errors located in
    /// the user's file) and reads the mock configuration.
    pub fn resolve_imported(
        &self,
        definition: &Imported,
        mock_text: Option<&str>,
    ) -> Result<Resolved, ResolveError> {
        let machine = definition.compile().map_err(ResolveError::Definition)?;
        let mock_config = match &self.mock_config {
            None => None,
            Some(Source::File(path)) => {
                let text = mock_text.ok_or_else(|| {
                    ResolveError::Other(format!("the mock configuration '{path}' was not given"))
                })?;
                Some(MockConfig::from_text(text).map_err(ResolveError::Other)?)
            }
            Some(Source::Inline(value)) => {
                Some(MockConfig::from_value(value).map_err(ResolveError::Other)?)
            }
        };
        Ok(Resolved { machine: Arc::new(machine), mock_config })
    }
}

/// Why a suite could not be made ready to run.
#[derive(Debug, Clone)]
pub enum ResolveError {
    /// The definition is invalid (its syntax, the template it is in, the definition itself):
    /// its diagnostics, located in the definition's file.
    Definition(Vec<crate::Diagnostic>),
    /// Anything else (a malformed mock configuration, a missing file text, a template whose
    /// state machine is not chosen).
    Other(String),
}

impl From<ImportError> for ResolveError {
    fn from(error: ImportError) -> ResolveError {
        match error {
            ImportError::Ambiguous { state_machines } => ResolveError::Other(format!(
                "the template has {} state machines; choose one with \"stateMachine\" in the \
                 suite: {}",
                state_machines.len(),
                state_machines.join(", ")
            )),
            ImportError::UnknownStateMachine { asked, state_machines } => {
                ResolveError::Other(format!(
                    "the suite's \"stateMachine\" is '{asked}', which the template does not \
                     have; it has: {}",
                    state_machines.join(", ")
                ))
            }
            other => ResolveError::Definition(vec![other.diagnostic()]),
        }
    }
}
