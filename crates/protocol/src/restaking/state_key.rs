//! Key schema of restaking. Addresses are fixed 20 bytes and ids fixed-width big-endian, so every
//! composite key is unambiguous without separators and iterates in (id, address) order.
//!
//! | key | value |
//! |---|---|
//! | `0x01` | params |
//! | `0x02` | last unbonding id (u64) |
//! | `0x10 ‖ kind ‖ delegator ‖ target` | `DelegationEntry`: the delegation and its F1 reward start |
//! | `0x11 ‖ kind ‖ target ‖ delegator` | () delegations by target |
//! | `0x12 ‖ kind ‖ delegator ‖ target` | `UnbondingDelegation` |
//! | `0x13 ‖ kind ‖ target ‖ delegator` | () unbondings by target |
//! | `0x14 ‖ kind ‖ target ‖ delegator` | () delegations holding `locked/...` shares (slashing lets their insurance funds pay) |
//! | `0x20 ‖ operator ‖ service` | () operator joined service |
//! | `0x21 ‖ service ‖ operator` | () operators of a service |
//! | `0x22 ‖ service ‖ operator` | () service allow-list |
//! | `0x24 ‖ operator ‖ service` | () allow-lists an operator is on |
//! | `0x23 ‖ service ‖ pool` | () pools securing a service |
//! | `0x30 ‖ completion_time ‖ kind ‖ target ‖ delegator` | () unbonding queue (a set: no duplicates, Q2) |
//! | `0x31 ‖ effective_time ‖ user` | () pending preferences by the time they take effect |
//! | `0x40 ‖ user` | `UserPreferences` in force |
//! | `0x41 ‖ service ‖ user` | () users whose preferences in force name the service |
//! | `0x42 ‖ user` | `PendingPreferences`: a withdrawal of trust waiting for the unbonding time |
//! | `0x50 ‖ denom` | u128 total restaked in all targets |
//! | `0x60 ‖ pool ‖ tranche` | `Tranche` |
//! | `0x61 ‖ pool ‖ service ids` | tranche id of a trust set |
//! | `0x62 ‖ pool` | next tranche id (u32) |
//!
//! `0x03` held an index from unbonding id to record that nothing read; it is unused now.

use super::TargetRef;
use crate::store::{key, module_prefix::RESTAKING};
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Address, OperatorId, PoolId, ServiceId, Timestamp};

pub const PARAMS: u8 = 0x01;
pub const LAST_UNBONDING_ID: u8 = 0x02;
pub const DELEGATION: u8 = 0x10;
pub const DELEGATION_BY_TARGET: u8 = 0x11;
pub const UNBONDING: u8 = 0x12;
pub const UNBONDING_BY_TARGET: u8 = 0x13;
pub const LOCKED_HOLDERS: u8 = 0x14;
pub const JOINED: u8 = 0x20;
pub const SERVICE_OPERATORS: u8 = 0x21;
pub const ALLOW_LIST: u8 = 0x22;
pub const SECURING_POOLS: u8 = 0x23;
pub const ALLOWED_BY: u8 = 0x24;
pub const QUEUE: u8 = 0x30;
pub const PREFERENCES_QUEUE: u8 = 0x31;
pub const PREFERENCES: u8 = 0x40;
pub const TRUSTERS: u8 = 0x41;
pub const PENDING_PREFERENCES: u8 = 0x42;
pub const TOTAL_RESTAKED: u8 = 0x50;
pub const TRANCHE: u8 = 0x60;
pub const TRANCHE_BY_SET: u8 = 0x61;
pub const NEXT_TRANCHE_ID: u8 = 0x62;

pub fn single(sub: u8) -> Vec<u8> {
    vec![RESTAKING, sub]
}

fn kind_byte(kind: DelegationKind) -> u8 {
    kind as u8
}

/// `0x10`/`0x12` records of one delegator and kind.
pub fn by_delegator(sub: u8, kind: DelegationKind, delegator: &Address) -> Vec<u8> {
    key(&[&[RESTAKING, sub, kind_byte(kind)], delegator.as_bytes()])
}

/// One `0x10`/`0x12` record.
pub fn record(sub: u8, target: TargetRef, delegator: &Address) -> Vec<u8> {
    key(&[
        &by_delegator(sub, target.kind, delegator),
        &target.id.to_be_bytes(),
    ])
}

