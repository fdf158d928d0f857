//! The node's home directory: `config/genesis.json`, `config/node.json`, `config/validator_key.json`,
//! the demo keyring (`keyring-test/`) and `data/` (state, block index, consensus journal).
//!
//! `init` writes a single-validator development chain: demo accounts funded with every demo denom,
//! demo assets registered with USD prices, and `alice` as the authority that signs params and prices.

use phalanx_app::Genesis;
use phalanx_client::keyring::{Backend, Keyring};
use phalanx_types::msgs::{Asset, ValidatorInfo};
use phalanx_types::{Address, Coin, Coins, Dec, Timestamp};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Names of the demo keys `init` creates in the `test` keyring; the first is the authority.
pub const DEMO_KEYS: [&str; 4] = ["alice", "bob", "carol", "dave"];
/// What each demo account holds of each demo denom.
pub const DEMO_FUNDS: u128 = 1_000_000_000_000;

/// Settings of a node that are not consensus-critical: only this node's own name, addresses and
/// pacing. The validator set is chain state (genesis `validators.validators`, then governance),
/// so it is not configured here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeConfig {
    /// Name shown by `/status`.
    pub moniker: String,
    /// Where the JSON API listens.
    pub api_address: String,
    /// Where the p2p layer listens.
    pub p2p_address: String,
    /// Target interval between blocks, in milliseconds.
    pub block_time_ms: u64,
    /// Most transactions the mempool holds.
    pub mempool_max_txs: usize,
    /// Most bytes the mempool holds.
    pub mempool_max_bytes: usize,
}

/// Paths inside a home directory.
pub struct Home(pub PathBuf);

impl Home {
    /// `config/`.
    pub fn config_dir(&self) -> PathBuf {
        self.0.join("config")
    }
    /// `config/genesis.json`.
    pub fn genesis(&self) -> PathBuf {
        self.config_dir().join("genesis.json")
    }
    /// `config/node.json`.
    pub fn node_config(&self) -> PathBuf {
        self.config_dir().join("node.json")
    }
    /// `config/validator_key.json`.
    pub fn validator_key(&self) -> PathBuf {
        self.config_dir().join("validator_key.json")
    }
    /// `data/`.
    pub fn data_dir(&self) -> PathBuf {
        self.0.join("data")
    }
    /// Whether `init` has run here.
    pub fn is_initialised(&self) -> bool {
        self.genesis().exists() && self.node_config().exists() && self.validator_key().exists()
    }
}

/// Why the home directory could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    /// File system failure.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// A file does not parse.
    #[error("{0} is not valid: {1}")]
    Parse(PathBuf, String),
    /// The keyring failed.
    #[error("keyring: {0}")]
    Keyring(String),
    /// Something else is wrong; the message says what to do.
    #[error("{0}")]
    Invalid(String),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> HomeError + '_ {
    move |e| HomeError::Io(path.to_path_buf(), e)
}

/// Writes JSON to `path`, creating parent directories.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), HomeError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| HomeError::Parse(path.to_path_buf(), e.to_string()))?;
    std::fs::write(path, text).map_err(io(path))
}

/// Reads JSON from `path`.
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, HomeError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    serde_json::from_str(&text).map_err(|e| HomeError::Parse(path.to_path_buf(), e.to_string()))
}

/// Options of `init`.
pub struct InitOptions {
    /// Chain id.
    pub chain_id: String,
    /// Moniker.
    pub moniker: String,
    /// API listen address.
    pub api_address: String,
    /// p2p listen address.
    pub p2p_address: String,
    /// Block interval in milliseconds.
    pub block_time_ms: u64,
    /// Genesis time (the wall clock at init: node code, not the state machine).
    pub genesis_time: Timestamp,
    /// The validator's ed25519 public key, hex.
    pub validator_public_key: String,
    /// Unbonding time (and operator deactivation time) of the dev chain, in seconds: short, so a
    /// walkthrough can watch an unbonding complete.
    pub unbonding_secs: u64,
}

