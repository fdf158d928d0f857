//! Genesis of slashing: params, rules, every slash (the queue and window indexes are rebuilt from
//! them), operators' joins and departures, and pending commission changes.

use super::{PendingCommission, RulesRecord, SlashRecord, SlashStatus, state_key};
use crate::context::Ctx;
use crate::store;
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::{ServiceParams, SlashDestination, SlashingParams};
use phalanx_types::{Error, OperatorId, PoolId, ServiceId, Timestamp};
use serde::{Deserialize, Serialize};

/// A service's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesGenesisRecord {
    /// The service.
    pub service_id: ServiceId,
    /// Its rules.
    pub rules: RulesRecord,
}

/// When an operator joined or left a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipRecord {
    /// The service.
    pub service_id: ServiceId,
    /// The operator.
    pub operator_id: OperatorId,
    /// When it joined or left.
    pub time: Timestamp,
}

/// When a service started borrowing a pool's security.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BorrowRecord {
    /// The service.
    pub service_id: ServiceId,
    /// The pool.
    pub pool_id: PoolId,
    /// When the borrow started.
    pub time: Timestamp,
}

/// A service's allowed denoms before a change, kept for slashes of earlier infractions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenomsChangeRecord {
    /// The service.
    pub service_id: ServiceId,
    /// When the change happened.
    pub time: Timestamp,
    /// The service's allowed denoms until then.
    pub before: Vec<String>,
}

/// An operator's pending commission change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCommissionRecord {
    /// The operator.
    pub operator_id: OperatorId,
    /// The change.
    pub pending: PendingCommission,
}

/// Slashing genesis.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashingGenesis {
    /// Params.
    pub params: SlashingParams,
    /// Next slash id (0 means 1).
    pub next_slash_id: u64,
    /// Rules by service.
    pub rules: Vec<RulesGenesisRecord>,
    /// Every slash, by id.
    pub slashes: Vec<SlashRecord>,
    /// Departures, by (service, operator).
    pub departures: Vec<MembershipRecord>,
    /// Join times of the operators joined now, by (service, operator); an operator joined without
    /// one (in an older genesis) counts as joined before any infraction.
    #[serde(default)]
    pub joins: Vec<MembershipRecord>,
    /// Start times of the pool borrows in force, by (service, pool); a borrow without one counts as
    /// older than any infraction.
    #[serde(default)]
    pub borrows: Vec<BorrowRecord>,
    /// Allowed denoms of services before their changes of the last unbonding time, by (service, time).
    #[serde(default)]
    pub denoms_changes: Vec<DenomsChangeRecord>,
    /// Pending commission changes, by operator.
    pub pending_commissions: Vec<PendingCommissionRecord>,
}

fn suffix_u32(k: &[u8], at: usize) -> Result<u32> {
    store::be_u32(
        k.get(at..at.saturating_add(4))
            .ok_or_else(|| Error::State("malformed slashing key".into()))?,
    )
}

