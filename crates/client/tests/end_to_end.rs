//! The command line and the typed client against the real JSON API (`phalanx-api`) on loopback, over an
//! in-memory chain that executes each admitted transaction in its own block. Checks that requests,
//! signatures and the node's answers fit together end to end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use clap::Parser;
use phalanx_api::{
    ApiConfig, BlockEvents, BlockView, NodeError, NodeStatus, NodeView, StateSnapshot, SubmitError,
    TxHash, TxRecord,
};
use phalanx_app::{BlockHeader, Genesis, execute_signed_block};
use phalanx_client::cli::{Cli, Io, execute};
use phalanx_client::http::PageRequest;
use phalanx_client::keyring::{Backend, Keyring};
use phalanx_client::{Client, ClientError, SigningKey};
use phalanx_state::{Entry, MemState, StateError, StateRead};
use phalanx_types::msgs::DelegationKind;
use phalanx_types::proto::tx::tx_hash;
use phalanx_types::{Address, Timestamp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

const CHAIN: &str = "phalanx-e2e";
const PASS: &str = "a long passphrase";

struct Chain {
    state: MemState,
    height: u64,
    time: Timestamp,
    txs: BTreeMap<[u8; 32], TxRecord>,
}

/// A node that executes every admitted transaction in a block of its own, at once.
struct TestNode {
    chain: Mutex<Chain>,
    blocks: broadcast::Sender<Arc<BlockEvents>>,
}

struct Snapshot {
    state: MemState,
    height: u64,
}

impl StateRead for Snapshot {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.state.get(key)
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        self.state.range(start, end, limit)
    }
}

impl StateSnapshot for Snapshot {
    fn height(&self) -> u64 {
        self.height
    }

    fn app_hash(&self) -> Vec<u8> {
        Vec::new()
    }
}

impl NodeView for TestNode {
    fn snapshot(&self) -> Result<Box<dyn StateSnapshot>, NodeError> {
        let c = self.chain.lock().unwrap();
        Ok(Box::new(Snapshot {
            state: c.state.clone(),
            height: c.height,
        }))
    }

    fn status(&self) -> Result<NodeStatus, NodeError> {
        let c = self.chain.lock().unwrap();
        Ok(NodeStatus {
            chain_id: CHAIN.into(),
            latest_height: c.height,
            latest_app_hash: vec![0xab],
            latest_block_time: c.time,
            earliest_height: 1,
            catching_up: false,
            node_id: "test".into(),
            moniker: "test".into(),
            version: "0".into(),
        })
    }

    fn block(&self, _height: u64) -> Result<Option<BlockView>, NodeError> {
        Ok(None)
    }

    fn tx(&self, hash: &TxHash) -> Result<Option<TxRecord>, NodeError> {
        Ok(self.chain.lock().unwrap().txs.get(&hash.0).cloned())
    }

