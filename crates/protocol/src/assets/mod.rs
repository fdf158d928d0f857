//! The asset registry (denom → ticker and decimals) and USD prices posted by the authority.
//!
//! A price is ignored once it is older than `max_price_age` by block time, so stale data never values
//! stake: an asset without a fresh price is worth zero for the restaking cap and for reward splits.

mod state_key;

use crate::context::Ctx;
use crate::store::{self, PageRequest, PageResponse};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{AssetsError, Result};
use phalanx_types::msgs::{
    Asset, AssetsParams, MsgDeregisterAsset, MsgPostPrice, MsgRegisterAsset, MsgUpdateAssetsParams,
};
use phalanx_types::{Coin, Coins, Dec, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

/// A USD price for one whole token of a ticker, as posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Price {
    /// The ticker priced.
    pub ticker: String,
    /// USD per whole token.
    pub price: Dec,
    /// When the price was observed.
    pub time: Timestamp,
}

/// Current params.
pub fn params(state: &dyn StateRead) -> Result<AssetsParams> {
    Ok(store::get(state, &state_key::params())?.unwrap_or_default())
}

/// The asset registered for `denom`.
pub fn asset(state: &dyn StateRead, denom: &str) -> Result<Option<Asset>> {
    store::get(state, &state_key::asset(denom))
}

/// One page of assets in denom order, optionally only those of one ticker.
pub fn assets(
    state: &dyn StateRead,
    ticker: Option<&str>,
    page: &PageRequest,
) -> Result<(Vec<Asset>, PageResponse)> {
    match ticker {
        None => {
            let (rows, next) = store::paginate::<Asset>(state, &state_key::assets_prefix(), page)?;
            Ok((rows.into_iter().map(|(_, a)| a).collect(), next))
        }
        Some(t) => {
            let (rows, next) = store::paginate::<()>(state, &state_key::ticker_prefix(t), page)?;
            let mut out = Vec::with_capacity(rows.len());
            for (denom_bytes, ()) in rows {
                let denom = String::from_utf8(denom_bytes)
                    .map_err(|_| Error::State("non-UTF-8 denom in ticker index".into()))?;
                if let Some(a) = asset(state, &denom)? {
                    out.push(a);
                }
            }
            Ok((out, next))
        }
    }
}

/// The last posted price of a ticker, fresh or not.
pub fn price(state: &dyn StateRead, ticker: &str) -> Result<Option<Price>> {
    store::get(state, &state_key::price(ticker))
}

/// Every posted price, in ticker order.
pub fn prices(state: &dyn StateRead) -> Result<Vec<Price>> {
    store::values(state, &state_key::prices_prefix())
}

/// The USD price of one whole token of `denom` at `now`, or zero when the asset is unknown, unpriced or
/// its price is older than `max_price_age`.
pub fn fresh_price(state: &dyn StateRead, denom: &str, now: Timestamp) -> Result<(Dec, u32)> {
    let Some(asset) = asset(state, denom)? else {
        return Ok((Dec::ZERO, 0));
    };
    let Some(p) = price(state, &asset.ticker)? else {
        return Ok((Dec::ZERO, asset.exponent));
    };
    if now.since(p.time) > params(state)?.max_price_age {
        return Ok((Dec::ZERO, asset.exponent));
    }
    Ok((p.price, asset.exponent))
}

/// USD value of a coin: `price × amount ÷ 10^exponent`, truncated at 18 decimals (never overstates).
/// The power of ten is an exact integer (the exponent is at most 18), fixing Q17.
pub fn usd_value(state: &dyn StateRead, coin: &Coin, now: Timestamp) -> Result<Dec> {
    let (price, exponent) = fresh_price(state, &coin.denom, now)?;
    value_at(price, exponent, coin.amount)
}

/// USD value of a coin at the last price posted for it, however old (zero if none ever was). For
/// limits such as the restaking cap: a price feed that stops must not make stake count as worth
/// nothing, and an old price is a better estimate than none.
pub fn usd_value_at_last_price(state: &dyn StateRead, coin: &Coin) -> Result<Dec> {
    let Some(asset) = asset(state, &coin.denom)? else {
        return Ok(Dec::ZERO);
    };
    let price = price(state, &asset.ticker)?.map_or(Dec::ZERO, |p| p.price);
    value_at(price, asset.exponent, coin.amount)
}

/// `price × amount ÷ 10^exponent`, truncated.
fn value_at(price: Dec, exponent: u32, amount: u128) -> Result<Dec> {
    if price.is_zero() || amount == 0 {
        return Ok(Dec::ZERO);
    }
    let scale = 10u128
        .checked_pow(exponent)
        .ok_or(AssetsError::InvalidExponent(exponent))?;
    Ok(price.mul_int(amount)?.quo_int(scale)?)
}

