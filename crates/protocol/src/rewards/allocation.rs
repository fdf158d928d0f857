//! Begin-block work of rewards: ending plans, then allocating each running plan's amount for the time
//! since the previous block (spec §6.6–§6.7), with the fixes Q6, Q7, Q8 and Q16.
//!
//! Rounding: every split truncates (a target never gets more than its exact share); what the splits
//! leave stays with the plan as its undistributed remainder and is offered again next block, so nothing
//! is lost. The cost of one block is O(plans × (pools + operators)), independent of delegators.

use super::f1::{self, add_unclaimed};
use super::{RewardsPlan, rewards_pool, state_key};
use crate::context::Ctx;
use crate::operators::OperatorStatus;
use crate::restaking::{self, TargetRef};
use crate::services::ServiceStatus;
use crate::{assets, bank, operators, pools, services};
use phalanx_types::error::Result;
use phalanx_types::msgs::{DistributionType, PlanTerms};
use phalanx_types::{Coin, Coins, Dec, DecCoin, DecCoins, Error, Event, ServiceId, Timestamp};

/// Milliseconds in the day `amount_per_day` is paid over.
const DAY_MS: u128 = 86_400_000;

/// The whole units due for `ms` more milliseconds at `per_day`, and the new sub-unit carry
/// (units·ms, below one day). Exact: `per_day × ms + carry = due × DAY_MS + new_carry`.
/// `None` if the amount is too large to represent, which the caller treats as unaffordable.
pub(super) fn accrue(per_day: u128, ms: u64, carry: u128) -> Option<(u128, u128)> {
    let ms = u128::from(ms);
    let whole = (per_day / DAY_MS).checked_mul(ms)?;
    let part = (per_day % DAY_MS).checked_mul(ms)?.checked_add(carry)?;
    Some((whole.checked_add(part / DAY_MS)?, part % DAY_MS))
}

