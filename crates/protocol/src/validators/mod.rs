//! Validators: on-chain records of consensus equivocation and the genesis rule applied to it.
//!
//! Consensus detects a validator signing two conflicting messages in one view and carries the
//! signed proof in a block; every validator verifies it before voting. When the block executes,
//! [`record_equivocation`] stores one record per fault (validator, view, kind), emits an
//! `equivocation` event and applies [`EquivocationRule`] from genesis: `jail` marks the validator
//! jailed. Executing the same fault again (a repeated proof) changes nothing, so the record is
//! idempotent. The records are state, so they are in the app hash and provable.

use crate::context::Ctx;
use crate::store::{self, key, module_prefix::VALIDATORS};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::{StateRead, StateWrite};
use phalanx_types::encoding::hex_lower;
use phalanx_types::error::Result;
use phalanx_types::{Event, Timestamp};
use serde::{Deserialize, Serialize};

const PARAMS: u8 = 0x00;
const EVIDENCE: u8 = 0x01;
const JAILED: u8 = 0x02;

fn params_key() -> Vec<u8> {
    key(&[&[VALIDATORS, PARAMS]])
}

fn evidence_prefix(validator: &[u8; 32]) -> Vec<u8> {
    key(&[&[VALIDATORS, EVIDENCE], validator])
}

fn evidence_key(validator: &[u8; 32], view: u64, kind: &str) -> Vec<u8> {
    key(&[
        &evidence_prefix(validator),
        &view.to_be_bytes(),
        kind.as_bytes(),
    ])
}

fn jailed_key(validator: &[u8; 32]) -> Vec<u8> {
    key(&[&[VALIDATORS, JAILED], validator])
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
    /// Record it and jail the validator (the default: a validator that equivocates once should
    /// not keep signing until governance looks at it).
    #[default]
    Jail,
}

/// Parameters of the validators module.
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
pub struct Params {
    /// Rule applied to an equivocating validator.
    pub equivocation: EquivocationRule,
}

/// Genesis state of the validators module.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorsGenesis {
    /// Parameters.
    #[serde(default)]
    pub params: Params,
}

/// One recorded fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
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

/// Writes the genesis parameters.
pub fn init_genesis(ctx: &mut Ctx<'_>, genesis: &ValidatorsGenesis) -> Result<()> {
    ctx.set(params_key(), &genesis.params)
}

/// The module's parameters (defaults if genesis predates the module).
pub fn params(state: &dyn StateRead) -> Result<Params> {
    Ok(store::get(state, &params_key())?.unwrap_or_default())
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

/// The height at which `validator` was jailed, if it is.
pub fn jailed_since(state: &dyn StateRead, validator: &[u8; 32]) -> Result<Option<u64>> {
    store::get(state, &jailed_key(validator))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use phalanx_state::MemState;

    #[test]
    fn equivocation_is_recorded_once_and_jails_by_default() {
        let mut state = MemState::default();
        let validator = [7u8; 32];
        let event = record_equivocation(
            &mut state,
            &validator,
            12,
            "conflicting_notarize",
            5,
            Timestamp(9),
        )
        .unwrap()
        .unwrap();
        assert_eq!(event.kind, "equivocation");
        assert!(
            event
                .attributes
                .contains(&("action".into(), "jailed".into()))
        );
        assert_eq!(jailed_since(&state, &validator).unwrap(), Some(5));
        // The same fault again (a repeated proof) changes nothing.
        assert!(
            record_equivocation(
                &mut state,
                &validator,
                12,
                "conflicting_notarize",
                6,
                Timestamp(10)
            )
            .unwrap()
            .is_none()
        );
        let records = evidence(&state, &validator).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!((records[0].view, records[0].height), (12, 5));
        assert!(evidence(&state, &[8u8; 32]).unwrap().is_empty());
    }

    #[test]
    fn record_only_rule_does_not_jail() {
        let mut state = MemState::default();
        store::set(
            &mut state,
            params_key(),
            &Params {
                equivocation: EquivocationRule::RecordOnly,
            },
        )
        .unwrap();
        let validator = [1u8; 32];
        let event = record_equivocation(
            &mut state,
            &validator,
            3,
            "nullify_finalize",
            2,
            Timestamp(1),
        )
        .unwrap()
        .unwrap();
        assert!(
            event
                .attributes
                .contains(&("action".into(), "recorded".into()))
        );
        assert_eq!(jailed_since(&state, &validator).unwrap(), None);
    }
}
