//! Buffered writes in key order, with a filter for the lookups that miss them.
//!
//! Reads during a block pass through several layers of buffered writes (a message's, its
//! transaction's, the block's, the previous block's while it commits) before the store, and most of
//! them miss every layer: they read the sender's own keys for the first time in the block. A miss in
//! an ordered map of ten thousand keys costs about fourteen key comparisons, and those comparisons were
//! the largest cost of execution. Each layer also keeps the fingerprints of its keys in a hash set, so
//! a key it does not hold is answered with one hash and one probe. The set is only ever asked
//! "contains?", never iterated, so nothing observable depends on hashing.

use crate::memory::collect_range;
use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Writes in key order; `None` marks a deletion.
pub(crate) type WriteMap = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A layer of buffered writes: the ordered map, and the fingerprints of its keys. An overlay hands
/// its set whole to the layer below ([`crate::StateWrite::apply`]), which takes it as it is when
/// it holds no writes of its own instead of inserting every write again.
#[derive(Default, Debug)]
pub struct WriteSet {
    map: WriteMap,
    fingerprints: HashSet<u64, BuildHasherDefault<Prehashed>>,
}

impl WriteSet {
    /// The buffered write of `key`: `None` if this layer holds none, `Some(None)` for a deletion.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Option<Vec<u8>>> {
        if !self.fingerprints.contains(&fingerprint(key)) {
            return None;
        }
        self.map.get(key)
    }

    /// Buffers a write (`None`: delete), replacing any earlier write of the key.
    pub(crate) fn insert(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        self.fingerprints.insert(fingerprint(&key));
        self.map.insert(key, value);
    }

    /// The writes in key order.
    pub(crate) fn map(&self) -> &WriteMap {
        &self.map
    }

    /// The writes in key order, taken out.
    pub(crate) fn into_map(self) -> WriteMap {
        self.map
    }

    /// Number of buffered writes, deletions included.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no write is buffered.
    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Adds `writes` to this layer, replacing earlier writes of the same keys: the set itself when
    /// this layer is empty, else write by write.
    pub(crate) fn absorb(&mut self, writes: WriteSet) {
        if self.is_empty() {
            *self = writes;
            return;
        }
        for (key, value) in writes.into_map() {
            self.insert(key, value);
        }
    }

    /// The buffered writes with `start <= key < end`, in key order, as `each` maps them.
    pub(crate) fn range<'a, I>(
        &'a self,
        start: &[u8],
        end: Option<&[u8]>,
        each: impl FnMut(&'a Vec<u8>, &'a Option<Vec<u8>>) -> Option<I>,
    ) -> Vec<I> {
        collect_range(&self.map, start, end, each)
    }
}

/// A 64-bit fingerprint of a key: eight bytes at a time, multiply and rotate, then a final mix so that
/// every bit depends on every input bit (the hash set indexes buckets by the low bits and probes
/// by the high ones).
fn fingerprint(key: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = u64::try_from(key.len()).unwrap_or(u64::MAX);
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    for (slot, byte) in last.iter_mut().zip(chunks.remainder()) {
        *slot = *byte;
    }
    h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    // The finaliser of MurmurHash3.
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// A hasher for values that are already fingerprints: it passes them through.
#[derive(Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fingerprint(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_see_exactly_the_buffered_writes() {
        let mut set = WriteSet::default();
        for i in 0u32..2_000 {
            let key = format!("key/{i}").into_bytes();
            let value = (i % 3 != 0).then(|| i.to_be_bytes().to_vec());
            set.insert(key, value);
        }
        for i in 0u32..4_000 {
            let key = format!("key/{i}").into_bytes();
            let expected = (i < 2_000).then(|| (i % 3 != 0).then(|| i.to_be_bytes().to_vec()));
            assert_eq!(set.get(&key).cloned(), expected, "key/{i}");
        }
        assert_eq!(set.len(), 2_000);
        assert_eq!(set.get(b""), None);
    }

    #[test]
    fn fingerprints_differ_for_keys_that_share_their_words() {
        // Same 8-byte words, different lengths or tails.
        let keys: [&[u8]; 5] = [b"", b"\0", b"abcdefgh", b"abcdefgh\0", b"abcdefghi"];
        let prints: HashSet<u64> = keys.iter().map(|k| fingerprint(k)).collect();
        assert_eq!(prints.len(), keys.len());
    }
}
