//! Invariants that must hold after every block. Tests check them after every step; a node can run them
//! to detect corruption. Each returns a description of the first violation found.

use crate::restaking::{self, TargetRef};
use crate::{bank, operators, pools, rewards, services};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Coins, Dec, DecCoins, PoolId, ServiceId};
use std::collections::BTreeMap;

/// For every denom, Σ account balances (custody accounts included) == total supply.
pub fn supply_matches_balances(state: &dyn StateRead) -> Result<Option<String>> {
    let mut sums: BTreeMap<String, u128> = BTreeMap::new();
    for b in bank::all_balances(state)? {
        for c in b.coins.iter() {
            let e = sums.entry(c.denom.clone()).or_insert(0);
            *e = e.saturating_add(c.amount);
        }
    }
    let supply = bank::total_supply(state)?;
    for c in supply.iter() {
        if sums.remove(&c.denom) != Some(c.amount) {
            return Ok(Some(format!(
                "supply of {} is {} but balances differ",
                c.denom, c.amount
            )));
        }
    }
    if let Some((denom, amount)) = sums.into_iter().next() {
        return Ok(Some(format!(
            "balances hold {amount}{denom} with no supply"
        )));
    }
    Ok(None)
}

/// Every target: Σ delegation shares == its shares; custody balance ≥ tokens + pending unbondings;
/// and the per-denom total restaked equals Σ target tokens.
pub fn targets_are_consistent(state: &dyn StateRead) -> Result<Option<String>> {
    let mut shares: BTreeMap<TargetRef, DecCoins> = BTreeMap::new();
    for d in restaking::all_delegations(state)? {
        let sum = shares.entry(d.target()).or_default();
        *sum = sum.checked_add(&d.shares)?;
    }
    let mut pending: BTreeMap<TargetRef, Coins> = BTreeMap::new();
    for u in restaking::all_unbonding_delegations(state)? {
        let sum = pending.entry(u.target()).or_default();
        for e in &u.entries {
            *sum = sum.checked_add(&e.balance)?;
        }
    }
    let mut targets: Vec<TargetRef> = Vec::new();
    targets.extend(
        pools::all_pools(state)?
            .iter()
            .map(|p| TargetRef::pool(p.id)),
    );
    targets.extend(
        operators::all_operators(state)?
            .iter()
            .map(|o| TargetRef::operator(o.id)),
    );
    targets.extend(
        services::all_services(state)?
            .iter()
            .map(|s| TargetRef::service(s.id)),
    );
    let mut totals: BTreeMap<String, u128> = BTreeMap::new();
    for r in targets {
        let t = restaking::load_target(state, r)?;
        let sum = shares.remove(&r).unwrap_or_default();
        if sum != t.shares {
            return Ok(Some(format!(
                "{r}: delegations hold {sum} shares, target records {}",
                t.shares
            )));
        }
        let owed = t
            .tokens
            .checked_add(&pending.remove(&r).unwrap_or_default())?;
        let held = bank::balances(state, &r.custody_address())?;
        if !held.is_all_gte(&owed) {
            return Ok(Some(format!("{r}: custody holds {held} but owes {owed}")));
        }
        for c in t.tokens.iter() {
            let e = totals.entry(c.denom.clone()).or_insert(0);
            *e = e.saturating_add(c.amount);
        }
    }
    if let Some(r) = shares.keys().chain(pending.keys()).next() {
        return Ok(Some(format!(
            "delegations or unbondings point at missing {r}"
        )));
    }
    for (denom, amount) in &totals {
        let recorded = restaking::total_restaked(state, denom)?;
        if recorded != *amount {
            return Ok(Some(format!(
                "total restaked {denom}: recorded {recorded}, targets hold {amount}"
            )));
        }
    }
    Ok(None)
}

/// For every reward denom, exactly: balance of the rewards pool = Σ outstanding of every target +
/// Σ sub-unit amounts owed + Σ plans' undistributed remainders + unclaimed remainders. Every unit
/// that left a plan is accounted for, none twice (Q8, Q16, and Q20: all targets are summed, not
/// only pools). Also: an operator's commission never exceeds its outstanding rewards.
pub fn rewards_are_backed(state: &dyn StateRead) -> Result<Option<String>> {
    let mut owed = rewards::unclaimed(state)?;
    let g = rewards::export_genesis(state)?;
    for t in &g.targets {
        let outstanding = rewards::flatten(&t.outstanding)?;
        let commission = rewards::flatten(&t.commission)?;
        if !outstanding.is_all_gte(&commission) {
            return Ok(Some(format!(
                "{}: commission {commission} exceeds outstanding {outstanding}",
                t.target
            )));
        }
        owed = owed.checked_add(&outstanding)?;
    }
    for o in &g.owed {
        owed = owed.checked_add(&o.owed)?;
    }
    for p in &g.plans {
        owed = owed.checked_add(&DecCoins::single(
            p.terms.amount_per_day.denom.clone(),
            p.undistributed,
        )?)?;
    }
    let held = DecCoins::from_coins(&bank::balances(state, &rewards::rewards_pool())?);
    if held != owed {
        return Ok(Some(format!(
            "rewards pool holds {held} but owes exactly {owed}"
        )));
    }
    Ok(None)
}

