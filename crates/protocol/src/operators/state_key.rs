//! Key schema of operators.
//! `[OPERATORS, 0x01]` params; `[.., 0xa1]` next id; `[.., 0xa2, id]` → Operator;
//! `[.., 0xa3, completion_time(u64 BE), id]` → () inactivation queue; `[.., 0xa5, id]` → OperatorParams.

use crate::store::{key, module_prefix::OPERATORS};
use phalanx_types::{OperatorId, Timestamp};

pub fn params() -> Vec<u8> {
    vec![OPERATORS, 0x01]
}

pub fn next_id() -> Vec<u8> {
    vec![OPERATORS, 0xa1]
}

pub fn operators_prefix() -> Vec<u8> {
    vec![OPERATORS, 0xa2]
}

pub fn operator(id: OperatorId) -> Vec<u8> {
    key(&[&[OPERATORS, 0xa2], &id.to_be_bytes()])
}

pub fn queue_prefix() -> Vec<u8> {
    vec![OPERATORS, 0xa3]
}

pub fn queue_entry(at: Timestamp, id: OperatorId) -> Vec<u8> {
    key(&[
        &[OPERATORS, 0xa3],
        &at.as_nanos().to_be_bytes(),
        &id.to_be_bytes(),
    ])
}

/// First key strictly after every queue entry due at or before `now`.
pub fn queue_end(now: Timestamp) -> Vec<u8> {
    key(&[
        &[OPERATORS, 0xa3],
        &now.as_nanos().to_be_bytes(),
        &[0xff; 5],
    ])
}

pub fn operator_params_prefix() -> Vec<u8> {
    vec![OPERATORS, 0xa5]
}

pub fn operator_params(id: OperatorId) -> Vec<u8> {
    key(&[&[OPERATORS, 0xa5], &id.to_be_bytes()])
}
