//! Slashing with programmable rules (docs/slashing.md): services set rules (who slashes, caps, veto
//! window, destination) that take effect after a delay; slashes reach exactly the stake that chose the
//! risk, at a cost independent of the number of delegators; commission changes are delayed and bounded.

mod execute;
mod exposure;
mod genesis;
mod state_key;

pub use exposure::{Exposure, ServiceExposure, exposure};
pub use genesis::{
    BorrowRecord, DenomsChangeRecord, MembershipRecord, PendingCommissionRecord,
    RulesGenesisRecord, SlashingGenesis, export_genesis, init_genesis,
};

use crate::context::Ctx;
use crate::operators::{self, Operator};
use crate::store::{self, PageRequest, PageResponse};
use crate::{restaking, services};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{Result, SlashingError};
use phalanx_types::msgs::{
    MsgSetSlashingRules, MsgSubmitSlash, MsgUpdateSlashingParams, MsgVetoSlash, OperatorParams,
    SlashDestination, SlashingParams, SlashingRules,
};
use phalanx_types::{
    Address, Coins, Dec, Duration, Error, Event, MathError, OperatorId, PoolId, ServiceId,
    Timestamp,
};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// Rules set but not yet in effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct PendingRules {
    /// The new rules.
    pub rules: SlashingRules,
    /// When they take effect.
    pub effective_time: Timestamp,
}

/// A service's rules: those in effect and those waiting for the rules change delay.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct RulesRecord {
    /// In effect (None until the first rules take effect).
    pub active: Option<SlashingRules>,
    /// Waiting to take effect.
    pub pending: Option<PendingRules>,
}

impl RulesRecord {
    /// The rules in effect at `now` (pending rules whose time has come count).
    pub fn in_effect(&self, now: Timestamp) -> Option<&SlashingRules> {
        match &self.pending {
            Some(p) if p.effective_time <= now => Some(&p.rules),
            _ => self.active.as_ref(),
        }
    }

    /// The same record with due pending rules folded into the active ones.
    fn settled(mut self, now: Timestamp) -> Self {
        if let Some(p) = self.pending.take_if(|p| p.effective_time <= now) {
            self.active = Some(p.rules);
        }
        self
    }
}

/// Where a slash is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SlashStatus {
    /// Waiting for its veto window to end.
    Pending,
    /// Vetoed by the resolver: changed nothing.
    Vetoed,
    /// Executed.
    Executed,
    /// Its execution failed and changed nothing (the record's `failure` says why); the block and the
    /// chain went on.
    Failed,
}

/// A submitted slash and, once executed, what it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct SlashRecord {
    /// Slash id (from 1).
    pub id: u64,
    /// The slashing service.
    pub service_id: ServiceId,
    /// The operator slashed; None = the service's whole security.
    pub operator_id: Option<OperatorId>,
    /// Fraction taken.
    pub fraction: Dec,
    /// When the infraction happened.
    pub infraction_time: Timestamp,
    /// Why.
    pub reason: String,
    /// Block time of submission.
    pub submitted_at: Timestamp,
    /// When it executes unless vetoed.
    pub executes_at: Timestamp,
    /// Who may veto it (from the rules in effect at submission).
    pub resolver: Option<Address>,
    /// Where the tokens go (from the rules in effect at submission).
    pub destination: SlashDestination,
    /// Where it is in its life.
    pub status: SlashStatus,
    /// Tokens taken, once executed (including what insurance funds paid).
    pub slashed: Coins,
    /// Of `slashed`, what liquid-vesting insurance funds paid, in underlying denoms, for locked stake
    /// the slash reached (docs/slashing.md §3).
    #[serde(default)]
    pub insurance_paid: Coins,
    /// Why execution failed, for a `Failed` slash.
    #[serde(default)]
    pub failure: Option<String>,
}

/// An operator's commission change waiting to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct PendingCommission {
    /// The new params.
    pub params: OperatorParams,
    /// When they apply.
    pub effective_time: Timestamp,
}

/// Current params.
pub fn params(state: &dyn StateRead) -> Result<SlashingParams> {
    Ok(store::get(state, &state_key::single(state_key::PARAMS))?.unwrap_or_default())
}

/// A service's rules record (empty if it never set rules).
pub fn rules(state: &dyn StateRead, svc: ServiceId) -> Result<RulesRecord> {
    Ok(store::get(state, &state_key::rules(svc))?.unwrap_or_default())
}

