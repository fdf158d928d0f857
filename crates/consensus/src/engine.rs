//! The engine runner: simplex + marshal + block dissemination + backfill, wired to a
//! [`ChainApp`], over either authenticated p2p ([`start`]) or caller-supplied channels
//! ([`start_with_channels`], used by the simulated-network tests and the testkit).
//!
//! Everything runs under one supervised root task, so [`EngineHandle::stop`] ends all of it at
//! once. The consensus journal and marshal's archives live in the runtime's storage (the tokio
//! runtime's storage directory, see [`tokio_runtime_config`]) under
//! [`EngineConfig::partition_prefix`]; restarting with the same directory and prefix resumes from
//! them.

use crate::{
    adapter::{Adapter, Executed, Shared},
    app::ChainApp,
    block::{Block, BlockDigest, BlockLimits},
    epochs::{EpochValidator, Orchestration, PeerTracker, Schemes},
    error::Error,
    evidence::{EvidencePool, EvidenceReporter},
    executor::{self, EpochSwitch, FinalizedReporter},
    gossip::{self, TxGossip},
};
use commonware_broadcast::buffered;
use commonware_consensus::{
    Reporters,
    marshal::{
        self,
        core::{Actor as MarshalActor, Mailbox as MarshalMailbox},
        resolver::p2p as marshal_resolver,
        standard::{Inline, Standard},
    },
    simplex::{
        self,
        config::{ForwardPolicy, SkipBudget, SkipPolicy},
        elector::RoundRobin,
        scheme::ed25519::Scheme,
    },
    types::{Epoch, Epocher as _, FixedEpocher, Height, ViewDelta},
};
use commonware_cryptography::{
    Digested, Digestible as _, Sha256, Signer as _,
    certificate::{Scheme as _, Verifier as _},
    ed25519::{PrivateKey, PublicKey},
};
use commonware_p2p::{
    Address, AddressableManager as _, Blocker, Channel, Provider, Receiver, Sender,
    authenticated::lookup,
    utils::mux::{Builder as _, Muxer},
};
use commonware_parallel::Sequential;
use commonware_runtime::{
    Clock, Handle, Metrics, Network as RuntimeNetwork, Quota, Resolver as RuntimeResolver, Spawner,
    Storage, buffer::paged::CacheRef,
};
use commonware_storage::archive::immutable;
use commonware_stream::{
    cups::{self, Cups},
    sake::{self, Sake},
};
use commonware_utils::{
    NZU16, NZU32, NZU64, NZUsize,
    channel::{mpsc, oneshot, watch},
    ordered::{Map, Set},
    sync::Mutex,
    vec::NonEmptyVec,
};
use futures::future::select_all;
use rand_core::CryptoRng;
use std::{
    collections::BTreeMap,
    net::SocketAddr,
    num::{NonZeroU64, NonZeroUsize},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tracing::{debug, info, warn};

/// p2p channel carrying simplex votes.
pub const CHANNEL_VOTES: Channel = 0;
/// p2p channel carrying simplex certificates.
pub const CHANNEL_CERTIFICATES: Channel = 1;
/// p2p channel carrying simplex's certificate backfill.
pub const CHANNEL_RESOLVER: Channel = 2;
/// p2p channel carrying whole blocks from proposers (marshal's buffered broadcast).
pub const CHANNEL_BLOCKS: Channel = 3;
/// p2p channel carrying marshal's backfill of finalized blocks (catch-up).
pub const CHANNEL_BACKFILL: Channel = 4;
/// p2p channel carrying transaction gossip between mempools.
pub const CHANNEL_TXS: Channel = 5;

/// Per-peer rate on every channel: generous, since the validator set is small and known.
const CHANNEL_RATE_PER_SECOND: u32 = 1_024;

/// Default epoch length: one epoch for the life of the chain, for applications whose validator
/// set never changes.
const SINGLE_EPOCH: NonZeroU64 = NZU64!(u64::MAX);

/// Views of recent activity simplex keeps for peers and for evidence.
const CONSENSUS_VIEW_RETENTION: u64 = 256;
/// Views marshal keeps unfinalized data for after processing a block.
const MARSHAL_VIEW_RETENTION: u64 = 1_024;

/// Settings of one validator's consensus engine.
///
/// Every validator of a chain must agree on `participants`, `epoch_length`, `namespace`,
/// `genesis_time_ms` and `limits`; the timing settings may differ but should not.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// This validator's ed25519 consensus (and p2p identity) key.
    pub signer: PrivateKey,
    /// The validators of the epoch the engine starts in (the epoch of the block after the last
    /// executed one), as the application's state records them. Order does not matter (it is
    /// sorted); duplicates are an error. Our key need not be among them: a node outside the set
    /// follows consensus without voting, and starts voting in the first epoch that lists it.
    /// Later epochs' sets come from [`ChainApp::next_validators`].
    pub participants: Vec<PublicKey>,
    /// Blocks per epoch: the validator set may change only after the last block of an epoch.
    /// Must equal the application's own epoch length.
    pub epoch_length: NonZeroU64,
    /// Chain-unique namespace (the chain id) mixed into every signature and the p2p handshake,
    /// so votes and connections of one chain are worthless on another.
    pub namespace: Vec<u8>,
    /// Prefix of the storage partitions for the consensus journal and block archives.
    pub partition_prefix: String,
    /// Timestamp of the genesis block; the first block must be later.
    pub genesis_time_ms: u64,
    /// Target interval between blocks, also when there are no transactions.
    pub block_time: Duration,
    /// How far in the future (by our clock) a proposal's timestamp may be before we wait.
    pub max_clock_drift: Duration,
    /// Block size limits (must be equal on every validator).
    pub limits: BlockLimits,
    /// How long to wait for a leader's proposal before voting to skip the view. Must exceed
    /// `block_time`, since the leader waits up to `block_time` before proposing.
    pub leader_timeout: Duration,
    /// How long to wait for a view to be notarized before voting to skip it; above
    /// `leader_timeout`.
    pub certification_timeout: Duration,
    /// Interval between rebroadcasts of a skip vote while stuck in a view.
    pub timeout_retry: Duration,
    /// After this long without activity from a leader (while a quorum is active) its views are
    /// skipped at once, so a crashed validator costs little. Above both timeouts above.
    pub skip_timeout: Duration,
    /// Timeout of one fetch from a peer (certificates or blocks).
    pub fetch_timeout: Duration,
    /// Capacity of the engine's internal mailboxes.
    pub mailbox_size: usize,
    /// Finalized blocks marshal may hand over before the executor acknowledges them.
    pub max_pending_acks: usize,
}

