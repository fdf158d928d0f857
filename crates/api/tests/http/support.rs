//! A `NodeView` over a real in-memory chain (genesis + executed blocks), a fixture chain with stake in
//! every kind of target, and a tiny HTTP/1 client for loopback requests.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use phalanx_api::{
    ApiConfig, ApiServer, BlockEvents, BlockHeaderView, BlockView, KeyProof, NodeError, NodeStatus,
    NodeView, ProveError, StateSnapshot, SubmitError, TxHash, TxRecord,
};
use phalanx_app::{Block, BlockHeader, Genesis, Tx, execute_block};
use phalanx_state::{Entry, MemState, StateError, StateRead};
use phalanx_types::msgs::*;
use phalanx_types::{Address, Coin, Coins, Dec, Error, OperatorId, PoolId, ServiceId, Timestamp};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Seconds between blocks.
pub const BLOCK_SECS: u64 = 5;
/// What each named account holds of every demo denom at genesis.
pub const FUNDS: u128 = 1_000_000_000;
/// Demo denoms.
pub const DENOMS: [&str; 4] = ["uatom", "ubtc", "uphx", "utia"];

/// A deterministic account.
pub fn addr(name: &str) -> Address {
    Address::module(&format!("test-account-{name}"))
}

/// Parses coins.
pub fn coins(s: &str) -> Coins {
    s.parse().unwrap()
}

/// Parses one coin.
pub fn coin(s: &str) -> Coin {
    s.parse().unwrap()
}

fn genesis() -> Genesis {
    let time: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut g = Genesis::new("phalanx-api-test", time, addr("authority"));
    let accounts: Vec<Address> = ["alice", "bob", "carol"].iter().map(|n| addr(n)).collect();
    let funds = Coins::new(DENOMS.iter().map(|d| Coin::new(*d, FUNDS)).collect()).unwrap();
    let asset = |denom: &str, ticker: &str, exponent| Asset {
        denom: denom.into(),
        ticker: ticker.into(),
        exponent,
    };
    g.fund(&accounts, &funds).price_assets(&[
        (asset("uatom", "ATOM", 6), Dec::ONE),
        (asset("ubtc", "BTC", 8), Dec::from_int(100_000)),
        (asset("uphx", "PHX", 6), Dec::ONE),
        (asset("utia", "TIA", 6), Dec::ONE),
    ]);
    g.validators.validators = vec![phalanx_types::msgs::ValidatorInfo {
        public_key: VALIDATOR_KEY.into(),
        p2p_address: "127.0.0.1:26656".into(),
        power: 1,
        name: "node0".into(),
    }];
    g
}

/// The one genesis validator's key: the ed25519 base point (a valid curve point).
pub const VALIDATOR_KEY: &str = "5866666666666666666666666666666666666666666666666666666666666666";

/// The chain behind the test node.
struct Chain {
    state: MemState,
    height: u64,
    time: Timestamp,
    blocks: BTreeMap<u64, BlockView>,
    txs: HashMap<TxHash, TxRecord>,
    mempool: Vec<(TxHash, Tx, Vec<u8>)>,
}

/// A node over `MemState`: genesis through `init_genesis`, blocks through `execute_block`. Tx bytes are
/// the JSON of an unsigned `phalanx_app::Tx` (signatures are the node's business, not the API's).
pub struct TestNode {
    chain: Mutex<Chain>,
    events: broadcast::Sender<Arc<BlockEvents>>,
    /// Whether snapshots produce (toy) proofs.
    pub proofs: AtomicBool,
}

fn hash(bytes: &[u8]) -> TxHash {
    TxHash(Sha256::digest(bytes).into())
}

impl TestNode {
    /// A node at genesis (height 0).
    pub fn new() -> Arc<Self> {
        let g = genesis();
        let mut state = MemState::new();
        phalanx_app::init_genesis(&mut state, &g).unwrap();
        let (events, _) = broadcast::channel(64);
        Arc::new(Self {
            chain: Mutex::new(Chain {
                state,
                height: g.initial_height - 1,
                time: g.genesis_time,
                blocks: BTreeMap::new(),
                txs: HashMap::new(),
                mempool: Vec::new(),
            }),
            events,
            proofs: AtomicBool::new(true),
        })
    }

