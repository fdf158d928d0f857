//! Operators: who runs infrastructure and opts in to services. Lifecycle ACTIVE → INACTIVATING (for
//! `deactivation_time`, still slashable) → INACTIVE → reactivated or deleted.

mod state_key;

use crate::context::Ctx;
use crate::store::{self, PageRequest, PageResponse};
use crate::{bank, restaking};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{OperatorsError, Result};
use phalanx_types::msgs::{
    MsgDeactivateOperator, MsgDeleteOperator, MsgReactivateOperator, MsgRegisterOperator,
    MsgSetOperatorParams, MsgTransferOperatorOwnership, MsgUpdateOperator,
    MsgUpdateOperatorsParams, OperatorParams, OperatorsParams,
};
use phalanx_types::{Address, Coins, DecCoins, Error, Event, OperatorId, Timestamp};
use serde::{Deserialize, Serialize};

/// Where an operator is in its lifecycle.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[borsh(use_discriminant = true)]
pub enum OperatorStatus {
    /// Accepts delegations, earns rewards.
    Active = 1,
    /// Leaving: no new delegations, still slashable until the inactivation completes.
    Inactivating = 2,
    /// Left; can be reactivated or deleted.
    Inactive = 3,
}

/// An operator and the stake delegated to it (held in its custody account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Operator {
    /// Operator id.
    pub id: OperatorId,
    /// Lifecycle status.
    pub status: OperatorStatus,
    /// Who may manage it.
    pub admin: Address,
    /// Display name.
    pub moniker: String,
    /// Website.
    pub website: String,
    /// Picture URL.
    pub picture_url: String,
    /// Custody account (`operator-{id}`).
    pub address: Address,
    /// Tokens delegated and not unbonding.
    pub tokens: Coins,
    /// Shares issued, keyed by token denom.
    pub delegator_shares: DecCoins,
}

/// The custody account of an operator, derivable from its id alone.
pub fn custody_address(id: OperatorId) -> Address {
    Address::module(&format!("operator-{id}"))
}

/// The id the next operator will get; every id below it (from 1) has been issued, so this bounds the
/// custody accounts that can exist.
pub fn next_operator_id(state: &dyn StateRead) -> Result<OperatorId> {
    Ok(OperatorId(store::peek_id(state, &state_key::next_id())?))
}

/// Module params.
pub fn params(state: &dyn StateRead) -> Result<OperatorsParams> {
    Ok(store::get(state, &state_key::params())?.unwrap_or_default())
}

/// The operator with this id.
pub fn operator(state: &dyn StateRead, id: OperatorId) -> Result<Option<Operator>> {
    store::get(state, &state_key::operator(id))
}

/// The operator with this id, or a not-found error.
pub fn must_operator(state: &dyn StateRead, id: OperatorId) -> Result<Operator> {
    operator(state, id)?.ok_or_else(|| OperatorsError::OperatorNotFound(id.0).into())
}

/// One page of operators in id order.
pub fn operators(
    state: &dyn StateRead,
    page: &PageRequest,
) -> Result<(Vec<Operator>, PageResponse)> {
    let (rows, next) = store::paginate::<Operator>(state, &state_key::operators_prefix(), page)?;
    Ok((rows.into_iter().map(|(_, o)| o).collect(), next))
}

/// Every operator, in id order.
pub fn all_operators(state: &dyn StateRead) -> Result<Vec<Operator>> {
    store::values(state, &state_key::operators_prefix())
}

/// An operator's own params (defaults when never set); not-found if the operator does not exist.
pub fn operator_params(state: &dyn StateRead, id: OperatorId) -> Result<OperatorParams> {
    must_operator(state, id)?;
    Ok(store::get(state, &state_key::operator_params(id))?.unwrap_or_default())
}

/// Stores an operator (after its tokens or shares changed).
pub fn save_operator(ctx: &mut Ctx<'_>, op: &Operator) -> Result<()> {
    ctx.set(state_key::operator(op.id), op)
}

/// Loads an operator and checks that `sender` is its admin.
fn admin_operator(ctx: &Ctx<'_>, id: OperatorId, sender: Address) -> Result<Operator> {
    let op = must_operator(ctx.state(), id)?;
    if op.admin != sender {
        return Err(Error::Unauthorized(format!(
            "{sender} is not the admin of operator {id}"
        )));
    }
    Ok(op)
}

