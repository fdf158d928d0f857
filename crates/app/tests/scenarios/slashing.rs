//! Slashing: every worked example of docs/slashing.md with the document's numbers, the exposure query
//! against what a slash then costs, the rules' checks, departures, and commission governance.

use crate::delegation::{active_service, dec, register_operator, the_event};
use crate::harness::*;
use phalanx_protocol::restaking::{self, TargetRef};
use phalanx_protocol::{bank, rewards, slashing};
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};

fn after(t: Timestamp, d: Duration) -> Timestamp {
    Timestamp(t.0 + d.0)
}

fn slasher() -> Address {
    addr("slasher")
}

fn resolver() -> Address {
    addr("resolver")
}

/// A chain whose rules take effect one second after they are set (the default is 72 h).
fn chain() -> Chain {
    let mut chain = Chain::new();
    chain.ok(MsgUpdateSlashingParams {
        authority: authority(),
        params: SlashingParams {
            rules_change_delay: Duration::from_secs(1),
            ..SlashingParams::default()
        },
    });
    chain
}

fn rules(
    incident: &str,
    window: &str,
    veto_secs: u64,
    destination: SlashDestination,
) -> SlashingRules {
    SlashingRules {
        slasher: slasher(),
        max_incident_fraction: dec(incident),
        max_window_fraction: dec(window),
        window: Duration::from_hours(24),
        veto_window: Duration::from_secs(veto_secs),
        resolver: (veto_secs > 0).then(resolver),
        destination,
    }
}

fn set_rules(chain: &mut Chain, admin: Address, svc: ServiceId, r: SlashingRules) {
    chain.ok(MsgSetSlashingRules {
        sender: admin,
        service_id: svc,
        rules: r,
    });
}

fn submit(svc: ServiceId, op: Option<OperatorId>, fraction: &str, at: Timestamp) -> MsgSubmitSlash {
    MsgSubmitSlash {
        slasher: slasher(),
        service_id: svc,
        operator_id: op,
        fraction: dec(fraction),
        infraction_time: at,
        reason: "double signing".into(),
    }
}

fn join(chain: &mut Chain, admin: Address, op: OperatorId, svc: ServiceId) {
    chain.ok(MsgJoinService {
        sender: admin,
        operator_id: op,
        service_id: svc,
    });
}

/// A funded admin's active service and an operator of `op_admin` joined to it.
fn operator_securing_a_service(
    chain: &mut Chain,
    admin: Address,
    op_admin: Address,
) -> (ServiceId, OperatorId) {
    fund(chain, admin);
    let svc = active_service(chain, admin);
    let op = register_operator(chain, op_admin);
    join(chain, op_admin, op, svc);
    (svc, op)
}

/// An operator securing a service under `r`, with alice's 1,000,000uatom delegated to it; returns
/// the service admin, alice, the service and the operator.
fn alice_behind_a_slashable_operator(
    chain: &mut Chain,
    r: SlashingRules,
) -> (Address, Address, ServiceId, OperatorId) {
    let (admin, op_admin, alice) = (addr("svc-admin"), addr("op-admin"), addr("alice"));
    let (svc, op) = operator_securing_a_service(chain, admin, op_admin);
    delegate_op(chain, alice, op, "1000000uatom");
    set_rules(chain, admin, svc, r);
    (admin, alice, svc, op)
}

fn delegate_op(chain: &mut Chain, who: Address, op: OperatorId, amount: &str) {
    chain.ok(MsgDelegateOperator {
        delegator: who,
        operator_id: op,
        amount: coins(amount),
    });
}

fn value(chain: &Chain, t: TargetRef, who: &Address) -> Coins {
    let d = restaking::delegation(&chain.state, t, who)
        .unwrap()
        .unwrap();
    restaking::delegation_response(&chain.state, d)
        .unwrap()
        .balance
}

fn operator_tokens(chain: &Chain, op: OperatorId) -> Coins {
    restaking::load_target(&chain.state, TargetRef::operator(op))
        .unwrap()
        .tokens
}

fn trust(chain: &mut Chain, who: Address, services: &[u32]) {
    chain.ok(MsgSetUserPreferences {
        user: who,
        preferences: UserPreferences {
            trusted_services: services
                .iter()
                .map(|s| TrustedServiceEntry {
                    service_id: ServiceId(*s),
                    pool_ids: vec![],
                })
                .collect(),
        },
    });
}

fn fund(chain: &mut Chain, who: Address) {
    chain.ok(MsgSend {
        from_address: addr("alice"),
        to_address: who,
        amount: coins("10000000uatom,10000000uphx"),
    });
}

#[test]
fn example_a_an_operator_slash_reaches_only_the_accepted_denoms() {
    let mut chain = chain();
    let (admin, op_admin, alice, bob) = (
        addr("svc-admin"),
        addr("op-admin"),
        addr("alice"),
        addr("bob"),
    );
    fund(&mut chain, admin);
    let svc = active_service(&mut chain, admin);
    chain.ok(MsgSetServiceParams {
        sender: admin,
        service_id: svc,
        service_params: ServiceParams {
            allowed_denoms: vec!["uatom".into()],
        },
    });
    let op = register_operator(&mut chain, op_admin);
    join(&mut chain, op_admin, op, svc);
    delegate_op(&mut chain, alice, op, "600000uatom");
    delegate_op(&mut chain, bob, op, "400000uatom,500000utia");
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("1", "1", 0, SlashDestination::Burn),
    );
    let supply = bank::supply(&chain.state, "uatom").unwrap();
    let now = chain.time;
    let r = run_ok(&mut chain, submit(svc, Some(op), "0.1", now));
    assert_eq!(
        the_event(&r.events, "execute_slash").get("amount"),
        Some("100000uatom")
    );
    assert_eq!(operator_tokens(&chain, op), coins("900000uatom,500000utia"));
    let t = TargetRef::operator(op);
    assert_eq!(value(&chain, t, &alice), coins("540000uatom"));
    assert_eq!(value(&chain, t, &bob), coins("360000uatom,500000utia"));
    assert_eq!(
        bank::supply(&chain.state, "uatom").unwrap(),
        supply - 100_000
    );
    chain.check_invariants();
}

