//! The Jellyfish Merkle tree over redb: the hasher, the node reader and the proof type.

use super::AppHash;
use super::tables::{decode_history_value, history_key};
use crate::StateError;
use borsh::{BorshDeserialize, BorshSerialize};
use jmt::proof::SparseMerkleProof;
use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, RootHash, SimpleHasher, Version};
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

/// The `JMT_NODES` key of a node: `version_be ‖ borsh(nibble_path)`. Version first keeps each block's
/// new nodes (and each pruned version's nodes) contiguous in the B-tree, so a commit dirties few pages.
pub(crate) fn encode_node_key(key: &NodeKey) -> Result<Vec<u8>, StateError> {
    let mut out = key.version().to_be_bytes().to_vec();
    borsh::to_writer(&mut out, key.nibble_path())
        .map_err(|e| StateError(format!("encoding JMT node key {key:?}: {e}")))?;
    Ok(out)
}

/// Borsh bytes of a JMT node (the `JMT_NODES` value).
pub(crate) fn encode_node(node: &Node) -> Result<Vec<u8>, StateError> {
    borsh::to_vec(node).map_err(|e| StateError(format!("encoding JMT node: {e}")))
}

/// Reads JMT nodes and value history from redb tables, inside a read or a write transaction.
pub(crate) struct TableReader<'t, N, V> {
    /// The `JMT_NODES` table.
    pub(crate) nodes: &'t N,
    /// The `JMT_VALUES` table.
    pub(crate) values: &'t V,
}

impl<N, V> TreeReader for TableReader<'_, N, V>
where
    N: ReadableTable<&'static [u8], &'static [u8]>,
    V: ReadableTable<&'static [u8], &'static [u8]>,
{
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let key = encode_node_key(node_key)?;
        let Some(guard) = self
            .nodes
            .get(key.as_slice())
            .map_err(|e| anyhow::anyhow!("reading JMT node {node_key:?}: {e}"))?
        else {
            return Ok(None);
        };
        let node = Node::try_from_slice(guard.value())
            .map_err(|e| anyhow::anyhow!("decoding JMT node {node_key:?}: {e}"))?;
        Ok(Some(node))
    }

    fn get_value_option(
        &self,
        max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        let lower = history_key(&key_hash.0, 0);
        let upper = history_key(&key_hash.0, max_version);
        let mut range = self
            .values
            .range::<&[u8]>(lower.as_slice()..=upper.as_slice())
            .map_err(|e| anyhow::anyhow!("reading JMT value history of {key_hash:?}: {e}"))?;
        match range.next_back() {
            None => Ok(None),
            Some(entry) => {
                let (_, value) = entry.map_err(|e| {
                    anyhow::anyhow!("reading JMT value history of {key_hash:?}: {e}")
                })?;
                Ok(decode_history_value(value.value())?)
            }
        }
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        Err(anyhow::anyhow!(
            "rightmost-leaf lookup (JMT restore) is not supported by the persistent store"
        ))
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
