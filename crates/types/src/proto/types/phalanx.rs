//! Phalanx messages and the records they embed (`proto/phalanx/<module>/v1/tx.proto`).
//!
//! Conventions: addresses are bech32 strings (`phx1...`), coins are
//! [`Coin`](crate::proto::cosmos::base::v1beta1::Coin) lists in canonical order, decimals are canonical
//! 18-decimal strings, ids are `uint32`. Conversions to and from the domain types in
//! [`msgs`](crate::msgs) live in [`convert`](crate::proto::convert).

/// Package `phalanx.bank`.
pub mod bank {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;

        /// Moves coins between accounts. Type URL `/phalanx.bank.v1.MsgSend`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSend {
            /// Sender; signs.
            #[prost(string, tag = "1")]
            pub from_address: String,
            /// Recipient.
            #[prost(string, tag = "2")]
            pub to_address: String,
            /// Coins moved; not empty.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgSend, "phalanx.bank.v1", "MsgSend", [1, 2, 3 => Coin]);
    }
}

/// Package `phalanx.assets`.
pub mod assets {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::google::protobuf::Duration;
        use crate::proto::google::protobuf::Timestamp;

        /// Module params of the asset registry.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct AssetsParams {
            /// A price older than this (by block time) counts as missing; positive.
            #[prost(message, optional, tag = "1")]
            pub max_price_age: Option<Duration>,
        }
        meta!(AssetsParams, "phalanx.assets.v1", "AssetsParams", [1 => Duration]);

        /// A registered asset: which ticker prices a denom, and how many decimals one whole token has.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct Asset {
            /// On-chain denom, e.g. "uatom".
            #[prost(string, tag = "1")]
            pub denom: String,
            /// Price ticker, 1 to 10 ASCII letters or digits, e.g. "ATOM".
            #[prost(string, tag = "2")]
            pub ticker: String,
            /// One whole token is 10^exponent base units; at most 18.
            #[prost(uint32, tag = "3")]
            pub exponent: u32,
        }
        meta!(Asset, "phalanx.assets.v1", "Asset", [1, 2, 3]);

        /// Registers or replaces an asset (authority only). Type URL `/phalanx.assets.v1.MsgRegisterAsset`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgRegisterAsset {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// The asset.
            #[prost(message, optional, tag = "2")]
            pub asset: Option<Asset>,
        }
        meta!(MsgRegisterAsset, "phalanx.assets.v1", "MsgRegisterAsset", [1, 2 => Asset]);

        /// Removes an asset (authority only). Type URL `/phalanx.assets.v1.MsgDeregisterAsset`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDeregisterAsset {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// Denom to remove.
            #[prost(string, tag = "2")]
            pub denom: String,
        }
        meta!(
            MsgDeregisterAsset,
            "phalanx.assets.v1",
            "MsgDeregisterAsset",
            [1, 2]
        );

        /// Posts the USD price of one whole token of a ticker (authority only).
        /// Type URL `/phalanx.assets.v1.MsgPostPrice`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgPostPrice {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// Ticker priced.
            #[prost(string, tag = "2")]
            pub ticker: String,
            /// USD per whole token, canonical 18-decimal string; positive.
            #[prost(string, tag = "3")]
            pub price: String,
            /// When the price was observed; not after the block time.
            #[prost(message, optional, tag = "4")]
            pub time: Option<Timestamp>,
        }
        meta!(MsgPostPrice, "phalanx.assets.v1", "MsgPostPrice", [1, 2, 3, 4 => Timestamp]);

        /// Replaces the assets params (authority only). Type URL `/phalanx.assets.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params.
            #[prost(message, optional, tag = "2")]
            pub params: Option<AssetsParams>,
        }
        meta!(MsgUpdateParams, "phalanx.assets.v1", "MsgUpdateParams", [1, 2 => AssetsParams]);
    }
}

/// Package `phalanx.operators`.
pub mod operators {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;
        use crate::proto::google::protobuf::Duration;

