//! The node core on its own (no consensus): what a submission, a restart and a block check find.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use commonware_cryptography::Digestible as _;
use phalanx_api::{NodeView, SubmitErrorKind};
use phalanx_app::mempool::Mempool;
use phalanx_client::SigningKey;
use phalanx_client::tx::{SignerData, TxOptions, build_signed_tx};
use phalanx_consensus::{Block, BlockLimits, ChainApp as _};
use phalanx_node::core::{NodeApp, NodeCore};
use phalanx_node::home::demo_genesis;
use phalanx_node::index::Index;
use phalanx_state::PersistentState;
use phalanx_types::msgs::MsgSend;
use phalanx_types::{Address, Coins, Timestamp};
use std::path::Path;
use std::sync::Arc;

const CHAIN_ID: &str = "phalanx-core";

fn keys() -> Vec<SigningKey> {
    (1..=3u8)
        .map(|i| SigningKey::from_bytes(&[i; 32]).unwrap())
        .collect()
}

fn genesis(chain_id: &str) -> phalanx_app::Genesis {
    let addresses: Vec<Address> = keys().iter().map(SigningKey::address).collect();
    demo_genesis(chain_id, Timestamp(0), &addresses).unwrap()
}

fn open(
    dir: &Path,
    genesis: &phalanx_app::Genesis,
    pool: Mempool,
) -> Result<Arc<NodeCore>, phalanx_node::core::CoreError> {
    std::fs::create_dir_all(dir).unwrap();
    let store = PersistentState::open(dir.join("state.redb")).unwrap();
    let index = Index::open(&dir.join("index.redb")).unwrap();
    NodeCore::open(store, index, genesis, pool, "test".into(), "0".into())
}

/// A signed send of 1 uphx from `key` (account number `number`) at `sequence`.
fn send(key: &SigningKey, number: u64, sequence: u64) -> Vec<u8> {
    let msg = MsgSend {
        from_address: key.address(),
        to_address: keys()[0].address(),
        amount: Coins::single("uphx", 1).unwrap(),
    };
    let signer = SignerData {
        chain_id: CHAIN_ID.to_string(),
        account_number: number,
        sequence,
    };
    build_signed_tx(key, &[msg.into()], &signer, &TxOptions::default())
        .unwrap()
        .bytes
}

fn account_number(core: &NodeCore, key: &SigningKey) -> u64 {
    let snapshot = core.snapshot().unwrap();
    phalanx_protocol::auth::account(snapshot.as_ref(), &key.address())
        .unwrap()
        .unwrap()
        .account_number
}

/// Regression (review #1): a full pool verified each submission's signature, and remembered it,
/// before finding there was no room.
#[test]
fn a_full_pool_refuses_a_submission_before_verifying_its_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = Mempool::new(1, 1 << 20);
    let signatures = pool.signatures();
    let core = open(tmp.path(), &genesis(CHAIN_ID), pool).unwrap();
    let keys = keys();
    let first = send(&keys[1], account_number(&core, &keys[1]), 0);
    core.submit_tx(first.clone()).unwrap();
    assert_eq!(signatures.len(), 1);
    let second = send(&keys[2], account_number(&core, &keys[2]), 0);
    let err = core.submit_tx(second).unwrap_err();
    assert_eq!(err.kind, SubmitErrorKind::Unavailable, "{}", err.message);
    assert!(err.message.contains("mempool is full"), "{}", err.message);
    assert_eq!(signatures.len(), 1, "no signature verified for a full pool");
    // A duplicate is refused as such, before any check.
    let err = core.submit_tx(first).unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("sdk", 19));
}

/// A block at height 1 carrying `txs`.
fn block_of(txs: Vec<Vec<u8>>) -> Block {
    let genesis = Block::genesis(0, [0u8; 32]);
    Block::new(1, genesis.digest(), 1, 0, [0u8; 32], txs)
}

/// Regression (review #6): `check_block` decoded with the default limits, whatever the chain's
/// `max_tx_bytes`.
#[test]
fn check_block_holds_transactions_to_the_chain_s_max_tx_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut small = genesis(CHAIN_ID);
    small.tx_params.max_tx_bytes = 100;
    let core = open(&tmp.path().join("small"), &small, Mempool::new(10, 1 << 20)).unwrap();
    let keys = keys();
    let tx = send(&keys[1], account_number(&core, &keys[1]), 0);
    assert!(tx.len() > 100);
    assert!(!NodeApp(core).check_block(&block_of(vec![tx.clone()])));
    let core = open(
        &tmp.path().join("default"),
        &genesis(CHAIN_ID),
        Mempool::new(10, 1 << 20),
    )
    .unwrap();
    assert!(NodeApp(core).check_block(&block_of(vec![tx])));
}