/// Example B, with service 1 accepting only uatom, bob's 100,000uatom and 100,000utia behind an
/// operator joined to it, and carol (who trusts service 1 with all pools) holding 50,000 in a utia
/// pool that service 1 does not borrow. Returns the chain, service 1, the uatom pool, the operator
/// and the utia pool.
fn narrow_service_chain() -> (Chain, ServiceId, PoolId, OperatorId, PoolId) {
    let (mut chain, s1, _s2, pool) = example_b_chain();
    let (admin, op_admin) = (addr("svc-admin"), addr("op-admin"));
    chain.ok(MsgSetServiceParams {
        sender: admin,
        service_id: s1,
        service_params: ServiceParams {
            allowed_denoms: vec!["uatom".into()],
        },
    });
    let op = register_operator(&mut chain, op_admin);
    join(&mut chain, op_admin, op, s1);
    delegate_op(&mut chain, addr("bob"), op, "100000uatom,100000utia");
    chain.ok(MsgDelegatePool {
        delegator: addr("carol"),
        amount: Coin::new("utia", 50_000),
    });
    (chain, s1, pool, op, PoolId(2))
}

/// One transaction of service 1's admin: accept every denom and borrow the utia pool.
fn widen(chain: &mut Chain, s1: ServiceId, utia_pool: PoolId) {
    let admin = addr("svc-admin");
    let r = chain.tx(
        admin,
        vec![
            MsgSetServiceParams {
                sender: admin,
                service_id: s1,
                service_params: ServiceParams::default(),
            }
            .into(),
            MsgBorrowPoolSecurity {
                sender: admin,
                service_id: s1,
                pool_id: utia_pool,
            }
            .into(),
        ],
    );
    assert!(r.is_ok(), "{}", r.log);
}

/// What a service's slash reaches is fixed by what its stake accepted at the infraction: widening its
/// denoms or borrowing a pool afterwards, even in the block of the slash, reaches nothing more.
/// Later infractions reach the new stake as usual.
#[test]
fn a_service_cannot_widen_what_a_slash_of_an_earlier_infraction_reaches() {
    let (mut chain, s1, pool, op, utia_pool) = narrow_service_chain();
    let carol = addr("carol");
    chain.advance(Duration::from_secs(1));
    let infraction = chain.time;
    chain.advance(Duration::from_secs(60));
    widen(&mut chain, s1, utia_pool);
    run_ok(&mut chain, submit(s1, None, "0.1", infraction));
    assert_eq!(operator_tokens(&chain, op), coins("90000uatom,100000utia"));
    assert_eq!(
        value(&chain, TargetRef::pool(utia_pool), &carol),
        coins("50000utia")
    );
    // The uatom pool did secure service 1 at the infraction: carol's 300,000 there lost 10%.
    assert_eq!(
        value(&chain, TargetRef::pool(pool), &carol),
        coins("270000uatom")
    );
    // The records survive an export and import.
    let g = chain.assert_genesis_round_trip();
    assert_eq!(g.slashing.denoms_changes.len(), 2);
    assert_eq!(g.slashing.borrows.len(), 3);

    // Nor in the block of the infraction itself: a pool borrowed and denoms widened in that block
    // do not count for an infraction at its time.
    let (mut same, s1, _pool, op, utia_pool) = narrow_service_chain();
    widen(&mut same, s1, utia_pool);
    let at = same.time;
    let r = same.block_after(
        Duration(0),
        vec![phalanx_app::Tx {
            sender: slasher(),
            msgs: vec![submit(s1, None, "0.1", at).into()],
        }],
    );
    assert!(r.tx_results[0].is_ok(), "{}", r.tx_results[0].log);
    assert_eq!(operator_tokens(&same, op), coins("90000uatom,100000utia"));
    assert_eq!(
        value(&same, TargetRef::pool(utia_pool), &carol),
        coins("50000utia")
    );
    same.check_invariants();

    // An infraction after the changes reaches the utia stake too.
    chain.advance(Duration::from_secs(1));
    let now = chain.time;
    run_ok(&mut chain, submit(s1, None, "0.1", now));
    assert_eq!(operator_tokens(&chain, op), coins("81000uatom,90000utia"));
    assert_eq!(
        value(&chain, TargetRef::pool(utia_pool), &carol),
        coins("45000utia")
    );
    chain.check_invariants();
}

fn run_ok(chain: &mut Chain, msg: impl Into<Msg>) -> phalanx_app::TxResult {
    let msg = msg.into();
    let r = chain.tx(msg.signer(), vec![msg.clone()]);
    assert!(r.is_ok(), "{} failed: {}", msg.type_url(), r.log);
    r
}

/// Pool 1 (uatom) securing services 1 and 2: carol trusts {1} with 300,000, dave {1, 2} with 200,000,
/// erin nothing with 500,000. Service 2 burns, service 1 pays recipient R.
fn example_b_chain() -> (Chain, ServiceId, ServiceId, PoolId) {
    let mut chain = chain();
    let admin = addr("svc-admin");
    let (carol, dave, erin) = (addr("carol"), addr("dave"), addr("erin"));
    fund(&mut chain, admin);
    fund(&mut chain, erin);
    let s1 = active_service(&mut chain, admin);
    let s2 = active_service(&mut chain, admin);
    trust(&mut chain, carol, &[s1.0]);
    trust(&mut chain, dave, &[s1.0, s2.0]);
    for (who, amount) in [(carol, 300_000), (dave, 200_000), (erin, 500_000)] {
        chain.ok(MsgDelegatePool {
            delegator: who,
            amount: Coin::new("uatom", amount),
        });
    }
    let pool = PoolId(1);
    for s in [s1, s2] {
        chain.ok(MsgBorrowPoolSecurity {
            sender: admin,
            service_id: s,
            pool_id: pool,
        });
    }
    set_rules(
        &mut chain,
        admin,
        s1,
        rules(
            "0.5",
            "1",
            0,
            SlashDestination::Recipient { address: addr("R") },
        ),
    );
    set_rules(
        &mut chain,
        admin,
        s2,
        rules("0.5", "1", 0, SlashDestination::Burn),
    );
    (chain, s1, s2, pool)
}

