//! The `keys`, `tx` and `query` commands of `phalanxd`, as clap derive types the binary embeds.
//!
//! # How the binary uses this module
//!
//! Embed [`ClientCommand`] in the binary's own subcommand enum with `#[command(flatten)]`, and hand the
//! parsed value to [`run_command`] (from a synchronous `main`) or [`run_command_async`] (from inside a
//! tokio runtime, e.g. under `#[tokio::main]`):
//!
//! ```ignore
//! #[derive(clap::Parser)]
//! struct Cli {
//!     #[command(subcommand)]
//!     command: Command,
//! }
//!
//! #[derive(clap::Subcommand)]
//! enum Command {
//!     Init(InitArgs),
//!     Start(StartArgs),
//!     #[command(flatten)]
//!     Client(phalanx_client::cli::ClientCommand),
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     match <Cli as clap::Parser>::parse().command {
//!         Command::Client(c) => phalanx_client::cli::run_command(c),
//!         // ...
//!     }
//! }
//! ```
//!
//! [`run`] parses a whole argument list that only has these three commands, which tests and small tools
//! use. Each command defines its own `--home`, `--keyring-backend`, `--node` and `-o/--output` (global
//! within the command, so they may follow any subcommand); do not declare them as globals of the
//! binary's top-level parser too.
//!
//! Exit status: 0 on success; 1 with `Error: ...` on standard error when anything fails (including a
//! transaction that was committed but failed); 2 for unusable arguments (clap's usage errors).

pub mod io;
pub mod keys;
pub mod output;
pub mod query;
pub mod tx;

pub use io::Io;
pub use keys::KeysCmd;
pub use output::OutputFormat;
pub use query::QueryCmd;
pub use tx::{SignOpts, TxCmd};

use crate::error::{ClientError, Result};
use crate::http::{Client, DEFAULT_NODE};
use crate::keyring::{Backend, Keyring, default_home};
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where keys live.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct KeyringOpts {
    /// Home directory of keys and node data [default: ~/.phalanx].
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// file: keys encrypted with a passphrase; test: unencrypted, for development chains only.
    #[arg(long, global = true, value_enum, default_value_t = Backend::File, value_name = "BACKEND")]
    pub keyring_backend: Backend,
}

impl KeyringOpts {
    /// The keyring these options name.
    pub fn keyring(&self) -> Result<Keyring> {
        let home = match &self.home {
            Some(h) => h.clone(),
            None => default_home()?,
        };
        Ok(Keyring::open(&home, self.keyring_backend))
    }
}

/// Which node to talk to.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct NodeOpts {
    /// The node's API address.
    #[arg(long, global = true, value_name = "URL", default_value = DEFAULT_NODE)]
    pub node: String,
}

/// How to print results.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct OutputOpts {
    /// text for people, json for scripts.
    #[arg(short = 'o', long = "output", global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// `phalanxd keys ...`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct KeysArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keyring: KeyringOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputOpts,
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub cmd: KeysCmd,
}

/// `phalanxd tx ...`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct TxArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keyring: KeyringOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub node: NodeOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sign: SignOpts,
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub cmd: TxCmd,
}

/// `phalanxd query ...`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct QueryArgs {
    /// Key names may stand for addresses; these say where to look them up.
    #[command(flatten)]
    pub keyring: KeyringOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub node: NodeOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputOpts,
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub cmd: QueryCmd,
}

/// The client commands of `phalanxd`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ClientCommand {
    /// Manage keys: add, list, show, delete, export, import.
    Keys(KeysArgs),
    /// Sign and broadcast a transaction.
    Tx(TxArgs),
    /// Query the chain through a node's API.
    #[command(visible_alias = "q")]
    Query(QueryArgs),
}

/// A parser with only the client commands, for [`run`] and tests.
#[derive(Debug, Parser)]
#[command(
    name = "phalanxd",
    about = "Phalanx restaking chain: keys, transactions and queries"
)]
pub struct Cli {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub command: ClientCommand,
}

/// Runs a command with the given input and output. The core of every entry point; tests call it with
/// buffers.
pub async fn execute(cmd: &ClientCommand, io: &mut Io<'_>) -> Result<()> {
    match cmd {
        ClientCommand::Keys(a) => {
            keys::run_keys(&a.cmd, &a.keyring.keyring()?, a.output.output, io)
        }
        ClientCommand::Tx(a) => {
            let keyring = a.keyring.keyring()?;
            let client = Client::new(&a.node.node)?;
            let env = tx::TxEnv {
                keyring: &keyring,
                client: &client,
                sign: &a.sign,
                format: a.output.output,
            };
            tx::run_tx(&a.cmd, &env, io).await
        }
        ClientCommand::Query(a) => {
            let keyring = a.keyring.keyring()?;
            let client = Client::new(&a.node.node)?;
            query::run_query(&a.cmd, &client, &keyring, a.output.output, io).await
        }
    }
}

fn report(result: Result<()>, io: &mut Io<'_>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Nothing better to do if standard error itself fails.
            let _ = io.eprintln(format!("Error: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Runs a command on standard input and output from inside a tokio runtime.
pub async fn run_command_async(cmd: ClientCommand) -> ExitCode {
    let mut input = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let mut io = Io::stdio(&mut input, &mut out, &mut err);
    let result = execute(&cmd, &mut io).await;
    report(result, &mut io)
}

/// Runs a command on standard input and output; starts a small runtime of its own, so call it from
/// synchronous code only (inside a tokio runtime use [`run_command_async`]).
pub fn run_command(cmd: ClientCommand) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build();
    match runtime {
        Ok(rt) => rt.block_on(run_command_async(cmd)),
        Err(e) => {
            let err = ClientError::io("starting the I/O runtime", e);
            eprintln!("Error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `args` (program name first) as `phalanxd keys|tx|query ...` and runs the command.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => run_command(cli.command),
        Err(e) => {
            // Prints help or the usage error to the right stream.
            let _ = e.print();
            match e.exit_code() {
                0 => ExitCode::SUCCESS,
                _ => ExitCode::from(2),
            }
        }
    }
}
