//! The token factory end to end: every message's happy path and events, every documented error (each
//! leaving state byte-identical), supply conservation, queries and the genesis round trip.

use crate::delegation::the_event;
use crate::harness::*;
use phalanx_app::MsgResponse;
use phalanx_protocol::store::PageRequest;
use phalanx_protocol::{bank, rewards, tokenfactory};
use phalanx_state::MemState;
use phalanx_types::msgs::*;
use phalanx_types::{Address, Coin, Coins};

fn create(sender: &str, subdenom: &str, fee: &str) -> MsgCreateDenom {
    MsgCreateDenom {
        sender: addr(sender),
        subdenom: subdenom.into(),
        fee_amount: coins(fee),
    }
}

/// Creates `factory/{sender}/{subdenom}` for free and returns the full denom.
fn create_ok(chain: &mut Chain, sender: &str, subdenom: &str) -> String {
    match chain.ok(create(sender, subdenom, "")) {
        MsgResponse::NewDenom(denom) => denom,
        other => panic!("unexpected response {other:?}"),
    }
}

fn mint(sender: &str, denom: &str, amount: u128, to: Address) -> MsgMint {
    MsgMint {
        sender: addr(sender),
        amount: Coin::new(denom, amount),
        mint_to_address: to,
    }
}

fn burn(sender: &str, denom: &str, amount: u128) -> MsgBurn {
    MsgBurn {
        sender: addr(sender),
        amount: Coin::new(denom, amount),
        burn_from_address: addr(sender),
    }
}

fn change_admin(sender: &str, denom: &str, new_admin: Option<Address>) -> MsgChangeAdmin {
    MsgChangeAdmin {
        sender: addr(sender),
        denom: denom.into(),
        new_admin,
    }
}

fn metadata(denom: &str) -> DenomMetadata {
    DenomMetadata {
        description: "a test token".into(),
        denom_units: vec![
            DenomUnit {
                denom: denom.into(),
                exponent: 0,
                aliases: vec![],
            },
            DenomUnit {
                denom: "gold".into(),
                exponent: 6,
                aliases: vec!["GOLD".into()],
            },
        ],
        base: denom.into(),
        display: "gold".into(),
        name: "Gold".into(),
        symbol: "GLD".into(),
        uri: String::new(),
        uri_hash: String::new(),
    }
}

fn set_fee(chain: &mut Chain, fee: &str) {
    chain.ok(MsgUpdateTokenFactoryParams {
        authority: authority(),
        params: TokenFactoryParams {
            denom_creation_fee: coins(fee),
        },
    });
}

fn admin_of(chain: &Chain, denom: &str) -> Option<Address> {
    tokenfactory::denom_authority_metadata(&chain.state, denom)
        .unwrap()
        .expect("denom exists")
        .admin
}

fn supply(chain: &Chain, denom: &str) -> u128 {
    bank::supply(&chain.state, denom).unwrap()
}

#[test]
fn create_mint_send_and_burn_keep_supply_equal_to_balances() {
    let mut chain = Chain::new();
    let (alice, bob) = (addr("alice"), addr("bob"));
    let r = chain.tx(alice, vec![create("alice", "gold", "").into()]);
    assert!(r.is_ok(), "{}", r.log);
    let denom = format!("factory/{alice}/gold");
    assert_eq!(r.responses, vec![MsgResponse::NewDenom(denom.clone())]);
    let e = the_event(&r.events, "create_denom");
    assert_eq!(e.get("creator"), Some(alice.to_string().as_str()));
    assert_eq!(e.get("new_token_denom"), Some(denom.as_str()));
    assert_eq!(admin_of(&chain, &denom), Some(alice));
    assert_eq!(supply(&chain, &denom), 0);

    // Mint to someone else, and to the admin itself.
    let r = chain.tx(alice, vec![mint("alice", &denom, 1_000, bob).into()]);
    assert!(r.is_ok(), "{}", r.log);
    let e = the_event(&r.events, "tf_mint");
    assert_eq!(e.get("mint_to_address"), Some(bob.to_string().as_str()));
    assert_eq!(e.get("amount"), Some(format!("1000{denom}").as_str()));
    the_event(&r.events, "mint");
    chain.ok(mint("alice", &denom, 500, alice));
    assert_eq!(chain.balance(&bob, &denom), 1_000);
    assert_eq!(chain.balance(&alice, &denom), 500);
    assert_eq!(supply(&chain, &denom), 1_500);
    chain.check_invariants();

    // Factory coins move like any coin.
    chain.ok(MsgSend {
        from_address: bob,
        to_address: alice,
        amount: Coins::new(vec![Coin::new(&denom, 300)]).unwrap(),
    });
    assert_eq!(chain.balance(&alice, &denom), 800);

    // The admin burns from its own balance.
    let r = chain.tx(alice, vec![burn("alice", &denom, 800).into()]);
    assert!(r.is_ok(), "{}", r.log);
    let e = the_event(&r.events, "tf_burn");
    assert_eq!(e.get("burn_from_address"), Some(alice.to_string().as_str()));
    assert_eq!(e.get("amount"), Some(format!("800{denom}").as_str()));
    the_event(&r.events, "burn");
    assert_eq!(chain.balance(&alice, &denom), 0);
    assert_eq!(chain.balance(&bob, &denom), 700);
    assert_eq!(supply(&chain, &denom), 700);
    chain.check_invariants();
}

