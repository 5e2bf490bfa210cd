//! Ending a run the engine worker could not stop: when the worker does not answer a Stop in
//! time (it is inside one evaluation that does not return), the page terminates it and
//! finishes the history itself from the typed events it has, as `StopExecution` would: a
//! `…StateAborted` event for each state still in progress (the most recently entered first),
//! then `ExecutionAborted`. See docs/decisions/0008-engine-in-a-web-worker.md.

use asl::history::reader::{self, StateStatus};
use asl::history::{ErrorCause, Event};
use asl::{ExecutionStatus, HistoryEvent};

/// The events that abort a running execution whose history so far is `events`, stamped
/// `now_ms` (the engine's last known virtual time).
pub fn abort_events(events: &[HistoryEvent], now_ms: i64) -> Vec<HistoryEvent> {
    let statuses = reader::statuses(events, ExecutionStatus::Running);
    let in_progress = |name: &str| statuses.get(name) == Some(&StateStatus::InProgress);
    // Each state in progress, the most recently entered first, with its latest event.
    let mut open: Vec<(u64, Event)> = Vec::new();
    for event in events.iter().rev() {
        let Event::StateEntered { state_type, name, .. } = &event.event else {
            continue;
        };
        let seen =
            open.iter().any(|(_, e)| matches!(e, Event::StateAborted { name: n, .. } if n == name));
        if seen || !in_progress(name) {
            continue;
        }
        let last = events
            .iter()
            .rev()
            .find(|e| e.state_name.as_deref() == Some(&**name))
            .map_or(event.id, |e| e.id);
        open.push((last, Event::StateAborted { state_type: *state_type, name: name.clone() }));
    }
    let mut next_id = events.last().map_or(0, |e| e.id) + 1;
    let timestamp_ms = events.last().map_or(now_ms, |e| e.timestamp_ms.max(now_ms));
    let mut tail = Vec::with_capacity(open.len() + 1);
    for (previous, event) in open {
        let state_name = match &event {
            Event::StateAborted { name, .. } => Some(name.clone()),
            _ => None,
        };
        let resource = events
            .iter()
            .rev()
            .find(|e| e.state_name == state_name)
            .and_then(|e| e.resource.clone());
        tail.push(HistoryEvent {
            id: next_id,
            previous_event_id: previous,
            timestamp_ms,
            state_name,
            resource,
            event,
        });
        next_id += 1;
    }
    tail.push(HistoryEvent {
        id: next_id,
        previous_event_id: next_id - 1,
        timestamp_ms,
        state_name: None,
        resource: None,
        event: Event::ExecutionAborted(ErrorCause::default()),
    });
    tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `definition` for `steps` steps, then compares the page's abort with the engine's.
    fn compare(definition: &str, steps: usize) {
        let Ok(machine) = crate::run::compile(definition) else { panic!("compiles") };
        let input = serde_json::json!({"items": [1, 2, 3]});
        let request = crate::run::Request {
            machine,
            input: &input,
            mocks: "",
            test_case: None,
            start_time_ms: 1_000,
            seed: 1,
        };
        let Ok(mut execution) = crate::run::prepare(&request) else { panic!("starts") };
        for _ in 0..steps {
            execution.step();
        }
        let before = execution.history().to_vec();
        let now = execution.now_ms();
        execution.stop(None, None);
        let engine = &execution.history()[before.len()..];
        let page = abort_events(&before, now);
        let types = |e: &[HistoryEvent]| e.iter().map(|e| e.type_name()).collect::<Vec<_>>();
        assert_eq!(types(&page), types(engine));
        assert_eq!(page.last().map(|e| e.id), engine.last().map(|e| e.id));
        assert_eq!(
            page.first().map(|e| e.state_name.clone()),
            engine.first().map(|e| e.state_name.clone())
        );
    }

    #[test]
    fn a_wait_in_progress_is_aborted_like_the_engine_does() {
        compare(
            r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}"#,
            1,
        );
    }

    #[test]
    fn a_task_waiting_for_its_retry_is_aborted() {
        compare(include_str!("../../examples/tutorial.asl.json"), 1);
    }

    #[test]
    fn a_parallel_with_a_waiting_branch_is_aborted_inside_out() {
        compare(
            r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}]}}}"#,
            3,
        );
    }

    #[test]
    fn between_states_only_the_execution_is_aborted() {
        let events = abort_events(&[], 7);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].type_name(), "ExecutionAborted");
        assert_eq!(events[0].timestamp_ms, 7);
    }
}
