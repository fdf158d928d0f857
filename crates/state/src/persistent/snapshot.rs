//! A read-only view of one committed block, backed by a redb read transaction (MVCC): readers never
//! block the block writer and never see a half-written block.

use super::pages::find_in_pages;
use super::recent::{Lookup, RecentValues};
use super::tables::{
    BLOCKS, JMT_NODES, META, META_MOVED_BELOW, META_OLDEST_PROVABLE, MOVED_NODES, UNDO, VALUES,
    decode_history_value, fail, read_app_hash, read_last_height, read_mark, undo_key,
};
use super::tree::{self, NullReader, ProofReader, StateProof, TableReader, Tree, key_hash};
use super::{AppHash, BlockRecord};
use crate::{Entry, StateError, StateRead};
use borsh::BorshDeserialize;
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable};
use std::ops::Bound;
use std::sync::Arc;

/// A read-only `&[u8] → &[u8]` table.
type BytesTable = ReadOnlyTable<&'static [u8], &'static [u8]>;

/// The state as of one committed block. Holding it pins that version (redb keeps its pages alive), so
/// drop it once the answer is built.
pub struct Snapshot {
    height: Option<u64>,
    app_hash: AppHash,
    values: BytesTable,
    nodes: BytesTable,
    moved: BytesTable,
    moved_below: u64,
    oldest_provable: u64,
    undo: BytesTable,
    blocks: ReadOnlyTable<u64, &'static [u8]>,
    /// The store's cache of recent values, asked before `values`.
    recent: Arc<RecentValues>,
}

impl Snapshot {
    /// Opens the tables of `txn`; the store creates them all on open, so none is missing.
    pub(crate) fn new(
        txn: &ReadTransaction,
        recent: Arc<RecentValues>,
    ) -> Result<Self, StateError> {
        let meta = txn
            .open_table(META)
            .map_err(fail("snapshot: opening the meta table"))?;
        let height = read_last_height(&meta)?;
        let app_hash = AppHash(read_app_hash(&meta)?.unwrap_or(tree::EMPTY_ROOT));
        let moved_below = read_mark(&meta, META_MOVED_BELOW)?;
        let oldest_provable = read_mark(&meta, META_OLDEST_PROVABLE)?;
        Ok(Self {
            height,
            app_hash,
            moved_below,
            oldest_provable,
            values: txn
                .open_table(VALUES)
                .map_err(fail("snapshot: opening the values table"))?,
            nodes: txn
                .open_table(JMT_NODES)
                .map_err(fail("snapshot: opening the JMT node table"))?,
            moved: txn
                .open_table(MOVED_NODES)
                .map_err(fail("snapshot: opening the moved JMT node table"))?,
            undo: txn
                .open_table(UNDO)
                .map_err(fail("snapshot: opening the value undo log"))?,
            blocks: txn
                .open_table(BLOCKS)
                .map_err(fail("snapshot: opening the block index"))?,
            recent,
        })
    }

    /// Height of the block this snapshot shows; `None` before the first block.
    pub fn height(&self) -> Option<u64> {
        self.height
    }

    /// The app hash (JMT root) of this snapshot; [`AppHash::EMPTY`] before the first block.
    pub fn app_hash(&self) -> AppHash {
        self.app_hash
    }

    /// The block index entry of `height`, if that block was committed (as of this snapshot).
    pub fn block(&self, height: u64) -> Result<Option<BlockRecord>, StateError> {
        let Some(guard) = self
            .blocks
            .get(height)
            .map_err(fail(format!("reading block index entry {height}")))?
        else {
            return Ok(None);
        };
        let record = BlockRecord::try_from_slice(guard.value())
            .map_err(fail(format!("decoding block index entry {height}")))?;
        Ok(Some(record))
    }

