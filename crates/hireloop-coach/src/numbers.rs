//! Numbers in an answer: quantities with their units and scale, "from X to Y" claims, chains of
//! arithmetic ("400M × 3 × 200 = 240B") recomputed, and the final figure of an estimate.

use serde::Serialize;

use crate::text::{Analysed, Span, TokenKind};

/// What a quantity measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A percentage: the value is in percent (3.5 means 3.5%).
    Percent,
    /// An amount of money.
    Money,
    /// A duration.
    Duration,
    /// A multiple ("10x").
    Multiple,
    /// A count or plain number.
    Plain,
}

/// A number written in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantity {
    /// Its value with the scale applied (300M → 3e8; 3% → 3).
    pub value: f64,
    /// What it measures.
    pub unit: Unit,
    /// Where it is, including its unit words.
    #[serde(skip)]
    pub span: Span,
    /// True for a year, a list number or a date such as 11.11: not a claim.
    #[serde(skip)]
    pub incidental: bool,
}

impl Quantity {
    /// The value to compute with: percentages as fractions.
    pub fn arithmetic_value(&self) -> f64 {
        if self.unit == Unit::Percent {
            self.value / 100.0
        } else {
            self.value
        }
    }
}

/// Scale words after a number, longest first so that "百万" wins over "万".
const SCALES: [(&str, f64, Unit); 32] = [
    ("per cent", 1.0, Unit::Percent),
    ("percent", 1.0, Unit::Percent),
    ("%", 1.0, Unit::Percent),
    ("％", 1.0, Unit::Percent),
    ("trillion", 1e12, Unit::Plain),
    ("billion", 1e9, Unit::Plain),
    ("million", 1e6, Unit::Plain),
    ("thousand", 1e3, Unit::Plain),
    ("千万", 1e7, Unit::Plain),
    ("百万", 1e6, Unit::Plain),
    ("亿", 1e8, Unit::Plain),
    ("万", 1e4, Unit::Plain),
    ("千", 1e3, Unit::Plain),
    ("bn", 1e9, Unit::Plain),
    ("mn", 1e6, Unit::Plain),
    ("b", 1e9, Unit::Plain),
    ("m", 1e6, Unit::Plain),
    ("k", 1e3, Unit::Plain),
    ("milliseconds", 1.0, Unit::Duration),
    ("ms", 1.0, Unit::Duration),
    ("seconds", 1.0, Unit::Duration),
    ("minutes", 1.0, Unit::Duration),
    ("hours", 1.0, Unit::Duration),
    ("秒", 1.0, Unit::Duration),
    ("毫秒", 1.0, Unit::Duration),
    ("times", 1.0, Unit::Multiple),
    ("倍", 1.0, Unit::Multiple),
    ("x", 1.0, Unit::Multiple),
    ("元", 1.0, Unit::Money),
    ("块", 1.0, Unit::Money),
    ("yuan", 1.0, Unit::Money),
    ("cny", 1.0, Unit::Money),
];

/// Currency words that may come before or after a number.
const CURRENCY: [&str; 9] = [
    "rmb", "cny", "usd", "us$", "$", "¥", "￥", "dollars", "yuan",
];

/// Parses the number at the start of `s`: digits with `,` between groups and one `.`.
fn leading_number(s: &str) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let mut end = 0;
    let mut seen_dot = false;
    while end < b.len() {
        match b[end] {
            b'0'..=b'9' => end += 1,
            b',' if end > 0
                && b.get(end + 1).is_some_and(u8::is_ascii_digit)
                && b.get(end + 4).is_none_or(|c| !c.is_ascii_digit()) =>
            {
                end += 1
            }
            b'.' if !seen_dot && end > 0 && b.get(end + 1).is_some_and(u8::is_ascii_digit) => {
                seen_dot = true;
                end += 1;
            }
            _ => break,
        }
    }
    if end == 0 {
        return None;
    }
    let written = &s[..end];
    // Most numbers have no group separator and parse as written, without a copy.
    let value = if written.contains(',') {
        written.replace(',', "").parse().ok()
    } else {
        written.parse().ok()
    };
    value.map(|v| (v, end))
}

fn skip_spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\u{a0}']).len()
}

