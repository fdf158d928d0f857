//! Admission of signed transactions (the "ante" step): decode, check size and gas, verify the secp256k1
//! signature over the SIGN_MODE_DIRECT sign doc, check the sequence and the fee. The same checks serve
//! the mempool (CheckTx) and block execution (DeliverTx), so the two can never disagree.
//!
//! Gas is metered per byte of the encoded transaction and per message. A transaction that passes these
//! checks pays its fee and uses its sequence number even if one of its messages then fails.

use crate::signature_cache::SignatureCache;
use crate::{CHAIN_ID, TX_PARAMS, chain_id};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_protocol::auth::{self, Account};
use phalanx_protocol::store;
use phalanx_state::StateRead;
use phalanx_types::error::{AuthError, Result};
use phalanx_types::proto::tx::{DecodedTx, MAX_TX_BYTES, TxLimits, decode_tx_with_limits, tx_hash};
use phalanx_types::{Address, Coin, Coins, Dec, Error, MathError};
use secp256k1::{Message, PublicKey, ecdsa::Signature};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Chain-wide transaction rules, set in genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct TxParams {
    /// The only denom fees are counted in.
    pub fee_denom: String,
    /// Fee per unit of gas limit, in `fee_denom`; the required fee is rounded up.
    pub min_gas_price: Dec,
    /// Gas charged per byte of the encoded transaction.
    pub gas_per_byte: u64,
    /// Gas charged per message.
    pub gas_per_msg: u64,
    /// Largest gas limit one transaction may ask for.
    pub max_tx_gas: u64,
    /// Largest total of gas limits in one block.
    pub max_block_gas: u64,
    /// Largest encoded transaction, in bytes; at most [`MAX_TX_BYTES`], the largest the consensus
    /// layer carries.
    pub max_tx_bytes: u64,
}

impl Default for TxParams {
    fn default() -> Self {
        Self {
            fee_denom: "uphx".into(),
            // 0.01 uphx per gas: a 200k-gas transaction costs 2,000 uphx.
            min_gas_price: Dec::from_raw(primitive_types::U256::from(10_000_000_000_000_000u64)),
            gas_per_byte: 10,
            gas_per_msg: 20_000,
            max_tx_gas: 10_000_000,
            max_block_gas: 200_000_000,
            max_tx_bytes: 65_536,
        }
    }
}

impl TxParams {
    /// Limits must be positive and consistent, and `max_tx_bytes` no larger than the consensus
    /// layer carries ([`MAX_TX_BYTES`]): a larger transaction would be admitted to the mempool but
    /// never gossiped nor proposed, holding its place in the pool forever, and the signer's later
    /// transactions would be proposed behind a sequence gap.
    pub fn validate(&self) -> Result<()> {
        phalanx_types::coin::validate_denom(&self.fee_denom)?;
        if self.max_tx_gas == 0 || self.max_block_gas < self.max_tx_gas || self.max_tx_bytes == 0 {
            return Err(Error::InvalidGenesis(
                "tx params: max_tx_gas and max_tx_bytes must be positive and max_block_gas at least max_tx_gas"
                    .into(),
            ));
        }
        let carried = u64::try_from(MAX_TX_BYTES).unwrap_or(u64::MAX);
        if self.max_tx_bytes > carried {
            return Err(Error::InvalidGenesis(format!(
                "tx params: max_tx_bytes is {}, above {carried}, the largest transaction the \
                 consensus layer carries; lower it to at most {carried}",
                self.max_tx_bytes
            )));
        }
        Ok(())
    }

    /// The decoding limits these params set: [`TxLimits`] with `max_tx_bytes`. Admission, the
    /// ahead-of-execution signature pass and a node's check of proposed blocks all decode with
    /// them, so they agree on which transactions decode.
    pub fn tx_limits(&self) -> TxLimits {
        TxLimits {
            max_tx_bytes: usize::try_from(self.max_tx_bytes).unwrap_or(usize::MAX),
            ..TxLimits::default()
        }
    }

    /// Fee owed for a gas limit: `ceil(gas_limit × min_gas_price)`, so rounding never lowers the fee.
    pub fn required_fee(&self, gas_limit: u64) -> Result<u128> {
        Ok(self
            .min_gas_price
            .mul_int(u128::from(gas_limit))?
            .ceil_int()?)
    }

