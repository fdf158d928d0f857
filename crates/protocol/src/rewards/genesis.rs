//! Genesis of rewards: every record, exported in key order and imported without running any hook
//! (fixes Q11: the reference chain fired reward hooks while importing restaking, before reward
//! records existed). Starting infos live in the delegations' records, so restaking's genesis must be
//! imported first; a starting info for a delegation it did not create is refused.

use super::f1::{CurrentRewards, HistoricalRewards, SlashEvent, StartingInfo};
use super::{DecPools, RewardsPlan, state_key};
use crate::context::Ctx;
use crate::restaking::{self, TargetRef};
use crate::store;
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::{DelegationKind, RewardsParams};
use phalanx_types::{Address, DecCoins, Error, OperatorId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A delegation's starting point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartingInfoRecord {
    /// Delegator.
    pub delegator: Address,
    /// Its starting info.
    pub info: StartingInfo,
}

/// One period of history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoricalRecord {
    /// Period number.
    pub period: u64,
    /// Cumulative rewards at its end.
    pub rewards: HistoricalRewards,
}

/// A slash event of a target (or one pool tranche).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlashEventRecord {
    /// Pool tranche (0 for operators and services).
    pub tranche: u32,
    /// The period that ended just before the slash.
    pub period: u64,
    /// The event.
    pub event: SlashEvent,
}

/// All reward records of one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRecords {
    /// The target.
    pub target: TargetRef,
    /// Open period, if one was ever stored.
    pub current: Option<CurrentRewards>,
    /// Owed to its delegators (and commission).
    pub outstanding: DecPools,
    /// History still referenced.
    pub historical: Vec<HistoricalRecord>,
    /// Delegations' starting points.
    pub starting_infos: Vec<StartingInfoRecord>,
    /// Accumulated commission (operators).
    pub commission: DecPools,
    /// Slashes that shrank its delegations' stake.
    #[serde(default)]
    pub slash_events: Vec<SlashEventRecord>,
}

/// A custom withdraw address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawAddressRecord {
    /// Who set it.
    pub address: Address,
    /// Where their rewards go.
    pub withdraw_address: Address,
}

/// Sub-unit rewards owed to an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedRecord {
    /// The recipient.
    pub address: Address,
    /// Owed amount.
    pub owed: DecCoins,
}

/// Genesis state of rewards.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsGenesis {
    /// Params.
    pub params: RewardsParams,
    /// Next plan id (0 means 1).
    pub next_plan_id: u64,
    /// Plans.
    pub plans: Vec<RewardsPlan>,
    /// Block time of the last allocation.
    pub last_allocation_time: Option<Timestamp>,
    /// Custom withdraw addresses.
    pub withdraw_addresses: Vec<WithdrawAddressRecord>,
    /// Per-target records.
    pub targets: Vec<TargetRecords>,
    /// Sub-unit amounts owed.
    pub owed: Vec<OwedRecord>,
    /// Unclaimable remainders.
    pub unclaimed: DecCoins,
}

fn kind_from_byte(b: u8) -> Result<DelegationKind> {
    Ok(match b {
        1 => DelegationKind::Pool,
        2 => DelegationKind::Operator,
        3 => DelegationKind::Service,
        _ => return Err(Error::State(format!("unknown delegation kind {b} in key"))),
    })
}

/// Splits `kind ‖ id ‖ rest` off a key suffix.
fn split_target(suffix: &[u8]) -> Result<(TargetRef, &[u8])> {
    let (&kind, rest) = suffix
        .split_first()
        .ok_or_else(|| Error::State("empty reward key".into()))?;
    let (id, rest) = rest
        .split_at_checked(4)
        .ok_or_else(|| Error::State("malformed target in reward key".into()))?;
    Ok((
        TargetRef {
            kind: kind_from_byte(kind)?,
            id: store::be_u32(id)?,
        },
        rest,
    ))
}

fn address_of(bytes: &[u8]) -> Result<Address> {
    bytes
        .try_into()
        .map(Address)
        .map_err(|_| Error::State("malformed address in reward key".into()))
}

fn u64_of(bytes: &[u8]) -> Result<u64> {
    bytes
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| Error::State("malformed u64 in reward key".into()))
}

/// Every raw entry under `[REWARDS, sub]`, with the key suffix after it.
fn entries(state: &dyn StateRead, sub: u8) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let prefix = state_key::single(sub);
    Ok(state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| (k.get(prefix.len()..).unwrap_or_default().to_vec(), v))
        .collect())
}

