//! Every message a transaction can carry, the params and records they embed, and their stateless checks.
//!
//! Stateless checks (`validate_stateless`) need no state, so clients run them before signing and the chain
//! runs them again before any state is read. Type URLs (`/phalanx.<module>.v1.Msg<Name>`) are stable.

use crate::address::Address;
use crate::coin::{Coin, Coins, validate_denom};
use crate::dec::Dec;
use crate::error::{
    AssetsError, Error, LiquidVestingError, OperatorsError, RestakingError, Result, RewardsError,
    ServicesError, SlashingError, TokenFactoryError, ValidatorsError,
};
use crate::ids::{OperatorId, PoolId, ServiceId};
use crate::math::excerpt;
use crate::time::{Duration, Timestamp};
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

/// Longest moniker, name, website or picture URL accepted, so that records stay small.
pub const MAX_TEXT_LEN: usize = 256;
/// Longest service description accepted.
pub const MAX_DESCRIPTION_LEN: usize = 1000;

/// The three kinds of delegation target. Kept separate in state; served by one shared code path.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    BorshSerialize,
    BorshDeserialize,
)]
#[serde(rename_all = "snake_case")]
#[borsh(use_discriminant = true)]
pub enum DelegationKind {
    /// Stake in the pool of one denom.
    Pool = 1,
    /// Stake delegated to an operator.
    Operator = 2,
    /// Stake delegated directly to a service.
    Service = 3,
}

impl DelegationKind {
    /// Name used in events, share accounting and custody account derivation.
    pub fn as_str(self) -> &'static str {
        match self {
            DelegationKind::Pool => "pool",
            DelegationKind::Operator => "operator",
            DelegationKind::Service => "service",
        }
    }
}

/// An operator's own settings.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct OperatorParams {
    /// Share of rewards the operator keeps, in [0, 1].
    pub commission_rate: Dec,
}

impl OperatorParams {
    /// Commission must be a fraction.
    pub fn validate(&self) -> Result<()> {
        if self.commission_rate > Dec::ONE {
            return Err(OperatorsError::InvalidOperatorParams(format!(
                "commission_rate {} must be between 0 and 1",
                self.commission_rate
            ))
            .into());
        }
        Ok(())
    }
}

/// Module params of operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct OperatorsParams {
    /// Fee to register; paying any one of these coins in full suffices. Empty = free.
    pub operator_registration_fee: Coins,
    /// Time between deactivation and becoming INACTIVE; stake stays slashable meanwhile.
    pub deactivation_time: Duration,
}

impl Default for OperatorsParams {
    fn default() -> Self {
        Self {
            operator_registration_fee: Coins::empty(),
            deactivation_time: Duration::from_hours(72),
        }
    }
}

impl OperatorsParams {
    /// The deactivation time must be positive.
    pub fn validate(&self) -> Result<()> {
        if self.deactivation_time.is_zero() {
            return Err(OperatorsError::InvalidParams(
                "deactivation_time must be greater than zero".into(),
            )
            .into());
        }
        Ok(())
    }
}

/// A service's own settings.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct ServiceParams {
    /// Denoms the service accepts (intersected with the global list); empty = no service-level limit.
    pub allowed_denoms: Vec<String>,
}

impl ServiceParams {
    /// Each denom valid, none repeated.
    pub fn validate(&self) -> Result<()> {
        validate_denom_list(&self.allowed_denoms)
            .map_err(|e| ServicesError::InvalidServiceParams(e.to_string()).into())
    }
}

/// Module params of services.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct ServicesParams {
    /// Fee to create a service; paying any one of these coins in full suffices. Empty = free.
    pub service_registration_fee: Coins,
}

/// Module params of restaking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct RestakingParams {
    /// How long undelegated stake stays locked (and slashable) before it is paid out.
    pub unbonding_time: Duration,
    /// Denoms that may be restaked at all; empty = every denom.
    pub allowed_denoms: Vec<String>,
    /// Maximum USD value restaked across all targets; zero = no cap.
    pub restaking_cap: Dec,
    /// Maximum pending unbonding entries per (delegator, target).
    pub max_entries: u32,
}

impl Default for RestakingParams {
    fn default() -> Self {
        Self {
            unbonding_time: Duration::from_hours(72),
            allowed_denoms: Vec::new(),
            restaking_cap: Dec::ZERO,
            max_entries: 7,
        }
    }
}

impl RestakingParams {
    /// Positive unbonding time and entry limit, valid unique denoms.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| -> Error { RestakingError::InvalidParams(m).into() };
        if self.unbonding_time.is_zero() {
            return Err(bad("unbonding_time must be greater than zero".into()));
        }
        if self.max_entries == 0 {
            return Err(bad("max_entries must be greater than zero".into()));
        }
        validate_denom_list(&self.allowed_denoms).map_err(|e| bad(e.to_string()))
    }
}

/// How one category's share of a plan's block reward is split among its targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DistributionType {
    /// In proportion to the USD value of each target's stake that trusts the service.
    Basic,
    /// By fixed weights; targets not listed get nothing.
    Weighted {
        /// One weight per listed target.
        weights: Vec<DistributionWeight>,
    },
    /// Equally among the targets that hold any valued stake.
    Egalitarian,
}

/// One target's weight in a weighted distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct DistributionWeight {
    /// Pool or operator id (by the category).
    pub target_id: u32,
    /// Relative weight, positive.
    pub weight: u32,
}

/// The pools or operators category of a plan: its weight against the other categories and its split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Distribution {
    /// Weight of the category; when every valued category weighs 0, categories split by USD value.
    pub weight: u32,
    /// How the category's share is split among its targets.
    pub kind: DistributionType,
}

impl Distribution {
    /// Weighted lists: ids non-zero, weights positive, no id twice.
    pub fn validate(&self, category: &str) -> Result<()> {
        if let DistributionType::Weighted { weights } = &self.kind {
            let mut seen = BTreeSet::new();
            for w in weights {
                if w.target_id == 0 || w.weight == 0 {
                    return Err(RewardsError::InvalidPlan(format!(
                        "{category} weights need non-zero target ids and positive weights"
                    ))
                    .into());
                }
                if !seen.insert(w.target_id) {
                    return Err(RewardsError::InvalidPlan(format!(
                        "{category} weights list target {} twice",
                        w.target_id
                    ))
                    .into());
                }
            }
        }
        Ok(())
    }
}

/// The direct-delegators category of a plan (always split by value: the service is its only target).
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct UsersDistribution {
    /// Weight of the category.
    pub weight: u32,
}

/// Module params of rewards.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct RewardsParams {
    /// Fee to create a plan; paying any one of these coins in full suffices. Empty = free.
    pub rewards_plan_creation_fee: Coins,
}

/// The fields of a plan its service admin chooses, shared by creation and edits so both check alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct PlanTerms {
    /// Free text, at most 1000 bytes.
    pub description: String,
    /// Paid per 24 hours of block time, pro rata per block.
    pub amount_per_day: Coin,
    /// First instant rewards accrue (inclusive).
    pub start_time: Timestamp,
    /// Instant the plan ends (exclusive); the remainder is then refunded.
    pub end_time: Timestamp,
    /// Pools category.
    pub pools_distribution: Distribution,
    /// Operators category.
    pub operators_distribution: Distribution,
    /// Direct service delegators category.
    pub users_distribution: UsersDistribution,
}

impl PlanTerms {
    /// Text bound, positive amount, end after start, well-formed distributions.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| -> Error { RewardsError::InvalidPlan(m.into()).into() };
        if self.description.len() > MAX_DESCRIPTION_LEN {
            return Err(bad("description is longer than 1000 bytes"));
        }
        self.amount_per_day.validate()?;
        if self.amount_per_day.is_zero() {
            return Err(bad("amount_per_day must be positive"));
        }
        if is_locked_denom(&self.amount_per_day.denom) {
            return Err(bad(
                "amount_per_day cannot be in a locked/... denom: locked tokens are vesting claims \
                 that can only be restaked, never paid out",
            ));
        }
        if self.end_time <= self.start_time {
            return Err(bad("end_time must be after start_time"));
        }
        self.pools_distribution.validate("pools")?;
        self.operators_distribution.validate("operators")
    }
}

