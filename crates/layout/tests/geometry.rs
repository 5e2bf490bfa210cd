//! Geometric invariants of the layout on a set of graphs, in both directions.

use layout::{
    layout, Direction, Edge, EdgeKind, Graph, Layout, LayoutError, Node, Options, Point, Rect,
};

const EPS: f64 = 1e-6;

fn node(id: &str, w: f64, h: f64) -> Node {
    Node::new(id, w, h)
}

fn next(from: &str, to: &str) -> Edge {
    Edge::new(from, to, EdgeKind::Next)
}

fn chain() -> Graph {
    let ids = ["__start", "A", "B", "C", "D", "__end"];
    Graph {
        nodes: ids.iter().map(|id| node(id, 60.0 + id.len() as f64 * 7.0, 36.0)).collect(),
        edges: ids.windows(2).map(|w| next(w[0], w[1])).collect(),
    }
}

fn diamond() -> Graph {
    Graph {
        nodes: vec![
            node("A", 80.0, 40.0),
            node("B", 120.0, 40.0),
            node("C", 60.0, 40.0),
            node("D", 90.0, 40.0),
        ],
        edges: vec![
            Edge::new("A", "B", EdgeKind::Choice).with_label(70.0, 14.0),
            Edge::new("A", "C", EdgeKind::Default).with_label(50.0, 14.0),
            next("B", "D"),
            next("C", "D"),
        ],
    }
}

/// The Step Functions tutorial machine (with start/end markers as the app adds them).
fn tutorial() -> Graph {
    Graph {
        nodes: vec![
            node("__start", 12.0, 12.0),
            node("Call API", 110.0, 40.0),
            node("OK", 60.0, 40.0),
            node("Wait and Try Later", 150.0, 40.0),
            node("Change to 200", 120.0, 40.0),
            node("Server Unavailable", 150.0, 40.0),
            node("Catch All", 90.0, 40.0),
            node("__end", 12.0, 12.0),
        ],
        edges: vec![
            next("__start", "Call API"),
            next("Call API", "OK"),
            Edge::new("Call API", "Wait and Try Later", EdgeKind::Catch).with_label(120.0, 14.0),
            Edge::new("Call API", "Server Unavailable", EdgeKind::Catch).with_label(110.0, 14.0),
            Edge::new("Call API", "Catch All", EdgeKind::Catch).with_label(70.0, 14.0),
            next("Wait and Try Later", "Change to 200"),
            next("Change to 200", "Call API"),
            next("OK", "__end"),
        ],
    }
}

/// Loops: a long back edge, a two-node cycle, a self loop with a label and parallel edges.
fn loops() -> Graph {
    Graph {
        nodes: ["A", "B", "C", "D", "E", "F"].iter().map(|id| node(id, 70.0, 30.0)).collect(),
        edges: vec![
            next("A", "B"),
            next("B", "C"),
            next("C", "D"),
            next("D", "E"),
            Edge::new("E", "B", EdgeKind::Choice).with_label(40.0, 12.0),
            Edge::new("E", "F", EdgeKind::Default),
            next("F", "E"),
            Edge::new("C", "C", EdgeKind::Choice).with_label(30.0, 12.0),
            next("C", "C"),
            Edge::new("A", "D", EdgeKind::Choice).with_label(30.0, 12.0),
            Edge::new("A", "D", EdgeKind::Default),
        ],
    }
}

/// A Map whose item processor holds a Parallel state with three branches.
fn nested() -> Graph {
    let branch = |ids: &[&str]| Graph {
        nodes: ids.iter().map(|id| node(id, 50.0 + id.len() as f64 * 6.0, 36.0)).collect(),
        edges: ids.windows(2).map(|w| next(w[0], w[1])).collect(),
    };
    let mut b2 = branch(&["Check", "Big", "Small", "Join"]);
    b2.edges = vec![
        Edge::new("Check", "Big", EdgeKind::Choice).with_label(60.0, 14.0),
        Edge::new("Check", "Small", EdgeKind::Default),
        next("Big", "Join"),
        next("Small", "Join"),
    ];
    let mut b3 = branch(&["Poll", "Wait"]);
    b3.edges.push(next("Wait", "Poll"));
    let parallel = Node::container(
        "Fan out",
        80.0,
        30.0,
        vec![branch(&["Only one"]), b2, b3, Graph::default()],
    );
    let processor = Graph {
        nodes: vec![node("Prepare", 90.0, 36.0), parallel, node("Collect", 90.0, 36.0)],
        edges: vec![next("Prepare", "Fan out"), next("Fan out", "Collect")],
    };
    Graph {
        nodes: vec![
            node("__start", 12.0, 12.0),
            node("Before", 80.0, 36.0),
            Node::container("Each item", 300.0, 30.0, vec![processor]),
            node("After", 80.0, 36.0),
            node("Failed", 80.0, 36.0),
            node("__end", 12.0, 12.0),
        ],
        edges: vec![
            next("__start", "Before"),
            next("Before", "Each item"),
            next("Each item", "After"),
            Edge::new("Each item", "Failed", EdgeKind::Catch).with_label(80.0, 14.0),
            next("After", "__end"),
        ],
    }
}

