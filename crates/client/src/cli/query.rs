//! `phalanxd query ...`: every query of the node's API, one subcommand each. [`QueryCmd::request`]
//! maps a command to its path (from [`crate::http::paths`]); [`run_query`] fetches and prints it.

use super::io::Io;
use super::output::{OutputFormat, render};
use super::tx::DelegationTarget;
use crate::error::{ClientError, Result};
use crate::http::{Client, PageRequest, Query, exposure_query, paths};
use crate::keyring::Keyring;
use clap::{Args, Subcommand};
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Address, Dec, OperatorId, PoolId, ServiceId};

/// Which page of a list to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct PageOpts {
    /// Most items to show (the node's default is 100, its maximum 1000).
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Where to start: the `next_key` printed with the previous page.
    #[arg(long, value_name = "KEY")]
    pub page_key: Option<String>,
}

impl PageOpts {
    fn page(&self) -> PageRequest {
        PageRequest {
            key: self.page_key.clone(),
            limit: self.limit,
        }
    }
}

/// Queries, by module.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum QueryCmd {
    /// Balances and supply.
    #[command(subcommand)]
    Bank(BankQuery),
    /// Accounts (number and sequence).
    #[command(subcommand)]
    Auth(AuthQuery),
    /// Registered assets and prices.
    #[command(subcommand)]
    Assets(AssetsQuery),
    /// Pools.
    #[command(subcommand)]
    Pools(PoolsQuery),
    /// Operators.
    #[command(subcommand)]
    Operators(OperatorsQuery),
    /// Services.
    #[command(subcommand)]
    Services(ServicesQuery),
    /// Delegations, unbondings, relations between operators, services and pools, preferences.
    #[command(subcommand)]
    Restaking(RestakingQuery),
    /// Slashing rules, slashes, exposure of stake to slashing, pending commission changes.
    #[command(subcommand)]
    Slashing(SlashingQuery),
    /// Rewards plans, outstanding and pending rewards, commission, withdraw addresses.
    #[command(subcommand)]
    Rewards(RewardsQuery),
    /// Token factory denoms: who created them, their admins and metadata.
    #[command(subcommand)]
    Tokenfactory(TokenFactoryQuery),
    /// Liquid vesting: params, insurance funds, restaked locked tokens, the burn queue.
    #[command(subcommand)]
    Liquidvesting(LiquidVestingQuery),
    /// The consensus validator set, its epochs, jails and equivocation evidence.
    #[command(subcommand)]
    Validators(ValidatorsQuery),
    /// The node's chain id, latest height, app hash and block time.
    Status,
    /// A committed transaction by hash.
    Tx {
        /// Transaction hash (hex).
        hash: String,
    },
    /// A committed block.
    Block {
        /// Height, or `latest`.
        #[arg(default_value = "latest")]
        height: String,
    },
}

/// `query bank ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum BankQuery {
    /// All balances of an account.
    Balances {
        /// Address or key name.
        address: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Total supply of every denom, or of one.
    Supply {
        /// Only this denom.
        denom: Option<String>,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
}

/// `query auth ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AuthQuery {
    /// An account's number, sequence and public key.
    Account {
        /// Address or key name.
        address: String,
    },
}

