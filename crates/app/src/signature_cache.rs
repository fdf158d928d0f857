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

use crate::mempool::TxHash;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// A bounded, thread-safe record of verified signatures; the oldest entry is forgotten first.
#[derive(Debug)]
pub struct SignatureCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    digests: HashMap<TxHash, [u8; 32]>,
    /// Hashes in the order they were first remembered, for eviction.
    order: VecDeque<TxHash>,
}

impl SignatureCache {
    /// A cache of at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The digest the signature of the transaction with this hash was found valid over, if
    /// remembered. A poisoned lock reads as a miss: the caller then verifies, which is always safe.
    pub fn get(&self, hash: &TxHash) -> Option<[u8; 32]> {
        self.inner.lock().ok()?.digests.get(hash).copied()
    }

    /// The remembered digests of many transactions under one lock, in order.
    pub fn get_many<'a>(
        &self,
        hashes: impl IntoIterator<Item = &'a TxHash>,
    ) -> Vec<Option<[u8; 32]>> {
        let guard = self.inner.lock().ok();
        hashes
            .into_iter()
            .map(|h| guard.as_ref().and_then(|e| e.digests.get(h).copied()))
            .collect()
    }

    /// Records that the transaction with this hash carries a valid signature over `digest`.
    pub fn remember(&self, hash: TxHash, digest: [u8; 32]) {
        let Ok(mut entries) = self.inner.lock() else {
            return;
        };
        if entries.digests.insert(hash, digest).is_some() {
            return;
        }
        entries.order.push_back(hash);
        while entries.order.len() > self.capacity {
            if let Some(oldest) = entries.order.pop_front() {
                entries.digests.remove(&oldest);
            }
        }
    }

    /// Number of remembered signatures.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |e| e.order.len())
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
    fn a_zero_capacity_still_holds_one_entry() {
        let cache = SignatureCache::new(0);
        cache.remember([1; 32], [10; 32]);
        assert_eq!(cache.get(&[1; 32]), Some([10; 32]));
        assert!(!cache.is_empty());
    }
}
