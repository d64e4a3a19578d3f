//! SVG charts: histogram, horizontal bars, intervals (a forest plot) and line series.
//!
//! Each function returns a complete, self-contained SVG document: fixed width, height from the
//! data, system fonts, a `<title>` and `<desc>` for screen readers, and no scripts. Empty or
//! non-finite data gives a chart that says so rather than a broken drawing.

use std::fmt::Write as _;

const WIDTH: f64 = 720.0;
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const INK: &str = "#1f2937";
const MUTED: &str = "#6b7280";
const GRID: &str = "#e5e7eb";
const PRIMARY: &str = "#2563eb";
const GOOD: &str = "#15803d";
const BAD: &str = "#b91c1c";
const MARK: &str = "#ea580c";
/// Colours of line series, in order; distinguishable for the common colour-vision deficiencies.
const PALETTE: [&str; 6] = [
    "#2563eb", "#ea580c", "#15803d", "#9333ea", "#0891b2", "#be123c",
];

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number as a short label: 1234567 → "1.23M", 0.0042 → "0.0042", 25 → "25".
pub fn short_number(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    let (v, suffix) = if a >= 1e12 {
        (x / 1e12, "T")
    } else if a >= 1e9 {
        (x / 1e9, "B")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let digits = if v.abs() >= 100.0 || v == v.trunc() {
        0
    } else if v.abs() >= 10.0 {
        1
    } else if v.abs() >= 0.01 || v == 0.0 {
        2
    } else {
        // Small values: enough decimals for two significant digits.
        (-(v.abs().log10().floor()) as usize + 1).min(12)
    };
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{suffix}")
}

/// "Nice" tick positions covering `[lo, hi]`: steps of 1, 2 or 5 times a power of ten.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    // A small tolerance keeps ends such as -0.3 / 0.1 = -2.9999999999999996 on the grid.
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| i as f64 * step)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect()
}

/// A linear map from a data interval to a pixel interval.
#[derive(Debug, Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    fn new(d0: f64, d1: f64, p0: f64, p1: f64) -> Self {
        let (d0, d1) = if d1 > d0 {
            (d0, d1)
        } else {
            (d0 - 0.5, d0 + 0.5)
        };
        Scale { d0, d1, p0, p1 }
    }

    fn at(&self, x: f64) -> f64 {
        self.p0 + (x - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }
}

