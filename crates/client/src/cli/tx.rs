//! `phalanxd tx <module> <action> ...`: one subcommand per message of `phalanx_types::msgs`, turned
//! into a [`Msg`] by [`TxCmd::to_msg`], checked, confirmed, signed and broadcast by [`run_tx`].

use super::io::Io;
use super::keys::unlock;
use super::output::OutputFormat;
use crate::error::{ClientError, Result};
use crate::http::{Client, TxResponse, decode_tx_response};
use crate::keyring::{KeyInfo, Keyring};
use crate::tx::{SignerData, TxOptions, build_signed_tx, check_msgs};
use clap::{Args, Subcommand, ValueEnum};
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};
use serde_json::Value;

/// Parses a duration: `72h`, `30m`, `90s`, `3d`, or the protobuf form `259200s` / `1.5s`.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let bad = || {
        format!("invalid duration {text:?}: write a number and a unit, e.g. 72h, 30m, 90s or 3d")
    };
    let t = text.trim();
    let (number, unit_secs) = if let Some(n) = t.strip_suffix('d') {
        (n, 86_400u64)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3_600)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60)
    } else if t.ends_with('s') {
        return t.parse::<Duration>().map_err(|_| bad());
    } else {
        return Err(bad());
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = number.parse().map_err(|_| bad())?;
    n.checked_mul(unit_secs)
        .and_then(|s| s.checked_mul(1_000_000_000))
        .map(Duration)
        .ok_or_else(bad)
}

/// A comma-separated list of denoms; the empty string is the empty list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenomList(pub Vec<String>);

/// Parses `uatom,utia` (or `""` for none).
pub fn parse_denom_list(text: &str) -> std::result::Result<DenomList, String> {
    let denoms: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    for d in &denoms {
        phalanx_types::coin::validate_denom(d).map_err(|e| format!("{d:?}: {e}"))?;
    }
    Ok(DenomList(denoms))
}

/// Parses one trusted service: `SERVICE_ID` (all pools) or `SERVICE_ID:POOL_ID,POOL_ID`.
pub fn parse_trust(text: &str) -> std::result::Result<TrustedServiceEntry, String> {
    let bad = || {
        format!(
            "invalid --trust {text:?}: write a service id, optionally followed by ':' and pool ids, e.g. 2 or 2:1,3"
        )
    };
    let (service, pools) = match text.split_once(':') {
        Some((s, p)) => (s, Some(p)),
        None => (text, None),
    };
    let service_id = ServiceId(service.trim().parse().map_err(|_| bad())?);
    let pool_ids = match pools {
        None => Vec::new(),
        Some(p) => p
            .split(',')
            .map(|id| id.trim().parse::<u32>().map(PoolId).map_err(|_| bad()))
            .collect::<std::result::Result<Vec<_>, _>>()?,
    };
    Ok(TrustedServiceEntry {
        service_id,
        pool_ids,
    })
}

/// Target weights of a weighted split, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightList(pub Vec<DistributionWeight>);

/// Parses target weights: `TARGET_ID:WEIGHT` pairs separated by commas, e.g. `1:3,2:1`.
pub fn parse_weights(text: &str) -> std::result::Result<WeightList, String> {
    let bad = |why: &str| {
        format!(
            "invalid weights {text:?}: {why}; write TARGET_ID:WEIGHT pairs separated by commas, e.g. 1:3,2:1"
        )
    };
    let mut weights = Vec::new();
    for pair in text.split(',').map(str::trim) {
        let (id, weight) = pair
            .split_once(':')
            .ok_or_else(|| bad(&format!("{pair:?} has no ':'")))?;
        let parse = |what: &str, n: &str| {
            n.trim()
                .parse::<u32>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| bad(&format!("{what} {n:?} is not a positive whole number")))
        };
        let target_id = parse("target id", id)?;
        let weight = parse("weight", weight)?;
        if weights
            .iter()
            .any(|w: &DistributionWeight| w.target_id == target_id)
        {
            return Err(bad(&format!("target {target_id} is listed twice")));
        }
        weights.push(DistributionWeight { target_id, weight });
    }
    Ok(WeightList(weights))
}

/// Largest `--terms-file` read, far above any valid plan.
const MAX_TERMS_FILE_BYTES: u64 = 64 * 1024;

/// Parses the JSON form of [`PlanTerms`] (as `--dry-run` prints it under "terms"); a field this
/// client does not know is an error rather than being ignored.
pub fn parse_terms_json(text: &str) -> std::result::Result<PlanTerms, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("the plan terms are not valid JSON: {e}"))?;
    let terms: PlanTerms = serde_json::from_value(value.clone()).map_err(|e| {
        format!(
            "the plan terms JSON does not match the expected form ({e}); expected {{\"description\", \
             \"amount_per_day\": {{\"denom\", \"amount\"}}, \"start_time\", \"end_time\", \
             \"pools_distribution\" and \"operators_distribution\": {{\"weight\", \"kind\": {{\"type\": \
             \"basic\" | \"egalitarian\" | \"weighted\", \"weights\": [{{\"target_id\", \"weight\"}}]}}}}, \
             \"users_distribution\": {{\"weight\"}}}}"
        )
    })?;
    let known = serde_json::to_value(&terms).map_err(|e| format!("cannot read the terms: {e}"))?;
    let mut unknown = Vec::new();
    unknown_keys(&value, &known, "", &mut unknown);
    if !unknown.is_empty() {
        return Err(format!(
            "the plan terms JSON has fields this client does not know: {}",
            unknown.join(", ")
        ));
    }
    Ok(terms)
}

/// Collects the object keys of `given` that `known` (the same value re-serialized) lacks, by path.
fn unknown_keys(given: &Value, known: &Value, path: &str, out: &mut Vec<String>) {
    match (given, known) {
        (Value::Object(g), Value::Object(k)) => {
            for (key, value) in g {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match k.get(key) {
                    Some(inner) => unknown_keys(value, inner, &here, out),
                    None => out.push(here),
                }
            }
        }
        (Value::Array(g), Value::Array(k)) => {
            for (index, (value, inner)) in g.iter().zip(k).enumerate() {
                unknown_keys(value, inner, &format!("{path}[{index}]"), out);
            }
        }
        _ => {}
    }
}

/// Options of every `tx` command: who signs, the fee, and how to broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct SignOpts {
    /// Name (or address) of the key that signs; see `phalanxd keys list`.
    #[arg(long, global = true, value_name = "NAME")]
    pub from: Option<String>,
    /// Sign and broadcast without asking for confirmation.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Gas limit of the transaction.
    #[arg(long, global = true, value_name = "GAS", default_value_t = crate::tx::DEFAULT_GAS)]
    pub gas: u64,
    /// Fee to pay [default: gas × 0.01 uphx, rounded up; 2000uphx for the default gas].
    #[arg(long, global = true, value_name = "COINS")]
    pub fees: Option<Coins>,
    /// Note stored with the transaction.
    #[arg(long, global = true, default_value = "")]
    pub memo: String,
    /// Chain id to sign for [default: the node's, from its /status].
    #[arg(long, global = true, value_name = "ID")]
    pub chain_id: Option<String>,
    /// commit: wait until the transaction is in a block and show its result; sync: return once the
    /// node's mempool admitted it.
    #[arg(long, global = true, value_enum, default_value_t = BroadcastMode::Commit)]
    pub broadcast_mode: BroadcastMode,
    /// Check the arguments and print the message without signing or sending anything.
    #[arg(long, global = true)]
    pub dry_run: bool,
}

/// How long `tx` waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum BroadcastMode {
    /// Wait for the block and report the result.
    #[default]
    Commit,
    /// Return once the node admitted the transaction to its mempool.
    Sync,
}

/// Transactions, by module.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum TxCmd {
    /// Send coins.
    #[command(subcommand)]
    Bank(BankTx),
    /// Asset registry and prices (authority only).
    #[command(subcommand)]
    Assets(AssetsTx),
    /// Register and manage operators.
    #[command(subcommand)]
    Operators(OperatorsTx),
    /// Create and manage services.
    #[command(subcommand)]
    Services(ServicesTx),
    /// Delegate, undelegate, join services, set trust preferences.
    #[command(subcommand)]
    Restaking(RestakingTx),
    /// Slashing rules of a service, slashes and their vetoes.
    #[command(subcommand)]
    Slashing(SlashingTx),
    /// Rewards plans, withdrawals of rewards and commission.
    #[command(subcommand)]
    Rewards(RewardsTx),
    /// Create denoms factory/{creator}/{subdenom}; mint, burn, hand over and describe them.
    #[command(subcommand)]
    Tokenfactory(TokenFactoryTx),
    /// Locked representations (minters, burners) and insurance funds that let them be restaked.
    #[command(subcommand)]
    Liquidvesting(LiquidVestingTx),
    /// The consensus validator set and jails (authority only).
    #[command(subcommand)]
    Validators(ValidatorsTx),
}

/// `tx bank ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum BankTx {
    /// Send coins from --from to an address (or to a key of the keyring, by name).
    Send {
        /// Recipient address or key name.
        to: String,
        /// Coins, e.g. 1000000uatom or 5uatom,7uphx.
        amount: Coins,
    },
}

/// `tx assets ...` (signed by the genesis authority).
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AssetsTx {
    /// Register (or replace) an asset: the ticker that prices DENOM and its decimals.
    Register {
        /// On-chain denom, e.g. uatom.
        denom: String,
        /// Price ticker, e.g. ATOM.
        ticker: String,
        /// Decimals: one whole token is 10^EXPONENT base units (at most 18).
        exponent: u32,
    },
    /// Remove a registered asset.
    Deregister {
        /// The denom to remove.
        denom: String,
    },
    /// Post the USD price of one whole token of TICKER.
    PostPrice {
        /// Ticker priced, e.g. ATOM.
        ticker: String,
        /// USD per whole token, e.g. 7.25.
        price: Dec,
        /// When the price was observed (RFC 3339 UTC) [default: the latest block's time].
        #[arg(long, value_name = "TIME")]
        time: Option<Timestamp>,
    },
    /// Change the assets params; flags not given keep their current value.
    UpdateParams {
        /// A price older than this counts as missing, e.g. 24h.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        max_price_age: Option<Duration>,
    },
}

