//! Rewards: plans, per-block allocation, F1 accounting, commission, withdrawals, the worked example of
//! spec §14, and regression tests for Q4, Q6, Q7, Q8, Q11, Q16 and Q20.

use crate::delegation::{
    active_service, dec, make_operator_inactive, register_operator, run, the_event,
    update_restaking_params,
};
use crate::harness::*;
use phalanx_protocol::restaking::{self, TargetRef};
use phalanx_protocol::rewards::{self, DecPools};
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, DecCoins, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};

const DAY: u64 = 86_400;

fn basic(weight: u32) -> Distribution {
    Distribution {
        weight,
        kind: DistributionType::Basic,
    }
}

/// Plan terms paying `amount_per_day` from `start` to `end`, pools and operators weighted alike.
pub(crate) fn terms(amount_per_day: Coin, start: Timestamp, end: Timestamp) -> PlanTerms {
    PlanTerms {
        description: "security budget".into(),
        amount_per_day,
        start_time: start,
        end_time: end,
        pools_distribution: basic(1),
        operators_distribution: basic(1),
        users_distribution: UsersDistribution { weight: 0 },
    }
}

fn far(chain: &Chain) -> Timestamp {
    Timestamp(chain.time.0 + 365 * DAY * 1_000_000_000)
}

fn create_plan(chain: &mut Chain, admin: Address, svc: ServiceId, t: PlanTerms) -> u64 {
    match chain.ok(MsgCreateRewardsPlan {
        sender: admin,
        service_id: svc,
        terms: t,
        fee_amount: Coins::empty(),
    }) {
        phalanx_app::MsgResponse::NewRewardsPlanId(id) => id,
        other => panic!("unexpected response {other:?}"),
    }
}

fn fund(chain: &mut Chain, who: Address, plan_id: u64, amount: Coin) {
    chain.ok(MsgFundRewardsPlan {
        sender: who,
        plan_id,
        amount,
    });
}

fn pool_delegate(chain: &mut Chain, who: Address, amount: u128, denom: &str) -> PoolId {
    chain.ok(MsgDelegatePool {
        delegator: who,
        amount: Coin::new(denom, amount),
    });
    phalanx_protocol::pools::pool_by_denom(&chain.state, denom)
        .unwrap()
        .unwrap()
        .id
}

fn trust(chain: &mut Chain, who: Address, services: &[ServiceId]) {
    chain.ok(MsgSetUserPreferences {
        user: who,
        preferences: UserPreferences {
            trusted_services: services
                .iter()
                .map(|s| TrustedServiceEntry {
                    service_id: *s,
                    pool_ids: vec![],
                })
                .collect(),
        },
    });
}

fn pending(chain: &Chain, t: TargetRef, who: &Address) -> DecCoins {
    rewards::flatten(
        &rewards::delegation_rewards(&chain.state, t, who)
            .unwrap()
            .rewards,
    )
    .unwrap()
}

fn outstanding(chain: &Chain, t: TargetRef) -> DecPools {
    rewards::outstanding(&chain.state, t).unwrap()
}

fn pools(entries: &[(&str, &str)]) -> DecPools {
    entries
        .iter()
        .map(|(d, c)| (d.to_string(), c.parse::<DecCoins>().unwrap()))
        .collect()
}

fn withdraw(chain: &mut Chain, who: Address, t: TargetRef) -> Coins {
    match chain.ok(MsgWithdrawDelegatorReward {
        delegator: who,
        delegation_type: t.kind,
        target_id: t.id,
    }) {
        phalanx_app::MsgResponse::Amount(c) => c,
        other => panic!("unexpected response {other:?}"),
    }
}

/// The setup of spec §14: pools P1 (uatom, 200M trusted of 300M) and P2 (utia, 100M trusted), operator
/// O1 (100M uatom, commission 0.1), 50M utia delegated directly to the service; a plan of 86.4M uphx
/// per day funded in the block before the measured one.
struct Example {
    chain: Chain,
    svc: ServiceId,
    op: OperatorId,
    p1: PoolId,
    p2: PoolId,
    plan: u64,
}

