//! Slashing queries (docs/slashing.md): params, a service's rules, slashes (history, one, pending),
//! exposure with and without a simulated slash, and pending commission changes.

use crate::support::*;
use phalanx_types::msgs::*;
use phalanx_types::{Dec, Duration, Timestamp};
use serde_json::{Value, json};

const SL: &str = "/phalanx/slashing/v1";

fn dec(s: &str) -> Dec {
    s.parse().unwrap()
}

/// The authority removes the rules change delay, so rules apply from the next block.
fn no_rules_delay(node: &TestNode) {
    node.ok(vec![
        MsgUpdateSlashingParams {
            authority: addr("authority"),
            params: SlashingParams {
                rules_change_delay: Duration(0),
                ..SlashingParams::default()
            },
        }
        .into(),
    ]);
}

/// Bob (admin of service 1) makes himself its slasher, alice its resolver, with the given veto window.
fn set_rules(node: &TestNode, veto_window: Duration) {
    node.ok(vec![
        MsgSetSlashingRules {
            sender: addr("bob"),
            service_id: phalanx_types::ServiceId(1),
            rules: SlashingRules {
                slasher: addr("bob"),
                max_incident_fraction: dec("0.1"),
                max_window_fraction: dec("0.5"),
                window: Duration::from_hours(720),
                veto_window,
                resolver: Some(addr("alice")),
                destination: SlashDestination::Burn,
            },
        }
        .into(),
    ]);
    node.produce_block(Vec::new());
}

