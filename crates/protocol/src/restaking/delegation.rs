//! Delegation and undelegation: one code path for all three target kinds (spec §5.4, §5.5).

use super::target::{self, Target, TargetRef};
use super::unbonding;
use super::{Delegation, DelegationEntry, params, state_key};
use crate::context::Ctx;
use crate::operators::{self, OperatorStatus};
use crate::rewards::StartingInfo;
use crate::services::{self, ServiceStatus};
use crate::{assets, bank, pools, store};
use phalanx_state::StateRead;
use phalanx_types::error::{OperatorsError, PoolsError, RestakingError, Result, ServicesError};
use phalanx_types::msgs::{
    DelegationKind, MsgDelegateOperator, MsgDelegatePool, MsgDelegateService,
    MsgUndelegateOperator, MsgUndelegatePool, MsgUndelegateService, is_locked_denom,
};
use phalanx_types::{Address, Coins, Dec, DecCoin, DecCoins, Error, Event, MathError, Timestamp};

/// The delegation of `delegator` to `target`, if any.
pub fn delegation(
    state: &dyn StateRead,
    target: TargetRef,
    delegator: &Address,
) -> Result<Option<Delegation>> {
    Ok(entry(state, target, delegator)?.map(|e| e.delegation))
}

/// The stored delegation and reward start of `delegator` in `target`, if any.
fn entry(
    state: &dyn StateRead,
    target: TargetRef,
    delegator: &Address,
) -> Result<Option<DelegationEntry>> {
    store::get(
        state,
        &state_key::record(state_key::DELEGATION, target, delegator),
    )
}

/// Where the F1 reward accounting of `delegator`'s delegation to `target` starts; `None` if there is
/// no delegation or its accounting was just withdrawn.
pub(crate) fn rewards_start(
    state: &dyn StateRead,
    target: TargetRef,
    delegator: &Address,
) -> Result<Option<StartingInfo>> {
    Ok(entry(state, target, delegator)?.and_then(|e| e.rewards_start))
}

/// Sets (or clears, with `None`) the reward start of an existing delegation. Clearing the start of a
/// delegation that no longer exists does nothing; setting one is an error, since a start belongs to
/// a delegation.
pub(crate) fn set_rewards_start(
    ctx: &mut Ctx<'_>,
    target: TargetRef,
    delegator: &Address,
    start: Option<StartingInfo>,
) -> Result<()> {
    let Some(mut e) = entry(ctx.state(), target, delegator)? else {
        return match start {
            None => Ok(()),
            Some(_) => Err(Error::State(format!(
                "reward start for a delegation of {delegator} to {target} that does not exist"
            ))),
        };
    };
    e.rewards_start = start;
    ctx.set(
        state_key::record(state_key::DELEGATION, target, delegator),
        &e,
    )
}

/// Every delegation's reward start, in (kind, delegator, target) order; for genesis export.
pub(crate) fn all_rewards_starts(
    state: &dyn StateRead,
) -> Result<Vec<(TargetRef, Address, StartingInfo)>> {
    Ok(
        entries_under(state, &state_key::single(state_key::DELEGATION))?
            .into_iter()
            .filter_map(|e| {
                let d = e.delegation;
                e.rewards_start.map(|s| (d.target(), d.delegator, s))
            })
            .collect(),
    )
}

/// The delegations stored under `prefix` (a prefix of delegation keys), in key order.
pub(crate) fn delegations_under(state: &dyn StateRead, prefix: &[u8]) -> Result<Vec<Delegation>> {
    Ok(entries_under(state, prefix)?
        .into_iter()
        .map(|e| e.delegation)
        .collect())
}

/// The stored entries under `prefix` (a prefix of delegation keys), in key order.
fn entries_under(state: &dyn StateRead, prefix: &[u8]) -> Result<Vec<DelegationEntry>> {
    store::values(state, prefix)
}

