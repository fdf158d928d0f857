//! The persistent, authenticated state: redb tables holding the current values, a Jellyfish Merkle
//! tree over them, a block index and `last_applied_height`, all written in one redb transaction per
//! block so a crash at any point leaves exactly the last committed block.
//!
//! - [`PersistentState::begin_block`] gives a [`BlockBuffer`] (a [`StateWrite`](crate::StateWrite))
//!   to run a block on; [`BlockBuffer::commit`] (or [`PersistentState::commit_block`] with a ready
//!   batch) commits it atomically and returns the new [`AppHash`], the JMT root.
//! - [`PersistentState::snapshot`] gives a [`Snapshot`] (a [`StateRead`]) for API readers; it never
//!   blocks the writer.
//! - [`Snapshot::prove`] / [`verify_proof`]: membership and non-membership proofs.
//! - Stale tree nodes and value versions older than [`PersistentConfig::retain_versions`] blocks are
//!   deleted in the same transaction, so the file stops growing once the state stops growing.
//!
//! JMT version = block height. Heights must be contiguous: a block at or below `last_applied_height`
//! is refused (the caller skips redelivered blocks), and so is a gap.

mod batch;
mod buffer;
mod commit;
mod committer;
mod pages;
mod recent;
mod snapshot;
mod tables;
#[cfg(test)]
mod test_nodes;
mod tree;
mod upper;

pub use buffer::{BlockBuffer, PendingCommit};
pub use snapshot::Snapshot;
pub use tree::{StateHasher, StateProof, verify_proof};

use crate::{Entry, StateError, StateRead};
use borsh::{BorshDeserialize, BorshSerialize};
use commit::{BlockTables, check_next_height};
pub use committer::COMMIT_THREAD;
use committer::Committer;
use pages::count_entries;
use recent::RecentValues;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tables::{
    BLOCKS, JMT_NODES, META, META_SCHEMA, MOVED_NODES, SCHEMA_VERSION, STALE_NODES, UNDO, VALUES,
    decode_u64, fail, read_last_height,
};
use tree::TreeUpdate;
use upper::UpperNodes;

/// The state commitment of a block: the JMT root (SHA-256) after it.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    BorshSerialize,
    BorshDeserialize,
)]
pub struct AppHash(pub [u8; 32]);

impl AppHash {
    /// The app hash of a state with no keys (before the first block, or after deleting everything).
    pub const EMPTY: AppHash = AppHash(tree::EMPTY_ROOT);

    /// The 32 hash bytes, e.g. for a block header.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for AppHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for AppHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppHash({self})")
    }
}

/// What the block index keeps per committed height.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct BlockRecord {
    /// The block's height.
    pub height: u64,
    /// The app hash after the block.
    pub app_hash: AppHash,
    /// Keys whose value the block changed (writes that left a value as it was are not counted).
    pub changed_keys: u64,
}

/// Whether a commit waits for the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    /// fsync before `commit` returns: a committed block survives power loss. Use this for a node.
    Fsync,
    /// No fsync: a crash may lose recent blocks (never tear one). Only for tests and replays.
    NoSync,
}

/// Tuning of the persistent store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersistentConfig {
    /// How many of the latest versions keep their full tree for proofs (at least 1). Nodes and value
    /// versions needed only by older versions are deleted at commit.
    pub retain_versions: u64,
    /// Durability of each block commit.
    pub sync: SyncMode,
    /// State values kept in memory across blocks for reads (recently read or written keys; see
    /// `recent.rs`): about 200 bytes each. 0 turns the cache off.
    pub recent_values: usize,
}

impl Default for PersistentConfig {
    fn default() -> Self {
        Self {
            retain_versions: 100,
            sync: SyncMode::Fsync,
            recent_values: 262_144,
        }
    }
}