fn worked_example() -> Example {
    let mut chain = Chain::new();
    let (admin, op_admin) = (addr("svc-admin"), addr("op-admin"));
    let (alice, bob, carol, dave) = (addr("alice"), addr("bob"), addr("carol"), addr("dave"));
    chain.ok(MsgSend {
        from_address: alice,
        to_address: admin,
        amount: coins("1000000000uphx"),
    });
    let svc = active_service(&mut chain, admin);
    let op = register_operator(&mut chain, op_admin);
    chain.ok(MsgSetOperatorParams {
        sender: op_admin,
        operator_id: op,
        params: OperatorParams {
            commission_rate: dec("0.1"),
        },
    });
    chain.ok(MsgJoinService {
        sender: op_admin,
        operator_id: op,
        service_id: svc,
    });
    trust(&mut chain, alice, &[svc]);
    trust(&mut chain, bob, &[svc]);
    trust(&mut chain, dave, &[svc]);
    let p1 = pool_delegate(&mut chain, alice, 150_000_000, "uatom");
    pool_delegate(&mut chain, bob, 50_000_000, "uatom");
    pool_delegate(&mut chain, carol, 100_000_000, "uatom");
    let p2 = pool_delegate(&mut chain, dave, 100_000_000, "utia");
    for pool_id in [p1, p2] {
        chain.ok(MsgBorrowPoolSecurity {
            sender: admin,
            service_id: svc,
            pool_id,
        });
    }
    chain.ok(MsgDelegateOperator {
        delegator: dave,
        operator_id: op,
        amount: coins("100000000uatom"),
    });
    chain.ok(MsgDelegateService {
        delegator: carol,
        service_id: svc,
        amount: coins("50000000utia"),
    });
    let (now, end) = (chain.time, far(&chain));
    let plan = create_plan(
        &mut chain,
        admin,
        svc,
        terms(Coin::new("uphx", 86_400_000), now, end),
    );
    fund(&mut chain, admin, plan, Coin::new("uphx", 100_000_000));
    Example {
        chain,
        svc,
        op,
        p1,
        p2,
        plan,
    }
}

#[test]
fn worked_example_of_spec_section_14_gives_its_numbers() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let pool_before = chain.balance(&rewards::rewards_pool(), "uphx");
    assert_eq!(pool_before, 0, "the funding block allocated nothing yet");
    let r = chain.block_after(Duration::from_secs(6), vec![]);
    // 1. R = 86,400,000 × 6,000 / 86,400,000 = 6,000 uphx moved from the plan to the rewards pool.
    assert_eq!(chain.balance(&rewards::rewards_pool(), "uphx"), 6_000);
    assert_eq!(
        chain.balance(&rewards::plan_address(ex.plan), "uphx"),
        100_000_000 - 6_000
    );
    // 3–4. Pools 3,000 (P1 2,000, P2 1,000), operators 3,000, users 0 (weight 0).
    assert_eq!(
        outstanding(chain, TargetRef::pool(ex.p1)),
        pools(&[("uatom", "2000uphx")])
    );
    assert_eq!(
        outstanding(chain, TargetRef::pool(ex.p2)),
        pools(&[("utia", "1000uphx")])
    );
    assert_eq!(
        outstanding(chain, TargetRef::operator(ex.op)),
        pools(&[("uatom", "3000uphx")])
    );
    assert!(outstanding(chain, TargetRef::service(ex.svc)).is_empty());
    // 5. 10% commission: 300 to O1's commission, 2,700 to its delegators.
    assert_eq!(
        rewards::operator_commission(&chain.state, ex.op).unwrap(),
        pools(&[("uatom", "300uphx")])
    );
    let commission = the_event(&r.begin_events, "commission");
    assert_eq!(commission.get("amount"), Some("300.000000000000000000uphx"));
    // 6. Ratio 0.00001 uphx per trusted uatom: bob (50M, trusts) earns 500; carol (100M, does not
    // trust S) earns nothing from S, and her stake was not in the denominator either.
    let p1 = TargetRef::pool(ex.p1);
    assert_eq!(pending(chain, p1, &addr("bob")), "500uphx".parse().unwrap());
    assert_eq!(
        pending(chain, p1, &addr("alice")),
        "1500uphx".parse().unwrap()
    );
    assert!(pending(chain, p1, &addr("carol")).is_empty());
    assert_eq!(
        pending(chain, TargetRef::pool(ex.p2), &addr("dave")),
        "1000uphx".parse().unwrap()
    );
    assert_eq!(
        pending(chain, TargetRef::operator(ex.op), &addr("dave")),
        "2700uphx".parse().unwrap()
    );
    chain.check_invariants();
}

