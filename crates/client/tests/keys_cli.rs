//! `phalanxd keys ...` driven through the command-line entry point with scripted standard input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use clap::Parser;
use phalanx_client::ClientError;
use phalanx_client::cli::{Cli, Io, execute};
use phalanx_client::keyring::{Backend, Keyring};
use serde_json::Value;
use std::io::Cursor;

const MNEMONIC: &str = "economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone";
const PASS: &str = "passphrase one";

fn run(line: &str, input: &str) -> (Result<(), ClientError>, String, String) {
    let cli = Cli::try_parse_from(std::iter::once("phalanxd").chain(line.split_whitespace()))
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    let mut stdin = Cursor::new(input.as_bytes().to_vec());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = {
        let mut io = Io::buffers(&mut stdin, &mut out, &mut err);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(execute(&cli.command, &mut io))
    };
    (
        result,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn ok(line: &str, input: &str) -> String {
    let (r, out, err) = run(line, input);
    r.unwrap_or_else(|e| panic!("{line}: {e}\n{err}"));
    out
}

#[test]
fn add_show_list_delete_in_the_test_backend() {
    let home = tempfile::tempdir().unwrap();
    let h = format!("--home {} --keyring-backend test", home.path().display());

    // A new key prints its address and a 24-word mnemonic that recovers it.
    let v: Value = serde_json::from_str(&ok(&format!("keys add alice {h} -o json"), "")).unwrap();
    let mnemonic = v["mnemonic"].as_str().unwrap().to_string();
    assert_eq!(mnemonic.split(' ').count(), 24);
    let address = v["address"].as_str().unwrap().to_string();
    assert!(address.starts_with("phx1"));
    let text = ok(&format!("keys add dave {h}"), "");
    assert!(
        text.contains("**Important**") && text.contains("address: phx1"),
        "{text}"
    );

    // Recover from the mnemonic (messy spacing and case accepted) and from hex.
    let out = ok(
        &format!("keys add bob --recover {h} -o json"),
        &format!("  {}  \n", MNEMONIC.to_uppercase()),
    );
    let bob: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        bob["pubkey"]["key"],
        "A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ"
    );
    assert!(bob.get("mnemonic").is_none());
    ok(
        &format!("keys add carol --recover {h}"),
        &format!("{}\n", "0c".repeat(32)),
    );
    let (r, _, _) = run(
        &format!("keys add eve --recover {h}"),
        "not a valid mnemonic phrase\n",
    );
    assert!(r.is_err());
    let (r, _, _) = run(&format!("keys add eve --recover {h}"), "");
    assert!(r.unwrap_err().to_string().contains("standard input"));
    let (r, _, _) = run(&format!("keys add alice {h}"), "");
    assert!(matches!(r, Err(ClientError::KeyExists { .. })));

    // Show by name or address.
    assert_eq!(ok(&format!("keys show alice -a {h}"), "").trim(), address);
    assert_eq!(
        ok(&format!("keys show {address} -a {h}"), "").trim(),
        address
    );
    let shown = ok(&format!("keys show bob {h}"), "");
    assert!(shown.contains("name: bob"), "{shown}");
    assert_eq!(
        ok(&format!("keys show bob --pubkey {h}"), "").trim(),
        "A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ"
    );

    // List as JSON and as a table.
    let list: Value = serde_json::from_str(&ok(&format!("keys list -o json {h}"), "")).unwrap();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol", "dave"]);
    let table = ok(&format!("keys list {h}"), "");
    assert!(
        table.starts_with("NAME") && table.contains(&address),
        "{table}"
    );

    // Delete asks first; --yes does not.
    let (r, _, _) = run(&format!("keys delete carol {h}"), "n\n");
    assert!(matches!(r, Err(ClientError::Cancelled)));
    ok(&format!("keys delete carol {h}"), "y\n");
    ok(&format!("keys delete dave --yes {h}"), "");
    let list: Value = serde_json::from_str(&ok(&format!("keys list -o json {h}"), "")).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // An empty keyring says how to make a key.
    let empty = tempfile::tempdir().unwrap();
    let (r, out, err) = run(
        &format!(
            "keys list --home {} --keyring-backend test",
            empty.path().display()
        ),
        "",
    );
    r.unwrap();
    assert!(out.is_empty() && err.contains("keys add"), "{err}");
    let json = ok(
        &format!(
            "keys list --home {} --keyring-backend test -o json",
            empty.path().display()
        ),
        "",
    );
    assert_eq!(json.trim(), "[]");
}

#[test]
fn file_backend_asks_for_passphrases_and_exports_round_trip() {
    let home = tempfile::tempdir().unwrap();
    let h = format!("--home {}", home.path().display());

    // Too short, then mismatched: nothing saved.
    let (r, _, _) = run(&format!("keys add alice {h}"), "short\nshort\n");
    assert!(r.unwrap_err().to_string().contains("at least 8"));
    let (r, _, _) = run(
        &format!("keys add alice {h}"),
        &format!("{PASS}\nsomething else\n"),
    );
    assert!(r.unwrap_err().to_string().contains("differ"));
    assert!(
        Keyring::open(home.path(), Backend::File)
            .list()
            .unwrap()
            .is_empty()
    );

    let out = ok(
        &format!("keys add alice {h} -o json"),
        &format!("{PASS}\n{PASS}\n"),
    );
    let alice: Value = serde_json::from_str(&out).unwrap();
    let kr = Keyring::open(home.path(), Backend::File);
    assert!(kr.signing_key("alice", Some(PASS)).is_ok());

    // Armored export: key passphrase, then the export passphrase twice.
    let armored = ok(
        &format!("keys export alice {h}"),
        &format!("{PASS}\nexport pass\nexport pass\n"),
    );
    assert!(armored.contains("BEGIN PHALANX PRIVATE KEY"));
    let (r, _, _) = run(&format!("keys export alice {h}"), "wrong pass\n");
    assert!(matches!(r, Err(ClientError::WrongPassphrase { .. })));

    // Import into the test backend (no new passphrase needed there).
    let file = home.path().join("alice.armor");
    std::fs::write(&file, &armored).unwrap();
    let imported = ok(
        &format!(
            "keys import alice2 {} --home {} --keyring-backend test -o json",
            file.display(),
            home.path().display()
        ),
        "export pass\n",
    );
    let imported: Value = serde_json::from_str(&imported).unwrap();
    assert_eq!(imported["address"], alice["address"]);
    // Wrong export passphrase: refused before anything is written.
    let (r, _, _) = run(
        &format!(
            "keys import alice3 {} --home {} --keyring-backend test",
            file.display(),
            home.path().display()
        ),
        "nope nope\n",
    );
    assert!(matches!(r, Err(ClientError::WrongPassphrase { .. })));

    // Hex export needs --unsafe and warns; a hex file imports into the file backend with a new passphrase.
    let (r, hex, err) = run(
        &format!(
            "keys export alice2 --unarmored-hex --unsafe --home {} --keyring-backend test",
            home.path().display()
        ),
        "",
    );
    r.unwrap();
    assert!(err.contains("WARNING"));
    let hex_file = home.path().join("alice.hex");
    std::fs::write(&hex_file, hex.trim()).unwrap();
    ok(&format!("keys delete alice --yes {h}"), "");
    let back = ok(
        &format!("keys import alice {} {h} -o json", hex_file.display()),
        &format!("{PASS}\n{PASS}\n"),
    );
    let back: Value = serde_json::from_str(&back).unwrap();
    assert_eq!(back["address"], alice["address"]);
    let key = kr.signing_key("alice", Some(PASS)).unwrap();
    assert_eq!(
        key.address().to_string(),
        alice["address"].as_str().unwrap()
    );

    // A file that is neither: a clear error.
    let junk = home.path().join("junk.txt");
    std::fs::write(&junk, "hello").unwrap();
    let (r, _, _) = run(&format!("keys import x {} {h}", junk.display()), "");
    assert!(r.unwrap_err().to_string().contains("neither"));
}