impl EngineConfig {
    /// A configuration with the default timing: 1 s blocks and timeouts derived from them.
    pub fn new(signer: PrivateKey, participants: Vec<PublicKey>, namespace: Vec<u8>) -> Self {
        let mut config = Self {
            signer,
            participants,
            epoch_length: SINGLE_EPOCH,
            namespace,
            partition_prefix: "phalanx".to_string(),
            genesis_time_ms: 0,
            block_time: Duration::from_secs(1),
            max_clock_drift: Duration::from_millis(500),
            limits: BlockLimits::default(),
            leader_timeout: Duration::ZERO,
            certification_timeout: Duration::ZERO,
            timeout_retry: Duration::ZERO,
            skip_timeout: Duration::ZERO,
            fetch_timeout: Duration::from_secs(2),
            mailbox_size: 1_024,
            max_pending_acks: 16,
        };
        config.set_block_time(Duration::from_secs(1));
        config
    }

    /// Sets the block interval and re-derives the view timeouts from it.
    ///
    /// The leader waits up to `block_time` before proposing, so the leader timeout is twice that
    /// plus a second of network slack; the other timeouts follow the order simplex requires.
    pub fn set_block_time(&mut self, block_time: Duration) {
        self.block_time = block_time;
        let leader = block_time
            .saturating_mul(2)
            .saturating_add(Duration::from_secs(1));
        self.leader_timeout = leader;
        self.certification_timeout = leader.saturating_add(Duration::from_secs(1));
        self.timeout_retry = leader;
        self.skip_timeout = self
            .certification_timeout
            .saturating_add(leader)
            .max(self.timeout_retry.saturating_add(Duration::from_secs(1)));
    }

    /// Checks the settings simplex and marshal would otherwise reject with a panic.
    pub fn validate(&self) -> Result<(), Error> {
        self.participant_set()?;
        if self.namespace.is_empty() {
            return Err(Error::Config(
                "namespace (chain id) must not be empty".to_string(),
            ));
        }
        if self.block_time.is_zero() {
            return Err(Error::Config("block_time must be positive".to_string()));
        }
        if self.leader_timeout <= self.block_time {
            return Err(Error::Config(
                "leader_timeout must exceed block_time (the leader waits block_time before proposing)"
                    .to_string(),
            ));
        }
        if self.certification_timeout <= self.leader_timeout {
            return Err(Error::Config(
                "certification_timeout must exceed leader_timeout".to_string(),
            ));
        }
        if self.timeout_retry.is_zero() {
            return Err(Error::Config("timeout_retry must be positive".to_string()));
        }
        if self.skip_timeout <= self.certification_timeout
            || self.skip_timeout <= self.timeout_retry
        {
            return Err(Error::Config(
                "skip_timeout must exceed certification_timeout and timeout_retry".to_string(),
            ));
        }
        if self.fetch_timeout.is_zero() {
            return Err(Error::Config("fetch_timeout must be positive".to_string()));
        }
        if self.limits.max_txs == 0 || self.limits.max_tx_bytes == 0 {
            return Err(Error::Config(
                "block limits must allow at least one non-empty transaction".to_string(),
            ));
        }
        non_zero(self.mailbox_size, "mailbox_size")?;
        non_zero(self.max_pending_acks, "max_pending_acks")?;
        if self.partition_prefix.is_empty() {
            return Err(Error::Config(
                "partition_prefix must not be empty".to_string(),
            ));
        }
        Ok(())
    }

    fn participant_set(&self) -> Result<Set<PublicKey>, Error> {
        if self.participants.is_empty() {
            return Err(Error::Config("the participant list is empty".to_string()));
        }
        Set::try_from(self.participants.clone())
            .map_err(|_| Error::Config("the participant list contains a duplicate key".to_string()))
    }
}

fn non_zero(value: usize, name: &str) -> Result<NonZeroUsize, Error> {
    NonZeroUsize::new(value).ok_or_else(|| Error::Config(format!("{name} must be positive")))
}

