//! Tests of the persistent redb + JMT store: agreement with `MemState`, hash determinism, proofs,
//! pruning, snapshots, and kill -9 crash safety (the test binary re-runs itself as the writer).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_state::persistent::{StoreStats, SyncMode};
use phalanx_state::{
    AppHash, MemState, Overlay, PersistentConfig, PersistentState, StateProof, StateRead,
    StateWrite, verify_proof,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// helpers

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("phalanx-state-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn db(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(retain_versions: u64, sync: SyncMode) -> PersistentConfig {
    PersistentConfig {
        retain_versions,
        sync,
        ..PersistentConfig::default()
    }
}

fn open_fast(dir: &TempDir, name: &str) -> PersistentState {
    PersistentState::open_with(dir.db(name), config(10, SyncMode::NoSync)).unwrap()
}

type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

fn put(k: &[u8], v: &[u8]) -> (Vec<u8>, Option<Vec<u8>>) {
    (k.to_vec(), Some(v.to_vec()))
}

fn del(k: &[u8]) -> (Vec<u8>, Option<Vec<u8>>) {
    (k.to_vec(), None)
}

fn apply_mem(mem: &mut MemState, writes: &Writes) {
    for (k, v) in writes {
        match v {
            Some(v) => mem.put(k.clone(), v.clone()).unwrap(),
            None => mem.delete(k).unwrap(),
        }
    }
}

/// splitmix64: a tiny deterministic generator for reproducible blocks and kill times.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The deterministic writes of block `height`: `n` writes over `keyspace` accounts, ~15% deletions.
fn block_writes(height: u64, n: usize, keyspace: u64) -> Writes {
    let mut rng = Rng(height.wrapping_mul(0xA076_1D64_78BD_642F) ^ 0x5EED);
    let mut out = Writes::new();
    for i in 0..n {
        let key = format!("acct/{:06}", rng.below(keyspace)).into_bytes();
        if rng.below(100) < 15 {
            out.insert(key, None);
        } else {
            let len = 8 + rng.below(40) as usize;
            let mut value = Vec::with_capacity(len);
            value.extend_from_slice(&height.to_be_bytes());
            value.extend_from_slice(&(i as u32).to_be_bytes());
            while value.len() < len {
                value.push(rng.next() as u8);
            }
            out.insert(key, Some(value));
        }
    }
    out
}

fn assert_proves(root: &AppHash, key: &[u8], value: Option<&[u8]>, proof: &StateProof) {
    assert!(
        verify_proof(root, key, value, proof),
        "proof of {:?} = {:?} failed against {root}",
        String::from_utf8_lossy(key),
        value
    );
}

// ---------------------------------------------------------------------------------------------
// basics

#[test]
fn empty_store_has_the_empty_root_and_proves_absence() {
    let dir = TempDir::new("empty");
    let store = open_fast(&dir, "s.redb");
    assert_eq!(store.last_applied_height().unwrap(), None);
    assert_eq!(store.app_hash().unwrap(), AppHash::EMPTY);
    store.check_consistency().unwrap();
    let (value, proof) = store.prove(b"missing").unwrap();
    assert_eq!(value, None);
    assert_proves(&AppHash::EMPTY, b"missing", None, &proof);
    assert!(!verify_proof(
        &AppHash::EMPTY,
        b"missing",
        Some(b"x"),
        &proof
    ));
    assert!(store.range(b"", None, None).unwrap().is_empty());
}

#[test]
fn heights_must_follow_last_applied_height() {
    let dir = TempDir::new("heights");
    let store = open_fast(&dir, "s.redb");
    // A fresh store accepts any first height (a chain may start above 1).
    let h5 = store
        .commit_block(5, Writes::from([put(b"a", b"1")]))
        .unwrap();
    assert_eq!(store.last_applied_height().unwrap(), Some(5));
    for refused in [0, 4, 5, 7] {
        let err = store
            .commit_block(refused, Writes::from([put(b"a", b"2")]))
            .unwrap_err();
        assert!(err.0.contains("refused"), "{err}");
        assert!(store.begin_block(refused).is_err());
    }
    // Nothing leaked from the refused commits.
    assert_eq!(store.app_hash().unwrap(), h5);
    assert_eq!(store.get(b"a").unwrap(), Some(b"1".to_vec()));
    store.commit_block(6, Writes::new()).unwrap();
    assert_eq!(
        store.app_hash().unwrap(),
        h5,
        "an empty block keeps the hash"
    );
    assert_eq!(store.block(6).unwrap().unwrap().changed_keys, 0);
    store.check_consistency().unwrap();

    // Starting at height 1 or 5 gives the same root for the same writes: the hash is the state's.
    let other = open_fast(&dir, "t.redb");
    assert_eq!(
        other
            .commit_block(1, Writes::from([put(b"a", b"1")]))
            .unwrap(),
        h5
    );
    let zero = open_fast(&dir, "u.redb");
    assert_eq!(
        zero.commit_block(0, Writes::from([put(b"a", b"1")]))
            .unwrap(),
        h5
    );
}

#[test]
fn block_buffer_reads_its_own_writes_and_commits_all_or_nothing() {
    let dir = TempDir::new("buffer");
    let path = dir.db("s.redb");
    let root2 = {
        let store = PersistentState::open_with(&path, config(10, SyncMode::Fsync)).unwrap();
        store
            .commit_block(
                1,
                Writes::from([put(b"a", b"1"), put(b"b", b"2"), put(b"c", b"3")]),
            )
            .unwrap();
        let root1 = store.app_hash().unwrap();

        // Dropped without commit: nothing happens.
        {
            let mut block = store.begin_block(2).unwrap();
            block.put(b"z".to_vec(), b"9".to_vec()).unwrap();
        }
        assert_eq!(store.app_hash().unwrap(), root1);
        assert_eq!(store.get(b"z").unwrap(), None);

        let mut block = store.begin_block(2).unwrap();
        assert_eq!(block.height(), 2);
        block.delete(b"b").unwrap();
        block.put(b"bb".to_vec(), b"22".to_vec()).unwrap();
        block.put(b"a".to_vec(), b"1".to_vec()).unwrap(); // unchanged value
        assert_eq!(block.get(b"b").unwrap(), None);
        assert_eq!(
            block.range(b"a", None, Some(2)).unwrap(),
            vec![put_entry(b"a", b"1"), put_entry(b"bb", b"22")]
        );
        // The committed state does not see the buffer.
        assert_eq!(store.get(b"b").unwrap(), Some(b"2".to_vec()));
        let root2 = block.commit().unwrap();
        assert_ne!(root2, root1);
        assert_eq!(store.block(2).unwrap().unwrap().changed_keys, 2);
        root2
    };
    // Reopen: the committed block is there.
    let store = PersistentState::open(&path).unwrap();
    assert_eq!(store.last_applied_height().unwrap(), Some(2));
    assert_eq!(store.app_hash().unwrap(), root2);
    assert_eq!(
        store.range(b"", None, None).unwrap(),
        vec![
            put_entry(b"a", b"1"),
            put_entry(b"bb", b"22"),
            put_entry(b"c", b"3")
        ]
    );
    store.check_consistency().unwrap();
}

fn put_entry(k: &[u8], v: &[u8]) -> (Vec<u8>, Vec<u8>) {
    (k.to_vec(), v.to_vec())
}

/// The app's shape: a block runs over `&mut dyn StateWrite`, each tx in an `Overlay` that may fail.
fn run_txs(state: &mut dyn StateWrite, txs: &[(&[u8], &[u8], bool)]) {
    for (k, v, ok) in txs {
        let mut tx = Overlay::new(state);
        tx.put(k.to_vec(), v.to_vec()).unwrap();
        if *ok {
            tx.commit().unwrap();
        }
    }
}

#[test]
fn a_block_runs_over_dyn_state_write_with_tx_overlays() {
    let dir = TempDir::new("dyn");
    let store = open_fast(&dir, "s.redb");
    let mut block = store.begin_block(1).unwrap();
    run_txs(
        &mut block,
        &[(b"x", b"1", true), (b"y", b"2", false), (b"z", b"3", true)],
    );
    let root = block.commit().unwrap();
    let mut mem = MemState::new();
    run_txs(
        &mut mem,
        &[(b"x", b"1", true), (b"y", b"2", false), (b"z", b"3", true)],
    );
    assert_eq!(
        store.range(b"", None, None).unwrap(),
        mem.range(b"", None, None).unwrap()
    );
    assert_eq!(store.app_hash().unwrap(), root);
}

#[test]
fn snapshots_are_isolated_from_later_blocks_and_thread_safe() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<PersistentState>();
    assert_send_sync::<phalanx_state::Snapshot>();

    let dir = TempDir::new("snap");
    let store = open_fast(&dir, "s.redb");
    let root1 = store
        .commit_block(1, Writes::from([put(b"k", b"old")]))
        .unwrap();
    let snap = store.snapshot().unwrap();
    let reader = {
        let store = store.clone();
        std::thread::spawn(move || store.snapshot().unwrap().get(b"k").unwrap())
    };
    assert_eq!(reader.join().unwrap(), Some(b"old".to_vec()));
    let root2 = store
        .commit_block(2, Writes::from([put(b"k", b"new"), put(b"j", b"1")]))
        .unwrap();
    assert_eq!(snap.height(), Some(1));
    assert_eq!(snap.app_hash(), root1);
    assert_eq!(snap.get(b"k").unwrap(), Some(b"old".to_vec()));
    assert_eq!(snap.get(b"j").unwrap(), None);
    let (v, proof) = snap.prove(b"k").unwrap();
    assert_eq!(v.as_deref(), Some(&b"old"[..]));
    assert_proves(&root1, b"k", Some(b"old"), &proof);
    assert_eq!(store.get(b"k").unwrap(), Some(b"new".to_vec()));
    assert_eq!(store.snapshot().unwrap().app_hash(), root2);
}

