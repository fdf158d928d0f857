//! Executing a slash (docs/slashing.md §2–§4): every reached target, pool tranche and unbonding entry
//! loses `⌊f × amount⌋` in the denoms the service accepts, the tokens leave the custody accounts for
//! the destination, and each reduced target records a reward slash event. Locked representations are
//! the exception (§3): each owner's insurance fund pays first, in the underlying denom, and only the
//! rest reduces that owner's locked stake, which is burned whatever the destination.

use super::{SlashRecord, SlashStatus, reached_operators};
use crate::context::Ctx;
use crate::restaking::{self, Target, TargetRef};
use crate::{bank, liquidvesting, rewards, services};
use phalanx_types::error::Result;
use phalanx_types::msgs::{SlashDestination, is_locked_denom, underlying_denom};
use phalanx_types::{Address, Coin, Coins, Dec, Event, MathError, ServiceId};
use std::collections::{BTreeMap, BTreeSet};

/// One slash being executed: what it may take, and what it has taken so far.
struct Run {
    fraction: Dec,
    /// The service's accepted denoms (None = all).
    accepted: Option<Vec<String>>,
    /// Tokens taken, by the account they leave (custody accounts; the insurance account for what
    /// funds paid).
    taken: BTreeMap<Address, Coins>,
    /// What insurance funds paid, in underlying denoms.
    insurance_paid: Coins,
    /// Funds drawn on, as (owner, underlying denom), settled once the slash is done.
    drawn: BTreeSet<(Address, String)>,
}

impl Run {
    fn accepts(&self, denom: &str) -> bool {
        self.accepted
            .as_ref()
            .is_none_or(|a| a.iter().any(|d| d == denom))
    }

    /// `⌊f × amount⌋`.
    fn loss(&self, amount: u128) -> Result<u128> {
        Ok(self.fraction.mul_int(amount)?.truncate_int()?)
    }

    /// `⌊f × amount⌋` of every accepted denom of `amount` that `keep` selects.
    fn cut(&self, amount: &Coins, keep: impl Fn(&str) -> bool) -> Result<Coins> {
        let mut out = Vec::new();
        for c in amount
            .iter()
            .filter(|c| self.accepts(&c.denom) && keep(&c.denom))
        {
            out.push(Coin::new(c.denom.clone(), self.loss(c.amount)?));
        }
        Ok(Coins::new(out)?)
    }

    fn take(&mut self, from: Address, amount: &Coins) -> Result<()> {
        if amount.is_empty() {
            return Ok(());
        }
        let e = self.taken.entry(from).or_default();
        *e = e.checked_add(amount)?;
        Ok(())
    }

    /// Lets `owner`'s insurance fund pay what it can of a `loss` of `locked` tokens, in the underlying
    /// denom; returns the rest, which the locked stake itself must lose.
    fn insure(
        &mut self,
        ctx: &mut Ctx<'_>,
        owner: &Address,
        locked: &str,
        loss: u128,
    ) -> Result<u128> {
        let underlying = underlying_denom(locked)?;
        let paid = liquidvesting::draw(ctx, owner, underlying, loss)?;
        let rest = loss.checked_sub(paid).ok_or(MathError::Negative)?;
        if paid > 0 {
            let paid = Coins::single(underlying, paid)?;
            self.take(liquidvesting::insurance_address(), &paid)?;
            self.insurance_paid = self.insurance_paid.checked_add(&paid)?;
            self.drawn.insert((*owner, underlying.to_string()));
            ctx.emit(
                Event::new("slash_insurance_fund")
                    .attr("user", owner)
                    .attr("paid", &paid)
                    .attr("locked_loss", Coin::new(locked, rest)),
            );
        }
        Ok(rest)
    }
}

/// Reduces one target (or pool tranche) by the slash's fraction in every accepted denom except locked
/// representations (whose owners' funds pay first, [`slash_locked_holders`]); returns what it lost.
fn slash_target(ctx: &mut Ctx<'_>, mut t: Target, run: &mut Run) -> Result<Coins> {
    let cut = run.cut(&t.tokens, |d| !is_locked_denom(d))?;
    if cut.is_empty() {
        return Ok(cut);
    }
    let before = t.tokens.clone();
    let period = rewards::before_slash(ctx, t.r)?;
    t.tokens = t.tokens.checked_sub(&cut)?;
    restaking::target::save(ctx, &t)?;
    restaking::adjust_total_restaked(ctx, &cut, false)?;
    let tranche = t.tranche.as_ref().map_or(0, |tr| tr.id);
    rewards::after_slash(ctx, t.r, tranche, period, &before, &t.tokens)?;
    run.take(t.r.custody_address(), &cut)?;
    ctx.emit(
        Event::new("slash_target")
            .attr("target", t.r)
            .attr("tranche", tranche)
            .attr("amount", &cut),
    );
    Ok(cut)
}

