//! A block's inserts, updates and deletions applied to the stored tree in one pass.
//!
//! The jmt crate's batch insert is general (several versions per batch, values kept in the batch): it
//! keeps every node it touches in SipHash maps, clones nodes on each lookup and copies the result
//! into a `BTreeMap`; and it takes no deletions, which its per-key update rehashes a whole path for,
//! per key. This pass reads the same stored nodes and builds the same tree, in the jmt crate's own
//! types and encoding, so the root and every proof are exactly the jmt crate's. Hashing stays the
//! jmt crate's: internal nodes are built from their borsh encoding and hashed by
//! `InternalNode::hash`.
//!
//! The JMT's shape is a function of its key set: a leaf sits at the shallowest position its key hash
//! does not share with another key, with internal nodes above it. So applying a batch is: walk down
//! the stored tree along the batch's sorted key hashes; an internal node is rebuilt with its touched
//! children replaced; a leaf met on the way joins the keys below its position (unless the batch
//! replaces or deletes it) and the subtree of those keys is built afresh. A subtree left with one
//! key becomes that key's leaf, which its parent stores under itself or, left with it alone, passes
//! further up; a subtree left with none disappears.
//!
//! Only nodes that change are written, each once. For inserts and updates that is exactly the jmt
//! crate's batch insert, node for node; for deletions the jmt crate's per-key update may rewrite a
//! leaf that ends where it was (moved up for one key, back down for the next), so its tests compare
//! the tree and the exact difference instead.

use super::tree::{EMPTY_ROOT, StateHasher, root_key};
use crate::StateError;
use borsh::BorshDeserialize;
use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader};
use jmt::{KeyHash, ValueHash, Version};
use std::borrow::Cow;

/// Where the pass reads stored nodes. It only looks at them, so a reader that holds a node in
/// memory lends it instead of copying it (the upper-node cache answers most of a block's reads).
pub(crate) trait NodeSource: TreeReader {
    /// The node stored under `key`, if any.
    fn node(&self, key: &NodeKey) -> anyhow::Result<Option<Cow<'_, Node>>> {
        Ok(self.get_node_option(key)?.map(Cow::Owned))
    }
}

/// Nibbles in a key hash: no position lies deeper.
const MAX_DEPTH: usize = 64;

/// Borsh tags of the jmt crate's `Node` and `NodeType` enums (variant order), and of `Option`.
const NODE_INTERNAL: u8 = 1;
const TYPE_LEAF: u8 = 0;
const TYPE_INTERNAL: u8 = 1;
const NONE: u8 = 0;
const SOME: u8 = 1;

/// What applying a block's batch produces.
#[derive(Default)]
pub(crate) struct Inserted {
    /// The new nodes, all at the block's version, children before their parent.
    pub(crate) nodes: Vec<(NodeKey, Node)>,
    /// The nodes of older versions that the new ones replace or that were removed.
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

/// A key hash and the hash of its new value; `None` deletes the key.
pub(crate) type Entry = (KeyHash, Option<ValueHash>);

/// A subtree after the batch.
enum Subtree {
    /// No key is left under it.
    Empty,
    /// One key is left: a leaf not yet stored, since it sits as high as its parent lets it (the
    /// parent stores it under itself, or, left with it alone, passes it up in turn).
    Leaf(LeafNode),
    /// Two or more keys: an internal node, stored.
    Node(Slot),
    /// Nothing under it changed (the batch only deleted absent keys there): it stays as stored.
    Unchanged,
}

/// Applies `kvs` (sorted by key hash, no key twice) to the tree of `previous`, building the tree of
/// `version`. Returns its root hash and the new and replaced nodes.
pub(crate) fn apply_batch<R: NodeSource>(
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
        .node(&key)
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
    let mut path = Vec::new();
    let hash = match pass.update(&mut path, key, &root, kvs)? {
        // Every version has a root: an unchanged one is copied, as the jmt crate does.
        Subtree::Unchanged => {
            let hash = node_hash(&root);
            pass.out.nodes.push((root_key(version), root.into_owned()));
            hash
        }
        Subtree::Empty => {
            pass.out.nodes.push((root_key(version), Node::Null));
            EMPTY_ROOT
        }
        Subtree::Leaf(leaf) => pass.store_leaf(&path, leaf).hash,
        Subtree::Node(slot) => slot.hash,
    };
    Ok((hash, pass.out))
}

/// A node's hash as its parent records it (an empty tree's root hashes to [`EMPTY_ROOT`]).
fn node_hash(node: &Node) -> [u8; 32] {
    match node {
        Node::Null => EMPTY_ROOT,
        Node::Leaf(leaf) => leaf.hash::<StateHasher>(),
        Node::Internal(internal) => internal.hash::<StateHasher>(),
    }
}

fn fail(version: Version, what: impl std::fmt::Display) -> StateError {
    StateError(format!("JMT update at version {version}: {what}"))
}

/// One batch in progress.
struct Pass<'r, R> {
    reader: &'r R,
    version: Version,
    out: Inserted,
}

