//! API latency under an open-loop, paced load on loopback.
//!
//! A real [`NodeCore`] (redb + JMT state, block index, mempool) on a temporary home gets funded
//! accounts, operators and pool and operator delegations through [`NodeCore::execute`], the path
//! consensus drives. [`phalanx_api::serve`] then listens on `127.0.0.1:0` on its own runtime, and a
//! client on another thread sends requests at a fixed rate whether or not earlier ones have
//! answered (open loop), over a pool of keep-alive HTTP/1 connections. A request's latency runs from
//! the moment it is dispatched until its whole body is read, so waiting for a free connection when
//! the server falls behind counts against the server.

use crate::chain::{self, Key, Signer, check_block};
use anyhow::{Context, Result, anyhow, bail};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use phalanx_api::{ApiConfig, NodeView};
use phalanx_app::Genesis;
use phalanx_app::mempool::Mempool;
use phalanx_consensus::Block;
use phalanx_node::core::NodeCore;
use phalanx_node::index::Index;
use phalanx_state::PersistentState;
use phalanx_types::msgs::{Msg, MsgDelegateOperator, MsgDelegatePool};
use phalanx_types::{Coin, Coins, OperatorId};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, mpsc};

/// Shape of the latency run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiBenchConfig {
    /// Requests per second the client dispatches.
    pub rps: u32,
    /// How long the client dispatches.
    pub duration: Duration,
    /// Funded accounts in the node's state.
    pub accounts: usize,
    /// Accounts (the first ones) that delegate to a pool and to an operator.
    pub delegators: usize,
    /// Operators registered.
    pub operators: usize,
    /// Keep-alive connections the client spreads requests over.
    pub connections: usize,
}

impl Default for ApiBenchConfig {
    fn default() -> Self {
        Self {
            rps: 1_000,
            duration: Duration::from_secs(10),
            accounts: 1_000,
            delegators: 300,
            operators: 3,
            connections: 32,
        }
    }
}

/// The outcome of a latency run.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiLatency {
    /// Requests answered (all with status 200).
    pub requests: usize,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Slowest request, milliseconds.
    pub max_ms: f64,
    /// Answered requests per second, from the first dispatch to the last answer.
    pub achieved_rps: f64,
}

/// A node with state worth querying, on a temporary home.
struct Node {
    core: Arc<NodeCore>,
    paths: Vec<String>,
    _home: tempfile::TempDir,
}

fn signed(key: &Key, account_number: u64, sequence: u64, msg: Msg) -> Result<Vec<u8>> {
    chain::sign(
        Signer {
            key,
            account_number,
            sequence,
        },
        &[msg],
    )
}

/// Executes `txs` as the next block through [`NodeCore::execute`] and checks that all succeeded.
fn execute(core: &NodeCore, genesis: &Genesis, txs: Vec<Vec<u8>>) -> Result<Vec<OperatorId>> {
    let (last, app_hash) = core.last_executed()?;
    let height = last.checked_add(1).context("height overflow")?;
    let genesis_ms = genesis.genesis_time.0 / 1_000_000;
    let parent = Block::genesis(genesis_ms, app_hash).block_digest();
    let ts = genesis_ms.saturating_add(height.saturating_mul(1_000));
    core.execute(&Block::new(height, parent, ts, last, app_hash, txs))?;
    let block = core
        .block(height)
        .map_err(|e| anyhow!("reading block {height} back: {e:?}"))?
        .with_context(|| format!("block {height} was not indexed"))?;
    let results = block.results.context("block without results")?;
    check_block(height, &results)
}

