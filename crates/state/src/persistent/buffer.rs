//! A block's writes, buffered over a snapshot of the last committed block and committed in one
//! redb transaction at the end of the block.

use super::{AppHash, PersistentState, Snapshot};
use crate::writes::{WriteMap, WriteSet};
use crate::{Entry, StateError, StateRead, StateWrite};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// A block's writes in key order; `None` marks a deletion.
type Writes = WriteSet;

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
    /// The previous block while [`BlockBuffer::commit_pipelined`] commits it in the background: its
    /// writes (read below this block's, above `base`) and its commit, which this block's waits for.
    previous: Option<(Arc<Writes>, PendingCommit)>,
    height: u64,
    /// `None` marks a deletion.
    writes: Writes,
}

impl BlockBuffer {
    pub(crate) fn new(store: PersistentState, base: Snapshot, height: u64) -> Self {
        Self {
            store,
            base,
            previous: None,
            height,
            writes: WriteSet::default(),
        }
    }

    /// The height this buffer will commit.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// The snapshot the block reads below its own writes: the last committed block (below the
    /// previous block's writes while that block's pipelined commit runs).
    pub fn base(&self) -> &Snapshot {
        &self.base
    }

    /// Number of buffered writes (including deletions), for gas and metrics.
    pub fn pending_writes(&self) -> usize {
        self.writes.len()
    }

    /// The buffered writes in key order (`None`: deletion), e.g. to log or replay a block.
    pub fn writes(&self) -> &BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        self.writes.map()
    }

    /// Commits every buffered write, the JMT update, the block index entry and the new
    /// `last_applied_height` in one durable transaction; returns the new app hash.
    pub fn commit(self) -> Result<AppHash, StateError> {
        let Self {
            store,
            base,
            previous,
            height,
            writes,
        } = self;
        // Release the read transaction first: it would otherwise pin the pages this commit frees.
        drop(base);
        if let Some((_, commit)) = previous {
            commit.wait()?;
        }
        store.commit_block(height, writes.into_map())
    }

    /// Commits this block like [`BlockBuffer::commit`] (the same single redb transaction), but on
    /// the store's commit thread, and returns at once with the buffer of the next block, so the next block
    /// executes while this one is hashed, written and fsync'd. The next buffer reads this block's
    /// writes until they are committed, and its own commit waits for this one: blocks still commit
    /// in height order, one transaction each, at most one in flight. Whoever reports a block as
    /// committed must first [`PendingCommit::wait`] for it.
    pub fn commit_pipelined(self) -> Result<(PendingCommit, BlockBuffer), StateError> {
        let Self {
            store,
            base,
            previous,
            height,
            writes,
        } = self;
        drop(base);
        // At most one commit in flight: the previous block is in the store before this one starts.
        if let Some((_, commit)) = previous {
            commit.wait()?;
        }
        let next = height
            .checked_add(1)
            .ok_or_else(|| StateError(format!("block {height}: no height after it to pipeline")))?;
        // Taken before the commit starts, the snapshot shows the block below this one, and the
        // next buffer reads this block's writes over it; were it to show this block, the writes
        // would read the same.
        let base = store.snapshot()?;
        let writes = Arc::new(writes);
        let pending = PendingCommit {
            height,
            slot: Arc::new(OnceLock::new()),
        };
        let committer = {
            let store = store.clone();
            let writes = Arc::clone(&writes);
            let done = SetOnDrop {
                slot: Arc::clone(&pending.slot),
                result: None,
            };
            move || {
                // Moved whole into the job, so it publishes when the job ends, however.
                let mut done = done;
                let (result, written) = match store.commit_block_ref(height, writes.map()) {
                    Ok((app_hash, update)) => (Ok(app_hash), Some(update)),
                    Err(e) => (Err(e), None),
                };
                done.result = Some(result);
                // Publish first: the next block's commit need not wait for this one's tree
                // update to be freed.
                drop(done);
                drop(written);
            }
        };
        store
            .committer
            .run(Box::new(committer))
            .map_err(|e| StateError(format!("block {height}: {e}")))?;
        let buffer = Self {
            store,
            base,
            previous: Some((writes, pending.clone())),
            height: next,
            writes: WriteSet::default(),
        };
        Ok((pending, buffer))
    }

    /// The layers below this block's writes that are not yet in `base`.
    fn previous_writes(&self) -> Option<&Writes> {
        self.previous.as_ref().map(|(w, _)| w.as_ref())
    }
}

/// A block commit running in the background ([`BlockBuffer::commit_pipelined`]). Cheap to clone.
#[derive(Clone, Debug)]
pub struct PendingCommit {
    height: u64,
    slot: Arc<OnceLock<Result<AppHash, StateError>>>,
}

impl PendingCommit {
    /// The height being committed.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// Blocks until the commit is durable (or failed); returns the block's app hash.
    pub fn wait(&self) -> Result<AppHash, StateError> {
        self.slot.wait().clone()
    }
}

/// Publishes a background commit's result, or a failure if the thread unwinds before it has one,
/// so [`PendingCommit::wait`] can never hang.
struct SetOnDrop {
    slot: Arc<OnceLock<Result<AppHash, StateError>>>,
    result: Option<Result<AppHash, StateError>>,
}

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        let result = self.result.take().unwrap_or_else(|| {
            Err(StateError(
                "the background commit stopped before finishing".to_string(),
            ))
        });
        // Set once: the slot belongs to this commit alone.
        let _ = self.slot.set(result);
    }
}

impl StateRead for BlockBuffer {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(v) = self.writes.get(key) {
            return Ok(v.clone());
        }
        match self.previous_writes().and_then(|p| p.get(key)) {
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
        let layer = |w: &Writes| w.range(start, end, |k, v| Some((k.clone(), v.clone())));
        let previous = self.previous_writes().map(layer).unwrap_or_default();
        let local = layer(&self.writes);
        // Each deletion above the base hides at most one base entry, so `limit + deletions` base
        // entries are enough for the first `limit` merged entries to be exact.
        let deletions = local
            .iter()
            .chain(&previous)
            .filter(|(_, v)| v.is_none())
            .count();
        let base_limit = limit.map(|l| l.saturating_add(deletions));
        let base = self.base.range(start, end, base_limit)?;
        let mut merged: WriteMap = base.into_iter().map(|(k, v)| (k, Some(v))).collect();
        merged.extend(previous);
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

    fn apply(&mut self, writes: WriteSet) -> Result<(), StateError> {
        self.writes.absorb(writes);
        Ok(())
    }
}
