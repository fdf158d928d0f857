//! Hex encoding of bytes for JSON and messages (hashes, keys), shared by every layer and by clients.

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
}
