//! The page's side of the engine worker (docs/decisions/0008-engine-in-a-web-worker.md).
//!
//! The engine runs in a Web Worker (`src/host.js` starts it with the page's own wasm module,
//! compiled once and already in memory; `run/worker.rs` is its loop), so nothing a definition
//! does can freeze the page. Start sends the definition, the input, the mock configuration
//! and the run options; the worker answers with batches of typed history events that are
//! appended to the shown [`RunView`]. Changing the clock is a message too.
//!
//! Stop always works: the worker is asked to stop (it answers between two slices, with the
//! engine's own `StopExecution` events); if it has not answered within [`STOP_GRACE_MS`] it is
//! inside one evaluation that does not return, so it is terminated and the page finishes the
//! history itself ([`abort_events`](super::abort::abort_events)). The next Start starts a
//! fresh worker.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::run::abort::abort_events;
use crate::run::debugger::{DebugCommand, PauseView};
use crate::run::wire::{
    Batch, DataFlowBatch, FromWorker, Recreate, StartRun, ToWorker, WaitingTask,
};
use crate::run::{Clock, RunView, Status};

/// How long a Stop waits for the worker before terminating it.
pub const STOP_GRACE_MS: u32 = 300;

/// A started worker; dropping it terminates it.
struct Engine {
    worker: JsValue,
    _on_message: Closure<dyn FnMut(String)>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        crate::host::terminate_engine(&self.worker);
    }
}

/// The run the page is showing, as far as the driver is concerned.
#[derive(Clone, Copy)]
struct Current {
    id: u64,
    /// The engine's virtual time in the last batch (stamps an abort the page writes itself).
    now_ms: i64,
}

/// The engine worker and the view the panels show of its run.
#[derive(Clone, Copy)]
pub struct Driver {
    engine: StoredValue<Option<Engine>, LocalStorage>,
    current: StoredValue<Option<Current>>,
    next_id: StoredValue<u64>,
    view: RwSignal<Option<RunView>>,
    clock: Signal<Clock>,
    /// Set when the execution stalls waiting for something the page cannot send.
    notice: RwSignal<Option<String>>,
    /// The tasks of the shown run waiting for a callback, and the last SendTask… call's
    /// outcome (`panels/callbacks.rs`).
    pub waiting: RwSignal<Vec<WaitingTask>>,
    pub callback_answer: RwSignal<Option<CallbackAnswer>>,
    /// Where the run is paused by the debugger (`run/debugger.rs`), if it is.
    paused: RwSignal<Option<PauseView>>,
    /// The shown run once it has ended (a Redrive restarts it).
    ended: RwSignal<Option<Current>>,
}

/// What became of the last SendTask… call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackAnswer {
    pub operation: String,
    pub token: String,
    /// AWS's exception and message, when the call was refused.
    pub refused: Option<String>,
}

/// What the page sends to start a run.
pub struct Launch {
    pub definition: String,
    pub input: serde_json::Value,
    pub mocks: String,
    pub test_case: Option<String>,
    pub start_time_ms: i64,
    /// The states to pause before.
    pub breakpoints: Vec<String>,
    /// A listed run's name, start state and stop (`run/executions.rs`).
    pub extras: crate::run::wire::RunExtras,
}

impl Driver {
    pub fn new(
        view: RwSignal<Option<RunView>>,
        clock: Signal<Clock>,
        notice: RwSignal<Option<String>>,
    ) -> Self {
        let driver = Driver {
            engine: StoredValue::new_local(None),
            current: StoredValue::new(None),
            next_id: StoredValue::new(0),
            view,
            clock,
            notice,
            waiting: RwSignal::new(Vec::new()),
            callback_answer: RwSignal::new(None),
            paused: RwSignal::new(None),
            ended: RwSignal::new(None),
        };
        // A clock change re-anchors the pacing of the run in progress.
        Effect::new(move |_| {
            let clock = driver.clock.get();
            if let Some(current) = driver.current.get_value() {
                driver.send(&ToWorker::Clock { run: current.id, clock });
            }
        });
        driver
    }

    /// Shows the debugger's pauses in `paused` (the session's signal).
    pub fn debugging(mut self, paused: RwSignal<Option<PauseView>>) -> Self {
        self.paused = paused;
        self
    }

    /// "Pause": the run stops before its next step (a paced run's clock stops too).
    pub fn pause(self) {
        self.debug(DebugCommand::Pause);
    }

    /// "Continue": runs on to the next breakpoint.
    pub fn resume(self) {
        self.paused.set(None);
        self.debug(DebugCommand::Continue);
    }

    /// "Step": runs until the next state is about to be entered.
    pub fn step(self) {
        self.paused.set(None);
        self.debug(DebugCommand::Step);
    }

    /// The breakpoints changed: the run in progress uses the new ones.
    pub fn set_breakpoints(self, states: Vec<String>) {
        self.debug(DebugCommand::Breakpoints(states));
    }

    fn debug(self, command: DebugCommand) {
        if let Some(current) = self.current.get_value() {
            self.send(&ToWorker::Debug { run: current.id, command });
        }
    }

