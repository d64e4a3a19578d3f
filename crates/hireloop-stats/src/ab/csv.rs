//! Per-user rows to sufficient statistics: one pass over a CSV with a variant column and metric
//! columns, summing per variant what the tests need (counts, sums, sums of squares and, for
//! ratios, sums of products). Errors name the line and column.

use super::error::AbError;
use super::input::{Experiment, ExperimentInput, MetricInput};
use super::stats::{MetricKind, SufficientStats};

/// How a metric is computed from the columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnMetric {
    /// The share of rows with 1 in this 0/1 column.
    Proportion(String),
    /// The mean of this column.
    Mean(String),
    /// The sum of one column over the sum of another, analysed per row by the delta method.
    Ratio {
        /// Numerator column.
        numerator: String,
        /// Denominator column.
        denominator: String,
    },
}

/// What to read from the CSV.
#[derive(Debug, Clone, Default)]
pub struct CsvSpec {
    /// The column naming each row's variant.
    pub variant_column: String,
    /// The control's name; `control` when absent.
    pub control: Option<String>,
    /// The metrics by name; when empty, every numeric column is a metric (0/1 columns are
    /// proportions, others means) except the variant column and id columns (`id`, `user`,
    /// `user_id`, `*_id`).
    pub metrics: Vec<(String, ColumnMetric)>,
    /// The decision metric; the first metric when absent.
    pub decision_metric: Option<String>,
    /// Guardrail metrics.
    pub guardrails: Vec<String>,
    /// Significance level; 0.05 when absent.
    pub alpha: Option<f64>,
}

/// The most variants a file may have: more means the variant column is probably the wrong one.
const MAX_VARIANTS: usize = 100;

/// Parses `NAME=TYPE`: `ctr=proportion`, `revenue=mean`, `aov=ratio:revenue/orders`. For a
/// proportion or mean, NAME is the column.
pub fn parse_metric_spec(spec: &str) -> Result<(String, ColumnMetric), AbError> {
    let bad = |why: &str| AbError::invalid(format!("--metric `{spec}`: {why}"));
    let (name, kind) = spec.split_once('=').ok_or_else(|| {
        bad("expected NAME=TYPE, such as ctr=proportion, revenue=mean or aov=ratio:revenue/orders")
    })?;
    let name = name.trim();
    if name.is_empty() {
        return Err(bad("the name before `=` is empty"));
    }
    let kind = kind.trim();
    let metric = match kind {
        "proportion" => ColumnMetric::Proportion(name.to_string()),
        "mean" => ColumnMetric::Mean(name.to_string()),
        _ => {
            let cols = kind.strip_prefix("ratio:").ok_or_else(|| {
                bad(&format!(
                    "unknown type `{kind}` (use proportion, mean or ratio:NUMERATOR/DENOMINATOR)"
                ))
            })?;
            let (num, den) = cols
                .split_once('/')
                .ok_or_else(|| bad("a ratio names two columns: ratio:NUMERATOR/DENOMINATOR"))?;
            let (num, den) = (num.trim(), den.trim());
            if num.is_empty() || den.is_empty() {
                return Err(bad(
                    "a ratio names two columns: ratio:NUMERATOR/DENOMINATOR",
                ));
            }
            ColumnMetric::Ratio {
                numerator: num.to_string(),
                denominator: den.to_string(),
            }
        }
    };
    Ok((name.to_string(), metric))
}

