//! Shared setup of the in-memory benchmark chains ([`crate::rewards`], [`crate::slashing`]): one
//! active service secured by one pool (`uatom`, borrowed by the service) and one operator (10%
//! commission, joined to the service), with delegators alternating between the pool (trusting the
//! service, so they share one tranche) and the operator, one delegation each. Everything is executed
//! as unsigned transactions in large blocks through [`phalanx_app::execute_block`] on a [`MemState`].

use anyhow::{Context, Result, anyhow, bail};
use phalanx_app::{Block, BlockHeader, BlockResult, Genesis, MsgResponse, Tx, execute_block};
use phalanx_protocol::{BlockInfo, pools};
use phalanx_state::MemState;
use phalanx_types::msgs::{
    Asset, Msg, MsgActivateService, MsgBorrowPoolSecurity, MsgCreateService, MsgDelegateOperator,
    MsgDelegatePool, MsgJoinService, MsgRegisterOperator, MsgSetOperatorParams,
    MsgSetUserPreferences, OperatorParams, TrustedServiceEntry, UserPreferences,
};
use phalanx_types::{Address, Coin, Coins, Dec, OperatorId, PoolId, ServiceId, Timestamp};
use std::time::{Duration, Instant};

/// Seconds between blocks.
pub(crate) const BLOCK_SECS: u64 = 5;
/// Nanoseconds in a second.
const NANOS: u64 = 1_000_000_000;
/// Restaked denom.
pub(crate) const STAKE_DENOM: &str = "uatom";
/// Reward denom.
pub(crate) const REWARD_DENOM: &str = "uphx";
/// What each delegator holds of [`STAKE_DENOM`] at genesis.
const DELEGATOR_FUNDS: u128 = 10_000_000;
/// What each delegator delegates.
pub(crate) const DELEGATION: u128 = 1_000_000;
/// What the service admin holds of each denom at genesis.
const ADMIN_FUNDS: u128 = 1_000_000_000_000_000;

/// Delegator `i` of a benchmark chain.
pub(crate) fn delegator(i: usize) -> Address {
    Address::module(&format!("bench-delegator-{i}"))
}

/// The service admin (funded with plenty of both denoms).
pub(crate) fn admin() -> Address {
    Address::module("bench-service-admin")
}

/// The operator admin.
pub(crate) fn operator_admin() -> Address {
    Address::module("bench-operator-admin")
}

/// The genesis authority (may update module params).
pub(crate) fn authority() -> Address {
    Address::module("bench-authority")
}

/// `t` plus `secs` seconds.
pub(crate) fn after(t: Timestamp, secs: u64) -> Result<Timestamp> {
    secs.checked_mul(NANOS)
        .and_then(|d| t.0.checked_add(d))
        .map(Timestamp)
        .ok_or_else(|| anyhow!("time overflow"))
}

fn genesis(delegators: usize) -> Result<Genesis> {
    let mut g = Genesis::new(
        crate::chain::CHAIN_ID,
        crate::chain::genesis_time()?,
        authority(),
    );
    let mut accounts: Vec<Address> = (0..delegators).map(delegator).collect();
    accounts.push(admin());
    accounts.push(operator_admin());
    g.fund(&accounts, &Coins::single(STAKE_DENOM, DELEGATOR_FUNDS)?);
    let rich = Coins::new(vec![
        Coin::new(STAKE_DENOM, ADMIN_FUNDS),
        Coin::new(REWARD_DENOM, ADMIN_FUNDS),
    ])?;
    let admin = admin();
    let entry = g
        .bank
        .balances
        .iter_mut()
        .find(|b| b.address == admin)
        .context("the service admin is funded")?;
    entry.coins = rich;
    let asset = |denom: &str, ticker: &str| Asset {
        denom: denom.into(),
        ticker: ticker.into(),
        exponent: 6,
    };
    g.price_assets(&[
        (asset(STAKE_DENOM, "ATOM"), Dec::ONE),
        (asset(REWARD_DENOM, "PHX"), Dec::ONE),
    ]);
    // Prices posted at genesis stay fresh for the whole run (100k blocks of 5 s is about 6 days).
    g.assets.params.max_price_age = phalanx_types::Duration::from_hours(24 * 365);
    Ok(g)
}

