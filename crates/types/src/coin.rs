//! Coins and coin sets: [`Coin`], [`Coins`], [`DecCoin`] and [`DecCoins`].
//!
//! The sets follow Cosmos SDK semantics: entries are sorted by denom, denoms are unique, and zero amounts
//! are omitted. That canonical form makes equality, hashing and serialization unambiguous, so two nodes
//! holding the same balances always encode them to the same bytes. Constructors from user input
//! ([`Coins::new`], `FromStr`) normalise; deserialization (serde and borsh) is strict and rejects anything
//! non-canonical, so a genesis file or stored blob cannot smuggle in duplicates or zero entries.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::dec::Dec;
use crate::math::{MathError, excerpt};

/// Shortest allowed denom, as in the Cosmos SDK.
pub const MIN_DENOM_LEN: usize = 3;
/// Longest allowed denom, as in the Cosmos SDK (long enough for `ibc/<64 hex chars>`).
pub const MAX_DENOM_LEN: usize = 128;

/// Checks a denomination against the Cosmos SDK rule `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`, so that only
/// denoms other chains and clients can handle ever enter state.
pub fn validate_denom(denom: &str) -> Result<(), MathError> {
    let invalid = |why: &str| MathError::InvalidDenom(format!("{} {why}", excerpt(denom)));
    if !(MIN_DENOM_LEN..=MAX_DENOM_LEN).contains(&denom.len()) {
        return Err(invalid("must be 3 to 128 characters long"));
    }
    let mut bytes = denom.bytes();
    if !bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return Err(invalid("must start with an ASCII letter"));
    }
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'/' | b':' | b'.' | b'_' | b'-');
    if !bytes.all(allowed) {
        return Err(invalid(
            "may only contain ASCII letters, digits and the characters / : . _ -",
        ));
    }
    Ok(())
}

/// Parses an unsigned integer amount made only of ASCII digits (no sign, no whitespace).
fn parse_amount(s: &str) -> Result<u128, MathError> {
    if s.is_empty() {
        return Err(MathError::Parse("empty amount".into()));
    }
    s.bytes().try_fold(0u128, |acc, b| {
        if !b.is_ascii_digit() {
            return Err(MathError::Parse(format!(
                "amount {} must contain only digits",
                excerpt(s)
            )));
        }
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(b.saturating_sub(b'0'))))
            .ok_or_else(|| MathError::Parse(format!("amount {} is too large", excerpt(s))))
    })
}

/// Splits `"<amount><denom>"` at the first byte that cannot belong to the amount. Denoms start with a
/// letter, so the split is unambiguous.
fn split_amount_denom(
    s: &str,
    amount_byte: impl Fn(u8) -> bool,
) -> Result<(&str, &str), MathError> {
    let bad = |why: &str| MathError::Parse(format!("invalid coin {}: {why}", excerpt(s)));
    let pos = s
        .bytes()
        .position(|b| !amount_byte(b))
        .ok_or_else(|| bad("missing denom"))?;
    if pos == 0 {
        return Err(bad("expected the amount before the denom, e.g. 100uatom"));
    }
    // Every byte before `pos` is ASCII, so `pos` is a char boundary and the split succeeds.
    s.split_at_checked(pos).ok_or_else(|| bad("malformed"))
}

/// Converts a validation failure into the I/O error type borsh deserializers must return.
fn invalid_data(err: MathError) -> borsh::io::Error {
    borsh::io::Error::new(borsh::io::ErrorKind::InvalidData, err.to_string())
}

// ---------------------------------------------------------------------------------------------------------
// Shared canonical-set machinery for Coins and DecCoins.
// ---------------------------------------------------------------------------------------------------------

/// An amount type usable in a canonical coin set.
trait Amount: Copy + Ord {
    /// The additive identity.
    const ZERO: Self;
    /// Checked addition ([`MathError::Overflow`]).
    fn add(self, other: Self) -> Result<Self, MathError>;
    /// Checked subtraction ([`MathError::Negative`]).
    fn sub(self, other: Self) -> Result<Self, MathError>;
    /// Whether the amount is zero (and therefore must be omitted from a set).
    fn is_zero(&self) -> bool {
        *self == Self::ZERO
    }
}

impl Amount for u128 {
    const ZERO: u128 = 0;
    fn add(self, other: u128) -> Result<u128, MathError> {
        self.checked_add(other).ok_or(MathError::Overflow)
    }
    fn sub(self, other: u128) -> Result<u128, MathError> {
        self.checked_sub(other).ok_or(MathError::Negative)
    }
}

impl Amount for Dec {
    const ZERO: Dec = Dec::ZERO;
    fn add(self, other: Dec) -> Result<Dec, MathError> {
        self.checked_add(other)
    }
    fn sub(self, other: Dec) -> Result<Dec, MathError> {
        self.checked_sub(other)
    }
}

/// A (denom, amount) entry of a canonical coin set.
trait Entry: Sized {
    /// The amount type.
    type Amount: Amount;
    /// The entry's denom.
    fn denom(&self) -> &str;
    /// The entry's amount.
    fn amount(&self) -> Self::Amount;
    /// Builds an entry.
    fn from_parts(denom: String, amount: Self::Amount) -> Self;
}

impl Entry for Coin {
    type Amount = u128;
    fn denom(&self) -> &str {
        &self.denom
    }
    fn amount(&self) -> u128 {
        self.amount
    }
    fn from_parts(denom: String, amount: u128) -> Coin {
        Coin { denom, amount }
    }
}

impl Entry for DecCoin {
    type Amount = Dec;
    fn denom(&self) -> &str {
        &self.denom
    }
    fn amount(&self) -> Dec {
        self.amount
    }
    fn from_parts(denom: String, amount: Dec) -> DecCoin {
        DecCoin { denom, amount }
    }
}

/// Lenient constructor: validates denoms, sorts, rejects duplicate denoms and drops zero amounts.
fn normalize<E: Entry>(mut entries: Vec<E>) -> Result<Vec<E>, MathError> {
    for entry in &entries {
        validate_denom(entry.denom())?;
    }
    entries.sort_by(|a, b| a.denom().cmp(b.denom()));
    if let Some((dup, _)) = entries
        .iter()
        .zip(entries.iter().skip(1))
        .find(|(a, b)| a.denom() == b.denom())
    {
        return Err(MathError::InvalidCoins(format!(
            "duplicate denom {}",
            excerpt(dup.denom())
        )));
    }
    entries.retain(|e| !e.amount().is_zero());
    Ok(entries)
}