#[test]
fn example_b_cascading_slashes_of_a_pool_by_trust_set() {
    let (mut chain, s1, s2, pool) = example_b_chain();
    let (carol, dave, erin) = (addr("carol"), addr("dave"), addr("erin"));
    let p = TargetRef::pool(pool);
    let now = chain.time;
    run_ok(&mut chain, submit(s2, None, "0.2", now));
    assert_eq!(value(&chain, p, &dave), coins("160000uatom"));
    assert_eq!(value(&chain, p, &carol), coins("300000uatom"));
    assert_eq!(value(&chain, p, &erin), coins("500000uatom"));
    let now = chain.time;
    run_ok(&mut chain, submit(s1, None, "0.1", now));
    assert_eq!(value(&chain, p, &carol), coins("270000uatom"));
    assert_eq!(value(&chain, p, &dave), coins("144000uatom"));
    assert_eq!(value(&chain, p, &erin), coins("500000uatom"));
    assert_eq!(chain.balance(&addr("R"), "uatom"), 46_000);
    chain.check_invariants();
}

/// Withdrawing trust is leaving, like an undelegation: carol's pool stake stays with service 1 for
/// one unbonding time after she asks to stop trusting it, so the slash she saw coming still reaches
/// her. Added trust applies at once, and so does any change for a user without pool stake.
#[test]
fn withdrawn_trust_stays_slashable_for_the_unbonding_time() {
    let (mut chain, s1, s2, pool) = example_b_chain();
    let (admin, carol) = (addr("svc-admin"), addr("carol"));
    let p = TargetRef::pool(pool);
    // Service 1 moves to a one-hour veto window; carol sees its slash submitted and walks away.
    set_rules(
        &mut chain,
        admin,
        s1,
        rules(
            "0.5",
            "1",
            3600,
            SlashDestination::Recipient { address: addr("R") },
        ),
    );
    chain.advance(Duration::from_secs(1));
    let now = chain.time;
    run_ok(&mut chain, submit(s1, None, "0.1", now));
    let r = run_ok(
        &mut chain,
        MsgSetUserPreferences {
            user: carol,
            preferences: UserPreferences::default(),
        },
    );
    let asked = chain.time;
    let release = after(asked, Duration::from_hours(72));
    let event = the_event(&r.events, "set_user_preferences");
    assert_eq!(
        event.get("trust_removal_effective_time"),
        Some(release.to_string().as_str())
    );
    // In force: still service 1; pending: nothing, from the release time.
    let held = restaking::user_preferences(&chain.state, &carol).unwrap();
    assert!(held.trusts(s1, pool));
    let pending = restaking::pending_preferences(&chain.state, &carol)
        .unwrap()
        .unwrap();
    assert_eq!(pending.preferences, UserPreferences::default());
    assert_eq!(pending.effective_time, release);
    // The slash executes and takes her 10%, as it would have without the request.
    chain.advance(Duration::from_secs(3600));
    assert_eq!(value(&chain, p, &carol), coins("270000uatom"));
    // Adding trust in service 2 meanwhile applies at once, and restarts the wait of the removal.
    trust(&mut chain, carol, &[s2.0]);
    let held = restaking::user_preferences(&chain.state, &carol).unwrap();
    assert!(held.trusts(s1, pool) && held.trusts(s2, pool));
    let restarted = restaking::pending_preferences(&chain.state, &carol)
        .unwrap()
        .unwrap();
    assert!(restarted.effective_time > release);
    // The state, pending preferences included, survives an export and import.
    chain.assert_genesis_round_trip();
    // Once the wait is over only service 2 is trusted: a slash of service 1 no longer reaches her.
    let events = chain.advance(Duration::from_hours(73));
    assert_eq!(
        the_event(&events, "apply_user_preferences").get("user"),
        Some(carol.to_string().as_str())
    );
    let held = restaking::user_preferences(&chain.state, &carol).unwrap();
    assert!(!held.trusts(s1, pool) && held.trusts(s2, pool));
    assert!(
        restaking::pending_preferences(&chain.state, &carol)
            .unwrap()
            .is_none()
    );
    let now = chain.time;
    run_ok(&mut chain, submit(s1, None, "0.1", now));
    chain.advance(Duration::from_secs(3600));
    assert_eq!(value(&chain, p, &carol), coins("270000uatom"));
    // Frank holds no pool stake, so nothing of his can escape a slash: his change is immediate.
    let frank = addr("frank");
    trust(&mut chain, frank, &[s1.0]);
    trust(&mut chain, frank, &[]);
    assert_eq!(
        restaking::user_preferences(&chain.state, &frank).unwrap(),
        UserPreferences::default()
    );
    assert!(
        restaking::pending_preferences(&chain.state, &frank)
            .unwrap()
            .is_none()
    );
    chain.check_invariants();
}

#[test]
fn exposure_predicts_exactly_what_a_slash_then_costs() {
    let (mut chain, s1, s2, pool) = example_b_chain();
    let dave = addr("dave");
    // Rules set in the last block take effect a second later.
    let at = after(chain.time, Duration::from_secs(BLOCK_SECS));
    let e = slashing::exposure(&chain.state, at, &dave, Some((s2, dec("0.2")))).unwrap();
    // Dave's 200,000 secures both services; each could take half of it in one slash now.
    let ids: Vec<ServiceId> = e.services.iter().map(|s| s.service_id).collect();
    assert_eq!(ids, vec![s1, s2]);
    for s in &e.services {
        assert_eq!(s.at_stake, coins("200000uatom"));
        assert_eq!(s.max_loss_now, coins("100000uatom"));
    }
    assert_eq!(e.loss_if_slashed, Some(coins("40000uatom")));
    // Erin trusts nobody: nothing of hers is exposed.
    let erin = slashing::exposure(&chain.state, chain.time, &addr("erin"), None).unwrap();
    assert!(erin.services.is_empty());
    // The slash costs exactly the predicted amount, for every delegator.
    let p = TargetRef::pool(pool);
    let who = [addr("carol"), dave, addr("erin")];
    let predicted: Vec<Coins> = who
        .iter()
        .map(|w| {
            slashing::exposure(
                &chain.state,
                after(chain.time, Duration::from_secs(BLOCK_SECS)),
                w,
                Some((s1, dec("0.3"))),
            )
            .unwrap()
            .loss_if_slashed
            .unwrap()
        })
        .collect();
    let before: Vec<Coins> = who.iter().map(|w| value(&chain, p, w)).collect();
    let now = after(chain.time, Duration::from_secs(BLOCK_SECS));
    run_ok(&mut chain, submit(s1, None, "0.3", now));
    for ((w, b), loss) in who.iter().zip(before).zip(predicted) {
        let after = value(&chain, p, w);
        assert_eq!(b.checked_sub(&after).unwrap(), loss, "loss of {w}");
    }
    chain.check_invariants();
}

