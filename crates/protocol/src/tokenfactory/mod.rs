//! The token factory (spec §10): anyone may create denoms `factory/{creator}/{subdenom}` and, as their
//! admin, mint them, burn them, hand them over and describe them for wallets.
//!
//! Decisions (the spec only sketches the reference chain's Osmosis fork):
//! - **Names.** The creator is written in bech32 (`phx1...`, 42 characters), as in the spec. A subdenom is
//!   1 to 44 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit
//!   ([`validate_subdenom`](phalanx_types::msgs::validate_subdenom)); without `/` or `:` a denom splits
//!   into creator and subdenom in one way only, and the full denom (at most 95 characters) always passes
//!   `validate_denom` (at most 128). A denom that already exists, as a factory denom or as a supply held
//!   under that name since genesis, cannot be created again.
//! - **Creation fee.** `denom_creation_fee` (default: none) is paid to the community pool, with the same
//!   rule as every registration fee on this chain: the message offers `fee_amount`, and it must cover at
//!   least one of the param's coins in full. The reference chain's `denom_creation_gas_consume` is not a
//!   param: gas here is charged per transaction byte and signature, not per message kind.
//! - **Minting** goes to any address the admin names (the spec's `mint_to_address`), except the accounts
//!   held to an exact balance (`bank::check_recipient`: the rewards pool and the insurance account).
//! - **Burning** is from the admin's own balance only. The reference chain lets the admin burn from any
//!   address (`burn_from_address`) and move anyone's tokens (`MsgForceTransfer`); both would let an admin
//!   take users' tokens, so the field must equal the sender and force transfer does not exist.
//! - **Admin.** [`MsgChangeAdmin`] hands a denom over, or with no new admin renounces it for good: a denom
//!   without an admin can never be minted, burned by an admin or re-described again, which is how an issuer
//!   proves a fixed supply.
//! - **No hooks.** `MsgSetBeforeSendHook` calls a CosmWasm contract on every send; there is no VM here, so
//!   it does not exist. Factory coins move by `MsgSend` like any other coin.
//!
//! Supply changes only through `bank::mint` and `bank::burn`, so Σ balances == supply holds for factory
//! denoms as for every other.

mod genesis;
mod state_key;

pub use genesis::{GenesisDenom, TokenFactoryGenesis, export_genesis, init_genesis};

use crate::context::Ctx;
use crate::store::{self, PageRequest, PageResponse};
use crate::{bank, operators};
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::StateRead;
use phalanx_types::error::{Result, TokenFactoryError};
use phalanx_types::msgs::{
    DenomMetadata, MsgBurn, MsgChangeAdmin, MsgCreateDenom, MsgMint, MsgSetDenomMetadata,
    MsgUpdateTokenFactoryParams, TokenFactoryParams, factory_denom, parse_factory_denom,
};
use phalanx_types::{Address, Coin, Coins, Error, Event};
use serde::{Deserialize, Serialize};

/// Who controls a factory denom. Stored for every created denom, so its presence is what makes the denom
/// exist.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, BorshSerialize, BorshDeserialize,
)]
pub struct DenomAuthorityMetadata {
    /// The admin; `None` once renounced.
    pub admin: Option<Address>,
}

/// Current params.
pub fn params(state: &dyn StateRead) -> Result<TokenFactoryParams> {
    Ok(store::get(state, &state_key::params())?.unwrap_or_default())
}

/// The authority record of a factory denom; `None` if it was never created.
pub fn denom_authority_metadata(
    state: &dyn StateRead,
    denom: &str,
) -> Result<Option<DenomAuthorityMetadata>> {
    store::get(state, &state_key::authority(denom))
}

/// The metadata of a factory denom; `None` if none was set.
pub fn denom_metadata(state: &dyn StateRead, denom: &str) -> Result<Option<DenomMetadata>> {
    store::get(state, &state_key::metadata(denom))
}

/// One page of the denoms `creator` created, in denom order.
pub fn denoms_from_creator(
    state: &dyn StateRead,
    creator: &Address,
    page: &PageRequest,
) -> Result<(Vec<String>, PageResponse)> {
    let (rows, next) = store::paginate::<()>(state, &state_key::creator_prefix(creator), page)?;
    let denoms = rows
        .into_iter()
        .map(|(suffix, ())| {
            String::from_utf8(suffix)
                .map_err(|_| Error::State("non-UTF-8 denom in the creator index".into()))
        })
        .collect::<Result<_>>()?;
    Ok((denoms, next))
}