/// First path segment of every token factory denom.
pub const FACTORY_DENOM_PREFIX: &str = "factory";
/// Longest subdenom, as in the reference chain (spec §10). With a 42-character `phx1...` creator the
/// full denom is at most 95 characters, well within the 128 of [`validate_denom`].
pub const MAX_SUBDENOM_LEN: usize = 44;
/// Most units a denom's metadata may list, so that records stay small.
pub const MAX_DENOM_UNITS: usize = 16;
/// Most aliases one denom unit may list.
pub const MAX_DENOM_ALIASES: usize = 8;

/// Subdenoms are 1 to 44 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit. No `/`
/// or `:`: the full denom then splits into prefix, creator and subdenom in exactly one way.
pub fn validate_subdenom(subdenom: &str) -> Result<()> {
    let ok = (1..=MAX_SUBDENOM_LEN).contains(&subdenom.len())
        && subdenom
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && subdenom
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !ok {
        return Err(TokenFactoryError::InvalidSubdenom(
            subdenom
                .chars()
                .take(MAX_SUBDENOM_LEN.saturating_add(4))
                .collect(),
        )
        .into());
    }
    Ok(())
}

/// The full denom `factory/{creator}/{subdenom}` (creator in bech32), after checking the subdenom and the
/// result against [`validate_denom`].
pub fn factory_denom(creator: &Address, subdenom: &str) -> Result<String> {
    validate_subdenom(subdenom)?;
    let denom = format!("{FACTORY_DENOM_PREFIX}/{creator}/{subdenom}");
    validate_denom(&denom)?;
    Ok(denom)
}

/// Splits a factory denom into its creator and subdenom; anything not built by [`factory_denom`] is
/// refused, so a denom has one creator and the creator's denoms can be listed by address.
pub fn parse_factory_denom(denom: &str) -> Result<(Address, String)> {
    let not_factory = || -> Error { TokenFactoryError::NotFactoryDenom(excerpt(denom)).into() };
    let mut parts = denom.splitn(3, '/');
    let (Some(FACTORY_DENOM_PREFIX), Some(creator), Some(subdenom)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(not_factory());
    };
    let creator: Address = creator.parse().map_err(|_| not_factory())?;
    if factory_denom(&creator, subdenom)? != denom {
        return Err(not_factory());
    }
    Ok((creator, subdenom.to_owned()))
}

/// Module params of the token factory.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct TokenFactoryParams {
    /// Fee to create a denom, paid to the community pool; paying any one of these coins in full
    /// suffices (as for every registration fee on this chain). Empty = free (the spec's default).
    pub denom_creation_fee: Coins,
}

/// One unit of a denom, e.g. `atom` = 10^6 base units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct DenomUnit {
    /// The unit's name; a valid denom.
    pub denom: String,
    /// One of this unit is 10^exponent base units.
    pub exponent: u32,
    /// Other names of the unit.
    pub aliases: Vec<String>,
}

/// How wallets display a denom (the Cosmos SDK's bank `Metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct DenomMetadata {
    /// Free text, at most 1000 bytes.
    pub description: String,
    /// Units in increasing exponent; the first is `base` with exponent 0.
    pub denom_units: Vec<DenomUnit>,
    /// The denom this metadata describes (the smallest unit).
    pub base: String,
    /// The unit wallets show; one of `denom_units`.
    pub display: String,
    /// Name, e.g. `Phalanx Token`.
    pub name: String,
    /// Ticker symbol, e.g. `PHX`.
    pub symbol: String,
    /// URI of a document with more information.
    pub uri: String,
    /// Hash of the document at `uri`, so it can be verified.
    pub uri_hash: String,
}

impl DenomMetadata {
    /// The Cosmos SDK's metadata rules: name and symbol set, valid unique unit names (aliases
    /// included), the base unit first with exponent 0, exponents strictly increasing, display among the
    /// units; plus size bounds so a record stays small.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| -> Error { TokenFactoryError::InvalidMetadata(m).into() };
        let text = |name: &str, value: &str, max: usize, required: bool| {
            require_text(name, value, max, required).map_err(|e| match e {
                Error::InvalidRequest(m) => bad(m),
                other => other,
            })
        };
        text("name", &self.name, MAX_TEXT_LEN, true)?;
        text("symbol", &self.symbol, MAX_TEXT_LEN, true)?;
        text("description", &self.description, MAX_DESCRIPTION_LEN, false)?;
        text("uri", &self.uri, MAX_TEXT_LEN, false)?;
        text("uri_hash", &self.uri_hash, MAX_TEXT_LEN, false)?;
        validate_denom(&self.base).map_err(|e| bad(format!("base: {e}")))?;
        validate_denom(&self.display).map_err(|e| bad(format!("display: {e}")))?;
        let Some(first) = self.denom_units.first() else {
            return Err(bad("denom_units must list at least the base unit".into()));
        };
        if first.denom != self.base || first.exponent != 0 {
            return Err(bad(format!(
                "the first denom unit must be the base {} with exponent 0",
                self.base
            )));
        }
        if self.denom_units.len() > MAX_DENOM_UNITS {
            return Err(bad(format!("at most {MAX_DENOM_UNITS} denom units")));
        }
        let mut names = BTreeSet::new();
        let mut last_exponent = None;
        for unit in &self.denom_units {
            if last_exponent.is_some_and(|e| unit.exponent <= e) {
                return Err(bad(format!(
                    "denom unit {} must have a larger exponent than the unit before it",
                    unit.denom
                )));
            }
            last_exponent = Some(unit.exponent);
            if unit.aliases.len() > MAX_DENOM_ALIASES {
                return Err(bad(format!(
                    "denom unit {} has more than {MAX_DENOM_ALIASES} aliases",
                    unit.denom
                )));
            }
            for name in std::iter::once(&unit.denom).chain(&unit.aliases) {
                validate_denom(name).map_err(|e| bad(format!("denom unit: {e}")))?;
                if !names.insert(name.as_str()) {
                    return Err(bad(format!("{name} is listed twice in denom_units")));
                }
            }
        }
        if !self.denom_units.iter().any(|u| u.denom == self.display) {
            return Err(bad(format!(
                "display {} must be one of the denom units",
                self.display
            )));
        }
        Ok(())
    }
}

/// Where a service's slashed tokens go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SlashDestination {
    /// Destroyed: total supply drops.
    Burn,
    /// Paid to the service admin's account.
    Service,
    /// Paid to a named recipient (for example to redistribute to the victims).
    Recipient {
        /// The recipient.
        address: Address,
    },
}

/// A service's slashing rules (docs/slashing.md §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct SlashingRules {
    /// The only address that may submit slashes.
    pub slasher: Address,
    /// Largest fraction one slash may take, in (0, 1].
    pub max_incident_fraction: Dec,
    /// Largest sum of fractions submitted within `window`, in (0, 1].
    pub max_window_fraction: Dec,
    /// Length of the rolling window.
    pub window: Duration,
    /// Time between submission and execution; zero executes at once.
    pub veto_window: Duration,
    /// The only address that may veto (required when `veto_window` is positive).
    pub resolver: Option<Address>,
    /// Where slashed tokens go.
    pub destination: SlashDestination,
}

impl SlashingRules {
    /// Fractions in (0, 1] with the window cap at least the incident cap, a positive window, and a
    /// resolver whenever there is a veto window.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: &str| -> Error { SlashingError::InvalidRules(m.into()).into() };
        for (name, f) in [
            ("max_incident_fraction", self.max_incident_fraction),
            ("max_window_fraction", self.max_window_fraction),
        ] {
            if f.is_zero() || f > Dec::ONE {
                return Err(bad(&format!("{name} must be in (0, 1]")));
            }
        }
        if self.max_window_fraction < self.max_incident_fraction {
            return Err(bad(
                "max_window_fraction must be at least max_incident_fraction",
            ));
        }
        if self.window.is_zero() {
            return Err(bad("window must be positive"));
        }
        if !self.veto_window.is_zero() && self.resolver.is_none() {
            return Err(bad("a veto window needs a resolver"));
        }
        Ok(())
    }
}

