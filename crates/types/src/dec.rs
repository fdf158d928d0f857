//! [`Dec`]: an unsigned fixed-point decimal with exactly 18 fractional digits.
//!
//! Rewards, exchange rates and shares need fractions, but consensus code must never use floats. `Dec` stores
//! `value × 10^18` in a 256-bit integer (the Cosmos SDK `LegacyDec` representation, minus the sign), and every
//! operation is checked. Products and quotients go through 512-bit intermediates so they only fail when the
//! final result itself does not fit.

use core::fmt;
use core::str::FromStr;

use borsh::{BorshDeserialize, BorshSerialize};
use primitive_types::{U256, U512};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::math::{MathError, excerpt};

/// Number of fractional decimal digits, as a `usize` for string handling.
const DECIMALS: usize = 18;
/// `10^18`, the raw value of one whole unit.
const SCALE_U64: u64 = 1_000_000_000_000_000_000;
/// `10^18` as a 256-bit integer.
const SCALE: U256 = U256([SCALE_U64, 0, 0, 0]);
/// `10^18` as a 512-bit integer, the divisor used after a full-width multiplication.
const SCALE_WIDE: U512 = U512([SCALE_U64, 0, 0, 0, 0, 0, 0, 0]);

/// An unsigned decimal with exactly 18 fractional digits, stored as `value × 10^18` in a `U256`.
///
/// Negative values are unrepresentable: a subtraction that would go below zero is
/// [`MathError::Negative`]. Ordering, equality and hashing are those of the underlying integer, so they
/// agree with numeric order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(U256);

impl Dec {
    /// Number of fractional digits, fixed so that every node rounds identically.
    pub const DECIMALS: u32 = 18;
    /// Zero, the additive identity (and the `Default`).
    pub const ZERO: Dec = Dec(U256([0, 0, 0, 0]));
    /// One, the multiplicative identity.
    pub const ONE: Dec = Dec(SCALE);
    /// The largest representable value, `(2^256 - 1) / 10^18`, useful to test overflow handling.
    pub const MAX: Dec = Dec(U256::MAX);
    /// The smallest positive value, `10^-18` (one unit in the last place).
    pub const ULP: Dec = Dec(U256([1, 0, 0, 0]));

    /// Converts a whole number; infallible because any `u128 × 10^18` fits in 256 bits.
    pub fn from_int(value: u128) -> Dec {
        // value < 2^128 and 10^18 < 2^60, so the product is < 2^188: the overflow flag is always false.
        let (raw, _never_overflows) = U256::from(value).overflowing_mul(SCALE);
        Dec(raw)
    }

    /// Wraps a raw `value × 10^18` integer, e.g. one read back from storage.
    pub const fn from_raw(raw: U256) -> Dec {
        Dec(raw)
    }

    /// The raw `value × 10^18` integer, for storage and for exact comparisons in tests.
    pub const fn raw(&self) -> U256 {
        self.0
    }

    /// `numerator / denominator`, truncated to 18 decimals; used to build rates from integer amounts.
    pub fn from_ratio(numerator: u128, denominator: u128) -> Result<Dec, MathError> {
        if denominator == 0 {
            return Err(MathError::DivisionByZero);
        }
        let scaled = U256::from(numerator).full_mul(SCALE);
        let (quotient, _) = div_rem(scaled, U512::from(denominator))?;
        narrow(quotient)
    }

    /// Whether the value is exactly zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// `self + other`; [`MathError::Overflow`] if the sum does not fit.
    pub fn checked_add(&self, other: Dec) -> Result<Dec, MathError> {
        self.0
            .checked_add(other.0)
            .map(Dec)
            .ok_or(MathError::Overflow)
    }

    /// `self - other`; [`MathError::Negative`] if `other > self`, since `Dec` is unsigned.
    pub fn checked_sub(&self, other: Dec) -> Result<Dec, MathError> {
        self.0
            .checked_sub(other.0)
            .map(Dec)
            .ok_or(MathError::Negative)
    }