impl<'r, R: NodeSource> Pass<'r, R> {
    /// Applies `kvs` to the stored node `node` at `path` (stored under `key`), replacing it.
    fn update(
        &mut self,
        path: &mut Vec<u8>,
        key: NodeKey,
        node: &Node,
        kvs: &[Entry],
    ) -> Result<Subtree, StateError> {
        match node {
            // An empty tree's root is superseded like any root; the commit marks every previous
            // root stale, so (as in the jmt crate) it is not listed here.
            Node::Null => self.create(path, kvs),
            Node::Leaf(leaf) => {
                let touched = kvs
                    .iter()
                    .any(|(k, v)| v.is_some() || *k == leaf.key_hash());
                if !touched {
                    return Ok(Subtree::Unchanged);
                }
                self.out.stale.push(key);
                self.create(path, &with_leaf(kvs, leaf)?)
            }
            Node::Internal(internal) => {
                let mut children: Children = Default::default();
                for (nibble, child) in internal.children_sorted() {
                    if let Some(c) = children.get_mut(usize::from(u8::from(nibble))) {
                        *c = Some(Child::Kept(Slot {
                            hash: child.hash,
                            version: child.version,
                            leaf_count: (!child.is_leaf()).then(|| child.leaf_count()),
                        }));
                    }
                }
                let mut changed = false;
                for (nibble, group) in groups(kvs, path.len())? {
                    let Some(at) = children.get_mut(usize::from(nibble)) else {
                        continue;
                    };
                    path.push(nibble);
                    // Each position is visited once, so what is there is still what was stored.
                    let outcome = match at {
                        Some(Child::Kept(child)) => {
                            let child_key = node_key(child.version, path);
                            let child_node = self.read(&child_key)?;
                            self.update(path, child_key, &child_node, group)?
                        }
                        _ => self.create(path, group)?,
                    };
                    path.pop();
                    changed |= place(at, outcome);
                }
                if !changed {
                    return Ok(Subtree::Unchanged);
                }
                self.out.stale.push(key);
                self.close(path, children)
            }
        }
    }

    /// The subtree at `path` from its children after the batch: nothing, the one leaf left (moved
    /// up: stored by the caller), or an internal node over them, stored here.
    fn close(&mut self, path: &mut Vec<u8>, children: Children) -> Result<Subtree, StateError> {
        let mut present = (0u8..).zip(children).filter_map(|(n, c)| Some((n, c?)));
        let (first, second) = (present.next(), present.next());
        let Some((nibble, only)) = first else {
            return Ok(Subtree::Empty);
        };
        let alone = second.is_none();
        match only {
            Child::Pending(leaf) if alone => return Ok(Subtree::Leaf(leaf)),
            // A stored leaf left alone moves up: its old node is superseded.
            Child::Kept(slot) if alone && slot.leaf_count.is_none() => {
                path.push(nibble);
                let key = node_key(slot.version, path);
                path.pop();
                let Node::Leaf(leaf) = self.read(&key)?.into_owned() else {
                    return Err(fail(self.version, format!("{key:?} is not a leaf")));
                };
                self.out.stale.push(key);
                return Ok(Subtree::Leaf(leaf));
            }
            _ => {}
        }
        let mut slots: Slots = [None; 16];
        for (nibble, child) in [(nibble, only)].into_iter().chain(second).chain(present) {
            let slot = match child {
                Child::Kept(s) | Child::Built(s) => s,
                Child::Pending(leaf) => {
                    path.push(nibble);
                    let slot = self.store_leaf(path, leaf);
                    path.pop();
                    slot
                }
            };
            if let Some(s) = slots.get_mut(usize::from(nibble)) {
                *s = Some(slot);
            }
        }
        self.internal(path, &slots).map(Subtree::Node)
    }

