//! What both chain benchmarks need: deterministic secp256k1 accounts, a funded genesis, and Cosmos
//! `TxRaw` signing (SIGN_MODE_DIRECT), exactly as a wallet does it.

use anyhow::{Context, Result, anyhow, bail};
use phalanx_app::{BlockResult, Genesis, MsgResponse};
use phalanx_protocol::auth;
use phalanx_state::StateRead;
use phalanx_types::msgs::{Msg, MsgDelegatePool, MsgRegisterOperator};
use phalanx_types::proto::tx::{encode_auth_info, encode_tx_body, encode_tx_raw, sign_doc_bytes};
use phalanx_types::{Address, Coin, Coins, Duration, OperatorId, Timestamp};
use secp256k1::{Message, PublicKey, SecretKey};
use sha2::{Digest, Sha256};

/// Chain id every benchmark chain uses.
pub const CHAIN_ID: &str = "phalanx-bench";
/// Gas limit of every benchmark transaction (a delegation uses about 23k).
pub const GAS_LIMIT: u64 = 100_000;
/// Fee of every benchmark transaction: the minimum for [`GAS_LIMIT`] at the default gas price.
pub const FEE_UPHX: u128 = 1_000;
/// What every account holds of each of [`DENOMS`] at genesis.
pub const FUNDS: u128 = 1_000_000_000_000;
/// Denoms funded at genesis (`uphx` pays fees; the others are restaked).
pub const DENOMS: [&str; 3] = ["uatom", "uphx", "utia"];
/// Denoms delegated to pools.
pub const POOL_DENOMS: [&str; 2] = ["uatom", "utia"];

/// Unbonding time of the benchmark chains (blocks are a second apart): short enough that entries
/// complete during a run, so an account undelegating every few blocks never reaches `max_entries`,
/// and the blocks also pay out matured unbondings as a live chain does.
pub const UNBONDING_TIME: Duration = Duration::from_secs(60);

/// A secp256k1 account.
#[derive(Clone)]
pub struct Key {
    /// Secret key.
    pub secret: SecretKey,
    /// Compressed public key.
    pub public: [u8; 33],
    /// The account address derived from `public`.
    pub address: Address,
}

impl Key {
    /// The deterministic key number `index` of the benchmark family `family`.
    pub fn derive(family: &str, index: usize) -> Result<Self> {
        let mut h = Sha256::new();
        h.update(b"phalanx-bench/");
        h.update(family.as_bytes());
        h.update(index.to_be_bytes());
        let seed: [u8; 32] = h.finalize().into();
        let secret = SecretKey::from_secret_bytes(seed)
            .map_err(|e| anyhow!("deriving key {family}/{index}: {e}"))?;
        let public = PublicKey::from_secret_key(&secret).serialize();
        Ok(Self {
            secret,
            public,
            address: Address::from_secp256k1_pubkey(&public),
        })
    }

    /// `count` keys of `family`.
    pub fn family(family: &str, count: usize) -> Result<Vec<Self>> {
        (0..count).map(|i| Self::derive(family, i)).collect()
    }
}

/// Genesis time of every benchmark chain.
pub fn genesis_time() -> Result<Timestamp> {
    "2026-01-01T00:00:00Z"
        .parse()
        .map_err(|e| anyhow!("genesis time: {e:?}"))
}

/// A genesis funding every one of `accounts` with [`FUNDS`] of each of [`DENOMS`].
pub fn funded_genesis(accounts: &[Address]) -> Result<Genesis> {
    let mut g = Genesis::new(
        CHAIN_ID,
        genesis_time()?,
        Address::module("bench-authority"),
    );
    let funds = Coins::new(DENOMS.iter().map(|d| Coin::new(*d, FUNDS)).collect())?;
    g.fund(accounts, &funds);
    g.restaking.params.unbonding_time = UNBONDING_TIME;
    Ok(g)
}

/// What the signer of one transaction needs besides the messages.
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    /// The key.
    pub key: &'a Key,
    /// Account number (part of the sign doc).
    pub account_number: u64,
    /// Sequence.
    pub sequence: u64,
}

/// Signs `msgs` as a Cosmos `TxRaw` (SIGN_MODE_DIRECT) with the benchmark fee and gas limit.
pub fn sign(signer: Signer<'_>, msgs: &[Msg]) -> Result<Vec<u8>> {
    let fee = Coins::single("uphx", FEE_UPHX)?;
    let body = encode_tx_body(msgs, "", 0);
    let auth_info = encode_auth_info(&signer.key.public, signer.sequence, &fee, GAS_LIMIT);
    let doc = sign_doc_bytes(&body, &auth_info, CHAIN_ID, signer.account_number);
    let digest: [u8; 32] = Sha256::digest(&doc).into();
    let sig = secp256k1::ecdsa::sign(Message::from_digest(digest), &signer.key.secret)
        .serialize_compact();
    Ok(encode_tx_raw(&body, &auth_info, &sig))
}

/// The account numbers genesis gave `keys`, in order.
pub fn account_numbers(state: &dyn StateRead, keys: &[Key]) -> Result<Vec<u64>> {
    keys.iter()
        .map(|k| {
            auth::account(state, &k.address)?
                .map(|a| a.account_number)
                .with_context(|| format!("no account for {} after genesis", k.address))
        })
        .collect()
}

/// Setup transactions for `admins` (fresh accounts, sequence 0): each registers an operator, then
/// delegates to the pool of one of [`POOL_DENOMS`] so that every pool exists before the measured
/// blocks.
pub fn setup_txs(admins: &[Key], numbers: &[u64]) -> Result<Vec<Vec<u8>>> {
    let mut txs = Vec::with_capacity(admins.len().saturating_mul(2));
    for (i, (key, &account_number)) in admins.iter().zip(numbers).enumerate() {
        let register: Msg = MsgRegisterOperator {
            sender: key.address,
            moniker: format!("bench-operator-{i}"),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        }
        .into();
        let denom = pool_denom(i);
        let delegate: Msg = MsgDelegatePool {
            delegator: key.address,
            amount: Coin::new(denom, 1_000_000),
        }
        .into();
        for (sequence, msg) in [register, delegate].into_iter().enumerate() {
            let signer = Signer {
                key,
                account_number,
                sequence: u64::try_from(sequence)?,
            };
            txs.push(sign(signer, &[msg])?);
        }
    }
    Ok(txs)
}

/// The pool denom account or admin number `i` delegates.
pub fn pool_denom(i: usize) -> &'static str {
    if i.is_multiple_of(2) {
        POOL_DENOMS[0]
    } else {
        POOL_DENOMS[1]
    }
}

/// Fails unless every transaction of `result` succeeded; returns the operator ids it registered.
pub fn check_block(height: u64, result: &BlockResult) -> Result<Vec<OperatorId>> {
    let mut operators = Vec::new();
    for (i, tx) in result.tx_results.iter().enumerate() {
        if !tx.is_ok() {
            bail!(
                "block {height}: transaction {i} failed ({} {}): {}",
                tx.codespace,
                tx.code,
                tx.log
            );
        }
        for r in &tx.responses {
            if let MsgResponse::NewOperatorId(id) = r {
                operators.push(*id);
            }
        }
    }
    Ok(operators)
}
