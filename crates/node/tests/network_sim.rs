//! Deterministic network tests of the real node (issue 6, "Done when": simulation): four
//! validators, each with its own `NodeCore` (the real application, redb + JMT store on disk,
//! block index and mempool with gossip), driven by the consensus engine in Commonware's
//! deterministic runtime over simulated links. Signed transactions go to different validators.
//!
//! Every test checks that all validators have the same app hash and the same block digest at
//! every height they share, and that every transaction submitted was committed exactly once with
//! success, at the same height, on every validator. Seeds are fixed, so a failure replays.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use commonware_codec::Encode as _;
use commonware_runtime::{Clock as _, Runner as _, deterministic};
use phalanx_api::{NodeView, TxHash};
use phalanx_app::mempool::Mempool;
use phalanx_client::SigningKey;
use phalanx_client::tx::{SignerData, TxOptions, build_signed_tx};
use phalanx_consensus::{
    ChainApp as _, EngineHandle,
    sim::{self, SimNetwork},
};
use phalanx_node::core::{NodeApp, NodeCore};
use phalanx_node::home::demo_genesis;
use phalanx_node::index::Index;
use phalanx_state::PersistentState;
use phalanx_types::msgs::MsgSend;
use phalanx_types::{Address, Coins, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const CHAIN_ID: &str = "phalanx-sim";
const VALIDATORS: usize = 4;

/// One validator: its data directory, its open core (`None` while crashed) and its engine.
struct Validator {
    dir: PathBuf,
    core: Option<Arc<NodeCore>>,
    handle: Option<EngineHandle>,
}

/// Demo accounts with fixed keys, funded at genesis; each sends through a chosen validator.
struct Account {
    key: SigningKey,
    address: Address,
    number: u64,
    sequence: u64,
}

struct Harness {
    _tmp: tempfile::TempDir,
    net: SimNetwork,
    validators: Vec<Validator>,
    accounts: Vec<Account>,
    genesis: phalanx_app::Genesis,
    sent: Vec<[u8; 32]>,
}

fn open_core(dir: &Path, genesis: &phalanx_app::Genesis, index: usize) -> Arc<NodeCore> {
    std::fs::create_dir_all(dir).unwrap();
    let store = PersistentState::open(dir.join("state.redb")).unwrap();
    let block_index = Index::open(&dir.join("index.redb")).unwrap();
    NodeCore::open(
        store,
        block_index,
        genesis,
        Mempool::new(5_000, 64 * 1024 * 1024),
        format!("validator-{index}"),
        format!("{index}"),
    )
    .unwrap()
}

impl Harness {
    async fn new(context: &deterministic::Context) -> Self {
        Self::with_running(context, VALIDATORS).await
    }

    /// A network whose first `running` validators start; the others are left to the test.
    /// Genesis has no validator registry, so consensus keeps the network's four keys.
    async fn with_running(context: &deterministic::Context, running: usize) -> Self {
        Self::build(context, VALIDATORS, running, |_, _| {}).await
    }

    /// `keys` simulated nodes (all linked), of which the first `running` start, over a genesis
    /// that `edit` may change (given the nodes' consensus keys) before any node opens it.
    async fn build(
        context: &deterministic::Context,
        keys: usize,
        running: usize,
        edit: impl FnOnce(&mut phalanx_app::Genesis, &[String]),
    ) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let net = SimNetwork::new(context, keys as u64, 2_000, sim::link(40))
            .await
            .unwrap();
        let accounts: Vec<Account> = (1..=4u8)
            .map(|i| {
                let key = SigningKey::from_bytes(&[i; 32]).unwrap();
                Account {
                    address: key.address(),
                    key,
                    number: 0,
                    sequence: 0,
                }
            })
            .collect();
        let addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
        let mut genesis = demo_genesis(CHAIN_ID, Timestamp(0), &addresses).unwrap();
        let hex_keys: Vec<String> = net
            .participants
            .iter()
            .map(|k| phalanx_types::encoding::hex_lower(k.encode().as_ref()))
            .collect();
        edit(&mut genesis, &hex_keys);
        let validators = (0..keys)
            .map(|i| Validator {
                dir: tmp.path().join(format!("validator-{i}")),
                core: None,
                handle: None,
            })
            .collect();
        let mut harness = Self {
            _tmp: tmp,
            net,
            validators,
            accounts,
            genesis,
            sent: Vec::new(),
        };
        for i in 0..running {
            harness.start(context, i).await;
        }
        harness
    }

    /// Opens validator `i`'s store from disk and starts its engine.
    async fn start(&mut self, context: &deterministic::Context, i: usize) {
        let core = open_core(&self.validators[i].dir, &self.genesis, i);
        let mut config = self.net.config(i, CHAIN_ID.as_bytes()).unwrap();
        // As `phalanxd start` does: the current epoch's participants and the epoch length come
        // from state when genesis has a validator registry.
        let (epoch_length, validators) = core.consensus_validators().unwrap();
        if !validators.is_empty() {
            config.participants = validators.into_iter().map(|(key, _)| key).collect();
            config.epoch_length = std::num::NonZeroU64::new(epoch_length).unwrap();
        }
        let handle = self
            .net
            .start(context, i, config, NodeApp(core.clone()))
            .await
            .unwrap();
        core.set_gossip(handle.tx_gossip());
        self.validators[i].core = Some(core);
        self.validators[i].handle = Some(handle);
    }

    /// Crashes validator `i`: its engine stops and its store is closed (the process is gone).
    async fn crash(&mut self, context: &deterministic::Context, i: usize) {
        let handle = self.validators[i].handle.take().unwrap();
        handle.stop().await;
        let core = self.validators[i].core.take().unwrap();
        // The engine's tasks release their references as they are dropped.
        for _ in 0..100 {
            if Arc::strong_count(&core) == 1 {
                break;
            }
            context.sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            Arc::strong_count(&core),
            1,
            "the stopped engine kept the store"
        );
        drop(core);
    }

    fn core(&self, i: usize) -> &Arc<NodeCore> {
        self.validators[i].core.as_ref().unwrap()
    }

    fn live(&self) -> Vec<&EngineHandle> {
        self.validators
            .iter()
            .filter_map(|v| v.handle.as_ref())
            .collect()
    }

    fn height(&self, i: usize) -> u64 {
        self.validators[i]
            .handle
            .as_ref()
            .unwrap()
            .last_executed()
            .0
    }

    /// Waits until every running validator has executed `height`.
    async fn wait(&self, context: &deterministic::Context, height: u64) {
        sim::wait_all(context, &self.live(), height).await.unwrap();
    }

    /// Sends `per_account` bank sends from account `a` through validator `via[a % via.len()]`.
    fn send(&mut self, via: &[usize], per_account: u64) {
        let recipient = self.accounts[0].address;
        for a in 0..self.accounts.len() {
            for _ in 0..per_account {
                let msg = MsgSend {
                    from_address: self.accounts[a].address,
                    to_address: recipient,
                    amount: Coins::single("uphx", 1_000).unwrap(),
                };
                self.submit(via[a % via.len()], a, msg.into());
            }
        }
    }

    /// Signs `msg` with account `a` and submits it through validator `via`.
    fn submit(&mut self, via: usize, a: usize, msg: phalanx_types::msgs::Msg) {
        let core = self.validators[via].core.as_ref().unwrap();
        let account = &mut self.accounts[a];
        let snapshot = core.snapshot().unwrap();
        account.number = phalanx_protocol::auth::account(snapshot.as_ref(), &account.address)
            .unwrap()
            .unwrap()
            .account_number;
        let signer = SignerData {
            chain_id: CHAIN_ID.to_string(),
            account_number: account.number,
            sequence: account.sequence,
        };
        let signed = build_signed_tx(&account.key, &[msg], &signer, &TxOptions::default()).unwrap();
        core.submit_tx(signed.bytes.clone()).unwrap();
        account.sequence += 1;
        self.sent.push(signed.hash);
    }

    /// The authority (account 0) makes the first `count` simulated keys the validator set, through
    /// validator `via`, and waits until that transaction is committed everywhere.
    async fn set_validators(&mut self, context: &deterministic::Context, via: usize, count: usize) {
        let keys: Vec<String> = self
            .net
            .participants
            .iter()
            .map(|k| phalanx_types::encoding::hex_lower(k.encode().as_ref()))
            .collect();
        let authority = self.accounts[0].address;
        self.submit(
            via,
            0,
            phalanx_types::msgs::MsgUpdateValidatorSet {
                authority,
                validators: (0..count).map(|i| validator(&keys, i)).collect(),
            }
            .into(),
        );
        self.wait_committed(context).await;
    }

    /// Waits until every transaction sent is committed on every running validator.
    async fn wait_committed(&self, context: &deterministic::Context) {
        for _ in 0..2_000 {
            let done = self
                .validators
                .iter()
                .filter_map(|v| v.core.as_ref())
                .all(|core| {
                    self.sent
                        .iter()
                        .all(|h| core.tx(&TxHash(*h)).unwrap().is_some())
                });
            if done {
                return;
            }
            if let Some(failure) = self.live().iter().find_map(|h| h.failure()) {
                panic!("engine failed: {failure}");
            }
            context.sleep(Duration::from_millis(50)).await;
        }
        panic!("transactions not committed within 100 s of simulated time");
    }

    /// Same app hash and block digest at every shared height; every transaction committed once,
    /// successfully, at the same height on every validator.
    fn assert_agree(&self) {
        let cores: Vec<&Arc<NodeCore>> = self
            .validators
            .iter()
            .filter_map(|v| v.core.as_ref())
            .collect();
        let apps: Vec<NodeApp> = cores.iter().map(|c| NodeApp(Arc::clone(c))).collect();
        let common = apps.iter().map(|a| a.last_executed().0).min().unwrap();
        assert!(common > 0);
        for h in 0..=common {
            let reference = apps[0].app_hash_at(h).unwrap();
            let block = cores[0].block(h).unwrap().map(|b| b.header.hash);
            for (i, (app, core)) in apps.iter().zip(&cores).enumerate().skip(1) {
                assert_eq!(
                    app.app_hash_at(h).unwrap(),
                    reference,
                    "validator {i} diverged at {h}"
                );
                assert_eq!(
                    core.block(h).unwrap().map(|b| b.header.hash),
                    block,
                    "validator {i} has another block at {h}"
                );
            }
        }
        let mut included = 0;
        for h in 1..=common {
            let block = cores[0].block(h).unwrap().unwrap();
            included += block.tx_hashes.len();
            for result in block.results.iter().flat_map(|r| r.tx_results.iter()) {
                assert_eq!(
                    result.code, 0,
                    "a transaction failed at {h}: {}",
                    result.log
                );
            }
        }
        for hash in &self.sent {
            let first = cores[0].tx(&TxHash(*hash)).unwrap().unwrap();
            assert!(first.result.is_ok());
            for core in &cores[1..] {
                assert_eq!(
                    core.tx(&TxHash(*hash)).unwrap().unwrap().height,
                    first.height
                );
            }
        }
        assert_eq!(
            included,
            self.sent.len(),
            "a transaction was included twice (or one not sent)"
        );
    }

    async fn stop_all(mut self) {
        for v in &mut self.validators {
            if let Some(handle) = v.handle.take() {
                handle.stop().await;
            }
        }
    }
}