    /// Builds the subtree of `kvs` at `path`, where nothing is stored; deletions are of absent keys
    /// and change nothing.
    fn create(&mut self, path: &mut Vec<u8>, kvs: &[Entry]) -> Result<Subtree, StateError> {
        let mut values = kvs.iter().filter_map(|(k, v)| v.map(|v| (*k, v)));
        let Some((key, value)) = values.next() else {
            return Ok(Subtree::Empty);
        };
        if values.next().is_none() {
            return Ok(Subtree::Leaf(LeafNode::new(key, value)));
        }
        if path.len() >= MAX_DEPTH {
            return Err(fail(self.version, "two keys with one hash"));
        }
        let mut children: Children = Default::default();
        for (nibble, group) in groups(kvs, path.len())? {
            path.push(nibble);
            let outcome = self.create(path, group)?;
            path.pop();
            if let Some(at) = children.get_mut(usize::from(nibble)) {
                place(at, outcome);
            }
        }
        self.close(path, children)
    }

    /// Stores `leaf` at `path` under this version.
    fn store_leaf(&mut self, path: &[u8], leaf: LeafNode) -> Slot {
        let hash = leaf.hash::<StateHasher>();
        self.out
            .nodes
            .push((node_key(self.version, path), Node::Leaf(leaf)));
        Slot {
            hash,
            version: self.version,
            leaf_count: None,
        }
    }

    /// Reads a stored node that must exist.
    fn read(&self, key: &NodeKey) -> Result<Cow<'r, Node>, StateError> {
        self.reader
            .node(key)
            .map_err(|e| fail(self.version, format!("reading {key:?}: {e:#}")))?
            .ok_or_else(|| fail(self.version, format!("missing node {key:?}")))
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

/// Records a child's outcome in its position `at` (which holds what was stored there); returns
/// whether the child changed.
fn place(at: &mut Option<Child>, outcome: Subtree) -> bool {
    let child = match outcome {
        Subtree::Unchanged => return false,
        Subtree::Empty => None,
        Subtree::Leaf(leaf) => Some(Child::Pending(leaf)),
        Subtree::Node(slot) => Some(Child::Built(slot)),
    };
    let changed = child.is_some() || at.is_some();
    *at = child;
    changed
}

/// The sixteen child positions of an internal node being rebuilt.
type Children = [Option<Child>; 16];

/// A child position of an internal node being rebuilt.
enum Child {
    /// Stored and untouched by the batch.
    Kept(Slot),
    /// Rebuilt and stored.
    Built(Slot),
    /// A single leaf, stored once the parent knows where it goes.
    Pending(LeafNode),
}

/// The node key of `path` at `version`.
pub(crate) fn node_key(version: Version, path: &[u8]) -> NodeKey {
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

/// `kvs` with the stored `leaf` added in key order, unless `kvs` replaces or deletes it.
fn with_leaf(kvs: &[Entry], leaf: &LeafNode) -> Result<Vec<Entry>, StateError> {
    let key = leaf.key_hash();
    let mut merged = kvs.to_vec();
    if let Err(at) = merged.binary_search_by(|(k, _)| k.0.cmp(&key.0)) {
        merged.insert(at, (key, Some(leaf_value(leaf)?)));
    }
    Ok(merged)
}

/// The value hash of a stored leaf, which has no public accessor: the second half of its encoding.
fn leaf_value(leaf: &LeafNode) -> Result<ValueHash, StateError> {
    let encoded =
        borsh::to_vec(leaf).map_err(|e| StateError(format!("JMT update: encoding a leaf: {e}")))?;
    let value: [u8; 32] = encoded
        .get(32..64)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| StateError("JMT update: a leaf of unexpected size".to_string()))?;
    Ok(ValueHash(value))
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
            .map(|(k, v)| (*k, Some(ValueHash::with::<StateHasher>(v))))
            .collect();
        let (root, ours) = apply_batch(stored, version - 1, version, &kvs).unwrap();
        let (roots, theirs) = Tree::new(stored)
            .batch_put_value_sets(vec![values.into_iter().collect()], None, version)
            .unwrap();
        assert_eq!(root, roots[0].0, "root at version {version}");
        same_update(stored, version, ours, &theirs);
    }

