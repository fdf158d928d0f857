//! The Cosmos SDK transaction envelope: decoding a broadcast `TxRaw` into a [`DecodedTx`], building the
//! bytes a client signs and broadcasts, and the SIGN_MODE_DIRECT sign bytes.
//!
//! Phalanx supports the subset every Cosmos wallet produces for a single key: one signer info with a
//! secp256k1 public key and SIGN_MODE_DIRECT, one 64-byte signature, a fee in canonical coins, and no
//! fee payer, fee granter or critical extension options. Everything else is rejected with an error that
//! says what is not supported. Decoding checks structure only; the caller verifies the signature over
//! [`DecodedTx::sign_doc_bytes`], the account's sequence, the fee and the timeout height against state,
//! and runs [`Msg::validate_stateless`] on each message.

use super::cosmos::base::v1beta1 as base;
use super::cosmos::crypto::secp256k1::PubKey;
use super::cosmos::tx::signing::v1beta1::SignMode;
use super::cosmos::tx::v1beta1::{
    AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw, mode_info,
};
use super::google::protobuf::Any;
use super::wire::decode_strict;
use crate::address::Address;
use crate::coin::Coins;
use crate::error::{Error, Result};
use crate::msgs::Msg;
use prost::{Message, Name};
use sha2::{Digest, Sha256};

/// Default largest encoded transaction accepted (64 KiB): far above any real restaking transaction, small
/// enough that decoding cost and mempool memory stay bounded. Also the largest transaction the
/// consensus layer carries (its default `BlockLimits::max_tx_bytes`, which a node test holds equal to
/// this), so the chain's `max_tx_bytes` parameter may not exceed it.
pub const MAX_TX_BYTES: usize = 64 * 1024;
/// Default most messages per transaction.
pub const MAX_MSGS_PER_TX: usize = 32;
/// Default longest memo in characters (the Cosmos SDK default).
pub const MAX_MEMO_CHARS: usize = 256;
/// Default most fee coins.
pub const MAX_FEE_COINS: usize = 8;
/// Length of a compressed secp256k1 public key.
pub const SECP256K1_PUBKEY_LEN: usize = 33;
/// Length of a secp256k1 signature as Cosmos encodes it (r || s).
pub const SECP256K1_SIGNATURE_LEN: usize = 64;

/// Bounds applied while decoding, so that an oversized transaction is rejected before it costs much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxLimits {
    /// Largest encoded `TxRaw`.
    pub max_tx_bytes: usize,
    /// Most messages.
    pub max_msgs: usize,
    /// Longest memo, in characters.
    pub max_memo_chars: usize,
    /// Most fee coins.
    pub max_fee_coins: usize,
}

impl Default for TxLimits {
    fn default() -> Self {
        Self {
            max_tx_bytes: MAX_TX_BYTES,
            max_msgs: MAX_MSGS_PER_TX,
            max_memo_chars: MAX_MEMO_CHARS,
            max_fee_coins: MAX_FEE_COINS,
        }
    }
}

/// A structurally valid transaction, in plain Rust types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedTx {
    /// Messages, in order; at least one.
    pub msgs: Vec<Msg>,
    /// The memo.
    pub memo: String,
    /// Invalid in blocks above this height; 0 = no limit.
    pub timeout_height: u64,
    /// The signer's compressed secp256k1 public key.
    pub public_key: [u8; SECP256K1_PUBKEY_LEN],
    /// The account every message names as its signer; equals the address of `public_key`.
    pub signer: Address,
    /// The signer's sequence number as signed.
    pub sequence: u64,
    /// The fee offered (canonical; may be empty).
    pub fee: Coins,
    /// The most gas the transaction may use.
    pub gas_limit: u64,
    /// The signature (r || s) over sha256 of the sign doc.
    pub signature: [u8; SECP256K1_SIGNATURE_LEN],
    /// The body exactly as signed.
    pub body_bytes: Vec<u8>,
    /// The auth info exactly as signed.
    pub auth_info_bytes: Vec<u8>,
}

