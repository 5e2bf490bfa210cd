//! Re-creating a listed execution from its run recipe (docs/decisions/0021, "The page's
//! Executions"), in an engine worker as every run is (docs/decisions/0008).
//!
//! Worker side: [`prepare`] builds the execution a [`StartRun`] describes, with what the
//! Executions list adds to the page's texts — the execution's name, the state "Re-run from
//! here" starts at, a recorded stop and recorded redrives (replayed at once by the engine's
//! `Execution::replay_attempts`: bounded by the stops' event counts and the budgets).
//!
//! Page side: [`replay`] starts a worker of its own (the shown run's worker is left alone),
//! sends it the recipe on the Instant clock, gathers its batches into a [`RunView`] and hands
//! it over once the run has ended (or can only wait for a callback). Opening a run of the list
//! and comparing two use it; dropping the [`Replay`] handle terminates the worker.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use asl::runner::{RunRecipe, StartAt};
use wasm_bindgen::prelude::*;

use crate::run::wire::{FromWorker, RunExtras, StartRun, ToWorker};
use crate::run::{Clock, RunView, Status};

/// The execution `start` describes (not yet run, unless it re-creates a stopped run).
pub fn prepare(
    start: &StartRun,
    machine: Arc<asl::StateMachine>,
) -> Result<asl::Execution, String> {
    let mut config = crate::run::prepare_config(&crate::run::Request {
        machine: machine.clone(),
        input: &start.input,
        mocks: &start.mocks,
        test_case: start.test_case.as_deref(),
        start_time_ms: start.start_time_ms,
        seed: start.seed,
    })?;
    let extras = &start.extras;
    if let Some(name) = &extras.execution_name {
        config.execution_name = name.clone();
    }
    let mut execution = match &extras.start_at {
        Some(at) => asl::Execution::start_at(
            machine,
            config,
            StartAt {
                state: at.state.clone(),
                variables: at.variables.clone(),
                map_item: at.map_item.clone(),
            },
        )
        .map_err(|e| e.to_string())?,
        None => asl::Execution::start(machine, config),
    };
    if extras.stop.is_some() || !extras.redrives.is_empty() {
        // The engine's own replay of the recorded attempts (the same as `RunRecipe::replay`):
        // bounded by the stops' event counts and the engine's budgets.
        execution.replay_attempts(extras.stop, &extras.redrives).map_err(|e| e.to_string())?;
    }
    Ok(execution)
}

/// The [`StartRun`] of a recipe (`replay`: on the Instant clock, stopped where it was).
pub fn start_run_of(run: u64, recipe: &RunRecipe, clock: Clock, replay: bool) -> StartRun {
    StartRun {
        run,
        definition: recipe.definition.clone(),
        input: recipe.input.clone(),
        mocks: recipe.mock_config.clone().unwrap_or_default(),
        test_case: recipe.test_case.clone(),
        start_time_ms: recipe.start_time_ms,
        seed: recipe.seed,
        clock,
        // A re-created run never pauses (it is shown once it has ended).
        breakpoints: Vec::new(),
        extras: RunExtras {
            execution_name: Some(recipe.execution_name.clone()),
            start_at: recipe.start_at.clone(),
            stop: if replay { recipe.stop } else { None },
            replay,
            redrives: if replay { recipe.redrives.clone() } else { Vec::new() },
        },
    }
}

/// An empty view of a run about to start.
pub fn empty_view(input: serde_json::Value) -> RunView {
    RunView {
        status: Status::Running,
        error: None,
        cause: None,
        input,
        output: None,
        events: Vec::new(),
        result_files: Vec::new(),
        data_flow: asl::runner::DataFlow {
            limits: crate::run::DATA_FLOW_LIMITS,
            ..Default::default()
        },
        stopped: None,
    }
}

type Done = Box<dyn FnOnce(Result<RunView, String>)>;

struct Job {
    worker: JsValue,
    view: RunView,
    done: Option<Done>,
    _on_message: Option<Closure<dyn FnMut(String)>>,
}

