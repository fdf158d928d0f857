//! The asset registry and prices end to end: registering, replacing and removing assets, posting prices,
//! price freshness, USD valuation, module params and the assets query.

use crate::harness::*;
use phalanx_app::TxResult;
use phalanx_protocol::assets::{self, Price};
use phalanx_protocol::store::PageRequest;
use phalanx_state::MemState;
use phalanx_types::msgs::*;
use phalanx_types::{Coin, Dec, Duration, Event, Timestamp};

const IBC_ATOM: &str = "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2";

fn asset(denom: &str, ticker: &str, exponent: u32) -> Asset {
    Asset {
        denom: denom.into(),
        ticker: ticker.into(),
        exponent,
    }
}

fn register(denom: &str, ticker: &str, exponent: u32) -> MsgRegisterAsset {
    MsgRegisterAsset {
        authority: authority(),
        asset: asset(denom, ticker, exponent),
    }
}

fn deregister(denom: &str) -> MsgDeregisterAsset {
    MsgDeregisterAsset {
        authority: authority(),
        denom: denom.into(),
    }
}

fn post(ticker: &str, price: &str, time: Timestamp) -> MsgPostPrice {
    MsgPostPrice {
        authority: authority(),
        ticker: ticker.into(),
        price: dec(price),
        time,
    }
}

fn update_params(max_price_age: Duration) -> MsgUpdateAssetsParams {
    MsgUpdateAssetsParams {
        authority: authority(),
        params: AssetsParams { max_price_age },
    }
}

fn dec(s: &str) -> Dec {
    s.parse().expect("valid decimal")
}

/// The block time the next transaction of `chain` executes at.
fn next_block_time(chain: &Chain) -> Timestamp {
    Timestamp(chain.time.0 + Duration::from_secs(BLOCK_SECS).0)
}

/// Executes `msg` in a transaction of its own signer and returns the (successful) result with events.
fn exec(chain: &mut Chain, msg: impl Into<Msg>) -> TxResult {
    let msg = msg.into();
    let r = chain.tx(msg.signer(), vec![msg.clone()]);
    assert!(r.is_ok(), "{} failed: {}", msg.type_url(), r.log);
    r
}

fn event<'a>(events: &'a [Event], kind: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
}

/// USD value of `amount` of `denom` at the chain's current time.
fn usd(chain: &Chain, denom: &str, amount: u128) -> Dec {
    assets::usd_value(&chain.state, &Coin::new(denom, amount), chain.time).expect("valuation")
}

fn denoms(list: &[Asset]) -> Vec<String> {
    list.iter().map(|a| a.denom.clone()).collect()
}

/// Every asset of `ticker` (or all), following `next_key` with pages of `limit`.
fn walk(chain: &Chain, ticker: Option<&str>, limit: u32) -> Vec<Vec<String>> {
    let mut page = PageRequest {
        key: None,
        limit: Some(limit),
    };
    let mut pages = Vec::new();
    loop {
        let (list, next) = assets::assets(&chain.state, ticker, &page).unwrap();
        assert!(list.len() <= limit as usize);
        pages.push(denoms(&list));
        match next.next_key {
            Some(k) => page.key = Some(k),
            None => return pages,
        }
    }
}

