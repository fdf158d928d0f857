//! Key schema of pools: `[POOLS, 0xa1]` next id; `[POOLS, 0xa2, id]` → Pool; `[POOLS, 0xa3, denom]` → id.
//! The denom index replaces the reference chain's linear scan over all pools.

use crate::store::{key, module_prefix::POOLS};
use phalanx_types::PoolId;

pub fn next_id() -> Vec<u8> {
    vec![POOLS, 0xa1]
}

pub fn pools_prefix() -> Vec<u8> {
    vec![POOLS, 0xa2]
}

pub fn pool(id: PoolId) -> Vec<u8> {
    key(&[&[POOLS, 0xa2], &id.to_be_bytes()])
}

pub fn by_denom(denom: &str) -> Vec<u8> {
    key(&[&[POOLS, 0xa3], denom.as_bytes()])
}
