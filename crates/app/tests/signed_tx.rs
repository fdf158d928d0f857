//! Signed transactions end to end: Cosmos `TxRaw` bytes signed with secp256k1 go through admission
//! (signature, chain id, sequence, fee, gas, size) and block execution.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_app::ante::{TxParams, authenticate};
use phalanx_app::signature_cache::SignatureCache;
use phalanx_app::{BlockHeader, Genesis, TxResult, execute_signed_block_with, fee_collector};
use phalanx_protocol::{auth, bank};
use phalanx_state::{Entry, MemState, StateError, StateRead};
use phalanx_types::msgs::{Msg, MsgDelegateOperator, MsgSend};
use phalanx_types::proto::tx::{encode_auth_info, encode_tx_body, encode_tx_raw, sign_doc_bytes};
use phalanx_types::{Address, Coin, Coins, OperatorId, Timestamp};
use proptest::prelude::*;
use secp256k1::{Message, PublicKey, SecretKey};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

const CHAIN: &str = "phalanx-signed";

struct Key {
    secret: SecretKey,
    public: [u8; 33],
    address: Address,
}

fn key(seed: u8) -> Key {
    let secret = SecretKey::from_secret_bytes([seed; 32]).unwrap();
    let public = PublicKey::from_secret_key(&secret).serialize();
    Key {
        secret,
        public,
        address: Address::from_secp256k1_pubkey(&public),
    }
}

fn coins(s: &str) -> Coins {
    s.parse().unwrap()
}

/// Everything a signer chooses, so tests can vary one thing at a time.
struct Signing<'a> {
    key: &'a Key,
    chain_id: &'a str,
    account_number: u64,
    sequence: u64,
    fee: Coins,
    gas_limit: u64,
    timeout_height: u64,
}

fn sign(s: &Signing<'_>, msgs: &[Msg]) -> Vec<u8> {
    let body = encode_tx_body(msgs, "", s.timeout_height);
    let auth_info = encode_auth_info(&s.key.public, s.sequence, &s.fee, s.gas_limit);
    let doc = sign_doc_bytes(&body, &auth_info, s.chain_id, s.account_number);
    let digest: [u8; 32] = Sha256::digest(&doc).into();
    let sig =
        secp256k1::ecdsa::sign(Message::from_digest(digest), &s.key.secret).serialize_compact();
    encode_tx_raw(&body, &auth_info, &sig)
}

struct Chain {
    state: MemState,
    height: u64,
    time: Timestamp,
    /// The keys the last block changed (a node passes every key the block wrote, a superset).
    written: BTreeSet<Vec<u8>>,
}

/// The keys whose values differ between two states: of the keys a block wrote, those that matter
/// to anyone re-checking against the new state.
fn changed_keys(before: &MemState, after: &MemState) -> BTreeSet<Vec<u8>> {
    let all = |s: &MemState| -> BTreeMap<Vec<u8>, Vec<u8>> {
        s.range(&[], None, None).unwrap().into_iter().collect()
    };
    let (before, after) = (all(before), all(after));
    before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

impl Chain {
    fn new(accounts: &[&Key]) -> Self {
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let mut g = Genesis::new(CHAIN, start, Address::module("authority"));
        let addrs: Vec<Address> = accounts.iter().map(|k| k.address).collect();
        g.fund(&addrs, &coins("1000000000uatom,1000000000uphx"));
        let mut state = MemState::new();
        phalanx_app::init_genesis(&mut state, &g).unwrap();
        Self {
            state,
            height: 0,
            time: start,
            written: BTreeSet::new(),
        }
    }

    fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<TxResult> {
        self.block_with(txs, None)
    }

    /// A block that takes the signature verdicts `known` holds, as a node executes.
    fn block_with(&mut self, txs: Vec<Vec<u8>>, known: Option<&SignatureCache>) -> Vec<TxResult> {
        self.height += 1;
        self.time = Timestamp(self.time.0 + 1_000_000_000);
        let header = BlockHeader {
            height: self.height,
            time: self.time,
        };
        let before = self.state.clone();
        let results = execute_signed_block_with(&mut self.state, &header, &txs, known)
            .unwrap()
            .tx_results;
        self.written = changed_keys(&before, &self.state);
        results
    }

    fn account(&self, who: &Key) -> auth::Account {
        auth::account(&self.state, &who.address).unwrap().unwrap()
    }

    fn signing<'a>(&self, who: &'a Key) -> Signing<'a> {
        let a = self.account(who);
        Signing {
            key: who,
            chain_id: CHAIN,
            account_number: a.account_number,
            sequence: a.sequence,
            fee: coins("2000uphx"),
            gas_limit: 200_000,
            timeout_height: 0,
        }
    }

    /// Delivers `tx` in a block and asserts it was refused at admission: only height and time changed.
    fn refused(&mut self, tx: Vec<u8>, codespace: &str, code: u32) {
        let before = phalanx_app::export_genesis(&self.state).unwrap();
        let r = self.block(vec![tx]).remove(0);
        assert_eq!(
            (r.codespace.as_str(), r.code),
            (codespace, code),
            "{}",
            r.log
        );
        assert!(!r.admitted, "refused at admission");
        let after = phalanx_app::export_genesis(&self.state).unwrap();
        assert_eq!(before.auth, after.auth, "no sequence or key change");
        assert_eq!(before.bank, after.bank, "no fee charged");
    }
}