/// Largest p2p message the engine sends for `participants` validators and these block limits.
///
/// Networks carrying the engine's channels must admit at least this size.
pub fn max_message_size(participants: usize, limits: &BlockLimits) -> u32 {
    let participants = u32::try_from(participants).unwrap_or(u32::MAX);
    let votes = simplex::max_payload_size::<Scheme, BlockDigest>(participants);
    let blocks = marshal::max_payload_size::<Standard<Block>, Scheme>(participants, limits);
    u32::try_from(votes.max(blocks)).unwrap_or(u32::MAX)
}

/// The runtime capabilities the engine needs (implemented by Commonware's tokio and
/// deterministic runtimes).
pub trait EngineRuntime: Spawner + Clock + Storage + Metrics + CryptoRng {}

impl<T: Spawner + Clock + Storage + Metrics + CryptoRng> EngineRuntime for T {}

/// The six p2p channels the engine uses, as (sender, receiver) pairs.
pub struct Channels<S, R> {
    /// [`CHANNEL_VOTES`].
    pub votes: (S, R),
    /// [`CHANNEL_CERTIFICATES`].
    pub certificates: (S, R),
    /// [`CHANNEL_RESOLVER`].
    pub resolver: (S, R),
    /// [`CHANNEL_BLOCKS`].
    pub blocks: (S, R),
    /// [`CHANNEL_BACKFILL`].
    pub backfill: (S, R),
    /// [`CHANNEL_TXS`].
    pub txs: (S, R),
}

/// The rate limit to register each engine channel with.
pub fn channel_quota() -> Quota {
    Quota::per_second(NZU32!(CHANNEL_RATE_PER_SECOND))
}

/// Authenticated p2p settings for [`start`].
#[derive(Clone, Debug)]
pub struct P2pConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Dial address of every participant (ours may be included; it is ignored for dialing).
    pub peers: Vec<(PublicKey, SocketAddr)>,
    /// Use settings for a loopback or private network (allows private IPs, dials quickly);
    /// otherwise the recommended production settings.
    pub local: bool,
}

/// A tokio runtime configuration whose storage directory holds the consensus journal.
///
/// Run [`start`] inside `commonware_runtime::tokio::Runner::new(config).start(..)`.
pub fn tokio_runtime_config(
    storage_directory: &Path,
    worker_threads: usize,
) -> commonware_runtime::tokio::Config {
    commonware_runtime::tokio::Config::new()
        .with_storage_directory(storage_directory)
        .with_worker_threads(worker_threads.max(1))
}

/// State visible through the handle.
struct Status {
    finalized_tip: Arc<AtomicU64>,
    failure: Mutex<Option<Error>>,
}

/// A running engine.
///
/// Dropping the handle leaves the engine running (until the task that started it ends, since
/// the runtime aborts a task's descendants with it); call [`EngineHandle::stop`] to end it.
pub struct EngineHandle {
    root: Handle<()>,
    executed: watch::Receiver<Executed>,
    status: Arc<Status>,
    marshal: MarshalMailbox<Scheme, Standard<Block>>,
    gossip: TxGossip,
}

impl EngineHandle {
    /// Where to queue transactions admitted from clients so every other validator gets them.
    pub fn tx_gossip(&self) -> TxGossip {
        self.gossip.clone()
    }

    /// Latest executed height and the app hash after it.
    pub fn last_executed(&self) -> (u64, [u8; 32]) {
        *self.executed.borrow()
    }

    /// Highest finalized height this node has learned of (may be ahead of execution).
    pub fn finalized_height(&self) -> u64 {
        self.status.finalized_tip.load(Ordering::Relaxed)
    }

    /// A receiver that changes whenever a height is executed, for waiting on inclusion.
    pub fn subscribe_executed(&self) -> watch::Receiver<(u64, [u8; 32])> {
        self.executed.clone()
    }

    /// The error that stopped the engine, if it stopped by itself.
    pub fn failure(&self) -> Option<Error> {
        self.status.failure.lock().clone()
    }

    /// A finalized block from the local archive, if this node has it.
    pub async fn finalized_block(&self, height: u64) -> Option<Block> {
        self.marshal
            .get_block(Height::new(height))
            .await
            .map(|block| block.inner().clone())
    }

    /// Stops every engine task and waits until they are gone, so the storage can be reopened.
    ///
    /// Equivalent to a crash for the journal (which is crash-safe): execution of a block is never
    /// interrupted midway, since the application call is synchronous.
    pub async fn stop(self) {
        self.root.abort();
        let _ = self.root.await;
    }

    /// Waits until the engine stops by itself and returns why.
    pub async fn join(self) -> Error {
        let _ = self.root.await;
        self.status
            .failure
            .lock()
            .clone()
            .unwrap_or_else(|| Error::Stopped("engine exited".to_string()))
    }
}

