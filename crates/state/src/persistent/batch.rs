//! A block's inserts and updates applied to the stored tree in one pass.
//!
//! The jmt crate's batch insert is general (several versions per batch, values kept in the batch): it
//! keeps every node it touches in SipHash maps, clones nodes on each lookup and copies the result
//! into a `BTreeMap`. That bookkeeping was most of a block's tree update. This pass reads the same
//! stored nodes and builds the same new ones, in the jmt crate's own types and encoding, so the root,
//! every node, and so every proof, are exactly the jmt crate's (tests compare the root, the new nodes
//! and the superseded ones over random blocks). Hashing stays the jmt crate's: internal nodes are
//! built from their borsh encoding and hashed by `InternalNode::hash`.
//!
//! The JMT's shape is a function of its key set: a leaf sits at the shallowest position its key hash
//! does not share with another key, with internal nodes above it. So inserting a batch is: walk down
//! the stored tree along the batch's sorted key hashes; an internal node is rebuilt with its touched
//! children replaced; a leaf met on the way joins the keys below its position (unless the batch
//! replaces it) and the subtree of those keys is built afresh.

use super::tree::{StateHasher, root_key};
use crate::StateError;
use borsh::BorshDeserialize;
use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader};
use jmt::{KeyHash, ValueHash, Version};

/// Nibbles in a key hash: no position lies deeper.
const MAX_DEPTH: usize = 64;

/// Borsh tags of the jmt crate's `Node` and `NodeType` enums (variant order), and of `Option`.
const NODE_INTERNAL: u8 = 1;
const TYPE_LEAF: u8 = 0;
const TYPE_INTERNAL: u8 = 1;
const NONE: u8 = 0;
const SOME: u8 = 1;

/// What inserting a block's batch produces.
#[derive(Default)]
pub(crate) struct Inserted {
    /// The new nodes, all at the block's version, children before their parent.
    pub(crate) nodes: Vec<(NodeKey, Node)>,
    /// The nodes of older versions that the new ones replace.
    pub(crate) stale: Vec<NodeKey>,
}

/// A child of an internal node under construction: what its parent records of it.
#[derive(Clone, Copy)]
struct Slot {
    hash: [u8; 32],
    version: Version,
    /// `None` for a leaf, else the leaves under the internal node.
    leaf_count: Option<usize>,
}

/// The sixteen child positions of an internal node.
type Slots = [Option<Slot>; 16];

/// A key hash and the hash of its new value.
type Entry = (KeyHash, ValueHash);

/// Inserts or updates `kvs` (sorted by key hash, no key twice) in the tree of `previous`, building the
/// tree of `version`. Returns its root hash and the new and replaced nodes.
pub(crate) fn insert_batch<R: TreeReader>(
    reader: &R,
    previous: Version,
    version: Version,
    kvs: &[Entry],
) -> Result<([u8; 32], Inserted), StateError> {
    if kvs.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0)) {
        return Err(StateError(format!(
            "JMT update at version {version}: keys not sorted by hash, or a key hash twice"
        )));
    }
    let key = root_key(previous);
    let root = reader
        .get_node_option(&key)
        .map_err(|e| {
            fail(
                version,
                format!("reading the root of version {previous}: {e:#}"),
            )
        })?
        .ok_or_else(|| fail(version, format!("no root for version {previous}")))?;
    let mut pass = Pass {
        reader,
        version,
        out: Inserted::default(),
    };
    let slot = pass.update(&mut Vec::new(), key, root, kvs)?;
    Ok((slot.hash, pass.out))
}

fn fail(version: Version, what: impl std::fmt::Display) -> StateError {
    StateError(format!("JMT update at version {version}: {what}"))
}

/// One batch insert in progress.
struct Pass<'r, R> {
    reader: &'r R,
    version: Version,
    out: Inserted,
}

