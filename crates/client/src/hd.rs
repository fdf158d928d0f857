//! Hierarchical deterministic keys as Cosmos derives them: a BIP39 mnemonic, its seed, and BIP32
//! derivation along `m/44'/118'/0'/0/0` (coin type 118, the Cosmos Hub's), so that a mnemonic made by
//! `phalanxd keys add` opens the same account in Keplr, CosmJS or `gaiad`, and the other way round.
//!
//! BIP39 (word list, checksum, seed) comes from the `bip39` crate; BIP32 is the few lines below over
//! HMAC-SHA512 and the `secp256k1` crate's scalar addition.

use crate::error::{ClientError, Result};
use hmac::{Hmac, KeyInit, Mac};
use secp256k1::{PublicKey, Scalar, SecretKey};
use sha2::Sha512;
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroizing;

/// The derivation path of the first Cosmos account, used unless the user asks for another.
pub const COSMOS_HD_PATH: &str = "m/44'/118'/0'/0/0";

/// Words in a newly generated mnemonic: 24 words carry 256 bits of entropy.
pub const NEW_MNEMONIC_WORDS: usize = 24;

/// The bit that marks a hardened index.
const HARDENED: u32 = 0x8000_0000;

/// A BIP32 derivation path such as `m/44'/118'/0'/0/0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdPath(Vec<u32>);

impl HdPath {
    /// The Cosmos path of `account` and address `index`: `m/44'/118'/account'/0/index`.
    pub fn cosmos(account: u32, index: u32) -> Result<Self> {
        if account >= HARDENED || index >= HARDENED {
            return Err(ClientError::invalid(format!(
                "account {account} and index {index} must each be below {HARDENED}"
            )));
        }
        Ok(Self(vec![
            44 | HARDENED,
            118 | HARDENED,
            account | HARDENED,
            0,
            index,
        ]))
    }

    /// The indices, hardened ones with the top bit set.
    pub fn indices(&self) -> &[u32] {
        &self.0
    }
}

impl Default for HdPath {
    fn default() -> Self {
        Self(vec![44 | HARDENED, 118 | HARDENED, HARDENED, 0, 0])
    }
}

impl FromStr for HdPath {
    type Err = ClientError;

    /// Accepts `m/44'/118'/0'/0/0`; `h` or `H` may mark hardened indices instead of `'`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = |why: &str| {
            ClientError::invalid(format!(
                "invalid HD path {s:?}: {why}; expected something like {COSMOS_HD_PATH}"
            ))
        };
        let mut parts = s.trim().split('/');
        if parts.next() != Some("m") {
            return Err(bad("it must start with m/"));
        }
        let mut out = Vec::new();
        for part in parts {
            let (digits, hardened) = match part.strip_suffix(['\'', 'h', 'H']) {
                Some(d) => (d, true),
                None => (part, false),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("each step is a number, optionally followed by '"));
            }
            let index: u32 = digits
                .parse()
                .ok()
                .filter(|i| *i < HARDENED)
                .ok_or_else(|| bad("an index is too large"))?;
            out.push(if hardened { index | HARDENED } else { index });
        }
        if out.is_empty() {
            return Err(bad("it has no steps"));
        }
        Ok(Self(out))
    }
}

impl fmt::Display for HdPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for i in &self.0 {
            if i & HARDENED != 0 {
                write!(f, "/{}'", i & !HARDENED)?;
            } else {
                write!(f, "/{i}")?;
            }
        }
        Ok(())
    }
}

/// A new random 24-word English mnemonic, from the operating system's random source.
pub fn generate_mnemonic() -> Result<Zeroizing<String>> {
    let mut entropy = Zeroizing::new([0u8; 32]);
    getrandom::fill(entropy.as_mut_slice()).map_err(|e| {
        ClientError::key(format!(
            "the operating system's random source failed ({e}); no key was created"
        ))
    })?;
    mnemonic_from_entropy(entropy.as_slice())
}

/// The English mnemonic of `entropy` (16 to 32 bytes, a multiple of 4).
pub fn mnemonic_from_entropy(entropy: &[u8]) -> Result<Zeroizing<String>> {
    let m = bip39::Mnemonic::from_entropy(entropy)
        .map_err(|e| ClientError::key(format!("cannot make a mnemonic: {e}")))?;
    Ok(Zeroizing::new(m.to_string()))
}