/// Strict check used by deserialization: valid denoms, strictly increasing, no zero amounts.
fn check_canonical<E: Entry>(entries: &[E]) -> Result<(), MathError> {
    let mut previous: Option<&str> = None;
    for entry in entries {
        let denom = entry.denom();
        validate_denom(denom)?;
        if entry.amount().is_zero() {
            return Err(MathError::InvalidCoins(format!(
                "zero amount for denom {}; zero entries must be omitted",
                excerpt(denom)
            )));
        }
        if let Some(prev) = previous {
            match prev.cmp(denom) {
                Ordering::Less => {}
                Ordering::Equal => {
                    return Err(MathError::InvalidCoins(format!(
                        "duplicate denom {}",
                        excerpt(denom)
                    )));
                }
                Ordering::Greater => {
                    return Err(MathError::InvalidCoins(format!(
                        "not sorted by denom: {} must come before {}",
                        excerpt(denom),
                        excerpt(prev)
                    )));
                }
            }
        }
        previous = Some(denom);
    }
    Ok(())
}

/// The amount of `denom` in a canonical set, zero when absent (binary search: the set is sorted).
fn amount_of<E: Entry>(entries: &[E], denom: &str) -> E::Amount {
    entries
        .binary_search_by(|e| e.denom().cmp(denom))
        .ok()
        .and_then(|i| entries.get(i))
        .map_or(E::Amount::ZERO, Entry::amount)
}

/// Merges two canonical sets denom by denom, combining the amounts (zero when a side lacks the denom)
/// with `op`; zero results are dropped, so the output is canonical.
fn merge<E: Entry>(
    a: &[E],
    b: &[E],
    op: impl Fn(E::Amount, E::Amount) -> Result<E::Amount, MathError>,
) -> Result<Vec<E>, MathError> {
    let zero = E::Amount::ZERO;
    let mut out = Vec::with_capacity(a.len().saturating_add(b.len()));
    let mut left = a.iter().peekable();
    let mut right = b.iter().peekable();
    loop {
        let (denom, x, y) = match (left.peek().copied(), right.peek().copied()) {
            (None, None) => break,
            (Some(l), None) => {
                left.next();
                (l.denom(), l.amount(), zero)
            }
            (None, Some(r)) => {
                right.next();
                (r.denom(), zero, r.amount())
            }
            (Some(l), Some(r)) => match l.denom().cmp(r.denom()) {
                Ordering::Less => {
                    left.next();
                    (l.denom(), l.amount(), zero)
                }
                Ordering::Greater => {
                    right.next();
                    (r.denom(), zero, r.amount())
                }
                Ordering::Equal => {
                    left.next();
                    right.next();
                    (l.denom(), l.amount(), r.amount())
                }
            },
        };
        let amount = op(x, y)?;
        if !amount.is_zero() {
            out.push(E::from_parts(denom.to_owned(), amount));
        }
    }
    Ok(out)
}

/// Applies `f` to every amount of a canonical set, dropping zero results (order is preserved).
fn map_amounts<E: Entry>(
    entries: &[E],
    f: impl Fn(E::Amount) -> Result<E::Amount, MathError>,
) -> Result<Vec<E>, MathError> {
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let amount = f(entry.amount())?;
        if !amount.is_zero() {
            out.push(E::from_parts(entry.denom().to_owned(), amount));
        }
    }
    Ok(out)
}

/// Writes entries separated by commas (the SDK text form of a coin set).
fn write_joined<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i != 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Coin
// ---------------------------------------------------------------------------------------------------------

/// An integer amount of one denomination, e.g. `100uatom`.
///
/// A lone `Coin` may have a zero amount (it is a value, not a balance); [`Coins`] never holds zero entries.
/// JSON form: `{"denom":"uatom","amount":"100"}` (amount as a string so JavaScript clients keep full
/// precision); binary serde formats carry the amount as a native `u128`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, BorshSerialize)]
pub struct Coin {
    /// The denomination, valid per [`validate_denom`].
    pub denom: String,
    /// The amount in base units.
    #[serde(serialize_with = "serialize_u128_amount")]
    pub amount: u128,
}

impl Coin {
    /// Builds a coin without validation (the fields are public anyway); call [`Coin::validate`] on
    /// untrusted input.
    pub fn new(denom: impl Into<String>, amount: u128) -> Coin {
        Coin {
            denom: denom.into(),
            amount,
        }
    }

    /// Checks the denom, the only thing that can be wrong with a coin.
    pub fn validate(&self) -> Result<(), MathError> {
        validate_denom(&self.denom)
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount == 0
    }
}

impl fmt::Display for Coin {
    /// SDK text form: amount immediately followed by denom, e.g. `100uatom`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl FromStr for Coin {
    type Err = MathError;

    /// Parses `100uatom`: digits, then a valid denom, with no spaces or signs.
    fn from_str(s: &str) -> Result<Coin, MathError> {
        let (amount, denom) = split_amount_denom(s, |b| b.is_ascii_digit())?;
        let amount = parse_amount(amount)?;
        validate_denom(denom)?;
        Ok(Coin::new(denom, amount))
    }
}

/// Serializes a `u128` amount as a decimal string for humans and as a native integer for binary formats.
fn serialize_u128_amount<S: Serializer>(amount: &u128, serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        serializer.collect_str(amount)
    } else {
        serializer.serialize_u128(*amount)
    }
}

/// Mirror of [`serialize_u128_amount`]; human-readable formats must use a digit-only string.
fn deserialize_u128_amount<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
    if deserializer.is_human_readable() {
        deserializer.deserialize_str(AmountStrVisitor)
    } else {
        <u128 as Deserialize>::deserialize(deserializer)
    }
}

/// Serde visitor for a `u128` amount written as a decimal string.
struct AmountStrVisitor;

impl de::Visitor<'_> for AmountStrVisitor {
    type Value = u128;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an unsigned integer amount as a decimal string, e.g. \"100\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u128, E> {
        parse_amount(v).map_err(E::custom)
    }
}

/// Wire shape of a [`Coin`], validated before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoinRepr {
    denom: String,
    #[serde(deserialize_with = "deserialize_u128_amount")]
    amount: u128,
}

impl<'de> Deserialize<'de> for Coin {
    /// Rejects invalid denoms and unknown fields.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Coin, D::Error> {
        let repr = CoinRepr::deserialize(deserializer)?;
        validate_denom(&repr.denom).map_err(de::Error::custom)?;
        Ok(Coin::new(repr.denom, repr.amount))
    }
}

