//! Read-only queries of restaking (spec §5.11). Lists are paginated by opaque keys.

use super::delegation::{delegation, delegations_under};
use super::relations::pair_seconds;
use super::target::{self, TargetObject, TargetRef};
use super::unbonding::unbonding_delegation;
use super::{Delegation, DelegationEntry, UnbondingDelegation, state_key};
use crate::operators::{self, Operator};
use crate::store::{self, PageRequest, PageResponse};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Address, Coins, Error, OperatorId, PoolId, ServiceId};
use serde::{Deserialize, Serialize};

pub use super::delegation::{service_denom_filter, total_restaked};
pub use super::unbonding::last_unbonding_id;

/// A delegation with what its shares are worth now (truncated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationResponse {
    /// The delegation.
    pub delegation: Delegation,
    /// Token value of its shares, truncated.
    pub balance: Coins,
}

/// Values a delegation at its target's current exchange rate.
pub fn delegation_response(state: &dyn StateRead, d: Delegation) -> Result<DelegationResponse> {
    let balance = match target::load_position(state, d.target(), &d.delegator)? {
        Some(t) => t.tokens_from_shares(&d.shares)?.truncate_decimal()?.0,
        None => Coins::empty(),
    };
    Ok(DelegationResponse {
        delegation: d,
        balance,
    })
}

fn ids(
    state: &dyn StateRead,
    sub: u8,
    first: u32,
    page: &PageRequest,
) -> Result<(Vec<u32>, PageResponse)> {
    let (rows, next) = store::paginate::<()>(state, &state_key::pair_prefix(sub, first), page)?;
    let ids = rows
        .iter()
        .map(|(k, _)| store::be_u32(k))
        .collect::<Result<Vec<_>>>()?;
    Ok((ids, next))
}

/// Services an operator has joined.
pub fn operator_joined_services(
    state: &dyn StateRead,
    op: OperatorId,
    page: &PageRequest,
) -> Result<(Vec<ServiceId>, PageResponse)> {
    let (ids, next) = ids(state, state_key::JOINED, op.0, page)?;
    Ok((ids.into_iter().map(ServiceId).collect(), next))
}

/// Operators on a service's allow-list.
pub fn service_allowed_operators(
    state: &dyn StateRead,
    svc: ServiceId,
    page: &PageRequest,
) -> Result<(Vec<OperatorId>, PageResponse)> {
    let (ids, next) = ids(state, state_key::ALLOW_LIST, svc.0, page)?;
    Ok((ids.into_iter().map(OperatorId).collect(), next))
}

/// Pools a service borrows security from.
pub fn service_securing_pools(
    state: &dyn StateRead,
    svc: ServiceId,
    page: &PageRequest,
) -> Result<(Vec<PoolId>, PageResponse)> {
    let (ids, next) = ids(state, state_key::SECURING_POOLS, svc.0, page)?;
    Ok((ids.into_iter().map(PoolId).collect(), next))
}

/// Operators that joined a service, as full objects, in id order.
pub fn service_operators(
    state: &dyn StateRead,
    svc: ServiceId,
    page: &PageRequest,
) -> Result<(Vec<Operator>, PageResponse)> {
    let (ids, next) = ids(state, state_key::SERVICE_OPERATORS, svc.0, page)?;
    let ops = ids
        .into_iter()
        .map(|id| operators::must_operator(state, OperatorId(id)))
        .collect::<Result<Vec<_>>>()?;
    Ok((ops, next))
}

/// Every service an operator has joined (unpaginated, for internal use by later modules and tests).
pub fn all_joined_services(state: &dyn StateRead, op: OperatorId) -> Result<Vec<ServiceId>> {
    Ok(pair_seconds(state, state_key::JOINED, op.0)?
        .into_iter()
        .map(ServiceId)
        .collect())
}

fn delegator_from_suffix(suffix: &[u8]) -> Result<Address> {
    suffix
        .try_into()
        .map(Address)
        .map_err(|_| Error::State("malformed delegator in key".into()))
}

/// Delegations to one target.
pub fn target_delegations(
    state: &dyn StateRead,
    target: TargetRef,
    page: &PageRequest,
) -> Result<(Vec<DelegationResponse>, PageResponse)> {
    let prefix = state_key::by_target(state_key::DELEGATION_BY_TARGET, target);
    let (rows, next) = store::paginate::<()>(state, &prefix, page)?;
    let mut out = Vec::with_capacity(rows.len());
    for (suffix, ()) in rows {
        let delegator = delegator_from_suffix(&suffix)?;
        if let Some(d) = delegation(state, target, &delegator)? {
            out.push(delegation_response(state, d)?);
        }
    }
    Ok((out, next))
}

/// One delegator's delegation to one target.
pub fn target_delegation(
    state: &dyn StateRead,
    target: TargetRef,
    delegator: &Address,
) -> Result<Option<DelegationResponse>> {
    delegation(state, target, delegator)?
        .map(|d| delegation_response(state, d))
        .transpose()
}

/// Unbonding records from one target.
pub fn target_unbonding_delegations(
    state: &dyn StateRead,
    target: TargetRef,
    page: &PageRequest,
) -> Result<(Vec<UnbondingDelegation>, PageResponse)> {
    let prefix = state_key::by_target(state_key::UNBONDING_BY_TARGET, target);
    let (rows, next) = store::paginate::<()>(state, &prefix, page)?;
    let mut out = Vec::with_capacity(rows.len());
    for (suffix, ()) in rows {
        let delegator = delegator_from_suffix(&suffix)?;
        if let Some(u) = unbonding_delegation(state, target, &delegator)? {
            out.push(u);
        }
    }
    Ok((out, next))
}