#[test]
fn pending_rewards_equal_what_a_withdrawal_pays() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    for _ in 0..7 {
        chain.advance(Duration::from_secs(7));
    }
    let p1 = TargetRef::pool(ex.p1);
    let bob = addr("bob");
    // The withdrawal's block allocates once more first: predict with that block included.
    let mut probe = Chain {
        state: chain.state.clone(),
        height: chain.height,
        time: chain.time,
    };
    probe.advance(Duration::from_secs(BLOCK_SECS));
    let expected = pending(&probe, p1, &bob);
    let total = rewards::delegator_total_rewards(&probe.state, &bob).unwrap();
    assert_eq!(total.total, expected);
    let before = chain.balance(&bob, "uphx");
    let paid = withdraw(chain, bob, p1);
    assert_eq!(paid, total.withdrawable);
    assert_eq!(chain.balance(&bob, "uphx") - before, paid.amount_of("uphx"));
    assert!(paid.amount_of("uphx") > 0);
    // The sub-unit rest stays owed to bob.
    let (_, rest) = expected.truncate_decimal().unwrap();
    assert_eq!(rewards::owed(&chain.state, &bob).unwrap(), rest);
    chain.check_invariants();
}

#[test]
fn commission_is_withdrawn_by_the_operator_admin_only() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    chain.advance(Duration::from_secs(6));
    let op_admin = addr("op-admin");
    let r = chain.err(MsgWithdrawOperatorCommission {
        sender: addr("bob"),
        operator_id: ex.op,
    });
    assert_code(&r, "sdk", 4);
    let before = chain.balance(&op_admin, "uphx");
    chain.ok(MsgWithdrawOperatorCommission {
        sender: op_admin,
        operator_id: ex.op,
    });
    // 300 from the first measured block, plus 10% of the operators' share of the withdrawal's block.
    assert!(chain.balance(&op_admin, "uphx") - before >= 300);
    chain.check_invariants();
}

#[test]
fn withdraw_address_receives_rewards_and_module_accounts_are_refused() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let bob = addr("bob");
    let vault = addr("bob-vault");
    chain.ok(MsgSetWithdrawAddress {
        sender: bob,
        withdraw_address: vault,
    });
    let r = chain.err(MsgSetWithdrawAddress {
        sender: bob,
        withdraw_address: rewards::rewards_pool(),
    });
    assert_code(&r, "sdk", 4);
    chain.advance(Duration::from_secs(6));
    let paid = withdraw(chain, bob, TargetRef::pool(ex.p1));
    assert!(paid.amount_of("uphx") >= 500);
    assert_eq!(chain.balance(&vault, "uphx"), paid.amount_of("uphx"));
}

#[test]
fn delegating_more_pays_accrued_rewards_first() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    chain.advance(Duration::from_secs(6));
    let bob = addr("bob");
    let before = chain.balance(&bob, "uphx");
    let r = run(
        chain,
        MsgDelegatePool {
            delegator: bob,
            amount: Coin::new("uatom", 1_000_000),
        },
    );
    assert!(r.is_ok(), "{}", r.log);
    assert!(r.events.iter().any(|e| e.kind == "withdraw_rewards"));
    assert!(chain.balance(&bob, "uphx") - before >= 500);
    chain.check_invariants();
}

#[test]
fn dropping_trust_pays_rewards_earned_under_it_and_stops_them() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    chain.advance(Duration::from_secs(6));
    let bob = addr("bob");
    let before = chain.balance(&bob, "uphx");
    trust(chain, bob, &[]);
    // Withdrawn trust takes effect one unbonding time later (docs/slashing.md §5): until then the
    // stake still secures the service, and still earns from it.
    assert_eq!(chain.balance(&bob, "uphx"), before);
    assert!(!pending(chain, TargetRef::pool(ex.p1), &bob).is_empty());
    chain.advance(Duration::from_hours(72));
    assert!(
        restaking::pending_preferences(&chain.state, &bob)
            .unwrap()
            .is_none()
    );
    let earned = chain.balance(&bob, "uphx") - before;
    assert!(
        earned >= 500,
        "rewards accrued under trust are paid: {earned}"
    );
    chain.advance(Duration::from_secs(6));
    assert!(pending(chain, TargetRef::pool(ex.p1), &bob).is_empty());
    assert_eq!(
        rewards::pool_service_total_delegator_shares(&chain.state, ex.p1, ex.svc).unwrap(),
        Dec::from_int(150_000_000)
    );
    chain.check_invariants();
}

