//! A 4-validator network of real `phalanxd` processes on loopback: finalized-transaction
//! throughput and block interval.
//!
//! The homes come from [`phalanx_node::testnet()`] (as `phalanxd testnet` writes them) with the
//! benchmark genesis ([`crate::chain::funded_genesis`], carrying the validator set `testnet` wrote)
//! in place of the demo one, so the benchmark holds the signing keys. Four `phalanxd start` processes run the BFT network; signed bank sends
//! are posted to all four APIs at once (each account through one node, its sequences in order),
//! and mempool gossip carries them to whichever validator leads. The figures come from the
//! finalized chain as node 0 serves it:
//!
//! - `network_4v_tps`: transactions committed (code 0) divided by the time from the first
//!   submission until the last one is committed;
//! - `network_4v_block_ms`: mean interval between the header times of the blocks finalized in
//!   that period.
//!
//! The `phalanxd` binary is taken from `PHALANXD_BIN`, or next to this executable (build it with
//! `cargo build --release -p phalanxd` first).

use crate::chain::{self, Key, Signer};
use anyhow::{Context, Result, anyhow, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use phalanx_node::home::{self, Home};
use phalanx_node::{TestnetOptions, testnet};
use phalanx_types::Timestamp;
use phalanx_types::msgs::{Msg, MsgSend};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Settings of the network benchmark.
#[derive(Debug, Clone)]
pub struct NetworkBenchConfig {
    /// Validators (and processes).
    pub validators: usize,
    /// Sending accounts; account `i` posts through node `i % validators`.
    pub accounts: usize,
    /// Transactions each account sends, sequences in order.
    pub txs_per_account: u64,
    /// Target block interval of the network.
    pub block_time_ms: u64,
    /// First loopback port (node K uses `base_port + 2K` and `+ 2K + 1`).
    pub base_port: u16,
    /// Give up if the load is not committed within this time.
    pub deadline: Duration,
}

impl Default for NetworkBenchConfig {
    fn default() -> Self {
        Self {
            validators: 4,
            accounts: 200,
            txs_per_account: 20,
            block_time_ms: 250,
            base_port: 36_600,
            deadline: Duration::from_secs(120),
        }
    }
}

/// What the network benchmark measured.
#[derive(Debug, Clone)]
pub struct NetworkFigures {
    /// Committed transactions per second.
    pub tps: f64,
    /// Mean interval between finalized blocks, in milliseconds.
    pub block_ms: f64,
    /// Transactions committed.
    pub txs: u64,
    /// Blocks finalized during the load.
    pub blocks: u64,
    /// From the first submission to the last commit.
    pub elapsed: Duration,
}

/// The child processes, killed (SIGKILL) on drop so a failed run leaves none behind.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn phalanxd_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PHALANXD_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().context("locating the benchmark executable")?;
    let sibling = exe
        .parent()
        .map(|dir| dir.join("phalanxd"))
        .ok_or_else(|| anyhow!("the benchmark executable has no directory"))?;
    if sibling.exists() {
        Ok(sibling)
    } else {
        bail!(
            "no phalanxd at {}: build it with `cargo build --release -p phalanxd` or set PHALANXD_BIN",
            sibling.display()
        )
    }
}

fn start_processes(binary: &Path, homes: &[PathBuf]) -> Result<Processes> {
    let mut children = Processes(Vec::with_capacity(homes.len()));
    for home in homes {
        let log = std::fs::File::create(home.join("node.log"))?;
        let child = Command::new(binary)
            .arg("start")
            .arg("--home")
            .arg(home)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        children.0.push(child);
    }
    Ok(children)
}

/// One request on a fresh loopback connection; returns the JSON answer.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<Value> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // Ends when the request is done; its error then is of no interest.
        let _ = conn.await;
    });
    let request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, addr.to_string())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.unwrap_or_default())))?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let bytes = response.into_body().collect().await?.to_bytes();
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{method} {path}: {status}: {value}");
    }
    Ok(value)
}

