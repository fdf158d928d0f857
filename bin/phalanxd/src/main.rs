//! `phalanxd`: one binary for the node (`init`, `start`, `testnet`) and the client (`keys`, `tx`,
//! `query`).

use clap::{Args, Parser, Subcommand};
use phalanx_client::cli::ClientCommand;
use phalanx_node::{DevChainOptions, Home, StartOptions, TestnetOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "phalanxd",
    version,
    about = "Phalanx restaking chain: node and client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a development chain into a home directory (one validator, funded demo keys).
    Init(InitArgs),
    /// Run the node (initialising the home first if it is empty).
    Start(StartArgs),
    /// Write the homes of a local N-validator network on 127.0.0.1 (run each with
    /// `phalanxd start --home DIR/nodeK`).
    Testnet(TestnetArgs),
    #[command(flatten)]
    Client(ClientCommand),
}

#[derive(Args)]
struct HomeArg {
    /// Node home directory (default ~/.phalanx).
    #[arg(long)]
    home: Option<PathBuf>,
}

#[derive(Args)]
struct InitArgs {
    #[command(flatten)]
    home: HomeArg,
    /// Chain id written into genesis.
    #[arg(long, default_value = "phalanx-dev")]
    chain_id: String,
    /// Name shown by /status.
    #[arg(long, default_value = "phalanx-node")]
    moniker: String,
    /// Where the JSON API listens.
    #[arg(long, default_value = "127.0.0.1:1317")]
    api_address: String,
    /// Where the p2p layer listens.
    #[arg(long, default_value = "127.0.0.1:26656")]
    p2p_address: String,
    /// Target block interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    block_time_ms: u64,
    /// Unbonding (and operator deactivation) time in seconds; short on a dev chain so you can watch
    /// an unbonding complete.
    #[arg(long, default_value_t = 60)]
    unbonding_time_secs: u64,
}

#[derive(Args)]
struct StartArgs {
    #[command(flatten)]
    home: HomeArg,
    /// Where the JSON API listens (overrides config/node.json).
    #[arg(long)]
    api_address: Option<String>,
    /// Where the p2p layer listens (overrides config/node.json).
    #[arg(long)]
    p2p_address: Option<String>,
}

#[derive(Args)]
struct TestnetArgs {
    /// Number of validators.
    #[arg(long, default_value_t = 4)]
    validators: usize,
    /// Node K listens for p2p on BASE_PORT + 2K and serves its API on BASE_PORT + 2K + 1.
    #[arg(long, default_value_t = 26600)]
    base_port: u16,
    /// Directory for the homes (node0, node1, ...) and testnet.json.
    #[arg(long, default_value = "./testnet")]
    output: PathBuf,
    /// Chain id written into genesis.
    #[arg(long, default_value = "phalanx-testnet")]
    chain_id: String,
    /// Target block interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    block_time_ms: u64,
    /// Unbonding (and operator deactivation) time in seconds.
    #[arg(long, default_value_t = 60)]
    unbonding_time_secs: u64,
}

fn testnet(a: &TestnetArgs) -> Result<(), String> {
    let nodes = phalanx_node::testnet(&TestnetOptions {
        validators: a.validators,
        base_port: a.base_port,
        output: a.output.clone(),
        chain_id: a.chain_id.clone(),
        block_time_ms: a.block_time_ms,
        unbonding_secs: a.unbonding_time_secs,
    })
    .map_err(|e| e.to_string())?;
    for node in &nodes {
        println!("{}  api {}  p2p {}", node.home, node.api, node.p2p);
    }
    println!(
        "wrote {} validator homes and {}; start each with: phalanxd start --home HOME",
        nodes.len(),
        a.output.join(phalanx_node::testnet::TESTNET_FILE).display()
    );
    Ok(())
}

fn home_dir(arg: &HomeArg) -> Result<Home, String> {
    match &arg.home {
        Some(h) => Ok(Home(h.clone())),
        None => phalanx_client::keyring::default_home()
            .map(Home)
            .map_err(|e| e.to_string()),
    }
}

fn init(a: &InitArgs) -> Result<(), String> {
    let home = home_dir(&a.home)?;
    phalanx_node::init(
        &home,
        &DevChainOptions {
            chain_id: a.chain_id.clone(),
            moniker: a.moniker.clone(),
            api_address: a.api_address.clone(),
            p2p_address: a.p2p_address.clone(),
            block_time_ms: a.block_time_ms,
            unbonding_secs: a.unbonding_time_secs,
        },
    )
    .map_err(|e| e.to_string())?;
    println!(
        "initialised {} (chain {}); demo keys alice, bob, carol, dave are in the test keyring",
        home.0.display(),
        a.chain_id
    );
    Ok(())
}

fn start(a: &StartArgs) -> Result<(), String> {
    let home = home_dir(&a.home)?;
    if !home.is_initialised() {
        let mut options = DevChainOptions::default();
        if let Some(api) = &a.api_address {
            options.api_address.clone_from(api);
        }
        if let Some(p2p) = &a.p2p_address {
            options.p2p_address.clone_from(p2p);
        }
        phalanx_node::init(&home, &options).map_err(|e| e.to_string())?;
        println!("initialised a development chain in {}", home.0.display());
    }
    phalanx_node::start_node(
        &home,
        &StartOptions {
            api_address: a.api_address.clone(),
            p2p_address: a.p2p_address.clone(),
        },
    )
    .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Init(a) => init(a),
        Command::Start(a) => start(a),
        Command::Testnet(a) => testnet(a),
        Command::Client(c) => return phalanx_client::cli::run_command(c.clone()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}
