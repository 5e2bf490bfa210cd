//! The layered layout of one flat graph level, in direction-independent coordinates:
//! `c` runs across the flow (x in top-down), `a` along the flow (y in top-down).

use crate::{order, place};

/// A point in (cross, along) coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ca {
    pub c: f64,
    pub a: f64,
}

/// A rectangle in (cross, along) coordinates: low corner plus extents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CaRect {
    pub c: f64,
    pub a: f64,
    pub cw: f64,
    pub aw: f64,
}

pub(crate) struct FlatEdge {
    pub from: usize,
    pub to: usize,
    /// Label size as (cross, along).
    pub label: Option<(f64, f64)>,
}

pub(crate) struct Params {
    pub node_spacing: f64,
    pub edge_spacing: f64,
    pub rank_spacing: f64,
    pub label_gap: f64,
}

pub(crate) struct RoutedEdge {
    pub points: Vec<Ca>,
    pub label: Option<CaRect>,
}

pub(crate) struct FlatLayout {
    /// One rectangle per node, in input order.
    pub rects: Vec<CaRect>,
    /// One route per edge, in input order.
    pub edges: Vec<RoutedEdge>,
}

/// A node of the layered graph: a real node or a dummy on an edge's path.
#[derive(Debug, Clone)]
pub(crate) struct LNode {
    pub rank: usize,
    /// Extent across the flow before the anchor (where edges attach / pass).
    pub lo: f64,
    /// Extent across the flow after the anchor.
    pub hi: f64,
    /// Thickness along the flow.
    pub along: f64,
    pub dummy: bool,
}

/// Reverses back edges found by a depth-first search from node 0 (then from every node not yet
/// reached, in input order). Self loops must not be passed in. Returns one flag per edge.
fn break_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (e, &(u, v)) in edges.iter().enumerate() {
        out[u].push((e, v));
    }
    let mut reversed = vec![false; edges.len()];
    // 0 = not visited, 1 = on the DFS stack, 2 = finished.
    let mut state = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            match out[v].get(i) {
                Some(&(e, w)) => {
                    top.1 += 1;
                    match state[w] {
                        0 => {
                            state[w] = 1;
                            stack.push((w, 0));
                        }
                        1 => reversed[e] = true,
                        _ => {}
                    }
                }
                None => {
                    state[v] = 2;
                    stack.pop();
                }
            }
        }
    }
    reversed
}

/// Longest-path layering of a DAG given as (from, to, minimum length) edges, then sources are pulled
/// down next to their successors. The smallest rank is 0.
fn assign_ranks(n: usize, dag: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for &(u, v, len) in dag {
        out[u].push((v, len));
        indeg[v] += 1;
    }
    let mut remaining = indeg.clone();
    let mut queue: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut rank = vec![0usize; n];
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &(w, len) in &out[v] {
            rank[w] = rank[w].max(rank[v] + len);
            remaining[w] -= 1;
            if remaining[w] == 0 {
                queue.push(w);
            }
        }
    }
    for v in 0..n {
        if indeg[v] == 0 {
            if let Some(r) = out[v].iter().map(|&(w, len)| rank[w].saturating_sub(len)).min() {
                rank[v] = r;
            }
        }
    }
    let min = rank.iter().copied().min().unwrap_or(0);
    rank.iter().map(|r| r - min).collect()
}

/// Placement weight of a layered edge: long edges (dummy to dummy) are kept straight first.
pub(crate) fn edge_weight(a: &LNode, b: &LNode) -> f64 {
    match (a.dummy, b.dummy) {
        (true, true) => 8.0,
        (false, false) => 1.0,
        _ => 2.0,
    }
}

