//! Who secures whom: operators joining services, service allow-lists, pools securing services, and user
//! trust preferences (spec §5.3, §5.8, §5.9).

use super::state_key;
use super::tranche::trust_set;
use crate::context::Ctx;
use crate::operators::{self, OperatorStatus};
use crate::services::{self, Service, ServiceStatus};
use crate::{pools, store};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{OperatorsError, RestakingError, Result, ServicesError};
use phalanx_types::msgs::DelegationKind;
use phalanx_types::msgs::{
    MsgAddOperatorToAllowList, MsgBorrowPoolSecurity, MsgCeasePoolSecurityBorrow, MsgJoinService,
    MsgLeaveService, MsgRemoveOperatorFromAllowList, MsgSetUserPreferences, UserPreferences,
};
use phalanx_types::{Address, Error, Event, OperatorId, PoolId, ServiceId, Timestamp};
use serde::{Deserialize, Serialize};

/// Whether a key exists.
pub(super) fn exists(state: &dyn StateRead, key: &[u8]) -> Result<bool> {
    Ok(state.get(key)?.is_some())
}

/// The second ids of every `(first, second)` pair under `sub`, in order.
pub(super) fn pair_seconds(state: &dyn StateRead, sub: u8, first: u32) -> Result<Vec<u32>> {
    let prefix = state_key::pair_prefix(sub, first);
    state
        .prefix(&prefix)?
        .iter()
        .map(|(k, _)| store::be_u32(k.get(prefix.len()..).unwrap_or_default()))
        .collect()
}

/// Whether the service's allow-list is empty (then any operator may join).
fn allow_list_is_empty(state: &dyn StateRead, svc: ServiceId) -> Result<bool> {
    let prefix = state_key::pair_prefix(state_key::ALLOW_LIST, svc.0);
    let end = phalanx_state::prefix_end(&prefix);
    Ok(state.range(&prefix, end.as_deref(), Some(1))?.is_empty())
}

/// An operator may validate a service if the service's allow-list is empty or lists it.
pub fn can_operator_validate_service(
    state: &dyn StateRead,
    svc: ServiceId,
    op: OperatorId,
) -> Result<bool> {
    Ok(allow_list_is_empty(state, svc)? || exists(state, &state_key::allow_list(svc, op))?)
}

fn set_joined(ctx: &mut Ctx<'_>, op: OperatorId, svc: ServiceId, joined: bool) -> Result<()> {
    if joined {
        if !exists(ctx.state(), &state_key::joined(op, svc))? {
            crate::slashing::record_join(ctx, op, svc)?;
        }
        ctx.set(state_key::joined(op, svc), &())?;
        ctx.set(state_key::service_operator(svc, op), &())
    } else {
        // Leaving does not end the risk taken: the operator stays slashable for the service's past
        // infractions for one unbonding time (docs/slashing.md §4).
        if exists(ctx.state(), &state_key::joined(op, svc))? {
            crate::slashing::record_departure(ctx, op, svc)?;
        }
        ctx.delete(&state_key::joined(op, svc))?;
        ctx.delete(&state_key::service_operator(svc, op))
    }
}

fn set_allowed(ctx: &mut Ctx<'_>, svc: ServiceId, op: OperatorId, allowed: bool) -> Result<()> {
    if allowed {
        ctx.set(state_key::allow_list(svc, op), &())?;
        ctx.set(state_key::allowed_by(op, svc), &())
    } else {
        ctx.delete(&state_key::allow_list(svc, op))?;
        ctx.delete(&state_key::allowed_by(op, svc))
    }
}

fn operator_admin(ctx: &Ctx<'_>, id: OperatorId, sender: Address) -> Result<operators::Operator> {
    let op = operators::must_operator(ctx.state(), id)?;
    if op.admin != sender {
        return Err(Error::Unauthorized(format!(
            "{sender} is not the admin of operator {id}"
        )));
    }
    Ok(op)
}

fn service_admin(ctx: &Ctx<'_>, id: ServiceId, sender: Address) -> Result<Service> {
    let svc = services::must_service(ctx.state(), id)?;
    if svc.admin != sender {
        return Err(Error::Unauthorized(format!(
            "{sender} is not the admin of service {id}"
        )));
    }
    Ok(svc)
}

fn pair_event(kind: &str, op: OperatorId, svc: ServiceId) -> Event {
    Event::new(kind)
        .attr("operator_id", op)
        .attr("service_id", svc)
}

