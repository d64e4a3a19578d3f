//! `hireloop estimate`: placeholder until the command lands.

use anyhow::{Result, bail};
use clap::Args;

/// Arguments of `hireloop estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// Input.
    pub input: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(_args: &EstimateArgs) -> Result<String> {
    bail!("`hireloop estimate` is not available in this build")
}