/// Starts a validator over authenticated, encrypted p2p (ed25519 identities = consensus keys).
pub async fn start<E, A>(
    context: E,
    config: EngineConfig,
    p2p: P2pConfig,
    app: A,
) -> Result<EngineHandle, Error>
where
    E: EngineRuntime + RuntimeNetwork + RuntimeResolver,
    A: ChainApp,
{
    config.validate()?;
    let peers: Vec<(PublicKey, Address)> = p2p
        .peers
        .iter()
        .map(|(key, addr)| (key.clone(), Address::from(*addr)))
        .collect();
    let peers = Map::try_from(peers)
        .map_err(|_| Error::Config("p2p peer list contains a duplicate key".to_string()))?;
    for participant in &config.participants {
        if peers.position(participant).is_none() {
            return Err(Error::Config(format!(
                "no p2p address for participant {participant}"
            )));
        }
    }
    let max_message = max_message_size(config.participants.len(), &config.limits);
    if max_message > lookup::max_size::<SakeCupsUpgrader>() {
        return Err(Error::Config(
            "block limits exceed the largest p2p message".to_string(),
        ));
    }
    let mailbox = non_zero(config.mailbox_size, "mailbox_size")?;
    // Room for the set to grow at an epoch boundary (the old and new sets are tracked together).
    let max_peers = NonZeroUsize::new(config.participants.len().saturating_mul(2).max(16))
        .unwrap_or(NZUsize!(16));
    let start_epoch = starting_epoch(&config, &app)?;
    let handshake = Cups::<_, commonware_cryptography::ChaCha20Poly1305>::new(
        Sake {
            signer: config.signer.clone(),
            synchrony_bound: Duration::from_secs(5),
            max_handshake_age: Duration::from_secs(10),
            version: sake::Version::V1,
        },
        cups::Version::V1,
    );
    let p2p_config = if p2p.local {
        lookup::Config::local(
            handshake,
            &config.namespace,
            p2p.listen,
            max_peers,
            max_message,
            mailbox,
        )
    } else {
        lookup::Config::recommended(
            handshake,
            &config.namespace,
            p2p.listen,
            max_peers,
            max_message,
            mailbox,
        )
    };

    spawn_root(context, config, app, move |context| async move {
        let (mut network, mut oracle) = lookup::Network::new(context.child("p2p"), p2p_config);
        let _ = oracle.track(start_epoch, peers.clone());
        let tracker = peer_tracker(oracle.clone(), peers);
        let quota = channel_quota();
        let channels = Channels {
            votes: network.register(CHANNEL_VOTES, quota),
            certificates: network.register(CHANNEL_CERTIFICATES, quota),
            resolver: network.register(CHANNEL_RESOLVER, quota),
            blocks: network.register(CHANNEL_BLOCKS, quota),
            backfill: network.register(CHANNEL_BACKFILL, quota),
            txs: network.register(CHANNEL_TXS, quota),
        };
        let network = network.start();
        Ok((
            channels,
            oracle.clone(),
            oracle,
            Some(network),
            Some(tracker),
        ))
    })
    .await
}

/// The epoch of the block after the application's last executed one: the epoch the engine
/// starts in.
fn starting_epoch<A: ChainApp>(config: &EngineConfig, app: &A) -> Result<u64, Error> {
    FixedEpocher::new(config.epoch_length)
        .containing(Height::new(app.last_executed().0.saturating_add(1)))
        .map(|info| info.epoch().get())
        .ok_or_else(|| Error::Config("the executed height is past the last epoch".to_string()))
}

/// Tracks each new epoch's validators as the p2p peer set, together with the previous epoch's
/// (so blocks and certificates still reach validators that are leaving while the new ones
/// connect). A validator whose address is unknown keeps its previous address, if any.
fn peer_tracker(
    mut oracle: lookup::Oracle<PublicKey>,
    initial: Map<PublicKey, Address>,
) -> PeerTracker {
    let mut previous: BTreeMap<PublicKey, Address> = initial
        .iter_pairs()
        .map(|(key, address)| (key.clone(), address.clone()))
        .collect();
    Box::new(move |epoch: u64, validators: &[EpochValidator]| {
        let mut current = BTreeMap::new();
        for (key, address) in validators {
            match address
                .map(Address::from)
                .or_else(|| previous.get(key).cloned())
            {
                Some(address) => {
                    current.insert(key.clone(), address);
                }
                None => warn!(%key, epoch, "no p2p address for a validator; it cannot be dialed"),
            }
        }
        let mut union = previous.clone();
        union.extend(current.clone());
        match Map::try_from(union.into_iter().collect::<Vec<_>>()) {
            Ok(peers) => {
                let _ = oracle.track(epoch, peers);
            }
            Err(_) => warn!(epoch, "peer set of the new epoch is not a valid map"),
        }
        previous = current;
    })
}

/// The p2p handshake used by [`start`].
type SakeCupsUpgrader =
    commonware_stream::SakeCups<PrivateKey, commonware_cryptography::ChaCha20Poly1305>;

/// Starts a validator over channels the caller registered (simulated network, testkit).
///
/// `peers` must track the participants (the caller also tracks later epochs' validators: the
/// engine does not change this network's peer sets); `blocker` lets the engine block peers that
/// send invalid data.
pub async fn start_with_channels<E, A, S, R, P, B>(
    context: E,
    config: EngineConfig,
    app: A,
    channels: Channels<S, R>,
    peers: P,
    blocker: B,
) -> Result<EngineHandle, Error>
where
    E: EngineRuntime,
    A: ChainApp,
    S: Sender<PublicKey = PublicKey>,
    R: Receiver<PublicKey = PublicKey>,
    P: Provider<PublicKey = PublicKey>,
    B: Blocker<PublicKey = PublicKey>,
{
    config.validate()?;
    spawn_root(context, config, app, move |_context| async move {
        Ok((channels, peers, blocker, None, None))
    })
    .await
}

/// What a network builder hands the engine: channels, peer provider, blocker and, if it owns
/// one, the network task to supervise and the function that tracks each epoch's peers.
type NetworkParts<S, R, P, B> = (
    Channels<S, R>,
    P,
    B,
    Option<Handle<()>>,
    Option<PeerTracker>,
);

