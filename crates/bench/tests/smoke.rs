//! Smoke test: each measurement runs for a tiny duration on a tiny chain, and the figures print as
//! one JSON object per line with the expected shape. Not a benchmark: the numbers are not checked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_bench::{Metric, api, txs, verify};
use serde_json::Value;
use std::time::Duration;

fn check_line(metric: &Metric) {
    let line = metric.to_json_line();
    assert!(!line.contains('\n'), "{line}");
    assert!(line.starts_with(r#"{"name":"#), "{line}");
    let v: Value = serde_json::from_str(&line).unwrap();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 3, "{line}");
    assert_eq!(obj["name"], metric.name);
    assert_eq!(obj["unit"], metric.unit);
    let value = obj["value"].as_f64().unwrap();
    assert!(value.is_finite() && value >= 0.0, "{line}");
}

#[test]
fn every_measurement_runs_and_prints_json_lines() {
    let v = verify::measure(Duration::from_millis(50), 2).unwrap();
    assert!(v.verifications > 0);
    check_line(&Metric::new(
        "secp256k1_verify_per_s",
        v.per_second,
        "verifications/s",
        1,
    ));

    let t = txs::measure(&txs::TxBenchConfig {
        accounts: 45,
        operators: 2,
        warmup_blocks: 2,
        blocks: 4,
        txs_per_block: 15,
        pipelined: true,
    })
    .unwrap();
    assert_eq!(t.txs, 60);
    assert_eq!(t.mix.iter().sum::<usize>(), 60);
    assert!(t.mix.iter().all(|&n| n > 0), "every kind is in the mix");
    check_line(&Metric::new("tx_throughput_tps", t.per_second, "txs/s", 1));
    check_line(&Metric::new(
        "tx_throughput_vs_verify_ratio",
        t.per_second / v.per_second,
        "ratio",
        4,
    ));

    let a = api::measure(&api::ApiBenchConfig {
        rps: 200,
        duration: Duration::from_millis(300),
        accounts: 20,
        delegators: 10,
        operators: 2,
        connections: 4,
    })
    .unwrap();
    assert_eq!(a.requests, 60);
    assert!(a.p50_ms <= a.p99_ms && a.p99_ms <= a.max_ms);
    check_line(&Metric::new("api_p50_ms", a.p50_ms, "ms", 3));
    check_line(&Metric::new("api_p99_ms", a.p99_ms, "ms", 3));
    check_line(&Metric::new("api_achieved_rps", a.achieved_rps, "req/s", 1));
}

#[test]
fn a_non_finite_value_prints_null() {
    let line = Metric::new("x", f64::NAN, "u", 1).to_json_line();
    assert_eq!(line, r#"{"name":"x","value":null,"unit":"u"}"#);
}
