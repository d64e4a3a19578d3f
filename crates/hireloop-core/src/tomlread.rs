//! A reader over a TOML document that keeps every value's position and collects every problem.
//!
//! Deserialising with serde stops at the first error and loses positions once values are converted.
//! Content files are edited by hand, so instead we walk the span-preserving tree of the `toml` crate,
//! ask for each field by name, report a wrong type or a missing key where it is, and at the end
//! report every key nobody asked for (with the closest known key as a hint).

use std::borrow::Cow;
use std::cell::RefCell;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostics, Loc, SourceFile, did_you_mean};

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Loc,
}

/// The shared state of one file's walk: the file and the problems found so far.
pub(crate) struct Ctx<'a> {
    pub file: &'a SourceFile,
    pub diags: &'a RefCell<Diagnostics>,
}

impl Ctx<'_> {
    pub fn loc(&self, offset: usize) -> Loc {
        self.file.loc(offset)
    }

    pub fn error(&self, loc: Loc, message: impl Into<String>, hint: Option<String>) {
        let mut diags = self.diags.borrow_mut();
        let d = diags.error(loc, message);
        if let Some(h) = hint {
            d.hint(h);
        }
    }

    pub fn warning(&self, loc: Loc, message: impl Into<String>, hint: Option<String>) {
        let mut diags = self.diags.borrow_mut();
        let d = diags.warning(loc, message);
        if let Some(h) = hint {
            d.hint(h);
        }
    }
}

/// Parses a whole document, reporting every syntax error. The parser recovers from an error and
/// goes on, so the checks still run on what it could read: one pass shows syntax and meaning
/// problems together.
pub(crate) fn parse_document<'a>(ctx: &Ctx<'a>) -> Spanned<DeTable<'a>> {
    let (doc, errors) = DeTable::parse_recoverable(&ctx.file.text);
    for e in errors {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e.message().trim_end_matches('\n').replace('\n', "; ");
        ctx.error(
            ctx.loc(offset),
            format!("invalid TOML: {message}"),
            Some("see https://toml.io for the syntax".into()),
        );
    }
    doc
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number with a fraction",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn int_value(v: &toml::de::DeInteger<'_>) -> Option<i64> {
    let digits: String = v.as_str().chars().filter(|c| *c != '_').collect();
    let digits = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0o"))
        .or_else(|| digits.strip_prefix("0b"))
        .unwrap_or(&digits);
    i64::from_str_radix(digits, v.radix()).ok()
}

fn float_value(v: &toml::de::DeFloat<'_>) -> Option<f64> {
    let s: String = v.as_str().chars().filter(|c| *c != '_').collect();
    s.parse().ok()
}

/// One TOML table being read: which keys were asked for, where it starts, what it is called.
pub(crate) struct Table<'a> {
    ctx: &'a Ctx<'a>,
    table: &'a DeTable<'a>,
    start: usize,
    /// A human name for messages, such as `stage "product"`.
    what: String,
    asked: RefCell<Vec<&'static str>>,
}

impl<'a> Table<'a> {
    /// Wraps a table that starts at byte offset `start`.
    pub fn new(
        ctx: &'a Ctx<'a>,
        table: &'a DeTable<'a>,
        start: usize,
        what: impl Into<String>,
    ) -> Self {
        Table {
            ctx,
            table,
            start,
            what: what.into(),
            asked: RefCell::new(Vec::new()),
        }
    }

    /// Where the table starts.
    pub fn loc(&self) -> Loc {
        self.ctx.loc(self.start)
    }

    /// The table's human name.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Renames the table for later messages (once its id is known).
    pub fn set_what(&mut self, what: impl Into<String>) {
        self.what = what.into();
    }

    pub fn ctx(&self) -> &'a Ctx<'a> {
        self.ctx
    }

    /// Looks a key up and marks it as known.
    fn get(&self, key: &'static str) -> Option<&'a Spanned<DeValue<'a>>> {
        self.asked.borrow_mut().push(key);
        self.table.get(&Spanned::new(0..0, Cow::Borrowed(key)))
    }

    /// True when the key is present (and marks it as known).
    pub fn has(&self, key: &'static str) -> bool {
        self.get(key).is_some()
    }

    fn missing(&self, key: &str, expected: &str) {
        self.ctx.error(
            self.loc(),
            format!("{} is missing `{key}`", self.what),
            Some(format!("add `{key} = {expected}`")),
        );
    }

    fn wrong_type(&self, key: &str, v: &Spanned<DeValue<'_>>, expected: &str) {
        self.ctx.error(
            self.ctx.loc(v.span().start),
            format!(
                "`{key}` in {} must be {expected}, found {}",
                self.what,
                type_name(v.get_ref())
            ),
            None,
        );
    }