/// Four validators take transactions through different nodes; all agree at every height.
#[test]
fn four_validators_agree_at_every_height() {
    sim::runner(101).start(|context| async move {
        let mut h = Harness::new(&context).await;
        h.wait(&context, 2).await;
        h.send(&[0, 1, 2, 3], 3);
        h.wait_committed(&context).await;
        h.send(&[3, 2, 1, 0], 2);
        h.wait_committed(&context).await;
        let now = h.height(0);
        h.wait(&context, now + 2).await;
        h.assert_agree();
        h.stop_all().await;
    });
}

/// One validator crashes (engine and store closed); the other three keep finalizing and take
/// transactions; it restarts from its files and catches up (marshal backfill), executing every
/// block it missed to the same app hashes.
#[test]
fn crashed_validator_restarts_from_disk_and_catches_up() {
    sim::runner(103).start(|context| async move {
        let mut h = Harness::new(&context).await;
        h.wait(&context, 3).await;
        h.crash(&context, 3).await;
        let crashed_at = h.height(0);
        h.send(&[0, 1, 2], 3);
        h.wait_committed(&context).await;
        h.wait(&context, crashed_at + 8).await;

        h.start(&context, 3).await;
        let target = h.height(0) + 2;
        h.wait(&context, target).await;
        h.wait_committed(&context).await;
        h.assert_agree();
        h.stop_all().await;
    });
}

