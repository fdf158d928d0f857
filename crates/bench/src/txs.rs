//! Signed restaking transactions executed and committed through the real app on the real store.
//!
//! Many funded accounts send a mix of `MsgDelegatePool`, `MsgDelegateOperator` and
//! `MsgUndelegatePool`, signed beforehand (signing is the client's cost). Blocks are full: as many
//! transactions as `max_block_gas` admits at the benchmark gas limit. Each transaction takes the
//! node's path:
//! - admission: [`Mempool::check_ahead`] then [`Mempool::insert_checked`] (CheckTx: decode, size, gas, fee,
//!   sequence and the signature, verified here once and remembered), on a thread of its own, while
//!   the block before executes, as a node's API admits transactions while consensus executes;
//! - execution: the block is reaped from the mempool and run by [`execute_signed_block_with`], which
//!   repeats every check but takes the signature verdicts the mempool remembered; the mempool is then
//!   pruned and re-checked ([`Mempool::update`]);
//! - commit: one redb transaction with the JMT update, fsync on, pipelined with the next block
//!   ([`BlockBuffer::commit_pipelined`]).
//!
//! The store keeps the node's retention window, and the measured blocks come after enough warm-up
//! blocks to fill it and to start dropping old versions' runs of nodes, so each one prunes as on a
//! long-running node. The figure is transactions per second of wall time over the measured blocks.
//!
//! To explain the figure, each block's signatures are also verified apart, untimed, on every core
//! ([`ante::preverify_signatures`] with nothing remembered), before any block runs.
//!
//! [`BlockBuffer::commit_pipelined`]: phalanx_state::BlockBuffer::commit_pipelined

use crate::chain::{self, Key, Signer, check_block, pool_denom};
use anyhow::{Context, Result, anyhow, bail};
use phalanx_app::mempool::Mempool;
use phalanx_app::{BlockHeader, ante, execute_signed_block, execute_signed_block_with};
use phalanx_state::persistent::COMMIT_THREAD;
use phalanx_state::{PersistentConfig, PersistentState};
use phalanx_types::msgs::{Msg, MsgDelegateOperator, MsgDelegatePool, MsgUndelegatePool};
use phalanx_types::proto::tx::tx_hash;
use phalanx_types::{Coin, Coins, OperatorId, Timestamp};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

/// Shape of the throughput run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxBenchConfig {
    /// Funded delegator accounts; each block holds at most one transaction per account.
    pub accounts: usize,
    /// Operators registered (untimed) before the measured blocks.
    pub operators: usize,
    /// Blocks run before the measured ones, untimed: past the store's steady pruning height
    /// (`PersistentConfig::steady_pruning_height`), so the measured blocks pay for pruning as a
    /// long-running node does.
    pub warmup_blocks: usize,
    /// Measured blocks.
    pub blocks: usize,
    /// Transactions per block; at most a third of `accounts` (see `ADMISSION_LEAD`).
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
            // Past the height from which every commit prunes as a long-running node's does.
            warmup_blocks: usize::try_from(PersistentConfig::default().steady_pruning_height())
                .unwrap_or(usize::MAX)
                .saturating_add(1),
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
    /// Wall time over all measured blocks (admission, execution, commit).
    pub elapsed: Duration,
    /// Of which spent waiting for commits (JMT update, redb write, fsync): all of the commit time
    /// unpipelined, the part execution did not hide when pipelined.
    pub commit: Duration,
    /// Of which spent waiting for the mempool to admit a block's transactions: the part of
    /// admission (signature verification above all) that execution did not hide.
    pub admission: Duration,
    /// Time the blocks' signature checks take on their own, on every core (measured apart, not
    /// part of `elapsed`).
    pub verify: Duration,
    /// State keys the measured blocks changed (what the commit hashes and writes).
    pub changed_keys: u64,
    /// Transactions per second of wall time.
    pub per_second: f64,
    /// Transactions of each kind: pool delegations, operator delegations, pool undelegations.
    pub mix: [usize; 3],
    /// CPU time of the whole process (every thread, user and system) over the measured blocks, where
    /// the system reports it: on a machine whose cores are all busy, the cost that wall time hides.
    pub cpu: Option<Duration>,
    /// Of which each stage's thread used: execution (the main thread), admission, commit; the rest
    /// of `cpu` went to short-lived helper threads. `None` where the system does not report it.
    pub stage_cpu: Option<StageCpu>,
}

