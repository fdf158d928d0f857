//! The Jellyfish Merkle tree over redb: the hasher, the node reader and the proof type.

use super::AppHash;
use super::batch::{Entry, Inserted, NodeSource, apply_batch};
use super::pages::find_in_pages;
use crate::StateError;
use borsh::{BorshDeserialize, BorshSerialize};
use jmt::proof::SparseMerkleProof;
use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader, TreeUpdateBatch};
use jmt::{KeyHash, OwnedValue, RootHash, SimpleHasher, ValueHash, Version};
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

/// SHA-256 as the JMT hasher (the hash ICS23's JMT spec uses), over the workspace's `sha2`.
pub struct StateHasher(sha2::Sha256);

impl SimpleHasher for StateHasher {
    fn new() -> Self {
        Self(<sha2::Sha256 as sha2::Digest>::new())
    }

    fn update(&mut self, data: &[u8]) {
        sha2::Digest::update(&mut self.0, data);
    }

    fn finalize(self) -> [u8; 32] {
        sha2::Digest::finalize(self.0).into()
    }
}

/// The tree type used everywhere in this module.
pub(crate) type Tree<'a, R> = jmt::JellyfishMerkleTree<'a, R, StateHasher>;

/// Root of a tree with no keys (the JMT placeholder hash).
pub(crate) const EMPTY_ROOT: [u8; 32] = Tree::<'static, NullReader>::EMPTY_ROOT.0;

/// The JMT key of a raw state key.
pub(crate) fn key_hash(key: &[u8]) -> KeyHash {
    KeyHash::with::<StateHasher>(key)
}

/// The node key of the root of `version`.
pub(crate) fn root_key(version: Version) -> NodeKey {
    NodeKey::new(version, NibblePath::from_iter(std::iter::empty()))
}

/// The longest node key: the version, borsh's nibble count (u64) and byte count (u32), and a
/// full 32-byte path.
pub(crate) const NODE_KEY_MAX_LEN: usize = 8 + 8 + 4 + 32;

/// The key of a node: `version_be ‖ borsh(nibble_path)`, its key in `MOVED_NODES` and in its page
/// (and a page's key in `JMT_NODES` is its first node's). Version first keeps each block's new nodes
/// (and each pruned version's nodes) contiguous, so a block's run is one stretch of pages.
pub(crate) fn encode_node_key(key: &NodeKey) -> Result<Vec<u8>, StateError> {
    // Sized once for the longest key (version, nibble count, byte count, 32 path bytes): a commit
    // encodes some 70,000 keys, and growing each vector step by step showed in its profile.
    let mut out = Vec::with_capacity(NODE_KEY_MAX_LEN);
    encode_node_key_into(&mut out, key)?;
    Ok(out)
}

/// [`encode_node_key`], appended to `out`.
pub(crate) fn encode_node_key_into(out: &mut Vec<u8>, key: &NodeKey) -> Result<(), StateError> {
    out.extend_from_slice(&key.version().to_be_bytes());
    borsh::to_writer(out, key.nibble_path())
        .map_err(|e| StateError(format!("encoding JMT node key {key:?}: {e}")))
}

/// Appends the borsh bytes of a JMT node, as stored in pages and in `MOVED_NODES`, to `out`.
pub(crate) fn encode_node_into(out: &mut Vec<u8>, node: &Node) -> Result<(), StateError> {
    borsh::to_writer(out, node).map_err(|e| StateError(format!("encoding JMT node: {e}")))
}

/// Reads JMT nodes from the node tables, inside a read or a write transaction. Values are not
/// stored by key hash: tree updates never read them, and a proof's value is fetched by raw key (see
/// [`ProofReader`]).
pub(crate) struct TableReader<'t, N> {
    /// The `JMT_NODES` table: nodes of versions from `moved_below` on.
    pub(crate) nodes: &'t N,
    /// The `MOVED_NODES` table: nodes of versions below `moved_below`.
    pub(crate) moved: &'t N,
    /// The moved-below mark of the same transaction.
    pub(crate) moved_below: Version,
}

impl<N> TreeReader for TableReader<'_, N>
where
    N: ReadableTable<&'static [u8], &'static [u8]>,
{
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let key = encode_node_key(node_key)?;
        let read = |e: redb::StorageError| anyhow::anyhow!("reading JMT node {node_key:?}: {e}");
        let decode = |bytes: &[u8]| {
            Node::try_from_slice(bytes)
                .map_err(|e| anyhow::anyhow!("decoding JMT node {node_key:?}: {e}"))
        };
        if node_key.version() < self.moved_below {
            return self
                .moved
                .get(key.as_slice())
                .map_err(read)?
                .map(|guard| decode(guard.value()))
                .transpose();
        }
        find_in_pages(self.nodes, &key, decode)?.transpose()
    }

    fn get_value_option(
        &self,
        _max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        Err(anyhow::anyhow!(
            "JMT values are not stored by key hash ({key_hash:?}); read them by raw key"
        ))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        Err(anyhow::anyhow!(
            "rightmost-leaf lookup (JMT restore) is not supported by the persistent store"
        ))
    }
}