/// USD value of a set of coins.
pub fn usd_value_of_coins(state: &dyn StateRead, coins: &Coins, now: Timestamp) -> Result<Dec> {
    coins.iter().try_fold(Dec::ZERO, |acc, c| {
        Ok(acc.checked_add(usd_value(state, c, now)?)?)
    })
}

/// Stores an asset and its ticker index entry, removing the index entry of a previous ticker (Q18).
fn put_asset(ctx: &mut Ctx<'_>, asset: &Asset) -> Result<()> {
    if let Some(old) = self::asset(ctx.state(), &asset.denom)? {
        ctx.delete(&state_key::ticker_index(&old.ticker, &old.denom))?;
    }
    ctx.set(state_key::asset(&asset.denom), asset)?;
    ctx.set(state_key::ticker_index(&asset.ticker, &asset.denom), &())
}

/// Executes `MsgRegisterAsset`: insert or replace (authority only).
pub fn handle_register_asset(ctx: &mut Ctx<'_>, msg: &MsgRegisterAsset) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    msg.asset.validate()?;
    put_asset(ctx, &msg.asset)?;
    ctx.emit(
        Event::new("register_asset")
            .attr("denom", &msg.asset.denom)
            .attr("ticker", &msg.asset.ticker)
            .attr("exponent", msg.asset.exponent),
    );
    Ok(())
}

/// Executes `MsgDeregisterAsset` (authority only); the asset must exist.
pub fn handle_deregister_asset(ctx: &mut Ctx<'_>, msg: &MsgDeregisterAsset) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    let asset = asset(ctx.state(), &msg.denom)?
        .ok_or_else(|| AssetsError::AssetNotFound(msg.denom.clone()))?;
    ctx.delete(&state_key::asset(&asset.denom))?;
    ctx.delete(&state_key::ticker_index(&asset.ticker, &asset.denom))?;
    ctx.emit(Event::new("deregister_asset").attr("denom", &msg.denom));
    Ok(())
}

/// Executes `MsgPostPrice` (authority only). A price may not come from the future of the block, and a
/// price older than the stored one is refused, so a delayed message cannot roll a price back.
pub fn handle_post_price(ctx: &mut Ctx<'_>, msg: &MsgPostPrice) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    if msg.time > ctx.block.time {
        return Err(AssetsError::PriceFromFuture(msg.time.to_string()).into());
    }
    if let Some(old) = price(ctx.state(), &msg.ticker)?
        && old.time > msg.time
    {
        return Err(AssetsError::InvalidPrice(format!(
            "a newer price for {} (observed {}) is already stored",
            msg.ticker, old.time
        ))
        .into());
    }
    let p = Price {
        ticker: msg.ticker.clone(),
        price: msg.price,
        time: msg.time,
    };
    ctx.set(state_key::price(&msg.ticker), &p)?;
    ctx.emit(
        Event::new("post_price")
            .attr("ticker", &msg.ticker)
            .attr("price", msg.price)
            .attr("time", msg.time),
    );
    Ok(())
}

/// Executes `MsgUpdateAssetsParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateAssetsParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    msg.params.validate()?;
    ctx.set(state_key::params(), &msg.params)?;
    ctx.emit(Event::new("update_params").attr("module", "assets"));
    Ok(())
}

/// Assets genesis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetsGenesis {
    /// Params.
    pub params: AssetsParams,
    /// Registered assets, sorted by denom.
    pub assets: Vec<Asset>,
    /// Last posted prices, sorted by ticker.
    pub prices: Vec<Price>,
}

/// Validates and writes assets genesis.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &AssetsGenesis) -> Result<()> {
    g.params.validate()?;
    crate::genesis_util::require_sorted_unique(&g.assets, |a| a.denom.clone(), "assets")?;
    crate::genesis_util::require_sorted_unique(&g.prices, |p| p.ticker.clone(), "prices")?;
    ctx.set(state_key::params(), &g.params)?;
    for a in &g.assets {
        a.validate()?;
        put_asset(ctx, a)?;
    }
    for p in &g.prices {
        phalanx_types::msgs::validate_ticker(&p.ticker)?;
        if p.price.is_zero() {
            return Err(Error::InvalidGenesis(format!(
                "price of {} is zero",
                p.ticker
            )));
        }
        if p.time > ctx.block.time {
            return Err(Error::InvalidGenesis(format!(
                "price of {} was observed at {}, after genesis time {}",
                p.ticker, p.time, ctx.block.time
            )));
        }
        ctx.set(state_key::price(&p.ticker), p)?;
    }
    Ok(())
}

/// Reads assets genesis back out.
pub fn export_genesis(state: &dyn StateRead) -> Result<AssetsGenesis> {
    Ok(AssetsGenesis {
        params: params(state)?,
        assets: store::values(state, &state_key::assets_prefix())?,
        prices: prices(state)?,
    })
}
