//! Key schema of services.
//! `[SERVICES, 0x01]` params; `[.., 0xa1]` next id; `[.., 0xa2, id]` → Service; `[.., 0xa4, id]` → ServiceParams.

use crate::store::{key, module_prefix::SERVICES};
use phalanx_types::ServiceId;

pub fn params() -> Vec<u8> {
    vec![SERVICES, 0x01]
}

pub fn next_id() -> Vec<u8> {
    vec![SERVICES, 0xa1]
}

pub fn services_prefix() -> Vec<u8> {
    vec![SERVICES, 0xa2]
}

pub fn service(id: ServiceId) -> Vec<u8> {
    key(&[&[SERVICES, 0xa2], &id.to_be_bytes()])
}

pub fn service_params_prefix() -> Vec<u8> {
    vec![SERVICES, 0xa4]
}

pub fn service_params(id: ServiceId) -> Vec<u8> {
    key(&[&[SERVICES, 0xa4], &id.to_be_bytes()])
}
