//! The engine worker's side (docs/decisions/0008): `src/host.js`, started as a module worker,
//! instantiates this same wasm and hands every message from the page to
//! [`stepwise_worker_receive`]. A run is stepped in slices of [`SLICE_MS`] so the worker reads
//! the page's messages (Stop, a clock change) between them; what changed is posted back in
//! batches of typed events ([`Batch`]).
//!
//! The clock decides how far each slice may go: *Instant* runs as many steps as fit in the
//! slice (Waits and retry intervals jump); *Real time* and *×10* let virtual time advance with
//! the wall clock, so a 1 s Wait takes a second (or a tenth) on screen. The engine's virtual
//! timestamps stay exact either way. Changing the clock during a run re-anchors it.
//!
//! A task waiting for a callback (`.waitForTaskToken`, an unanswered Activity) is answered by
//! the page's SendTask… messages ([`answer`]). While the run can only wait for one, virtual time
//! runs at real time even on *Instant* ([`Run::hold`]): its `HeartbeatSeconds` and
//! `TimeoutSeconds` are the user's time to answer, and an answer lands when it is sent.
//! The debugger (`run/debugger.rs`): the engine pauses itself before a breakpoint's state
//! (or on Pause / after a Step); the slice loop then stops, posts the events so far and the
//! pause, and starts again on Continue / Step, re-anchoring a paced clock so that the time
//! spent paused does not count.

use std::cell::RefCell;

use asl::history::wire::WireEvent;
use wasm_bindgen::prelude::*;

use crate::run::debugger::{DebugCommand, PauseView};
use crate::run::wire::{
    Batch, DataFlowBatch, FromWorker, Recreate, StartRun, ToWorker, WaitingTask,
};
use crate::run::{status_of, Clock, Status};

/// Wall-clock milliseconds the engine may run before the worker reads its messages again.
const SLICE_MS: f64 = 40.0;
/// Engine steps between two looks at the wall clock.
const STEPS_PER_CHECK: usize = 64;
/// The pause between slices when paced.
const PACED_TICK_MS: u32 = 16;
/// The page is sent what changed at most this often while a run goes on (and at its end).
const PUBLISH_EVERY_MS: f64 = 100.0;

fn wall_ms() -> f64 {
    js_sys::Date::now()
}

struct Run {
    id: u64,
    execution: asl::Execution,
    clock: Clock,
    /// The (wall, virtual) instant the pacing counts from.
    anchor_wall: f64,
    anchor_virtual: i64,
    /// How many events the page has been sent.
    sent: usize,
    /// How many `ResultWriter` files the page has been sent.
    files_sent: usize,
    /// How many state visits (data flow) the page has been sent, and the count of visits not
    /// recorded it was last told.
    visits_sent: (usize, u64),
    published_at: f64,
    /// The tasks waiting for a callback the page was last told of.
    waiting_sent: Vec<WaitingTask>,
    /// No slice is scheduled: the run waits for a callback with no deadline.
    idle: bool,
    /// On the Instant clock, the (wall, virtual) instant since which the run can only wait for
    /// a callback: virtual time runs at real time from there.
    hold: Option<(f64, i64)>,
    /// The slice loop stopped at a pause (Continue / Step start it again).
    paused_loop: bool,
}

impl Run {
    /// A run about to be stepped (nothing sent to the page yet).
    fn new(id: u64, execution: asl::Execution, clock: Clock) -> Run {
        Run {
            id,
            anchor_virtual: execution.now_ms(),
            execution,
            clock,
            anchor_wall: wall_ms(),
            sent: 0,
            files_sent: 0,
            visits_sent: (0, 0),
            published_at: wall_ms(),
            waiting_sent: Vec::new(),
            idle: false,
            hold: None,
            paused_loop: false,
        }
    }
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    /// The last run that ended, kept for a redrive (`ToWorker::Redrive`).
    static ENDED: RefCell<Option<Run>> = const { RefCell::new(None) };
}