/// Widens `[lo, hi]` to the nice ticks around it.
fn nice_domain(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi <= lo {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    let t = ticks(lo, hi, 5);
    let step = if t.len() >= 2 { t[1] - t[0] } else { hi - lo };
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

/// FNV-1a over two strings (with a separator), for stable element ids.
fn fnv1a(a: &str, b: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in a.bytes().chain([0xff]).chain(b.bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct Doc {
    svg: String,
    height: f64,
}

impl Doc {
    fn new(title: &str, desc: &str, height: f64) -> Self {
        let mut svg = String::new();
        // Ids must be unique in a page that inlines several charts; derived from the text, so
        // the same chart always gets the same ids and the output stays deterministic.
        let id = format!("c{:08x}", fnv1a(title, desc) as u32);
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}t {id}d" font-family="{FONT}" font-size="13" fill="{INK}">"#
        );
        let _ = write!(
            svg,
            r#"<title id="{id}t">{}</title><desc id="{id}d">{}</desc>"#,
            escape(title),
            escape(desc)
        );
        let _ = write!(
            svg,
            r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
        );
        let _ = write!(
            svg,
            r#"<text x="16" y="26" font-size="16" font-weight="600">{}</text>"#,
            escape(title)
        );
        Doc { svg, height }
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, attrs: &str, s: &str) {
        let _ = write!(
            self.svg,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" {attrs}>{}</text>"#,
            escape(s)
        );
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, extra: &str) {
        let _ = write!(
            self.svg,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" {extra}/>"#
        );
    }

    fn empty(mut self, message: &str) -> String {
        let y = self.height / 2.0 + 10.0;
        self.text(
            WIDTH / 2.0,
            y,
            "middle",
            &format!(r#"fill="{MUTED}""#),
            message,
        );
        self.finish()
    }

    fn finish(mut self) -> String {
        self.svg.push_str("</svg>\n");
        self.svg
    }

    /// A horizontal axis with ticks and grid lines over the plot area.
    fn x_axis(&mut self, sx: &Scale, lo: f64, hi: f64, top: f64, bottom: f64, label: &str) {
        for t in ticks(lo, hi, 6) {
            let x = sx.at(t);
            self.line(x, top, x, bottom, GRID, "");
            self.text(
                x,
                bottom + 16.0,
                "middle",
                &format!(r#"fill="{MUTED}" font-size="11""#),
                &short_number(t),
            );
        }
        self.line(sx.p0, bottom, sx.p1, bottom, MUTED, "");
        if !label.is_empty() {
            self.text(
                (sx.p0 + sx.p1) / 2.0,
                bottom + 34.0,
                "middle",
                &format!(r#"fill="{MUTED}""#),
                label,
            );
        }
    }
}

/// A histogram of binned data, with optional vertical markers (such as zero or a reference value).
#[derive(Debug, Clone)]
pub struct Histogram<'a> {
    /// Chart title.
    pub title: &'a str,
    /// Label of the horizontal axis.
    pub x_label: &'a str,
    /// Bins as (lower edge, upper edge, count), in order.
    pub bins: &'a [(f64, f64, u64)],
    /// Vertical markers as (position, label).
    pub markers: &'a [(f64, &'a str)],
}

/// Renders a histogram.
pub fn histogram(h: &Histogram<'_>) -> String {
    let height = 340.0;
    let bins: Vec<&(f64, f64, u64)> = h
        .bins
        .iter()
        .filter(|(lo, hi, _)| lo.is_finite() && hi.is_finite() && hi >= lo)
        .collect();
    let total: u64 = bins.iter().map(|b| b.2).sum();
    let desc = format!(
        "Histogram of {} values in {} bins. {}",
        total,
        bins.len(),
        h.x_label
    );
    let mut doc = Doc::new(h.title, &desc, height);
    if bins.is_empty() || total == 0 {
        return doc.empty("no data");
    }
    let mut lo = bins[0].0;
    let mut hi = bins[bins.len() - 1].1;
    for (m, _) in h.markers.iter().filter(|(m, _)| m.is_finite()) {
        lo = lo.min(*m);
        hi = hi.max(*m);
    }
    let (left, right, top, bottom) = (64.0, WIDTH - 24.0, 48.0, height - 56.0);
    let sx = Scale::new(lo, hi, left, right);
    let max = bins.iter().map(|b| b.2).max().unwrap_or(1) as f64;
    let (_, ymax) = nice_domain(0.0, max);
    let sy = Scale::new(0.0, ymax, bottom, top);
    for t in ticks(0.0, ymax, 4) {
        let y = sy.at(t);
        doc.line(left, y, right, y, GRID, "");
        doc.text(
            left - 8.0,
            y + 4.0,
            "end",
            &format!(r#"fill="{MUTED}" font-size="11""#),
            &short_number(t),
        );
    }
    doc.x_axis(&sx, lo, hi, top, bottom, h.x_label);
    for (b0, b1, n) in bins {
        let (x0, x1) = (sx.at(*b0), sx.at(*b1));
        let y = sy.at(*n as f64);
        let _ = write!(
            doc.svg,
            r#"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{PRIMARY}" fill-opacity="0.8"><title>{}–{}: {n}</title></rect>"#,
            x0 + 0.5,
            (x1 - x0 - 1.0).max(0.5),
            (bottom - y).max(0.0),
            escape(&short_number(*b0)),
            escape(&short_number(*b1)),
        );
    }
    for (m, label) in h.markers.iter().filter(|(m, _)| m.is_finite()) {
        let x = sx.at(*m);
        doc.line(
            x,
            top - 6.0,
            x,
            bottom,
            MARK,
            r#"stroke-width="2" stroke-dasharray="5 4""#,
        );
        let anchor = if x > (left + right) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -6.0 } else { 6.0 };
        doc.text(
            x + dx,
            top + 6.0,
            anchor,
            &format!(r#"fill="{MARK}" font-size="12""#),
            label,
        );
    }
    doc.finish()
}

/// One horizontal bar.
#[derive(Debug, Clone)]
pub struct Bar<'a> {
    /// Label on the left.
    pub label: &'a str,
    /// Length, relative to the longest bar.
    pub value: f64,
    /// Text right of the bar (such as "822,196 users · 30.4%").
    pub caption: String,
}

/// Renders horizontal bars, such as the steps of a funnel.
pub fn bars(title: &str, rows: &[Bar<'_>]) -> String {
    let row_h = 34.0;
    let height = 60.0 + row_h * rows.len().max(1) as f64 + 16.0;
    let desc = rows
        .iter()
        .map(|b| format!("{}: {}", b.label, b.caption))
        .collect::<Vec<_>>()
        .join("; ");
    let mut doc = Doc::new(title, &desc, height);
    let max = rows
        .iter()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    if rows.is_empty() || max <= 0.0 {
        return doc.empty("no data");
    }
    let label_w = rows
        .iter()
        .map(|b| text_width(b.label, 13.0))
        .fold(60.0_f64, f64::max)
        .min(220.0);
    let left = 16.0 + label_w + 12.0;
    let caption_w = rows
        .iter()
        .map(|b| text_width(&b.caption, 12.0))
        .fold(0.0_f64, f64::max)
        .min(260.0);
    let right = WIDTH - 16.0 - caption_w - 10.0;
    for (i, b) in rows.iter().enumerate() {
        let y = 52.0 + i as f64 * row_h;
        let w = if b.value.is_finite() {
            (b.value.max(0.0) / max) * (right - left)
        } else {
            0.0
        };
        doc.text(left - 12.0, y + 17.0, "end", "", b.label);
        let _ = write!(
            doc.svg,
            r#"<rect x="{left:.1}" y="{y:.1}" width="{w:.1}" height="24" rx="3" fill="{PRIMARY}" fill-opacity="{:.2}"/>"#,
            0.95 - 0.5 * (i as f64 / rows.len() as f64)
        );
        doc.text(
            left + w + 8.0,
            y + 17.0,
            "start",
            &format!(r#"fill="{MUTED}" font-size="12""#),
            &b.caption,
        );
    }
    doc.finish()
}

/// An estimate with its interval.
#[derive(Debug, Clone)]
pub struct Interval<'a> {
    /// Row label.
    pub label: &'a str,
    /// Point estimate.
    pub estimate: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

/// Renders intervals around a zero line (a forest plot): green when the whole interval is above
/// zero, red when below, grey when it crosses zero.
pub fn intervals(title: &str, x_label: &str, rows: &[Interval<'_>]) -> String {
    let row_h = 36.0;
    let height = 60.0 + row_h * rows.len().max(1) as f64 + 48.0;
    let desc = rows
        .iter()
        .map(|r| {
            format!(
                "{}: {} ({} to {})",
                r.label,
                short_number(r.estimate),
                short_number(r.low),
                short_number(r.high)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut doc = Doc::new(title, &desc, height);
    let finite: Vec<&Interval<'_>> = rows
        .iter()
        .filter(|r| r.estimate.is_finite() && r.low.is_finite() && r.high.is_finite())
        .collect();
    if finite.is_empty() {
        return doc.empty("no data");
    }
    let lo = finite
        .iter()
        .map(|r| r.low.min(r.estimate))
        .fold(0.0_f64, f64::min);
    let hi = finite
        .iter()
        .map(|r| r.high.max(r.estimate))
        .fold(0.0_f64, f64::max);
    let (lo, hi) = nice_domain(lo, hi);
    let label_w = rows
        .iter()
        .map(|r| text_width(r.label, 13.0))
        .fold(60.0_f64, f64::max)
        .min(220.0);
    let (left, right, top) = (16.0 + label_w + 16.0, WIDTH - 24.0, 48.0);
    let bottom = top + row_h * rows.len() as f64 + 8.0;
    let sx = Scale::new(lo, hi, left, right);
    doc.x_axis(&sx, lo, hi, top, bottom, x_label);
    let zero = sx.at(0.0);
    doc.line(zero, top, zero, bottom, INK, r#"stroke-width="1.5""#);
    for (i, r) in rows.iter().enumerate() {
        let y = top + 8.0 + row_h * i as f64 + row_h / 2.0;
        doc.text(left - 16.0, y + 4.0, "end", "", r.label);
        if !(r.estimate.is_finite() && r.low.is_finite() && r.high.is_finite()) {
            doc.text(
                left + 8.0,
                y + 4.0,
                "start",
                &format!(r#"fill="{MUTED}""#),
                "no estimate",
            );
            continue;
        }
        let colour = if r.low > 0.0 {
            GOOD
        } else if r.high < 0.0 {
            BAD
        } else {
            MUTED
        };
        doc.line(
            sx.at(r.low),
            y,
            sx.at(r.high),
            y,
            colour,
            r#"stroke-width="3" stroke-linecap="round""#,
        );
        let _ = write!(
            doc.svg,
            r#"<circle cx="{:.1}" cy="{y:.1}" r="6" fill="{colour}"><title>{}: {} [{}, {}]</title></circle>"#,
            sx.at(r.estimate),
            escape(r.label),
            escape(&short_number(r.estimate)),
            escape(&short_number(r.low)),
            escape(&short_number(r.high))
        );
    }
    doc.finish()
}

/// One line of a line chart.
#[derive(Debug, Clone)]
pub struct Series<'a> {
    /// Legend name.
    pub name: &'a str,
    /// Points (x, y), in increasing x.
    pub points: &'a [(f64, f64)],
}

/// Renders line series with a legend, such as waiting time over time per order class.
pub fn lines(title: &str, x_label: &str, y_label: &str, series: &[Series<'_>]) -> String {
    let height = 380.0;
    let desc = format!(
        "{y_label} against {x_label} for {}",
        series.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
    );
    let mut doc = Doc::new(title, &desc, height);
    let pts = || {
        series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    if pts().next().is_none() {
        return doc.empty("no data");
    }
    let (xlo, xhi) = pts().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (x, _)| {
        (a.min(*x), b.max(*x))
    });
    let ymax = pts().fold(0.0_f64, |a, (_, y)| a.max(*y));
    let ymin = pts().fold(0.0_f64, |a, (_, y)| a.min(*y));
    let (ylo, yhi) = nice_domain(ymin, if ymax > ymin { ymax } else { ymin + 1.0 });
    let (left, right, top, bottom) = (64.0, WIDTH - 24.0, 88.0, height - 56.0);
    let sx = Scale::new(xlo, xhi, left, right);
    let sy = Scale::new(ylo, yhi, bottom, top);
    for t in ticks(ylo, yhi, 5) {
        let y = sy.at(t);
        doc.line(left, y, right, y, GRID, "");
        doc.text(
            left - 8.0,
            y + 4.0,
            "end",
            &format!(r#"fill="{MUTED}" font-size="11""#),
            &short_number(t),
        );
    }
    doc.text(
        16.0,
        top - 14.0,
        "start",
        &format!(r#"fill="{MUTED}" font-size="12""#),
        y_label,
    );
    doc.x_axis(&sx, xlo, xhi, top, bottom, x_label);
    let mut legend_x = 16.0;
    for (i, s) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let path: Vec<String> = s
            .points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| format!("{:.1},{:.1}", sx.at(*x), sy.at(*y)))
            .collect();
        if !path.is_empty() {
            let _ = write!(
                doc.svg,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round" points="{}"/>"#,
                path.join(" ")
            );
        }
        let _ = write!(
            doc.svg,
            r#"<rect x="{legend_x:.1}" y="38" width="12" height="12" rx="2" fill="{colour}"/>"#
        );
        doc.text(legend_x + 18.0, 49.0, "start", "", s.name);
        legend_x += 18.0 + text_width(s.name, 13.0) + 20.0;
    }
    doc.finish()
}

/// A rough width of text in pixels, enough to lay out labels: wide (CJK) characters count double.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !(0x2000..0x2100).contains(&(c as u32)) {
                1.0
            } else {
                0.56
            }
        })
        .sum::<f64>()
        * size
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that tags open and close in order and attributes are quoted: enough to catch a
    /// malformed document without an XML library.
    fn well_formed(svg: &str) -> Result<(), String> {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let end = rest[i..].find('>').ok_or("unclosed tag")? + i;
            let tag = &rest[i + 1..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or(format!("stray </{name}>"))?;
                if open != name {
                    return Err(format!("</{name}> closes <{open}>"));
                }
            } else if !tag.ends_with('/') {
                let name = tag
                    .split_whitespace()
                    .next()
                    .ok_or("empty tag")?
                    .to_string();
                stack.push(name);
            }
            if !tag.matches('"').count().is_multiple_of(2) {
                return Err(format!("unbalanced quotes in <{tag}>"));
            }
        }
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    #[test]
    fn every_chart_is_well_formed_and_escaped() {
        let h = histogram(&Histogram {
            title: "GMV <estimate> & co",
            x_label: "CNY",
            bins: &[(0.0, 1.0, 3), (1.0, 2.0, 7)],
            markers: &[(1.5, "p50")],
        });
        let b = bars(
            "Funnel",
            &[
                Bar {
                    label: "view",
                    value: 10.0,
                    caption: "10 users".into(),
                },
                Bar {
                    label: "购买",
                    value: 4.0,
                    caption: "4 · 40%".into(),
                },
            ],
        );
        let i = intervals(
            "Lift",
            "relative effect (%)",
            &[
                Interval {
                    label: "ctr",
                    estimate: 10.8,
                    low: 8.9,
                    high: 12.7,
                },
                Interval {
                    label: "aov",
                    estimate: -5.0,
                    low: -6.0,
                    high: -4.0,
                },
            ],
        );
        let l = lines(
            "Wait",
            "seconds",
            "p99 wait (s)",
            &[
                Series {
                    name: "high",
                    points: &[(0.0, 0.0), (10.0, 0.4)],
                },
                Series {
                    name: "low",
                    points: &[(0.0, 0.0), (10.0, 2.0)],
                },
            ],
        );
        for svg in [&h, &b, &i, &l] {
            well_formed(svg).unwrap();
            assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        }
        assert!(h.contains("GMV &lt;estimate&gt; &amp; co") && !h.contains("<estimate>"));
        assert!(i.contains(GOOD) && i.contains(BAD), "colours by sign");
    }

    #[test]
    fn empty_and_non_finite_data_say_so() {
        for svg in [
            histogram(&Histogram {
                title: "t",
                x_label: "",
                bins: &[],
                markers: &[],
            }),
            bars("t", &[]),
            intervals(
                "t",
                "",
                &[Interval {
                    label: "x",
                    estimate: f64::NAN,
                    low: 0.0,
                    high: 1.0,
                }],
            ),
            lines(
                "t",
                "x",
                "y",
                &[Series {
                    name: "s",
                    points: &[(f64::NAN, 1.0)],
                }],
            ),
        ] {
            well_formed(&svg).unwrap();
            assert!(svg.contains("no data"), "{svg}");
        }
    }

    #[test]
    fn ticks_are_nice_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(-0.3, 0.3, 6);
        assert_eq!(t.len(), 7, "{t:?}");
        assert!(
            t.iter()
                .zip([-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3])
                .all(|(a, b)| (a - b).abs() < 1e-12),
            "{t:?}"
        );
        assert_eq!(t[3], 0.0, "zero is exactly zero");
        let t = ticks(1.0e9, 3.5e9, 5);
        assert!(t.windows(2).all(|w| w[1] > w[0]));
        assert!(t.first().is_some_and(|f| *f >= 1.0e9) && t.last().is_some_and(|l| *l <= 3.5e9));
    }

    #[test]
    fn short_numbers_read_well() {
        assert_eq!(short_number(1_234_567.0), "1.23M");
        assert_eq!(short_number(268.4e9), "268B");
        assert_eq!(short_number(25.0), "25");
        assert_eq!(short_number(0.0042), "0.0042");
        assert_eq!(short_number(-5.5), "-5.5");
        assert_eq!(short_number(f64::NAN), "–");
    }
}
