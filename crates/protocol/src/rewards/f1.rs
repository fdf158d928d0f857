//! F1 lazy reward accounting per (target, service, restaked denom) (spec §6.8–§6.10).
//!
//! Each target keeps the rewards of its current period per service and restaked denom, and a cumulative
//! reward-per-unit-of-stake history. Ending a period turns the current rewards into a ratio over the
//! stake that earned them; a delegation's rewards are its stake times the growth of that ratio since it
//! started. Nothing here iterates over delegators, so every cost is independent of their number.
//!
//! Where the reference chain lost units (Q8), we keep them, each in exactly one place:
//! - the part of a period's rewards that the truncated ratio does not hand out stays in the target's
//!   current rewards and is handed out with the next period;
//! - the sub-unit part of a withdrawal stays owed to the recipient (`owed`) and is paid with their next
//!   withdrawal once it makes a whole unit;
//! - rewards of a period in which nobody held the stake (it cannot happen through allocation, which
//!   skips stakeless targets, but is handled) are moved to the explicit `unclaimed` bucket.
//!
//! So for every reward denom, at every moment: balance of the rewards pool = Σ outstanding of all
//! targets + Σ owed + Σ plans' undistributed remainders + unclaimed (checked by the invariants).

use super::{
    DecPools, ServicePools, pools_add, pools_sub, rewards_pool, state_key, withdraw_address,
};
use crate::context::Ctx;
use crate::restaking::{self, Delegation, Target, TargetRef};
use crate::{bank, store};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{Result, RewardsError};
use phalanx_types::msgs::{DelegationKind, UserPreferences};
use phalanx_types::{Address, Coins, Dec, DecCoin, DecCoins, Error, Event, PoolId, ServiceId};
use serde::{Deserialize, Serialize};

/// Rewards of a target's open period, not yet turned into a ratio.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct CurrentRewards {
    /// Rewards by service, then restaked denom (commission excluded).
    pub rewards: ServicePools,
    /// The open period (periods start at 1; period 0 is the zero history).
    pub period: u64,
}

/// Cumulative reward per unit of stake at the end of a period.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct HistoricalRewards {
    /// Reward coins per unit of (trusted) stake, by service then restaked denom.
    pub cumulative: ServicePools,
    /// Delegations starting here, plus one while it is the target's latest period.
    pub reference_count: u32,
}

/// Where a delegation's reward accounting starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct StartingInfo {
    /// The period that ended just before the delegation (last) changed.
    pub previous_period: u64,
    /// Token value of the delegation's shares at that moment, by restaked denom.
    pub stakes: DecCoins,
    /// Height of that change.
    pub height: u64,
}

/// A slash of a target (or one pool tranche) right after a period ended: what each unit of stake in
/// each denom was worth after it, relative to before (`tokens after ÷ tokens before`, truncated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct SlashEvent {
    /// Remaining fraction of stake, by restaked denom (zero for a denom slashed entirely: kept, unlike
    /// in a `DecCoins`, so that a missing denom always means "not slashed").
    pub factors: Vec<DecCoin>,
}

/// The open period of a target (period 1 with nothing accrued if the target never had any).
pub fn current(state: &dyn StateRead, t: TargetRef) -> Result<CurrentRewards> {
    Ok(
        store::get(state, &state_key::of_target(state_key::CURRENT, t))?.unwrap_or(
            CurrentRewards {
                rewards: ServicePools::new(),
                period: 1,
            },
        ),
    )
}

/// The history at the end of `period`; period 0 is the implicit zero history every target starts from.
pub fn historical(state: &dyn StateRead, t: TargetRef, period: u64) -> Result<HistoricalRewards> {
    match store::get(state, &state_key::historical(t, period))? {
        Some(h) => Ok(h),
        None if period == 0 => Ok(HistoricalRewards {
            cumulative: ServicePools::new(),
            reference_count: 1,
        }),
        None => Err(Error::State(format!(
            "missing reward history of {t} at period {period}"
        ))),
    }
}

