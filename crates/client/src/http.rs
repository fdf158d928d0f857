//! A typed client for the node's JSON API (`phalanx-api`): status, accounts, balances, every module
//! query, transaction broadcast and lookup.
//!
//! Every query is also available untyped ([`Client::get_json`]) so the CLI can print exactly what the
//! node answered with `-o json`. Errors keep the node's `{code, codespace, message}`.

use crate::error::{ClientError, Result};
use phalanx_protocol::assets::Price;
use phalanx_protocol::operators::Operator;
use phalanx_protocol::pools::Pool;
use phalanx_protocol::restaking::{DelegationResponse, UnbondingDelegation};
use phalanx_protocol::rewards::{DecPools, DelegatorTotalRewards, RewardsPlan};
use phalanx_protocol::services::Service;
use phalanx_protocol::slashing::{Exposure, PendingCommission, RulesRecord, SlashRecord};
use phalanx_protocol::tokenfactory::DenomAuthorityMetadata;
use phalanx_types::msgs::{
    Asset, AssetsParams, DelegationKind, DenomMetadata, OperatorParams, OperatorsParams,
    RestakingParams, RewardsParams, ServiceParams, ServicesParams, TokenFactoryParams,
    UserPreferences,
};
use phalanx_types::{Address, Coin, Dec, Event, OperatorId, PoolId, ServiceId, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::time::Duration;

/// The node's API address when none is given.
pub const DEFAULT_NODE: &str = "http://127.0.0.1:1317";
/// How long to wait for a TCP connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for an answer; a `?commit=true` broadcast waits for a block (the node gives up
/// after 30 s by default).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// Most pages [`Client::balances`] follows, so a misbehaving node cannot keep it looping.
const MAX_PAGES: usize = 1000;

/// Accepts a JSON number or a decimal string (Cosmos encodes 64-bit integers as strings).
fn flex_u64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Num(u64),
        Str(String),
    }
    match Either::deserialize(d)? {
        Either::Num(n) => Ok(n),
        Either::Str(s) => s.parse().map_err(serde::de::Error::custom),
    }
}

fn flex_opt_u64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Num(u64),
        Str(String),
        Null,
    }
    match Option::<Either>::deserialize(d)? {
        None | Some(Either::Null) => Ok(None),
        Some(Either::Num(n)) => Ok(Some(n)),
        Some(Either::Str(s)) => s.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// `GET /status`: what a client needs before signing (the chain id) and to follow the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// Chain id transactions must be signed for.
    pub chain_id: String,
    /// Latest committed height (0 before the first block).
    #[serde(deserialize_with = "flex_u64")]
    pub latest_height: u64,
    /// App hash after the latest block, hex.
    #[serde(default)]
    pub latest_app_hash: String,
    /// Header time of the latest block.
    pub latest_block_time: Timestamp,
    /// Lowest height the node still serves.
    #[serde(default, deserialize_with = "flex_u64")]
    pub earliest_height: u64,
    /// Whether the node is still catching up.
    #[serde(default)]
    pub catching_up: bool,
    /// The node's p2p identity.
    #[serde(default)]
    pub node_id: String,
    /// The node's name.
    #[serde(default)]
    pub moniker: String,
    /// Node software version.
    #[serde(default)]
    pub version: String,
}

/// An account: the numbers a signer needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The address.
    pub address: Address,
    /// Account number, part of every sign doc.
    #[serde(deserialize_with = "flex_u64")]
    pub account_number: u64,
    /// Next sequence to sign with.
    #[serde(deserialize_with = "flex_u64")]
    pub sequence: u64,
    /// Base64 compressed public key, once the account has signed.
    #[serde(default)]
    pub pub_key: Option<String>,
}

/// A transaction's outcome (`POST /txs?commit=true`, `GET /txs/{hash}`), or only its hash when it was
/// broadcast without waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxResponse {
    /// Upper-case hex sha256 of the `TxRaw` bytes.
    pub txhash: String,
    /// Block height; absent until committed.
    #[serde(default, deserialize_with = "flex_opt_u64")]
    pub height: Option<u64>,
    /// Position in the block.
    #[serde(default)]
    pub index: Option<u32>,
    /// Block time.
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    /// 0 on success.
    #[serde(default)]
    pub code: u32,
    /// Module of the error; empty on success.
    #[serde(default)]
    pub codespace: String,
    /// The error, empty on success.
    #[serde(default)]
    pub log: String,
    /// Events emitted.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Gas limit.
    #[serde(default, deserialize_with = "flex_opt_u64")]
    pub gas_wanted: Option<u64>,
    /// Gas used.
    #[serde(default, deserialize_with = "flex_opt_u64")]
    pub gas_used: Option<u64>,
}

impl TxResponse {
    /// Whether the transaction is committed and succeeded.
    pub fn is_ok(&self) -> bool {
        self.code == 0
    }

