//! The Phalanx block: what consensus orders and what the application executes.
//!
//! A block carries its height, its parent's digest, the proposer's timestamp, the app hash of the
//! latest height the proposer had executed (with that height) and the transactions as opaque
//! bytes. Transactions stay opaque here so this crate never depends on the transaction format:
//! the application decodes and checks them.
//!
//! Committing to the app hash of an *already executed* height (rather than the result of this
//! block) means no proposer executes speculatively and every honest verifier can check the claim
//! against state it computes anyway once that height is finalized.

use crate::evidence::{Evidence, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_PER_BLOCK};
use bytes::BufMut;
use commonware_codec::{
    Buf, EncodeSize, Error as CodecError, FixedSize, RangeCfg, Read, ReadExt, Write, varint::UInt,
};
use commonware_consensus::{Heightable, types::Height};
use commonware_cryptography::{Digestible, Hasher, Sha256, sha256::Digest};

/// Digest that identifies a block: sha256 of its canonical encoding.
pub type BlockDigest = Digest;

/// Size of an application state hash.
pub const APP_HASH_LEN: usize = 32;

/// An application state hash (the JMT root in the node).
pub type AppHash = [u8; APP_HASH_LEN];

/// Bytes of the fixed-size header: height, parent, timestamp, executed height, app hash.
const HEADER_LEN: usize = u64::SIZE + Digest::SIZE + u64::SIZE + u64::SIZE + APP_HASH_LEN;

/// Limits enforced when decoding a block, so a peer cannot make us allocate without bound.
///
/// Every validator must use the same limits: a block that one node accepts and another cannot
/// decode would stall the slower one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockLimits {
    /// Maximum number of transactions in one block.
    pub max_txs: usize,
    /// Maximum size of one transaction in bytes.
    pub max_tx_bytes: usize,
    /// Maximum sum of transaction sizes in one block, in bytes.
    pub max_block_tx_bytes: usize,
}

impl Default for BlockLimits {
    /// Generous limits for a restaking chain: 10,000 txs, 64 KiB each, 4 MiB in total. The chain's
    /// own `max_tx_bytes` parameter is bounded by the 64 KiB (`phalanx_types`' `MAX_TX_BYTES`, held
    /// equal to it by a node test), so that every transaction the mempool admits can be proposed.
    fn default() -> Self {
        Self {
            max_txs: 10_000,
            max_tx_bytes: 64 * 1024,
            max_block_tx_bytes: 4 * 1024 * 1024,
        }
    }
}

impl BlockLimits {
    /// Upper bound of the encoded size of any block these limits admit.
    ///
    /// Used to size the p2p message limit and marshal's payloads. Saturating, so absurd limits
    /// give a large bound rather than an overflow.
    pub fn max_encoded_block_size(&self) -> usize {
        let per_tx_prefix = UInt(self.max_tx_bytes as u64).encode_size();
        let count_prefix = UInt(self.max_txs as u64).encode_size();
        let evidence_prefix = UInt(MAX_EVIDENCE_PER_BLOCK as u64).encode_size();
        HEADER_LEN
            .saturating_add(count_prefix)
            .saturating_add(self.max_txs.saturating_mul(per_tx_prefix))
            .saturating_add(self.max_block_tx_bytes)
            .saturating_add(evidence_prefix)
            .saturating_add(MAX_EVIDENCE_PER_BLOCK.saturating_mul(MAX_EVIDENCE_BYTES))
    }
}

/// A block of the Phalanx chain.
///
/// Fields are private so the cached digest always matches the contents; build blocks with
/// [`Block::new`] and read them with the accessors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    height: u64,
    parent: BlockDigest,
    timestamp_ms: u64,
    executed_height: u64,
    app_hash: AppHash,
    txs: Vec<Vec<u8>>,
    /// Equivocation evidence to record (verified against the validator set before voting).
    evidence: Vec<Evidence>,
    /// sha256 of the encoding; computed once at construction or decoding, never encoded.
    digest: BlockDigest,
}

impl Block {
    /// Builds a block and computes its digest.
    pub fn new(
        height: u64,
        parent: BlockDigest,
        timestamp_ms: u64,
        executed_height: u64,
        app_hash: AppHash,
        txs: Vec<Vec<u8>>,
    ) -> Self {
        Self::assemble(
            (height, parent, timestamp_ms, executed_height, app_hash),
            txs,
            Vec::new(),
        )
    }

    /// Builds a block from its header fields, transactions and evidence, hashing it once.
    fn assemble(
        (height, parent, timestamp_ms, executed_height, app_hash): (
            u64,
            BlockDigest,
            u64,
            u64,
            AppHash,
        ),
        txs: Vec<Vec<u8>>,
        evidence: Vec<Evidence>,
    ) -> Self {
        let mut block = Self {
            height,
            parent,
            timestamp_ms,
            executed_height,
            app_hash,
            txs,
            evidence,
            digest: Digest([0u8; 32]),
        };
        block.digest = block.compute_digest();
        block
    }

