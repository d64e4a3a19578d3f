//! `hireloop tradeoff`: placeholder until the command lands.

use anyhow::{Result, bail};
use clap::Args;

/// Arguments of `hireloop tradeoff`.
#[derive(Debug, Args)]
pub struct TradeoffArgs {
    /// Input.
    pub input: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(_args: &TradeoffArgs) -> Result<String> {
    bail!("`hireloop tradeoff` is not available in this build")
}
