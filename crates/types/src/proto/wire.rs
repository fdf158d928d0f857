//! Strict protobuf decoding: unknown fields are rejected instead of silently dropped.
//!
//! `prost` skips fields it does not know. For a chain that is dangerous: a wallet built against a newer
//! schema (a transaction timeout, a new message field) would have its signed intent ignored without an
//! error. So, as the Cosmos SDK does (ADR 020), every transaction part is first walked at the wire level
//! against the list of fields its message type declares; an unknown field is an error, except that inside
//! the transaction body and auth info a field whose number has bit 10 set (1024 and above, "non-critical"
//! in the SDK's convention) may be ignored.
//!
//! Each message type lists its fields in a [`MessageSchema`] (via [`Schema`]); the test `tests/proto.rs`
//! checks every schema against the descriptors compiled from the `.proto` files.

use crate::error::{Error, Result};
use prost::Message;

/// Field numbers with this bit set are non-critical: a decoder that does not know them may ignore them.
pub const NON_CRITICAL_BIT: u32 = 1 << 10;

/// The largest field number protobuf allows.
const MAX_FIELD_NUMBER: u32 = (1 << 29) - 1;

/// How a known field is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A scalar, string, bytes or packed repeated scalar: its bytes are skipped.
    Scalar,
    /// An embedded message: its bytes are walked against that message's schema.
    Message(&'static MessageSchema),
}

/// One field a message type declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownField {
    /// The field number.
    pub number: u32,
    /// Whether its content is walked further.
    pub kind: FieldKind,
}

/// The fields a message type declares, for the unknown-field check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageSchema {
    /// The fully qualified protobuf name, used in error messages.
    pub name: &'static str,
    /// Every declared field.
    pub fields: &'static [KnownField],
}

/// A message type whose declared fields are known, so it can be decoded strictly.
pub trait Schema {
    /// The declared fields.
    const SCHEMA: &'static MessageSchema;
}

/// Decodes `bytes` as `T` after checking that they contain only fields `T` declares (recursively), except
/// non-critical ones when `allow_non_critical` is set. `context` names the part being decoded in errors.
pub fn decode_strict<T: Message + Default + Schema>(
    bytes: &[u8],
    allow_non_critical: bool,
    context: &str,
) -> Result<T> {
    check_fields(bytes, T::SCHEMA, allow_non_critical, context)?;
    T::decode(bytes).map_err(|e| Error::InvalidRequest(format!("cannot decode {context}: {e}")))
}

/// Walks `bytes` as an encoded `schema` message and fails on malformed wire data or an unknown field.
///
/// Recursion follows the schemas, which are finite and acyclic, so the depth is bounded by the schema and
/// not by the input.
pub fn check_fields(
    bytes: &[u8],
    schema: &MessageSchema,
    allow_non_critical: bool,
    context: &str,
) -> Result<()> {
    let malformed = |why: &str| {
        Error::InvalidRequest(format!(
            "cannot decode {context}: malformed {} ({why})",
            schema.name
        ))
    };
    let mut buf = bytes;
    while !buf.is_empty() {
        let key = read_varint(&mut buf).ok_or_else(|| malformed("bad field key"))?;
        let key = u32::try_from(key).map_err(|_| malformed("field key out of range"))?;
        let number = key.checked_shr(3).unwrap_or(0);
        let wire_type = key & 0x7;
        if number == 0 || number > MAX_FIELD_NUMBER {
            return Err(malformed("invalid field number"));
        }
        let known = schema.fields.iter().find(|f| f.number == number);
        if known.is_none() && !(allow_non_critical && number & NON_CRITICAL_BIT != 0) {
            return Err(Error::InvalidRequest(format!(
                "cannot decode {context}: {} has no field {number}; this chain does not support it",
                schema.name
            )));
        }
        match wire_type {
            0 => {
                read_varint(&mut buf).ok_or_else(|| malformed("bad varint"))?;
            }
            1 => buf = buf.get(8..).ok_or_else(|| malformed("truncated fixed64"))?,
            5 => buf = buf.get(4..).ok_or_else(|| malformed("truncated fixed32"))?,
            2 => {
                let len = read_varint(&mut buf).ok_or_else(|| malformed("bad length"))?;
                let len = usize::try_from(len).map_err(|_| malformed("length out of range"))?;
                let (value, rest) = buf
                    .split_at_checked(len)
                    .ok_or_else(|| malformed("truncated length-delimited field"))?;
                buf = rest;
                if let Some(KnownField {
                    kind: FieldKind::Message(inner),
                    ..
                }) = known
                {
                    check_fields(value, inner, allow_non_critical, context)?;
                }
            }
            _ => return Err(malformed("unsupported wire type")),
        }
        if let Some(KnownField {
            kind: FieldKind::Message(_),
            ..
        }) = known
            && wire_type != 2
        {
            return Err(malformed(
                "embedded message with a non-length-delimited wire type",
            ));
        }
    }
    Ok(())
}

