//! Key schema of rewards. Targets are `kind ‖ id` (1 + 4 bytes), addresses fixed 20 bytes, ids and
//! periods fixed-width big-endian, so composite keys need no separators and iterate in order.
//!
//! | key | value |
//! |---|---|
//! | `0x01` | params |
//! | `0x02` | next plan id (u64) |
//! | `0x03` | time of the last allocation |
//! | `0x04 ‖ plan` | `RewardsPlan` |
//! | `0x05 ‖ address` | withdraw address |
//! | `0x06 ‖ start_time ‖ plan` | () plans by start time: begin-block allocates only started ones |
//! | `0x07 ‖ end_time ‖ plan` | () plans by end time: begin-block ends only due ones |
//! | `0x08` | () the two plan indexes exist (a store written before them gets them once) |
//!
//! `0x10` held each delegation's `StartingInfo` until it moved into the delegation's own record (see
//! `restaking::DelegationEntry`); the byte stays unused so old keys cannot be misread.
//! | `0x11 ‖ target ‖ period` | `HistoricalRewards` |
//! | `0x12 ‖ target` | `CurrentRewards` |
//! | `0x13 ‖ target` | outstanding rewards (`DecPools`) |
//! | `0x15 ‖ operator` | accumulated commission (`DecPools`) |
//! | `0x16 ‖ address` | sub-unit rewards owed to an address (`DecCoins`) |
//! | `0x17` | sub-unit remainders nobody can claim (`DecCoins`) |
//! | `0x18 ‖ target ‖ tranche ‖ period` | `SlashEvent`: a slash right after `period` ended |

use crate::restaking::TargetRef;
use crate::store::{key, module_prefix::REWARDS};
use phalanx_types::{Address, OperatorId, Timestamp};

pub const PARAMS: u8 = 0x01;
pub const NEXT_PLAN_ID: u8 = 0x02;
pub const LAST_ALLOCATION: u8 = 0x03;
pub const PLAN: u8 = 0x04;
pub const WITHDRAW_ADDRESS: u8 = 0x05;
pub const PLAN_BY_START: u8 = 0x06;
pub const PLAN_BY_END: u8 = 0x07;
pub const PLANS_INDEXED: u8 = 0x08;
pub const HISTORICAL: u8 = 0x11;
pub const CURRENT: u8 = 0x12;
pub const OUTSTANDING: u8 = 0x13;
pub const COMMISSION: u8 = 0x15;
pub const OWED: u8 = 0x16;
pub const UNCLAIMED: u8 = 0x17;
pub const SLASH_EVENT: u8 = 0x18;

pub fn single(sub: u8) -> Vec<u8> {
    vec![REWARDS, sub]
}

fn target_bytes(t: TargetRef) -> [u8; 5] {
    let id = t.id.to_be_bytes();
    [t.kind as u8, id[0], id[1], id[2], id[3]]
}

pub fn plan(id: u64) -> Vec<u8> {
    key(&[&[REWARDS, PLAN], &id.to_be_bytes()])
}

/// A `0x06`/`0x07` index key: the plan under one of its times.
pub fn plan_by_time(sub: u8, at: Timestamp, id: u64) -> Vec<u8> {
    key(&[&[REWARDS, sub], &at.0.to_be_bytes(), &id.to_be_bytes()])
}

/// First key after every `0x06`/`0x07` index key whose time is at or before `now`.
pub fn plan_by_time_end(sub: u8, now: Timestamp) -> Vec<u8> {
    key(&[&[REWARDS, sub], &now.0.to_be_bytes(), &[0xff; 9]])
}

pub fn withdraw_address(addr: &Address) -> Vec<u8> {
    key(&[&[REWARDS, WITHDRAW_ADDRESS], addr.as_bytes()])
}

/// `0x11`–`0x13` records of one target (also the prefix of its history).
pub fn of_target(sub: u8, t: TargetRef) -> Vec<u8> {
    key(&[&[REWARDS, sub], &target_bytes(t)])
}

pub fn historical(t: TargetRef, period: u64) -> Vec<u8> {
    key(&[&of_target(HISTORICAL, t), &period.to_be_bytes()])
}

pub fn commission(op: OperatorId) -> Vec<u8> {
    key(&[&[REWARDS, COMMISSION], &op.0.to_be_bytes()])
}

pub fn owed(addr: &Address) -> Vec<u8> {
    key(&[&[REWARDS, OWED], addr.as_bytes()])
}

pub fn slash_events(t: TargetRef, tranche: u32) -> Vec<u8> {
    key(&[&of_target(SLASH_EVENT, t), &tranche.to_be_bytes()])
}

pub fn slash_event(t: TargetRef, tranche: u32, period: u64) -> Vec<u8> {
    key(&[&slash_events(t, tranche), &period.to_be_bytes()])
}