/// A validator cut off by a partition falls behind, then catches up when the links heal.
#[test]
fn partitioned_validator_catches_up_when_links_heal() {
    sim::runner(107).start(|context| async move {
        let mut h = Harness::new(&context).await;
        h.wait(&context, 3).await;
        h.net.isolate(2).await.unwrap();
        let cut_at = h.height(2);
        h.send(&[0, 1, 3], 2);
        let now = h.height(0);
        let majority: Vec<&EngineHandle> = [0, 1, 3]
            .iter()
            .map(|i| h.validators[*i].handle.as_ref().unwrap())
            .collect();
        sim::wait_all(&context, &majority, now + 8).await.unwrap();
        assert!(
            h.height(2) <= cut_at + 1,
            "the isolated validator kept executing"
        );

        h.net.connect(2).await.unwrap();
        let target = h.height(0) + 2;
        h.wait(&context, target).await;
        h.wait_committed(&context).await;
        h.assert_agree();
        h.stop_all().await;
    });
}

/// Two of four validators down: no quorum, so the chain halts (at most the block already being
/// finalized completes). When they restart from disk, the chain resumes without a fork.
#[test]
fn two_of_four_down_halts_and_resumes_without_fork() {
    sim::runner(109).start(|context| async move {
        let mut h = Harness::new(&context).await;
        h.wait(&context, 3).await;
        h.crash(&context, 2).await;
        h.crash(&context, 3).await;
        let stopped_at = h.height(0).max(h.height(1));
        h.send(&[0, 1], 1);
        context.sleep(Duration::from_secs(20)).await;
        let halted_at = h.height(0).max(h.height(1));
        assert!(
            halted_at <= stopped_at + 1,
            "two of four validators finalized alone: {stopped_at} -> {halted_at}"
        );

        h.start(&context, 2).await;
        h.start(&context, 3).await;
        h.wait(&context, halted_at + 5).await;
        h.wait_committed(&context).await;
        h.assert_agree();
        h.stop_all().await;
    });
}

