//! Property test of slashing: random delegations, trust preferences, unbondings, operator departures
//! and returns, slashes (of one operator or a service's whole security), vetoes and rule changes over
//! many blocks, with a rewards plan running. After every block it checks, against the state before it:
//!
//! - caps: every slash accepted in the block is within the per-incident cap of the rules in effect, and
//!   every service's non-vetoed slashes within its window stay within the window cap;
//! - only stake that chose the risk loses: a delegation or unbonding entry of a delegator who sent no
//!   transaction in the block loses value only if a slash executed in the block reaches it (its operator
//!   joined the service or left it after the infraction; its pool secures the service and its owner
//!   trusts the service; it is the service; for entries: created at or after the infraction, and for
//!   pool entries trusting the service when created), and then by at most `Σ f × value` plus one unit of
//!   rounding per slash;
//! - conservation: total supply + everything burned by slashes equals the initial supply, the
//!   redistribution recipient holds exactly what slashes sent it, and every invariant holds (custody
//!   covers stake and unbondings, tranches add up, the rewards pool holds exactly what it owes);
//! - rewards accrued before a slash are kept: a slash never lowers an idle delegator's pending rewards
//!   plus what was paid to them (settling locked stake withdraws its owner's rewards first);
//! - locked stake (`locked/uatom`, held by users with insurance funds of different sizes): an idle user's
//!   fund draw plus their locked stake's loss stays within the bound of the slashes that reached their
//!   locked positions, and while any of their fund is left their locked stake loses nothing.
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
use phalanx_protocol::{bank, invariants, liquidvesting, rewards, slashing};
use phalanx_state::MemState;
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, DecCoins, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};
use proptest::prelude::*;

mod common;
use common::{funded_genesis, restake, seeded_runner, trust_from_mask, tx};
use std::collections::{BTreeMap, BTreeSet};

const USERS: usize = 4;
const STAKE: [&str; 3] = ["uatom", "utia", LOCKED];
const LOCKED: &str = "locked/uatom";
/// Insurance fund of each user in uatom: covers every slash, covers some, covers little, none (user 3
/// can never restake locked tokens).
const INSURANCE: [u128; USERS] = [50_000_000, 300_000, 40_000, 0];

fn user(i: usize) -> Address {
    Address::module(&format!("slash-user-{i}"))
}

fn admin() -> Address {
    Address::module("slash-svc-admin")
}

fn op_admin() -> Address {
    Address::module("slash-op-admin")
}

fn slasher() -> Address {
    Address::module("slash-slasher")
}

fn resolver() -> Address {
    Address::module("slash-resolver")
}

fn recipient() -> Address {
    Address::module("slash-recipient")
}

fn authority() -> Address {
    Address::module("slash-authority")
}

fn genesis() -> Genesis {
    let mut everyone: Vec<Address> = (0..USERS).map(user).collect();
    everyone.extend([admin(), op_admin()]);
    let mut g = funded_genesis(
        "phalanx-slashing-prop",
        authority(),
        &everyone,
        Duration::from_secs(300),
    );
    g.slashing.params.rules_change_delay = Duration::from_secs(1);
    for b in &mut g.bank.balances {
        if (0..USERS).any(|i| user(i) == b.address) {
            b.coins = b.coins.add_coin(&Coin::new(LOCKED, 100_000_000)).unwrap();
        }
    }
    g
}

fn rules(
    incident: u128,
    window: u128,
    veto_secs: u64,
    destination: SlashDestination,
) -> SlashingRules {
    SlashingRules {
        slasher: slasher(),
        max_incident_fraction: Dec::from_ratio(incident, 100).unwrap(),
        max_window_fraction: Dec::from_ratio(window, 100).unwrap(),
        window: Duration::from_secs(120),
        veto_window: Duration::from_secs(veto_secs),
        resolver: (veto_secs > 0).then(resolver),
        destination,
    }
}