        /// An operator's own settings.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct OperatorParams {
            /// Share of rewards the operator keeps, canonical 18-decimal string in [0, 1].
            #[prost(string, tag = "1")]
            pub commission_rate: String,
        }
        meta!(
            OperatorParams,
            "phalanx.operators.v1",
            "OperatorParams",
            [1]
        );

        /// Module params of operators.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct OperatorsParams {
            /// Fee to register; paying any one of these coins in full suffices. Empty = free.
            #[prost(message, repeated, tag = "1")]
            pub operator_registration_fee: Vec<Coin>,
            /// Time between deactivation and becoming INACTIVE; positive.
            #[prost(message, optional, tag = "2")]
            pub deactivation_time: Option<Duration>,
        }
        meta!(OperatorsParams, "phalanx.operators.v1", "OperatorsParams", [1 => Coin, 2 => Duration]);

        /// Registers a new operator owned by the sender. Type URL `/phalanx.operators.v1.MsgRegisterOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgRegisterOperator {
            /// Becomes the admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Display name; not blank, at most 256 bytes.
            #[prost(string, tag = "2")]
            pub moniker: String,
            /// Website; at most 256 bytes.
            #[prost(string, tag = "3")]
            pub website: String,
            /// Picture URL; at most 256 bytes.
            #[prost(string, tag = "4")]
            pub picture_url: String,
            /// Registration fee offered.
            #[prost(message, repeated, tag = "5")]
            pub fee_amount: Vec<Coin>,
        }
        meta!(MsgRegisterOperator, "phalanx.operators.v1", "MsgRegisterOperator", [1, 2, 3, 4, 5 => Coin]);

        /// Changes an operator's descriptive fields; an absent field is kept.
        /// Type URL `/phalanx.operators.v1.MsgUpdateOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateOperator {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// New moniker.
            #[prost(string, optional, tag = "3")]
            pub moniker: Option<String>,
            /// New website.
            #[prost(string, optional, tag = "4")]
            pub website: Option<String>,
            /// New picture URL.
            #[prost(string, optional, tag = "5")]
            pub picture_url: Option<String>,
        }
        meta!(
            MsgUpdateOperator,
            "phalanx.operators.v1",
            "MsgUpdateOperator",
            [1, 2, 3, 4, 5]
        );

        /// Starts an operator's inactivation. Type URL `/phalanx.operators.v1.MsgDeactivateOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDeactivateOperator {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
        }
        meta!(
            MsgDeactivateOperator,
            "phalanx.operators.v1",
            "MsgDeactivateOperator",
            [1, 2]
        );

        /// Makes an INACTIVE operator ACTIVE again. Type URL `/phalanx.operators.v1.MsgReactivateOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgReactivateOperator {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
        }
        meta!(
            MsgReactivateOperator,
            "phalanx.operators.v1",
            "MsgReactivateOperator",
            [1, 2]
        );

        /// Deletes an INACTIVE operator with no stake left. Type URL `/phalanx.operators.v1.MsgDeleteOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDeleteOperator {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
        }
        meta!(
            MsgDeleteOperator,
            "phalanx.operators.v1",
            "MsgDeleteOperator",
            [1, 2]
        );

        /// Sets an operator's own params (commission). Type URL `/phalanx.operators.v1.MsgSetOperatorParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSetOperatorParams {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// New params.
            #[prost(message, optional, tag = "3")]
            pub params: Option<OperatorParams>,
        }
        meta!(MsgSetOperatorParams, "phalanx.operators.v1", "MsgSetOperatorParams", [1, 2, 3 => OperatorParams]);

        /// Hands an operator to a new admin. Type URL `/phalanx.operators.v1.MsgTransferOperatorOwnership`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgTransferOperatorOwnership {
            /// Current admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// New admin.
            #[prost(string, tag = "3")]
            pub new_admin: String,
        }
        meta!(
            MsgTransferOperatorOwnership,
            "phalanx.operators.v1",
            "MsgTransferOperatorOwnership",
            [1, 2, 3]
        );

        /// Replaces the operators params (authority only). Type URL `/phalanx.operators.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params.
            #[prost(message, optional, tag = "2")]
            pub params: Option<OperatorsParams>,
        }
        meta!(MsgUpdateParams, "phalanx.operators.v1", "MsgUpdateParams", [1, 2 => OperatorsParams]);
    }
}

/// Package `phalanx.services`.
pub mod services {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;

        /// A service's own settings.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct ServiceParams {
            /// Denoms the service accepts (intersected with the global list); empty = no service-level limit.
            #[prost(string, repeated, tag = "1")]
            pub allowed_denoms: Vec<String>,
        }
        meta!(ServiceParams, "phalanx.services.v1", "ServiceParams", [1]);

        /// Module params of services.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct ServicesParams {
            /// Fee to create a service; paying any one of these coins in full suffices. Empty = free.
            #[prost(message, repeated, tag = "1")]
            pub service_registration_fee: Vec<Coin>,
        }
        meta!(ServicesParams, "phalanx.services.v1", "ServicesParams", [1 => Coin]);

        /// Creates a service owned by the sender, in status CREATED.
        /// Type URL `/phalanx.services.v1.MsgCreateService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgCreateService {
            /// Becomes the admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Name; not blank, at most 256 bytes.
            #[prost(string, tag = "2")]
            pub name: String,
            /// Description; at most 1000 bytes.
            #[prost(string, tag = "3")]
            pub description: String,
            /// Website; at most 256 bytes.
            #[prost(string, tag = "4")]
            pub website: String,
            /// Picture URL; at most 256 bytes.
            #[prost(string, tag = "5")]
            pub picture_url: String,
            /// Registration fee offered.
            #[prost(message, repeated, tag = "6")]
            pub fee_amount: Vec<Coin>,
        }
        meta!(MsgCreateService, "phalanx.services.v1", "MsgCreateService", [1, 2, 3, 4, 5, 6 => Coin]);

        /// Changes a service's descriptive fields; an absent field is kept.
        /// Type URL `/phalanx.services.v1.MsgUpdateService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateService {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// New name.
            #[prost(string, optional, tag = "3")]
            pub name: Option<String>,
            /// New description.
            #[prost(string, optional, tag = "4")]
            pub description: Option<String>,
            /// New website.
            #[prost(string, optional, tag = "5")]
            pub website: Option<String>,
            /// New picture URL.
            #[prost(string, optional, tag = "6")]
            pub picture_url: Option<String>,
        }
        meta!(
            MsgUpdateService,
            "phalanx.services.v1",
            "MsgUpdateService",
            [1, 2, 3, 4, 5, 6]
        );

        /// Activates a service so it can be joined and delegated to.
        /// Type URL `/phalanx.services.v1.MsgActivateService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgActivateService {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
        }
        meta!(
            MsgActivateService,
            "phalanx.services.v1",
            "MsgActivateService",
            [1, 2]
        );

        /// Deactivates an ACTIVE service. Type URL `/phalanx.services.v1.MsgDeactivateService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDeactivateService {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
        }
        meta!(
            MsgDeactivateService,
            "phalanx.services.v1",
            "MsgDeactivateService",
            [1, 2]
        );

        /// Deletes a non-ACTIVE service with no stake left. Type URL `/phalanx.services.v1.MsgDeleteService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDeleteService {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
        }
        meta!(
            MsgDeleteService,
            "phalanx.services.v1",
            "MsgDeleteService",
            [1, 2]
        );

        /// Hands a service to a new admin. Type URL `/phalanx.services.v1.MsgTransferServiceOwnership`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgTransferServiceOwnership {
            /// Current admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// New admin.
            #[prost(string, tag = "3")]
            pub new_admin: String,
        }
        meta!(
            MsgTransferServiceOwnership,
            "phalanx.services.v1",
            "MsgTransferServiceOwnership",
            [1, 2, 3]
        );

        /// Sets a service's own params (accepted denoms). Type URL `/phalanx.services.v1.MsgSetServiceParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSetServiceParams {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// New params.
            #[prost(message, optional, tag = "3")]
            pub service_params: Option<ServiceParams>,
        }
        meta!(MsgSetServiceParams, "phalanx.services.v1", "MsgSetServiceParams", [1, 2, 3 => ServiceParams]);

        /// Marks a service as accredited (authority only). Type URL `/phalanx.services.v1.MsgAccreditService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgAccreditService {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
        }
        meta!(
            MsgAccreditService,
            "phalanx.services.v1",
            "MsgAccreditService",
            [1, 2]
        );

        /// Removes a service's accreditation (authority only).
        /// Type URL `/phalanx.services.v1.MsgRevokeServiceAccreditation`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgRevokeServiceAccreditation {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
        }
        meta!(
            MsgRevokeServiceAccreditation,
            "phalanx.services.v1",
            "MsgRevokeServiceAccreditation",
            [1, 2]
        );

        /// Replaces the services params (authority only). Type URL `/phalanx.services.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params.
            #[prost(message, optional, tag = "2")]
            pub params: Option<ServicesParams>,
        }
        meta!(MsgUpdateParams, "phalanx.services.v1", "MsgUpdateParams", [1, 2 => ServicesParams]);
    }
}

