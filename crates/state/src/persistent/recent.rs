//! Recently read and written state values, kept in memory across blocks.
//!
//! A transaction reads about thirty keys that its block has not written: the chain's parameters,
//! the sender's account and balances, its delegations, preferences it never set. Many are read
//! several times per transaction (admission, fee, message), and again by the sender's next
//! transactions a few blocks later. Each such read was a descent of the values B-tree in redb.
//! This cache answers them from a hash map instead, for every [`super::Snapshot`] (the block
//! buffer's base, the mempool's checks, the API) and for the commit, which reads the values a
//! block's writes replace (most of them the block read first).
//!
//! # Why an entry is never stale
//! An entry holds a key's value and `since`, a height from which that value has been the key's value
//! up to `latest`, the last block whose writes the cache recorded. Every committed block's writes are
//! recorded, in height order, once its redb transaction committed: each written key's entry becomes
//! the new value with `since` = that height. So for a snapshot at height `v <= latest`:
//! - an entry with `since <= v` is the value at `v`;
//! - an entry with `since > v` was written after `v`: the snapshot reads its table;
//! - no entry, and `v >= complete_since` (every write of the blocks after `complete_since` up to
//!   `latest` was recorded, so none of them wrote the key): the value the snapshot reads from its
//!   table is the key's value from `complete_since` to `latest`, and is recorded with that `since`.
//!
//! Recording a block that does not follow `latest` (the first after opening is fine, it follows the
//! opened height) empties the cache. A snapshot newer than `latest` (its block committed, not yet
//! recorded) bypasses it.
//!
//! # Bounded
//! Two generations of at most half the capacity each: a hit in the older one moves the entry to the
//! newer one, and when the newer one is full the older one is dropped. Dropping forgets writes, so it
//! moves `complete_since` up to `latest`, or, while a block's writes are being recorded, up to that
//! block's height: some of its writes may be among the forgotten ones, so no snapshot below it may
//! record what it reads. Nothing iterates the maps, so results never depend on the
//! hash order; the hasher is std's randomly keyed SipHash because keys are partly user-chosen
//! (token-factory denoms, addresses) and must not be able to collide on purpose.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

/// Writes recorded per hold of the lock, so a reader never waits for a whole block's writes.
const RECORD_CHUNK: usize = 1_024;

/// The cache of one store. A capacity of zero turns it off.
pub(crate) struct RecentValues {
    state: Mutex<Generations>,
    /// Entries per generation: half the configured capacity.
    generation_capacity: usize,
}

/// What the cache answered for a snapshot's read.
pub(crate) enum Lookup {
    /// The key's value (`None`: absent) at the snapshot's height.
    Hit(Option<Vec<u8>>),
    /// Not known: read the table, then hand the value to [`RecentValues::fill`].
    Miss(Fill),
    /// Not known, and what the table gives may not be recorded: read the table only.
    Bypass,
}

/// A miss that may be filled with the value read from the table, if no block dropped a generation
/// in between.
pub(crate) struct Fill {
    epoch: u64,
}

/// A key's value from `since` to the cache's `latest`.
struct Cached {
    value: Option<Vec<u8>>,
    since: u64,
}

#[derive(Default)]
struct Generations {
    /// The last block whose writes were all recorded; `None`: nothing is known.
    latest: Option<u64>,
    /// The block whose writes are being recorded, chunk by chunk.
    recording: Option<u64>,
    /// Every write of the blocks after this height, up to `latest`, is in the maps.
    complete_since: u64,
    /// Counts the times writes were forgotten (a generation dropped, the cache emptied): a fill
    /// from before must not be recorded after.
    epoch: u64,
    current: HashMap<Vec<u8>, Cached>,
    previous: HashMap<Vec<u8>, Cached>,
}

impl Generations {
    /// Forgets every write recorded so far; what is known holds from `height` on.
    fn restart_at(&mut self, height: u64) {
        self.current.clear();
        self.previous.clear();
        self.forgot_writes(height);
    }

    fn forgot_writes(&mut self, height: u64) {
        self.complete_since = height;
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// `answer` applied to the entry of `key`, which moves to the newer generation if it was in the
    /// older one. Each map is searched once: a lookup is every read's first step.
    fn with_entry<T>(&mut self, key: &[u8], answer: impl FnOnce(Option<&Cached>) -> T) -> T {
        if let Some(cached) = self.current.get(key) {
            return answer(Some(cached));
        }
        match self.previous.remove_entry(key) {
            Some((key, cached)) => {
                let out = answer(Some(&cached));
                self.current.insert(key, cached);
                out
            }
            None => answer(None),
        }
    }

    fn contains(&self, key: &[u8]) -> bool {
        self.current.contains_key(key) || self.previous.contains_key(key)
    }

    /// Drops the older generation if the newer one is full.
    fn rotate_if_full(&mut self, generation_capacity: usize) {
        if self.current.len() >= generation_capacity {
            self.previous = std::mem::take(&mut self.current);
            let known = self
                .recording
                .or(self.latest)
                .unwrap_or(self.complete_since);
            self.forgot_writes(known);
        }
    }
}

impl RecentValues {
    /// An empty cache of at most `capacity` entries for a store whose last committed block is
    /// `height`.
    pub(crate) fn new(capacity: usize, height: Option<u64>) -> Self {
        let mut state = Generations::default();
        if let Some(height) = height {
            state.latest = Some(height);
            state.complete_since = height;
        }
        Self {
            state: Mutex::new(state),
            generation_capacity: capacity / 2,
        }
    }

