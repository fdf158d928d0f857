//! Events: what a transaction or block did, in a shape indexers and clients can filter on.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// An event type with ordered attributes; order is part of consensus output, so it is a list, not a map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct Event {
    /// Event type, e.g. `delegate_pool`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Attributes in emission order.
    pub attributes: Vec<(String, String)>,
}

impl Event {
    /// Starts an event of the given type with no attributes.
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            attributes: Vec::new(),
        }
    }

    /// Appends an attribute; chained so an event reads as one expression at its emission site.
    pub fn attr(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.attributes.push((key.into(), value.to_string()));
        self
    }

    /// The value of the first attribute with this key, for clients and tests.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
