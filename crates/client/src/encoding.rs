//! Hex and base64 helpers: the shared implementations of `phalanx_types::encoding`, so the client
//! encodes bytes exactly as the API reads them.

pub use phalanx_types::encoding::{base64, decode_base64, decode_hex, hex_lower as hex, hex_upper};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let data = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&data), "0001abff");
        assert_eq!(hex_upper(&data), "0001ABFF");
        assert_eq!(decode_hex("0001ABff").unwrap(), data);
        assert!(decode_hex("abc").is_err());
        assert!(decode_hex("zz").is_err());
        assert_eq!(decode_base64(&base64(&data)).unwrap(), data);
    }
}
