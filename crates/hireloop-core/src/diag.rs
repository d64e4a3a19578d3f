//! Diagnostics: problems found in content or input, each with the place it was found.
//!
//! Loading never stops at the first problem: every check runs and reports into a [`Diagnostics`]
//! list, so a process owner fixes a file in one pass.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A source file: its path as the user knows it and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown in messages (relative to the content root for built-in files).
    pub path: Arc<str>,
    /// The file's text.
    pub text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    /// Wraps a path and its text.
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }

    /// The location of a byte offset in this file.
    pub fn loc(&self, offset: usize) -> Loc {
        let (line, col) = self.line_col(offset);
        Loc {
            file: self.path.clone(),
            line,
            col,
        }
    }
}

/// A place in a source file: path, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    /// The file's path as shown to the user.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

impl Loc {
    /// A location for things that have no place in a file (command-line input, defaults).
    pub fn nowhere(what: &str) -> Self {
        Loc {
            file: what.into(),
            line: 0,
            col: 0,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.col)
        }
    }
}

/// How bad a problem is: errors make content unusable, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The content cannot be used until this is fixed.
    Error,
    /// The content works, but probably not as intended.
    Warning,
}

/// One problem, where it is, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is.
    #[serde(flatten)]
    pub loc: Loc,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {sev}: {}", self.loc, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found by one load or validation, in the order of the files and positions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error.
    pub fn error(&mut self, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Error, loc, message)
    }

    /// Records a warning.
    pub fn warning(&mut self, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Severity::Warning, loc, message)
    }

    fn push(
        &mut self,
        severity: Severity,
        loc: Loc,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.0.push(Diagnostic {
            severity,
            loc,
            message: message.into(),
            hint: None,
        });
        let last = self.0.len() - 1;
        &mut self.0[last]
    }

    /// Appends all of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, line and column, keeping the order of problems found at the same place, and
    /// drops exact repeats.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.loc.cmp(&b.loc));
        self.0.dedup();
    }
}

impl Diagnostic {
    /// Adds a hint on how to fix the problem.
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let squash = |s: &str| s.replace(['_', '-'], "").to_lowercase();
    let w = squash(word);
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // A word written without separators or cut short ("timelimit" for "time_limit_days").
    if w.len() >= 4
        && let Some(c) = candidates.iter().find(|c| squash(c).starts_with(&w))
    {
        return Some(c);
    }
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("x.toml", "a = 1\nname = \"面试\" # x\n\nz");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        let hash = f.text.find('#').unwrap_or_default();
        assert_eq!(f.line_col(hash), (2, 13));
        assert_eq!(f.line_col(f.text.len()), (4, 2));
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let kinds = ["product_round", "culture_fit", "custom"];
        assert_eq!(did_you_mean("product_rond", kinds), Some("product_round"));
        assert_eq!(did_you_mean("culturefit", kinds), Some("culture_fit"));
        assert_eq!(did_you_mean("lunch", kinds), None);
        assert_eq!(
            did_you_mean("timelimit", ["name", "time_limit_days"]),
            Some("time_limit_days")
        );
    }
}
