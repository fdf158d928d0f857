//! Delegation to pools, operators and services: share math (spec §0.4), target status, restakable denoms,
//! the USD cap, failing amounts, and the delegation queries. Also holds the small setup helpers that the
//! unbonding and relations scenarios share.

use crate::harness::*;
use phalanx_app::{MsgResponse, TxResult};
use phalanx_protocol::operators::{self, OperatorStatus};
use phalanx_protocol::restaking::{self, TargetObject, TargetRef};
use phalanx_protocol::services::{self, ServiceStatus};
use phalanx_protocol::store::PageRequest;
use phalanx_protocol::{assets, pools};
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, DecCoins, Duration, Event, OperatorId, PoolId, ServiceId,
};

// ---------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------

/// Executes `msg` signed by its signer, requires success, and returns the whole result (with events).
pub(crate) fn run(chain: &mut Chain, msg: impl Into<Msg>) -> TxResult {
    let msg = msg.into();
    let r = chain.tx(msg.signer(), vec![msg.clone()]);
    assert!(r.is_ok(), "{} failed: {}", msg.type_url(), r.log);
    r
}

/// How many events of `kind` there are.
pub(crate) fn count(events: &[Event], kind: &str) -> usize {
    events.iter().filter(|e| e.kind == kind).count()
}

/// The one event of `kind`.
pub(crate) fn the_event<'a>(events: &'a [Event], kind: &str) -> &'a Event {
    let found: Vec<&Event> = events.iter().filter(|e| e.kind == kind).collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {kind} event in {events:?}"
    );
    found[0]
}

/// Asserts an event's attributes, in emission order.
pub(crate) fn assert_attrs(e: &Event, expected: &[(&str, String)]) {
    let got: Vec<(&str, &str)> = e
        .attributes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let want: Vec<(&str, &str)> = expected.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(got, want, "attributes of {}", e.kind);
}

