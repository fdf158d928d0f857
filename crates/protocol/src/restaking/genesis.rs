//! Restaking genesis: everything needed to rebuild the module's state exactly, including the unbonding
//! id counter (Q10). Import checks that the accounting adds up before a single block runs.

use super::relations::pair_seconds;
use super::target::{self, TargetRef};
use super::tranche::{Tranche, tranches, trust_set};
use super::unbonding::{self, last_unbonding_id};
use super::{Delegation, UnbondingDelegation, params, state_key};
use crate::context::Ctx;
use crate::genesis_util::require_sorted_unique;
use crate::{bank, operators, pools, services, store};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::{DelegationKind, RestakingParams, UserPreferences};
use phalanx_types::{
    Address, Coins, Dec, DecCoins, Error, MathError, OperatorId, PoolId, ServiceId,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A list of service ids attached to one operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceIdsRecord {
    /// The operator.
    pub operator_id: OperatorId,
    /// Services, ascending.
    pub service_ids: Vec<ServiceId>,
}

/// A list of operator ids attached to one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorIdsRecord {
    /// The service.
    pub service_id: ServiceId,
    /// Operators, ascending.
    pub operator_ids: Vec<OperatorId>,
}

/// A list of pool ids attached to one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolIdsRecord {
    /// The service.
    pub service_id: ServiceId,
    /// Pools, ascending.
    pub pool_ids: Vec<PoolId>,
}

/// One user's preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPreferencesRecord {
    /// The user.
    pub user: Address,
    /// Their preferences in force.
    pub preferences: UserPreferences,
    /// Preferences withdrawing trust, waiting for the unbonding time; they name only services the
    /// preferences in force name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<super::PendingPreferences>,
}

/// The tranches of one pool (docs/slashing.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolTranchesRecord {
    /// The pool.
    pub pool_id: PoolId,
    /// Id its next new tranche gets.
    pub next_tranche_id: u32,
    /// Its tranches, by id.
    pub tranches: Vec<Tranche>,
}

/// Restaking genesis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestakingGenesis {
    /// Params.
    pub params: RestakingParams,
    /// Last unbonding entry id issued.
    pub last_unbonding_id: u64,
    /// Joined services per operator, by operator id.
    pub operators_joined_services: Vec<ServiceIdsRecord>,
    /// Allow-lists per service, by service id.
    pub services_allowed_operators: Vec<OperatorIdsRecord>,
    /// Securing pools per service, by service id.
    pub services_securing_pools: Vec<PoolIdsRecord>,
    /// Delegations, by (kind, delegator, target).
    pub delegations: Vec<Delegation>,
    /// Unbonding records, by (kind, delegator, target).
    pub unbonding_delegations: Vec<UnbondingDelegation>,
    /// Preferences, by user.
    pub users_preferences: Vec<UserPreferencesRecord>,
    /// Pool tranches, by pool id.
    #[serde(default)]
    pub pool_tranches: Vec<PoolTranchesRecord>,
}

fn bad(msg: String) -> Error {
    Error::InvalidGenesis(msg)
}

fn require_ascending<T: Ord + Copy + std::fmt::Debug>(ids: &[T], what: &str) -> Result<()> {
    require_sorted_unique(ids, |i| *i, what)
}