impl BorshDeserialize for Coin {
    /// Same layout as the derived serializer (denom, then amount), but rejects invalid denoms.
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<Coin> {
        let denom = String::deserialize_reader(reader)?;
        let amount = u128::deserialize_reader(reader)?;
        validate_denom(&denom).map_err(invalid_data)?;
        Ok(Coin::new(denom, amount))
    }
}

// ---------------------------------------------------------------------------------------------------------
// Coins
// ---------------------------------------------------------------------------------------------------------

/// A canonical set of integer coins: sorted by denom, unique denoms, no zero amounts (SDK `sdk.Coins`).
///
/// The invariant is enforced by every constructor and kept by every operation, so `==` is balance
/// equality and the encoding is unique.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Coins(Vec<Coin>);

impl Coins {
    /// Builds a set from arbitrary coins: validates denoms, sorts, drops zero amounts, and rejects
    /// duplicate denoms (rather than guessing whether they should be summed).
    pub fn new(coins: Vec<Coin>) -> Result<Coins, MathError> {
        normalize(coins).map(Coins)
    }

    /// Accepts only input that is already canonical (what deserialization uses), so that
    /// non-canonical data is reported instead of silently rewritten.
    pub fn try_from_canonical(coins: Vec<Coin>) -> Result<Coins, MathError> {
        check_canonical(&coins)?;
        Ok(Coins(coins))
    }

    /// The empty set (no balance).
    pub const fn empty() -> Coins {
        Coins(Vec::new())
    }

    /// A set with one coin (empty if `amount` is zero); fails on an invalid denom.
    pub fn single(denom: impl Into<String>, amount: u128) -> Result<Coins, MathError> {
        Coins::new(vec![Coin::new(denom, amount)])
    }

    /// Iterates in denom order.
    pub fn iter(&self) -> core::slice::Iter<'_, Coin> {
        self.0.iter()
    }

    /// Number of distinct denoms held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set holds nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The denoms held, in sorted order.
    pub fn denoms(&self) -> Vec<&str> {
        self.0.iter().map(|c| c.denom.as_str()).collect()
    }

    /// The amount of `denom`, zero if absent.
    pub fn amount_of(&self, denom: &str) -> u128 {
        amount_of(&self.0, denom)
    }

    /// Denom-wise sum; [`MathError::Overflow`] if any amount overflows `u128`.
    pub fn checked_add(&self, other: &Coins) -> Result<Coins, MathError> {
        merge(&self.0, &other.0, Amount::add).map(Coins)
    }

    /// Denom-wise difference; [`MathError::Negative`] if any denom would go below zero (including a denom
    /// of `other` that `self` lacks). Denoms that reach zero are dropped.
    pub fn checked_sub(&self, other: &Coins) -> Result<Coins, MathError> {
        merge(&self.0, &other.0, Amount::sub).map(Coins)
    }

    /// Adds one coin (validating its denom; a zero coin is a no-op).
    pub fn add_coin(&self, coin: &Coin) -> Result<Coins, MathError> {
        self.checked_add(&Coins::single(coin.denom.clone(), coin.amount)?)
    }

    /// Subtracts one coin (validating its denom); [`MathError::Negative`] if the balance is insufficient.
    pub fn sub_coin(&self, coin: &Coin) -> Result<Coins, MathError> {
        self.checked_sub(&Coins::single(coin.denom.clone(), coin.amount)?)
    }

    /// Whether `self` has at least as much of every denom in `other` (true when `other` is empty), i.e.
    /// whether `other` can be paid from `self`.
    pub fn is_all_gte(&self, other: &Coins) -> bool {
        other.iter().all(|c| self.amount_of(&c.denom) >= c.amount)
    }

    /// SDK `IsAnyGTE`: whether some non-zero coin of `other` is matched by at least as much of the same
    /// denom in `self`. False when `other` is empty.
    pub fn is_any_gte(&self, other: &Coins) -> bool {
        other
            .iter()
            .any(|c| c.amount != 0 && self.amount_of(&c.denom) >= c.amount)
    }

    /// The sub-set whose denoms satisfy `keep` (still canonical).
    pub fn filter(&self, mut keep: impl FnMut(&str) -> bool) -> Coins {
        Coins(self.0.iter().filter(|c| keep(&c.denom)).cloned().collect())
    }

    /// The coins as a vector, sorted by denom.
    pub fn into_vec(self) -> Vec<Coin> {
        self.0
    }

    /// The coins as a slice, sorted by denom.
    pub fn as_slice(&self) -> &[Coin] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Coins {
    type Item = &'a Coin;
    type IntoIter = core::slice::Iter<'a, Coin>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Coins {
    /// SDK text form: `100uatom,5ubtc`; the empty set is the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl FromStr for Coins {
    type Err = MathError;

    /// Parses `100uatom,5ubtc` (any order; normalised like [`Coins::new`]); the empty string is the empty
    /// set. No whitespace is allowed.
    fn from_str(s: &str) -> Result<Coins, MathError> {
        if s.is_empty() {
            return Ok(Coins::empty());
        }
        let coins = s
            .split(',')
            .map(Coin::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        Coins::new(coins)
    }
}

impl Serialize for Coins {
    /// A sequence of [`Coin`], in canonical order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Coins {
    /// Rejects non-canonical input (unsorted, duplicates, zero amounts, invalid denoms).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Coins, D::Error> {
        let coins = <Vec<Coin> as Deserialize>::deserialize(deserializer)?;
        Coins::try_from_canonical(coins).map_err(de::Error::custom)
    }
}

impl BorshSerialize for Coins {
    /// Same bytes as the underlying `Vec<Coin>`.
    fn serialize<W: borsh::io::Write>(&self, writer: &mut W) -> borsh::io::Result<()> {
        BorshSerialize::serialize(&self.0, writer)
    }
}

impl BorshDeserialize for Coins {
    /// Reads a `Vec<Coin>` and rejects it unless canonical.
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<Coins> {
        let coins = Vec::<Coin>::deserialize_reader(reader)?;
        Coins::try_from_canonical(coins).map_err(invalid_data)
    }
}

// ---------------------------------------------------------------------------------------------------------
// DecCoin
// ---------------------------------------------------------------------------------------------------------