/// Deterministic pseudo-random numbers (xorshift64*), for a reproducible random DAG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_dag(count: usize, extra_edges: usize, seed: u64) -> Graph {
    let mut rng = Rng(seed);
    let nodes: Vec<Node> = (0..count)
        .map(|i| node(&format!("n{i}"), 30.0 + rng.below(90) as f64, 20.0 + rng.below(30) as f64))
        .collect();
    let mut edges = Vec::new();
    // A spanning structure so that the graph is mostly connected, then random forward edges.
    for i in 1..count {
        let from = rng.below(i as u64) as usize;
        edges.push(next(&format!("n{from}"), &format!("n{i}")));
    }
    for _ in 0..extra_edges {
        let a = rng.below(count as u64) as usize;
        let b = rng.below(count as u64) as usize;
        if a == b {
            continue;
        }
        let (from, to) = (a.min(b), a.max(b));
        let mut edge = Edge::new(format!("n{from}"), format!("n{to}"), EdgeKind::Choice);
        if rng.below(4) == 0 {
            edge = edge.with_label(20.0 + rng.below(40) as f64, 12.0);
        }
        edges.push(edge);
    }
    Graph { nodes, edges }
}

/// A deep DAG: a chain plus, from every node, one edge skipping 1 to 15 nodes ahead, and a few
/// loops back.
fn deep_dag(count: usize, seed: u64) -> Graph {
    let mut rng = Rng(seed);
    let name = |i: usize| format!("n{i}");
    let mut edges = Vec::new();
    for i in 0..count {
        let skip = 2 + rng.below(15) as usize;
        for j in [i + 1, i + skip] {
            if j < count {
                edges.push(next(&name(i), &name(j)));
            }
        }
        if i % 17 == 16 {
            edges.push(Edge::new(name(i), name(i - 5), EdgeKind::Choice).with_label(30.0, 12.0));
        }
    }
    Graph { nodes: (0..count).map(|i| node(&name(i), 60.0, 30.0)).collect(), edges }
}

fn all_graphs() -> Vec<(&'static str, Graph)> {
    vec![
        ("chain", chain()),
        ("diamond", diamond()),
        ("tutorial", tutorial()),
        ("loops", loops()),
        ("nested", nested()),
        ("random", random_dag(30, 25, 0x5EED_1234)),
    ]
}

fn options(direction: Direction) -> Options {
    Options { direction, ..Options::default() }
}

