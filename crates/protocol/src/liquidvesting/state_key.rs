//! Key schema of liquid vesting. Addresses are fixed 20 bytes, so a denom or address last needs no
//! length prefix; times are big-endian nanoseconds so the burn queue is ordered by completion.
//!
//! | key | value |
//! |---|---|
//! | `0x01` | params |
//! | `0x10 ‖ user ‖ denom` | `FundEntry`: the user's insurance fund in one underlying denom |
//! | `0x20 ‖ time ‖ user` | `Coins`: locked tokens to burn from `user` once their unbonding completes |

use crate::store::{key, module_prefix::LIQUIDVESTING};
use phalanx_types::{Address, Timestamp};

const PARAMS: u8 = 0x01;
const FUNDS: u8 = 0x10;
const BURN_QUEUE: u8 = 0x20;

pub fn params() -> Vec<u8> {
    vec![LIQUIDVESTING, PARAMS]
}

pub fn funds_prefix() -> Vec<u8> {
    vec![LIQUIDVESTING, FUNDS]
}

pub fn user_funds_prefix(user: &Address) -> Vec<u8> {
    key(&[&funds_prefix(), user.as_bytes()])
}

pub fn fund(user: &Address, denom: &str) -> Vec<u8> {
    key(&[&user_funds_prefix(user), denom.as_bytes()])
}

pub fn burn_queue_prefix() -> Vec<u8> {
    vec![LIQUIDVESTING, BURN_QUEUE]
}

pub fn burn(at: Timestamp, user: &Address) -> Vec<u8> {
    key(&[&burn_queue_prefix(), &at.0.to_be_bytes(), user.as_bytes()])
}

/// First key after every burn due at or before `now`.
pub fn burn_queue_end(now: Timestamp) -> Vec<u8> {
    key(&[&burn_queue_prefix(), &now.0.saturating_add(1).to_be_bytes()])
}
