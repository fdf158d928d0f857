//! Operators end to end: registration (and its fee), metadata, the ACTIVE → INACTIVATING → INACTIVE
//! lifecycle, reactivation, deletion, own params, ownership transfer, module params and queries.

use crate::harness::*;
use phalanx_app::{MsgResponse, TxResult};
use phalanx_protocol::operators::{self, Operator, OperatorStatus};
use phalanx_protocol::restaking::{self, TargetRef};
use phalanx_protocol::store::PageRequest;
use phalanx_protocol::{bank, pools, services};
use phalanx_types::msgs::*;
use phalanx_types::{
    Coin, Dec, DecCoins, Duration, Event, OperatorId, PoolId, ServiceId, Timestamp,
};

const DEACTIVATION: Duration = Duration::from_hours(72);

fn register_msg(who: &str, moniker: &str, fee: &str) -> MsgRegisterOperator {
    MsgRegisterOperator {
        sender: addr(who),
        moniker: moniker.into(),
        website: format!("https://{moniker}.example"),
        picture_url: String::new(),
        fee_amount: coins(fee),
    }
}

fn register(chain: &mut Chain, who: &str, moniker: &str) -> OperatorId {
    match chain.ok(register_msg(who, moniker, "")) {
        MsgResponse::NewOperatorId(id) => id,
        other => panic!("unexpected response {other:?}"),
    }
}

/// Executes `msg` in a transaction of its own signer and returns the (successful) result with events.
fn exec(chain: &mut Chain, msg: impl Into<Msg>) -> TxResult {
    let msg = msg.into();
    let r = chain.tx(msg.signer(), vec![msg.clone()]);
    assert!(r.is_ok(), "{} failed: {}", msg.type_url(), r.log);
    r
}

fn event<'a>(events: &'a [Event], kind: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
}

fn op(chain: &Chain, id: OperatorId) -> Operator {
    operators::operator(&chain.state, id)
        .expect("readable")
        .expect("operator exists")
}

fn status(chain: &Chain, id: OperatorId) -> OperatorStatus {
    op(chain, id).status
}

fn commission(chain: &Chain, id: OperatorId) -> Dec {
    operators::operator_params(&chain.state, id)
        .expect("operator exists")
        .commission_rate
}

fn dec(s: &str) -> Dec {
    s.parse().expect("valid decimal")
}

fn deactivate(id: OperatorId, who: &str) -> MsgDeactivateOperator {
    MsgDeactivateOperator {
        sender: addr(who),
        operator_id: id,
    }
}

fn reactivate(id: OperatorId, who: &str) -> MsgReactivateOperator {
    MsgReactivateOperator {
        sender: addr(who),
        operator_id: id,
    }
}

fn delete(id: OperatorId, who: &str) -> MsgDeleteOperator {
    MsgDeleteOperator {
        sender: addr(who),
        operator_id: id,
    }
}

fn set_commission(id: OperatorId, who: &str, rate: &str) -> MsgSetOperatorParams {
    MsgSetOperatorParams {
        sender: addr(who),
        operator_id: id,
        params: OperatorParams {
            commission_rate: dec(rate),
        },
    }
}

fn delegate(id: OperatorId, who: &str, amount: &str) -> MsgDelegateOperator {
    MsgDelegateOperator {
        delegator: addr(who),
        operator_id: id,
        amount: coins(amount),
    }
}

fn undelegate(id: OperatorId, who: &str, amount: &str) -> MsgUndelegateOperator {
    MsgUndelegateOperator {
        delegator: addr(who),
        operator_id: id,
        amount: coins(amount),
    }
}

fn update_params(fee: &str, deactivation_time: Duration) -> MsgUpdateOperatorsParams {
    MsgUpdateOperatorsParams {
        authority: authority(),
        params: OperatorsParams {
            operator_registration_fee: coins(fee),
            deactivation_time,
        },
    }
}

/// Deactivates `id` and runs blocks until its inactivation has completed.
fn make_inactive(chain: &mut Chain, id: OperatorId, admin: &str) {
    chain.ok(deactivate(id, admin));
    chain.advance(DEACTIVATION);
    assert_eq!(status(chain, id), OperatorStatus::Inactive);
}

fn ids(list: &[Operator]) -> Vec<u32> {
    list.iter().map(|o| o.id.0).collect()
}

