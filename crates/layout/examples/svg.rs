//! Prints a small SVG drawing of a nested workflow, to eyeball the layout:
//! `cargo run -p layout --example svg -- [lr] > out.svg`.

use layout::{layout, Direction, Edge, EdgeKind, Graph, Layout, Node, Options};
use std::fmt::Write;

fn node(id: &str) -> Node {
    Node::new(id, 20.0 + 7.0 * id.len() as f64, 36.0)
}

fn graph() -> Graph {
    let branch = |ids: &[&str]| Graph {
        nodes: ids.iter().map(|id| node(id)).collect(),
        edges: ids.windows(2).map(|w| Edge::new(w[0], w[1], EdgeKind::Next)).collect(),
    };
    let mut poll = branch(&["Poll", "Wait"]);
    poll.edges.push(Edge::new("Wait", "Poll", EdgeKind::Next));
    let parallel =
        Node::container("Fan out", 80.0, 30.0, vec![branch(&["Only"]), branch(&["A", "B"]), poll]);
    let processor = Graph {
        nodes: vec![node("Prepare"), parallel],
        edges: vec![Edge::new("Prepare", "Fan out", EdgeKind::Next)],
    };
    Graph {
        nodes: vec![
            Node::new("__start", 12.0, 12.0),
            node("Call API"),
            node("OK"),
            node("Wait and Try Later"),
            node("Change to 200"),
            node("Server Unavailable"),
            node("Catch All"),
            Node::container("Each item", 120.0, 30.0, vec![processor]),
            Node::new("__end", 12.0, 12.0),
        ],
        edges: vec![
            Edge::new("__start", "Call API", EdgeKind::Next),
            Edge::new("Call API", "OK", EdgeKind::Next),
            Edge::new("Call API", "Wait and Try Later", EdgeKind::Catch).with_label(110.0, 14.0),
            Edge::new("Call API", "Server Unavailable", EdgeKind::Catch).with_label(100.0, 14.0),
            Edge::new("Call API", "Catch All", EdgeKind::Catch).with_label(60.0, 14.0),
            Edge::new("Wait and Try Later", "Change to 200", EdgeKind::Next),
            Edge::new("Change to 200", "Call API", EdgeKind::Next),
            Edge::new("OK", "Each item", EdgeKind::Next),
            Edge::new("Each item", "__end", EdgeKind::Next),
        ],
    }
}

fn draw(out: &mut String, level: &Layout) {
    for n in &level.nodes {
        let (fill, radius) = if n.lanes.is_empty() { ("#eef", 6) } else { ("none", 2) };
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{radius}" fill="{fill}" stroke="black"/><text x="{}" y="{}" font-size="11">{}</text>"#,
            n.rect.x,
            n.rect.y,
            n.rect.width,
            n.rect.height,
            n.rect.x + 4.0,
            n.rect.y + 14.0,
            n.id
        );
        for lane in &n.lanes {
            let r = lane.rect;
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="gray" stroke-dasharray="4"/>"#,
                r.x, r.y, r.width, r.height
            );
            draw(out, &lane.layout);
        }
    }
    for e in &level.edges {
        let pts: Vec<String> = e.points.iter().map(|p| format!("{},{}", p.x, p.y)).collect();
        let _ = writeln!(
            out,
            r##"<polyline points="{}" fill="none" stroke="blue" marker-end="url(#arrow)"/>"##,
            pts.join(" ")
        );
        if let Some(l) = e.label {
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffd"/><text x="{}" y="{}" font-size="10">{:?}</text>"##,
                l.x,
                l.y,
                l.width,
                l.height,
                l.x + 2.0,
                l.y + 11.0,
                e.kind
            );
        }
    }
}

fn main() {
    let lr = std::env::args().any(|a| a == "lr");
    let direction = if lr { Direction::LeftRight } else { Direction::TopDown };
    let options = Options { direction, ..Options::default() };
    match layout(&graph(), &options) {
        Ok(result) => {
            let mut svg = String::new();
            let b = result.bounds;
            let _ = writeln!(
                svg,
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="-10 -10 {} {}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs><rect x="-10" y="-10" width="100%" height="100%" fill="white"/>"#,
                b.width + 20.0,
                b.height + 20.0,
                b.width + 20.0,
                b.height + 20.0
            );
            draw(&mut svg, &result);
            svg.push_str("</svg>\n");
            print!("{svg}");
        }
        Err(e) => eprintln!("layout failed: {e}"),
    }
}