fn send(from: &Key, to: Address, amount: &str) -> Msg {
    MsgSend {
        from_address: from.address,
        to_address: to,
        amount: coins(amount),
    }
    .into()
}

/// A state that records the keys read through it.
struct Reads<'a> {
    inner: &'a MemState,
    keys: std::cell::RefCell<BTreeSet<Vec<u8>>>,
}

impl StateRead for Reads<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.keys.borrow_mut().insert(key.to_vec());
        self.inner.get(key)
    }

    fn range(
        &self,
        _start: &[u8],
        _end: Option<&[u8]>,
        _limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        Err(StateError("admission must not scan ranges".into()))
    }
}

#[test]
fn admission_reads_only_the_keys_it_declares() {
    let (alice, bob) = (key(1), key(2));
    let chain = Chain::new(&[&alice, &bob]);
    let declared: BTreeSet<Vec<u8>> = phalanx_app::ante::chain_admission_reads()
        .into_iter()
        .chain(phalanx_app::ante::signer_admission_reads(
            &alice.address,
            "uphx",
        ))
        .collect();
    let msgs = [send(&alice, bob.address, "5uatom")];
    let valid = sign(&chain.signing(&alice), &msgs);
    let replayed_sequence = sign(
        &Signing {
            sequence: 3,
            ..chain.signing(&alice)
        },
        &msgs,
    );
    let too_rich = sign(
        &Signing {
            fee: coins("2000000000uphx"),
            ..chain.signing(&alice)
        },
        &msgs,
    );
    for (tx, passes) in [(valid, true), (replayed_sequence, false), (too_rich, false)] {
        let reads = Reads {
            inner: &chain.state,
            keys: Default::default(),
        };
        assert_eq!(authenticate(&reads, &tx, 1, None).is_ok(), passes);
        let read = reads.keys.into_inner();
        assert!(read.is_subset(&declared), "undeclared reads: {read:?}");
        if passes {
            assert_eq!(
                read, declared,
                "a passing admission reads every declared key"
            );
        }
    }
}

#[test]
fn a_signed_send_pays_its_fee_and_bumps_the_sequence() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = Chain::new(&[&alice, &bob]);
    let tx = sign(
        &chain.signing(&alice),
        &[send(&alice, bob.address, "5uatom")],
    );
    let r = chain.block(vec![tx.clone()]).remove(0);
    assert!(r.is_ok(), "{}", r.log);
    assert!(r.admitted);
    assert_eq!(r.gas_wanted, 200_000);
    assert!(r.gas_used > 20_000 && r.gas_used < 200_000);
    assert_eq!(
        bank::balance(&chain.state, &bob.address, "uatom").unwrap(),
        1_000_000_005
    );
    assert_eq!(
        bank::balance(&chain.state, &fee_collector(), "uphx").unwrap(),
        2000
    );
    let a = chain.account(&alice);
    assert_eq!(a.sequence, 1);
    assert_eq!(a.pub_key.as_deref(), Some(alice.public.as_slice()));

    // The same bytes again: a replay, refused with the expected sequence in the message.
    chain.refused(tx, "sdk", 32);
}

#[test]
fn a_failing_message_still_pays_the_fee_and_uses_the_sequence() {
    let alice = key(1);
    let mut chain = Chain::new(&[&alice]);
    let msg: Msg = MsgDelegateOperator {
        delegator: alice.address,
        operator_id: OperatorId(7),
        amount: coins("5uatom"),
    }
    .into();
    let r = chain
        .block(vec![sign(&chain.signing(&alice), &[msg])])
        .remove(0);
    assert_eq!((r.codespace.as_str(), r.code), ("operators", 100));
    assert!(r.admitted, "the message failed, not admission");
    assert_eq!(chain.account(&alice).sequence, 1);
    assert_eq!(
        bank::balance(&chain.state, &fee_collector(), "uphx").unwrap(),
        2000
    );
    assert_eq!(
        bank::balance(&chain.state, &alice.address, "uatom").unwrap(),
        1_000_000_000
    );
}