#[test]
fn register_operator_stores_an_active_operator_and_emits_its_id() {
    let mut chain = Chain::new();
    let r = exec(&mut chain, register_msg("alice", "alice-op", ""));
    assert_eq!(r.responses, vec![MsgResponse::NewOperatorId(OperatorId(1))]);
    let e = event(&r.events, "register_operator");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));

    let o = op(&chain, OperatorId(1));
    assert_eq!(o.id, OperatorId(1));
    assert_eq!(o.status, OperatorStatus::Active);
    assert_eq!(o.admin, addr("alice"));
    assert_eq!(o.moniker, "alice-op");
    assert_eq!(o.website, "https://alice-op.example");
    assert_eq!(o.picture_url, "");
    assert_eq!(o.address, operators::custody_address(OperatorId(1)));
    assert!(o.tokens.is_empty());
    assert!(o.delegator_shares.is_empty());
    assert_eq!(commission(&chain, OperatorId(1)), Dec::ZERO);

    // Ids are sequential, one admin may own several operators, and without a fee param nothing is
    // charged even if a fee is offered.
    let before = chain.balance(&addr("alice"), "uphx");
    let r = chain.ok(register_msg("alice", "alice-op-2", "100uphx"));
    assert_eq!(r, MsgResponse::NewOperatorId(OperatorId(2)));
    assert_eq!(chain.balance(&addr("alice"), "uphx"), before);
    assert_eq!(chain.balance(&bank::community_pool(), "uphx"), 0);
    assert_eq!(op(&chain, OperatorId(2)).admin, addr("alice"));
    chain.check_invariants();
}

#[test]
fn register_operator_rejects_blank_or_oversized_text() {
    let mut chain = Chain::new();
    for moniker in ["", "   ", "\t\n"] {
        let r = chain.err(register_msg("alice", moniker, ""));
        assert_code(&r, "sdk", 18);
    }
    let mut long_moniker = register_msg("alice", "x", "");
    long_moniker.moniker = "m".repeat(MAX_TEXT_LEN + 1);
    assert_code(&chain.err(long_moniker), "sdk", 18);
    let mut long_site = register_msg("alice", "ok", "");
    long_site.website = "w".repeat(MAX_TEXT_LEN + 1);
    assert_code(&chain.err(long_site), "sdk", 18);
    let mut long_picture = register_msg("alice", "ok", "");
    long_picture.picture_url = "p".repeat(MAX_TEXT_LEN + 1);
    assert_code(&chain.err(long_picture), "sdk", 18);
    // Exactly the maximum is fine, and no id was consumed by the failures.
    let mut max = register_msg("alice", "ok", "");
    max.moniker = "m".repeat(MAX_TEXT_LEN);
    assert_eq!(chain.ok(max), MsgResponse::NewOperatorId(OperatorId(1)));
}

#[test]
fn register_operator_signed_by_someone_else_is_rejected() {
    let mut chain = Chain::new();
    let r = chain.err_as(addr("bob"), register_msg("alice", "alice-op", ""));
    assert_code(&r, "sdk", 4);
    assert!(
        operators::operator(&chain.state, OperatorId(1))
            .unwrap()
            .is_none()
    );
}

#[test]
fn registration_fee_is_charged_in_full_to_the_community_pool() {
    let mut chain = Chain::new();
    let pool = bank::community_pool();

    // Only the authority may set the fee.
    let mut not_authority = update_params("100uphx,5utia", DEACTIVATION);
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(
        &chain.err_as(addr("alice"), update_params("100uphx,5utia", DEACTIVATION)),
        "sdk",
        4,
    );
    let r = exec(&mut chain, update_params("100uphx,5utia", DEACTIVATION));
    assert_eq!(
        event(&r.events, "update_params").get("module"),
        Some("operators")
    );
    assert_eq!(
        operators::params(&chain.state).unwrap(),
        OperatorsParams {
            operator_registration_fee: coins("100uphx,5utia"),
            deactivation_time: DEACTIVATION,
        }
    );

    // An offer that covers none of the fee coins in full is refused.
    for offer in ["", "99uphx", "4utia,99uphx", "1000uatom"] {
        let r = chain.err(register_msg("alice", "alice-op", offer));
        assert_code(&r, "operators", 8);
    }
    // An offer the sender cannot pay is refused by the bank, leaving nothing behind.
    let r = chain.err(register_msg(
        "alice",
        "alice-op",
        &format!("{}uphx", FUNDS + 1),
    ));
    assert_code(&r, "bank", 1);

    // Covering one coin suffices, and the whole offer (extra coins included) goes to the pool.
    let alice_phx = chain.balance(&addr("alice"), "uphx");
    let alice_atom = chain.balance(&addr("alice"), "uatom");
    let r = exec(
        &mut chain,
        register_msg("alice", "alice-op", "100uphx,7uatom"),
    );
    assert_eq!(r.responses, vec![MsgResponse::NewOperatorId(OperatorId(1))]);
    let transfer = event(&r.events, "transfer");
    assert_eq!(transfer.get("recipient"), Some(pool.to_string().as_str()));
    assert_eq!(transfer.get("amount"), Some("7uatom,100uphx"));
    assert_eq!(chain.balance(&addr("alice"), "uphx"), alice_phx - 100);
    assert_eq!(chain.balance(&addr("alice"), "uatom"), alice_atom - 7);
    assert_eq!(chain.balance(&pool, "uphx"), 100);
    assert_eq!(chain.balance(&pool, "uatom"), 7);

    // The other fee coin alone suffices too; overpaying is not refunded.
    chain.ok(register_msg("bob", "bob-op", "6utia"));
    assert_eq!(chain.balance(&pool, "utia"), 6);
    assert_eq!(chain.balance(&addr("bob"), "utia"), FUNDS - 6);
    chain.check_invariants();
}

