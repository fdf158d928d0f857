//! The route table: the one place that lists every route. The router and the OpenAPI document are
//! both generated from it, so neither can drift from the other.

use crate::query::{self, Args, Params, QueryFn, Req};
use crate::{AppState, cosmos, events, metrics, modules as m, node, openapi};
use axum::Router;
use axum::extract::State;
use axum::routing::{MethodRouter, get, post};

/// HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// Query-string parameters a route documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryParam {
    /// `pagination.key`.
    PaginationKey,
    /// `pagination.limit`.
    PaginationLimit,
    /// `prove`.
    Prove,
    /// `ticker`.
    Ticker,
    /// `service` (with `fraction`: a simulated slash).
    Service,
    /// `fraction` (with `service`: a simulated slash).
    Fraction,
    /// `commit`.
    Commit,
    /// `types`.
    Types,
}

/// What a POST body holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// No body.
    None,
    /// Base64 `TxRaw` (text, JSON string, or `{"tx_bytes"}`).
    TxBytes,
    /// Cosmos `{"tx_bytes", "mode"}`.
    CosmosBroadcast,
}

/// How a route is served.
#[derive(Clone, Copy)]
pub(crate) enum Action {
    /// A state query run over a snapshot (supports `?prove=true`).
    Query(QueryFn),
    /// Any other handler, built by this function.
    Handler(fn() -> MethodRouter<AppState>),
}

/// One route.
#[derive(Clone, Copy)]
pub(crate) struct RouteSpec {
    /// Method.
    pub verb: Verb,
    /// Path in axum syntax (`{id}`, `{*denom}` for a capture that may contain `/`).
    pub path: &'static str,
    /// OpenAPI tag (module).
    pub tag: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Documented query parameters.
    pub params: &'static [QueryParam],
    /// Body of a POST.
    pub body: BodyKind,
    /// What a 200 answer holds.
    pub returns: &'static str,
    /// Response media type.
    pub produces: &'static str,
    /// The handler.
    pub action: Action,
}

use QueryParam::{Commit, Fraction, PaginationKey, PaginationLimit, Prove, Service, Ticker, Types};

const LIST: &[QueryParam] = &[PaginationKey, PaginationLimit, Prove];
const ONE: &[QueryParam] = &[Prove];
const ASSETS: &[QueryParam] = &[Ticker, PaginationKey, PaginationLimit, Prove];
const EXPOSURE: &[QueryParam] = &[Service, Fraction, Prove];
const JSON: &str = "application/json";

/// A GET state query.
const fn q(
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: &'static [QueryParam],
    returns: &'static str,
    f: QueryFn,
) -> RouteSpec {
    RouteSpec {
        verb: Verb::Get,
        path,
        tag,
        summary,
        params,
        body: BodyKind::None,
        returns,
        produces: JSON,
        action: Action::Query(f),
    }
}

/// A route with its own handler.
#[allow(clippy::too_many_arguments)]
const fn h(
    verb: Verb,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: &'static [QueryParam],
    body: BodyKind,
    returns: &'static str,
    produces: &'static str,
    make: fn() -> MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        verb,
        path,
        tag,
        summary,
        params,
        body,
        returns,
        produces,
        action: Action::Handler(make),
    }
}

