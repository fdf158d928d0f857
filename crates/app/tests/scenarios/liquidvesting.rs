//! Liquid vesting end to end: minting and burning locked representations, insurance deposits and
//! withdrawals, the restake restriction, the bank send restriction, burns with forced unbonding across
//! delegations of mixed denoms (Q21) and the burn queue; every error leaves state byte-identical.

use crate::delegation::{active_service, register_operator, the_event};
use crate::harness::*;
use phalanx_protocol::restaking::{self, TargetRef};
use phalanx_protocol::{bank, liquidvesting};
use phalanx_types::msgs::*;
use phalanx_types::{Address, Coin, Coins, Dec, Duration, Timestamp};

const CODESPACE: &str = "liquidvesting";

fn minter() -> Address {
    addr("minter")
}

fn burner() -> Address {
    addr("burner")
}

/// Names `minter` and `burner` in the params, at the default 2 %.
pub(crate) fn allow_minting(chain: &mut Chain) {
    chain.ok(MsgUpdateLiquidVestingParams {
        authority: authority(),
        params: LiquidVestingParams {
            minters: vec![minter()],
            burners: vec![burner()],
            ..LiquidVestingParams::default()
        },
    });
}

fn chain() -> Chain {
    let mut chain = Chain::new();
    allow_minting(&mut chain);
    chain
}

pub(crate) fn mint(to: &str, amount: &str) -> MsgMintLockedRepresentation {
    MsgMintLockedRepresentation {
        sender: minter(),
        receiver: addr(to),
        amount: coins(amount),
    }
}

pub(crate) fn deposit(who: &str, amount: &str) -> MsgDepositInsuranceFund {
    MsgDepositInsuranceFund {
        depositor: addr(who),
        amount: coins(amount),
    }
}

fn withdraw(who: &str, amount: &str) -> MsgWithdrawInsuranceFund {
    MsgWithdrawInsuranceFund {
        sender: addr(who),
        amount: coins(amount),
    }
}

fn burn(user: &str, amount: &str) -> MsgBurnLockedRepresentation {
    MsgBurnLockedRepresentation {
        sender: burner(),
        user: addr(user),
        amount: coins(amount),
    }
}

fn delegate_pool(who: &str, denom: &str, amount: u128) -> MsgDelegatePool {
    MsgDelegatePool {
        delegator: addr(who),
        amount: Coin::new(denom, amount),
    }
}

pub(crate) fn fund(chain: &Chain, who: &str, denom: &str) -> u128 {
    liquidvesting::insurance_fund(&chain.state, &addr(who), denom).unwrap()
}

fn restaked(chain: &Chain, who: &str, denom: &str) -> u128 {
    liquidvesting::restaked_locked(&chain.state, &addr(who))
        .unwrap()
        .amount_of(denom)
}

fn unbonding_time(chain: &Chain) -> Duration {
    restaking::params(&chain.state).unwrap().unbonding_time
}

#[test]
fn minting_creates_locked_tokens_for_minters_only() {
    let mut chain = chain();
    let r = chain.tx(minter(), vec![mint("alice", "1000uatom,500utia").into()]);
    assert!(r.is_ok(), "{}", r.log);
    let e = the_event(&r.events, "mint_locked_representation");
    assert!(
        e.attributes
            .iter()
            .any(|a| a.1 == "1000locked/uatom,500locked/utia")
    );
    assert_eq!(chain.balance(&addr("alice"), "locked/uatom"), 1000);
    assert_eq!(
        bank::supply(&chain.state, "locked/utia").unwrap(),
        500,
        "minted straight to the receiver"
    );
    assert_eq!(
        chain.balance(&liquidvesting::insurance_address(), "locked/uatom"),
        0
    );

    let not_minter = MsgMintLockedRepresentation {
        sender: addr("bob"),
        ..mint("alice", "1uatom")
    };
    assert_code(&chain.err(not_minter), CODESPACE, 2);
    // A locked denom cannot be locked again (stateless).
    assert_code(&chain.err(mint("alice", "1locked/uatom")), CODESPACE, 5);
    // Module accounts cannot receive representations.
    let pool = MsgMintLockedRepresentation {
        receiver: liquidvesting::insurance_address(),
        ..mint("alice", "1uatom")
    };
    chain.err(pool);
    chain.ok(delegate_pool("bob", "uatom", 10));
    let custody = MsgMintLockedRepresentation {
        receiver: TargetRef::pool(phalanx_types::PoolId(1)).custody_address(),
        ..mint("alice", "1uatom")
    };
    chain.err(custody);
    chain.check_invariants();
}