#[test]
fn example_c_unbonding_entries_caps_and_vetoes() {
    let mut chain = chain();
    let (admin, op_admin, alice, bob) = (
        addr("svc-admin"),
        addr("op-admin"),
        addr("alice"),
        addr("bob"),
    );
    let (svc, op) = operator_securing_a_service(&mut chain, admin, op_admin);
    delegate_op(&mut chain, alice, op, "1000000uatom");
    delegate_op(&mut chain, bob, op, "400000uatom");
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("0.1", "0.15", 3600, SlashDestination::Burn),
    );
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100000uatom"),
    });
    chain.advance(Duration::from_secs(3600));
    let infraction = chain.time;
    chain.advance(Duration::from_secs(3600));
    chain.ok(MsgUndelegateOperator {
        delegator: alice,
        operator_id: op,
        amount: coins("200000uatom"),
    });
    run_ok(&mut chain, submit(svc, Some(op), "0.1", infraction));
    // Nothing happens during the veto window.
    assert_eq!(operator_tokens(&chain, op), coins("1100000uatom"));
    assert_eq!(slashing::pending_slashes(&chain.state).unwrap().len(), 1);
    chain.advance(Duration::from_secs(3600));
    assert_eq!(operator_tokens(&chain, op), coins("990000uatom"));
    let entry = |who: &Address| {
        restaking::target_unbonding_delegation(&chain.state, TargetRef::operator(op), who)
            .unwrap()
            .unwrap()
            .entries[0]
            .balance
            .clone()
    };
    assert_eq!(entry(&alice), coins("180000uatom"));
    assert_eq!(entry(&bob), coins("100000uatom"));
    let s = slashing::slash(&chain.state, 1).unwrap().unwrap();
    assert_eq!(s.status, slashing::SlashStatus::Executed);
    assert_eq!(s.slashed, coins("130000uatom"));
    // The window cap refuses a second 10% within 24 h; a 5% slash is accepted and vetoed.
    let now = chain.time;
    let r = chain.err(submit(svc, Some(op), "0.1", now));
    assert_code(&r, "slashing", 4);
    run_ok(&mut chain, submit(svc, Some(op), "0.05", now));
    let r = chain.err(MsgVetoSlash {
        resolver: addr("bob"),
        slash_id: 2,
    });
    assert_code(&r, "sdk", 4);
    run_ok(
        &mut chain,
        MsgVetoSlash {
            resolver: resolver(),
            slash_id: 2,
        },
    );
    chain.advance(Duration::from_secs(3600));
    assert_eq!(operator_tokens(&chain, op), coins("990000uatom"));
    assert_eq!(
        slashing::slash(&chain.state, 2).unwrap().unwrap().status,
        slashing::SlashStatus::Vetoed
    );
    let r = chain.err(MsgVetoSlash {
        resolver: resolver(),
        slash_id: 2,
    });
    assert_code(&r, "slashing", 8);
    chain.check_invariants();
}

/// A veto window delays execution, so stake that left after the infraction must still be there when
/// the slash executes: rules cannot have a veto window as long as the unbonding time, and a slash is
/// refused once an unbonding entry or departure started after its infraction could be paid out or
/// forgotten before it executes.
#[test]
fn stake_that_left_after_the_infraction_cannot_escape_through_the_veto_window() {
    let (admin, op_admin, bob) = (addr("svc-admin"), addr("op-admin"), addr("bob"));
    // Rules with a 24 h veto window; bob undelegates and a second operator leaves the service one
    // hour after the infraction. Returns the chain, the service, both operators and the infraction.
    let left_after_infraction = || {
        let mut chain = chain();
        let (svc, op) = operator_securing_a_service(&mut chain, admin, op_admin);
        let op2 = register_operator(&mut chain, addr("op2-admin"));
        join(&mut chain, addr("op2-admin"), op2, svc);
        delegate_op(&mut chain, bob, op, "100000uatom");
        delegate_op(&mut chain, addr("carol"), op2, "100000uatom");
        // The default unbonding time is 72 h: a 72 h veto window is refused.
        let r = chain.err(MsgSetSlashingRules {
            sender: admin,
            service_id: svc,
            rules: rules("0.1", "0.2", 72 * 3600, SlashDestination::Burn),
        });
        assert_code(&r, "slashing", 2);
        assert!(
            r.log.contains("shorter than the unbonding time"),
            "{}",
            r.log
        );
        set_rules(
            &mut chain,
            admin,
            svc,
            rules("0.1", "0.2", 24 * 3600, SlashDestination::Burn),
        );
        chain.advance(Duration::from_secs(1));
        let infraction = chain.time;
        chain.advance(Duration::from_hours(1));
        chain.ok(MsgUndelegateOperator {
            delegator: bob,
            operator_id: op,
            amount: coins("100000uatom"),
        });
        chain.ok(MsgLeaveService {
            sender: addr("op2-admin"),
            operator_id: op2,
            service_id: svc,
        });
        (chain, svc, op, op2, infraction)
    };

    // 60 h after the infraction the slash would execute at 84 h, after bob's entry is paid (73 h)
    // and the departure is forgotten: refused.
    let (mut chain, svc, _, _, infraction) = left_after_infraction();
    chain.advance(Duration::from_hours(59));
    let r = chain.err(submit(svc, None, "0.1", infraction));
    assert_code(&r, "slashing", 5);
    assert!(r.log.contains("veto window"), "{}", r.log);

    // 47 h after it, the slash is due at 71 h and reaches both, even if the next block comes only
    // at 75 h, after bob's entry matured and the departure's unbonding time ran out.
    let (mut chain, svc, op, op2, infraction) = left_after_infraction();
    chain.advance(Duration::from_hours(46));
    run_ok(&mut chain, submit(svc, None, "0.1", infraction));
    let held = chain.balance(&bob, "uatom");
    chain.advance(Duration::from_hours(28));
    // The slash ran before the block paid bob's matured entry: he got 90% of it.
    assert!(
        restaking::target_unbonding_delegation(&chain.state, TargetRef::operator(op), &bob)
            .unwrap()
            .is_none()
    );
    assert_eq!(chain.balance(&bob, "uatom") - held, 90_000);
    assert_eq!(operator_tokens(&chain, op2), coins("90000uatom"));
    // Governance cannot shorten the unbonding time to the veto window or below.
    let r = chain.err(MsgUpdateRestakingParams {
        authority: authority(),
        params: RestakingParams {
            unbonding_time: Duration::from_hours(24),
            ..restaking::params(&chain.state).unwrap()
        },
    });
    assert_code(&r, "restaking", 17);
    assert!(r.log.contains("veto window"), "{}", r.log);
    chain.check_invariants();
}

