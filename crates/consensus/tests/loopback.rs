//! The production path: [`start`] on the tokio runtime with authenticated, encrypted p2p on
//! 127.0.0.1 and the consensus journal in a storage directory. Bounded in wall time, loopback
//! only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use common::{HashChainApp, assert_executed_exactly_once_in_order};
use commonware_cryptography::Signer as _;
use commonware_runtime::{Clock as _, Runner as _, Supervisor as _, tokio};
use phalanx_consensus::{
    EngineConfig, EngineHandle, P2pConfig, PrivateKey, PublicKey, start, tokio_runtime_config,
};
use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    time::{Duration, Instant},
};

/// Distinct free loopback ports (bound, read, released).
fn free_addrs(n: usize) -> Vec<SocketAddr> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners.iter().map(|l| l.local_addr().unwrap()).collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "phalanx-consensus-{name}-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Starts `n` validators in one runtime, waits until all executed `height` and every validator
/// but the first received transaction gossip from it (within `limit` of wall time), and checks
/// they agree and that neither execution nor gossip admission ran on the runtime's threads.
fn run_network(name: &str, n: u64, height: u64, limit: Duration) {
    let dir = temp_dir(name);
    let signers: Vec<PrivateKey> = (0..n).map(|i| PrivateKey::from_seed(500 + i)).collect();
    let participants: Vec<PublicKey> = signers.iter().map(|s| s.public_key()).collect();
    let addrs = free_addrs(n as usize);
    let peers: Vec<(PublicKey, SocketAddr)> = participants
        .iter()
        .cloned()
        .zip(addrs.iter().copied())
        .collect();
    // As the node's mempool does, a transaction stays until a block including it executes: a
    // proposal that is not finalized (a nullified view under load) must not lose it.
    let apps: Vec<HashChainApp> = (0..n)
        .map(|_| HashChainApp::pruning_at_execution())
        .collect();

    let runner = tokio::Runner::new(tokio_runtime_config(&dir, 2));
    let apps_in = apps.clone();
    runner.start(|context| async move {
        let mut handles: Vec<EngineHandle> = Vec::new();
        for (i, signer) in signers.iter().enumerate() {
            let mut config = EngineConfig::new(
                signer.clone(),
                participants.clone(),
                b"phalanx-loop".to_vec(),
            );
            config.partition_prefix = format!("v{i}");
            config.set_block_time(Duration::from_millis(200));
            let p2p = P2pConfig {
                listen: addrs[i],
                peers: peers.clone(),
                local: true,
            };
            let handle = start(
                context.child("validator").with_attribute("index", i),
                config,
                p2p,
                apps_in[i].clone(),
            )
            .await
            .unwrap();
            handles.push(handle);
        }
        apps_in[0].submit(b"over the wire".to_vec());
        // Gossip reaches only connected peers: sent again until every other validator has it.
        let gossip = handles[0].tx_gossip();
        let gossiped = || {
            apps_in[1..]
                .iter()
                .all(|app| app.state.lock().unwrap().gossip_batches > 0)
        };
        let started = Instant::now();
        // The transaction waits in validator 0's mempool until validator 0 leads a view, which under
        // load may come after `height`: wait for both.
        let included = || {
            apps_in[0]
                .state
                .lock()
                .unwrap()
                .txs
                .contains(&b"over the wire".to_vec())
        };
        while !(handles.iter().all(|h| h.last_executed().0 >= height) && included() && gossiped()) {
            if !gossiped() {
                gossip.broadcast(b"gossiped".to_vec());
            }
            for h in &handles {
                assert!(h.failure().is_none(), "engine failed: {:?}", h.failure());
            }
            assert!(
                started.elapsed() < limit,
                "not finalized in time: {:?}, submitted tx executed: {}, gossip received: {}",
                handles
                    .iter()
                    .map(|h| h.last_executed().0)
                    .collect::<Vec<_>>(),
                included(),
                gossiped()
            );
            context.sleep(Duration::from_millis(20)).await;
        }
        for handle in handles {
            handle.stop().await;
        }
    });

    let reference = apps[0].hashes();
    for app in &apps {
        assert_executed_exactly_once_in_order(app);
        // Synchronous application work runs on threads of its own, never holding a thread of
        // the runtime that serves consensus timers and p2p.
        let state = app.state.lock().unwrap();
        assert!(
            state.calls_on_runtime_threads.is_empty(),
            "called on the runtime's threads: {:?}",
            state.calls_on_runtime_threads
        );
        drop(state);
        let hashes = app.hashes();
        let common = hashes.len().min(reference.len());
        assert!(common as u64 > height);
        assert_eq!(hashes[..common], reference[..common], "validators diverged");
    }
    assert!(
        apps[0]
            .state
            .lock()
            .unwrap()
            .txs
            .contains(&b"over the wire".to_vec())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// n = 1 on the real runtime: a single validator finalizes alone.
#[test]
fn single_validator_over_authenticated_p2p() {
    run_network("single", 1, 5, Duration::from_secs(20));
}

/// Four validators over encrypted loopback connections agree on every app hash.
#[test]
fn four_validators_over_authenticated_p2p() {
    run_network("four", 4, 5, Duration::from_secs(30));
}
