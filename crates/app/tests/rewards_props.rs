//! Property test of rewards: random delegations, undelegations, trust changes, commission changes,
//! withdrawals and plan funding across many blocks, against two plans (one large, one paying less than
//! a unit per block and ending mid-run).
//!
//! After every block it checks:
//! - conservation, for the reward denom: funded = paid to delegators, plus paid as commission, plus
//!   refunded, plus still in plan accounts, plus held by the rewards pool; and the rewards pool holds
//!   exactly what is owed
//!   (outstanding + owed remainders + undistributed + unclaimed; `invariants::check_all`);
//! - every delegator's accrued reward (withdrawn + owed remainder + pending) against a brute-force
//!   reference: for every credit the block's events report, the target's share (after commission) split
//!   pro rata over the stake each delegator held (trusting the service, for pools) before the block.
//!
//! Rounding bound: F1 truncates the reward ratio at 10^-18 per unit of stake once per period, a
//! delegator's stake is its truncated token value, and each withdrawal truncates at 10^-18; the ratio's
//! truncation remainder is carried to the next period, so it can reach other delegators than those who
//! earned it. The difference between F1 and the reference for one delegator is therefore at most a few
//! 10^-18 per credit and per unit of stake; we assert at most `1e-6` uphx per delegator over a whole run
//! (observed differences are below 1e-9).
//!
//! `PHALANX_PROPTEST_CASES` sets the number of cases (default 64).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_app::{Block, BlockHeader, BlockResult, Genesis, Tx, execute_block};
use phalanx_protocol::restaking::{self, TargetRef};
use phalanx_protocol::{bank, invariants, rewards};
use phalanx_state::MemState;
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, DecCoins, Duration, Event, OperatorId, PoolId, ServiceId, Timestamp,
};
use proptest::prelude::*;

mod common;
use common::{funded_genesis, restake, seeded_runner, trust_from_mask, tx};
use std::collections::BTreeMap;

const USERS: usize = 4;
const STAKE: [&str; 2] = ["uatom", "utia"];
const REWARD: &str = "uphx";

fn user(i: usize) -> Address {
    Address::module(&format!("reward-user-{i}"))
}

fn svc_admin() -> Address {
    Address::module("reward-svc-admin")
}

fn op_admin() -> Address {
    Address::module("reward-op-admin")
}

fn authority() -> Address {
    Address::module("reward-authority")
}

fn genesis() -> Genesis {
    let mut everyone: Vec<Address> = (0..USERS).map(user).collect();
    everyone.extend([svc_admin(), op_admin()]);
    funded_genesis(
        "phalanx-rewards-prop",
        authority(),
        &everyone,
        Duration::from_secs(60),
    )
}

fn basic(weight: u32) -> Distribution {
    Distribution {
        weight,
        kind: DistributionType::Basic,
    }
}