#[test]
fn register_asset_inserts_or_replaces_and_emits_an_event() {
    let mut chain = Chain::new();
    assert_eq!(usd(&chain, IBC_ATOM, 3_000_000), Dec::ZERO, "unknown denom");
    let r = exec(&mut chain, register(IBC_ATOM, "ATOM", 6));
    let e = event(&r.events, "register_asset");
    assert_eq!(e.get("denom"), Some(IBC_ATOM));
    assert_eq!(e.get("ticker"), Some("ATOM"));
    assert_eq!(e.get("exponent"), Some("6"));
    assert_eq!(
        assets::asset(&chain.state, IBC_ATOM).unwrap(),
        Some(asset(IBC_ATOM, "ATOM", 6))
    );
    // Priced through the ticker it shares with uatom.
    assert_eq!(usd(&chain, IBC_ATOM, 3_000_000), Dec::from_int(3));

    // Registering again replaces the record.
    chain.ok(register(IBC_ATOM, "ATOM", 8));
    assert_eq!(
        assets::asset(&chain.state, IBC_ATOM)
            .unwrap()
            .unwrap()
            .exponent,
        8
    );
    assert_eq!(usd(&chain, IBC_ATOM, 3_000_000), dec("0.03"));
    let (atoms, _) = assets::assets(&chain.state, Some("ATOM"), &PageRequest::default()).unwrap();
    assert_eq!(
        atoms,
        vec![asset(IBC_ATOM, "ATOM", 8), asset("uatom", "ATOM", 6)]
    );

    // A registered but never priced ticker values at zero.
    chain.ok(register("uosmo", "OSMO", 6));
    assert_eq!(usd(&chain, "uosmo", 5_000_000), Dec::ZERO);
    assert!(assets::price(&chain.state, "OSMO").unwrap().is_none());
}

#[test]
fn register_asset_rejects_bad_input_and_non_authority() {
    let mut chain = Chain::new();
    let mut not_authority = register("uosmo", "OSMO", 6);
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(
        &chain.err_as(addr("alice"), register("uosmo", "OSMO", 6)),
        "sdk",
        4,
    );
    // Denoms: must start with a letter, 3 to 128 characters, restricted alphabet.
    for denom in ["1osmo", "os", "u osmo", "uosmo!", ""] {
        assert_code(&chain.err(register(denom, "OSMO", 6)), "sdk", 7);
    }
    assert_code(&chain.err(register(&"u".repeat(129), "OSMO", 6)), "sdk", 7);
    // Tickers: 1 to 10 ASCII letters or digits.
    for ticker in ["", "OS-MO", "OSMO/USD", "ABCDEFGHIJK", "ÖSMO"] {
        assert_code(&chain.err(register("uosmo", ticker, 6)), "assets", 2);
    }
    assert!(assets::asset(&chain.state, "uosmo").unwrap().is_none());
    // The extremes of the valid ranges are accepted.
    chain.ok(register(&"u".repeat(128), "ABCDEFGHIJ", 0));
    chain.ok(register("uosmo", "1", 18));
}

#[test]
fn deregister_asset_removes_it_and_its_index_entry() {
    let mut chain = Chain::new();
    chain.ok(register(IBC_ATOM, "ATOM", 6));
    let r = exec(&mut chain, deregister("uatom"));
    assert_eq!(
        event(&r.events, "deregister_asset").get("denom"),
        Some("uatom")
    );
    assert!(assets::asset(&chain.state, "uatom").unwrap().is_none());
    assert_eq!(usd(&chain, "uatom", 1_000_000), Dec::ZERO);
    let (atoms, _) = assets::assets(&chain.state, Some("ATOM"), &PageRequest::default()).unwrap();
    assert_eq!(denoms(&atoms), vec![IBC_ATOM.to_string()]);
    // The ticker's price stays for the other denom that uses it.
    assert!(assets::price(&chain.state, "ATOM").unwrap().is_some());
    assert_eq!(usd(&chain, IBC_ATOM, 1_000_000), Dec::ONE);

    assert_code(&chain.err(deregister("uatom")), "assets", 1);
    assert_code(&chain.err(deregister("unknown")), "assets", 1);
    assert_code(&chain.err(deregister("1bad")), "sdk", 7);
    let mut not_authority = deregister(IBC_ATOM);
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(&chain.err_as(addr("alice"), deregister(IBC_ATOM)), "sdk", 4);

    // It can be registered again.
    chain.ok(register("uatom", "ATOM", 6));
    assert_eq!(usd(&chain, "uatom", 1_000_000), Dec::ONE);
}

