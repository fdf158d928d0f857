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

/// mimalloc rather than glibc's malloc for every program that links the node (`phalanxd`, the
/// benchmark, the node's tests): executing a block allocates and frees many small buffers (keys,
/// values, events), and the commit thread frees what the execution thread allocated. glibc spent
/// about a quarter of the execution thread's time there; with mimalloc the benchmark's CPU per
/// transaction fell from 185-214 to 164-177 µs (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
