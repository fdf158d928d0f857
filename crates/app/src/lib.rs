//! Composes the protocol modules into a chain: genesis, transaction execution and block execution.
//!
//! No consensus, no network, no clock: a block is a header (height, time) plus transactions, and
//! executing it is a pure function of the prior state and the block.
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod ante;
mod genesis;
pub mod mempool;
mod router;
pub mod signature_cache;

pub use genesis::{Genesis, export_genesis, init_genesis};
pub use router::{MsgResponse, execute_msg};

use phalanx_protocol::store::{self, module_prefix::APP};
use phalanx_protocol::{BlockInfo, Ctx, operators, restaking};
use phalanx_state::{Overlay, StateRead, StateWrite};
use phalanx_types::error::Result;
use phalanx_types::msgs::Msg;
use phalanx_types::{Address, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

const LAST_HEIGHT: &[u8] = &[APP, 0x01];
const LAST_TIME: &[u8] = &[APP, 0x02];
const AUTHORITY: &[u8] = &[APP, 0x03];
const CHAIN_ID: &[u8] = &[APP, 0x04];
const TX_PARAMS: &[u8] = &[APP, 0x05];

/// A transaction: messages from one sender, executed all or nothing. Signatures, fees and sequence
/// numbers are checked by the node layer before a transaction gets here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tx {
    /// The account every message must be signed by.
    pub sender: Address,
    /// Messages, executed in order.
    pub msgs: Vec<Msg>,
}

/// What consensus decided about a block; the only inputs besides the transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockHeader {
    /// Height; must be the last executed height plus one.
    pub height: u64,
    /// Header time; must not go backwards.
    pub time: Timestamp,
}

/// A block to execute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// The header.
    pub header: BlockHeader,
    /// Transactions, executed in order.
    pub txs: Vec<Tx>,
}

/// The outcome of one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxResult {
    /// Module of the error; empty on success.
    pub codespace: String,
    /// Error code within the codespace; 0 on success (as in Cosmos).
    pub code: u32,
    /// Human-readable error, empty on success.
    pub log: String,
    /// One response per message on success.
    pub responses: Vec<MsgResponse>,
    /// Events emitted (none when the transaction failed).
    pub events: Vec<Event>,
    /// Gas limit the signer set (0 for unsigned transactions).
    pub gas_wanted: u64,
    /// Gas metered before and during execution.
    pub gas_used: u64,
    /// Whether the transaction passed admission (signature, sequence, fee): then it paid its fee
    /// and used its sequence, even if a message failed. One refused at admission changed nothing,
    /// so the same bytes may be included again later and succeed; the block index relies on this
    /// to let that later inclusion replace the record of the refused one. Records written before
    /// this field existed read as admitted, which keeps their first inclusion as before.
    #[serde(default = "admitted_by_default")]
    pub admitted: bool,
}

/// What a [`TxResult`] recorded without [`TxResult::admitted`] reads as.
fn admitted_by_default() -> bool {
    true
}

impl TxResult {
    /// A transaction whose messages failed after it was admitted (or that needs no admission).
    fn failed(e: &Error) -> Self {
        TxResult {
            codespace: e.code().codespace.to_string(),
            code: e.code().code,
            log: e.to_string(),
            responses: Vec::new(),
            events: Vec::new(),
            gas_wanted: 0,
            gas_used: 0,
            admitted: true,
        }
    }

    /// A transaction refused at admission: no fee paid, no sequence used.
    fn not_admitted(e: &Error) -> Self {
        TxResult {
            admitted: false,
            ..Self::failed(e)
        }
    }
}

impl TxResult {
    /// Whether the transaction was applied.
    pub fn is_ok(&self) -> bool {
        self.code == 0
    }
}

/// The outcome of a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockResult {
    /// Events of begin-block work (operator inactivations).
    pub begin_events: Vec<Event>,
    /// One result per transaction.
    pub tx_results: Vec<TxResult>,
    /// Events of end-block work (matured unbondings, validator-set changes at epoch boundaries).
    pub end_events: Vec<Event>,
}

/// The last executed height (genesis sets `initial_height - 1`).
pub fn last_height(state: &dyn StateRead) -> Result<u64> {
    Ok(store::get(state, LAST_HEIGHT)?.unwrap_or(0))
}

/// The header time of the last executed block (genesis time before the first block).
pub fn last_block_time(state: &dyn StateRead) -> Result<Timestamp> {
    Ok(store::get(state, LAST_TIME)?.unwrap_or_default())
}

