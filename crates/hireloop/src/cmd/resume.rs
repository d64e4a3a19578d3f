//! `hireloop resume screen`: screen resumes (PDF, DOCX, Markdown, plain text, JSON Resume).
//!
//! Each file is screened on its own: a bad file gets one error line (or a JSON entry with an
//! `error`) and the others are still screened; the exit status is 1 when any file failed. Files
//! are read here, with their size checked before a byte is read. Each is screened on a worker
//! thread with a large stack and a time limit, so a hostile file that makes the PDF reader recurse
//! deeply or never finish costs that file, not the batch.

use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use clap::{Args, Subcommand};
use hireloop_coach::resume::{
    Finding, MAX_RESUME_BYTES, ResumeError, Screener, Screening, YearMonth,
};
use hireloop_core::content::Content;
use serde::Serialize;

use super::json;
use crate::Reported;
use crate::cli::Format;
use crate::input::{emit, emit_err};
use crate::text::wrap;

/// `hireloop resume ...`
#[derive(Debug, Subcommand)]
pub enum ResumeCmd {
    /// Screen resumes for ownership, quantified impact, scale, growth, product experience and
    /// languages, with evidence; suggests advance, hold or reject. A bad file is reported and the
    /// others are still screened; exits 1 when any file failed.
    Screen(ScreenArgs),
}

/// Arguments of `hireloop resume screen`.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Resume files (PDF, DOCX, Markdown, text, JSON Resume), or folders: every file directly in
    /// a folder is screened.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The month that "present" means in date ranges, as YYYY-MM; the current month by default.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<YearMonth>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How long one file may take. A resume takes milliseconds; a file built to make the reader loop
/// is given up on after this.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The stack of a worker: deep enough for any nesting the PDF reader allows before it refuses.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Runs the command; prints as it goes.
pub fn run(c: &Content, cmd: &ResumeCmd) -> Result<()> {
    let ResumeCmd::Screen(args) = cmd;
    let as_of = args.as_of.unwrap_or_else(this_month);
    let screener = Arc::new(Screener::new(c));
    let files = expand(&args.files);
    let mut entries = Vec::new();
    let mut failed = 0usize;
    let mut counts = [0usize; 3];
    for path in &files {
        let shown = path.display().to_string();
        let result = read(path).and_then(|bytes| screen(&screener, bytes, path, as_of));
        match &result {
            Ok(s) => {
                counts[s.suggestion as usize] += 1;
                if args.format == Format::Text {
                    emit(&render(&shown, s))?;
                }
            }
            Err(e) => {
                failed += 1;
                if args.format == Format::Text {
                    emit_err(&format!("error: {shown}: {e}\n"))?;
                }
            }
        }
        entries.push((shown, result));
    }
    match args.format {
        Format::Json => {
            let out: Vec<Entry<'_>> = entries
                .iter()
                .map(|(file, r)| match r {
                    Ok(s) => Entry::Screened { file, screening: s },
                    Err(e) => Entry::Failed {
                        file,
                        error: e.to_string(),
                    },
                })
                .collect();
            emit(&json(&out)?)?;
        }
        Format::Text => {
            let [advance, hold, reject] = counts;
            emit(&format!(
                "{} file(s): {advance} advance, {hold} hold, {reject} reject, {failed} could not be screened\n",
                files.len()
            ))?;
        }
    }
    if failed > 0 {
        Err(Reported.into())
    } else {
        Ok(())
    }
}

/// One file in the JSON output.
#[derive(Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Screened {
        file: &'a str,
        #[serde(flatten)]
        screening: &'a Screening,
    },
    Failed {
        file: &'a str,
        error: String,
    },
}

