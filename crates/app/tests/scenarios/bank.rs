//! The bank end to end: `MsgSend` moves balances, keeps supply, is atomic, and refuses what it cannot pay.

use crate::harness::*;
use phalanx_app::TxResult;
use phalanx_protocol::bank;
use phalanx_types::msgs::{Msg, MsgSend};
use phalanx_types::{Address, Coins};

fn send(from: &str, to: &str, amount: &str) -> MsgSend {
    MsgSend {
        from_address: addr(from),
        to_address: addr(to),
        amount: coins(amount),
    }
}

/// Every demo denom's supply, which no transfer may change.
fn supplies(chain: &Chain) -> Coins {
    bank::total_supply(&chain.state).unwrap()
}

fn balances(chain: &Chain, who: &Address) -> Coins {
    bank::balances(&chain.state, who).unwrap()
}

#[test]
fn send_moves_coins_and_emits_a_transfer_event() {
    let mut chain = Chain::new();
    let supply = supplies(&chain);
    assert_eq!(bank::supply(&chain.state, "uatom").unwrap(), 4 * FUNDS);
    let (alice, erin) = (addr("alice"), addr("erin"));
    assert!(balances(&chain, &erin).is_empty());

    let r: TxResult = chain.tx(alice, vec![send("alice", "erin", "150uatom,3ubtc").into()]);
    assert!(r.is_ok(), "{}", r.log);
    assert_eq!(r.events.len(), 1);
    let e = &r.events[0];
    assert_eq!(e.kind, "transfer");
    assert_eq!(e.get("sender"), Some(alice.to_string().as_str()));
    assert_eq!(e.get("recipient"), Some(erin.to_string().as_str()));
    assert_eq!(e.get("amount"), Some("150uatom,3ubtc"));

    assert_eq!(chain.balance(&alice, "uatom"), FUNDS - 150);
    assert_eq!(chain.balance(&alice, "ubtc"), FUNDS - 3);
    assert_eq!(chain.balance(&alice, "utia"), FUNDS);
    assert_eq!(balances(&chain, &erin), coins("150uatom,3ubtc"));
    assert_eq!(supplies(&chain), supply);

    // Received coins can be spent on.
    chain.ok(send("erin", "bob", "100uatom"));
    assert_eq!(balances(&chain, &erin), coins("50uatom,3ubtc"));
    assert_eq!(chain.balance(&addr("bob"), "uatom"), FUNDS + 100);
    assert_eq!(supplies(&chain), supply);
    chain.check_invariants();
}

#[test]
fn sending_a_whole_balance_removes_it() {
    let mut chain = Chain::new();
    chain.ok(send("alice", "bob", &format!("{FUNDS}uatom")));
    assert_eq!(chain.balance(&addr("alice"), "uatom"), 0);
    assert_eq!(
        balances(&chain, &addr("alice")).denoms(),
        vec!["ubtc", "uphx", "utia"]
    );
    assert_eq!(chain.balance(&addr("bob"), "uatom"), 2 * FUNDS);
    // Nothing left to send.
    assert_code(&chain.err(send("alice", "bob", "1uatom")), "bank", 1);
    let listed: Vec<Address> = bank::all_balances(&chain.state)
        .unwrap()
        .into_iter()
        .map(|b| b.address)
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "balances are listed in address order");
    chain.check_invariants();
}

#[test]
fn send_with_insufficient_funds_changes_nothing() {
    let mut chain = Chain::new();
    let r = chain.err(send("alice", "bob", &format!("{}uatom", FUNDS + 1)));
    assert_code(&r, "bank", 1);
    assert!(r.log.contains("does not cover"), "{}", r.log);
    // One denom short in a multi-denom send: nothing moves, not even the affordable coin.
    let r = chain.err(send("alice", "bob", &format!("5uatom,{}utia", FUNDS + 1)));
    assert_code(&r, "bank", 1);
    // An account that never held anything, and a denom nobody holds.
    assert_code(&chain.err(send("erin", "bob", "1uatom")), "bank", 1);
    assert_code(&chain.err(send("alice", "bob", "1uosmo")), "bank", 1);
    assert_eq!(chain.balance(&addr("alice"), "uatom"), FUNDS);
    assert_eq!(chain.balance(&addr("bob"), "uatom"), FUNDS);
}