/// Every pool equals the sum of its tranches, and every tranche's shares equal the shares of the pool
/// delegations whose owners' trust set is the tranche's (docs/slashing.md §5).
pub fn tranches_are_consistent(state: &dyn StateRead) -> Result<Option<String>> {
    let mut held: BTreeMap<(PoolId, Vec<ServiceId>), Dec> = BTreeMap::new();
    for d in restaking::all_delegations(state)? {
        if d.kind != DelegationKind::Pool {
            continue;
        }
        let pool = PoolId(d.target_id);
        let prefs = restaking::user_preferences(state, &d.delegator)?;
        let e = held
            .entry((pool, restaking::tranche::trust_set(&prefs, pool)))
            .or_insert(Dec::ZERO);
        *e = e.checked_add(
            d.shares
                .iter()
                .map(|s| s.amount)
                .next()
                .unwrap_or(Dec::ZERO),
        )?;
    }
    for p in pools::all_pools(state)? {
        let (mut tokens, mut shares) = (0u128, Dec::ZERO);
        for t in restaking::tranche::tranches(state, p.id)? {
            let h = held
                .remove(&(p.id, t.services.clone()))
                .unwrap_or(Dec::ZERO);
            if h != t.shares {
                return Ok(Some(format!(
                    "pool {} tranche {:?}: delegations hold {h} shares, tranche records {}",
                    p.id, t.services, t.shares
                )));
            }
            tokens = tokens.saturating_add(t.tokens);
            shares = shares.checked_add(t.shares)?;
        }
        if tokens != p.tokens || shares != p.delegator_shares {
            return Ok(Some(format!(
                "pool {}: tranches hold {tokens} tokens and {shares} shares, pool records {} and {}",
                p.id, p.tokens, p.delegator_shares
            )));
        }
    }
    if let Some(((pool, set), s)) = held.into_iter().find(|(_, s)| !s.is_zero()) {
        return Ok(Some(format!(
            "pool {pool}: delegations trusting {set:?} hold {s} shares without a tranche"
        )));
    }
    Ok(None)
}

/// Liquid vesting: the insurance account holds exactly Σ of all funds (per denom, nothing else), and every
/// user's restaked locked tokens are covered by their fund in the underlying denom at the percentage the
/// fund was last checked against (deposits, withdrawals and delegations of locked tokens check it).
pub fn liquidvesting_funds_are_backed(state: &dyn StateRead) -> Result<Option<String>> {
    use crate::liquidvesting;
    let funds = liquidvesting::all_funds(state)?;
    let mut sums = Coins::empty();
    for (_, denom, entry) in &funds {
        sums = sums.add_coin(&phalanx_types::Coin::new(denom.clone(), entry.balance))?;
    }
    let held = bank::balances(state, &liquidvesting::insurance_address())?;
    if held != sums {
        return Ok(Some(format!(
            "the insurance account holds {held} but the insurance funds sum to {sums}"
        )));
    }
    let mut users: Vec<phalanx_types::Address> = funds.iter().map(|(u, _, _)| *u).collect();
    for d in restaking::all_delegations(state)? {
        users.push(d.delegator);
    }
    for u in restaking::all_unbonding_delegations(state)? {
        users.push(u.delegator);
    }
    users.sort();
    users.dedup();
    for user in users {
        for c in liquidvesting::restaked_locked(state, &user)?.iter() {
            let underlying = phalanx_types::msgs::underlying_denom(&c.denom)?;
            let entry = liquidvesting::fund_entry(state, &user, underlying)?;
            let (balance, percentage) = entry
                .map(|e| (e.balance, e.checked_percentage))
                .unwrap_or((0, liquidvesting::params(state)?.insurance_percentage));
            let need = liquidvesting::required(percentage, c.amount)?;
            if balance < need {
                return Ok(Some(format!(
                    "{user} restakes {c} but its insurance fund holds {balance}{underlying}, less than \
                     {need}{underlying} ({percentage}%)"
                )));
            }
        }
    }
    Ok(None)
}

/// All invariants; the first violation found, if any.
pub fn check_all(state: &dyn StateRead) -> Result<Option<String>> {
    if let Some(v) = supply_matches_balances(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = liquidvesting_funds_are_backed(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = tranches_are_consistent(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = rewards_are_backed(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = restaking::check_delegation_indexes(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = restaking::check_pending_preferences(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = crate::slashing::check_reach_records(state)? {
        return Ok(Some(v));
    }
    if let Some(v) = rewards::check_plan_indexes(state)? {
        return Ok(Some(v));
    }
    targets_are_consistent(state)
}