    /// `self × other`, dropping digits beyond the 18th (rounding toward zero).
    pub fn mul_truncate(&self, other: Dec) -> Result<Dec, MathError> {
        let (quotient, _) = div_rem(self.0.full_mul(other.0), SCALE_WIDE)?;
        narrow(quotient)
    }

    /// `self × other`, rounded half to even at the 18th digit (SDK `LegacyDec.Mul` semantics).
    pub fn mul_round(&self, other: Dec) -> Result<Dec, MathError> {
        let (quotient, remainder) = div_rem(self.0.full_mul(other.0), SCALE_WIDE)?;
        narrow(round_half_even(quotient, remainder, SCALE_WIDE)?)
    }

    /// `self / other`, truncated at the 18th digit; [`MathError::DivisionByZero`] if `other` is zero.
    pub fn quo_truncate(&self, other: Dec) -> Result<Dec, MathError> {
        let (quotient, _) = div_rem(self.0.full_mul(SCALE), U512::from(other.0))?;
        narrow(quotient)
    }

    /// `self / other`, rounded half to even at the 18th digit (SDK `LegacyDec.Quo` semantics);
    /// [`MathError::DivisionByZero`] if `other` is zero.
    pub fn quo_round(&self, other: Dec) -> Result<Dec, MathError> {
        let divisor = U512::from(other.0);
        let (quotient, remainder) = div_rem(self.0.full_mul(SCALE), divisor)?;
        narrow(round_half_even(quotient, remainder, divisor)?)
    }

    /// `self × value`, exact (no rounding is involved); [`MathError::Overflow`] if it does not fit.
    pub fn mul_int(&self, value: u128) -> Result<Dec, MathError> {
        narrow(self.0.full_mul(U256::from(value)))
    }

    /// `self / value`, truncated at the 18th digit; [`MathError::DivisionByZero`] if `value` is zero.
    pub fn quo_int(&self, value: u128) -> Result<Dec, MathError> {
        self.0
            .checked_div(U256::from(value))
            .map(Dec)
            .ok_or(MathError::DivisionByZero)
    }

    /// The integer part (fraction dropped); [`MathError::Overflow`] if it exceeds `u128::MAX`.
    pub fn truncate_int(&self) -> Result<u128, MathError> {
        let (int, _) = self.split();
        u128::try_from(int).map_err(|_| MathError::Overflow)
    }

    /// The smallest integer `>= self`; [`MathError::Overflow`] if it exceeds `u128::MAX`.
    pub fn ceil_int(&self) -> Result<u128, MathError> {
        let (int, frac) = self.split();
        let int = if frac.is_zero() {
            int
        } else {
            // int <= (2^256 - 1) / 10^18, so adding one cannot overflow; checked anyway.
            int.checked_add(U256::one()).ok_or(MathError::Overflow)?
        };
        u128::try_from(int).map_err(|_| MathError::Overflow)
    }

    /// The integer part as a `Dec` (fraction zeroed), for computations that stay in decimal form.
    pub fn truncate(&self) -> Dec {
        let (_, frac) = self.split();
        // frac <= self.0, so this never saturates.
        Dec(self.0.saturating_sub(frac))
    }

    /// The fractional part (`self - self.truncate()`), e.g. the remainder left after paying out whole units.
    pub fn fraction(&self) -> Dec {
        let (_, frac) = self.split();
        Dec(frac)
    }

    /// Splits the raw value into (integer part, raw fractional part < 10^18).
    fn split(&self) -> (U256, U256) {
        // SCALE is a non-zero constant, so div_mod cannot panic.
        self.0.div_mod(SCALE)
    }
}

/// `numerator / divisor` and the remainder, refusing a zero divisor instead of panicking.
fn div_rem(numerator: U512, divisor: U512) -> Result<(U512, U512), MathError> {
    if divisor.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    Ok(numerator.div_mod(divisor))
}