/// Stores `delegator`'s delegation to `r` (deletes it when `d` is `None` or holds no shares), keeping
/// its reward start and the by-target index and the index of delegations holding locked
/// representations in step with it: every write of a delegation goes through here, so both indexes
/// follow from the entry stored before (no need to read them).
pub(crate) fn write_delegation(
    ctx: &mut Ctx<'_>,
    r: TargetRef,
    delegator: &Address,
    d: Option<&Delegation>,
) -> Result<()> {
    let record_key = state_key::record(state_key::DELEGATION, r, delegator);
    let by_target_key = state_key::index(state_key::DELEGATION_BY_TARGET, r, delegator);
    let locked_key = state_key::index(state_key::LOCKED_HOLDERS, r, delegator);
    let before = entry(ctx.state(), r, delegator)?;
    let locked_before = before.as_ref().is_some_and(|e| holds_locked(&e.delegation));
    let existed = before.is_some();
    let locked = match d.filter(|d| !d.shares.is_empty()) {
        Some(d) => {
            let stored = DelegationEntry {
                delegation: d.clone(),
                rewards_start: before.and_then(|e| e.rewards_start),
            };
            ctx.set(record_key, &stored)?;
            if !existed {
                ctx.set(by_target_key, &())?;
            }
            holds_locked(d)
        }
        None => {
            if existed {
                ctx.delete(&record_key)?;
                ctx.delete(&by_target_key)?;
            }
            false
        }
    };
    match (locked_before, locked) {
        (false, true) => ctx.set(locked_key, &()),
        (true, false) => ctx.delete(&locked_key),
        _ => Ok(()),
    }
}

/// Checks what [`write_delegation`] keeps in step: every delegation has a reward start and its
/// by-target index entry, the locked-holders index lists exactly the delegations holding locked
/// shares, and neither index has entries of its own. Returns the first violation found.
pub fn check_delegation_indexes(state: &dyn StateRead) -> Result<Option<String>> {
    let entries = entries_under(state, &state_key::single(state_key::DELEGATION))?;
    let mut locked = 0usize;
    for e in &entries {
        let (d, r) = (&e.delegation, e.delegation.target());
        let whose = format!("the delegation of {} to {r}", d.delegator);
        if e.rewards_start.is_none() {
            return Ok(Some(format!("{whose} has no reward start")));
        }
        let index = state_key::index(state_key::DELEGATION_BY_TARGET, r, &d.delegator);
        if state.get(&index)?.is_none() {
            return Ok(Some(format!("{whose} is missing from its target's index")));
        }
        let listed = state
            .get(&state_key::index(
                state_key::LOCKED_HOLDERS,
                r,
                &d.delegator,
            ))?
            .is_some();
        if listed != holds_locked(d) {
            return Ok(Some(format!(
                "{whose}: listed as a locked holder {listed}, holds locked shares {}",
                holds_locked(d)
            )));
        }
        locked = locked.saturating_add(usize::from(listed));
    }
    let indexed = state
        .prefix(&state_key::single(state_key::DELEGATION_BY_TARGET))?
        .len();
    let holders = state
        .prefix(&state_key::single(state_key::LOCKED_HOLDERS))?
        .len();
    if indexed != entries.len() || holders != locked {
        return Ok(Some(format!(
            "{} delegations ({locked} holding locked shares) but {indexed} by-target and \
             {holders} locked-holder index entries",
            entries.len()
        )));
    }
    Ok(None)
}

/// Whether `d` holds shares of a locked representation (slashing lets their insurance funds pay).
fn holds_locked(d: &Delegation) -> bool {
    d.shares.iter().any(|s| is_locked_denom(&s.denom))
}

/// Delegators of `r` whose delegation holds shares of a locked representation, in address order.
pub fn locked_holders(state: &dyn StateRead, r: TargetRef) -> Result<Vec<Address>> {
    let prefix = state_key::by_target(state_key::LOCKED_HOLDERS, r);
    state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, _)| {
            k.get(prefix.len()..)
                .and_then(|b| b.try_into().ok())
                .map(Address)
                .ok_or_else(|| Error::State("malformed locked holder key".into()))
        })
        .collect()
}