/// The longest veto window of any service's rules, in effect or pending, and its service: the
/// unbonding time must stay longer (see [`handle_set_rules`]).
pub fn longest_veto_window(state: &dyn StateRead) -> Result<Option<(Duration, ServiceId)>> {
    let prefix = state_key::single(state_key::RULES);
    let mut longest: Option<(Duration, ServiceId)> = None;
    for (k, v) in state.prefix(&prefix)? {
        let svc = ServiceId(store::be_u32(k.get(prefix.len()..).unwrap_or_default())?);
        let record: RulesRecord = store::decode(&v)?;
        let windows = record
            .active
            .iter()
            .chain(record.pending.iter().map(|p| &p.rules))
            .map(|r| r.veto_window);
        for w in windows {
            if longest.is_none_or(|(l, _)| w > l) {
                longest = Some((w, svc));
            }
        }
    }
    Ok(longest)
}

/// A slash by id.
pub fn slash(state: &dyn StateRead, id: u64) -> Result<Option<SlashRecord>> {
    store::get(state, &state_key::slash(id))
}

/// One page of every slash (history, any status), by id.
pub fn slashes(
    state: &dyn StateRead,
    page: &PageRequest,
) -> Result<(Vec<SlashRecord>, PageResponse)> {
    let (rows, next) =
        store::paginate::<SlashRecord>(state, &state_key::single(state_key::SLASH), page)?;
    Ok((rows.into_iter().map(|(_, s)| s).collect(), next))
}

/// The slash id a queue key ends with.
fn queued_id(key: &[u8]) -> Result<u64> {
    key.get(key.len().saturating_sub(8)..)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| Error::State("malformed slash queue key".into()))
}

/// Slashes waiting for their veto window to end, in execution order.
pub fn pending_slashes(state: &dyn StateRead) -> Result<Vec<SlashRecord>> {
    let mut out = Vec::new();
    for (k, _) in state.prefix(&state_key::single(state_key::QUEUE))? {
        out.extend(slash(state, queued_id(&k)?)?);
    }
    Ok(out)
}

/// One page of [`pending_slashes`] (a bounded read, however many slashes wait).
pub fn pending_slashes_page(
    state: &dyn StateRead,
    page: &PageRequest,
) -> Result<(Vec<SlashRecord>, PageResponse)> {
    let (rows, next) = store::paginate::<()>(state, &state_key::single(state_key::QUEUE), page)?;
    let mut out = Vec::new();
    for (k, ()) in rows {
        out.extend(slash(state, queued_id(&k)?)?);
    }
    Ok((out, next))
}

/// An operator's pending commission change.
pub fn pending_commission(
    state: &dyn StateRead,
    op: OperatorId,
) -> Result<Option<PendingCommission>> {
    store::get(state, &state_key::pending_commission(op))
}

/// When the operator left the service, if it did.
pub fn departure(
    state: &dyn StateRead,
    svc: ServiceId,
    op: OperatorId,
) -> Result<Option<Timestamp>> {
    store::get(state, &state_key::departure(svc, op))
}

/// Records that an operator left a service now (called by restaking whenever a join ends).
pub fn record_departure(ctx: &mut Ctx<'_>, op: OperatorId, svc: ServiceId) -> Result<()> {
    let now = ctx.block.time;
    ctx.delete(&state_key::joined_at(svc, op))?;
    ctx.set(state_key::departure(svc, op), &now)
}

/// Records that an operator joined a service now (called by restaking whenever a join starts): its
/// stake did not choose the service's risk before that, so earlier infractions cannot reach it.
pub fn record_join(ctx: &mut Ctx<'_>, op: OperatorId, svc: ServiceId) -> Result<()> {
    let now = ctx.block.time;
    ctx.set(state_key::joined_at(svc, op), &now)
}

/// Invariant: join times are kept only for operators joined to the service, and borrow times only
/// for pools the service borrows. The first violation, if any.
pub fn check_reach_records(state: &dyn StateRead) -> Result<Option<String>> {
    let pair = |k: &[u8]| -> Result<(u32, u32)> {
        Ok((
            store::be_u32(k.get(2..6).unwrap_or_default())?,
            store::be_u32(k.get(6..10).unwrap_or_default())?,
        ))
    };
    for (k, _) in state.prefix(&state_key::single(state_key::JOINED_AT))? {
        let (svc, op) = pair(&k)?;
        if !restaking::all_joined_services(state, OperatorId(op))?.contains(&ServiceId(svc)) {
            return Ok(Some(format!(
                "a join time of operator {op} in service {svc}, which it has not joined"
            )));
        }
    }
    for (k, _) in state.prefix(&state_key::single(state_key::BORROWED_AT))? {
        let (svc, pool) = pair(&k)?;
        if !restaking::pool_secures_service(state, ServiceId(svc), PoolId(pool))? {
            return Ok(Some(format!(
                "a borrow time of pool {pool} by service {svc}, which does not borrow it"
            )));
        }
    }
    Ok(None)
}

