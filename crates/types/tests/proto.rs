//! The protobuf layer against its source of truth, the `.proto` files under `proto/`, and against the
//! Cosmos wire format.
//!
//! - The `.proto` files are compiled with `protox` (pure Rust, nothing downloaded) and every hand-written
//!   prost struct is checked against its descriptor: same fields, names, numbers and wire types; the
//!   unknown-field schemas list exactly the declared fields.
//! - Every message variant round-trips through `Any`, and its JSON read through the descriptor equals its
//!   serde JSON (so proto field names equal the Rust field names and conversions are faithful).
//! - The envelope matches the Cosmos SDK byte for byte: known-answer encodings, a CosmJS test vector
//!   (its sign bytes and signature verify), and an end-to-end sign / decode / verify with k256.
//! - Decoding rejects bad input with the intended errors, and arbitrary bytes never panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use k256::ecdsa::signature::{Signer, Verifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use phalanx_types::msgs::*;
use phalanx_types::proto::cosmos::base::v1beta1 as base;
use phalanx_types::proto::cosmos::crypto::secp256k1::PubKey;
use phalanx_types::proto::cosmos::tx::v1beta1::{
    AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, Tx, TxBody, TxRaw, mode_info,
};
use phalanx_types::proto::google::protobuf::{
    Any, Duration as PbDuration, Timestamp as PbTimestamp,
};
use phalanx_types::proto::phalanx::{
    assets::v1 as assets, bank::v1 as bank, liquidvesting::v1 as liquidvesting,
    operators::v1 as operators, restaking::v1 as restaking, rewards::v1 as rewards,
    services::v1 as services, slashing::v1 as slashing, tokenfactory::v1 as tokenfactory,
    validators::v1 as validators,
};
use phalanx_types::proto::wire::{FieldKind, MessageSchema, Schema};
use phalanx_types::proto::{self as pb, TxLimits, decode_tx, decode_tx_with_limits};
use phalanx_types::{
    Address, Coin, Coins, Dec, DecCoin, Duration, Error, MathError, OperatorId, PoolId, ServiceId,
    Timestamp,
};
use primitive_types::U256;
use proptest::prelude::*;
use prost::bytes::Bytes;
use prost::{Message, Name};
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, SerializeOptions,
    Value,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// -----------------------------------------------------------------------------------------------------
// Descriptors
// -----------------------------------------------------------------------------------------------------

fn proto_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto")
}

fn proto_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            proto_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
}

/// The relative names of our `.proto` files.
fn our_files() -> BTreeSet<String> {
    let root = proto_root();
    let mut files = Vec::new();
    proto_files(&root, &mut files);
    files
        .iter()
        .map(|f| {
            f.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// All `.proto` files compiled with protox (once per test binary).
fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut compiler = protox::Compiler::new([proto_root()]).unwrap();
        compiler.include_imports(true);
        for file in our_files() {
            compiler
                .open_file(&file)
                .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        }
        compiler.descriptor_pool()
    })
}

fn descriptor(full_name: &str) -> MessageDescriptor {
    pool()
        .get_message_by_name(full_name)
        .unwrap_or_else(|| panic!("no descriptor for {full_name}"))
}

// -----------------------------------------------------------------------------------------------------
// Rust types against descriptors
// -----------------------------------------------------------------------------------------------------

/// Calls `$f::<T>()` for every hand-written protobuf struct and collects the results.
macro_rules! for_each_type {
    ($f:ident) => {
        for_each_type!(@ $f
            Any, PbDuration, PbTimestamp,
            base::Coin, base::DecCoin, PubKey,
            Tx, TxRaw, SignDoc, TxBody, AuthInfo, SignerInfo, ModeInfo, mode_info::Single, Fee,
            bank::MsgSend,
            assets::AssetsParams, assets::Asset, assets::MsgRegisterAsset, assets::MsgDeregisterAsset,
            assets::MsgPostPrice, assets::MsgUpdateParams,
            operators::OperatorParams, operators::OperatorsParams, operators::MsgRegisterOperator,
            operators::MsgUpdateOperator, operators::MsgDeactivateOperator,
            operators::MsgReactivateOperator, operators::MsgDeleteOperator,
            operators::MsgSetOperatorParams, operators::MsgTransferOperatorOwnership,
            operators::MsgUpdateParams,
            services::ServiceParams, services::ServicesParams, services::MsgCreateService,
            services::MsgUpdateService, services::MsgActivateService, services::MsgDeactivateService,
            services::MsgDeleteService, services::MsgTransferServiceOwnership,
            services::MsgSetServiceParams, services::MsgAccreditService,
            services::MsgRevokeServiceAccreditation, services::MsgUpdateParams,
            restaking::RestakingParams, restaking::TrustedServiceEntry, restaking::UserPreferences,
            restaking::MsgDelegatePool, restaking::MsgDelegateOperator, restaking::MsgDelegateService,
            restaking::MsgUndelegatePool, restaking::MsgUndelegateOperator,
            restaking::MsgUndelegateService, restaking::MsgJoinService, restaking::MsgLeaveService,
            restaking::MsgAddOperatorToAllowList, restaking::MsgRemoveOperatorFromAllowList,
            restaking::MsgBorrowPoolSecurity, restaking::MsgCeasePoolSecurityBorrow,
            restaking::MsgSetUserPreferences, restaking::MsgUpdateParams,
            rewards::DistributionWeight, rewards::DistributionType,
            rewards::distribution_type::Basic, rewards::distribution_type::Weighted,
            rewards::distribution_type::Egalitarian, rewards::Distribution,
            rewards::UsersDistribution, rewards::PlanTerms, rewards::RewardsParams,
            rewards::MsgCreateRewardsPlan, rewards::MsgEditRewardsPlan, rewards::MsgFundRewardsPlan,
            rewards::MsgSetWithdrawAddress, rewards::MsgWithdrawDelegatorReward,
            rewards::MsgWithdrawOperatorCommission, rewards::MsgUpdateParams,
            slashing::SlashDestination, slashing::slash_destination::Burn,
            slashing::slash_destination::Service, slashing::slash_destination::Recipient,
            slashing::SlashingRules, slashing::SlashingParams, slashing::MsgSetSlashingRules,
            slashing::MsgSubmitSlash, slashing::MsgVetoSlash, slashing::MsgUpdateParams,
            tokenfactory::TokenFactoryParams, tokenfactory::DenomUnit, tokenfactory::DenomMetadata,
            tokenfactory::MsgCreateDenom, tokenfactory::MsgMint, tokenfactory::MsgBurn,
            tokenfactory::MsgChangeAdmin, tokenfactory::MsgSetDenomMetadata,
            tokenfactory::MsgUpdateParams,
            liquidvesting::LiquidVestingParams, liquidvesting::MsgMintLockedRepresentation,
            liquidvesting::MsgBurnLockedRepresentation, liquidvesting::MsgDepositInsuranceFund,
            liquidvesting::MsgWithdrawInsuranceFund, liquidvesting::MsgUpdateParams,
            validators::Validator, validators::MsgUpdateValidatorSet, validators::MsgUnjailValidator,
        )
    };
    (@ $f:ident $($t:ty),* $(,)?) => {
        vec![$( $f::<$t>() ),*]
    };
}

/// A value for `field` that differs between fields (numbers derive from the field number, strings are
/// the field name) and between wire types (64-bit values exceed 32 bits, signed values are negative,
/// bytes are not UTF-8).
fn sample_value(field: &FieldDescriptor) -> Value {
    let n = field.number();
    match field.kind() {
        Kind::String => Value::String(field.name().to_owned()),
        Kind::Uint32 => Value::U32(100_000 + n),
        Kind::Uint64 => Value::U64((1 << 40) + u64::from(n)),
        Kind::Int32 => Value::I32(-100 - i32::try_from(n).unwrap()),
        Kind::Int64 => Value::I64(-(1 << 40) - i64::from(n)),
        Kind::Bool => Value::Bool(true),
        Kind::Bytes => Value::Bytes(Bytes::from(vec![0xff, u8::try_from(n % 256).unwrap()])),
        Kind::Enum(e) => Value::EnumNumber(e.values().find(|v| v.number() != 0).unwrap().number()),
        Kind::Message(m) => Value::Message(populate(&m)),
        other => panic!(
            "{}: kind {other:?} is not used by Phalanx",
            field.full_name()
        ),
    }
}

/// A message of `desc` with every field set (lists with two elements).
fn populate(desc: &MessageDescriptor) -> DynamicMessage {
    let mut msg = DynamicMessage::new(desc.clone());
    for field in desc.fields() {
        let value = if field.is_list() {
            Value::List(vec![sample_value(&field), sample_value(&field)])
        } else {
            sample_value(&field)
        };
        msg.set_field(&field, value);
    }
    msg
}