#[test]
fn proofs_verify_for_present_and_absent_keys_and_fail_otherwise() {
    let dir = TempDir::new("proofs");
    let store = open_fast(&dir, "s.redb");
    let mut writes = Writes::new();
    for i in 0u32..300 {
        writes.insert(
            format!("key/{i}").into_bytes(),
            Some(i.to_be_bytes().to_vec()),
        );
    }
    store.commit_block(1, writes).unwrap();
    store
        .commit_block(2, Writes::from([del(b"key/7"), put(b"key/8", b"eight")]))
        .unwrap();
    let root = store.app_hash().unwrap();

    for (key, expected) in [
        (&b"key/1"[..], Some(1u32.to_be_bytes().to_vec())),
        (b"key/8", Some(b"eight".to_vec())),
        (b"key/7", None),
        (b"never", None),
        (b"", None),
    ] {
        let (value, proof) = store.prove(key).unwrap();
        assert_eq!(value, expected);
        assert_proves(&root, key, value.as_deref(), &proof);
        // Wrong value, absence claimed for a present key, presence claimed for an absent one.
        assert!(!verify_proof(&root, key, Some(b"wrong"), &proof));
        if value.is_some() {
            assert!(!verify_proof(&root, key, None, &proof));
        }
        // Wrong root.
        assert!(!verify_proof(
            &AppHash([7; 32]),
            key,
            value.as_deref(),
            &proof
        ));
        // Serializable: the decoded proof still verifies.
        let decoded = StateProof::from_bytes(&proof.to_bytes().unwrap()).unwrap();
        assert_eq!(decoded, proof);
        assert_proves(&root, key, value.as_deref(), &decoded);
    }
    // A proof for one key does not prove another key.
    let (_, proof1) = store.prove(b"key/1").unwrap();
    assert!(!verify_proof(
        &root,
        b"key/2",
        Some(&1u32.to_be_bytes()),
        &proof1
    ));
    assert!(StateProof::from_bytes(&[1, 2, 3]).is_err());

    // The proof at height 1 verifies against block 1's hash and shows the old value of key/7.
    let root1 = store.block(1).unwrap().unwrap().app_hash;
    let (v7, p7) = store.prove_at(b"key/7", 1).unwrap();
    assert_eq!(v7, Some(7u32.to_be_bytes().to_vec()));
    assert_proves(&root1, b"key/7", v7.as_deref(), &p7);
    assert!(store.prove_at(b"key/7", 3).is_err());
}