    /// A string field.
    pub fn str(&self, key: &'static str, required: bool) -> Option<At<String>> {
        let v = match self.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(key, "\"...\"");
                }
                return None;
            }
        };
        match v.get_ref() {
            DeValue::String(s) => Some(At {
                value: s.to_string(),
                loc: self.ctx.loc(v.span().start),
            }),
            _ => {
                self.wrong_type(key, v, "a string");
                None
            }
        }
    }

    /// A required string field that must not be blank.
    pub fn text(&self, key: &'static str) -> Option<At<String>> {
        let s = self.str(key, true)?;
        if s.value.trim().is_empty() {
            self.ctx.error(
                s.loc.clone(),
                format!("`{key}` in {} is empty", self.what),
                None,
            );
        }
        Some(s)
    }

    /// An integer field.
    pub fn int(&self, key: &'static str, required: bool) -> Option<At<i64>> {
        let v = match self.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(key, "...");
                }
                return None;
            }
        };
        let loc = self.ctx.loc(v.span().start);
        match v.get_ref() {
            DeValue::Integer(i) => match int_value(i) {
                Some(value) => Some(At { value, loc }),
                None => {
                    self.ctx
                        .error(loc, format!("`{key}` is not a valid integer"), None);
                    None
                }
            },
            _ => {
                self.wrong_type(key, v, "an integer");
                None
            }
        }
    }

    /// A number field: an integer or a float.
    pub fn number(&self, key: &'static str, required: bool) -> Option<At<f64>> {
        let v = match self.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(key, "...");
                }
                return None;
            }
        };
        number_value(self.ctx, &format!("`{key}` in {}", self.what), v)
    }

    /// A boolean field.
    pub fn bool(&self, key: &'static str) -> Option<At<bool>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(At {
                value: *b,
                loc: self.ctx.loc(v.span().start),
            }),
            _ => {
                self.wrong_type(key, v, "true or false");
                None
            }
        }
    }

    /// An array of strings.
    pub fn str_list(&self, key: &'static str, required: bool) -> Vec<At<String>> {
        let v = match self.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(key, "[\"...\"]");
                }
                return Vec::new();
            }
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(key, v, "an array of strings");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::String(s) => Some(At {
                    value: s.to_string(),
                    loc: self.ctx.loc(item.span().start),
                }),
                other => {
                    self.ctx.error(
                        self.ctx.loc(item.span().start),
                        format!(
                            "items of `{key}` in {} must be strings, found {}",
                            self.what,
                            type_name(other)
                        ),
                        None,
                    );
                    None
                }
            })
            .collect()
    }

    /// A sub-table (`[a.b]` or an inline `{ ... }`).
    pub fn table(&self, key: &'static str, required: bool) -> Option<Table<'a>> {
        let v = match self.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(key, "{ ... }");
                }
                return None;
            }
        };
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(
                self.ctx,
                t,
                v.span().start,
                format!("`{key}` of {}", self.what),
            )),
            _ => {
                self.wrong_type(key, v, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[a.b]]` or an array of inline tables). Each is named `key[i]`.
    pub fn tables(&self, key: &'static str, required: bool) -> Vec<Table<'a>> {
        let v = match self.get(key) {
            Some(v) => v,
            None => {
                if required {
                    self.missing(key, "[{ ... }]");
                }
                return Vec::new();
            }
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(key, v, "an array of tables");
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.get_ref() {
                DeValue::Table(t) => Some(Table::new(
                    self.ctx,
                    t,
                    item.span().start,
                    format!("{key}[{i}]"),
                )),
                other => {
                    self.ctx.error(
                        self.ctx.loc(item.span().start),
                        format!(
                            "items of `{key}` must be tables, found {}",
                            type_name(other)
                        ),
                        None,
                    );
                    None
                }
            })
            .collect()
    }

    /// A table of numbers keyed by id, such as `{ structure = 0.2, metrics = 0.8 }`, in source order.
    pub fn number_map(
        &self,
        key: &'static str,
        required: bool,
    ) -> Option<Vec<(At<String>, At<f64>)>> {
        let t = self.table(key, required)?;
        let mut out = Vec::new();
        for (k, v) in t.table.iter() {
            let name = At {
                value: k.get_ref().to_string(),
                loc: self.ctx.loc(k.span().start),
            };
            if let Some(n) = number_value(
                self.ctx,
                &format!("`{}` in `{key}` of {}", name.value, self.what),
                v,
            ) {
                out.push((name, n));
            }
        }
        Some(out)
    }

    /// Reports every key that no reader asked for. Call after reading all fields.
    pub fn finish(self) {
        let asked = self.asked.borrow();
        for (k, _) in self.table.iter() {
            let key = k.get_ref().as_ref();
            if asked.contains(&key) {
                continue;
            }
            let hint = did_you_mean(key, asked.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    let mut known: Vec<&str> = asked.clone();
                    known.sort_unstable();
                    known.dedup();
                    Some(format!("known keys here: {}", known.join(", ")))
                });
            self.ctx.error(
                self.ctx.loc(k.span().start),
                format!("unknown key `{key}` in {}", self.what),
                hint,
            );
        }
    }
}

fn number_value(ctx: &Ctx<'_>, what: &str, v: &Spanned<DeValue<'_>>) -> Option<At<f64>> {
    let loc = ctx.loc(v.span().start);
    let value = match v.get_ref() {
        DeValue::Integer(i) => int_value(i).map(|i| i as f64),
        DeValue::Float(f) => float_value(f),
        other => {
            ctx.error(
                loc,
                format!("{what} must be a number, found {}", type_name(other)),
                None,
            );
            return None;
        }
    };
    match value {
        Some(value) if value.is_finite() => Some(At { value, loc }),
        _ => {
            ctx.error(loc, format!("{what} must be a finite number"), None);
            None
        }
    }
}

/// Reads a whole file with `read`, which receives the document's root table.
pub(crate) fn read_file<T>(
    file: &SourceFile,
    diags: &RefCell<Diagnostics>,
    what: &str,
    read: impl FnOnce(&Table<'_>) -> T,
) -> Option<T> {
    let ctx = Ctx { file, diags };
    let doc = parse_document(&ctx);
    let root = Table::new(&ctx, doc.get_ref(), 0, what);
    let out = read(&root);
    root.finish();
    Some(out)
}
