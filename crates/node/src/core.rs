//! The node's shared core: the persistent state, the block index, the mempool and the event feed.
//! Consensus drives it through [`phalanx_consensus::ChainApp`]; the API reads it through
//! [`phalanx_api::NodeView`]. Both are implemented here over one `Arc<NodeCore>`.

use crate::index::{Index, IndexedBlock};
use commonware_codec::DecodeExt as _;
use phalanx_api::{
    BlockEvents, BlockHeaderView, BlockView, KeyProof, NodeError, NodeStatus, NodeView, ProveError,
    StateSnapshot, SubmitError, TxHash, TxRecord,
};
use phalanx_app::mempool::{Checked, Mempool, MempoolError};
use phalanx_app::signature_cache::SignatureCache;
use phalanx_app::{BlockHeader, Genesis, execute_signed_block_with};
use phalanx_consensus::{
    AppHash, Block, ChainApp, EpochValidator, PublicKey, TxGossip, TxReceiver,
};
use phalanx_state::{Entry, PersistentState, Snapshot, StateError, StateRead};
use phalanx_types::Timestamp;
use phalanx_types::proto::tx::{TxLimits, decode_tx_with_limits, tx_hash};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::broadcast;

/// Everything the node keeps between blocks.
pub struct NodeCore {
    store: PersistentState,
    index: Index,
    mempool: Mutex<Mempool>,
    /// The mempool's verified signatures: block execution skips them, and submissions verify into
    /// it before taking the mempool's lock.
    signatures: Arc<SignatureCache>,
    /// Where transactions admitted from clients are queued for the other validators; set once
    /// consensus has started (before that, they wait in the local mempool only).
    gossip: OnceLock<TxGossip>,
    events: broadcast::Sender<Arc<BlockEvents>>,
    /// The decoding limits of the chain's tx params, which [`ChainApp::check_block`] holds proposed
    /// transactions to. Read once at open: the params are set at genesis and never written after,
    /// so every node holds the same limits whatever height it has executed.
    tx_limits: TxLimits,
    chain_id: String,
    moniker: String,
    node_id: String,
}

/// Why the node could not start or execute.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Storage failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The app refused (genesis invalid, block inconsistent).
    #[error(transparent)]
    App(#[from] phalanx_types::Error),
    /// The block index failed.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// A validator key in state is not a usable consensus key.
    #[error("validator set in state: {0}")]
    Validator(String),
    /// The genesis file is another chain's than the stored state's: signatures would verify
    /// against the stored chain id while the node reports the file's.
    #[error(
        "the genesis file is for chain {genesis:?} but the stored state is chain {stored:?}; \
         use the genesis file of {stored:?}, or start chain {genesis:?} from an empty data directory"
    )]
    ChainIdMismatch {
        /// The genesis file's chain id.
        genesis: String,
        /// The chain id in the stored state.
        stored: String,
    },
}

impl NodeCore {
    /// Opens the node's state; a fresh store gets `genesis` committed as height 0. Refuses a store
    /// whose recorded app hash, block record and tree root disagree
    /// ([`PersistentState::check_consistency`]), one of another chain than `genesis`, and stored tx
    /// params that the consensus layer cannot carry: each would otherwise surface later, as a
    /// diverging app hash, signatures checked against another chain id than the one reported, or
    /// transactions stuck in the pool.
    pub fn open(
        store: PersistentState,
        index: Index,
        genesis: &Genesis,
        mempool: Mempool,
        moniker: String,
        node_id: String,
    ) -> Result<Arc<Self>, CoreError> {
        if store.last_applied_height()?.is_none() {
            let mut buffer = store.begin_block(0)?;
            phalanx_app::init_genesis(&mut buffer, genesis)?;
            buffer.commit()?;
        }
        store.check_consistency()?;
        let snapshot = store.snapshot()?;
        let stored = phalanx_app::chain_id(&snapshot)?;
        if stored != genesis.chain_id {
            return Err(CoreError::ChainIdMismatch {
                genesis: genesis.chain_id.clone(),
                stored,
            });
        }
        // Params stored by a build that did not bound max_tx_bytes are refused here rather than
        // leave oversized transactions stuck in the pool.
        let params = phalanx_app::ante::tx_params(&snapshot)?;
        params.validate()?;
        let (events, _) = broadcast::channel(256);
        Ok(Arc::new(Self {
            store,
            index,
            signatures: mempool.signatures(),
            mempool: Mutex::new(mempool),
            gossip: OnceLock::new(),
            events,
            tx_limits: params.tx_limits(),
            chain_id: genesis.chain_id.clone(),
            moniker,
            node_id,
        }))
    }

