//! Errors of the consensus engine.

/// Why the engine could not start or why it stopped.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The configuration cannot work (the message says which setting and why).
    #[error("invalid consensus configuration: {0}")]
    Config(String),
    /// The consensus journal or block archives could not be opened.
    #[error("consensus storage: {0}")]
    Storage(String),
    /// A finalized block could not be executed; the node must not continue.
    #[error("execution of finalized height {height} failed: {message}")]
    Execution {
        /// Height of the block that failed.
        height: u64,
        /// The application's error.
        message: String,
    },
    /// A finalized block commits to an app hash for an executed height that differs from ours:
    /// this node's state machine diverged from the network's, so it must stop rather than build on
    /// a state nobody else has.
    #[error(
        "local state diverged from the chain at height {height}: the finalized chain commits to a different app hash"
    )]
    Diverged {
        /// The executed height whose app hash differs.
        height: u64,
    },
    /// Marshal delivered a finalized block that does not follow the last executed height.
    #[error("finalized block out of order: expected height {expected}, got {got}")]
    OutOfOrder {
        /// The next height the application can execute.
        expected: u64,
        /// The height delivered.
        got: u64,
    },
    /// An engine task ended (stopped, or failed in a way reported in the logs).
    #[error("consensus engine stopped: {0}")]
    Stopped(String),
}
