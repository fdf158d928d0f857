//! Undelegation and the unbonding queue: partial and full undelegation of every kind, the Q13 rule for
//! over-asking, entry limits and merging (Q12), exact maturity, ids across genesis (Q10), several
//! completions in one block (Q2), and target deletion that never strands funds (Q3).

use crate::delegation::{
    active_service, assert_attrs, count, custody_balance, deactivate_service, dec_coins,
    delegation_balance, make_operator_inactive, register_operator, run, shares_of, target_shares,
    target_tokens, the_event, update_restaking_params,
};
use crate::harness::*;
use phalanx_app::{MsgResponse, Tx};
use phalanx_protocol::restaking::{self, TargetRef, UnbondingDelegation, UnbondingEntry};
use phalanx_protocol::{operators, services};
use phalanx_types::msgs::*;
use phalanx_types::{Address, Coin, Coins, DecCoins, Duration, Timestamp, UnbondingId};

const UNBONDING: Duration = Duration::from_hours(72);

fn record(chain: &Chain, target: TargetRef, who: &Address) -> Option<UnbondingDelegation> {
    restaking::target_unbonding_delegation(&chain.state, target, who).unwrap()
}

fn entries(chain: &Chain, target: TargetRef, who: &Address) -> Vec<UnbondingEntry> {
    record(chain, target, who)
        .map(|u| u.entries)
        .unwrap_or_default()
}

/// (creation height, completion time, balance, id) of each entry, in order.
fn entry_summary(
    chain: &Chain,
    target: TargetRef,
    who: &Address,
) -> Vec<(u64, Timestamp, Coins, u64)> {
    entries(chain, target, who)
        .into_iter()
        .map(|e| {
            assert_eq!(e.initial_balance, e.balance, "nothing was slashed");
            (
                e.creation_height,
                e.completion_time,
                e.balance,
                e.unbonding_id.0,
            )
        })
        .collect()
}

fn completion_of(r: &MsgResponse) -> Timestamp {
    match r {
        MsgResponse::CompletionTime(t) => *t,
        other => panic!("unexpected response {other:?}"),
    }
}

fn tx(msg: impl Into<Msg>) -> Tx {
    let msg = msg.into();
    Tx {
        sender: msg.signer(),
        msgs: vec![msg],
    }
}

fn undelegate_pool(who: Address, amount: u128, denom: &str) -> MsgUndelegatePool {
    MsgUndelegatePool {
        delegator: who,
        amount: Coin::new(denom, amount),
    }
}

/// Runs an empty block at exactly `at`.
fn block_at(chain: &mut Chain, at: Timestamp) -> Vec<phalanx_types::Event> {
    assert!(at >= chain.time, "time cannot go back");
    chain.advance(Duration(at.0 - chain.time.0))
}

fn all_funds_back(chain: &Chain, who: &Address) {
    for denom in DENOMS {
        assert_eq!(chain.balance(who, denom), FUNDS, "{denom} of {who}");
    }
}

