//! State access for the Phalanx state machine.
//!
//! The protocol sees state only through [`StateRead`] and [`StateWrite`]: an ordered byte-key map. Every
//! message runs inside an [`Overlay`], whose writes reach the state below only on [`Overlay::commit`], so
//! a failed message leaves state exactly as it found it.
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

mod memory;
mod overlay;
pub mod persistent;
mod read_only;
mod writes;

pub use memory::MemState;
pub use overlay::Overlay;
pub use persistent::{
    AppHash, BlockBuffer, PendingCommit, PersistentConfig, PersistentState, Snapshot, StateProof,
    verify_proof,
};
pub use read_only::ReadOnly;
pub use writes::WriteSet;

/// A key-value pair as stored.
pub type Entry = (Vec<u8>, Vec<u8>);

/// A storage fault. Not caused by user input; the node should stop rather than diverge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage failure: {0}")]
pub struct StateError(pub String);

impl From<StateError> for phalanx_types::Error {
    fn from(e: StateError) -> Self {
        phalanx_types::Error::State(e.0)
    }
}

/// Read access to an ordered key-value state.
pub trait StateRead {
    /// The value under `key`, if any.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;

    /// Entries with `start <= key < end` (no upper bound when `end` is `None`), in ascending key order,
    /// at most `limit` of them when given.
    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError>;

    /// All entries whose key starts with `prefix`, in key order.
    fn prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, StateError> {
        let end = prefix_end(prefix);
        self.range(prefix, end.as_deref(), None)
    }
}

/// Write access; every write goes through an overlay in the protocol, so these are never partial.
pub trait StateWrite: StateRead {
    /// Sets `key` to `value`.
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), StateError>;
    /// Removes `key` (no-op if absent).
    fn delete(&mut self, key: &[u8]) -> Result<(), StateError>;
    /// Applies a committed overlay's writes, in key order. Layers that buffer writes take the set
    /// whole when they hold none yet: a block's writes then reach the block buffer without being
    /// inserted into another ordered map of ten thousand keys.
    fn apply(&mut self, writes: WriteSet) -> Result<(), StateError> {
        for (key, value) in writes.into_map() {
            match value {
                Some(v) => self.put(key, v)?,
                None => self.delete(&key)?,
            }
        }
        Ok(())
    }
}

/// The smallest key greater than every key starting with `prefix`; `None` when there is none (all 0xff).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last.saturating_add(1));
            return Some(end);
        }
    }
    None
}

impl<T: StateRead + ?Sized> StateRead for &T {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        (**self).get(key)
    }
    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        (**self).range(start, end, limit)
    }
}

impl<T: StateRead + ?Sized> StateRead for &mut T {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        (**self).get(key)
    }
    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        (**self).range(start, end, limit)
    }
}

impl<T: StateWrite + ?Sized> StateWrite for &mut T {
    fn put(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), StateError> {
        (**self).put(key, value)
    }
    fn delete(&mut self, key: &[u8]) -> Result<(), StateError> {
        (**self).delete(key)
    }
    fn apply(&mut self, writes: WriteSet) -> Result<(), StateError> {
        (**self).apply(writes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_skips_trailing_max_bytes() {
        assert_eq!(prefix_end(&[1, 2]), Some(vec![1, 3]));
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
        assert_eq!(prefix_end(&[]), None);
    }
}