/// Reads per-user rows and builds the experiment from their sums.
pub fn experiment_from_csv(data: &[u8], spec: &CsvSpec) -> Result<Experiment, AbError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut scanner = Scanner {
        data,
        pos: 0,
        line: 0,
    };
    let mut fields = Vec::new();
    let (header_line, header) = scanner
        .next_record(&mut fields)?
        .ok_or_else(|| AbError::Csv {
            line: 1,
            column: 1,
            column_name: None,
            message: "the file is empty".into(),
        })?;
    let names: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            String::from_utf8(f.text(header).into_owned()).map_err(|_| AbError::Csv {
                line: header_line,
                column: i + 1,
                column_name: None,
                message: "the column name is not UTF-8 text".into(),
            })
        })
        .collect::<Result<_, _>>()?;
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(AbError::Csv {
                line: header_line,
                column: i + 1,
                column_name: Some(n.clone()),
                message: "this column name appears twice in the header".into(),
            });
        }
    }
    let column = |name: &str| {
        names.iter().position(|n| n == name).ok_or_else(|| {
            AbError::invalid(format!(
                "the header (line {header_line}) has no column `{name}` (columns: {})",
                names.join(", ")
            ))
        })
    };
    let variant_col = column(&spec.variant_column)?;
    let inferring = spec.metrics.is_empty();
    // The columns to read, and for each whether it must hold 0/1.
    let mut cols: Vec<usize> = Vec::new();
    let mut must_be_binary: Vec<bool> = Vec::new();
    let mut use_col = |c: usize, binary: bool, cols: &mut Vec<usize>| {
        if let Some(k) = cols.iter().position(|&x| x == c) {
            must_be_binary[k] |= binary;
            k
        } else {
            cols.push(c);
            must_be_binary.push(binary);
            cols.len() - 1
        }
    };
    let mut plan: Vec<Planned> = Vec::new();
    let mut products: Vec<(usize, usize)> = Vec::new();
    if inferring {
        for (c, n) in names.iter().enumerate() {
            if c != variant_col && !is_id_column(n) {
                let k = use_col(c, false, &mut cols);
                plan.push(Planned::new(n, MetricKind::Mean, k, None));
            }
        }
        if plan.is_empty() {
            return Err(AbError::invalid(format!(
                "the CSV has no metric column besides `{}`; name the metrics with --metric NAME=TYPE",
                spec.variant_column
            )));
        }
    } else {
        for (name, m) in &spec.metrics {
            match m {
                ColumnMetric::Proportion(c) => {
                    let k = use_col(column(c)?, true, &mut cols);
                    plan.push(Planned::new(name, MetricKind::Proportion, k, None));
                }
                ColumnMetric::Mean(c) => {
                    let k = use_col(column(c)?, false, &mut cols);
                    plan.push(Planned::new(name, MetricKind::Mean, k, None));
                }
                ColumnMetric::Ratio {
                    numerator,
                    denominator,
                } => {
                    let kn = use_col(column(numerator)?, false, &mut cols);
                    let kd = use_col(column(denominator)?, false, &mut cols);
                    products.push((kn, kd));
                    plan.push(Planned::new(
                        name,
                        MetricKind::Ratio,
                        kn,
                        Some((kd, products.len() - 1)),
                    ));
                }
            }
        }
    }
    if cols.contains(&variant_col) {
        return Err(AbError::invalid(format!(
            "`{}` is the variant column and cannot also be a metric",
            spec.variant_column
        )));
    }
    let width = names.len();
    let mut variants: Vec<(Vec<u8>, Sums)> = Vec::new();
    // While inferring, a column whose first value is not a number is text and left out.
    let mut text_col = vec![false; cols.len()];
    let mut binary = vec![true; cols.len()];
    let mut first_row = true;
    let mut values = vec![0.0; cols.len()];
    while let Some((line, l)) = scanner.next_record(&mut fields)? {
        if fields.len() != width {
            return Err(AbError::Csv {
                line,
                column: fields.len().min(width) + 1,
                column_name: None,
                message: format!(
                    "this row has {} field(s), the header has {width}",
                    fields.len()
                ),
            });
        }
        let vfield = &fields[variant_col];
        let vname = vfield.text(l);
        if vname.is_empty() {
            return Err(AbError::Csv {
                line,
                column: variant_col + 1,
                column_name: Some(names[variant_col].clone()),
                message: "the variant is empty".into(),
            });
        }
        let vi = match variants
            .iter()
            .position(|(n, _)| n.as_slice() == vname.as_ref())
        {
            Some(i) => i,
            None => {
                if variants.len() == MAX_VARIANTS {
                    return Err(AbError::Csv {
                        line,
                        column: variant_col + 1,
                        column_name: Some(names[variant_col].clone()),
                        message: format!(
                            "more than {MAX_VARIANTS} different variants: is `{}` the variant column?",
                            names[variant_col]
                        ),
                    });
                }
                variants.push((vname.into_owned(), Sums::new(cols.len(), products.len())));
                variants.len() - 1
            }
        };
        for (k, &c) in cols.iter().enumerate() {
            if text_col[k] {
                continue;
            }
            let raw = fields[c].text(l);
            let at = |message: String| AbError::Csv {
                line,
                column: c + 1,
                column_name: Some(names[c].clone()),
                message,
            };
            let v = match parse_number(&raw) {
                Some(v) => v,
                None if inferring && first_row => {
                    text_col[k] = true;
                    continue;
                }
                None if raw.trim_ascii().is_empty() => {
                    return Err(at(
                        "the value is empty (write 0 for a user with nothing to count)".into(),
                    ));
                }
                None if must_be_binary[k] => {
                    return Err(at(format!(
                        "a proportion column holds 0 or 1, found `{}`",
                        String::from_utf8_lossy(&raw)
                    )));
                }
                None => {
                    return Err(at(format!(
                        "`{}` is not a number",
                        String::from_utf8_lossy(&raw)
                    )));
                }
            };
            if v != 0.0 && v != 1.0 {
                if must_be_binary[k] {
                    return Err(at(format!(
                        "a proportion column holds 0 or 1, found `{}`",
                        String::from_utf8_lossy(&raw)
                    )));
                }
                binary[k] = false;
            }
            values[k] = v;
        }
        first_row = false;
        let sums = &mut variants[vi].1;
        sums.n += 1.0;
        for (k, &v) in values.iter().enumerate() {
            sums.sum[k] += v;
            sums.sum_squares[k] += v * v;
        }
        for (r, &(kn, kd)) in products.iter().enumerate() {
            sums.products[r] += values[kn] * values[kd];
        }
    }
    if variants.is_empty() {
        return Err(AbError::Csv {
            line: header_line + 1,
            column: 1,
            column_name: None,
            message: "no data rows after the header".into(),
        });
    }
    let mut variant_names = Vec::with_capacity(variants.len());
    for (raw, _) in &variants {
        variant_names.push(String::from_utf8(raw.clone()).map_err(|_| {
            AbError::invalid(format!(
                "a value of the variant column `{}` is not UTF-8 text",
                spec.variant_column
            ))
        })?);
    }
    let control = spec
        .control
        .clone()
        .unwrap_or_else(|| "control".to_string());
    let Some(ci) = variant_names.iter().position(|v| *v == control) else {
        return Err(AbError::invalid(format!(
            "no variant is called `{control}` in column `{}` (found: {}); name the control with --control",
            spec.variant_column,
            variant_names.join(", ")
        )));
    };
    // The control first, then the treatments in order of appearance.
    let mut order: Vec<usize> = vec![ci];
    order.extend((0..variants.len()).filter(|&i| i != ci));
    let metrics = plan
        .into_iter()
        .filter(|m| !text_col[m.slot])
        .map(
            |Planned {
                 name,
                 kind,
                 slot: k,
                 ratio,
             }| {
                let kind = if inferring && binary[k] {
                    MetricKind::Proportion
                } else {
                    kind
                };
                let stats = order
                    .iter()
                    .map(|&i| {
                        let s = &variants[i].1;
                        let st = match (kind, ratio) {
                            (MetricKind::Proportion, _) => SufficientStats::Proportion {
                                n: s.n,
                                sum: s.sum[k],
                            },
                            (MetricKind::Ratio, Some((kd, r))) => SufficientStats::Ratio {
                                n: s.n,
                                num_sum: s.sum[k],
                                num_sum_squares: s.sum_squares[k],
                                den_sum: s.sum[kd],
                                den_sum_squares: s.sum_squares[kd],
                                num_den_sum: s.products[r],
                            },
                            _ => SufficientStats::Mean {
                                n: s.n,
                                sum: s.sum[k],
                                sum_squares: s.sum_squares[k],
                            },
                        };
                        (variant_names[i].clone(), st)
                    })
                    .collect();
                MetricInput {
                    name,
                    kind,
                    higher_is_better: true,
                    stats,
                }
            },
        )
        .collect::<Vec<_>>();
    if metrics.is_empty() {
        return Err(AbError::invalid(
            "no column holds numbers besides the variant column; name the metrics with --metric NAME=TYPE",
        ));
    }
    Experiment::build(ExperimentInput {
        variants: order.iter().map(|&i| variant_names[i].clone()).collect(),
        control: Some(control),
        metrics,
        decision_metric: spec.decision_metric.clone(),
        guardrails: spec.guardrails.clone(),
        alpha: spec.alpha,
        weights: None,
    })
}