/// The demo genesis: demo keys funded, demo assets priced, the first demo key as authority.
pub fn demo_genesis(
    chain_id: &str,
    time: Timestamp,
    accounts: &[Address],
) -> Result<Genesis, HomeError> {
    let authority = *accounts
        .first()
        .ok_or_else(|| HomeError::Invalid("at least one demo account is needed".into()))?;
    let mut g = Genesis::new(chain_id, time, authority);
    let denoms = ["uatom", "ubtc", "uphx", "utia"];
    let funds = Coins::new(denoms.iter().map(|d| Coin::new(*d, DEMO_FUNDS)).collect())
        .map_err(|e| HomeError::Invalid(e.to_string()))?;
    let asset = |denom: &str, ticker: &str, exponent| Asset {
        denom: denom.into(),
        ticker: ticker.into(),
        exponent,
    };
    g.fund(accounts, &funds).price_assets(&[
        (asset("uatom", "ATOM", 6), Dec::from_int(5)),
        (asset("ubtc", "BTC", 8), Dec::from_int(90_000)),
        (asset("uphx", "PHX", 6), Dec::ONE),
        (asset("utia", "TIA", 6), Dec::from_int(2)),
    ]);
    // Demo prices are posted once at genesis; keep them valid for a year of local testing.
    g.assets.params.max_price_age = phalanx_types::Duration::from_hours(24 * 365);
    Ok(g)
}

/// Creates the demo keys (reusing any that exist) and returns their addresses, first key first.
pub fn demo_keys(home: &Path) -> Result<Vec<Address>, HomeError> {
    let keyring = Keyring::open(home, Backend::Test);
    let mut out = Vec::with_capacity(DEMO_KEYS.len());
    for name in DEMO_KEYS {
        let info = if keyring.contains(name) {
            keyring.get(name)
        } else {
            keyring.create(name, None).map(|(info, _mnemonic)| info)
        }
        .map_err(|e| HomeError::Keyring(e.to_string()))?;
        out.push(info.address);
    }
    Ok(out)
}

/// Writes genesis, node config and demo keys (the validator key is written by the caller, which owns
/// the consensus key type). Refuses to overwrite an existing genesis.
pub fn init(home: &Home, opts: &InitOptions) -> Result<(), HomeError> {
    if home.genesis().exists() {
        return Err(HomeError::Invalid(format!(
            "{} already exists; use another --home or delete it to start over",
            home.genesis().display()
        )));
    }
    let accounts = demo_keys(&home.0)?;
    let mut genesis = dev_genesis(
        &opts.chain_id,
        opts.genesis_time,
        &accounts,
        opts.unbonding_secs,
    )?;
    genesis.validators.validators = vec![ValidatorInfo {
        public_key: opts.validator_public_key.clone(),
        p2p_address: opts.p2p_address.clone(),
        power: 1,
        name: opts.moniker.clone(),
    }];
    write_json(&home.genesis(), &genesis)?;
    let config = NodeConfig {
        moniker: opts.moniker.clone(),
        api_address: opts.api_address.clone(),
        p2p_address: opts.p2p_address.clone(),
        block_time_ms: opts.block_time_ms,
        mempool_max_txs: DEFAULT_MEMPOOL_MAX_TXS,
        mempool_max_bytes: DEFAULT_MEMPOOL_MAX_BYTES,
    };
    write_json(&home.node_config(), &config)
}

/// Default bound of the mempool's transaction count.
pub const DEFAULT_MEMPOOL_MAX_TXS: usize = 5_000;
/// Default bound of the mempool's size in bytes.
pub const DEFAULT_MEMPOOL_MAX_BYTES: usize = 64 * 1024 * 1024;

/// The demo genesis with a development chain's short unbonding (and operator deactivation) time,
/// so a walkthrough can watch an unbonding complete. Shared by `init` and `testnet`.
pub fn dev_genesis(
    chain_id: &str,
    time: Timestamp,
    accounts: &[Address],
    unbonding_secs: u64,
) -> Result<Genesis, HomeError> {
    let mut genesis = demo_genesis(chain_id, time, accounts)?;
    let unbonding = phalanx_types::Duration::from_secs(unbonding_secs.max(1));
    genesis.restaking.params.unbonding_time = unbonding;
    genesis.operators.params.deactivation_time = unbonding;
    Ok(genesis)
}

/// Copies the `test` keyring of `from` into `to`, so every home of a local network can sign for
/// the same demo accounts.
pub fn copy_test_keyring(from: &Path, to: &Path) -> Result<(), HomeError> {
    let source = Keyring::open(from, Backend::Test);
    let target = Keyring::open(to, Backend::Test);
    let target_dir = target.dir();
    std::fs::create_dir_all(target_dir).map_err(io(target_dir))?;
    let entries = std::fs::read_dir(source.dir()).map_err(io(source.dir()))?;
    for entry in entries {
        let entry = entry.map_err(io(source.dir()))?;
        let path = entry.path();
        if path.is_file() {
            let destination = target_dir.join(entry.file_name());
            std::fs::copy(&path, &destination).map_err(io(&destination))?;
        }
    }
    Ok(())
}
