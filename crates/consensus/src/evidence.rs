//! Equivocation evidence: proof that a validator signed two conflicting consensus messages for
//! the same view, as simplex detects it, carried in blocks so the chain can record it.
//!
//! Simplex reports faults it observes (two notarizes or two finalizes for different proposals in
//! one view, or a nullify and a finalize in one view) to its reporter. [`EvidenceReporter`] keeps
//! them as pending; proposers include pending evidence in their blocks ([`MAX_EVIDENCE_PER_BLOCK`]
//! at most); verifiers check each item's signatures against the validator set, so a block can
//! only carry real evidence; and the application records it when the block executes. Pending
//! evidence is dropped once a block carrying it executes.

use crate::block::BlockDigest;
use bytes::BufMut;
use commonware_actor::Feedback;
use commonware_codec::{Buf, EncodeSize, Error as CodecError, Read, ReadExt as _, Write};
use commonware_consensus::{
    Epochable as _, Reporter, Viewable as _,
    simplex::{
        scheme::ed25519::Scheme,
        types::{
            Activity, Attributable as _, ConflictingFinalize, ConflictingNotarize, NullifyFinalize,
        },
    },
};
use commonware_cryptography::{certificate::Scheme as _, ed25519::PublicKey};
use commonware_parallel::Sequential;
use commonware_utils::sync::Mutex;
use rand_core::CryptoRng;
use std::{collections::BTreeMap, sync::Arc};
use tracing::warn;

/// Most evidence items one block carries; the rest wait for the next block.
pub const MAX_EVIDENCE_PER_BLOCK: usize = 16;

/// Upper bound of one evidence item's encoding (validator key, tag and two ed25519-signed votes),
/// used to bound the block size.
pub(crate) const MAX_EVIDENCE_BYTES: usize = 1_024;

/// What the validator did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceKind {
    /// Notarized two different proposals in one view.
    ConflictingNotarize,
    /// Finalized two different proposals in one view.
    ConflictingFinalize,
    /// Voted both to skip a view and to finalize its proposal.
    NullifyFinalize,
}

impl EvidenceKind {
    /// Stable name, as recorded on chain and shown in events.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConflictingNotarize => "conflicting_notarize",
            Self::ConflictingFinalize => "conflicting_finalize",
            Self::NullifyFinalize => "nullify_finalize",
        }
    }

    const fn tag(self) -> u8 {
        match self {
            Self::ConflictingNotarize => 0,
            Self::ConflictingFinalize => 1,
            Self::NullifyFinalize => 2,
        }
    }
}

/// The signed messages proving the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fault {
    Notarize(ConflictingNotarize<Scheme, BlockDigest>),
    Finalize(ConflictingFinalize<Scheme, BlockDigest>),
    NullifyFinalize(NullifyFinalize<Scheme, BlockDigest>),
}

/// Proof that `validator` equivocated in `view`; verifiable by anyone who knows the validator set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    validator: PublicKey,
    fault: Fault,
}

/// Identifies one fault, so the same evidence is proposed and recorded once.
pub(crate) type EvidenceId = (u64, u64, [u8; 32], EvidenceKind);

impl Evidence {
    /// Evidence from a simplex activity, if it reports a fault of a participant of `scheme`.
    pub(crate) fn from_activity(
        activity: &Activity<Scheme, BlockDigest>,
        scheme: &Scheme,
    ) -> Option<Self> {
        let (fault, signer) = match activity {
            Activity::ConflictingNotarize(f) => (Fault::Notarize(f.clone()), f.signer()),
            Activity::ConflictingFinalize(f) => (Fault::Finalize(f.clone()), f.signer()),
            Activity::NullifyFinalize(f) => (Fault::NullifyFinalize(f.clone()), f.signer()),
            _ => return None,
        };
        let validator = scheme.participants().get(usize::from(signer))?.clone();
        Some(Self { validator, fault })
    }

    /// The equivocating validator's consensus key.
    pub const fn validator(&self) -> &PublicKey {
        &self.validator
    }

