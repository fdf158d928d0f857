//! Balances, transfers, mint and burn, and total supply per denom.
//!
//! Supply changes only through [`mint`] and [`burn`]; [`send`] moves balances and keeps supply fixed. This
//! is what lets the conservation invariant (Σ balances == supply, per denom) hold by construction.

mod state_key;

use crate::context::Ctx;
use crate::store;
use borsh::BorshDeserialize;
use phalanx_state::StateRead;
use phalanx_types::error::{BankError, Result};
use phalanx_types::msgs::MsgSend;
use phalanx_types::{Address, Coin, Coins, Error, Event, MathError};
use serde::{Deserialize, Serialize};

/// The account that receives registration fees; governance of it comes later.
pub fn community_pool() -> Address {
    Address::module("community_pool")
}

/// The state key of `addr`'s balance of `denom`, for code that watches which keys a block wrote
/// (see [`crate::auth::account_key`]).
pub fn balance_key(addr: &Address, denom: &str) -> Vec<u8> {
    state_key::balance(addr, denom)
}

/// The balance of one denom.
pub fn balance(state: &dyn StateRead, addr: &Address, denom: &str) -> Result<u128> {
    Ok(store::get(state, &state_key::balance(addr, denom))?.unwrap_or(0))
}

/// All balances of an account.
pub fn balances(state: &dyn StateRead, addr: &Address) -> Result<Coins> {
    let prefix = state_key::balances_of(addr);
    let coins = state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            let denom = denom_from_key(&k, prefix.len())?;
            Ok(Coin::new(denom, store::decode::<u128>(&v)?))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Coins::new(coins)?)
}

/// One page of an account's balances, by denom: a bounded range read however many denoms the account
/// holds (anyone can send it new ones).
pub fn balances_page(
    state: &dyn StateRead,
    addr: &Address,
    page: &store::PageRequest,
) -> Result<(Vec<Coin>, store::PageResponse)> {
    coins_page(state, &state_key::balances_of(addr), page)
}

/// One page of the total supply, by denom (a bounded range read).
pub fn supply_page(
    state: &dyn StateRead,
    page: &store::PageRequest,
) -> Result<(Vec<Coin>, store::PageResponse)> {
    coins_page(state, &state_key::supply_prefix(), page)
}

/// One page of `denom → amount` entries under `prefix`; page keys are the denoms.
fn coins_page(
    state: &dyn StateRead,
    prefix: &[u8],
    page: &store::PageRequest,
) -> Result<(Vec<Coin>, store::PageResponse)> {
    let (rows, next) = store::paginate::<u128>(state, prefix, page)?;
    let coins = rows
        .into_iter()
        .map(|(denom, amount)| Ok(Coin::new(denom_from_key(&denom, 0)?, amount)))
        .collect::<Result<Vec<_>>>()?;
    Ok((coins, next))
}

/// Total supply of one denom.
pub fn supply(state: &dyn StateRead, denom: &str) -> Result<u128> {
    Ok(store::get(state, &state_key::supply(denom))?.unwrap_or(0))
}

/// Total supply of every denom.
pub fn total_supply(state: &dyn StateRead) -> Result<Coins> {
    let prefix = state_key::supply_prefix();
    let coins = state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            let denom = denom_from_key(&k, prefix.len())?;
            Ok(Coin::new(denom, store::decode::<u128>(&v)?))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Coins::new(coins)?)
}

/// Every account balance, in (address, denom) order; for genesis export and invariant checks.
pub fn all_balances(state: &dyn StateRead) -> Result<Vec<Balance>> {
    let prefix = state_key::balances_prefix();
    let mut out: Vec<Balance> = Vec::new();
    for (k, v) in state.prefix(&prefix)? {
        let addr_bytes = k
            .get(prefix.len()..prefix.len().saturating_add(20))
            .ok_or_else(|| Error::State("malformed balance key".into()))?;
        let address = Address(
            addr_bytes
                .try_into()
                .map_err(|_| Error::State("malformed balance key".into()))?,
        );
        let denom = denom_from_key(&k, prefix.len().saturating_add(20))?;
        let coin = Coin::new(denom, store::decode::<u128>(&v)?);
        match out.last_mut() {
            Some(last) if last.address == address => last.coins = last.coins.add_coin(&coin)?,
            _ => out.push(Balance {
                address,
                coins: Coins::new(vec![coin])?,
            }),
        }
    }
    Ok(out)
}

fn denom_from_key(key: &[u8], at: usize) -> Result<String> {
    let bytes = key
        .get(at..)
        .ok_or_else(|| Error::State("malformed bank key".into()))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::State("non-UTF-8 denom in key".into()))
}

fn set_balance(ctx: &mut Ctx<'_>, addr: &Address, denom: &str, amount: u128) -> Result<()> {
    let key = state_key::balance(addr, denom);
    if amount == 0 {
        ctx.delete(&key)
    } else {
        ctx.set(key, &amount)
    }
}

fn set_supply(ctx: &mut Ctx<'_>, denom: &str, amount: u128) -> Result<()> {
    let key = state_key::supply(denom);
    if amount == 0 {
        ctx.delete(&key)
    } else {
        ctx.set(key, &amount)
    }
}

