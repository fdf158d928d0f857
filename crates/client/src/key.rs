//! A secp256k1 signing key and the account it controls.
//!
//! Signatures are what the chain verifies (`phalanx_app::ante::verify_signature`): ECDSA over the
//! sha256 of the SIGN_MODE_DIRECT sign doc, compact `r || s`, low-S (libsecp256k1 always produces
//! low-S signatures).

use crate::error::{ClientError, Result};
use crate::hd::{self, HdPath};
use phalanx_types::Address;
use secp256k1::{Message, PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use std::fmt;
use zeroize::Zeroizing;

/// Length of a compressed secp256k1 public key.
pub const PUBKEY_LEN: usize = 33;

/// A private key in memory. The secret is wiped when the key is dropped and never printed by `Debug`.
pub struct SigningKey {
    secret: SecretKey,
    public: [u8; PUBKEY_LEN],
}

impl SigningKey {
    /// The key with these 32 secret bytes (big-endian scalar, as Cosmos exports it in hex).
    pub fn from_bytes(secret: &[u8; 32]) -> Result<Self> {
        let secret = SecretKey::from_secret_bytes(*secret).map_err(|_| {
            ClientError::key(
                "not a valid secp256k1 private key (zero or not below the curve order)",
            )
        })?;
        Ok(Self::from_secret(secret))
    }

    /// The key from a hex string of 32 bytes (64 hex digits, optional `0x`).
    pub fn from_hex(text: &str) -> Result<Self> {
        let digits = text.trim();
        let digits = digits.strip_prefix("0x").unwrap_or(digits);
        let bytes = Zeroizing::new(crate::encoding::decode_hex(digits).map_err(|e| {
            ClientError::key(format!(
                "not a hex private key ({e}); expected 64 hex digits or a mnemonic"
            ))
        })?);
        let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            ClientError::key(format!(
                "a private key is 32 bytes (64 hex digits), got {} bytes",
                bytes.len()
            ))
        })?;
        let arr = Zeroizing::new(arr);
        Self::from_bytes(&arr)
    }

    /// The key a mnemonic derives at `path` (the Cosmos default is [`HdPath::default`]).
    pub fn from_mnemonic(phrase: &str, path: &HdPath) -> Result<Self> {
        Ok(Self::from_secret(hd::secret_from_mnemonic(phrase, path)?))
    }

    fn from_secret(secret: SecretKey) -> Self {
        let public = PublicKey::from_secret_key(&secret).serialize();
        Self { secret, public }
    }

    /// The compressed public key, as it appears in transactions.
    pub fn public_key(&self) -> [u8; PUBKEY_LEN] {
        self.public
    }

    /// The account this key controls.
    pub fn address(&self) -> Address {
        Address::from_secp256k1_pubkey(&self.public)
    }

    /// The 32 secret bytes, wiped when the returned value is dropped.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_secret_bytes())
    }

    /// Signs `sign_doc` (SIGN_MODE_DIRECT bytes): ECDSA over its sha256, compact low-S `r || s`.
    pub fn sign_direct(&self, sign_doc: &[u8]) -> [u8; 64] {
        let digest: [u8; 32] = Sha256::digest(sign_doc).into();
        secp256k1::ecdsa::sign(Message::from_digest(digest), &self.secret).serialize_compact()
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.secret.non_secure_erase();
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("address", &self.address())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_keys_parse_and_sign_verifiably() {
        let k = SigningKey::from_hex(&"01".repeat(32)).unwrap();
        let again = SigningKey::from_hex(&format!("0x{}", "01".repeat(32))).unwrap();
        assert_eq!(k.public_key(), again.public_key());
        assert!(SigningKey::from_hex("00").is_err());
        assert!(SigningKey::from_hex(&"00".repeat(32)).is_err());
        assert!(SigningKey::from_hex("zz").is_err());
        let sig = k.sign_direct(b"doc");
        let digest: [u8; 32] = Sha256::digest(b"doc").into();
        let parsed = secp256k1::ecdsa::Signature::from_compact(&sig).unwrap();
        let mut normalized = parsed;
        normalized.normalize_s();
        assert_eq!(normalized, parsed, "low-S");
        let pk = PublicKey::from_byte_array_compressed(k.public_key()).unwrap();
        assert!(parsed.verify(Message::from_digest(digest), &pk).is_ok());
        assert!(!format!("{k:?}").contains("0101"));
    }
}
