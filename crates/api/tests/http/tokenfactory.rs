//! Token factory queries: params, denoms by creator (paged), authority metadata and denom metadata, with
//! their 400 and 404 answers.

use crate::support::*;
use phalanx_types::msgs::*;
use serde_json::json;

const TF: &str = "/phalanx/tokenfactory/v1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denoms_admins_and_metadata_are_served() {
    let (node, server, _) = start().await;
    let (alice, bob) = (addr("alice"), addr("bob"));
    let v = get_ok(&server, &format!("{TF}/params")).await;
    assert_eq!(v, json!({"params": {"denom_creation_fee": []}}));
    let v = get_ok(&server, &format!("{TF}/denoms_from_creator/{alice}")).await;
    assert_eq!(v, json!({"denoms": [], "pagination": {"next_key": null}}));

    let gold = factory_denom(&alice, "gold").unwrap();
    let silver = factory_denom(&alice, "silver").unwrap();
    let create = |subdenom: &str| -> Msg {
        MsgCreateDenom {
            sender: alice,
            subdenom: subdenom.into(),
            fee_amount: coins(""),
        }
        .into()
    };
    node.ok(vec![
        create("silver"),
        create("gold"),
        MsgSetDenomMetadata {
            sender: alice,
            metadata: DenomMetadata {
                description: String::new(),
                denom_units: vec![DenomUnit {
                    denom: gold.clone(),
                    exponent: 0,
                    aliases: vec![],
                }],
                base: gold.clone(),
                display: gold.clone(),
                name: "Gold".into(),
                symbol: "GLD".into(),
                uri: String::new(),
                uri_hash: String::new(),
            },
        }
        .into(),
        MsgChangeAdmin {
            sender: alice,
            denom: silver.clone(),
            new_admin: None,
        }
        .into(),
    ]);

    let v = get_ok(&server, &format!("{TF}/denoms_from_creator/{alice}")).await;
    assert_eq!(v["denoms"], json!([gold, silver]));
    let v = get_ok(
        &server,
        &format!("{TF}/denoms_from_creator/{alice}?pagination.limit=1"),
    )
    .await;
    assert_eq!(v["denoms"], json!([gold]));
    assert!(v["pagination"]["next_key"].is_string(), "{v}");
    let v = get_ok(&server, &format!("{TF}/denoms_from_creator/{bob}")).await;
    assert_eq!(v["denoms"], json!([]));

    let v = get_ok(&server, &format!("{TF}/authority_metadata/{gold}")).await;
    assert_eq!(
        v,
        json!({"authority_metadata": {"admin": alice.to_string()}})
    );
    let v = get_ok(&server, &format!("{TF}/authority_metadata/{silver}")).await;
    assert_eq!(v, json!({"authority_metadata": {"admin": null}}));
    let v = get_ok(&server, &format!("{TF}/denom_metadata/{gold}")).await;
    assert_eq!(v["metadata"]["symbol"], json!("GLD"));
    assert_eq!(v["metadata"]["base"], json!(gold));

    // Created but undescribed, never created, not a factory denom, bad creator.
    let e = get_err(&server, &format!("{TF}/denom_metadata/{silver}"), 404).await;
    assert!(
        e["message"].as_str().unwrap().contains("no metadata"),
        "{e}"
    );
    let ghost = factory_denom(&bob, "ghost").unwrap();
    let e = get_err(&server, &format!("{TF}/authority_metadata/{ghost}"), 404).await;
    assert_eq!(e["codespace"], json!("tokenfactory"));
    let e = get_err(&server, &format!("{TF}/authority_metadata/uatom"), 400).await;
    assert_eq!(e["codespace"], json!("tokenfactory"));
    get_err(&server, &format!("{TF}/denoms_from_creator/nope"), 400).await;
    server.shutdown().await.unwrap();
}
