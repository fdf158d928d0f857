//! Serde for bare `u128` amounts as decimal strings in JSON, as Cosmos clients expect (JSON numbers lose
//! precision above 2^53 in most clients).

use serde::{Deserialize, Deserializer, Serializer, de};

/// Writes the amount as a string in human-readable formats.
pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        s.collect_str(v)
    } else {
        s.serialize_u128(*v)
    }
}

/// Reads an amount written by [`serialize`]; only plain digits are accepted.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
    if d.is_human_readable() {
        let s = String::deserialize(d)?;
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(de::Error::custom(format!("amount {s:?} must be digits")));
        }
        s.parse().map_err(de::Error::custom)
    } else {
        u128::deserialize(d)
    }
}