impl DecodedTx {
    /// The bytes the signer signed (SIGN_MODE_DIRECT) on `chain_id` as account `account_number`;
    /// the signature is over their sha256.
    pub fn sign_doc_bytes(&self, chain_id: &str, account_number: u64) -> Vec<u8> {
        sign_doc_bytes(
            &self.body_bytes,
            &self.auth_info_bytes,
            chain_id,
            account_number,
        )
    }
}

fn invalid(why: impl Into<String>) -> Error {
    Error::InvalidRequest(why.into())
}

/// The SIGN_MODE_DIRECT sign bytes: the encoded `SignDoc` over the exact body and auth info bytes.
pub fn sign_doc_bytes(
    body_bytes: &[u8],
    auth_info_bytes: &[u8],
    chain_id: &str,
    account_number: u64,
) -> Vec<u8> {
    SignDoc {
        body_bytes: body_bytes.to_vec(),
        auth_info_bytes: auth_info_bytes.to_vec(),
        chain_id: chain_id.to_owned(),
        account_number,
    }
    .encode_to_vec()
}

/// The transaction hash as Cosmos computes it: sha256 of the broadcast `TxRaw` bytes.
pub fn tx_hash(tx_bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(tx_bytes).into()
}

/// Encodes a `TxBody` carrying `msgs`.
pub fn encode_tx_body(msgs: &[Msg], memo: &str, timeout_height: u64) -> Vec<u8> {
    TxBody {
        messages: msgs.iter().map(Msg::to_any).collect(),
        memo: memo.to_owned(),
        timeout_height,
        extension_options: Vec::new(),
        non_critical_extension_options: Vec::new(),
    }
    .encode_to_vec()
}

/// Encodes an `AuthInfo` for one secp256k1 signer using SIGN_MODE_DIRECT.
pub fn encode_auth_info(
    public_key: &[u8; SECP256K1_PUBKEY_LEN],
    sequence: u64,
    fee: &Coins,
    gas_limit: u64,
) -> Vec<u8> {
    AuthInfo {
        signer_infos: vec![SignerInfo {
            public_key: Some(Any {
                type_url: PubKey::type_url(),
                value: PubKey {
                    key: public_key.to_vec(),
                }
                .encode_to_vec(),
            }),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single {
                    mode: SignMode::Direct.into(),
                })),
            }),
            sequence,
        }],
        fee: Some(Fee {
            amount: fee.iter().map(base::Coin::from).collect(),
            gas_limit,
            payer: String::new(),
            granter: String::new(),
        }),
    }
    .encode_to_vec()
}

/// Encodes the `TxRaw` to broadcast.
pub fn encode_tx_raw(
    body_bytes: &[u8],
    auth_info_bytes: &[u8],
    signature: &[u8; SECP256K1_SIGNATURE_LEN],
) -> Vec<u8> {
    TxRaw {
        body_bytes: body_bytes.to_vec(),
        auth_info_bytes: auth_info_bytes.to_vec(),
        signatures: vec![signature.to_vec()],
    }
    .encode_to_vec()
}

