//! The block commit: every table a block touches, written inside one redb write transaction.

use super::tables::{
    BLOCKS, JMT_NODES, META, META_APP_HASH, META_LAST_HEIGHT, STALE_NODES, StaleList, UNDO, VALUES,
    encode_history_value, read_last_height, undo_key,
};
use super::tree::{TableReader, TreeUpdate, encode_node, encode_node_key, root_key, update_tree};
use super::upper::{CachedReader, UpperNodes};
use super::{AppHash, BlockRecord};
use crate::StateError;
use jmt::storage::Node;
use redb::{ReadableTable, Table, WriteTransaction};
use std::collections::BTreeMap;
use std::fmt::Display;

/// Maps a storage error during the commit of `height`; formats only when there is an error.
fn failed<E: Display>(height: u64, what: &'static str) -> impl FnOnce(E) -> StateError {
    move |e| StateError(format!("commit of block {height}: {what}: {e}"))
}

/// A write to apply: `None` deletes the key.
pub(crate) type Write = (Vec<u8>, Option<Vec<u8>>);

/// The writes of a block that change something, and for each the value it replaces (`None`: the
/// key was absent), in key order.
struct Changes {
    writes: Vec<Write>,
    previous: Vec<Option<Vec<u8>>>,
}

/// Refuses a height that is not exactly the one after `last` (any height opens an empty store).
pub(crate) fn check_next_height(last: Option<u64>, height: u64) -> Result<(), StateError> {
    match last {
        Some(l) if height <= l => Err(StateError(format!(
            "block {height} refused: at or below last_applied_height {l} (already applied)"
        ))),
        Some(l) if l.checked_add(1) != Some(height) => Err(StateError(format!(
            "block {height} refused: after last_applied_height {l} the next block must be {}",
            l.saturating_add(1)
        ))),
        _ => Ok(()),
    }
}

/// The oldest version whose tree must stay intact after committing `height`; `None`: keep them all.
fn oldest_retained(height: u64, retain: u64) -> Option<u64> {
    height.checked_sub(retain)?.checked_add(1)
}

/// The tables of one block commit, open in its write transaction.
pub(crate) struct BlockTables<'txn> {
    height: u64,
    meta: Table<'txn, &'static str, &'static [u8]>,
    values: Table<'txn, &'static [u8], &'static [u8]>,
    nodes: Table<'txn, &'static [u8], &'static [u8]>,
    undo: Table<'txn, &'static [u8], &'static [u8]>,
    stale_nodes: Table<'txn, u64, &'static [u8]>,
    blocks: Table<'txn, u64, &'static [u8]>,
}

impl<'txn> BlockTables<'txn> {
    /// Opens every table for the commit of `height`.
    pub(crate) fn open(txn: &'txn WriteTransaction, height: u64) -> Result<Self, StateError> {
        Ok(Self {
            height,
            meta: txn
                .open_table(META)
                .map_err(failed(height, "opening meta"))?,
            values: txn
                .open_table(VALUES)
                .map_err(failed(height, "opening values"))?,
            nodes: txn
                .open_table(JMT_NODES)
                .map_err(failed(height, "opening JMT nodes"))?,
            undo: txn
                .open_table(UNDO)
                .map_err(failed(height, "opening the value undo log"))?,
            stale_nodes: txn
                .open_table(STALE_NODES)
                .map_err(failed(height, "opening stale nodes"))?,
            blocks: txn
                .open_table(BLOCKS)
                .map_err(failed(height, "opening block index"))?,
        })
    }

    /// Applies the block: checks its height, updates values and tree, prunes, records the block.
    /// Returns the new app hash and the tree update, whose nodes join `upper` once committed.
    pub(crate) fn apply(
        &mut self,
        writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        retain_versions: u64,
        upper: &UpperNodes,
    ) -> Result<(AppHash, TreeUpdate), StateError> {
        let height = self.height;
        let last = read_last_height(&self.meta)?;
        check_next_height(last, height)?;
        let changes = self.effective_changes(writes)?;
        let previous = self.previous_version(last)?;

        let reader = CachedReader {
            upper,
            table: TableReader { nodes: &self.nodes },
        };
        let (root, update) = update_tree(&reader, &changes.writes, height)
            .map_err(|e| StateError(format!("commit of block {height}: {e}")))?;
        self.write_tree_update(&update, previous)?;
        self.write_values(&changes)?;
        if let Some(oldest) = oldest_retained(height, retain_versions) {
            prune_nodes(&mut self.stale_nodes, &mut self.nodes, oldest)?;
            prune_undo(&mut self.undo, oldest)?;
        }

        let record = BlockRecord {
            height,
            app_hash: AppHash(root.0),
            changed_keys: u64::try_from(changes.writes.len()).unwrap_or(u64::MAX),
        };
        let encoded = borsh::to_vec(&record)
            .map_err(failed(self.height, "encoding the block index entry"))?;
        self.blocks
            .insert(height, encoded.as_slice())
            .map_err(failed(self.height, "writing the block index"))?;
        self.meta
            .insert(META_LAST_HEIGHT, height.to_be_bytes().as_slice())
            .map_err(failed(self.height, "writing last_applied_height"))?;
        self.meta
            .insert(META_APP_HASH, root.0.as_slice())
            .map_err(failed(self.height, "writing app_hash"))?;
        Ok((record.app_hash, update))
    }

