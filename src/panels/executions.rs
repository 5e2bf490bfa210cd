//! "Executions": every run started in the page, listed as the console lists a state machine's
//! executions (Name, Status, Started, End time, Duration), kept across reloads as run recipes
//! (`run/executions.rs`), re-created when opened (`run/replay.rs`); and "Re-run from here" on
//! a state of the shown execution. Design: docs/decisions/0021, "The page's Executions".

use leptos::prelude::*;
use serde_json::Value;

use asl::runner::{RecipeStart, RecipeStop, RunRecipe};

use crate::definition::problems::parse_json;
use crate::panels::mock_panel::{self, MockCheck};
use crate::panels::status::pretty;
use crate::persist::storage;
use crate::run::driver::{Driver, Launch};
use crate::run::executions::{self, check_name, format_duration, ExecutionList, Record};
use crate::run::replay::{self, Replay};
use crate::run::wire::RunExtras;
use crate::run::{format_timestamp, RunView, Status};
use crate::session::{session, Session};

/// The Executions list and what acts on it, provided once by the app.
#[derive(Clone, Copy)]
pub struct Executions {
    pub list: RwSignal<ExecutionList>,
    /// The record the shown execution belongs to.
    pub shown: RwSignal<Option<u64>>,
    /// The name typed for the next Start ("": generated).
    pub next_name: RwSignal<String>,
    /// The record being re-created for display, if any.
    pub opening: RwSignal<Option<u64>>,
    /// The records ticked for Compare (at most two, the latest ticks).
    pub picked: RwSignal<Vec<u64>>,
    /// The "Re-run from here" form, when open.
    pub rerun: RwSignal<Option<RerunForm>>,
    driver: Driver,
    session: Session,
    /// The replay of the record being opened (dropping it ends its worker).
    open_job: StoredValue<Option<Replay>, LocalStorage>,
    /// The record whose shown view was re-created from its recipe (opened from the list):
    /// it can be redriven from that recipe (`Driver::redrive_listed`).
    recreated: RwSignal<Option<u64>>,
    /// A Redrive sent for a record (its id, mock configuration text and test case), added to
    /// its recipe once the history shows its `ExecutionRedriven` (a refusal adds nothing).
    pending_redrive: StoredValue<Option<(u64, String, Option<String>)>>,
}

/// What "Re-run from here" starts, as the form shows it before Start.
#[derive(Debug, Clone, PartialEq)]
pub struct RerunForm {
    pub original: u64,
    pub state: String,
    /// The input text (prefilled with what the state received, editable).
    pub input: String,
    pub variables: serde_json::Map<String, Value>,
    /// `$$.Map.Item` (index, value) when the state is inside a Map iteration.
    pub map_item: Option<(usize, Value)>,
    /// The mock configuration the re-run uses and its chosen test case.
    pub mocks: String,
    pub test_case: Option<String>,
}

/// The Executions list, from the context the app provides.
pub fn executions() -> Executions {
    expect_context::<Executions>()
}

/// A Stop the page wrote itself (its worker did not answer, or another run replaced a running
/// one): the events before the trailing `…Aborted` ones, at the last event's time.
fn stop_of(view: &RunView) -> RecipeStop {
    if let Some(stop) = view.stopped {
        return stop;
    }
    let aborted =
        view.events.iter().rev().take_while(|e| e.type_name().ends_with("Aborted")).count();
    RecipeStop {
        after_events: view.events.len().saturating_sub(aborted),
        at_ms: view.events.last().map_or(0, |e| e.timestamp_ms),
    }
}

