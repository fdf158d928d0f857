//! Who secures whom: joining and leaving services, allow-lists, borrowed pool security, user trust
//! preferences, and what operator and service deletion do to all of them.

use crate::delegation::{
    active_service, assert_attrs, count, create_service, deactivate_service, first_page,
    make_operator_inactive, operator_status, page, register_operator, run, service_status,
    the_event,
};
use crate::harness::*;
use phalanx_protocol::operators::OperatorStatus;
use phalanx_protocol::restaking;
use phalanx_protocol::services::ServiceStatus;
use phalanx_types::msgs::*;
use phalanx_types::{Address, Coin, Duration, OperatorId, PoolId, ServiceId};

fn joined_services(chain: &Chain, op: OperatorId) -> Vec<ServiceId> {
    let (ids, next) = restaking::operator_joined_services(&chain.state, op, &first_page()).unwrap();
    assert!(next.next_key.is_none());
    ids
}

fn service_operator_ids(chain: &Chain, svc: ServiceId) -> Vec<OperatorId> {
    let (ops, next) = restaking::service_operators(&chain.state, svc, &first_page()).unwrap();
    assert!(next.next_key.is_none());
    ops.into_iter().map(|o| o.id).collect()
}

fn allowed(chain: &Chain, svc: ServiceId) -> Vec<OperatorId> {
    let (ids, next) =
        restaking::service_allowed_operators(&chain.state, svc, &first_page()).unwrap();
    assert!(next.next_key.is_none());
    ids
}

fn securing_pools(chain: &Chain, svc: ServiceId) -> Vec<PoolId> {
    let (ids, next) = restaking::service_securing_pools(&chain.state, svc, &first_page()).unwrap();
    assert!(next.next_key.is_none());
    ids
}

fn join(sender: Address, operator_id: OperatorId, service_id: ServiceId) -> MsgJoinService {
    MsgJoinService {
        sender,
        operator_id,
        service_id,
    }
}

fn leave(sender: Address, operator_id: OperatorId, service_id: ServiceId) -> MsgLeaveService {
    MsgLeaveService {
        sender,
        operator_id,
        service_id,
    }
}

fn allow(
    sender: Address,
    service_id: ServiceId,
    operator_id: OperatorId,
) -> MsgAddOperatorToAllowList {
    MsgAddOperatorToAllowList {
        sender,
        service_id,
        operator_id,
    }
}

fn disallow(
    sender: Address,
    service_id: ServiceId,
    operator_id: OperatorId,
) -> MsgRemoveOperatorFromAllowList {
    MsgRemoveOperatorFromAllowList {
        sender,
        service_id,
        operator_id,
    }
}

fn borrow(sender: Address, service_id: ServiceId, pool_id: PoolId) -> MsgBorrowPoolSecurity {
    MsgBorrowPoolSecurity {
        sender,
        service_id,
        pool_id,
    }
}

fn cease(sender: Address, service_id: ServiceId, pool_id: PoolId) -> MsgCeasePoolSecurityBorrow {
    MsgCeasePoolSecurityBorrow {
        sender,
        service_id,
        pool_id,
    }
}

fn trust(entries: &[(ServiceId, &[u32])]) -> UserPreferences {
    UserPreferences {
        trusted_services: entries
            .iter()
            .map(|(s, pools)| TrustedServiceEntry {
                service_id: *s,
                pool_ids: pools.iter().map(|p| PoolId(*p)).collect(),
            })
            .collect(),
    }
}

fn prefs_of(chain: &Chain, user: &Address) -> UserPreferences {
    restaking::user_preferences(&chain.state, user).unwrap()
}