/// An operator's stake chose a service's risk when the operator joined it: a slash for an earlier
/// infraction reaches neither it by name nor as part of the service's whole security.
#[test]
fn operators_that_joined_after_the_infraction_are_not_reached() {
    let mut chain = chain();
    let (admin, op_admin, late_admin) = (addr("svc-admin"), addr("op-admin"), addr("late-admin"));
    let (svc, op) = operator_securing_a_service(&mut chain, admin, op_admin);
    let late = register_operator(&mut chain, late_admin);
    delegate_op(&mut chain, addr("alice"), op, "100000uatom");
    delegate_op(&mut chain, addr("bob"), late, "100000uatom");
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("0.1", "0.3", 0, SlashDestination::Burn),
    );
    chain.advance(Duration::from_secs(1));
    let infraction = chain.time;
    chain.advance(Duration::from_secs(60));
    join(&mut chain, late_admin, late, svc);
    // From now on bob's stake is exposed to the service (for infractions from now on).
    let e = slashing::exposure(&chain.state, chain.time, &addr("bob"), None).unwrap();
    assert_eq!(e.services.len(), 1);
    assert_eq!(e.services[0].service_id, svc);
    assert_eq!(e.services[0].at_stake, coins("100000uatom"));
    let r = chain.err(submit(svc, Some(late), "0.1", infraction));
    assert_code(&r, "slashing", 6);
    run_ok(&mut chain, submit(svc, None, "0.1", infraction));
    assert_eq!(operator_tokens(&chain, op), coins("90000uatom"));
    assert_eq!(operator_tokens(&chain, late), coins("100000uatom"));
    // For an infraction after it joined, it is reached like any other.
    let now = chain.time;
    run_ok(&mut chain, submit(svc, Some(late), "0.1", now));
    assert_eq!(operator_tokens(&chain, late), coins("90000uatom"));
    // Join times survive an export and import, and cannot be dated after the genesis.
    let g = chain.assert_genesis_round_trip();
    assert_eq!(g.slashing.joins.len(), 2);
    let mut future = g.clone();
    future.slashing.joins[0].time = after(g.genesis_time, Duration::from_secs(1));
    let e = phalanx_app::init_genesis(&mut phalanx_state::MemState::new(), &future).unwrap_err();
    assert!(e.to_string().contains("after the genesis time"), "{e}");

    chain.check_invariants();
}

/// After a slash moved the exchange rate, undelegating exactly the value a query shows takes the
/// whole delegation: no dust shares stay behind that nobody could ever withdraw.
#[test]
fn undelegating_the_shown_value_after_a_slash_leaves_no_dust() {
    let mut chain = chain();
    let (_admin, alice, svc, op) =
        alice_behind_a_slashable_operator(&mut chain, rules("0.5", "1", 0, SlashDestination::Burn));
    delegate_op(&mut chain, addr("bob"), op, "1000000uatom");
    let now = chain.time;
    run_ok(&mut chain, submit(svc, Some(op), "0.09", now));
    let t = TargetRef::operator(op);
    let shown = value(&chain, t, &alice);
    assert_eq!(shown, coins("910000uatom"));
    // An odd share count: 1,000,000 shares at 0.91 each, and a rate that does not divide evenly.
    let now = chain.time;
    run_ok(&mut chain, submit(svc, Some(op), "0.0000003", now));
    let shown = value(&chain, t, &alice);
    chain.ok(MsgUndelegateOperator {
        delegator: alice,
        operator_id: op,
        amount: shown.clone(),
    });
    assert!(
        restaking::delegation(&chain.state, t, &alice)
            .unwrap()
            .is_none()
    );
    let entry = restaking::target_unbonding_delegation(&chain.state, t, &alice)
        .unwrap()
        .unwrap();
    assert_eq!(entry.entries[0].balance, shown);
    chain.check_invariants();
}

#[test]
fn example_d_rewards_before_a_slash_are_paid_in_full() {
    let mut chain = chain();
    let (admin, alice, svc, op) =
        alice_behind_a_slashable_operator(&mut chain, rules("0.5", "1", 0, SlashDestination::Burn));
    let now = chain.time;
    let plan = match chain.ok(MsgCreateRewardsPlan {
        sender: admin,
        service_id: svc,
        terms: PlanTerms {
            description: String::new(),
            amount_per_day: Coin::new("uphx", 86_400_000),
            start_time: now,
            end_time: after(now, Duration::from_hours(100)),
            pools_distribution: Distribution {
                weight: 0,
                kind: DistributionType::Basic,
            },
            operators_distribution: Distribution {
                weight: 1,
                kind: DistributionType::Basic,
            },
            users_distribution: UsersDistribution { weight: 0 },
        },
        fee_amount: Coins::empty(),
    }) {
        phalanx_app::MsgResponse::NewRewardsPlanId(id) => id,
        other => panic!("{other:?}"),
    };
    chain.ok(MsgFundRewardsPlan {
        sender: admin,
        plan_id: plan,
        amount: Coin::new("uphx", 1_000_000),
    });
    let t = TargetRef::operator(op);
    let pending = |c: &Chain| {
        rewards::flatten(&rewards::pending_rewards(&c.state, t, &alice).unwrap()).unwrap()
    };
    assert!(pending(&chain).is_empty());
    // Block 1 credits 1,000 uphx on 1,000,000 uatom; the slash in it halves the stake.
    let slash_at = after(chain.time, Duration::from_secs(1));
    let r = chain.block_after(
        Duration::from_secs(1),
        vec![phalanx_app::Tx {
            sender: slasher(),
            msgs: vec![submit(svc, Some(op), "0.5", slash_at).into()],
        }],
    );
    assert!(r.tx_results[0].is_ok(), "{}", r.tx_results[0].log);
    assert_eq!(operator_tokens(&chain, op), coins("500000uatom"));
    // Block 2 credits 1,000 uphx on 500,000 uatom.
    chain.block_after(Duration::from_secs(1), vec![]);
    assert_eq!(pending(&chain), "2000uphx".parse().unwrap());
    // Withdrawing in block 3 (which credits 1,000 more) pays 3,000 and leaves nothing owed.
    let before = chain.balance(&alice, "uphx");
    let r = chain.block_after(
        Duration::from_secs(1),
        vec![phalanx_app::Tx {
            sender: alice,
            msgs: vec![
                MsgWithdrawDelegatorReward {
                    delegator: alice,
                    delegation_type: DelegationKind::Operator,
                    target_id: op.0,
                }
                .into(),
            ],
        }],
    );
    assert!(r.tx_results[0].is_ok(), "{}", r.tx_results[0].log);
    assert_eq!(chain.balance(&alice, "uphx") - before, 3_000);
    assert!(rewards::outstanding(&chain.state, t).unwrap().is_empty());
    chain.check_invariants();
}