/// Records that a service started borrowing a pool's security now: pool stake did not choose the
/// service's risk before that, so earlier infractions cannot reach it.
pub fn record_borrow(ctx: &mut Ctx<'_>, svc: ServiceId, pool: PoolId) -> Result<()> {
    let now = ctx.block.time;
    ctx.set(state_key::borrowed_at(svc, pool), &now)
}

/// Forgets a borrow that ended.
pub fn forget_borrow(ctx: &mut Ctx<'_>, svc: ServiceId, pool: PoolId) -> Result<()> {
    ctx.delete(&state_key::borrowed_at(svc, pool))
}

/// Whether a pool the service borrows now secured it at `infraction` (a borrow from before borrow
/// times were recorded counts as older than any infraction).
pub fn pool_secured_at(
    state: &dyn StateRead,
    svc: ServiceId,
    pool: PoolId,
    infraction: Timestamp,
) -> Result<bool> {
    let since: Option<Timestamp> = store::get(state, &state_key::borrowed_at(svc, pool))?;
    // Strictly before: a borrow in the block (or transaction) of the infraction or of the slash
    // itself must not widen what the slash reaches.
    Ok(since.is_none_or(|t| t < infraction))
}

/// Records the service's allowed denoms as they were before a change now. A slash reaches only the
/// denoms the service accepted both at the infraction and at execution: a service cannot widen what
/// its slash reaches after the fact. The records are kept while the service exists (one per change,
/// each paid for by its transaction): pruning them by the unbonding time of the day would lose the
/// ones a later, longer unbonding time makes relevant again.
pub fn record_denoms_change(ctx: &mut Ctx<'_>, svc: ServiceId, before: &[String]) -> Result<()> {
    let key = state_key::denoms_before(svc, ctx.block.time);
    // Several changes in one block: the list before the first is the one in force until then.
    if ctx.state().get(&key)?.is_none() {
        ctx.set(key, &before.to_vec())?;
    }
    Ok(())
}

/// Before a service is deleted: its history of allowed denoms goes with it (a slash of a deleted
/// service takes nothing).
pub fn before_service_deleted(ctx: &mut Ctx<'_>, svc: ServiceId) -> Result<()> {
    for (k, _) in ctx.prefix(&state_key::denoms_before_prefix(svc))? {
        ctx.delete(&k)?;
    }
    Ok(())
}

/// The service's own allowed denoms in force at `at`: the list recorded before the first change at
/// or after `at` (a change in the infraction's own block counts as after it, the narrower reading
/// once intersected with the current list), or the current one if none came since.
fn own_denoms_at(state: &dyn StateRead, svc: ServiceId, at: Timestamp) -> Result<Vec<String>> {
    let from = state_key::denoms_before(svc, at);
    let end = phalanx_state::prefix_end(&state_key::denoms_before_prefix(svc));
    match state.range(&from, end.as_deref(), Some(1))?.first() {
        Some((_, v)) => store::decode(v),
        None => Ok(services::service_params(state, svc)?.allowed_denoms),
    }
}

/// Denoms a slash of `svc` for an infraction at `infraction` reaches (`None`: every denom): those
/// accepted now and at the infraction, each within the chain's allowed denoms.
pub fn reached_denoms(
    state: &dyn StateRead,
    svc: ServiceId,
    infraction: Timestamp,
) -> Result<Option<Vec<String>>> {
    let global = restaking::params(state)?.allowed_denoms;
    let now = restaking::service_denom_filter(
        &global,
        &services::service_params(state, svc)?.allowed_denoms,
    );
    let then = restaking::service_denom_filter(&global, &own_denoms_at(state, svc, infraction)?);
    Ok(match (now, then) {
        (None, other) | (other, None) => other,
        (Some(now), Some(then)) => Some(now.into_iter().filter(|d| then.contains(d)).collect()),
    })
}

