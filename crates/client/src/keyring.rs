//! Keys on disk, one JSON file per key under `HOME/keyring-<backend>/NAME.json`.
//!
//! Two backends, as in the Cosmos SDK:
//! - `file` (the default): the private key is sealed with a passphrase. The passphrase is stretched
//!   with scrypt (N = 2^15, r = 8, p = 1: about 32 MiB and a tenth of a second, so each guess costs
//!   an attacker the same) into a key for XChaCha20-Poly1305, whose tag also detects a wrong passphrase
//!   or a modified file. The key's address is authenticated as associated data, so a sealed secret
//!   moved into another key's file does not open. Each key has its own passphrase.
//! - `test`: the private key is stored unencrypted, for development chains and scripts (`phalanxd init`
//!   puts its demo accounts there). Never use it for keys that hold real value.
//!
//! Directories are created with mode 0700 and files with mode 0600, and a file is never overwritten:
//! adding a key whose name exists fails.

use crate::encoding::{base64, decode_base64, decode_hex, hex};
use crate::error::{ClientError, Result};
use crate::hd::{self, HdPath};
use crate::key::{PUBKEY_LEN, SigningKey};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use phalanx_types::Address;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use zeroize::Zeroizing;

/// Type URL of a secp256k1 public key, as Cosmos shows keys.
pub const PUBKEY_TYPE_URL: &str = "/cosmos.crypto.secp256k1.PubKey";
/// Shortest passphrase accepted for the `file` backend and for exports (the Cosmos SDK's minimum).
pub const MIN_PASSPHRASE_LEN: usize = 8;
/// Longest key name; names become file names.
pub const MAX_NAME_LEN: usize = 64;

/// scrypt cost used for new sealed keys: log2(N), r, p.
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
/// Highest costs accepted from a file, so a crafted file cannot make opening it take minutes or
/// GiBs: scrypt holds `128 · r · (2^log_n + p)` bytes (its table and its `p` blocks) and mixes the
/// table `p` times. The limits are 8 times the memory and 32 times the work of the costs this
/// client writes (32 MiB, mixed once).
const SCRYPT_MAX_MEMORY: u64 = 256 * 1024 * 1024;
const SCRYPT_MAX_WORK: u64 = 1024 * 1024 * 1024;

/// Whether scrypt costs read from a file stay within [`SCRYPT_MAX_MEMORY`] and [`SCRYPT_MAX_WORK`].
fn scrypt_cost_acceptable(log_n: u8, r: u32, p: u32) -> bool {
    let block = 128u64.checked_mul(u64::from(r));
    let table = 1u64
        .checked_shl(u32::from(log_n))
        .and_then(|n| block.and_then(|b| b.checked_mul(n)));
    let memory = table.and_then(|t| {
        block
            .and_then(|b| b.checked_mul(u64::from(p)))
            .and_then(|blocks| t.checked_add(blocks))
    });
    let work = table.and_then(|t| t.checked_mul(u64::from(p)));
    memory.is_some_and(|m| m <= SCRYPT_MAX_MEMORY) && work.is_some_and(|w| w <= SCRYPT_MAX_WORK)
}
const KDF_SCRYPT: &str = "scrypt";
const CIPHER: &str = "xchacha20-poly1305";
/// Associated data of exported keys (they are opened before their address is known).
const EXPORT_AAD: &[u8] = b"phalanx key export v1";
const ARMOR_BEGIN: &str = "-----BEGIN PHALANX PRIVATE KEY-----";
const ARMOR_END: &str = "-----END PHALANX PRIVATE KEY-----";
const FILE_VERSION: u32 = 1;

/// Where and how keys are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Backend {
    /// Private keys sealed with a passphrase (scrypt + XChaCha20-Poly1305).
    #[default]
    File,
    /// Private keys stored unencrypted, for development only.
    Test,
}

impl Backend {
    /// The name used on the command line and in the directory name.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::File => "file",
            Backend::Test => "test",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Backend {
    type Err = ClientError;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "file" => Ok(Backend::File),
            "test" => Ok(Backend::Test),
            other => Err(ClientError::invalid(format!(
                "unknown keyring backend {other:?}; use file or test"
            ))),
        }
    }
}

