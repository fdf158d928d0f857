//! Block time and durations as integer nanoseconds. Time only ever comes from block headers.

use crate::math::MathError;
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::fmt;
use std::str::FromStr;

const NANOS_PER_SEC: u64 = 1_000_000_000;
const SECS_PER_DAY: u64 = 86_400;

/// A point in time, in nanoseconds since the Unix epoch (UTC). JSON uses RFC 3339 (`2026-01-02T03:04:05Z`).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, BorshSerialize, BorshDeserialize,
)]
pub struct Timestamp(pub u64);

/// A length of time in nanoseconds. JSON uses the protobuf form (`"259200s"`, `"1.5s"`).
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, BorshSerialize, BorshDeserialize,
)]
pub struct Duration(pub u64);

impl Duration {
    /// A duration of whole seconds (saturating: durations come from params, which are validated).
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs.saturating_mul(NANOS_PER_SEC))
    }

    /// A duration of whole hours.
    pub const fn from_hours(hours: u64) -> Self {
        Self::from_secs(hours.saturating_mul(3600))
    }

    /// The length in nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// The length in whole milliseconds (truncated), the unit reward accrual uses.
    pub const fn as_millis(self) -> u64 {
        self.0 / 1_000_000
    }

    /// Zero durations are rejected by param validation.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Timestamp {
    /// A time from seconds since the epoch.
    pub const fn from_unix_secs(secs: u64) -> Self {
        Self(secs.saturating_mul(NANOS_PER_SEC))
    }

    /// Nanoseconds since the epoch.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// `self + d`; an overflow is an error, not a wrap (it would put an unbonding in the past).
    pub fn checked_add(self, d: Duration) -> Result<Self, MathError> {
        self.0.checked_add(d.0).map(Self).ok_or(MathError::Overflow)
    }

    /// `self - d`, saturating at the epoch: used for look-back windows, where "before the epoch" means "all".
    pub fn saturating_sub(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(d.0))
    }

    /// The time elapsed from `earlier` to `self`; zero if `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

/// Days since 1970-01-01 to a (year, month, day) civil date (proleptic Gregorian).
// The input is at most u64::MAX / (86_400 * 10^9) ≈ 2.1e8 days, so no step below can overflow or underflow.
#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the era to start on 0000-03-01 so leap days fall at the end of a year.
    let z = days.saturating_add(719_468);
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a civil date; `None` before the epoch.
// Callers pass a 4-digit year, a month in 1..=12 and a day in 1..=31, so no step below can overflow.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y / 400;
    let yoe = y % 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0 / NANOS_PER_SEC;
        let nanos = self.0 % NANOS_PER_SEC;
        let (year, month, day) = civil_from_days(secs / SECS_PER_DAY);
        let sod = secs % SECS_PER_DAY;
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )?;
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn parse_digits(s: &str) -> Result<u64, MathError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MathError::Parse(format!("expected digits, got {s:?}")));
    }
    s.parse::<u64>()
        .map_err(|_| MathError::Parse(format!("number out of range: {s:?}")))
}

/// Parses a fraction of a second (`"5"` = 0.5 s) into nanoseconds.
fn parse_fraction_nanos(frac: &str) -> Result<u64, MathError> {
    if frac.len() > 9 {
        return Err(MathError::Parse("at most 9 fractional digits".into()));
    }
    let digits = parse_digits(frac)?;
    let scale = 10u64.pow(u32::try_from(9usize.saturating_sub(frac.len())).unwrap_or(0));
    digits.checked_mul(scale).ok_or(MathError::Overflow)
}

impl FromStr for Timestamp {
    type Err = MathError;