#[test]
fn deleting_everything_returns_to_the_empty_root() {
    let dir = TempDir::new("clear");
    let store = open_fast(&dir, "s.redb");
    store
        .commit_block(1, Writes::from([put(b"a", b"1"), put(b"b", b"2")]))
        .unwrap();
    assert_ne!(store.app_hash().unwrap(), AppHash::EMPTY);
    let root = store
        .commit_block(2, Writes::from([del(b"a"), del(b"b"), del(b"c")]))
        .unwrap();
    assert_eq!(root, AppHash::EMPTY);
    let (v, proof) = store.prove(b"a").unwrap();
    assert_eq!(v, None);
    assert_proves(&AppHash::EMPTY, b"a", None, &proof);
    store.check_consistency().unwrap();
}

/// The store keeps the latest tree's upper nodes in memory between commits. A store that runs on
/// (warm cache, including across a refused commit at a reused height) and one reopened before
/// every block (cold cache, everything read from redb) reach the same root at every height, and
/// both trees check out.
#[test]
fn the_upper_node_cache_never_changes_a_root() {
    let dir = TempDir::new("upper-cache");
    let warm = open_fast(&dir, "warm.redb");
    for height in 1..=40u64 {
        // Many keys per block, so the first levels are rewritten each time; 15% deletions.
        let writes = block_writes(height, 300, 2_000);
        if height % 10 == 0 {
            // A refused block (a height already applied) leaves the cache as it was.
            assert!(warm.commit_block(height - 1, writes.clone()).is_err());
        }
        let root = warm.commit_block(height, writes.clone()).unwrap();
        let cold = open_fast(&dir, "cold.redb");
        assert_eq!(
            cold.commit_block(height, writes).unwrap(),
            root,
            "height {height}"
        );
        cold.check_consistency().unwrap();
    }
    warm.check_consistency().unwrap();
    let (value, proof) = warm.prove(b"acct/000007").unwrap();
    assert_proves(
        &warm.app_hash().unwrap(),
        b"acct/000007",
        value.as_deref(),
        &proof,
    );
}

// ---------------------------------------------------------------------------------------------
// agreement with MemState and hash determinism