#[test]
fn bad_signatures_chain_ids_sequences_and_keys_are_refused() {
    let (alice, bob, stranger) = (key(1), key(2), key(9));
    let mut chain = Chain::new(&[&alice, &bob]);
    let msgs = [send(&alice, bob.address, "1uatom")];

    let wrong_chain = Signing {
        chain_id: "other-chain",
        ..chain.signing(&alice)
    };
    chain.refused(sign(&wrong_chain, &msgs), "sdk", 4);

    let wrong_number = Signing {
        account_number: 99,
        ..chain.signing(&alice)
    };
    chain.refused(sign(&wrong_number, &msgs), "sdk", 4);

    let future = Signing {
        sequence: 5,
        ..chain.signing(&alice)
    };
    chain.refused(sign(&future, &msgs), "sdk", 32);

    let mut tampered = sign(&chain.signing(&alice), &msgs);
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    chain.refused(tampered, "sdk", 4);

    // Bob signing alice's message: the key does not derive the signer's address.
    let mut by_bob = chain.signing(&bob);
    by_bob.key = &bob;
    let forged = {
        let body = encode_tx_body(&msgs, "", 0);
        let auth_info = encode_auth_info(&bob.public, 0, &coins("2000uphx"), 200_000);
        let doc = sign_doc_bytes(&body, &auth_info, CHAIN, by_bob.account_number);
        let digest: [u8; 32] = Sha256::digest(&doc).into();
        let sig =
            secp256k1::ecdsa::sign(Message::from_digest(digest), &bob.secret).serialize_compact();
        encode_tx_raw(&body, &auth_info, &sig)
    };
    let r = chain.block(vec![forged]).remove(0);
    assert!(!r.is_ok());

    // A key that never received coins has no account.
    let s = Signing {
        key: &stranger,
        chain_id: CHAIN,
        account_number: 0,
        sequence: 0,
        fee: coins("2000uphx"),
        gas_limit: 200_000,
        timeout_height: 0,
    };
    chain.refused(
        sign(&s, &[send(&stranger, bob.address, "1uatom")]),
        "sdk",
        9,
    );
    assert_eq!(chain.account(&alice).sequence, 0);
}

#[test]
fn high_s_signatures_are_refused() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = Chain::new(&[&alice, &bob]);
    let s = chain.signing(&alice);
    let msgs = [send(&alice, bob.address, "1uatom")];
    let body = encode_tx_body(&msgs, "", 0);
    let auth_info = encode_auth_info(&alice.public, s.sequence, &s.fee, s.gas_limit);
    let doc = sign_doc_bytes(&body, &auth_info, CHAIN, s.account_number);
    let digest: [u8; 32] = Sha256::digest(&doc).into();
    let sig =
        secp256k1::ecdsa::sign(Message::from_digest(digest), &alice.secret).serialize_compact();
    // s' = n - s is the other valid encoding; it must be refused.
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let mut high = sig;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let v = i16::from(N[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = i16::from(v < 0);
        high[32 + i] = (v + 256 * borrow) as u8;
    }
    chain.refused(encode_tx_raw(&body, &auth_info, &high), "sdk", 4);
}

#[test]
fn fees_gas_size_and_timeouts_are_enforced() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = Chain::new(&[&alice, &bob]);
    let msgs = [send(&alice, bob.address, "1uatom")];
    let params = TxParams::default();

    let cheap = Signing {
        fee: coins("1999uphx"),
        ..chain.signing(&alice)
    };
    chain.refused(sign(&cheap, &msgs), "sdk", 13);

    let other_denom = Signing {
        fee: coins("5000uatom"),
        ..chain.signing(&alice)
    };
    chain.refused(sign(&other_denom, &msgs), "sdk", 18);

    let too_much_gas = Signing {
        gas_limit: params.max_tx_gas + 1,
        fee: coins("1000000uphx"),
        ..chain.signing(&alice)
    };
    chain.refused(sign(&too_much_gas, &msgs), "sdk", 12);

    let too_little_gas = Signing {
        gas_limit: 1_000,
        fee: coins("10uphx"),
        ..chain.signing(&alice)
    };
    chain.refused(sign(&too_little_gas, &msgs), "sdk", 11);

    let timed_out = Signing {
        timeout_height: 1,
        ..chain.signing(&alice)
    };
    chain.block(vec![]);
    chain.refused(sign(&timed_out, &msgs), "sdk", 30);

    chain.refused(vec![0u8; params.max_tx_bytes as usize + 1], "sdk", 21);
    chain.refused(b"not a transaction".to_vec(), "sdk", 18);
}