/// Package `phalanx.restaking`.
pub mod restaking {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;
        use crate::proto::google::protobuf::Duration;

        /// Module params of restaking.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct RestakingParams {
            /// How long undelegated stake stays locked (and slashable) before it is paid out; positive.
            #[prost(message, optional, tag = "1")]
            pub unbonding_time: Option<Duration>,
            /// Denoms that may be restaked at all; empty = every denom.
            #[prost(string, repeated, tag = "2")]
            pub allowed_denoms: Vec<String>,
            /// Maximum USD value restaked across all targets, canonical 18-decimal string; zero = no cap.
            #[prost(string, tag = "3")]
            pub restaking_cap: String,
            /// Maximum pending unbonding entries per (delegator, target); positive.
            #[prost(uint32, tag = "4")]
            pub max_entries: u32,
        }
        meta!(RestakingParams, "phalanx.restaking.v1", "RestakingParams", [1 => Duration, 2, 3, 4]);

        /// One service a user trusts, and with which of their pools.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct TrustedServiceEntry {
            /// The trusted service.
            #[prost(uint32, tag = "1")]
            pub service_id: u32,
            /// Pools whose stake the service may use; empty = all of the user's pools.
            #[prost(uint32, repeated, tag = "2")]
            pub pool_ids: Vec<u32>,
        }
        meta!(
            TrustedServiceEntry,
            "phalanx.restaking.v1",
            "TrustedServiceEntry",
            [1, 2]
        );

        /// Which services a user's pool stake secures (and can be slashed by). Empty = trusts nothing.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct UserPreferences {
            /// Trusted services, at most one entry per service.
            #[prost(message, repeated, tag = "1")]
            pub trusted_services: Vec<TrustedServiceEntry>,
        }
        meta!(UserPreferences, "phalanx.restaking.v1", "UserPreferences", [1 => TrustedServiceEntry]);

        /// Delegates one coin to the pool of its denom. Type URL `/phalanx.restaking.v1.MsgDelegatePool`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDelegatePool {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// Amount; positive.
            #[prost(message, optional, tag = "2")]
            pub amount: Option<Coin>,
        }
        meta!(MsgDelegatePool, "phalanx.restaking.v1", "MsgDelegatePool", [1, 2 => Coin]);

        /// Delegates coins to an ACTIVE operator. Type URL `/phalanx.restaking.v1.MsgDelegateOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDelegateOperator {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// Amount; not empty.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgDelegateOperator, "phalanx.restaking.v1", "MsgDelegateOperator", [1, 2, 3 => Coin]);

        /// Delegates coins directly to an ACTIVE service. Type URL `/phalanx.restaking.v1.MsgDelegateService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDelegateService {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Amount; not empty.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgDelegateService, "phalanx.restaking.v1", "MsgDelegateService", [1, 2, 3 => Coin]);

        /// Starts unbonding from the pool of the coin's denom. Type URL `/phalanx.restaking.v1.MsgUndelegatePool`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUndelegatePool {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// Amount; positive.
            #[prost(message, optional, tag = "2")]
            pub amount: Option<Coin>,
        }
        meta!(MsgUndelegatePool, "phalanx.restaking.v1", "MsgUndelegatePool", [1, 2 => Coin]);

        /// Starts unbonding from an operator. Type URL `/phalanx.restaking.v1.MsgUndelegateOperator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUndelegateOperator {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// Amount; not empty.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgUndelegateOperator, "phalanx.restaking.v1", "MsgUndelegateOperator", [1, 2, 3 => Coin]);

        /// Starts unbonding from a service. Type URL `/phalanx.restaking.v1.MsgUndelegateService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUndelegateService {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Amount; not empty.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgUndelegateService, "phalanx.restaking.v1", "MsgUndelegateService", [1, 2, 3 => Coin]);

        /// An ACTIVE operator opts in to securing an ACTIVE service.
        /// Type URL `/phalanx.restaking.v1.MsgJoinService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgJoinService {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// Service.
            #[prost(uint32, tag = "3")]
            pub service_id: u32,
        }
        meta!(
            MsgJoinService,
            "phalanx.restaking.v1",
            "MsgJoinService",
            [1, 2, 3]
        );

        /// An operator stops securing a service. Type URL `/phalanx.restaking.v1.MsgLeaveService`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgLeaveService {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
            /// Service.
            #[prost(uint32, tag = "3")]
            pub service_id: u32,
        }
        meta!(
            MsgLeaveService,
            "phalanx.restaking.v1",
            "MsgLeaveService",
            [1, 2, 3]
        );

        /// A service admin allows an operator (a non-empty list admits only listed operators).
        /// Type URL `/phalanx.restaking.v1.MsgAddOperatorToAllowList`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgAddOperatorToAllowList {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Operator.
            #[prost(uint32, tag = "3")]
            pub operator_id: u32,
        }
        meta!(
            MsgAddOperatorToAllowList,
            "phalanx.restaking.v1",
            "MsgAddOperatorToAllowList",
            [1, 2, 3]
        );

        /// A service admin removes an operator from its allow-list.
        /// Type URL `/phalanx.restaking.v1.MsgRemoveOperatorFromAllowList`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgRemoveOperatorFromAllowList {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Operator.
            #[prost(uint32, tag = "3")]
            pub operator_id: u32,
        }
        meta!(
            MsgRemoveOperatorFromAllowList,
            "phalanx.restaking.v1",
            "MsgRemoveOperatorFromAllowList",
            [1, 2, 3]
        );

        /// An ACTIVE service starts borrowing security from a pool.
        /// Type URL `/phalanx.restaking.v1.MsgBorrowPoolSecurity`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgBorrowPoolSecurity {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Pool.
            #[prost(uint32, tag = "3")]
            pub pool_id: u32,
        }
        meta!(
            MsgBorrowPoolSecurity,
            "phalanx.restaking.v1",
            "MsgBorrowPoolSecurity",
            [1, 2, 3]
        );

        /// A service stops borrowing security from a pool.
        /// Type URL `/phalanx.restaking.v1.MsgCeasePoolSecurityBorrow`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgCeasePoolSecurityBorrow {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Pool.
            #[prost(uint32, tag = "3")]
            pub pool_id: u32,
        }
        meta!(
            MsgCeasePoolSecurityBorrow,
            "phalanx.restaking.v1",
            "MsgCeasePoolSecurityBorrow",
            [1, 2, 3]
        );

        /// Replaces the sender's trust preferences. Type URL `/phalanx.restaking.v1.MsgSetUserPreferences`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSetUserPreferences {
            /// User; signs.
            #[prost(string, tag = "1")]
            pub user: String,
            /// New preferences.
            #[prost(message, optional, tag = "2")]
            pub preferences: Option<UserPreferences>,
        }
        meta!(MsgSetUserPreferences, "phalanx.restaking.v1", "MsgSetUserPreferences", [1, 2 => UserPreferences]);

        /// Replaces the restaking params (authority only). Type URL `/phalanx.restaking.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params.
            #[prost(message, optional, tag = "2")]
            pub params: Option<RestakingParams>,
        }
        meta!(MsgUpdateParams, "phalanx.restaking.v1", "MsgUpdateParams", [1, 2 => RestakingParams]);
    }
}

