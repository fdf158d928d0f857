//! Key schema of the token factory. Denoms are the last key part, so they need no length prefix; the
//! creator index puts the fixed 20-byte address first, so one creator's denoms are one key range.
//!
//! | key | value |
//! |---|---|
//! | `0x01` | params |
//! | `0x02 ‖ denom` | `DenomAuthorityMetadata` (its presence is what makes a denom exist) |
//! | `0x03 ‖ denom` | `DenomMetadata` |
//! | `0x04 ‖ creator ‖ denom` | `()`: denoms by creator |

use crate::store::{key, module_prefix::TOKENFACTORY};
use phalanx_types::Address;

const PARAMS: u8 = 0x01;
const AUTHORITY: u8 = 0x02;
const METADATA: u8 = 0x03;
const BY_CREATOR: u8 = 0x04;

pub fn params() -> Vec<u8> {
    vec![TOKENFACTORY, PARAMS]
}

pub fn authorities_prefix() -> Vec<u8> {
    vec![TOKENFACTORY, AUTHORITY]
}

pub fn authority(denom: &str) -> Vec<u8> {
    key(&[&authorities_prefix(), denom.as_bytes()])
}

pub fn metadata(denom: &str) -> Vec<u8> {
    key(&[&[TOKENFACTORY, METADATA], denom.as_bytes()])
}

pub fn creator_prefix(creator: &Address) -> Vec<u8> {
    key(&[&[TOKENFACTORY, BY_CREATOR], creator.as_bytes()])
}

pub fn by_creator(creator: &Address, denom: &str) -> Vec<u8> {
    key(&[&creator_prefix(creator), denom.as_bytes()])
}