impl PersistentConfig {
    /// The first height whose commit prunes as every later one does: from there each commit also
    /// drops one version's run of nodes (see `commit::DROP_LAG`). Benchmarks of a long-running node
    /// start measuring there.
    pub fn steady_pruning_height(&self) -> u64 {
        self.retain_versions.saturating_add(commit::DROP_LAG)
    }
}

/// Table sizes, for metrics and tests of pruning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Size of the database file in bytes (redb grows it in large steps and reuses freed pages).
    pub file_bytes: u64,
    /// Bytes held by the tables' B-trees (data, metadata and fragmentation): the live size.
    pub table_bytes: u64,
    /// Keys in the current state.
    pub state_keys: u64,
    /// JMT nodes stored (all retained versions).
    pub jmt_nodes: u64,
    /// Replaced values kept for proofs at older retained heights (one per changed key per block).
    pub undo_values: u64,
    /// Versions whose superseded nodes wait for the retention window to pass.
    pub stale_lists: u64,
    /// Entries in the block index.
    pub blocks: u64,
}

/// The node's state database. Cheap to clone (shared handle); one writer commits blocks while any
/// number of [`Snapshot`]s read.
#[derive(Clone)]
pub struct PersistentState {
    db: Arc<Database>,
    config: PersistentConfig,
    path: PathBuf,
    /// The latest committed tree's upper nodes, read by the next block's tree update.
    upper: Arc<Mutex<UpperNodes>>,
    /// The thread that runs background commits.
    committer: Committer,
    /// Values recently read or written, answering snapshots' reads before redb does.
    recent: Arc<RecentValues>,
}

