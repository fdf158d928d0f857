//! `init` and `start`: the validator key, and the process that runs storage, API and consensus.

use crate::core::{NodeApp, NodeCore};
use crate::home::{self, Home, HomeError, InitOptions, NodeConfig};
use crate::index::Index;
use commonware_codec::{DecodeExt, Encode};
use commonware_cryptography::Signer as _;
use commonware_runtime::Runner as _;
use phalanx_app::Genesis;
use phalanx_app::mempool::Mempool;
use phalanx_consensus::{EngineConfig, P2pConfig, PrivateKey, start, tokio_runtime_config};
use phalanx_state::PersistentState;
use phalanx_types::Timestamp;
use phalanx_types::encoding::{decode_hex, hex_lower};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The validator's consensus key as stored in `config/validator_key.json`.
#[derive(Serialize, Deserialize)]
struct ValidatorKeyFile {
    /// Hex of the 32-byte ed25519 secret.
    private_key: String,
    /// Hex of the public key, for operators to copy into other validators' configs.
    public_key: String,
}

/// Why the node could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum NodeRunError {
    /// Home directory problem.
    #[error(transparent)]
    Home(#[from] HomeError),
    /// Storage or execution problem.
    #[error(transparent)]
    Core(#[from] crate::core::CoreError),
    /// Consensus refused to start or stopped.
    #[error("consensus: {0}")]
    Consensus(String),
    /// Anything else, with what to do.
    #[error("{0}")]
    Other(String),
}

fn unhex(s: &str) -> Result<Vec<u8>, NodeRunError> {
    decode_hex(s).map_err(|e| NodeRunError::Other(format!("invalid hex {s:?}: {e}")))
}

pub(crate) fn new_validator_key() -> Result<PrivateKey, NodeRunError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| NodeRunError::Other(format!("no OS randomness: {e}")))?;
    PrivateKey::decode(seed.to_vec()).map_err(|e| NodeRunError::Other(e.to_string()))
}

fn load_validator_key(home: &Home) -> Result<PrivateKey, NodeRunError> {
    let file: ValidatorKeyFile = home::read_json(&home.validator_key())?;
    PrivateKey::decode(unhex(&file.private_key)?)
        .map_err(|e| NodeRunError::Other(format!("{}: {e}", home.validator_key().display())))
}

/// Options of `start` that override `config/node.json`.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// API listen address.
    pub api_address: Option<String>,
    /// p2p listen address.
    pub p2p_address: Option<String>,
}

/// What `init` may choose for a development chain.
#[derive(Debug, Clone)]
pub struct DevChainOptions {
    /// Chain id.
    pub chain_id: String,
    /// Name shown by `/status`.
    pub moniker: String,
    /// API listen address.
    pub api_address: String,
    /// p2p listen address.
    pub p2p_address: String,
    /// Target block interval in milliseconds.
    pub block_time_ms: u64,
    /// Unbonding and operator deactivation time, in seconds.
    pub unbonding_secs: u64,
}

impl Default for DevChainOptions {
    fn default() -> Self {
        Self {
            chain_id: "phalanx-dev".into(),
            moniker: "phalanx-node".into(),
            api_address: "127.0.0.1:1317".into(),
            p2p_address: "127.0.0.1:26656".into(),
            block_time_ms: 1000,
            unbonding_secs: 60,
        }
    }
}

/// Hex of a validator's public key, as written in configs.
pub(crate) fn public_key_hex(key: &PrivateKey) -> String {
    hex_lower(key.public_key().encode().as_ref())
}

/// Genesis time for a new chain: now, to the millisecond (block times are milliseconds).
///
/// The wall clock is read here, in node code, never by the state machine.
pub(crate) fn genesis_time_now() -> Result<Timestamp, NodeRunError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| NodeRunError::Other(format!("the system clock is before 1970: {e}")))?;
    let millis = u64::try_from(now.as_millis()).unwrap_or(u64::MAX);
    Ok(Timestamp(millis.saturating_mul(1_000_000)))
}

/// Writes `config/validator_key.json`.
pub(crate) fn write_validator_key(home: &Home, key: &PrivateKey) -> Result<(), NodeRunError> {
    home::write_json(
        &home.validator_key(),
        &ValidatorKeyFile {
            private_key: hex_lower(key.encode().as_ref()),
            public_key: public_key_hex(key),
        },
    )?;
    Ok(())
}