/// CPU time of the three stages' threads, as `/proc/self/task` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StageCpu {
    /// The thread that executes blocks (the main thread).
    pub execution: Duration,
    /// The thread that admits transactions into the mempool.
    pub admission: Duration,
    /// The store's commit thread.
    pub commit: Duration,
}

/// Name of the benchmark's admission thread, by which its CPU time is found.
const ADMISSION_THREAD: &str = "admission";

/// One planned transaction.
struct Planned {
    account: usize,
    sequence: u64,
    msg: Msg,
}

fn plan(cfg: &TxBenchConfig, keys: &[Key], operators: &[OperatorId]) -> Result<Vec<Planned>> {
    let total = cfg
        .warmup_blocks
        .checked_add(cfg.blocks)
        .and_then(|b| b.checked_mul(cfg.txs_per_block))
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
    if cfg.txs_per_block == 0 || cfg.txs_per_block.saturating_mul(ADMISSION_LEAD) > cfg.accounts {
        bail!(
            "txs_per_block must be positive and at most accounts / {ADMISSION_LEAD}, so no account \
             has a transaction in blocks that admission and execution handle at the same time"
        );
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

    // Fsync on every commit and the node's retention window, as a node runs.
    let store =
        PersistentState::open_with(dir.path().join("state.redb"), PersistentConfig::default())?;
    let mut buffer = store.begin_block(0)?;
    phalanx_app::init_genesis(&mut buffer, &genesis)?;
    buffer.commit()?;
    let snapshot = store.snapshot()?;
    let numbers = chain::account_numbers(&snapshot, &delegators)?;
    let admin_numbers = chain::account_numbers(&snapshot, &admins)?;
    drop(snapshot);

    // Untimed setup block: operators and pools exist before the measured blocks.
    let time = next_time(genesis.genesis_time);
    let setup = chain::setup_txs(&admins, &admin_numbers)?;
    let (result, _) = run_block(&store, 1, time, &setup)?;
    let operators = check_block(1, &result)?;

    let planned = plan(cfg, &delegators, &operators)?;
    let mut mix = [0usize; 3];
    for p in planned
        .iter()
        .skip(cfg.warmup_blocks.saturating_mul(cfg.txs_per_block))
    {
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
    let blocks: Vec<&[Vec<u8>]> = txs.chunks(cfg.txs_per_block).collect();

    // The signatures on their own, untimed and before any block, for the breakdown.
    let mut verify = Duration::ZERO;
    for block in blocks.iter().skip(cfg.warmup_blocks) {
        verify = verify.saturating_add(verify_apart(&store, block)?);
    }
    eprintln!(
        "tx throughput: {} warm-up and {} measured blocks of {} txs (fsync on, pruning beyond {} \
         versions); each block's txs are admitted to the mempool while the block before executes",
        cfg.warmup_blocks,
        cfg.blocks,
        cfg.txs_per_block,
        PersistentConfig::default().retain_versions
    );
    let pool = Mutex::new(Mempool::new(
        cfg.txs_per_block.saturating_mul(ADMISSION_LEAD),
        usize::MAX,
    ));
    let (permit, permits) = mpsc::channel::<usize>();
    let (admitted, admissions) = mpsc::channel::<Result<usize>>();
    let timing = std::thread::scope(|s| -> Result<Timing> {
        let (store, pool, blocks) = (&store, &pool, &blocks);
        let admission = std::thread::Builder::new()
            .name(ADMISSION_THREAD.to_string())
            .spawn_scoped(s, move || {
                admit_blocks(store, pool, blocks, permits, admitted)
            })
            .context("starting the admission thread")?;
        // Blocks 0 and 1 build on committed state; each later one once its accounts' last
        // transactions (ADMISSION_LEAD blocks back) are committed.
        for first in 0..ADMISSION_LEAD.saturating_sub(1) {
            permit.send(first).context("the admission thread stopped")?;
        }
        let timing = execute_blocks(cfg, store, pool, blocks, time, &permit, &admissions);
        drop(permit);
        let admitted = admission
            .join()
            .map_err(|_| anyhow!("the admission thread panicked"))?;
        let timing = timing?;
        admitted?;
        Ok(timing)
    })?;

    let first = FIRST_HEIGHT.saturating_add(u64::try_from(cfg.warmup_blocks)?);
    let mut changed_keys = 0u64;
    for h in first..first.saturating_add(u64::try_from(cfg.blocks)?) {
        let record = store
            .block(h)?
            .with_context(|| format!("block {h} was not committed"))?;
        changed_keys = changed_keys.saturating_add(record.changed_keys);
    }
    let executed = cfg.blocks.saturating_mul(cfg.txs_per_block);
    let t = TxThroughput {
        txs: executed,
        blocks: cfg.blocks,
        elapsed: timing.elapsed,
        commit: timing.commit,
        admission: timing.admission,
        verify,
        changed_keys,
        per_second: crate::per_second(executed, timing.elapsed),
        mix,
        cpu: timing.cpu,
        stage_cpu: timing.stage_cpu,
    };
    t.print_breakdown();
    Ok(t)
}

/// Blocks an account's transactions are apart, at least: the transactions of block `n` are admitted
/// while block `n - 1` executes, against state that includes block `n - 3` (block `n - 2` may still be
/// committing), so no account may have a transaction in two of any three consecutive blocks.
const ADMISSION_LEAD: usize = 3;

/// Height of the first planned block (genesis is 0, the setup block 1).
const FIRST_HEIGHT: u64 = 2;

/// Where the wall time of the measured blocks went.
struct Timing {
    elapsed: Duration,
    commit: Duration,
    admission: Duration,
    cpu: Option<Duration>,
    stage_cpu: Option<StageCpu>,
}

/// CPU time the process has used so far, all threads (exited ones too), user and system; `None`
/// where `/proc/self/stat` is not available.
fn process_cpu() -> Option<Duration> {
    cpu_of_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

/// The user plus system time in a `/proc/<pid>/stat` line, its clock ticks taken as the usual 100
/// per second. The command name, in parentheses, may itself hold spaces and parentheses, so fields
/// are counted from the last `)`: utime and stime are fields 14 and 15 of the line.
fn cpu_of_stat(stat: &str) -> Option<Duration> {
    let rest = stat.get(stat.rfind(')')?.checked_add(2)?..)?;
    let mut fields = rest.split(' ').skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis(
        utime.checked_add(stime)?.checked_mul(10)?,
    ))
}

/// CPU time each stage's thread has used so far, from `/proc/self/task/*/stat`; `None` where that is
/// not available.
fn stage_cpu() -> Option<StageCpu> {
    let main = std::process::id().to_string();
    let mut stages = StageCpu::default();
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let task = task.ok()?;
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue; // the thread ended meanwhile
        };
        let cpu = cpu_of_stat(&stat)?;
        let name = stat
            .find('(')
            .zip(stat.rfind(')'))
            .and_then(|(open, close)| stat.get(open.checked_add(1)?..close))?;
        let slot = if task.file_name().to_str() == Some(main.as_str()) {
            &mut stages.execution
        } else if name == ADMISSION_THREAD {
            &mut stages.admission
        } else if name == COMMIT_THREAD {
            &mut stages.commit
        } else {
            continue;
        };
        *slot = slot.saturating_add(cpu);
    }
    Some(stages)
}

