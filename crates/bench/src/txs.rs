//! Signed restaking transactions executed and committed through the real app on the real store.
//!
//! Many funded accounts send a mix of `MsgDelegatePool`, `MsgDelegateOperator` and
//! `MsgUndelegatePool`, signed beforehand (signing is the client's cost). Blocks are full: as many
//! transactions as `max_block_gas` admits at the benchmark gas limit. Each block goes through
//! [`PersistentState::begin_block`], [`execute_signed_block`] (decode, size, gas, fee, sequence and
//! signature checks per transaction, then execution) and [`BlockBuffer::commit`] (one redb
//! transaction with the JMT update, fsync on). The figure is transactions per second of wall time
//! over all measured blocks.
//!
//! To explain the figure, each block's signatures are also verified once more, untimed and apart
//! from the block ([`ante::preverify_signatures`], the app's own parallel pass), so the breakdown
//! splits the block's time into signature verification, the rest of execution, and commit.
//!
//! [`BlockBuffer::commit`]: phalanx_state::BlockBuffer::commit

use crate::chain::{self, Key, Signer, check_block, pool_denom};
use anyhow::{Context, Result, anyhow, bail};
use phalanx_app::{BlockHeader, ante, execute_signed_block};
use phalanx_state::{PersistentConfig, PersistentState};
use phalanx_types::msgs::{Msg, MsgDelegateOperator, MsgDelegatePool, MsgUndelegatePool};
use phalanx_types::{Coin, Coins, OperatorId, Timestamp};
use std::time::{Duration, Instant};

/// Shape of the throughput run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxBenchConfig {
    /// Funded delegator accounts; each block holds at most one transaction per account.
    pub accounts: usize,
    /// Operators registered (untimed) before the measured blocks.
    pub operators: usize,
    /// Measured blocks.
    pub blocks: usize,
    /// Transactions per block; must not exceed `accounts`.
    pub txs_per_block: usize,
    /// Commit each block in the background while the next executes
    /// ([`phalanx_state::BlockBuffer::commit_pipelined`]); off: commit, then start the next block.
    pub pipelined: bool,
}

impl Default for TxBenchConfig {
    fn default() -> Self {
        Self {
            accounts: 10_000,
            operators: 10,
            blocks: 30,
            txs_per_block: full_block(),
            pipelined: true,
        }
    }
}

/// Transactions in a full block: the default `max_block_gas` over the benchmark gas limit (2,000).
pub fn full_block() -> usize {
    let limit = ante::TxParams::default()
        .max_block_gas
        .checked_div(chain::GAS_LIMIT)
        .unwrap_or(1);
    usize::try_from(limit).unwrap_or(usize::MAX).max(1)
}

/// Kinds of transaction in the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    DelegatePool,
    DelegateOperator,
    UndelegatePool,
}

impl Kind {
    /// Round 0 gives every account a pool delegation; later rounds mix the three kinds, so an
    /// undelegation always has a delegation to take from.
    fn of(account: usize, round: usize) -> Self {
        if round == 0 {
            return Kind::DelegatePool;
        }
        match round.wrapping_add(account) % 3 {
            0 => Kind::DelegatePool,
            1 => Kind::DelegateOperator,
            _ => Kind::UndelegatePool,
        }
    }
}

/// The outcome of a throughput run.
#[derive(Debug, Clone, PartialEq)]
pub struct TxThroughput {
    /// Transactions executed and committed (all succeeded).
    pub txs: usize,
    /// Blocks measured.
    pub blocks: usize,
    /// Wall time over all measured blocks (begin, execute, commit).
    pub elapsed: Duration,
    /// Of which spent waiting for commits (JMT update, redb write, fsync): all of the commit time
    /// unpipelined, the part execution did not hide when pipelined.
    pub commit: Duration,
    /// Time the blocks' signature checks take on their own (measured apart, not part of `elapsed`).
    pub verify: Duration,
    /// State keys the measured blocks changed (what the commit hashes and writes).
    pub changed_keys: u64,
    /// Transactions per second of wall time.
    pub per_second: f64,
    /// Transactions of each kind: pool delegations, operator delegations, pool undelegations.
    pub mix: [usize; 3],
}

/// One planned transaction.
struct Planned {
    account: usize,
    sequence: u64,
    msg: Msg,
}

