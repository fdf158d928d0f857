//! Chain genesis as JSON: validate, initialise, export. Export is deterministic and in the exact order
//! import requires, so export → import → export is byte-identical.

use crate::ante::TxParams;
use crate::{
    AUTHORITY, CHAIN_ID, LAST_HEIGHT, LAST_TIME, TX_PARAMS, authority, chain_id, last_block_time,
    last_height,
};
use phalanx_protocol::assets::{AssetsGenesis, Price};
use phalanx_protocol::auth::AuthGenesis;
use phalanx_protocol::bank::{Balance, BankGenesis};
use phalanx_protocol::liquidvesting::LiquidVestingGenesis;
use phalanx_protocol::operators::OperatorsGenesis;
use phalanx_protocol::pools::PoolsGenesis;
use phalanx_protocol::restaking::RestakingGenesis;
use phalanx_protocol::rewards::RewardsGenesis;
use phalanx_protocol::services::ServicesGenesis;
use phalanx_protocol::tokenfactory::TokenFactoryGenesis;
use phalanx_protocol::{
    BlockInfo, Ctx, assets, auth, bank, invariants, operators, pools, restaking, rewards, services,
    tokenfactory,
};
use phalanx_state::{Overlay, StateRead, StateWrite};
use phalanx_types::error::Result;
use phalanx_types::msgs::Asset;
use phalanx_types::{Address, Coins, Dec, Error, MathError, Timestamp};
use serde::{Deserialize, Serialize};

/// The whole genesis document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// Chain id; transactions will be signed for it.
    pub chain_id: String,
    /// Time of the chain's start (of the last block, for an exported genesis).
    pub genesis_time: Timestamp,
    /// Height of the first block to execute.
    pub initial_height: u64,
    /// The account that signs params updates and asset/price messages.
    pub authority: Address,
    /// Fees, gas and size limits of signed transactions.
    pub tx_params: TxParams,
    /// Accounts (numbers, sequences, keys).
    pub auth: AuthGenesis,
    /// Balances.
    pub bank: BankGenesis,
    /// Asset registry and prices.
    pub assets: AssetsGenesis,
    /// Pools.
    pub pools: PoolsGenesis,
    /// Operators.
    pub operators: OperatorsGenesis,
    /// Services.
    pub services: ServicesGenesis,
    /// Delegations, unbondings, relations and preferences.
    pub restaking: RestakingGenesis,
    /// Reward plans and reward accounting.
    #[serde(default)]
    pub rewards: RewardsGenesis,
    /// Slashing rules, slashes, departures and pending commission changes.
    #[serde(default)]
    pub slashing: phalanx_protocol::slashing::SlashingGenesis,
    /// Token factory denoms and params.
    #[serde(default)]
    pub tokenfactory: TokenFactoryGenesis,
    /// Liquid vesting: params, insurance funds and pending burns.
    #[serde(default)]
    pub liquidvesting: LiquidVestingGenesis,
    /// Validators: the consensus validator set (roster, queued set, jails), its epoch length, and the
    /// rule applied to consensus equivocation with its records.
    #[serde(default)]
    pub validators: phalanx_protocol::validators::ValidatorsGenesis,
}

impl Genesis {
    /// An empty genesis with default params, for tests and tools that fill it in.
    pub fn new(chain_id: impl Into<String>, genesis_time: Timestamp, authority: Address) -> Self {
        Self {
            chain_id: chain_id.into(),
            genesis_time,
            initial_height: 1,
            authority,
            tx_params: TxParams::default(),
            auth: AuthGenesis::default(),
            bank: BankGenesis::default(),
            assets: AssetsGenesis::default(),
            pools: PoolsGenesis::default(),
            operators: OperatorsGenesis::default(),
            services: ServicesGenesis::default(),
            restaking: RestakingGenesis::default(),
            rewards: RewardsGenesis::default(),
            slashing: Default::default(),
            tokenfactory: TokenFactoryGenesis::default(),
            liquidvesting: LiquidVestingGenesis::default(),
            validators: phalanx_protocol::validators::ValidatorsGenesis::default(),
        }
    }

    /// Funds each of `accounts` with `funds` (accounts may come in any order; genesis keeps them sorted).
    pub fn fund(&mut self, accounts: &[Address], funds: &Coins) -> &mut Self {
        let mut balances: Vec<Balance> = accounts
            .iter()
            .map(|a| Balance {
                address: *a,
                coins: funds.clone(),
            })
            .collect();
        balances.sort_by_key(|b| b.address);
        balances.dedup_by_key(|b| b.address);
        self.bank.balances = balances;
        self
    }

