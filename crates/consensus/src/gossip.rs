//! Transaction gossip: a transaction submitted to any validator reaches every validator's
//! mempool, so whichever validator leads the next view can propose it.
//!
//! Validators are fully connected (every participant dials every other), so one hop suffices:
//! the node that admitted a transaction from a client broadcasts it once, and receivers admit it
//! without forwarding it again. Transactions are sent in batches (everything queued since the last
//! send), so the per-peer message rate stays far below the channel quota under load.

use crate::{
    app::TxReceiver,
    block::{BlockLimits, read_txs, txs_encode_size, write_txs},
    error::Error,
};
use bytes::BufMut;
use commonware_codec::{Buf, Decode as _, EncodeSize, Error as CodecError, Read, Write};
use commonware_cryptography::ed25519::PublicKey;
use commonware_p2p::{Receiver, Recipients, Sender};
use commonware_utils::channel::mpsc;
use std::sync::Arc;
use tracing::{debug, warn};

/// Queues transactions admitted locally for broadcast to the other validators.
///
/// Cheap to clone; sending never blocks. Transactions queued after the engine stopped are
/// dropped (they remain in the local mempool).
#[derive(Clone, Debug)]
pub struct TxGossip {
    outbound: mpsc::UnboundedSender<Vec<u8>>,
}

impl TxGossip {
    pub(crate) const fn new(outbound: mpsc::UnboundedSender<Vec<u8>>) -> Self {
        Self { outbound }
    }

    /// Broadcasts a transaction this node admitted to its mempool. Call it only for transactions
    /// from clients, not for those received by gossip (receivers do not forward).
    pub fn broadcast(&self, tx: Vec<u8>) {
        // An error only means the engine stopped; the transaction stays in the local mempool.
        let _ = self.outbound.send(tx);
    }
}

/// A gossip message: a batch of transactions in the block's transaction-list format.
struct TxBatch(Vec<Vec<u8>>);

impl Write for TxBatch {
    fn write(&self, buf: &mut impl BufMut) {
        write_txs(&self.0, buf);
    }
}

impl EncodeSize for TxBatch {
    fn encode_size(&self) -> usize {
        txs_encode_size(&self.0)
    }
}

impl Read for TxBatch {
    type Cfg = BlockLimits;

    fn read_cfg(buf: &mut impl Buf, limits: &BlockLimits) -> Result<Self, CodecError> {
        read_txs(buf, limits).map(Self)
    }
}

/// Sends queued transactions to every connected validator, in batches within the block limits.
pub(crate) async fn broadcast<S>(
    mut sender: S,
    mut outbound: mpsc::UnboundedReceiver<Vec<u8>>,
    limits: BlockLimits,
) -> Result<(), Error>
where
    S: Sender<PublicKey = PublicKey>,
{
    let mut carry: Option<Vec<u8>> = None;
    loop {
        let first = match carry.take() {
            Some(tx) => tx,
            None => match outbound.recv().await {
                Some(tx) => tx,
                None => return Err(Error::Stopped("transaction gossip queue closed".into())),
            },
        };
        let mut bytes = first.len();
        let mut batch = vec![first];
        while batch.len() < limits.max_txs {
            let Ok(tx) = outbound.try_recv() else {
                break;
            };
            let next = bytes.saturating_add(tx.len());
            if next > limits.max_block_tx_bytes {
                carry = Some(tx);
                break;
            }
            bytes = next;
            batch.push(tx);
        }
        // A single transaction above the limits would be refused by every receiver.
        batch.retain(|tx| tx.len() <= limits.max_tx_bytes);
        if batch.is_empty() {
            continue;
        }
        let count = batch.len();
        let message = commonware_codec::Encode::encode(&TxBatch(batch));
        let sent_to = sender.send(Recipients::All, message, false);
        debug!(txs = count, peers = sent_to.len(), "gossiped transactions");
    }
}

/// Hands transactions gossiped by peers to the application's [`TxReceiver`], without the lock
/// the engine's other calls into the application take.
pub(crate) async fn receive<R>(
    app: Arc<dyn TxReceiver>,
    mut receiver: R,
    limits: BlockLimits,
) -> Result<(), Error>
where
    R: Receiver<PublicKey = PublicKey>,
{
    loop {
        let (peer, message) = receiver
            .recv()
            .await
            .map_err(|err| Error::Stopped(format!("transaction gossip channel: {err}")))?;
        match TxBatch::decode_cfg(message, &limits) {
            Ok(TxBatch(txs)) => app.receive_txs(txs),
            Err(err) => warn!(%peer, %err, "ignoring undecodable transaction gossip"),
        }
    }
}
