//! Clusters: which records are one student.

use serde::{Deserialize, Serialize};

/// The result of [`cluster`].
///
/// ```
/// use heat_core::matching::cluster;
/// let c = cluster(4, &[(0, 1, 0.99), (2, 3, 0.2)], 0.9, 10);
/// assert_eq!(c.labels, vec![0, 0, 1, 2]);
/// assert_eq!(c.clusters, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clustering {
    /// Cluster label per record, numbered from 0 in order of each cluster's first record.
    pub labels: Vec<u32>,
    /// Number of clusters (singletons included).
    pub clusters: u32,
    /// Size of the largest cluster.
    pub largest: u32,
    /// Links at or above the threshold left out because they would have joined two clusters into
    /// one larger than the size cap.
    pub links_refused: u64,
}

/// Joins records linked by pairs at or above `threshold` into clusters, strongest links first;
/// a link that would make a cluster of more than `max_size` records is refused (and counted), so
/// a chain of weak links cannot build a giant cluster. `pairs` are `(row, row, probability)`;
/// rows outside `0..n` are ignored.
///
/// ```
/// use heat_core::matching::cluster;
/// // A chain 0-1-2-3 with a cap of 2: the two strongest links win.
/// let c = cluster(4, &[(0, 1, 0.99), (1, 2, 0.95), (2, 3, 0.98)], 0.9, 2);
/// assert_eq!(c.labels, vec![0, 0, 1, 1]);
/// assert_eq!(c.links_refused, 1);
/// ```
pub fn cluster(n: usize, pairs: &[(u32, u32, f64)], threshold: f64, max_size: usize) -> Clustering {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut size = vec![1u32; n];
    let mut links: Vec<&(u32, u32, f64)> = pairs
        .iter()
        .filter(|(a, b, p)| *p >= threshold && (*a as usize) < n && (*b as usize) < n)
        .collect();
    links.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    let mut refused = 0u64;
    for &&(a, b, _) in &links {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra == rb {
            continue;
        }
        if (size[ra as usize] + size[rb as usize]) as usize > max_size {
            refused += 1;
            continue;
        }
        let (big, small) = if size[ra as usize] >= size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        parent[small as usize] = big;
        size[big as usize] += size[small as usize];
    }
    let mut label_of_root = vec![u32::MAX; n];
    let mut labels = Vec::with_capacity(n);
    let mut next = 0u32;
    let mut largest = 0u32;
    for i in 0..n as u32 {
        let r = find(&mut parent, i) as usize;
        if label_of_root[r] == u32::MAX {
            label_of_root[r] = next;
            next += 1;
            largest = largest.max(size[r]);
        }
        labels.push(label_of_root[r]);
    }
    Clustering {
        labels,
        clusters: next,
        largest,
        links_refused: refused,
    }
}

/// Disjoint sets of record rows (for counting the students a set of links leaves).
pub(crate) struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// Joins the sets of `a` and `b`; false when they were one set already (or out of range).
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
        if a >= self.parent.len() || b >= self.parent.len() {
            return false;
        }
        let (ra, rb) = (
            find(&mut self.parent, a as u32),
            find(&mut self.parent, b as u32),
        );
        if ra == rb {
            return false;
        }
        self.parent[ra as usize] = rb;
        true
    }

    /// The set `a` belongs to (`a` itself when out of range).
    pub(crate) fn root(&mut self, a: usize) -> u32 {
        if a >= self.parent.len() {
            return a as u32;
        }
        find(&mut self.parent, a as u32)
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_out_of_range() {
        let c = cluster(0, &[], 0.5, 3);
        assert!(c.labels.is_empty());
        assert_eq!(c.clusters, 0);
        let c = cluster(2, &[(0, 5, 1.0), (0, 1, 0.5)], 0.5, 3);
        assert_eq!(c.labels, vec![0, 0]);
        assert_eq!(c.largest, 2);
    }

    #[test]
    fn threshold_is_inclusive() {
        let c = cluster(3, &[(0, 2, 0.9), (1, 2, 0.8999)], 0.9, 10);
        assert_eq!(c.labels, vec![0, 1, 0]);
    }
}