/// Package `phalanx.rewards`.
pub mod rewards {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;
        use crate::proto::google::protobuf::Timestamp;

        /// The kind of target a delegation is made to.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Enumeration,
        )]
        #[repr(i32)]
        pub enum DelegationType {
            /// `DELEGATION_TYPE_UNSPECIFIED`: not a valid value; rejected.
            Unspecified = 0,
            /// `DELEGATION_TYPE_POOL`: stake in the pool of one denom.
            Pool = 1,
            /// `DELEGATION_TYPE_OPERATOR`: stake delegated to an operator.
            Operator = 2,
            /// `DELEGATION_TYPE_SERVICE`: stake delegated directly to a service.
            Service = 3,
        }

        /// One target's weight in a weighted distribution.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct DistributionWeight {
            /// Pool or operator id (by the category); not zero.
            #[prost(uint32, tag = "1")]
            pub target_id: u32,
            /// Relative weight; positive.
            #[prost(uint32, tag = "2")]
            pub weight: u32,
        }
        meta!(
            DistributionWeight,
            "phalanx.rewards.v1",
            "DistributionWeight",
            [1, 2]
        );

        /// How one category's share of a plan's block reward is split among its targets.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct DistributionType {
            /// The kind; required.
            #[prost(oneof = "distribution_type::Sum", tags = "1, 2, 3")]
            pub sum: Option<distribution_type::Sum>,
        }
        meta!(DistributionType, "phalanx.rewards.v1", "DistributionType", [
            1 => distribution_type::Basic,
            2 => distribution_type::Weighted,
            3 => distribution_type::Egalitarian,
        ]);

        /// Types nested in [`DistributionType`].
        pub mod distribution_type {
            use super::DistributionWeight;

            /// Split in proportion to the USD value of each target's stake.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Basic {}
            meta!(Basic, "phalanx.rewards.v1", "DistributionType.Basic", []);

            /// Split by fixed weights; targets not listed get nothing.
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Weighted {
                /// One weight per listed target, each target at most once.
                #[prost(message, repeated, tag = "1")]
                pub weights: Vec<DistributionWeight>,
            }
            meta!(Weighted, "phalanx.rewards.v1", "DistributionType.Weighted", [1 => DistributionWeight]);

            /// Split equally among the targets that hold any valued stake.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Egalitarian {}
            meta!(
                Egalitarian,
                "phalanx.rewards.v1",
                "DistributionType.Egalitarian",
                []
            );

            /// The `sum` oneof of [`DistributionType`](super::DistributionType).
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Oneof)]
            pub enum Sum {
                /// Split by value.
                #[prost(message, tag = "1")]
                Basic(Basic),
                /// Split by fixed weights.
                #[prost(message, tag = "2")]
                Weighted(Weighted),
                /// Split equally.
                #[prost(message, tag = "3")]
                Egalitarian(Egalitarian),
            }
        }

        /// The pools or operators category of a plan.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct Distribution {
            /// Weight of the category against the other categories.
            #[prost(uint32, tag = "1")]
            pub weight: u32,
            /// How the category's share is split among its targets; required.
            #[prost(message, optional, tag = "2")]
            pub kind: Option<DistributionType>,
        }
        meta!(Distribution, "phalanx.rewards.v1", "Distribution", [1, 2 => DistributionType]);

        /// The direct-delegators category of a plan.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct UsersDistribution {
            /// Weight of the category.
            #[prost(uint32, tag = "1")]
            pub weight: u32,
        }
        meta!(
            UsersDistribution,
            "phalanx.rewards.v1",
            "UsersDistribution",
            [1]
        );

        /// The fields of a plan its service admin chooses, shared by creation and edits.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct PlanTerms {
            /// Free text, at most 1000 bytes.
            #[prost(string, tag = "1")]
            pub description: String,
            /// Paid per 24 hours of block time; positive; required.
            #[prost(message, optional, tag = "2")]
            pub amount_per_day: Option<Coin>,
            /// First instant rewards accrue (inclusive); required.
            #[prost(message, optional, tag = "3")]
            pub start_time: Option<Timestamp>,
            /// Instant the plan ends (exclusive); required.
            #[prost(message, optional, tag = "4")]
            pub end_time: Option<Timestamp>,
            /// Pools category; required.
            #[prost(message, optional, tag = "5")]
            pub pools_distribution: Option<Distribution>,
            /// Operators category; required.
            #[prost(message, optional, tag = "6")]
            pub operators_distribution: Option<Distribution>,
            /// Direct service delegators category; required.
            #[prost(message, optional, tag = "7")]
            pub users_distribution: Option<UsersDistribution>,
        }
        meta!(PlanTerms, "phalanx.rewards.v1", "PlanTerms", [
            1,
            2 => Coin,
            3 => Timestamp,
            4 => Timestamp,
            5 => Distribution,
            6 => Distribution,
            7 => UsersDistribution,
        ]);

        /// Module params of rewards.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct RewardsParams {
            /// Fee to create a plan; paying any one of these coins in full suffices. Empty = free.
            #[prost(message, repeated, tag = "1")]
            pub rewards_plan_creation_fee: Vec<Coin>,
        }
        meta!(RewardsParams, "phalanx.rewards.v1", "RewardsParams", [1 => Coin]);

        /// Creates a rewards plan for a service (service admin only).
        /// Type URL `/phalanx.rewards.v1.MsgCreateRewardsPlan`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgCreateRewardsPlan {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service paying.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Plan terms; required.
            #[prost(message, optional, tag = "3")]
            pub terms: Option<PlanTerms>,
            /// Creation fee offered.
            #[prost(message, repeated, tag = "4")]
            pub fee_amount: Vec<Coin>,
        }
        meta!(MsgCreateRewardsPlan, "phalanx.rewards.v1", "MsgCreateRewardsPlan", [
            1,
            2,
            3 => PlanTerms,
            4 => Coin,
        ]);

        /// Replaces a running plan's terms (service admin only).
        /// Type URL `/phalanx.rewards.v1.MsgEditRewardsPlan`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgEditRewardsPlan {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Plan.
            #[prost(uint64, tag = "2")]
            pub plan_id: u64,
            /// New terms; required.
            #[prost(message, optional, tag = "3")]
            pub terms: Option<PlanTerms>,
        }
        meta!(MsgEditRewardsPlan, "phalanx.rewards.v1", "MsgEditRewardsPlan", [1, 2, 3 => PlanTerms]);

        /// Adds coins of the plan's denom to a plan's account (anyone may fund).
        /// Type URL `/phalanx.rewards.v1.MsgFundRewardsPlan`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgFundRewardsPlan {
            /// Funder; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Plan.
            #[prost(uint64, tag = "2")]
            pub plan_id: u64,
            /// Coins added; positive; required.
            #[prost(message, optional, tag = "3")]
            pub amount: Option<Coin>,
        }
        meta!(MsgFundRewardsPlan, "phalanx.rewards.v1", "MsgFundRewardsPlan", [1, 2, 3 => Coin]);

        /// Sets where the sender's rewards (and, for an operator admin, commission) are paid.
        /// Type URL `/phalanx.rewards.v1.MsgSetWithdrawAddress`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSetWithdrawAddress {
            /// Delegator or operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Recipient.
            #[prost(string, tag = "2")]
            pub withdraw_address: String,
        }
        meta!(
            MsgSetWithdrawAddress,
            "phalanx.rewards.v1",
            "MsgSetWithdrawAddress",
            [1, 2]
        );

        /// Pays a delegation's accrued rewards. Type URL `/phalanx.rewards.v1.MsgWithdrawDelegatorReward`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgWithdrawDelegatorReward {
            /// Delegator; signs.
            #[prost(string, tag = "1")]
            pub delegator: String,
            /// A [`DelegationType`] value; not `Unspecified`.
            #[prost(enumeration = "DelegationType", tag = "2")]
            pub delegation_type: i32,
            /// Target id (pool, operator or service by `delegation_type`).
            #[prost(uint32, tag = "3")]
            pub target_id: u32,
        }
        meta!(
            MsgWithdrawDelegatorReward,
            "phalanx.rewards.v1",
            "MsgWithdrawDelegatorReward",
            [1, 2, 3]
        );

        /// Pays an operator's accumulated commission to its admin (or the admin's withdraw address).
        /// Type URL `/phalanx.rewards.v1.MsgWithdrawOperatorCommission`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgWithdrawOperatorCommission {
            /// Operator admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Operator.
            #[prost(uint32, tag = "2")]
            pub operator_id: u32,
        }
        meta!(
            MsgWithdrawOperatorCommission,
            "phalanx.rewards.v1",
            "MsgWithdrawOperatorCommission",
            [1, 2]
        );

        /// Replaces the rewards params (authority only). Type URL `/phalanx.rewards.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params; required.
            #[prost(message, optional, tag = "2")]
            pub params: Option<RewardsParams>,
        }
        meta!(MsgUpdateParams, "phalanx.rewards.v1", "MsgUpdateParams", [1, 2 => RewardsParams]);
    }
}

