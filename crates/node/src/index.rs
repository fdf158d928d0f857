//! The block and transaction index: what each executed block contained and produced, so the API can
//! answer `/blocks/{height}` and `/txs/{hash}`. It is not consensus state (it is not in the app hash)
//! and lives in its own redb file.
//!
//! It is written just BEFORE the block's state commit, and readers ignore entries above the state's
//! last applied height. A crash between the two writes leaves an entry for a block the state does not
//! have yet; on restart consensus re-executes that finalized block and rewrites the entry with the same
//! content (execution is deterministic). Writing after the commit instead would lose the entry of a
//! block the state already has, and nothing would ever write it again.

use phalanx_app::{BlockResult, TxResult};
use phalanx_types::Timestamp;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::path::Path;

const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
const TXS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("txs");

/// An indexed block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedBlock {
    /// Height.
    pub height: u64,
    /// Header time.
    pub time: Timestamp,
    /// Consensus digest of the block.
    pub hash: [u8; 32],
    /// Digest of its parent.
    pub parent_hash: [u8; 32],
    /// Hashes of its transactions, in order.
    pub tx_hashes: Vec<[u8; 32]>,
    /// What execution produced.
    pub results: BlockResult,
}

/// An indexed transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedTx {
    /// Height of the block that included it.
    pub height: u64,
    /// Position in the block.
    pub index: u32,
    /// Header time of that block.
    pub time: Timestamp,
    /// Its result.
    pub result: TxResult,
    /// The bytes as broadcast.
    pub tx_bytes: Vec<u8>,
}

/// Why the index could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("block index: {0}")]
pub struct IndexError(String);

fn err(e: impl std::fmt::Display) -> IndexError {
    IndexError(e.to_string())
}

/// The index database.
pub struct Index {
    db: Database,
}

impl Index {
    /// Opens (or creates) the index at `path`.
    pub fn open(path: &Path) -> Result<Self, IndexError> {
        let db = Database::create(path).map_err(err)?;
        let w = db.begin_write().map_err(err)?;
        w.open_table(BLOCKS).map_err(err)?;
        w.open_table(TXS).map_err(err)?;
        w.commit().map_err(err)?;
        Ok(Self { db })
    }

    /// Records a block and its transactions in one write, keeping the first admitted inclusion of
    /// each transaction hash: an inclusion refused at admission is replaced by a later one.
    pub fn record(
        &self,
        block: &IndexedBlock,
        txs: &[(Vec<u8>, [u8; 32])],
    ) -> Result<(), IndexError> {
        let w = self.db.begin_write().map_err(err)?;
        {
            let mut blocks = w.open_table(BLOCKS).map_err(err)?;
            let encoded = serde_json::to_vec(block).map_err(err)?;
            blocks
                .insert(block.height, encoded.as_slice())
                .map_err(err)?;
            let mut table = w.open_table(TXS).map_err(err)?;
            for ((bytes, hash), (i, result)) in
                txs.iter().zip(block.results.tx_results.iter().enumerate())
            {
                let tx = IndexedTx {
                    height: block.height,
                    index: u32::try_from(i).map_err(err)?,
                    time: block.time,
                    result: result.clone(),
                    tx_bytes: bytes.clone(),
                };
                // The first admitted inclusion of a transaction is the one that executed; a later
                // copy of the same bytes fails (its sequence is used) and must not replace that
                // record. An inclusion refused at admission used nothing, so the same bytes may
                // run later: a later inclusion replaces its record. An entry at this same position
                // is a re-execution after a crash and is rewritten with the same content.
                if let Some(existing) = table.get(hash).map_err(err)? {
                    let existing: IndexedTx =
                        serde_json::from_slice(existing.value()).map_err(err)?;
                    if existing.result.admitted
                        && (existing.height, existing.index) < (tx.height, tx.index)
                    {
                        continue;
                    }
                }
                let encoded = serde_json::to_vec(&tx).map_err(err)?;
                table.insert(hash, encoded.as_slice()).map_err(err)?;
            }
        }
        w.commit().map_err(err)
    }

    /// The block at `height`, if indexed.
    pub fn block(&self, height: u64) -> Result<Option<IndexedBlock>, IndexError> {
        let r = self.db.begin_read().map_err(err)?;
        let t = r.open_table(BLOCKS).map_err(err)?;
        match t.get(height).map_err(err)? {
            Some(v) => serde_json::from_slice(v.value()).map(Some).map_err(err),
            None => Ok(None),
        }
    }

    /// The transaction with this hash, if indexed.
    pub fn tx(&self, hash: &[u8; 32]) -> Result<Option<IndexedTx>, IndexError> {
        let r = self.db.begin_read().map_err(err)?;
        let t = r.open_table(TXS).map_err(err)?;
        match t.get(hash).map_err(err)? {
            Some(v) => serde_json::from_slice(v.value()).map(Some).map_err(err),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::cast_possible_truncation
    )]
    use super::*;

