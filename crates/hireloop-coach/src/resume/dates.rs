//! Dates and date ranges in a resume: "2019.03 – 至今", "Mar 2019 - Jun 2021", "03/2019 – present",
//! "2016年7月 - 2020年3月", "2019-03-01 – 2021-06-30", "2016 – 2019".
//!
//! Months count inclusively: "Jan 2020 – Dec 2020" is twelve months. A year without a month is
//! taken from the middle of the year — July when it starts a range, June when it ends one — so
//! "2016 – 2019" is three years, neither two nor four.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::text::Span;

/// A month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u8,
}

impl YearMonth {
    /// A month, if it is one.
    pub fn new(year: i32, month: u8) -> Option<YearMonth> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    /// Months since year 0, for differences.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a `YYYY-MM` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month written YYYY-MM, such as 2025-06")]
pub struct YearMonthError(String);

impl FromStr for YearMonth {
    type Err = YearMonthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || YearMonthError(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || !(1..=2).contains(&m.len()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).ok_or_else(bad)
    }
}

/// A date written in the resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Atom {
    span: Span,
    at: YearMonth,
    /// Written without a month.
    year_only: bool,
}

/// A period written as a range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Where it is written.
    pub span: Span,
    /// First month.
    pub from: YearMonth,
    /// Last month, included (the month given for "present").
    pub to: YearMonth,
}

const MONTHS: [(&str, u8); 24] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("sept", 9),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Words and marks between the two ends of a range.
const SEPARATORS: [&str; 11] = [
    "-", "–", "—", "−", "~", "～", "－", "to", "至", "until", "→",
];

fn digits_at(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn number(b: &[u8], i: usize, len: usize) -> u32 {
    b[i..i + len]
        .iter()
        .fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// A month number of one or two digits at `i`, standing alone: 1–12.
fn month_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let n = digits_at(b, i);
    if !(1..=2).contains(&n) {
        return None;
    }
    let m = number(b, i, n);
    (1..=12).contains(&m).then_some((m as u8, n))
}

/// Every date in the text (already lowercased), in order.
fn atoms(lower: &str, latest_year: i32) -> Vec<Atom> {
    let b = lower.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run = digits_at(b, i);
        let year = number(b, i, run.min(9)) as i32;
        if run != 4 || !(1950..=latest_year).contains(&year) {
            i += run;
            continue;
        }
        let mut start = i;
        let mut end = i + 4;
        let mut month = None;
        // After the year: 2019.03, 2019-03(-01), 2019/3, 2019年3月, 2019年.
        let rest = &lower[end..];
        if let Some(sep) = rest
            .bytes()
            .next()
            .filter(|c| matches!(c, b'.' | b'-' | b'/'))
            && let Some((m, n)) = month_at(b, end + 1)
        {
            month = Some(m);
            end += 1 + n;
            // A day after the month: 2019-03-01.
            if b.get(end) == Some(&sep) && (1..=2).contains(&digits_at(b, end + 1)) {
                end += 1 + digits_at(b, end + 1);
            }
        } else if let Some(after) = rest.strip_prefix("年") {
            end += "年".len();
            if let Some((m, n)) = month_at(b, end)
                && after[n..].starts_with('月')
            {
                month = Some(m);
                end += n + "月".len();
            }
        }
        // Before the year: Mar 2019, March, 2019, 03/2019.
        if month.is_none() {
            let before = lower[..start].trim_end_matches([' ', '.', ',']);
            if let Some((name, m)) = MONTHS.iter().find(|(name, _)| {
                before.ends_with(name)
                    && !before[..before.len() - name.len()]
                        .bytes()
                        .last()
                        .is_some_and(|c| c.is_ascii_alphabetic())
            }) {
                month = Some(*m);
                start = before.len() - name.len();
            } else if start >= 2 && matches!(b[start - 1], b'/' | b'.') {
                let j = (start - 1)
                    - b[..start - 1]
                        .iter()
                        .rev()
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                if let Some((m, _)) = month_at(b, j).filter(|(_, n)| j + n == start - 1) {
                    month = Some(m);
                    start = j;
                }
            }
        }
        // A year alone starts in its middle; `ranges` ends one there too.
        let at = YearMonth {
            year,
            month: month.unwrap_or(7),
        };
        out.push(Atom {
            span: Span { start, end },
            at,
            year_only: month.is_none(),
        });
        i = end;
    }
    out
}

/// Where dates are written in the text (already lowercased), so that they are not read as
/// numbers.
pub fn atom_spans(lower: &str, latest_year: i32) -> Vec<Span> {
    atoms(lower, latest_year).iter().map(|a| a.span).collect()
}

/// The text after a separator, if `gap` is one (spaces allowed around it).
fn separated(gap: &str) -> Option<&str> {
    let g = gap.trim_start();
    SEPARATORS.iter().find_map(|s| {
        g.strip_prefix(s).filter(|r| {
            // "to" must be a word, not the start of "today".
            !(s.is_ascii()
                && s.len() > 1
                && r.bytes().next().is_some_and(|c| c.is_ascii_alphabetic()))
        })
    })
}

