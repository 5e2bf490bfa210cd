//! `ValidateStateMachineDefinition`: text in, AWS-shaped diagnostics out.
//!
//! Three layers, each only when the previous one passed: JSON syntax (with line and column),
//! the schema (the typed model's parser), then the graph (transition targets, terminal states,
//! reachability) and expressions (paths, intrinsics, resources).
//!
//! Expressions are not parsed here: the diagnostics are the problems the compiled model kept
//! ([`Path::error`], [`Template::problems`], [`Expression::syntax_error`](crate::jsonata::Expression::syntax_error)),
//! so `validate` and `run` cannot disagree. Only the `{% … %}` strings of JSONata-state fields
//! the model keeps as written, because nothing evaluates them (`Comment`, `Next`, `Resource`,
//! `Credentials`, `Retry`, …), are checked from the JSON.

use serde_json::Value;

use crate::definition::parse::parse;
use crate::definition::{
    ChoiceCondition, FieldSpec, NumberSpec, PathSpec, Program, State, StateKind, StateMachine,
    TextSpec, TimestampSpec, Transition, Wait,
};
use crate::diagnostics::{codes, Diagnostic, Validation};
use crate::jsonpath::{Path, PathError, PathTarget};
use crate::source::{self, escape_token, SourceMap};
use crate::template::{Problem, Template};

mod rules;
pub use rules::{is_activity, MachineType, MAX_ROLE_ARN_LENGTH};

/// The ARN of the built-in tutorial function, suggested for placeholder resources.
pub const MOCK_API_FUNCTION_ARN: &str =
    "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction";

/// Validates definition text the way AWS's `ValidateStateMachineDefinition` does (for a
/// STANDARD state machine, the API's default type).
pub fn validate(text: &str) -> Validation {
    validate_for_type(text, MachineType::Standard)
}

/// Validates definition text for a state machine of the given type, as
/// `ValidateStateMachineDefinition` with its `type` parameter does: an EXPRESS machine also
/// gets [`StateMachine::express_diagnostics`], and its quota guardrails check durations
/// against 5 minutes instead of a year.
pub fn validate_for_type(text: &str, machine_type: MachineType) -> Validation {
    match load(text) {
        Ok((machine, mut warnings)) => {
            guardrails::retype(&mut warnings, text, machine_type);
            let express = match machine_type {
                MachineType::Express => machine.express_diagnostics(),
                MachineType::Standard => Vec::new(),
            };
            if express.is_empty() {
                Validation::from_diagnostics(warnings)
            } else {
                let mut all = express;
                if let Ok((_, map)) = source::parse(text) {
                    locate(&mut all, &map);
                }
                all.extend(warnings);
                Validation::from_diagnostics(all)
            }
        }
        Err(diagnostics) => Validation::from_diagnostics(diagnostics),
    }
}

impl StateMachine {
    /// Parses and validates definition text; on success the model, on failure every located
    /// diagnostic (errors first).
    pub fn from_text(text: &str) -> Result<StateMachine, Vec<Diagnostic>> {
        load(text).map(|(m, _)| m)
    }

    /// Parses and validates an already-parsed JSON definition (no line/column information).
    pub fn from_value(value: &Value) -> Result<StateMachine, Vec<Diagnostic>> {
        check(value, &SourceMap::default()).map(|(m, _)| m)
    }
}

/// Parses and validates; Ok carries the warnings.
fn load(text: &str) -> Result<(StateMachine, Vec<Diagnostic>), Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::error(
            codes::MISSING_DESCRIPTION,
            "The definition is empty",
            "/",
        )]);
    }
    let (value, map) = match source::parse(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let mut d = Diagnostic::error(
                codes::INVALID_JSON_DESCRIPTION,
                format!("Invalid JSON: {}", e.message),
                "/",
            );
            d.line = Some(e.position.line);
            d.column = Some(e.position.column);
            return Err(vec![d]);
        }
    };
    check(&value, &map)
}