/// Registers an operator administered by `admin`.
pub(crate) fn register_operator(chain: &mut Chain, admin: Address) -> OperatorId {
    match chain.ok(MsgRegisterOperator {
        sender: admin,
        moniker: "operator".into(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: Coins::empty(),
    }) {
        MsgResponse::NewOperatorId(id) => id,
        other => panic!("unexpected response {other:?}"),
    }
}

/// Creates a service administered by `admin` (status CREATED).
pub(crate) fn create_service(chain: &mut Chain, admin: Address) -> ServiceId {
    match chain.ok(MsgCreateService {
        sender: admin,
        name: "service".into(),
        description: String::new(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: Coins::empty(),
    }) {
        MsgResponse::NewServiceId(id) => id,
        other => panic!("unexpected response {other:?}"),
    }
}

/// Creates and activates a service administered by `admin`.
pub(crate) fn active_service(chain: &mut Chain, admin: Address) -> ServiceId {
    let id = create_service(chain, admin);
    chain.ok(MsgActivateService {
        sender: admin,
        service_id: id,
    });
    id
}

/// Deactivates an ACTIVE service.
pub(crate) fn deactivate_service(chain: &mut Chain, admin: Address, id: ServiceId) {
    chain.ok(MsgDeactivateService {
        sender: admin,
        service_id: id,
    });
}

/// Deactivates an operator and waits until it is INACTIVE.
pub(crate) fn make_operator_inactive(chain: &mut Chain, admin: Address, id: OperatorId) {
    chain.ok(MsgDeactivateOperator {
        sender: admin,
        operator_id: id,
    });
    assert_eq!(operator_status(chain, id), OperatorStatus::Inactivating);
    chain.advance(Duration::from_hours(72));
    assert_eq!(operator_status(chain, id), OperatorStatus::Inactive);
}

pub(crate) fn operator_status(chain: &Chain, id: OperatorId) -> OperatorStatus {
    operators::must_operator(&chain.state, id).unwrap().status
}

pub(crate) fn service_status(chain: &Chain, id: ServiceId) -> ServiceStatus {
    services::must_service(&chain.state, id).unwrap().status
}

/// Changes the restaking params through the authority.
pub(crate) fn update_restaking_params(
    chain: &mut Chain,
    change: impl FnOnce(&mut RestakingParams),
) {
    let mut params = restaking::params(&chain.state).unwrap();
    change(&mut params);
    chain.ok(MsgUpdateRestakingParams {
        authority: authority(),
        params,
    });
}

/// The first page of a list (default size).
pub(crate) fn first_page() -> PageRequest {
    PageRequest::default()
}

/// A page of `limit` items starting after `key`.
pub(crate) fn page(limit: u32, key: Option<Vec<u8>>) -> PageRequest {
    PageRequest {
        key,
        limit: Some(limit),
    }
}

pub(crate) fn dec_coins(s: &str) -> DecCoins {
    s.parse().expect("valid dec coins")
}

pub(crate) fn dec(s: &str) -> Dec {
    s.parse().expect("valid dec")
}

/// The shares a delegator holds in a target (empty if no delegation).
pub(crate) fn shares_of(chain: &Chain, target: TargetRef, who: &Address) -> DecCoins {
    restaking::target_delegation(&chain.state, target, who)
        .unwrap()
        .map(|d| d.delegation.shares)
        .unwrap_or_default()
}

/// What a delegator's delegation to a target is worth now (empty if no delegation).
pub(crate) fn delegation_balance(chain: &Chain, target: TargetRef, who: &Address) -> Coins {
    restaking::target_delegation(&chain.state, target, who)
        .unwrap()
        .map(|d| d.balance)
        .unwrap_or_default()
}

pub(crate) fn target_tokens(chain: &Chain, target: TargetRef) -> Coins {
    restaking::load_target(&chain.state, target).unwrap().tokens
}

pub(crate) fn target_shares(chain: &Chain, target: TargetRef) -> DecCoins {
    restaking::load_target(&chain.state, target).unwrap().shares
}

pub(crate) fn custody_balance(chain: &Chain, target: TargetRef, denom: &str) -> u128 {
    chain.balance(&target.custody_address(), denom)
}

pub(crate) fn pool_of(chain: &Chain, denom: &str) -> PoolId {
    pools::pool_by_denom(&chain.state, denom)
        .unwrap()
        .expect("pool exists")
        .id
}

fn new_shares(r: &TxResult) -> DecCoins {
    match &r.responses[0] {
        MsgResponse::NewShares(s) => s.clone(),
        other => panic!("unexpected response {other:?}"),
    }
}

fn max_coins(denoms: &[&str]) -> Coins {
    Coins::new(denoms.iter().map(|d| Coin::new(*d, u128::MAX)).collect()).unwrap()
}

// ---------------------------------------------------------------------------------------------------------
// Happy paths and share math
// ---------------------------------------------------------------------------------------------------------

#[test]
fn pool_delegation_creates_pools_lazily_one_to_one_then_proportionally() {
    let mut chain = Chain::new();
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    assert!(pools::all_pools(&chain.state).unwrap().is_empty());
    assert_eq!(pools::next_pool_id(&chain.state).unwrap(), PoolId(1));

    // The first delegation of a denom creates its pool (id 1) and issues shares 1:1.
    let r = run(
        &mut chain,
        MsgDelegatePool {
            delegator: bob,
            amount: Coin::new("utia", 500),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("500utia"));
    assert_attrs(
        the_event(&r.events, "create_pool"),
        &[("pool_id", "1".into()), ("denom", "utia".into())],
    );
    assert_attrs(
        the_event(&r.events, "delegate_pool"),
        &[
            ("delegator", bob.to_string()),
            ("amount", "500utia".into()),
            ("new_shares", "500.000000000000000000utia".into()),
        ],
    );
    let pool = pools::must_pool(&chain.state, PoolId(1)).unwrap();
    assert_eq!((pool.denom.as_str(), pool.tokens), ("utia", 500));
    assert_eq!(pool.delegator_shares, Dec::from_int(500));
    assert_eq!(pool.address, pools::custody_address(PoolId(1)));
    assert_eq!(chain.balance(&bob, "utia"), FUNDS - 500);
    assert_eq!(chain.balance(&pool.address, "utia"), 500);

    // Another denom gets the next id.
    let r = run(
        &mut chain,
        MsgDelegatePool {
            delegator: carol,
            amount: Coin::new("uatom", 300),
        },
    );
    assert_eq!(
        the_event(&r.events, "create_pool").get("pool_id"),
        Some("2")
    );
    assert_eq!(pool_of(&chain, "uatom"), PoolId(2));

    // A later delegation to an existing pool is proportional and creates nothing.
    let r = run(
        &mut chain,
        MsgDelegatePool {
            delegator: alice,
            amount: Coin::new("utia", 200),
        },
    );
    assert_eq!(count(&r.events, "create_pool"), 0);
    assert_eq!(new_shares(&r), dec_coins("200utia"));
    let p1 = TargetRef::pool(PoolId(1));
    assert_eq!(target_tokens(&chain, p1), coins("700utia"));
    assert_eq!(target_shares(&chain, p1), dec_coins("700utia"));
    assert_eq!(delegation_balance(&chain, p1, &bob), coins("500utia"));
    assert_eq!(delegation_balance(&chain, p1, &alice), coins("200utia"));
    assert_eq!(
        restaking::total_restaked(&chain.state, "utia").unwrap(),
        700
    );
    assert_eq!(
        restaking::total_restaked(&chain.state, "uatom").unwrap(),
        300
    );

    // Delegating again adds to the same delegation record.
    run(
        &mut chain,
        MsgDelegatePool {
            delegator: bob,
            amount: Coin::new("utia", 50),
        },
    );
    assert_eq!(shares_of(&chain, p1, &bob), dec_coins("550utia"));
    assert_eq!(
        chain.balance(&pools::custody_address(PoolId(1)), "utia"),
        750
    );
    chain.check_invariants();
}

#[test]
fn operator_and_service_delegations_take_several_denoms() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let op_t = TargetRef::operator(op);
    let svc_t = TargetRef::service(svc);

    let r = run(
        &mut chain,
        MsgDelegateOperator {
            delegator: bob,
            operator_id: op,
            amount: coins("1000uatom,5ubtc"),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("1000uatom,5ubtc"));
    assert_attrs(
        the_event(&r.events, "delegate_operator"),
        &[
            ("delegator", bob.to_string()),
            ("operator_id", op.to_string()),
            ("amount", "1000uatom,5ubtc".into()),
            (
                "new_shares",
                "1000.000000000000000000uatom,5.000000000000000000ubtc".into(),
            ),
        ],
    );
    assert_eq!(chain.balance(&bob, "uatom"), FUNDS - 1000);
    assert_eq!(chain.balance(&bob, "ubtc"), FUNDS - 5);
    assert_eq!(custody_balance(&chain, op_t, "uatom"), 1000);
    assert_eq!(custody_balance(&chain, op_t, "ubtc"), 5);
    assert_eq!(
        operators::must_operator(&chain.state, op).unwrap().address,
        op_t.custody_address()
    );

    // Second delegator, one denom: proportional (the rate is still one token per share).
    let r = run(
        &mut chain,
        MsgDelegateOperator {
            delegator: carol,
            operator_id: op,
            amount: coins("500uatom"),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("500uatom"));
    assert_eq!(target_tokens(&chain, op_t), coins("1500uatom,5ubtc"));
    assert_eq!(target_shares(&chain, op_t), dec_coins("1500uatom,5ubtc"));
    assert_eq!(delegation_balance(&chain, op_t, &carol), coins("500uatom"));

    let r = run(
        &mut chain,
        MsgDelegateService {
            delegator: bob,
            service_id: svc,
            amount: coins("700utia,3uphx"),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("700utia,3uphx"));
    assert_attrs(
        the_event(&r.events, "delegate_service"),
        &[
            ("delegator", bob.to_string()),
            ("service_id", svc.to_string()),
            ("amount", "3uphx,700utia".into()),
            (
                "new_shares",
                "3.000000000000000000uphx,700.000000000000000000utia".into(),
            ),
        ],
    );
    assert_eq!(target_tokens(&chain, svc_t), coins("700utia,3uphx"));
    assert_eq!(custody_balance(&chain, svc_t, "utia"), 700);
    assert_eq!(
        delegation_balance(&chain, svc_t, &bob),
        coins("700utia,3uphx")
    );
    assert_eq!(
        restaking::total_restaked(&chain.state, "uatom").unwrap(),
        1500
    );
    assert_eq!(
        restaking::total_restaked(&chain.state, "utia").unwrap(),
        700
    );
    chain.check_invariants();
}

/// Builds a chain whose pool 1 (utia) and operator 1 have exchange rates other than one token per share,
/// as rewards or slashes would leave them: carol holds every share.
fn chain_with_moved_rates() -> Chain {
    let mut chain = Chain::new();
    let (alice, carol) = (addr("alice"), addr("carol"));
    let op = register_operator(&mut chain, alice);
    chain.ok(MsgDelegateOperator {
        delegator: carol,
        operator_id: op,
        amount: coins("100uatom,100ubtc"),
    });
    chain.ok(MsgDelegatePool {
        delegator: carol,
        amount: Coin::new("utia", 100),
    });
    let mut g = phalanx_app::export_genesis(&chain.state).unwrap();
    // Pool 1: 200 tokens for 100 shares; operator 1: 300uatom for 100 shares, ubtc unchanged.
    g.pools.pools[0].tokens = 200;
    g.restaking.pool_tranches[0].tranches[0].tokens = 200;
    g.operators.operators[0].tokens = coins("300uatom,100ubtc");
    let extra = [
        (pools::custody_address(PoolId(1)), coins("100utia")),
        (operators::custody_address(op), coins("200uatom")),
    ];
    for (who, more) in extra {
        let b = g
            .bank
            .balances
            .iter_mut()
            .find(|b| b.address == who)
            .expect("custody account funded");
        b.coins = b.coins.checked_add(&more).unwrap();
    }
    let chain = Chain::from_genesis(&g);
    chain.check_invariants();
    chain
}

#[test]
fn shares_follow_the_exchange_rate_and_round_for_the_target() {
    let mut chain = chain_with_moved_rates();
    let (bob, carol) = (addr("bob"), addr("carol"));
    let pool = TargetRef::pool(PoolId(1));
    let op = TargetRef::operator(OperatorId(1));
    assert_eq!(delegation_balance(&chain, pool, &carol), coins("200utia"));
    assert_eq!(
        delegation_balance(&chain, op, &carol),
        coins("300uatom,100ubtc")
    );

    // shares = existing shares × amount ÷ tokens, per denom.
    let r = run(
        &mut chain,
        MsgDelegatePool {
            delegator: bob,
            amount: Coin::new("utia", 50),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("25utia"));
    let r = run(
        &mut chain,
        MsgDelegateOperator {
            delegator: bob,
            operator_id: OperatorId(1),
            amount: coins("30uatom,10ubtc"),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("10uatom,10ubtc"));

    // 110 shares × 7 ÷ 330 tokens = 2.333…: truncated at 18 decimals.
    let r = run(
        &mut chain,
        MsgDelegateOperator {
            delegator: bob,
            operator_id: OperatorId(1),
            amount: coins("7uatom"),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("2.333333333333333333uatom"));
    assert_eq!(
        shares_of(&chain, op, &bob),
        dec_coins("12.333333333333333333uatom,10ubtc")
    );
    assert_eq!(
        target_shares(&chain, op),
        dec_coins("112.333333333333333333uatom,110ubtc")
    );
    // The balance is truncated too: bob put in 37uatom and is shown 36 (never more than the target has).
    assert_eq!(
        delegation_balance(&chain, op, &bob),
        coins("36uatom,10ubtc")
    );
    assert_eq!(
        delegation_balance(&chain, op, &carol),
        coins("300uatom,100ubtc")
    );
    chain.check_invariants();

    // Redeeming at the moved rate: 200utia of 250 is 100 of 125 shares; the last one out takes the rest.
    chain.ok(MsgUndelegatePool {
        delegator: carol,
        amount: Coin::new("utia", 200),
    });
    assert_eq!(shares_of(&chain, pool, &carol), DecCoins::empty());
    assert_eq!(target_tokens(&chain, pool), coins("50utia"));
    chain.ok(MsgUndelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 50),
    });
    assert!(target_tokens(&chain, pool).is_empty());
    assert!(target_shares(&chain, pool).is_empty());
    let (carol_before, bob_before) = (chain.balance(&carol, "utia"), chain.balance(&bob, "utia"));
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&carol, "utia"), carol_before + 200);
    assert_eq!(chain.balance(&bob, "utia"), bob_before + 50);
    chain.check_invariants();

    // A pool emptied of shares starts over at one token per share.
    let r = run(
        &mut chain,
        MsgDelegatePool {
            delegator: bob,
            amount: Coin::new("utia", 40),
        },
    );
    assert_eq!(new_shares(&r), dec_coins("40utia"));
    chain.check_invariants();
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

#[test]
fn delegation_needs_the_delegators_signature() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let r = chain.err_as(
        bob,
        MsgDelegatePool {
            delegator: alice,
            amount: Coin::new("uatom", 1),
        },
    );
    assert_code(&r, "sdk", 4);
    let r = chain.err_as(
        bob,
        MsgDelegateOperator {
            delegator: alice,
            operator_id: op,
            amount: coins("1uatom"),
        },
    );
    assert_code(&r, "sdk", 4);
    let r = chain.err_as(
        alice,
        MsgDelegateService {
            delegator: bob,
            service_id: svc,
            amount: coins("1uatom"),
        },
    );
    assert_code(&r, "sdk", 4);
    assert_eq!(chain.balance(&alice, "uatom"), FUNDS);
}

#[test]
fn delegation_to_missing_targets_is_not_found() {
    let mut chain = Chain::new();
    let bob = addr("bob");
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: OperatorId(7),
        amount: coins("1uatom"),
    });
    assert_code(&r, "operators", 100);
    let r = chain.err(MsgDelegateService {
        delegator: bob,
        service_id: ServiceId(7),
        amount: coins("1uatom"),
    });
    assert_code(&r, "services", 100);
    // Id zero is refused before any state is read.
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: OperatorId(0),
        amount: coins("1uatom"),
    });
    assert_code(&r, "sdk", 18);
    let r = chain.err(MsgDelegateService {
        delegator: bob,
        service_id: ServiceId(0),
        amount: coins("1uatom"),
    });
    assert_code(&r, "sdk", 18);
}