/// Package `phalanx.tokenfactory`.
pub mod tokenfactory {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;

        /// Module params of the token factory.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct TokenFactoryParams {
            /// Fee to create a denom; paying any one of these coins in full suffices. Empty = free.
            #[prost(message, repeated, tag = "1")]
            pub denom_creation_fee: Vec<Coin>,
        }
        meta!(TokenFactoryParams, "phalanx.tokenfactory.v1", "TokenFactoryParams", [1 => Coin]);

        /// One unit of a denom.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct DenomUnit {
            /// The unit's name.
            #[prost(string, tag = "1")]
            pub denom: String,
            /// One of this unit is 10^exponent base units.
            #[prost(uint32, tag = "2")]
            pub exponent: u32,
            /// Other names of the unit.
            #[prost(string, repeated, tag = "3")]
            pub aliases: Vec<String>,
        }
        meta!(DenomUnit, "phalanx.tokenfactory.v1", "DenomUnit", [1, 2, 3]);

        /// How wallets display a denom.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct DenomMetadata {
            /// Free text.
            #[prost(string, tag = "1")]
            pub description: String,
            /// Units in increasing exponent; the first is `base` with exponent 0.
            #[prost(message, repeated, tag = "2")]
            pub denom_units: Vec<DenomUnit>,
            /// The factory denom described.
            #[prost(string, tag = "3")]
            pub base: String,
            /// The unit wallets show.
            #[prost(string, tag = "4")]
            pub display: String,
            /// Name.
            #[prost(string, tag = "5")]
            pub name: String,
            /// Ticker symbol.
            #[prost(string, tag = "6")]
            pub symbol: String,
            /// URI of a document with more information.
            #[prost(string, tag = "7")]
            pub uri: String,
            /// Hash of the document at `uri`.
            #[prost(string, tag = "8")]
            pub uri_hash: String,
        }
        meta!(DenomMetadata, "phalanx.tokenfactory.v1", "DenomMetadata", [1, 2 => DenomUnit, 3, 4, 5, 6, 7, 8]);

        /// Creates the denom `factory/{sender}/{subdenom}`. Type URL `/phalanx.tokenfactory.v1.MsgCreateDenom`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgCreateDenom {
            /// Creator and first admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Last segment of the denom.
            #[prost(string, tag = "2")]
            pub subdenom: String,
            /// Creation fee offered.
            #[prost(message, repeated, tag = "3")]
            pub fee_amount: Vec<Coin>,
        }
        meta!(MsgCreateDenom, "phalanx.tokenfactory.v1", "MsgCreateDenom", [1, 2, 3 => Coin]);

        /// Mints coins of a factory denom (admin only). Type URL `/phalanx.tokenfactory.v1.MsgMint`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgMint {
            /// Denom admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Coins minted; required.
            #[prost(message, optional, tag = "2")]
            pub amount: Option<Coin>,
            /// Recipient.
            #[prost(string, tag = "3")]
            pub mint_to_address: String,
        }
        meta!(MsgMint, "phalanx.tokenfactory.v1", "MsgMint", [1, 2 => Coin, 3]);

        /// Burns coins of a factory denom from the admin's own balance. Type URL `/phalanx.tokenfactory.v1.MsgBurn`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgBurn {
            /// Denom admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Coins burned; required.
            #[prost(message, optional, tag = "2")]
            pub amount: Option<Coin>,
            /// Must equal `sender`.
            #[prost(string, tag = "3")]
            pub burn_from_address: String,
        }
        meta!(MsgBurn, "phalanx.tokenfactory.v1", "MsgBurn", [1, 2 => Coin, 3]);

        /// Hands a factory denom to a new admin, or renounces it. Type URL `/phalanx.tokenfactory.v1.MsgChangeAdmin`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgChangeAdmin {
            /// Denom admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// The factory denom.
            #[prost(string, tag = "2")]
            pub denom: String,
            /// New admin; unset renounces the denom.
            #[prost(string, optional, tag = "3")]
            pub new_admin: Option<String>,
        }
        meta!(
            MsgChangeAdmin,
            "phalanx.tokenfactory.v1",
            "MsgChangeAdmin",
            [1, 2, 3]
        );

        /// Sets a factory denom's metadata. Type URL `/phalanx.tokenfactory.v1.MsgSetDenomMetadata`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSetDenomMetadata {
            /// Denom admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// New metadata; required.
            #[prost(message, optional, tag = "2")]
            pub metadata: Option<DenomMetadata>,
        }
        meta!(MsgSetDenomMetadata, "phalanx.tokenfactory.v1", "MsgSetDenomMetadata", [1, 2 => DenomMetadata]);

        /// Replaces the token factory params (authority only). Type URL `/phalanx.tokenfactory.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params; required.
            #[prost(message, optional, tag = "2")]
            pub params: Option<TokenFactoryParams>,
        }
        meta!(MsgUpdateParams, "phalanx.tokenfactory.v1", "MsgUpdateParams", [1, 2 => TokenFactoryParams]);
    }
}

