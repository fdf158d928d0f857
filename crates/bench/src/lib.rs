//! `phalanx-bench`: the performance figures of DESIGN.md §5, measured in one run on this machine.
//!
//! - [`verify`]: raw ECDSA verification with libsecp256k1 (the `secp256k1` crate) on every core.
//! - [`txs`]: signed restaking transactions executed and committed through the real app
//!   ([`phalanx_app::execute_signed_block`]) on a real [`phalanx_state::PersistentState`] (redb + JMT,
//!   fsync on), signature checks included.
//! - [`api`]: latency of the JSON API over a real [`phalanx_node::core::NodeCore`] under an open-loop,
//!   paced load on loopback.
//! - [`rewards`]: per-block reward allocation with few vs many delegators, and withdrawal after few vs
//!   many allocation blocks, in an in-memory chain built through the real app.
//! - [`slashing`]: one whole-security slash with few vs many delegators behind the slashed stake, in
//!   the same kind of chain.
//!
//! The binary prints each figure as one JSON object per line, `{"name", "value", "unit"}`, on stdout
//! and nothing else there; progress goes to stderr.

pub mod api;
pub mod chain;
mod fixture;
pub mod network;
pub mod rewards;
pub mod slashing;
pub mod txs;
pub mod verify;

use serde_json::Value;

/// One measured figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Stable name, e.g. `secp256k1_verify_per_s`.
    pub name: &'static str,
    /// The value, in `unit`.
    pub value: f64,
    /// Unit, e.g. `verifications/s`.
    pub unit: &'static str,
}

impl Metric {
    /// A figure rounded to `decimals` decimal places (the printed precision).
    pub fn new(name: &'static str, value: f64, unit: &'static str, decimals: i32) -> Self {
        let scale = 10f64.powi(decimals);
        Self {
            name,
            value: (value * scale).round() / scale,
            unit,
        }
    }

    /// The figure as one line of JSON, keys in this order: `{"name":...,"value":...,"unit":...}`.
    pub fn to_json_line(&self) -> String {
        // A non-finite value (a division by a zero duration) has no JSON form; print null then.
        let value = serde_json::Number::from_f64(self.value)
            .map_or_else(|| "null".to_string(), |n| n.to_string());
        format!(
            "{{\"name\":{},\"value\":{value},\"unit\":{}}}",
            Value::from(self.name),
            Value::from(self.unit)
        )
    }
}

/// Number of hardware threads this process may use (at least 1).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `count / seconds`, as a rate.
pub fn per_second(count: usize, elapsed: std::time::Duration) -> f64 {
    // usize → f64 is exact far beyond any count measured here.
    count as f64 / elapsed.as_secs_f64()
}