    /// Connects the mempool to consensus's transaction gossip; later calls are ignored.
    pub fn set_gossip(&self, gossip: TxGossip) {
        let _ = self.gossip.set(gossip);
    }
}

/// Consensus hands gossiped transactions to the core itself, not to [`NodeApp`] under the engine's
/// lock: their signature checks then hold up neither block execution nor voting.
impl TxReceiver for NodeCore {
    /// Admits transactions gossiped by another validator (no re-gossip); invalid ones and
    /// duplicates are dropped, as the sender's own checks may have run against a different state.
    /// The checks run before the mempool's lock is taken, so concurrent admissions run in parallel;
    /// as for a submission, those already waiting or without room in the pool are dropped first,
    /// so a peer resending them costs no signature verification.
    fn receive_txs(&self, txs: Vec<Vec<u8>>) {
        let txs: Vec<Vec<u8>> = match self.mempool.lock() {
            Ok(pool) => txs
                .into_iter()
                .filter(|tx| pool.check_room(&tx_hash(tx), tx.len()).is_ok())
                .collect(),
            Err(_) => return,
        };
        let Ok(snap) = self.store.snapshot() else {
            return;
        };
        let next = snap.height().unwrap_or(0).saturating_add(1);
        let checked: Vec<Checked> = txs
            .into_iter()
            .map(|tx| Mempool::check_ahead(&snap, tx, next, &self.signatures))
            .collect();
        if let Ok(mut pool) = self.mempool.lock() {
            for tx in checked {
                let _ = pool.insert_checked(&snap, tx);
            }
        }
    }
}

impl NodeCore {
    /// The last executed height and the app hash after it.
    pub fn last_executed(&self) -> Result<(u64, AppHash), StateError> {
        Ok((
            self.store.last_applied_height()?.unwrap_or(0),
            self.store.app_hash()?.0,
        ))
    }

    /// The consensus validators of the epoch after the last executed block, with their p2p
    /// addresses, and the epoch length: read from state, since the validator set is chain state
    /// (genesis, then `MsgUpdateValidatorSet` and jails applied at epoch boundaries).
    pub fn consensus_validators(&self) -> Result<(u64, Vec<EpochValidator>), CoreError> {
        let snapshot = self.store.snapshot()?;
        let params = phalanx_protocol::validators::params(&snapshot)?;
        let active = phalanx_protocol::validators::active_set(&snapshot)?;
        let validators = active
            .validators
            .iter()
            .map(|v| {
                let key = PublicKey::decode(v.key_bytes()?.to_vec()).map_err(|e| {
                    CoreError::Validator(format!("key {} does not decode: {e}", v.public_key))
                })?;
                Ok((key, v.p2p_address.parse().ok()))
            })
            .collect::<Result<_, CoreError>>()?;
        Ok((params.epoch_length, validators))
    }

