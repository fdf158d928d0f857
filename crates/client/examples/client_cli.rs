//! The `keys`, `tx` and `query` commands on their own, for trying the command line before (or
//! without) the full `phalanxd` binary: `cargo run -p phalanx-client --example client_cli -- keys list`.

fn main() -> std::process::ExitCode {
    phalanx_client::cli::run(std::env::args_os())
}