#[test]
fn insurance_deposits_and_withdrawals() {
    let mut chain = chain();
    let before = chain.balance(&addr("alice"), "uatom");
    let r = chain.tx(addr("alice"), vec![deposit("alice", "100uatom").into()]);
    assert!(r.is_ok(), "{}", r.log);
    the_event(&r.events, "deposit_to_user_insurance_fund");
    assert_eq!(fund(&chain, "alice", "uatom"), 100);
    assert_eq!(chain.balance(&addr("alice"), "uatom"), before - 100);
    assert_eq!(
        chain.balance(&liquidvesting::insurance_address(), "uatom"),
        100
    );
    assert_eq!(
        liquidvesting::user_insurance_fund(&chain.state, &addr("alice")).unwrap(),
        coins("100uatom")
    );

    // More than the fund holds; a denom it has none of; locked denoms.
    assert_code(&chain.err(withdraw("alice", "101uatom")), CODESPACE, 8);
    assert_code(&chain.err(withdraw("alice", "1utia")), CODESPACE, 8);
    assert_code(&chain.err(deposit("alice", "1locked/uatom")), CODESPACE, 5);
    assert_code(&chain.err(withdraw("alice", "1locked/uatom")), CODESPACE, 5);

    let r = chain.tx(addr("alice"), vec![withdraw("alice", "40uatom").into()]);
    assert!(r.is_ok(), "{}", r.log);
    the_event(&r.events, "withdraw_insurance_fund");
    assert_eq!(fund(&chain, "alice", "uatom"), 60);
    chain.ok(withdraw("alice", "60uatom"));
    assert_eq!(fund(&chain, "alice", "uatom"), 0);
    assert_eq!(chain.balance(&addr("alice"), "uatom"), before);
    chain.check_invariants();
}

#[test]
fn restaking_locked_tokens_needs_insurance_and_withdrawals_keep_coverage() {
    let mut chain = chain();
    chain.ok(mint("alice", "10000uatom"));
    // 2 % of 5000 = 100 needed; none deposited.
    let r = chain.err(delegate_pool("alice", "locked/uatom", 5000));
    assert_code(&r, CODESPACE, 7);
    chain.ok(deposit("alice", "99uatom"));
    assert_code(
        &chain.err(delegate_pool("alice", "locked/uatom", 5000)),
        CODESPACE,
        7,
    );
    chain.ok(deposit("alice", "1uatom"));
    chain.ok(delegate_pool("alice", "locked/uatom", 5000));
    assert_eq!(restaked(&chain, "alice", "locked/uatom"), 5000);
    // One more unit needs ceil(2 % × 5001) = 101.
    assert_code(
        &chain.err(delegate_pool("alice", "locked/uatom", 1)),
        CODESPACE,
        7,
    );
    // Operators and services are restricted the same way.
    let op = register_operator(&mut chain, addr("dave"));
    let svc = active_service(&mut chain, addr("dave"));
    assert_code(
        &chain.err(MsgDelegateOperator {
            delegator: addr("alice"),
            operator_id: op,
            amount: coins("1locked/uatom"),
        }),
        CODESPACE,
        7,
    );
    assert_code(
        &chain.err(MsgDelegateService {
            delegator: addr("alice"),
            service_id: svc,
            amount: coins("1locked/uatom,5uphx"),
        }),
        CODESPACE,
        7,
    );
    // Withdrawing below coverage is refused; ordinary delegations are not affected.
    assert_code(&chain.err(withdraw("alice", "1uatom")), CODESPACE, 7);
    chain.ok(delegate_pool("alice", "uatom", 5000));
    chain.ok(deposit("alice", "50uatom"));
    chain.ok(withdraw("alice", "50uatom"));
    // Unbonding tokens still count until they are paid out.
    chain.ok(MsgUndelegatePool {
        delegator: addr("alice"),
        amount: Coin::new("locked/uatom", 5000),
    });
    assert_eq!(restaked(&chain, "alice", "locked/uatom"), 5000);
    assert_code(&chain.err(withdraw("alice", "1uatom")), CODESPACE, 7);
    chain.advance(unbonding_time(&chain));
    assert_eq!(restaked(&chain, "alice", "locked/uatom"), 0);
    assert_eq!(chain.balance(&addr("alice"), "locked/uatom"), 10000);
    chain.ok(withdraw("alice", "100uatom"));
    chain.check_invariants();
}

