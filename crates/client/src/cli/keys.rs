//! `phalanxd keys ...`: create, recover, list, show, delete, export and import keys.

use super::io::Io;
use super::output::{OutputFormat, render};
use crate::encoding::hex;
use crate::error::{ClientError, Result};
use crate::hd::{self, COSMOS_HD_PATH, HdPath};
use crate::key::SigningKey;
use crate::keyring::{KeyInfo, Keyring, armor_key, is_armored, open_armored};
use clap::Subcommand;
use serde_json::Value;
use std::path::PathBuf;

/// Largest key file `keys import` reads; an armored key is well under 1 KiB.
const MAX_IMPORT_BYTES: u64 = 64 * 1024;

/// Key management commands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum KeysCmd {
    /// Create a key: prints its address and a new 24-word mnemonic, the only backup of the key.
    /// With --recover, read a mnemonic (or a hex private key) from standard input instead.
    Add {
        /// Name of the key in the keyring.
        name: String,
        /// Recover the key from a mnemonic or a 64-digit hex private key read from standard input.
        #[arg(long)]
        recover: bool,
        /// BIP32 derivation path for mnemonics (the Cosmos default; Keplr and gaiad use the same).
        #[arg(long, value_name = "PATH", default_value = COSMOS_HD_PATH)]
        hd_path: String,
        /// Do not print the new mnemonic (you will not be able to recover the key).
        #[arg(long)]
        no_backup: bool,
    },
    /// List every key of the keyring.
    #[command(visible_alias = "ls")]
    List,
    /// Show one key (by name or address).
    Show {
        /// Key name or address.
        name: String,
        /// Print only the address.
        #[arg(short = 'a', long = "address", conflicts_with = "pubkey")]
        address: bool,
        /// Print only the public key (base64).
        #[arg(short = 'p', long = "pubkey")]
        pubkey: bool,
    },
    /// Delete a key; without its mnemonic or an export it cannot be recovered.
    Delete {
        /// Key name.
        name: String,
        /// Delete without asking.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Export a key, ASCII-armored and encrypted with a new export passphrase (for `keys import`).
    Export {
        /// Key name.
        name: String,
        /// Print the raw private key in hex instead (unencrypted: anyone who sees it owns the account).
        #[arg(long, requires = "unsafe_export")]
        unarmored_hex: bool,
        /// Confirm that you understand --unarmored-hex prints the secret in clear.
        #[arg(long = "unsafe", id = "unsafe_export")]
        unsafe_export: bool,
    },
    /// Import a key from a file written by `keys export`, or holding a hex private key.
    Import {
        /// Name to store the key under.
        name: String,
        /// The file to read.
        file: PathBuf,
    },
}

/// What `keys show` and `keys add` print for a key.
fn key_json(info: &KeyInfo) -> Result<Value> {
    serde_json::to_value(info).map_err(|e| ClientError::key(format!("cannot encode key: {e}")))
}

fn print_key(
    io: &mut Io<'_>,
    info: &KeyInfo,
    format: OutputFormat,
    extra: &[(&str, &str)],
) -> Result<()> {
    let mut value = key_json(info)?;
    if let Value::Object(map) = &mut value {
        for (k, v) in extra {
            map.insert((*k).to_string(), Value::String((*v).to_string()));
        }
    }
    match format {
        OutputFormat::Json => io.println(value.to_string()),
        OutputFormat::Text => io.println(render(&value).trim_end()),
    }
}

/// Reads the passphrase of a sealed key, if it is sealed.
pub(crate) fn unlock(keyring: &Keyring, name: &str, io: &mut Io<'_>) -> Result<SigningKey> {
    if keyring.key_needs_passphrase(name)? {
        let passphrase = io.read_secret(
            &format!("Enter the passphrase of key {name:?}: "),
            "the key's passphrase",
        )?;
        keyring.signing_key(name, Some(&passphrase))
    } else {
        keyring.signing_key(name, None)
    }
}

/// A new-key passphrase when the backend seals keys.
fn new_key_passphrase(
    keyring: &Keyring,
    name: &str,
    io: &mut Io<'_>,
) -> Result<Option<zeroize::Zeroizing<String>>> {
    if keyring.needs_passphrase() {
        Ok(Some(io.new_passphrase(&format!("key {name:?}"))?))
    } else {
        Ok(None)
    }
}