/// Package `phalanx.liquidvesting`.
pub mod liquidvesting {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::cosmos::base::v1beta1::Coin;

        /// Module params of liquid vesting.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct LiquidVestingParams {
            /// Percent of restaked locked tokens the insurance fund must hold, in (0, 100].
            #[prost(string, tag = "1")]
            pub insurance_percentage: String,
            /// Addresses allowed to burn locked representations.
            #[prost(string, repeated, tag = "2")]
            pub burners: Vec<String>,
            /// Addresses allowed to mint locked representations.
            #[prost(string, repeated, tag = "3")]
            pub minters: Vec<String>,
        }
        meta!(
            LiquidVestingParams,
            "phalanx.liquidvesting.v1",
            "LiquidVestingParams",
            [1, 2, 3]
        );

        /// Mints locked representations (minters only). Type URL `/phalanx.liquidvesting.v1.MsgMintLockedRepresentation`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgMintLockedRepresentation {
            /// A minter; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Who gets the representation.
            #[prost(string, tag = "2")]
            pub receiver: String,
            /// Coins of the underlying denoms.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgMintLockedRepresentation, "phalanx.liquidvesting.v1", "MsgMintLockedRepresentation", [1, 2, 3 => Coin]);

        /// Burns a user's locked representations (burners only). Type URL `/phalanx.liquidvesting.v1.MsgBurnLockedRepresentation`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgBurnLockedRepresentation {
            /// A burner; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Whose tokens are burned.
            #[prost(string, tag = "2")]
            pub user: String,
            /// Coins of `locked/...` denoms.
            #[prost(message, repeated, tag = "3")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgBurnLockedRepresentation, "phalanx.liquidvesting.v1", "MsgBurnLockedRepresentation", [1, 2, 3 => Coin]);

        /// Deposits into the sender's insurance fund. Type URL `/phalanx.liquidvesting.v1.MsgDepositInsuranceFund`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgDepositInsuranceFund {
            /// Depositor; signs.
            #[prost(string, tag = "1")]
            pub depositor: String,
            /// Coins of underlying denoms.
            #[prost(message, repeated, tag = "2")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgDepositInsuranceFund, "phalanx.liquidvesting.v1", "MsgDepositInsuranceFund", [1, 2 => Coin]);

        /// Withdraws from the sender's insurance fund. Type URL `/phalanx.liquidvesting.v1.MsgWithdrawInsuranceFund`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgWithdrawInsuranceFund {
            /// Fund owner; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Coins withdrawn.
            #[prost(message, repeated, tag = "2")]
            pub amount: Vec<Coin>,
        }
        meta!(MsgWithdrawInsuranceFund, "phalanx.liquidvesting.v1", "MsgWithdrawInsuranceFund", [1, 2 => Coin]);

        /// Replaces the liquid-vesting params (authority only). Type URL `/phalanx.liquidvesting.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params; required.
            #[prost(message, optional, tag = "2")]
            pub params: Option<LiquidVestingParams>,
        }
        meta!(MsgUpdateParams, "phalanx.liquidvesting.v1", "MsgUpdateParams", [1, 2 => LiquidVestingParams]);
    }
}