#[test]
fn creation_fee_is_paid_to_the_community_pool_and_checked() {
    let mut chain = Chain::new();
    let pool = bank::community_pool();
    set_fee(&mut chain, "100uphx,1ubtc");
    let params = tokenfactory::params(&chain.state).unwrap();
    assert_eq!(params.denom_creation_fee, coins("100uphx,1ubtc"));

    // Nothing offered, or too little of every fee coin.
    for offered in ["", "99uphx", "99uphx,5uatom"] {
        let r = chain.err(create("alice", "gold", offered));
        assert_code(&r, "tokenfactory", 5);
        assert!(r.log.contains("does not cover"), "{}", r.log);
    }
    // Offering more than the balance is a bank error, and nothing is created.
    let mut g = demo_genesis();
    g.tokenfactory.params.denom_creation_fee = coins("100uphx");
    let mut poor = Chain::from_genesis(&g);
    let r = poor.err(create("erin", "gold", "100uphx"));
    assert_code(&r, "bank", 1);

    // One coin in full suffices; the whole offer goes to the community pool.
    let before = chain.balance(&pool, "uphx");
    let r = chain.tx(
        addr("alice"),
        vec![create("alice", "gold", "100uphx").into()],
    );
    assert!(r.is_ok(), "{}", r.log);
    assert_eq!(chain.balance(&pool, "uphx"), before + 100);
    assert_eq!(chain.balance(&addr("alice"), "uphx"), FUNDS - 100);
    chain.ok(create("alice", "silver", "1ubtc"));
    assert_eq!(chain.balance(&pool, "ubtc"), 1);
    chain.check_invariants();
}

#[test]
fn only_the_authority_updates_params() {
    let mut chain = Chain::new();
    let r = chain.err(MsgUpdateTokenFactoryParams {
        authority: addr("alice"),
        params: TokenFactoryParams {
            denom_creation_fee: coins("1uphx"),
        },
    });
    assert_code(&r, "sdk", 4);
    let r = chain.tx(
        authority(),
        vec![
            MsgUpdateTokenFactoryParams {
                authority: authority(),
                params: TokenFactoryParams {
                    denom_creation_fee: coins("7uphx"),
                },
            }
            .into(),
        ],
    );
    assert!(r.is_ok(), "{}", r.log);
    let e = the_event(&r.events, "update_params");
    assert_eq!(e.get("module"), Some("tokenfactory"));
    assert_eq!(e.get("denom_creation_fee"), Some("7uphx"));
}

#[test]
fn subdenoms_outside_the_rules_are_refused() {
    let mut chain = Chain::new();
    let long = "a".repeat(MAX_SUBDENOM_LEN + 1);
    for bad in [
        "",
        "a/b",
        "a:b",
        "-gold",
        ".gold",
        "go ld",
        "gøld",
        long.as_str(),
    ] {
        let r = chain.err(create("alice", bad, ""));
        assert_code(&r, "tokenfactory", 3);
    }
    // The longest subdenom gives a full denom well inside the 128-character limit.
    let longest = "Z".repeat(MAX_SUBDENOM_LEN);
    let denom = create_ok(&mut chain, "alice", &longest);
    assert!(denom.len() <= 128, "{denom}");
    phalanx_types::coin::validate_denom(&denom).unwrap();
    create_ok(&mut chain, "alice", "9.lives_left-1");
}

