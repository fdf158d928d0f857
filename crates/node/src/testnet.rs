//! `testnet`: the homes of a local BFT network on loopback, one per validator.
//!
//! Every home gets the same genesis (demo accounts funded, as `init` does, and the validator set:
//! each validator's ed25519 key, p2p address, power and name), its own validator key, API and p2p
//! ports, and a copy of the demo keyring so the CLI can sign from any home.
//! `OUTPUT/testnet.json` lists each node's home, API URL and p2p address, for scripts and tests.

use crate::home::{self, Home, NodeConfig};
use crate::run::{
    NodeRunError, genesis_time_now, new_validator_key, public_key_hex, write_validator_key,
};
use phalanx_types::msgs::ValidatorInfo;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What `testnet` writes.
#[derive(Debug, Clone)]
pub struct TestnetOptions {
    /// Number of validators (homes `node0` .. `node{N-1}`).
    pub validators: usize,
    /// First port: node K listens for p2p on `base_port + 2K` and serves its API on
    /// `base_port + 2K + 1`, all on 127.0.0.1.
    pub base_port: u16,
    /// Directory that receives the homes and `testnet.json`.
    pub output: PathBuf,
    /// Chain id.
    pub chain_id: String,
    /// Target block interval in milliseconds.
    pub block_time_ms: u64,
    /// Unbonding and operator deactivation time, in seconds.
    pub unbonding_secs: u64,
}

/// One node of the network, as listed in `testnet.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestnetNode {
    /// Its home directory (pass to `phalanxd start --home`).
    pub home: String,
    /// Base URL of its JSON API.
    pub api: String,
    /// Its p2p listen address.
    pub p2p: String,
}

/// Name of the file listing the nodes.
pub const TESTNET_FILE: &str = "testnet.json";

fn port(base: u16, index: usize, offset: usize) -> Result<u16, NodeRunError> {
    index
        .checked_mul(2)
        .and_then(|i| i.checked_add(offset))
        .and_then(|i| u16::try_from(i).ok())
        .and_then(|i| base.checked_add(i))
        .ok_or_else(|| {
            NodeRunError::Other(format!(
                "--base-port {base} leaves no room for {} ports; choose a lower base port",
                index.saturating_add(1).saturating_mul(2)
            ))
        })
}

/// Writes the homes of an N-validator loopback network and returns the nodes.
pub fn testnet(o: &TestnetOptions) -> Result<Vec<TestnetNode>, NodeRunError> {
    if o.validators == 0 {
        return Err(NodeRunError::Other(
            "--validators must be at least 1".to_string(),
        ));
    }
    let listing = o.output.join(TESTNET_FILE);
    if listing.exists() {
        return Err(NodeRunError::Other(format!(
            "{} already exists; choose another --output or delete it to start over",
            listing.display()
        )));
    }
    let homes: Vec<Home> = (0..o.validators)
        .map(|k| Home(o.output.join(format!("node{k}"))))
        .collect();
    let mut keys = Vec::with_capacity(o.validators);
    let mut nodes = Vec::with_capacity(o.validators);
    for (k, home) in homes.iter().enumerate() {
        if home.genesis().exists() {
            return Err(NodeRunError::Other(format!(
                "{} already exists; choose another --output",
                home.genesis().display()
            )));
        }
        keys.push(new_validator_key()?);
        nodes.push(TestnetNode {
            home: home.0.display().to_string(),
            api: format!("http://127.0.0.1:{}", port(o.base_port, k, 1)?),
            p2p: format!("127.0.0.1:{}", port(o.base_port, k, 0)?),
        });
    }
    let validators: Vec<ValidatorInfo> = keys
        .iter()
        .zip(&nodes)
        .enumerate()
        .map(|(k, (key, node))| ValidatorInfo {
            public_key: public_key_hex(key),
            p2p_address: node.p2p.clone(),
            power: 1,
            name: format!("node{k}"),
        })
        .collect();

    let first = homes
        .first()
        .ok_or_else(|| NodeRunError::Other("no validator home".to_string()))?;
    let accounts = home::demo_keys(&first.0)?;
    let mut genesis = home::dev_genesis(
        &o.chain_id,
        genesis_time_now()?,
        &accounts,
        o.unbonding_secs,
    )?;
    genesis.validators.validators = validators;
    for ((k, home), (key, node)) in homes.iter().enumerate().zip(keys.iter().zip(&nodes)) {
        if k > 0 {
            home::copy_test_keyring(&first.0, &home.0)?;
        }
        home::write_json(&home.genesis(), &genesis)?;
        let api_address = node
            .api
            .strip_prefix("http://")
            .unwrap_or(&node.api)
            .to_string();
        home::write_json(
            &home.node_config(),
            &NodeConfig {
                moniker: format!("node{k}"),
                api_address,
                p2p_address: node.p2p.clone(),
                block_time_ms: o.block_time_ms,
                mempool_max_txs: home::DEFAULT_MEMPOOL_MAX_TXS,
                mempool_max_bytes: home::DEFAULT_MEMPOOL_MAX_BYTES,
            },
        )?;
        write_validator_key(home, key)?;
    }
    home::write_json(&listing, &nodes)?;
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn writes_homes_sharing_one_genesis_and_validator_set() {
        let dir = tempfile::tempdir().unwrap();
        let options = TestnetOptions {
            validators: 3,
            base_port: 30_000,
            output: dir.path().to_path_buf(),
            chain_id: "phalanx-testnet".into(),
            block_time_ms: 500,
            unbonding_secs: 60,
        };
        let nodes = testnet(&options).unwrap();
        assert_eq!(nodes.len(), 3);
        assert_eq!(nodes[2].p2p, "127.0.0.1:30004");
        assert_eq!(nodes[2].api, "http://127.0.0.1:30005");
        let listed: Vec<TestnetNode> = home::read_json(&dir.path().join(TESTNET_FILE)).unwrap();
        assert_eq!(listed, nodes);
        let genesis0 = std::fs::read(Home(dir.path().join("node0")).genesis()).unwrap();
        let genesis: phalanx_app::Genesis =
            home::read_json(&Home(dir.path().join("node0")).genesis()).unwrap();
        let set = &genesis.validators.validators;
        assert_eq!(set.len(), 3);
        assert_eq!(set[2].p2p_address, "127.0.0.1:30004");
        ValidatorInfo::validate_set(set).unwrap();
        for node in &nodes {
            let home = Home(PathBuf::from(&node.home));
            assert!(home.is_initialised());
            assert_eq!(std::fs::read(home.genesis()).unwrap(), genesis0);
            let config: NodeConfig = home::read_json(&home.node_config()).unwrap();
            assert_eq!(config.p2p_address, node.p2p);
            assert!(home.0.join("keyring-test").join("alice.json").exists());
        }
        // A second run into the same directory is refused instead of overwriting keys.
        assert!(testnet(&options).is_err());
        // Ports beyond u16 are an error, not a wrap-around.
        let high = TestnetOptions {
            base_port: 65_533,
            output: dir.path().join("other"),
            ..options
        };
        assert!(testnet(&high).is_err());
    }
}
