//! The mempool: signed transactions admitted with the same checks block execution runs (CheckTx),
//! bounded in count and bytes, kept in arrival order, and re-checked after every block so that
//! transactions made invalid by the block (used sequence, spent fee) are dropped.
//!
//! Admission reads only a few keys (the tx parameters and the chain id,
//! [`ante::chain_admission_reads`]; the signer's account and fee balance,
//! [`ante::signer_admission_reads`]), so after a block the pool re-checks only the transactions
//! whose keys the block, or a block since their last check, wrote; the others would pass again as
//! they are. A full pool thus costs a block a lookup per transaction, not a decode, several reads and
//! a sign-doc hash.
//!
//! Per signer, admitted sequences are contiguous from the account's sequence, so reaping in arrival
//! order always proposes each signer's transactions in sequence order.
//!
//! Per signer and fee denom, the pool keeps the sum of the fees of the signer's waiting transactions
//! and admits a transaction only if that sum and its fee together fit the signer's balance: checked
//! against the balance alone, an account holding a single fee could fill the pool, and blocks, with
//! transactions of which all but the first then fail admission and pay nothing. After a block the
//! sums are checked again against the new balances, and a signer's transactions that no longer fit
//! are dropped from its highest sequence down, so its sequences stay contiguous.
//!
//! Each signature is verified once: the pool remembers the valid ones in a [`SignatureCache`] that
//! its re-checks and the execution of the block that carries the transaction consult.

use crate::ante::{self, Authenticated};
use crate::signature_cache::SignatureCache;
use phalanx_state::StateRead;
use phalanx_types::encoding::hex_upper;
use phalanx_types::error::{AuthError, Result};
use phalanx_types::proto::tx::tx_hash;
use phalanx_types::{Address, Coin, Error};
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

/// A transaction's identity: sha256 of its bytes, as Cosmos computes it.
pub type TxHash = [u8; 32];

/// Why the mempool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// It failed admission; the error says which check.
    #[error(transparent)]
    Rejected(#[from] Error),
    /// The same bytes are already waiting.
    #[error("transaction {0} is already in the mempool")]
    Duplicate(String),
    /// No room (count or bytes); try again after the next block.
    #[error("mempool is full ({0}); try again after the next block")]
    Full(String),
}

/// A transaction checked ahead of the pool ([`Mempool::check_ahead`]), to be handed to
/// [`Mempool::insert_checked`] with the same state.
#[derive(Debug)]
pub struct Checked {
    hash: TxHash,
    bytes: Vec<u8>,
    height: u64,
    outcome: Result<Authenticated>,
}

impl Checked {
    /// The transaction's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// What the checks found, the sequence checked against the account only.
    pub fn outcome(&self) -> &Result<Authenticated> {
        &self.outcome
    }
}

/// Blocks whose written keys the pool remembers: a transaction last checked against a state up to
/// this many blocks old is re-checked only if one of the blocks since wrote a key it reads; one
/// checked against an older state is always re-checked.
const WRITTEN_HISTORY: usize = 8;

struct Pending {
    bytes: Vec<u8>,
    signer: Address,
    sequence: u64,
    gas_limit: u64,
    timeout_height: u64,
    /// The fee it pays, counted in its signer's pending fees; `None` for a zero fee.
    fee: Option<Coin>,
    /// The height of the state the transaction last passed admission against.
    checked_after: u64,
}

/// A signer and a fee denom: what pending fees are summed by.
type FeeKey = (Address, String);

/// Bounded pool of admitted transactions.
pub struct Mempool {
    max_txs: usize,
    max_bytes: usize,
    next_arrival: u64,
    total_bytes: usize,
    /// Arrival number → transaction.
    by_arrival: BTreeMap<u64, (TxHash, Pending)>,
    /// Hash → arrival number.
    by_hash: BTreeMap<TxHash, u64>,
    /// (signer, sequence) → arrival number.
    by_signer: BTreeMap<(Address, u64), u64>,
    /// (signer, denom) → sum of the fees of the signer's waiting transactions; no zero entries.
    pending_fees: BTreeMap<FeeKey, u128>,
    /// Signatures found valid, shared with block execution.
    signatures: Arc<SignatureCache>,
    /// What each of the last [`WRITTEN_HISTORY`] blocks wrote, oldest first.
    written: VecDeque<Written>,
    /// Hashes written keys ([`WrittenKeys`]); randomly keyed, so no one can pick keys that collide.
    key_hasher: RandomState,
}