    /// The same block carrying `evidence` (recomputes the digest).
    pub fn with_evidence(mut self, evidence: Vec<Evidence>) -> Self {
        self.evidence = evidence;
        self.digest = self.compute_digest();
        self
    }

    /// The genesis block every validator starts from (height 0, no transactions).
    ///
    /// It is never executed: the application's genesis state stands for height 0, and the block
    /// commits to that state's hash, so chains with different genesis states have different
    /// genesis digests. Its timestamp is the chain's genesis time so the first real block must be
    /// later.
    pub fn genesis(genesis_time_ms: u64, genesis_app_hash: AppHash) -> Self {
        Self::new(
            0,
            Digest([0u8; 32]),
            genesis_time_ms,
            0,
            genesis_app_hash,
            Vec::new(),
        )
    }

    fn compute_digest(&self) -> BlockDigest {
        let mut buf = Vec::with_capacity(self.encode_size());
        self.write(&mut buf);
        Sha256::hash(&[&buf])
    }

    /// Height of this block (genesis is 0).
    pub const fn height(&self) -> u64 {
        self.height
    }

    /// Digest of the parent block.
    pub const fn parent(&self) -> BlockDigest {
        self.parent
    }

    /// Proposer's wall-clock time in milliseconds since the Unix epoch; strictly increasing along
    /// the chain. State transitions read time from here, never from a local clock.
    pub const fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// Height whose post-state hash [`Block::app_hash`] is.
    pub const fn executed_height(&self) -> u64 {
        self.executed_height
    }

    /// App hash after executing height [`Block::executed_height`].
    pub const fn app_hash(&self) -> AppHash {
        self.app_hash
    }

    /// Transactions in order, as opaque bytes.
    pub fn txs(&self) -> &[Vec<u8>] {
        &self.txs
    }

    /// Equivocation evidence the block records.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// Sum of the transaction sizes in bytes.
    pub fn tx_bytes(&self) -> usize {
        self.txs
            .iter()
            .fold(0usize, |acc, tx| acc.saturating_add(tx.len()))
    }

    /// Digest of this block (sha256 of its encoding).
    pub const fn block_digest(&self) -> BlockDigest {
        self.digest
    }

    /// Digest as plain bytes, for APIs and indexes outside consensus.
    pub fn digest_bytes(&self) -> [u8; 32] {
        self.digest.0
    }
}

impl Write for Block {
    fn write(&self, buf: &mut impl BufMut) {
        self.height.write(buf);
        self.parent.write(buf);
        self.timestamp_ms.write(buf);
        self.executed_height.write(buf);
        self.app_hash.write(buf);
        write_txs(&self.txs, buf);
        UInt(self.evidence.len() as u64).write(buf);
        for item in &self.evidence {
            item.write(buf);
        }
    }
}

/// Writes a transaction list: a varint count, then each transaction length-prefixed. Shared by
/// blocks and transaction gossip so both have one format and one set of limits.
pub(crate) fn write_txs(txs: &[Vec<u8>], buf: &mut impl BufMut) {
    UInt(txs.len() as u64).write(buf);
    for tx in txs {
        tx.write(buf);
    }
}

/// Encoded size of [`write_txs`]'s output.
pub(crate) fn txs_encode_size(txs: &[Vec<u8>]) -> usize {
    txs.iter()
        .fold(UInt(txs.len() as u64).encode_size(), |acc, tx| {
            acc.saturating_add(tx.encode_size())
        })
}

/// Reads a transaction list written by [`write_txs`], refusing more transactions, larger ones or
/// more bytes in total than `limits` admit (before allocating for them).
pub(crate) fn read_txs(
    buf: &mut impl Buf,
    limits: &BlockLimits,
) -> Result<Vec<Vec<u8>>, CodecError> {
    let count: u64 = UInt::read(buf)?.into();
    let count = usize::try_from(count).map_err(|_| CodecError::InvalidUsize)?;
    if count > limits.max_txs {
        return Err(CodecError::InvalidLength(count));
    }
    let tx_range = RangeCfg::new(..=limits.max_tx_bytes);
    let mut txs = Vec::with_capacity(count);
    let mut total = 0usize;
    for _ in 0..count {
        let tx = Vec::<u8>::read_cfg(buf, &(tx_range, ()))?;
        total = total.saturating_add(tx.len());
        if total > limits.max_block_tx_bytes {
            return Err(CodecError::Invalid(
                "Block",
                "transactions exceed the block limit",
            ));
        }
        txs.push(tx);
    }
    Ok(txs)
}