/// Executes `MsgJoinService`. The operator must be ACTIVE (fixes Q14: an INACTIVE operator could join
/// and appear to secure a service), the service ACTIVE, and the operator allowed. Re-joining is a no-op.
pub fn handle_join_service(ctx: &mut Ctx<'_>, msg: &MsgJoinService) -> Result<()> {
    let op = operator_admin(ctx, msg.operator_id, msg.sender)?;
    if op.status != OperatorStatus::Active {
        return Err(OperatorsError::OperatorNotActive(op.id.0).into());
    }
    let svc = services::must_service(ctx.state(), msg.service_id)?;
    if svc.status != ServiceStatus::Active {
        return Err(ServicesError::ServiceNotActive(svc.id.0).into());
    }
    if !can_operator_validate_service(ctx.state(), svc.id, op.id)? {
        return Err(RestakingError::OperatorNotAllowed(op.id.0, svc.id.0).into());
    }
    set_joined(ctx, op.id, svc.id, true)?;
    ctx.emit(pair_event("join_service", op.id, svc.id));
    Ok(())
}

/// Executes `MsgLeaveService`.
pub fn handle_leave_service(ctx: &mut Ctx<'_>, msg: &MsgLeaveService) -> Result<()> {
    let op = operator_admin(ctx, msg.operator_id, msg.sender)?;
    let svc = services::must_service(ctx.state(), msg.service_id)?;
    if !exists(ctx.state(), &state_key::joined(op.id, svc.id))? {
        return Err(RestakingError::ServiceNotJoined(op.id.0, svc.id.0).into());
    }
    set_joined(ctx, op.id, svc.id, false)?;
    ctx.emit(pair_event("leave_service", op.id, svc.id));
    Ok(())
}

/// Executes `MsgAddOperatorToAllowList`. The first entry turns "anyone may join" into "only listed
/// operators", so every other operator that had joined is removed from the service.
pub fn handle_add_operator_to_allow_list(
    ctx: &mut Ctx<'_>,
    msg: &MsgAddOperatorToAllowList,
) -> Result<()> {
    let svc = service_admin(ctx, msg.service_id, msg.sender)?;
    let op = operators::must_operator(ctx.state(), msg.operator_id)?;
    if exists(ctx.state(), &state_key::allow_list(svc.id, op.id))? {
        return Err(RestakingError::OperatorAlreadyAllowed(op.id.0, svc.id.0).into());
    }
    if allow_list_is_empty(ctx.state(), svc.id)? {
        for other in pair_seconds(ctx.state(), state_key::SERVICE_OPERATORS, svc.id.0)? {
            if other != op.id.0 {
                set_joined(ctx, OperatorId(other), svc.id, false)?;
                ctx.emit(pair_event("leave_service", OperatorId(other), svc.id));
            }
        }
    }
    set_allowed(ctx, svc.id, op.id, true)?;
    ctx.emit(pair_event("allow_operator", op.id, svc.id));
    Ok(())
}

/// Executes `MsgRemoveOperatorFromAllowList`. While the list stays non-empty the operator also leaves
/// the service; if the list becomes empty everyone is allowed again, so it stays.
pub fn handle_remove_operator_from_allow_list(
    ctx: &mut Ctx<'_>,
    msg: &MsgRemoveOperatorFromAllowList,
) -> Result<()> {
    let svc = service_admin(ctx, msg.service_id, msg.sender)?;
    let op = msg.operator_id;
    if !exists(ctx.state(), &state_key::allow_list(svc.id, op))? {
        return Err(RestakingError::OperatorNotAllowed(op.0, svc.id.0).into());
    }
    set_allowed(ctx, svc.id, op, false)?;
    if !allow_list_is_empty(ctx.state(), svc.id)?
        && exists(ctx.state(), &state_key::joined(op, svc.id))?
    {
        set_joined(ctx, op, svc.id, false)?;
        ctx.emit(pair_event("leave_service", op, svc.id));
    }
    ctx.emit(pair_event("remove_allowed_operator", op, svc.id));
    Ok(())
}

