//! Module queries: shapes of every family over real state, error statuses, pagination.

use crate::support::*;
use serde_json::json;

const B: &str = "/phalanx/bank/v1";
const R: &str = "/phalanx/restaking/v1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_auth_and_assets_answer_from_state() {
    let (_node, server, _) = start().await;
    let carol = addr("carol").to_string();

    let v = get_ok(&server, &format!("{B}/balances/{carol}")).await;
    assert_eq!(
        v["balances"],
        json!([
            {"denom": "uatom", "amount": (FUNDS - 1500).to_string()},
            {"denom": "ubtc", "amount": FUNDS.to_string()},
            {"denom": "uphx", "amount": FUNDS.to_string()},
            {"denom": "utia", "amount": (FUNDS - 500).to_string()},
        ])
    );
    assert_eq!(v["pagination"], json!({"next_key": null}));

    let v = get_ok(&server, &format!("{B}/supply")).await;
    assert_eq!(v["supply"].as_array().unwrap().len(), 4);
    let v = get_ok(&server, &format!("{B}/supply/uatom")).await;
    assert_eq!(
        v["amount"],
        json!({"denom": "uatom", "amount": (3 * FUNDS).to_string()})
    );
    let v = get_ok(&server, &format!("{B}/supply/ibc/ABCDEF")).await;
    assert_eq!(v["amount"], json!({"denom": "ibc/ABCDEF", "amount": "0"}));

    // An account exists once it has been paid; the fixture paid dave.
    let dave = addr("dave").to_string();
    let v = get_ok(&server, &format!("/phalanx/auth/v1/accounts/{dave}")).await;
    assert_eq!(v["account"]["address"], json!(dave));
    assert_eq!(v["account"]["sequence"], json!(0));
    assert_eq!(v["account"]["pub_key"], json!(null));
    assert!(v["account"]["account_number"].is_u64());
    assert!(v["account"]["sequence"].is_u64());
    let nobody = phalanx_types::Address::module("never-seen").to_string();
    let e = get_err(&server, &format!("/phalanx/auth/v1/accounts/{nobody}"), 404).await;
    assert!(e["message"].as_str().unwrap().contains("not found"), "{e}");

    let v = get_ok(&server, "/phalanx/assets/v1/assets").await;
    assert_eq!(v["assets"].as_array().unwrap().len(), 4);
    let v = get_ok(&server, "/phalanx/assets/v1/assets?ticker=BTC").await;
    assert_eq!(
        v["assets"],
        json!([{"denom": "ubtc", "ticker": "BTC", "exponent": 8}])
    );
    let v = get_ok(&server, "/phalanx/assets/v1/assets/uatom").await;
    assert_eq!(v["asset"]["ticker"], json!("ATOM"));
    let e = get_err(&server, "/phalanx/assets/v1/assets/unone", 404).await;
    assert_eq!(
        (e["codespace"].as_str(), e["code"].as_u64()),
        (Some("assets"), Some(1))
    );
    let v = get_ok(&server, "/phalanx/assets/v1/prices").await;
    assert_eq!(v["prices"].as_array().unwrap().len(), 4);
    let v = get_ok(&server, "/phalanx/assets/v1/prices/BTC").await;
    assert_eq!(v["price"]["price"], json!("100000.000000000000000000"));
    get_err(&server, "/phalanx/assets/v1/prices/NOPE", 404).await;
    let v = get_ok(&server, "/phalanx/assets/v1/params").await;
    assert!(v["params"].is_object());

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pools_operators_and_services() {
    let (_node, server, _) = start().await;

    let v = get_ok(&server, "/phalanx/pools/v1/pools").await;
    let pools = v["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 2);
    assert_eq!(pools[0]["id"], json!(1));
    assert_eq!(pools[0]["denom"], json!("uatom"));
    assert_eq!(pools[0]["tokens"], json!("900"));
    assert_eq!(pools[1]["tokens"], json!("500"));
    let v = get_ok(&server, "/phalanx/pools/v1/pools/2").await;
    assert_eq!(v["pool"]["denom"], json!("utia"));
    let v = get_ok(&server, "/phalanx/pools/v1/pool/denom/uatom").await;
    assert_eq!(v["pool"]["id"], json!(1));
    get_err(&server, "/phalanx/pools/v1/pool/denom/uphx", 404).await;

    let v = get_ok(&server, "/phalanx/operators/v1/operators").await;
    assert_eq!(v["operators"].as_array().unwrap().len(), 3);
    let v = get_ok(&server, "/phalanx/operators/v1/operators/1").await;
    assert_eq!(v["operator"]["moniker"], json!("op-one"));
    assert_eq!(v["operator"]["admin"], json!(addr("alice").to_string()));
    let v = get_ok(&server, "/phalanx/operators/v1/operators/1/params").await;
    assert_eq!(
        v["operator_params"]["commission_rate"],
        json!("0.000000000000000000")
    );
    get_err(&server, "/phalanx/operators/v1/operators/99/params", 404).await;
    let v = get_ok(&server, "/phalanx/operators/v1/params").await;
    assert!(v["params"]["deactivation_time"].is_string());

    let v = get_ok(&server, "/phalanx/services/v1/services").await;
    assert_eq!(v["services"].as_array().unwrap().len(), 1);
    let v = get_ok(&server, "/phalanx/services/v1/services/1").await;
    assert_eq!(v["service"]["name"], json!("oracle"));
    let v = get_ok(&server, "/phalanx/services/v1/services/1/params").await;
    assert_eq!(v["service_params"]["allowed_denoms"], json!([]));
    get_err(&server, "/phalanx/services/v1/services/2", 404).await;
    let v = get_ok(&server, "/phalanx/services/v1/params").await;
    assert!(v["params"].is_object());

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restaking_paths_of_spec_5_11() {
    let (_node, server, _) = start().await;
    let carol = addr("carol").to_string();
    let alice = addr("alice").to_string();

    // Relations.
    let v = get_ok(&server, &format!("{R}/operators/1/joined_services")).await;
    assert_eq!(v["service_ids"], json!([1]));
    let v = get_ok(&server, &format!("{R}/services/1/allowed_operators")).await;
    assert_eq!(v["operator_ids"], json!([1]));
    let v = get_ok(&server, &format!("{R}/services/1/securing_pools")).await;
    assert_eq!(v["pool_ids"], json!([1]));
    let v = get_ok(&server, &format!("{R}/services/1/operators")).await;
    assert_eq!(v["operators"][0]["id"], json!(1));
    get_err(&server, &format!("{R}/operators/9/joined_services"), 404).await;

    // Delegations and unbondings by target, for each kind.
    for (kind, id, amount) in [
        ("pools", 1, "900"),
        ("operators", 1, "300"),
        ("services", 1, "200"),
    ] {
        let v = get_ok(&server, &format!("{R}/{kind}/{id}/delegations")).await;
        let ds = v["delegations"].as_array().unwrap();
        assert_eq!(ds.len(), 1, "{kind}: {v}");
        assert_eq!(ds[0]["delegation"]["delegator"], json!(carol));
        assert_eq!(
            ds[0]["balance"],
            json!([{"denom": "uatom", "amount": amount}])
        );
        let v = get_ok(&server, &format!("{R}/{kind}/{id}/delegations/{carol}")).await;
        assert_eq!(v["delegation"]["balance"][0]["amount"], json!(amount));
        let e = get_err(
            &server,
            &format!("{R}/{kind}/{id}/delegations/{alice}"),
            404,
        )
        .await;
        assert_eq!(
            (e["codespace"].as_str(), e["code"].as_u64()),
            (Some("restaking"), Some(4))
        );
        let v = get_ok(&server, &format!("{R}/{kind}/{id}/unbonding_delegations")).await;
        let expected = usize::from(kind == "pools");
        assert_eq!(
            v["unbonding_delegations"].as_array().unwrap().len(),
            expected
        );
        get_err(&server, &format!("{R}/{kind}/99/delegations"), 404).await;
        get_err(&server, &format!("{R}/{kind}/0/delegations"), 400).await;
    }
    let v = get_ok(
        &server,
        &format!("{R}/pools/1/unbonding_delegations/{carol}"),
    )
    .await;
    assert_eq!(
        v["unbonding_delegation"]["entries"][0]["balance"],
        json!([{"denom": "uatom", "amount": "100"}])
    );
    let e = get_err(
        &server,
        &format!("{R}/operators/1/unbonding_delegations/{carol}"),
        404,
    )
    .await;
    assert_eq!(
        (e["codespace"].as_str(), e["code"].as_u64()),
        (Some("restaking"), Some(7))
    );
    let v = get_ok(&server, &format!("{R}/operators/2/delegations")).await;
    assert_eq!(
        v,
        json!({"delegations": [], "pagination": {"next_key": null}})
    );

    // By delegator.
    for (path, field, n) in [
        ("pools", "delegations", 2),
        ("unbonding_pools", "unbonding_delegations", 1),
        ("operators", "delegations", 1),
        ("unbonding_operators", "unbonding_delegations", 0),
        ("services", "delegations", 1),
        ("unbonding_services", "unbonding_delegations", 0),
    ] {
        let v = get_ok(&server, &format!("{R}/delegations/{carol}/{path}")).await;
        assert_eq!(v[field].as_array().unwrap().len(), n, "{path}: {v}");
    }
    let v = get_ok(&server, &format!("{R}/delegators/{carol}/pools")).await;
    assert_eq!(v["pools"].as_array().unwrap().len(), 2);
    assert_eq!(v["pools"][1]["denom"], json!("utia"));
    let v = get_ok(&server, &format!("{R}/delegators/{carol}/pools/2")).await;
    assert_eq!(v["pool"]["denom"], json!("utia"));
    let v = get_ok(&server, &format!("{R}/delegators/{carol}/operators")).await;
    assert_eq!(v["operators"][0]["moniker"], json!("op-one"));
    let v = get_ok(&server, &format!("{R}/delegators/{carol}/operators/1")).await;
    assert_eq!(v["operator"]["id"], json!(1));
    let v = get_ok(&server, &format!("{R}/delegators/{carol}/services")).await;
    assert_eq!(v["services"][0]["name"], json!("oracle"));
    let v = get_ok(&server, &format!("{R}/delegators/{carol}/services/1")).await;
    assert_eq!(v["service"]["id"], json!(1));
    get_err(&server, &format!("{R}/delegators/{alice}/pools/1"), 404).await;

    let v = get_ok(&server, &format!("{R}/users/{carol}/preferences")).await;
    assert_eq!(
        v["preferences"]["trusted_services"],
        json!([{"service_id": 1, "pool_ids": [1]}])
    );
    let v = get_ok(&server, &format!("{R}/users/{alice}/preferences")).await;
    assert_eq!(v["preferences"]["trusted_services"], json!([]));
    let v = get_ok(&server, &format!("{R}/params")).await;
    assert!(v["params"]["unbonding_time"].is_string());

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_400_missing_is_404_and_unknown_routes_are_json() {
    let (_node, server, _) = start().await;

    let e = get_err(
        &server,
        &format!("{B}/balances/cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"),
        400,
    )
    .await;
    assert_eq!(e["codespace"], json!("sdk"));
    assert!(e["message"].as_str().unwrap().contains("address"), "{e}");
    get_err(&server, &format!("{B}/balances/not-an-address"), 400).await;
    let e = get_err(&server, "/phalanx/pools/v1/pools/0", 400).await;
    assert!(
        e["message"].as_str().unwrap().contains("must not be 0"),
        "{e}"
    );
    get_err(&server, "/phalanx/pools/v1/pools/abc", 400).await;
    get_err(&server, "/phalanx/pools/v1/pools/4294967296", 400).await;
    let e = get_err(&server, "/phalanx/pools/v1/pools/99", 404).await;
    assert_eq!(
        (e["codespace"].as_str(), e["code"].as_u64()),
        (Some("pools"), Some(1))
    );
    get_err(&server, "/phalanx/operators/v1/operators/0", 400).await;
    let e = get_err(&server, "/phalanx/operators/v1/operators/7", 404).await;
    assert_eq!(
        (e["codespace"].as_str(), e["code"].as_u64()),
        (Some("operators"), Some(100))
    );
    get_err(&server, "/phalanx/bank/v1/supply/x", 400).await;
    get_err(&server, "/phalanx/pools/v1/pools?prove=maybe", 400).await;

    let e = get_err(&server, "/phalanx/nothing/here", 404).await;
    assert!(e["message"].as_str().unwrap().contains("no route"), "{e}");
    let r = post(&server, "/status", "application/json", b"{}".to_vec()).await;
    assert_eq!(r.status, 405);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("not allowed")
    );

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_walks_every_item_once() {
    let (_node, server, _) = start().await;

    // Store-backed list: operators one by one.
    let mut ids = Vec::new();
    let mut key: Option<String> = None;
    for _ in 0..10 {
        let mut path = "/phalanx/operators/v1/operators?pagination.limit=1".to_string();
        if let Some(k) = &key {
            path.push_str(&format!("&pagination.key={}", urlencode(k)));
        }
        let v = get_ok(&server, &path).await;
        let ops = v["operators"].as_array().unwrap();
        assert_eq!(ops.len(), 1, "{v}");
        ids.push(ops[0]["id"].as_u64().unwrap());
        match v["pagination"]["next_key"].as_str() {
            Some(k) => key = Some(k.to_string()),
            None => break,
        }
    }
    assert_eq!(ids, vec![1, 2, 3]);

    // In-memory list (balances), pages of 3, key passed unencoded as clients often do.
    let carol = addr("carol").to_string();
    let v = get_ok(&server, &format!("{B}/balances/{carol}?pagination.limit=3")).await;
    assert_eq!(v["balances"].as_array().unwrap().len(), 3);
    let k = v["pagination"]["next_key"].as_str().unwrap().to_string();
    assert_eq!(phalanx_api::encoding::decode_base64(&k).unwrap(), b"utia");
    let v = get_ok(
        &server,
        &format!("{B}/balances/{carol}?pagination.limit=3&pagination.key={k}"),
    )
    .await;
    assert_eq!(
        v["balances"],
        json!([{"denom": "utia", "amount": (FUNDS - 500).to_string()}])
    );
    assert_eq!(v["pagination"]["next_key"], json!(null));

    // Restaking list by target.
    let v = get_ok(
        &server,
        &format!("{R}/delegations/{carol}/pools?pagination.limit=1"),
    )
    .await;
    assert_eq!(v["delegations"].as_array().unwrap().len(), 1);
    assert!(v["pagination"]["next_key"].is_string());

    get_err(
        &server,
        "/phalanx/operators/v1/operators?pagination.key=!!!",
        400,
    )
    .await;
    get_err(
        &server,
        "/phalanx/operators/v1/operators?pagination.offset=2",
        400,
    )
    .await;
    get_err(
        &server,
        "/phalanx/operators/v1/operators?pagination.limit=-1",
        400,
    )
    .await;
    get_err(
        &server,
        "/phalanx/operators/v1/operators?pagination.reverse=true",
        400,
    )
    .await;

    server.shutdown().await.unwrap();
}