/// Module params of slashing and commission governance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct SlashingParams {
    /// Delay before new slashing rules take effect, so restakers can leave first.
    pub rules_change_delay: Duration,
    /// Delay before an operator's commission change takes effect.
    pub commission_change_delay: Duration,
    /// Largest change of an operator's commission rate in one step.
    pub max_commission_step: Dec,
}

impl Default for SlashingParams {
    fn default() -> Self {
        Self {
            rules_change_delay: Duration::from_hours(72),
            commission_change_delay: Duration::from_hours(24),
            max_commission_step: Dec::from_raw(primitive_types::U256([
                50_000_000_000_000_000,
                0,
                0,
                0,
            ])),
        }
    }
}

impl SlashingParams {
    /// The step must be a positive fraction.
    pub fn validate(&self) -> Result<()> {
        if self.max_commission_step.is_zero() || self.max_commission_step > Dec::ONE {
            return Err(SlashingError::InvalidParams(
                "max_commission_step must be in (0, 1]".into(),
            )
            .into());
        }
        Ok(())
    }
}

/// Prefix of every liquid-vesting locked representation: `locked/{underlying denom}`.
pub const LOCKED_DENOM_PREFIX: &str = "locked/";

/// The locked representation of `denom`, checked against [`validate_denom`]. A locked denom cannot be
/// locked again: representations of representations would let coverage be counted twice.
pub fn locked_denom(denom: &str) -> Result<String> {
    validate_denom(denom)?;
    if is_locked_denom(denom) {
        return Err(LiquidVestingError::InvalidDenom(format!(
            "{} is already a locked representation; mint from its underlying denom instead",
            excerpt(denom)
        ))
        .into());
    }
    let locked = format!("{LOCKED_DENOM_PREFIX}{denom}");
    validate_denom(&locked)?;
    Ok(locked)
}

/// Whether `denom` is a locked representation (`locked/...`).
pub fn is_locked_denom(denom: &str) -> bool {
    denom.starts_with(LOCKED_DENOM_PREFIX)
}

/// The underlying denom of a locked representation, the denom its insurance fund is kept in; an error
/// naming the denom if it is not `locked/{denom}`.
pub fn underlying_denom(locked: &str) -> Result<&str> {
    match locked.strip_prefix(LOCKED_DENOM_PREFIX) {
        Some(u) if !u.is_empty() && !is_locked_denom(u) => Ok(u),
        _ => Err(LiquidVestingError::InvalidDenom(format!(
            "{} is not a locked representation; expected {LOCKED_DENOM_PREFIX}{{denom}}",
            excerpt(locked)
        ))
        .into()),
    }
}

/// Module params of liquid vesting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct LiquidVestingParams {
    /// Percent (in (0, 100]) of a user's restaked locked tokens their insurance fund must hold, in the
    /// underlying denom: 2 means 2 %.
    pub insurance_percentage: Dec,
    /// Addresses allowed to burn users' locked representations (when the tokens they stand for unlock
    /// or are clawed back elsewhere).
    pub burners: Vec<Address>,
    /// Addresses allowed to mint locked representations (bridges attesting the lock elsewhere).
    pub minters: Vec<Address>,
}

impl Default for LiquidVestingParams {
    fn default() -> Self {
        Self {
            insurance_percentage: Dec::from_int(2),
            burners: Vec::new(),
            minters: Vec::new(),
        }
    }
}

impl LiquidVestingParams {
    /// The percentage must be in (0, 100]; minters and burners are listed once each.
    pub fn validate(&self) -> Result<()> {
        if self.insurance_percentage.is_zero() || self.insurance_percentage > Dec::from_int(100) {
            return Err(LiquidVestingError::InvalidInsurancePercentage(
                self.insurance_percentage.to_string(),
            )
            .into());
        }
        for (name, list) in [("minters", &self.minters), ("burners", &self.burners)] {
            let mut seen = BTreeSet::new();
            if let Some(dup) = list.iter().find(|a| !seen.insert(**a)) {
                return Err(invalid(format!("{name} lists {dup} twice")));
            }
        }
        Ok(())
    }
}

/// Module params of the asset registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct AssetsParams {
    /// A price older than this (by block time) counts as missing, so stale prices never value stake.
    pub max_price_age: Duration,
}

impl Default for AssetsParams {
    fn default() -> Self {
        Self {
            max_price_age: Duration::from_hours(24),
        }
    }
}

impl AssetsParams {
    /// The age limit must be positive.
    pub fn validate(&self) -> Result<()> {
        if self.max_price_age.is_zero() {
            return Err(AssetsError::InvalidParams(
                "max_price_age must be greater than zero".into(),
            )
            .into());
        }
        Ok(())
    }
}

/// Largest exponent accepted: 10^18 is exact in every amount type used for valuation (fixes Q17).
pub const MAX_ASSET_EXPONENT: u32 = 18;

/// A registered asset: which off-chain ticker prices a denom, and how many decimals one whole token has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Asset {
    /// On-chain denom, e.g. `uatom`.
    pub denom: String,
    /// Price ticker, e.g. `ATOM`; several denoms may share one.
    pub ticker: String,
    /// Decimals: one whole token is 10^exponent base units.
    pub exponent: u32,
}

impl Asset {
    /// Valid denom, ticker of 1 to 10 ASCII alphanumerics, exponent at most 18.
    pub fn validate(&self) -> Result<()> {
        validate_denom(&self.denom)?;
        validate_ticker(&self.ticker)?;
        if self.exponent > MAX_ASSET_EXPONENT {
            return Err(AssetsError::InvalidExponent(self.exponent).into());
        }
        Ok(())
    }
}

/// Tickers are short alphanumeric symbols.
pub fn validate_ticker(ticker: &str) -> Result<()> {
    if ticker.is_empty() || ticker.len() > 10 || !ticker.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(AssetsError::InvalidTicker(ticker.chars().take(16).collect()).into());
    }
    Ok(())
}

/// One service a user trusts, and with which of their pools (empty = all pools).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct TrustedServiceEntry {
    /// The trusted service.
    pub service_id: ServiceId,
    /// Pools whose stake the service may use; empty = all of the user's pools.
    pub pool_ids: Vec<PoolId>,
}

/// Which services a user's pool stake secures (and can be slashed by). Default: trusts nothing.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct UserPreferences {
    /// Trusted services, at most one entry per service.
    pub trusted_services: Vec<TrustedServiceEntry>,
}

impl UserPreferences {
    /// Non-zero ids, no duplicate service, no duplicate pool within an entry.
    pub fn validate(&self) -> Result<()> {
        let mut services = BTreeSet::new();
        for entry in &self.trusted_services {
            if entry.service_id.is_zero() {
                return Err(prefs_invalid("trusted service id must not be zero"));
            }
            if !services.insert(entry.service_id) {
                return Err(prefs_invalid(format!(
                    "service {} is listed twice in preferences",
                    entry.service_id
                )));
            }
            let mut pools = BTreeSet::new();
            for pool in &entry.pool_ids {
                if pool.is_zero() {
                    return Err(prefs_invalid("trusted pool id must not be zero"));
                }
                if !pools.insert(*pool) {
                    return Err(prefs_invalid(format!(
                        "pool {pool} is listed twice for service {}",
                        entry.service_id
                    )));
                }
            }
        }
        Ok(())
    }