fn pair_attrs(op: OperatorId, svc: ServiceId) -> [(&'static str, String); 2] {
    [
        ("operator_id", op.to_string()),
        ("service_id", svc.to_string()),
    ]
}

/// Alice administers operator 1, bob operator 2, carol operator 3; dave administers the services.
fn three_operators(chain: &mut Chain) -> [OperatorId; 3] {
    [
        register_operator(chain, addr("alice")),
        register_operator(chain, addr("bob")),
        register_operator(chain, addr("carol")),
    ]
}

#[test]
fn join_and_leave_a_service() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);

    // Only the operator's admin may join, and both ends must exist.
    assert_code(&chain.err(join(bob, op, svc)), "sdk", 4);
    assert_code(&chain.err_as(bob, join(alice, op, svc)), "sdk", 4);
    assert_code(
        &chain.err(join(alice, OperatorId(9), svc)),
        "operators",
        100,
    );
    assert_code(&chain.err(join(alice, op, ServiceId(9))), "services", 100);
    assert_code(&chain.err(join(alice, op, ServiceId(0))), "sdk", 18);

    let r = run(&mut chain, join(alice, op, svc));
    assert_attrs(the_event(&r.events, "join_service"), &pair_attrs(op, svc));
    assert_eq!(joined_services(&chain, op), vec![svc]);
    let (ops, _) = restaking::service_operators(&chain.state, svc, &first_page()).unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!((ops[0].id, ops[0].admin), (op, alice));
    assert!(restaking::can_operator_validate_service(&chain.state, svc, op).unwrap());

    // Joining again changes nothing.
    run(&mut chain, join(alice, op, svc));
    assert_eq!(joined_services(&chain, op), vec![svc]);
    assert_eq!(service_operator_ids(&chain, svc), vec![op]);
    chain.check_invariants();

    // Leaving: admin only, service must exist, pair must exist.
    assert_code(&chain.err(leave(bob, op, svc)), "sdk", 4);
    assert_code(&chain.err(leave(alice, op, ServiceId(9))), "services", 100);
    let r = run(&mut chain, leave(alice, op, svc));
    assert_attrs(the_event(&r.events, "leave_service"), &pair_attrs(op, svc));
    assert!(joined_services(&chain, op).is_empty());
    assert!(service_operator_ids(&chain, svc).is_empty());
    assert_code(&chain.err(leave(alice, op, svc)), "restaking", 9);
    chain.check_invariants();
}