/// `0x11`/`0x13`/`0x14` index entries of one target.
pub fn by_target(sub: u8, target: TargetRef) -> Vec<u8> {
    key(&[
        &[RESTAKING, sub, kind_byte(target.kind)],
        &target.id.to_be_bytes(),
    ])
}

/// One `0x11`/`0x13`/`0x14` index entry.
pub fn index(sub: u8, target: TargetRef, delegator: &Address) -> Vec<u8> {
    key(&[&by_target(sub, target), delegator.as_bytes()])
}

pub fn pair_prefix(sub: u8, first: u32) -> Vec<u8> {
    key(&[&[RESTAKING, sub], &first.to_be_bytes()])
}

pub fn pair(sub: u8, first: u32, second: u32) -> Vec<u8> {
    key(&[&pair_prefix(sub, first), &second.to_be_bytes()])
}

pub fn joined(op: OperatorId, svc: ServiceId) -> Vec<u8> {
    pair(JOINED, op.0, svc.0)
}

pub fn service_operator(svc: ServiceId, op: OperatorId) -> Vec<u8> {
    pair(SERVICE_OPERATORS, svc.0, op.0)
}

pub fn allow_list(svc: ServiceId, op: OperatorId) -> Vec<u8> {
    pair(ALLOW_LIST, svc.0, op.0)
}

pub fn allowed_by(op: OperatorId, svc: ServiceId) -> Vec<u8> {
    pair(ALLOWED_BY, op.0, svc.0)
}

pub fn securing_pool(svc: ServiceId, pool: PoolId) -> Vec<u8> {
    pair(SECURING_POOLS, svc.0, pool.0)
}

pub fn queue(at: Timestamp, target: TargetRef, delegator: &Address) -> Vec<u8> {
    key(&[
        &[RESTAKING, QUEUE],
        &at.as_nanos().to_be_bytes(),
        &[kind_byte(target.kind)],
        &target.id.to_be_bytes(),
        delegator.as_bytes(),
    ])
}

/// First key after every entry of the time-ordered queue `sub` due at or before `now`.
pub fn due_end(sub: u8, now: Timestamp) -> Vec<u8> {
    match now.as_nanos().checked_add(1) {
        Some(next) => key(&[&[RESTAKING, sub], &next.to_be_bytes()]),
        None => vec![RESTAKING, sub.saturating_add(1)],
    }
}

pub fn preferences_queue(at: Timestamp, user: &Address) -> Vec<u8> {
    key(&[
        &[RESTAKING, PREFERENCES_QUEUE],
        &at.as_nanos().to_be_bytes(),
        user.as_bytes(),
    ])
}

pub fn preferences(user: &Address) -> Vec<u8> {
    key(&[&[RESTAKING, PREFERENCES], user.as_bytes()])
}

pub fn pending_preferences(user: &Address) -> Vec<u8> {
    key(&[&[RESTAKING, PENDING_PREFERENCES], user.as_bytes()])
}

pub fn total_restaked(denom: &str) -> Vec<u8> {
    key(&[&[RESTAKING, TOTAL_RESTAKED], denom.as_bytes()])
}

pub fn trusters_prefix(svc: ServiceId) -> Vec<u8> {
    key(&[&[RESTAKING, TRUSTERS], &svc.to_be_bytes()])
}

pub fn truster(svc: ServiceId, user: &Address) -> Vec<u8> {
    key(&[&trusters_prefix(svc), user.as_bytes()])
}

pub fn tranches_prefix(pool: PoolId) -> Vec<u8> {
    key(&[&[RESTAKING, TRANCHE], &pool.0.to_be_bytes()])
}

pub fn tranche(pool: PoolId, id: u32) -> Vec<u8> {
    key(&[&tranches_prefix(pool), &id.to_be_bytes()])
}

pub fn tranche_by_set(pool: PoolId, services: &[ServiceId]) -> Vec<u8> {
    let mut k = key(&[&[RESTAKING, TRANCHE_BY_SET], &pool.0.to_be_bytes()]);
    for s in services {
        k.extend_from_slice(&s.0.to_be_bytes());
    }
    k
}

pub fn next_tranche_id(pool: PoolId) -> Vec<u8> {
    key(&[&[RESTAKING, NEXT_TRANCHE_ID], &pool.0.to_be_bytes()])
}
