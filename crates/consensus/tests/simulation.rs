//! Deterministic multi-validator tests: Commonware's deterministic runtime and simulated p2p,
//! the real engine, and a small but real state machine (a hash chain over the block's height,
//! time and transactions). Seeds are fixed so a failure reproduces.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use commonware_runtime::{Clock as _, Runner as _, deterministic};
use phalanx_consensus::{
    AppHash, EngineHandle, Error, EvidenceKind,
    sim::{self, Link, SimNetwork},
};
use std::time::Duration;

use common::{HashChainApp, assert_executed_exactly_once_in_order};

const NAMESPACE: &[u8] = b"phalanx-sim";

fn link() -> Link {
    sim::link(40)
}

async fn network(context: &deterministic::Context, n: u64) -> SimNetwork {
    network_with(context, n, link()).await
}

async fn network_with(context: &deterministic::Context, n: u64, link: Link) -> SimNetwork {
    SimNetwork::new(context, n, 1_000, link).await.unwrap()
}

async fn start_validator(
    context: &deterministic::Context,
    net: &SimNetwork,
    index: usize,
    app: HashChainApp,
) -> EngineHandle {
    let config = net.config(index, NAMESPACE).unwrap();
    net.start(context, index, config, app).await.unwrap()
}

/// Waits (in simulated time) until every listed handle has executed `height`.
async fn wait_all(context: &deterministic::Context, handles: &[&EngineHandle], height: u64) {
    sim::wait_all(context, handles, height)
        .await
        .expect("engine failed");
}

fn runner(seed: u64) -> deterministic::Runner {
    sim::runner(seed)
}

/// (a) A single validator finalizes alone, about one block per `block_time` even when empty,
/// executes each height exactly once and in order, includes submitted transactions, and after a
/// restart on the same storage resumes without executing anything twice.
#[test]
fn single_validator_finalizes_and_executes_in_order() {
    runner(7).start(|context| async move {
        let net = network(&context, 1).await;
        let app = HashChainApp::new();
        let handle = start_validator(&context, &net, 0, app.clone()).await;

        wait_all(&context, &[&handle], 3).await;
        app.submit(b"alice->bob:5".to_vec());
        app.submit(b"bob->carol:2".to_vec());
        let started = context.current();
        wait_all(&context, &[&handle], 20).await;
        let elapsed = context.current().duration_since(started).unwrap();
        // 17 more blocks at 1 s each: block production is paced by block_time.
        assert!(elapsed >= Duration::from_secs(15), "too fast: {elapsed:?}");
        assert!(elapsed <= Duration::from_secs(22), "too slow: {elapsed:?}");

        assert_executed_exactly_once_in_order(&app);
        {
            let state = app.state.lock().unwrap();
            assert_eq!(
                state.txs,
                vec![b"alice->bob:5".to_vec(), b"bob->carol:2".to_vec()]
            );
            for pair in state.timestamps[1..].windows(2) {
                assert!(pair[1] >= pair[0] + 1_000, "blocks closer than block_time");
            }
        }
        let (height, hash) = handle.last_executed();
        assert_eq!(hash, app.hashes()[height as usize]);
        assert!(handle.finalized_height() >= height);
        let block = handle.finalized_block(height).await.unwrap();
        assert_eq!(block.height(), height);

        // Crash and restart on the same storage: marshal may redeliver, nothing runs twice.
        handle.stop().await;
        let before = app.state.lock().unwrap().executed.len() as u64;
        let handle = start_validator(&context, &net, 0, app.clone()).await;
        wait_all(&context, &[&handle], before + 5).await;
        assert_executed_exactly_once_in_order(&app);
        handle.stop().await;
    });
}

