//! The Cosmos SDK types Phalanx uses (`proto/cosmos/**.proto`), with the SDK's package names and field
//! numbers so that Cosmos wallets encode them identically.

/// Package `cosmos.base.v1beta1`.
pub mod base {
    /// Version `v1beta1`.
    pub mod v1beta1 {
        /// An integer amount of one denomination; the amount is a decimal integer string.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct Coin {
            /// Denomination.
            #[prost(string, tag = "1")]
            pub denom: String,
            /// Amount in base units, decimal digits without leading zeros.
            #[prost(string, tag = "2")]
            pub amount: String,
        }
        meta!(Coin, "cosmos.base.v1beta1", "Coin", [1, 2]);

        /// A decimal amount of one denomination; the amount is a canonical 18-decimal string.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct DecCoin {
            /// Denomination.
            #[prost(string, tag = "1")]
            pub denom: String,
            /// Amount in base units, e.g. `1.500000000000000000`.
            #[prost(string, tag = "2")]
            pub amount: String,
        }
        meta!(DecCoin, "cosmos.base.v1beta1", "DecCoin", [1, 2]);
    }
}

/// Package `cosmos.crypto.secp256k1`.
pub mod crypto {
    /// Package `cosmos.crypto.secp256k1`.
    pub mod secp256k1 {
        /// A secp256k1 public key, carried as the Any `/cosmos.crypto.secp256k1.PubKey`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct PubKey {
            /// The 33-byte compressed SEC1 point.
            #[prost(bytes = "vec", tag = "1")]
            pub key: Vec<u8>,
        }
        meta!(PubKey, "cosmos.crypto.secp256k1", "PubKey", [1]);
    }
}

/// Package `cosmos.tx`.
pub mod tx {
    /// Package `cosmos.tx.signing`.
    pub mod signing {
        /// Version `v1beta1`.
        pub mod v1beta1 {
            /// How a signer produced their signature. Phalanx accepts [`SignMode::Direct`] only.
            #[derive(
                Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Enumeration,
            )]
            #[repr(i32)]
            pub enum SignMode {
                /// `SIGN_MODE_UNSPECIFIED`: no mode given.
                Unspecified = 0,
                /// `SIGN_MODE_DIRECT`: signature over the protobuf SignDoc.
                Direct = 1,
                /// `SIGN_MODE_TEXTUAL`: signature over a human-readable rendering.
                Textual = 2,
                /// `SIGN_MODE_DIRECT_AUX`: signature by a non-fee-paying signer.
                DirectAux = 3,
                /// `SIGN_MODE_LEGACY_AMINO_JSON`: signature over the amino JSON document.
                LegacyAminoJson = 127,
                /// `SIGN_MODE_EIP_191`: Ethereum personal-sign over amino JSON.
                Eip191 = 191,
            }