/// Runs a `keys` command.
pub fn run_keys(
    cmd: &KeysCmd,
    keyring: &Keyring,
    format: OutputFormat,
    io: &mut Io<'_>,
) -> Result<()> {
    match cmd {
        KeysCmd::Add {
            name,
            recover,
            hd_path,
            no_backup,
        } => add(keyring, name, *recover, hd_path, *no_backup, format, io),
        KeysCmd::List => {
            let keys = keyring.list()?;
            match format {
                OutputFormat::Json => {
                    let arr = keys.iter().map(key_json).collect::<Result<Vec<_>>>()?;
                    io.println(Value::Array(arr).to_string())
                }
                OutputFormat::Text if keys.is_empty() => io.eprintln(format!(
                    "no keys in {}; create one with `phalanxd keys add NAME`",
                    keyring.dir().display()
                )),
                OutputFormat::Text => {
                    let width = keys.iter().map(|k| k.name.len()).max().unwrap_or(4).max(4);
                    io.println(format!("{:<width$}  ADDRESS", "NAME"))?;
                    for k in &keys {
                        io.println(format!("{:<width$}  {}", k.name, k.address))?;
                    }
                    Ok(())
                }
            }
        }
        KeysCmd::Show {
            name,
            address,
            pubkey,
        } => {
            let info = keyring.find(name)?;
            if *address {
                io.println(info.address.to_string())
            } else if *pubkey {
                io.println(crate::encoding::base64(&info.public_key))
            } else {
                print_key(io, &info, format, &[])
            }
        }
        KeysCmd::Delete { name, yes } => {
            let info = keyring.get(name)?;
            if !*yes
                && !io.confirm(&format!(
                    "Delete key {name:?} ({})? Without its mnemonic or an export it is lost for good.",
                    info.address
                ))?
            {
                return Err(ClientError::Cancelled);
            }
            keyring.delete(name)?;
            io.eprintln(format!("key {name:?} deleted"))
        }
        KeysCmd::Export {
            name,
            unarmored_hex,
            unsafe_export: _,
        } => {
            let key = unlock(keyring, name, io)?;
            if *unarmored_hex {
                io.eprintln(
                    "WARNING: this is the private key in clear; anyone who sees it controls the account.",
                )?;
                io.println(hex(key.secret_bytes().as_slice()))
            } else {
                let export_passphrase = io.new_passphrase("the export")?;
                let armored = armor_key(&key, name, &export_passphrase)?;
                io.println(armored.trim_end())
            }
        }
        KeysCmd::Import { name, file } => {
            crate::keyring::validate_name(name)?;
            if keyring.contains(name) {
                return Err(ClientError::KeyExists {
                    name: name.clone(),
                    dir: keyring.dir().to_path_buf(),
                });
            }
            let text = read_small_file(file)?;
            let info = if is_armored(&text) {
                let export_passphrase =
                    io.read_secret("Enter the export passphrase: ", "the export passphrase")?;
                // Open the export before asking for a new passphrase, so a typo fails early.
                let key = open_armored(&text, &export_passphrase)?;
                let new = new_key_passphrase(keyring, name, io)?;
                keyring.add(name, &key, None, new.as_deref().map(|s| s.as_str()))?
            } else {
                let key = SigningKey::from_hex(text.trim()).map_err(|_| {
                    ClientError::key(format!(
                        "{} holds neither an armored key from `phalanxd keys export` nor a 64-digit hex private key",
                        file.display()
                    ))
                })?;
                let new = new_key_passphrase(keyring, name, io)?;
                keyring.add(name, &key, None, new.as_deref().map(|s| s.as_str()))?
            };
            print_key(io, &info, format, &[])
        }
    }
}

fn read_small_file(path: &std::path::Path) -> Result<zeroize::Zeroizing<String>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ClientError::io(format!("reading {}", path.display()), e))?;
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(ClientError::invalid(format!(
            "{} is {} bytes; a key file is far smaller, is this the right file?",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read_to_string(path)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| ClientError::io(format!("reading {}", path.display()), e))
}

fn add(
    keyring: &Keyring,
    name: &str,
    recover: bool,
    hd_path: &str,
    no_backup: bool,
    format: OutputFormat,
    io: &mut Io<'_>,
) -> Result<()> {
    crate::keyring::validate_name(name)?;
    if keyring.contains(name) {
        return Err(ClientError::KeyExists {
            name: name.into(),
            dir: keyring.dir().to_path_buf(),
        });
    }
    let path: HdPath = hd_path.parse()?;
    if recover {
        let secret = io.read_line(
            "Enter your BIP39 mnemonic, or a hex private key: ",
            "a mnemonic or hex private key",
        )?;
        let (key, used_path) = if hd::looks_like_mnemonic(&secret) {
            (SigningKey::from_mnemonic(&secret, &path)?, Some(&path))
        } else {
            (SigningKey::from_hex(&secret)?, None)
        };
        let passphrase = new_key_passphrase(keyring, name, io)?;
        let info = keyring.add(
            name,
            &key,
            used_path,
            passphrase.as_deref().map(|s| s.as_str()),
        )?;
        return print_key(io, &info, format, &[]);
    }
    let mnemonic = hd::generate_mnemonic()?;
    let key = SigningKey::from_mnemonic(&mnemonic, &path)?;
    let passphrase = new_key_passphrase(keyring, name, io)?;
    let info = keyring.add(
        name,
        &key,
        Some(&path),
        passphrase.as_deref().map(|s| s.as_str()),
    )?;
    if no_backup {
        return print_key(io, &info, format, &[]);
    }
    match format {
        OutputFormat::Json => print_key(io, &info, format, &[("mnemonic", mnemonic.as_str())]),
        OutputFormat::Text => {
            print_key(io, &info, format, &[])?;
            io.println("")?;
            io.println(
                "**Important** write this mnemonic phrase in a safe place.\n\
                 It is the only way to recover your account if you ever forget your passphrase.\n",
            )?;
            io.println(mnemonic.as_str())
        }
    }
}
