//! Account addresses: 20 bytes, shown as bech32 with the `phx` prefix, derived the way Cosmos derives them
//! so that Cosmos wallets and key tools produce Phalanx addresses unchanged.

use bech32::{Bech32, Hrp};
use borsh::{BorshDeserialize, BorshSerialize};
use ripemd::Ripemd160;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The human-readable prefix of every Phalanx account address.
pub const ADDRESS_PREFIX: &str = "phx";
/// Length in bytes of every address.
pub const ADDRESS_LEN: usize = 20;

/// An account address. Ordering is byte order, so keys built from addresses iterate deterministically.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Address(pub [u8; ADDRESS_LEN]);

/// Why a string is not a Phalanx address; the message tells the user what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not valid bech32 at all.
    #[error("invalid bech32 address {0:?}: {1}")]
    Bech32(String, String),
    /// Valid bech32 but for another chain.
    #[error("address {0:?} has prefix {1:?}, expected \"phx\"")]
    WrongPrefix(String, String),
    /// Valid bech32 but the payload is not 20 bytes.
    #[error("address {0:?} holds {1} bytes, expected 20")]
    WrongLength(String, usize),
}

impl Address {
    /// The account of a secp256k1 key: ripemd160(sha256(compressed 33-byte public key)), as in Cosmos.
    pub fn from_secp256k1_pubkey(compressed: &[u8]) -> Self {
        Self(Ripemd160::digest(Sha256::digest(compressed)).into())
    }

    /// An account owned by the protocol (custody of a pool, operator or service; a module vault):
    /// the first 20 bytes of sha256(name). No key can sign for it.
    pub fn module(name: &str) -> Self {
        let digest = Sha256::digest(name.as_bytes());
        let mut out = [0u8; ADDRESS_LEN];
        out.copy_from_slice(digest.get(..ADDRESS_LEN).unwrap_or(&[0u8; ADDRESS_LEN]));
        Self(out)
    }

    /// The raw bytes, for store keys.
    pub fn as_bytes(&self) -> &[u8; ADDRESS_LEN] {
        &self.0
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hrp = Hrp::parse_unchecked(ADDRESS_PREFIX);
        match bech32::encode::<Bech32>(hrp, &self.0) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, AddressError> {
        let (hrp, data) =
            bech32::decode(s).map_err(|e| AddressError::Bech32(s.to_string(), e.to_string()))?;
        if hrp.as_str() != ADDRESS_PREFIX {
            return Err(AddressError::WrongPrefix(
                s.to_string(),
                hrp.as_str().to_string(),
            ));
        }
        // bech32 decoding accepts mixed case only when all one case; we also insist on lower case output form.
        if s.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(AddressError::Bech32(
                s.to_string(),
                "addresses are lower case".into(),
            ));
        }
        let bytes: [u8; ADDRESS_LEN] = data
            .as_slice()
            .try_into()
            .map_err(|_| AddressError::WrongLength(s.to_string(), data.len()))?;
        Ok(Self(bytes))
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            Serialize::serialize(&self.0, s)
        }
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = <String as Deserialize>::deserialize(d)?;
            s.parse().map_err(de::Error::custom)
        } else {
            <[u8; ADDRESS_LEN] as Deserialize>::deserialize(d).map(Self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compressed public key of the secp256k1 secret 0x11..11; its Cosmos address payload was checked
    /// against an independent implementation when the stack was chosen.
    const PUBKEY_HEX: &str = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn derives_cosmos_address_from_pubkey() {
        use k256::ecdsa::SigningKey;
        let key = SigningKey::from_slice(&[0x11; 32]).unwrap();
        let point = key.verifying_key().to_sec1_point(true);
        let compressed = point.as_bytes();
        assert_eq!(compressed, hex(PUBKEY_HEX).as_slice());
        let addr = Address::from_secp256k1_pubkey(compressed);
        // Same payload as `rstk1l3e9pgs3mmwuwrh95fecme0s0qtn2880k0p3pz` (recorded in the stack notes).
        let (_, reference) = bech32::decode("rstk1l3e9pgs3mmwuwrh95fecme0s0qtn2880k0p3pz").unwrap();
        assert_eq!(addr.0.as_slice(), reference.as_slice());
        assert!(addr.to_string().starts_with("phx1"));
        assert_eq!(addr.to_string().parse::<Address>().unwrap(), addr);
    }

    #[test]
    fn rejects_foreign_or_malformed_addresses() {
        assert!(matches!(
            "rstk1l3e9pgs3mmwuwrh95fecme0s0qtn2880k0p3pz".parse::<Address>(),
            Err(AddressError::WrongPrefix(..))
        ));
        assert!(matches!(
            "phx1qqqq".parse::<Address>(),
            Err(AddressError::Bech32(..))
        ));
        let long = bech32::encode::<Bech32>(Hrp::parse("phx").unwrap(), &[1u8; 32]).unwrap();
        assert!(matches!(
            long.parse::<Address>(),
            Err(AddressError::WrongLength(_, 32))
        ));
    }

    #[test]
    fn module_addresses_are_stable_and_distinct() {
        assert_eq!(Address::module("pool-1"), Address::module("pool-1"));
        assert_ne!(Address::module("pool-1"), Address::module("operator-1"));
    }
}