#[test]
fn joining_needs_an_active_service() {
    let mut chain = Chain::new();
    let (alice, dave) = (addr("alice"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = create_service(&mut chain, dave);
    assert_code(&chain.err(join(alice, op, svc)), "services", 4);
    chain.ok(MsgActivateService {
        sender: dave,
        service_id: svc,
    });
    chain.ok(join(alice, op, svc));
    deactivate_service(&mut chain, dave, svc);
    // Deactivation keeps existing joins; leaving needs no active service, joining does.
    assert_eq!(joined_services(&chain, op), vec![svc]);
    chain.ok(leave(alice, op, svc));
    assert_code(&chain.err(join(alice, op, svc)), "services", 4);
    assert!(joined_services(&chain, op).is_empty());
    chain.check_invariants();
}

#[test]
fn q14_inactive_operator_cannot_join() {
    let mut chain = Chain::new();
    let (alice, dave) = (addr("alice"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    chain.ok(MsgDeactivateOperator {
        sender: alice,
        operator_id: op,
    });
    assert_eq!(operator_status(&chain, op), OperatorStatus::Inactivating);
    assert_code(&chain.err(join(alice, op, svc)), "operators", 4);
    chain.advance(Duration::from_hours(72));
    assert_eq!(operator_status(&chain, op), OperatorStatus::Inactive);
    assert_code(&chain.err(join(alice, op, svc)), "operators", 4);
    assert!(service_operator_ids(&chain, svc).is_empty());
    chain.ok(MsgReactivateOperator {
        sender: alice,
        operator_id: op,
    });
    chain.ok(join(alice, op, svc));
    assert_eq!(joined_services(&chain, op), vec![svc]);
    chain.check_invariants();
}

#[test]
fn first_allow_list_entry_kicks_other_joined_operators() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let [op1, op2, op3] = three_operators(&mut chain);
    let svc = active_service(&mut chain, dave);
    for (admin, op) in [(alice, op1), (bob, op2), (carol, op3)] {
        chain.ok(join(admin, op, svc));
    }
    assert_eq!(service_operator_ids(&chain, svc), vec![op1, op2, op3]);

    // Service admin only; the operator must exist.
    assert_code(&chain.err(allow(alice, svc, op1)), "sdk", 4);
    assert_code(
        &chain.err(allow(dave, svc, OperatorId(9))),
        "operators",
        100,
    );
    assert_code(&chain.err(allow(dave, ServiceId(9), op1)), "services", 100);

    let r = run(&mut chain, allow(dave, svc, op1));
    let left: Vec<&str> = r
        .events
        .iter()
        .filter(|e| e.kind == "leave_service")
        .map(|e| e.get("operator_id").unwrap())
        .collect();
    assert_eq!(left, vec!["2", "3"]);
    assert_attrs(
        the_event(&r.events, "allow_operator"),
        &pair_attrs(op1, svc),
    );
    assert_eq!(allowed(&chain, svc), vec![op1]);
    assert_eq!(service_operator_ids(&chain, svc), vec![op1]);
    assert!(joined_services(&chain, op2).is_empty());
    assert!(joined_services(&chain, op3).is_empty());
    assert!(!restaking::can_operator_validate_service(&chain.state, svc, op2).unwrap());

    // Unlisted operators cannot come back; listing twice is refused.
    assert_code(&chain.err(join(bob, op2, svc)), "restaking", 11);
    assert_code(&chain.err(allow(dave, svc, op1)), "restaking", 10);

    // A second entry kicks nobody; the newly listed operator may join.
    let r = run(&mut chain, allow(dave, svc, op2));
    assert_eq!(count(&r.events, "leave_service"), 0);
    assert_eq!(allowed(&chain, svc), vec![op1, op2]);
    chain.ok(join(bob, op2, svc));
    assert_eq!(service_operator_ids(&chain, svc), vec![op1, op2]);
    assert_code(&chain.err(join(carol, op3, svc)), "restaking", 11);
    chain.check_invariants();
}

#[test]
fn removing_from_the_allow_list() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let [op1, op2, op3] = three_operators(&mut chain);
    let svc = active_service(&mut chain, dave);
    chain.ok(allow(dave, svc, op1));
    chain.ok(allow(dave, svc, op2));
    chain.ok(join(alice, op1, svc));
    chain.ok(join(bob, op2, svc));

    assert_code(&chain.err(disallow(dave, svc, op3)), "restaking", 11);
    assert_code(&chain.err(disallow(alice, svc, op1)), "sdk", 4);
    assert_code(
        &chain.err(disallow(dave, ServiceId(9), op1)),
        "services",
        100,
    );

    // While the list stays non-empty, the removed operator also leaves.
    let r = run(&mut chain, disallow(dave, svc, op2));
    assert_attrs(the_event(&r.events, "leave_service"), &pair_attrs(op2, svc));
    assert_attrs(
        the_event(&r.events, "remove_allowed_operator"),
        &pair_attrs(op2, svc),
    );
    assert_eq!(allowed(&chain, svc), vec![op1]);
    assert_eq!(service_operator_ids(&chain, svc), vec![op1]);
    assert!(joined_services(&chain, op2).is_empty());

    // When the list becomes empty everyone is allowed again, so the last one stays joined.
    let r = run(&mut chain, disallow(dave, svc, op1));
    assert_eq!(count(&r.events, "leave_service"), 0);
    assert!(allowed(&chain, svc).is_empty());
    assert_eq!(service_operator_ids(&chain, svc), vec![op1]);
    chain.ok(join(carol, op3, svc));
    chain.ok(join(bob, op2, svc));
    assert_eq!(service_operator_ids(&chain, svc), vec![op1, op2, op3]);
    chain.check_invariants();
}

#[test]
fn borrowing_and_ceasing_pool_security() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 10),
    });
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 10),
    });
    let svc = active_service(&mut chain, dave);
    let created = create_service(&mut chain, dave);
    let (p1, p2) = (PoolId(1), PoolId(2));

    assert_code(&chain.err(borrow(alice, svc, p1)), "sdk", 4);
    assert_code(&chain.err(borrow(dave, ServiceId(9), p1)), "services", 100);
    assert_code(&chain.err(borrow(dave, svc, PoolId(9))), "pools", 1);
    assert_code(&chain.err(borrow(dave, created, p1)), "services", 4);
    assert_code(&chain.err(borrow(dave, svc, PoolId(0))), "sdk", 18);

    let r = run(&mut chain, borrow(dave, svc, p1));
    assert_attrs(
        the_event(&r.events, "borrow_pool_security"),
        &[("service_id", svc.to_string()), ("pool_id", "1".into())],
    );
    assert_code(&chain.err(borrow(dave, svc, p1)), "restaking", 12);
    chain.ok(borrow(dave, svc, p2));
    assert_eq!(securing_pools(&chain, svc), vec![p1, p2]);
    assert!(securing_pools(&chain, created).is_empty());

    assert_code(&chain.err(cease(alice, svc, p1)), "sdk", 4);
    assert_code(&chain.err(cease(dave, created, p1)), "restaking", 13);
    assert_code(&chain.err(cease(dave, svc, PoolId(9))), "restaking", 13);
    let r = run(&mut chain, cease(dave, svc, p1));
    assert_attrs(
        the_event(&r.events, "cease_pool_security_borrow"),
        &[("service_id", svc.to_string()), ("pool_id", "1".into())],
    );
    assert_eq!(securing_pools(&chain, svc), vec![p2]);
    assert_code(&chain.err(cease(dave, svc, p1)), "restaking", 13);

    // An inactive service can stop borrowing but not start.
    deactivate_service(&mut chain, dave, svc);
    assert_code(&chain.err(borrow(dave, svc, p1)), "services", 4);
    chain.ok(cease(dave, svc, p2));
    assert!(securing_pools(&chain, svc).is_empty());
    chain.check_invariants();
}