/// Reads a base-128 varint of at most 10 bytes whose value fits in 64 bits, advancing `buf`.
fn read_varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value: u64 = 0;
    let mut shift: u32 = 0;
    for index in 0..10 {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        // The tenth byte may only carry the top bit of a 64-bit value.
        if index == 9 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(value);
        }
        shift = shift.saturating_add(7);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const INNER: &MessageSchema = &MessageSchema {
        name: "test.Inner",
        fields: &[KnownField {
            number: 1,
            kind: FieldKind::Scalar,
        }],
    };
    const OUTER: &MessageSchema = &MessageSchema {
        name: "test.Outer",
        fields: &[
            KnownField {
                number: 1,
                kind: FieldKind::Scalar,
            },
            KnownField {
                number: 2,
                kind: FieldKind::Message(INNER),
            },
        ],
    };

    #[test]
    fn accepts_known_fields_and_rejects_unknown_ones() {
        // field 1 varint 5; field 2 message { field 1 varint 1 }
        assert!(check_fields(&[0x08, 0x05, 0x12, 0x02, 0x08, 0x01], OUTER, false, "t").is_ok());
        // field 3 is unknown
        let err = check_fields(&[0x18, 0x01], OUTER, false, "t").unwrap_err();
        assert!(
            err.to_string().contains("test.Outer has no field 3"),
            "{err}"
        );
        // unknown field 2 nested inside field 2
        let err = check_fields(&[0x12, 0x02, 0x10, 0x01], OUTER, false, "t").unwrap_err();
        assert!(
            err.to_string().contains("test.Inner has no field 2"),
            "{err}"
        );
    }

    #[test]
    fn non_critical_fields_are_allowed_only_when_asked() {
        // field 1024, varint 1: key = 1024 << 3 = 8192 = 0x80 0x40
        let bytes = [0x80, 0x40, 0x01];
        assert!(check_fields(&bytes, OUTER, true, "t").is_ok());
        assert!(check_fields(&bytes, OUTER, false, "t").is_err());
        // field 1023 is critical
        let bytes = [0xf8, 0x3f, 0x01];
        assert!(check_fields(&bytes, OUTER, true, "t").is_err());
    }

    #[test]
    fn rejects_malformed_wire_data() {
        for bytes in [
            &[0x08][..],         // missing varint
            &[0x12, 0x05, 0x00], // truncated length-delimited
            &[0x0b],             // group start
            &[0x00, 0x01],       // field number 0
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
            ], // 11-byte varint
            &[0x10, 0x01],       // message field as varint
        ] {
            assert!(check_fields(bytes, OUTER, false, "t").is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn varints_decode_to_64_bits() {
        let mut b: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(read_varint(&mut b), Some(u64::MAX));
        let mut b: &[u8] = &[0xac, 0x02];
        assert_eq!(read_varint(&mut b), Some(300));
    }
}
