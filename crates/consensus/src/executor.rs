//! Execution after finality.
//!
//! Marshal reports finalized blocks in height order, at least once (a restart can redeliver).
//! [`FinalizedReporter`] hands them to one executor task that calls
//! [`ChainApp::execute_finalized`](crate::ChainApp::execute_finalized) exactly once per height,
//! skips heights already executed, checks that the block's app-hash claim matches our own
//! record (stopping if our state diverged from the network's), and acknowledges each block to marshal only after the
//! application has persisted it, so marshal's processed height never runs ahead of the state.

use crate::{
    adapter::{Executed, Shared},
    app::ChainApp,
    block::{Block, BlockDigest},
    epochs::{Orchestration, PeerTracker, Schemes},
    error::Error,
};
use commonware_actor::Feedback;
use commonware_consensus::{
    Heightable as _, Reporter,
    marshal::{Update, core::Mailbox, standard::Standard},
    simplex::scheme::ed25519::Scheme,
    types::{Epocher as _, FixedEpocher, Height},
};
use commonware_cryptography::ed25519::PublicKey;
use commonware_cryptography::{Digested, Digestible as _};
use commonware_utils::{
    Acknowledgement as _,
    acknowledgement::Exact,
    channel::{mpsc, watch},
};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use tracing::{debug, error, info};

/// A finalized block waiting for execution and its acknowledgement for marshal.
pub(crate) type Delivery = (Digested<Block>, Exact);

/// Marshal's reporter: queues finalized blocks for the executor and records the finalized tip.
#[derive(Clone)]
pub(crate) struct FinalizedReporter {
    deliveries: mpsc::UnboundedSender<Delivery>,
    finalized_tip: Arc<AtomicU64>,
}

impl FinalizedReporter {
    pub(crate) const fn new(
        deliveries: mpsc::UnboundedSender<Delivery>,
        finalized_tip: Arc<AtomicU64>,
    ) -> Self {
        Self {
            deliveries,
            finalized_tip,
        }
    }
}

impl Reporter for FinalizedReporter {
    type Activity = Update<Block>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        match activity {
            Update::Tip(_, height, _) => {
                self.finalized_tip
                    .fetch_max(height.get(), Ordering::Relaxed);
                Feedback::Ok
            }
            Update::Block(block, ack) => {
                self.finalized_tip
                    .fetch_max(block.height().get(), Ordering::Relaxed);
                // Marshal bounds the backlog by `max_pending_acks`, so the queue stays small.
                match self.deliveries.send((block, ack)) {
                    Ok(()) => Feedback::Ok,
                    Err(_) => Feedback::Closed,
                }
            }
        }
    }
}

/// What the executor does at the end of an epoch: find the next epoch's validators in the
/// application's state, register their scheme, update the p2p peers and enter the new epoch.
pub(crate) struct EpochSwitch {
    pub(crate) epocher: FixedEpocher,
    pub(crate) schemes: Schemes,
    pub(crate) orchestrator: mpsc::UnboundedSender<Orchestration>,
    pub(crate) peers: Option<PeerTracker>,
    /// The participants of the latest epoch entered (kept when the application reports none).
    pub(crate) current: Vec<PublicKey>,
}

impl EpochSwitch {
    /// Called after executing `height` (whose block has `digest`).
    fn after<A: ChainApp>(
        &mut self,
        shared: &Shared<A>,
        height: u64,
        digest: BlockDigest,
    ) -> Result<(), Error> {
        let Some(info) = self.epocher.containing(Height::new(height)) else {
            return Ok(());
        };
        if info.last().get() != height {
            return Ok(());
        }
        let next = info.epoch().get().saturating_add(1);
        let validators = shared
            .app
            .lock()
            .next_validators()
            .map_err(|err| Error::Execution {
                height,
                message: format!("reading the next epoch's validators: {err}"),
            })?;
        if let Some(validators) = validators {
            if let Some(track) = self.peers.as_mut() {
                track(next, &validators);
            }
            self.current = validators.into_iter().map(|(key, _)| key).collect();
        }
        self.schemes.register(next, self.current.clone())?;
        info!(
            epoch = next,
            height,
            validators = self.current.len(),
            "epoch boundary executed; entering the next epoch"
        );
        self.orchestrator
            .send(Orchestration::Enter {
                epoch: next,
                floor: Some(digest),
            })
            .map_err(|_| Error::Stopped("the epoch orchestrator stopped".to_string()))
    }
}