    /// A block whose transactions end with `codes`, all admitted.
    fn block(height: u64, hashes: &[[u8; 32]], codes: &[u32]) -> IndexedBlock {
        with_admission(
            height,
            hashes,
            &codes.iter().map(|c| (*c, true)).collect::<Vec<_>>(),
        )
    }

    /// A block whose transactions end with these (code, admitted) pairs.
    fn with_admission(height: u64, hashes: &[[u8; 32]], codes: &[(u32, bool)]) -> IndexedBlock {
        IndexedBlock {
            height,
            time: Timestamp(height),
            hash: [height as u8; 32],
            parent_hash: [0; 32],
            tx_hashes: hashes.to_vec(),
            results: BlockResult {
                tx_results: codes
                    .iter()
                    .map(|(code, admitted)| TxResult {
                        codespace: String::new(),
                        code: *code,
                        log: String::new(),
                        responses: Vec::new(),
                        events: Vec::new(),
                        gas_wanted: 0,
                        gas_used: 0,
                        admitted: *admitted,
                    })
                    .collect(),
                begin_events: Vec::new(),
                end_events: Vec::new(),
            },
        }
    }

    /// Regression: a transaction included again in a later block (where it fails with a used
    /// sequence) must not replace the record of its first, successful inclusion.
    #[test]
    fn a_later_duplicate_never_overwrites_the_first_inclusion() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(&dir.path().join("index.redb")).unwrap();
        let hash = [7u8; 32];
        let tx = vec![(b"tx".to_vec(), hash)];
        index.record(&block(5, &[hash], &[0]), &tx).unwrap();
        index.record(&block(6, &[hash], &[32]), &tx).unwrap();
        let found = index.tx(&hash).unwrap().unwrap();
        assert_eq!((found.height, found.result.code), (5, 0));
        // A re-execution of the first block (after a crash) rewrites the same entry.
        index.record(&block(5, &[hash], &[0]), &tx).unwrap();
        assert_eq!(index.tx(&hash).unwrap().unwrap().height, 5);
        // Twice in one block: the first position wins.
        let other = [8u8; 32];
        let both = vec![(b"a".to_vec(), other), (b"a".to_vec(), other)];
        index
            .record(&block(7, &[other, other], &[0, 32]), &both)
            .unwrap();
        let found = index.tx(&other).unwrap().unwrap();
        assert_eq!((found.index, found.result.code), (0, 0));
    }

    /// Regression (review #2): an inclusion refused at admission (a sequence out of order, a fee
    /// the balance could not pay) used nothing, and the same bytes succeeding later must replace
    /// its record, or `GET /txs/{hash}` and `commit=true` report the stale failure forever.
    #[test]
    fn an_inclusion_refused_at_admission_is_replaced_by_a_later_one() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(&dir.path().join("index.redb")).unwrap();
        let hash = [9u8; 32];
        let tx = vec![(b"tx".to_vec(), hash)];
        // Refused at admission with a wrong sequence at height 3, run at 5.
        index
            .record(&with_admission(3, &[hash], &[(32, false)]), &tx)
            .unwrap();
        index
            .record(&with_admission(5, &[hash], &[(0, true)]), &tx)
            .unwrap();
        let found = index.tx(&hash).unwrap().unwrap();
        assert_eq!((found.height, found.result.code), (5, 0));
        // That admitted inclusion stays, whatever comes later.
        index
            .record(&with_admission(6, &[hash], &[(32, false)]), &tx)
            .unwrap();
        assert_eq!(index.tx(&hash).unwrap().unwrap().height, 5);
        // An admitted inclusion whose message failed is final too: its fee and sequence are used.
        let other = [10u8; 32];
        let tx = vec![(b"other".to_vec(), other)];
        index
            .record(&with_admission(7, &[other], &[(5, true)]), &tx)
            .unwrap();
        index
            .record(&with_admission(8, &[other], &[(0, true)]), &tx)
            .unwrap();
        assert_eq!(index.tx(&other).unwrap().unwrap().height, 7);
    }

    /// Records written before `admitted` existed read as admitted, keeping their first inclusion.
    #[test]
    fn a_result_recorded_without_the_admission_flag_reads_as_admitted() {
        let mut json =
            serde_json::to_value(&block(1, &[[1; 32]], &[0]).results.tx_results[0]).unwrap();
        json.as_object_mut().unwrap().remove("admitted");
        let read: TxResult = serde_json::from_value(json).unwrap();
        assert!(read.admitted);
    }
}
