//! Crash safety of the real `phalanxd` binary (issue 3, "Done when": crash safety).
//!
//! One single-validator chain on a temporary home and free loopback ports, 200 ms blocks. Four demo
//! accounts send signed bank sends and pool (un)delegations through `POST /txs` without pause, and the
//! test records every transaction the node reports committed (`GET /txs/{hash}` with a height) and
//! every `(height, app_hash)` `/status` shows. The node is killed with SIGKILL ([`std::process::Child::kill`]) at
//! moments drawn from a seeded generator ([`SEED`], [`RUNS`] kills) and restarted on the same home.
//! Three kinds of kill, chosen by the generator: during start-up and recovery (0–400 ms after the
//! spawn), right at a commit (as soon as `/status` shows a new height, while the node finishes that
//! block's bookkeeping: this is the moment that once lost a block index entry for good), and at a
//! random moment under load (0–2 s after a fresh block).
//! After each restart the test checks that:
//!
//! - the node comes back and resumes at or above the highest height it showed before the kill
//!   (what `/status` showed was committed, and committed means durable);
//! - it keeps producing blocks;
//! - every transaction reported committed is still served, byte for byte the same answer (height,
//!   index, result, events);
//! - the block index has every height up to the tip.
//!
//! At the end the node is stopped (SIGKILL as well: a stop must be no different from a crash) and
//! the home's stores are read directly: the app hash recorded for every height matches what
//! `/status` showed, and an uninterrupted replay (a fresh `PersistentState`, `init_genesis` from the
//! home's `config/genesis.json`, then every block's time and transactions from the node's block
//! index through `execute_signed_block`) reproduces the node's app hash and block results at every
//! height, and every transaction reported committed is in the index at its reported height with its
//! reported result.
//!
//! Run time: about 30 s in a debug build on a 2-core machine (24 kills, ~1,100 committed txs, a
//! replay of ~120 blocks); `PHALANX_CRASH_RUNS=120` runs 120 kills in about 2.5 min. Every wait has a
//! deadline, so a node that does not come back fails the test instead of hanging it. Set
//! `PHALANX_KEEP_TEST_DIRS=1` to keep the home for inspection.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_app::{BlockHeader, Genesis, TxResult, execute_signed_block, init_genesis};
use phalanx_client::http::{Query, paths};
use phalanx_client::keyring::{Backend, Keyring};
use phalanx_client::tx::{SignerData, TxOptions, build_signed_tx};
use phalanx_client::{Client, ClientError, SigningKey};
use phalanx_node::index::Index;
use phalanx_state::persistent::SyncMode;
use phalanx_state::{PersistentConfig, PersistentState};
use phalanx_types::encoding::{hex_lower, hex_upper};
use phalanx_types::msgs::{Msg, MsgDelegatePool, MsgSend, MsgUndelegatePool};
use phalanx_types::proto::tx::tx_hash;
use phalanx_types::{Address, Coin, Coins};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::{BIN, Node, TempDir, free_port};
/// Seed of the kill schedule and of the transaction mix.
const SEED: u64 = 0x0c4a_5b5a_fe17_0003;
/// How many times the node is killed (`PHALANX_CRASH_RUNS` overrides it for a longer run).
const RUNS: usize = 24;
/// Block interval of the test chain.
const BLOCK_TIME_MS: u64 = 200;
/// Transactions each account keeps in flight (admitted, not yet seen committed).
const IN_FLIGHT: usize = 3;
/// A transaction not committed after this long was dropped (e.g. its sequence was taken by a block
/// replayed after a restart); its account re-reads its sequence.
const TX_GIVE_UP: Duration = Duration::from_secs(4);
/// Deadline for the node to answer `/status` after a start.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// Deadline for a new block after a start.
const BLOCK_DEADLINE: Duration = Duration::from_secs(20);

/// splitmix64: a tiny seeded generator, so the schedule needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn u64_field(v: &Value, field: &str) -> Option<u64> {
    match v.get(field)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A transaction sent and not yet seen committed.
struct InFlight {
    hash: [u8; 32],
    sent: Instant,
}

/// One demo account sending transactions.
struct Sender {
    name: &'static str,
    key: SigningKey,
    address: Address,
    account_number: u64,
    /// Sequence of the next transaction; `None` until read from the chain.
    next_sequence: Option<u64>,
    in_flight: Vec<InFlight>,
}