    /// Accepts RFC 3339 in UTC (`YYYY-MM-DDTHH:MM:SS[.fffffffff]Z`), the form this type prints.
    fn from_str(s: &str) -> Result<Self, MathError> {
        let bad = || MathError::Parse(format!("invalid RFC 3339 UTC time {s:?}"));
        let body = s.strip_suffix('Z').ok_or_else(bad)?;
        let (date, clock) = body.split_once('T').ok_or_else(bad)?;
        let mut date_parts = date.split('-');
        let (Some(y), Some(mo), Some(d), None) = (
            date_parts.next(),
            date_parts.next(),
            date_parts.next(),
            date_parts.next(),
        ) else {
            return Err(bad());
        };
        let (clock, frac) = match clock.split_once('.') {
            Some((c, f)) => (c, Some(f)),
            None => (clock, None),
        };
        let mut clock_parts = clock.split(':');
        let (Some(h), Some(mi), Some(sec), None) = (
            clock_parts.next(),
            clock_parts.next(),
            clock_parts.next(),
            clock_parts.next(),
        ) else {
            return Err(bad());
        };
        let (year, month, day) = (parse_digits(y)?, parse_digits(mo)?, parse_digits(d)?);
        let (hour, min, sec) = (parse_digits(h)?, parse_digits(mi)?, parse_digits(sec)?);
        if y.len() != 4 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(bad());
        }
        if hour > 23 || min > 59 || sec > 59 {
            return Err(bad());
        }
        let days = days_from_civil(year, month, day).ok_or_else(bad)?;
        // Reject dates such as 02-30 that would silently roll over into the next month.
        if civil_from_days(days) != (year, month, day) {
            return Err(bad());
        }
        let nanos = match frac {
            Some(f) => parse_fraction_nanos(f)?,
            None => 0,
        };
        days.checked_mul(SECS_PER_DAY)
            .and_then(|s| {
                s.checked_add(
                    hour.checked_mul(3600)?
                        .checked_add(min.checked_mul(60)?)?
                        .checked_add(sec)?,
                )
            })
            .and_then(|s| s.checked_mul(NANOS_PER_SEC))
            .and_then(|n| n.checked_add(nanos))
            .map(Timestamp)
            .ok_or(MathError::Overflow)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0 / NANOS_PER_SEC;
        let nanos = self.0 % NANOS_PER_SEC;
        if nanos == 0 {
            write!(f, "{secs}s")
        } else {
            let frac = format!("{nanos:09}");
            write!(f, "{secs}.{}s", frac.trim_end_matches('0'))
        }
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Duration {
    type Err = MathError;

    /// Accepts the protobuf JSON form: seconds with an optional fraction and an `s` suffix.
    fn from_str(s: &str) -> Result<Self, MathError> {
        let body = s
            .strip_suffix('s')
            .ok_or_else(|| MathError::Parse(format!("duration {s:?} must end in 's'")))?;
        let (secs, nanos) = match body.split_once('.') {
            Some((w, f)) => (parse_digits(w)?, parse_fraction_nanos(f)?),
            None => (parse_digits(body)?, 0),
        };
        secs.checked_mul(NANOS_PER_SEC)
            .and_then(|n| n.checked_add(nanos))
            .map(Duration)
            .ok_or(MathError::Overflow)
    }
}

macro_rules! serde_via_string {
    ($t:ty, $raw:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.collect_str(self)
                } else {
                    s.serialize_u64(self.0)
                }
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if d.is_human_readable() {
                    let s = <String as Deserialize>::deserialize(d)?;
                    s.parse().map_err(de::Error::custom)
                } else {
                    <$raw as Deserialize>::deserialize(d).map(Self)
                }
            }
        }
    };
}

serde_via_string!(Timestamp, u64);
serde_via_string!(Duration, u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips_through_rfc3339() {
        for t in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-11-24T07:20:53.5Z",
            "2100-12-31T00:00:00.000000001Z",
        ] {
            let parsed: Timestamp = t.parse().unwrap();
            assert_eq!(parsed.to_string(), t);
        }
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(t.0, 1_767_225_600 * NANOS_PER_SEC);
    }

    #[test]
    fn timestamp_rejects_invalid_dates() {
        for t in [
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00+01:00",
            "1969-12-31T23:59:59Z",
            "",
        ] {
            assert!(t.parse::<Timestamp>().is_err(), "{t}");
        }
    }

    #[test]
    fn duration_uses_protobuf_json_form() {
        assert_eq!(Duration::from_hours(72).to_string(), "259200s");
        assert_eq!("1.5s".parse::<Duration>().unwrap(), Duration(1_500_000_000));
        assert_eq!(
            serde_json::to_string(&Duration::from_secs(3)).unwrap(),
            "\"3s\""
        );
        assert!("3".parse::<Duration>().is_err());
        assert!("-3s".parse::<Duration>().is_err());
    }

    #[test]
    fn checked_add_overflows_to_error() {
        assert_eq!(
            Timestamp(u64::MAX).checked_add(Duration(1)),
            Err(MathError::Overflow)
        );
    }
}