/// `tx operators ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum OperatorsTx {
    /// Register a new operator administered by --from.
    Register {
        /// Display name.
        moniker: String,
        /// Website.
        #[arg(long, default_value = "")]
        website: String,
        /// Picture URL.
        #[arg(long, default_value = "")]
        picture_url: String,
        /// Registration fee to pay, if the chain charges one (see `query operators params`).
        #[arg(long, value_name = "COINS")]
        fee_amount: Option<Coins>,
    },
    /// Change an operator's moniker, website or picture; flags not given are kept.
    Update {
        /// Operator id.
        operator_id: u32,
        /// New display name.
        #[arg(long)]
        moniker: Option<String>,
        /// New website.
        #[arg(long)]
        website: Option<String>,
        /// New picture URL.
        #[arg(long)]
        picture_url: Option<String>,
    },
    /// Start deactivating an operator (it becomes inactive after the deactivation time).
    Deactivate {
        /// Operator id.
        operator_id: u32,
    },
    /// Make an inactive operator active again.
    Reactivate {
        /// Operator id.
        operator_id: u32,
    },
    /// Delete an inactive operator that has no stake left.
    Delete {
        /// Operator id.
        operator_id: u32,
    },
    /// Set an operator's commission.
    SetParams {
        /// Operator id.
        operator_id: u32,
        /// Share of rewards the operator keeps, between 0 and 1, e.g. 0.05.
        #[arg(long, value_name = "RATE")]
        commission_rate: Dec,
    },
    /// Hand an operator to a new admin.
    TransferOwnership {
        /// Operator id.
        operator_id: u32,
        /// New admin address (or key name).
        new_admin: String,
    },
    /// Change the operators params; flags not given keep their current value (authority only).
    UpdateParams {
        /// Registration fee; any one of the coins suffices ("" for free).
        #[arg(long, value_name = "COINS")]
        registration_fee: Option<Coins>,
        /// Time from deactivation to inactive, e.g. 72h.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        deactivation_time: Option<Duration>,
    },
}

/// `tx services ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ServicesTx {
    /// Create a service administered by --from (status CREATED until activated).
    Create {
        /// Name.
        name: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
        /// Website.
        #[arg(long, default_value = "")]
        website: String,
        /// Picture URL.
        #[arg(long, default_value = "")]
        picture_url: String,
        /// Registration fee to pay, if the chain charges one (see `query services params`).
        #[arg(long, value_name = "COINS")]
        fee_amount: Option<Coins>,
    },
    /// Change a service's name, description, website or picture; flags not given are kept.
    Update {
        /// Service id.
        service_id: u32,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New description.
        #[arg(long)]
        description: Option<String>,
        /// New website.
        #[arg(long)]
        website: Option<String>,
        /// New picture URL.
        #[arg(long)]
        picture_url: Option<String>,
    },
    /// Activate a service so operators can join and users delegate.
    Activate {
        /// Service id.
        service_id: u32,
    },
    /// Deactivate an active service.
    Deactivate {
        /// Service id.
        service_id: u32,
    },
    /// Delete an inactive service with no stake left.
    Delete {
        /// Service id.
        service_id: u32,
    },
    /// Hand a service to a new admin.
    TransferOwnership {
        /// Service id.
        service_id: u32,
        /// New admin address (or key name).
        new_admin: String,
    },
    /// Set the denoms a service accepts (none: no service-level limit).
    SetParams {
        /// Service id.
        service_id: u32,
        /// Accepted denoms.
        #[arg(value_name = "DENOM")]
        allowed_denoms: Vec<String>,
    },
    /// Accredit a service (authority only).
    Accredit {
        /// Service id.
        service_id: u32,
    },
    /// Revoke a service's accreditation (authority only).
    RevokeAccreditation {
        /// Service id.
        service_id: u32,
    },
    /// Change the services params (authority only).
    UpdateParams {
        /// Registration fee; any one of the coins suffices ("" for free).
        #[arg(long, value_name = "COINS")]
        registration_fee: Option<Coins>,
    },
}

/// `tx restaking ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum RestakingTx {
    /// Delegate one coin to the pool of its denom.
    DelegatePool {
        /// Amount, e.g. 1000000uatom.
        amount: Coin,
    },
    /// Delegate coins to an active operator.
    DelegateOperator {
        /// Operator id.
        operator_id: u32,
        /// Amount, e.g. 1000000uatom or 5uatom,7utia.
        amount: Coins,
    },
    /// Delegate coins directly to an active service.
    DelegateService {
        /// Service id.
        service_id: u32,
        /// Amount.
        amount: Coins,
    },
    /// Start unbonding from the pool of the coin's denom.
    UndelegatePool {
        /// Amount.
        amount: Coin,
    },
    /// Start unbonding from an operator.
    UndelegateOperator {
        /// Operator id.
        operator_id: u32,
        /// Amount.
        amount: Coins,
    },
    /// Start unbonding from a service.
    UndelegateService {
        /// Service id.
        service_id: u32,
        /// Amount.
        amount: Coins,
    },
    /// An operator (administered by --from) starts securing a service.
    JoinService {
        /// Operator id.
        operator_id: u32,
        /// Service id.
        service_id: u32,
    },
    /// An operator stops securing a service.
    LeaveService {
        /// Operator id.
        operator_id: u32,
        /// Service id.
        service_id: u32,
    },
    /// A service admin adds an operator to the service's allow-list.
    AllowOperator {
        /// Service id.
        service_id: u32,
        /// Operator id.
        operator_id: u32,
    },
    /// A service admin removes an operator from the allow-list.
    RemoveAllowedOperator {
        /// Service id.
        service_id: u32,
        /// Operator id.
        operator_id: u32,
    },
    /// A service starts borrowing security from a pool.
    BorrowPoolSecurity {
        /// Service id.
        service_id: u32,
        /// Pool id.
        pool_id: u32,
    },
    /// A service stops borrowing security from a pool.
    CeasePoolSecurityBorrow {
        /// Service id.
        service_id: u32,
        /// Pool id.
        pool_id: u32,
    },
    /// Replace your trust preferences: which services may use (and slash) your pool stake.
    /// No --trust trusts nothing.
    SetUserPreferences {
        /// A trusted service, with all your pools (`2`) or some (`2:1,3`); repeat for several.
        #[arg(long = "trust", value_parser = parse_trust, value_name = "SERVICE[:POOLS]")]
        trust: Vec<TrustedServiceEntry>,
    },
    /// Change the restaking params; flags not given keep their current value (authority only).
    UpdateParams {
        /// How long undelegated stake stays locked, e.g. 72h.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        unbonding_time: Option<Duration>,
        /// Denoms that may be restaked, comma-separated ("" for every denom).
        #[arg(long, value_parser = parse_denom_list, value_name = "DENOMS")]
        allowed_denoms: Option<DenomList>,
        /// Most USD restaked in total (0 for no cap).
        #[arg(long, value_name = "USD")]
        restaking_cap: Option<Dec>,
        /// Most pending unbonding entries per delegator and target.
        #[arg(long, value_name = "N")]
        max_entries: Option<u32>,
    },
}

/// How one category of a plan is split among its targets (`--pools-split`, `--operators-split`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitKind {
    /// In proportion to the USD value of each target's stake.
    Basic,
    /// Equally among the targets that hold any valued stake.
    Egalitarian,
    /// By the fixed weights of `--pools-weights` / `--operators-weights`.
    Weighted,
}

/// The kind of target a delegation is made to (`tx rewards withdraw-rewards`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DelegationTarget {
    /// Stake in the pool of one denom; the target is the pool id.
    Pool,
    /// Stake delegated to an operator; the target is the operator id.
    Operator,
    /// Stake delegated directly to a service; the target is the service id.
    Service,
}

impl From<DelegationTarget> for DelegationKind {
    fn from(t: DelegationTarget) -> Self {
        match t {
            DelegationTarget::Pool => DelegationKind::Pool,
            DelegationTarget::Operator => DelegationKind::Operator,
            DelegationTarget::Service => DelegationKind::Service,
        }
    }
}

/// The terms of a rewards plan: either `--terms-file` or the flags.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct PlanTermsArgs {
    /// JSON file with the whole terms (the form `--dry-run` prints under "terms"); excludes the
    /// other term flags.
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with_all = [
            "description", "amount_per_day", "start_time", "end_time", "pools_weight", "pools_split",
            "pools_weights", "operators_weight", "operators_split", "operators_weights", "users_weight",
        ]
    )]
    pub terms_file: Option<std::path::PathBuf>,
    /// Free text, at most 1000 bytes [default: empty].
    #[arg(long)]
    pub description: Option<String>,
    /// Paid per 24 hours, pro rata per block, e.g. 1000000uphx.
    #[arg(long, value_name = "COIN", required_unless_present = "terms_file")]
    pub amount_per_day: Option<Coin>,
    /// First instant rewards accrue (RFC 3339 UTC, e.g. 2026-01-01T00:00:00Z).
    #[arg(long, value_name = "TIME", required_unless_present = "terms_file")]
    pub start_time: Option<Timestamp>,
    /// Instant the plan ends, after --start-time (RFC 3339 UTC).
    #[arg(long, value_name = "TIME", required_unless_present = "terms_file")]
    pub end_time: Option<Timestamp>,
    /// Weight of the pools category against the others [default: 0].
    #[arg(long, value_name = "N")]
    pub pools_weight: Option<u32>,
    /// How the pools category is split [default: basic, or weighted when --pools-weights is given].
    #[arg(long, value_enum, value_name = "KIND")]
    pub pools_split: Option<SplitKind>,
    /// Pool weights of a weighted split, e.g. 1:3,2:1 (pool 1 gets three quarters).
    #[arg(long, value_parser = parse_weights, value_name = "ID:WEIGHT,...")]
    pub pools_weights: Option<WeightList>,
    /// Weight of the operators category against the others [default: 0].
    #[arg(long, value_name = "N")]
    pub operators_weight: Option<u32>,
    /// How the operators category is split [default: basic, or weighted when --operators-weights is
    /// given].
    #[arg(long, value_enum, value_name = "KIND")]
    pub operators_split: Option<SplitKind>,
    /// Operator weights of a weighted split, e.g. 4:1,5:1.
    #[arg(long, value_parser = parse_weights, value_name = "ID:WEIGHT,...")]
    pub operators_weights: Option<WeightList>,
    /// Weight of the service's direct delegators against the other categories [default: 0].
    #[arg(long, value_name = "N")]
    pub users_weight: Option<u32>,
}