/// The top-level field names of a prost struct, read from the `Debug` output of its default value
/// (`Name { a: "", b: 0, c: [], d: None }`), whose values never contain `", "`.
fn rust_field_names(debug: &str) -> BTreeSet<String> {
    let inner = debug
        .split_once(" { ")
        .map(|(_, rest)| rest.strip_suffix(" }").unwrap())
        .unwrap_or_default();
    inner
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(|s| s.split_once(": ").unwrap().0.to_owned())
        .collect()
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Checks one Rust struct against its descriptor; returns its full name.
fn check_type<T: Message + Default + Name + Schema + std::fmt::Debug>() -> String {
    let full_name = T::full_name();
    let desc = descriptor(&full_name);

    // Wire: every field, populated through the descriptor, survives decoding into the Rust struct and
    // re-encoding, so the Rust struct has every field with the same number and wire type.
    let populated = populate(&desc);
    let rust = T::decode(populated.encode_to_vec().as_slice())
        .unwrap_or_else(|e| panic!("{full_name}: descriptor bytes do not decode: {e}"));
    let back = DynamicMessage::decode(desc.clone(), rust.encode_to_vec().as_slice()).unwrap();
    assert_eq!(
        back, populated,
        "{full_name}: fields lost or changed through the Rust struct"
    );

    // Names: each value lands in the Rust field of the same name.
    let debug = format!("{rust:?}");
    let mut expected_names = BTreeSet::new();
    for field in desc.fields() {
        let name = field.name();
        let real_oneof = field.containing_oneof().filter(|o| !o.is_synthetic());
        if let Some(oneof) = real_oneof {
            // `populate` leaves only the last member of a oneof set, so each member is checked alone:
            // it survives the Rust struct and lands in the variant of its name.
            expected_names.insert(oneof.name().to_owned());
            let mut alone = DynamicMessage::new(desc.clone());
            alone.set_field(&field, sample_value(&field));
            let rust_alone = T::decode(alone.encode_to_vec().as_slice()).unwrap();
            let back = DynamicMessage::decode(desc.clone(), rust_alone.encode_to_vec().as_slice())
                .unwrap();
            assert_eq!(
                back, alone,
                "{full_name}: oneof member {name} lost or changed"
            );
            let debug_alone = format!("{rust_alone:?}");
            let needle = format!("{}: Some({}(", oneof.name(), camel(name));
            assert!(
                debug_alone.contains(&needle),
                "{full_name}: {needle} not in {debug_alone}"
            );
            continue;
        }
        expected_names.insert(name.to_owned());
        let optional = field.containing_oneof().is_some();
        let needle = match (field.kind(), field.is_list()) {
            (Kind::String, false) if optional => format!("{name}: Some({name:?})"),
            (Kind::String, false) => format!("{name}: {name:?}"),
            (Kind::String, true) => format!("{name}: [{name:?}"),
            (Kind::Message(_), false) => format!("{name}: Some("),
            (Kind::Message(_), true) => format!("{name}: ["),
            (Kind::Enum(_), _) => format!("{name}: "),
            (_, list) => {
                let v = match sample_value(&field) {
                    Value::U32(v) => v.to_string(),
                    Value::U64(v) => v.to_string(),
                    Value::I32(v) => v.to_string(),
                    Value::I64(v) => v.to_string(),
                    Value::Bytes(b) => format!("{:?}", b.to_vec()).trim_end_matches(']').to_owned(),
                    other => panic!("{other:?}"),
                };
                if list {
                    format!("{name}: [{v}")
                } else if optional {
                    format!("{name}: Some({v})")
                } else {
                    format!("{name}: {v}")
                }
            }
        };
        assert!(
            debug.contains(&needle),
            "{full_name}: {needle} not in {debug}"
        );
    }
    let rust_names = rust_field_names(&format!("{:?}", T::default()));
    assert_eq!(
        rust_names, expected_names,
        "{full_name}: Rust fields differ from the descriptor"
    );

    // Unknown-field schema: exactly the declared numbers, embedded messages walked with their own schema.
    check_schema(T::SCHEMA, &desc);
    full_name
}

fn check_schema(schema: &MessageSchema, desc: &MessageDescriptor) {
    assert_eq!(schema.name, desc.full_name());
    let declared: BTreeSet<u32> = desc.fields().map(|f| f.number()).collect();
    let listed: BTreeSet<u32> = schema.fields.iter().map(|f| f.number).collect();
    assert_eq!(listed, declared, "{}: schema numbers", schema.name);
    assert_eq!(
        schema.fields.len(),
        declared.len(),
        "{}: duplicates",
        schema.name
    );
    for field in desc.fields() {
        let rule = schema
            .fields
            .iter()
            .find(|f| f.number == field.number())
            .unwrap();
        match (field.kind(), rule.kind) {
            (Kind::Message(inner), FieldKind::Message(sub)) => check_schema(sub, &inner),
            (Kind::Message(_), FieldKind::Scalar) => {
                panic!("{}: field {} must be walked", schema.name, field.name())
            }
            (_, FieldKind::Message(_)) => {
                panic!("{}: field {} is not a message", schema.name, field.name())
            }
            (_, FieldKind::Scalar) => {}
        }
    }
}

#[test]
fn every_rust_struct_matches_its_descriptor() {
    let checked: BTreeSet<String> = for_each_type!(check_type).into_iter().collect();
    let files = our_files();
    let declared: BTreeSet<String> = pool()
        .all_messages()
        .filter(|m| files.contains(m.parent_file().name()))
        .map(|m| m.full_name().to_owned())
        .collect();
    assert_eq!(
        checked, declared,
        "every message in proto/ has exactly one Rust struct"
    );
}

#[test]
fn envelope_field_numbers_are_the_cosmos_sdk_ones() {
    let numbers = |name: &str| -> Vec<(String, u32)> {
        descriptor(name)
            .fields()
            .map(|f| (f.name().to_owned(), f.number()))
            .collect()
    };
    let pairs = |list: &[(&str, u32)]| -> Vec<(String, u32)> {
        list.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect()
    };
    assert_eq!(
        numbers("cosmos.tx.v1beta1.TxRaw"),
        pairs(&[("body_bytes", 1), ("auth_info_bytes", 2), ("signatures", 3)])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.TxBody"),
        pairs(&[
            ("messages", 1),
            ("memo", 2),
            ("timeout_height", 3),
            ("extension_options", 1023),
            ("non_critical_extension_options", 2047)
        ])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.AuthInfo"),
        pairs(&[("signer_infos", 1), ("fee", 2)])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.SignerInfo"),
        pairs(&[("public_key", 1), ("mode_info", 2), ("sequence", 3)])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.ModeInfo"),
        pairs(&[("single", 1)])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.ModeInfo.Single"),
        pairs(&[("mode", 1)])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.Fee"),
        pairs(&[
            ("amount", 1),
            ("gas_limit", 2),
            ("payer", 3),
            ("granter", 4)
        ])
    );
    assert_eq!(
        numbers("cosmos.tx.v1beta1.SignDoc"),
        pairs(&[
            ("body_bytes", 1),
            ("auth_info_bytes", 2),
            ("chain_id", 3),
            ("account_number", 4)
        ])
    );
    assert_eq!(
        numbers("cosmos.crypto.secp256k1.PubKey"),
        pairs(&[("key", 1)])
    );
    assert_eq!(
        numbers("google.protobuf.Any"),
        pairs(&[("type_url", 1), ("value", 2)])
    );
    assert_eq!(
        numbers("cosmos.base.v1beta1.Coin"),
        pairs(&[("denom", 1), ("amount", 2)])
    );
    let sign_mode = pool()
        .get_enum_by_name("cosmos.tx.signing.v1beta1.SignMode")
        .unwrap();
    assert_eq!(
        sign_mode
            .get_value_by_name("SIGN_MODE_DIRECT")
            .unwrap()
            .number(),
        1
    );
    assert_eq!(
        sign_mode
            .get_value_by_name("SIGN_MODE_LEGACY_AMINO_JSON")
            .unwrap()
            .number(),
        127
    );
}

// -----------------------------------------------------------------------------------------------------
// Sample messages
// -----------------------------------------------------------------------------------------------------

fn addr(seed: u8) -> Address {
    Address([seed; 20])
}

fn coins(list: &[(&str, u128)]) -> Coins {
    Coins::new(list.iter().map(|(d, a)| Coin::new(*d, *a)).collect()).unwrap()
}

fn dec(s: &str) -> Dec {
    s.parse().unwrap()
}

/// The variant's position in `msg_enum!`; exhaustive, so a new variant must be added to `samples()`.
fn variant_index(msg: &Msg) -> usize {
    match msg {
        Msg::MsgSend(_) => 0,
        Msg::MsgRegisterAsset(_) => 1,
        Msg::MsgDeregisterAsset(_) => 2,
        Msg::MsgPostPrice(_) => 3,
        Msg::MsgUpdateAssetsParams(_) => 4,
        Msg::MsgRegisterOperator(_) => 5,
        Msg::MsgUpdateOperator(_) => 6,
        Msg::MsgDeactivateOperator(_) => 7,
        Msg::MsgReactivateOperator(_) => 8,
        Msg::MsgDeleteOperator(_) => 9,
        Msg::MsgSetOperatorParams(_) => 10,
        Msg::MsgTransferOperatorOwnership(_) => 11,
        Msg::MsgUpdateOperatorsParams(_) => 12,
        Msg::MsgCreateService(_) => 13,
        Msg::MsgUpdateService(_) => 14,
        Msg::MsgActivateService(_) => 15,
        Msg::MsgDeactivateService(_) => 16,
        Msg::MsgDeleteService(_) => 17,
        Msg::MsgTransferServiceOwnership(_) => 18,
        Msg::MsgSetServiceParams(_) => 19,
        Msg::MsgAccreditService(_) => 20,
        Msg::MsgRevokeServiceAccreditation(_) => 21,
        Msg::MsgUpdateServicesParams(_) => 22,
        Msg::MsgDelegatePool(_) => 23,
        Msg::MsgDelegateOperator(_) => 24,
        Msg::MsgDelegateService(_) => 25,
        Msg::MsgUndelegatePool(_) => 26,
        Msg::MsgUndelegateOperator(_) => 27,
        Msg::MsgUndelegateService(_) => 28,
        Msg::MsgJoinService(_) => 29,
        Msg::MsgLeaveService(_) => 30,
        Msg::MsgAddOperatorToAllowList(_) => 31,
        Msg::MsgRemoveOperatorFromAllowList(_) => 32,
        Msg::MsgBorrowPoolSecurity(_) => 33,
        Msg::MsgCeasePoolSecurityBorrow(_) => 34,
        Msg::MsgSetUserPreferences(_) => 35,
        Msg::MsgUpdateRestakingParams(_) => 36,
        Msg::MsgCreateRewardsPlan(_) => 37,
        Msg::MsgEditRewardsPlan(_) => 38,
        Msg::MsgFundRewardsPlan(_) => 39,
        Msg::MsgSetWithdrawAddress(_) => 40,
        Msg::MsgWithdrawDelegatorReward(_) => 41,
        Msg::MsgWithdrawOperatorCommission(_) => 42,
        Msg::MsgUpdateRewardsParams(_) => 43,
        Msg::MsgSetSlashingRules(_) => 44,
        Msg::MsgSubmitSlash(_) => 45,
        Msg::MsgVetoSlash(_) => 46,
        Msg::MsgUpdateSlashingParams(_) => 47,
        Msg::MsgCreateDenom(_) => 48,
        Msg::MsgMint(_) => 49,
        Msg::MsgBurn(_) => 50,
        Msg::MsgChangeAdmin(_) => 51,
        Msg::MsgSetDenomMetadata(_) => 52,
        Msg::MsgUpdateTokenFactoryParams(_) => 53,
        Msg::MsgMintLockedRepresentation(_) => 54,
        Msg::MsgBurnLockedRepresentation(_) => 55,
        Msg::MsgDepositInsuranceFund(_) => 56,
        Msg::MsgWithdrawInsuranceFund(_) => 57,
        Msg::MsgUpdateLiquidVestingParams(_) => 58,
        Msg::MsgUpdateValidatorSet(_) => 59,
        Msg::MsgUnjailValidator(_) => 60,
    }
}

const VARIANTS: usize = 61;

/// A validator with every field set, distinct per `seed`.
fn sample_validator(seed: u8) -> ValidatorInfo {
    ValidatorInfo {
        public_key: format!("{seed:02x}").repeat(32),
        p2p_address: format!("127.0.0.1:{}", 26_000 + u16::from(seed)),
        power: 1 << 40,
        name: format!("validator-{seed}"),
    }
}

/// Slashing rules with every field set, sending slashed tokens to `destination`.
fn sample_rules(destination: SlashDestination) -> SlashingRules {
    SlashingRules {
        slasher: addr(3),
        max_incident_fraction: dec("0.1"),
        max_window_fraction: dec("0.25"),
        window: Duration(86_400_000_000_001),
        veto_window: Duration(3_600_000_000_000),
        resolver: Some(addr(4)),
        destination,
    }
}

/// Metadata of `denom` with every field set and two units, the second with aliases.
fn sample_metadata(denom: &str) -> DenomMetadata {
    DenomMetadata {
        description: "the phalanx test token".into(),
        denom_units: vec![
            DenomUnit {
                denom: denom.into(),
                exponent: 0,
                aliases: vec![],
            },
            DenomUnit {
                denom: "ptest".into(),
                exponent: 6,
                aliases: vec!["PTEST".into(), "ptest-token".into()],
            },
        ],
        base: denom.into(),
        display: "ptest".into(),
        name: "Phalanx Test".into(),
        symbol: "PTEST".into(),
        uri: "https://example.com/ptest.json".into(),
        uri_hash: "00ff".into(),
    }
}

/// Plan terms with every field set; the two categories use different split kinds.
fn sample_terms(pools: DistributionType, operators: DistributionType) -> PlanTerms {
    PlanTerms {
        description: "ten days of uphx".into(),
        amount_per_day: Coin::new("uphx", 1_000_000),
        start_time: "2025-01-01T00:00:00Z".parse().unwrap(),
        end_time: Timestamp(1_736_640_000_000_000_001),
        pools_distribution: Distribution {
            weight: 3,
            kind: pools,
        },
        operators_distribution: Distribution {
            weight: 1,
            kind: operators,
        },
        users_distribution: UsersDistribution { weight: 2 },
    }
}

fn weighted(pairs: &[(u32, u32)]) -> DistributionType {
    DistributionType::Weighted {
        weights: pairs
            .iter()
            .map(|&(target_id, weight)| DistributionWeight { target_id, weight })
            .collect(),
    }
}

/// One message of every variant, every field set to a non-default value.
fn samples() -> Vec<Msg> {
    let (a, b) = (addr(1), addr(2));
    let fee = coins(&[("uatom", 5), ("uphx", 1_000_000)]);
    let amount = coins(&[("ubtc", 7)]);
    vec![
        MsgSend {
            from_address: a,
            to_address: b,
            amount: fee.clone(),
        }
        .into(),
        MsgRegisterAsset {
            authority: a,
            asset: Asset {
                denom: "uatom".into(),
                ticker: "ATOM".into(),
                exponent: 6,
            },
        }
        .into(),
        MsgDeregisterAsset {
            authority: a,
            denom: "uatom".into(),
        }
        .into(),
        MsgPostPrice {
            authority: a,
            ticker: "ATOM".into(),
            price: dec("12.345"),
            time: "2026-01-02T03:04:05.000000006Z".parse().unwrap(),
        }
        .into(),
        MsgUpdateAssetsParams {
            authority: a,
            params: AssetsParams {
                max_price_age: Duration(1_500_000_000),
            },
        }
        .into(),
        MsgRegisterOperator {
            sender: a,
            moniker: "op".into(),
            website: "https://op.example".into(),
            picture_url: "https://op.example/p.png".into(),
            fee_amount: fee.clone(),
        }
        .into(),
        MsgUpdateOperator {
            sender: a,
            operator_id: OperatorId(3),
            moniker: Some("new".into()),
            website: Some(String::new()),
            picture_url: None,
        }
        .into(),
        MsgDeactivateOperator {
            sender: a,
            operator_id: OperatorId(3),
        }
        .into(),
        MsgReactivateOperator {
            sender: a,
            operator_id: OperatorId(4),
        }
        .into(),
        MsgDeleteOperator {
            sender: a,
            operator_id: OperatorId(5),
        }
        .into(),
        MsgSetOperatorParams {
            sender: a,
            operator_id: OperatorId(6),
            params: OperatorParams {
                commission_rate: dec("0.05"),
            },
        }
        .into(),
        MsgTransferOperatorOwnership {
            sender: a,
            operator_id: OperatorId(7),
            new_admin: b,
        }
        .into(),
        MsgUpdateOperatorsParams {
            authority: a,
            params: OperatorsParams {
                operator_registration_fee: fee.clone(),
                deactivation_time: Duration::from_hours(72),
            },
        }
        .into(),
        MsgCreateService {
            sender: a,
            name: "svc".into(),
            description: "a service ✓".into(),
            website: "w".into(),
            picture_url: "p".into(),
            fee_amount: amount.clone(),
        }
        .into(),
        MsgUpdateService {
            sender: a,
            service_id: ServiceId(8),
            name: None,
            description: Some("d".into()),
            website: Some("w".into()),
            picture_url: Some("p".into()),
        }
        .into(),
        MsgActivateService {
            sender: a,
            service_id: ServiceId(9),
        }
        .into(),
        MsgDeactivateService {
            sender: a,
            service_id: ServiceId(10),
        }
        .into(),
        MsgDeleteService {
            sender: a,
            service_id: ServiceId(11),
        }
        .into(),
        MsgTransferServiceOwnership {
            sender: a,
            service_id: ServiceId(12),
            new_admin: b,
        }
        .into(),
        MsgSetServiceParams {
            sender: a,
            service_id: ServiceId(13),
            service_params: ServiceParams {
                allowed_denoms: vec!["uatom".into(), "ubtc".into()],
            },
        }
        .into(),
        MsgAccreditService {
            authority: a,
            service_id: ServiceId(14),
        }
        .into(),
        MsgRevokeServiceAccreditation {
            authority: a,
            service_id: ServiceId(15),
        }
        .into(),
        MsgUpdateServicesParams {
            authority: a,
            params: ServicesParams {
                service_registration_fee: fee.clone(),
            },
        }
        .into(),
        MsgDelegatePool {
            delegator: a,
            amount: Coin::new("uatom", 1_000),
        }
        .into(),
        MsgDelegateOperator {
            delegator: a,
            operator_id: OperatorId(16),
            amount: amount.clone(),
        }
        .into(),
        MsgDelegateService {
            delegator: a,
            service_id: ServiceId(17),
            amount: amount.clone(),
        }
        .into(),
        MsgUndelegatePool {
            delegator: a,
            amount: Coin::new("ubtc", u128::MAX),
        }
        .into(),
        MsgUndelegateOperator {
            delegator: a,
            operator_id: OperatorId(18),
            amount: amount.clone(),
        }
        .into(),
        MsgUndelegateService {
            delegator: a,
            service_id: ServiceId(19),
            amount: amount.clone(),
        }
        .into(),
        MsgJoinService {
            sender: a,
            operator_id: OperatorId(20),
            service_id: ServiceId(21),
        }
        .into(),
        MsgLeaveService {
            sender: a,
            operator_id: OperatorId(22),
            service_id: ServiceId(23),
        }
        .into(),
        MsgAddOperatorToAllowList {
            sender: a,
            service_id: ServiceId(24),
            operator_id: OperatorId(25),
        }
        .into(),
        MsgRemoveOperatorFromAllowList {
            sender: a,
            service_id: ServiceId(26),
            operator_id: OperatorId(27),
        }
        .into(),
        MsgBorrowPoolSecurity {
            sender: a,
            service_id: ServiceId(28),
            pool_id: PoolId(29),
        }
        .into(),
        MsgCeasePoolSecurityBorrow {
            sender: a,
            service_id: ServiceId(30),
            pool_id: PoolId(31),
        }
        .into(),
        MsgSetUserPreferences {
            user: a,
            preferences: UserPreferences {
                trusted_services: vec![
                    TrustedServiceEntry {
                        service_id: ServiceId(1),
                        pool_ids: vec![],
                    },
                    TrustedServiceEntry {
                        service_id: ServiceId(2),
                        pool_ids: vec![PoolId(3), PoolId(u32::MAX)],
                    },
                ],
            },
        }
        .into(),
        MsgUpdateRestakingParams {
            authority: a,
            params: RestakingParams {
                unbonding_time: Duration::from_secs(1_814_400),
                allowed_denoms: vec!["uatom".into()],
                restaking_cap: dec("1000000.5"),
                max_entries: 7,
            },
        }
        .into(),
        MsgCreateRewardsPlan {
            sender: a,
            service_id: ServiceId(4),
            terms: sample_terms(weighted(&[(1, 3), (2, 1)]), DistributionType::Egalitarian),
            fee_amount: fee.clone(),
        }
        .into(),
        MsgEditRewardsPlan {
            sender: a,
            plan_id: u64::MAX,
            terms: sample_terms(DistributionType::Basic, weighted(&[(9, 1)])),
        }
        .into(),
        MsgFundRewardsPlan {
            sender: b,
            plan_id: 1 << 40,
            amount: Coin::new("uphx", u128::MAX),
        }
        .into(),
        MsgSetWithdrawAddress {
            sender: a,
            withdraw_address: b,
        }
        .into(),
        MsgWithdrawDelegatorReward {
            delegator: a,
            delegation_type: DelegationKind::Operator,
            target_id: 12,
        }
        .into(),
        MsgWithdrawOperatorCommission {
            sender: a,
            operator_id: OperatorId(13),
        }
        .into(),
        MsgUpdateRewardsParams {
            authority: a,
            params: RewardsParams {
                rewards_plan_creation_fee: fee.clone(),
            },
        }
        .into(),
        MsgSetSlashingRules {
            sender: a,
            service_id: ServiceId(14),
            rules: sample_rules(SlashDestination::Recipient { address: b }),
        }
        .into(),
        MsgSubmitSlash {
            slasher: a,
            service_id: ServiceId(15),
            operator_id: Some(OperatorId(16)),
            fraction: dec("0.05"),
            infraction_time: "2026-01-02T03:04:05.000000006Z".parse().unwrap(),
            reason: "double signing at height 7".into(),
        }
        .into(),
        MsgVetoSlash {
            resolver: a,
            slash_id: 1 << 40,
        }
        .into(),
        MsgUpdateSlashingParams {
            authority: a,
            params: SlashingParams {
                rules_change_delay: Duration(259_200_000_000_000),
                commission_change_delay: Duration(1_500_000_000),
                max_commission_step: dec("0.05"),
            },
        }
        .into(),
        MsgCreateDenom {
            sender: a,
            subdenom: "ptest".into(),
            fee_amount: fee.clone(),
        }
        .into(),
        MsgMint {
            sender: a,
            amount: Coin::new(factory_denom(&a, "ptest").unwrap(), u128::MAX),
            mint_to_address: b,
        }
        .into(),
        MsgBurn {
            sender: a,
            amount: Coin::new(factory_denom(&a, "ptest").unwrap(), 7),
            burn_from_address: b,
        }
        .into(),
        MsgChangeAdmin {
            sender: a,
            denom: factory_denom(&a, "ptest").unwrap(),
            new_admin: Some(b),
        }
        .into(),
        MsgSetDenomMetadata {
            sender: a,
            metadata: sample_metadata(&factory_denom(&a, "ptest").unwrap()),
        }
        .into(),
        MsgUpdateTokenFactoryParams {
            authority: a,
            params: TokenFactoryParams {
                denom_creation_fee: fee.clone(),
            },
        }
        .into(),
        MsgMintLockedRepresentation {
            sender: a,
            receiver: b,
            amount: amount.clone(),
        }
        .into(),
        MsgBurnLockedRepresentation {
            sender: a,
            user: b,
            amount: coins(&[("locked/ubtc", 7)]),
        }
        .into(),
        MsgDepositInsuranceFund {
            depositor: a,
            amount: amount.clone(),
        }
        .into(),
        MsgWithdrawInsuranceFund {
            sender: a,
            amount: fee,
        }
        .into(),
        MsgUpdateLiquidVestingParams {
            authority: a,
            params: LiquidVestingParams {
                insurance_percentage: dec("2.500000000000000000"),
                burners: vec![a],
                minters: vec![a, b],
            },
        }
        .into(),
        MsgUpdateValidatorSet {
            authority: a,
            validators: vec![sample_validator(1), sample_validator(2)],
        }
        .into(),
        MsgUnjailValidator {
            authority: a,
            public_key: sample_validator(3).public_key,
        }
        .into(),
    ]
}

#[test]
fn a_renounced_admin_round_trips_as_an_unset_field() {
    let msg: Msg = MsgChangeAdmin {
        sender: addr(1),
        denom: factory_denom(&addr(1), "x").unwrap(),
        new_admin: None,
    }
    .into();
    check_message(&msg);
    let any = msg.to_any();
    let proto = tokenfactory::MsgChangeAdmin::decode(any.value.as_slice()).unwrap();
    assert_eq!(proto.new_admin, None);
    // Set but empty is not "renounce": it is a malformed address.
    let empty = tokenfactory::MsgChangeAdmin {
        new_admin: Some(String::new()),
        ..proto
    };
    let err = Msg::from_any(&any_of(&empty)).unwrap_err();
    assert!(err.to_string().contains("new_admin is required"), "{err}");
}

#[test]
fn every_slash_destination_and_absent_option_round_trips() {
    for destination in [
        SlashDestination::Burn,
        SlashDestination::Service,
        SlashDestination::Recipient { address: addr(9) },
    ] {
        for resolver in [None, Some(addr(4))] {
            let mut rules = sample_rules(destination.clone());
            rules.resolver = resolver;
            rules.veto_window = Duration(0);
            check_message(
                &MsgSetSlashingRules {
                    sender: addr(1),
                    service_id: ServiceId(1),
                    rules,
                }
                .into(),
            );
        }
    }
    // The whole security (no operator) is an unset field; operator 0 is set, and so stays `Some`.
    for operator_id in [None, Some(OperatorId(0)), Some(OperatorId(u32::MAX))] {
        let msg: Msg = MsgSubmitSlash {
            slasher: addr(1),
            service_id: ServiceId(2),
            operator_id,
            fraction: dec("1"),
            infraction_time: Timestamp(0),
            reason: String::new(),
        }
        .into();
        check_message(&msg);
        let proto = slashing::MsgSubmitSlash::decode(msg.to_any().value.as_slice()).unwrap();
        assert_eq!(proto.operator_id, operator_id.map(|o| o.0));
    }
}

#[test]
fn malformed_slashing_fields_get_typed_errors() {
    let rules = || slashing::SlashingRules::from(&sample_rules(SlashDestination::Burn));
    let set = |rules: Option<slashing::SlashingRules>| slashing::MsgSetSlashingRules {
        sender: addr(1).to_string(),
        service_id: 1,
        rules,
    };
    let expect = |m: &slashing::MsgSetSlashingRules, needle: &str| {
        let err = Msg::from_any(&any_of(m)).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    };
    assert!(Msg::from_any(&any_of(&set(Some(rules())))).is_ok());
    expect(&set(None), "rules is required");
    let with = |edit: fn(&mut slashing::SlashingRules)| {
        let mut r = rules();
        edit(&mut r);
        set(Some(r))
    };
    expect(&with(|r| r.slasher = String::new()), "slasher is required");
    expect(&with(|r| r.window = None), "window is required");
    expect(&with(|r| r.veto_window = None), "veto_window is required");
    expect(
        &with(|r| r.max_incident_fraction = "0.1".into()),
        "max_incident_fraction",
    );
    expect(
        &with(|r| r.max_window_fraction = String::new()),
        "max_window_fraction",
    );
    expect(&with(|r| r.destination = None), "destination is required");
    expect(
        &with(|r| r.destination = Some(slashing::SlashDestination { sum: None })),
        "destination is required: one of burn, service or recipient",
    );
    expect(
        &with(|r| {
            r.destination = Some(slashing::SlashDestination {
                sum: Some(slashing::slash_destination::Sum::Recipient(
                    slashing::slash_destination::Recipient {
                        address: String::new(),
                    },
                )),
            })
        }),
        "destination.recipient.address is required",
    );
    // Set but empty is not "no resolver": it is a malformed address.
    expect(
        &with(|r| r.resolver = Some(String::new())),
        "resolver is required",
    );

    let submit = slashing::MsgSubmitSlash {
        slasher: addr(1).to_string(),
        service_id: 1,
        operator_id: None,
        fraction: "0.500000000000000000".into(),
        infraction_time: None,
        reason: String::new(),
    };
    let err = Msg::from_any(&any_of(&submit)).unwrap_err();
    assert!(
        err.to_string().contains("infraction_time is required"),
        "{err}"
    );
    let submit = slashing::MsgSubmitSlash {
        fraction: "0.5".into(),
        infraction_time: Some(PbTimestamp {
            seconds: 1,
            nanos: 0,
        }),
        ..submit
    };
    let err = Msg::from_any(&any_of(&submit)).unwrap_err();
    assert!(
        matches!(&err, Error::Math(MathError::Parse(s)) if s.starts_with("fraction")),
        "{err}"
    );
    let veto = slashing::MsgVetoSlash {
        resolver: String::new(),
        slash_id: 1,
    };
    let err = Msg::from_any(&any_of(&veto)).unwrap_err();
    assert!(err.to_string().contains("resolver is required"), "{err}");
    let params = slashing::MsgUpdateParams {
        authority: addr(1).to_string(),
        params: Some(slashing::SlashingParams {
            rules_change_delay: Some(PbDuration {
                seconds: -1,
                nanos: 0,
            }),
            commission_change_delay: Some(PbDuration {
                seconds: 1,
                nanos: 0,
            }),
            max_commission_step: "0.050000000000000000".into(),
        }),
    };
    let err = Msg::from_any(&any_of(&params)).unwrap_err();
    assert!(err.to_string().contains("rules_change_delay"), "{err}");
    let params = slashing::MsgUpdateParams {
        params: None,
        ..params
    };
    let err = Msg::from_any(&any_of(&params)).unwrap_err();
    assert!(err.to_string().contains("params is required"), "{err}");
}

#[test]
fn malformed_tokenfactory_fields_get_typed_errors() {
    let mint = tokenfactory::MsgMint {
        sender: addr(1).to_string(),
        amount: None,
        mint_to_address: addr(2).to_string(),
    };
    let err = Msg::from_any(&any_of(&mint)).unwrap_err();
    assert!(err.to_string().contains("amount is required"), "{err}");
    let burn = tokenfactory::MsgBurn {
        sender: addr(1).to_string(),
        amount: Some(pcoin("uphx", "1")),
        burn_from_address: String::new(),
    };
    let err = Msg::from_any(&any_of(&burn)).unwrap_err();
    assert!(
        err.to_string().contains("burn_from_address is required"),
        "{err}"
    );
    let set = tokenfactory::MsgSetDenomMetadata {
        sender: addr(1).to_string(),
        metadata: None,
    };
    let err = Msg::from_any(&any_of(&set)).unwrap_err();
    assert!(err.to_string().contains("metadata is required"), "{err}");
}

#[test]
fn every_split_kind_and_delegation_type_round_trips() {
    let kinds = [
        DistributionType::Basic,
        DistributionType::Egalitarian,
        weighted(&[]),
        weighted(&[(1, 1)]),
        weighted(&[(u32::MAX, u32::MAX), (1, 2)]),
    ];
    for pools in &kinds {
        for operators in &kinds {
            check_message(
                &MsgEditRewardsPlan {
                    sender: addr(1),
                    plan_id: 1,
                    terms: sample_terms(pools.clone(), operators.clone()),
                }
                .into(),
            );
        }
    }
    for kind in [
        DelegationKind::Pool,
        DelegationKind::Operator,
        DelegationKind::Service,
    ] {
        check_message(
            &MsgWithdrawDelegatorReward {
                delegator: addr(1),
                delegation_type: kind,
                target_id: 1,
            }
            .into(),
        );
    }
}

#[test]
fn samples_cover_every_variant() {
    let seen: BTreeSet<usize> = samples().iter().map(variant_index).collect();
    assert_eq!(seen, (0..VARIANTS).collect());
}

/// The messages that hold a Rust enum with data as a `oneof` of one message per variant.
const TAGGED_ENUMS: [&str; 2] = [
    "phalanx.rewards.v1.DistributionType",
    "phalanx.slashing.v1.SlashDestination",
];

/// Rewrites the two protobuf JSON shapes that differ from serde's by design, and nothing else:
/// - a message of [`TAGGED_ENUMS`] (`{"weighted": {"weights": [...]}}`, a oneof of messages) becomes
///   serde's internally tagged enum (`{"type": "weighted", "weights": [...]}`);
/// - a `phalanx.rewards.v1.DelegationType` value (`"DELEGATION_TYPE_POOL"`) becomes serde's `"pool"`.
///
/// Both are found through the descriptor (by message and enum type), not by field name.
fn to_serde_conventions(desc: &MessageDescriptor, json: &mut serde_json::Value) {
    let Some(object) = json.as_object_mut() else {
        return;
    };
    if TAGGED_ENUMS.contains(&desc.full_name()) {
        let set: Vec<String> = object.keys().cloned().collect();
        assert_eq!(set.len(), 1, "exactly one kind is set: {set:?}");
        let tag = set[0].clone();
        let inner = object.remove(&tag).unwrap();
        object.insert("type".into(), serde_json::Value::String(tag));
        object.extend(inner.as_object().unwrap().clone());
        return;
    }
    for field in desc.fields() {
        let Some(value) = object.get_mut(field.name()) else {
            continue;
        };
        match field.kind() {
            Kind::Message(inner) => {
                if let Some(list) = value.as_array_mut() {
                    list.iter_mut()
                        .for_each(|v| to_serde_conventions(&inner, v));
                } else {
                    to_serde_conventions(&inner, value);
                }
            }
            Kind::Enum(e) if e.full_name() == "phalanx.rewards.v1.DelegationType" => {
                let name = value.as_str().unwrap();
                let short = name.strip_prefix("DELEGATION_TYPE_").unwrap();
                *value = serde_json::Value::String(short.to_ascii_lowercase());
            }
            _ => {}
        }
    }
}

/// The message's JSON as the descriptor reads its protobuf bytes, with `@type` added, 64-bit integers
/// as JSON numbers (serde's form; protobuf JSON would quote them) and the rewrites of
/// [`to_serde_conventions`].
fn json_through_descriptor(any: &Any) -> serde_json::Value {
    let desc = descriptor(any.type_url.strip_prefix('/').unwrap());
    let dynamic = DynamicMessage::decode(desc.clone(), any.value.as_slice()).unwrap();
    let options = SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(false)
        .stringify_64_bit_integers(false);
    let mut json = dynamic
        .serialize_with_options(serde_json::value::Serializer, &options)
        .unwrap();
    to_serde_conventions(&desc, &mut json);
    json.as_object_mut().unwrap().insert(
        "@type".into(),
        serde_json::Value::String(any.type_url.clone()),
    );
    json
}

/// Every check that one message passes: Any round trip (value and bytes), type URL, descriptor JSON,
/// and the signer option.
fn check_message(msg: &Msg) {
    let any = msg.to_any();
    assert_eq!(any.type_url, msg.type_url());
    let decoded = Msg::from_any(&any).unwrap();
    assert_eq!(&decoded, msg);
    assert_eq!(decoded.to_any(), any, "re-encoding is byte-identical");

    // The descriptor reads the bytes into exactly the serde form of the domain message: same field
    // names, same values.
    let json = json_through_descriptor(&any);
    let from_json: Msg = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{}: {e}: {json}", msg.type_url()));
    assert_eq!(&from_json, msg, "{json}");
}

#[test]
fn every_variant_round_trips_and_reads_the_same_through_the_descriptor() {
    for msg in samples() {
        check_message(&msg);
    }
}

#[test]
fn signer_option_names_the_field_msg_signer_reads() {
    let ext = pool()
        .get_extension_by_name("cosmos.msg.v1.signer")
        .unwrap();
    for msg in samples() {
        let any = msg.to_any();
        let desc = descriptor(any.type_url.strip_prefix('/').unwrap());
        let option = desc.options().get_extension(&ext).into_owned();
        let Value::List(fields) = option else {
            panic!("{}: no signer option", any.type_url)
        };
        let [Value::String(field)] = fields.as_slice() else {
            panic!("{}: {fields:?}", any.type_url)
        };
        let dynamic = DynamicMessage::decode(desc, any.value.as_slice()).unwrap();
        let value = dynamic.get_field_by_name(field).unwrap();
        assert_eq!(
            value.as_str(),
            Some(msg.signer().to_string().as_str()),
            "{}",
            any.type_url
        );
    }
}

// -----------------------------------------------------------------------------------------------------
// Arbitrary messages
// -----------------------------------------------------------------------------------------------------

fn arb_addr() -> impl Strategy<Value = Address> {
    any::<[u8; 20]>().prop_map(Address)
}

fn arb_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(".{0,12}").unwrap()
}

