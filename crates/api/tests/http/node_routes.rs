//! Node routes: transactions, status, blocks, the event stream, the OpenAPI document and metrics.

use crate::support::*;
use http_body_util::BodyExt;
use phalanx_api::{ApiConfig, TxHash};
use phalanx_types::msgs::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

fn send(from: &str, to: &str, amount: &str) -> Vec<Msg> {
    vec![
        MsgSend {
            from_address: addr(from),
            to_address: addr(to),
            amount: coins(amount),
        }
        .into(),
    ]
}

/// Produces one block as soon as something reaches the mempool (bounded: about 5 s).
fn produce_when_submitted(node: &Arc<TestNode>) -> tokio::task::JoinHandle<bool> {
    let node = Arc::clone(node);
    tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if node.mempool_len() > 0 {
                node.produce_block(Vec::new());
                return true;
            }
        }
        false
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_submit_commit_and_lookup() {
    let (node, server, _) = start().await;

    // Bare base64 text: admitted, not yet committed.
    let bytes = tx_bytes(send("alice", "bob", "7uphx"));
    let r = post(&server, "/txs", "text/plain", b64(&bytes).into_bytes()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let hash = r.json()["txhash"].as_str().unwrap().to_string();
    assert_eq!(hash.len(), 64);
    assert_eq!(node.mempool_len(), 1);
    get_err(&server, &format!("/txs/{hash}"), 404).await;
    node.produce_block(Vec::new());
    let v = get_ok(&server, &format!("/txs/{hash}")).await;
    assert_eq!(v["txhash"], json!(hash));
    assert_eq!(v["height"], json!(node.height()));
    assert_eq!(v["code"], json!(0));
    assert_eq!(v["codespace"], json!(""));
    assert!(
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "transfer"),
        "{v}"
    );
    assert_eq!(v["tx"], json!(b64(&bytes)));
    // Lower case and 0x-prefixed hashes find it too.
    get_ok(&server, &format!("/txs/0x{}", hash.to_lowercase())).await;

    // JSON object and JSON string bodies.
    let body = json!({"tx_bytes": b64(&tx_bytes(send("alice", "bob", "8uphx")))});
    let r = post(
        &server,
        "/txs",
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = Value::String(b64(&tx_bytes(send("alice", "bob", "9uphx"))));
    let r = post(
        &server,
        "/txs",
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(node.mempool_len(), 2);
    node.produce_block(Vec::new());

    // ?commit=true waits for the block and returns the result.
    let producer = produce_when_submitted(&node);
    let bytes = tx_bytes(send("bob", "carol", "11uphx"));
    let r = post(
        &server,
        "/txs?commit=true",
        "text/plain",
        b64(&bytes).into_bytes(),
    )
    .await;
    assert!(producer.await.unwrap());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["height"], json!(node.height()));
    assert_eq!(v["code"], json!(0));
    assert!(!v["events"].as_array().unwrap().is_empty());

    // A transaction that fails in its block is still a committed result, with its module's code.
    let producer = produce_when_submitted(&node);
    let bad = tx_bytes(vec![
        MsgDelegateOperator {
            delegator: addr("bob"),
            operator_id: phalanx_types::OperatorId(99),
            amount: coins("5uatom"),
        }
        .into(),
    ]);
    let r = post(
        &server,
        "/txs?commit=true",
        "text/plain",
        b64(&bad).into_bytes(),
    )
    .await;
    assert!(producer.await.unwrap());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(
        (v["codespace"].as_str(), v["code"].as_u64()),
        (Some("operators"), Some(100))
    );
    assert!(v["log"].as_str().unwrap().contains("99"));

    // Rejected by admission: the node's code, HTTP 400, nothing queued.
    let r = post(&server, "/txs", "text/plain", b64(b"not a tx").into_bytes()).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["code"], json!(18));
    let r = post(&server, "/txs", "text/plain", b"%%%".to_vec()).await;
    assert_eq!(r.status, 400);
    let r = post(&server, "/txs", "text/plain", Vec::new()).await;
    assert_eq!(r.status, 400);
    let r = post(&server, "/txs", "application/json", b"{\"tx\":1}".to_vec()).await;
    assert_eq!(r.status, 400);
    let r = post(
        &server,
        "/txs?commit=perhaps",
        "text/plain",
        b64(&bytes).into_bytes(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(node.mempool_len(), 0);

    get_err(&server, "/txs/zz", 400).await;
    get_err(&server, &format!("/txs/{}", "00".repeat(32)), 404).await;
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_wait_is_bounded() {
    let config = ApiConfig {
        commit_timeout: Duration::from_millis(300),
        ..ApiConfig::default()
    };
    let (node, server, _) = start_with(config).await;
    let bytes = tx_bytes(send("alice", "bob", "3uphx"));
    let r = post(
        &server,
        "/txs?commit=true",
        "text/plain",
        b64(&bytes).into_bytes(),
    )
    .await;
    assert_eq!(r.status, 504, "{}", r.text());
    let e = r.json();
    let hash = TxHash(<sha2::Sha256 as sha2::Digest>::digest(&bytes).into());
    assert_eq!(e["txhash"], json!(hash.to_string()));
    assert_eq!(node.mempool_len(), 1, "still queued");
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_blocks() {
    let (node, server, _) = start().await;
    let v = get_ok(&server, "/status").await;
    assert_eq!(v["chain_id"], json!("phalanx-api-test"));
    assert_eq!(v["latest_height"], json!(node.height()));
    assert_eq!(v["latest_app_hash"], json!("ab".repeat(32)));
    assert!(
        v["latest_block_time"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-01T00:")
    );
    assert_eq!(v["catching_up"], json!(false));

    let v = get_ok(&server, "/blocks/1").await;
    let b = &v["block"];
    assert_eq!(b["header"]["height"], json!(1));
    assert_eq!(b["header"]["app_hash"], json!("ab".repeat(32)));
    assert_eq!(b["tx_hashes"].as_array().unwrap().len(), 1);
    assert_eq!(b["results"]["tx_results"][0]["code"], json!(0));
    let v = get_ok(&server, "/blocks/latest").await;
    assert_eq!(v["block"]["header"]["height"], json!(node.height()));
    get_err(&server, "/blocks/0", 400).await;
    get_err(&server, "/blocks/x", 400).await;
    get_err(&server, "/blocks/9999", 404).await;
    server.shutdown().await.unwrap();
}

/// Reads an SSE body until `needle` appears (bounded), returning everything read.
async fn read_until(body: &mut hyper::body::Incoming, needle: &str) -> String {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !text.contains(needle) {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} within 10 s; got {text:?}"))
            .expect("stream open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stream_filters_by_type() {
    let (node, server, _) = start().await;
    let filtered = open(
        server.local_addr(),
        "GET",
        "/events?types=delegate_pool,nothing",
        None,
    )
    .await;
    assert_eq!(filtered.status(), 200);
    assert_eq!(filtered.headers()["content-type"], "text/event-stream");
    let all = open(server.local_addr(), "GET", "/events", None).await;
    assert_eq!(all.status(), 200);

    let mut msgs = send("carol", "bob", "1uphx");
    msgs.push(
        MsgDelegatePool {
            delegator: addr("carol"),
            amount: coin("10uatom"),
        }
        .into(),
    );
    node.produce_block(vec![phalanx_app::Tx {
        sender: addr("carol"),
        msgs,
    }]);
    let height = node.height();

    let mut body = filtered.into_body();
    let text = read_until(&mut body, "event: delegate_pool").await;
    assert!(text.contains(&format!("id: {height}")), "{text}");
    assert!(text.contains("\"type\":\"delegate_pool\""), "{text}");
    assert!(!text.contains("event: transfer"), "filtered out: {text}");
    let mut all_body = all.into_body();
    read_until(&mut all_body, "event: transfer").await;

    // Shutdown ends open streams, so it completes promptly.
    let started = std::time::Instant::now();
    server.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(f) = body.frame().await {
            if f.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(end.is_ok(), "stream ended");
}

/// Every path of the brief and the spec, with `milkyway` replaced by `phalanx`.
const EXPECTED: &[(&str, &str)] = &[
    ("get", "/phalanx/bank/v1/balances/{address}"),
    ("get", "/phalanx/bank/v1/supply"),
    ("get", "/phalanx/bank/v1/supply/{denom}"),
    ("get", "/phalanx/auth/v1/accounts/{address}"),
    ("get", "/phalanx/assets/v1/assets"),
    ("get", "/phalanx/assets/v1/assets/{denom}"),
    ("get", "/phalanx/assets/v1/prices"),
    ("get", "/phalanx/assets/v1/prices/{ticker}"),
    ("get", "/phalanx/assets/v1/params"),
    ("get", "/phalanx/pools/v1/pools"),
    ("get", "/phalanx/pools/v1/pools/{pool_id}"),
    ("get", "/phalanx/pools/v1/pool/denom/{denom}"),
    ("get", "/phalanx/operators/v1/operators"),
    ("get", "/phalanx/operators/v1/operators/{operator_id}"),
    (
        "get",
        "/phalanx/operators/v1/operators/{operator_id}/params",
    ),
    ("get", "/phalanx/operators/v1/params"),
    ("get", "/phalanx/services/v1/services"),
    ("get", "/phalanx/services/v1/services/{service_id}"),
    ("get", "/phalanx/services/v1/services/{service_id}/params"),
    ("get", "/phalanx/services/v1/params"),
    (
        "get",
        "/phalanx/restaking/v1/operators/{operator_id}/joined_services",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/allowed_operators",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/securing_pools",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/operators",
    ),
    ("get", "/phalanx/restaking/v1/pools/{pool_id}/delegations"),
    (
        "get",
        "/phalanx/restaking/v1/pools/{pool_id}/delegations/{delegator_address}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/pools/{pool_id}/unbonding_delegations",
    ),
    (
        "get",
        "/phalanx/restaking/v1/pools/{pool_id}/unbonding_delegations/{delegator_address}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/operators/{operator_id}/delegations",
    ),
    (
        "get",
        "/phalanx/restaking/v1/operators/{operator_id}/delegations/{delegator_address}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/operators/{operator_id}/unbonding_delegations",
    ),
    (
        "get",
        "/phalanx/restaking/v1/operators/{operator_id}/unbonding_delegations/{delegator_address}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/delegations",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/delegations/{delegator_address}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/unbonding_delegations",
    ),
    (
        "get",
        "/phalanx/restaking/v1/services/{service_id}/unbonding_delegations/{delegator_address}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegations/{delegator_address}/pools",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegations/{delegator_address}/unbonding_pools",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegations/{delegator_address}/operators",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegations/{delegator_address}/unbonding_operators",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegations/{delegator_address}/services",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegations/{delegator_address}/unbonding_services",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegators/{delegator_address}/pools",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegators/{delegator_address}/pools/{pool_id}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegators/{delegator_address}/operators",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegators/{delegator_address}/operators/{operator_id}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegators/{delegator_address}/services",
    ),
    (
        "get",
        "/phalanx/restaking/v1/delegators/{delegator_address}/services/{service_id}",
    ),
    (
        "get",
        "/phalanx/restaking/v1/users/{user_address}/preferences",
    ),
    ("get", "/phalanx/restaking/v1/params"),
    ("get", "/phalanx/rewards/v1/params"),
    ("get", "/phalanx/rewards/v1/rewards_plans"),
    ("get", "/phalanx/rewards/v1/rewards_plans/{plan_id}"),
    (
        "get",
        "/phalanx/rewards/v1/pools/{pool_id}/outstanding_rewards",
    ),
    (
        "get",
        "/phalanx/rewards/v1/operators/{operator_id}/outstanding_rewards",
    ),
    (
        "get",
        "/phalanx/rewards/v1/services/{service_id}/outstanding_rewards",
    ),
    (
        "get",
        "/phalanx/rewards/v1/operators/{operator_id}/commission",
    ),
    (
        "get",
        "/phalanx/rewards/v1/pools/{pool_id}/services/{service_id}/total_delegator_shares",
    ),
    (
        "get",
        "/phalanx/rewards/v1/delegators/{delegator_address}/rewards/pools/{pool_id}",
    ),
    (
        "get",
        "/phalanx/rewards/v1/delegators/{delegator_address}/rewards/operators/{operator_id}",
    ),
    (
        "get",
        "/phalanx/rewards/v1/delegators/{delegator_address}/rewards/services/{service_id}",
    ),
    (
        "get",
        "/phalanx/rewards/v1/delegators/{delegator_address}/rewards",
    ),
    (
        "get",
        "/phalanx/rewards/v1/delegators/{delegator_address}/withdraw_address",
    ),
    ("get", "/phalanx/tokenfactory/v1/params"),
    (
        "get",
        "/phalanx/tokenfactory/v1/denoms_from_creator/{creator}",
    ),
    ("get", "/phalanx/tokenfactory/v1/authority_metadata/{denom}"),
    ("get", "/phalanx/tokenfactory/v1/denom_metadata/{denom}"),
    ("get", "/phalanx/liquidvesting/v1/params"),
    (
        "get",
        "/phalanx/liquidvesting/v1/insurance_funds/{user_address}",
    ),
    (
        "get",
        "/phalanx/liquidvesting/v1/restaked_locked/{user_address}",
    ),
    ("get", "/phalanx/liquidvesting/v1/burn_queue"),
    ("get", "/phalanx/slashing/v1/params"),
    ("get", "/phalanx/slashing/v1/services/{service_id}/rules"),
    ("get", "/phalanx/slashing/v1/slashes"),
    ("get", "/phalanx/slashing/v1/slashes/{slash_id}"),
    ("get", "/phalanx/slashing/v1/pending_slashes"),
    ("get", "/phalanx/slashing/v1/exposure/{address}"),
    (
        "get",
        "/phalanx/slashing/v1/operators/{operator_id}/pending_commission",
    ),
    ("get", "/phalanx/validators/v1/params"),
    ("get", "/phalanx/validators/v1/validators"),
    ("get", "/phalanx/validators/v1/evidence"),
    ("get", "/phalanx/validators/v1/evidence/{public_key}"),
    ("post", "/txs"),
    ("get", "/txs/{hash}"),
    ("get", "/status"),
    ("get", "/blocks/{height}"),
    ("get", "/events"),
    ("get", "/openapi.json"),
    ("get", "/metrics"),
    ("post", "/cosmos/tx/v1beta1/txs"),
    ("get", "/cosmos/auth/v1beta1/accounts/{address}"),
    ("get", "/cosmos/bank/v1beta1/balances/{address}"),
    ("get", "/cosmos/base/tendermint/v1beta1/node_info"),
];

/// A concrete path for a documented template.
fn fill(template: &str) -> String {
    let carol = addr("carol").to_string();
    template
        .split('/')
        .map(|seg| match seg {
            "{address}" | "{delegator_address}" | "{user_address}" | "{creator}" => carol.clone(),
            "{pool_id}" | "{operator_id}" | "{service_id}" | "{plan_id}" | "{slash_id}"
            | "{height}" => "1".into(),
            "{denom}" => "uatom".into(),
            "{ticker}" => "ATOM".into(),
            "{hash}" => "00".repeat(32),
            "{public_key}" => "58".to_string() + &"66".repeat(31),
            other => other.into(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_lists_every_route_and_each_is_served() {
    let (_node, server, _) = start().await;
    let doc = get_ok(&server, "/openapi.json").await;
    assert_eq!(doc["openapi"], json!("3.0.3"));
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in EXPECTED {
        let op = &paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} missing from openapi.json"))[*method];
        assert!(op["operationId"].is_string(), "{method} {path}");
        assert!(op["responses"]["200"].is_object(), "{method} {path}");
    }
    let documented: usize = paths.values().map(|m| m.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        EXPECTED.len(),
        "no undocumented extras, no gaps"
    );

    // Every documented operation is served: never the no-route fallback, never 405.
    for (path, methods) in paths {
        for (method, op) in methods.as_object().unwrap() {
            let params: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            for p in params {
                assert!(path.contains(&format!("{{{p}}}")), "{path} documents {p}");
            }
            let concrete = fill(path);
            let (status, text) = if path == "/events" {
                let head = open(server.local_addr(), "GET", &concrete, None).await;
                (head.status().as_u16(), String::new())
            } else {
                let body = (method == "post").then(|| ("application/json", b"{}".to_vec()));
                let r = request(server.local_addr(), &method.to_uppercase(), &concrete, body).await;
                (r.status, r.text())
            };
            assert_ne!(status, 405, "{method} {concrete}");
            assert!(
                !(status == 404 && text.contains("no route")),
                "{method} {concrete} is documented but not served"
            );
        }
    }
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_per_route() {
    let (node, server, _) = start().await;
    for _ in 0..3 {
        get_ok(&server, "/phalanx/pools/v1/pools/1").await;
    }
    get_err(&server, "/phalanx/pools/v1/pools/99", 404).await;
    get_err(&server, "/no/such/route", 404).await;
    let r = get(&server, "/metrics").await;
    assert_eq!(r.status, 200);
    assert!(
        r.content_type.starts_with("text/plain"),
        "{}",
        r.content_type
    );
    let text = r.text();
    let route = "/phalanx/pools/v1/pools/{pool_id}";
    assert!(
        text.contains(&format!(
            "phalanx_api_requests_total{{route=\"{route}\",method=\"GET\",status=\"200\"}} 3"
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "phalanx_api_requests_total{{route=\"{route}\",method=\"GET\",status=\"404\"}} 1"
    )));
    assert!(text.contains("route=\"unmatched\",method=\"GET\",status=\"404\"} 1"));
    assert!(text.contains(&format!(
        "phalanx_api_request_duration_seconds_count{{route=\"{route}\"}} 4"
    )));
    assert!(text.contains(&format!(
        "phalanx_api_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} 4"
    )));
    assert!(text.contains("# TYPE phalanx_api_request_duration_seconds histogram"));
    assert!(text.contains(&format!("phalanx_latest_height {}", node.height())));
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prove_true_adds_proofs_from_the_same_snapshot() {
    let (node, server, _) = start().await;
    let v = get_ok(&server, "/phalanx/pools/v1/pools/1?prove=true").await;
    assert_eq!(v["pool"]["id"], json!(1));
    let proof = &v["proof"];
    assert_eq!(proof["height"], json!(node.height()));
    assert_eq!(proof["app_hash"], json!("ab".repeat(32)));
    assert_eq!(proof["truncated"], json!(false));
    let entries = proof["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "one point read: {proof}");
    let key = phalanx_api::encoding::decode_hex(entries[0]["key"].as_str().unwrap()).unwrap();
    let value =
        phalanx_api::encoding::decode_base64(entries[0]["value"].as_str().unwrap()).unwrap();
    assert_eq!(
        entries[0]["proof"],
        json!(b64(&toy_proof(&key, Some(&value))))
    );

    // A list proves every key it read.
    let v = get_ok(&server, "/phalanx/operators/v1/operators?prove=true").await;
    assert!(v["proof"]["entries"].as_array().unwrap().len() >= 3);
    // Without the flag there is no proof.
    let v = get_ok(&server, "/phalanx/pools/v1/pools/1").await;
    assert!(v.get("proof").is_none());
    // Cosmos routes too.
    let carol = addr("carol").to_string();
    let v = get_ok(
        &server,
        &format!("/cosmos/bank/v1beta1/balances/{carol}?prove=true"),
    )
    .await;
    assert!(!v["proof"]["entries"].as_array().unwrap().is_empty());

    node.proofs
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let e = get_err(&server, "/phalanx/pools/v1/pools/1?prove=true", 501).await;
    assert_eq!(e["code"], json!(37));
    assert!(e["message"].as_str().unwrap().contains("not supported"));
    get_ok(&server, "/phalanx/pools/v1/pools/1").await;
    server.shutdown().await.unwrap();
}

/// The test node, except that each submission waits at a gate the test opens, as a slow signature
/// check would hold its thread. A submission waits 30 s at most, so a failing test ends.
struct GatedSubmissions {
    node: Arc<TestNode>,
    /// Submissions that reached the gate, and whether it is open.
    gate: std::sync::Mutex<(usize, bool)>,
    opened: std::sync::Condvar,
}

impl GatedSubmissions {
    fn entered(&self) -> usize {
        self.gate.lock().unwrap().0
    }

    fn open(&self) {
        self.gate.lock().unwrap().1 = true;
        self.opened.notify_all();
    }
}

impl phalanx_api::NodeView for GatedSubmissions {
    fn snapshot(&self) -> Result<Box<dyn phalanx_api::StateSnapshot>, phalanx_api::NodeError> {
        self.node.snapshot()
    }
    fn status(&self) -> Result<phalanx_api::NodeStatus, phalanx_api::NodeError> {
        self.node.status()
    }
    fn block(&self, height: u64) -> Result<Option<phalanx_api::BlockView>, phalanx_api::NodeError> {
        self.node.block(height)
    }
    fn tx(&self, hash: &TxHash) -> Result<Option<phalanx_api::TxRecord>, phalanx_api::NodeError> {
        self.node.tx(hash)
    }
    fn submit_tx(&self, tx_bytes: Vec<u8>) -> Result<TxHash, phalanx_api::SubmitError> {
        let mut gate = self.gate.lock().unwrap();
        gate.0 += 1;
        let (gate, _) = self
            .opened
            .wait_timeout_while(gate, Duration::from_secs(30), |g| !g.1)
            .unwrap();
        drop(gate);
        self.node.submit_tx(tx_bytes)
    }
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<phalanx_api::BlockEvents>> {
        self.node.subscribe()
    }
}

/// Submissions (both routes) run on the blocking pool: with the server's only async worker free
/// while every one of them is held inside the node, `/status` is still answered. Were a
/// submission run on the worker, the others would never reach the node.
#[test]
fn submissions_in_the_node_hold_no_async_worker() {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let gated = Arc::new(GatedSubmissions {
        node: TestNode::new(),
        gate: std::sync::Mutex::new((0, false)),
        opened: std::sync::Condvar::new(),
    });
    let view: Arc<dyn phalanx_api::NodeView> = gated.clone();
    let server = server_rt
        .block_on(phalanx_api::serve(
            "127.0.0.1:0".parse().unwrap(),
            view,
            ApiConfig::default(),
        ))
        .unwrap();
    let at = server.local_addr();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    client_rt.block_on(async {
        let mut submissions = Vec::new();
        for i in 1..=4u32 {
            let tx = b64(&tx_bytes(send("alice", "bob", &format!("{i}uphx"))));
            let (path, content_type, body) = if i % 2 == 0 {
                ("/txs", "text/plain", tx)
            } else {
                (
                    "/cosmos/tx/v1beta1/txs",
                    "application/json",
                    json!({"tx_bytes": tx, "mode": "BROADCAST_MODE_SYNC"}).to_string(),
                )
            };
            submissions.push(tokio::spawn(async move {
                request(at, "POST", path, Some((content_type, body.into_bytes()))).await
            }));
        }
        let mut all_held = false;
        for _ in 0..300 {
            if gated.entered() == 4 {
                all_held = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            all_held,
            "only {} of 4 submissions reached the node: one holds the async worker",
            gated.entered()
        );
        let status = request(at, "GET", "/status", None).await;
        assert_eq!(status.status, 200, "{}", status.text());
        assert_eq!(status.json()["latest_height"], 0);
        gated.open();
        for submission in submissions {
            let r = submission.await.unwrap();
            assert_eq!(r.status, 200, "{}", r.text());
        }
        assert_eq!(gated.node.mempool_len(), 4);
    });
    server_rt.block_on(server.shutdown()).unwrap();
}