/// Every created denom with its authority record, in denom order.
pub fn all_denoms(state: &dyn StateRead) -> Result<Vec<(String, DenomAuthorityMetadata)>> {
    let prefix = state_key::authorities_prefix();
    state
        .prefix(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            let denom = k
                .get(prefix.len()..)
                .map(<[u8]>::to_vec)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| Error::State("malformed token factory denom key".into()))?;
            Ok((denom, store::decode(&v)?))
        })
        .collect()
}

/// The authority record of `denom`, which must have been created.
fn must_denom(state: &dyn StateRead, denom: &str) -> Result<DenomAuthorityMetadata> {
    denom_authority_metadata(state, denom)?
        .ok_or_else(|| TokenFactoryError::DenomNotFound(denom.to_owned()).into())
}

/// `denom` must exist and `sender` must be its admin.
fn require_admin(state: &dyn StateRead, denom: &str, sender: &Address) -> Result<()> {
    match must_denom(state, denom)?.admin {
        Some(admin) if admin == *sender => Ok(()),
        Some(admin) => Err(Error::Unauthorized(format!(
            "{sender} is not the admin of {denom}; only its admin {admin} may do this"
        ))),
        None => Err(Error::Unauthorized(format!(
            "{denom} has no admin: it was renounced, so it can no longer be minted, burned by an admin \
             or changed"
        ))),
    }
}

/// A single positive coin of an existing factory denom administered by `sender`, as a coin set.
fn admin_coins(ctx: &Ctx<'_>, sender: &Address, amount: &Coin) -> Result<Coins> {
    parse_factory_denom(&amount.denom)?;
    require_admin(ctx.state(), &amount.denom, sender)?;
    let coins = Coins::new(vec![amount.clone()])?;
    if coins.is_empty() {
        return Err(Error::InvalidRequest("amount must be positive".into()));
    }
    Ok(coins)
}

/// Writes a denom's authority record and, the first time, its creator index entry.
fn put_denom(ctx: &mut Ctx<'_>, denom: &str, authority: &DenomAuthorityMetadata) -> Result<()> {
    let (creator, _) = parse_factory_denom(denom)?;
    ctx.set(state_key::authority(denom), authority)?;
    ctx.set(state_key::by_creator(&creator, denom), &())
}

/// Executes `MsgCreateDenom`: the sender pays the creation fee and becomes the new denom's admin. Returns
/// the full denom.
pub fn handle_create_denom(ctx: &mut Ctx<'_>, msg: &MsgCreateDenom) -> Result<String> {
    let denom = factory_denom(&msg.sender, &msg.subdenom)?;
    if denom_authority_metadata(ctx.state(), &denom)?.is_some()
        || bank::supply(ctx.state(), &denom)? > 0
    {
        return Err(TokenFactoryError::DenomExists(denom).into());
    }
    let fee = params(ctx.state())?.denom_creation_fee;
    if !operators::charge_registration_fee(ctx, &msg.sender, &msg.fee_amount, &fee)? {
        return Err(TokenFactoryError::InsufficientFee(
            msg.fee_amount.to_string(),
            fee.to_string(),
        )
        .into());
    }
    put_denom(
        ctx,
        &denom,
        &DenomAuthorityMetadata {
            admin: Some(msg.sender),
        },
    )?;
    ctx.emit(
        Event::new("create_denom")
            .attr("creator", msg.sender)
            .attr("new_token_denom", &denom),
    );
    Ok(denom)
}

/// Executes `MsgMint` (admin only): new coins go to `mint_to_address`.
pub fn handle_mint(ctx: &mut Ctx<'_>, msg: &MsgMint) -> Result<()> {
    let coins = admin_coins(ctx, &msg.sender, &msg.amount)?;
    bank::check_recipient(&msg.mint_to_address)?;
    bank::mint(ctx, &msg.mint_to_address, &coins)?;
    ctx.emit(
        Event::new("tf_mint")
            .attr("sender", msg.sender)
            .attr("mint_to_address", msg.mint_to_address)
            .attr("amount", &coins),
    );
    Ok(())
}