/// A decimal amount of one denomination, used for rewards and other pro-rata quantities that carry
/// fractions of a base unit until they are paid out.
///
/// JSON form: `{"denom":"uatom","amount":"1.500000000000000000"}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, BorshSerialize)]
pub struct DecCoin {
    /// The denomination, valid per [`validate_denom`].
    pub denom: String,
    /// The decimal amount in base units.
    pub amount: Dec,
}

impl DecCoin {
    /// Builds a decimal coin without validation; call [`DecCoin::validate`] on untrusted input.
    pub fn new(denom: impl Into<String>, amount: Dec) -> DecCoin {
        DecCoin {
            denom: denom.into(),
            amount,
        }
    }

    /// Checks the denom, the only thing that can be wrong with a decimal coin.
    pub fn validate(&self) -> Result<(), MathError> {
        validate_denom(&self.denom)
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }
}

impl From<&Coin> for DecCoin {
    /// Exact conversion of an integer coin.
    fn from(coin: &Coin) -> DecCoin {
        DecCoin::new(coin.denom.clone(), Dec::from_int(coin.amount))
    }
}

impl fmt::Display for DecCoin {
    /// SDK text form: canonical decimal immediately followed by denom, e.g. `1.500000000000000000uatom`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl FromStr for DecCoin {
    type Err = MathError;

    /// Parses `1.5uatom` or `2uatom`: a decimal accepted by [`Dec`]'s parser, then a valid denom.
    fn from_str(s: &str) -> Result<DecCoin, MathError> {
        let (amount, denom) = split_amount_denom(s, |b| b.is_ascii_digit() || b == b'.')?;
        let amount = amount.parse::<Dec>()?;
        validate_denom(denom)?;
        Ok(DecCoin::new(denom, amount))
    }
}

/// Wire shape of a [`DecCoin`], validated before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecCoinRepr {
    denom: String,
    amount: Dec,
}

impl<'de> Deserialize<'de> for DecCoin {
    /// Rejects invalid denoms and unknown fields.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DecCoin, D::Error> {
        let repr = DecCoinRepr::deserialize(deserializer)?;
        validate_denom(&repr.denom).map_err(de::Error::custom)?;
        Ok(DecCoin::new(repr.denom, repr.amount))
    }
}

impl BorshDeserialize for DecCoin {
    /// Same layout as the derived serializer (denom, then amount), but rejects invalid denoms.
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<DecCoin> {
        let denom = String::deserialize_reader(reader)?;
        let amount = Dec::deserialize_reader(reader)?;
        validate_denom(&denom).map_err(invalid_data)?;
        Ok(DecCoin::new(denom, amount))
    }
}

// ---------------------------------------------------------------------------------------------------------
// DecCoins
// ---------------------------------------------------------------------------------------------------------

/// A canonical set of decimal coins: sorted by denom, unique denoms, no zero amounts (SDK `sdk.DecCoins`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DecCoins(Vec<DecCoin>);

impl DecCoins {
    /// Builds a set from arbitrary decimal coins: validates denoms, sorts, drops zero amounts, and rejects
    /// duplicate denoms.
    pub fn new(coins: Vec<DecCoin>) -> Result<DecCoins, MathError> {
        normalize(coins).map(DecCoins)
    }

    /// Accepts only input that is already canonical (what deserialization uses).
    pub fn try_from_canonical(coins: Vec<DecCoin>) -> Result<DecCoins, MathError> {
        check_canonical(&coins)?;
        Ok(DecCoins(coins))
    }

    /// The empty set.
    pub const fn empty() -> DecCoins {
        DecCoins(Vec::new())
    }

    /// A set with one decimal coin (empty if `amount` is zero); fails on an invalid denom.
    pub fn single(denom: impl Into<String>, amount: Dec) -> Result<DecCoins, MathError> {
        DecCoins::new(vec![DecCoin::new(denom, amount)])
    }

    /// Exact conversion of an integer coin set (already canonical, so this cannot fail).
    pub fn from_coins(coins: &Coins) -> DecCoins {
        DecCoins(coins.iter().map(DecCoin::from).collect())
    }

