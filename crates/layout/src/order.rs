//! Crossing reduction: barycenter sweeps over the layers, keeping the best ordering found.

/// Most sweeps tried; the search also stops after a few sweeps without improvement.
const MAX_SWEEPS: usize = 24;
const PATIENCE: usize = 4;

/// Position of every layered node within its layer.
fn positions(layers: &[Vec<usize>], total: usize) -> Vec<usize> {
    let mut pos = vec![0; total];
    for layer in layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// Number of edge crossings between consecutive layers (every edge joins consecutive layers).
pub(crate) fn count_crossings(layers: &[Vec<usize>], succ: &[Vec<usize>], total: usize) -> u64 {
    let pos = positions(layers, total);
    let mut crossings = 0u64;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (north, south) in layers.iter().zip(layers.iter().skip(1)) {
        pairs.clear();
        for &u in north {
            for &w in &succ[u] {
                pairs.push((pos[u], pos[w]));
            }
        }
        pairs.sort_unstable();
        // Count inversions among the southern ends with a Fenwick tree.
        let size = south.len();
        let mut tree = vec![0u64; size + 1];
        for (seen, &(_, s)) in pairs.iter().enumerate() {
            // Edges seen so far ending at or before `s`.
            let mut i = s + 1;
            let mut not_greater = 0;
            while i > 0 {
                not_greater += tree[i];
                i &= i - 1;
            }
            crossings += seen as u64 - not_greater;
            let mut i = s + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    crossings
}

/// Sorts `layer` by the mean position of each node's neighbours (in `adjacent`); nodes without
/// neighbours keep their current position. The sort is stable, so ties keep their order.
fn sort_layer(layer: &mut [usize], adjacent: &[Vec<usize>], pos: &mut [usize]) {
    let mut keyed: Vec<(f64, usize)> = layer
        .iter()
        .map(|&v| {
            let neighbours = &adjacent[v];
            let key = if neighbours.is_empty() {
                pos[v] as f64
            } else {
                neighbours.iter().map(|&u| pos[u] as f64).sum::<f64>() / neighbours.len() as f64
            };
            (key, v)
        })
        .collect();
    sort_by_position(&mut keyed);
    for (i, (slot, (_, v))) in layer.iter_mut().zip(keyed).enumerate() {
        *slot = v;
        pos[v] = i;
    }
}

/// Sorts `(position, item)` pairs by position; equal positions keep their order. The one
/// stable sort of the crate: each sort instance adds about 1 KB gzipped to the page's wasm.
pub(crate) fn sort_by_position(list: &mut [(f64, usize)]) {
    list.sort_by(|a, b| a.0.total_cmp(&b.0));
}

/// Reorders the layers in place to reduce edge crossings.
pub(crate) fn reduce_crossings(
    layers: &mut [Vec<usize>],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
    total: usize,
) {
    let mut best = layers.to_vec();
    let mut best_count = count_crossings(layers, succ, total);
    let mut pos = positions(layers, total);
    let mut idle = 0;
    for sweep in 0..MAX_SWEEPS {
        if best_count == 0 || idle >= PATIENCE {
            break;
        }
        if sweep % 2 == 0 {
            for layer in layers.iter_mut().skip(1) {
                sort_layer(layer, pred, &mut pos);
            }
        } else {
            let len = layers.len();
            for layer in layers.iter_mut().take(len.saturating_sub(1)).rev() {
                sort_layer(layer, succ, &mut pos);
            }
        }
        let count = count_crossings(layers, succ, total);
        if count < best_count {
            best_count = count;
            best = layers.to_vec();
            idle = 0;
        } else {
            idle += 1;
        }
    }
    for (layer, kept) in layers.iter_mut().zip(best) {
        *layer = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_crossings_between_two_layers() {
        // Layer 0: [0, 1], layer 1: [2, 3]; edges 0->3, 1->2 cross once.
        let succ = vec![vec![3], vec![2], vec![], vec![]];
        assert_eq!(count_crossings(&[vec![0, 1], vec![2, 3]], &succ, 4), 1);
        assert_eq!(count_crossings(&[vec![0, 1], vec![3, 2]], &succ, 4), 0);
        // K(2,2) crosses once whatever the order.
        let succ = vec![vec![2, 3], vec![2, 3], vec![], vec![]];
        assert_eq!(count_crossings(&[vec![0, 1], vec![2, 3]], &succ, 4), 1);
    }

    #[test]
    fn sweeps_remove_an_avoidable_crossing() {
        let succ = vec![vec![3], vec![2], vec![], vec![]];
        let pred = vec![vec![], vec![], vec![1], vec![0]];
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        reduce_crossings(&mut layers, &succ, &pred, 4);
        assert_eq!(count_crossings(&layers, &succ, 4), 0);
    }
}
