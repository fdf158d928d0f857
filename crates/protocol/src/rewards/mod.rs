//! Rewards: plans through which services pay for the security they borrow, their per-block allocation
//! to pools, operators and direct delegators (spec §6.6–§6.7), and F1 lazy accounting with operator
//! commission (§6.8–§6.10).
//!
//! Every unit that leaves a plan is, at every moment, exactly one of: paid out, owed to a delegator or an
//! operator (a target's outstanding rewards, an operator's commission, or a recipient's sub-unit
//! remainder), or still the plan's (its account, or its undistributed remainder in the rewards pool,
//! offered again next block). Only remainders that provably belong to nobody (a deleted target's dust,
//! the sub-unit part of a terminated plan) go to an explicit `unclaimed` bucket. Fixes Q8 and Q16.

mod allocation;
mod f1;
mod genesis;
mod queries;
mod state_key;

pub use allocation::begin_block;
pub use f1::{
    CurrentRewards, HistoricalRewards, SlashEvent, StartingInfo, after_delegation_modified,
    after_slash, before_delegation_modified, before_slash, current, flatten, historical,
    outstanding, owed, pending_rewards, remove_target, starting_info, unclaimed,
};
pub use genesis::{RewardsGenesis, TargetRecords, export_genesis, init_genesis};
pub use queries::*;

use crate::context::Ctx;
use crate::restaking::TargetRef;
use crate::{bank, operators, services, store};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{Result, RewardsError};
use phalanx_types::msgs::{
    DistributionType, MsgCreateRewardsPlan, MsgEditRewardsPlan, MsgFundRewardsPlan,
    MsgSetWithdrawAddress, MsgUpdateRewardsParams, MsgWithdrawDelegatorReward,
    MsgWithdrawOperatorCommission, PlanTerms, RewardsParams,
};
use phalanx_types::{Address, Coins, Dec, DecCoins, Error, Event, ServiceId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Reward coins by restaked denom (the spec's `DecPools`).
pub type DecPools = BTreeMap<String, DecCoins>;
/// Reward coins by service id, then restaked denom (the spec's `ServicePools`).
pub type ServicePools = BTreeMap<u32, DecPools>;

/// Adds `coins` under `denom`.
fn pools_add(pools: &mut DecPools, denom: &str, coins: &DecCoins) -> Result<()> {
    if coins.is_empty() {
        return Ok(());
    }
    let entry = pools.entry(denom.to_owned()).or_default();
    *entry = entry.checked_add(coins)?;
    Ok(())
}

/// Subtracts `coins` under `denom`, dropping emptied entries; going negative is a state fault.
fn pools_sub(pools: &mut DecPools, denom: &str, coins: &DecCoins) -> Result<()> {
    if coins.is_empty() {
        return Ok(());
    }
    let held = pools.get(denom).cloned().unwrap_or_default();
    let rest = held.checked_sub(coins).map_err(|_| {
        Error::State(format!(
            "reward records of {denom} hold {held}, cannot remove {coins}"
        ))
    })?;
    if rest.is_empty() {
        pools.remove(denom);
    } else {
        pools.insert(denom.to_owned(), rest);
    }
    Ok(())
}

/// A service's plan: its terms plus the accrual state that carries sub-unit amounts between blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct RewardsPlan {
    /// Plan id (from 1).
    pub id: u64,
    /// The service paying.
    pub service_id: ServiceId,
    /// Terms set by the service admin.
    pub terms: PlanTerms,
    /// Account holding the plan's funds (derived from the id).
    pub rewards_pool: Address,
    /// `amount_per_day × elapsed ms` not yet paid out as a whole unit, in units·ms (< 86,400,000):
    /// per-block sub-unit amounts accrue here instead of being dropped (Q8).
    #[serde(with = "crate::serde_amount")]
    pub accrual_carry: u128,
    /// Units already moved into the rewards pool but not credited to any target (split remainders,
    /// categories without targets: Q16). Offered again with the next block's amount; refunded at the end.
    pub undistributed: Dec,
}

/// The account holding a plan's funds.
pub fn plan_address(id: u64) -> Address {
    Address::module(&format!("rewards-plan-{id}"))
}

/// The account holding every credited but unpaid reward.
pub fn rewards_pool() -> Address {
    Address::module("rewards_pool")
}

/// Current params.
pub fn params(state: &dyn StateRead) -> Result<RewardsParams> {
    Ok(store::get(state, &state_key::single(state_key::PARAMS))?.unwrap_or_default())
}

/// The plan with this id.
pub fn plan(state: &dyn StateRead, id: u64) -> Result<Option<RewardsPlan>> {
    store::get(state, &state_key::plan(id))
}

fn must_plan(state: &dyn StateRead, id: u64) -> Result<RewardsPlan> {
    plan(state, id)?.ok_or_else(|| RewardsError::PlanNotFound(id).into())
}

/// Every plan, in id order.
pub fn all_plans(state: &dyn StateRead) -> Result<Vec<RewardsPlan>> {
    store::values(state, &state_key::single(state_key::PLAN))
}

/// The id the next plan will get.
pub fn next_plan_id(state: &dyn StateRead) -> Result<u64> {
    Ok(store::get(state, &state_key::single(state_key::NEXT_PLAN_ID))?.unwrap_or(1))
}

/// Plans listed under an index of their start or end times whose time is at or before `now`, in
/// (time, id) order: begin-block reads only these, not every plan ever created (plans far in the
/// future cost a block nothing).
fn plans_due(state: &dyn StateRead, sub: u8, now: Timestamp) -> Result<Vec<RewardsPlan>> {
    let start = state_key::single(sub);
    let mut out = Vec::new();
    for (k, _) in state.range(&start, Some(&state_key::plan_by_time_end(sub, now)), None)? {
        let id = k
            .get(k.len().saturating_sub(8)..)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| Error::State("malformed rewards plan index key".into()))?;
        out.extend(plan(state, id)?);
    }
    Ok(out)
}