fn u64_of(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

async fn height(addr: SocketAddr) -> Result<u64> {
    let status = request(addr, "GET", "/status", None).await?;
    status
        .get("latest_height")
        .and_then(u64_of)
        .ok_or_else(|| anyhow!("/status has no latest_height"))
}

/// Posts every transaction of `accounts` (signed in order) to `addr`, one after another.
async fn post_all(addr: SocketAddr, txs: Vec<Vec<u8>>) -> Result<()> {
    for tx in txs {
        let body = serde_json::json!({ "tx_bytes": phalanx_api::encoding::base64(&tx) });
        request(addr, "POST", "/txs", Some(body.to_string())).await?;
    }
    Ok(())
}

/// A block's header time (milliseconds) and its transaction count and failures.
async fn block(addr: SocketAddr, height: u64) -> Result<(u64, u64, u64)> {
    let value = request(addr, "GET", &format!("/blocks/{height}"), None).await?;
    let block = value.get("block").unwrap_or(&value);
    let time = block
        .pointer("/header/time")
        .cloned()
        .ok_or_else(|| anyhow!("block {height} has no header time"))?;
    let time: Timestamp =
        serde_json::from_value(time).map_err(|e| anyhow!("block {height} time: {e}"))?;
    let txs = block
        .get("tx_hashes")
        .and_then(Value::as_array)
        .map_or(0, Vec::len) as u64;
    let failed = block
        .pointer("/results/tx_results")
        .and_then(Value::as_array)
        .map_or(0, |r| {
            r.iter()
                .filter(|t| t.get("code").and_then(u64_of) != Some(0))
                .count()
        }) as u64;
    Ok((time.as_nanos() / 1_000_000, txs, failed))
}

/// Runs the network, loads it and measures the figures.
pub fn measure(cfg: &NetworkBenchConfig) -> Result<NetworkFigures> {
    let binary = phalanxd_binary()?;
    let dir = tempfile::tempdir()?;
    let nodes = testnet(&TestnetOptions {
        validators: cfg.validators,
        base_port: cfg.base_port,
        output: dir.path().to_path_buf(),
        chain_id: chain::CHAIN_ID.to_string(),
        block_time_ms: cfg.block_time_ms,
        unbonding_secs: 60,
    })
    .map_err(|e| anyhow!("testnet: {e}"))?;
    let keys = Key::family("network", cfg.accounts)?;
    let addresses: Vec<_> = keys.iter().map(|k| k.address).collect();
    let homes: Vec<PathBuf> = nodes.iter().map(|n| PathBuf::from(&n.home)).collect();
    let first_home = Home(
        homes
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("no validators"))?,
    );
    // The validator set is chain state: keep the one `testnet` wrote into its genesis.
    let written: phalanx_app::Genesis = home::read_json(&first_home.genesis())
        .map_err(|e| anyhow!("reading the testnet genesis: {e}"))?;
    let mut genesis = chain::funded_genesis(&addresses)?;
    genesis.validators = written.validators;
    for h in &homes {
        home::write_json(&Home(h.clone()).genesis(), &genesis)
            .map_err(|e| anyhow!("writing genesis: {e}"))?;
    }
    let apis: Vec<SocketAddr> = nodes
        .iter()
        .map(|n| {
            n.api
                .trim_start_matches("http://")
                .parse()
                .map_err(|e| anyhow!("API address {}: {e}", n.api))
        })
        .collect::<Result<_>>()?;
    let first_api = *apis.first().ok_or_else(|| anyhow!("no validators"))?;

    // Account numbers follow the genesis order of the funded accounts.
    let mut state = phalanx_state::MemState::default();
    phalanx_app::init_genesis(&mut state, &genesis)?;
    let numbers = chain::account_numbers(&state, &keys)?;
    let mut per_node: Vec<Vec<Vec<u8>>> = vec![Vec::new(); apis.len()];
    for (i, (key, number)) in keys.iter().zip(&numbers).enumerate() {
        let to = keys
            .get(i.wrapping_add(1).checked_rem(keys.len()).unwrap_or(0))
            .map(|k| k.address)
            .ok_or_else(|| anyhow!("no recipient"))?;
        let queue = per_node
            .get_mut(i.checked_rem(apis.len()).unwrap_or(0))
            .ok_or_else(|| anyhow!("no node for account {i}"))?;
        for sequence in 0..cfg.txs_per_account {
            let msg: Msg = MsgSend {
                from_address: key.address,
                to_address: to,
                amount: phalanx_types::Coins::single("uphx", 1)?,
            }
            .into();
            let signer = Signer {
                key,
                account_number: *number,
                sequence,
            };
            queue.push(chain::sign(signer, &[msg])?);
        }
    }
    let total: u64 = per_node.iter().map(|q| q.len() as u64).sum();

    let processes = start_processes(&binary, &homes)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let figures = runtime.block_on(async {
        // Wait until every node finalizes.
        let waiting = Instant::now();
        loop {
            let mut all = true;
            for addr in &apis {
                if height(*addr).await.unwrap_or(0) < 2 {
                    all = false;
                }
            }
            if all {
                break;
            }
            if waiting.elapsed() > Duration::from_secs(60) {
                bail!("the network did not start within 60 s (logs in each home's node.log)");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let start_height = height(first_api).await?;
        let started = Instant::now();
        let senders: Vec<_> = apis
            .iter()
            .zip(per_node)
            .map(|(addr, txs)| tokio::spawn(post_all(*addr, txs)))
            .collect();
        let mut committed = 0u64;
        let mut failed = 0u64;
        let mut next = start_height.saturating_add(1);
        let mut times = Vec::new();
        while committed.saturating_add(failed) < total {
            if started.elapsed() > cfg.deadline {
                bail!(
                    "only {committed} of {total} transactions committed within {:?}",
                    cfg.deadline
                );
            }
            if height(first_api).await? < next {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            let (time, txs, bad) = block(first_api, next).await?;
            committed = committed.saturating_add(txs.saturating_sub(bad));
            failed = failed.saturating_add(bad);
            times.push(time);
            next = next.saturating_add(1);
        }
        let elapsed = started.elapsed();
        for sender in senders {
            sender.await??;
        }
        if failed > 0 {
            bail!("{failed} of {total} transactions failed in their blocks");
        }
        let (Some(first), Some(last)) = (times.first(), times.last()) else {
            bail!("no block finalized during the load");
        };
        let intervals = times.len().saturating_sub(1).max(1) as f64;
        Ok(NetworkFigures {
            tps: committed as f64 / elapsed.as_secs_f64(),
            block_ms: last.saturating_sub(*first) as f64 / intervals,
            txs: committed,
            blocks: times.len() as u64,
            elapsed,
        })
    });
    drop(processes);
    figures
}

/// Measures with the default settings, reports progress on stderr and hands both figures to
/// `emit` (the binary's one-line registration).
pub fn run(emit: &mut dyn FnMut(crate::Metric) -> Result<()>) -> Result<()> {
    let cfg = NetworkBenchConfig::default();
    eprintln!(
        "network: {} phalanxd processes on loopback, {} accounts x {} txs",
        cfg.validators, cfg.accounts, cfg.txs_per_account
    );
    let f = measure(&cfg)?;
    eprintln!(
        "network: {} txs in {} blocks in {:.2} s",
        f.txs,
        f.blocks,
        f.elapsed.as_secs_f64()
    );
    emit(crate::Metric::new("network_4v_tps", f.tps, "txs/s", 1))?;
    emit(crate::Metric::new(
        "network_4v_block_ms",
        f.block_ms,
        "ms",
        1,
    ))
}