#[test]
fn user_preferences_are_validated_and_stored() {
    let mut chain = Chain::new();
    let (bob, dave) = (addr("bob"), addr("dave"));
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 10),
    });
    let s1 = active_service(&mut chain, dave);
    let s2 = create_service(&mut chain, dave);
    assert_eq!(prefs_of(&chain, &bob), UserPreferences::default());

    let prefs = trust(&[(s1, &[1]), (s2, &[])]);
    let r = run(
        &mut chain,
        MsgSetUserPreferences {
            user: bob,
            preferences: prefs.clone(),
        },
    );
    assert_attrs(
        the_event(&r.events, "set_user_preferences"),
        &[("user", bob.to_string())],
    );
    assert_eq!(prefs_of(&chain, &bob), prefs);
    assert!(prefs_of(&chain, &bob).trusts(s1, PoolId(1)));
    assert!(!prefs_of(&chain, &bob).trusts(s1, PoolId(2)));
    assert!(prefs_of(&chain, &bob).trusts(s2, PoolId(2)));

    // Malformed preferences are refused before any state is read.
    for bad in [
        trust(&[(ServiceId(0), &[])]),
        trust(&[(s1, &[]), (s1, &[1])]),
        trust(&[(s1, &[0])]),
        trust(&[(s1, &[1, 1])]),
    ] {
        let r = chain.err(MsgSetUserPreferences {
            user: bob,
            preferences: bad,
        });
        assert_code(&r, "restaking", 18);
    }
    // Every referenced service and pool must exist.
    let r = chain.err(MsgSetUserPreferences {
        user: bob,
        preferences: trust(&[(ServiceId(9), &[])]),
    });
    assert_code(&r, "services", 100);
    let r = chain.err(MsgSetUserPreferences {
        user: bob,
        preferences: trust(&[(s1, &[1, 7])]),
    });
    assert_code(&r, "pools", 1);
    // Only the user sets their own preferences.
    let r = chain.err_as(
        dave,
        MsgSetUserPreferences {
            user: bob,
            preferences: UserPreferences::default(),
        },
    );
    assert_code(&r, "sdk", 4);
    assert_eq!(prefs_of(&chain, &bob), prefs);

    // Replacing with nothing clears them, once one unbonding time has passed: bob's pool stake
    // trusts s1 and s2, and withdrawn trust waits like an undelegation.
    chain.ok(MsgSetUserPreferences {
        user: bob,
        preferences: UserPreferences::default(),
    });
    assert_eq!(prefs_of(&chain, &bob), prefs);
    chain.advance(Duration::from_hours(72));
    assert_eq!(prefs_of(&chain, &bob), UserPreferences::default());
    assert!(
        phalanx_app::export_genesis(&chain.state)
            .unwrap()
            .restaking
            .users_preferences
            .is_empty()
    );
    chain.check_invariants();
}