    /// Iterates in denom order.
    pub fn iter(&self) -> core::slice::Iter<'_, DecCoin> {
        self.0.iter()
    }

    /// Number of distinct denoms held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set holds nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The denoms held, in sorted order.
    pub fn denoms(&self) -> Vec<&str> {
        self.0.iter().map(|c| c.denom.as_str()).collect()
    }

    /// The amount of `denom`, zero if absent.
    pub fn amount_of(&self, denom: &str) -> Dec {
        amount_of(&self.0, denom)
    }

    /// Denom-wise sum; [`MathError::Overflow`] if any amount overflows.
    pub fn checked_add(&self, other: &DecCoins) -> Result<DecCoins, MathError> {
        merge(&self.0, &other.0, Amount::add).map(DecCoins)
    }

    /// Denom-wise difference; [`MathError::Negative`] if any denom would go below zero. Denoms that reach
    /// zero are dropped.
    pub fn checked_sub(&self, other: &DecCoins) -> Result<DecCoins, MathError> {
        merge(&self.0, &other.0, Amount::sub).map(DecCoins)
    }

    /// Adds one decimal coin (validating its denom; a zero coin is a no-op).
    pub fn add_coin(&self, coin: &DecCoin) -> Result<DecCoins, MathError> {
        self.checked_add(&DecCoins::single(coin.denom.clone(), coin.amount)?)
    }

    /// Subtracts one decimal coin; [`MathError::Negative`] if the balance is insufficient.
    pub fn sub_coin(&self, coin: &DecCoin) -> Result<DecCoins, MathError> {
        self.checked_sub(&DecCoins::single(coin.denom.clone(), coin.amount)?)
    }

    /// Every amount multiplied by `factor`, truncated; zero results are dropped.
    pub fn mul_dec_truncate(&self, factor: Dec) -> Result<DecCoins, MathError> {
        map_amounts(&self.0, |a| a.mul_truncate(factor)).map(DecCoins)
    }

    /// Every amount multiplied by `factor`, rounded half to even; zero results are dropped.
    pub fn mul_dec_round(&self, factor: Dec) -> Result<DecCoins, MathError> {
        map_amounts(&self.0, |a| a.mul_round(factor)).map(DecCoins)
    }

    /// Every amount divided by `divisor`, truncated; [`MathError::DivisionByZero`] if `divisor` is zero
    /// (even for an empty set, so the bug is caught early). Zero results are dropped.
    pub fn quo_dec_truncate(&self, divisor: Dec) -> Result<DecCoins, MathError> {
        if divisor.is_zero() {
            return Err(MathError::DivisionByZero);
        }
        map_amounts(&self.0, |a| a.quo_truncate(divisor)).map(DecCoins)
    }

    /// Every amount divided by `divisor`, rounded half to even; [`MathError::DivisionByZero`] if `divisor`
    /// is zero. Zero results are dropped.
    pub fn quo_dec_round(&self, divisor: Dec) -> Result<DecCoins, MathError> {
        if divisor.is_zero() {
            return Err(MathError::DivisionByZero);
        }
        map_amounts(&self.0, |a| a.quo_round(divisor)).map(DecCoins)
    }

    /// Splits into whole coins that can be paid out and the fractional change that must be kept
    /// (SDK `TruncateDecimal`); [`MathError::Overflow`] if an integer part exceeds `u128::MAX`.
    pub fn truncate_decimal(&self) -> Result<(Coins, DecCoins), MathError> {
        let mut whole = Vec::with_capacity(self.0.len());
        let mut change = Vec::new();
        for coin in &self.0 {
            let int = coin.amount.truncate_int()?;
            if int != 0 {
                whole.push(Coin::new(coin.denom.clone(), int));
            }
            let frac = coin.amount.fraction();
            if !frac.is_zero() {
                change.push(DecCoin::new(coin.denom.clone(), frac));
            }
        }
        // Both are sub-sequences of a canonical set with zero entries skipped, hence canonical.
        Ok((Coins(whole), DecCoins(change)))
    }

    /// Per-denom minimum over denoms present in both sets (SDK `Intersect`).
    pub fn intersect(&self, other: &DecCoins) -> DecCoins {
        DecCoins(
            self.0
                .iter()
                .filter_map(|c| {
                    let min = c.amount.min(other.amount_of(&c.denom));
                    (!min.is_zero()).then(|| DecCoin::new(c.denom.clone(), min))
                })
                .collect(),
        )
    }

    /// Whether `self` has at least as much of every denom in `other` (true when `other` is empty).
    pub fn is_all_gte(&self, other: &DecCoins) -> bool {
        other.iter().all(|c| self.amount_of(&c.denom) >= c.amount)
    }

    /// MilkyWay `IsAnyGT`: whether some coin of `self` is strictly greater than the same denom in `other`,
    /// counting only denoms `other` actually holds (non-zero). False when `other` is empty.
    pub fn is_any_gt(&self, other: &DecCoins) -> bool {
        self.iter().any(|c| {
            let theirs = other.amount_of(&c.denom);
            !theirs.is_zero() && c.amount > theirs
        })
    }

    /// MilkyWay `IsAnyLT`: whether some denom of `other` exceeds what `self` holds, i.e.
    /// `!self.is_all_gte(other)`.
    pub fn is_any_lt(&self, other: &DecCoins) -> bool {
        !self.is_all_gte(other)
    }

    /// The sub-set whose denoms satisfy `keep` (still canonical).
    pub fn filter(&self, mut keep: impl FnMut(&str) -> bool) -> DecCoins {
        DecCoins(self.0.iter().filter(|c| keep(&c.denom)).cloned().collect())
    }

    /// The decimal coins as a vector, sorted by denom.
    pub fn into_vec(self) -> Vec<DecCoin> {
        self.0
    }

    /// The decimal coins as a slice, sorted by denom.
    pub fn as_slice(&self) -> &[DecCoin] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a DecCoins {
    type Item = &'a DecCoin;
    type IntoIter = core::slice::Iter<'a, DecCoin>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for DecCoins {
    /// SDK text form: `1.500000000000000000uatom,0.250000000000000000ubtc`; empty set is the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

impl FromStr for DecCoins {
    type Err = MathError;

    /// Parses `1.5uatom,2ubtc` (any order; normalised like [`DecCoins::new`]); the empty string is the
    /// empty set.
    fn from_str(s: &str) -> Result<DecCoins, MathError> {
        if s.is_empty() {
            return Ok(DecCoins::empty());
        }
        let coins = s
            .split(',')
            .map(DecCoin::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        DecCoins::new(coins)
    }
}

impl Serialize for DecCoins {
    /// A sequence of [`DecCoin`], in canonical order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Serialize::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for DecCoins {
    /// Rejects non-canonical input (unsorted, duplicates, zero amounts, invalid denoms).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DecCoins, D::Error> {
        let coins = <Vec<DecCoin> as Deserialize>::deserialize(deserializer)?;
        DecCoins::try_from_canonical(coins).map_err(de::Error::custom)
    }
}

impl BorshSerialize for DecCoins {
    /// Same bytes as the underlying `Vec<DecCoin>`.
    fn serialize<W: borsh::io::Write>(&self, writer: &mut W) -> borsh::io::Result<()> {
        BorshSerialize::serialize(&self.0, writer)
    }
}

impl BorshDeserialize for DecCoins {
    /// Reads a `Vec<DecCoin>` and rejects it unless canonical.
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<DecCoins> {
        let coins = Vec::<DecCoin>::deserialize_reader(reader)?;
        DecCoins::try_from_canonical(coins).map_err(invalid_data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn coins(s: &str) -> Coins {
        s.parse().unwrap()
    }

    fn dcoins(s: &str) -> DecCoins {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Dec {
        s.parse().unwrap()
    }

    #[test]
    fn denom_rules() {
        for ok in [
            "abc",
            "uatom",
            "stake",
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
            "factory/cosmos1abc/sub.denom_x-y:z",
            "A12",
            &"a".repeat(128),
        ] {
            assert_eq!(validate_denom(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "ab",
            "1abc",
            "/abc",
            "-abc",
            "_abc",
            "uat om",
            " uatom",
            "uatom ",
            "u@tom",
            "uatöm",
            "éabc",
            "u,atom",
            &"a".repeat(129),
        ] {
            assert!(
                matches!(validate_denom(bad), Err(MathError::InvalidDenom(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn coin_text_round_trip() {
        let c: Coin = "100uatom".parse().unwrap();
        assert_eq!(c, Coin::new("uatom", 100));
        assert_eq!(c.to_string(), "100uatom");
        assert_eq!("0uatom".parse::<Coin>().unwrap(), Coin::new("uatom", 0));
        assert_eq!(
            format!("{}uxx", u128::MAX).parse::<Coin>().unwrap().amount,
            u128::MAX
        );
        for bad in [
            "",
            "100",
            "uatom",
            "-1uatom",
            "+1uatom",
            "1 uatom",
            "1.5uatom",
            "100ua",
            "340282366920938463463374607431768211456uatom",
        ] {
            assert!(bad.parse::<Coin>().is_err(), "{bad:?}");
        }
        assert!(Coin::new("x", 1).validate().is_err());
        assert!(Coin::new("uatom", 0).is_zero());
    }

    #[test]
    fn coin_json_shape() {
        let c = Coin::new("uatom", 100);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"denom":"uatom","amount":"100"}"#
        );
        let back: Coin = serde_json::from_str(r#"{"denom":"uatom","amount":"100"}"#).unwrap();
        assert_eq!(back, c);
        let max = Coin::new("uatom", u128::MAX);
        let json = serde_json::to_string(&max).unwrap();
        assert_eq!(serde_json::from_str::<Coin>(&json).unwrap(), max);
        for bad in [
            r#"{"denom":"uatom","amount":100}"#,
            r#"{"denom":"uatom","amount":"-1"}"#,
            r#"{"denom":"uatom","amount":"1.0"}"#,
            r#"{"denom":"uatom","amount":""}"#,
            r#"{"denom":"x","amount":"1"}"#,
            r#"{"denom":"uatom"}"#,
            r#"{"denom":"uatom","amount":"1","extra":1}"#,
        ] {
            assert!(serde_json::from_str::<Coin>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coin_borsh() {
        let c = Coin::new("uatom", 7);
        let bytes = borsh::to_vec(&c).unwrap();
        assert_eq!(borsh::from_slice::<Coin>(&bytes).unwrap(), c);
        let bad = borsh::to_vec(&Coin::new("x", 7)).unwrap();
        assert!(borsh::from_slice::<Coin>(&bad).is_err());
    }

    #[test]
    fn coins_new_normalises() {
        let c = Coins::new(vec![
            Coin::new("ubtc", 5),
            Coin::new("uatom", 100),
            Coin::new("ueth", 0),
        ])
        .unwrap();
        assert_eq!(
            c.as_slice(),
            &[Coin::new("uatom", 100), Coin::new("ubtc", 5)]
        );
        assert_eq!(c.denoms(), vec!["uatom", "ubtc"]);
        assert_eq!(c.len(), 2);
        assert!(!c.is_empty());
        assert!(matches!(
            Coins::new(vec![Coin::new("uatom", 1), Coin::new("uatom", 2)]),
            Err(MathError::InvalidCoins(_))
        ));
        assert!(matches!(
            Coins::new(vec![Coin::new("uatom", 0), Coin::new("uatom", 2)]),
            Err(MathError::InvalidCoins(_))
        ));
        assert!(matches!(
            Coins::new(vec![Coin::new("u", 1)]),
            Err(MathError::InvalidDenom(_))
        ));
        assert!(Coins::empty().is_empty());
        assert_eq!(Coins::single("uatom", 0).unwrap(), Coins::empty());
        assert_eq!(Coins::single("uatom", 3).unwrap().amount_of("uatom"), 3);
        assert!(Coins::single("x", 3).is_err());
        assert_eq!(Coins::default(), Coins::empty());
    }

    #[test]
    fn coins_text() {
        let c = coins("5ubtc,100uatom");
        assert_eq!(c.to_string(), "100uatom,5ubtc");
        assert_eq!(coins(""), Coins::empty());
        assert_eq!(Coins::empty().to_string(), "");
        assert_eq!(coins("0uatom"), Coins::empty());
        for bad in [
            "100uatom,",
            ",100uatom",
            "100uatom, 5ubtc",
            "1uatom,2uatom",
            "1uatom;2ubtc",
        ] {
            assert!(bad.parse::<Coins>().is_err(), "{bad:?}");
        }
        let names: Vec<_> = (&c).into_iter().map(|c| c.denom.as_str()).collect();
        assert_eq!(names, vec!["uatom", "ubtc"]);
    }

    #[test]
    fn coins_amount_of() {
        let c = coins("100uatom,5ubtc,7ueth");
        assert_eq!(c.amount_of("uatom"), 100);
        assert_eq!(c.amount_of("ubtc"), 5);
        assert_eq!(c.amount_of("ueth"), 7);
        assert_eq!(c.amount_of("uosmo"), 0);
        assert_eq!(Coins::empty().amount_of("uatom"), 0);
    }

    #[test]
    fn coins_add_sub() {
        let a = coins("100uatom,5ubtc");
        let b = coins("50uatom,3ueth");
        assert_eq!(a.checked_add(&b).unwrap(), coins("150uatom,5ubtc,3ueth"));
        assert_eq!(a.checked_add(&Coins::empty()).unwrap(), a);
        assert_eq!(a.checked_sub(&coins("100uatom")).unwrap(), coins("5ubtc"));
        assert_eq!(a.checked_sub(&a).unwrap(), Coins::empty());
        assert_eq!(a.checked_sub(&coins("101uatom")), Err(MathError::Negative));
        assert_eq!(a.checked_sub(&coins("1ueth")), Err(MathError::Negative));
        let max = Coins::single("uatom", u128::MAX).unwrap();
        assert_eq!(max.checked_add(&coins("1uatom")), Err(MathError::Overflow));
        assert_eq!(
            a.add_coin(&Coin::new("ueth", 1)).unwrap(),
            coins("100uatom,5ubtc,1ueth")
        );
        assert_eq!(a.add_coin(&Coin::new("ueth", 0)).unwrap(), a);
        assert!(a.add_coin(&Coin::new("x", 1)).is_err());
        assert_eq!(
            a.sub_coin(&Coin::new("ubtc", 5)).unwrap(),
            coins("100uatom")
        );
        assert_eq!(a.sub_coin(&Coin::new("ubtc", 6)), Err(MathError::Negative));
        assert_eq!(a.sub_coin(&Coin::new("ueth", 0)).unwrap(), a);
    }

    #[test]
    fn coins_comparisons_follow_sdk() {
        let a = coins("100uatom,5ubtc");
        assert!(a.is_all_gte(&Coins::empty()));
        assert!(Coins::empty().is_all_gte(&Coins::empty()));
        assert!(a.is_all_gte(&coins("100uatom")));
        assert!(a.is_all_gte(&coins("100uatom,5ubtc")));
        assert!(!a.is_all_gte(&coins("101uatom")));
        assert!(!a.is_all_gte(&coins("1ueth")));
        assert!(!Coins::empty().is_all_gte(&a));

        assert!(!a.is_any_gte(&Coins::empty()));
        assert!(!Coins::empty().is_any_gte(&Coins::empty()));
        assert!(a.is_any_gte(&coins("100uatom,1000ubtc")));
        assert!(a.is_any_gte(&coins("1ubtc,1ueth")));
        assert!(!a.is_any_gte(&coins("101uatom,6ubtc")));
        assert!(!a.is_any_gte(&coins("1ueth")));
        assert!(!Coins::empty().is_any_gte(&a));
    }

    #[test]
    fn coins_filter_and_vec() {
        let a = coins("100uatom,5ubtc,7ueth");
        assert_eq!(a.filter(|d| d != "ubtc"), coins("100uatom,7ueth"));
        assert_eq!(a.filter(|_| false), Coins::empty());
        assert_eq!(a.iter().count(), 3);
        assert_eq!(a.clone().into_vec().len(), 3);
    }

    #[test]
    fn coins_json_is_strict() {
        let a = coins("100uatom,5ubtc");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"[{"denom":"uatom","amount":"100"},{"denom":"ubtc","amount":"5"}]"#
        );
        assert_eq!(serde_json::from_str::<Coins>(&json).unwrap(), a);
        assert_eq!(serde_json::from_str::<Coins>("[]").unwrap(), Coins::empty());
        for bad in [
            r#"[{"denom":"ubtc","amount":"5"},{"denom":"uatom","amount":"100"}]"#,
            r#"[{"denom":"uatom","amount":"1"},{"denom":"uatom","amount":"2"}]"#,
            r#"[{"denom":"uatom","amount":"0"}]"#,
            r#"[{"denom":"u","amount":"1"}]"#,
        ] {
            let err = serde_json::from_str::<Coins>(bad).unwrap_err().to_string();
            assert!(err.contains("invalid"), "{bad}: {err}");
        }
    }

    #[test]
    fn coins_borsh_is_strict() {
        let a = coins("100uatom,5ubtc");
        let bytes = borsh::to_vec(&a).unwrap();
        assert_eq!(bytes, borsh::to_vec(&a.clone().into_vec()).unwrap());
        assert_eq!(borsh::from_slice::<Coins>(&bytes).unwrap(), a);
        for bad in [
            vec![Coin::new("ubtc", 5), Coin::new("uatom", 100)],
            vec![Coin::new("uatom", 1), Coin::new("uatom", 1)],
            vec![Coin::new("uatom", 0)],
            vec![Coin::new("u", 1)],
        ] {
            let bytes = borsh::to_vec(&bad).unwrap();
            let err = borsh::from_slice::<Coins>(&bytes).unwrap_err();
            assert_eq!(err.kind(), borsh::io::ErrorKind::InvalidData, "{bad:?}");
        }
        assert!(matches!(
            Coins::try_from_canonical(vec![Coin::new("ubtc", 5), Coin::new("uatom", 1)]),
            Err(MathError::InvalidCoins(_))
        ));
    }

    #[test]
    fn dec_coin_text_and_json() {
        let c: DecCoin = "1.5uatom".parse().unwrap();
        assert_eq!(c, DecCoin::new("uatom", dec("1.5")));
        assert_eq!(c.to_string(), "1.500000000000000000uatom");
        assert_eq!("2uatom".parse::<DecCoin>().unwrap().amount, dec("2"));
        for bad in [
            "",
            "1.5",
            "uatom",
            ".5uatom",
            "1.uatom",
            "-1uatom",
            "1.5 uatom",
            "1.5u",
        ] {
            assert!(bad.parse::<DecCoin>().is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"denom":"uatom","amount":"1.500000000000000000"}"#);
        assert_eq!(serde_json::from_str::<DecCoin>(&json).unwrap(), c);
        assert!(serde_json::from_str::<DecCoin>(r#"{"denom":"u","amount":"1"}"#).is_err());
        assert!(serde_json::from_str::<DecCoin>(r#"{"denom":"uatom","amount":1.5}"#).is_err());
        let bytes = borsh::to_vec(&c).unwrap();
        assert_eq!(borsh::from_slice::<DecCoin>(&bytes).unwrap(), c);
        assert!(DecCoin::new("uatom", Dec::ZERO).is_zero());
        assert!(DecCoin::new("x", Dec::ONE).validate().is_err());
    }

    #[test]
    fn dec_coins_basics() {
        let d = DecCoins::from_coins(&coins("100uatom,5ubtc"));
        assert_eq!(
            d.to_string(),
            "100.000000000000000000uatom,5.000000000000000000ubtc"
        );
        assert_eq!(d.amount_of("ubtc"), dec("5"));
        assert_eq!(d.amount_of("ueth"), Dec::ZERO);
        assert_eq!(d.denoms(), vec!["uatom", "ubtc"]);
        assert_eq!(d.len(), 2);
        assert!(DecCoins::empty().is_empty());
        assert_eq!(dcoins(""), DecCoins::empty());
        assert_eq!(dcoins("0.0uatom"), DecCoins::empty());
        assert!("1uatom,1uatom".parse::<DecCoins>().is_err());
        assert_eq!(
            DecCoins::single("uatom", Dec::ZERO).unwrap(),
            DecCoins::empty()
        );
        assert_eq!(
            d.checked_add(&dcoins("0.5uatom,1ueth")).unwrap(),
            dcoins("100.5uatom,5ubtc,1ueth")
        );
        assert_eq!(d.checked_sub(&dcoins("5ubtc")).unwrap(), dcoins("100uatom"));
        assert_eq!(
            d.checked_sub(&dcoins("5.000000000000000001ubtc")),
            Err(MathError::Negative)
        );
        assert_eq!(d.checked_sub(&dcoins("1ueth")), Err(MathError::Negative));
        assert_eq!(
            d.add_coin(&DecCoin::new("ubtc", dec("0.25"))).unwrap(),
            dcoins("100uatom,5.25ubtc")
        );
        assert_eq!(
            d.sub_coin(&DecCoin::new("uatom", dec("100"))).unwrap(),
            dcoins("5ubtc")
        );
        assert_eq!(d.filter(|x| x == "uatom"), dcoins("100uatom"));
        assert_eq!((&d).into_iter().count(), 2);
        assert_eq!(d.clone().into_vec(), d.as_slice().to_vec());
        let max = DecCoins::single("uatom", Dec::MAX).unwrap();
        assert_eq!(
            max.checked_add(&dcoins("0.000000000000000001uatom")),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn dec_coins_scaling_drops_zeros() {
        let d = dcoins("0.000000000000000001uatom,0.000000000000000003ubtc,1ueth");
        let half = dec("0.5");
        // Half-even: 0.5 ulp -> 0 (dropped), 1.5 ulp -> 2.
        assert_eq!(
            d.mul_dec_round(half).unwrap(),
            dcoins("0.000000000000000002ubtc,0.5ueth")
        );
        assert_eq!(
            d.mul_dec_truncate(half).unwrap(),
            dcoins("0.000000000000000001ubtc,0.5ueth")
        );
        assert_eq!(d.mul_dec_truncate(Dec::ZERO).unwrap(), DecCoins::empty());
        let two = dec("2");
        assert_eq!(
            d.quo_dec_truncate(two).unwrap(),
            dcoins("0.000000000000000001ubtc,0.5ueth")
        );
        assert_eq!(
            d.quo_dec_round(two).unwrap(),
            dcoins("0.000000000000000002ubtc,0.5ueth")
        );
        assert_eq!(
            d.quo_dec_truncate(Dec::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            DecCoins::empty().quo_dec_truncate(Dec::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(d.quo_dec_round(Dec::ZERO), Err(MathError::DivisionByZero));
        let max = DecCoins::single("uatom", Dec::MAX).unwrap();
        assert_eq!(max.mul_dec_truncate(two), Err(MathError::Overflow));
    }

    #[test]
    fn dec_coins_truncate_decimal() {
        let d = dcoins("1.5uatom,0.25ubtc,3ueth");
        let (whole, change) = d.truncate_decimal().unwrap();
        assert_eq!(whole, coins("1uatom,3ueth"));
        assert_eq!(change, dcoins("0.5uatom,0.25ubtc"));
        assert_eq!(
            DecCoins::from_coins(&whole).checked_add(&change).unwrap(),
            d
        );
        let huge = DecCoins::single(
            "uatom",
            Dec::from_int(u128::MAX).checked_add(Dec::ONE).unwrap(),
        )
        .unwrap();
        assert_eq!(huge.truncate_decimal(), Err(MathError::Overflow));
    }

    #[test]
    fn dec_coins_intersect_and_comparisons() {
        let a = dcoins("10uatom,5ubtc,1ueth");
        let b = dcoins("3uatom,7ubtc,1uosmo");
        assert_eq!(a.intersect(&b), dcoins("3uatom,5ubtc"));
        assert_eq!(a.intersect(&DecCoins::empty()), DecCoins::empty());

        assert!(a.is_all_gte(&DecCoins::empty()));
        assert!(a.is_all_gte(&dcoins("10uatom,1ueth")));
        assert!(!a.is_all_gte(&b));

        // is_any_gt only counts denoms that B holds.
        assert!(a.is_any_gt(&b));
        assert!(!a.is_any_gt(&DecCoins::empty()));
        assert!(!a.is_any_gt(&dcoins("1uosmo")));
        assert!(!a.is_any_gt(&dcoins("10uatom")));
        assert!(a.is_any_gt(&dcoins("9.999999999999999999uatom")));
        assert!(!DecCoins::empty().is_any_gt(&a));

        assert!(a.is_any_lt(&b));
        assert!(!a.is_any_lt(&DecCoins::empty()));
        assert!(!a.is_any_lt(&dcoins("10uatom")));
        assert!(DecCoins::empty().is_any_lt(&a));
    }

    #[test]
    fn dec_coins_serialization_is_strict() {
        let d = dcoins("1.5uatom,2ubtc");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"[{"denom":"uatom","amount":"1.500000000000000000"},{"denom":"ubtc","amount":"2.000000000000000000"}]"#
        );
        assert_eq!(serde_json::from_str::<DecCoins>(&json).unwrap(), d);
        for bad in [
            r#"[{"denom":"ubtc","amount":"1"},{"denom":"uatom","amount":"1"}]"#,
            r#"[{"denom":"uatom","amount":"1"},{"denom":"uatom","amount":"1"}]"#,
            r#"[{"denom":"uatom","amount":"0.000000000000000000"}]"#,
        ] {
            assert!(serde_json::from_str::<DecCoins>(bad).is_err(), "{bad}");
        }
        let bytes = borsh::to_vec(&d).unwrap();
        assert_eq!(borsh::from_slice::<DecCoins>(&bytes).unwrap(), d);
        let bad = borsh::to_vec(&vec![DecCoin::new("uatom", Dec::ZERO)]).unwrap();
        assert!(borsh::from_slice::<DecCoins>(&bad).is_err());
        let unsorted = borsh::to_vec(&vec![
            DecCoin::new("ubtc", Dec::ONE),
            DecCoin::new("uatom", Dec::ONE),
        ])
        .unwrap();
        assert!(borsh::from_slice::<DecCoins>(&unsorted).is_err());
    }

    fn any_coins() -> impl Strategy<Value = Coins> {
        let denoms = prop::sample::select(vec!["uatom", "ubtc", "ueth", "stake", "ibc/ABC", "Zed"]);
        prop::collection::btree_map(denoms, any::<u64>(), 0..6).prop_map(|m| {
            Coins::new(
                m.into_iter()
                    .map(|(d, a)| Coin::new(d, u128::from(a)))
                    .collect(),
            )
            .unwrap()
        })
    }

    proptest! {
        #[test]
        fn coins_add_then_sub_is_identity(a in any_coins(), b in any_coins()) {
            let sum = a.checked_add(&b).unwrap();
            prop_assert_eq!(&sum, &b.checked_add(&a).unwrap());
            prop_assert!(sum.is_all_gte(&a) && sum.is_all_gte(&b));
            prop_assert_eq!(sum.checked_sub(&b).unwrap(), a.clone());
            prop_assert_eq!(sum.checked_sub(&a).unwrap(), b.clone());
            prop_assert_eq!(
                a.is_all_gte(&b),
                a.checked_sub(&b).is_ok()
            );
        }

        #[test]
        fn coins_encodings_round_trip(a in any_coins()) {
            prop_assert_eq!(a.to_string().parse::<Coins>().unwrap(), a.clone());
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<Coins>(&json).unwrap(), a.clone());
            let bytes = borsh::to_vec(&a).unwrap();
            prop_assert_eq!(borsh::from_slice::<Coins>(&bytes).unwrap(), a.clone());
            let d = DecCoins::from_coins(&a);
            prop_assert_eq!(d.to_string().parse::<DecCoins>().unwrap(), d.clone());
            let (whole, change) = d.truncate_decimal().unwrap();
            prop_assert_eq!(whole, a);
            prop_assert!(change.is_empty());
        }
    }
}
