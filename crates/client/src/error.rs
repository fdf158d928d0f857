//! One error type for the client, whose messages say what went wrong and what to do about it, because
//! they end up in front of a person at a terminal.

use std::path::PathBuf;

/// Result of every fallible client operation.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Everything that can go wrong in key management, transaction building and talking to a node.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A file or terminal operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. "reading /home/x/.phalanx/keyring-file/alice.json".
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// No key of that name in the keyring.
    #[error(
        "no key named {name:?} in {dir}; list the keys with `phalanxd keys list` (check --home and --keyring-backend) or create one with `phalanxd keys add {name}`"
    )]
    KeyNotFound {
        /// The name asked for.
        name: String,
        /// The keyring directory searched.
        dir: PathBuf,
    },
    /// A key of that name already exists.
    #[error(
        "a key named {name:?} already exists in {dir}; pick another name or remove it first with `phalanxd keys delete {name}`"
    )]
    KeyExists {
        /// The name asked for.
        name: String,
        /// The keyring directory.
        dir: PathBuf,
    },
    /// The passphrase does not open the key.
    #[error(
        "wrong passphrase for {what} (or the file was modified); try again with the passphrase it was saved with"
    )]
    WrongPassphrase {
        /// Which key or export.
        what: String,
    },
    /// Key material, a mnemonic, a key name or a keyring file is unusable.
    #[error("{0}")]
    Key(String),
    /// The user gave an argument the command cannot use.
    #[error("{0}")]
    Invalid(String),
    /// A message failed the chain's own stateless checks, so it was not sent.
    #[error("message {index} ({type_url}) is invalid: {source}; fix the arguments and try again")]
    InvalidMsg {
        /// Position of the message in the transaction.
        index: usize,
        /// Its type URL.
        type_url: &'static str,
        /// The chain's error.
        #[source]
        source: phalanx_types::Error,
    },
    /// The node could not be reached or the connection failed.
    #[error(
        "cannot reach the node at {url}: {reason}; check that `phalanxd start` is running there, or pass --node URL"
    )]
    Unreachable {
        /// The URL requested.
        url: String,
        /// Why.
        reason: String,
    },
    /// The node answered with an error (`{code, codespace, message}`).
    #[error("the node refused the request ({status}, {codespace} code {code}): {message}{}", txhash_hint(.txhash))]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code within the codespace.
        code: u32,
        /// Module that raised the error.
        codespace: String,
        /// The node's explanation.
        message: String,
        /// Hash of a transaction that was accepted but whose commit wait failed.
        txhash: Option<String>,
    },
    /// The node answered something this client does not understand.
    #[error(
        "unexpected answer from {url}: {reason}; is --node pointing at a Phalanx node of the same version?"
    )]
    BadResponse {
        /// The URL requested.
        url: String,
        /// What was wrong with the answer.
        reason: String,
    },
    /// The transaction was included in a block but failed.
    #[error(
        "transaction {txhash} failed at height {height} ({codespace} code {code}): {log}; it paid its fee and used its sequence number, nothing else changed"
    )]
    TxFailed {
        /// Its hash.
        txhash: String,
        /// The block it landed in.
        height: u64,
        /// Error code.
        code: u32,
        /// Module of the error.
        codespace: String,
        /// The chain's explanation.
        log: String,
    },
    /// The user declined the confirmation prompt.
    #[error("cancelled; nothing was signed or sent")]
    Cancelled,
}

fn txhash_hint(txhash: &Option<String>) -> String {
    match txhash {
        Some(h) => format!(" (transaction {h}: follow it with `phalanxd query tx {h}`)"),
        None => String::new(),
    }
}

impl ClientError {
    /// An I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// A key problem.
    pub fn key(msg: impl Into<String>) -> Self {
        Self::Key(msg.into())
    }

    /// An unusable argument.
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
    }
}