#[test]
fn partial_and_full_undelegation_from_every_kind() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let (pool_t, op_t, svc_t) = (
        TargetRef::pool(phalanx_types::PoolId(1)),
        TargetRef::operator(op),
        TargetRef::service(svc),
    );
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 1000),
    });
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1000uatom,10ubtc"),
    });
    chain.ok(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("500utia"),
    });

    // Pool, partial.
    let r = run(&mut chain, undelegate_pool(bob, 400, "uatom"));
    let pool_done = completion_of(&r.responses[0]);
    assert_eq!(pool_done, Timestamp(chain.time.0 + UNBONDING.0));
    assert_attrs(
        the_event(&r.events, "unbond_pool"),
        &[
            ("amount", "400uatom".into()),
            ("delegator", bob.to_string()),
            ("completion_time", pool_done.to_string()),
        ],
    );
    assert_eq!(shares_of(&chain, pool_t, &bob), dec_coins("600uatom"));
    assert_eq!(target_tokens(&chain, pool_t), coins("600uatom"));
    // The tokens stay in custody until they are paid out.
    assert_eq!(custody_balance(&chain, pool_t, "uatom"), 1000);
    assert_eq!(
        entry_summary(&chain, pool_t, &bob),
        vec![(chain.height, pool_done, coins("400uatom"), 1)]
    );

    // Operator, partial in both denoms.
    let r = run(
        &mut chain,
        MsgUndelegateOperator {
            delegator: bob,
            operator_id: op,
            amount: coins("250uatom,10ubtc"),
        },
    );
    let op_done = completion_of(&r.responses[0]);
    assert_attrs(
        the_event(&r.events, "unbond_operator"),
        &[
            ("amount", "250uatom,10ubtc".into()),
            ("delegator", bob.to_string()),
            ("operator_id", op.to_string()),
            ("completion_time", op_done.to_string()),
        ],
    );
    assert_eq!(delegation_balance(&chain, op_t, &bob), coins("750uatom"));
    assert_eq!(target_shares(&chain, op_t), dec_coins("750uatom"));

    // Service, full: the delegation record goes away.
    let r = run(
        &mut chain,
        MsgUndelegateService {
            delegator: bob,
            service_id: svc,
            amount: coins("500utia"),
        },
    );
    let svc_done = completion_of(&r.responses[0]);
    assert_eq!(
        the_event(&r.events, "unbond_service").get("service_id"),
        Some(svc.to_string().as_str())
    );
    assert!(
        restaking::target_delegation(&chain.state, svc_t, &bob)
            .unwrap()
            .is_none()
    );
    assert!(target_tokens(&chain, svc_t).is_empty());
    assert_eq!(
        restaking::total_restaked(&chain.state, "uatom").unwrap(),
        1350
    );
    assert_eq!(restaking::total_restaked(&chain.state, "utia").unwrap(), 0);
    let (listed, _) = restaking::delegator_unbonding_delegations(
        &chain.state,
        &bob,
        DelegationKind::Service,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(listed.len(), 1);
    let (listed, _) =
        restaking::target_unbonding_delegations(&chain.state, op_t, &Default::default()).unwrap();
    assert_eq!(listed[0].delegator, bob);
    chain.check_invariants();

    // Nothing is paid before the time; everything after.
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 2000);
    let ends = block_at(&mut chain, svc_done);
    assert_eq!(count(&ends, "complete_unbonding"), 3);
    assert!(pool_done < op_done && op_done < svc_done);
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 2000 + 400 + 250);
    assert_eq!(chain.balance(&bob, "ubtc"), FUNDS);
    assert_eq!(chain.balance(&bob, "utia"), FUNDS);
    assert_eq!(custody_balance(&chain, svc_t, "utia"), 0);
    assert_eq!(custody_balance(&chain, op_t, "uatom"), 750);
    for t in [pool_t, op_t, svc_t] {
        assert!(record(&chain, t, &bob).is_none());
    }
    chain.check_invariants();
}

#[test]
fn undelegation_without_a_delegation_fails() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    // No pool of that denom at all.
    assert_code(&chain.err(undelegate_pool(bob, 1, "uatom")), "pools", 1);
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 10),
    });
    // A pool, but no delegation of carol's.
    assert_code(
        &chain.err(undelegate_pool(carol, 1, "uatom")),
        "restaking",
        4,
    );
    let r = chain.err(MsgUndelegateOperator {
        delegator: carol,
        operator_id: op,
        amount: coins("1uatom"),
    });
    assert_code(&r, "restaking", 4);
    let r = chain.err(MsgUndelegateService {
        delegator: carol,
        service_id: svc,
        amount: coins("1uatom"),
    });
    assert_code(&r, "restaking", 4);
    // A target that never existed.
    let r = chain.err(MsgUndelegateOperator {
        delegator: carol,
        operator_id: phalanx_types::OperatorId(42),
        amount: coins("1uatom"),
    });
    assert_code(&r, "restaking", 4);
    // Someone else's signature, or nothing to undelegate.
    assert_code(
        &chain.err_as(carol, undelegate_pool(bob, 1, "uatom")),
        "sdk",
        4,
    );
    assert_code(&chain.err(undelegate_pool(bob, 0, "uatom")), "sdk", 18);
    let r = chain.err(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: Coins::empty(),
    });
    assert_code(&r, "sdk", 18);
}

#[test]
fn undelegating_a_denom_not_held_fails() {
    let mut chain = Chain::new();
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    let op = register_operator(&mut chain, alice);
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1000uatom"),
    });
    // The operator holds no ubtc at all.
    let r = chain.err(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1ubtc"),
    });
    assert_code(&r, "restaking", 5);
    // The operator holds ubtc, but not from bob; the valid uatom part is not unbonded either.
    chain.ok(MsgDelegateOperator {
        delegator: carol,
        operator_id: op,
        amount: coins("50ubtc"),
    });
    let r = chain.err(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("10uatom,1ubtc"),
    });
    assert_code(&r, "restaking", 5);
    assert!(r.log.contains("ubtc"), "{}", r.log);
    chain.check_invariants();
}