/// Plans that have started (and not ended: an ended plan leaves every index).
pub(crate) fn started_plans(state: &dyn StateRead, now: Timestamp) -> Result<Vec<RewardsPlan>> {
    plans_due(state, state_key::PLAN_BY_START, now)
}

/// Plans whose end time has come.
pub(crate) fn ending_plans(state: &dyn StateRead, now: Timestamp) -> Result<Vec<RewardsPlan>> {
    plans_due(state, state_key::PLAN_BY_END, now)
}

/// Builds the plan indexes once on a store written before they existed (every node does it in the
/// same block, so the state stays deterministic); a no-op afterwards.
pub(crate) fn ensure_plans_indexed(ctx: &mut Ctx<'_>) -> Result<()> {
    let marker = state_key::single(state_key::PLANS_INDEXED);
    if ctx.state().get(&marker)?.is_some() {
        return Ok(());
    }
    for p in all_plans(ctx.state())? {
        save_plan(ctx, &p)?;
    }
    ctx.set(marker, &())
}

/// Invariant: the start- and end-time indexes list every plan exactly once each, at its current
/// times, and nothing else. The first violation, if any.
pub fn check_plan_indexes(state: &dyn StateRead) -> Result<Option<String>> {
    let plans = all_plans(state)?;
    for (sub, what) in [
        (state_key::PLAN_BY_START, "start"),
        (state_key::PLAN_BY_END, "end"),
    ] {
        let listed = state.prefix(&state_key::single(sub))?.len();
        if listed != plans.len() {
            return Ok(Some(format!(
                "{} plans but {listed} entries in the {what}-time index",
                plans.len()
            )));
        }
        for p in &plans {
            let at = if sub == state_key::PLAN_BY_START {
                p.terms.start_time
            } else {
                p.terms.end_time
            };
            if state
                .get(&state_key::plan_by_time(sub, at, p.id))?
                .is_none()
            {
                return Ok(Some(format!(
                    "plan {} is missing from the {what}-time index",
                    p.id
                )));
            }
        }
    }
    Ok(None)
}

/// Stores a plan and keeps its entries in the start- and end-time indexes in step with its terms.
fn save_plan(ctx: &mut Ctx<'_>, p: &RewardsPlan) -> Result<()> {
    if let Some(old) = plan(ctx.state(), p.id)? {
        unindex_plan(ctx, &old)?;
    }
    ctx.set(
        state_key::plan_by_time(state_key::PLAN_BY_START, p.terms.start_time, p.id),
        &(),
    )?;
    ctx.set(
        state_key::plan_by_time(state_key::PLAN_BY_END, p.terms.end_time, p.id),
        &(),
    )?;
    ctx.set(state_key::plan(p.id), p)
}

/// Removes a plan's index entries (it ends, or its times change).
fn unindex_plan(ctx: &mut Ctx<'_>, p: &RewardsPlan) -> Result<()> {
    ctx.delete(&state_key::plan_by_time(
        state_key::PLAN_BY_START,
        p.terms.start_time,
        p.id,
    ))?;
    ctx.delete(&state_key::plan_by_time(
        state_key::PLAN_BY_END,
        p.terms.end_time,
        p.id,
    ))
}

