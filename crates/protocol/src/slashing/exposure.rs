//! The exposure query (docs/slashing.md §7): for one address, every service its stake secures, what is
//! at stake there, the most one slash could take now, and optionally the exact loss of a given slash,
//! computed by running that slash on a discarded scratch copy of the state.

use super::{execute, reached_operators, room, rules};
use crate::context::{BlockInfo, Ctx};
use crate::restaking::{self, TargetRef};
use crate::{liquidvesting, services};
use phalanx_state::{Overlay, ReadOnly, StateRead};
use phalanx_types::error::Result;
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Address, Coin, Coins, Dec, ServiceId, Timestamp};
use serde::{Deserialize, Serialize};

/// One service's hold on an address's stake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceExposure {
    /// The service.
    pub service_id: ServiceId,
    /// Stake it can reach: delegations and slashable unbonding entries, in the denoms it accepts.
    pub at_stake: Coins,
    /// The most one slash could take now under the rules in effect (zero without rules).
    pub max_loss_now: Coins,
}

/// Everything the address's stake secures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// The address.
    pub address: Address,
    /// Per service, by id. The same stake can appear under several services: that is the cascading
    /// risk, and the sum of `max_loss_now` over services is what simultaneous slashes could take.
    pub services: Vec<ServiceExposure>,
    /// The loss a whole-security slash of the asked service at the asked fraction would cause now,
    /// including what it would draw from the address's insurance funds (in underlying denoms).
    pub loss_if_slashed: Option<Coins>,
}

/// Token value of every delegation (rounded down, as an undelegation would pay), every unbonding
/// balance and every insurance fund of `addr` (a slash of locked stake draws on the fund first).
fn holdings(state: &dyn StateRead, addr: &Address) -> Result<Coins> {
    let mut total = liquidvesting::user_insurance_fund(state, addr)?;
    for kind in [
        DelegationKind::Pool,
        DelegationKind::Operator,
        DelegationKind::Service,
    ] {
        for d in restaking::delegations_of_kind(state, addr, kind)? {
            let t = restaking::target::must_load_position(state, d.target(), addr)?;
            total = total.checked_add(&t.tokens_from_shares(&d.shares)?.truncate_decimal()?.0)?;
        }
        for u in restaking::unbondings_of_delegator(state, addr, kind)? {
            for e in &u.entries {
                total = total.checked_add(&e.balance)?;
            }
        }
    }
    Ok(total)
}

fn accepted_only(coins: &Coins, accepted: Option<&[String]>) -> Coins {
    coins.filter(|d| accepted.is_none_or(|a| a.iter().any(|x| x == d)))
}

/// The pieces of `addr`'s stake that a whole-security slash of `svc` could reach now (for any
/// infraction still within one unbonding time).
fn pieces(
    state: &dyn StateRead,
    svc: ServiceId,
    addr: &Address,
    now: Timestamp,
) -> Result<Vec<Coins>> {
    let global = restaking::params(state)?.allowed_denoms;
    let own = services::service_params(state, svc)?.allowed_denoms;
    let accepted = restaking::service_denom_filter(&global, &own);
    let accepted = accepted.as_deref();
    let earliest = now.saturating_sub(restaking::params(state)?.unbonding_time);
    let operators = reached_operators(state, svc, earliest..=now, now)?;
    let prefs = restaking::user_preferences(state, addr)?;
    let reaches = |r: TargetRef| -> Result<bool> {
        Ok(match r.kind {
            DelegationKind::Operator => operators.iter().any(|o| o.0 == r.id),
            DelegationKind::Service => r.id == svc.0,
            DelegationKind::Pool => {
                restaking::pool_secures_service(state, svc, phalanx_types::PoolId(r.id))?
                    && prefs.trusts(svc, phalanx_types::PoolId(r.id))
            }
        })
    };
    let mut out = Vec::new();
    for kind in [
        DelegationKind::Pool,
        DelegationKind::Operator,
        DelegationKind::Service,
    ] {
        for d in restaking::delegations_of_kind(state, addr, kind)? {
            if reaches(d.target())? {
                let t = restaking::target::must_load_position(state, d.target(), addr)?;
                let value = t.tokens_from_shares(&d.shares)?.truncate_decimal()?.0;
                out.push(accepted_only(&value, accepted));
            }
        }
        for u in restaking::unbondings_of_delegator(state, addr, kind)? {
            let r = u.target();
            let by_trust = |e: &restaking::UnbondingEntry| {
                r.kind != DelegationKind::Pool || e.trusted_services.contains(&svc)
            };
            let target_ok = match r.kind {
                DelegationKind::Pool => {
                    restaking::pool_secures_service(state, svc, phalanx_types::PoolId(r.id))?
                }
                _ => reaches(r)?,
            };
            for e in u.entries.iter().filter(|e| target_ok && by_trust(e)) {
                out.push(accepted_only(&e.balance, accepted));
            }
        }
    }
    out.retain(|c| !c.is_empty());
    Ok(out)
}

/// `⌊f × piece⌋` per denom, summed over pieces (as a slash rounds each piece).
fn cut_all(pieces: &[Coins], f: Dec) -> Result<Coins> {
    let mut total = Coins::empty();
    for p in pieces {
        let mut cut = Vec::new();
        for c in p.iter() {
            cut.push(Coin::new(
                c.denom.clone(),
                f.mul_int(c.amount)?.truncate_int()?,
            ));
        }
        total = total.checked_add(&Coins::new(cut)?)?;
    }
    Ok(total)
}

/// The exposure of `addr` at block time `now`; with `simulate = Some((service, fraction))`, also the
/// exact loss of a whole-security slash of that service at that fraction for an infraction now.
pub fn exposure(
    state: &dyn StateRead,
    now: Timestamp,
    addr: &Address,
    simulate: Option<(ServiceId, Dec)>,
) -> Result<Exposure> {
    let mut out = Vec::new();
    for svc in services::all_services(state)? {
        let p = pieces(state, svc.id, addr, now)?;
        if p.is_empty() {
            continue;
        }
        let mut at_stake = Coins::empty();
        for c in &p {
            at_stake = at_stake.checked_add(c)?;
        }
        let max_loss_now = match rules(state, svc.id)?.in_effect(now) {
            Some(r) => cut_all(&p, room(state, svc.id, r, now)?)?,
            None => Coins::empty(),
        };
        out.push(ServiceExposure {
            service_id: svc.id,
            at_stake,
            max_loss_now,
        });
    }
    let loss_if_slashed = match simulate {
        None => None,
        Some((svc, fraction)) => {
            services::must_service(state, svc)?;
            let before = holdings(state, addr)?;
            let mut base = ReadOnly(state);
            let mut scratch = Overlay::new(&mut base);
            let block = BlockInfo {
                height: 0,
                time: now,
            };
            let mut ctx = Ctx::new(&mut scratch, block, Address::module("exposure-query"));
            execute::simulate(&mut ctx, svc, fraction)?;
            drop(ctx);
            let after = holdings(&scratch, addr)?;
            Some(before.checked_sub(&after)?)
        }
    };
    Ok(Exposure {
        address: *addr,
        services: out,
        loss_if_slashed,
    })
}
