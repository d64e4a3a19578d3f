//! From the tree as written to a program the sampler runs: names resolved, fixed parts folded
//! to numbers, distribution parameters checked, and each value's possible range worked out so
//! that a division by something that can be zero is refused before any sampling.

use super::Problem;
use super::math::{self, Z90};
use super::syntax::{BinOp, Expr, ExprKind, Func, Model};

/// A node of the program: what the sampler computes for every sample.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// The same value in every sample.
    Const(f64),
    /// The samples of an earlier uncertain line (index into the stored columns).
    Column(usize),
    /// `mean + sd * z` with z standard normal.
    Normal {
        mean: f64,
        sd: f64,
        stream: u64,
    },
    /// `exp(mu + sigma * z)`.
    Lognormal {
        mu: f64,
        sigma: f64,
        stream: u64,
    },
    /// `low + (high - low) * u` with u uniform on (0, 1).
    Uniform {
        low: f64,
        high: f64,
        stream: u64,
    },
    Neg(Box<Node>),
    Bin(Op, Box<Node>, Box<Node>),
    /// A power with a whole-number exponent fixed for the model.
    PowI(Box<Node>, i32),
    Min(Vec<Node>),
    Max(Vec<Node>),
}

/// Operations the sampler applies element by element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// What a line is after checking.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// Known exactly.
    Fixed(f64),
    /// Uncertain: computed by `node` into stored column `column`.
    Uncertain { node: Node, column: usize },
}

/// One checked line.
#[derive(Debug, Clone)]
pub(crate) struct CheckedLine {
    /// The line's name; an unnamed last line is named by its expression.
    pub name: String,
    pub line: usize,
    pub column: usize,
    /// The expression in canonical form, as the user would write it.
    pub definition: String,
    pub value: Value,
    /// Draws a distribution of its own (an assumption), rather than only combining others.
    pub draws: bool,
    /// The lines this one depends on, directly or not (by index).
    pub depends_on: Vec<bool>,
    /// Every sample is strictly positive (a product of ranges above zero, say).
    pub positive: bool,
}

/// A model ready to sample.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub lines: Vec<CheckedLine>,
    /// How many lines are uncertain, hence how many columns the sampler stores.
    pub columns: usize,
}

/// What is known about an expression's values without sampling.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    /// Smallest and largest possible values (closed, possibly infinite).
    low: f64,
    high: f64,
    /// Every value is above zero, or below zero (stricter than `low >= 0`: a lognormal's
    /// lower bound is 0 yet it is never 0).
    positive: bool,
    negative: bool,
}

impl Bounds {
    fn point(v: f64) -> Self {
        Self {
            low: v,
            high: v,
            positive: v > 0.0,
            negative: v < 0.0,
        }
    }

    fn new(low: f64, high: f64) -> Self {
        Self {
            low,
            high,
            positive: low > 0.0,
            negative: high < 0.0,
        }
    }

    fn can_be_zero(&self) -> bool {
        !self.positive && !self.negative
    }
}

/// An expression after checking: a fixed number, or a node with its bounds.
#[derive(Debug, Clone)]
struct Checked {
    node: Node,
    bounds: Bounds,
}

impl Checked {
    fn fixed(&self) -> Option<f64> {
        match self.node {
            Node::Const(v) => Some(v),
            _ => None,
        }
    }

    fn constant(v: f64) -> Self {
        Self {
            node: Node::Const(v),
            bounds: Bounds::point(v),
        }
    }
}

/// A resolved name: its line index and what is known about it.
#[derive(Debug, Clone)]
struct Known {
    index: usize,
    line: usize,
    /// `None` when the line itself had an error (its uses are not reported again).
    checked: Option<Checked>,
}

struct Checker<'a> {
    known: std::collections::HashMap<&'a str, Known>,
    /// Where every name of the model is defined, to tell "later" from "unknown".
    all_names: std::collections::HashMap<&'a str, usize>,
    /// The line being checked: its name, index, and how many distributions it has drawn.
    current: &'a str,
    draws: u64,
    depends: Vec<bool>,
    lines_deps: Vec<Vec<bool>>,
}