/// Spawns the supervised root task, builds the network inside it (so stopping the root also
/// stops p2p), assembles the engine and reports start-up errors back to the caller.
async fn spawn_root<E, A, S, R, P, B, F, Fut>(
    context: E,
    config: EngineConfig,
    app: A,
    network: F,
) -> Result<EngineHandle, Error>
where
    E: EngineRuntime,
    A: ChainApp,
    S: Sender<PublicKey = PublicKey>,
    R: Receiver<PublicKey = PublicKey>,
    P: Provider<PublicKey = PublicKey>,
    B: Blocker<PublicKey = PublicKey>,
    F: FnOnce(E) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<NetworkParts<S, R, P, B>, Error>> + Send,
{
    let (ready_tx, ready_rx) = oneshot::channel();
    let root = context
        .child("phalanx_consensus")
        .spawn(move |context| async move {
            let parts = match network(context.child("network_builder")).await {
                Ok(parts) => parts,
                Err(err) => {
                    let _ = ready_tx.send(Err(err));
                    return;
                }
            };
            let engine = match assemble(context, config, app, parts).await {
                Ok(engine) => engine,
                Err(err) => {
                    let _ = ready_tx.send(Err(err));
                    return;
                }
            };
            let Assembled {
                tasks,
                executor,
                handle_parts,
            } = engine;
            let status = handle_parts.status.clone();
            if ready_tx.send(Ok(handle_parts)).is_err() {
                return;
            }
            // Run until any part ends; returning aborts the rest (they are our children).
            // The executor goes first: when it fails, marshal stops too (its acknowledgement is
            // dropped), and the executor's error is the one that says why.
            let mut all: Vec<Handle<Result<(), Error>>> = vec![executor];
            all.extend(tasks);
            let (result, index, _) = select_all(all).await;
            let error = match result {
                Ok(Ok(())) => Error::Stopped(format!("engine task {index} exited")),
                Ok(Err(err)) => err,
                Err(err) => Error::Stopped(format!("engine task {index} failed: {err}")),
            };
            warn!(%error, "consensus engine stopping");
            *status.failure.lock() = Some(error);
        });
    match ready_rx.await {
        Ok(Ok(parts)) => Ok(EngineHandle {
            root,
            executed: parts.executed,
            status: parts.status,
            marshal: parts.marshal,
            gossip: parts.gossip,
        }),
        Ok(Err(err)) => {
            let _ = root.await;
            Err(err)
        }
        Err(_) => {
            let _ = root.await;
            Err(Error::Stopped("engine failed during start-up".to_string()))
        }
    }
}

/// Parts of the handle created inside the root task.
struct HandleParts {
    executed: watch::Receiver<Executed>,
    status: Arc<Status>,
    marshal: MarshalMailbox<Scheme, Standard<Block>>,
    gossip: TxGossip,
}

struct Assembled {
    tasks: Vec<Handle<Result<(), Error>>>,
    executor: Handle<Result<(), Error>>,
    handle_parts: HandleParts,
}

/// Wraps an actor handle so all tasks share one result type.
fn supervise<E: Spawner>(
    context: E,
    name: &'static str,
    handle: Handle<()>,
) -> Handle<Result<(), Error>> {
    context.spawn(move |_| async move {
        handle
            .await
            .map_err(|err| Error::Stopped(format!("{name}: {err}")))?;
        Err(Error::Stopped(format!("{name} exited")))
    })
}