#[test]
fn operator_must_be_active_to_take_delegations() {
    let mut chain = Chain::new();
    let (alice, bob) = (addr("alice"), addr("bob"));
    let op = register_operator(&mut chain, alice);
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100uatom"),
    });
    chain.ok(MsgDeactivateOperator {
        sender: alice,
        operator_id: op,
    });
    assert_eq!(operator_status(&chain, op), OperatorStatus::Inactivating);
    let delegate = MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("1uatom"),
    };
    assert_code(&chain.err(delegate.clone()), "operators", 4);
    chain.advance(Duration::from_hours(72));
    assert_eq!(operator_status(&chain, op), OperatorStatus::Inactive);
    assert_code(&chain.err(delegate.clone()), "operators", 4);
    chain.ok(MsgReactivateOperator {
        sender: alice,
        operator_id: op,
    });
    chain.ok(delegate);
    assert_eq!(
        delegation_balance(&chain, TargetRef::operator(op), &bob),
        coins("101uatom")
    );
    chain.check_invariants();
}

#[test]
fn service_must_be_active_to_take_delegations() {
    let mut chain = Chain::new();
    let (bob, dave) = (addr("bob"), addr("dave"));
    let svc = create_service(&mut chain, dave);
    assert_eq!(service_status(&chain, svc), ServiceStatus::Created);
    let delegate = MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("10utia"),
    };
    assert_code(&chain.err(delegate.clone()), "services", 4);
    chain.ok(MsgActivateService {
        sender: dave,
        service_id: svc,
    });
    chain.ok(delegate.clone());
    deactivate_service(&mut chain, dave, svc);
    assert_eq!(service_status(&chain, svc), ServiceStatus::Inactive);
    assert_code(&chain.err(delegate), "services", 4);
    // Existing stake stays where it is.
    assert_eq!(
        delegation_balance(&chain, TargetRef::service(svc), &bob),
        coins("10utia")
    );
    chain.check_invariants();
}