/// The default home directory, `~/.phalanx`.
pub fn default_home() -> Result<PathBuf> {
    std::env::home_dir()
        .filter(|h| !h.as_os_str().is_empty())
        .map(|h| h.join(".phalanx"))
        .ok_or_else(|| {
            ClientError::invalid("cannot find your home directory; pass --home DIR explicitly")
        })
}

/// What the keyring shows about a key: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's name in the keyring.
    pub name: String,
    /// The account it controls.
    pub address: Address,
    /// Its compressed secp256k1 public key.
    pub public_key: [u8; PUBKEY_LEN],
    /// The derivation path, when the key came from a mnemonic.
    pub hd_path: Option<String>,
}

impl Serialize for KeyInfo {
    /// The Cosmos shape: `{name, type, address, pubkey: {"@type", key}}` plus `hd_path` when known.
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct PubKey<'a> {
            #[serde(rename = "@type")]
            type_url: &'a str,
            key: String,
        }
        let mut st = s.serialize_struct("KeyInfo", 5)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("type", "local")?;
        st.serialize_field("address", &self.address)?;
        st.serialize_field(
            "pubkey",
            &PubKey {
                type_url: PUBKEY_TYPE_URL,
                key: base64(&self.public_key),
            },
        )?;
        st.serialize_field("hd_path", &self.hd_path)?;
        st.end()
    }
}

/// A secret sealed with a passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// Key derivation function; always `scrypt`.
    pub kdf: String,
    /// scrypt log2(N).
    pub log_n: u8,
    /// scrypt block size.
    pub r: u32,
    /// scrypt parallelism.
    pub p: u32,
    /// Random salt, hex.
    pub salt: String,
    /// The AEAD; always `xchacha20-poly1305`.
    pub cipher: String,
    /// Random 24-byte nonce, hex.
    pub nonce: String,
    /// Ciphertext with its 16-byte tag, hex.
    pub ciphertext: String,
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| {
        ClientError::key(format!(
            "the operating system's random source failed ({e}); nothing was written"
        ))
    })?;
    Ok(out)
}

fn stretch(
    passphrase: &str,
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>> {
    let params = scrypt::Params::new(log_n, r, p)
        .map_err(|e| ClientError::key(format!("unusable scrypt parameters: {e}")))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, key.as_mut_slice())
        .map_err(|e| ClientError::key(format!("scrypt failed: {e}")))?;
    Ok(key)
}

fn check_new_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_LEN {
        return Err(ClientError::invalid(format!(
            "the passphrase must be at least {MIN_PASSPHRASE_LEN} characters long"
        )));
    }
    Ok(())
}

impl Sealed {
    /// Seals `secret` under `passphrase` (at least [`MIN_PASSPHRASE_LEN`] characters), binding `aad`.
    pub fn seal(secret: &[u8], passphrase: &str, aad: &[u8]) -> Result<Self> {
        check_new_passphrase(passphrase)?;
        let salt: [u8; 16] = random()?;
        let nonce: [u8; 24] = random()?;
        let key = stretch(passphrase, &salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)?;
        let cipher = XChaCha20Poly1305::new_from_slice(key.as_slice())
            .map_err(|e| ClientError::key(format!("cipher key rejected: {e}")))?;
        let ciphertext = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: secret, aad })
            .map_err(|_| ClientError::key("encryption failed; nothing was written"))?;
        Ok(Self {
            kdf: KDF_SCRYPT.into(),
            log_n: SCRYPT_LOG_N,
            r: SCRYPT_R,
            p: SCRYPT_P,
            salt: hex(&salt),
            cipher: CIPHER.into(),
            nonce: hex(&nonce),
            ciphertext: hex(&ciphertext),
        })
    }

    /// Opens the secret; `what` names it in the wrong-passphrase error.
    pub fn open(&self, passphrase: &str, aad: &[u8], what: &str) -> Result<Zeroizing<Vec<u8>>> {
        let damaged = |why: &str| ClientError::key(format!("{what} cannot be opened: {why}"));
        if self.kdf != KDF_SCRYPT || self.cipher != CIPHER {
            return Err(damaged(&format!(
                "it uses {} / {}, this version reads {KDF_SCRYPT} / {CIPHER} only",
                self.kdf, self.cipher
            )));
        }
        if !scrypt_cost_acceptable(self.log_n, self.r, self.p) {
            return Err(damaged("its scrypt cost is above what this client accepts"));
        }
        let salt = decode_hex(&self.salt).map_err(|e| damaged(&format!("salt: {e}")))?;
        let nonce: [u8; 24] = decode_hex(&self.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| damaged("the nonce is not 24 hex-encoded bytes"))?;
        let ciphertext =
            decode_hex(&self.ciphertext).map_err(|e| damaged(&format!("ciphertext: {e}")))?;
        let key = stretch(passphrase, &salt, self.log_n, self.r, self.p)?;
        let cipher = XChaCha20Poly1305::new_from_slice(key.as_slice())
            .map_err(|e| ClientError::key(format!("cipher key rejected: {e}")))?;
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &ciphertext,
                    aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| ClientError::WrongPassphrase { what: what.into() })
    }
}

