//! The module queries (`/phalanx/<module>/v1/...`): each is a thin adapter from path and query
//! parameters to a `phalanx_protocol` query function, and from its answer to JSON. No business logic
//! lives here: ids, addresses and pages are parsed, the protocol answers.

use crate::encoding::base64;
use crate::error::ApiError;
use crate::query::{Out, Req, paginate_sorted};
use phalanx_protocol::restaking::{self, TargetObject, TargetRef};
use phalanx_protocol::{
    assets, auth, bank, liquidvesting, operators, pools, rewards, services, slashing, tokenfactory,
    validators,
};
use phalanx_state::StateRead;
use phalanx_types::error::{
    AssetsError, RestakingError, RewardsError, SlashingError, TokenFactoryError,
};
use phalanx_types::msgs::DelegationKind;
use phalanx_types::{Address, Coin, Dec, Error, OperatorId, PoolId, ServiceId};
use serde::Serialize;

/// Result of one query function.
type Answer = Result<Out, ApiError>;

// ---- bank ------------------------------------------------------------------------------------------

/// All balances of an account, paged by denom.
pub(crate) fn bank_balances(s: &dyn StateRead, r: &Req) -> Answer {
    let addr = r.address("address")?;
    let (rows, next) = bank::balances_page(s, &addr, &r.page()?)?;
    Ok(Out::one("balances", &rows)?.page(&next))
}

/// Total supply of every denom, paged by denom.
pub(crate) fn bank_supply(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = bank::supply_page(s, &r.page()?)?;
    Ok(Out::one("supply", &rows)?.page(&next))
}

/// Supply of one denom (zero when none was ever minted, as in Cosmos).
pub(crate) fn bank_supply_of(s: &dyn StateRead, r: &Req) -> Answer {
    let denom = r.denom("denom")?;
    let amount = bank::supply(s, &denom)?;
    Out::one("amount", &Coin::new(denom, amount))
}

// ---- auth ------------------------------------------------------------------------------------------

/// An account's number, sequence and public key as Phalanx shows it (public key in base64).
#[derive(Serialize)]
pub(crate) struct AccountJson {
    /// The address.
    pub address: Address,
    /// Account number (part of every sign doc).
    pub account_number: u64,
    /// Next sequence to sign with.
    pub sequence: u64,
    /// Compressed secp256k1 key, base64; null until the first signed transaction.
    pub pub_key: Option<String>,
}

impl From<&auth::Account> for AccountJson {
    fn from(a: &auth::Account) -> Self {
        Self {
            address: a.address,
            account_number: a.account_number,
            sequence: a.sequence,
            pub_key: a.pub_key.as_deref().map(base64),
        }
    }
}

/// Reads an account or answers 404 with a hint.
pub(crate) fn load_account(s: &dyn StateRead, addr: &Address) -> Result<auth::Account, ApiError> {
    auth::account(s, addr)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "account {addr} not found; it is created when it first receives coins"
        ))
    })
}

/// One account.
pub(crate) fn auth_account(s: &dyn StateRead, r: &Req) -> Answer {
    let addr = r.address("address")?;
    let account = load_account(s, &addr)?;
    Out::one("account", &AccountJson::from(&account))
}

// ---- assets ----------------------------------------------------------------------------------------

/// Registered assets, optionally of one ticker.
pub(crate) fn assets_list(s: &dyn StateRead, r: &Req) -> Answer {
    let page = r.page()?;
    let ticker = r.params.ticker.as_deref().filter(|t| !t.is_empty());
    let (rows, next) = assets::assets(s, ticker, &page)?;
    Ok(Out::one("assets", &rows)?.page(&next))
}

/// The asset of one denom.
pub(crate) fn asset(s: &dyn StateRead, r: &Req) -> Answer {
    let denom = r.denom("denom")?;
    let a = assets::asset(s, &denom)?.ok_or(Error::Assets(AssetsError::AssetNotFound(denom)))?;
    Out::one("asset", &a)
}