impl Job {
    /// Folds one message in; the result once the replay is over.
    fn receive(&mut self, text: &str) -> Option<Result<RunView, String>> {
        match FromWorker::from_text(text) {
            Ok(FromWorker::Batch(batch)) => {
                let view = &mut self.view;
                view.events.extend(batch.events.into_iter().map(|e| e.0));
                view.result_files.extend(batch.result_files);
                view.status = batch.status;
                view.error = batch.error;
                view.cause = batch.cause;
                view.output = batch.output;
                if batch.stopped.is_some() {
                    view.stopped = batch.stopped;
                }
                (batch.status != Status::Running || batch.idle).then(|| Ok(view.clone()))
            }
            Ok(FromWorker::DataFlow(flow)) => {
                self.view.data_flow.visits.extend(flow.visits);
                self.view.data_flow.not_recorded = flow.not_recorded;
                None
            }
            // A replay has no breakpoints and is never redriven: it neither pauses nor hears
            // of a redrive.
            Ok(
                FromWorker::Waiting { .. }
                | FromWorker::CallbackAnswered { .. }
                | FromWorker::Paused { .. }
                | FromWorker::RedriveRefused { .. },
            ) => None,
            Ok(FromWorker::Refused { message, .. }) => Some(Err(message)),
            Ok(FromWorker::Crashed { message }) => {
                Some(Err(format!("The engine stopped working: {message}")))
            }
            Err(e) => Some(Err(format!("Unreadable message from the engine: {e}"))),
        }
    }
}

/// A replay in progress; dropping it terminates its worker.
pub struct Replay {
    job: Rc<RefCell<Option<Job>>>,
}

impl Drop for Replay {
    fn drop(&mut self) {
        finish(&self.job);
    }
}

/// Takes the job out of its cell and terminates its worker. The message closure is dropped
/// on a later task (it may be the caller).
fn finish(job: &Rc<RefCell<Option<Job>>>) -> Option<Done> {
    let mut taken = job.borrow_mut().take()?;
    crate::host::terminate_engine(&taken.worker);
    let done = taken.done.take();
    gloo_timers::callback::Timeout::new(0, move || drop(taken)).forget();
    done
}

