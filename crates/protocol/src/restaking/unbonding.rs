//! Unbonding entries and the time-ordered queue that pays them out (spec §5.5 steps 4–6, §5.6).
//!
//! Differences from the reference chain, each deliberate:
//! - The queue is a set keyed by (completion time, target, delegator): two undelegations from one target
//!   in one block add one queue key, and a key whose record is already gone is skipped, never an error
//!   that would halt the chain (Q2).
//! - Payouts come from the custody account derived from the target's kind and id, so they never depend
//!   on the target record still existing (Q3).
//! - An entry merges only into an entry with the same creation height and completion time, found by a
//!   linear scan (Q12); `max_entries` limits only the creation of new entries.
//! - Entry ids come from a counter exported in genesis (Q10). Nothing looks entries up by id, so there
//!   is no id index to leak: an entry is found through its record and the queue.

use super::target::TargetRef;
use super::{UnbondingDelegation, UnbondingEntry, params, state_key};
use crate::context::Ctx;
use crate::{bank, store};
use phalanx_state::StateRead;
use phalanx_types::error::{RestakingError, Result};
use phalanx_types::{Address, Coins, Error, Event, MathError, Timestamp, UnbondingId};

/// The unbonding record of `delegator` from `target`, if any.
pub fn unbonding_delegation(
    state: &dyn StateRead,
    target: TargetRef,
    delegator: &Address,
) -> Result<Option<UnbondingDelegation>> {
    store::get(
        state,
        &state_key::record(state_key::UNBONDING, target, delegator),
    )
}

/// Whether any unbonding entry still pays out of `target`.
pub fn has_unbondings(state: &dyn StateRead, target: TargetRef) -> Result<bool> {
    let prefix = state_key::by_target(state_key::UNBONDING_BY_TARGET, target);
    let end = phalanx_state::prefix_end(&prefix);
    Ok(!state.range(&prefix, end.as_deref(), Some(1))?.is_empty())
}

/// Every unbonding record paying out of `target`, by delegator (for slashing, which must reach them all;
/// bounded by the target's delegators with pending entries, each at most `max_entries`).
pub fn unbondings_of_target(
    state: &dyn StateRead,
    target: TargetRef,
) -> Result<Vec<UnbondingDelegation>> {
    let prefix = state_key::by_target(state_key::UNBONDING_BY_TARGET, target);
    let mut out = Vec::new();
    for (k, _) in state.prefix(&prefix)? {
        let delegator: [u8; 20] = k
            .get(prefix.len()..)
            .unwrap_or_default()
            .try_into()
            .map_err(|_| Error::State("malformed unbonding index key".into()))?;
        if let Some(u) = unbonding_delegation(state, target, &Address(delegator))? {
            out.push(u);
        }
    }
    Ok(out)
}

/// The last unbonding id issued (0 before the first).
pub fn last_unbonding_id(state: &dyn StateRead) -> Result<u64> {
    Ok(store::get(state, &state_key::single(state_key::LAST_UNBONDING_ID))?.unwrap_or(0))
}

/// Stores an unbonding record and its by-target index (both removed when it has no entries left).
pub(crate) fn save_record(ctx: &mut Ctx<'_>, ubd: &UnbondingDelegation) -> Result<()> {
    let target = ubd.target();
    let record_key = state_key::record(state_key::UNBONDING, target, &ubd.delegator);
    let index_key = state_key::index(state_key::UNBONDING_BY_TARGET, target, &ubd.delegator);
    if ubd.entries.is_empty() {
        ctx.delete(&record_key)?;
        ctx.delete(&index_key)
    } else {
        ctx.set(record_key, ubd)?;
        ctx.set(index_key, &())
    }
}

