//! `?prove=true` over the real redb + JMT store: the proofs the API returns verify against the app hash
//! it reports, for a present key and for an absent one. Also shows how a node adapts
//! `phalanx_state::Snapshot` to `StateSnapshot` (a newtype, since neither type is the node's).

use crate::support::*;
use phalanx_api::{
    ApiConfig, BlockEvents, BlockView, KeyProof, NodeError, NodeStatus, NodeView, ProveError,
    StateSnapshot, SubmitError, TxHash, TxRecord,
};
use phalanx_app::{Block, BlockHeader, Genesis, Tx, execute_block};
use phalanx_state::persistent::SyncMode;
use phalanx_state::{
    AppHash, Entry, PersistentConfig, PersistentState, StateError, StateProof, StateRead,
    verify_proof,
};
use phalanx_types::Timestamp;
use phalanx_types::msgs::*;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::broadcast;

/// A committed redb snapshot as the API's snapshot.
struct RedbSnapshot(phalanx_state::Snapshot);

impl StateRead for RedbSnapshot {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.0.get(key)
    }
    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        self.0.range(start, end, limit)
    }
}

impl StateSnapshot for RedbSnapshot {
    fn height(&self) -> u64 {
        self.0.height().unwrap_or(0)
    }
    fn app_hash(&self) -> Vec<u8> {
        self.0.app_hash().0.to_vec()
    }
    fn prove(&self, key: &[u8]) -> Result<KeyProof, ProveError> {
        let (value, proof) = self.0.prove(key).map_err(|e| ProveError::Failed(e.0))?;
        Ok(KeyProof {
            value,
            proof: proof.to_bytes().map_err(|e| ProveError::Failed(e.0))?,
        })
    }
}

struct RedbNode {
    store: PersistentState,
    events: broadcast::Sender<Arc<BlockEvents>>,
}

impl NodeView for RedbNode {
    fn snapshot(&self) -> Result<Box<dyn StateSnapshot>, NodeError> {
        let s = self
            .store
            .snapshot()
            .map_err(|e| NodeError::Internal(e.0))?;
        Ok(Box::new(RedbSnapshot(s)))
    }
    fn status(&self) -> Result<NodeStatus, NodeError> {
        Err(NodeError::Unavailable("not needed here".into()))
    }
    fn block(&self, _: u64) -> Result<Option<BlockView>, NodeError> {
        Ok(None)
    }
    fn tx(&self, _: &TxHash) -> Result<Option<TxRecord>, NodeError> {
        Ok(None)
    }
    fn submit_tx(&self, _: Vec<u8>) -> Result<TxHash, SubmitError> {
        Err(SubmitError::unavailable("read-only test node"))
    }
    fn subscribe(&self) -> broadcast::Receiver<Arc<BlockEvents>> {
        self.events.subscribe()
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn entry(v: &serde_json::Value) -> (Vec<u8>, Option<Vec<u8>>, StateProof) {
    let key = phalanx_api::encoding::decode_hex(v["key"].as_str().unwrap()).unwrap();
    let value = v["value"]
        .as_str()
        .map(|s| phalanx_api::encoding::decode_base64(s).unwrap());
    let proof = phalanx_api::encoding::decode_base64(v["proof"].as_str().unwrap()).unwrap();
    (key, value, StateProof::from_bytes(&proof).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_from_the_jmt_store_verify_against_the_reported_app_hash() {
    let dir =
        TempDir(std::env::temp_dir().join(format!("phalanx-api-proofs-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    std::fs::create_dir_all(&dir.0).unwrap();
    let store = PersistentState::open_with(
        dir.0.join("state.redb"),
        PersistentConfig {
            retain_versions: 10,
            sync: SyncMode::NoSync,
            ..PersistentConfig::default()
        },
    )
    .unwrap();

    // Genesis at height 0, then one block with a pool delegation.
    let time: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut g = Genesis::new("phalanx-proofs", time, addr("authority"));
    g.fund(&[addr("carol")], &coins("1000000uatom"));
    let mut buf = store.begin_block(0).unwrap();
    phalanx_app::init_genesis(&mut buf, &g).unwrap();
    buf.commit().unwrap();
    let mut buf = store.begin_block(1).unwrap();
    let block = Block {
        header: BlockHeader {
            height: 1,
            time: Timestamp(time.0 + 5_000_000_000),
        },
        txs: vec![Tx {
            sender: addr("carol"),
            msgs: vec![
                MsgDelegatePool {
                    delegator: addr("carol"),
                    amount: coin("1000uatom"),
                }
                .into(),
            ],
        }],
    };
    let result = execute_block(&mut buf, &block).unwrap();
    assert_eq!(result.tx_results[0].code, 0, "{}", result.tx_results[0].log);
    let app_hash = buf.commit().unwrap();

    let (events, _) = broadcast::channel(4);
    let view: Arc<dyn NodeView> = Arc::new(RedbNode { store, events });
    let server = phalanx_api::serve("127.0.0.1:0".parse().unwrap(), view, ApiConfig::default())
        .await
        .unwrap();

    // Membership.
    let v = get_ok(&server, "/phalanx/pools/v1/pools/1?prove=true").await;
    assert_eq!(v["pool"]["tokens"], json!("1000"));
    assert_eq!(v["proof"]["height"], json!(1));
    let reported =
        phalanx_api::encoding::decode_hex(v["proof"]["app_hash"].as_str().unwrap()).unwrap();
    assert_eq!(reported, app_hash.0.to_vec());
    let root = AppHash(reported.try_into().unwrap());
    let (key, value, proof) = entry(&v["proof"]["entries"][0]);
    assert!(value.is_some());
    assert!(verify_proof(&root, &key, value.as_deref(), &proof));
    assert!(
        !verify_proof(&root, &key, None, &proof),
        "a membership proof is not an absence proof"
    );

    // Absence: preferences never set read one key that does not exist.
    let alice = addr("alice").to_string();
    let v = get_ok(
        &server,
        &format!("/phalanx/restaking/v1/users/{alice}/preferences?prove=true"),
    )
    .await;
    assert_eq!(v["preferences"]["trusted_services"], json!([]));
    let (key, value, proof) = entry(&v["proof"]["entries"][0]);
    assert_eq!(value, None);
    assert!(verify_proof(&root, &key, None, &proof));

    // Every entry of a list verifies.
    let v = get_ok(
        &server,
        &format!("/phalanx/bank/v1/balances/{}?prove=true", addr("carol")),
    )
    .await;
    for e in v["proof"]["entries"].as_array().unwrap() {
        let (key, value, proof) = entry(e);
        assert!(verify_proof(&root, &key, value.as_deref(), &proof));
    }
    server.shutdown().await.unwrap();
}