/// Charges a registration fee: when the param is non-empty, the offer must cover one of its coins and the
/// whole offer goes to the community pool. Shared by operators and services.
pub(crate) fn charge_registration_fee(
    ctx: &mut Ctx<'_>,
    payer: &Address,
    offered: &Coins,
    required: &Coins,
) -> Result<bool> {
    if required.is_empty() {
        return Ok(true);
    }
    if !offered.is_any_gte(required) {
        return Ok(false);
    }
    // The transfer rules of a plain send apply: locked tokens cannot pay a fee.
    crate::liquidvesting::check_send(ctx.state(), payer, &bank::community_pool(), offered)?;
    bank::send(ctx, payer, &bank::community_pool(), offered)?;
    Ok(true)
}

/// Executes `MsgRegisterOperator`.
pub fn handle_register(ctx: &mut Ctx<'_>, msg: &MsgRegisterOperator) -> Result<OperatorId> {
    let p = params(ctx.state())?;
    if !charge_registration_fee(
        ctx,
        &msg.sender,
        &msg.fee_amount,
        &p.operator_registration_fee,
    )? {
        return Err(OperatorsError::InsufficientFee(
            msg.fee_amount.to_string(),
            p.operator_registration_fee.to_string(),
        )
        .into());
    }
    let id = OperatorId(store::allocate_id(ctx, state_key::next_id())?);
    let op = Operator {
        id,
        status: OperatorStatus::Active,
        admin: msg.sender,
        moniker: msg.moniker.clone(),
        website: msg.website.clone(),
        picture_url: msg.picture_url.clone(),
        address: custody_address(id),
        tokens: Coins::empty(),
        delegator_shares: DecCoins::empty(),
    };
    save_operator(ctx, &op)?;
    ctx.emit(
        Event::new("register_operator")
            .attr("operator_id", id)
            .attr("sender", msg.sender),
    );
    Ok(id)
}

