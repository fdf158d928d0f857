//! Phalanx node wiring: the home directory, persistent state, block index, mempool, JSON API and
//! Commonware consensus, put together by `init` and `start`.

pub mod core;
pub mod home;
pub mod index;
pub mod run;
pub mod testnet;

pub use home::Home;
pub use run::{DevChainOptions, NodeRunError, StartOptions, init, start_node};
pub use testnet::{TestnetNode, TestnetOptions, testnet};