/// Regression (review #6): a `max_tx_bytes` above what the consensus layer carries let the pool
/// admit transactions that could never be proposed.
#[test]
fn max_tx_bytes_is_bounded_by_what_consensus_carries() {
    let carried = phalanx_types::proto::tx::MAX_TX_BYTES as u64;
    let at = |max_tx_bytes| TxParams {
        max_tx_bytes,
        ..TxParams::default()
    };
    assert!(at(carried).validate().is_ok());
    let err = at(carried + 1).validate().unwrap_err().to_string();
    assert!(
        err.contains("max_tx_bytes is 65537") && err.contains("consensus"),
        "{err}"
    );
    let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut g = Genesis::new(CHAIN, start, Address::module("authority"));
    g.tx_params = at(2 * carried);
    assert!(phalanx_app::init_genesis(&mut MemState::new(), &g).is_err());
}

#[test]
fn a_block_admits_gas_limits_up_to_its_maximum() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = Chain::new(&[&alice, &bob]);
    let params = TxParams::default();
    let per_tx = params.max_tx_gas;
    let fits = usize::try_from(params.max_block_gas / per_tx).unwrap();
    let mut txs = Vec::new();
    let base = chain.signing(&alice);
    for i in 0..=fits {
        let s = Signing {
            sequence: base.sequence + i as u64,
            gas_limit: per_tx,
            fee: coins("100000uphx"),
            ..chain.signing(&alice)
        };
        txs.push(sign(&s, &[send(&alice, bob.address, "1uatom")]));
    }
    let results = chain.block(txs);
    assert!(results[..fits].iter().all(TxResult::is_ok));
    assert_eq!(results[fits].code, 12, "{}", results[fits].log);
    assert_eq!(chain.account(&alice).sequence, fits as u64);
}

#[test]
fn mempool_admission_accepts_the_next_pending_sequence() {
    let (alice, bob) = (key(1), key(2));
    let chain = Chain::new(&[&alice, &bob]);
    let s = Signing {
        sequence: 3,
        ..chain.signing(&alice)
    };
    let tx = sign(&s, &[send(&alice, bob.address, "1uatom")]);
    assert!(authenticate(&chain.state, &tx, 1, Some(3)).is_ok());
    assert!(authenticate(&chain.state, &tx, 1, None).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic admission and never change state.
    #[test]
    fn arbitrary_bytes_are_refused_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let alice = key(1);
        let mut chain = Chain::new(&[&alice]);
        let before = phalanx_app::export_genesis(&chain.state).unwrap();
        let r = chain.block(vec![bytes]).remove(0);
        prop_assert!(!r.is_ok());
        let after = phalanx_app::export_genesis(&chain.state).unwrap();
        prop_assert_eq!(before.bank, after.bank);
        prop_assert_eq!(before.auth, after.auth);
    }
}

#[test]
fn coin_helper_is_canonical() {
    assert_eq!(
        coins("1uphx"),
        Coins::new(vec![Coin::new("uphx", 1)]).unwrap()
    );
}

mod mempool {
    use super::*;
    use phalanx_app::mempool::{Mempool, MempoolError};
    use phalanx_types::proto::tx::tx_hash;

    fn signed_send(chain: &Chain, from: &Key, to: &Key, sequence: u64) -> Vec<u8> {
        let s = Signing {
            sequence,
            ..chain.signing(from)
        };
        sign(&s, &[send(from, to.address, "1uatom")])
    }

    #[test]
    fn admits_contiguous_sequences_and_refuses_bad_input() {
        let (alice, bob) = (key(1), key(2));
        let chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let t0 = signed_send(&chain, &alice, &bob, 0);
        let t1 = signed_send(&chain, &alice, &bob, 1);
        let t3 = signed_send(&chain, &alice, &bob, 3);
        assert_eq!(
            pool.insert(&chain.state, t0.clone(), 1).unwrap(),
            tx_hash(&t0)
        );
        assert!(matches!(
            pool.insert(&chain.state, t0, 1),
            Err(MempoolError::Duplicate(_))
        ));
        pool.insert(&chain.state, t1, 1).unwrap();
        // A gap (sequence 3 while 2 is expected) is refused with the expected sequence.
        let err = pool.insert(&chain.state, t3, 1).unwrap_err();
        assert!(err.to_string().contains("expected 2"), "{err}");
        assert!(matches!(
            pool.insert(&chain.state, b"garbage".to_vec(), 1),
            Err(MempoolError::Rejected(_))
        ));
        assert_eq!(pool.len(), 2);
    }

    #[test]
    fn is_bounded_in_count_and_bytes() {
        let (alice, bob) = (key(1), key(2));
        let chain = Chain::new(&[&alice, &bob]);
        let mut by_count = Mempool::new(1, 1 << 20);
        by_count
            .insert(&chain.state, signed_send(&chain, &alice, &bob, 0), 1)
            .unwrap();
        assert!(matches!(
            by_count.insert(&chain.state, signed_send(&chain, &bob, &alice, 0), 1),
            Err(MempoolError::Full(_))
        ));
        let tx = signed_send(&chain, &alice, &bob, 0);
        let mut by_bytes = Mempool::new(100, tx.len() + 10);
        by_bytes.insert(&chain.state, tx, 1).unwrap();
        assert!(matches!(
            by_bytes.insert(&chain.state, signed_send(&chain, &bob, &alice, 0), 1),
            Err(MempoolError::Full(_))
        ));
    }

