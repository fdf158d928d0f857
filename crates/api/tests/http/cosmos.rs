//! Cosmos REST compatibility: the SDK's JSON shapes for accounts, balances, node info and broadcast.

use crate::support::*;
use phalanx_types::msgs::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

fn payment(amount: &str) -> Vec<u8> {
    tx_bytes(vec![
        MsgSend {
            from_address: addr("alice"),
            to_address: addr("dave"),
            amount: coins(amount),
        }
        .into(),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_use_sdk_shapes() {
    let (node, server, _) = start().await;
    let dave = addr("dave").to_string();
    let v = get_ok(&server, &format!("/cosmos/auth/v1beta1/accounts/{dave}")).await;
    let a = &v["account"];
    assert_eq!(a["@type"], json!("/cosmos.auth.v1beta1.BaseAccount"));
    assert_eq!(a["address"], json!(dave));
    assert!(
        a["account_number"].as_str().unwrap().parse::<u64>().is_ok(),
        "{a}"
    );
    assert_eq!(a["sequence"], json!("0"));
    assert_eq!(a["pub_key"], json!(null));
    let nobody = phalanx_types::Address::module("nobody").to_string();
    get_err(
        &server,
        &format!("/cosmos/auth/v1beta1/accounts/{nobody}"),
        404,
    )
    .await;
    get_err(&server, "/cosmos/auth/v1beta1/accounts/cosmos1abc", 400).await;

    let carol = addr("carol").to_string();
    let v = get_ok(&server, &format!("/cosmos/bank/v1beta1/balances/{carol}")).await;
    assert_eq!(v["balances"].as_array().unwrap().len(), 4);
    assert_eq!(
        v["balances"][1],
        json!({"denom": "ubtc", "amount": FUNDS.to_string()})
    );
    assert_eq!(v["pagination"], json!({"next_key": null, "total": "4"}));
    let v = get_ok(
        &server,
        &format!("/cosmos/bank/v1beta1/balances/{carol}?pagination.limit=1"),
    )
    .await;
    assert_eq!(v["balances"].as_array().unwrap().len(), 1);
    assert!(v["pagination"]["next_key"].is_string());

    let v = get_ok(&server, "/cosmos/base/tendermint/v1beta1/node_info").await;
    assert_eq!(v["default_node_info"]["network"], json!("phalanx-api-test"));
    assert_eq!(v["default_node_info"]["moniker"], json!("tester"));
    assert_eq!(v["application_version"]["version"], json!("0.1.0"));
    let _ = node;
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_modes() {
    let (node, server, _) = start().await;
    let path = "/cosmos/tx/v1beta1/txs";

    // SYNC: admitted, hash as Cosmos computes it.
    let bytes = payment("2uphx");
    let body = json!({"tx_bytes": b64(&bytes), "mode": "BROADCAST_MODE_SYNC"});
    let r = post(
        &server,
        path,
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let tr = &r.json()["tx_response"];
    let expected = phalanx_api::encoding::hex_upper(&Sha256::digest(&bytes));
    assert_eq!(tr["txhash"], json!(expected));
    assert_eq!(
        (tr["code"].as_u64(), tr["height"].as_str()),
        (Some(0), Some("0"))
    );
    assert_eq!(node.mempool_len(), 1);

    // Rejected by admission: HTTP 200 with the code in tx_response, as the SDK answers.
    let body = json!({"tx_bytes": b64(b"garbage"), "mode": "BROADCAST_MODE_ASYNC"});
    let r = post(
        &server,
        path,
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let tr = &r.json()["tx_response"];
    assert_eq!(
        (tr["codespace"].as_str(), tr["code"].as_u64()),
        (Some("sdk"), Some(18))
    );
    assert!(!tr["raw_log"].as_str().unwrap().is_empty());
    assert_eq!(
        tr["txhash"],
        json!(phalanx_api::encoding::hex_upper(&Sha256::digest(
            b"garbage"
        )))
    );

    // BLOCK: waits for the block, int64s as strings, attributes as {key, value, index}.
    node.produce_block(Vec::new());
    let producer = {
        let node = Arc::clone(&node);
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
    };
    let body = json!({"tx_bytes": b64(&payment("3uphx")), "mode": "BROADCAST_MODE_BLOCK"});
    let r = post(
        &server,
        path,
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    assert!(producer.await.unwrap());
    assert_eq!(r.status, 200, "{}", r.text());
    let tr = &r.json()["tx_response"];
    assert_eq!(tr["height"], json!(node.height().to_string()));
    assert_eq!(tr["code"], json!(0));
    assert!(tr["timestamp"].as_str().unwrap().starts_with("2026-"));
    let transfer = tr["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "transfer")
        .expect("transfer event");
    assert!(transfer["attributes"][0]["key"].is_string(), "{transfer}");
    assert_eq!(transfer["attributes"][0]["index"], json!(true));

    // Malformed requests are HTTP 400.
    let body = json!({"tx_bytes": b64(&payment("4uphx")), "mode": "BROADCAST_MODE_FAST"});
    let r = post(
        &server,
        path,
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = post(&server, path, "application/json", b"not json".to_vec()).await;
    assert_eq!(r.status, 400);
    let r = post(
        &server,
        path,
        "application/json",
        br#"{"tx_bytes": ""}"#.to_vec(),
    )
    .await;
    assert_eq!(r.status, 400);
    server.shutdown().await.unwrap();
}