/// Takes `amount` tokens of `denom` out of `delegator`'s own stake in `r` (the part of a slash of locked
/// tokens that the owner's insurance fund did not cover). The shares removed are worth `amount` rounded
/// up, at most all the delegation holds, so the other delegators' rate never drops; when they are the
/// last shares of the denom the target's remaining dust of it goes too. Returns the tokens that left the
/// target. Rewards accrued so far are withdrawn first, as on any share change.
pub(crate) fn slash_delegation(
    ctx: &mut Ctx<'_>,
    r: TargetRef,
    delegator: &Address,
    denom: &str,
    amount: u128,
) -> Result<u128> {
    if amount == 0 {
        return Ok(0);
    }
    crate::rewards::before_delegation_modified(ctx, r, delegator)?;
    let mut d = delegation(ctx.state(), r, delegator)?
        .ok_or_else(|| RestakingError::DelegationNotFound(delegator.to_string(), r.to_string()))?;
    let mut t = target::must_load_position(ctx.state(), r, delegator)?;
    let (tokens, shares) = (t.tokens.amount_of(denom), t.shares.amount_of(denom));
    let exact = shares.mul_int(amount.min(tokens))?;
    let mut burn = exact.quo_int(tokens)?;
    if burn.mul_int(tokens)? != exact {
        burn = burn.checked_add(Dec::ULP)?;
    }
    let burn = burn.min(d.shares.amount_of(denom));
    let taken = if burn == shares {
        tokens
    } else {
        amount.min(tokens)
    };
    let burn = DecCoins::single(denom, burn)?;
    let taken_coins = Coins::single(denom, taken)?;
    t.shares = t.shares.checked_sub(&burn)?;
    t.tokens = t.tokens.checked_sub(&taken_coins)?;
    target::save(ctx, &t)?;
    d.shares = d.shares.checked_sub(&burn)?;
    write_delegation(ctx, r, delegator, Some(&d))?;
    adjust_total_restaked(ctx, &taken_coins, false)?;
    crate::rewards::after_delegation_modified(ctx, r, delegator)?;
    Ok(taken)
}

/// Tokens restaked across all targets in `denom` (excluding unbonding tokens).
pub fn total_restaked(state: &dyn StateRead, denom: &str) -> Result<u128> {
    Ok(store::get(state, &state_key::total_restaked(denom))?.unwrap_or(0))
}

/// Moves the per-denom total restaked up or down by `amount` (delegations, undelegations, slashes).
pub(crate) fn adjust_total_restaked(ctx: &mut Ctx<'_>, amount: &Coins, add: bool) -> Result<()> {
    for c in amount.iter() {
        let current = total_restaked(ctx.state(), &c.denom)?;
        let next = if add {
            current.checked_add(c.amount).ok_or(MathError::Overflow)?
        } else {
            current.checked_sub(c.amount).ok_or(MathError::Negative)?
        };
        let key = state_key::total_restaked(&c.denom);
        if next == 0 {
            ctx.delete(&key)?;
        } else {
            ctx.set(key, &next)?;
        }
    }
    Ok(())
}

/// Whether `denom` may be restaked at all (the global list; empty = any).
fn globally_allowed(allowed: &[String], denom: &str) -> bool {
    allowed.is_empty() || allowed.iter().any(|d| d == denom)
}

fn require_globally_allowed(allowed: &[String], amount: &Coins) -> Result<()> {
    for c in amount.iter() {
        if !globally_allowed(allowed, &c.denom) {
            return Err(RestakingError::DenomNotRestakable(c.denom.clone()).into());
        }
    }
    Ok(())
}

/// Denoms a service accepts: global ∩ service list, where an empty list means "no limit" at that level.
/// `None` means any denom; `Some(empty)` means none (both lists set and disjoint).
pub fn service_denom_filter(global: &[String], service: &[String]) -> Option<Vec<String>> {
    match (global.is_empty(), service.is_empty()) {
        (true, true) => None,
        (true, false) => Some(service.to_vec()),
        (false, true) => Some(global.to_vec()),
        (false, false) => Some(
            service
                .iter()
                .filter(|d| global.contains(d))
                .cloned()
                .collect(),
        ),
    }
}

