//! Small helpers for readable terminal output.

pub use hireloop_report::text::thousands;

/// Columns a string takes in a terminal: CJK characters take two.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Splits a paragraph into pieces that may end a line: words, and single CJK characters (Chinese
/// has no spaces, and may break between any two characters).
fn pieces(para: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for word in para.split_whitespace() {
        let mut cur = String::new();
        for c in word.chars() {
            if unicode_width::UnicodeWidthChar::width(c) == Some(2) {
                if !cur.is_empty() {
                    out.push((std::mem::take(&mut cur), false));
                }
                out.push((c.to_string(), false));
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push((cur, false));
        }
        if let Some(last) = out.last_mut() {
            last.1 = true; // a space follows this piece
        }
    }
    out
}

/// Wraps text to `width` columns. The first line starts with `indent`; the lines after it are
/// indented by as many spaces, so a bullet or label hangs.
pub fn wrap(text: &str, cols: usize, indent: &str) -> String {
    let hanging = " ".repeat(width(indent));
    let mut out = String::new();
    let mut prefix = indent;
    for para in text.split('\n') {
        // A list item's continuation lines hang under its text, not under its bullet.
        let bullet = ["- ", "* ", "• "].iter().any(|b| para.starts_with(b));
        let item_hang = format!("{hanging}{}", if bullet { "  " } else { "" });
        let mut line = String::new();
        let mut space_before = false;
        for (piece, space_after) in pieces(para) {
            let sep = if space_before && !line.is_empty() {
                1
            } else {
                0
            };
            if !line.is_empty() && width(&line) + sep + width(&piece) > cols {
                out.push_str(prefix);
                out.push_str(line.trim_end());
                out.push('\n');
                prefix = &item_hang;
                line.clear();
            } else if sep == 1 {
                line.push(' ');
            }
            line.push_str(&piece);
            space_before = space_after;
        }
        out.push_str(prefix);
        out.push_str(&line);
        out.push('\n');
        prefix = &hanging;
    }
    out
}

/// Lays rows out in columns separated by two spaces; the last column is not padded.
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_width() {
        assert_eq!(wrap("aa bb cc", 5, "> "), "> aa bb\n  cc\n");
    }

    #[test]
    fn wrap_breaks_chinese_between_characters() {
        let w = wrap("淘宝希望向数亿月活用户提供服务", 10, "");
        assert!(w.lines().all(|l| width(l) <= 10), "{w}");
        assert_eq!(w.replace('\n', ""), "淘宝希望向数亿月活用户提供服务");
        assert_eq!(wrap("用 App 下单", 40, ""), "用 App 下单\n");
    }

    #[test]
    fn table_aligns_columns() {
        let t = table(&[
            vec!["a".into(), "bb".into()],
            vec!["ccc".into(), "d".into()],
        ]);
        assert_eq!(t, "a    bb\nccc  d\n");
    }
}

/// A large number in words a reader takes in at a glance: 268400000000 → "268.4 B".
pub fn human(x: f64) -> String {
    let (v, suffix) = match x.abs() {
        a if a >= 1e12 => (x / 1e12, " T"),
        a if a >= 1e9 => (x / 1e9, " B"),
        a if a >= 1e6 => (x / 1e6, " M"),
        a if a >= 1e4 => (x / 1e3, " k"),
        _ => (x, ""),
    };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}{suffix}")
}

#[cfg(test)]
mod human_tests {
    use super::human;

    #[test]
    fn human_scales() {
        assert_eq!(human(268.4e9), "268.4 B");
        assert_eq!(human(544_000.0), "544 k");
        assert_eq!(human(0.95), "0.95");
        assert_eq!(human(2.0e6), "2 M");
    }
}