async fn assemble<E, A, S, R, P, B>(
    context: E,
    config: EngineConfig,
    app: A,
    (channels, peers, blocker, network, tracker): NetworkParts<S, R, P, B>,
) -> Result<Assembled, Error>
where
    E: EngineRuntime,
    A: ChainApp,
    S: Sender<PublicKey = PublicKey>,
    R: Receiver<PublicKey = PublicKey>,
    P: Provider<PublicKey = PublicKey>,
    B: Blocker<PublicKey = PublicKey>,
{
    let me = config.signer.public_key();
    let start_epoch = starting_epoch(&config, &app)?;
    let schemes = Schemes::new(config.namespace.clone(), config.signer.clone());
    schemes.register(start_epoch, config.participant_set()?.into_iter().collect())?;
    let mailbox_size = non_zero(config.mailbox_size, "mailbox_size")?;
    let max_pending_acks = non_zero(config.max_pending_acks, "max_pending_acks")?;
    let fetch_timeout = commonware_utils::NonZeroDuration::new(config.fetch_timeout)
        .ok_or_else(|| Error::Config("fetch_timeout must be positive".to_string()))?;
    let prefix = config.partition_prefix.clone();
    let page_cache = CacheRef::new(NZU16!(4_096), NZUsize!(1_024));
    let epocher = FixedEpocher::new(config.epoch_length);

    // Application state shared by proposal, verification and execution.
    let initial = app.last_executed();
    let genesis_app_hash = app.app_hash_at(0).ok_or_else(|| {
        Error::Config(
            "the application has no app hash for height 0 (its genesis state)".to_string(),
        )
    })?;
    let evidence = EvidencePool::default();
    let shared = Arc::new(Shared {
        app: Mutex::new(app),
        limits: config.limits,
        block_time: config.block_time,
        max_clock_drift: config.max_clock_drift,
        evidence: evidence.clone(),
        schemes: schemes.clone(),
    });
    let (executed_tx, executed_rx) = watch::channel::<Executed>(initial);
    info!(
        executed_height = initial.0,
        epoch = start_epoch,
        participants = config.participants.len(),
        "starting consensus engine"
    );

    // Marshal's archives of finalized blocks and their finalization certificates.
    let finalizations = immutable::Archive::init(
        context.child("finalizations_by_height"),
        archive_config(
            &format!("{prefix}-finalizations-by-height"),
            &page_cache,
            Scheme::certificate_codec_config_unbounded(),
        ),
    )
    .await
    .map_err(|err| Error::Storage(format!("finalizations archive: {err}")))?;
    let blocks = immutable::Archive::init(
        context.child("finalized_blocks"),
        archive_config(
            &format!("{prefix}-finalized-blocks"),
            &page_cache,
            config.limits,
        ),
    )
    .await
    .map_err(|err| Error::Storage(format!("blocks archive: {err}")))?;

    let genesis = Block::genesis(config.genesis_time_ms, genesis_app_hash);
    let genesis_digest = genesis.block_digest();
    let marshal_config = marshal::Config {
        provider: schemes.clone(),
        epocher: epocher.clone(),
        start: marshal::Start::Genesis(Digested::precomputed(genesis, genesis_digest)),
        partition_prefix: format!("{prefix}-marshal"),
        mailbox_size,
        view_retention: ViewDelta::new(MARSHAL_VIEW_RETENTION),
        prunable_items_per_section: NZU64!(4_096),
        page_cache: page_cache.clone(),
        replay_buffer: NZUsize!(1024 * 1024),
        key_write_buffer: NZUsize!(64 * 1024),
        value_write_buffer: NZUsize!(64 * 1024),
        block_codec_config: config.limits,
        max_repair: NZUsize!(16),
        max_pending_acks,
        strategy: Sequential,
    };
    let (marshal_actor, marshal_mailbox, _floor): (
        MarshalActor<_, Standard<Block>, _, _, _, _, _>,
        MarshalMailbox<Scheme, Standard<Block>>,
        _,
    ) = MarshalActor::init(
        context.child("marshal"),
        finalizations,
        blocks,
        marshal_config,
    )
    .await;

    // Block dissemination from proposers and backfill of finalized blocks.
    let (buffer_engine, buffer) = buffered::Engine::new(
        context.child("buffer"),
        buffered::Config {
            public_key: me.clone(),
            mailbox_size,
            deque_size: 16,
            priority: false,
            codec_config: config.limits,
            peer_provider: peers.clone(),
            strategy: Sequential,
        },
    );
    let backfill = marshal_resolver::init(
        context.child("backfill"),
        marshal_resolver::Config {
            public_key: me,
            peer_provider: peers,
            blocker: blocker.clone(),
            mailbox_size,
            fetch_timeout,
            fetch_retry_delay: Duration::from_millis(100),
            priority_requests: false,
            priority_responses: false,
        },
        channels.backfill,
    );

    // Execution after finality.
    let finalized_tip = Arc::new(AtomicU64::new(initial.0));
    let (deliveries_tx, deliveries_rx) = mpsc::unbounded_channel();
    let reporter = FinalizedReporter::new(deliveries_tx, finalized_tip.clone());

    // The block-level application, wrapped for simplex by marshal's inline verifier. One
    // wrapper serves every epoch's simplex instance.
    let adapter = Adapter::new(shared.clone(), executed_rx.clone());
    let wrapper = Inline::new(
        context.child("application"),
        adapter,
        marshal_mailbox.clone(),
        epocher.clone(),
    );

    // One simplex instance per epoch, each on its own sub-channel of the vote, certificate and
    // resolver channels. Votes for an epoch we have not entered reach the orchestrator, which
    // then fetches the boundary block we may have missed.
    let (orchestration_tx, orchestration_rx) = mpsc::unbounded_channel();
    orchestration_tx
        .send(Orchestration::Enter {
            epoch: start_epoch,
            floor: None,
        })
        .map_err(|_| Error::Stopped("epoch orchestrator".to_string()))?;
    let (vote_mux, votes, mut vote_backup) = Muxer::builder(
        context.child("vote_mux"),
        channels.votes.0,
        channels.votes.1,
    )
    .with_backup()
    .build();
    let (certificate_mux, certificates) = Muxer::new(
        context.child("certificate_mux"),
        channels.certificates.0,
        channels.certificates.1,
    );
    let (resolver_mux, resolvers) = Muxer::new(
        context.child("resolver_mux"),
        channels.resolver.0,
        channels.resolver.1,
    );
    let ahead = context.child("epoch_ahead").spawn({
        let orchestration = orchestration_tx.clone();
        move |_| async move {
            while let Some((epoch, (from, _))) = vote_backup.recv().await {
                if orchestration
                    .send(Orchestration::Ahead { epoch, from })
                    .is_err()
                {
                    break;
                }
            }
            Err(Error::Stopped("vote multiplexer".to_string()))
        }
    });
    let orchestrator = context.child("orchestrator").spawn({
        let simplex_context = context.child("simplex");
        let marshal = marshal_mailbox.clone();
        let schemes = schemes.clone();
        let epocher = epocher.clone();
        let timing = config.clone();
        move |_| async move {
            let mut votes = votes;
            let mut certificates = certificates;
            let mut resolvers = resolvers;
            let mut orchestration = orchestration_rx;
            let mut engines: BTreeMap<u64, Handle<()>> = BTreeMap::new();
            while let Some(request) = orchestration.recv().await {
                match request {
                    Orchestration::Enter { epoch, floor } => {
                        if engines
                            .keys()
                            .next_back()
                            .is_some_and(|latest| *latest >= epoch)
                        {
                            continue;
                        }
                        let scheme = schemes.get(epoch).ok_or_else(|| {
                            Error::Config(format!("no validator set known for epoch {epoch}"))
                        })?;
                        let floor = match floor {
                            Some(digest) => digest,
                            None => {
                                epoch_genesis(&marshal, &epocher, epoch, genesis_digest).await?
                            }
                        };
                        let channel = |r: Result<_, commonware_p2p::utils::mux::Error>| {
                            r.map_err(|err| {
                                Error::Stopped(format!("epoch {epoch} channels: {err}"))
                            })
                        };
                        let vote = channel(votes.register(epoch).await)?;
                        let certificate = channel(certificates.register(epoch).await)?;
                        let resolver = channel(resolvers.register(epoch).await)?;
                        let engine = simplex::Engine::new(
                            simplex_context
                                .child("epoch")
                                .with_attribute("epoch", epoch),
                            simplex::Config {
                                scheme: (*scheme).clone(),
                                elector: RoundRobin::<Sha256>::default(),
                                blocker: blocker.clone(),
                                automaton: wrapper.clone(),
                                relay: wrapper.clone(),
                                reporter: Reporters::from((
                                    wrapper.clone(),
                                    EvidenceReporter::new(evidence.clone(), (*scheme).clone()),
                                )),
                                track_historical_votes: false,
                                strategy: Sequential,
                                partition: format!("{prefix}-simplex-epoch-{epoch}"),
                                mailbox_size,
                                epoch: Epoch::new(epoch),
                                floor: simplex::Floor::Genesis(floor),
                                replay_buffer: NZUsize!(1024 * 1024),
                                write_buffer: NZUsize!(64 * 1024),
                                page_cache: page_cache.clone(),
                                leader_timeout: timing.leader_timeout,
                                certification_timeout: timing.certification_timeout,
                                timeout_retry: timing.timeout_retry,
                                view_retention: ViewDelta::new(CONSENSUS_VIEW_RETENTION),
                                skip: SkipPolicy::Enabled {
                                    timeout: timing.skip_timeout,
                                    budget: SkipBudget::Participants,
                                },
                                fetch_timeout,
                                fetch_retry_delay: Duration::from_millis(100),
                                forward: ForwardPolicy::SilentVoters,
                            },
                        );
                        // The previous epoch's instance retires: its last block is final, and
                        // peers that missed it fetch it through marshal.
                        for (old, handle) in std::mem::take(&mut engines) {
                            info!(epoch = old, "retiring consensus of a finished epoch");
                            handle.abort();
                        }
                        info!(epoch, voting = scheme.me().is_some(), "entering epoch");
                        engines.insert(epoch, engine.start(vote, certificate, resolver));
                    }
                    Orchestration::Ahead { epoch, from } => {
                        let Some(ours) = engines.keys().next_back().copied() else {
                            continue;
                        };
                        if epoch <= ours {
                            continue;
                        }
                        if let Some(boundary) = epocher.last(Epoch::new(ours)) {
                            debug!(
                                ours,
                                theirs = epoch,
                                "a peer is in a later epoch; fetching our epoch's last block"
                            );
                            marshal.hint_finalized(boundary, NonEmptyVec::new(from));
                        }
                    }
                }
            }
            Err(Error::Stopped("epoch orchestrator".to_string()))
        }
    });

    // Transaction gossip between mempools.
    let (gossip_tx, gossip_rx) = mpsc::unbounded_channel();
    let (txs_sender, txs_receiver) = channels.txs;
    let gossip_out = context
        .child("tx_gossip_out")
        .spawn(move |_| gossip::broadcast(txs_sender, gossip_rx, config.limits));
    // Asked for once, so gossiped transactions are admitted without the application's lock.
    // Admission verifies every transaction's signature synchronously: on a thread of its own (see
    // `dedicated_where_possible`).
    let tx_receiver = shared.app.lock().tx_receiver();
    let gossip_in = dedicated_where_possible(context.child("tx_gossip_in"))
        .spawn(move |_| gossip::receive(tx_receiver, txs_receiver, config.limits));

    let archive = marshal_mailbox.clone();
    let switch = EpochSwitch {
        epocher,
        schemes,
        orchestrator: orchestration_tx,
        peers: tracker,
        current: config.participants.clone(),
    };
    // Start order: the executor and marshal first so consensus output always has a consumer.
    // Execution runs a whole block synchronously: on a thread of its own (see
    // `dedicated_where_possible`).
    let executor = dedicated_where_possible(context.child("executor"))
        .spawn(move |_| executor::run(shared, deliveries_rx, executed_tx, archive, switch));
    let marshal_handle = marshal_actor.start(reporter, buffer.clone(), backfill);
    let buffer_handle = buffer_engine.start(channels.blocks);

    let mut tasks = vec![
        gossip_out,
        gossip_in,
        ahead,
        orchestrator,
        supervise(context.child("watch_marshal"), "marshal", marshal_handle),
        supervise(context.child("watch_buffer"), "block buffer", buffer_handle),
        supervise_mux(
            context.child("watch_vote_mux"),
            "vote multiplexer",
            vote_mux.start(),
        ),
        supervise_mux(
            context.child("watch_certificate_mux"),
            "certificate multiplexer",
            certificate_mux.start(),
        ),
        supervise_mux(
            context.child("watch_resolver_mux"),
            "resolver multiplexer",
            resolver_mux.start(),
        ),
    ];
    if let Some(network) = network {
        tasks.push(supervise(context.child("watch_p2p"), "p2p", network));
    }

    Ok(Assembled {
        tasks,
        executor,
        handle_parts: HandleParts {
            executed: executed_rx,
            status: Arc::new(Status {
                finalized_tip,
                failure: Mutex::new(None),
            }),
            marshal: marshal_mailbox,
            gossip: TxGossip::new(gossip_tx),
        },
    })
}

