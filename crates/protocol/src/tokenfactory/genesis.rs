//! Genesis of the token factory: params and every created denom with its admin and metadata, in denom
//! order. Balances and supply of factory denoms are the bank's, so they are not repeated here.

use super::{DenomAuthorityMetadata, denom_metadata, params, put_denom, state_key};
use crate::context::Ctx;
use phalanx_state::StateRead;
use phalanx_types::Error;
use phalanx_types::error::Result;
use phalanx_types::msgs::{DenomMetadata, TokenFactoryParams, parse_factory_denom};
use serde::{Deserialize, Serialize};

/// One created denom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisDenom {
    /// The full denom `factory/{creator}/{subdenom}`.
    pub denom: String,
    /// Its admin.
    pub authority_metadata: DenomAuthorityMetadata,
    /// Its display metadata, if set.
    pub metadata: Option<DenomMetadata>,
}

/// Genesis state of the token factory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFactoryGenesis {
    /// Params.
    pub params: TokenFactoryParams,
    /// Created denoms, sorted by denom.
    pub factory_denoms: Vec<GenesisDenom>,
}

/// Imports params and denoms: each denom well formed, listed once, its metadata valid and about it.
pub fn init_genesis(ctx: &mut Ctx<'_>, g: &TokenFactoryGenesis) -> Result<()> {
    crate::genesis_util::require_sorted_unique(
        &g.factory_denoms,
        |d| d.denom.clone(),
        "tokenfactory denoms",
    )?;
    ctx.set(state_key::params(), &g.params)?;
    for d in &g.factory_denoms {
        parse_factory_denom(&d.denom)?;
        put_denom(ctx, &d.denom, &d.authority_metadata)?;
        if let Some(m) = &d.metadata {
            m.validate()?;
            if m.base != d.denom {
                return Err(Error::InvalidGenesis(format!(
                    "metadata of {} describes {}",
                    d.denom, m.base
                )));
            }
            ctx.set(state_key::metadata(&d.denom), m)?;
        }
    }
    Ok(())
}

/// Exports params and every created denom, in the order import requires.
pub fn export_genesis(state: &dyn StateRead) -> Result<TokenFactoryGenesis> {
    let factory_denoms = super::all_denoms(state)?
        .into_iter()
        .map(|(denom, authority_metadata)| {
            Ok(GenesisDenom {
                metadata: denom_metadata(state, &denom)?,
                denom,
                authority_metadata,
            })
        })
        .collect::<Result<_>>()?;
    Ok(TokenFactoryGenesis {
        params: params(state)?,
        factory_denoms,
    })
}