#[test]
fn update_operators_params_rejects_a_zero_deactivation_time() {
    let mut chain = Chain::new();
    let r = chain.err(update_params("", Duration(0)));
    assert_code(&r, "operators", 3);
    assert_eq!(
        operators::params(&chain.state).unwrap(),
        OperatorsParams::default()
    );
    assert_eq!(OperatorsParams::default().deactivation_time, DEACTIVATION);
    // A shorter positive time is used by the next deactivation.
    chain.ok(update_params("", Duration::from_secs(60)));
    let id = register(&mut chain, "alice", "alice-op");
    let r = exec(&mut chain, deactivate(id, "alice"));
    let done = Timestamp(chain.time.0 + Duration::from_secs(60).0);
    assert_eq!(
        event(&r.events, "start_operator_inactivation").get("completion_time"),
        Some(done.to_string().as_str())
    );
    chain.advance(Duration::from_secs(60));
    assert_eq!(status(&chain, id), OperatorStatus::Inactive);
}

#[test]
fn update_operator_changes_only_the_given_fields() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    let r = exec(
        &mut chain,
        MsgUpdateOperator {
            sender: addr("alice"),
            operator_id: id,
            moniker: Some("renamed".into()),
            website: None,
            picture_url: Some("https://pic.example/a.png".into()),
        },
    );
    let e = event(&r.events, "update_operator");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    let o = op(&chain, id);
    assert_eq!(o.moniker, "renamed");
    assert_eq!(o.website, "https://alice-op.example");
    assert_eq!(o.picture_url, "https://pic.example/a.png");
    assert_eq!(o.status, OperatorStatus::Active);
    assert_eq!(o.admin, addr("alice"));

    // Clearing an optional field is allowed; clearing the moniker is not.
    chain.ok(MsgUpdateOperator {
        sender: addr("alice"),
        operator_id: id,
        moniker: None,
        website: Some(String::new()),
        picture_url: None,
    });
    assert_eq!(op(&chain, id).website, "");
    let update = |sender: &str, operator_id: u32, moniker: &str| MsgUpdateOperator {
        sender: addr(sender),
        operator_id: OperatorId(operator_id),
        moniker: Some(moniker.into()),
        website: None,
        picture_url: None,
    };
    assert_code(&chain.err(update("alice", 1, "  ")), "sdk", 18);
    assert_code(
        &chain.err(update("alice", 1, &"m".repeat(MAX_TEXT_LEN + 1))),
        "sdk",
        18,
    );
    assert_code(&chain.err(update("bob", 1, "hijacked")), "sdk", 4);
    assert_code(
        &chain.err_as(addr("bob"), update("alice", 1, "hijacked")),
        "sdk",
        4,
    );
    assert_code(&chain.err(update("alice", 7, "ghost")), "operators", 100);
    assert_code(&chain.err(update("alice", 0, "zero")), "sdk", 18);
    assert_eq!(op(&chain, id).moniker, "renamed");
}