/// The genesis of `epoch`'s simplex instance: the chain's genesis for epoch 0, else the last
/// block of the previous epoch, read from marshal's archive (we executed it, so it is there).
async fn epoch_genesis(
    marshal: &MarshalMailbox<Scheme, Standard<Block>>,
    epocher: &FixedEpocher,
    epoch: u64,
    genesis: BlockDigest,
) -> Result<BlockDigest, Error> {
    let Some(previous) = epoch.checked_sub(1) else {
        return Ok(genesis);
    };
    let height = epocher
        .last(Epoch::new(previous))
        .ok_or_else(|| Error::Config(format!("epoch {previous} has no last height")))?;
    marshal
        .get_block(height)
        .await
        .map(|block| block.digest())
        .ok_or_else(|| {
            Error::Storage(format!(
                "the last block of epoch {previous} (height {height}) is missing from the archive"
            ))
        })
}

/// `context` set to run its next task on a thread of its own, for the engine's long-lived tasks
/// that call the application synchronously (block execution, gossip admission): those calls run
/// for as long as a block's or a batch's signature checks and state writes take, and on one of the
/// runtime's few shared async workers they would hold up the consensus timers, p2p and API tasks
/// queued behind them. Commonware's tokio runtime gives the task a dedicated thread (and waits for
/// it at shutdown, so an execution in progress still finishes); the deterministic runtime ignores
/// the hint and keeps its single-threaded, reproducible schedule.
fn dedicated_where_possible<E: Spawner>(context: E) -> E {
    context.dedicated()
}