/// Decodes a `TxRaw`, rejecting inputs over `max_tx_bytes`, any field `TxRaw` does not declare, and
/// any encoding other than the canonical one.
///
/// Canonical, as Cosmos ADR 027 asks: the bytes must be exactly what a standard protobuf encoder
/// (prost, CosmJS) writes for the decoded value: fields 1, 2, 3 in order, the two byte fields once
/// each and omitted when empty, minimal varints. The signature covers the body and auth info bytes,
/// not the envelope, so without this anyone relaying a signed transaction could re-encode its
/// envelope (a duplicate field, an overlong length) into bytes that decode to the same transaction,
/// with the same valid signature, under another hash: the transaction could be included under a
/// hash its signer never saw, and the hash-based duplicate checks of the mempool and the index
/// would not recognise it.
pub fn decode_tx_raw(tx_bytes: &[u8], max_tx_bytes: usize) -> Result<TxRaw> {
    if tx_bytes.len() > max_tx_bytes {
        return Err(invalid(format!(
            "transaction is {} bytes; at most {max_tx_bytes} are accepted",
            tx_bytes.len()
        )));
    }
    if tx_bytes.is_empty() {
        return Err(invalid("transaction is empty"));
    }
    let raw: TxRaw = decode_strict(tx_bytes, false, "TxRaw")?;
    // The length alone settles most cases without encoding anything.
    if raw.encoded_len() != tx_bytes.len() || raw.encode_to_vec() != tx_bytes {
        return Err(invalid(
            "TxRaw is not canonically encoded (a repeated or out-of-order field, an empty field \
             written out, or a varint longer than needed); encode it with a standard protobuf \
             encoder: body_bytes (1), auth_info_bytes (2), then the signatures (3)",
        ));
    }
    Ok(raw)
}

/// [`decode_tx_with_limits`] with the default [`TxLimits`].
pub fn decode_tx(tx_bytes: &[u8]) -> Result<DecodedTx> {
    decode_tx_with_limits(tx_bytes, &TxLimits::default())
}

/// Decodes a broadcast `TxRaw` into a [`DecodedTx`], checking structure and limits (see the module
/// documentation for what is supported). The signature itself is not verified here.
pub fn decode_tx_with_limits(tx_bytes: &[u8], limits: &TxLimits) -> Result<DecodedTx> {
    let raw = decode_tx_raw(tx_bytes, limits.max_tx_bytes)?;
    let body: TxBody = decode_strict(&raw.body_bytes, true, "TxBody")?;
    let auth_info: AuthInfo = decode_strict(&raw.auth_info_bytes, true, "AuthInfo")?;

    let (memo, timeout_height, msgs) = check_body(body, limits)?;
    let (public_key, sequence, fee, gas_limit) = check_auth_info(auth_info, limits)?;

    let [signature] = raw.signatures.as_slice() else {
        return Err(invalid(format!(
            "transaction has {} signatures; exactly one is required",
            raw.signatures.len()
        )));
    };
    let signature: [u8; SECP256K1_SIGNATURE_LEN] =
        signature.as_slice().try_into().map_err(|_| {
            invalid(format!(
                "signature is {} bytes; a secp256k1 signature is {SECP256K1_SIGNATURE_LEN} bytes (r || s)",
                signature.len()
            ))
        })?;

    let key_address = Address::from_secp256k1_pubkey(&public_key);
    let mut signer = None;
    for (index, msg) in msgs.iter().enumerate() {
        let msg_signer = msg.signer();
        match signer {
            None => signer = Some(msg_signer),
            Some(first) if first != msg_signer => {
                return Err(invalid(format!(
                    "message {index} must be signed by {msg_signer} but message 0 by {first}; \
                     a transaction has exactly one signer"
                )));
            }
            Some(_) => {}
        }
    }
    let signer = signer.ok_or_else(|| invalid("transaction carries no message"))?;
    if signer != key_address {
        return Err(Error::Unauthorized(format!(
            "the messages must be signed by {signer}, but the transaction's public key belongs to \
             {key_address}"
        )));
    }

    Ok(DecodedTx {
        msgs,
        memo,
        timeout_height,
        public_key,
        signer,
        sequence,
        fee,
        gas_limit,
        signature,
        body_bytes: raw.body_bytes,
        auth_info_bytes: raw.auth_info_bytes,
    })
}

