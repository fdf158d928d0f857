//! Reward allocation and withdrawal cost, in an in-memory chain built through the real protocol.
//!
//! One service with a funded reward plan is secured by one pool (`uatom`) and one operator (10%
//! commission); delegators alternate between the pool (trusting the service) and the operator, one
//! delegation each, executed as unsigned `MsgSetUserPreferences` / `MsgDelegatePool` /
//! `MsgDelegateOperator` transactions in large blocks through [`phalanx_app::execute_block`] on a
//! [`phalanx_state::MemState`] (the chain shared with the slashing figures, `fixture.rs`).
//!
//! - Allocation: [`phalanx_protocol::rewards::begin_block`] of the next block, run in a [`Ctx`] over an
//!   [`Overlay`] that is then discarded, so every repetition allocates the same block; the median over
//!   repetitions, with a small and a large number of delegators behind the same two targets.
//! - Withdrawal: one `MsgWithdrawDelegatorReward` (pool target) through [`phalanx_app::execute_tx`]
//!   over a discarded overlay, after a few and after many empty blocks that each really allocate; the
//!   median over repetitions.

use crate::Metric;
use crate::fixture::{BLOCK_SECS, BenchChain, REWARD_DENOM, admin, after, median_us, timed};
use anyhow::{Context, Result, bail};
use phalanx_app::{MsgResponse, Tx};
use phalanx_protocol::restaking::TargetRef;
use phalanx_protocol::{Ctx, bank, rewards};
use phalanx_state::Overlay;
use phalanx_types::msgs::{
    DelegationKind, Distribution, DistributionType, MsgCreateRewardsPlan, MsgFundRewardsPlan,
    MsgWithdrawDelegatorReward, PlanTerms, UsersDistribution,
};
use phalanx_types::{Coin, Coins};
use std::time::{Duration, Instant};

/// Seconds in a day.
const DAY_SECS: u64 = 86_400;
/// Plan rate: 1,000 uphx per second, so 5,000 per block.
const PLAN_PER_DAY: u128 = 86_400_000;
/// Plan funding: enough for far more than 100k blocks.
const PLAN_FUNDS: u128 = 100_000_000_000_000;

/// Shape of the rewards run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewardsBenchConfig {
    /// Delegators behind the rewarded targets for the small allocation figure (`_1k`).
    pub small_delegators: usize,
    /// Delegators behind the rewarded targets for the large allocation figure (`_1m`).
    pub large_delegators: usize,
    /// Delegators of the chain the withdrawal is measured on.
    pub withdraw_delegators: usize,
    /// Allocation blocks before the first withdrawal measurement (`_10_blocks`).
    pub few_blocks: u64,
    /// Allocation blocks before the second withdrawal measurement (`_100k`).
    pub many_blocks: u64,
    /// Repetitions of each timing (the median is reported).
    pub reps: usize,
    /// Delegation transactions per setup block.
    pub txs_per_block: usize,
}

impl Default for RewardsBenchConfig {
    fn default() -> Self {
        Self {
            small_delegators: 1_000,
            large_delegators: 1_000_000,
            withdraw_delegators: 1_000,
            few_blocks: 10,
            many_blocks: 100_000,
            reps: 31,
            txs_per_block: 10_000,
        }
    }
}

/// The outcome of a rewards run.
#[derive(Debug, Clone, PartialEq)]
pub struct RewardsFigures {
    /// Median microseconds of one block's allocation with `small_delegators`.
    pub alloc_us_small: f64,
    /// Median microseconds of one block's allocation with `large_delegators`.
    pub alloc_us_large: f64,
    /// `alloc_us_large / alloc_us_small`.
    pub alloc_ratio: f64,
    /// Median microseconds of one withdrawal after `few_blocks` allocation blocks.
    pub withdraw_us_few: f64,
    /// Median microseconds of one withdrawal after `many_blocks` allocation blocks.
    pub withdraw_us_many: f64,
    /// `withdraw_us_many / withdraw_us_few`.
    pub withdraw_ratio: f64,
    /// Wall time to build the small chain (genesis and delegation blocks).
    pub setup_small: Duration,
    /// Wall time to build the large chain (genesis and delegation blocks).
    pub setup_large: Duration,
    /// Wall time of the `many_blocks - 1` empty blocks run after the build (which ends with one
    /// allocating block); every one of them allocates.
    pub many_blocks_elapsed: Duration,
}