/// Narrows a wide intermediate back to a `Dec`, failing only if the final result really does not fit.
fn narrow(wide: U512) -> Result<Dec, MathError> {
    U256::try_from(wide)
        .map(Dec)
        .map_err(|_| MathError::Overflow)
}

/// Rounds `quotient + remainder / divisor` to an integer, ties to even (banker's rounding), which has no
/// systematic bias up or down. Requires `remainder < divisor`.
fn round_half_even(quotient: U512, remainder: U512, divisor: U512) -> Result<U512, MathError> {
    // remainder < divisor, so the subtraction is exact; comparing r with d - r avoids computing 2r.
    let rest = divisor.saturating_sub(remainder);
    let round_up = match remainder.cmp(&rest) {
        core::cmp::Ordering::Less => false,
        core::cmp::Ordering::Greater => true,
        core::cmp::Ordering::Equal => quotient.bit(0),
    };
    if round_up {
        quotient.checked_add(U512::one()).ok_or(MathError::Overflow)
    } else {
        Ok(quotient)
    }
}

impl fmt::Display for Dec {
    /// Canonical form: integer part, a point, and exactly 18 digits, e.g. `1.500000000000000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = self.split();
        // frac < 10^18 < 2^64, so low_u64 is exact.
        write!(f, "{int}.{:018}", frac.low_u64())
    }
}

impl fmt::Debug for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a run of digits could not be turned into an integer.
enum DigitsError {
    /// A byte other than `0`-`9`.
    NotADigit,
    /// The value exceeds 256 bits.
    TooLarge,
}

/// Parses ASCII decimal digits into a `U256` with checked arithmetic.
fn parse_digits(digits: impl Iterator<Item = u8>) -> Result<U256, DigitsError> {
    let ten = U256::from(10u8);
    let mut value = U256::zero();
    for byte in digits {
        if !byte.is_ascii_digit() {
            return Err(DigitsError::NotADigit);
        }
        let digit = U256::from(byte.saturating_sub(b'0'));
        value = value
            .checked_mul(ten)
            .and_then(|v| v.checked_add(digit))
            .ok_or(DigitsError::TooLarge)?;
    }
    Ok(value)
}

impl FromStr for Dec {
    type Err = MathError;

    /// Accepts `123`, `1.5` or up to 18 fractional digits; rejects signs, whitespace, exponents, a missing
    /// integer or fractional part (`.5`, `1.`), more than 18 decimals, and values that do not fit.
    fn from_str(s: &str) -> Result<Dec, MathError> {
        let bad = |why: &str| MathError::Parse(format!("invalid decimal {}: {why}", excerpt(s)));
        let (int_part, frac_part) = match s.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (s, None),
        };
        if int_part.is_empty() {
            return Err(bad("expected digits before the decimal point"));
        }
        let digit_error = |e: DigitsError| match e {
            DigitsError::NotADigit => bad("only digits and a single '.' are allowed"),
            DigitsError::TooLarge => bad("value is too large"),
        };
        let int = parse_digits(int_part.bytes()).map_err(digit_error)?;
        let frac = match frac_part {
            None => U256::zero(),
            Some("") => return Err(bad("expected digits after the decimal point")),
            Some(frac_part) if frac_part.len() > DECIMALS => {
                return Err(bad("more than 18 fractional digits"));
            }
            Some(frac_part) => {
                // Right-pad with zeros to exactly 18 digits; len <= 18 was checked above.
                let padding = DECIMALS.saturating_sub(frac_part.len());
                let padded = frac_part.bytes().chain(core::iter::repeat_n(b'0', padding));
                parse_digits(padded).map_err(digit_error)?
            }
        };
        int.checked_mul(SCALE)
            .and_then(|scaled| scaled.checked_add(frac))
            .map(Dec)
            .ok_or_else(|| bad("value is too large"))
    }
}

