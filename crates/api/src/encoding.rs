//! Byte encodings used in JSON: hex for hashes, base64 for opaque bytes (pagination keys, tx bytes,
//! proofs), as Cosmos clients expect them.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::Serializer;

pub use phalanx_types::encoding::{decode_hex, hex_lower, hex_upper};

/// Standard base64 with padding, the form Cosmos uses for bytes in JSON.
pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes base64 leniently: standard or URL-safe alphabet, padded or not, and a `+` that a query
/// string turned into a space is taken back.
pub fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    let s = s.replace(' ', "+");
    let s = s.trim();
    STANDARD
        .decode(s)
        .or_else(|_| URL_SAFE.decode(s))
        .or_else(|_| URL_SAFE_NO_PAD.decode(s))
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(s))
        .map_err(|e| format!("invalid base64: {e}"))
}

/// Serde helper: bytes as lower-case hex.
pub fn ser_hex<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex_lower(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes = [0x00, 0x1f, 0xa0, 0xff];
        assert_eq!(hex_upper(&bytes), "001FA0FF");
        assert_eq!(hex_lower(&bytes), "001fa0ff");
        assert_eq!(decode_hex("001FA0ff").unwrap(), bytes);
        assert!(decode_hex("abc").is_err());
        assert!(decode_hex("zz").is_err());
    }

    #[test]
    fn base64_accepts_both_alphabets_and_query_spaces() {
        let bytes = [0xfb, 0xff, 0x01];
        assert_eq!(decode_base64(&base64(&bytes)).unwrap(), bytes);
        assert_eq!(decode_base64("-_8B").unwrap(), bytes);
        assert_eq!(decode_base64(" /8B").unwrap(), bytes);
        assert!(decode_base64("!!").is_err());
    }
}