/// The files named, with each folder replaced by the files directly in it (sorted, hidden files
/// left out). A folder that cannot be listed stays, to be reported as unreadable.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let Ok(entries) = fs::read_dir(p) else {
            out.push(p.clone());
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| {
                !f.is_dir()
                    && !f
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Why a file failed: the screener's reason or a reading problem, as one line.
type Failure = String;

/// Reads a file, refusing a huge one before reading it.
fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let io = |e: std::io::Error| format!("cannot read it ({e})");
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(
            "a folder inside a folder; only the files directly in a folder are screened".into(),
        );
    }
    if meta.len() > MAX_RESUME_BYTES {
        return Err(ResumeError::TooLarge { size: meta.len() }.to_string());
    }
    let mut bytes = Vec::new();
    // The file may grow between the check and the read: never read more than one byte too many.
    fs::File::open(path)
        .and_then(|f| f.take(MAX_RESUME_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    Ok(bytes)
}

/// Screens one file on a worker thread, within the time limit.
fn screen(
    screener: &Arc<Screener>,
    bytes: Vec<u8>,
    path: &Path,
    as_of: YearMonth,
) -> Result<Screening, Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (tx, rx) = mpsc::channel();
    let screener = Arc::clone(screener);
    thread::Builder::new()
        .name("resume-screen".into())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let _ = tx.send(screener.screen(&bytes, &name, as_of));
        })
        .map_err(|e| format!("cannot start screening it ({e})"))?;
    match rx.recv_timeout(TIME_LIMIT) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "reading it took longer than {} s; given up (the file may be built to stall a reader)",
            TIME_LIMIT.as_secs()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(
            "the screener stopped unexpectedly on it; this is a defect, please report it".into(),
        ),
    }
}

/// The current month (UTC), from the system clock.
fn this_month() -> YearMonth {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    month_of_day(days)
}

/// The month of a day counted from 1970-01-01.
fn month_of_day(mut days: u64) -> YearMonth {
    let leap = |y: u64| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let mut year = 1970u64;
    loop {
        let len = if leap(year) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let feb = if leap(year) { 29 } else { 28 };
    let mut month = 1u8;
    for len in [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] {
        if days < len {
            break;
        }
        days -= len;
        month += 1;
    }
    YearMonth {
        year: year as i32,
        month,
    }
}

/// How many sentences of evidence to show per kind of finding.
const SHOWN: usize = 3;

/// One screening as a readable report with the evidence marked ⟦…⟧.
fn render(file: &str, s: &Screening) -> String {
    let mut out = String::new();
    let language = match s.language {
        hireloop_coach::text::Language::En => "English",
        hireloop_coach::text::Language::Zh => "Chinese",
    };
    let _ = writeln!(
        out,
        "{file} — {}, {language}, {} words",
        s.kind.name(),
        s.words
    );
    let (head, rest) = s
        .reasons
        .split_first()
        .map_or(("", &[][..]), |(h, r)| (h.as_str(), r));
    let _ = writeln!(
        out,
        "  {}",
        head.replacen(s.suggestion.name(), &s.suggestion.name().to_uppercase(), 1,)
    );
    for r in rest {
        out.push_str(&wrap(r, 92, "  · "));
    }
    let groups: [(&str, &[Finding]); 6] = [
        ("ownership", &s.ownership),
        ("passenger", &s.passenger_voice),
        ("impact", &s.impact),
        ("scale", &s.scale),
        ("growth", &s.growth),
        ("product", &s.product),
    ];
    if groups.iter().any(|(_, f)| !f.is_empty()) {
        let _ = writeln!(out, "  Evidence");
        for (name, findings) in groups {
            for f in findings.iter().take(SHOWN) {
                out.push_str(&wrap(&marked(f), 84, &format!("    {name:<10}  ")));
            }
            if findings.len() > SHOWN {
                let _ = writeln!(out, "    {:<10}  … and {} more", "", findings.len() - SHOWN);
            }
        }
    }
    out.push('\n');
    out
}

/// A finding's sentence with its marks wrapped in ⟦…⟧.
fn marked(f: &Finding) -> String {
    let mut out = String::new();
    let mut at = f.start;
    for m in &f.marks {
        if m.start < at || m.end > f.end {
            continue;
        }
        out.push_str(&f.text[at - f.start..m.start - f.start]);
        let _ = write!(out, "⟦{}⟧", m.text);
        at = m.end;
    }
    out.push_str(&f.text[at - f.start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_from_days() {
        let m = |d| month_of_day(d).to_string();
        assert_eq!(m(0), "1970-01");
        assert_eq!(m(31), "1970-02");
        assert_eq!(m(365 + 365 + 59), "1972-02");
        assert_eq!(m(365 + 365 + 60), "1972-03");
        // 2025-06-15 is day 20254.
        assert_eq!(m(20_254), "2025-06");
    }
}