#[test]
fn q5_trust_in_deleted_service_is_dropped() {
    let mut chain = Chain::new();
    let (bob, carol, dave) = (addr("bob"), addr("carol"), addr("dave"));
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 1000),
    });
    let s1 = active_service(&mut chain, dave);
    let s2 = active_service(&mut chain, dave);
    chain.ok(borrow(dave, s1, PoolId(1)));
    chain.ok(MsgSetUserPreferences {
        user: bob,
        preferences: trust(&[(s1, &[1]), (s2, &[])]),
    });
    chain.ok(MsgSetUserPreferences {
        user: carol,
        preferences: trust(&[(s1, &[])]),
    });

    deactivate_service(&mut chain, dave, s1);
    let r = run(
        &mut chain,
        MsgDeleteService {
            sender: dave,
            service_id: s1,
        },
    );
    assert_eq!(
        the_event(&r.events, "delete_service").get("service_id"),
        Some("1")
    );

    // Nobody trusts the deleted service any more.
    assert_eq!(prefs_of(&chain, &bob), trust(&[(s2, &[])]));
    assert_eq!(prefs_of(&chain, &carol), UserPreferences::default());
    let g = phalanx_app::export_genesis(&chain.state).unwrap();
    assert!(g.restaking.users_preferences.iter().all(|r| {
        r.preferences
            .trusted_services
            .iter()
            .all(|e| e.service_id != s1)
    }));
    assert!(g.restaking.services_securing_pools.is_empty());
    chain.check_invariants();

    // Pool delegation changes and preference changes keep working.
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 10),
    });
    chain.ok(MsgUndelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 500),
    });
    chain.ok(MsgSetUserPreferences {
        user: bob,
        preferences: trust(&[(s2, &[1])]),
    });
    chain.ok(MsgSetUserPreferences {
        user: carol,
        preferences: trust(&[(s2, &[])]),
    });
    // The deleted service can no longer be trusted.
    let r = chain.err(MsgSetUserPreferences {
        user: bob,
        preferences: trust(&[(s1, &[])]),
    });
    assert_code(&r, "services", 100);
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&bob, "utia"), FUNDS - 510);
    chain.check_invariants();
}