    /// Preferences that trust everything either trusts (a service trusted with all pools by one
    /// stays trusted with all), entries by service id and pools ascending. A removal of trust waits
    /// for the unbonding time, and until then the user's stake follows this union.
    pub fn union(&self, other: &Self) -> Self {
        let mut pools: BTreeMap<ServiceId, Option<BTreeSet<PoolId>>> = BTreeMap::new();
        for e in self.trusted_services.iter().chain(&other.trusted_services) {
            let listed = || e.pool_ids.iter().copied().collect::<BTreeSet<_>>();
            match pools.entry(e.service_id) {
                Entry::Vacant(v) => {
                    v.insert((!e.pool_ids.is_empty()).then(listed));
                }
                Entry::Occupied(mut o) => {
                    let merged = match (o.get(), e.pool_ids.is_empty()) {
                        (Some(known), false) => Some(known.union(&listed()).copied().collect()),
                        _ => None,
                    };
                    o.insert(merged);
                }
            }
        }
        Self {
            trusted_services: pools
                .into_iter()
                .map(|(service_id, pools)| TrustedServiceEntry {
                    service_id,
                    pool_ids: pools.map(|p| p.into_iter().collect()).unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// Whether the user lets `service` use their stake in `pool`.
    pub fn trusts(&self, service: ServiceId, pool: PoolId) -> bool {
        self.trusted_services.iter().any(|e| {
            e.service_id == service && (e.pool_ids.is_empty() || e.pool_ids.contains(&pool))
        })
    }
}

fn prefs_invalid(msg: impl Into<String>) -> Error {
    RestakingError::InvalidPreferences(msg.into()).into()
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidRequest(msg.into())
}

fn validate_denom_list(denoms: &[String]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for d in denoms {
        validate_denom(d)?;
        if !seen.insert(d) {
            return Err(invalid(format!("denom {d} is listed twice")));
        }
    }
    Ok(())
}

fn require_id(name: &str, zero: bool) -> Result<()> {
    if zero {
        return Err(invalid(format!("{name} must not be zero")));
    }
    Ok(())
}

fn require_text(name: &str, value: &str, max: usize, required: bool) -> Result<()> {
    if required && value.trim().is_empty() {
        return Err(invalid(format!("{name} must not be blank")));
    }
    if value.len() > max {
        return Err(invalid(format!("{name} is longer than {max} bytes")));
    }
    Ok(())
}

fn require_positive_coins(name: &str, coins: &Coins) -> Result<()> {
    if coins.is_empty() {
        return Err(invalid(format!("{name} must not be empty or zero")));
    }
    Ok(())
}

fn require_positive_coin(name: &str, coin: &Coin) -> Result<()> {
    coin.validate()?;
    if coin.is_zero() {
        return Err(invalid(format!("{name} must be positive")));
    }
    Ok(())
}

/// Most validators any set may hold, whatever the params say: a bound on the size of one message and
/// of the consensus certificates a set produces.
pub const MAX_VALIDATOR_SET_SIZE: usize = 1_024;

/// One member of the consensus validator set, as chain state and messages carry it: the node builds its
/// consensus participants and p2p peers from these records, so every field is checked before it is stored.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    BorshSerialize,
    BorshDeserialize,
)]
#[serde(deny_unknown_fields)]
pub struct ValidatorInfo {
    /// The ed25519 consensus (and p2p identity) public key: 64 lowercase hex characters.
    pub public_key: String,
    /// Where its p2p layer listens, `IP:PORT`.
    pub p2p_address: String,
    /// Voting power; positive. Simplex with ed25519 votes counts one vote per validator, so every member
    /// of a set must have the same power.
    pub power: u64,
    /// A human-readable name, for operators and explorers.
    pub name: String,
}

impl ValidatorInfo {
    /// The 32 key bytes, checked to be a canonical lowercase hex encoding of a point on the ed25519 curve
    /// (the check consensus applies when it decodes the key), so a stored set can always be used.
    pub fn key_bytes(&self) -> Result<[u8; 32]> {
        parse_validator_key(&self.public_key)
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| -> Error { ValidatorsError::InvalidValidatorSet(m).into() };
        self.key_bytes()?;
        if self.p2p_address.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad(format!(
                "validator {}: p2p_address {} is not IP:PORT (e.g. 127.0.0.1:26656)",
                self.public_key,
                excerpt(&self.p2p_address)
            )));
        }
        if self.power == 0 {
            return Err(bad(format!(
                "validator {}: power must be positive",
                self.public_key
            )));
        }
        require_text("name", &self.name, MAX_TEXT_LEN, true)
            .map_err(|e| bad(format!("validator {}: {e}", self.public_key)))
    }

    /// Checks a complete validator set: not empty, at most [`MAX_VALIDATOR_SET_SIZE`] members, every
    /// member well formed, no key or p2p address twice, and one common power (see [`Self::power`]).
    pub fn validate_set(set: &[ValidatorInfo]) -> Result<()> {
        let bad = |m: String| -> Error { ValidatorsError::InvalidValidatorSet(m).into() };
        if set.is_empty() {
            return Err(bad(
                "the set is empty; a chain needs at least one validator".into(),
            ));
        }
        if set.len() > MAX_VALIDATOR_SET_SIZE {
            return Err(bad(format!(
                "{} validators is above the hard limit of {MAX_VALIDATOR_SET_SIZE}",
                set.len()
            )));
        }
        let mut keys = BTreeSet::new();
        let mut addresses = BTreeSet::new();
        for v in set {
            v.validate()?;
            if !keys.insert(v.public_key.as_str()) {
                return Err(bad(format!("validator {} is listed twice", v.public_key)));
            }
            if !addresses.insert(v.p2p_address.as_str()) {
                return Err(bad(format!(
                    "p2p address {} is used by two validators",
                    v.p2p_address
                )));
            }
        }
        let powers: BTreeSet<u64> = set.iter().map(|v| v.power).collect();
        if powers.len() > 1 {
            return Err(bad(format!(
                "every validator must have the same power (simplex counts one vote per validator); \
                 found powers {powers:?}"
            )));
        }
        Ok(())
    }
}

/// Parses a validator's ed25519 public key: 64 lowercase hex characters encoding a curve point.
pub fn parse_validator_key(hex: &str) -> Result<[u8; 32]> {
    let bad = |m: String| -> Error { ValidatorsError::InvalidValidatorSet(m).into() };
    let bytes: [u8; 32] = crate::encoding::decode_hex(hex)
        .ok()
        .filter(|_| !hex.bytes().any(|b| b.is_ascii_uppercase()))
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            bad(format!(
                "public key {} is not 64 lowercase hex characters (an encoded ed25519 key)",
                excerpt(hex)
            ))
        })?;
    if curve25519_dalek::edwards::CompressedEdwardsY(bytes)
        .decompress()
        .is_none()
    {
        return Err(bad(format!(
            "public key {hex} is not a point on the ed25519 curve; copy it from the validator's \
             config/validator_key.json"
        )));
    }
    Ok(bytes)
}

