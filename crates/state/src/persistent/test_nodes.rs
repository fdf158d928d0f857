//! What the tree tests share: a node store in memory and a dependency-free random generator.
use jmt::storage::{LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Version};
use std::collections::BTreeMap;

/// Nodes in memory, as the redb table holds them. Values are not stored: a proof's value is
/// read by raw key (see `ProofReader`), so any value stands in.
#[derive(Default)]
pub(crate) struct MemNodes(pub(crate) BTreeMap<NodeKey, Node>);

impl crate::persistent::batch::NodeSource for MemNodes {}

impl TreeReader for MemNodes {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        Ok(self.0.get(node_key).cloned())
    }
    fn get_value_option(&self, _: Version, _: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        Ok(Some(Vec::new()))
    }
    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        Ok(None)
    }
}

/// A small deterministic generator (xorshift), so the tests need no dependency.
pub(crate) fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
