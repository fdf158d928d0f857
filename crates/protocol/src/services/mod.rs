//! Services (AVSs): they borrow security from operators, pools and direct delegators. Lifecycle
//! CREATED → ACTIVE ⇄ INACTIVE → deleted.

mod state_key;

use crate::context::Ctx;
use crate::restaking;
use crate::store::{self, PageRequest, PageResponse};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{Result, ServicesError};
use phalanx_types::msgs::{
    MsgAccreditService, MsgActivateService, MsgCreateService, MsgDeactivateService,
    MsgDeleteService, MsgRevokeServiceAccreditation, MsgSetServiceParams,
    MsgTransferServiceOwnership, MsgUpdateService, MsgUpdateServicesParams, ServiceParams,
    ServicesParams,
};
use phalanx_types::{Address, Coins, DecCoins, Error, Event, ServiceId};
use serde::{Deserialize, Serialize};

/// Where a service is in its lifecycle.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[borsh(use_discriminant = true)]
pub enum ServiceStatus {
    /// Registered, not yet open.
    Created = 1,
    /// Open: can be joined, delegated to, and pays rewards.
    Active = 2,
    /// Closed for new joins and delegations; existing ones stay.
    Inactive = 3,
}

/// A service and the stake delegated directly to it (held in its custody account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Service {
    /// Service id.
    pub id: ServiceId,
    /// Lifecycle status.
    pub status: ServiceStatus,
    /// Who may manage it.
    pub admin: Address,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Website.
    pub website: String,
    /// Picture URL.
    pub picture_url: String,
    /// Custody account (`service-{id}`).
    pub address: Address,
    /// Tokens delegated directly and not unbonding.
    pub tokens: Coins,
    /// Shares issued, keyed by token denom.
    pub delegator_shares: DecCoins,
    /// Set by the authority; informational.
    pub accredited: bool,
}

/// The custody account of a service, derivable from its id alone.
pub fn custody_address(id: ServiceId) -> Address {
    Address::module(&format!("service-{id}"))
}

/// The id the next service will get; every id below it (from 1) has been issued, so this bounds the
/// custody accounts that can exist.
pub fn next_service_id(state: &dyn StateRead) -> Result<ServiceId> {
    Ok(ServiceId(store::peek_id(state, &state_key::next_id())?))
}

/// Module params.
pub fn params(state: &dyn StateRead) -> Result<ServicesParams> {
    Ok(store::get(state, &state_key::params())?.unwrap_or_default())
}

/// The service with this id.
pub fn service(state: &dyn StateRead, id: ServiceId) -> Result<Option<Service>> {
    store::get(state, &state_key::service(id))
}

/// The service with this id, or a not-found error.
pub fn must_service(state: &dyn StateRead, id: ServiceId) -> Result<Service> {
    service(state, id)?.ok_or_else(|| ServicesError::ServiceNotFound(id.0).into())
}

/// One page of services in id order.
pub fn services(state: &dyn StateRead, page: &PageRequest) -> Result<(Vec<Service>, PageResponse)> {
    let (rows, next) = store::paginate::<Service>(state, &state_key::services_prefix(), page)?;
    Ok((rows.into_iter().map(|(_, s)| s).collect(), next))
}

/// Every service, in id order.
pub fn all_services(state: &dyn StateRead) -> Result<Vec<Service>> {
    store::values(state, &state_key::services_prefix())
}

/// A service's own params (defaults when never set); not-found if the service does not exist.
pub fn service_params(state: &dyn StateRead, id: ServiceId) -> Result<ServiceParams> {
    must_service(state, id)?;
    Ok(store::get(state, &state_key::service_params(id))?.unwrap_or_default())
}

/// Stores a service (after its tokens or shares changed).
pub fn save_service(ctx: &mut Ctx<'_>, svc: &Service) -> Result<()> {
    ctx.set(state_key::service(svc.id), svc)
}

fn admin_service(ctx: &Ctx<'_>, id: ServiceId, sender: Address) -> Result<Service> {
    let svc = must_service(ctx.state(), id)?;
    if svc.admin != sender {
        return Err(Error::Unauthorized(format!(
            "{sender} is not the admin of service {id}"
        )));
    }
    Ok(svc)
}

fn emit_admin_event(ctx: &mut Ctx<'_>, kind: &str, id: ServiceId, sender: Address) {
    ctx.emit(
        Event::new(kind)
            .attr("service_id", id)
            .attr("sender", sender),
    );
}