impl<R: TreeReader> Pass<'_, R> {
    /// Applies `kvs` to the stored node `node` at `path` (stored under `key`), replacing it.
    fn update(
        &mut self,
        path: &mut Vec<u8>,
        key: NodeKey,
        node: Node,
        kvs: &[Entry],
    ) -> Result<Slot, StateError> {
        match node {
            // An empty tree's root is superseded like any root; the commit marks every previous
            // root stale, so (as in the jmt crate) it is not listed here.
            Node::Null => self.create(path, kvs),
            Node::Leaf(leaf) => {
                self.out.stale.push(key);
                let merged = with_leaf(kvs, &leaf)?;
                self.create(path, &merged)
            }
            Node::Internal(internal) => {
                self.out.stale.push(key);
                let mut slots: Slots = [None; 16];
                for (nibble, child) in internal.children_sorted() {
                    if let Some(slot) = slots.get_mut(usize::from(u8::from(nibble))) {
                        *slot = Some(Slot {
                            hash: child.hash,
                            version: child.version,
                            leaf_count: (!child.is_leaf()).then(|| child.leaf_count()),
                        });
                    }
                }
                for (nibble, group) in groups(kvs, path.len())? {
                    let existing = slots.get(usize::from(nibble)).copied().flatten();
                    path.push(nibble);
                    let slot = match existing {
                        Some(child) => {
                            let child_key = node_key(child.version, path);
                            let child_node = self
                                .reader
                                .get_node_option(&child_key)
                                .map_err(|e| {
                                    fail(self.version, format!("reading {child_key:?}: {e:#}"))
                                })?
                                .ok_or_else(|| {
                                    fail(self.version, format!("missing node {child_key:?}"))
                                })?;
                            self.update(path, child_key, child_node, group)?
                        }
                        None => self.create(path, group)?,
                    };
                    path.pop();
                    if let Some(s) = slots.get_mut(usize::from(nibble)) {
                        *s = Some(slot);
                    }
                }
                self.internal(path, &slots)
            }
        }
    }

    /// Builds the subtree of `kvs` (at least one key) at `path`, where nothing is stored.
    fn create(&mut self, path: &mut Vec<u8>, kvs: &[Entry]) -> Result<Slot, StateError> {
        if let [(key, value)] = kvs {
            let leaf = LeafNode::new(*key, *value);
            let hash = leaf.hash::<StateHasher>();
            self.out
                .nodes
                .push((node_key(self.version, path), Node::Leaf(leaf)));
            return Ok(Slot {
                hash,
                version: self.version,
                leaf_count: None,
            });
        }
        if path.len() >= MAX_DEPTH || kvs.is_empty() {
            return Err(fail(
                self.version,
                "a subtree with no key, or two keys with one hash",
            ));
        }
        let mut slots: Slots = [None; 16];
        for (nibble, group) in groups(kvs, path.len())? {
            path.push(nibble);
            let slot = self.create(path, group)?;
            path.pop();
            if let Some(s) = slots.get_mut(usize::from(nibble)) {
                *s = Some(slot);
            }
        }
        self.internal(path, &slots)
    }

    /// Stores the internal node with children `slots` at `path`.
    fn internal(&mut self, path: &[u8], slots: &Slots) -> Result<Slot, StateError> {
        let node = Node::try_from_slice(&encode_internal(slots))
            .map_err(|e| fail(self.version, format!("building an internal node: {e}")))?;
        let Node::Internal(internal) = &node else {
            return Err(fail(
                self.version,
                "an internal node decoded as another kind",
            ));
        };
        let slot = Slot {
            hash: internal.hash::<StateHasher>(),
            version: self.version,
            leaf_count: Some(internal.leaf_count()),
        };
        self.out.nodes.push((node_key(self.version, path), node));
        Ok(slot)
    }
}

/// The node key of `path` at `version`.
fn node_key(version: Version, path: &[u8]) -> NodeKey {
    NodeKey::new(
        version,
        path.iter().map(|&n| n.into()).collect::<NibblePath>(),
    )
}

/// The nibble of `key` at `depth`.
fn nibble(key: &KeyHash, depth: usize) -> Option<u8> {
    let byte = *key.0.get(depth.checked_div(2)?)?;
    Some(if depth.is_multiple_of(2) {
        byte >> 4
    } else {
        byte & 0x0F
    })
}

/// `kvs` split into runs that share the nibble at `depth`, in nibble order.
fn groups(kvs: &[Entry], depth: usize) -> Result<Vec<(u8, &[Entry])>, StateError> {
    let mut out: Vec<(u8, &[Entry])> = Vec::new();
    let mut rest = kvs;
    while let Some((first, _)) = rest.first() {
        let n = nibble(first, depth)
            .ok_or_else(|| StateError(format!("JMT update: no nibble at depth {depth}")))?;
        let len = rest
            .iter()
            .take_while(|(k, _)| nibble(k, depth) == Some(n))
            .count();
        let (group, tail) = rest.split_at(len);
        out.push((n, group));
        rest = tail;
    }
    Ok(out)
}

/// `kvs` with the stored `leaf` added in key order, unless `kvs` replaces it.
fn with_leaf(kvs: &[Entry], leaf: &LeafNode) -> Result<Vec<Entry>, StateError> {
    let key = leaf.key_hash();
    let mut merged = kvs.to_vec();
    if let Err(at) = merged.binary_search_by(|(k, _)| k.0.cmp(&key.0)) {
        // The value hash has no public accessor; it is the second half of the leaf's encoding.
        let encoded = borsh::to_vec(leaf)
            .map_err(|e| StateError(format!("JMT update: encoding a leaf: {e}")))?;
        let value: [u8; 32] = encoded
            .get(32..64)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| StateError("JMT update: a leaf of unexpected size".to_string()))?;
        merged.insert(at, (key, ValueHash(value)));
    }
    Ok(merged)
}

