//! Smoke test of the rewards measurement on tiny chains (10 vs 100 delegators, 10 vs 50 blocks): it
//! runs, every block allocates, withdrawals pay, and the figures print as JSON lines. Not a benchmark.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_bench::rewards::{RewardsBenchConfig, measure};
use serde_json::Value;

#[test]
fn rewards_measurement_runs_on_tiny_chains_and_prints_json_lines() {
    let r = measure(&RewardsBenchConfig {
        small_delegators: 10,
        large_delegators: 100,
        withdraw_delegators: 10,
        few_blocks: 10,
        many_blocks: 50,
        reps: 3,
        txs_per_block: 30,
    })
    .unwrap();
    for v in [
        r.alloc_us_small,
        r.alloc_us_large,
        r.withdraw_us_few,
        r.withdraw_us_many,
    ] {
        assert!(v.is_finite() && v > 0.0, "{r:?}");
    }
    let metrics = r.metrics();
    let names: Vec<&str> = metrics.iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        [
            "rewards_alloc_block_us_1k",
            "rewards_alloc_block_us_1m",
            "rewards_alloc_ratio_1m_vs_1k",
            "rewards_withdraw_ratio_100k_vs_10_blocks"
        ]
    );
    for m in &metrics {
        let line = m.to_json_line();
        let v: Value = serde_json::from_str(&line).unwrap();
        let value = v["value"].as_f64().unwrap();
        assert!(value.is_finite() && value > 0.0, "{line}");
    }
}

/// The real measurement (1k vs 1M delegators, 10 vs 100k blocks), for running alone in release:
/// `cargo test --release -p phalanx-bench --test rewards -- --ignored --nocapture`.
#[test]
#[ignore = "the full-size measurement takes minutes; run it in release"]
fn rewards_full_measurement() {
    let r = measure(&RewardsBenchConfig::default()).unwrap();
    for m in r.metrics() {
        println!("{}", m.to_json_line());
    }
}