/// Defines a message struct with serde and a doc comment.
macro_rules! message {
    ($(#[$doc:meta])* $name:ident { $( $(#[$fdoc:meta])* $field:ident : $ty:ty ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $( $(#[$fdoc])* pub $field: $ty, )* }
    };
}

message!(/// Moves coins between accounts.
MsgSend { /** Sender, signs. */ from_address: Address, /** Recipient. */ to_address: Address, /** Coins moved. */ amount: Coins });

message!(/// Registers or replaces an asset (authority only).
MsgRegisterAsset { /** The genesis authority. */ authority: Address, /** The asset. */ asset: Asset });
message!(/// Removes an asset (authority only).
MsgDeregisterAsset { /** The genesis authority. */ authority: Address, /** Denom to remove. */ denom: String });
message!(/// Posts the USD price of one whole token of a ticker, observed at `time` (authority only).
MsgPostPrice { /** The genesis authority. */ authority: Address, /** Ticker priced. */ ticker: String,
    /** USD per whole token. */ price: Dec, /** When the price was observed; not after the block time. */ time: Timestamp });
message!(/// Replaces the assets params (authority only).
MsgUpdateAssetsParams { /** The genesis authority. */ authority: Address, /** New params. */ params: AssetsParams });

message!(/// Registers a new operator owned by the sender.
MsgRegisterOperator { /** Becomes the admin. */ sender: Address, /** Display name. */ moniker: String,
    /** Website. */ website: String, /** Picture URL. */ picture_url: String, /** Registration fee offered. */ fee_amount: Coins });
message!(/// Changes an operator's descriptive fields; `None` keeps a field.
MsgUpdateOperator { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId,
    /** New moniker. */ moniker: Option<String>, /** New website. */ website: Option<String>, /** New picture URL. */ picture_url: Option<String> });
message!(/// Starts an operator's inactivation.
MsgDeactivateOperator { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId });
message!(/// Makes an INACTIVE operator ACTIVE again.
MsgReactivateOperator { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId });
message!(/// Deletes an INACTIVE operator with no stake left.
MsgDeleteOperator { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId });
message!(/// Sets an operator's own params (commission).
MsgSetOperatorParams { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId, /** New params. */ params: OperatorParams });
message!(/// Hands an operator to a new admin.
MsgTransferOperatorOwnership { /** Current admin. */ sender: Address, /** Operator. */ operator_id: OperatorId, /** New admin. */ new_admin: Address });
message!(/// Replaces the operators params (authority only).
MsgUpdateOperatorsParams { /** The genesis authority. */ authority: Address, /** New params. */ params: OperatorsParams });

message!(/// Creates a service owned by the sender, in status CREATED.
MsgCreateService { /** Becomes the admin. */ sender: Address, /** Name. */ name: String, /** Description. */ description: String,
    /** Website. */ website: String, /** Picture URL. */ picture_url: String, /** Registration fee offered. */ fee_amount: Coins });
message!(/// Changes a service's descriptive fields; `None` keeps a field.
MsgUpdateService { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** New name. */ name: Option<String>,
    /** New description. */ description: Option<String>, /** New website. */ website: Option<String>, /** New picture URL. */ picture_url: Option<String> });
message!(/// Activates a service so it can be joined and delegated to.
MsgActivateService { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId });
message!(/// Deactivates an ACTIVE service.
MsgDeactivateService { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId });
message!(/// Deletes a non-ACTIVE service with no stake left.
MsgDeleteService { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId });
message!(/// Hands a service to a new admin.
MsgTransferServiceOwnership { /** Current admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** New admin. */ new_admin: Address });
message!(/// Sets a service's own params (accepted denoms).
MsgSetServiceParams { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** New params. */ service_params: ServiceParams });
message!(/// Marks a service as accredited (authority only).
MsgAccreditService { /** The genesis authority. */ authority: Address, /** Service. */ service_id: ServiceId });
message!(/// Removes a service's accreditation (authority only).
MsgRevokeServiceAccreditation { /** The genesis authority. */ authority: Address, /** Service. */ service_id: ServiceId });
message!(/// Replaces the services params (authority only).
MsgUpdateServicesParams { /** The genesis authority. */ authority: Address, /** New params. */ params: ServicesParams });

message!(/// Delegates one coin to the pool of its denom (created on first use).
MsgDelegatePool { /** Delegator, signs. */ delegator: Address, /** Amount. */ amount: Coin });
message!(/// Delegates coins to an ACTIVE operator.
MsgDelegateOperator { /** Delegator, signs. */ delegator: Address, /** Operator. */ operator_id: OperatorId, /** Amount. */ amount: Coins });
message!(/// Delegates coins directly to an ACTIVE service.
MsgDelegateService { /** Delegator, signs. */ delegator: Address, /** Service. */ service_id: ServiceId, /** Amount. */ amount: Coins });
message!(/// Starts unbonding from the pool of the coin's denom.
MsgUndelegatePool { /** Delegator, signs. */ delegator: Address, /** Amount. */ amount: Coin });
message!(/// Starts unbonding from an operator.
MsgUndelegateOperator { /** Delegator, signs. */ delegator: Address, /** Operator. */ operator_id: OperatorId, /** Amount. */ amount: Coins });
message!(/// Starts unbonding from a service.
MsgUndelegateService { /** Delegator, signs. */ delegator: Address, /** Service. */ service_id: ServiceId, /** Amount. */ amount: Coins });
message!(/// An ACTIVE operator opts in to securing an ACTIVE service.
MsgJoinService { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId, /** Service. */ service_id: ServiceId });
message!(/// An operator stops securing a service.
MsgLeaveService { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId, /** Service. */ service_id: ServiceId });
message!(/// A service admin allows an operator (a non-empty list admits only listed operators).
MsgAddOperatorToAllowList { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** Operator. */ operator_id: OperatorId });
message!(/// A service admin removes an operator from its allow-list.
MsgRemoveOperatorFromAllowList { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** Operator. */ operator_id: OperatorId });
message!(/// An ACTIVE service starts borrowing security from a pool.
MsgBorrowPoolSecurity { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** Pool. */ pool_id: PoolId });
message!(/// A service stops borrowing security from a pool.
MsgCeasePoolSecurityBorrow { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** Pool. */ pool_id: PoolId });
message!(/// Replaces the sender's trust preferences.
MsgSetUserPreferences { /** User, signs. */ user: Address, /** New preferences. */ preferences: UserPreferences });
message!(/// Replaces the restaking params (authority only).
MsgUpdateRestakingParams { /** The genesis authority. */ authority: Address, /** New params. */ params: RestakingParams });

message!(/// Creates a rewards plan for a service (service admin only).
MsgCreateRewardsPlan { /** Service admin. */ sender: Address, /** Service paying. */ service_id: ServiceId,
    /** Plan terms. */ terms: PlanTerms, /** Creation fee offered. */ fee_amount: Coins });
message!(/// Replaces a running plan's terms (service admin only).
MsgEditRewardsPlan { /** Service admin. */ sender: Address, /** Plan. */ plan_id: u64, /** New terms. */ terms: PlanTerms });
message!(/// Adds coins of the plan's denom to a plan's account (anyone may fund).
MsgFundRewardsPlan { /** Funder, signs. */ sender: Address, /** Plan. */ plan_id: u64, /** Coins added. */ amount: Coin });
message!(/// Sets where the sender's rewards (and, for an operator admin, commission) are paid.
MsgSetWithdrawAddress { /** Delegator or operator admin. */ sender: Address, /** Recipient. */ withdraw_address: Address });
message!(/// Pays a delegation's accrued rewards.
MsgWithdrawDelegatorReward { /** Delegator, signs. */ delegator: Address, /** Kind of target. */ delegation_type: DelegationKind,
    /** Target id. */ target_id: u32 });
message!(/// Pays an operator's accumulated commission to its admin (or the admin's withdraw address).
MsgWithdrawOperatorCommission { /** Operator admin. */ sender: Address, /** Operator. */ operator_id: OperatorId });
message!(/// Sets a service's slashing rules; they take effect after the rules change delay (service admin only).
MsgSetSlashingRules { /** Service admin. */ sender: Address, /** Service. */ service_id: ServiceId, /** New rules. */ rules: SlashingRules });
message!(/// Slashes one operator's stake, or the service's whole security (`operator_id` absent), for an infraction.
MsgSubmitSlash { /** The service's slasher. */ slasher: Address, /** Service. */ service_id: ServiceId,
    /** Operator slashed; absent = the whole security. */ operator_id: Option<OperatorId>, /** Fraction taken, in (0, 1]. */ fraction: Dec,
    /** When the infraction happened. */ infraction_time: Timestamp, /** Why (at most 1000 bytes). */ reason: String });
message!(/// Vetoes a pending slash inside its veto window (the slash's resolver only).
MsgVetoSlash { /** The resolver. */ resolver: Address, /** Slash. */ slash_id: u64 });
message!(/// Replaces the slashing params (authority only).
MsgUpdateSlashingParams { /** The genesis authority. */ authority: Address, /** New params. */ params: SlashingParams });
message!(/// Replaces the rewards params (authority only).
MsgUpdateRewardsParams { /** The genesis authority. */ authority: Address, /** New params. */ params: RewardsParams });

message!(/// Creates the denom `factory/{sender}/{subdenom}` with the sender as its admin, for the creation fee.
MsgCreateDenom { /** Creator and first admin. */ sender: Address, /** Last segment of the denom. */ subdenom: String,
    /** Creation fee offered. */ fee_amount: Coins });
message!(/// Mints coins of a factory denom to any address (denom admin only).
MsgMint { /** Denom admin. */ sender: Address, /** Coins minted, of one factory denom. */ amount: Coin,
    /** Recipient. */ mint_to_address: Address });
message!(/// Burns coins of a factory denom from the admin's own balance (denom admin only). `burn_from_address`
/// exists for wire compatibility with the reference chain and must equal the sender: an admin may never
/// take tokens out of someone else's account.
MsgBurn { /** Denom admin. */ sender: Address, /** Coins burned, of one factory denom. */ amount: Coin,
    /** Must be the sender. */ burn_from_address: Address });
message!(/// Hands a factory denom to a new admin, or renounces it for good with `None` (denom admin only).
MsgChangeAdmin { /** Denom admin. */ sender: Address, /** Factory denom. */ denom: String,
    /** New admin; `None` leaves the denom without one, fixing its supply and metadata. */ new_admin: Option<Address> });
message!(/// Sets the display metadata of a factory denom, named by `metadata.base` (denom admin only).
MsgSetDenomMetadata { /** Denom admin. */ sender: Address, /** New metadata. */ metadata: DenomMetadata });
message!(/// Replaces the token factory params (authority only).
MsgUpdateTokenFactoryParams { /** The genesis authority. */ authority: Address, /** New params. */ params: TokenFactoryParams });

message!(/// Replaces the complete validator set from the next epoch boundary on (authority only).
MsgUpdateValidatorSet { /** The genesis authority. */ authority: Address, /** The complete next set. */ validators: Vec<ValidatorInfo> });
message!(/// Lifts a validator's jail, so it rejoins the set at the next epoch boundary if the set lists it
/// (authority only).
MsgUnjailValidator { /** The genesis authority. */ authority: Address, /** The validator's ed25519 key, hex. */ public_key: String });

impl MsgBurn {
    /// Burning from another account is refused: an admin must never be able to take users' tokens.
    pub fn require_own_balance(&self) -> Result<()> {
        if self.burn_from_address != self.sender {
            return Err(Error::Unauthorized(format!(
                "{} may only burn from its own balance, not from {}; admins cannot take users' tokens",
                self.sender, self.burn_from_address
            )));
        }
        Ok(())
    }
}

message!(/// Mints `locked/{denom}` for each coin to `receiver` (minters only): the receiver's tokens are
/// locked elsewhere and this representation lets them be restaked.
MsgMintLockedRepresentation { /** A minter in the params. */ sender: Address, /** Who gets the representation. */ receiver: Address,
    /** Coins of the underlying denoms. */ amount: Coins });
message!(/// Burns a user's locked representations (burners only); what the user holds liquid is burned now,
/// the rest is force-unbonded from their delegations and burned when the unbonding completes.
MsgBurnLockedRepresentation { /** A burner in the params. */ sender: Address, /** Whose tokens are burned. */ user: Address,
    /** Coins of `locked/...` denoms. */ amount: Coins });
message!(/// Deposits coins into the sender's insurance fund, which covers restaking of their locked tokens.
MsgDepositInsuranceFund { /** Depositor, signs. */ depositor: Address, /** Coins of underlying denoms. */ amount: Coins });
message!(/// Withdraws coins from the sender's insurance fund while what remains still covers their restaked
/// locked tokens.
MsgWithdrawInsuranceFund { /** Fund owner, signs. */ sender: Address, /** Coins withdrawn. */ amount: Coins });
message!(/// Replaces the liquid-vesting params (authority only).
MsgUpdateLiquidVestingParams { /** The genesis authority. */ authority: Address, /** New params. */ params: LiquidVestingParams });

/// Declares the `Msg` enum, its type URLs and signers in one table so none can drift from another.
macro_rules! msg_enum {
    ($( $variant:ident => $url:literal, $signer:ident ; )*) => {
        /// Any message a transaction can carry, tagged by its stable type URL.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "@type")]
        pub enum Msg {
            $(
                #[doc = concat!("`", $url, "`")]
                #[serde(rename = $url)]
                $variant($variant),
            )*
        }

        impl Msg {
            /// The stable type URL.
            pub fn type_url(&self) -> &'static str {
                match self { $( Msg::$variant(_) => $url, )* }
            }

            /// The one account that must sign this message.
            pub fn signer(&self) -> Address {
                match self { $( Msg::$variant(m) => m.$signer, )* }
            }
        }

        $(
            impl From<$variant> for Msg {
                fn from(m: $variant) -> Self { Msg::$variant(m) }
            }
        )*
    };
}