/// Operators a whole-security slash of `svc` reaches for an infraction at some time in `infractions`
/// (one instant for a slash, every slashable instant for the exposure query): those joined now that
/// had joined by then (an operator joined before join times were recorded counts as joined before),
/// and those that left after it less than one unbonding time ago.
pub fn reached_operators(
    state: &dyn StateRead,
    svc: ServiceId,
    infractions: RangeInclusive<Timestamp>,
    now: Timestamp,
) -> Result<Vec<OperatorId>> {
    let (first, last) = infractions.into_inner();
    let mut ops = Vec::new();
    for op in restaking::all_service_operator_ids(state, svc)? {
        let joined: Option<Timestamp> = store::get(state, &state_key::joined_at(svc, op))?;
        if joined.is_none_or(|t| t <= last) {
            ops.push(op);
        }
    }
    let unbonding = restaking::params(state)?.unbonding_time;
    let prefix = state_key::departures(svc);
    for (k, v) in state.prefix(&prefix)? {
        let left: Timestamp = store::decode(&v)?;
        let op = OperatorId(store::be_u32(k.get(prefix.len()..).unwrap_or_default())?);
        if left > first && now < left.checked_add(unbonding)? {
            ops.push(op);
        }
    }
    ops.sort();
    ops.dedup();
    Ok(ops)
}

/// Executes `MsgSetSlashingRules` (service admin): the rules take effect after `rules_change_delay`.
pub fn handle_set_rules(ctx: &mut Ctx<'_>, msg: &MsgSetSlashingRules) -> Result<()> {
    let svc = services::must_service(ctx.state(), msg.service_id)?;
    if svc.admin != msg.sender {
        return Err(Error::Unauthorized(format!(
            "{} is not the admin of service {}",
            msg.sender, svc.id
        )));
    }
    msg.rules.validate()?;
    let unbonding = restaking::params(ctx.state())?.unbonding_time;
    if msg.rules.veto_window >= unbonding {
        return Err(SlashingError::InvalidRules(format!(
            "veto_window {} must be shorter than the unbonding time {unbonding}: a slash executes at \
             the end of its veto window, and stake that left after the infraction is slashable only \
             until one unbonding time after it left",
            msg.rules.veto_window
        ))
        .into());
    }
    if let SlashDestination::Recipient { address } = &msg.rules.destination {
        crate::bank::check_recipient(address)?;
    }
    let now = ctx.block.time;
    let effective_time = now.checked_add(params(ctx.state())?.rules_change_delay)?;
    let mut record = rules(ctx.state(), svc.id)?.settled(now);
    record.pending = Some(PendingRules {
        rules: msg.rules.clone(),
        effective_time,
    });
    ctx.set(state_key::rules(svc.id), &record)?;
    ctx.emit(
        Event::new("set_slashing_rules")
            .attr("service_id", svc.id)
            .attr("effective_time", effective_time),
    );
    Ok(())
}

/// Σ of the fractions of the service's non-vetoed slashes submitted after `since`.
fn window_sum(state: &dyn StateRead, svc: ServiceId, since: Timestamp) -> Result<Dec> {
    let start = state_key::window_from(svc, since);
    let end = phalanx_state::prefix_end(&state_key::window_prefix(svc));
    let mut sum = Dec::ZERO;
    for (_, v) in state.range(&start, end.as_deref(), None)? {
        sum = sum.checked_add(store::decode::<Dec>(&v)?)?;
    }
    Ok(sum)
}

/// How much more the rules let the service slash right now: the per-incident cap, or less if the
/// rolling window is nearly used up.
pub fn room(
    state: &dyn StateRead,
    svc: ServiceId,
    rules: &SlashingRules,
    now: Timestamp,
) -> Result<Dec> {
    let used = window_sum(state, svc, now.saturating_sub(rules.window))?;
    let left = rules
        .max_window_fraction
        .checked_sub(used)
        .unwrap_or(Dec::ZERO);
    Ok(left.min(rules.max_incident_fraction))
}