#[test]
fn plan_messages_check_who_and_what() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    let now = chain.time;
    let t = terms(Coin::new("uphx", 1_000), now, far(chain));
    let r = chain.err(MsgCreateRewardsPlan {
        sender: addr("bob"),
        service_id: ex.svc,
        terms: t.clone(),
        fee_amount: Coins::empty(),
    });
    assert_code(&r, "sdk", 4);
    let r = chain.err(MsgCreateRewardsPlan {
        sender: admin,
        service_id: ServiceId(99),
        terms: t.clone(),
        fee_amount: Coins::empty(),
    });
    assert_code(&r, "services", 100);
    let mut weighted = t.clone();
    weighted.pools_distribution.kind = DistributionType::Weighted {
        weights: vec![DistributionWeight {
            target_id: 77,
            weight: 1,
        }],
    };
    let r = chain.err(MsgCreateRewardsPlan {
        sender: admin,
        service_id: ex.svc,
        terms: weighted,
        fee_amount: Coins::empty(),
    });
    assert_code(&r, "rewards", 8);
    let mut backwards = t.clone();
    backwards.end_time = backwards.start_time;
    let r = chain.err(MsgCreateRewardsPlan {
        sender: admin,
        service_id: ex.svc,
        terms: backwards,
        fee_amount: Coins::empty(),
    });
    assert_code(&r, "rewards", 4);
    // Fee param: an offer covering one of its coins is charged in full to the community pool.
    chain.ok(MsgUpdateRewardsParams {
        authority: authority(),
        params: RewardsParams {
            rewards_plan_creation_fee: coins("1000uphx"),
        },
    });
    let r = chain.err(MsgCreateRewardsPlan {
        sender: admin,
        service_id: ex.svc,
        terms: t.clone(),
        fee_amount: coins("999uphx"),
    });
    assert_code(&r, "rewards", 6);
    let pool_before = chain.balance(&phalanx_protocol::bank::community_pool(), "uphx");
    chain.ok(MsgCreateRewardsPlan {
        sender: admin,
        service_id: ex.svc,
        terms: t.clone(),
        fee_amount: coins("1000uphx"),
    });
    assert_eq!(
        chain.balance(&phalanx_protocol::bank::community_pool(), "uphx") - pool_before,
        1000
    );
    let r = chain.err(MsgUpdateRewardsParams {
        authority: addr("bob"),
        params: RewardsParams::default(),
    });
    assert_code(&r, "sdk", 4);
    // Edit: admin only, same denom, before the end.
    let mut other_denom = t.clone();
    other_denom.amount_per_day = Coin::new("uatom", 5);
    let r = chain.err(MsgEditRewardsPlan {
        sender: admin,
        plan_id: ex.plan,
        terms: other_denom,
    });
    assert_code(&r, "rewards", 9);
    let r = chain.err(MsgEditRewardsPlan {
        sender: addr("bob"),
        plan_id: ex.plan,
        terms: t.clone(),
    });
    assert_code(&r, "sdk", 4);
    let r = chain.err(MsgEditRewardsPlan {
        sender: admin,
        plan_id: 999,
        terms: t.clone(),
    });
    assert_code(&r, "rewards", 1);
    chain.ok(MsgEditRewardsPlan {
        sender: admin,
        plan_id: ex.plan,
        terms: t,
    });
    // Fund: plan's denom only, existing plan.
    let r = chain.err(MsgFundRewardsPlan {
        sender: addr("bob"),
        plan_id: ex.plan,
        amount: Coin::new("uatom", 5),
    });
    assert_code(&r, "rewards", 9);
    let r = chain.err(MsgFundRewardsPlan {
        sender: addr("bob"),
        plan_id: 999,
        amount: Coin::new("uphx", 5),
    });
    assert_code(&r, "rewards", 1);
    // Withdrawals need a delegation; commission needs a whole unit.
    let r = chain.err(MsgWithdrawDelegatorReward {
        delegator: addr("nobody"),
        delegation_type: DelegationKind::Pool,
        target_id: ex.p1.0,
    });
    assert_code(&r, "restaking", 4);
    let lonely = register_operator(chain, addr("lonely"));
    let r = chain.err(MsgWithdrawOperatorCommission {
        sender: addr("lonely"),
        operator_id: lonely,
    });
    assert_code(&r, "rewards", 3);
    // Plain sends to the rewards pool are refused: every unit in it is owed to someone.
    let r = chain.err(MsgSend {
        from_address: addr("bob"),
        to_address: rewards::rewards_pool(),
        amount: coins("1uphx"),
    });
    assert_code(&r, "sdk", 4);
    chain.check_invariants();
}

