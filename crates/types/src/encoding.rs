//! Byte encodings for JSON and messages, shared by every layer and by clients: hex for hashes and
//! keys, base64 for opaque bytes (tx bytes, pagination keys, proofs), as Cosmos clients expect them.
//! One implementation here, so the API and the client can never disagree on a form.

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

fn hex_with(bytes: &[u8], table: &[u8; 16]) -> String {
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            if let Some(c) = table.get(usize::from(nibble)) {
                out.push(char::from(*c));
            }
        }
    }
    out
}

/// Upper-case hex, the Cosmos form of transaction hashes.
pub fn hex_upper(bytes: &[u8]) -> String {
    hex_with(bytes, HEX_UPPER)
}

/// Lower-case hex, for app hashes, block hashes and keys.
pub fn hex_lower(bytes: &[u8]) -> String {
    hex_with(bytes, HEX_LOWER)
}

/// Decodes hex of either case.
pub fn decode_hex(s: &str) -> Result<Vec<u8>, String> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => c.checked_sub(b'0'),
            b'a'..=b'f' => c.checked_sub(b'a').and_then(|v| v.checked_add(10)),
            b'A'..=b'F' => c.checked_sub(b'A').and_then(|v| v.checked_add(10)),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => match (nibble(*hi), nibble(*lo)) {
                (Some(h), Some(l)) => Ok((h << 4) | l),
                _ => Err(format!(
                    "{:?} is not a hex byte",
                    String::from_utf8_lossy(pair)
                )),
            },
            _ => Err("odd number of hex digits".into()),
        })
        .collect()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4), the form Cosmos uses for bytes in JSON.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    let mut push = |six: u32| {
        if let Some(c) = usize::try_from(six & 0x3f).ok().and_then(|i| BASE64.get(i)) {
            out.push(char::from(*c));
        }
    };
    for chunk in bytes.chunks(3) {
        let [a, b, c] = [0, 1, 2].map(|i| chunk.get(i).copied().map_or(0, u32::from));
        let n = (a << 16) | (b << 8) | c;
        push(n >> 18);
        push(n >> 12);
        if chunk.len() > 1 {
            push(n >> 6);
        }
        if chunk.len() > 2 {
            push(n);
        }
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// Decodes base64 leniently, as wallets and query strings send it: the standard or the URL-safe
/// alphabet, padded or not, surrounding whitespace ignored, and a space taken back as the `+` a
/// query string turned into one. Rejects anything else, including non-zero trailing bits, so each
/// byte string has one accepted form per alphabet and padding choice.
pub fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    fn six(c: u8) -> Option<u32> {
        let v = match c {
            b'A'..=b'Z' => c.checked_sub(b'A'),
            b'a'..=b'z' => c.checked_sub(b'a').and_then(|v| v.checked_add(26)),
            b'0'..=b'9' => c.checked_sub(b'0').and_then(|v| v.checked_add(52)),
            b'+' | b'-' | b' ' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        };
        v.map(u32::from)
    }
    // A space is data (a `+` a query string decoded), so only other whitespace is trimmed.
    let text = s
        .trim_matches(|c: char| c.is_whitespace() && c != ' ')
        .as_bytes();
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if body.len() != text.len() && !text.len().is_multiple_of(4) {
        return Err("invalid base64: padding on a length that is not a multiple of 4".into());
    }
    if body.len() % 4 == 1 {
        return Err("invalid base64: impossible length".into());
    }
    let mut out = Vec::with_capacity(body.len().saturating_mul(3) / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for &c in chunk {
            let v = six(c).ok_or_else(|| {
                format!("invalid base64: {:?} is not a base64 digit", char::from(c))
            })?;
            n = (n << 6) | v;
        }
        // Left-align a short final chunk to 24 bits; its bits past the last byte must be zero.
        let (bytes, spare, unused) = match chunk.len() {
            4 => (3, 0, 0),
            3 => (2, 6, 0xff),
            _ => (1, 12, 0xffff),
        };
        n <<= spare;
        if n & unused != 0 {
            return Err("invalid base64: non-zero trailing bits".into());
        }
        let be = n.to_be_bytes();
        out.extend(be.iter().skip(1).take(bytes));
    }
    Ok(out)
}

/// Serde adapter for optional bytes as an optional standard base64 string (`null` when absent), the
/// JSON form of public keys in Cosmos. Use as `#[serde(with = "phalanx_types::encoding::opt_base64")]`.
pub mod opt_base64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    /// Writes `Some(bytes)` as a base64 string and `None` as `null`.
    pub fn serialize<S: Serializer>(value: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => s.serialize_some(&super::base64(bytes)),
            None => s.serialize_none(),
        }
    }

    /// Reads a base64 string (either alphabet, see [`super::decode_base64`]) or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| super::decode_base64(&text).map_err(D::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_in_both_cases() {
        assert_eq!(hex_lower(&[0xab, 0x01]), "ab01");
        assert_eq!(hex_upper(&[0xab, 0x01]), "AB01");
        assert_eq!(decode_hex("Ab01").unwrap(), vec![0xab, 0x01]);
        assert!(decode_hex("abc").is_err());
        assert!(decode_hex("zz").is_err());
    }

    #[test]
    fn base64_matches_rfc_4648_vectors_and_round_trips() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
            assert_eq!(decode_base64(encoded).unwrap(), plain.as_bytes());
        }
        let all: Vec<u8> = (0..=255u8).collect();
        for len in 0..all.len() {
            assert_eq!(decode_base64(&base64(&all[..len])).unwrap(), &all[..len]);
        }
    }

    #[test]
    fn base64_accepts_both_alphabets_no_padding_and_query_spaces() {
        let bytes = [0xfb, 0xff, 0x01];
        assert_eq!(base64(&bytes), "+/8B");
        assert_eq!(decode_base64("-_8B").unwrap(), bytes);
        assert_eq!(decode_base64(" /8B").unwrap(), bytes);
        assert_eq!(decode_base64("Zm8").unwrap(), b"fo");
        assert_eq!(decode_base64("\tZg==\n").unwrap(), b"f");
        for bad in ["!!", "Z", "Zh==", "Zm9=", "Zg=", "Zm9v=", "Zg===", "Z=g="] {
            assert!(decode_base64(bad).is_err(), "{bad:?}");
        }
    }
}
