//! `cargo run --release -p phalanx-bench`: measures the DESIGN.md §5 figures in one run and prints
//! each as one JSON object per line on stdout (`{"name", "value", "unit"}`); progress goes to stderr.
//! Exits non-zero with a message if any measurement fails. Arguments name groups to run (`tx`, `api`,
//! `rewards`, `slashing`, `network`; `tx` includes the verification rate it is compared with); none
//! runs them all.

use phalanx_bench::{Metric, api, cores, txs, verify};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// How long the raw verification rate is measured.
const VERIFY_DURATION: Duration = Duration::from_secs(3);

fn emit(metric: &Metric) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", metric.to_json_line())?;
    out.flush()?;
    Ok(())
}

/// Figure groups, in run order.
const GROUPS: [&str; 5] = ["tx", "api", "rewards", "slashing", "network"];

fn run() -> anyhow::Result<()> {
    let asked: Vec<String> = std::env::args().skip(1).collect();
    if let Some(bad) = asked.iter().find(|a| !GROUPS.contains(&a.as_str())) {
        anyhow::bail!("unknown group {bad:?}; groups are {}", GROUPS.join(", "));
    }
    let wants = |g: &str| asked.is_empty() || asked.iter().any(|a| a == g);
    if wants("tx") {
        tx_figures()?;
    }
    if wants("api") {
        let a = api::measure(&api::ApiBenchConfig::default())?;
        eprintln!(
            "api: {} requests answered, max latency {:.3} ms",
            a.requests, a.max_ms
        );
        emit(&Metric::new("api_p50_ms", a.p50_ms, "ms", 3))?;
        emit(&Metric::new("api_p99_ms", a.p99_ms, "ms", 3))?;
        emit(&Metric::new("api_achieved_rps", a.achieved_rps, "req/s", 1))?;
    }
    if wants("rewards") {
        let r = phalanx_bench::rewards::measure(
            &phalanx_bench::rewards::RewardsBenchConfig::default(),
        )?;
        for m in r.metrics() {
            emit(&m)?;
        }
    }
    if wants("slashing") {
        let s = phalanx_bench::slashing::measure(
            &phalanx_bench::slashing::SlashingBenchConfig::default(),
        )?;
        for m in s.metrics() {
            emit(&m)?;
        }
    }
    if wants("network") {
        phalanx_bench::network::run(&mut |m| emit(&m))?;
    }
    Ok(())
}

/// The raw verification rate and, in the same run, the signed-transaction throughput and their ratio.
fn tx_figures() -> anyhow::Result<()> {
    let threads = cores();
    eprintln!(
        "secp256k1: verifying on {threads} threads for {:.0} s",
        VERIFY_DURATION.as_secs_f64()
    );
    let v = verify::measure(VERIFY_DURATION, threads)?;
    eprintln!(
        "secp256k1: {} verifications in {:.2} s ({:.0}/s per thread)",
        v.verifications,
        v.elapsed.as_secs_f64(),
        v.per_second / v.threads as f64
    );
    emit(&Metric::new(
        "secp256k1_verify_per_s",
        v.per_second,
        "verifications/s",
        1,
    ))?;

    let t = txs::measure(&txs::TxBenchConfig::default())?;
    eprintln!(
        "tx throughput: {} txs in {} blocks in {:.2} s, of which commit {:.2} s; mix: {} pool \
         delegations, {} operator delegations, {} pool undelegations",
        t.txs,
        t.blocks,
        t.elapsed.as_secs_f64(),
        t.commit.as_secs_f64(),
        t.mix[0],
        t.mix[1],
        t.mix[2]
    );
    emit(&Metric::new("tx_throughput_tps", t.per_second, "txs/s", 1))?;
    emit(&Metric::new(
        "tx_throughput_vs_verify_ratio",
        t.per_second / v.per_second,
        "ratio",
        4,
    ))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("phalanx-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
