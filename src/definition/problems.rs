//! The definition compiled once per edit ([`compile`]: the engine's machine or its problems),
//! and problems with 1-based line:column positions for the editor's lint markers and the
//! problems list.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, positioned when the position is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub code: String,
    pub message: String,
    /// JSON pointer of the offending value ("" for the document).
    pub location: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Problem {
    /// "12:5" or "" when unpositioned.
    pub fn position(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            (Some(l), None) => format!("{l}"),
            _ => String::new(),
        }
    }
}

fn at(error: &serde_json::Error) -> (Option<u32>, Option<u32>) {
    let line = u32::try_from(error.line()).ok().filter(|l| *l > 0);
    let column = u32::try_from(error.column()).ok().map(|c| c.max(1));
    (line, line.and(column))
}

/// Parses JSON text, describing a syntax error with its position.
pub fn parse_json(text: &str) -> Result<Value, Problem> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        let (line, column) = at(&e);
        // serde_json's message ends with " at line L column C"; the position is shown apart.
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(cut) => full.get(..cut).unwrap_or(&full).to_string(),
            None => full,
        };
        Problem {
            severity: Severity::Error,
            code: "INVALID_JSON_DESCRIPTION".into(),
            message: format!("Invalid JSON: {message}"),
            location: String::new(),
            line,
            column,
        }
    })
}

/// A definition compiled once: what the problems list, the graph and Start all use.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The text it was compiled from.
    pub text: Arc<str>,
    /// The definition as JSON (the text itself unless it was YAML or a template): what runs
    /// and what "Download definition" saves.
    pub definition: Arc<str>,
    /// A template's state machines (logical ids) and the one compiled; empty / None for a
    /// definition.
    pub state_machines: Vec<String>,
    pub state_machine: Option<String>,
    /// The engine's state machine; None when the definition has errors.
    pub machine: Option<Arc<asl::StateMachine>>,
    /// Every problem found (as AWS's `ValidateStateMachineDefinition` reports them).
    pub problems: Vec<Problem>,
}

impl PartialEq for Compiled {
    fn eq(&self, other: &Self) -> bool {
        let same_machine = match (&self.machine, &other.machine) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_machine
            && self.text == other.text
            && self.problems == other.problems
            && self.state_machine == other.state_machine
    }
}

impl Compiled {
    /// Whether the definition is the editor's text unchanged (a JSON definition).
    pub fn is_verbatim(&self) -> bool {
        Arc::ptr_eq(&self.text, &self.definition)
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }
}

/// Compiles definition text with the engine, parsing it once: the machine, or the located
/// diagnostics of JSON syntax, schema, graph and expressions. This is what `asl::validate`
/// reports too (its diagnostics are `from_text`'s on failure and the warnings on success;
/// the engine records no warnings today, and `from_text` would have to return them alongside
/// the machine if it did).
pub fn compile(text: &str) -> Compiled {
    compile_choosing(text, None)
}

/// [`compile`] for whatever the editor holds: a definition in JSON or YAML, or a
/// CloudFormation / SAM template, from which the engine's importer takes `chosen` (or the
/// first state machine; the page offers the others in a chooser). Problems are located in
/// the editor's text; what the template left unresolved comes as warnings.
pub fn compile_choosing(text: &str, chosen: Option<&str>) -> Compiled {
    use asl::import::{import, ImportError, Options};
    let text: Arc<str> = text.into();
    let options = Options { state_machine: chosen, read_file: None };
    let imported = match import(&text, &options) {
        Err(
            ImportError::Ambiguous { state_machines }
            | ImportError::UnknownStateMachine { state_machines, .. },
        ) => {
            let first = state_machines.first().map(String::as_str);
            import(&text, &Options { state_machine: first, read_file: None })
        }
        other => other,
    };
    let imported = match imported {
        Ok(imported) => imported,
        Err(error) => {
            return Compiled {
                definition: "".into(),
                text,
                state_machines: Vec::new(),
                state_machine: None,
                machine: None,
                problems: vec![problem_of(error.diagnostic())],
            }
        }
    };
    let (machine, mut problems) = match imported.compile() {
        Ok(machine) => (Some(Arc::new(machine)), Vec::new()),
        Err(diagnostics) => (None, diagnostics.into_iter().map(problem_of).collect::<Vec<_>>()),
    };
    problems.extend(imported.warnings.iter().cloned().map(problem_of));
    let definition =
        if imported.is_verbatim() { text.clone() } else { imported.definition.as_str().into() };
    Compiled {
        text,
        definition,
        state_machines: imported.state_machines,
        state_machine: imported.state_machine,
        machine,
        problems,
    }
}

fn problem_of(d: asl::Diagnostic) -> Problem {
    Problem {
        severity: match d.severity {
            asl::Severity::Error => Severity::Error,
            asl::Severity::Warning => Severity::Warning,
        },
        code: d.code,
        message: d.message,
        location: d.location,
        line: d.line,
        column: d.column,
    }
}