/// Posted prices, paged by ticker.
pub(crate) fn prices(s: &dyn StateRead, r: &Req) -> Answer {
    let page = r.page()?;
    let (rows, next) = paginate_sorted(assets::prices(s)?, |p| p.ticker.as_bytes().to_vec(), &page);
    Ok(Out::one("prices", &rows)?.page(&next))
}

/// The last posted price of a ticker (fresh or not; its `time` says how old).
pub(crate) fn price(s: &dyn StateRead, r: &Req) -> Answer {
    let ticker = r.arg("ticker")?;
    let p = assets::price(s, ticker)?
        .ok_or_else(|| ApiError::not_found(format!("no price posted for ticker {ticker:?}")))?;
    Out::one("price", &p)
}

/// Assets params.
pub(crate) fn assets_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &assets::params(s)?)
}

// ---- pools -----------------------------------------------------------------------------------------

/// Pools in id order.
pub(crate) fn pools_list(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = pools::pools(s, &r.page()?)?;
    Ok(Out::one("pools", &rows)?.page(&next))
}

/// One pool by id.
pub(crate) fn pool(s: &dyn StateRead, r: &Req) -> Answer {
    let id = PoolId(r.id("pool_id")?);
    Out::one("pool", &pools::must_pool(s, id)?)
}

/// The pool of a denom.
pub(crate) fn pool_by_denom(s: &dyn StateRead, r: &Req) -> Answer {
    let denom = r.denom("denom")?;
    let p = pools::pool_by_denom(s, &denom)?.ok_or(Error::Pools(
        phalanx_types::error::PoolsError::PoolNotFound(denom),
    ))?;
    Out::one("pool", &p)
}

// ---- operators -------------------------------------------------------------------------------------

/// Operators in id order.
pub(crate) fn operators_list(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = operators::operators(s, &r.page()?)?;
    Ok(Out::one("operators", &rows)?.page(&next))
}

/// One operator.
pub(crate) fn operator(s: &dyn StateRead, r: &Req) -> Answer {
    let id = OperatorId(r.id("operator_id")?);
    Out::one("operator", &operators::must_operator(s, id)?)
}

/// An operator's own params (defaults when never set).
pub(crate) fn operator_params(s: &dyn StateRead, r: &Req) -> Answer {
    let id = OperatorId(r.id("operator_id")?);
    Out::one("operator_params", &operators::operator_params(s, id)?)
}

/// Operators module params.
pub(crate) fn operators_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &operators::params(s)?)
}

// ---- services --------------------------------------------------------------------------------------

/// Services in id order.
pub(crate) fn services_list(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = services::services(s, &r.page()?)?;
    Ok(Out::one("services", &rows)?.page(&next))
}

/// One service.
pub(crate) fn service(s: &dyn StateRead, r: &Req) -> Answer {
    let id = ServiceId(r.id("service_id")?);
    Out::one("service", &services::must_service(s, id)?)
}

/// A service's own params (defaults when never set).
pub(crate) fn service_params(s: &dyn StateRead, r: &Req) -> Answer {
    let id = ServiceId(r.id("service_id")?);
    Out::one("service_params", &services::service_params(s, id)?)
}

/// Services module params.
pub(crate) fn services_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &services::params(s)?)
}

// ---- restaking -------------------------------------------------------------------------------------

/// `DelegationKind` as a const generic parameter, so one generic function yields one plain `fn` per
/// kind for the route table.
pub(crate) const POOL: u8 = 1;
/// See [`POOL`].
pub(crate) const OPERATOR: u8 = 2;
/// See [`POOL`].
pub(crate) const SERVICE: u8 = 3;

fn kind_of<const K: u8>() -> Result<DelegationKind, ApiError> {
    match K {
        POOL => Ok(DelegationKind::Pool),
        OPERATOR => Ok(DelegationKind::Operator),
        SERVICE => Ok(DelegationKind::Service),
        _ => Err(ApiError::internal("unknown delegation kind in route table")),
    }
}