/// `query assets ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AssetsQuery {
    /// Registered assets.
    Assets {
        /// Only assets priced by this ticker.
        #[arg(long)]
        ticker: Option<String>,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// The asset registered for a denom.
    Asset {
        /// Denom.
        denom: String,
    },
    /// Every posted price.
    Prices {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// The last posted price of a ticker.
    Price {
        /// Ticker.
        ticker: String,
    },
    /// Module params.
    Params,
}

/// `query pools ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum PoolsQuery {
    /// Every pool.
    Pools {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One pool by id.
    Pool {
        /// Pool id.
        pool_id: u32,
    },
    /// The pool of a denom.
    PoolByDenom {
        /// Denom.
        denom: String,
    },
}

/// `query operators ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum OperatorsQuery {
    /// Every operator.
    Operators {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One operator.
    Operator {
        /// Operator id.
        operator_id: u32,
    },
    /// An operator's own params (commission).
    OperatorParams {
        /// Operator id.
        operator_id: u32,
    },
    /// Module params.
    Params,
}

/// `query services ...`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ServicesQuery {
    /// Every service.
    Services {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One service.
    Service {
        /// Service id.
        service_id: u32,
    },
    /// A service's own params (accepted denoms).
    ServiceParams {
        /// Service id.
        service_id: u32,
    },
    /// Module params.
    Params,
}

/// `query restaking ...`: every query of the restaking module.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum RestakingQuery {
    /// Services an operator has joined.
    OperatorJoinedServices {
        /// Operator id.
        operator_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Operators on a service's allow-list.
    ServiceAllowedOperators {
        /// Service id.
        service_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Pools whose security a service borrows.
    ServiceSecuringPools {
        /// Service id.
        service_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Operators that joined a service.
    ServiceOperators {
        /// Service id.
        service_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Delegations to a pool.
    PoolDelegations {
        /// Pool id.
        pool_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One delegator's delegation to a pool.
    PoolDelegation {
        /// Pool id.
        pool_id: u32,
        /// Delegator address or key name.
        delegator: String,
    },
    /// Unbonding delegations from a pool.
    PoolUnbondingDelegations {
        /// Pool id.
        pool_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One delegator's unbonding delegation from a pool.
    PoolUnbondingDelegation {
        /// Pool id.
        pool_id: u32,
        /// Delegator address or key name.
        delegator: String,
    },
    /// Delegations to an operator.
    OperatorDelegations {
        /// Operator id.
        operator_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One delegator's delegation to an operator.
    OperatorDelegation {
        /// Operator id.
        operator_id: u32,
        /// Delegator address or key name.
        delegator: String,
    },
    /// Unbonding delegations from an operator.
    OperatorUnbondingDelegations {
        /// Operator id.
        operator_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One delegator's unbonding delegation from an operator.
    OperatorUnbondingDelegation {
        /// Operator id.
        operator_id: u32,
        /// Delegator address or key name.
        delegator: String,
    },
    /// Delegations to a service.
    ServiceDelegations {
        /// Service id.
        service_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One delegator's delegation to a service.
    ServiceDelegation {
        /// Service id.
        service_id: u32,
        /// Delegator address or key name.
        delegator: String,
    },
    /// Unbonding delegations from a service.
    ServiceUnbondingDelegations {
        /// Service id.
        service_id: u32,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One delegator's unbonding delegation from a service.
    ServiceUnbondingDelegation {
        /// Service id.
        service_id: u32,
        /// Delegator address or key name.
        delegator: String,
    },
    /// A delegator's pool delegations.
    DelegatorPoolDelegations {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A delegator's unbonding pool delegations.
    DelegatorPoolUnbondingDelegations {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A delegator's operator delegations.
    DelegatorOperatorDelegations {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A delegator's unbonding operator delegations.
    DelegatorOperatorUnbondingDelegations {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A delegator's service delegations.
    DelegatorServiceDelegations {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A delegator's unbonding service delegations.
    DelegatorServiceUnbondingDelegations {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Pools a delegator has delegated to.
    DelegatorPools {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A pool a delegator has delegated to.
    DelegatorPool {
        /// Delegator address or key name.
        delegator: String,
        /// Pool id.
        pool_id: u32,
    },
    /// Operators a delegator has delegated to.
    DelegatorOperators {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// An operator a delegator has delegated to.
    DelegatorOperator {
        /// Delegator address or key name.
        delegator: String,
        /// Operator id.
        operator_id: u32,
    },
    /// Services a delegator has delegated to.
    DelegatorServices {
        /// Delegator address or key name.
        delegator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// A service a delegator has delegated to.
    DelegatorService {
        /// Delegator address or key name.
        delegator: String,
        /// Service id.
        service_id: u32,
    },
    /// A user's trust preferences.
    UserPreferences {
        /// User address or key name.
        user: String,
    },
    /// Module params.
    Params,
}

/// `query slashing ...`: every query of the slashing module.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum SlashingQuery {
    /// Module params (rules and commission change delays, largest commission step).
    Params,
    /// A service's slashing rules: those in effect and those waiting to take effect.
    Rules {
        /// Service id.
        service_id: u32,
    },
    /// One slash.
    Slash {
        /// Slash id.
        slash_id: u64,
    },
    /// Every slash (any status), in id order.
    Slashes {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// Slashes inside their veto window, in execution order.
    Pending {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// What every service can slash of an address's stake; with --service and --fraction, the exact
    /// loss a whole-security slash of that service would cause now.
    Exposure {
        /// Address or key name.
        address: String,
        /// Service of the slash to simulate.
        #[arg(long, value_name = "ID", requires = "fraction")]
        service: Option<u32>,
        /// Fraction of the slash to simulate, in (0, 1].
        #[arg(long, value_name = "FRACTION", requires = "service")]
        fraction: Option<Dec>,
    },
    /// An operator's commission change waiting to apply.
    PendingCommission {
        /// Operator id.
        operator_id: u32,
    },
}

fn slashing_request(cmd: &SlashingQuery, addresses: &dyn AddressResolver) -> Result<Query> {
    use SlashingQuery as S;
    Ok(match cmd {
        S::Params => Query::get(paths::params("slashing")),
        S::Rules { service_id } => Query::get(paths::slashing_rules(ServiceId(*service_id))),
        S::Slash { slash_id } => Query::get(paths::slash(*slash_id)),
        S::Slashes { page } => Query::list(paths::slashes(), &page.page()),
        S::Pending { page } => Query::list(paths::pending_slashes(), &page.page()),
        S::Exposure {
            address,
            service,
            fraction,
        } => {
            let simulate = match (service, fraction) {
                (Some(s), Some(f)) => Some((ServiceId(*s), *f)),
                (None, None) => None,
                _ => {
                    return Err(ClientError::invalid(
                        "give both --service and --fraction to simulate a slash, or neither",
                    ));
                }
            };
            exposure_query(&addresses.resolve(address)?, simulate)
        }
        S::PendingCommission { operator_id } => {
            Query::get(paths::pending_commission(OperatorId(*operator_id)))
        }
    })
}

/// `query validators ...`: every query of the validators module.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ValidatorsQuery {
    /// This epoch's participants, the roster, the set queued for the next boundary, jails.
    Set,
    /// Module params (equivocation rule, epoch length, maximum set size).
    Params,
    /// Recorded equivocations: all, or those of one validator.
    Evidence {
        /// Only this validator (hex ed25519 public key).
        public_key: Option<String>,
    },
}

/// `query rewards ...`: every query of the rewards module.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum RewardsQuery {
    /// Module params (plan creation fee).
    Params,
    /// Every rewards plan.
    Plans {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// One rewards plan.
    Plan {
        /// Plan id.
        plan_id: u64,
    },
    /// Rewards owed to a pool's, operator's or service's delegators (and an operator's commission).
    Outstanding {
        /// Kind of target.
        kind: DelegationTarget,
        /// Target id.
        id: u32,
    },
    /// An operator's accumulated commission.
    Commission {
        /// Operator id.
        operator_id: u32,
    },
    /// Shares of a pool held by delegators who trust a service with it.
    PoolServiceShares {
        /// Pool id.
        pool_id: u32,
        /// Service id.
        service_id: u32,
    },
    /// Pending rewards of a delegator: every delegation, or the one to the target given.
    Rewards {
        /// Delegator address or key name.
        delegator: String,
        /// Only the delegation to this kind of target (with its id).
        #[arg(requires = "id")]
        kind: Option<DelegationTarget>,
        /// Target id.
        id: Option<u32>,
    },
    /// Where a delegator's rewards are paid.
    WithdrawAddress {
        /// Delegator address or key name.
        delegator: String,
    },
}

/// `query tokenfactory ...`: every query of the token factory.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum TokenFactoryQuery {
    /// Module params (denom creation fee).
    Params,
    /// The denoms an address created (including those it handed over).
    DenomsFromCreator {
        /// Creator address or key name.
        creator: String,
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
    /// The admin of a factory denom (null once renounced).
    DenomAuthorityMetadata {
        /// The factory denom.
        denom: String,
    },
    /// The display metadata of a factory denom.
    DenomMetadata {
        /// The factory denom.
        denom: String,
    },
}

/// `query liquidvesting ...`: every query of liquid vesting.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum LiquidVestingQuery {
    /// Module params (insurance percentage, minters, burners).
    Params,
    /// A user's insurance fund, per underlying denom.
    InsuranceFund {
        /// User address or key name.
        user: String,
    },
    /// A user's restaked locked tokens (delegations and pending unbondings).
    RestakedLocked {
        /// User address or key name.
        user: String,
    },
    /// Locked tokens waiting for their forced unbonding to complete before being burned.
    BurnQueue {
        /// Which page.
        #[command(flatten)]
        page: PageOpts,
    },
}

/// Resolves address arguments: a `phx1...` address, or the name of a key in the keyring.
pub trait AddressResolver {
    /// The address `text` stands for.
    fn resolve(&self, text: &str) -> Result<Address>;
}

/// Addresses only; key names are refused.
pub struct AddressesOnly;

impl AddressResolver for AddressesOnly {
    fn resolve(&self, text: &str) -> Result<Address> {
        text.parse::<Address>()
            .map_err(|e| ClientError::invalid(format!("{e}")))
    }
}

impl AddressResolver for Keyring {
    fn resolve(&self, text: &str) -> Result<Address> {
        if let Ok(a) = text.parse::<Address>() {
            return Ok(a);
        }
        match self.get(text) {
            Ok(k) => Ok(k.address),
            Err(_) => Err(ClientError::invalid(format!(
                "{text:?} is neither a phx1... address nor the name of a key in {} (check --home and --keyring-backend)",
                self.dir().display()
            ))),
        }
    }
}

fn height_arg(text: &str) -> Result<Option<u64>> {
    if text == "latest" {
        return Ok(None);
    }
    match text.parse::<u64>() {
        Ok(h) if h > 0 => Ok(Some(h)),
        _ => Err(ClientError::invalid(format!(
            "block height {text:?} must be a positive number or \"latest\""
        ))),
    }
}

fn kind_query(kind: DelegationKind, id: u32, page: &PageOpts, unbonding: bool) -> Query {
    let path = if unbonding {
        paths::target_unbonding_delegations(kind, id)
    } else {
        paths::target_delegations(kind, id)
    };
    Query::list(path, &page.page())
}

fn kind_one(kind: DelegationKind, id: u32, delegator: &Address, unbonding: bool) -> Query {
    Query::get(if unbonding {
        paths::target_unbonding_delegation(kind, id, delegator)
    } else {
        paths::target_delegation(kind, id, delegator)
    })
}

impl QueryCmd {
    /// The API request this command makes; address arguments go through `addresses`.
    pub fn request(&self, addresses: &dyn AddressResolver) -> Result<Query> {
        let addr = |t: &str| addresses.resolve(t);
        Ok(match self {
            QueryCmd::Status => Query::get(paths::status()),
            QueryCmd::Tx { hash } => {
                let h = hash.trim().trim_start_matches("0x");
                if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(ClientError::invalid(format!(
                        "transaction hash {hash:?} must be 64 hex digits"
                    )));
                }
                Query::get(paths::tx(h))
            }
            QueryCmd::Block { height } => Query::get(paths::block(height_arg(height)?)),
            QueryCmd::Bank(BankQuery::Balances { address, page }) => {
                Query::list(paths::balances(&addr(address)?), &page.page())
            }
            QueryCmd::Bank(BankQuery::Supply { denom, page }) => match denom {
                Some(d) => Query::get(paths::supply_of(d)),
                None => Query::list(paths::supply(), &page.page()),
            },
            QueryCmd::Auth(AuthQuery::Account { address }) => {
                Query::get(paths::account(&addr(address)?))
            }
            QueryCmd::Assets(a) => match a {
                AssetsQuery::Assets { ticker, page } => {
                    let q = Query::list(paths::assets(), &page.page());
                    match ticker {
                        Some(t) => q.with("ticker", t.clone()),
                        None => q,
                    }
                }
                AssetsQuery::Asset { denom } => Query::get(paths::asset(denom)),
                AssetsQuery::Prices { page } => Query::list(paths::prices(), &page.page()),
                AssetsQuery::Price { ticker } => Query::get(paths::price(ticker)),
                AssetsQuery::Params => Query::get(paths::params("assets")),
            },
            QueryCmd::Pools(p) => match p {
                PoolsQuery::Pools { page } => Query::list(paths::pools(), &page.page()),
                PoolsQuery::Pool { pool_id } => Query::get(paths::pool(PoolId(*pool_id))),
                PoolsQuery::PoolByDenom { denom } => Query::get(paths::pool_by_denom(denom)),
            },
            QueryCmd::Operators(o) => match o {
                OperatorsQuery::Operators { page } => Query::list(paths::operators(), &page.page()),
                OperatorsQuery::Operator { operator_id } => {
                    Query::get(paths::operator(OperatorId(*operator_id)))
                }
                OperatorsQuery::OperatorParams { operator_id } => {
                    Query::get(paths::operator_params(OperatorId(*operator_id)))
                }
                OperatorsQuery::Params => Query::get(paths::params("operators")),
            },
            QueryCmd::Services(s) => match s {
                ServicesQuery::Services { page } => Query::list(paths::services(), &page.page()),
                ServicesQuery::Service { service_id } => {
                    Query::get(paths::service(ServiceId(*service_id)))
                }
                ServicesQuery::ServiceParams { service_id } => {
                    Query::get(paths::service_params(ServiceId(*service_id)))
                }
                ServicesQuery::Params => Query::get(paths::params("services")),
            },
            QueryCmd::Restaking(r) => restaking_request(r, addresses)?,
            QueryCmd::Slashing(s) => slashing_request(s, addresses)?,
            QueryCmd::Rewards(r) => rewards_request(r, addresses)?,
            QueryCmd::Tokenfactory(t) => match t {
                TokenFactoryQuery::Params => Query::get(paths::params("tokenfactory")),
                TokenFactoryQuery::DenomsFromCreator { creator, page } => Query::list(
                    paths::denoms_from_creator(&addresses.resolve(creator)?),
                    &page.page(),
                ),
                TokenFactoryQuery::DenomAuthorityMetadata { denom } => {
                    Query::get(paths::denom_authority_metadata(denom))
                }
                TokenFactoryQuery::DenomMetadata { denom } => {
                    Query::get(paths::denom_metadata(denom))
                }
            },
            QueryCmd::Liquidvesting(l) => match l {
                LiquidVestingQuery::Params => Query::get(paths::params("liquidvesting")),
                LiquidVestingQuery::InsuranceFund { user } => {
                    Query::get(paths::insurance_fund(&addresses.resolve(user)?))
                }
                LiquidVestingQuery::RestakedLocked { user } => {
                    Query::get(paths::restaked_locked(&addresses.resolve(user)?))
                }
                LiquidVestingQuery::BurnQueue { page } => {
                    Query::list(paths::burn_queue(), &page.page())
                }
            },
            QueryCmd::Validators(v) => match v {
                ValidatorsQuery::Set => Query::get(paths::validator_set()),
                ValidatorsQuery::Params => Query::get(paths::params("validators")),
                ValidatorsQuery::Evidence { public_key } => {
                    Query::get(paths::evidence(public_key.as_deref()))
                }
            },
        })
    }
}

fn rewards_request(cmd: &RewardsQuery, addresses: &dyn AddressResolver) -> Result<Query> {
    use RewardsQuery as R;
    Ok(match cmd {
        R::Params => Query::get(paths::params("rewards")),
        R::Plans { page } => Query::list(paths::rewards_plans(), &page.page()),
        R::Plan { plan_id } => Query::get(paths::rewards_plan(*plan_id)),
        R::Outstanding { kind, id } => Query::get(paths::outstanding_rewards((*kind).into(), *id)),
        R::Commission { operator_id } => {
            Query::get(paths::operator_commission(OperatorId(*operator_id)))
        }
        R::PoolServiceShares {
            pool_id,
            service_id,
        } => Query::get(paths::pool_service_total_delegator_shares(
            PoolId(*pool_id),
            ServiceId(*service_id),
        )),
        R::Rewards {
            delegator,
            kind,
            id,
        } => {
            let d = addresses.resolve(delegator)?;
            match (kind, id) {
                (Some(k), Some(i)) => Query::get(paths::delegation_rewards(&d, (*k).into(), *i)),
                (None, None) => Query::get(paths::delegator_total_rewards(&d)),
                _ => {
                    return Err(ClientError::invalid(
                        "give both the kind of target (pool, operator or service) and its id, or neither",
                    ));
                }
            }
        }
        R::WithdrawAddress { delegator } => {
            Query::get(paths::withdraw_address(&addresses.resolve(delegator)?))
        }
    })
}

fn restaking_request(cmd: &RestakingQuery, addresses: &dyn AddressResolver) -> Result<Query> {
    use DelegationKind::{Operator, Pool, Service};
    use RestakingQuery as R;
    let addr = |t: &str| addresses.resolve(t);
    let by = |d: &str, kind, page: &PageOpts, unbonding: bool| -> Result<Query> {
        let a = addr(d)?;
        let path = if unbonding {
            paths::delegator_unbonding_delegations(&a, kind)
        } else {
            paths::delegator_delegations(&a, kind)
        };
        Ok(Query::list(path, &page.page()))
    };
    let targets = |d: &str, kind, page: &PageOpts| -> Result<Query> {
        Ok(Query::list(
            paths::delegator_targets(&addr(d)?, kind),
            &page.page(),
        ))
    };
    let target = |d: &str, kind, id: u32| -> Result<Query> {
        Ok(Query::get(paths::delegator_target(&addr(d)?, kind, id)))
    };
    Ok(match cmd {
        R::OperatorJoinedServices { operator_id, page } => Query::list(
            paths::operator_joined_services(OperatorId(*operator_id)),
            &page.page(),
        ),
        R::ServiceAllowedOperators { service_id, page } => Query::list(
            paths::service_allowed_operators(ServiceId(*service_id)),
            &page.page(),
        ),
        R::ServiceSecuringPools { service_id, page } => Query::list(
            paths::service_securing_pools(ServiceId(*service_id)),
            &page.page(),
        ),
        R::ServiceOperators { service_id, page } => Query::list(
            paths::service_operators(ServiceId(*service_id)),
            &page.page(),
        ),
        R::PoolDelegations { pool_id, page } => kind_query(Pool, *pool_id, page, false),
        R::PoolDelegation { pool_id, delegator } => {
            kind_one(Pool, *pool_id, &addr(delegator)?, false)
        }
        R::PoolUnbondingDelegations { pool_id, page } => kind_query(Pool, *pool_id, page, true),
        R::PoolUnbondingDelegation { pool_id, delegator } => {
            kind_one(Pool, *pool_id, &addr(delegator)?, true)
        }
        R::OperatorDelegations { operator_id, page } => {
            kind_query(Operator, *operator_id, page, false)
        }
        R::OperatorDelegation {
            operator_id,
            delegator,
        } => kind_one(Operator, *operator_id, &addr(delegator)?, false),
        R::OperatorUnbondingDelegations { operator_id, page } => {
            kind_query(Operator, *operator_id, page, true)
        }
        R::OperatorUnbondingDelegation {
            operator_id,
            delegator,
        } => kind_one(Operator, *operator_id, &addr(delegator)?, true),
        R::ServiceDelegations { service_id, page } => kind_query(Service, *service_id, page, false),
        R::ServiceDelegation {
            service_id,
            delegator,
        } => kind_one(Service, *service_id, &addr(delegator)?, false),
        R::ServiceUnbondingDelegations { service_id, page } => {
            kind_query(Service, *service_id, page, true)
        }
        R::ServiceUnbondingDelegation {
            service_id,
            delegator,
        } => kind_one(Service, *service_id, &addr(delegator)?, true),
        R::DelegatorPoolDelegations { delegator, page } => by(delegator, Pool, page, false)?,
        R::DelegatorPoolUnbondingDelegations { delegator, page } => {
            by(delegator, Pool, page, true)?
        }
        R::DelegatorOperatorDelegations { delegator, page } => {
            by(delegator, Operator, page, false)?
        }
        R::DelegatorOperatorUnbondingDelegations { delegator, page } => {
            by(delegator, Operator, page, true)?
        }
        R::DelegatorServiceDelegations { delegator, page } => by(delegator, Service, page, false)?,
        R::DelegatorServiceUnbondingDelegations { delegator, page } => {
            by(delegator, Service, page, true)?
        }
        R::DelegatorPools { delegator, page } => targets(delegator, Pool, page)?,
        R::DelegatorPool { delegator, pool_id } => target(delegator, Pool, *pool_id)?,
        R::DelegatorOperators { delegator, page } => targets(delegator, Operator, page)?,
        R::DelegatorOperator {
            delegator,
            operator_id,
        } => target(delegator, Operator, *operator_id)?,
        R::DelegatorServices { delegator, page } => targets(delegator, Service, page)?,
        R::DelegatorService {
            delegator,
            service_id,
        } => target(delegator, Service, *service_id)?,
        R::UserPreferences { user } => Query::get(paths::user_preferences(&addr(user)?)),
        R::Params => Query::get(paths::params("restaking")),
    })
}

/// Runs a query and prints the node's answer: as JSON with `-o json`, as indented text otherwise
/// (with a hint when more pages follow).
pub async fn run_query(
    cmd: &QueryCmd,
    client: &Client,
    addresses: &dyn AddressResolver,
    format: OutputFormat,
    io: &mut Io<'_>,
) -> Result<()> {
    let query = cmd.request(addresses)?;
    let value = client.get_json(&query).await?;
    match format {
        OutputFormat::Json => io.println(value.to_string()),
        OutputFormat::Text => {
            io.println(render(&value).trim_end())?;
            if let Some(next) = value
                .get("pagination")
                .and_then(|p| p.get("next_key"))
                .and_then(|k| k.as_str())
                .filter(|k| !k.is_empty())
            {
                io.eprintln(format!("more results: add --page-key {next}"))?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use clap::Parser;

    /// `phalanxd query ...` as the binary embeds it.
    #[derive(Parser)]
    struct TestCli {
        #[command(subcommand)]
        cmd: QueryCmd,
    }

    fn request(line: &str) -> Result<Query> {
        let args = std::iter::once("query").chain(line.split_whitespace());
        match TestCli::try_parse_from(args) {
            Ok(cli) => cli.cmd.request(&AddressesOnly),
            Err(e) => panic!("{line}: {e}"),
        }
    }

    #[test]
    fn rewards_queries_map_to_their_api_paths() {
        let a = Address::module("someone");
        let table: Vec<(String, String)> = vec![
            ("rewards params".into(), "/phalanx/rewards/v1/params".into()),
            (
                "rewards plans".into(),
                "/phalanx/rewards/v1/rewards_plans".into(),
            ),
            (
                "rewards plan 7".into(),
                "/phalanx/rewards/v1/rewards_plans/7".into(),
            ),
            (
                "rewards outstanding pool 1".into(),
                "/phalanx/rewards/v1/pools/1/outstanding_rewards".into(),
            ),
            (
                "rewards outstanding operator 2".into(),
                "/phalanx/rewards/v1/operators/2/outstanding_rewards".into(),
            ),
            (
                "rewards outstanding service 3".into(),
                "/phalanx/rewards/v1/services/3/outstanding_rewards".into(),
            ),
            (
                "rewards commission 2".into(),
                "/phalanx/rewards/v1/operators/2/commission".into(),
            ),
            (
                "rewards pool-service-shares 1 3".into(),
                "/phalanx/rewards/v1/pools/1/services/3/total_delegator_shares".into(),
            ),
            (
                format!("rewards rewards {a}"),
                format!("/phalanx/rewards/v1/delegators/{a}/rewards"),
            ),
            (
                format!("rewards rewards {a} pool 1"),
                format!("/phalanx/rewards/v1/delegators/{a}/rewards/pools/1"),
            ),
            (
                format!("rewards rewards {a} operator 2"),
                format!("/phalanx/rewards/v1/delegators/{a}/rewards/operators/2"),
            ),
            (
                format!("rewards rewards {a} service 3"),
                format!("/phalanx/rewards/v1/delegators/{a}/rewards/services/3"),
            ),
            (
                format!("rewards withdraw-address {a}"),
                format!("/phalanx/rewards/v1/delegators/{a}/withdraw_address"),
            ),
        ];
        for (line, path) in &table {
            let q = request(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(&q.path, path, "{line}");
        }
        let q = request("rewards plans --limit 2 --page-key AAE=").unwrap();
        assert_eq!(
            q.params,
            vec![
                ("pagination.key", "AAE=".to_string()),
                ("pagination.limit", "2".to_string())
            ]
        );
    }

    #[test]
    fn validators_queries_map_to_their_api_paths() {
        let key = "58".to_string() + &"66".repeat(31);
        let table: Vec<(String, String)> = vec![
            (
                "validators set".into(),
                "/phalanx/validators/v1/validators".into(),
            ),
            (
                "validators params".into(),
                "/phalanx/validators/v1/params".into(),
            ),
            (
                "validators evidence".into(),
                "/phalanx/validators/v1/evidence".into(),
            ),
            (
                format!("validators evidence {key}"),
                format!("/phalanx/validators/v1/evidence/{key}"),
            ),
        ];
        for (line, path) in &table {
            let q = request(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(&q.path, path, "{line}");
        }
    }

    #[test]
    fn liquidvesting_queries_map_to_their_api_paths() {
        let a = Address::module("someone");
        let table: Vec<(String, String)> = vec![
            (
                "liquidvesting params".into(),
                "/phalanx/liquidvesting/v1/params".into(),
            ),
            (
                format!("liquidvesting insurance-fund {a}"),
                format!("/phalanx/liquidvesting/v1/insurance_funds/{a}"),
            ),
            (
                format!("liquidvesting restaked-locked {a}"),
                format!("/phalanx/liquidvesting/v1/restaked_locked/{a}"),
            ),
            (
                "liquidvesting burn-queue".into(),
                "/phalanx/liquidvesting/v1/burn_queue".into(),
            ),
        ];
        for (line, path) in &table {
            let q = request(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(&q.path, path, "{line}");
        }
    }

    #[test]
    fn tokenfactory_queries_map_to_their_api_paths() {
        let a = Address::module("someone");
        let denom = format!("factory/{a}/gold");
        let table: Vec<(String, String)> = vec![
            (
                "tokenfactory params".into(),
                "/phalanx/tokenfactory/v1/params".into(),
            ),
            (
                format!("tokenfactory denoms-from-creator {a}"),
                format!("/phalanx/tokenfactory/v1/denoms_from_creator/{a}"),
            ),
            (
                format!("tokenfactory denom-authority-metadata {denom}"),
                format!("/phalanx/tokenfactory/v1/authority_metadata/{denom}"),
            ),
            (
                format!("tokenfactory denom-metadata {denom}"),
                format!("/phalanx/tokenfactory/v1/denom_metadata/{denom}"),
            ),
        ];
        for (line, path) in &table {
            let q = request(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(&q.path, path, "{line}");
        }
        let q = request(&format!(
            "tokenfactory denoms-from-creator {a} --limit 2 --page-key AAE="
        ))
        .unwrap();
        assert_eq!(
            q.params,
            vec![
                ("pagination.key", "AAE=".to_string()),
                ("pagination.limit", "2".to_string())
            ]
        );
        // Key names are not addresses without a keyring.
        let args = ["query", "tokenfactory", "denoms-from-creator", "alice"];
        let cli = TestCli::try_parse_from(args).unwrap();
        assert!(cli.cmd.request(&AddressesOnly).is_err());
    }

    #[test]
    fn bad_rewards_arguments_are_refused() {
        let a = Address::module("someone");
        for bad in [
            format!("rewards rewards {a} pool"),
            format!("rewards rewards {a} 5"),
            format!("rewards rewards {a} vault 5"),
            "rewards outstanding pool".to_string(),
            "rewards plan x".to_string(),
        ] {
            let args = std::iter::once("query").chain(bad.split_whitespace());
            assert!(TestCli::try_parse_from(args).is_err(), "{bad}");
        }
        assert!(request("rewards withdraw-address nobody").is_err());
    }
}