/// The keys a block wrote, as [`Mempool::update`] needs them: hashed by the pool
/// ([`Mempool::written_keys`]) instead of copied, since a block writes some ten thousand keys. Two
/// keys with one hash only make the pool re-check a transaction it could have kept as it was.
#[derive(Debug, Default)]
pub struct WrittenKeys {
    /// Only tested for membership, never iterated, so nothing depends on their order.
    hashes: HashSet<u64>,
}

/// The keys a block wrote, as the re-check after it needs them.
struct Written {
    height: u64,
    /// Whether it wrote a chain-wide key admission reads: then every transaction is re-checked.
    chain_wide: bool,
    keys: WrittenKeys,
}

impl Mempool {
    /// An empty mempool holding at most `max_txs` transactions and `max_bytes` bytes. Its signature
    /// cache holds twice `max_txs`: every waiting transaction, and as many reaped into blocks that
    /// have not executed yet.
    pub fn new(max_txs: usize, max_bytes: usize) -> Self {
        Self {
            max_txs,
            max_bytes,
            next_arrival: 0,
            total_bytes: 0,
            by_arrival: BTreeMap::new(),
            by_hash: BTreeMap::new(),
            by_signer: BTreeMap::new(),
            pending_fees: BTreeMap::new(),
            signatures: Arc::new(SignatureCache::new(max_txs.saturating_mul(2))),
            written: VecDeque::new(),
            key_hasher: RandomState::new(),
        }
    }

    /// The keys a block wrote, hashed for [`Mempool::update`]; taken before the block's writes are
    /// handed to the store.
    pub fn written_keys<K: AsRef<[u8]>>(&self, keys: impl IntoIterator<Item = K>) -> WrittenKeys {
        WrittenKeys {
            hashes: keys
                .into_iter()
                .map(|k| self.key_hash(k.as_ref()))
                .collect(),
        }
    }

    fn key_hash(&self, key: &[u8]) -> u64 {
        self.key_hasher.hash_one(key)
    }

    /// Whether `written` may hold `key` (a false "yes" only costs a re-check).
    fn may_have_written(&self, written: &WrittenKeys, key: &[u8]) -> bool {
        written.hashes.contains(&self.key_hash(key))
    }

    /// The signatures this pool found valid, for [`crate::execute_signed_block_with`] and
    /// [`Mempool::check_ahead`].
    pub fn signatures(&self) -> Arc<SignatureCache> {
        Arc::clone(&self.signatures)
    }

    /// Runs the admission checks against `state` for execution at `height`, and remembers a valid
    /// signature in `signatures`, without the pool: a caller does this costly part before taking the
    /// pool's lock, then hands the result to [`Mempool::insert_checked`]. The sequence is checked
    /// against the account only; the insert checks it against the signer's waiting transactions.
    pub fn check_ahead(
        state: &dyn StateRead,
        bytes: Vec<u8>,
        height: u64,
        signatures: &SignatureCache,
    ) -> Checked {
        let hash = tx_hash(&bytes);
        let outcome = Self::check(state, &hash, &bytes, height, None, signatures);
        Checked {
            hash,
            bytes,
            height,
            outcome,
        }
    }

    /// [`ante::authenticate`], skipping the signature when `signatures` holds it and remembering it
    /// there once valid.
    fn check(
        state: &dyn StateRead,
        hash: &TxHash,
        bytes: &[u8],
        height: u64,
        expected_sequence: Option<u64>,
        signatures: &SignatureCache,
    ) -> Result<Authenticated> {
        let known = signatures.get(hash);
        let admitted = ante::authenticate_preverified(
            state,
            bytes,
            height,
            expected_sequence,
            ante::SignatureCheck {
                preverified: known.as_ref(),
                keys: Some(signatures),
            },
        )?;
        if known != Some(admitted.digest) {
            signatures.remember(*hash, admitted.digest);
        }
        Ok(admitted)
    }

    /// Number of waiting transactions.
    pub fn len(&self) -> usize {
        self.by_arrival.len()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.by_arrival.is_empty()
    }