/// Fails unless every transaction of `result` succeeded; returns the first response of the last one.
fn check(height: u64, result: &BlockResult) -> Result<Option<MsgResponse>> {
    for (i, tx) in result.tx_results.iter().enumerate() {
        if !tx.is_ok() {
            bail!(
                "block {height}: transaction {i} failed ({} {}): {}",
                tx.codespace,
                tx.code,
                tx.log
            );
        }
    }
    Ok(result
        .tx_results
        .last()
        .and_then(|t| t.responses.first().cloned()))
}

/// An in-memory chain with one service secured by one pool and one operator, and its delegators.
pub(crate) struct BenchChain {
    /// The chain's state after the last block.
    pub(crate) state: MemState,
    /// Height of the last block.
    pub(crate) height: u64,
    /// Time of the last block.
    pub(crate) time: Timestamp,
    /// The service.
    pub(crate) service: ServiceId,
    /// The operator joined to the service.
    pub(crate) operator: OperatorId,
    /// The pool whose security the service borrows.
    pub(crate) pool: PoolId,
    /// Addresses of the pool delegators (they trust the service).
    pub(crate) pool_delegators: Vec<Address>,
    /// How many delegators delegate to the operator.
    pub(crate) operator_delegators: usize,
}

impl BenchChain {
    /// Executes one block of `txs`, [`BLOCK_SECS`] after the last; fails unless every transaction
    /// succeeds; returns the first response of the last transaction.
    pub(crate) fn block(&mut self, txs: Vec<Tx>) -> Result<Option<MsgResponse>> {
        let header = BlockHeader {
            height: self.height.checked_add(1).context("height overflow")?,
            time: after(self.time, BLOCK_SECS)?,
        };
        let result = execute_block(&mut self.state, &Block { header, txs })?;
        self.height = header.height;
        self.time = header.time;
        check(header.height, &result)
    }

    /// Executes a block of one transaction with one message.
    pub(crate) fn one(&mut self, msg: impl Into<Msg>) -> Result<Option<MsgResponse>> {
        let msg = msg.into();
        self.block(vec![Tx {
            sender: msg.signer(),
            msgs: vec![msg],
        }])
    }

    /// Height and time of the next block.
    pub(crate) fn next_info(&self) -> Result<BlockInfo> {
        Ok(BlockInfo {
            height: self.height.checked_add(1).context("height overflow")?,
            time: after(self.time, BLOCK_SECS)?,
        })
    }