fn plan(cfg: &TxBenchConfig, keys: &[Key], operators: &[OperatorId]) -> Result<Vec<Planned>> {
    let total = cfg
        .blocks
        .checked_mul(cfg.txs_per_block)
        .ok_or_else(|| anyhow!("too many transactions"))?;
    let mut out = Vec::with_capacity(total);
    for i in 0..total {
        let account = i.checked_rem(cfg.accounts).context("no accounts")?;
        let round = i.checked_div(cfg.accounts).context("no accounts")?;
        let key = keys
            .get(account)
            .ok_or_else(|| anyhow!("no key {account}"))?;
        let delegator = key.address;
        let denom = pool_denom(account);
        let msg: Msg = match Kind::of(account, round) {
            Kind::DelegatePool => MsgDelegatePool {
                delegator,
                amount: Coin::new(denom, 1_000_000u128.saturating_add(account as u128 % 1000)),
            }
            .into(),
            Kind::DelegateOperator => MsgDelegateOperator {
                delegator,
                operator_id: *operators
                    .get(account.checked_rem(operators.len()).unwrap_or(0))
                    .ok_or_else(|| anyhow!("no operators registered"))?,
                amount: Coins::single("uatom", 500_000)?,
            }
            .into(),
            Kind::UndelegatePool => MsgUndelegatePool {
                delegator,
                amount: Coin::new(denom, 400_000),
            }
            .into(),
        };
        out.push(Planned {
            account,
            sequence: u64::try_from(round)?,
            msg,
        });
    }
    Ok(out)
}

/// Signs `planned` on every core, keeping the order.
fn sign_all(planned: &[Planned], keys: &[Key], numbers: &[u64]) -> Result<Vec<Vec<u8>>> {
    let chunk = planned.len().div_ceil(crate::cores()).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = planned
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || -> Result<Vec<Vec<u8>>> {
                    part.iter()
                        .map(|p| {
                            let key = keys.get(p.account).context("key")?;
                            let account_number = *numbers.get(p.account).context("number")?;
                            chain::sign(
                                Signer {
                                    key,
                                    account_number,
                                    sequence: p.sequence,
                                },
                                std::slice::from_ref(&p.msg),
                            )
                        })
                        .collect()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(planned.len());
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| anyhow!("a signing thread panicked"))??,
            );
        }
        Ok(all)
    })
}

/// One block through the real path: begin, execute the signed transactions, commit (fsync).
/// Returns the block result and the time spent in commit.
fn run_block(
    store: &PersistentState,
    height: u64,
    time: Timestamp,
    txs: &[Vec<u8>],
) -> Result<(phalanx_app::BlockResult, Duration)> {
    let mut buffer = store.begin_block(height)?;
    let result = execute_signed_block(&mut buffer, &BlockHeader { height, time }, txs)?;
    let committing = Instant::now();
    buffer.commit()?;
    Ok((result, committing.elapsed()))
}

fn next_time(t: Timestamp) -> Timestamp {
    Timestamp(t.0.saturating_add(1_000_000_000))
}