/// Builds the node: genesis, operators and pools, then pool and operator delegations.
fn node(cfg: &ApiBenchConfig) -> Result<Node> {
    let home = tempfile::tempdir().context("creating a temporary home")?;
    let accounts = Key::family("api-account", cfg.accounts.max(cfg.delegators).max(1))?;
    let admins = Key::family("api-operator-admin", cfg.operators.max(1))?;
    let addresses: Vec<_> = accounts.iter().chain(&admins).map(|k| k.address).collect();
    let genesis = chain::funded_genesis(&addresses)?;
    let store = PersistentState::open(home.path().join("state.redb"))?;
    let index = Index::open(&home.path().join("index.redb"))?;
    let core = NodeCore::open(
        store,
        index,
        &genesis,
        Mempool::new(5_000, 64 << 20),
        "bench-node".into(),
        "bench".into(),
    )?;
    let snapshot = core
        .snapshot()
        .map_err(|e| anyhow!("snapshot after genesis: {e:?}"))?;
    let numbers = chain::account_numbers(&*snapshot, &accounts)?;
    let admin_numbers = chain::account_numbers(&*snapshot, &admins)?;
    drop(snapshot);

    let operators = execute(&core, &genesis, chain::setup_txs(&admins, &admin_numbers)?)?;
    let first_operator = *operators.first().context("no operator registered")?;
    let delegators: Vec<(usize, &Key, u64)> = accounts
        .iter()
        .zip(&numbers)
        .take(cfg.delegators)
        .enumerate()
        .map(|(i, (k, n))| (i, k, *n))
        .collect();
    let operator_of = |i: usize| -> OperatorId {
        i.checked_rem(operators.len())
            .and_then(|j| operators.get(j).copied())
            .unwrap_or(first_operator)
    };
    let pool_txs = delegators
        .iter()
        .map(|&(i, k, n)| {
            let msg = MsgDelegatePool {
                delegator: k.address,
                amount: Coin::new(chain::pool_denom(i), 2_000_000),
            };
            signed(k, n, 0, msg.into())
        })
        .collect::<Result<Vec<_>>>()?;
    execute(&core, &genesis, pool_txs)?;
    let operator_txs = delegators
        .iter()
        .map(|&(i, k, n)| {
            let msg = MsgDelegateOperator {
                delegator: k.address,
                operator_id: operator_of(i),
                amount: Coins::single("uatom", 1_000_000)?,
            };
            signed(k, n, 1, msg.into())
        })
        .collect::<Result<Vec<_>>>()?;
    execute(&core, &genesis, operator_txs)?;

    let snapshot = core
        .snapshot()
        .map_err(|e| anyhow!("snapshot after setup: {e:?}"))?;
    let mut pool_ids = Vec::new();
    for denom in chain::POOL_DENOMS {
        let pool = phalanx_protocol::pools::pool_by_denom(&*snapshot, denom)?
            .with_context(|| format!("no pool of {denom}"))?;
        pool_ids.push(pool.id);
    }
    drop(snapshot);

    // A fixed, varied mix: status, balances (Phalanx and Cosmos shapes), accounts, pool and operator
    // delegations (one record and short lists), operators.
    let mut paths = Vec::new();
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for n in 0..4_096usize {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let pick = usize::try_from(rng >> 32)?;
        let account = accounts
            .get(pick.checked_rem(accounts.len()).unwrap_or(0))
            .context("account")?;
        let d = pick.checked_rem(delegators.len().max(1)).unwrap_or(0);
        let delegator = delegators
            .get(d)
            .map_or(account.address, |(_, k, _)| k.address);
        let pool = pool_ids
            .get(d.checked_rem(2).unwrap_or(0))
            .copied()
            .context("pool")?;
        let op = operator_of(d);
        let path = match n.checked_rem(10).unwrap_or(0) {
            0 => "/status".to_string(),
            1 => format!("/cosmos/bank/v1beta1/balances/{}", account.address),
            2 => format!("/phalanx/bank/v1/balances/{}", account.address),
            3 => format!("/cosmos/auth/v1beta1/accounts/{}", account.address),
            4 => format!(
                "/phalanx/restaking/v1/pools/{}/delegations/{delegator}",
                pool.0
            ),
            5 => format!(
                "/phalanx/restaking/v1/pools/{}/delegations?pagination.limit=10",
                pool.0
            ),
            6 => format!("/phalanx/restaking/v1/delegations/{delegator}/pools"),
            7 => format!("/phalanx/operators/v1/operators/{}", op.0),
            8 => format!(
                "/phalanx/restaking/v1/operators/{}/delegations/{delegator}",
                op.0
            ),
            _ => format!("/phalanx/restaking/v1/delegations/{delegator}/operators"),
        };
        paths.push(path);
    }
    Ok(Node {
        core,
        paths,
        _home: home,
    })
}

/// A request due to be sent.
struct Job {
    path: Arc<str>,
    dispatched: Instant,
}

/// What one connection measured: latencies, and the first failure if any.
#[derive(Default)]
struct WorkerReport {
    latencies: Vec<Duration>,
    failures: usize,
    first_failure: Option<String>,
    last_done: Option<Instant>,
}

async fn connect(
    addr: SocketAddr,
) -> Result<hyper::client::conn::http1::SendRequest<Empty<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // The connection ends when the sender is dropped; its error then is of no interest.
        let _ = conn.await;
    });
    Ok(sender)
}

async fn get(
    sender: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    addr: SocketAddr,
    path: &str,
) -> Result<()> {
    sender.ready().await?;
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, addr.to_string())
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    if status != hyper::StatusCode::OK {
        bail!(
            "GET {path}: {status}: {}",
            String::from_utf8_lossy(body.get(..body.len().min(200)).unwrap_or_default())
        );
    }
    Ok(())
}

async fn worker(addr: SocketAddr, jobs: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>) -> WorkerReport {
    let mut report = WorkerReport::default();
    let mut sender = None;
    loop {
        let job = { jobs.lock().await.recv().await };
        let Some(job) = job else { break };
        let outcome = async {
            let s = match sender.as_mut() {
                Some(s) => s,
                None => sender.insert(connect(addr).await?),
            };
            get(s, addr, &job.path).await
        }
        .await;
        let done = Instant::now();
        match outcome {
            Ok(()) => report
                .latencies
                .push(done.saturating_duration_since(job.dispatched)),
            Err(e) => {
                // Reconnect for the next request.
                sender = None;
                report.failures = report.failures.saturating_add(1);
                report.first_failure.get_or_insert_with(|| e.to_string());
            }
        }
        report.last_done = Some(done);
    }
    report
}