/// Stable identity of a distribution: its line's name and its order within the line, so that
/// editing one line leaves the draws of the others unchanged.
fn stream_id(name: &str, ordinal: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^ ordinal.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn fail(e: &Expr, message: impl Into<String>) -> Problem {
    Problem::new(e.line, e.column, message)
}

impl<'a> Checker<'a> {
    fn name(&mut self, e: &Expr, name: &str) -> Result<Checked, Option<Problem>> {
        if let Some(k) = self.known.get(name) {
            self.depends[k.index] = true;
            for (i, d) in self.lines_deps[k.index].iter().enumerate() {
                if *d {
                    self.depends[i] = true;
                }
            }
            // A broken line was reported already; report nothing more here.
            return k.checked.clone().ok_or(None);
        }
        if name == self.current {
            return Err(Some(fail(e, format!("`{name}` refers to itself"))));
        }
        if let Some(line) = self.all_names.get(name) {
            return Err(Some(
                fail(
                    e,
                    format!("`{name}` is used before its definition on line {line}"),
                )
                .with_hint(Some(format!(
                    "move the line defining `{name}` above this one"
                ))),
            ));
        }
        let hint = super::did_you_mean(name, self.known.keys().copied())
            .map(|s| format!("did you mean `{s}`?"));
        Err(Some(
            fail(e, format!("unknown name `{name}`")).with_hint(hint),
        ))
    }

    fn next_stream(&mut self) -> u64 {
        let s = stream_id(self.current, self.draws);
        self.draws += 1;
        s
    }

    /// A parameter of a distribution: it must be known exactly.
    fn param(&mut self, e: &Expr, what: &str) -> Result<f64, Option<Problem>> {
        let c = self.expr(e)?;
        c.fixed().ok_or_else(|| {
            Some(
                fail(
                    e,
                    format!("{what} must be a fixed number; `{e}` is uncertain"),
                )
                .with_hint(Some(
                    "to multiply by a range, put the range in parentheses: `x * (2 to 6)`".into(),
                )),
            )
        })
    }

    fn expr(&mut self, e: &Expr) -> Result<Checked, Option<Problem>> {
        match &e.kind {
            ExprKind::Number(v) => Ok(Checked::constant(*v)),
            ExprKind::Name(n) => self.name(e, n),
            ExprKind::Neg(inner) => {
                let c = self.expr(inner)?;
                Ok(match c.node {
                    Node::Const(v) => Checked::constant(-v),
                    node => Checked {
                        node: Node::Neg(Box::new(node)),
                        bounds: Bounds {
                            low: -c.bounds.high,
                            high: -c.bounds.low,
                            positive: c.bounds.negative,
                            negative: c.bounds.positive,
                        },
                    },
                })
            }
            ExprKind::Binary(op, a, b) => {
                let ca = self.expr(a)?;
                let cb = self.expr(b)?;
                self.binary(e, *op, a, b, ca, cb)
            }
            ExprKind::Range(a, b) => {
                let low = self.param(a, "the low end of a range")?;
                let high = self.param(b, "the high end of a range")?;
                if high < low {
                    return Err(Some(
                        fail(e, format!("the range `{e}` runs backwards: {high} < {low}"))
                            .with_hint(Some(format!(
                                "write the smaller value first: `{b} to {a}`"
                            ))),
                    ));
                }
                if high == low {
                    return Ok(Checked::constant(low));
                }
                let stream = self.next_stream();
                if low > 0.0 {
                    let (ll, lh) = (math::ln(low), math::ln(high));
                    Ok(Checked {
                        node: Node::Lognormal {
                            mu: (ll + lh) / 2.0,
                            sigma: (lh - ll) / (2.0 * Z90),
                            stream,
                        },
                        bounds: Bounds {
                            positive: true,
                            ..Bounds::new(0.0, f64::INFINITY)
                        },
                    })
                } else {
                    Ok(Checked {
                        node: Node::Normal {
                            mean: (low + high) / 2.0,
                            sd: (high - low) / (2.0 * Z90),
                            stream,
                        },
                        bounds: Bounds::new(f64::NEG_INFINITY, f64::INFINITY),
                    })
                }
            }
            ExprKind::Call(func, args) => self.call(e, *func, args),
        }
    }

    fn call(&mut self, e: &Expr, func: Func, args: &[Expr]) -> Result<Checked, Option<Problem>> {
        let arity = |n: usize, usage: &str| -> Result<(), Option<Problem>> {
            if args.len() == n {
                Ok(())
            } else {
                Err(Some(fail(
                    e,
                    format!(
                        "`{}` takes {n} arguments, {usage}; found {}",
                        func.name(),
                        args.len()
                    ),
                )))
            }
        };
        match func {
            Func::Normal => {
                arity(2, "`normal(mean, sd)`")?;
                let mean = self.param(&args[0], "the mean of `normal`")?;
                let sd = self.param(&args[1], "the sd of `normal`")?;
                if sd < 0.0 {
                    return Err(Some(
                        fail(
                            &args[1],
                            format!("the sd of `normal` is {sd}; it cannot be negative"),
                        )
                        .with_hint(Some("a standard deviation is 0 or more".into())),
                    ));
                }
                if sd == 0.0 {
                    return Ok(Checked::constant(mean));
                }
                let stream = self.next_stream();
                Ok(Checked {
                    node: Node::Normal { mean, sd, stream },
                    bounds: Bounds::new(f64::NEG_INFINITY, f64::INFINITY),
                })
            }
            Func::Lognormal => {
                arity(2, "`lognormal(mu, sigma)` (of the logarithm)")?;
                let mu = self.param(&args[0], "the mu of `lognormal`")?;
                let sigma = self.param(&args[1], "the sigma of `lognormal`")?;
                if sigma < 0.0 {
                    return Err(Some(
                        fail(
                            &args[1],
                            format!("the sigma of `lognormal` is {sigma}; it cannot be negative"),
                        )
                        .with_hint(Some("sigma is the sd of the logarithm: 0 or more".into())),
                    ));
                }
                if sigma == 0.0 {
                    return Ok(Checked::constant(math::exp(mu)));
                }
                let stream = self.next_stream();
                Ok(Checked {
                    node: Node::Lognormal { mu, sigma, stream },
                    bounds: Bounds {
                        positive: true,
                        ..Bounds::new(0.0, f64::INFINITY)
                    },
                })
            }
            Func::Uniform => {
                arity(2, "`uniform(low, high)`")?;
                let low = self.param(&args[0], "the low end of `uniform`")?;
                let high = self.param(&args[1], "the high end of `uniform`")?;
                if high < low {
                    return Err(Some(
                        fail(e, format!("`{e}` runs backwards: {high} < {low}"))
                            .with_hint(Some("write the smaller value first".into())),
                    ));
                }
                if high == low {
                    return Ok(Checked::constant(low));
                }
                let stream = self.next_stream();
                Ok(Checked {
                    node: Node::Uniform { low, high, stream },
                    bounds: Bounds::new(low, high),
                })
            }
            Func::Min | Func::Max => {
                if args.len() < 2 {
                    return Err(Some(fail(
                        e,
                        format!(
                            "`{}` takes two or more arguments; found {}",
                            func.name(),
                            args.len()
                        ),
                    )));
                }
                let mut checked = Vec::with_capacity(args.len());
                for a in args {
                    checked.push(self.expr(a)?);
                }
                let is_min = func == Func::Min;
                let pick = |x: f64, y: f64| if is_min { x.min(y) } else { x.max(y) };
                if let Some(values) = checked
                    .iter()
                    .map(Checked::fixed)
                    .collect::<Option<Vec<_>>>()
                {
                    let v = values.into_iter().reduce(pick).unwrap_or(f64::NAN);
                    return Ok(Checked::constant(v));
                }
                let mut bounds = checked[0].bounds;
                for c in &checked[1..] {
                    bounds.low = pick(bounds.low, c.bounds.low);
                    bounds.high = pick(bounds.high, c.bounds.high);
                    if is_min {
                        bounds.positive &= c.bounds.positive;
                        bounds.negative |= c.bounds.negative;
                    } else {
                        bounds.positive |= c.bounds.positive;
                        bounds.negative &= c.bounds.negative;
                    }
                }
                let nodes = checked.into_iter().map(|c| c.node).collect();
                Ok(Checked {
                    node: if is_min {
                        Node::Min(nodes)
                    } else {
                        Node::Max(nodes)
                    },
                    bounds,
                })
            }
        }
    }

    fn binary(
        &mut self,
        e: &Expr,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        ca: Checked,
        cb: Checked,
    ) -> Result<Checked, Option<Problem>> {
        let (x, y) = (ca.bounds, cb.bounds);
        match op {
            BinOp::Div if cb.fixed() == Some(0.0) => {
                return Err(Some(fail(b, format!("division by zero: `{b}` is 0"))));
            }
            BinOp::Div if y.can_be_zero() => {
                return Err(Some(
                    fail(
                        b,
                        format!(
                            "division by `{b}`, which can be zero or come arbitrarily close to \
                             it: the quotient would be unbounded and its mean meaningless"
                        ),
                    )
                    .with_hint(Some(
                        "divide by something that stays away from zero, such as a range above \
                         zero (`2 to 6`); a normal, a range touching zero and a uniform that \
                         includes zero can all be zero"
                            .into(),
                    )),
                ));
            }
            BinOp::Pow => return self.power(a, b, ca, cb),
            _ => {}
        }
        let f = match op {
            BinOp::Add => |p: f64, q: f64| p + q,
            BinOp::Sub => |p: f64, q: f64| p - q,
            BinOp::Mul => |p: f64, q: f64| p * q,
            BinOp::Div | BinOp::Pow => |p: f64, q: f64| p / q,
        };
        if let (Some(p), Some(q)) = (ca.fixed(), cb.fixed()) {
            let v = f(p, q);
            if !v.is_finite() {
                return Err(Some(fail(e, format!("`{e}` overflows"))));
            }
            return Ok(Checked::constant(v));
        }
        let bounds = match op {
            BinOp::Add => add_bounds(x, y),
            BinOp::Sub => add_bounds(
                x,
                Bounds {
                    low: -y.high,
                    high: -y.low,
                    positive: y.negative,
                    negative: y.positive,
                },
            ),
            BinOp::Mul => mul_bounds(x, y),
            BinOp::Div | BinOp::Pow => {
                // y is strictly positive or strictly negative here.
                let inv = Bounds {
                    low: 1.0 / y.high,
                    high: if y.low == 0.0 {
                        f64::INFINITY
                    } else {
                        1.0 / y.low
                    },
                    positive: y.positive,
                    negative: y.negative,
                };
                let inv = if inv.low > inv.high {
                    Bounds {
                        low: inv.high,
                        high: inv.low,
                        ..inv
                    }
                } else {
                    inv
                };
                mul_bounds(x, inv)
            }
        };
        let op = match op {
            BinOp::Add => Op::Add,
            BinOp::Sub => Op::Sub,
            BinOp::Mul => Op::Mul,
            BinOp::Div | BinOp::Pow => Op::Div,
        };
        Ok(Checked {
            node: Node::Bin(op, Box::new(ca.node), Box::new(cb.node)),
            bounds,
        })
    }

    fn power(
        &mut self,
        a: &Expr,
        b: &Expr,
        ca: Checked,
        cb: Checked,
    ) -> Result<Checked, Option<Problem>> {
        let (x, y) = (ca.bounds, cb.bounds);
        if let (Some(p), Some(q)) = (ca.fixed(), cb.fixed()) {
            let v = math::pow(p, q);
            if v.is_nan() {
                return Err(Some(fail(
                    a,
                    format!(
                        "`{a}` is negative, and a negative number to the power `{b}` is not a real number"
                    ),
                )));
            }
            if !v.is_finite() {
                return Err(Some(fail(
                    a,
                    format!("`{a} ^ {b}` overflows or divides by zero"),
                )));
            }
            return Ok(Checked::constant(v));
        }
        let whole = cb
            .fixed()
            .filter(|q| q.fract() == 0.0 && q.abs() <= 1024.0)
            .map(|q| q as i32);
        if let Some(n) = whole {
            if n < 0 && x.can_be_zero() {
                return Err(Some(fail(
                    a,
                    format!("`{a}` can be zero, and a negative power of it divides by zero"),
                )));
            }
            if n == 0 {
                return Ok(Checked::constant(1.0));
            }
            let nonzero = x.positive || x.negative;
            let bounds = if n < 0 {
                Bounds {
                    positive: x.positive || n % 2 == 0,
                    negative: x.negative && n % 2 != 0,
                    ..Bounds::new(f64::NEG_INFINITY, f64::INFINITY)
                }
            } else if n % 2 == 0 {
                let (lo, hi) = (x.low.abs(), x.high.abs());
                let low = if x.low <= 0.0 && x.high >= 0.0 {
                    0.0
                } else {
                    math::powi(lo.min(hi), n)
                };
                Bounds {
                    positive: nonzero,
                    ..Bounds::new(low, math::powi(lo.max(hi), n))
                }
            } else {
                Bounds {
                    positive: x.positive,
                    negative: x.negative,
                    ..Bounds::new(math::powi(x.low, n), math::powi(x.high, n))
                }
            };
            return Ok(Checked {
                node: Node::PowI(Box::new(ca.node), n),
                bounds,
            });
        }
        if x.low < 0.0 {
            return Err(Some(
                fail(
                    a,
                    format!("`{a}` can be negative, and a negative number to a power `{b}` that is not a fixed whole number has no real value"),
                )
                .with_hint(Some("raise only values above zero to fractional or uncertain powers".into())),
            ));
        }
        if !x.positive && y.low < 0.0 {
            return Err(Some(fail(
                a,
                format!("`{a}` can be zero, and a negative power of it divides by zero"),
            )));
        }
        Ok(Checked {
            node: Node::Bin(Op::Pow, Box::new(ca.node), Box::new(cb.node)),
            bounds: Bounds {
                positive: x.positive,
                ..Bounds::new(0.0, f64::INFINITY)
            },
        })
    }
}

fn add_bounds(x: Bounds, y: Bounds) -> Bounds {
    Bounds {
        low: x.low + y.low,
        high: x.high + y.high,
        positive: (x.positive && y.low >= 0.0) || (y.positive && x.low >= 0.0),
        negative: (x.negative && y.high <= 0.0) || (y.negative && x.high <= 0.0),
    }
}

fn mul_bounds(x: Bounds, y: Bounds) -> Bounds {
    // 0 * inf is NaN; as bounds it is the limit 0.
    let m = |p: f64, q: f64| {
        let v = p * q;
        if v.is_nan() { 0.0 } else { v }
    };
    let c = [
        m(x.low, y.low),
        m(x.low, y.high),
        m(x.high, y.low),
        m(x.high, y.high),
    ];
    Bounds {
        low: c.iter().copied().fold(f64::INFINITY, f64::min),
        high: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        positive: (x.positive && y.positive) || (x.negative && y.negative),
        negative: (x.positive && y.negative) || (x.negative && y.positive),
    }
}

/// Checks a parsed model and compiles it; reports every line's problem.
pub(crate) fn check(model: &Model) -> Result<Program, Vec<Problem>> {
    let mut problems = Vec::new();
    if model.lines.is_empty() {
        return Err(vec![
            Problem::new(1, 1, "the model is empty").with_hint(Some(
                "write one definition per line, such as `buyers = 300M to 500M`; the last line \
                 is the result"
                    .into(),
            )),
        ]);
    }
    let mut all_names = std::collections::HashMap::new();
    for line in &model.lines {
        if let Some(name) = &line.name {
            all_names.entry(name.as_str()).or_insert(line.line);
        }
    }
    let last = model.lines.len() - 1;
    let mut checker = Checker {
        known: std::collections::HashMap::new(),
        all_names,
        current: "",
        draws: 0,
        depends: Vec::new(),
        lines_deps: Vec::new(),
    };
    let mut lines = Vec::with_capacity(model.lines.len());
    let mut columns = 0;
    for (index, line) in model.lines.iter().enumerate() {
        let display_name = line.name.clone().unwrap_or_else(|| line.expr.to_string());
        if line.name.is_none() && index != last {
            problems.push(
                Problem::new(line.line, line.column, "this line has no name").with_hint(Some(
                    "only the last line (the result) may be a bare expression; write \
                         `name = ...`"
                        .into(),
                )),
            );
        }
        if let Some(name) = &line.name
            && let Some(prev) = checker.known.get(name.as_str())
        {
            problems.push(
                Problem::new(
                    line.line,
                    line.column,
                    format!("`{name}` is already defined on line {}", prev.line),
                )
                .with_hint(Some("give each line its own name".into())),
            );
            checker.lines_deps.push(vec![false; model.lines.len()]);
            lines.push(None);
            continue;
        }
        checker.current = line.name.as_deref().unwrap_or("");
        checker.draws = 0;
        checker.depends = vec![false; model.lines.len()];
        let result = checker.expr(&line.expr);
        let draws = checker.draws > 0;
        let depends_on = std::mem::take(&mut checker.depends);
        checker.lines_deps.push(depends_on.clone());
        let checked = match result {
            Ok(c) => {
                if let Node::Const(v) = c.node
                    && !v.is_finite()
                {
                    problems.push(Problem::new(
                        line.line,
                        line.expr.column,
                        "this value is not a finite number",
                    ));
                    None
                } else {
                    Some(c)
                }
            }
            Err(Some(p)) => {
                problems.push(p);
                None
            }
            Err(None) => None,
        };
        if let Some(name) = &line.name {
            let known_as = checked.as_ref().map(|c| match c.node {
                Node::Const(v) => Checked::constant(v),
                _ => Checked {
                    node: Node::Column(columns),
                    bounds: c.bounds,
                },
            });
            checker.known.insert(
                name.as_str(),
                Known {
                    index,
                    line: line.line,
                    checked: known_as,
                },
            );
        }
        lines.push(checked.map(|c| {
            let positive = c.bounds.positive;
            let value = match c.node {
                Node::Const(v) => Value::Fixed(v),
                node => {
                    columns += 1;
                    Value::Uncertain {
                        node,
                        column: columns - 1,
                    }
                }
            };
            CheckedLine {
                name: display_name,
                line: line.line,
                column: line.column,
                definition: if line.source.is_empty() {
                    line.expr.to_string()
                } else {
                    line.source.clone()
                },
                value,
                draws,
                depends_on,
                positive,
            }
        }));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.line, p.column));
        return Err(problems);
    }
    Ok(Program {
        lines: lines.into_iter().flatten().collect(),
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match check(&parse(text).unwrap()) {
            Ok(_) => vec![],
            Err(ps) => ps.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn semantic_errors_name_line_and_column() {
        for (text, want) in [
            ("a = 1\nb = c + a\n", "2:5: unknown name `c`"),
            (
                "a = b\nb = 1\n",
                "1:5: `b` is used before its definition on line 2",
            ),
            (
                "a = 10 to 5\n",
                "1:5: the range `10 to 5` runs backwards: 5 < 10",
            ),
            (
                "a = normal(1, -2)\n",
                "1:15: the sd of `normal` is -2; it cannot be negative",
            ),
            (
                "a = lognormal(0, -1)\n",
                "1:18: the sigma of `lognormal` is -1",
            ),
            ("a = uniform(3, 1)\n", "1:5: `uniform(3, 1)` runs backwards"),
            (
                "a = 1 / normal(0, 1)\n",
                "1:9: division by `normal(0, 1)`, which can be zero",
            ),
            ("a = 1 / (0 to 5)\n", "1:10: division by `0 to 5`"),
            (
                "a = 5 / uniform(0, 1)\n",
                "1:9: division by `uniform(0, 1)`",
            ),
            ("a = 1 / (2 - 2)\n", "1:10: division by zero"),
            (
                "x = 1 to 2\nx = 3\n",
                "2:1: `x` is already defined on line 1",
            ),
            ("a = a + 1\n", "1:5: `a` refers to itself"),
            (
                "a = (1 to 2) to 3\n",
                "1:6: the low end of a range must be a fixed number",
            ),
            ("a = normal(1)\n", "1:5: `normal` takes 2 arguments"),
            ("a = max(1)\n", "1:5: `max` takes two or more arguments"),
            (
                "a = normal(0, 1) ^ 0.5\n",
                "1:5: `normal(0, 1)` can be negative",
            ),
            (
                "a = (-8) ^ (1 / 3)\n",
                "1:6: `-8` is negative, and a negative number to the power `1 / 3`",
            ),
            ("1 + 1\nb = 2\n", "1:1: this line has no name"),
            ("a = 10 ^ 400\n", "1:5: `10 ^ 400` overflows"),
        ] {
            let got = problems(text);
            assert!(
                got.first().is_some_and(|g| g.starts_with(want)),
                "{text:?}: {got:?}"
            );
        }
    }

    #[test]
    fn a_broken_line_is_reported_once() {
        let got = problems("a = nope\nb = a * 2\nc = zz\n");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].contains("`nope`") && got[1].contains("`zz`"),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let err = check(&parse("buyers = 1 to 2\nx = byers * 2\n").unwrap()).unwrap_err();
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `buyers`?"));
    }

    #[test]
    fn ranges_become_lognormal_or_normal() {
        let p = check(&parse("a = 300M to 500M\nb = -1 to 3\nc = 0 to 4\nd = 2 to 2\n").unwrap())
            .unwrap();
        let node = |i: usize| match &p.lines[i].value {
            Value::Uncertain { node, .. } => node.clone(),
            Value::Fixed(v) => Node::Const(*v),
        };
        let Node::Lognormal { mu, sigma, .. } = node(0) else {
            panic!("{:?}", node(0))
        };
        assert!((mu - (3e8f64.ln() + 5e8f64.ln()) / 2.0).abs() < 1e-12);
        assert!((sigma - (5e8f64 / 3e8).ln() / (2.0 * Z90)).abs() < 1e-12);
        assert!(matches!(node(1), Node::Normal { mean, .. } if mean == 1.0));
        assert!(matches!(node(2), Node::Normal { mean, .. } if mean == 2.0));
        assert!(matches!(node(3), Node::Const(v) if v == 2.0));
        assert!(p.lines[0].positive && !p.lines[1].positive);
    }

    #[test]
    fn fixed_lines_fold() {
        let p = check(&parse("days = 365\nk = days * 2 ^ 2\n").unwrap()).unwrap();
        assert!(matches!(p.lines[1].value, Value::Fixed(v) if v == 1460.0));
        assert_eq!(p.columns, 0);
    }

    #[test]
    fn dividing_by_a_positive_range_is_fine() {
        assert!(
            problems("a = 1 / (2 to 6)\nb = 1 / (a + (1 to 3))\nc = 1 / -(1 to 2)\n").is_empty()
        );
        assert!(problems("a = 1 / ((2 to 6) - 1)\n")[0].contains("division"));
    }
}