impl RewardsFigures {
    /// The four figures of DESIGN.md §5, named after the default sizes (1k vs 1M delegators, 10 vs
    /// 100k blocks); the setup times and withdrawal times go to stderr.
    pub fn metrics(&self) -> Vec<Metric> {
        eprintln!(
            "rewards: setup {:.2} s (small) and {:.2} s (large); allocation blocks {:.2} s; \
             withdrawal {:.1} µs after few blocks, {:.1} µs after many",
            self.setup_small.as_secs_f64(),
            self.setup_large.as_secs_f64(),
            self.many_blocks_elapsed.as_secs_f64(),
            self.withdraw_us_few,
            self.withdraw_us_many
        );
        vec![
            Metric::new("rewards_alloc_block_us_1k", self.alloc_us_small, "us", 1),
            Metric::new("rewards_alloc_block_us_1m", self.alloc_us_large, "us", 1),
            Metric::new("rewards_alloc_ratio_1m_vs_1k", self.alloc_ratio, "ratio", 3),
            Metric::new(
                "rewards_withdraw_ratio_100k_vs_10_blocks",
                self.withdraw_ratio,
                "ratio",
                3,
            ),
        ]
    }
}

/// A benchmark chain ([`BenchChain`]) whose service funds a reward plan.
struct RewardChain {
    chain: BenchChain,
    plan: u64,
}

impl RewardChain {
    fn plan_balance(&self) -> Result<u128> {
        Ok(bank::balance(
            &self.chain.state,
            &rewards::plan_address(self.plan),
            REWARD_DENOM,
        )?)
    }

    /// Builds the chain ([`BenchChain::build`]) and a funded plan of its service.
    fn build(delegators: usize, bystanders: usize, txs_per_block: usize) -> Result<Self> {
        let mut chain = BenchChain::build(delegators, bystanders, txs_per_block)?;
        let admin = admin();
        let start = chain.time;
        let end = after(start, DAY_SECS.saturating_mul(365))?;
        let basic = || Distribution {
            weight: 1,
            kind: DistributionType::Basic,
        };
        let plan = match chain.one(MsgCreateRewardsPlan {
            sender: admin,
            service_id: chain.service,
            terms: PlanTerms {
                description: "bench security budget".into(),
                amount_per_day: Coin::new(REWARD_DENOM, PLAN_PER_DAY),
                start_time: start,
                end_time: end,
                pools_distribution: basic(),
                operators_distribution: basic(),
                users_distribution: UsersDistribution { weight: 0 },
            },
            fee_amount: Coins::empty(),
        })? {
            Some(MsgResponse::NewRewardsPlanId(id)) => id,
            other => bail!("creating the plan: unexpected response {other:?}"),
        };
        chain.one(MsgFundRewardsPlan {
            sender: admin,
            plan_id: plan,
            amount: Coin::new(REWARD_DENOM, PLAN_FUNDS),
        })?;
        // One allocating block, so the measured state is a chain in its steady state.
        chain.block(Vec::new())?;
        Ok(Self { chain, plan })
    }

    /// Median microseconds of the next block's reward allocation, over `reps` discarded runs; fails
    /// unless the allocation moves the plan's due amount.
    fn allocation_us(&mut self, reps: usize) -> Result<f64> {
        let info = self.chain.next_info()?;
        let authority = phalanx_app::authority(&self.chain.state)?;
        let before = self.plan_balance()?;
        let mut samples = Vec::with_capacity(reps);
        for _ in 0..reps.max(1) {
            let mut overlay = Overlay::new(&mut self.chain.state);
            let mut ctx = Ctx::new(&mut overlay, info, authority);
            let started = Instant::now();
            rewards::begin_block(&mut ctx)?;
            samples.push(started.elapsed());
            let left = bank::balance(ctx.state(), &rewards::plan_address(self.plan), REWARD_DENOM)?;
            if left >= before {
                bail!("the measured block allocated nothing");
            }
        }
        median_us(samples)
    }

    /// Median microseconds of one `MsgWithdrawDelegatorReward` of a pool delegator in the next block,
    /// over `reps` discarded runs (rotating through delegators); fails unless it pays something.
    fn withdraw_us(&mut self, reps: usize) -> Result<f64> {
        let info = self.chain.next_info()?;
        let mut samples = Vec::with_capacity(reps);
        for rep in 0..reps.max(1) {
            let who = *self
                .chain
                .pool_delegators
                .get(
                    rep.checked_rem(self.chain.pool_delegators.len())
                        .unwrap_or(0),
                )
                .context("no pool delegators")?;
            let tx = Tx {
                sender: who,
                msgs: vec![
                    MsgWithdrawDelegatorReward {
                        delegator: who,
                        delegation_type: DelegationKind::Pool,
                        target_id: TargetRef::pool(self.chain.pool).id,
                    }
                    .into(),
                ],
            };
            let mut overlay = Overlay::new(&mut self.chain.state);
            let started = Instant::now();
            let result = phalanx_app::execute_tx(&mut overlay, info, &tx)?;
            samples.push(started.elapsed());
            if !result.is_ok() {
                bail!(
                    "withdrawal failed ({} {}): {}",
                    result.codespace,
                    result.code,
                    result.log
                );
            }
            match result.responses.first() {
                Some(MsgResponse::Amount(paid)) if paid.amount_of(REWARD_DENOM) > 0 => {}
                other => bail!("withdrawal paid nothing: {other:?}"),
            }
        }
        median_us(samples)
    }