    /// Bytes held.
    pub fn total_bytes(&self) -> usize {
        self.total_bytes
    }

    /// Whether a transaction with this hash is waiting.
    pub fn contains(&self, hash: &TxHash) -> bool {
        self.by_hash.contains_key(hash)
    }

    /// The sum of the fees in `denom` of `signer`'s waiting transactions: what its balance must
    /// cover besides the fee of any transaction it adds.
    pub fn pending_fees(&self, signer: &Address, denom: &str) -> u128 {
        self.pending_fees
            .get(&(*signer, denom.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// The sequence the signer's next transaction must carry, counting those already waiting.
    fn next_sequence(&self, state: &dyn StateRead, signer: &Address) -> Result<Option<u64>> {
        let Some(account) = phalanx_protocol::auth::account(state, signer)? else {
            return Ok(None);
        };
        let mut next = account.sequence;
        while self.by_signer.contains_key(&(*signer, next)) {
            next = next.saturating_add(1);
        }
        Ok(Some(next))
    }

    /// Admits `bytes` if they pass every check against `state` for execution at `height`. `state` is
    /// the state after block `height - 1`: the pool counts the blocks that may have invalidated the
    /// transaction from there.
    pub fn insert(
        &mut self,
        state: &dyn StateRead,
        bytes: Vec<u8>,
        height: u64,
    ) -> std::result::Result<TxHash, MempoolError> {
        self.check_room(&tx_hash(&bytes), bytes.len())?;
        let checked = Self::check_ahead(state, bytes, height, &self.signatures);
        self.insert_checked(state, checked)
    }

    /// Admits a transaction [`Mempool::check_ahead`] checked against `state`, which must be the
    /// state it was checked against. When none of the signer's transactions waits, that check was
    /// the whole admission and is not repeated; otherwise the transaction is checked again against
    /// the signer's next pending sequence.
    pub fn insert_checked(
        &mut self,
        state: &dyn StateRead,
        checked: Checked,
    ) -> std::result::Result<TxHash, MempoolError> {
        let Checked {
            hash,
            bytes,
            height,
            outcome,
        } = checked;
        self.check_room(&hash, bytes.len())?;
        let signer = match &outcome {
            Ok(a) => a.tx.signer,
            Err(_) => phalanx_types::proto::tx::decode_tx(&bytes)?.signer,
        };
        let expected = self.next_sequence(state, &signer)?;
        let admitted = match outcome {
            Ok(a) if expected == Some(a.account.sequence) => a,
            _ => Self::check(state, &hash, &bytes, height, expected, &self.signatures)?,
        };
        let fee = fee_of(&admitted);
        if let Some(fee) = &fee {
            fee_fits(
                self.pending_fees(&signer, &fee.denom),
                fee,
                admitted.fee_balance,
            )?;
        }
        self.push(hash, bytes, &admitted, fee, height.saturating_sub(1));
        Ok(hash)
    }

    /// Refuses a transaction already waiting, or one the pool has no room for. Cheap: a caller
    /// runs it before [`Mempool::check_ahead`], so that a full pool costs a submission no signature
    /// verification (and no entry in the signature cache); [`Mempool::insert_checked`] runs it
    /// again under the lock.
    pub fn check_room(&self, hash: &TxHash, len: usize) -> std::result::Result<(), MempoolError> {
        if self.by_hash.contains_key(hash) {
            return Err(MempoolError::Duplicate(hex_upper(hash)));
        }
        if self.by_arrival.len() >= self.max_txs {
            return Err(MempoolError::Full(format!("{} transactions", self.max_txs)));
        }
        if self.total_bytes.saturating_add(len) > self.max_bytes {
            return Err(MempoolError::Full(format!("{} bytes", self.max_bytes)));
        }
        Ok(())
    }

    /// Adds an admitted transaction whose fee [`fee_fits`] the signer's pending fees.
    fn push(
        &mut self,
        hash: TxHash,
        bytes: Vec<u8>,
        a: &Authenticated,
        fee: Option<Coin>,
        checked_after: u64,
    ) {
        let arrival = self.next_arrival;
        self.next_arrival = self.next_arrival.saturating_add(1);
        self.total_bytes = self.total_bytes.saturating_add(bytes.len());
        if let Some(fee) = &fee {
            // Cannot saturate: the sum was found to fit a balance, itself a u128.
            let total = self
                .pending_fees
                .entry((a.tx.signer, fee.denom.clone()))
                .or_insert(0);
            *total = total.saturating_add(fee.amount);
        }
        self.by_hash.insert(hash, arrival);
        self.by_signer.insert((a.tx.signer, a.tx.sequence), arrival);
        self.by_arrival.insert(
            arrival,
            (
                hash,
                Pending {
                    bytes,
                    signer: a.tx.signer,
                    sequence: a.tx.sequence,
                    gas_limit: a.tx.gas_limit,
                    timeout_height: a.tx.timeout_height,
                    fee,
                    checked_after,
                },
            ),
        );
    }

    fn remove(&mut self, arrival: u64) {
        if let Some((hash, p)) = self.by_arrival.remove(&arrival) {
            self.total_bytes = self.total_bytes.saturating_sub(p.bytes.len());
            self.by_hash.remove(&hash);
            self.by_signer.remove(&(p.signer, p.sequence));
            if let Some(fee) = p.fee {
                let key = (p.signer, fee.denom);
                if let Some(total) = self.pending_fees.get_mut(&key) {
                    *total = total.saturating_sub(fee.amount);
                    if *total == 0 {
                        self.pending_fees.remove(&key);
                    }
                }
            }
        }
    }

    /// Transactions for a proposal, in arrival order, within `max_bytes` and `max_gas` (sum of gas
    /// limits). A signer's transaction is skipped once an earlier one of theirs did not fit, so no
    /// proposal ever carries a sequence gap.
    pub fn reap(&self, max_bytes: usize, max_gas: u64) -> Vec<Vec<u8>> {
        self.reap_excluding(max_bytes, max_gas, &BTreeSet::new())
    }

    /// Like [`Mempool::reap`], leaving out the transactions in `exclude`: those already ordered in
    /// blocks that are not executed yet (the pool is pruned only at execution), which would
    /// otherwise be proposed a second time. A signer's later transactions are still reaped, since
    /// the excluded ones execute first, in the earlier block.
    pub fn reap_excluding(
        &self,
        max_bytes: usize,
        max_gas: u64,
        exclude: &BTreeSet<TxHash>,
    ) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let (mut bytes, mut gas) = (0usize, 0u64);
        let mut blocked: Vec<Address> = Vec::new();
        for (hash, p) in self.by_arrival.values() {
            if exclude.contains(hash) || blocked.contains(&p.signer) {
                continue;
            }
            let next_bytes = bytes.saturating_add(p.bytes.len());
            let next_gas = gas.saturating_add(p.gas_limit);
            if next_bytes > max_bytes || next_gas > max_gas {
                blocked.push(p.signer);
                continue;
            }
            bytes = next_bytes;
            gas = next_gas;
            out.push(p.bytes.clone());
        }
        out
    }

    /// After block `height`: drops the transactions it included, then re-checks each remaining one
    /// against `state`, the state after the block, and drops those no longer valid, including any
    /// left behind a gap in their signer's sequence. `written` holds every key the block wrote
    /// ([`Mempool::written_keys`]); a transaction none of whose admission keys this block or the
    /// blocks since its last check wrote passes as it is, without the checks.
    pub fn update(
        &mut self,
        state: &dyn StateRead,
        height: u64,
        included: &[TxHash],
        written: WrittenKeys,
    ) {
        for hash in included {
            if let Some(arrival) = self.by_hash.get(hash).copied() {
                self.remove(arrival);
            }
        }
        let chain_wide = ante::chain_admission_reads()
            .iter()
            .any(|k| self.may_have_written(&written, k));
        self.written.push_back(Written {
            height,
            chain_wide,
            keys: written,
        });
        while self.written.len() > WRITTEN_HISTORY {
            self.written.pop_front();
        }
        let next_height = height.saturating_add(1);
        // Unreadable parameters: nothing can be shown unaffected, so everything is re-checked.
        let fee_denom = ante::tx_params(state).ok().map(|p| p.fee_denom);
        // Per signer, the sequence its next waiting transaction must carry; `None` after a drop.
        let mut expected: BTreeMap<Address, Option<u64>> = BTreeMap::new();
        // Per signer and denom, the fees of its transactions kept so far. A signer's transactions
        // arrive in sequence order, so each is held to the fees of those ahead of it, and the ones
        // that no longer fit are its highest sequences.
        let mut kept_fees: BTreeMap<FeeKey, u128> = BTreeMap::new();
        let arrivals: Vec<u64> = self.by_arrival.keys().copied().collect();
        for arrival in arrivals {
            let Some((hash, p)) = self.by_arrival.get(&arrival) else {
                continue;
            };
            let signer = p.signer;
            let fee_key = p.fee.as_ref().map(|f| (signer, f.denom.clone()));
            let ahead = fee_key
                .as_ref()
                .and_then(|k| kept_fees.get(k))
                .copied()
                .unwrap_or(0);
            let prior = expected.get(&signer).copied();
            let ok = match prior {
                // Everything after a dropped transaction of this signer would have a gap.
                Some(None) => false,
                // Unaffected: the account and balance are as they were at the check, and so are
                // the signer's transactions before this one, so its sequence is still the one
                // expected; the fees ahead of it can only have shrunk since, as transactions
                // leave the pool, and its fee fitted them then.
                _ if prior.is_none_or(|w| w == Some(p.sequence))
                    && fee_denom
                        .as_deref()
                        .is_some_and(|d| self.unaffected(p, height, next_height, d)) =>
                {
                    true
                }
                _ => prior
                    .flatten()
                    .or_else(|| {
                        phalanx_protocol::auth::account(state, &signer)
                            .ok()
                            .flatten()
                            .map(|a| a.sequence)
                    })
                    .and_then(|w| {
                        Self::check(
                            state,
                            hash,
                            &p.bytes,
                            next_height,
                            Some(w),
                            &self.signatures,
                        )
                        .ok()
                    })
                    .is_some_and(|a| {
                        p.fee
                            .as_ref()
                            .is_none_or(|fee| fee_fits(ahead, fee, a.fee_balance).is_ok())
                    }),
            };
            match self.by_arrival.get_mut(&arrival) {
                Some((_, p)) if ok => {
                    p.checked_after = height;
                    expected.insert(signer, Some(p.sequence.saturating_add(1)));
                    if let (Some(key), Some(fee)) = (fee_key, &p.fee) {
                        kept_fees.insert(key, ahead.saturating_add(fee.amount));
                    }
                }
                _ => {
                    expected.insert(signer, None);
                    self.remove(arrival);
                }
            }
        }
        debug_assert_eq!(self.pending_fees, kept_fees, "pending fees track the pool");
    }

    /// Whether `p`, last checked after block `p.checked_after`, would pass admission after block
    /// `height` exactly as it did: its timeout has not passed, every block since its check is
    /// remembered, and none of them wrote a key its admission reads.
    fn unaffected(&self, p: &Pending, height: u64, next_height: u64, fee_denom: &str) -> bool {
        if p.timeout_height != 0 && next_height > p.timeout_height {
            return false;
        }
        let reads = ante::signer_admission_reads(&p.signer, fee_denom);
        let mut seen = p.checked_after;
        for block in self.written.iter().filter(|w| w.height > p.checked_after) {
            if Some(block.height) != seen.checked_add(1)
                || block.chain_wide
                || reads.iter().any(|k| self.may_have_written(&block.keys, k))
            {
                return false;
            }
            seen = block.height;
        }
        seen == height
    }
}

/// The fee `a` pays, to count in its signer's pending fees: admission takes fees in the fee denom
/// only, so there is at most one coin; `None` for a zero fee.
fn fee_of(a: &Authenticated) -> Option<Coin> {
    a.fee.iter().find(|c| c.amount > 0).cloned()
}

/// Whether `fee` fits the signer's `balance` of its denom besides the `pending` fees of the
/// signer's transactions ahead of it; the CheckTx error otherwise, saying what the pool holds.
fn fee_fits(pending: u128, fee: &Coin, balance: u128) -> Result<()> {
    match pending.checked_add(fee.amount) {
        Some(total) if total <= balance => Ok(()),
        _ => Err(AuthError::PendingFeesExceedBalance(
            Coin::new(fee.denom.clone(), pending).to_string(),
            Coin::new(fee.denom.clone(), balance).to_string(),
            fee.to_string(),
        )
        .into()),
    }
}