/// One category's distribution from its flags; `category` names them in errors (`pools`, `operators`).
fn distribution(
    category: &str,
    weight: Option<u32>,
    split: Option<SplitKind>,
    weights: &Option<WeightList>,
) -> Result<Distribution> {
    let kind = match (split, weights) {
        (None | Some(SplitKind::Weighted), Some(WeightList(w))) => {
            DistributionType::Weighted { weights: w.clone() }
        }
        (Some(SplitKind::Weighted), None) => {
            return Err(ClientError::invalid(format!(
                "--{category}-split weighted needs --{category}-weights, e.g. --{category}-weights 1:3,2:1"
            )));
        }
        (Some(kind @ (SplitKind::Basic | SplitKind::Egalitarian)), Some(_)) => {
            return Err(ClientError::invalid(format!(
                "--{category}-weights only applies to --{category}-split weighted, not {}",
                kind.to_possible_value()
                    .map(|v| v.get_name().to_owned())
                    .unwrap_or_default()
            )));
        }
        (None | Some(SplitKind::Basic), None) => DistributionType::Basic,
        (Some(SplitKind::Egalitarian), None) => DistributionType::Egalitarian,
    };
    Ok(Distribution {
        weight: weight.unwrap_or(0),
        kind,
    })
}

impl PlanTermsArgs {
    /// The terms: read from `--terms-file`, or built from the flags.
    pub fn terms(&self) -> Result<PlanTerms> {
        if let Some(path) = &self.terms_file {
            return read_terms_file(path);
        }
        let missing = |flag: &str| ClientError::invalid(format!("pass {flag} or --terms-file"));
        Ok(PlanTerms {
            description: self.description.clone().unwrap_or_default(),
            amount_per_day: self
                .amount_per_day
                .clone()
                .ok_or_else(|| missing("--amount-per-day"))?,
            start_time: self.start_time.ok_or_else(|| missing("--start-time"))?,
            end_time: self.end_time.ok_or_else(|| missing("--end-time"))?,
            pools_distribution: distribution(
                "pools",
                self.pools_weight,
                self.pools_split,
                &self.pools_weights,
            )?,
            operators_distribution: distribution(
                "operators",
                self.operators_weight,
                self.operators_split,
                &self.operators_weights,
            )?,
            users_distribution: UsersDistribution {
                weight: self.users_weight.unwrap_or(0),
            },
        })
    }
}

/// Reads and parses a `--terms-file`.
fn read_terms_file(path: &std::path::Path) -> Result<PlanTerms> {
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path)
        .map_err(|e| ClientError::invalid(format!("cannot open --terms-file {shown}: {e}")))?;
    let mut text = String::new();
    file.take(MAX_TERMS_FILE_BYTES.saturating_add(1))
        .read_to_string(&mut text)
        .map_err(|e| ClientError::invalid(format!("cannot read --terms-file {shown}: {e}")))?;
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > MAX_TERMS_FILE_BYTES {
        return Err(ClientError::invalid(format!(
            "--terms-file {shown} is larger than {MAX_TERMS_FILE_BYTES} bytes"
        )));
    }
    parse_terms_json(&text).map_err(|e| ClientError::invalid(format!("--terms-file {shown}: {e}")))
}

/// Where a service's slashed tokens go, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestinationArg {
    /// `burn`.
    Burn,
    /// `service`: the service admin's account.
    Service,
    /// Any other word: a recipient address or key name.
    Recipient(String),
}

/// Parses a slash destination: `burn`, `service`, or a recipient address (or key name).
pub fn parse_destination(text: &str) -> std::result::Result<DestinationArg, String> {
    match text.trim() {
        "" => Err("destination is empty: write burn, service, or a recipient address".into()),
        "burn" => Ok(DestinationArg::Burn),
        "service" => Ok(DestinationArg::Service),
        other => Ok(DestinationArg::Recipient(other.to_string())),
    }
}

/// `tx slashing ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum SlashingTx {
    /// Set a service's slashing rules (service admin only); they take effect after the rules change
    /// delay (see the slashing params).
    SetRules {
        /// Service id.
        service_id: u32,
        /// The only address (or key name) that may submit slashes.
        #[arg(long, value_name = "ADDRESS")]
        slasher: String,
        /// Largest fraction one slash may take, in (0, 1], e.g. 0.1.
        #[arg(long, value_name = "FRACTION")]
        max_incident_fraction: Dec,
        /// Largest sum of fractions slashed within --window, in (0, 1].
        #[arg(long, value_name = "FRACTION")]
        max_window_fraction: Dec,
        /// Length of the rolling window of --max-window-fraction, e.g. 30d.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        window: Duration,
        /// Time between submission and execution, during which the resolver may veto; 0s executes
        /// at once.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        veto_window: Duration,
        /// The only address (or key name) that may veto; required with a positive --veto-window.
        #[arg(long, value_name = "ADDRESS")]
        resolver: Option<String>,
        /// Where slashed tokens go: burn, service (the service admin), or a recipient address.
        #[arg(long, value_parser = parse_destination, value_name = "burn|service|ADDRESS")]
        destination: DestinationArg,
    },
    /// Slash one operator (--operator) or the service's whole security (the service's slasher only).
    Submit {
        /// Service id.
        service_id: u32,
        /// Fraction taken, in (0, 1], e.g. 0.05.
        fraction: Dec,
        /// When the infraction happened (RFC 3339 UTC, e.g. 2026-01-01T00:00:00Z).
        #[arg(long, value_name = "TIME")]
        infraction_time: Timestamp,
        /// Operator id to slash [default: the service's whole security].
        #[arg(long = "operator", value_name = "ID")]
        operator_id: Option<u32>,
        /// Why, at most 1000 bytes.
        #[arg(long)]
        reason: String,
    },
    /// Veto a pending slash inside its veto window (the slash's resolver only).
    Veto {
        /// Slash id.
        slash_id: u64,
    },
    /// Replace the slashing params (authority only).
    UpdateParams {
        /// Delay before new slashing rules take effect, e.g. 72h.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        rules_change_delay: Duration,
        /// Delay before an operator's commission change takes effect, e.g. 24h.
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        commission_change_delay: Duration,
        /// Largest change of an operator's commission rate in one step, in (0, 1], e.g. 0.05.
        #[arg(long, value_name = "FRACTION")]
        max_commission_step: Dec,
    },
}

fn slashing_msg(cmd: &SlashingTx, ctx: &BuildContext) -> Result<Msg> {
    let sender = ctx.signer;
    Ok(match cmd {
        SlashingTx::SetRules {
            service_id,
            slasher,
            max_incident_fraction,
            max_window_fraction,
            window,
            veto_window,
            resolver,
            destination,
        } => MsgSetSlashingRules {
            sender,
            service_id: ServiceId(*service_id),
            rules: SlashingRules {
                slasher: ctx.address(slasher)?,
                max_incident_fraction: *max_incident_fraction,
                max_window_fraction: *max_window_fraction,
                window: *window,
                veto_window: *veto_window,
                resolver: resolver.as_deref().map(|r| ctx.address(r)).transpose()?,
                destination: match destination {
                    DestinationArg::Burn => SlashDestination::Burn,
                    DestinationArg::Service => SlashDestination::Service,
                    DestinationArg::Recipient(to) => SlashDestination::Recipient {
                        address: ctx.address(to)?,
                    },
                },
            },
        }
        .into(),
        SlashingTx::Submit {
            service_id,
            fraction,
            infraction_time,
            operator_id,
            reason,
        } => MsgSubmitSlash {
            slasher: sender,
            service_id: ServiceId(*service_id),
            operator_id: operator_id.map(OperatorId),
            fraction: *fraction,
            infraction_time: *infraction_time,
            reason: reason.clone(),
        }
        .into(),
        SlashingTx::Veto { slash_id } => MsgVetoSlash {
            resolver: sender,
            slash_id: *slash_id,
        }
        .into(),
        SlashingTx::UpdateParams {
            rules_change_delay,
            commission_change_delay,
            max_commission_step,
        } => MsgUpdateSlashingParams {
            authority: sender,
            params: SlashingParams {
                rules_change_delay: *rules_change_delay,
                commission_change_delay: *commission_change_delay,
                max_commission_step: *max_commission_step,
            },
        }
        .into(),
    })
}

/// `tx rewards ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum RewardsTx {
    /// Create a rewards plan paid by a service administered by --from.
    CreatePlan {
        /// Service id.
        service_id: u32,
        /// Plan terms.
        #[command(flatten)]
        terms: Box<PlanTermsArgs>,
        /// Plan creation fee to pay, if the chain charges one (see the rewards params).
        #[arg(long, value_name = "COINS")]
        fee_amount: Option<Coins>,
    },
    /// Replace the terms of a running plan (service admin only).
    EditPlan {
        /// Plan id.
        plan_id: u64,
        /// New plan terms.
        #[command(flatten)]
        terms: Box<PlanTermsArgs>,
    },
    /// Add coins of the plan's denom to a plan (anyone may fund).
    FundPlan {
        /// Plan id.
        plan_id: u64,
        /// Amount, e.g. 1000000uphx.
        amount: Coin,
    },
    /// Set where your rewards (and, as an operator admin, commission) are paid.
    SetWithdrawAddress {
        /// Recipient address (or key name).
        withdraw_address: String,
    },
    /// Withdraw the rewards accrued by one of your delegations.
    WithdrawRewards {
        /// Kind of delegation.
        #[arg(value_enum)]
        delegation_type: DelegationTarget,
        /// Pool, operator or service id (by the kind).
        target_id: u32,
    },
    /// Withdraw an operator's accumulated commission (operator admin only).
    WithdrawCommission {
        /// Operator id.
        operator_id: u32,
    },
    /// Replace the rewards params (authority only).
    UpdateParams {
        /// Fee to create a plan; any one of the coins suffices ("" for free).
        #[arg(long, value_name = "COINS")]
        plan_creation_fee: Coins,
    },
}