    /// The validator's key as raw bytes, for records outside consensus.
    pub fn validator_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let encoded = commonware_codec::Encode::encode(&self.validator);
        let bytes: &[u8] = encoded.as_ref();
        if let Some(src) = bytes.get(..32) {
            out.copy_from_slice(src);
        }
        out
    }

    /// What the validator did.
    pub const fn kind(&self) -> EvidenceKind {
        match self.fault {
            Fault::Notarize(_) => EvidenceKind::ConflictingNotarize,
            Fault::Finalize(_) => EvidenceKind::ConflictingFinalize,
            Fault::NullifyFinalize(_) => EvidenceKind::NullifyFinalize,
        }
    }

    /// The consensus view in which it happened.
    pub fn view(&self) -> u64 {
        match &self.fault {
            Fault::Notarize(f) => f.view().get(),
            Fault::Finalize(f) => f.view().get(),
            Fault::NullifyFinalize(f) => f.view().get(),
        }
    }

    /// The consensus epoch in which it happened.
    pub fn epoch(&self) -> u64 {
        match &self.fault {
            Fault::Notarize(f) => f.epoch().get(),
            Fault::Finalize(f) => f.epoch().get(),
            Fault::NullifyFinalize(f) => f.epoch().get(),
        }
    }

    pub(crate) fn id(&self) -> EvidenceId {
        (
            self.epoch(),
            self.view(),
            self.validator_bytes(),
            self.kind(),
        )
    }

    fn signer_index(&self) -> usize {
        usize::from(match &self.fault {
            Fault::Notarize(f) => f.signer(),
            Fault::Finalize(f) => f.signer(),
            Fault::NullifyFinalize(f) => f.signer(),
        })
    }

    /// Whether the signatures are valid under `scheme` and were made by the named validator.
    pub(crate) fn verify(&self, rng: &mut impl CryptoRng, scheme: &Scheme) -> bool {
        if scheme.participants().get(self.signer_index()) != Some(&self.validator) {
            return false;
        }
        match &self.fault {
            Fault::Notarize(f) => f.verify(rng, scheme, &Sequential),
            Fault::Finalize(f) => f.verify(rng, scheme, &Sequential),
            Fault::NullifyFinalize(f) => f.verify(rng, scheme, &Sequential),
        }
    }
}

impl Write for Evidence {
    fn write(&self, buf: &mut impl BufMut) {
        self.validator.write(buf);
        self.kind().tag().write(buf);
        match &self.fault {
            Fault::Notarize(f) => f.write(buf),
            Fault::Finalize(f) => f.write(buf),
            Fault::NullifyFinalize(f) => f.write(buf),
        }
    }
}

impl EncodeSize for Evidence {
    fn encode_size(&self) -> usize {
        let fault = match &self.fault {
            Fault::Notarize(f) => f.encode_size(),
            Fault::Finalize(f) => f.encode_size(),
            Fault::NullifyFinalize(f) => f.encode_size(),
        };
        self.validator
            .encode_size()
            .saturating_add(1)
            .saturating_add(fault)
    }
}

impl Read for Evidence {
    type Cfg = ();

    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let validator = PublicKey::read(buf)?;
        let fault = match u8::read(buf)? {
            0 => Fault::Notarize(ConflictingNotarize::read(buf)?),
            1 => Fault::Finalize(ConflictingFinalize::read(buf)?),
            2 => Fault::NullifyFinalize(NullifyFinalize::read(buf)?),
            tag => return Err(CodecError::InvalidEnum(tag)),
        };
        Ok(Self { validator, fault })
    }
}

/// Pending evidence: detected here (or seen in a block), not yet executed.
#[derive(Clone, Default)]
pub(crate) struct EvidencePool {
    pending: Arc<Mutex<BTreeMap<EvidenceId, Evidence>>>,
}

impl EvidencePool {
    /// Up to [`MAX_EVIDENCE_PER_BLOCK`] items of `epoch` not in `exclude`, oldest view first.
    /// Faults of earlier epochs are dropped: a block may only carry faults of its own epoch.
    pub(crate) fn take_for_proposal(&self, exclude: &[EvidenceId], epoch: u64) -> Vec<Evidence> {
        let mut pending = self.pending.lock();
        pending.retain(|_, evidence| evidence.epoch() >= epoch);
        pending
            .iter()
            .filter(|(id, evidence)| evidence.epoch() == epoch && !exclude.contains(id))
            .take(MAX_EVIDENCE_PER_BLOCK)
            .map(|(_, evidence)| evidence.clone())
            .collect()
    }

    /// Forgets evidence that a block executed.
    pub(crate) fn executed(&self, evidence: &[Evidence]) {
        let mut pending = self.pending.lock();
        for item in evidence {
            pending.remove(&item.id());
        }
    }

    fn add(&self, evidence: Evidence) {
        self.pending.lock().entry(evidence.id()).or_insert(evidence);
    }
}

/// Simplex reporter that turns fault activities into pending evidence.
#[derive(Clone)]
pub(crate) struct EvidenceReporter {
    pool: EvidencePool,
    scheme: Scheme,
}

impl EvidenceReporter {
    pub(crate) const fn new(pool: EvidencePool, scheme: Scheme) -> Self {
        Self { pool, scheme }
    }
}

impl Reporter for EvidenceReporter {
    type Activity = Activity<Scheme, BlockDigest>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        if let Some(evidence) = Evidence::from_activity(&activity, &self.scheme) {
            warn!(
                validator = %evidence.validator(),
                view = evidence.view(),
                kind = evidence.kind().as_str(),
                "equivocation detected"
            );
            self.pool.add(evidence);
        }
        Feedback::Ok
    }
}
