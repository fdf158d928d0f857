//! Delegation targets (pool, operator, service) seen through one shape, and the share math of spec §0.4.
//!
//! Shares are keyed by token denom (the target is already part of every delegation key, so the
//! reference chain's `{kind}/{id}/{denom}` share denoms would add nothing and could exceed the denom
//! length limit). Rounding always favours the target: shares issued and shares redeemed are truncated.

use super::tranche::{self, Tranche};
use crate::context::Ctx;
use crate::{operators, pools, services};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{OperatorsError, PoolsError, RestakingError, Result, ServicesError};
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{
    Address, Coin, Coins, Dec, DecCoin, DecCoins, Error, MathError, OperatorId, PoolId, ServiceId,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Names one delegation target.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    BorshSerialize,
    BorshDeserialize,
)]
pub struct TargetRef {
    /// Which kind of target.
    pub kind: DelegationKind,
    /// Its id within that kind.
    pub id: u32,
}

impl TargetRef {
    /// A pool target.
    pub fn pool(id: PoolId) -> Self {
        Self {
            kind: DelegationKind::Pool,
            id: id.0,
        }
    }

    /// An operator target.
    pub fn operator(id: OperatorId) -> Self {
        Self {
            kind: DelegationKind::Operator,
            id: id.0,
        }
    }

    /// A service target.
    pub fn service(id: ServiceId) -> Self {
        Self {
            kind: DelegationKind::Service,
            id: id.0,
        }
    }

    /// The custody account, derived from kind and id alone, so unbondings can always be paid out even
    /// if the target record were gone.
    pub fn custody_address(self) -> Address {
        match self.kind {
            DelegationKind::Pool => pools::custody_address(PoolId(self.id)),
            DelegationKind::Operator => operators::custody_address(OperatorId(self.id)),
            DelegationKind::Service => services::custody_address(ServiceId(self.id)),
        }
    }

    /// The error for a missing target of this kind.
    pub fn not_found(self) -> Error {
        match self.kind {
            DelegationKind::Pool => PoolsError::PoolNotFound(self.id.to_string()).into(),
            DelegationKind::Operator => OperatorsError::OperatorNotFound(self.id).into(),
            DelegationKind::Service => ServicesError::ServiceNotFound(self.id).into(),
        }
    }

    fn insufficient_shares(self) -> Error {
        match self.kind {
            DelegationKind::Pool => PoolsError::InsufficientShares(self.id.to_string()).into(),
            DelegationKind::Operator => OperatorsError::InsufficientShares(self.id).into(),
            DelegationKind::Service => ServicesError::InsufficientShares(self.id).into(),
        }
    }
}

impl fmt::Display for TargetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.id)
    }
}

/// The stored object behind a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetObject {
    /// A pool.
    Pool(pools::Pool),
    /// An operator.
    Operator(operators::Operator),
    /// A service.
    Service(services::Service),
}

/// A target's stake in uniform form: tokens and shares as coin sets, whatever the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Which target.
    pub r: TargetRef,
    /// Tokens delegated and not unbonding.
    pub tokens: Coins,
    /// Shares issued, by token denom.
    pub shares: DecCoins,
    /// The stored object (written back by [`save`]).
    pub object: TargetObject,
    /// For a pool seen through one tranche (one delegator's position, or a slash of that tranche): the
    /// tranche as loaded; `tokens` and `shares` are then the tranche's. `None` for the pool's aggregate
    /// view and for operators and services.
    pub tranche: Option<Tranche>,
}

/// Loads a target, or `None` if it does not exist.
pub fn load(state: &dyn StateRead, r: TargetRef) -> Result<Option<Target>> {
    Ok(match r.kind {
        DelegationKind::Pool => pools::pool(state, PoolId(r.id))?
            .map(Target::from_pool)
            .transpose()?,
        DelegationKind::Operator => operators::operator(state, OperatorId(r.id))?.map(|o| Target {
            r,
            tokens: o.tokens.clone(),
            shares: o.delegator_shares.clone(),
            object: TargetObject::Operator(o),
            tranche: None,
        }),
        DelegationKind::Service => services::service(state, ServiceId(r.id))?.map(|s| Target {
            r,
            tokens: s.tokens.clone(),
            shares: s.delegator_shares.clone(),
            object: TargetObject::Service(s),
            tranche: None,
        }),
    })
}

/// The target as one delegator's shares see it: for a pool, the tranche of the delegator's current
/// trust set (an empty, unsaved one if nobody holds that set yet); otherwise the whole target.
pub fn load_position(
    state: &dyn StateRead,
    r: TargetRef,
    delegator: &Address,
) -> Result<Option<Target>> {
    if r.kind != DelegationKind::Pool {
        return load(state, r);
    }
    let Some(p) = pools::pool(state, PoolId(r.id))? else {
        return Ok(None);
    };
    let prefs = super::relations::user_preferences(state, delegator)?;
    let t = tranche::tranche_for_set(state, p.id, &tranche::trust_set(&prefs, p.id))?;
    Ok(Some(Target::from_tranche(p, t)?))
}