#[test]
fn locked_tokens_move_only_between_accounts_and_custody() {
    let mut chain = chain();
    chain.ok(mint("alice", "1000uatom"));
    let send = |from: Address, to: Address, amount: &str| MsgSend {
        from_address: from,
        to_address: to,
        amount: coins(amount),
    };
    // Between two ordinary accounts: refused, also mixed with ordinary coins.
    assert_code(
        &chain.err(send(addr("alice"), addr("bob"), "1locked/uatom")),
        CODESPACE,
        6,
    );
    assert_code(
        &chain.err(send(addr("alice"), addr("bob"), "1locked/uatom,5uphx")),
        CODESPACE,
        6,
    );
    chain.ok(send(addr("alice"), addr("bob"), "5uphx"));

    // Between two custody accounts: refused for any denom.
    chain.ok(delegate_pool("bob", "uatom", 100));
    let op = register_operator(&mut chain, addr("dave"));
    chain.ok(MsgDelegateOperator {
        delegator: addr("bob"),
        operator_id: op,
        amount: coins("100uatom"),
    });
    let pool = TargetRef::pool(phalanx_types::PoolId(1)).custody_address();
    let operator = TargetRef::operator(op).custody_address();
    assert_code(&chain.err(send(pool, operator, "1uatom")), CODESPACE, 9);

    // One side custody: allowed by the restriction (the send itself is the bank's).
    chain.ok(deposit("alice", "20uatom"));
    chain.ok(delegate_pool("alice", "locked/uatom", 1000));
    let locked_pool = TargetRef::pool(phalanx_types::PoolId(2)).custody_address();
    assert_code(
        &chain.err(send(locked_pool, operator, "1locked/uatom")),
        CODESPACE,
        9,
    );
    // The insurance account takes no plain sends.
    chain.err(send(
        addr("alice"),
        liquidvesting::insurance_address(),
        "1uatom",
    ));
    // Nor do locked tokens leave through a rewards plan or a registration fee.
    chain.ok(mint("alice", "100uatom"));
    let svc = active_service(&mut chain, addr("alice"));
    let now = chain.time;
    let r = chain.err(MsgCreateRewardsPlan {
        sender: addr("alice"),
        service_id: svc,
        terms: crate::rewards::terms(
            Coin::new("locked/uatom", 1_000),
            now,
            Timestamp(now.0 + 3_600_000_000_000),
        ),
        fee_amount: Coins::empty(),
    });
    assert!(r.log.contains("locked"), "{}", r.log);
    chain.ok(MsgUpdateOperatorsParams {
        authority: authority(),
        params: OperatorsParams {
            operator_registration_fee: coins("1locked/uatom"),
            ..OperatorsParams::default()
        },
    });
    let r = chain.err(MsgRegisterOperator {
        sender: addr("alice"),
        moniker: "locked fee".into(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: coins("1locked/uatom"),
    });
    assert_code(&r, CODESPACE, 6);
    chain.check_invariants();
}

#[test]
fn burns_take_liquid_tokens_first_then_force_unbond_across_mixed_denoms() {
    let mut chain = chain();
    chain.ok(mint("alice", "1000uatom,1000utia"));
    chain.ok(deposit("alice", "100uatom,100utia"));
    // Pool 1 holds plain uatom and pool 2 locked/uatom: the walk meets them before the locked/utia
    // pool (Q21: the reference chain aborted there).
    chain.ok(delegate_pool("alice", "uatom", 300));
    chain.ok(delegate_pool("alice", "locked/uatom", 100));
    chain.ok(delegate_pool("alice", "locked/utia", 400));
    let op = register_operator(&mut chain, addr("dave"));
    chain.ok(MsgDelegateOperator {
        delegator: addr("alice"),
        operator_id: op,
        amount: coins("200locked/utia,50uphx"),
    });
    assert_eq!(chain.balance(&addr("alice"), "locked/utia"), 400);

    assert_code(
        &chain.err(MsgBurnLockedRepresentation {
            sender: addr("bob"),
            ..burn("alice", "1locked/utia")
        }),
        CODESPACE,
        3,
    );
    assert_code(&chain.err(burn("alice", "1uatom")), CODESPACE, 5);
    // More than liquid (400) + restaked (600).
    assert_code(&chain.err(burn("alice", "1001locked/utia")), CODESPACE, 4);

    // 400 liquid now, 500 unbonded: 400 from the locked/utia pool, 100 from the operator.
    let supply = bank::supply(&chain.state, "locked/utia").unwrap();
    let r = chain.tx(burner(), vec![burn("alice", "900locked/utia").into()]);
    assert!(r.is_ok(), "{}", r.log);
    the_event(&r.events, "burn_locked_representation");
    assert_eq!(chain.balance(&addr("alice"), "locked/utia"), 0);
    assert_eq!(
        bank::supply(&chain.state, "locked/utia").unwrap(),
        supply - 400
    );
    assert_eq!(
        restaked(&chain, "alice", "locked/utia"),
        600,
        "unbonding still counts"
    );
    let utia_pool = TargetRef::pool(phalanx_types::PoolId(3));
    assert!(
        restaking::delegation(&chain.state, utia_pool, &addr("alice"))
            .unwrap()
            .is_none()
    );
    let op_left =
        restaking::target_delegation(&chain.state, TargetRef::operator(op), &addr("alice"))
            .unwrap()
            .unwrap()
            .balance;
    assert_eq!(op_left, coins("100locked/utia,50uphx"));
    // Other denoms' delegations are untouched.
    assert_eq!(restaked(&chain, "alice", "locked/uatom"), 100);
    let queue = liquidvesting::burn_queue(&chain.state).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].amount, coins("500locked/utia"));
    chain.check_invariants();

    let events = chain.advance(unbonding_time(&chain));
    assert!(
        events
            .iter()
            .any(|e| e.kind == "burn_locked_representation")
    );
    assert!(liquidvesting::burn_queue(&chain.state).unwrap().is_empty());
    assert_eq!(chain.balance(&addr("alice"), "locked/utia"), 0);
    assert_eq!(
        bank::supply(&chain.state, "locked/utia").unwrap(),
        supply - 900
    );
    assert_eq!(restaked(&chain, "alice", "locked/utia"), 100);
    chain.check_invariants();
}