#[test]
fn ended_plan_is_refunded_to_the_service_admin() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    let plan = rewards::plan(&chain.state, ex.plan).unwrap().unwrap();
    let mut t = plan.terms.clone();
    t.end_time = Timestamp(chain.time.0 + 20 * 1_000_000_000);
    chain.ok(MsgEditRewardsPlan {
        sender: admin,
        plan_id: ex.plan,
        terms: t,
    });
    let before = chain.balance(&admin, "uphx");
    let left = chain.balance(&rewards::plan_address(ex.plan), "uphx");
    let mut refunded = None;
    for _ in 0..6 {
        let r = chain.block_after(Duration::from_secs(5), vec![]);
        if let Some(e) = r
            .begin_events
            .iter()
            .find(|e| e.kind == "terminate_rewards_plan")
        {
            refunded = Some(e.get("remaining_rewards").unwrap().to_string());
        }
    }
    assert!(refunded.is_some(), "the plan ended");
    assert!(rewards::plan(&chain.state, ex.plan).unwrap().is_none());
    assert_eq!(chain.balance(&rewards::plan_address(ex.plan), "uphx"), 0);
    let got = chain.balance(&admin, "uphx") - before;
    assert!(got > 0 && got <= left, "refund {got} of {left}");
    let r = chain.err(MsgFundRewardsPlan {
        sender: admin,
        plan_id: ex.plan,
        amount: Coin::new("uphx", 5),
    });
    assert_code(&r, "rewards", 1);
    chain.check_invariants();
}

#[test]
fn q4_deleting_an_operator_pays_its_commission_to_the_admin() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    chain.advance(Duration::from_secs(6));
    let op_admin = addr("op-admin");
    chain.ok(MsgUndelegateOperator {
        delegator: addr("dave"),
        operator_id: ex.op,
        amount: coins("100000000uatom"),
    });
    make_operator_inactive(chain, op_admin, ex.op);
    // The unbonding must complete before deletion (Q3).
    chain.advance(Duration::from_hours(73));
    let before = chain.balance(&op_admin, "uphx");
    chain.ok(MsgDeleteOperator {
        sender: op_admin,
        operator_id: ex.op,
    });
    assert!(chain.balance(&op_admin, "uphx") - before >= 300);
    assert!(
        rewards::operator_commission(&chain.state, ex.op)
            .unwrap()
            .is_empty()
    );
    assert!(outstanding(chain, TargetRef::operator(ex.op)).is_empty());
    chain.check_invariants();
}

/// An operator holding uatom and utia, joined to a fresh ACTIVE service with a plan; returns
/// (chain, service, operator, plan).
fn two_denom_operator(service_denoms: Vec<String>) -> (Chain, ServiceId, OperatorId, u64) {
    let mut chain = Chain::new();
    let (admin, op_admin) = (addr("svc-admin"), addr("op-admin"));
    chain.ok(MsgSend {
        from_address: addr("alice"),
        to_address: admin,
        amount: coins("1000000000uphx"),
    });
    let svc = active_service(&mut chain, admin);
    if !service_denoms.is_empty() {
        chain.ok(MsgSetServiceParams {
            sender: admin,
            service_id: svc,
            service_params: ServiceParams {
                allowed_denoms: service_denoms,
            },
        });
    }
    let op = register_operator(&mut chain, op_admin);
    chain.ok(MsgJoinService {
        sender: op_admin,
        operator_id: op,
        service_id: svc,
    });
    chain.ok(MsgDelegateOperator {
        delegator: addr("bob"),
        operator_id: op,
        amount: coins("100000000uatom,300000000utia"),
    });
    let (now, end) = (chain.time, far(&chain));
    let plan = create_plan(
        &mut chain,
        admin,
        svc,
        terms(Coin::new("uphx", 86_400_000), now, end),
    );
    fund(&mut chain, admin, plan, Coin::new("uphx", 100_000_000));
    (chain, svc, op, plan)
}