/// Executes `MsgCreateService`: the service starts CREATED and must be activated by its admin.
pub fn handle_create(ctx: &mut Ctx<'_>, msg: &MsgCreateService) -> Result<ServiceId> {
    let p = params(ctx.state())?;
    if !crate::operators::charge_registration_fee(
        ctx,
        &msg.sender,
        &msg.fee_amount,
        &p.service_registration_fee,
    )? {
        return Err(ServicesError::InsufficientFee(
            msg.fee_amount.to_string(),
            p.service_registration_fee.to_string(),
        )
        .into());
    }
    let id = ServiceId(store::allocate_id(ctx, state_key::next_id())?);
    let svc = Service {
        id,
        status: ServiceStatus::Created,
        admin: msg.sender,
        name: msg.name.clone(),
        description: msg.description.clone(),
        website: msg.website.clone(),
        picture_url: msg.picture_url.clone(),
        address: custody_address(id),
        tokens: Coins::empty(),
        delegator_shares: DecCoins::empty(),
        accredited: false,
    };
    save_service(ctx, &svc)?;
    emit_admin_event(ctx, "create_service", id, msg.sender);
    Ok(id)
}

/// Executes `MsgUpdateService`. Only descriptive fields change; stake accounting is never touched (Q1).
pub fn handle_update(ctx: &mut Ctx<'_>, msg: &MsgUpdateService) -> Result<()> {
    let mut svc = admin_service(ctx, msg.service_id, msg.sender)?;
    if let Some(v) = &msg.name {
        svc.name.clone_from(v);
    }
    if let Some(v) = &msg.description {
        svc.description.clone_from(v);
    }
    if let Some(v) = &msg.website {
        svc.website.clone_from(v);
    }
    if let Some(v) = &msg.picture_url {
        svc.picture_url.clone_from(v);
    }
    save_service(ctx, &svc)?;
    emit_admin_event(ctx, "update_service", svc.id, msg.sender);
    Ok(())
}

/// Executes `MsgActivateService`.
pub fn handle_activate(ctx: &mut Ctx<'_>, msg: &MsgActivateService) -> Result<()> {
    let mut svc = admin_service(ctx, msg.service_id, msg.sender)?;
    if svc.status == ServiceStatus::Active {
        return Err(ServicesError::ServiceAlreadyActive(svc.id.0).into());
    }
    svc.status = ServiceStatus::Active;
    save_service(ctx, &svc)?;
    emit_admin_event(ctx, "activate_service", svc.id, msg.sender);
    Ok(())
}

/// Executes `MsgDeactivateService`; joins, delegations and lists stay as they are.
pub fn handle_deactivate(ctx: &mut Ctx<'_>, msg: &MsgDeactivateService) -> Result<()> {
    let mut svc = admin_service(ctx, msg.service_id, msg.sender)?;
    if svc.status != ServiceStatus::Active {
        return Err(ServicesError::ServiceNotActive(svc.id.0).into());
    }
    svc.status = ServiceStatus::Inactive;
    save_service(ctx, &svc)?;
    emit_admin_event(ctx, "deactivate_service", svc.id, msg.sender);
    Ok(())
}

/// Deactivates a service on the protocol's behalf (its allow-list emptied by an operator deletion).
pub(crate) fn force_deactivate(ctx: &mut Ctx<'_>, id: ServiceId) -> Result<()> {
    let mut svc = must_service(ctx.state(), id)?;
    if svc.status == ServiceStatus::Active {
        svc.status = ServiceStatus::Inactive;
        save_service(ctx, &svc)?;
        ctx.emit(Event::new("deactivate_service").attr("service_id", id));
    }
    Ok(())
}

/// Executes `MsgDeleteService`. Refused while any delegation or unbonding still points at the service,
/// so no restaker's funds can be stranded behind a deleted target (Q3). Its params record goes with it.
pub fn handle_delete(ctx: &mut Ctx<'_>, msg: &MsgDeleteService) -> Result<()> {
    let svc = admin_service(ctx, msg.service_id, msg.sender)?;
    if svc.status == ServiceStatus::Active {
        return Err(ServicesError::ServiceIsActive(svc.id.0).into());
    }
    let target = restaking::TargetRef::service(svc.id);
    if !svc.delegator_shares.is_empty() || restaking::has_unbondings(ctx.state(), target)? {
        return Err(ServicesError::ServiceHasStake(svc.id.0).into());
    }
    restaking::before_service_deleted(ctx, svc.id)?;
    crate::rewards::before_service_deleted(ctx, svc.id)?;
    crate::slashing::before_service_deleted(ctx, svc.id)?;
    ctx.delete(&state_key::service(svc.id))?;
    ctx.delete(&state_key::service_params(svc.id))?;
    emit_admin_event(ctx, "delete_service", svc.id, msg.sender);
    Ok(())
}

/// Executes `MsgTransferServiceOwnership`.
pub fn handle_transfer_ownership(
    ctx: &mut Ctx<'_>,
    msg: &MsgTransferServiceOwnership,
) -> Result<()> {
    let mut svc = admin_service(ctx, msg.service_id, msg.sender)?;
    // The admin is paid (plan refunds, slashed tokens, commission), so it must be able to receive.
    crate::bank::check_recipient(&msg.new_admin)?;
    svc.admin = msg.new_admin;
    save_service(ctx, &svc)?;
    ctx.emit(
        Event::new("transfer_service_ownership")
            .attr("service_id", svc.id)
            .attr("new_admin", msg.new_admin)
            .attr("sender", msg.sender),
    );
    Ok(())
}