    #[test]
    fn reaps_within_limits_and_drops_what_a_block_invalidates() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let a0 = signed_send(&chain, &alice, &bob, 0);
        let a1 = signed_send(&chain, &alice, &bob, 1);
        let b0 = signed_send(&chain, &bob, &alice, 0);
        for t in [&a0, &a1, &b0] {
            pool.insert(&chain.state, t.clone(), 1).unwrap();
        }
        assert_eq!(
            pool.reap(1 << 20, u64::MAX),
            vec![a0.clone(), a1.clone(), b0.clone()]
        );
        // Gas for two transactions only: alice's first and... her second fits too, bob's does not.
        assert_eq!(pool.reap(1 << 20, 400_000), vec![a0.clone(), a1.clone()]);
        // Bytes for one: alice's first; her second must not jump ahead of it, bob's does not fit.
        assert_eq!(pool.reap(a0.len(), u64::MAX), vec![a0.clone()]);

        // A block includes a0 and, from elsewhere, bob's sequence 0 with different bytes.
        let other_b0 = {
            let s = Signing {
                fee: coins("3000uphx"),
                ..chain.signing(&bob)
            };
            sign(&s, &[send(&bob, alice.address, "2uatom")])
        };
        let results = chain.block(vec![a0.clone(), other_b0]);
        assert!(results.iter().all(TxResult::is_ok));
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[tx_hash(&a0)], written);
        // a1 is still valid (next sequence); b0 now reuses a spent sequence and is dropped.
        assert_eq!(pool.reap(1 << 20, u64::MAX), vec![a1]);
        assert!(!pool.contains(&tx_hash(&b0)));
    }

    /// Regression (review #1): admission checked each fee against the balance alone, so an account
    /// holding one fee filled the pool with transactions of which all but the first could not pay.
    #[test]
    fn a_signer_s_waiting_fees_must_fit_its_balance_together() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        // Alice keeps exactly three fees (2,000 uphx each) and one coin to send.
        let held = bank::balance(&chain.state, &alice.address, "uphx").unwrap();
        let give = sign(
            &chain.signing(&alice),
            &[send(
                &alice,
                bob.address,
                &format!("{}uphx", held - 2_000 - 6_001),
            )],
        );
        assert!(chain.block(vec![give]).iter().all(TxResult::is_ok));
        assert_eq!(
            bank::balance(&chain.state, &alice.address, "uphx").unwrap(),
            6_001
        );
        let mut pool = Mempool::new(100, 1 << 20);
        let at = |sequence: u64, amount: &str| {
            sign(
                &Signing {
                    sequence,
                    ..chain.signing(&alice)
                },
                &[send(&alice, bob.address, amount)],
            )
        };
        // The first sends her spare coin: after it, the balance covers the two others' fees.
        let txs = [
            at(1, "1uphx"),
            at(2, "1uatom"),
            at(3, "1uatom"),
            at(4, "1uatom"),
        ];
        for tx in &txs[..3] {
            pool.insert(&chain.state, tx.clone(), 2).unwrap();
        }
        assert_eq!(pool.pending_fees(&alice.address, "uphx"), 6_000);
        let err = pool.insert(&chain.state, txs[3].clone(), 2).unwrap_err();
        assert!(
            matches!(
                &err,
                MempoolError::Rejected(phalanx_types::Error::Auth(
                    phalanx_types::error::AuthError::PendingFeesExceedBalance(..)
                ))
            ),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.contains("insufficient funds for fee")
                && text.contains("the pool already holds 6000uphx")
                && text.contains("balance is 6001uphx"),
            "{text}"
        );
        assert_eq!(pool.len(), 3);

        // A block carries the first; the balance (6,001 - 2,000 fee - 1 sent = 4,000) still pays
        // the two left, whose total is re-checked against it and kept.
        let first = txs[0].clone();
        assert!(chain.block(vec![first.clone()]).iter().all(TxResult::is_ok));
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[tx_hash(&first)], written);
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.pending_fees(&alice.address, "uphx"), 4_000);
        // Still no room for the fourth: the two waiting use all 4,000.
        assert!(pool.insert(&chain.state, txs[3].clone(), 3).is_err());
    }

    /// After a block lowers a signer's balance, its waiting transactions are kept from the lowest
    /// sequence up while their fees fit, and the rest dropped, so no gap is left.
    #[test]
    fn a_block_that_lowers_a_balance_drops_the_highest_sequences_that_no_longer_fit() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let held = bank::balance(&chain.state, &alice.address, "uphx").unwrap();
        // Sequence 0 sends all but 5,000 above its own fee: 5,000 pays two more fees, not three.
        let txs: Vec<Vec<u8>> = (0..4)
            .map(|sequence| {
                let amount = if sequence == 0 {
                    format!("{}uphx", held - 2_000 - 5_000)
                } else {
                    "1uatom".to_string()
                };
                sign(
                    &Signing {
                        sequence,
                        ..chain.signing(&alice)
                    },
                    &[send(&alice, bob.address, &amount)],
                )
            })
            .collect();
        for tx in &txs {
            pool.insert(&chain.state, tx.clone(), 1).unwrap();
        }
        assert_eq!(pool.pending_fees(&alice.address, "uphx"), 8_000);
        assert!(
            chain
                .block(vec![txs[0].clone()])
                .iter()
                .all(TxResult::is_ok)
        );
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[tx_hash(&txs[0])], written);
        assert_eq!(
            pool.reap(usize::MAX, u64::MAX),
            vec![txs[1].clone(), txs[2].clone()]
        );
        assert_eq!(pool.pending_fees(&alice.address, "uphx"), 4_000);
        // Those two execute, and pay.
        let results = chain.block(pool.reap(usize::MAX, u64::MAX));
        assert!(results.iter().all(TxResult::is_ok));
    }

    /// The state after the chain's last block, as a snapshot a node's API may hold.
    struct Past {
        height: u64,
        state: MemState,
    }

    #[test]
    fn a_transaction_checked_against_an_older_state_is_re_checked_for_the_blocks_it_missed() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let before = Past {
            height: chain.height,
            state: chain.state.clone(),
        };
        // Block 1 spends bob's sequence 0; the pool learns of it before a submission that still
        // holds the state before block 1 arrives with bob's sequence 0.
        let spent = signed_send(&chain, &bob, &alice, 0);
        assert!(chain.block(vec![spent]).iter().all(TxResult::is_ok));
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[], written);
        let stale = signed_send(&chain, &bob, &alice, 0);
        pool.insert(&before.state, stale.clone(), before.height + 1)
            .unwrap();
        // Block 2 touches neither of bob's keys, but block 1 did: the transaction is re-checked and
        // dropped.
        assert!(chain.block(vec![]).is_empty());
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[], written);
        assert!(!pool.contains(&tx_hash(&stale)));
    }

    #[test]
    fn only_a_block_that_writes_a_key_admission_reads_makes_a_transaction_a_re_check() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let waiting = signed_send(&chain, &alice, &bob, 0);
        pool.insert(&chain.state, waiting.clone(), 1).unwrap();
        // Alice's sequence 0 is spent by other bytes in block 1. Told the block wrote nothing, the
        // pool keeps the transaction as it is: it does not re-check what no write could change.
        let other = sign(
            &Signing {
                fee: coins("2500uphx"),
                ..chain.signing(&alice)
            },
            &[send(&alice, bob.address, "1uatom")],
        );
        assert!(chain.block(vec![other]).iter().all(TxResult::is_ok));
        let written = pool.written_keys(BTreeSet::<Vec<u8>>::new());
        pool.update(&chain.state, chain.height, &[], written);
        assert!(pool.contains(&tx_hash(&waiting)));
        // Block 2 writes alice's account: the re-check runs and finds the sequence spent.
        let mut written = BTreeSet::new();
        written.insert(auth::account_key(&alice.address));
        chain.block(vec![]);
        let written = pool.written_keys(&written);
        pool.update(&chain.state, chain.height, &[], written);
        assert!(!pool.contains(&tx_hash(&waiting)));
    }

    #[test]
    fn a_transaction_past_its_timeout_height_is_dropped_though_no_block_touched_it() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let tx = sign(
            &Signing {
                timeout_height: 2,
                ..chain.signing(&alice)
            },
            &[send(&alice, bob.address, "1uatom")],
        );
        pool.insert(&chain.state, tx.clone(), 1).unwrap();
        chain.block(vec![]);
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[], written);
        assert!(pool.contains(&tx_hash(&tx)), "still valid at height 2");
        chain.block(vec![]);
        let written = pool.written_keys(&chain.written);
        pool.update(&chain.state, chain.height, &[], written);
        assert!(!pool.contains(&tx_hash(&tx)), "expired at height 3");
    }

    /// Random submissions (current, future and replayed sequences, fees some signers cannot pay,
    /// timeouts, states up to two blocks old) and blocks (from the pool and from elsewhere): a pool
    /// that re-checks only what the blocks wrote keeps exactly what a pool re-checking everything
    /// keeps.
    #[test]
    fn re_checking_only_what_blocks_wrote_keeps_what_a_full_re_check_keeps() {
        let keys: Vec<Key> = (1..=4).map(key).collect();
        let mut chain = Chain::new(&keys.iter().collect::<Vec<_>>());
        let mut fast = Mempool::new(1000, 1 << 24);
        let mut full = Mempool::new(1000, 1 << 24);
        // A write to the tx parameters (listed first) makes every transaction a re-check.
        let everything = phalanx_app::ante::chain_admission_reads()[0].clone();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut past: Vec<Past> = vec![Past {
            height: 0,
            state: chain.state.clone(),
        }];
        let (mut dropped, mut kept_unchecked) = (0usize, 0usize);
        let mut submitted = [0u64; 4];
        for round in 0..150 {
            for _ in 0..next(6) {
                let who = next(4) as usize;
                let signer = &keys[who];
                let at = &past[past.len() - 1 - next(past.len().min(3) as u64) as usize];
                let account = auth::account(&at.state, &signer.address).unwrap().unwrap();
                // Mostly the signer's next sequence; now and then a gap or a replay.
                let sequence = match next(6) {
                    0 => account.sequence + next(3),
                    1 => account.sequence.saturating_sub(1),
                    _ => account.sequence.max(submitted[who]),
                };
                let to = keys[next(4) as usize].address;
                // Now and then a signer gives away nearly all its fee money.
                let msg = if next(10) == 0 {
                    let held = bank::balance(&at.state, &signer.address, "uphx").unwrap();
                    send(
                        signer,
                        to,
                        &format!("{}uphx", held.saturating_sub(3000).max(1)),
                    )
                } else {
                    send(signer, to, "1uatom")
                };
                let tx = sign(
                    &Signing {
                        sequence,
                        timeout_height: if next(4) == 0 {
                            at.height + 1 + next(3)
                        } else {
                            0
                        },
                        ..chain.signing(signer)
                    },
                    &[msg],
                );
                let a = fast.insert(&at.state, tx.clone(), at.height + 1);
                let b = full.insert(&at.state, tx, at.height + 1);
                assert_eq!(a.is_ok(), b.is_ok());
                if a.is_ok() {
                    submitted[who] = sequence + 1;
                }
            }
            let mut block = fast.reap(1 << 20, 200_000 * next(3));
            if next(2) == 0 {
                // A transaction from elsewhere, with the signer's current sequence.
                let signer = &keys[next(4) as usize];
                block.push(sign(
                    &Signing {
                        fee: coins("2500uphx"),
                        ..chain.signing(signer)
                    },
                    &[send(signer, keys[0].address, "1uatom")],
                ));
            }
            let included: Vec<_> = block.iter().map(|t| tx_hash(t)).collect();
            let waiting = fast.len();
            chain.block(block);
            let written = fast.written_keys(&chain.written);
            fast.update(&chain.state, chain.height, &included, written);
            let mut all = chain.written.clone();
            all.insert(everything.clone());
            let all = full.written_keys(&all);
            full.update(&chain.state, chain.height, &included, all);
            assert_eq!(
                fast.reap(usize::MAX, u64::MAX),
                full.reap(usize::MAX, u64::MAX),
                "round {round}"
            );
            let gone = waiting - fast.len();
            dropped += gone.saturating_sub(included.len());
            kept_unchecked += fast.len();
            past.push(Past {
                height: chain.height,
                state: chain.state.clone(),
            });
        }
        assert!(dropped > 10, "the scenario drops transactions ({dropped})");
        assert!(kept_unchecked > 10, "and keeps some ({kept_unchecked})");
    }

    /// The digest a transaction signed by `s` signs.
    fn digest_of(s: &Signing<'_>, msgs: &[Msg]) -> [u8; 32] {
        let body = encode_tx_body(msgs, "", s.timeout_height);
        let auth_info = encode_auth_info(&s.key.public, s.sequence, &s.fee, s.gas_limit);
        Sha256::digest(sign_doc_bytes(
            &body,
            &auth_info,
            s.chain_id,
            s.account_number,
        ))
        .into()
    }

    #[test]
    fn admission_remembers_each_valid_signature_and_blocks_give_the_same_results_with_it() {
        let (alice, bob) = (key(1), key(2));
        let mut cached = Chain::new(&[&alice, &bob]);
        let mut plain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let msgs = [send(&alice, bob.address, "5uatom")];
        let a0 = sign(&cached.signing(&alice), &msgs);
        let a1 = sign(
            &Signing {
                sequence: 1,
                ..cached.signing(&alice)
            },
            &msgs,
        );
        pool.insert(&cached.state, a0.clone(), 1).unwrap();
        pool.insert(&cached.state, a1.clone(), 1).unwrap();
        let signatures = pool.signatures();
        assert_eq!(signatures.len(), 2);
        assert_eq!(
            signatures.get(&tx_hash(&a0)),
            Some(digest_of(&cached.signing(&alice), &msgs))
        );
        // A refused transaction leaves nothing behind.
        let mut tampered = a0.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(pool.insert(&cached.state, tampered.clone(), 1).is_err());
        assert_eq!(signatures.get(&tx_hash(&tampered)), None);

        // The same block, tampered copy included, with and without the remembered verdicts.
        let block = vec![a0, a1, tampered];
        let with = cached.block_with(block.clone(), Some(&signatures));
        let without = plain.block(block);
        assert_eq!(with, without);
        assert!(with[0].is_ok() && with[1].is_ok() && !with[2].is_ok());
        assert_eq!(
            phalanx_app::export_genesis(&cached.state).unwrap(),
            phalanx_app::export_genesis(&plain.state).unwrap()
        );
    }

    #[test]
    fn a_wrong_remembered_digest_neither_admits_a_bad_signature_nor_refuses_a_good_one() {
        let (alice, bob) = (key(1), key(2));
        let mut chain = Chain::new(&[&alice, &bob]);
        let msgs = [send(&alice, bob.address, "5uatom")];
        let good = sign(&chain.signing(&alice), &msgs);
        let mut bad = sign(
            &Signing {
                sequence: 1,
                ..chain.signing(&alice)
            },
            &msgs,
        );
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let signatures = SignatureCache::new(10);
        // Verdicts that do not match what execution computes: a digest for another account number
        // (the bad one's, as if it had been valid), and noise.
        let other_number = Signing {
            account_number: 7,
            sequence: 1,
            ..chain.signing(&alice)
        };
        signatures.remember(tx_hash(&bad), digest_of(&other_number, &msgs));
        signatures.remember(tx_hash(&good), [0xAB; 32]);
        let results = chain.block_with(vec![good, bad], Some(&signatures));
        assert!(results[0].is_ok(), "{}", results[0].log);
        assert_eq!((results[1].codespace.as_str(), results[1].code), ("sdk", 4));
    }

    #[test]
    fn checking_ahead_outside_the_pool_is_the_whole_admission_when_nothing_of_the_signer_waits() {
        let (alice, bob) = (key(1), key(2));
        let chain = Chain::new(&[&alice, &bob]);
        let mut pool = Mempool::new(100, 1 << 20);
        let tx = signed_send(&chain, &alice, &bob, 0);
        let signatures = pool.signatures();
        let ahead = Mempool::check_ahead(&chain.state, tx.clone(), 1, &signatures);
        let digest = ahead.outcome().as_ref().unwrap().digest;
        assert_eq!(signatures.get(&tx_hash(&tx)), Some(digest));
        assert_eq!(
            pool.insert_checked(&chain.state, ahead).unwrap(),
            tx_hash(&tx)
        );
        assert_eq!(signatures.len(), 1);
        // A duplicate is refused whether checked ahead or not.
        let again = Mempool::check_ahead(&chain.state, tx.clone(), 1, &signatures);
        assert!(matches!(
            pool.insert_checked(&chain.state, again),
            Err(MempoolError::Duplicate(_))
        ));
        // Ahead of the pool, a later pending sequence is refused; the insert checks it against the
        // signer's waiting transaction instead and admits it.
        let next = signed_send(&chain, &alice, &bob, 1);
        let ahead = Mempool::check_ahead(&chain.state, next.clone(), 1, &signatures);
        assert!(ahead.outcome().is_err());
        assert_eq!(
            pool.insert_checked(&chain.state, ahead).unwrap(),
            tx_hash(&next)
        );
        assert_eq!(signatures.len(), 2);
        // A sequence the pool already holds is refused at the insert, though it passed ahead.
        let replay = signed_send(&chain, &bob, &alice, 0);
        let ahead = Mempool::check_ahead(&chain.state, replay, 1, &signatures);
        assert!(ahead.outcome().is_ok());
        pool.insert_checked(&chain.state, ahead).unwrap();
        let twin = sign(&chain.signing(&bob), &[send(&bob, alice.address, "2uatom")]);
        let ahead = Mempool::check_ahead(&chain.state, twin, 1, &signatures);
        assert!(
            ahead.outcome().is_ok(),
            "against the account alone it passes"
        );
        assert!(matches!(
            pool.insert_checked(&chain.state, ahead),
            Err(MempoolError::Rejected(_))
        ));
        assert_eq!(pool.len(), 3);
        // Undecodable bytes are refused with the decoding error.
        let garbage = Mempool::check_ahead(&chain.state, b"garbage".to_vec(), 1, &signatures);
        assert!(matches!(
            pool.insert_checked(&chain.state, garbage),
            Err(MempoolError::Rejected(_))
        ));
    }
}
