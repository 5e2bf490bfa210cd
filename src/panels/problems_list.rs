//! The problems list under the editor: the definition's problems, then the quota guardrail
//! warnings of the last finished run (decision 0015).

use leptos::prelude::*;

use crate::definition::problems::{run_problems, Severity};
use crate::run::Status;
use crate::session::{session, Session};

#[component]
pub fn ProblemsList() -> impl IntoView {
    let Session { problems: found, editor, compiled, run_view, .. } = session();
    let from_run = Memo::new(move |_| {
        run_view.with(|run| match run {
            Some(run) if run.status != Status::Running => {
                compiled.with(|c| run_problems(c, &run.events))
            }
            _ => Vec::new(),
        })
    });
    let problems = Memo::new(move |_| {
        let mut all = found.get();
        all.extend(from_run.get());
        all
    });
    let count = move || problems.with(Vec::len);
    view! {
        <section class="panel problems" aria-label="Problems">
            <h2 class="panel-title">
                "Problems " <span class="count" class:zero=move || count() == 0>{count}</span>
            </h2>
            <Show
                when=move || { count() > 0 }
                fallback=|| view! { <p class="empty ok">"No problems found."</p> }
            >
                <ul class="problem-list">
                    {move || {
                        problems
                            .get()
                            .into_iter()
                            .map(|p| {
                                let sev = match p.severity {
                                    Severity::Error => "error",
                                    Severity::Warning => "warning",
                                };
                                let (line, column) = (p.line, p.column);
                                view! {
                                    <li
                                        class=format!("problem {sev}")
                                        on:click=move |_| {
                                            if let Some(line) = line {
                                                editor.reveal(line, column.unwrap_or(1));
                                            }
                                        }
                                    >
                                        <span class="pos">{p.position()}</span>
                                        <span class="msg">{p.message.clone()}</span>
                                        <span class="code">{p.code.clone()}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}