#[test]
fn slashes_are_checked_against_the_rules() {
    let mut chain = chain();
    let (admin, op_admin) = (addr("svc-admin"), addr("op-admin"));
    fund(&mut chain, admin);
    let svc = active_service(&mut chain, admin);
    let op = register_operator(&mut chain, op_admin);
    let other = register_operator(&mut chain, addr("other-admin"));
    join(&mut chain, op_admin, op, svc);
    delegate_op(&mut chain, addr("alice"), op, "1000uatom");
    let now = chain.time;
    let r = chain.err(submit(svc, Some(op), "0.1", now));
    assert_code(&r, "slashing", 1);
    let r = chain.err(MsgSetSlashingRules {
        sender: addr("bob"),
        service_id: svc,
        rules: rules("0.1", "0.2", 0, SlashDestination::Service),
    });
    assert_code(&r, "sdk", 4);
    let mut bad = rules("0.3", "0.2", 0, SlashDestination::Burn);
    let r = chain.err(MsgSetSlashingRules {
        sender: admin,
        service_id: svc,
        rules: bad.clone(),
    });
    assert_code(&r, "slashing", 2);
    bad = rules("0.1", "0.2", 0, SlashDestination::Burn);
    bad.veto_window = Duration::from_secs(5);
    let r = chain.err(MsgSetSlashingRules {
        sender: admin,
        service_id: svc,
        rules: bad,
    });
    assert_code(&r, "slashing", 2);
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("0.1", "0.2", 0, SlashDestination::Service),
    );
    let now = chain.time;
    let mut wrong = submit(svc, Some(op), "0.1", now);
    wrong.slasher = addr("bob");
    let r = chain.err(wrong);
    assert_code(&r, "sdk", 4);
    let r = chain.err(submit(svc, Some(op), "0.2", now));
    assert_code(&r, "slashing", 3);
    let r = chain.err(submit(
        svc,
        Some(op),
        "0.1",
        after(now, Duration::from_hours(1)),
    ));
    assert_code(&r, "slashing", 5);
    let r = chain.err(submit(
        svc,
        Some(op),
        "0.1",
        Timestamp(now.0 - Duration::from_hours(80).0),
    ));
    assert_code(&r, "slashing", 5);
    let r = chain.err(submit(svc, Some(other), "0.1", now));
    assert_code(&r, "slashing", 6);
    let r = chain.err(MsgVetoSlash {
        resolver: resolver(),
        slash_id: 9,
    });
    assert_code(&r, "slashing", 7);
    let r = chain.err(MsgUpdateSlashingParams {
        authority: addr("bob"),
        params: SlashingParams::default(),
    });
    assert_code(&r, "sdk", 4);
    // Destination "service": the admin receives the slashed tokens.
    let before = chain.balance(&admin, "uatom");
    run_ok(&mut chain, submit(svc, Some(op), "0.1", now));
    assert_eq!(chain.balance(&admin, "uatom") - before, 100);
    chain.check_invariants();
}

/// The rewards pool and the insurance account hold exactly what their ledgers say; no message may
/// name them to receive tokens, or the chain's invariants (and the import of an exported genesis)
/// would break. Each refusal changes nothing (`Chain::err` checks).
#[test]
fn accounts_held_to_exact_balances_cannot_be_named_as_recipients() {
    let mut chain = chain();
    let (admin, op_admin) = (addr("svc-admin"), addr("op-admin"));
    let (svc, op) = operator_securing_a_service(&mut chain, admin, op_admin);
    let protected = [
        rewards::rewards_pool(),
        phalanx_protocol::liquidvesting::insurance_address(),
    ];
    for to in protected {
        let refusals = [
            chain.err(MsgSend {
                from_address: addr("alice"),
                to_address: to,
                amount: coins("1uatom"),
            }),
            chain.err(MsgSetWithdrawAddress {
                sender: addr("alice"),
                withdraw_address: to,
            }),
            chain.err(MsgTransferServiceOwnership {
                sender: admin,
                service_id: svc,
                new_admin: to,
            }),
            chain.err(MsgTransferOperatorOwnership {
                sender: op_admin,
                operator_id: op,
                new_admin: to,
            }),
            chain.err(MsgSetSlashingRules {
                sender: admin,
                service_id: svc,
                rules: rules("0.1", "0.2", 0, SlashDestination::Recipient { address: to }),
            }),
        ];
        for r in refusals {
            assert_code(&r, "sdk", 4);
            assert!(r.log.contains("cannot be chosen to receive"), "{}", r.log);
        }
    }
    chain.check_invariants();
}

#[test]
fn new_rules_wait_for_the_change_delay_and_departed_operators_stay_slashable() {
    let mut chain = Chain::new();
    let (admin, op_admin) = (addr("svc-admin"), addr("op-admin"));
    let (svc, op) = operator_securing_a_service(&mut chain, admin, op_admin);
    delegate_op(&mut chain, addr("alice"), op, "1000uatom");
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("0.1", "0.2", 0, SlashDestination::Burn),
    );
    let record = slashing::rules(&chain.state, svc).unwrap();
    assert!(record.active.is_none());
    assert_eq!(
        record.pending.as_ref().unwrap().effective_time,
        after(chain.time, Duration::from_hours(72))
    );
    let now = chain.time;
    let r = chain.err(submit(svc, Some(op), "0.1", now));
    assert_code(&r, "slashing", 1);
    chain.advance(Duration::from_hours(72));
    let infraction = chain.time;
    chain.advance(Duration::from_secs(60));
    chain.ok(MsgLeaveService {
        sender: op_admin,
        operator_id: op,
        service_id: svc,
    });
    // It left after the infraction: still slashable for it.
    run_ok(&mut chain, submit(svc, Some(op), "0.1", infraction));
    assert_eq!(operator_tokens(&chain, op), coins("900uatom"));
    // Not for an infraction after it left.
    let now = chain.time;
    let r = chain.err(submit(svc, Some(op), "0.1", now));
    assert_code(&r, "slashing", 6);
    chain.check_invariants();
}

