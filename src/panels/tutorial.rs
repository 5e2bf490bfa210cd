//! The guided tutorial: a side panel walking through the error-handling tutorial machine
//! (`MyAPIStateMachine`) with buttons that set the input and run it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::panels::gallery::{self, LeftTab};
use crate::panels::state_tools::StateTool;
use crate::persist::storage;
use crate::run::Status;
use crate::session::{session, Session};

/// A step that runs the tutorial machine, and what the run shows (checked by the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunStep {
    pub id: &'static str,
    pub button: &'static str,
    pub input: &'static str,
    pub status: Status,
    pub error: Option<&'static str>,
    pub events: usize,
}

pub const RUN_200: RunStep = RunStep {
    id: "200",
    button: "Run with 200",
    input: "{\n  \"statuscode\": \"200\"\n}",
    status: Status::Succeeded,
    error: None,
    events: 9,
};
pub const RUN_503: RunStep = RunStep {
    id: "503",
    button: "Run with 503",
    input: "{\n  \"statuscode\": \"503\"\n}",
    status: Status::Failed,
    error: Some("ServerUnavailable"),
    events: 8,
};
pub const RUN_429: RunStep = RunStep {
    id: "429",
    button: "Run with 429",
    input: "{\n  \"statuscode\": \"429\"\n}",
    status: Status::Succeeded,
    error: None,
    events: 24,
};
pub const RUN_MISSPELLED: RunStep = RunStep {
    id: "misspelled",
    button: "Run with a misspelled key",
    input: "{\n  \"statusCode\": \"200\"\n}",
    status: Status::Failed,
    error: Some("An error of unknown type occurred"),
    events: 8,
};

pub const RUN_STEPS: [RunStep; 4] = [RUN_200, RUN_503, RUN_429, RUN_MISSPELLED];

/// What a run step acts on: the session, and Start.
#[derive(Clone, Copy)]
struct Ctx {
    session: Session,
    on_start: Callback<()>,
}

impl Ctx {
    fn is_tutorial(&self) -> bool {
        self.session.definition.with(|d| d.trim() == gallery::tutorial().definition.trim())
    }

    /// Loads the tutorial if another definition is shown, sets the step's input, turns mocks
    /// off (the steps are about the built-in function) and starts the execution.
    fn run(&self, step: RunStep) {
        let mut replaced = false;
        let Session { definition, input, test_case, notice, .. } = self.session;
        if !definition.with_untracked(|d| d.trim() == gallery::tutorial().definition.trim()) {
            replaced = gallery::load(gallery::tutorial(), self.session);
        }
        let had_test_case = test_case.get_untracked().is_some();
        test_case.set(None);
        input.set(step.input.to_string());
        self.on_start.run(());
        reveal_status();
        let mut notes = Vec::new();
        if replaced {
            notes.push(gallery::replaced_notice(gallery::tutorial().title));
        }
        if had_test_case {
            notes.push(
                "The mock test case was turned off so that the built-in MockAPIFunction answers."
                    .to_string(),
            );
        }
        if !notes.is_empty() && notice.with_untracked(Option::is_none) {
            notice.set(Some(notes.join(" ")));
        }
    }
}