/// Two ACTIVE services, two operators joined to both (commission 5%), pools of uatom and utia securing
/// both, and two funded plans: a large one on service 1 and a sub-unit one on service 2 that ends after
/// ten minutes.
fn setup(start: Timestamp) -> Vec<Tx> {
    let (s1, s2) = (ServiceId(1), ServiceId(2));
    let (o1, o2) = (OperatorId(1), OperatorId(2));
    let mut txs = Vec::new();
    for _ in 0..2 {
        txs.push(tx(MsgCreateService {
            sender: svc_admin(),
            name: "svc".into(),
            description: String::new(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        }));
        txs.push(tx(MsgRegisterOperator {
            sender: op_admin(),
            moniker: "op".into(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        }));
    }
    for s in [s1, s2] {
        txs.push(tx(MsgActivateService {
            sender: svc_admin(),
            service_id: s,
        }));
    }
    for o in [o1, o2] {
        txs.push(tx(MsgSetOperatorParams {
            sender: op_admin(),
            operator_id: o,
            params: OperatorParams {
                commission_rate: Dec::from_ratio(5, 100).unwrap(),
            },
        }));
        for s in [s1, s2] {
            txs.push(tx(MsgJoinService {
                sender: op_admin(),
                operator_id: o,
                service_id: s,
            }));
        }
    }
    for denom in STAKE {
        txs.push(tx(MsgDelegatePool {
            delegator: user(0),
            amount: Coin::new(denom, 1_000_000),
        }));
    }
    for s in [s1, s2] {
        for p in [PoolId(1), PoolId(2)] {
            txs.push(tx(MsgBorrowPoolSecurity {
                sender: svc_admin(),
                service_id: s,
                pool_id: p,
            }));
        }
    }
    let end = |secs: u64| Timestamp(start.0 + secs * 1_000_000_000);
    let plan = |svc, per_day, ends, pools_kind, users| MsgCreateRewardsPlan {
        sender: svc_admin(),
        service_id: svc,
        terms: PlanTerms {
            description: String::new(),
            amount_per_day: Coin::new(REWARD, per_day),
            start_time: start,
            end_time: ends,
            pools_distribution: Distribution {
                weight: 2,
                kind: pools_kind,
            },
            operators_distribution: basic(1),
            users_distribution: UsersDistribution { weight: users },
        },
        fee_amount: Coins::empty(),
    };
    txs.push(tx(plan(
        s1,
        8_640_000_000,
        end(100_000),
        DistributionType::Basic,
        1,
    )));
    txs.push(tx(plan(
        s2,
        10_000,
        end(600),
        DistributionType::Egalitarian,
        0,
    )));
    for (id, amount) in [(1, 50_000_000_000u128), (2, 5_000)] {
        txs.push(tx(MsgFundRewardsPlan {
            sender: svc_admin(),
            plan_id: id,
            amount: Coin::new(REWARD, amount),
        }));
    }
    txs
}

#[derive(Debug, Clone)]
enum Step {
    DelegatePool {
        who: usize,
        denom: usize,
        amount: u128,
    },
    UndelegatePool {
        who: usize,
        denom: usize,
        amount: u128,
    },
    DelegateOperator {
        who: usize,
        op: u32,
        denom: usize,
        amount: u128,
    },
    UndelegateOperator {
        who: usize,
        op: u32,
        denom: usize,
        amount: u128,
    },
    DelegateService {
        who: usize,
        svc: u32,
        denom: usize,
        amount: u128,
    },
    UndelegateService {
        who: usize,
        svc: u32,
        denom: usize,
        amount: u128,
    },
    Trust {
        who: usize,
        mask: u8,
    },
    Commission {
        op: u32,
        percent: u32,
    },
    Withdraw {
        who: usize,
        kind: u8,
        id: u32,
    },
    WithdrawCommission {
        op: u32,
    },
    Fund {
        plan: u64,
        amount: u128,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..USERS;
    let amount = 1u128..50_000_000;
    prop_oneof![
        (who.clone(), 0..2usize, amount.clone())
            .prop_map(|(who, denom, amount)| Step::DelegatePool { who, denom, amount }),
        (who.clone(), 0..2usize, amount.clone())
            .prop_map(|(who, denom, amount)| Step::UndelegatePool { who, denom, amount }),
        (who.clone(), 1..3u32, 0..2usize, amount.clone()).prop_map(|(who, op, denom, amount)| {
            Step::DelegateOperator {
                who,
                op,
                denom,
                amount,
            }
        }),
        (who.clone(), 1..3u32, 0..2usize, amount.clone()).prop_map(|(who, op, denom, amount)| {
            Step::UndelegateOperator {
                who,
                op,
                denom,
                amount,
            }
        }),
        (who.clone(), 1..3u32, 0..2usize, amount.clone()).prop_map(|(who, svc, denom, amount)| {
            Step::DelegateService {
                who,
                svc,
                denom,
                amount,
            }
        }),
        (who.clone(), 1..3u32, 0..2usize, amount).prop_map(|(who, svc, denom, amount)| {
            Step::UndelegateService {
                who,
                svc,
                denom,
                amount,
            }
        }),
        (who.clone(), 0..16u8).prop_map(|(who, mask)| Step::Trust { who, mask }),
        (1..3u32, 0..=100u32).prop_map(|(op, percent)| Step::Commission { op, percent }),
        (who, 1..4u8, 1..3u32).prop_map(|(who, kind, id)| Step::Withdraw { who, kind, id }),
        (1..3u32).prop_map(|op| Step::WithdrawCommission { op }),
        (1..3u64, 1u128..1_000_000).prop_map(|(plan, amount)| Step::Fund { plan, amount }),
    ]
}

fn to_msg(s: &Step) -> Msg {
    let coin = |d: usize, a: u128| Coin::new(STAKE[d], a);
    let (pool, op, svc) = (
        DelegationKind::Pool,
        DelegationKind::Operator,
        DelegationKind::Service,
    );
    match *s {
        Step::DelegatePool { who, denom, amount } => {
            restake(true, user(who), pool, 0, coin(denom, amount))
        }
        Step::UndelegatePool { who, denom, amount } => {
            restake(false, user(who), pool, 0, coin(denom, amount))
        }
        Step::DelegateOperator {
            who,
            op: id,
            denom,
            amount,
        } => restake(true, user(who), op, id, coin(denom, amount)),
        Step::UndelegateOperator {
            who,
            op: id,
            denom,
            amount,
        } => restake(false, user(who), op, id, coin(denom, amount)),
        Step::DelegateService {
            who,
            svc: id,
            denom,
            amount,
        } => restake(true, user(who), svc, id, coin(denom, amount)),
        Step::UndelegateService {
            who,
            svc: id,
            denom,
            amount,
        } => restake(false, user(who), svc, id, coin(denom, amount)),
        Step::Trust { who, mask } => trust_from_mask(user(who), mask),
        Step::Commission { op, percent } => MsgSetOperatorParams {
            sender: op_admin(),
            operator_id: OperatorId(op),
            params: OperatorParams {
                commission_rate: Dec::from_ratio(u128::from(percent), 100).unwrap(),
            },
        }
        .into(),
        Step::Withdraw { who, kind, id } => MsgWithdrawDelegatorReward {
            delegator: user(who),
            delegation_type: match kind {
                1 => DelegationKind::Pool,
                2 => DelegationKind::Operator,
                _ => DelegationKind::Service,
            },
            target_id: id,
        }
        .into(),
        Step::WithdrawCommission { op } => MsgWithdrawOperatorCommission {
            sender: op_admin(),
            operator_id: OperatorId(op),
        }
        .into(),
        Step::Fund { plan, amount } => MsgFundRewardsPlan {
            sender: svc_admin(),
            plan_id: plan,
            amount: Coin::new(REWARD, amount),
        }
        .into(),
    }
}

fn reward_of(coins: &str) -> Dec {
    coins.parse::<DecCoins>().unwrap().amount_of(REWARD)
}

fn int_reward_of(coins: &str) -> u128 {
    coins.parse::<Coins>().unwrap().amount_of(REWARD)
}

/// Every event of a block, in order.
fn all_events(r: &BlockResult) -> impl Iterator<Item = &Event> {
    r.begin_events
        .iter()
        .chain(r.tx_results.iter().flat_map(|t| t.events.iter()))
        .chain(r.end_events.iter())
}

/// Money flows of the reward denom seen in events.
#[derive(Default, Debug)]
struct Flows {
    funded: u128,
    paid: u128,
    commission_paid: u128,
    refunded: u128,
    /// Whole units paid to each delegator.
    paid_to: BTreeMap<Address, u128>,
}

impl Flows {
    fn record(&mut self, r: &BlockResult) {
        for e in all_events(r) {
            let amount = || e.get("amount").or(e.get("remaining_rewards")).unwrap();
            match e.kind.as_str() {
                "fund_rewards_plan" => self.funded += int_reward_of(amount()),
                "withdraw_rewards" => {
                    let paid = int_reward_of(amount());
                    self.paid += paid;
                    let who: Address = e.get("delegator").unwrap().parse().unwrap();
                    *self.paid_to.entry(who).or_default() += paid;
                }
                "withdraw_commission" => self.commission_paid += int_reward_of(amount()),
                "terminate_rewards_plan" => self.refunded += int_reward_of(amount()),
                _ => {}
            }
        }
    }
}

/// The brute-force reference: each credit reported by the block's events, after commission, split pro
/// rata over the stake each delegator held before the block (for pools: only delegators trusting the
/// service with the pool). Written without any of F1's machinery.
fn reference_credits(before: &MemState, r: &BlockResult, accrued: &mut BTreeMap<Address, Dec>) {
    let mut commission_pending: Option<(u32, String, Dec)> = None;
    for e in &r.begin_events {
        match e.kind.as_str() {
            "commission" => {
                commission_pending = Some((
                    e.get("operator_id").unwrap().parse().unwrap(),
                    e.get("pool").unwrap().to_string(),
                    reward_of(e.get("amount").unwrap()),
                ));
            }
            "rewards" => {
                let kind = e.get("delegation_type").unwrap();
                let id: u32 = e.get("delegation_target_id").unwrap().parse().unwrap();
                let svc: u32 = e.get("service_id").unwrap().parse().unwrap();
                let denom = e.get("pool").unwrap().to_string();
                let mut shared = reward_of(e.get("amount").unwrap());
                let t = match kind {
                    "pool" => TargetRef::pool(PoolId(id)),
                    "operator" => TargetRef::operator(OperatorId(id)),
                    _ => TargetRef::service(ServiceId(id)),
                };
                if kind == "operator"
                    && let Some((op, pool, c)) = commission_pending.take()
                    && op == id
                    && pool == denom
                {
                    shared = shared.checked_sub(c).unwrap();
                }
                let target = restaking::load_target(before, t).unwrap();
                let mut stakes = Vec::new();
                for d in restaking::all_delegations(before).unwrap() {
                    if d.target() != t {
                        continue;
                    }
                    if kind == "pool" {
                        let prefs = restaking::user_preferences(before, &d.delegator).unwrap();
                        if !prefs.trusts(ServiceId(svc), PoolId(id)) {
                            continue;
                        }
                    }
                    let stake = target
                        .tokens_from_shares(&d.shares)
                        .unwrap()
                        .amount_of(&denom);
                    stakes.push((d.delegator, stake));
                }
                let total = stakes
                    .iter()
                    .fold(Dec::ZERO, |a, (_, s)| a.checked_add(*s).unwrap());
                for (who, stake) in stakes {
                    let part = shared
                        .mul_truncate(stake)
                        .unwrap()
                        .quo_truncate(total)
                        .unwrap();
                    let e = accrued.entry(who).or_insert(Dec::ZERO);
                    *e = e.checked_add(part).unwrap();
                }
            }
            _ => {}
        }
    }
}

/// What F1 has given `who` so far: whole units paid, plus the owed remainder, plus pending rewards.
fn f1_accrued(state: &MemState, flows: &Flows, who: &Address) -> Dec {
    let total = rewards::delegator_total_rewards(state, who).unwrap();
    Dec::from_int(flows.paid_to.get(who).copied().unwrap_or(0))
        .checked_add(total.total.amount_of(REWARD))
        .unwrap()
        .checked_add(total.owed.amount_of(REWARD))
        .unwrap()
}

fn plan_balances(state: &MemState) -> u128 {
    (1..=2)
        .map(|id| bank::balance(state, &rewards::plan_address(id), REWARD).unwrap())
        .sum()
}

/// What the cases exercised, across all of them: proves the checks were not vacuous.
#[derive(Default, Debug)]
struct Stats {
    credits: u64,
    withdrawals_paid: u128,
    commission_paid: u128,
    refunded: u128,
    largest_difference: Dec,
}

fn run(
    blocks: Vec<(u64, Vec<Step>)>,
    stats: &std::cell::RefCell<Stats>,
) -> Result<(), TestCaseError> {
    let g = genesis();
    let mut state = MemState::new();
    phalanx_app::init_genesis(&mut state, &g).unwrap();
    let mut flows = Flows::default();
    let mut time = g.genesis_time;
    let setup_block = Block {
        header: BlockHeader {
            height: 1,
            time: Timestamp(time.0 + 1_000_000_000),
        },
        txs: setup(time),
    };
    time = setup_block.header.time;
    let r = execute_block(&mut state, &setup_block).unwrap();
    for (i, t) in r.tx_results.iter().enumerate() {
        prop_assert!(t.is_ok(), "setup tx {i} failed: {}", t.log);
    }
    flows.record(&r);
    let mut accrued: BTreeMap<Address, Dec> = BTreeMap::new();
    let bound = Dec::from_ratio(1, 1_000_000).unwrap();
    for (height, (dt, steps)) in (2u64..).zip(blocks) {
        time = Timestamp(time.0 + dt * 1_000_000_000);
        let block = Block {
            header: BlockHeader { height, time },
            txs: steps.iter().map(|s| tx(to_msg(s))).collect(),
        };
        let before = state.clone();
        let r = execute_block(&mut state, &block)
            .map_err(|e| TestCaseError::fail(format!("block {height} failed: {e}")))?;
        flows.record(&r);
        stats.borrow_mut().credits += r
            .begin_events
            .iter()
            .filter(|e| e.kind == "rewards")
            .count() as u64;
        reference_credits(&before, &r, &mut accrued);
        if let Some(v) = invariants::check_all(&state).unwrap() {
            return Err(TestCaseError::fail(format!("after block {height}: {v}")));
        }
        let held = bank::balance(&state, &rewards::rewards_pool(), REWARD).unwrap();
        prop_assert_eq!(
            flows.funded,
            flows.paid + flows.commission_paid + flows.refunded + plan_balances(&state) + held,
            "conservation after block {}: {:?}",
            height,
            flows
        );
        for i in 0..USERS {
            let who = user(i);
            let reference = accrued.get(&who).copied().unwrap_or(Dec::ZERO);
            let f1 = f1_accrued(&state, &flows, &who);
            let diff = if f1 > reference {
                f1.checked_sub(reference).unwrap()
            } else {
                reference.checked_sub(f1).unwrap()
            };
            let mut st = stats.borrow_mut();
            st.largest_difference = st.largest_difference.max(diff);
            drop(st);
            prop_assert!(
                diff <= bound,
                "user {} after block {}: F1 {} vs reference {}",
                i,
                height,
                f1,
                reference
            );
        }
    }
    let mut st = stats.borrow_mut();
    st.withdrawals_paid += flows.paid;
    st.commission_paid += flows.commission_paid;
    st.refunded += flows.refunded;
    Ok(())
}

/// Up to 40 blocks of 0 to 5 steps, 1 to 60 seconds apart.
fn blocks() -> impl Strategy<Value = Vec<(u64, Vec<Step>)>> {
    prop::collection::vec((1u64..60, prop::collection::vec(step(), 0..6)), 1..40)
}

#[test]
fn rewards_are_conserved_and_match_a_brute_force_reference() {
    let mut runner = seeded_runner(64);
    let stats = std::cell::RefCell::new(Stats::default());
    runner.run(&blocks(), |b| run(b, &stats)).unwrap();
    let stats = stats.into_inner();
    eprintln!("{stats:?}");
    assert!(stats.credits > 1000, "too few credits: {stats:?}");
    assert!(
        stats.withdrawals_paid > 0 && stats.commission_paid > 0 && stats.refunded > 0,
        "some flow never happened: {stats:?}"
    );
}
