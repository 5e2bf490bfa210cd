//! [`Event`]: what happened, typed. Each variant is one AWS event type (or one family of them,
//! such as `…StateEntered` for every state type) with exactly the details AWS records.
//! Turning it into AWS's JSON is [`serialize`](super::serialize)'s job.

use std::sync::Arc;

use super::{EventType, Payload};
use crate::definition::StateType;

/// Which family of task events a Task state's resource uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskFamily {
    /// A bare Lambda function ARN: `LambdaFunction…` events.
    Lambda,
    /// An activity ARN: `Activity…` events.
    Activity,
    /// A service integration (`arn:aws:states:::…`): `Task…` events.
    Service,
}

/// An error name and cause as AWS records them (either may be absent).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorCause {
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// One thing that happened in an execution.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    ExecutionStarted {
        input: Payload,
        role_arn: Arc<str>,
    },
    ExecutionSucceeded {
        output: Payload,
    },
    ExecutionFailed(ErrorCause),
    ExecutionAborted(ErrorCause),
    ExecutionTimedOut(ErrorCause),
    /// `ExecutionRedriven`: a `RedriveExecution` restarted the ended execution; `redrive_count`
    /// counts this redrive (1 for the first).
    ExecutionRedriven {
        redrive_count: u32,
    },
    /// `<Type>StateEntered`.
    StateEntered {
        state_type: StateType,
        name: Arc<str>,
        input: Payload,
    },
    /// `<Type>StateExited`, with the variables its `Assign` set.
    StateExited {
        state_type: StateType,
        name: Arc<str>,
        output: Payload,
        assigned_variables: Option<Vec<(String, Payload)>>,
    },
    /// `TaskStateAborted`, `WaitStateAborted`, `ParallelStateAborted`, `MapStateAborted`.
    StateAborted {
        state_type: StateType,
        name: Arc<str>,
    },
    /// `TaskScheduled` / `LambdaFunctionScheduled` / `ActivityScheduled`: `resource` is the
    /// state's `Resource`, `input` the effective parameters.
    TaskScheduled {
        family: TaskFamily,
        resource: Arc<str>,
        region: Arc<str>,
        input: Payload,
        timeout_seconds: Option<u64>,
        heartbeat_seconds: Option<u64>,
    },
    /// `TaskStarted` / `LambdaFunctionStarted` / `ActivityStarted`; an activity records the
    /// name its worker gave `GetActivityTask` (`{}` when it gave none).
    TaskStarted {
        family: TaskFamily,
        resource: Arc<str>,
        worker_name: Option<Arc<str>>,
    },
    /// A `.sync` or `.waitForTaskToken` request was accepted (service integrations only).
    TaskSubmitted {
        resource: Arc<str>,
        output: Payload,
    },
    TaskSucceeded {
        family: TaskFamily,
        resource: Arc<str>,
        output: Payload,
    },
    /// `…Failed`, or `…TimedOut` when `timed_out`; an empty cause is left out.
    TaskFailed {
        family: TaskFamily,
        resource: Arc<str>,
        error: String,
        cause: String,
        timed_out: bool,
    },
    /// A JSONata evaluation failed in `state`'s field `location`.
    EvaluationFailed {
        error: String,
        cause: String,
        location: Option<String>,
        state: Arc<str>,
    },
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    MapStateStarted {
        length: usize,
    },
    MapStateSucceeded,
    MapStateFailed,
    MapIterationStarted {
        index: usize,
        name: Arc<str>,
    },
    MapIterationSucceeded {
        index: usize,
        name: Arc<str>,
    },
    MapIterationFailed {
        index: usize,
        name: Arc<str>,
    },
    MapIterationAborted {
        index: usize,
        name: Arc<str>,
    },
    MapRunStarted {
        map_run_arn: String,
    },
    MapRunSucceeded,
    /// A map run that failed; a reader failure records its error and cause.
    MapRunFailed(Option<(String, String)>),
    MapRunAborted,
}

