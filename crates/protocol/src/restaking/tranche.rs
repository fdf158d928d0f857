//! Pool tranches: a pool's stake kept in one ledger per distinct set of services its delegators trust
//! with it (docs/slashing.md §5). A slash by a service reduces only the tranches whose set contains it,
//! at a cost of one write per tranche whatever the number of delegators; rewards of a service are earned
//! by the tranches that trust it. A delegator's pool shares are shares of the tranche of their current
//! trust set; the pool record holds the sum of its tranches.

use super::state_key;
use crate::context::Ctx;
use crate::store;
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::UserPreferences;
use phalanx_types::{Dec, MathError, PoolId, ServiceId};
use serde::{Deserialize, Serialize};

/// One trust set's share of a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Tranche {
    /// Id within the pool (from 1; 0 marks a tranche not yet stored).
    pub id: u32,
    /// The services its delegators trust with the pool, ascending.
    pub services: Vec<ServiceId>,
    /// Tokens of the tranche.
    #[serde(with = "crate::serde_amount")]
    pub tokens: u128,
    /// Shares issued by the tranche.
    pub shares: Dec,
}

/// The services `prefs` trusts with `pool`, ascending: the key of the delegator's tranche.
pub fn trust_set(prefs: &UserPreferences, pool: PoolId) -> Vec<ServiceId> {
    let mut out: Vec<ServiceId> = prefs
        .trusted_services
        .iter()
        .map(|e| e.service_id)
        .filter(|s| prefs.trusts(*s, pool))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A pool's tranche by id.
pub fn tranche(state: &dyn StateRead, pool: PoolId, id: u32) -> Result<Option<Tranche>> {
    store::get(state, &state_key::tranche(pool, id))
}

/// Every tranche of a pool, by id.
pub fn tranches(state: &dyn StateRead, pool: PoolId) -> Result<Vec<Tranche>> {
    store::values(state, &state_key::tranches_prefix(pool))
}

/// The tranche of a trust set, or an unsaved empty one (id 0) if nobody holds that set yet.
pub fn tranche_for_set(
    state: &dyn StateRead,
    pool: PoolId,
    services: &[ServiceId],
) -> Result<Tranche> {
    if let Some(id) = store::get::<u32>(state, &state_key::tranche_by_set(pool, services))?
        && let Some(t) = tranche(state, pool, id)?
    {
        return Ok(t);
    }
    Ok(Tranche {
        id: 0,
        services: services.to_vec(),
        tokens: 0,
        shares: Dec::ZERO,
    })
}

/// Stores a tranche (allocating its id on first use); an emptied tranche is removed.
pub(crate) fn save_tranche(ctx: &mut Ctx<'_>, pool: PoolId, t: &Tranche) -> Result<()> {
    let mut t = t.clone();
    if t.tokens == 0 && t.shares.is_zero() {
        if t.id != 0 {
            ctx.delete(&state_key::tranche(pool, t.id))?;
            ctx.delete(&state_key::tranche_by_set(pool, &t.services))?;
        }
        return Ok(());
    }
    if t.id == 0 {
        let key = state_key::next_tranche_id(pool);
        let id: u32 = ctx.get(&key)?.unwrap_or(1);
        ctx.set(key, &id.checked_add(1).ok_or(MathError::Overflow)?)?;
        t.id = id;
        ctx.set(state_key::tranche_by_set(pool, &t.services), &id)?;
    }
    ctx.set(state_key::tranche(pool, t.id), &t)
}

/// Tokens of the pool's tranches that trust `svc` (the pool stake a service's rewards and slashes see).
pub fn trusting_tokens(state: &dyn StateRead, pool: PoolId, svc: ServiceId) -> Result<u128> {
    tranches(state, pool)?
        .iter()
        .filter(|t| t.services.contains(&svc))
        .try_fold(0u128, |acc, t| {
            acc.checked_add(t.tokens).ok_or(MathError::Overflow.into())
        })
}
