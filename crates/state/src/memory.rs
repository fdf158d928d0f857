//! An in-memory state, used by tests, genesis checks and query simulation.

use crate::{Entry, StateError, StateRead, StateWrite};
use std::collections::BTreeMap;
use std::ops::Bound;

/// An ordered in-memory key-value state. Two `MemState`s are equal iff they hold the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemState {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys, for tests and metrics.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Collects `start <= key < end` from an ordered map; shared by the memory store and the overlay.
pub(crate) fn collect_range<'a, V: 'a, I, F>(
    map: &'a BTreeMap<Vec<u8>, V>,
    start: &[u8],
    end: Option<&[u8]>,
    mut each: F,
) -> Vec<I>
where
    F: FnMut(&'a Vec<u8>, &'a V) -> Option<I>,
{
    let upper = match end {
        Some(e) => Bound::Excluded(e.to_vec()),
        None => Bound::Unbounded,
    };
    if end.is_some_and(|e| e <= start) {
        return Vec::new();
    }
    map.range((Bound::Included(start.to_vec()), upper))
        .filter_map(|(k, v)| each(k, v))
        .collect()
}

impl StateRead for MemState {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.entries.get(key).cloned())
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        let mut out = collect_range(&self.entries, start, end, |k, v| {
            Some((k.clone(), v.clone()))
        });
        if let Some(l) = limit {
            out.truncate(l);
        }
        Ok(out)
    }
}

impl StateWrite for MemState {
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), StateError> {
        self.entries.insert(key, value);
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<(), StateError> {
        self.entries.remove(key);
        Ok(())
    }
}