#[test]
fn operator_deletion_cleans_allow_lists_and_deactivates_emptied_services() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op1 = register_operator(&mut chain, alice);
    let op2 = register_operator(&mut chain, bob);
    let only_op1 = active_service(&mut chain, dave);
    let both = active_service(&mut chain, dave);
    let open = active_service(&mut chain, dave);
    chain.ok(allow(dave, only_op1, op1));
    chain.ok(allow(dave, both, op1));
    chain.ok(allow(dave, both, op2));
    for svc in [only_op1, both, open] {
        chain.ok(join(alice, op1, svc));
    }
    chain.ok(join(bob, op2, both));
    chain.ok(join(bob, op2, open));
    assert_eq!(joined_services(&chain, op1), vec![only_op1, both, open]);

    make_operator_inactive(&mut chain, alice, op1);
    let r = run(
        &mut chain,
        MsgDeleteOperator {
            sender: alice,
            operator_id: op1,
        },
    );
    assert_eq!(
        the_event(&r.events, "delete_operator").get("operator_id"),
        Some("1")
    );
    // Only the service whose allow-list became empty is deactivated.
    assert_eq!(
        the_event(&r.events, "deactivate_service").get("service_id"),
        Some(only_op1.to_string().as_str())
    );
    assert_eq!(service_status(&chain, only_op1), ServiceStatus::Inactive);
    assert_eq!(service_status(&chain, both), ServiceStatus::Active);
    assert_eq!(service_status(&chain, open), ServiceStatus::Active);
    assert!(allowed(&chain, only_op1).is_empty());
    assert_eq!(allowed(&chain, both), vec![op2]);
    assert!(joined_services(&chain, op1).is_empty());
    assert!(service_operator_ids(&chain, only_op1).is_empty());
    assert_eq!(service_operator_ids(&chain, both), vec![op2]);
    assert_eq!(service_operator_ids(&chain, open), vec![op2]);
    // The emptied service does not open to everyone while inactive.
    let op3 = register_operator(&mut chain, addr("carol"));
    assert_code(
        &chain.err(join(addr("carol"), op3, only_op1)),
        "services",
        4,
    );
    let g = phalanx_app::export_genesis(&chain.state).unwrap();
    assert!(
        g.restaking
            .operators_joined_services
            .iter()
            .all(|r| r.operator_id != op1)
    );
    assert!(
        g.restaking
            .services_allowed_operators
            .iter()
            .all(|r| !r.operator_ids.contains(&op1))
    );
    chain.check_invariants();
}

#[test]
fn inactive_service_is_not_touched_by_operator_deletion() {
    let mut chain = Chain::new();
    let (alice, dave) = (addr("alice"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    chain.ok(allow(dave, svc, op));
    deactivate_service(&mut chain, dave, svc);
    make_operator_inactive(&mut chain, alice, op);
    let r = run(
        &mut chain,
        MsgDeleteOperator {
            sender: alice,
            operator_id: op,
        },
    );
    assert_eq!(count(&r.events, "deactivate_service"), 0);
    assert_eq!(service_status(&chain, svc), ServiceStatus::Inactive);
    assert!(allowed(&chain, svc).is_empty());
    chain.check_invariants();
}

#[test]
fn service_deletion_clears_joins_allow_list_and_securing_pools() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op1 = register_operator(&mut chain, alice);
    let op2 = register_operator(&mut chain, bob);
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 10),
    });
    let svc = active_service(&mut chain, dave);
    let other = active_service(&mut chain, dave);
    chain.ok(allow(dave, svc, op1));
    chain.ok(join(alice, op1, svc));
    chain.ok(join(alice, op1, other));
    chain.ok(join(bob, op2, other));
    chain.ok(borrow(dave, svc, PoolId(1)));
    chain.ok(borrow(dave, other, PoolId(1)));

    let delete = MsgDeleteService {
        sender: dave,
        service_id: svc,
    };
    assert_code(&chain.err(delete.clone()), "services", 5);
    deactivate_service(&mut chain, dave, svc);
    assert_code(
        &chain.err(MsgDeleteService {
            sender: alice,
            service_id: svc,
        }),
        "sdk",
        4,
    );
    chain.ok(delete);

    assert!(allowed(&chain, svc).is_empty());
    assert!(service_operator_ids(&chain, svc).is_empty());
    assert!(securing_pools(&chain, svc).is_empty());
    assert_eq!(joined_services(&chain, op1), vec![other]);
    // The other service is untouched.
    assert_eq!(service_operator_ids(&chain, other), vec![op1, op2]);
    assert_eq!(securing_pools(&chain, other), vec![PoolId(1)]);
    // Relations with the deleted service are not found any more.
    assert_code(&chain.err(allow(dave, svc, op1)), "services", 100);
    assert_code(&chain.err(leave(alice, op1, svc)), "services", 100);
    assert_code(&chain.err(cease(dave, svc, PoolId(1))), "services", 100);
    let g = phalanx_app::export_genesis(&chain.state).unwrap();
    assert!(g.restaking.services_allowed_operators.is_empty());
    assert!(
        g.restaking
            .services_securing_pools
            .iter()
            .all(|r| r.service_id != svc)
    );
    assert!(
        g.restaking
            .operators_joined_services
            .iter()
            .all(|r| !r.service_ids.contains(&svc))
    );
    chain.check_invariants();
}

