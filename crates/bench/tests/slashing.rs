//! Smoke test of the slashing measurement on tiny chains (10 vs 100 delegators): it runs, every slash
//! executes in its transaction and burns exactly what it must, and the figures print as JSON lines. Not
//! a benchmark.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_bench::slashing::{SlashingBenchConfig, measure};
use serde_json::Value;

#[test]
fn slashing_measurement_runs_on_tiny_chains_and_prints_json_lines() {
    let r = measure(&SlashingBenchConfig {
        small_delegators: 10,
        large_delegators: 100,
        reps: 3,
        txs_per_block: 30,
    })
    .unwrap();
    for v in [r.slash_us_small, r.slash_us_large] {
        assert!(v.is_finite() && v > 0.0, "{r:?}");
    }
    let metrics = r.metrics();
    let names: Vec<&str> = metrics.iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        ["slash_us_1k", "slash_us_1m", "slash_ratio_1m_vs_1k"]
    );
    for m in &metrics {
        let line = m.to_json_line();
        let v: Value = serde_json::from_str(&line).unwrap();
        let value = v["value"].as_f64().unwrap();
        assert!(value.is_finite() && value > 0.0, "{line}");
    }
}

/// The real measurement (1k vs 1M delegators), for running alone in release:
/// `cargo test --release -p phalanx-bench --test slashing -- --ignored --nocapture`.
#[test]
#[ignore = "the full-size measurement takes minutes; run it in release"]
fn slashing_full_measurement() {
    let r = measure(&SlashingBenchConfig::default()).unwrap();
    for m in r.metrics() {
        println!("{}", m.to_json_line());
    }
}