#[test]
fn operator_lifecycle_deactivate_complete_reactivate_delete() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    let other = register(&mut chain, "bob", "bob-op");

    // Deactivation starts the inactivation and schedules its completion.
    let r = exec(&mut chain, deactivate(id, "alice"));
    let started = chain.time;
    let done = Timestamp(started.0 + DEACTIVATION.0);
    let e = event(&r.events, "start_operator_inactivation");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    assert_eq!(e.get("completion_time"), Some(done.to_string().as_str()));
    assert_eq!(status(&chain, id), OperatorStatus::Inactivating);
    assert_eq!(
        operators::export_genesis(&chain.state)
            .unwrap()
            .inactivating_operators,
        vec![operators::InactivatingOperator {
            operator_id: id,
            completion_time: done,
        }]
    );

    // While INACTIVATING: no second deactivation, no reactivation, no deletion, no new stake.
    assert_code(&chain.err(deactivate(id, "alice")), "operators", 4);
    assert_code(&chain.err(reactivate(id, "alice")), "operators", 6);
    assert_code(&chain.err(delete(id, "alice")), "operators", 6);
    assert_code(&chain.err(delegate(id, "bob", "10uatom")), "operators", 4);

    // One nanosecond before the completion time it is still INACTIVATING ...
    let r = chain.block_after(Duration(done.0 - chain.time.0 - 1), Vec::new());
    assert!(r.begin_events.is_empty(), "{:?}", r.begin_events);
    assert_eq!(status(&chain, id), OperatorStatus::Inactivating);
    // ... and exactly at it, INACTIVE.
    let r = chain.block_after(Duration(1), Vec::new());
    assert_eq!(chain.time, done);
    assert_eq!(r.begin_events.len(), 1);
    assert_eq!(
        event(&r.begin_events, "complete_operator_inactivation").get("operator_id"),
        Some("1")
    );
    assert_eq!(status(&chain, id), OperatorStatus::Inactive);
    assert!(
        operators::export_genesis(&chain.state)
            .unwrap()
            .inactivating_operators
            .is_empty()
    );
    // The other operator was never touched.
    assert_eq!(status(&chain, other), OperatorStatus::Active);

    // INACTIVE: cannot be deactivated again or take stake; can be reactivated.
    assert_code(&chain.err(deactivate(id, "alice")), "operators", 4);
    assert_code(&chain.err(delegate(id, "bob", "10uatom")), "operators", 4);
    let r = exec(&mut chain, reactivate(id, "alice"));
    let e = event(&r.events, "reactivate_operator");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    assert_eq!(status(&chain, id), OperatorStatus::Active);
    assert_code(&chain.err(reactivate(id, "alice")), "operators", 6);
    assert_code(&chain.err(delete(id, "alice")), "operators", 6);
    chain.ok(delegate(id, "bob", "10uatom"));
    chain.ok(undelegate(id, "bob", "10uatom"));
    chain.advance(Duration::from_hours(72));

    // A second round ends in deletion.
    chain.ok(set_commission(id, "alice", "0.1"));
    make_inactive(&mut chain, id, "alice");
    let r = exec(&mut chain, delete(id, "alice"));
    let e = event(&r.events, "delete_operator");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    assert!(operators::operator(&chain.state, id).unwrap().is_none());
    let gone = operators::operator_params(&chain.state, id).unwrap_err();
    assert_eq!(
        (gone.code().codespace, gone.code().code),
        ("operators", 100)
    );
    assert!(
        operators::export_genesis(&chain.state)
            .unwrap()
            .operators_params
            .is_empty()
    );
    let (list, _) = operators::operators(&chain.state, &PageRequest::default()).unwrap();
    assert_eq!(ids(&list), vec![2]);

    // Everything about a deleted operator is now "not found"; its id is never reused.
    assert_code(&chain.err(delete(id, "alice")), "operators", 100);
    assert_code(&chain.err(reactivate(id, "alice")), "operators", 100);
    assert_code(&chain.err(deactivate(id, "alice")), "operators", 100);
    assert_code(&chain.err(delegate(id, "bob", "1uatom")), "operators", 100);
    assert_eq!(register(&mut chain, "alice", "again"), OperatorId(3));
    chain.check_invariants();
}