#[test]
fn commission_changes_are_delayed_and_bounded_once_an_operator_has_stake() {
    let mut chain = Chain::new();
    let op_admin = addr("op-admin");
    let op = register_operator(&mut chain, op_admin);
    let set = |rate: &str| MsgSetOperatorParams {
        sender: op_admin,
        operator_id: op,
        params: OperatorParams {
            commission_rate: dec(rate),
        },
    };
    // No stake: applies at once, whatever the step.
    chain.ok(set("0.2"));
    let rate = |c: &Chain| {
        phalanx_protocol::operators::operator_params(&c.state, op)
            .unwrap()
            .commission_rate
    };
    assert_eq!(rate(&chain), dec("0.2"));
    delegate_op(&mut chain, addr("alice"), op, "1000uatom");
    let r = chain.err(set("0.3"));
    assert_code(&r, "slashing", 10);
    chain.ok(set("0.25"));
    assert_eq!(rate(&chain), dec("0.2"));
    let pending = slashing::pending_commission(&chain.state, op)
        .unwrap()
        .unwrap();
    assert_eq!(pending.params.commission_rate, dec("0.25"));
    assert_eq!(
        pending.effective_time,
        after(chain.time, Duration::from_hours(24))
    );
    chain.advance(Duration::from_hours(23));
    assert_eq!(rate(&chain), dec("0.2"));
    chain.advance(Duration::from_hours(1));
    assert_eq!(rate(&chain), dec("0.25"));
    assert!(
        slashing::pending_commission(&chain.state, op)
            .unwrap()
            .is_none()
    );
    let _ = Dec::ZERO;
}

#[test]
fn slashing_state_survives_a_genesis_round_trip() {
    let (mut chain, s1, _s2, _pool) = example_b_chain();
    let now = chain.time;
    run_ok(&mut chain, submit(s1, None, "0.1", now));
    let g = phalanx_app::export_genesis(&chain.state).unwrap();
    assert_eq!(g.slashing.slashes.len(), 1);
    let json = g.to_json().unwrap();
    let copy = Chain::from_genesis(&phalanx_app::Genesis::from_json(&json).unwrap());
    assert_eq!(
        phalanx_app::export_genesis(&copy.state)
            .unwrap()
            .to_json()
            .unwrap(),
        json
    );
    copy.check_invariants();
    // Import refuses what no transaction could have produced.
    let refused = |g: &phalanx_app::Genesis, what: &str| {
        let mut state = phalanx_state::MemState::new();
        let e = phalanx_app::init_genesis(&mut state, g).unwrap_err();
        assert!(e.to_string().contains(what), "{e}");
    };
    let first_rules = |g: &mut phalanx_app::Genesis| {
        let r = &mut g.slashing.rules[0].rules;
        match (r.active.as_mut(), r.pending.as_mut()) {
            (Some(active), _) => active,
            (None, pending) => &mut pending.unwrap().rules,
        }
        .clone()
    };
    let mut long_veto = g.clone();
    let mut rules = first_rules(&mut long_veto);
    rules.veto_window = Duration::from_hours(72);
    rules.resolver = Some(resolver());
    long_veto.slashing.rules[0].rules = slashing::RulesRecord {
        active: Some(rules),
        pending: None,
    };
    refused(&long_veto, "veto_window");
    let mut pool_recipient = g.clone();
    let mut rules = first_rules(&mut pool_recipient);
    rules.destination = SlashDestination::Recipient {
        address: rewards::rewards_pool(),
    };
    pool_recipient.slashing.rules[0].rules = slashing::RulesRecord {
        active: Some(rules),
        pending: None,
    };
    refused(&pool_recipient, "rewards pool");
    let mut ghost = g.clone();
    ghost
        .slashing
        .denoms_changes
        .push(slashing::DenomsChangeRecord {
            service_id: ServiceId(99),
            time: chain.time,
            before: vec![],
        });
    refused(&ghost, "99");
}

#[test]
fn example_e_the_insurance_fund_pays_first_for_locked_stake() {
    use crate::liquidvesting::{allow_minting, deposit, fund as insurance, mint};
    use phalanx_protocol::liquidvesting;
    let mut chain = chain();
    allow_minting(&mut chain);
    let (admin, op_admin, alice, bob, carol) = (
        addr("svc-admin"),
        addr("op-admin"),
        addr("alice"),
        addr("bob"),
        addr("carol"),
    );
    let (svc, op) = operator_securing_a_service(&mut chain, admin, op_admin);
    chain.ok(mint("alice", "1000000uatom"));
    chain.ok(mint("bob", "1000000uatom"));
    chain.ok(deposit("alice", "20000uatom"));
    chain.ok(deposit("bob", "80000uatom"));
    delegate_op(&mut chain, carol, op, "1000000uatom");
    delegate_op(&mut chain, alice, op, "1000000locked/uatom");
    delegate_op(&mut chain, bob, op, "1000000locked/uatom");
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("1", "1", 0, SlashDestination::Service),
    );
    let now = after(chain.time, Duration::from_secs(BLOCK_SECS));
    let e = slashing::exposure(&chain.state, now, &alice, Some((svc, dec("0.05")))).unwrap();
    assert_eq!(
        e.loss_if_slashed,
        Some(coins("30000locked/uatom,20000uatom"))
    );
    let admin_before = bank::balance(&chain.state, &admin, "uatom").unwrap();
    let supply = |chain: &Chain, d: &str| bank::supply(&chain.state, d).unwrap();
    let (uatom, locked) = (supply(&chain, "uatom"), supply(&chain, "locked/uatom"));

    let r = run_ok(&mut chain, submit(svc, Some(op), "0.05", now));
    let executed = the_event(&r.events, "execute_slash");
    assert_eq!(
        executed.get("amount"),
        Some("30000locked/uatom,120000uatom")
    );
    assert_eq!(executed.get("insurance_paid"), Some("70000uatom"));
    let t = TargetRef::operator(op);
    assert_eq!(
        operator_tokens(&chain, op),
        coins("1970000locked/uatom,950000uatom")
    );
    assert_eq!(value(&chain, t, &carol), coins("950000uatom"));
    assert_eq!(value(&chain, t, &alice), coins("970000locked/uatom"));
    assert_eq!(value(&chain, t, &bob), coins("1000000locked/uatom"));
    assert_eq!(insurance(&chain, "alice", "uatom"), 0);
    assert_eq!(insurance(&chain, "bob", "uatom"), 30_000);
    let checked = |chain: &Chain, who: &Address| {
        liquidvesting::fund_entry(&chain.state, who, "uatom")
            .unwrap()
            .unwrap()
            .checked_percentage
    };
    assert_eq!(checked(&chain, &alice), Dec::ZERO);
    assert_eq!(checked(&chain, &bob), Dec::from_int(2));
    assert_eq!(
        bank::balance(&chain.state, &admin, "uatom").unwrap(),
        admin_before + 120_000
    );
    assert_eq!(supply(&chain, "uatom"), uatom);
    assert_eq!(supply(&chain, "locked/uatom"), locked - 30_000);
    let record = slashing::slash(&chain.state, 1).unwrap().unwrap();
    assert_eq!(record.slashed, coins("30000locked/uatom,120000uatom"));
    assert_eq!(record.insurance_paid, coins("70000uatom"));
    chain.check_invariants();
    // Alice's fund no longer covers her: restaking more locked tokens needs a deposit first.
    chain.ok(mint("alice", "1000uatom"));
    let refused = chain.err(MsgDelegateOperator {
        delegator: alice,
        operator_id: op,
        amount: coins("1000locked/uatom"),
    });
    assert!(refused.log.contains("insurance"), "{}", refused.log);
    chain.ok(deposit("alice", "19420uatom"));
    delegate_op(&mut chain, alice, op, "1000locked/uatom");
    assert_eq!(checked(&chain, &alice), Dec::from_int(2));
    chain.check_invariants();
}

