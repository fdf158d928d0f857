//! A block's writes, buffered over a snapshot of the last committed block and committed in one
//! redb transaction at the end of the block.

use super::{AppHash, PersistentState, Snapshot};
use crate::memory::collect_range;
use crate::{Entry, StateError, StateRead, StateWrite};
use std::collections::BTreeMap;

/// The state a block executes against: reads see this block's writes over the last committed block,
/// writes stay in memory until [`BlockBuffer::commit`]. Dropping it discards the block.
///
/// ```text
/// let mut block = store.begin_block(height)?;
/// execute_block(&mut block, &txs)?;      // any `&mut dyn StateWrite` code
/// let app_hash = block.commit()?;         // one atomic redb transaction
/// ```
pub struct BlockBuffer {
    store: PersistentState,
    base: Snapshot,
    height: u64,
    /// `None` marks a deletion.
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl BlockBuffer {
    pub(crate) fn new(store: PersistentState, base: Snapshot, height: u64) -> Self {
        Self {
            store,
            base,
            height,
            writes: BTreeMap::new(),
        }
    }

    /// The height this buffer will commit.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// The snapshot the block reads below its own writes (the last committed block).
    pub fn base(&self) -> &Snapshot {
        &self.base
    }

    /// Number of buffered writes (including deletions), for gas and metrics.
    pub fn pending_writes(&self) -> usize {
        self.writes.len()
    }

    /// The buffered writes in key order (`None`: deletion), e.g. to log or replay a block.
    pub fn writes(&self) -> &BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        &self.writes
    }

    /// Commits every buffered write, the JMT update, the block index entry and the new
    /// `last_applied_height` in one durable transaction; returns the new app hash.
    pub fn commit(self) -> Result<AppHash, StateError> {
        let Self {
            store,
            base,
            height,
            writes,
        } = self;
        // Release the read transaction first: it would otherwise pin the pages this commit frees.
        drop(base);
        store.commit_block(height, writes)
    }
}

impl StateRead for BlockBuffer {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(key),
        }
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        let local = collect_range(&self.writes, start, end, |k, v| {
            Some((k.clone(), v.clone()))
        });
        // Each local deletion hides at most one base entry, so `limit + deletions` base entries are
        // enough for the first `limit` merged entries to be exact.
        let deletions = local.iter().filter(|(_, v)| v.is_none()).count();
        let base_limit = limit.map(|l| l.saturating_add(deletions));
        let base = self.base.range(start, end, base_limit)?;
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> =
            base.into_iter().map(|(k, v)| (k, Some(v))).collect();
        merged.extend(local);
        let iter = merged.into_iter().filter_map(|(k, v)| v.map(|v| (k, v)));
        Ok(match limit {
            Some(l) => iter.take(l).collect(),
            None => iter.collect(),
        })
    }
}

impl StateWrite for BlockBuffer {
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), StateError> {
        self.writes.insert(key, Some(value));
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), StateError> {
        self.writes.insert(key.to_vec(), None);
        Ok(())
    }
}