#[test]
fn a_denom_cannot_be_created_twice_but_subdenoms_are_per_creator() {
    let mut chain = Chain::new();
    let gold = create_ok(&mut chain, "alice", "gold");
    let r = chain.err(create("alice", "gold", ""));
    assert_code(&r, "tokenfactory", 1);
    assert!(r.log.contains(&gold), "{}", r.log);
    // Still refused after the supply went back to zero and the admin was renounced.
    chain.ok(mint("alice", &gold, 5, addr("alice")));
    chain.ok(burn("alice", &gold, 5));
    chain.ok(change_admin("alice", &gold, None));
    assert_code(&chain.err(create("alice", "gold", "")), "tokenfactory", 1);
    // Bob's gold is another denom.
    let bobs = create_ok(&mut chain, "bob", "gold");
    assert_ne!(bobs, gold);
    assert_eq!(admin_of(&chain, &bobs), Some(addr("bob")));
}

#[test]
fn a_denom_already_held_since_genesis_cannot_be_created() {
    let alice = addr("alice");
    let denom = format!("factory/{alice}/gold");
    let mut g = demo_genesis();
    let entry = g
        .bank
        .balances
        .iter_mut()
        .find(|b| b.address == addr("bob"))
        .unwrap();
    entry.coins = entry.coins.add_coin(&Coin::new(&denom, 9)).unwrap();
    let mut chain = Chain::from_genesis(&g);
    assert_code(&chain.err(create("alice", "gold", "")), "tokenfactory", 1);
}

#[test]
fn only_the_admin_mints_and_only_existing_factory_denoms() {
    let mut chain = Chain::new();
    let gold = create_ok(&mut chain, "alice", "gold");
    let bob = addr("bob");
    assert_code(&chain.err(mint("bob", &gold, 1, bob)), "sdk", 4);
    // A well-formed factory denom that was never created.
    let ghost = format!("factory/{bob}/ghost");
    assert_code(&chain.err(mint("bob", &ghost, 1, bob)), "tokenfactory", 2);
    // Not factory denoms at all, including one naming a creator that is not an address.
    for denom in ["uatom", "factory/gold", "factory/phx1nope/gold"] {
        assert_code(&chain.err(mint("alice", denom, 1, bob)), "tokenfactory", 4);
    }
    assert_code(&chain.err(mint("alice", &gold, 0, bob)), "sdk", 18);
    // The rewards pool's every unit is owed; minting into it would break that.
    let r = chain.err(mint("alice", &gold, 1, rewards::rewards_pool()));
    assert_code(&r, "sdk", 4);
    assert!(r.log.contains("rewards pool"), "{}", r.log);
    // Nor the insurance account, which holds exactly the insurance funds.
    let r = chain.err(mint(
        "alice",
        &gold,
        1,
        phalanx_protocol::liquidvesting::insurance_address(),
    ));
    assert_code(&r, "sdk", 4);
    assert!(r.log.contains("insurance"), "{}", r.log);
    assert_eq!(supply(&chain, &gold), 0);
}

#[test]
fn burns_are_by_the_admin_from_its_own_balance_only() {
    let mut chain = Chain::new();
    let gold = create_ok(&mut chain, "alice", "gold");
    let bob = addr("bob");
    chain.ok(mint("alice", &gold, 100, bob));
    chain.ok(mint("alice", &gold, 10, addr("alice")));

    // The admin may not take bob's tokens, by burning from his account.
    let r = chain.err(MsgBurn {
        sender: addr("alice"),
        amount: Coin::new(&gold, 1),
        burn_from_address: bob,
    });
    assert_code(&r, "sdk", 4);
    assert!(r.log.contains("cannot take users' tokens"), "{}", r.log);
    // Bob holds the tokens but is not the admin.
    assert_code(&chain.err(burn("bob", &gold, 1)), "sdk", 4);
    // More than the admin holds.
    let r = chain.err(burn("alice", &gold, 11));
    assert_code(&r, "bank", 1);
    assert_code(&chain.err(burn("alice", &gold, 0)), "sdk", 18);
    assert_code(&chain.err(burn("alice", "uatom", 1)), "tokenfactory", 4);
    assert_eq!(chain.balance(&bob, &gold), 100);
    assert_eq!(supply(&chain, &gold), 110);
    chain.check_invariants();
}

