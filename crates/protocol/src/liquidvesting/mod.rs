//! Liquid vesting (spec §9): authorised minters issue `locked/{denom}` representations of tokens locked
//! or vesting elsewhere; those can only be restaked, and only while the owner's insurance fund in the
//! underlying denom covers `insurance_percentage` % of everything they have restaked in it. Authorised
//! burners burn representations, force-unbonding restaked ones when the owner's liquid balance falls
//! short; those burns wait in a queue until the unbonding completes.
//!
//! Decisions and fixes:
//! - **Minting** goes straight to the receiver with `bank::mint`: the locked token *is* the
//!   representation, so the module account never holds any. Receivers that would break accounting
//!   (the rewards pool, the insurance account, restaking custody accounts) are refused.
//! - **Coverage.** `required = ceil(percentage × active / 100)` where `active` is what the user has
//!   restaked in `locked/{denom}` (delegations valued at the current exchange rate, plus unbonding
//!   entries). It is checked on every delegation of locked tokens and every withdrawal; any read error
//!   denies (Q9 fixed: the reference chain allowed the delegation when the fund could not be read). Each
//!   fund entry records the percentage it was last checked against, which is what the invariant uses:
//!   raising the percentage by governance applies from each user's next delegation or withdrawal.
//! - **Transfers.** Only `MsgSend` is restricted ([`check_send`]); restaking moves tokens into and out
//!   of custody with `bank::send`, which is not. Locked coins may move only when exactly one side is a
//!   custody account; nothing moves between two custody accounts; the insurance account takes no plain
//!   sends (its balance must equal the sum of the funds).
//! - **Forced unbonding** walks pools, then services, then operators, and only touches delegations that
//!   hold the denoms still to unbond (Q21 fixed: the reference chain aborted on the first pool of another
//!   denom). Queued burns take at most what the user holds when they fall due, so a slash of the
//!   unbonding entry in between can never halt the chain.
//! - **Insurance deposits** come by [`MsgDepositInsuranceFund`]; the IBC middleware is out of scope.
//! - **Slashes draw on the funds** (docs/slashing.md §3): when a slash reaches a user's locked stake,
//!   their fund in the underlying denom pays first ([`draw`]) and only the rest reduces the locked
//!   stake. A fund left short of the coverage it was checked against is marked as checked at 0 %
//!   ([`after_draw`]): the owner's next delegation of locked tokens must restore full coverage.

mod genesis;
mod state_key;

pub use genesis::{GenesisFund, LiquidVestingGenesis, export_genesis, init_genesis};

use crate::context::Ctx;
use crate::restaking::{self, TargetRef};
use crate::{auth, bank, operators, pools, services, store};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{LiquidVestingError, Result};
use phalanx_types::msgs::{
    DelegationKind, LiquidVestingParams, MsgBurnLockedRepresentation, MsgDepositInsuranceFund,
    MsgMintLockedRepresentation, MsgUpdateLiquidVestingParams, MsgWithdrawInsuranceFund,
    is_locked_denom, locked_denom, underlying_denom,
};
use phalanx_types::{
    Address, Coin, Coins, Dec, Error, Event, MathError, OperatorId, PoolId, ServiceId, Timestamp,
};
use serde::{Deserialize, Serialize};

/// One user's insurance fund in one underlying denom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
#[serde(deny_unknown_fields)]
pub struct FundEntry {
    /// Tokens deposited and not withdrawn.
    #[serde(with = "crate::serde_amount")]
    pub balance: u128,
    /// The insurance percentage the fund was last checked against (a deposit keeps it; a delegation of
    /// locked tokens or a withdrawal sets the current one). The coverage invariant uses it.
    pub checked_percentage: Dec,
}

/// Locked tokens to burn from a user once their forced unbonding completes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnEntry {
    /// When the unbonding completes.
    pub completion_time: Timestamp,
    /// Whose tokens are burned.
    pub user: Address,
    /// The `locked/...` coins to burn.
    pub amount: Coins,
}