            impl SignMode {
                /// The name in the `.proto` file, for error messages users can search for.
                pub fn as_str_name(self) -> &'static str {
                    match self {
                        SignMode::Unspecified => "SIGN_MODE_UNSPECIFIED",
                        SignMode::Direct => "SIGN_MODE_DIRECT",
                        SignMode::Textual => "SIGN_MODE_TEXTUAL",
                        SignMode::DirectAux => "SIGN_MODE_DIRECT_AUX",
                        SignMode::LegacyAminoJson => "SIGN_MODE_LEGACY_AMINO_JSON",
                        SignMode::Eip191 => "SIGN_MODE_EIP_191",
                    }
                }
            }
        }
    }

    /// Package `cosmos.tx.v1beta1`: the transaction envelope.
    pub mod v1beta1 {
        use crate::proto::cosmos::base::v1beta1::Coin;
        use crate::proto::google::protobuf::Any;

        /// A transaction in decoded form, as query responses show it.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct Tx {
            /// The messages and memo.
            #[prost(message, optional, tag = "1")]
            pub body: Option<TxBody>,
            /// Signer and fee.
            #[prost(message, optional, tag = "2")]
            pub auth_info: Option<AuthInfo>,
            /// One signature per signer info.
            #[prost(bytes = "vec", repeated, tag = "3")]
            pub signatures: Vec<Vec<u8>>,
        }
        meta!(Tx, "cosmos.tx.v1beta1", "Tx", [1 => TxBody, 2 => AuthInfo, 3]);

        /// A transaction as broadcast and stored: body and auth info stay the exact bytes that were signed.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct TxRaw {
            /// Encoded [`TxBody`].
            #[prost(bytes = "vec", tag = "1")]
            pub body_bytes: Vec<u8>,
            /// Encoded [`AuthInfo`].
            #[prost(bytes = "vec", tag = "2")]
            pub auth_info_bytes: Vec<u8>,
            /// One 64-byte signature per signer info.
            #[prost(bytes = "vec", repeated, tag = "3")]
            pub signatures: Vec<Vec<u8>>,
        }
        meta!(TxRaw, "cosmos.tx.v1beta1", "TxRaw", [1, 2, 3]);

        /// What a SIGN_MODE_DIRECT signer signs (sha256 of its encoding).
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct SignDoc {
            /// Encoded [`TxBody`], exactly as in the [`TxRaw`].
            #[prost(bytes = "vec", tag = "1")]
            pub body_bytes: Vec<u8>,
            /// Encoded [`AuthInfo`], exactly as in the [`TxRaw`].
            #[prost(bytes = "vec", tag = "2")]
            pub auth_info_bytes: Vec<u8>,
            /// Chain id, so a signature is valid on one chain only.
            #[prost(string, tag = "3")]
            pub chain_id: String,
            /// The signer's account number.
            #[prost(uint64, tag = "4")]
            pub account_number: u64,
        }
        meta!(SignDoc, "cosmos.tx.v1beta1", "SignDoc", [1, 2, 3, 4]);

        /// The messages of a transaction and what applies to all of them.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct TxBody {
            /// Messages, executed in order, all or nothing.
            #[prost(message, repeated, tag = "1")]
            pub messages: Vec<Any>,
            /// Free text.
            #[prost(string, tag = "2")]
            pub memo: String,
            /// Invalid in blocks above this height; 0 = no limit.
            #[prost(uint64, tag = "3")]
            pub timeout_height: u64,
            /// Extensions every node must understand; Phalanx supports none.
            #[prost(message, repeated, tag = "1023")]
            pub extension_options: Vec<Any>,
            /// Extensions nodes may ignore.
            #[prost(message, repeated, tag = "2047")]
            pub non_critical_extension_options: Vec<Any>,
        }
        meta!(TxBody, "cosmos.tx.v1beta1", "TxBody", [1 => Any, 2, 3, 1023 => Any, 2047 => Any]);

        /// Who signs and who pays.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct AuthInfo {
            /// Exactly one in Phalanx.
            #[prost(message, repeated, tag = "1")]
            pub signer_infos: Vec<SignerInfo>,
            /// Fee and gas limit.
            #[prost(message, optional, tag = "2")]
            pub fee: Option<Fee>,
        }
        meta!(AuthInfo, "cosmos.tx.v1beta1", "AuthInfo", [1 => SignerInfo, 2 => Fee]);

        /// One signer: key, sign mode and sequence number.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct SignerInfo {
            /// The Any `/cosmos.crypto.secp256k1.PubKey`.
            #[prost(message, optional, tag = "1")]
            pub public_key: Option<Any>,
            /// The sign mode.
            #[prost(message, optional, tag = "2")]
            pub mode_info: Option<ModeInfo>,
            /// The signer's next sequence number.
            #[prost(uint64, tag = "3")]
            pub sequence: u64,
        }
        meta!(SignerInfo, "cosmos.tx.v1beta1", "SignerInfo", [1 => Any, 2 => ModeInfo, 3]);

        /// The sign mode of one signer; only a single key is supported.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct ModeInfo {
            /// Which kind of signer this is.
            #[prost(oneof = "mode_info::Sum", tags = "1")]
            pub sum: Option<mode_info::Sum>,
        }
        meta!(ModeInfo, "cosmos.tx.v1beta1", "ModeInfo", [1 => mode_info::Single]);

        /// Types nested in [`ModeInfo`].
        pub mod mode_info {
            /// A single key's sign mode.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Single {
                /// A [`SignMode`](super::super::signing::v1beta1::SignMode) value.
                #[prost(enumeration = "super::super::signing::v1beta1::SignMode", tag = "1")]
                pub mode: i32,
            }
            meta!(Single, "cosmos.tx.v1beta1", "ModeInfo.Single", [1]);

            /// The `sum` oneof of [`ModeInfo`](super::ModeInfo).
            #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Oneof)]
            pub enum Sum {
                /// A single key.
                #[prost(message, tag = "1")]
                Single(Single),
            }
        }

        /// The fee paid and the gas bought.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct Fee {
            /// Fee coins, canonical (sorted, unique, positive).
            #[prost(message, repeated, tag = "1")]
            pub amount: Vec<Coin>,
            /// The most gas the transaction may use.
            #[prost(uint64, tag = "2")]
            pub gas_limit: u64,
            /// Fee payer other than the signer; must be empty.
            #[prost(string, tag = "3")]
            pub payer: String,
            /// Fee granter; must be empty.
            #[prost(string, tag = "4")]
            pub granter: String,
        }
        meta!(Fee, "cosmos.tx.v1beta1", "Fee", [1 => Coin, 2, 3, 4]);
    }
}