/// (b) Four validators with transactions submitted to different nodes agree on the app hash at
/// every height.
#[test]
fn four_validators_agree_on_app_hash_at_every_height() {
    runner(11).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4).map(|_| HashChainApp::new()).collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        for round in 0..12u8 {
            apps[usize::from(round) % 4].submit(vec![1, round, 42]);
            context.sleep(Duration::from_millis(700)).await;
        }
        let refs: Vec<&EngineHandle> = handles.iter().collect();
        wait_all(&context, &refs, 15).await;

        let reference = apps[0].hashes();
        for app in &apps {
            assert_executed_exactly_once_in_order(app);
            let hashes = app.hashes();
            let common = hashes.len().min(reference.len());
            assert!(common > 15);
            assert_eq!(hashes[..common], reference[..common], "validators diverged");
        }
        // Every submitted transaction was executed exactly once, on every validator.
        for app in &apps {
            let state = app.state.lock().unwrap();
            let mut txs = state.txs.clone();
            txs.sort();
            txs.dedup();
            assert_eq!(
                txs.len(),
                state.txs.len(),
                "a transaction was executed twice"
            );
        }
        let executed_txs = apps[0].state.lock().unwrap().txs.len();
        assert!(
            executed_txs >= 8,
            "only {executed_txs} transactions executed"
        );
        for handle in handles {
            handle.stop().await;
        }
    });
}

/// (c) One of four validators crashes; the other three keep finalizing; when it restarts from
/// its storage it catches up (marshal backfill) and agrees on every app hash.
#[test]
fn crashed_validator_catches_up_after_restart() {
    runner(23).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4).map(|_| HashChainApp::new()).collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(Some(start_validator(&context, &net, i, app.clone()).await));
        }
        {
            let refs: Vec<&EngineHandle> = handles.iter().flatten().collect();
            wait_all(&context, &refs, 5).await;
        }

        // Crash validator 3.
        handles[3].take().unwrap().stop().await;
        let crashed_at = apps[3].state.lock().unwrap().hashes.len() as u64 - 1;
        {
            let refs: Vec<&EngineHandle> = handles.iter().flatten().collect();
            let now = refs[0].last_executed().0;
            wait_all(&context, &refs, now + 12).await;
        }
        assert_eq!(
            apps[3].state.lock().unwrap().hashes.len() as u64 - 1,
            crashed_at,
            "a stopped validator executed blocks"
        );

        // Restart it on the same storage and application state.
        handles[3] = Some(start_validator(&context, &net, 3, apps[3].clone()).await);
        let target = handles[0].as_ref().unwrap().last_executed().0 + 3;
        {
            let refs: Vec<&EngineHandle> = handles.iter().flatten().collect();
            wait_all(&context, &refs, target).await;
        }

        let reference = apps[0].hashes();
        for app in &apps {
            assert_executed_exactly_once_in_order(app);
            let hashes = app.hashes();
            let common = hashes.len().min(reference.len());
            assert!(common as u64 > target);
            assert_eq!(hashes[..common], reference[..common], "validators diverged");
        }
        for handle in handles.into_iter().flatten() {
            handle.stop().await;
        }
    });
}

/// (c') A validator cut off by a partition falls behind while the other three finalize, and
/// catches up once the links return.
#[test]
fn partitioned_validator_catches_up_when_links_heal() {
    runner(31).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4).map(|_| HashChainApp::new()).collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        let refs: Vec<&EngineHandle> = handles.iter().collect();
        wait_all(&context, &refs, 4).await;

        net.isolate(3).await.unwrap();
        let cut_at = handles[3].last_executed().0;
        let now = handles[0].last_executed().0;
        wait_all(&context, &refs[..3], now + 10).await;
        assert!(
            handles[3].last_executed().0 <= cut_at + 1,
            "isolated validator kept executing"
        );

        net.connect(3).await.unwrap();
        let target = handles[0].last_executed().0 + 3;
        wait_all(&context, &refs, target).await;
        let reference = apps[0].hashes();
        for app in &apps {
            assert_executed_exactly_once_in_order(app);
            let hashes = app.hashes();
            let common = hashes.len().min(reference.len());
            assert_eq!(hashes[..common], reference[..common], "validators diverged");
        }
        drop(refs);
        for handle in handles {
            handle.stop().await;
        }
    });
}

/// Runs four validators for `blocks` heights and returns validator 0's hash chain and block times.
fn run_four(seed: u64, blocks: u64) -> (Vec<AppHash>, Vec<u64>) {
    runner(seed).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4).map(|_| HashChainApp::new()).collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        apps[1].submit(b"tx".to_vec());
        let refs: Vec<&EngineHandle> = handles.iter().collect();
        wait_all(&context, &refs, blocks).await;
        let state = apps[0].state.lock().unwrap();
        (
            state.hashes[..=blocks as usize].to_vec(),
            state.timestamps[..=blocks as usize].to_vec(),
        )
    })
}