/// The account holding every insurance fund; its balance equals the sum of the funds.
pub fn insurance_address() -> Address {
    Address::module("liquidvesting_insurance")
}

/// Current params.
pub fn params(state: &dyn StateRead) -> Result<LiquidVestingParams> {
    Ok(store::get(state, &state_key::params())?.unwrap_or_default())
}

/// One fund entry; `None` if the user has no fund in `denom`.
pub fn fund_entry(state: &dyn StateRead, user: &Address, denom: &str) -> Result<Option<FundEntry>> {
    store::get(state, &state_key::fund(user, denom))
}

/// The user's insurance fund in the underlying `denom` (0 if none). Slashing draws on it from here.
pub fn insurance_fund(state: &dyn StateRead, user: &Address, denom: &str) -> Result<u128> {
    Ok(fund_entry(state, user, denom)?.map_or(0, |e| e.balance))
}

/// Takes up to `amount` from `user`'s insurance fund in `denom` toward a slash of their
/// `locked/{denom}` stake and returns what it took. The tokens stay in the insurance account: the caller
/// moves them to the slash's destination. Call [`after_draw`] once the slash is done.
pub(crate) fn draw(ctx: &mut Ctx<'_>, user: &Address, denom: &str, amount: u128) -> Result<u128> {
    let Some(mut e) = fund_entry(ctx.state(), user, denom)? else {
        return Ok(0);
    };
    let paid = e.balance.min(amount);
    if paid > 0 {
        e.balance = e.balance.checked_sub(paid).ok_or(MathError::Negative)?;
        ctx.set(state_key::fund(user, denom), &e)?;
    }
    Ok(paid)
}

/// Settles `user`'s fund in `denom` after slashes drew on it: a fund that no longer covers the user's
/// restaked locked tokens at the percentage it was last checked against is marked as checked at 0 %
/// (under-covered until the owner's next delegation of locked tokens or withdrawal, which require full
/// coverage again); an empty fund that backs nothing is removed.
pub(crate) fn after_draw(ctx: &mut Ctx<'_>, user: &Address, denom: &str) -> Result<()> {
    let Some(mut e) = fund_entry(ctx.state(), user, denom)? else {
        return Ok(());
    };
    let active = restaked_locked(ctx.state(), user)?.amount_of(&locked_denom(denom)?);
    let key = state_key::fund(user, denom);
    if e.balance == 0 && active == 0 {
        return ctx.delete(&key);
    }
    if e.balance < required(e.checked_percentage, active)? {
        e.checked_percentage = Dec::ZERO;
        ctx.set(key, &e)?;
    }
    Ok(())
}

/// Every denom of the user's insurance fund.
pub fn user_insurance_fund(state: &dyn StateRead, user: &Address) -> Result<Coins> {
    let prefix = state_key::user_funds_prefix(user);
    let coins = state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            let denom = key_text(&k, prefix.len())?;
            Ok(Coin::new(denom, store::decode::<FundEntry>(&v)?.balance))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Coins::new(coins)?)
}

/// Every fund entry, in (user, denom) order.
pub fn all_funds(state: &dyn StateRead) -> Result<Vec<(Address, String, FundEntry)>> {
    let prefix = state_key::funds_prefix();
    let user_end = prefix.len().saturating_add(20);
    state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            let user: [u8; 20] = k
                .get(prefix.len()..user_end)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| Error::State("malformed insurance fund key".into()))?;
            Ok((Address(user), key_text(&k, user_end)?, store::decode(&v)?))
        })
        .collect()
}

/// Every queued burn, in (completion time, user) order.
pub fn burn_queue(state: &dyn StateRead) -> Result<Vec<BurnEntry>> {
    let prefix = state_key::burn_queue_prefix();
    state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            burn_entry(
                k.get(prefix.len()..).unwrap_or_default(),
                store::decode(&v)?,
            )
        })
        .collect()
}

