//! The Phalanx client: keys, a typed HTTP client for the node's JSON API, a transaction builder and
//! signer, and the `keys` / `tx` / `query` command line of `phalanxd`.
//!
//! It depends on `phalanx-types` (messages, the Cosmos envelope) and on `phalanx-protocol` only for the
//! plain data types queries return; it knows nothing of storage, consensus or the API server.
//!
//! # Entry points
//!
//! - **The binary** embeds [`cli::ClientCommand`] (`keys`, `tx`, `query`) in its own clap parser with
//!   `#[command(flatten)]` and runs it with [`cli::run_command`] (synchronous `main`) or
//!   [`cli::run_command_async`] (inside tokio). [`cli::run`] parses and runs a whole argument list.
//!   See [`cli`] for an example.
//! - **`phalanxd init`** creates demo keys non-interactively with
//!   `Keyring::open(&home, Backend::Test).create(name, None)` (a new random mnemonic, returned) or
//!   [`Keyring::import_mnemonic`] (a fixed one), then funds the returned [`KeyInfo::address`]es in the
//!   genesis.
//! - **Programs and tests** use [`Client`] (async, one method per API query, plus broadcast), and
//!   [`tx::build_signed_tx`] with a [`SigningKey`] to produce `TxRaw` bytes.
//!
//! # Modules
//!
//! - [`hd`]: BIP39 mnemonics and BIP32 derivation at `m/44'/118'/0'/0/0`, as every Cosmos wallet.
//! - [`key`]: a secp256k1 signing key and its address.
//! - [`keyring`]: keys on disk, `file` (scrypt + XChaCha20-Poly1305) or `test` (unencrypted) backend.
//! - [`tx`]: stateless checks, fee defaults, SIGN_MODE_DIRECT signing, `TxRaw` bytes.
//! - [`http`]: the typed API client and the path of every query.
//! - [`cli`]: the commands.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::panic
    )
)]

pub mod cli;
pub mod encoding;
pub mod error;
pub mod hd;
pub mod http;
pub mod key;
pub mod keyring;
pub mod tx;

pub use error::{ClientError, Result};
pub use http::Client;
pub use key::SigningKey;
pub use keyring::{Backend, KeyInfo, Keyring};
