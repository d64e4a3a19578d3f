//! `hireloop ab`: placeholder until the command lands.

use anyhow::{Result, bail};
use clap::Args;

/// Arguments of `hireloop ab`.
#[derive(Debug, Args)]
pub struct AbArgs {
    /// Input.
    pub input: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(_args: &AbArgs) -> Result<String> {
    bail!("`hireloop ab` is not available in this build")
}