#[test]
fn locked_pool_stake_and_entries_draw_on_the_fund_only_when_a_slash_reaches_them() {
    use crate::liquidvesting::{allow_minting, deposit, fund as insurance, mint};
    let mut chain = chain();
    allow_minting(&mut chain);
    let (admin, alice, bob) = (addr("svc-admin"), addr("alice"), addr("bob"));
    fund(&mut chain, admin);
    let svc = active_service(&mut chain, admin);
    for who in ["alice", "bob"] {
        chain.ok(mint(who, "1000000uatom"));
        chain.ok(deposit(who, "30000uatom"));
        chain.ok(MsgDelegatePool {
            delegator: addr(who),
            amount: Coin::new("locked/uatom", 1_000_000),
        });
    }
    let pool = phalanx_protocol::pools::pool_by_denom(&chain.state, "locked/uatom")
        .unwrap()
        .unwrap()
        .id;
    chain.ok(MsgBorrowPoolSecurity {
        sender: admin,
        service_id: svc,
        pool_id: pool,
    });
    trust(&mut chain, alice, &[svc.0]);
    set_rules(
        &mut chain,
        admin,
        svc,
        rules("1", "1", 0, SlashDestination::Burn),
    );
    let infraction = chain.time;
    // Alice starts unbonding 100,000 after the infraction: that entry stays slashable.
    chain.ok(MsgUndelegatePool {
        delegator: alice,
        amount: Coin::new("locked/uatom", 100_000),
    });
    let r = run_ok(&mut chain, submit(svc, None, "0.1", infraction));
    // Alice owes 90,000 on her 900,000 delegation and 10,000 on her entry: her fund pays 30,000 (the
    // delegation's draw comes first), the delegation loses 60,000 and the entry 10,000.
    assert_eq!(
        the_event(&r.events, "execute_slash").get("insurance_paid"),
        Some("30000uatom")
    );
    let p = TargetRef::pool(pool);
    assert_eq!(value(&chain, p, &alice), coins("840000locked/uatom"));
    let entry = restaking::target_unbonding_delegation(&chain.state, p, &alice)
        .unwrap()
        .unwrap();
    assert_eq!(entry.entries[0].balance, coins("90000locked/uatom"));
    assert_eq!(insurance(&chain, "alice", "uatom"), 0);
    // Bob does not trust the service: neither his stake nor his fund moved.
    assert_eq!(value(&chain, p, &bob), coins("1000000locked/uatom"));
    assert_eq!(insurance(&chain, "bob", "uatom"), 30_000);
    chain.check_invariants();
}

#[test]
fn a_slash_that_cannot_execute_fails_alone_and_the_chain_goes_on() {
    use phalanx_protocol::{BlockInfo, Ctx};
    let mut chain = chain();
    let (admin, alice, svc, op) =
        alice_behind_a_slashable_operator(&mut chain, rules("1", "1", 10, SlashDestination::Burn));
    let now = chain.time;
    run_ok(&mut chain, submit(svc, Some(op), "0.1", now));
    // Storage damaged behind the ledger's back: the operator's custody account no longer holds the
    // stake, so burning the slashed tokens cannot succeed.
    let custody = TargetRef::operator(op).custody_address();
    {
        let block = BlockInfo {
            height: 0,
            time: chain.time,
        };
        let mut ctx = Ctx::new(&mut chain.state, block, authority());
        bank::send(
            &mut ctx,
            &custody,
            &addr("elsewhere"),
            &coins("1000000uatom"),
        )
        .unwrap();
    }
    let tokens = operator_tokens(&chain, op);
    let events = chain.advance(Duration::from_secs(15));
    let failed = the_event(&events, "slash_failed");
    assert_eq!(failed.get("slash_id"), Some("1"));
    assert!(failed.get("error").is_some_and(|e| !e.is_empty()));
    assert!(
        events
            .iter()
            .all(|e| e.kind != "slash_target" && e.kind != "burn")
    );
    let record = slashing::slash(&chain.state, 1).unwrap().unwrap();
    assert_eq!(record.status, slashing::SlashStatus::Failed);
    assert!(record.failure.is_some() && record.slashed.is_empty());
    // Nothing of the slash was applied, and the next blocks run.
    assert_eq!(operator_tokens(&chain, op), tokens);
    // It took nothing, so it no longer uses up the rolling window: a full slash fits again.
    let rules_now = slashing::rules(&chain.state, svc).unwrap();
    let in_effect = rules_now.in_effect(chain.time).unwrap();
    assert_eq!(
        slashing::room(&chain.state, svc, in_effect, chain.time).unwrap(),
        dec("1")
    );
    chain.ok(MsgSend {
        from_address: alice,
        to_address: admin,
        amount: coins("1uphx"),
    });
}