fn check(
    value: &Value,
    map: &SourceMap,
) -> Result<(StateMachine, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for dup in map.duplicate_keys() {
        let is_state = dup
            .rsplit_once('/')
            .is_some_and(|(parent, _)| parent == "/States" || parent.ends_with("/States"));
        if is_state {
            let name = dup.rsplit('/').next().unwrap_or_default();
            errors.push(Diagnostic::error(
                codes::DUPLICATE_STATE_NAME,
                format!("Duplicate State name: {}", unescape(name)),
                dup.clone(),
            ));
        } else {
            errors.push(Diagnostic::error(
                codes::SCHEMA_VALIDATION_FAILED,
                "Duplicate field name",
                dup.clone(),
            ));
        }
    }
    let machine = match parse(value) {
        Ok(m) => Some(m),
        Err(mut schema) => {
            errors.append(&mut schema);
            None
        }
    };
    let mut warnings = Vec::new();
    if let Some(m) = &machine {
        let mut v = GraphCheck { errors: &mut errors, warnings: &mut warnings, root: value };
        v.program(&m.program);
        warnings.extend(guardrails::warnings(value, guardrails::MachineType::Standard));
    }
    locate(&mut errors, map);
    locate(&mut warnings, map);
    match machine {
        Some(m) if errors.is_empty() => Ok((m, warnings)),
        _ => Err(errors),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn locate(diagnostics: &mut [Diagnostic], map: &SourceMap) {
    for d in diagnostics {
        if d.line.is_none() {
            let pointer = if d.location == "/" { "" } else { d.location.as_str() };
            if let Some(pos) = map.position(pointer) {
                d.line = Some(pos.line);
                d.column = Some(pos.column);
            }
        }
    }
}

struct GraphCheck<'a> {
    errors: &'a mut Vec<Diagnostic>,
    warnings: &'a mut Vec<Diagnostic>,
    /// The whole definition: a JSONata state's fields in the order written, and the fields
    /// the typed model keeps as written.
    root: &'a Value,
}

/// The items of a JSON array (none for anything else).
fn entries(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// The compiled template of a JSONata state's field `key`, when the model compiles that field
/// and it holds one (a number or text field given as a literal holds none).
fn compiled_field<'s>(state: &'s State, key: &str) -> Option<&'s Template> {
    fn expression<T>(spec: Option<&FieldSpec<T>>) -> Option<&Template> {
        match spec {
            Some(FieldSpec::Expression(t)) => Some(t),
            _ => None,
        }
    }
    match (key, &state.kind) {
        ("Arguments", _) => state.arguments.as_ref(),
        ("Output", _) => state.output.as_ref(),
        ("Assign", _) => state.assign.as_ref(),
        ("TimeoutSeconds", StateKind::Task(t)) => expression(t.timeout_seconds.as_ref()),
        ("HeartbeatSeconds", StateKind::Task(t)) => expression(t.heartbeat_seconds.as_ref()),
        ("Seconds", StateKind::Wait(Wait::Seconds(spec))) => expression(Some(spec)),
        ("Timestamp", StateKind::Wait(Wait::Timestamp(spec))) => expression(Some(spec)),
        ("Error", StateKind::Fail(f)) => expression(f.error.as_ref()),
        ("Cause", StateKind::Fail(f)) => expression(f.cause.as_ref()),
        ("Items", StateKind::Map(m)) => m.items.as_ref(),
        ("ItemSelector", StateKind::Map(m)) => m.item_selector.as_ref(),
        ("ItemBatcher", StateKind::Map(m)) => m.item_batcher.as_ref(),
        ("ItemReader", StateKind::Map(m)) => m.item_reader.as_ref(),
        ("ResultWriter", StateKind::Map(m)) => m.result_writer.as_ref(),
        ("MaxConcurrency", StateKind::Map(m)) => expression(m.max_concurrency.as_ref()),
        ("ToleratedFailureCount", StateKind::Map(m)) => {
            expression(m.tolerated_failure_count.as_ref())
        }
        ("ToleratedFailurePercentage", StateKind::Map(m)) => {
            expression(m.tolerated_failure_percentage.as_ref())
        }
        _ => None,
    }
}

