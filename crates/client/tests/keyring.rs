//! Keyring round trips in both backends, passphrase checks, file permissions, exports, and key
//! derivation against published BIP39 / BIP32 / Cosmos vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use phalanx_client::encoding::{base64, decode_hex, hex};
use phalanx_client::hd::{self, HdPath};
use phalanx_client::keyring::{Backend, Keyring, armor_key, open_armored};
use phalanx_client::{ClientError, SigningKey};
use phalanx_types::Address;

const PASS: &str = "correct horse battery";

/// The faucet mnemonic of CosmJS's test chains, and the accounts it derives (CosmJS fixtures).
const COSMJS_MNEMONIC: &str = "economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone";
const COSMJS_PUBKEY0: &str = "A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ";
const COSMJS_ADDRESS0: &str = "cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6";
const COSMJS_ADDRESS1: &str = "cosmos10dyr9899g6t0pelew4nvf4j5c3jcgv0r73qga5";

fn cosmos_payload(bech: &str) -> [u8; 20] {
    let (hrp, data) = bech32::decode(bech).unwrap();
    assert_eq!(hrp.as_str(), "cosmos");
    data.try_into().unwrap()
}

#[test]
fn cosmos_mnemonic_derives_the_accounts_cosmjs_derives() {
    let key = SigningKey::from_mnemonic(COSMJS_MNEMONIC, &HdPath::default()).unwrap();
    assert_eq!(base64(&key.public_key()), COSMJS_PUBKEY0);
    // Same 20-byte payload as the Cosmos address, shown with the phx prefix.
    assert_eq!(key.address(), Address(cosmos_payload(COSMJS_ADDRESS0)));
    assert!(key.address().to_string().starts_with("phx1"));
    let second =
        SigningKey::from_mnemonic(COSMJS_MNEMONIC, &HdPath::cosmos(0, 1).unwrap()).unwrap();
    assert_eq!(second.address(), Address(cosmos_payload(COSMJS_ADDRESS1)));
}

#[test]
fn bip39_seed_matches_the_reference_vector() {
    // Trezor's reference vector: the all-"abandon" mnemonic with passphrase TREZOR.
    let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    let seed = hd::mnemonic_to_seed(phrase, "TREZOR").unwrap();
    assert_eq!(
        hex(seed.as_slice()),
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
    );
}

#[test]
fn bip32_derivation_matches_test_vector_1() {
    let seed = decode_hex("000102030405060708090a0b0c0d0e0f").unwrap();
    let cases = [
        (
            "m/0'",
            "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea",
        ),
        (
            "m/0'/1",
            "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368",
        ),
        (
            "m/0'/1/2'",
            "cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca",
        ),
        (
            "m/0'/1/2'/2",
            "0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4",
        ),
        (
            "m/0'/1/2'/2/1000000000",
            "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8",
        ),
    ];
    for (path, expected) in cases {
        let key = hd::derive_secret(&seed, &path.parse().unwrap()).unwrap();
        assert_eq!(hex(&key.to_secret_bytes()), expected, "{path}");
    }
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn test_backend_round_trips_without_a_passphrase() {
    let home = tempfile::tempdir().unwrap();
    let kr = Keyring::open(home.path(), Backend::Test);
    assert!(kr.list().unwrap().is_empty());
    let (alice, mnemonic) = kr.create("alice", None).unwrap();
    assert_eq!(mnemonic.split(' ').count(), 24);
    assert_eq!(alice.hd_path.as_deref(), Some("m/44'/118'/0'/0/0"));
    let bob = kr
        .import_mnemonic("bob", COSMJS_MNEMONIC, &HdPath::default(), None)
        .unwrap();
    assert_eq!(bob.address, Address(cosmos_payload(COSMJS_ADDRESS0)));

    assert_eq!(kr.dir(), home.path().join("keyring-test"));
    let names: Vec<_> = kr.list().unwrap().into_iter().map(|k| k.name).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(kr.get("alice").unwrap(), alice);
    assert_eq!(kr.find(&alice.address.to_string()).unwrap().name, "alice");

    // The mnemonic recovers the same key; the stored key signs for the same address.
    let again = SigningKey::from_mnemonic(&mnemonic, &HdPath::default()).unwrap();
    assert_eq!(again.address(), alice.address);
    let key = kr.signing_key("alice", None).unwrap();
    assert_eq!(key.public_key(), alice.public_key);
    assert!(!kr.key_needs_passphrase("alice").unwrap());

    #[cfg(unix)]
    {
        assert_eq!(mode(&kr.dir().join("alice.json")), 0o600);
        assert_eq!(mode(kr.dir()), 0o700);
    }

    // Names are unique, and so are keys.
    assert!(matches!(
        kr.create("alice", None),
        Err(ClientError::KeyExists { .. })
    ));
    let dup = kr.import_mnemonic("carol", COSMJS_MNEMONIC, &HdPath::default(), None);
    assert!(
        dup.unwrap_err()
            .to_string()
            .contains("already stored as \"bob\"")
    );
    // Names that are not plain file names are refused.
    for bad in ["", "../x", ".hidden", "a/b", "-x", &"n".repeat(65)] {
        assert!(kr.create(bad, None).is_err(), "{bad:?}");
    }

    kr.delete("bob").unwrap();
    assert!(matches!(
        kr.get("bob"),
        Err(ClientError::KeyNotFound { .. })
    ));
    assert!(matches!(
        kr.delete("bob"),
        Err(ClientError::KeyNotFound { .. })
    ));
}

#[test]
fn file_backend_seals_keys_and_refuses_wrong_passphrases() {
    let home = tempfile::tempdir().unwrap();
    let kr = Keyring::open(home.path(), Backend::File);
    assert_eq!(kr.dir(), home.path().join("keyring-file"));
    // A passphrase is required, and must be long enough.
    assert!(kr.create("alice", None).is_err());
    assert!(kr.create("alice", Some("short")).is_err());
    assert!(
        kr.list().unwrap().is_empty(),
        "nothing written by failed adds"
    );

    let (alice, mnemonic) = kr.create("alice", Some(PASS)).unwrap();
    assert!(kr.key_needs_passphrase("alice").unwrap());
    let text = std::fs::read_to_string(kr.dir().join("alice.json")).unwrap();
    let secret_hex = hex(SigningKey::from_mnemonic(&mnemonic, &HdPath::default())
        .unwrap()
        .secret_bytes()
        .as_slice());
    assert!(
        !text.contains(&secret_hex),
        "the secret is not stored in clear"
    );
    assert!(text.contains("scrypt") && text.contains("xchacha20-poly1305"));
    #[cfg(unix)]
    assert_eq!(mode(&kr.dir().join("alice.json")), 0o600);

    let key = kr.signing_key("alice", Some(PASS)).unwrap();
    assert_eq!(key.address(), alice.address);
    assert!(matches!(
        kr.signing_key("alice", Some("wrong passphrase")),
        Err(ClientError::WrongPassphrase { .. })
    ));
    assert!(kr.signing_key("alice", None).is_err());

    // A sealed secret moved into another key's file does not open: the address is authenticated.
    let (bob, _) = kr.create("bob", Some(PASS)).unwrap();
    let alice_file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let bob_path = kr.dir().join("bob.json");
    let mut bob_file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bob_path).unwrap()).unwrap();
    bob_file["secret"] = alice_file["secret"].clone();
    std::fs::write(&bob_path, serde_json::to_string(&bob_file).unwrap()).unwrap();
    assert!(kr.signing_key("bob", Some(PASS)).is_err());
    assert_eq!(kr.get("bob").unwrap().address, bob.address);

    // A damaged file is reported with what to do.
    std::fs::write(&bob_path, "{not json").unwrap();
    let err = kr.get("bob").unwrap_err().to_string();
    assert!(err.contains("damaged"), "{err}");
}