/// One page of [`burn_queue`] (a bounded read, however many burns wait).
pub fn burn_queue_page(
    state: &dyn StateRead,
    page: &store::PageRequest,
) -> Result<(Vec<BurnEntry>, store::PageResponse)> {
    let (rows, next) = store::paginate::<Coins>(state, &state_key::burn_queue_prefix(), page)?;
    let entries = rows
        .into_iter()
        .map(|(k, amount)| burn_entry(&k, amount))
        .collect::<Result<_>>()?;
    Ok((entries, next))
}

/// A burn from its queue key after the queue prefix (completion time, user) and its amount.
fn burn_entry(key: &[u8], amount: Coins) -> Result<BurnEntry> {
    let malformed = || Error::State("malformed liquid vesting burn queue key".into());
    let at = key.get(..8).ok_or_else(malformed)?;
    let user: [u8; 20] = key
        .get(8..28)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(malformed)?;
    Ok(BurnEntry {
        completion_time: Timestamp(u64::from_be_bytes(at.try_into().map_err(|_| malformed())?)),
        user: Address(user),
        amount,
    })
}

fn key_text(key: &[u8], at: usize) -> Result<String> {
    key.get(at..)
        .map(<[u8]>::to_vec)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::State("malformed liquid vesting key".into()))
}

/// The user's restaked locked tokens, per `locked/...` denom: delegations valued at their target's
/// exchange rate (truncated) plus pending unbonding entries, which stay slashable.
pub fn restaked_locked(state: &dyn StateRead, user: &Address) -> Result<Coins> {
    let mut total = Coins::empty();
    for kind in [
        DelegationKind::Pool,
        DelegationKind::Operator,
        DelegationKind::Service,
    ] {
        for d in restaking::delegations_of_kind(state, user, kind)? {
            total = total.checked_add(&only_locked(
                &restaking::delegation_response(state, d)?.balance,
            )?)?;
        }
        for u in restaking::unbondings_of_delegator(state, user, kind)? {
            for e in &u.entries {
                total = total.checked_add(&only_locked(&e.balance)?)?;
            }
        }
    }
    Ok(total)
}

fn only_locked(coins: &Coins) -> Result<Coins> {
    Ok(Coins::new(
        coins
            .iter()
            .filter(|c| is_locked_denom(&c.denom))
            .cloned()
            .collect(),
    )?)
}

/// `ceil(percentage × active / 100)`: what a fund must hold to cover `active` restaked locked tokens.
/// Exact: `ceil(x / 100) == ceil(ceil(x) / 100)` for any real `x`.
pub fn required(percentage: Dec, active: u128) -> Result<u128> {
    Ok(percentage.mul_int(active)?.ceil_int()?.div_ceil(100))
}

/// The restake restriction (spec §9.4), called by restaking before any delegation moves tokens: for each
/// locked coin delegated, the fund in its underlying denom must cover the user's restaked amount after
/// the delegation. Fails closed: an error reading anything denies the delegation (Q9).
pub fn check_restake(ctx: &mut Ctx<'_>, delegator: &Address, amount: &Coins) -> Result<()> {
    let locked = only_locked(amount)?;
    if locked.is_empty() {
        return Ok(());
    }
    let percentage = params(ctx.state())?.insurance_percentage;
    let active = restaked_locked(ctx.state(), delegator)?;
    for c in locked.iter() {
        let underlying = underlying_denom(&c.denom)?;
        let after = active
            .amount_of(&c.denom)
            .checked_add(c.amount)
            .ok_or(MathError::Overflow)?;
        let need = required(percentage, after)?;
        let entry = fund_entry(ctx.state(), delegator, underlying)?;
        let held = entry.as_ref().map_or(0, |e| e.balance);
        if held < need {
            return Err(LiquidVestingError::InsufficientInsuranceFund(format!(
                "restaking {after}{} needs {need}{underlying} ({percentage}%) but the fund of {delegator} \
                 holds {held}{underlying}",
                c.denom
            ))
            .into());
        }
        if let Some(mut e) = entry {
            e.checked_percentage = percentage;
            ctx.set(state_key::fund(delegator, underlying), &e)?;
        }
    }
    Ok(())
}