/// Rewards owed to the target's delegators and (operators) its commission.
pub fn outstanding(state: &dyn StateRead, t: TargetRef) -> Result<DecPools> {
    Ok(store::get(state, &state_key::of_target(state_key::OUTSTANDING, t))?.unwrap_or_default())
}

/// The starting info of a delegation.
pub fn starting_info(
    state: &dyn StateRead,
    t: TargetRef,
    delegator: &Address,
) -> Result<Option<StartingInfo>> {
    restaking::rewards_start(state, t, delegator)
}

/// Sub-unit rewards owed to `addr`, paid with its next withdrawal.
pub fn owed(state: &dyn StateRead, addr: &Address) -> Result<DecCoins> {
    Ok(store::get(state, &state_key::owed(addr))?.unwrap_or_default())
}

/// Sub-unit remainders that nobody can claim.
pub fn unclaimed(state: &dyn StateRead) -> Result<DecCoins> {
    Ok(store::get(state, &state_key::single(state_key::UNCLAIMED))?.unwrap_or_default())
}

pub(super) fn add_unclaimed(ctx: &mut Ctx<'_>, coins: &DecCoins) -> Result<()> {
    if coins.is_empty() {
        return Ok(());
    }
    let next = unclaimed(ctx.state())?.checked_add(coins)?;
    ctx.set(state_key::single(state_key::UNCLAIMED), &next)
}

fn set_or_delete<T: BorshSerialize>(
    ctx: &mut Ctx<'_>,
    key: Vec<u8>,
    value: &T,
    empty: bool,
) -> Result<()> {
    if empty {
        ctx.delete(&key)
    } else {
        ctx.set(key, value)
    }
}

pub(super) fn save_outstanding(ctx: &mut Ctx<'_>, t: TargetRef, o: &DecPools) -> Result<()> {
    set_or_delete(
        ctx,
        state_key::of_target(state_key::OUTSTANDING, t),
        o,
        o.is_empty(),
    )
}

/// The stake that earned a service's rewards in a target, by restaked denom: for a pool, the tokens of
/// its tranches that trust the service; for an operator or a service, all of it.
pub fn stake_for_service(state: &dyn StateRead, t: &Target, svc: ServiceId) -> Result<DecCoins> {
    match t.r.kind {
        DelegationKind::Pool => {
            let restaking::TargetObject::Pool(p) = &t.object else {
                return Err(Error::State(format!("{} is not a pool", t.r)));
            };
            let tokens = restaking::tranche::trusting_tokens(state, p.id, svc)?;
            Ok(DecCoins::single(p.denom.clone(), Dec::from_int(tokens))?)
        }
        DelegationKind::Operator | DelegationKind::Service => Ok(DecCoins::from_coins(&t.tokens)),
    }
}

/// What ending the open period produces: the ratio to add to the history, what the truncated ratio did
/// not hand out (carried into the next period), and rewards without any stake behind them.
struct PeriodEnd {
    ratio: ServicePools,
    carried: ServicePools,
    stakeless: DecPools,
}

fn end_of_period(state: &dyn StateRead, t: TargetRef, cur: &CurrentRewards) -> Result<PeriodEnd> {
    let mut end = PeriodEnd {
        ratio: ServicePools::new(),
        carried: ServicePools::new(),
        stakeless: DecPools::new(),
    };
    if cur.rewards.is_empty() {
        return Ok(end);
    }
    let target = restaking::load_target(state, t)?;
    for (svc, pools) in &cur.rewards {
        let stake = stake_for_service(state, &target, ServiceId(*svc))?;
        for (denom, rewards) in pools {
            let x = stake.amount_of(denom);
            if x.is_zero() {
                pools_add(&mut end.stakeless, denom, rewards)?;
                continue;
            }
            // Truncated, so Σ stake × ratio never exceeds the rewards; the rest carries forward.
            let ratio = rewards.quo_dec_truncate(x)?;
            let handed_out = ratio.mul_dec_truncate(x)?;
            let rest = rewards.checked_sub(&handed_out)?;
            add_to(&mut end.ratio, *svc, denom, &ratio)?;
            add_to(&mut end.carried, *svc, denom, &rest)?;
        }
    }
    Ok(end)
}