fn post(message: &FromWorker) {
    crate::host::post_to_page(&message.to_text());
}

/// One message from the page (JSON text of a [`ToWorker`]).
#[wasm_bindgen(js_name = stepwiseWorkerReceive)]
pub fn stepwise_worker_receive(text: &str) {
    crate::panic::install_in_worker();
    match ToWorker::from_text(text) {
        Ok(ToWorker::Redrive { run, mocks, test_case, at_ms, clock, recreate }) => match recreate {
            Some(recreate) => wasm_bindgen_futures::spawn_local(recreate_then_redrive(
                run, *recreate, mocks, test_case, at_ms, clock,
            )),
            None => redrive(run, &mocks, test_case, at_ms, clock),
        },
        Ok(ToWorker::Start(start)) => {
            RUN.with(|r| r.borrow_mut().take());
            ENDED.with(|r| r.borrow_mut().take());
            wasm_bindgen_futures::spawn_local(start_run(*start));
        }
        Ok(ToWorker::Clock { run, clock }) => with_run(run, |r| {
            r.clock = clock;
            r.hold = None;
            r.anchor_wall = wall_ms();
            r.anchor_virtual = r.execution.now_ms();
        }),
        Ok(ToWorker::SendTaskSuccess { run, token, output }) => {
            answer(run, &token, asl::runner::Callback::Success { output })
        }
        Ok(ToWorker::SendTaskFailure { run, token, error, cause }) => {
            // An empty field of the form is a field left out.
            let given = |s: Option<String>| s.filter(|s| !s.is_empty());
            let callback =
                asl::runner::Callback::Failure { error: given(error), cause: given(cause) };
            answer(run, &token, callback)
        }
        Ok(ToWorker::SendTaskHeartbeat { run, token }) => {
            answer(run, &token, asl::runner::Callback::Heartbeat)
        }
        Ok(ToWorker::Debug { run, command }) => debug_command(run, command),
        Ok(ToWorker::Stop { run }) => {
            let ended = RUN.with(|r| {
                let mut r = r.borrow_mut();
                let current = r.as_mut().filter(|r| r.id == run)?;
                let stopped = current.execution.recipe_stop();
                current.execution.stop(None, None);
                let mut last = batch(current, false);
                // The page's Executions list keeps where it stopped (run/executions.rs).
                last.stopped = Some(stopped);
                post(&FromWorker::Batch(last));
                r.take()
            });
            if ended.is_some() {
                ENDED.with(|e| *e.borrow_mut() = ended);
            }
        }
        Err(e) => post(&FromWorker::Crashed { message: format!("unreadable message: {e}") }),
    }
}

/// A SendTask… call from the page: delivered at the run's current virtual time (paced: where
/// the wall clock has brought it), answered with what became of it, and the run goes on.
fn answer(id: u64, token: &str, callback: asl::runner::Callback) {
    let operation = callback.operation().to_string();
    let mut resume = false;
    with_run(id, |run| {
        if let Some(target) = paced_target(run, wall_ms()) {
            run.execution.advance_to(target, STEPS_PER_CHECK);
        }
        let refused = run.execution.send_task(token, callback).err().map(|e| e.to_string());
        post(&FromWorker::CallbackAnswered {
            run: id,
            operation,
            token: token.to_string(),
            refused,
        });
        run.hold = None;
        post(&FromWorker::Batch(batch(run, false)));
        publish_waiting(run);
        resume = std::mem::take(&mut run.idle);
    });
    if resume {
        tick(id);
    }
}

/// Where the wall clock has brought virtual time, when it paces the run.
fn paced_target(run: &Run, now: f64) -> Option<i64> {
    match (run.clock.speed(), run.hold) {
        (Some(speed), _) => Some(run.anchor_virtual + ((now - run.anchor_wall) * speed) as i64),
        (None, Some((wall, virtual_ms))) => Some(virtual_ms + (now - wall) as i64),
        (None, None) => None,
    }
}

