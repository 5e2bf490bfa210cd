//! The graph as SVG markup: written once per (definition, direction) and set as the panel's
//! SVG contents; the same markup, with the statuses filled in and a size, is the exported
//! standalone `.svg`. The styles live inside the SVG (scoped to `svg.sw-graph`) so that the
//! export looks like the panel.

use std::collections::BTreeMap;
use std::fmt::Write;

use layout::{EdgeLayout, Layout, Point, Rect};

use super::model::{Drawing, EdgeSpec, Level, NodeSpec, Shape};
use asl::history::reader::StateStatus;

use crate::panels::legend::Legend;

/// Space around the drawing (in drawing units).
pub const MARGIN: f64 = 16.0;

/// Status colours, as in the console's legend: (css class, fill, stroke).
pub const STATUS_COLOURS: [(&str, &str, &str); 6] = [
    ("in-progress", "#d3e7fb", "#0972d3"),
    ("succeeded", "#dff3e0", "#037f0c"),
    ("failed", "#fde3e3", "#d91515"),
    ("caught-error", "#ffecd4", "#e07700"),
    ("cancelled", "#e9ebed", "#5f6b7a"),
    ("not-run", "#ffffff", "#8c959f"),
];

fn style() -> String {
    let mut css = String::from(
        "svg.sw-graph{font-family:\"Amazon Ember\",\"Helvetica Neue\",Roboto,Arial,sans-serif;\
         background:#fff}\
         .sw-graph .edge{fill:none;stroke:#7d8998;stroke-width:1.4}\
         .sw-graph .edge.catch{stroke-dasharray:6 4}\
         .sw-graph .edge.retry{stroke:#a15c00;stroke-dasharray:2 3}\
         .sw-graph .arrow{fill:#7d8998}\
         .sw-graph .arrow.retry{fill:#a15c00}\
         .sw-graph .edge-label rect{fill:#fff;stroke:#e1e4e8;stroke-width:1}\
         .sw-graph .edge-label text{font-size:11px;fill:#414d5c}\
         .sw-graph .edge-label.catch text{fill:#8d4f00}\
         .sw-graph .edge-label.retry rect{fill:#fff8ec;stroke:#f3d3a4}\
         .sw-graph .edge-label.retry text{fill:#8d4f00}\
         .sw-graph .edge-label.default text{font-style:italic}\
         .sw-graph .marker rect{fill:#f2f3f3;stroke:#8c959f;stroke-width:1.2}\
         .sw-graph .marker text{font-size:11px;font-weight:600;fill:#414d5c}\
         .sw-graph .state{cursor:pointer}\
         .sw-graph .state>.box{stroke-width:1.5}\
         .sw-graph .state.container>.box{stroke-width:1.3}\
         .sw-graph .state .name{font-size:12.5px;font-weight:700;fill:#16191f}\
         .sw-graph .state .type{font-size:10.5px;fill:#5f6b7a}\
         .sw-graph .lane{fill:#fff;stroke:#c6ccd3;stroke-dasharray:4 3}\
         .sw-graph .ring{fill:none;stroke-width:3;visibility:hidden}\
         .sw-graph .highlighted>.ring{visibility:visible;stroke:#ff9900}\
         .sw-graph .selected>.ring{visibility:visible;stroke:#033160}\
         .sw-graph .state:hover>.box{stroke-width:2.5}\
         .sw-graph .bp circle{fill:#fff;stroke:#8c959f;stroke-width:1.2;opacity:0}\
         .sw-graph .state:hover>.bp circle{opacity:1}\
         .sw-graph .breakpoint>.bp circle{opacity:1;fill:#d13212;stroke:#8a1d0c}\
         .sw-graph .paused>.ring{visibility:visible;stroke:#d13212;stroke-dasharray:6 3}",
    );
    for (class, fill, stroke) in STATUS_COLOURS {
        let _ = write!(css, ".sw-graph .{class}>.box{{fill:{fill};stroke:{stroke}}}");
    }
    // Containers get a lighter tint so that their lanes stay readable.
    css.push_str(".sw-graph .container.not-run>.box{fill:#f8f9fa}");
    css
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A polyline with rounded corners as a path.
fn path_of(points: &[Point]) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let mut d = format!("M{} {}", n(first.x), n(first.y));
    for (i, p) in points.iter().enumerate().skip(1) {
        let next = points.get(i + 1);
        let prev = points.get(i - 1).copied().unwrap_or(*first);
        match next {
            Some(next) => {
                let r = 8.0_f64.min(dist(prev, *p) / 2.0).min(dist(*p, *next) / 2.0);
                let a = toward(*p, prev, r);
                let b = toward(*p, *next, r);
                let _ = write!(
                    d,
                    " L{} {} Q{} {} {} {}",
                    n(a.x),
                    n(a.y),
                    n(p.x),
                    n(p.y),
                    n(b.x),
                    n(b.y)
                );
            }
            None => {
                let _ = write!(d, " L{} {}", n(p.x), n(p.y));
            }
        }
    }
    d
}