impl StageCpu {
    /// The CPU time used since `earlier`.
    fn since(&self, earlier: &StageCpu) -> Option<StageCpu> {
        Some(StageCpu {
            execution: self.execution.checked_sub(earlier.execution)?,
            admission: self.admission.checked_sub(earlier.admission)?,
            commit: self.commit.checked_sub(earlier.commit)?,
        })
    }
}

/// The admission side, as a node's API takes transactions while it executes blocks: for each block
/// once permitted, verifies every transaction's signature outside the mempool's lock and inserts it
/// (CheckTx), against the last committed state; then reports how many were admitted.
fn admit_blocks(
    store: &PersistentState,
    pool: &Mutex<Mempool>,
    blocks: &[&[Vec<u8>]],
    permits: mpsc::Receiver<usize>,
    admitted: mpsc::Sender<Result<usize>>,
) -> Result<()> {
    let signatures = pool
        .lock()
        .map_err(|_| anyhow!("mempool lock poisoned"))?
        .signatures();
    while let Ok(index) = permits.recv() {
        let block = blocks
            .get(index)
            .ok_or_else(|| anyhow!("no planned block {index}"))?;
        let admit = || -> Result<usize> {
            let snapshot = store.snapshot()?;
            // As the node does: checked for the height after the state's (the commits may lag
            // behind the block the transactions are planned for; their accounts are not in those).
            let height = snapshot.height().unwrap_or(0).saturating_add(1);
            for tx in block.iter() {
                // As the node does: the costly checks before taking the lock; the insert adds the
                // check against the signer's waiting transactions.
                let checked = Mempool::check_ahead(&snapshot, tx.clone(), height, &signatures);
                pool.lock()
                    .map_err(|_| anyhow!("mempool lock poisoned"))?
                    .insert_checked(&snapshot, checked)
                    .with_context(|| format!("admitting a transaction at height {height}"))?;
            }
            Ok(block.len())
        };
        let outcome = admit();
        let failed = outcome.is_err();
        if admitted.send(outcome).is_err() || failed {
            break;
        }
    }
    Ok(())
}