fn arb_denom() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z][a-zA-Z0-9/:._-]{2,12}").unwrap()
}

fn arb_coin() -> impl Strategy<Value = Coin> {
    (arb_denom(), any::<u128>()).prop_map(|(d, a)| Coin::new(d, a))
}

fn arb_coins() -> impl Strategy<Value = Coins> {
    prop::collection::btree_map(arb_denom(), 1..=u128::MAX, 0..4).prop_map(|m| {
        Coins::try_from_canonical(m.into_iter().map(|(d, a)| Coin::new(d, a)).collect()).unwrap()
    })
}

fn arb_dec() -> impl Strategy<Value = Dec> {
    prop_oneof![
        any::<[u64; 4]>().prop_map(|w| Dec::from_raw(U256(w))),
        any::<u64>().prop_map(|v| Dec::from_raw(U256::from(v))),
    ]
}

fn arb_duration() -> impl Strategy<Value = Duration> {
    any::<u64>().prop_map(Duration)
}

fn arb_denoms() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(arb_denom(), 0..3)
}

fn arb_distribution_type() -> impl Strategy<Value = DistributionType> {
    prop_oneof![
        Just(DistributionType::Basic),
        Just(DistributionType::Egalitarian),
        prop::collection::vec(
            (any::<u32>(), any::<u32>())
                .prop_map(|(target_id, weight)| DistributionWeight { target_id, weight }),
            0..4
        )
        .prop_map(|weights| DistributionType::Weighted { weights }),
    ]
}