/// Every quantity in the answer, in order.
pub fn quantities(a: &Analysed<'_>) -> Vec<Quantity> {
    let lower = &a.lower;
    let mut out = Vec::new();
    let mut i = 0;
    while i < a.tokens.len() {
        let t = a.tokens[i];
        i += 1;
        let start = t.span.start;
        if !lower.as_bytes()[start].is_ascii_digit() || matches!(t.kind, TokenKind::Cjk) {
            continue;
        }
        let Some((mut value, len)) = leading_number(&lower[start..]) else {
            continue;
        };
        let mut end = start + len;
        let mut unit = Unit::Plain;
        let mut scaled = false;
        // Up to two unit words: a scale and a currency or a percent ("3.5 billion yuan", "20万元").
        for _ in 0..2 {
            let gap = skip_spaces(&lower[end..]);
            let rest = &lower[end + gap..];
            let found = SCALES.iter().find(|(w, _, _)| {
                rest.starts_with(w) && {
                    let after = rest.as_bytes().get(w.len());
                    !w.is_ascii() || after.is_none_or(|c| !c.is_ascii_alphanumeric())
                }
            });
            if let Some((w, scale, u)) = found {
                // A scale word applies once; "m" after a scale is not another million.
                if *scale != 1.0 {
                    if scaled {
                        break;
                    }
                    value *= scale;
                    scaled = true;
                } else if unit == Unit::Plain {
                    unit = *u;
                }
                end += gap + w.len();
                continue;
            }
            if let Some(c) = CURRENCY.iter().find(|c| {
                rest.starts_with(*c)
                    && rest
                        .as_bytes()
                        .get(c.len())
                        .is_none_or(|x| !x.is_ascii_alphanumeric())
            }) {
                unit = Unit::Money;
                end += gap + c.len();
                continue;
            }
            break;
        }
        let before = lower[..start].trim_end();
        if CURRENCY.iter().any(|c| before.ends_with(c)) {
            unit = Unit::Money;
        }
        let line_start = lower[..start].rfind('\n').map_or(0, |p| p + 1);
        let at_line_start = lower[line_start..start].trim().is_empty();
        let list_marker = at_line_start
            && len <= 2
            && matches!(lower.as_bytes().get(start + len), Some(b'.' | b')'))
            && !scaled
            && unit == Unit::Plain;
        let year = unit == Unit::Plain
            && !scaled
            && value.fract() == 0.0
            && (1990.0..=2040.0).contains(&value)
            && len == 4;
        let festival = (value - 11.11).abs() < 1e-9 && unit == Unit::Plain;
        // Skip tokens the unit words consumed.
        while i < a.tokens.len() && a.tokens[i].span.start < end {
            i += 1;
        }
        out.push(Quantity {
            value,
            unit,
            span: Span { start, end },
            incidental: list_marker || year || festival,
        });
    }
    out
}

/// Operators between numbers in a calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Mul,
    Div,
    Add,
    Sub,
}

const OPS: [(&str, Op); 16] = [
    ("multiplied by", Op::Mul),
    ("divided by", Op::Div),
    ("times", Op::Mul),
    ("乘以", Op::Mul),
    ("除以", Op::Div),
    ("plus", Op::Add),
    ("minus", Op::Sub),
    ("×", Op::Mul),
    ("*", Op::Mul),
    ("·", Op::Mul),
    ("x", Op::Mul),
    ("乘", Op::Mul),
    ("/", Op::Div),
    ("÷", Op::Div),
    ("+", Op::Add),
    ("-", Op::Sub),
];

const EQUALS: [&str; 14] = [
    "=",
    "≈",
    "~",
    "→",
    "->",
    "is about",
    "is roughly",
    "equals",
    "gives",
    "等于",
    "约为",
    "约",
    "得到",
    "大约",
];

/// A calculation written in the answer and what it really gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calculation {
    /// The calculation as written.
    pub text: String,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
    /// The result the answer states.
    pub stated: f64,
    /// The result of the arithmetic.
    pub computed: f64,
    /// True when they differ by more than rounding.
    pub slip: bool,
}

/// Classifies the text between two quantities: an operator, an equals sign, or anything else.
enum Gap {
    Op(Op),
    Equals,
    Other,
}

/// True for a short label between a number and an operator ("orders", "用户"): it names what was
/// counted and does not break the calculation.
fn is_label(head: &str) -> bool {
    head.is_empty()
        || (head.split_whitespace().count() <= 2
            && head.chars().count() <= 20
            && head.chars().all(|c| c.is_alphabetic() || c.is_whitespace()))
}

