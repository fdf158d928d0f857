//! Rewards queries (spec §6.12): plans, outstanding rewards, commission, trusted shares, delegation
//! rewards and withdraw addresses over a chain where a plan has paid for a few blocks.

use crate::support::*;
use phalanx_types::Timestamp;
use phalanx_types::msgs::*;
use serde_json::{Value, json};

const RW: &str = "/phalanx/rewards/v1";

/// Bob (admin of service 1) creates plan 1 paying 8,640,000 uphx a day (500 per 5 s block) to every
/// category by USD value, funds it, and the chain runs a few blocks.
fn pay_rewards(node: &TestNode) {
    let bob = addr("bob");
    let basic = || Distribution {
        weight: 1,
        kind: DistributionType::Basic,
    };
    node.ok(vec![
        MsgCreateRewardsPlan {
            sender: bob,
            service_id: phalanx_types::ServiceId(1),
            terms: PlanTerms {
                description: "oracle rewards".into(),
                amount_per_day: coin("8640000uphx"),
                start_time: "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap(),
                end_time: "2027-01-01T00:00:00Z".parse::<Timestamp>().unwrap(),
                pools_distribution: basic(),
                operators_distribution: basic(),
                users_distribution: UsersDistribution { weight: 1 },
            },
            fee_amount: coins(""),
        }
        .into(),
        MsgFundRewardsPlan {
            sender: bob,
            plan_id: 1,
            amount: coin("1000000uphx"),
        }
        .into(),
    ]);
    for _ in 0..3 {
        node.produce_block(Vec::new());
    }
}