#[test]
fn post_price_stores_it_and_revalues_stake() {
    let mut chain = Chain::new();
    assert_eq!(usd(&chain, "uatom", 2_000_000), Dec::from_int(2));
    let at = next_block_time(&chain);
    let r = exec(&mut chain, post("ATOM", "12.5", at));
    let e = event(&r.events, "post_price");
    assert_eq!(e.get("ticker"), Some("ATOM"));
    assert_eq!(e.get("price"), Some("12.500000000000000000"));
    assert_eq!(e.get("time"), Some(at.to_string().as_str()));
    assert_eq!(
        assets::price(&chain.state, "ATOM").unwrap(),
        Some(Price {
            ticker: "ATOM".into(),
            price: dec("12.5"),
            time: at,
        })
    );
    assert_eq!(usd(&chain, "uatom", 2_000_000), Dec::from_int(25));
    // 100 000 USD per BTC at 8 decimals: 1 sat is 0.001 USD.
    assert_eq!(usd(&chain, "ubtc", 1), dec("0.001"));
    assert_eq!(
        assets::usd_value_of_coins(
            &chain.state,
            &coins("2000000uatom,100000000ubtc"),
            chain.time
        )
        .unwrap(),
        Dec::from_int(100_025)
    );

    // A price for a ticker no asset uses yet is stored and applies once an asset uses it.
    chain.ok(post("OSMO", "0.5", chain.time));
    chain.ok(register("uosmo", "OSMO", 6));
    assert_eq!(usd(&chain, "uosmo", 4_000_000), Dec::from_int(2));
    let tickers: Vec<String> = assets::prices(&chain.state)
        .unwrap()
        .into_iter()
        .map(|p| p.ticker)
        .collect();
    assert_eq!(tickers, vec!["ATOM", "BTC", "OSMO", "PHX", "TIA"]);

    // A price observed at the same time as the stored one replaces it.
    let same = assets::price(&chain.state, "ATOM").unwrap().unwrap().time;
    chain.ok(post("ATOM", "13", same));
    assert_eq!(usd(&chain, "uatom", 1_000_000), Dec::from_int(13));
}

#[test]
fn post_price_rejects_future_rolled_back_zero_and_unauthorised_prices() {
    let mut chain = Chain::new();
    chain.advance(Duration::from_secs(60));
    let block = next_block_time(&chain);

    // Observed after the block time: refused; exactly at the block time: fine.
    let r = chain.err(post("ATOM", "2", Timestamp(block.0 + 1)));
    assert_code(&r, "assets", 5);
    let far = chain.err(post("NEW", "2", Timestamp(block.0 + 86_400_000_000_000)));
    assert_code(&far, "assets", 5);
    chain.ok(post("ATOM", "2", block));
    assert_eq!(usd(&chain, "uatom", 1_000_000), Dec::from_int(2));

    // Older than the stored price: refused, so a delayed message cannot roll the price back.
    let r = chain.err(post("ATOM", "1", Timestamp(block.0 - 1)));
    assert_code(&r, "assets", 4);
    assert_code(&chain.err(post("ATOM", "1", genesis_time())), "assets", 4);

    // Zero prices and malformed tickers never reach state.
    assert_code(&chain.err(post("ATOM", "0", chain.time)), "assets", 4);
    assert_code(&chain.err(post("AT-OM", "1", chain.time)), "assets", 2);
    assert_code(&chain.err(post("", "1", chain.time)), "assets", 2);

    let mut not_authority = post("ATOM", "3", chain.time);
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(
        &chain.err_as(addr("alice"), post("ATOM", "3", chain.time)),
        "sdk",
        4,
    );
    assert_eq!(
        assets::price(&chain.state, "ATOM").unwrap().unwrap().price,
        Dec::from_int(2)
    );
}