    fn submit_tx(&self, tx_bytes: Vec<u8>) -> Result<TxHash, SubmitError> {
        let mut c = self.chain.lock().unwrap();
        let next = c.height + 1;
        phalanx_app::ante::authenticate(&c.state, &tx_bytes, next, None)?;
        let time = Timestamp(c.time.0 + 1_000_000_000);
        let header = BlockHeader { height: next, time };
        let mut result =
            execute_signed_block(&mut c.state, &header, std::slice::from_ref(&tx_bytes))?;
        let hash = tx_hash(&tx_bytes);
        c.height = next;
        c.time = time;
        c.txs.insert(
            hash,
            TxRecord {
                hash: TxHash(hash),
                height: next,
                index: 0,
                time,
                result: result.tx_results.remove(0),
                tx_bytes: Some(tx_bytes),
            },
        );
        let _ = self.blocks.send(Arc::new(BlockEvents {
            height: next,
            events: Vec::new(),
        }));
        Ok(TxHash(hash))
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<BlockEvents>> {
        self.blocks.subscribe()
    }
}

/// Runs one command line with `input` on stdin; returns (result, stdout, stderr).
async fn run(line: &str, input: &str) -> (Result<(), ClientError>, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("phalanxd").chain(line.split_whitespace()))
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    let mut stdin = Cursor::new(input.as_bytes().to_vec());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = {
        let mut io = Io::buffers(&mut stdin, &mut out, &mut err);
        execute(&cli.command, &mut io).await
    };
    (
        result,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

async fn ok_json(line: &str) -> Value {
    let (r, out, err) = run(line, "").await;
    r.unwrap_or_else(|e| panic!("{line}: {e}\n{err}"));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{line}: {e}: {out}"))
}

#[tokio::test]
async fn cli_and_client_work_against_the_real_api() {
    tokio::time::timeout(std::time::Duration::from_secs(120), scenario())
        .await
        .expect("the scenario finishes within two minutes");
}

async fn scenario() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().display().to_string();
    let test_kr = Keyring::open(home.path(), Backend::Test);
    let file_kr = Keyring::open(home.path(), Backend::File);
    let alice = test_kr
        .add(
            "alice",
            &SigningKey::from_hex(&"11".repeat(32)).unwrap(),
            None,
            None,
        )
        .unwrap();
    let bob = test_kr
        .add(
            "bob",
            &SigningKey::from_hex(&"22".repeat(32)).unwrap(),
            None,
            None,
        )
        .unwrap();
    let (carol, _) = file_kr.create("carol", Some(PASS)).unwrap();
    let stranger = SigningKey::from_hex(&"33".repeat(32)).unwrap();
    test_kr.add("stranger", &stranger, None, None).unwrap();

    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut g = Genesis::new(CHAIN, start, Address::module("authority"));
    g.fund(
        &[alice.address, bob.address, carol.address],
        &"1000000000uatom,1000000000uphx".parse().unwrap(),
    );
    let mut state = MemState::new();
    phalanx_app::init_genesis(&mut state, &g).unwrap();
    let (blocks, _) = broadcast::channel(16);
    let node = Arc::new(TestNode {
        chain: Mutex::new(Chain {
            state,
            height: 0,
            time: start,
            txs: BTreeMap::new(),
        }),
        blocks,
    });
    let server = phalanx_api::serve(
        "127.0.0.1:0".parse().unwrap(),
        node.clone(),
        ApiConfig::default(),
    )
    .await
    .unwrap();
    let url = format!("http://{}", server.local_addr());
    let test = format!("--home {h} --keyring-backend test --node {url}");
    let file = format!("--home {h} --node {url}");

    // Status, as JSON and as text.
    let status = ok_json(&format!("query status -o json {test}")).await;
    assert_eq!(status["chain_id"], CHAIN);
    let (r, text, _) = run(&format!("query status {test}"), "").await;
    r.unwrap();
    assert!(text.contains(&format!("chain_id: {CHAIN}")), "{text}");

    // keys list -o json: the shape `phalanxd init`'s callers rely on.
    let keys = ok_json(&format!(
        "keys list --home {h} --keyring-backend test -o json"
    ))
    .await;
    let names: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "stranger"]);
    assert_eq!(keys[0]["address"], alice.address.to_string());

    // A send with --yes, to a key name.
    let (r, out, err) = run(
        &format!("tx bank send bob 5uatom --from alice --yes {test}"),
        "",
    )
    .await;
    r.unwrap_or_else(|e| panic!("{e}\n{err}"));
    assert!(
        out.contains("code: 0") && out.contains("height: 1"),
        "{out}"
    );
    let balances = ok_json(&format!("query bank balances bob -o json {test}")).await;
    assert!(
        balances["balances"].to_string().contains("1000000005"),
        "{balances}"
    );

    // Confirmation on stdin: declined sends nothing, accepted signs and sends.
    let (r, _, err) = run(
        &format!("tx restaking delegate-pool 1000uatom --from alice {test}"),
        "n\n",
    )
    .await;
    assert!(matches!(r, Err(ClientError::Cancelled)), "{err}");
    assert!(
        err.contains("/phalanx.restaking.v1.MsgDelegatePool"),
        "{err}"
    );
    let (r, out, err) = run(
        &format!("tx restaking delegate-pool 1000uatom --from alice -o json {test}"),
        "y\n",
    )
    .await;
    r.unwrap_or_else(|e| panic!("{e}\n{err}"));
    let result: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(result["code"], 0);
    assert_eq!(result["height"], 2);
    let delegations = ok_json(&format!(
        "query restaking delegator-pool-delegations alice -o json {test}"
    ))
    .await;
    assert!(
        delegations["delegations"].to_string().contains("1000"),
        "{delegations}"
    );

    // The file backend: passphrase read after the confirmation; a wrong one signs nothing.
    let (r, _, _) = run(
        &format!("tx restaking delegate-pool 7uatom --from carol {file}"),
        "y\nnot it\n",
    )
    .await;
    assert!(
        matches!(r, Err(ClientError::WrongPassphrase { .. })),
        "{r:?}"
    );
    let (r, out, err) = run(
        &format!("tx restaking delegate-pool 7uatom --from carol {file}"),
        &format!("y\n{PASS}\n"),
    )
    .await;
    r.unwrap_or_else(|e| panic!("{e}\n{err}"));
    assert!(out.contains("code: 0"), "{out}");

    // A message the chain rejects: printed, then a non-zero result naming the failure.
    let (r, out, _) = run(
        &format!("tx restaking delegate-operator 7 5uatom --from alice --yes {test}"),
        "",
    )
    .await;
    assert!(out.contains("codespace: operators"), "{out}");
    let e = r.unwrap_err();
    assert!(matches!(e, ClientError::TxFailed { .. }), "{e}");
    // Stateless checks run before anything is sent.
    let (r, _, _) = run(
        &format!("tx restaking join-service 0 1 --from alice --yes {test}"),
        "",
    )
    .await;
    assert!(matches!(r, Err(ClientError::InvalidMsg { .. })), "{r:?}");
    // An account the chain has never seen gets told how to get one.
    let (r, _, _) = run(
        &format!("tx restaking delegate-pool 1uatom --from stranger --yes {test}"),
        "",
    )
    .await;
    assert!(r.unwrap_err().to_string().contains("does not exist"));
    // Dry run: the message, nothing sent.
    let dry = ok_json(&format!(
        "tx restaking delegate-pool 1uatom --from alice --dry-run -o json {test}"
    ))
    .await;
    assert_eq!(dry[0]["@type"], "/phalanx.restaking.v1.MsgDelegatePool");

    // Queries that miss come back as the node's error.
    let (r, _, _) = run(&format!("query pools pool 99 {test}"), "").await;
    assert!(
        matches!(r, Err(ClientError::Api { status: 404, .. })),
        "{r:?}"
    );

    // The typed client reads what the commands did.
    let client = Client::new(&url).unwrap();
    let account = client.account(&alice.address).await.unwrap().unwrap();
    assert_eq!(account.sequence, 3);
    assert!(client.account(&stranger.address()).await.unwrap().is_none());
    let pools = client.pools(&PageRequest::default()).await.unwrap();
    assert_eq!(pools.items.len(), 1);
    assert_eq!(pools.items[0].denom, "uatom");
    let dels = client
        .target_delegations(
            DelegationKind::Pool,
            pools.items[0].id.0,
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(dels.items.len(), 2);
    let mine = client
        .delegator_delegations(
            &alice.address,
            DelegationKind::Pool,
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);
    let bal = client.balances(&bob.address).await.unwrap();
    assert!(
        bal.iter()
            .any(|c| c.denom == "uatom" && c.amount == 1_000_000_005)
    );
    assert!(client.restaking_params().await.is_ok());
    assert!(client.operators_params().await.is_ok());
    assert!(client.services_params().await.is_ok());
    assert!(client.assets_params().await.is_ok());
    assert!(
        client
            .user_preferences(&alice.address)
            .await
            .unwrap()
            .trusted_services
            .is_empty()
    );
    let st = client.status().await.unwrap();
    assert_eq!(st.latest_height, 4);
    let hash = node
        .chain
        .lock()
        .unwrap()
        .txs
        .values()
        .find(|r| r.height == 1)
        .unwrap()
        .hash
        .to_string();
    let tx = client.tx(&hash).await.unwrap().unwrap();
    assert_eq!(tx.height, Some(1));
    assert!(tx.is_ok());
    let shown = ok_json(&format!("query tx {hash} -o json {test}")).await;
    assert_eq!(shown["txhash"], hash);
    assert!(client.tx(&"00".repeat(32)).await.unwrap().is_none());

    server.shutdown().await.unwrap();

    // Nothing listens there any more: the error says what to check.
    let (r, _, _) = run(&format!("query status {test}"), "").await;
    let msg = r.unwrap_err().to_string();
    assert!(
        msg.contains("cannot reach the node") && msg.contains("--node"),
        "{msg}"
    );
}