impl GraphCheck<'_> {
    fn missing_target(&mut self, target: &str, location: String) {
        self.errors.push(Diagnostic::error(
            codes::MISSING_TRANSITION_TARGET,
            format!("Missing 'Next' target: {target}"),
            location,
        ));
    }

    fn program(&mut self, program: &Program) {
        let p = &program.pointer;
        if !program.states.contains_key(&program.start_at) {
            self.missing_target(&program.start_at, format!("{p}/StartAt"));
        }
        let mut has_terminal = false;
        for state in program.states.values() {
            let sp = &state.pointer;
            match &state.transition {
                Transition::Next(n) if !program.states.contains_key(n) => {
                    self.missing_target(n, format!("{sp}/Next"));
                }
                Transition::End | Transition::Terminal
                    if !matches!(state.kind, StateKind::Choice(_)) =>
                {
                    has_terminal = true;
                }
                _ => {}
            }
            for (i, c) in state.catch.iter().enumerate() {
                if !program.states.contains_key(&c.next) {
                    self.missing_target(&c.next, format!("{sp}/Catch/{i}/Next"));
                }
            }
            rules::state_rules(state, self.root.pointer(sp), self.errors);
            if state.query_language == crate::definition::QueryLanguage::JsonPath {
                self.expressions(state);
            } else {
                self.jsonata_state(state);
            }
            match &state.kind {
                StateKind::Choice(choice) => {
                    for (i, b) in choice.choices.iter().enumerate() {
                        if !program.states.contains_key(&b.next) {
                            self.missing_target(&b.next, format!("{sp}/Choices/{i}/Next"));
                        }
                    }
                    if let Some(d) = &choice.default {
                        if !program.states.contains_key(d) {
                            self.missing_target(d, format!("{sp}/Default"));
                        }
                    }
                }
                StateKind::Task(task) => self.resource(&task.resource, sp),
                StateKind::Parallel { branches } => {
                    for b in branches {
                        self.program(b);
                    }
                }
                StateKind::Map(map) => self.program(&map.processor),
                _ => {}
            }
        }
        if !has_terminal && !program.states.is_empty() {
            self.errors.push(Diagnostic::error(
                codes::MISSING_END_STATE,
                "Workflow has no terminal state",
                if p.is_empty() { "/".to_string() } else { p.clone() },
            ));
        }
        self.reachability(program);
    }

    fn bad_path(&mut self, location: String, message: String) {
        self.errors.push(Diagnostic::error(codes::SCHEMA_VALIDATION_FAILED, message, location));
    }

    /// A path field (`InputPath`, `SecondsPath`, a Choice `Variable`, …): `$…`, `$$…` or `$var…`.
    fn path(&mut self, path: &Path, location: String) {
        if let Some(e) = path.error() {
            self.bad_path(
                location,
                format!("The value for the field must be a valid JSONPath: {path} ({})", e.message),
            );
        }
    }

    /// A Fail state's `ErrorPath` / `CausePath`: a path or an intrinsic call.
    fn path_or_intrinsic(&mut self, path: &Path, location: String) {
        match path.intrinsic() {
            Some(Err(e)) => self.invalid_intrinsic(path, e, location),
            Some(Ok(_)) => {}
            None => {
                if let Some(e) = path.error() {
                    self.invalid_json_path(path, e, location);
                }
            }
        }
    }

    fn invalid_intrinsic(&mut self, call: &str, e: &PathError, location: String) {
        self.errors.push(Diagnostic::error(
            codes::INVALID_INTRINSIC_FUNCTION,
            format!("Invalid intrinsic function call {call}: {}", e.message),
            location,
        ));
    }

    fn invalid_json_path(&mut self, path: &str, e: &PathError, location: String) {
        self.errors.push(Diagnostic::error(
            codes::INVALID_JSON_PATH,
            format!("Invalid JSONPath {path}: {}", e.message),
            location,
        ));
    }

    /// A compiled template's problems, each at `location` (the field) plus its position.
    fn template(&mut self, template: &Template, location: &str) {
        for (suffix, problem) in template.problems() {
            let at = format!("{location}{suffix}");
            match problem {
                Problem::InvalidPath { path, error } => self.invalid_json_path(path, error, at),
                Problem::InvalidIntrinsic { call, error } => {
                    self.invalid_intrinsic(call, error, at)
                }
                Problem::NotAString { field } => self.bad_path(
                    at,
                    format!("The value for the field '{field}' must be a STRING that contains a JSONPath or an intrinsic function"),
                ),
                Problem::InvalidJsonata { expression, message } => {
                    self.invalid_jsonata(expression.as_str(), &message, at)
                }
            }
        }
    }

    fn invalid_jsonata(&mut self, expr: &str, message: &str, location: String) {
        self.errors.push(Diagnostic::error(
            codes::INVALID_JSONATA_EXPRESSION,
            format!("Invalid JSONata expression '{expr}': {message}"),
            location,
        ));
    }

    /// The expressions of a JSONata state, field by field in the order written (nested states
    /// are checked on their own). Fields the model compiles (templates, `{% … %}` number and
    /// text fields, catchers' and choice rules' `Output` / `Assign` / `Condition`) report what
    /// compiling found; the fields no one evaluates (`Comment`, `Next`, `Default`,
    /// `Resource`, `Label`, `Credentials`, `Retry`, `ErrorEquals`, …) are walked as written.
    fn jsonata_state(&mut self, state: &State) {
        let sp = &state.pointer;
        let Some(Value::Object(raw)) = self.root.pointer(sp) else { return };
        for (key, value) in raw {
            let at = format!("{sp}/{}", escape_token(key));
            match key.as_str() {
                "Branches" | "ItemProcessor" | "Iterator" => {}
                "Catch" => {
                    for (i, (catcher, raw)) in state.catch.iter().zip(entries(value)).enumerate() {
                        self.jsonata_entry(raw, &format!("{at}/{i}"), |key| match key {
                            "Output" => catcher.output.as_ref(),
                            "Assign" => catcher.assign.as_ref(),
                            _ => None,
                        });
                    }
                }
                "Choices" => {
                    let StateKind::Choice(choice) = &state.kind else { continue };
                    for (i, (branch, raw)) in choice.choices.iter().zip(entries(value)).enumerate()
                    {
                        self.jsonata_entry(raw, &format!("{at}/{i}"), |key| match key {
                            "Condition" => match &branch.rule {
                                ChoiceCondition::Condition(t) => Some(t),
                                ChoiceCondition::Rule(_) => None,
                            },
                            "Output" => branch.output.as_ref(),
                            "Assign" => branch.assign.as_ref(),
                            _ => None,
                        });
                    }
                }
                _ => match compiled_field(state, key) {
                    Some(t) => self.jsonata_template(t, &at),
                    None => self.raw_jsonata(value, &at),
                },
            }
        }
    }

    /// One `Catch` or `Choices` entry of a JSONata state: its compiled fields through
    /// `compiled`, the rest as written.
    fn jsonata_entry<'t>(
        &mut self,
        raw: &Value,
        location: &str,
        compiled: impl Fn(&str) -> Option<&'t Template>,
    ) {
        let Value::Object(map) = raw else { return self.raw_jsonata(raw, location) };
        for (key, value) in map {
            let at = format!("{location}/{}", escape_token(key));
            match compiled(key) {
                Some(t) => self.jsonata_template(t, &at),
                None => self.raw_jsonata(value, &at),
            }
        }
    }

    /// A JSONata state's compiled template. Like the walk over the JSON as written, it leaves
    /// out anything below a key named `Branches`, `ItemProcessor` or `Iterator`.
    fn jsonata_template(&mut self, template: &Template, location: &str) {
        let nested = |suffix: &str| {
            suffix.split('/').any(|t| matches!(t, "Branches" | "ItemProcessor" | "Iterator"))
        };
        for (suffix, problem) in template.problems() {
            if let Problem::InvalidJsonata { expression, message } = problem {
                if !nested(suffix) {
                    self.invalid_jsonata(
                        expression.as_str(),
                        &message,
                        format!("{location}{suffix}"),
                    );
                }
            }
        }
    }

    /// Every `{% … %}` string in a field the model keeps as written (no one evaluates it) must
    /// parse as JSONata.
    fn raw_jsonata(&mut self, value: &Value, location: &str) {
        match value {
            Value::String(s) => {
                if let Some(expr) = crate::jsonata::template_expression(s) {
                    if let Err(message) = crate::jsonata::check_syntax(expr) {
                        self.invalid_jsonata(expr, &message, location.to_string());
                    }
                }
            }
            Value::Object(map) => {
                for (key, v) in map {
                    if !matches!(key.as_str(), "Branches" | "ItemProcessor" | "Iterator") {
                        self.raw_jsonata(v, &format!("{location}/{}", escape_token(key)));
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.raw_jsonata(v, &format!("{location}/{i}"));
                }
            }
            _ => {}
        }
    }

    fn expressions(&mut self, state: &State) {
        let sp = &state.pointer;
        for (field, spec) in [("InputPath", &state.input_path), ("OutputPath", &state.output_path)]
        {
            if let PathSpec::Path(p) = spec {
                self.path(p, format!("{sp}/{field}"));
            }
        }
        if let PathSpec::Path(p) = &state.result_path {
            // The same test as `JsonPath::parse(p)?.is_reference_path()`: `$$…`, `$var…` and
            // anything that does not parse are not reference paths.
            let reference = matches!(p.target(), Ok(PathTarget::Input(j)) if j.is_reference_path());
            if !reference {
                self.bad_path(
                    format!("{sp}/ResultPath"),
                    format!("ResultPath must be a reference path (only $, .field, ['field'] and [n]): {p}"),
                );
            }
        }
        for (field, t) in
            [("Parameters", &state.parameters), ("ResultSelector", &state.result_selector)]
        {
            if let Some(t) = t {
                self.template(t, &format!("{sp}/{field}"));
            }
        }
        match &state.kind {
            StateKind::Task(t) => {
                for (field, spec) in [
                    ("TimeoutSecondsPath", &t.timeout_seconds),
                    ("HeartbeatSecondsPath", &t.heartbeat_seconds),
                ] {
                    if let Some(NumberSpec::Path(p)) = spec {
                        self.path(p, format!("{sp}/{field}"));
                    }
                }
            }
            StateKind::Wait(Wait::Seconds(NumberSpec::Path(p))) => {
                self.path(p, format!("{sp}/SecondsPath"))
            }
            StateKind::Wait(Wait::Timestamp(TimestampSpec::Path(p))) => {
                self.path(p, format!("{sp}/TimestampPath"))
            }
            StateKind::Fail(f) => {
                for (field, spec) in [("ErrorPath", &f.error), ("CausePath", &f.cause)] {
                    if let Some(TextSpec::Path(p)) = spec {
                        self.path_or_intrinsic(p, format!("{sp}/{field}"));
                    }
                }
            }
            StateKind::Choice(c) => {
                for (i, b) in c.choices.iter().enumerate() {
                    if let ChoiceCondition::Rule(rule) = &b.rule {
                        for p in crate::choice::paths(rule) {
                            self.path(p, format!("{sp}/Choices/{i}"));
                        }
                    }
                }
            }
            StateKind::Map(m) => {
                if let PathSpec::Path(p) = &m.items_path {
                    self.path(p, format!("{sp}/ItemsPath"));
                }
                if let Some(t) = &m.item_selector {
                    self.template(t, &format!("{sp}/ItemSelector"));
                }
            }
            _ => {}
        }
    }

    fn reachability(&mut self, program: &Program) {
        let mut seen = vec![program.start_at.as_str()];
        let mut i = 0;
        while i < seen.len() {
            if let Some(state) = program.states.get(seen[i]) {
                let mut targets: Vec<&str> = Vec::new();
                if let Transition::Next(n) = &state.transition {
                    targets.push(n);
                }
                targets.extend(state.catch.iter().map(|c| c.next.as_str()));
                if let StateKind::Choice(c) = &state.kind {
                    targets.extend(c.choices.iter().map(|b| b.next.as_str()));
                    targets.extend(c.default.as_deref());
                }
                for t in targets {
                    if !seen.contains(&t) {
                        seen.push(t);
                    }
                }
            }
            i += 1;
        }
        for (name, state) in &program.states {
            if !seen.contains(&name.as_str()) {
                self.errors.push(Diagnostic::error(
                    codes::SCHEMA_VALIDATION_FAILED,
                    format!("State \"{name}\" is not reachable"),
                    state.pointer.clone(),
                ));
            }
        }
    }

    fn resource(&mut self, resource: &str, state_pointer: &str) {
        if resource.starts_with("arn:") && known_integration(resource) {
            return;
        }
        let mut message = format!(
            "The resource provided {resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."
        );
        message.push_str(&format!(
            " To call the built-in mock API of the tutorial, use {MOCK_API_FUNCTION_ARN}"
        ));
        self.errors.push(Diagnostic::error(
            codes::SCHEMA_VALIDATION_FAILED,
            message,
            format!("{state_pointer}/Resource"),
        ));
        let _ = &self.warnings;
    }
}

