//! The page: header, definition editor and problems on the left; input, controls, status,
//! graph, input/output tabs and the event history on the right.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::definition::jsonata_loader;
use crate::definition::on_demand::Availability;
use crate::definition::problems::{compile_choosing, parse_json};
use crate::definition::yaml_loader::{self, YamlSupport};
use crate::panels::debug_controls::DebugControls;
use crate::panels::editor::{DefinitionEditor, EditorHandle};
use crate::panels::gallery::{LeftTab, LeftTabs};
use crate::panels::graph::GraphPanel;
use crate::panels::header::Header;
use crate::panels::history::HistoryTable;
use crate::panels::import_bar::ImportBar;
use crate::panels::input_panel::{sample_input, InputPanel};
use crate::panels::mock_panel::{effective_test_case, MockPanel};
use crate::panels::paused_state::PausedState;
use crate::panels::problems_list::ProblemsList;
use crate::panels::result_files::ResultFilesPanel;
use crate::panels::state_details::StateDetails;
use crate::panels::state_tools::StateTools;
use crate::panels::status::{IoTabs, StatusBanner};
use crate::panels::tests_panel::TestsPanel;
use crate::panels::tutorial::TutorialPanel;
use crate::persist::share::{self, Shared};
use crate::persist::storage;
use crate::run::driver::{Driver, Launch};
use crate::run::{Clock, RunView, Status};
use crate::session::Session;

/// The tutorial state machine shown on first visit and by "Reset to example".
pub const TUTORIAL: &str = include_str!("../examples/tutorial.asl.json");

/// The starting document: a share link wins, then what this browser saved, then the tutorial.
/// A link's contents are only placed into the editors; nothing runs until Start is pressed.
pub fn initial_state(fragment: &str, saved: storage::Saved) -> (Shared, Option<String>) {
    match share::decode(fragment) {
        Ok(shared) => (shared, None),
        Err(error) => {
            let notice = match error {
                share::ShareError::NotAShareLink => None,
                corrupt => Some(corrupt.to_string()),
            };
            let state = Shared {
                definition: saved.definition.unwrap_or_else(|| TUTORIAL.to_string()),
                input: saved.input.unwrap_or_else(|| sample_input("200")),
                mocks: saved.mocks.unwrap_or_default(),
                test_case: saved.test_case,
                breakpoints: storage::breakpoints_of(saved.breakpoints.as_deref()),
            };
            (state, notice)
        }
    }
}

fn current_fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Replaces the address bar's fragment without navigating ("" removes it).
fn set_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let base = match (location.pathname(), location.search()) {
        (Ok(path), Ok(search)) => format!("{path}{search}"),
        _ => return,
    };
    let url = if fragment.is_empty() { base } else { format!("{base}#{fragment}") };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

