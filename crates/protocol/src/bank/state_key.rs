//! Key schema of the bank: `[BANK, 0x01, address(20), denom]` → u128 balance; `[BANK, 0x02, denom]` → supply.

use crate::store::{key, module_prefix::BANK};
use phalanx_types::Address;

const BALANCE: u8 = 0x01;
const SUPPLY: u8 = 0x02;

pub fn balances_prefix() -> Vec<u8> {
    vec![BANK, BALANCE]
}

pub fn balances_of(addr: &Address) -> Vec<u8> {
    key(&[&[BANK, BALANCE], addr.as_bytes()])
}

pub fn balance(addr: &Address, denom: &str) -> Vec<u8> {
    key(&[&[BANK, BALANCE], addr.as_bytes(), denom.as_bytes()])
}

pub fn supply_prefix() -> Vec<u8> {
    vec![BANK, SUPPLY]
}

pub fn supply(denom: &str) -> Vec<u8> {
    key(&[&[BANK, SUPPLY], denom.as_bytes()])
}