fn rewards_msg(cmd: &RewardsTx, ctx: &BuildContext) -> Result<Msg> {
    let sender = ctx.signer;
    Ok(match cmd {
        RewardsTx::CreatePlan {
            service_id,
            terms,
            fee_amount,
        } => MsgCreateRewardsPlan {
            sender,
            service_id: ServiceId(*service_id),
            terms: terms.terms()?,
            fee_amount: fee_amount.clone().unwrap_or_else(Coins::empty),
        }
        .into(),
        RewardsTx::EditPlan { plan_id, terms } => MsgEditRewardsPlan {
            sender,
            plan_id: *plan_id,
            terms: terms.terms()?,
        }
        .into(),
        RewardsTx::FundPlan { plan_id, amount } => MsgFundRewardsPlan {
            sender,
            plan_id: *plan_id,
            amount: amount.clone(),
        }
        .into(),
        RewardsTx::SetWithdrawAddress { withdraw_address } => MsgSetWithdrawAddress {
            sender,
            withdraw_address: ctx.address(withdraw_address)?,
        }
        .into(),
        RewardsTx::WithdrawRewards {
            delegation_type,
            target_id,
        } => MsgWithdrawDelegatorReward {
            delegator: sender,
            delegation_type: (*delegation_type).into(),
            target_id: *target_id,
        }
        .into(),
        RewardsTx::WithdrawCommission { operator_id } => MsgWithdrawOperatorCommission {
            sender,
            operator_id: OperatorId(*operator_id),
        }
        .into(),
        RewardsTx::UpdateParams { plan_creation_fee } => MsgUpdateRewardsParams {
            authority: sender,
            params: RewardsParams {
                rewards_plan_creation_fee: plan_creation_fee.clone(),
            },
        }
        .into(),
    })
}

/// Extra units of a denom, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitList(pub Vec<DenomUnit>);

/// Parses denom units: `NAME:EXPONENT` pairs separated by commas, e.g. `gold:6,kgold:9`.
pub fn parse_units(text: &str) -> std::result::Result<UnitList, String> {
    let bad = |why: &str| {
        format!(
            "invalid units {text:?}: {why}; write NAME:EXPONENT pairs separated by commas, e.g. gold:6,kgold:9"
        )
    };
    let mut units = Vec::new();
    for pair in text.split(',').map(str::trim) {
        let (name, exponent) = pair
            .split_once(':')
            .ok_or_else(|| bad(&format!("{pair:?} has no ':'")))?;
        let exponent = exponent
            .trim()
            .parse::<u32>()
            .map_err(|_| bad(&format!("exponent {exponent:?} is not a whole number")))?;
        units.push(DenomUnit {
            denom: name.trim().to_string(),
            exponent,
            aliases: Vec::new(),
        });
    }
    Ok(UnitList(units))
}

/// The arguments of `tx tokenfactory set-denom-metadata` (boxed: they are large).
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct DenomMetadataArgs {
    /// The factory denom.
    pub denom: String,
    /// Name, e.g. "Gold Token".
    #[arg(long)]
    pub name: String,
    /// Ticker symbol, e.g. GLD.
    #[arg(long)]
    pub symbol: String,
    /// Free text, at most 1000 bytes.
    #[arg(long, default_value = "")]
    pub description: String,
    /// Larger units as NAME:EXPONENT pairs, e.g. gold:6,kgold:9.
    #[arg(long, value_parser = parse_units, value_name = "UNITS")]
    pub units: Option<UnitList>,
    /// The unit wallets show [default: the last of --units, else DENOM].
    #[arg(long)]
    pub display: Option<String>,
    /// URI of a document with more information.
    #[arg(long, default_value = "")]
    pub uri: String,
    /// Hash of the document at --uri.
    #[arg(long, default_value = "")]
    pub uri_hash: String,
}

impl DenomMetadataArgs {
    /// The metadata: DENOM with exponent 0 first, then `--units` in order.
    pub fn metadata(&self) -> DenomMetadata {
        let base = DenomUnit {
            denom: self.denom.clone(),
            exponent: 0,
            aliases: Vec::new(),
        };
        let denom_units: Vec<DenomUnit> = std::iter::once(base)
            .chain(self.units.iter().flat_map(|u| u.0.iter().cloned()))
            .collect();
        let display = match &self.display {
            Some(d) => d.clone(),
            None => denom_units
                .last()
                .map_or_else(|| self.denom.clone(), |u| u.denom.clone()),
        };
        DenomMetadata {
            description: self.description.clone(),
            denom_units,
            base: self.denom.clone(),
            display,
            name: self.name.clone(),
            symbol: self.symbol.clone(),
            uri: self.uri.clone(),
            uri_hash: self.uri_hash.clone(),
        }
    }
}

/// `tx tokenfactory ...`: denoms `factory/{creator}/{subdenom}` and their admin's actions.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum TokenFactoryTx {
    /// Create the denom factory/{--from}/SUBDENOM, administered by --from.
    CreateDenom {
        /// 1 to 44 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit.
        subdenom: String,
        /// Creation fee to pay, if the chain charges one (see the tokenfactory params).
        #[arg(long, value_name = "COINS")]
        fee_amount: Option<Coins>,
    },
    /// Mint coins of a denom you administer.
    Mint {
        /// Amount, e.g. 1000factory/phx1.../gold.
        amount: Coin,
        /// Recipient address or key name [default: --from].
        #[arg(long, value_name = "ADDRESS")]
        mint_to: Option<String>,
    },
    /// Burn coins of a denom you administer, from your own balance.
    Burn {
        /// Amount, e.g. 1000factory/phx1.../gold.
        amount: Coin,
    },
    /// Hand a denom you administer to a new admin, or renounce it for good.
    ChangeAdmin {
        /// The factory denom.
        denom: String,
        /// New admin address or key name.
        #[arg(required_unless_present = "renounce")]
        new_admin: Option<String>,
        /// Leave the denom without an admin: nobody can ever mint, burn as admin or change it again.
        #[arg(long, conflicts_with = "new_admin")]
        renounce: bool,
    },
    /// Set the display metadata of a denom you administer. DENOM is the base unit (exponent 0).
    SetDenomMetadata(Box<DenomMetadataArgs>),
    /// Replace the tokenfactory params (authority only).
    UpdateParams {
        /// Fee to create a denom; any one of the coins suffices ("" for free).
        #[arg(long, value_name = "COINS")]
        denom_creation_fee: Coins,
    },
}

fn tokenfactory_msg(cmd: &TokenFactoryTx, ctx: &BuildContext) -> Result<Msg> {
    let sender = ctx.signer;
    Ok(match cmd {
        TokenFactoryTx::CreateDenom {
            subdenom,
            fee_amount,
        } => MsgCreateDenom {
            sender,
            subdenom: subdenom.clone(),
            fee_amount: fee_amount.clone().unwrap_or_else(Coins::empty),
        }
        .into(),
        TokenFactoryTx::Mint { amount, mint_to } => MsgMint {
            sender,
            amount: amount.clone(),
            mint_to_address: match mint_to {
                Some(to) => ctx.address(to)?,
                None => sender,
            },
        }
        .into(),
        TokenFactoryTx::Burn { amount } => MsgBurn {
            sender,
            amount: amount.clone(),
            burn_from_address: sender,
        }
        .into(),
        TokenFactoryTx::ChangeAdmin {
            denom, new_admin, ..
        } => MsgChangeAdmin {
            sender,
            denom: denom.clone(),
            new_admin: new_admin.as_deref().map(|a| ctx.address(a)).transpose()?,
        }
        .into(),
        TokenFactoryTx::SetDenomMetadata(args) => MsgSetDenomMetadata {
            sender,
            metadata: args.metadata(),
        }
        .into(),
        TokenFactoryTx::UpdateParams { denom_creation_fee } => MsgUpdateTokenFactoryParams {
            authority: sender,
            params: TokenFactoryParams {
                denom_creation_fee: denom_creation_fee.clone(),
            },
        }
        .into(),
    })
}

/// `tx liquidvesting ...`: locked representations and insurance funds.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum LiquidVestingTx {
    /// Mint locked/{denom} for each coin to RECEIVER (minters only).
    MintLocked {
        /// Recipient address or key name.
        receiver: String,
        /// Coins of the underlying denoms, e.g. 1000uatom.
        amount: Coins,
    },
    /// Burn USER's locked representations (burners only); restaked ones are force-unbonded first.
    BurnLocked {
        /// Owner address or key name.
        user: String,
        /// Coins of locked denoms, e.g. 1000locked/uatom.
        amount: Coins,
    },
    /// Deposit into your insurance fund, which must cover your restaked locked tokens.
    DepositInsurance {
        /// Coins of underlying denoms, e.g. 20uatom.
        amount: Coins,
    },
    /// Withdraw from your insurance fund, keeping your restaked locked tokens covered.
    WithdrawInsurance {
        /// Coins of underlying denoms.
        amount: Coins,
    },
    /// Replace the liquidvesting params (authority only).
    UpdateParams {
        /// Percent of restaked locked tokens a fund must hold, in (0, 100], e.g. 2.
        #[arg(long, value_name = "PERCENT")]
        insurance_percentage: Dec,
        /// Minter addresses or key names, comma separated.
        #[arg(long, value_delimiter = ',', value_name = "ADDRESSES")]
        minters: Vec<String>,
        /// Burner addresses or key names, comma separated.
        #[arg(long, value_delimiter = ',', value_name = "ADDRESSES")]
        burners: Vec<String>,
    },
}

fn liquidvesting_msg(cmd: &LiquidVestingTx, ctx: &BuildContext) -> Result<Msg> {
    let sender = ctx.signer;
    let addresses =
        |list: &[String]| -> Result<Vec<Address>> { list.iter().map(|a| ctx.address(a)).collect() };
    Ok(match cmd {
        LiquidVestingTx::MintLocked { receiver, amount } => MsgMintLockedRepresentation {
            sender,
            receiver: ctx.address(receiver)?,
            amount: amount.clone(),
        }
        .into(),
        LiquidVestingTx::BurnLocked { user, amount } => MsgBurnLockedRepresentation {
            sender,
            user: ctx.address(user)?,
            amount: amount.clone(),
        }
        .into(),
        LiquidVestingTx::DepositInsurance { amount } => MsgDepositInsuranceFund {
            depositor: sender,
            amount: amount.clone(),
        }
        .into(),
        LiquidVestingTx::WithdrawInsurance { amount } => MsgWithdrawInsuranceFund {
            sender,
            amount: amount.clone(),
        }
        .into(),
        LiquidVestingTx::UpdateParams {
            insurance_percentage,
            minters,
            burners,
        } => MsgUpdateLiquidVestingParams {
            authority: sender,
            params: LiquidVestingParams {
                insurance_percentage: *insurance_percentage,
                minters: addresses(minters)?,
                burners: addresses(burners)?,
            },
        }
        .into(),
    })
}