/// Exports every rewards record.
pub fn export_genesis(state: &dyn StateRead) -> Result<RewardsGenesis> {
    let mut targets: BTreeMap<TargetRef, TargetRecords> = BTreeMap::new();
    fn entry(map: &mut BTreeMap<TargetRef, TargetRecords>, t: TargetRef) -> &mut TargetRecords {
        map.entry(t).or_insert_with(|| TargetRecords {
            target: t,
            current: None,
            outstanding: DecPools::new(),
            historical: Vec::new(),
            starting_infos: Vec::new(),
            commission: DecPools::new(),
            slash_events: Vec::new(),
        })
    }
    for (k, v) in entries(state, state_key::CURRENT)? {
        entry(&mut targets, split_target(&k)?.0).current = Some(store::decode(&v)?);
    }
    for (k, v) in entries(state, state_key::OUTSTANDING)? {
        entry(&mut targets, split_target(&k)?.0).outstanding = store::decode(&v)?;
    }
    for (k, v) in entries(state, state_key::HISTORICAL)? {
        let (t, rest) = split_target(&k)?;
        entry(&mut targets, t).historical.push(HistoricalRecord {
            period: u64_of(rest)?,
            rewards: store::decode(&v)?,
        });
    }
    for (t, delegator, info) in restaking::all_rewards_starts(state)? {
        entry(&mut targets, t)
            .starting_infos
            .push(StartingInfoRecord { delegator, info });
    }
    for (k, v) in entries(state, state_key::SLASH_EVENT)? {
        let (t, rest) = split_target(&k)?;
        let (tranche, period) = rest
            .split_at_checked(4)
            .ok_or_else(|| Error::State("malformed slash event key".into()))?;
        entry(&mut targets, t).slash_events.push(SlashEventRecord {
            tranche: store::be_u32(tranche)?,
            period: u64_of(period)?,
            event: store::decode(&v)?,
        });
    }
    for (k, v) in entries(state, state_key::COMMISSION)? {
        let t = TargetRef::operator(OperatorId(store::be_u32(&k)?));
        entry(&mut targets, t).commission = store::decode(&v)?;
    }
    let withdraw_addresses = entries(state, state_key::WITHDRAW_ADDRESS)?
        .into_iter()
        .map(|(k, v)| {
            Ok(WithdrawAddressRecord {
                address: address_of(&k)?,
                withdraw_address: store::decode(&v)?,
            })
        })
        .collect::<Result<_>>()?;
    let owed = entries(state, state_key::OWED)?
        .into_iter()
        .map(|(k, v)| {
            Ok(OwedRecord {
                address: address_of(&k)?,
                owed: store::decode(&v)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(RewardsGenesis {
        params: super::params(state)?,
        next_plan_id: super::next_plan_id(state)?,
        plans: super::all_plans(state)?,
        last_allocation_time: store::get(state, &state_key::single(state_key::LAST_ALLOCATION))?,
        withdraw_addresses,
        targets: targets.into_values().collect(),
        owed,
        unclaimed: super::unclaimed(state)?,
    })
}

/// Imports every rewards record as exported; plan ids must be below `next_plan_id`. Backing of the
/// rewards pool is checked by the caller with the invariants, once every module is loaded.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &RewardsGenesis) -> Result<()> {
    let next = g.next_plan_id.max(1);
    ctx.set(state_key::single(state_key::PARAMS), &g.params)?;
    ctx.set(state_key::single(state_key::NEXT_PLAN_ID), &next)?;
    // Plans imported below are indexed as they are stored.
    ctx.set(state_key::single(state_key::PLANS_INDEXED), &())?;
    for p in &g.plans {
        if p.id == 0 || p.id >= next {
            return Err(Error::InvalidGenesis(format!(
                "rewards plan id {} must be between 1 and next_plan_id {next}",
                p.id
            )));
        }
        p.terms.validate()?;
        super::save_plan(ctx, p)?;
    }
    if let Some(t) = g.last_allocation_time {
        ctx.set(state_key::single(state_key::LAST_ALLOCATION), &t)?;
    }
    for w in &g.withdraw_addresses {
        crate::bank::check_recipient(&w.withdraw_address)?;
        ctx.set(state_key::withdraw_address(&w.address), &w.withdraw_address)?;
    }
    for t in &g.targets {
        if let Some(c) = &t.current {
            ctx.set(state_key::of_target(state_key::CURRENT, t.target), c)?;
        }
        if !t.outstanding.is_empty() {
            ctx.set(
                state_key::of_target(state_key::OUTSTANDING, t.target),
                &t.outstanding,
            )?;
        }
        for h in &t.historical {
            ctx.set(state_key::historical(t.target, h.period), &h.rewards)?;
        }
        for e in &t.slash_events {
            ctx.set(
                state_key::slash_event(t.target, e.tranche, e.period),
                &e.event,
            )?;
        }
        for s in &t.starting_infos {
            restaking::set_rewards_start(ctx, t.target, &s.delegator, Some(s.info.clone()))?;
        }
        if !t.commission.is_empty() {
            if t.target.kind != DelegationKind::Operator {
                return Err(Error::InvalidGenesis(format!(
                    "{} cannot hold commission",
                    t.target
                )));
            }
            ctx.set(
                state_key::commission(OperatorId(t.target.id)),
                &t.commission,
            )?;
        }
    }
    for o in &g.owed {
        ctx.set(state_key::owed(&o.address), &o.owed)?;
    }
    if !g.unclaimed.is_empty() {
        ctx.set(state_key::single(state_key::UNCLAIMED), &g.unclaimed)?;
    }
    Ok(())
}
