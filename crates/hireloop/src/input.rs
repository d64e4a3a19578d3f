//! Reading files from disk: content folders, pipeline files, evaluation files. The only place the
//! binary touches the file system for input.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use hireloop_core::SourceFile;
use hireloop_core::content::{Content, ContentFile, builtin_files, overlay};

/// The largest input file we read; content and evaluations are far smaller.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a text file, refusing huge and non-UTF-8 files with a clear message.
pub fn read_text(path: &Path) -> Result<String> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        bail!("{} is a folder, not a file", path.display());
    }
    if meta.len() > MAX_FILE_BYTES {
        bail!(
            "{} is {} bytes, more than the {} MiB limit",
            path.display(),
            meta.len(),
            MAX_FILE_BYTES / 1024 / 1024
        );
    }
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads a file as a source for diagnostics.
pub fn source(path: &Path) -> Result<SourceFile> {
    Ok(SourceFile::new(
        path.display().to_string(),
        read_text(path)?,
    ))
}

fn collect_toml(dir: &Path, root: &Path, out: &mut Vec<ContentFile>) -> Result<()> {
    let entries = fs::read_dir(dir)
        .with_context(|| format!("cannot read the content folder {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_toml(&path, root, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(ContentFile {
                rel,
                source: source(&path)?,
            });
        }
    }
    Ok(())
}

/// The content files: built-in, overlaid with `dir` when given.
pub fn content_files(dir: Option<&Path>) -> Result<Vec<ContentFile>> {
    let base = builtin_files();
    let Some(dir) = dir else { return Ok(base) };
    if !dir.is_dir() {
        bail!(
            "the content folder {} does not exist or is not a folder",
            dir.display()
        );
    }
    let mut extra = Vec::new();
    collect_toml(dir, dir, &mut extra)?;
    Ok(overlay(base, extra))
}

/// Loads and checks the content; on errors, prints them all and fails.
pub fn load_content(dir: Option<&Path>) -> Result<Content> {
    let files = content_files(dir)?;
    Content::load(&files).map_err(|diags| {
        let _ = emit_err(&diags.to_string());
        anyhow::anyhow!(
            "the content has {} error(s); fix them or run `hireloop content validate` for the list",
            diags.error_count()
        )
    })
}

fn write_ignoring_broken_pipe(mut w: impl Write, s: &str) -> Result<()> {
    match w.write_all(s.as_bytes()).and_then(|()| w.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write the output"),
    }
}

/// Prints to standard output; a closed pipe (`| head`) is not an error.
pub fn emit(s: &str) -> Result<()> {
    write_ignoring_broken_pipe(io::stdout().lock(), s)
}

/// Prints to standard error.
pub fn emit_err(s: &str) -> Result<()> {
    write_ignoring_broken_pipe(io::stderr().lock(), s)
}