/// The path capture naming a target of kind `K`.
fn id_param(kind: DelegationKind) -> &'static str {
    match kind {
        DelegationKind::Pool => "pool_id",
        DelegationKind::Operator => "operator_id",
        DelegationKind::Service => "service_id",
    }
}

/// The target named in the path; 404 when it does not exist, so a typo is not an empty list.
fn existing_target<const K: u8>(s: &dyn StateRead, r: &Req) -> Result<TargetRef, ApiError> {
    let kind = kind_of::<K>()?;
    let target = TargetRef {
        kind,
        id: r.id(id_param(kind))?,
    };
    restaking::load_target(s, target)?;
    Ok(target)
}

/// Services an operator has joined.
pub(crate) fn operator_joined_services(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<OPERATOR>(s, r)?;
    let (ids, next) = restaking::operator_joined_services(s, OperatorId(t.id), &r.page()?)?;
    Ok(Out::one("service_ids", &ids)?.page(&next))
}

/// Operators on a service's allow-list.
pub(crate) fn service_allowed_operators(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<SERVICE>(s, r)?;
    let (ids, next) = restaking::service_allowed_operators(s, ServiceId(t.id), &r.page()?)?;
    Ok(Out::one("operator_ids", &ids)?.page(&next))
}

/// Pools whose security a service borrows.
pub(crate) fn service_securing_pools(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<SERVICE>(s, r)?;
    let (ids, next) = restaking::service_securing_pools(s, ServiceId(t.id), &r.page()?)?;
    Ok(Out::one("pool_ids", &ids)?.page(&next))
}

/// Operators that joined a service, as full objects.
pub(crate) fn service_operators(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<SERVICE>(s, r)?;
    let (ops, next) = restaking::service_operators(s, ServiceId(t.id), &r.page()?)?;
    Ok(Out::one("operators", &ops)?.page(&next))
}

/// Delegations to one target.
pub(crate) fn target_delegations<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<K>(s, r)?;
    let (rows, next) = restaking::target_delegations(s, t, &r.page()?)?;
    Ok(Out::one("delegations", &rows)?.page(&next))
}

/// One delegator's delegation to one target.
pub(crate) fn target_delegation<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<K>(s, r)?;
    let delegator = r.address("delegator_address")?;
    let d = restaking::target_delegation(s, t, &delegator)?.ok_or_else(|| {
        Error::Restaking(RestakingError::DelegationNotFound(
            delegator.to_string(),
            t.to_string(),
        ))
    })?;
    Out::one("delegation", &d)
}

/// Unbonding records from one target.
pub(crate) fn target_unbonding_delegations<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<K>(s, r)?;
    let (rows, next) = restaking::target_unbonding_delegations(s, t, &r.page()?)?;
    Ok(Out::one("unbonding_delegations", &rows)?.page(&next))
}

/// One delegator's unbonding record from one target.
pub(crate) fn target_unbonding_delegation<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<K>(s, r)?;
    let delegator = r.address("delegator_address")?;
    let u = restaking::target_unbonding_delegation(s, t, &delegator)?.ok_or_else(|| {
        Error::Restaking(RestakingError::NoUnbondingDelegation(format!(
            "{delegator} is not unbonding from {t}"
        )))
    })?;
    Out::one("unbonding_delegation", &u)
}

/// A delegator's delegations of one kind.
pub(crate) fn delegator_delegations<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let delegator = r.address("delegator_address")?;
    let (rows, next) =
        restaking::delegator_delegations(s, &delegator, kind_of::<K>()?, &r.page()?)?;
    Ok(Out::one("delegations", &rows)?.page(&next))
}

/// A delegator's unbonding records of one kind.
pub(crate) fn delegator_unbonding_delegations<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let delegator = r.address("delegator_address")?;
    let (rows, next) =
        restaking::delegator_unbonding_delegations(s, &delegator, kind_of::<K>()?, &r.page()?)?;
    Ok(Out::one("unbonding_delegations", &rows)?.page(&next))
}