/// Validates and writes restaking genesis. Runs after bank, pools, operators and services, and checks:
/// references exist; Σ delegation shares == each target's shares; total restaked matches the targets;
/// each custody account holds at least its target's tokens plus its pending unbondings.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &RestakingGenesis) -> Result<()> {
    g.params.validate()?;
    ctx.set(state_key::single(state_key::PARAMS), &g.params)?;
    ctx.set(
        state_key::single(state_key::LAST_UNBONDING_ID),
        &g.last_unbonding_id,
    )?;

    require_sorted_unique(
        &g.operators_joined_services,
        |r| r.operator_id,
        "operators_joined_services",
    )?;
    for r in &g.operators_joined_services {
        operators::must_operator(ctx.state(), r.operator_id)?;
        require_ascending(&r.service_ids, "service_ids")?;
        for s in &r.service_ids {
            services::must_service(ctx.state(), *s)?;
            ctx.set(state_key::joined(r.operator_id, *s), &())?;
            ctx.set(state_key::service_operator(*s, r.operator_id), &())?;
        }
    }
    require_sorted_unique(
        &g.services_allowed_operators,
        |r| r.service_id,
        "services_allowed_operators",
    )?;
    for r in &g.services_allowed_operators {
        services::must_service(ctx.state(), r.service_id)?;
        require_ascending(&r.operator_ids, "operator_ids")?;
        for o in &r.operator_ids {
            operators::must_operator(ctx.state(), *o)?;
            ctx.set(state_key::allow_list(r.service_id, *o), &())?;
            ctx.set(state_key::allowed_by(*o, r.service_id), &())?;
        }
    }
    require_sorted_unique(
        &g.services_securing_pools,
        |r| r.service_id,
        "services_securing_pools",
    )?;
    for r in &g.services_securing_pools {
        services::must_service(ctx.state(), r.service_id)?;
        require_ascending(&r.pool_ids, "pool_ids")?;
        for p in &r.pool_ids {
            pools::must_pool(ctx.state(), *p)?;
            ctx.set(state_key::securing_pool(r.service_id, *p), &())?;
        }
    }

    require_sorted_unique(
        &g.delegations,
        |d| (d.kind, d.delegator, d.target_id),
        "delegations",
    )?;
    let mut shares: BTreeMap<TargetRef, DecCoins> = BTreeMap::new();
    for d in &g.delegations {
        if d.shares.is_empty() {
            return Err(bad(format!(
                "empty delegation of {} to {}",
                d.delegator,
                d.target()
            )));
        }
        let sum = shares.entry(d.target()).or_default();
        *sum = sum.checked_add(&d.shares)?;
        super::delegation::write_delegation(ctx, d.target(), &d.delegator, Some(d))?;
    }

    require_sorted_unique(
        &g.unbonding_delegations,
        |u| (u.kind, u.delegator, u.target_id),
        "unbonding_delegations",
    )?;
    let mut pending: BTreeMap<TargetRef, Coins> = BTreeMap::new();
    let mut seen_ids = std::collections::BTreeSet::new();
    for u in &g.unbonding_delegations {
        target::must_load(ctx.state(), u.target())?;
        if u.entries.is_empty() || u.entries.len() > g.params.max_entries as usize {
            return Err(bad(format!(
                "unbonding of {} from {} must have 1 to max_entries entries",
                u.delegator,
                u.target()
            )));
        }
        for e in &u.entries {
            if e.unbonding_id.0 == 0
                || e.unbonding_id.0 > g.last_unbonding_id
                || !seen_ids.insert(e.unbonding_id)
            {
                return Err(bad(format!(
                    "unbonding id {} must be unique and between 1 and last_unbonding_id",
                    e.unbonding_id
                )));
            }
            if e.balance.is_empty() || !e.initial_balance.is_all_gte(&e.balance) {
                return Err(bad(format!(
                    "unbonding entry {} has an invalid balance",
                    e.unbonding_id
                )));
            }
            let sum = pending.entry(u.target()).or_default();
            *sum = sum.checked_add(&e.balance)?;
        }
        unbonding::index_record(ctx, u)?;
    }

    let mut targets: Vec<TargetRef> = Vec::new();
    targets.extend(
        pools::all_pools(ctx.state())?
            .iter()
            .map(|p| TargetRef::pool(p.id)),
    );
    targets.extend(
        operators::all_operators(ctx.state())?
            .iter()
            .map(|o| TargetRef::operator(o.id)),
    );
    targets.extend(
        services::all_services(ctx.state())?
            .iter()
            .map(|s| TargetRef::service(s.id)),
    );
    let mut totals: BTreeMap<String, u128> = BTreeMap::new();
    for r in targets {
        let t = target::must_load(ctx.state(), r)?;
        let expected = shares.remove(&r).unwrap_or_default();
        if t.shares != expected {
            return Err(bad(format!(
                "{r} has shares {} but its delegations sum to {expected}",
                t.shares
            )));
        }
        if t.has_invalid_exchange_rate() || (t.shares.is_empty() && !t.tokens.is_empty()) {
            return Err(bad(format!(
                "{r} has tokens {} and shares {}",
                t.tokens, t.shares
            )));
        }
        let owed = t
            .tokens
            .checked_add(&pending.remove(&r).unwrap_or_default())?;
        let held = bank::balances(ctx.state(), &r.custody_address())?;
        if !held.is_all_gte(&owed) {
            return Err(bad(format!(
                "custody account of {r} holds {held}, less than the {owed} it owes"
            )));
        }
        for c in t.tokens.iter() {
            let e = totals.entry(c.denom.clone()).or_insert(0);
            *e = e.checked_add(c.amount).ok_or(MathError::Overflow)?;
        }
    }
    if let Some((r, _)) = shares.into_iter().next() {
        return Err(bad(format!("delegations point at missing target {r}")));
    }
    for (denom, amount) in totals {
        ctx.set(state_key::total_restaked(&denom), &amount)?;
    }

    require_sorted_unique(&g.users_preferences, |r| r.user, "users_preferences")?;
    for r in &g.users_preferences {
        r.preferences.validate()?;
        for e in &r.preferences.trusted_services {
            services::must_service(ctx.state(), e.service_id)?;
        }
        if r.preferences.trusted_services.is_empty() {
            return Err(bad(format!("empty preferences for {}", r.user)));
        }
        super::relations::store_preferences(ctx, &r.user, &r.preferences)?;
        if let Some(p) = &r.pending {
            p.preferences.validate()?;
            if r.preferences.union(&p.preferences) != r.preferences.union(&r.preferences) {
                return Err(bad(format!(
                    "pending preferences of {} trust what their preferences in force do not",
                    r.user
                )));
            }
            super::relations::set_pending_preferences(ctx, &r.user, Some(p))?;
        }
    }
    init_tranches(ctx, g)
}