/// Every route the API serves. One line per route, so the table reads as the API's index.
#[rustfmt::skip]
pub(crate) const ROUTES: &[RouteSpec] = &[
    // ---- bank
    q("/phalanx/bank/v1/balances/{address}", "bank", "All balances of an account", LIST, "{balances: Coin[], pagination}", m::bank_balances),
    q("/phalanx/bank/v1/supply", "bank", "Total supply of every denom", LIST, "{supply: Coin[], pagination}", m::bank_supply),
    q("/phalanx/bank/v1/supply/{*denom}", "bank", "Total supply of one denom (zero if never minted)", ONE, "{amount: Coin}", m::bank_supply_of),
    // ---- auth
    q("/phalanx/auth/v1/accounts/{address}", "auth", "An account's number, sequence and public key", ONE, "{account: {address, account_number, sequence, pub_key}}", m::auth_account),
    // ---- assets
    q("/phalanx/assets/v1/assets", "assets", "Registered assets, optionally of one ticker", ASSETS, "{assets: Asset[], pagination}", m::assets_list),
    q("/phalanx/assets/v1/assets/{*denom}", "assets", "The asset registered for a denom", ONE, "{asset}", m::asset),
    q("/phalanx/assets/v1/prices", "assets", "Every posted price", LIST, "{prices: Price[], pagination}", m::prices),
    q("/phalanx/assets/v1/prices/{ticker}", "assets", "The last posted price of a ticker", ONE, "{price: {ticker, price, time}}", m::price),
    q("/phalanx/assets/v1/params", "assets", "Assets params", ONE, "{params}", m::assets_params),
    // ---- pools
    q("/phalanx/pools/v1/pools", "pools", "Pools in id order", LIST, "{pools: Pool[], pagination}", m::pools_list),
    q("/phalanx/pools/v1/pools/{pool_id}", "pools", "A pool by id", ONE, "{pool}", m::pool),
    q("/phalanx/pools/v1/pool/denom/{*denom}", "pools", "The pool of a denom", ONE, "{pool}", m::pool_by_denom),
    // ---- operators
    q("/phalanx/operators/v1/operators", "operators", "Operators in id order", LIST, "{operators: Operator[], pagination}", m::operators_list),
    q("/phalanx/operators/v1/operators/{operator_id}", "operators", "An operator by id", ONE, "{operator}", m::operator),
    q("/phalanx/operators/v1/operators/{operator_id}/params", "operators", "An operator's own params (defaults if unset)", ONE, "{operator_params}", m::operator_params),
    q("/phalanx/operators/v1/params", "operators", "Operators params", ONE, "{params}", m::operators_params),
    // ---- services
    q("/phalanx/services/v1/services", "services", "Services in id order", LIST, "{services: Service[], pagination}", m::services_list),
    q("/phalanx/services/v1/services/{service_id}", "services", "A service by id", ONE, "{service}", m::service),
    q("/phalanx/services/v1/services/{service_id}/params", "services", "A service's own params (defaults if unset)", ONE, "{service_params}", m::service_params),
    q("/phalanx/services/v1/params", "services", "Services params", ONE, "{params}", m::services_params),
    // ---- restaking: relations
    q("/phalanx/restaking/v1/operators/{operator_id}/joined_services", "restaking", "Services an operator has joined", LIST, "{service_ids: number[], pagination}", m::operator_joined_services),
    q("/phalanx/restaking/v1/services/{service_id}/allowed_operators", "restaking", "Operators on a service's allow-list", LIST, "{operator_ids: number[], pagination}", m::service_allowed_operators),
    q("/phalanx/restaking/v1/services/{service_id}/securing_pools", "restaking", "Pools whose security a service borrows", LIST, "{pool_ids: number[], pagination}", m::service_securing_pools),
    q("/phalanx/restaking/v1/services/{service_id}/operators", "restaking", "Operators that joined a service", LIST, "{operators: Operator[], pagination}", m::service_operators),
    // ---- restaking: delegations by target
    q("/phalanx/restaking/v1/pools/{pool_id}/delegations", "restaking", "Delegations to a pool", LIST, "{delegations: DelegationResponse[], pagination}", m::target_delegations::<{ m::POOL }>),
    q("/phalanx/restaking/v1/pools/{pool_id}/delegations/{delegator_address}", "restaking", "One delegation to a pool", ONE, "{delegation: {delegation, balance}}", m::target_delegation::<{ m::POOL }>),
    q("/phalanx/restaking/v1/pools/{pool_id}/unbonding_delegations", "restaking", "Unbonding delegations from a pool", LIST, "{unbonding_delegations, pagination}", m::target_unbonding_delegations::<{ m::POOL }>),
    q("/phalanx/restaking/v1/pools/{pool_id}/unbonding_delegations/{delegator_address}", "restaking", "One unbonding delegation from a pool", ONE, "{unbonding_delegation}", m::target_unbonding_delegation::<{ m::POOL }>),
    q("/phalanx/restaking/v1/operators/{operator_id}/delegations", "restaking", "Delegations to an operator", LIST, "{delegations: DelegationResponse[], pagination}", m::target_delegations::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/operators/{operator_id}/delegations/{delegator_address}", "restaking", "One delegation to an operator", ONE, "{delegation: {delegation, balance}}", m::target_delegation::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/operators/{operator_id}/unbonding_delegations", "restaking", "Unbonding delegations from an operator", LIST, "{unbonding_delegations, pagination}", m::target_unbonding_delegations::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/operators/{operator_id}/unbonding_delegations/{delegator_address}", "restaking", "One unbonding delegation from an operator", ONE, "{unbonding_delegation}", m::target_unbonding_delegation::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/services/{service_id}/delegations", "restaking", "Delegations to a service", LIST, "{delegations: DelegationResponse[], pagination}", m::target_delegations::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/services/{service_id}/delegations/{delegator_address}", "restaking", "One delegation to a service", ONE, "{delegation: {delegation, balance}}", m::target_delegation::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/services/{service_id}/unbonding_delegations", "restaking", "Unbonding delegations from a service", LIST, "{unbonding_delegations, pagination}", m::target_unbonding_delegations::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/services/{service_id}/unbonding_delegations/{delegator_address}", "restaking", "One unbonding delegation from a service", ONE, "{unbonding_delegation}", m::target_unbonding_delegation::<{ m::SERVICE }>),
    // ---- restaking: by delegator
    q("/phalanx/restaking/v1/delegations/{delegator_address}/pools", "restaking", "A delegator's pool delegations", LIST, "{delegations: DelegationResponse[], pagination}", m::delegator_delegations::<{ m::POOL }>),
    q("/phalanx/restaking/v1/delegations/{delegator_address}/unbonding_pools", "restaking", "A delegator's unbonding pool delegations", LIST, "{unbonding_delegations, pagination}", m::delegator_unbonding_delegations::<{ m::POOL }>),
    q("/phalanx/restaking/v1/delegations/{delegator_address}/operators", "restaking", "A delegator's operator delegations", LIST, "{delegations: DelegationResponse[], pagination}", m::delegator_delegations::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/delegations/{delegator_address}/unbonding_operators", "restaking", "A delegator's unbonding operator delegations", LIST, "{unbonding_delegations, pagination}", m::delegator_unbonding_delegations::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/delegations/{delegator_address}/services", "restaking", "A delegator's service delegations", LIST, "{delegations: DelegationResponse[], pagination}", m::delegator_delegations::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/delegations/{delegator_address}/unbonding_services", "restaking", "A delegator's unbonding service delegations", LIST, "{unbonding_delegations, pagination}", m::delegator_unbonding_delegations::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/delegators/{delegator_address}/pools", "restaking", "Pools a delegator has delegated to", LIST, "{pools: Pool[], pagination}", m::delegator_targets::<{ m::POOL }>),
    q("/phalanx/restaking/v1/delegators/{delegator_address}/pools/{pool_id}", "restaking", "A pool a delegator has delegated to", ONE, "{pool}", m::delegator_target::<{ m::POOL }>),
    q("/phalanx/restaking/v1/delegators/{delegator_address}/operators", "restaking", "Operators a delegator has delegated to", LIST, "{operators: Operator[], pagination}", m::delegator_targets::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/delegators/{delegator_address}/operators/{operator_id}", "restaking", "An operator a delegator has delegated to", ONE, "{operator}", m::delegator_target::<{ m::OPERATOR }>),
    q("/phalanx/restaking/v1/delegators/{delegator_address}/services", "restaking", "Services a delegator has delegated to", LIST, "{services: Service[], pagination}", m::delegator_targets::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/delegators/{delegator_address}/services/{service_id}", "restaking", "A service a delegator has delegated to", ONE, "{service}", m::delegator_target::<{ m::SERVICE }>),
    q("/phalanx/restaking/v1/users/{user_address}/preferences", "restaking", "A user's trust preferences in force (empty if unset), and a withdrawal of trust waiting for the unbonding time", ONE, "{preferences: {trusted_services}, pending: {preferences, effective_time} | null}", m::user_preferences),
    q("/phalanx/restaking/v1/params", "restaking", "Restaking params", ONE, "{params}", m::restaking_params),
    // ---- rewards
    q("/phalanx/rewards/v1/params", "rewards", "Rewards params", ONE, "{params}", m::rewards_params),
    q("/phalanx/rewards/v1/rewards_plans", "rewards", "Rewards plans in id order", LIST, "{rewards_plans: RewardsPlan[], pagination}", m::rewards_plans),
    q("/phalanx/rewards/v1/rewards_plans/{plan_id}", "rewards", "A rewards plan by id", ONE, "{rewards_plan}", m::rewards_plan),
    q("/phalanx/rewards/v1/pools/{pool_id}/outstanding_rewards", "rewards", "Rewards owed to a pool's delegators, by restaked denom", ONE, "{outstanding_rewards: DecPools}", m::outstanding_rewards::<{ m::POOL }>),
    q("/phalanx/rewards/v1/operators/{operator_id}/outstanding_rewards", "rewards", "Rewards owed to an operator's delegators and the operator, by restaked denom", ONE, "{outstanding_rewards: DecPools}", m::outstanding_rewards::<{ m::OPERATOR }>),
    q("/phalanx/rewards/v1/services/{service_id}/outstanding_rewards", "rewards", "Rewards owed to a service's delegators, by restaked denom", ONE, "{outstanding_rewards: DecPools}", m::outstanding_rewards::<{ m::SERVICE }>),
    q("/phalanx/rewards/v1/operators/{operator_id}/commission", "rewards", "An operator's accumulated commission, by restaked denom", ONE, "{commission: DecPools}", m::operator_commission),
    q("/phalanx/rewards/v1/pools/{pool_id}/services/{service_id}/total_delegator_shares", "rewards", "Shares of a pool held by delegators who trust a service with it", ONE, "{total_delegator_shares: Dec}", m::pool_service_total_delegator_shares),
    q("/phalanx/rewards/v1/delegators/{delegator_address}/rewards/pools/{pool_id}", "rewards", "Pending rewards of a pool delegation", ONE, "{rewards: DecPools}", m::delegation_rewards::<{ m::POOL }>),
    q("/phalanx/rewards/v1/delegators/{delegator_address}/rewards/operators/{operator_id}", "rewards", "Pending rewards of an operator delegation", ONE, "{rewards: DecPools}", m::delegation_rewards::<{ m::OPERATOR }>),
    q("/phalanx/rewards/v1/delegators/{delegator_address}/rewards/services/{service_id}", "rewards", "Pending rewards of a service delegation", ONE, "{rewards: DecPools}", m::delegation_rewards::<{ m::SERVICE }>),
    q("/phalanx/rewards/v1/delegators/{delegator_address}/rewards", "rewards", "Pending rewards of every delegation of a delegator", ONE, "{rewards: {delegation_type, target_id, rewards: DecPools}[], total: DecCoins, owed: DecCoins, withdrawable: Coin[]}", m::delegator_total_rewards),
    q("/phalanx/rewards/v1/delegators/{delegator_address}/withdraw_address", "rewards", "Where a delegator's rewards are paid", ONE, "{withdraw_address}", m::withdraw_address),
    // ---- tokenfactory
    q("/phalanx/tokenfactory/v1/params", "tokenfactory", "Token factory params", ONE, "{params: {denom_creation_fee: Coin[]}}", m::tokenfactory_params),
    q("/phalanx/tokenfactory/v1/denoms_from_creator/{creator}", "tokenfactory", "Denoms an address created, in denom order", LIST, "{denoms: string[], pagination}", m::denoms_from_creator),
    q("/phalanx/tokenfactory/v1/authority_metadata/{*denom}", "tokenfactory", "The admin of a factory denom (null once renounced)", ONE, "{authority_metadata: {admin}}", m::denom_authority_metadata),
    q("/phalanx/tokenfactory/v1/denom_metadata/{*denom}", "tokenfactory", "The display metadata of a factory denom", ONE, "{metadata: DenomMetadata}", m::denom_metadata),
    // ---- liquidvesting
    q("/phalanx/liquidvesting/v1/params", "liquidvesting", "Liquid vesting params", ONE, "{params: {insurance_percentage, burners: string[], minters: string[]}}", m::liquidvesting_params),
    q("/phalanx/liquidvesting/v1/insurance_funds/{user_address}", "liquidvesting", "A user's insurance fund, per underlying denom", ONE, "{balance: Coin[]}", m::insurance_fund),
    q("/phalanx/liquidvesting/v1/restaked_locked/{user_address}", "liquidvesting", "A user's restaked locked tokens (delegations and unbondings)", ONE, "{restaked: Coin[]}", m::restaked_locked),
    q("/phalanx/liquidvesting/v1/burn_queue", "liquidvesting", "Locked tokens waiting for their forced unbonding to complete before being burned", LIST, "{burn_queue: {completion_time, user, amount: Coin[]}[], pagination}", m::burn_queue),
    // ---- slashing
    q("/phalanx/slashing/v1/params", "slashing", "Slashing params", ONE, "{params: {rules_change_delay, commission_change_delay, max_commission_step}}", m::slashing_params),
    q("/phalanx/slashing/v1/services/{service_id}/rules", "slashing", "A service's slashing rules: in effect and pending (null when none)", ONE, "{rules: {active: SlashingRules|null, pending: {rules, effective_time}|null}}", m::slashing_rules),
    q("/phalanx/slashing/v1/slashes", "slashing", "Every slash (any status) in id order", LIST, "{slashes: Slash[], pagination}", m::slashes),
    q("/phalanx/slashing/v1/slashes/{slash_id}", "slashing", "A slash by id", ONE, "{slash}", m::slash),
    q("/phalanx/slashing/v1/pending_slashes", "slashing", "Slashes inside their veto window, in execution order", LIST, "{slashes: Slash[], pagination}", m::pending_slashes),
    q("/phalanx/slashing/v1/exposure/{address}", "slashing", "What every service can slash of an address's stake; with service and fraction, the exact loss of that slash now", EXPOSURE, "{address, services: {service_id, at_stake, max_loss_now}[], loss_if_slashed: Coin[]|null}", m::exposure),
    q("/phalanx/slashing/v1/operators/{operator_id}/pending_commission", "slashing", "An operator's commission change waiting to apply (null when none)", ONE, "{pending_commission: {params, effective_time}|null}", m::pending_commission),
    // ---- validators
    q("/phalanx/validators/v1/params", "validators", "Validators params", ONE, "{params: {equivocation, epoch_length, max_validators}}", m::validators_params),
    q("/phalanx/validators/v1/validators", "validators", "The validator set: this epoch's participants, the roster, the set queued for the next epoch boundary, jails", ONE, "{epoch, epoch_length, start_height, boundary_height, next_epoch_height, active: Validator[], roster: Validator[], pending: Validator[]|null, jailed: {public_key, since_height}[]}", m::validator_set),
    q("/phalanx/validators/v1/evidence", "validators", "Every recorded equivocation, by validator then view", ONE, "{evidence: {validator, view, kind, height, time}[]}", m::all_evidence),
    q("/phalanx/validators/v1/evidence/{public_key}", "validators", "The equivocations recorded for one validator (hex ed25519 key)", ONE, "{evidence: {validator, view, kind, height, time}[]}", m::validator_evidence),
    // ---- node
    h(Verb::Post, "/txs", "node", "Submit a signed transaction; ?commit=true waits for its block", &[Commit], BodyKind::TxBytes, "{txhash} or, with commit, {txhash, height, index, code, codespace, log, events, ...}", JSON, || post(node::submit)),
    h(Verb::Get, "/txs/{hash}", "node", "A committed transaction by hash", &[], BodyKind::None, "{txhash, height, index, timestamp, code, codespace, log, events, responses, ...}", JSON, || get(node::get_tx)),
    h(Verb::Get, "/status", "node", "Chain id, latest height, app hash and block time, node identity", &[], BodyKind::None, "{chain_id, latest_height, latest_app_hash, latest_block_time, earliest_height, catching_up, node_id, moniker, version}", JSON, || get(node::status)),
    h(Verb::Get, "/blocks/{height}", "node", "A committed block (height or \"latest\")", &[], BodyKind::None, "{block: {header, tx_hashes, results}}", JSON, || get(node::block)),
    h(Verb::Get, "/events", "node", "Committed events as Server-Sent Events, filtered by type", &[Types], BodyKind::None, "SSE: event = event type, id = height, data = {height, type, attributes}", "text/event-stream", || get(events::events)),
    h(Verb::Get, "/openapi.json", "node", "This document", &[], BodyKind::None, "OpenAPI 3 document", JSON, || get(openapi::serve_document)),
    h(Verb::Get, "/metrics", "node", "Prometheus metrics", &[], BodyKind::None, "Prometheus text exposition", "text/plain", || get(metrics::metrics)),
    // ---- Cosmos SDK compatibility
    h(Verb::Post, "/cosmos/tx/v1beta1/txs", "cosmos", "Broadcast a transaction (Cosmos REST)", &[], BodyKind::CosmosBroadcast, "{tx_response}", JSON, || post(cosmos::broadcast)),
    q("/cosmos/auth/v1beta1/accounts/{address}", "cosmos", "An account as a Cosmos BaseAccount", ONE, "{account: {@type, address, pub_key, account_number, sequence}}", cosmos::auth_account),
    q("/cosmos/bank/v1beta1/balances/{address}", "cosmos", "Balances (Cosmos REST)", LIST, "{balances, pagination: {next_key, total}}", cosmos::bank_balances),
    h(Verb::Get, "/cosmos/base/tendermint/v1beta1/node_info", "cosmos", "Node info (Cosmos REST)", &[], BodyKind::None, "{default_node_info, application_version}", JSON, || get(cosmos::node_info)),
];

/// The method router of a state query.
fn query_route(verb: Verb, f: QueryFn) -> MethodRouter<AppState> {
    let handler = move |State(st): State<AppState>, args: Args, params: Params| async move {
        query::run(&st, Req { args, params }, f).await
    };
    match verb {
        Verb::Get => get(handler),
        Verb::Post => post(handler),
    }
}

/// Every route of [`ROUTES`] on one router (state still to be provided).
pub(crate) fn router() -> Router<AppState> {
    ROUTES.iter().fold(Router::new(), |router, r| {
        let method_router = match r.action {
            Action::Query(f) => query_route(r.verb, f),
            Action::Handler(make) => make(),
        };
        router.route(r.path, method_router)
    })
}