/// The JSON field of a list of targets of one kind.
fn targets_field(kind: DelegationKind) -> &'static str {
    match kind {
        DelegationKind::Pool => "pools",
        DelegationKind::Operator => "operators",
        DelegationKind::Service => "services",
    }
}

/// A target object without its kind tag (the route already says which kind).
fn untagged(t: &TargetObject) -> Result<serde_json::Value, ApiError> {
    let v = match t {
        TargetObject::Pool(p) => serde_json::to_value(p),
        TargetObject::Operator(o) => serde_json::to_value(o),
        TargetObject::Service(s) => serde_json::to_value(s),
    };
    v.map_err(|e| ApiError::internal(format!("encoding target: {e}")))
}

/// The pools, operators or services a delegator has delegated to.
pub(crate) fn delegator_targets<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let kind = kind_of::<K>()?;
    let delegator = r.address("delegator_address")?;
    let (rows, next) = restaking::delegator_targets(s, &delegator, kind, &r.page()?)?;
    let objects = rows.iter().map(untagged).collect::<Result<Vec<_>, _>>()?;
    Ok(Out::one(targets_field(kind), &objects)?.page(&next))
}

/// One target a delegator has delegated to; 404 when they have not.
pub(crate) fn delegator_target<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let kind = kind_of::<K>()?;
    let delegator = r.address("delegator_address")?;
    let target = TargetRef {
        kind,
        id: r.id(id_param(kind))?,
    };
    let obj = restaking::delegator_target(s, &delegator, target)?.ok_or_else(|| {
        Error::Restaking(RestakingError::DelegationNotFound(
            delegator.to_string(),
            target.to_string(),
        ))
    })?;
    Out::one(kind.as_str(), &untagged(&obj)?)
}

/// A user's trust preferences in force (empty when never set), and those asked for that withdraw
/// trust and wait for the unbonding time (`null` when none).
pub(crate) fn user_preferences(s: &dyn StateRead, r: &Req) -> Answer {
    let user = r.address("user_address")?;
    Out::one("preferences", &restaking::user_preferences(s, &user)?)?
        .with("pending", &restaking::pending_preferences(s, &user)?)
}

/// Restaking params.
pub(crate) fn restaking_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &restaking::params(s)?)
}

// ---- rewards ---------------------------------------------------------------------------------------

/// Rewards params.
pub(crate) fn rewards_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &rewards::params(s)?)
}

/// Rewards plans in id order.
pub(crate) fn rewards_plans(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = rewards::plans(s, &r.page()?)?;
    Ok(Out::one("rewards_plans", &rows)?.page(&next))
}

/// One rewards plan; 404 when there is none of that id.
pub(crate) fn rewards_plan(s: &dyn StateRead, r: &Req) -> Answer {
    let id = r.id64("plan_id")?;
    let plan = rewards::plan(s, id)?.ok_or(Error::Rewards(RewardsError::PlanNotFound(id)))?;
    Out::one("rewards_plan", &plan)
}

/// Rewards owed to a target's delegators (and, for an operator, its commission), by restaked denom.
pub(crate) fn outstanding_rewards<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<K>(s, r)?;
    Out::one("outstanding_rewards", &rewards::outstanding(s, t)?)
}

/// An operator's accumulated commission, by restaked denom.
pub(crate) fn operator_commission(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<OPERATOR>(s, r)?;
    Out::one(
        "commission",
        &rewards::operator_commission(s, OperatorId(t.id))?,
    )
}

/// The shares of a pool held by delegators who trust a service with it.
pub(crate) fn pool_service_total_delegator_shares(s: &dyn StateRead, r: &Req) -> Answer {
    let pool = existing_target::<POOL>(s, r)?;
    let svc = existing_target::<SERVICE>(s, r)?;
    let shares =
        rewards::pool_service_total_delegator_shares(s, PoolId(pool.id), ServiceId(svc.id))?;
    Out::one("total_delegator_shares", &shares)
}