#[test]
fn zero_and_empty_amounts_are_rejected() {
    let mut chain = Chain::new();
    for amount in ["", "0uatom", "0uatom,0ubtc"] {
        let r = chain.err(send("alice", "bob", amount));
        assert_code(&r, "sdk", 18);
    }
    // Zero coins are dropped from a set, so only the positive coin moves.
    chain.ok(send("alice", "bob", "0uatom,5ubtc"));
    assert_eq!(chain.balance(&addr("alice"), "uatom"), FUNDS);
    assert_eq!(chain.balance(&addr("bob"), "ubtc"), FUNDS + 5);
}

#[test]
fn malformed_amounts_cannot_be_decoded() {
    let valid = Msg::from(send("alice", "bob", "5uatom"));
    let json = serde_json::to_string(&valid).unwrap();
    assert!(
        json.contains("\"@type\":\"/phalanx.bank.v1.MsgSend\""),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), valid);
    let coin = "{\"denom\":\"uatom\",\"amount\":\"5\"}";
    assert!(json.contains(coin), "{json}");
    for bad in [
        "{\"denom\":\"1atom\",\"amount\":\"5\"}",
        "{\"denom\":\"uatom\",\"amount\":\"0\"}",
        "{\"denom\":\"uatom\",\"amount\":\"-5\"}",
        "{\"denom\":\"uatom\",\"amount\":\"5.5\"}",
        "{\"denom\":\"utia\",\"amount\":\"1\"},{\"denom\":\"uatom\",\"amount\":\"5\"}",
        "{\"denom\":\"uatom\",\"amount\":\"1\"},{\"denom\":\"uatom\",\"amount\":\"5\"}",
    ] {
        let tampered = json.replace(coin, bad);
        assert!(
            serde_json::from_str::<Msg>(&tampered).is_err(),
            "decoded {tampered}"
        );
    }
}

#[test]
fn send_must_be_signed_by_the_sender() {
    let mut chain = Chain::new();
    let r = chain.err_as(addr("bob"), send("alice", "bob", "10uatom"));
    assert_code(&r, "sdk", 4);
    assert_eq!(chain.balance(&addr("alice"), "uatom"), FUNDS);
}

#[test]
fn send_to_self_keeps_the_balance() {
    let mut chain = Chain::new();
    let r = chain.tx(
        addr("alice"),
        vec![send("alice", "alice", "10uatom").into()],
    );
    assert!(r.is_ok(), "{}", r.log);
    assert_eq!(r.events[0].kind, "transfer");
    assert_eq!(chain.balance(&addr("alice"), "uatom"), FUNDS);
    // Even a self-send needs the funds.
    assert_code(
        &chain.err(send("alice", "alice", &format!("{}uatom", FUNDS + 1))),
        "bank",
        1,
    );
    chain.check_invariants();
}

#[test]
fn a_transaction_of_several_sends_is_all_or_nothing() {
    let mut chain = Chain::new();
    let before = chain.state.clone();
    let r = chain.tx(
        addr("alice"),
        vec![
            send("alice", "bob", "10uatom").into(),
            send("alice", "carol", &format!("{}utia", FUNDS + 1)).into(),
        ],
    );
    assert_code(&r, "bank", 1);
    assert!(r.events.is_empty());
    assert!(r.responses.is_empty());
    assert_eq!(chain.balance(&addr("alice"), "uatom"), FUNDS);
    assert_eq!(chain.balance(&addr("bob"), "uatom"), FUNDS);
    assert_eq!(
        bank::all_balances(&chain.state).unwrap(),
        bank::all_balances(&before).unwrap()
    );

    // Both succeed together, in order: the second spends what the first left.
    let r = chain.tx(
        addr("alice"),
        vec![
            send("alice", "bob", "10uatom").into(),
            send("alice", "carol", &format!("{}uatom", FUNDS - 10)).into(),
        ],
    );
    assert!(r.is_ok(), "{}", r.log);
    assert_eq!(r.events.len(), 2);
    assert_eq!(chain.balance(&addr("alice"), "uatom"), 0);
    assert_eq!(chain.balance(&addr("bob"), "uatom"), FUNDS + 10);
    assert_eq!(chain.balance(&addr("carol"), "uatom"), 2 * FUNDS - 10);

    // A message signed by someone else anywhere in the transaction fails all of it.
    let r = chain.tx(
        addr("bob"),
        vec![
            send("bob", "dave", "1ubtc").into(),
            send("carol", "dave", "1ubtc").into(),
        ],
    );
    assert_code(&r, "sdk", 4);
    assert_eq!(chain.balance(&addr("dave"), "ubtc"), FUNDS);
    chain.check_invariants();
}