    /// Runs `blocks` empty blocks; fails unless every one of them allocated the plan's rate.
    fn run_empty_blocks(&mut self, blocks: u64) -> Result<Duration> {
        let before = self.plan_balance()?;
        let started = Instant::now();
        for _ in 0..blocks {
            self.chain.block(Vec::new())?;
        }
        let elapsed = started.elapsed();
        let moved = before.saturating_sub(self.plan_balance()?);
        let per_block = PLAN_PER_DAY
            .saturating_mul(u128::from(BLOCK_SECS))
            .checked_div(u128::from(DAY_SECS))
            .unwrap_or(0);
        if moved < per_block.saturating_mul(u128::from(blocks)) {
            bail!("{blocks} blocks allocated only {moved}{REWARD_DENOM}, not {per_block} each");
        }
        Ok(elapsed)
    }
}

fn timed_build(
    delegators: usize,
    bystanders: usize,
    txs_per_block: usize,
) -> Result<(RewardChain, Duration)> {
    let (chain, took) = timed(|| RewardChain::build(delegators, bystanders, txs_per_block))?;
    eprintln!(
        "rewards: built a chain with {delegators} delegators behind the targets and {bystanders} \
         elsewhere in {:.2} s ({} keys in state)",
        took.as_secs_f64(),
        chain.chain.state.len()
    );
    Ok((chain, took))
}

/// Runs the rewards benchmark.
pub fn measure(cfg: &RewardsBenchConfig) -> Result<RewardsFigures> {
    if cfg.few_blocks == 0 || cfg.many_blocks < cfg.few_blocks {
        bail!("need 0 < few_blocks <= many_blocks");
    }
    // The small figure's state is padded to the large one's size with delegators elsewhere.
    let padding = cfg.large_delegators.saturating_sub(cfg.small_delegators);
    let (mut small, setup_small) = timed_build(cfg.small_delegators, padding, cfg.txs_per_block)?;
    let alloc_us_small = small.allocation_us(cfg.reps)?;
    eprintln!(
        "rewards: allocation with {} delegators: {alloc_us_small:.1} µs (median of {})",
        cfg.small_delegators, cfg.reps
    );
    drop(small);
    let (mut large, setup_large) = timed_build(cfg.large_delegators, 0, cfg.txs_per_block)?;
    let alloc_us_large = large.allocation_us(cfg.reps)?;
    eprintln!(
        "rewards: allocation with {} delegators: {alloc_us_large:.1} µs (median of {})",
        cfg.large_delegators, cfg.reps
    );
    drop(large);

    let (mut chain, _) = timed_build(cfg.withdraw_delegators, 0, cfg.txs_per_block)?;
    // The build ends with one allocating block.
    let few = chain.run_empty_blocks(cfg.few_blocks.saturating_sub(1))?;
    let withdraw_us_few = chain.withdraw_us(cfg.reps)?;
    eprintln!(
        "rewards: withdrawal after {} allocation blocks: {withdraw_us_few:.1} µs (median of {})",
        cfg.few_blocks, cfg.reps
    );
    let rest = cfg.many_blocks.saturating_sub(cfg.few_blocks);
    let many = chain.run_empty_blocks(rest)?;
    let many_blocks_elapsed = few.saturating_add(many);
    eprintln!(
        "rewards: {rest} more allocation blocks in {:.2} s ({:.1} µs per block)",
        many.as_secs_f64(),
        many.as_secs_f64() * 1e6 / (rest.max(1) as f64)
    );
    let withdraw_us_many = chain.withdraw_us(cfg.reps)?;
    eprintln!(
        "rewards: withdrawal after {} allocation blocks: {withdraw_us_many:.1} µs (median of {})",
        cfg.many_blocks, cfg.reps
    );
    Ok(RewardsFigures {
        alloc_us_small,
        alloc_us_large,
        alloc_ratio: alloc_us_large / alloc_us_small,
        withdraw_us_few,
        withdraw_us_many,
        withdraw_ratio: withdraw_us_many / withdraw_us_few,
        setup_small,
        setup_large,
        many_blocks_elapsed,
    })
}
