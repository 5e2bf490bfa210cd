//! The graph panel, like the console's graph view: every state (Parallel branches and Map item
//! processors nested inside their state), Start/End markers, labelled Choice / Catch / Retry
//! edges, coloured by the status of the last execution; zoom, pan, fit, direction and export.
//!
//! The layout (the `layout` crate) and the SVG markup ([`svg`]) are computed once per
//! (definition, direction) and cached; a run only changes the class of each `g[data-state]`.

pub mod coverage;
pub mod model;
pub mod svg;

use std::collections::BTreeMap;
use std::sync::Arc;

use layout::{Direction, Rect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::panels::legend::Legend;
use asl::history::reader::StateStatus;

use crate::run::RunView;
use crate::session::{session, Session};
use model::Drawing;

/// A laid-out definition with its markup (shared, compared by value so that an edit that
/// does not change the drawing keeps the view).
#[derive(Debug, Clone)]
struct Drawn {
    drawing: Arc<Drawing>,
    markup: Arc<str>,
}

impl PartialEq for Drawn {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.drawing, &other.drawing) || self.drawing == other.drawing
    }
}

const CACHE_SIZE: usize = 4;

/// Recent drawings by (definition text, direction).
type DrawingCache = Vec<(Arc<str>, Direction, Option<Drawn>)>;

fn draw(machine: &asl::StateMachine, direction: Direction) -> Option<Drawn> {
    let drawing = model::drawing_of(machine, direction)?;
    let markup = svg::contents(&drawing, &|_| "not-run");
    Some(Drawn { drawing: Arc::new(drawing), markup: markup.into() })
}

/// The drag in progress: where it started and the view then.
#[derive(Debug, Clone, Copy)]
struct Drag {
    x: f64,
    y: f64,
    view: Rect,
    moved: bool,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The SVG element's size on screen (None while it is not laid out).
fn client_size(el: &web_sys::Element) -> Option<(f64, f64, f64, f64)> {
    let r = el.get_bounding_client_rect();
    (r.width() > 0.0 && r.height() > 0.0).then(|| (r.left(), r.top(), r.width(), r.height()))
}

/// The largest zoom Fit uses (small graphs are not blown up).
const FIT_MAX_SCALE: f64 = 1.0;
const MIN_SCALE: f64 = 0.1;
const MAX_SCALE: f64 = 4.0;

/// The view box showing `full` centred in a `width` x `height` viewport.
fn fitted(full: Rect, width: f64, height: f64) -> Rect {
    let scale = (width / full.width).min(height / full.height).min(FIT_MAX_SCALE);
    let (w, h) = (width / scale, height / scale);
    let c = full.center();
    Rect { x: c.x - w / 2.0, y: c.y - h / 2.0, width: w, height: h }
}

/// `view` zoomed by `factor` (> 1 zooms in) around the drawing point (ax, ay), its scale kept
/// within bounds for a viewport `client_width` wide.
fn zoomed(view: Rect, factor: f64, ax: f64, ay: f64, client_width: f64) -> Rect {
    let scale = client_width / view.width;
    let target = (scale * factor).clamp(MIN_SCALE, MAX_SCALE);
    let f = target / scale;
    if !f.is_finite() || f <= 0.0 {
        return view;
    }
    Rect {
        x: ax - (ax - view.x) / f,
        y: ay - (ay - view.y) / f,
        width: view.width / f,
        height: view.height / f,
    }
}

/// Starts a download of `url` as `filename`.
fn download(url: &str, filename: &str) {
    let Some(doc) = document() else {
        return;
    };
    let Some(a) =
        doc.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    a.set_href(url);
    a.set_download(filename);
    a.click();
}

fn export_svg(text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download(&url, "state-machine.svg");
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 5000);
    }
}

