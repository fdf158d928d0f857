//! A local 4-validator network of real `phalanxd` processes (issue 6, "Done when": loopback).
//!
//! `phalanxd testnet --validators 4` writes the homes on free 127.0.0.1 ports; four
//! `phalanxd start` processes form the BFT network. Each demo account sends signed bank sends to a
//! different node (mempool gossip carries them to whichever validator leads), one validator is
//! killed with SIGKILL while the others keep finalizing and accepting transactions, and is
//! restarted on its home: it catches up from its peers. The test then checks that all four
//! report the same height and app hash, that every height has the same app hash on all four,
//! and that every transaction was committed once, successfully, and is served by every node
//! (including the restarted one).
//!
//! Run time: about 10 s in a debug build on 2 cores. Every wait has a deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use common::{BIN, Node, TempDir};
use phalanx_client::keyring::{Backend, Keyring};
use phalanx_client::tx::{SignerData, TxOptions, build_signed_tx};
use phalanx_client::{Client, SigningKey};
use phalanx_types::msgs::MsgSend;
use phalanx_types::{Address, Coins};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const VALIDATORS: usize = 4;
const BLOCK_TIME_MS: u64 = 250;
/// Transactions each account sends per round.
const TXS_PER_ACCOUNT: u64 = 4;
const DEADLINE: Duration = Duration::from_secs(40);

/// A base port with `2 * VALIDATORS` free ports from it (bound, checked, released).
fn free_base_port() -> u16 {
    for _ in 0..50 {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > 65_000 {
            continue;
        }
        let all: Vec<_> = (0..2 * VALIDATORS as u16)
            .map(|i| TcpListener::bind(("127.0.0.1", base + i)))
            .collect();
        if all.iter().all(Result::is_ok) {
            return base;
        }
    }
    panic!("no range of free loopback ports found");
}

struct Account {
    key: SigningKey,
    address: Address,
    account_number: u64,
    sequence: u64,
}

fn accounts(home: &Path) -> Vec<Account> {
    let keyring = Keyring::open(home, Backend::Test);
    ["alice", "bob", "carol", "dave"]
        .into_iter()
        .map(|name| {
            let key = keyring.signing_key(name, None).unwrap();
            Account {
                address: key.address(),
                key,
                account_number: 0,
                sequence: 0,
            }
        })
        .collect()
}

