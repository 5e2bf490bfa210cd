//! The table of AWS's history event types: each type's name and the key its details go under.
//! It is the one place an event type is named; [`Event`](super::Event) maps onto it.

macro_rules! event_types {
    ($($variant:ident => $key:literal,)*) => {
        /// An AWS `HistoryEventType` (`GetExecutionHistory`'s `type`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventType {
            $($variant,)*
        }

        impl EventType {
            /// Every event type, in table order.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            /// AWS's name of the type, e.g. `"TaskStateEntered"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => stringify!($variant),)*
                }
            }

            /// The key AWS puts this type's details under, e.g. `"stateEnteredEventDetails"`.
            pub fn details_key(self) -> &'static str {
                match self {
                    $(EventType::$variant => $key,)*
                }
            }

            /// The type named `name`, if AWS has one.
            pub fn from_name(name: &str) -> Option<EventType> {
                EventType::ALL.iter().copied().find(|t| t.as_str() == name)
            }
        }
    };
}

event_types! {
    ExecutionStarted => "executionStartedEventDetails",
    ExecutionSucceeded => "executionSucceededEventDetails",
    ExecutionFailed => "executionFailedEventDetails",
    ExecutionAborted => "executionAbortedEventDetails",
    ExecutionTimedOut => "executionTimedOutEventDetails",
    ExecutionRedriven => "executionRedrivenEventDetails",
    PassStateEntered => "stateEnteredEventDetails",
    PassStateExited => "stateExitedEventDetails",
    TaskStateEntered => "stateEnteredEventDetails",
    TaskStateExited => "stateExitedEventDetails",
    TaskStateAborted => "taskStateAbortedEventDetails",
    ChoiceStateEntered => "stateEnteredEventDetails",
    ChoiceStateExited => "stateExitedEventDetails",
    WaitStateEntered => "stateEnteredEventDetails",
    WaitStateExited => "stateExitedEventDetails",
    WaitStateAborted => "waitStateAbortedEventDetails",
    SucceedStateEntered => "stateEnteredEventDetails",
    SucceedStateExited => "stateExitedEventDetails",
    FailStateEntered => "stateEnteredEventDetails",
    ParallelStateEntered => "stateEnteredEventDetails",
    ParallelStateExited => "stateExitedEventDetails",
    ParallelStateStarted => "parallelStateStartedEventDetails",
    ParallelStateSucceeded => "parallelStateSucceededEventDetails",
    ParallelStateFailed => "parallelStateFailedEventDetails",
    ParallelStateAborted => "parallelStateAbortedEventDetails",
    MapStateEntered => "stateEnteredEventDetails",
    MapStateExited => "stateExitedEventDetails",
    MapStateStarted => "mapStateStartedEventDetails",
    MapStateSucceeded => "mapStateSucceededEventDetails",
    MapStateFailed => "mapStateFailedEventDetails",
    MapStateAborted => "mapStateAbortedEventDetails",
    MapIterationStarted => "mapIterationStartedEventDetails",
    MapIterationSucceeded => "mapIterationSucceededEventDetails",
    MapIterationFailed => "mapIterationFailedEventDetails",
    MapIterationAborted => "mapIterationAbortedEventDetails",
    MapRunStarted => "mapRunStartedEventDetails",
    MapRunSucceeded => "mapRunSucceededEventDetails",
    MapRunFailed => "mapRunFailedEventDetails",
    MapRunAborted => "mapRunAbortedEventDetails",
    MapRunRedriven => "mapRunRedrivenEventDetails",
    TaskScheduled => "taskScheduledEventDetails",
    TaskStarted => "taskStartedEventDetails",
    TaskStartFailed => "taskStartFailedEventDetails",
    TaskSubmitted => "taskSubmittedEventDetails",
    TaskSubmitFailed => "taskSubmitFailedEventDetails",
    TaskSucceeded => "taskSucceededEventDetails",
    TaskFailed => "taskFailedEventDetails",
    TaskTimedOut => "taskTimedOutEventDetails",
    LambdaFunctionScheduled => "lambdaFunctionScheduledEventDetails",
    LambdaFunctionScheduleFailed => "lambdaFunctionScheduleFailedEventDetails",
    LambdaFunctionStarted => "lambdaFunctionStartedEventDetails",
    LambdaFunctionStartFailed => "lambdaFunctionStartFailedEventDetails",
    LambdaFunctionSucceeded => "lambdaFunctionSucceededEventDetails",
    LambdaFunctionFailed => "lambdaFunctionFailedEventDetails",
    LambdaFunctionTimedOut => "lambdaFunctionTimedOutEventDetails",
    ActivityScheduled => "activityScheduledEventDetails",
    ActivityScheduleFailed => "activityScheduleFailedEventDetails",
    ActivityStarted => "activityStartedEventDetails",
    ActivitySucceeded => "activitySucceededEventDetails",
    ActivityFailed => "activityFailedEventDetails",
    ActivityTimedOut => "activityTimedOutEventDetails",
    EvaluationFailed => "evaluationFailedEventDetails",
}

#[cfg(test)]
mod tests {
    use super::EventType;

    /// The keys follow AWS's rule: `stateEntered`/`stateExited` for every state type, else
    /// the type name with a lower-case first letter.
    #[test]
    fn details_keys_follow_aws_naming() {
        for t in EventType::ALL {
            let name = t.as_str();
            let expected = if name.ends_with("StateEntered") {
                "stateEnteredEventDetails".to_string()
            } else if name.ends_with("StateExited") {
                "stateExitedEventDetails".to_string()
            } else {
                let mut chars = name.chars();
                let first = chars.next().map(|c| c.to_ascii_lowercase()).unwrap_or_default();
                format!("{first}{}EventDetails", chars.as_str())
            };
            assert_eq!(t.details_key(), expected, "{name}");
            assert_eq!(EventType::from_name(name), Some(*t));
        }
    }
}