/// Pending rewards of one delegation, by restaked denom (empty when the delegator has none there).
pub(crate) fn delegation_rewards<const K: u8>(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<K>(s, r)?;
    let delegator = r.address("delegator_address")?;
    Out::one(
        "rewards",
        &rewards::delegation_rewards(s, t, &delegator)?.rewards,
    )
}

/// Pending rewards of every delegation of a delegator, their total, what is owed from earlier
/// withdrawals and what withdrawing everything now would pay.
pub(crate) fn delegator_total_rewards(s: &dyn StateRead, r: &Req) -> Answer {
    let delegator = r.address("delegator_address")?;
    Out::fields(&rewards::delegator_total_rewards(s, &delegator)?)
}

/// Where a delegator's rewards are paid (itself unless it set another address).
pub(crate) fn withdraw_address(s: &dyn StateRead, r: &Req) -> Answer {
    let delegator = r.address("delegator_address")?;
    Out::one(
        "withdraw_address",
        &rewards::withdraw_address(s, &delegator)?,
    )
}

// ---- tokenfactory ----------------------------------------------------------------------------------

/// Token factory params.
pub(crate) fn tokenfactory_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &tokenfactory::params(s)?)
}

/// A factory denom taken from the path: well formed, and created (404 otherwise).
fn factory_denom(
    s: &dyn StateRead,
    r: &Req,
) -> Result<(String, tokenfactory::DenomAuthorityMetadata), ApiError> {
    let denom = r.denom("denom")?;
    phalanx_types::msgs::parse_factory_denom(&denom)?;
    let authority = tokenfactory::denom_authority_metadata(s, &denom)?
        .ok_or_else(|| Error::from(TokenFactoryError::DenomNotFound(denom.clone())))?;
    Ok((denom, authority))
}

/// Who administers a factory denom (`admin` is null once renounced).
pub(crate) fn denom_authority_metadata(s: &dyn StateRead, r: &Req) -> Answer {
    Out::one("authority_metadata", &factory_denom(s, r)?.1)
}

/// The display metadata of a factory denom; 404 until its admin sets it.
pub(crate) fn denom_metadata(s: &dyn StateRead, r: &Req) -> Answer {
    let (denom, _) = factory_denom(s, r)?;
    let metadata = tokenfactory::denom_metadata(s, &denom)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "no metadata set for {denom}; its admin sets it with set-denom-metadata"
        ))
    })?;
    Out::one("metadata", &metadata)
}

/// The denoms an address created, in denom order (including those it no longer administers).
pub(crate) fn denoms_from_creator(s: &dyn StateRead, r: &Req) -> Answer {
    let creator = r.address("creator")?;
    let (rows, next) = tokenfactory::denoms_from_creator(s, &creator, &r.page()?)?;
    Ok(Out::one("denoms", &rows)?.page(&next))
}

// ---- liquidvesting ---------------------------------------------------------------------------------

/// Liquid vesting params.
pub(crate) fn liquidvesting_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &liquidvesting::params(s)?)
}

/// A user's insurance fund, per underlying denom.
pub(crate) fn insurance_fund(s: &dyn StateRead, r: &Req) -> Answer {
    let user = r.address("user_address")?;
    Out::one("balance", &liquidvesting::user_insurance_fund(s, &user)?)
}

/// A user's restaked locked tokens (delegations and pending unbondings), which the fund must cover.
pub(crate) fn restaked_locked(s: &dyn StateRead, r: &Req) -> Answer {
    let user = r.address("user_address")?;
    Out::one("restaked", &liquidvesting::restaked_locked(s, &user)?)
}

/// Burns waiting for their forced unbonding to complete, in completion order.
pub(crate) fn burn_queue(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = liquidvesting::burn_queue_page(s, &r.page()?)?;
    Ok(Out::one("burn_queue", &rows)?.page(&next))
}

// ---- validators ------------------------------------------------------------------------------------

/// Validators params (equivocation rule, epoch length, maximum set size).
pub(crate) fn validators_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &validators::params(s)?)
}

