//! The protobuf message structs, hand-written with `prost` derives, one Rust module per protobuf package
//! (the layout `prost-build` would produce). See the parent module for why they are not generated.
//!
//! Every struct implements [`prost::Name`] (so `T::type_url()` is its Any type URL) and
//! [`Schema`](super::wire::Schema) (its declared field numbers, for strict decoding).

/// Implements [`prost::Name`] and [`Schema`](crate::proto::wire::Schema) for a message type.
///
/// `[1, 2 => Coin]` lists the declared field numbers; `=> T` marks an embedded message of type `T`, whose
/// bytes the unknown-field check walks with `T`'s schema.
macro_rules! meta {
    ($ty:ty, $package:literal, $name:literal, [$($number:literal $(=> $sub:ty)?),* $(,)?]) => {
        impl ::prost::Name for $ty {
            const NAME: &'static str = $name;
            const PACKAGE: &'static str = $package;
        }

        impl $crate::proto::wire::Schema for $ty {
            const SCHEMA: &'static $crate::proto::wire::MessageSchema =
                &$crate::proto::wire::MessageSchema {
                    name: concat!($package, ".", $name),
                    fields: &[$(
                        $crate::proto::wire::KnownField {
                            number: $number,
                            kind: meta!(@kind $($sub)?),
                        }
                    ),*],
                };
        }
    };
    (@kind) => { $crate::proto::wire::FieldKind::Scalar };
    (@kind $sub:ty) => {
        $crate::proto::wire::FieldKind::Message(
            <$sub as $crate::proto::wire::Schema>::SCHEMA,
        )
    };
}

pub mod cosmos;
pub mod google;
pub mod phalanx;