/// Tells the page which tasks wait for a callback, when that changed.
fn publish_waiting(run: &mut Run) {
    let tasks: Vec<WaitingTask> =
        run.execution.waiting_tasks().into_iter().map(WaitingTask::from).collect();
    if tasks != run.waiting_sent {
        post(&FromWorker::Waiting { run: run.id, tasks: tasks.clone() });
        run.waiting_sent = tasks;
    }
}

/// `RedriveExecution` of the run that ended last: the engine restarts it in place, and the
/// page receives the new events (from `ExecutionRedriven` on) as for any run.
fn redrive(run: u64, mocks: &str, test_case: Option<String>, at_ms: i64, clock: Clock) {
    let Some(mut ended) = ENDED.with(|e| e.borrow_mut().take().filter(|r| r.id == run)) else {
        let message = "The execution is no longer held by the engine: start it again.".into();
        post(&FromWorker::RedriveRefused { run, message });
        return;
    };
    let mock_config = if mocks.trim().is_empty() {
        None
    } else {
        match asl::MockConfig::from_text(mocks) {
            Ok(config) => Some(config),
            Err(e) => {
                let message = format!("The mock configuration is not valid: {e}");
                post(&FromWorker::RedriveRefused { run, message });
                ENDED.with(|e| *e.borrow_mut() = Some(ended));
                return;
            }
        }
    };
    let request = asl::runner::RedriveRequest {
        at_ms: Some(at_ms),
        mocks: Some((mock_config, test_case.filter(|_| !mocks.trim().is_empty()))),
    };
    if let Err(e) = ended.execution.redrive(request) {
        let message = format!("{}: {e}", e.error_name());
        post(&FromWorker::RedriveRefused { run, message });
        ENDED.with(|e| *e.borrow_mut() = Some(ended));
        return;
    }
    ended.paused_loop = false;
    ended.idle = false;
    ended.hold = None;
    ended.clock = clock;
    ended.anchor_wall = wall_ms();
    ended.anchor_virtual = ended.execution.now_ms();
    post(&FromWorker::Batch(batch(&mut ended, false)));
    RUN.with(|r| *r.borrow_mut() = Some(ended));
    tick(run);
}

/// Redrive of a listed execution this worker does not hold (it was opened from the Executions
/// list, and re-created in a worker of its own): re-created here from its recipe, as opening
/// it did, so the page already shows this history — checked by its event count — kept as the
/// ended run, then redriven as [`redrive`] does. The page receives the events from
/// `ExecutionRedriven` on.
async fn recreate_then_redrive(
    run: u64,
    recreate: Recreate,
    mocks: String,
    test_case: Option<String>,
    at_ms: i64,
    clock: Clock,
) {
    RUN.with(|r| r.borrow_mut().take());
    ENDED.with(|r| r.borrow_mut().take());
    let refuse = |message: String| post(&FromWorker::RedriveRefused { run, message });
    let start = recreate.start;
    if crate::definition::jsonata_loader::needs_jsonata(&start.definition) {
        if let Err(message) = crate::definition::jsonata_loader::load().await {
            refuse(message);
            return;
        }
    }
    let prepared = crate::run::compile(&start.definition)
        .and_then(|machine| crate::run::replay::prepare(&start, machine));
    let mut execution = match prepared {
        Ok(execution) => execution,
        Err(message) => {
            refuse(format!("The execution could not be re-created: {message}"));
            return;
        }
    };
    if execution.status() == asl::ExecutionStatus::Running {
        execution.run_to_completion();
    }
    let events = execution.history().len();
    if events != recreate.events {
        refuse(format!(
            "The execution re-created from its recipe has {events} events, not the {} shown: \
             open it again from the Executions list.",
            recreate.events
        ));
        return;
    }
    let mut held = Run::new(run, execution, Clock::Instant);
    // The page has all of it already.
    held.sent = events;
    held.files_sent = held.execution.result_files().len();
    held.visits_sent =
        held.execution.data_flow().map_or((0, 0), |f| (f.visits.len(), f.not_recorded));
    ENDED.with(|e| *e.borrow_mut() = Some(held));
    redrive(run, &mocks, test_case, at_ms, clock);
}