/// What the test saw, across restarts.
#[derive(Default)]
struct Record {
    /// Committed transactions as `GET /txs/{hash}` first answered, by hash.
    committed: BTreeMap<[u8; 32], Value>,
    /// Hashes committed since the last restart check.
    unchecked: Vec<[u8; 32]>,
    /// `(height, app_hash hex)` shown by `/status`.
    observed: BTreeMap<u64, String>,
    /// Highest height shown by `/status`.
    last_seen: u64,
    /// Highest height whose index entry was checked.
    blocks_checked: u64,
    /// Every transaction sent (to tell in-flight ones that committed after a restart).
    sent: BTreeMap<[u8; 32], String>,
    /// Admission refusals (stale sequences after restarts, mostly).
    refused: usize,
    /// In-flight transactions given up or lost in a kill.
    dropped: usize,
    /// Failures that do not stop the run, reported together at the end.
    violations: Vec<String>,
}

impl Record {
    fn observe_status(&mut self, height: u64, app_hash: &str) {
        if let Some(prev) = self.observed.get(&height)
            && prev != app_hash
        {
            self.violations.push(format!(
                "/status showed two app hashes for height {height}: {prev} and {app_hash}"
            ));
        }
        self.observed.insert(height, app_hash.to_string());
        self.last_seen = self.last_seen.max(height);
    }
}

struct Harness {
    client: Client,
    chain_id: String,
    senders: Vec<Sender>,
    rng: Rng,
    tx_counter: u64,
    /// Whether [`Harness::pump`] sends new transactions (off while draining at the end).
    sending: bool,
    rec: Record,
}

fn is_node_refusal(e: &ClientError) -> bool {
    matches!(e, ClientError::Api { .. })
}

impl Harness {
    async fn status(&mut self) -> Result<u64, ClientError> {
        let s = self.client.status().await?;
        self.rec
            .observe_status(s.latest_height, &s.latest_app_hash.to_ascii_lowercase());
        Ok(s.latest_height)
    }