fn add_to(sp: &mut ServicePools, svc: u32, denom: &str, coins: &DecCoins) -> Result<()> {
    if coins.is_empty() {
        return Ok(());
    }
    pools_add(sp.entry(svc).or_default(), denom, coins)
}

/// `a + b`, merged by service and denom.
pub(super) fn service_pools_add(a: &ServicePools, b: &ServicePools) -> Result<ServicePools> {
    let mut out = a.clone();
    for (svc, pools) in b {
        for (denom, coins) in pools {
            add_to(&mut out, *svc, denom, coins)?;
        }
    }
    Ok(out)
}

/// `a − b`, merged by service and denom; negative results are a state fault.
fn service_pools_sub(a: &ServicePools, b: &ServicePools) -> Result<ServicePools> {
    let mut out = a.clone();
    for (svc, pools) in b {
        let entry = out.entry(*svc).or_default();
        for (denom, coins) in pools {
            pools_sub(entry, denom, coins)?;
        }
        if entry.is_empty() {
            out.remove(svc);
        }
    }
    Ok(out)
}

fn adjust_reference(ctx: &mut Ctx<'_>, t: TargetRef, period: u64, up: bool) -> Result<()> {
    let mut h = historical(ctx.state(), t, period)?;
    h.reference_count = if up {
        h.reference_count.checked_add(1)
    } else {
        h.reference_count.checked_sub(1)
    }
    .ok_or_else(|| {
        Error::State(format!(
            "reference count of {t} period {period} out of range"
        ))
    })?;
    let key = state_key::historical(t, period);
    set_or_delete(ctx, key, &h, h.reference_count == 0)
}

/// Ends the open period of `t` and returns the last ended period: its ratio joins the history, the
/// truncation remainder carries into the new period.
///
/// A period whose rewards would add nothing to the history (no whole ratio unit and nothing without
/// stake: typically the second stake change of a target in one block, when only the sub-unit carry is
/// open) is left open instead, and the period before it is returned: ending it would record the same
/// cumulative ratio and carry the same rewards, so every amount is identical, and a busy target does
/// not write two history records per delegation.
pub fn increment_period(ctx: &mut Ctx<'_>, t: TargetRef) -> Result<u64> {
    end_period(ctx, t, false)
}

fn end_period(ctx: &mut Ctx<'_>, t: TargetRef, always: bool) -> Result<u64> {
    let cur = current(ctx.state(), t)?;
    let end = end_of_period(ctx.state(), t, &cur)?;
    let previous = cur
        .period
        .checked_sub(1)
        .ok_or_else(|| Error::State(format!("{t} has period 0 open")))?;
    if !always && previous > 0 && end.ratio.is_empty() && end.stakeless.is_empty() {
        return Ok(previous);
    }
    let cumulative = service_pools_add(
        &historical(ctx.state(), t, previous)?.cumulative,
        &end.ratio,
    )?;
    ctx.set(
        state_key::historical(t, cur.period),
        &HistoricalRewards {
            cumulative,
            reference_count: 1,
        },
    )?;
    adjust_reference(ctx, t, previous, false)?;
    if !end.stakeless.is_empty() {
        // Rewards with no stake behind them leave the target for the explicit unclaimed bucket.
        let mut o = outstanding(ctx.state(), t)?;
        for (denom, coins) in &end.stakeless {
            pools_sub(&mut o, denom, coins)?;
        }
        save_outstanding(ctx, t, &o)?;
        add_unclaimed(ctx, &flatten(&end.stakeless)?)?;
    }
    let next = cur
        .period
        .checked_add(1)
        .ok_or(phalanx_types::MathError::Overflow)?;
    ctx.set(
        state_key::of_target(state_key::CURRENT, t),
        &CurrentRewards {
            rewards: end.carried,
            period: next,
        },
    )?;
    Ok(cur.period)
}

