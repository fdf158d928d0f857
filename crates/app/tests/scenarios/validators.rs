//! The validator set as chain state, end to end through block execution: genesis, a queued set applied
//! at the epoch boundary, jailing by equivocation and unjailing, and every documented error (each leaves
//! state byte-identical).

use crate::delegation::the_event;
use crate::harness::*;
use curve25519_dalek::{constants::ED25519_BASEPOINT_POINT, scalar::Scalar};
use phalanx_app::{Genesis, export_genesis};
use phalanx_protocol::validators::{self, Params};
use phalanx_types::encoding::hex_lower;
use phalanx_types::msgs::*;
use phalanx_types::{Duration, Timestamp};

const CODESPACE: &str = "validators";
const EPOCH: u64 = 5;

/// A validator whose key is `seed`·B on the ed25519 curve.
fn validator(seed: u64) -> ValidatorInfo {
    let point = ED25519_BASEPOINT_POINT * Scalar::from(seed);
    ValidatorInfo {
        public_key: hex_lower(&point.compress().to_bytes()),
        p2p_address: format!("127.0.0.1:{}", 27_000 + seed),
        power: 1,
        name: format!("node{seed}"),
    }
}

fn set(seeds: &[u64]) -> Vec<ValidatorInfo> {
    seeds.iter().map(|s| validator(*s)).collect()
}

fn genesis() -> Genesis {
    let mut g = demo_genesis();
    g.validators.params = Params {
        epoch_length: EPOCH,
        ..Params::default()
    };
    g.validators.validators = set(&[1, 2, 3, 4]);
    g
}

fn update(validators: Vec<ValidatorInfo>) -> MsgUpdateValidatorSet {
    MsgUpdateValidatorSet {
        authority: authority(),
        validators,
    }
}

fn second() -> Duration {
    Duration::from_secs(1)
}

#[test]
fn an_added_validator_signs_from_the_next_epoch() {
    let mut chain = Chain::from_genesis(&genesis());
    let r = chain.tx(authority(), vec![update(set(&[1, 2, 3, 4, 5])).into()]);
    assert!(r.is_ok(), "{}", r.log);
    let queued = the_event(&r.events, "validator_set_queued");
    assert_eq!(queued.get("effective_height"), Some("5"));
    // Blocks 2 and 3 change nothing; block 4 is the last of epoch 0 and applies the set.
    assert!(chain.advance(second()).is_empty());
    assert!(chain.advance(second()).is_empty());
    let events = chain.advance(second());
    let applied = the_event(&events, "validator_set_applied");
    assert_eq!(
        (applied.get("epoch"), applied.get("height")),
        (Some("1"), Some("5"))
    );
    let view = validators::validator_set(&chain.state).unwrap();
    assert_eq!(
        (view.epoch, view.start_height, view.next_epoch_height),
        (1, 5, 10)
    );
    assert_eq!(view.active, set(&[1, 2, 3, 4, 5]));
    // Removing one works the same way.
    chain.ok(update(set(&[1, 2, 3, 5])));
    while chain.height < 9 {
        chain.advance(second());
    }
    assert_eq!(
        validators::active_set(&chain.state).unwrap().validators,
        set(&[1, 2, 3, 5])
    );
}

#[test]
fn update_and_unjail_errors_leave_state_unchanged() {
    let mut chain = Chain::from_genesis(&genesis());
    let r = chain.err(MsgUpdateValidatorSet {
        authority: addr("alice"),
        validators: set(&[1]),
    });
    assert_code(&r, "sdk", 4);
    assert_code(&chain.err(update(vec![])), CODESPACE, 1);
    assert_code(&chain.err(update(set(&[1, 1]))), CODESPACE, 1);
    let mut heavy = validator(2);
    heavy.power = 10;
    assert_code(&chain.err(update(vec![validator(1), heavy])), CODESPACE, 1);
    let too_many: Vec<u64> = (1..=101).collect();
    assert_code(&chain.err(update(set(&too_many))), CODESPACE, 2);
    let unjail = |public_key: String| MsgUnjailValidator {
        authority: authority(),
        public_key,
    };
    assert_code(&chain.err(unjail(validator(1).public_key)), CODESPACE, 3);
    assert_code(&chain.err(unjail("00".into())), CODESPACE, 1);
}

#[test]
fn equivocation_jails_until_the_authority_unjails() {
    let mut chain = Chain::from_genesis(&genesis());
    let v3 = validator(3);
    let event = validators::record_equivocation(
        &mut chain.state,
        &v3.key_bytes().unwrap(),
        7,
        "conflicting_notarize",
        1,
        Timestamp(1),
    )
    .unwrap()
    .unwrap();
    assert_eq!(event.get("action"), Some("jailed"));
    while chain.height < EPOCH - 1 {
        chain.advance(second());
    }
    assert_eq!(
        validators::active_set(&chain.state).unwrap().validators,
        set(&[1, 2, 4])
    );
    chain.ok(MsgUnjailValidator {
        authority: authority(),
        public_key: v3.public_key.clone(),
    });
    while chain.height < 2 * EPOCH - 1 {
        chain.advance(second());
    }
    assert_eq!(
        validators::active_set(&chain.state).unwrap().validators,
        set(&[1, 2, 3, 4])
    );
    // The evidence record stays.
    assert_eq!(validators::all_evidence(&chain.state).unwrap().len(), 1);
}

#[test]
fn exported_genesis_carries_the_set_and_reimports_identically() {
    let mut chain = Chain::from_genesis(&genesis());
    chain.ok(update(set(&[2, 3, 4, 5])));
    let exported = export_genesis(&chain.state).unwrap();
    assert_eq!(exported.validators.validators, set(&[1, 2, 3, 4]));
    assert_eq!(
        exported.validators.pending_validators,
        Some(set(&[2, 3, 4, 5]))
    );
    let json = exported.to_json().unwrap();
    let again = Chain::from_genesis(&Genesis::from_json(&json).unwrap());
    assert_eq!(
        export_genesis(&again.state).unwrap().to_json().unwrap(),
        json
    );
}

#[test]
fn genesis_with_an_invalid_set_is_refused() {
    let mut g = genesis();
    g.validators.validators.push(validator(1));
    let mut state = phalanx_state::MemState::new();
    let err = phalanx_app::init_genesis(&mut state, &g).unwrap_err();
    assert!(err.to_string().contains("listed twice"), "{err}");
}