/// Lays out one level. `sizes` are (cross, along) per node.
pub(crate) fn run(sizes: &[(f64, f64)], edges: &[FlatEdge], p: &Params) -> FlatLayout {
    let n = sizes.len();
    let loop_step = p.edge_spacing.max(1.0);

    // Self loops are drawn beside their node and reserve room on its high cross side.
    let mut loops: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut proper: Vec<usize> = Vec::new();
    for (e, edge) in edges.iter().enumerate() {
        if edge.from == edge.to {
            loops[edge.from].push(e);
        } else {
            proper.push(e);
        }
    }

    let pairs: Vec<(usize, usize)> = proper.iter().map(|&e| (edges[e].from, edges[e].to)).collect();
    let reversed = break_cycles(n, &pairs);
    let dag: Vec<(usize, usize, usize)> = proper
        .iter()
        .zip(&reversed)
        .map(|(&e, &rev)| {
            let edge = &edges[e];
            let len = if edge.label.is_some() { 2 } else { 1 };
            if rev {
                (edge.to, edge.from, len)
            } else {
                (edge.from, edge.to, len)
            }
        })
        .collect();
    let rank = assign_ranks(n, &dag);

    // Layered graph: real nodes first (same indices), then dummies.
    let mut lnodes: Vec<LNode> = (0..n)
        .map(|v| {
            let (cw, aw) = sizes[v];
            // Room for self loops (and their labels) beside the node, within its layer band.
            let mut extra = 0.0;
            let mut along = aw;
            if !loops[v].is_empty() {
                extra = loop_step * loops[v].len() as f64;
                for &e in &loops[v] {
                    if let Some((lc, la)) = edges[e].label {
                        extra += p.label_gap + lc;
                        along = along.max(la);
                    }
                }
            }
            LNode { rank: rank[v], lo: cw / 2.0, hi: cw / 2.0 + extra, along, dummy: false }
        })
        .collect();
    // Per edge: the chain of layered nodes in layered direction, and its label dummy.
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    let mut label_node: Vec<Option<usize>> = vec![None; edges.len()];
    let mut is_reversed = vec![false; edges.len()];
    for ((&e, &(u, v, _)), &rev) in proper.iter().zip(&dag).zip(&reversed) {
        is_reversed[e] = rev;
        let label = edges[e].label;
        let (ru, rv) = (rank[u], rank[v]);
        let label_rank = ru + rv.saturating_sub(ru) / 2;
        let mut chain = vec![u];
        for r in ru + 1..rv {
            let id = lnodes.len();
            let node = match label {
                Some((lc, la)) if r == label_rank => {
                    label_node[e] = Some(id);
                    LNode { rank: r, lo: 0.0, hi: p.label_gap + lc, along: la, dummy: true }
                }
                _ => LNode { rank: r, lo: 0.0, hi: 0.0, along: 0.0, dummy: true },
            };
            lnodes.push(node);
            chain.push(id);
        }
        chain.push(v);
        chains[e] = chain;
    }

    let total = lnodes.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for w in chain.windows(2) {
            if let [a, b] = *w {
                succ[a].push(b);
                pred[b].push(a);
            }
        }
    }

    let rank_count = lnodes.iter().map(|l| l.rank + 1).max().unwrap_or(0);
    let mut layers = initial_order(&lnodes, &succ, rank_count, n);
    order::reduce_crossings(&mut layers, &succ, &pred, total);
    let x = place::assign(&layers, &lnodes, &succ, &pred, p.node_spacing, p.edge_spacing);

    // Along the flow: every layer is a band as thick as its thickest member.
    let mut band_start = vec![0.0; rank_count];
    let mut band_end = vec![0.0; rank_count];
    let mut cursor = 0.0;
    for (r, layer) in layers.iter().enumerate() {
        let thick = layer.iter().map(|&v| lnodes[v].along).fold(0.0, f64::max);
        band_start[r] = cursor;
        band_end[r] = cursor + thick;
        cursor += thick + p.rank_spacing;
    }
    let mid = |r: usize| (band_start[r] + band_end[r]) / 2.0;

    let rects: Vec<CaRect> = (0..n)
        .map(|v| {
            let (cw, aw) = sizes[v];
            CaRect { c: x[v] - cw / 2.0, a: mid(rank[v]) - aw / 2.0, cw, aw }
        })
        .collect();

    // Ports: edges leaving (entering) a node in layered direction are spread along its low (high)
    // side in the order of the node they go to (come from), so they do not cross at the node.
    let mut out_port = vec![0.0; edges.len()];
    let mut in_port = vec![0.0; edges.len()];
    let mut outs: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (e, chain) in chains.iter().enumerate() {
        if let (Some(&first), Some(&second), Some(&last), Some(&before)) = (
            chain.first(),
            chain.get(1),
            chain.last(),
            chain.len().checked_sub(2).and_then(|i| chain.get(i)),
        ) {
            outs[first].push((x[second], e));
            ins[last].push((x[before], e));
        }
    }
    for v in 0..n {
        let rect = rects[v];
        for (list, ports) in [(&mut outs[v], &mut out_port), (&mut ins[v], &mut in_port)] {
            // Pushed in edge order, so equal positions stay in edge order.
            order::sort_by_position(list);
            let count = list.len() as f64;
            for (i, &(_, e)) in list.iter().enumerate() {
                ports[e] = rect.c + rect.cw * (i as f64 + 1.0) / (count + 1.0);
            }
        }
    }

    let mut routed: Vec<RoutedEdge> =
        (0..edges.len()).map(|_| RoutedEdge { points: Vec::new(), label: None }).collect();
    for (e, chain) in chains.iter().enumerate() {
        let (Some(&u), Some(&v)) = (chain.first(), chain.last()) else { continue };
        let mut pts = Vec::with_capacity(chain.len() * 2 + 2);
        let (su, sv) = (rects[u], rects[v]);
        pts.push(Ca { c: out_port[e], a: su.a + su.aw });
        pts.push(Ca { c: out_port[e], a: band_end[rank[u]] });
        for &d in chain.get(1..chain.len() - 1).unwrap_or_default() {
            let r = lnodes[d].rank;
            pts.push(Ca { c: x[d], a: band_start[r] });
            pts.push(Ca { c: x[d], a: band_end[r] });
        }
        pts.push(Ca { c: in_port[e], a: band_start[rank[v]] });
        pts.push(Ca { c: in_port[e], a: sv.a });
        let mut pts = simplify(pts);
        if is_reversed[e] {
            pts.reverse();
        }
        let label = match (label_node[e], edges[e].label) {
            (Some(d), Some((lc, la))) => {
                let r = lnodes[d].rank;
                Some(CaRect { c: x[d] + p.label_gap, a: mid(r) - la / 2.0, cw: lc, aw: la })
            }
            _ => None,
        };
        routed[e] = RoutedEdge { points: pts, label };
    }

    // Self loops: nested rectangles on the node's high cross side, labels beyond the outermost.
    for v in 0..n {
        let rect = rects[v];
        let count = loops[v].len();
        let side = rect.c + rect.cw;
        let center = rect.a + rect.aw / 2.0;
        let mut label_cursor = side + loop_step * count as f64;
        for (i, &e) in loops[v].iter().enumerate() {
            let reach = side + loop_step * (i as f64 + 1.0);
            let half = rect.aw / 2.0 * (i as f64 + 1.0) / (count as f64 + 1.0);
            let points = vec![
                Ca { c: side, a: center - half },
                Ca { c: reach, a: center - half },
                Ca { c: reach, a: center + half },
                Ca { c: side, a: center + half },
            ];
            let label = edges[e].label.map(|(lc, la)| {
                let r =
                    CaRect { c: label_cursor + p.label_gap, a: center - la / 2.0, cw: lc, aw: la };
                label_cursor += p.label_gap + lc;
                r
            });
            routed[e] = RoutedEdge { points, label };
        }
    }

    FlatLayout { rects, edges: routed }
}