/// Executes `MsgUpdateOperator`. Only descriptive fields change; stake accounting is never touched (Q1).
pub fn handle_update(ctx: &mut Ctx<'_>, msg: &MsgUpdateOperator) -> Result<()> {
    let mut op = admin_operator(ctx, msg.operator_id, msg.sender)?;
    if let Some(v) = &msg.moniker {
        op.moniker.clone_from(v);
    }
    if let Some(v) = &msg.website {
        op.website.clone_from(v);
    }
    if let Some(v) = &msg.picture_url {
        op.picture_url.clone_from(v);
    }
    save_operator(ctx, &op)?;
    ctx.emit(
        Event::new("update_operator")
            .attr("operator_id", op.id)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Executes `MsgDeactivateOperator`: INACTIVATING now, INACTIVE after `deactivation_time`.
pub fn handle_deactivate(ctx: &mut Ctx<'_>, msg: &MsgDeactivateOperator) -> Result<()> {
    let mut op = admin_operator(ctx, msg.operator_id, msg.sender)?;
    if op.status != OperatorStatus::Active {
        return Err(OperatorsError::OperatorNotActive(op.id.0).into());
    }
    let done = ctx
        .block
        .time
        .checked_add(params(ctx.state())?.deactivation_time)?;
    op.status = OperatorStatus::Inactivating;
    save_operator(ctx, &op)?;
    ctx.set(state_key::queue_entry(done, op.id), &())?;
    ctx.emit(
        Event::new("start_operator_inactivation")
            .attr("operator_id", op.id)
            .attr("sender", msg.sender)
            .attr("completion_time", done),
    );
    Ok(())
}

/// Executes `MsgReactivateOperator`.
pub fn handle_reactivate(ctx: &mut Ctx<'_>, msg: &MsgReactivateOperator) -> Result<()> {
    let mut op = admin_operator(ctx, msg.operator_id, msg.sender)?;
    if op.status != OperatorStatus::Inactive {
        return Err(OperatorsError::OperatorNotInactive(op.id.0).into());
    }
    op.status = OperatorStatus::Active;
    save_operator(ctx, &op)?;
    ctx.emit(
        Event::new("reactivate_operator")
            .attr("operator_id", op.id)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Executes `MsgDeleteOperator`. Deletion is refused while any delegation or unbonding still points at
/// the operator, so no restaker's funds can be stranded behind a deleted target (Q3).
pub fn handle_delete(ctx: &mut Ctx<'_>, msg: &MsgDeleteOperator) -> Result<()> {
    let op = admin_operator(ctx, msg.operator_id, msg.sender)?;
    if op.status != OperatorStatus::Inactive {
        return Err(OperatorsError::OperatorNotInactive(op.id.0).into());
    }
    let target = restaking::TargetRef::operator(op.id);
    if !op.delegator_shares.is_empty() || restaking::has_unbondings(ctx.state(), target)? {
        return Err(OperatorsError::OperatorHasStake(op.id.0).into());
    }
    restaking::before_operator_deleted(ctx, op.id)?;
    crate::rewards::remove_target(ctx, target)?;
    ctx.delete(&state_key::operator(op.id))?;
    ctx.delete(&state_key::operator_params(op.id))?;
    ctx.emit(
        Event::new("delete_operator")
            .attr("operator_id", op.id)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Stores an operator's params now (commission changes reach it through the governance delay).
pub(crate) fn store_operator_params(
    ctx: &mut Ctx<'_>,
    id: OperatorId,
    params: &OperatorParams,
) -> Result<()> {
    ctx.set(state_key::operator_params(id), params)
}

/// Executes `MsgSetOperatorParams`.
pub fn handle_set_params(ctx: &mut Ctx<'_>, msg: &MsgSetOperatorParams) -> Result<()> {
    let op = admin_operator(ctx, msg.operator_id, msg.sender)?;
    msg.params.validate()?;
    // Commission governance: delayed and bounded once the operator holds stake (docs/slashing.md §8).
    crate::slashing::schedule_commission(ctx, &op, &msg.params)?;
    ctx.emit(
        Event::new("set_operator_params")
            .attr("operator_id", op.id)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Executes `MsgTransferOperatorOwnership`.
pub fn handle_transfer_ownership(
    ctx: &mut Ctx<'_>,
    msg: &MsgTransferOperatorOwnership,
) -> Result<()> {
    let mut op = admin_operator(ctx, msg.operator_id, msg.sender)?;
    // The admin is paid (plan refunds, slashed tokens, commission), so it must be able to receive.
    crate::bank::check_recipient(&msg.new_admin)?;
    op.admin = msg.new_admin;
    save_operator(ctx, &op)?;
    ctx.emit(
        Event::new("transfer_operator_ownership")
            .attr("operator_id", op.id)
            .attr("new_admin", msg.new_admin)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Executes `MsgUpdateOperatorsParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateOperatorsParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    msg.params.validate()?;
    ctx.set(state_key::params(), &msg.params)?;
    ctx.emit(Event::new("update_params").attr("module", "operators"));
    Ok(())
}

/// Begin block: operators whose inactivation time has come become INACTIVE. Their params (commission)
/// are kept, so a reactivated operator charges what it charged before (Q15).
pub fn begin_block(ctx: &mut Ctx<'_>) -> Result<()> {
    let due = ctx.state().range(
        &state_key::queue_prefix(),
        Some(&state_key::queue_end(ctx.block.time)),
        None,
    )?;
    for (key, _) in due {
        ctx.delete(&key)?;
        let id_bytes = key
            .get(key.len().saturating_sub(4)..)
            .ok_or_else(|| Error::State("malformed inactivation queue key".into()))?;
        let id = OperatorId(store::be_u32(id_bytes)?);
        let Some(mut op) = operator(ctx.state(), id)? else {
            continue;
        };
        if op.status != OperatorStatus::Inactivating {
            continue;
        }
        op.status = OperatorStatus::Inactive;
        save_operator(ctx, &op)?;
        ctx.emit(Event::new("complete_operator_inactivation").attr("operator_id", id));
    }
    Ok(())
}

/// An operator whose inactivation is pending, in genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InactivatingOperator {
    /// The operator.
    pub operator_id: OperatorId,
    /// When it becomes INACTIVE.
    pub completion_time: Timestamp,
}

/// An operator's params, in genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorParamsRecord {
    /// The operator.
    pub operator_id: OperatorId,
    /// Its params.
    pub params: OperatorParams,
}

/// Operators genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorsGenesis {
    /// Module params.
    pub params: OperatorsParams,
    /// Id the next operator gets.
    pub next_operator_id: OperatorId,
    /// Operators, sorted by id.
    pub operators: Vec<Operator>,
    /// Pending inactivations, sorted by (time, id).
    pub inactivating_operators: Vec<InactivatingOperator>,
    /// Operator params, sorted by id.
    pub operators_params: Vec<OperatorParamsRecord>,
}

impl Default for OperatorsGenesis {
    fn default() -> Self {
        Self {
            params: OperatorsParams::default(),
            next_operator_id: OperatorId(1),
            operators: Vec::new(),
            inactivating_operators: Vec::new(),
            operators_params: Vec::new(),
        }
    }
}

/// Validates and writes operators genesis.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &OperatorsGenesis) -> Result<()> {
    use crate::genesis_util::require_sorted_unique;
    let bad = |m: String| Error::InvalidGenesis(m);
    g.params.validate()?;
    if g.next_operator_id.is_zero() {
        return Err(bad("next_operator_id must not be zero".into()));
    }
    require_sorted_unique(&g.operators, |o| o.id, "operators")?;
    require_sorted_unique(
        &g.inactivating_operators,
        |u| (u.completion_time, u.operator_id),
        "inactivating_operators",
    )?;
    require_sorted_unique(&g.operators_params, |r| r.operator_id, "operators_params")?;
    for op in &g.operators {
        if op.id.is_zero() || op.id >= g.next_operator_id {
            return Err(bad(format!(
                "operator id {} must be between 1 and next_operator_id - 1",
                op.id
            )));
        }
        if op.address != custody_address(op.id) {
            return Err(bad(format!(
                "operator {} address must be its derived custody account",
                op.id
            )));
        }
        if op.moniker.trim().is_empty() {
            return Err(bad(format!("operator {} has a blank moniker", op.id)));
        }
        crate::bank::check_recipient(&op.admin)?;
        save_operator(ctx, op)?;
    }
    // Exactly one queue entry per INACTIVATING operator: a missing one would leave it stuck, a second
    // one would end a later inactivation early.
    let mut queued = std::collections::BTreeSet::new();
    for u in &g.inactivating_operators {
        let op = must_operator(ctx.state(), u.operator_id)?;
        if op.status != OperatorStatus::Inactivating {
            return Err(bad(format!(
                "operator {} is queued for inactivation but not INACTIVATING",
                op.id
            )));
        }
        if !queued.insert(op.id) {
            return Err(bad(format!(
                "operator {} is queued for inactivation twice",
                op.id
            )));
        }
        ctx.set(
            state_key::queue_entry(u.completion_time, u.operator_id),
            &(),
        )?;
    }
    if let Some(op) = g
        .operators
        .iter()
        .find(|o| o.status == OperatorStatus::Inactivating && !queued.contains(&o.id))
    {
        return Err(bad(format!(
            "operator {} is INACTIVATING but has no inactivation queue entry",
            op.id
        )));
    }
    for r in &g.operators_params {
        must_operator(ctx.state(), r.operator_id)?;
        r.params.validate()?;
        ctx.set(state_key::operator_params(r.operator_id), &r.params)?;
    }
    ctx.set(state_key::params(), &g.params)?;
    ctx.set(state_key::next_id(), &g.next_operator_id.0)
}

/// Reads operators genesis back out (without touching the id sequence, Q19).
pub fn export_genesis(state: &dyn StateRead) -> Result<OperatorsGenesis> {
    let queue_prefix = state_key::queue_prefix();
    let inactivating_operators = state
        .prefix(&queue_prefix)?
        .into_iter()
        .map(|(k, _)| {
            let rest = k.get(queue_prefix.len()..).unwrap_or_default();
            let (time, id) = rest
                .split_at_checked(8)
                .ok_or_else(|| Error::State("malformed inactivation queue key".into()))?;
            let time: [u8; 8] = time
                .try_into()
                .map_err(|_| Error::State("malformed inactivation queue key".into()))?;
            Ok(InactivatingOperator {
                operator_id: OperatorId(store::be_u32(id)?),
                completion_time: Timestamp(u64::from_be_bytes(time)),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let params_prefix = state_key::operator_params_prefix();
    let operators_params = state
        .prefix(&params_prefix)?
        .into_iter()
        .map(|(k, v)| {
            Ok(OperatorParamsRecord {
                operator_id: OperatorId(store::be_u32(
                    k.get(params_prefix.len()..).unwrap_or_default(),
                )?),
                params: store::decode(&v)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(OperatorsGenesis {
        params: params(state)?,
        next_operator_id: OperatorId(store::peek_id(state, &state_key::next_id())?),
        operators: all_operators(state)?,
        inactivating_operators,
        operators_params,
    })
}
