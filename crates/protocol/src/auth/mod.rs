//! Accounts: the account number and sequence a signer commits to, and the public key it signs with.
//!
//! An account is created the first time it receives coins, so anyone who was paid can sign. The
//! sequence rises by one with every transaction the account signs, failed or not, which makes every
//! signature single-use (replay protection).

mod state_key;

use crate::context::Ctx;
use crate::store;
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::{Address, Error, MathError};
use serde::{Deserialize, Serialize};

/// A compressed secp256k1 public key (33 bytes), base64 in JSON as Cosmos shows it.
pub type PubKeyBytes = Vec<u8>;

/// An account's signing state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Account {
    /// The address.
    pub address: Address,
    /// Assigned once at creation; part of every sign doc so a signature cannot move to another chain
    /// or a re-created account.
    pub account_number: u64,
    /// Number of transactions signed so far; the next one must carry exactly this value.
    pub sequence: u64,
    /// Set by the first signed transaction; later ones must use the same key. Base64 in JSON (a
    /// string, not serde's array of numbers); the state encoding (borsh) is unchanged.
    #[serde(default, with = "phalanx_types::encoding::opt_base64")]
    pub pub_key: Option<PubKeyBytes>,
}

/// The state key of the account at `addr`, for code that watches which keys a block wrote (the
/// mempool re-checks a waiting transaction only when a block writes a key its admission reads).
pub fn account_key(addr: &Address) -> Vec<u8> {
    state_key::account(addr)
}

/// The account at `addr`, if it exists.
pub fn account(state: &dyn StateRead, addr: &Address) -> Result<Option<Account>> {
    store::get(state, &state_key::account(addr))
}

/// Every account, in address order.
pub fn all_accounts(state: &dyn StateRead) -> Result<Vec<Account>> {
    store::values(state, &state_key::accounts_prefix())
}

/// The number the next new account gets.
pub fn next_account_number(state: &dyn StateRead) -> Result<u64> {
    Ok(store::get(state, &state_key::next_number())?.unwrap_or(0))
}

/// Stores an account (after its sequence or key changed).
pub fn save_account(ctx: &mut Ctx<'_>, account: &Account) -> Result<()> {
    ctx.set(state_key::account(&account.address), account)
}

/// The account at `addr`, created with the next account number if it does not exist yet.
pub fn ensure_account(ctx: &mut Ctx<'_>, addr: &Address) -> Result<Account> {
    if let Some(a) = account(ctx.state(), addr)? {
        return Ok(a);
    }
    let number = next_account_number(ctx.state())?;
    let next = number.checked_add(1).ok_or(MathError::Overflow)?;
    ctx.set(state_key::next_number(), &next)?;
    let created = Account {
        address: *addr,
        account_number: number,
        sequence: 0,
        pub_key: None,
    };
    save_account(ctx, &created)?;
    Ok(created)
}

/// Accounts genesis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthGenesis {
    /// The number the next new account gets.
    pub next_account_number: u64,
    /// Accounts, sorted by address, numbers unique and below `next_account_number`.
    pub accounts: Vec<Account>,
}

/// Validates and writes accounts genesis. Runs before bank, so funded accounts keep their numbers.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &AuthGenesis) -> Result<()> {
    crate::genesis_util::require_sorted_unique(&g.accounts, |a| a.address, "accounts")?;
    let mut numbers = std::collections::BTreeSet::new();
    for a in &g.accounts {
        if a.account_number >= g.next_account_number || !numbers.insert(a.account_number) {
            return Err(Error::InvalidGenesis(format!(
                "account {} has a duplicate or out-of-range account number {}",
                a.address, a.account_number
            )));
        }
        if a.pub_key.as_ref().is_some_and(|k| k.len() != 33) {
            return Err(Error::InvalidGenesis(format!(
                "account {} public key must be 33 bytes (compressed secp256k1)",
                a.address
            )));
        }
        save_account(ctx, a)?;
    }
    ctx.set(state_key::next_number(), &g.next_account_number)
}

/// Reads accounts genesis back out.
pub fn export_genesis(state: &dyn StateRead) -> Result<AuthGenesis> {
    Ok(AuthGenesis {
        next_account_number: next_account_number(state)?,
        accounts: all_accounts(state)?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pub_key_is_base64_in_json_and_unchanged_in_state() {
        let mut key = vec![0x02u8];
        key.extend(1..=32u8);
        let account = Account {
            address: Address::module("alice"),
            account_number: 7,
            sequence: 3,
            pub_key: Some(key.clone()),
        };
        let json = serde_json::to_value(&account).unwrap();
        assert_eq!(
            json["pub_key"],
            serde_json::json!(phalanx_types::encoding::base64(&key))
        );
        assert_eq!(serde_json::from_value::<Account>(json).unwrap(), account);
        let none = Account {
            pub_key: None,
            ..account.clone()
        };
        let json = serde_json::to_value(&none).unwrap();
        assert!(json["pub_key"].is_null());
        assert_eq!(serde_json::from_value::<Account>(json).unwrap(), none);
        // The state encoding is borsh's: an option tag, a length and the raw key bytes.
        let bytes = borsh::to_vec(&account).unwrap();
        assert!(bytes.ends_with(&key));
        assert_eq!(borsh::from_slice::<Account>(&bytes).unwrap(), account);
    }
}