#[test]
fn q13_overasking_one_denom_unbonds_only_that_denom() {
    let mut chain = Chain::new();
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    let op = register_operator(&mut chain, alice);
    let op_t = TargetRef::operator(op);
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1000uatom,500ubtc,70utia"),
    });
    chain.ok(MsgDelegateOperator {
        delegator: carol,
        operator_id: op,
        amount: coins("1000uatom"),
    });

    // 5000uatom is more than bob holds: all his uatom, and only the 100ubtc asked for, unbond.
    let r = run(
        &mut chain,
        MsgUndelegateOperator {
            delegator: bob,
            operator_id: op,
            amount: coins("5000uatom,100ubtc"),
        },
    );
    assert_eq!(
        the_event(&r.events, "unbond_operator").get("amount"),
        Some("1000uatom,100ubtc")
    );
    assert_eq!(shares_of(&chain, op_t, &bob), dec_coins("400ubtc,70utia"));
    assert_eq!(
        delegation_balance(&chain, op_t, &bob),
        coins("400ubtc,70utia")
    );
    // Carol's stake is untouched.
    assert_eq!(delegation_balance(&chain, op_t, &carol), coins("1000uatom"));
    assert_eq!(
        target_tokens(&chain, op_t),
        coins("1000uatom,400ubtc,70utia")
    );
    assert_eq!(
        entries(&chain, op_t, &bob)[0].balance,
        coins("1000uatom,100ubtc")
    );
    chain.check_invariants();

    // Even u128::MAX of one denom takes only that denom.
    let r = run(
        &mut chain,
        MsgUndelegateOperator {
            delegator: bob,
            operator_id: op,
            amount: Coins::new(vec![Coin::new("ubtc", u128::MAX)]).unwrap(),
        },
    );
    assert_eq!(
        the_event(&r.events, "unbond_operator").get("amount"),
        Some("400ubtc")
    );
    assert_eq!(shares_of(&chain, op_t, &bob), dec_coins("70utia"));
    let r = run(
        &mut chain,
        MsgUndelegateOperator {
            delegator: bob,
            operator_id: op,
            amount: coins("71utia"),
        },
    );
    assert_eq!(
        the_event(&r.events, "unbond_operator").get("amount"),
        Some("70utia")
    );
    assert!(
        restaking::target_delegation(&chain.state, op_t, &bob)
            .unwrap()
            .is_none()
    );
    chain.check_invariants();

    chain.advance(UNBONDING);
    all_funds_back(&chain, &bob);
    assert_eq!(target_tokens(&chain, op_t), coins("1000uatom"));
    chain.check_invariants();
}

#[test]
fn pool_overasking_unbonds_the_whole_delegation_only() {
    let mut chain = Chain::new();
    let (bob, carol) = (addr("bob"), addr("carol"));
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 300),
    });
    chain.ok(MsgDelegatePool {
        delegator: carol,
        amount: Coin::new("uatom", 700),
    });
    let r = run(&mut chain, undelegate_pool(bob, u128::MAX, "uatom"));
    assert_eq!(
        the_event(&r.events, "unbond_pool").get("amount"),
        Some("300uatom")
    );
    let pool_t = TargetRef::pool(phalanx_types::PoolId(1));
    assert_eq!(target_tokens(&chain, pool_t), coins("700uatom"));
    assert_eq!(
        delegation_balance(&chain, pool_t, &carol),
        coins("700uatom")
    );
    chain.advance(UNBONDING);
    all_funds_back(&chain, &bob);
    chain.check_invariants();
}