/// Every date range in the text (already lowercased). `present` are the words that end a range
/// today; `as_of` is today.
pub fn ranges(lower: &str, present: &[String], as_of: YearMonth) -> Vec<Range> {
    let atoms = atoms(lower, as_of.year + 1);
    let mut out = Vec::new();
    let mut i = 0;
    while i < atoms.len() {
        let a = atoms[i];
        let line_end = lower[a.span.end..]
            .find('\n')
            .map_or(lower.len(), |p| a.span.end + p);
        let after = &lower[a.span.end..line_end];
        let Some(rest) = separated(after) else {
            i += 1;
            continue;
        };
        let rest_at = line_end - rest.len();
        let trimmed = rest.trim_start();
        let to_at = rest_at + (rest.len() - trimmed.len());
        // The other end: the next date right after the separator, or a word for "present".
        let next = atoms.get(i + 1).filter(|b| b.span.start == to_at);
        let (to, end) = if let Some(b) = next {
            i += 1;
            let to = match (a.year_only, b.year_only) {
                // "2019 – 2019": some months of one year, counted as one.
                (true, true) if a.at.year == b.at.year => a.at,
                (_, true) => YearMonth {
                    year: b.at.year,
                    month: 6,
                },
                _ => b.at,
            };
            (to, b.span.end)
        } else if let Some(word) = present.iter().find(|w| {
            trimmed.starts_with(w.as_str())
                && !trimmed[w.len()..]
                    .bytes()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric())
        }) {
            (as_of, to_at + word.len())
        } else {
            i += 1;
            continue;
        };
        i += 1;
        let to = to.min(as_of);
        if to < a.at || to.index() - a.at.index() > 50 * 12 {
            continue;
        }
        out.push(Range {
            span: Span {
                start: a.span.start,
                end,
            },
            from: a.at,
            to,
        });
    }
    out
}

/// The months covered by a set of ranges, both ends included, overlaps counted once.
pub fn covered_months(ranges: &[Range]) -> i64 {
    let mut spans: Vec<(i64, i64)> = ranges
        .iter()
        .map(|r| (r.from.index(), r.to.index() + 1))
        .collect();
    spans.sort_unstable();
    let mut total = 0;
    let mut current: Option<(i64, i64)> = None;
    for (s, e) in spans {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += ce - cs;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<(String, String, String)> {
        let lower = s.to_ascii_lowercase();
        let present = ["present", "now", "至今", "current"].map(String::from);
        let as_of = YearMonth::new(2025, 6).unwrap();
        ranges(&lower, &present, as_of)
            .iter()
            .map(|r| {
                (
                    s[r.span.start..r.span.end].to_string(),
                    r.from.to_string(),
                    r.to.to_string(),
                )
            })
            .collect()
    }

    fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn ranges_in_many_writings() {
        assert_eq!(
            found("Taobao 2019.03 – 至今\nMeituan 2016.7-2019.2"),
            [
                t("2019.03 – 至今", "2019-03", "2025-06"),
                t("2016.7-2019.2", "2016-07", "2019-02")
            ]
        );
        assert_eq!(
            found("Mar 2019 - Jun 2021; September, 2015 to Present"),
            [
                t("Mar 2019 - Jun 2021", "2019-03", "2021-06"),
                t("September, 2015 to Present", "2015-09", "2025-06")
            ]
        );
        assert_eq!(
            found("2016年7月 - 2020年3月，03/2012 – 05/2014, 2019-03-01 – 2021-06-30"),
            [
                t("2016年7月 - 2020年3月", "2016-07", "2020-03"),
                t("03/2012 – 05/2014", "2012-03", "2014-05"),
                t("2019-03-01 – 2021-06-30", "2019-03", "2021-06")
            ]
        );
        assert_eq!(
            found("2016 – 2019, 2012 - 2012"),
            [
                t("2016 – 2019", "2016-07", "2019-06"),
                t("2012 - 2012", "2012-07", "2012-07")
            ]
        );
    }

    #[test]
    fn not_ranges() {
        assert!(found("GMV 2019: 300 - 500 orders; call 2019 today").is_empty());
        assert!(found("2021 – 2019").is_empty(), "backwards");
        assert!(found("born 1930 - 1940").is_empty(), "too early");
    }

    #[test]
    fn overlaps_count_once() {
        let r = |a: (i32, u8), b: (i32, u8)| Range {
            span: Span { start: 0, end: 0 },
            from: YearMonth {
                year: a.0,
                month: a.1,
            },
            to: YearMonth {
                year: b.0,
                month: b.1,
            },
        };
        assert_eq!(
            covered_months(&[
                r((2015, 1), (2018, 1)),
                r((2017, 1), (2019, 1)),
                r((2020, 1), (2021, 1))
            ]),
            49 + 13
        );
        assert_eq!(covered_months(&[r((2020, 1), (2020, 12))]), 12);
        assert_eq!(
            "2025-06".parse::<YearMonth>(),
            Ok(YearMonth {
                year: 2025,
                month: 6
            })
        );
        assert!("2025-13".parse::<YearMonth>().is_err());
    }
}
