//! Epochs: the validator set changes only at epoch boundaries, and each epoch runs its own
//! simplex instance over its own participants.
//!
//! The application owns the validator set (it is chain state). After the executor runs the last
//! block of an epoch, it asks the application for the next epoch's validators
//! ([`ChainApp::next_validators`](crate::ChainApp::next_validators)), registers their signing
//! scheme in [`Schemes`] (which marshal uses to verify certificates of every epoch), tells the
//! p2p layer about the new peers, and asks the orchestrator to enter the new epoch. The
//! orchestrator starts a simplex instance for it on per-epoch sub-channels of the vote,
//! certificate and resolver channels, with the boundary block as the epoch's genesis (marshal's
//! `Inline` wrapper re-proposes that block instead of building past it), and retires the
//! instances of older epochs. A node outside an epoch's set runs that epoch's instance as a
//! verifier only: it follows certificates without voting, which is how a validator that is about
//! to join catches up.
//!
//! Every node derives the same schemes from the same finalized blocks, so all of them agree on
//! which keys sign each epoch.

use crate::error::Error;
use commonware_consensus::simplex::scheme::ed25519::Scheme;
use commonware_consensus::types::Epoch;
use commonware_cryptography::{
    certificate::{Provider, Scheme as _, Scoped},
    ed25519::{PrivateKey, PublicKey},
};
use commonware_utils::{ordered::Set, sync::Mutex};
use std::{collections::BTreeMap, net::SocketAddr, sync::Arc};

/// The signing scheme of every epoch this node knows, shared by marshal (certificate
/// verification), block verification (evidence) and the orchestrator (simplex instances).
#[derive(Clone)]
pub(crate) struct Schemes {
    namespace: Arc<Vec<u8>>,
    signer: PrivateKey,
    by_epoch: Arc<Mutex<BTreeMap<u64, Arc<Scheme>>>>,
}

impl Schemes {
    pub(crate) fn new(namespace: Vec<u8>, signer: PrivateKey) -> Self {
        Self {
            namespace: Arc::new(namespace),
            signer,
            by_epoch: Arc::default(),
        }
    }

    /// Registers `epoch`'s participants: a signing scheme if we are one of them, a verifier
    /// otherwise. Registering an epoch again replaces nothing (the first registration wins, as
    /// every node derives the same set from the same block).
    pub(crate) fn register(
        &self,
        epoch: u64,
        participants: Vec<PublicKey>,
    ) -> Result<Arc<Scheme>, Error> {
        if let Some(known) = self.get(epoch) {
            return Ok(known);
        }
        if participants.is_empty() {
            return Err(Error::Config(format!(
                "epoch {epoch} has no validators; the application must never apply an empty set"
            )));
        }
        let set = Set::try_from(participants).map_err(|_| {
            Error::Config(format!("epoch {epoch}'s validator set lists a key twice"))
        })?;
        let scheme = Scheme::signer(&self.namespace, set.clone(), self.signer.clone())
            .unwrap_or_else(|| Scheme::verifier(&self.namespace, set));
        let scheme = Arc::new(scheme);
        self.by_epoch
            .lock()
            .entry(epoch)
            .or_insert_with(|| scheme.clone());
        Ok(scheme)
    }

    /// The scheme of `epoch`, if known.
    pub(crate) fn get(&self, epoch: u64) -> Option<Arc<Scheme>> {
        self.by_epoch.lock().get(&epoch).cloned()
    }
}

impl Provider for Schemes {
    type Scope = Epoch;
    type Scheme = Scheme;

    fn scoped(&self, scope: Epoch) -> Option<Scoped<Scheme>> {
        let scheme = self.get(scope.get())?;
        Some(if scheme.me().is_some() {
            Scoped::scheme(scheme)
        } else {
            Scoped::verifier(scheme)
        })
    }
}

/// One validator of an epoch as the application reports it: its key and, when known, where its
/// p2p layer listens.
pub type EpochValidator = (PublicKey, Option<SocketAddr>);

/// Tells the p2p layer the peers of a new epoch (the engine's own p2p network registers a
/// function; callers that supply their own channels manage peers themselves).
pub(crate) type PeerTracker = Box<dyn FnMut(u64, &[EpochValidator]) + Send>;

/// A request to the orchestrator.
pub(crate) enum Orchestration {
    /// Start the simplex instance of `epoch`; its genesis is the block `floor` (the last block
    /// of the previous epoch), or, when `None`, the block found at that height in marshal's
    /// archive (on start-up).
    Enter {
        /// The epoch to enter.
        epoch: u64,
        /// Its genesis block's digest, if the caller has it.
        floor: Option<crate::block::BlockDigest>,
    },
    /// A peer sent a vote for a later epoch than ours: we may have missed the boundary, so ask
    /// marshal to fetch the last block of our epoch from that peer.
    Ahead {
        /// Their epoch.
        epoch: u64,
        /// The peer.
        from: PublicKey,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_cryptography::Signer as _;

    #[test]
    fn schemes_sign_for_members_and_verify_for_others() {
        let keys: Vec<PrivateKey> = (0..4).map(PrivateKey::from_seed).collect();
        let participants: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let member = Schemes::new(b"ns".to_vec(), keys[0].clone());
        let outsider = Schemes::new(b"ns".to_vec(), PrivateKey::from_seed(9));
        member.register(0, participants.clone()).unwrap();
        outsider.register(0, participants.clone()).unwrap();
        assert!(
            member
                .scoped(Epoch::zero())
                .unwrap()
                .into_scheme()
                .is_some()
        );
        assert!(
            outsider
                .scoped(Epoch::zero())
                .unwrap()
                .into_scheme()
                .is_none()
        );
        assert!(member.scoped(Epoch::new(1)).is_none());
        assert!(member.register(1, Vec::new()).is_err());
        let mut twice = participants.clone();
        twice.push(participants[0].clone());
        assert!(member.register(2, twice).is_err());
    }
}