async fn wait_until<F, Fut>(what: &str, nodes: &mut [Option<Node>], mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + DEADLINE;
    loop {
        if check().await {
            return;
        }
        for node in nodes.iter_mut().flatten() {
            node.assert_alive(what);
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = nodes.iter().flatten().map(Node::log_tail).collect();
            panic!("timed out {what}; logs:\n{}", logs.join("\n-----\n"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn height(client: &Client) -> u64 {
    client.status().await.map_or(0, |s| s.latest_height)
}

/// Sends `TXS_PER_ACCOUNT` transfers from every account, account `i` through `clients[i]`;
/// returns their hashes.
async fn send_round(clients: &[&Client], accounts: &mut [Account], chain_id: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let recipient = accounts[0].address;
    for (i, account) in accounts.iter_mut().enumerate() {
        let client = clients[i % clients.len()];
        let on_chain = client.account(&account.address).await.unwrap().unwrap();
        account.account_number = on_chain.account_number;
        account.sequence = on_chain.sequence;
        for _ in 0..TXS_PER_ACCOUNT {
            let msg = MsgSend {
                from_address: account.address,
                to_address: recipient,
                amount: Coins::single("uphx", 1_000).unwrap(),
            };
            let signer = SignerData {
                chain_id: chain_id.to_string(),
                account_number: account.account_number,
                sequence: account.sequence,
            };
            let signed =
                build_signed_tx(&account.key, &[msg.into()], &signer, &TxOptions::default())
                    .unwrap();
            let answer = client.broadcast(&signed.bytes, false).await.unwrap();
            assert_eq!(answer.code, 0, "refused: {answer:?}");
            hashes.push(signed.hash_hex());
            account.sequence += 1;
        }
    }
    hashes
}

/// Whether every hash is committed (as seen by `client`); panics on a failed one.
async fn all_committed(client: &Client, hashes: &[String]) -> bool {
    for hash in hashes {
        match client.tx(hash).await {
            Ok(Some(tx)) => assert_eq!(tx.code, 0, "transaction {hash} failed: {tx:?}"),
            _ => return false,
        }
    }
    true
}

#[test]
fn four_processes_agree_after_sigkill_and_restart() {
    let dir = TempDir::new("network");
    let base = free_base_port();
    let output = dir.0.join("testnet");
    let out = Command::new(BIN)
        .args(["testnet", "--validators", "4", "--chain-id", "phalanx-net"])
        .args(["--base-port", &base.to_string()])
        .args(["--block-time-ms", &BLOCK_TIME_MS.to_string()])
        .arg("--output")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "phalanxd testnet failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing: serde_json::Value =
        serde_json::from_slice(&std::fs::read(output.join("testnet.json")).unwrap()).unwrap();
    let listing = listing.as_array().unwrap();
    assert_eq!(listing.len(), VALIDATORS);
    let homes: Vec<PathBuf> = listing
        .iter()
        .map(|n| PathBuf::from(n["home"].as_str().unwrap()))
        .collect();
    let clients: Vec<Client> = listing
        .iter()
        .map(|n| {
            let api = n["api"].as_str().unwrap();
            assert!(api.starts_with("http://127.0.0.1:"), "{api}");
            Client::new(api).unwrap()
        })
        .collect();
    let mut nodes: Vec<Option<Node>> = homes.iter().map(|h| Some(Node::start(h, 0))).collect();
    let mut accounts = accounts(&homes[0]);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        wait_until("waiting for all four to finalize", &mut nodes, || async {
            for c in &clients {
                if height(c).await < 2 {
                    return false;
                }
            }
            true
        })
        .await;

        // Round 1: account i sends through node i.
        let all: Vec<&Client> = clients.iter().collect();
        let mut hashes = send_round(&all, &mut accounts, "phalanx-net").await;
        wait_until("waiting for round 1 to commit", &mut nodes, || {
            all_committed(&clients[0], &hashes)
        })
        .await;

        // SIGKILL validator 3; the other three keep finalizing and take transactions.
        nodes[3].take().unwrap().kill();
        let killed_at = height(&clients[0]).await;
        let live: Vec<&Client> = clients[..3].iter().collect();
        let round2 = send_round(&live, &mut accounts, "phalanx-net").await;
        wait_until(
            "waiting for round 2 without validator 3",
            &mut nodes,
            || all_committed(&clients[1], &round2),
        )
        .await;
        wait_until(
            "waiting for progress without validator 3",
            &mut nodes,
            || async { height(&clients[2]).await >= killed_at + 5 },
        )
        .await;
        hashes.extend(round2);

        // Restart it on its home: it catches up from its peers.
        nodes[3] = Some(Node::start(&homes[3], 1));
        let target = height(&clients[0]).await + 2;
        wait_until(
            "waiting for validator 3 to catch up",
            &mut nodes,
            || async { height(&clients[3]).await >= target },
        )
        .await;

        // All four report the same height and app hash at one moment.
        wait_until("waiting for one common status", &mut nodes, || async {
            let mut seen = Vec::new();
            for c in &clients {
                match c.status().await {
                    Ok(s) => seen.push((s.latest_height, s.latest_app_hash)),
                    Err(_) => return false,
                }
            }
            seen.windows(2).all(|w| w[0] == w[1])
        })
        .await;

        // And every height has the same app hash on all four.
        let mut common = u64::MAX;
        for c in &clients {
            common = common.min(height(c).await);
        }
        assert!(common > killed_at + 5);
        for h in 1..=common {
            let reference = clients[0].block(Some(h)).await.unwrap()["header"]["app_hash"].clone();
            assert!(!reference.is_null());
            for (i, c) in clients.iter().enumerate().skip(1) {
                let other = c.block(Some(h)).await.unwrap()["header"]["app_hash"].clone();
                assert_eq!(other, reference, "node {i} differs at height {h}");
            }
        }
        // Every transaction is served, successful, by every node, the restarted one included.
        for c in &clients {
            assert!(all_committed(c, &hashes).await);
        }
        let first = clients[3].tx(&hashes[0]).await.unwrap().unwrap();
        assert!(first.height.is_some_and(|h| h > 0));
    });
    for node in nodes.into_iter().flatten() {
        node.kill();
    }
}
