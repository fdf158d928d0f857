#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;
use crate::BlockInfo;
use curve25519_dalek::{constants::ED25519_BASEPOINT_POINT, scalar::Scalar};
use phalanx_state::MemState;
use phalanx_types::Address;
use phalanx_types::error::ErrorCode;

fn authority() -> Address {
    Address::module("authority")
}

/// A valid validator: the key is `seed`·B on the ed25519 curve.
fn validator(seed: u64) -> ValidatorInfo {
    let point = ED25519_BASEPOINT_POINT * Scalar::from(seed);
    ValidatorInfo {
        public_key: hex_lower(&point.compress().to_bytes()),
        p2p_address: format!("127.0.0.1:{}", 26_000 + seed),
        power: 1,
        name: format!("v{seed}"),
    }
}

fn set(seeds: &[u64]) -> Vec<ValidatorInfo> {
    seeds.iter().map(|s| validator(*s)).collect()
}

fn key(v: &ValidatorInfo) -> [u8; 32] {
    v.key_bytes().unwrap()
}

/// A chain whose genesis holds validators 1..=4 with epochs of 10 blocks, at height 0.
fn chain(rule: EquivocationRule) -> MemState {
    let mut state = MemState::default();
    let genesis = ValidatorsGenesis {
        params: Params {
            equivocation: rule,
            epoch_length: 10,
            max_validators: 5,
        },
        validators: set(&[1, 2, 3, 4]),
        ..ValidatorsGenesis::default()
    };
    init_genesis(&mut ctx(&mut state, 0), &genesis).unwrap();
    state
}

fn ctx(state: &mut MemState, height: u64) -> Ctx<'_> {
    Ctx::new(
        state,
        BlockInfo {
            height,
            time: Timestamp(height),
        },
        authority(),
    )
}

/// Runs end-block for every height in `from..=to`, returning the events.
fn run_blocks(state: &mut MemState, from: u64, to: u64) -> Vec<Event> {
    let mut events = Vec::new();
    for h in from..=to {
        let mut c = ctx(state, h);
        end_block(&mut c).unwrap();
        events.extend(c.take_events());
    }
    events
}

fn update(state: &mut MemState, height: u64, validators: Vec<ValidatorInfo>) -> Result<Vec<Event>> {
    let mut c = ctx(state, height);
    handle_update_set(
        &mut c,
        &MsgUpdateValidatorSet {
            authority: authority(),
            validators,
        },
    )?;
    Ok(c.take_events())
}

fn code(e: &Error) -> ErrorCode {
    e.code()
}

#[test]
fn genesis_sets_the_active_set_of_epoch_zero() {
    let state = chain(EquivocationRule::Jail);
    let view = validator_set(&state).unwrap();
    assert_eq!(view.epoch, 0);
    assert_eq!(view.active, set(&[1, 2, 3, 4]));
    assert_eq!(view.roster, view.active);
    assert_eq!((view.boundary_height, view.next_epoch_height), (9, 10));
    assert_eq!(view.pending, None);
}

#[test]
fn a_queued_set_applies_at_the_next_boundary_only() {
    let mut state = chain(EquivocationRule::Jail);
    let events = update(&mut state, 3, set(&[1, 2, 3, 4, 5])).unwrap();
    assert_eq!(events[0].kind, "validator_set_queued");
    assert_eq!(events[0].get("effective_height"), Some("10"));
    // Nothing changes before the boundary.
    assert!(run_blocks(&mut state, 3, 8).is_empty());
    assert_eq!(active_set(&state).unwrap().validators.len(), 4);
    assert_eq!(pending(&state).unwrap().unwrap().len(), 5);
    // Height 9 is the last of epoch 0: its end-block applies the set for epoch 1.
    let events = run_blocks(&mut state, 9, 9);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "validator_set_applied");
    assert_eq!(events[0].get("epoch"), Some("1"));
    assert_eq!(events[0].get("height"), Some("10"));
    let view = validator_set(&state).unwrap();
    assert_eq!((view.epoch, view.start_height), (1, 10));
    assert_eq!(view.active, set(&[1, 2, 3, 4, 5]));
    assert_eq!(view.roster, view.active);
    assert_eq!(view.pending, None);
    assert_eq!((view.boundary_height, view.next_epoch_height), (19, 20));
    // An unchanged boundary emits nothing.
    assert!(run_blocks(&mut state, 10, 19).is_empty());
    assert_eq!(active_set(&state).unwrap().epoch, 2);
}