/// Starts a delegation's accounting at the period that just ended, at its present token value.
pub fn initialize_delegation(ctx: &mut Ctx<'_>, d: &Delegation) -> Result<()> {
    let t = d.target();
    let previous = current(ctx.state(), t)?
        .period
        .checked_sub(1)
        .ok_or_else(|| Error::State(format!("{t} has period 0 open")))?;
    if previous == 0
        && store::get::<HistoricalRewards>(ctx.state(), &state_key::historical(t, 0))?.is_none()
    {
        ctx.set(
            state_key::historical(t, 0),
            &HistoricalRewards {
                cumulative: ServicePools::new(),
                reference_count: 1,
            },
        )?;
    }
    adjust_reference(ctx, t, previous, true)?;
    let target = restaking::target::must_load_position(ctx.state(), t, &d.delegator)?;
    let stakes = target.tokens_from_shares(&d.shares)?;
    let start = StartingInfo {
        previous_period: previous,
        stakes,
        height: ctx.block.height,
    };
    restaking::set_rewards_start(ctx, t, &d.delegator, Some(start))
}

/// Rewards of a delegation between its start and the end of `end` cumulative history, by restaked
/// denom. For a pool, only services the delegator trusts with it count (their stake was counted in
/// exactly those services' denominators).
pub fn rewards_between(
    info: &StartingInfo,
    t: TargetRef,
    start: &ServicePools,
    end: &ServicePools,
    prefs: &UserPreferences,
) -> Result<DecPools> {
    let diff = service_pools_sub(end, start)?;
    let mut out = DecPools::new();
    for (svc, pools) in &diff {
        if t.kind == DelegationKind::Pool && !prefs.trusts(ServiceId(*svc), PoolId(t.id)) {
            continue;
        }
        for (denom, per_unit) in pools {
            let stake = info.stakes.amount_of(denom);
            if stake.is_zero() {
                continue;
            }
            let earned = per_unit.mul_dec_truncate(stake)?;
            if !earned.is_empty() {
                pools_add(&mut out, denom, &earned)?;
            }
        }
    }
    Ok(out)
}

/// The tranche whose slash events apply to a delegation: for a pool, the tranche of its owner's trust
/// set; 0 for operators and services.
fn delegation_tranche(state: &dyn StateRead, t: TargetRef, prefs: &UserPreferences) -> Result<u32> {
    if t.kind != DelegationKind::Pool {
        return Ok(0);
    }
    let set = restaking::tranche::trust_set(prefs, PoolId(t.id));
    Ok(restaking::tranche::tranche_for_set(state, PoolId(t.id), &set)?.id)
}