fn arb_distribution() -> impl Strategy<Value = Distribution> {
    (any::<u32>(), arb_distribution_type()).prop_map(|(weight, kind)| Distribution { weight, kind })
}

fn arb_terms() -> impl Strategy<Value = PlanTerms> {
    (
        arb_text(),
        arb_coin(),
        any::<u64>(),
        any::<u64>(),
        arb_distribution(),
        arb_distribution(),
        any::<u32>(),
    )
        .prop_map(
            |(description, amount, start, end, pools, operators, users)| PlanTerms {
                description,
                amount_per_day: amount,
                start_time: Timestamp(start),
                end_time: Timestamp(end),
                pools_distribution: pools,
                operators_distribution: operators,
                users_distribution: UsersDistribution { weight: users },
            },
        )
}

fn arb_delegation_kind() -> impl Strategy<Value = DelegationKind> {
    prop_oneof![
        Just(DelegationKind::Pool),
        Just(DelegationKind::Operator),
        Just(DelegationKind::Service),
    ]
}

fn arb_denom_unit() -> impl Strategy<Value = DenomUnit> {
    (
        arb_denom(),
        any::<u32>(),
        prop::collection::vec(arb_text(), 0..3),
    )
        .prop_map(|(denom, exponent, aliases)| DenomUnit {
            denom,
            exponent,
            aliases,
        })
}

