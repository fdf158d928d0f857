//! Typed access to the byte-key state: values are borsh, keys are built by each module's `state_key`.

use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::{StateRead, StateWrite};
use phalanx_types::Error;
use phalanx_types::error::Result;
use serde::{Deserialize, Serialize};

/// One byte per module at the front of every key, so modules never collide.
pub mod module_prefix {
    /// App-level records (height, time, authority).
    pub const APP: u8 = 0x00;
    /// Balances and supply.
    pub const BANK: u8 = 0x01;
    /// Asset registry and prices.
    pub const ASSETS: u8 = 0x02;
    /// Pools.
    pub const POOLS: u8 = 0x03;
    /// Operators.
    pub const OPERATORS: u8 = 0x04;
    /// Services.
    pub const SERVICES: u8 = 0x05;
    /// Delegations, unbondings, relations, preferences.
    pub const RESTAKING: u8 = 0x06;
    /// Accounts: numbers, sequences, public keys.
    pub const AUTH: u8 = 0x07;
    /// Reward plans and F1 reward accounting.
    pub const REWARDS: u8 = 0x08;
    /// Slashing rules, slashes, departures and pending commission changes.
    pub const SLASHING: u8 = 0x0A;
    /// Token factory denoms: admins, metadata, creator index.
    pub const TOKENFACTORY: u8 = 0x09;
    /// Liquid vesting: params, insurance funds, the burn queue.
    pub const LIQUIDVESTING: u8 = 0x0B;
    /// Validators: equivocation evidence records and jailing.
    pub const VALIDATORS: u8 = 0x14;
}

/// Builds a key from parts.
pub fn key(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Decodes the value under `key`; an undecodable value is a state fault, not a user error.
pub fn get<T: BorshDeserialize>(state: &dyn StateRead, key: &[u8]) -> Result<Option<T>> {
    match state.get(key)? {
        Some(bytes) => decode(&bytes).map(Some),
        None => Ok(None),
    }
}

/// Decodes a stored value.
pub fn decode<T: BorshDeserialize>(bytes: &[u8]) -> Result<T> {
    borsh::from_slice(bytes).map_err(|e| Error::State(format!("undecodable value: {e}")))
}

/// Encodes and stores a value.
pub fn set<T: BorshSerialize>(state: &mut dyn StateWrite, key: Vec<u8>, value: &T) -> Result<()> {
    let bytes =
        borsh::to_vec(value).map_err(|e| Error::State(format!("unencodable value: {e}")))?;
    Ok(state.put(key, bytes)?)
}

/// Decodes every value under `prefix`, in key order.
pub fn values<T: BorshDeserialize>(state: &dyn StateRead, prefix: &[u8]) -> Result<Vec<T>> {
    state
        .prefix(prefix)?
        .iter()
        .map(|(_, v)| decode(v))
        .collect()
}

/// Reads a big-endian u32 from a key suffix.
pub fn be_u32(bytes: &[u8]) -> Result<u32> {
    bytes
        .try_into()
        .map(u32::from_be_bytes)
        .map_err(|_| Error::State("malformed u32 in key".into()))
}

/// Default number of items a list query returns.
pub const DEFAULT_PAGE_LIMIT: u32 = 100;
/// Largest number of items a list query returns, so one query cannot stall a node.
pub const MAX_PAGE_LIMIT: u32 = 1000;

/// Which slice of a list to return: resume after an opaque key from the previous page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// `next_key` of the previous page; `None` starts at the beginning.
    pub key: Option<Vec<u8>>,
    /// Items wanted (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// Where the next page starts; `None` when this page was the last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageResponse {
    /// Pass back as `PageRequest::key` for the next page.
    pub next_key: Option<Vec<u8>>,
}

/// One page of decoded entries, each with its key relative to the listed prefix.
pub type Page<T> = (Vec<(Vec<u8>, T)>, PageResponse);

/// Entries under `prefix` for one page, decoded; keys in the page token are relative to the prefix.
pub fn paginate<T: BorshDeserialize>(
    state: &dyn StateRead,
    prefix: &[u8],
    page: &PageRequest,
) -> Result<Page<T>> {
    let limit = page
        .limit
        .unwrap_or(DEFAULT_PAGE_LIMIT)
        .clamp(1, MAX_PAGE_LIMIT) as usize;
    let start = match &page.key {
        Some(k) => key(&[prefix, k]),
        None => prefix.to_vec(),
    };
    let end = phalanx_state::prefix_end(prefix);
    let mut rows = state.range(&start, end.as_deref(), Some(limit.saturating_add(1)))?;
    let next_key = if rows.len() > limit {
        rows.pop()
            .and_then(|(k, _)| k.get(prefix.len()..).map(<[u8]>::to_vec))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|(k, v)| {
            let suffix = k.get(prefix.len()..).unwrap_or_default().to_vec();
            decode(&v).map(|t| (suffix, t))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((items, PageResponse { next_key }))
}

/// Reads a `u32` id sequence whose first id is 1.
pub fn peek_id(state: &dyn StateRead, seq_key: &[u8]) -> Result<u32> {
    Ok(get::<u32>(state, seq_key)?.unwrap_or(1))
}

/// Allocates the next id of a sequence (first id 1; id 0 is never issued) and advances the sequence.
pub fn allocate_id(ctx: &mut crate::context::Ctx<'_>, seq_key: Vec<u8>) -> Result<u32> {
    let id = peek_id(ctx.state(), &seq_key)?;
    let next = id
        .checked_add(1)
        .ok_or(phalanx_types::MathError::Overflow)?;
    ctx.set(seq_key, &next)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phalanx_state::MemState;

    #[test]
    fn pagination_walks_every_entry_once_in_order() {
        let mut state = MemState::new();
        for i in 0u32..7 {
            set(&mut state, key(&[b"p", &i.to_be_bytes()]), &i).unwrap();
        }
        set(&mut state, b"q".to_vec(), &99u32).unwrap();
        let mut page = PageRequest {
            key: None,
            limit: Some(3),
        };
        let mut seen = Vec::new();
        loop {
            let (rows, next) = paginate::<u32>(&state, b"p", &page).unwrap();
            assert!(rows.len() <= 3);
            seen.extend(rows.into_iter().map(|(_, v)| v));
            match next.next_key {
                Some(k) => page.key = Some(k),
                None => break,
            }
        }
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn ids_start_at_one_and_advance() {
        let mut state = MemState::new();
        let mut ctx = crate::Ctx::new(
            &mut state,
            crate::BlockInfo {
                height: 1,
                time: phalanx_types::Timestamp(0),
            },
            phalanx_types::Address::module("authority"),
        );
        assert_eq!(allocate_id(&mut ctx, b"seq".to_vec()).unwrap(), 1);
        assert_eq!(allocate_id(&mut ctx, b"seq".to_vec()).unwrap(), 2);
        assert_eq!(peek_id(ctx.state(), b"seq").unwrap(), 3);
    }
}
