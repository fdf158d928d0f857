//! A write overlay: buffers writes over a parent state and applies them all or none.

use crate::writes::WriteSet;
use crate::{Entry, StateError, StateRead, StateWrite};
use std::collections::BTreeMap;

/// Buffered writes over `parent`. Reads see the buffered writes first. Dropping the overlay discards
/// them; [`Overlay::commit`] applies them to the parent in key order.
pub struct Overlay<'a, S: StateWrite + ?Sized> {
    parent: &'a mut S,
    /// `None` marks a deletion.
    writes: WriteSet,
}

impl<'a, S: StateWrite + ?Sized> Overlay<'a, S> {
    /// Starts an empty overlay over `parent`.
    pub fn new(parent: &'a mut S) -> Self {
        Self {
            parent,
            writes: WriteSet::default(),
        }
    }

    /// Applies every buffered write to the parent.
    pub fn commit(self) -> Result<(), StateError> {
        self.parent.apply(self.writes)
    }

    /// Number of buffered writes (including deletions), for gas and metrics.
    pub fn pending_writes(&self) -> usize {
        self.writes.len()
    }
}

impl<S: StateWrite + ?Sized> StateRead for Overlay<'_, S> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.parent.get(key),
        }
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        let local = self
            .writes
            .range(start, end, |k, v| Some((k.clone(), v.clone())));
        // Each local deletion can hide at most one parent entry, so this many parent entries suffice.
        let deletions = local.iter().filter(|(_, v)| v.is_none()).count();
        let parent_limit = limit.map(|l| l.saturating_add(deletions));
        let parent = self.parent.range(start, end, parent_limit)?;
        // Every local deletion hides at most one of the parent entries fetched, so at least `limit` visible
        // entries precede any key the parent left out: the first `limit` merged entries are exact.
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> =
            parent.into_iter().map(|(k, v)| (k, Some(v))).collect();
        merged.extend(local);
        let iter = merged.into_iter().filter_map(|(k, v)| v.map(|v| (k, v)));
        Ok(match limit {
            Some(l) => iter.take(l).collect(),
            None => iter.collect(),
        })
    }
}

impl<S: StateWrite + ?Sized> StateWrite for Overlay<'_, S> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemState;
    use proptest::prelude::*;

    #[test]
    fn discarded_overlay_changes_nothing() {
        let mut base = MemState::new();
        base.put(b"a".to_vec(), b"1".to_vec()).unwrap();
        let before = base.clone();
        {
            let mut o = Overlay::new(&mut base);
            o.put(b"b".to_vec(), b"2".to_vec()).unwrap();
            o.delete(b"a").unwrap();
            assert_eq!(o.get(b"a").unwrap(), None);
        }
        assert_eq!(base, before);
    }

    #[test]
    fn nested_overlays_commit_in_order() {
        let mut base = MemState::new();
        let mut outer = Overlay::new(&mut base);
        {
            let mut inner = Overlay::new(&mut outer);
            inner.put(b"k".to_vec(), b"v".to_vec()).unwrap();
            inner.commit().unwrap();
        }
        outer.commit().unwrap();
        assert_eq!(base.get(b"k").unwrap(), Some(b"v".to_vec()));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Put(u8, u8),
        Del(u8),
    }

    fn apply_ops(state: &mut dyn StateWrite, ops: &[Op]) {
        for o in ops {
            match o {
                Op::Put(k, v) => state.put(vec![*k], vec![*v]).unwrap(),
                Op::Del(k) => state.delete(&[*k]).unwrap(),
            }
        }
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..32, any::<u8>()).prop_map(|(k, v)| Op::Put(k, v)),
            (0u8..32).prop_map(Op::Del),
        ]
    }

    proptest! {
        /// An overlay reads and ranges exactly like the state it would produce once committed.
        #[test]
        fn overlay_reads_match_committed_state(
            base_ops in prop::collection::vec(op(), 0..40),
            ops in prop::collection::vec(op(), 0..40),
            start in 0u8..32, end in 0u8..34, limit in prop::option::of(0usize..10),
        ) {
            let mut base = MemState::new();
            apply_ops(&mut base, &base_ops);
            let mut expected = base.clone();
            apply_ops(&mut expected, &ops);
            let end_key = (end < 33).then(|| vec![end]);
            let mut overlay = Overlay::new(&mut base);
            apply_ops(&mut overlay, &ops);
            prop_assert_eq!(
                overlay.range(&[start], end_key.as_deref(), limit).unwrap(),
                expected.range(&[start], end_key.as_deref(), limit).unwrap()
            );
            for k in 0u8..32 {
                prop_assert_eq!(overlay.get(&[k]).unwrap(), expected.get(&[k]).unwrap());
            }
            overlay.commit().unwrap();
            prop_assert_eq!(base, expected);
        }

        /// Committing an overlay into an overlay (empty, which takes the writes whole, or not,
        /// which merges them) and that one into the base gives the state of every write in order.
        #[test]
        fn nested_commits_apply_every_write_in_order(
            base_ops in prop::collection::vec(op(), 0..20),
            outer_ops in prop::collection::vec(op(), 0..20),
            inner_ops in prop::collection::vec(op(), 0..20),
        ) {
            let mut base = MemState::new();
            apply_ops(&mut base, &base_ops);
            let mut expected = base.clone();
            apply_ops(&mut expected, &outer_ops);
            apply_ops(&mut expected, &inner_ops);
            let mut outer = Overlay::new(&mut base);
            apply_ops(&mut outer, &outer_ops);
            let mut inner = Overlay::new(&mut outer);
            apply_ops(&mut inner, &inner_ops);
            inner.commit().unwrap();
            for k in 0u8..32 {
                prop_assert_eq!(outer.get(&[k]).unwrap(), expected.get(&[k]).unwrap());
            }
            outer.commit().unwrap();
            prop_assert_eq!(base, expected);
        }
    }
}
