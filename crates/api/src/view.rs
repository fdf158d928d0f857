//! What the API needs from a node, and nothing more: the [`NodeView`] trait and the plain data it
//! hands over.
//!
//! The API knows no storage engine and no consensus engine. The node implements [`NodeView`] over its
//! store, mempool and block index; tests implement it over an in-memory state. Every type here is plain
//! data (bytes in Rust, hex or base64 strings in JSON) so an implementation needs no HTTP knowledge.

use crate::encoding::{self, hex_upper};
use phalanx_app::{BlockResult, TxResult};
use phalanx_state::StateRead;
use phalanx_types::{Event, Timestamp};
use serde::{Serialize, Serializer};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// A boxed future, so [`NodeView`] stays object-safe (the API holds it as `Arc<dyn NodeView>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The node as the API sees it. Every method must return quickly and must never wait for block
/// execution: queries read a committed snapshot, submission only admits to the mempool.
///
/// The API makes the synchronous calls (snapshot reads, lookups, [`NodeView::submit_tx`] with its
/// signature check) on tokio's blocking pool, so an implementation may do CPU or disk work in them
/// without holding an async worker of the runtime it shares with the rest of the node. The one
/// exception is the default [`NodeView::wait_for_tx`], which calls [`NodeView::tx`] (an index read)
/// from the waiting task, once per committed block.
pub trait NodeView: Send + Sync + 'static {
    /// A read-only view of the latest committed state. The API holds it only while it answers one
    /// request, then drops it; an implementation over an MVCC store (redb) keeps writers unblocked.
    fn snapshot(&self) -> Result<Box<dyn StateSnapshot>, NodeError>;

    /// Chain id, latest height, app hash and node identity, for `/status` and `node_info`.
    fn status(&self) -> Result<NodeStatus, NodeError>;

    /// A committed block by height; `Ok(None)` when the node has no such block (not yet committed,
    /// or pruned).
    fn block(&self, height: u64) -> Result<Option<BlockView>, NodeError>;

    /// A committed transaction by hash; `Ok(None)` when unknown (not yet included, or never).
    fn tx(&self, hash: &TxHash) -> Result<Option<TxRecord>, NodeError>;

    /// Admits signed `TxRaw` bytes to the mempool after CheckTx-style checks (decode, signature,
    /// sequence, fee, stateless checks). Returns the hash clients use to follow the transaction.
    fn submit_tx(&self, tx_bytes: Vec<u8>) -> Result<TxHash, SubmitError>;

    /// Events of every committed block, as one batch per block **including blocks without events**,
    /// published after the block is committed (so [`NodeView::tx`] already finds its transactions).
    /// The default [`NodeView::wait_for_tx`] relies on that ordering.
    fn subscribe(&self) -> broadcast::Receiver<Arc<BlockEvents>>;

    /// Waits until `hash` is included in a committed block, for at most `timeout`; `Ok(None)` on
    /// timeout. The default checks [`NodeView::tx`] once now and again after every block batch from
    /// [`NodeView::subscribe`]; a node with a tx index that can notify directly may override it.
    fn wait_for_tx(
        &self,
        hash: TxHash,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<Option<TxRecord>, NodeError>> {
        Box::pin(async move {
            // Subscribe before the first look, so a block committed in between is not missed.
            let mut blocks = self.subscribe();
            let deadline = tokio::time::Instant::now()
                .checked_add(timeout)
                .unwrap_or_else(tokio::time::Instant::now);
            loop {
                if let Some(record) = self.tx(&hash)? {
                    return Ok(Some(record));
                }
                match tokio::time::timeout_at(deadline, blocks.recv()).await {
                    Err(_elapsed) => return Ok(None),
                    Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => continue,
                    Ok(Err(broadcast::error::RecvError::Closed)) => {
                        return Err(NodeError::Unavailable(
                            "the node stopped publishing blocks".into(),
                        ));
                    }
                }
            }
        })
    }
}

/// A committed state version, readable with the protocol's query functions.
pub trait StateSnapshot: StateRead + Send {
    /// Height of the block this snapshot shows (0 before the first block).
    fn height(&self) -> u64;

    /// The app hash this snapshot's proofs verify against.
    fn app_hash(&self) -> Vec<u8>;

    /// The value of `key` in this snapshot with a proof against [`StateSnapshot::app_hash`]. Proving in
    /// the snapshot (not in the node) keeps the proof and the answer on the same version. Stores without
    /// proofs keep the default, and `?prove=true` then answers 501.
    fn prove(&self, key: &[u8]) -> Result<KeyProof, ProveError> {
        let _ = key;
        Err(ProveError::Unsupported(
            "this node's state store does not produce proofs".into(),
        ))
    }
}

/// A proof of one key's value (or absence) in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProof {
    /// The value proven; `None` proves absence.
    pub value: Option<Vec<u8>>,
    /// The encoded proof (for the redb + JMT store: the borsh bytes of `phalanx_state::StateProof`).
    pub proof: Vec<u8>,
}

/// Why a proof could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    /// The store has no proofs (HTTP 501).
    #[error("proofs are not supported: {0}")]
    Unsupported(String),
    /// The store failed (HTTP 500).
    #[error("proof failed: {0}")]
    Failed(String),
}