#[derive(Debug, Clone)]
enum Op {
    Put(Vec<u8>, Vec<u8>),
    Del(Vec<u8>),
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    // Short keys over a small alphabet: many collisions, prefixes of each other, and the empty key.
    prop::collection::vec(0u8..4, 0..4)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (key(), prop::collection::vec(any::<u8>(), 0..3)).prop_map(|(k, v)| Op::Put(k, v)),
        1 => key().prop_map(Op::Del),
    ]
}

fn apply_ops(state: &mut dyn StateWrite, ops: &[Op]) {
    for o in ops {
        match o {
            Op::Put(k, v) => state.put(k.clone(), v.clone()).unwrap(),
            Op::Del(k) => state.delete(k).unwrap(),
        }
    }
}

fn all_keys() -> Vec<Vec<u8>> {
    let mut keys = vec![vec![]];
    let mut frontier = vec![vec![]];
    for _ in 0..4 {
        let mut next = Vec::new();
        for k in &frontier {
            for b in 0u8..4 {
                let mut k2: Vec<u8> = k.clone();
                k2.push(b);
                next.push(k2);
            }
        }
        keys.extend(next.iter().cloned());
        frontier = next;
    }
    keys
}

/// `PHALANX_PROPTEST_CASES` sets the number of cases (default 64; e.g. 2000 for a long run).
fn proptest_cases() -> u32 {
    std::env::var("PHALANX_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(proptest_cases()))]

    /// Several blocks of random puts/deletes: every read of the store (and of the block buffer before
    /// commit) equals `MemState`; two stores fed the same blocks agree on every app hash; a different
    /// write order within a block, and a store built in one block from the final contents, give the
    /// same hash; every key proves against the final root.
    #[test]
    fn persistent_state_matches_memstate_and_hashes_deterministically(
        blocks in prop::collection::vec(prop::collection::vec(op(), 0..25), 1..6),
        ranges in prop::collection::vec(
            (key(), prop::option::of(key()), prop::option::of(0usize..6)), 4),
    ) {
        let dir = TempDir::new("prop");
        let a = open_fast(&dir, "a.redb");
        let b = open_fast(&dir, "b.redb");
        // Store c keeps only 2 versions, so pruning runs on every block.
        let c = PersistentState::open_with(dir.db("c.redb"), config(2, SyncMode::NoSync)).unwrap();
        let mut mem = MemState::new();
        for (i, ops) in blocks.iter().enumerate() {
            let height = i as u64 + 1;
            let prev_mem = mem.clone();
            // Store a: the ops in their order, through a block buffer; reads checked before commit.
            let mut block = a.begin_block(height).unwrap();
            apply_ops(&mut block, ops);
            apply_ops(&mut mem, ops);
            for (start, end, limit) in &ranges {
                prop_assert_eq!(
                    block.range(start, end.as_deref(), *limit).unwrap(),
                    mem.range(start, end.as_deref(), *limit).unwrap()
                );
            }
            let final_writes = block.writes().clone();
            let root_a = block.commit().unwrap();

            // Store b: the block's net writes, in reverse key order.
            let mut block_b = b.begin_block(height).unwrap();
            for (k, v) in final_writes.iter().rev() {
                match v {
                    Some(v) => block_b.put(k.clone(), v.clone()).unwrap(),
                    None => block_b.delete(k).unwrap(),
                }
            }
            let root_b = block_b.commit().unwrap();
            // Store c: the batch API.
            let touched: Vec<Vec<u8>> = final_writes.keys().cloned().collect();
            let root_c = c.commit_block(height, final_writes).unwrap();
            prop_assert_eq!(root_a, root_b);
            prop_assert_eq!(root_a, root_c);

            // Pruned store: both retained versions prove every touched key (and a few others); the
            // version before them is gone.
            let sample = touched.iter().cloned().chain(all_keys().into_iter().step_by(37));
            for k in sample {
                let (v, proof) = c.prove_at(&k, height).unwrap();
                prop_assert_eq!(&v, &mem.get(&k).unwrap());
                prop_assert!(verify_proof(&root_c, &k, v.as_deref(), &proof));
                if height >= 2 {
                    let prev_root = c.block(height - 1).unwrap().unwrap().app_hash;
                    let (v, proof) = c.prove_at(&k, height - 1).unwrap();
                    prop_assert_eq!(&v, &prev_mem.get(&k).unwrap());
                    prop_assert!(verify_proof(&prev_root, &k, v.as_deref(), &proof));
                }
                if height >= 3 {
                    prop_assert!(c.prove_at(&k, height - 2).is_err());
                }
            }
            c.check_consistency().unwrap();

            for (start, end, limit) in &ranges {
                prop_assert_eq!(
                    a.range(start, end.as_deref(), *limit).unwrap(),
                    mem.range(start, end.as_deref(), *limit).unwrap()
                );
            }
            prop_assert_eq!(a.range(&[], None, None).unwrap(), mem.range(&[], None, None).unwrap());
            prop_assert_eq!(a.prefix(&[1]).unwrap(), mem.prefix(&[1]).unwrap());
        }
        a.check_consistency().unwrap();
        let root = a.app_hash().unwrap();
        for k in all_keys() {
            let expected = mem.get(&k).unwrap();
            prop_assert_eq!(a.get(&k).unwrap(), expected.clone());
            let (value, proof) = a.prove(&k).unwrap();
            prop_assert_eq!(&value, &expected);
            prop_assert!(verify_proof(&root, &k, value.as_deref(), &proof));
        }

        // History independence: the final contents committed as one block give the same root.
        let d = open_fast(&dir, "d.redb");
        let all: Writes = mem
            .range(&[], None, None)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k, Some(v)))
            .collect();
        prop_assert_eq!(d.commit_block(1, all).unwrap(), root);
    }
}