/// `tx validators ...` (signed by the genesis authority).
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ValidatorsTx {
    /// Replace the complete validator set from the next epoch boundary on. Every validator is
    /// NAME=PUBKEY@IP:PORT, with PUBKEY the hex `public_key` of its config/validator_key.json.
    UpdateSet {
        /// The complete next set, e.g. node0=5866..66@127.0.0.1:26656 (list every validator that stays).
        #[arg(required = true, value_name = "NAME=PUBKEY@IP:PORT", value_parser = parse_validator)]
        validators: Vec<ValidatorInfo>,
        /// Voting power of every validator (simplex counts one vote each, so all are equal).
        #[arg(long, default_value_t = 1)]
        power: u64,
    },
    /// Lift the jail of a validator jailed for equivocation; it rejoins at the next epoch boundary.
    Unjail {
        /// The validator's hex ed25519 public key.
        public_key: String,
    },
}

/// Parses `NAME=PUBKEY@IP:PORT` (power is set by `--power`); the chain checks key and address.
fn parse_validator(s: &str) -> std::result::Result<ValidatorInfo, String> {
    let (name, rest) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not NAME=PUBKEY@IP:PORT"))?;
    let (public_key, p2p_address) = rest
        .split_once('@')
        .ok_or_else(|| format!("{s:?} is not NAME=PUBKEY@IP:PORT (missing @)"))?;
    Ok(ValidatorInfo {
        public_key: public_key.to_owned(),
        p2p_address: p2p_address.to_owned(),
        power: 1,
        name: name.to_owned(),
    })
}

fn validators_msg(cmd: &ValidatorsTx, ctx: &BuildContext) -> Msg {
    let authority = ctx.signer;
    match cmd {
        ValidatorsTx::UpdateSet { validators, power } => MsgUpdateValidatorSet {
            authority,
            validators: validators
                .iter()
                .map(|v| ValidatorInfo {
                    power: *power,
                    ..v.clone()
                })
                .collect(),
        }
        .into(),
        ValidatorsTx::Unjail { public_key } => MsgUnjailValidator {
            authority,
            public_key: public_key.clone(),
        }
        .into(),
    }
}

/// Current module params, for commands that change some fields and keep the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleParams {
    /// `assets` params.
    Assets(AssetsParams),
    /// `operators` params.
    Operators(OperatorsParams),
    /// `services` params.
    Services(ServicesParams),
    /// `restaking` params.
    Restaking(RestakingParams),
}

/// What turning a command into a message may need besides its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildContext {
    /// The account that signs (the `--from` key).
    pub signer: Address,
    /// Latest block time, the default observation time of a price.
    pub block_time: Timestamp,
    /// Current params of [`TxCmd::params_module`]'s module, when it names one.
    pub params: Option<ModuleParams>,
    /// Keys of the keyring, so arguments may name a key instead of an address.
    pub keys: Vec<KeyInfo>,
}

impl BuildContext {
    /// An address argument: a `phx1...` address or the name of a key.
    pub fn address(&self, text: &str) -> Result<Address> {
        if let Ok(a) = text.parse::<Address>() {
            return Ok(a);
        }
        self.keys
            .iter()
            .find(|k| k.name == text)
            .map(|k| k.address)
            .ok_or_else(|| {
                ClientError::invalid(format!(
                    "{text:?} is neither a phx1... address nor the name of a key (see `phalanxd keys list`)"
                ))
            })
    }

    fn missing_params(module: &str) -> ClientError {
        ClientError::invalid(format!(
            "the current {module} params are needed to build this message; query them with `phalanxd query {module} params`"
        ))
    }
}

fn nothing_to_change(flags: &str) -> ClientError {
    ClientError::invalid(format!("nothing to change: pass at least one of {flags}"))
}

/// Fee to offer for a registration: the one given, or none when the chain charges none.
fn registration_fee(
    given: &Option<Coins>,
    required: &Coins,
    what: &str,
    flag: &str,
) -> Result<Coins> {
    match given {
        Some(fee) => Ok(fee.clone()),
        None if required.is_empty() => Ok(Coins::empty()),
        None => Err(ClientError::invalid(format!(
            "{what} costs one of {required}; pass {flag} with one of them"
        ))),
    }
}

impl TxCmd {
    /// The module whose current params [`TxCmd::to_msg`] needs in [`BuildContext::params`], if any.
    pub fn params_module(&self) -> Option<&'static str> {
        match self {
            TxCmd::Assets(AssetsTx::UpdateParams { .. }) => Some("assets"),
            TxCmd::Operators(OperatorsTx::UpdateParams { .. } | OperatorsTx::Register { .. }) => {
                Some("operators")
            }
            TxCmd::Services(ServicesTx::UpdateParams { .. } | ServicesTx::Create { .. }) => {
                Some("services")
            }
            TxCmd::Restaking(RestakingTx::UpdateParams { .. }) => Some("restaking"),
            _ => None,
        }
    }

    /// The message this command sends, signed by `ctx.signer`.
    pub fn to_msg(&self, ctx: &BuildContext) -> Result<Msg> {
        let me = ctx.signer;
        Ok(match self {
            TxCmd::Bank(BankTx::Send { to, amount }) => MsgSend {
                from_address: me,
                to_address: ctx.address(to)?,
                amount: amount.clone(),
            }
            .into(),
            TxCmd::Assets(a) => assets_msg(a, ctx)?,
            TxCmd::Operators(o) => operators_msg(o, ctx)?,
            TxCmd::Services(s) => services_msg(s, ctx)?,
            TxCmd::Restaking(r) => restaking_msg(r, ctx)?,
            TxCmd::Slashing(s) => slashing_msg(s, ctx)?,
            TxCmd::Rewards(r) => rewards_msg(r, ctx)?,
            TxCmd::Tokenfactory(t) => tokenfactory_msg(t, ctx)?,
            TxCmd::Liquidvesting(l) => liquidvesting_msg(l, ctx)?,
            TxCmd::Validators(v) => validators_msg(v, ctx),
        })
    }
}

fn assets_msg(cmd: &AssetsTx, ctx: &BuildContext) -> Result<Msg> {
    let authority = ctx.signer;
    Ok(match cmd {
        AssetsTx::Register {
            denom,
            ticker,
            exponent,
        } => MsgRegisterAsset {
            authority,
            asset: Asset {
                denom: denom.clone(),
                ticker: ticker.clone(),
                exponent: *exponent,
            },
        }
        .into(),
        AssetsTx::Deregister { denom } => MsgDeregisterAsset {
            authority,
            denom: denom.clone(),
        }
        .into(),
        AssetsTx::PostPrice {
            ticker,
            price,
            time,
        } => MsgPostPrice {
            authority,
            ticker: ticker.clone(),
            price: *price,
            time: time.unwrap_or(ctx.block_time),
        }
        .into(),
        AssetsTx::UpdateParams { max_price_age } => {
            let Some(ModuleParams::Assets(mut params)) = ctx.params.clone() else {
                return Err(BuildContext::missing_params("assets"));
            };
            let Some(age) = max_price_age else {
                return Err(nothing_to_change("--max-price-age"));
            };
            params.max_price_age = *age;
            MsgUpdateAssetsParams { authority, params }.into()
        }
    })
}

fn operators_msg(cmd: &OperatorsTx, ctx: &BuildContext) -> Result<Msg> {
    let sender = ctx.signer;
    Ok(match cmd {
        OperatorsTx::Register {
            moniker,
            website,
            picture_url,
            fee_amount,
        } => {
            let Some(ModuleParams::Operators(params)) = &ctx.params else {
                return Err(BuildContext::missing_params("operators"));
            };
            MsgRegisterOperator {
                sender,
                moniker: moniker.clone(),
                website: website.clone(),
                picture_url: picture_url.clone(),
                fee_amount: registration_fee(
                    fee_amount,
                    &params.operator_registration_fee,
                    "registering an operator",
                    "--fee-amount",
                )?,
            }
            .into()
        }
        OperatorsTx::Update {
            operator_id,
            moniker,
            website,
            picture_url,
        } => {
            if moniker.is_none() && website.is_none() && picture_url.is_none() {
                return Err(nothing_to_change("--moniker, --website, --picture-url"));
            }
            MsgUpdateOperator {
                sender,
                operator_id: OperatorId(*operator_id),
                moniker: moniker.clone(),
                website: website.clone(),
                picture_url: picture_url.clone(),
            }
            .into()
        }
        OperatorsTx::Deactivate { operator_id } => MsgDeactivateOperator {
            sender,
            operator_id: OperatorId(*operator_id),
        }
        .into(),
        OperatorsTx::Reactivate { operator_id } => MsgReactivateOperator {
            sender,
            operator_id: OperatorId(*operator_id),
        }
        .into(),
        OperatorsTx::Delete { operator_id } => MsgDeleteOperator {
            sender,
            operator_id: OperatorId(*operator_id),
        }
        .into(),
        OperatorsTx::SetParams {
            operator_id,
            commission_rate,
        } => MsgSetOperatorParams {
            sender,
            operator_id: OperatorId(*operator_id),
            params: OperatorParams {
                commission_rate: *commission_rate,
            },
        }
        .into(),
        OperatorsTx::TransferOwnership {
            operator_id,
            new_admin,
        } => MsgTransferOperatorOwnership {
            sender,
            operator_id: OperatorId(*operator_id),
            new_admin: ctx.address(new_admin)?,
        }
        .into(),
        OperatorsTx::UpdateParams {
            registration_fee,
            deactivation_time,
        } => {
            let Some(ModuleParams::Operators(mut params)) = ctx.params.clone() else {
                return Err(BuildContext::missing_params("operators"));
            };
            if registration_fee.is_none() && deactivation_time.is_none() {
                return Err(nothing_to_change("--registration-fee, --deactivation-time"));
            }
            if let Some(fee) = registration_fee {
                params.operator_registration_fee = fee.clone();
            }
            if let Some(t) = deactivation_time {
                params.deactivation_time = *t;
            }
            MsgUpdateOperatorsParams {
                authority: sender,
                params,
            }
            .into()
        }
    })
}