#[test]
fn global_allowed_denoms_limit_every_kind_of_delegation() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100ubtc"),
    });

    // Only the authority may change the params.
    let mut params = restaking::params(&chain.state).unwrap();
    params.allowed_denoms = vec!["uatom".into(), "utia".into()];
    let r = chain.err(MsgUpdateRestakingParams {
        authority: bob,
        params: params.clone(),
    });
    assert_code(&r, "sdk", 4);
    let r = run(
        &mut chain,
        MsgUpdateRestakingParams {
            authority: authority(),
            params,
        },
    );
    assert_eq!(
        the_event(&r.events, "update_params").get("module"),
        Some("restaking")
    );

    // Pool: not restakable, and no pool gets created for it.
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("ubtc", 10),
    });
    assert_code(&r, "restaking", 14);
    assert!(
        pools::pool_by_denom(&chain.state, "ubtc")
            .unwrap()
            .is_none()
    );
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 10),
    });

    // Operator: every coin must be allowed.
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("10uatom,10ubtc"),
    });
    assert_code(&r, "restaking", 14);
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("10uatom,10utia"),
    });

    // Service without its own list: the global list applies.
    let r = chain.err(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("10uphx"),
    });
    assert_code(&r, "restaking", 14);
    chain.ok(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("10uatom"),
    });

    // Stake in a denom that is no longer allowed can still be undelegated.
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100ubtc"),
    });
    assert_eq!(
        delegation_balance(&chain, TargetRef::operator(op), &bob),
        coins("10uatom,10utia")
    );
    chain.check_invariants();
}