/// Removes repeated points and the middle one of three collinear axis-parallel points.
fn simplify(points: Vec<Ca>) -> Vec<Ca> {
    let mut out: Vec<Ca> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if let [.., a, b] = out.as_slice() {
            let same_c = a.c == b.c && b.c == p.c;
            let same_a = a.a == b.a && b.a == p.a;
            if same_c || same_a {
                out.pop();
            }
        }
        out.push(p);
    }
    // An edge between two nodes touching each other still gets two points.
    if out.len() == 1 {
        if let Some(&only) = out.first() {
            out.push(only);
        }
    }
    out
}

/// Initial order within layers: depth-first preorder along edges, starting from the real nodes in
/// input order, so that connected nodes start out close to each other.
fn initial_order(
    lnodes: &[LNode],
    succ: &[Vec<usize>],
    rank_count: usize,
    real: usize,
) -> Vec<Vec<usize>> {
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); rank_count];
    let mut seen = vec![false; lnodes.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..real {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        layers[lnodes[root].rank].push(root);
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            match succ[v].get(i) {
                Some(&w) => {
                    top.1 += 1;
                    if !seen[w] {
                        seen[w] = true;
                        layers[lnodes[w].rank].push(w);
                        stack.push((w, 0));
                    }
                }
                None => {
                    stack.pop();
                }
            }
        }
    }
    layers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dfs_from_first_node_reverses_only_the_loop_edge() {
        // 0 -> 1 -> 2 -> 1 (loop), 2 -> 3
        let rev = break_cycles(4, &[(0, 1), (1, 2), (2, 1), (2, 3)]);
        assert_eq!(rev, vec![false, false, true, false]);
    }

    #[test]
    fn longest_path_ranks_with_minimum_lengths_and_pulled_down_sources() {
        // 0 -> 1 -> 2, 0 -> 2, 3 -> 2 (a second source), 1 -> 4 with length 2.
        let ranks = assign_ranks(5, &[(0, 1, 1), (1, 2, 1), (0, 2, 1), (3, 2, 1), (1, 4, 2)]);
        assert_eq!(ranks, vec![0, 1, 2, 1, 3]);
    }

    #[test]
    fn simplify_merges_straight_runs() {
        let p = |c, a| Ca { c, a };
        let out = simplify(vec![p(0.0, 0.0), p(0.0, 5.0), p(0.0, 5.0), p(0.0, 10.0), p(3.0, 20.0)]);
        assert_eq!(out, vec![p(0.0, 0.0), p(0.0, 10.0), p(3.0, 20.0)]);
    }
}
