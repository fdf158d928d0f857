//! Signatures already found valid, by transaction hash, so each transaction's signature is verified
//! once on its way through a node rather than at every check.
//!
//! Without it a node verifies a transaction's signature when the mempool admits it (twice: once to
//! learn the signer, once against the signer's pending sequence), again after every block while it
//! waits, and again when the block that carries it executes. Verification is the largest
//! per-transaction cost, and admission runs while the previous block executes, so moving the work
//! there shortens every block.
//!
//! An entry maps the hash of the transaction's bytes to the sign-doc digest its signature was found
//! valid over. Those bytes fix the public key, the signature and every part of the sign doc except the
//! chain id and the signer's account number, which the checker recomputes from state: a remembered
//! digest is used only when it equals the digest computed now ([`crate::ante::authenticate_preverified`]).
//! A hit therefore gives exactly the verdict verification would, and block results do not depend on
//! what the cache holds. It lives outside the state machine: it is never hashed, stored or iterated.
//!
//! It also remembers parsed public keys. A transaction carries its signer's key compressed, and
//! decompressing it (a field square root) is about a tenth of a verification; an account signs with
//! the same key every time, so its next transaction's key is found here already parsed. Parsing is
//! a pure function of the bytes, so this too changes no verdict.

use crate::mempool::TxHash;
use secp256k1::PublicKey;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;

/// A compressed secp256k1 public key, as a transaction carries it.
pub type CompressedKey = [u8; 33];

/// A bounded, thread-safe record of verified signatures and parsed public keys; the oldest entry of
/// each is forgotten first.
#[derive(Debug)]
pub struct SignatureCache {
    /// Sign-doc digests found valid, by transaction hash.
    digests: Mutex<Bounded<TxHash, [u8; 32]>>,
    /// Parsed public keys by their compressed bytes.
    keys: Mutex<Bounded<CompressedKey, PublicKey>>,
}

/// A map of at most `capacity` entries that forgets the oldest first.
#[derive(Debug)]
struct Bounded<K, V> {
    capacity: usize,
    map: HashMap<K, V>,
    /// Keys in the order they were first inserted, for eviction.
    order: VecDeque<K>,
}

impl<K: Hash + Eq + Copy, V: Copy> Bounded<K, V> {
    fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).copied()
    }

    /// Sets the value of `key`; a key already present keeps its place in the eviction order.
    fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key, value).is_some() {
            return;
        }
        self.order.push_back(key);
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.map.remove(&oldest);
            }
        }
    }
}

impl SignatureCache {
    /// A cache of at most `capacity` signatures and as many public keys (at least one of each).
    pub fn new(capacity: usize) -> Self {
        Self {
            digests: Mutex::new(Bounded::new(capacity)),
            keys: Mutex::new(Bounded::new(capacity)),
        }
    }

    /// `bytes` parsed as a compressed public key, from memory when parsed before; `None` when they
    /// are not a valid key (never remembered). A poisoned lock reads as a miss.
    pub fn public_key(&self, bytes: &CompressedKey) -> Option<PublicKey> {
        if let Some(key) = self.keys.lock().ok().and_then(|k| k.get(bytes)) {
            return Some(key);
        }
        let key = PublicKey::from_byte_array_compressed(*bytes).ok()?;
        if let Ok(mut keys) = self.keys.lock() {
            keys.insert(*bytes, key);
        }
        Some(key)
    }

    /// The digest the signature of the transaction with this hash was found valid over, if
    /// remembered. A poisoned lock reads as a miss: the caller then verifies, which is always safe.
    pub fn get(&self, hash: &TxHash) -> Option<[u8; 32]> {
        self.digests.lock().ok()?.get(hash)
    }

    /// The remembered digests of many transactions under one lock, in order.
    pub fn get_many<'a>(
        &self,
        hashes: impl IntoIterator<Item = &'a TxHash>,
    ) -> Vec<Option<[u8; 32]>> {
        let guard = self.digests.lock().ok();
        hashes
            .into_iter()
            .map(|h| guard.as_ref().and_then(|d| d.get(h)))
            .collect()
    }

    /// Records that the transaction with this hash carries a valid signature over `digest`.
    pub fn remember(&self, hash: TxHash, digest: [u8; 32]) {
        if let Ok(mut digests) = self.digests.lock() {
            digests.insert(hash, digest);
        }
    }

    /// Number of remembered signatures.
    pub fn len(&self) -> usize {
        self.digests.lock().map_or(0, |d| d.order.len())
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_remembers_and_forgets_the_oldest_first() {
        let cache = SignatureCache::new(2);
        cache.remember([1; 32], [10; 32]);
        cache.remember([2; 32], [20; 32]);
        // Remembering a hash again neither duplicates nor refreshes it.
        cache.remember([1; 32], [10; 32]);
        assert_eq!(cache.len(), 2);
        cache.remember([3; 32], [30; 32]);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&[1; 32]), None);
        assert_eq!(cache.get(&[2; 32]), Some([20; 32]));
        assert_eq!(
            cache.get_many([&[3; 32], &[1; 32]]),
            vec![Some([30; 32]), None]
        );
    }

    #[test]
    fn public_keys_are_parsed_once_and_bad_ones_never_remembered() {
        let cache = SignatureCache::new(1);
        let secret = secp256k1::SecretKey::from_secret_bytes([7; 32]).unwrap();
        let key = PublicKey::from_secret_key(&secret);
        let bytes = key.serialize();
        assert_eq!(cache.public_key(&bytes), Some(key));
        assert_eq!(cache.public_key(&bytes), Some(key));
        let other =
            PublicKey::from_secret_key(&secp256k1::SecretKey::from_secret_bytes([8; 32]).unwrap());
        assert_eq!(cache.public_key(&other.serialize()), Some(other));
        assert_eq!(
            cache.keys.lock().unwrap().map.len(),
            1,
            "the oldest is forgotten"
        );
        let mut bad = bytes;
        bad[0] = 0x05;
        assert_eq!(cache.public_key(&bad), None);
        assert!(!cache.keys.lock().unwrap().map.contains_key(&bad));
    }

    #[test]
    fn a_zero_capacity_still_holds_one_entry() {
        let cache = SignatureCache::new(0);
        cache.remember([1; 32], [10; 32]);
        assert_eq!(cache.get(&[1; 32]), Some([10; 32]));
        assert!(!cache.is_empty());
    }
}