    /// Builds the chain: service, operator, pool, `delegators` delegations in blocks of
    /// `txs_per_block` transactions, plus `bystanders` delegations to a second operator that does not
    /// secure the service. Bystanders make a small figure run on a state as large as the large
    /// figure's, so the two differ only in the delegators behind the measured targets, not in the
    /// size of the store every read walks through.
    pub(crate) fn build(
        delegators: usize,
        bystanders: usize,
        txs_per_block: usize,
    ) -> Result<Self> {
        let total = delegators
            .checked_add(bystanders)
            .context("too many delegators")?;
        let g = genesis(total)?;
        let mut state = MemState::new();
        phalanx_app::init_genesis(&mut state, &g)?;
        let mut chain = Self {
            state,
            height: g.initial_height.checked_sub(1).context("initial height")?,
            time: g.genesis_time,
            service: ServiceId(0),
            operator: OperatorId(0),
            pool: PoolId(0),
            pool_delegators: Vec::new(),
            operator_delegators: 0,
        };
        drop(g);
        let (admin, op_admin) = (admin(), operator_admin());

        chain.service = match chain.one(MsgCreateService {
            sender: admin,
            name: "bench-service".into(),
            description: String::new(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        })? {
            Some(MsgResponse::NewServiceId(id)) => id,
            other => bail!("creating the service: unexpected response {other:?}"),
        };
        chain.one(MsgActivateService {
            sender: admin,
            service_id: chain.service,
        })?;
        chain.operator = match chain.one(MsgRegisterOperator {
            sender: op_admin,
            moniker: "bench-operator".into(),
            website: String::new(),
            picture_url: String::new(),
            fee_amount: Coins::empty(),
        })? {
            Some(MsgResponse::NewOperatorId(id)) => id,
            other => bail!("registering the operator: unexpected response {other:?}"),
        };
        chain.one(MsgSetOperatorParams {
            sender: op_admin,
            operator_id: chain.operator,
            params: OperatorParams {
                commission_rate: "0.1".parse().map_err(|e| anyhow!("{e:?}"))?,
            },
        })?;
        chain.one(MsgJoinService {
            sender: op_admin,
            operator_id: chain.operator,
            service_id: chain.service,
        })?;
        // The admin's own delegation creates the pool, so the service can borrow its security.
        chain.one(MsgDelegatePool {
            delegator: admin,
            amount: Coin::new(STAKE_DENOM, DELEGATION),
        })?;
        chain.pool = pools::pool_by_denom(&chain.state, STAKE_DENOM)?
            .context("the pool exists after a delegation")?
            .id;
        chain.one(MsgBorrowPoolSecurity {
            sender: admin,
            service_id: chain.service,
            pool_id: chain.pool,
        })?;
        chain.delegate(delegators, txs_per_block)?;
        if bystanders > 0 {
            let bystander_op = match chain.one(MsgRegisterOperator {
                sender: op_admin,
                moniker: "bench-bystander-operator".into(),
                website: String::new(),
                picture_url: String::new(),
                fee_amount: Coins::empty(),
            })? {
                Some(MsgResponse::NewOperatorId(id)) => id,
                other => bail!("registering the bystander operator: unexpected response {other:?}"),
            };
            let per_block = txs_per_block.max(1);
            let mut next = delegators;
            while next < total {
                let end = next.saturating_add(per_block).min(total);
                let mut txs = Vec::with_capacity(end.saturating_sub(next));
                for i in next..end {
                    let who = delegator(i);
                    txs.push(Tx {
                        sender: who,
                        msgs: vec![
                            MsgDelegateOperator {
                                delegator: who,
                                operator_id: bystander_op,
                                amount: Coins::single(STAKE_DENOM, DELEGATION)?,
                            }
                            .into(),
                        ],
                    });
                }
                chain.block(txs)?;
                next = end;
            }
        }
        Ok(chain)
    }

    /// Delegator `i` delegates to the pool (trusting the service) when `i` is even, to the operator
    /// when odd.
    fn delegate(&mut self, delegators: usize, txs_per_block: usize) -> Result<()> {
        let per_block = txs_per_block.max(1);
        let mut next = 0usize;
        while next < delegators {
            let end = next.saturating_add(per_block).min(delegators);
            let mut txs = Vec::with_capacity(end.saturating_sub(next));
            for i in next..end {
                let who = delegator(i);
                let msgs: Vec<Msg> = if i.is_multiple_of(2) {
                    self.pool_delegators.push(who);
                    vec![
                        MsgSetUserPreferences {
                            user: who,
                            preferences: UserPreferences {
                                trusted_services: vec![TrustedServiceEntry {
                                    service_id: self.service,
                                    pool_ids: Vec::new(),
                                }],
                            },
                        }
                        .into(),
                        MsgDelegatePool {
                            delegator: who,
                            amount: Coin::new(STAKE_DENOM, DELEGATION),
                        }
                        .into(),
                    ]
                } else {
                    self.operator_delegators = self.operator_delegators.saturating_add(1);
                    vec![
                        MsgDelegateOperator {
                            delegator: who,
                            operator_id: self.operator,
                            amount: Coins::single(STAKE_DENOM, DELEGATION)?,
                        }
                        .into(),
                    ]
                };
                txs.push(Tx { sender: who, msgs });
            }
            self.block(txs)?;
            next = end;
        }
        Ok(())
    }
}

/// Runs `f` and returns its outcome with its wall time.
pub(crate) fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, Duration)> {
    let started = Instant::now();
    let out = f()?;
    Ok((out, started.elapsed()))
}

/// The median of `samples`, in microseconds.
pub(crate) fn median_us(mut samples: Vec<Duration>) -> Result<f64> {
    samples.sort();
    let mid = samples
        .get(samples.len() / 2)
        .context("no timing samples")?;
    Ok(mid.as_secs_f64() * 1e6)
}
