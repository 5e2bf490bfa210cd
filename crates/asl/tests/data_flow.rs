//! The data flow of every state visit of an execution (`ExecutionConfig::data_flow`,
//! `runner::visits`): recorded as the runner computes it, keyed to the history, bounded.

use std::sync::Arc;

use asl::runner::stages::{stages, StageValue};
use asl::runner::{DataFlowLimits, LaneKind, StateVisit, TraceOutcome};
use asl::{Execution, ExecutionConfig, StateMachine};
use serde_json::{json, Value};

const TUTORIAL: &str = include_str!("../../../examples/tutorial.asl.json");
const TUTORIAL_JSONATA: &str = include_str!("../../../examples/tutorial-jsonata.asl.json");

fn start(definition: &str, input: Value, data_flow: Option<DataFlowLimits>) -> Execution {
    let machine = StateMachine::from_text(definition).expect("a valid definition");
    Execution::start(Arc::new(machine), ExecutionConfig { input, data_flow, ..Default::default() })
}

fn run(definition: &str, input: Value) -> Execution {
    let mut exec = start(definition, input, Some(DataFlowLimits::default()));
    exec.run_to_completion();
    exec
}

fn visits<'a>(exec: &'a Execution, state: &str) -> Vec<&'a StateVisit> {
    let flow = exec.data_flow().expect("recorded");
    flow.visits.iter().filter(|v| v.state == state).collect()
}

/// (field, value) of each stage that computed a value.
fn computed(v: &StateVisit) -> Vec<(&'static str, Value)> {
    stages(&v.trace, &v.state_type, v.jsonata)
        .into_iter()
        .filter_map(|s| match s.value {
            StageValue::Computed(v) => Some((s.field, v)),
            _ => None,
        })
        .collect()
}

#[test]
fn nothing_is_recorded_unless_asked_and_recording_changes_nothing() {
    let mut plain = start(TUTORIAL, json!({"statuscode": "429"}), None);
    plain.run_to_completion();
    assert!(plain.data_flow().is_none());
    let recorded = run(TUTORIAL, json!({"statuscode": "429"}));
    assert_eq!(plain.history(), recorded.history());
    assert_eq!(plain.describe(), recorded.describe());
}

#[test]
fn every_attempt_of_every_visit_is_keyed_to_the_history() {
    let exec = run(TUTORIAL, json!({"statuscode": "429"}));
    let call = visits(&exec, "Call API");
    let keys: Vec<(u32, u32)> = call.iter().map(|v| (v.visit, v.attempt)).collect();
    assert_eq!(keys, [(1, 0), (1, 1), (1, 2), (2, 0)]);
    // Each visit points at its TaskStateEntered event.
    let entered: Vec<u64> = exec
        .history()
        .iter()
        .filter(|e| e.type_name() == "TaskStateEntered")
        .map(|e| e.id)
        .collect();
    assert_eq!(entered.len(), 2);
    assert!(call[..3].iter().all(|v| v.entered_event_id == entered[0]));
    assert_eq!(call[3].entered_event_id, entered[1]);
    assert!(matches!(call[0].trace.outcome, Some(TraceOutcome::Retried { retry_index: 0, .. })));
    assert_eq!(
        call[2].trace.outcome,
        Some(TraceOutcome::Caught { catch_index: 0, next: "Wait and Try Later".into() })
    );
    assert_eq!(
        call[2].trace.error.as_ref().and_then(|e| e.error.as_deref()),
        Some("TooManyRequestsException")
    );
    assert_eq!(
        call[2].trace.output,
        Some(
            json!({"Error": "TooManyRequestsException", "Cause": call[2].trace.error.as_ref().and_then(|e| e.cause.clone())})
        )
    );
    // The last visit got Change to 200's output and succeeded.
    assert_eq!(
        computed(call[3]),
        [
            ("Input", json!({"statuscode": "200"})),
            ("InputPath", json!({"statuscode": "200"})),
            ("Parameters", json!({"statuscode": "200"})),
            ("Result", json!("200 OK")),
            ("ResultPath", json!("200 OK")),
            ("OutputPath", json!("200 OK")),
        ]
    );
    assert_eq!(call[3].trace.outcome, Some(TraceOutcome::Left { next: Some("OK".into()) }));
    // Change to 200: the Pass's Result replaces the whole input (ResultPath `$`).
    let change = visits(&exec, "Change to 200");
    assert_eq!(change.len(), 1);
    let change = computed(change[0]);
    assert_eq!(
        change[0],
        (
            "Input",
            json!({"Error": "TooManyRequestsException", "Cause": change[0].1["Cause"].clone()})
        )
    );
    assert_eq!(change[3], ("Result", json!({"statuscode": "200"})));
    assert_eq!(change[5], ("OutputPath", json!({"statuscode": "200"})));
    assert_eq!(exec.data_flow().map(|f| f.not_recorded), Some(0));
}

#[test]
fn a_misspelled_key_shows_where_it_fails() {
    let exec = run(TUTORIAL, json!({"statusCode": "200"}));
    let call = visits(&exec, "Call API");
    assert_eq!(call.len(), 1);
    assert_eq!(call[0].trace.error.as_ref().and_then(|e| e.error.as_deref()), Some("KeyError"));
    assert_eq!(
        call[0].trace.outcome,
        Some(TraceOutcome::Caught { catch_index: 2, next: "Catch All".into() })
    );
    let fail = visits(&exec, "Catch All");
    assert_eq!(fail.len(), 1);
    assert!(matches!(fail[0].trace.outcome, Some(TraceOutcome::Failed(_))));
}