fn arb_metadata() -> impl Strategy<Value = DenomMetadata> {
    (
        prop::collection::vec(arb_denom_unit(), 0..3),
        prop::collection::vec(arb_text(), 7),
    )
        .prop_map(|(denom_units, t)| DenomMetadata {
            description: t[0].clone(),
            denom_units,
            base: t[1].clone(),
            display: t[2].clone(),
            name: t[3].clone(),
            symbol: t[4].clone(),
            uri: t[5].clone(),
            uri_hash: t[6].clone(),
        })
}

fn arb_destination() -> impl Strategy<Value = SlashDestination> {
    prop_oneof![
        Just(SlashDestination::Burn),
        Just(SlashDestination::Service),
        arb_addr().prop_map(|address| SlashDestination::Recipient { address }),
    ]
}

fn arb_rules() -> impl Strategy<Value = SlashingRules> {
    (
        arb_addr(),
        arb_dec(),
        arb_dec(),
        arb_duration(),
        arb_duration(),
        proptest::option::of(arb_addr()),
        arb_destination(),
    )
        .prop_map(
            |(slasher, incident, window_fraction, window, veto_window, resolver, destination)| {
                SlashingRules {
                    slasher,
                    max_incident_fraction: incident,
                    max_window_fraction: window_fraction,
                    window,
                    veto_window,
                    resolver,
                    destination,
                }
            },
        )
}