/// Executes `MsgBorrowPoolSecurity`: an ACTIVE service starts using a pool's (trusting) stake.
pub fn handle_borrow_pool_security(ctx: &mut Ctx<'_>, msg: &MsgBorrowPoolSecurity) -> Result<()> {
    let svc = service_admin(ctx, msg.service_id, msg.sender)?;
    if svc.status != ServiceStatus::Active {
        return Err(ServicesError::ServiceNotActive(svc.id.0).into());
    }
    let pool = pools::must_pool(ctx.state(), msg.pool_id)?;
    let key = state_key::securing_pool(svc.id, pool.id);
    if exists(ctx.state(), &key)? {
        return Err(RestakingError::PoolAlreadySecuring(pool.id.0, svc.id.0).into());
    }
    ctx.set(key, &())?;
    crate::slashing::record_borrow(ctx, svc.id, pool.id)?;
    ctx.emit(
        Event::new("borrow_pool_security")
            .attr("service_id", svc.id)
            .attr("pool_id", pool.id),
    );
    Ok(())
}

/// Executes `MsgCeasePoolSecurityBorrow`.
pub fn handle_cease_pool_security_borrow(
    ctx: &mut Ctx<'_>,
    msg: &MsgCeasePoolSecurityBorrow,
) -> Result<()> {
    let svc = service_admin(ctx, msg.service_id, msg.sender)?;
    let key = state_key::securing_pool(svc.id, msg.pool_id);
    if !exists(ctx.state(), &key)? {
        return Err(RestakingError::PoolNotSecuring(msg.pool_id.0, svc.id.0).into());
    }
    ctx.delete(&key)?;
    crate::slashing::forget_borrow(ctx, svc.id, msg.pool_id)?;
    ctx.emit(
        Event::new("cease_pool_security_borrow")
            .attr("service_id", svc.id)
            .attr("pool_id", msg.pool_id),
    );
    Ok(())
}

/// A user's trust preferences (default: trusts nothing).
pub fn user_preferences(state: &dyn StateRead, user: &Address) -> Result<UserPreferences> {
    Ok(store::get(state, &state_key::preferences(user))?.unwrap_or_default())
}

/// Stores a user's preferences and keeps the service → trusters index in step with them.
pub(super) fn store_preferences(
    ctx: &mut Ctx<'_>,
    user: &Address,
    prefs: &UserPreferences,
) -> Result<()> {
    for old in user_preferences(ctx.state(), user)?.trusted_services {
        ctx.delete(&state_key::truster(old.service_id, user))?;
    }
    for entry in &prefs.trusted_services {
        ctx.set(state_key::truster(entry.service_id, user), &())?;
    }
    let key = state_key::preferences(user);
    if prefs.trusted_services.is_empty() {
        ctx.delete(&key)
    } else {
        ctx.set(key, prefs)
    }
}

/// The user address a preferences, release-queue or trusters key ends with.
fn trailing_user(key: &[u8], what: &str) -> Result<Address> {
    key.get(key.len().saturating_sub(20)..)
        .and_then(|b| <[u8; 20]>::try_from(b).ok())
        .map(Address)
        .ok_or_else(|| Error::State(format!("malformed {what} key")))
}

/// Replaces a user's preferences. Every pool delegation whose trust set changes is first paid its
/// rewards under the old preferences (so rewards are always computed under the trust in force when they
/// accrued), then moved to the tranche of its new trust set, and restarted once the new preferences
/// are stored.
fn change_preferences(ctx: &mut Ctx<'_>, user: &Address, prefs: &UserPreferences) -> Result<()> {
    let old = user_preferences(ctx.state(), user)?;
    let mut moved = Vec::new();
    for d in super::delegations_of_kind(ctx.state(), user, DelegationKind::Pool)? {
        let pool = PoolId(d.target_id);
        let (from, to) = (trust_set(&old, pool), trust_set(prefs, pool));
        if from == to {
            continue;
        }
        crate::rewards::before_delegation_modified(ctx, d.target(), user)?;
        super::delegation::move_pool_position(ctx, &d, &from, &to)?;
        moved.push(d.target());
    }
    store_preferences(ctx, user, prefs)?;
    for t in moved {
        crate::rewards::after_delegation_modified(ctx, t, user)?;
    }
    Ok(())
}

/// Preferences a user asked for that withdraw trust from stake they hold in a pool: they replace the
/// preferences in force only one unbonding time after they were asked for (docs/slashing.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct PendingPreferences {
    /// The preferences asked for.
    pub preferences: UserPreferences,
    /// When they take effect.
    pub effective_time: Timestamp,
}