/// Checks that `addr` holds all of `amount`, with an error that names what is missing.
fn require_funds(ctx: &Ctx<'_>, addr: &Address, amount: &Coins) -> Result<()> {
    for coin in amount.iter() {
        let held = balance(ctx.state(), addr, &coin.denom)?;
        if held < coin.amount {
            return Err(BankError::InsufficientFunds(
                addr.to_string(),
                amount.to_string(),
                Coin::new(coin.denom.clone(), held).to_string(),
            )
            .into());
        }
    }
    Ok(())
}

fn debit(ctx: &mut Ctx<'_>, addr: &Address, amount: &Coins) -> Result<()> {
    require_funds(ctx, addr, amount)?;
    for coin in amount.iter() {
        let held = balance(ctx.state(), addr, &coin.denom)?;
        let rest = held.checked_sub(coin.amount).ok_or(MathError::Negative)?;
        set_balance(ctx, addr, &coin.denom, rest)?;
    }
    Ok(())
}

fn credit(ctx: &mut Ctx<'_>, addr: &Address, amount: &Coins) -> Result<()> {
    crate::auth::ensure_account(ctx, addr)?;
    for coin in amount.iter() {
        let held = balance(ctx.state(), addr, &coin.denom)?;
        let total = held.checked_add(coin.amount).ok_or(MathError::Overflow)?;
        set_balance(ctx, addr, &coin.denom, total)?;
    }
    Ok(())
}

/// Moves `amount` from `from` to `to`; fails without effect if `from` lacks any coin.
pub fn send(ctx: &mut Ctx<'_>, from: &Address, to: &Address, amount: &Coins) -> Result<()> {
    if amount.is_empty() {
        return Ok(());
    }
    debit(ctx, from, amount)?;
    credit(ctx, to, amount)?;
    ctx.emit(
        Event::new("transfer")
            .attr("sender", from)
            .attr("recipient", to)
            .attr("amount", amount),
    );
    Ok(())
}

/// Creates `amount` in `to`, raising supply; overflow of supply is an error.
pub fn mint(ctx: &mut Ctx<'_>, to: &Address, amount: &Coins) -> Result<()> {
    for coin in amount.iter() {
        let total = supply(ctx.state(), &coin.denom)?
            .checked_add(coin.amount)
            .ok_or_else(|| BankError::SupplyOverflow(coin.denom.clone()))?;
        set_supply(ctx, &coin.denom, total)?;
    }
    credit(ctx, to, amount)?;
    ctx.emit(
        Event::new("mint")
            .attr("recipient", to)
            .attr("amount", amount),
    );
    Ok(())
}

/// Destroys `amount` held by `from`, lowering supply.
pub fn burn(ctx: &mut Ctx<'_>, from: &Address, amount: &Coins) -> Result<()> {
    if amount.is_empty() {
        return Ok(());
    }
    debit(ctx, from, amount)?;
    for coin in amount.iter() {
        let total = supply(ctx.state(), &coin.denom)?
            .checked_sub(coin.amount)
            .ok_or(MathError::Negative)?;
        set_supply(ctx, &coin.denom, total)?;
    }
    ctx.emit(
        Event::new("burn")
            .attr("burner", from)
            .attr("amount", amount),
    );
    Ok(())
}

/// Refuses an account a user names to receive tokens (a send, a mint, a withdraw address, a slash
/// recipient, a new admin who is paid refunds and commission) when module accounting must match its
/// balance exactly: the rewards pool holds exactly what is owed to delegators
/// (`invariants::rewards_are_backed`) and the insurance account exactly the insurance funds
/// (`invariants::liquidvesting_funds_are_backed`). A unit arriving there from outside would belong to
/// nobody, could never leave, and would make an exported genesis fail its import checks.
pub fn check_recipient(to: &Address) -> Result<()> {
    let refusal = if *to == crate::rewards::rewards_pool() {
        "is the rewards pool, which holds exactly what delegators are owed; fund a rewards plan instead"
    } else if *to == crate::liquidvesting::insurance_address() {
        "holds the liquid-vesting insurance funds; use deposit-insurance-fund instead"
    } else {
        return Ok(());
    };
    Err(Error::Unauthorized(format!(
        "{to} {refusal}: it cannot be chosen to receive tokens"
    )))
}

/// Executes `MsgSend`; [`check_recipient`] says which accounts cannot receive.
pub fn handle_send(ctx: &mut Ctx<'_>, msg: &MsgSend) -> Result<()> {
    check_recipient(&msg.to_address)?;
    crate::liquidvesting::check_send(ctx.state(), &msg.from_address, &msg.to_address, &msg.amount)?;
    send(ctx, &msg.from_address, &msg.to_address, &msg.amount)
}

/// One account's balances in genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshDeserialize)]
pub struct Balance {
    /// The account.
    pub address: Address,
    /// Its coins.
    pub coins: Coins,
}

/// Bank genesis: balances only; supply is derived from them so the two can never disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankGenesis {
    /// Balances, one entry per account, sorted by address.
    pub balances: Vec<Balance>,
}

/// Writes genesis balances and the supply they imply.
pub fn init_genesis(ctx: &mut Ctx<'_>, genesis: &BankGenesis) -> Result<()> {
    crate::genesis_util::require_sorted_unique(&genesis.balances, |b| b.address, "bank balances")?;
    for b in &genesis.balances {
        mint(ctx, &b.address, &b.coins)?;
    }
    ctx.take_events();
    Ok(())
}

/// Reads balances back out.
pub fn export_genesis(state: &dyn StateRead) -> Result<BankGenesis> {
    Ok(BankGenesis {
        balances: all_balances(state)?,
    })
}
