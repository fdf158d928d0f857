//! The block-level Commonware `Application` over a [`ChainApp`].
//!
//! This is the only place that implements Commonware's ALPHA `Application` trait; marshal's
//! `Inline` wrapper turns it into the automaton, relay and reporter simplex needs. Proposal paces
//! block production and fills the header; verification checks only what every honest node can
//! compute: linkage, time, the executed-height claim against its own executed state, and the
//! application's stateless checks.

use crate::{
    app::ChainApp,
    block::{AppHash, Block, BlockLimits},
    epochs::Schemes,
    evidence::{EvidenceId, EvidencePool},
};
use commonware_consensus::{
    Application,
    marshal::ancestry::Ancestry,
    simplex::{scheme::ed25519::Scheme, types::Context},
};
use commonware_cryptography::{Digested, Digestible, ed25519::PublicKey};
use commonware_runtime::{Clock, Spawner};
use commonware_utils::{channel::watch, sync::Mutex};
use futures::StreamExt as _;
use rand_core::CryptoRng;
use std::{
    future::Future,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};
use tracing::{debug, warn};

/// Consensus context for a proposal: round, leader and parent.
pub(crate) type ProposalContext = Context<crate::block::BlockDigest, PublicKey>;

/// The latest executed height and app hash, as published by the executor.
pub(crate) type Executed = (u64, AppHash);

/// State shared by proposal, verification and execution.
pub(crate) struct Shared<A> {
    /// The application, behind a lock because all three paths call it.
    pub(crate) app: Mutex<A>,
    /// Decoding limits, also applied to what we propose.
    pub(crate) limits: BlockLimits,
    /// Target interval between a block and its child.
    pub(crate) block_time: Duration,
    /// How far ahead of our clock a proposal's timestamp may be before we wait for our clock.
    pub(crate) max_clock_drift: Duration,
    /// Equivocation evidence detected and not yet executed.
    pub(crate) evidence: EvidencePool,
    /// Every known epoch's validator set, for checking evidence in proposals.
    pub(crate) schemes: Schemes,
}

/// The block-level application handed to marshal's `Inline` wrapper.
pub(crate) struct Adapter<A> {
    shared: Arc<Shared<A>>,
    executed: watch::Receiver<Executed>,
}

impl<A> Clone for Adapter<A> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            executed: self.executed.clone(),
        }
    }
}

impl<A: ChainApp> Adapter<A> {
    pub(crate) const fn new(shared: Arc<Shared<A>>, executed: watch::Receiver<Executed>) -> Self {
        Self { shared, executed }
    }
}

/// Milliseconds since the Unix epoch on `clock` (0 before the epoch, saturating far after it).
pub(crate) fn now_ms(clock: &impl Clock) -> u64 {
    millis_since_epoch(clock.current())
}

fn millis_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Keeps transactions in order while they fit the limits; drops the rest.
fn fit_to_limits(txs: Vec<Vec<u8>>, limits: &BlockLimits) -> Vec<Vec<u8>> {
    let mut kept = Vec::with_capacity(txs.len().min(limits.max_txs));
    let mut total = 0usize;
    for tx in txs {
        if kept.len() >= limits.max_txs {
            break;
        }
        if tx.len() > limits.max_tx_bytes {
            continue;
        }
        let Some(next) = total.checked_add(tx.len()) else {
            continue;
        };
        if next > limits.max_block_tx_bytes {
            continue;
        }
        total = next;
        kept.push(tx);
    }
    kept
}

/// Most unexecuted ancestors a proposal walks back through to exclude their transactions.
///
/// Normally one or two blocks sit between notarization and execution; a node far behind (just
/// restarted, catching up) proposes empty blocks instead of walking an unbounded ancestry.
const MAX_UNEXECUTED_ANCESTORS: usize = 64;

/// The parent and its ancestors above `executed_height`, newest first, or `None` when there are
/// more than [`MAX_UNEXECUTED_ANCESTORS`] (or the ancestry ends early).
async fn unexecuted_ancestors(
    parent: &Digested<Block>,
    ancestry: &mut impl Ancestry<Block>,
    executed_height: u64,
) -> Option<Vec<Digested<Block>>> {
    let mut pending = Vec::new();
    let mut next = Some(parent.clone());
    while let Some(block) = next {
        if block.inner().height() <= executed_height {
            return Some(pending);
        }
        if pending.len() >= MAX_UNEXECUTED_ANCESTORS {
            return None;
        }
        pending.push(block);
        next = ancestry.next().await;
    }
    None
}