#[test]
fn a_later_update_replaces_the_queued_one() {
    let mut state = chain(EquivocationRule::Jail);
    update(&mut state, 1, set(&[1, 2, 3, 4, 5])).unwrap();
    let events = update(&mut state, 2, set(&[2, 3, 4])).unwrap();
    assert_eq!(events[0].get("replaced_pending"), Some("true"));
    run_blocks(&mut state, 9, 9);
    assert_eq!(active_set(&state).unwrap().validators, set(&[2, 3, 4]));
}

#[test]
fn update_errors_are_typed() {
    let mut state = chain(EquivocationRule::Jail);
    // Only the authority.
    let mut c = ctx(&mut state, 1);
    let err = handle_update_set(
        &mut c,
        &MsgUpdateValidatorSet {
            authority: Address::module("someone"),
            validators: set(&[1]),
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");
    let invalid = ValidatorsError::InvalidValidatorSet(String::new()).code();
    let cases: Vec<(&str, Vec<ValidatorInfo>)> = vec![
        ("empty", vec![]),
        ("duplicate key", vec![validator(1), validator(1)]),
        ("duplicate address", {
            let mut b = validator(2);
            b.p2p_address = validator(1).p2p_address;
            vec![validator(1), b]
        }),
        ("uppercase hex", {
            // (1·B encodes as 5866..66, digits only: take a key with letters.)
            let mut v = validator(7);
            v.public_key = v.public_key.to_ascii_uppercase();
            vec![v]
        }),
        ("short key", {
            let mut v = validator(1);
            v.public_key.truncate(62);
            vec![v]
        }),
        ("zero power", {
            let mut v = validator(1);
            v.power = 0;
            vec![v]
        }),
        ("unequal power", {
            let mut v = validator(2);
            v.power = 2;
            vec![validator(1), v]
        }),
        ("bad address", {
            let mut v = validator(1);
            v.p2p_address = "localhost".into();
            vec![v]
        }),
        ("blank name", {
            let mut v = validator(1);
            v.name = " ".into();
            vec![v]
        }),
    ];
    for (what, validators) in cases {
        let err = update(&mut state, 1, validators).expect_err(what);
        assert_eq!(code(&err), invalid, "{what}: {err}");
    }
    // A key that is not a curve point.
    let off_curve = (0u8..=255)
        .map(|b| [b; 32])
        .find(|bytes| {
            curve25519_dalek::edwards::CompressedEdwardsY(*bytes)
                .decompress()
                .is_none()
        })
        .unwrap();
    let mut v = validator(1);
    v.public_key = hex_lower(&off_curve);
    let err = update(&mut state, 1, vec![v]).unwrap_err();
    assert!(err.to_string().contains("not a point"), "{err}");
    // More than max_validators (5).
    let err = update(&mut state, 1, set(&[1, 2, 3, 4, 5, 6])).unwrap_err();
    assert_eq!(err, ValidatorsError::TooManyValidators(6, 5).into());
    // Nothing was queued by any failure.
    assert_eq!(pending(&state).unwrap(), None);
}

#[test]
fn equivocation_is_recorded_once_and_jails_by_default() {
    let mut state = chain(EquivocationRule::Jail);
    let v = key(&validator(2));
    let event = record_equivocation(&mut state, &v, 12, "conflicting_notarize", 5, Timestamp(9))
        .unwrap()
        .unwrap();
    assert_eq!(event.kind, "equivocation");
    assert_eq!(event.get("action"), Some("jailed"));
    assert_eq!(jailed_since(&state, &v).unwrap(), Some(5));
    // The same fault again (a repeated proof) changes nothing.
    assert!(
        record_equivocation(&mut state, &v, 12, "conflicting_notarize", 6, Timestamp(10))
            .unwrap()
            .is_none()
    );
    let records = evidence(&state, &v).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!((records[0].view, records[0].height), (12, 5));
    assert!(evidence(&state, &[8u8; 32]).unwrap().is_empty());
    assert_eq!(all_evidence(&state).unwrap(), records);
}

#[test]
fn a_jailed_validator_leaves_at_the_boundary_and_unjail_restores_it() {
    let mut state = chain(EquivocationRule::Jail);
    let v2 = validator(2);
    record_equivocation(
        &mut state,
        &key(&v2),
        3,
        "conflicting_finalize",
        4,
        Timestamp(4),
    )
    .unwrap();
    // Still signing for the rest of the epoch.
    assert!(active_set(&state).unwrap().validators.contains(&v2));
    let events = run_blocks(&mut state, 5, 9);
    assert_eq!(events[0].kind, "validator_set_applied");
    let view = validator_set(&state).unwrap();
    assert_eq!(view.active, set(&[1, 3, 4]));
    assert_eq!(view.roster, set(&[1, 2, 3, 4]));
    assert_eq!(view.jailed[0].public_key, v2.public_key);
    // Unjail: back at the next boundary.
    let mut c = ctx(&mut state, 12);
    handle_unjail(
        &mut c,
        &MsgUnjailValidator {
            authority: authority(),
            public_key: v2.public_key.clone(),
        },
    )
    .unwrap();
    let events = c.take_events();
    assert_eq!(events[0].kind, "validator_unjailed");
    assert_eq!(events[0].get("effective_height"), Some("20"));
    run_blocks(&mut state, 19, 19);
    assert_eq!(active_set(&state).unwrap().validators, set(&[1, 2, 3, 4]));
}

#[test]
fn listing_a_jailed_validator_in_a_new_set_lifts_its_jail() {
    let mut state = chain(EquivocationRule::Jail);
    let v4 = validator(4);
    record_equivocation(
        &mut state,
        &key(&v4),
        1,
        "nullify_finalize",
        1,
        Timestamp(1),
    )
    .unwrap();
    update(&mut state, 2, set(&[1, 2, 3, 4])).unwrap();
    assert_eq!(jailed_since(&state, &key(&v4)).unwrap(), None);
    run_blocks(&mut state, 9, 9);
    assert_eq!(active_set(&state).unwrap().validators, set(&[1, 2, 3, 4]));
}

#[test]
fn unjail_errors_are_typed() {
    let mut state = chain(EquivocationRule::Jail);
    let mut c = ctx(&mut state, 1);
    let v1 = validator(1).public_key;
    let err = handle_unjail(
        &mut c,
        &MsgUnjailValidator {
            authority: authority(),
            public_key: v1.clone(),
        },
    )
    .unwrap_err();
    assert_eq!(err, ValidatorsError::NotJailed(v1.clone()).into());
    let err = handle_unjail(
        &mut c,
        &MsgUnjailValidator {
            authority: Address::module("someone"),
            public_key: v1,
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)));
    let err = handle_unjail(
        &mut c,
        &MsgUnjailValidator {
            authority: authority(),
            public_key: "zz".into(),
        },
    )
    .unwrap_err();
    assert_eq!(
        code(&err),
        ValidatorsError::InvalidValidatorSet(String::new()).code()
    );
}

#[test]
fn a_set_with_every_validator_jailed_is_not_applied() {
    let mut state = chain(EquivocationRule::Jail);
    for s in 1..=4 {
        record_equivocation(
            &mut state,
            &key(&validator(s)),
            1,
            "nullify_finalize",
            2,
            Timestamp(2),
        )
        .unwrap();
    }
    let events = run_blocks(&mut state, 9, 9);
    assert_eq!(events[0].kind, "validator_set_not_applied");
    let view = validator_set(&state).unwrap();
    assert_eq!((view.epoch, view.active.len()), (1, 4));
}

#[test]
fn record_only_rule_does_not_jail() {
    let mut state = chain(EquivocationRule::RecordOnly);
    let v = key(&validator(1));
    let event = record_equivocation(&mut state, &v, 3, "nullify_finalize", 2, Timestamp(1))
        .unwrap()
        .unwrap();
    assert_eq!(event.get("action"), Some("recorded"));
    assert_eq!(jailed_since(&state, &v).unwrap(), None);
    run_blocks(&mut state, 9, 9);
    assert_eq!(active_set(&state).unwrap().validators.len(), 4);
}

#[test]
fn params_and_genesis_are_checked() {
    let bad_params = [
        Params {
            epoch_length: 0,
            ..Params::default()
        },
        Params {
            max_validators: 0,
            ..Params::default()
        },
        Params {
            max_validators: 1_025,
            ..Params::default()
        },
    ];
    for p in bad_params {
        let mut state = MemState::default();
        let genesis = ValidatorsGenesis {
            params: p,
            ..ValidatorsGenesis::default()
        };
        let err = init_genesis(&mut ctx(&mut state, 0), &genesis).unwrap_err();
        assert_eq!(
            code(&err),
            ValidatorsError::InvalidParams(String::new()).code()
        );
    }
    // Every validator jailed at genesis is refused.
    let mut state = MemState::default();
    let genesis = ValidatorsGenesis {
        validators: set(&[1]),
        jailed: vec![JailRecord {
            public_key: validator(1).public_key,
            since_height: 0,
        }],
        ..ValidatorsGenesis::default()
    };
    assert!(matches!(
        init_genesis(&mut ctx(&mut state, 0), &genesis),
        Err(Error::InvalidGenesis(_))
    ));
}

#[test]
fn genesis_export_round_trips() {
    let mut state = chain(EquivocationRule::Jail);
    update(&mut state, 3, set(&[1, 2, 3, 4, 5])).unwrap();
    record_equivocation(
        &mut state,
        &key(&validator(3)),
        7,
        "conflicting_notarize",
        3,
        Timestamp(3),
    )
    .unwrap();
    let exported = export_genesis(&state).unwrap();
    assert_eq!(exported.jailed.len(), 1);
    assert_eq!(exported.evidence.len(), 1);
    assert_eq!(exported.pending_validators.as_ref().unwrap().len(), 5);
    let mut again = MemState::default();
    init_genesis(&mut ctx(&mut again, 3), &exported).unwrap();
    assert_eq!(export_genesis(&again).unwrap(), exported);
    assert!(
        again == state,
        "import of an export rebuilds the same state"
    );
    // The jailed validator still signs until the boundary, as on the original chain.
    assert_eq!(active_set(&again).unwrap().validators, set(&[1, 2, 3, 4]));
    // Without the exported active set, it is derived: the jailed validator is left out.
    let derived = ValidatorsGenesis {
        active_validators: None,
        ..exported
    };
    let mut fresh = MemState::default();
    init_genesis(&mut ctx(&mut fresh, 3), &derived).unwrap();
    assert_eq!(active_set(&fresh).unwrap().validators, set(&[1, 2, 4]));
}

#[test]
fn epoch_arithmetic_matches_the_fixed_epocher() {
    let p = Params {
        epoch_length: 10,
        ..Params::default()
    };
    assert_eq!((p.epoch_of(0), p.epoch_of(9), p.epoch_of(10)), (0, 0, 1));
    assert!(p.is_boundary(9) && p.is_boundary(19) && !p.is_boundary(10));
    assert_eq!(p.epoch_start(3).unwrap(), 30);
    let every = Params {
        epoch_length: 1,
        ..Params::default()
    };
    assert!(every.is_boundary(0) && every.is_boundary(1));
}
