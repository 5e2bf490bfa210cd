//! The typed model of a state machine definition.
//!
//! [`parse`](parse::parse) builds it from JSON and reports every problem as a located
//! [`Diagnostic`](crate::Diagnostic); the runner only ever sees a model that parsed cleanly.
//! Which fields each object may have is the table in [`fields`], shared with the editor.
//! Fields that hold data-flow expressions (payload templates, paths, JSONata) keep their JSON
//! form: the data-flow layer interprets them at run time.

pub mod fields;
pub mod parse;
mod programs;

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use crate::jsonpath::Path;
use crate::template::Template;

/// `JSONPath` (the default) or `JSONata`, per state machine and per state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// A whole definition.
#[derive(Debug, Clone)]
pub struct StateMachine {
    pub comment: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    pub program: Arc<Program>,
}

/// States by name, in definition order.
pub type StateMap = IndexMap<String, State, rustc_hash::FxBuildHasher>;

/// A `StartAt` + `States` pair: the top level, a Parallel branch or a Map's item processor.
#[derive(Debug, Clone)]
pub struct Program {
    pub start_at: String,
    pub states: StateMap,
    /// JSON pointer of this program's object (`""` for the top level).
    pub pointer: String,
}

impl Program {
    pub fn state(&self, name: &str) -> Option<&State> {
        self.states.get(name)
    }

    /// The shared name of state `name` (what frames and history events hold) and its index
    /// in [`Program::states`] (`usize::MAX` when there is no such state).
    pub fn locate(&self, name: &str) -> (Arc<str>, usize) {
        match self.states.get_full(name) {
            Some((index, _, state)) => (state.name.clone(), index),
            None => (Arc::from(name), usize::MAX),
        }
    }

    /// The shared name and index of the `StartAt` state.
    pub fn start(&self) -> (Arc<str>, usize) {
        self.locate(&self.start_at)
    }

    /// The state at `index` (as [`Program::locate`] gave it).
    pub fn state_at(&self, index: usize) -> Option<&State> {
        self.states.get_index(index).map(|(_, s)| s)
    }
}

/// An optional path field: absent (the default applies), `null`, or a path.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PathSpec {
    #[default]
    Default,
    Null,
    Path(Path),
}

/// A field that has three forms: given directly (`Seconds`), read from a path
/// (`SecondsPath`, JSONPath), or computed by a JSONata expression (`{% … %}`, kept as a
/// compiled one-expression template so messages quote it as written).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldSpec<T> {
    Literal(T),
    Path(Path),
    Expression(Template),
}

/// A number field (`Seconds`, `MaxConcurrency`, `TimeoutSeconds`, …); the literal keeps its
/// JSON number.
pub type NumberSpec = FieldSpec<Value>;
/// A text field (`Error` / `Cause` of a Fail state).
pub type TextSpec = FieldSpec<String>;
/// A Wait state's `Timestamp`.
pub type TimestampSpec = FieldSpec<String>;

/// Where a state goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Next(String),
    End,
    /// Choice, Succeed and Fail states decide by themselves.
    Terminal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jitter {
    #[default]
    None,
    Full,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: String,
    pub result_path: PathSpec,
    pub output: Option<Template>,
    pub assign: Option<Template>,
}

/// One state with the fields every type shares; the rest is in [`StateKind`].
#[derive(Debug, Clone)]
pub struct State {
    pub name: Arc<str>,
    /// JSON pointer of the state object, e.g. `/States/Call API`.
    pub pointer: String,
    pub comment: Option<String>,
    pub query_language: QueryLanguage,
    pub transition: Transition,
    pub input_path: PathSpec,
    pub output_path: PathSpec,
    pub result_path: PathSpec,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub arguments: Option<Template>,
    pub output: Option<Template>,
    pub assign: Option<Template>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub kind: StateKind,
    /// Whether any field of the state can read the context object (`$$`, `$states.context`,
    /// or `$states` as a whole). The runner builds the context only for such states: it holds
    /// a copy of the execution input, which is costly for large inputs.
    pub uses_context: bool,
}

