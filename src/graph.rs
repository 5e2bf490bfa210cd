//! The graph panel: the top level of the state machine drawn as SVG, positioned by the
//! `layout` crate. States the last execution entered are highlighted.

use std::collections::BTreeSet;

use asl::definition::{StateKind, Transition};
use layout::{Direction, Edge, EdgeKind, Graph, Layout, Node, Options};
use leptos::prelude::*;

use crate::run::{RunView, Status};

const START: &str = "__start";
const END: &str = "__end";

fn node_width(name: &str) -> f64 {
    (name.chars().count() as f64 * 7.5 + 32.0).max(90.0)
}

/// The top-level graph of a definition, or None when it does not parse.
pub fn graph_of(definition: &str) -> Option<Graph> {
    let machine = asl::StateMachine::from_text(definition).ok()?;
    let program = &machine.program;
    let mut nodes = vec![Node::new(START, 14.0, 14.0)];
    let mut edges = vec![Edge::new(START, program.start_at.clone(), EdgeKind::Next)];
    let mut ends = false;
    for (name, state) in &program.states {
        nodes.push(Node::new(name.clone(), node_width(name), 44.0));
        match &state.transition {
            Transition::Next(next) => {
                edges.push(Edge::new(name.clone(), next.clone(), EdgeKind::Next))
            }
            Transition::End => {
                ends = true;
                edges.push(Edge::new(name.clone(), END, EdgeKind::Next));
            }
            Transition::Terminal => {}
        }
        match &state.kind {
            StateKind::Choice(choice) => {
                for branch in &choice.choices {
                    edges.push(Edge::new(name.clone(), branch.next.clone(), EdgeKind::Choice));
                }
                if let Some(default) = &choice.default {
                    edges.push(Edge::new(name.clone(), default.clone(), EdgeKind::Default));
                }
            }
            StateKind::Succeed | StateKind::Fail(_) => {
                ends = true;
                edges.push(Edge::new(name.clone(), END, EdgeKind::Next));
            }
            _ => {}
        }
        for catcher in &state.catch {
            edges.push(Edge::new(name.clone(), catcher.next.clone(), EdgeKind::Catch));
        }
    }
    if ends {
        nodes.push(Node::new(END, 14.0, 14.0));
    }
    Some(Graph { nodes, edges })
}

pub fn layout_of(definition: &str) -> Option<Layout> {
    let graph = graph_of(definition)?;
    let options = Options { direction: Direction::TopDown, ..Options::default() };
    layout::layout(&graph, &options).ok()
}

fn points(edge: &layout::EdgeLayout) -> String {
    edge.points.iter().map(|p| format!("{:.1},{:.1}", p.x, p.y)).collect::<Vec<_>>().join(" ")
}

#[component]
pub fn GraphPanel(
    #[prop(into)] definition: Signal<String>,
    #[prop(into)] run: Signal<Option<RunView>>,
    /// The state whose Input / Output / Details are shown; clicking a state sets it.
    selected: RwSignal<Option<String>>,
    /// A state to emphasise (the history row under the pointer).
    #[prop(into)]
    highlighted: Signal<Option<String>>,
) -> impl IntoView {
    let laid_out = Memo::new(move |_| definition.with(|d| layout_of(d)));
    let entered = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.events
                        .iter()
                        .filter(|e| e.event_type.ends_with("StateEntered"))
                        .filter_map(|e| e.step.clone())
                        .collect::<BTreeSet<_>>()
                })
                .unwrap_or_default()
        })
    });
    let failed_state = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref().filter(|r| r.status == Status::Failed).and_then(|r| {
                r.events
                    .iter()
                    .rev()
                    .find(|e| e.event_type.ends_with("StateEntered"))
                    .and_then(|e| e.step.clone())
            })
        })
    });
    let svg = move || match laid_out.get() {
        None => view! {
            <p class="empty">"Fix the problems in the definition to see the graph."</p>
        }
        .into_any(),
        Some(l) => {
            let b = l.bounds;
            let view_box =
                format!("{} {} {} {}", b.x - 8.0, b.y - 8.0, b.width + 16.0, b.height + 16.0);
            let edges = l
                .edges
                .iter()
                .map(|e| {
                    let class = match e.kind {
                        EdgeKind::Catch => "edge catch",
                        EdgeKind::Default => "edge default",
                        _ => "edge",
                    };
                    view! { <polyline class=class points=points(e) marker-end="url(#arrow)" /> }
                })
                .collect_view();
            let nodes = l
                .nodes
                .iter()
                .map(|n| {
                    let r = n.rect;
                    if n.id == START || n.id == END {
                        return view! {
                            <circle
                                class="terminal"
                                cx=r.center().x
                                cy=r.center().y
                                r=r.width / 2.0
                            />
                        }
                        .into_any();
                    }
                    let visited = entered.with(|s| s.contains(&n.id));
                    let failed = failed_state.with(|f| f.as_deref() == Some(n.id.as_str()));
                    let class = if failed {
                        "state failed"
                    } else if visited {
                        "state visited"
                    } else {
                        "state"
                    };
                    let id = n.id.clone();
                    let id_for_class = n.id.clone();
                    let id_for_sel = n.id.clone();
                    view! {
                        <g
                            class=class
                            class:highlighted=move || {
                                highlighted.with(|h| h.as_deref() == Some(id_for_class.as_str()))
                            }
                            class:selected=move || {
                                selected.with(|s| s.as_deref() == Some(id_for_sel.as_str()))
                            }
                            on:click=move |_| selected.set(Some(id.clone()))
                        >
                            <rect x=r.x y=r.y width=r.width height=r.height rx="6" />
                            <text x=r.center().x y=r.center().y + 4.0 text-anchor="middle">
                                {n.id.clone()}
                            </text>
                        </g>
                    }
                    .into_any()
                })
                .collect_view();
            view! {
                <svg
                    class="graph-svg"
                    viewBox=view_box
                    role="img"
                    aria-label="State machine graph"
                    preserveAspectRatio="xMidYMin meet"
                >
                    <defs>
                        <marker
                            id="arrow"
                            viewBox="0 0 10 10"
                            refX="10"
                            refY="5"
                            markerWidth="7"
                            markerHeight="7"
                            orient="auto-start-reverse"
                        >
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                        </marker>
                    </defs>
                    {edges}
                    {nodes}
                </svg>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel graph" aria-label="Graph view">
            <h2 class="panel-title">"Graph view"</h2>
            {svg}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_graph() {
        let graph = graph_of(include_str!("../examples/tutorial.asl.json"));
        let Some(graph) = graph else { panic!("tutorial should parse") };
        // start, six states, end
        assert_eq!(graph.nodes.len(), 8);
        let catches = graph.edges.iter().filter(|e| e.kind == EdgeKind::Catch).count();
        assert_eq!(catches, 3);
        assert!(layout_of(include_str!("../examples/tutorial.asl.json")).is_some());
    }

    #[test]
    fn invalid_definition_has_no_graph() {
        assert!(graph_of("{").is_none());
    }
}