// ---------------------------------------------------------------------------------------------
// pipelined commits

/// Blocks committed in the background while the next one executes give the app hashes of plain
/// commits, and each next buffer reads (get and range) exactly the state a plain one would, while
/// the previous block's commit may still be running.
#[test]
fn pipelined_commits_match_plain_commits() {
    const BLOCKS: u64 = 30;
    let dir = TempDir::new("pipeline");
    let plain = open_fast(&dir, "plain.redb");
    let piped = open_fast(&dir, "piped.redb");
    let mut mem = MemState::new();
    let mut buffer = piped.begin_block(1).unwrap();
    let mut pending = Vec::new();
    for h in 1..=BLOCKS {
        let writes = block_writes(h, 80, 300);
        // Reads before this block's writes: the state after h - 1, its commit possibly in flight.
        for i in (0..300).step_by(11) {
            let key = format!("acct/{i:06}").into_bytes();
            assert_eq!(buffer.get(&key).unwrap(), mem.get(&key).unwrap(), "h {h}");
        }
        assert_eq!(
            buffer
                .range(b"acct/000050", Some(b"acct/000150"), Some(25))
                .unwrap(),
            mem.range(b"acct/000050", Some(b"acct/000150"), Some(25))
                .unwrap(),
            "range at h {h}"
        );
        apply_mem(&mut mem, &writes);
        for (k, v) in &writes {
            match v {
                Some(v) => buffer.put(k.clone(), v.clone()).unwrap(),
                None => buffer.delete(k).unwrap(),
            }
        }
        let expected = plain.commit_block(h, writes).unwrap();
        if h == BLOCKS {
            assert_eq!(buffer.commit().unwrap(), expected);
            break;
        }
        let (commit, next) = buffer.commit_pipelined().unwrap();
        pending.push((commit, expected));
        buffer = next;
    }
    for (commit, expected) in pending {
        assert_eq!(
            commit.wait().unwrap(),
            expected,
            "height {}",
            commit.height()
        );
        assert_eq!(
            piped.block(commit.height()).unwrap().unwrap().app_hash,
            expected
        );
    }
    assert_eq!(piped.last_applied_height().unwrap(), Some(BLOCKS));
    piped.check_consistency().unwrap();
    // A pipelined buffer whose predecessor failed cannot commit: here the predecessor's height was
    // already taken by a plain commit, so its background commit fails and so does the next block.
    let buffer = piped.begin_block(BLOCKS + 1).unwrap();
    plain.commit_block(BLOCKS + 1, Writes::new()).unwrap();
    piped.commit_block(BLOCKS + 1, Writes::new()).unwrap();
    let (commit, next) = buffer.commit_pipelined().unwrap();
    assert!(commit.wait().is_err());
    assert!(next.commit().is_err());
}

/// Reads every key of `keyspace` through `state` and compares them with `model`.
fn assert_reads(state: &dyn StateRead, model: &Writes, keyspace: u64, what: &str) {
    for i in 0..keyspace {
        let key = format!("acct/{i:06}").into_bytes();
        let expected = model.get(&key).cloned().flatten();
        assert_eq!(state.get(&key).unwrap(), expected, "{what}: key {i}");
    }
}

