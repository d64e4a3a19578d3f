//! Small helpers for readable terminal output.

/// Formats a whole number with thousands separators: 1200000 → "1,200,000".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Wraps text to `width` columns. The first line starts with `indent`; the lines after it are
/// indented by as many spaces, so a bullet or label hangs.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let hanging = " ".repeat(indent.chars().count());
    let mut out = String::new();
    let mut prefix = indent;
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push_str(prefix);
                out.push_str(&line);
                out.push('\n');
                prefix = &hanging;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
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
                .map(|s| s.chars().count())
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
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
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
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_200_000), "1,200,000");
    }

    #[test]
    fn wrap_breaks_at_width() {
        assert_eq!(wrap("aa bb cc", 5, "> "), "> aa bb\n  cc\n");
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