/// The amount of `denom` in a JSON coin list (0 when absent).
fn amount_of(coins: &Value, denom: &str) -> u128 {
    coins
        .as_array()
        .unwrap_or_else(|| panic!("not a coin list: {coins}"))
        .iter()
        .filter(|c| c["denom"] == denom)
        .map(|c| c["amount"].as_str().unwrap().parse::<u128>().unwrap())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn params_rules_slashes_and_veto() {
    let (node, server, f) = start().await;
    let v = get_ok(&server, &format!("{SL}/params")).await;
    assert_eq!(v["params"]["rules_change_delay"], json!("259200s"));
    assert_eq!(
        v["params"]["max_commission_step"],
        json!("0.050000000000000000")
    );
    let v = get_ok(&server, &format!("{SL}/services/1/rules")).await;
    assert_eq!(v, json!({"rules": {"active": null, "pending": null}}));
    get_err(&server, &format!("{SL}/services/9/rules"), 404).await;
    get_err(&server, &format!("{SL}/services/0/rules"), 400).await;
    let v = get_ok(&server, &format!("{SL}/slashes")).await;
    assert_eq!(v, json!({"slashes": [], "pagination": {"next_key": null}}));

    no_rules_delay(&node);
    set_rules(&node, Duration::from_hours(1));
    let v = get_ok(&server, &format!("{SL}/services/1/rules")).await;
    let r = &v["rules"];
    let rules = if r["active"].is_null() {
        &r["pending"]["rules"]
    } else {
        &r["active"]
    };
    assert_eq!(rules["slasher"], json!(addr("bob").to_string()), "{v}");
    assert_eq!(rules["destination"], json!({"type": "burn"}), "{v}");

    // An infraction after the operator joined the service (a slash cannot reach earlier ones).
    let status = get_ok(&server, "/status").await;
    let infraction = status["latest_block_time"]
        .as_str()
        .unwrap()
        .parse::<Timestamp>()
        .unwrap();
    node.ok(vec![
        MsgSubmitSlash {
            slasher: addr("bob"),
            service_id: f.svc,
            operator_id: Some(f.op),
            fraction: dec("0.05"),
            infraction_time: infraction,
            reason: "double signing".into(),
        }
        .into(),
    ]);
    let v = get_ok(&server, &format!("{SL}/slashes")).await;
    let list = v["slashes"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{v}");
    assert_eq!(list[0]["id"], json!(1));
    assert_eq!(list[0]["status"], json!("pending"));
    let v = get_ok(&server, &format!("{SL}/pending_slashes")).await;
    assert_eq!(v["slashes"].as_array().unwrap().len(), 1, "{v}");
    let v = get_ok(&server, &format!("{SL}/slashes/1")).await;
    assert_eq!(v["slash"]["operator_id"], json!(1));
    assert_eq!(v["slash"]["reason"], json!("double signing"));
    assert_eq!(v["slash"]["resolver"], json!(addr("alice").to_string()));

    let e = get_err(&server, &format!("{SL}/slashes/2"), 404).await;
    assert_eq!(
        (e["codespace"].as_str(), e["code"].as_u64()),
        (Some("slashing"), Some(7))
    );
    get_err(&server, &format!("{SL}/slashes/0"), 400).await;
    get_err(&server, &format!("{SL}/slashes/x"), 400).await;

    node.ok(vec![
        MsgVetoSlash {
            resolver: addr("alice"),
            slash_id: 1,
        }
        .into(),
    ]);
    let v = get_ok(&server, &format!("{SL}/slashes/1")).await;
    assert_eq!(v["slash"]["status"], json!("vetoed"));
    let v = get_ok(&server, &format!("{SL}/pending_slashes")).await;
    assert_eq!(v, json!({"slashes": [], "pagination": {"next_key": null}}));

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exposure_with_and_without_a_simulated_slash() {
    let (node, server, _) = start().await;
    let carol = addr("carol");
    let path = format!("{SL}/exposure/{carol}");

    // Without rules, service 1 reaches carol's stake but cannot slash it yet.
    let v = get_ok(&server, &path).await;
    assert_eq!(v["address"], json!(carol.to_string()));
    assert_eq!(v["loss_if_slashed"], Value::Null);
    let services = v["services"].as_array().unwrap();
    let svc = services
        .iter()
        .find(|s| s["service_id"] == json!(1))
        .unwrap_or_else(|| panic!("{v}"));
    assert!(amount_of(&svc["at_stake"], "uatom") > 0, "{v}");
    assert_eq!(amount_of(&svc["max_loss_now"], "uatom"), 0, "{v}");

    for bad in [
        "?service=1",
        "?fraction=0.1",
        "?service=1&fraction=2",
        "?service=1&fraction=0",
        "?service=1&fraction=x",
        "?service=0&fraction=0.1",
    ] {
        get_err(&server, &format!("{path}{bad}"), 400).await;
    }
    get_err(&server, &format!("{SL}/exposure/phx1nope"), 400).await;
    get_err(&server, &format!("{path}?service=9&fraction=0.1"), 404).await;

    no_rules_delay(&node);
    set_rules(&node, Duration(0));
    let v = get_ok(&server, &path).await;
    let svc = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_id"] == json!(1))
        .cloned()
        .unwrap();
    let max_now = amount_of(&svc["max_loss_now"], "uatom");
    assert!(max_now > 0, "{v}");
    assert!(max_now <= amount_of(&svc["at_stake"], "uatom") / 10, "{v}");

    let v = get_ok(&server, &format!("{path}?service=1&fraction=0.1")).await;
    let loss = amount_of(&v["loss_if_slashed"], "uatom");
    assert!(loss > 0 && loss <= max_now, "{v}");
    // The simulation ran on a scratch copy: nothing was slashed.
    let v = get_ok(&server, &format!("{SL}/slashes")).await;
    assert_eq!(v["slashes"], json!([]));

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_commission_changes() {
    let (node, server, f) = start().await;
    let path = format!("{SL}/operators/1/pending_commission");
    let v = get_ok(&server, &path).await;
    assert_eq!(v, json!({"pending_commission": null}));
    get_err(
        &server,
        &format!("{SL}/operators/99/pending_commission"),
        404,
    )
    .await;
    get_err(
        &server,
        &format!("{SL}/operators/0/pending_commission"),
        400,
    )
    .await;

    node.ok(vec![
        MsgSetOperatorParams {
            sender: addr("alice"),
            operator_id: f.op,
            params: OperatorParams {
                commission_rate: dec("0.05"),
            },
        }
        .into(),
    ]);
    let v = get_ok(&server, &path).await;
    let p = &v["pending_commission"];
    assert_eq!(
        p["params"]["commission_rate"],
        json!("0.050000000000000000"),
        "{v}"
    );
    assert!(p["effective_time"].is_string(), "{v}");

    server.shutdown().await.unwrap();
}