impl State {
    /// AWS's name of the state type (`"Task"`, `"Map"`, …).
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    pub fn state_type(&self) -> StateType {
        self.kind.state_type()
    }

    pub fn next(&self) -> Option<&str> {
        match &self.transition {
            Transition::Next(n) => Some(n),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum StateKind {
    Pass { result: Option<Value> },
    Task(Task),
    Choice(ChoiceState),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel { branches: Vec<Arc<Program>> },
    Map(Box<MapState>),
}

impl StateKind {
    pub fn type_name(&self) -> &'static str {
        self.state_type().as_str()
    }

    pub fn state_type(&self) -> StateType {
        match self {
            StateKind::Pass { .. } => StateType::Pass,
            StateKind::Task(_) => StateType::Task,
            StateKind::Choice(_) => StateType::Choice,
            StateKind::Wait(_) => StateType::Wait,
            StateKind::Succeed => StateType::Succeed,
            StateKind::Fail(_) => StateType::Fail,
            StateKind::Parallel { .. } => StateType::Parallel,
            StateKind::Map(_) => StateType::Map,
        }
    }
}

/// The eight state types, as a value (the history's `…StateEntered` events carry one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    /// AWS's name of the type (`"Task"`, `"Map"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Task {
    pub resource: Arc<str>,
    pub timeout_seconds: Option<NumberSpec>,
    pub heartbeat_seconds: Option<NumberSpec>,
    pub credentials: Option<Value>,
}

/// A Choice rule as written: the rule object and, for JSONata, its `Condition`.
#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    pub rule: ChoiceCondition,
    pub next: String,
    pub assign: Option<Template>,
    pub output: Option<Template>,
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub enum ChoiceCondition {
    /// A JSONPath comparison / boolean rule.
    Rule(crate::choice::ChoiceRule),
    /// A JSONata `Condition` (an expression string or a literal boolean).
    Condition(Template),
}

#[derive(Debug, Clone)]
pub struct ChoiceState {
    pub choices: Vec<ChoiceBranch>,
    pub default: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Wait {
    Seconds(NumberSpec),
    Timestamp(TimestampSpec),
}

/// A Fail state's error and cause, each fixed, read from a path, or a JSONata expression.
#[derive(Debug, Clone, Default)]
pub struct Fail {
    pub error: Option<TextSpec>,
    pub cause: Option<TextSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapMode {
    #[default]
    Inline,
    Distributed,
}

/// The paths and templates inside a JSONPath Map state's `ItemReader`, `ItemBatcher` and
/// `ResultWriter`, compiled with the rest of the definition (JSONata states evaluate those
/// fields as whole templates instead).
#[derive(Debug, Clone, Default)]
pub struct MapInnerFields {
    /// `ItemReader.ReaderConfig.MaxItemsPath`.
    pub reader_max_items: Option<Path>,
    /// `ItemBatcher.MaxItemsPerBatchPath`.
    pub batcher_max_items: Option<Path>,
    /// `ItemBatcher.BatchInput`.
    pub batch_input: Option<Template>,
    /// `ResultWriter.Parameters`.
    pub writer_parameters: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct MapState {
    pub processor: Arc<Program>,
    pub mode: MapMode,
    /// `ProcessorConfig.ExecutionType` is `EXPRESS` (a Distributed Map's child executions
    /// then last at most 5 minutes instead of a year).
    pub express: bool,
    /// `ItemsPath` (JSONPath).
    pub items_path: PathSpec,
    /// `Items` (JSONata expression or literal array).
    pub items: Option<Template>,
    /// `ItemSelector`, or the legacy `Parameters` of a Map.
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<NumberSpec>,
    pub tolerated_failure_count: Option<NumberSpec>,
    pub tolerated_failure_percentage: Option<NumberSpec>,
    pub item_batcher: Option<Template>,
    pub item_reader: Option<Template>,
    pub result_writer: Option<Template>,
    /// What JSONPath evaluates inside `ItemReader`, `ItemBatcher` and `ResultWriter`.
    pub inner: MapInnerFields,
    pub label: Option<String>,
}