/// The same seed replays the same chain: app hashes bit for bit.
#[test]
fn same_seed_replays_the_same_chain() {
    fn run() -> Vec<[u8; 32]> {
        sim::runner(113).start(|context| async move {
            let mut h = Harness::new(&context).await;
            h.wait(&context, 2).await;
            h.send(&[0, 1, 2, 3], 1);
            h.wait(&context, 8).await;
            let app = NodeApp(Arc::clone(h.validators[0].core.as_ref().unwrap()));
            let hashes = (0..=8)
                .map(|height| app.app_hash_at(height).unwrap())
                .collect();
            h.stop_all().await;
            hashes
        })
    }
    assert_eq!(run(), run());
}

/// Validator 3 equivocates (signs two notarizes for one view); the three honest validators
/// detect it, a block carries the verified evidence, and executing it records the fault on chain
/// with an `equivocation` event and jails the validator (the default genesis rule) — the same
/// record, in the app hash, on every honest validator.
#[test]
fn equivocating_validator_is_recorded_and_jailed_on_chain() {
    sim::runner(127).start(|context| async move {
        let mut h = Harness::with_running(&context, 3).await;
        let _equivocator = sim::start_equivocator(&h.net, &context, 3, CHAIN_ID.as_bytes())
            .await
            .unwrap();
        h.wait(&context, 2).await;
        h.send(&[0, 1, 2], 1);
        h.wait_committed(&context).await;
        h.wait(&context, 12).await;

        let validator: [u8; 32] = h.net.participants[3].encode().as_ref().try_into().unwrap();
        let mut recorded_at = None;
        for height in 1..=12 {
            let block = h.core(0).block(height).unwrap().unwrap();
            let results = block.results.unwrap();
            if let Some(event) = results.end_events.iter().find(|e| e.kind == "equivocation") {
                assert!(
                    event
                        .attributes
                        .contains(&("action".into(), "jailed".into()))
                );
                recorded_at.get_or_insert(height);
            }
        }
        let recorded_at = recorded_at.expect("no equivocation event in the first 12 blocks");
        for i in 0..3 {
            let snapshot = h.core(i).snapshot().unwrap();
            let records =
                phalanx_protocol::validators::evidence(snapshot.as_ref(), &validator).unwrap();
            assert!(!records.is_empty(), "validator {i} has no evidence record");
            assert!(records.iter().all(|r| r.kind == "conflicting_notarize"));
            assert_eq!(
                phalanx_protocol::validators::jailed_since(snapshot.as_ref(), &validator).unwrap(),
                Some(recorded_at)
            );
        }
        // Honest validators are not accused.
        let honest: [u8; 32] = h.net.participants[0].encode().as_ref().try_into().unwrap();
        let snapshot = h.core(0).snapshot().unwrap();
        assert!(
            phalanx_protocol::validators::evidence(snapshot.as_ref(), &honest)
                .unwrap()
                .is_empty()
        );
        h.assert_agree();
        h.stop_all().await;
    });
}

