//! Scenario tests: every message's happy path and documented errors, end to end through block execution.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs,
    dead_code
)]

mod assets;
mod bank;
mod delegation;
mod harness;
mod liquidvesting;
mod operators;
mod relations;
mod rewards;
mod services;
mod slashing;
mod smoke;
mod tokenfactory;
mod unbonding;
mod validators;
