//! `asl`: run, validate and test Amazon States Language definitions from a terminal or CI,
//! with the same engine as the Stepwise playground.
#![forbid(unsafe_code)]

mod run;
mod test_state;

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Run Amazon States Language state machines locally, the way AWS Step Functions would.
///
/// Executions run on a virtual clock (a Wait of an hour takes no time) and print the result and
/// the full execution history in the shape of AWS's GetExecutionHistory. Tasks are answered by a
/// mock configuration (AWS Step Functions Local's MockConfigFile format) or by the built-in
/// MockAPIFunction of the error-handling tutorial
/// (arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction).
#[derive(Parser)]
#[command(name = "asl", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  asl validate machine.asl.json
  asl run machine.asl.json --input '{\"statuscode\": \"429\"}'
  asl run machine.asl.json --input input.json --mock-config mocks.json --test-case HappyPath
  asl test-state machine.asl.json --state 'Call API' --input '{}' --mock-result '\"200 OK\"'
  asl test-state --cli-input-json request.json
  cat machine.asl.json | asl validate -

Exit codes: 0 the command ran (whatever the execution's status); 1 unusable arguments or
unreadable files; 2 the definition is invalid (diagnostics on stderr), or test-state's request
is one AWS refuses (the AWS CLI's error line on stderr).";

#[derive(Subcommand)]
enum Command {
    /// Start an execution and print {status, output, error, cause, events} as JSON.
    Run(run::RunArgs),
    /// Check a definition like ValidateStateMachineDefinition and print the diagnostics.
    Validate {
        /// The definition file (`-` for standard input).
        definition: String,
        /// Print AWS's {result, diagnostics, truncated} JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run one state with a given input, like AWS's TestState API.
    TestState(Box<test_state::TestStateArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate { definition, json } => validate(&definition, json),
        Command::TestState(args) => test_state::run(*args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("asl: {message}");
            ExitCode::from(1)
        }
    }
}

/// Reads a file, or standard input for `-`.
pub(crate) fn read_source(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read '{path}': {e}"))
}

/// A JSON argument given inline (`'{"a": 1}'`) or as a file path (or `-`).
pub(crate) fn read_json_arg(arg: &str, what: &str) -> Result<serde_json::Value, String> {
    if let Ok(v) = serde_json::from_str(arg) {
        return Ok(v);
    }
    let text = read_source(arg)
        .map_err(|e| format!("{what} is neither JSON nor a readable file ({e})"))?;
    serde_json::from_str(&text).map_err(|e| format!("{what} in '{arg}' is not valid JSON: {e}"))
}

/// Prints diagnostics as `file:line:col: severity[CODE]: message (at /pointer)`.
pub(crate) fn print_diagnostics(file: &str, diagnostics: &[asl::Diagnostic]) {
    for d in diagnostics {
        let severity = match d.severity {
            asl::Severity::Error => "error",
            asl::Severity::Warning => "warning",
        };
        let place = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            _ => file.to_string(),
        };
        eprintln!("{place}: {severity}[{}]: {} (at {})", d.code, d.message, d.location);
    }
}

fn validate(path: &str, json: bool) -> Result<ExitCode, String> {
    let text = read_source(path)?;
    let validation = asl::validate(&text);
    let name = if path == "-" { "<stdin>" } else { path };
    if json {
        let out = serde_json::to_string_pretty(&validation).map_err(|e| e.to_string())?;
        println!("{out}");
    } else if validation.diagnostics.is_empty() {
        println!("{name}: OK");
    } else {
        print_diagnostics(name, &validation.diagnostics);
    }
    Ok(if validation.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