msg_enum! {
    MsgSend => "/phalanx.bank.v1.MsgSend", from_address;
    MsgRegisterAsset => "/phalanx.assets.v1.MsgRegisterAsset", authority;
    MsgDeregisterAsset => "/phalanx.assets.v1.MsgDeregisterAsset", authority;
    MsgPostPrice => "/phalanx.assets.v1.MsgPostPrice", authority;
    MsgUpdateAssetsParams => "/phalanx.assets.v1.MsgUpdateParams", authority;
    MsgRegisterOperator => "/phalanx.operators.v1.MsgRegisterOperator", sender;
    MsgUpdateOperator => "/phalanx.operators.v1.MsgUpdateOperator", sender;
    MsgDeactivateOperator => "/phalanx.operators.v1.MsgDeactivateOperator", sender;
    MsgReactivateOperator => "/phalanx.operators.v1.MsgReactivateOperator", sender;
    MsgDeleteOperator => "/phalanx.operators.v1.MsgDeleteOperator", sender;
    MsgSetOperatorParams => "/phalanx.operators.v1.MsgSetOperatorParams", sender;
    MsgTransferOperatorOwnership => "/phalanx.operators.v1.MsgTransferOperatorOwnership", sender;
    MsgUpdateOperatorsParams => "/phalanx.operators.v1.MsgUpdateParams", authority;
    MsgCreateService => "/phalanx.services.v1.MsgCreateService", sender;
    MsgUpdateService => "/phalanx.services.v1.MsgUpdateService", sender;
    MsgActivateService => "/phalanx.services.v1.MsgActivateService", sender;
    MsgDeactivateService => "/phalanx.services.v1.MsgDeactivateService", sender;
    MsgDeleteService => "/phalanx.services.v1.MsgDeleteService", sender;
    MsgTransferServiceOwnership => "/phalanx.services.v1.MsgTransferServiceOwnership", sender;
    MsgSetServiceParams => "/phalanx.services.v1.MsgSetServiceParams", sender;
    MsgAccreditService => "/phalanx.services.v1.MsgAccreditService", authority;
    MsgRevokeServiceAccreditation => "/phalanx.services.v1.MsgRevokeServiceAccreditation", authority;
    MsgUpdateServicesParams => "/phalanx.services.v1.MsgUpdateParams", authority;
    MsgDelegatePool => "/phalanx.restaking.v1.MsgDelegatePool", delegator;
    MsgDelegateOperator => "/phalanx.restaking.v1.MsgDelegateOperator", delegator;
    MsgDelegateService => "/phalanx.restaking.v1.MsgDelegateService", delegator;
    MsgUndelegatePool => "/phalanx.restaking.v1.MsgUndelegatePool", delegator;
    MsgUndelegateOperator => "/phalanx.restaking.v1.MsgUndelegateOperator", delegator;
    MsgUndelegateService => "/phalanx.restaking.v1.MsgUndelegateService", delegator;
    MsgJoinService => "/phalanx.restaking.v1.MsgJoinService", sender;
    MsgLeaveService => "/phalanx.restaking.v1.MsgLeaveService", sender;
    MsgAddOperatorToAllowList => "/phalanx.restaking.v1.MsgAddOperatorToAllowList", sender;
    MsgRemoveOperatorFromAllowList => "/phalanx.restaking.v1.MsgRemoveOperatorFromAllowList", sender;
    MsgBorrowPoolSecurity => "/phalanx.restaking.v1.MsgBorrowPoolSecurity", sender;
    MsgCeasePoolSecurityBorrow => "/phalanx.restaking.v1.MsgCeasePoolSecurityBorrow", sender;
    MsgSetUserPreferences => "/phalanx.restaking.v1.MsgSetUserPreferences", user;
    MsgUpdateRestakingParams => "/phalanx.restaking.v1.MsgUpdateParams", authority;
    MsgCreateRewardsPlan => "/phalanx.rewards.v1.MsgCreateRewardsPlan", sender;
    MsgEditRewardsPlan => "/phalanx.rewards.v1.MsgEditRewardsPlan", sender;
    MsgFundRewardsPlan => "/phalanx.rewards.v1.MsgFundRewardsPlan", sender;
    MsgSetWithdrawAddress => "/phalanx.rewards.v1.MsgSetWithdrawAddress", sender;
    MsgWithdrawDelegatorReward => "/phalanx.rewards.v1.MsgWithdrawDelegatorReward", delegator;
    MsgWithdrawOperatorCommission => "/phalanx.rewards.v1.MsgWithdrawOperatorCommission", sender;
    MsgUpdateRewardsParams => "/phalanx.rewards.v1.MsgUpdateParams", authority;
    MsgSetSlashingRules => "/phalanx.slashing.v1.MsgSetSlashingRules", sender;
    MsgSubmitSlash => "/phalanx.slashing.v1.MsgSubmitSlash", slasher;
    MsgVetoSlash => "/phalanx.slashing.v1.MsgVetoSlash", resolver;
    MsgUpdateSlashingParams => "/phalanx.slashing.v1.MsgUpdateParams", authority;
    MsgCreateDenom => "/phalanx.tokenfactory.v1.MsgCreateDenom", sender;
    MsgMint => "/phalanx.tokenfactory.v1.MsgMint", sender;
    MsgBurn => "/phalanx.tokenfactory.v1.MsgBurn", sender;
    MsgChangeAdmin => "/phalanx.tokenfactory.v1.MsgChangeAdmin", sender;
    MsgSetDenomMetadata => "/phalanx.tokenfactory.v1.MsgSetDenomMetadata", sender;
    MsgUpdateTokenFactoryParams => "/phalanx.tokenfactory.v1.MsgUpdateParams", authority;
    MsgMintLockedRepresentation => "/phalanx.liquidvesting.v1.MsgMintLockedRepresentation", sender;
    MsgBurnLockedRepresentation => "/phalanx.liquidvesting.v1.MsgBurnLockedRepresentation", sender;
    MsgDepositInsuranceFund => "/phalanx.liquidvesting.v1.MsgDepositInsuranceFund", depositor;
    MsgWithdrawInsuranceFund => "/phalanx.liquidvesting.v1.MsgWithdrawInsuranceFund", sender;
    MsgUpdateLiquidVestingParams => "/phalanx.liquidvesting.v1.MsgUpdateParams", authority;
    MsgUpdateValidatorSet => "/phalanx.validators.v1.MsgUpdateValidatorSet", authority;
    MsgUnjailValidator => "/phalanx.validators.v1.MsgUnjailValidator", authority;
}