/// The account allowed to sign params and asset/price messages.
pub fn authority(state: &dyn StateRead) -> Result<Address> {
    store::get(state, AUTHORITY)?
        .ok_or_else(|| Error::State("no authority: genesis was not initialised".into()))
}

/// The chain id set in genesis.
pub fn chain_id(state: &dyn StateRead) -> Result<String> {
    Ok(store::get(state, CHAIN_ID)?.unwrap_or_default())
}

/// Executes one transaction over its own overlay: every message's signer must be the sender, every
/// message must pass its stateless checks, and any failure discards all of the transaction's writes.
pub fn execute_tx(state: &mut dyn StateWrite, block: BlockInfo, tx: &Tx) -> Result<TxResult> {
    let authority = authority(state)?;
    let mut overlay = Overlay::new(state);
    let outcome = {
        let mut ctx = Ctx::new(&mut overlay, block, authority);
        run_msgs(&mut ctx, tx).map(|responses| (responses, ctx.take_events()))
    };
    match outcome {
        Ok((responses, events)) => {
            overlay.commit()?;
            Ok(TxResult {
                codespace: String::new(),
                code: 0,
                log: String::new(),
                responses,
                events,
                gas_wanted: 0,
                gas_used: 0,
                admitted: true,
            })
        }
        // A storage fault is not the transaction's fault: stop the block rather than diverge.
        Err(e @ Error::State(_)) => Err(e),
        Err(e) => Ok(TxResult::failed(&e)),
    }
}

fn run_msgs(ctx: &mut Ctx<'_>, tx: &Tx) -> Result<Vec<MsgResponse>> {
    if tx.msgs.is_empty() {
        return Err(Error::InvalidRequest(
            "a transaction needs at least one message".into(),
        ));
    }
    let mut responses = Vec::with_capacity(tx.msgs.len());
    for (i, msg) in tx.msgs.iter().enumerate() {
        if msg.signer() != tx.sender {
            return Err(Error::Unauthorized(format!(
                "message {i} ({}) must be signed by {}, not the sender {}",
                msg.type_url(),
                msg.signer(),
                tx.sender
            )));
        }
        msg.validate_stateless()?;
        responses.push(execute_msg(ctx, msg)?);
    }
    Ok(responses)
}

/// Executes a signed transaction (Cosmos `TxRaw` bytes): admission checks, then the fee and the
/// sequence bump are committed, then the messages run all or nothing. A transaction that fails
/// admission changes nothing; one whose messages fail still pays its fee and uses its sequence.
pub fn deliver_tx(
    state: &mut dyn StateWrite,
    block: BlockInfo,
    tx_bytes: &[u8],
    block_gas_left: &mut u64,
) -> Result<TxResult> {
    deliver_tx_preverified(
        state,
        block,
        tx_bytes,
        block_gas_left,
        ante::SignatureCheck::default(),
    )
}

/// [`deliver_tx`] with what [`ante::preverify_signatures`] found for these bytes.
fn deliver_tx_preverified(
    state: &mut dyn StateWrite,
    block: BlockInfo,
    tx_bytes: &[u8],
    block_gas_left: &mut u64,
    check: ante::SignatureCheck<'_>,
) -> Result<TxResult> {
    let admitted = ante::authenticate_preverified(state, tx_bytes, block.height, None, check)
        .and_then(|a| {
            if a.tx.gas_limit > *block_gas_left {
                return Err(phalanx_types::error::AuthError::GasLimitTooHigh(
                    a.tx.gas_limit,
                    *block_gas_left,
                )
                .into());
            }
            Ok(a)
        });
    let a = match admitted {
        Ok(a) => a,
        Err(e @ Error::State(_)) => return Err(e),
        Err(e) => return Ok(TxResult::not_admitted(&e)),
    };
    *block_gas_left = block_gas_left.saturating_sub(a.tx.gas_limit);
    {
        let authority = authority(state)?;
        let mut overlay = Overlay::new(state);
        {
            let mut ctx = Ctx::new(&mut overlay, block, authority);
            phalanx_protocol::bank::send(&mut ctx, &a.tx.signer, &fee_collector(), &a.fee)?;
            let mut account = a.account.clone();
            account.sequence = account
                .sequence
                .checked_add(1)
                .ok_or(phalanx_types::MathError::Overflow)?;
            account.pub_key = Some(a.tx.public_key.to_vec());
            phalanx_protocol::auth::save_account(&mut ctx, &account)?;
        }
        overlay.commit()?;
    }
    let tx = Tx {
        sender: a.tx.signer,
        msgs: a.tx.msgs.clone(),
    };
    let mut result = execute_tx(state, block, &tx)?;
    result.gas_wanted = a.tx.gas_limit;
    result.gas_used = a.gas_used;
    Ok(result)
}