/// Wraps a multiplexer's handle so all tasks share one result type.
fn supervise_mux<E: Spawner, T: std::fmt::Debug + Send + 'static>(
    context: E,
    name: &'static str,
    handle: Handle<Result<(), T>>,
) -> Handle<Result<(), Error>> {
    context.spawn(move |_| async move {
        match handle.await {
            Ok(Ok(())) => Err(Error::Stopped(format!("{name} exited"))),
            Ok(Err(err)) => Err(Error::Stopped(format!("{name}: {err:?}"))),
            Err(err) => Err(Error::Stopped(format!("{name}: {err}"))),
        }
    })
}

/// Archive settings shared by marshal's two immutable archives.
fn archive_config<C>(name: &str, page_cache: &CacheRef, codec_config: C) -> immutable::Config<C> {
    immutable::Config {
        metadata_partition: format!("{name}-metadata"),
        freezer_table_partition: format!("{name}-freezer-table"),
        freezer_table_initial_size: 1_024,
        freezer_table_resize_frequency: 4,
        freezer_table_resize_chunk_size: 1_024,
        freezer_key_partition: format!("{name}-freezer-key"),
        freezer_key_page_cache: page_cache.clone(),
        freezer_value_partition: format!("{name}-freezer-value"),
        freezer_value_target_size: 64 * 1024 * 1024,
        freezer_value_compression: None,
        ordinal_partition: format!("{name}-ordinal"),
        items_per_section: NZU64!(4_096),
        freezer_key_write_buffer: NZUsize!(64 * 1024),
        freezer_value_write_buffer: NZUsize!(64 * 1024),
        ordinal_write_buffer: NZUsize!(64 * 1024),
        replay_buffer: NZUsize!(1024 * 1024),
        codec_config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: u64) -> (PrivateKey, Vec<PublicKey>) {
        let signers: Vec<PrivateKey> = (0..n).map(PrivateKey::from_seed).collect();
        let participants = signers.iter().map(|s| s.public_key()).collect();
        (signers[0].clone(), participants)
    }

    #[test]
    fn default_config_is_valid() {
        let (signer, participants) = keys(4);
        let config = EngineConfig::new(signer, participants, b"phalanx-test".to_vec());
        config.validate().unwrap();
        assert_eq!(config.block_time, Duration::from_secs(1));
    }

    #[test]
    fn config_errors_are_reported_not_panicked() {
        let (signer, participants) = keys(4);
        let base = EngineConfig::new(signer, participants.clone(), b"phalanx-test".to_vec());

        // A node outside the set is valid: it follows consensus without voting.
        let mut outsider = base.clone();
        outsider.signer = PrivateKey::from_seed(99);
        outsider.validate().unwrap();

        let mut duplicate = base.clone();
        duplicate.participants.push(participants[1].clone());
        assert!(matches!(duplicate.validate(), Err(Error::Config(_))));

        let mut slow = base.clone();
        slow.block_time = slow.leader_timeout;
        assert!(matches!(slow.validate(), Err(Error::Config(_))));

        let mut empty = base;
        empty.participants.clear();
        assert!(matches!(empty.validate(), Err(Error::Config(_))));
    }

    #[test]
    fn message_size_covers_the_largest_block() {
        let limits = BlockLimits::default();
        assert!(max_message_size(4, &limits) as usize >= limits.max_encoded_block_size());
    }
}