#[test]
fn service_allowed_denoms_intersect_the_global_list() {
    let mut chain = Chain::new();
    let (bob, dave) = (addr("bob"), addr("dave"));
    let svc = active_service(&mut chain, dave);
    let set_service_denoms = |chain: &mut Chain, denoms: &[&str]| {
        chain.ok(MsgSetServiceParams {
            sender: dave,
            service_id: svc,
            service_params: ServiceParams {
                allowed_denoms: denoms.iter().map(|d| d.to_string()).collect(),
            },
        });
    };
    let set_global = |chain: &mut Chain, denoms: &[&str]| {
        update_restaking_params(chain, |p| {
            p.allowed_denoms = denoms.iter().map(|d| d.to_string()).collect();
        });
    };
    let attempt = |chain: &mut Chain, amount: &str| -> bool {
        let msg = MsgDelegateService {
            delegator: bob,
            service_id: svc,
            amount: coins(amount),
        };
        let r = chain.tx(bob, vec![msg.into()]);
        if !r.is_ok() {
            assert_code(&r, "restaking", 14);
        }
        r.is_ok()
    };

    // Service list only: it alone decides.
    set_service_denoms(&mut chain, &["utia", "uphx"]);
    assert!(!attempt(&mut chain, "1uatom"));
    assert!(!attempt(&mut chain, "1uatom,1utia"));
    assert!(attempt(&mut chain, "1utia,1uphx"));

    // Both lists: the intersection.
    set_global(&mut chain, &["uatom", "utia"]);
    assert!(attempt(&mut chain, "1utia"));
    assert!(!attempt(&mut chain, "1uphx"));
    assert!(!attempt(&mut chain, "1uatom"));

    // Disjoint lists reject everything, including denoms that one of the lists allows.
    set_service_denoms(&mut chain, &["ubtc"]);
    for amount in ["1uatom", "1utia", "1ubtc", "1uphx"] {
        let r = chain.err(MsgDelegateService {
            delegator: bob,
            service_id: svc,
            amount: coins(amount),
        });
        assert_code(&r, "restaking", 14);
    }

    // Global list only once the service clears its own.
    set_service_denoms(&mut chain, &[]);
    assert!(attempt(&mut chain, "1uatom"));
    assert!(!attempt(&mut chain, "1ubtc"));

    // The service list never limits pool or operator delegations.
    set_global(&mut chain, &[]);
    set_service_denoms(&mut chain, &["utia"]);
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("ubtc", 1),
    });
    assert_eq!(
        delegation_balance(&chain, TargetRef::service(svc), &bob),
        coins("1uatom,1uphx,2utia")
    );
    chain.check_invariants();
}