/// Refuses the delegation if the USD value of everything restaked plus `amount` would pass the cap.
fn check_restaking_cap(ctx: &Ctx<'_>, cap: Dec, amount: &Coins) -> Result<()> {
    if cap.is_zero() {
        return Ok(());
    }
    let prefix = state_key::single(state_key::TOTAL_RESTAKED);
    let mut total = Dec::ZERO;
    let mut seen = Vec::new();
    // Valued at the last posted price, however old: with fresh prices only, stake whose price feed
    // stopped would count as worth nothing and the cap would stop binding.
    let value = |denom: &str, amount: u128| -> Result<Dec> {
        assets::usd_value_at_last_price(ctx.state(), &phalanx_types::Coin::new(denom, amount))
    };
    for (k, v) in ctx.prefix(&prefix)? {
        let denom = String::from_utf8(k.get(prefix.len()..).unwrap_or_default().to_vec())
            .map_err(|_| phalanx_types::Error::State("non-UTF-8 denom in key".into()))?;
        let held: u128 = store::decode(&v)?;
        let with_new = held
            .checked_add(amount.amount_of(&denom))
            .ok_or(MathError::Overflow)?;
        total = total.checked_add(value(&denom, with_new)?)?;
        seen.push(denom);
    }
    for c in amount.iter().filter(|c| !seen.contains(&c.denom)) {
        total = total.checked_add(value(&c.denom, c.amount)?)?;
    }
    if total > cap {
        return Err(RestakingError::CapExceeded(total.to_string(), cap.to_string()).into());
    }
    Ok(())
}

/// The shared delegation path: checks the exchange rate and the cap, moves the tokens into custody,
/// issues shares, and records the delegation. Kind-specific checks happen before it.
fn delegate(
    ctx: &mut Ctx<'_>,
    mut t: Target,
    delegator: &Address,
    amount: &Coins,
) -> Result<DecCoins> {
    if t.has_invalid_exchange_rate() {
        return Err(RestakingError::ExchangeRateInvalid(t.r.to_string()).into());
    }
    check_restaking_cap(ctx, params(ctx.state())?.restaking_cap, amount)?;
    let shares = t.issue_shares(amount)?;
    if shares.is_empty() {
        return Err(RestakingError::InvalidShares(format!(
            "{amount} is too small to buy a share of {}",
            t.r
        ))
        .into());
    }
    crate::liquidvesting::check_restake(ctx, delegator, amount)?;
    crate::rewards::before_delegation_modified(ctx, t.r, delegator)?;
    bank::send(ctx, delegator, &t.r.custody_address(), amount)?;
    t.add(amount, &shares)?;
    target::save(ctx, &t)?;
    let mut d = delegation(ctx.state(), t.r, delegator)?.unwrap_or(Delegation {
        kind: t.r.kind,
        delegator: *delegator,
        target_id: t.r.id,
        shares: DecCoins::empty(),
    });
    d.shares = d.shares.checked_add(&shares)?;
    write_delegation(ctx, t.r, delegator, Some(&d))?;
    adjust_total_restaked(ctx, amount, true)?;
    crate::rewards::after_delegation_modified(ctx, t.r, delegator)?;
    let event = Event::new(format!("delegate_{}", t.r.kind.as_str())).attr("delegator", delegator);
    let event = match t.r.kind {
        DelegationKind::Pool => event,
        DelegationKind::Operator => event.attr("operator_id", t.r.id),
        DelegationKind::Service => event.attr("service_id", t.r.id),
    };
    ctx.emit(event.attr("amount", amount).attr("new_shares", &shares));
    Ok(shares)
}

/// Executes `MsgDelegatePool`: the pool of the coin's denom is created on first use.
pub fn handle_delegate_pool(ctx: &mut Ctx<'_>, msg: &MsgDelegatePool) -> Result<DecCoins> {
    let amount = Coins::new(vec![msg.amount.clone()])?;
    require_globally_allowed(&params(ctx.state())?.allowed_denoms, &amount)?;
    let pool = pools::create_or_get_pool(ctx, &msg.amount.denom)?;
    let t = target::must_load_position(ctx.state(), TargetRef::pool(pool.id), &msg.delegator)?;
    delegate(ctx, t, &msg.delegator, &amount)
}

/// Executes `MsgDelegateOperator`: only ACTIVE operators take new stake.
pub fn handle_delegate_operator(ctx: &mut Ctx<'_>, msg: &MsgDelegateOperator) -> Result<DecCoins> {
    let op = operators::must_operator(ctx.state(), msg.operator_id)?;
    if op.status != OperatorStatus::Active {
        return Err(OperatorsError::OperatorNotActive(op.id.0).into());
    }
    require_globally_allowed(&params(ctx.state())?.allowed_denoms, &msg.amount)?;
    let t = target::must_load(ctx.state(), TargetRef::operator(op.id))?;
    delegate(ctx, t, &msg.delegator, &msg.amount)
}