/// The consensus side: for each block, waits for its admission, reaps it from the mempool, executes
/// it taking the mempool's verified signatures, commits it (pipelined or not), prunes the mempool,
/// and permits the admission of the block [`ADMISSION_LEAD`] - 1 ahead. Times the measured blocks.
fn execute_blocks(
    cfg: &TxBenchConfig,
    store: &PersistentState,
    pool: &Mutex<Mempool>,
    blocks: &[&[Vec<u8>]],
    mut time: Timestamp,
    permit: &mpsc::Sender<usize>,
    admissions: &mpsc::Receiver<Result<usize>>,
) -> Result<Timing> {
    let locked = || pool.lock().map_err(|_| anyhow!("mempool lock poisoned"));
    let signatures = locked()?.signatures();
    let mut timing = Timing {
        elapsed: Duration::ZERO,
        commit: Duration::ZERO,
        admission: Duration::ZERO,
        cpu: None,
        stage_cpu: None,
    };
    let mut started = Instant::now();
    let mut cpu_at_start = None;
    let mut stages_at_start = None;
    let mut buffer = store.begin_block(FIRST_HEIGHT)?;
    for (index, planned) in blocks.iter().enumerate() {
        if index == cfg.warmup_blocks {
            started = Instant::now();
            cpu_at_start = process_cpu();
            stages_at_start = stage_cpu();
        }
        let measured = index >= cfg.warmup_blocks;
        let height = buffer.height();
        time = next_time(time);

        let waiting = Instant::now();
        let count = admissions
            .recv()
            .map_err(|_| anyhow!("the admission thread stopped"))??;
        let admission = waiting.elapsed();
        // The gas of the planned block: the next block's transactions may already be arriving, and
        // they come after this block's in the mempool's arrival order.
        let gas = u64::try_from(planned.len())?.saturating_mul(chain::GAS_LIMIT);
        let block = locked()?.reap(usize::MAX, gas);
        if count != planned.len() || block.as_slice() != *planned {
            bail!("block {height}: the mempool did not give back the block's planned transactions");
        }

        let executing = Instant::now();
        let header = BlockHeader { height, time };
        let result = execute_signed_block_with(&mut buffer, &header, &block, Some(&signatures))?;
        check_block(height, &result)?;
        let execution = executing.elapsed();

        // As the node does: the mempool re-checks what the block's written keys may invalidate.
        let written = locked()?.written_keys(buffer.writes().keys());
        let waiting = Instant::now();
        let more = index.saturating_add(1) < blocks.len();
        let next = match (more, cfg.pipelined) {
            (true, true) => Some(buffer.commit_pipelined()?.1),
            (more, _) => {
                buffer.commit()?;
                more.then(|| store.begin_block(height.saturating_add(1)))
                    .transpose()?
            }
        };
        let waited = waiting.elapsed();
        if measured {
            timing.commit = timing.commit.saturating_add(waited);
            timing.admission = timing.admission.saturating_add(admission);
            eprintln!(
                "  block {height}: waited {:.1} ms for admission, executed in {:.1} ms, then \
                 waited {:.1} ms for commits",
                admission.as_secs_f64() * 1e3,
                execution.as_secs_f64() * 1e3,
                waited.as_secs_f64() * 1e3
            );
        }
        let Some(next) = next else {
            break;
        };
        buffer = next;
        // As the node does after each block: drop the included transactions, re-check the rest.
        let included: Vec<_> = block.iter().map(|t| tx_hash(t)).collect();
        locked()?.update(&buffer, height, &included, written);
        // The block ADMISSION_LEAD - 1 ahead: its accounts' last transactions are now committed.
        let ahead = index.saturating_add(ADMISSION_LEAD.saturating_sub(1));
        if ahead < blocks.len() {
            permit.send(ahead).context("the admission thread stopped")?;
        }
    }
    timing.elapsed = started.elapsed();
    timing.cpu = process_cpu()
        .zip(cpu_at_start)
        .and_then(|(end, start)| end.checked_sub(start));
    timing.stage_cpu = stage_cpu()
        .zip(stages_at_start)
        .and_then(|(end, start)| end.since(&start));
    Ok(timing)
}

