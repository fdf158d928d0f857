//! The execution context every message and block hook runs in: state, the block it belongs to, and the
//! events it emits.

use crate::store;
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::{Entry, StateRead, StateWrite};
use phalanx_types::error::Result;
use phalanx_types::{Address, Event, Timestamp};

/// What the protocol may know about the block being executed; time comes from the header, never a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockInfo {
    /// Height of the block.
    pub height: u64,
    /// Header time of the block.
    pub time: Timestamp,
}

/// State plus block plus emitted events. Runs over an overlay, so dropping it on error discards everything.
pub struct Ctx<'s> {
    store: &'s mut dyn StateWrite,
    /// The block being executed.
    pub block: BlockInfo,
    /// The address allowed to sign params updates and asset/price messages.
    pub authority: Address,
    events: Vec<Event>,
}

impl<'s> Ctx<'s> {
    /// A context over `store` for `block`.
    pub fn new(store: &'s mut dyn StateWrite, block: BlockInfo, authority: Address) -> Self {
        Self {
            store,
            block,
            authority,
            events: Vec::new(),
        }
    }

    /// Read-only view of state, for functions shared with queries.
    pub fn state(&self) -> &dyn StateRead {
        &*self.store
    }

    /// Decodes the value under `key`.
    pub fn get<T: BorshDeserialize>(&self, key: &[u8]) -> Result<Option<T>> {
        store::get(self.state(), key)
    }

    /// Encodes and stores `value` under `key`.
    pub fn set<T: BorshSerialize>(&mut self, key: Vec<u8>, value: &T) -> Result<()> {
        store::set(self.store, key, value)
    }

    /// Removes `key`.
    pub fn delete(&mut self, key: &[u8]) -> Result<()> {
        Ok(self.store.delete(key)?)
    }

    /// All raw entries under `prefix`, in key order.
    pub fn prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>> {
        Ok(self.store.prefix(prefix)?)
    }

    /// Records an event.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Takes the events emitted so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Requires `signer` to be the authority, for params and registry messages.
    pub fn require_authority(&self, signer: Address) -> Result<()> {
        if signer != self.authority {
            return Err(phalanx_types::Error::Unauthorized(format!(
                "{signer} is not the authority {}",
                self.authority
            )));
        }
        Ok(())
    }
}