impl Executions {
    /// Creates the list (read from localStorage), keeps it saved, records how shown runs
    /// end, and provides it as context.
    pub fn install(driver: Driver) -> Executions {
        let session = session();
        let saved = storage::load_one(executions::STORAGE_KEY).unwrap_or_default();
        let this = Executions {
            list: RwSignal::new(ExecutionList::from_json(&saved)),
            shown: RwSignal::new(None),
            next_name: RwSignal::new(String::new()),
            opening: RwSignal::new(None),
            picked: RwSignal::new(Vec::new()),
            rerun: RwSignal::new(None),
            driver,
            session,
            open_job: StoredValue::new_local(None),
            recreated: RwSignal::new(None),
            pending_redrive: StoredValue::new(None),
        };
        Effect::new(move |_| {
            this.list.with(|l| storage::save(executions::STORAGE_KEY, &l.to_json()))
        });
        // A run the engine refused to start (invalid mocks, JSONata that did not load) leaves
        // no view: it is not listed, as AWS lists no execution that did not start.
        Effect::new(move |_| {
            if session.run_view.with(Option::is_some) {
                return;
            }
            let Some(id) = this.shown.get_untracked() else { return };
            if this.list.with_untracked(|l| l.get(id).is_some_and(|r| r.status.is_none())) {
                this.list.update(|l| l.remove(id));
                this.shown.set(None);
            }
        });
        // A shown run that is redriven, then ends: the redrive goes into its record's recipe
        // (its time is the `ExecutionRedriven` event's), then its status, end time and stop.
        Effect::new(move |_| {
            let redriven = session.run_view.with(|v| {
                let v = v.as_ref()?;
                let mut redrives = v.events.iter().filter(|e| e.type_name() == "ExecutionRedriven");
                let count = redrives.clone().count();
                Some((count, redrives.next_back()?.timestamp_ms))
            });
            this.absorb_redrive(redriven);
            let ended = session.run_view.with(|v| {
                v.as_ref()
                    .filter(|v| v.status != Status::Running)
                    .map(|v| (v.status, v.events.last().map_or(0, |e| e.timestamp_ms), stop_of(v)))
            });
            let (Some((status, end_ms, stop)), Some(id)) = (ended, this.shown.get_untracked())
            else {
                return;
            };
            let open = this.list.with_untracked(|l| l.get(id).is_some_and(|r| r.status.is_none()));
            if open {
                this.list.update(|l| {
                    if let Some(record) = l.get_mut(id) {
                        record.finish(status, end_ms, Some(stop));
                    }
                });
            }
        });
        provide_context(this);
        this
    }

    /// Records a Redrive of the shown record once its history shows it (`redriven`: how many
    /// `ExecutionRedriven` events the shown history has, and the latest one's time).
    fn absorb_redrive(self, redriven: Option<(usize, i64)>) {
        let Some((count, at_ms)) = redriven else { return };
        let Some(id) = self.shown.get_untracked() else { return };
        let Some((_, mocks, test_case)) = self.pending_redrive.get_value().filter(|p| p.0 == id)
        else {
            return;
        };
        let known = self.list.with_untracked(|l| l.get(id).map(|r| r.recipe.redrives.len()));
        if known.is_some_and(|known| count > known) {
            self.pending_redrive.set_value(None);
            self.list.update(|l| {
                if let Some(record) = l.get_mut(id) {
                    record.redriven(Record::redrive_of(at_ms, &mocks, test_case));
                }
            });
        }
    }

    /// "Redrive" of the shown execution, with the page's mock configuration and test case as
    /// they are now: in place when the engine worker holds it (it ended live there), else
    /// re-created there from the record's recipe first (it was opened from the list). Either
    /// way the record's recipe gains the redrive once the engine has made it.
    pub fn redrive(self, mocks: String, test_case: Option<String>) {
        let shown = self.shown.get_untracked();
        let record = shown.and_then(|id| self.list.with_untracked(|l| l.get(id).cloned()));
        self.pending_redrive
            .set_value(record.as_ref().map(|r| (r.id, mocks.clone(), test_case.clone())));
        if self.driver.can_redrive() {
            self.driver.redrive(mocks, test_case);
        } else if let Some(record) = record.filter(|r| self.recreated.get_untracked() == Some(r.id))
        {
            self.driver.redrive_listed(&record.recipe, mocks, test_case);
        }
    }

    /// Whether the shown execution was opened from the list (its view re-created from its
    /// recipe) and can be offered a Redrive from there.
    pub fn can_redrive_listed(self) -> bool {
        let shown = self.shown.get();
        shown.is_some() && self.opening.get().is_none() && self.recreated.get() == shown
    }