#[test]
fn restaking_cap_counts_all_targets_in_usd() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    update_restaking_params(&mut chain, |p| p.restaking_cap = Dec::from_int(1000));

    // 600 + 300 + 100 USD: exactly at the cap is allowed.
    chain.ok(MsgDelegatePool {
        delegator: alice,
        amount: Coin::new("uatom", 600_000_000),
    });
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("300000000utia"),
    });
    chain.ok(MsgDelegateService {
        delegator: carol,
        service_id: svc,
        amount: coins("100000000uphx"),
    });

    // One more base unit of anything priced passes it.
    let r = chain.err(MsgDelegatePool {
        delegator: dave,
        amount: Coin::new("uatom", 1),
    });
    assert_code(&r, "restaking", 15);
    assert!(r.log.contains("1000"), "{}", r.log);
    // 1000 sat of BTC at 100000 USD per 10^8 is one dollar.
    let r = chain.err(MsgDelegateOperator {
        delegator: dave,
        operator_id: op,
        amount: coins("1000ubtc"),
    });
    assert_code(&r, "restaking", 15);
    let r = chain.err(MsgDelegateService {
        delegator: dave,
        service_id: svc,
        amount: coins("1utia"),
    });
    assert_code(&r, "restaking", 15);

    // Unbonding tokens do not count: undelegating 100 USD frees 100 USD of room.
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("100000000utia"),
    });
    chain.ok(MsgDelegateOperator {
        delegator: dave,
        operator_id: op,
        amount: coins("100000ubtc"),
    });
    let r = chain.err(MsgDelegatePool {
        delegator: dave,
        amount: Coin::new("utia", 1),
    });
    assert_code(&r, "restaking", 15);

    // Raising the cap (or removing it with zero) lets delegations through again.
    update_restaking_params(&mut chain, |p| p.restaking_cap = Dec::ZERO);
    chain.ok(MsgDelegatePool {
        delegator: dave,
        amount: Coin::new("uatom", 5_000_000_000),
    });
    chain.check_invariants();
}

#[test]
fn insufficient_funds_fail_without_effect() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let erin = addr("erin");
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let r = chain.err(MsgDelegatePool {
        delegator: erin,
        amount: Coin::new("uatom", 1),
    });
    assert_code(&r, "bank", 1);
    // The pool the failed delegation would have created does not exist.
    assert!(pools::all_pools(&chain.state).unwrap().is_empty());
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", FUNDS + 1),
    });
    assert_code(&r, "bank", 1);
    // One coin short is enough to fail the whole multi-denom delegation.
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: Coins::new(vec![Coin::new("uatom", 1), Coin::new("ubtc", FUNDS + 1)]).unwrap(),
    });
    assert_code(&r, "bank", 1);
    let r = chain.err(MsgDelegateService {
        delegator: erin,
        service_id: svc,
        amount: coins("1utia"),
    });
    assert_code(&r, "bank", 1);
    // Exactly everything is fine.
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", FUNDS),
    });
    assert_eq!(chain.balance(&bob, "uatom"), 0);
    chain.check_invariants();
}

#[test]
fn zero_amounts_are_rejected_before_state_is_read() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 0),
    });
    assert_code(&r, "sdk", 18);
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("0uatom"),
    });
    assert_code(&r, "sdk", 18);
    let r = chain.err(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: Coins::empty(),
    });
    assert_code(&r, "sdk", 18);
    // A malformed denom is refused as well.
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("U", 1),
    });
    assert!(r.codespace == "sdk", "{}", r.log);
}