    /// `RedriveExecution` of the shown run, which has ended FAILED, TIMED_OUT or ABORTED: the
    /// engine restarts its unsuccessful states, with the mock configuration given now.
    pub fn redrive(self, mocks: String, test_case: Option<String>) {
        let Some(ended) = self.ended.get_untracked() else {
            return;
        };
        self.ended.set(None);
        self.current.set_value(Some(ended));
        self.send(&self.redrive_message(ended, mocks, test_case, None));
    }

    /// `RedriveExecution` of the shown listed execution when this worker does not hold it
    /// (it was opened from the Executions list, re-created in a worker of its own): the
    /// worker re-creates it from `recipe` first — the history the page shows, checked by its
    /// event count — then redrives it as [`redrive`](Self::redrive) does.
    pub fn redrive_listed(
        self,
        recipe: &asl::runner::RunRecipe,
        mocks: String,
        test_case: Option<String>,
    ) {
        let shown = self.view.with_untracked(|v| {
            v.as_ref().map(|v| (v.events.len(), v.events.last().map_or(0, |e| e.timestamp_ms)))
        });
        let Some((events, now_ms)) = shown else {
            return;
        };
        self.abandon();
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        let run = Current { id, now_ms };
        self.current.set_value(Some(run));
        self.waiting.set(Vec::new());
        self.callback_answer.set(None);
        self.ensure_engine();
        let start = crate::run::replay::start_run_of(id, recipe, Clock::Instant, true);
        let recreate = Recreate { start, events };
        self.send(&self.redrive_message(run, mocks, test_case, Some(Box::new(recreate))));
    }

    fn redrive_message(
        self,
        run: Current,
        mocks: String,
        test_case: Option<String>,
        recreate: Option<Box<Recreate>>,
    ) -> ToWorker {
        // The stop of the attempt before belongs to that attempt.
        self.view.update(|v| {
            if let Some(v) = v.as_mut() {
                v.stopped = None;
            }
        });
        ToWorker::Redrive {
            run: run.id,
            mocks,
            test_case,
            at_ms: (js_sys::Date::now() as i64).max(run.now_ms),
            clock: self.clock.get_untracked(),
            recreate,
        }
    }

    /// Whether the shown run can be offered a Redrive: it ended in this worker (the engine
    /// still decides whether it is redrivable).
    pub fn can_redrive(self) -> bool {
        self.ended.with(Option::is_some)
    }

    /// Starts a run of `launch` and shows it (any earlier run is abandoned).
    pub fn start(self, launch: Launch) {
        self.abandon();
        self.ended.set(None);
        self.paused.set(None);
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.current.set_value(Some(Current { id, now_ms: launch.start_time_ms }));
        self.waiting.set(Vec::new());
        self.callback_answer.set(None);
        self.view.set(Some(RunView {
            status: Status::Running,
            error: None,
            cause: None,
            input: launch.input.clone(),
            output: None,
            events: Vec::new(),
            result_files: Vec::new(),
            data_flow: asl::runner::DataFlow {
                limits: crate::run::DATA_FLOW_LIMITS,
                ..Default::default()
            },
            stopped: None,
        }));
        self.ensure_engine();
        self.send(&ToWorker::Start(Box::new(StartRun {
            run: id,
            definition: launch.definition,
            input: launch.input,
            mocks: launch.mocks,
            test_case: launch.test_case,
            start_time_ms: launch.start_time_ms,
            // Different request ids and jitter per run, as on AWS; reproducible given the time.
            seed: launch.start_time_ms as u64,
            clock: self.clock.get_untracked(),
            breakpoints: launch.breakpoints,
            extras: launch.extras,
        })));
    }

    /// `StopExecution`: the run ends as Aborted, with the states in flight marked aborted.
    pub fn stop(self) {
        let Some(current) = self.current.get_value() else {
            return;
        };
        self.send(&ToWorker::Stop { run: current.id });
        gloo_timers::callback::Timeout::new(STOP_GRACE_MS, move || {
            // The disposed-owner case (the app was unmounted meanwhile) is a no-op.
            if self.current.try_get_value().flatten().is_some_and(|c| c.id == current.id) {
                self.abort_here();
            }
        })
        .forget();
    }

    /// `SendTaskSuccess` with `output` (JSON text) to the shown run's task of `token`.
    pub fn send_task_success(self, token: String, output: String) {
        self.send_task(|run| ToWorker::SendTaskSuccess { run, token, output });
    }

    /// `SendTaskFailure` with `error` and `cause` (empty: left out).
    pub fn send_task_failure(self, token: String, error: String, cause: String) {
        self.send_task(|run| ToWorker::SendTaskFailure {
            run,
            token,
            error: Some(error),
            cause: Some(cause),
        });
    }

    /// `SendTaskHeartbeat`.
    pub fn send_task_heartbeat(self, token: String) {
        self.send_task(|run| ToWorker::SendTaskHeartbeat { run, token });
    }

    fn send_task(self, message: impl FnOnce(u64) -> ToWorker) {
        if let Some(current) = self.current.get_value() {
            self.callback_answer.set(None);
            self.send(&message(current.id));
        }
    }