impl EncodeSize for Block {
    fn encode_size(&self) -> usize {
        let evidence = self.evidence.iter().fold(
            UInt(self.evidence.len() as u64).encode_size(),
            |acc, item| acc.saturating_add(item.encode_size()),
        );
        HEADER_LEN
            .saturating_add(txs_encode_size(&self.txs))
            .saturating_add(evidence)
    }
}

impl Read for Block {
    type Cfg = BlockLimits;

    fn read_cfg(buf: &mut impl Buf, limits: &Self::Cfg) -> Result<Self, CodecError> {
        let height = u64::read(buf)?;
        let parent = Digest::read(buf)?;
        let timestamp_ms = u64::read(buf)?;
        let executed_height = u64::read(buf)?;
        let app_hash = <[u8; APP_HASH_LEN]>::read(buf)?;
        let txs = read_txs(buf, limits)?;
        let count: u64 = UInt::read(buf)?.into();
        let count = usize::try_from(count).map_err(|_| CodecError::InvalidUsize)?;
        if count > MAX_EVIDENCE_PER_BLOCK {
            return Err(CodecError::InvalidLength(count));
        }
        let mut evidence = Vec::with_capacity(count);
        for _ in 0..count {
            evidence.push(Evidence::read(buf)?);
        }
        if executed_height >= height && height != 0 {
            return Err(CodecError::Invalid(
                "Block",
                "executed height must be below the block height",
            ));
        }
        Ok(Self::assemble(
            (height, parent, timestamp_ms, executed_height, app_hash),
            txs,
            evidence,
        ))
    }
}

impl Digestible for Block {
    type Digest = BlockDigest;

    fn digest(&self) -> BlockDigest {
        self.digest
    }
}

impl Heightable for Block {
    fn height(&self) -> Height {
        Height::new(self.height)
    }
}

impl commonware_consensus::Block for Block {
    fn parent(&self) -> BlockDigest {
        self.parent
    }
}

impl commonware_consensus::BoundedBlock for Block {
    fn max_encode_size(limits: &BlockLimits) -> usize {
        limits.max_encoded_block_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{Decode, Encode};

    fn sample() -> Block {
        Block::new(
            7,
            Sha256::hash(&[b"parent"]),
            1_000,
            5,
            [9u8; 32],
            vec![b"a".to_vec(), vec![1, 2, 3], Vec::new()],
        )
    }

    #[test]
    fn roundtrip_is_canonical_and_digest_is_sha256_of_encoding() {
        let block = sample();
        let bytes = block.encode();
        assert_eq!(bytes.len(), block.encode_size());
        let decoded = Block::decode_cfg(bytes.clone(), &BlockLimits::default()).unwrap();
        assert_eq!(decoded, block);
        assert_eq!(decoded.encode(), bytes);
        assert_eq!(block.block_digest(), Sha256::hash(&[&bytes]));
    }

    #[test]
    fn decoding_enforces_limits() {
        let block = sample();
        let bytes = block.encode();
        let few = BlockLimits {
            max_txs: 2,
            ..BlockLimits::default()
        };
        assert!(Block::decode_cfg(bytes.clone(), &few).is_err());
        let small_tx = BlockLimits {
            max_tx_bytes: 2,
            ..BlockLimits::default()
        };
        assert!(Block::decode_cfg(bytes.clone(), &small_tx).is_err());
        let small_block = BlockLimits {
            max_block_tx_bytes: 3,
            ..BlockLimits::default()
        };
        assert!(Block::decode_cfg(bytes.clone(), &small_block).is_err());
        let exact = BlockLimits {
            max_txs: 3,
            max_tx_bytes: 3,
            max_block_tx_bytes: 4,
        };
        assert!(Block::decode_cfg(bytes.clone(), &exact).is_ok());
        assert!(block.encode_size() <= exact.max_encoded_block_size());
    }

    #[test]
    fn decoding_rejects_truncation_and_trailing_bytes() {
        let bytes = sample().encode();
        let truncated = bytes.slice(..bytes.len() - 1);
        assert!(Block::decode_cfg(truncated, &BlockLimits::default()).is_err());
        let mut extended = bytes.to_vec();
        extended.push(0);
        assert!(Block::decode_cfg(bytes::Bytes::from(extended), &BlockLimits::default()).is_err());
    }

    #[test]
    fn executed_height_must_be_below_height() {
        let bad = Block::new(3, Sha256::hash(&[b"p"]), 1, 3, [0u8; 32], Vec::new());
        assert!(Block::decode_cfg(bad.encode(), &BlockLimits::default()).is_err());
    }

    #[test]
    fn digest_changes_with_any_field() {
        let base = sample();
        let other = Block::new(
            base.height(),
            base.parent(),
            base.timestamp_ms() + 1,
            base.executed_height(),
            base.app_hash(),
            base.txs().to_vec(),
        );
        assert_ne!(base.block_digest(), other.block_digest());
    }
}