    /// Executes a block of the mempool plus `txs`, records it, and publishes its events. Returns the
    /// records of its transactions.
    pub fn produce_block(&self, txs: Vec<Tx>) -> Vec<TxRecord> {
        let (batch, records) = {
            let mut c = self.chain.lock().unwrap();
            let mut entries: Vec<(TxHash, Tx, Vec<u8>)> = std::mem::take(&mut c.mempool);
            for tx in txs {
                let bytes = serde_json::to_vec(&tx).unwrap();
                entries.push((hash(&bytes), tx, bytes));
            }
            let header = BlockHeader {
                height: c.height + 1,
                time: Timestamp(c.time.0 + BLOCK_SECS * 1_000_000_000),
            };
            let block = Block {
                header,
                txs: entries.iter().map(|(_, tx, _)| tx.clone()).collect(),
            };
            let result = execute_block(&mut c.state, &block).unwrap();
            c.height = header.height;
            c.time = header.time;
            let mut events = result.begin_events.clone();
            let mut records = Vec::new();
            for (i, ((h, _, bytes), r)) in entries.iter().zip(&result.tx_results).enumerate() {
                events.extend(r.events.iter().cloned());
                let record = TxRecord {
                    hash: *h,
                    height: header.height,
                    index: i as u32,
                    time: header.time,
                    result: r.clone(),
                    tx_bytes: Some(bytes.clone()),
                };
                c.txs.insert(*h, record.clone());
                records.push(record);
            }
            events.extend(result.end_events.iter().cloned());
            let view = BlockView {
                header: BlockHeaderView {
                    chain_id: "phalanx-api-test".into(),
                    height: header.height,
                    time: header.time,
                    hash: Sha256::digest(header.height.to_be_bytes()).to_vec(),
                    parent_hash: Vec::new(),
                    app_hash: vec![0xab; 32],
                    proposer: String::new(),
                },
                tx_hashes: entries.iter().map(|(h, _, _)| *h).collect(),
                results: Some(result),
            };
            c.blocks.insert(header.height, view);
            (
                Arc::new(BlockEvents {
                    height: header.height,
                    events,
                }),
                records,
            )
        };
        // Published after the block is recorded, as NodeView::subscribe requires.
        let _ = self.events.send(batch);
        records
    }

    /// Executes one transaction of `msgs` from their first signer, in a block of its own; asserts success.
    pub fn ok(&self, msgs: Vec<Msg>) -> TxRecord {
        let sender = msgs[0].signer();
        let r = self.produce_block(vec![Tx { sender, msgs }]).pop().unwrap();
        assert_eq!(r.result.code, 0, "{}", r.result.log);
        r
    }

    /// Number of transactions waiting.
    pub fn mempool_len(&self) -> usize {
        self.chain.lock().unwrap().mempool.len()
    }

    /// The latest height.
    pub fn height(&self) -> u64 {
        self.chain.lock().unwrap().height
    }
}

/// A copy of the state at one height. Its toy "proof" is sha256(key ‖ value), enough to check that the
/// API asks the snapshot it answered from for exactly the keys it read.
pub struct MemSnapshot {
    state: MemState,
    height: u64,
    proofs: bool,
}

impl StateRead for MemSnapshot {
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

/// The toy proof of a key and value.
pub fn toy_proof(key: &[u8], value: Option<&[u8]>) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(key);
    h.update(value.unwrap_or_default());
    h.finalize().to_vec()
}

impl StateSnapshot for MemSnapshot {
    fn height(&self) -> u64 {
        self.height
    }
    fn app_hash(&self) -> Vec<u8> {
        vec![0xab; 32]
    }
    fn prove(&self, key: &[u8]) -> Result<KeyProof, ProveError> {
        if !self.proofs {
            return Err(ProveError::Unsupported(
                "the test store has proofs off".into(),
            ));
        }
        let value = self
            .state
            .get(key)
            .map_err(|e| ProveError::Failed(e.to_string()))?;
        Ok(KeyProof {
            proof: toy_proof(key, value.as_deref()),
            value,
        })
    }
}