    /// The error for a committed transaction that failed, `None` otherwise.
    pub fn failure(&self) -> Option<ClientError> {
        (self.code != 0).then(|| ClientError::TxFailed {
            txhash: self.txhash.clone(),
            height: self.height.unwrap_or_default(),
            code: self.code,
            codespace: self.codespace.clone(),
            log: self.log.clone(),
        })
    }
}

/// Which page of a list to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// `next_key` of the previous page (base64); `None` starts at the beginning.
    pub key: Option<String>,
    /// Items wanted (the node defaults to 100 and allows at most 1000).
    pub limit: Option<u32>,
}

impl PageRequest {
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(k) = &self.key {
            out.push(("pagination.key", k.clone()));
        }
        if let Some(l) = self.limit {
            out.push(("pagination.limit", l.to_string()));
        }
        out
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as [`PageRequest::key`] for the next page; `None` on the last page.
    pub next_key: Option<String>,
}

/// A request to the API: a path and its query string. [`paths`] builds every path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Path under the node's base URL.
    pub path: String,
    /// Query-string parameters.
    pub params: Vec<(&'static str, String)>,
}

impl Query {
    /// A query without parameters.
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            params: Vec::new(),
        }
    }

    /// A list query for one page.
    pub fn list(path: impl Into<String>, page: &PageRequest) -> Self {
        Self {
            path: path.into(),
            params: page.params(),
        }
    }

    /// Adds a query-string parameter.
    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.params.push((key, value.into()));
        self
    }
}

/// The exposure query of `address`, with `?service=ID&fraction=F` when a slash is simulated.
pub fn exposure_query(address: &Address, simulate: Option<(ServiceId, Dec)>) -> Query {
    let query = Query::get(paths::exposure(address));
    match simulate {
        Some((service, fraction)) => query
            .with("service", service.to_string())
            .with("fraction", fraction.to_string()),
        None => query,
    }
}

/// The path segment of a delegation target kind.
fn kind_segment(kind: DelegationKind) -> &'static str {
    match kind {
        DelegationKind::Pool => "pools",
        DelegationKind::Operator => "operators",
        DelegationKind::Service => "services",
    }
}

/// Paths of every query, in one place so the CLI and the typed methods cannot disagree.
pub mod paths {
    use super::*;