/// The same seed replays the same chain bit for bit (a failing seed can be replayed).
#[test]
fn same_seed_replays_the_same_chain() {
    let first = run_four(5, 8);
    let second = run_four(5, 8);
    assert_eq!(first, second);
}

/// A validator whose mempool yields a transaction that fails the stateless check never gets it
/// finalized: the others reject its proposals and the chain goes on without it.
#[test]
fn blocks_failing_the_stateless_check_are_rejected() {
    runner(41).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4).map(|_| HashChainApp::new()).collect();
        // Validator 0 keeps proposing an invalid transaction (it is never included, so it stays).
        apps[0].submit(vec![0xFF, 1, 2]);
        apps[2].submit(b"valid".to_vec());
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        let refs: Vec<&EngineHandle> = handles.iter().collect();
        wait_all(&context, &refs, 12).await;
        for app in &apps {
            let state = app.state.lock().unwrap();
            assert!(
                state.txs.iter().all(|tx| tx[0] != 0xFF),
                "invalid tx finalized"
            );
            assert!(state.txs.contains(&b"valid".to_vec()));
        }
        let reference = apps[1].hashes();
        for app in &apps {
            let hashes = app.hashes();
            let common = hashes.len().min(reference.len());
            assert_eq!(hashes[..common], reference[..common]);
        }
        drop(refs);
        for handle in handles {
            handle.stop().await;
        }
    });
}

/// A validator whose state machine diverges claims app hashes nobody else computes: its
/// proposals are rejected, the three honest validators keep finalizing and agree, and the
/// faulty one never makes the others accept its state.
#[test]
fn proposals_claiming_a_wrong_app_hash_are_rejected() {
    runner(43).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4)
            .map(|i| {
                if i == 0 {
                    HashChainApp::diverging_from(3)
                } else {
                    HashChainApp::new()
                }
            })
            .collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        let honest: Vec<&EngineHandle> = handles[1..].iter().collect();
        wait_all(&context, &honest, 15).await;

        let reference = apps[1].hashes();
        for app in &apps[2..] {
            let hashes = app.hashes();
            let common = hashes.len().min(reference.len());
            assert_eq!(
                hashes[..common],
                reference[..common],
                "honest validators diverged"
            );
        }
        // Honest blocks never claim the faulty validator's hashes.
        let faulty = apps[0].hashes();
        assert_ne!(faulty[3], reference[3]);
        for handle in &handles[1..] {
            for height in 4..=15 {
                let block = handle.finalized_block(height).await.unwrap();
                let claimed = block.executed_height() as usize;
                assert_eq!(block.app_hash(), reference[claimed]);
            }
        }
        // The faulty validator notices it diverged (finalized blocks commit to hashes it did
        // not compute) and stops instead of going on with a state nobody else has.
        assert!(
            matches!(handles[0].failure(), Some(Error::Diverged { height: 3 })),
            "{:?}",
            handles[0].failure()
        );
        drop(honest);
        for handle in handles {
            handle.stop().await;
        }
    });
}

/// An application that lost its last blocks (a store without fsync after a crash) is brought
/// back up to date from marshal's archive of finalized blocks, re-executing them in order to the
/// same app hashes, before it follows the chain again.
#[test]
fn application_behind_marshal_re_executes_from_the_archive() {
    runner(53).start(|context| async move {
        let net = network(&context, 1).await;
        let app = HashChainApp::new();
        let handle = start_validator(&context, &net, 0, app.clone()).await;
        wait_all(&context, &[&handle], 10).await;
        handle.stop().await;
        let before = app.hashes();
        let executed_before = app.state.lock().unwrap().executed.len();

        app.lose_blocks_above(6);
        let handle = start_validator(&context, &net, 0, app.clone()).await;
        wait_all(&context, &[&handle], before.len() as u64 + 3).await;
        assert!(handle.failure().is_none());

        let after = app.hashes();
        assert_eq!(
            after[..before.len()],
            before[..],
            "re-execution changed a hash"
        );
        let executed = app.state.lock().unwrap().executed.clone();
        let replayed: Vec<u64> = executed[executed_before..].to_vec();
        let expected: Vec<u64> = (7..7 + replayed.len() as u64).collect();
        assert_eq!(
            replayed, expected,
            "heights after the loss not executed in order"
        );
        handle.stop().await;
    });
}