/// `g` ends with `w`, as a whole word when `w` is a word.
fn ends_with_term<'g>(g: &'g str, w: &str) -> Option<&'g str> {
    let head = g.strip_suffix(w)?;
    let wordy = w.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if wordy && !(head.is_empty() || head.ends_with(' ')) {
        return None;
    }
    Some(head.trim())
}

fn gap_kind(g: &str) -> Gap {
    let g = g.trim_matches(|c: char| {
        c.is_whitespace() || c == '(' || c == ')' || c == '（' || c == '）'
    });
    for (w, op) in OPS {
        if ends_with_term(g, w).is_some_and(is_label) {
            return Gap::Op(op);
        }
    }
    for w in EQUALS {
        if ends_with_term(g, w).is_some_and(is_label) {
            return Gap::Equals;
        }
    }
    Gap::Other
}

fn evaluate(values: &[f64], ops: &[Op]) -> f64 {
    // Multiplication and division first, then addition and subtraction, left to right.
    let mut terms: Vec<(f64, Op)> = Vec::new();
    let mut acc = values[0];
    let mut sign = Op::Add;
    for (op, v) in ops.iter().zip(&values[1..]) {
        match op {
            Op::Mul => acc *= v,
            Op::Div => acc /= v,
            Op::Add | Op::Sub => {
                terms.push((acc, sign));
                sign = *op;
                acc = *v;
            }
        }
    }
    terms.push((acc, sign));
    terms
        .iter()
        .map(|(v, s)| if *s == Op::Sub { -v } else { *v })
        .sum()
}

/// Every calculation with an operator and a stated result, recomputed.
pub fn calculations(a: &Analysed<'_>, qs: &[Quantity]) -> Vec<Calculation> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < qs.len() {
        let mut values = vec![qs[i].arithmetic_value()];
        let mut ops = Vec::new();
        let mut j = i;
        let mut result = None;
        while j + 1 < qs.len() {
            let gap = &a.lower[qs[j].span.end..qs[j + 1].span.start];
            match gap_kind(gap) {
                Gap::Op(op) => {
                    ops.push(op);
                    values.push(qs[j + 1].arithmetic_value());
                    j += 1;
                }
                Gap::Equals if !ops.is_empty() => {
                    result = Some(j + 1);
                    break;
                }
                _ => break,
            }
        }
        if let Some(r) = result {
            let q = qs[r];
            let stated =
                if q.unit == Unit::Percent && qs[i..r].iter().all(|x| x.unit == Unit::Percent) {
                    q.value / 100.0
                } else {
                    q.arithmetic_value()
                };
            let computed = evaluate(&values, &ops);
            let slip = computed.abs() > 0.0 && ((stated - computed).abs() / computed.abs()) > 0.06;
            let span = Span {
                start: qs[i].span.start,
                end: q.span.end,
            };
            out.push(Calculation {
                text: a.text[span.start..span.end].to_string(),
                span,
                stated,
                computed,
                slip,
            });
            // A chain may continue from its result: "a × b = c × d = e".
            i = r;
        } else {
            i = j.max(i) + 1;
        }
    }
    out
}

/// True when a clause states a change "from X to Y" (or 从X到Y, X → Y) between two quantities.
pub fn from_to_claims(a: &Analysed<'_>, qs: &[Quantity]) -> Vec<Span> {
    let mut out = Vec::new();
    for w in qs.windows(2) {
        let (x, y) = (w[0], w[1]);
        if x.incidental || y.incidental {
            continue;
        }
        let clause = a.clause_of(x.span.start);
        if y.span.start >= clause.end + 2
            && a.sentence_of(x.span.start) != a.sentence_of(y.span.start)
        {
            continue;
        }
        // A currency sign before the number is part of it: "from $20M to $65M".
        let before = a.lower[clause.start.min(x.span.start)..x.span.start]
            .trim_end_matches(['$', '¥', '￥', '€', '£']);
        let between = &a.lower[x.span.end..y.span.start];
        let from = before.ends_with("from ")
            || before.trim_end().ends_with("from")
            || before.ends_with('从')
            || before.contains("从");
        let to = between.trim() == "to"
            || between.contains(" to ")
            || between.contains('到')
            || between.contains('→')
            || between.contains("->");
        if (from && to) || between.trim() == "→" || between.trim() == "->" {
            out.push(Span {
                start: x.span.start,
                end: y.span.end,
            });
        }
    }
    out
}