/// Executes `MsgDelegateService`: only ACTIVE services take new stake, in denoms both the chain and the
/// service accept.
pub fn handle_delegate_service(ctx: &mut Ctx<'_>, msg: &MsgDelegateService) -> Result<DecCoins> {
    let svc = services::must_service(ctx.state(), msg.service_id)?;
    if svc.status != ServiceStatus::Active {
        return Err(ServicesError::ServiceNotActive(svc.id.0).into());
    }
    let global = params(ctx.state())?.allowed_denoms;
    let own = services::service_params(ctx.state(), svc.id)?.allowed_denoms;
    if let Some(allowed) = service_denom_filter(&global, &own) {
        for c in msg.amount.iter() {
            if !allowed.contains(&c.denom) {
                return Err(RestakingError::DenomNotRestakable(c.denom.clone()).into());
            }
        }
    }
    let t = target::must_load(ctx.state(), TargetRef::service(svc.id))?;
    delegate(ctx, t, &msg.delegator, &msg.amount)
}

/// Why stake leaves a target: it decides whether the unbonding-entry limit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unbond {
    /// The delegator asked: at most `max_entries` entries per target (a delegator cannot flood the
    /// queue).
    Requested,
    /// Liquid vesting's forced unbonding of locked tokens: no limit, or a holder could keep the limit
    /// full with small undelegations and so keep its locked stake out of the burner's reach.
    Forced,
}

/// The shared undelegation path. Asking for at least what the delegation is worth in a denom (its
/// shares' value, rounded down, as queries show it) unbonds all of that denom and only that denom
/// (fixes Q13, where over-asking in one denom unbonded every denom); asking for exactly the value
/// shown therefore never leaves dust shares behind, also after a slash moved the rate. Asking for a
/// denom the delegation does not hold is an error. Returns the completion time and the tokens that
/// entered unbonding (liquid vesting's forced unbonding queues their burn).
pub(crate) fn undelegate(
    ctx: &mut Ctx<'_>,
    r: TargetRef,
    delegator: &Address,
    amount: &Coins,
    cause: Unbond,
) -> Result<(Timestamp, Coins)> {
    if delegation(ctx.state(), r, delegator)?.is_none() {
        return Err(
            RestakingError::DelegationNotFound(delegator.to_string(), r.to_string()).into(),
        );
    }
    target::must_load(ctx.state(), r)?;
    crate::rewards::before_delegation_modified(ctx, r, delegator)?;
    let mut d = delegation(ctx.state(), r, delegator)?
        .ok_or_else(|| RestakingError::DelegationNotFound(delegator.to_string(), r.to_string()))?;
    let mut t = target::must_load_position(ctx.state(), r, delegator)?;
    let worth = t.tokens_from_shares(&d.shares)?.truncate_decimal()?.0;
    for c in amount.iter() {
        if d.shares.amount_of(&c.denom).is_zero() {
            return Err(RestakingError::NotEnoughShares(format!(
                "the delegation to {r} holds no {}",
                c.denom
            ))
            .into());
        }
    }
    // Shares are computed only for the part asked below what the delegation is worth: the rest
    // takes all its shares, also where the amount is too large to convert or the target was
    // slashed to nothing.
    let (all, part): (Vec<phalanx_types::Coin>, Vec<phalanx_types::Coin>) = amount
        .iter()
        .cloned()
        .partition(|c| c.amount >= worth.amount_of(&c.denom));
    let wanted = t.shares_from_tokens(&Coins::new(part.clone())?)?;
    let mut shares = Vec::with_capacity(amount.len());
    for c in &all {
        shares.push(DecCoin::new(c.denom.clone(), d.shares.amount_of(&c.denom)));
    }
    for c in &part {
        let held = d.shares.amount_of(&c.denom);
        shares.push(DecCoin::new(
            c.denom.clone(),
            wanted.amount_of(&c.denom).min(held),
        ));
    }
    let shares = DecCoins::new(shares)?;
    d.shares = d.shares.checked_sub(&shares)?;
    write_delegation(ctx, r, delegator, Some(&d))?;
    let payout = t.remove_shares(&shares)?;
    target::save(ctx, &t)?;
    adjust_total_restaked(ctx, &payout, false)?;
    let completion = ctx
        .block
        .time
        .checked_add(params(ctx.state())?.unbonding_time)?;
    let trusted = t
        .tranche
        .as_ref()
        .map(|tr| tr.services.clone())
        .unwrap_or_default();
    unbonding::add_entry(ctx, r, delegator, &payout, completion, trusted, cause)?;
    crate::rewards::after_delegation_modified(ctx, r, delegator)?;
    let event = Event::new(format!("unbond_{}", r.kind.as_str()))
        .attr("amount", &payout)
        .attr("delegator", delegator);
    let event = match r.kind {
        DelegationKind::Pool => event,
        DelegationKind::Operator => event.attr("operator_id", r.id),
        DelegationKind::Service => event.attr("service_id", r.id),
    };
    ctx.emit(event.attr("completion_time", completion));
    Ok((completion, payout))
}

