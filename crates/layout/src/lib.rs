//! Layered layout of nested workflow graphs.
//!
//! This crate knows nothing about the Amazon States Language. The caller turns a state machine into a
//! [`Graph`] (one [`Node`] per state, with sizes measured by the caller, and one [`Edge`] per
//! transition), calls [`layout`], and draws the resulting [`Layout`]: absolute rectangles for every node,
//! container and lane, and a polyline for every edge that ends on the target's border.
//!
//! A node with `lanes` is a *container*: a Parallel state has one lane per branch, a Map state one lane
//! (its item processor). Every lane is laid out on its own first (inside-out) and the container is then
//! treated as one big node of its parent graph. Lanes are drawn side by side across the flow direction.
//!
//! The algorithm is a layered (Sugiyama-style) layout:
//! 1. cycle breaking: a depth-first search from the first node (the start state) reverses back edges;
//! 2. layer assignment by longest path (edges with a label span at least two layers, so that the label
//!    gets a layer slot of its own and never overlaps a node);
//! 3. dummy nodes on every layer an edge spans, so that edges are routed between nodes, never through
//!    them (this is also how back edges such as loops are routed around the nodes they skip);
//! 4. crossing reduction by barycenter sweeps, keeping the best ordering found;
//! 5. coordinate assignment: every layer is placed as close as possible to the weighted average of its
//!    neighbours (an exact isotonic regression under the minimum-spacing constraints), sweeping down and
//!    up a fixed number of times;
//! 6. edge routing through the dummy positions.
//!
//! The result is deterministic: the same input gives the same output, bit for bit. Nothing is iterated
//! in hash order and there is no randomness.
//!
//! # Example
//!
//! ```
//! use layout::{layout, Direction, Edge, EdgeKind, Graph, Node, Options};
//!
//! let graph = Graph {
//!     nodes: vec![
//!         Node::new("__start", 12.0, 12.0),
//!         Node::new("Call API", 120.0, 40.0),
//!         Node::new("OK", 80.0, 40.0),
//!         Node::new("Catch All", 100.0, 40.0),
//!     ],
//!     edges: vec![
//!         Edge::new("__start", "Call API", EdgeKind::Next),
//!         Edge::new("Call API", "OK", EdgeKind::Next),
//!         Edge::new("Call API", "Catch All", EdgeKind::Catch).with_label(70.0, 16.0),
//!     ],
//! };
//! let options = Options { direction: Direction::TopDown, ..Options::default() };
//! let result = layout(&graph, &options).expect("valid graph");
//!
//! let call_api = result.node("Call API").expect("laid out");
//! let ok = result.node("OK").expect("laid out");
//! assert!(ok.rect.y >= call_api.rect.bottom()); // top-down flow
//! let edge = &result.edges[1];
//! assert_eq!(edge.points.last().map(|p| p.y), Some(ok.rect.y)); // ends on OK's top border
//! assert!(result.edges[2].label.is_some());
//! assert_eq!((result.bounds.x, result.bounds.y), (0.0, 0.0));
//! ```
#![forbid(unsafe_code)]

mod layered;
mod order;
mod place;

use std::collections::BTreeMap;
use std::fmt;

/// A point in the drawing's coordinate system (x to the right, y downwards).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A measured size (e.g. of a text label).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

/// An axis-aligned rectangle: top-left corner plus size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// The x coordinate of the right side.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// The y coordinate of the bottom side.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// The centre point.
    pub fn center(&self) -> Point {
        Point { x: self.x + self.width / 2.0, y: self.y + self.height / 2.0 }
    }

    /// Whether `other` lies entirely inside this rectangle (borders may touch).
    pub fn contains_rect(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// Whether the interiors of the two rectangles overlap (touching borders do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    fn translated(&self, dx: f64, dy: f64) -> Rect {
        Rect { x: self.x + dx, y: self.y + dy, ..*self }
    }

    fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect {
            x,
            y,
            width: self.right().max(other.right()) - x,
            height: self.bottom().max(other.bottom()) - y,
        }
    }
}

/// A graph (one nesting level): nodes and the edges between them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    /// The nodes. The first one is treated as the entry point (the start state): cycles are broken
    /// by a depth-first search that starts there, so it ends up at the top of the drawing.
    pub nodes: Vec<Node>,
    /// Edges between nodes of this level (both ends must be ids of `nodes`).
    pub edges: Vec<Edge>,
}