/// The in-memory cache of recent values must never answer a snapshot with another height's value:
/// not for the latest snapshot, not for older ones held across commits, not for a pipelined
/// buffer's base, not while another thread commits, and not across generations dropped every few
/// blocks (a capacity of 16 over 40 keys).
#[test]
fn recent_values_never_answer_with_another_heights_value() {
    use std::sync::{Arc, Mutex};
    const BLOCKS: u64 = 60;
    const KEYSPACE: u64 = 40;
    let dir = TempDir::new("recent");
    // The commit thread drops its clone of the store just after publishing the last commit, so a
    // reopen may briefly find the file still open.
    let open = || {
        let mut attempts = 0;
        loop {
            match PersistentState::open_with(
                dir.db("recent.redb"),
                PersistentConfig {
                    recent_values: 16,
                    ..config(10, SyncMode::NoSync)
                },
            ) {
                Ok(store) => return store,
                Err(e) if attempts < 500 => {
                    attempts += 1;
                    assert!(e.0.contains("already open"), "{e}");
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => panic!("{e}"),
            }
        }
    };
    let store = open();
    // models[h]: the state after block h (values only; absent keys are deletions).
    let models: Arc<Mutex<Vec<Writes>>> = Arc::new(Mutex::new(vec![Writes::new()]));
    store.commit_block(0, Writes::new()).unwrap();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (store, models, done) = (store.clone(), Arc::clone(&models), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut checked = 0u64;
            while !done.load(Ordering::Relaxed) || checked == 0 {
                let snapshot = store.snapshot().unwrap();
                let height = snapshot.height().unwrap();
                let model = models.lock().unwrap()[usize::try_from(height).unwrap()].clone();
                assert_reads(&snapshot, &model, KEYSPACE, &format!("reader at {height}"));
                checked += 1;
            }
            checked
        })
    };
    let mut held = Vec::new();
    let mut buffer = store.begin_block(1).unwrap();
    let mut model = Writes::new();
    for h in 1..=BLOCKS {
        // The pipelined buffer reads the previous block's writes over an older base.
        assert_reads(&buffer, &model, KEYSPACE, &format!("buffer of {h}"));
        let writes = block_writes(h, 12, KEYSPACE);
        for (k, v) in &writes {
            model.insert(k.clone(), v.clone());
            match v {
                Some(v) => buffer.put(k.clone(), v.clone()).unwrap(),
                None => buffer.delete(k).unwrap(),
            }
        }
        models.lock().unwrap().push(model.clone());
        let (commit, next) = buffer.commit_pipelined().unwrap();
        buffer = next;
        if h % 3 == 0 {
            commit.wait().unwrap();
            held.push((h, store.snapshot().unwrap()));
        }
        if held.len() > 4 {
            held.remove(0);
        }
        for (height, snapshot) in &held {
            let model = models.lock().unwrap()[usize::try_from(*height).unwrap()].clone();
            assert_reads(snapshot, &model, KEYSPACE, &format!("held {height} at {h}"));
        }
    }
    drop(buffer);
    done.store(true, Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    drop(held);
    // A refused block records nothing; reopening starts from the committed height.
    assert!(
        store
            .commit_block(BLOCKS + 2, block_writes(99, 12, KEYSPACE))
            .is_err()
    );
    assert_reads(
        &store.snapshot().unwrap(),
        &model,
        KEYSPACE,
        "after a refused block",
    );
    drop(store);
    let store = open();
    assert_reads(&store.snapshot().unwrap(), &model, KEYSPACE, "reopened");
    let writes = block_writes(BLOCKS + 1, 12, KEYSPACE);
    model.extend(writes.clone());
    store.commit_block(BLOCKS + 1, writes).unwrap();
    assert_reads(
        &store.snapshot().unwrap(),
        &model,
        KEYSPACE,
        "after reopening",
    );
}

// ---------------------------------------------------------------------------------------------
// pruning

