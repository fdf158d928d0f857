//! The Cosmos SDK REST endpoints wallets and CosmJS-based tools call, in the SDK's JSON shapes
//! (int64 as strings, `@type` on accounts, `tx_response` on broadcast).

use crate::AppState;
use crate::encoding::{base64, decode_base64};
use crate::error::ApiError;
use crate::modules::load_account;
use crate::node::{read_body, wait_committed};
use crate::query::{self, Out, Req};
use crate::view::{SubmitErrorKind, TxHash, TxRecord};
use axum::extract::{Request, State};
use axum::response::Response;
use phalanx_protocol::bank;
use phalanx_state::StateRead;
use phalanx_types::Event;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Cosmos `BaseAccount`.
#[derive(Serialize)]
struct BaseAccount {
    #[serde(rename = "@type")]
    type_url: &'static str,
    address: String,
    pub_key: Option<PubKey>,
    account_number: String,
    sequence: String,
}

/// Cosmos `secp256k1.PubKey` in its `Any` JSON form.
#[derive(Serialize)]
struct PubKey {
    #[serde(rename = "@type")]
    type_url: &'static str,
    key: String,
}

/// `GET /cosmos/auth/v1beta1/accounts/{address}`.
pub(crate) fn auth_account(s: &dyn StateRead, r: &Req) -> Result<Out, ApiError> {
    let addr = r.address("address")?;
    let a = load_account(s, &addr)?;
    Out::one(
        "account",
        &BaseAccount {
            type_url: "/cosmos.auth.v1beta1.BaseAccount",
            address: a.address.to_string(),
            pub_key: a.pub_key.as_deref().map(|k| PubKey {
                type_url: "/cosmos.crypto.secp256k1.PubKey",
                key: base64(k),
            }),
            account_number: a.account_number.to_string(),
            sequence: a.sequence.to_string(),
        },
    )
}

/// `GET /cosmos/bank/v1beta1/balances/{address}`: `{balances, pagination: {next_key, total}}`, one
/// bounded page at a time. `total` counts the balances when they all fit in the first page, and is
/// "0" otherwise (as in the Cosmos SDK without `count_total`, which would need a full scan).
pub(crate) fn bank_balances(s: &dyn StateRead, r: &Req) -> Result<Out, ApiError> {
    let addr = r.address("address")?;
    let page = r.page()?;
    let first = page.key.is_none();
    let (rows, next) = bank::balances_page(s, &addr, &page)?;
    let total = if first && next.next_key.is_none() {
        rows.len()
    } else {
        0
    };
    let mut pagination = query::pagination(&next);
    if let Value::Object(m) = &mut pagination {
        m.insert("total".into(), Value::String(total.to_string()));
    }
    let mut out = Out::one("balances", &rows)?;
    out.0.insert("pagination".into(), pagination);
    Ok(out)
}

/// `GET /cosmos/base/tendermint/v1beta1/node_info`.
pub(crate) async fn node_info(State(st): State<AppState>) -> Result<Response, ApiError> {
    let status = st.status().await?;
    let mut protocol = Map::new();
    for k in ["p2p", "block", "app"] {
        protocol.insert(k.into(), Value::String("0".into()));
    }
    let mut other = Map::new();
    other.insert("tx_index".into(), Value::String("on".into()));
    other.insert("rpc_address".into(), Value::String(String::new()));
    let mut default_node_info = Map::new();
    default_node_info.insert("protocol_version".into(), Value::Object(protocol));
    default_node_info.insert("default_node_id".into(), Value::String(status.node_id));
    default_node_info.insert("listen_addr".into(), Value::String(String::new()));
    default_node_info.insert("network".into(), Value::String(status.chain_id));
    default_node_info.insert("version".into(), Value::String(status.version.clone()));
    default_node_info.insert("channels".into(), Value::String(String::new()));
    default_node_info.insert("moniker".into(), Value::String(status.moniker));
    default_node_info.insert("other".into(), Value::Object(other));
    let mut app = Map::new();
    for (k, v) in [
        ("name", "phalanx"),
        ("app_name", "phalanxd"),
        ("git_commit", ""),
        ("build_tags", ""),
        ("go_version", ""),
        ("cosmos_sdk_version", ""),
    ] {
        app.insert(k.into(), Value::String(v.into()));
    }
    app.insert("version".into(), Value::String(status.version));
    app.insert("build_deps".into(), Value::Array(Vec::new()));
    let out = Out::new()
        .with("default_node_info", &default_node_info)?
        .with("application_version", &app)?;
    Ok(query::json_response(out.to_vec()?))
}

/// `{"tx_bytes", "mode"}` of a Cosmos broadcast.
#[derive(Deserialize)]
struct BroadcastBody {
    tx_bytes: String,
    #[serde(default)]
    mode: Option<Value>,
}

/// Broadcast modes; `BLOCK` waits for the transaction's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Sync,
    Async,
    Block,
}

