//! Plumbing shared by the rewards and slashing property tests: a funded genesis with priced stake
//! denoms, one-message transactions, delegations of any kind, trust preferences from a bit mask, and
//! a seeded runner.

use phalanx_app::{Genesis, Tx};
use phalanx_types::msgs::{
    Asset, DelegationKind, Msg, MsgDelegateOperator, MsgDelegatePool, MsgDelegateService,
    MsgSetUserPreferences, MsgUndelegateOperator, MsgUndelegatePool, MsgUndelegateService,
    TrustedServiceEntry, UserPreferences,
};
use phalanx_types::{
    Address, Coin, Coins, Dec, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};
use proptest::test_runner::{Config, TestRng, TestRunner};

/// What every funded account holds of each of `uatom`, `uphx` and `utia`.
pub const FUNDS: u128 = 1_000_000_000_000;

/// A genesis funding `accounts` with every demo denom, pricing uatom at $10 and utia at $3 (6
/// decimals), with the given unbonding time and a generous unbonding-entry limit.
pub fn funded_genesis(
    chain_id: &str,
    authority: Address,
    accounts: &[Address],
    unbonding: Duration,
) -> Genesis {
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut g = Genesis::new(chain_id, start, authority);
    let funds = Coins::new(
        ["uatom", "uphx", "utia"]
            .iter()
            .map(|d| Coin::new(*d, FUNDS))
            .collect(),
    )
    .unwrap();
    let asset = |denom: &str, ticker: &str| Asset {
        denom: denom.into(),
        ticker: ticker.into(),
        exponent: 6,
    };
    g.fund(accounts, &funds).price_assets(&[
        (asset("uatom", "ATOM"), Dec::from_int(10)),
        (asset("utia", "TIA"), Dec::from_int(3)),
    ]);
    g.restaking.params.unbonding_time = unbonding;
    g.restaking.params.max_entries = 50;
    g
}

/// A transaction of one message, sent by its signer.
pub fn tx(msg: impl Into<Msg>) -> Tx {
    let msg = msg.into();
    Tx {
        sender: msg.signer(),
        msgs: vec![msg],
    }
}

/// A delegation (`delegate`) or undelegation of `coin` by `delegator` to or from target `id` of `kind`.
pub fn restake(
    delegate: bool,
    delegator: Address,
    kind: DelegationKind,
    id: u32,
    coin: Coin,
) -> Msg {
    let amount = Coins::new(vec![coin.clone()]).unwrap();
    match (delegate, kind) {
        (true, DelegationKind::Pool) => MsgDelegatePool {
            delegator,
            amount: coin,
        }
        .into(),
        (false, DelegationKind::Pool) => MsgUndelegatePool {
            delegator,
            amount: coin,
        }
        .into(),
        (true, DelegationKind::Operator) => MsgDelegateOperator {
            delegator,
            operator_id: OperatorId(id),
            amount,
        }
        .into(),
        (false, DelegationKind::Operator) => MsgUndelegateOperator {
            delegator,
            operator_id: OperatorId(id),
            amount,
        }
        .into(),
        (true, DelegationKind::Service) => MsgDelegateService {
            delegator,
            service_id: ServiceId(id),
            amount,
        }
        .into(),
        (false, DelegationKind::Service) => MsgUndelegateService {
            delegator,
            service_id: ServiceId(id),
            amount,
        }
        .into(),
    }
}

/// Preferences from a mask: bits 0/1 trust service 1/2; bits 2/3 restrict that trust to pool 1.
pub fn trust_from_mask(user: Address, mask: u8) -> Msg {
    let mut trusted = Vec::new();
    for (bit, svc) in [(0, 1u32), (1, 2)] {
        if mask & (1 << bit) != 0 {
            let pool_ids = if mask & (1 << (bit + 2)) != 0 {
                vec![PoolId(1)]
            } else {
                vec![]
            };
            trusted.push(TrustedServiceEntry {
                service_id: ServiceId(svc),
                pool_ids,
            });
        }
    }
    MsgSetUserPreferences {
        user,
        preferences: UserPreferences {
            trusted_services: trusted,
        },
    }
    .into()
}

/// A runner with a fixed seed (every run explores the same sequences, so a failure reproduces
/// exactly) and `PHALANX_PROPTEST_CASES` cases, `default_cases` if unset.
pub fn seeded_runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("PHALANX_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    TestRunner::new_with_rng(config, rng)
}
