//! A single-node chain in memory for scenario tests: a funded genesis, blocks of one transaction, and
//! helpers that check a failed message leaves state byte-identical.

use phalanx_app::{
    Block, BlockHeader, Genesis, MsgResponse, Tx, TxResult, execute_block, execute_tx,
};
use phalanx_protocol::BlockInfo;
use phalanx_state::MemState;
use phalanx_types::msgs::{Asset, Msg};
use phalanx_types::{Address, Coins, Dec, Duration, Event, Timestamp};

/// Seconds between blocks in scenarios.
pub const BLOCK_SECS: u64 = 5;
/// What every named test account holds of each demo denom at genesis.
pub const FUNDS: u128 = 1_000_000_000_000;
/// Demo denoms; all registered with exponent 6 and a price of 1 USD per whole token except `ubtc`.
pub const DENOMS: [&str; 4] = ["uatom", "ubtc", "uphx", "utia"];

/// A deterministic test account.
pub fn addr(name: &str) -> Address {
    Address::module(&format!("test-account-{name}"))
}

/// The genesis authority of scenario chains.
pub fn authority() -> Address {
    addr("authority")
}

/// Parses coins, e.g. `"100uatom,5ubtc"`.
pub fn coins(s: &str) -> Coins {
    s.parse().expect("valid coins")
}

/// The genesis time of scenario chains.
pub fn genesis_time() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().expect("valid time")
}

/// A genesis funding alice, bob, carol and dave with every demo denom, with demo assets and prices.
pub fn demo_genesis() -> Genesis {
    let mut g = Genesis::new("phalanx-test", genesis_time(), authority());
    let accounts: Vec<Address> = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|n| addr(n))
        .collect();
    let funds = Coins::new(
        DENOMS
            .iter()
            .map(|d| phalanx_types::Coin::new(*d, FUNDS))
            .collect(),
    )
    .expect("coins");
    let asset = |denom: &str, ticker: &str, exponent| Asset {
        denom: denom.into(),
        ticker: ticker.into(),
        exponent,
    };
    g.fund(&accounts, &funds).price_assets(&[
        (asset("uatom", "ATOM", 6), Dec::ONE),
        (asset("ubtc", "BTC", 8), Dec::from_int(100_000)),
        (asset("uphx", "PHX", 6), Dec::ONE),
        (asset("utia", "TIA", 6), Dec::ONE),
    ]);
    g
}

/// A chain under test.
pub struct Chain {
    /// The whole state.
    pub state: MemState,
    /// Height of the last executed block.
    pub height: u64,
    /// Time of the last executed block.
    pub time: Timestamp,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    /// A chain started from [`demo_genesis`].
    pub fn new() -> Self {
        Self::from_genesis(&demo_genesis())
    }

    /// A chain started from `genesis`.
    pub fn from_genesis(genesis: &Genesis) -> Self {
        let mut state = MemState::new();
        phalanx_app::init_genesis(&mut state, genesis).expect("valid genesis");
        Self {
            state,
            height: genesis.initial_height - 1,
            time: genesis.genesis_time,
        }
    }

    /// Executes a block `dt` after the last one with the given transactions.
    pub fn block_after(&mut self, dt: Duration, txs: Vec<Tx>) -> phalanx_app::BlockResult {
        let header = BlockHeader {
            height: self.height + 1,
            time: Timestamp(self.time.0 + dt.0),
        };
        let result =
            execute_block(&mut self.state, &Block { header, txs }).expect("block executes");
        self.height = header.height;
        self.time = header.time;
        result
    }

    /// Executes one transaction of `msgs` signed by `sender` in a block of its own.
    pub fn tx(&mut self, sender: Address, msgs: Vec<Msg>) -> TxResult {
        let mut r = self.block_after(Duration::from_secs(BLOCK_SECS), vec![Tx { sender, msgs }]);
        r.tx_results.remove(0)
    }

    /// Executes `msg` signed by its signer and requires success.
    pub fn ok(&mut self, msg: impl Into<Msg>) -> MsgResponse {
        let msg = msg.into();
        let r = self.tx(msg.signer(), vec![msg.clone()]);
        assert!(r.is_ok(), "{} failed: {}", msg.type_url(), r.log);
        r.responses.into_iter().next().expect("one response")
    }

    /// Executes `msg` signed by its signer, requires failure, and checks the failed transaction left
    /// state byte-identical. Returns the result (code and log).
    pub fn err(&mut self, msg: impl Into<Msg>) -> TxResult {
        let msg = msg.into();
        self.err_as(msg.signer(), msg)
    }

    /// Like [`Chain::err`], with an explicit transaction sender.
    pub fn err_as(&mut self, sender: Address, msg: impl Into<Msg>) -> TxResult {
        let before = self.state.clone();
        let info = BlockInfo {
            height: self.height + 1,
            time: Timestamp(self.time.0 + BLOCK_SECS * 1_000_000_000),
        };
        let tx = Tx {
            sender,
            msgs: vec![msg.into()],
        };
        let r = execute_tx(&mut self.state, info, &tx).expect("no storage fault");
        assert!(!r.is_ok(), "expected {} to fail", tx.msgs[0].type_url());
        assert!(r.events.is_empty(), "a failed tx emits no events");
        assert!(
            self.state == before,
            "a failed tx must leave state byte-identical"
        );
        r
    }

    /// Executes an empty block `dt` after the last one; returns its end-block events.
    pub fn advance(&mut self, dt: Duration) -> Vec<Event> {
        self.block_after(dt, Vec::new()).end_events
    }

    /// A balance.
    pub fn balance(&self, who: &Address, denom: &str) -> u128 {
        phalanx_protocol::bank::balance(&self.state, who, denom).expect("balance")
    }

    /// Exports the state as genesis, imports it into a fresh chain, and asserts the import exports
    /// the same JSON: nothing is lost or changed on the way. Returns the export.
    pub fn assert_genesis_round_trip(&self) -> Genesis {
        let g = phalanx_app::export_genesis(&self.state).expect("export");
        let json = g.to_json().expect("genesis JSON");
        let copy = Chain::from_genesis(&Genesis::from_json(&json).expect("parse"));
        let again = phalanx_app::export_genesis(&copy.state).expect("export of the import");
        assert_eq!(again.to_json().expect("genesis JSON"), json);
        copy.check_invariants();
        g
    }

    /// Asserts every invariant holds.
    pub fn check_invariants(&self) {
        if let Some(v) =
            phalanx_protocol::invariants::check_all(&self.state).expect("invariants readable")
        {
            panic!("invariant violated: {v}");
        }
    }
}

/// Asserts that `r` failed with the given codespace and code.
pub fn assert_code(r: &TxResult, codespace: &str, code: u32) {
    assert_eq!(
        (r.codespace.as_str(), r.code),
        (codespace, code),
        "unexpected error: {}",
        r.log
    );
}