/// Why a block is permanently invalid relative to its parent (checked before any waiting).
fn linkage_error(
    block: &Block,
    parent: &Block,
    parent_digest: crate::block::BlockDigest,
) -> Option<&'static str> {
    if block.parent() != parent_digest {
        return Some("parent digest mismatch");
    }
    if parent.height().checked_add(1) != Some(block.height()) {
        return Some("height is not parent height plus one");
    }
    if block.timestamp_ms() <= parent.timestamp_ms() {
        return Some("timestamp not after parent's");
    }
    if block.executed_height() < parent.executed_height() {
        return Some("executed height went backwards");
    }
    if block.executed_height() > parent.height() {
        return Some("executed height above parent height");
    }
    if block.executed_height() == parent.executed_height() && block.app_hash() != parent.app_hash()
    {
        return Some("app hash differs from parent's for the same executed height");
    }
    None
}

/// Why a block's evidence is invalid: a duplicate, a fault of another epoch than the block's
/// round (only that epoch's set is sure to be known to every verifier), or signatures that do
/// not prove the named validator equivocated.
fn evidence_error(
    block: &Block,
    rng: &mut impl CryptoRng,
    schemes: &Schemes,
    epoch: u64,
) -> Option<&'static str> {
    let mut seen: Vec<EvidenceId> = Vec::with_capacity(block.evidence().len());
    for item in block.evidence() {
        let id = item.id();
        if seen.contains(&id) {
            return Some("duplicate evidence");
        }
        if item.epoch() != epoch {
            return Some("evidence from another epoch");
        }
        let Some(verifier) = schemes.get(epoch) else {
            return Some("evidence of an epoch whose validators are unknown here");
        };
        if !item.verify(rng, &verifier) {
            return Some("evidence signatures do not verify");
        }
        seen.push(id);
    }
    None
}

/// Runs `f` with the application locked, as a task that may block: under tokio on the blocking pool,
/// so a proposal or verification that waits for the lock while a block executes never parks an
/// async worker (the deterministic runtime ignores the hint). `None` if the task could not finish.
async fn with_app<E, A, T>(
    runtime: &E,
    shared: &Arc<Shared<A>>,
    f: impl FnOnce(&mut A) -> T + Send + 'static,
) -> Option<T>
where
    E: Spawner,
    A: ChainApp,
    T: Send + 'static,
{
    let shared = Arc::clone(shared);
    runtime
        .child("application")
        .shared(true)
        .spawn(move |_| async move { f(&mut shared.app.lock()) })
        .await
        .ok()
}