/// The current epoch's participants, the roster, the queued set, jails and the next epoch boundary.
pub(crate) fn validator_set(s: &dyn StateRead, _: &Req) -> Answer {
    Out::fields(&validators::validator_set(s)?)
}

/// Every recorded equivocation, by validator key then view.
pub(crate) fn all_evidence(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("evidence", &validators::all_evidence(s)?)
}

/// The equivocations recorded for one validator (by its hex ed25519 key), by view.
pub(crate) fn validator_evidence(s: &dyn StateRead, r: &Req) -> Answer {
    let key = phalanx_types::msgs::parse_validator_key(r.arg("public_key")?).map_err(|e| {
        let mut err = ApiError::from(e);
        err.status = axum::http::StatusCode::BAD_REQUEST;
        err
    })?;
    Out::one("evidence", &validators::evidence(s, &key)?)
}

// ---- slashing --------------------------------------------------------------------------------------

/// Slashing params.
pub(crate) fn slashing_params(s: &dyn StateRead, _: &Req) -> Answer {
    Out::one("params", &slashing::params(s)?)
}

/// A service's slashing rules, in effect and pending; 404 when the service does not exist.
pub(crate) fn slashing_rules(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<SERVICE>(s, r)?;
    Out::one("rules", &slashing::rules(s, ServiceId(t.id))?)
}

/// Every slash (history, any status) in id order.
pub(crate) fn slashes(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = slashing::slashes(s, &r.page()?)?;
    Ok(Out::one("slashes", &rows)?.page(&next))
}

/// One slash; 404 when there is none of that id.
pub(crate) fn slash(s: &dyn StateRead, r: &Req) -> Answer {
    let id = r.id64("slash_id")?;
    let slash = slashing::slash(s, id)?.ok_or(Error::Slashing(SlashingError::SlashNotFound(id)))?;
    Out::one("slash", &slash)
}

/// Slashes waiting for their veto window to end, in execution order.
pub(crate) fn pending_slashes(s: &dyn StateRead, r: &Req) -> Answer {
    let (rows, next) = slashing::pending_slashes_page(s, &r.page()?)?;
    Ok(Out::one("slashes", &rows)?.page(&next))
}

/// The slash to simulate from `?service=ID&fraction=F`: both or neither.
fn simulated_slash(r: &Req) -> Result<Option<(ServiceId, Dec)>, ApiError> {
    let given = |v: &Option<String>| v.as_deref().filter(|t| !t.is_empty()).map(str::to_owned);
    match (given(&r.params.service), given(&r.params.fraction)) {
        (None, None) => Ok(None),
        (Some(service), Some(fraction)) => {
            let id = service
                .parse::<u32>()
                .ok()
                .filter(|id| *id != 0)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("service {service:?} is not a positive integer"))
                })?;
            let f = fraction
                .parse::<Dec>()
                .ok()
                .filter(|f| !f.is_zero() && *f <= Dec::ONE)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "fraction {fraction:?} is not a decimal in (0, 1], e.g. 0.1"
                    ))
                })?;
            Ok(Some((ServiceId(id), f)))
        }
        _ => Err(ApiError::bad_request(
            "give both service and fraction to simulate a slash, or neither",
        )),
    }
}

/// What every service can slash of an address's stake at the snapshot's block time; with
/// `?service=ID&fraction=F`, also the exact loss of a whole-security slash of that service now.
pub(crate) fn exposure(s: &dyn StateRead, r: &Req) -> Answer {
    let address = r.address("address")?;
    let simulate = simulated_slash(r)?;
    let now = phalanx_app::last_block_time(s)?;
    Out::fields(&slashing::exposure(s, now, &address, simulate)?)
}

/// An operator's commission change waiting to apply (null when none); 404 for an unknown operator.
pub(crate) fn pending_commission(s: &dyn StateRead, r: &Req) -> Answer {
    let t = existing_target::<OPERATOR>(s, r)?;
    Out::one(
        "pending_commission",
        &slashing::pending_commission(s, OperatorId(t.id))?,
    )
}