/// Executes `MsgBurn` (admin only, from the admin's own balance).
pub fn handle_burn(ctx: &mut Ctx<'_>, msg: &MsgBurn) -> Result<()> {
    msg.require_own_balance()?;
    let coins = admin_coins(ctx, &msg.sender, &msg.amount)?;
    bank::burn(ctx, &msg.sender, &coins)?;
    ctx.emit(
        Event::new("tf_burn")
            .attr("sender", msg.sender)
            .attr("burn_from_address", msg.burn_from_address)
            .attr("amount", &coins),
    );
    Ok(())
}

/// Executes `MsgChangeAdmin` (admin only); `None` renounces the denom for good.
pub fn handle_change_admin(ctx: &mut Ctx<'_>, msg: &MsgChangeAdmin) -> Result<()> {
    parse_factory_denom(&msg.denom)?;
    require_admin(ctx.state(), &msg.denom, &msg.sender)?;
    let authority = DenomAuthorityMetadata {
        admin: msg.new_admin,
    };
    ctx.set(state_key::authority(&msg.denom), &authority)?;
    ctx.emit(Event::new("change_admin").attr("denom", &msg.denom).attr(
        "new_admin",
        msg.new_admin.map(|a| a.to_string()).unwrap_or_default(),
    ));
    Ok(())
}

/// Executes `MsgSetDenomMetadata` (admin of `metadata.base` only): replaces the metadata.
pub fn handle_set_denom_metadata(ctx: &mut Ctx<'_>, msg: &MsgSetDenomMetadata) -> Result<()> {
    msg.metadata.validate()?;
    let denom = &msg.metadata.base;
    parse_factory_denom(denom)?;
    require_admin(ctx.state(), denom, &msg.sender)?;
    ctx.set(state_key::metadata(denom), &msg.metadata)?;
    ctx.emit(
        Event::new("set_denom_metadata")
            .attr("denom", denom)
            .attr("display", &msg.metadata.display)
            .attr("symbol", &msg.metadata.symbol),
    );
    Ok(())
}

/// Executes `MsgUpdateTokenFactoryParams` (authority only).
pub fn handle_update_params(ctx: &mut Ctx<'_>, msg: &MsgUpdateTokenFactoryParams) -> Result<()> {
    ctx.require_authority(msg.authority)?;
    ctx.set(state_key::params(), &msg.params)?;
    ctx.emit(
        Event::new("update_params")
            .attr("module", "tokenfactory")
            .attr("denom_creation_fee", &msg.params.denom_creation_fee),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use phalanx_types::msgs::{MAX_SUBDENOM_LEN, validate_subdenom};

    #[test]
    fn a_factory_denom_splits_back_into_its_creator_and_subdenom() {
        let creator = Address::module("creator");
        let denom = factory_denom(&creator, "gold.v2_x-1").unwrap();
        assert_eq!(denom, format!("factory/{creator}/gold.v2_x-1"));
        assert_eq!(
            parse_factory_denom(&denom).unwrap(),
            (creator, "gold.v2_x-1".to_owned())
        );
        let longest = factory_denom(&creator, &"z".repeat(MAX_SUBDENOM_LEN)).unwrap();
        assert_eq!(longest.len(), 8 + 42 + 1 + MAX_SUBDENOM_LEN);
    }

    #[test]
    fn only_canonical_factory_denoms_parse() {
        let creator = Address::module("creator");
        let upper = format!("factory/{}/gold", creator.to_string().to_uppercase());
        for bad in [
            "uatom".to_owned(),
            "factory".to_owned(),
            "factory/gold".to_owned(),
            format!("Factory/{creator}/gold"),
            format!("factory/{creator}"),
            format!("factory/{creator}/"),
            format!("factory/{creator}/gold/extra"),
            "factory/phx1notanaddress/gold".to_owned(),
            upper,
        ] {
            assert!(parse_factory_denom(&bad).is_err(), "{bad}");
        }
        for bad in ["", "-a", "_a", ".a", "a b", "a/b", "a:b", "é"] {
            assert!(validate_subdenom(bad).is_err(), "{bad:?}");
        }
        assert!(validate_subdenom(&"a".repeat(MAX_SUBDENOM_LEN + 1)).is_err());
        assert!(validate_subdenom("9A.b_c-d").is_ok());
    }
}
