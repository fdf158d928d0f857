//! Phalanx primitive types shared by every layer and by clients.
//!
//! Nothing here performs I/O. All arithmetic is checked: an overflow or an impossible subtraction is an
//! error value, never a wrap or a panic, so that a bad transaction can never take a node down.
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod address;
pub mod coin;
pub mod dec;
pub mod encoding;
pub mod error;
pub mod event;
pub mod ids;
pub mod math;
pub mod msgs;
pub mod proto;
pub mod time;

pub use address::Address;
pub use coin::{Coin, Coins, DecCoin, DecCoins};
pub use dec::Dec;
pub use error::{Error, ErrorCode};
pub use event::Event;
pub use ids::{OperatorId, PoolId, ServiceId, UnbondingId};
pub use math::MathError;
pub use time::{Duration, Timestamp};