/// Brings the status banner into view when it is off screen (on a phone the tutorial sits
/// above the editor, far from the result).
fn reveal_status() {
    request_animation_frame(|| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
        let top = window.scroll_y().unwrap_or(0.0);
        let banner = window
            .document()
            .and_then(|d| d.get_element_by_id("execution-status"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(banner) = banner {
            let (y, h) = (f64::from(banner.offset_top()), f64::from(banner.offset_height()));
            if y > top + height - 40.0 || y + h < top {
                banner.scroll_into_view();
            }
        }
    });
}

/// The state whose data flow the data flow step opens.
pub const DATA_FLOW_STATE: &str = "Change to 200";

/// Opens the data flow of [`DATA_FLOW_STATE`], running the tutorial with 429 first unless the
/// shown execution went through it.
fn data_flow_button(ctx: Ctx) -> impl IntoView {
    let open = move |_| {
        let session = ctx.session;
        let ran_it = ctx.is_tutorial()
            && session.run_view.with_untracked(|r| {
                r.as_ref()
                    .is_some_and(|r| r.data_flow.visits.iter().any(|v| v.state == DATA_FLOW_STATE))
            });
        if !ran_it {
            ctx.run(RUN_429);
        }
        session.selected_state.set(Some(DATA_FLOW_STATE.to_string()));
        session.state_tool.set(Some(StateTool::DataFlow));
    };
    view! {
        <button class="btn primary small tutorial-run" id="tutorial-data-flow" on:click=open>
            "Open the data flow of Change to 200"
        </button>
    }
}

/// The tutorial's 503 and 429 runs, compared side by side (listed ones when the Executions
/// list has them, else listed now and re-created by Compare).
fn compare_button() -> impl IntoView {
    let executions = crate::panels::executions::executions();
    let state = crate::panels::compare::compare_state();
    let open = move |_| {
        let source = gallery::tutorial().definition;
        let definition = serde_json::from_str::<serde_json::Value>(source)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| source.to_string());
        let now = js_sys::Date::now() as i64;
        let run = |step: RunStep, at: i64| {
            let input = serde_json::from_str(step.input).unwrap_or_default();
            executions.find_or_list(&definition, source, input, at)
        };
        let left = run(RUN_503, now);
        let right = run(RUN_429, now + 1);
        executions.picked.set(vec![left, right]);
        state.compare(executions, left, right);
        request_animation_frame(|| {
            let panel = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("compare-panel"));
            if let Some(panel) = panel {
                panel.scroll_into_view();
            }
        });
    };
    view! {
        <button class="btn primary small tutorial-run" id="tutorial-compare" on:click=open>
            "Compare the 503 and 429 runs"
        </button>
    }
}

fn run_button(ctx: Ctx, step: RunStep) -> impl IntoView {
    let label = move || {
        if ctx.is_tutorial() {
            step.button.to_string()
        } else {
            format!("Load tutorial & {}", step.button.to_lowercase())
        }
    };
    view! {
        <button
            class="btn primary small tutorial-run"
            id=format!("tutorial-run-{}", step.id)
            data-step=step.id
            on:click=move |_| ctx.run(step)
        >
            {label}
        </button>
    }
}