/// Memo, timeout height and decoded messages of a body.
fn check_body(body: TxBody, limits: &TxLimits) -> Result<(String, u64, Vec<Msg>)> {
    if !body.extension_options.is_empty() {
        let url = body
            .extension_options
            .first()
            .map(|a| crate::math::excerpt(&a.type_url))
            .unwrap_or_default();
        return Err(invalid(format!(
            "extension option {url} is not supported; this chain supports no critical extension options"
        )));
    }
    if body.messages.is_empty() {
        return Err(invalid("transaction carries no message"));
    }
    if body.messages.len() > limits.max_msgs {
        return Err(invalid(format!(
            "transaction carries {} messages; at most {} are accepted",
            body.messages.len(),
            limits.max_msgs
        )));
    }
    let memo_chars = body.memo.chars().count();
    if memo_chars > limits.max_memo_chars {
        return Err(invalid(format!(
            "memo is {memo_chars} characters long; at most {} are accepted",
            limits.max_memo_chars
        )));
    }
    let msgs = body
        .messages
        .iter()
        .enumerate()
        .map(|(index, any)| {
            Msg::from_any(any).map_err(|e| match e {
                Error::InvalidRequest(why) => invalid(format!("message {index}: {why}")),
                other => other,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((body.memo, body.timeout_height, msgs))
}

/// Public key, sequence, fee coins and gas limit of an auth info.
fn check_auth_info(
    auth_info: AuthInfo,
    limits: &TxLimits,
) -> Result<([u8; SECP256K1_PUBKEY_LEN], u64, Coins, u64)> {
    let [signer_info] = auth_info.signer_infos.as_slice() else {
        return Err(invalid(format!(
            "auth_info has {} signer infos; exactly one is required",
            auth_info.signer_infos.len()
        )));
    };
    match signer_info.mode_info {
        Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single { mode })),
        }) if mode == i32::from(SignMode::Direct) => {}
        Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single { mode })),
        }) => {
            let name =
                SignMode::try_from(mode).map_or("an unknown sign mode", SignMode::as_str_name);
            return Err(invalid(format!(
                "sign mode {name} ({mode}) is not supported; sign with SIGN_MODE_DIRECT"
            )));
        }
        _ => {
            return Err(invalid(
                "signer_infos[0].mode_info must be a single signer with SIGN_MODE_DIRECT",
            ));
        }
    }
    let any = signer_info.public_key.as_ref().ok_or_else(|| {
        invalid("signer_infos[0].public_key is required: the secp256k1 key that signed")
    })?;
    if !url_is_pubkey(&any.type_url) {
        return Err(invalid(format!(
            "public key type {} is not supported; use {}",
            crate::math::excerpt(&any.type_url),
            PubKey::type_url()
        )));
    }
    let key: PubKey = decode_strict(&any.value, true, "secp256k1 public key")?;
    let public_key: [u8; SECP256K1_PUBKEY_LEN] = key
        .key
        .as_slice()
        .try_into()
        .ok()
        .filter(|k: &[u8; SECP256K1_PUBKEY_LEN]| matches!(k.first(), Some(0x02 | 0x03)))
        .ok_or_else(|| {
            invalid(format!(
                "public key must be a {SECP256K1_PUBKEY_LEN}-byte compressed secp256k1 point; got {} bytes",
                key.key.len()
            ))
        })?;

    let fee = auth_info
        .fee
        .ok_or_else(|| invalid("auth_info.fee is required (it carries the gas limit)"))?;
    if !fee.payer.is_empty() {
        return Err(invalid("fee payer is not supported; leave it empty"));
    }
    if !fee.granter.is_empty() {
        return Err(invalid("fee granter is not supported; leave it empty"));
    }
    if fee.amount.len() > limits.max_fee_coins {
        return Err(invalid(format!(
            "fee has {} coins; at most {} are accepted",
            fee.amount.len(),
            limits.max_fee_coins
        )));
    }
    let fee_coins = super::convert::coins("fee.amount", &fee.amount)?;
    Ok((public_key, signer_info.sequence, fee_coins, fee.gas_limit))
}

fn url_is_pubkey(url: &str) -> bool {
    url.strip_prefix('/')
        .and_then(|rest| rest.rsplit_once('.'))
        .is_some_and(|(package, name)| package == PubKey::PACKAGE && name == PubKey::NAME)
}
