//! Routes each message to the module that owns it.

use phalanx_protocol::{
    Ctx, assets, bank, liquidvesting, operators, restaking, rewards, services, slashing,
    tokenfactory, validators,
};
use phalanx_types::error::Result;
use phalanx_types::msgs::Msg;
use phalanx_types::{Coins, DecCoins, OperatorId, ServiceId, Timestamp};
use serde::{Deserialize, Serialize};

/// What a message returns besides its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MsgResponse {
    /// Nothing to report.
    Empty,
    /// Id of the operator just registered.
    NewOperatorId(OperatorId),
    /// Id of the service just created.
    NewServiceId(ServiceId),
    /// Shares issued by a delegation.
    NewShares(DecCoins),
    /// When an undelegation pays out.
    CompletionTime(Timestamp),
    /// Id of the rewards plan just created.
    NewRewardsPlanId(u64),
    /// Coins a withdrawal paid.
    Amount(Coins),
    /// Id of the slash just submitted.
    NewSlashId(u64),
    /// Full name of the token factory denom just created.
    NewDenom(String),
}

/// Executes one message (its signer and stateless checks were verified by the caller).
pub fn execute_msg(ctx: &mut Ctx<'_>, msg: &Msg) -> Result<MsgResponse> {
    use MsgResponse::Empty;
    Ok(match msg {
        Msg::MsgSend(m) => bank::handle_send(ctx, m).map(|()| Empty)?,
        Msg::MsgRegisterAsset(m) => assets::handle_register_asset(ctx, m).map(|()| Empty)?,
        Msg::MsgDeregisterAsset(m) => assets::handle_deregister_asset(ctx, m).map(|()| Empty)?,
        Msg::MsgPostPrice(m) => assets::handle_post_price(ctx, m).map(|()| Empty)?,
        Msg::MsgUpdateAssetsParams(m) => assets::handle_update_params(ctx, m).map(|()| Empty)?,
        Msg::MsgRegisterOperator(m) => {
            MsgResponse::NewOperatorId(operators::handle_register(ctx, m)?)
        }
        Msg::MsgUpdateOperator(m) => operators::handle_update(ctx, m).map(|()| Empty)?,
        Msg::MsgDeactivateOperator(m) => operators::handle_deactivate(ctx, m).map(|()| Empty)?,
        Msg::MsgReactivateOperator(m) => operators::handle_reactivate(ctx, m).map(|()| Empty)?,
        Msg::MsgDeleteOperator(m) => operators::handle_delete(ctx, m).map(|()| Empty)?,
        Msg::MsgSetOperatorParams(m) => operators::handle_set_params(ctx, m).map(|()| Empty)?,
        Msg::MsgTransferOperatorOwnership(m) => {
            operators::handle_transfer_ownership(ctx, m).map(|()| Empty)?
        }
        Msg::MsgUpdateOperatorsParams(m) => {
            operators::handle_update_params(ctx, m).map(|()| Empty)?
        }
        Msg::MsgCreateService(m) => MsgResponse::NewServiceId(services::handle_create(ctx, m)?),
        Msg::MsgUpdateService(m) => services::handle_update(ctx, m).map(|()| Empty)?,
        Msg::MsgActivateService(m) => services::handle_activate(ctx, m).map(|()| Empty)?,
        Msg::MsgDeactivateService(m) => services::handle_deactivate(ctx, m).map(|()| Empty)?,
        Msg::MsgDeleteService(m) => services::handle_delete(ctx, m).map(|()| Empty)?,
        Msg::MsgTransferServiceOwnership(m) => {
            services::handle_transfer_ownership(ctx, m).map(|()| Empty)?
        }
        Msg::MsgSetServiceParams(m) => services::handle_set_params(ctx, m).map(|()| Empty)?,
        Msg::MsgAccreditService(m) => services::handle_accredit(ctx, m).map(|()| Empty)?,
        Msg::MsgRevokeServiceAccreditation(m) => {
            services::handle_revoke_accreditation(ctx, m).map(|()| Empty)?
        }
        Msg::MsgUpdateServicesParams(m) => {
            services::handle_update_params(ctx, m).map(|()| Empty)?
        }
        Msg::MsgDelegatePool(m) => MsgResponse::NewShares(restaking::handle_delegate_pool(ctx, m)?),
        Msg::MsgDelegateOperator(m) => {
            MsgResponse::NewShares(restaking::handle_delegate_operator(ctx, m)?)
        }
        Msg::MsgDelegateService(m) => {
            MsgResponse::NewShares(restaking::handle_delegate_service(ctx, m)?)
        }
        Msg::MsgUndelegatePool(m) => {
            MsgResponse::CompletionTime(restaking::handle_undelegate_pool(ctx, m)?)
        }
        Msg::MsgUndelegateOperator(m) => {
            MsgResponse::CompletionTime(restaking::handle_undelegate_operator(ctx, m)?)
        }
        Msg::MsgUndelegateService(m) => {
            MsgResponse::CompletionTime(restaking::handle_undelegate_service(ctx, m)?)
        }
        Msg::MsgJoinService(m) => restaking::handle_join_service(ctx, m).map(|()| Empty)?,
        Msg::MsgLeaveService(m) => restaking::handle_leave_service(ctx, m).map(|()| Empty)?,
        Msg::MsgAddOperatorToAllowList(m) => {
            restaking::handle_add_operator_to_allow_list(ctx, m).map(|()| Empty)?
        }
        Msg::MsgRemoveOperatorFromAllowList(m) => {
            restaking::handle_remove_operator_from_allow_list(ctx, m).map(|()| Empty)?
        }
        Msg::MsgBorrowPoolSecurity(m) => {
            restaking::handle_borrow_pool_security(ctx, m).map(|()| Empty)?
        }
        Msg::MsgCeasePoolSecurityBorrow(m) => {
            restaking::handle_cease_pool_security_borrow(ctx, m).map(|()| Empty)?
        }
        Msg::MsgSetUserPreferences(m) => {
            restaking::handle_set_user_preferences(ctx, m).map(|()| Empty)?
        }
        Msg::MsgUpdateRestakingParams(m) => {
            restaking::handle_update_params(ctx, m).map(|()| Empty)?
        }
        Msg::MsgCreateRewardsPlan(m) => {
            MsgResponse::NewRewardsPlanId(rewards::handle_create_plan(ctx, m)?)
        }
        Msg::MsgEditRewardsPlan(m) => rewards::handle_edit_plan(ctx, m).map(|()| Empty)?,
        Msg::MsgFundRewardsPlan(m) => rewards::handle_fund_plan(ctx, m).map(|()| Empty)?,
        Msg::MsgSetWithdrawAddress(m) => {
            rewards::handle_set_withdraw_address(ctx, m).map(|()| Empty)?
        }
        Msg::MsgWithdrawDelegatorReward(m) => {
            MsgResponse::Amount(rewards::handle_withdraw_delegator_reward(ctx, m)?)
        }
        Msg::MsgWithdrawOperatorCommission(m) => {
            MsgResponse::Amount(rewards::handle_withdraw_operator_commission(ctx, m)?)
        }
        Msg::MsgUpdateRewardsParams(m) => rewards::handle_update_params(ctx, m).map(|()| Empty)?,
        Msg::MsgSetSlashingRules(m) => slashing::handle_set_rules(ctx, m).map(|()| Empty)?,
        Msg::MsgSubmitSlash(m) => MsgResponse::NewSlashId(slashing::handle_submit(ctx, m)?),
        Msg::MsgVetoSlash(m) => slashing::handle_veto(ctx, m).map(|()| Empty)?,
        Msg::MsgUpdateSlashingParams(m) => {
            slashing::handle_update_params(ctx, m).map(|()| Empty)?
        }
        Msg::MsgCreateDenom(m) => MsgResponse::NewDenom(tokenfactory::handle_create_denom(ctx, m)?),
        Msg::MsgMint(m) => tokenfactory::handle_mint(ctx, m).map(|()| Empty)?,
        Msg::MsgBurn(m) => tokenfactory::handle_burn(ctx, m).map(|()| Empty)?,
        Msg::MsgChangeAdmin(m) => tokenfactory::handle_change_admin(ctx, m).map(|()| Empty)?,
        Msg::MsgSetDenomMetadata(m) => {
            tokenfactory::handle_set_denom_metadata(ctx, m).map(|()| Empty)?
        }
        Msg::MsgUpdateTokenFactoryParams(m) => {
            tokenfactory::handle_update_params(ctx, m).map(|()| Empty)?
        }
        Msg::MsgMintLockedRepresentation(m) => {
            liquidvesting::handle_mint(ctx, m).map(|()| Empty)?
        }
        Msg::MsgBurnLockedRepresentation(m) => {
            liquidvesting::handle_burn(ctx, m).map(|()| Empty)?
        }
        Msg::MsgDepositInsuranceFund(m) => liquidvesting::handle_deposit(ctx, m).map(|()| Empty)?,
        Msg::MsgWithdrawInsuranceFund(m) => {
            liquidvesting::handle_withdraw(ctx, m).map(|()| Empty)?
        }
        Msg::MsgUpdateLiquidVestingParams(m) => {
            liquidvesting::handle_update_params(ctx, m).map(|()| Empty)?
        }
        Msg::MsgUpdateValidatorSet(m) => validators::handle_update_set(ctx, m).map(|()| Empty)?,
        Msg::MsgUnjailValidator(m) => validators::handle_unjail(ctx, m).map(|()| Empty)?,
    })
}