    /// The cache, held for one step. A thread that panicked while holding it may have left it half
    /// updated, so it is emptied then (every entry is an optimisation only).
    fn lock(&self) -> MutexGuard<'_, Generations> {
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            state.restart_at(0);
            state.latest = None;
            state.recording = None;
            state
        })
    }

    /// What the cache knows of `key` at `height` (a snapshot's height).
    pub(crate) fn lookup(&self, height: Option<u64>, key: &[u8]) -> Lookup {
        if self.generation_capacity == 0 {
            return Lookup::Bypass;
        }
        let mut state = self.lock();
        let (Some(v), Some(latest)) = (height, state.latest) else {
            return Lookup::Bypass;
        };
        if v > latest {
            return Lookup::Bypass;
        }
        let complete_since = state.complete_since;
        let epoch = state.epoch;
        state.with_entry(key, |entry| match entry {
            Some(cached) if cached.since <= v => Lookup::Hit(cached.value.clone()),
            Some(_) => Lookup::Bypass,
            None if v >= complete_since => Lookup::Miss(Fill { epoch }),
            None => Lookup::Bypass,
        })
    }

    /// Records the value a snapshot read after [`Lookup::Miss`], unless writes were forgotten since
    /// (the value may then be older than a forgotten write) or a block has recorded the key since.
    pub(crate) fn fill(&self, fill: Fill, key: &[u8], value: &Option<Vec<u8>>) {
        let mut state = self.lock();
        if state.epoch != fill.epoch || state.contains(key) {
            return;
        }
        let since = state.complete_since;
        state.current.insert(
            key.to_vec(),
            Cached {
                value: value.clone(),
                since,
            },
        );
        state.rotate_if_full(self.generation_capacity);
    }

    /// Records the writes of the block at `height`, after its transaction committed.
    pub(crate) fn record(&self, height: u64, writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>) {
        if self.generation_capacity == 0 {
            return;
        }
        self.begin_record(height);
        let mut writes = writes.iter().peekable();
        while writes.peek().is_some() {
            self.record_chunk(height, writes.by_ref().take(RECORD_CHUNK));
        }
        self.finish_record(height);
    }

    /// First step of [`RecentValues::record`]: a block that does not follow `latest` empties the
    /// cache.
    fn begin_record(&self, height: u64) {
        let mut state = self.lock();
        let follows = state
            .latest
            .and_then(|latest| latest.checked_add(1))
            .is_some_and(|next| next == height);
        if !follows {
            state.restart_at(height);
            state.latest = None;
        }
        state.recording = Some(height);
    }

    /// Records some of block `height`'s writes under one hold of the lock. `latest` moves only once
    /// every write is in: until then a snapshot of this height bypasses the cache, and older ones
    /// see the written keys' new `since` and read their table.
    fn record_chunk<'a>(
        &self,
        height: u64,
        writes: impl Iterator<Item = (&'a Vec<u8>, &'a Option<Vec<u8>>)>,
    ) {
        let mut state = self.lock();
        for (key, value) in writes {
            let cached = Cached {
                value: value.clone(),
                since: height,
            };
            // A key the cache holds keeps its allocation; most of a block's keys were read by it.
            if let Some(entry) = state.current.get_mut(key.as_slice()) {
                *entry = cached;
            } else if let Some((key, _)) = state.previous.remove_entry(key.as_slice()) {
                state.current.insert(key, cached);
            } else {
                state.current.insert(key.clone(), cached);
            }
        }
    }

    /// Last step of [`RecentValues::record`]: block `height` is known.
    fn finish_record(&self, height: u64) {
        let mut state = self.lock();
        state.recording = None;
        state.latest = Some(height);
        state.rotate_if_full(self.generation_capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(pairs: &[(&str, Option<&str>)]) -> BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        pairs
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec())))
            .collect()
    }

    fn value(v: &str) -> Option<Vec<u8>> {
        Some(v.as_bytes().to_vec())
    }

    /// Reads `key` at `height` through the cache, with `table` standing for the snapshot's table.
    fn read(cache: &RecentValues, height: u64, key: &str, table: Option<&str>) -> Option<Vec<u8>> {
        let table = table.map(|t| t.as_bytes().to_vec());
        match cache.lookup(Some(height), key.as_bytes()) {
            Lookup::Hit(v) => v,
            Lookup::Miss(fill) => {
                cache.fill(fill, key.as_bytes(), &table);
                table
            }
            Lookup::Bypass => table,
        }
    }

    fn is_hit(cache: &RecentValues, height: u64, key: &str) -> Option<Option<Vec<u8>>> {
        match cache.lookup(Some(height), key.as_bytes()) {
            Lookup::Hit(v) => Some(v),
            _ => None,
        }
    }

    #[test]
    fn a_write_hides_the_older_value_from_newer_snapshots_only() {
        let cache = RecentValues::new(100, Some(10));
        assert_eq!(read(&cache, 10, "a", Some("1")), value("1"));
        assert_eq!(is_hit(&cache, 10, "a"), Some(value("1")));
        cache.record(11, &writes(&[("a", Some("2")), ("b", None)]));
        assert_eq!(is_hit(&cache, 11, "a"), Some(value("2")));
        assert_eq!(
            is_hit(&cache, 11, "b"),
            Some(None),
            "a deletion is known too"
        );
        assert_eq!(
            is_hit(&cache, 10, "a"),
            None,
            "written after 10: read the table"
        );
        assert_eq!(
            is_hit(&cache, 12, "a"),
            None,
            "block 12 is not recorded yet"
        );
    }

    #[test]
    fn a_value_read_before_a_write_is_not_recorded_over_it() {
        let cache = RecentValues::new(100, Some(10));
        let Lookup::Miss(fill) = cache.lookup(Some(10), b"a") else {
            panic!("expected a miss");
        };
        cache.record(11, &writes(&[("a", Some("new"))]));
        cache.fill(fill, b"a", &value("old"));
        assert_eq!(is_hit(&cache, 11, "a"), Some(value("new")));
    }

    #[test]
    fn a_gap_in_heights_empties_the_cache() {
        let cache = RecentValues::new(100, Some(10));
        read(&cache, 10, "a", Some("1"));
        cache.record(12, &writes(&[("b", Some("2"))]));
        assert_eq!(is_hit(&cache, 12, "a"), None, "forgotten with the gap");
        assert_eq!(
            is_hit(&cache, 12, "b"),
            Some(value("2")),
            "block 12's own writes"
        );
        assert!(
            matches!(cache.lookup(Some(11), b"c"), Lookup::Bypass),
            "nothing is known below the gap"
        );
        read(&cache, 12, "a", Some("1"));
        assert_eq!(is_hit(&cache, 12, "a"), Some(value("1")));
    }

    #[test]
    fn a_dropped_generation_forgets_writes_and_refuses_older_fills() {
        let cache = RecentValues::new(4, Some(0));
        let Lookup::Miss(fill) = cache.lookup(Some(0), b"x") else {
            panic!("expected a miss");
        };
        // Two entries fill a generation: the block's writes rotate it out.
        cache.record(1, &writes(&[("a", Some("1")), ("b", Some("1"))]));
        cache.fill(fill, b"x", &value("0"));
        assert_eq!(is_hit(&cache, 1, "x"), None, "a fill from before the drop");
        assert_eq!(
            is_hit(&cache, 1, "a"),
            Some(value("1")),
            "kept one generation"
        );
        // A miss now may only be recorded as of height 1, where writes are complete again.
        assert!(matches!(cache.lookup(Some(0), b"y"), Lookup::Bypass));
        read(&cache, 1, "y", Some("v"));
        assert_eq!(is_hit(&cache, 1, "y"), Some(value("v")));
    }

    #[test]
    fn capacity_zero_is_off() {
        let cache = RecentValues::new(0, Some(1));
        read(&cache, 1, "a", Some("1"));
        cache.record(2, &writes(&[("a", Some("2"))]));
        assert_eq!(is_hit(&cache, 2, "a"), None);
    }

    /// A generation dropped while a block's writes are being recorded may take some of them with
    /// it: a snapshot of the block before must then not record the older value it reads, or the
    /// block's own snapshots would be answered with it.
    #[test]
    fn a_generation_dropped_mid_record_forgets_the_block_being_recorded() {
        let cache = RecentValues::new(4, Some(10));
        let block = writes(&[("a", Some("new")), ("b", Some("new")), ("c", Some("new"))]);
        cache.begin_record(11);
        let mut chunks = block.iter();
        cache.record_chunk(11, chunks.by_ref().take(1));
        // Fills of untouched keys drop the generation holding "a"'s new value, twice.
        read(&cache, 10, "x", Some("0"));
        read(&cache, 10, "y", Some("0"));
        cache.record_chunk(11, chunks.by_ref().take(1));
        read(&cache, 10, "z", Some("0"));
        read(&cache, 10, "w", Some("0"));
        // Block 10's snapshot still reads "a" (from its table), but may not record it.
        assert_eq!(read(&cache, 10, "a", Some("old")), value("old"));
        cache.record_chunk(11, chunks);
        cache.finish_record(11);
        assert_ne!(
            is_hit(&cache, 11, "a"),
            Some(value("old")),
            "the old value was recorded"
        );
        assert_eq!(read(&cache, 11, "a", Some("new")), value("new"));
        assert_eq!(is_hit(&cache, 11, "c"), Some(value("new")));
    }
}