/// Slashes, owner by owner, the locked stake delegated to `r` (for a pool, only owners whose tranche
/// trusts `only_trusting`): each loses `⌊f × value⌋`, paid first by their insurance fund; the rest
/// leaves their own shares. The cost grows with the number of locked holders of the target only.
fn slash_locked_holders(
    ctx: &mut Ctx<'_>,
    r: TargetRef,
    only_trusting: Option<ServiceId>,
    run: &mut Run,
) -> Result<()> {
    for owner in restaking::locked_holders(ctx.state(), r)? {
        let Some(d) = restaking::delegation(ctx.state(), r, &owner)? else {
            continue;
        };
        let t = restaking::target::must_load_position(ctx.state(), r, &owner)?;
        if let Some(svc) = only_trusting
            && !t
                .tranche
                .as_ref()
                .is_some_and(|tr| tr.services.contains(&svc))
        {
            continue;
        }
        let value = t.tokens_from_shares(&d.shares)?.truncate_decimal()?.0;
        for c in value.iter() {
            if !is_locked_denom(&c.denom) || !run.accepts(&c.denom) {
                continue;
            }
            let loss = run.loss(c.amount)?;
            let rest = run.insure(ctx, &owner, &c.denom, loss)?;
            let taken = restaking::slash_delegation(ctx, r, &owner, &c.denom, rest)?;
            run.take(r.custody_address(), &Coins::single(c.denom.clone(), taken)?)?;
            if taken > 0 {
                ctx.emit(
                    Event::new("slash_delegation")
                        .attr("target", r)
                        .attr("delegator", owner)
                        .attr("amount", Coin::new(c.denom.clone(), taken)),
                );
            }
        }
    }
    Ok(())
}

/// Everything a slash takes from one target: its locked holders, then the rest of its stake.
fn slash_whole_target(ctx: &mut Ctx<'_>, r: TargetRef, run: &mut Run) -> Result<()> {
    slash_locked_holders(ctx, r, None, run)?;
    if let Some(t) = restaking::target::load(ctx.state(), r)? {
        slash_target(ctx, t, run)?;
    }
    Ok(())
}

/// Reduces the target's unbonding entries created at or after the infraction (for a pool, only those
/// whose owner trusted `only_trusting` when they started); returns what they lost. Locked coins of an
/// entry are paid first by the owner's insurance fund.
fn slash_unbondings(
    ctx: &mut Ctx<'_>,
    r: TargetRef,
    s: &SlashRecord,
    only_trusting: Option<ServiceId>,
    run: &mut Run,
) -> Result<Coins> {
    let mut total = Coins::empty();
    for mut ubd in restaking::unbondings_of_target(ctx.state(), r)? {
        let mut changed = false;
        for e in &mut ubd.entries {
            if e.creation_time < s.infraction_time
                || only_trusting.is_some_and(|svc| !e.trusted_services.contains(&svc))
            {
                continue;
            }
            let mut cut = Vec::new();
            for c in run.cut(&e.balance, |_| true)?.iter() {
                let amount = if is_locked_denom(&c.denom) {
                    run.insure(ctx, &ubd.delegator, &c.denom, c.amount)?
                } else {
                    c.amount
                };
                cut.push(Coin::new(c.denom.clone(), amount));
            }
            let cut = Coins::new(cut)?;
            if cut.is_empty() {
                continue;
            }
            e.balance = e.balance.checked_sub(&cut)?;
            total = total.checked_add(&cut)?;
            changed = true;
            ctx.emit(
                Event::new("slash_unbonding")
                    .attr("target", r)
                    .attr("delegator", ubd.delegator)
                    .attr("unbonding_id", e.unbonding_id.0)
                    .attr("amount", &cut),
            );
        }
        if changed {
            restaking::save_unbonding_record(ctx, &ubd)?;
        }
    }
    run.take(r.custody_address(), &total)?;
    Ok(total)
}