fn arb_msg() -> impl Strategy<Value = Msg> {
    use proptest::option::of;
    let s = |x: BoxedStrategy<Msg>| x;
    let id = any::<u32>;
    let strategies: Vec<BoxedStrategy<Msg>> = vec![
        s((arb_addr(), arb_addr(), arb_coins())
            .prop_map(|(a, b, c)| {
                MsgSend {
                    from_address: a,
                    to_address: b,
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_text(), arb_text(), any::<u32>())
            .prop_map(|(a, d, t, e)| {
                MsgRegisterAsset {
                    authority: a,
                    asset: Asset {
                        denom: d,
                        ticker: t,
                        exponent: e,
                    },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_text())
            .prop_map(|(a, d)| {
                MsgDeregisterAsset {
                    authority: a,
                    denom: d,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_text(), arb_dec(), any::<u64>())
            .prop_map(|(a, t, p, time)| {
                MsgPostPrice {
                    authority: a,
                    ticker: t,
                    price: p,
                    time: Timestamp(time),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_duration())
            .prop_map(|(a, d)| {
                MsgUpdateAssetsParams {
                    authority: a,
                    params: AssetsParams { max_price_age: d },
                }
                .into()
            })
            .boxed()),
        s(
            (arb_addr(), arb_text(), arb_text(), arb_text(), arb_coins())
                .prop_map(|(a, m, w, p, f)| {
                    MsgRegisterOperator {
                        sender: a,
                        moniker: m,
                        website: w,
                        picture_url: p,
                        fee_amount: f,
                    }
                    .into()
                })
                .boxed(),
        ),
        s((
            arb_addr(),
            id(),
            of(arb_text()),
            of(arb_text()),
            of(arb_text()),
        )
            .prop_map(|(a, i, m, w, p)| {
                MsgUpdateOperator {
                    sender: a,
                    operator_id: OperatorId(i),
                    moniker: m,
                    website: w,
                    picture_url: p,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgDeactivateOperator {
                    sender: a,
                    operator_id: OperatorId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgReactivateOperator {
                    sender: a,
                    operator_id: OperatorId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgDeleteOperator {
                    sender: a,
                    operator_id: OperatorId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_dec())
            .prop_map(|(a, i, c)| {
                MsgSetOperatorParams {
                    sender: a,
                    operator_id: OperatorId(i),
                    params: OperatorParams { commission_rate: c },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_addr())
            .prop_map(|(a, i, b)| {
                MsgTransferOperatorOwnership {
                    sender: a,
                    operator_id: OperatorId(i),
                    new_admin: b,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coins(), arb_duration())
            .prop_map(|(a, f, d)| {
                MsgUpdateOperatorsParams {
                    authority: a,
                    params: OperatorsParams {
                        operator_registration_fee: f,
                        deactivation_time: d,
                    },
                }
                .into()
            })
            .boxed()),
        s((
            arb_addr(),
            arb_text(),
            arb_text(),
            arb_text(),
            arb_text(),
            arb_coins(),
        )
            .prop_map(|(a, n, d, w, p, f)| {
                MsgCreateService {
                    sender: a,
                    name: n,
                    description: d,
                    website: w,
                    picture_url: p,
                    fee_amount: f,
                }
                .into()
            })
            .boxed()),
        s((
            arb_addr(),
            id(),
            of(arb_text()),
            of(arb_text()),
            of(arb_text()),
            of(arb_text()),
        )
            .prop_map(|(a, i, n, d, w, p)| {
                MsgUpdateService {
                    sender: a,
                    service_id: ServiceId(i),
                    name: n,
                    description: d,
                    website: w,
                    picture_url: p,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgActivateService {
                    sender: a,
                    service_id: ServiceId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgDeactivateService {
                    sender: a,
                    service_id: ServiceId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgDeleteService {
                    sender: a,
                    service_id: ServiceId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_addr())
            .prop_map(|(a, i, b)| {
                MsgTransferServiceOwnership {
                    sender: a,
                    service_id: ServiceId(i),
                    new_admin: b,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_denoms())
            .prop_map(|(a, i, d)| {
                MsgSetServiceParams {
                    sender: a,
                    service_id: ServiceId(i),
                    service_params: ServiceParams { allowed_denoms: d },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgAccreditService {
                    authority: a,
                    service_id: ServiceId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgRevokeServiceAccreditation {
                    authority: a,
                    service_id: ServiceId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coins())
            .prop_map(|(a, f)| {
                MsgUpdateServicesParams {
                    authority: a,
                    params: ServicesParams {
                        service_registration_fee: f,
                    },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coin())
            .prop_map(|(a, c)| {
                MsgDelegatePool {
                    delegator: a,
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_coins())
            .prop_map(|(a, i, c)| {
                MsgDelegateOperator {
                    delegator: a,
                    operator_id: OperatorId(i),
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_coins())
            .prop_map(|(a, i, c)| {
                MsgDelegateService {
                    delegator: a,
                    service_id: ServiceId(i),
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coin())
            .prop_map(|(a, c)| {
                MsgUndelegatePool {
                    delegator: a,
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_coins())
            .prop_map(|(a, i, c)| {
                MsgUndelegateOperator {
                    delegator: a,
                    operator_id: OperatorId(i),
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_coins())
            .prop_map(|(a, i, c)| {
                MsgUndelegateService {
                    delegator: a,
                    service_id: ServiceId(i),
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), id())
            .prop_map(|(a, o, v)| {
                MsgJoinService {
                    sender: a,
                    operator_id: OperatorId(o),
                    service_id: ServiceId(v),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), id())
            .prop_map(|(a, o, v)| {
                MsgLeaveService {
                    sender: a,
                    operator_id: OperatorId(o),
                    service_id: ServiceId(v),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), id())
            .prop_map(|(a, v, o)| {
                MsgAddOperatorToAllowList {
                    sender: a,
                    service_id: ServiceId(v),
                    operator_id: OperatorId(o),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), id())
            .prop_map(|(a, v, o)| {
                MsgRemoveOperatorFromAllowList {
                    sender: a,
                    service_id: ServiceId(v),
                    operator_id: OperatorId(o),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), id())
            .prop_map(|(a, v, p)| {
                MsgBorrowPoolSecurity {
                    sender: a,
                    service_id: ServiceId(v),
                    pool_id: PoolId(p),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), id())
            .prop_map(|(a, v, p)| {
                MsgCeasePoolSecurityBorrow {
                    sender: a,
                    service_id: ServiceId(v),
                    pool_id: PoolId(p),
                }
                .into()
            })
            .boxed()),
        s((
            arb_addr(),
            prop::collection::vec((id(), prop::collection::vec(id(), 0..3)), 0..3),
        )
            .prop_map(|(a, entries)| {
                MsgSetUserPreferences {
                    user: a,
                    preferences: UserPreferences {
                        trusted_services: entries
                            .into_iter()
                            .map(|(s, p)| TrustedServiceEntry {
                                service_id: ServiceId(s),
                                pool_ids: p.into_iter().map(PoolId).collect(),
                            })
                            .collect(),
                    },
                }
                .into()
            })
            .boxed()),
        s((
            arb_addr(),
            arb_duration(),
            arb_denoms(),
            arb_dec(),
            any::<u32>(),
        )
            .prop_map(|(a, u, d, c, e)| {
                MsgUpdateRestakingParams {
                    authority: a,
                    params: RestakingParams {
                        unbonding_time: u,
                        allowed_denoms: d,
                        restaking_cap: c,
                        max_entries: e,
                    },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id(), arb_terms(), arb_coins())
            .prop_map(|(a, i, t, f)| {
                MsgCreateRewardsPlan {
                    sender: a,
                    service_id: ServiceId(i),
                    terms: t,
                    fee_amount: f,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), any::<u64>(), arb_terms())
            .prop_map(|(a, p, t)| {
                MsgEditRewardsPlan {
                    sender: a,
                    plan_id: p,
                    terms: t,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), any::<u64>(), arb_coin())
            .prop_map(|(a, p, c)| {
                MsgFundRewardsPlan {
                    sender: a,
                    plan_id: p,
                    amount: c,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_addr())
            .prop_map(|(a, b)| {
                MsgSetWithdrawAddress {
                    sender: a,
                    withdraw_address: b,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_delegation_kind(), id())
            .prop_map(|(a, k, i)| {
                MsgWithdrawDelegatorReward {
                    delegator: a,
                    delegation_type: k,
                    target_id: i,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), id())
            .prop_map(|(a, i)| {
                MsgWithdrawOperatorCommission {
                    sender: a,
                    operator_id: OperatorId(i),
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coins())
            .prop_map(|(a, f)| {
                MsgUpdateRewardsParams {
                    authority: a,
                    params: RewardsParams {
                        rewards_plan_creation_fee: f,
                    },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_text(), arb_coins())
            .prop_map(|(a, subdenom, f)| {
                MsgCreateDenom {
                    sender: a,
                    subdenom,
                    fee_amount: f,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coin(), arb_addr())
            .prop_map(|(a, c, to)| {
                MsgMint {
                    sender: a,
                    amount: c,
                    mint_to_address: to,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coin(), arb_addr())
            .prop_map(|(a, c, from)| {
                MsgBurn {
                    sender: a,
                    amount: c,
                    burn_from_address: from,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_text(), of(arb_addr()))
            .prop_map(|(a, denom, new_admin)| {
                MsgChangeAdmin {
                    sender: a,
                    denom,
                    new_admin,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_metadata())
            .prop_map(|(a, metadata)| {
                MsgSetDenomMetadata {
                    sender: a,
                    metadata,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coins())
            .prop_map(|(a, f)| {
                MsgUpdateTokenFactoryParams {
                    authority: a,
                    params: TokenFactoryParams {
                        denom_creation_fee: f,
                    },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), any::<u32>(), arb_rules())
            .prop_map(|(a, id, rules)| {
                MsgSetSlashingRules {
                    sender: a,
                    service_id: ServiceId(id),
                    rules,
                }
                .into()
            })
            .boxed()),
        s((
            arb_addr(),
            any::<u32>(),
            of(any::<u32>()),
            arb_dec(),
            any::<u64>(),
            arb_text(),
        )
            .prop_map(|(a, id, op, fraction, time, reason)| {
                MsgSubmitSlash {
                    slasher: a,
                    service_id: ServiceId(id),
                    operator_id: op.map(OperatorId),
                    fraction,
                    infraction_time: Timestamp(time),
                    reason,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), any::<u64>())
            .prop_map(|(a, slash_id)| {
                MsgVetoSlash {
                    resolver: a,
                    slash_id,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_duration(), arb_duration(), arb_dec())
            .prop_map(|(a, rules_delay, commission_delay, step)| {
                MsgUpdateSlashingParams {
                    authority: a,
                    params: SlashingParams {
                        rules_change_delay: rules_delay,
                        commission_change_delay: commission_delay,
                        max_commission_step: step,
                    },
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_addr(), arb_coins())
            .prop_map(|(sender, receiver, amount)| {
                MsgMintLockedRepresentation {
                    sender,
                    receiver,
                    amount,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_addr(), arb_coins())
            .prop_map(|(sender, user, amount)| {
                MsgBurnLockedRepresentation {
                    sender,
                    user,
                    amount,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_coins())
            .prop_map(|(depositor, amount)| MsgDepositInsuranceFund { depositor, amount }.into())
            .boxed()),
        s((arb_addr(), arb_coins())
            .prop_map(|(sender, amount)| MsgWithdrawInsuranceFund { sender, amount }.into())
            .boxed()),
        s((
            arb_addr(),
            arb_dec(),
            prop::collection::vec(arb_addr(), 0..3),
            prop::collection::vec(arb_addr(), 0..3),
        )
            .prop_map(|(authority, insurance_percentage, burners, minters)| {
                MsgUpdateLiquidVestingParams {
                    authority,
                    params: LiquidVestingParams {
                        insurance_percentage,
                        burners,
                        minters,
                    },
                }
                .into()
            })
            .boxed()),
        s((
            arb_addr(),
            prop::collection::vec(
                (arb_text(), arb_text(), any::<u64>(), arb_text()).prop_map(
                    |(public_key, p2p_address, power, name)| ValidatorInfo {
                        public_key,
                        p2p_address,
                        power,
                        name,
                    },
                ),
                0..3,
            ),
        )
            .prop_map(|(authority, validators)| {
                MsgUpdateValidatorSet {
                    authority,
                    validators,
                }
                .into()
            })
            .boxed()),
        s((arb_addr(), arb_text())
            .prop_map(|(authority, public_key)| {
                MsgUnjailValidator {
                    authority,
                    public_key,
                }
                .into()
            })
            .boxed()),
    ];
    assert_eq!(strategies.len(), VARIANTS);
    proptest::strategy::Union::new(strategies)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_messages_round_trip(msg in arb_msg()) {
        check_message(&msg);
    }
}

// -----------------------------------------------------------------------------------------------------
// Decoding errors of single messages
// -----------------------------------------------------------------------------------------------------

fn any_of<T: Message + Name>(msg: &T) -> Any {
    Any {
        type_url: T::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn send_proto(amount: Vec<base::Coin>) -> bank::MsgSend {
    bank::MsgSend {
        from_address: addr(1).to_string(),
        to_address: addr(2).to_string(),
        amount,
    }
}

fn pcoin(denom: &str, amount: &str) -> base::Coin {
    base::Coin {
        denom: denom.into(),
        amount: amount.into(),
    }
}

#[test]
fn unknown_type_urls_are_named_in_the_error() {
    for url in [
        "/cosmos.bank.v1beta1.MsgSend",
        "/phalanx.bank.v2.MsgSend",
        "",
        "MsgSend",
    ] {
        let err = Msg::from_any(&Any {
            type_url: url.into(),
            value: vec![],
        })
        .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(m) if m.contains(&format!("{url:?}"))),
            "{err}"
        );
    }
    let long = "/".repeat(10_000);
    let err = Msg::from_any(&Any {
        type_url: long,
        value: vec![],
    })
    .unwrap_err();
    assert!(err.to_string().len() < 200, "{err}");
}

#[test]
fn malformed_fields_get_typed_errors() {
    // Bad bech32, wrong prefix, and an empty address.
    let mut m = send_proto(vec![pcoin("uatom", "1")]);
    m.to_address = "phx1qqqq".into();
    assert!(matches!(Msg::from_any(&any_of(&m)), Err(Error::Address(_))));
    m.to_address = "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6".into();
    assert!(matches!(Msg::from_any(&any_of(&m)), Err(Error::Address(_))));
    m.to_address = String::new();
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(err.to_string().contains("to_address is required"), "{err}");
    m.to_address = "x".repeat(1000);
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(err.to_string().contains("1000 bytes"), "{err}");

    // Non-canonical coin sets and amounts.
    for (amount, variant) in [
        (vec![pcoin("ubtc", "1"), pcoin("uatom", "1")], "unsorted"),
        (vec![pcoin("uatom", "1"), pcoin("uatom", "2")], "duplicate"),
        (vec![pcoin("uatom", "0")], "zero"),
        (vec![pcoin("uatom", "01")], "leading zero"),
        (vec![pcoin("uatom", "")], "empty"),
        (vec![pcoin("uatom", "1.5")], "decimal"),
        (vec![pcoin("1atom", "1")], "denom"),
    ] {
        let err = Msg::from_any(&any_of(&send_proto(amount))).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Math(
                    MathError::InvalidCoins(_) | MathError::Parse(_) | MathError::InvalidDenom(_)
                )
            ),
            "{variant}: {err}"
        );
        assert!(err.to_string().contains("amount"), "{variant}: {err}");
    }

    // Non-canonical and invalid decimals.
    for price in ["12.5", "abc", "", "-1.000000000000000000", "1e3"] {
        let m = assets::MsgPostPrice {
            authority: addr(1).to_string(),
            ticker: "ATOM".into(),
            price: price.into(),
            time: Some(PbTimestamp {
                seconds: 1,
                nanos: 0,
            }),
        };
        let err = Msg::from_any(&any_of(&m)).unwrap_err();
        assert!(
            matches!(&err, Error::Math(MathError::Parse(s)) if s.starts_with("price")),
            "{price}: {err}"
        );
    }

    // Times before the epoch, nanos out of range, missing sub-messages.
    for time in [
        Some(PbTimestamp {
            seconds: -1,
            nanos: 0,
        }),
        Some(PbTimestamp {
            seconds: 0,
            nanos: 1_000_000_000,
        }),
        Some(PbTimestamp {
            seconds: i64::MAX,
            nanos: 0,
        }),
        None,
    ] {
        let m = assets::MsgPostPrice {
            authority: addr(1).to_string(),
            ticker: "ATOM".into(),
            price: "1.000000000000000000".into(),
            time,
        };
        let err = Msg::from_any(&any_of(&m)).unwrap_err();
        assert!(err.to_string().contains("time"), "{time:?}: {err}");
    }
    let m = restaking::MsgDelegatePool {
        delegator: addr(1).to_string(),
        amount: None,
    };
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(err.to_string().contains("amount is required"), "{err}");
    let m = operators::MsgUpdateParams {
        authority: addr(1).to_string(),
        params: Some(operators::OperatorsParams {
            operator_registration_fee: vec![],
            deactivation_time: Some(PbDuration {
                seconds: -5,
                nanos: 0,
            }),
        }),
    };
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(err.to_string().contains("deactivation_time"), "{err}");
}

fn terms_proto() -> rewards::PlanTerms {
    let distribution = |kind| rewards::Distribution {
        weight: 1,
        kind: Some(rewards::DistributionType { sum: Some(kind) }),
    };
    rewards::PlanTerms {
        description: String::new(),
        amount_per_day: Some(pcoin("uphx", "10")),
        start_time: Some(PbTimestamp {
            seconds: 1,
            nanos: 0,
        }),
        end_time: Some(PbTimestamp {
            seconds: 2,
            nanos: 0,
        }),
        pools_distribution: Some(distribution(rewards::distribution_type::Sum::Basic(
            rewards::distribution_type::Basic {},
        ))),
        operators_distribution: Some(distribution(rewards::distribution_type::Sum::Weighted(
            rewards::distribution_type::Weighted {
                weights: vec![rewards::DistributionWeight {
                    target_id: 1,
                    weight: 1,
                }],
            },
        ))),
        users_distribution: Some(rewards::UsersDistribution { weight: 0 }),
    }
}

fn edit_plan_proto(terms: Option<rewards::PlanTerms>) -> rewards::MsgEditRewardsPlan {
    rewards::MsgEditRewardsPlan {
        sender: addr(1).to_string(),
        plan_id: 1,
        terms,
    }
}

#[test]
fn malformed_rewards_fields_get_typed_errors() {
    assert!(Msg::from_any(&any_of(&edit_plan_proto(Some(terms_proto())))).is_ok());

    let expect = |m: &rewards::MsgEditRewardsPlan, needle: &str| {
        let err = Msg::from_any(&any_of(m)).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    };
    expect(&edit_plan_proto(None), "terms is required");
    let with = |edit: fn(&mut rewards::PlanTerms)| {
        let mut t = terms_proto();
        edit(&mut t);
        edit_plan_proto(Some(t))
    };
    expect(
        &with(|t| t.amount_per_day = None),
        "amount_per_day is required",
    );
    expect(
        &with(|t| t.amount_per_day = Some(pcoin("uphx", "010"))),
        "amount_per_day: amount",
    );
    expect(&with(|t| t.start_time = None), "start_time is required");
    expect(
        &with(|t| {
            t.end_time = Some(PbTimestamp {
                seconds: -1,
                nanos: 0,
            })
        }),
        "end_time must not be negative",
    );
    expect(
        &with(|t| t.pools_distribution = None),
        "pools_distribution is required",
    );
    expect(
        &with(|t| t.users_distribution = None),
        "users_distribution is required",
    );
    expect(
        &with(|t| {
            t.operators_distribution = Some(rewards::Distribution {
                weight: 1,
                kind: None,
            })
        }),
        "kind is required",
    );
    expect(
        &with(|t| {
            t.operators_distribution = Some(rewards::Distribution {
                weight: 1,
                kind: Some(rewards::DistributionType { sum: None }),
            })
        }),
        "kind is required: one of basic, weighted or egalitarian",
    );

    // Delegation types: UNSPECIFIED and unknown numbers are refused by name.
    for value in [0, 4, -1] {
        let m = rewards::MsgWithdrawDelegatorReward {
            delegator: addr(1).to_string(),
            delegation_type: value,
            target_id: 1,
        };
        let err = Msg::from_any(&any_of(&m)).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest(s) if s.contains("delegation_type is")
                && s.contains("DELEGATION_TYPE_POOL")),
            "{value}: {err}"
        );
    }

    let m = rewards::MsgFundRewardsPlan {
        sender: addr(1).to_string(),
        plan_id: 1,
        amount: None,
    };
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(err.to_string().contains("amount is required"), "{err}");
    let m = rewards::MsgSetWithdrawAddress {
        sender: addr(1).to_string(),
        withdraw_address: String::new(),
    };
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(
        err.to_string().contains("withdraw_address is required"),
        "{err}"
    );
    let m = rewards::MsgUpdateParams {
        authority: addr(1).to_string(),
        params: Some(rewards::RewardsParams {
            rewards_plan_creation_fee: vec![pcoin("uphx", "1"), pcoin("uatom", "1")],
        }),
    };
    let err = Msg::from_any(&any_of(&m)).unwrap_err();
    assert!(
        err.to_string().contains("rewards_plan_creation_fee"),
        "{err}"
    );
}

#[test]
fn unknown_fields_deep_inside_a_plan_are_rejected() {
    // DistributionWeight { target_id: 1, weight: 1, field 3: 1 } inside Weighted inside DistributionType
    // inside Distribution inside PlanTerms inside the message.
    fn wrap(field: u8, inner: &[u8]) -> Vec<u8> {
        let mut out = vec![(field << 3) | 2, u8::try_from(inner.len()).unwrap()];
        out.extend_from_slice(inner);
        out
    }
    let weight = [0x08, 0x01, 0x10, 0x01, 0x18, 0x01];
    let kind = wrap(2, &wrap(1, &weight)); // DistributionType.weighted { weights }
    let distribution = wrap(2, &kind); // Distribution.kind
    let mut terms = terms_proto();
    terms.operators_distribution = None;
    let mut terms_bytes = terms.encode_to_vec();
    terms_bytes.extend_from_slice(&wrap(6, &distribution));
    let mut msg = edit_plan_proto(None).encode_to_vec();
    msg.extend_from_slice(&wrap(3, &terms_bytes));
    let err = Msg::from_any(&Any {
        type_url: rewards::MsgEditRewardsPlan::type_url(),
        value: msg,
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("phalanx.rewards.v1.DistributionWeight has no field 3"),
        "{err}"
    );
}

#[test]
fn malformed_bytes_and_unknown_fields_are_rejected() {
    let url = bank::MsgSend::type_url();
    let good = send_proto(vec![pcoin("uatom", "1")]).encode_to_vec();
    // Truncated.
    let err = Msg::from_any(&Any {
        type_url: url.clone(),
        value: good[..good.len() - 1].to_vec(),
    })
    .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("MsgSend")),
        "{err}"
    );
    // Invalid UTF-8 in a string field.
    let bad_utf8 = vec![0x0a, 0x02, 0xff, 0xfe];
    assert!(
        Msg::from_any(&Any {
            type_url: url.clone(),
            value: bad_utf8
        })
        .is_err()
    );
    // A field MsgSend does not declare (4), and one inside an embedded Coin (3).
    let mut extra = good.clone();
    extra.extend_from_slice(&[0x20, 0x01]);
    let err = Msg::from_any(&Any {
        type_url: url.clone(),
        value: extra,
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("phalanx.bank.v1.MsgSend has no field 4"),
        "{err}"
    );
    let mut coin = pcoin("uatom", "1").encode_to_vec();
    coin.extend_from_slice(&[0x18, 0x01]);
    let mut nested = bank::MsgSend {
        amount: vec![],
        ..send_proto(vec![])
    }
    .encode_to_vec();
    nested.push(0x1a);
    nested.push(u8::try_from(coin.len()).unwrap());
    nested.extend_from_slice(&coin);
    let err = Msg::from_any(&Any {
        type_url: url.clone(),
        value: nested,
    })
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("cosmos.base.v1beta1.Coin has no field 3"),
        "{err}"
    );
    // A non-critical field (bit 10 set) is ignored, as in the Cosmos SDK.
    let mut non_critical = good.clone();
    non_critical.extend_from_slice(&[0x80, 0x40, 0x01]); // field 1024, varint 1
    assert!(
        Msg::from_any(&Any {
            type_url: url,
            value: non_critical
        })
        .is_ok()
    );
}

// -----------------------------------------------------------------------------------------------------
// Envelope: known answers and interoperability
// -----------------------------------------------------------------------------------------------------

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn envelope_encodings_match_hand_computed_bytes() {
    let raw = TxRaw {
        body_bytes: vec![0xaa],
        auth_info_bytes: vec![0xbb],
        signatures: vec![vec![0xcc]],
    };
    assert_eq!(raw.encode_to_vec(), hex("0a01aa1201bb1a01cc"));
    assert_eq!(
        pb::sign_doc_bytes(&[1], &[2], "c", 5),
        hex("0a01011201021a01632005")
    );
    assert_eq!(
        pcoin("uphx", "5").encode_to_vec(),
        hex("0a0475706878120135")
    );
    let single = ModeInfo {
        sum: Some(mode_info::Sum::Single(mode_info::Single { mode: 1 })),
    };
    assert_eq!(single.encode_to_vec(), hex("0a020801"));
    let fee = Fee {
        amount: vec![pcoin("uphx", "5")],
        gas_limit: 200_000,
        payer: String::new(),
        granter: String::new(),
    };
    assert_eq!(fee.encode_to_vec(), hex("0a090a047570687812013510c09a0c"));
    let body = TxBody {
        memo: "m".into(),
        timeout_height: 9,
        ..TxBody::default()
    };
    assert_eq!(body.encode_to_vec(), hex("12016d1809"));
    let body = TxBody {
        non_critical_extension_options: vec![Any::default()],
        ..TxBody::default()
    };
    assert_eq!(body.encode_to_vec(), hex("fa7f00")); // field 2047, length-delimited, empty
    let pk = PubKey { key: vec![2; 33] };
    assert_eq!(pk.encode_to_vec()[..2], [0x0a, 0x21]);
    let info = SignerInfo {
        sequence: 3,
        ..SignerInfo::default()
    };
    assert_eq!(info.encode_to_vec(), hex("1803"));
    let auth = AuthInfo {
        signer_infos: vec![],
        fee: Some(Fee::default()),
    };
    assert_eq!(auth.encode_to_vec(), hex("1200"));
    assert_eq!(
        Any {
            type_url: "/a".into(),
            value: vec![7]
        }
        .encode_to_vec(),
        hex("0a022f61120107")
    );
    assert_eq!(
        PbDuration {
            seconds: 1,
            nanos: 2
        }
        .encode_to_vec(),
        hex("08011002")
    );
}

// A CosmJS test vector (cosmos/cosmjs, packages/proto-signing/src/testutils.spec.ts, "sequence 0"):
// a MsgSend signed in SIGN_MODE_DIRECT by the faucet key on chain `simd-testing`, account number 1.
// That CosmJS version wrote default values explicitly (`memo = ""`, `sequence = 0`), which the decoder
// must accept.
const COSMJS_TX: &str = "0a97010a90010a1c2f636f736d6f732e62616e6b2e763162657461312e4d736753656e6412700a2d636f736d6f7331706b707472653766646b6c366766727a6c65736a6a766878686c63337234676d6d6b38727336122d636f736d6f7331717970717870713971637273737a673270767871367273307a716733797963356c7a763778751a100a0575636f736d12073132333435363712001800126b0a500a460a1f2f636f736d6f732e63727970746f2e736563703235366b312e5075624b657912230a21034f04181eeba35391b858633a765c4a0c189697b40d216354d50890d350c7029012040a020801180012170a0d0a0575636f736d12043230303010c09a0c1a0022001a40d1bb55b0f3e5f9c260a20c8ccf2cb44f19bafccba84c7fb6e2b77fac401b15c9228c33236a701dd7a7c4a481aa5dedb902c982fe565504c4f4e7f39ccfcd73d6";
const COSMJS_SIGN_BYTES: &str = "0a97010a90010a1c2f636f736d6f732e62616e6b2e763162657461312e4d736753656e6412700a2d636f736d6f7331706b707472653766646b6c366766727a6c65736a6a766878686c63337234676d6d6b38727336122d636f736d6f7331717970717870713971637273737a673270767871367273307a716733797963356c7a763778751a100a0575636f736d12073132333435363712001800126b0a500a460a1f2f636f736d6f732e63727970746f2e736563703235366b312e5075624b657912230a21034f04181eeba35391b858633a765c4a0c189697b40d216354d50890d350c7029012040a020801180012170a0d0a0575636f736d12043230303010c09a0c1a0022001a0c73696d642d74657374696e672001";
const COSMJS_PUBKEY: &str = "034f04181eeba35391b858633a765c4a0c189697b40d216354d50890d350c70290";

#[test]
fn a_cosmjs_transaction_decodes_and_its_signature_verifies_over_our_sign_bytes() {
    let tx_bytes = hex(COSMJS_TX);
    let raw = pb::decode_tx_raw(&tx_bytes, 1 << 16).unwrap();
    let body: TxBody =
        phalanx_types::proto::wire::decode_strict(&raw.body_bytes, true, "TxBody").unwrap();
    let auth: AuthInfo =
        phalanx_types::proto::wire::decode_strict(&raw.auth_info_bytes, true, "AuthInfo").unwrap();
    assert_eq!(body.messages.len(), 1);
    assert_eq!(body.messages[0].type_url, "/cosmos.bank.v1beta1.MsgSend");
    let signer = &auth.signer_infos[0];
    assert_eq!(signer.sequence, 0);
    let pk: PubKey = PubKey::decode(signer.public_key.as_ref().unwrap().value.as_slice()).unwrap();
    assert_eq!(pk.key, hex(COSMJS_PUBKEY));
    assert_eq!(
        signer.public_key.as_ref().unwrap().type_url,
        PubKey::type_url()
    );
    let fee = auth.fee.unwrap();
    assert_eq!(
        (
            fee.gas_limit,
            fee.amount[0].denom.as_str(),
            fee.amount[0].amount.as_str()
        ),
        (200_000, "ucosm", "2000")
    );

    // Our SignDoc encoding reproduces CosmJS's sign bytes exactly, and the signature verifies over them.
    let sign_bytes = pb::sign_doc_bytes(&raw.body_bytes, &raw.auth_info_bytes, "simd-testing", 1);
    assert_eq!(sign_bytes, hex(COSMJS_SIGN_BYTES));
    let key = VerifyingKey::from_sec1_bytes(&pk.key).unwrap();
    let sig = Signature::from_slice(&raw.signatures[0]).unwrap();
    key.verify(&sign_bytes, &sig).unwrap();

    // The full decoder gets this far and stops at the foreign message type, naming it.
    let err = decode_tx(&tx_bytes).unwrap_err();
    assert!(
        err.to_string().contains("/cosmos.bank.v1beta1.MsgSend"),
        "{err}"
    );
}

// -----------------------------------------------------------------------------------------------------
// Envelope: sign, decode, verify
// -----------------------------------------------------------------------------------------------------

struct Wallet {
    key: SigningKey,
    public_key: [u8; 33],
    address: Address,
}

fn wallet(seed: u8) -> Wallet {
    let key = SigningKey::from_slice(&[seed; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(true);
    let public_key: [u8; 33] = point.as_bytes().try_into().unwrap();
    Wallet {
        address: Address::from_secp256k1_pubkey(&public_key),
        key,
        public_key,
    }
}

const CHAIN: &str = "phalanx-test-1";

/// Builds and signs a transaction the way a Cosmos wallet does.
fn signed_tx(w: &Wallet, msgs: &[Msg], fee: &Coins) -> Vec<u8> {
    let body = pb::encode_tx_body(msgs, "hello", 100);
    let auth = pb::encode_auth_info(&w.public_key, 4, fee, 250_000);
    let sig: Signature = w.key.sign(&pb::sign_doc_bytes(&body, &auth, CHAIN, 9));
    pb::encode_tx_raw(&body, &auth, &sig.to_bytes().into())
}

fn delegate(w: &Wallet) -> Msg {
    MsgDelegatePool {
        delegator: w.address,
        amount: Coin::new("uatom", 1_000),
    }
    .into()
}

#[test]
fn a_signed_transaction_decodes_and_verifies() {
    let w = wallet(0x11);
    let msgs = vec![
        delegate(&w),
        MsgDelegateOperator {
            delegator: w.address,
            operator_id: OperatorId(1),
            amount: coins(&[("uatom", 5)]),
        }
        .into(),
    ];
    let fee = coins(&[("uphx", 2_500)]);
    let tx_bytes = signed_tx(&w, &msgs, &fee);
    let tx = decode_tx(&tx_bytes).unwrap();
    assert_eq!(tx.msgs, msgs);
    assert_eq!(tx.memo, "hello");
    assert_eq!(tx.timeout_height, 100);
    assert_eq!(tx.public_key, w.public_key);
    assert_eq!(tx.signer, w.address);
    assert_eq!(tx.sequence, 4);
    assert_eq!(tx.fee, fee);
    assert_eq!(tx.gas_limit, 250_000);
    let key = VerifyingKey::from_sec1_bytes(&tx.public_key).unwrap();
    let sig = Signature::from_slice(&tx.signature).unwrap();
    key.verify(&tx.sign_doc_bytes(CHAIN, 9), &sig).unwrap();
    assert!(
        key.verify(&tx.sign_doc_bytes("other-chain", 9), &sig)
            .is_err()
    );
    assert!(key.verify(&tx.sign_doc_bytes(CHAIN, 10), &sig).is_err());
    assert_eq!(pb::tx_hash(&tx_bytes).len(), 32);

    // The decoded form is the `Tx` query responses show.
    let shown = Tx {
        body: Some(TxBody::decode(tx.body_bytes.as_slice()).unwrap()),
        auth_info: Some(AuthInfo::decode(tx.auth_info_bytes.as_slice()).unwrap()),
        signatures: vec![tx.signature.to_vec()],
    };
    assert_eq!(shown.body.unwrap().messages.len(), 2);
}

/// Regression (review #5): prost accepts duplicate fields (keeping the last) and overlong varints,
/// so anyone relaying a signed transaction could give it another hash with the same valid
/// signature. Only the canonical encoding of a `TxRaw` decodes.
#[test]
fn only_the_canonical_encoding_of_a_tx_raw_decodes() {
    let w = wallet(0x21);
    let tx = signed_tx(&w, &[delegate(&w)], &coins(&[("uphx", 2_500)]));
    let raw = TxRaw::decode(tx.as_slice()).unwrap();
    assert!(decode_tx(&tx).is_ok());
    // The canonical encoding is what prost writes (CosmJS writes the same: see the vector below).
    assert_eq!(raw.encode_to_vec(), tx);

    let field = |number: u8, value: &[u8]| {
        let mut out = vec![number << 3 | 2];
        let mut len = value.len();
        while len >= 0x80 {
            out.push((len as u8) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(value);
        out
    };
    let body = field(1, &raw.body_bytes);
    let auth = field(2, &raw.auth_info_bytes);
    let sig = field(3, &raw.signatures[0]);
    assert_eq!([&body[..], &auth, &sig].concat(), tx);
    // The body's length with one needless continuation byte (the same value, one byte longer).
    let overlong = {
        let len = raw.body_bytes.len();
        assert!(len < 0x80, "a one-byte length in this test");
        let mut out = vec![0x0a, len as u8 | 0x80, 0x00];
        out.extend_from_slice(&raw.body_bytes);
        out
    };
    let variants = [
        (
            "an empty body_bytes first",
            [&[0x0a, 0x00][..], &tx].concat(),
        ),
        ("the body twice", [&body[..], &body, &auth, &sig].concat()),
        (
            "auth info before the body",
            [&auth[..], &body, &sig].concat(),
        ),
        (
            "the signature before the rest",
            [&sig[..], &body, &auth].concat(),
        ),
        ("an overlong length", [&overlong[..], &auth, &sig].concat()),
        (
            "an overlong field key",
            [&[0x8a, 0x00, 0x00][..], &tx].concat(),
        ),
    ];
    for (what, bytes) in variants {
        // Each variant decodes, leniently, to the same transaction, under another hash.
        assert_eq!(
            TxRaw::decode(bytes.as_slice()).ok().as_ref(),
            Some(&raw),
            "{what}"
        );
        assert_ne!(pb::tx_hash(&bytes), pb::tx_hash(&tx), "{what}");
        let err = decode_tx(&bytes).unwrap_err().to_string();
        assert!(err.contains("not canonically encoded"), "{what}: {err}");
    }
}

/// Re-encodes a valid transaction after `edit` changes its parts (the signature is left as is: decoding
/// does not verify it).
fn edited(w: &Wallet, edit: impl FnOnce(&mut TxBody, &mut AuthInfo, &mut TxRaw)) -> Vec<u8> {
    let mut raw = TxRaw::decode(signed_tx(w, &[delegate(w)], &Coins::empty()).as_slice()).unwrap();
    let mut body = TxBody::decode(raw.body_bytes.as_slice()).unwrap();
    let mut auth = AuthInfo::decode(raw.auth_info_bytes.as_slice()).unwrap();
    edit(&mut body, &mut auth, &mut raw);
    raw.body_bytes = body.encode_to_vec();
    raw.auth_info_bytes = auth.encode_to_vec();
    raw.encode_to_vec()
}

fn rejected(tx_bytes: &[u8], needle: &str) {
    let err = decode_tx(tx_bytes).unwrap_err();
    assert!(
        err.to_string().contains(needle),
        "expected {needle:?} in: {err}"
    );
    assert!(err.to_string().len() < 400, "error too long: {err}");
}

#[test]
fn envelope_violations_are_rejected_with_clear_errors() {
    let w = wallet(0x22);
    let other = wallet(0x33);
    assert!(decode_tx(&edited(&w, |_, _, _| {})).is_ok());

    rejected(&[], "empty");
    rejected(&vec![0u8; pb::tx::MAX_TX_BYTES + 1], "at most 65536");
    rejected(&[0xff], "malformed");
    rejected(&edited(&w, |b, _, _| b.messages.clear()), "no message");
    rejected(
        &edited(&w, |b, _, _| b.messages = vec![delegate(&w).to_any(); 33]),
        "33 messages; at most 32",
    );
    rejected(
        &edited(&w, |b, _, _| b.memo = "é".repeat(257)),
        "memo is 257 characters",
    );
    rejected(
        &edited(&w, |b, _, _| {
            b.messages.push(Any {
                type_url: "/phalanx.bank.v1.MsgBurn".into(),
                value: vec![],
            })
        }),
        "message 1: unknown message type URL \"/phalanx.bank.v1.MsgBurn\"",
    );
    rejected(
        &edited(&w, |b, _, _| {
            b.extension_options.push(Any {
                type_url: "/ethermint.ExtensionOptionsEthereumTx".into(),
                value: vec![],
            })
        }),
        "extension option \"/ethermint.ExtensionOptionsEthereumTx\" is not supported",
    );
    rejected(
        &edited(&w, |_, _, r| r.signatures.push(vec![0; 64])),
        "2 signatures",
    );
    rejected(
        &edited(&w, |_, _, r| r.signatures[0].pop().map(drop).unwrap()),
        "63 bytes",
    );
    rejected(
        &edited(&w, |_, a, _| a.signer_infos.clear()),
        "0 signer infos",
    );
    rejected(
        &edited(&w, |_, a, _| a.signer_infos[0].public_key = None),
        "public_key is required",
    );
    rejected(
        &edited(&w, |_, a, _| {
            a.signer_infos[0].public_key.as_mut().unwrap().type_url =
                "/cosmos.crypto.ed25519.PubKey".into()
        }),
        "public key type \"/cosmos.crypto.ed25519.PubKey\" is not supported",
    );
    rejected(
        &edited(&w, |_, a, _| {
            a.signer_infos[0].public_key.as_mut().unwrap().value =
                PubKey { key: vec![4; 65] }.encode_to_vec()
        }),
        "33-byte compressed",
    );
    rejected(
        &edited(&w, |_, a, _| {
            a.signer_infos[0].mode_info = Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single { mode: 127 })),
            })
        }),
        "SIGN_MODE_LEGACY_AMINO_JSON (127) is not supported",
    );
    rejected(
        &edited(&w, |_, a, _| a.signer_infos[0].mode_info = None),
        "SIGN_MODE_DIRECT",
    );
    rejected(&edited(&w, |_, a, _| a.fee = None), "fee is required");
    rejected(
        &edited(&w, |_, a, _| a.fee.as_mut().unwrap().payer = "x".into()),
        "fee payer",
    );
    rejected(
        &edited(&w, |_, a, _| a.fee.as_mut().unwrap().granter = "x".into()),
        "fee granter",
    );
    rejected(
        &edited(&w, |_, a, _| {
            a.fee.as_mut().unwrap().amount = vec![pcoin("uphx", "1"), pcoin("uatom", "1")]
        }),
        "not sorted",
    );
    rejected(
        &edited(&w, |_, a, _| {
            a.fee.as_mut().unwrap().amount =
                (0..9).map(|i| pcoin(&format!("den{i}"), "1")).collect()
        }),
        "9 coins",
    );
    rejected(
        &edited(&w, |b, _, _| b.messages.push(delegate(&other).to_any())),
        "a transaction has exactly one signer",
    );
    let err = decode_tx(&edited(&w, |b, _, _| {
        b.messages = vec![delegate(&other).to_any()]
    }))
    .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");

    // Unknown critical fields in the body (e.g. a newer SDK's `unordered = 4`) and in TxRaw are
    // rejected; unknown non-critical fields in the body are ignored.
    let mut raw = TxRaw::decode(edited(&w, |_, _, _| {}).as_slice()).unwrap();
    raw.body_bytes.extend_from_slice(&[0x20, 0x01]);
    rejected(
        &raw.encode_to_vec(),
        "cosmos.tx.v1beta1.TxBody has no field 4",
    );
    let mut raw = TxRaw::decode(edited(&w, |_, _, _| {}).as_slice()).unwrap();
    raw.body_bytes.extend_from_slice(&[0x80, 0x40, 0x01]);
    assert!(decode_tx(&raw.encode_to_vec()).is_ok());
    let mut tx = edited(&w, |_, _, _| {});
    tx.extend_from_slice(&[0x80, 0x40, 0x01]);
    rejected(&tx, "cosmos.tx.v1beta1.TxRaw has no field 1024");

    // Limits are configurable.
    let tight = TxLimits {
        max_msgs: 1,
        ..TxLimits::default()
    };
    let two = signed_tx(&w, &[delegate(&w), delegate(&w)], &Coins::empty());
    assert!(decode_tx(&two).is_ok());
    assert!(decode_tx_with_limits(&two, &tight).is_err());
}

#[test]
fn dec_coin_and_time_conversions_round_trip() {
    let c = DecCoin::new("uatom", dec("1.5"));
    let p = base::DecCoin::from(&c);
    assert_eq!(p.amount, "1.500000000000000000");
    assert_eq!(DecCoin::try_from(&p).unwrap(), c);
    assert!(
        DecCoin::try_from(&base::DecCoin {
            denom: "uatom".into(),
            amount: "1.5".into()
        })
        .is_err()
    );
    for nanos in [0, 1, 999_999_999, 1_000_000_000, u64::MAX] {
        assert_eq!(
            Duration::try_from(PbDuration::from(Duration(nanos))).unwrap(),
            Duration(nanos)
        );
        assert_eq!(
            Timestamp::try_from(PbTimestamp::from(Timestamp(nanos))).unwrap(),
            Timestamp(nanos)
        );
    }
    assert_eq!(
        Coin::try_from(&pcoin("uatom", "12")).unwrap(),
        Coin::new("uatom", 12)
    );
}

// -----------------------------------------------------------------------------------------------------
// Fuzz: arbitrary and mutated input never panics
// -----------------------------------------------------------------------------------------------------

fn known_urls() -> Vec<String> {
    samples().iter().map(|m| m.type_url().to_owned()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_tx_decoder(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_tx(&bytes);
        let _ = pb::decode_tx_raw(&bytes, 1 << 16);
    }

    #[test]
    fn arbitrary_bytes_never_panic_from_any(
        url_index in 0usize..56,
        value in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let urls = known_urls();
        let type_url = urls.get(url_index).cloned().unwrap_or_else(|| "/x.y".into());
        let _ = Msg::from_any(&Any { type_url, value });
    }

    #[test]
    fn mutated_valid_transactions_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let w = wallet(0x44);
        let mut tx = signed_tx(&w, &samples_signed_by(&w), &coins(&[("uphx", 1)]));
        for (at, byte) in edits {
            let i = at.index(tx.len());
            tx[i] = byte;
        }
        if truncate {
            tx.truncate(cut.index(tx.len()));
        }
        let _ = decode_tx(&tx);
    }
}

/// A few messages of different shapes, all signed by `w`.
fn samples_signed_by(w: &Wallet) -> Vec<Msg> {
    vec![
        delegate(w),
        MsgSetUserPreferences {
            user: w.address,
            preferences: UserPreferences {
                trusted_services: vec![TrustedServiceEntry {
                    service_id: ServiceId(1),
                    pool_ids: vec![PoolId(2)],
                }],
            },
        }
        .into(),
        MsgUpdateOperator {
            sender: w.address,
            operator_id: OperatorId(1),
            moniker: Some("m".into()),
            website: None,
            picture_url: None,
        }
        .into(),
        MsgPostPrice {
            authority: w.address,
            ticker: "ATOM".into(),
            price: dec("1.25"),
            time: Timestamp(5),
        }
        .into(),
    ]
}
