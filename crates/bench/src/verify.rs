//! Raw ECDSA verification rate with libsecp256k1 (the `secp256k1` crate) on every core: the
//! machine's ceiling for signed transactions, against which DESIGN.md §5 sets the throughput target.

use anyhow::{Result, anyhow, bail};
use secp256k1::ecdsa::Signature;
use secp256k1::{Message, PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// How many distinct (message, signature, key) triples the threads cycle through.
pub const TRIPLES: usize = 1024;

/// One pre-generated verification: parsed key and signature, and the 32-byte digest signed.
struct Triple {
    digest: [u8; 32],
    signature: Signature,
    key: PublicKey,
}

/// The outcome of a verification run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerifyRate {
    /// Threads that verified (one per core).
    pub threads: usize,
    /// Verifications done by all threads together.
    pub verifications: usize,
    /// Wall time of the run (start barrier to the last thread's stop).
    pub elapsed: Duration,
    /// Verifications per second, all threads together.
    pub per_second: f64,
}

fn triples(count: usize) -> Result<Vec<Triple>> {
    (0..count)
        .map(|i| {
            let seed: [u8; 32] = Sha256::digest(format!("phalanx-bench/verify-key/{i}")).into();
            let secret = SecretKey::from_secret_bytes(seed).map_err(|e| anyhow!("key {i}: {e}"))?;
            let digest: [u8; 32] = Sha256::digest(format!("phalanx-bench/verify-msg/{i}")).into();
            let signature = secp256k1::ecdsa::sign(Message::from_digest(digest), &secret);
            Ok(Triple {
                digest,
                signature,
                key: PublicKey::from_secret_key(&secret),
            })
        })
        .collect()
}

/// Verifies until `deadline`, cycling through `set`; returns how many verified. A failed
/// verification is an error (it would mean the benchmark measured the wrong thing).
fn verify_until(set: &[Triple], deadline: Instant) -> Result<usize> {
    let mut done = 0usize;
    loop {
        // Check the clock once per pass over the set, not once per verification.
        for t in set {
            if t.signature
                .verify(Message::from_digest(t.digest), &t.key)
                .is_err()
            {
                bail!("a pre-generated signature did not verify");
            }
        }
        done = done.saturating_add(set.len());
        if Instant::now() >= deadline {
            return Ok(done);
        }
    }
}

/// Verifies pre-generated triples on `threads` threads (one per core) for about `duration`.
pub fn measure(duration: Duration, threads: usize) -> Result<VerifyRate> {
    let threads = threads.max(1);
    // Each thread walks its own 256-triple window of the shared set, so the threads do not verify
    // the same triple in lockstep and the window stays in cache, as a block's signatures would.
    let set = Arc::new(triples(TRIPLES)?);
    let window = 256usize;
    let barrier = Arc::new(Barrier::new(threads.saturating_add(1)));
    let mut handles = Vec::with_capacity(threads);
    for t in 0..threads {
        let set = Arc::clone(&set);
        let barrier = Arc::clone(&barrier);
        let start = t
            .saturating_mul(window)
            .checked_rem(TRIPLES.saturating_sub(window))
            .unwrap_or(0);
        handles.push(std::thread::spawn(move || -> Result<usize> {
            let mine = set
                .get(start..start.saturating_add(window))
                .ok_or_else(|| anyhow!("triple window out of range"))?;
            barrier.wait();
            let deadline = Instant::now()
                .checked_add(duration)
                .ok_or_else(|| anyhow!("duration too long"))?;
            verify_until(mine, deadline)
        }));
    }
    barrier.wait();
    let started = Instant::now();
    let mut verifications = 0usize;
    for h in handles {
        let n = h
            .join()
            .map_err(|_| anyhow!("a verification thread panicked"))??;
        verifications = verifications.saturating_add(n);
    }
    let elapsed = started.elapsed();
    Ok(VerifyRate {
        threads,
        verifications,
        elapsed,
        per_second: crate::per_second(verifications, elapsed),
    })
}
