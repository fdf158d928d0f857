//! Validators: the consensus validator set as chain state, its epoch schedule, and on-chain records of
//! consensus equivocation with the genesis rule applied to them.
//!
//! # The set and its epochs
//!
//! Three records describe who validates:
//! - the **roster**: the set governance decided (genesis, then the last applied
//!   `MsgUpdateValidatorSet`);
//! - the **pending** set: a complete next roster queued by the authority, applied at the next epoch
//!   boundary;
//! - the **active** set: the consensus participants of the current epoch, the roster minus jailed
//!   validators, fixed for the whole epoch.
//!
//! Epochs follow Commonware's fixed epocher: epoch `e` holds heights `e·L .. (e+1)·L - 1`, with
//! `L = epoch_length` (a genesis param). The boundary is the last height of an epoch: its end-block
//! applies the pending set and the jails, so every node knows the next epoch's participants from its own
//! state as soon as it has executed that block.
//!
//! # Equivocation
//!
//! Consensus detects a validator signing two conflicting messages in one view and carries the signed
//! proof in a block; every validator verifies it before voting. When the block executes,
//! [`record_equivocation`] stores one record per fault (validator, view, kind), emits an `equivocation`
//! event and applies [`EquivocationRule`] from genesis: `jail` marks the validator jailed, which removes
//! it from the active set at the next boundary (evidence recorded in a boundary block itself counts from
//! the boundary after, since the node records evidence after the block's end-block). The authority
//! restores a jailed validator with `MsgUnjailValidator`, or by listing it in a new
//! `MsgUpdateValidatorSet`. Executing the same fault again changes nothing, so the record is idempotent.

use crate::context::Ctx;
use crate::store::{self, key, module_prefix::VALIDATORS};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::{StateRead, StateWrite};
use phalanx_types::encoding::hex_lower;
use phalanx_types::error::{Result, ValidatorsError};
use phalanx_types::msgs::{
    MAX_VALIDATOR_SET_SIZE, MsgUnjailValidator, MsgUpdateValidatorSet, ValidatorInfo,
    parse_validator_key,
};
use phalanx_types::{Error, Event, MathError, Timestamp};
use serde::{Deserialize, Serialize};

const PARAMS: u8 = 0x00;
const EVIDENCE: u8 = 0x01;
const JAILED: u8 = 0x02;
const ROSTER: u8 = 0x03;
const PENDING: u8 = 0x04;
const ACTIVE: u8 = 0x05;

fn single(kind: u8) -> Vec<u8> {
    key(&[&[VALIDATORS, kind]])
}

fn evidence_prefix(validator: &[u8; 32]) -> Vec<u8> {
    key(&[&single(EVIDENCE), validator])
}

fn evidence_key(validator: &[u8; 32], view: u64, kind: &str) -> Vec<u8> {
    key(&[
        &evidence_prefix(validator),
        &view.to_be_bytes(),
        kind.as_bytes(),
    ])
}

fn jailed_key(validator: &[u8; 32]) -> Vec<u8> {
    key(&[&single(JAILED), validator])
}

/// What happens to a validator proven to have equivocated.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    BorshSerialize,
    BorshDeserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EquivocationRule {
    /// Record the evidence only.
    RecordOnly,
    /// Record it and jail the validator: it leaves the active set at the next epoch boundary (the
    /// default: a validator that equivocates once should not keep signing until governance looks at it).
    #[default]
    Jail,
}

/// Parameters of the validators module.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Rule applied to an equivocating validator.
    pub equivocation: EquivocationRule,
    /// Blocks per epoch; set changes take effect at epoch boundaries. Fixed at genesis, since every
    /// past epoch's participants are found from it (consensus certificates name their epoch).
    pub epoch_length: u64,
    /// Most validators a set may hold (at most the hard limit of 1024).
    pub max_validators: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            equivocation: EquivocationRule::default(),
            epoch_length: 100,
            max_validators: 100,
        }
    }
}