impl Event {
    /// AWS's type of this event.
    pub fn event_type(&self) -> EventType {
        use EventType as T;
        match self {
            Event::ExecutionStarted { .. } => T::ExecutionStarted,
            Event::ExecutionSucceeded { .. } => T::ExecutionSucceeded,
            Event::ExecutionFailed(_) => T::ExecutionFailed,
            Event::ExecutionAborted(_) => T::ExecutionAborted,
            Event::ExecutionTimedOut(_) => T::ExecutionTimedOut,
            Event::ExecutionRedriven { .. } => T::ExecutionRedriven,
            Event::StateEntered { state_type, .. } => entered(*state_type),
            Event::StateExited { state_type, .. } => exited(*state_type),
            Event::StateAborted { state_type, .. } => aborted(*state_type),
            Event::TaskScheduled { family, .. } => match family {
                TaskFamily::Lambda => T::LambdaFunctionScheduled,
                TaskFamily::Activity => T::ActivityScheduled,
                TaskFamily::Service => T::TaskScheduled,
            },
            Event::TaskStarted { family, .. } => match family {
                TaskFamily::Lambda => T::LambdaFunctionStarted,
                TaskFamily::Activity => T::ActivityStarted,
                TaskFamily::Service => T::TaskStarted,
            },
            Event::TaskSubmitted { .. } => T::TaskSubmitted,
            Event::TaskSucceeded { family, .. } => match family {
                TaskFamily::Lambda => T::LambdaFunctionSucceeded,
                TaskFamily::Activity => T::ActivitySucceeded,
                TaskFamily::Service => T::TaskSucceeded,
            },
            Event::TaskFailed { family, timed_out, .. } => match (family, timed_out) {
                (TaskFamily::Lambda, false) => T::LambdaFunctionFailed,
                (TaskFamily::Lambda, true) => T::LambdaFunctionTimedOut,
                (TaskFamily::Activity, false) => T::ActivityFailed,
                (TaskFamily::Activity, true) => T::ActivityTimedOut,
                (TaskFamily::Service, false) => T::TaskFailed,
                (TaskFamily::Service, true) => T::TaskTimedOut,
            },
            Event::EvaluationFailed { .. } => T::EvaluationFailed,
            Event::ParallelStateStarted => T::ParallelStateStarted,
            Event::ParallelStateSucceeded => T::ParallelStateSucceeded,
            Event::ParallelStateFailed => T::ParallelStateFailed,
            Event::MapStateStarted { .. } => T::MapStateStarted,
            Event::MapStateSucceeded => T::MapStateSucceeded,
            Event::MapStateFailed => T::MapStateFailed,
            Event::MapIterationStarted { .. } => T::MapIterationStarted,
            Event::MapIterationSucceeded { .. } => T::MapIterationSucceeded,
            Event::MapIterationFailed { .. } => T::MapIterationFailed,
            Event::MapIterationAborted { .. } => T::MapIterationAborted,
            Event::MapRunStarted { .. } => T::MapRunStarted,
            Event::MapRunSucceeded => T::MapRunSucceeded,
            Event::MapRunFailed(_) => T::MapRunFailed,
            Event::MapRunAborted => T::MapRunAborted,
        }
    }

    /// The error of an event that reports one (execution, task, evaluation and map-run
    /// failures).
    pub fn error(&self) -> Option<&str> {
        match self {
            Event::ExecutionFailed(e)
            | Event::ExecutionAborted(e)
            | Event::ExecutionTimedOut(e) => e.error.as_deref(),
            Event::TaskFailed { error, .. } | Event::EvaluationFailed { error, .. } => Some(error),
            Event::MapRunFailed(Some((error, _))) => Some(error),
            _ => None,
        }
    }

    /// The cause of an event that reports one (empty causes count as none).
    pub fn cause(&self) -> Option<&str> {
        let cause = match self {
            Event::ExecutionFailed(e)
            | Event::ExecutionAborted(e)
            | Event::ExecutionTimedOut(e) => e.cause.as_deref(),
            Event::TaskFailed { cause, .. } | Event::EvaluationFailed { cause, .. } => {
                Some(&**cause)
            }
            Event::MapRunFailed(Some((_, cause))) => Some(&**cause),
            _ => None,
        };
        cause.filter(|c| !c.is_empty())
    }
}

/// `<Type>StateEntered`.
fn entered(state_type: StateType) -> EventType {
    use EventType as T;
    match state_type {
        StateType::Pass => T::PassStateEntered,
        StateType::Task => T::TaskStateEntered,
        StateType::Choice => T::ChoiceStateEntered,
        StateType::Wait => T::WaitStateEntered,
        StateType::Succeed => T::SucceedStateEntered,
        StateType::Fail => T::FailStateEntered,
        StateType::Parallel => T::ParallelStateEntered,
        StateType::Map => T::MapStateEntered,
    }
}

/// `<Type>StateExited` (a Fail state never exits; it is given Succeed's type so the mapping
/// stays total, and the runner never records it).
fn exited(state_type: StateType) -> EventType {
    use EventType as T;
    match state_type {
        StateType::Pass => T::PassStateExited,
        StateType::Task => T::TaskStateExited,
        StateType::Choice => T::ChoiceStateExited,
        StateType::Wait => T::WaitStateExited,
        StateType::Succeed | StateType::Fail => T::SucceedStateExited,
        StateType::Parallel => T::ParallelStateExited,
        StateType::Map => T::MapStateExited,
    }
}

/// `<Type>StateAborted` for the states that can be in progress when an execution stops
/// (the others finish in the step that enters them and never record it).
fn aborted(state_type: StateType) -> EventType {
    use EventType as T;
    match state_type {
        StateType::Wait => T::WaitStateAborted,
        StateType::Parallel => T::ParallelStateAborted,
        StateType::Map => T::MapStateAborted,
        _ => T::TaskStateAborted,
    }
}
