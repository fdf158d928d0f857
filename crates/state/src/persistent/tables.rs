//! The redb tables of the persistent store and the byte layout of their keys and values.
//!
//! Every multi-byte number inside a key is big-endian so that redb's byte order is numeric order.

use super::tree::NODE_KEY_MAX_LEN;
use crate::StateError;
use redb::{ReadableTable, TableDefinition};
use std::fmt::Display;

/// Current state: raw key → value. Serves `get` and ordered range scans without touching the tree.
pub(crate) const VALUES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state_values");
/// JMT nodes created at versions from the moved-below mark ([`META_MOVED_BELOW`]) on, in pages
/// (see `pages`): the key of a page's first node, `version_be ‖ borsh(nibble_path)` → the page of
/// consecutive nodes of that version, borsh(`Node`) each. Each version's pages are one contiguous
/// run, dropped whole by one range delete once the version leaves the retention window, after the
/// nodes still needed are copied to [`MOVED_NODES`].
pub(crate) const JMT_NODES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_nodes");
/// JMT nodes created below the moved-below mark that were still in a retained tree when their
/// version's run was dropped, one entry per node: `version_be ‖ borsh(nibble_path)` →
/// borsh(`Node`). Deleted one by one once superseded and out of the window, which is rare: a node
/// that outlives the window is one the chain seldom changes.
pub(crate) const MOVED_NODES: TableDefinition<&[u8], &[u8]> =
    TableDefinition::new("jmt_nodes_moved");
/// Value undo log, in pages (see `pages`): the key of a page's first entry → the page of
/// consecutive entries `height_be ‖ raw key` → the value the block at `height` replaced (tagged, see
/// [`encode_history_value`]). Serves proofs at retained heights below the latest. Keyed height first,
/// each block appends one contiguous run of pages and pruning cuts one off the front, where a
/// history keyed by key hash would dirty a B-tree page per changed key.
pub(crate) const UNDO: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state_undo");
/// Superseded nodes: (version that created them, version that superseded them) → their node keys,
/// as one [`StaleList`]. A few entries per block rather than one per node: a block supersedes some
/// 25,000 nodes, and inserting each into a B-tree of its own cost about a tenth of the commit. Keyed
/// creation version first, so dropping a version's run finds the nodes of it no retained tree needs.
pub(crate) const STALE_NODES: TableDefinition<(u64, u64), &[u8]> =
    TableDefinition::new("jmt_stale_by_creation");
/// Block index: height → borsh(`BlockRecord`).
pub(crate) const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
/// Store metadata, keyed by the `META_*` names.
pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// Layout version of these tables, checked on open so an incompatible file is refused, not misread.
pub(crate) const META_SCHEMA: &str = "schema_version";
/// Height of the last committed block (u64, big-endian); absent before the first block.
pub(crate) const META_LAST_HEIGHT: &str = "last_applied_height";
/// JMT root after the last committed block (32 bytes).
pub(crate) const META_APP_HASH: &str = "app_hash";
/// Versions below this mark have no nodes left in [`JMT_NODES`]: those still needed are in
/// [`MOVED_NODES`] (u64, big-endian; absent means 0).
pub(crate) const META_MOVED_BELOW: &str = "jmt_moved_below";
/// The oldest height whose proofs the store still serves: its tree and the undo entries after it
/// are kept (u64, big-endian; absent means 0). Older runs may linger for a while (see
/// [`MOVED_NODES`]) without the undo entries a value needs, so proofs below it are refused.
pub(crate) const META_OLDEST_PROVABLE: &str = "oldest_provable_height";
/// The layout this code reads and writes.
/// Version 2 replaced the key-hash-keyed value history of version 1 by the height-keyed undo log;
/// version 3 replaced the per-node stale index by one [`StaleList`] per version; version 4 prunes
/// by dropping each version's run of nodes whole, keeping the survivors in [`MOVED_NODES`]; version 5
/// stores each block's nodes and undo entries in pages rather than one table entry each.
pub(crate) const SCHEMA_VERSION: u64 = 5;

/// Length of the big-endian height prefix of the undo-log keys.
const VERSION_LEN: usize = 8;

/// Maps any storage-library error to a [`StateError`] that says what was being done.
pub(crate) fn fail<E: Display>(what: impl Display) -> impl FnOnce(E) -> StateError {
    move |e| StateError(format!("{what}: {e}"))
}

/// Decodes a big-endian u64 stored by this module.
pub(crate) fn decode_u64(bytes: &[u8], what: &str) -> Result<u64, StateError> {
    let arr: [u8; 8] = bytes
        .try_into()
        .map_err(|_| StateError(format!("{what}: expected 8 bytes, found {}", bytes.len())))?;
    Ok(u64::from_be_bytes(arr))
}

/// Decodes a 32-byte hash stored by this module.
pub(crate) fn decode_hash(bytes: &[u8], what: &str) -> Result<[u8; 32], StateError> {
    bytes
        .try_into()
        .map_err(|_| StateError(format!("{what}: expected 32 bytes, found {}", bytes.len())))
}

