//! A small but real state machine shared by the engine tests: a hash chain over each block's
//! height, time and transactions, with a mempool.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_consensus::{AppHash, Block, ChainApp, TxReceiver};
use sha2::{Digest as _, Sha256};
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

/// What a validator's application has executed, kept outside the engine so it survives a crash
/// (as the node's redb store would).
#[derive(Default)]
pub struct ChainState {
    /// `hashes[h]` is the app hash after height `h` (index 0: genesis).
    pub hashes: Vec<AppHash>,
    /// Every `execute_finalized` call, in call order.
    pub executed: Vec<u64>,
    /// Timestamps of executed blocks, by height (index 0: genesis time).
    pub timestamps: Vec<u64>,
    /// Transactions executed, in order.
    pub txs: Vec<Vec<u8>>,
    /// Batches of gossiped transactions received.
    pub gossip_batches: usize,
    /// Application calls made on one of the tokio runtime's own threads (see
    /// [`on_tokio_runtime_thread`]), which the engine must not hold with synchronous work.
    pub calls_on_runtime_threads: Vec<&'static str>,
}

/// Whether the calling thread is one of the tokio runtime's own: its async workers or its
/// blocking pool, which tokio names `tokio-rt-worker` (`tokio-runtime-worker` in older releases)
/// when, as in Commonware's tokio runtime, no name is configured. The unnamed thread Commonware
/// starts for a dedicated task is not.
pub fn on_tokio_runtime_thread() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|name| name.starts_with("tokio-"))
}

impl ChainState {
    /// Records that `call` ran, on a runtime thread or not.
    fn note_thread(&mut self, call: &'static str) {
        if on_tokio_runtime_thread() {
            self.calls_on_runtime_threads.push(call);
        }
    }
}

impl ChainState {
    fn new() -> Self {
        Self {
            hashes: vec![Sha256::digest(b"genesis").into()],
            timestamps: vec![0],
            ..Self::default()
        }
    }
}

/// Admits gossiped transactions to a [`HashChainApp`]'s mempool, skipping those it holds.
struct GossipedTxs {
    mempool: Arc<Mutex<VecDeque<Vec<u8>>>>,
    state: Arc<Mutex<ChainState>>,
}

impl TxReceiver for GossipedTxs {
    fn receive_txs(&self, txs: Vec<Vec<u8>>) {
        {
            let mut state = self.state.lock().unwrap();
            state.gossip_batches += 1;
            state.note_thread("receive_txs");
        }
        let mut mempool = self.mempool.lock().unwrap();
        for tx in txs {
            if !mempool.contains(&tx) {
                mempool.push_back(tx);
            }
        }
    }
}

/// A hash-chain state machine: app_hash(h) = sha256(app_hash(h-1) || h || time || txs).
#[derive(Clone)]
pub struct HashChainApp {
    pub state: Arc<Mutex<ChainState>>,
    pub mempool: Arc<Mutex<VecDeque<Vec<u8>>>>,
    /// A deliberately faulty validator: from this height on its state transition differs.
    diverge_from: Option<u64>,
    /// Like the node's mempool: proposing does not remove transactions, only execution does.
    prune_at_execution: bool,
}

impl HashChainApp {
    pub fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new(ChainState::new())),
            mempool: Arc::new(Mutex::new(VecDeque::new())),
            diverge_from: None,
            prune_at_execution: false,
        }
    }

    pub fn diverging_from(height: u64) -> Self {
        Self {
            diverge_from: Some(height),
            ..Self::new()
        }
    }

    /// An app whose mempool keeps transactions until a block including them executes, as the
    /// node's does, so proposals must leave out those of unexecuted ancestors.
    pub fn pruning_at_execution() -> Self {
        Self {
            prune_at_execution: true,
            ..Self::new()
        }
    }

    pub fn submit(&self, tx: Vec<u8>) {
        self.mempool.lock().unwrap().push_back(tx);
    }

    /// Forgets every height above `height`, as a store that lost its last commits would.
    pub fn lose_blocks_above(&self, height: u64) {
        let mut state = self.state.lock().unwrap();
        state.hashes.truncate(height as usize + 1);
        state.timestamps.truncate(height as usize + 1);
    }

    pub fn hashes(&self) -> Vec<AppHash> {
        self.state.lock().unwrap().hashes.clone()
    }
}

impl ChainApp for HashChainApp {
    type Error = String;

    fn propose_txs(&mut self, max_bytes: usize, pending: &[&Block]) -> Vec<Vec<u8>> {
        let mut mempool = self.mempool.lock().unwrap();
        let mut out = Vec::new();
        let mut used = 0;
        if self.prune_at_execution {
            for tx in mempool.iter() {
                if pending.iter().any(|block| block.txs().contains(tx)) {
                    continue;
                }
                if used + tx.len() > max_bytes {
                    break;
                }
                used += tx.len();
                out.push(tx.clone());
            }
            return out;
        }
        while let Some(tx) = mempool.front() {
            if used + tx.len() > max_bytes {
                break;
            }
            used += tx.len();
            out.push(mempool.pop_front().unwrap());
        }
        out
    }

    fn tx_receiver(&self) -> Arc<dyn TxReceiver> {
        Arc::new(GossipedTxs {
            mempool: self.mempool.clone(),
            state: self.state.clone(),
        })
    }

    fn check_block(&mut self, block: &Block) -> bool {
        // Stateless rule of this toy chain: transactions are non-empty and never start with 0xFF.
        block
            .txs()
            .iter()
            .all(|tx| tx.first().is_some_and(|b| *b != 0xFF))
    }

    fn execute_finalized(&mut self, block: &Block) -> Result<AppHash, String> {
        let mut state = self.state.lock().unwrap();
        state.note_thread("execute_finalized");
        let height = block.height();
        if height != state.hashes.len() as u64 {
            return Err(format!(
                "asked to execute height {height} after {}",
                state.hashes.len() - 1
            ));
        }
        let mut hasher = Sha256::new();
        hasher.update(state.hashes.last().unwrap());
        hasher.update(height.to_be_bytes());
        hasher.update(block.timestamp_ms().to_be_bytes());
        if self.diverge_from.is_some_and(|from| height >= from) {
            hasher.update(b"a bug in this validator's state machine");
        }
        for tx in block.txs() {
            hasher.update((tx.len() as u64).to_be_bytes());
            hasher.update(tx);
        }
        let hash: AppHash = hasher.finalize().into();
        state.hashes.push(hash);
        state.executed.push(height);
        state.timestamps.push(block.timestamp_ms());
        state.txs.extend(block.txs().iter().cloned());
        // The mempool drops what the block included.
        let mut mempool = self.mempool.lock().unwrap();
        mempool.retain(|tx| !block.txs().contains(tx));
        Ok(hash)
    }

    fn last_executed(&self) -> (u64, AppHash) {
        let state = self.state.lock().unwrap();
        (state.hashes.len() as u64 - 1, *state.hashes.last().unwrap())
    }

    fn app_hash_at(&self, height: u64) -> Option<AppHash> {
        self.state
            .lock()
            .unwrap()
            .hashes
            .get(height as usize)
            .copied()
    }
}

pub fn assert_executed_exactly_once_in_order(app: &HashChainApp) {
    let state = app.state.lock().unwrap();
    let expected: Vec<u64> = (1..=state.executed.len() as u64).collect();
    assert_eq!(
        state.executed, expected,
        "heights executed out of order or twice"
    );
}