/// Regression: the same transaction was included in two consecutive blocks. A proposal is built
/// on a parent that is notarized but not yet executed, while mempools are pruned only at
/// execution; the engine must hand the unexecuted ancestors to the application so it leaves
/// their transactions out. Every validator holds every transaction here (as after gossip), so
/// any leader may re-propose one. Slow links make finalization (and so execution) of a block
/// come after its child's proposal.
#[test]
fn a_transaction_in_an_unexecuted_ancestor_is_not_proposed_again() {
    runner(61).start(|context| async move {
        let slow = sim::link(450);
        let net = network_with(&context, 4, slow).await;
        let apps: Vec<HashChainApp> = (0..4)
            .map(|_| HashChainApp::pruning_at_execution())
            .collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        for round in 0..20u8 {
            for app in &apps {
                app.submit(vec![2, round]);
            }
            context.sleep(Duration::from_millis(450)).await;
        }
        let refs: Vec<&EngineHandle> = handles.iter().collect();
        let now = refs[0].last_executed().0;
        wait_all(&context, &refs, now + 4).await;
        for app in &apps {
            let state = app.state.lock().unwrap();
            let mut txs = state.txs.clone();
            txs.sort();
            txs.dedup();
            assert_eq!(txs.len(), 20, "not every transaction was executed");
            assert_eq!(state.txs.len(), 20, "a transaction was included twice");
        }
        drop(refs);
        for handle in handles {
            handle.stop().await;
        }
    });
}

/// A transaction admitted by one validator reaches the others' mempools by gossip: it is
/// finalized even though the validator that received it from the client stops right after.
#[test]
fn gossiped_transaction_is_included_after_its_origin_stops() {
    runner(67).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..4)
            .map(|_| HashChainApp::pruning_at_execution())
            .collect();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(Some(start_validator(&context, &net, i, app.clone()).await));
        }
        {
            let refs: Vec<&EngineHandle> = handles.iter().flatten().collect();
            wait_all(&context, &refs, 2).await;
        }
        let tx = b"from-a-client-of-validator-0".to_vec();
        let origin = handles[0].take().unwrap();
        apps[0].submit(tx.clone());
        origin.tx_gossip().broadcast(tx.clone());
        context.sleep(Duration::from_millis(200)).await;
        origin.stop().await;
        let refs: Vec<&EngineHandle> = handles.iter().flatten().collect();
        let now = refs[0].last_executed().0;
        wait_all(&context, &refs, now + 6).await;
        for app in &apps[1..] {
            let state = app.state.lock().unwrap();
            assert_eq!(
                state.txs.iter().filter(|t| **t == tx).count(),
                1,
                "gossiped transaction not executed exactly once"
            );
        }
        drop(refs);
        for handle in handles.into_iter().flatten() {
            handle.stop().await;
        }
    });
}

/// A validator that notarizes two different proposals in the same view is detected by the
/// honest validators; the evidence (verified before voting) is carried in finalized blocks, each
/// fault once, naming the equivocator.
#[test]
fn equivocation_is_detected_and_carried_in_blocks() {
    runner(71).start(|context| async move {
        let net = network(&context, 4).await;
        let apps: Vec<HashChainApp> = (0..3).map(|_| HashChainApp::new()).collect();
        let _equivocator = sim::start_equivocator(&net, &context, 3, NAMESPACE)
            .await
            .unwrap();
        let mut handles = Vec::new();
        for (i, app) in apps.iter().enumerate() {
            handles.push(start_validator(&context, &net, i, app.clone()).await);
        }
        let refs: Vec<&EngineHandle> = handles.iter().collect();
        wait_all(&context, &refs, 10).await;

        let mut seen = Vec::new();
        for height in 1..=10 {
            let block = handles[0].finalized_block(height).await.unwrap();
            for evidence in block.evidence() {
                assert_eq!(evidence.validator(), &net.participants[3]);
                assert_eq!(evidence.kind(), EvidenceKind::ConflictingNotarize);
                let id = (evidence.view(), evidence.kind());
                assert!(!seen.contains(&id), "evidence recorded twice: {id:?}");
                seen.push(id);
            }
        }
        assert!(!seen.is_empty(), "no evidence in the first 10 blocks");
        drop(refs);
        for handle in handles {
            handle.stop().await;
        }
    });
}