impl Params {
    /// Checks the bounds named on each field.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| -> Error { ValidatorsError::InvalidParams(m.into()).into() };
        if self.epoch_length == 0 {
            return Err(bad("epoch_length must be at least 1 block"));
        }
        if self.max_validators == 0 || self.max_validators as usize > MAX_VALIDATOR_SET_SIZE {
            return Err(bad("max_validators must be between 1 and 1024"));
        }
        Ok(())
    }

    /// The epoch that contains `height`.
    pub fn epoch_of(&self, height: u64) -> u64 {
        height.checked_div(self.epoch_length).unwrap_or(0)
    }

    /// The first height of `epoch`.
    pub fn epoch_start(&self, epoch: u64) -> Result<u64> {
        Ok(epoch
            .checked_mul(self.epoch_length)
            .ok_or(MathError::Overflow)?)
    }

    /// Whether `height` is the last height of its epoch, where the next epoch's set is applied.
    pub fn is_boundary(&self, height: u64) -> bool {
        height
            .checked_add(1)
            .and_then(|next| next.checked_rem(self.epoch_length))
            == Some(0)
    }

    fn check_size(&self, set: &[ValidatorInfo]) -> Result<()> {
        ValidatorInfo::validate_set(set)?;
        if set.len() > self.max_validators as usize {
            return Err(ValidatorsError::TooManyValidators(set.len(), self.max_validators).into());
        }
        Ok(())
    }
}

/// The consensus participants of one epoch.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct ActiveSet {
    /// The epoch.
    pub epoch: u64,
    /// The participants, in the roster's order.
    pub validators: Vec<ValidatorInfo>,
}

/// A jailed validator, in genesis and queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JailRecord {
    /// The validator's ed25519 key, hex.
    pub public_key: String,
    /// Height of the block that jailed it.
    pub since_height: u64,
}

/// One recorded fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRecord {
    /// Consensus key of the validator (ed25519, hex).
    pub validator: String,
    /// Consensus view of the fault.
    pub view: u64,
    /// `conflicting_notarize`, `conflicting_finalize` or `nullify_finalize`.
    pub kind: String,
    /// Height of the block that recorded it.
    pub height: u64,
    /// Time of that block.
    pub time: Timestamp,
}

/// Genesis state of the validators module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorsGenesis {
    /// Parameters.
    #[serde(default)]
    pub params: Params,
    /// The roster: the validator set governance decided. Empty only for chains run below consensus
    /// (tools and tests); a node refuses to start without validators.
    #[serde(default)]
    pub validators: Vec<ValidatorInfo>,
    /// A complete next roster queued for the next epoch boundary.
    #[serde(default)]
    pub pending_validators: Option<Vec<ValidatorInfo>>,
    /// Jailed validators (excluded from the active set).
    #[serde(default)]
    pub jailed: Vec<JailRecord>,
    /// Every recorded equivocation, by validator key then view.
    #[serde(default)]
    pub evidence: Vec<EvidenceRecord>,
    /// The current epoch's participants, when they differ from the roster minus the jailed
    /// (an export taken after a jail inside an epoch); absent, they are derived.
    #[serde(default)]
    pub active_validators: Option<Vec<ValidatorInfo>>,
}

/// The set as the validators query shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorSetView {
    /// Current epoch.
    pub epoch: u64,
    /// Blocks per epoch.
    pub epoch_length: u64,
    /// First height of the current epoch.
    pub start_height: u64,
    /// Last height of the current epoch: executing it applies the pending set and jails.
    pub boundary_height: u64,
    /// First height of the next epoch.
    pub next_epoch_height: u64,
    /// The consensus participants of the current epoch.
    pub active: Vec<ValidatorInfo>,
    /// The roster governance decided (the active set plus any jailed members).
    pub roster: Vec<ValidatorInfo>,
    /// The next roster queued by the authority, if any.
    pub pending: Option<Vec<ValidatorInfo>>,
    /// Jailed validators.
    pub jailed: Vec<JailRecord>,
}

/// Validates and writes the module's genesis. The active set is the roster minus jailed validators, for
/// the epoch of the first block to execute.
pub fn init_genesis(ctx: &mut Ctx<'_>, genesis: &ValidatorsGenesis) -> Result<()> {
    let invalid = |m: String| Error::InvalidGenesis(format!("validators: {m}"));
    let p = genesis.params;
    p.validate()?;
    ctx.set(single(PARAMS), &p)?;
    if !genesis.validators.is_empty() {
        p.check_size(&genesis.validators)?;
    }
    ctx.set(single(ROSTER), &genesis.validators)?;
    if let Some(pending) = &genesis.pending_validators {
        p.check_size(pending)?;
        ctx.set(single(PENDING), pending)?;
    }
    for j in &genesis.jailed {
        let k = jailed_key(&parse_validator_key(&j.public_key)?);
        if ctx.get::<u64>(&k)?.is_some() {
            return Err(invalid(format!("{} is jailed twice", j.public_key)));
        }
        ctx.set(k, &j.since_height)?;
    }
    for e in &genesis.evidence {
        let k = evidence_key(&parse_validator_key(&e.validator)?, e.view, &e.kind);
        if ctx.get::<EvidenceRecord>(&k)?.is_some() {
            return Err(invalid(format!(
                "evidence of {} at view {} ({}) is listed twice",
                e.validator, e.view, e.kind
            )));
        }
        ctx.set(k, e)?;
    }
    let next = ctx.block.height.checked_add(1).ok_or(MathError::Overflow)?;
    let validators = match &genesis.active_validators {
        Some(active) => {
            if !active.is_empty() {
                p.check_size(active)?;
            }
            active.clone()
        }
        None => unjailed(ctx.state(), &genesis.validators)?,
    };
    if validators.is_empty() && !genesis.validators.is_empty() {
        return Err(invalid(
            "every validator of the set is jailed; unjail at least one".into(),
        ));
    }
    ctx.set(
        single(ACTIVE),
        &ActiveSet {
            epoch: p.epoch_of(next),
            validators,
        },
    )
}