    /// Registers assets with a USD price each, observed at genesis time (entries sorted as genesis
    /// requires; one price per ticker, the last given wins).
    pub fn price_assets(&mut self, assets: &[(Asset, Dec)]) -> &mut Self {
        let mut list: Vec<Asset> = assets.iter().map(|(a, _)| a.clone()).collect();
        list.sort_by(|a, b| a.denom.cmp(&b.denom));
        let mut prices: Vec<Price> = assets
            .iter()
            .map(|(a, p)| Price {
                ticker: a.ticker.clone(),
                price: *p,
                time: self.genesis_time,
            })
            .collect();
        prices.sort_by(|a, b| a.ticker.cmp(&b.ticker));
        prices.dedup_by(|later, earlier| later.ticker == earlier.ticker);
        self.assets.assets = list;
        self.assets.prices = prices;
        self
    }

    /// Parses genesis JSON, rejecting unknown fields and non-canonical amounts.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| Error::InvalidGenesis(e.to_string()))
    }

    /// Canonical pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::InvalidGenesis(e.to_string()))
    }
}

/// Validates `genesis` and writes it into `state`, which must be empty. On any error nothing is written.
pub fn init_genesis(state: &mut dyn StateWrite, genesis: &Genesis) -> Result<()> {
    if !state.range(&[], None, Some(1))?.is_empty() {
        return Err(Error::InvalidGenesis("state is not empty".into()));
    }
    let id = &genesis.chain_id;
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return Err(Error::InvalidGenesis(format!(
            "chain_id {id:?} must be 1 to 64 letters, digits, '-', '_' or '.'"
        )));
    }
    if genesis.initial_height == 0 {
        return Err(Error::InvalidGenesis(
            "initial_height must be at least 1".into(),
        ));
    }
    let mut overlay = Overlay::new(state);
    {
        let block = BlockInfo {
            height: genesis
                .initial_height
                .checked_sub(1)
                .ok_or(MathError::Negative)?,
            time: genesis.genesis_time,
        };
        let mut ctx = Ctx::new(&mut overlay, block, genesis.authority);
        auth::init_genesis(&mut ctx, &genesis.auth)?;
        bank::init_genesis(&mut ctx, &genesis.bank)?;
        assets::init_genesis(&mut ctx, &genesis.assets)?;
        pools::init_genesis(&mut ctx, &genesis.pools)?;
        operators::init_genesis(&mut ctx, &genesis.operators)?;
        services::init_genesis(&mut ctx, &genesis.services)?;
        restaking::init_genesis(&mut ctx, &genesis.restaking)?;
        rewards::init_genesis(&mut ctx, &genesis.rewards)?;
        phalanx_protocol::slashing::init_genesis(&mut ctx, &genesis.slashing)?;
        tokenfactory::init_genesis(&mut ctx, &genesis.tokenfactory)?;
        phalanx_protocol::liquidvesting::init_genesis(&mut ctx, &genesis.liquidvesting)?;
        phalanx_protocol::validators::init_genesis(&mut ctx, &genesis.validators)?;
        if let Some(why) = invariants::rewards_are_backed(ctx.state())? {
            return Err(Error::InvalidGenesis(why));
        }
        ctx.set(CHAIN_ID.to_vec(), &genesis.chain_id)?;
        ctx.set(AUTHORITY.to_vec(), &genesis.authority)?;
        genesis.tx_params.validate()?;
        ctx.set(TX_PARAMS.to_vec(), &genesis.tx_params)?;
        ctx.set(LAST_HEIGHT.to_vec(), &block.height)?;
        ctx.set(LAST_TIME.to_vec(), &block.time)?;
    }
    overlay.commit()?;
    Ok(())
}

/// Reads the whole state back as a genesis that starts right after the last executed block.
pub fn export_genesis(state: &dyn StateRead) -> Result<Genesis> {
    Ok(Genesis {
        chain_id: chain_id(state)?,
        genesis_time: last_block_time(state)?,
        initial_height: last_height(state)?
            .checked_add(1)
            .ok_or(MathError::Overflow)?,
        authority: authority(state)?,
        tx_params: crate::ante::tx_params(state)?,
        auth: auth::export_genesis(state)?,
        bank: bank::export_genesis(state)?,
        assets: assets::export_genesis(state)?,
        pools: pools::export_genesis(state)?,
        operators: operators::export_genesis(state)?,
        services: services::export_genesis(state)?,
        restaking: restaking::export_genesis(state)?,
        rewards: rewards::export_genesis(state)?,
        slashing: phalanx_protocol::slashing::export_genesis(state)?,
        tokenfactory: tokenfactory::export_genesis(state)?,
        liquidvesting: phalanx_protocol::liquidvesting::export_genesis(state)?,
        validators: phalanx_protocol::validators::export_genesis(state)?,
    })
}