#[component]
pub fn App() -> impl IntoView {
    let from_link = share::decode(&current_fragment()).is_ok();
    let (start, link_notice) = initial_state(&current_fragment(), storage::load());
    if from_link {
        // The link has been read: keep it out of the address bar so later edits (saved
        // locally) are what a reload shows.
        storage::save_all(&start);
        set_fragment("");
    }

    let definition = RwSignal::new(start.definition);
    let input = RwSignal::new(start.input);
    let mocks = RwSignal::new(start.mocks);
    let test_case = RwSignal::new(start.test_case);
    // The debugger (docs/decisions/0021-debugger.md): breakpoints and the shown run's pause.
    let breakpoints = RwSignal::new(start.breakpoints.into_iter().collect());
    let paused = RwSignal::new(None);
    let tutorial_open = RwSignal::new(storage::tutorial_open());
    let left_tab = RwSignal::new(LeftTab::Definition);
    let clock = RwSignal::new(Clock::Instant);
    let run_view = RwSignal::new(None::<RunView>);
    let notice = RwSignal::new(link_notice);
    let editor = EditorHandle::new();
    // The state machine chosen in a template with several (None: the first).
    let state_machine = RwSignal::new(None::<String>);

    // JSONata arrives on demand: fetched as soon as the definition uses it; the definition is
    // compiled again once it is in (JSONata syntax is only checked then).
    let jsonata = jsonata_loader::availability();
    Effect::new(move |_| {
        if definition.with(|d| jsonata_loader::needs_jsonata(d))
            && jsonata.with_untracked(|j| *j == Availability::Absent)
        {
            jsonata_loader::ensure_loaded(jsonata);
        }
    });
    Effect::new(move |_| {
        if let Availability::Failed(message) = jsonata.get() {
            notice.set(Some(message));
        }
    });
    // The YAML reader arrives on demand too (docs/decisions/0025-page-weight.md): fetched
    // the first time the editor holds YAML; the definition is compiled again once it is in.
    let yaml = yaml_loader::availability();
    provide_context(YamlSupport(yaml));
    Effect::new(move |_| {
        if definition.with(|d| yaml_loader::is_yaml(d))
            && yaml.with_untracked(|y| *y == Availability::Absent)
        {
            yaml_loader::ensure_loaded(yaml);
        }
    });
    Effect::new(move |_| {
        if let Availability::Failed(message) = yaml.get() {
            notice.set(Some(message));
        }
    });
    // The one compilation per edit: the problems list, the graph and Start read it.
    let compiled = Memo::new(move |_| {
        jsonata.track();
        yaml.track();
        let chosen = state_machine.get();
        definition.with(|d| compile_choosing(d, chosen.as_deref()))
    });
    provide_context(Session {
        definition,
        input,
        mocks,
        test_case,
        compiled,
        problems: Memo::new(move |_| compiled.with(|c| c.problems.clone())),
        run_view,
        selected_state: RwSignal::new(None),
        hovered_state: RwSignal::new(None),
        notice,
        editor,
        left_tab,
        tutorial_open,
        state_machine,
        state_tool: RwSignal::new(None),
        breakpoints,
        paused,
    });
    // The Tests tab's coverage, drawn on the graph.
    provide_context(crate::panels::graph::coverage::CoverageMarks(RwSignal::new(None)));
    let errors = Memo::new(move |_| compiled.with(|c| c.errors()));
    let running = Signal::derive(move || {
        run_view.with(|r| r.as_ref().is_some_and(|r| r.status == Status::Running))
    });

    Effect::new(move |_| definition.with(|d| storage::save(storage::KEY_DEFINITION, d)));
    Effect::new(move |_| input.with(|i| storage::save(storage::KEY_INPUT, i)));
    Effect::new(move |_| mocks.with(|m| storage::save(storage::KEY_MOCKS, m)));
    Effect::new(move |_| match test_case.get() {
        Some(case) => storage::save(storage::KEY_TEST_CASE, &case),
        None => storage::remove(storage::KEY_TEST_CASE),
    });
    let breakpoint_list = move || breakpoints.with(|b| b.iter().cloned().collect::<Vec<String>>());

    let on_share = Callback::new(move |_| {
        let shared = Shared {
            definition: definition.get_untracked(),
            input: input.get_untracked(),
            mocks: mocks.get_untracked(),
            test_case: test_case.get_untracked(),
            breakpoints: breakpoints.with_untracked(|b| b.iter().cloned().collect()),
        };
        set_fragment(&share::encode(&shared));
    });
    let driver = Driver::new(run_view, clock.into(), notice).debugging(paused);
    // The callback controls (panels/callbacks.rs) send through the driver.
    provide_context(driver);
    // Breakpoints are saved with the definition and reach a run in progress.
    Effect::new(move |_| {
        let list = breakpoint_list();
        storage::save_breakpoints(&list);
        driver.set_breakpoints(list);
    });
    let on_pause = Callback::new(move |_| driver.pause());
    let on_continue = Callback::new(move |_| driver.resume());
    let on_step = Callback::new(move |_| driver.step());
    // The page's Executions list and Compare (panels/executions.rs, panels/compare.rs).
    let executions = crate::panels::executions::Executions::install(driver);
    crate::panels::compare::CompareState::install();
    // Redrive with the mock configuration as it is now (the outside world may have changed),
    // of the run that ended live or of a listed one opened from the list; recorded in its
    // record (panels/executions.rs).
    let on_redrive = Callback::new(move |_| {
        let case =
            mocks.with_untracked(|m| effective_test_case(m, test_case.get_untracked().as_deref()));
        notice.set(None);
        executions.redrive(mocks.get_untracked(), case);
    });
    let can_redrive =
        Signal::derive(move || driver.can_redrive() || executions.can_redrive_listed());
    let on_reset = Callback::new(move |_| {
        driver.abandon();
        storage::clear();
        set_fragment("");
        editor.load(TUTORIAL.to_string());
        input.set(sample_input("200"));
        mocks.set(String::new());
        test_case.set(None);
        breakpoints.set(Default::default());
        run_view.set(None);
        notice.set(None);
    });
    let run_now = move || {
        let parsed = input.with_untracked(|i| parse_json(i));
        let Ok(value) = parsed else {
            return;
        };
        if errors.get_untracked() > 0 {
            notice.set(Some("Fix the problems in the definition first.".into()));
            return;
        }
        if compiled.with_untracked(|c| c.machine.is_none()) {
            notice.set(Some("Fix the problems in the definition first.".into()));
            return;
        }
        let case =
            mocks.with_untracked(|m| effective_test_case(m, test_case.get_untracked().as_deref()));
        notice.set(None);
        // Listed in Executions, named, and run by the driver.
        let source = definition.get_untracked();
        executions.launch(
            Launch {
                // The definition as JSON (taken out of a template, or converted from YAML).
                definition: compiled.with_untracked(|c| c.definition.to_string()),
                input: value,
                mocks: mocks.get_untracked(),
                test_case: case,
                start_time_ms: js_sys::Date::now() as i64,
                breakpoints: breakpoints.with_untracked(|b| b.iter().cloned().collect()),
                extras: Default::default(),
            },
            source,
        );
    };
    // A Start pressed while JSONata is still on its way runs as soon as it arrives.
    let start_when_ready = RwSignal::new(false);
    Effect::new(move |_| {
        if jsonata.with(|j| *j == Availability::Ready) && start_when_ready.get_untracked() {
            start_when_ready.set(false);
            run_now();
        }
    });
    let on_start = Callback::new(move |_| {
        if definition.with_untracked(|d| jsonata_loader::needs_jsonata(d))
            && jsonata.with_untracked(|j| *j != Availability::Ready)
        {
            notice.set(Some("Loading JSONata support…".into()));
            start_when_ready.set(true);
            jsonata_loader::ensure_loaded(jsonata);
        } else {
            run_now();
        }
    });
    let on_stop = Callback::new(move |_| driver.stop());
    // Why Start is unavailable, shown beside it.
    let blocked = Signal::derive(move || match errors.get() {
        0 => None,
        1 => Some("Fix the problem in the definition to run it.".to_string()),
        n => Some(format!("Fix the {n} problems in the definition to run it.")),
    });

    view! {
        <div class="app">
            <Header on_share=on_share on_reset=on_reset />
            <main class="layout" class:with-tutorial=move || tutorial_open.get()>
                <TutorialPanel on_start=on_start />
                <div class="col left">
                    <LeftTabs />
                    <div class="left-view" class:hidden=move || left_tab.get() != LeftTab::Definition>
                        <section class="panel editor-panel" aria-label="Definition">
                            <ImportBar />
                            <DefinitionEditor />
                        </section>
                        <ProblemsList />
                    </div>
                    <div class="left-view" class:hidden=move || left_tab.get() != LeftTab::MockApi>
                        <MockPanel />
                    </div>
                    <div class="left-view" class:hidden=move || left_tab.get() != LeftTab::Tests>
                        <TestsPanel />
                    </div>
                </div>
                <div class="col right">
                    <InputPanel
                        clock=clock
                        running=running
                        blocked=blocked
                        on_start=on_start
                        on_stop=on_stop
                    />
                    <DebugControls
                        running=running
                        on_pause=on_pause
                        on_continue=on_continue
                        on_step=on_step
                        can_redrive=can_redrive
                        on_redrive=on_redrive
                    />
                    <StatusBanner />
                    <GraphPanel />
                    <PausedState />
                    <StateDetails />
                    <StateTools />
                    <IoTabs />
                    <ResultFilesPanel />
                </div>
                // The event history spans the page's width, as in the console.
                <div class="full-row">
                    <HistoryTable />
                </div>
                // Issue 11: the executions started in the page, and two compared.
                <div class="full-row">
                    <crate::panels::compare::ComparePanel />
                    <crate::panels::executions::ExecutionsPanel />
                </div>
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_link_wins_over_saved_state() {
        let shared = Shared {
            definition: "{}".into(),
            input: "[]".into(),
            mocks: "m".into(),
            test_case: Some("case".into()),
            breakpoints: vec!["A".into()],
        };
        let saved = storage::Saved { definition: Some("saved".into()), ..Default::default() };
        let (state, notice) = initial_state(&format!("#{}", share::encode(&shared)), saved);
        assert_eq!(state, shared);
        assert_eq!(notice, None);
    }

    #[test]
    fn saved_state_then_tutorial() {
        let saved = storage::Saved { input: Some("{\"a\":1}".into()), ..Default::default() };
        let (state, notice) = initial_state("", saved);
        assert_eq!(state.definition, TUTORIAL);
        assert_eq!(state.input, "{\"a\":1}");
        assert_eq!(notice, None);
    }

    #[test]
    fn a_damaged_link_is_reported_not_applied() {
        let (state, notice) = initial_state("#s=1.%%%", storage::Saved::default());
        assert_eq!(state.definition, TUTORIAL);
        assert!(notice.unwrap_or_default().starts_with("the share link is damaged"));
    }
}
