//! Coordinate assignment across the flow.
//!
//! Each layer in turn is placed as close as possible (least squares, weighted) to where its
//! neighbours in the adjacent layer pull it, subject to the order fixed by crossing reduction and the
//! minimum spacing between consecutive members. With `x[i+1] - x[i] >= sep[i]` rewritten as
//! `y[i] = x[i] - offset[i]` non-decreasing, this is an isotonic regression, which the pool adjacent
//! violators algorithm solves exactly in linear time.

use crate::layered::{edge_weight, LNode};

/// Down-and-up sweep pairs.
const ROUNDS: usize = 8;
/// Weight pulling a node without neighbours towards where it already is.
const INERTIA: f64 = 1e-3;

/// Weighted least-squares fit of a non-decreasing sequence to `target`.
pub(crate) fn isotonic(target: &[f64], weight: &[f64]) -> Vec<f64> {
    // Blocks of pooled values: (total weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(target.len());
    for (&t, &w) in target.iter().zip(weight) {
        blocks.push((w, w * t, 1));
        while let [.., (w1, s1, n1), (w2, s2, n2)] = blocks.as_slice() {
            if s1 / w1 <= s2 / w2 {
                break;
            }
            let merged = (w1 + w2, s1 + s2, n1 + n2);
            blocks.pop();
            blocks.pop();
            blocks.push(merged);
        }
    }
    let mut out = Vec::with_capacity(target.len());
    for (w, s, n) in blocks {
        out.extend(std::iter::repeat_n(s / w, n));
    }
    out
}

fn separation(a: &LNode, b: &LNode, node_spacing: f64, edge_spacing: f64) -> f64 {
    let gap = if a.dummy || b.dummy { edge_spacing } else { node_spacing };
    a.hi + gap + b.lo
}

/// Places `layer` given the positions of its neighbours (`adjacent` lists, possibly two of them).
fn place_layer(
    layer: &[usize],
    lnodes: &[LNode],
    adjacent: &[&[Vec<usize>]],
    x: &mut [f64],
    node_spacing: f64,
    edge_spacing: f64,
) {
    let mut offset = Vec::with_capacity(layer.len());
    let mut acc = 0.0;
    for (i, &v) in layer.iter().enumerate() {
        if i > 0 {
            if let Some(&prev) = layer.get(i - 1) {
                acc += separation(&lnodes[prev], &lnodes[v], node_spacing, edge_spacing);
            }
        }
        offset.push(acc);
    }
    let mut target = Vec::with_capacity(layer.len());
    let mut weight = Vec::with_capacity(layer.len());
    for (&v, &off) in layer.iter().zip(&offset) {
        let mut sum = 0.0;
        let mut total = 0.0;
        for lists in adjacent {
            for &u in &lists[v] {
                let w = edge_weight(&lnodes[v], &lnodes[u]);
                sum += w * x[u];
                total += w;
            }
        }
        let (want, w) = if total > 0.0 { (sum / total, total) } else { (x[v], INERTIA) };
        target.push(want - off);
        weight.push(w);
    }
    let fitted = isotonic(&target, &weight);
    for ((&v, &off), y) in layer.iter().zip(&offset).zip(fitted) {
        x[v] = y + off;
    }
}

/// Anchor position across the flow of every layered node.
pub(crate) fn assign(
    layers: &[Vec<usize>],
    lnodes: &[LNode],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
    node_spacing: f64,
    edge_spacing: f64,
) -> Vec<f64> {
    let mut x = vec![0.0; lnodes.len()];
    // Start packed and centred on 0.
    for layer in layers {
        let mut acc = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                if let Some(&prev) = layer.get(i - 1) {
                    acc += separation(&lnodes[prev], &lnodes[v], node_spacing, edge_spacing);
                }
            }
            x[v] = acc;
        }
        for &v in layer {
            x[v] -= acc / 2.0;
        }
    }
    for _ in 0..ROUNDS {
        for layer in layers.iter().skip(1) {
            place_layer(layer, lnodes, &[pred], &mut x, node_spacing, edge_spacing);
        }
        let len = layers.len();
        for layer in layers.iter().take(len.saturating_sub(1)).rev() {
            place_layer(layer, lnodes, &[succ], &mut x, node_spacing, edge_spacing);
        }
    }
    // A final balancing pass with both neighbour layers.
    for layer in layers {
        place_layer(layer, lnodes, &[pred, succ], &mut x, node_spacing, edge_spacing);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators() {
        let out = isotonic(&[1.0, 3.0, 2.0, 4.0], &[1.0, 1.0, 1.0, 1.0]);
        assert_eq!(out, vec![1.0, 2.5, 2.5, 4.0]);
        let out = isotonic(&[5.0, 0.0], &[3.0, 1.0]);
        assert_eq!(out, vec![3.75, 3.75]);
    }

    #[test]
    fn two_children_are_centred_under_their_parent() {
        let node = |rank, dummy| LNode { rank, lo: 10.0, hi: 10.0, along: 10.0, dummy };
        let lnodes = vec![node(0, false), node(1, false), node(1, false)];
        let succ = vec![vec![1, 2], vec![], vec![]];
        let pred = vec![vec![], vec![0], vec![0]];
        let x = assign(&[vec![0], vec![1, 2]], &lnodes, &succ, &pred, 20.0, 10.0);
        assert_eq!(x[2] - x[1], 40.0);
        assert_eq!((x[1] + x[2]) / 2.0, x[0]);
    }
}