/// One delegator's unbonding record from one target.
pub fn target_unbonding_delegation(
    state: &dyn StateRead,
    target: TargetRef,
    delegator: &Address,
) -> Result<Option<UnbondingDelegation>> {
    unbonding_delegation(state, target, delegator)
}

/// A delegator's delegations of one kind.
pub fn delegator_delegations(
    state: &dyn StateRead,
    delegator: &Address,
    kind: DelegationKind,
    page: &PageRequest,
) -> Result<(Vec<DelegationResponse>, PageResponse)> {
    let prefix = state_key::by_delegator(state_key::DELEGATION, kind, delegator);
    let (rows, next) = store::paginate::<DelegationEntry>(state, &prefix, page)?;
    let out = rows
        .into_iter()
        .map(|(_, e)| delegation_response(state, e.delegation))
        .collect::<Result<Vec<_>>>()?;
    Ok((out, next))
}

/// A delegator's unbonding records of one kind.
pub fn delegator_unbonding_delegations(
    state: &dyn StateRead,
    delegator: &Address,
    kind: DelegationKind,
    page: &PageRequest,
) -> Result<(Vec<UnbondingDelegation>, PageResponse)> {
    let prefix = state_key::by_delegator(state_key::UNBONDING, kind, delegator);
    let (rows, next) = store::paginate::<UnbondingDelegation>(state, &prefix, page)?;
    Ok((rows.into_iter().map(|(_, u)| u).collect(), next))
}

/// The targets (pools, operators or services) a delegator has delegated to.
pub fn delegator_targets(
    state: &dyn StateRead,
    delegator: &Address,
    kind: DelegationKind,
    page: &PageRequest,
) -> Result<(Vec<TargetObject>, PageResponse)> {
    let (delegations, next) = delegator_delegations(state, delegator, kind, page)?;
    let mut out = Vec::with_capacity(delegations.len());
    for d in delegations {
        if let Some(t) = target::load(state, d.delegation.target())? {
            out.push(t.object);
        }
    }
    Ok((out, next))
}

/// The target a delegator has delegated to, if they have.
pub fn delegator_target(
    state: &dyn StateRead,
    delegator: &Address,
    target: TargetRef,
) -> Result<Option<TargetObject>> {
    if delegation(state, target, delegator)?.is_none() {
        return Ok(None);
    }
    Ok(target::load(state, target)?.map(|t| t.object))
}

/// Every delegation, in (kind, delegator, target) order; for genesis export and invariant checks.
pub fn all_delegations(state: &dyn StateRead) -> Result<Vec<Delegation>> {
    delegations_under(state, &state_key::single(state_key::DELEGATION))
}

/// Every unbonding record, in (kind, delegator, target) order.
pub fn all_unbonding_delegations(state: &dyn StateRead) -> Result<Vec<UnbondingDelegation>> {
    store::values(state, &state_key::single(state_key::UNBONDING))
}

/// Loads a target's uniform view, or its kind's not-found error.
pub fn load_target(state: &dyn StateRead, r: TargetRef) -> Result<target::Target> {
    target::must_load(state, r)
}

/// Every delegation of one kind held by `delegator`, in target order (unpaginated, for hooks that must
/// visit them all; a delegator's delegations of one kind are bounded by the number of targets).
pub fn delegations_of_kind(
    state: &dyn StateRead,
    delegator: &Address,
    kind: DelegationKind,
) -> Result<Vec<Delegation>> {
    delegations_under(
        state,
        &state_key::by_delegator(state_key::DELEGATION, kind, delegator),
    )
}

/// Whether `pool` secures `svc`.
pub fn pool_secures_service(state: &dyn StateRead, svc: ServiceId, pool: PoolId) -> Result<bool> {
    Ok(state.get(&state_key::securing_pool(svc, pool))?.is_some())
}

/// Every pool `svc` borrows security from, in id order (unpaginated, for slashing and reward
/// allocation: the cost follows the service's own pools, not every pool of the chain).
pub fn all_service_securing_pool_ids(state: &dyn StateRead, svc: ServiceId) -> Result<Vec<PoolId>> {
    Ok(pair_seconds(state, state_key::SECURING_POOLS, svc.0)?
        .into_iter()
        .map(PoolId)
        .collect())
}

/// Every operator that joined `svc`, in id order (unpaginated, for reward allocation).
pub fn all_service_operator_ids(state: &dyn StateRead, svc: ServiceId) -> Result<Vec<OperatorId>> {
    Ok(pair_seconds(state, state_key::SERVICE_OPERATORS, svc.0)?
        .into_iter()
        .map(OperatorId)
        .collect())
}

/// Every unbonding record of one kind held by `delegator` (unpaginated, for exposure).
pub fn unbondings_of_delegator(
    state: &dyn StateRead,
    delegator: &Address,
    kind: DelegationKind,
) -> Result<Vec<UnbondingDelegation>> {
    store::values(
        state,
        &state_key::by_delegator(state_key::UNBONDING, kind, delegator),
    )
}