/// Package `phalanx.slashing`.
pub mod slashing {
    /// Version `v1`.
    pub mod v1 {
        use crate::proto::google::protobuf::{Duration, Timestamp};

        /// Where a service's slashed tokens go.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct SlashDestination {
            /// The destination; required.
            #[prost(oneof = "slash_destination::Sum", tags = "1, 2, 3")]
            pub sum: Option<slash_destination::Sum>,
        }
        meta!(SlashDestination, "phalanx.slashing.v1", "SlashDestination", [
            1 => slash_destination::Burn,
            2 => slash_destination::Service,
            3 => slash_destination::Recipient,
        ]);

        /// Types nested in [`SlashDestination`].
        pub mod slash_destination {
            /// Destroyed: total supply drops.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Burn {}
            meta!(Burn, "phalanx.slashing.v1", "SlashDestination.Burn", []);

            /// Paid to the service admin's account.
            #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Service {}
            meta!(
                Service,
                "phalanx.slashing.v1",
                "SlashDestination.Service",
                []
            );

            /// Paid to a named recipient.
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
            pub struct Recipient {
                /// The recipient.
                #[prost(string, tag = "1")]
                pub address: String,
            }
            meta!(
                Recipient,
                "phalanx.slashing.v1",
                "SlashDestination.Recipient",
                [1]
            );