/// Deletes a plan that ended, with its index entries.
pub(crate) fn delete_plan(ctx: &mut Ctx<'_>, p: &RewardsPlan) -> Result<()> {
    unindex_plan(ctx, p)?;
    ctx.delete(&state_key::plan(p.id))
}

/// Where `addr`'s rewards are paid (itself unless it set another address).
pub fn withdraw_address(state: &dyn StateRead, addr: &Address) -> Result<Address> {
    Ok(store::get(state, &state_key::withdraw_address(addr))?.unwrap_or(*addr))
}

fn service_admin(ctx: &Ctx<'_>, svc: ServiceId, sender: Address) -> Result<services::Service> {
    let s = services::must_service(ctx.state(), svc)?;
    if s.admin != sender {
        return Err(Error::Unauthorized(format!(
            "{sender} is not the admin of service {svc}"
        )));
    }
    Ok(s)
}

/// Weighted lists may only name pools / operators that exist.
fn check_weighted_targets(ctx: &Ctx<'_>, terms: &PlanTerms) -> Result<()> {
    let lists = [
        (&terms.pools_distribution.kind, true),
        (&terms.operators_distribution.kind, false),
    ];
    for (kind, is_pool) in lists {
        if let DistributionType::Weighted { weights } = kind {
            for w in weights {
                let r = if is_pool {
                    TargetRef::pool(phalanx_types::PoolId(w.target_id))
                } else {
                    TargetRef::operator(phalanx_types::OperatorId(w.target_id))
                };
                if crate::restaking::target::load(ctx.state(), r)?.is_none() {
                    return Err(RewardsError::TargetNotFound(r.to_string()).into());
                }
            }
        }
    }
    Ok(())
}

/// Executes `MsgCreateRewardsPlan` (service admin only; the creation fee goes to the community pool).
pub fn handle_create_plan(ctx: &mut Ctx<'_>, msg: &MsgCreateRewardsPlan) -> Result<u64> {
    service_admin(ctx, msg.service_id, msg.sender)?;
    msg.terms.validate()?;
    check_weighted_targets(ctx, &msg.terms)?;
    let fee = params(ctx.state())?.rewards_plan_creation_fee;
    if !operators::charge_registration_fee(ctx, &msg.sender, &msg.fee_amount, &fee)? {
        return Err(
            RewardsError::InsufficientFee(msg.fee_amount.to_string(), fee.to_string()).into(),
        );
    }
    let id = next_plan_id(ctx.state())?;
    let next = id
        .checked_add(1)
        .ok_or(phalanx_types::MathError::Overflow)?;
    ctx.set(state_key::single(state_key::NEXT_PLAN_ID), &next)?;
    let plan = RewardsPlan {
        id,
        service_id: msg.service_id,
        terms: msg.terms.clone(),
        rewards_pool: plan_address(id),
        accrual_carry: 0,
        undistributed: Dec::ZERO,
    };
    save_plan(ctx, &plan)?;
    ctx.emit(
        Event::new("create_rewards_plan")
            .attr("rewards_plan_id", id)
            .attr("service_id", msg.service_id)
            .attr("sender", msg.sender),
    );
    Ok(id)
}