/// Executes `MsgUndelegatePool` (pool located by the coin's denom).
pub fn handle_undelegate_pool(ctx: &mut Ctx<'_>, msg: &MsgUndelegatePool) -> Result<Timestamp> {
    let pool = pools::pool_by_denom(ctx.state(), &msg.amount.denom)?
        .ok_or_else(|| PoolsError::PoolNotFound(format!("of denom {}", msg.amount.denom)))?;
    let amount = Coins::new(vec![msg.amount.clone()])?;
    undelegate(
        ctx,
        TargetRef::pool(pool.id),
        &msg.delegator,
        &amount,
        Unbond::Requested,
    )
    .map(|(t, _)| t)
}

/// Executes `MsgUndelegateOperator` (allowed whatever the operator's status).
pub fn handle_undelegate_operator(
    ctx: &mut Ctx<'_>,
    msg: &MsgUndelegateOperator,
) -> Result<Timestamp> {
    undelegate(
        ctx,
        TargetRef::operator(msg.operator_id),
        &msg.delegator,
        &msg.amount,
        Unbond::Requested,
    )
    .map(|(t, _)| t)
}

/// Executes `MsgUndelegateService` (allowed whatever the service's status).
pub fn handle_undelegate_service(
    ctx: &mut Ctx<'_>,
    msg: &MsgUndelegateService,
) -> Result<Timestamp> {
    undelegate(
        ctx,
        TargetRef::service(msg.service_id),
        &msg.delegator,
        &msg.amount,
        Unbond::Requested,
    )
    .map(|(t, _)| t)
}

/// Moves a pool delegation from the tranche of trust set `from` to that of `to` (its owner's trust
/// changed): its shares are redeemed in the old tranche, value rounded down with the sub-unit rest
/// staying with that tranche's other members, and the same tokens buy shares of the new tranche. The
/// tokens never leave the pool. A delegation worth less than one unit disappears.
pub(super) fn move_pool_position(
    ctx: &mut Ctx<'_>,
    d: &Delegation,
    from: &[phalanx_types::ServiceId],
    to: &[phalanx_types::ServiceId],
) -> Result<()> {
    let pool = phalanx_types::PoolId(d.target_id);
    let mut old = target::load_set(ctx.state(), pool, from)?;
    let payout = old.remove_shares(&d.shares)?;
    target::save(ctx, &old)?;
    if payout.is_empty() {
        return write_delegation(ctx, d.target(), &d.delegator, None);
    }
    let mut new = target::load_set(ctx.state(), pool, to)?;
    if new.has_invalid_exchange_rate() {
        return Err(RestakingError::ExchangeRateInvalid(format!(
            "the tranche of pool {pool} trusting {to:?} (slashed to zero)"
        ))
        .into());
    }
    let shares = new.issue_shares(&payout)?;
    new.add(&payout, &shares)?;
    target::save(ctx, &new)?;
    let mut moved = d.clone();
    moved.shares = shares;
    write_delegation(ctx, d.target(), &d.delegator, Some(&moved))
}