#[test]
fn relation_queries_paginate() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let ops = three_operators(&mut chain);
    let svcs: Vec<ServiceId> = (0..3).map(|_| active_service(&mut chain, dave)).collect();
    for denom in ["uatom", "ubtc", "utia"] {
        chain.ok(MsgDelegatePool {
            delegator: bob,
            amount: Coin::new(denom, 1),
        });
    }
    for svc in &svcs {
        chain.ok(join(alice, ops[0], *svc));
    }
    for (admin, op) in [(alice, ops[0]), (bob, ops[1]), (carol, ops[2])] {
        chain.ok(join(admin, op, svcs[0]));
        chain.ok(allow(dave, svcs[1], op));
    }
    for pool in 1..=3 {
        chain.ok(borrow(dave, svcs[2], PoolId(pool)));
    }

    let (a, next) =
        restaking::operator_joined_services(&chain.state, ops[0], &page(2, None)).unwrap();
    let (b, last) =
        restaking::operator_joined_services(&chain.state, ops[0], &page(2, next.next_key)).unwrap();
    assert_eq!([a, b].concat(), svcs);
    assert!(last.next_key.is_none());

    let (a, next) = restaking::service_operators(&chain.state, svcs[0], &page(2, None)).unwrap();
    let (b, last) =
        restaking::service_operators(&chain.state, svcs[0], &page(2, next.next_key)).unwrap();
    let ids: Vec<OperatorId> = a.iter().chain(b.iter()).map(|o| o.id).collect();
    assert_eq!(ids, ops.to_vec());
    assert!(last.next_key.is_none());

    let (a, next) =
        restaking::service_allowed_operators(&chain.state, svcs[1], &page(1, None)).unwrap();
    assert_eq!(a, vec![ops[0]]);
    let (b, next) =
        restaking::service_allowed_operators(&chain.state, svcs[1], &page(1, next.next_key))
            .unwrap();
    assert_eq!(b, vec![ops[1]]);
    let (c, last) =
        restaking::service_allowed_operators(&chain.state, svcs[1], &page(5, next.next_key))
            .unwrap();
    assert_eq!(c, vec![ops[2]]);
    assert!(last.next_key.is_none());

    let (a, next) =
        restaking::service_securing_pools(&chain.state, svcs[2], &page(2, None)).unwrap();
    let (b, _) =
        restaking::service_securing_pools(&chain.state, svcs[2], &page(2, next.next_key)).unwrap();
    assert_eq!([a, b].concat(), vec![PoolId(1), PoolId(2), PoolId(3)]);

    // Lists of unknown ids are simply empty.
    assert!(joined_services(&chain, OperatorId(99)).is_empty());
    assert!(allowed(&chain, ServiceId(99)).is_empty());
    assert_eq!(
        restaking::all_joined_services(&chain.state, ops[1]).unwrap(),
        vec![svcs[0]]
    );
    chain.check_invariants();
}