    /// The value of `key` and a proof of it (or of its absence) against [`Snapshot::app_hash`].
    pub fn prove(&self, key: &[u8]) -> Result<(Option<Vec<u8>>, StateProof), StateError> {
        match self.height {
            Some(h) => self.prove_at(key, h),
            None => {
                let (value, proof) = Tree::new(&NullReader)
                    .get_with_proof(key_hash(key), 0)
                    .map_err(tree::tree_fail("proving a key of the empty state"))?;
                Ok((value, StateProof::new(proof)))
            }
        }
    }

    /// The value of `key` at an earlier `height` and its proof against that block's app hash. Works
    /// for the heights the retention window keeps; older ones fail with "pruned".
    pub fn prove_at(
        &self,
        key: &[u8],
        height: u64,
    ) -> Result<(Option<Vec<u8>>, StateProof), StateError> {
        if self.height.is_none_or(|h| height > h) {
            return Err(StateError(format!(
                "proof at height {height}: not committed (last applied {:?})",
                self.height
            )));
        }
        if height < self.oldest_provable {
            return Err(StateError(format!(
                "proof at height {height}: pruned; the oldest height still proven is {}",
                self.oldest_provable
            )));
        }
        let reader = ProofReader(self.reader());
        let (found, proof) = Tree::new(&reader)
            .get_with_proof(key_hash(key), height)
            .map_err(tree::tree_fail(format!(
                "proof at height {height} (pruned beyond the retention window?)"
            )))?;
        // The tree answered, so `height` is retained and the undo walk below is bounded by the window.
        let value = match found {
            Some(_) => self.value_at(key, height)?,
            None => None,
        };
        Ok((value, StateProof::new(proof)))
    }

    /// The value of `key` after block `height`: the value replaced by the first change after
    /// `height`, or the current value if none changed it since.
    fn value_at(&self, key: &[u8], height: u64) -> Result<Option<Vec<u8>>, StateError> {
        let latest = self.height.unwrap_or(0);
        let mut h = height;
        while h < latest {
            h = h.saturating_add(1);
            if let Some(value) = find_in_pages(&self.undo, &undo_key(h, key), decode_history_value)?
            {
                return value;
            }
        }
        self.get(key)
    }

    /// The JMT root at `height` recomputed from the stored tree nodes, to check the recorded hashes.
    pub fn tree_root(&self, height: u64) -> Result<AppHash, StateError> {
        tree::tree_root(&self.reader(), height)
    }

    fn reader(&self) -> TableReader<'_, BytesTable> {
        TableReader {
            nodes: &self.nodes,
            moved: &self.moved,
            moved_below: self.moved_below,
        }
    }
}

/// Entries of `table` with `start <= key < end`, in key order, at most `limit` of them.
pub(crate) fn range_table(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    start: &[u8],
    end: Option<&[u8]>,
    limit: Option<usize>,
) -> Result<Vec<Entry>, StateError> {
    if end.is_some_and(|e| e <= start) || limit == Some(0) {
        return Ok(Vec::new());
    }
    let upper = match end {
        Some(e) => Bound::Excluded(e),
        None => Bound::Unbounded,
    };
    let iter = table
        .range::<&[u8]>((Bound::Included(start), upper))
        .map_err(fail("range scan of the state"))?;
    let mut out = Vec::new();
    for entry in iter {
        let (k, v) = entry.map_err(fail("range scan of the state"))?;
        out.push((k.value().to_vec(), v.value().to_vec()));
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    Ok(out)
}

impl StateRead for Snapshot {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let fill = match self.recent.lookup(self.height, key) {
            Lookup::Hit(value) => return Ok(value),
            Lookup::Miss(fill) => Some(fill),
            Lookup::Bypass => None,
        };
        let value = self
            .values
            .get(key)
            .map_err(fail("reading a state value"))?
            .map(|g| g.value().to_vec());
        if let Some(fill) = fill {
            self.recent.fill(fill, key, &value);
        }
        Ok(value)
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        range_table(&self.values, start, end, limit)
    }
}
