//! `asl`: run, validate and test Amazon States Language definitions from a terminal or CI,
//! with the same engine as the Stepwise playground.
#![forbid(unsafe_code)]

mod export;
mod import;
mod run;
mod test_state;
mod test_suite;

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
  asl validate --type EXPRESS machine.asl.json
  asl validate template.yaml --state-machine OrderStateMachine
  asl run machine.asl.json --input '{\"statuscode\": \"429\"}'
  asl run machine.asl.json --input input.json --mock-config mocks.json --test-case HappyPath
  asl test-state machine.asl.json --state 'Call API' --input '{}' --mock-result '\"200 OK\"'
  asl test-state --cli-input-json request.json
  asl test examples/tutorial.suite.json --coverage --junit report.xml
  cat machine.asl.json | asl validate -
  asl export sam machine.asl.json > template.yaml

Exit codes: 0 the command ran (whatever the execution's status); 1 unusable arguments or
unreadable files; 2 the definition is invalid (diagnostics on stderr), or test-state's request
is one AWS refuses (the AWS CLI's error line on stderr). asl test exits 1 when a case
fails or a suite cannot run, 2 when a suite's definition is invalid.

Limits: a definition of at most 1,048,576 bytes and an input (--input, --mock-result,
--context) of at most 262,144 bytes, AWS's quotas; --variables at most 10 MiB; a mock
configuration at most 16 MiB. A leading UTF-8 byte order mark is skipped.";

#[derive(Subcommand)]
enum Command {
    /// Start an execution and print {status, output, error, cause, events} as JSON.
    Run(run::RunArgs),
    /// Check a definition like ValidateStateMachineDefinition and print the diagnostics.
    Validate {
        /// The definition file (`-` for standard input): JSON or YAML, or a CloudFormation /
        /// SAM template holding the state machine.
        definition: String,
        /// Print AWS's {result, diagnostics, truncated} JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The state machine type, as ValidateStateMachineDefinition's `type`: EXPRESS also
        /// refuses `.sync` / `.waitForTaskToken` integrations, activities and STANDARD child
        /// executions, and warns about durations beyond 5 minutes (300 seconds) instead of
        /// 1 year (31,536,000 seconds).
        #[arg(long = "type", default_value = "STANDARD", value_parser = ["STANDARD", "EXPRESS"])]
        machine_type: String,
        /// The state machine to take from a template with several (its logical id).
        #[arg(long, value_name = "LOGICAL_ID")]
        state_machine: Option<String>,
    },
    /// Run one state with a given input, like AWS's TestState API.
    TestState(Box<test_state::TestStateArgs>),
    /// Write what deploys the definition on AWS (`asl export sam`: an AWS SAM template).
    Export(export::ExportArgs),
    /// Run test suites (cases with expectations; see docs/test-suites.md) and report; exit 1
    /// on any failure.
    Test(test_suite::TestArgs),
}

fn main() -> ExitCode {
    // clap exits 2 on a usage error; here 2 means an invalid definition, so usage errors exit 1
    // (--help and --version still exit 0).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate { definition, json, machine_type, state_machine } => {
            validate(&definition, json, &machine_type, state_machine.as_deref())
        }
        Command::TestState(args) => test_state::run(*args),
        Command::Export(args) => export::run(args),
        Command::Test(args) => test_suite::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("asl: {message}");
            ExitCode::from(1)
        }
    }
}

/// AWS's quota on a state machine definition (CreateStateMachine's `definition`), in bytes.
pub(crate) const MAX_DEFINITION_BYTES: u64 = 1_048_576;
/// AWS's quota on an execution input and on any payload (task result, state input), in bytes.
pub(crate) const MAX_PAYLOAD_BYTES: u64 = 262_144;
/// AWS's quota on all the variables of an execution together, in bytes (for `--variables`).
pub(crate) const MAX_VARIABLES_BYTES: u64 = 10 * 1_048_576;
/// Ours, not AWS's (Step Functions Local does not document one): a mock configuration holds
/// many responses of up to a payload each; 16 MiB is far above any hand-written one and keeps
/// a mistaken `--mock-config /dev/zero` from filling memory.
pub(crate) const MAX_MOCK_CONFIG_BYTES: u64 = 16 * 1_048_576;

/// `1048576` → `1,048,576`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Reads a file, or standard input for `-`, as UTF-8 text of at most `limit` bytes (`what`
/// names the limit in the message). Reading stops one byte past the limit, so an endless
/// source (`/dev/zero`, a pipe that never closes its data) fails at once. A leading UTF-8 byte
/// order mark is dropped.
pub(crate) fn read_source(path: &str, limit: u64, what: &str) -> Result<String, String> {
    let shown = if path == "-" { "standard input".to_string() } else { format!("'{path}'") };
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{shown} is larger than {} bytes, {what}", thousands(limit)));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{shown} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// A definition file (or `-`), within AWS's definition quota.
pub(crate) fn read_definition(path: &str) -> Result<String, String> {
    read_source(path, MAX_DEFINITION_BYTES, "AWS's quota for a state machine definition")
}

/// A mock configuration file, within [`MAX_MOCK_CONFIG_BYTES`].
pub(crate) fn read_mock_config(path: &str) -> Result<String, String> {
    read_source(path, MAX_MOCK_CONFIG_BYTES, "asl's limit for a mock configuration")
}

/// A JSON argument given inline (`'{"a": 1}'`) or as a file path (or `-`), within AWS's
/// payload quota.
pub(crate) fn read_json_arg(arg: &str, what: &str) -> Result<serde_json::Value, String> {
    read_json_arg_within(
        arg,
        what,
        MAX_PAYLOAD_BYTES,
        "AWS's payload quota (execution input, state input and output, task result)",
    )
}

/// [`read_json_arg`] with another limit.
pub(crate) fn read_json_arg_within(
    arg: &str,
    what: &str,
    limit: u64,
    quota: &str,
) -> Result<serde_json::Value, String> {
    if let Ok(v) = serde_json::from_str(arg) {
        if arg.len() as u64 > limit {
            return Err(format!("{what} is larger than {} bytes, {quota}", thousands(limit)));
        }
        return Ok(v);
    }
    let text = read_source(arg, limit, quota)
        .map_err(|e| format!("{what} is neither JSON nor a usable file ({e})"))?;
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

/// `STANDARD` / `EXPRESS` (clap has already refused anything else).
pub(crate) fn machine_type(text: &str) -> asl::validate::MachineType {
    asl::validate::MachineType::parse(text).unwrap_or_default()
}

fn validate(
    path: &str,
    json: bool,
    machine_type: &str,
    state_machine: Option<&str>,
) -> Result<ExitCode, String> {
    let loaded = match import::load(path, state_machine)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let validation = loaded.imported.validate(self::machine_type(machine_type));
    if json {
        let out = serde_json::to_string_pretty(&validation).map_err(|e| e.to_string())?;
        println!("{out}");
    } else if validation.diagnostics.is_empty() {
        println!("{}: OK", loaded.name);
    } else {
        print_diagnostics(&loaded.name, &validation.diagnostics);
    }
    Ok(if validation.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