/// Puts a typed mnemonic in canonical form: lower case, words separated by one space.
pub fn normalize_mnemonic(phrase: &str) -> Zeroizing<String> {
    Zeroizing::new(
        phrase
            .split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Whether `text` looks like a mnemonic (several words) rather than a hex secret.
pub fn looks_like_mnemonic(text: &str) -> bool {
    text.split_whitespace().nth(1).is_some()
}

/// The 64-byte BIP39 seed of a mnemonic (checked against the English word list and its checksum) and an
/// optional BIP39 passphrase (the "25th word"; empty for Cosmos defaults).
pub fn mnemonic_to_seed(phrase: &str, bip39_passphrase: &str) -> Result<Zeroizing<[u8; 64]>> {
    let normalized = normalize_mnemonic(phrase);
    let m = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normalized).map_err(
        |e| {
            ClientError::key(format!(
                "not a valid BIP39 mnemonic: {e}; check the words and their order (12, 15, 18, 21 or 24 English words)"
            ))
        },
    )?;
    Ok(Zeroizing::new(m.to_seed(bip39_passphrase)))
}

/// 32 secret bytes, wiped on drop.
type Secret32 = Zeroizing<[u8; 32]>;

/// HMAC-SHA512 split into its left half (key material) and right half (chain code).
fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> Result<(Secret32, Secret32)> {
    let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(key)
        .map_err(|e| ClientError::key(format!("HMAC key rejected: {e}")))?;
    for p in parts {
        mac.update(p);
    }
    let out = mac.finalize().into_bytes();
    let mut left = Zeroizing::new([0u8; 32]);
    let mut right = Zeroizing::new([0u8; 32]);
    let (l, r) = out.as_slice().split_at(32);
    left.copy_from_slice(l);
    right.copy_from_slice(r);
    Ok((left, right))
}

fn invalid_derivation() -> ClientError {
    // Probability below 2^-127 per step; BIP32 says to skip to the next index, we ask for another path.
    ClientError::key(
        "this seed and path give an invalid BIP32 key (astronomically unlikely); use another --hd-path",
    )
}

/// The secp256k1 secret key at `path` below the BIP32 master key of `seed`.
pub fn derive_secret(seed: &[u8], path: &HdPath) -> Result<SecretKey> {
    let (master, mut chain) = hmac_sha512(b"Bitcoin seed", &[seed])?;
    let mut key = SecretKey::from_secret_bytes(*master).map_err(|_| invalid_derivation())?;
    for &index in path.indices() {
        let index_bytes = index.to_be_bytes();
        let (tweak, next_chain) = if index & HARDENED != 0 {
            let secret = Zeroizing::new(key.to_secret_bytes());
            hmac_sha512(chain.as_slice(), &[&[0u8], secret.as_slice(), &index_bytes])?
        } else {
            let public = PublicKey::from_secret_key(&key).serialize();
            hmac_sha512(chain.as_slice(), &[&public, &index_bytes])?
        };
        let scalar = Scalar::from_be_bytes(*tweak).map_err(|_| invalid_derivation())?;
        key = key.add_tweak(&scalar).map_err(|_| invalid_derivation())?;
        chain = next_chain;
    }
    Ok(key)
}

/// The secret key of a mnemonic at `path`, as Cosmos wallets compute it (no BIP39 passphrase).
pub fn secret_from_mnemonic(phrase: &str, path: &HdPath) -> Result<SecretKey> {
    let seed = mnemonic_to_seed(phrase, "")?;
    derive_secret(seed.as_slice(), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_and_print() {
        let p: HdPath = COSMOS_HD_PATH.parse().unwrap();
        assert_eq!(p, HdPath::default());
        assert_eq!(p.to_string(), COSMOS_HD_PATH);
        assert_eq!(
            HdPath::cosmos(2, 7).unwrap().to_string(),
            "m/44'/118'/2'/0/7"
        );
        assert_eq!("m/0h/1".parse::<HdPath>().unwrap().to_string(), "m/0'/1");
        for bad in ["", "m", "44'/118'", "m/x", "m/2147483648", "m//1"] {
            assert!(bad.parse::<HdPath>().is_err(), "{bad}");
        }
    }

    #[test]
    fn mnemonics_round_trip_and_are_checked() {
        let m = mnemonic_from_entropy(&[7u8; 32]).unwrap();
        assert_eq!(m.split(' ').count(), NEW_MNEMONIC_WORDS);
        assert!(mnemonic_to_seed(&m, "").is_ok());
        // Upper case and extra spaces are accepted.
        let messy = format!("  {}  ", m.to_uppercase().replace(' ', "   "));
        assert_eq!(
            *mnemonic_to_seed(&messy, "").unwrap(),
            *mnemonic_to_seed(&m, "").unwrap()
        );
        // Swapping two words breaks the checksum.
        let mut words: Vec<&str> = m.split(' ').collect();
        words.swap(0, 1);
        if words[0] != words[1] {
            assert!(mnemonic_to_seed(&words.join(" "), "").is_err());
        }
        assert!(mnemonic_to_seed("not a mnemonic at all", "").is_err());
        let fresh = generate_mnemonic().unwrap();
        assert_ne!(*fresh, *m);
    }
}