#[test]
fn q6_per_denom_split_uses_only_the_service_denoms() {
    let (mut chain, _svc, op, _plan) = two_denom_operator(vec!["uatom".into()]);
    chain.advance(Duration::from_secs(6));
    // The whole 6,000 goes to the uatom stake; utia (worth 3x more) is outside the filter and gets none.
    assert_eq!(
        outstanding(&chain, TargetRef::operator(op)),
        pools(&[("uatom", "6000uphx")])
    );
    assert_eq!(chain.balance(&rewards::rewards_pool(), "uphx"), 6_000);
    chain.check_invariants();
}

#[test]
fn q7_global_denom_list_applies_when_the_service_has_none() {
    let (mut chain, _svc, op, _plan) = two_denom_operator(vec![]);
    update_restaking_params(&mut chain, |p| p.allowed_denoms = vec!["uatom".into()]);
    let before = outstanding(&chain, TargetRef::operator(op));
    chain.advance(Duration::from_secs(6));
    let after = outstanding(&chain, TargetRef::operator(op));
    // The utia part received nothing in the measured block.
    assert_eq!(after.get("utia"), before.get("utia"));
    let gained = after["uatom"]
        .amount_of("uphx")
        .checked_sub(
            before
                .get("uatom")
                .map_or(Dec::ZERO, |c| c.amount_of("uphx")),
        )
        .unwrap();
    assert_eq!(gained, Dec::from_int(6_000));
    chain.check_invariants();
}

#[test]
fn q8_small_plans_carry_sub_unit_amounts_instead_of_dropping_them() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    // 1,000 uphx per day is 0.0578 uphx per 5-second block: the reference chain paid 0 forever.
    let now = chain.time;
    let small = create_plan(
        chain,
        admin,
        ex.svc,
        terms(Coin::new("uphx", 1_000), now, far(chain)),
    );
    // Accrual starts with the block after creation (its due amount, 0 units, is affordable unfunded).
    let created_at = chain.time;
    fund(chain, admin, small, Coin::new("uphx", 1_000));
    let start = chain.balance(&rewards::plan_address(small), "uphx");
    for _ in 0..100 {
        chain.advance(Duration::from_secs(5));
    }
    let elapsed_ms = u128::from((chain.time.0 - created_at.0) / 1_000_000);
    let paid = start - chain.balance(&rewards::plan_address(small), "uphx");
    assert_eq!(
        paid,
        1_000 * elapsed_ms / 86_400_000,
        "exactly the whole units due"
    );
    assert!(paid > 0);
    let plan = rewards::plan(&chain.state, small).unwrap().unwrap();
    assert_eq!(plan.accrual_carry, 1_000 * elapsed_ms % 86_400_000);
    chain.check_invariants();
}

#[test]
fn q11_genesis_round_trip_keeps_every_reward_record_and_the_future() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    for _ in 0..3 {
        chain.advance(Duration::from_secs(7));
    }
    withdraw(chain, addr("bob"), TargetRef::pool(ex.p1));
    let g = phalanx_app::export_genesis(&chain.state).unwrap();
    assert!(!g.rewards.targets.is_empty() && !g.rewards.plans.is_empty());
    let json = g.to_json().unwrap();
    let mut copy = Chain::from_genesis(&phalanx_app::Genesis::from_json(&json).unwrap());
    assert_eq!(
        phalanx_app::export_genesis(&copy.state)
            .unwrap()
            .to_json()
            .unwrap(),
        json
    );
    copy.height = chain.height;
    copy.time = chain.time;
    chain.advance(Duration::from_secs(6));
    copy.advance(Duration::from_secs(6));
    let p1 = TargetRef::pool(ex.p1);
    assert_eq!(
        pending(chain, p1, &addr("alice")),
        pending(&copy, p1, &addr("alice"))
    );
    assert_eq!(
        phalanx_app::export_genesis(&copy.state).unwrap(),
        phalanx_app::export_genesis(&chain.state).unwrap()
    );
    copy.check_invariants();
}