    /// Gas a transaction of `tx_len` bytes with `msg_count` messages uses before execution.
    pub fn intrinsic_gas(&self, tx_len: usize, msg_count: usize) -> Result<u64> {
        let bytes = u64::try_from(tx_len).map_err(|_| MathError::Overflow)?;
        let msgs = u64::try_from(msg_count).map_err(|_| MathError::Overflow)?;
        bytes
            .checked_mul(self.gas_per_byte)
            .and_then(|b| {
                msgs.checked_mul(self.gas_per_msg)
                    .and_then(|m| b.checked_add(m))
            })
            .ok_or_else(|| MathError::Overflow.into())
    }
}

/// The chain's transaction params.
pub fn tx_params(state: &dyn StateRead) -> Result<TxParams> {
    Ok(store::get(state, TX_PARAMS)?.unwrap_or_default())
}

/// A transaction that passed every check, with what its admission will change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    /// The decoded transaction.
    pub tx: DecodedTx,
    /// The signer's account before this transaction.
    pub account: Account,
    /// Gas used before execution.
    pub gas_used: u64,
    /// The fee charged (in the fee denom).
    pub fee: Coins,
    /// The sign-doc digest the signature is valid over, for a [`SignatureCache`].
    pub digest: [u8; 32],
    /// The signer's balance of the fee denom that the fee was checked against: the mempool holds
    /// the fees of all the signer's waiting transactions to it, so that it does not admit more
    /// transactions than the balance can pay for.
    pub fee_balance: u128,
}

/// Verifies a SIGN_MODE_DIRECT signature: sha256 of the sign doc, compact (r || s), low-S only so a
/// signature cannot be re-encoded into a second valid one.
pub fn verify_signature(
    public_key: &[u8; 33],
    sign_doc: &[u8],
    signature: &[u8; 64],
) -> Result<()> {
    verify_digest(public_key, &sign_doc_digest(sign_doc), signature)
}

/// The 32-byte digest a SIGN_MODE_DIRECT signature signs: sha256 of the sign doc.
pub fn sign_doc_digest(sign_doc: &[u8]) -> [u8; 32] {
    Sha256::digest(sign_doc).into()
}

/// [`verify_signature`] over an already computed [`sign_doc_digest`].
pub fn verify_digest(public_key: &[u8; 33], digest: &[u8; 32], signature: &[u8; 64]) -> Result<()> {
    verify_digest_with(None, public_key, digest, signature)
}

/// [`verify_digest`], taking the parsed public key from `keys` when it holds it.
fn verify_digest_with(
    keys: Option<&SignatureCache>,
    public_key: &[u8; 33],
    digest: &[u8; 32],
    signature: &[u8; 64],
) -> Result<()> {
    let bad = |why: &str| Error::from(AuthError::SignatureInvalid(why.into()));
    let parsed = match keys {
        Some(keys) => keys.public_key(public_key),
        None => PublicKey::from_byte_array_compressed(*public_key).ok(),
    };
    let key = parsed
        .ok_or_else(|| AuthError::PubKeyMismatch("not a valid compressed secp256k1 key".into()))?;
    let sig = Signature::from_compact(signature).map_err(|_| bad("malformed signature"))?;
    let mut normalized = sig;
    normalized.normalize_s();
    if normalized != sig {
        return Err(bad("signature is not in low-S form"));
    }
    sig.verify(Message::from_digest(*digest), &key)
        .map_err(|_| bad("does not match the signed bytes"))
}