/// A metric to compute: its name and kind, the slot of its (numerator) column among the columns
/// read, and for a ratio the denominator's slot and the slot of their product.
struct Planned {
    name: String,
    kind: MetricKind,
    slot: usize,
    ratio: Option<(usize, usize)>,
}

impl Planned {
    fn new(name: &str, kind: MetricKind, slot: usize, ratio: Option<(usize, usize)>) -> Self {
        Self {
            name: name.to_string(),
            kind,
            slot,
            ratio,
        }
    }
}

/// Running sums of one variant.
struct Sums {
    n: f64,
    sum: Vec<f64>,
    sum_squares: Vec<f64>,
    products: Vec<f64>,
}

impl Sums {
    fn new(cols: usize, products: usize) -> Self {
        Self {
            n: 0.0,
            sum: vec![0.0; cols],
            sum_squares: vec![0.0; cols],
            products: vec![0.0; products],
        }
    }
}

fn is_id_column(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "id" || n == "user" || n == "user_id" || n == "userid" || n.ends_with("_id")
}

/// Walks the lines of a CSV, splitting each into fields in the same pass over the bytes.
struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Scanner<'a> {
    /// The next non-empty line: its 1-based number and its text without the line ending, with
    /// its fields in `fields`.
    fn next_record(
        &mut self,
        fields: &mut Vec<Field>,
    ) -> Result<Option<(usize, &'a [u8])>, AbError> {
        let data = self.data;
        while self.pos < data.len() {
            self.line += 1;
            let start = self.pos;
            fields.clear();
            let mut field_start = start;
            let mut quoted = false;
            let mut i = start;
            while i < data.len() {
                match data[i] {
                    b'\n' => break,
                    b',' => {
                        fields.push(Field {
                            start: field_start - start,
                            end: i - start,
                            escaped: false,
                        });
                        field_start = i + 1;
                    }
                    b'"' => quoted = true,
                    _ => {}
                }
                i += 1;
            }
            self.pos = i + 1;
            let mut end = i;
            if end > start && data[end - 1] == b'\r' {
                end -= 1;
            }
            let line = &data[start..end];
            if line.is_empty() {
                continue;
            }
            if quoted {
                split_fields(line, self.line, fields)?;
            } else {
                fields.push(Field {
                    start: field_start.min(end) - start,
                    end: end - start,
                    escaped: false,
                });
            }
            return Ok(Some((self.line, line)));
        }
        Ok(None)
    }
}