    /// A run still going when another replaces it ends there: it is recorded as stopped
    /// where the page last saw it (the page runs one execution at a time).
    fn settle_running(self) {
        let Some(id) = self.shown.get_untracked() else { return };
        let running = self.session.run_view.with_untracked(|v| {
            v.as_ref()
                .filter(|v| v.status == Status::Running)
                .map(|v| (v.events.last().map_or(0, |e| e.timestamp_ms), stop_of(v)))
        });
        if let Some((end_ms, stop)) = running {
            self.list.update(|l| {
                if let Some(record) = l.get_mut(id).filter(|r| r.status.is_none()) {
                    record.finish(Status::Aborted, end_ms, Some(stop));
                }
            });
        }
    }

    /// Starts `launch` as a new listed execution (the page's Start): named as typed, else
    /// generated. Returns false (with the reason in the notice) when the name is refused.
    pub fn launch(self, launch: Launch, source: String) -> bool {
        let typed = self.next_name.get_untracked().trim().to_string();
        let name = if typed.is_empty() {
            self.list.with_untracked(|l| l.generate_name(launch.start_time_ms as u64))
        } else {
            if let Err(message) =
                self.list.with_untracked(|l| check_name(&typed, |n| l.has_name(n)))
            {
                self.session.notice.set(Some(message));
                return false;
            }
            typed
        };
        let recipe = RunRecipe {
            definition: launch.definition.clone(),
            input: launch.input.clone(),
            mock_config: Some(launch.mocks.clone()).filter(|m| !m.trim().is_empty()),
            test_case: launch.test_case.clone(),
            seed: launch.start_time_ms as u64,
            start_time_ms: launch.start_time_ms,
            execution_name: name.clone(),
            start_at: None,
            stop: None,
            redrives: Vec::new(),
        };
        self.start_record(recipe, None, Some(source));
        true
    }

    /// Lists `recipe` and runs it live through the page's engine worker.
    fn start_record(self, recipe: RunRecipe, parent: Option<u64>, source: Option<String>) {
        self.settle_running();
        self.open_job.set_value(None);
        self.opening.set(None);
        self.recreated.set(None);
        self.pending_redrive.set_value(None);
        let id = self.list.with_untracked(ExecutionList::next_id);
        let launch = Launch {
            definition: recipe.definition.clone(),
            input: recipe.input.clone(),
            mocks: recipe.mock_config.clone().unwrap_or_default(),
            test_case: recipe.test_case.clone(),
            start_time_ms: recipe.start_time_ms,
            // The debugger's breakpoints apply to a listed run and its re-runs alike.
            breakpoints: self.session.breakpoints.with_untracked(|b| b.iter().cloned().collect()),
            extras: RunExtras {
                execution_name: Some(recipe.execution_name.clone()),
                start_at: recipe.start_at.clone(),
                stop: None,
                replay: false,
                redrives: Vec::new(),
            },
        };
        self.list
            .update(|l| l.push(Record { id, recipe, parent, status: None, end_ms: None, source }));
        self.shown.set(Some(id));
        self.next_name.set(String::new());
        self.driver.start(launch);
    }

    /// Shows a listed execution: re-created from its recipe in a worker of its own, then
    /// shown in the graph, the history, the state details and the data flow. Its definition
    /// is put in the editor when the editor holds another.
    pub fn open(self, id: u64) {
        let Some(record) = self.list.with_untracked(|l| l.get(id).cloned()) else { return };
        self.settle_running();
        self.driver.abandon();
        self.shown.set(Some(id));
        self.opening.set(Some(id));
        self.recreated.set(None);
        self.pending_redrive.set_value(None);
        self.rerun.set(None);
        let session = self.session;
        if let Some(source) = &record.source {
            if session.definition.with_untracked(|d| d != source) {
                session.editor.load(source.clone());
                session.definition.set(source.clone());
                session.notice.set(Some(format!(
                    "Loaded the definition of execution {} into the editor \
                     (Ctrl+Z in the editor brings yours back).",
                    record.name()
                )));
            }
        }
        let job = replay::replay(&record.recipe, move |result| {
            if self.shown.try_get_untracked().flatten() != Some(id) {
                return;
            }
            self.opening.set(None);
            match result {
                Ok(view) => {
                    session.run_view.set(Some(view));
                    self.recreated.set(Some(id));
                }
                Err(message) => session.notice.set(Some(message)),
            }
        });
        self.open_job.set_value(Some(job));
    }