/// Draws the SVG on a canvas at twice its size and downloads it as PNG.
fn export_png(text: &str, width: f64, height: f64) {
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let loaded = img.clone();
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let Some(doc) = document() else {
            return;
        };
        let Some(canvas) = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        let scale = 2.0;
        canvas.set_width((width * scale).ceil() as u32);
        canvas.set_height((height * scale).ceil() as u32);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(
            &loaded,
            0.0,
            0.0,
            width * scale,
            height * scale,
        );
        if let Ok(url) = canvas.to_data_url_with_type("image/png") {
            download(&url, "state-machine.png");
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    let encoded: String = js_sys::encode_uri_component(text).into();
    img.set_src(&format!("data:image/svg+xml;charset=utf-8,{encoded}"));
}

/// Sets each state group's class: its kind, its status, selected / highlighted, and the
/// debugger's marks (a breakpoint, the state a run is paused at).
fn apply_classes(
    el: &web_sys::Element,
    statuses: &BTreeMap<String, StateStatus>,
    selected: Option<&str>,
    highlighted: Option<&str>,
    debug: (&std::collections::BTreeSet<String>, Option<&str>),
) {
    let Ok(groups) = el.query_selector_all("[data-state]") else {
        return;
    };
    for i in 0..groups.length() {
        let Some(g) = groups.item(i).and_then(|g| g.dyn_into::<web_sys::Element>().ok()) else {
            continue;
        };
        let (Some(name), Some(base)) =
            (g.get_attribute("data-state"), g.get_attribute("data-base"))
        else {
            continue;
        };
        let status = statuses.get(&name).map_or("not-run", |s| s.css());
        let mut class = format!("{base} {status}");
        if selected == Some(name.as_str()) {
            class.push_str(" selected");
        }
        if highlighted == Some(name.as_str()) {
            class.push_str(" highlighted");
        }
        if debug.0.contains(&name) {
            class.push_str(" breakpoint");
        }
        if debug.1 == Some(name.as_str()) {
            class.push_str(" paused");
        }
        if g.get_attribute("class").as_deref() != Some(class.as_str()) {
            let _ = g.set_attribute("class", &class);
        }
    }
}

const LEGEND: [(StateStatus, &str); 5] = [
    (StateStatus::InProgress, "in-progress"),
    (StateStatus::Succeeded, "succeeded"),
    (StateStatus::Failed, "failed"),
    (StateStatus::CaughtError, "caught-error"),
    (StateStatus::Cancelled, "cancelled"),
];

fn swatch_style(class: &str) -> String {
    svg::STATUS_COLOURS
        .iter()
        .find(|(c, _, _)| *c == class)
        .map(|(_, fill, stroke)| format!("background:{fill};border-color:{stroke}"))
        .unwrap_or_default()
}

#[component]
pub fn GraphPanel() -> impl IntoView {
    // The selected state's Input / Output / Details are shown (clicking a state sets it); the
    // hovered one (the history row under the pointer) is emphasised.
    let Session {
        compiled,
        run_view: run,
        selected_state: selected,
        hovered_state: highlighted,
        breakpoints,
        paused,
        ..
    } = session();
    let paused_at = Memo::new(move |_| paused.with(|p| p.as_ref().map(|p| p.state.clone())));
    let direction = RwSignal::new(Direction::TopDown);
    let cache: StoredValue<DrawingCache> = StoredValue::new(Vec::new());
    let drawn = Memo::new(move |_| {
        let dir = direction.get();
        compiled.with(|c| {
            let hit = cache.with_value(|cached| {
                cached
                    .iter()
                    // Keyed by the definition run, not the editor's text: a template's
                    // chooser changes the machine without changing the text.
                    .find(|(text, cd, _)| *cd == dir && *text == c.definition)
                    .map(|(_, _, v)| v.clone())
            });
            if let Some(hit) = hit {
                return hit;
            }
            let value = c.machine.as_deref().and_then(|m| draw(m, dir));
            cache.update_value(|cached| {
                if cached.len() >= CACHE_SIZE {
                    cached.remove(0);
                }
                cached.push((c.definition.clone(), dir, value.clone()));
            });
            value
        })
    });
    let statuses =
        Memo::new(move |_| run.with(|r| r.as_ref().map(RunView::statuses).unwrap_or_default()));
    // The Tests tab's coverage layer, when the page provides it.
    let coverage_marks = use_context::<coverage::CoverageMarks>();
    let mark_coverage = move |el: &web_sys::Element| {
        if let Some(marks) = coverage_marks {
            marks.0.with(|m| coverage::apply(el, m.as_ref()));
        }
    };
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let view_box = RwSignal::new(Rect { x: 0.0, y: 0.0, width: 100.0, height: 100.0 });
    let height = RwSignal::new(420.0_f64);
    let drag = StoredValue::new(None::<Drag>);
    let just_dragged = StoredValue::new(false);

    let fit = move || {
        let Some(el) = svg_ref.get_untracked() else {
            return;
        };
        let Some(full) =
            drawn.with_untracked(|d| d.as_ref().map(|d| svg::full_view(&d.drawing.layout)))
        else {
            return;
        };
        let el: &web_sys::Element = el.unchecked_ref();
        let Some((_, _, w, _)) = client_size(el) else {
            view_box.set(full);
            return;
        };
        let limit = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .map_or(640.0, |h| (h * 0.75).clamp(280.0, 720.0));
        let natural = full.height * (w / full.width).min(FIT_MAX_SCALE);
        let h = natural.clamp(240.0, limit);
        height.set(h);
        view_box.set(fitted(full, w, h));
    };

    // New drawing: new contents, then fit.
    Effect::new(move |_| {
        let Some(el) = svg_ref.get() else {
            return;
        };
        let el: &web_sys::Element = el.unchecked_ref();
        match drawn.get() {
            Some(d) => {
                el.set_inner_html(&d.markup);
                statuses.with_untracked(|s| {
                    breakpoints.with_untracked(|b| {
                        apply_classes(
                            el,
                            s,
                            selected.get_untracked().as_deref(),
                            highlighted.get_untracked().as_deref(),
                            (b, paused_at.get_untracked().as_deref()),
                        )
                    })
                });
                if let Some(marks) = coverage_marks {
                    marks.0.with_untracked(|m| coverage::apply(el, m.as_ref()));
                }
                untrack(|| crate::panels::compare::mark_graph(el));
                fit();
            }
            None => el.set_inner_html(""),
        }
    });
    // Status, selection, hover: classes only.
    Effect::new(move |_| {
        let Some(el) = svg_ref.get() else {
            return;
        };
        drawn.track();
        let sel = selected.get();
        let hl = highlighted.get();
        let at = paused_at.get();
        statuses.with(|s| {
            breakpoints.with(|b| {
                apply_classes(
                    el.unchecked_ref(),
                    s,
                    sel.as_deref(),
                    hl.as_deref(),
                    (b, at.as_deref()),
                )
            })
        });
        mark_coverage(el.unchecked_ref());
        // Compare's states only one execution visited.
        crate::panels::compare::mark_graph(el.unchecked_ref());
    });

    let client_width = move || {
        svg_ref
            .get_untracked()
            .and_then(|el| client_size(el.unchecked_ref()))
            .map_or(view_box.get_untracked().width, |(_, _, w, _)| w)
    };
    let zoom_by = move |factor: f64| {
        let v = view_box.get_untracked();
        let c = v.center();
        view_box.set(zoomed(v, factor, c.x, c.y, client_width()));
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        ev.prevent_default();
        let Some(el) = svg_ref.get_untracked() else {
            return;
        };
        let Some((left, top, w, h)) = client_size(el.unchecked_ref()) else {
            return;
        };
        let v = view_box.get_untracked();
        let ax = v.x + (ev.client_x() as f64 - left) / w * v.width;
        let ay = v.y + (ev.client_y() as f64 - top) / h * v.height;
        let factor = (-ev.delta_y() * 0.002).exp();
        view_box.set(zoomed(v, factor, ax, ay, w));
    };
    let on_pointerdown = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        drag.set_value(Some(Drag {
            x: ev.client_x() as f64,
            y: ev.client_y() as f64,
            view: view_box.get_untracked(),
            moved: false,
        }));
    };
    let on_pointermove = move |ev: web_sys::PointerEvent| {
        let Some(mut d) = drag.get_value() else {
            return;
        };
        let (dx, dy) = (ev.client_x() as f64 - d.x, ev.client_y() as f64 - d.y);
        if !d.moved && dx.abs() + dy.abs() < 4.0 {
            return;
        }
        d.moved = true;
        drag.set_value(Some(d));
        let per_px = d.view.width / client_width();
        view_box.set(Rect { x: d.view.x - dx * per_px, y: d.view.y - dy * per_px, ..d.view });
    };
    let end_drag = move || {
        if let Some(d) = drag.get_value() {
            just_dragged.set_value(d.moved);
        }
        drag.set_value(None);
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        if just_dragged.get_value() {
            just_dragged.set_value(false);
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        // The node's "Breakpoint" toggle sets or clears a breakpoint instead of selecting.
        let toggle = target
            .as_ref()
            .and_then(|t| t.closest("[data-breakpoint]").ok().flatten())
            .and_then(|g| g.get_attribute("data-breakpoint"));
        if let Some(state) = toggle {
            breakpoints.update(|b| {
                if !b.remove(&state) {
                    b.insert(state);
                }
            });
            return;
        }
        let state = target
            .and_then(|t| t.closest("[data-state]").ok().flatten())
            .and_then(|g| g.get_attribute("data-state"));
        if let Some(state) = state {
            selected.set(Some(state));
        }
    };
    let on_export_svg = move |_| {
        let text = drawn.with_untracked(|d| {
            d.as_ref().map(|d| statuses.with_untracked(|s| svg::document(&d.drawing, s)))
        });
        if let Some(text) = text {
            export_svg(&text);
        }
    };
    let on_export_png = move |_| {
        let out = drawn.with_untracked(|d| {
            d.as_ref().map(|d| {
                let full = svg::full_view(&d.drawing.layout);
                (statuses.with_untracked(|s| svg::document(&d.drawing, s)), full)
            })
        });
        if let Some((text, full)) = out {
            export_png(&text, full.width, full.height);
        }
    };
    let set_direction = move |d: Direction| direction.set(d);
    let has_drawing = move || drawn.with(|d| d.is_some());

    let legend = LEGEND
        .iter()
        .map(|(status, class)| {
            view! {
                <li>
                    <span class="swatch" style=swatch_style(class)></span>
                    {status.label()}
                </li>
            }
        })
        .collect_view();

    view! {
        <section class="panel graph" aria-label="Graph view">
            <div class="graph-head">
                <h2 class="panel-title">"Graph view"</h2>
                <div class="graph-toolbar" role="toolbar" aria-label="Graph controls">
                    <div class="btn-group">
                        <button
                            id="graph-zoom-out"
                            class="btn icon"
                            title="Zoom out"
                            aria-label="Zoom out"
                            on:click=move |_| zoom_by(1.0 / 1.25)
                        >
                            "−"
                        </button>
                        <button
                            id="graph-zoom-in"
                            class="btn icon"
                            title="Zoom in (or Ctrl + wheel)"
                            aria-label="Zoom in"
                            on:click=move |_| zoom_by(1.25)
                        >
                            "+"
                        </button>
                        <button id="graph-fit" class="btn" title="Fit the graph" on:click=move |_| fit()>
                            "Fit"
                        </button>
                    </div>
                    <div class="btn-group" role="group" aria-label="Direction">
                        <button
                            id="graph-dir-td"
                            class="btn"
                            class:active=move || direction.get() == Direction::TopDown
                            aria-pressed=move || (direction.get() == Direction::TopDown).to_string()
                            on:click=move |_| set_direction(Direction::TopDown)
                        >
                            "Top-down"
                        </button>
                        <button
                            id="graph-dir-lr"
                            class="btn"
                            class:active=move || direction.get() == Direction::LeftRight
                            aria-pressed=move || (direction.get() == Direction::LeftRight).to_string()
                            on:click=move |_| set_direction(Direction::LeftRight)
                        >
                            "Left-right"
                        </button>
                    </div>
                    <div class="btn-group">
                        <button id="graph-export-svg" class="btn" on:click=on_export_svg>
                            "Export SVG"
                        </button>
                        <button id="graph-export-png" class="btn" on:click=on_export_png>
                            "Export PNG"
                        </button>
                    </div>
                </div>
            </div>
            <p class="empty" class:hidden=has_drawing>
                "Fix the problems in the definition to see the graph."
            </p>
            <svg
                node_ref=svg_ref
                class="sw-graph"
                class:hidden=move || !has_drawing()
                xmlns="http://www.w3.org/2000/svg"
                role="img"
                aria-label="State machine graph"
                style=move || format!("height:{}px", height.get().round())
                viewBox=move || {
                    let v = view_box.get();
                    format!("{:.2} {:.2} {:.2} {:.2}", v.x, v.y, v.width, v.height)
                }
                preserveAspectRatio="xMidYMid meet"
                on:wheel=on_wheel
                on:pointerdown=on_pointerdown
                on:pointermove=on_pointermove
                on:pointerup=move |_| end_drag()
                on:pointerleave=move |_| end_drag()
                on:pointercancel=move |_| end_drag()
                on:click=on_click
            ></svg>
            <ul class="graph-legend" aria-label="Legend">
                {legend}
                <li>
                    <span class="swatch" style=swatch_style("not-run")></span>
                    "Not run"
                </li>
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_centres_and_never_enlarges_beyond_one() {
        let full = Rect { x: -16.0, y: -16.0, width: 232.0, height: 132.0 };
        let v = fitted(full, 464.0, 264.0);
        // Scale would be 2; capped at 1, so the view box is the viewport size, centred.
        assert_eq!((v.width, v.height), (464.0, 264.0));
        assert_eq!(v.center(), full.center());
        let v = fitted(full, 116.0, 500.0);
        assert_eq!(v.width, 232.0);
        assert_eq!(v.center(), full.center());
    }

    #[test]
    fn zoom_keeps_the_anchor_and_its_bounds() {
        let v = Rect { x: 0.0, y: 0.0, width: 400.0, height: 200.0 };
        let z = zoomed(v, 2.0, 100.0, 50.0, 400.0);
        assert_eq!(z, Rect { x: 50.0, y: 25.0, width: 200.0, height: 100.0 });
        // Scale is clamped at MAX_SCALE.
        let z = zoomed(v, 100.0, 0.0, 0.0, 400.0);
        assert_eq!(z.width, 100.0);
    }

    #[test]
    fn drawings_are_cached_by_value() {
        let text = include_str!("../../examples/tutorial.asl.json");
        let Ok(tutorial) = asl::StateMachine::from_text(text) else { panic!("it compiles") };
        let tutorial = &tutorial;
        let a = draw(tutorial, Direction::TopDown);
        let b = draw(tutorial, Direction::TopDown);
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_ne!(a, draw(tutorial, Direction::LeftRight));
    }
}