/// Whether the segment a-b passes through the interior of `r` (touching the border is allowed).
fn segment_enters(a: Point, b: Point, r: &Rect) -> bool {
    let (x0, x1) = (r.x + EPS, r.right() - EPS);
    let (y0, y1) = (r.y + EPS, r.bottom() - EPS);
    if x0 >= x1 || y0 >= y1 {
        return false;
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.x - x0), (dx, x1 - a.x), (-dy, a.y - y0), (dy, y1 - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 < t1
}

fn on_border(p: Point, r: &Rect) -> bool {
    let inside_x = p.x >= r.x - EPS && p.x <= r.right() + EPS;
    let inside_y = p.y >= r.y - EPS && p.y <= r.bottom() + EPS;
    let on_x = (p.x - r.x).abs() < EPS || (p.x - r.right()).abs() < EPS;
    let on_y = (p.y - r.y).abs() < EPS || (p.y - r.bottom()).abs() < EPS;
    inside_x && inside_y && (on_x || on_y)
}

fn grown(r: &Rect) -> Rect {
    Rect { x: r.x - EPS, y: r.y - EPS, width: r.width + 2.0 * EPS, height: r.height + 2.0 * EPS }
}

/// Checks every invariant of one level (and recursively the levels inside its containers);
/// `area` is the rectangle everything of this level must lie in.
fn check_level(name: &str, graph: &Graph, out: &Layout, area: &Rect, o: &Options) {
    assert_eq!(out.nodes.len(), graph.nodes.len(), "{name}");
    assert_eq!(out.edges.len(), graph.edges.len(), "{name}");
    assert!(
        grown(area).contains_rect(&out.bounds),
        "{name}: bounds {:?} outside {area:?}",
        out.bounds
    );
    for (i, (n, input)) in out.nodes.iter().zip(&graph.nodes).enumerate() {
        assert_eq!(n.id, input.id);
        assert!(n.rect.width >= input.width && n.rect.height >= input.height, "{name}: {}", n.id);
        assert!(grown(&out.bounds).contains_rect(&n.rect), "{name}: {} outside bounds", n.id);
        for other in &out.nodes[i + 1..] {
            assert!(!n.rect.overlaps(&other.rect), "{name}: {} overlaps {}", n.id, other.id);
        }
        assert_eq!(n.lanes.len(), input.lanes.len(), "{name}: {}", n.id);
        for (j, (lane, lane_graph)) in n.lanes.iter().zip(&input.lanes).enumerate() {
            assert!(n.rect.contains_rect(&lane.rect), "{name}: lane {j} of {} outside it", n.id);
            assert!(
                lane.rect.y >= n.rect.y + o.header_height - EPS,
                "{name}: lane {j} of {} overlaps the header",
                n.id
            );
            for other in &n.lanes[j + 1..] {
                assert!(!lane.rect.overlaps(&other.rect), "{name}: lanes of {} overlap", n.id);
            }
            let sub = format!("{name}/{}[{j}]", n.id);
            check_level(&sub, lane_graph, &lane.layout, &lane.rect, o);
        }
    }
    for (e, input) in out.edges.iter().zip(&graph.edges) {
        let what = format!("{name}: edge {} -> {}", e.from, e.to);
        assert_eq!(
            (e.from.as_str(), e.to.as_str(), e.kind),
            (input.from.as_str(), input.to.as_str(), input.kind)
        );
        assert!(e.points.len() >= 2, "{what}: {:?}", e.points);
        let from = out.node(&e.from).map(|n| n.rect).unwrap_or_default();
        let to = out.node(&e.to).map(|n| n.rect).unwrap_or_default();
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        assert!(on_border(first, &from), "{what}: starts at {first:?}, not on {from:?}");
        assert!(on_border(last, &to), "{what}: ends at {last:?}, not on {to:?}");
        for p in &e.points {
            assert!(p.x.is_finite() && p.y.is_finite(), "{what}");
            assert!(grown(&out.bounds).contains_rect(&Rect { x: p.x, y: p.y, ..Rect::default() }));
        }
        for seg in e.points.windows(2) {
            for n in &out.nodes {
                assert!(
                    !segment_enters(seg[0], seg[1], &n.rect),
                    "{what}: segment {:?}-{:?} passes through {} {:?}",
                    seg[0],
                    seg[1],
                    n.id,
                    n.rect
                );
            }
        }
        assert_eq!(e.label.is_some(), input.label.is_some(), "{what}");
        if let (Some(label), Some(size)) = (e.label, input.label) {
            assert_eq!((label.width, label.height), (size.width, size.height), "{what}");
            assert!(grown(&out.bounds).contains_rect(&label), "{what}: label outside bounds");
            for n in &out.nodes {
                assert!(!label.overlaps(&n.rect), "{what}: label overlaps {}", n.id);
            }
            for other in &out.edges {
                if let Some(l2) = other.label {
                    assert!(l2 == label || !label.overlaps(&l2), "{what}: labels overlap");
                }
                // No edge line runs through a label.
                for seg in other.points.windows(2) {
                    assert!(
                        !segment_enters(seg[0], seg[1], &label),
                        "{what}: a line crosses its label"
                    );
                }
            }
        }
    }
}

#[test]
fn invariants_hold_for_every_graph_in_both_directions() {
    for direction in [Direction::TopDown, Direction::LeftRight] {
        let o = options(direction);
        for (name, graph) in all_graphs() {
            let out = layout(&graph, &o).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((out.bounds.x, out.bounds.y), (0.0, 0.0), "{name}");
            let name = format!("{name} {direction:?}");
            check_level(&name, &graph, &out, &out.bounds, &o);
        }
    }
}

#[test]
fn invariants_hold_with_zero_and_large_spacing() {
    let tight = Options {
        node_spacing: 0.0,
        edge_spacing: 0.0,
        rank_spacing: 0.0,
        container_padding: 0.0,
        lane_padding: 0.0,
        lane_spacing: 0.0,
        header_height: 0.0,
        label_gap: 0.0,
        direction: Direction::TopDown,
    };
    let roomy = Options { node_spacing: 200.0, rank_spacing: 300.0, ..Options::default() };
    for o in [tight, roomy, Options { direction: Direction::LeftRight, ..tight }] {
        for (name, graph) in all_graphs() {
            let out = layout(&graph, &o).unwrap_or_else(|e| panic!("{name}: {e}"));
            check_level(name, &graph, &out, &out.bounds, &o);
        }
    }
}

#[test]
fn layout_is_deterministic_bit_for_bit() {
    for direction in [Direction::TopDown, Direction::LeftRight] {
        for (name, graph) in all_graphs() {
            let a = layout(&graph, &options(direction)).unwrap_or_else(|e| panic!("{e}"));
            let b = layout(&graph.clone(), &options(direction)).unwrap_or_else(|e| panic!("{e}"));
            // Debug formatting of f64 is exact (shortest round-trip), so equal text = equal bits.
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
        }
    }
}

#[test]
fn top_down_flows_down_and_left_right_flows_right() {
    let graph = chain();
    let td = layout(&graph, &options(Direction::TopDown)).unwrap_or_else(|e| panic!("{e}"));
    let lr = layout(&graph, &options(Direction::LeftRight)).unwrap_or_else(|e| panic!("{e}"));
    for pair in td.nodes.windows(2) {
        assert!(pair[1].rect.y >= pair[0].rect.bottom() + 50.0 - EPS);
        // A chain is drawn as a straight line.
        assert_eq!(pair[0].rect.center().x, pair[1].rect.center().x);
    }
    for pair in lr.nodes.windows(2) {
        assert!(pair[1].rect.x >= pair[0].rect.right() + 50.0 - EPS);
        assert_eq!(pair[0].rect.center().y, pair[1].rect.center().y);
    }
    // Straight edges: two points from bottom-centre to top-centre.
    let e = &td.edges[1];
    let (a, b) = (&td.nodes[1].rect, &td.nodes[2].rect);
    assert_eq!(
        e.points,
        vec![Point { x: a.center().x, y: a.bottom() }, Point { x: b.center().x, y: b.y }]
    );
}

#[test]
fn tutorial_graph_is_layered_and_the_loop_goes_around() {
    let out = layout(&tutorial(), &options(Direction::TopDown)).unwrap_or_else(|e| panic!("{e}"));
    let rect = |id: &str| out.node(id).map(|n| n.rect).unwrap_or_else(|| panic!("{id}"));
    let start = rect("__start");
    let call = rect("Call API");
    let ok = rect("OK");
    let wait = rect("Wait and Try Later");
    let change = rect("Change to 200");
    // The start state is on top, then Call API, its successors below it.
    assert!(start.bottom() < call.y);
    for id in ["OK", "Wait and Try Later", "Server Unavailable", "Catch All"] {
        assert!(rect(id).y > call.bottom(), "{id}");
    }
    assert!(ok.bottom() < rect("__end").y);
    assert!(wait.bottom() < change.y);
    // Labelled catch edges get a layer for their label: their targets are two layers down, OK one.
    assert!(rect("Catch All").y > ok.bottom());
    // The back edge Change to 200 -> Call API leaves Change to 200 and enters Call API from below,
    // with at least one bend beside the node it skips (Wait and Try Later).
    let back = &out.edges[6];
    assert_eq!((back.from.as_str(), back.to.as_str()), ("Change to 200", "Call API"));
    let first = back.points[0];
    let last = back.points[back.points.len() - 1];
    assert_eq!(first.y, change.y);
    assert_eq!(last.y, call.bottom());
    assert!(back.points.len() >= 4, "{:?}", back.points);
    let beside = back
        .points
        .iter()
        .any(|p| p.y >= wait.y && p.y <= wait.bottom() && (p.x < wait.x || p.x > wait.right()));
    assert!(beside, "{:?} vs {wait:?}", back.points);
    // Labels sit just right of a vertical run of their edge, label_gap away.
    let o = Options::default();
    for e in &out.edges[2..5] {
        let label = e.label.unwrap_or_else(|| panic!("{} has a label", e.to));
        let hugs = e.points.windows(2).any(|s| {
            s[0].x == s[1].x
                && (label.x - s[0].x - o.label_gap).abs() < EPS
                && s[0].y.min(s[1].y) <= label.y
                && s[0].y.max(s[1].y) >= label.bottom()
        });
        assert!(hugs, "label of {} at {label:?}, edge {:?}", e.to, e.points);
    }
}

#[test]
fn diamond_is_symmetric() {
    let mut graph = diamond();
    for e in &mut graph.edges {
        e.label = None;
    }
    for n in &mut graph.nodes {
        n.width = 80.0;
    }
    let out = layout(&graph, &options(Direction::TopDown)).unwrap_or_else(|e| panic!("{e}"));
    let c = |i: usize| out.nodes[i].rect.center();
    assert_eq!(c(0).x, c(3).x);
    assert_eq!(c(1).y, c(2).y);
    assert!((c(0).x - c(1).x - (c(2).x - c(0).x)).abs() < EPS);
    assert_eq!(c(2).x - c(1).x, 80.0 + Options::default().node_spacing);
}

#[test]
fn container_size_comes_from_lanes_padding_and_header() {
    let o = Options::default();
    let lane = |id: &str, w: f64| Graph { nodes: vec![node(id, w, 40.0)], edges: vec![] };
    let graph = Graph {
        nodes: vec![Node::container("Par", 10.0, 10.0, vec![lane("a", 100.0), lane("b", 60.0)])],
        edges: vec![],
    };
    let out = layout(&graph, &o).unwrap_or_else(|e| panic!("{e}"));
    let par = &out.nodes[0];
    let p = o.lane_padding;
    let width = 2.0 * o.container_padding + (100.0 + 2.0 * p) + o.lane_spacing + (60.0 + 2.0 * p);
    let height = o.header_height + 2.0 * o.container_padding + 40.0 + 2.0 * p;
    assert_eq!((par.rect.width, par.rect.height), (width, height));
    let (l0, l1) = (par.lanes[0].rect, par.lanes[1].rect);
    assert_eq!((l0.x, l0.y), (o.container_padding, o.header_height + o.container_padding));
    assert_eq!(l1.x, l0.right() + o.lane_spacing);
    assert_eq!(l0.height, l1.height);
    let a = par.lanes[0].layout.nodes[0].rect;
    assert_eq!((a.x, a.y), (l0.x + p, l0.y + p));

    // Left-right: lanes are stacked; a wide header minimum widens the container.
    let mut wide = graph.clone();
    wide.nodes[0].width = 500.0;
    let o = Options { direction: Direction::LeftRight, ..o };
    let out = layout(&wide, &o).unwrap_or_else(|e| panic!("{e}"));
    let par = &out.nodes[0];
    assert_eq!(par.rect.width, 500.0);
    let (l0, l1) = (par.lanes[0].rect, par.lanes[1].rect);
    assert_eq!(l1.y, l0.bottom() + o.lane_spacing);
    assert_eq!(l0.x, l1.x);
    assert_eq!(l0.center().x, par.rect.center().x);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let o = Options::default();
    let dup = Graph { nodes: vec![node("A", 1.0, 1.0), node("A", 1.0, 1.0)], edges: vec![] };
    let err = layout(&dup, &o).err();
    assert_eq!(err, Some(LayoutError::DuplicateNode { id: "A".into() }));
    assert_eq!(err.map(|e| e.to_string()).as_deref(), Some("duplicate node id 'A'"));

    let unknown = Graph { nodes: vec![node("A", 1.0, 1.0)], edges: vec![next("A", "B")] };
    let err = layout(&unknown, &o).err();
    assert_eq!(err, Some(LayoutError::UnknownNode { id: "B".into() }));
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("edge refers to 'B', which is not a node of the same graph")
    );

    // An edge may not leave its level: "Inner" lives inside the container's lane.
    let inner = Graph { nodes: vec![node("Inner", 1.0, 1.0)], edges: vec![] };
    let cross = Graph {
        nodes: vec![node("A", 1.0, 1.0), Node::container("Map", 1.0, 1.0, vec![inner])],
        edges: vec![next("A", "Inner")],
    };
    assert_eq!(layout(&cross, &o).err(), Some(LayoutError::UnknownNode { id: "Inner".into() }));

    let nan = Graph { nodes: vec![node("A", f64::NAN, 1.0)], edges: vec![] };
    assert_eq!(layout(&nan, &o).err(), Some(LayoutError::InvalidSize { id: "A".into() }));
    let neg_label = Graph {
        nodes: vec![node("A", 1.0, 1.0), node("B", 1.0, 1.0)],
        edges: vec![next("A", "B").with_label(-1.0, 3.0)],
    };
    assert_eq!(layout(&neg_label, &o).err(), Some(LayoutError::InvalidSize { id: "A".into() }));
    let bad_nested =
        Graph { nodes: vec![Node::container("Map", 1.0, 1.0, vec![dup])], edges: vec![] };
    assert_eq!(layout(&bad_nested, &o).err(), Some(LayoutError::DuplicateNode { id: "A".into() }));

    let bad = Options { rank_spacing: f64::INFINITY, ..o };
    let err = layout(&chain(), &bad).err();
    assert_eq!(err, Some(LayoutError::InvalidOption { name: "rank_spacing" }));
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("option 'rank_spacing' is not a finite, non-negative number")
    );
}