/// Services 1 and 2 (1 burns at once; 2 redistributes after a 20 s veto window), operators 1 and 2
/// joined to both, pools of uatom, utia and locked/uatom securing both, insurance funds, and a plan
/// paying operators and pools.
fn setup(start: Timestamp) -> Vec<Tx> {
    let mut txs = Vec::new();
    for (i, amount) in INSURANCE.iter().enumerate().filter(|(_, a)| **a > 0) {
        txs.push(tx(MsgDepositInsuranceFund {
            depositor: user(i),
            amount: Coins::single("uatom", *amount).unwrap(),
        }));
    }
    for _ in 0..2 {
        txs.push(tx(MsgCreateService {
            sender: admin(),
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
    for s in 1..=2 {
        txs.push(tx(MsgActivateService {
            sender: admin(),
            service_id: ServiceId(s),
        }));
        for o in 1..=2 {
            txs.push(tx(MsgJoinService {
                sender: op_admin(),
                operator_id: OperatorId(o),
                service_id: ServiceId(s),
            }));
        }
    }
    for denom in STAKE {
        txs.push(tx(MsgDelegatePool {
            delegator: user(0),
            amount: Coin::new(denom, 1_000_000),
        }));
    }
    for s in 1..=2 {
        for p in 1..=3 {
            txs.push(tx(MsgBorrowPoolSecurity {
                sender: admin(),
                service_id: ServiceId(s),
                pool_id: PoolId(p),
            }));
        }
    }
    txs.push(tx(MsgSetSlashingRules {
        sender: admin(),
        service_id: ServiceId(1),
        rules: rules(30, 60, 0, SlashDestination::Burn),
    }));
    txs.push(tx(MsgSetSlashingRules {
        sender: admin(),
        service_id: ServiceId(2),
        rules: rules(
            30,
            60,
            20,
            SlashDestination::Recipient {
                address: recipient(),
            },
        ),
    }));
    txs.push(tx(MsgCreateRewardsPlan {
        sender: admin(),
        service_id: ServiceId(1),
        terms: PlanTerms {
            description: String::new(),
            amount_per_day: Coin::new("uphx", 8_640_000_000),
            start_time: start,
            end_time: Timestamp(start.0 + 1_000_000 * 1_000_000_000),
            pools_distribution: Distribution {
                weight: 1,
                kind: DistributionType::Basic,
            },
            operators_distribution: Distribution {
                weight: 1,
                kind: DistributionType::Basic,
            },
            users_distribution: UsersDistribution { weight: 1 },
        },
        fee_amount: Coins::empty(),
    }));
    txs.push(tx(MsgFundRewardsPlan {
        sender: admin(),
        plan_id: 1,
        amount: Coin::new("uphx", 100_000_000_000),
    }));
    txs
}

#[derive(Debug, Clone)]
enum Step {
    Delegate {
        who: usize,
        kind: u8,
        id: u32,
        denom: usize,
        amount: u128,
    },
    Undelegate {
        who: usize,
        kind: u8,
        id: u32,
        denom: usize,
        amount: u128,
    },
    Trust {
        who: usize,
        mask: u8,
    },
    Leave {
        op: u32,
        svc: u32,
    },
    Join {
        op: u32,
        svc: u32,
    },
    Slash {
        svc: u32,
        op: Option<u32>,
        percent: u128,
        back_secs: u64,
    },
    Veto {
        id: u64,
    },
    Rules {
        svc: u32,
        incident: u128,
        window: u128,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..USERS;
    let amount = 1u128..20_000_000;
    prop_oneof![
        3 => (who.clone(), 1..4u8, 1..3u32, 0..3usize, amount.clone())
            .prop_map(|(who, kind, id, denom, amount)| Step::Delegate { who, kind, id, denom, amount }),
        2 => (who.clone(), 1..4u8, 1..3u32, 0..3usize, amount)
            .prop_map(|(who, kind, id, denom, amount)| Step::Undelegate { who, kind, id, denom, amount }),
        2 => (who, 0..16u8).prop_map(|(who, mask)| Step::Trust { who, mask }),
        1 => (1..3u32, 1..3u32).prop_map(|(op, svc)| Step::Leave { op, svc }),
        1 => (1..3u32, 1..3u32).prop_map(|(op, svc)| Step::Join { op, svc }),
        3 => (1..3u32, prop::option::of(1..3u32), 1u128..40, 0u64..200)
            .prop_map(|(svc, op, percent, back_secs)| Step::Slash { svc, op, percent, back_secs }),
        1 => (1..6u64).prop_map(|id| Step::Veto { id }),
        1 => (1..3u32, 1u128..50, 1u128..100)
            .prop_map(|(svc, incident, window)| Step::Rules { svc, incident, window: window.max(incident) }),
    ]
}

fn kind_of(k: u8) -> DelegationKind {
    match k {
        1 => DelegationKind::Pool,
        2 => DelegationKind::Operator,
        _ => DelegationKind::Service,
    }
}

fn to_msg(s: &Step, now: Timestamp) -> Msg {
    match *s {
        Step::Delegate {
            who,
            kind,
            id,
            denom,
            amount,
        } => restake(
            true,
            user(who),
            kind_of(kind),
            id,
            Coin::new(STAKE[denom], amount),
        ),
        Step::Undelegate {
            who,
            kind,
            id,
            denom,
            amount,
        } => restake(
            false,
            user(who),
            kind_of(kind),
            id,
            Coin::new(STAKE[denom], amount),
        ),
        Step::Trust { who, mask } => trust_from_mask(user(who), mask),
        Step::Leave { op, svc } => MsgLeaveService {
            sender: op_admin(),
            operator_id: OperatorId(op),
            service_id: ServiceId(svc),
        }
        .into(),
        Step::Join { op, svc } => MsgJoinService {
            sender: op_admin(),
            operator_id: OperatorId(op),
            service_id: ServiceId(svc),
        }
        .into(),
        Step::Slash {
            svc,
            op,
            percent,
            back_secs,
        } => MsgSubmitSlash {
            slasher: slasher(),
            service_id: ServiceId(svc),
            operator_id: op.map(OperatorId),
            fraction: Dec::from_ratio(percent, 100).unwrap(),
            infraction_time: Timestamp(now.0.saturating_sub(back_secs * 1_000_000_000)),
            reason: String::new(),
        }
        .into(),
        Step::Veto { id } => MsgVetoSlash {
            resolver: resolver(),
            slash_id: id,
        }
        .into(),
        Step::Rules {
            svc,
            incident,
            window,
        } => MsgSetSlashingRules {
            sender: admin(),
            service_id: ServiceId(svc),
            rules: rules(
                incident,
                window,
                if svc == 2 { 20 } else { 0 },
                if svc == 2 {
                    SlashDestination::Recipient {
                        address: recipient(),
                    }
                } else {
                    SlashDestination::Burn
                },
            ),
        }
        .into(),
    }
}

/// Does slash `s` reach a delegation to `t` held by `who` (pool: checked with `prefs`)?
fn reaches(
    state: &MemState,
    s: &slashing::SlashRecord,
    t: TargetRef,
    prefs: &UserPreferences,
    now: Timestamp,
) -> bool {
    let svc = s.service_id;
    match t.kind {
        DelegationKind::Operator => match s.operator_id {
            Some(op) => op.0 == t.id,
            None => {
                slashing::reached_operators(state, svc, s.infraction_time..=s.infraction_time, now)
                    .unwrap()
                    .contains(&OperatorId(t.id))
            }
        },
        DelegationKind::Pool => {
            s.operator_id.is_none()
                && restaking::pool_secures_service(state, svc, PoolId(t.id)).unwrap()
                && prefs.trusts(svc, PoolId(t.id))
        }
        DelegationKind::Service => s.operator_id.is_none() && t.id == svc.0,
    }
}

/// Token value (truncated) of every delegation and balance of every unbonding entry, by (delegator,
/// target, entry id or 0).
type Positions = BTreeMap<(Address, TargetRef, u64), Coins>;

fn positions(state: &MemState) -> Positions {
    let mut out = Positions::new();
    for d in restaking::all_delegations(state).unwrap() {
        let v = restaking::delegation_response(state, d.clone())
            .unwrap()
            .balance;
        out.insert((d.delegator, d.target(), 0), v);
    }
    for u in restaking::all_unbonding_delegations(state).unwrap() {
        for e in &u.entries {
            out.insert(
                (u.delegator, u.target(), e.unbonding_id.0),
                e.balance.clone(),
            );
        }
    }
    out
}

/// Entry `id` of `who`'s unbonding from `t`.
fn unbonding_entry(
    state: &MemState,
    t: TargetRef,
    who: &Address,
    id: u64,
) -> restaking::UnbondingEntry {
    restaking::target_unbonding_delegation(state, t, who)
        .unwrap()
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.unbonding_id.0 == id)
        .unwrap()
}

/// The sum of the fractions of the executed slashes that reach position (`who`, `t`, `entry`) and their
/// number (one unit of rounding each).
fn allowance(
    before: &MemState,
    state: &MemState,
    executed: &[slashing::SlashRecord],
    who: Address,
    t: TargetRef,
    entry: u64,
    time: Timestamp,
) -> (Dec, u128) {
    let prefs = restaking::user_preferences(before, &who).unwrap();
    let mut allowed = Dec::ZERO;
    let mut n = 0u128;
    for s in executed {
        let hit = if entry == 0 {
            reaches(before, s, t, &prefs, time) || reaches(state, s, t, &prefs, time)
        } else {
            let e = unbonding_entry(before, t, &who, entry);
            let target_ok = match t.kind {
                DelegationKind::Pool => {
                    s.operator_id.is_none()
                        && restaking::pool_secures_service(before, s.service_id, PoolId(t.id))
                            .unwrap()
                        && e.trusted_services.contains(&s.service_id)
                }
                _ => reaches(before, s, t, &prefs, time) || reaches(state, s, t, &prefs, time),
            };
            target_ok && e.creation_time >= s.infraction_time
        };
        if hit {
            allowed = allowed.checked_add(s.fraction).unwrap();
            n += 1;
        }
    }
    (allowed, n)
}

fn amount_attr(e: &phalanx_types::Event) -> Coins {
    e.get("amount").unwrap().parse().unwrap()
}

#[derive(Default, Debug)]
struct Stats {
    executed: u64,
    vetoed: u64,
    pieces_cut: u64,
    entries_cut: u64,
    insurance_draws: u64,
}

fn run(
    blocks: Vec<(u64, Vec<Step>)>,
    stats: &std::cell::RefCell<Stats>,
) -> Result<(), TestCaseError> {
    let g = genesis();
    let mut state = MemState::new();
    phalanx_app::init_genesis(&mut state, &g).unwrap();
    let initial_supply = bank::total_supply(&state).unwrap();
    let mut time = Timestamp(g.genesis_time.0 + 1_000_000_000);
    let r = execute_block(
        &mut state,
        &Block {
            header: BlockHeader { height: 1, time },
            txs: setup(g.genesis_time),
        },
    )
    .unwrap();
    for (i, t) in r.tx_results.iter().enumerate() {
        prop_assert!(t.is_ok(), "setup tx {i}: {}", t.log);
    }
    let mut burned = Coins::empty();
    let mut redistributed = Coins::empty();
    for (height, (dt, steps)) in (2u64..).zip(blocks) {
        time = Timestamp(time.0 + dt * 1_000_000_000);
        let txs: Vec<Tx> = steps.iter().map(|s| tx(to_msg(s, time))).collect();
        let acting: BTreeSet<Address> = txs.iter().map(|t| t.sender).collect();
        let before = state.clone();
        let r: BlockResult = execute_block(
            &mut state,
            &Block {
                header: BlockHeader { height, time },
                txs,
            },
        )
        .map_err(|e| TestCaseError::fail(format!("block {height}: {e}")))?;
        if let Some(v) = invariants::check_all(&state).unwrap() {
            return Err(TestCaseError::fail(format!("after block {height}: {v}")));
        }
        let events: Vec<&phalanx_types::Event> = r
            .begin_events
            .iter()
            .chain(r.tx_results.iter().flat_map(|t| t.events.iter()))
            .chain(r.end_events.iter())
            .collect();
        // Caps of every slash accepted in this block, under the rules in effect before it.
        for e in events.iter().filter(|e| e.kind == "submit_slash") {
            let id: u64 = e.get("slash_id").unwrap().parse().unwrap();
            let s = slashing::slash(&state, id).unwrap().unwrap();
            let rules = slashing::rules(&before, s.service_id).unwrap();
            let rules = rules
                .in_effect(time)
                .expect("accepted only with rules in effect");
            prop_assert!(s.fraction <= rules.max_incident_fraction);
            let since = Timestamp(time.0.saturating_sub(rules.window.0));
            let (all, _) = slashing::slashes(&state, &Default::default()).unwrap();
            let used = all
                .iter()
                .filter(|x| {
                    x.service_id == s.service_id
                        && x.status != slashing::SlashStatus::Vetoed
                        && x.submitted_at > since
                })
                .fold(Dec::ZERO, |a, x| a.checked_add(x.fraction).unwrap());
            prop_assert!(
                used <= rules.max_window_fraction,
                "window cap: {} > {}",
                used,
                rules.max_window_fraction
            );
        }
        // Slashes executed in this block, and where their tokens went.
        let mut executed = Vec::new();
        for e in events.iter().filter(|e| e.kind == "execute_slash") {
            let id: u64 = e.get("slash_id").unwrap().parse().unwrap();
            let s = slashing::slash(&state, id).unwrap().unwrap();
            // Locked tokens a slash takes are burned whatever the destination.
            let amount = amount_attr(e);
            let locked = amount.filter(is_locked_denom);
            burned = burned.checked_add(&locked).unwrap();
            let rest = amount.checked_sub(&locked).unwrap();
            match s.destination {
                SlashDestination::Burn => burned = burned.checked_add(&rest).unwrap(),
                SlashDestination::Recipient { .. } => {
                    redistributed = redistributed.checked_add(&rest).unwrap()
                }
                SlashDestination::Service => {}
            }
            executed.push(s);
        }
        stats.borrow_mut().executed += executed.len() as u64;
        stats.borrow_mut().vetoed +=
            events.iter().filter(|e| e.kind == "veto_slash").count() as u64;
        stats.borrow_mut().pieces_cut +=
            events.iter().filter(|e| e.kind == "slash_target").count() as u64;
        stats.borrow_mut().entries_cut += events
            .iter()
            .filter(|e| e.kind == "slash_unbonding")
            .count() as u64;
        // Conservation.
        let supply = bank::total_supply(&state).unwrap();
        prop_assert_eq!(supply.checked_add(&burned).unwrap(), initial_supply.clone());
        prop_assert_eq!(
            bank::balances(&state, &recipient()).unwrap(),
            redistributed.clone()
        );
        // Only stake that chose the risk loses, and at most by the fractions.
        let (pre, post) = (positions(&before), positions(&state));
        // Per idle user: locked stake lost, and the bound of the slashes reaching their locked stake.
        let mut locked: BTreeMap<Address, (u128, u128)> = BTreeMap::new();
        for ((who, t, entry), was) in &pre {
            if acting.contains(who) {
                continue;
            }
            let Some(now) = post.get(&(*who, *t, *entry)).cloned().or_else(|| {
                // A delegation can only vanish through its owner's own transaction; an entry vanishes
                // when it completes (it was paid its balance).
                let ubd = restaking::target_unbonding_delegation(&before, *t, who).unwrap()?;
                let e = ubd.entries.iter().find(|e| e.unbonding_id.0 == *entry)?;
                (e.completion_time > time).then(Coins::empty)
            }) else {
                continue;
            };
            let (allowed, n) = allowance(&before, &state, &executed, *who, *t, *entry, time);
            let mine = locked.entry(*who).or_default();
            let was_locked = was.amount_of(LOCKED);
            mine.0 += was_locked.saturating_sub(now.amount_of(LOCKED));
            if n > 0 && was_locked > 0 {
                mine.1 += allowed.mul_int(was_locked).unwrap().truncate_int().unwrap() + n;
            }
            if now.is_all_gte(was) {
                continue;
            }
            prop_assert!(
                n > 0,
                "block {}: {:?} of {} lost {} -> {} with no slash reaching it",
                height,
                t,
                who,
                was,
                now
            );
            for c in was.iter() {
                let loss = c.amount - now.amount_of(&c.denom);
                let bound = allowed.mul_int(c.amount).unwrap().truncate_int().unwrap() + n;
                prop_assert!(
                    loss <= bound,
                    "block {}: {:?} lost {} of {}, bound {}",
                    height,
                    t,
                    loss,
                    c,
                    bound
                );
            }
        }
        // Insurance funds pay first, and only for slashes of their owner's locked stake.
        for i in 0..USERS {
            let who = user(i);
            if acting.contains(&who) {
                continue;
            }
            let fund = |st: &MemState| liquidvesting::insurance_fund(st, &who, "uatom").unwrap();
            let (was, now) = (fund(&before), fund(&state));
            prop_assert!(now <= was, "block {}: the fund of user {} grew", height, i);
            let (lost, bound) = locked.get(&who).copied().unwrap_or_default();
            let drawn = was - now;
            if drawn > 0 {
                stats.borrow_mut().insurance_draws += 1;
            }
            prop_assert!(
                drawn + lost <= bound,
                "block {}: user {} lost {} from the fund and {} locked, bound {}",
                height,
                i,
                drawn,
                lost,
                bound
            );
            prop_assert!(
                now == 0 || lost == 0,
                "block {}: user {} lost {} locked with {} left in the fund",
                height,
                i,
                lost,
                now
            );
        }
        // Rewards accrued before a slash are kept: an idle delegator's pending rewards plus what was
        // paid or is owed to them (settling locked stake withdraws its owner's rewards first, whole
        // units paid and the sub-unit rest owed) never go down.
        if !executed.is_empty() {
            let earned = |st: &MemState, who: &Address| {
                let paid = Dec::from_int(bank::balance(st, who, "uphx").unwrap());
                let owed = rewards::owed(st, who).unwrap();
                let mut total = DecCoins::single("uphx", paid)
                    .unwrap()
                    .checked_add(&owed)
                    .unwrap();
                for d in restaking::all_delegations(st).unwrap() {
                    if d.delegator == *who {
                        let pending = rewards::pending_rewards(st, d.target(), who).unwrap();
                        total = total
                            .checked_add(&rewards::flatten(&pending).unwrap())
                            .unwrap();
                    }
                }
                total
            };
            for i in 0..USERS {
                let who = user(i);
                if acting.contains(&who) {
                    continue;
                }
                let (was, now) = (earned(&before, &who), earned(&state, &who));
                prop_assert!(
                    now.is_all_gte(&was),
                    "block {}: rewards of user {} fell from {} to {}",
                    height,
                    i,
                    was,
                    now
                );
            }
        }
    }
    // The exposure query against a brute-force sum over every position.
    for i in 0..USERS {
        let who = user(i);
        let e = slashing::exposure(&state, time, &who, None).unwrap();
        let prefs = restaking::user_preferences(&state, &who).unwrap();
        for svc in [ServiceId(1), ServiceId(2)] {
            let probe = slashing::SlashRecord {
                id: 0,
                service_id: svc,
                operator_id: None,
                fraction: Dec::ONE,
                infraction_time: Timestamp(time.0.saturating_sub(300 * 1_000_000_000)),
                reason: String::new(),
                submitted_at: time,
                executes_at: time,
                resolver: None,
                destination: SlashDestination::Burn,
                status: slashing::SlashStatus::Pending,
                slashed: Coins::empty(),
                insurance_paid: Coins::empty(),
                failure: None,
            };
            // The query answers for every slashable infraction time: the earliest reaches stake
            // that left since, the latest operators that joined since.
            let latest = slashing::SlashRecord {
                infraction_time: time,
                ..probe.clone()
            };
            let reached = |t: TargetRef| {
                reaches(&state, &probe, t, &prefs, time)
                    || reaches(&state, &latest, t, &prefs, time)
            };
            let mut brute = Coins::empty();
            for ((owner, t, entry), v) in positions(&state) {
                if owner != who {
                    continue;
                }
                let hit = if entry == 0 {
                    reached(t)
                } else if t.kind == DelegationKind::Pool {
                    let e = unbonding_entry(&state, t, &who, entry);
                    restaking::pool_secures_service(&state, svc, PoolId(t.id)).unwrap()
                        && e.trusted_services.contains(&svc)
                } else {
                    // An upper bound: the entry counts whenever its target is reachable, also if
                    // it started before the operator joined the service.
                    reached(t)
                };
                if hit {
                    brute = brute.checked_add(&v).unwrap();
                }
            }
            let reported = e
                .services
                .iter()
                .find(|x| x.service_id == svc)
                .map(|x| x.at_stake.clone())
                .unwrap_or_default();
            prop_assert_eq!(reported, brute, "exposure of user {} to service {}", i, svc);
        }
    }
    Ok(())
}

/// Up to 30 blocks of 0 to 6 steps, 1 to 30 seconds apart.
fn blocks() -> impl Strategy<Value = Vec<(u64, Vec<Step>)>> {
    prop::collection::vec((1u64..30, prop::collection::vec(step(), 0..7)), 1..30)
}

#[test]
fn slashes_reach_only_the_stake_that_chose_the_risk_within_the_caps() {
    let mut runner = seeded_runner(64);
    let stats = std::cell::RefCell::new(Stats::default());
    runner.run(&blocks(), |b| run(b, &stats)).unwrap();
    let stats = stats.into_inner();
    eprintln!("{stats:?}");
    assert!(
        stats.executed > 50
            && stats.vetoed > 0
            && stats.pieces_cut > 50
            && stats.entries_cut > 0
            && stats.insurance_draws > 5,
        "{stats:?}"
    );
}