/// The validator set as chain state, followed by consensus: genesis lists four validators with
/// epochs of 10 blocks; a fifth node follows without voting. The authority (account 0) queues a
/// five-validator set; at the boundary (height 9 executed) every node switches consensus to it,
/// and the chain keeps finalizing with identical app hashes at every height. Then the fifth
/// validator's votes are needed: with it and one original validator down, three of five cannot
/// finalize (three of the old four could), and when it returns the chain resumes.
#[test]
fn authority_adds_a_fifth_validator_at_the_epoch_boundary() {
    const EPOCH: u64 = 10;
    sim::runner(131).start(|context| async move {
        let mut h = Harness::build(&context, 5, 5, |genesis, keys| {
            genesis.validators.params.epoch_length = EPOCH;
            genesis.validators.validators = (0..4).map(|i| validator(keys, i)).collect();
        })
        .await;
        h.wait(&context, 2).await;
        h.set_validators(&context, 1, 5).await;
        let queued =
            phalanx_protocol::validators::validator_set(h.core(4).snapshot().unwrap().as_ref())
                .unwrap();
        assert_eq!(queued.epoch, 0);
        assert_eq!(queued.pending.as_ref().map(Vec::len), Some(5));

        // Across the boundary and well into epoch 1, with transactions through the new validator.
        h.send(&[4, 0], 1);
        h.wait(&context, 2 * EPOCH + 3).await;
        h.wait_committed(&context).await;
        for i in 0..5 {
            let view =
                phalanx_protocol::validators::validator_set(h.core(i).snapshot().unwrap().as_ref())
                    .unwrap();
            assert!(view.epoch >= 2, "node {i} is in epoch {}", view.epoch);
            assert_eq!(view.active.len(), 5, "node {i}");
            assert_eq!(view.pending, None);
        }
        let applied = h
            .core(0)
            .block(EPOCH - 1)
            .unwrap()
            .unwrap()
            .results
            .unwrap();
        assert!(
            applied
                .end_events
                .iter()
                .any(|e| e.kind == "validator_set_applied"),
            "the boundary block applies the set"
        );
        h.assert_agree();

        // The new validator counts: without it and validator 3, three of five cannot finalize.
        h.crash(&context, 4).await;
        h.crash(&context, 3).await;
        context.sleep(Duration::from_secs(5)).await;
        let stopped_at = (0..3).map(|i| h.height(i)).max().unwrap();
        context.sleep(Duration::from_secs(20)).await;
        let halted_at = (0..3).map(|i| h.height(i)).max().unwrap();
        assert!(
            halted_at <= stopped_at + 1,
            "three of five finalized alone: {stopped_at} -> {halted_at}"
        );
        h.start(&context, 4).await;
        h.wait(&context, halted_at + 3).await;
        h.start(&context, 3).await;
        h.wait(&context, halted_at + 5).await;
        h.assert_agree();
        h.stop_all().await;
    });
}

/// Node `i` of `keys` as a genesis or message validator record.
fn validator(keys: &[String], i: usize) -> phalanx_types::msgs::ValidatorInfo {
    phalanx_types::msgs::ValidatorInfo {
        public_key: keys[i].clone(),
        p2p_address: format!("127.0.0.1:{}", 26_000 + i),
        power: 1,
        name: format!("validator-{i}"),
    }
}

/// The authority removes validator 3: from the next epoch the other three finalize alone, and
/// the removed node keeps following the chain without voting (it stays in the p2p peer set of
/// the simulated network), executing the same blocks to the same app hashes.
#[test]
fn a_removed_validator_follows_without_voting() {
    const EPOCH: u64 = 8;
    sim::runner(137).start(|context| async move {
        let mut h = Harness::build(&context, 4, 4, |genesis, keys| {
            genesis.validators.params.epoch_length = EPOCH;
            genesis.validators.validators = (0..4).map(|i| validator(keys, i)).collect();
        })
        .await;
        h.wait(&context, 2).await;
        h.set_validators(&context, 2, 3).await;
        h.wait(&context, 2 * EPOCH + 2).await;
        for i in 0..4 {
            let active =
                phalanx_protocol::validators::active_set(h.core(i).snapshot().unwrap().as_ref())
                    .unwrap();
            assert_eq!(active.validators.len(), 3, "node {i}");
        }
        h.send(&[3, 1], 1);
        h.wait_committed(&context).await;
        let now = h.height(0);
        h.wait(&context, now + 3).await;
        h.assert_agree();
        h.stop_all().await;
    });
}
