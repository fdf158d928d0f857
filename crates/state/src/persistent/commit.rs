//! The block commit: every table a block touches, written inside one redb write transaction.

use super::pages::{Page, paginate};
use super::recent::{Lookup, RecentValues};
use super::tables::{
    BLOCKS, JMT_NODES, META, META_APP_HASH, META_LAST_HEIGHT, META_MOVED_BELOW,
    META_OLDEST_PROVABLE, MOVED_NODES, STALE_NODES, StaleList, UNDO, VALUES, encode_history_value,
    read_last_height, read_mark, undo_key,
};
use super::tree::{
    TableReader, TreeUpdate, encode_node_into, encode_node_key_into, root_key, update_tree,
};
use super::upper::{CachedReader, UpperNodes};
use super::{AppHash, BlockRecord};
use crate::{Entry, StateError};
use jmt::storage::{Node, NodeKey};
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

/// Versions a run stays in `JMT_NODES` after leaving the retention window before it is dropped.
/// Most nodes are superseded within a few blocks of their creation (the upper levels every block, an
/// account's path whenever it transacts), so a run dropped as soon as it leaves the window would move
/// most of its nodes only to delete them again a few blocks later; waiting this long moves only the
/// nodes of state the chain seldom changes, at the price of keeping this many more versions of runs.
pub(crate) const DROP_LAG: u64 = 32;

/// A `STALE_NODES` key: (creation version, superseding version).
type StaleListKey = (u64, u64);

