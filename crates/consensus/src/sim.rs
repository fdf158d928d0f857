//! Deterministic multi-validator harness (feature `sim`, for tests only): N validators in
//! Commonware's deterministic runtime over its simulated p2p network, with links the test can
//! cut and restore, and validators it can stop and restart on their storage.
//!
//! Shared by this crate's engine tests (with a toy state machine) and the node's network tests
//! (with the real application and store), so both drive the engine the same way. It uses the
//! ALPHA simulated network and deterministic runtime, which is why it lives here.

use crate::{
    app::ChainApp,
    block::{BlockDigest, BlockLimits},
    engine::{
        CHANNEL_BACKFILL, CHANNEL_BLOCKS, CHANNEL_CERTIFICATES, CHANNEL_RESOLVER, CHANNEL_TXS,
        CHANNEL_VOTES, Channels, EngineConfig, EngineHandle, channel_quota, max_message_size,
        start_with_channels,
    },
    error::Error,
};
use commonware_cryptography::{
    Signer as _,
    ed25519::{PrivateKey, PublicKey},
};
use commonware_p2p::simulated::{self, Network, Oracle};
use commonware_runtime::{Clock as _, Supervisor as _, deterministic};
use commonware_utils::{NZUsize, probability};
use std::time::Duration;

pub use commonware_p2p::simulated::Link;

/// A link with `latency_ms` latency, 10 ms jitter and no loss.
pub fn link(latency_ms: u64) -> Link {
    Link {
        latency: Duration::from_millis(latency_ms),
        jitter: Duration::from_millis(10),
        success_rate: probability!(1.0),
    }
}

/// A deterministic runner with a fixed seed (so a failure replays) and a generous time limit.
pub fn runner(seed: u64) -> deterministic::Runner {
    deterministic::Runner::new(
        deterministic::Config::new()
            .with_seed(seed)
            .with_timeout(Some(Duration::from_secs(600))),
    )
}

/// The validators' keys and the simulated network joining them.
pub struct SimNetwork {
    oracle: Oracle<PublicKey, deterministic::Context>,
    /// Validator signing keys, by index.
    pub signers: Vec<PrivateKey>,
    /// Validator public keys, by index.
    pub participants: Vec<PublicKey>,
    link: Link,
}

fn network_error(err: impl std::fmt::Display) -> Error {
    Error::Config(format!("simulated network: {err}"))
}

impl SimNetwork {
    /// `n` validators with keys derived from `key_seed`, fully linked with `link`.
    pub async fn new(
        context: &deterministic::Context,
        n: u64,
        key_seed: u64,
        link: Link,
    ) -> Result<Self, Error> {
        let signers: Vec<PrivateKey> = (0..n)
            .map(|i| PrivateKey::from_seed(key_seed.saturating_add(i)))
            .collect();
        let participants: Vec<PublicKey> = signers.iter().map(|s| s.public_key()).collect();
        let (network, oracle) = Network::new_with_peers(
            context.child("network"),
            simulated::Config {
                max_size: max_message_size(participants.len(), &BlockLimits::default()),
                max_peers_per_set: NZUsize!(participants.len().max(1)),
                disconnect_on_block: true,
                tracked_peer_sets: NZUsize!(1),
            },
            participants.clone(),
        )
        .await;
        network.start();
        let net = Self {
            oracle,
            signers,
            participants,
            link,
        };
        for index in 0..net.participants.len() {
            net.connect(index).await?;
        }
        Ok(net)
    }

    fn key(&self, index: usize) -> Result<&PublicKey, Error> {
        self.participants
            .get(index)
            .ok_or_else(|| Error::Config(format!("no validator {index}")))
    }

    /// Links between `index` and every other validator, in both directions.
    fn pairs(&self, index: usize) -> Result<Vec<(PublicKey, PublicKey)>, Error> {
        let me = self.key(index)?.clone();
        Ok(self
            .participants
            .iter()
            .filter(|other| **other != me)
            .flat_map(|other| [(me.clone(), other.clone()), (other.clone(), me.clone())])
            .collect())
    }

    /// Cuts every link of validator `index` (a partition isolating it).
    pub async fn isolate(&self, index: usize) -> Result<(), Error> {
        for (from, to) in self.pairs(index)? {
            self.oracle
                .remove_link(from, to)
                .await
                .map_err(network_error)?;
        }
        Ok(())
    }

    /// Restores the links of validator `index` to everyone (ignoring links that exist).
    pub async fn connect(&self, index: usize) -> Result<(), Error> {
        for (from, to) in self.pairs(index)? {
            // Adding an existing link fails; a half-restored partition is fine to redo.
            let _ = self.oracle.add_link(from, to, self.link.clone()).await;
        }
        Ok(())
    }

    /// The default engine configuration of validator `index` (1 s blocks), its storage
    /// partitions named after the index so a restart finds them.
    pub fn config(&self, index: usize, namespace: &[u8]) -> Result<EngineConfig, Error> {
        let signer = self
            .signers
            .get(index)
            .ok_or_else(|| Error::Config(format!("no validator {index}")))?;
        let mut config = EngineConfig::new(
            signer.clone(),
            self.participants.clone(),
            namespace.to_vec(),
        );
        config.partition_prefix = format!("validator-{index}");
        Ok(config)
    }