/// How the private key is kept in a key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StoredSecret {
    /// Hex, unencrypted (`test` backend).
    Plain {
        /// 32 bytes, hex.
        private_key: String,
    },
    /// Sealed with a passphrase (`file` backend).
    Sealed(Sealed),
}

/// The JSON file of one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    version: u32,
    name: String,
    address: Address,
    /// Compressed public key, hex.
    pubkey: String,
    hd_path: Option<String>,
    secret: StoredSecret,
}

impl KeyFile {
    fn info(&self) -> Result<KeyInfo> {
        let public_key: [u8; PUBKEY_LEN] = decode_hex(&self.pubkey)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| {
                ClientError::key(format!(
                    "key file of {:?} is damaged: its public key is not 33 hex-encoded bytes",
                    self.name
                ))
            })?;
        if Address::from_secp256k1_pubkey(&public_key) != self.address {
            return Err(ClientError::key(format!(
                "key file of {:?} is damaged: its address does not match its public key",
                self.name
            )));
        }
        Ok(KeyInfo {
            name: self.name.clone(),
            address: self.address,
            public_key,
            hd_path: self.hd_path.clone(),
        })
    }
}

/// Checks that a key name can be a file name on every system: 1 to 64 of `A-Z a-z 0-9 . _ -`, not
/// starting with `.` or `-`.
pub fn validate_name(name: &str) -> Result<()> {
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let ok_start = !name.starts_with(['.', '-']);
    if name.is_empty() || name.len() > MAX_NAME_LEN || !ok_chars || !ok_start {
        return Err(ClientError::invalid(format!(
            "invalid key name {name:?}: use 1 to {MAX_NAME_LEN} letters, digits, '.', '_' or '-', not starting with '.' or '-'"
        )));
    }
    Ok(())
}

/// A keyring: a directory of key files and the backend that says how secrets are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    dir: PathBuf,
    backend: Backend,
}

impl Keyring {
    /// The keyring of `backend` under `home` (keys live in `home/keyring-<backend>/`). Nothing is read
    /// or created until a key is used.
    pub fn open(home: &Path, backend: Backend) -> Self {
        Self {
            dir: home.join(format!("keyring-{}", backend.as_str())),
            backend,
        }
    }

