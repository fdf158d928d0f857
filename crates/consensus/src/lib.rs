//! Phalanx consensus: Commonware simplex + marshal glue.
//!
//! This crate owns everything between the network and the application:
//! - [`Block`]: the block format (height, parent, proposer time, the app hash of the latest
//!   executed height, opaque transactions), encoded with `commonware-codec` under [`BlockLimits`].
//! - [`ChainApp`]: the narrow boundary the node implements over its mempool and state store.
//! - [`start`] / [`start_with_channels`]: the engine runner wiring simplex (ed25519 votes),
//!   marshal (block dissemination, backfill, ordered delivery of finalized blocks), authenticated
//!   p2p and the consensus journal, returning an [`EngineHandle`].
//! - [`Evidence`]: equivocation simplex detects, carried in blocks (verified before voting) so
//!   the application can record it when the block executes.
//! - [`TxGossip`]: transactions admitted by one validator's mempool are broadcast to the others.
//!
//! # Execution after finality
//!
//! Blocks are executed only once finalized, in height order, exactly once per height (heights at
//! or below [`ChainApp::last_executed`] are skipped on redelivery). A header commits to the app
//! hash of an earlier executed height, so no proposer executes speculatively and verification
//! checks only what every honest node computes anyway.
//!
//! # Stability
//!
//! Commonware marks the block-level `Application` trait, the `marshal::standard::Inline` adapter,
//! the deterministic runtime and the simulated p2p network ALPHA in 2026.10.0. They are used only
//! inside this crate (`adapter.rs`, `engine.rs`) and its tests, and the versions are pinned
//! exactly, so a Commonware upgrade touches this crate alone. The public API exposes only BETA
//! types (ed25519 keys, p2p traits, runtime traits).

mod adapter;
mod app;
mod block;
mod engine;
mod epochs;
mod error;
mod evidence;
mod executor;
mod gossip;
#[cfg(feature = "sim")]
pub mod sim;

pub use app::{ChainApp, TxReceiver};
pub use block::{APP_HASH_LEN, AppHash, Block, BlockDigest, BlockLimits};
pub use engine::{
    CHANNEL_BACKFILL, CHANNEL_BLOCKS, CHANNEL_CERTIFICATES, CHANNEL_RESOLVER, CHANNEL_TXS,
    CHANNEL_VOTES, Channels, EngineConfig, EngineHandle, EngineRuntime, P2pConfig, channel_quota,
    max_message_size, start, start_with_channels, tokio_runtime_config,
};
pub use epochs::EpochValidator;
pub use error::Error;
pub use evidence::{Evidence, EvidenceKind, MAX_EVIDENCE_PER_BLOCK};
pub use gossip::TxGossip;

/// ed25519 keys used as validator consensus keys and p2p identities.
pub use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