/// Stores the pools' tranches and checks them against the pools and the pool delegations: each
/// delegation's shares belong to the tranche of its owner's trust set, and the tranches of a pool add up
/// to the pool.
fn init_tranches(ctx: &mut Ctx<'_>, g: &RestakingGenesis) -> Result<()> {
    require_sorted_unique(&g.pool_tranches, |r| r.pool_id, "pool_tranches")?;
    let mut expected: BTreeMap<(PoolId, Vec<ServiceId>), Dec> = BTreeMap::new();
    for d in g
        .delegations
        .iter()
        .filter(|d| d.kind == DelegationKind::Pool)
    {
        let pool = PoolId(d.target_id);
        let prefs = super::relations::user_preferences(ctx.state(), &d.delegator)?;
        let e = expected
            .entry((pool, trust_set(&prefs, pool)))
            .or_insert(Dec::ZERO);
        *e = e.checked_add(
            d.shares
                .iter()
                .map(|s| s.amount)
                .next()
                .unwrap_or(Dec::ZERO),
        )?;
    }
    for r in &g.pool_tranches {
        let pool = pools::must_pool(ctx.state(), r.pool_id)?;
        require_sorted_unique(&r.tranches, |t| t.id, "tranches")?;
        let (mut tokens, mut shares) = (0u128, Dec::ZERO);
        for t in &r.tranches {
            if t.id == 0 || t.id >= r.next_tranche_id {
                return Err(bad(format!(
                    "tranche {} of pool {} must be between 1 and next_tranche_id",
                    t.id, r.pool_id
                )));
            }
            let held = expected
                .remove(&(r.pool_id, t.services.clone()))
                .unwrap_or(Dec::ZERO);
            if held != t.shares {
                return Err(bad(format!(
                    "tranche {} of pool {} has shares {} but its delegations hold {held}",
                    t.id, r.pool_id, t.shares
                )));
            }
            tokens = tokens.checked_add(t.tokens).ok_or(MathError::Overflow)?;
            shares = shares.checked_add(t.shares)?;
            ctx.set(state_key::tranche(r.pool_id, t.id), t)?;
            ctx.set(state_key::tranche_by_set(r.pool_id, &t.services), &t.id)?;
        }
        if tokens != pool.tokens || shares != pool.delegator_shares {
            return Err(bad(format!(
                "the tranches of pool {} add up to {tokens} tokens and {shares} shares, not the pool's",
                r.pool_id
            )));
        }
        ctx.set(state_key::next_tranche_id(r.pool_id), &r.next_tranche_id)?;
    }
    if let Some(((pool, set), _)) = expected.into_iter().find(|(_, s)| !s.is_zero()) {
        return Err(bad(format!(
            "pool {pool} has delegations trusting {set:?} but no tranche for them"
        )));
    }
    Ok(())
}

