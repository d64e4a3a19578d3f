//! `hireloop funnel`: placeholder until the command lands.

use anyhow::{Result, bail};
use clap::Args;

/// Arguments of `hireloop funnel`.
#[derive(Debug, Args)]
pub struct FunnelArgs {
    /// Input.
    pub input: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(_args: &FunnelArgs) -> Result<String> {
    bail!("`hireloop funnel` is not available in this build")
}