#[test]
fn inactivations_due_in_the_same_block_all_complete() {
    let mut chain = Chain::new();
    let a = register(&mut chain, "alice", "a");
    let b = register(&mut chain, "bob", "b");
    let c = register(&mut chain, "carol", "c");
    // a and b deactivate in one block (same completion time); c one block later.
    let r = chain.block_after(
        Duration::from_secs(BLOCK_SECS),
        vec![
            phalanx_app::Tx {
                sender: addr("alice"),
                msgs: vec![deactivate(a, "alice").into()],
            },
            phalanx_app::Tx {
                sender: addr("bob"),
                msgs: vec![deactivate(b, "bob").into()],
            },
        ],
    );
    assert!(r.tx_results.iter().all(TxResult::is_ok));
    chain.ok(deactivate(c, "carol"));
    let r = chain.block_after(
        Duration(DEACTIVATION.0 - Duration::from_secs(BLOCK_SECS).0),
        Vec::new(),
    );
    let completed: Vec<_> = r
        .begin_events
        .iter()
        .map(|e| e.get("operator_id").unwrap().to_string())
        .collect();
    assert_eq!(completed, vec!["1", "2"]);
    assert_eq!(status(&chain, c), OperatorStatus::Inactivating);
    let r = chain.block_after(Duration::from_secs(BLOCK_SECS), Vec::new());
    assert_eq!(r.begin_events.len(), 1);
    for id in [a, b, c] {
        assert_eq!(status(&chain, id), OperatorStatus::Inactive);
    }
}

#[test]
fn lifecycle_and_params_messages_require_the_admin_and_an_existing_operator() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    let transfer = |sender: &str, operator_id: OperatorId| MsgTransferOperatorOwnership {
        sender: addr(sender),
        operator_id,
        new_admin: addr("bob"),
    };

    // Not the admin.
    assert_code(&chain.err(deactivate(id, "bob")), "sdk", 4);
    assert_code(&chain.err(set_commission(id, "bob", "0.5")), "sdk", 4);
    assert_code(&chain.err(transfer("bob", id)), "sdk", 4);
    // Signed by the admin's message but sent by someone else.
    assert_code(
        &chain.err_as(addr("bob"), deactivate(id, "alice")),
        "sdk",
        4,
    );
    assert_code(
        &chain.err_as(addr("bob"), set_commission(id, "alice", "0.5")),
        "sdk",
        4,
    );
    assert_code(&chain.err_as(addr("bob"), transfer("alice", id)), "sdk", 4);
    make_inactive(&mut chain, id, "alice");
    assert_code(&chain.err(reactivate(id, "bob")), "sdk", 4);
    assert_code(&chain.err(delete(id, "bob")), "sdk", 4);
    assert_code(
        &chain.err_as(addr("bob"), reactivate(id, "alice")),
        "sdk",
        4,
    );
    assert_code(&chain.err_as(addr("bob"), delete(id, "alice")), "sdk", 4);

    // Missing operator.
    let ghost = OperatorId(42);
    assert_code(&chain.err(deactivate(ghost, "alice")), "operators", 100);
    assert_code(&chain.err(reactivate(ghost, "alice")), "operators", 100);
    assert_code(&chain.err(delete(ghost, "alice")), "operators", 100);
    assert_code(
        &chain.err(set_commission(ghost, "alice", "0.5")),
        "operators",
        100,
    );
    assert_code(&chain.err(transfer("alice", ghost)), "operators", 100);

    // Id zero is refused before state is read.
    let zero = OperatorId(0);
    assert_code(&chain.err(deactivate(zero, "alice")), "sdk", 18);
    assert_code(&chain.err(reactivate(zero, "alice")), "sdk", 18);
    assert_code(&chain.err(delete(zero, "alice")), "sdk", 18);
    assert_code(&chain.err(set_commission(zero, "alice", "0.5")), "sdk", 18);
    assert_code(&chain.err(transfer("alice", zero)), "sdk", 18);

    assert_eq!(status(&chain, id), OperatorStatus::Inactive);
    assert_eq!(op(&chain, id).admin, addr("alice"));
}

#[test]
fn deleting_an_operator_with_stake_fails_until_the_stake_is_gone() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    chain.ok(delegate(id, "bob", "1000uatom,50utia"));
    make_inactive(&mut chain, id, "alice");

    // A live delegation blocks deletion.
    assert_code(&chain.err(delete(id, "alice")), "operators", 7);
    // Undelegating is allowed from an INACTIVE operator; the pending unbonding still blocks deletion.
    chain.ok(undelegate(id, "bob", "1000uatom,50utia"));
    assert!(op(&chain, id).delegator_shares.is_empty());
    assert!(restaking::has_unbondings(&chain.state, TargetRef::operator(id)).unwrap());
    assert_code(&chain.err(delete(id, "alice")), "operators", 7);

    // Once the unbonding has paid out, the operator can go.
    let before = chain.balance(&addr("bob"), "uatom");
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&addr("bob"), "uatom"), before + 1000);
    assert_eq!(chain.balance(&addr("bob"), "utia"), FUNDS);
    assert!(!restaking::has_unbondings(&chain.state, TargetRef::operator(id)).unwrap());
    chain.ok(delete(id, "alice"));
    assert!(operators::operator(&chain.state, id).unwrap().is_none());
    chain.check_invariants();
}

