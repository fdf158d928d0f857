//! Conversions between the domain types ([`crate::msgs`], [`Coin`], [`Dec`], ...) and their protobuf form.
//!
//! Encoding never fails: every domain value has exactly one protobuf form. Decoding checks everything the
//! protobuf types cannot express (bech32 addresses, canonical amounts, decimals and coin sets,
//! non-negative times, required sub-messages) and returns a typed error naming the field, never a panic.
//! It accepts only canonical forms, so `to_any(from_any(x)?)` reproduces `x` byte for byte whenever `x`
//! was itself produced by an encoder that omits default values (as prost, gogoproto and CosmJS do).
//!
//! Decoding does not run [`Msg::validate_stateless`]; callers run it next, as they would for a message
//! from any other source.

use super::cosmos::base::v1beta1 as base;
use super::google::protobuf::{Any, Duration as PbDuration, Timestamp as PbTimestamp};
use super::phalanx::{
    assets::v1 as assets, bank::v1 as bank, liquidvesting::v1 as liquidvesting,
    operators::v1 as operators, restaking::v1 as restaking, rewards::v1 as rewards,
    services::v1 as services, slashing::v1 as slashing, tokenfactory::v1 as tokenfactory,
    validators::v1 as validators,
};
use super::wire::{Schema, decode_strict};
use crate::coin::validate_denom;
use crate::error::{Error, Result};
use crate::math::{MathError, excerpt};
use crate::msgs::{self as m, Msg};
use crate::{
    Address, Coin, Coins, Dec, DecCoin, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};
use prost::{Message, Name};

/// Longest string accepted where an address is expected (the bech32 limit), checked before parsing so an
/// oversized field is reported by its size instead of being echoed back.
pub const MAX_ADDRESS_LEN: usize = 90;

const NANOS_PER_SEC: u64 = 1_000_000_000;

// ---------------------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------------------

/// Prefixes a math error's message with the field it came from, keeping its variant.
fn in_field(field: &str, e: MathError) -> MathError {
    match e {
        MathError::InvalidDenom(s) => MathError::InvalidDenom(format!("{field}: {s}")),
        MathError::InvalidCoins(s) => MathError::InvalidCoins(format!("{field}: {s}")),
        MathError::Parse(s) => MathError::Parse(format!("{field}: {s}")),
        other => other,
    }
}

/// A required sub-message: proto3 cannot mark it required, so its absence is checked here.
fn required<T>(field: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::InvalidRequest(format!("{field} is required")))
}

/// A bech32 `phx1...` address.
fn address(field: &str, s: &str) -> Result<Address> {
    if s.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "{field} is required: a phx1... address"
        )));
    }
    if s.len() > MAX_ADDRESS_LEN {
        return Err(Error::InvalidRequest(format!(
            "{field} is {} bytes long; an address has at most {MAX_ADDRESS_LEN}",
            s.len()
        )));
    }
    Ok(s.parse::<Address>()?)
}

/// An optional address (a proto3 `optional string`): unset is `None`; set, it must be a valid address
/// (an empty string is an error, not "absent"), so the field's presence round-trips.
fn optional_address(field: &str, s: Option<&str>) -> Result<Option<Address>> {
    s.map(|a| address(field, a)).transpose()
}

/// An integer amount: digits only, no leading zeros, at most `u128::MAX`.
fn amount(field: &str, s: &str) -> Result<u128, MathError> {
    let bad = |why: &str| MathError::Parse(format!("{field}: amount {} {why}", excerpt(s)));
    if s.is_empty() {
        return Err(bad("is empty; write a decimal integer such as \"1000\""));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("must contain only digits"));
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err(bad("must not have leading zeros"));
    }
    s.parse::<u128>()
        .map_err(|_| bad("is too large (at most 2^128 - 1)"))
}

/// A decimal in canonical form: an integer part, a point and exactly 18 digits.
fn dec(field: &str, s: &str) -> Result<Dec, MathError> {
    let value: Dec = s.parse().map_err(|e| in_field(field, e))?;
    if value.to_string() != s {
        return Err(MathError::Parse(format!(
            "{field}: decimal {} is not in canonical form; write it with exactly 18 fractional \
             digits: {value}",
            excerpt(s)
        )));
    }
    Ok(value)
}

/// Nanoseconds from protobuf seconds + nanos, which must be non-negative and fit in 64 bits.
fn nanos_from_parts(what: &str, seconds: i64, nanos: i32) -> Result<u64, MathError> {
    let seconds = u64::try_from(seconds)
        .map_err(|_| MathError::Parse(format!("{what} must not be negative")))?;
    let nanos = u64::try_from(nanos)
        .ok()
        .filter(|n| *n < NANOS_PER_SEC)
        .ok_or_else(|| {
            MathError::Parse(format!("{what}: nanos must be between 0 and 999999999"))
        })?;
    seconds
        .checked_mul(NANOS_PER_SEC)
        .and_then(|n| n.checked_add(nanos))
        .ok_or_else(|| MathError::Parse(format!("{what} is too large")))
}

/// Protobuf seconds + nanos of a nanosecond count (a `u64` of nanoseconds always fits).
fn parts_from_nanos(nanos: u64) -> (i64, i32) {
    let seconds = i64::try_from(nanos / NANOS_PER_SEC).unwrap_or(i64::MAX);
    let nanos = i32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0);
    (seconds, nanos)
}

fn duration(field: &str, value: Option<PbDuration>) -> Result<Duration> {
    let d = required(field, value)?;
    Ok(Duration(nanos_from_parts(field, d.seconds, d.nanos)?))
}

fn timestamp(field: &str, value: Option<PbTimestamp>) -> Result<Timestamp> {
    let t = required(field, value)?;
    Ok(Timestamp(nanos_from_parts(field, t.seconds, t.nanos)?))
}

fn coin(field: &str, c: &base::Coin) -> Result<Coin, MathError> {
    validate_denom(&c.denom).map_err(|e| in_field(field, e))?;
    Ok(Coin::new(c.denom.clone(), amount(field, &c.amount)?))
}

/// A coin set, which must already be canonical (sorted, unique denoms, no zero amounts); errors name
/// `field`.
pub(crate) fn coins(field: &str, list: &[base::Coin]) -> Result<Coins, MathError> {
    let parsed = list
        .iter()
        .map(|c| coin(field, c))
        .collect::<Result<Vec<_>, _>>()?;
    Coins::try_from_canonical(parsed).map_err(|e| in_field(field, e))
}