fn parse_mode(v: Option<&Value>) -> Result<Mode, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(Mode::Sync),
        Some(Value::String(s)) => match s.as_str() {
            "BROADCAST_MODE_SYNC" | "BROADCAST_MODE_UNSPECIFIED" | "sync" => Ok(Mode::Sync),
            "BROADCAST_MODE_ASYNC" | "async" => Ok(Mode::Async),
            "BROADCAST_MODE_BLOCK" | "block" => Ok(Mode::Block),
            other => Err(ApiError::bad_request(format!(
                "unknown broadcast mode {other:?}: use BROADCAST_MODE_SYNC, BROADCAST_MODE_ASYNC or BROADCAST_MODE_BLOCK"
            ))),
        },
        // The enum's numeric form: 0 unspecified, 1 block, 2 sync, 3 async.
        Some(Value::Number(n)) => match n.as_u64() {
            Some(0) | Some(2) => Ok(Mode::Sync),
            Some(1) => Ok(Mode::Block),
            Some(3) => Ok(Mode::Async),
            _ => Err(ApiError::bad_request(format!("unknown broadcast mode {n}"))),
        },
        Some(other) => Err(ApiError::bad_request(format!(
            "broadcast mode must be a string, not {other}"
        ))),
    }
}

/// Cosmos `StringEvent`-like JSON: attributes as `{key, value, index}` objects.
#[derive(Serialize)]
struct CosmosEvent<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    attributes: Vec<CosmosAttribute<'a>>,
}

#[derive(Serialize)]
struct CosmosAttribute<'a> {
    key: &'a str,
    value: &'a str,
    index: bool,
}

fn cosmos_events(events: &[Event]) -> Vec<CosmosEvent<'_>> {
    events
        .iter()
        .map(|e| CosmosEvent {
            kind: &e.kind,
            attributes: e
                .attributes
                .iter()
                .map(|(k, v)| CosmosAttribute {
                    key: k,
                    value: v,
                    index: true,
                })
                .collect(),
        })
        .collect()
}

/// Cosmos `TxResponse`.
#[derive(Serialize)]
struct TxResponse<'a> {
    height: String,
    txhash: String,
    codespace: String,
    code: u32,
    data: String,
    raw_log: String,
    logs: Vec<Value>,
    info: String,
    gas_wanted: String,
    gas_used: String,
    tx: Option<Value>,
    timestamp: String,
    events: Vec<CosmosEvent<'a>>,
}

impl TxResponse<'_> {
    fn admitted(hash: &TxHash, code: u32, codespace: String, raw_log: String) -> Self {
        Self {
            height: "0".into(),
            txhash: hash.to_string(),
            codespace,
            code,
            data: String::new(),
            raw_log,
            logs: Vec::new(),
            info: String::new(),
            gas_wanted: "0".into(),
            gas_used: "0".into(),
            tx: None,
            timestamp: String::new(),
            events: Vec::new(),
        }
    }
}

/// A numeric field of a tx result read through its JSON, so the API does not depend on which gas
/// fields the app's result has.
fn result_number(record: &TxRecord, field: &str) -> String {
    serde_json::to_value(&record.result)
        .ok()
        .and_then(|v| v.get(field).and_then(Value::as_u64))
        .unwrap_or(0)
        .to_string()
}

fn committed(record: &TxRecord) -> TxResponse<'_> {
    let r = &record.result;
    TxResponse {
        height: record.height.to_string(),
        txhash: record.hash.to_string(),
        codespace: r.codespace.clone(),
        code: r.code,
        data: String::new(),
        raw_log: r.log.clone(),
        logs: Vec::new(),
        info: String::new(),
        gas_wanted: result_number(record, "gas_wanted"),
        gas_used: result_number(record, "gas_used"),
        tx: None,
        timestamp: record.time.to_string(),
        events: cosmos_events(&r.events),
    }
}

/// `POST /cosmos/tx/v1beta1/txs`. As in Cosmos, a transaction the mempool rejects is an HTTP 200
/// whose `tx_response.code` is non-zero; only node failures are HTTP errors.
pub(crate) async fn broadcast(
    State(st): State<AppState>,
    req: Request,
) -> Result<Response, ApiError> {
    let body = read_body(req.into_body(), st.config().max_body_bytes).await?;
    let b: BroadcastBody = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "body must be {{\"tx_bytes\": \"<base64>\", \"mode\": \"BROADCAST_MODE_SYNC\"}}: {e}"
        ))
    })?;
    let mode = parse_mode(b.mode.as_ref())?;
    let tx_bytes =
        decode_base64(&b.tx_bytes).map_err(|e| ApiError::bad_request(format!("tx_bytes: {e}")))?;
    if tx_bytes.is_empty() {
        return Err(ApiError::bad_request("tx_bytes is empty"));
    }
    let hash = TxHash(sha256(&tx_bytes));
    // Signature verification: on the blocking pool, never on an async worker.
    let submitted = st
        .blocking("submission", move |view| view.submit_tx(tx_bytes))
        .await?;
    let out = match submitted {
        Ok(hash) if mode == Mode::Block => {
            let record = wait_committed(&st, hash).await?;
            Out::one("tx_response", &committed(&record))?
        }
        Ok(hash) => Out::one(
            "tx_response",
            &TxResponse::admitted(&hash, 0, String::new(), String::new()),
        )?,
        Err(e) if e.kind == SubmitErrorKind::Rejected => Out::one(
            "tx_response",
            &TxResponse::admitted(&hash, e.code, e.codespace, e.message),
        )?,
        Err(e) => return Err(e.into()),
    };
    Ok(query::json_response(out.to_vec()?))
}

/// The Cosmos transaction hash, for answering a rejected transaction the node gave no hash for.
fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