    /// Executes a finalized block (its transactions, then its equivocation evidence), commits
    /// state, indexes it, prunes the mempool and publishes events.
    pub fn execute(&self, block: &Block) -> Result<AppHash, CoreError> {
        let height = block.height();
        let time = Timestamp(block.timestamp_ms().saturating_mul(1_000_000));
        let header = BlockHeader { height, time };
        let mut buffer = self.store.begin_block(height)?;
        let mut result =
            execute_signed_block_with(&mut buffer, &header, block.txs(), Some(&self.signatures))?;
        // Equivocation evidence (verified by every validator before voting) is recorded in the
        // same state commit, after the transactions; its events close the block's events.
        for evidence in block.evidence() {
            if let Some(event) = phalanx_protocol::validators::record_equivocation(
                &mut buffer,
                &evidence.validator_bytes(),
                evidence.view(),
                evidence.kind().as_str(),
                height,
                time,
            )? {
                result.end_events.push(event);
            }
        }
        let hashes: Vec<[u8; 32]> = block.txs().iter().map(|t| tx_hash(t)).collect();
        let indexed = IndexedBlock {
            height,
            time,
            hash: block.digest_bytes(),
            parent_hash: block.parent().as_ref().try_into().unwrap_or([0u8; 32]),
            tx_hashes: hashes.clone(),
            results: result,
        };
        let pairs: Vec<(Vec<u8>, [u8; 32])> = block
            .txs()
            .iter()
            .cloned()
            .zip(hashes.iter().copied())
            .collect();
        // Index first, state second: see the index module for why this order survives a crash.
        self.index.record(&indexed, &pairs)?;
        // What the mempool must re-check depends on the keys the block wrote.
        let written = self
            .mempool
            .lock()
            .map(|pool| pool.written_keys(buffer.writes().keys()))
            .ok();
        let app_hash = buffer.commit()?;
        let snapshot = self.store.snapshot()?;
        if let (Ok(mut pool), Some(written)) = (self.mempool.lock(), written) {
            pool.update(&snapshot, height, &hashes, written);
        }
        let IndexedBlock { results, .. } = indexed;
        let mut events = results.begin_events;
        for tx in results.tx_results {
            events.extend(tx.events);
        }
        events.extend(results.end_events);
        // Nobody listening is fine: the feed is best effort for live subscribers.
        let _ = self.events.send(Arc::new(BlockEvents { height, events }));
        Ok(app_hash.0)
    }
}

/// The consensus side of the node.
pub struct NodeApp(pub Arc<NodeCore>);

impl ChainApp for NodeApp {
    type Error = CoreError;

    fn propose_txs(&mut self, max_bytes: usize, pending: &[&Block]) -> Vec<Vec<u8>> {
        let ordered: BTreeSet<[u8; 32]> = pending
            .iter()
            .flat_map(|block| block.txs().iter().map(|t| tx_hash(t)))
            .collect();
        let max_gas = self
            .0
            .store
            .snapshot()
            .ok()
            .and_then(|s| phalanx_app::ante::tx_params(&s).ok())
            .map(|p| p.max_block_gas)
            .unwrap_or(0);
        match self.0.mempool.lock() {
            Ok(pool) => pool.reap_excluding(max_bytes, max_gas, &ordered),
            Err(_) => Vec::new(),
        }
    }

    fn tx_receiver(&self) -> Arc<dyn TxReceiver> {
        self.0.clone()
    }

    fn check_block(&mut self, block: &Block) -> bool {
        // Only what every honest node can check the same way, whatever it has executed: each
        // transaction decodes within the chain's limits (fixed at genesis). Signatures, sequences
        // and fees are checked at execution, where a failure costs the proposer's block space, not
        // the chain's safety.
        let limits = &self.0.tx_limits;
        block
            .txs()
            .iter()
            .all(|t| decode_tx_with_limits(t, limits).is_ok())
    }

    fn execute_finalized(&mut self, block: &Block) -> Result<AppHash, CoreError> {
        self.0.execute(block)
    }

    fn last_executed(&self) -> (u64, AppHash) {
        self.0.last_executed().unwrap_or((0, [0u8; 32]))
    }

    fn app_hash_at(&self, height: u64) -> Option<AppHash> {
        self.0
            .store
            .block(height)
            .ok()
            .flatten()
            .map(|r| r.app_hash.0)
    }

    fn next_validators(&mut self) -> Result<Option<Vec<EpochValidator>>, CoreError> {
        // A chain without a validator registry in state (tools, old tests) keeps its set.
        let (_, validators) = self.0.consensus_validators()?;
        Ok((!validators.is_empty()).then_some(validators))
    }
}

/// A committed state version for the API.
struct ApiSnapshot(Snapshot);

impl StateRead for ApiSnapshot {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.0.get(key)
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        self.0.range(start, end, limit)
    }
}

impl StateSnapshot for ApiSnapshot {
    fn height(&self) -> u64 {
        self.0.height().unwrap_or(0)
    }

    fn app_hash(&self) -> Vec<u8> {
        self.0.app_hash().0.to_vec()
    }

    fn prove(&self, key: &[u8]) -> Result<KeyProof, ProveError> {
        let (value, proof) = self
            .0
            .prove(key)
            .map_err(|e| ProveError::Failed(e.to_string()))?;
        let proof = proof
            .to_bytes()
            .map_err(|e| ProveError::Failed(e.to_string()))?;
        Ok(KeyProof { value, proof })
    }
}