/// Whether `addr` is the custody account of a pool, operator or service that was ever created. An
/// account that has signed a transaction has a key and so is not one (custody accounts are hashes with
/// no key); otherwise every issued id is checked, deterministically.
pub fn is_custody(state: &dyn StateRead, addr: &Address) -> Result<bool> {
    if auth::account(state, addr)?.is_some_and(|a| a.pub_key.is_some()) {
        return Ok(false);
    }
    let found = (1..pools::next_pool_id(state)?.0)
        .map(|i| TargetRef::pool(PoolId(i)))
        .chain(
            (1..operators::next_operator_id(state)?.0).map(|i| TargetRef::operator(OperatorId(i))),
        )
        .chain((1..services::next_service_id(state)?.0).map(|i| TargetRef::service(ServiceId(i))))
        .any(|t| t.custody_address() == *addr);
    Ok(found)
}

/// The bank send restriction (spec §9.5) for `MsgSend`: nothing moves between two custody accounts,
/// locked coins move only between an account and a custody account, and the insurance account takes no
/// plain sends (deposits go through [`handle_deposit`], which records them).
pub fn check_send(
    state: &dyn StateRead,
    from: &Address,
    to: &Address,
    amount: &Coins,
) -> Result<()> {
    let from_custody = is_custody(state, from)?;
    let to_custody = if from_custody || amount.iter().any(|c| is_locked_denom(&c.denom)) {
        is_custody(state, to)?
    } else {
        false
    };
    if from_custody && to_custody {
        return Err(LiquidVestingError::TransferBetweenTargetsNotAllowed(
            from.to_string(),
            to.to_string(),
        )
        .into());
    }
    if !from_custody
        && !to_custody
        && let Some(c) = amount.iter().find(|c| is_locked_denom(&c.denom))
    {
        return Err(
            LiquidVestingError::LockedRepresentationCannotBeTransferred(c.denom.clone()).into(),
        );
    }
    Ok(())
}

/// Executes `MsgMintLockedRepresentation` (minters only): mints `locked/{denom}` per coin to the receiver.
pub fn handle_mint(ctx: &mut Ctx<'_>, msg: &MsgMintLockedRepresentation) -> Result<()> {
    if !params(ctx.state())?.minters.contains(&msg.sender) {
        return Err(LiquidVestingError::NotMinter(msg.sender.to_string()).into());
    }
    if msg.receiver == insurance_address()
        || msg.receiver == crate::rewards::rewards_pool()
        || is_custody(ctx.state(), &msg.receiver)?
    {
        return Err(Error::Unauthorized(format!(
            "{} is a module account; locked representations are minted to users only",
            msg.receiver
        )));
    }
    let locked = Coins::new(
        msg.amount
            .iter()
            .map(|c| Ok(Coin::new(locked_denom(&c.denom)?, c.amount)))
            .collect::<Result<Vec<_>>>()?,
    )?;
    if locked.is_empty() {
        return Err(LiquidVestingError::InvalidAmount("nothing to mint".into()).into());
    }
    bank::mint(ctx, &msg.receiver, &locked)?;
    ctx.emit(
        Event::new("mint_locked_representation")
            .attr("sender", msg.sender)
            .attr("amount", &locked)
            .attr("receiver", msg.receiver),
    );
    Ok(())
}

/// Executes `MsgBurnLockedRepresentation` (burners only): burns what the user holds liquid now and
/// force-unbonds the rest, queueing its burn for when the unbonding completes.
pub fn handle_burn(ctx: &mut Ctx<'_>, msg: &MsgBurnLockedRepresentation) -> Result<()> {
    if !params(ctx.state())?.burners.contains(&msg.sender) {
        return Err(LiquidVestingError::NotBurner(msg.sender.to_string()).into());
    }
    let mut liquid = Vec::new();
    let mut rest = Vec::new();
    for c in msg.amount.iter() {
        underlying_denom(&c.denom)?;
        let held = bank::balance(ctx.state(), &msg.user, &c.denom)?;
        let now = held.min(c.amount);
        liquid.push(Coin::new(c.denom.clone(), now));
        rest.push(Coin::new(
            c.denom.clone(),
            c.amount.checked_sub(now).ok_or(MathError::Negative)?,
        ));
    }
    let liquid = Coins::new(liquid)?;
    let rest = Coins::new(rest)?;
    bank::burn(ctx, &msg.user, &liquid)?;
    if !rest.is_empty() {
        force_unbond(ctx, &msg.user, &rest)?;
    }
    ctx.emit(
        Event::new("burn_locked_representation")
            .attr("sender", msg.sender)
            .attr("amount", &msg.amount)
            .attr("user", msg.user),
    );
    Ok(())
}