impl NodeView for TestNode {
    fn snapshot(&self) -> Result<Box<dyn StateSnapshot>, NodeError> {
        let c = self.chain.lock().unwrap();
        Ok(Box::new(MemSnapshot {
            state: c.state.clone(),
            height: c.height,
            proofs: self.proofs.load(Ordering::SeqCst),
        }))
    }

    fn status(&self) -> Result<NodeStatus, NodeError> {
        let c = self.chain.lock().unwrap();
        Ok(NodeStatus {
            chain_id: phalanx_app::chain_id(&c.state)
                .map_err(|e| NodeError::Internal(e.to_string()))?,
            latest_height: c.height,
            latest_app_hash: vec![0xab; 32],
            latest_block_time: c.time,
            earliest_height: 1,
            catching_up: false,
            node_id: "test-node".into(),
            moniker: "tester".into(),
            version: "0.1.0".into(),
        })
    }

    fn block(&self, height: u64) -> Result<Option<BlockView>, NodeError> {
        Ok(self.chain.lock().unwrap().blocks.get(&height).cloned())
    }

    fn tx(&self, hash: &TxHash) -> Result<Option<TxRecord>, NodeError> {
        Ok(self.chain.lock().unwrap().txs.get(hash).cloned())
    }

    fn submit_tx(&self, tx_bytes: Vec<u8>) -> Result<TxHash, SubmitError> {
        let tx: Tx = serde_json::from_slice(&tx_bytes).map_err(|e| {
            SubmitError::rejected(&Error::InvalidRequest(format!(
                "undecodable transaction: {e}"
            )))
        })?;
        if tx.msgs.is_empty() {
            return Err(SubmitError::rejected(&Error::InvalidRequest(
                "a transaction needs at least one message".into(),
            )));
        }
        let h = hash(&tx_bytes);
        let mut c = self.chain.lock().unwrap();
        if c.txs.contains_key(&h) || c.mempool.iter().any(|(m, _, _)| *m == h) {
            return Err(SubmitError::rejected(&Error::InvalidRequest(format!(
                "transaction {h} is already known"
            ))));
        }
        c.mempool.push((h, tx, tx_bytes));
        Ok(h)
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<BlockEvents>> {
        self.events.subscribe()
    }
}

/// Ids the fixture creates.
pub struct Fixture {
    /// Operator 1 (alice's), joined service 1.
    pub op: OperatorId,
    /// Service 1 (bob's), active, secured by pool 1.
    pub svc: ServiceId,
    /// The uatom pool.
    pub pool: PoolId,
}

/// Builds stake in every kind of target: three operators, an active service that allows and is joined
/// by operator 1 and borrows the uatom pool; carol delegates to a pool, an operator and the service,
/// trusts the service, and has started unbonding from the pool.
pub fn fixture(node: &TestNode) -> Fixture {
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    for (who, name) in [(alice, "op-one"), (bob, "op-two"), (carol, "op-three")] {
        node.ok(vec![Msg::from(MsgRegisterOperator {
            sender: who,
            moniker: name.into(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        })]);
    }
    let (op, svc, pool) = (OperatorId(1), ServiceId(1), PoolId(1));
    node.ok(vec![
        MsgCreateService {
            sender: bob,
            name: "oracle".into(),
            description: "prices".into(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        }
        .into(),
        MsgActivateService {
            sender: bob,
            service_id: svc,
        }
        .into(),
        MsgAddOperatorToAllowList {
            sender: bob,
            service_id: svc,
            operator_id: op,
        }
        .into(),
    ]);
    node.ok(vec![
        MsgJoinService {
            sender: alice,
            operator_id: op,
            service_id: svc,
        }
        .into(),
    ]);
    node.ok(vec![
        MsgDelegatePool {
            delegator: carol,
            amount: coin("1000uatom"),
        }
        .into(),
        MsgDelegatePool {
            delegator: carol,
            amount: coin("500utia"),
        }
        .into(),
        MsgDelegateOperator {
            delegator: carol,
            operator_id: op,
            amount: coins("300uatom"),
        }
        .into(),
        MsgDelegateService {
            delegator: carol,
            service_id: svc,
            amount: coins("200uatom"),
        }
        .into(),
    ]);
    node.ok(vec![
        MsgBorrowPoolSecurity {
            sender: bob,
            service_id: svc,
            pool_id: pool,
        }
        .into(),
    ]);
    node.ok(vec![
        MsgSetUserPreferences {
            user: carol,
            preferences: UserPreferences {
                trusted_services: vec![TrustedServiceEntry {
                    service_id: svc,
                    pool_ids: vec![pool],
                }],
            },
        }
        .into(),
    ]);
    // dave gets an account by being paid.
    node.ok(vec![
        MsgSend {
            from_address: alice,
            to_address: addr("dave"),
            amount: coins("5uphx"),
        }
        .into(),
    ]);
    node.ok(vec![
        MsgUndelegatePool {
            delegator: carol,
            amount: coin("100uatom"),
        }
        .into(),
    ]);
    Fixture { op, svc, pool }
}

/// Starts a fixture chain and the API on a free loopback port.
pub async fn start() -> (Arc<TestNode>, ApiServer, Fixture) {
    start_with(ApiConfig::default()).await
}

/// Like [`start`] with a custom config.
pub async fn start_with(config: ApiConfig) -> (Arc<TestNode>, ApiServer, Fixture) {
    let node = TestNode::new();
    let fx = fixture(&node);
    let view: Arc<dyn NodeView> = node.clone();
    let server = phalanx_api::serve("127.0.0.1:0".parse().unwrap(), view, config)
        .await
        .unwrap();
    (node, server, fx)
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Content-Type header.
    pub content_type: String,
    /// Body.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Opens a connection and sends one request; the response head only.
pub async fn open(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> hyper::Response<hyper::body::Incoming> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    let bytes = match body {
        Some((content_type, b)) => {
            req = req.header("content-type", content_type);
            b
        }
        None => Vec::new(),
    };
    let req = req.body(Full::new(Bytes::from(bytes))).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(40), sender.send_request(req))
        .await
        .expect("response within 40 s")
        .unwrap()
}

/// One request and its whole answer, bounded in time.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Resp {
    let res = open(addr, method, path, body).await;
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        res.into_body().collect(),
    )
    .await
    .expect("body within 10 s")
    .unwrap()
    .to_bytes()
    .to_vec();
    Resp {
        status,
        content_type,
        body,
    }
}

/// `GET path`.
pub async fn get(server: &ApiServer, path: &str) -> Resp {
    request(server.local_addr(), "GET", path, None).await
}

/// `GET path`, asserting 200 and JSON.
pub async fn get_ok(server: &ApiServer, path: &str) -> Value {
    let r = get(server, path).await;
    assert_eq!(r.status, 200, "GET {path}: {}", r.text());
    assert_eq!(r.content_type, "application/json", "GET {path}");
    r.json()
}

/// `GET path`, asserting the status and the error shape; returns the error body.
pub async fn get_err(server: &ApiServer, path: &str, status: u16) -> Value {
    let r = get(server, path).await;
    assert_eq!(r.status, status, "GET {path}: {}", r.text());
    let e = r.json();
    assert!(e["code"].as_u64().unwrap() > 0, "GET {path}: {e}");
    assert!(e["codespace"].is_string(), "GET {path}: {e}");
    assert!(
        !e["message"].as_str().unwrap().is_empty(),
        "GET {path}: {e}"
    );
    e
}

/// `POST path` with a body.
pub async fn post(server: &ApiServer, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
    request(
        server.local_addr(),
        "POST",
        path,
        Some((content_type, body)),
    )
    .await
}

/// The JSON bytes of an unsigned test transaction.
pub fn tx_bytes(msgs: Vec<Msg>) -> Vec<u8> {
    let sender = msgs[0].signer();
    serde_json::to_vec(&Tx { sender, msgs }).unwrap()
}

/// Base64 (standard) for request bodies.
pub fn b64(bytes: &[u8]) -> String {
    phalanx_api::encoding::base64(bytes)
}

/// Percent-encodes a query value (base64 keys hold `+`, `/`, `=`).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
