use crate::harness::*;
use phalanx_app::MsgResponse;
use phalanx_types::msgs::*;
use phalanx_types::{Coin, Duration, OperatorId};

#[test]
fn register_delegate_undelegate_and_complete() {
    let mut chain = Chain::new();
    let alice = addr("alice");
    let r = chain.ok(MsgRegisterOperator {
        sender: alice,
        moniker: "alice-op".into(),
        website: String::new(),
        picture_url: String::new(),
        fee_amount: coins(""),
    });
    assert_eq!(r, MsgResponse::NewOperatorId(OperatorId(1)));
    let bob = addr("bob");
    chain.ok(MsgDelegateOperator {
        delegator: bob,
        operator_id: OperatorId(1),
        amount: coins("1000uatom"),
    });
    chain.ok(MsgDelegatePool {
        delegator: bob,
        amount: Coin::new("utia", 500),
    });
    chain.check_invariants();
    chain.ok(MsgUndelegateOperator {
        delegator: bob,
        operator_id: OperatorId(1),
        amount: coins("400uatom"),
    });
    chain.check_invariants();
    let before = chain.balance(&bob, "uatom");
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&bob, "uatom"), before + 400);
    chain.check_invariants();
    let e = chain.err(MsgDelegateOperator {
        delegator: bob,
        operator_id: OperatorId(9),
        amount: coins("1uatom"),
    });
    assert_code(&e, "operators", 100);
}