    /// Forgets the current run (if any) without touching the view. A worker still busy with
    /// it is terminated.
    pub fn abandon(self) {
        if self.current.get_value().is_some() {
            self.current.set_value(None);
            self.engine.set_value(None);
            self.paused.set(None);
        }
        if self.ended.with_untracked(Option::is_some) {
            self.ended.set(None);
        }
    }

    /// The worker did not answer: terminate it and finish the history on the page.
    fn abort_here(self) {
        let Some(current) = self.current.get_value() else {
            return;
        };
        self.current.set_value(None);
        self.engine.set_value(None);
        self.waiting.set(Vec::new());
        self.paused.set(None);
        self.view.update(|view| {
            if let Some(view) = view.as_mut().filter(|v| v.status == Status::Running) {
                let tail = abort_events(&view.events, current.now_ms);
                view.events.extend(tail);
                view.status = Status::Aborted;
            }
        });
    }

    fn send(self, message: &ToWorker) {
        self.engine.with_value(|engine| {
            if let Some(engine) = engine {
                crate::host::post_to_engine(&engine.worker, &message.to_text());
            }
        });
    }

    fn ensure_engine(self) {
        if self.engine.with_value(Option::is_some) {
            return;
        }
        let on_message = Closure::<dyn FnMut(String)>::new(move |text: String| {
            // Messages after the app was unmounted are dropped.
            if self.current.try_get_value().is_some() {
                self.receive(&text);
            }
        });
        let worker = crate::host::spawn_engine(
            &crate::host::glue_url(),
            &wasm_bindgen::module(),
            &on_message,
        );
        self.engine.set_value(Some(Engine { worker, _on_message: on_message }));
    }

    fn receive(self, text: &str) {
        match FromWorker::from_text(text) {
            Ok(FromWorker::Batch(batch)) => self.apply(batch),
            Ok(FromWorker::DataFlow(visits)) => self.apply_data_flow(visits),
            Ok(FromWorker::Waiting { run, tasks }) => {
                if self.current.get_value().is_some_and(|c| c.id == run) {
                    self.waiting.set(tasks);
                }
            }
            Ok(FromWorker::CallbackAnswered { run, operation, token, refused }) => {
                if self.current.get_value().is_some_and(|c| c.id == run) {
                    if refused.is_none() {
                        self.notice.set(None);
                    }
                    self.callback_answer.set(Some(CallbackAnswer { operation, token, refused }));
                }
            }
            Ok(FromWorker::Refused { run, message }) => {
                if self.current.get_value().is_some_and(|c| c.id == run) {
                    self.current.set_value(None);
                    self.view.set(None);
                    self.notice.set(Some(message));
                }
            }
            Ok(FromWorker::RedriveRefused { run, message }) => {
                if let Some(c) = self.current.get_value().filter(|c| c.id == run) {
                    self.current.set_value(None);
                    self.ended.set(Some(c));
                    self.notice.set(Some(message));
                }
            }
            Ok(FromWorker::Paused { run, pause }) => {
                if self.current.get_value().is_some_and(|c| c.id == run) {
                    self.paused.set(Some(pause));
                }
            }
            Ok(FromWorker::Crashed { message }) => {
                self.notice.set(Some(format!("The engine stopped working: {message}")));
                self.abort_here();
                self.engine.set_value(None);
            }
            Err(e) => self.notice.set(Some(format!("Unreadable message from the engine: {e}"))),
        }
    }

    /// New state visits of the current run (they come before the batch they belong to).
    fn apply_data_flow(self, visits: DataFlowBatch) {
        if self.current.get_value().is_none_or(|c| c.id != visits.run) {
            return;
        }
        self.view.update(|view| {
            if let Some(view) = view.as_mut() {
                view.data_flow.visits.extend(visits.visits);
                view.data_flow.not_recorded = visits.not_recorded;
            }
        });
    }

    fn apply(self, batch: Batch) {
        let Some(mut current) = self.current.get_value().filter(|c| c.id == batch.run) else {
            return;
        };
        current.now_ms = batch.now_ms;
        let finished = batch.status != Status::Running;
        self.current.set_value((!finished).then_some(current));
        if finished {
            self.waiting.set(Vec::new());
            self.ended.set(Some(current));
        }
        if finished && self.paused.with_untracked(Option::is_some) {
            self.paused.set(None);
        }
        self.view.update(|view| {
            let Some(view) = view.as_mut() else {
                return;
            };
            view.events.extend(batch.events.into_iter().map(|e| e.0));
            view.result_files.extend(batch.result_files);
            view.status = batch.status;
            if batch.stopped.is_some() {
                view.stopped = batch.stopped;
            }
            if finished {
                view.error = batch.error;
                view.cause = batch.cause;
                view.output = batch.output;
            } else if view.error.is_some() || view.output.is_some() {
                // Running again after a Redrive.
                view.error = None;
                view.cause = None;
                view.output = None;
            }
        });
        if batch.idle {
            self.notice.set(Some(
                "The execution is waiting for a task token callback: select the waiting \
                 state in the graph to send task success, failure or a heartbeat (or mock \
                 the task in the mock configuration), or Stop it."
                    .into(),
            ));
        }
    }
}
