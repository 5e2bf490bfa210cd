//! The header: title, Export, Share and Reset to example.

use leptos::prelude::*;

use crate::panels::export::ExportMenu;

#[component]
pub fn Header(on_share: Callback<()>, on_reset: Callback<()>) -> impl IntoView {
    let (note, set_note) = signal(String::new());
    view! {
        <header class="app-header">
            <div class="brand">
                <span class="logo" aria-hidden="true">"◆"</span>
                <h1>"Stepwise"</h1>
                <span class="tagline">"AWS Step Functions playground — runs in your browser"</span>
            </div>
            <div class="header-actions">
                <span class="note" role="status">{note}</span>
                <ExportMenu />
                <button
                    class="btn"
                    id="share"
                    on:click=move |_| {
                        on_share.run(());
                        set_note.set("Link copied to the address bar".into());
                    }
                >
                    "Share"
                </button>
                <button
                    class="btn"
                    id="reset"
                    on:click=move |_| {
                        on_reset.run(());
                        set_note.set(String::new());
                    }
                >
                    "Reset to example"
                </button>
            </div>
        </header>
    }
}