#[test]
fn empty_graph_and_single_node() {
    let out = layout(&Graph::default(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, Layout::default());
    let one = Graph { nodes: vec![node("A", 30.0, 20.0)], edges: vec![] };
    let out = layout(&one, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.nodes[0].rect, Rect { x: 0.0, y: 0.0, width: 30.0, height: 20.0 });
    assert_eq!(out.bounds, out.nodes[0].rect);
}

#[test]
fn larger_random_graphs_keep_the_invariants() {
    for seed in 1..6u64 {
        let graph = random_dag(60, 60, seed * 7919);
        for direction in [Direction::TopDown, Direction::LeftRight] {
            let o = options(direction);
            let out = layout(&graph, &o).unwrap_or_else(|e| panic!("{e}"));
            check_level(&format!("seed {seed}"), &graph, &out, &out.bounds, &o);
        }
        let graph = deep_dag(80, seed);
        let o = Options::default();
        let out = layout(&graph, &o).unwrap_or_else(|e| panic!("{e}"));
        check_level(&format!("deep seed {seed}"), &graph, &out, &out.bounds, &o);
    }
}

#[test]
#[ignore = "prints timing; run with --ignored (preferably --release)"]
fn time_a_500_node_graph() {
    // A wide random DAG, and a deep one whose edges skip up to 15 layers (many dummy nodes).
    let wide = random_dag(500, 300, 42);
    let deep = deep_dag(500, 7);
    for (name, graph) in [("wide", wide), ("deep", deep)] {
        let start = std::time::Instant::now();
        let out = layout(&graph, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
        let elapsed = start.elapsed();
        println!(
            "{name}: 500 nodes, {} edges: {:?} (bounds {:.0} x {:.0})",
            graph.edges.len(),
            elapsed,
            out.bounds.width,
            out.bounds.height
        );
    }
}

#[test]
fn the_checks_themselves_detect_violations() {
    let r = Rect { x: 5.0, y: 0.0, width: 10.0, height: 10.0 };
    let p = |x, y| Point { x, y };
    assert!(segment_enters(p(0.0, 5.0), p(20.0, 5.0), &r));
    assert!(segment_enters(p(0.0, -5.0), p(20.0, 15.0), &r));
    assert!(!segment_enters(p(0.0, 0.0), p(20.0, 0.0), &r)); // along the border
    assert!(!segment_enters(p(0.0, 5.0), p(5.0, 5.0), &r)); // ends on the border
    assert!(!segment_enters(p(16.0, -5.0), p(16.0, 15.0), &r));
    assert!(on_border(p(10.0, 10.0), &r) && !on_border(p(10.0, 5.0), &r));
}
