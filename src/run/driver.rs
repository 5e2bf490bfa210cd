//! Drives a running execution from the browser's event loop. The engine runs in slices of a
//! few milliseconds, then the page gets the thread back (timers, input, painting), so an
//! infinite loop or a 10,000-item Map never freezes it and Stop works at any moment.
//!
//! The clock decides how far each slice may go: *Instant* runs as many steps as fit in the
//! slice (Waits and retry intervals jump); *Real time* and *×10* let virtual time advance with
//! the wall clock, so a 1 s Wait takes a second (or a tenth) on screen. The engine's virtual
//! timestamps stay exact either way. Changing the clock during a run re-anchors it.

use leptos::prelude::*;

use crate::run::{refresh, Clock, RunView};

/// Wall-clock milliseconds the engine may use per slice before yielding.
const SLICE_MS: f64 = 8.0;
/// Engine steps between two looks at the wall clock.
const STEPS_PER_CHECK: usize = 64;
/// The pause between slices when paced (the screen refreshes about this often).
const PACED_TICK_MS: u32 = 16;
/// The panels are redrawn at most this often while an execution runs (and at its end).
const PUBLISH_EVERY_MS: f64 = 100.0;

fn wall_ms() -> f64 {
    js_sys::Date::now()
}

struct Session {
    execution: asl::Execution,
    /// Which start this is: ticks of an older run stop themselves.
    generation: u64,
    /// The clock in force and the (wall, virtual) instant its pacing counts from.
    clock: Clock,
    anchor_wall: f64,
    anchor_virtual: i64,
    /// When the panels were last updated.
    published_at: f64,
}

/// The running execution (if any) and the view the panels show of it.
#[derive(Clone, Copy)]
pub struct Driver {
    session: StoredValue<Option<Session>, LocalStorage>,
    generation: StoredValue<u64>,
    view: RwSignal<Option<RunView>>,
    clock: Signal<Clock>,
    /// Set when the execution stalls waiting for something the page cannot send.
    notice: RwSignal<Option<String>>,
}

impl Driver {
    pub fn new(
        view: RwSignal<Option<RunView>>,
        clock: Signal<Clock>,
        notice: RwSignal<Option<String>>,
    ) -> Self {
        Driver {
            session: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            view,
            clock,
            notice,
        }
    }

    /// Shows `execution` and starts driving it (any earlier run is abandoned).
    pub fn start(self, execution: asl::Execution) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let clock = self.clock.get_untracked();
        self.view.set(Some(crate::run::view_of(&execution)));
        self.session.set_value(Some(Session {
            anchor_virtual: execution.now_ms(),
            execution,
            generation,
            clock,
            anchor_wall: wall_ms(),
            published_at: wall_ms(),
        }));
        self.tick(generation);
    }

    /// `StopExecution`: the run ends as Aborted, with the states in flight marked aborted.
    pub fn stop(self) {
        self.session.update_value(|s| {
            if let Some(s) = s {
                s.execution.stop(None, None);
            }
        });
        self.publish();
        self.session.set_value(None);
    }

    /// Forgets the current run (if any) without touching the view: its pending slice will
    /// find that it is no longer the current run and stop.
    pub fn abandon(self) {
        self.generation.update_value(|g| *g += 1);
        self.session.set_value(None);
    }

    /// Copies what changed into the view signal (only when something did, so the panels
    /// are not redrawn for nothing).
    fn publish(self) {
        self.session.update_value(|s| {
            let Some(s) = s else {
                return;
            };
            // `refresh` says whether anything changed; only then are subscribers notified.
            let changed = self.view.try_maybe_update(|view| {
                let changed = view.as_mut().is_some_and(|v| refresh(v, &s.execution));
                (changed, changed)
            });
            if changed == Some(true) {
                s.published_at = wall_ms();
            }
        });
    }

    /// One slice of work, then the next slice is scheduled if the run goes on.
    fn tick(self, generation: u64) {
        let clock = self.clock.get_untracked();
        let outcome = self.session.try_update_value(|session| {
            let session = session.as_mut().filter(|s| s.generation == generation)?;
            Some(run_slice(session, clock))
        });
        let Some(Some(next)) = outcome else {
            return;
        };
        let due = self.session.with_value(|s| {
            s.as_ref().is_some_and(|s| wall_ms() - s.published_at >= PUBLISH_EVERY_MS)
        });
        if due || !matches!(next, Next::Continue(_)) || clock.speed().is_some() {
            self.publish();
        }
        match next {
            Next::Continue(delay) => {
                gloo_timers::callback::Timeout::new(delay, move || self.tick(generation)).forget();
            }
            Next::Finished => self.session.set_value(None),
            Next::Idle => self.notice.set(Some(
                "The execution is waiting for a task token callback (SendTaskSuccess / \
                 SendTaskFailure) that nothing will send: mock the task in the mock \
                 configuration, or Stop it."
                    .into(),
            )),
        }
    }
}

enum Next {
    /// Run another slice after this many milliseconds.
    Continue(u32),
    Finished,
    /// Running, but nothing is scheduled: only a callback could move it on.
    Idle,
}

/// Runs the engine for at most [`SLICE_MS`] of wall time.
fn run_slice(session: &mut Session, clock: Clock) -> Next {
    let now = wall_ms();
    if clock != session.clock {
        session.clock = clock;
        session.anchor_wall = now;
        session.anchor_virtual = session.execution.now_ms();
    }
    let deadline = now + SLICE_MS;
    let execution = &mut session.execution;
    match clock.speed() {
        None => loop {
            let mut steps = 0;
            while steps < STEPS_PER_CHECK && execution.step() {
                steps += 1;
            }
            if steps < STEPS_PER_CHECK || wall_ms() >= deadline {
                break;
            }
        },
        Some(speed) => {
            let target = session.anchor_virtual + ((now - session.anchor_wall) * speed) as i64;
            while execution.advance_to(target, STEPS_PER_CHECK) == STEPS_PER_CHECK
                && wall_ms() < deadline
            {}
        }
    }
    if execution.status() != asl::ExecutionStatus::Running {
        return Next::Finished;
    }
    match execution.next_wakeup_ms() {
        None => Next::Idle,
        Some(_) if clock.speed().is_none() => Next::Continue(0),
        Some(_) => Next::Continue(PACED_TICK_MS),
    }
}
