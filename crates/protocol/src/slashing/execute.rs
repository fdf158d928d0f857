//! Executing a slash (docs/slashing.md §2–§4): every reached target, pool tranche and unbonding entry
//! loses `⌊f × amount⌋` in the denoms the service accepts, the tokens leave the custody accounts for
//! the destination, and each reduced target records a reward slash event.

use super::{SlashRecord, SlashStatus, reached_operators};
use crate::context::Ctx;
use crate::restaking::{self, Target, TargetRef};
use crate::{bank, pools, rewards, services};
use phalanx_types::error::Result;
use phalanx_types::msgs::SlashDestination;
use phalanx_types::{Address, Coin, Coins, Dec, Event, ServiceId};
use std::collections::BTreeMap;

/// The denoms a slash may take: the service's accepted denoms (None = all).
struct Reach {
    fraction: Dec,
    accepted: Option<Vec<String>>,
}

impl Reach {
    fn accepts(&self, denom: &str) -> bool {
        self.accepted
            .as_ref()
            .is_none_or(|a| a.iter().any(|d| d == denom))
    }

    /// `⌊f × amount⌋` of every accepted denom of `amount`, capped by `cap` (per denom).
    fn cut(&self, amount: &Coins, cap: &Coins) -> Result<Coins> {
        let mut out = Vec::new();
        for c in amount.iter().filter(|c| self.accepts(&c.denom)) {
            let s = self.fraction.mul_int(c.amount)?.truncate_int()?;
            out.push(Coin::new(c.denom.clone(), s.min(cap.amount_of(&c.denom))));
        }
        Ok(Coins::new(out)?)
    }
}

/// Tokens taken, by custody account they leave.
type Taken = BTreeMap<Address, Coins>;

fn take(taken: &mut Taken, from: Address, amount: &Coins) -> Result<()> {
    if amount.is_empty() {
        return Ok(());
    }
    let e = taken.entry(from).or_default();
    *e = e.checked_add(amount)?;
    Ok(())
}

/// Reduces one target (or pool tranche) by the reach's fraction; returns what it lost.
fn slash_target(
    ctx: &mut Ctx<'_>,
    mut t: Target,
    reach: &Reach,
    taken: &mut Taken,
) -> Result<Coins> {
    let cut = reach.cut(&t.tokens, &t.tokens)?;
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
    take(taken, t.r.custody_address(), &cut)?;
    ctx.emit(
        Event::new("slash_target")
            .attr("target", t.r)
            .attr("tranche", tranche)
            .attr("amount", &cut),
    );
    Ok(cut)
}

/// Reduces the target's unbonding entries created at or after the infraction (for a pool, only those
/// whose owner trusted `only_trusting` when they started); returns what they lost.
fn slash_unbondings(
    ctx: &mut Ctx<'_>,
    r: TargetRef,
    s: &SlashRecord,
    reach: &Reach,
    only_trusting: Option<ServiceId>,
    taken: &mut Taken,
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
            let cut = reach.cut(&e.balance, &e.balance)?;
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
    take(taken, r.custody_address(), &total)?;
    Ok(total)
}

/// Executes a slash now: reduces everything it reaches and pays the destination. A slash of a service
/// deleted meanwhile takes nothing.
pub(super) fn execute(ctx: &mut Ctx<'_>, s: &mut SlashRecord) -> Result<()> {
    s.status = SlashStatus::Executed;
    let Some(svc) = services::service(ctx.state(), s.service_id)? else {
        return Ok(());
    };
    let global = restaking::params(ctx.state())?.allowed_denoms;
    let own = services::service_params(ctx.state(), svc.id)?.allowed_denoms;
    let reach = Reach {
        fraction: s.fraction,
        accepted: restaking::service_denom_filter(&global, &own),
    };
    let mut taken = Taken::new();
    let operators = match s.operator_id {
        Some(op) => vec![op],
        None => reached_operators(ctx.state(), svc.id, s.infraction_time, ctx.block.time)?,
    };
    for op in operators {
        let r = TargetRef::operator(op);
        if let Some(t) = restaking::target::load(ctx.state(), r)? {
            slash_target(ctx, t, &reach, &mut taken)?;
            slash_unbondings(ctx, r, s, &reach, None, &mut taken)?;
        }
    }
    if s.operator_id.is_none() {
        for pool in pools::all_pools(ctx.state())? {
            if !restaking::pool_secures_service(ctx.state(), svc.id, pool.id)? {
                continue;
            }
            for tr in restaking::tranche::tranches(ctx.state(), pool.id)? {
                if tr.services.contains(&svc.id) {
                    let t = restaking::target::load_tranche(ctx.state(), pool.id, tr.id)?;
                    slash_target(ctx, t, &reach, &mut taken)?;
                }
            }
            let r = TargetRef::pool(pool.id);
            slash_unbondings(ctx, r, s, &reach, Some(svc.id), &mut taken)?;
        }
        let r = TargetRef::service(svc.id);
        let t = restaking::target::must_load(ctx.state(), r)?;
        slash_target(ctx, t, &reach, &mut taken)?;
        slash_unbondings(ctx, r, s, &reach, None, &mut taken)?;
    }
    let mut total = Coins::empty();
    for (custody, amount) in &taken {
        match &s.destination {
            SlashDestination::Burn => bank::burn(ctx, custody, amount)?,
            SlashDestination::Service => bank::send(ctx, custody, &svc.admin, amount)?,
            SlashDestination::Recipient { address } => bank::send(ctx, custody, address, amount)?,
        }
        total = total.checked_add(amount)?;
    }
    s.slashed = total.clone();
    ctx.emit(
        Event::new("execute_slash")
            .attr("slash_id", s.id)
            .attr("service_id", s.service_id)
            .attr("amount", &total),
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
    };
    execute(ctx, &mut s)
}