/// Executes a slash now: reduces everything it reaches and pays the destination. A slash of a service
/// deleted meanwhile takes nothing.
pub(super) fn execute(ctx: &mut Ctx<'_>, s: &mut SlashRecord) -> Result<()> {
    s.status = SlashStatus::Executed;
    let Some(svc) = services::service(ctx.state(), s.service_id)? else {
        return Ok(());
    };
    let mut run = Run {
        fraction: s.fraction,
        accepted: super::reached_denoms(ctx.state(), svc.id, s.infraction_time)?,
        taken: BTreeMap::new(),
        insurance_paid: Coins::empty(),
        drawn: BTreeSet::new(),
    };
    let operators = match s.operator_id {
        Some(op) => vec![op],
        // Departures are judged at the time the slash was due, not at the (possibly later) block
        // that runs it: the submission bound guarantees they were reachable then.
        None => reached_operators(
            ctx.state(),
            svc.id,
            s.infraction_time..=s.infraction_time,
            s.executes_at,
        )?,
    };
    for op in operators {
        let r = TargetRef::operator(op);
        if restaking::target::load(ctx.state(), r)?.is_some() {
            slash_whole_target(ctx, r, &mut run)?;
            slash_unbondings(ctx, r, s, None, &mut run)?;
        }
    }
    if s.operator_id.is_none() {
        for pool in restaking::all_service_securing_pool_ids(ctx.state(), svc.id)? {
            if !super::pool_secured_at(ctx.state(), svc.id, pool, s.infraction_time)? {
                continue;
            }
            let r = TargetRef::pool(pool);
            slash_locked_holders(ctx, r, Some(svc.id), &mut run)?;
            for tr in restaking::tranche::tranches(ctx.state(), pool)? {
                if tr.services.contains(&svc.id) {
                    let t = restaking::target::load_tranche(ctx.state(), pool, tr.id)?;
                    slash_target(ctx, t, &mut run)?;
                }
            }
            slash_unbondings(ctx, r, s, Some(svc.id), &mut run)?;
        }
        let r = TargetRef::service(svc.id);
        slash_whole_target(ctx, r, &mut run)?;
        slash_unbondings(ctx, r, s, None, &mut run)?;
    }
    let mut total = Coins::empty();
    for (from, amount) in &run.taken {
        // A locked representation is only a claim of its owner's: whatever the destination, the
        // locked tokens a slash takes are burned (the fund's payment is what the destination gets).
        let locked = amount.filter(is_locked_denom);
        bank::burn(ctx, from, &locked)?;
        let rest = amount.checked_sub(&locked)?;
        match &s.destination {
            SlashDestination::Burn => bank::burn(ctx, from, &rest)?,
            SlashDestination::Service => bank::send(ctx, from, &svc.admin, &rest)?,
            SlashDestination::Recipient { address } => bank::send(ctx, from, address, &rest)?,
        }
        total = total.checked_add(amount)?;
    }
    for (owner, denom) in &run.drawn {
        liquidvesting::after_draw(ctx, owner, denom)?;
    }
    s.slashed = total.clone();
    s.insurance_paid = run.insurance_paid;
    ctx.emit(
        Event::new("execute_slash")
            .attr("slash_id", s.id)
            .attr("service_id", s.service_id)
            .attr("amount", &total)
            .attr("insurance_paid", &s.insurance_paid),
    );
    Ok(())
}

/// Runs a whole-security slash of `svc` by `fraction` for an infraction now, on whatever state `ctx`
/// is over (the exposure query runs it on a discarded scratch overlay).
pub(super) fn simulate(ctx: &mut Ctx<'_>, svc: ServiceId, fraction: Dec) -> Result<()> {
    let now = ctx.block.time;
    let mut s = SlashRecord {
        id: 0,
        service_id: svc,
        operator_id: None,
        fraction,
        infraction_time: now,
        reason: String::new(),
        submitted_at: now,
        executes_at: now,
        resolver: None,
        destination: SlashDestination::Burn,
        status: SlashStatus::Pending,
        slashed: Coins::empty(),
        insurance_paid: Coins::empty(),
        failure: None,
    };
    execute(ctx, &mut s)
}