#[test]
fn deleting_an_operator_leaves_the_services_it_joined() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    let svc = match chain.ok(MsgCreateService {
        sender: addr("carol"),
        name: "svc".into(),
        description: String::new(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: coins(""),
    }) {
        MsgResponse::NewServiceId(s) => s,
        other => panic!("unexpected response {other:?}"),
    };
    chain.ok(MsgActivateService {
        sender: addr("carol"),
        service_id: svc,
    });
    chain.ok(MsgJoinService {
        sender: addr("alice"),
        operator_id: id,
        service_id: svc,
    });
    assert_eq!(
        restaking::all_joined_services(&chain.state, id).unwrap(),
        vec![svc]
    );
    make_inactive(&mut chain, id, "alice");
    chain.ok(delete(id, "alice"));
    assert!(
        restaking::all_joined_services(&chain.state, id)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        services::service(&chain.state, ServiceId(svc.0))
            .unwrap()
            .unwrap()
            .status,
        services::ServiceStatus::Active
    );
    chain.check_invariants();
}

#[test]
fn set_operator_params_validates_commission_and_works_in_any_status() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    // Above one is refused before state is read.
    let r = chain.err(set_commission(id, "alice", "1.000000000000000001"));
    assert_code(&r, "operators", 5);
    assert_code(&chain.err(set_commission(id, "alice", "2")), "operators", 5);
    assert_eq!(commission(&chain, id), Dec::ZERO);

    let r = exec(&mut chain, set_commission(id, "alice", "0.05"));
    let e = event(&r.events, "set_operator_params");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    assert_eq!(commission(&chain, id), dec("0.05"));
    // The bounds themselves are valid.
    chain.ok(set_commission(id, "alice", "1"));
    assert_eq!(commission(&chain, id), Dec::ONE);
    chain.ok(set_commission(id, "alice", "0"));
    assert_eq!(commission(&chain, id), Dec::ZERO);

    // INACTIVATING and INACTIVE operators may change their params too.
    chain.ok(deactivate(id, "alice"));
    chain.ok(set_commission(id, "alice", "0.2"));
    assert_eq!(commission(&chain, id), dec("0.2"));
    chain.advance(DEACTIVATION);
    assert_eq!(status(&chain, id), OperatorStatus::Inactive);
    chain.ok(set_commission(id, "alice", "0.3"));
    assert_eq!(commission(&chain, id), dec("0.3"));
}

#[test]
fn transfer_operator_ownership_hands_over_admin_rights() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    let r = exec(
        &mut chain,
        MsgTransferOperatorOwnership {
            sender: addr("alice"),
            operator_id: id,
            new_admin: addr("bob"),
        },
    );
    let e = event(&r.events, "transfer_operator_ownership");
    assert_eq!(e.get("operator_id"), Some("1"));
    assert_eq!(e.get("new_admin"), Some(addr("bob").to_string().as_str()));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    assert_eq!(op(&chain, id).admin, addr("bob"));

    // The old admin lost every right; the new one has them all.
    assert_code(&chain.err(set_commission(id, "alice", "0.1")), "sdk", 4);
    assert_code(&chain.err(deactivate(id, "alice")), "sdk", 4);
    assert_code(
        &chain.err(MsgTransferOperatorOwnership {
            sender: addr("alice"),
            operator_id: id,
            new_admin: addr("alice"),
        }),
        "sdk",
        4,
    );
    chain.ok(set_commission(id, "bob", "0.1"));
    chain.ok(MsgUpdateOperator {
        sender: addr("bob"),
        operator_id: id,
        moniker: Some("bob-now".into()),
        website: None,
        picture_url: None,
    });
    make_inactive(&mut chain, id, "bob");
    chain.ok(delete(id, "bob"));
}