/// The stored tree for building a proof: the JMT asks the reader for the value of the leaf it
/// reaches, which the caller instead reads by raw key (and the proof's leaf commits to its hash), so
/// this answers with an empty placeholder that the caller replaces.
pub(crate) struct ProofReader<'t, N>(pub(crate) TableReader<'t, N>);

impl<N> TreeReader for ProofReader<'_, N>
where
    N: ReadableTable<&'static [u8], &'static [u8]>,
{
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        self.0.get_node_option(node_key)
    }

    fn get_value_option(
        &self,
        _max_version: Version,
        _key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        Ok(Some(Vec::new()))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        self.0.get_rightmost_leaf()
    }
}

/// The tree before any block: a null root at version 0 and nothing else. Lets an empty store prove
/// absence against [`AppHash::EMPTY`].
pub(crate) struct NullReader;

impl TreeReader for NullReader {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        Ok((*node_key == root_key(0)).then_some(Node::Null))
    }

    fn get_value_option(
        &self,
        _max_version: Version,
        _key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        Ok(None)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        Ok(None)
    }
}

/// A Merkle proof that a key has a given value, or is absent, under an [`AppHash`]. Serializable
/// (borsh and serde) so the API can hand it to light clients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct StateProof {
    proof: SparseMerkleProof<StateHasher>,
}

impl StateProof {
    pub(crate) fn new(proof: SparseMerkleProof<StateHasher>) -> Self {
        Self { proof }
    }

    /// Whether this proves that `key` holds `value` (`None`: that `key` is absent) under `root`.
    pub fn verify(&self, root: &AppHash, key: &[u8], value: Option<&[u8]>) -> bool {
        self.proof
            .verify(RootHash(root.0), key_hash(key), value)
            .is_ok()
    }

    /// Borsh encoding, for the API and storage.
    pub fn to_bytes(&self) -> Result<Vec<u8>, StateError> {
        borsh::to_vec(self).map_err(|e| StateError(format!("encoding state proof: {e}")))
    }

    /// Decodes [`StateProof::to_bytes`]; rejects trailing bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StateError> {
        borsh::from_slice(bytes).map_err(|e| StateError(format!("decoding state proof: {e}")))
    }
}

/// Whether `proof` shows that `key` holds `value` (`None`: that `key` is absent) under `root`.
pub fn verify_proof(root: &AppHash, key: &[u8], value: Option<&[u8]>, proof: &StateProof) -> bool {
    proof.verify(root, key, value)
}

/// Maps a JMT error, keeping its whole context chain.
pub(crate) fn tree_fail(what: impl std::fmt::Display) -> impl FnOnce(anyhow::Error) -> StateError {
    move |e| StateError(format!("{what}: {e:#}"))
}

/// The JMT root hash recorded in the tree for `version`.
pub(crate) fn tree_root<R: TreeReader>(
    reader: &R,
    version: Version,
) -> Result<AppHash, StateError> {
    let root = Tree::new(reader)
        .get_root_hash(version)
        .map_err(tree_fail(format!(
            "recomputing the JMT root at version {version}"
        )))?;
    Ok(AppHash(root.0))
}

/// What one block changes in the tree: the nodes it creates and the older nodes it supersedes.
pub(crate) struct TreeUpdate(Inserted);

impl TreeUpdate {
    /// The nodes to store, all at the block's version.
    pub(crate) fn nodes(&self) -> impl ExactSizeIterator<Item = (&NodeKey, &Node)> {
        self.0.nodes.iter().map(|(k, n)| (k, n))
    }

    /// Takes out the nodes `keep` selects, once they are written: the upper-node cache keeps them
    /// without a copy, and the rest are freed with the update.
    pub(crate) fn take_nodes(
        &mut self,
        mut keep: impl FnMut(&NodeKey) -> bool,
    ) -> impl Iterator<Item = (NodeKey, Node)> {
        self.0.nodes.extract_if(.., move |(k, _)| keep(k))
    }

    /// Nodes of older versions no longer reachable from the new root, all stale since this version.
    pub(crate) fn stale(&self) -> impl Iterator<Item = &NodeKey> {
        self.0.stale.iter()
    }