    /// `/status` of a node that must be up; a failure shows the node's log.
    async fn height(&mut self, node: &mut Node, what: &str) -> u64 {
        match self.status().await {
            Ok(h) => h,
            Err(e) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                node.assert_alive(what);
                panic!(
                    "/status failed while {what}: {e}; log:\n{}",
                    node.log_tail()
                )
            }
        }
    }

    /// Waits until `/status` answers; returns the height it shows.
    async fn wait_up(&mut self, node: &mut Node) -> u64 {
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            node.assert_alive("starting");
            match self.status().await {
                Ok(h) => return h,
                Err(e) if Instant::now() > deadline => panic!(
                    "phalanxd did not answer /status within {START_DEADLINE:?}: {e}; log:\n{}",
                    node.log_tail()
                ),
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    /// Waits for a block above `height`; returns the new height.
    async fn wait_block_above(&mut self, node: &mut Node, height: u64) -> u64 {
        let deadline = Instant::now() + BLOCK_DEADLINE;
        loop {
            let h = self.height(node, "waiting for a block").await;
            if h > height {
                return h;
            }
            assert!(
                Instant::now() < deadline,
                "no block above {height} within {BLOCK_DEADLINE:?}; log:\n{}",
                node.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `GET /txs/{hash}` as JSON; `None` when not (yet) committed.
    async fn tx_json(&self, hash: &[u8; 32]) -> Result<Option<Value>, ClientError> {
        match self
            .client
            .get_json(&Query::get(paths::tx(&hex_upper(hash))))
            .await
        {
            Ok(v) => Ok(Some(v)),
            Err(ClientError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn record_committed(&mut self, hash: [u8; 32], v: Value) {
        if u64_field(&v, "height").is_none() {
            self.rec.violations.push(format!(
                "GET /txs/{} answered without a height: {v}",
                hex_upper(&hash)
            ));
        }
        self.rec.committed.insert(hash, v);
        self.rec.unchecked.push(hash);
    }

    /// Re-reads `hashes` through the API and compares with the first answer.
    async fn check_committed(&mut self, hashes: &[[u8; 32]], when: &str) {
        for hash in hashes {
            let first = self.rec.committed[hash].clone();
            match self.tx_json(hash).await.unwrap() {
                Some(now) if now == first => {}
                Some(now) => self.rec.violations.push(format!(
                    "{when}: tx {} changed: first {first}, now {now}",
                    hex_upper(hash)
                )),
                None => self.rec.violations.push(format!(
                    "{when}: tx {} was reported committed at height {:?} but is gone",
                    hex_upper(hash),
                    u64_field(&first, "height")
                )),
            }
        }
    }

    /// Checks that the block index serves every height up to `tip`.
    async fn check_blocks(&mut self, tip: u64, when: &str) {
        for h in self.rec.blocks_checked + 1..=tip {
            match self.client.block(Some(h)).await {
                Ok(_) => {}
                Err(ClientError::Api { status: 404, .. }) => self.rec.violations.push(format!(
                    "{when}: GET /blocks/{h} is 404 although the node is at height {tip}"
                )),
                Err(e) => panic!("{when}: GET /blocks/{h}: {e}"),
            }
        }
        self.rec.blocks_checked = self.rec.blocks_checked.max(tip);
    }

    /// After a restart: resumed height, old transactions, block index, block production.
    async fn check_restart(&mut self, node: &mut Node, run: usize) -> u64 {
        let before = self.rec.last_seen;
        let resumed = self.wait_up(node).await;
        if resumed < before {
            self.rec.violations.push(format!(
                "run {run}: resumed at height {resumed}, below height {before} shown before the kill"
            ));
        }
        let unchecked = std::mem::take(&mut self.rec.unchecked);
        self.check_committed(&unchecked, &format!("run {run}"))
            .await;
        let produced = self.wait_block_above(node, resumed).await;
        self.check_blocks(resumed, &format!("run {run}")).await;
        // Transactions in flight at the kill may have been in a finalized block the node executed
        // on restart: pick them up, then every account re-reads its sequence.
        for i in 0..self.senders.len() {
            let flights = std::mem::take(&mut self.senders[i].in_flight);
            for f in flights {
                match self.tx_json(&f.hash).await.unwrap() {
                    Some(v) => self.record_committed(f.hash, v),
                    None => self.rec.dropped += 1,
                }
            }
            self.senders[i].next_sequence = None;
        }
        produced
    }

    fn next_msg(&mut self, i: usize) -> Msg {
        let from = self.senders[i].address;
        let to = self.senders[(i + 1) % self.senders.len()].address;
        let amount = u128::from(self.rng.range(1, 1_000));
        let denom = if self.rng.next().is_multiple_of(2) {
            "uatom"
        } else {
            "utia"
        };
        match self.rng.next() % 10 {
            0..=3 => MsgSend {
                from_address: from,
                to_address: to,
                amount: Coins::single(denom, amount).unwrap(),
            }
            .into(),
            4..=7 => MsgDelegatePool {
                delegator: from,
                amount: Coin::new(denom, amount),
            }
            .into(),
            // May exceed the delegation (a failed tx, which must replay the same way too).
            _ => MsgUndelegatePool {
                delegator: from,
                amount: Coin::new(denom, amount),
            }
            .into(),
        }
    }

    /// One round: top up every account's in-flight transactions, then look for commits.
    async fn pump(&mut self) -> Result<(), ClientError> {
        for i in 0..self.senders.len() {
            if !self.sending {
                break;
            }
            if self.senders[i].next_sequence.is_none() {
                if !self.senders[i].in_flight.is_empty() {
                    continue;
                }
                let account = self.client.account(&self.senders[i].address).await?;
                let account = account.unwrap_or_else(|| {
                    panic!("demo account {} does not exist", self.senders[i].name)
                });
                self.senders[i].account_number = account.account_number;
                self.senders[i].next_sequence = Some(account.sequence);
            }
            while self.senders[i].in_flight.len() < IN_FLIGHT {
                let Some(sequence) = self.senders[i].next_sequence else {
                    break;
                };
                let msg = self.next_msg(i);
                self.tx_counter += 1;
                let options = TxOptions {
                    memo: format!("crash-test {}", self.tx_counter),
                    ..TxOptions::default()
                };
                let signer = SignerData {
                    chain_id: self.chain_id.clone(),
                    account_number: self.senders[i].account_number,
                    sequence,
                };
                let signed = build_signed_tx(&self.senders[i].key, &[msg], &signer, &options)
                    .expect("build tx");
                match self.client.broadcast(&signed.bytes, false).await {
                    Ok(answer) => {
                        assert_eq!(answer.txhash, signed.hash_hex(), "POST /txs hash");
                        self.rec
                            .sent
                            .insert(signed.hash, self.senders[i].name.into());
                        self.senders[i].in_flight.push(InFlight {
                            hash: signed.hash,
                            sent: Instant::now(),
                        });
                        self.senders[i].next_sequence = Some(sequence + 1);
                    }
                    Err(e) if is_node_refusal(&e) => {
                        // Typically a sequence made stale by a block replayed after a restart.
                        self.rec.refused += 1;
                        self.senders[i].next_sequence = None;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        for i in 0..self.senders.len() {
            let mut still = Vec::new();
            for f in std::mem::take(&mut self.senders[i].in_flight) {
                match self.tx_json(&f.hash).await? {
                    Some(v) => self.record_committed(f.hash, v),
                    None if f.sent.elapsed() > TX_GIVE_UP => {
                        self.rec.dropped += 1;
                        self.senders[i].next_sequence = None;
                    }
                    None => still.push(f),
                }
            }
            self.senders[i].in_flight = still;
        }
        self.status().await?;
        Ok(())
    }

    /// Sends and follows transactions for `duration`.
    async fn load(&mut self, node: &mut Node, duration: Duration) {
        let until = Instant::now() + duration;
        while Instant::now() < until {
            if let Err(e) = self.pump().await {
                node.assert_alive("under load");
                panic!("API failed under load: {e}; log:\n{}", node.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn init_home(home: &Path, api: u16, p2p: u16) {
    let out = Command::new(BIN)
        .args(["init", "--home"])
        .arg(home)
        .args(["--chain-id", "phalanx-crash"])
        .args(["--api-address", &format!("127.0.0.1:{api}")])
        .args(["--p2p-address", &format!("127.0.0.1:{p2p}")])
        .args(["--block-time-ms", &BLOCK_TIME_MS.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "phalanxd init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn senders(home: &Path) -> Vec<Sender> {
    let keyring = Keyring::open(home, Backend::Test);
    ["alice", "bob", "carol", "dave"]
        .into_iter()
        .map(|name| {
            let key = keyring.signing_key(name, None).unwrap();
            Sender {
                name,
                address: key.address(),
                key,
                account_number: 0,
                next_sequence: None,
                in_flight: Vec::new(),
            }
        })
        .collect()
}

/// Reads the stopped node's stores, replays every block from genesis, and checks the node against
/// the replay and against what the API reported.
fn verify_offline(home: &Path, scratch: &Path, rec: &mut Record) {
    let data = home.join("data");
    let node_state = PersistentState::open(data.join("state.redb")).unwrap();
    let index = Index::open(&data.join("index.redb")).unwrap();
    let tip = node_state.last_applied_height().unwrap().unwrap();
    if tip < rec.last_seen {
        rec.violations.push(format!(
            "stopped node's state is at height {tip}, below height {} shown by /status",
            rec.last_seen
        ));
    }
    let node_hash = |h: u64| {
        node_state
            .block(h)
            .unwrap()
            .map(|b| hex_lower(&b.app_hash.0))
    };
    for (h, shown) in &rec.observed {
        match node_hash(*h) {
            Some(stored) if stored == *shown => {}
            stored => rec.violations.push(format!(
                "/status showed app hash {shown} at height {h}; the state records {stored:?}"
            )),
        }
    }

    let genesis_json = std::fs::read_to_string(home.join("config/genesis.json")).unwrap();
    let genesis = Genesis::from_json(&genesis_json).unwrap();
    let replay = PersistentState::open_with(
        scratch.join("replay.redb"),
        PersistentConfig {
            retain_versions: 1,
            sync: SyncMode::NoSync,
            ..PersistentConfig::default()
        },
    )
    .unwrap();
    let mut buffer = replay.begin_block(0).unwrap();
    init_genesis(&mut buffer, &genesis).unwrap();
    let hash0 = hex_lower(&buffer.commit().unwrap().0);
    if node_hash(0).as_deref() != Some(hash0.as_str()) {
        rec.violations.push(format!(
            "genesis app hash: replay {hash0}, node {:?}",
            node_hash(0)
        ));
    }

    let (mut replayed_blocks, mut replayed_txs) = (0u64, 0usize);
    // Every block that carried each transaction, with the result it had there.
    let mut inclusions: BTreeMap<[u8; 32], Vec<(u64, usize, TxResult)>> = BTreeMap::new();
    // Header time of every block, in ms (to tell a paced block from one proposed at once).
    let mut times_ms: BTreeMap<u64, u64> = BTreeMap::new();
    for h in 1..=tip {
        let Some(block) = index.block(h).unwrap() else {
            rec.violations.push(format!(
                "block index has no block {h} (the state is at {tip}): the replay stops here"
            ));
            break;
        };
        times_ms.insert(h, block.time.0 / 1_000_000);
        let mut txs = Vec::with_capacity(block.tx_hashes.len());
        for (i, hash) in block.tx_hashes.iter().enumerate() {
            let tx = index.tx(hash).unwrap().unwrap_or_else(|| {
                panic!(
                    "block {h} lists tx {} the index does not have",
                    hex_upper(hash)
                )
            });
            assert_eq!(tx_hash(&tx.tx_bytes), *hash, "indexed bytes of a tx hash");
            let result = block.results.tx_results.get(i).cloned();
            let result = result.unwrap_or_else(|| panic!("block {h} has no result for tx {i}"));
            inclusions.entry(*hash).or_default().push((h, i, result));
            txs.push(tx.tx_bytes);
        }
        replayed_blocks += 1;
        replayed_txs += txs.len();
        let header = BlockHeader {
            height: h,
            time: block.time,
        };
        let mut buffer = replay.begin_block(h).unwrap();
        let result = execute_signed_block(&mut buffer, &header, &txs).unwrap();
        let hash = buffer.commit().unwrap();
        if result != block.results {
            rec.violations.push(format!(
                "block {h}: replayed results differ from the node's:\nreplay {result:?}\nnode   {:?}",
                block.results
            ));
        }
        // The index holds no app hash (it is written before the state commit); the state's own
        // block record is the node's answer.
        let replay_hex = hex_lower(&hash.0);
        let state_hex = node_hash(h);
        if state_hex.as_deref() != Some(replay_hex.as_str()) {
            rec.violations.push(format!(
                "block {h}: app hash of the replay {replay_hex}, of the node's state {state_hex:?}"
            ));
        }
    }

    // A transaction is executed once, where it first appears; a later copy can only fail admission
    // (its sequence is used). The index keys transactions by hash, so it must still point at the
    // first copy.
    let describe = |places: &[(u64, usize, TxResult)]| {
        places
            .iter()
            .map(|(h, i, r)| {
                let gap = times_ms[h].saturating_sub(times_ms.get(&(h - 1)).copied().unwrap_or(0));
                format!(
                    "block {h} (+{gap} ms after its parent) tx {i} (code {} {:?})",
                    r.code, r.log
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (hash, places) in &inclusions {
        let (h, i, result) = &places[0];
        let indexed = index.tx(hash).unwrap().unwrap();
        if places.len() > 1 {
            rec.violations.push(format!(
                "tx {} is in {} blocks: {}; GET /txs/{{hash}} answers block {} tx {} (code {})",
                hex_upper(hash),
                places.len(),
                describe(places),
                indexed.height,
                indexed.index,
                indexed.result.code
            ));
        } else if (indexed.height, indexed.index as usize) != (*h, *i) || indexed.result != *result
        {
            rec.violations.push(format!(
                "tx {} is tx {i} of block {h} but indexed at {}/{}",
                hex_upper(hash),
                indexed.height,
                indexed.index
            ));
        }
    }

    for (hash, first) in &rec.committed {
        let Some(places) = inclusions.get(hash) else {
            rec.violations.push(format!(
                "tx {} reported committed as {first} is in no block up to the stopped node's \
                 height {tip}",
                hex_upper(hash)
            ));
            continue;
        };
        let (h, i, result) = &places[0];
        let mut expected = serde_json::to_value(result).unwrap();
        let Value::Object(fields) = &mut expected else {
            panic!("a tx result is a JSON object")
        };
        let same_result = fields.iter().all(|(k, v)| first.get(k) == Some(v));
        if u64_field(first, "height") != Some(*h)
            || u64_field(first, "index") != Some(*i as u64)
            || !same_result
        {
            rec.violations.push(format!(
                "tx {} was reported committed as {first}, but it executed as {}",
                hex_upper(hash),
                describe(places)
            ));
        }
    }
    eprintln!(
        "replayed {replayed_blocks} of {tip} blocks with {replayed_txs} txs; {} committed txs \
         checked against the index",
        rec.committed.len()
    );
}

#[test]
fn survives_sigkill_at_random_moments_and_replays_to_the_same_app_hash() {
    let started = Instant::now();
    let runs = std::env::var("PHALANX_CRASH_RUNS")
        .ok()
        .map_or(RUNS, |v| v.parse().expect("PHALANX_CRASH_RUNS is a number"));
    let home_dir = TempDir::new("crash-home");
    let scratch = TempDir::new("crash-replay");
    let home = home_dir.0.clone();
    let api = free_port();
    let p2p = free_port();
    init_home(&home, api, p2p);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rec = runtime.block_on(async {
        let mut schedule = Rng(SEED);
        let mut h = Harness {
            client: Client::new(&format!("http://127.0.0.1:{api}")).unwrap(),
            chain_id: "phalanx-crash".into(),
            senders: senders(&home),
            rng: Rng(SEED ^ 0x0074_786d_6978),
            tx_counter: 0,
            sending: true,
            rec: Record::default(),
        };
        // Kills during start-up, right at a commit, at a random moment under load.
        let mut kills = [0usize; 3];
        for run in 0..runs {
            let mut node = Node::start(&home, run);
            let kind = if run == 0 { 9 } else { schedule.next() % 10 };
            if kind < 2 {
                // During start-up or recovery: before or while the node opens its stores, replays
                // finalized blocks and starts its API.
                let after = schedule.range(0, 400);
                tokio::time::sleep(Duration::from_millis(after)).await;
                node.assert_alive("starting (early kill)");
                node.kill();
                kills[0] += 1;
                eprintln!("run {run:02}: killed {after} ms after spawn (start-up)");
                continue;
            }
            let produced = h.check_restart(&mut node, run).await;
            let after = schedule.range(0, 2_000);
            h.load(&mut node, Duration::from_millis(after)).await;
            let how = if kind < 5 {
                // Right at a commit: as soon as `/status` shows a new height, i.e. while the node
                // finishes that block's bookkeeping (index, mempool, events).
                let from = h.rec.last_seen;
                let deadline = Instant::now() + BLOCK_DEADLINE;
                while h.height(&mut node, "waiting to kill at a commit").await <= from {
                    assert!(Instant::now() < deadline, "no new block before the kill");
                }
                kills[1] += 1;
                "as soon as a new height showed"
            } else {
                kills[2] += 1;
                "under load"
            };
            node.assert_alive("before the kill");
            node.kill();
            eprintln!(
                "run {run:02}: resumed, produced {produced}, killed {after} ms later {how} at \
                 height >= {}; {} txs committed so far",
                h.rec.last_seen,
                h.rec.committed.len()
            );
        }

        // The last start: the same checks, a last burst, then every committed tx once more.
        let mut node = Node::start(&home, runs);
        h.check_restart(&mut node, runs).await;
        h.load(&mut node, Duration::from_millis(1_000)).await;
        let settle = Instant::now() + TX_GIVE_UP + Duration::from_secs(1);
        h.sending = false;
        while h.senders.iter().any(|s| !s.in_flight.is_empty()) && Instant::now() < settle {
            if let Err(e) = h.pump().await {
                node.assert_alive("draining");
                panic!("API failed while draining: {e}; log:\n{}", node.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let tip = h.height(&mut node, "finishing").await;
        h.check_blocks(tip, "final").await;
        let all: Vec<[u8; 32]> = h.rec.committed.keys().copied().collect();
        h.check_committed(&all, "final").await;
        node.assert_alive("at the end");
        node.kill();
        eprintln!(
            "{runs} kills ({} during start-up, {} right at a commit, {} under load), {} txs sent, \
             {} committed, {} refused, {} dropped, tip {tip}",
            kills[0],
            kills[1],
            kills[2],
            h.rec.sent.len(),
            h.rec.committed.len(),
            h.rec.refused,
            h.rec.dropped
        );
        h.rec
    });

    verify_offline(&home, &scratch.0, &mut rec);
    assert!(
        rec.violations.is_empty(),
        "{} crash-safety violations:\n{}",
        rec.violations.len(),
        rec.violations.join("\n")
    );
    let ok = rec
        .committed
        .values()
        .filter(|v| u64_field(v, "code") == Some(0))
        .count();
    assert!(
        ok >= 200 || runs < RUNS,
        "only {ok} successful txs committed: the load did not run"
    );
    eprintln!("crash test took {:?}", started.elapsed());
}