    /// The directory holding the key files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether adding or using keys needs a passphrase (the `file` backend).
    pub fn needs_passphrase(&self) -> bool {
        self.backend == Backend::File
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    fn read_file(&self, name: &str) -> Result<KeyFile> {
        validate_name(name)?;
        let path = self.path(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ClientError::KeyNotFound {
                    name: name.into(),
                    dir: self.dir.clone(),
                });
            }
            Err(e) => return Err(ClientError::io(format!("reading {}", path.display()), e)),
        };
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| {
            ClientError::key(format!(
                "key file {} is damaged ({e}); restore it from a backup or delete it",
                path.display()
            ))
        })?;
        if file.version != FILE_VERSION || file.name != name {
            return Err(ClientError::key(format!(
                "key file {} is for key {:?} (format {}); this client reads format {FILE_VERSION} files named after their key",
                path.display(),
                file.name,
                file.version
            )));
        }
        Ok(file)
    }

    /// Every key, by name. A damaged key file is an error naming the file.
    pub fn list(&self) -> Result<Vec<KeyInfo>> {
        self.scan(true)
    }

    /// Every key whose file can be read, by name; damaged files are skipped.
    pub fn list_readable(&self) -> Vec<KeyInfo> {
        self.scan(false).unwrap_or_default()
    }

    fn scan(&self, strict: bool) -> Result<Vec<KeyInfo>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(ClientError::io(
                    format!("reading keyring {}", self.dir.display()),
                    e,
                ));
            }
        };
        let mut keys = Vec::new();
        for entry in entries {
            let entry =
                entry.map_err(|e| ClientError::io(format!("reading {}", self.dir.display()), e))?;
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            if validate_name(name).is_err() {
                continue;
            }
            match self.read_file(name).and_then(|f| f.info()) {
                Ok(info) => keys.push(info),
                Err(e) if strict => return Err(e),
                Err(_) => {}
            }
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    /// One key's public information.
    pub fn get(&self, name: &str) -> Result<KeyInfo> {
        self.read_file(name)?.info()
    }

    /// The key whose name or address is `name_or_address`.
    pub fn find(&self, name_or_address: &str) -> Result<KeyInfo> {
        if let Ok(address) = name_or_address.parse::<Address>() {
            return self
                .list_readable()
                .into_iter()
                .find(|k| k.address == address)
                .ok_or_else(|| {
                    ClientError::key(format!(
                        "no key for address {address} in {}; list the keys with `phalanxd keys list`",
                        self.dir.display()
                    ))
                });
        }
        self.get(name_or_address)
    }

    /// Whether a key of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        validate_name(name).is_ok() && self.path(name).exists()
    }

    /// Whether opening this key's secret needs a passphrase.
    pub fn key_needs_passphrase(&self, name: &str) -> Result<bool> {
        Ok(matches!(
            self.read_file(name)?.secret,
            StoredSecret::Sealed(_)
        ))
    }

    /// Stores `key` as `name`. `passphrase` seals it in the `file` backend (required there, ignored in
    /// `test`). Fails if the name is taken or the same key is already stored under another name.
    pub fn add(
        &self,
        name: &str,
        key: &SigningKey,
        hd_path: Option<&HdPath>,
        passphrase: Option<&str>,
    ) -> Result<KeyInfo> {
        validate_name(name)?;
        if self.contains(name) {
            return Err(ClientError::KeyExists {
                name: name.into(),
                dir: self.dir.clone(),
            });
        }
        let address = key.address();
        if let Some(other) = self
            .list_readable()
            .into_iter()
            .find(|k| k.address == address)
        {
            return Err(ClientError::key(format!(
                "this key ({address}) is already stored as {:?}; use that name or delete it first",
                other.name
            )));
        }
        let secret = match self.backend {
            Backend::Test => StoredSecret::Plain {
                private_key: hex(key.secret_bytes().as_slice()),
            },
            Backend::File => {
                let passphrase = passphrase.ok_or_else(|| {
                    ClientError::invalid(
                        "the file keyring seals keys with a passphrase; provide one (or use --keyring-backend test for development keys)",
                    )
                })?;
                StoredSecret::Sealed(Sealed::seal(
                    key.secret_bytes().as_slice(),
                    passphrase,
                    address.to_string().as_bytes(),
                )?)
            }
        };
        let file = KeyFile {
            version: FILE_VERSION,
            name: name.into(),
            address,
            pubkey: hex(&key.public_key()),
            hd_path: hd_path.map(ToString::to_string),
            secret,
        };
        let json = Zeroizing::new(
            serde_json::to_vec_pretty(&file)
                .map_err(|e| ClientError::key(format!("cannot encode the key file: {e}")))?,
        );
        self.write_new(&self.path(name), &json)?;
        file.info()
    }

    /// Creates a key from a new random 24-word mnemonic and stores it; returns the mnemonic, which is
    /// the only backup of the key.
    pub fn create(
        &self,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<(KeyInfo, Zeroizing<String>)> {
        let mnemonic = hd::generate_mnemonic()?;
        let path = HdPath::default();
        let key = SigningKey::from_mnemonic(&mnemonic, &path)?;
        let info = self.add(name, &key, Some(&path), passphrase)?;
        Ok((info, mnemonic))
    }

    /// Stores the key a mnemonic derives at `path`, non-interactively (for `phalanxd init` and tests).
    pub fn import_mnemonic(
        &self,
        name: &str,
        mnemonic: &str,
        path: &HdPath,
        passphrase: Option<&str>,
    ) -> Result<KeyInfo> {
        let key = SigningKey::from_mnemonic(mnemonic, path)?;
        self.add(name, &key, Some(path), passphrase)
    }

    /// Opens a key for signing. `passphrase` is needed for sealed keys.
    pub fn signing_key(&self, name: &str, passphrase: Option<&str>) -> Result<SigningKey> {
        let file = self.read_file(name)?;
        let info = file.info()?;
        let key = match &file.secret {
            StoredSecret::Plain { private_key } => SigningKey::from_hex(private_key)?,
            StoredSecret::Sealed(sealed) => {
                let passphrase = passphrase.ok_or_else(|| {
                    ClientError::invalid(format!(
                        "key {name:?} is sealed; its passphrase is needed"
                    ))
                })?;
                let secret = sealed.open(
                    passphrase,
                    info.address.to_string().as_bytes(),
                    &format!("key {name:?}"),
                )?;
                let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| {
                    ClientError::key(format!(
                        "key file of {name:?} is damaged: secret is not 32 bytes"
                    ))
                })?;
                let bytes = Zeroizing::new(bytes);
                SigningKey::from_bytes(&bytes)?
            }
        };
        if key.address() != info.address {
            return Err(ClientError::key(format!(
                "key file of {name:?} is damaged: its secret does not match its address"
            )));
        }
        Ok(key)
    }

    /// Removes a key. Without a backup (mnemonic or export) it is gone for good.
    pub fn delete(&self, name: &str) -> Result<()> {
        self.read_file(name)?;
        let path = self.path(name);
        std::fs::remove_file(&path)
            .map_err(|e| ClientError::io(format!("deleting {}", path.display()), e))
    }

    /// An ASCII-armored export of a key, sealed with `export_passphrase` (at least
    /// [`MIN_PASSPHRASE_LEN`] characters), for [`Keyring::import_armored`] on another machine.
    pub fn export_armored(
        &self,
        name: &str,
        key_passphrase: Option<&str>,
        export_passphrase: &str,
    ) -> Result<String> {
        let key = self.signing_key(name, key_passphrase)?;
        armor_key(&key, name, export_passphrase)
    }

    /// The private key in hex, unencrypted: anyone who sees it controls the account.
    pub fn export_hex(
        &self,
        name: &str,
        key_passphrase: Option<&str>,
    ) -> Result<Zeroizing<String>> {
        let key = self.signing_key(name, key_passphrase)?;
        Ok(Zeroizing::new(hex(key.secret_bytes().as_slice())))
    }

    /// Imports an armored export as `name`; `new_passphrase` seals it in the `file` backend.
    pub fn import_armored(
        &self,
        name: &str,
        armor: &str,
        export_passphrase: &str,
        new_passphrase: Option<&str>,
    ) -> Result<KeyInfo> {
        let key = open_armored(armor, export_passphrase)?;
        self.add(name, &key, None, new_passphrase)
    }

    /// Imports a hex private key as `name`.
    pub fn import_hex(
        &self,
        name: &str,
        hex_secret: &str,
        passphrase: Option<&str>,
    ) -> Result<KeyInfo> {
        let key = SigningKey::from_hex(hex_secret)?;
        self.add(name, &key, None, passphrase)
    }

    fn ensure_dir(&self) -> Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&self.dir)
            .map_err(|e| ClientError::io(format!("creating keyring {}", self.dir.display()), e))
    }

    /// Writes a new file readable by its owner only; never replaces an existing one.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.ensure_dir()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let context = || format!("writing {}", path.display());
        let mut file = options
            .open(path)
            .map_err(|e| ClientError::io(context(), e))?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        if let Err(e) = written {
            drop(file);
            // Leave no half-written key behind; the write error is the one worth reporting.
            let _ = std::fs::remove_file(path);
            return Err(ClientError::io(context(), e));
        }
        Ok(())
    }
}