/// Breakpoints, Pause, Continue and Step for the run in progress.
fn debug_command(run: u64, command: DebugCommand) {
    let mut restart = false;
    with_run(run, |r| {
        match command {
            DebugCommand::Breakpoints(states) => r.execution.set_breakpoints(states),
            DebugCommand::Pause => r.execution.request_pause(),
            DebugCommand::Continue => r.execution.resume(),
            DebugCommand::Step => r.execution.step_state(),
        }
        if r.paused_loop && r.execution.paused().is_none() {
            // Time spent paused does not count, neither for a paced clock nor for a task
            // waiting for a callback (its heartbeat and timeout run on real time).
            r.paused_loop = false;
            let (wall, virtual_ms) = (wall_ms(), r.execution.now_ms());
            (r.anchor_wall, r.anchor_virtual) = (wall, virtual_ms);
            if r.hold.is_some() {
                r.hold = Some((wall, virtual_ms));
            }
            restart = true;
        }
    });
    if restart {
        gloo_timers::callback::Timeout::new(0, move || tick(run)).forget();
    }
}

fn with_run(run: u64, f: impl FnOnce(&mut Run)) {
    RUN.with(|r| {
        if let Some(current) = r.borrow_mut().as_mut().filter(|r| r.id == run) {
            f(current);
        }
    });
}

/// Prepares the execution (loading JSONata first when the definition needs it) and starts
/// stepping it.
async fn start_run(start: StartRun) {
    let run = start.run;
    if crate::definition::jsonata_loader::needs_jsonata(&start.definition) {
        if let Err(message) = crate::definition::jsonata_loader::load().await {
            post(&FromWorker::Refused { run, message });
            return;
        }
    }
    let prepared = crate::run::compile(&start.definition).and_then(|machine| {
        // The page's Executions: a name, a start state, a recorded stop (run/replay.rs).
        crate::run::replay::prepare(&start, machine)
    });
    let mut execution = match prepared {
        Ok(execution) => execution,
        Err(message) => {
            post(&FromWorker::Refused { run, message });
            return;
        }
    };
    execution.set_breakpoints(start.breakpoints);
    let clock = if start.extras.replay { Clock::Instant } else { start.clock };
    let mut current = Run::new(run, execution, clock);
    // The page sees `ExecutionStarted` at once.
    post(&FromWorker::Batch(batch(&mut current, false)));
    RUN.with(|r| *r.borrow_mut() = Some(current));
    tick(run);
}

/// The events not sent yet and the run's status.
fn batch(run: &mut Run, idle: bool) -> Batch {
    post_data_flow(run);
    let history = run.execution.history();
    let events: Vec<WireEvent> = history.iter().skip(run.sent).cloned().map(WireEvent).collect();
    run.sent = history.len();
    let files = run.execution.result_files();
    let result_files = files.iter().skip(run.files_sent).cloned().collect();
    run.files_sent = files.len();
    run.published_at = wall_ms();
    let status = status_of(run.execution.status());
    let (error, cause, output) = if status == Status::Running {
        (None, None, None)
    } else {
        let describe = run.execution.describe();
        (describe.error, describe.cause, describe.output)
    };
    Batch {
        run: run.id,
        events,
        status,
        error,
        cause,
        output,
        now_ms: run.execution.now_ms(),
        idle,
        result_files,
        stopped: None,
    }
}