/// Executes `MsgEditRewardsPlan`: a plan that has not ended gets new terms (the denom may not change,
/// since the plan's funds and remainders are in it).
pub fn handle_edit_plan(ctx: &mut Ctx<'_>, msg: &MsgEditRewardsPlan) -> Result<()> {
    let mut plan = must_plan(ctx.state(), msg.plan_id)?;
    service_admin(ctx, plan.service_id, msg.sender)?;
    if ctx.block.time >= plan.terms.end_time {
        return Err(RewardsError::PlanEnded(plan.id).into());
    }
    msg.terms.validate()?;
    if msg.terms.amount_per_day.denom != plan.terms.amount_per_day.denom {
        return Err(RewardsError::WrongDenom(
            plan.terms.amount_per_day.denom.clone(),
            msg.terms.amount_per_day.denom.clone(),
        )
        .into());
    }
    check_weighted_targets(ctx, &msg.terms)?;
    plan.terms = msg.terms.clone();
    save_plan(ctx, &plan)?;
    ctx.emit(
        Event::new("edit_rewards_plan")
            .attr("rewards_plan_id", plan.id)
            .attr("service_id", plan.service_id)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Executes `MsgFundRewardsPlan`: anyone may add coins of the plan's denom while it runs.
pub fn handle_fund_plan(ctx: &mut Ctx<'_>, msg: &MsgFundRewardsPlan) -> Result<()> {
    let plan = must_plan(ctx.state(), msg.plan_id)?;
    if ctx.block.time >= plan.terms.end_time {
        return Err(RewardsError::PlanEnded(plan.id).into());
    }
    if msg.amount.denom != plan.terms.amount_per_day.denom {
        return Err(RewardsError::WrongDenom(
            plan.terms.amount_per_day.denom.clone(),
            msg.amount.denom.clone(),
        )
        .into());
    }
    let amount = Coins::new(vec![msg.amount.clone()])?;
    // The transfer rules of a plain send apply: locked tokens cannot leave their owner this way.
    crate::liquidvesting::check_send(ctx.state(), &msg.sender, &plan.rewards_pool, &amount)?;
    bank::send(ctx, &msg.sender, &plan.rewards_pool, &amount)?;
    ctx.emit(
        Event::new("fund_rewards_plan")
            .attr("rewards_plan_id", plan.id)
            .attr("sender", msg.sender)
            .attr("amount", &amount),
    );
    Ok(())
}

/// Executes `MsgSetWithdrawAddress`. The accounts [`bank::check_recipient`] refuses cannot be chosen,
/// nor the community pool: rewards sent there would leave their owner for good.
pub fn handle_set_withdraw_address(ctx: &mut Ctx<'_>, msg: &MsgSetWithdrawAddress) -> Result<()> {
    bank::check_recipient(&msg.withdraw_address)?;
    if msg.withdraw_address == bank::community_pool() {
        return Err(Error::Unauthorized(format!(
            "{} is the community pool and cannot receive withdrawals",
            msg.withdraw_address
        )));
    }
    let key = state_key::withdraw_address(&msg.sender);
    if msg.withdraw_address == msg.sender {
        ctx.delete(&key)?;
    } else {
        ctx.set(key, &msg.withdraw_address)?;
    }
    ctx.emit(
        Event::new("set_withdraw_address")
            .attr("sender", msg.sender)
            .attr("withdraw_address", msg.withdraw_address),
    );
    Ok(())
}

/// Executes `MsgWithdrawDelegatorReward`: pays and restarts the delegation's accounting.
pub fn handle_withdraw_delegator_reward(
    ctx: &mut Ctx<'_>,
    msg: &MsgWithdrawDelegatorReward,
) -> Result<Coins> {
    let t = TargetRef {
        kind: msg.delegation_type,
        id: msg.target_id,
    };
    crate::restaking::target::must_load(ctx.state(), t)?;
    let d = crate::restaking::delegation(ctx.state(), t, &msg.delegator)?.ok_or_else(|| {
        phalanx_types::error::RestakingError::DelegationNotFound(
            msg.delegator.to_string(),
            t.to_string(),
        )
    })?;
    let prefs = crate::restaking::user_preferences(ctx.state(), &msg.delegator)?;
    let paid = f1::withdraw(ctx, t, &msg.delegator, &prefs)?;
    f1::initialize_delegation(ctx, &d)?;
    Ok(paid)
}

/// Executes `MsgWithdrawOperatorCommission` (operator admin only).
pub fn handle_withdraw_operator_commission(
    ctx: &mut Ctx<'_>,
    msg: &MsgWithdrawOperatorCommission,
) -> Result<Coins> {
    let op = operators::must_operator(ctx.state(), msg.operator_id)?;
    if op.admin != msg.sender {
        return Err(Error::Unauthorized(format!(
            "{} is not the admin of operator {}",
            msg.sender, op.id
        )));
    }
    f1::withdraw_commission(ctx, op.id)
}

/// Executes `MsgUpdateRewardsParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateRewardsParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    ctx.set(state_key::single(state_key::PARAMS), &msg.params)?;
    ctx.emit(Event::new("update_params").attr("module", "rewards"));
    Ok(())
}

/// Before a service is deleted: its plans end now, refunded to its admin (rewards of deleted services
/// could never be allocated, and a plan that outlived its service blocked the reference chain: Q3).
pub fn before_service_deleted(ctx: &mut Ctx<'_>, svc: ServiceId) -> Result<()> {
    for p in all_plans(ctx.state())? {
        if p.service_id == svc {
            allocation::terminate(ctx, &p)?;
        }
    }
    f1::remove_target(ctx, TargetRef::service(svc))
}