#[test]
fn too_many_unbonding_entries_but_same_block_entries_merge() {
    let mut chain = Chain::new();
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    let op = register_operator(&mut chain, alice);
    update_restaking_params(&mut chain, |p| p.max_entries = 2);
    let pool_t = TargetRef::pool(phalanx_types::PoolId(1));
    for who in [bob, carol] {
        chain.ok(MsgDelegatePool {
            delegator: who,
            amount: Coin::new("uatom", 1000),
        });
    }
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1000uatom"),
    });

    let first = completion_of(&chain.ok(undelegate_pool(bob, 10, "uatom")));
    // One block: the first transaction creates the second (last allowed) entry, the next two merge into it.
    let b = chain.block_after(
        Duration::from_secs(BLOCK_SECS),
        vec![
            tx(undelegate_pool(bob, 20, "uatom")),
            tx(undelegate_pool(bob, 30, "uatom")),
            tx(undelegate_pool(bob, 40, "uatom")),
        ],
    );
    for r in &b.tx_results {
        assert!(r.is_ok(), "{}", r.log);
    }
    let second = Timestamp(chain.time.0 + UNBONDING.0);
    assert_eq!(
        entry_summary(&chain, pool_t, &bob),
        vec![
            (chain.height - 1, first, coins("10uatom"), 1),
            (chain.height, second, coins("90uatom"), 2),
        ]
    );

    // A third entry is refused, and nothing changes.
    let r = chain.err(undelegate_pool(bob, 1, "uatom"));
    assert_code(&r, "restaking", 16);
    assert!(r.log.contains('2'), "{}", r.log);
    // The limit is per delegator and per target.
    chain.ok(undelegate_pool(carol, 1, "uatom"));
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1uatom"),
    });
    chain.check_invariants();

    // Once an entry completes there is room again.
    block_at(&mut chain, first);
    assert_eq!(entries(&chain, pool_t, &bob).len(), 1);
    // (One second later, before the second entry is due.)
    let b = chain.block_after(
        Duration::from_secs(1),
        vec![tx(undelegate_pool(bob, 1, "uatom"))],
    );
    assert!(b.tx_results[0].is_ok(), "{}", b.tx_results[0].log);
    assert_eq!(entries(&chain, pool_t, &bob).len(), 2);
    chain.check_invariants();
}

#[test]
fn entries_mature_exactly_at_completion_time() {
    let mut chain = Chain::new();
    let (alice, bob) = (addr("alice"), addr("bob"));
    let op = register_operator(&mut chain, alice);
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 100),
    });
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("50ubtc"),
    });

    // One nanosecond early: pending.
    let done = completion_of(&chain.ok(undelegate_pool(bob, 100, "uatom")));
    let ends = block_at(&mut chain, Timestamp(done.0 - 1));
    assert_eq!(count(&ends, "complete_unbonding"), 0);
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 100);
    assert_eq!(
        entries(&chain, TargetRef::pool(phalanx_types::PoolId(1)), &bob).len(),
        1
    );
    // At the completion time: paid.
    let ends = block_at(&mut chain, done);
    assert_attrs(
        the_event(&ends, "complete_unbonding"),
        &[
            ("amount", "100uatom".into()),
            ("unbonding_delegation", "pool".into()),
            ("target_id", "1".into()),
            ("delegator", bob.to_string()),
        ],
    );
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS);
    assert!(record(&chain, TargetRef::pool(phalanx_types::PoolId(1)), &bob).is_none());

    // One second early: pending; at the second: paid.
    let done = completion_of(&chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("20ubtc"),
    }));
    block_at(&mut chain, Timestamp(done.0 - Duration::from_secs(1).0));
    assert_eq!(chain.balance(&bob, "ubtc"), FUNDS - 50);
    let ends = block_at(&mut chain, done);
    assert_eq!(
        the_event(&ends, "complete_unbonding").get("unbonding_delegation"),
        Some("operator")
    );
    assert_eq!(chain.balance(&bob, "ubtc"), FUNDS - 30);
    chain.check_invariants();
}

#[test]
fn entries_are_paid_in_the_first_block_at_or_after_completion() {
    let mut chain = Chain::new();
    let bob = addr("bob");
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 100),
    });
    let done = completion_of(&chain.ok(undelegate_pool(bob, 60, "utia")));
    // Blocks ten hours apart: none lands on the completion time itself.
    let mut paid_at = None;
    for _ in 0..10 {
        let ends = chain.advance(Duration::from_hours(10));
        if count(&ends, "complete_unbonding") > 0 {
            assert!(paid_at.is_none(), "paid twice");
            paid_at = Some(chain.time);
        }
        assert_eq!(
            chain.balance(&bob, "utia"),
            if chain.time >= done {
                FUNDS - 40
            } else {
                FUNDS - 100
            }
        );
    }
    let paid_at = paid_at.expect("paid");
    assert!(paid_at >= done && paid_at.0 - done.0 < Duration::from_hours(10).0);
    chain.check_invariants();
}

