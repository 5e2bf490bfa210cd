//! While a run is paused: the state it is about to enter (or is in), with the input it will
//! receive, the workflow variables in scope, and `$states` / `$$` as the state will see them.
//! The engine computes all of it (`asl::runner::Pause`); this panel only shows it.

use leptos::prelude::*;

use crate::panels::status::pretty;
use crate::run::debugger::PauseView;
use crate::session::session;

fn section(title: &'static str, id: &'static str, value: &serde_json::Value) -> impl IntoView {
    view! {
        <h3 class="paused-heading">{title}</h3>
        <pre class="json-view" id=id>{pretty(value)}</pre>
    }
}

fn body(p: PauseView) -> impl IntoView {
    let scope = (!p.scope.is_empty()).then(|| {
        view! { <p class="paused-scope">{format!("In {}", p.scope.join(", "))}</p> }
    });
    let when = if p.entering { "Input it is about to receive" } else { "Input it received" };
    let states = p.states.as_ref().map(|s| section("$states", "paused-states", s));
    view! {
        <section class="panel paused-state" aria-label="Paused state">
            <h2 class="panel-title" id="paused-title">{p.label()}</h2>
            {scope}
            {section(when, "paused-input", &p.input)}
            {section("Variables in scope", "paused-variables", &p.variables)}
            {states}
            {section("$$ (Context object)", "paused-context", &p.context)}
        </section>
    }
}

#[component]
pub fn PausedState() -> impl IntoView {
    let paused = session().paused;
    move || paused.get().map(body)
}