#[test]
fn params_updates_are_checked() {
    let mut chain = chain();
    let bad = |pct: Dec| MsgUpdateLiquidVestingParams {
        authority: authority(),
        params: LiquidVestingParams {
            insurance_percentage: pct,
            ..LiquidVestingParams::default()
        },
    };
    assert_code(&chain.err(bad(Dec::ZERO)), CODESPACE, 1);
    assert_code(&chain.err(bad(Dec::from_int(101))), CODESPACE, 1);
    chain.err(MsgUpdateLiquidVestingParams {
        authority: addr("alice"),
        params: LiquidVestingParams::default(),
    });
    chain.ok(bad(Dec::from_int(100)));
    assert_eq!(
        liquidvesting::params(&chain.state)
            .unwrap()
            .insurance_percentage,
        Dec::from_int(100)
    );
}

#[test]
fn genesis_round_trips_funds_and_the_burn_queue() {
    let mut chain = chain();
    chain.ok(mint("alice", "1000utia"));
    chain.ok(deposit("alice", "50utia"));
    chain.ok(deposit("bob", "7uatom"));
    chain.ok(delegate_pool("alice", "locked/utia", 600));
    chain.ok(burn("alice", "500locked/utia"));
    let exported = phalanx_app::export_genesis(&chain.state).unwrap();
    assert_eq!(exported.liquidvesting.insurance_funds.len(), 2);
    assert_eq!(exported.liquidvesting.burn_queue.len(), 1);
    let json = exported.to_json().unwrap();
    let reimported = Chain::from_genesis(&phalanx_app::Genesis::from_json(&json).unwrap());
    assert_eq!(
        phalanx_app::export_genesis(&reimported.state).unwrap(),
        exported
    );
    reimported.check_invariants();
}

/// A holder who keeps the unbonding-entry limit full cannot keep its locked stake from the burner:
/// forced unbonding is not held to the limit.
#[test]
fn a_full_unbonding_queue_does_not_block_a_forced_burn() {
    let mut chain = chain();
    chain.ok(mint("alice", "1000uatom"));
    chain.ok(deposit("alice", "20uatom"));
    chain.ok(delegate_pool("alice", "locked/uatom", 1000));
    let max = restaking::params(&chain.state).unwrap().max_entries;
    for _ in 0..max {
        chain.ok(MsgUndelegatePool {
            delegator: addr("alice"),
            amount: Coin::new("locked/uatom", 1),
        });
    }
    // The limit holds for alice herself...
    let r = chain.err(MsgUndelegatePool {
        delegator: addr("alice"),
        amount: Coin::new("locked/uatom", 1),
    });
    assert_code(&r, "restaking", 16);
    // ...but not for the burner: everything still restaked is force-unbonded and queued.
    let pool = phalanx_protocol::pools::pool_by_denom(&chain.state, "locked/uatom")
        .unwrap()
        .unwrap();
    let pool = TargetRef::pool(pool.id);
    assert!(
        restaking::delegation(&chain.state, pool, &addr("alice"))
            .unwrap()
            .is_some()
    );
    let left = 1000 - u128::from(max);
    let r = chain.tx(
        burner(),
        vec![burn("alice", &format!("{left}locked/uatom")).into()],
    );
    assert!(r.is_ok(), "{}", r.log);
    assert!(
        restaking::delegation(&chain.state, pool, &addr("alice"))
            .unwrap()
            .is_none()
    );
    chain.check_invariants();
}