fn dist(a: Point, b: Point) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// The point `r` away from `from` toward `to`.
fn toward(from: Point, to: Point, r: f64) -> Point {
    let d = dist(from, to);
    if d == 0.0 {
        return from;
    }
    Point { x: from.x + (to.x - from.x) * r / d, y: from.y + (to.y - from.y) * r / d }
}

/// The status class of each state (absent: not run).
pub type Classes<'a> = &'a dyn Fn(&str) -> &'static str;

fn state_node(out: &mut String, spec: &NodeSpec, rect: Rect, status: &str) {
    let container = spec.shape == Shape::Container;
    let base = if container { "state container" } else { "state" };
    let _ = write!(
        out,
        "<g class=\"{base} {status}\" data-base=\"{base}\" data-state=\"{}\"><title>{} ({})</title>",
        escape(&spec.id),
        escape(&spec.id),
        escape(&spec.subtitle)
    );
    let _ = write!(
        out,
        "<rect class=\"ring\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"11\"/>",
        n(rect.x - 4.0),
        n(rect.y - 4.0),
        n(rect.width + 8.0),
        n(rect.height + 8.0)
    );
    let _ = write!(
        out,
        "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>",
        n(rect.x),
        n(rect.y),
        n(rect.width),
        n(rect.height),
        if container { 10 } else { 8 }
    );
    // The debugger's "Breakpoint" toggle (run/debugger.rs): shown on hover, filled when set.
    let _ = write!(
        out,
        "<g class=\"bp\" data-breakpoint=\"{}\" role=\"button\" aria-label=\"Breakpoint\">\
         <title>Breakpoint</title><circle cx=\"{}\" cy=\"{}\" r=\"6\"/></g>",
        escape(&spec.id),
        n(rect.x + 1.0),
        n(rect.y + 1.0)
    );
    if container {
        let x = rect.x + 12.0;
        let _ = write!(
            out,
            "<text class=\"name\" x=\"{}\" y=\"{}\">{}</text><text class=\"type\" x=\"{}\" y=\"{}\">{}</text>",
            n(x),
            n(rect.y + 18.0),
            escape(&spec.title),
            n(x),
            n(rect.y + 33.0),
            escape(&spec.subtitle)
        );
    } else {
        let c = rect.center();
        let _ = write!(
            out,
            "<text class=\"name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text class=\"type\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            n(c.x),
            n(c.y - 2.0),
            escape(&spec.title),
            n(c.x),
            n(c.y + 13.0),
            escape(&spec.subtitle)
        );
    }
    out.push_str("</g>");
}

fn marker(out: &mut String, spec: &NodeSpec, rect: Rect) {
    let class = if spec.shape == Shape::Start { "start" } else { "end" };
    let c = rect.center();
    let _ = write!(
        out,
        "<g class=\"marker {class}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
        n(rect.x),
        n(rect.y),
        n(rect.width),
        n(rect.height),
        n(rect.height / 2.0),
        n(c.x),
        n(c.y + 4.0),
        escape(&spec.title)
    );
}

fn edge(out: &mut String, spec: &EdgeSpec, laid: &EdgeLayout) {
    let style = spec.style.css();
    let arrow = if style == "retry" { "sw-arrow-retry" } else { "sw-arrow" };
    let _ = write!(
        out,
        "<path class=\"edge {style}\"{} d=\"{}\" marker-end=\"url(#{arrow})\"/>",
        edge_key(spec),
        path_of(&laid.points)
    );
}

/// ` data-from="…" data-edge="catch-0"` for the edges the Tests tab marks (Choice rules,
/// Default, Catch, Retry), by the key [`super::coverage::edge_key`] gives.
fn edge_key(spec: &EdgeSpec) -> String {
    match super::coverage::edge_key(spec.style, spec.rule) {
        Some(key) => format!(" data-from=\"{}\" data-edge=\"{key}\"", escape(&spec.from)),
        None => String::new(),
    }
}

fn label(out: &mut String, spec: &EdgeSpec, laid: &EdgeLayout) {
    let (Some(text), Some(rect)) = (&spec.label, laid.label) else {
        return;
    };
    let full = spec.full.as_deref().unwrap_or(text);
    let _ = write!(
        out,
        "<g class=\"edge-label {}\"{}><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>\
         <text x=\"{}\" y=\"{}\">{}</text></g>",
        spec.style.css(),
        edge_key(spec),
        escape(full),
        n(rect.x),
        n(rect.y),
        n(rect.width),
        n(rect.height),
        n(rect.x + 6.0),
        n(rect.y + rect.height / 2.0 + 4.0),
        escape(text)
    );
}

