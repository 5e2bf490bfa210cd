//! `asl test-state`: one state, like AWS's TestState API. The request comes as AWS CLI's JSON
//! (`--cli-input-json FILE`), as flags, or both (a flag overrides the file's field); the
//! engine applies AWS's rules (`asl::test_state::api`) and the answer is printed in AWS's
//! response shape. A request AWS would refuse prints the AWS CLI's error line on stderr and
//! exits with 2.

use std::process::ExitCode;

use clap::Args;
use serde_json::{json, Map, Value};

use crate::{read_json_arg, read_json_arg_within, read_source};

#[derive(Args)]
pub struct TestStateArgs {
    /// The definition file (`-` for standard input): a single state, or a whole state machine
    /// with --state; JSON or YAML, or a CloudFormation / SAM template holding the state machine.
    definition: Option<String>,
    /// The state machine to take from a template with several (its logical id).
    #[arg(long, value_name = "LOGICAL_ID")]
    state_machine: Option<String>,
    /// The request as AWS CLI's `--cli-input-json` (a file, `file://FILE`, or `-`).
    #[arg(long, value_name = "FILE")]
    cli_input_json: Option<String>,
    /// The state to test in a whole state machine definition (`stateName`).
    #[arg(long, alias = "state-name")]
    state: Option<String>,
    /// The state's input: inline JSON or a file (default `{}`).
    #[arg(long)]
    input: Option<String>,
    /// INFO (default), DEBUG or TRACE.
    #[arg(long)]
    inspection_level: Option<String>,
    /// The mocked result of the Task (or the Parallel's / Map's result): inline JSON or a file.
    #[arg(long, conflicts_with = "mock_error")]
    mock_result: Option<String>,
    /// The mocked error name (`mock.errorOutput.error`, with --mock-cause).
    #[arg(long)]
    mock_error: Option<String>,
    /// The mocked error's cause.
    #[arg(long)]
    mock_cause: Option<String>,
    /// How the mocked result is checked: STRICT (default), PRESENT or NONE.
    #[arg(long)]
    mock_field_validation_mode: Option<String>,
    /// The context object `$$` (inline JSON or a file).
    #[arg(long)]
    context: Option<String>,
    /// Retries already made by the retrier that matches (stateConfiguration.retrierRetryCount).
    #[arg(long, alias = "retrier-retry-count")]
    retry_count: Option<u64>,
    /// The state inside a Map or Parallel that raised the mocked error.
    #[arg(long)]
    error_caused_by_state: Option<String>,
    /// How many of a mocked Map's iterations failed.
    #[arg(long)]
    map_iteration_failure_count: Option<u64>,
    /// What a Map's ItemReader reads (the object's text), inline or a file.
    #[arg(long)]
    map_item_reader_data: Option<String>,
    /// Workflow variables visible to the state: a JSON object, inline or a file.
    #[arg(long)]
    variables: Option<String>,
    /// `roleArn` (shown as `$$.Execution.RoleArn`).
    #[arg(long)]
    role_arn: Option<String>,
    /// `revealSecrets` (AWS refuses it with a mock).
    #[arg(long)]
    reveal_secrets: bool,
}

/// Largest --cli-input-json accepted: the API's 1 MiB definition plus its other fields.
const REQUEST_LIMIT: u64 = 4 * 1024 * 1024;

pub fn run(args: TestStateArgs) -> Result<ExitCode, String> {
    let mut request = match &args.cli_input_json {
        Some(path) => match serde_json::from_str(&read_request(path)?) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err("--cli-input-json must hold a JSON object".into()),
            Err(e) => return Err(format!("--cli-input-json is not valid JSON: {e}")),
        },
        None => Map::new(),
    };
    let text = |v: Value| match v {
        Value::String(s) => s,
        other => other.to_string(),
    };
    if let Some(path) = &args.definition {
        let loaded = match crate::import::load(path, args.state_machine.as_deref())? {
            Ok(loaded) => loaded,
            Err(code) => return Ok(code),
        };
        crate::print_diagnostics(&loaded.name, &loaded.imported.warnings);
        request.insert("definition".into(), json!(loaded.imported.definition));
    }
    if !request.contains_key("definition") {
        return Err("give a definition file or --cli-input-json".into());
    }
    let mut set = |key: &str, v: Value| {
        request.insert(key.into(), v);
    };
    if let Some(s) = &args.state {
        set("stateName", json!(s));
    }
    if let Some(i) = &args.input {
        set("input", json!(read_json_arg(i, "--input")?.to_string()));
    }
    if let Some(l) = &args.inspection_level {
        set("inspectionLevel", json!(l));
    }
    if let Some(c) = &args.context {
        set("context", json!(read_json_arg(c, "--context")?.to_string()));
    }
    if let Some(v) = &args.variables {
        let variables = read_json_arg_within(
            v,
            "--variables",
            crate::MAX_VARIABLES_BYTES,
            "AWS's quota for the variables of an execution",
        )?;
        set("variables", json!(variables.to_string()));
    }
    if let Some(r) = &args.role_arn {
        set("roleArn", json!(r));
    }
    if args.reveal_secrets {
        set("revealSecrets", json!(true));
    }
    let mut mock = match request.remove("mock") {
        Some(Value::Object(m)) => m,
        Some(other) => {
            request.insert("mock".into(), other);
            Map::new()
        }
        None => Map::new(),
    };
    if let Some(r) = &args.mock_result {
        mock.remove("errorOutput");
        mock.insert("result".into(), json!(read_json_arg(r, "--mock-result")?.to_string()));
    }
    if let Some(e) = &args.mock_error {
        mock.remove("result");
        let cause = args.mock_cause.clone().unwrap_or_default();
        mock.insert("errorOutput".into(), json!({"error": e, "cause": cause}));
    }
    if let Some(m) = &args.mock_field_validation_mode {
        mock.insert("fieldValidationMode".into(), json!(m));
    }
    if !mock.is_empty() {
        request.insert("mock".into(), Value::Object(mock));
    }
    let mut config = match request.remove("stateConfiguration") {
        Some(Value::Object(c)) => c,
        Some(other) => {
            request.insert("stateConfiguration".into(), other);
            Map::new()
        }
        None => Map::new(),
    };
    if let Some(n) = args.retry_count {
        config.insert("retrierRetryCount".into(), json!(n));
    }
    if let Some(s) = &args.error_caused_by_state {
        config.insert("errorCausedByState".into(), json!(s));
    }
    if let Some(n) = args.map_iteration_failure_count {
        config.insert("mapIterationFailureCount".into(), json!(n));
    }
    if let Some(d) = &args.map_item_reader_data {
        config.insert(
            "mapItemReaderData".into(),
            json!(text(read_json_arg(d, "--map-item-reader-data")?)),
        );
    }
    if !config.is_empty() {
        request.insert("stateConfiguration".into(), Value::Object(config));
    }
    match asl::test_state::test_state_api(&Value::Object(request)) {
        Ok(response) => {
            let out =
                serde_json::to_string_pretty(&response.to_json()).map_err(|e| e.to_string())?;
            println!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Err(rejection) => {
            eprintln!("{rejection}");
            Ok(ExitCode::from(2))
        }
    }
}

/// The --cli-input-json file (`file://` prefix as the AWS CLI writes it, `-` for standard
/// input), at most [`REQUEST_LIMIT`] bytes.
fn read_request(path: &str) -> Result<String, String> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    read_source(path, REQUEST_LIMIT, "asl's limit for a TestState request")
}
