//! The cost of one slash, with few vs many delegators behind the slashed stake (docs/slashing.md).
//!
//! The chain is the shared benchmark chain (one service secured by one pool and one operator joined to
//! it; delegators alternate between the pool, trusting the service so they share one tranche, and the
//! operator). The service's slashing rules (no veto window, so a slash executes inside its
//! transaction; destination burn) are set through the real messages, with `rules_change_delay`
//! shortened through `MsgUpdateSlashingParams` from the genesis authority.
//!
//! One whole-security `MsgSubmitSlash` of 10% is then executed through [`phalanx_app::execute_tx`] in
//! the next block, each repetition on a fresh clone of the prepared [`MemState`] (the clone is made and
//! dropped outside the timing); the median over repetitions is reported. Nobody has undelegated, so
//! the slash visits no unbonding entries. Every repetition checks that the supply of the restaked denom
//! dropped by exactly 10% of the operator's and the trusting tranche's stake.

use crate::Metric;
use crate::fixture::{BenchChain, DELEGATION, STAKE_DENOM, admin, authority, median_us, timed};
use anyhow::{Context, Result, anyhow, bail};
use phalanx_app::{MsgResponse, Tx};
use phalanx_protocol::{bank, slashing};
use phalanx_state::MemState;
use phalanx_types::msgs::{
    MsgSetSlashingRules, MsgSubmitSlash, MsgUpdateSlashingParams, SlashDestination, SlashingParams,
    SlashingRules,
};
use phalanx_types::{Address, Dec};
use std::time::{Duration, Instant};

/// Fraction of the service's whole security each measured slash takes.
const FRACTION: &str = "0.1";

/// Shape of the slashing run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlashingBenchConfig {
    /// Delegators behind the slashed stake for the small figure (`_1k`).
    pub small_delegators: usize,
    /// Delegators behind the slashed stake for the large figure (`_1m`).
    pub large_delegators: usize,
    /// Repetitions of each timing, each on a fresh copy of the state (the median is reported).
    pub reps: usize,
    /// Delegation transactions per setup block.
    pub txs_per_block: usize,
}

impl Default for SlashingBenchConfig {
    fn default() -> Self {
        Self {
            small_delegators: 1_000,
            large_delegators: 1_000_000,
            reps: 11,
            txs_per_block: 10_000,
        }
    }
}

/// The outcome of a slashing run.
#[derive(Debug, Clone, PartialEq)]
pub struct SlashingFigures {
    /// Median microseconds of one slash with `small_delegators` behind the slashed stake.
    pub slash_us_small: f64,
    /// Median microseconds of one slash with `large_delegators` behind the slashed stake.
    pub slash_us_large: f64,
    /// `slash_us_large / slash_us_small`.
    pub slash_ratio: f64,
    /// Wall time to build the small chain (genesis, delegation blocks, rules).
    pub setup_small: Duration,
    /// Wall time to build the large chain (genesis, delegation blocks, rules).
    pub setup_large: Duration,
}

impl SlashingFigures {
    /// The three figures of DESIGN.md §5, named after the default sizes (1k vs 1M delegators); the
    /// setup times go to stderr.
    pub fn metrics(&self) -> Vec<Metric> {
        eprintln!(
            "slashing: setup {:.2} s (small) and {:.2} s (large)",
            self.setup_small.as_secs_f64(),
            self.setup_large.as_secs_f64()
        );
        vec![
            Metric::new("slash_us_1k", self.slash_us_small, "us", 1),
            Metric::new("slash_us_1m", self.slash_us_large, "us", 1),
            Metric::new("slash_ratio_1m_vs_1k", self.slash_ratio, "ratio", 3),
        ]
    }
}

/// The service's slasher.
fn slasher() -> Address {
    Address::module("bench-slasher")
}

fn fraction() -> Result<Dec> {
    FRACTION.parse().map_err(|e| anyhow!("{e:?}"))
}

/// A benchmark chain whose service has slashing rules in effect.
struct SlashChain {
    chain: BenchChain,
}

impl SlashChain {
    /// Builds the chain ([`BenchChain::build`]), shortens the rules change delay, sets instant rules
    /// (no veto window, burn) and lets them take effect.
    fn build(delegators: usize, bystanders: usize, txs_per_block: usize) -> Result<Self> {
        let mut chain = BenchChain::build(delegators, bystanders, txs_per_block)?;
        chain.one(MsgUpdateSlashingParams {
            authority: authority(),
            params: SlashingParams {
                rules_change_delay: phalanx_types::Duration::from_secs(1),
                ..SlashingParams::default()
            },
        })?;
        chain.one(MsgSetSlashingRules {
            sender: admin(),
            service_id: chain.service,
            rules: SlashingRules {
                slasher: slasher(),
                max_incident_fraction: Dec::ONE,
                max_window_fraction: Dec::ONE,
                window: phalanx_types::Duration::from_hours(24),
                veto_window: phalanx_types::Duration::from_secs(0),
                resolver: None,
                destination: SlashDestination::Burn,
            },
        })?;
        // One more block (5 s later): the rules are in effect.
        chain.block(Vec::new())?;
        let now = chain.time;
        slashing::rules(&chain.state, chain.service)?
            .in_effect(now)
            .context("the slashing rules are in effect")?;
        Ok(Self { chain })
    }

