//! Read-only views of rewards (spec §6.12). Pending rewards are computed as if the target's period
//! ended now, without writing anything, so a query equals what a withdrawal in the same state pays.

use super::f1::{flatten, owed, pending_rewards};
use super::{DecPools, RewardsPlan, state_key};
use crate::restaking::{self, TargetRef};
use crate::store::{self, PageRequest, PageResponse};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Address, Coins, DecCoins, OperatorId};
use serde::{Deserialize, Serialize};

/// One page of plans in id order.
pub fn plans(
    state: &dyn StateRead,
    page: &PageRequest,
) -> Result<(Vec<RewardsPlan>, PageResponse)> {
    let (rows, next) =
        store::paginate::<RewardsPlan>(state, &state_key::single(state_key::PLAN), page)?;
    Ok((rows.into_iter().map(|(_, p)| p).collect(), next))
}

/// An operator's accumulated commission, by restaked denom.
pub fn operator_commission(state: &dyn StateRead, op: OperatorId) -> Result<DecPools> {
    Ok(store::get(state, &state_key::commission(op))?.unwrap_or_default())
}

/// Pending rewards of one delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationRewards {
    /// Kind of target.
    pub delegation_type: DelegationKind,
    /// Target id.
    pub target_id: u32,
    /// Rewards by restaked denom.
    pub rewards: DecPools,
}

/// Everything a delegator can withdraw now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegatorTotalRewards {
    /// Per delegation.
    pub rewards: Vec<DelegationRewards>,
    /// Σ over delegations.
    pub total: DecCoins,
    /// Sub-unit amounts already owed from earlier withdrawals (paid with the next one).
    pub owed: DecCoins,
    /// Whole coins that withdrawing every delegation now would pay: `⌊total + owed⌋`.
    pub withdrawable: Coins,
}

/// Pending rewards of a delegation, by restaked denom (empty if there is no delegation).
pub fn delegation_rewards(
    state: &dyn StateRead,
    t: TargetRef,
    delegator: &Address,
) -> Result<DelegationRewards> {
    Ok(DelegationRewards {
        delegation_type: t.kind,
        target_id: t.id,
        rewards: pending_rewards(state, t, delegator)?,
    })
}

/// Pending rewards of every delegation of `delegator`.
pub fn delegator_total_rewards(
    state: &dyn StateRead,
    delegator: &Address,
) -> Result<DelegatorTotalRewards> {
    let mut rewards = Vec::new();
    let mut total = DecCoins::empty();
    for kind in [
        DelegationKind::Pool,
        DelegationKind::Operator,
        DelegationKind::Service,
    ] {
        for d in restaking::delegations_of_kind(state, delegator, kind)? {
            let r = delegation_rewards(state, d.target(), delegator)?;
            total = total.checked_add(&flatten(&r.rewards)?)?;
            rewards.push(r);
        }
    }
    let owed = owed(state, delegator)?;
    let withdrawable = total.checked_add(&owed)?.truncate_decimal()?.0;
    Ok(DelegatorTotalRewards {
        rewards,
        total,
        owed,
        withdrawable,
    })
}

/// The shares of `pool` held by delegators who trust `svc` with it (Σ over the pool's tranches whose
/// trust set contains the service; docs/slashing.md §5).
pub fn pool_service_total_delegator_shares(
    state: &dyn StateRead,
    pool: phalanx_types::PoolId,
    svc: phalanx_types::ServiceId,
) -> Result<phalanx_types::Dec> {
    restaking::tranche::tranches(state, pool)?
        .iter()
        .filter(|t| t.services.contains(&svc))
        .try_fold(phalanx_types::Dec::ZERO, |acc, t| {
            Ok(acc.checked_add(t.shares)?)
        })
}