/// `height_be ‖ key`: the `UNDO` key of `key`'s value replaced at `height`.
pub(crate) fn undo_key(height: u64, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len().saturating_add(VERSION_LEN));
    k.extend_from_slice(&height.to_be_bytes());
    k.extend_from_slice(key);
    k
}

/// Node table keys one version superseded, encoded as a `STALE_NODES` value: each key as a
/// big-endian u16 length followed by its bytes. Listing a key twice is harmless (pruning deletes
/// what is there).
#[derive(Default)]
pub(crate) struct StaleList(Vec<u8>);

impl StaleList {
    /// Bytes of the length before each key.
    const LEN_PREFIX: usize = std::mem::size_of::<u16>();

    /// An empty list with room for `keys` node keys of the longest length.
    pub(crate) fn with_capacity(keys: usize) -> Self {
        Self(Vec::with_capacity(keys.saturating_mul(
            NODE_KEY_MAX_LEN.saturating_add(Self::LEN_PREFIX),
        )))
    }

    /// Appends one node table key; refuses one longer than a u16 length can say (node keys are a
    /// version and a nibble path of at most 64 nibbles, well under that).
    pub(crate) fn push(&mut self, node_key: &[u8]) -> Result<(), StateError> {
        let len = u16::try_from(node_key.len()).map_err(|_| {
            StateError(format!(
                "stale node list: a node key of {} bytes is too long",
                node_key.len()
            ))
        })?;
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(node_key);
        Ok(())
    }

    /// The encoded list.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The node table keys of an encoded list, in the order pushed; fails on a truncated list.
    pub(crate) fn keys(mut bytes: &[u8]) -> impl Iterator<Item = Result<&[u8], StateError>> {
        std::iter::from_fn(move || {
            if bytes.is_empty() {
                return None;
            }
            let entry = bytes.split_first_chunk::<2>().and_then(|(len, rest)| {
                rest.split_at_checked(usize::from(u16::from_be_bytes(*len)))
            });
            let Some((key, rest)) = entry else {
                bytes = &[];
                return Some(Err(StateError(
                    "stale node list: truncated entry".to_string(),
                )));
            };
            bytes = rest;
            Some(Ok(key))
        })
    }
}

/// An undo-log value: `0` for an absent key, `1 ‖ bytes` for a value.
pub(crate) fn encode_history_value(value: Option<&[u8]>) -> Vec<u8> {
    match value {
        None => vec![0],
        Some(v) => {
            let mut out = Vec::with_capacity(v.len().saturating_add(1));
            out.push(1);
            out.extend_from_slice(v);
            out
        }
    }
}

/// Inverse of [`encode_history_value`].
pub(crate) fn decode_history_value(bytes: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
    match bytes.split_first() {
        Some((0, [])) => Ok(None),
        Some((1, rest)) => Ok(Some(rest.to_vec())),
        _ => Err(StateError(
            "JMT value history: malformed entry (bad tag)".to_string(),
        )),
    }
}

/// The last committed height recorded in `meta`, `None` before the first block.
pub(crate) fn read_last_height(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<u64>, StateError> {
    match meta
        .get(META_LAST_HEIGHT)
        .map_err(fail("reading last_applied_height"))?
    {
        Some(g) => Ok(Some(decode_u64(g.value(), "last_applied_height")?)),
        None => Ok(None),
    }
}

/// A height recorded in `meta` under `name` (`META_MOVED_BELOW`, `META_OLDEST_PROVABLE`); 0 when
/// absent.
pub(crate) fn read_mark(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    name: &str,
) -> Result<u64, StateError> {
    match meta.get(name).map_err(fail(format!("reading {name}")))? {
        Some(g) => decode_u64(g.value(), name),
        None => Ok(0),
    }
}

/// The app hash recorded in `meta`, `None` before the first block.
pub(crate) fn read_app_hash(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<[u8; 32]>, StateError> {
    match meta.get(META_APP_HASH).map_err(fail("reading app_hash"))? {
        Some(g) => Ok(Some(decode_hash(g.value(), "app_hash")?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::StaleList;

    #[test]
    fn a_stale_list_gives_back_its_keys_in_order() {
        let keys: [&[u8]; 3] = [b"", &[7; 300], b"node"];
        let mut list = StaleList::default();
        for k in keys {
            list.push(k).unwrap();
        }
        let back: Vec<&[u8]> = StaleList::keys(list.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back, keys);
        assert_eq!(StaleList::keys(&[]).count(), 0);
    }

    #[test]
    fn a_truncated_stale_list_is_an_error_not_a_shorter_list() {
        let mut list = StaleList::default();
        list.push(b"abcdef").unwrap();
        let bytes = list.as_bytes();
        for cut in 1..bytes.len() {
            let results: Vec<_> = StaleList::keys(&bytes[..cut]).collect();
            assert_eq!(results.len(), 1, "cut at {cut}");
            assert!(results[0].is_err(), "cut at {cut}");
        }
        assert!(list.push(&vec![0; 70_000]).is_err());
    }
}