#[test]
fn a_stale_price_counts_as_zero_usd_value() {
    let mut chain = Chain::new();
    let max_age = assets::params(&chain.state).unwrap().max_price_age;
    assert_eq!(max_age, Duration::from_hours(24));
    let priced_at = assets::price(&chain.state, "ATOM").unwrap().unwrap().time;
    assert_eq!(priced_at, genesis_time());

    // Exactly max_price_age old: still fresh.
    chain.advance(max_age);
    assert_eq!(chain.time.since(priced_at), max_age);
    assert_eq!(usd(&chain, "uatom", 7_000_000), Dec::from_int(7));
    // One nanosecond older: worth nothing, alone or in a set.
    chain.advance(Duration(1));
    assert_eq!(usd(&chain, "uatom", 7_000_000), Dec::ZERO);
    assert_eq!(usd(&chain, "ubtc", 100_000_000), Dec::ZERO);
    assert_eq!(
        assets::usd_value_of_coins(&chain.state, &coins("7000000uatom,1ubtc"), chain.time).unwrap(),
        Dec::ZERO
    );
    assert_eq!(
        assets::fresh_price(&chain.state, "uatom", chain.time).unwrap(),
        (Dec::ZERO, 6)
    );
    // The stale price is still stored; it just does not count.
    assert_eq!(
        assets::price(&chain.state, "ATOM").unwrap().unwrap().price,
        Dec::ONE
    );

    // Raising the age limit makes it count again.
    let mut not_authority = update_params(Duration::from_hours(48));
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(
        &chain.err_as(addr("alice"), update_params(Duration::from_hours(48))),
        "sdk",
        4,
    );
    assert_code(&chain.err(update_params(Duration(0))), "assets", 6);
    let r = exec(&mut chain, update_params(Duration::from_hours(48)));
    assert_eq!(
        event(&r.events, "update_params").get("module"),
        Some("assets")
    );
    assert_eq!(
        assets::params(&chain.state).unwrap().max_price_age,
        Duration::from_hours(48)
    );
    assert_eq!(usd(&chain, "uatom", 7_000_000), Dec::from_int(7));

    // A fresh price makes a denom count again under the original limit.
    chain.ok(update_params(max_age));
    assert_eq!(usd(&chain, "uatom", 7_000_000), Dec::ZERO);
    chain.ok(post("ATOM", "3", chain.time));
    assert_eq!(usd(&chain, "uatom", 7_000_000), Dec::from_int(21));
    assert_eq!(
        usd(&chain, "utia", 7_000_000),
        Dec::ZERO,
        "TIA is still stale"
    );
}