fn coins_to_proto(c: &Coins) -> Vec<base::Coin> {
    c.iter().map(base::Coin::from).collect()
}

impl From<&Coin> for base::Coin {
    fn from(c: &Coin) -> Self {
        base::Coin {
            denom: c.denom.clone(),
            amount: c.amount.to_string(),
        }
    }
}

impl TryFrom<&base::Coin> for Coin {
    type Error = MathError;

    /// Valid denom, amount of digits without leading zeros.
    fn try_from(c: &base::Coin) -> Result<Self, MathError> {
        coin("coin", c)
    }
}

impl From<&DecCoin> for base::DecCoin {
    fn from(c: &DecCoin) -> Self {
        base::DecCoin {
            denom: c.denom.clone(),
            amount: c.amount.to_string(),
        }
    }
}

impl TryFrom<&base::DecCoin> for DecCoin {
    type Error = MathError;

    /// Valid denom, canonical 18-decimal amount.
    fn try_from(c: &base::DecCoin) -> Result<Self, MathError> {
        validate_denom(&c.denom).map_err(|e| in_field("dec_coin", e))?;
        Ok(DecCoin::new(c.denom.clone(), dec("dec_coin", &c.amount)?))
    }
}

impl From<Duration> for PbDuration {
    fn from(d: Duration) -> Self {
        let (seconds, nanos) = parts_from_nanos(d.0);
        PbDuration { seconds, nanos }
    }
}

impl TryFrom<PbDuration> for Duration {
    type Error = MathError;

    /// Non-negative, nanos in range, at most `u64::MAX` nanoseconds.
    fn try_from(d: PbDuration) -> Result<Self, MathError> {
        nanos_from_parts("duration", d.seconds, d.nanos).map(Duration)
    }
}

impl From<Timestamp> for PbTimestamp {
    fn from(t: Timestamp) -> Self {
        let (seconds, nanos) = parts_from_nanos(t.0);
        PbTimestamp { seconds, nanos }
    }
}

impl TryFrom<PbTimestamp> for Timestamp {
    type Error = MathError;

