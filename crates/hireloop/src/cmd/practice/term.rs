//! Reading the candidate's lines from standard input: a terminal or a pipe, the same way.

use std::io::{self, BufRead, IsTerminal};

use anyhow::{Context, Result};

use crate::input::emit_err;

/// Standard input, read a line at a time.
pub(crate) struct Input {
    reader: Box<dyn BufRead>,
    tty: bool,
}

impl Input {
    /// Standard input.
    pub(crate) fn stdin() -> Input {
        let stdin = io::stdin();
        let tty = stdin.is_terminal();
        Input {
            reader: Box::new(stdin.lock()),
            tty,
        }
    }

    /// Input from a buffer (tests).
    #[cfg(test)]
    pub(crate) fn from_bytes(bytes: &'static [u8]) -> Input {
        Input {
            reader: Box::new(bytes),
            tty: false,
        }
    }

    /// Whether a person types at a terminal (rather than a pipe or a file).
    pub(crate) fn is_terminal(&self) -> bool {
        self.tty
    }

    /// The next line without its line break; `None` at the end of the input. A last line without
    /// a line break counts; bytes that are not UTF-8 are replaced, never refused, so nothing
    /// typed is lost to an encoding slip.
    pub(crate) fn line(&mut self) -> Result<Option<String>> {
        let mut buf = Vec::new();
        let n = self
            .reader
            .read_until(b'\n', &mut buf)
            .context("cannot read standard input")?;
        if n == 0 {
            return Ok(None);
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
    }

    /// A secret line (a password): asked on standard error, not echoed in a terminal.
    pub(crate) fn secret(&mut self, prompt: &str) -> Result<Option<String>> {
        emit_err(prompt)?;
        let hidden = self.tty && set_echo(false);
        let line = self.line();
        if hidden {
            set_echo(true);
            // The Enter the user typed was not echoed either.
            emit_err("\n")?;
        }
        line
    }
}

/// Turns the terminal's echo on or off; false when that is not possible.
#[cfg(unix)]
fn set_echo(on: bool) -> bool {
    use std::process::{Command, Stdio};
    Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(Stdio::inherit())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(not(unix))]
fn set_echo(_on: bool) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_their_breaks_and_the_last_one_counts() {
        let mut input = Input::from_bytes(b"one\r\ntwo\n\nthree");
        let mut lines = Vec::new();
        while let Some(l) = input.line().ok().flatten() {
            lines.push(l);
        }
        assert_eq!(lines, ["one", "two", "", "three"]);
    }

    #[test]
    fn bad_bytes_are_replaced() {
        let mut input = Input::from_bytes(b"a\xffb\n");
        assert_eq!(input.line().ok().flatten().as_deref(), Some("a\u{fffd}b"));
    }
}
