//! Byte encodings used in JSON: hex for hashes, base64 for opaque bytes (pagination keys, tx bytes,
//! proofs), as Cosmos clients expect them.

use serde::Serializer;

pub use phalanx_types::encoding::{base64, decode_base64, decode_hex, hex_lower, hex_upper};

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