#[test]
fn change_admin_hands_over_and_renouncing_is_final() {
    let mut chain = Chain::new();
    let gold = create_ok(&mut chain, "alice", "gold");
    let (alice, bob, carol) = (addr("alice"), addr("bob"), addr("carol"));
    assert_code(&chain.err(change_admin("bob", &gold, Some(bob))), "sdk", 4);
    let ghost = format!("factory/{alice}/ghost");
    assert_code(
        &chain.err(change_admin("alice", &ghost, Some(bob))),
        "tokenfactory",
        2,
    );

    let r = chain.tx(alice, vec![change_admin("alice", &gold, Some(bob)).into()]);
    assert!(r.is_ok(), "{}", r.log);
    let e = the_event(&r.events, "change_admin");
    assert_eq!(e.get("denom"), Some(gold.as_str()));
    assert_eq!(e.get("new_admin"), Some(bob.to_string().as_str()));
    assert_eq!(admin_of(&chain, &gold), Some(bob));
    // The creator keeps its name in the denom but no longer controls it.
    assert_code(&chain.err(mint("alice", &gold, 1, alice)), "sdk", 4);
    chain.ok(mint("bob", &gold, 50, carol));
    chain.ok(mint("bob", &gold, 5, bob));
    chain.ok(burn("bob", &gold, 5));
    // The denom stays listed under its creator.
    let (listed, _) =
        tokenfactory::denoms_from_creator(&chain.state, &alice, &PageRequest::default()).unwrap();
    assert_eq!(listed, vec![gold.clone()]);

    // Renounce: nobody can mint, burn as admin, re-describe or reclaim it.
    let r = chain.tx(bob, vec![change_admin("bob", &gold, None).into()]);
    assert!(r.is_ok(), "{}", r.log);
    assert_eq!(
        the_event(&r.events, "change_admin").get("new_admin"),
        Some("")
    );
    assert_eq!(admin_of(&chain, &gold), None);
    for who in ["alice", "bob"] {
        let r = chain.err(mint(who, &gold, 1, carol));
        assert_code(&r, "sdk", 4);
        assert!(r.log.contains("renounced"), "{}", r.log);
        assert_code(
            &chain.err(change_admin(who, &gold, Some(addr(who)))),
            "sdk",
            4,
        );
    }
    assert_code(
        &chain.err(MsgSetDenomMetadata {
            sender: bob,
            metadata: metadata(&gold),
        }),
        "sdk",
        4,
    );
    // Holders keep their coins and can still send them.
    assert_eq!(chain.balance(&carol, &gold), 50);
    chain.ok(MsgSend {
        from_address: carol,
        to_address: alice,
        amount: Coins::new(vec![Coin::new(&gold, 50)]).unwrap(),
    });
    chain.check_invariants();
}

#[test]
fn metadata_is_set_by_the_admin_and_validated() {
    let mut chain = Chain::new();
    let gold = create_ok(&mut chain, "alice", "gold");
    assert_eq!(
        tokenfactory::denom_metadata(&chain.state, &gold).unwrap(),
        None
    );
    let set = |sender: &str, m: DenomMetadata| MsgSetDenomMetadata {
        sender: addr(sender),
        metadata: m,
    };

    assert_code(&chain.err(set("bob", metadata(&gold))), "sdk", 4);
    let ghost = format!("factory/{}/ghost", addr("alice"));
    assert_code(
        &chain.err(set("alice", metadata(&ghost))),
        "tokenfactory",
        2,
    );
    assert_code(
        &chain.err(set("alice", metadata("uatom"))),
        "tokenfactory",
        4,
    );
    type Edit = fn(&mut DenomMetadata);
    let broken: Vec<(&str, Edit)> = vec![
        ("name", |m| m.name = " ".into()),
        ("symbol", |m| m.symbol = String::new()),
        ("denom_units", |m| m.denom_units.clear()),
        ("first denom unit", |m| m.denom_units.swap(0, 1)),
        ("first denom unit", |m| m.denom_units[0].exponent = 1),
        ("larger exponent", |m| m.denom_units[1].exponent = 0),
        ("listed twice", |m| {
            m.denom_units[1].aliases.push("gold".into())
        }),
        ("display", |m| m.display = "silver".into()),
        ("description", |m| m.description = "x".repeat(1001)),
        ("denom unit", |m| m.denom_units[1].denom = "1gold".into()),
    ];
    for (needle, edit) in broken {
        let mut m = metadata(&gold);
        edit(&mut m);
        let r = chain.err(set("alice", m));
        assert_code(&r, "tokenfactory", 6);
        assert!(r.log.contains(needle), "{needle}: {}", r.log);
    }

    let r = chain.tx(addr("alice"), vec![set("alice", metadata(&gold)).into()]);
    assert!(r.is_ok(), "{}", r.log);
    let e = the_event(&r.events, "set_denom_metadata");
    assert_eq!(e.get("denom"), Some(gold.as_str()));
    assert_eq!(e.get("symbol"), Some("GLD"));
    assert_eq!(
        tokenfactory::denom_metadata(&chain.state, &gold).unwrap(),
        Some(metadata(&gold))
    );
    // Replacing it is allowed.
    let mut m = metadata(&gold);
    m.symbol = "GOLD2".into();
    chain.ok(set("alice", m.clone()));
    assert_eq!(
        tokenfactory::denom_metadata(&chain.state, &gold).unwrap(),
        Some(m)
    );
}