/// The tables of one block commit, open in its write transaction.
pub(crate) struct BlockTables<'txn> {
    height: u64,
    meta: Table<'txn, &'static str, &'static [u8]>,
    values: Table<'txn, &'static [u8], &'static [u8]>,
    nodes: Table<'txn, &'static [u8], &'static [u8]>,
    moved: Table<'txn, &'static [u8], &'static [u8]>,
    undo: Table<'txn, &'static [u8], &'static [u8]>,
    stale_nodes: Table<'txn, StaleListKey, &'static [u8]>,
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
            moved: txn
                .open_table(MOVED_NODES)
                .map_err(failed(height, "opening moved JMT nodes"))?,
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
        recent: &RecentValues,
    ) -> Result<(AppHash, TreeUpdate), StateError> {
        let height = self.height;
        let last = read_last_height(&self.meta)?;
        check_next_height(last, height)?;
        let changes = self.effective_changes(writes, last, recent)?;
        let previous = self.previous_version(last)?;
        let moved_below = read_mark(&self.meta, META_MOVED_BELOW)?;

        let reader = CachedReader {
            upper,
            table: TableReader {
                nodes: &self.nodes,
                moved: &self.moved,
                moved_below,
            },
        };
        let (root, update) = update_tree(&reader, &changes.writes, height)
            .map_err(|e| StateError(format!("commit of block {height}: {e}")))?;
        self.write_tree_update(&update, previous)?;
        self.write_values(&changes)?;
        if let Some(oldest) = oldest_retained(height, retain_versions) {
            self.prune_nodes(moved_below, oldest)?;
            prune_undo(&mut self.undo, oldest)?;
            // Never lowered: reopened with a longer window, the store cannot give back what an
            // earlier, shorter one pruned.
            if oldest > read_mark(&self.meta, META_OLDEST_PROVABLE)? {
                self.meta
                    .insert(META_OLDEST_PROVABLE, oldest.to_be_bytes().as_slice())
                    .map_err(failed(height, "writing the oldest provable height"))?;
            }
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
    /// Current values come from `recent` where it knows them at `last` (most keys a block writes,
    /// it read), else from the values table.
    fn effective_changes(
        &self,
        writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        last: Option<u64>,
        recent: &RecentValues,
    ) -> Result<Changes, StateError> {
        let mut changes = Changes {
            writes: Vec::with_capacity(writes.len()),
            previous: Vec::with_capacity(writes.len()),
        };
        for (key, new) in writes {
            let current = match recent.lookup(last, key) {
                Lookup::Hit(value) => value,
                Lookup::Miss(_) | Lookup::Bypass => self
                    .values
                    .get(key.as_slice())
                    .map_err(failed(self.height, "reading a current value"))?
                    .map(|g| g.value().to_vec()),
            };
            if current != *new {
                changes.previous.push(current);
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
            let root = EncodedNodes::new([(&root_key(p), &Node::Null)].into_iter())?;
            self.write_nodes(root)?;
        }
        Ok(below)
    }

    /// Stores the JMT's new nodes and lists the nodes they supersede as stale since this version.
    fn write_tree_update(
        &mut self,
        update: &TreeUpdate,
        previous: Option<u64>,
    ) -> Result<(), StateError> {
        self.write_nodes(EncodedNodes::new(update.nodes())?)?;
        // One list per creation version, so each version's run can later be dropped knowing which
        // of its nodes are gone from every retained tree.
        let mut stale: BTreeMap<u64, StaleList> = BTreeMap::new();
        // Every version has its own root node. When a block changes nothing the JMT copies the
        // previous root without marking it stale, so list it here (listing it twice is harmless).
        let previous_root = previous.map(root_key);
        let superseded = || update.stale().chain(previous_root.as_ref());
        let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
        for node_key in superseded() {
            let count = counts.entry(node_key.version()).or_default();
            *count = count.saturating_add(1);
        }
        let mut encoded = Vec::new();
        for node_key in superseded() {
            encoded.clear();
            encode_node_key_into(&mut encoded, node_key)?;
            stale
                .entry(node_key.version())
                .or_insert_with(|| {
                    StaleList::with_capacity(counts.get(&node_key.version()).copied().unwrap_or(0))
                })
                .push(&encoded)?;
        }
        for (created, list) in &stale {
            self.stale_nodes
                .insert((*created, self.height), list.as_bytes())
                .map_err(failed(self.height, "writing a stale node list"))?;
        }
        Ok(())
    }

    /// Stores one version's new nodes as pages, in key order.
    fn write_nodes(&mut self, nodes: EncodedNodes) -> Result<(), StateError> {
        insert_run(
            &mut self.nodes,
            nodes.in_key_order(),
            self.height,
            "writing a page of JMT nodes",
        )
    }

    /// Applies the changes to the current-values table and records the values they replace in the
    /// undo log, under this height, for proofs at the heights the retention window keeps.
    fn write_values(&mut self, changes: &Changes) -> Result<(), StateError> {
        // In key order already: the changes are, and every key starts with this height.
        let undo: Vec<Entry> = changes
            .writes
            .iter()
            .zip(&changes.previous)
            .map(|((key, _), old)| {
                (
                    undo_key(self.height, key),
                    encode_history_value(old.as_deref()),
                )
            })
            .collect();
        insert_run(
            &mut self.undo,
            undo.iter().map(|(k, v)| (k.as_slice(), v.as_slice())),
            self.height,
            "writing the value undo log",
        )?;
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

/// A block's new nodes, every key and node encoded into one buffer: a block writes some 20,000
/// nodes, and a pair of vectors for each showed in the commit's profile.
struct EncodedNodes {
    bytes: Vec<u8>,
    spans: Vec<NodeSpan>,
}

/// Where one node's key and bytes lie in [`EncodedNodes::bytes`]: `key..value`, `value..end`.
struct NodeSpan {
    key: usize,
    value: usize,
    end: usize,
}

impl EncodedNodes {
    /// Encoded bytes reserved per node: more than most need (a leaf is 65, an internal node 57
    /// plus 41 or 49 per child), so the buffer seldom grows; untouched reserve costs no memory.
    const RESERVE_PER_NODE: usize = 384;

    fn new<'a>(
        nodes: impl ExactSizeIterator<Item = (&'a NodeKey, &'a Node)>,
    ) -> Result<Self, StateError> {
        let mut out = Self {
            bytes: Vec::with_capacity(nodes.len().saturating_mul(Self::RESERVE_PER_NODE)),
            spans: Vec::with_capacity(nodes.len()),
        };
        for (key, node) in nodes {
            let start = out.bytes.len();
            encode_node_key_into(&mut out.bytes, key)?;
            let value = out.bytes.len();
            encode_node_into(&mut out.bytes, node)?;
            out.spans.push(NodeSpan {
                key: start,
                value,
                end: out.bytes.len(),
            });
        }
        let bytes = &out.bytes;
        let key = |s: &NodeSpan| bytes.get(s.key..s.value).unwrap_or_default();
        out.spans.sort_unstable_by(|a, b| key(a).cmp(key(b)));
        Ok(out)
    }

    /// The (key, node) pairs in key order.
    fn in_key_order(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.spans.iter().map(|s| {
            (
                self.bytes.get(s.key..s.value).unwrap_or_default(),
                self.bytes.get(s.value..s.end).unwrap_or_default(),
            )
        })
    }
}

/// Inserts one block's run of entries, sorted by key, into `table` as pages.
fn insert_run<'a>(
    table: &mut Table<'_, &'static [u8], &'static [u8]>,
    run: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    height: u64,
    what: &'static str,
) -> Result<(), StateError> {
    let pages = paginate(run)?;
    for (first, page) in &pages {
        table
            .insert(first.as_slice(), page.as_slice())
            .map_err(failed(height, what))?;
    }
    Ok(())
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

impl BlockTables<'_> {
    /// Removes every node no retained tree (versions `oldest` on) reaches: a node superseded at a
    /// version `<= oldest`. Runs of versions below `oldest` are dropped whole, after their nodes that
    /// are still needed move to `MOVED_NODES`; moved nodes are deleted once they are superseded and
    /// out of the window. `moved_below` is the mark before this block.
    fn prune_nodes(&mut self, moved_below: u64, oldest: u64) -> Result<(), StateError> {
        let height = self.height;
        // Moved nodes superseded at or before `oldest`: deleted one by one (few; see MOVED_NODES).
        let mut due = self.stale_lists((0, 0)..(moved_below, 0))?;
        due.retain(|((_, superseded), _)| *superseded <= oldest);
        for (list_key, list) in &due {
            for node_key in StaleList::keys(list) {
                self.moved
                    .remove(node_key?)
                    .map_err(failed(height, "pruning: deleting a moved node"))?;
            }
            self.stale_nodes
                .remove(list_key)
                .map_err(failed(height, "pruning: deleting a stale list"))?;
        }
        // Then the run of each version below `mark` still in JMT_NODES, in version order.
        let mark = oldest.saturating_sub(DROP_LAG);
        let mut next = self.first_version_from(moved_below)?;
        while let Some(version) = next.filter(|v| *v < mark) {
            self.drop_version(version, oldest)?;
            next = match version.checked_add(1) {
                Some(after) => self.first_version_from(after)?,
                None => None,
            };
        }
        if mark > moved_below {
            self.meta
                .insert(META_MOVED_BELOW, mark.to_be_bytes().as_slice())
                .map_err(failed(height, "writing the moved-below mark"))?;
        }
        Ok(())
    }

    /// The stale lists with keys (creation version, superseding version) in `range`, read out.
    fn stale_lists(
        &self,
        range: impl std::ops::RangeBounds<StaleListKey>,
    ) -> Result<Vec<(StaleListKey, Vec<u8>)>, StateError> {
        let read = || failed(self.height, "pruning: reading the stale lists");
        self.stale_nodes
            .range(range)
            .map_err(read())?
            .map(|entry| entry.map(|(k, v)| (k.value(), v.value().to_vec())))
            .collect::<Result<_, _>>()
            .map_err(read())
    }

    /// The lowest version at or above `from` with nodes in `JMT_NODES`.
    fn first_version_from(&self, from: u64) -> Result<Option<u64>, StateError> {
        let start = from.to_be_bytes();
        let first = self
            .nodes
            .range::<&[u8]>(start.as_slice()..)
            .map_err(failed(self.height, "pruning: finding the next version"))?
            .next()
            .transpose()
            .map_err(failed(self.height, "pruning: finding the next version"))?;
        first
            .map(|(key, _)| {
                key.value()
                    .first_chunk::<8>()
                    .map(|v| u64::from_be_bytes(*v))
                    .ok_or_else(|| {
                        StateError(format!(
                            "commit of block {}: a JMT node key shorter than its version",
                            self.height
                        ))
                    })
            })
            .transpose()
    }

    /// Drops the run of `version` from `JMT_NODES`, first moving to `MOVED_NODES` each of its nodes
    /// not superseded at or before `oldest` (still in a retained tree). Its lists of nodes superseded
    /// later stay: they delete the moved copies when their turn comes.
    fn drop_version(&mut self, version: u64, oldest: u64) -> Result<(), StateError> {
        let height = self.height;
        let lists = self.stale_lists((version, 0)..=(version, oldest))?;
        let mut gone: Vec<&[u8]> = Vec::new();
        for (_, list) in &lists {
            for node_key in StaleList::keys(list) {
                gone.push(node_key?);
            }
        }
        // Sorted, the run (read in key order) is matched against it in one merging pass.
        gone.sort_unstable();
        let mut gone = gone.into_iter().peekable();
        // `version` is below the window, so it has a successor.
        let (start, end) = version
            .checked_add(1)
            .map(|after| (version.to_be_bytes(), after.to_be_bytes()))
            .ok_or_else(|| StateError(format!("commit of block {height}: no version {version}")))?;
        let run_keys = start.as_slice()..end.as_slice();
        let run = self
            .nodes
            .range::<&[u8]>(run_keys.clone())
            .map_err(failed(height, "pruning: reading a version's nodes"))?;
        let mut kept: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for entry in run {
            let (_, page) = entry.map_err(failed(height, "pruning: reading a version's nodes"))?;
            let page = page.value();
            for node in Page::parse(page)?.entries() {
                let (key, value) = node?;
                while gone.next_if(|g| *g < key).is_some() {}
                if gone.next_if(|g| *g == key).is_none() {
                    kept.push((key.to_vec(), value.to_vec()));
                }
            }
        }
        for (key, value) in &kept {
            self.moved
                .insert(key.as_slice(), value.as_slice())
                .map_err(failed(height, "pruning: moving a node"))?;
        }
        self.nodes
            .retain_in::<&[u8], _>(run_keys, |_, _| false)
            .map_err(failed(height, "pruning: dropping a version's nodes"))?;
        for (list_key, _) in &lists {
            self.stale_nodes
                .remove(list_key)
                .map_err(failed(height, "pruning: deleting a stale list"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )]
    use super::*;
    use crate::persistent::batch::node_key;
    use crate::persistent::test_nodes::next;
    use crate::persistent::tree::encode_node_key;
    use crate::persistent::{PersistentConfig, PersistentState, SyncMode};
    use jmt::storage::TreeReader;
    use redb::{ReadOnlyTable, ReadableDatabase};
    use std::collections::BTreeSet;

    /// Encoded keys of the nodes reachable from the root of `version`.
    fn reachable(reader: &impl TreeReader, version: u64) -> BTreeSet<Vec<u8>> {
        let mut out = BTreeSet::new();
        let mut todo = vec![(root_key(version), Vec::<u8>::new())];
        while let Some((key, path)) = todo.pop() {
            let node = reader
                .get_node_option(&key)
                .unwrap()
                .unwrap_or_else(|| panic!("version {version}: dangling {key:?}"));
            if let Node::Internal(internal) = &node {
                for (nibble, child) in internal.children_sorted() {
                    let mut child_path = path.clone();
                    child_path.push(u8::from(nibble));
                    todo.push((node_key(child.version, &child_path), child_path));
                }
            }
            out.insert(encode_node_key(&key).unwrap());
        }
        out
    }

    fn keys_of(table: &ReadOnlyTable<&'static [u8], &'static [u8]>) -> BTreeSet<Vec<u8>> {
        table
            .iter()
            .unwrap()
            .map(|e| e.unwrap().0.value().to_vec())
            .collect()
    }

    /// The node keys in every page of `table`, each page stored under its first node's key.
    fn page_keys(table: &ReadOnlyTable<&'static [u8], &'static [u8]>) -> BTreeSet<Vec<u8>> {
        let mut keys = BTreeSet::new();
        for entry in table.iter().unwrap() {
            let (first, page) = entry.unwrap();
            let page = Page::parse(page.value()).unwrap();
            assert_eq!(page.entry(0).unwrap().0, first.value());
            for node in page.entries() {
                keys.insert(node.unwrap().0.to_vec());
            }
        }
        keys
    }

    /// Reopened with a longer window, the store still refuses the heights the shorter one pruned,
    /// though runs of some of them linger: their trees may be whole, but not their undo entries.
    #[test]
    fn a_longer_window_after_reopening_does_not_revive_pruned_heights() {
        let path =
            std::env::temp_dir().join(format!("phalanx-prune-reopen-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let open = |retain_versions| {
            PersistentState::open_with(
                &path,
                PersistentConfig {
                    retain_versions,
                    sync: SyncMode::NoSync,
                    ..PersistentConfig::default()
                },
            )
            .unwrap()
        };
        let write =
            |height: u64| BTreeMap::from([(b"key".to_vec(), Some(height.to_be_bytes().to_vec()))]);
        let short = open(4);
        for height in 1..=60 {
            short.commit_block(height, write(height)).unwrap();
        }
        drop(short);
        let long = open(40);
        long.commit_block(61, write(61)).unwrap();
        for height in [30, 50, 56] {
            let err = long.prove_at(b"key", height).unwrap_err();
            assert!(err.0.contains("pruned"), "height {height}: {err}");
        }
        let (value, _) = long.prove_at(b"key", 58).unwrap();
        assert_eq!(value, Some(58u64.to_be_bytes().to_vec()));
        drop(long);
        let _ = std::fs::remove_file(&path);
    }

    /// Random blocks of puts and deletes over a small key space, so that many nodes outlive the
    /// window and are moved, and many moved nodes are superseded later: after every block the two
    /// node tables hold every node of the retained trees, each in the table the moved-below mark
    /// names, and nothing else but the runs waiting out the lag.
    #[test]
    fn pruning_keeps_exactly_the_nodes_of_the_retained_trees() {
        const RETAIN: u64 = 4;
        let path = std::env::temp_dir().join(format!("phalanx-prune-exact-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = PersistentState::open_with(
            &path,
            PersistentConfig {
                retain_versions: RETAIN,
                sync: SyncMode::NoSync,
                ..PersistentConfig::default()
            },
        )
        .unwrap();
        let mut seed = 0x5EED_u64;
        let mut moved_seen = 0;
        for height in 1..=200u64 {
            let mut writes = BTreeMap::new();
            for _ in 0..(next(&mut seed) % 40) {
                let key = format!("k{:03}", next(&mut seed) % 300).into_bytes();
                let value =
                    (!next(&mut seed).is_multiple_of(4)).then(|| height.to_be_bytes().to_vec());
                writes.insert(key, value);
            }
            store.commit_block(height, writes).unwrap();

            let txn = store.db.begin_read().unwrap();
            let meta = txn.open_table(META).unwrap();
            let moved_below = read_mark(&meta, META_MOVED_BELOW).unwrap();
            let nodes = txn.open_table(JMT_NODES).unwrap();
            let moved = txn.open_table(MOVED_NODES).unwrap();
            let reader = TableReader {
                nodes: &nodes,
                moved: &moved,
                moved_below,
            };
            let oldest = oldest_retained(height, RETAIN).unwrap_or(0);
            assert_eq!(
                moved_below,
                oldest.saturating_sub(DROP_LAG),
                "height {height}"
            );
            let mut retained = BTreeSet::new();
            for version in oldest..=height {
                retained.extend(reachable(&reader, version));
            }
            let (young, old) = (page_keys(&nodes), keys_of(&moved));
            let version = |k: &Vec<u8>| u64::from_be_bytes(k[..8].try_into().unwrap());
            assert!(young.iter().all(|k| version(k) >= moved_below));
            assert!(old.iter().all(|k| version(k) < moved_below));
            moved_seen += old.len();
            let stored: BTreeSet<Vec<u8>> = young.union(&old).cloned().collect();
            assert!(
                retained.is_subset(&stored),
                "height {height}: a retained node is missing"
            );
            // Only runs waiting out the lag hold nodes no retained tree reaches.
            assert!(
                stored
                    .difference(&retained)
                    .all(|k| (moved_below..oldest).contains(&version(k))),
                "height {height}: a node no retained tree reaches outlived its run"
            );
        }
        assert!(moved_seen > 1000, "nodes were moved ({moved_seen})");
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
}