/// Seals `key` with `export_passphrase` into the ASCII-armored text `keys export` prints.
pub fn armor_key(key: &SigningKey, name: &str, export_passphrase: &str) -> Result<String> {
    let sealed = Sealed::seal(key.secret_bytes().as_slice(), export_passphrase, EXPORT_AAD)?;
    let body = serde_json::to_vec(&sealed)
        .map_err(|e| ClientError::key(format!("cannot encode the export: {e}")))?;
    let encoded = base64(&body);
    let mut out = format!(
        "{ARMOR_BEGIN}\nkey: {name}\naddress: {}\nkdf: {KDF_SCRYPT}\ncipher: {CIPHER}\n\n",
        key.address()
    );
    let mut rest = encoded.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str(ARMOR_END);
    out.push('\n');
    Ok(out)
}

/// Opens an armored export with its passphrase; checks the address it claims.
pub fn open_armored(armor: &str, export_passphrase: &str) -> Result<SigningKey> {
    let (headers, body) = parse_armor(armor)?;
    let json = decode_base64(&body)
        .map_err(|e| ClientError::key(format!("the armored key's body is not base64 ({e})")))?;
    let sealed: Sealed = serde_json::from_slice(&json)
        .map_err(|e| ClientError::key(format!("the armored key is damaged ({e})")))?;
    let secret = sealed.open(export_passphrase, EXPORT_AAD, "the exported key")?;
    let bytes: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| ClientError::key("the exported secret is not 32 bytes"))?;
    let bytes = Zeroizing::new(bytes);
    let key = SigningKey::from_bytes(&bytes)?;
    if let Some(addr) = headers.iter().find(|(k, _)| k == "address").map(|(_, v)| v)
        && *addr != key.address().to_string()
    {
        return Err(ClientError::key(format!(
            "the armored key says it is {addr} but holds the key of {}; the file was modified",
            key.address()
        )));
    }
    Ok(key)
}