/// A delegation's rewards from its start to `end` (cumulative history `end_cumulative`, at period
/// `end_period`), segment by segment between the slash events of its target (or tranche): its stake
/// shrinks by each event's factors, so rewards before a slash are earned on the stake before it and
/// rewards after it on the reduced stake (docs/slashing.md §6).
fn accrued(
    state: &dyn StateRead,
    t: TargetRef,
    info: &StartingInfo,
    end_period: u64,
    end_cumulative: &ServicePools,
    prefs: &UserPreferences,
) -> Result<DecPools> {
    let tranche = delegation_tranche(state, t, prefs)?;
    let prefix = state_key::slash_events(t, tranche);
    let mut stake = info.clone();
    let mut from = historical(state, t, info.previous_period)?.cumulative;
    let mut total = DecPools::new();
    // Only the events in (previous_period, end_period], so the cost follows the slashes the
    // delegation lived through, not every slash its target ever had.
    let events = match info.previous_period.checked_add(1) {
        Some(first) if first <= end_period => {
            let start = state_key::slash_event(t, tranche, first);
            let end = match end_period.checked_add(1) {
                Some(next) => Some(state_key::slash_event(t, tranche, next)),
                None => phalanx_state::prefix_end(&prefix),
            };
            state.range(&start, end.as_deref(), None)?
        }
        _ => Vec::new(),
    };
    for (k, v) in events {
        let period = k
            .get(prefix.len()..)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| Error::State("malformed slash event key".into()))?;
        let event: SlashEvent = store::decode(&v)?;
        let until = historical(state, t, period)?.cumulative;
        for (denom, coins) in rewards_between(&stake, t, &from, &until, prefs)? {
            pools_add(&mut total, &denom, &coins)?;
        }
        let mut reduced = Vec::with_capacity(stake.stakes.len());
        for s in stake.stakes.iter() {
            let factor = event
                .factors
                .iter()
                .find(|f| f.denom == s.denom)
                .map_or(Dec::ONE, |f| f.amount);
            reduced.push(DecCoin::new(
                s.denom.clone(),
                s.amount.mul_truncate(factor)?,
            ));
        }
        stake.stakes = DecCoins::new(reduced)?;
        from = until;
    }
    for (denom, coins) in rewards_between(&stake, t, &from, end_cumulative, prefs)? {
        pools_add(&mut total, &denom, &coins)?;
    }
    Ok(total)
}

/// Ends the target's open period before a slash reduces it; returns the period that ended. Always a
/// new one, even if empty: each slash event needs a period of its own.
pub fn before_slash(ctx: &mut Ctx<'_>, t: TargetRef) -> Result<u64> {
    end_period(ctx, t, true)
}

/// Records a slash of `t` (tranche `tranche` of a pool, 0 otherwise) that moved its tokens from
/// `before` to `after`, right after `period` ended. The event keeps that period's history alive.
pub fn after_slash(
    ctx: &mut Ctx<'_>,
    t: TargetRef,
    tranche: u32,
    period: u64,
    before: &Coins,
    after: &Coins,
) -> Result<()> {
    let mut factors = Vec::new();
    for c in before.iter() {
        if c.amount == 0 {
            continue;
        }
        factors.push(DecCoin::new(
            c.denom.clone(),
            Dec::from_int(after.amount_of(&c.denom)).quo_int(c.amount)?,
        ));
    }
    let key = state_key::slash_event(t, tranche, period);
    if store::get::<SlashEvent>(ctx.state(), &key)?.is_none() {
        adjust_reference(ctx, t, period, true)?;
    }
    ctx.set(key, &SlashEvent { factors })
}

/// Σ of a `DecPools` over restaked denoms: the reward coins.
pub fn flatten(pools: &DecPools) -> Result<DecCoins> {
    let mut total = DecCoins::empty();
    for coins in pools.values() {
        total = total.checked_add(coins)?;
    }
    Ok(total)
}

/// What a delegation would receive if its period ended now, without writing anything (for queries).
pub fn pending_rewards(
    state: &dyn StateRead,
    t: TargetRef,
    delegator: &Address,
) -> Result<DecPools> {
    let Some(info) = starting_info(state, t, delegator)? else {
        return Ok(DecPools::new());
    };
    let cur = current(state, t)?;
    let previous = cur
        .period
        .checked_sub(1)
        .ok_or_else(|| Error::State(format!("{t} has period 0 open")))?;
    let end = end_of_period(state, t, &cur)?;
    let cumulative = service_pools_add(&historical(state, t, previous)?.cumulative, &end.ratio)?;
    let prefs = restaking::user_preferences(state, delegator)?;
    accrued(state, t, &info, u64::MAX, &cumulative, &prefs)
}

/// Pays `amount` of the rewards pool to `recipient`, keeping its sub-unit part owed to it.
/// Returns the whole coins paid.
pub(super) fn pay(ctx: &mut Ctx<'_>, recipient: &Address, amount: &DecCoins) -> Result<Coins> {
    let total = owed(ctx.state(), recipient)?.checked_add(amount)?;
    let (whole, rest) = total.truncate_decimal()?;
    set_or_delete(ctx, state_key::owed(recipient), &rest, rest.is_empty())?;
    if !whole.is_empty() {
        bank::send(ctx, &rewards_pool(), recipient, &whole)?;
    }
    Ok(whole)
}

