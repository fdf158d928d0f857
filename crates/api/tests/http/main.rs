//! The API end to end over loopback HTTP: a `NodeView` over a real in-memory chain (genesis and executed
//! blocks), every route family, its error statuses, pagination, proofs, the event stream, OpenAPI and
//! metrics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs,
    dead_code
)]

mod cosmos;
mod limits;
mod liquidvesting;
mod node_routes;
mod proofs;
mod queries;
mod rewards;
mod slashing;
mod support;
mod tokenfactory;
mod validators;
