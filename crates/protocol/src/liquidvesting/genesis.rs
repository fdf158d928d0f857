//! Genesis of liquid vesting: params, every insurance fund entry and the burn queue. Import checks that
//! the insurance module account holds exactly the sum of the funds and that every user's restaked
//! locked tokens are covered, so a chain cannot start in a state the invariants reject.

use super::{BurnEntry, FundEntry, state_key};
use crate::context::Ctx;
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::LiquidVestingParams;
use phalanx_types::{Address, Error};
use serde::{Deserialize, Serialize};

/// One user's insurance fund in one underlying denom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisFund {
    /// The owner.
    pub user: Address,
    /// The underlying denom.
    pub denom: String,
    /// Balance and the percentage last checked against.
    pub entry: FundEntry,
}

/// Genesis state of liquid vesting.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiquidVestingGenesis {
    /// Params.
    pub params: LiquidVestingParams,
    /// Insurance funds, sorted by (user, denom).
    pub insurance_funds: Vec<GenesisFund>,
    /// Pending burns, sorted by (completion time, user).
    pub burn_queue: Vec<BurnEntry>,
}

/// Imports params, funds and the burn queue (after bank and restaking, whose state it checks).
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &LiquidVestingGenesis) -> Result<()> {
    g.params.validate()?;
    crate::genesis_util::require_sorted_unique(
        &g.insurance_funds,
        |f| (f.user, f.denom.clone()),
        "liquidvesting insurance funds",
    )?;
    crate::genesis_util::require_sorted_unique(
        &g.burn_queue,
        |b| (b.completion_time, b.user),
        "liquidvesting burn queue",
    )?;
    ctx.set(state_key::params(), &g.params)?;
    for f in &g.insurance_funds {
        if f.entry.balance == 0 {
            return Err(Error::InvalidGenesis(format!(
                "insurance fund of {} in {} is empty; omit it",
                f.user, f.denom
            )));
        }
        ctx.set(state_key::fund(&f.user, &f.denom), &f.entry)?;
    }
    for b in &g.burn_queue {
        ctx.set(state_key::burn(b.completion_time, &b.user), &b.amount)?;
    }
    if let Some(why) = crate::invariants::liquidvesting_funds_are_backed(ctx.state())? {
        return Err(Error::InvalidGenesis(why));
    }
    Ok(())
}

/// Exports everything import reads, in the order it requires.
pub fn export_genesis(state: &dyn StateRead) -> Result<LiquidVestingGenesis> {
    Ok(LiquidVestingGenesis {
        params: super::params(state)?,
        insurance_funds: super::all_funds(state)?
            .into_iter()
            .map(|(user, denom, entry)| GenesisFund { user, denom, entry })
            .collect(),
        burn_queue: super::burn_queue(state)?,
    })
}