impl Msg {
    /// Checks that need no state: ids non-zero, amounts positive, text within bounds, params well formed.
    pub fn validate_stateless(&self) -> Result<()> {
        match self {
            Msg::MsgSend(m) => require_positive_coins("amount", &m.amount),
            Msg::MsgRegisterAsset(m) => m.asset.validate(),
            Msg::MsgDeregisterAsset(m) => Ok(validate_denom(&m.denom)?),
            Msg::MsgPostPrice(m) => {
                validate_ticker(&m.ticker)?;
                if m.price.is_zero() {
                    return Err(AssetsError::InvalidPrice(
                        "price must be positive; deregister the asset instead".into(),
                    )
                    .into());
                }
                Ok(())
            }
            Msg::MsgUpdateAssetsParams(m) => m.params.validate(),
            Msg::MsgRegisterOperator(m) => {
                require_text("moniker", &m.moniker, MAX_TEXT_LEN, true)?;
                require_text("website", &m.website, MAX_TEXT_LEN, false)?;
                require_text("picture_url", &m.picture_url, MAX_TEXT_LEN, false)
            }
            Msg::MsgUpdateOperator(m) => {
                require_id("operator_id", m.operator_id.is_zero())?;
                if let Some(v) = &m.moniker {
                    require_text("moniker", v, MAX_TEXT_LEN, true)?;
                }
                if let Some(v) = &m.website {
                    require_text("website", v, MAX_TEXT_LEN, false)?;
                }
                if let Some(v) = &m.picture_url {
                    require_text("picture_url", v, MAX_TEXT_LEN, false)?;
                }
                Ok(())
            }
            Msg::MsgDeactivateOperator(MsgDeactivateOperator { operator_id, .. })
            | Msg::MsgReactivateOperator(MsgReactivateOperator { operator_id, .. })
            | Msg::MsgDeleteOperator(MsgDeleteOperator { operator_id, .. })
            | Msg::MsgTransferOperatorOwnership(MsgTransferOperatorOwnership {
                operator_id, ..
            }) => require_id("operator_id", operator_id.is_zero()),
            Msg::MsgSetOperatorParams(m) => {
                require_id("operator_id", m.operator_id.is_zero())?;
                m.params.validate()
            }
            Msg::MsgUpdateOperatorsParams(m) => m.params.validate(),
            Msg::MsgCreateService(m) => {
                require_text("name", &m.name, MAX_TEXT_LEN, true)?;
                require_text("description", &m.description, MAX_DESCRIPTION_LEN, false)?;
                require_text("website", &m.website, MAX_TEXT_LEN, false)?;
                require_text("picture_url", &m.picture_url, MAX_TEXT_LEN, false)
            }
            Msg::MsgUpdateService(m) => {
                require_id("service_id", m.service_id.is_zero())?;
                if let Some(v) = &m.name {
                    require_text("name", v, MAX_TEXT_LEN, true)?;
                }
                if let Some(v) = &m.description {
                    require_text("description", v, MAX_DESCRIPTION_LEN, false)?;
                }
                if let Some(v) = &m.website {
                    require_text("website", v, MAX_TEXT_LEN, false)?;
                }
                if let Some(v) = &m.picture_url {
                    require_text("picture_url", v, MAX_TEXT_LEN, false)?;
                }
                Ok(())
            }
            Msg::MsgActivateService(MsgActivateService { service_id, .. })
            | Msg::MsgDeactivateService(MsgDeactivateService { service_id, .. })
            | Msg::MsgDeleteService(MsgDeleteService { service_id, .. })
            | Msg::MsgTransferServiceOwnership(MsgTransferServiceOwnership {
                service_id, ..
            })
            | Msg::MsgAccreditService(MsgAccreditService { service_id, .. })
            | Msg::MsgRevokeServiceAccreditation(MsgRevokeServiceAccreditation {
                service_id,
                ..
            }) => require_id("service_id", service_id.is_zero()),
            Msg::MsgSetServiceParams(m) => {
                require_id("service_id", m.service_id.is_zero())?;
                m.service_params.validate()
            }
            Msg::MsgUpdateServicesParams(_) => Ok(()),
            Msg::MsgDelegatePool(MsgDelegatePool { amount, .. })
            | Msg::MsgUndelegatePool(MsgUndelegatePool { amount, .. }) => {
                require_positive_coin("amount", amount)
            }
            Msg::MsgDelegateOperator(MsgDelegateOperator {
                operator_id,
                amount,
                ..
            })
            | Msg::MsgUndelegateOperator(MsgUndelegateOperator {
                operator_id,
                amount,
                ..
            }) => {
                require_id("operator_id", operator_id.is_zero())?;
                require_positive_coins("amount", amount)
            }
            Msg::MsgDelegateService(MsgDelegateService {
                service_id, amount, ..
            })
            | Msg::MsgUndelegateService(MsgUndelegateService {
                service_id, amount, ..
            }) => {
                require_id("service_id", service_id.is_zero())?;
                require_positive_coins("amount", amount)
            }
            Msg::MsgJoinService(MsgJoinService {
                operator_id,
                service_id,
                ..
            })
            | Msg::MsgLeaveService(MsgLeaveService {
                operator_id,
                service_id,
                ..
            })
            | Msg::MsgAddOperatorToAllowList(MsgAddOperatorToAllowList {
                operator_id,
                service_id,
                ..
            })
            | Msg::MsgRemoveOperatorFromAllowList(MsgRemoveOperatorFromAllowList {
                operator_id,
                service_id,
                ..
            }) => {
                require_id("operator_id", operator_id.is_zero())?;
                require_id("service_id", service_id.is_zero())
            }
            Msg::MsgBorrowPoolSecurity(MsgBorrowPoolSecurity {
                service_id,
                pool_id,
                ..
            })
            | Msg::MsgCeasePoolSecurityBorrow(MsgCeasePoolSecurityBorrow {
                service_id,
                pool_id,
                ..
            }) => {
                require_id("service_id", service_id.is_zero())?;
                require_id("pool_id", pool_id.is_zero())
            }
            Msg::MsgSetUserPreferences(m) => m.preferences.validate(),
            Msg::MsgUpdateRestakingParams(m) => m.params.validate(),
            Msg::MsgCreateRewardsPlan(m) => {
                require_id("service_id", m.service_id.is_zero())?;
                m.terms.validate()
            }
            Msg::MsgEditRewardsPlan(m) => {
                require_id("plan_id", m.plan_id == 0)?;
                m.terms.validate()
            }
            Msg::MsgFundRewardsPlan(m) => {
                require_id("plan_id", m.plan_id == 0)?;
                require_positive_coin("amount", &m.amount)
            }
            Msg::MsgSetWithdrawAddress(_) | Msg::MsgUpdateRewardsParams(_) => Ok(()),
            Msg::MsgSetSlashingRules(m) => {
                require_id("service_id", m.service_id.is_zero())?;
                m.rules.validate()
            }
            Msg::MsgSubmitSlash(m) => {
                require_id("service_id", m.service_id.is_zero())?;
                if let Some(op) = m.operator_id {
                    require_id("operator_id", op.is_zero())?;
                }
                if m.fraction.is_zero() || m.fraction > Dec::ONE {
                    return Err(invalid("fraction must be in (0, 1]"));
                }
                require_text("reason", &m.reason, MAX_DESCRIPTION_LEN, false)
            }
            Msg::MsgVetoSlash(m) => require_id("slash_id", m.slash_id == 0),
            Msg::MsgUpdateSlashingParams(m) => m.params.validate(),
            Msg::MsgWithdrawDelegatorReward(m) => require_id("target_id", m.target_id == 0),
            Msg::MsgWithdrawOperatorCommission(m) => {
                require_id("operator_id", m.operator_id.is_zero())
            }
            Msg::MsgCreateDenom(m) => factory_denom(&m.sender, &m.subdenom).map(drop),
            Msg::MsgMint(MsgMint { amount, .. }) => {
                require_positive_coin("amount", amount)?;
                parse_factory_denom(&amount.denom).map(drop)
            }
            Msg::MsgBurn(m) => {
                require_positive_coin("amount", &m.amount)?;
                parse_factory_denom(&m.amount.denom)?;
                m.require_own_balance()
            }
            Msg::MsgChangeAdmin(m) => parse_factory_denom(&m.denom).map(drop),
            Msg::MsgSetDenomMetadata(m) => {
                m.metadata.validate()?;
                parse_factory_denom(&m.metadata.base).map(drop)
            }
            Msg::MsgUpdateTokenFactoryParams(_) => Ok(()),
            Msg::MsgMintLockedRepresentation(m) => {
                require_positive_coins("amount", &m.amount)?;
                m.amount
                    .iter()
                    .try_for_each(|c| locked_denom(&c.denom).map(drop))
            }
            Msg::MsgBurnLockedRepresentation(m) => {
                require_positive_coins("amount", &m.amount)?;
                m.amount
                    .iter()
                    .try_for_each(|c| underlying_denom(&c.denom).map(drop))
            }
            Msg::MsgDepositInsuranceFund(MsgDepositInsuranceFund { amount, .. })
            | Msg::MsgWithdrawInsuranceFund(MsgWithdrawInsuranceFund { amount, .. }) => {
                require_positive_coins("amount", amount)?;
                match amount.iter().find(|c| is_locked_denom(&c.denom)) {
                    Some(c) => Err(LiquidVestingError::InvalidDenom(format!(
                        "{} is a locked representation; insurance funds hold underlying denoms",
                        c.denom
                    ))
                    .into()),
                    None => Ok(()),
                }
            }
            Msg::MsgUpdateLiquidVestingParams(m) => m.params.validate(),
            Msg::MsgUpdateValidatorSet(m) => ValidatorInfo::validate_set(&m.validators),
            Msg::MsgUnjailValidator(m) => parse_validator_key(&m.public_key).map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> Address {
        Address::module("test")
    }

    #[test]
    fn messages_round_trip_through_json_with_type_url() {
        let msg = Msg::from(MsgDelegatePool {
            delegator: addr(),
            amount: Coin::new("uatom", 5),
        });
        let json = serde_json::to_string(&msg).unwrap();
        assert!(json.contains("\"@type\":\"/phalanx.restaking.v1.MsgDelegatePool\""));
        assert!(json.contains("\"amount\":\"5\""));
        assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), msg);
        assert_eq!(msg.signer(), addr());
    }