/// The borsh encoding of `Node::Internal` with children `slots`: for each of the 16 positions an
/// optional `Child { hash, version, node_type }`, then the number of children and of leaves.
fn encode_internal(slots: &Slots) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 16 * 50 + 16);
    out.push(NODE_INTERNAL);
    let mut children = 0u64;
    let mut leaves = 0u64;
    for slot in slots {
        match slot {
            None => out.push(NONE),
            Some(s) => {
                out.push(SOME);
                out.extend_from_slice(&s.hash);
                out.extend_from_slice(&s.version.to_le_bytes());
                match s.leaf_count {
                    None => {
                        out.push(TYPE_LEAF);
                        leaves = leaves.saturating_add(1);
                    }
                    Some(count) => {
                        let count = u64::try_from(count).unwrap_or(u64::MAX);
                        out.push(TYPE_INTERNAL);
                        out.extend_from_slice(&count.to_le_bytes());
                        leaves = leaves.saturating_add(count);
                    }
                }
                children = children.saturating_add(1);
            }
        }
    }
    out.extend_from_slice(&children.to_le_bytes());
    out.extend_from_slice(&leaves.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::persistent::test_nodes::{MemNodes, next};
    use crate::persistent::tree::{Tree, key_hash};
    use jmt::OwnedValue;
    use std::collections::{BTreeMap, BTreeSet};

    /// An empty stored tree (a null root at version 0).
    fn empty_tree() -> MemNodes {
        let mut stored = MemNodes::default();
        let (_, genesis) = Tree::new(&stored)
            .put_value_set(std::iter::empty(), 0)
            .unwrap();
        stored.0.extend(genesis.node_batch.nodes().clone());
        stored
    }

    /// Applies `values` at `version` both ways, checks that the root, the new nodes and the superseded
    /// nodes are exactly the jmt crate's, and stores the new nodes.
    fn insert_both_ways(
        stored: &mut MemNodes,
        version: Version,
        values: BTreeMap<KeyHash, OwnedValue>,
    ) {
        let kvs: Vec<Entry> = values
            .iter()
            .map(|(k, v)| (*k, ValueHash::with::<StateHasher>(v)))
            .collect();
        let (root, ours) = insert_batch(stored, version - 1, version, &kvs).unwrap();
        let (roots, theirs) = Tree::new(stored)
            .batch_put_value_sets(vec![values.into_iter().collect()], None, version)
            .unwrap();
        assert_eq!(root, roots[0].0, "root at version {version}");
        let our_nodes: BTreeMap<NodeKey, Node> = ours.nodes.iter().cloned().collect();
        assert_eq!(our_nodes.len(), ours.nodes.len(), "a node built twice");
        assert_eq!(
            &our_nodes,
            theirs.node_batch.nodes(),
            "nodes at version {version}"
        );
        let our_stale: BTreeSet<&NodeKey> = ours.stale.iter().collect();
        let their_stale: BTreeSet<&NodeKey> = theirs
            .stale_node_index_batch
            .iter()
            .map(|s| {
                assert_eq!(s.stale_since_version, version);
                &s.node_key
            })
            .collect();
        assert_eq!(our_stale, their_stale, "stale nodes at version {version}");
        stored.0.extend(our_nodes);
    }

    /// Over blocks of new keys and updates of every size (one key, a few, hundreds) on trees from
    /// empty to thousands of keys, the pass builds exactly the jmt crate's batch insert: the same
    /// root, the same new nodes (keys and contents) and the same superseded nodes.
    #[test]
    fn the_batch_insert_builds_exactly_the_jmt_crates_nodes() {
        let mut stored = empty_tree();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for version in 1..80u64 {
            let n = match version % 7 {
                0 => 1,
                1 => 2 + next(&mut rng) % 3,
                _ => 1 + next(&mut rng) % 400,
            };
            let keyspace = 50 + version * 60;
            let mut values: BTreeMap<KeyHash, OwnedValue> = BTreeMap::new();
            for _ in 0..n {
                let key = format!("key/{}", next(&mut rng) % keyspace);
                values.insert(
                    key_hash(key.as_bytes()),
                    next(&mut rng).to_be_bytes().to_vec(),
                );
            }
            insert_both_ways(&mut stored, version, values);
        }
    }

    /// The smallest trees: a root that is a single leaf, updated in place, then split by a second
    /// key, then a third.
    #[test]
    fn a_root_leaf_is_updated_or_split_as_the_jmt_crate_does() {
        let mut stored = empty_tree();
        let keys = [b"only".as_slice(), b"second", b"third"];
        let steps: [&[usize]; 5] = [&[0], &[0], &[0, 1], &[1], &[2]];
        for (version, step) in (1u64..).zip(steps) {
            let values = step
                .iter()
                .map(|&i| (key_hash(keys[i]), version.to_be_bytes().to_vec()))
                .collect();
            insert_both_ways(&mut stored, version, values);
        }
    }

    #[test]
    fn unsorted_or_repeated_keys_are_refused() {
        let stored = empty_tree();
        let (a, b) = (key_hash(b"a"), key_hash(b"b"));
        let v = ValueHash::with::<StateHasher>(b"v");
        let (lo, hi) = if a.0 < b.0 { (a, b) } else { (b, a) };
        assert!(insert_batch(&stored, 0, 1, &[(hi, v), (lo, v)]).is_err());
        assert!(insert_batch(&stored, 0, 1, &[(lo, v), (lo, v)]).is_err());
        assert!(insert_batch(&stored, 0, 1, &[(lo, v), (hi, v)]).is_ok());
        // A version whose root is not stored is an error, not an empty tree.
        assert!(insert_batch(&stored, 5, 6, &[(lo, v)]).is_err());
    }
}