    /// The latest listed execution of `definition` (JSON text, compared as JSON) on `input`,
    /// started at its StartAt without mocks, a stop or a redrive; listed (not run: Compare
    /// re-creates it) when there is none. The tutorial's Compare step uses it.
    pub fn find_or_list(
        self,
        definition: &str,
        source: &str,
        input: Value,
        start_time_ms: i64,
    ) -> u64 {
        let wanted: Option<Value> = serde_json::from_str(definition).ok();
        let found = self.list.with_untracked(|l| {
            l.records
                .iter()
                .rev()
                .find(|r| {
                    let recipe = &r.recipe;
                    recipe.input == input
                        && recipe.start_at.is_none()
                        && recipe.stop.is_none()
                        && recipe.redrives.is_empty()
                        && recipe.test_case.is_none()
                        && serde_json::from_str::<Value>(&recipe.definition).ok() == wanted
                })
                .map(|r| r.id)
        });
        if let Some(id) = found {
            return id;
        }
        let id = self.list.with_untracked(ExecutionList::next_id);
        let name = self.list.with_untracked(|l| l.generate_name(start_time_ms as u64));
        let recipe = RunRecipe {
            definition: definition.to_string(),
            input,
            mock_config: None,
            test_case: None,
            seed: start_time_ms as u64,
            start_time_ms,
            execution_name: name,
            start_at: None,
            stop: None,
            redrives: Vec::new(),
        };
        let source = Some(source.to_string());
        self.list.update(|l| {
            l.push(Record { id, recipe, parent: None, status: None, end_ms: None, source })
        });
        id
    }

    /// A record whose end was not known (listed without being shown to its end) learns it
    /// from a re-created view — unless it is the run going on in the page, which ends as the
    /// user lets it (a Stop, a callback).
    pub fn note_replayed(self, id: u64, view: &RunView) {
        if view.status == Status::Running {
            return;
        }
        let live = self.shown.get_untracked() == Some(id)
            && self
                .session
                .run_view
                .with_untracked(|v| v.as_ref().is_some_and(|v| v.status == Status::Running));
        let open = self.list.with_untracked(|l| l.get(id).is_some_and(|r| r.status.is_none()));
        if open && !live {
            let end = view.events.last().map_or(0, |e| e.timestamp_ms);
            self.list.update(|l| {
                if let Some(record) = l.get_mut(id) {
                    record.finish(view.status, end, view.stopped);
                }
            });
        }
    }

    /// Deletes a listed execution (its re-runs stay).
    pub fn delete(self, id: u64) {
        self.list.update(|l| l.remove(id));
        self.picked.update(|p| p.retain(|&x| x != id));
        if self.shown.get_untracked() == Some(id) {
            self.shown.set(None);
        }
    }

    /// Ticks or unticks a record for Compare (a third tick drops the oldest).
    pub fn toggle_pick(self, id: u64) {
        self.picked.update(|p| {
            if p.contains(&id) {
                p.retain(|&x| x != id);
            } else {
                p.push(id);
                if p.len() > 2 {
                    p.remove(0);
                }
            }
        });
    }

    /// Opens the "Re-run from here" form on `state` of the shown execution: its input is
    /// what the state received, its variables those in scope then, and `$$.Map.Item` its
    /// iteration's item — for the run of the state the details panel shows (`picked`, else
    /// the latest).
    pub fn prepare_rerun(self, state: &str, picked: Option<usize>) {
        let Some(original) = self.shown.get_untracked() else { return };
        let Some(recipe) = self.list.with_untracked(|l| l.get(original).map(|r| r.recipe.clone()))
        else {
            return;
        };
        let found = self.session.run_view.with_untracked(|v| {
            let v = v.as_ref()?;
            let detail = v.state_detail(state);
            let run = picked.and_then(|i| detail.runs.get(i)).or_else(|| detail.latest())?.clone();
            let map_item = executions::map_item_of(&v.data_flow, run.entered_id);
            Some((run, map_item))
        });
        let Some((run, map_item)) = found else { return };
        let mocks =
            recipe.mock_config.clone().unwrap_or_else(|| self.session.mocks.get_untracked());
        self.rerun.set(Some(RerunForm {
            original,
            state: state.to_string(),
            input: run.input.as_ref().map(pretty).unwrap_or_else(|| "{}".into()),
            variables: run.variables_before.into_iter().collect(),
            map_item,
            mocks,
            test_case: recipe.test_case.clone(),
        }));
    }