    /// Checks that our update has exactly the jmt crate's new nodes and superseded nodes, and stores
    /// the new nodes.
    fn same_update(
        stored: &mut MemNodes,
        version: Version,
        ours: Inserted,
        theirs: &jmt::storage::TreeUpdateBatch,
    ) {
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

    /// The nodes reachable from the root of `version` in `nodes`, by key.
    fn reachable(nodes: &BTreeMap<NodeKey, Node>, version: Version) -> BTreeMap<NodeKey, Node> {
        let mut out = BTreeMap::new();
        let mut todo = vec![(root_key(version), Vec::<u8>::new())];
        while let Some((key, path)) = todo.pop() {
            let node = nodes
                .get(&key)
                .unwrap_or_else(|| panic!("dangling {key:?}"))
                .clone();
            if let Node::Internal(internal) = &node {
                for (nibble, child) in internal.children_sorted() {
                    let mut child_path = path.clone();
                    child_path.push(u8::from(nibble));
                    todo.push((node_key(child.version, &child_path), child_path));
                }
            }
            out.insert(key, node);
        }
        out
    }

    /// The tree's shape and contents without versions: each reachable node's path and hash.
    fn shape(reached: &BTreeMap<NodeKey, Node>) -> BTreeMap<Vec<u8>, [u8; 32]> {
        reached
            .iter()
            .map(|(k, n)| {
                let path = (0..k.nibble_path().num_nibbles())
                    .map(|i| u8::from(k.nibble_path().get_nibble(i)))
                    .collect();
                (path, node_hash(n))
            })
            .collect()
    }

    /// Applies `changes` (`None`: delete) at `version` with the pass and with the jmt crate's per-key
    /// update. The roots and the trees' shapes (every node's position and hash) must be equal. The
    /// jmt crate's node versions depend on the order it handles keys in (a leaf it moves up for a
    /// deletion and back down for an insert comes back under the new version), so instead of its
    /// node set, ours must be exactly the tree's difference: the new nodes are those reachable from
    /// the new root and not stored before, the superseded ones those reachable from the previous
    /// root and no longer from the new one.
    fn apply_both_ways(
        stored: &mut MemNodes,
        version: Version,
        changes: BTreeMap<KeyHash, Option<OwnedValue>>,
    ) {
        let kvs: Vec<Entry> = changes
            .iter()
            .map(|(k, v)| (*k, v.as_ref().map(ValueHash::with::<StateHasher>)))
            .collect();
        let (root, ours) = apply_batch(stored, version - 1, version, &kvs).unwrap();
        let (their_root, theirs) = Tree::new(stored).put_value_set(changes, version).unwrap();
        assert_eq!(root, their_root.0, "root at version {version}");

        let before = reachable(&stored.0, version - 1);
        let mut with_theirs = stored.0.clone();
        with_theirs.extend(theirs.node_batch.nodes().clone());
        let mut with_ours = stored.0.clone();
        let new: BTreeMap<NodeKey, Node> = ours.nodes.iter().cloned().collect();
        assert_eq!(new.len(), ours.nodes.len(), "a node built twice");
        assert!(new.keys().all(|k| k.version() == version));
        with_ours.extend(new.clone());
        let after = reachable(&with_ours, version);
        assert_eq!(
            shape(&after),
            shape(&reachable(&with_theirs, version)),
            "tree at version {version}"
        );
        let expected_new: BTreeMap<NodeKey, Node> = after
            .iter()
            .filter(|(k, _)| !stored.0.contains_key(*k))
            .map(|(k, n)| (k.clone(), n.clone()))
            .collect();
        assert_eq!(new, expected_new, "new nodes at version {version}");
        // The previous root is listed by the commit, whatever the pass says of it.
        let previous_root = root_key(version - 1);
        let mut stale: BTreeSet<&NodeKey> = ours.stale.iter().collect();
        stale.remove(&previous_root);
        let expected_stale: BTreeSet<&NodeKey> = before
            .keys()
            .filter(|k| !after.contains_key(*k) && **k != previous_root)
            .collect();
        assert_eq!(stale, expected_stale, "stale nodes at version {version}");
        stored.0.extend(new);
    }

    /// Blocks that delete as well as insert: leaves removed, internal nodes emptied, and a leaf left
    /// alone under an internal node moved up (possibly to the root), down to an empty tree and back.
    /// The pass builds the jmt crate's tree, storing exactly the nodes that changed.
    #[test]
    fn deletions_collapse_the_tree_exactly_as_the_jmt_crate_does() {
        let mut stored = empty_tree();
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut live: BTreeSet<u64> = BTreeSet::new();
        for version in 1..120u64 {
            let keyspace = 40 + (version % 30) * 20;
            let mut changes: BTreeMap<KeyHash, Option<OwnedValue>> = BTreeMap::new();
            let n = 1 + next(&mut rng) % 60;
            let delete_share = match version % 10 {
                0 => 100, // this block deletes every key it touches
                1..=3 => 70,
                _ => 30,
            };
            // Deleting only keys stored before the block, as the commit does.
            let stored_before = live.clone();
            for _ in 0..n {
                let id = next(&mut rng) % keyspace;
                let key = key_hash(format!("key/{id}").as_bytes());
                if next(&mut rng) % 100 < delete_share {
                    if stored_before.contains(&id) {
                        live.remove(&id);
                        changes.insert(key, None);
                    }
                } else {
                    live.insert(id);
                    changes.insert(key, Some(next(&mut rng).to_be_bytes().to_vec()));
                }
            }
            if version % 40 == 0 {
                // Empty the tree.
                changes.retain(|_, v| v.is_none());
                live.clear();
                for id in &stored_before {
                    changes.insert(key_hash(format!("key/{id}").as_bytes()), None);
                }
            }
            if changes.is_empty() {
                continue;
            }
            apply_both_ways(&mut stored, version, changes);
        }
    }

    /// A block that only deletes keys that are not there changes nothing, and the new version's root
    /// is a copy of the previous one.
    #[test]
    fn deleting_absent_keys_keeps_the_tree() {
        let mut stored = empty_tree();
        let values = (0..20u64)
            .map(|i| (key_hash(&i.to_be_bytes()), i.to_be_bytes().to_vec()))
            .collect();
        insert_both_ways(&mut stored, 1, values);
        let absent = [(key_hash(b"absent"), None)];
        let (root, update) = apply_batch(&stored, 1, 2, &absent).unwrap();
        let before = Tree::new(&stored).get_root_hash(1).unwrap();
        assert_eq!(root, before.0);
        assert!(update.stale.is_empty());
        assert_eq!(update.nodes.len(), 1, "only the copied root");
        assert_eq!(update.nodes[0].0, root_key(2));
    }

    #[test]
    fn unsorted_or_repeated_keys_are_refused() {
        let stored = empty_tree();
        let (a, b) = (key_hash(b"a"), key_hash(b"b"));
        let v = ValueHash::with::<StateHasher>(b"v");
        let (lo, hi) = if a.0 < b.0 { (a, b) } else { (b, a) };
        let v = Some(v);
        assert!(apply_batch(&stored, 0, 1, &[(hi, v), (lo, v)]).is_err());
        assert!(apply_batch(&stored, 0, 1, &[(lo, v), (lo, None)]).is_err());
        assert!(apply_batch(&stored, 0, 1, &[(lo, v), (hi, v)]).is_ok());
        // A version whose root is not stored is an error, not an empty tree.
        assert!(apply_batch(&stored, 5, 6, &[(lo, v)]).is_err());
    }
}