    /// Starts validator `index` with `config` and `app`, registering its six channels.
    pub async fn start<A: ChainApp>(
        &self,
        context: &deterministic::Context,
        index: usize,
        config: EngineConfig,
        app: A,
    ) -> Result<EngineHandle, Error> {
        let control = self.oracle.control(self.key(index)?.clone());
        let quota = channel_quota();
        let channels = Channels {
            votes: control
                .register(CHANNEL_VOTES, quota)
                .await
                .map_err(network_error)?,
            certificates: control
                .register(CHANNEL_CERTIFICATES, quota)
                .await
                .map_err(network_error)?,
            resolver: control
                .register(CHANNEL_RESOLVER, quota)
                .await
                .map_err(network_error)?,
            blocks: control
                .register(CHANNEL_BLOCKS, quota)
                .await
                .map_err(network_error)?,
            backfill: control
                .register(CHANNEL_BACKFILL, quota)
                .await
                .map_err(network_error)?,
            txs: control
                .register(CHANNEL_TXS, quota)
                .await
                .map_err(network_error)?,
        };
        start_with_channels(
            context.child("validator").with_attribute("index", index),
            config,
            app,
            channels,
            self.oracle.manager(),
            control,
        )
        .await
    }
}

/// Waits (in simulated time) until every handle has executed `height`; fails as soon as one of
/// them stopped by itself.
pub async fn wait_all(
    context: &deterministic::Context,
    handles: &[&EngineHandle],
    height: u64,
) -> Result<(), Error> {
    loop {
        if handles.iter().all(|h| h.last_executed().0 >= height) {
            return Ok(());
        }
        if let Some(failure) = handles.iter().find_map(|h| h.failure()) {
            return Err(failure);
        }
        context.sleep(Duration::from_millis(50)).await;
    }
}

/// Runs validator `index` as an equivocator instead of a validator: when it sees a vote for view
/// `v`, it signs and sends two notarizes for different payloads in view `v + 1`, before honest
/// validators reach that view. They detect the conflict and report evidence.
pub async fn start_equivocator(
    net: &SimNetwork,
    context: &deterministic::Context,
    index: usize,
    namespace: &[u8],
) -> Result<commonware_runtime::Handle<()>, Error> {
    use commonware_codec::{DecodeExt as _, Encode as _};
    use commonware_consensus::{
        Epochable as _, Viewable as _,
        simplex::{
            scheme::ed25519::Scheme,
            types::{Notarize, Proposal, Vote},
        },
        types::{Round, View},
    };
    use commonware_cryptography::{Hasher as _, Sha256};
    use commonware_p2p::{Receiver as _, Recipients, Sender as _};
    use commonware_runtime::Spawner as _;

    let signer = net
        .signers
        .get(index)
        .ok_or_else(|| Error::Config(format!("no validator {index}")))?
        .clone();
    let participants = commonware_utils::ordered::Set::try_from(net.participants.clone())
        .map_err(|_| Error::Config("duplicate participant".to_string()))?;
    let scheme = Scheme::signer(namespace, participants, signer)
        .ok_or_else(|| Error::Config("the equivocator is not a participant".to_string()))?;
    let control = net.oracle.control(net.key(index)?.clone());
    let (raw_sender, raw_receiver) = control
        .register(CHANNEL_VOTES, channel_quota())
        .await
        .map_err(network_error)?;
    // Votes travel on one sub-channel per epoch; the equivocator acts in epoch 0.
    let (mux, mut subchannels) = commonware_p2p::utils::mux::Muxer::new(
        context.child("equivocator_mux"),
        raw_sender,
        raw_receiver,
    );
    let _mux = mux.start();
    let (mut sender, mut receiver) = subchannels.register(0).await.map_err(network_error)?;
    Ok(context.child("equivocator").spawn(move |_| async move {
        let mut last = 0u64;
        while let Ok((_, message)) = receiver.recv().await {
            let Ok(seen) = Vote::<Scheme, BlockDigest>::decode(message) else {
                continue;
            };
            let (epoch, view) = match &seen {
                Vote::Notarize(v) => (v.epoch(), v.view()),
                Vote::Nullify(v) => (v.epoch(), v.view()),
                Vote::Finalize(v) => (v.epoch(), v.view()),
            };
            if view.get() < last {
                continue;
            }
            last = view.get().saturating_add(1);
            let round = Round::new(epoch, View::new(last));
            for payload in [&b"a"[..], b"b"] {
                let digest = Sha256::hash(&[&last.to_be_bytes(), payload]);
                let proposal = Proposal::new(round, view, digest);
                if let Some(vote) = Notarize::<Scheme, _>::sign(&scheme, proposal) {
                    let _ = sender.send(Recipients::All, Vote::Notarize(vote).encode(), true);
                }
            }
        }
    }))
}