    /// At or after the epoch, nanos in range, at most `u64::MAX` nanoseconds.
    fn try_from(t: PbTimestamp) -> Result<Self, MathError> {
        nanos_from_parts("timestamp", t.seconds, t.nanos).map(Timestamp)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Records and params
// ---------------------------------------------------------------------------------------------------------

/// Implements `From<&Domain> for Proto` and `TryFrom<&Proto> for Domain` (error [`Error`]).
macro_rules! record {
    ($domain:ty, $proto:ty, |$d:ident| $to:expr, |$p:ident| $from:expr) => {
        impl From<&$domain> for $proto {
            fn from($d: &$domain) -> Self {
                $to
            }
        }

        impl TryFrom<&$proto> for $domain {
            type Error = Error;

            /// Checks what the protobuf type cannot express; see the module documentation.
            fn try_from($p: &$proto) -> Result<Self> {
                $from
            }
        }
    };
}

record!(
    m::OperatorParams,
    operators::OperatorParams,
    |d| operators::OperatorParams {
        commission_rate: d.commission_rate.to_string()
    },
    |p| Ok(m::OperatorParams {
        commission_rate: dec("commission_rate", &p.commission_rate)?
    })
);

record!(
    m::OperatorsParams,
    operators::OperatorsParams,
    |d| operators::OperatorsParams {
        operator_registration_fee: coins_to_proto(&d.operator_registration_fee),
        deactivation_time: Some(d.deactivation_time.into()),
    },
    |p| Ok(m::OperatorsParams {
        operator_registration_fee: coins(
            "operator_registration_fee",
            &p.operator_registration_fee
        )?,
        deactivation_time: duration("deactivation_time", p.deactivation_time)?,
    })
);

record!(
    m::ServiceParams,
    services::ServiceParams,
    |d| services::ServiceParams {
        allowed_denoms: d.allowed_denoms.clone()
    },
    |p| Ok(m::ServiceParams {
        allowed_denoms: p.allowed_denoms.clone()
    })
);

record!(
    m::ServicesParams,
    services::ServicesParams,
    |d| services::ServicesParams {
        service_registration_fee: coins_to_proto(&d.service_registration_fee),
    },
    |p| Ok(m::ServicesParams {
        service_registration_fee: coins("service_registration_fee", &p.service_registration_fee)?,
    })
);

record!(
    m::RestakingParams,
    restaking::RestakingParams,
    |d| restaking::RestakingParams {
        unbonding_time: Some(d.unbonding_time.into()),
        allowed_denoms: d.allowed_denoms.clone(),
        restaking_cap: d.restaking_cap.to_string(),
        max_entries: d.max_entries,
    },
    |p| Ok(m::RestakingParams {
        unbonding_time: duration("unbonding_time", p.unbonding_time)?,
        allowed_denoms: p.allowed_denoms.clone(),
        restaking_cap: dec("restaking_cap", &p.restaking_cap)?,
        max_entries: p.max_entries,
    })
);

record!(
    m::AssetsParams,
    assets::AssetsParams,
    |d| assets::AssetsParams {
        max_price_age: Some(d.max_price_age.into())
    },
    |p| Ok(m::AssetsParams {
        max_price_age: duration("max_price_age", p.max_price_age)?
    })
);

record!(
    m::Asset,
    assets::Asset,
    |d| assets::Asset {
        denom: d.denom.clone(),
        ticker: d.ticker.clone(),
        exponent: d.exponent
    },
    |p| Ok(m::Asset {
        denom: p.denom.clone(),
        ticker: p.ticker.clone(),
        exponent: p.exponent
    })
);

record!(
    m::TrustedServiceEntry,
    restaking::TrustedServiceEntry,
    |d| restaking::TrustedServiceEntry {
        service_id: d.service_id.0,
        pool_ids: d.pool_ids.iter().map(|p| p.0).collect(),
    },
    |p| Ok(m::TrustedServiceEntry {
        service_id: ServiceId(p.service_id),
        pool_ids: p.pool_ids.iter().copied().map(PoolId).collect(),
    })
);

record!(
    m::UserPreferences,
    restaking::UserPreferences,
    |d| restaking::UserPreferences {
        trusted_services: d.trusted_services.iter().map(Into::into).collect(),
    },
    |p| Ok(m::UserPreferences {
        trusted_services: p
            .trusted_services
            .iter()
            .map(m::TrustedServiceEntry::try_from)
            .collect::<Result<_>>()?,
    })
);

record!(
    m::DistributionWeight,
    rewards::DistributionWeight,
    |d| rewards::DistributionWeight {
        target_id: d.target_id,
        weight: d.weight
    },
    |p| Ok(m::DistributionWeight {
        target_id: p.target_id,
        weight: p.weight
    })
);

record!(
    m::DistributionType,
    rewards::DistributionType,
    |d| {
        use rewards::distribution_type::{Basic, Egalitarian, Sum, Weighted};
        let sum = match d {
            m::DistributionType::Basic => Sum::Basic(Basic {}),
            m::DistributionType::Weighted { weights } => Sum::Weighted(Weighted {
                weights: weights.iter().map(Into::into).collect(),
            }),
            m::DistributionType::Egalitarian => Sum::Egalitarian(Egalitarian {}),
        };
        rewards::DistributionType { sum: Some(sum) }
    },
    |p| {
        use rewards::distribution_type::Sum;
        let sum = p.sum.as_ref().ok_or_else(|| {
            Error::InvalidRequest("kind is required: one of basic, weighted or egalitarian".into())
        })?;
        Ok(match sum {
            Sum::Basic(_) => m::DistributionType::Basic,
            Sum::Weighted(w) => m::DistributionType::Weighted {
                weights: w
                    .weights
                    .iter()
                    .map(m::DistributionWeight::try_from)
                    .collect::<Result<_>>()?,
            },
            Sum::Egalitarian(_) => m::DistributionType::Egalitarian,
        })
    }
);

record!(
    m::Distribution,
    rewards::Distribution,
    |d| rewards::Distribution {
        weight: d.weight,
        kind: Some((&d.kind).into()),
    },
    |p| Ok(m::Distribution {
        weight: p.weight,
        kind: record("kind", &p.kind)?,
    })
);

record!(
    m::UsersDistribution,
    rewards::UsersDistribution,
    |d| rewards::UsersDistribution { weight: d.weight },
    |p| Ok(m::UsersDistribution { weight: p.weight })
);

record!(
    m::PlanTerms,
    rewards::PlanTerms,
    |d| rewards::PlanTerms {
        description: d.description.clone(),
        amount_per_day: Some((&d.amount_per_day).into()),
        start_time: Some(d.start_time.into()),
        end_time: Some(d.end_time.into()),
        pools_distribution: Some((&d.pools_distribution).into()),
        operators_distribution: Some((&d.operators_distribution).into()),
        users_distribution: Some((&d.users_distribution).into()),
    },
    |p| Ok(m::PlanTerms {
        description: p.description.clone(),
        amount_per_day: coin(
            "amount_per_day",
            required("amount_per_day", p.amount_per_day.as_ref())?
        )?,
        start_time: timestamp("start_time", p.start_time)?,
        end_time: timestamp("end_time", p.end_time)?,
        pools_distribution: record("pools_distribution", &p.pools_distribution)?,
        operators_distribution: record("operators_distribution", &p.operators_distribution)?,
        users_distribution: record("users_distribution", &p.users_distribution)?,
    })
);

record!(
    m::RewardsParams,
    rewards::RewardsParams,
    |d| rewards::RewardsParams {
        rewards_plan_creation_fee: coins_to_proto(&d.rewards_plan_creation_fee),
    },
    |p| Ok(m::RewardsParams {
        rewards_plan_creation_fee: coins(
            "rewards_plan_creation_fee",
            &p.rewards_plan_creation_fee
        )?,
    })
);

impl From<m::DelegationKind> for rewards::DelegationType {
    fn from(k: m::DelegationKind) -> Self {
        match k {
            m::DelegationKind::Pool => rewards::DelegationType::Pool,
            m::DelegationKind::Operator => rewards::DelegationType::Operator,
            m::DelegationKind::Service => rewards::DelegationType::Service,
        }
    }
}

/// A delegation kind from its protobuf enum number; `UNSPECIFIED` and unknown numbers are errors.
fn delegation_kind(field: &str, value: i32) -> Result<m::DelegationKind> {
    match rewards::DelegationType::try_from(value) {
        Ok(rewards::DelegationType::Pool) => Ok(m::DelegationKind::Pool),
        Ok(rewards::DelegationType::Operator) => Ok(m::DelegationKind::Operator),
        Ok(rewards::DelegationType::Service) => Ok(m::DelegationKind::Service),
        Ok(rewards::DelegationType::Unspecified) | Err(_) => Err(Error::InvalidRequest(format!(
            "{field} is {value}; expected DELEGATION_TYPE_POOL (1), DELEGATION_TYPE_OPERATOR (2) or \
             DELEGATION_TYPE_SERVICE (3)"
        ))),
    }
}

record!(
    m::TokenFactoryParams,
    tokenfactory::TokenFactoryParams,
    |d| tokenfactory::TokenFactoryParams {
        denom_creation_fee: coins_to_proto(&d.denom_creation_fee),
    },
    |p| Ok(m::TokenFactoryParams {
        denom_creation_fee: coins("denom_creation_fee", &p.denom_creation_fee)?,
    })
);

record!(
    m::DenomUnit,
    tokenfactory::DenomUnit,
    |d| tokenfactory::DenomUnit {
        denom: d.denom.clone(),
        exponent: d.exponent,
        aliases: d.aliases.clone(),
    },
    |p| Ok(m::DenomUnit {
        denom: p.denom.clone(),
        exponent: p.exponent,
        aliases: p.aliases.clone(),
    })
);

record!(
    m::DenomMetadata,
    tokenfactory::DenomMetadata,
    |d| tokenfactory::DenomMetadata {
        description: d.description.clone(),
        denom_units: d.denom_units.iter().map(Into::into).collect(),
        base: d.base.clone(),
        display: d.display.clone(),
        name: d.name.clone(),
        symbol: d.symbol.clone(),
        uri: d.uri.clone(),
        uri_hash: d.uri_hash.clone(),
    },
    |p| Ok(m::DenomMetadata {
        description: p.description.clone(),
        denom_units: p
            .denom_units
            .iter()
            .map(m::DenomUnit::try_from)
            .collect::<Result<_>>()?,
        base: p.base.clone(),
        display: p.display.clone(),
        name: p.name.clone(),
        symbol: p.symbol.clone(),
        uri: p.uri.clone(),
        uri_hash: p.uri_hash.clone(),
    })
);

record!(
    m::SlashDestination,
    slashing::SlashDestination,
    |d| {
        use slashing::slash_destination::{Burn, Recipient, Service, Sum};
        let sum = match d {
            m::SlashDestination::Burn => Sum::Burn(Burn {}),
            m::SlashDestination::Service => Sum::Service(Service {}),
            m::SlashDestination::Recipient { address } => Sum::Recipient(Recipient {
                address: address.to_string(),
            }),
        };
        slashing::SlashDestination { sum: Some(sum) }
    },
    |p| {
        use slashing::slash_destination::Sum;
        let sum = p.sum.as_ref().ok_or_else(|| {
            Error::InvalidRequest(
                "destination is required: one of burn, service or recipient".into(),
            )
        })?;
        Ok(match sum {
            Sum::Burn(_) => m::SlashDestination::Burn,
            Sum::Service(_) => m::SlashDestination::Service,
            Sum::Recipient(r) => m::SlashDestination::Recipient {
                address: address("destination.recipient.address", &r.address)?,
            },
        })
    }
);

record!(
    m::SlashingRules,
    slashing::SlashingRules,
    |d| slashing::SlashingRules {
        slasher: d.slasher.to_string(),
        max_incident_fraction: d.max_incident_fraction.to_string(),
        max_window_fraction: d.max_window_fraction.to_string(),
        window: Some(d.window.into()),
        veto_window: Some(d.veto_window.into()),
        resolver: d.resolver.map(|a| a.to_string()),
        destination: Some((&d.destination).into()),
    },
    |p| Ok(m::SlashingRules {
        slasher: address("slasher", &p.slasher)?,
        max_incident_fraction: dec("max_incident_fraction", &p.max_incident_fraction)?,
        max_window_fraction: dec("max_window_fraction", &p.max_window_fraction)?,
        window: duration("window", p.window)?,
        veto_window: duration("veto_window", p.veto_window)?,
        resolver: optional_address("resolver", p.resolver.as_deref())?,
        destination: record("destination", &p.destination)?,
    })
);

record!(
    m::SlashingParams,
    slashing::SlashingParams,
    |d| slashing::SlashingParams {
        rules_change_delay: Some(d.rules_change_delay.into()),
        commission_change_delay: Some(d.commission_change_delay.into()),
        max_commission_step: d.max_commission_step.to_string(),
    },
    |p| Ok(m::SlashingParams {
        rules_change_delay: duration("rules_change_delay", p.rules_change_delay)?,
        commission_change_delay: duration("commission_change_delay", p.commission_change_delay)?,
        max_commission_step: dec("max_commission_step", &p.max_commission_step)?,
    })
);

/// A required embedded record converted with its `TryFrom`.
fn record<'a, P, D>(field: &str, value: &'a Option<P>) -> Result<D>
where
    D: TryFrom<&'a P, Error = Error>,
{
    D::try_from(required(field, value.as_ref())?)
}

// ---------------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------------

/// A domain message and its protobuf form.
trait ProtoMsg: Sized {
    /// The protobuf struct.
    type Proto: Message + Default + Name + Schema;
    /// Encoding; total.
    fn to_proto(&self) -> Self::Proto;
    /// Decoding; checks every field.
    fn from_proto(p: Self::Proto) -> Result<Self>;
}

/// Implements [`ProtoMsg`]: `|d| to-proto expression`, `|p| from-proto expression`.
macro_rules! proto_msg {
    ($domain:ident => $proto:path, |$d:ident| $to:expr, |$p:ident| $from:expr) => {
        impl ProtoMsg for m::$domain {
            type Proto = $proto;
            fn to_proto(&self) -> $proto {
                let $d = self;
                $to
            }
            fn from_proto($p: $proto) -> Result<Self> {
                Ok($from)
            }
        }
    };
}

/// Messages with a signer and one id field: `(signer, id)`.
macro_rules! id_msg {
    ($domain:ident => $module:ident :: $name:ident, $signer:ident, $id:ident : $id_ty:ident) => {
        proto_msg!($domain => $module::$name,
            |d| $module::$name { $signer: d.$signer.to_string(), $id: d.$id.0 },
            |p| m::$domain { $signer: address(stringify!($signer), &p.$signer)?, $id: $id_ty(p.$id) });
    };
}

proto_msg!(MsgSend => bank::MsgSend,
|d| bank::MsgSend {
    from_address: d.from_address.to_string(),
    to_address: d.to_address.to_string(),
    amount: coins_to_proto(&d.amount),
},
|p| m::MsgSend {
    from_address: address("from_address", &p.from_address)?,
    to_address: address("to_address", &p.to_address)?,
    amount: coins("amount", &p.amount)?,
});

proto_msg!(MsgRegisterAsset => assets::MsgRegisterAsset,
|d| assets::MsgRegisterAsset { authority: d.authority.to_string(), asset: Some((&d.asset).into()) },
|p| m::MsgRegisterAsset {
    authority: address("authority", &p.authority)?,
    asset: record("asset", &p.asset)?,
});

proto_msg!(MsgDeregisterAsset => assets::MsgDeregisterAsset,
    |d| assets::MsgDeregisterAsset { authority: d.authority.to_string(), denom: d.denom.clone() },
    |p| m::MsgDeregisterAsset { authority: address("authority", &p.authority)?, denom: p.denom });

proto_msg!(MsgPostPrice => assets::MsgPostPrice,
|d| assets::MsgPostPrice {
    authority: d.authority.to_string(),
    ticker: d.ticker.clone(),
    price: d.price.to_string(),
    time: Some(d.time.into()),
},
|p| m::MsgPostPrice {
    authority: address("authority", &p.authority)?,
    price: dec("price", &p.price)?,
    time: timestamp("time", p.time)?,
    ticker: p.ticker,
});

proto_msg!(MsgUpdateAssetsParams => assets::MsgUpdateParams,
|d| assets::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateAssetsParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

proto_msg!(MsgRegisterOperator => operators::MsgRegisterOperator,
|d| operators::MsgRegisterOperator {
    sender: d.sender.to_string(),
    moniker: d.moniker.clone(),
    website: d.website.clone(),
    picture_url: d.picture_url.clone(),
    fee_amount: coins_to_proto(&d.fee_amount),
},
|p| m::MsgRegisterOperator {
    sender: address("sender", &p.sender)?,
    fee_amount: coins("fee_amount", &p.fee_amount)?,
    moniker: p.moniker,
    website: p.website,
    picture_url: p.picture_url,
});

proto_msg!(MsgUpdateOperator => operators::MsgUpdateOperator,
|d| operators::MsgUpdateOperator {
    sender: d.sender.to_string(),
    operator_id: d.operator_id.0,
    moniker: d.moniker.clone(),
    website: d.website.clone(),
    picture_url: d.picture_url.clone(),
},
|p| m::MsgUpdateOperator {
    sender: address("sender", &p.sender)?,
    operator_id: OperatorId(p.operator_id),
    moniker: p.moniker,
    website: p.website,
    picture_url: p.picture_url,
});

id_msg!(MsgDeactivateOperator => operators::MsgDeactivateOperator, sender, operator_id: OperatorId);
id_msg!(MsgReactivateOperator => operators::MsgReactivateOperator, sender, operator_id: OperatorId);
id_msg!(MsgDeleteOperator => operators::MsgDeleteOperator, sender, operator_id: OperatorId);

proto_msg!(MsgSetOperatorParams => operators::MsgSetOperatorParams,
|d| operators::MsgSetOperatorParams {
    sender: d.sender.to_string(),
    operator_id: d.operator_id.0,
    params: Some((&d.params).into()),
},
|p| m::MsgSetOperatorParams {
    sender: address("sender", &p.sender)?,
    operator_id: OperatorId(p.operator_id),
    params: record("params", &p.params)?,
});

proto_msg!(MsgTransferOperatorOwnership => operators::MsgTransferOperatorOwnership,
|d| operators::MsgTransferOperatorOwnership {
    sender: d.sender.to_string(),
    operator_id: d.operator_id.0,
    new_admin: d.new_admin.to_string(),
},
|p| m::MsgTransferOperatorOwnership {
    sender: address("sender", &p.sender)?,
    operator_id: OperatorId(p.operator_id),
    new_admin: address("new_admin", &p.new_admin)?,
});

proto_msg!(MsgUpdateOperatorsParams => operators::MsgUpdateParams,
|d| operators::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateOperatorsParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

proto_msg!(MsgCreateService => services::MsgCreateService,
|d| services::MsgCreateService {
    sender: d.sender.to_string(),
    name: d.name.clone(),
    description: d.description.clone(),
    website: d.website.clone(),
    picture_url: d.picture_url.clone(),
    fee_amount: coins_to_proto(&d.fee_amount),
},
|p| m::MsgCreateService {
    sender: address("sender", &p.sender)?,
    fee_amount: coins("fee_amount", &p.fee_amount)?,
    name: p.name,
    description: p.description,
    website: p.website,
    picture_url: p.picture_url,
});

proto_msg!(MsgUpdateService => services::MsgUpdateService,
|d| services::MsgUpdateService {
    sender: d.sender.to_string(),
    service_id: d.service_id.0,
    name: d.name.clone(),
    description: d.description.clone(),
    website: d.website.clone(),
    picture_url: d.picture_url.clone(),
},
|p| m::MsgUpdateService {
    sender: address("sender", &p.sender)?,
    service_id: ServiceId(p.service_id),
    name: p.name,
    description: p.description,
    website: p.website,
    picture_url: p.picture_url,
});

id_msg!(MsgActivateService => services::MsgActivateService, sender, service_id: ServiceId);
id_msg!(MsgDeactivateService => services::MsgDeactivateService, sender, service_id: ServiceId);
id_msg!(MsgDeleteService => services::MsgDeleteService, sender, service_id: ServiceId);

proto_msg!(MsgTransferServiceOwnership => services::MsgTransferServiceOwnership,
|d| services::MsgTransferServiceOwnership {
    sender: d.sender.to_string(),
    service_id: d.service_id.0,
    new_admin: d.new_admin.to_string(),
},
|p| m::MsgTransferServiceOwnership {
    sender: address("sender", &p.sender)?,
    service_id: ServiceId(p.service_id),
    new_admin: address("new_admin", &p.new_admin)?,
});

proto_msg!(MsgSetServiceParams => services::MsgSetServiceParams,
|d| services::MsgSetServiceParams {
    sender: d.sender.to_string(),
    service_id: d.service_id.0,
    service_params: Some((&d.service_params).into()),
},
|p| m::MsgSetServiceParams {
    sender: address("sender", &p.sender)?,
    service_id: ServiceId(p.service_id),
    service_params: record("service_params", &p.service_params)?,
});

id_msg!(MsgAccreditService => services::MsgAccreditService, authority, service_id: ServiceId);
id_msg!(MsgRevokeServiceAccreditation => services::MsgRevokeServiceAccreditation, authority, service_id: ServiceId);

proto_msg!(MsgUpdateServicesParams => services::MsgUpdateParams,
|d| services::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateServicesParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

/// Pool delegations: `(delegator, one coin)`.
macro_rules! pool_msg {
    ($domain:ident => $module:ident :: $name:ident) => {
        proto_msg!($domain => $module::$name,
            |d| $module::$name { delegator: d.delegator.to_string(), amount: Some((&d.amount).into()) },
            |p| m::$domain {
                delegator: address("delegator", &p.delegator)?,
                amount: coin("amount", &required("amount", p.amount)?)?,
            });
    };
}

pool_msg!(MsgDelegatePool => restaking::MsgDelegatePool);
pool_msg!(MsgUndelegatePool => restaking::MsgUndelegatePool);

/// Target delegations: `(delegator, target id, coins)`.
macro_rules! target_msg {
    ($domain:ident => $module:ident :: $name:ident, $id:ident : $id_ty:ident) => {
        proto_msg!($domain => $module::$name,
            |d| $module::$name {
                delegator: d.delegator.to_string(),
                $id: d.$id.0,
                amount: coins_to_proto(&d.amount),
            },
            |p| m::$domain {
                delegator: address("delegator", &p.delegator)?,
                $id: $id_ty(p.$id),
                amount: coins("amount", &p.amount)?,
            });
    };
}

target_msg!(MsgDelegateOperator => restaking::MsgDelegateOperator, operator_id: OperatorId);
target_msg!(MsgDelegateService => restaking::MsgDelegateService, service_id: ServiceId);
target_msg!(MsgUndelegateOperator => restaking::MsgUndelegateOperator, operator_id: OperatorId);
target_msg!(MsgUndelegateService => restaking::MsgUndelegateService, service_id: ServiceId);

/// Relationship messages: `(sender, first id, second id)`.
macro_rules! pair_msg {
    ($domain:ident => $module:ident :: $name:ident, $a:ident : $a_ty:ident, $b:ident : $b_ty:ident) => {
        proto_msg!($domain => $module::$name,
            |d| $module::$name { sender: d.sender.to_string(), $a: d.$a.0, $b: d.$b.0 },
            |p| m::$domain {
                sender: address("sender", &p.sender)?,
                $a: $a_ty(p.$a),
                $b: $b_ty(p.$b),
            });
    };
}

pair_msg!(MsgJoinService => restaking::MsgJoinService, operator_id: OperatorId, service_id: ServiceId);
pair_msg!(MsgLeaveService => restaking::MsgLeaveService, operator_id: OperatorId, service_id: ServiceId);
pair_msg!(MsgAddOperatorToAllowList => restaking::MsgAddOperatorToAllowList, service_id: ServiceId, operator_id: OperatorId);
pair_msg!(MsgRemoveOperatorFromAllowList => restaking::MsgRemoveOperatorFromAllowList, service_id: ServiceId, operator_id: OperatorId);
pair_msg!(MsgBorrowPoolSecurity => restaking::MsgBorrowPoolSecurity, service_id: ServiceId, pool_id: PoolId);
pair_msg!(MsgCeasePoolSecurityBorrow => restaking::MsgCeasePoolSecurityBorrow, service_id: ServiceId, pool_id: PoolId);

proto_msg!(MsgSetUserPreferences => restaking::MsgSetUserPreferences,
|d| restaking::MsgSetUserPreferences { user: d.user.to_string(), preferences: Some((&d.preferences).into()) },
|p| m::MsgSetUserPreferences {
    user: address("user", &p.user)?,
    preferences: record("preferences", &p.preferences)?,
});

proto_msg!(MsgUpdateRestakingParams => restaking::MsgUpdateParams,
|d| restaking::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateRestakingParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

proto_msg!(MsgCreateRewardsPlan => rewards::MsgCreateRewardsPlan,
|d| rewards::MsgCreateRewardsPlan {
    sender: d.sender.to_string(),
    service_id: d.service_id.0,
    terms: Some((&d.terms).into()),
    fee_amount: coins_to_proto(&d.fee_amount),
},
|p| m::MsgCreateRewardsPlan {
    sender: address("sender", &p.sender)?,
    service_id: ServiceId(p.service_id),
    terms: record("terms", &p.terms)?,
    fee_amount: coins("fee_amount", &p.fee_amount)?,
});

proto_msg!(MsgEditRewardsPlan => rewards::MsgEditRewardsPlan,
|d| rewards::MsgEditRewardsPlan {
    sender: d.sender.to_string(),
    plan_id: d.plan_id,
    terms: Some((&d.terms).into()),
},
|p| m::MsgEditRewardsPlan {
    sender: address("sender", &p.sender)?,
    plan_id: p.plan_id,
    terms: record("terms", &p.terms)?,
});

proto_msg!(MsgFundRewardsPlan => rewards::MsgFundRewardsPlan,
|d| rewards::MsgFundRewardsPlan {
    sender: d.sender.to_string(),
    plan_id: d.plan_id,
    amount: Some((&d.amount).into()),
},
|p| m::MsgFundRewardsPlan {
    sender: address("sender", &p.sender)?,
    plan_id: p.plan_id,
    amount: coin("amount", &required("amount", p.amount)?)?,
});

proto_msg!(MsgSetWithdrawAddress => rewards::MsgSetWithdrawAddress,
|d| rewards::MsgSetWithdrawAddress {
    sender: d.sender.to_string(),
    withdraw_address: d.withdraw_address.to_string(),
},
|p| m::MsgSetWithdrawAddress {
    sender: address("sender", &p.sender)?,
    withdraw_address: address("withdraw_address", &p.withdraw_address)?,
});

proto_msg!(MsgWithdrawDelegatorReward => rewards::MsgWithdrawDelegatorReward,
|d| rewards::MsgWithdrawDelegatorReward {
    delegator: d.delegator.to_string(),
    delegation_type: rewards::DelegationType::from(d.delegation_type).into(),
    target_id: d.target_id,
},
|p| m::MsgWithdrawDelegatorReward {
    delegator: address("delegator", &p.delegator)?,
    delegation_type: delegation_kind("delegation_type", p.delegation_type)?,
    target_id: p.target_id,
});

id_msg!(MsgWithdrawOperatorCommission => rewards::MsgWithdrawOperatorCommission, sender, operator_id: OperatorId);

proto_msg!(MsgUpdateRewardsParams => rewards::MsgUpdateParams,
|d| rewards::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateRewardsParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

proto_msg!(MsgSetSlashingRules => slashing::MsgSetSlashingRules,
|d| slashing::MsgSetSlashingRules {
    sender: d.sender.to_string(),
    service_id: d.service_id.0,
    rules: Some((&d.rules).into()),
},
|p| m::MsgSetSlashingRules {
    sender: address("sender", &p.sender)?,
    service_id: ServiceId(p.service_id),
    rules: record("rules", &p.rules)?,
});

proto_msg!(MsgSubmitSlash => slashing::MsgSubmitSlash,
|d| slashing::MsgSubmitSlash {
    slasher: d.slasher.to_string(),
    service_id: d.service_id.0,
    operator_id: d.operator_id.map(|o| o.0),
    fraction: d.fraction.to_string(),
    infraction_time: Some(d.infraction_time.into()),
    reason: d.reason.clone(),
},
|p| m::MsgSubmitSlash {
    slasher: address("slasher", &p.slasher)?,
    service_id: ServiceId(p.service_id),
    operator_id: p.operator_id.map(OperatorId),
    fraction: dec("fraction", &p.fraction)?,
    infraction_time: timestamp("infraction_time", p.infraction_time)?,
    reason: p.reason,
});

proto_msg!(MsgVetoSlash => slashing::MsgVetoSlash,
|d| slashing::MsgVetoSlash { resolver: d.resolver.to_string(), slash_id: d.slash_id },
|p| m::MsgVetoSlash { resolver: address("resolver", &p.resolver)?, slash_id: p.slash_id });

proto_msg!(MsgUpdateSlashingParams => slashing::MsgUpdateParams,
|d| slashing::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateSlashingParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

proto_msg!(MsgCreateDenom => tokenfactory::MsgCreateDenom,
|d| tokenfactory::MsgCreateDenom {
    sender: d.sender.to_string(),
    subdenom: d.subdenom.clone(),
    fee_amount: coins_to_proto(&d.fee_amount),
},
|p| m::MsgCreateDenom {
    sender: address("sender", &p.sender)?,
    subdenom: p.subdenom,
    fee_amount: coins("fee_amount", &p.fee_amount)?,
});

proto_msg!(MsgMint => tokenfactory::MsgMint,
|d| tokenfactory::MsgMint {
    sender: d.sender.to_string(),
    amount: Some((&d.amount).into()),
    mint_to_address: d.mint_to_address.to_string(),
},
|p| m::MsgMint {
    sender: address("sender", &p.sender)?,
    amount: coin("amount", &required("amount", p.amount)?)?,
    mint_to_address: address("mint_to_address", &p.mint_to_address)?,
});

proto_msg!(MsgBurn => tokenfactory::MsgBurn,
|d| tokenfactory::MsgBurn {
    sender: d.sender.to_string(),
    amount: Some((&d.amount).into()),
    burn_from_address: d.burn_from_address.to_string(),
},
|p| m::MsgBurn {
    sender: address("sender", &p.sender)?,
    amount: coin("amount", &required("amount", p.amount)?)?,
    burn_from_address: address("burn_from_address", &p.burn_from_address)?,
});

proto_msg!(MsgChangeAdmin => tokenfactory::MsgChangeAdmin,
|d| tokenfactory::MsgChangeAdmin {
    sender: d.sender.to_string(),
    denom: d.denom.clone(),
    new_admin: d.new_admin.map(|a| a.to_string()),
},
|p| m::MsgChangeAdmin {
    sender: address("sender", &p.sender)?,
    denom: p.denom,
    new_admin: optional_address("new_admin", p.new_admin.as_deref())?,
});

proto_msg!(MsgSetDenomMetadata => tokenfactory::MsgSetDenomMetadata,
|d| tokenfactory::MsgSetDenomMetadata { sender: d.sender.to_string(), metadata: Some((&d.metadata).into()) },
|p| m::MsgSetDenomMetadata {
    sender: address("sender", &p.sender)?,
    metadata: record("metadata", &p.metadata)?,
});

proto_msg!(MsgUpdateTokenFactoryParams => tokenfactory::MsgUpdateParams,
|d| tokenfactory::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateTokenFactoryParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

record!(
    m::LiquidVestingParams,
    liquidvesting::LiquidVestingParams,
    |d| liquidvesting::LiquidVestingParams {
        insurance_percentage: d.insurance_percentage.to_string(),
        burners: d.burners.iter().map(ToString::to_string).collect(),
        minters: d.minters.iter().map(ToString::to_string).collect(),
    },
    |p| Ok(m::LiquidVestingParams {
        insurance_percentage: dec("insurance_percentage", &p.insurance_percentage)?,
        burners: p
            .burners
            .iter()
            .map(|a| address("burners", a))
            .collect::<Result<_>>()?,
        minters: p
            .minters
            .iter()
            .map(|a| address("minters", a))
            .collect::<Result<_>>()?,
    })
);

proto_msg!(MsgMintLockedRepresentation => liquidvesting::MsgMintLockedRepresentation,
|d| liquidvesting::MsgMintLockedRepresentation {
    sender: d.sender.to_string(),
    receiver: d.receiver.to_string(),
    amount: coins_to_proto(&d.amount),
},
|p| m::MsgMintLockedRepresentation {
    sender: address("sender", &p.sender)?,
    receiver: address("receiver", &p.receiver)?,
    amount: coins("amount", &p.amount)?,
});

proto_msg!(MsgBurnLockedRepresentation => liquidvesting::MsgBurnLockedRepresentation,
|d| liquidvesting::MsgBurnLockedRepresentation {
    sender: d.sender.to_string(),
    user: d.user.to_string(),
    amount: coins_to_proto(&d.amount),
},
|p| m::MsgBurnLockedRepresentation {
    sender: address("sender", &p.sender)?,
    user: address("user", &p.user)?,
    amount: coins("amount", &p.amount)?,
});

proto_msg!(MsgDepositInsuranceFund => liquidvesting::MsgDepositInsuranceFund,
|d| liquidvesting::MsgDepositInsuranceFund { depositor: d.depositor.to_string(), amount: coins_to_proto(&d.amount) },
|p| m::MsgDepositInsuranceFund {
    depositor: address("depositor", &p.depositor)?,
    amount: coins("amount", &p.amount)?,
});

proto_msg!(MsgWithdrawInsuranceFund => liquidvesting::MsgWithdrawInsuranceFund,
|d| liquidvesting::MsgWithdrawInsuranceFund { sender: d.sender.to_string(), amount: coins_to_proto(&d.amount) },
|p| m::MsgWithdrawInsuranceFund {
    sender: address("sender", &p.sender)?,
    amount: coins("amount", &p.amount)?,
});

proto_msg!(MsgUpdateLiquidVestingParams => liquidvesting::MsgUpdateParams,
|d| liquidvesting::MsgUpdateParams { authority: d.authority.to_string(), params: Some((&d.params).into()) },
|p| m::MsgUpdateLiquidVestingParams {
    authority: address("authority", &p.authority)?,
    params: record("params", &p.params)?,
});

record!(
    m::ValidatorInfo,
    validators::Validator,
    |d| validators::Validator {
        public_key: d.public_key.clone(),
        p2p_address: d.p2p_address.clone(),
        power: d.power,
        name: d.name.clone(),
    },
    |p| Ok(m::ValidatorInfo {
        public_key: p.public_key.clone(),
        p2p_address: p.p2p_address.clone(),
        power: p.power,
        name: p.name.clone(),
    })
);

proto_msg!(MsgUpdateValidatorSet => validators::MsgUpdateValidatorSet,
|d| validators::MsgUpdateValidatorSet {
    authority: d.authority.to_string(),
    validators: d.validators.iter().map(Into::into).collect(),
},
|p| m::MsgUpdateValidatorSet {
    authority: address("authority", &p.authority)?,
    validators: p.validators.iter().map(m::ValidatorInfo::try_from).collect::<Result<_>>()?,
});

proto_msg!(MsgUnjailValidator => validators::MsgUnjailValidator,
|d| validators::MsgUnjailValidator { authority: d.authority.to_string(), public_key: d.public_key.clone() },
|p| m::MsgUnjailValidator { authority: address("authority", &p.authority)?, public_key: p.public_key });

// ---------------------------------------------------------------------------------------------------------
// Any
// ---------------------------------------------------------------------------------------------------------

/// Longest type URL accepted; longer ones are reported by size rather than echoed.
pub const MAX_TYPE_URL_LEN: usize = 128;

/// Whether `url` is `/<package>.<name>` of `T`, compared without allocating.
fn url_is<T: Name>(url: &str) -> bool {
    url.strip_prefix('/')
        .and_then(|rest| rest.rsplit_once('.'))
        .is_some_and(|(package, name)| package == T::PACKAGE && name == T::NAME)
}

fn pack<D: ProtoMsg>(type_url: &str, msg: &D) -> Any {
    Any {
        type_url: type_url.to_owned(),
        value: msg.to_proto().encode_to_vec(),
    }
}

fn unpack<D: ProtoMsg>(type_url: &str, value: &[u8]) -> Result<D> {
    let proto: D::Proto = decode_strict(value, true, type_url)?;
    D::from_proto(proto).map_err(|e| match e {
        Error::InvalidRequest(why) => Error::InvalidRequest(format!("{type_url}: {why}")),
        other => other,
    })
}

/// Declares `Msg::to_any` / `Msg::from_any` over every variant, so a new variant that is not listed here
/// fails to compile (the `match` in `to_any` is exhaustive).
macro_rules! any_table {
    ($($variant:ident),* $(,)?) => {
        impl Msg {
            /// The message as a protobuf `Any` with its stable type URL, ready for a `TxBody`.
            pub fn to_any(&self) -> Any {
                match self {
                    $( Msg::$variant(msg) => pack(self.type_url(), msg), )*
                }
            }

            /// Decodes a message from a protobuf `Any`: the type URL selects the message type; unknown
            /// URLs, malformed bytes, invalid field values and unknown fields are errors (except
            /// non-critical ones, numbered 1024 and up, which are ignored as in the Cosmos SDK).
            pub fn from_any(any: &Any) -> Result<Msg> {
                let url = any.type_url.as_str();
                if url.len() > MAX_TYPE_URL_LEN {
                    return Err(Error::InvalidRequest(format!(
                        "message type URL is {} bytes long; at most {MAX_TYPE_URL_LEN} are accepted",
                        url.len()
                    )));
                }
                $(
                    if url_is::<<m::$variant as ProtoMsg>::Proto>(url) {
                        return unpack::<m::$variant>(url, &any.value).map(Msg::$variant);
                    }
                )*
                Err(Error::InvalidRequest(format!(
                    "unknown message type URL {url:?}; this chain accepts /phalanx.<module>.v1.Msg... \
                     messages only"
                )))
            }
        }
    };
}

any_table!(
    MsgSend,
    MsgRegisterAsset,
    MsgDeregisterAsset,
    MsgPostPrice,
    MsgUpdateAssetsParams,
    MsgRegisterOperator,
    MsgUpdateOperator,
    MsgDeactivateOperator,
    MsgReactivateOperator,
    MsgDeleteOperator,
    MsgSetOperatorParams,
    MsgTransferOperatorOwnership,
    MsgUpdateOperatorsParams,
    MsgCreateService,
    MsgUpdateService,
    MsgActivateService,
    MsgDeactivateService,
    MsgDeleteService,
    MsgTransferServiceOwnership,
    MsgSetServiceParams,
    MsgAccreditService,
    MsgRevokeServiceAccreditation,
    MsgUpdateServicesParams,
    MsgDelegatePool,
    MsgDelegateOperator,
    MsgDelegateService,
    MsgUndelegatePool,
    MsgUndelegateOperator,
    MsgUndelegateService,
    MsgJoinService,
    MsgLeaveService,
    MsgAddOperatorToAllowList,
    MsgRemoveOperatorFromAllowList,
    MsgBorrowPoolSecurity,
    MsgCeasePoolSecurityBorrow,
    MsgSetUserPreferences,
    MsgUpdateRestakingParams,
    MsgCreateRewardsPlan,
    MsgEditRewardsPlan,
    MsgFundRewardsPlan,
    MsgSetWithdrawAddress,
    MsgWithdrawDelegatorReward,
    MsgWithdrawOperatorCommission,
    MsgUpdateRewardsParams,
    MsgSetSlashingRules,
    MsgSubmitSlash,
    MsgVetoSlash,
    MsgUpdateSlashingParams,
    MsgCreateDenom,
    MsgMint,
    MsgBurn,
    MsgChangeAdmin,
    MsgSetDenomMetadata,
    MsgUpdateTokenFactoryParams,
    MsgMintLockedRepresentation,
    MsgBurnLockedRepresentation,
    MsgDepositInsuranceFund,
    MsgWithdrawInsuranceFund,
    MsgUpdateLiquidVestingParams,
    MsgUpdateValidatorSet,
    MsgUnjailValidator,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_must_be_canonical_integers() {
        assert_eq!(amount("a", "0").unwrap(), 0);
        assert_eq!(amount("a", "1000").unwrap(), 1000);
        assert_eq!(amount("a", &u128::MAX.to_string()).unwrap(), u128::MAX);
        for bad in [
            "",
            "007",
            "-1",
            "+1",
            "1.0",
            " 1",
            "340282366920938463463374607431768211456",
        ] {
            let err = amount("fee", bad).unwrap_err();
            assert!(err.to_string().contains("fee: amount"), "{bad}: {err}");
        }
    }

    #[test]
    fn decimals_must_be_canonical() {
        assert_eq!(
            dec("d", "1.500000000000000000").unwrap().to_string(),
            "1.500000000000000000"
        );
        let err = dec("commission_rate", "0.1").unwrap_err().to_string();
        assert!(err.contains("0.100000000000000000"), "{err}");
        assert!(dec("d", "").is_err());
        assert!(dec("d", "-1.000000000000000000").is_err());
        assert!(dec("d", "1.0000000000000000000").is_err());
    }

    #[test]
    fn times_reject_negative_and_out_of_range_parts() {
        assert_eq!(nanos_from_parts("t", 1, 5).unwrap(), 1_000_000_005);
        assert!(nanos_from_parts("t", -1, 0).is_err());
        assert!(nanos_from_parts("t", 0, -1).is_err());
        assert!(nanos_from_parts("t", 0, 1_000_000_000).is_err());
        assert!(nanos_from_parts("t", i64::MAX, 0).is_err());
        let max = parts_from_nanos(u64::MAX);
        assert_eq!(nanos_from_parts("t", max.0, max.1).unwrap(), u64::MAX);
    }

    #[test]
    fn type_urls_match_without_allocation() {
        assert!(url_is::<bank::MsgSend>("/phalanx.bank.v1.MsgSend"));
        assert!(!url_is::<bank::MsgSend>("phalanx.bank.v1.MsgSend"));
        assert!(!url_is::<bank::MsgSend>("/phalanx.bank.v2.MsgSend"));
        assert!(!url_is::<bank::MsgSend>("/"));
    }
}