#[test]
fn u128_max_amounts_fail_cleanly() {
    let mut chain = Chain::new();
    let (alice, bob, dave) = (addr("alice"), addr("bob"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let max = Coin::new("uatom", u128::MAX);

    // No cap: the bank refuses.
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: max.clone(),
    });
    assert_code(&r, "bank", 1);
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: max_coins(&["uatom", "ubtc", "uphx", "utia"]),
    });
    assert_code(&r, "bank", 1);
    let r = chain.err(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: max_coins(&["uatom", "utia"]),
    });
    assert_code(&r, "bank", 1);

    // With a cap, valuing u128::MAX on top of what is restaked must not panic either.
    update_restaking_params(&mut chain, |p| p.restaking_cap = Dec::from_int(1_000_000));
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: max.clone(),
    });
    assert_code(&r, "restaking", 15);
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("uatom", 1),
    });
    let r = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: max_coins(&["uatom", "ubtc"]),
    });
    // Restaked + u128::MAX does not fit: an arithmetic error, not a panic.
    assert_code(&r, "sdk", 7);
    let r = chain.err(MsgDelegatePool {
        delegator: bob,
        amount: max,
    });
    // Restaked + u128::MAX does not fit: an arithmetic error, not a panic.
    assert_code(&r, "sdk", 7);
    chain.check_invariants();
}

// ---------------------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------------------

#[test]
fn delegation_queries_list_and_paginate() {
    let mut chain = Chain::new();
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    let op = register_operator(&mut chain, alice);
    let svc = active_service(&mut chain, dave);
    let op_t = TargetRef::operator(op);
    for (who, amount) in [(bob, "10uatom"), (carol, "20uatom,1ubtc"), (dave, "30utia")] {
        chain.ok(MsgDelegateOperator {
            delegator: who,
            operator_id: op,
            amount: coins(amount),
        });
    }
    for denom in ["utia", "uatom", "ubtc"] {
        chain.ok(MsgDelegatePool {
            delegator: bob,
            amount: Coin::new(denom, 5),
        });
    }
    chain.ok(MsgDelegateService {
        delegator: bob,
        service_id: svc,
        amount: coins("7uphx"),
    });

    // Delegations to one target, two per page.
    let (first, next) = restaking::target_delegations(&chain.state, op_t, &page(2, None)).unwrap();
    assert_eq!(first.len(), 2);
    let key = next.next_key.expect("a second page");
    let (second, next) =
        restaking::target_delegations(&chain.state, op_t, &page(2, Some(key))).unwrap();
    assert_eq!(second.len(), 1);
    assert!(next.next_key.is_none());
    let mut listed: Vec<(Address, Coins)> = first
        .iter()
        .chain(second.iter())
        .map(|d| (d.delegation.delegator, d.balance.clone()))
        .collect();
    listed.sort_by_key(|(a, _)| *a);
    let mut expected = vec![
        (bob, coins("10uatom")),
        (carol, coins("20uatom,1ubtc")),
        (dave, coins("30utia")),
    ];
    expected.sort_by_key(|(a, _)| *a);
    assert_eq!(listed, expected);
    for d in first.iter().chain(second.iter()) {
        assert_eq!(d.delegation.target(), op_t);
        assert_eq!(d.delegation.kind, DelegationKind::Operator);
    }
    let (all, next) = restaking::target_delegations(&chain.state, op_t, &first_page()).unwrap();
    assert_eq!((all.len(), next.next_key), (3, None));

    // One delegator's delegations per kind, paginated.
    let (p1, next) =
        restaking::delegator_delegations(&chain.state, &bob, DelegationKind::Pool, &page(2, None))
            .unwrap();
    let (p2, next2) = restaking::delegator_delegations(
        &chain.state,
        &bob,
        DelegationKind::Pool,
        &page(2, next.next_key),
    )
    .unwrap();
    assert!(next2.next_key.is_none());
    let pool_ids: Vec<u32> = p1
        .iter()
        .chain(p2.iter())
        .map(|d| d.delegation.target_id)
        .collect();
    assert_eq!(pool_ids, vec![1, 2, 3]);
    for d in p1.iter().chain(p2.iter()) {
        assert_eq!(d.balance.len(), 1);
        assert_eq!(d.balance.iter().next().unwrap().amount, 5);
    }
    let (ops, _) = restaking::delegator_delegations(
        &chain.state,
        &bob,
        DelegationKind::Operator,
        &first_page(),
    )
    .unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].balance, coins("10uatom"));
    let (svcs, _) = restaking::delegator_delegations(
        &chain.state,
        &bob,
        DelegationKind::Service,
        &first_page(),
    )
    .unwrap();
    assert_eq!(svcs[0].balance, coins("7uphx"));
    let (none, _) =
        restaking::delegator_delegations(&chain.state, &alice, DelegationKind::Pool, &first_page())
            .unwrap();
    assert!(none.is_empty());

    // The targets themselves.
    let (targets, _) =
        restaking::delegator_targets(&chain.state, &bob, DelegationKind::Pool, &first_page())
            .unwrap();
    let denoms: Vec<String> = targets
        .iter()
        .map(|t| match t {
            TargetObject::Pool(p) => p.denom.clone(),
            other => panic!("not a pool: {other:?}"),
        })
        .collect();
    assert_eq!(denoms, vec!["utia", "uatom", "ubtc"]);
    let (targets, _) = restaking::delegator_targets(
        &chain.state,
        &carol,
        DelegationKind::Operator,
        &first_page(),
    )
    .unwrap();
    assert!(matches!(&targets[..], [TargetObject::Operator(o)] if o.id == op));
    match restaking::delegator_target(&chain.state, &bob, TargetRef::service(svc)).unwrap() {
        Some(TargetObject::Service(s)) => assert_eq!(s.tokens, coins("7uphx")),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        restaking::delegator_target(&chain.state, &alice, op_t)
            .unwrap()
            .is_none()
    );
    assert!(
        restaking::target_delegation(&chain.state, op_t, &alice)
            .unwrap()
            .is_none()
    );

    // A delegation that is fully undelegated disappears from every list.
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("10uatom"),
    });
    let (all, _) = restaking::target_delegations(&chain.state, op_t, &first_page()).unwrap();
    assert!(all.iter().all(|d| d.delegation.delegator != bob));
    assert_eq!(all.len(), 2);
    let (ops, _) = restaking::delegator_delegations(
        &chain.state,
        &bob,
        DelegationKind::Operator,
        &first_page(),
    )
    .unwrap();
    assert!(ops.is_empty());
    assert!(
        restaking::delegator_target(&chain.state, &bob, op_t)
            .unwrap()
            .is_none()
    );
    chain.check_invariants();
}