/// Exports the module's state as genesis; importing it rebuilds exactly this state.
pub fn export_genesis(state: &dyn StateRead) -> Result<ValidatorsGenesis> {
    Ok(ValidatorsGenesis {
        params: params(state)?,
        validators: roster(state)?,
        pending_validators: pending(state)?,
        jailed: jailed(state)?,
        evidence: all_evidence(state)?,
        active_validators: Some(active_set(state)?.validators),
    })
}

/// The module's parameters (defaults if genesis predates the module).
pub fn params(state: &dyn StateRead) -> Result<Params> {
    Ok(store::get(state, &single(PARAMS))?.unwrap_or_default())
}

/// The roster governance decided.
pub fn roster(state: &dyn StateRead) -> Result<Vec<ValidatorInfo>> {
    Ok(store::get(state, &single(ROSTER))?.unwrap_or_default())
}

/// The next roster queued for the next epoch boundary, if any.
pub fn pending(state: &dyn StateRead) -> Result<Option<Vec<ValidatorInfo>>> {
    store::get(state, &single(PENDING))
}

/// The consensus participants of the current epoch: what a node starts consensus with.
pub fn active_set(state: &dyn StateRead) -> Result<ActiveSet> {
    Ok(store::get(state, &single(ACTIVE))?.unwrap_or_default())
}

/// Every jailed validator, by key.
pub fn jailed(state: &dyn StateRead) -> Result<Vec<JailRecord>> {
    state
        .prefix(&single(JAILED))?
        .into_iter()
        .map(|(k, v)| {
            let raw = k
                .get(2..)
                .ok_or_else(|| Error::State("malformed jail key".into()))?;
            Ok(JailRecord {
                public_key: hex_lower(raw),
                since_height: store::decode(&v)?,
            })
        })
        .collect()
}

/// The set, its epoch schedule, the pending set and the jails, for the validators query.
pub fn validator_set(state: &dyn StateRead) -> Result<ValidatorSetView> {
    let p = params(state)?;
    let active = active_set(state)?;
    let next_epoch_height =
        p.epoch_start(active.epoch.checked_add(1).ok_or(MathError::Overflow)?)?;
    Ok(ValidatorSetView {
        epoch: active.epoch,
        epoch_length: p.epoch_length,
        start_height: p.epoch_start(active.epoch)?,
        boundary_height: next_epoch_height
            .checked_sub(1)
            .ok_or(MathError::Negative)?,
        next_epoch_height,
        active: active.validators,
        roster: roster(state)?,
        pending: pending(state)?,
        jailed: jailed(state)?,
    })
}

/// The members of `set` that are not jailed, in order.
fn unjailed(state: &dyn StateRead, set: &[ValidatorInfo]) -> Result<Vec<ValidatorInfo>> {
    let mut out = Vec::with_capacity(set.len());
    for v in set {
        if jailed_since(state, &v.key_bytes()?)?.is_none() {
            out.push(v.clone());
        }
    }
    Ok(out)
}

/// Executes `MsgUpdateValidatorSet` (authority only): queues the complete next roster for the next
/// epoch boundary, replacing any roster queued before. Listing a jailed validator lifts its jail: the
/// authority has seen its record and chose to keep it.
pub fn handle_update_set(ctx: &mut Ctx<'_>, msg: &MsgUpdateValidatorSet) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    let p = params(ctx.state())?;
    p.check_size(&msg.validators)?;
    for v in &msg.validators {
        ctx.delete(&jailed_key(&v.key_bytes()?))?;
    }
    let replaced = pending(ctx.state())?.is_some();
    ctx.set(single(PENDING), &msg.validators)?;
    let effective = next_epoch_height(ctx)?;
    ctx.emit(
        Event::new("validator_set_queued")
            .attr("validators", msg.validators.len())
            .attr("effective_height", effective)
            .attr("replaced_pending", replaced),
    );
    Ok(())
}

