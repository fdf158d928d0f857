//! Key schema of accounts: `[AUTH, 0x01]` next account number; `[AUTH, 0x02, address]` → Account.

use crate::store::{key, module_prefix::AUTH};
use phalanx_types::Address;

pub fn next_number() -> Vec<u8> {
    vec![AUTH, 0x01]
}

pub fn accounts_prefix() -> Vec<u8> {
    vec![AUTH, 0x02]
}

pub fn account(addr: &Address) -> Vec<u8> {
    key(&[&[AUTH, 0x02], addr.as_bytes()])
}