/// Initialises a home for a single-validator development chain.
pub fn init(home: &Home, o: &DevChainOptions) -> Result<(), NodeRunError> {
    let key = new_validator_key()?;
    let public = public_key_hex(&key);
    let genesis_time = genesis_time_now()?;
    home::init(
        home,
        &InitOptions {
            chain_id: o.chain_id.clone(),
            moniker: o.moniker.clone(),
            api_address: o.api_address.clone(),
            p2p_address: o.p2p_address.clone(),
            block_time_ms: o.block_time_ms,
            genesis_time,
            validator_public_key: public,
            unbonding_secs: o.unbonding_secs,
        },
    )?;
    write_validator_key(home, &key)
}

fn parse_addr(s: &str, what: &str) -> Result<SocketAddr, NodeRunError> {
    s.parse().map_err(|_| {
        NodeRunError::Other(format!(
            "{what} {s:?} is not HOST:PORT (e.g. 127.0.0.1:1317)"
        ))
    })
}

/// Runs the node until interrupted (Ctrl-C / SIGINT) or until consensus fails.
pub fn start_node(home: &Home, opts: &StartOptions) -> Result<(), NodeRunError> {
    let mut config: NodeConfig = home::read_json(&home.node_config())?;
    if let Some(a) = &opts.api_address {
        config.api_address.clone_from(a);
    }
    if let Some(p) = &opts.p2p_address {
        config.p2p_address.clone_from(p);
    }
    let genesis: Genesis = home::read_json(&home.genesis())?;
    let signer = load_validator_key(home)?;
    let data = home.data_dir();
    std::fs::create_dir_all(&data)
        .map_err(|e| NodeRunError::Other(format!("{}: {e}", data.display())))?;
    let store =
        PersistentState::open(data.join("state.redb")).map_err(crate::core::CoreError::from)?;
    let index = Index::open(&data.join("index.redb")).map_err(crate::core::CoreError::from)?;
    let mempool = Mempool::new(config.mempool_max_txs, config.mempool_max_bytes);
    let node_id = hex_lower(signer.public_key().encode().as_ref());
    let core = NodeCore::open(
        store,
        index,
        &genesis,
        mempool,
        config.moniker.clone(),
        node_id,
    )?;

    // The validator set is chain state: the participants of the current epoch come from it.
    let (epoch_length, validators) = core.consensus_validators()?;
    if validators.is_empty() {
        return Err(NodeRunError::Other(format!(
            "{}: validators.validators lists no validator; add at least one (ed25519 public key, \
             p2p address, power, name) or create the home with `phalanxd init` / `testnet`",
            home.genesis().display()
        )));
    }
    let mut participants = Vec::with_capacity(validators.len());
    let mut peers = Vec::with_capacity(validators.len());
    for (key, address) in validators {
        let address = if key == signer.public_key() {
            Some(parse_addr(&config.p2p_address, "p2p address")?)
        } else {
            address
        };
        participants.push(key.clone());
        if let Some(address) = address {
            peers.push((key, address));
        }
    }
    let api_addr = parse_addr(&config.api_address, "API address")?;
    let p2p = P2pConfig {
        listen: parse_addr(&config.p2p_address, "p2p address")?,
        peers,
        local: true,
    };
    let mut engine = EngineConfig::new(signer, participants, genesis.chain_id.as_bytes().to_vec());
    engine.epoch_length = std::num::NonZeroU64::new(epoch_length).ok_or_else(|| {
        NodeRunError::Other("validators params: epoch_length must be at least 1".to_string())
    })?;
    engine.genesis_time_ms = genesis.genesis_time.as_nanos() / 1_000_000;
    engine.set_block_time(Duration::from_millis(config.block_time_ms.max(1)));

    let runner =
        commonware_runtime::tokio::Runner::new(tokio_runtime_config(&data.join("consensus"), 2));
    runner.start(|context| async move {
        let view: Arc<dyn phalanx_api::NodeView> = core.clone();
        let api = phalanx_api::serve(api_addr, view, phalanx_api::ApiConfig::default())
            .await
            .map_err(|e| NodeRunError::Other(format!("cannot listen on {api_addr}: {e}")))?;
        let (height, _) = core.last_executed().map_err(crate::core::CoreError::from)?;
        println!(
            "phalanxd: chain {} at height {height}; API on http://{}",
            genesis.chain_id,
            api.local_addr()
        );
        let handle = start(context, engine, p2p, NodeApp(core.clone()))
            .await
            .map_err(|e| NodeRunError::Consensus(e.to_string()))?;
        core.set_gossip(handle.tx_gossip());
        let outcome = tokio::select! {
            _ = tokio::signal::ctrl_c() => Ok(()),
            e = handle.join() => Err(NodeRunError::Consensus(e.to_string())),
        };
        let _ = api.shutdown().await;
        outcome
    })
}