/// Exports every slashing record.
pub fn export_genesis(state: &dyn StateRead) -> Result<SlashingGenesis> {
    let rules = state
        .prefix(&state_key::single(state_key::RULES))?
        .into_iter()
        .map(|(k, v)| {
            Ok(RulesGenesisRecord {
                service_id: ServiceId(suffix_u32(&k, 2)?),
                rules: store::decode(&v)?,
            })
        })
        .collect::<Result<_>>()?;
    let memberships = |sub| -> Result<Vec<MembershipRecord>> {
        state
            .prefix(&state_key::single(sub))?
            .into_iter()
            .map(|(k, v)| {
                Ok(MembershipRecord {
                    service_id: ServiceId(suffix_u32(&k, 2)?),
                    operator_id: OperatorId(suffix_u32(&k, 6)?),
                    time: store::decode(&v)?,
                })
            })
            .collect()
    };
    let pending_commissions = state
        .prefix(&state_key::single(state_key::PENDING_COMMISSION))?
        .into_iter()
        .map(|(k, v)| {
            Ok(PendingCommissionRecord {
                operator_id: OperatorId(suffix_u32(&k, 2)?),
                pending: store::decode(&v)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(SlashingGenesis {
        params: super::params(state)?,
        next_slash_id: store::get(state, &state_key::single(state_key::NEXT_SLASH_ID))?
            .unwrap_or(1),
        rules,
        slashes: store::values(state, &state_key::single(state_key::SLASH))?,
        departures: memberships(state_key::DEPARTURE)?,
        joins: memberships(state_key::JOINED_AT)?,
        borrows: state
            .prefix(&state_key::single(state_key::BORROWED_AT))?
            .into_iter()
            .map(|(k, v)| {
                Ok(BorrowRecord {
                    service_id: ServiceId(suffix_u32(&k, 2)?),
                    pool_id: PoolId(suffix_u32(&k, 6)?),
                    time: store::decode(&v)?,
                })
            })
            .collect::<Result<_>>()?,
        denoms_changes: state
            .prefix(&state_key::single(state_key::DENOMS_BEFORE))?
            .into_iter()
            .map(|(k, v)| {
                let time = k
                    .get(6..14)
                    .and_then(|b| <[u8; 8]>::try_from(b).ok())
                    .map(u64::from_be_bytes)
                    .ok_or_else(|| Error::State("malformed denoms change key".into()))?;
                Ok(DenomsChangeRecord {
                    service_id: ServiceId(suffix_u32(&k, 2)?),
                    time: Timestamp(time),
                    before: store::decode(&v)?,
                })
            })
            .collect::<Result<_>>()?,
        pending_commissions,
    })
}

/// Imports every slashing record and rebuilds the execution queue and the window index.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &SlashingGenesis) -> Result<()> {
    g.params.validate()?;
    ctx.set(state_key::single(state_key::PARAMS), &g.params)?;
    let next = g.next_slash_id.max(1);
    ctx.set(state_key::single(state_key::NEXT_SLASH_ID), &next)?;
    let unbonding = crate::restaking::params(ctx.state())?.unbonding_time;
    for r in &g.rules {
        for rules in r
            .rules
            .active
            .iter()
            .chain(r.rules.pending.iter().map(|p| &p.rules))
        {
            rules.validate()?;
            if rules.veto_window >= unbonding {
                return Err(Error::InvalidGenesis(format!(
                    "service {}: veto_window {} must be shorter than the unbonding time {unbonding}",
                    r.service_id, rules.veto_window
                )));
            }
            if let SlashDestination::Recipient { address } = &rules.destination {
                crate::bank::check_recipient(address)?;
            }
        }
        ctx.set(state_key::rules(r.service_id), &r.rules)?;
    }
    for s in &g.slashes {
        if s.id == 0 || s.id >= next {
            return Err(Error::InvalidGenesis(format!(
                "slash id {} must be between 1 and next_slash_id {next}",
                s.id
            )));
        }
        ctx.set(state_key::slash(s.id), s)?;
        // Vetoed and failed slashes took nothing and do not count towards the window cap.
        if matches!(s.status, SlashStatus::Pending | SlashStatus::Executed) {
            ctx.set(
                state_key::window(s.service_id, s.submitted_at, s.id),
                &s.fraction,
            )?;
        }
        if s.status == SlashStatus::Pending {
            ctx.set(state_key::queue(s.executes_at, s.id), &())?;
        }
    }
    for d in &g.departures {
        ctx.set(state_key::departure(d.service_id, d.operator_id), &d.time)?;
    }
    // Recorded times lie in the past: a join or borrow dated after genesis would put every earlier
    // infraction out of reach.
    let now = ctx.block.time;
    let future = g
        .joins
        .iter()
        .map(|j| (j.time, "join"))
        .chain(g.departures.iter().map(|d| (d.time, "departure")))
        .chain(g.borrows.iter().map(|b| (b.time, "borrow")))
        .chain(g.denoms_changes.iter().map(|d| (d.time, "denoms change")))
        .find(|(t, _)| *t > now);
    if let Some((t, what)) = future {
        return Err(Error::InvalidGenesis(format!(
            "a {what} recorded at {t}, after the genesis time {now}"
        )));
    }
    for j in &g.joins {
        if !crate::restaking::all_joined_services(ctx.state(), j.operator_id)?
            .contains(&j.service_id)
        {
            return Err(Error::InvalidGenesis(format!(
                "join time of operator {} in service {}, which it has not joined",
                j.operator_id, j.service_id
            )));
        }
        ctx.set(state_key::joined_at(j.service_id, j.operator_id), &j.time)?;
    }
    for b in &g.borrows {
        if !crate::restaking::pool_secures_service(ctx.state(), b.service_id, b.pool_id)? {
            return Err(Error::InvalidGenesis(format!(
                "borrow time of pool {} by service {}, which does not borrow it",
                b.pool_id, b.service_id
            )));
        }
        ctx.set(state_key::borrowed_at(b.service_id, b.pool_id), &b.time)?;
    }
    crate::genesis_util::require_sorted_unique(
        &g.denoms_changes,
        |d| (d.service_id, d.time),
        "slashing denoms_changes",
    )?;
    for d in &g.denoms_changes {
        crate::services::must_service(ctx.state(), d.service_id)?;
        ServiceParams {
            allowed_denoms: d.before.clone(),
        }
        .validate()?;
        ctx.set(state_key::denoms_before(d.service_id, d.time), &d.before)?;
    }
    for p in &g.pending_commissions {
        ctx.set(state_key::pending_commission(p.operator_id), &p.pending)?;
        ctx.set(
            state_key::commission_queue(p.pending.effective_time, p.operator_id),
            &(),
        )?;
    }
    Ok(())
}