/// A node: a state, a start/end marker, or a container of lanes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// Unique within its graph level.
    pub id: String,
    /// Measured width. For a container this is a minimum (e.g. the width of its header text).
    pub width: f64,
    /// Measured height. For a container this is a minimum.
    pub height: f64,
    /// When not empty, the node is a container whose size is computed from these lanes plus
    /// [`Options::container_padding`], [`Options::lane_padding`] and [`Options::header_height`].
    pub lanes: Vec<Graph>,
}

impl Node {
    /// A plain node of the given measured size.
    pub fn new(id: impl Into<String>, width: f64, height: f64) -> Self {
        Node { id: id.into(), width, height, lanes: Vec::new() }
    }

    /// A container; `min_width`/`min_height` are lower bounds for its computed size.
    pub fn container(
        id: impl Into<String>,
        min_width: f64,
        min_height: f64,
        lanes: Vec<Graph>,
    ) -> Self {
        Node { id: id.into(), width: min_width, height: min_height, lanes }
    }
}

/// What an edge stands for. The layout treats all kinds alike; it is passed through for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum EdgeKind {
    /// A `Next` transition (or a start/end marker edge).
    #[default]
    Next,
    /// A Choice state's `Default` transition.
    Default,
    /// A Choice rule's transition.
    Choice,
    /// A `Catch` transition.
    Catch,
}

/// A directed edge between two nodes of the same graph level.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The measured size of the edge's label, if it has one.
    pub label: Option<Size>,
}

impl Edge {
    /// An unlabelled edge.
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: EdgeKind) -> Self {
        Edge { from: from.into(), to: to.into(), kind, label: None }
    }

    /// The same edge with a label of the given measured size.
    pub fn with_label(mut self, width: f64, height: f64) -> Self {
        self.label = Some(Size { width, height });
        self
    }
}

/// The direction in which edges flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Layers are rows, edges point downwards; lanes of a container are side by side.
    #[default]
    TopDown,
    /// Layers are columns, edges point to the right; lanes of a container are stacked.
    LeftRight,
}

/// Layout parameters. All lengths must be finite and non-negative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub direction: Direction,
    /// Minimum gap between two nodes of the same layer.
    pub node_spacing: f64,
    /// Minimum gap between an edge passing through a layer and its neighbours (nodes or edges).
    pub edge_spacing: f64,
    /// Gap between two consecutive layers.
    pub rank_spacing: f64,
    /// Gap between a container's border and its lanes (below the header).
    pub container_padding: f64,
    /// Gap between a lane's border and the nodes inside it.
    pub lane_padding: f64,
    /// Gap between two lanes of the same container.
    pub lane_spacing: f64,
    /// Height of a container's header (where the caller draws its name), above the lanes.
    pub header_height: f64,
    /// Gap between an edge line and its label.
    pub label_gap: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            direction: Direction::TopDown,
            node_spacing: 40.0,
            edge_spacing: 20.0,
            rank_spacing: 50.0,
            container_padding: 16.0,
            lane_padding: 16.0,
            lane_spacing: 16.0,
            header_height: 32.0,
            label_gap: 6.0,
        }
    }
}

/// The laid-out graph (one nesting level). All coordinates are absolute.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// The smallest rectangle holding every node, edge and label of this level (and, through the
    /// containers, of the levels below). At the top level its corner is (0, 0).
    pub bounds: Rect,
    /// One entry per input node, in input order.
    pub nodes: Vec<NodeLayout>,
    /// One entry per input edge, in input order.
    pub edges: Vec<EdgeLayout>,
}

impl Layout {
    /// The node of this level with the given id.
    pub fn node(&self, id: &str) -> Option<&NodeLayout> {
        self.nodes.iter().find(|n| n.id == id)
    }

    fn translate(&mut self, dx: f64, dy: f64) {
        self.bounds = self.bounds.translated(dx, dy);
        for node in &mut self.nodes {
            node.rect = node.rect.translated(dx, dy);
            for lane in &mut node.lanes {
                lane.rect = lane.rect.translated(dx, dy);
                lane.layout.translate(dx, dy);
            }
        }
        for edge in &mut self.edges {
            for p in &mut edge.points {
                p.x += dx;
                p.y += dy;
            }
            if let Some(label) = &mut edge.label {
                *label = label.translated(dx, dy);
            }
        }
    }
}

/// A laid-out node or container.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeLayout {
    pub id: String,
    pub rect: Rect,
    /// For a container, one entry per input lane, in input order; empty otherwise.
    pub lanes: Vec<LaneLayout>,
}

/// A lane of a container: its rectangle and the layout of its graph, which lies inside it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaneLayout {
    pub rect: Rect,
    pub layout: Layout,
}

