//! The execution context every message and block hook runs in: state, the block it belongs to, and the
//! events it emits.

use crate::store;
use borsh::{BorshDeserialize, BorshSerialize};
use phalanx_state::{Entry, Overlay, StateRead, StateWrite};
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

    /// Runs `f` over a nested overlay: its writes and events are kept if it succeeds and discarded if
    /// it fails, so block hooks can run one item's work (a slash, say) without a failure of that item
    /// undoing, or halting, the rest of the block.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> Result<T>) -> Result<T> {
        let mut overlay = Overlay::new(&mut *self.store);
        let (outcome, events) = {
            let mut inner = Ctx::new(&mut overlay, self.block, self.authority);
            let outcome = f(&mut inner);
            (outcome, inner.take_events())
        };
        let value = outcome?;
        overlay.commit()?;
        self.events.extend(events);
        Ok(value)
    }

    /// Runs one item of block-hook work (a slash, a plan, a user's due preferences) as
    /// [`Ctx::atomically`], sorting its failures: a storage fault is the outer error and stops the
    /// block; any other error comes back as the inner one, with nothing of `f` applied, for the caller
    /// to record, so that one item can never halt the chain.
    pub fn isolated<T>(
        &mut self,
        f: impl FnOnce(&mut Ctx<'_>) -> Result<T>,
    ) -> Result<std::result::Result<T, phalanx_types::Error>> {
        match self.atomically(f) {
            Ok(value) => Ok(Ok(value)),
            Err(e @ phalanx_types::Error::State(_)) => Err(e),
            Err(e) => Ok(Err(e)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use phalanx_state::MemState;

    fn ctx(state: &mut MemState) -> Ctx<'_> {
        let block = BlockInfo {
            height: 1,
            time: Timestamp(1),
        };
        Ctx::new(state, block, Address::module("authority"))
    }

    #[test]
    fn atomically_keeps_writes_and_events_of_success_only() {
        let mut state = MemState::new();
        let mut c = ctx(&mut state);
        c.set(b"before".to_vec(), &1u8).unwrap();
        let ok = c.atomically(|inner| {
            inner.set(b"kept".to_vec(), &2u8)?;
            inner.emit(Event::new("kept"));
            Ok(7)
        });
        assert_eq!(ok.unwrap(), 7);
        let failed: Result<()> = c.atomically(|inner| {
            inner.set(b"dropped".to_vec(), &3u8)?;
            inner.delete(b"before")?;
            inner.emit(Event::new("dropped"));
            Err(phalanx_types::Error::InvalidRequest("no".into()))
        });
        assert!(failed.is_err());
        let kinds: Vec<String> = c.take_events().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec!["kept".to_string()]);
        assert_eq!(c.get::<u8>(b"before").unwrap(), Some(1));
        assert_eq!(c.get::<u8>(b"kept").unwrap(), Some(2));
        assert_eq!(c.get::<u8>(b"dropped").unwrap(), None);
    }
}
