//! The latest tree's upper nodes, kept in memory between block commits.
//!
//! A block's tree update rereads, from the nodes table, every node on the path to each key it
//! changes. The upper levels of those paths are the same for every block and were written by the
//! block before (a block of a few thousand keys rewrites every node of the first four levels), so
//! reading them back from redb and decoding them again was a third of the update's time. This keeps
//! the node of the latest committed tree at each position of the first [`MAX_CACHED_DEPTH`] levels.
//!
//! Nodes are immutable per [`NodeKey`] (version and position), so an entry answers only a lookup of
//! exactly its key, and a miss falls through to the table: a stale entry (its position since
//! rewritten by a block that failed to commit, or emptied by a deletion) can never be returned for
//! another node. Entries are added only after their block's redb transaction committed.

use super::batch::NodeSource;
use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Version};
use std::borrow::Cow;

/// Levels of the tree kept in memory: at most 1 + 16 + 256 + 4,096 + 65,536 = 69,905 positions,
/// about 50 MB when every one holds a full internal node, whatever the size of the state.
pub(crate) const MAX_CACHED_DEPTH: usize = 4;

/// Positions in the first [`MAX_CACHED_DEPTH`] levels: `(16^(MAX + 1) - 1) / 15`.
const POSITIONS: usize = 69_905;

/// The first slot of each cached level: `(16^depth - 1) / 15` positions lie above it.
const LEVEL_START: [usize; MAX_CACHED_DEPTH + 1] = [0, 1, 17, 273, 4_369];

/// The slot of a position: the positions of shallower levels come first, then the path's nibbles
/// read as a base-16 number. `None` below the cached levels.
fn slot(path: &NibblePath) -> Option<usize> {
    let above = *LEVEL_START.get(path.num_nibbles())?;
    let within = path.nibbles().try_fold(0usize, |acc, n| {
        acc.checked_mul(16)?.checked_add(usize::from(u8::from(n)))
    })?;
    above.checked_add(within)
}

/// The node at each upper position of the latest committed tree, in a flat array (a lookup is
/// one index, the block's update does tens of thousands of them). Allocated at the first commit, so
/// a store that is only read costs nothing.
#[derive(Default)]
pub(crate) struct UpperNodes {
    slots: Vec<Option<(Version, Node)>>,
}

impl UpperNodes {
    /// The node stored under `key`, if it is the one cached at its position.
    fn get(&self, key: &NodeKey) -> Option<&Node> {
        match self.slots.get(slot(key.nibble_path())?)? {
            Some((version, node)) if *version == key.version() => Some(node),
            _ => None,
        }
    }

    /// Whether a node at `key` has a position in the cache: [`UpperNodes::record`] keeps only those.
    pub(crate) fn holds_position(key: &NodeKey) -> bool {
        key.nibble_path().num_nibbles() <= MAX_CACHED_DEPTH
    }

    /// Records the nodes of a committed block; each replaces whatever its position held, and nodes
    /// below the cached levels are dropped.
    pub(crate) fn record(&mut self, nodes: impl IntoIterator<Item = (NodeKey, Node)>) {
        if self.slots.is_empty() {
            self.slots.resize_with(POSITIONS, || None);
        }
        for (key, node) in nodes {
            if let Some(entry) = slot(key.nibble_path()).and_then(|i| self.slots.get_mut(i)) {
                *entry = Some((key.version(), node));
            }
        }
    }

    /// Forgets everything (after a commit that panicked while holding the cache).
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }

    /// Positions held, for tests.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }
}

/// Reads a node from the cache, else from `table`.
pub(crate) struct CachedReader<'a, R> {
    pub(crate) upper: &'a UpperNodes,
    pub(crate) table: R,
}

impl<R: TreeReader> NodeSource for CachedReader<'_, R> {
    fn node(&self, key: &NodeKey) -> anyhow::Result<Option<Cow<'_, Node>>> {
        match self.upper.get(key) {
            Some(node) => Ok(Some(Cow::Borrowed(node))),
            None => Ok(self.table.get_node_option(key)?.map(Cow::Owned)),
        }
    }
}

impl<R: TreeReader> TreeReader for CachedReader<'_, R> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        Ok(self.node(node_key)?.map(Cow::into_owned))
    }

    fn get_value_option(
        &self,
        max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        self.table.get_value_option(max_version, key_hash)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        self.table.get_rightmost_leaf()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use jmt::storage::LeafNode;

    fn leaf(byte: u8) -> Node {
        Node::Leaf(LeafNode::new(
            KeyHash([byte; 32]),
            jmt::ValueHash([byte; 32]),
        ))
    }

    fn path(nibbles: &[u8]) -> NibblePath {
        NibblePath::from_iter(nibbles.iter().map(|n| (*n).into()))
    }

    /// A cached position answers only its exact version; deeper positions are not kept.
    #[test]
    fn answers_only_the_exact_node_key() {
        let mut upper = UpperNodes::default();
        let shallow = NodeKey::new(7, path(&[1, 2]));
        let deep = NodeKey::new(7, path(&[1, 2, 3, 4, 5]));
        upper.record([(shallow.clone(), leaf(1)), (deep.clone(), leaf(2))]);
        assert_eq!(upper.len(), 1);
        assert_eq!(upper.get(&shallow), Some(&leaf(1)));
        assert_eq!(upper.get(&NodeKey::new(6, path(&[1, 2]))), None);
        assert_eq!(upper.get(&deep), None);
        // A newer block's node at the same position replaces the old one.
        let newer = NodeKey::new(8, path(&[1, 2]));
        upper.record([(newer.clone(), leaf(3))]);
        assert_eq!(upper.get(&shallow), None);
        assert_eq!(upper.get(&newer), Some(&leaf(3)));
        upper.clear();
        assert_eq!(upper.get(&newer), None);
    }

    /// Every position of the cached levels has its own slot, and the slots fill the array.
    #[test]
    fn slots_are_distinct_and_dense() {
        let mut seen = vec![false; POSITIONS];
        let mut paths = vec![Vec::new()];
        for depth in 0..=MAX_CACHED_DEPTH {
            let mut next = Vec::new();
            for p in &paths {
                let i = slot(&path(p)).unwrap();
                assert!(!seen[i], "slot {i} used twice");
                seen[i] = true;
                if depth < MAX_CACHED_DEPTH {
                    next.extend((0..16u8).map(|n| [p.as_slice(), &[n]].concat()));
                }
            }
            paths = next;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(slot(&path(&[0; 5])), None);
    }
}
