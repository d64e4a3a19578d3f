//! `hireloop spike`: placeholder until the command lands.

use anyhow::{Result, bail};
use clap::Args;

/// Arguments of `hireloop spike`.
#[derive(Debug, Args)]
pub struct SpikeArgs {
    /// Input.
    pub input: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(_args: &SpikeArgs) -> Result<String> {
    bail!("`hireloop spike` is not available in this build")
}