#[test]
fn q10_unbonding_ids_survive_genesis_and_are_cleaned_up() {
    let mut chain = Chain::new();
    let (alice, bob) = (addr("alice"), addr("bob"));
    let op = register_operator(&mut chain, alice);
    let (pool_t, op_t) = (
        TargetRef::pool(phalanx_types::PoolId(1)),
        TargetRef::operator(op),
    );
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 100),
    });
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100uatom"),
    });
    assert_eq!(restaking::last_unbonding_id(&chain.state).unwrap(), 0);
    let first = completion_of(&chain.ok(undelegate_pool(bob, 10, "uatom")));
    chain.advance(Duration::from_hours(1));
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("10uatom"),
    });
    assert_eq!(
        entries(&chain, pool_t, &bob)[0].unbonding_id,
        UnbondingId(1)
    );
    assert_eq!(entries(&chain, op_t, &bob)[0].unbonding_id, UnbondingId(2));

    // The first entry completes: the counter stays.
    block_at(&mut chain, first);
    assert!(record(&chain, pool_t, &bob).is_none());
    assert_eq!(restaking::last_unbonding_id(&chain.state).unwrap(), 2);

    // Genesis carries the counter and the pending entry, and rebuilds exactly the same state.
    let g = phalanx_app::export_genesis(&chain.state).unwrap();
    assert_eq!(g.restaking.last_unbonding_id, 2);
    let pending: Vec<u64> = g
        .restaking
        .unbonding_delegations
        .iter()
        .flat_map(|u| u.entries.iter().map(|e| e.unbonding_id.0))
        .collect();
    assert_eq!(pending, vec![2]);
    let json = g.to_json().unwrap();
    assert_eq!(phalanx_app::Genesis::from_json(&json).unwrap(), g);
    let mut imported = Chain::from_genesis(&g);
    assert!(
        imported.state == chain.state,
        "import of an export must rebuild the same state"
    );

    // Ids continue after the counter, never reusing 1 or 2.
    imported.ok(undelegate_pool(bob, 5, "uatom"));
    assert_eq!(
        entries(&imported, pool_t, &bob)[0].unbonding_id,
        UnbondingId(3)
    );
    imported.advance(UNBONDING);
    assert_eq!(restaking::last_unbonding_id(&imported.state).unwrap(), 3);
    assert_eq!(
        phalanx_app::export_genesis(&imported.state)
            .unwrap()
            .restaking
            .last_unbonding_id,
        3
    );
    assert_eq!(imported.balance(&bob, "uatom"), FUNDS - 200 + 25);
    imported.check_invariants();
}

#[test]
fn q2_two_undelegations_same_block_complete() {
    let mut chain = Chain::new();
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    let op = register_operator(&mut chain, alice);
    let (pool_t, op_t) = (
        TargetRef::pool(phalanx_types::PoolId(1)),
        TargetRef::operator(op),
    );
    for who in [bob, carol] {
        chain.ok(MsgDelegatePool {
            delegator: who,
            amount: Coin::new("uatom", 1000),
        });
    }
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("500utia"),
    });

    // Two undelegations from one target in one block (plus another delegator's): one merged entry.
    let b = chain.block_after(
        Duration::from_secs(BLOCK_SECS),
        vec![
            tx(undelegate_pool(bob, 100, "uatom")),
            tx(undelegate_pool(bob, 200, "uatom")),
            tx(undelegate_pool(carol, 1000, "uatom")),
        ],
    );
    assert!(b.tx_results.iter().all(|r| r.is_ok()));
    let done = Timestamp(chain.time.0 + UNBONDING.0);
    assert_eq!(
        entry_summary(&chain, pool_t, &bob),
        vec![(chain.height, done, coins("300uatom"), 1)]
    );

    // Two entries of one record that will fall due in the same block.
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100utia"),
    });
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("400utia"),
    });
    assert_eq!(entries(&chain, op_t, &bob).len(), 2);
    chain.check_invariants();

    // One block after all of them: everything is paid, once, and the block does not fail.
    let ends = chain.advance(Duration::from_hours(73));
    let paid: Vec<(String, String, String)> = ends
        .iter()
        .filter(|e| e.kind == "complete_unbonding")
        .map(|e| {
            (
                e.get("delegator").unwrap().to_string(),
                e.get("unbonding_delegation").unwrap().to_string(),
                e.get("amount").unwrap().to_string(),
            )
        })
        .collect();
    let mut expected = vec![
        (bob.to_string(), "pool".to_string(), "300uatom".to_string()),
        (
            carol.to_string(),
            "pool".to_string(),
            "1000uatom".to_string(),
        ),
        (
            bob.to_string(),
            "operator".to_string(),
            "500utia".to_string(),
        ),
    ];
    let mut paid_sorted = paid.clone();
    paid_sorted.sort();
    expected.sort();
    assert_eq!(paid_sorted, expected);
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 700);
    assert_eq!(chain.balance(&bob, "utia"), FUNDS);
    all_funds_back(&chain, &carol);
    for t in [pool_t, op_t] {
        assert!(record(&chain, t, &bob).is_none());
    }
    chain.check_invariants();
    // The chain keeps going.
    chain.advance(Duration::from_secs(BLOCK_SECS));
    chain.check_invariants();
}