/// How close an estimate lands to the range a sound estimate lands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Inside the range.
    InRange,
    /// Within 30% beyond either end.
    Close,
    /// Within a factor of ten.
    SameMagnitude,
    /// Further off.
    Off,
}

/// Judges a value against a range.
pub fn fit(value: f64, low: f64, high: f64) -> Fit {
    if (low..=high).contains(&value) {
        Fit::InRange
    } else if (low * 0.7..=high * 1.3).contains(&value) {
        Fit::Close
    } else if (low / 10.0..=high * 10.0).contains(&value) {
        Fit::SameMagnitude
    } else {
        Fit::Off
    }
}

/// The answer's final figure: the result of its last calculation, or else the largest claim in
/// its last sentences that announce a total.
pub fn final_figure(
    a: &Analysed<'_>,
    qs: &[Quantity],
    calcs: &[Calculation],
) -> Option<(f64, Span)> {
    if let Some(c) = calcs.last() {
        return Some((c.stated, c.span));
    }
    const TOTAL: [&str; 12] = [
        "total", "so about", "roughly", "in all", "overall", "so the", "总计", "合计", "所以",
        "总共", "大约", "约",
    ];
    let claims: Vec<&Quantity> = qs
        .iter()
        .filter(|q| !q.incidental && q.unit != Unit::Percent)
        .collect();
    let announced = claims.iter().rev().find(|q| {
        let s = a.sentence_of(q.span.start);
        TOTAL.iter().any(|w| a.lower[s.start..s.end].contains(w))
    });
    announced
        .or(claims.last())
        .map(|q| (q.arithmetic_value(), q.span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyse;

    fn values(s: &str) -> Vec<(f64, Unit, bool)> {
        let a = analyse(s);
        quantities(&a)
            .iter()
            .map(|q| (q.value, q.unit, q.incidental))
            .collect()
    }

    #[test]
    fn quantities_with_scales_and_units() {
        assert_eq!(
            values(
                "300M buyers, 3.5% conversion, 200 CNY, $18 million, 1,200 orders in 2019 on 11.11"
            ),
            [
                (3e8, Unit::Plain, false),
                (3.5, Unit::Percent, false),
                (200.0, Unit::Money, false),
                (18e6, Unit::Money, false),
                (1200.0, Unit::Plain, false),
                (2019.0, Unit::Plain, true),
                (11.11, Unit::Plain, true)
            ]
        );
        assert_eq!(
            values("GMV 约2684亿元，峰值54.4万笔每秒"),
            [(2684e8, Unit::Money, false), (54.4e4, Unit::Plain, false)]
        );
        assert_eq!(
            values("1. First point\n2) second"),
            [(1.0, Unit::Plain, true), (2.0, Unit::Plain, true)]
        );
    }

    #[test]
    fn calculations_are_recomputed() {
        let a =
            analyse("Buyers: 400M × 3 orders × 200 CNY = 240B CNY. Then 240B / 2 = 100B, a slip.");
        let qs = quantities(&a);
        let calcs = calculations(&a, &qs);
        assert_eq!(calcs.len(), 2, "{calcs:?}");
        assert!(!calcs[0].slip && (calcs[0].computed - 2.4e11).abs() < 1.0);
        assert!(calcs[1].slip && (calcs[1].computed - 1.2e11).abs() < 1.0);
        let z = analyse("5亿用户 × 20% = 1亿人");
        let c = calculations(&z, &quantities(&z));
        assert_eq!(c.len(), 1);
        assert!(!c[0].slip, "{c:?}");
    }

    #[test]
    fn from_to_and_final_figure() {
        let a = analyse("Conversion goes from 3% to 3.5%. In total about 250 billion CNY.");
        let qs = quantities(&a);
        assert_eq!(from_to_claims(&a, &qs).len(), 1);
        let (v, _) = final_figure(&a, &qs, &[]).unwrap_or((0.0, Span { start: 0, end: 0 }));
        assert_eq!(v, 250e9);
        assert_eq!(fit(250e9, 200e9, 300e9), Fit::InRange);
        assert_eq!(fit(360e9, 200e9, 300e9), Fit::Close);
        assert_eq!(fit(2.5e9, 200e9, 300e9), Fit::Off);
    }
}