/// Forced unbonding (spec §5.7 with Q21 fixed): walks the user's pool, service and operator delegations
/// in that order, unbonding from each what it holds of the denoms still owed, skipping delegations
/// without them; each unbonded amount is queued for burning at its completion time. Not finding all of
/// `amount` restaked is an error (and the message reverts).
fn force_unbond(ctx: &mut Ctx<'_>, user: &Address, amount: &Coins) -> Result<()> {
    let mut remaining = amount.clone();
    for kind in [
        DelegationKind::Pool,
        DelegationKind::Service,
        DelegationKind::Operator,
    ] {
        for d in restaking::delegations_of_kind(ctx.state(), user, kind)? {
            if remaining.is_empty() {
                return Ok(());
            }
            let target = d.target();
            let value = restaking::delegation_response(ctx.state(), d)?.balance;
            let take = Coins::new(
                remaining
                    .iter()
                    .map(|c| Coin::new(c.denom.clone(), c.amount.min(value.amount_of(&c.denom))))
                    .collect(),
            )?;
            if take.is_empty() {
                continue;
            }
            let (completion, payout) =
                restaking::undelegate(ctx, target, user, &take, restaking::Unbond::Forced)?;
            let burned = Coins::new(
                payout
                    .iter()
                    .map(|c| {
                        Coin::new(c.denom.clone(), c.amount.min(remaining.amount_of(&c.denom)))
                    })
                    .collect(),
            )?;
            remaining = remaining.checked_sub(&burned)?;
            queue_burn(ctx, completion, user, &burned)?;
        }
    }
    if !remaining.is_empty() {
        return Err(LiquidVestingError::InvalidAmount(format!(
            "{user} has not restaked {remaining} beyond its liquid balance; burn at most what it holds \
             liquid plus restaked"
        ))
        .into());
    }
    Ok(())
}

fn queue_burn(ctx: &mut Ctx<'_>, at: Timestamp, user: &Address, amount: &Coins) -> Result<()> {
    if amount.is_empty() {
        return Ok(());
    }
    let key = state_key::burn(at, user);
    let queued: Coins = store::get(ctx.state(), &key)?.unwrap_or_default();
    ctx.set(key, &queued.checked_add(amount)?)
}

/// Burns every queued amount due by now, from the user's balance (after restaking's end block returned
/// the unbonded tokens). At most what the user holds is burned, so a slashed entry never halts a block.
pub fn end_block(ctx: &mut Ctx<'_>) -> Result<()> {
    let start = state_key::burn_queue_prefix();
    let due = ctx.state().range(
        &start,
        Some(&state_key::burn_queue_end(ctx.block.time)),
        None,
    )?;
    for (key, value) in due {
        ctx.delete(&key)?;
        let entry = burn_entry(
            key.get(start.len()..).unwrap_or_default(),
            store::decode(&value)?,
        )?;
        let mut burn = Vec::new();
        for c in entry.amount.iter() {
            let held = bank::balance(ctx.state(), &entry.user, &c.denom)?;
            burn.push(Coin::new(c.denom.clone(), held.min(c.amount)));
        }
        let burn = Coins::new(burn)?;
        bank::burn(ctx, &entry.user, &burn)?;
        ctx.emit(
            Event::new("burn_locked_representation")
                .attr("amount", &burn)
                .attr("user", entry.user),
        );
    }
    Ok(())
}