/// Actions of the optimized service integrations (`arn:aws:states:::SERVICE:ACTION`), for the
/// services Stepwise knows. An action outside a known service's list is refused as AWS refuses
/// it; services not listed here (and every `aws-sdk:` integration) are accepted.
const OPTIMIZED_INTEGRATIONS: &[(&str, &[&str])] = &[
    ("lambda", &["invoke"]),
    ("dynamodb", &["getItem", "putItem", "deleteItem", "updateItem"]),
    ("sqs", &["sendMessage"]),
    ("sns", &["publish"]),
    ("states", &["startExecution"]),
    ("events", &["putEvents"]),
    ("apigateway", &["invoke"]),
    ("http", &["invoke"]),
    ("ecs", &["runTask"]),
    ("batch", &["submitJob"]),
    ("glue", &["startJobRun"]),
    (
        "athena",
        &["startQueryExecution", "stopQueryExecution", "getQueryExecution", "getQueryResults"],
    ),
];

fn known_integration(resource: &str) -> bool {
    let Some(rest) = resource.split_once(":states:::").map(|(_, r)| r) else { return true };
    let Some((service, action)) = rest.split_once(':') else { return true };
    let action = action.split(".sync").next().unwrap_or(action);
    let action = action.strip_suffix(".waitForTaskToken").unwrap_or(action);
    match OPTIMIZED_INTEGRATIONS.iter().find(|(s, _)| *s == service) {
        Some((_, actions)) => actions.contains(&action),
        None => true,
    }
}

impl StateMachine {
    /// What an EXPRESS state machine may not do (AWS refuses these at creation): `.sync` and
    /// `.waitForTaskToken` integrations, activities, and Distributed Maps with STANDARD child
    /// executions.
    pub fn express_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        rules::express_rules(&self.program, &mut out);
        out
    }
}

/// The JSON pointer of a state in the top-level `States`.
pub fn state_pointer(name: &str) -> String {
    format!("/States/{}", escape_token(name))
}

pub mod guardrails;
pub mod run_guardrails;

#[cfg(test)]
mod tests;
