//! Key schema of slashing. Ids and times are fixed-width big-endian, so keys iterate in order.
//!
//! | key | value |
//! |---|---|
//! | `0x01` | params |
//! | `0x02` | next slash id (u64) |
//! | `0x03 ‖ service` | `RulesRecord` (rules in effect and pending) |
//! | `0x04 ‖ slash` | `SlashRecord` |
//! | `0x05 ‖ executes_at ‖ slash` | () slashes waiting for their veto window to end |
//! | `0x06 ‖ service ‖ submitted_at ‖ slash` | fraction (`Dec`), for the rolling-window cap |
//! | `0x07 ‖ service ‖ operator` | time the operator left the service |
//! | `0x08 ‖ operator` | `PendingCommission` |
//! | `0x09 ‖ effective_time ‖ operator` | () commission changes waiting to apply |
//! | `0x0a ‖ service ‖ operator` | time the operator joined the service (while it is joined) |
//! | `0x0b ‖ service ‖ pool` | time the service started borrowing the pool's security (while it does) |
//! | `0x0c ‖ service ‖ time` | the service's allowed denoms before a change at that time (one unbonding time kept) |

use crate::store::{key, module_prefix::SLASHING};
use phalanx_types::{OperatorId, PoolId, ServiceId, Timestamp};

pub const PARAMS: u8 = 0x01;
pub const NEXT_SLASH_ID: u8 = 0x02;
pub const RULES: u8 = 0x03;
pub const SLASH: u8 = 0x04;
pub const QUEUE: u8 = 0x05;
pub const WINDOW: u8 = 0x06;
pub const DEPARTURE: u8 = 0x07;
pub const PENDING_COMMISSION: u8 = 0x08;
pub const COMMISSION_QUEUE: u8 = 0x09;
pub const JOINED_AT: u8 = 0x0a;
pub const BORROWED_AT: u8 = 0x0b;
pub const DENOMS_BEFORE: u8 = 0x0c;

pub fn single(sub: u8) -> Vec<u8> {
    vec![SLASHING, sub]
}

pub fn rules(svc: ServiceId) -> Vec<u8> {
    key(&[&[SLASHING, RULES], &svc.0.to_be_bytes()])
}

pub fn slash(id: u64) -> Vec<u8> {
    key(&[&[SLASHING, SLASH], &id.to_be_bytes()])
}

pub fn queue(at: Timestamp, id: u64) -> Vec<u8> {
    key(&[&[SLASHING, QUEUE], &at.0.to_be_bytes(), &id.to_be_bytes()])
}

/// First key after every queue entry due at or before `now`.
pub fn queue_end(now: Timestamp) -> Vec<u8> {
    key(&[&[SLASHING, QUEUE], &now.0.to_be_bytes(), &[0xff; 9]])
}

pub fn window_prefix(svc: ServiceId) -> Vec<u8> {
    key(&[&[SLASHING, WINDOW], &svc.0.to_be_bytes()])
}

pub fn window(svc: ServiceId, at: Timestamp, id: u64) -> Vec<u8> {
    key(&[&window_prefix(svc), &at.0.to_be_bytes(), &id.to_be_bytes()])
}

pub fn window_from(svc: ServiceId, since: Timestamp) -> Vec<u8> {
    key(&[&window_prefix(svc), &since.0.to_be_bytes()])
}

pub fn departures(svc: ServiceId) -> Vec<u8> {
    key(&[&[SLASHING, DEPARTURE], &svc.0.to_be_bytes()])
}

pub fn departure(svc: ServiceId, op: OperatorId) -> Vec<u8> {
    key(&[&departures(svc), &op.0.to_be_bytes()])
}

pub fn joined_at(svc: ServiceId, op: OperatorId) -> Vec<u8> {
    key(&[
        &[SLASHING, JOINED_AT],
        &svc.0.to_be_bytes(),
        &op.0.to_be_bytes(),
    ])
}

pub fn borrowed_at(svc: ServiceId, pool: PoolId) -> Vec<u8> {
    key(&[
        &[SLASHING, BORROWED_AT],
        &svc.0.to_be_bytes(),
        &pool.0.to_be_bytes(),
    ])
}

pub fn denoms_before_prefix(svc: ServiceId) -> Vec<u8> {
    key(&[&[SLASHING, DENOMS_BEFORE], &svc.0.to_be_bytes()])
}

pub fn denoms_before(svc: ServiceId, at: Timestamp) -> Vec<u8> {
    key(&[&denoms_before_prefix(svc), &at.0.to_be_bytes()])
}

pub fn pending_commission(op: OperatorId) -> Vec<u8> {
    key(&[&[SLASHING, PENDING_COMMISSION], &op.0.to_be_bytes()])
}

pub fn commission_queue(at: Timestamp, op: OperatorId) -> Vec<u8> {
    key(&[
        &[SLASHING, COMMISSION_QUEUE],
        &at.0.to_be_bytes(),
        &op.0.to_be_bytes(),
    ])
}

/// First key after every commission change due at or before `now`.
pub fn commission_queue_end(now: Timestamp) -> Vec<u8> {
    key(&[
        &[SLASHING, COMMISSION_QUEUE],
        &now.0.to_be_bytes(),
        &[0xff; 5],
    ])
}