/// Rejects amounts holding locked representations: funds are kept in underlying denoms.
fn require_underlying(amount: &Coins) -> Result<()> {
    match amount.iter().find(|c| is_locked_denom(&c.denom)) {
        Some(c) => Err(LiquidVestingError::InvalidDenom(format!(
            "{} is a locked representation; insurance funds hold underlying denoms",
            c.denom
        ))
        .into()),
        None => Ok(()),
    }
}

/// Executes `MsgDepositInsuranceFund`: moves the coins to the insurance account and credits the
/// depositor's fund. A new entry is checked against the current percentage; an existing one keeps its
/// own (a deposit only improves coverage).
pub fn handle_deposit(ctx: &mut Ctx<'_>, msg: &MsgDepositInsuranceFund) -> Result<()> {
    require_underlying(&msg.amount)?;
    let percentage = params(ctx.state())?.insurance_percentage;
    bank::send(ctx, &msg.depositor, &insurance_address(), &msg.amount)?;
    for c in msg.amount.iter() {
        let mut e = fund_entry(ctx.state(), &msg.depositor, &c.denom)?.unwrap_or(FundEntry {
            balance: 0,
            checked_percentage: percentage,
        });
        e.balance = e.balance.checked_add(c.amount).ok_or(MathError::Overflow)?;
        ctx.set(state_key::fund(&msg.depositor, &c.denom), &e)?;
    }
    ctx.emit(
        Event::new("deposit_to_user_insurance_fund")
            .attr("user", msg.depositor)
            .attr("amount", &msg.amount),
    );
    Ok(())
}

/// Executes `MsgWithdrawInsuranceFund`: refused if the fund holds less, or if what remains would not
/// cover the sender's restaked locked tokens at the current percentage (any read error refuses).
pub fn handle_withdraw(ctx: &mut Ctx<'_>, msg: &MsgWithdrawInsuranceFund) -> Result<()> {
    require_underlying(&msg.amount)?;
    let percentage = params(ctx.state())?.insurance_percentage;
    let active = restaked_locked(ctx.state(), &msg.sender)?;
    for c in msg.amount.iter() {
        let Some(mut e) = fund_entry(ctx.state(), &msg.sender, &c.denom)? else {
            return Err(LiquidVestingError::InsufficientBalance(format!(
                "{} has no insurance fund in {}",
                msg.sender, c.denom
            ))
            .into());
        };
        let left = e.balance.checked_sub(c.amount).ok_or_else(|| {
            LiquidVestingError::InsufficientBalance(format!(
                "the insurance fund of {} holds {}{} , less than {c}",
                msg.sender, e.balance, c.denom
            ))
        })?;
        let restaked = active.amount_of(&locked_denom(&c.denom)?);
        let need = required(percentage, restaked)?;
        if left < need {
            return Err(LiquidVestingError::InsufficientInsuranceFund(format!(
                "withdrawing {c} would leave {left}{} but {restaked} restaked locked/{} needs {need}{} \
                 ({percentage}%)",
                c.denom, c.denom, c.denom
            ))
            .into());
        }
        let key = state_key::fund(&msg.sender, &c.denom);
        if left == 0 {
            ctx.delete(&key)?;
        } else {
            e.balance = left;
            e.checked_percentage = percentage;
            ctx.set(key, &e)?;
        }
    }
    bank::send(ctx, &insurance_address(), &msg.sender, &msg.amount)?;
    ctx.emit(
        Event::new("withdraw_insurance_fund")
            .attr("sender", msg.sender)
            .attr("amount", &msg.amount),
    );
    Ok(())
}

/// Executes `MsgUpdateLiquidVestingParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateLiquidVestingParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    msg.params.validate()?;
    ctx.set(state_key::params(), &msg.params)?;
    ctx.emit(
        Event::new("update_params")
            .attr("module", "liquidvesting")
            .attr("insurance_percentage", msg.params.insurance_percentage),
    );
    Ok(())
}