/// Records that `amount` leaves `target` for `delegator` at `completion`. Nothing is recorded for an
/// empty amount (dust shares worth less than one token).
pub(super) fn add_entry(
    ctx: &mut Ctx<'_>,
    target: TargetRef,
    delegator: &Address,
    amount: &Coins,
    completion: Timestamp,
    trusted_services: Vec<phalanx_types::ServiceId>,
    cause: super::delegation::Unbond,
) -> Result<()> {
    if amount.is_empty() {
        return Ok(());
    }
    let height = ctx.block.height;
    let mut ubd =
        unbonding_delegation(ctx.state(), target, delegator)?.unwrap_or(UnbondingDelegation {
            kind: target.kind,
            delegator: *delegator,
            target_id: target.id,
            entries: Vec::new(),
        });
    let same = ubd.entries.iter_mut().find(|e| {
        e.creation_height == height
            && e.completion_time == completion
            && e.trusted_services == trusted_services
    });
    match same {
        Some(entry) => {
            entry.initial_balance = entry.initial_balance.checked_add(amount)?;
            entry.balance = entry.balance.checked_add(amount)?;
        }
        None => {
            let max = params(ctx.state())?.max_entries;
            if cause == super::delegation::Unbond::Requested
                && ubd.entries.len() >= usize::try_from(max).unwrap_or(usize::MAX)
            {
                return Err(RestakingError::TooManyUnbondingEntries(max).into());
            }
            let id = last_unbonding_id(ctx.state())?
                .checked_add(1)
                .ok_or(MathError::Overflow)?;
            ctx.set(state_key::single(state_key::LAST_UNBONDING_ID), &id)?;
            ubd.entries.push(UnbondingEntry {
                creation_height: height,
                completion_time: completion,
                initial_balance: amount.clone(),
                balance: amount.clone(),
                unbonding_id: UnbondingId(id),
                trusted_services,
                creation_time: ctx.block.time,
            });
        }
    }
    save_record(ctx, &ubd)?;
    ctx.set(state_key::queue(completion, target, delegator), &())
}

/// Parses the (target, delegator) part of a queue key.
fn parse_queue_key(key: &[u8]) -> Result<(TargetRef, Address)> {
    let malformed = || Error::State("malformed unbonding queue key".into());
    // [module, QUEUE, time(8), kind(1), target(4), delegator(20)]
    let kind = match key.get(10) {
        Some(1) => phalanx_types::msgs::DelegationKind::Pool,
        Some(2) => phalanx_types::msgs::DelegationKind::Operator,
        Some(3) => phalanx_types::msgs::DelegationKind::Service,
        _ => return Err(malformed()),
    };
    let id = store::be_u32(key.get(11..15).ok_or_else(malformed)?)?;
    let delegator: [u8; 20] = key
        .get(15..35)
        .ok_or_else(malformed)?
        .try_into()
        .map_err(|_| malformed())?;
    Ok((TargetRef { kind, id }, Address(delegator)))
}

/// Pays out every entry whose completion time has come, in queue order.
pub fn end_block(ctx: &mut Ctx<'_>) -> Result<()> {
    let now = ctx.block.time;
    let start = state_key::single(state_key::QUEUE);
    let due = ctx.state().range(
        &start,
        Some(&state_key::due_end(state_key::QUEUE, now)),
        None,
    )?;
    for (key, _) in due {
        ctx.delete(&key)?;
        let (target, delegator) = parse_queue_key(&key)?;
        let Some(mut ubd) = unbonding_delegation(ctx.state(), target, &delegator)? else {
            continue;
        };
        let (due_entries, pending): (Vec<_>, Vec<_>) = ubd
            .entries
            .into_iter()
            .partition(|e| e.completion_time <= now);
        // Another queue key of this record, due earlier in the same block, already paid these entries.
        if due_entries.is_empty() {
            continue;
        }
        ubd.entries = pending;
        let mut paid = Coins::empty();
        for e in &due_entries {
            paid = paid.checked_add(&e.balance)?;
        }
        save_record(ctx, &ubd)?;
        bank::send(ctx, &target.custody_address(), &delegator, &paid)?;
        ctx.emit(
            Event::new("complete_unbonding")
                .attr("amount", &paid)
                .attr("unbonding_delegation", target.kind.as_str())
                .attr("target_id", target.id)
                .attr("delegator", delegator),
        );
    }
    Ok(())
}

/// Re-creates the queue keys of a record (genesis import).
pub(super) fn index_record(ctx: &mut Ctx<'_>, ubd: &UnbondingDelegation) -> Result<()> {
    let target = ubd.target();
    for e in &ubd.entries {
        ctx.set(
            state_key::queue(e.completion_time, target, &ubd.delegator),
            &(),
        )?;
    }
    save_record(ctx, ubd)
}
