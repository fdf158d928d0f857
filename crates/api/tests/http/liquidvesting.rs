//! Liquid vesting queries: params, a user's insurance fund and restaked locked tokens, and the burn
//! queue after a burn that forces an unbonding, with their 400 answers.

use crate::support::*;
use phalanx_types::msgs::*;
use serde_json::json;

const LV: &str = "/phalanx/liquidvesting/v1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn funds_restaked_locked_tokens_and_the_burn_queue_are_served() {
    let (node, server, _) = start().await;
    let (alice, bob, minter) = (addr("alice"), addr("bob"), addr("carol"));
    let params = LiquidVestingParams {
        minters: vec![minter],
        burners: vec![minter],
        ..LiquidVestingParams::default()
    };
    node.ok(vec![
        MsgUpdateLiquidVestingParams {
            authority: addr("authority"),
            params: params.clone(),
        }
        .into(),
    ]);
    let v = get_ok(&server, &format!("{LV}/params")).await;
    assert_eq!(
        v,
        json!({ "params": serde_json::to_value(&params).unwrap() })
    );
    let v = get_ok(&server, &format!("{LV}/insurance_funds/{alice}")).await;
    assert_eq!(v, json!({"balance": []}));

    node.ok(vec![
        MsgMintLockedRepresentation {
            sender: minter,
            receiver: alice,
            amount: coins("1000000uatom"),
        }
        .into(),
    ]);
    node.ok(vec![
        MsgDepositInsuranceFund {
            depositor: alice,
            amount: coins("20000uatom"),
        }
        .into(),
        MsgDelegatePool {
            delegator: alice,
            amount: coin("1000000locked/uatom"),
        }
        .into(),
    ]);
    let v = get_ok(&server, &format!("{LV}/insurance_funds/{alice}")).await;
    assert_eq!(
        v,
        json!({"balance": [{"denom": "uatom", "amount": "20000"}]})
    );
    let v = get_ok(&server, &format!("{LV}/restaked_locked/{alice}")).await;
    assert_eq!(
        v,
        json!({"restaked": [{"denom": "locked/uatom", "amount": "1000000"}]})
    );
    let v = get_ok(&server, &format!("{LV}/burn_queue")).await;
    assert_eq!(
        v,
        json!({"burn_queue": [], "pagination": {"next_key": null}})
    );

    // Alice holds nothing liquid: burning 400,000 force-unbonds them and queues their burn.
    node.ok(vec![
        MsgBurnLockedRepresentation {
            sender: minter,
            user: alice,
            amount: coins("400000locked/uatom"),
        }
        .into(),
    ]);
    let v = get_ok(&server, &format!("{LV}/burn_queue")).await;
    let queue = v["burn_queue"].as_array().unwrap();
    assert_eq!(queue.len(), 1, "{v}");
    assert_eq!(queue[0]["user"], json!(alice.to_string()));
    assert_eq!(
        queue[0]["amount"],
        json!([{"denom": "locked/uatom", "amount": "400000"}])
    );
    assert!(queue[0]["completion_time"].is_string(), "{v}");
    // The unbonding entry stays slashable, so it still counts as restaked.
    let v = get_ok(&server, &format!("{LV}/restaked_locked/{alice}")).await;
    assert_eq!(
        v,
        json!({"restaked": [{"denom": "locked/uatom", "amount": "1000000"}]})
    );
    let v = get_ok(&server, &format!("{LV}/restaked_locked/{bob}")).await;
    assert_eq!(v, json!({"restaked": []}));

    let e = get_err(&server, &format!("{LV}/insurance_funds/nope"), 400).await;
    assert!(e["message"].is_string(), "{e}");
    get_err(&server, &format!("{LV}/restaked_locked/nope"), 400).await;
    server.shutdown().await.unwrap();
}
