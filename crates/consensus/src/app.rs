//! The boundary between consensus and the Phalanx application.
//!
//! The node implements [`ChainApp`] over its mempool and state store; the engine calls it from
//! proposal, verification and finalized-block delivery. Keeping the boundary this narrow means the
//! application never sees a Commonware type (several of the block-level ones are ALPHA and change
//! between releases) and consensus never sees a transaction format.

use crate::block::{AppHash, Block};
use crate::epochs::EpochValidator;
use std::sync::Arc;

/// Admits transactions gossiped by other validators, without the lock the engine holds around
/// every [`ChainApp`] call. The gossip task asks [`ChainApp::tx_receiver`] for it once, at start:
/// admission verifies a signature per transaction and a batch may carry thousands, which under the
/// application's lock would stall proposal, verification and execution of finalized blocks.
pub trait TxReceiver: Send + Sync + 'static {
    /// Transactions another validator admitted and gossiped to us.
    ///
    /// Admit the valid ones to the mempool (duplicates and invalid ones are simply dropped) and do
    /// not gossip them again: validators are fully connected, so the sender reached everyone.
    /// Called concurrently with the [`ChainApp`] methods, so the mempool needs its own lock.
    fn receive_txs(&self, txs: Vec<Vec<u8>>);
}

/// What consensus needs from the application.
///
/// Calls are made from the engine's tasks under a lock, one at a time, so the implementation may
/// keep plain mutable state. They should return quickly: proposal and verification sit on the
/// consensus critical path, and execution delays the next acknowledgement to marshal.
pub trait ChainApp: Send + 'static {
    /// Error returned when a finalized block cannot be executed.
    ///
    /// Such an error is fatal for the node (the chain already agreed on the block), so the engine
    /// stops and reports it rather than skipping the block.
    type Error: std::fmt::Display + Send + 'static;

    /// Transactions for a new block, in order, taken from the mempool.
    ///
    /// The sum of their sizes should not exceed `max_bytes`, and each must fit the block limits;
    /// the engine drops any that do not rather than produce a block peers would reject. Returning
    /// an empty vector is fine: blocks are produced on schedule even when empty.
    ///
    /// `pending` holds the new block's ancestors that are ordered (notarized or finalized) but
    /// not executed here yet, newest first. Their transactions are typically still in the
    /// mempool, which is pruned only at execution; the application must not propose any of them
    /// again, or the same transaction would be included twice.
    fn propose_txs(&mut self, max_bytes: usize, pending: &[&Block]) -> Vec<Vec<u8>>;

    /// Where transactions gossiped by other validators are admitted, outside this trait's lock
    /// (see [`TxReceiver`]). Asked once, when the engine starts.
    fn tx_receiver(&self) -> Arc<dyn TxReceiver>;

    /// Cheap, stateless checks of a proposed block's transactions (decoding, signatures, sizes).
    ///
    /// Must give the same answer on every honest node for the same block, because consensus votes
    /// on it: no local state, no clock. Return `false` only when the block is invalid for good.
    fn check_block(&mut self, block: &Block) -> bool;

    /// Executes a finalized block and returns the app hash after it.
    ///
    /// The engine calls this exactly once per height, in height order, after finalization; it
    /// skips heights at or below [`ChainApp::last_executed`] (marshal may redeliver after a
    /// restart). The implementation must persist the new state, the hash and the height
    /// atomically before returning, so a crash leaves either the old or the new height.
    fn execute_finalized(&mut self, block: &Block) -> Result<AppHash, Self::Error>;

    /// The latest executed height and the app hash after it (`(0, genesis hash)` on a fresh
    /// chain). Read at start-up and after every execution.
    fn last_executed(&self) -> (u64, AppHash);

    /// App hash after executing `height`, if this node has executed it.
    ///
    /// Verification compares a proposal's claimed `(executed_height, app_hash)` against this, so
    /// the node must answer for every height it executed (its block index), including height 0
    /// (the genesis state). `None` for a height at or below [`ChainApp::last_executed`] makes the
    /// node reject proposals that claim it.
    fn app_hash_at(&self, height: u64) -> Option<AppHash>;

    /// The validators of the epoch that starts after the last executed block, with their p2p
    /// addresses, as the application's state records them (the validator set is chain state).
    ///
    /// The engine calls this right after executing the last block of an epoch (every
    /// [`EngineConfig::epoch_length`](crate::EngineConfig::epoch_length) blocks) and switches
    /// consensus to that set for the next epoch. The answer must be a function of the executed
    /// chain only, so every node derives the same set. `None` keeps the current set, for
    /// applications without a validator registry.
    fn next_validators(&mut self) -> Result<Option<Vec<EpochValidator>>, Self::Error> {
        Ok(None)
    }
}