#[test]
fn assets_query_paginates_and_filters_by_ticker() {
    let mut chain = Chain::new();
    chain.ok(register(IBC_ATOM, "ATOM", 6));
    chain.ok(register("atom.axl", "ATOM", 6));
    chain.ok(register("uatom2", "ATOM2", 6));
    chain.ok(register("uato", "ATO", 6));

    let all: Vec<String> = walk(&chain, None, 2).concat();
    assert_eq!(
        all,
        vec![
            "atom.axl", IBC_ATOM, "uato", "uatom", "uatom2", "ubtc", "uphx", "utia"
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    );
    assert_eq!(walk(&chain, None, 2).len(), 4);
    let (first, next) = assets::assets(&chain.state, None, &PageRequest::default()).unwrap();
    assert_eq!(denoms(&first), all);
    assert_eq!(next.next_key, None);

    // The ticker filter returns exactly the denoms of that ticker, never of a ticker it prefixes.
    assert_eq!(
        walk(&chain, Some("ATOM"), 1),
        vec![
            vec!["atom.axl".to_string()],
            vec![IBC_ATOM.to_string()],
            vec!["uatom".to_string()]
        ]
    );
    assert_eq!(
        walk(&chain, Some("ATOM2"), 5),
        vec![vec!["uatom2".to_string()]]
    );
    assert_eq!(walk(&chain, Some("ATO"), 5), vec![vec!["uato".to_string()]]);
    assert_eq!(walk(&chain, Some("BTC"), 5), vec![vec!["ubtc".to_string()]]);
    assert_eq!(walk(&chain, Some("NONE"), 5), vec![Vec::<String>::new()]);
}

#[test]
fn q17_exponent_above_18_rejected_and_18_values_exactly() {
    let mut chain = Chain::new();
    for exponent in [19, 20, 38, u32::MAX] {
        let r = chain.err(register("uwei", "ETH", exponent));
        assert_code(&r, "assets", 3);
    }
    assert!(assets::asset(&chain.state, "uwei").unwrap().is_none());

    // Genesis refuses such an asset too, and writes nothing.
    let mut g = demo_genesis();
    g.assets.assets.push(asset("zwei", "ETH", 19));
    let mut state = MemState::new();
    assert!(phalanx_app::init_genesis(&mut state, &g).is_err());
    assert!(state == MemState::new());

    // 18 is accepted and every power of ten is exact.
    let r = exec(&mut chain, register("wei", "ETH", 18));
    assert_eq!(
        event(&r.events, "register_asset").get("exponent"),
        Some("18")
    );
    chain.ok(post("ETH", "2.5", chain.time));
    assert_eq!(usd(&chain, "wei", 3_000_000_000_000_000_000), dec("7.5"));
    assert_eq!(usd(&chain, "wei", 1_000_000_000_000_000_000), dec("2.5"));
    // 2.5e-18 truncates (never rounds up) to 2e-18.
    assert_eq!(usd(&chain, "wei", 1), dec("0.000000000000000002"));
    assert_eq!(usd(&chain, "wei", 3), dec("0.000000000000000007"));
    assert_eq!(
        usd(&chain, "wei", u128::MAX),
        dec("850705917302346158658.436518579420528637")
    );
    // Exponent 0: one base unit is one whole token.
    chain.ok(register("unit", "ETH", 0));
    assert_eq!(usd(&chain, "unit", 4), Dec::from_int(10));
}

#[test]
fn q18_reregistering_asset_with_new_ticker_drops_old_index() {
    let mut chain = Chain::new();
    chain.ok(register(IBC_ATOM, "ATOM", 6));
    chain.ok(register("uatom", "COSMOS", 6));

    let atoms = walk(&chain, Some("ATOM"), 10).concat();
    assert_eq!(atoms, vec![IBC_ATOM.to_string()]);
    let cosmos = walk(&chain, Some("COSMOS"), 10).concat();
    assert_eq!(cosmos, vec!["uatom".to_string()]);
    assert_eq!(
        assets::asset(&chain.state, "uatom")
            .unwrap()
            .unwrap()
            .ticker,
        "COSMOS"
    );
    // Valued through the new ticker, which has no price yet.
    assert_eq!(usd(&chain, "uatom", 1_000_000), Dec::ZERO);
    chain.ok(post("COSMOS", "4", chain.time));
    assert_eq!(usd(&chain, "uatom", 1_000_000), Dec::from_int(4));

    // Back to the old ticker: the COSMOS entry goes away, and deregistering leaves no index entry.
    chain.ok(register("uatom", "ATOM", 6));
    assert!(walk(&chain, Some("COSMOS"), 10).concat().is_empty());
    assert_eq!(
        walk(&chain, Some("ATOM"), 10).concat(),
        vec![IBC_ATOM.to_string(), "uatom".to_string()]
    );
    chain.ok(deregister("uatom"));
    assert_eq!(
        walk(&chain, Some("ATOM"), 10).concat(),
        vec![IBC_ATOM.to_string()]
    );

    // The exported genesis round-trips with the index as it is now.
    let exported = phalanx_app::export_genesis(&chain.state).unwrap();
    let reimported = Chain::from_genesis(&exported);
    assert_eq!(
        walk(&reimported, Some("ATOM"), 10).concat(),
        vec![IBC_ATOM.to_string()]
    );
    assert!(walk(&reimported, Some("COSMOS"), 10).concat().is_empty());
}

#[test]
fn genesis_rejects_a_price_observed_after_genesis_time() {
    let mut g = demo_genesis();
    let atom = g
        .assets
        .prices
        .iter_mut()
        .find(|p| p.ticker == "ATOM")
        .unwrap();
    atom.time = Timestamp(genesis_time().0 + Duration::from_hours(100).0);
    let mut state = MemState::new();
    assert!(
        phalanx_app::init_genesis(&mut state, &g).is_err(),
        "MsgPostPrice refuses prices from the future of the block; genesis must too"
    );
    assert!(state == MemState::new());
}