#[test]
fn q16_shares_without_targets_stay_with_the_plan_and_are_refunded() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    let plan = rewards::plan(&chain.state, ex.plan).unwrap().unwrap();
    let mut t = plan.terms.clone();
    // Operators weighted towards an operator that never joined the service: its half finds nobody.
    let ghost = register_operator(chain, addr("ghost-admin"));
    t.operators_distribution.kind = DistributionType::Weighted {
        weights: vec![DistributionWeight {
            target_id: ghost.0,
            weight: 1,
        }],
    };
    chain.ok(MsgEditRewardsPlan {
        sender: admin,
        plan_id: ex.plan,
        terms: t,
    });
    let undistributed = |c: &Chain| {
        rewards::plan(&c.state, ex.plan)
            .unwrap()
            .unwrap()
            .undistributed
    };
    let before = undistributed(chain);
    let ops_before = outstanding(chain, TargetRef::operator(ex.op));
    chain.advance(Duration::from_secs(6));
    // Pools got their half; the operators' half stayed with the plan, owed to nobody else.
    assert_eq!(outstanding(chain, TargetRef::operator(ex.op)), ops_before);
    assert!(undistributed(chain) > before);
    chain.check_invariants();
}

#[test]
fn q20_backing_invariant_sums_operators_and_services_too() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    chain.advance(Duration::from_secs(6));
    chain.check_invariants();
    // Inflate an operator's outstanding (as a bug would): the invariant must notice.
    let mut broken = chain.state.clone();
    let mut o = outstanding(chain, TargetRef::operator(ex.op));
    o.insert("uatom".into(), "999999uphx".parse().unwrap());
    let mut ctx = phalanx_protocol::Ctx::new(
        &mut broken,
        phalanx_protocol::BlockInfo {
            height: chain.height,
            time: chain.time,
        },
        authority(),
    );
    let mut g = rewards::export_genesis(ctx.state()).unwrap();
    for t in &mut g.targets {
        if t.target == TargetRef::operator(ex.op) {
            t.outstanding = o.clone();
        }
    }
    rewards::init_genesis(&mut ctx, &g).unwrap();
    let v = phalanx_protocol::invariants::rewards_are_backed(&broken).unwrap();
    assert!(v.is_some_and(|v| v.contains("rewards pool holds")));
}

#[test]
fn deleting_a_service_ends_its_plans_and_settles_trusting_delegators() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    chain.advance(Duration::from_secs(6));
    chain.ok(MsgUndelegateService {
        delegator: addr("carol"),
        service_id: ex.svc,
        amount: coins("50000000utia"),
    });
    chain.ok(MsgDeactivateService {
        sender: admin,
        service_id: ex.svc,
    });
    chain.advance(Duration::from_hours(73));
    let bob = addr("bob");
    let before = chain.balance(&bob, "uphx");
    chain.ok(MsgDeleteService {
        sender: admin,
        service_id: ex.svc,
    });
    assert!(
        chain.balance(&bob, "uphx") - before >= 500,
        "bob was paid on losing trust"
    );
    assert!(rewards::plan(&chain.state, ex.plan).unwrap().is_none());
    assert!(
        rewards::pool_service_total_delegator_shares(&chain.state, ex.p1, ex.svc)
            .unwrap()
            .is_zero()
    );
    chain.check_invariants();
}

#[test]
fn stake_changes_in_one_block_end_one_period_and_accrue_alike() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    chain.advance(Duration::from_secs(BLOCK_SECS));
    let t = TargetRef::operator(ex.op);
    let period = |chain: &Chain| rewards::current(&chain.state, t).unwrap().period;
    let before = period(chain);
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    let txs = [alice, bob, carol]
        .into_iter()
        .map(|who| phalanx_app::Tx {
            sender: who,
            msgs: vec![
                MsgDelegateOperator {
                    delegator: who,
                    operator_id: ex.op,
                    amount: coins("30000000uatom"),
                }
                .into(),
            ],
        })
        .collect();
    let r = chain.block_after(Duration::from_secs(BLOCK_SECS), txs);
    assert!(r.tx_results.iter().all(|x| x.is_ok()));
    // The block's allocation is ended by the first delegation; the next two find only the sub-unit
    // carry open, which adds nothing to the history, so the period stays open.
    assert_eq!(period(chain), before + 1);
    for _ in 0..5 {
        chain.advance(Duration::from_secs(7));
    }
    let a = pending(chain, t, &alice);
    assert!(!a.is_empty());
    assert_eq!(pending(chain, t, &bob), a);
    assert_eq!(pending(chain, t, &carol), a);
    chain.check_invariants();
}