#[test]
fn q2_a_record_partly_due_twice_in_one_block_reports_one_completion() {
    let mut chain = Chain::new();
    let bob = addr("bob");
    let pool_t = TargetRef::pool(phalanx_types::PoolId(1));
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 1000),
    });
    chain.ok(undelegate_pool(bob, 10, "uatom"));
    let second = completion_of(&chain.ok(undelegate_pool(bob, 20, "uatom")));
    update_restaking_params(&mut chain, |p| p.unbonding_time = Duration::from_hours(100));
    let third = completion_of(&chain.ok(undelegate_pool(bob, 30, "uatom")));
    assert!(third > second);

    // The first two entries (two queue keys) fall due in one block; the third stays.
    let ends = block_at(&mut chain, second);
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 1000 + 30);
    assert_eq!(entries(&chain, pool_t, &bob).len(), 1);
    let completions: Vec<&str> = ends
        .iter()
        .filter(|e| e.kind == "complete_unbonding")
        .map(|e| e.get("amount").unwrap())
        .collect();
    assert_eq!(
        completions,
        vec!["30uatom"],
        "one completion, with what was paid"
    );
    block_at(&mut chain, third);
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 1000 + 60);
    chain.check_invariants();
}

#[test]
fn q3_deleted_target_never_strands_funds() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let (op_t, svc_t) = (TargetRef::operator(op), TargetRef::service(svc));
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1000uatom,10ubtc"),
    });
    chain.ok(MsgDelegateOperator {
        delegator: carol,
        operator_id: op,
        amount: coins("500uatom"),
    });
    chain.ok(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("300utia"),
    });
    let delete_op = MsgDeleteOperator {
        sender: alice,
        operator_id: op,
    };
    let delete_svc = MsgDeleteService {
        sender: dave,
        service_id: svc,
    };

    // Still active: refused for that reason first.
    assert_code(&chain.err(delete_op.clone()), "operators", 6);
    assert_code(&chain.err(delete_svc.clone()), "services", 5);
    make_operator_inactive(&mut chain, alice, op);
    deactivate_service(&mut chain, dave, svc);

    // Inactive but with delegations: refused.
    assert_code(&chain.err(delete_op.clone()), "operators", 7);
    assert_code(&chain.err(delete_svc.clone()), "services", 6);

    // Undelegation works whatever the target's status; pending unbondings still block deletion.
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1000uatom,10ubtc"),
    });
    assert_code(&chain.err(delete_op.clone()), "operators", 7);
    chain.ok(MsgUndelegateOperator {
        delegator: carol,
        operator_id: op,
        amount: coins("500uatom"),
    });
    chain.ok(MsgUndelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("300utia"),
    });
    assert!(target_shares(&chain, op_t).is_empty());
    assert!(target_shares(&chain, svc_t).is_empty());
    assert_code(&chain.err(delete_op.clone()), "operators", 7);
    assert_code(&chain.err(delete_svc.clone()), "services", 6);
    chain.check_invariants();

    // Everything paid out: now deletion works, and nothing is left behind.
    let ends = chain.advance(UNBONDING);
    assert_eq!(count(&ends, "complete_unbonding"), 3);
    let r = run(&mut chain, delete_op);
    assert_eq!(
        the_event(&r.events, "delete_operator").get("operator_id"),
        Some("1")
    );
    run(&mut chain, delete_svc);
    assert!(operators::operator(&chain.state, op).unwrap().is_none());
    assert!(services::service(&chain.state, svc).unwrap().is_none());
    all_funds_back(&chain, &bob);
    all_funds_back(&chain, &carol);
    for t in [op_t, svc_t] {
        for denom in DENOMS {
            assert_eq!(custody_balance(&chain, t, denom), 0);
        }
    }
    for denom in DENOMS {
        assert_eq!(restaking::total_restaked(&chain.state, denom).unwrap(), 0);
    }

    // The deleted targets are gone for good.
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1uatom"),
    });
    assert_code(&r, "operators", 100);
    let r = chain.err(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("1utia"),
    });
    assert_code(&r, "services", 100);
    let r = chain.err(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1uatom"),
    });
    assert_code(&r, "restaking", 4);
    chain.check_invariants();
}