/// A delegator's position or its kind's not-found error.
pub fn must_load_position(
    state: &dyn StateRead,
    r: TargetRef,
    delegator: &Address,
) -> Result<Target> {
    load_position(state, r, delegator)?.ok_or_else(|| r.not_found())
}

/// The tranche of a pool for a trust set (empty and unsaved if nobody holds that set).
pub fn load_set(state: &dyn StateRead, pool: PoolId, services: &[ServiceId]) -> Result<Target> {
    let p = pools::must_pool(state, pool)?;
    let t = tranche::tranche_for_set(state, pool, services)?;
    Target::from_tranche(p, t)
}

/// One stored tranche of a pool.
pub fn load_tranche(state: &dyn StateRead, pool: PoolId, id: u32) -> Result<Target> {
    let p = pools::must_pool(state, pool)?;
    let t = tranche::tranche(state, pool, id)?
        .ok_or_else(|| Error::State(format!("pool {pool} has no tranche {id}")))?;
    Target::from_tranche(p, t)
}

/// Loads a target or returns its kind's not-found error.
pub fn must_load(state: &dyn StateRead, r: TargetRef) -> Result<Target> {
    load(state, r)?.ok_or_else(|| r.not_found())
}

/// Writes a target's tokens and shares back into its stored object.
pub fn save(ctx: &mut Ctx<'_>, t: &Target) -> Result<()> {
    match &t.object {
        TargetObject::Pool(p) => {
            let mut p = p.clone();
            let (tokens, shares) = (t.tokens.amount_of(&p.denom), t.shares.amount_of(&p.denom));
            match &t.tranche {
                // The pool's totals move by exactly the tranche's change.
                Some(old) => {
                    p.tokens = p
                        .tokens
                        .checked_sub(old.tokens)
                        .and_then(|v| v.checked_add(tokens))
                        .ok_or(MathError::Overflow)?;
                    p.delegator_shares = p
                        .delegator_shares
                        .checked_sub(old.shares)?
                        .checked_add(shares)?;
                    let mut new = old.clone();
                    new.tokens = tokens;
                    new.shares = shares;
                    tranche::save_tranche(ctx, p.id, &new)?;
                }
                None => {
                    p.tokens = tokens;
                    p.delegator_shares = shares;
                }
            }
            pools::save_pool(ctx, &p)
        }
        TargetObject::Operator(o) => {
            let mut o = o.clone();
            o.tokens = t.tokens.clone();
            o.delegator_shares = t.shares.clone();
            operators::save_operator(ctx, &o)
        }
        TargetObject::Service(s) => {
            let mut s = s.clone();
            s.tokens = t.tokens.clone();
            s.delegator_shares = t.shares.clone();
            services::save_service(ctx, &s)
        }
    }
}

impl Target {
    fn from_pool(p: pools::Pool) -> Result<Target> {
        Ok(Target {
            r: TargetRef::pool(p.id),
            tokens: Coins::single(p.denom.clone(), p.tokens)?,
            shares: DecCoins::single(p.denom.clone(), p.delegator_shares)?,
            object: TargetObject::Pool(p),
            tranche: None,
        })
    }

    fn from_tranche(p: pools::Pool, t: Tranche) -> Result<Target> {
        Ok(Target {
            r: TargetRef::pool(p.id),
            tokens: Coins::single(p.denom.clone(), t.tokens)?,
            shares: DecCoins::single(p.denom.clone(), t.shares)?,
            object: TargetObject::Pool(p),
            tranche: Some(t),
        })
    }

    /// A pool takes only its own denom.
    fn check_denoms(&self, denoms: impl Iterator<Item = String>) -> Result<()> {
        if let TargetObject::Pool(p) = &self.object {
            for d in denoms {
                if d != p.denom {
                    return Err(PoolsError::InvalidDenom(p.denom.clone(), d).into());
                }
            }
        }
        Ok(())
    }

    /// True when some denom has shares outstanding but no tokens behind them: nobody may delegate into
    /// such a target, since new shares would be worth nothing.
    pub fn has_invalid_exchange_rate(&self) -> bool {
        self.shares
            .iter()
            .any(|s| !s.amount.is_zero() && self.tokens.amount_of(&s.denom) == 0)
    }

    /// Shares worth `amount` at the current rate: `shares × a ÷ tokens` per denom, truncated; 1:1 for a
    /// denom the target holds no tokens of.
    fn shares_for(&self, amount: &Coins) -> Result<DecCoins> {
        self.check_denoms(amount.iter().map(|c| c.denom.clone()))?;
        let mut out = Vec::with_capacity(amount.len());
        for c in amount.iter() {
            let tok = self.tokens.amount_of(&c.denom);
            let sh = self.shares.amount_of(&c.denom);
            let shares = if tok == 0 || sh.is_zero() {
                Dec::from_int(c.amount)
            } else {
                sh.mul_int(c.amount)?.quo_int(tok)?
            };
            out.push(DecCoin::new(c.denom.clone(), shares));
        }
        Ok(DecCoins::new(out)?)
    }