#[test]
fn the_invariants_catch_a_delegation_index_out_of_step() {
    use phalanx_state::{StateRead, StateWrite};
    let mut chain = Chain::new();
    let (alice, bob) = (addr("alice"), addr("bob"));
    let op = register_operator(&mut chain, alice);
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: op,
        amount: coins("10uatom"),
    });
    chain.check_invariants();
    // `0x06 0x11`: restaking's delegations-by-target index (see its key schema).
    let by_target = [0x06, 0x11];
    let (key, _) = chain.state.prefix(&by_target).unwrap().remove(0);

    let mut missing = chain.state.clone();
    missing.delete(&key).unwrap();
    let found = phalanx_protocol::invariants::check_all(&missing).unwrap();
    assert!(
        found
            .as_deref()
            .is_some_and(|v| v.contains("missing from its target's index")),
        "{found:?}"
    );

    let mut orphan = chain.state.clone();
    let mut stray = key.clone();
    *stray.last_mut().unwrap() ^= 1;
    orphan.put(stray, Vec::new()).unwrap();
    let found = phalanx_protocol::invariants::check_all(&orphan).unwrap();
    assert!(
        found.as_deref().is_some_and(|v| v.contains("by-target")),
        "{found:?}"
    );
}

/// The cap values stake at the last posted price, however old: a price feed that stops neither
/// makes stake count as worth nothing (which would switch the cap off) nor blocks delegations.
#[test]
fn restaking_cap_counts_stale_prices_at_their_last_value() {
    let mut chain = Chain::new();
    let alice = addr("alice");
    // 1,000 USD of room; ATOM is priced at 1 USD in the demo genesis.
    update_restaking_params(&mut chain, |p| p.restaking_cap = Dec::from_int(1000));
    chain.ok(MsgDelegatePool {
        delegator: alice,
        amount: Coin::new("uatom", 900_000_000),
    });
    chain.advance(Duration::from_hours(25));
    assert!(
        assets::usd_value(&chain.state, &Coin::new("uatom", 1_000_000), chain.time)
            .unwrap()
            .is_zero(),
        "the price is stale"
    );
    // Still 900 USD restaked at the last price: another 200 passes the cap, 100 fits.
    let r = chain.err(MsgDelegatePool {
        delegator: alice,
        amount: Coin::new("uatom", 200_000_000),
    });
    assert_code(&r, "restaking", 15);
    chain.ok(MsgDelegatePool {
        delegator: alice,
        amount: Coin::new("uatom", 100_000_000),
    });
    chain.check_invariants();
}