/// Headers and base64 body of an armored key.
fn parse_armor(text: &str) -> Result<(Vec<(String, String)>, String)> {
    let bad = |why: &str| {
        ClientError::key(format!(
            "not an armored Phalanx key ({why}); expected the output of `phalanxd keys export`"
        ))
    };
    let mut lines = text.lines().map(str::trim);
    lines
        .by_ref()
        .find(|l| *l == ARMOR_BEGIN)
        .ok_or_else(|| bad("no BEGIN line"))?;
    let mut headers = Vec::new();
    let mut body = String::new();
    let mut ended = false;
    let mut in_body = false;
    for line in lines {
        if line == ARMOR_END {
            ended = true;
            break;
        }
        if !in_body {
            if line.is_empty() {
                in_body = true;
            } else if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            } else {
                in_body = true;
                body.push_str(line);
            }
        } else {
            body.push_str(line);
        }
    }
    if !ended {
        return Err(bad("no END line"));
    }
    if body.is_empty() {
        return Err(bad("empty body"));
    }
    Ok((headers, body))
}

/// Whether `text` is an armored key rather than a hex secret.
pub fn is_armored(text: &str) -> bool {
    text.contains(ARMOR_BEGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The costs this client writes open; costs a crafted file could use to exhaust memory or time,
    /// or to overflow the computation, are refused.
    #[test]
    fn scrypt_costs_from_files_are_bounded() {
        assert!(scrypt_cost_acceptable(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P));
        assert!(scrypt_cost_acceptable(17, 8, 8));
        assert!(!scrypt_cost_acceptable(20, 32, 1), "4 GiB");
        assert!(!scrypt_cost_acceptable(19, 8, 1), "512 MiB");
        assert!(!scrypt_cost_acceptable(15, 8, 33), "33 passes over 32 MiB");
        assert!(!scrypt_cost_acceptable(u8::MAX, u32::MAX, u32::MAX));
        assert!(!scrypt_cost_acceptable(0, 1, 1 << 23), "1 GiB of blocks");
        assert!(!scrypt_cost_acceptable(0, 1 << 21, 4), "1 GiB of blocks");
    }
}