/// Verifies `block`'s signatures as the app's parallel pass does, apart from the block; returns the
/// time taken. Every signature must verify (the benchmark signs only valid transactions).
fn verify_apart(store: &PersistentState, block: &[Vec<u8>]) -> Result<Duration> {
    let snapshot = store.snapshot()?;
    let started = Instant::now();
    let verdicts = ante::preverify_signatures(&snapshot, block, None)?;
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
            .saturating_sub(self.admission);
        eprintln!(
            "tx throughput breakdown per tx: execution {:.1} us ({:.0}%), waiting for admission \
             {:.1} us ({:.0}%), waiting for commits {:.1} us ({:.0}%); signatures alone, on every \
             core: {:.1} us; {:.1} changed keys per tx",
            per_tx(execute),
            share(execute),
            per_tx(self.admission),
            share(self.admission),
            per_tx(self.commit),
            share(self.commit),
            per_tx(self.verify),
            // u64/usize → f64 is exact for any count measured here.
            self.changed_keys as f64 / self.txs.max(1) as f64
        );
        if let Some(cpu) = self.cpu {
            eprintln!(
                "tx throughput CPU per tx, all threads: {:.1} us ({:.2} cores busy)",
                per_tx(cpu),
                cpu.as_secs_f64() / self.elapsed.as_secs_f64()
            );
        }
        if let Some(stages) = self.stage_cpu {
            eprintln!(
                "tx throughput CPU per tx by thread: execution {:.1} us, admission {:.1} us, \
                 commit {:.1} us",
                per_tx(stages.execution),
                per_tx(stages.admission),
                per_tx(stages.commit)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_from_fields_14_and_15_after_the_command_name() {
        let line = "4242 (phalanx (bench) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 \
                    1234 56 0 0 20 0 3 0 100 1000000 200 18446744073709551615";
        assert_eq!(cpu_of_stat(line), Some(Duration::from_millis(12_900)));
        assert_eq!(cpu_of_stat("4242 (short) R 1"), None);
        assert_eq!(cpu_of_stat("no parenthesis"), None);
    }
}