#[test]
fn operators_query_paginates_in_id_order() {
    let mut chain = Chain::new();
    for i in 1..=5u32 {
        assert_eq!(
            register(&mut chain, "alice", &format!("op-{i}")),
            OperatorId(i)
        );
    }
    let mut page = PageRequest {
        key: None,
        limit: Some(2),
    };
    let mut pages = Vec::new();
    loop {
        let (list, next) = operators::operators(&chain.state, &page).unwrap();
        assert!(list.len() <= 2);
        pages.push(ids(&list));
        match next.next_key {
            Some(k) => page.key = Some(k),
            None => break,
        }
    }
    assert_eq!(pages, vec![vec![1, 2], vec![3, 4], vec![5]]);

    // Default page holds everything; a page ending exactly on the last item has no next key.
    let (all, next) = operators::operators(&chain.state, &PageRequest::default()).unwrap();
    assert_eq!(ids(&all), vec![1, 2, 3, 4, 5]);
    assert_eq!(next.next_key, None);
    let (exact, next) = operators::operators(
        &chain.state,
        &PageRequest {
            key: None,
            limit: Some(5),
        },
    )
    .unwrap();
    assert_eq!(exact.len(), 5);
    assert_eq!(next.next_key, None);
    assert_eq!(
        operators::all_operators(&chain.state).unwrap(),
        all,
        "all_operators agrees with the paginated query"
    );
    assert!(
        operators::operator(&chain.state, OperatorId(6))
            .unwrap()
            .is_none()
    );
}

#[test]
fn operator_params_query_defaults_and_not_found() {
    let mut chain = Chain::new();
    let err = operators::operator_params(&chain.state, OperatorId(1)).unwrap_err();
    assert_eq!((err.code().codespace, err.code().code), ("operators", 100));
    let id = register(&mut chain, "alice", "alice-op");
    assert_eq!(
        operators::operator_params(&chain.state, id).unwrap(),
        OperatorParams::default()
    );
    assert_eq!(commission(&chain, id), Dec::ZERO);
    assert_eq!(
        operators::params(&chain.state).unwrap(),
        OperatorsParams::default()
    );
    let must = operators::must_operator(&chain.state, OperatorId(2)).unwrap_err();
    assert_eq!(
        (must.code().codespace, must.code().code),
        ("operators", 100)
    );
}

#[test]
fn q1_update_operator_keeps_stake() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    chain.ok(delegate(id, "bob", "1000uatom,20ubtc"));
    let before = op(&chain, id);
    assert_eq!(before.tokens, coins("1000uatom,20ubtc"));
    assert_eq!(
        before.delegator_shares,
        DecCoins::from_coins(&coins("1000uatom,20ubtc"))
    );

    chain.ok(MsgUpdateOperator {
        sender: addr("alice"),
        operator_id: id,
        moniker: Some("renamed".into()),
        website: Some("https://new.example".into()),
        picture_url: Some("https://new.example/p.png".into()),
    });
    let after = op(&chain, id);
    assert_eq!(after.moniker, "renamed");
    assert_eq!(after.tokens, before.tokens);
    assert_eq!(after.delegator_shares, before.delegator_shares);
    assert_eq!(after.address, before.address);
    assert_eq!(after.status, before.status);
    let d = restaking::target_delegation(&chain.state, TargetRef::operator(id), &addr("bob"))
        .unwrap()
        .expect("delegation kept");
    assert_eq!(d.balance, coins("1000uatom,20ubtc"));

    // A later delegation gets shares at the unchanged 1:1 rate, and undelegation works.
    let r = chain.ok(delegate(id, "carol", "500uatom"));
    assert_eq!(
        r,
        MsgResponse::NewShares(DecCoins::from_coins(&coins("500uatom")))
    );
    chain.ok(undelegate(id, "bob", "1000uatom,20ubtc"));
    assert_eq!(op(&chain, id).tokens, coins("500uatom"));
    let before_atom = chain.balance(&addr("bob"), "uatom");
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&addr("bob"), "uatom"), before_atom + 1000);
    assert_eq!(chain.balance(&addr("bob"), "ubtc"), FUNDS);
    chain.check_invariants();
}

#[test]
fn q15_reactivated_operator_keeps_commission() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    chain.ok(set_commission(id, "alice", "0.1"));
    chain.ok(deactivate(id, "alice"));
    let r = chain.block_after(DEACTIVATION, Vec::new());
    assert_eq!(
        event(&r.begin_events, "complete_operator_inactivation").get("operator_id"),
        Some("1")
    );
    assert_eq!(status(&chain, id), OperatorStatus::Inactive);
    // Completing the inactivation kept the params ...
    assert_eq!(commission(&chain, id), dec("0.1"));
    assert_eq!(
        operators::export_genesis(&chain.state)
            .unwrap()
            .operators_params,
        vec![operators::OperatorParamsRecord {
            operator_id: id,
            params: OperatorParams {
                commission_rate: dec("0.1"),
            },
        }]
    );
    // ... and so does reactivation.
    chain.ok(reactivate(id, "alice"));
    assert_eq!(status(&chain, id), OperatorStatus::Active);
    assert_eq!(commission(&chain, id), dec("0.1"));
}