#[component]
pub fn TutorialPanel(on_start: Callback<()>) -> impl IntoView {
    let session = session();
    let Session { tutorial_open: open, left_tab, .. } = session;
    let ctx = Ctx { session, on_start };
    Effect::new(move |_| {
        storage::save(storage::KEY_TUTORIAL, if open.get() { "open" } else { "closed" })
    });
    let show_source = move |_| left_tab.set(LeftTab::MockApi);
    let show_definition = move |_| left_tab.set(LeftTab::Definition);

    view! {
        <aside class="panel tutorial" id="tutorial" aria-label="Tutorial" class:closed=move || !open.get()>
            <div class="tutorial-head">
                <h2 class="panel-title">"Tutorial: handling errors with Retry and Catch"</h2>
                <button
                    class="icon-btn"
                    id="tutorial-close"
                    title="Hide the tutorial"
                    aria-label="Hide the tutorial"
                    on:click=move |_| open.set(false)
                >
                    "\u{00d7}"
                </button>
            </div>
            <Show when=move || !ctx.is_tutorial()>
                <p class="tutorial-warning" role="note">
                    "The editor holds another definition. The run buttons load the tutorial in its place (Ctrl+Z in the editor brings yours back)."
                </p>
            </Show>
            <ol class="tutorial-steps">
                <li>
                    <h3>"The mock API"</h3>
                    <p>
                        "The Task state " <b>"Call API"</b> " invokes " <code>"MockAPIFunction"</code>
                        ", a small Python Lambda function built into Stepwise. It reads "
                        <code>"event[\"statuscode\"]"</code> ": " <code>"\"200\""</code> " returns "
                        <code>"\"200 OK\""</code> ", " <code>"\"429\""</code> " raises "
                        <code>"TooManyRequestsException"</code> ", " <code>"\"503\""</code> " raises "
                        <code>"ServerUnavailableException"</code>
                        ", anything else raises " <code>"UnknownException"</code>
                        ". The exception's class name is the error name the state machine sees."
                    </p>
                    <button class="link-btn" id="tutorial-show-source" on:click=show_source>
                        "Show its source"
                    </button>
                </li>
                <li>
                    <h3>"Retry and Catch"</h3>
                    <p>
                        <b>"Retry"</b> " on Call API retries " <code>"TooManyRequestsException"</code>
                        " up to " <code>"MaxAttempts"</code> " = 2 more times, waiting "
                        <code>"IntervalSeconds"</code>
                        " = 1 s, then 2 s (the default BackoffRate is 2)."
                    </p>
                    <p>
                        "When the retries are used up, or no retrier matches, the first matching "
                        <b>"Catch"</b> " decides where to go: 429 \u{2192} "
                        <i>"Wait and Try Later"</i> ", 503 \u{2192} " <i>"Server Unavailable"</i>
                        " (a Fail state), any other error (" <code>"States.ALL"</code> ") \u{2192} "
                        <i>"Catch All"</i> "."
                    </p>
                    <button class="link-btn" on:click=show_definition>"Show the definition"</button>
                </li>
                <li>
                    <h3>"Run with 200"</h3>
                    <p>
                        "The function answers; the execution " <b>"succeeds"</b>
                        " with the output " <code>"\"The request has succeeded.\""</code>
                        " from the Pass state OK. The history has 9 events, with "
                        <code>"LambdaFunctionSucceeded"</code> " at row 5."
                    </p>
                    {run_button(ctx, RUN_200)}
                </li>
                <li>
                    <h3>"Run with 503 and read the history"</h3>
                    <p>
                        "No retrier matches " <code>"ServerUnavailableException"</code>
                        ", so the Catch sends it straight to " <i>"Server Unavailable"</i>
                        ". The execution " <b>"fails"</b> " with error "
                        <code>"ServerUnavailable"</code> " in 8 events. Expand row 5, "
                        <code>"LambdaFunctionFailed"</code>
                        ", to see the function's error and its Python stack trace in the cause."
                    </p>
                    {run_button(ctx, RUN_503)}
                </li>
                <li>
                    <h3>"Run with 429: the retries and the Wait"</h3>
                    <p>
                        "Watch the Elapsed column: " <code>"LambdaFunctionFailed"</code>
                        " at 0 s, 1 s and 3 s (the first call and two retries). Then the Catch leads to "
                        <i>"Wait and Try Later"</i> " (1 s), " <i>"Change to 200"</i>
                        " replaces the input, and Call API now " <b>"succeeds"</b>
                        ": 24 events, 4 s of virtual time."
                    </p>
                    <p class="hint">
                        "Choose the " <b>"Real time"</b>
                        " clock first to see it happen at the pace AWS would run it."
                    </p>
                    {run_button(ctx, RUN_429)}
                </li>
                <li>
                    <h3>"Data flow: why " <code>"statusCode"</code> " ends in Catch All"</h3>
                    <p>
                        "The " <b>"Data flow"</b> " of " <i>"Change to 200"</i>
                        " shows what each field did to the data in the 429 run. Its input is the Catch's "
                        <code>"{\"Error\": …, \"Cause\": …}"</code> "; its " <code>"Result"</code>
                        " is " <code>"{\"statuscode\": \"200\"}"</code> " and, with the default "
                        <code>"ResultPath"</code> " " <code>"$"</code>
                        ", that Result replaces the whole input: it is exactly what Call API receives next."
                    </p>
                    <p>
                        "The function reads " <code>"event[\"statuscode\"]"</code>
                        ", and JSON keys are case-sensitive. Had the Result said "
                        <code>"statusCode"</code> ", Call API's input would have no "
                        <code>"statuscode"</code> " key: the function raises " <code>"KeyError"</code>
                        ", no retrier and no Catch but " <code>"States.ALL"</code>
                        " matches it, and the execution goes to " <i>"Catch All"</i>
                        " and fails. The data flow of Call API in that run shows the error and the catcher (#3) that matched."
                    </p>
                    {data_flow_button(ctx)}
                </li>
                <li>
                    <h3>"Compare the 503 and 429 runs"</h3>
                    <p>
                        "Every run is kept in " <b>"Executions"</b>
                        " below the history. Pick two and press " <b>"Compare"</b>
                        " to see their states side by side. The 503 and 429 runs part at "
                        <i>"Call API"</i> ": it receives a different input and fails with a different error. From there, 503 goes to "
                        <i>"Server Unavailable"</i> " and 429 goes through " <i>"Wait and Try Later"</i> " and "
                        <i>"Change to 200"</i> ". The graph marks the states only one of them visited."
                    </p>
                    <p class="hint">
                        "On a state of a past execution, " <b>"Re-run from here"</b>
                        " starts a new execution at that state, with the input it received (which you can edit)."
                    </p>
                    {compare_button()}
                </li>
                <li>
                    <h3>"What to try next"</h3>
                    <ul>
                        <li>
                            "Set " <code>"MaxAttempts"</code> " to 0 and run with 429: one call, no retries, the Catch applies at once. Set it to 5: six calls, 31 s (1 + 2 + 4 + 8 + 16) before the Wait."
                        </li>
                        <li>
                            "Add a Catch for " <code>"KeyError"</code>
                            " before " <code>"States.ALL"</code>
                            ", leading to a new Fail state, and run the next step again."
                        </li>
                        <li>
                            "Misspell the key: with " <code>"statusCode"</code>
                            " the function raises " <code>"KeyError"</code>
                            ", which only " <code>"States.ALL"</code> " matches: the execution lands in "
                            <i>"Catch All"</i> " and fails."
                        </li>
                    </ul>
                    {run_button(ctx, RUN_MISSPELLED)}
                </li>
            </ol>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run;

    #[test]
    fn every_step_runs_as_its_text_says() {
        for step in RUN_STEPS {
            let input = crate::definition::problems::parse_json(step.input)
                .unwrap_or_else(|p| panic!("{}: {}", step.id, p.message));
            let view = run::start(gallery::tutorial().definition, &input, "", None)
                .unwrap_or_else(|e| panic!("{}: {e}", step.id));
            assert_eq!(view.status, step.status, "{}", step.id);
            assert_eq!(view.error.as_deref(), step.error, "{}", step.id);
            assert_eq!(view.events.len(), step.events, "{}", step.id);
        }
    }

    #[test]
    fn the_history_details_the_text_points_at() {
        let run = |code: &str| {
            let input = serde_json::json!({ "statuscode": code });
            run::start(gallery::tutorial().definition, &input, "", None)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let ok = run("200");
        assert_eq!(ok.events.get(4).map(|e| e.type_name()), Some("LambdaFunctionSucceeded"));
        let failed = run("503");
        let row5 = failed.events.get(4).map(|e| e.to_aws_json().to_string()).unwrap_or_default();
        assert!(
            row5.contains("LambdaFunctionFailed") && row5.contains("ServerUnavailableException")
        );
        assert!(row5.contains("lambda_function.py"), "the cause has the stack trace: {row5}");
        let retried = run("429");
        let failures: Vec<i64> = retried
            .events
            .iter()
            .filter(|e| e.type_name() == "LambdaFunctionFailed")
            .map(|e| retried.elapsed_ms(e))
            .collect();
        assert_eq!(failures, vec![0, 1000, 3000]);
        let wait: Vec<i64> = retried
            .events
            .iter()
            .filter(|e| e.state_name.as_deref() == Some("Wait and Try Later"))
            .map(|e| retried.elapsed_ms(e))
            .collect();
        assert_eq!(wait, vec![3000, 4000]);
        assert_eq!(retried.events.last().map(|e| retried.elapsed_ms(e)), Some(4000));
    }

    #[test]
    fn the_data_flow_step_shows_what_its_text_says() {
        use asl::runner::TraceOutcome;
        let run = |key: &str| {
            let input = serde_json::json!({ key: if key == "statuscode" { "429" } else { "200" } });
            run::start(gallery::tutorial().definition, &input, "", None)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let retried = run("statuscode");
        let change: Vec<_> =
            retried.data_flow.visits.iter().filter(|v| v.state == DATA_FLOW_STATE).collect();
        assert_eq!(change.len(), 1);
        let expected = serde_json::json!({"statuscode": "200"});
        assert_eq!(change[0].trace.result.as_ref(), Some(&expected));
        assert_eq!(change[0].trace.output.as_ref(), Some(&expected));
        assert_eq!(
            change[0].trace.input.as_ref().and_then(|i| i.get("Error")),
            Some(&serde_json::json!("TooManyRequestsException"))
        );
        let misspelled = run("statusCode");
        let call = misspelled.data_flow.visits.iter().find(|v| v.state == "Call API");
        assert_eq!(
            call.and_then(|v| v.trace.outcome.clone()),
            Some(TraceOutcome::Caught { catch_index: 2, next: "Catch All".into() })
        );
        assert_eq!(
            call.and_then(|v| v.trace.error.as_ref()).and_then(|e| e.error.as_deref()),
            Some("KeyError")
        );
    }

    #[test]
    fn the_compare_step_shows_what_its_text_says() {
        use asl::history::compare::compare;
        let run = |step: RunStep| {
            let input = crate::definition::problems::parse_json(step.input)
                .unwrap_or_else(|p| panic!("{}", p.message));
            run::start(gallery::tutorial().definition, &input, "", None)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let (failed, retried) = (run(RUN_503), run(RUN_429));
        let c = compare(
            (&failed.events, failed.status.engine()),
            (&retried.events, retried.status.engine()),
        );
        assert_eq!(c.parting_state(), Some("Call API"));
        assert_eq!(c.only_left, ["Server Unavailable"]);
        assert_eq!(c.only_right, ["Change to 200", "OK", "Wait and Try Later"]);
    }

    #[test]
    fn max_attempts_zero_skips_the_retries() {
        let text =
            gallery::tutorial().definition.replace("\"MaxAttempts\": 2", "\"MaxAttempts\": 0");
        let input = serde_json::json!({ "statuscode": "429" });
        let view = run::start(&text, &input, "", None).unwrap_or_else(|e| panic!("{e}"));
        let failures =
            view.events.iter().filter(|e| e.type_name() == "LambdaFunctionFailed").count();
        assert_eq!(failures, 1);
        assert_eq!(view.status, Status::Succeeded);

        let text =
            gallery::tutorial().definition.replace("\"MaxAttempts\": 2", "\"MaxAttempts\": 5");
        let view = run::start(&text, &input, "", None).unwrap_or_else(|e| panic!("{e}"));
        let failures: Vec<i64> = view
            .events
            .iter()
            .filter(|e| e.type_name() == "LambdaFunctionFailed")
            .map(|e| view.elapsed_ms(e))
            .collect();
        assert_eq!(failures.len(), 6);
        let wait = view.events.iter().find(|e| e.type_name() == "WaitStateEntered");
        assert_eq!(wait.map(|e| view.elapsed_ms(e)), Some(31_000));
    }
}