/// Runs the throughput benchmark in a fresh temporary directory.
pub fn measure(cfg: &TxBenchConfig) -> Result<TxThroughput> {
    if cfg.txs_per_block == 0 || cfg.txs_per_block > cfg.accounts {
        bail!("txs_per_block must be between 1 and the number of accounts");
    }
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    eprintln!(
        "tx throughput: deriving {} delegator and {} operator keys",
        cfg.accounts, cfg.operators
    );
    let delegators = Key::family("delegator", cfg.accounts)?;
    let admins = Key::family("operator-admin", cfg.operators.max(1))?;
    let addresses: Vec<_> = delegators
        .iter()
        .chain(&admins)
        .map(|k| k.address)
        .collect();
    let genesis = chain::funded_genesis(&addresses)?;

    // fsync on every commit, as a node runs (PersistentConfig::default()).
    let config = PersistentConfig::default();
    let store = PersistentState::open_with(dir.path().join("state.redb"), config)?;
    let mut buffer = store.begin_block(0)?;
    phalanx_app::init_genesis(&mut buffer, &genesis)?;
    buffer.commit()?;
    let snapshot = store.snapshot()?;
    let numbers = chain::account_numbers(&snapshot, &delegators)?;
    let admin_numbers = chain::account_numbers(&snapshot, &admins)?;
    drop(snapshot);

    // Untimed setup block: operators and pools exist before the measured blocks.
    let mut time = next_time(genesis.genesis_time);
    let setup = chain::setup_txs(&admins, &admin_numbers)?;
    let (result, _) = run_block(&store, 1, time, &setup)?;
    let operators = check_block(1, &result)?;

    let planned = plan(cfg, &delegators, &operators)?;
    let mut mix = [0usize; 3];
    for p in &planned {
        let slot = match p.msg {
            Msg::MsgDelegatePool(_) => mix.get_mut(0),
            Msg::MsgDelegateOperator(_) => mix.get_mut(1),
            _ => mix.get_mut(2),
        };
        if let Some(n) = slot {
            *n = n.saturating_add(1);
        }
    }
    eprintln!(
        "tx throughput: signing {} transactions on {} threads (not timed)",
        planned.len(),
        crate::cores()
    );
    let txs = sign_all(&planned, &delegators, &numbers)?;
    drop(planned);

    eprintln!(
        "tx throughput: executing {} blocks of {} signed txs (fsync on)",
        cfg.blocks, cfg.txs_per_block
    );
    // The signatures on their own, untimed and before the measured blocks, for the breakdown.
    let mut verify = Duration::ZERO;
    for block in txs.chunks(cfg.txs_per_block) {
        verify = verify.saturating_add(verify_apart(&store, block)?);
    }
    let mut commit = Duration::ZERO;
    let mut executed = 0usize;
    let first = 2u64;
    let mut buffer = store.begin_block(first)?;
    let mut blocks = txs.chunks(cfg.txs_per_block).peekable();
    let started = Instant::now();
    while let Some(block) = blocks.next() {
        let height = buffer.height();
        time = next_time(time);
        let executing = Instant::now();
        let result = execute_signed_block(&mut buffer, &BlockHeader { height, time }, block)?;
        let execution = executing.elapsed();
        check_block(height, &result)?;
        let waiting = Instant::now();
        let next = match (blocks.peek().is_some(), cfg.pipelined) {
            (true, true) => Some(buffer.commit_pipelined()?.1),
            (more, _) => {
                buffer.commit()?;
                more.then(|| store.begin_block(height.saturating_add(1)))
                    .transpose()?
            }
        };
        let waited = waiting.elapsed();
        commit = commit.saturating_add(waited);
        executed = executed.saturating_add(block.len());
        eprintln!(
            "  block {height}: {} txs executed in {:.1} ms, then {:.1} ms waiting for commits",
            block.len(),
            execution.as_secs_f64() * 1e3,
            waited.as_secs_f64() * 1e3
        );
        match next {
            Some(b) => buffer = b,
            None => break,
        }
    }
    let elapsed = started.elapsed();
    let mut changed_keys = 0u64;
    for h in first..first.saturating_add(u64::try_from(cfg.blocks)?) {
        let record = store
            .block(h)?
            .with_context(|| format!("block {h} was not committed"))?;
        changed_keys = changed_keys.saturating_add(record.changed_keys);
    }
    let t = TxThroughput {
        txs: executed,
        blocks: cfg.blocks,
        elapsed,
        commit,
        verify,
        changed_keys,
        per_second: crate::per_second(executed, elapsed),
        mix,
    };
    t.print_breakdown();
    Ok(t)
}

/// Verifies `block`'s signatures as the app's parallel pass does, apart from the block; returns the
/// time taken. Every signature must verify (the benchmark signs only valid transactions).
fn verify_apart(store: &PersistentState, block: &[Vec<u8>]) -> Result<Duration> {
    let snapshot = store.snapshot()?;
    let started = Instant::now();
    let verdicts = ante::preverify_signatures(&snapshot, block)?;
    let took = started.elapsed();
    if verdicts.iter().any(Option::is_none) {
        bail!("a benchmark signature did not verify ahead of its block");
    }
    Ok(took)
}

impl TxThroughput {
    /// Prints where a transaction's time goes, per transaction and as a share of the block time.
    fn print_breakdown(&self) {
        let per_tx = |d: Duration| {
            // usize → f64 is exact for any count measured here.
            d.as_secs_f64() * 1e6 / self.txs.max(1) as f64
        };
        let share = |d: Duration| 100.0 * d.as_secs_f64() / self.elapsed.as_secs_f64();
        let execute = self
            .elapsed
            .saturating_sub(self.commit)
            .saturating_sub(self.verify);
        eprintln!(
            "tx throughput breakdown per tx: signatures {:.1} us ({:.0}%), rest of execution \
             {:.1} us ({:.0}%), waiting for commits {:.1} us ({:.0}%); {:.1} changed keys per tx",
            per_tx(self.verify),
            share(self.verify),
            per_tx(execute),
            share(execute),
            per_tx(self.commit),
            share(self.commit),
            // u64/usize → f64 is exact for any count measured here.
            self.changed_keys as f64 / self.txs.max(1) as f64
        );
    }
}