    /// The writes that change something, in key order. A write that leaves a key as it was would leave
    /// the (content-hashed) tree as it was too, so skipping it changes no hash and saves tree work.
    fn effective_changes(
        &self,
        writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    ) -> Result<Changes, StateError> {
        let mut changes = Changes {
            writes: Vec::with_capacity(writes.len()),
            previous: Vec::with_capacity(writes.len()),
        };
        for (key, new) in writes {
            let current = self
                .values
                .get(key.as_slice())
                .map_err(failed(self.height, "reading a current value"))?;
            let unchanged = match (&current, new) {
                (None, None) => true,
                (Some(cur), Some(n)) => cur.value() == n.as_slice(),
                _ => false,
            };
            if !unchanged {
                changes.previous.push(current.map(|g| g.value().to_vec()));
                changes.writes.push((key.clone(), new.clone()));
            }
        }
        Ok(changes)
    }

    /// The version the new tree builds on. A fresh store starting above height 0 gets an empty root
    /// just below its first height, since the JMT builds version `h` on the root of `h - 1`.
    fn previous_version(&mut self, last: Option<u64>) -> Result<Option<u64>, StateError> {
        if last.is_some() {
            return Ok(last);
        }
        let below = self.height.checked_sub(1);
        if let Some(p) = below {
            self.nodes
                .insert(
                    encode_node_key(&root_key(p))?.as_slice(),
                    encode_node(&Node::Null)?.as_slice(),
                )
                .map_err(failed(self.height, "writing the initial empty root"))?;
        }
        Ok(below)
    }

    /// Stores the JMT's new nodes and lists the nodes they supersede as stale since this version.
    fn write_tree_update(
        &mut self,
        update: &TreeUpdate,
        previous: Option<u64>,
    ) -> Result<(), StateError> {
        for (node_key, node) in update.nodes() {
            self.nodes
                .insert(
                    encode_node_key(node_key)?.as_slice(),
                    encode_node(node)?.as_slice(),
                )
                .map_err(failed(self.height, "writing a JMT node"))?;
        }
        let mut stale = StaleList::default();
        for node_key in update.stale() {
            stale.push(&encode_node_key(node_key)?)?;
        }
        // Every version has its own root node. When a block changes nothing the JMT copies the
        // previous root without marking it stale, so list it here (listing it twice is harmless).
        if let Some(p) = previous {
            stale.push(&encode_node_key(&root_key(p))?)?;
        }
        self.stale_nodes
            .insert(self.height, stale.as_bytes())
            .map_err(failed(self.height, "writing the stale node list"))?;
        Ok(())
    }

    /// Applies the changes to the current-values table and records the values they replace in the
    /// undo log, under this height, for proofs at the heights the retention window keeps.
    fn write_values(&mut self, changes: &Changes) -> Result<(), StateError> {
        for ((key, _), old) in changes.writes.iter().zip(&changes.previous) {
            self.undo
                .insert(
                    undo_key(self.height, key).as_slice(),
                    encode_history_value(old.as_deref()).as_slice(),
                )
                .map_err(failed(self.height, "writing the value undo log"))?;
        }
        for (key, value) in &changes.writes {
            match value {
                Some(v) => self
                    .values
                    .insert(key.as_slice(), v.as_slice())
                    .map(drop)
                    .map_err(failed(self.height, "writing a value"))?,
                None => self
                    .values
                    .remove(key.as_slice())
                    .map(drop)
                    .map_err(failed(self.height, "deleting a value"))?,
            }
        }
        Ok(())
    }
}

/// Deletes the undo entries of heights `<= up_to`: a proof at a retained height `h >= up_to` only
/// needs the values replaced after `h`.
fn prune_undo(
    undo: &mut Table<'_, &'static [u8], &'static [u8]>,
    up_to: u64,
) -> Result<(), StateError> {
    let Some(end) = up_to.checked_add(1).map(u64::to_be_bytes) else {
        return Ok(());
    };
    undo.retain_in::<&[u8], _>(..end.as_slice(), |_, _| false)
        .map_err(|e| StateError(format!("pruning the value undo log: {e}")))
}

/// Deletes the nodes that versions `<= up_to` superseded, and their lists: no retained version's
/// tree reaches them.
fn prune_nodes(
    stale: &mut Table<'_, u64, &'static [u8]>,
    nodes: &mut Table<'_, &'static [u8], &'static [u8]>,
    up_to: u64,
) -> Result<(), StateError> {
    let scan = |e: redb::StorageError| {
        StateError(format!("pruning JMT nodes: reading the stale lists: {e}"))
    };
    let lists: Vec<(u64, Vec<u8>)> = stale
        .range(..=up_to)
        .map_err(scan)?
        .map(|entry| entry.map(|(k, v)| (k.value(), v.value().to_vec())))
        .collect::<Result<_, _>>()
        .map_err(scan)?;
    // In key order: nodes written by the same block sit together in the table, so consecutive
    // deletes often fall in the same page.
    let mut keys = Vec::new();
    for (_, list) in &lists {
        for key in StaleList::keys(list) {
            keys.push(key?);
        }
    }
    keys.sort_unstable();
    for key in keys {
        nodes
            .remove(key)
            .map_err(|e| StateError(format!("pruning JMT nodes: deleting a node: {e}")))?;
    }
    for (version, _) in &lists {
        stale.remove(version).map_err(|e| {
            StateError(format!(
                "pruning JMT nodes: deleting the stale list of version {version}: {e}"
            ))
        })?;
    }
    Ok(())
}