impl fmt::Debug for PersistentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersistentState")
            .field("path", &self.path)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PersistentState {
    /// Opens (or creates) the database at `path` with the default [`PersistentConfig`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StateError> {
        Self::open_with(path, PersistentConfig::default())
    }

    /// Opens (or creates) the database at `path`. After a crash redb recovers the last committed
    /// transaction, i.e. the last committed block.
    pub fn open_with(path: impl AsRef<Path>, config: PersistentConfig) -> Result<Self, StateError> {
        if config.retain_versions == 0 {
            return Err(StateError(
                "state config: retain_versions must be at least 1 (the latest version)".to_string(),
            ));
        }
        let path = path.as_ref().to_path_buf();
        let db = Database::create(&path)
            .map_err(fail(format!("opening state database {}", path.display())))?;
        let txn = db
            .begin_write()
            .map_err(fail("initialising the state database: begin transaction"))?;
        let height;
        {
            let open = "initialising the state database: creating tables";
            txn.open_table(VALUES).map_err(fail(open))?;
            txn.open_table(JMT_NODES).map_err(fail(open))?;
            txn.open_table(MOVED_NODES).map_err(fail(open))?;
            txn.open_table(UNDO).map_err(fail(open))?;
            txn.open_table(STALE_NODES).map_err(fail(open))?;
            txn.open_table(BLOCKS).map_err(fail(open))?;
            let mut meta = txn.open_table(META).map_err(fail(open))?;
            height = read_last_height(&meta)?;
            let schema = meta
                .get(META_SCHEMA)
                .map_err(fail("reading the schema version"))?
                .map(|g| decode_u64(g.value(), "schema version"))
                .transpose()?;
            match schema {
                None => {
                    meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())
                        .map_err(fail("writing the schema version"))?;
                }
                Some(v) if v == SCHEMA_VERSION => {}
                Some(v) => {
                    return Err(StateError(format!(
                        "state database {} has schema version {v}; this build reads {SCHEMA_VERSION}: \
                         move the file aside and replay the chain from genesis into a new one",
                        path.display()
                    )));
                }
            }
        }
        txn.commit()
            .map_err(fail("initialising the state database: commit"))?;
        Ok(Self {
            db: Arc::new(db),
            config,
            path,
            upper: Arc::default(),
            committer: Committer::default(),
            recent: Arc::new(RecentValues::new(config.recent_values, height)),
        })
    }

    /// The configuration this store was opened with.
    pub fn config(&self) -> &PersistentConfig {
        &self.config
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A consistent read-only view of the last committed block; never blocks the block writer.
    pub fn snapshot(&self) -> Result<Snapshot, StateError> {
        let txn = self
            .db
            .begin_read()
            .map_err(fail("opening a state snapshot"))?;
        Snapshot::new(&txn, Arc::clone(&self.recent))
    }

    /// Height of the last committed block; `None` before the first. Redelivered blocks at or below it
    /// must be skipped.
    pub fn last_applied_height(&self) -> Result<Option<u64>, StateError> {
        Ok(self.snapshot()?.height())
    }

    /// App hash of the last committed block ([`AppHash::EMPTY`] before the first).
    pub fn app_hash(&self) -> Result<AppHash, StateError> {
        Ok(self.snapshot()?.app_hash())
    }

    /// The block index entry of `height`, if committed.
    pub fn block(&self, height: u64) -> Result<Option<BlockRecord>, StateError> {
        self.snapshot()?.block(height)
    }

    /// The value of `key` in the last committed block and a proof against its app hash.
    pub fn prove(&self, key: &[u8]) -> Result<(Option<Vec<u8>>, StateProof), StateError> {
        self.snapshot()?.prove(key)
    }

    /// The value of `key` at an earlier `height` (within the retention window) and its proof against
    /// that block's app hash.
    pub fn prove_at(
        &self,
        key: &[u8],
        height: u64,
    ) -> Result<(Option<Vec<u8>>, StateProof), StateError> {
        self.snapshot()?.prove_at(key, height)
    }

    /// Starts block `height` (must follow `last_applied_height`) over a snapshot of the last block.
    pub fn begin_block(&self, height: u64) -> Result<BlockBuffer, StateError> {
        let base = self.snapshot()?;
        check_next_height(base.height(), height)?;
        Ok(BlockBuffer::new(self.clone(), base, height))
    }

    /// Commits block `height` with its writes (`None`: delete) in one redb transaction: values, JMT
    /// nodes and value history, pruning, the block index entry and `last_applied_height`. Returns the
    /// new app hash. Refuses a height that does not directly follow `last_applied_height`.
    pub fn commit_block(
        &self,
        height: u64,
        writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    ) -> Result<AppHash, StateError> {
        self.commit_block_ref(height, &writes)
            .map(|(app_hash, _)| app_hash)
    }

    /// [`PersistentState::commit_block`] over borrowed writes (a pipelined block's next buffer
    /// still reads them while they are committed). Also returns the block's tree update, already
    /// written, for the caller to free once it has published the commit (freeing it takes a few
    /// milliseconds the next block need not wait for).
    pub(crate) fn commit_block_ref(
        &self,
        height: u64,
        writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    ) -> Result<(AppHash, TreeUpdate), StateError> {
        let mut txn = self
            .db
            .begin_write()
            .map_err(fail(format!("commit of block {height}: begin transaction")))?;
        let durability = match self.config.sync {
            SyncMode::Fsync => redb::Durability::Immediate,
            SyncMode::NoSync => redb::Durability::None,
        };
        txn.set_durability(durability)
            .map_err(fail(format!("commit of block {height}: set durability")))?;
        let mut upper = self.upper_nodes();
        // On any error the transaction is dropped, i.e. aborted: nothing of the block is written.
        let (app_hash, mut update) = BlockTables::open(&txn, height)?.apply(
            writes,
            self.config.retain_versions,
            &upper,
            &self.recent,
        )?;
        txn.commit()
            .map_err(fail(format!("commit of block {height}: commit")))?;
        upper.record(update.take_nodes(UpperNodes::holds_position));
        drop(upper);
        self.recent.record(height, writes);
        Ok((app_hash, update))
    }

    /// The upper-node cache, held for one commit. A commit that panicked while holding it may have
    /// left it half updated, so it is emptied then (every entry is an optimisation only).
    fn upper_nodes(&self) -> MutexGuard<'_, UpperNodes> {
        self.upper.lock().unwrap_or_else(|poisoned| {
            let mut cache = poisoned.into_inner();
            cache.clear();
            cache
        })
    }

    /// Table sizes and file size, for tests and tools. Counting nodes and undo entries reads every
    /// page of their tables, so this is not a per-scrape metric on a large store.
    pub fn stats(&self) -> Result<StoreStats, StateError> {
        let txn = self
            .db
            .begin_read()
            .map_err(fail("stats: opening a read transaction"))?;
        let file_bytes = std::fs::metadata(&self.path)
            .map_err(fail(format!("stats: size of {}", self.path.display())))?
            .len();
        let mut stats = StoreStats {
            file_bytes,
            ..StoreStats::default()
        };
        let mut add = |table: &dyn ReadableTableMetadata, what: &str| {
            let s = table
                .stats()
                .map_err(fail(format!("stats: measuring {what}")))?;
            stats.table_bytes = stats
                .table_bytes
                .saturating_add(s.stored_bytes())
                .saturating_add(s.metadata_bytes())
                .saturating_add(s.fragmented_bytes());
            table.len().map_err(fail(format!("stats: counting {what}")))
        };
        let open = "stats: opening a table";
        stats.state_keys = add(&txn.open_table(VALUES).map_err(fail(open))?, "values")?;
        let pages = txn.open_table(JMT_NODES).map_err(fail(open))?;
        add(&pages, "nodes")?;
        let young = count_entries(&pages)?;
        let moved = add(
            &txn.open_table(MOVED_NODES).map_err(fail(open))?,
            "moved nodes",
        )?;
        stats.jmt_nodes = young.saturating_add(moved);
        let undo = txn.open_table(UNDO).map_err(fail(open))?;
        add(&undo, "undo log")?;
        stats.undo_values = count_entries(&undo)?;
        let stale = txn.open_table(STALE_NODES).map_err(fail(open))?;
        add(&stale, "stale node lists")?;
        let scan = || fail("stats: reading the stale node lists");
        let mut superseding = BTreeSet::new();
        for entry in stale.iter().map_err(scan())? {
            let (key, _) = entry.map_err(scan())?;
            superseding.insert(key.value().1);
        }
        stats.stale_lists = u64::try_from(superseding.len()).unwrap_or(u64::MAX);
        stats.blocks = add(&txn.open_table(BLOCKS).map_err(fail(open))?, "blocks")?;
        add(&txn.open_table(META).map_err(fail(open))?, "meta")?;
        Ok(stats)
    }

    /// Checks that the recorded app hash, the block index entry of the last height and the root
    /// recomputed from the stored tree agree; a node runs this on start.
    pub fn check_consistency(&self) -> Result<(), StateError> {
        let snap = self.snapshot()?;
        let recorded = snap.app_hash();
        let Some(h) = snap.height() else {
            return if recorded == AppHash::EMPTY {
                Ok(())
            } else {
                Err(StateError(format!(
                    "state consistency: no block applied but app_hash is {recorded}"
                )))
            };
        };
        let record = snap.block(h)?.ok_or_else(|| {
            StateError(format!(
                "state consistency: no block index entry for last_applied_height {h}"
            ))
        })?;
        if record.app_hash != recorded {
            return Err(StateError(format!(
                "state consistency: block index says {} at height {h}, meta says {recorded}",
                record.app_hash
            )));
        }
        let tree = snap.tree_root(h)?;
        if tree != recorded {
            return Err(StateError(format!(
                "state consistency: tree root at height {h} is {tree}, meta says {recorded}"
            )));
        }
        Ok(())
    }
}

impl StateRead for PersistentState {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.snapshot()?.get(key)
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        self.snapshot()?.range(start, end, limit)
    }
}