/// A routed edge.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EdgeLayout {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The polyline from the source's border to the target's border (where the arrowhead goes).
    /// It has at least two points. A self loop leaves and re-enters the node on the side across the
    /// flow (right in top-down, bottom in left-right).
    pub points: Vec<Point>,
    /// Where to draw the label (present when the input edge has a label): beside a straight run of
    /// the edge, [`Options::label_gap`] away from it (right of it in top-down, below it in
    /// left-right), clear of every node and every other label.
    pub label: Option<Rect>,
}

/// Why a graph cannot be laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// Two nodes of the same graph level have the same id.
    DuplicateNode { id: String },
    /// An edge refers to an id that is not a node of its graph level.
    UnknownNode { id: String },
    /// A node or label size is negative, infinite or NaN.
    InvalidSize { id: String },
    /// An option is negative, infinite or NaN.
    InvalidOption { name: &'static str },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::DuplicateNode { id } => write!(f, "duplicate node id '{id}'"),
            LayoutError::UnknownNode { id } => {
                write!(f, "edge refers to '{id}', which is not a node of the same graph")
            }
            LayoutError::InvalidSize { id } => {
                write!(f, "size of '{id}' (or of a label on its edges) is not a finite, non-negative number")
            }
            LayoutError::InvalidOption { name } => {
                write!(f, "option '{name}' is not a finite, non-negative number")
            }
        }
    }
}

impl std::error::Error for LayoutError {}

/// Lays out `graph` (recursively, containers included). The top-level bounds start at (0, 0).
pub fn layout(graph: &Graph, options: &Options) -> Result<Layout, LayoutError> {
    validate_options(options)?;
    let mut result = layout_level(graph, options)?;
    let (dx, dy) = (-result.bounds.x, -result.bounds.y);
    result.translate(dx, dy);
    Ok(result)
}

fn valid_len(v: f64) -> bool {
    v.is_finite() && v >= 0.0
}

fn validate_options(o: &Options) -> Result<(), LayoutError> {
    let checks = [
        ("node_spacing", o.node_spacing),
        ("edge_spacing", o.edge_spacing),
        ("rank_spacing", o.rank_spacing),
        ("container_padding", o.container_padding),
        ("lane_padding", o.lane_padding),
        ("lane_spacing", o.lane_spacing),
        ("header_height", o.header_height),
        ("label_gap", o.label_gap),
    ];
    match checks.iter().find(|(_, v)| !valid_len(*v)) {
        Some((name, _)) => Err(LayoutError::InvalidOption { name }),
        None => Ok(()),
    }
}

/// A container's lanes, laid out and positioned relative to the container's top-left corner.
struct Container {
    size: Size,
    lanes: Vec<LaneLayout>,
}

fn layout_container(node: &Node, options: &Options) -> Result<Container, LayoutError> {
    let mut lanes = Vec::with_capacity(node.lanes.len());
    for lane in &node.lanes {
        lanes.push(layout_level(lane, options)?);
    }
    let pad = options.lane_padding;
    let gap = options.lane_spacing;
    let count = lanes.len() as f64;
    let outer: Vec<Size> = lanes
        .iter()
        .map(|l| Size { width: l.bounds.width + 2.0 * pad, height: l.bounds.height + 2.0 * pad })
        .collect();
    let across = options.direction == Direction::TopDown;
    let (lanes_w, lanes_h) = if across {
        let w = outer.iter().map(|s| s.width).sum::<f64>() + (count - 1.0).max(0.0) * gap;
        (w, outer.iter().map(|s| s.height).fold(0.0, f64::max))
    } else {
        let h = outer.iter().map(|s| s.height).sum::<f64>() + (count - 1.0).max(0.0) * gap;
        (outer.iter().map(|s| s.width).fold(0.0, f64::max), h)
    };
    let cp = options.container_padding;
    let width = node.width.max(lanes_w + 2.0 * cp);
    let height = node.height.max(options.header_height + lanes_h + 2.0 * cp);
    // Centre the lanes horizontally when the header text makes the container wider.
    let x0 = (width - lanes_w) / 2.0;
    let y0 = options.header_height + cp;
    let mut cursor = 0.0;
    let mut placed = Vec::with_capacity(lanes.len());
    for (mut lane, size) in lanes.into_iter().zip(outer) {
        let rect = if across {
            Rect { x: x0 + cursor, y: y0, width: size.width, height: lanes_h }
        } else {
            Rect { x: x0, y: y0 + cursor, width: lanes_w, height: size.height }
        };
        cursor += if across { size.width } else { size.height } + gap;
        // Content: top-aligned in top-down lanes, left-aligned in left-right lanes, centred across.
        let (cx, cy) = if across {
            (rect.x + (rect.width - lane.bounds.width) / 2.0, rect.y + pad)
        } else {
            (rect.x + pad, rect.y + (rect.height - lane.bounds.height) / 2.0)
        };
        let (dx, dy) = (cx - lane.bounds.x, cy - lane.bounds.y);
        lane.translate(dx, dy);
        placed.push(LaneLayout { rect, layout: lane });
    }
    Ok(Container { size: Size { width, height }, lanes: placed })
}