/// Executes `MsgUnjailValidator` (authority only): the validator rejoins the active set at the next
/// epoch boundary if the roster then lists it.
pub fn handle_unjail(ctx: &mut Ctx<'_>, msg: &MsgUnjailValidator) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    let k = jailed_key(&parse_validator_key(&msg.public_key)?);
    if ctx.get::<u64>(&k)?.is_none() {
        return Err(ValidatorsError::NotJailed(msg.public_key.clone()).into());
    }
    ctx.delete(&k)?;
    let effective = next_epoch_height(ctx)?;
    ctx.emit(
        Event::new("validator_unjailed")
            .attr("validator", &msg.public_key)
            .attr("effective_height", effective),
    );
    Ok(())
}

/// First height of the epoch after the current block's.
fn next_epoch_height(ctx: &Ctx<'_>) -> Result<u64> {
    let p = params(ctx.state())?;
    p.epoch_start(
        p.epoch_of(ctx.block.height)
            .checked_add(1)
            .ok_or(MathError::Overflow)?,
    )
}

/// End-block work: at an epoch boundary, applies the pending roster and the jails to form the next
/// epoch's active set. A set in which every validator is jailed is not applied (a chain without
/// validators cannot continue): the previous participants stay and an event says why.
pub fn end_block(ctx: &mut Ctx<'_>) -> Result<()> {
    let p = params(ctx.state())?;
    let height = ctx.block.height;
    if !p.is_boundary(height) {
        return Ok(());
    }
    let next = height.checked_add(1).ok_or(MathError::Overflow)?;
    let roster = match pending(ctx.state())? {
        Some(set) => {
            ctx.delete(&single(PENDING))?;
            ctx.set(single(ROSTER), &set)?;
            set
        }
        None => roster(ctx.state())?,
    };
    let previous = active_set(ctx.state())?;
    let mut validators = unjailed(ctx.state(), &roster)?;
    if validators.is_empty() && !roster.is_empty() {
        ctx.emit(
            Event::new("validator_set_not_applied")
                .attr("height", next)
                .attr(
                    "reason",
                    "every validator of the set is jailed; the previous set stays",
                ),
        );
        validators.clone_from(&previous.validators);
    }
    let changed = validators != previous.validators;
    let epoch = p.epoch_of(next);
    if changed {
        ctx.emit(
            Event::new("validator_set_applied")
                .attr("epoch", epoch)
                .attr("height", next)
                .attr("validators", validators.len()),
        );
    }
    ctx.set(single(ACTIVE), &ActiveSet { epoch, validators })
}

/// Records a verified equivocation of `validator` (its 32-byte ed25519 key) at `view`, applies the
/// genesis rule, and returns the event; `None` if this fault was already recorded.
pub fn record_equivocation(
    state: &mut dyn StateWrite,
    validator: &[u8; 32],
    view: u64,
    kind: &str,
    height: u64,
    time: Timestamp,
) -> Result<Option<Event>> {
    let record_key = evidence_key(validator, view, kind);
    if state.get(&record_key)?.is_some() {
        return Ok(None);
    }
    let record = EvidenceRecord {
        validator: hex_lower(validator),
        view,
        kind: kind.to_string(),
        height,
        time,
    };
    store::set(state, record_key, &record)?;
    let rule = params(&*state)?.equivocation;
    let action = match rule {
        EquivocationRule::RecordOnly => "recorded",
        EquivocationRule::Jail => {
            if state.get(&jailed_key(validator))?.is_none() {
                store::set(state, jailed_key(validator), &height)?;
            }
            "jailed"
        }
    };
    Ok(Some(
        Event::new("equivocation")
            .attr("validator", &record.validator)
            .attr("view", view)
            .attr("kind", kind)
            .attr("height", height)
            .attr("action", action),
    ))
}

/// Every fault recorded for `validator`, by view.
pub fn evidence(state: &dyn StateRead, validator: &[u8; 32]) -> Result<Vec<EvidenceRecord>> {
    store::values(state, &evidence_prefix(validator))
}

/// Every fault recorded, by validator key then view.
pub fn all_evidence(state: &dyn StateRead) -> Result<Vec<EvidenceRecord>> {
    store::values(state, &single(EVIDENCE))
}

/// The height at which `validator` was jailed, if it is.
pub fn jailed_since(state: &dyn StateRead, validator: &[u8; 32]) -> Result<Option<u64>> {
    store::get(state, &jailed_key(validator))
}

#[cfg(test)]
mod tests;