/// The account that collects transaction fees.
pub fn fee_collector() -> Address {
    Address::module("fee_collector")
}

/// Checks a header against the last executed block: the next height, and time never going backwards.
fn block_info(state: &dyn StateRead, header: &BlockHeader) -> Result<BlockInfo> {
    let last = last_height(state)?;
    let expected = last
        .checked_add(1)
        .ok_or(phalanx_types::MathError::Overflow)?;
    if header.height != expected {
        return Err(Error::InvalidRequest(format!(
            "block height {} is not the next height {expected}",
            header.height
        )));
    }
    let last_time = last_block_time(state)?;
    if header.time < last_time {
        return Err(Error::InvalidRequest(format!(
            "block time {} is before the previous block time {last_time}",
            header.time
        )));
    }
    Ok(BlockInfo {
        height: header.height,
        time: header.time,
    })
}

/// Runs begin-block work, `run_txs`, and end-block work over one overlay, so an error anywhere (wrong
/// height, time going backwards, storage fault) leaves state as it was.
fn run_block(
    state: &mut dyn StateWrite,
    header: &BlockHeader,
    run_txs: impl FnOnce(&mut dyn StateWrite, BlockInfo) -> Result<Vec<TxResult>>,
) -> Result<BlockResult> {
    let info = block_info(state, header)?;
    let authority = authority(state)?;
    let mut overlay = Overlay::new(state);
    let begin_events = {
        let mut ctx = Ctx::new(&mut overlay, info, authority);
        operators::begin_block(&mut ctx)?;
        phalanx_protocol::rewards::begin_block(&mut ctx)?;
        ctx.take_events()
    };
    let tx_results = run_txs(&mut overlay, info)?;
    let end_events = {
        let mut ctx = Ctx::new(&mut overlay, info, authority);
        // Slashes first, so an unbonding entry due in this block is slashed before it is paid.
        phalanx_protocol::slashing::end_block(&mut ctx)?;
        restaking::end_block(&mut ctx)?;
        // After restaking, so the tokens of forced unbondings due now are back with their owners.
        phalanx_protocol::liquidvesting::end_block(&mut ctx)?;
        // Last, so a set queued by any transaction of a boundary block is applied with it.
        phalanx_protocol::validators::end_block(&mut ctx)?;
        ctx.set(LAST_HEIGHT.to_vec(), &info.height)?;
        ctx.set(LAST_TIME.to_vec(), &info.time)?;
        ctx.take_events()
    };
    overlay.commit()?;
    Ok(BlockResult {
        begin_events,
        tx_results,
        end_events,
    })
}

/// Executes a block of unsigned transactions (tests and tools that work below signatures).
pub fn execute_block(state: &mut dyn StateWrite, block: &Block) -> Result<BlockResult> {
    run_block(state, &block.header, |s, info| {
        block.txs.iter().map(|tx| execute_tx(s, info, tx)).collect()
    })
}

/// Executes a block of signed transactions as consensus delivers it. The sum of admitted gas limits
/// may not pass `max_block_gas`; a transaction over it fails admission and pays nothing. Signatures
/// are verified on every core first ([`ante::preverify_signatures`]); execution stays sequential and
/// its results do not depend on that pass.
pub fn execute_signed_block(
    state: &mut dyn StateWrite,
    header: &BlockHeader,
    txs: &[Vec<u8>],
) -> Result<BlockResult> {
    execute_signed_block_with(state, header, txs, None)
}

/// [`execute_signed_block`], taking the signatures the mempool already verified from `known` instead
/// of verifying them again. The results are the same with any cache contents
/// ([`signature_cache`] says why).
pub fn execute_signed_block_with(
    state: &mut dyn StateWrite,
    header: &BlockHeader,
    txs: &[Vec<u8>],
    known: Option<&signature_cache::SignatureCache>,
) -> Result<BlockResult> {
    let mut gas_left = ante::tx_params(state)?.max_block_gas;
    let verified = ante::preverify_signatures(state, txs, known)?;
    run_block(state, header, |s, info| {
        txs.iter()
            .zip(&verified)
            .map(|(bytes, v)| {
                let check = ante::SignatureCheck {
                    preverified: v.as_ref(),
                    keys: known,
                };
                deliver_tx_preverified(s, info, bytes, &mut gas_left, check)
            })
            .collect()
    })
}
