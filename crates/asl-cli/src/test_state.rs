//! `asl test-state`: one state, like AWS's TestState API.

use std::process::ExitCode;

use clap::Args;

use crate::{print_diagnostics, read_definition, read_json_arg, read_json_arg_within};

#[derive(Args)]
pub struct TestStateArgs {
    /// The definition file (`-` for standard input).
    definition: String,
    /// The name of a top-level state to run.
    #[arg(long)]
    state: String,
    /// The state's input: inline JSON or a file (default `{}`).
    #[arg(long)]
    input: Option<String>,
    /// The task's result: inline JSON or a file.
    #[arg(long, conflicts_with = "mock_error")]
    mock_result: Option<String>,
    /// The task's error name (with --mock-cause).
    #[arg(long)]
    mock_error: Option<String>,
    /// The task's error cause.
    #[arg(long, default_value = "")]
    mock_cause: String,
    /// The context object `$$` (inline JSON or a file).
    #[arg(long)]
    context: Option<String>,
    /// How many retries have already happened (stateConfiguration.retrierRetryCount).
    #[arg(long, default_value_t = 0)]
    retry_count: u64,
    /// Workflow variables visible to the state: a JSON object, inline or a file.
    #[arg(long)]
    variables: Option<String>,
}

pub fn run(args: TestStateArgs) -> Result<ExitCode, String> {
    let text = read_definition(&args.definition)?;
    let machine = match asl::StateMachine::from_text(&text) {
        Ok(m) => m,
        Err(diagnostics) => {
            print_diagnostics(&args.definition, &diagnostics);
            return Ok(ExitCode::from(2));
        }
    };
    let input = match &args.input {
        Some(a) => read_json_arg(a, "--input")?,
        None => serde_json::json!({}),
    };
    let mock = match (&args.mock_result, &args.mock_error) {
        (Some(r), _) => Some(asl::test_state::TestMock::Result(read_json_arg(r, "--mock-result")?)),
        (None, Some(e)) => Some(asl::test_state::TestMock::Error {
            error: e.clone(),
            cause: args.mock_cause.clone(),
        }),
        (None, None) => None,
    };
    let context = match &args.context {
        Some(c) => Some(read_json_arg(c, "--context")?),
        None => None,
    };
    let variables = match &args.variables {
        Some(v) => match read_json_arg_within(
            v,
            "--variables",
            crate::MAX_VARIABLES_BYTES,
            "AWS's quota for the variables of an execution",
        )? {
            serde_json::Value::Object(m) => m,
            _ => return Err("--variables must be a JSON object".to_string()),
        },
        None => serde_json::Map::new(),
    };
    let request = asl::test_state::TestStateRequest {
        variables,
        state_name: args.state.clone(),
        input,
        mock,
        context,
        retrier_retry_count: args.retry_count,
    };
    let response = asl::test_state::test_state(&machine, &request)?;
    let out = serde_json::to_string_pretty(&response.to_json()).map_err(|e| e.to_string())?;
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
