//! `hireloop content validate|export`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use hireloop_core::content::{Content, builtin};

use super::json;
use crate::Reported;
use crate::cli::Format;
use crate::input::{content_files, emit, emit_err};

/// Checks the content and reports every problem.
pub fn validate(dir: Option<&Path>, format: Format) -> Result<()> {
    let files = content_files(dir)?;
    let (content, diags) = Content::load_with_warnings(&files);
    let c = content.unwrap_or_default();
    if format == Format::Json {
        emit(&json(&serde_json::json!({
            "valid": !diags.has_errors(),
            "errors": diags.error_count(),
            "warnings": diags.warning_count(),
            "files": files.len(),
            "questions": c.questions.len(),
            "pipelines": c.pipelines.len(),
            "diagnostics": diags,
        }))?)?;
    } else {
        emit_err(&diags.to_string())?;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} files: {} pipeline(s), {} questions in {} families, {} dimensions, {} values, {} mistakes, {} levels, {} checklist items, {} figures",
            files.len(),
            c.pipelines.len(),
            c.questions.len(),
            c.families.len(),
            c.dimensions.len(),
            c.values.len(),
            c.mistakes.len(),
            c.levels.len(),
            c.checklist.len(),
            c.figures.len()
        );
        let verdict = if diags.has_errors() {
            "content has problems"
        } else {
            "content is valid"
        };
        let _ = writeln!(
            s,
            "{verdict}: {} error(s), {} warning(s)",
            diags.error_count(),
            diags.warning_count()
        );
        emit(&s)?;
    }
    if diags.has_errors() {
        Err(Reported.into())
    } else {
        Ok(())
    }
}

/// Writes the built-in files into `dir`.
pub fn export(dir: &Path, force: bool) -> Result<()> {
    let existing: Vec<&str> = builtin::FILES
        .iter()
        .map(|(rel, _)| *rel)
        .filter(|rel| dir.join(rel).exists())
        .collect();
    if !force && !existing.is_empty() {
        bail!(
            "{} file(s) already exist in {} (for example {}); nothing was written. Use --force to overwrite",
            existing.len(),
            dir.display(),
            existing[0]
        );
    }
    for (rel, text) in builtin::FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    emit(&format!(
        "wrote {} files to {}; edit them and run `hireloop --content {} content validate`\n",
        builtin::FILES.len(),
        dir.display(),
        dir.display()
    ))
}
