//! Typed identifiers, so an operator id can never be passed where a service id is expected.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $inner:ty) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            Serialize, Deserialize, BorshSerialize, BorshDeserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl $name {
            /// Id zero is never allocated; messages naming it are rejected before they touch state.
            pub fn is_zero(self) -> bool {
                self.0 == 0
            }

            /// Big-endian bytes, so that keys built from ids sort in id order.
            pub fn to_be_bytes(self) -> [u8; std::mem::size_of::<$inner>()] {
                self.0.to_be_bytes()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl From<$inner> for $name {
            fn from(v: $inner) -> Self {
                Self(v)
            }
        }
    };
}

typed_id!(
    /// Identifies an operator; allocated from 1 upwards.
    OperatorId,
    u32
);
typed_id!(
    /// Identifies a service (AVS); allocated from 1 upwards.
    ServiceId,
    u32
);
typed_id!(
    /// Identifies a pool; there is one pool per restaked denom.
    PoolId,
    u32
);
typed_id!(
    /// Identifies one unbonding entry for its whole life.
    UnbondingId,
    u64
);