/// Dispatches `total` requests at `rps`, cycling through `paths`, and collects the reports.
async fn drive(
    addr: SocketAddr,
    paths: &[Arc<str>],
    cfg: &ApiBenchConfig,
) -> Result<(Vec<WorkerReport>, Instant)> {
    let (tx, rx) = mpsc::unbounded_channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (0..cfg.connections.max(1))
        .map(|_| tokio::spawn(worker(addr, Arc::clone(&rx))))
        .collect();
    let total =
        usize::try_from(u128::from(cfg.rps).saturating_mul(cfg.duration.as_millis()) / 1_000)?;
    let period = Duration::from_secs(1)
        .checked_div(cfg.rps.max(1))
        .context("rps")?;
    let start = Instant::now();
    let mut sent = 0usize;
    while sent < total {
        // Send every request whose time has come (catching up after a coarse timer tick), then
        // sleep until the next one is due.
        let now = Instant::now();
        let due = usize::try_from(
            now.saturating_duration_since(start)
                .as_nanos()
                .checked_div(period.as_nanos())
                .unwrap_or(0),
        )?
        .saturating_add(1)
        .min(total);
        while sent < due {
            let path = paths
                .get(sent.checked_rem(paths.len()).unwrap_or(0))
                .context("no paths")?;
            tx.send(Job {
                path: Arc::clone(path),
                dispatched: now,
            })
            .map_err(|_| anyhow!("every connection worker stopped"))?;
            sent = sent.saturating_add(1);
        }
        let next = period
            .checked_mul(u32::try_from(sent)?)
            .and_then(|d| start.checked_add(d))
            .context("schedule overflow")?;
        tokio::time::sleep_until(next.into()).await;
    }
    drop(tx);
    let mut reports = Vec::with_capacity(workers.len());
    for w in workers {
        reports.push(w.await?);
    }
    Ok((reports, start))
}

fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    // Nearest rank: the smallest latency with at least p of them at or below it.
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.saturating_sub(1).min(sorted.len().saturating_sub(1)))
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

/// Runs the latency benchmark: builds the node, serves the API, drives the paced load.
pub fn measure(cfg: &ApiBenchConfig) -> Result<ApiLatency> {
    eprintln!(
        "api: building a node with {} accounts, {} operators and {} delegators",
        cfg.accounts, cfg.operators, cfg.delegators
    );
    let node = node(cfg)?;
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(crate::cores())
        .enable_all()
        .thread_name("bench-api-server")
        .build()?;
    let view: Arc<dyn NodeView> = node.core.clone();
    let listen: SocketAddr = ([127, 0, 0, 1], 0).into();
    let server = server_rt.block_on(phalanx_api::serve(listen, view, ApiConfig::default()))?;
    let addr = server.local_addr();
    eprintln!(
        "api: serving on http://{addr}; {} req/s for {:.1} s over {} connections",
        cfg.rps,
        cfg.duration.as_secs_f64(),
        cfg.connections
    );
    let paths: Vec<Arc<str>> = node.paths.iter().map(|p| Arc::from(p.as_str())).collect();
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Bounded in time: the load lasts `duration`; anything past a generous margin is a hang.
    let limit = cfg.duration.saturating_add(Duration::from_secs(30));
    let driven = client_rt.block_on(async {
        tokio::time::timeout(limit, drive(addr, &paths, cfg))
            .await
            .map_err(|_| anyhow!("the API run did not finish within {limit:?}"))?
    });
    let _ = server_rt.block_on(server.shutdown());
    drop(client_rt);
    server_rt.shutdown_timeout(Duration::from_secs(5));
    let (reports, start) = driven?;

    let failures: usize = reports.iter().map(|r| r.failures).sum();
    if let Some(first) = reports.iter().find_map(|r| r.first_failure.clone()) {
        bail!("{failures} API requests failed; the first: {first}");
    }
    let mut latencies: Vec<Duration> = reports
        .iter()
        .flat_map(|r| r.latencies.iter().copied())
        .collect();
    latencies.sort_unstable();
    let end = reports
        .iter()
        .filter_map(|r| r.last_done)
        .max()
        .unwrap_or(start);
    let requests = latencies.len();
    Ok(ApiLatency {
        requests,
        p50_ms: percentile_ms(&latencies, 0.50),
        p99_ms: percentile_ms(&latencies, 0.99),
        max_ms: percentile_ms(&latencies, 1.0),
        achieved_rps: crate::per_second(requests, end.saturating_duration_since(start)),
    })
}
