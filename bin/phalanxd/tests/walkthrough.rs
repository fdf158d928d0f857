//! The README walkthrough against the real `phalanxd` binary: a fresh home on free loopback ports,
//! every step through the CLI, and the results checked through the API. Bounded: the node runs with
//! 200 ms blocks and a 3 s unbonding time, and every wait has a deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_phalanxd");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET on loopback; returns (status, body).
fn http_get(addr: &str, path: &str) -> (u16, String) {
    http(addr, "GET", path, "")
}

/// A plain HTTP/1.1 request on loopback with a JSON body; returns (status, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let len = body.len();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n{body}"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = raw.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    // Bodies may come chunked; strip chunk sizes if so.
    let body = if raw
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(&body)
    } else {
        body
    };
    (status, body)
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = &tail[n + 2..];
    }
    out
}

fn get_json(addr: &str, path: &str) -> Value {
    let (status, body) = http_get(addr, path);
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap()
}

struct Node {
    child: Child,
    home: PathBuf,
    api: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

impl Node {
    fn start() -> Node {
        let home = std::env::temp_dir().join(format!("phalanx-walkthrough-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let api = format!("127.0.0.1:{}", free_port());
        let p2p = format!("127.0.0.1:{}", free_port());
        let out = Command::new(BIN)
            .args(["init", "--home"])
            .arg(&home)
            .args(["--api-address", &api, "--p2p-address", &p2p])
            .args(["--block-time-ms", "200", "--unbonding-time-secs", "3"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let child = Command::new(BIN)
            .args(["start", "--home"])
            .arg(&home)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let node = Node { child, home, api };
        node.wait_for_height(2, Duration::from_secs(60));
        node
    }

    fn height(&self) -> Option<u64> {
        // Probe first: `http_get` asserts on connection errors, and the node may not listen yet.
        TcpStream::connect(&self.api).ok()?;
        let (status, body) = http_get(&self.api, "/status");
        if status != 200 {
            return None;
        }
        serde_json::from_str::<Value>(&body).ok()?["latest_height"].as_u64()
    }

    fn wait_for_height(&self, h: u64, limit: Duration) {
        let start = Instant::now();
        while self.height().is_none_or(|x| x < h) {
            assert!(start.elapsed() < limit, "node did not reach height {h}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn cli(&self, args: &[&str]) -> Value {
        let mut cmd = Command::new(BIN);
        cmd.args(args).args(["--home"]).arg(&self.home).args([
            "--keyring-backend",
            "test",
            "-o",
            "json",
        ]);
        if args.first() != Some(&"keys") {
            cmd.args(["--node", &format!("http://{}", self.api)]);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "phalanxd {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn tx(&self, args: &[&str], from: &str) -> Value {
        let mut all = vec!["tx"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--from", from, "--yes"]);
        let r = self.cli(&all);
        assert_eq!(r["code"], 0, "{r}");
        r
    }

    fn address(&self, name: &str) -> String {
        let out = Command::new(BIN)
            .args([
                "keys",
                "show",
                name,
                "-a",
                "--keyring-backend",
                "test",
                "--home",
            ])
            .arg(&self.home)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn balance(&self, addr: &str, denom: &str) -> u128 {
        let v = get_json(&self.api, &format!("/cosmos/bank/v1beta1/balances/{addr}"));
        v["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["denom"] == denom)
            .map(|c| c["amount"].as_str().unwrap().parse().unwrap())
            .unwrap_or(0)
    }
}

#[test]
fn readme_walkthrough_through_cli_and_api() {
    let node = Node::start();
    assert!(node.home.join("config/genesis.json").exists());
    let keys = node.cli(&["keys", "list"]);
    let names: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol", "dave"]);
    let carol = node.address("carol");

    // An operator, a service that activates and borrows the uatom pool, and the operator joining it.
    let r = node.tx(&["operators", "register", "alice-op"], "alice");
    assert_eq!(r["responses"][0]["new_operator_id"], 1);
    let r = node.tx(&["services", "create", "my-avs"], "bob");
    assert_eq!(r["responses"][0]["new_service_id"], 1);
    node.tx(&["services", "activate", "1"], "bob");
    node.tx(&["restaking", "join-service", "1", "1"], "alice");

    // Carol restakes in all three ways, and trusts the service with her pool stake.
    let before = node.balance(&carol, "uatom");
    node.tx(&["restaking", "delegate-pool", "1000000uatom"], "carol");
    node.tx(
        &["restaking", "delegate-operator", "1", "500000uatom"],
        "carol",
    );
    node.tx(
        &["restaking", "delegate-service", "1", "250000utia"],
        "carol",
    );
    node.tx(&["restaking", "borrow-pool-security", "1", "1"], "bob");
    node.tx(
        &["restaking", "set-user-preferences", "--trust", "1"],
        "carol",
    );
    assert_eq!(node.balance(&carol, "uatom"), before - 1_500_000);

    // The API shows what the CLI did.
    let pool = get_json(&node.api, "/phalanx/pools/v1/pools/1");
    assert_eq!(pool["pool"]["tokens"], "1000000", "{pool}");
    let joined = get_json(
        &node.api,
        "/phalanx/restaking/v1/operators/1/joined_services",
    );
    assert_eq!(joined["service_ids"], serde_json::json!([1]), "{joined}");
    let prefs = get_json(
        &node.api,
        &format!("/phalanx/restaking/v1/users/{carol}/preferences"),
    );
    assert_eq!(
        prefs["preferences"]["trusted_services"][0]["service_id"], 1,
        "{prefs}"
    );
    let dels = get_json(
        &node.api,
        &format!("/phalanx/restaking/v1/delegations/{carol}/operators"),
    );
    assert_eq!(
        dels["delegations"][0]["balance"][0]["amount"], "500000",
        "{dels}"
    );

    // Bad input is refused at the API with the node's code and changes nothing: garbage bytes, and a
    // replay of a committed transaction (its sequence is used).
    let before_bad = get_json(&node.api, &format!("/cosmos/auth/v1beta1/accounts/{carol}"));
    let (status, body) = http(&node.api, "POST", "/txs", r#"{"tx_bytes":"bm90IGEgdHg="}"#);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"code\""), "{body}");
    let replay = node.tx(&["bank", "send", "dave", "1uatom"], "carol");
    let replay_body = format!(r#"{{"tx_bytes":"{}"}}"#, replay["tx"].as_str().unwrap());
    let (status, body) = http(&node.api, "POST", "/txs", &replay_body);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("sequence"), "{body}");
    let after_bad = get_json(&node.api, &format!("/cosmos/auth/v1beta1/accounts/{carol}"));
    let seq = |v: &Value| {
        v["account"]["sequence"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(
        seq(&after_bad),
        seq(&before_bad) + 1,
        "only the one real send used a sequence"
    );

    // Undelegate, see the unbonding, and watch it complete after the unbonding time.
    node.tx(&["restaking", "undelegate-pool", "400000uatom"], "carol");
    let unbonding = node.cli(&[
        "query",
        "restaking",
        "delegator-pool-unbonding-delegations",
        "carol",
    ]);
    let text = unbonding.to_string();
    assert!(text.contains("400000"), "{text}");
    let after_undelegate = node.balance(&carol, "uatom");
    let deadline = Instant::now() + Duration::from_secs(60);
    while node.balance(&carol, "uatom") == after_undelegate {
        assert!(Instant::now() < deadline, "the unbonding never completed");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(node.balance(&carol, "uatom"), after_undelegate + 400_000);
    let empty = get_json(
        &node.api,
        &format!("/phalanx/restaking/v1/delegations/{carol}/unbonding_pools"),
    );
    assert_eq!(
        empty["unbonding_delegations"],
        serde_json::json!([]),
        "{empty}"
    );

    // Status and blocks are served too.
    let status = get_json(&node.api, "/status");
    assert_eq!(status["chain_id"], "phalanx-dev");
    let h = status["latest_height"].as_u64().unwrap();
    let block = get_json(&node.api, &format!("/blocks/{h}"));
    assert!(block.to_string().contains("app_hash"), "{block}");
}