/// Category weights are summed without saturating: with two weights at `u32::MAX` each category gets
/// half, not all, of the block's amount, and the block (and the chain) goes on.
#[test]
fn the_largest_weights_split_the_amount_instead_of_halting_the_chain() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    let (now, end) = (chain.time, far(chain));
    let mut t = terms(Coin::new("uphx", 86_400_000), now, end);
    t.pools_distribution = basic(u32::MAX);
    t.operators_distribution = basic(u32::MAX);
    let plan = create_plan(chain, admin, ex.svc, t);
    fund(chain, admin, plan, Coin::new("uphx", 100_000_000));
    let plans = |c: &Chain| {
        c.balance(&rewards::plan_address(ex.plan), "uphx")
            + c.balance(&rewards::plan_address(plan), "uphx")
    };
    let (held, pool) = (
        plans(chain),
        chain.balance(&rewards::rewards_pool(), "uphx"),
    );
    for _ in 0..3 {
        let r = chain.block_after(Duration::from_secs(6), vec![]);
        assert!(
            r.begin_events
                .iter()
                .all(|e| e.kind != "rewards_plan_failed")
        );
        chain.check_invariants();
    }
    // Both plans moved their 1,000 uphx a second for 18 s into the rewards pool, no more.
    assert_eq!(held - plans(chain), 2 * 18_000);
    assert_eq!(
        chain.balance(&rewards::rewards_pool(), "uphx") - pool,
        2 * 18_000
    );
}

/// Begin-block finds plans through their start and end times: a plan whose end time is edited ends
/// at the new time (not the old one), and one that has not started takes nothing meanwhile.
#[test]
fn plans_start_and_end_at_their_current_times() {
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let admin = addr("svc-admin");
    let now = chain.time;
    let start = Timestamp(now.0 + 60 * 1_000_000_000);
    let end = Timestamp(now.0 + 3_600 * 1_000_000_000);
    let later = create_plan(
        chain,
        admin,
        ex.svc,
        terms(Coin::new("uphx", 86_400_000), start, end),
    );
    fund(chain, admin, later, Coin::new("uphx", 1_000_000));
    chain.advance(Duration::from_secs(6));
    assert_eq!(
        chain.balance(&rewards::plan_address(later), "uphx"),
        1_000_000,
        "not started: nothing allocated"
    );
    let sooner = Timestamp(start.0 + 120 * 1_000_000_000);
    chain.ok(MsgEditRewardsPlan {
        sender: admin,
        plan_id: later,
        terms: terms(Coin::new("uphx", 86_400_000), start, sooner),
    });
    chain.advance(Duration::from_secs(100));
    assert!(chain.balance(&rewards::plan_address(later), "uphx") < 1_000_000);
    chain.advance(Duration::from_secs(200));
    assert!(
        rewards::plan(&chain.state, later).unwrap().is_none(),
        "ended at the edited time"
    );
    chain.check_invariants();
}

/// A store written before the plan indexes existed gets them at its next block, and its plans go on
/// allocating.
#[test]
fn plans_of_a_store_without_indexes_are_indexed_at_the_next_block() {
    use phalanx_state::{StateRead, StateWrite};
    let mut ex = worked_example();
    let chain = &mut ex.chain;
    let rewards_prefix = phalanx_protocol::store::module_prefix::REWARDS;
    let index_keys: Vec<Vec<u8>> = chain
        .state
        .prefix(&[rewards_prefix])
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| matches!(k.get(1), Some(0x06..=0x08)))
        .collect();
    assert_eq!(index_keys.len(), 3, "start, end and marker");
    for k in &index_keys {
        chain.state.delete(k).unwrap();
    }
    let before = chain.balance(&rewards::plan_address(ex.plan), "uphx");
    chain.advance(Duration::from_secs(6));
    assert_eq!(
        before - chain.balance(&rewards::plan_address(ex.plan), "uphx"),
        6_000
    );
    chain.check_invariants();
}
