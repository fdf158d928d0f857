//! The validators queries: the set with its epoch schedule, params, and evidence (all and per validator).

use crate::support::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validator_set_params_and_evidence() {
    let (_node, server, _) = start().await;
    let set = get_ok(&server, "/phalanx/validators/v1/validators").await;
    assert_eq!(set["epoch"], json!(0));
    assert_eq!(set["epoch_length"], json!(100));
    assert_eq!(set["boundary_height"], json!(99));
    assert_eq!(set["next_epoch_height"], json!(100));
    assert_eq!(set["active"][0]["public_key"], json!(VALIDATOR_KEY));
    assert_eq!(set["active"], set["roster"]);
    assert_eq!(set["pending"], json!(null));
    assert_eq!(set["jailed"], json!([]));
    let params = get_ok(&server, "/phalanx/validators/v1/params").await;
    assert_eq!(params["params"]["equivocation"], json!("jail"));
    assert_eq!(params["params"]["max_validators"], json!(100));
    let all = get_ok(&server, "/phalanx/validators/v1/evidence").await;
    assert_eq!(all["evidence"], json!([]));
    let one = get_ok(
        &server,
        &format!("/phalanx/validators/v1/evidence/{VALIDATOR_KEY}"),
    )
    .await;
    assert_eq!(one["evidence"], json!([]));
    let bad = get_err(&server, "/phalanx/validators/v1/evidence/zz", 400).await;
    assert!(bad.to_string().contains("64 lowercase hex"), "{bad}");
    server.shutdown().await.unwrap();
}