/// Lays out one level; coordinates are relative to an arbitrary origin (see `bounds`).
fn layout_level(graph: &Graph, options: &Options) -> Result<Layout, LayoutError> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if index.insert(node.id.as_str(), i).is_some() {
            return Err(LayoutError::DuplicateNode { id: node.id.clone() });
        }
        if !valid_len(node.width) || !valid_len(node.height) {
            return Err(LayoutError::InvalidSize { id: node.id.clone() });
        }
    }
    let lookup = |id: &str| -> Result<usize, LayoutError> {
        index.get(id).copied().ok_or_else(|| LayoutError::UnknownNode { id: id.to_string() })
    };
    let td = options.direction == Direction::TopDown;
    // (cross, along) <-> (x, y)
    let to_ca = |w: f64, h: f64| if td { (w, h) } else { (h, w) };

    let mut flat_edges = Vec::with_capacity(graph.edges.len());
    for edge in &graph.edges {
        let from = lookup(&edge.from)?;
        let to = lookup(&edge.to)?;
        let label = match edge.label {
            Some(size) => {
                if !valid_len(size.width) || !valid_len(size.height) {
                    return Err(LayoutError::InvalidSize { id: edge.from.clone() });
                }
                Some(to_ca(size.width, size.height))
            }
            None => None,
        };
        flat_edges.push(layered::FlatEdge { from, to, label });
    }

    let mut containers = Vec::with_capacity(graph.nodes.len());
    let mut sizes = Vec::with_capacity(graph.nodes.len());
    for node in &graph.nodes {
        if node.lanes.is_empty() {
            containers.push(None);
            sizes.push(to_ca(node.width, node.height));
        } else {
            let c = layout_container(node, options)?;
            sizes.push(to_ca(c.size.width, c.size.height));
            containers.push(Some(c.lanes));
        }
    }

    let params = layered::Params {
        node_spacing: options.node_spacing,
        edge_spacing: options.edge_spacing,
        rank_spacing: options.rank_spacing,
        label_gap: options.label_gap,
    };
    let flat = layered::run(&sizes, &flat_edges, &params);

    let to_point =
        |p: layered::Ca| if td { Point { x: p.c, y: p.a } } else { Point { x: p.a, y: p.c } };
    let to_rect = |r: layered::CaRect| {
        if td {
            Rect { x: r.c, y: r.a, width: r.cw, height: r.aw }
        } else {
            Rect { x: r.a, y: r.c, width: r.aw, height: r.cw }
        }
    };

    let mut bounds: Option<Rect> = None;
    let mut grow = |r: Rect| {
        bounds = Some(match bounds {
            Some(b) => b.union(&r),
            None => r,
        });
    };
    let mut nodes = Vec::with_capacity(graph.nodes.len());
    for ((node, rect), container) in graph.nodes.iter().zip(&flat.rects).zip(containers) {
        let rect = to_rect(*rect);
        grow(rect);
        let mut lanes = container.unwrap_or_default();
        for lane in &mut lanes {
            lane.rect = lane.rect.translated(rect.x, rect.y);
            lane.layout.translate(rect.x, rect.y);
        }
        nodes.push(NodeLayout { id: node.id.clone(), rect, lanes });
    }
    let mut edges = Vec::with_capacity(graph.edges.len());
    for (edge, routed) in graph.edges.iter().zip(flat.edges) {
        let points: Vec<Point> = routed.points.into_iter().map(to_point).collect();
        for p in &points {
            grow(Rect { x: p.x, y: p.y, width: 0.0, height: 0.0 });
        }
        let label = routed.label.map(to_rect);
        if let Some(l) = label {
            grow(l);
        }
        edges.push(EdgeLayout {
            from: edge.from.clone(),
            to: edge.to.clone(),
            kind: edge.kind,
            points,
            label,
        });
    }
    Ok(Layout { bounds: bounds.unwrap_or_default(), nodes, edges })
}