/// A user's preferences waiting to take effect, if any.
pub fn pending_preferences(
    state: &dyn StateRead,
    user: &Address,
) -> Result<Option<PendingPreferences>> {
    store::get(state, &state_key::pending_preferences(user))
}

/// Replaces the user's pending preferences (and their place in the release queue) with `pending`.
pub(super) fn set_pending_preferences(
    ctx: &mut Ctx<'_>,
    user: &Address,
    pending: Option<&PendingPreferences>,
) -> Result<()> {
    if let Some(old) = pending_preferences(ctx.state(), user)? {
        ctx.delete(&state_key::preferences_queue(old.effective_time, user))?;
    }
    let key = state_key::pending_preferences(user);
    match pending {
        Some(p) => {
            ctx.set(state_key::preferences_queue(p.effective_time, user), &())?;
            ctx.set(key, p)
        }
        None => ctx.delete(&key),
    }
}

/// Whether going from `held` to `asked` takes a service off the trust set of a pool position the
/// user holds: stake that could be slashed by that service would stop being so.
fn withdraws_trust(
    state: &dyn StateRead,
    user: &Address,
    held: &UserPreferences,
    asked: &UserPreferences,
) -> Result<bool> {
    for d in super::delegations_of_kind(state, user, DelegationKind::Pool)? {
        let pool = PoolId(d.target_id);
        let kept = trust_set(asked, pool);
        if trust_set(held, pool).iter().any(|s| !kept.contains(s)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Executes `MsgSetUserPreferences`: every referenced service and pool must exist.
///
/// Added trust applies at once. Trust withdrawn from stake the user holds in a pool applies only one
/// unbonding time later, like an undelegation: until then the stake stays in the tranche of the
/// services it trusted, slashable by them and earning their rewards. Otherwise a restaker who saw a
/// slash coming (an infraction, a slash in its veto window) could step out of its reach at once. A
/// newer request replaces a pending one and restarts the wait.
pub fn handle_set_user_preferences(ctx: &mut Ctx<'_>, msg: &MsgSetUserPreferences) -> Result<()> {
    msg.preferences.validate()?;
    for entry in &msg.preferences.trusted_services {
        services::must_service(ctx.state(), entry.service_id)?;
        for pool in &entry.pool_ids {
            pools::must_pool(ctx.state(), *pool)?;
        }
    }
    let held = user_preferences(ctx.state(), &msg.user)?;
    let mut event = Event::new("set_user_preferences").attr("user", msg.user);
    let pending = if withdraws_trust(ctx.state(), &msg.user, &held, &msg.preferences)? {
        let wait = super::params(ctx.state())?.unbonding_time;
        let effective_time = ctx.block.time.checked_add(wait)?;
        change_preferences(ctx, &msg.user, &held.union(&msg.preferences))?;
        event = event.attr("trust_removal_effective_time", effective_time);
        Some(PendingPreferences {
            preferences: msg.preferences.clone(),
            effective_time,
        })
    } else {
        change_preferences(ctx, &msg.user, &msg.preferences)?;
        None
    };
    set_pending_preferences(ctx, &msg.user, pending.as_ref())?;
    ctx.emit(event);
    Ok(())
}

/// Invariant: every pending preferences record trusts nothing the preferences in force do not (they
/// only withdraw trust), and has exactly one release-queue entry at its effective time, and every
/// queue entry belongs to such a record. The first violation, if any.
pub fn check_pending_preferences(state: &dyn StateRead) -> Result<Option<String>> {
    let prefix = state_key::single(state_key::PENDING_PREFERENCES);
    let mut due: Vec<(Timestamp, Address)> = Vec::new();
    for (k, v) in state.prefix(&prefix)? {
        let user = trailing_user(&k, "pending preferences")?;
        let pending: PendingPreferences = store::decode(&v)?;
        let held = user_preferences(state, &user)?;
        if held.union(&pending.preferences) != held.union(&held) {
            return Ok(Some(format!(
                "pending preferences of {user} trust what the preferences in force do not"
            )));
        }
        due.push((pending.effective_time, user));
    }
    let queue = state_key::single(state_key::PREFERENCES_QUEUE);
    let queued = state.prefix(&queue)?;
    if queued.len() != due.len() {
        return Ok(Some(format!(
            "{} pending preferences but {} release-queue entries",
            due.len(),
            queued.len()
        )));
    }
    for (at, user) in due {
        if state
            .get(&state_key::preferences_queue(at, &user))?
            .is_none()
        {
            return Ok(Some(format!(
                "pending preferences of {user} have no release-queue entry at {at}"
            )));
        }
    }
    Ok(None)
}

/// End-block work: pending preferences whose time has come replace those in force.
pub(super) fn apply_due_preferences(ctx: &mut Ctx<'_>) -> Result<()> {
    let now = ctx.block.time;
    let start = state_key::single(state_key::PREFERENCES_QUEUE);
    let end = state_key::due_end(state_key::PREFERENCES_QUEUE, now);
    for (key, _) in ctx.state().range(&start, Some(&end), None)? {
        let user = trailing_user(&key, "preferences queue")?;
        let Some(pending) = pending_preferences(ctx.state(), &user)? else {
            ctx.delete(&key)?;
            continue;
        };
        set_pending_preferences(ctx, &user, None)?;
        // All or nothing per user: one user's failure (a tranche slashed to nothing, say) must not
        // halt the block. The request is then dropped and the wider preferences stay in force,
        // the safe side for slashing; the event tells the user to ask again.
        match ctx.isolated(|c| change_preferences(c, &user, &pending.preferences))? {
            Ok(()) => ctx.emit(Event::new("apply_user_preferences").attr("user", user)),
            Err(e) => ctx.emit(
                Event::new("apply_user_preferences_failed")
                    .attr("user", user)
                    .attr("error", e.to_string()),
            ),
        }
    }
    Ok(())
}

/// Before an operator is deleted: it leaves every service and every allow-list. A service whose list
/// thereby becomes empty is deactivated, so "empty = everyone allowed" cannot suddenly open it.
pub fn before_operator_deleted(ctx: &mut Ctx<'_>, op: OperatorId) -> Result<()> {
    for svc in pair_seconds(ctx.state(), state_key::JOINED, op.0)? {
        set_joined(ctx, op, ServiceId(svc), false)?;
    }
    for svc in pair_seconds(ctx.state(), state_key::ALLOWED_BY, op.0)? {
        let svc = ServiceId(svc);
        set_allowed(ctx, svc, op, false)?;
        if allow_list_is_empty(ctx.state(), svc)? {
            services::force_deactivate(ctx, svc)?;
        }
    }
    Ok(())
}

/// Before a service is deleted: its joins, allow-list and securing pools go with it, and it is removed
/// from the preferences of every user who trusted it, so no stale trust can later block a user's
/// operations (fixes Q5). Service ids are never reused, so nothing can inherit that trust either.
pub fn before_service_deleted(ctx: &mut Ctx<'_>, svc: ServiceId) -> Result<()> {
    let prefix = state_key::trusters_prefix(svc);
    for (key, _) in ctx.prefix(&prefix)? {
        let user = trailing_user(&key, "trusters")?;
        let mut prefs = user_preferences(ctx.state(), &user)?;
        prefs.trusted_services.retain(|e| e.service_id != svc);
        change_preferences(ctx, &user, &prefs)?;
        // Pending preferences name only services the ones in force name, so every user whose
        // pending preferences name the service is visited here.
        if let Some(mut pending) = pending_preferences(ctx.state(), &user)? {
            pending
                .preferences
                .trusted_services
                .retain(|e| e.service_id != svc);
            // Without the service, the pending preferences may no longer withdraw anything.
            let canonical = pending.preferences.union(&pending.preferences);
            let withdraws = prefs.union(&pending.preferences) != canonical;
            set_pending_preferences(ctx, &user, withdraws.then_some(&pending))?;
        }
        ctx.delete(&key)?;
    }
    for op in pair_seconds(ctx.state(), state_key::SERVICE_OPERATORS, svc.0)? {
        set_joined(ctx, OperatorId(op), svc, false)?;
    }
    for op in pair_seconds(ctx.state(), state_key::ALLOW_LIST, svc.0)? {
        set_allowed(ctx, svc, OperatorId(op), false)?;
    }
    for pool in pair_seconds(ctx.state(), state_key::SECURING_POOLS, svc.0)? {
        ctx.delete(&state_key::pair(state_key::SECURING_POOLS, svc.0, pool))?;
        crate::slashing::forget_borrow(ctx, svc, PoolId(pool))?;
    }
    Ok(())
}
