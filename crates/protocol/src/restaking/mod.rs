//! Restaking: delegation to pools, operators and services through one shared code path; the unbonding
//! queue; operator/service relations (joins, allow-lists, securing pools); user trust preferences;
//! allowed denoms and the USD restaking cap.

mod delegation;
mod genesis;
mod queries;
mod relations;
mod state_key;
pub mod target;
pub mod tranche;
mod unbonding;

pub(crate) use delegation::{
    Unbond, adjust_total_restaked, all_rewards_starts, rewards_start, set_rewards_start,
    slash_delegation, undelegate,
};
pub use delegation::{
    check_delegation_indexes, delegation, handle_delegate_operator, handle_delegate_pool,
    handle_delegate_service, handle_undelegate_operator, handle_undelegate_pool,
    handle_undelegate_service, locked_holders,
};
pub use genesis::{
    PoolIdsRecord, PoolTranchesRecord, RestakingGenesis, ServiceIdsRecord, UserPreferencesRecord,
    export_genesis, init_genesis,
};
pub use queries::*;
pub use relations::{
    PendingPreferences, before_operator_deleted, before_service_deleted,
    can_operator_validate_service, check_pending_preferences, handle_add_operator_to_allow_list,
    handle_borrow_pool_security, handle_cease_pool_security_borrow, handle_join_service,
    handle_leave_service, handle_remove_operator_from_allow_list, handle_set_user_preferences,
    pending_preferences, user_preferences,
};
pub use target::{Target, TargetObject, TargetRef};
pub(crate) use unbonding::save_record as save_unbonding_record;
pub use unbonding::{has_unbondings, unbondings_of_target};

use crate::context::Ctx;
use crate::store;
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::Result;
use phalanx_types::msgs::{DelegationKind, MsgUpdateRestakingParams, RestakingParams};
use phalanx_types::{Address, Coins, DecCoins, Event, Timestamp, UnbondingId};
use serde::{Deserialize, Serialize};

/// A delegator's shares in one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Delegation {
    /// Kind of target.
    pub kind: DelegationKind,
    /// The delegator.
    pub delegator: Address,
    /// Target id within its kind.
    pub target_id: u32,
    /// Shares held, by token denom.
    pub shares: DecCoins,
}

impl Delegation {
    /// The target this delegation points at.
    pub fn target(&self) -> TargetRef {
        TargetRef {
            kind: self.kind,
            id: self.target_id,
        }
    }
}

/// What the state holds under a delegation's key: the delegation and where its F1 reward accounting
/// starts. They change together (every share change withdraws rewards and restarts the accounting),
/// so one key serves both and a delegation or undelegation writes one tree leaf, not two.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub(crate) struct DelegationEntry {
    /// The delegation.
    pub(crate) delegation: Delegation,
    /// Its reward accounting start; `None` only between a withdrawal and the restart that follows.
    pub(crate) rewards_start: Option<crate::rewards::StartingInfo>,
}

/// One pending payout of an undelegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct UnbondingEntry {
    /// Height at which the undelegation happened.
    pub creation_height: u64,
    /// When the tokens are paid out.
    pub completion_time: Timestamp,
    /// Tokens when the entry was created.
    pub initial_balance: Coins,
    /// Tokens to be paid out (lower than initial only after a slash).
    pub balance: Coins,
    /// Stable id of the entry.
    pub unbonding_id: UnbondingId,
    /// For a pool: the services its owner trusted with the pool when it started unbonding (the only
    /// services whose slashes reach it, docs/slashing.md §2). Empty for operators and services.
    #[serde(default)]
    pub trusted_services: Vec<phalanx_types::ServiceId>,
    /// Block time of the undelegation: the entry is slashable only for infractions at or before it.
    #[serde(default)]
    pub creation_time: Timestamp,
}

/// All pending unbondings of one delegator from one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct UnbondingDelegation {
    /// Kind of target.
    pub kind: DelegationKind,
    /// The delegator.
    pub delegator: Address,
    /// Target id within its kind.
    pub target_id: u32,
    /// Entries in creation order.
    pub entries: Vec<UnbondingEntry>,
}

impl UnbondingDelegation {
    /// The target the entries unbond from.
    pub fn target(&self) -> TargetRef {
        TargetRef {
            kind: self.kind,
            id: self.target_id,
        }
    }
}

/// End-block work: unbonding entries whose time has come are paid, and pending preferences whose time
/// has come take effect.
pub fn end_block(ctx: &mut Ctx<'_>) -> Result<()> {
    unbonding::end_block(ctx)?;
    relations::apply_due_preferences(ctx)
}

/// Current params.
pub fn params(state: &dyn StateRead) -> Result<RestakingParams> {
    Ok(store::get(state, &state_key::single(state_key::PARAMS))?.unwrap_or_default())
}

/// Executes `MsgUpdateRestakingParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateRestakingParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    msg.params.validate()?;
    // A slash executes at the end of its veto window and must still find the stake that left after
    // the infraction, which stays slashable for one unbonding time.
    if let Some((window, svc)) = crate::slashing::longest_veto_window(ctx.state())?
        && msg.params.unbonding_time <= window
    {
        return Err(phalanx_types::error::RestakingError::InvalidParams(format!(
            "unbonding_time {} must be longer than the slashing veto window {window} of service \
             {svc}: stake that left after an infraction must still be slashable when the slash \
             executes",
            msg.params.unbonding_time
        ))
        .into());
    }
    ctx.set(state_key::single(state_key::PARAMS), &msg.params)?;
    ctx.emit(Event::new("update_params").attr("module", "restaking"));
    Ok(())
}