#[test]
fn exports_round_trip_between_backends() {
    let home = tempfile::tempdir().unwrap();
    let file = Keyring::open(home.path(), Backend::File);
    let test = Keyring::open(home.path(), Backend::Test);
    let (alice, _) = file.create("alice", Some(PASS)).unwrap();

    let armored = file
        .export_armored("alice", Some(PASS), "export pass 1")
        .unwrap();
    assert!(armored.starts_with("-----BEGIN PHALANX PRIVATE KEY-----\n"));
    assert!(armored.contains(&format!("address: {}", alice.address)));
    assert!(matches!(
        open_armored(&armored, "not the export pass"),
        Err(ClientError::WrongPassphrase { .. })
    ));
    let imported = test
        .import_armored("alice2", &armored, "export pass 1", None)
        .unwrap();
    assert_eq!(imported.address, alice.address);
    assert_eq!(imported.hd_path, None);

    // A tampered address header is caught.
    let other = SigningKey::from_hex(&"07".repeat(32)).unwrap();
    let forged = armored.replace(&alice.address.to_string(), &other.address().to_string());
    assert!(open_armored(&forged, "export pass 1").is_err());

    // Hex export and import.
    let hex_secret = test.export_hex("alice2", None).unwrap();
    assert_eq!(hex_secret.len(), 64);
    test.delete("alice2").unwrap();
    let back = test.import_hex("alice3", &hex_secret, None).unwrap();
    assert_eq!(back.address, alice.address);

    // armor_key and open_armored are inverses.
    let k = SigningKey::from_hex(&"09".repeat(32)).unwrap();
    let text = armor_key(&k, "k", "12345678").unwrap();
    assert_eq!(
        open_armored(&text, "12345678").unwrap().address(),
        k.address()
    );
    assert!(open_armored("garbage", "12345678").is_err());
}

#[test]
fn key_info_json_has_the_cosmos_shape() {
    let home = tempfile::tempdir().unwrap();
    let kr = Keyring::open(home.path(), Backend::Test);
    let info = kr
        .import_mnemonic("faucet", COSMJS_MNEMONIC, &HdPath::default(), None)
        .unwrap();
    let v = serde_json::to_value(&info).unwrap();
    assert_eq!(v["name"], "faucet");
    assert_eq!(v["type"], "local");
    assert_eq!(v["address"], info.address.to_string());
    assert_eq!(v["pubkey"]["@type"], "/cosmos.crypto.secp256k1.PubKey");
    assert_eq!(v["pubkey"]["key"], COSMJS_PUBKEY0);
    assert_eq!("test".parse::<Backend>().unwrap(), Backend::Test);
    assert!("os".parse::<Backend>().is_err());
}