/// A field of a record: a byte range, and whether it was quoted with doubled quotes inside.
#[derive(Debug, Clone, Copy)]
struct Field {
    start: usize,
    end: usize,
    escaped: bool,
}

impl Field {
    fn text<'a>(&self, line: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        let raw = &line[self.start..self.end];
        if self.escaped {
            let mut out = Vec::with_capacity(raw.len());
            let mut i = 0;
            while i < raw.len() {
                out.push(raw[i]);
                i += if raw[i] == b'"' { 2 } else { 1 };
            }
            std::borrow::Cow::Owned(out)
        } else {
            std::borrow::Cow::Borrowed(raw)
        }
    }
}

/// Splits one line with quotes into fields (RFC 4180 quoting, within one line).
fn split_fields(line: &[u8], line_no: usize, out: &mut Vec<Field>) -> Result<(), AbError> {
    out.clear();
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut escaped = false;
            loop {
                match line.get(j) {
                    None => {
                        return Err(AbError::Csv {
                            line: line_no,
                            column: out.len() + 1,
                            column_name: None,
                            message: "a quoted field is not closed on this line".into(),
                        });
                    }
                    Some(b'"') if line.get(j + 1) == Some(&b'"') => {
                        escaped = true;
                        j += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => j += 1,
                }
            }
            out.push(Field {
                start,
                end: j,
                escaped,
            });
            i = j + 1;
            match line.get(i) {
                None => return Ok(()),
                Some(b',') => i += 1,
                Some(_) => {
                    return Err(AbError::Csv {
                        line: line_no,
                        column: out.len(),
                        column_name: None,
                        message: "unexpected text after a closing quote".into(),
                    });
                }
            }
        } else {
            let start = i;
            let end = line[i..]
                .iter()
                .position(|&b| b == b',')
                .map_or(line.len(), |p| i + p);
            out.push(Field {
                start,
                end,
                escaped: false,
            });
            if end == line.len() {
                return Ok(());
            }
            i = end + 1;
        }
    }
}

/// A finite number, with fast paths for the 0 and 1 that fill most per-user columns.
fn parse_number(raw: &[u8]) -> Option<f64> {
    match raw {
        b"0" | b"0.0" | b"0.00" => return Some(0.0),
        b"1" | b"1.0" => return Some(1.0),
        _ => {}
    }
    let s = std::str::from_utf8(raw).ok()?.trim();
    let v = match s {
        "true" | "TRUE" | "True" => 1.0,
        "false" | "FALSE" | "False" => 0.0,
        _ => s.parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_specs_parse() {
        assert_eq!(
            parse_metric_spec("ctr=proportion").unwrap(),
            ("ctr".into(), ColumnMetric::Proportion("ctr".into()))
        );
        assert_eq!(
            parse_metric_spec("aov=ratio:revenue/orders").unwrap(),
            (
                "aov".into(),
                ColumnMetric::Ratio {
                    numerator: "revenue".into(),
                    denominator: "orders".into()
                }
            )
        );
        for bad in ["ctr", "ctr=median", "aov=ratio:revenue", "=mean"] {
            assert!(parse_metric_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quoted_fields_split() {
        let mut f = Vec::new();
        let line = br#"1,"con""trol",2.5"#;
        split_fields(line, 1, &mut f).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[1].text(line).as_ref(), br#"con"trol"#);
        assert!(split_fields(br#"1,"open,2"#, 1, &mut f).is_err());
    }
}
