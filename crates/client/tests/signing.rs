//! Transactions built by the client pass the chain's real admission (`phalanx_app::ante::authenticate`)
//! and execute, against an in-memory chain started from a genesis.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_app::ante::{TxParams, authenticate};
use phalanx_app::{BlockHeader, Genesis, execute_signed_block};
use phalanx_client::hd::HdPath;
use phalanx_client::tx::{SignerData, TxOptions, build_signed_tx, default_fee};
use phalanx_client::{ClientError, SigningKey};
use phalanx_protocol::{auth, bank};
use phalanx_state::MemState;
use phalanx_types::msgs::{Msg, MsgDelegatePool, MsgSend};
use phalanx_types::proto::tx::decode_tx;
use phalanx_types::{Address, Coin, Coins, Timestamp};

const CHAIN: &str = "phalanx-client-test";

fn chain(funded: &[Address]) -> MemState {
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut g = Genesis::new(CHAIN, start, Address::module("authority"));
    g.fund(funded, &"1000000000uatom,1000000000uphx".parse().unwrap());
    let mut state = MemState::new();
    phalanx_app::init_genesis(&mut state, &g).unwrap();
    state
}

fn signer_data(state: &MemState, who: &Address, chain_id: &str) -> SignerData {
    let account = auth::account(state, who).unwrap().unwrap();
    SignerData {
        chain_id: chain_id.into(),
        account_number: account.account_number,
        sequence: account.sequence,
    }
}

#[test]
fn default_fee_meets_the_chain_minimum() {
    let params = TxParams::default();
    for gas in [1, 99, 100, 101, 200_000, 1_234_567] {
        let required = params.required_fee(gas).unwrap();
        assert_eq!(default_fee(gas).amount_of("uphx"), required, "gas {gas}");
    }
    assert_eq!(params.fee_denom, phalanx_client::tx::FEE_DENOM);
}

#[test]
fn built_transactions_pass_admission_and_execute() {
    let alice = SigningKey::from_mnemonic(
        "economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone",
        &HdPath::default(),
    )
    .unwrap();
    let bob = SigningKey::from_hex(&"02".repeat(32)).unwrap();
    let mut state = chain(&[alice.address(), bob.address()]);

    let msgs: Vec<Msg> = vec![
        MsgSend {
            from_address: alice.address(),
            to_address: bob.address(),
            amount: "5uatom".parse().unwrap(),
        }
        .into(),
        MsgDelegatePool {
            delegator: alice.address(),
            amount: Coin::new("uatom", 1000),
        }
        .into(),
    ];
    let options = TxOptions {
        memo: "from the client".into(),
        ..TxOptions::default()
    };
    let signed = build_signed_tx(
        &alice,
        &msgs,
        &signer_data(&state, &alice.address(), CHAIN),
        &options,
    )
    .unwrap();

    // The bytes decode to what was signed, and the chain's admission accepts them.
    let decoded = decode_tx(&signed.bytes).unwrap();
    assert_eq!(decoded.msgs, msgs);
    assert_eq!(decoded.memo, "from the client");
    assert_eq!(decoded.fee, "2000uphx".parse::<Coins>().unwrap());
    assert_eq!(decoded.gas_limit, 200_000);
    let admitted = authenticate(&state, &signed.bytes, 1, None).unwrap();
    assert_eq!(admitted.tx.signer, alice.address());
    assert_eq!(signed.hash_hex().len(), 64);

    // Executed in a block: applied, fee paid, sequence used.
    let header = BlockHeader {
        height: 1,
        time: "2026-01-01T00:00:01Z".parse().unwrap(),
    };
    let result = execute_signed_block(&mut state, &header, std::slice::from_ref(&signed.bytes))
        .unwrap()
        .tx_results
        .remove(0);
    assert!(result.is_ok(), "{}", result.log);
    assert_eq!(
        bank::balance(&state, &bob.address(), "uatom").unwrap(),
        1_000_000_005
    );
    assert_eq!(
        auth::account(&state, &alice.address())
            .unwrap()
            .unwrap()
            .sequence,
        1
    );

    // The next transaction uses the next sequence; the old data would be a replay.
    let next = build_signed_tx(
        &alice,
        &msgs[..1],
        &signer_data(&state, &alice.address(), CHAIN),
        &TxOptions::default(),
    )
    .unwrap();
    assert!(authenticate(&state, &next.bytes, 2, None).is_ok());
    assert!(authenticate(&state, &signed.bytes, 2, None).is_err());

    // Signed for another chain: refused.
    let elsewhere = build_signed_tx(
        &alice,
        &msgs[..1],
        &signer_data(&state, &alice.address(), "other-chain"),
        &TxOptions::default(),
    )
    .unwrap();
    assert!(authenticate(&state, &elsewhere.bytes, 2, None).is_err());
}

#[test]
fn invalid_or_foreign_messages_are_refused_before_signing() {
    let alice = SigningKey::from_hex(&"01".repeat(32)).unwrap();
    let bob = SigningKey::from_hex(&"02".repeat(32)).unwrap();
    let data = SignerData {
        chain_id: CHAIN.into(),
        account_number: 0,
        sequence: 0,
    };
    let zero: Msg = MsgDelegatePool {
        delegator: alice.address(),
        amount: Coin::new("uatom", 0),
    }
    .into();
    let err = build_signed_tx(&alice, &[zero], &data, &TxOptions::default()).unwrap_err();
    assert!(
        matches!(err, ClientError::InvalidMsg { index: 0, .. }),
        "{err}"
    );

    let bobs: Msg = MsgDelegatePool {
        delegator: bob.address(),
        amount: Coin::new("uatom", 1),
    }
    .into();
    let err = build_signed_tx(&alice, &[bobs], &data, &TxOptions::default()).unwrap_err();
    assert!(err.to_string().contains("--from"), "{err}");
    assert!(build_signed_tx(&alice, &[], &data, &TxOptions::default()).is_err());
    let no_gas = TxOptions {
        gas_limit: 0,
        ..TxOptions::default()
    };
    let ok: Msg = MsgDelegatePool {
        delegator: alice.address(),
        amount: Coin::new("uatom", 1),
    }
    .into();
    assert!(build_signed_tx(&alice, std::slice::from_ref(&ok), &data, &no_gas).is_err());
}