    /// Starts the re-run the form describes, listed under its original.
    pub fn start_rerun(self) {
        let Some(form) = self.rerun.get_untracked() else { return };
        let input = match parse_json(&form.input) {
            Ok(value) => value,
            Err(p) => {
                self.session.notice.set(Some(format!(
                    "The re-run's input is not valid JSON: {} ({})",
                    p.message,
                    p.position()
                )));
                return;
            }
        };
        let Some(original) = self.list.with_untracked(|l| l.get(form.original).cloned()) else {
            return;
        };
        let now = js_sys::Date::now() as i64;
        let name = self.list.with_untracked(|l| l.generate_name(now as u64));
        let start = RecipeStart {
            state: form.state.clone(),
            variables: form.variables,
            map_item: form.map_item,
        };
        let mut recipe =
            executions::rerun_recipe(&original.recipe, start, input, form.test_case, now, name);
        recipe.mock_config = Some(form.mocks).filter(|m| !m.trim().is_empty());
        self.rerun.set(None);
        self.session.notice.set(None);
        self.start_record(recipe, Some(form.original), original.source.clone());
    }
}

/// The execution name field beside Start: editable before Start, generated when empty.
#[component]
pub fn ExecutionNameField() -> impl IntoView {
    let name = executions().next_name;
    view! {
        <label class="exec-name">
            <span class="label">"Name"</span>
            <input
                id="execution-name"
                type="text"
                spellcheck="false"
                maxlength="80"
                placeholder="Generated when left empty"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
        </label>
    }
}