impl<E, A> Application<E> for Adapter<A>
where
    E: Clock + CryptoRng + Spawner + Send + Sync + 'static,
    A: ChainApp,
{
    type SigningScheme = Scheme;
    type Context = ProposalContext;
    type Block = Block;
    type Input = ();

    fn propose(
        &mut self,
        (runtime, context): (E, Self::Context),
        mut ancestry: impl Ancestry<Self::Block>,
        _input: (),
    ) -> impl Future<Output = Option<Digested<Self::Block>>> + Send {
        let shared = self.shared.clone();
        let executed = self.executed.clone();
        async move {
            let parent_block = ancestry.next().await?;
            let parent_digest = parent_block.digest();
            let parent = parent_block.inner();

            // Pace production: a child no earlier than `block_time` after its parent, so an idle
            // chain makes one (empty) block per interval instead of one per network round trip.
            let target = parent
                .timestamp_ms()
                .saturating_add(duration_ms(shared.block_time));
            let now = now_ms(&runtime);
            if now < target {
                runtime
                    .sleep(Duration::from_millis(target.saturating_sub(now)))
                    .await;
            }
            let timestamp_ms = now_ms(&runtime).max(parent.timestamp_ms().checked_add(1)?);
            let height = parent.height().checked_add(1)?;

            // Commit to the latest height we executed; if we lag behind what the parent already
            // claims (say right after a restart), repeat the parent's claim, which was verified.
            let (mut executed_height, mut app_hash) = *executed.borrow();
            if executed_height < parent.executed_height() || executed_height > parent.height() {
                executed_height = parent.executed_height();
                app_hash = parent.app_hash();
            }

            // Ancestors that are notarized or finalized but not executed here yet: their
            // transactions are still in our mempool (it is pruned at execution), so the
            // application must leave them out or the same transaction would be ordered twice.
            let local_executed = executed.borrow().0;
            let (txs, evidence) = match unexecuted_ancestors(
                &parent_block,
                &mut ancestry,
                local_executed,
            )
            .await
            {
                Some(pending) => {
                    let pending: Vec<&Block> = pending.iter().map(|block| block.inner()).collect();
                    // Evidence already in an unexecuted ancestor waits for its execution.
                    let ordered: Vec<EvidenceId> = pending
                        .iter()
                        .flat_map(|block| block.evidence().iter().map(|e| e.id()))
                        .collect();
                    let evidence = shared
                        .evidence
                        .take_for_proposal(&ordered, context.round.epoch().get());
                    let pending: Vec<Block> = pending.into_iter().cloned().collect();
                    let max_bytes = shared.limits.max_block_tx_bytes;
                    let txs = with_app(&runtime, &shared, move |app| {
                        let pending: Vec<&Block> = pending.iter().collect();
                        app.propose_txs(max_bytes, &pending)
                    })
                    .await?;
                    (txs, evidence)
                }
                None => {
                    warn!(round = %context.round, height, "too many unexecuted ancestors; proposing an empty block");
                    (Vec::new(), Vec::new())
                }
            };
            let txs = fit_to_limits(txs, &shared.limits);
            let block = Block::new(
                height,
                parent_digest,
                timestamp_ms,
                executed_height,
                app_hash,
                txs,
            )
            .with_evidence(evidence);
            debug!(
                round = %context.round,
                height,
                txs = block.txs().len(),
                "proposing block"
            );
            let digest = block.block_digest();
            Some(Digested::precomputed(block, digest))
        }
    }

    fn verify(
        &mut self,
        (mut runtime, context): (E, Self::Context),
        mut ancestry: impl Ancestry<Self::Block>,
    ) -> impl Future<Output = bool> + Send {
        let shared = self.shared.clone();
        let mut executed = self.executed.clone();
        async move {
            // Marshal yields the proposed block first, then its parent.
            let Some(block) = ancestry.next().await else {
                return false;
            };
            let Some(parent) = ancestry.next().await else {
                return false;
            };
            let block = block.inner();
            if let Some(reason) = linkage_error(block, parent.inner(), parent.digest()) {
                warn!(round = %context.round, height = block.height(), reason, "rejecting block");
                return false;
            }
            if block.txs().len() > shared.limits.max_txs
                || block.tx_bytes() > shared.limits.max_block_tx_bytes
            {
                warn!(round = %context.round, "rejecting block over the size limits");
                return false;
            }
            if let Some(reason) = evidence_error(
                block,
                &mut runtime,
                &shared.schemes,
                context.round.epoch().get(),
            ) {
                warn!(round = %context.round, reason, "rejecting block with invalid evidence");
                return false;
            }

            // A timestamp ahead of our clock is a temporary condition: wait for our clock to
            // reach it (less the tolerated drift) instead of voting against it. Consensus drops
            // this future if the view moves on meanwhile.
            let drift = duration_ms(shared.max_clock_drift);
            let earliest = block.timestamp_ms().saturating_sub(drift);
            let now = now_ms(&runtime);
            if earliest > now {
                runtime
                    .sleep(Duration::from_millis(earliest.saturating_sub(now)))
                    .await;
            }

            // The claimed app hash is for a finalized height; once we executed it ourselves we
            // can compare. Until then, wait: marshal delivers that height to us too.
            let claimed = block.executed_height();
            if executed
                .wait_for(|(height, _)| *height >= claimed)
                .await
                .is_err()
            {
                // The executor stopped, so the engine is shutting down: never conclude.
                return std::future::pending::<bool>().await;
            }
            let Some(local) =
                with_app(&runtime, &shared, move |app| app.app_hash_at(claimed)).await
            else {
                return false;
            };
            match local {
                Some(hash) if hash == block.app_hash() => {}
                Some(_) => {
                    warn!(round = %context.round, claimed, "rejecting block: app hash mismatch");
                    return false;
                }
                None => {
                    warn!(round = %context.round, claimed, "rejecting block: no app hash for the claimed height");
                    return false;
                }
            }
            let block = block.clone();
            with_app(&runtime, &shared, move |app| app.check_block(&block))
                .await
                .unwrap_or(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_to_limits_keeps_order_and_drops_what_does_not_fit() {
        let limits = BlockLimits {
            max_txs: 3,
            max_tx_bytes: 4,
            max_block_tx_bytes: 6,
        };
        let txs = vec![
            vec![1; 2],
            vec![2; 5], // too big alone
            vec![3; 3],
            vec![4; 2], // would exceed the block total
            vec![5; 1],
            vec![6; 1], // over the count
        ];
        assert_eq!(
            fit_to_limits(txs, &limits),
            vec![vec![1; 2], vec![3; 3], vec![5; 1]]
        );
    }

    #[test]
    fn millis_handle_times_before_the_epoch() {
        assert_eq!(millis_since_epoch(UNIX_EPOCH), 0);
        assert_eq!(
            millis_since_epoch(UNIX_EPOCH + Duration::from_millis(1_500)),
            1_500
        );
    }
}