/// For each transaction of a block, the sign-doc digest whose signature was found valid ahead of
/// execution, or `None` when it could not be checked ahead (undecodable, unknown account) or did not
/// verify. Verification is the dominant per-transaction CPU cost and needs no state beyond the
/// signer's account number, so the block's signatures are checked on every core before the
/// sequential execution.
///
/// The verdicts are only a cache: [`authenticate_preverified`] skips the signature check only when the
/// digest it computes at execution equals the one verified here, and the public key and signature
/// come from the same transaction bytes. Verification being a pure function of (key, digest,
/// signature), a block's results are identical with or without this pass, on any number of cores.
///
/// With `known`, a transaction whose signature the mempool already verified takes the remembered
/// digest and is not verified again; the check at execution is the same either way.
pub fn preverify_signatures(
    state: &dyn StateRead,
    txs: &[Vec<u8>],
    known: Option<&SignatureCache>,
) -> Result<Vec<Option<[u8; 32]>>> {
    let remembered = match known {
        Some(cache) => cache.get_many(par_map(txs, |t| tx_hash(t)).iter()),
        None => vec![None; txs.len()],
    };
    let chain_id = chain_id(state)?;
    let limits = tx_params(state)?.tx_limits();
    // State is read here, sequentially; only the pure verification runs on the worker threads.
    let mut work: Vec<Work> = Vec::with_capacity(txs.len());
    for (bytes, remembered) in txs.iter().zip(remembered) {
        if let Some(digest) = remembered {
            work.push(Work::Known(digest));
            continue;
        }
        let Ok(tx) = decode_tx_with_limits(bytes, &limits) else {
            work.push(Work::Unchecked);
            continue;
        };
        let Some(account) = auth::account(state, &tx.signer)? else {
            work.push(Work::Unchecked);
            continue;
        };
        work.push(Work::Verify {
            sign_doc: tx.sign_doc_bytes(&chain_id, account.account_number),
            public_key: tx.public_key,
            signature: tx.signature,
        });
    }
    Ok(par_map(&work, |w| match w {
        Work::Known(digest) => Some(*digest),
        Work::Unchecked => None,
        Work::Verify {
            sign_doc,
            public_key,
            signature,
        } => {
            let digest = sign_doc_digest(sign_doc);
            verify_digest_with(known, public_key, &digest, signature)
                .is_ok()
                .then_some(digest)
        }
    }))
}

/// What the ahead-of-execution pass does with one transaction.
enum Work {
    /// Verified before (by the mempool) over this digest.
    Known([u8; 32]),
    /// Cannot be checked ahead; execution reports why.
    Unchecked,
    /// A signature to check.
    Verify {
        sign_doc: Vec<u8>,
        public_key: [u8; 33],
        signature: [u8; 64],
    },
}

/// `items.iter().map(f)` on every available core, in order. Falls back to the calling thread when
/// there is one core or a worker cannot be joined (the results are the same either way).
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    // Below a few items per thread the spawn cost outweighs the work.
    if threads < 2 || items.len() < threads.saturating_mul(4) {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (h, part) in handles.into_iter().zip(items.chunks(chunk)) {
            match h.join() {
                Ok(results) => out.extend(results),
                Err(_) => out.extend(part.iter().map(f)),
            }
        }
        out
    })
}

/// Runs every admission check against `state` without changing it. `expected_sequence` is the
/// account's sequence when executing a block; the mempool passes the next sequence after the
/// transactions it already holds for the signer. `height` is the height the transaction would run at.
pub fn authenticate(
    state: &dyn StateRead,
    tx_bytes: &[u8],
    height: u64,
    expected_sequence: Option<u64>,
) -> Result<Authenticated> {
    authenticate_preverified(
        state,
        tx_bytes,
        height,
        expected_sequence,
        SignatureCheck::default(),
    )
}

/// What [`authenticate_preverified`] may take from earlier work on a transaction's signature. Either
/// way the verdict is the one a full verification gives.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignatureCheck<'a> {
    /// The sign-doc digest found valid for these bytes ahead of time ([`preverify_signatures`], a
    /// [`SignatureCache`]): the signature is not verified again when the digest computed now
    /// equals it.
    pub preverified: Option<&'a [u8; 32]>,
    /// Where public keys parsed before are found, so a verification does not parse the same key
    /// again.
    pub keys: Option<&'a SignatureCache>,
}

/// The chain-wide state keys [`authenticate_preverified`] reads: the tx parameters and the chain id.
/// With [`signer_admission_reads`], every key it reads: a transaction that passed admission against
/// one state passes it against any later state in which none of these keys changed, as long as its
/// timeout height has not passed. The mempool relies on this to re-check after a block only what the
/// block could have invalidated. (A test records the keys admission reads and holds them to these.)
pub fn chain_admission_reads() -> [Vec<u8>; 2] {
    [TX_PARAMS.to_vec(), CHAIN_ID.to_vec()]
}