/// The Executions table.
#[component]
pub fn ExecutionsPanel() -> impl IntoView {
    let this = executions();
    let rows = move || {
        let shown = this.shown.get();
        let opening = this.opening.get();
        let picked = this.picked.get();
        this.list.with(|list| {
            let names: std::collections::HashMap<u64, String> =
                list.records.iter().map(|r| (r.id, r.name().to_string())).collect();
            list.rows()
                .into_iter()
                .map(|row| {
                    let record = row.record.clone();
                    let id = record.id;
                    let status_class = record.status.map_or("running", Status::css);
                    let from = record.started_at().map(|state| {
                        let of = record
                            .parent
                            .and_then(|p| names.get(&p).cloned())
                            .map(|n| format!(" of {n}"))
                            .unwrap_or_default();
                        format!("Re-run{of} from {state}")
                    });
                    let checked = picked.contains(&id);
                    view! {
                        <tr
                            class="exec-row"
                            class:shown={shown == Some(id)}
                            class:rerun={row.depth > 0}
                            data-id=id.to_string()
                            data-name=record.name().to_string()
                        >
                            <td class="exec-name-cell" style=format!("padding-left: {}em", 0.5 + row.depth as f64 * 1.25)>
                                <button class="link-btn exec-open" title="Show this execution" on:click=move |_| this.open(id)>
                                    {record.name().to_string()}
                                </button>
                                {(opening == Some(id)).then(|| view! { <span class="exec-opening">" opening…"</span> })}
                                {from.map(|f| view! { <div class="exec-from">{f}</div> })}
                            </td>
                            <td>
                                <span class=format!("state-badge {status_class}")>{record.status_label()}</span>
                            </td>
                            <td class="exec-time">{format_timestamp(record.recipe.start_time_ms)}</td>
                            <td class="exec-time">{record.end_ms.map(format_timestamp).unwrap_or_else(|| "-".into())}</td>
                            <td>{record.duration_ms().map(format_duration).unwrap_or_else(|| "-".into())}</td>
                            <td class="exec-actions">
                                <label class="exec-pick" title="Pick two executions, then press Compare">
                                    <input
                                        type="checkbox"
                                        class="exec-pick-box"
                                        prop:checked=checked
                                        on:change=move |_| this.toggle_pick(id)
                                    />
                                    "Pick"
                                </label>
                                <button class="btn small exec-delete" title="Delete this execution from the list" on:click=move |_| this.delete(id)>
                                    "Delete"
                                </button>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let empty = move || this.list.with(|l| l.records.is_empty());
    let count = move || this.list.with(|l| l.records.len());
    view! {
        <section class="panel executions" id="executions" aria-label="Executions">
            <div class="exec-head">
                <h2 class="panel-title">"Executions" <span class="exec-count">{move || format!(" ({})", count())}</span></h2>
                <crate::panels::compare::CompareButton />
            </div>
            <p class="empty" class:hidden=move || !empty()>
                "Every execution you start is listed here (the last 50 are kept in this browser)."
            </p>
            <table class="exec-table" class:hidden=empty>
                <thead>
                    <tr>
                        <th>"Name"</th>
                        <th>"Status"</th>
                        <th>"Started"</th>
                        <th>"End time"</th>
                        <th>"Duration"</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// "Re-run from here" on the selected state of a past execution, and its form.
#[component]
pub fn RerunFromHere(
    /// The run of the state the details panel shows (None: the latest).
    #[prop(into)]
    picked: Signal<Option<usize>>,
) -> impl IntoView {
    let this = executions();
    let Session { run_view, selected_state, .. } = session();
    // The form belongs to one state of one execution.
    Effect::new(move |_| {
        selected_state.track();
        this.shown.track();
        this.rerun.set(None);
    });
    // Offered on a state the shown, listed, finished execution entered.
    let offered = Memo::new(move |_| {
        let state = selected_state.get()?;
        this.shown.get()?;
        let entered = run_view.with(|v| {
            v.as_ref().is_some_and(|v| {
                v.status != Status::Running && v.state_detail(&state).latest().is_some()
            })
        });
        entered.then_some(state)
    });
    let form = move || {
        let f = this.rerun.get()?;
        let cases = match mock_panel::check(&f.mocks) {
            MockCheck::Valid(config) => {
                mock_panel::test_cases(&config, &mock_panel::state_machine_name())
            }
            _ => Vec::new(),
        };
        let chosen = f.test_case.clone().unwrap_or_default();
        let variables = if f.variables.is_empty() {
            "No variables in scope.".to_string()
        } else {
            pretty(&Value::Object(f.variables.clone()))
        };
        let options = cases
            .into_iter()
            .map(|case| {
                let selected = case == chosen;
                view! { <option value=case.clone() selected=selected>{case.clone()}</option> }
            })
            .collect_view();
        Some(view! {
            <div class="rerun-form" id="rerun-form">
                <h3>{format!("Re-run from {}", f.state)}</h3>
                <label class="label" for="rerun-input">"Input (what the state received)"</label>
                <textarea
                    id="rerun-input"
                    class="json-input"
                    rows="5"
                    spellcheck="false"
                    prop:value=f.input.clone()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        this.rerun.update(|r| {
                            if let Some(r) = r {
                                r.input = text;
                            }
                        });
                    }
                ></textarea>
                <div class="label">"Variables in scope (as in the original execution)"</div>
                <pre class="json rerun-variables">{variables}</pre>
                <label class="label" for="rerun-test-case">"Mock answer (test case)"</label>
                <select
                    id="rerun-test-case"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        this.rerun.update(|r| {
                            if let Some(r) = r {
                                r.test_case = Some(value).filter(|v| !v.is_empty());
                            }
                        });
                    }
                >
                    <option value="" selected=chosen.is_empty()>"None (the built-in functions answer)"</option>
                    {options}
                </select>
                <div class="run-controls">
                    <button class="btn primary" id="rerun-start" on:click=move |_| this.start_rerun()>
                        "Start execution"
                    </button>
                    <button class="btn" id="rerun-cancel" on:click=move |_| this.rerun.set(None)>"Cancel"</button>
                </div>
            </div>
        })
    };
    view! {
        <Show when=move || offered.get().is_some()>
            <div class="rerun">
                <button
                    class="btn small"
                    id="rerun-from-here"
                    title="Start a new execution at this state, with the input it received"
                    on:click=move |_| {
                        if let Some(state) = offered.get_untracked() {
                            this.prepare_rerun(&state, picked.get_untracked());
                        }
                    }
                >
                    "Re-run from here"
                </button>
            </div>
        </Show>
        {form}
    }
}