    /// Shares to issue for a delegation of `amount` (spec §0.4).
    pub fn issue_shares(&self, amount: &Coins) -> Result<DecCoins> {
        self.shares_for(amount)
    }

    /// Shares an undelegation of `amount` must redeem; fails when the target holds no tokens at all.
    pub fn shares_from_tokens(&self, amount: &Coins) -> Result<DecCoins> {
        if self.tokens.is_empty() {
            return Err(self.r.insufficient_shares());
        }
        self.shares_for(amount)
    }

    /// Token value of `shares`: `s × tokens ÷ shares` per denom, truncated so that no delegator is ever
    /// shown or paid more than the target holds.
    pub fn tokens_from_shares(&self, shares: &DecCoins) -> Result<DecCoins> {
        let mut out = Vec::with_capacity(shares.len());
        for s in shares.iter() {
            let total = self.shares.amount_of(&s.denom);
            if total.is_zero() {
                continue;
            }
            let tok = self.tokens.amount_of(&s.denom);
            out.push(DecCoin::new(
                s.denom.clone(),
                s.amount.mul_int(tok)?.quo_truncate(total)?,
            ));
        }
        Ok(DecCoins::new(out)?)
    }

    /// Adds delegated tokens and the shares issued for them.
    pub fn add(&mut self, amount: &Coins, shares: &DecCoins) -> Result<()> {
        self.tokens = self.tokens.checked_add(amount)?;
        self.shares = self.shares.checked_add(shares)?;
        Ok(())
    }

    /// Redeems `shares` and returns the tokens they are worth (truncated). When the last shares of a denom
    /// leave, all remaining tokens of that denom go with them ("last one out takes the dust").
    pub fn remove_shares(&mut self, shares: &DecCoins) -> Result<Coins> {
        let remaining = self.shares.checked_sub(shares).map_err(|_| {
            RestakingError::InvalidShares(format!("{} does not have {shares} shares", self.r))
        })?;
        let value = self.tokens_from_shares(shares)?;
        let mut payout = Vec::with_capacity(shares.len());
        for s in shares.iter() {
            let amount = if remaining.amount_of(&s.denom).is_zero() {
                self.tokens.amount_of(&s.denom)
            } else {
                value.amount_of(&s.denom).truncate_int()?
            };
            payout.push(Coin::new(s.denom.clone(), amount));
        }
        let payout = Coins::new(payout)?;
        self.tokens = self.tokens.checked_sub(&payout)?;
        self.shares = remaining;
        Ok(payout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operators::{Operator, OperatorStatus};

    fn op_target(tokens: Coins, shares: DecCoins) -> Target {
        let o = Operator {
            id: OperatorId(1),
            status: OperatorStatus::Active,
            admin: Address::module("a"),
            moniker: "m".into(),
            website: String::new(),
            picture_url: String::new(),
            address: operators::custody_address(OperatorId(1)),
            tokens: tokens.clone(),
            delegator_shares: shares.clone(),
        };
        Target {
            r: TargetRef::operator(OperatorId(1)),
            tokens,
            shares,
            object: TargetObject::Operator(o),
            tranche: None,
        }
    }

    fn coins(s: &str) -> Coins {
        s.parse().unwrap()
    }

    #[test]
    fn first_delegation_is_one_to_one_then_proportional() {
        let mut t = op_target(Coins::empty(), DecCoins::empty());
        let s1 = t.issue_shares(&coins("100uatom")).unwrap();
        assert_eq!(s1.amount_of("uatom"), Dec::from_int(100));
        t.add(&coins("100uatom"), &s1).unwrap();
        // Tokens grow without shares (as a reward or a slash would move the rate): rate 2 tokens/share.
        t.tokens = coins("200uatom");
        let s2 = t.issue_shares(&coins("50uatom")).unwrap();
        assert_eq!(s2.amount_of("uatom"), Dec::from_int(25));
    }

    #[test]
    fn last_one_out_takes_the_dust() {
        let mut t = op_target(coins("10uatom"), "3uatom".parse().unwrap());
        let one = DecCoins::single("uatom", Dec::ONE).unwrap();
        // 1 share of 3 is worth 3.33.. tokens: truncated to 3.
        assert_eq!(t.remove_shares(&one).unwrap(), coins("3uatom"));
        let two = DecCoins::single("uatom", Dec::from_int(2)).unwrap();
        assert_eq!(t.remove_shares(&two).unwrap(), coins("7uatom"));
        assert!(t.tokens.is_empty() && t.shares.is_empty());
    }

    #[test]
    fn invalid_exchange_rate_is_detected() {
        let t = op_target(Coins::empty(), "1uatom".parse().unwrap());
        assert!(t.has_invalid_exchange_rate());
        assert!(t.shares_from_tokens(&coins("1uatom")).is_err());
    }
}