/// A node-side failure that is not the client's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    /// The node cannot answer now (starting, stopping, syncing); clients may retry (HTTP 503).
    #[error("node unavailable: {0}")]
    Unavailable(String),
    /// Storage or another internal fault (HTTP 500).
    #[error("internal error: {0}")]
    Internal(String),
}

/// How a transaction submission failed; the API answers with the status of [`SubmitErrorKind`] and
/// the body `{code, codespace, message}`, so wallets can match the Cosmos codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SubmitError {
    /// Which HTTP status applies.
    pub kind: SubmitErrorKind,
    /// Stable error code within the codespace.
    pub code: u32,
    /// Module of the error (`sdk` for admission errors).
    pub codespace: String,
    /// What was wrong and what to do.
    pub message: String,
}

/// Classes of submission failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitErrorKind {
    /// The transaction is invalid (bad bytes, signature, sequence, fee...): HTTP 400.
    Rejected,
    /// The mempool is full or the node is not accepting transactions now: HTTP 503.
    Unavailable,
    /// The node failed: HTTP 500.
    Internal,
}

impl SubmitError {
    /// A rejection with the code of a state-machine error.
    pub fn rejected(e: &phalanx_types::Error) -> Self {
        let c = e.code();
        Self {
            kind: SubmitErrorKind::Rejected,
            code: c.code,
            codespace: c.codespace.to_string(),
            message: e.to_string(),
        }
    }

    /// The mempool cannot take the transaction now.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self {
            kind: SubmitErrorKind::Unavailable,
            code: 20, // Cosmos ErrMempoolIsFull
            codespace: "sdk".into(),
            message: message.into(),
        }
    }
}

impl From<phalanx_types::Error> for SubmitError {
    /// Storage faults are internal; everything else is the transaction's fault.
    fn from(e: phalanx_types::Error) -> Self {
        match e {
            phalanx_types::Error::State(_) => Self {
                kind: SubmitErrorKind::Internal,
                code: 1,
                codespace: "sdk".into(),
                message: e.to_string(),
            },
            other => Self::rejected(&other),
        }
    }
}

/// A transaction hash: sha256 of the `TxRaw` bytes, shown as upper-case hex as Cosmos shows it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxHash(pub [u8; 32]);

impl fmt::Display for TxHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_upper(&self.0))
    }
}

impl fmt::Debug for TxHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for TxHash {
    type Err = String;

    /// Accepts 64 hex digits in either case, with an optional `0x` prefix.
    fn from_str(s: &str) -> Result<Self, String> {
        let digits = s.strip_prefix("0x").unwrap_or(s);
        let bytes = encoding::decode_hex(digits)
            .map_err(|e| format!("invalid transaction hash {s:?}: {e}"))?;
        let arr: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            format!(
                "invalid transaction hash {s:?}: {} bytes, expected 32",
                b.len()
            )
        })?;
        Ok(Self(arr))
    }
}

impl Serialize for TxHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Node status for `/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeStatus {
    /// Chain id transactions must be signed for.
    pub chain_id: String,
    /// Height of the latest committed block (0 before the first).
    pub latest_height: u64,
    /// App hash after the latest committed block (hex in JSON).
    #[serde(serialize_with = "encoding::ser_hex")]
    pub latest_app_hash: Vec<u8>,
    /// Header time of the latest committed block (RFC 3339 in JSON).
    pub latest_block_time: Timestamp,
    /// Lowest height whose block and proofs the node still serves.
    pub earliest_height: u64,
    /// Whether the node is still catching up with the network.
    pub catching_up: bool,
    /// The node's p2p identity (hex public key or similar).
    pub node_id: String,
    /// Human-readable node name.
    pub moniker: String,
    /// Software version.
    pub version: String,
}

/// A committed block as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockView {
    /// The header.
    pub header: BlockHeaderView,
    /// Hashes of the block's transactions, in block order.
    pub tx_hashes: Vec<TxHash>,
    /// Execution results, when the node keeps them.
    pub results: Option<BlockResult>,
}

/// Header fields every consensus engine can supply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockHeaderView {
    /// Chain id.
    pub chain_id: String,
    /// Height.
    pub height: u64,
    /// Header time (RFC 3339 in JSON).
    pub time: Timestamp,
    /// Block hash (hex in JSON; empty when the engine has none).
    #[serde(serialize_with = "encoding::ser_hex")]
    pub hash: Vec<u8>,
    /// Parent block hash (hex in JSON).
    #[serde(serialize_with = "encoding::ser_hex")]
    pub parent_hash: Vec<u8>,
    /// The app hash this header commits to (hex in JSON), as the node's design defines it.
    #[serde(serialize_with = "encoding::ser_hex")]
    pub app_hash: Vec<u8>,
    /// Proposer identity (hex or bech32; empty when unknown).
    pub proposer: String,
}

/// A transaction found in a committed block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRecord {
    /// Its hash.
    pub hash: TxHash,
    /// Block height.
    pub height: u64,
    /// Position in the block.
    pub index: u32,
    /// Header time of the block.
    pub time: Timestamp,
    /// Execution result: code, codespace, log, events, responses, gas.
    pub result: TxResult,
    /// The `TxRaw` bytes, when the node keeps them.
    pub tx_bytes: Option<Vec<u8>>,
}

/// Events of one committed block, published on [`NodeView::subscribe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEvents {
    /// The block's height.
    pub height: u64,
    /// Every event of the block in emission order (begin block, transactions, end block).
    pub events: Vec<Event>,
}