/// The chain's `max_tx_bytes` is bounded by `MAX_TX_BYTES` (`TxParams::validate`), which must be
/// what the consensus layer carries, or an admitted transaction could never be proposed.
#[test]
fn consensus_carries_every_transaction_the_chain_params_allow() {
    assert_eq!(
        BlockLimits::default().max_tx_bytes,
        phalanx_types::proto::tx::MAX_TX_BYTES
    );
    let mut g = genesis(CHAIN_ID);
    g.tx_params.max_tx_bytes = 2 * phalanx_types::proto::tx::MAX_TX_BYTES as u64;
    let tmp = tempfile::tempdir().unwrap();
    let Err(err) = open(tmp.path(), &g, Mempool::new(10, 1 << 20)) else {
        panic!("a genesis whose transactions consensus cannot carry is refused");
    };
    assert!(err.to_string().contains("max_tx_bytes"), "{err}");
}

/// Regression (review #7): a store was opened with any genesis file, and the node reported the
/// file's chain id while signatures verified against the stored one.
#[test]
fn a_store_of_another_chain_is_refused_at_open() {
    let tmp = tempfile::tempdir().unwrap();
    drop(open(tmp.path(), &genesis(CHAIN_ID), Mempool::new(10, 1 << 20)).unwrap());
    let Err(err) = open(
        tmp.path(),
        &genesis("other-chain"),
        Mempool::new(10, 1 << 20),
    ) else {
        panic!("another chain's genesis must be refused");
    };
    let text = err.to_string();
    assert!(
        text.contains("\"other-chain\"") && text.contains("\"phalanx-core\""),
        "{text}"
    );
    // The right genesis still opens it.
    open(tmp.path(), &genesis(CHAIN_ID), Mempool::new(10, 1 << 20)).unwrap();
}

/// Regression (review #7): `check_consistency` was documented as run on start but never called.
#[test]
fn an_inconsistent_store_is_refused_at_open() {
    let tmp = tempfile::tempdir().unwrap();
    drop(open(tmp.path(), &genesis(CHAIN_ID), Mempool::new(10, 1 << 20)).unwrap());
    // The recorded app hash no longer matches the tree or the block record.
    {
        let meta: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("meta");
        let db = redb::Database::open(tmp.path().join("state.redb")).unwrap();
        let w = db.begin_write().unwrap();
        w.open_table(meta)
            .unwrap()
            .insert("app_hash", [0xAB_u8; 32].as_slice())
            .unwrap();
        w.commit().unwrap();
    }
    let Err(err) = open(tmp.path(), &genesis(CHAIN_ID), Mempool::new(10, 1 << 20)) else {
        panic!("an inconsistent store must be refused");
    };
    assert!(err.to_string().contains("state consistency"), "{err}");
}

/// Regression (review #3): gossiped transactions were admitted (a signature check each) under the
/// lock the consensus engine holds around every call into the app, stalling execution and voting
/// behind them. The engine now takes the app's `TxReceiver` once and admits through it, which
/// needs no access to the app: here it admits while the app is locked, as during an execution.
#[test]
fn gossiped_transactions_are_admitted_while_the_app_is_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let core = open(tmp.path(), &genesis(CHAIN_ID), Mempool::new(10, 1 << 20)).unwrap();
    let keys = keys();
    let tx = send(&keys[1], account_number(&core, &keys[1]), 0);
    let app = std::sync::Mutex::new(NodeApp(core.clone()));
    let receiver = app.lock().unwrap().tx_receiver();
    let executing = app.lock().unwrap();
    let gossiped = tx.clone();
    std::thread::spawn(move || receiver.receive_txs(vec![gossiped]))
        .join()
        .unwrap();
    drop(executing);
    // It waits in the pool: the same bytes submitted again are a duplicate.
    let err = core.submit_tx(tx).unwrap_err();
    assert_eq!(
        (err.codespace.as_str(), err.code),
        ("sdk", 19),
        "{}",
        err.message
    );
}