/// Posts the state visits recorded since the last batch (before that batch: the page stops
/// listening to a run once its final batch is in).
fn post_data_flow(run: &mut Run) {
    let Some(flow) = run.execution.data_flow() else { return };
    let (sent, told) = run.visits_sent;
    if flow.visits.len() <= sent && flow.not_recorded == told {
        return;
    }
    let visits = flow.visits.get(sent..).unwrap_or_default().to_vec();
    let not_recorded = flow.not_recorded;
    run.visits_sent = (flow.visits.len(), not_recorded);
    post(&FromWorker::DataFlow(DataFlowBatch { run: run.id, visits, not_recorded }));
}

enum Next {
    /// Run another slice after this many milliseconds.
    Continue(u32),
    Finished,
    /// Running, but nothing is scheduled: only a callback could move it on.
    Idle,
    /// The debugger paused the run: no slice until Continue / Step.
    Paused,
}

/// One slice of work, then the next slice is scheduled if the run goes on.
fn tick(id: u64) {
    let next = RUN.with(|r| {
        let mut r = r.borrow_mut();
        let run = r.as_mut().filter(|r| r.id == id)?;
        let next = run_slice(run);
        let due = wall_ms() - run.published_at >= PUBLISH_EVERY_MS || run.clock.speed().is_some();
        match next {
            Next::Continue(_) if due && run.sent < run.execution.history().len() => {
                post(&FromWorker::Batch(batch(run, false)));
                publish_waiting(run);
            }
            Next::Continue(_) => {}
            Next::Idle => {
                run.idle = true;
                post(&FromWorker::Batch(batch(run, true)));
                publish_waiting(run);
            }
            Next::Finished => {
                post(&FromWorker::Batch(batch(run, false)));
                publish_waiting(run);
                let ended = r.take();
                ENDED.with(|e| *e.borrow_mut() = ended);
            }
            Next::Paused => {
                post(&FromWorker::Batch(batch(run, false)));
                publish_waiting(run);
                if let Some(pause) = run.execution.paused() {
                    post(&FromWorker::Paused { run: run.id, pause: PauseView::of(pause) });
                }
                run.paused_loop = true;
            }
        }
        Some(next)
    });
    if let Some(Next::Continue(delay)) = next {
        gloo_timers::callback::Timeout::new(delay, move || tick(id)).forget();
    }
}

/// Runs the engine for at most [`SLICE_MS`] of wall time.
fn run_slice(run: &mut Run) -> Next {
    let now = wall_ms();
    let deadline = now + SLICE_MS;
    if run.clock.speed().is_none() {
        // Instant: jump over waits, but not to the deadline of a task waiting for a callback
        // (nor past a wait with none): from there, real time runs (`hold`).
        let waiting_only = run.execution.next_step_is_callback_deadline()
            || run.execution.next_wakeup_ms().is_none();
        if !waiting_only {
            run.hold = None;
        }
    }
    let target = paced_target(run, now);
    let execution = &mut run.execution;
    match target {
        None => loop {
            let mut steps = 0;
            while steps < STEPS_PER_CHECK
                && !execution.next_step_is_callback_deadline()
                && execution.step()
            {
                steps += 1;
            }
            if steps < STEPS_PER_CHECK || wall_ms() >= deadline {
                break;
            }
        },
        Some(target) => {
            while execution.advance_to(target, STEPS_PER_CHECK) == STEPS_PER_CHECK
                && wall_ms() < deadline
            {}
        }
    }
    if execution.status() != asl::ExecutionStatus::Running {
        return Next::Finished;
    }
    if execution.paused().is_some() {
        return Next::Paused;
    }
    let next = execution.next_wakeup_ms();
    let waiting_only = next.is_none() || execution.next_step_is_callback_deadline();
    if run.clock.speed().is_none() && waiting_only && run.hold.is_none() {
        run.hold = Some((wall_ms(), execution.now_ms()));
    }
    match next {
        None => Next::Idle,
        Some(_) if run.hold.is_none() && run.clock.speed().is_none() => Next::Continue(0),
        Some(_) => Next::Continue(PACED_TICK_MS),
    }
}