/// Re-creates `recipe` in a new engine worker; `done` gets its view (or why it could not).
pub fn replay(recipe: &RunRecipe, done: impl FnOnce(Result<RunView, String>) + 'static) -> Replay {
    let job: Rc<RefCell<Option<Job>>> = Rc::new(RefCell::new(None));
    let cell = job.clone();
    let on_message = Closure::<dyn FnMut(String)>::new(move |text: String| {
        let result = cell.borrow_mut().as_mut().and_then(|job| job.receive(&text));
        if let Some(result) = result {
            if let Some(done) = finish(&cell) {
                done(result);
            }
        }
    });
    let worker =
        crate::host::spawn_engine(&crate::host::glue_url(), &wasm_bindgen::module(), &on_message);
    let start = start_run_of(1, recipe, Clock::Instant, true);
    crate::host::post_to_engine(&worker, &ToWorker::Start(Box::new(start)).to_text());
    *job.borrow_mut() = Some(Job {
        worker,
        view: empty_view(recipe.input.clone()),
        done: Some(Box::new(done)),
        _on_message: Some(on_message),
    });
    Replay { job }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl::runner::{RecipeStart, RecipeStop};
    use serde_json::json;

    const TUTORIAL: &str = include_str!("../../examples/tutorial.asl.json");

    fn recipe(code: &str) -> RunRecipe {
        RunRecipe {
            definition: TUTORIAL.into(),
            input: json!({ "statuscode": code }),
            mock_config: None,
            test_case: None,
            seed: 9,
            start_time_ms: 1_700_000_000_000,
            execution_name: "listed".into(),
            start_at: None,
            stop: None,
            redrives: Vec::new(),
        }
    }

    fn prepared(recipe: &RunRecipe) -> asl::Execution {
        let machine = crate::run::compile(&recipe.definition).unwrap_or_else(|e| panic!("{e}"));
        prepare(&start_run_of(1, recipe, Clock::Instant, true), machine)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_listed_run_is_re_created_as_its_recipe_replays() {
        let mut listed = recipe("429");
        let mut execution = prepared(&listed);
        execution.run_to_completion();
        let replayed = listed.replay().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(execution.history(), replayed.history());

        // Stopped after six events: re-created stopped there, at once.
        listed.stop = Some(RecipeStop { after_events: 6, at_ms: 1_700_000_000_500 });
        let stopped = prepared(&listed);
        assert_eq!(stopped.status(), asl::ExecutionStatus::Aborted);
        let replayed = listed.replay().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stopped.history(), replayed.history());
    }

    #[test]
    fn a_redriven_run_is_re_created_with_its_redrive_counted_in_the_context() {
        let mocks = |answer: &str| {
            format!(
                r#"{{"StateMachines": {{"MyStateMachine": {{"TestCases": {{"T": {{"Call API": "A"}}}}}}}},
                "MockedResponses": {{"A": {{"0": {answer}}}}}}}"#
            )
        };
        let mut listed = recipe("503");
        listed.definition = r#"{"StartAt": "Call API", "States": {
            "Call API": {"Type": "Task", "Next": "Count",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:MockAPIFunction"},
            "Count": {"Type": "Pass", "End": true,
                "Parameters": {"redriveCount.$": "$$.Execution.RedriveCount"}}}}"#
            .into();
        listed.mock_config =
            Some(mocks(r#"{"Throw": {"Error": "ServerUnavailableException", "Cause": "503"}}"#));
        listed.test_case = Some("T".into());
        let mut first = prepared(&listed);
        first.run_to_completion();
        assert_eq!(first.status(), asl::ExecutionStatus::Failed);

        // The page's Redrive with a mock answering 200, as the Executions list records it.
        let at_ms = first.now_ms() + 60_000;
        let ok = mocks(r#"{"Return": "200 OK"}"#);
        listed.redrives.push(crate::run::executions::Record::redrive_of(
            at_ms,
            &ok,
            Some("T".into()),
        ));
        let execution = prepared(&listed);
        let view = crate::run::view_of(&execution);
        assert_eq!(view.status, Status::Succeeded);
        let redriven = view.events.iter().find(|e| e.type_name() == "ExecutionRedriven");
        assert_eq!(redriven.map(|e| e.timestamp_ms), Some(at_ms));
        assert_eq!(execution.describe().output, Some(json!({"redriveCount": 1})));
        let replayed = listed.replay().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(execution.history(), replayed.history());
    }

    #[test]
    fn the_execution_has_its_listed_name() {
        let mut named = recipe("200");
        named.definition = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass",
            "Parameters": {"name.$": "$$.Execution.Name"}, "End": true}}}"#
            .into();
        let mut execution = prepared(&named);
        execution.run_to_completion();
        assert_eq!(execution.describe().output, Some(json!({"name": "listed"})));
    }

    #[test]
    fn a_re_run_starts_at_its_state_with_the_variables_given() {
        let mut listed = recipe("200");
        listed.start_at = Some(RecipeStart {
            state: "Call API".into(),
            variables: serde_json::Map::new(),
            map_item: None,
        });
        let mut execution = prepared(&listed);
        execution.run_to_completion();
        let view = crate::run::view_of(&execution);
        assert_eq!(view.status, Status::Succeeded);
        let entered = view.events.get(1).and_then(|e| e.state_name.clone());
        assert_eq!(entered.as_deref(), Some("Call API"));

        listed.start_at = Some(RecipeStart {
            state: "Nowhere".into(),
            variables: serde_json::Map::new(),
            map_item: None,
        });
        let machine = crate::run::compile(TUTORIAL).unwrap_or_else(|e| panic!("{e}"));
        let refused = prepare(&start_run_of(1, &listed, Clock::Instant, true), machine).err();
        assert_eq!(refused.as_deref(), Some("State 'Nowhere' does not exist in the state machine"));
    }
}