/// Executes `MsgSubmitSlash` (the rules' slasher): checks caps, the infraction time and the operator,
/// then records the slash; with no veto window it executes at once.
pub fn handle_submit(ctx: &mut Ctx<'_>, msg: &MsgSubmitSlash) -> Result<u64> {
    let now = ctx.block.time;
    services::must_service(ctx.state(), msg.service_id)?;
    let record = rules(ctx.state(), msg.service_id)?;
    let r = record
        .in_effect(now)
        .cloned()
        .ok_or(SlashingError::NoRulesInEffect(msg.service_id.0))?;
    if r.slasher != msg.slasher {
        return Err(Error::Unauthorized(format!(
            "{} is not the slasher of service {}",
            msg.slasher, msg.service_id
        )));
    }
    if msg.fraction > r.max_incident_fraction {
        return Err(SlashingError::IncidentCapExceeded(
            msg.fraction.to_string(),
            r.max_incident_fraction.to_string(),
        )
        .into());
    }
    let used = window_sum(ctx.state(), msg.service_id, now.saturating_sub(r.window))?;
    let total = used.checked_add(msg.fraction)?;
    if total > r.max_window_fraction {
        return Err(SlashingError::WindowCapExceeded(
            total.to_string(),
            r.max_window_fraction.to_string(),
        )
        .into());
    }
    let executes_at = now.checked_add(r.veto_window)?;
    // Stake that left after the infraction (unbonding entries, operator departures) stays slashable
    // until one unbonding time after it left; the slash must execute before the earliest of those
    // ends, so the infraction may be at most one unbonding time before the execution, not before now.
    let earliest = executes_at.saturating_sub(restaking::params(ctx.state())?.unbonding_time);
    if msg.infraction_time > now || msg.infraction_time < earliest {
        return Err(SlashingError::InfractionOutOfRange(
            msg.infraction_time.to_string(),
            earliest.to_string(),
            now.to_string(),
        )
        .into());
    }
    if let Some(op) = msg.operator_id {
        operators::must_operator(ctx.state(), op)?;
        let at = msg.infraction_time;
        if !reached_operators(ctx.state(), msg.service_id, at..=at, now)?.contains(&op) {
            return Err(SlashingError::OperatorNotSlashable(op.0, msg.service_id.0).into());
        }
    }
    let id_key = state_key::single(state_key::NEXT_SLASH_ID);
    let id: u64 = ctx.get(&id_key)?.unwrap_or(1);
    ctx.set(id_key, &id.checked_add(1).ok_or(MathError::Overflow)?)?;
    let mut s = SlashRecord {
        id,
        service_id: msg.service_id,
        operator_id: msg.operator_id,
        fraction: msg.fraction,
        infraction_time: msg.infraction_time,
        reason: msg.reason.clone(),
        submitted_at: now,
        executes_at,
        resolver: r.resolver,
        destination: r.destination.clone(),
        status: SlashStatus::Pending,
        slashed: Coins::empty(),
        insurance_paid: Coins::empty(),
        failure: None,
    };
    ctx.set(state_key::window(msg.service_id, now, id), &msg.fraction)?;
    ctx.emit(
        Event::new("submit_slash")
            .attr("slash_id", id)
            .attr("service_id", msg.service_id)
            .attr(
                "operator_id",
                msg.operator_id.map_or("all".to_string(), |o| o.to_string()),
            )
            .attr("fraction", msg.fraction)
            .attr("executes_at", s.executes_at),
    );
    if r.veto_window.is_zero() {
        execute::execute(ctx, &mut s)?;
    } else {
        ctx.set(state_key::queue(s.executes_at, id), &())?;
    }
    ctx.set(state_key::slash(id), &s)?;
    Ok(id)
}

/// Executes `MsgVetoSlash` (the slash's resolver, inside its veto window): the slash changes nothing
/// and no longer counts towards the window cap.
pub fn handle_veto(ctx: &mut Ctx<'_>, msg: &MsgVetoSlash) -> Result<()> {
    let mut s =
        slash(ctx.state(), msg.slash_id)?.ok_or(SlashingError::SlashNotFound(msg.slash_id))?;
    if s.resolver != Some(msg.resolver) {
        return Err(Error::Unauthorized(format!(
            "{} is not the resolver of slash {}",
            msg.resolver, s.id
        )));
    }
    if s.status != SlashStatus::Pending || ctx.block.time >= s.executes_at {
        return Err(SlashingError::VetoClosed(s.id).into());
    }
    s.status = SlashStatus::Vetoed;
    ctx.delete(&state_key::queue(s.executes_at, s.id))?;
    ctx.delete(&state_key::window(s.service_id, s.submitted_at, s.id))?;
    ctx.set(state_key::slash(s.id), &s)?;
    ctx.emit(Event::new("veto_slash").attr("slash_id", s.id));
    Ok(())
}