/// The uphx amount of a `DecPools` answer (`{restaked denom: [{denom, amount}]}`), summed over denoms.
fn uphx(pools: &Value) -> f64 {
    pools
        .as_object()
        .unwrap_or_else(|| panic!("not DecPools: {pools}"))
        .values()
        .flat_map(|coins| coins.as_array().unwrap().iter())
        .filter(|c| c["denom"] == "uphx")
        .map(|c| c["amount"].as_str().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_params_and_missing_plan() {
    let (node, server, _) = start().await;
    let v = get_ok(&server, &format!("{RW}/rewards_plans")).await;
    assert_eq!(
        v,
        json!({"rewards_plans": [], "pagination": {"next_key": null}})
    );
    pay_rewards(&node);

    let v = get_ok(&server, &format!("{RW}/params")).await;
    assert_eq!(v["params"]["rewards_plan_creation_fee"], json!([]));

    let v = get_ok(&server, &format!("{RW}/rewards_plans")).await;
    let plans = v["rewards_plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1, "{v}");
    assert_eq!(plans[0]["id"], json!(1));
    assert_eq!(plans[0]["service_id"], json!(1));
    assert_eq!(v["pagination"], json!({"next_key": null}));
    let v = get_ok(&server, &format!("{RW}/rewards_plans?pagination.limit=1")).await;
    assert_eq!(v["rewards_plans"].as_array().unwrap().len(), 1);

    let v = get_ok(&server, &format!("{RW}/rewards_plans/1")).await;
    assert_eq!(
        v["rewards_plan"]["terms"]["description"],
        json!("oracle rewards")
    );
    assert_eq!(
        v["rewards_plan"]["terms"]["amount_per_day"],
        json!({"denom": "uphx", "amount": "8640000"})
    );

    let e = get_err(&server, &format!("{RW}/rewards_plans/2"), 404).await;
    assert_eq!(
        (e["codespace"].as_str(), e["code"].as_u64()),
        (Some("rewards"), Some(1))
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("rewards plan 2 not found"),
        "{e}"
    );
    get_err(&server, &format!("{RW}/rewards_plans/0"), 400).await;
    get_err(&server, &format!("{RW}/rewards_plans/x"), 400).await;

    // A single record is provable like any other query.
    let v = get_ok(&server, &format!("{RW}/rewards_plans/1?prove=true")).await;
    assert!(!v["proof"]["entries"].as_array().unwrap().is_empty(), "{v}");

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outstanding_commission_and_shares() {
    let (node, server, _) = start().await;
    pay_rewards(&node);

    for kind in ["pools", "operators", "services"] {
        let v = get_ok(&server, &format!("{RW}/{kind}/1/outstanding_rewards")).await;
        assert!(uphx(&v["outstanding_rewards"]) > 0.0, "{kind}: {v}");
        get_err(&server, &format!("{RW}/{kind}/99/outstanding_rewards"), 404).await;
        get_err(&server, &format!("{RW}/{kind}/0/outstanding_rewards"), 400).await;
    }
    // Pool 2 (utia) secures no service: nothing owed.
    let v = get_ok(&server, &format!("{RW}/pools/2/outstanding_rewards")).await;
    assert_eq!(v, json!({"outstanding_rewards": {}}));

    // Operator 1 charges no commission.
    let v = get_ok(&server, &format!("{RW}/operators/1/commission")).await;
    assert_eq!(uphx(&v["commission"]), 0.0, "{v}");
    get_err(&server, &format!("{RW}/operators/9/commission"), 404).await;

    // Carol trusts service 1 with her 900 uatom of pool 1.
    let v = get_ok(
        &server,
        &format!("{RW}/pools/1/services/1/total_delegator_shares"),
    )
    .await;
    assert_eq!(v["total_delegator_shares"], json!("900.000000000000000000"));
    let v = get_ok(
        &server,
        &format!("{RW}/pools/2/services/1/total_delegator_shares"),
    )
    .await;
    assert_eq!(v["total_delegator_shares"], json!("0.000000000000000000"));
    get_err(
        &server,
        &format!("{RW}/pools/1/services/5/total_delegator_shares"),
        404,
    )
    .await;

    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delegation_rewards_and_withdraw_address() {
    let (node, server, _) = start().await;
    pay_rewards(&node);
    let carol = addr("carol").to_string();
    let alice = addr("alice").to_string();

    let total = get_ok(&server, &format!("{RW}/delegators/{carol}/rewards")).await;
    let per_delegation = total["rewards"].as_array().unwrap();
    // Pool 1, pool 2, operator 1, service 1.
    assert_eq!(per_delegation.len(), 4, "{total}");
    assert!(total["total"].is_array(), "{total}");
    assert!(total["owed"].is_array(), "{total}");
    assert!(total["withdrawable"].is_array(), "{total}");
    let mut sum = 0.0;
    for (kind, path) in [
        ("pool", "pools"),
        ("operator", "operators"),
        ("service", "services"),
    ] {
        let v = get_ok(
            &server,
            &format!("{RW}/delegators/{carol}/rewards/{path}/1"),
        )
        .await;
        let mine = uphx(&v["rewards"]);
        assert!(mine > 0.0, "{path}: {v}");
        let listed = per_delegation
            .iter()
            .find(|r| r["delegation_type"] == kind && r["target_id"] == 1)
            .unwrap_or_else(|| panic!("{kind} 1 missing from {total}"));
        assert_eq!(listed["rewards"], v["rewards"], "{kind}");
        sum += mine;
        get_err(
            &server,
            &format!("{RW}/delegators/{carol}/rewards/{path}/99"),
            404,
        )
        .await;
    }
    let total_uphx: f64 = total["total"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["denom"] == "uphx")
        .map(|c| c["amount"].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((total_uphx - sum).abs() < 1e-6, "{total_uphx} vs {sum}");

    // No delegation there: nothing pending, not an error.
    let v = get_ok(&server, &format!("{RW}/delegators/{alice}/rewards/pools/1")).await;
    assert_eq!(v, json!({"rewards": {}}));
    get_err(
        &server,
        &format!("{RW}/delegators/not-an-address/rewards"),
        400,
    )
    .await;

    let v = get_ok(
        &server,
        &format!("{RW}/delegators/{carol}/withdraw_address"),
    )
    .await;
    assert_eq!(v, json!({"withdraw_address": carol}));
    node.ok(vec![
        MsgSetWithdrawAddress {
            sender: addr("carol"),
            withdraw_address: addr("dave"),
        }
        .into(),
    ]);
    let v = get_ok(
        &server,
        &format!("{RW}/delegators/{carol}/withdraw_address"),
    )
    .await;
    assert_eq!(v["withdraw_address"], json!(addr("dave").to_string()));

    server.shutdown().await.unwrap();
}
