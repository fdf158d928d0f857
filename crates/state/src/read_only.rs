//! A read-only state seen as writable, so a discarded [`crate::Overlay`] over it can simulate a state
//! transition on a snapshot (queries that answer "what would this do?") without any way to write through.

use crate::{Entry, StateError, StateRead, StateWrite};

/// Wraps a read-only state. Reads pass through; writes fail, so only an overlay on top can change
/// anything, and that overlay must be dropped, never committed.
pub struct ReadOnly<'a>(pub &'a dyn StateRead);

impl StateRead for ReadOnly<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.0.get(key)
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        self.0.range(start, end, limit)
    }
}

impl StateWrite for ReadOnly<'_> {
    fn put(&mut self, _key: Vec<u8>, _value: Vec<u8>) -> Result<(), StateError> {
        Err(StateError("write to a read-only state".into()))
    }

    fn delete(&mut self, _key: &[u8]) -> Result<(), StateError> {
        Err(StateError("delete in a read-only state".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemState, Overlay};

    #[test]
    fn an_overlay_simulates_writes_and_the_base_never_changes() {
        let mut base = MemState::new();
        base.put(b"a".to_vec(), b"1".to_vec()).unwrap();
        let before = base.clone();
        let mut ro = ReadOnly(&base);
        let mut o = Overlay::new(&mut ro);
        o.put(b"b".to_vec(), b"2".to_vec()).unwrap();
        o.delete(b"a").unwrap();
        assert_eq!(o.get(b"b").unwrap(), Some(b"2".to_vec()));
        assert_eq!(o.get(b"a").unwrap(), None);
        assert!(o.commit().is_err());
        assert_eq!(base, before);
    }
}