            /// The `sum` oneof of [`SlashDestination`](super::SlashDestination).
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Oneof)]
            pub enum Sum {
                /// Burned.
                #[prost(message, tag = "1")]
                Burn(Burn),
                /// To the service admin.
                #[prost(message, tag = "2")]
                Service(Service),
                /// To a named recipient.
                #[prost(message, tag = "3")]
                Recipient(Recipient),
            }
        }

        /// A service's slashing rules.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct SlashingRules {
            /// The only address that may submit slashes.
            #[prost(string, tag = "1")]
            pub slasher: String,
            /// Largest fraction one slash may take.
            #[prost(string, tag = "2")]
            pub max_incident_fraction: String,
            /// Largest sum of fractions submitted within `window`.
            #[prost(string, tag = "3")]
            pub max_window_fraction: String,
            /// Length of the rolling window; required.
            #[prost(message, optional, tag = "4")]
            pub window: Option<Duration>,
            /// Time between submission and execution; required.
            #[prost(message, optional, tag = "5")]
            pub veto_window: Option<Duration>,
            /// The only address that may veto; unset = no resolver.
            #[prost(string, optional, tag = "6")]
            pub resolver: Option<String>,
            /// Where slashed tokens go; required.
            #[prost(message, optional, tag = "7")]
            pub destination: Option<SlashDestination>,
        }
        meta!(SlashingRules, "phalanx.slashing.v1", "SlashingRules", [
            1,
            2,
            3,
            4 => Duration,
            5 => Duration,
            6,
            7 => SlashDestination,
        ]);

        /// Module params of slashing and commission governance.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct SlashingParams {
            /// Delay before new slashing rules take effect; required.
            #[prost(message, optional, tag = "1")]
            pub rules_change_delay: Option<Duration>,
            /// Delay before an operator's commission change takes effect; required.
            #[prost(message, optional, tag = "2")]
            pub commission_change_delay: Option<Duration>,
            /// Largest change of an operator's commission rate in one step.
            #[prost(string, tag = "3")]
            pub max_commission_step: String,
        }
        meta!(SlashingParams, "phalanx.slashing.v1", "SlashingParams", [
            1 => Duration,
            2 => Duration,
            3,
        ]);

        /// Sets a service's slashing rules (service admin only).
        /// Type URL `/phalanx.slashing.v1.MsgSetSlashingRules`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSetSlashingRules {
            /// Service admin; signs.
            #[prost(string, tag = "1")]
            pub sender: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// New rules; required.
            #[prost(message, optional, tag = "3")]
            pub rules: Option<SlashingRules>,
        }
        meta!(MsgSetSlashingRules, "phalanx.slashing.v1", "MsgSetSlashingRules", [
            1,
            2,
            3 => SlashingRules,
        ]);

        /// Slashes one operator's stake, or the service's whole security (`operator_id` unset).
        /// Type URL `/phalanx.slashing.v1.MsgSubmitSlash`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgSubmitSlash {
            /// The service's slasher; signs.
            #[prost(string, tag = "1")]
            pub slasher: String,
            /// Service.
            #[prost(uint32, tag = "2")]
            pub service_id: u32,
            /// Operator slashed; unset = the service's whole security.
            #[prost(uint32, optional, tag = "3")]
            pub operator_id: Option<u32>,
            /// Fraction taken.
            #[prost(string, tag = "4")]
            pub fraction: String,
            /// When the infraction happened; required.
            #[prost(message, optional, tag = "5")]
            pub infraction_time: Option<Timestamp>,
            /// Why.
            #[prost(string, tag = "6")]
            pub reason: String,
        }
        meta!(MsgSubmitSlash, "phalanx.slashing.v1", "MsgSubmitSlash", [
            1,
            2,
            3,
            4,
            5 => Timestamp,
            6,
        ]);

        /// Vetoes a pending slash inside its veto window (the slash's resolver only).
        /// Type URL `/phalanx.slashing.v1.MsgVetoSlash`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgVetoSlash {
            /// The resolver; signs.
            #[prost(string, tag = "1")]
            pub resolver: String,
            /// Slash.
            #[prost(uint64, tag = "2")]
            pub slash_id: u64,
        }
        meta!(MsgVetoSlash, "phalanx.slashing.v1", "MsgVetoSlash", [1, 2]);

        /// Replaces the slashing params (authority only). Type URL `/phalanx.slashing.v1.MsgUpdateParams`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateParams {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// New params; required.
            #[prost(message, optional, tag = "2")]
            pub params: Option<SlashingParams>,
        }
        meta!(MsgUpdateParams, "phalanx.slashing.v1", "MsgUpdateParams", [1, 2 => SlashingParams]);
    }
}

/// Package `phalanx.validators`.
pub mod validators {
    /// Version `v1`.
    pub mod v1 {
        /// One member of the consensus validator set.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct Validator {
            /// The ed25519 consensus public key, 64 lowercase hex characters.
            #[prost(string, tag = "1")]
            pub public_key: String,
            /// Where its p2p layer listens, IP:PORT.
            #[prost(string, tag = "2")]
            pub p2p_address: String,
            /// Voting power; positive.
            #[prost(uint64, tag = "3")]
            pub power: u64,
            /// A human-readable name.
            #[prost(string, tag = "4")]
            pub name: String,
        }
        meta!(
            Validator,
            "phalanx.validators.v1",
            "Validator",
            [1, 2, 3, 4]
        );

        /// Replaces the complete validator set from the next epoch boundary on (authority only).
        /// Type URL `/phalanx.validators.v1.MsgUpdateValidatorSet`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUpdateValidatorSet {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// The complete next set.
            #[prost(message, repeated, tag = "2")]
            pub validators: Vec<Validator>,
        }
        meta!(MsgUpdateValidatorSet, "phalanx.validators.v1", "MsgUpdateValidatorSet", [1, 2 => Validator]);

        /// Lifts a validator's jail (authority only). Type URL `/phalanx.validators.v1.MsgUnjailValidator`.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
        pub struct MsgUnjailValidator {
            /// The genesis authority.
            #[prost(string, tag = "1")]
            pub authority: String,
            /// The validator's ed25519 public key, hex.
            #[prost(string, tag = "2")]
            pub public_key: String,
        }
        meta!(
            MsgUnjailValidator,
            "phalanx.validators.v1",
            "MsgUnjailValidator",
            [1, 2]
        );
    }
}