fn services_msg(cmd: &ServicesTx, ctx: &BuildContext) -> Result<Msg> {
    let sender = ctx.signer;
    Ok(match cmd {
        ServicesTx::Create {
            name,
            description,
            website,
            picture_url,
            fee_amount,
        } => {
            let Some(ModuleParams::Services(params)) = &ctx.params else {
                return Err(BuildContext::missing_params("services"));
            };
            MsgCreateService {
                sender,
                name: name.clone(),
                description: description.clone(),
                website: website.clone(),
                picture_url: picture_url.clone(),
                fee_amount: registration_fee(
                    fee_amount,
                    &params.service_registration_fee,
                    "creating a service",
                    "--fee-amount",
                )?,
            }
            .into()
        }
        ServicesTx::Update {
            service_id,
            name,
            description,
            website,
            picture_url,
        } => {
            if name.is_none() && description.is_none() && website.is_none() && picture_url.is_none()
            {
                return Err(nothing_to_change(
                    "--name, --description, --website, --picture-url",
                ));
            }
            MsgUpdateService {
                sender,
                service_id: ServiceId(*service_id),
                name: name.clone(),
                description: description.clone(),
                website: website.clone(),
                picture_url: picture_url.clone(),
            }
            .into()
        }
        ServicesTx::Activate { service_id } => MsgActivateService {
            sender,
            service_id: ServiceId(*service_id),
        }
        .into(),
        ServicesTx::Deactivate { service_id } => MsgDeactivateService {
            sender,
            service_id: ServiceId(*service_id),
        }
        .into(),
        ServicesTx::Delete { service_id } => MsgDeleteService {
            sender,
            service_id: ServiceId(*service_id),
        }
        .into(),
        ServicesTx::TransferOwnership {
            service_id,
            new_admin,
        } => MsgTransferServiceOwnership {
            sender,
            service_id: ServiceId(*service_id),
            new_admin: ctx.address(new_admin)?,
        }
        .into(),
        ServicesTx::SetParams {
            service_id,
            allowed_denoms,
        } => MsgSetServiceParams {
            sender,
            service_id: ServiceId(*service_id),
            service_params: ServiceParams {
                allowed_denoms: allowed_denoms.clone(),
            },
        }
        .into(),
        ServicesTx::Accredit { service_id } => MsgAccreditService {
            authority: sender,
            service_id: ServiceId(*service_id),
        }
        .into(),
        ServicesTx::RevokeAccreditation { service_id } => MsgRevokeServiceAccreditation {
            authority: sender,
            service_id: ServiceId(*service_id),
        }
        .into(),
        ServicesTx::UpdateParams { registration_fee } => {
            let Some(ModuleParams::Services(mut params)) = ctx.params.clone() else {
                return Err(BuildContext::missing_params("services"));
            };
            let Some(fee) = registration_fee else {
                return Err(nothing_to_change("--registration-fee"));
            };
            params.service_registration_fee = fee.clone();
            MsgUpdateServicesParams {
                authority: sender,
                params,
            }
            .into()
        }
    })
}

fn restaking_msg(cmd: &RestakingTx, ctx: &BuildContext) -> Result<Msg> {
    let me = ctx.signer;
    Ok(match cmd {
        RestakingTx::DelegatePool { amount } => MsgDelegatePool {
            delegator: me,
            amount: amount.clone(),
        }
        .into(),
        RestakingTx::DelegateOperator {
            operator_id,
            amount,
        } => MsgDelegateOperator {
            delegator: me,
            operator_id: OperatorId(*operator_id),
            amount: amount.clone(),
        }
        .into(),
        RestakingTx::DelegateService { service_id, amount } => MsgDelegateService {
            delegator: me,
            service_id: ServiceId(*service_id),
            amount: amount.clone(),
        }
        .into(),
        RestakingTx::UndelegatePool { amount } => MsgUndelegatePool {
            delegator: me,
            amount: amount.clone(),
        }
        .into(),
        RestakingTx::UndelegateOperator {
            operator_id,
            amount,
        } => MsgUndelegateOperator {
            delegator: me,
            operator_id: OperatorId(*operator_id),
            amount: amount.clone(),
        }
        .into(),
        RestakingTx::UndelegateService { service_id, amount } => MsgUndelegateService {
            delegator: me,
            service_id: ServiceId(*service_id),
            amount: amount.clone(),
        }
        .into(),
        RestakingTx::JoinService {
            operator_id,
            service_id,
        } => MsgJoinService {
            sender: me,
            operator_id: OperatorId(*operator_id),
            service_id: ServiceId(*service_id),
        }
        .into(),
        RestakingTx::LeaveService {
            operator_id,
            service_id,
        } => MsgLeaveService {
            sender: me,
            operator_id: OperatorId(*operator_id),
            service_id: ServiceId(*service_id),
        }
        .into(),
        RestakingTx::AllowOperator {
            service_id,
            operator_id,
        } => MsgAddOperatorToAllowList {
            sender: me,
            service_id: ServiceId(*service_id),
            operator_id: OperatorId(*operator_id),
        }
        .into(),
        RestakingTx::RemoveAllowedOperator {
            service_id,
            operator_id,
        } => MsgRemoveOperatorFromAllowList {
            sender: me,
            service_id: ServiceId(*service_id),
            operator_id: OperatorId(*operator_id),
        }
        .into(),
        RestakingTx::BorrowPoolSecurity {
            service_id,
            pool_id,
        } => MsgBorrowPoolSecurity {
            sender: me,
            service_id: ServiceId(*service_id),
            pool_id: PoolId(*pool_id),
        }
        .into(),
        RestakingTx::CeasePoolSecurityBorrow {
            service_id,
            pool_id,
        } => MsgCeasePoolSecurityBorrow {
            sender: me,
            service_id: ServiceId(*service_id),
            pool_id: PoolId(*pool_id),
        }
        .into(),
        RestakingTx::SetUserPreferences { trust } => MsgSetUserPreferences {
            user: me,
            preferences: UserPreferences {
                trusted_services: trust.clone(),
            },
        }
        .into(),
        RestakingTx::UpdateParams {
            unbonding_time,
            allowed_denoms,
            restaking_cap,
            max_entries,
        } => {
            let Some(ModuleParams::Restaking(mut params)) = ctx.params.clone() else {
                return Err(BuildContext::missing_params("restaking"));
            };
            if unbonding_time.is_none()
                && allowed_denoms.is_none()
                && restaking_cap.is_none()
                && max_entries.is_none()
            {
                return Err(nothing_to_change(
                    "--unbonding-time, --allowed-denoms, --restaking-cap, --max-entries",
                ));
            }
            if let Some(t) = unbonding_time {
                params.unbonding_time = *t;
            }
            if let Some(DenomList(d)) = allowed_denoms {
                params.allowed_denoms = d.clone();
            }
            if let Some(c) = restaking_cap {
                params.restaking_cap = *c;
            }
            if let Some(m) = max_entries {
                params.max_entries = *m;
            }
            MsgUpdateRestakingParams {
                authority: me,
                params,
            }
            .into()
        }
    })
}

/// Reads the current params of `module` from the node.
pub async fn fetch_params(client: &Client, module: &str) -> Result<ModuleParams> {
    Ok(match module {
        "assets" => ModuleParams::Assets(client.assets_params().await?),
        "operators" => ModuleParams::Operators(client.operators_params().await?),
        "services" => ModuleParams::Services(client.services_params().await?),
        "restaking" => ModuleParams::Restaking(client.restaking_params().await?),
        other => {
            return Err(ClientError::invalid(format!(
                "module {other:?} has no params this client knows"
            )));
        }
    })
}

/// What a command shows before asking to sign.
fn summary(msgs: &[Msg], from: &KeyInfo, chain_id: &str, options: &TxOptions) -> Result<String> {
    let msgs_json = serde_json::to_string_pretty(msgs)
        .map_err(|e| ClientError::invalid(format!("cannot show the messages: {e}")))?;
    Ok(format!(
        "{msgs_json}\nsigner: {} ({})\nchain: {chain_id}\ngas limit: {}\nfee: {}{}",
        from.name,
        from.address,
        options.gas_limit,
        options.fee(),
        if options.memo.is_empty() {
            String::new()
        } else {
            format!("\nmemo: {}", options.memo)
        }
    ))
}

/// A transaction result as text.
pub fn render_tx_result(r: &TxResponse) -> String {
    let mut out = format!("txhash: {}\n", r.txhash);
    match r.height {
        Some(h) => {
            out.push_str(&format!("height: {h}\ncode: {}\n", r.code));
            if !r.codespace.is_empty() {
                out.push_str(&format!("codespace: {}\n", r.codespace));
            }
            if !r.log.is_empty() {
                out.push_str(&format!("log: {}\n", r.log));
            }
            if let (Some(used), Some(wanted)) = (r.gas_used, r.gas_wanted) {
                out.push_str(&format!("gas: {used} used of {wanted}\n"));
            }
            if !r.events.is_empty() {
                out.push_str("events:\n");
                for e in &r.events {
                    out.push_str(&format!("  {}:", e.kind));
                    for (k, v) in &e.attributes {
                        out.push_str(&format!(" {k}={v}"));
                    }
                    out.push('\n');
                }
            }
        }
        None => {
            out.push_str("accepted into the mempool; follow it with `phalanxd query tx HASH`\n")
        }
    }
    out
}

/// Everything `run_tx` needs besides the command.
pub struct TxEnv<'a> {
    /// Keys.
    pub keyring: &'a Keyring,
    /// The node.
    pub client: &'a Client,
    /// Signing options.
    pub sign: &'a SignOpts,
    /// Output format.
    pub format: OutputFormat,
}

