//! The Phalanx restaking state machine, one module per protocol concept.
//!
//! Every function here is pure over state: no clock, no randomness, no I/O, no unordered iteration.
//! Messages run in a [`Ctx`] over a write overlay; an error discards all of a message's writes.
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod assets;
pub mod auth;
pub mod bank;
pub mod context;
pub mod genesis_util;
pub mod invariants;
pub mod liquidvesting;
pub mod operators;
pub mod pools;
pub mod restaking;
pub mod rewards;
pub mod serde_amount;
pub mod services;
pub mod slashing;
pub mod store;
pub mod tokenfactory;
pub mod validators;

pub use context::{BlockInfo, Ctx};