/// Runs one plan's work for this block all or nothing. A plan whose work fails (an amount beyond the
/// arithmetic's range, say) is skipped with a `rewards_plan_failed` event: one plan must never halt
/// the chain. A storage fault still stops the block.
fn isolated(
    ctx: &mut Ctx<'_>,
    plan_id: u64,
    work: impl FnOnce(&mut Ctx<'_>) -> Result<()>,
) -> Result<()> {
    if let Err(e) = ctx.isolated(work)? {
        ctx.emit(
            Event::new("rewards_plan_failed")
                .attr("rewards_plan_id", plan_id)
                .attr("error", e.to_string()),
        );
    }
    Ok(())
}

/// Ends every plan whose end time has come, then allocates the running ones.
pub fn begin_block(ctx: &mut Ctx<'_>) -> Result<()> {
    super::ensure_plans_indexed(ctx)?;
    let now = ctx.block.time;
    for p in super::ending_plans(ctx.state(), now)? {
        isolated(ctx, p.id, |c| terminate(c, &p))?;
    }
    let last_key = state_key::single(state_key::LAST_ALLOCATION);
    let last: Option<Timestamp> = ctx.get(&last_key)?;
    ctx.set(last_key, &now)?;
    let Some(last) = last else {
        return Ok(());
    };
    let elapsed_ms = now.since(last).as_millis();
    if elapsed_ms == 0 {
        return Ok(());
    }
    let global = restaking::params(ctx.state())?.allowed_denoms;
    for p in super::started_plans(ctx.state(), now)? {
        if now < p.terms.end_time {
            isolated(ctx, p.id, |c| allocate_plan(c, p, elapsed_ms, &global))?;
        }
    }
    Ok(())
}

/// Ends a plan: everything left in its account and its whole undistributed units go to the service's
/// admin (not the service's custody account as in the spec, where refunds would sit unspendable among
/// delegated stake); the sub-unit rest of the remainder becomes unclaimed.
pub(super) fn terminate(ctx: &mut Ctx<'_>, p: &RewardsPlan) -> Result<()> {
    let recipient = match services::service(ctx.state(), p.service_id)? {
        Some(s) => s.admin,
        None => bank::community_pool(),
    };
    // Module accounts that cannot pay what their ledgers say they hold are a corrupted state, not a
    // plan to skip: the block stops (see `isolated`).
    let short = |e: Error| Error::State(format!("rewards plan {} cannot be ended: {e}", p.id));
    let left = bank::balances(ctx.state(), &p.rewards_pool)?;
    if !left.is_empty() {
        bank::send(ctx, &p.rewards_pool, &recipient, &left).map_err(short)?;
    }
    let denom = p.terms.amount_per_day.denom.clone();
    let (whole, rest) = DecCoins::single(denom, p.undistributed)?.truncate_decimal()?;
    if !whole.is_empty() {
        bank::send(ctx, &rewards_pool(), &recipient, &whole).map_err(short)?;
    }
    add_unclaimed(ctx, &rest)?;
    super::delete_plan(ctx, p)?;
    ctx.emit(
        Event::new("terminate_rewards_plan")
            .attr("rewards_plan_id", p.id)
            .attr("remaining_rewards", left.checked_add(&whole)?),
    );
    Ok(())
}

/// A pool or operator eligible for a plan, with the stake that counts and its USD value.
struct Candidate {
    target: TargetRef,
    /// Valued stake by denom: (denom, USD value), only denoms worth something.
    values: Vec<(String, Dec)>,
    /// Σ of `values`.
    value: Dec,
}

impl Candidate {
    /// Values the stake in `tokens`, keeping only denoms inside the filter (Q6, Q7: the per-denom split
    /// below uses exactly the denoms that were valued, so it can never hand out more than the target's
    /// share).
    fn new(
        ctx: &Ctx<'_>,
        target: TargetRef,
        tokens: &Coins,
        filter: Option<&[String]>,
    ) -> Result<Option<Candidate>> {
        let mut values = Vec::new();
        let mut value = Dec::ZERO;
        for c in tokens.iter() {
            if filter.is_some_and(|f| !f.contains(&c.denom)) {
                continue;
            }
            let v = assets::usd_value(ctx.state(), c, ctx.block.time)?;
            if !v.is_zero() {
                value = value.checked_add(v)?;
                values.push((c.denom.clone(), v));
            }
        }
        Ok((!value.is_zero()).then_some(Candidate {
            target,
            values,
            value,
        }))
    }
}

fn sum_values(cands: &[Candidate]) -> Result<Dec> {
    cands
        .iter()
        .try_fold(Dec::ZERO, |acc, c| Ok(acc.checked_add(c.value)?))
}

/// Pools securing the service whose trusting stake is worth something.
fn pool_candidates(
    ctx: &Ctx<'_>,
    svc: ServiceId,
    global: &[String],
    filter: Option<&[String]>,
) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for id in restaking::all_service_securing_pool_ids(ctx.state(), svc)? {
        let pool = pools::must_pool(ctx.state(), id)?;
        if !global.is_empty() && !global.contains(&pool.denom) {
            continue;
        }
        let target = restaking::load_target(ctx.state(), TargetRef::pool(pool.id))?;
        let (trusted, _) = f1::stake_for_service(ctx.state(), &target, svc)?.truncate_decimal()?;
        if let Some(c) = Candidate::new(ctx, target.r, &trusted, filter)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// ACTIVE operators that joined the service and may validate it, with stake worth something.
fn operator_candidates(
    ctx: &Ctx<'_>,
    svc: ServiceId,
    filter: Option<&[String]>,
) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for id in restaking::all_service_operator_ids(ctx.state(), svc)? {
        let op = operators::must_operator(ctx.state(), id)?;
        if op.status != OperatorStatus::Active
            || !restaking::can_operator_validate_service(ctx.state(), svc, id)?
        {
            continue;
        }
        if let Some(c) = Candidate::new(ctx, TargetRef::operator(id), &op.tokens, filter)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// One category's share of `r`: by weight among the valued categories, or by value if none is weighted.
fn category_share(
    r: Dec,
    weight: u32,
    value: Dec,
    total_weight: u64,
    total_value: Dec,
) -> Result<Dec> {
    if value.is_zero() {
        return Ok(Dec::ZERO);
    }
    if total_weight > 0 {
        Ok(r.mul_int(u128::from(weight))?
            .quo_int(u128::from(total_weight))?)
    } else {
        Ok(r.mul_truncate(value)?.quo_truncate(total_value)?)
    }
}

/// Splits a category's share among its candidates by the category's kind; returns (candidate, share).
fn split_category<'c>(
    share: Dec,
    kind: &DistributionType,
    cands: &'c [Candidate],
) -> Result<Vec<(&'c Candidate, Dec)>> {
    if share.is_zero() || cands.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(cands.len());
    match kind {
        DistributionType::Basic => {
            let total = sum_values(cands)?;
            for c in cands {
                out.push((c, share.mul_truncate(c.value)?.quo_truncate(total)?));
            }
        }
        DistributionType::Weighted { weights } => {
            let listed: Vec<(&Candidate, u32)> = cands
                .iter()
                .filter_map(|c| {
                    weights
                        .iter()
                        .find(|w| w.target_id == c.target.id)
                        .map(|w| (c, w.weight))
                })
                .collect();
            let total: u128 = listed.iter().map(|(_, w)| u128::from(*w)).sum();
            for (c, w) in listed {
                out.push((c, share.mul_int(u128::from(w))?.quo_int(total)?));
            }
        }
        DistributionType::Egalitarian => {
            let n = u128::try_from(cands.len()).map_err(|_| phalanx_types::MathError::Overflow)?;
            for c in cands {
                out.push((c, share.quo_int(n)?));
            }
        }
    }
    Ok(out)
}

/// Credits a target's share across its valued denoms, in proportion to their value; returns the total
/// credited (at most `share`).
fn credit_target(
    ctx: &mut Ctx<'_>,
    c: &Candidate,
    svc: ServiceId,
    reward_denom: &str,
    share: Dec,
) -> Result<Dec> {
    let mut credited = Dec::ZERO;
    for (denom, v) in &c.values {
        let part = share.mul_truncate(*v)?.quo_truncate(c.value)?;
        if part.is_zero() {
            continue;
        }
        f1::credit(
            ctx,
            c.target,
            svc,
            denom,
            &DecCoin::new(reward_denom.to_owned(), part),
        )?;
        credited = credited.checked_add(part)?;
    }
    Ok(credited)
}

/// Allocates one plan for `elapsed_ms` (spec §6.7). Skips (paying nothing, accruing nothing) when the
/// service is not ACTIVE, no denom is eligible, the plan cannot afford the amount, or nobody is eligible.
fn allocate_plan(
    ctx: &mut Ctx<'_>,
    mut plan: RewardsPlan,
    elapsed_ms: u64,
    global: &[String],
) -> Result<()> {
    let svc_id = plan.service_id;
    let Some(svc) = services::service(ctx.state(), svc_id)? else {
        return Ok(());
    };
    if svc.status != ServiceStatus::Active {
        return Ok(());
    }
    let own = services::service_params(ctx.state(), svc_id)?.allowed_denoms;
    let filter = restaking::service_denom_filter(global, &own);
    if filter.as_ref().is_some_and(Vec::is_empty) {
        return Ok(());
    }
    let filter = filter.as_deref();
    let terms: PlanTerms = plan.terms.clone();
    let denom = terms.amount_per_day.denom.clone();
    let Some((due, carry)) = accrue(terms.amount_per_day.amount, elapsed_ms, plan.accrual_carry)
    else {
        return Ok(());
    };
    if bank::balance(ctx.state(), &plan.rewards_pool, &denom)? < due {
        return Ok(());
    }
    let pool_cands = pool_candidates(ctx, svc_id, global, filter)?;
    let op_cands = operator_candidates(ctx, svc_id, filter)?;
    let users = Candidate::new(ctx, TargetRef::service(svc_id), &svc.tokens, filter)?;
    let (vp, vo) = (sum_values(&pool_cands)?, sum_values(&op_cands)?);
    let vu = users.as_ref().map_or(Dec::ZERO, |u| u.value);
    let total_value = vp.checked_add(vo)?.checked_add(vu)?;
    if total_value.is_zero() {
        return Ok(());
    }
    let weights = [
        (vp, terms.pools_distribution.weight),
        (vo, terms.operators_distribution.weight),
        (vu, terms.users_distribution.weight),
    ];
    // Only categories with value count towards the weight total, and only they get a share (Q16).
    // Summed in u64, where three u32 weights cannot overflow: a saturated total would hand out more
    // than `r`.
    let total_weight: u64 = weights
        .iter()
        .filter(|(v, _)| !v.is_zero())
        .map(|(_, w)| u64::from(*w))
        .sum();

    plan.accrual_carry = carry;
    if due > 0 {
        bank::send(
            ctx,
            &plan.rewards_pool,
            &rewards_pool(),
            &Coins::new(vec![Coin::new(denom.clone(), due)])?,
        )?;
    }
    let r = Dec::from_int(due).checked_add(plan.undistributed)?;
    let shares = weights
        .iter()
        .map(|(v, w)| category_share(r, *w, *v, total_weight, total_value))
        .collect::<Result<Vec<Dec>>>()?;
    let mut credited = Dec::ZERO;
    let categories = [
        (
            shares.first().copied().unwrap_or(Dec::ZERO),
            &terms.pools_distribution.kind,
            &pool_cands,
        ),
        (
            shares.get(1).copied().unwrap_or(Dec::ZERO),
            &terms.operators_distribution.kind,
            &op_cands,
        ),
    ];
    let mut credits: Vec<(&Candidate, Dec)> = Vec::new();
    for (share, kind, cands) in categories {
        credits.extend(split_category(share, kind, cands)?);
    }
    let users_share = shares.get(2).copied().unwrap_or(Dec::ZERO);
    if let Some(u) = users.as_ref().filter(|_| !users_share.is_zero()) {
        credits.push((u, users_share));
    }
    for (c, share) in credits {
        credited = credited.checked_add(credit_target(ctx, c, svc_id, &denom, share)?)?;
    }
    plan.undistributed = r.checked_sub(credited)?;
    // The terms (and so the index entries) are unchanged: only the accounting fields moved.
    ctx.set(state_key::plan(plan.id), &plan)
}