/// Builds, checks, confirms, signs and broadcasts the message of `cmd`; prints the result. A
/// transaction that lands in a block but fails returns [`ClientError::TxFailed`] after printing it.
pub async fn run_tx(cmd: &TxCmd, env: &TxEnv<'_>, io: &mut Io<'_>) -> Result<()> {
    let from = env.sign.from.as_deref().ok_or_else(|| {
        ClientError::invalid("pass --from NAME: the key that signs (see `phalanxd keys list`)")
    })?;
    let info = env.keyring.find(from)?;
    let status = env.client.status().await?;
    let chain_id = env.sign.chain_id.clone().unwrap_or(status.chain_id);
    let params = match cmd.params_module() {
        Some(module) => Some(fetch_params(env.client, module).await?),
        None => None,
    };
    let ctx = BuildContext {
        signer: info.address,
        block_time: status.latest_block_time,
        params,
        keys: env.keyring.list_readable(),
    };
    let msgs = vec![cmd.to_msg(&ctx)?];
    check_msgs(&msgs, &info.address)?;
    let options = TxOptions {
        gas_limit: env.sign.gas,
        fee: env.sign.fees.clone(),
        memo: env.sign.memo.clone(),
        timeout_height: 0,
    };
    if env.sign.dry_run {
        let json = serde_json::to_value(&msgs)
            .map_err(|e| ClientError::invalid(format!("cannot show the messages: {e}")))?;
        return match env.format {
            OutputFormat::Json => io.println(json.to_string()),
            OutputFormat::Text => io.println(summary(&msgs, &info, &chain_id, &options)?),
        };
    }
    let account = env.client.account(&info.address).await?.ok_or_else(|| {
        ClientError::invalid(format!(
            "account {} does not exist on chain {chain_id} yet: it is created when it first receives coins; send it some fee tokens first, e.g. `phalanxd tx bank send {} 1000000uphx --from <a funded key>`",
            info.address, info.address
        ))
    })?;
    if !env.sign.yes {
        io.eprintln(summary(&msgs, &info, &chain_id, &options)?)?;
        if !io.confirm("Sign and broadcast this transaction?")? {
            return Err(ClientError::Cancelled);
        }
    }
    let key = unlock(env.keyring, &info.name, io)?;
    let signer = SignerData {
        chain_id,
        account_number: account.account_number,
        sequence: account.sequence,
    };
    let signed = build_signed_tx(&key, &msgs, &signer, &options)?;
    drop(key);
    let commit = env.sign.broadcast_mode == BroadcastMode::Commit;
    let raw: Value = env.client.broadcast_json(&signed.bytes, commit).await?;
    let result = decode_tx_response(raw.clone(), &format!("{}/txs", env.client.base_url()))?;
    match env.format {
        OutputFormat::Json => io.println(raw.to_string())?,
        OutputFormat::Text => io.println(render_tx_result(&result).trim_end())?,
    }
    match result.failure() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]

    use super::*;
    use crate::cli::{Cli, ClientCommand};
    use clap::Parser;

    fn me() -> Address {
        Address([1; 20])
    }

    fn bob() -> Address {
        Address([2; 20])
    }

    fn ctx() -> BuildContext {
        BuildContext {
            signer: me(),
            block_time: Timestamp(0),
            params: None,
            keys: Vec::new(),
        }
    }

    fn try_cmd(line: &str) -> std::result::Result<TxCmd, clap::Error> {
        let args = std::iter::once("phalanxd").chain(line.split_whitespace());
        match Cli::try_parse_from(args)?.command {
            ClientCommand::Tx(tx) => Ok(tx.cmd),
            other => panic!("{line} is not a tx command: {other:?}"),
        }
    }

    /// The message of a command line, which must parse, build and pass the stateless checks.
    fn msg_of(line: &str) -> Msg {
        let cmd = try_cmd(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(cmd.params_module(), None, "{line}");
        let msg = cmd.to_msg(&ctx()).unwrap_or_else(|e| panic!("{line}: {e}"));
        msg.validate_stateless()
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        msg
    }

    /// The error building `line` (it parses, but `to_msg` refuses it).
    fn build_error(line: &str) -> String {
        let cmd = try_cmd(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        cmd.to_msg(&ctx())
            .map(|m| panic!("{line} built {m:?}"))
            .unwrap_err()
            .to_string()
    }

    fn w(target_id: u32, weight: u32) -> DistributionWeight {
        DistributionWeight { target_id, weight }
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const WINDOW: &str = "--amount-per-day 1000uphx --start-time 2026-01-01T00:00:00Z --end-time 2026-02-01T00:00:00Z";

    fn terms(pools: Distribution, operators: Distribution, users: u32) -> PlanTerms {
        PlanTerms {
            description: String::new(),
            amount_per_day: Coin::new("uphx", 1000),
            start_time: t("2026-01-01T00:00:00Z"),
            end_time: t("2026-02-01T00:00:00Z"),
            pools_distribution: pools,
            operators_distribution: operators,
            users_distribution: UsersDistribution { weight: users },
        }
    }

    fn basic(weight: u32) -> Distribution {
        Distribution {
            weight,
            kind: DistributionType::Basic,
        }
    }

    #[test]
    fn every_rewards_subcommand_builds_its_message() {
        let table: Vec<(String, Msg)> = vec![
            (
                format!("tx rewards create-plan 4 {WINDOW}"),
                MsgCreateRewardsPlan {
                    sender: me(),
                    service_id: ServiceId(4),
                    terms: terms(basic(0), basic(0), 0),
                    fee_amount: Coins::empty(),
                }
                .into(),
            ),
            (
                format!(
                    "tx rewards create-plan 4 {WINDOW} --description launch --pools-weight 3 \
                     --pools-weights 1:3,2:1 --operators-weight 1 --operators-split egalitarian \
                     --users-weight 2 --fee-amount 10uphx --from alice"
                ),
                MsgCreateRewardsPlan {
                    sender: me(),
                    service_id: ServiceId(4),
                    terms: PlanTerms {
                        description: "launch".into(),
                        ..terms(
                            Distribution {
                                weight: 3,
                                kind: DistributionType::Weighted {
                                    weights: vec![w(1, 3), w(2, 1)],
                                },
                            },
                            Distribution {
                                weight: 1,
                                kind: DistributionType::Egalitarian,
                            },
                            2,
                        )
                    },
                    fee_amount: "10uphx".parse().unwrap(),
                }
                .into(),
            ),
            (
                format!(
                    "tx rewards edit-plan 7 {WINDOW} --pools-split basic --operators-split weighted \
                     --operators-weights 5:1"
                ),
                MsgEditRewardsPlan {
                    sender: me(),
                    plan_id: 7,
                    terms: terms(
                        basic(0),
                        Distribution {
                            weight: 0,
                            kind: DistributionType::Weighted {
                                weights: vec![w(5, 1)],
                            },
                        },
                        0,
                    ),
                }
                .into(),
            ),
            (
                "tx rewards fund-plan 7 5000uphx".into(),
                MsgFundRewardsPlan {
                    sender: me(),
                    plan_id: 7,
                    amount: Coin::new("uphx", 5000),
                }
                .into(),
            ),
            (
                format!("tx rewards set-withdraw-address {}", bob()),
                MsgSetWithdrawAddress {
                    sender: me(),
                    withdraw_address: bob(),
                }
                .into(),
            ),
            (
                "tx rewards withdraw-rewards pool 1".into(),
                MsgWithdrawDelegatorReward {
                    delegator: me(),
                    delegation_type: DelegationKind::Pool,
                    target_id: 1,
                }
                .into(),
            ),
            (
                "tx rewards withdraw-rewards operator 2".into(),
                MsgWithdrawDelegatorReward {
                    delegator: me(),
                    delegation_type: DelegationKind::Operator,
                    target_id: 2,
                }
                .into(),
            ),
            (
                "tx rewards withdraw-rewards service 3".into(),
                MsgWithdrawDelegatorReward {
                    delegator: me(),
                    delegation_type: DelegationKind::Service,
                    target_id: 3,
                }
                .into(),
            ),
            (
                "tx rewards withdraw-commission 3".into(),
                MsgWithdrawOperatorCommission {
                    sender: me(),
                    operator_id: OperatorId(3),
                }
                .into(),
            ),
            (
                "tx rewards update-params --plan-creation-fee 100uphx,5uatom".into(),
                MsgUpdateRewardsParams {
                    authority: me(),
                    params: RewardsParams {
                        rewards_plan_creation_fee: "5uatom,100uphx".parse().unwrap(),
                    },
                }
                .into(),
            ),
        ];
        let mut covered = std::collections::BTreeSet::new();
        for (line, expected) in &table {
            assert_eq!(&msg_of(line), expected, "{line}");
            covered.insert(expected.type_url());
        }
        assert_eq!(covered.len(), 7, "every rewards message has a command");

        // "" is the empty fee set.
        let cmd = try_cmd("tx rewards update-params --plan-creation-fee=").unwrap();
        assert_eq!(
            cmd.to_msg(&ctx()).unwrap(),
            MsgUpdateRewardsParams {
                authority: me(),
                params: RewardsParams::default(),
            }
            .into()
        );
    }

    #[test]
    fn every_tokenfactory_subcommand_builds_its_message() {
        let gold = factory_denom(&me(), "gold").unwrap();
        let unit = |denom: &str, exponent| DenomUnit {
            denom: denom.into(),
            exponent,
            aliases: vec![],
        };
        let metadata = |units: Vec<DenomUnit>, display: &str| DenomMetadata {
            description: String::new(),
            denom_units: units,
            base: gold.clone(),
            display: display.into(),
            name: "Gold".into(),
            symbol: "GLD".into(),
            uri: String::new(),
            uri_hash: String::new(),
        };
        let table: Vec<(String, Msg)> = vec![
            (
                "tx tokenfactory create-denom gold".into(),
                MsgCreateDenom {
                    sender: me(),
                    subdenom: "gold".into(),
                    fee_amount: Coins::empty(),
                }
                .into(),
            ),
            (
                "tx tokenfactory create-denom gold --fee-amount 10uphx".into(),
                MsgCreateDenom {
                    sender: me(),
                    subdenom: "gold".into(),
                    fee_amount: "10uphx".parse().unwrap(),
                }
                .into(),
            ),
            (
                format!("tx tokenfactory mint 5{gold}"),
                MsgMint {
                    sender: me(),
                    amount: Coin::new(&gold, 5),
                    mint_to_address: me(),
                }
                .into(),
            ),
            (
                format!("tx tokenfactory mint 5{gold} --mint-to {}", bob()),
                MsgMint {
                    sender: me(),
                    amount: Coin::new(&gold, 5),
                    mint_to_address: bob(),
                }
                .into(),
            ),
            (
                format!("tx tokenfactory burn 3{gold}"),
                MsgBurn {
                    sender: me(),
                    amount: Coin::new(&gold, 3),
                    burn_from_address: me(),
                }
                .into(),
            ),
            (
                format!("tx tokenfactory change-admin {gold} {}", bob()),
                MsgChangeAdmin {
                    sender: me(),
                    denom: gold.clone(),
                    new_admin: Some(bob()),
                }
                .into(),
            ),
            (
                format!("tx tokenfactory change-admin {gold} --renounce"),
                MsgChangeAdmin {
                    sender: me(),
                    denom: gold.clone(),
                    new_admin: None,
                }
                .into(),
            ),
            (
                format!("tx tokenfactory set-denom-metadata {gold} --name Gold --symbol GLD"),
                MsgSetDenomMetadata {
                    sender: me(),
                    metadata: metadata(vec![unit(&gold, 0)], &gold),
                }
                .into(),
            ),
            (
                format!(
                    "tx tokenfactory set-denom-metadata {gold} --name Gold --symbol GLD \
                     --units gold:6,kgold:9"
                ),
                MsgSetDenomMetadata {
                    sender: me(),
                    metadata: metadata(
                        vec![unit(&gold, 0), unit("gold", 6), unit("kgold", 9)],
                        "kgold",
                    ),
                }
                .into(),
            ),
            (
                format!(
                    "tx tokenfactory set-denom-metadata {gold} --name Gold --symbol GLD \
                     --units gold:6 --display gold --description shiny --uri u --uri-hash h"
                ),
                MsgSetDenomMetadata {
                    sender: me(),
                    metadata: DenomMetadata {
                        description: "shiny".into(),
                        uri: "u".into(),
                        uri_hash: "h".into(),
                        ..metadata(vec![unit(&gold, 0), unit("gold", 6)], "gold")
                    },
                }
                .into(),
            ),
            (
                "tx tokenfactory update-params --denom-creation-fee 100uphx".into(),
                MsgUpdateTokenFactoryParams {
                    authority: me(),
                    params: TokenFactoryParams {
                        denom_creation_fee: "100uphx".parse().unwrap(),
                    },
                }
                .into(),
            ),
        ];
        let mut covered = std::collections::BTreeSet::new();
        for (line, expected) in &table {
            assert_eq!(&msg_of(line), expected, "{line}");
            covered.insert(expected.type_url());
        }
        assert_eq!(covered.len(), 6, "every tokenfactory message has a command");
    }

    #[test]
    fn bad_tokenfactory_arguments_are_refused() {
        let gold = factory_denom(&me(), "gold").unwrap();
        // Refused by the parser.
        for bad in [
            "tx tokenfactory create-denom".to_string(),
            "tx tokenfactory mint 5".to_string(),
            format!("tx tokenfactory change-admin {gold}"),
            format!("tx tokenfactory change-admin {gold} {} --renounce", bob()),
            format!("tx tokenfactory set-denom-metadata {gold} --name Gold"),
            format!("tx tokenfactory set-denom-metadata {gold} --name G --symbol G --units gold"),
            format!("tx tokenfactory set-denom-metadata {gold} --name G --symbol G --units gold:x"),
            "tx tokenfactory update-params".to_string(),
        ] {
            assert!(try_cmd(&bad).is_err(), "{bad} should not parse");
        }
        // Parsed, but refused when building or by the stateless checks.
        for bad in [
            "tx tokenfactory create-denom a/b".to_string(),
            "tx tokenfactory mint 5uatom".to_string(),
            format!("tx tokenfactory mint 5{gold} --mint-to nobody"),
            format!("tx tokenfactory set-denom-metadata {gold} --name G --symbol G --display x"),
        ] {
            let cmd = try_cmd(&bad).unwrap_or_else(|e| panic!("{bad}: {e}"));
            let refused = cmd
                .to_msg(&ctx())
                .and_then(|m| check_msgs(std::slice::from_ref(&m), &me()).map(|()| m));
            assert!(refused.is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn weights_parse_and_bad_lists_are_explained() {
        assert_eq!(parse_weights("1:3").unwrap(), WeightList(vec![w(1, 3)]));
        assert_eq!(
            parse_weights("1:3, 2:1").unwrap(),
            WeightList(vec![w(1, 3), w(2, 1)])
        );
        for (bad, needle) in [
            ("", "has no ':'"),
            ("1", "has no ':'"),
            ("1:3,", "has no ':'"),
            ("x:1", "target id \"x\""),
            ("0:1", "target id \"0\""),
            ("1:0", "weight \"0\""),
            ("1:-2", "weight \"-2\""),
            ("1:4294967296", "weight"),
            ("1:1,1:2", "target 1 is listed twice"),
        ] {
            let err = parse_weights(bad).unwrap_err();
            assert!(err.contains(needle), "{bad}: {err}");
            assert!(err.contains("e.g. 1:3,2:1"), "{bad}: {err}");
        }
    }

    #[test]
    fn bad_rewards_arguments_are_refused() {
        // Refused by the parser.
        for bad in [
            "tx rewards create-plan 4",
            "tx rewards create-plan 4 --amount-per-day 1000uphx --start-time 2026-01-01T00:00:00Z",
            "tx rewards create-plan 4 --amount-per-day 1000 --start-time 2026-01-01T00:00:00Z --end-time 2026-02-01T00:00:00Z",
            "tx rewards create-plan 4 --amount-per-day 1000uphx --start-time yesterday --end-time 2026-02-01T00:00:00Z",
            "tx rewards create-plan x --terms-file t.json",
            "tx rewards create-plan 4 --terms-file t.json --description d",
            "tx rewards create-plan 4 --terms-file t.json --pools-split egalitarian",
            "tx rewards edit-plan 7 --terms-file t.json --amount-per-day 5uphx",
            "tx rewards edit-plan -1 --terms-file t.json",
            "tx rewards fund-plan 7",
            "tx rewards fund-plan 7 5",
            "tx rewards withdraw-rewards pools 1",
            "tx rewards withdraw-rewards user 1",
            "tx rewards withdraw-rewards pool",
            "tx rewards withdraw-commission",
            "tx rewards update-params",
            "tx rewards update-params --plan-creation-fee 5",
        ] {
            assert!(try_cmd(bad).is_err(), "{bad}");
        }
        let err = try_cmd(&format!(
            "tx rewards create-plan 4 {WINDOW} --pools-split even"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("basic") && err.contains("weighted"), "{err}");
        let err = try_cmd(&format!(
            "tx rewards create-plan 4 {WINDOW} --pools-weights 1=3"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("TARGET_ID:WEIGHT"), "{err}");

        // Parsed, but refused when building.
        let err = build_error(&format!(
            "tx rewards create-plan 4 {WINDOW} --pools-split weighted"
        ));
        assert!(
            err.contains("--pools-split weighted needs --pools-weights"),
            "{err}"
        );
        let err = build_error(&format!(
            "tx rewards create-plan 4 {WINDOW} --operators-split egalitarian --operators-weights 1:1"
        ));
        assert!(
            err.contains(
                "--operators-weights only applies to --operators-split weighted, not egalitarian"
            ),
            "{err}"
        );
        let err = build_error("tx rewards set-withdraw-address nobody");
        assert!(err.contains("\"nobody\""), "{err}");

        // Built, but refused by the stateless checks (as `run_tx` does before signing).
        for line in [
            "tx rewards create-plan 4 --amount-per-day 1000uphx --start-time 2026-02-01T00:00:00Z --end-time 2026-01-01T00:00:00Z".to_string(),
            format!("tx rewards create-plan 0 {WINDOW}"),
            format!("tx rewards edit-plan 0 {WINDOW}"),
            "tx rewards fund-plan 7 0uphx".to_string(),
            "tx rewards withdraw-rewards pool 0".to_string(),
        ] {
            let msg = try_cmd(&line).unwrap().to_msg(&ctx()).unwrap();
            assert!(msg.validate_stateless().is_err(), "{line}");
        }
    }

    #[test]
    fn terms_file_gives_the_terms_and_refuses_unknown_or_bad_content() {
        let dir = tempfile::tempdir().unwrap();
        let expected = terms(
            Distribution {
                weight: 2,
                kind: DistributionType::Weighted {
                    weights: vec![w(1, 3), w(2, 1)],
                },
            },
            Distribution {
                weight: 1,
                kind: DistributionType::Egalitarian,
            },
            1,
        );
        let good = dir.path().join("terms.json");
        std::fs::write(&good, serde_json::to_string_pretty(&expected).unwrap()).unwrap();
        let line = format!("tx rewards create-plan 4 --terms-file {}", good.display());
        assert_eq!(
            msg_of(&line),
            MsgCreateRewardsPlan {
                sender: me(),
                service_id: ServiceId(4),
                terms: expected.clone(),
                fee_amount: Coins::empty(),
            }
            .into()
        );
        let line = format!("tx rewards edit-plan 9 --terms-file {}", good.display());
        assert_eq!(
            msg_of(&line),
            MsgEditRewardsPlan {
                sender: me(),
                plan_id: 9,
                terms: expected.clone(),
            }
            .into()
        );

        // The form written by hand, as documented.
        let by_hand = r#"{
            "description": "",
            "amount_per_day": {"denom": "uphx", "amount": "1000"},
            "start_time": "2026-01-01T00:00:00Z",
            "end_time": "2026-02-01T00:00:00Z",
            "pools_distribution": {"weight": 2, "kind": {"type": "weighted",
                "weights": [{"target_id": 1, "weight": 3}, {"target_id": 2, "weight": 1}]}},
            "operators_distribution": {"weight": 1, "kind": {"type": "egalitarian"}},
            "users_distribution": {"weight": 1}
        }"#;
        assert_eq!(parse_terms_json(by_hand).unwrap(), expected);

        // A misspelt field is named with its path, not ignored.
        let typo = by_hand.replace(
            "\"weights\": [{\"target_id\": 1",
            "\"weights\": [{\"target\": 1",
        );
        let err = parse_terms_json(&typo).unwrap_err();
        assert!(err.contains("target_id"), "{err}");
        let extra = by_hand.replace(
            "\"users_distribution\"",
            "\"fee\": 1, \"users_distribution\"",
        );
        let err = parse_terms_json(&extra).unwrap_err();
        assert!(err.contains("does not know: fee"), "{err}");
        let extra = by_hand.replace(
            "{\"type\": \"egalitarian\"}",
            "{\"type\": \"egalitarian\", \"x\": 1}",
        );
        let err = parse_terms_json(&extra).unwrap_err();
        assert!(err.contains("operators_distribution.kind.x"), "{err}");
        let err = parse_terms_json(&by_hand.replace("egalitarian", "even")).unwrap_err();
        assert!(err.contains("expected"), "{err}");
        let err = parse_terms_json("{").unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");

        // Files that cannot be used.
        let missing = dir.path().join("missing.json");
        let err = build_error(&format!(
            "tx rewards create-plan 4 --terms-file {}",
            missing.display()
        ));
        assert!(err.contains("cannot open --terms-file"), "{err}");
        let big = dir.path().join("big.json");
        let size = usize::try_from(MAX_TERMS_FILE_BYTES).unwrap() + 1;
        std::fs::write(&big, " ".repeat(size)).unwrap();
        let err = build_error(&format!(
            "tx rewards create-plan 4 --terms-file {}",
            big.display()
        ));
        assert!(err.contains("larger than"), "{err}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "[]").unwrap();
        let err = build_error(&format!(
            "tx rewards create-plan 4 --terms-file {}",
            bad.display()
        ));
        assert!(
            err.contains("--terms-file") && err.contains("bad.json"),
            "{err}"
        );
    }
}