    /// `GET /status`.
    pub fn status() -> String {
        "/status".into()
    }
    /// A committed transaction.
    pub fn tx(hash: &str) -> String {
        format!("/txs/{hash}")
    }
    /// A committed block (`None` = latest).
    pub fn block(height: Option<u64>) -> String {
        match height {
            Some(h) => format!("/blocks/{h}"),
            None => "/blocks/latest".into(),
        }
    }
    /// All balances of an account.
    pub fn balances(address: &Address) -> String {
        format!("/phalanx/bank/v1/balances/{address}")
    }
    /// Total supply of every denom.
    pub fn supply() -> String {
        "/phalanx/bank/v1/supply".into()
    }
    /// Supply of one denom.
    pub fn supply_of(denom: &str) -> String {
        format!("/phalanx/bank/v1/supply/{denom}")
    }
    /// An account.
    pub fn account(address: &Address) -> String {
        format!("/phalanx/auth/v1/accounts/{address}")
    }
    /// Registered assets.
    pub fn assets() -> String {
        "/phalanx/assets/v1/assets".into()
    }
    /// One asset.
    pub fn asset(denom: &str) -> String {
        format!("/phalanx/assets/v1/assets/{denom}")
    }
    /// Posted prices.
    pub fn prices() -> String {
        "/phalanx/assets/v1/prices".into()
    }
    /// One ticker's price.
    pub fn price(ticker: &str) -> String {
        format!("/phalanx/assets/v1/prices/{ticker}")
    }
    /// A module's params (`assets`, `operators`, `services`, `restaking`).
    pub fn params(module: &str) -> String {
        format!("/phalanx/{module}/v1/params")
    }
    /// Pools.
    pub fn pools() -> String {
        "/phalanx/pools/v1/pools".into()
    }
    /// One pool.
    pub fn pool(id: PoolId) -> String {
        format!("/phalanx/pools/v1/pools/{id}")
    }
    /// The pool of a denom.
    pub fn pool_by_denom(denom: &str) -> String {
        format!("/phalanx/pools/v1/pool/denom/{denom}")
    }
    /// Operators.
    pub fn operators() -> String {
        "/phalanx/operators/v1/operators".into()
    }
    /// One operator.
    pub fn operator(id: OperatorId) -> String {
        format!("/phalanx/operators/v1/operators/{id}")
    }
    /// An operator's own params.
    pub fn operator_params(id: OperatorId) -> String {
        format!("/phalanx/operators/v1/operators/{id}/params")
    }
    /// Services.
    pub fn services() -> String {
        "/phalanx/services/v1/services".into()
    }
    /// One service.
    pub fn service(id: ServiceId) -> String {
        format!("/phalanx/services/v1/services/{id}")
    }
    /// A service's own params.
    pub fn service_params(id: ServiceId) -> String {
        format!("/phalanx/services/v1/services/{id}/params")
    }
    /// Services an operator joined.
    pub fn operator_joined_services(id: OperatorId) -> String {
        format!("/phalanx/restaking/v1/operators/{id}/joined_services")
    }
    /// A service's allow-list.
    pub fn service_allowed_operators(id: ServiceId) -> String {
        format!("/phalanx/restaking/v1/services/{id}/allowed_operators")
    }
    /// Pools a service borrows security from.
    pub fn service_securing_pools(id: ServiceId) -> String {
        format!("/phalanx/restaking/v1/services/{id}/securing_pools")
    }
    /// Operators that joined a service.
    pub fn service_operators(id: ServiceId) -> String {
        format!("/phalanx/restaking/v1/services/{id}/operators")
    }
    /// Delegations to a target.
    pub fn target_delegations(kind: DelegationKind, id: u32) -> String {
        format!(
            "/phalanx/restaking/v1/{}/{id}/delegations",
            kind_segment(kind)
        )
    }
    /// One delegation to a target.
    pub fn target_delegation(kind: DelegationKind, id: u32, delegator: &Address) -> String {
        format!(
            "/phalanx/restaking/v1/{}/{id}/delegations/{delegator}",
            kind_segment(kind)
        )
    }
    /// Unbonding delegations from a target.
    pub fn target_unbonding_delegations(kind: DelegationKind, id: u32) -> String {
        format!(
            "/phalanx/restaking/v1/{}/{id}/unbonding_delegations",
            kind_segment(kind)
        )
    }
    /// One unbonding delegation from a target.
    pub fn target_unbonding_delegation(
        kind: DelegationKind,
        id: u32,
        delegator: &Address,
    ) -> String {
        format!(
            "/phalanx/restaking/v1/{}/{id}/unbonding_delegations/{delegator}",
            kind_segment(kind)
        )
    }
    /// A delegator's delegations of one kind.
    pub fn delegator_delegations(delegator: &Address, kind: DelegationKind) -> String {
        format!(
            "/phalanx/restaking/v1/delegations/{delegator}/{}",
            kind_segment(kind)
        )
    }
    /// A delegator's unbonding delegations of one kind.
    pub fn delegator_unbonding_delegations(delegator: &Address, kind: DelegationKind) -> String {
        format!(
            "/phalanx/restaking/v1/delegations/{delegator}/unbonding_{}",
            kind_segment(kind)
        )
    }
    /// Targets of one kind a delegator delegated to.
    pub fn delegator_targets(delegator: &Address, kind: DelegationKind) -> String {
        format!(
            "/phalanx/restaking/v1/delegators/{delegator}/{}",
            kind_segment(kind)
        )
    }
    /// One target a delegator delegated to.
    pub fn delegator_target(delegator: &Address, kind: DelegationKind, id: u32) -> String {
        format!(
            "/phalanx/restaking/v1/delegators/{delegator}/{}/{id}",
            kind_segment(kind)
        )
    }
    /// A user's trust preferences.
    pub fn user_preferences(user: &Address) -> String {
        format!("/phalanx/restaking/v1/users/{user}/preferences")
    }
    /// A service's slashing rules (in effect and pending).
    pub fn slashing_rules(service: ServiceId) -> String {
        format!("/phalanx/slashing/v1/services/{service}/rules")
    }
    /// Every slash, in id order.
    pub fn slashes() -> String {
        "/phalanx/slashing/v1/slashes".into()
    }
    /// One slash.
    pub fn slash(id: u64) -> String {
        format!("/phalanx/slashing/v1/slashes/{id}")
    }
    /// Slashes inside their veto window.
    pub fn pending_slashes() -> String {
        "/phalanx/slashing/v1/pending_slashes".into()
    }
    /// What every service can slash of an address's stake.
    pub fn exposure(address: &Address) -> String {
        format!("/phalanx/slashing/v1/exposure/{address}")
    }
    /// An operator's commission change waiting to apply.
    pub fn pending_commission(id: OperatorId) -> String {
        format!("/phalanx/slashing/v1/operators/{id}/pending_commission")
    }
    /// Rewards plans.
    pub fn rewards_plans() -> String {
        "/phalanx/rewards/v1/rewards_plans".into()
    }
    /// One rewards plan.
    pub fn rewards_plan(id: u64) -> String {
        format!("/phalanx/rewards/v1/rewards_plans/{id}")
    }
    /// Rewards owed to a target's delegators (and an operator's commission).
    pub fn outstanding_rewards(kind: DelegationKind, id: u32) -> String {
        format!(
            "/phalanx/rewards/v1/{}/{id}/outstanding_rewards",
            kind_segment(kind)
        )
    }
    /// An operator's accumulated commission.
    pub fn operator_commission(id: OperatorId) -> String {
        format!("/phalanx/rewards/v1/operators/{id}/commission")
    }
    /// Shares of a pool held by delegators who trust a service with it.
    pub fn pool_service_total_delegator_shares(pool: PoolId, service: ServiceId) -> String {
        format!("/phalanx/rewards/v1/pools/{pool}/services/{service}/total_delegator_shares")
    }
    /// Pending rewards of one delegation.
    pub fn delegation_rewards(delegator: &Address, kind: DelegationKind, id: u32) -> String {
        format!(
            "/phalanx/rewards/v1/delegators/{delegator}/rewards/{}/{id}",
            kind_segment(kind)
        )
    }
    /// Pending rewards of every delegation of a delegator.
    pub fn delegator_total_rewards(delegator: &Address) -> String {
        format!("/phalanx/rewards/v1/delegators/{delegator}/rewards")
    }
    /// Where a delegator's rewards are paid.
    pub fn withdraw_address(delegator: &Address) -> String {
        format!("/phalanx/rewards/v1/delegators/{delegator}/withdraw_address")
    }
    /// The denoms an address created with the token factory.
    pub fn denoms_from_creator(creator: &Address) -> String {
        format!("/phalanx/tokenfactory/v1/denoms_from_creator/{creator}")
    }
    /// The admin of a factory denom.
    pub fn denom_authority_metadata(denom: &str) -> String {
        format!("/phalanx/tokenfactory/v1/authority_metadata/{denom}")
    }
    /// The display metadata of a factory denom.
    pub fn denom_metadata(denom: &str) -> String {
        format!("/phalanx/tokenfactory/v1/denom_metadata/{denom}")
    }
    /// A user's liquid-vesting insurance fund.
    pub fn insurance_fund(user: &Address) -> String {
        format!("/phalanx/liquidvesting/v1/insurance_funds/{user}")
    }
    /// A user's restaked locked tokens.
    pub fn restaked_locked(user: &Address) -> String {
        format!("/phalanx/liquidvesting/v1/restaked_locked/{user}")
    }
    /// Burns waiting for forced unbondings to complete.
    pub fn burn_queue() -> String {
        "/phalanx/liquidvesting/v1/burn_queue".to_owned()
    }
    /// The validator set with its epoch schedule, queued set and jails.
    pub fn validator_set() -> String {
        "/phalanx/validators/v1/validators".to_owned()
    }
    /// Recorded equivocations: all, or one validator's (hex ed25519 key).
    pub fn evidence(public_key: Option<&str>) -> String {
        match public_key {
            Some(k) => format!("/phalanx/validators/v1/evidence/{k}"),
            None => "/phalanx/validators/v1/evidence".to_owned(),
        }
    }
}