#[test]
fn pruning_bounds_growth_and_keeps_recent_proofs() {
    const RETAIN: u64 = 5;
    const BLOCKS: u64 = 240;
    let dir = TempDir::new("prune");
    let pruned =
        PersistentState::open_with(dir.db("pruned.redb"), config(RETAIN, SyncMode::Fsync)).unwrap();
    let unpruned =
        PersistentState::open_with(dir.db("full.redb"), config(u64::MAX, SyncMode::NoSync))
            .unwrap();
    let mut mem = MemState::new();
    let mut at_half = StoreStats::default();
    for h in 1..=BLOCKS {
        let writes = block_writes(h, 60, 400);
        apply_mem(&mut mem, &writes);
        let r1 = pruned.commit_block(h, writes.clone()).unwrap();
        let r2 = unpruned.commit_block(h, writes).unwrap();
        assert_eq!(r1, r2, "pruning never changes the hash (height {h})");
        if h == BLOCKS / 2 {
            at_half = pruned.stats().unwrap();
        }
    }
    let end = pruned.stats().unwrap();
    let full = unpruned.stats().unwrap();
    println!("pruned at {}: {at_half:?}", BLOCKS / 2);
    println!("pruned at {BLOCKS}: {end:?}");
    println!("unpruned at {BLOCKS}: {full:?}");
    assert_eq!(end.state_keys, full.state_keys);
    assert!(
        end.jmt_nodes * 4 < full.jmt_nodes,
        "pruned nodes {} vs unpruned {}",
        end.jmt_nodes,
        full.jmt_nodes
    );
    assert!(
        end.undo_values * 4 < full.undo_values,
        "pruned undo values {} vs unpruned {}",
        end.undo_values,
        full.undo_values
    );
    // Bounded: the second half of the run (same key space, same churn) does not grow the tree much.
    assert!(
        end.jmt_nodes * 10 < at_half.jmt_nodes * 13,
        "nodes grew from {} to {}",
        at_half.jmt_nodes,
        end.jmt_nodes
    );
    // Lists wait for the window and then for their version's run to be dropped.
    let steady = config(RETAIN, SyncMode::Fsync).steady_pruning_height();
    assert!(
        end.stale_lists <= steady,
        "{} stale node lists kept for a window of {RETAIN} blocks and runs dropped after {steady}",
        end.stale_lists
    );
    assert!(
        end.undo_values <= RETAIN * 60,
        "undo values {} for a window of {RETAIN} blocks of 60 writes",
        end.undo_values
    );
    assert!(
        end.file_bytes * 10 < at_half.file_bytes * 15,
        "file grew from {} to {}",
        at_half.file_bytes,
        end.file_bytes
    );

    // Latest proofs verify, for present and absent keys.
    pruned.check_consistency().unwrap();
    let root = pruned.app_hash().unwrap();
    for i in (0..400).step_by(7) {
        let key = format!("acct/{i:06}").into_bytes();
        let (value, proof) = pruned.prove(&key).unwrap();
        assert_eq!(value, mem.get(&key).unwrap());
        assert_proves(&root, &key, value.as_deref(), &proof);
    }
    // The oldest retained version still proves; the one before it is pruned.
    let oldest = BLOCKS - RETAIN + 1;
    let old_root = pruned.block(oldest).unwrap().unwrap().app_hash;
    for i in (0..400).step_by(13) {
        let key = format!("acct/{i:06}").into_bytes();
        let (value, proof) = pruned.prove_at(&key, oldest).unwrap();
        assert_proves(&old_root, &key, value.as_deref(), &proof);
    }
    let err = pruned.prove_at(b"acct/000001", oldest - 1).unwrap_err();
    assert!(err.0.contains("pruned"), "{err}");

    // A snapshot held while the window moves past its version still proves against its own root
    // (MVCC keeps its pages; the price is that the file cannot reuse them while it lives).
    let snap = pruned.snapshot().unwrap();
    for h in BLOCKS + 1..=BLOCKS + 2 * RETAIN {
        pruned.commit_block(h, block_writes(h, 60, 400)).unwrap();
    }
    assert!(pruned.prove_at(b"acct/000003", BLOCKS).is_err());
    let (value, proof) = snap.prove(b"acct/000003").unwrap();
    assert_eq!(value, mem.get(b"acct/000003").unwrap());
    assert_proves(&snap.app_hash(), b"acct/000003", value.as_deref(), &proof);
}