fn level(out: &mut String, model: &Level, laid: &Layout, status: Classes) {
    // Containers (with their lanes' contents) first, then edges, labels and nodes on top.
    for (spec, node) in model.nodes.iter().zip(&laid.nodes) {
        if spec.shape != Shape::Container {
            continue;
        }
        state_node(out, spec, node.rect, status(&spec.id));
        for (lane_model, lane) in spec.lanes.iter().zip(&node.lanes) {
            let r = lane.rect;
            let _ = write!(
                out,
                "<rect class=\"lane\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
                n(r.x),
                n(r.y),
                n(r.width),
                n(r.height)
            );
            level(out, lane_model, &lane.layout, status);
        }
    }
    for (spec, laid) in model.edges.iter().zip(&laid.edges) {
        edge(out, spec, laid);
    }
    for (spec, laid) in model.edges.iter().zip(&laid.edges) {
        label(out, spec, laid);
    }
    for (spec, node) in model.nodes.iter().zip(&laid.nodes) {
        match spec.shape {
            Shape::Start | Shape::End => marker(out, spec, node.rect),
            Shape::State => state_node(out, spec, node.rect, status(&spec.id)),
            Shape::Container => {}
        }
    }
}

/// The SVG's contents: styles, arrowheads and the drawing.
pub fn contents(drawing: &Drawing, status: Classes) -> String {
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<defs><style>{}</style>\
         <marker id=\"sw-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path class=\"arrow\" d=\"M0 1L9 5L0 9z\"/></marker>\
         <marker id=\"sw-arrow-retry\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path class=\"arrow retry\" d=\"M0 1L9 5L0 9z\"/></marker></defs>",
        style()
    );
    level(&mut out, &drawing.model, &drawing.layout, status);
    out
}

/// The whole drawing's view box, margin included.
pub fn full_view(layout: &Layout) -> Rect {
    let b = layout.bounds;
    Rect {
        x: b.x - MARGIN,
        y: b.y - MARGIN,
        width: b.width + 2.0 * MARGIN,
        height: b.height + 2.0 * MARGIN,
    }
}

/// A standalone SVG document of the drawing with each state coloured by its status.
pub fn document(drawing: &Drawing, statuses: &BTreeMap<String, StateStatus>) -> String {
    let status = |name: &str| statuses.get(name).map_or("not-run", |s| s.css());
    let v = full_view(&drawing.layout);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sw-graph\" \
         width=\"{}\" height=\"{}\" viewBox=\"{} {} {} {}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\"/>{}</svg>\n",
        n(v.width),
        n(v.height),
        n(v.x),
        n(v.y),
        n(v.width),
        n(v.height),
        n(v.x),
        n(v.y),
        n(v.width),
        n(v.height),
        contents(drawing, &status)
    )
}

#[cfg(test)]
mod tests {
    use super::super::model::drawing_of_text;
    use super::*;
    use layout::Direction;

    const TUTORIAL: &str = include_str!("../../../examples/tutorial.asl.json");

    fn tutorial() -> Drawing {
        match drawing_of_text(TUTORIAL, Direction::TopDown) {
            Some(d) => d,
            None => panic!("tutorial lays out"),
        }
    }

    #[test]
    fn document_has_one_state_group_per_state_with_its_status() {
        let mut statuses = BTreeMap::new();
        statuses.insert("Call API".to_string(), StateStatus::CaughtError);
        statuses.insert("Server Unavailable".to_string(), StateStatus::Failed);
        let svg = document(&tutorial(), &statuses);
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(svg.matches("data-state=").count(), 6);
        assert!(svg
            .contains("class=\"state caught-error\" data-base=\"state\" data-state=\"Call API\""));
        assert!(svg.contains(
            "class=\"state failed\" data-base=\"state\" data-state=\"Server Unavailable\""
        ));
        assert!(svg.contains("class=\"state not-run\" data-base=\"state\" data-state=\"OK\""));
        // Styles are inlined; three dashed catch edges, one retry loop.
        assert!(svg.contains("<style>svg.sw-graph{"));
        assert_eq!(svg.matches("class=\"edge catch\"").count(), 3);
        assert_eq!(svg.matches("class=\"edge retry\"").count(), 1);
        assert!(svg.contains("<text x=") && svg.contains(">States.ALL</text>"));
        assert!(svg.contains(">Start</text>") && svg.contains(">End</text>"));
    }

    #[test]
    fn names_are_escaped() {
        let definition = r#"{"StartAt":"a<b & \"c\"","States":{"a<b & \"c\"":{"Type":"Succeed"}}}"#;
        let Some(d) = drawing_of_text(definition, Direction::LeftRight) else { panic!("lays out") };
        let svg = document(&d, &BTreeMap::new());
        assert!(svg.contains("data-state=\"a&lt;b &amp; &quot;c&quot;\""));
        assert!(!svg.contains("a<b"));
    }

    #[test]
    fn paths_round_their_corners() {
        let pts = [Point { x: 0.0, y: 0.0 }, Point { x: 0.0, y: 40.0 }, Point { x: 40.0, y: 40.0 }];
        assert_eq!(path_of(&pts), "M0 0 L0 32 Q0 40 8 40 L40 40");
    }
}
