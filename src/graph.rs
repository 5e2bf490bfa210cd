//! The graph panel (SVG). The layout comes from the `layout` crate, which is not merged into
//! this branch yet; until then the panel says so instead of drawing a made-up layout.

use leptos::prelude::*;

#[component]
pub fn GraphPanel(#[prop(into)] valid: Signal<bool>) -> impl IntoView {
    view! {
        <section class="panel graph" aria-label="Graph view">
            <h2 class="panel-title">"Graph view"</h2>
            <svg class="graph-svg" viewBox="0 0 400 120" role="img" aria-label="State machine graph">
                <text x="200" y="55" text-anchor="middle" class="graph-note">
                    {move || {
                        if valid.get() {
                            "The graph is drawn once the layout engine is included."
                        } else {
                            "Fix the problems in the definition to see the graph."
                        }
                    }}
                </text>
            </svg>
        </section>
    }
}