/// Ends the period, pays the delegation's rewards (computed with `prefs`, the preferences in force
/// while they accrued) to its withdraw address, and removes its starting info. The caller re-initialises
/// the delegation if it lives on.
pub fn withdraw(
    ctx: &mut Ctx<'_>,
    t: TargetRef,
    delegator: &Address,
    prefs: &UserPreferences,
) -> Result<Coins> {
    let info = starting_info(ctx.state(), t, delegator)?.ok_or_else(|| {
        RewardsError::NoDelegationRecord(format!("the delegation of {delegator} to {t}"))
    })?;
    let end = increment_period(ctx, t)?;
    let stop = historical(ctx.state(), t, end)?.cumulative;
    let mut rewards = accrued(ctx.state(), t, &info, end, &stop, prefs)?;
    // Defensive: never pay more than the target is owed.
    let mut o = outstanding(ctx.state(), t)?;
    for (denom, coins) in rewards.iter_mut() {
        let held = o.get(denom).cloned().unwrap_or_default();
        *coins = coins.intersect(&held);
    }
    rewards.retain(|_, c| !c.is_empty());
    for (denom, coins) in &rewards {
        pools_sub(&mut o, denom, coins)?;
    }
    save_outstanding(ctx, t, &o)?;
    adjust_reference(ctx, t, info.previous_period, false)?;
    restaking::set_rewards_start(ctx, t, delegator, None)?;
    let recipient = withdraw_address(ctx.state(), delegator)?;
    let paid = pay(ctx, &recipient, &flatten(&rewards)?)?;
    let event = Event::new("withdraw_rewards")
        .attr("delegation_type", t.kind.as_str())
        .attr("delegation_target_id", t.id)
        .attr("delegator", delegator)
        .attr("amount", &paid);
    ctx.emit(event);
    Ok(paid)
}

/// Called before a delegation's shares or trust change (or a first delegation is created): pays what it
/// earned so far under the preferences in force; for a new one, just ends the period so the newcomer
/// earns nothing of it.
pub fn before_delegation_modified(
    ctx: &mut Ctx<'_>,
    t: TargetRef,
    delegator: &Address,
) -> Result<()> {
    if restaking::delegation(ctx.state(), t, delegator)?.is_some() {
        let prefs = restaking::user_preferences(ctx.state(), delegator)?;
        withdraw(ctx, t, delegator, &prefs)?;
    } else {
        increment_period(ctx, t)?;
    }
    Ok(())
}

/// Called after a delegation's shares or trust changed: restarts its accounting at its new value. A
/// delegation that no longer exists needs nothing.
pub fn after_delegation_modified(
    ctx: &mut Ctx<'_>,
    t: TargetRef,
    delegator: &Address,
) -> Result<()> {
    match restaking::delegation(ctx.state(), t, delegator)? {
        Some(d) => initialize_delegation(ctx, &d),
        None => Ok(()),
    }
}

/// Pays an operator's whole commission units to its admin's withdraw address; the sub-unit rest stays.
pub fn withdraw_commission(ctx: &mut Ctx<'_>, op: phalanx_types::OperatorId) -> Result<Coins> {
    let t = TargetRef::operator(op);
    let commission: DecPools =
        store::get(ctx.state(), &state_key::commission(op))?.unwrap_or_default();
    let mut rest = DecPools::new();
    let mut whole_by_denom = DecPools::new();
    let mut total = Coins::empty();
    for (denom, coins) in &commission {
        let (whole, frac) = coins.truncate_decimal()?;
        if !frac.is_empty() {
            rest.insert(denom.clone(), frac);
        }
        if !whole.is_empty() {
            whole_by_denom.insert(denom.clone(), DecCoins::from_coins(&whole));
            total = total.checked_add(&whole)?;
        }
    }
    if total.is_empty() {
        return Err(RewardsError::NoOperatorCommission(op.0).into());
    }
    set_or_delete(ctx, state_key::commission(op), &rest, rest.is_empty())?;
    let mut o = outstanding(ctx.state(), t)?;
    for (denom, coins) in &whole_by_denom {
        pools_sub(&mut o, denom, coins)?;
    }
    save_outstanding(ctx, t, &o)?;
    let admin = crate::operators::must_operator(ctx.state(), op)?.admin;
    let recipient = withdraw_address(ctx.state(), &admin)?;
    bank::send(ctx, &rewards_pool(), &recipient, &total)?;
    ctx.emit(
        Event::new("withdraw_commission")
            .attr("operator_id", op)
            .attr("amount", &total),
    );
    Ok(total)
}