/// Blocks large enough that each one's JMT nodes and undo entries span many pages (2,000 writes:
/// some 4,000 nodes and 100 KB of undo entries, pages close at 16 KB): the value and proof of every
/// sampled key, present or absent, at every retained height are those of that height.
#[test]
fn proofs_at_retained_heights_hold_when_blocks_span_many_pages() {
    const RETAIN: u64 = 6;
    const BLOCKS: u64 = 10;
    const KEYSPACE: u64 = 3_000;
    let dir = TempDir::new("pages");
    let store =
        PersistentState::open_with(dir.db("pages.redb"), config(RETAIN, SyncMode::NoSync)).unwrap();
    let mut mem = MemState::new();
    let mut states = Vec::new();
    for h in 1..=BLOCKS {
        let writes = block_writes(h, 2_000, KEYSPACE);
        apply_mem(&mut mem, &writes);
        store.commit_block(h, writes).unwrap();
        states.push(mem.clone());
    }
    store.check_consistency().unwrap();
    for h in BLOCKS - RETAIN + 1..=BLOCKS {
        let root = store.block(h).unwrap().unwrap().app_hash;
        let expected = &states[usize::try_from(h - 1).unwrap()];
        for i in (0..KEYSPACE + 50).step_by(11) {
            let key = format!("acct/{i:06}").into_bytes();
            let (value, proof) = store.prove_at(&key, h).unwrap();
            assert_eq!(value, expected.get(&key).unwrap(), "key {i} at height {h}");
            assert_proves(&root, &key, value.as_deref(), &proof);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// crash safety

const CRASH_DB_ENV: &str = "PHALANX_STATE_CRASH_DB";
const CRASH_WRITES: usize = 40;
const CRASH_KEYS: u64 = 1500;
const CRASH_RETAIN: u64 = 20;

/// Writer mode of the crash test: commits deterministic blocks until killed. A no-op in normal runs.
#[test]
fn crash_writer_child() {
    let Ok(path) = std::env::var(CRASH_DB_ENV) else {
        return;
    };
    let store = PersistentState::open_with(&path, config(CRASH_RETAIN, SyncMode::Fsync)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20); // never outlive a dead parent for long
    let mut height = store.last_applied_height().unwrap().map_or(1, |h| h + 1);
    while Instant::now() < deadline {
        store
            .commit_block(height, block_writes(height, CRASH_WRITES, CRASH_KEYS))
            .unwrap();
        height += 1;
    }
}

#[test]
fn kill_nine_at_random_moments_keeps_the_last_committed_block() {
    let started = Instant::now();
    let dir = TempDir::new("crash");
    let path = dir.db("state.redb");
    let reference = PersistentState::open_with(
        dir.db("reference.redb"),
        config(CRASH_RETAIN, SyncMode::NoSync),
    )
    .unwrap();
    let mut mem = MemState::new();
    let mut ref_height = 0u64;
    let mut advance_reference = |to: u64, mem: &mut MemState| {
        while ref_height < to {
            ref_height += 1;
            let writes = block_writes(ref_height, CRASH_WRITES, CRASH_KEYS);
            apply_mem(mem, &writes);
            reference.commit_block(ref_height, writes).unwrap();
        }
        reference.app_hash().unwrap()
    };

    let mut rng = Rng(0xC0FF_EE00_D15E_A5E5);
    let mut last = None;
    let mut heights = Vec::new();
    for round in 0..8 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash_writer_child", "--exact", "--test-threads=1"])
            .env(CRASH_DB_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + rng.below(1000)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let store =
            PersistentState::open_with(&path, config(CRASH_RETAIN, SyncMode::Fsync)).unwrap();
        let h = store.last_applied_height().unwrap();
        assert!(
            h >= last,
            "round {round}: height went back from {last:?} to {h:?}"
        );
        last = h;
        heights.push(h);
        store.check_consistency().unwrap();
        let expected = advance_reference(h.unwrap_or(0), &mut mem);
        assert_eq!(
            store.app_hash().unwrap(),
            expected,
            "round {round}: root at height {h:?} differs from a clean replay"
        );
        if let Some(h) = h {
            assert_eq!(store.block(h).unwrap().unwrap().app_hash, expected);
            assert!(store.block(h + 1).unwrap().is_none());
        }
        assert_eq!(
            store.range(&[], None, None).unwrap(),
            mem.range(&[], None, None).unwrap(),
            "round {round}: values differ from a clean replay at {h:?}"
        );
        for i in [0u64, 17, 333, 1499] {
            let key = format!("acct/{i:06}").into_bytes();
            let (value, proof) = store.prove(&key).unwrap();
            assert_proves(&expected, &key, value.as_deref(), &proof);
        }
    }
    println!("heights after each kill: {heights:?}");
    assert!(last.is_some_and(|h| h > 0), "the writer never committed");

    // Resume in this process from the last committed block.
    let store = PersistentState::open_with(&path, config(CRASH_RETAIN, SyncMode::Fsync)).unwrap();
    let resume_from = store.last_applied_height().unwrap().unwrap() + 1;
    for h in resume_from..resume_from + 5 {
        let root = store
            .commit_block(h, block_writes(h, CRASH_WRITES, CRASH_KEYS))
            .unwrap();
        assert_eq!(root, advance_reference(h, &mut mem));
    }
    store.check_consistency().unwrap();
    println!("crash test took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// figures (not a timed assertion):
// cargo test --release -p phalanx-state --test persistent bench -- --ignored --nocapture

#[test]
#[ignore = "benchmark; run explicitly in release"]
fn bench_commit_throughput() {
    for (sync, label, retain) in [
        (SyncMode::Fsync, "fsync", 100),
        (SyncMode::Fsync, "fsync", 10),
        (SyncMode::NoSync, "nosync", 100),
    ] {
        let dir = TempDir::new("bench");
        let store = PersistentState::open_with(dir.db("bench.redb"), config(retain, sync)).unwrap();
        // PHALANX_BENCH_BLOCKS lengthens the run, e.g. to watch the size level off.
        let blocks: u64 = std::env::var("PHALANX_BENCH_BLOCKS")
            .ok()
            .and_then(|b| b.parse().ok())
            .unwrap_or(300);
        const WRITES: usize = 200;
        let start = Instant::now();
        for h in 1..=blocks {
            store
                .commit_block(h, block_writes(h, WRITES, 10_000))
                .unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        let stats = store.stats().unwrap();
        let proof_start = Instant::now();
        let root = store.app_hash().unwrap();
        for i in 0..1000u64 {
            let key = format!("acct/{:06}", i * 10).into_bytes();
            let (value, proof) = store.prove(&key).unwrap();
            assert!(verify_proof(&root, &key, value.as_deref(), &proof));
        }
        let proof_us = proof_start.elapsed().as_secs_f64() * 1e6 / 1000.0;
        println!(
            "{{\"figure\":\"state_commit\",\"sync\":\"{label}\",\"retain_versions\":{retain},\"blocks\":{blocks},\"writes_per_block\":{WRITES},\"blocks_per_s\":{:.1},\"ms_per_block\":{:.2},\"file_mb\":{:.2},\"table_mb\":{:.2},\"state_keys\":{},\"jmt_nodes\":{},\"undo_values\":{},\"prove_and_verify_us\":{:.1}}}",
            blocks as f64 / secs,
            secs * 1000.0 / blocks as f64,
            stats.file_bytes as f64 / 1e6,
            stats.table_bytes as f64 / 1e6,
            stats.state_keys,
            stats.jmt_nodes,
            stats.undo_values,
            proof_us
        );
    }
}