fn internal(e: impl std::fmt::Display) -> NodeError {
    NodeError::Internal(e.to_string())
}

/// How a submission the mempool refused is reported to the client.
fn submit_error(e: MempoolError) -> SubmitError {
    match e {
        MempoolError::Rejected(e) => e.into(),
        e @ MempoolError::Duplicate(_) => SubmitError {
            kind: phalanx_api::SubmitErrorKind::Rejected,
            code: 19,
            codespace: "sdk".into(),
            message: e.to_string(),
        },
        e @ MempoolError::Full(_) => SubmitError::unavailable(e.to_string()),
    }
}

impl NodeCore {
    /// The mempool, or the error a submission reports when its lock is poisoned.
    fn lock_mempool(&self) -> Result<std::sync::MutexGuard<'_, Mempool>, SubmitError> {
        self.mempool
            .lock()
            .map_err(|_| SubmitError::unavailable("mempool lock poisoned"))
    }
}

impl NodeView for NodeCore {
    fn snapshot(&self) -> Result<Box<dyn StateSnapshot>, NodeError> {
        Ok(Box::new(ApiSnapshot(
            self.store.snapshot().map_err(internal)?,
        )))
    }

    fn status(&self) -> Result<NodeStatus, NodeError> {
        let snap = self.store.snapshot().map_err(internal)?;
        Ok(NodeStatus {
            chain_id: self.chain_id.clone(),
            latest_height: snap.height().unwrap_or(0),
            latest_app_hash: snap.app_hash().0.to_vec(),
            latest_block_time: phalanx_app::last_block_time(&snap).map_err(internal)?,
            earliest_height: 0,
            catching_up: false,
            node_id: self.node_id.clone(),
            moniker: self.moniker.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }

    fn block(&self, height: u64) -> Result<Option<BlockView>, NodeError> {
        // The state's own block record is the commit point; an index entry without it is not
        // committed yet (see the index module).
        let Some(record) = self.store.block(height).map_err(internal)? else {
            return Ok(None);
        };
        let Some(b) = self.index.block(height).map_err(internal)? else {
            return Ok(None);
        };
        Ok(Some(BlockView {
            header: BlockHeaderView {
                chain_id: self.chain_id.clone(),
                height: b.height,
                time: b.time,
                hash: b.hash.to_vec(),
                parent_hash: b.parent_hash.to_vec(),
                app_hash: record.app_hash.0.to_vec(),
                proposer: String::new(),
            },
            tx_hashes: b.tx_hashes.iter().map(|h| TxHash(*h)).collect(),
            results: Some(b.results),
        }))
    }

    fn tx(&self, hash: &TxHash) -> Result<Option<TxRecord>, NodeError> {
        let committed = self
            .store
            .last_applied_height()
            .map_err(internal)?
            .unwrap_or(0);
        let found = self.index.tx(&hash.0).map_err(internal)?;
        Ok(found.filter(|t| t.height <= committed).map(|t| TxRecord {
            hash: *hash,
            height: t.height,
            index: t.index,
            time: t.time,
            result: t.result,
            tx_bytes: Some(t.tx_bytes),
        }))
    }

    fn submit_tx(&self, tx_bytes: Vec<u8>) -> Result<TxHash, SubmitError> {
        let snap = self
            .store
            .snapshot()
            .map_err(|e| SubmitError::unavailable(e.to_string()))?;
        let next = snap.height().unwrap_or(0).saturating_add(1);
        // A duplicate, or a full pool, is refused before the signature is verified: otherwise
        // anyone could make a full node verify (and cache) signatures for nothing.
        self.lock_mempool()?
            .check_room(&tx_hash(&tx_bytes), tx_bytes.len())
            .map_err(submit_error)?;
        // The costly checks (the signature above all) before the mempool's lock is taken.
        let checked = Mempool::check_ahead(&snap, tx_bytes, next, &self.signatures);
        let copy = self.gossip.get().map(|_| checked.bytes().to_vec());
        let mut pool = self.lock_mempool()?;
        let hash = pool.insert_checked(&snap, checked).map_err(submit_error)?;
        drop(pool);
        if let (Some(gossip), Some(bytes)) = (self.gossip.get(), copy) {
            gossip.broadcast(bytes);
        }
        Ok(TxHash(hash))
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<BlockEvents>> {
        self.events.subscribe()
    }
}
