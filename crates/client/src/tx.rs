//! Building and signing transactions in the Cosmos SDK envelope (TxRaw / SIGN_MODE_DIRECT), exactly as
//! the chain's admission (`phalanx_app::ante::authenticate`) checks them.

use crate::encoding::hex_upper;
use crate::error::{ClientError, Result};
use crate::key::SigningKey;
use phalanx_types::Coins;
use phalanx_types::msgs::Msg;
use phalanx_types::proto::tx::{
    MAX_MEMO_CHARS, MAX_MSGS_PER_TX, encode_auth_info, encode_tx_body, encode_tx_raw,
    sign_doc_bytes, tx_hash,
};

/// Gas limit used when the user sets none; a restaking transaction uses far less.
pub const DEFAULT_GAS: u64 = 200_000;
/// The denom fees are paid in (the chain's default `TxParams::fee_denom`).
pub const FEE_DENOM: &str = "uphx";
/// Minimum gas price of the chain's default params, as a fraction: 1 uphx per 100 gas (0.01 uphx/gas).
pub const GAS_PER_FEE_UNIT: u64 = 100;

/// The fee a default-params chain requires for `gas_limit`: `ceil(gas_limit × 0.01)` uphx.
pub fn default_fee(gas_limit: u64) -> Coins {
    let amount = gas_limit.div_ceil(GAS_PER_FEE_UNIT);
    if amount == 0 {
        return Coins::empty();
    }
    Coins::single(FEE_DENOM, u128::from(amount)).unwrap_or_else(|_| Coins::empty())
}

/// What the chain needs to know about the signer, read from `/status` and the account query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerData {
    /// The chain the signature is valid on.
    pub chain_id: String,
    /// The signer's account number.
    pub account_number: u64,
    /// The signer's next sequence number.
    pub sequence: u64,
}

/// Choices the signer makes besides the messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOptions {
    /// Most gas the transaction may use.
    pub gas_limit: u64,
    /// Fee offered; `None` pays [`default_fee`] of the gas limit.
    pub fee: Option<Coins>,
    /// Free text stored with the transaction.
    pub memo: String,
    /// Invalid in blocks above this height; 0 = never times out.
    pub timeout_height: u64,
}

impl Default for TxOptions {
    fn default() -> Self {
        Self {
            gas_limit: DEFAULT_GAS,
            fee: None,
            memo: String::new(),
            timeout_height: 0,
        }
    }
}

impl TxOptions {
    /// The fee that will be offered.
    pub fn fee(&self) -> Coins {
        self.fee
            .clone()
            .unwrap_or_else(|| default_fee(self.gas_limit))
    }
}

/// A signed transaction ready to broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    /// The encoded `TxRaw`.
    pub bytes: Vec<u8>,
    /// sha256 of `bytes`, the hash the node reports it under.
    pub hash: [u8; 32],
}

impl SignedTx {
    /// The hash as the node shows it: upper-case hex.
    pub fn hash_hex(&self) -> String {
        hex_upper(&self.hash)
    }
}

/// Checks messages the way the chain will before any state is read: at least one, not too many, each
/// passing [`Msg::validate_stateless`], all signed by `signer`. Failing here costs no fee.
pub fn check_msgs(msgs: &[Msg], signer: &phalanx_types::Address) -> Result<()> {
    if msgs.is_empty() {
        return Err(ClientError::invalid(
            "a transaction needs at least one message",
        ));
    }
    if msgs.len() > MAX_MSGS_PER_TX {
        return Err(ClientError::invalid(format!(
            "{} messages in one transaction; at most {MAX_MSGS_PER_TX} are accepted",
            msgs.len()
        )));
    }
    for (index, msg) in msgs.iter().enumerate() {
        msg.validate_stateless()
            .map_err(|source| ClientError::InvalidMsg {
                index,
                type_url: msg.type_url(),
                source,
            })?;
        let needed = msg.signer();
        if needed != *signer {
            return Err(ClientError::invalid(format!(
                "message {index} ({}) must be signed by {needed}, but the key signs for {signer}; pass --from with that account's key",
                msg.type_url()
            )));
        }
    }
    Ok(())
}

/// Checks the messages, then signs them with `key` for `signer` and returns the `TxRaw` bytes.
pub fn build_signed_tx(
    key: &SigningKey,
    msgs: &[Msg],
    signer: &SignerData,
    options: &TxOptions,
) -> Result<SignedTx> {
    check_msgs(msgs, &key.address())?;
    if options.memo.chars().count() > MAX_MEMO_CHARS {
        return Err(ClientError::invalid(format!(
            "the memo is longer than {MAX_MEMO_CHARS} characters"
        )));
    }
    if options.gas_limit == 0 {
        return Err(ClientError::invalid(
            "--gas must be positive (the default is 200000)",
        ));
    }
    if signer.chain_id.is_empty() {
        return Err(ClientError::invalid("the chain id must not be empty"));
    }
    let fee = options.fee();
    let body = encode_tx_body(msgs, &options.memo, options.timeout_height);
    let auth_info = encode_auth_info(&key.public_key(), signer.sequence, &fee, options.gas_limit);
    let doc = sign_doc_bytes(&body, &auth_info, &signer.chain_id, signer.account_number);
    let signature = key.sign_direct(&doc);
    let bytes = encode_tx_raw(&body, &auth_info, &signature);
    let hash = tx_hash(&bytes);
    Ok(SignedTx { bytes, hash })
}

/// Parses a `--fees` value: `2000uphx`, several coins separated by commas, or empty for none.
pub fn parse_fees(text: &str) -> Result<Coins> {
    text.trim().parse::<Coins>().map_err(|e| {
        ClientError::invalid(format!(
            "invalid --fees {text:?}: {e}; write an amount and a denom, e.g. 2000{FEE_DENOM}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fee_rounds_up() {
        assert_eq!(default_fee(200_000).to_string(), "2000uphx");
        assert_eq!(default_fee(200_001).to_string(), "2001uphx");
        assert_eq!(default_fee(1).to_string(), "1uphx");
        assert!(default_fee(0).is_empty());
        assert_eq!(parse_fees("5uphx").unwrap().to_string(), "5uphx");
        assert!(parse_fees("").unwrap().is_empty());
        assert!(parse_fees("5").is_err());
    }
}