/// The node's error body.
#[derive(Deserialize)]
struct ApiErrorBody {
    code: u32,
    codespace: String,
    message: String,
    #[serde(default)]
    txhash: Option<String>,
}

/// A client of one node's API. Cheap to clone (connections are pooled and shared).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    /// A client of the node at `node` (`http://host:port`, or `https://` when built with TLS).
    pub fn new(node: &str) -> Result<Self> {
        let base = node.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::invalid(format!(
                "--node {node:?} must be a URL such as {DEFAULT_NODE}"
            )));
        }
        if base.starts_with("https://") && !cfg!(feature = "tls") {
            return Err(ClientError::invalid(format!(
                "--node {node:?} uses https, but this build has no TLS support; use http:// or rebuild phalanx-client with its `tls` feature"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("phalanx-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::invalid(format!("cannot set up HTTP for {node}: {e}")))?;
        Ok(Self { http, base })
    }

    /// The node's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request and returns the JSON body of a success, or the node's error.
    async fn send(&self, request: reqwest::RequestBuilder, url: &str) -> Result<Value> {
        let unreachable = |e: reqwest::Error| ClientError::Unreachable {
            url: url.to_string(),
            reason: error_chain(&e),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| ClientError::BadResponse {
                url: url.to_string(),
                reason: format!("the body is not JSON ({e})"),
            });
        }
        match serde_json::from_slice::<ApiErrorBody>(&body) {
            Ok(e) => Err(ClientError::Api {
                status: status.as_u16(),
                code: e.code,
                codespace: e.codespace,
                message: e.message,
                txhash: e.txhash,
            }),
            Err(_) => Err(ClientError::BadResponse {
                url: url.to_string(),
                reason: format!(
                    "HTTP {status} with body {:?}",
                    String::from_utf8_lossy(body.get(..200).unwrap_or(&body))
                ),
            }),
        }
    }

    /// Runs a query and returns the node's JSON answer as is.
    pub async fn get_json(&self, query: &Query) -> Result<Value> {
        let url = self.url(&query.path);
        let full = with_query_string(&url, &query.params);
        self.send(self.http.get(&full), &url).await
    }

    /// Runs a query and decodes the field `field` of its answer.
    pub async fn get_field<T: DeserializeOwned>(&self, query: &Query, field: &str) -> Result<T> {
        let value = self.get_json(query).await?;
        take_field(value, field, &self.url(&query.path))
    }

    async fn one<T: DeserializeOwned>(&self, path: String, field: &str) -> Result<T> {
        self.get_field(&Query::get(path), field).await
    }

    async fn list<T: DeserializeOwned>(&self, query: Query, field: &str) -> Result<Paged<T>> {
        let url = self.url(&query.path);
        let mut value = self.get_json(&query).await?;
        let next_key = value
            .get_mut("pagination")
            .and_then(|p| p.get_mut("next_key"))
            .and_then(|k| k.as_str().map(str::to_string))
            .filter(|k| !k.is_empty());
        let items = take_field(value, field, &url)?;
        Ok(Paged { items, next_key })
    }

    /// Runs a query and decodes its whole answer; `what` names it in errors.
    async fn whole<T: DeserializeOwned>(&self, query: Query, what: &str) -> Result<T> {
        let url = self.url(&query.path);
        let value = self.get_json(&query).await?;
        serde_json::from_value(value).map_err(|e| ClientError::BadResponse {
            url,
            reason: format!("{what}: {e}"),
        })
    }

    /// `GET /status`.
    pub async fn status(&self) -> Result<NodeStatus> {
        self.whole(Query::get(paths::status()), "status").await
    }

    /// The account, or `None` if the chain has never seen the address (it is created when it first
    /// receives coins).
    pub async fn account(&self, address: &Address) -> Result<Option<Account>> {
        match self.one(paths::account(address), "account").await {
            Ok(a) => Ok(Some(a)),
            Err(ClientError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every balance of an account (all pages).
    pub async fn balances(&self, address: &Address) -> Result<Vec<Coin>> {
        let mut out = Vec::new();
        let mut page = PageRequest::default();
        for _ in 0..MAX_PAGES {
            let p: Paged<Coin> = self
                .list(Query::list(paths::balances(address), &page), "balances")
                .await?;
            out.extend(p.items);
            match p.next_key {
                Some(k) => page.key = Some(k),
                None => return Ok(out),
            }
        }
        Err(ClientError::BadResponse {
            url: self.url(&paths::balances(address)),
            reason: format!("more than {MAX_PAGES} pages of balances"),
        })
    }

    /// One page of the total supply.
    pub async fn supply(&self, page: &PageRequest) -> Result<Paged<Coin>> {
        self.list(Query::list(paths::supply(), page), "supply")
            .await
    }

    /// Supply of one denom (zero if never minted).
    pub async fn supply_of(&self, denom: &str) -> Result<Coin> {
        self.one(paths::supply_of(denom), "amount").await
    }

    /// Registered assets, optionally only those of `ticker`.
    pub async fn assets(&self, ticker: Option<&str>, page: &PageRequest) -> Result<Paged<Asset>> {
        let mut q = Query::list(paths::assets(), page);
        if let Some(t) = ticker {
            q = q.with("ticker", t);
        }
        self.list(q, "assets").await
    }

    /// The asset of a denom.
    pub async fn asset(&self, denom: &str) -> Result<Asset> {
        self.one(paths::asset(denom), "asset").await
    }

    /// Posted prices.
    pub async fn prices(&self, page: &PageRequest) -> Result<Paged<Price>> {
        self.list(Query::list(paths::prices(), page), "prices")
            .await
    }

    /// The last posted price of a ticker.
    pub async fn price(&self, ticker: &str) -> Result<Price> {
        self.one(paths::price(ticker), "price").await
    }

    /// Assets module params.
    pub async fn assets_params(&self) -> Result<AssetsParams> {
        self.one(paths::params("assets"), "params").await
    }

    /// Pools in id order.
    pub async fn pools(&self, page: &PageRequest) -> Result<Paged<Pool>> {
        self.list(Query::list(paths::pools(), page), "pools").await
    }

    /// One pool.
    pub async fn pool(&self, id: PoolId) -> Result<Pool> {
        self.one(paths::pool(id), "pool").await
    }

    /// The pool of a denom.
    pub async fn pool_by_denom(&self, denom: &str) -> Result<Pool> {
        self.one(paths::pool_by_denom(denom), "pool").await
    }

    /// Operators in id order.
    pub async fn operators(&self, page: &PageRequest) -> Result<Paged<Operator>> {
        self.list(Query::list(paths::operators(), page), "operators")
            .await
    }

    /// One operator.
    pub async fn operator(&self, id: OperatorId) -> Result<Operator> {
        self.one(paths::operator(id), "operator").await
    }

    /// An operator's own params.
    pub async fn operator_params(&self, id: OperatorId) -> Result<OperatorParams> {
        self.one(paths::operator_params(id), "operator_params")
            .await
    }

    /// Operators module params.
    pub async fn operators_params(&self) -> Result<OperatorsParams> {
        self.one(paths::params("operators"), "params").await
    }

    /// Services in id order.
    pub async fn services(&self, page: &PageRequest) -> Result<Paged<Service>> {
        self.list(Query::list(paths::services(), page), "services")
            .await
    }

    /// One service.
    pub async fn service(&self, id: ServiceId) -> Result<Service> {
        self.one(paths::service(id), "service").await
    }

    /// A service's own params.
    pub async fn service_params(&self, id: ServiceId) -> Result<ServiceParams> {
        self.one(paths::service_params(id), "service_params").await
    }

    /// Services module params.
    pub async fn services_params(&self) -> Result<ServicesParams> {
        self.one(paths::params("services"), "params").await
    }

    /// Services an operator has joined.
    pub async fn operator_joined_services(
        &self,
        id: OperatorId,
        page: &PageRequest,
    ) -> Result<Paged<ServiceId>> {
        self.list(
            Query::list(paths::operator_joined_services(id), page),
            "service_ids",
        )
        .await
    }

    /// Operators on a service's allow-list.
    pub async fn service_allowed_operators(
        &self,
        id: ServiceId,
        page: &PageRequest,
    ) -> Result<Paged<OperatorId>> {
        self.list(
            Query::list(paths::service_allowed_operators(id), page),
            "operator_ids",
        )
        .await
    }

    /// Pools whose security a service borrows.
    pub async fn service_securing_pools(
        &self,
        id: ServiceId,
        page: &PageRequest,
    ) -> Result<Paged<PoolId>> {
        self.list(
            Query::list(paths::service_securing_pools(id), page),
            "pool_ids",
        )
        .await
    }

    /// Operators that joined a service.
    pub async fn service_operators(
        &self,
        id: ServiceId,
        page: &PageRequest,
    ) -> Result<Paged<Operator>> {
        self.list(Query::list(paths::service_operators(id), page), "operators")
            .await
    }

    /// Delegations to a pool, operator or service.
    pub async fn target_delegations(
        &self,
        kind: DelegationKind,
        id: u32,
        page: &PageRequest,
    ) -> Result<Paged<DelegationResponse>> {
        self.list(
            Query::list(paths::target_delegations(kind, id), page),
            "delegations",
        )
        .await
    }

    /// One delegator's delegation to a target.
    pub async fn target_delegation(
        &self,
        kind: DelegationKind,
        id: u32,
        delegator: &Address,
    ) -> Result<DelegationResponse> {
        self.one(paths::target_delegation(kind, id, delegator), "delegation")
            .await
    }

    /// Unbonding delegations from a target.
    pub async fn target_unbonding_delegations(
        &self,
        kind: DelegationKind,
        id: u32,
        page: &PageRequest,
    ) -> Result<Paged<UnbondingDelegation>> {
        self.list(
            Query::list(paths::target_unbonding_delegations(kind, id), page),
            "unbonding_delegations",
        )
        .await
    }

    /// One delegator's unbonding delegation from a target.
    pub async fn target_unbonding_delegation(
        &self,
        kind: DelegationKind,
        id: u32,
        delegator: &Address,
    ) -> Result<UnbondingDelegation> {
        self.one(
            paths::target_unbonding_delegation(kind, id, delegator),
            "unbonding_delegation",
        )
        .await
    }

    /// A delegator's delegations of one kind.
    pub async fn delegator_delegations(
        &self,
        delegator: &Address,
        kind: DelegationKind,
        page: &PageRequest,
    ) -> Result<Paged<DelegationResponse>> {
        self.list(
            Query::list(paths::delegator_delegations(delegator, kind), page),
            "delegations",
        )
        .await
    }

    /// A delegator's unbonding delegations of one kind.
    pub async fn delegator_unbonding_delegations(
        &self,
        delegator: &Address,
        kind: DelegationKind,
        page: &PageRequest,
    ) -> Result<Paged<UnbondingDelegation>> {
        self.list(
            Query::list(
                paths::delegator_unbonding_delegations(delegator, kind),
                page,
            ),
            "unbonding_delegations",
        )
        .await
    }

    /// Pools a delegator has delegated to.
    pub async fn delegator_pools(
        &self,
        delegator: &Address,
        page: &PageRequest,
    ) -> Result<Paged<Pool>> {
        self.list(
            Query::list(
                paths::delegator_targets(delegator, DelegationKind::Pool),
                page,
            ),
            "pools",
        )
        .await
    }

    /// Operators a delegator has delegated to.
    pub async fn delegator_operators(
        &self,
        delegator: &Address,
        page: &PageRequest,
    ) -> Result<Paged<Operator>> {
        self.list(
            Query::list(
                paths::delegator_targets(delegator, DelegationKind::Operator),
                page,
            ),
            "operators",
        )
        .await
    }

    /// Services a delegator has delegated to.
    pub async fn delegator_services(
        &self,
        delegator: &Address,
        page: &PageRequest,
    ) -> Result<Paged<Service>> {
        self.list(
            Query::list(
                paths::delegator_targets(delegator, DelegationKind::Service),
                page,
            ),
            "services",
        )
        .await
    }

    /// A pool a delegator has delegated to.
    pub async fn delegator_pool(&self, delegator: &Address, id: PoolId) -> Result<Pool> {
        self.one(
            paths::delegator_target(delegator, DelegationKind::Pool, id.0),
            "pool",
        )
        .await
    }

    /// An operator a delegator has delegated to.
    pub async fn delegator_operator(
        &self,
        delegator: &Address,
        id: OperatorId,
    ) -> Result<Operator> {
        self.one(
            paths::delegator_target(delegator, DelegationKind::Operator, id.0),
            "operator",
        )
        .await
    }

    /// A service a delegator has delegated to.
    pub async fn delegator_service(&self, delegator: &Address, id: ServiceId) -> Result<Service> {
        self.one(
            paths::delegator_target(delegator, DelegationKind::Service, id.0),
            "service",
        )
        .await
    }

    /// A user's trust preferences (empty if never set).
    pub async fn user_preferences(&self, user: &Address) -> Result<UserPreferences> {
        self.one(paths::user_preferences(user), "preferences").await
    }

    /// Restaking module params.
    pub async fn restaking_params(&self) -> Result<RestakingParams> {
        self.one(paths::params("restaking"), "params").await
    }

    /// Slashing module params.
    pub async fn slashing_params(&self) -> Result<phalanx_types::msgs::SlashingParams> {
        self.one(paths::params("slashing"), "params").await
    }

    /// A service's slashing rules: those in effect and those waiting for the rules change delay.
    pub async fn slashing_rules(&self, service: ServiceId) -> Result<RulesRecord> {
        self.one(paths::slashing_rules(service), "rules").await
    }

    /// Every slash (any status), in id order.
    pub async fn slashes(&self, page: &PageRequest) -> Result<Paged<SlashRecord>> {
        self.list(Query::list(paths::slashes(), page), "slashes")
            .await
    }

    /// One slash.
    pub async fn slash(&self, id: u64) -> Result<SlashRecord> {
        self.one(paths::slash(id), "slash").await
    }

    /// Slashes inside their veto window, in execution order.
    pub async fn pending_slashes(&self, page: &PageRequest) -> Result<Paged<SlashRecord>> {
        self.list(Query::list(paths::pending_slashes(), page), "slashes")
            .await
    }

    /// What every service can slash of `address`'s stake now; with `simulate = Some((service,
    /// fraction))`, also the exact loss a whole-security slash of that service would cause.
    pub async fn exposure(
        &self,
        address: &Address,
        simulate: Option<(ServiceId, Dec)>,
    ) -> Result<Exposure> {
        self.whole(exposure_query(address, simulate), "exposure")
            .await
    }

    /// An operator's commission change waiting to apply, if any.
    pub async fn pending_commission(&self, id: OperatorId) -> Result<Option<PendingCommission>> {
        self.one(paths::pending_commission(id), "pending_commission")
            .await
    }

    /// Rewards module params.
    pub async fn rewards_params(&self) -> Result<RewardsParams> {
        self.one(paths::params("rewards"), "params").await
    }

    /// Rewards plans in id order.
    pub async fn rewards_plans(&self, page: &PageRequest) -> Result<Paged<RewardsPlan>> {
        self.list(Query::list(paths::rewards_plans(), page), "rewards_plans")
            .await
    }

    /// One rewards plan.
    pub async fn rewards_plan(&self, id: u64) -> Result<RewardsPlan> {
        self.one(paths::rewards_plan(id), "rewards_plan").await
    }

    /// Rewards owed to a target's delegators (and, for an operator, its commission), by restaked denom.
    pub async fn outstanding_rewards(&self, kind: DelegationKind, id: u32) -> Result<DecPools> {
        self.one(paths::outstanding_rewards(kind, id), "outstanding_rewards")
            .await
    }

    /// An operator's accumulated commission, by restaked denom.
    pub async fn operator_commission(&self, id: OperatorId) -> Result<DecPools> {
        self.one(paths::operator_commission(id), "commission").await
    }

    /// The shares of a pool held by delegators who trust a service with it.
    pub async fn pool_service_total_delegator_shares(
        &self,
        pool: PoolId,
        service: ServiceId,
    ) -> Result<Dec> {
        self.one(
            paths::pool_service_total_delegator_shares(pool, service),
            "total_delegator_shares",
        )
        .await
    }

    /// Pending rewards of one delegation, by restaked denom (empty without a delegation).
    pub async fn delegation_rewards(
        &self,
        delegator: &Address,
        kind: DelegationKind,
        id: u32,
    ) -> Result<DecPools> {
        self.one(paths::delegation_rewards(delegator, kind, id), "rewards")
            .await
    }

    /// Pending rewards of every delegation of a delegator, their total and what withdrawing pays.
    pub async fn delegator_total_rewards(
        &self,
        delegator: &Address,
    ) -> Result<DelegatorTotalRewards> {
        self.whole(
            Query::get(paths::delegator_total_rewards(delegator)),
            "delegator rewards",
        )
        .await
    }

    /// Where a delegator's rewards are paid.
    pub async fn withdraw_address(&self, delegator: &Address) -> Result<Address> {
        self.one(paths::withdraw_address(delegator), "withdraw_address")
            .await
    }

    /// Token factory params.
    pub async fn tokenfactory_params(&self) -> Result<TokenFactoryParams> {
        self.one(paths::params("tokenfactory"), "params").await
    }

    /// The denoms an address created, in denom order.
    pub async fn denoms_from_creator(
        &self,
        creator: &Address,
        page: &PageRequest,
    ) -> Result<Paged<String>> {
        self.list(
            Query::list(paths::denoms_from_creator(creator), page),
            "denoms",
        )
        .await
    }

    /// The admin of a factory denom (`None` once renounced).
    pub async fn denom_authority_metadata(&self, denom: &str) -> Result<DenomAuthorityMetadata> {
        self.one(paths::denom_authority_metadata(denom), "authority_metadata")
            .await
    }

    /// The display metadata of a factory denom (a 404 error until its admin sets it).
    pub async fn denom_metadata(&self, denom: &str) -> Result<DenomMetadata> {
        self.one(paths::denom_metadata(denom), "metadata").await
    }

    /// A committed block as JSON (`None` = latest).
    pub async fn block(&self, height: Option<u64>) -> Result<Value> {
        self.get_field(&Query::get(paths::block(height)), "block")
            .await
    }

    /// A committed transaction, or `None` if the node does not know it (yet).
    pub async fn tx(&self, hash: &str) -> Result<Option<TxResponse>> {
        match self.get_json(&Query::get(paths::tx(hash))).await {
            Ok(v) => decode_tx_response(v, &self.url(&paths::tx(hash))).map(Some),
            Err(ClientError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Broadcasts signed `TxRaw` bytes (`POST /txs`). With `commit`, waits until the transaction is in a
    /// committed block and returns its result (which may be a failure: check [`TxResponse::code`]);
    /// without, returns once the node admitted it to its mempool, with only the hash.
    pub async fn broadcast_json(&self, tx_bytes: &[u8], commit: bool) -> Result<Value> {
        let url = self.url("/txs");
        let body = serde_json::json!({ "tx_bytes": crate::encoding::base64(tx_bytes) });
        let request = self
            .http
            .post(format!("{url}?commit={commit}"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        self.send(request, &url).await
    }

    /// [`Client::broadcast_json`], decoded.
    pub async fn broadcast(&self, tx_bytes: &[u8], commit: bool) -> Result<TxResponse> {
        let value = self.broadcast_json(tx_bytes, commit).await?;
        decode_tx_response(value, &self.url("/txs"))
    }
}

/// Decodes a transaction answer.
pub fn decode_tx_response(value: Value, url: &str) -> Result<TxResponse> {
    serde_json::from_value(value).map_err(|e| ClientError::BadResponse {
        url: url.to_string(),
        reason: format!("transaction result: {e}"),
    })
}

fn take_field<T: DeserializeOwned>(mut value: Value, field: &str, url: &str) -> Result<T> {
    let inner = value
        .get_mut(field)
        .map(Value::take)
        .ok_or_else(|| ClientError::BadResponse {
            url: url.to_string(),
            reason: format!("the answer has no field {field:?}"),
        })?;
    serde_json::from_value(inner).map_err(|e| ClientError::BadResponse {
        url: url.to_string(),
        reason: format!("field {field:?}: {e}"),
    })
}

/// `url?k=v&...` with keys and values percent-encoded.
fn with_query_string(url: &str, params: &[(&str, String)]) -> String {
    let mut out = url.to_string();
    for (i, (k, v)) in params.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The error and its causes on one line (reqwest hides the useful part, e.g. "connection refused",
/// in its sources).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