/// Runs until the delivery queue closes (engine stopping) or execution fails.
///
/// If the application is behind the first block marshal delivers (its store lost blocks that
/// marshal already counts as processed, say after a crash with a relaxed fsync setting), the
/// missing heights are read back from marshal's archive of finalized blocks and executed first.
///
/// On failure the acknowledgement is dropped, which stops marshal: the chain agreed on a block
/// this node cannot execute, and going on would only diverge further.
pub(crate) async fn run<A: ChainApp>(
    shared: Arc<Shared<A>>,
    mut deliveries: mpsc::UnboundedReceiver<Delivery>,
    executed: watch::Sender<Executed>,
    archive: Mailbox<Scheme, Standard<Block>>,
    mut epochs: EpochSwitch,
) -> Result<(), Error> {
    while let Some((block, ack)) = deliveries.recv().await {
        let height = block.inner().height();
        let (last_height, _) = *executed.borrow();
        if height <= last_height {
            debug!(height, last_height, "skipping already executed block");
            ack.acknowledge();
            continue;
        }
        let mut next = last_height.saturating_add(1);
        while next < height {
            let Some(missing) = archive.get_block(Height::new(next)).await else {
                error!(height, expected = next, "finalized block out of order");
                return Err(Error::OutOfOrder {
                    expected: next,
                    got: height,
                });
            };
            info!(
                height = next,
                "re-executing a finalized block from the archive"
            );
            execute(&shared, missing.inner(), &executed)?;
            epochs.after(&shared, next, missing.digest())?;
            next = next.saturating_add(1);
        }
        execute(&shared, block.inner(), &executed)?;
        epochs.after(&shared, height, block.digest())?;
        ack.acknowledge();
    }
    Ok(())
}

/// Executes the next height after checking the block's app-hash claim against our record.
fn execute<A: ChainApp>(
    shared: &Shared<A>,
    block: &Block,
    executed: &watch::Sender<Executed>,
) -> Result<(), Error> {
    let height = block.height();
    let expected = executed.borrow().0.saturating_add(1);
    if height != expected {
        return Err(Error::OutOfOrder {
            expected,
            got: height,
        });
    }
    // The block commits to the app hash of a height we already executed (the claim was checked
    // by a quorum); if ours differs, our state machine diverged.
    let claimed = block.executed_height();
    let mut app = shared.app.lock();
    match app.app_hash_at(claimed) {
        Some(hash) if hash == block.app_hash() => {}
        Some(_) => {
            error!(
                height,
                claimed, "local app hash differs from the finalized chain's"
            );
            return Err(Error::Diverged { height: claimed });
        }
        None => {
            return Err(Error::Execution {
                height,
                message: format!("no app hash recorded for executed height {claimed}"),
            });
        }
    }
    let hash = app.execute_finalized(block).map_err(|err| {
        let message = err.to_string();
        error!(height, %message, "execution of finalized block failed");
        Error::Execution { height, message }
    })?;
    let (recorded_height, recorded_hash) = app.last_executed();
    drop(app);
    if recorded_height != height || recorded_hash != hash {
        error!(
            height,
            recorded_height, "application did not record the executed height"
        );
        return Err(Error::Execution {
            height,
            message: format!(
                "last_executed() reports height {recorded_height} after executing height {height}"
            ),
        });
    }
    shared.evidence.executed(block.evidence());
    executed.send_replace((height, hash));
    debug!(height, txs = block.txs().len(), "executed finalized block");
    Ok(())
}