#[test]
fn q19_export_does_not_advance_id_sequences() {
    let mut chain = Chain::new();
    register(&mut chain, "alice", "a");
    register(&mut chain, "bob", "b");
    chain.ok(MsgCreateService {
        sender: addr("carol"),
        name: "svc".into(),
        description: String::new(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: coins(""),
    });
    chain.ok(MsgDelegatePool {
        delegator: addr("dave"),
        amount: Coin::new("uatom", 10),
    });

    let state_before = chain.state.clone();
    let first = phalanx_app::export_genesis(&chain.state).unwrap();
    let second = phalanx_app::export_genesis(&chain.state).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.to_json().unwrap(), second.to_json().unwrap());
    assert!(chain.state == state_before, "export must not write state");
    assert_eq!(first.operators.next_operator_id, OperatorId(3));
    assert_eq!(first.services.next_service_id, ServiceId(2));
    assert_eq!(first.pools.next_pool_id, PoolId(2));

    // The next ids handed out are exactly the exported ones.
    assert_eq!(register(&mut chain, "carol", "c"), OperatorId(3));
    let r = chain.ok(MsgCreateService {
        sender: addr("carol"),
        name: "svc-2".into(),
        description: String::new(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: coins(""),
    });
    assert_eq!(r, MsgResponse::NewServiceId(ServiceId(2)));
    chain.ok(MsgDelegatePool {
        delegator: addr("dave"),
        amount: Coin::new("utia", 10),
    });
    assert_eq!(
        pools::pool_by_denom(&chain.state, "utia")
            .unwrap()
            .unwrap()
            .id,
        PoolId(2)
    );

    // An exported chain re-imports to the same export.
    let reimported = Chain::from_genesis(&first);
    assert_eq!(
        phalanx_app::export_genesis(&reimported.state).unwrap(),
        first
    );
}

#[test]
fn inactivation_in_progress_survives_export_and_import() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    chain.ok(set_commission(id, "alice", "0.07"));
    chain.ok(deactivate(id, "alice"));
    let done = Timestamp(chain.time.0 + DEACTIVATION.0);
    chain.advance(Duration::from_hours(1));

    let exported = phalanx_app::export_genesis(&chain.state).unwrap();
    let json = exported.to_json().unwrap();
    let mut imported = Chain::from_genesis(&phalanx_app::Genesis::from_json(&json).unwrap());
    assert_eq!(status(&imported, id), OperatorStatus::Inactivating);
    assert_eq!(commission(&imported, id), dec("0.07"));
    assert_eq!(
        phalanx_app::export_genesis(&imported.state).unwrap(),
        exported
    );

    // The imported chain completes the inactivation at the same time the original would.
    let r = imported.block_after(Duration(done.0 - imported.time.0 - 1), Vec::new());
    assert!(r.begin_events.is_empty());
    assert_eq!(status(&imported, id), OperatorStatus::Inactivating);
    let r = imported.block_after(Duration(1), Vec::new());
    assert_eq!(r.begin_events.len(), 1);
    assert_eq!(status(&imported, id), OperatorStatus::Inactive);
    imported.ok(delete(id, "alice"));
    assert_eq!(register(&mut imported, "bob", "next"), OperatorId(2));
}

#[test]
fn genesis_requires_one_inactivation_entry_per_inactivating_operator() {
    let mut chain = Chain::new();
    let id = register(&mut chain, "alice", "alice-op");
    chain.ok(deactivate(id, "alice"));
    let valid = phalanx_app::export_genesis(&chain.state).unwrap();
    assert_eq!(valid.operators.inactivating_operators.len(), 1);

    let mut missing = valid.clone();
    missing.operators.inactivating_operators.clear();
    let mut state = phalanx_state::MemState::new();
    assert!(
        phalanx_app::init_genesis(&mut state, &missing).is_err(),
        "an INACTIVATING operator without a completion time must be refused"
    );

    let mut twice = valid.clone();
    let first = twice.operators.inactivating_operators[0].clone();
    twice
        .operators
        .inactivating_operators
        .push(operators::InactivatingOperator {
            operator_id: first.operator_id,
            completion_time: Timestamp(first.completion_time.0 + Duration::from_hours(24).0),
        });
    let mut state = phalanx_state::MemState::new();
    assert!(
        phalanx_app::init_genesis(&mut state, &twice).is_err(),
        "an operator may have at most one pending inactivation"
    );
}