/// Credits `amount` of reward to (target, service, restaked denom): an operator keeps its commission
/// (rounded half to even, as the spec does), the rest joins the open period.
pub(super) fn credit(
    ctx: &mut Ctx<'_>,
    t: TargetRef,
    svc: ServiceId,
    restaked_denom: &str,
    amount: &DecCoin,
) -> Result<()> {
    let reward = DecCoins::new(vec![amount.clone()])?;
    if reward.is_empty() {
        return Ok(());
    }
    let mut shared = reward.clone();
    if t.kind == DelegationKind::Operator {
        let op = phalanx_types::OperatorId(t.id);
        let rate = crate::operators::operator_params(ctx.state(), op)?.commission_rate;
        let commission = reward.mul_dec_round(rate)?;
        if !commission.is_empty() {
            shared = reward.checked_sub(&commission)?;
            let mut acc: DecPools =
                store::get(ctx.state(), &state_key::commission(op))?.unwrap_or_default();
            pools_add(&mut acc, restaked_denom, &commission)?;
            ctx.set(state_key::commission(op), &acc)?;
            ctx.emit(
                Event::new("commission")
                    .attr("operator_id", op)
                    .attr("pool", restaked_denom)
                    .attr("amount", &commission),
            );
        }
    }
    let mut cur = current(ctx.state(), t)?;
    if !shared.is_empty() {
        pools_add(
            cur.rewards.entry(svc.0).or_default(),
            restaked_denom,
            &shared,
        )?;
        ctx.set(state_key::of_target(state_key::CURRENT, t), &cur)?;
    }
    let mut o = outstanding(ctx.state(), t)?;
    pools_add(&mut o, restaked_denom, &reward)?;
    save_outstanding(ctx, t, &o)?;
    ctx.emit(
        Event::new("rewards")
            .attr("delegation_type", t.kind.as_str())
            .attr("delegation_target_id", t.id)
            .attr("service_id", svc)
            .attr("pool", restaked_denom)
            .attr("amount", &reward),
    );
    Ok(())
}

/// Removes a deleted target's records: an operator's whole commission goes to its admin (from the
/// rewards pool, fixing Q4), and every sub-unit rest left behind becomes unclaimed.
pub fn remove_target(ctx: &mut Ctx<'_>, t: TargetRef) -> Result<()> {
    if t.kind == DelegationKind::Operator {
        match withdraw_commission(ctx, phalanx_types::OperatorId(t.id)) {
            Ok(_) | Err(Error::Rewards(RewardsError::NoOperatorCommission(_))) => {}
            Err(e) => return Err(e),
        }
        ctx.delete(&state_key::commission(phalanx_types::OperatorId(t.id)))?;
    }
    let rest = flatten(&outstanding(ctx.state(), t)?)?;
    add_unclaimed(ctx, &rest)?;
    for sub in [
        state_key::OUTSTANDING,
        state_key::CURRENT,
        state_key::HISTORICAL,
        state_key::SLASH_EVENT,
    ] {
        for (key, _) in ctx.prefix(&state_key::of_target(sub, t))? {
            ctx.delete(&key)?;
        }
    }
    Ok(())
}