/// The state keys [`authenticate_preverified`] reads for a transaction of `signer` while fees are paid
/// in `fee_denom`: the signer's account and fee balance (see [`chain_admission_reads`]).
pub fn signer_admission_reads(signer: &Address, fee_denom: &str) -> [Vec<u8>; 2] {
    [
        auth::account_key(signer),
        phalanx_protocol::bank::balance_key(signer, fee_denom),
    ]
}

/// [`authenticate`], skipping the signature check when the sign-doc digest equals
/// `check.preverified` (what [`preverify_signatures`] found valid for these same bytes).
pub fn authenticate_preverified(
    state: &dyn StateRead,
    tx_bytes: &[u8],
    height: u64,
    expected_sequence: Option<u64>,
    check: SignatureCheck<'_>,
) -> Result<Authenticated> {
    let params = tx_params(state)?;
    let limits = params.tx_limits();
    if tx_bytes.len() > limits.max_tx_bytes {
        return Err(AuthError::TxTooLarge(tx_bytes.len(), limits.max_tx_bytes).into());
    }
    let tx = decode_tx_with_limits(tx_bytes, &limits)?;
    for msg in &tx.msgs {
        msg.validate_stateless()?;
    }
    if tx.timeout_height != 0 && height > tx.timeout_height {
        return Err(AuthError::TimeoutHeight(tx.timeout_height, height).into());
    }
    if tx.gas_limit > params.max_tx_gas {
        return Err(AuthError::GasLimitTooHigh(tx.gas_limit, params.max_tx_gas).into());
    }
    let gas_used = params.intrinsic_gas(tx_bytes.len(), tx.msgs.len())?;
    if gas_used > tx.gas_limit {
        return Err(AuthError::OutOfGas(gas_used, tx.gas_limit).into());
    }
    if let Some(other) = tx.fee.iter().find(|c| c.denom != params.fee_denom) {
        return Err(Error::InvalidRequest(format!(
            "fees are paid in {} only, not {}",
            params.fee_denom, other.denom
        )));
    }
    let required = params.required_fee(tx.gas_limit)?;
    let offered = tx.fee.amount_of(&params.fee_denom);
    if offered < required {
        return Err(AuthError::InsufficientFee(
            tx.fee.to_string(),
            Coin::new(params.fee_denom.clone(), required).to_string(),
        )
        .into());
    }
    let account = auth::account(state, &tx.signer)?
        .ok_or_else(|| AuthError::UnknownAccount(tx.signer.to_string()))?;
    if Address::from_secp256k1_pubkey(&tx.public_key) != tx.signer {
        return Err(AuthError::PubKeyMismatch(
            "the key does not derive the signer's address".into(),
        )
        .into());
    }
    if let Some(known) = &account.pub_key
        && known.as_slice() != tx.public_key.as_slice()
    {
        return Err(
            AuthError::PubKeyMismatch("the account already uses another key".into()).into(),
        );
    }
    let expected = expected_sequence.unwrap_or(account.sequence);
    if tx.sequence != expected {
        return Err(AuthError::WrongSequence(expected, tx.sequence).into());
    }
    let digest = sign_doc_digest(&tx.sign_doc_bytes(&chain_id(state)?, account.account_number));
    if check.preverified != Some(&digest) {
        verify_digest_with(check.keys, &tx.public_key, &digest, &tx.signature)?;
    }
    let fee = Coins::single(params.fee_denom.clone(), offered)?;
    let held = phalanx_protocol::bank::balance(state, &tx.signer, &params.fee_denom)?;
    if held < offered {
        return Err(phalanx_types::error::BankError::InsufficientFunds(
            tx.signer.to_string(),
            fee.to_string(),
            Coin::new(params.fee_denom.clone(), held).to_string(),
        )
        .into());
    }
    Ok(Authenticated {
        tx,
        account,
        gas_used,
        fee,
        digest,
        fee_balance: held,
    })
}