#[test]
fn denoms_are_listed_by_creator_in_pages() {
    let mut chain = Chain::new();
    let mut made: Vec<String> = ["c", "a", "b", "d", "e"]
        .iter()
        .map(|s| create_ok(&mut chain, "alice", s))
        .collect();
    create_ok(&mut chain, "bob", "a");
    made.sort();
    let mut page = PageRequest {
        key: None,
        limit: Some(2),
    };
    let mut seen = Vec::new();
    loop {
        let (rows, next) =
            tokenfactory::denoms_from_creator(&chain.state, &addr("alice"), &page).unwrap();
        assert!(rows.len() <= 2);
        seen.extend(rows);
        match next.next_key {
            Some(k) => page.key = Some(k),
            None => break,
        }
    }
    assert_eq!(seen, made);
    let (none, next) =
        tokenfactory::denoms_from_creator(&chain.state, &addr("carol"), &PageRequest::default())
            .unwrap();
    assert!(none.is_empty() && next.next_key.is_none());
}

#[test]
fn genesis_round_trips_denoms_admins_and_metadata() {
    let mut chain = Chain::new();
    set_fee(&mut chain, "3uphx");
    let gold = match chain.ok(create("alice", "gold", "3uphx")) {
        MsgResponse::NewDenom(d) => d,
        other => panic!("{other:?}"),
    };
    let silver = match chain.ok(create("bob", "silver", "3uphx")) {
        MsgResponse::NewDenom(d) => d,
        other => panic!("{other:?}"),
    };
    chain.ok(mint("alice", &gold, 42, addr("carol")));
    chain.ok(MsgSetDenomMetadata {
        sender: addr("alice"),
        metadata: metadata(&gold),
    });
    chain.ok(change_admin("bob", &silver, None));

    let exported = phalanx_app::export_genesis(&chain.state).unwrap();
    let tf = &exported.tokenfactory;
    assert_eq!(tf.params.denom_creation_fee, coins("3uphx"));
    let denoms: Vec<&str> = tf.factory_denoms.iter().map(|d| d.denom.as_str()).collect();
    let mut sorted = vec![gold.as_str(), silver.as_str()];
    sorted.sort();
    assert_eq!(denoms, sorted);

    let json = exported.to_json().unwrap();
    let reimported = Chain::from_genesis(&phalanx_app::Genesis::from_json(&json).unwrap());
    assert_eq!(
        phalanx_app::export_genesis(&reimported.state).unwrap(),
        exported
    );
    assert_eq!(admin_of(&reimported, &gold), Some(addr("alice")));
    assert_eq!(admin_of(&reimported, &silver), None);
    assert_eq!(reimported.balance(&addr("carol"), &gold), 42);
    reimported.check_invariants();

    // A genesis without the field (written before the token factory existed) still loads.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value.as_object_mut().unwrap().remove("tokenfactory");
    value["bank"]["balances"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .for_each(|b| {
            b["coins"]
                .as_array_mut()
                .unwrap()
                .retain(|c| !c["denom"].as_str().unwrap().starts_with("factory/"))
        });
    let old = phalanx_app::Genesis::from_json(&value.to_string()).unwrap();
    assert!(old.tokenfactory.factory_denoms.is_empty());
    Chain::from_genesis(&old);
}

#[test]
fn genesis_rejects_malformed_factory_denoms() {
    let alice = addr("alice");
    let gold = factory_denom(&alice, "gold").unwrap();
    let entry = |denom: &str, metadata: Option<DenomMetadata>| tokenfactory::GenesisDenom {
        denom: denom.into(),
        authority_metadata: tokenfactory::DenomAuthorityMetadata { admin: Some(alice) },
        metadata,
    };
    let cases = vec![
        vec![entry("uatom", None)],
        vec![entry(&gold, None), entry(&gold, None)],
        vec![entry(&gold, Some(metadata("uatom")))],
        vec![entry(
            &gold,
            Some(DenomMetadata {
                name: String::new(),
                ..metadata(&gold)
            }),
        )],
    ];
    for denoms in cases {
        let mut g = demo_genesis();
        g.tokenfactory.factory_denoms = denoms.clone();
        let mut state = MemState::new();
        assert!(
            phalanx_app::init_genesis(&mut state, &g).is_err(),
            "{denoms:?} must be refused"
        );
        assert!(state == MemState::new());
    }
}