    /// What one slash must burn: `⌊f × stake⌋` of the operator and of the trusting tranche.
    fn expected_burn(&self) -> Result<u128> {
        let f = fraction()?;
        let cut = |n: usize| -> Result<u128> {
            let stake = u128::try_from(n)?
                .checked_mul(DELEGATION)
                .context("stake overflow")?;
            Ok(f.mul_int(stake)?.truncate_int()?)
        };
        cut(self.chain.operator_delegators)?
            .checked_add(cut(self.chain.pool_delegators.len())?)
            .context("burn overflow")
    }

    /// Median microseconds of one whole-security slash in the next block, each repetition on a fresh
    /// clone of the state; fails unless every slash burns exactly what it must.
    fn slash_us(&self, reps: usize) -> Result<f64> {
        let info = self.chain.next_info()?;
        let expected = self.expected_burn()?;
        if expected == 0 {
            bail!("nothing to slash");
        }
        let supply = bank::supply(&self.chain.state, STAKE_DENOM)?;
        let tx = Tx {
            sender: slasher(),
            msgs: vec![
                MsgSubmitSlash {
                    slasher: slasher(),
                    service_id: self.chain.service,
                    operator_id: None,
                    fraction: fraction()?,
                    infraction_time: self.chain.time,
                    reason: "bench: double signing".into(),
                }
                .into(),
            ],
        };
        let mut samples = Vec::with_capacity(reps);
        for _ in 0..reps.max(1) {
            let mut state: MemState = self.chain.state.clone();
            let started = Instant::now();
            let result = phalanx_app::execute_tx(&mut state, info, &tx)?;
            samples.push(started.elapsed());
            if !result.is_ok() {
                bail!(
                    "slash failed ({} {}): {}",
                    result.codespace,
                    result.code,
                    result.log
                );
            }
            let id = match result.responses.first() {
                Some(MsgResponse::NewSlashId(id)) => *id,
                other => bail!("slash: unexpected response {other:?}"),
            };
            let record = slashing::slash(&state, id)?.context("the slash is recorded")?;
            if record.status != slashing::SlashStatus::Executed {
                bail!("the slash did not execute in its transaction: {record:?}");
            }
            let burned = supply.saturating_sub(bank::supply(&state, STAKE_DENOM)?);
            if burned != expected {
                bail!("the slash burned {burned}{STAKE_DENOM}, not {expected}");
            }
        }
        median_us(samples)
    }
}

fn timed_build(
    delegators: usize,
    bystanders: usize,
    txs_per_block: usize,
) -> Result<(SlashChain, Duration)> {
    let (chain, took) = timed(|| SlashChain::build(delegators, bystanders, txs_per_block))?;
    eprintln!(
        "slashing: built a chain with {delegators} delegators behind the slashed stake and \
         {bystanders} elsewhere in {:.2} s ({} keys in state)",
        took.as_secs_f64(),
        chain.chain.state.len()
    );
    Ok((chain, took))
}

/// Measures one slash with `delegators` behind the slashed stake; returns its median and the setup
/// time.
fn measure_one(
    delegators: usize,
    bystanders: usize,
    cfg: &SlashingBenchConfig,
) -> Result<(f64, Duration)> {
    let (chain, setup) = timed_build(delegators, bystanders, cfg.txs_per_block)?;
    let us = chain.slash_us(cfg.reps)?;
    eprintln!(
        "slashing: slash with {delegators} delegators: {us:.1} µs (median of {})",
        cfg.reps
    );
    Ok((us, setup))
}

/// Runs the slashing benchmark.
pub fn measure(cfg: &SlashingBenchConfig) -> Result<SlashingFigures> {
    // The small figure's state is padded to the large one's size with delegators elsewhere, so the
    // ratio shows how the slash's cost depends on the delegators behind it, not on the store's size.
    let padding = cfg.large_delegators.saturating_sub(cfg.small_delegators);
    let (slash_us_small, setup_small) = measure_one(cfg.small_delegators, padding, cfg)?;
    let (slash_us_large, setup_large) = measure_one(cfg.large_delegators, 0, cfg)?;
    Ok(SlashingFigures {
        slash_us_small,
        slash_us_large,
        slash_ratio: slash_us_large / slash_us_small,
        setup_small,
        setup_large,
    })
}
