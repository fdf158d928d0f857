//! Pools: one per restaked denom, created on the first pool delegation of that denom. No admin, no messages.

use crate::context::Ctx;
use crate::store::{self, PageRequest, PageResponse};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::coin::validate_denom;
use phalanx_types::error::{PoolsError, Result};
use phalanx_types::{Address, Dec, Error, Event, PoolId};
use serde::{Deserialize, Serialize};

mod state_key;

/// A pool of one denom. Its tokens sit in the pool's custody account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Pool {
    /// Pool id.
    pub id: PoolId,
    /// The only denom this pool takes.
    pub denom: String,
    /// Custody account (`pool-{id}`).
    pub address: Address,
    /// Tokens delegated and not yet unbonding.
    #[serde(with = "crate::serde_amount")]
    pub tokens: u128,
    /// Total shares issued to delegators.
    pub delegator_shares: Dec,
}

/// The custody account of a pool, derivable from its id alone (so funds are reachable even without it).
pub fn custody_address(id: PoolId) -> Address {
    Address::module(&format!("pool-{id}"))
}

/// The pool with this id.
pub fn pool(state: &dyn StateRead, id: PoolId) -> Result<Option<Pool>> {
    store::get(state, &state_key::pool(id))
}

/// The pool with this id, or a not-found error.
pub fn must_pool(state: &dyn StateRead, id: PoolId) -> Result<Pool> {
    pool(state, id)?.ok_or_else(|| PoolsError::PoolNotFound(id.to_string()).into())
}

/// The pool of this denom.
pub fn pool_by_denom(state: &dyn StateRead, denom: &str) -> Result<Option<Pool>> {
    match store::get::<PoolId>(state, &state_key::by_denom(denom))? {
        Some(id) => pool(state, id),
        None => Ok(None),
    }
}

/// One page of pools in id order.
pub fn pools(state: &dyn StateRead, page: &PageRequest) -> Result<(Vec<Pool>, PageResponse)> {
    let (rows, next) = store::paginate::<Pool>(state, &state_key::pools_prefix(), page)?;
    Ok((rows.into_iter().map(|(_, p)| p).collect(), next))
}

/// Every pool, in id order.
pub fn all_pools(state: &dyn StateRead) -> Result<Vec<Pool>> {
    store::values(state, &state_key::pools_prefix())
}

/// The id the next pool will get.
pub fn next_pool_id(state: &dyn StateRead) -> Result<PoolId> {
    Ok(PoolId(store::peek_id(state, &state_key::next_id())?))
}

/// Stores a pool (after its tokens or shares changed).
pub fn save_pool(ctx: &mut Ctx<'_>, pool: &Pool) -> Result<()> {
    ctx.set(state_key::pool(pool.id), pool)
}

/// The pool of `denom`, created (empty) if none exists yet.
pub fn create_or_get_pool(ctx: &mut Ctx<'_>, denom: &str) -> Result<Pool> {
    if let Some(p) = pool_by_denom(ctx.state(), denom)? {
        return Ok(p);
    }
    validate_denom(denom)?;
    let id = PoolId(store::allocate_id(ctx, state_key::next_id())?);
    let pool = Pool {
        id,
        denom: denom.to_string(),
        address: custody_address(id),
        tokens: 0,
        delegator_shares: Dec::ZERO,
    };
    save_pool(ctx, &pool)?;
    ctx.set(state_key::by_denom(denom), &id)?;
    ctx.emit(
        Event::new("create_pool")
            .attr("pool_id", id)
            .attr("denom", denom),
    );
    Ok(pool)
}

/// Pools genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolsGenesis {
    /// Id the next pool gets.
    pub next_pool_id: PoolId,
    /// Pools, sorted by id.
    pub pools: Vec<Pool>,
}

impl Default for PoolsGenesis {
    fn default() -> Self {
        Self {
            next_pool_id: PoolId(1),
            pools: Vec::new(),
        }
    }
}

/// Validates and writes pools genesis: ids below the next id, one pool per denom, derived addresses.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &PoolsGenesis) -> Result<()> {
    crate::genesis_util::require_sorted_unique(&g.pools, |p| p.id, "pools")?;
    if g.next_pool_id.is_zero() {
        return Err(Error::InvalidGenesis(
            "next_pool_id must not be zero".into(),
        ));
    }
    for p in &g.pools {
        validate_denom(&p.denom)?;
        if p.id.is_zero() || p.id >= g.next_pool_id {
            return Err(Error::InvalidGenesis(format!(
                "pool id {} must be between 1 and next_pool_id - 1",
                p.id
            )));
        }
        if p.address != custody_address(p.id) {
            return Err(Error::InvalidGenesis(format!(
                "pool {} address must be its derived custody account",
                p.id
            )));
        }
        if pool_by_denom(ctx.state(), &p.denom)?.is_some() {
            return Err(Error::InvalidGenesis(format!(
                "two pools for denom {}",
                p.denom
            )));
        }
        save_pool(ctx, p)?;
        ctx.set(state_key::by_denom(&p.denom), &p.id)?;
    }
    ctx.set(state_key::next_id(), &g.next_pool_id.0)
}

/// Reads pools genesis back out (without touching the id sequence, Q19).
pub fn export_genesis(state: &dyn StateRead) -> Result<PoolsGenesis> {
    Ok(PoolsGenesis {
        next_pool_id: next_pool_id(state)?,
        pools: all_pools(state)?,
    })
}