/// Executes `MsgSetServiceParams`.
pub fn handle_set_params(ctx: &mut Ctx<'_>, msg: &MsgSetServiceParams) -> Result<()> {
    let svc = admin_service(ctx, msg.service_id, msg.sender)?;
    msg.service_params.validate()?;
    let before = service_params(ctx.state(), svc.id)?;
    if before.allowed_denoms != msg.service_params.allowed_denoms {
        crate::slashing::record_denoms_change(ctx, svc.id, &before.allowed_denoms)?;
    }
    ctx.set(state_key::service_params(svc.id), &msg.service_params)?;
    emit_admin_event(ctx, "set_service_params", svc.id, msg.sender);
    Ok(())
}

fn set_accreditation(
    ctx: &mut Ctx<'_>,
    authority: Address,
    id: ServiceId,
    accredited: bool,
) -> Result<()> {
    ctx.require_authority(authority)?;
    let mut svc = must_service(ctx.state(), id)?;
    if svc.accredited != accredited {
        svc.accredited = accredited;
        save_service(ctx, &svc)?;
    }
    let kind = if accredited {
        "accredit_service"
    } else {
        "revoke_service_accreditation"
    };
    ctx.emit(Event::new(kind).attr("service_id", id));
    Ok(())
}

/// Executes `MsgAccreditService` (authority only).
pub fn handle_accredit(ctx: &mut Ctx<'_>, msg: &MsgAccreditService) -> Result<()> {
    set_accreditation(ctx, msg.authority, msg.service_id, true)
}

/// Executes `MsgRevokeServiceAccreditation` (authority only).
pub fn handle_revoke_accreditation(
    ctx: &mut Ctx<'_>,
    msg: &MsgRevokeServiceAccreditation,
) -> Result<()> {
    set_accreditation(ctx, msg.authority, msg.service_id, false)
}

/// Executes `MsgUpdateServicesParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateServicesParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    ctx.set(state_key::params(), &msg.params)?;
    ctx.emit(Event::new("update_params").attr("module", "services"));
    Ok(())
}

/// A service's params, in genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceParamsRecord {
    /// The service.
    pub service_id: ServiceId,
    /// Its params.
    pub params: ServiceParams,
}

/// Services genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicesGenesis {
    /// Module params.
    pub params: ServicesParams,
    /// Id the next service gets.
    pub next_service_id: ServiceId,
    /// Services, sorted by id.
    pub services: Vec<Service>,
    /// Service params, sorted by id.
    pub services_params: Vec<ServiceParamsRecord>,
}

impl Default for ServicesGenesis {
    fn default() -> Self {
        Self {
            params: ServicesParams::default(),
            next_service_id: ServiceId(1),
            services: Vec::new(),
            services_params: Vec::new(),
        }
    }
}

/// Validates and writes services genesis.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &ServicesGenesis) -> Result<()> {
    use crate::genesis_util::require_sorted_unique;
    let bad = |m: String| Error::InvalidGenesis(m);
    if g.next_service_id.is_zero() {
        return Err(bad("next_service_id must not be zero".into()));
    }
    require_sorted_unique(&g.services, |s| s.id, "services")?;
    require_sorted_unique(&g.services_params, |r| r.service_id, "services_params")?;
    for svc in &g.services {
        if svc.id.is_zero() || svc.id >= g.next_service_id {
            return Err(bad(format!(
                "service id {} must be between 1 and next_service_id - 1",
                svc.id
            )));
        }
        if svc.address != custody_address(svc.id) {
            return Err(bad(format!(
                "service {} address must be its derived custody account",
                svc.id
            )));
        }
        if svc.name.trim().is_empty() {
            return Err(bad(format!("service {} has a blank name", svc.id)));
        }
        crate::bank::check_recipient(&svc.admin)?;
        save_service(ctx, svc)?;
    }
    for r in &g.services_params {
        must_service(ctx.state(), r.service_id)?;
        r.params.validate()?;
        ctx.set(state_key::service_params(r.service_id), &r.params)?;
    }
    ctx.set(state_key::params(), &g.params)?;
    ctx.set(state_key::next_id(), &g.next_service_id.0)
}

/// Reads services genesis back out (without touching the id sequence, Q19).
pub fn export_genesis(state: &dyn StateRead) -> Result<ServicesGenesis> {
    let params_prefix = state_key::service_params_prefix();
    let services_params = state
        .prefix(&params_prefix)?
        .into_iter()
        .map(|(k, v)| {
            Ok(ServiceParamsRecord {
                service_id: ServiceId(store::be_u32(
                    k.get(params_prefix.len()..).unwrap_or_default(),
                )?),
                params: store::decode(&v)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ServicesGenesis {
        params: params(state)?,
        next_service_id: ServiceId(store::peek_id(state, &state_key::next_id())?),
        services: all_services(state)?,
        services_params,
    })
}