#[test]
fn jsonata_states_show_arguments_result_output_and_assign() {
    let exec = run(TUTORIAL_JSONATA, json!({"statuscode": "200"}));
    let call = visits(&exec, "Call API");
    assert_eq!(call.len(), 1);
    assert!(call[0].jsonata);
    let fields: Vec<&str> = computed(call[0]).iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["$states.input", "Arguments", "Result", "Output"]);
    let stages = computed(call[0]);
    assert_eq!(stages[1].1["Payload"], json!({"statuscode": "200"}));
    assert_eq!(stages[3].1, json!("200 OK"));
    assert!(call[0].trace.assigned);
    assert_eq!(
        call[0].trace.variables.as_ref().and_then(|v| v.get("apiAnswer")),
        Some(&json!("200 OK"))
    );
}

#[test]
fn map_iterations_and_parallel_branches_are_lanes() {
    let definition = json!({
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                "ItemProcessor": {
                    "StartAt": "P",
                    "States": {
                        "P": {
                            "Type": "Parallel",
                            "Branches": [
                                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                                {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": 0, "End": true}}}
                            ],
                            "End": true
                        }
                    }
                },
                "End": true
            }
        }
    })
    .to_string();
    let exec = run(&definition, json!({"items": ["x", "y"]}));
    let a = visits(&exec, "A");
    assert_eq!(a.len(), 2);
    let lanes: Vec<Vec<(String, LaneKind, usize)>> = a
        .iter()
        .map(|v| v.lanes.iter().map(|l| (l.state.clone(), l.kind, l.index)).collect())
        .collect();
    assert!(lanes
        .contains(&vec![("M".into(), LaneKind::Iteration, 1), ("P".into(), LaneKind::Branch, 0)]));
    assert_eq!(a.iter().map(|v| v.visit).collect::<Vec<_>>(), [1, 2]);
    let map = visits(&exec, "M");
    let m = computed(map[0]);
    let fields: Vec<&str> = m.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        ["Input", "InputPath", "ItemsPath", "ItemSelector", "Result", "ResultPath", "OutputPath"]
    );
    assert_eq!(m[2].1, json!(["x", "y"]));
    assert_eq!(m[3].1, json!([{"v": "x", "i": 0}, {"v": "y", "i": 1}]));
}

#[test]
fn recording_is_bounded_and_says_what_it_left_out() {
    let definition = json!({
        "StartAt": "Count",
        "States": {
            "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "More?"},
            "More?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 100, "Next": "Count"}],
                "Default": "Done"
            },
            "Done": {"Type": "Succeed"}
        }
    })
    .to_string();
    let limits = DataFlowLimits { max_visits: 10, max_bytes: 1 << 20 };
    let mut exec = start(&definition, json!({"n": 0}), Some(limits));
    exec.run_to_completion();
    let flow = exec.data_flow().expect("recorded");
    assert_eq!(flow.visits.len(), 10);
    // 100 Count + 100 More? + Done = 201 visits in all.
    assert_eq!(flow.not_recorded, 191);
    assert_eq!(flow.visits[0].trace.output, Some(json!({"n": 1})));

    let limits = DataFlowLimits { max_visits: 1000, max_bytes: 200 };
    let mut exec = start(&definition, json!({"n": 0}), Some(limits));
    exec.run_to_completion();
    let flow = exec.data_flow().expect("recorded");
    assert!(flow.bytes <= 200 && flow.visits.len() < 10, "{} {}", flow.bytes, flow.visits.len());
    assert_eq!(flow.visits.len() as u64 + flow.not_recorded, 201);
}

#[test]
fn a_state_running_when_the_execution_stops_keeps_its_stages() {
    let definition = json!({
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 60, "InputPath": "$.a", "End": true}}
    })
    .to_string();
    let mut exec = start(&definition, json!({"a": {"b": 1}}), Some(DataFlowLimits::default()));
    exec.step();
    exec.stop(None, None);
    let w = visits(&exec, "W");
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].trace.after_input_path, Some(json!({"b": 1})));
    assert_eq!(w[0].trace.outcome, None);
    let s = stages(&w[0].trace, &w[0].state_type, false);
    assert_eq!(s.last().map(|s| &s.value), Some(&StageValue::NotReached));
}

#[test]
fn a_distributed_map_shows_its_batches_and_its_child_executions_states() {
    let definition = json!({
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemBatcher": {"MaxItemsPerBatch": 2},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": true}}
                },
                "End": true
            }
        }
    })
    .to_string();
    let exec = run(&definition, json!([1, 2, 3]));
    let map = visits(&exec, "M");
    assert_eq!(map.len(), 1);
    let fields: Vec<&str> = computed(map[0]).iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        ["Input", "InputPath", "ItemsPath", "ItemBatcher", "Result", "ResultPath", "OutputPath"]
    );
    assert_eq!(map[0].trace.after_item_batcher, Some(json!([{"Items": [1, 2]}, {"Items": [3]}])));
    // The child executions' states have no events in this history.
    let p = visits(&exec, "P");
    assert_eq!(p.len(), 2);
    assert!(p.iter().all(|v| v.entered_event_id == 0));
    assert_eq!(p[1].lanes[0].kind, LaneKind::Iteration);
}