/// The quota guardrail warnings of a run of the compiled definition, judged from its history
/// (a loop heading for the 25,000-event quota, values read at run time beyond AWS's maxima:
/// `asl::validate::run_guardrails`), positioned in the definition text. The page runs
/// STANDARD state machines.
pub fn run_problems(compiled: &Compiled, events: &[asl::HistoryEvent]) -> Vec<Problem> {
    let Some(machine) = &compiled.machine else { return Vec::new() };
    let mut found = asl::validate::run_guardrails::from_history(
        machine,
        events,
        asl::validate::MachineType::Standard,
    );
    asl::validate::run_guardrails::locate_in(&compiled.text, &mut found);
    found.into_iter().map(problem_of).collect()
}

/// The problems of a state machine definition (as AWS's `ValidateStateMachineDefinition`
/// finds them): JSON syntax, schema, graph and expressions.
pub fn check_definition(text: &str) -> Vec<Problem> {
    compile(text).problems
}

/// Diagnostics in the shape the editor's `setDiagnostics` takes, as a JSON array.
pub fn to_editor_json(problems: &[Problem]) -> String {
    serde_json::to_string(problems).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sam_template_compiles_with_its_warnings_located() {
        let template = include_str!("../../crates/asl/tests/fixtures/import/sam.yaml");
        let compiled = compile(template);
        assert!(compiled.machine.is_some());
        assert_eq!(compiled.state_machines, vec!["OrderStateMachine".to_string()]);
        assert!(compiled.definition.contains("\"StartAt\": \"Process order\""));
        let warnings: Vec<String> = compiled.problems.iter().map(Problem::position).collect();
        assert_eq!(warnings, ["36:15", "45:15", "57:15"]);
        assert_eq!(compiled.errors(), 0);
        // Several state machines: the first, unless another is chosen.
        let two = include_str!("../../crates/asl/tests/fixtures/import/two-machines.yaml");
        assert_eq!(compile(two).state_machine.as_deref(), Some("First"));
        let second = compile_choosing(two, Some("Second"));
        assert!(second.definition.contains("\"Two\""));
        // The page cannot read DefinitionUri: a located error.
        let uri = compile(include_str!("../../crates/asl/tests/fixtures/import/sam-uri.yaml"));
        assert_eq!(uri.problems[0].position(), "8:7");
        assert!(uri.problems[0].message.contains("the page cannot read"));
    }

    #[test]
    fn valid_definition_has_no_problems() {
        assert_eq!(check_definition(include_str!("../../examples/tutorial.asl.json")), vec![]);
    }

    #[test]
    fn syntax_error_is_located() {
        let problems = check_definition("{\n  \"StartAt\": \"A\",\n  \"States\": {,}\n}");
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(p.code, "INVALID_JSON_DESCRIPTION");
        assert_eq!((p.line, p.column), (Some(3), Some(14)));
        assert_eq!(p.position(), "3:14");
        assert_eq!(p.message, "Invalid JSON: key must be a string");
    }

    #[test]
    fn truncated_text_is_located_at_the_end() {
        let problems = check_definition("{\n  \"StartAt\": ");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(2));
        assert!(problems[0].message.starts_with("Invalid JSON: EOF while parsing"));
    }

    #[test]
    fn shape_is_checked() {
        let problems = check_definition("[]");
        assert_eq!(problems[0].message, "The definition must be a JSON object, not array");
        assert_eq!(problems[0].code, "INVALID_JSON_DESCRIPTION");
        let problems = check_definition("{\"States\": {}}");
        assert!(!problems.is_empty());
        assert!(problems.iter().all(|p| p.severity == Severity::Error));
    }

    #[test]
    fn compiling_finds_what_validation_finds() {
        let texts = [
            include_str!("../../examples/tutorial.asl.json"),
            include_str!("../../examples/map.asl.json"),
            "",
            "{",
            "[]",
            "{\"States\": {}}",
            "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}",
        ];
        for text in texts {
            let compiled = compile(text);
            let validated: Vec<Problem> =
                asl::validate(text).diagnostics.into_iter().map(problem_of).collect();
            assert_eq!(compiled.problems, validated, "{text}");
            assert_eq!(compiled.machine.is_some(), compiled.errors() == 0, "{text}");
        }
    }

    #[test]
    fn a_finished_runs_loop_is_a_located_warning() {
        let text = "{\"StartAt\": \"A\", \"States\": {\n\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"},\n\"B\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", \"NumericGreaterThan\": 2, \"Next\": \"Z\"}], \"Default\": \"A\"},\n\"Z\": {\"Type\": \"Succeed\"}}}";
        let compiled = compile(text);
        let machine = compiled.machine.clone().expect("valid");
        let config =
            asl::ExecutionConfig { input: serde_json::json!({"n": 0}), ..Default::default() };
        let mut exec =
            asl::Execution::start(machine, asl::ExecutionConfig { max_steps: 40, ..config });
        exec.run_to_completion();
        let found = run_problems(&compiled, exec.history());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].code, "QUOTA_GUARDRAIL");
        assert_eq!(found[0].position(), "2:1");
        assert!(found[0].message.starts_with("State 'A' loops"), "{}", found[0].message);
    }

    #[test]
    fn editor_json_carries_positions() {
        let json = to_editor_json(&check_definition("{"));
        let v: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
        assert_eq!(v[0]["severity"], "error");
        assert_eq!(v[0]["line"], 1);
        assert_eq!(v[0]["column"], 1);
    }
}
