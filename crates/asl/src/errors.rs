//! Errors raised while an execution runs, and the predefined `States.*` error names.
//!
//! Everything that can fail at run time (a path that selects nothing, an intrinsic given the
//! wrong arguments, a task that throws) produces a [`StatesError`]: the `error` / `cause` pair
//! that AWS puts into `…FailedEventDetails` and that `Retry` / `Catch` match on.

use std::fmt;

/// The predefined error names of the Amazon States Language.
pub mod names {
    pub const ALL: &str = "States.ALL";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub const HTTP_SOCKET: &str = "States.Http.Socket";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const PERMISSIONS: &str = "States.Permissions";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    pub const RUNTIME: &str = "States.Runtime";
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const TIMEOUT: &str = "States.Timeout";
}

/// A run-time error: the name `Retry` / `Catch` match on and a human-readable cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesError {
    pub error: String,
    pub cause: String,
}

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError { error: error.into(), cause: cause.into() }
    }

    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }

    pub fn intrinsic(cause: impl Into<String>) -> Self {
        Self::new(names::INTRINSIC_FAILURE, cause)
    }

    pub fn parameter_path(cause: impl Into<String>) -> Self {
        Self::new(names::PARAMETER_PATH_FAILURE, cause)
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for StatesError {}

/// Whether a `Retry` / `Catch` entry's `ErrorEquals` list matches `error`.
///
/// `States.Runtime` is terminal: nothing matches it, not even `ErrorEquals: ["States.Runtime"]`
/// (recorded on AWS). `States.ALL` matches every other error;
/// `States.TaskFailed` matches every error except `States.Timeout` and other `States.*` names.
/// A `States.DataLimitExceeded` that a task *reports* is caught by `States.ALL` (AWS records
/// show this); one the engine raises for an oversized state output is terminal, which the runner
/// enforces by not consulting `Retry` / `Catch` for it.
pub fn error_equals_matches(error_equals: &[String], error: &str) -> bool {
    if error == names::RUNTIME {
        return false;
    }
    error_equals.iter().any(|name| {
        name == error
            || name == names::ALL
            || (name == names::TASK_FAILED
                && error != names::TIMEOUT
                && !error.starts_with("States."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn states_all_does_not_catch_terminal_errors() {
        let all = list(&["States.ALL"]);
        assert!(error_equals_matches(&all, "TooManyRequestsException"));
        assert!(error_equals_matches(&all, "States.Timeout"));
        assert!(!error_equals_matches(&all, "States.Runtime"));
        assert!(!error_equals_matches(&list(&["States.Runtime"]), "States.Runtime"));
        // Recorded on AWS: a task that reports DataLimitExceeded is caught by States.ALL.
        assert!(error_equals_matches(&all, "States.DataLimitExceeded"));
    }

    #[test]
    fn exact_names_match_only_themselves() {
        let l = list(&["TooManyRequestsException"]);
        assert!(error_equals_matches(&l, "TooManyRequestsException"));
        assert!(!error_equals_matches(&l, "ServerUnavailableException"));
    }

    #[test]
    fn task_failed_matches_task_errors_but_not_timeouts() {
        let l = list(&["States.TaskFailed"]);
        assert!(error_equals_matches(&l, "Lambda.Unknown"));
        assert!(!error_equals_matches(&l, "States.Timeout"));
        assert!(!error_equals_matches(&l, "States.Runtime"));
    }
}