fn grouped(state: &dyn StateRead, sub: u8) -> Result<Vec<(u32, Vec<u32>)>> {
    let prefix = state_key::single(sub);
    let mut firsts: Vec<u32> = Vec::new();
    for (k, _) in state.prefix(&prefix)? {
        let first = store::be_u32(k.get(2..6).unwrap_or_default())?;
        if firsts.last() != Some(&first) {
            firsts.push(first);
        }
    }
    firsts
        .into_iter()
        .map(|f| Ok((f, pair_seconds(state, sub, f)?)))
        .collect()
}

/// Reads restaking genesis back out, every list in the order import requires.
pub fn export_genesis(state: &dyn StateRead) -> Result<RestakingGenesis> {
    let users_preferences = state
        .prefix(&state_key::single(state_key::PREFERENCES))?
        .into_iter()
        .map(|(k, v)| {
            let user: [u8; 20] = k
                .get(2..)
                .unwrap_or_default()
                .try_into()
                .map_err(|_| Error::State("malformed preferences key".into()))?;
            let user = Address(user);
            Ok(UserPreferencesRecord {
                user,
                preferences: store::decode(&v)?,
                pending: super::pending_preferences(state, &user)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(RestakingGenesis {
        params: params(state)?,
        last_unbonding_id: last_unbonding_id(state)?,
        operators_joined_services: grouped(state, state_key::JOINED)?
            .into_iter()
            .map(|(o, s)| ServiceIdsRecord {
                operator_id: OperatorId(o),
                service_ids: s.into_iter().map(ServiceId).collect(),
            })
            .collect(),
        services_allowed_operators: grouped(state, state_key::ALLOW_LIST)?
            .into_iter()
            .map(|(s, o)| OperatorIdsRecord {
                service_id: ServiceId(s),
                operator_ids: o.into_iter().map(OperatorId).collect(),
            })
            .collect(),
        services_securing_pools: grouped(state, state_key::SECURING_POOLS)?
            .into_iter()
            .map(|(s, p)| PoolIdsRecord {
                service_id: ServiceId(s),
                pool_ids: p.into_iter().map(PoolId).collect(),
            })
            .collect(),
        delegations: super::all_delegations(state)?,
        unbonding_delegations: super::all_unbonding_delegations(state)?,
        users_preferences,
        pool_tranches: pools::all_pools(state)?
            .into_iter()
            .map(|p| {
                Ok(PoolTranchesRecord {
                    pool_id: p.id,
                    next_tranche_id: store::get(state, &state_key::next_tranche_id(p.id))?
                        .unwrap_or(1),
                    tranches: tranches(state, p.id)?,
                })
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|r| !r.tranches.is_empty() || r.next_tranche_id > 1)
            .collect(),
    })
}