impl Serialize for Dec {
    /// Human-readable formats (JSON) get the canonical string; binary formats get the raw integer as 32
    /// big-endian bytes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            Serialize::serialize(&self.0.to_big_endian(), serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Dec {
    /// Mirror of [`Serialize`]: a decimal string in human-readable formats, 32 big-endian bytes otherwise.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Dec, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(DecStrVisitor)
        } else {
            let bytes = <[u8; 32] as Deserialize>::deserialize(deserializer)?;
            Ok(Dec(U256::from_big_endian(&bytes)))
        }
    }
}

/// Serde visitor accepting the decimal string form of a [`Dec`].
struct DecStrVisitor;

impl de::Visitor<'_> for DecStrVisitor {
    type Value = Dec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative decimal string with at most 18 fractional digits")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
        v.parse().map_err(E::custom)
    }
}

impl BorshSerialize for Dec {
    /// The raw integer as 32 little-endian bytes (fixed size, so the encoding is canonical).
    fn serialize<W: borsh::io::Write>(&self, writer: &mut W) -> borsh::io::Result<()> {
        writer.write_all(&self.0.to_little_endian())
    }
}

impl BorshDeserialize for Dec {
    /// Reads 32 little-endian bytes; every bit pattern is a valid `Dec`.
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<Dec> {
        let mut bytes = [0u8; 32];
        reader.read_exact(&mut bytes)?;
        Ok(Dec(U256::from_little_endian(&bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Dec {
        s.parse().unwrap()
    }

    fn ulps(n: u64) -> Dec {
        Dec::from_raw(U256::from(n))
    }

    #[test]
    fn constants() {
        assert_eq!(Dec::ZERO.to_string(), "0.000000000000000000");
        assert_eq!(Dec::ONE.to_string(), "1.000000000000000000");
        assert_eq!(Dec::ULP.to_string(), "0.000000000000000001");
        assert_eq!(Dec::default(), Dec::ZERO);
        assert!(Dec::ZERO.is_zero());
        assert!(!Dec::ULP.is_zero());
        assert_eq!(Dec::from_int(1), Dec::ONE);
        assert_eq!(Dec::ONE.raw(), U256::exp10(18));
        assert_eq!(Dec::MAX.raw(), U256::MAX);
    }

    #[test]
    fn from_int_and_ratio() {
        assert_eq!(Dec::from_int(42).to_string(), "42.000000000000000000");
        let big = Dec::from_int(u128::MAX);
        assert_eq!(big.truncate_int().unwrap(), u128::MAX);
        assert_eq!(big.fraction(), Dec::ZERO);
        assert_eq!(Dec::from_ratio(1, 2).unwrap(), d("0.5"));
        assert_eq!(
            Dec::from_ratio(2, 3).unwrap().to_string(),
            "0.666666666666666666"
        );
        assert_eq!(Dec::from_ratio(u128::MAX, 1).unwrap(), big);
        assert_eq!(Dec::from_ratio(1, u128::MAX).unwrap(), Dec::ZERO);
        assert_eq!(Dec::from_ratio(1, 0), Err(MathError::DivisionByZero));
    }

    #[test]
    fn add_sub() {
        assert_eq!(d("1.5").checked_add(d("2.25")).unwrap(), d("3.75"));
        assert_eq!(d("3.75").checked_sub(d("2.25")).unwrap(), d("1.5"));
        assert_eq!(d("1").checked_sub(d("1")).unwrap(), Dec::ZERO);
        assert_eq!(
            d("1").checked_sub(d("1.000000000000000001")),
            Err(MathError::Negative)
        );
        assert_eq!(Dec::MAX.checked_add(Dec::ULP), Err(MathError::Overflow));
        assert_eq!(Dec::MAX.checked_add(Dec::ZERO).unwrap(), Dec::MAX);
    }

    #[test]
    fn mul_round_half_even_at_last_digit() {
        let half = d("0.5");
        // 0.5 ulp -> 0, 1.5 ulp -> 2, 2.5 ulp -> 2, 3.5 ulp -> 4.
        assert_eq!(ulps(1).mul_round(half).unwrap(), ulps(0));
        assert_eq!(ulps(3).mul_round(half).unwrap(), ulps(2));
        assert_eq!(ulps(5).mul_round(half).unwrap(), ulps(2));
        assert_eq!(ulps(7).mul_round(half).unwrap(), ulps(4));
        // Not a tie: nearest wins.
        assert_eq!(ulps(1).mul_round(d("0.7")).unwrap(), ulps(1));
        assert_eq!(ulps(1).mul_round(d("0.3")).unwrap(), ulps(0));
        assert_eq!(
            ulps(1).mul_round(d("0.500000000000000001")).unwrap(),
            ulps(1)
        );
        // Truncation always drops.
        assert_eq!(ulps(1).mul_truncate(d("0.7")).unwrap(), ulps(0));
        assert_eq!(ulps(3).mul_truncate(half).unwrap(), ulps(1));
    }

    #[test]
    fn quo_round_half_even_at_last_digit() {
        let two = Dec::from_int(2);
        assert_eq!(ulps(1).quo_round(two).unwrap(), ulps(0));
        assert_eq!(ulps(3).quo_round(two).unwrap(), ulps(2));
        assert_eq!(ulps(5).quo_round(two).unwrap(), ulps(2));
        assert_eq!(ulps(3).quo_truncate(two).unwrap(), ulps(1));
        let two_thirds_round = Dec::from_int(2).quo_round(Dec::from_int(3)).unwrap();
        let two_thirds_trunc = Dec::from_int(2).quo_truncate(Dec::from_int(3)).unwrap();
        assert_eq!(two_thirds_round.to_string(), "0.666666666666666667");
        assert_eq!(two_thirds_trunc.to_string(), "0.666666666666666666");
        assert_eq!(
            Dec::ONE.quo_truncate(Dec::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            Dec::ONE.quo_round(Dec::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            Dec::ZERO.quo_round(Dec::ZERO),
            Err(MathError::DivisionByZero)
        );
    }

    #[test]
    fn int_ops() {
        assert_eq!(d("1.5").mul_int(3).unwrap(), d("4.5"));
        assert_eq!(d("1.5").mul_int(0).unwrap(), Dec::ZERO);
        assert_eq!(Dec::MAX.mul_int(2), Err(MathError::Overflow));
        assert_eq!(Dec::MAX.mul_int(1).unwrap(), Dec::MAX);
        assert_eq!(
            d("1").quo_int(3).unwrap().to_string(),
            "0.333333333333333333"
        );
        assert_eq!(
            d("2").quo_int(3).unwrap().to_string(),
            "0.666666666666666666"
        );
        assert_eq!(d("1").quo_int(0), Err(MathError::DivisionByZero));
    }

    #[test]
    fn no_premature_overflow_at_u256_bounds() {
        // MAX × 1 needs 2^256 × 10^18 internally; the wide intermediate keeps it exact.
        assert_eq!(Dec::MAX.mul_truncate(Dec::ONE).unwrap(), Dec::MAX);
        assert_eq!(Dec::MAX.mul_round(Dec::ONE).unwrap(), Dec::MAX);
        assert_eq!(Dec::MAX.quo_truncate(Dec::ONE).unwrap(), Dec::MAX);
        assert_eq!(Dec::MAX.quo_round(Dec::ONE).unwrap(), Dec::MAX);
        assert_eq!(
            Dec::MAX.mul_truncate(d("0.5")).unwrap(),
            Dec::from_raw(U256::MAX >> 1)
        );
        assert_eq!(
            Dec::MAX.mul_truncate(d("1.000000000000000001")),
            Err(MathError::Overflow)
        );
        assert_eq!(
            Dec::MAX.mul_round(Dec::from_int(2)),
            Err(MathError::Overflow)
        );
        assert_eq!(Dec::MAX.quo_truncate(d("0.5")), Err(MathError::Overflow));
        assert_eq!(
            Dec::MAX.quo_round(d("0.999999999999999999")),
            Err(MathError::Overflow)
        );
        // Rounding up past MAX is an overflow, not a wrap: MAX × 0.999...9 rounds back to a value <= MAX.
        let almost_one = d("0.999999999999999999");
        assert!(Dec::MAX.mul_round(almost_one).unwrap() < Dec::MAX);
    }

    #[test]
    fn truncate_and_ceil_at_u128_bounds() {
        assert_eq!(d("1.999999999999999999").truncate_int().unwrap(), 1);
        assert_eq!(d("1.000000000000000001").ceil_int().unwrap(), 2);
        assert_eq!(d("2").ceil_int().unwrap(), 2);
        assert_eq!(Dec::ZERO.ceil_int().unwrap(), 0);
        assert_eq!(Dec::ULP.ceil_int().unwrap(), 1);
        let max = Dec::from_int(u128::MAX);
        assert_eq!(max.ceil_int().unwrap(), u128::MAX);
        let max_and_a_bit = max.checked_add(Dec::ULP).unwrap();
        assert_eq!(max_and_a_bit.truncate_int().unwrap(), u128::MAX);
        assert_eq!(max_and_a_bit.ceil_int(), Err(MathError::Overflow));
        let past = max.checked_add(Dec::ONE).unwrap();
        assert_eq!(past.truncate_int(), Err(MathError::Overflow));
        assert_eq!(Dec::MAX.truncate_int(), Err(MathError::Overflow));
        assert_eq!(Dec::MAX.ceil_int(), Err(MathError::Overflow));
        assert_eq!(d("7.25").truncate(), d("7"));
        assert_eq!(d("7.25").fraction(), d("0.25"));
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(d("1.5").to_string(), "1.500000000000000000");
        assert_eq!(
            d("0.000000000000000001").to_string(),
            "0.000000000000000001"
        );
        assert_eq!(d("007").to_string(), "7.000000000000000000");
        assert_eq!(format!("{:?}", d("1.5")), "1.500000000000000000");
        assert_eq!(
            Dec::MAX.to_string(),
            "115792089237316195423570985008687907853269984665640564039457.584007913129639935"
        );
    }

    #[test]
    fn parse_accepts_and_rejects() {
        assert_eq!(d("1"), Dec::ONE);
        assert_eq!(d("0.000000000000000001"), Dec::ULP);
        assert_eq!(
            d("115792089237316195423570985008687907853269984665640564039457.584007913129639935"),
            Dec::MAX
        );
        for bad in [
            "",
            ".",
            ".5",
            "1.",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.5 ",
            "1,5",
            "1.2.3",
            "1e18",
            "abc",
            "0x10",
            "1.0000000000000000000",
            "0.0000000000000000001",
            "115792089237316195423570985008687907853269984665640564039457.584007913129639936",
            "115792089237316195423570985008687907853269984665640564039458",
            "999999999999999999999999999999999999999999999999999999999999999999999999999999999",
        ] {
            let err = bad.parse::<Dec>().unwrap_err();
            assert!(matches!(err, MathError::Parse(_)), "{bad:?} gave {err:?}");
        }
    }

    #[test]
    fn ordering_is_numeric() {
        assert!(d("0.1") < d("0.2"));
        assert!(d("2") > d("1.999999999999999999"));
        assert_eq!(d("1").max(d("2")), d("2"));
        assert_eq!(d("1").min(d("2")), d("1"));
    }

    #[test]
    fn serde_json_is_canonical_string() {
        let json = serde_json::to_string(&d("1.5")).unwrap();
        assert_eq!(json, "\"1.500000000000000000\"");
        assert_eq!(serde_json::from_str::<Dec>("\"1.5\"").unwrap(), d("1.5"));
        assert!(serde_json::from_str::<Dec>("1.5").is_err());
        assert!(serde_json::from_str::<Dec>("\"-1\"").is_err());
        assert!(serde_json::from_str::<Dec>("\"1.0000000000000000001\"").is_err());
    }

    #[test]
    fn borsh_is_32_le_bytes() {
        let bytes = borsh::to_vec(&Dec::ULP).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_eq!(bytes[0], 1);
        assert!(bytes[1..].iter().all(|b| *b == 0));
        assert_eq!(borsh::from_slice::<Dec>(&bytes).unwrap(), Dec::ULP);
        let max = borsh::to_vec(&Dec::MAX).unwrap();
        assert_eq!(borsh::from_slice::<Dec>(&max).unwrap(), Dec::MAX);
        assert!(borsh::from_slice::<Dec>(&bytes[..31]).is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(borsh::from_slice::<Dec>(&long).is_err());
    }

    /// A deserializer that reports itself as binary (not human-readable) and yields a fixed byte sequence.
    struct BinaryBytes(Vec<u8>);

    impl<'de> Deserializer<'de> for BinaryBytes {
        type Error = serde::de::value::Error;

        fn is_human_readable(&self) -> bool {
            false
        }

        fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            visitor.visit_seq(de::value::SeqDeserializer::new(self.0.into_iter()))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    fn from_binary(bytes: Vec<u8>) -> Result<Dec, serde::de::value::Error> {
        <Dec as Deserialize>::deserialize(BinaryBytes(bytes))
    }

    #[test]
    fn binary_serde_reads_big_endian_bytes() {
        let mut be = [0u8; 32];
        be[31] = 1;
        assert_eq!(from_binary(be.to_vec()).unwrap(), Dec::ULP);
        be[0] = 0x80;
        let expected = Dec::from_raw((U256::one() << 255) | U256::one());
        assert_eq!(from_binary(be.to_vec()).unwrap(), expected);
        assert!(from_binary(vec![1u8; 31]).is_err());
    }

    fn any_dec() -> impl Strategy<Value = Dec> {
        any::<[u64; 4]>().prop_map(|words| Dec::from_raw(U256(words)))
    }

    fn small_dec() -> impl Strategy<Value = Dec> {
        any::<u128>().prop_map(|raw| Dec::from_raw(U256::from(raw)))
    }

    proptest! {
        #[test]
        fn add_then_sub_is_identity(a in any_dec(), b in any_dec()) {
            if let Ok(sum) = a.checked_add(b) {
                prop_assert_eq!(sum.checked_sub(b).unwrap(), a);
                prop_assert_eq!(sum.checked_sub(a).unwrap(), b);
            } else {
                prop_assert!(a.raw().overflowing_add(b.raw()).1);
            }
        }

        #[test]
        fn display_parse_round_trip(a in any_dec()) {
            let s = a.to_string();
            prop_assert_eq!(s.split_once('.').unwrap().1.len(), 18);
            prop_assert_eq!(s.parse::<Dec>().unwrap(), a);
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<Dec>(&json).unwrap(), a);
            prop_assert_eq!(borsh::from_slice::<Dec>(&borsh::to_vec(&a).unwrap()).unwrap(), a);
        }

        #[test]
        fn rounding_is_within_one_ulp(a in small_dec(), b in small_dec()) {
            let t = a.mul_truncate(b).unwrap();
            let r = a.mul_round(b).unwrap();
            prop_assert!(t <= r);
            prop_assert!(r <= t.checked_add(Dec::ULP).unwrap());
            if !b.is_zero() {
                let t = a.quo_truncate(b).unwrap();
                let r = a.quo_round(b).unwrap();
                prop_assert!(t <= r);
                prop_assert!(r <= t.checked_add(Dec::ULP).unwrap());
            }
        }

        #[test]
        fn mul_int_matches_mul(a in small_dec(), n in any::<u64>()) {
            let n = u128::from(n);
            prop_assert_eq!(a.mul_int(n).unwrap(), a.mul_truncate(Dec::from_int(n)).unwrap());
            if n != 0 {
                prop_assert_eq!(a.quo_int(n).unwrap(), a.quo_truncate(Dec::from_int(n)).unwrap());
            }
        }

        #[test]
        fn truncate_plus_fraction_is_whole(a in any_dec()) {
            prop_assert_eq!(a.truncate().checked_add(a.fraction()).unwrap(), a);
            prop_assert!(a.fraction() < Dec::ONE);
        }
    }
}