    #[test]
    fn stateless_checks_reject_zero_ids_and_amounts() {
        let zero_id = Msg::from(MsgJoinService {
            sender: addr(),
            operator_id: OperatorId(0),
            service_id: ServiceId(1),
        });
        assert!(zero_id.validate_stateless().is_err());
        let zero_amount = Msg::from(MsgDelegatePool {
            delegator: addr(),
            amount: Coin::new("uatom", 0),
        });
        assert!(zero_amount.validate_stateless().is_err());
        let blank = Msg::from(MsgRegisterOperator {
            sender: addr(),
            moniker: "  ".into(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        });
        assert!(blank.validate_stateless().is_err());
    }

    #[test]
    fn preferences_validation_and_trust() {
        let prefs = UserPreferences {
            trusted_services: vec![
                TrustedServiceEntry {
                    service_id: ServiceId(1),
                    pool_ids: vec![],
                },
                TrustedServiceEntry {
                    service_id: ServiceId(2),
                    pool_ids: vec![PoolId(3)],
                },
            ],
        };
        prefs.validate().unwrap();
        assert!(prefs.trusts(ServiceId(1), PoolId(9)));
        assert!(prefs.trusts(ServiceId(2), PoolId(3)));
        assert!(!prefs.trusts(ServiceId(2), PoolId(4)));
        assert!(!UserPreferences::default().trusts(ServiceId(1), PoolId(1)));
        let dup = UserPreferences {
            trusted_services: vec![prefs.trusted_services[0].clone(); 2],
        };
        assert!(dup.validate().is_err());
    }

    fn prefs(entries: &[(u32, &[u32])]) -> UserPreferences {
        UserPreferences {
            trusted_services: entries
                .iter()
                .map(|(s, pools)| TrustedServiceEntry {
                    service_id: ServiceId(*s),
                    pool_ids: pools.iter().map(|p| PoolId(*p)).collect(),
                })
                .collect(),
        }
    }

    /// The union trusts exactly what either side trusts, in canonical order.
    #[test]
    fn preferences_union_trusts_what_either_trusts() {
        let a = prefs(&[(3, &[2, 1]), (1, &[5]), (4, &[])]);
        let b = prefs(&[(1, &[]), (3, &[1, 7]), (2, &[9])]);
        let u = a.union(&b);
        assert_eq!(u, prefs(&[(1, &[]), (2, &[9]), (3, &[1, 2, 7]), (4, &[])]));
        u.validate().unwrap();
        assert_eq!(b.union(&a), u);
        for svc in 1..=5 {
            for pool in 1..=10 {
                let (s, p) = (ServiceId(svc), PoolId(pool));
                assert_eq!(
                    u.trusts(s, p),
                    a.trusts(s, p) || b.trusts(s, p),
                    "{svc} {pool}"
                );
            }
        }
        assert_eq!(a.union(&UserPreferences::default()), a.union(&a));
    }
}
