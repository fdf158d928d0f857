//! Key schema of the asset registry.
//! `[ASSETS, 0x01]` params; `[ASSETS, 0x11, denom]` → Asset; `[ASSETS, 0x12, len(ticker), ticker, denom]`
//! → () ticker index; `[ASSETS, 0x13, ticker]` → Price.

use crate::store::{key, module_prefix::ASSETS};

const PARAMS: u8 = 0x01;
const ASSET: u8 = 0x11;
const TICKER_INDEX: u8 = 0x12;
const PRICE: u8 = 0x13;

pub fn params() -> Vec<u8> {
    vec![ASSETS, PARAMS]
}

pub fn assets_prefix() -> Vec<u8> {
    vec![ASSETS, ASSET]
}

pub fn asset(denom: &str) -> Vec<u8> {
    key(&[&[ASSETS, ASSET], denom.as_bytes()])
}

/// Tickers are at most 10 bytes, so one length byte keeps `(ticker, denom)` pairs unambiguous.
pub fn ticker_prefix(ticker: &str) -> Vec<u8> {
    let len = u8::try_from(ticker.len()).unwrap_or(u8::MAX);
    key(&[&[ASSETS, TICKER_INDEX, len], ticker.as_bytes()])
}

pub fn ticker_index(ticker: &str, denom: &str) -> Vec<u8> {
    key(&[&ticker_prefix(ticker), denom.as_bytes()])
}

pub fn prices_prefix() -> Vec<u8> {
    vec![ASSETS, PRICE]
}

pub fn price(ticker: &str) -> Vec<u8> {
    key(&[&[ASSETS, PRICE], ticker.as_bytes()])
}