    /// An update made by the jmt crate; refuses one that marks a node stale since another version
    /// (the stale list of a block is filed under its own version).
    fn from_jmt(batch: TreeUpdateBatch, version: Version) -> Result<Self, StateError> {
        let mut stale = Vec::with_capacity(batch.stale_node_index_batch.len());
        for s in batch.stale_node_index_batch {
            if s.stale_since_version != version {
                return Err(StateError(format!(
                    "JMT update at version {version}: a node marked stale since version {}",
                    s.stale_since_version
                )));
            }
            stale.push(s.node_key);
        }
        let nodes = batch.node_batch.nodes().clone().into_iter().collect();
        Ok(Self(Inserted { nodes, stale }))
    }
}

/// Applies `changes` (`None`: delete) to the tree at `version - 1` and returns the root of `version`
/// and the update to store.
///
/// The JMT's per-key `put_value_set` rehashes every internal node on a key's path for every key, so a
/// block of `n` keys costs `n × depth × 15` hashes. Our batch pass ([`apply_batch`]) hashes each new
/// node once, deletions included. Version 0 has no previous root to start from, so the genesis
/// block goes through the jmt crate.
pub(crate) fn update_tree<R: NodeSource>(
    reader: &R,
    changes: &[(Vec<u8>, Option<Vec<u8>>)],
    version: Version,
) -> Result<(RootHash, TreeUpdate), StateError> {
    let Some(below) = version.checked_sub(1) else {
        let all = changes.iter().map(|(k, v)| (key_hash(k), v.clone()));
        let (root, batch) = Tree::new(reader)
            .put_value_set(all, version)
            .map_err(|e| StateError(format!("JMT update at version {version}: {e:#}")))?;
        return Ok((root, TreeUpdate::from_jmt(batch, version)?));
    };
    let mut entries: Vec<Entry> = changes
        .iter()
        .map(|(key, value)| {
            (
                key_hash(key),
                value.as_ref().map(ValueHash::with::<StateHasher>),
            )
        })
        .collect();
    entries.sort_unstable_by_key(|(k, _)| k.0);
    let (root, update) = apply_batch(reader, below, version, &entries)?;
    Ok((RootHash(root), TreeUpdate(update)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::persistent::test_nodes::{MemNodes, next};
    use std::collections::BTreeMap;

    #[test]
    fn the_longest_node_key_fits_the_capacity_it_is_encoded_into() {
        let path: NibblePath = (0..64u8).map(|i| (i % 16).into()).collect();
        let key = encode_node_key(&NodeKey::new(u64::MAX, path)).unwrap();
        assert_eq!(key.len(), NODE_KEY_MAX_LEN);
    }

    /// Blocks of mixed inserts, updates and deletions (including deleting everything): the batched
    /// update gives the root the JMT's own per-key update gives, keeps no dangling node, and every
    /// key proves against it.
    #[test]
    fn batched_update_matches_the_per_key_update() {
        let mut fast = MemNodes::default();
        let mut slow = MemNodes::default();
        let mut live: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        for version in 0..40u64 {
            let mut writes: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
            let n = if version == 30 {
                0
            } else {
                next(&mut rng) % 300
            };
            for _ in 0..n {
                let key = format!("k{}", next(&mut rng) % 500).into_bytes();
                let delete = next(&mut rng) % 100 < 20 && live.contains_key(&key);
                writes.insert(
                    key,
                    (!delete).then(|| next(&mut rng).to_be_bytes().to_vec()),
                );
            }
            if version == 35 {
                writes = live.keys().map(|k| (k.clone(), None)).collect();
            }
            let changes: Vec<_> = writes.into_iter().collect();
            let (root, update) = update_tree(&fast, &changes, version).unwrap();
            let (expected, batch) = Tree::new(&slow)
                .put_value_set(
                    changes.iter().map(|(k, v)| (key_hash(k), v.clone())),
                    version,
                )
                .unwrap();
            assert_eq!(root, expected, "root at version {version}");
            fast.0
                .extend(update.nodes().map(|(k, n)| (k.clone(), n.clone())));
            slow.0.extend(batch.node_batch.nodes().clone());
            for (k, v) in changes {
                match v {
                    Some(v) => live.insert(k, v),
                    None => live.remove(&k),
                };
            }
            // Every node the new root reaches is stored.
            assert_eq!(
                Tree::new(&fast).get_leaf_count(version).unwrap(),
                live.len(),
                "leaves at version {version}"
            );
            for key in live.keys().take(20) {
                let (_, proof) = Tree::new(&fast)
                    .get_with_proof(key_hash(key), version)
                    .unwrap();
                let value = live.get(key).map(Vec::as_slice);
                assert!(StateProof::new(proof).verify(&AppHash(root.0), key, value));
            }
        }
    }
}