#[test]
fn q12_entries_merge_only_on_same_height_and_time() {
    let mut chain = Chain::new();
    let bob = addr("bob");
    let pool_t = TargetRef::pool(phalanx_types::PoolId(1));
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 1000),
    });
    let params = |unbonding_time| {
        tx(MsgUpdateRestakingParams {
            authority: authority(),
            params: RestakingParams {
                unbonding_time,
                ..RestakingParams::default()
            },
        })
    };

    // Block A: 72h, 1h, then 72h again. The third undelegation merges into the FIRST entry (same height
    // and completion), not into the latest one.
    let b = chain.block_after(
        Duration::from_secs(BLOCK_SECS),
        vec![
            tx(undelegate_pool(bob, 10, "uatom")),
            params(Duration::from_hours(1)),
            tx(undelegate_pool(bob, 20, "uatom")),
            params(UNBONDING),
            tx(undelegate_pool(bob, 30, "uatom")),
        ],
    );
    assert!(b.tx_results.iter().all(|r| r.is_ok()));
    let (ha, ta) = (chain.height, chain.time);
    let long = Timestamp(ta.0 + UNBONDING.0);
    let short = Timestamp(ta.0 + Duration::from_hours(1).0);
    assert_eq!(
        entry_summary(&chain, pool_t, &bob),
        vec![
            (ha, long, coins("40uatom"), 1),
            (ha, short, coins("20uatom"), 2),
        ]
    );

    // Block B at the same time but the next height: same completion time, different height, new entry.
    let b = chain.block_after(Duration(0), vec![tx(undelegate_pool(bob, 5, "uatom"))]);
    assert!(b.tx_results[0].is_ok());
    let hb = chain.height;
    assert_eq!(chain.time, ta);

    // Block C: two undelegations merge with each other only.
    let b = chain.block_after(
        Duration::from_secs(BLOCK_SECS),
        vec![
            tx(undelegate_pool(bob, 1, "uatom")),
            tx(undelegate_pool(bob, 2, "uatom")),
        ],
    );
    assert!(b.tx_results.iter().all(|r| r.is_ok()));
    let (hc, tc) = (chain.height, chain.time);
    let c_done = Timestamp(tc.0 + UNBONDING.0);
    assert_eq!(
        entry_summary(&chain, pool_t, &bob),
        vec![
            (ha, long, coins("40uatom"), 1),
            (ha, short, coins("20uatom"), 2),
            (hb, long, coins("5uatom"), 3),
            (hc, c_done, coins("3uatom"), 4),
        ]
    );
    // Merges do not use up ids.
    assert_eq!(restaking::last_unbonding_id(&chain.state).unwrap(), 4);
    chain.check_invariants();

    // Each entry is paid at its own time, whatever its position in the record.
    let ends = block_at(&mut chain, short);
    assert_eq!(
        the_event(&ends, "complete_unbonding").get("amount"),
        Some("20uatom")
    );
    let ends = block_at(&mut chain, long);
    assert_eq!(
        the_event(&ends, "complete_unbonding").get("amount"),
        Some("45uatom")
    );
    assert_eq!(
        entry_summary(&chain, pool_t, &bob),
        vec![(hc, c_done, coins("3uatom"), 4)]
    );
    block_at(&mut chain, c_done);
    assert!(record(&chain, pool_t, &bob).is_none());
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 1000 + 68);
    assert_eq!(
        shares_of(&chain, pool_t, &bob),
        DecCoins::single("uatom", phalanx_types::Dec::from_int(932)).unwrap()
    );
    chain.check_invariants();
}