/// Executes `MsgUpdateSlashingParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateSlashingParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    msg.params.validate()?;
    ctx.set(state_key::single(state_key::PARAMS), &msg.params)?;
    ctx.emit(Event::new("update_params").attr("module", "slashing"));
    Ok(())
}

/// An operator's commission change (docs/slashing.md §8): an operator without delegated stake changes
/// at once (nobody to protect); otherwise the rate may move by at most `max_commission_step` from the
/// rate in effect and applies after `commission_change_delay`, replacing any pending change.
pub fn schedule_commission(ctx: &mut Ctx<'_>, op: &Operator, new: &OperatorParams) -> Result<()> {
    if op.delegator_shares.is_empty() {
        if let Some(p) = pending_commission(ctx.state(), op.id)? {
            ctx.delete(&state_key::commission_queue(p.effective_time, op.id))?;
            ctx.delete(&state_key::pending_commission(op.id))?;
        }
        return operators::store_operator_params(ctx, op.id, new);
    }
    let p = params(ctx.state())?;
    let current = operators::operator_params(ctx.state(), op.id)?.commission_rate;
    let step = if new.commission_rate > current {
        new.commission_rate.checked_sub(current)?
    } else {
        current.checked_sub(new.commission_rate)?
    };
    if step > p.max_commission_step {
        return Err(SlashingError::CommissionStepExceeded(
            step.to_string(),
            p.max_commission_step.to_string(),
        )
        .into());
    }
    if let Some(old) = pending_commission(ctx.state(), op.id)? {
        ctx.delete(&state_key::commission_queue(old.effective_time, op.id))?;
    }
    let effective_time = ctx.block.time.checked_add(p.commission_change_delay)?;
    ctx.set(
        state_key::pending_commission(op.id),
        &PendingCommission {
            params: new.clone(),
            effective_time,
        },
    )?;
    ctx.set(state_key::commission_queue(effective_time, op.id), &())?;
    ctx.emit(
        Event::new("schedule_commission_change")
            .attr("operator_id", op.id)
            .attr("commission_rate", new.commission_rate)
            .attr("effective_time", effective_time),
    );
    Ok(())
}

/// End-block work: executes slashes whose veto window ended and applies due commission changes.
pub fn end_block(ctx: &mut Ctx<'_>) -> Result<()> {
    let now = ctx.block.time;
    let start = state_key::single(state_key::QUEUE);
    for (key, _) in ctx
        .state()
        .range(&start, Some(&state_key::queue_end(now)), None)?
    {
        ctx.delete(&key)?;
        let id = queued_id(&key)?;
        let Some(mut s) = slash(ctx.state(), id)? else {
            continue;
        };
        if s.status == SlashStatus::Pending {
            // One slash that cannot execute (an arithmetic overflow on extreme balances, say) must
            // neither halt the chain nor leave a half-applied slash: it is recorded as failed.
            let mut done = s.clone();
            match ctx.isolated(|c| execute::execute(c, &mut done))? {
                Ok(()) => s = done,
                Err(e) => {
                    // It took nothing, so it no longer counts towards the window cap (as a veto).
                    ctx.delete(&state_key::window(s.service_id, s.submitted_at, s.id))?;
                    s.status = SlashStatus::Failed;
                    s.failure = Some(e.to_string());
                    ctx.emit(
                        Event::new("slash_failed")
                            .attr("slash_id", id)
                            .attr("service_id", s.service_id)
                            .attr("error", e.to_string()),
                    );
                }
            }
            ctx.set(state_key::slash(id), &s)?;
        }
    }
    let start = state_key::single(state_key::COMMISSION_QUEUE);
    for (key, _) in ctx
        .state()
        .range(&start, Some(&state_key::commission_queue_end(now)), None)?
    {
        ctx.delete(&key)?;
        let op = OperatorId(store::be_u32(
            key.get(key.len().saturating_sub(4)..).unwrap_or_default(),
        )?);
        if let Some(p) = pending_commission(ctx.state(), op)? {
            ctx.delete(&state_key::pending_commission(op))?;
            if operators::operator(ctx.state(), op)?.is_some() {
                operators::store_operator_params(ctx, op, &p.params)?;
                ctx.emit(
                    Event::new("commission_changed")
                        .attr("operator_id", op)
                        .attr("commission_rate", p.params.commission_rate),
                );
            }
        }
    }
    Ok(())
}
