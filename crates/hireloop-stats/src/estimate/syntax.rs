//! The estimate language as written: lexer, parser to an expression tree, and a printer.
//!
//! One line is one definition, `name = expression`; `#` starts a comment. Precedence, loosest
//! first: `a to b`; `+ -`; `* /`; unary `-`; `^` (right-associative). As in Squiggle, `to` binds
//! loosest, so `10% to 30%` and `-5 to 5` need no parentheses and `x * (2 to 6)` needs them.

use std::fmt;

use super::Problem;

/// A parsed model: its definitions in the order written.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The lines with a definition or an expression (blank and comment lines are dropped).
    pub lines: Vec<Line>,
}

/// One definition.
#[derive(Debug, Clone)]
pub struct Line {
    /// The name defined, or `None` for a bare expression (allowed as the last line only).
    pub name: Option<String>,
    /// The expression.
    pub expr: Expr,
    /// The expression as written (empty for lines built in code).
    pub source: String,
    /// Line number in the source, from 1.
    pub line: usize,
    /// Column of the line's first token, from 1.
    pub column: usize,
}

impl PartialEq for Line {
    /// Two lines are equal when they define the same name by the same expression, wherever they
    /// were written.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.expr == other.expr
    }
}

/// An expression with the place it starts at.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Line of its first character, from 1.
    pub line: usize,
    /// Column of its first character, from 1 (in characters, not bytes).
    pub column: usize,
}

impl PartialEq for Expr {
    /// Positions are not part of an expression's meaning.
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Expr {
    /// An expression at line 0, column 0, for trees built in code.
    pub fn new(kind: ExprKind) -> Self {
        Self {
            kind,
            line: 0,
            column: 0,
        }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A number, suffixes applied (`300M` is 3e8, `3%` is 0.03).
    Number(f64),
    /// The value of an earlier line.
    Name(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// `a + b`, `a - b`, `a * b`, `a / b`, `a ^ b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a to b`: 5th and 95th percentiles of a lognormal (or of a normal when `a <= 0`).
    Range(Box<Expr>, Box<Expr>),
    /// A built-in function.
    Call(Func, Vec<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::Pow => "^",
        }
    }
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `normal(mean, sd)`
    Normal,
    /// `uniform(low, high)`
    Uniform,
    /// `lognormal(mu, sigma)`: the exponential of `normal(mu, sigma)`.
    Lognormal,
    /// `min(a, b, ...)`, sample by sample.
    Min,
    /// `max(a, b, ...)`, sample by sample.
    Max,
}

impl Func {
    /// Every function, for lookups and suggestions.
    pub const ALL: [Func; 5] = [
        Self::Normal,
        Self::Uniform,
        Self::Lognormal,
        Self::Min,
        Self::Max,
    ];

    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Uniform => "uniform",
            Self::Lognormal => "lognormal",
            Self::Min => "min",
            Self::Max => "max",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Words that cannot name a line.
pub(crate) fn is_reserved(name: &str) -> bool {
    name == "to" || Func::from_name(name).is_some()
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(BinOp),
    LParen,
    RParen,
    Comma,
    Eq,
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    column: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(_) => "a number".into(),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Op(op) => format!("`{}`", op.symbol()),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Eq => "`=`".into(),
        Tok::End => "the end of the line".into(),
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits one line into tokens; stops at `#`.
fn lex(text: &str, line: usize) -> Result<Vec<Token>, Problem> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c == '#' {
            break;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let single = match c {
            '+' => Some(Tok::Op(BinOp::Add)),
            '-' | '−' => Some(Tok::Op(BinOp::Sub)),
            '*' => Some(Tok::Op(BinOp::Mul)),
            '/' => Some(Tok::Op(BinOp::Div)),
            '^' => Some(Tok::Op(BinOp::Pow)),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            '=' => Some(Tok::Eq),
            _ => None,
        };
        if let Some(tok) = single {
            out.push(Token { tok, column });
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (value, next) = lex_number(&chars, i, line)?;
            out.push(Token {
                tok: Tok::Num(value),
                column,
            });
            i = next;
        } else if is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(chars[start..i].iter().collect()),
                column,
            });
        } else {
            let hint = match c {
                '×' => Some("write `*` for multiplication".to_string()),
                '÷' => Some("write `/` for division".to_string()),
                '–' | '—' | '~' => Some("write a range as `a to b`".to_string()),
                ';' => Some("write one definition per line".to_string()),
                _ => None,
            };
            return Err(
                Problem::new(line, column, format!("unexpected character `{c}`")).with_hint(hint),
            );
        }
    }
    out.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(out)
}

/// Reads a number starting at `start`: digits with optional `_` separators, a fraction, an
/// exponent, and one suffix (k, M, B, %). Returns the value and the index after it.
fn lex_number(chars: &[char], start: usize, line: usize) -> Result<(f64, usize), Problem> {
    let mut i = start;
    let mut digits = String::new();
    let take_digits = |i: &mut usize, digits: &mut String| {
        while *i < chars.len() && (chars[*i].is_ascii_digit() || chars[*i] == '_') {
            if chars[*i] != '_' {
                digits.push(chars[*i]);
            }
            *i += 1;
        }
    };
    take_digits(&mut i, &mut digits);
    if i < chars.len() && chars[i] == '.' {
        digits.push('.');
        i += 1;
        take_digits(&mut i, &mut digits);
    }
    let mut exponent: i64 = 0;
    if i < chars.len()
        && (chars[i] == 'e' || chars[i] == 'E')
        && (chars.get(i + 1).is_some_and(char::is_ascii_digit)
            || (matches!(chars.get(i + 1), Some('+' | '-'))
                && chars.get(i + 2).is_some_and(char::is_ascii_digit)))
    {
        i += 1;
        let negative = chars[i] == '-';
        if matches!(chars[i], '+' | '-') {
            i += 1;
        }
        let mut e = String::new();
        take_digits(&mut i, &mut e);
        let magnitude: i64 = e.parse().unwrap_or(i64::from(i32::MAX));
        exponent = if negative { -magnitude } else { magnitude };
    }
    let suffix_start = i;
    while i < chars.len() && (is_ident_char(chars[i]) || chars[i] == '%') {
        i += 1;
    }
    let suffix: String = chars[suffix_start..i].iter().collect();
    let shift = match suffix.as_str() {
        "" => 0,
        "k" => 3,
        "M" => 6,
        "B" => 9,
        "%" => -2,
        other => {
            return Err(Problem::new(
                line,
                suffix_start + 1,
                format!("unknown number suffix `{other}`"),
            )
            .with_hint(Some(
                "suffixes are k (thousand), M (million), B (billion) and % (hundredth); \
                 put a space or an operator between a number and a name"
                    .into(),
            )));
        }
    };
    // Applying the suffix through the exponent keeps the value correctly rounded: `0.3%` is the
    // double nearest 0.003, not 0.3 / 100.
    let text = format!("{digits}e{}", exponent.saturating_add(shift));
    let value: f64 = text.parse().map_err(|_| {
        Problem::new(
            line,
            start + 1,
            format!(
                "malformed number `{}`",
                chars[start..i].iter().collect::<String>()
            ),
        )
    })?;
    if !value.is_finite() {
        return Err(Problem::new(
            line,
            start + 1,
            "this number is too large to represent",
        ));
    }
    Ok((value, i))
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    line: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn column(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].column
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn at(&self, kind: ExprKind, column: usize) -> Expr {
        Expr {
            kind,
            line: self.line,
            column,
        }
    }

    fn unexpected(&self, wanted: &str) -> Problem {
        Problem::new(
            self.line,
            self.column(),
            format!("expected {wanted}, found {}", describe(self.peek())),
        )
    }

    fn is_to(&self) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == "to")
    }

    fn expr(&mut self) -> Result<Expr, Problem> {
        let left = self.additive()?;
        if self.is_to() {
            self.bump();
            let right = self.additive()?;
            if self.is_to() {
                return Err(Problem::new(
                    self.line,
                    self.column(),
                    "a range has two ends: `a to b`, not `a to b to c`",
                ));
            }
            let column = left.column;
            return Ok(self.at(ExprKind::Range(Box::new(left), Box::new(right)), column));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, Problem> {
        let mut left = self.multiplicative()?;
        while let Tok::Op(op @ (BinOp::Add | BinOp::Sub)) = *self.peek() {
            self.bump();
            let right = self.multiplicative()?;
            let column = left.column;
            left = self.at(
                ExprKind::Binary(op, Box::new(left), Box::new(right)),
                column,
            );
        }
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Expr, Problem> {
        let mut left = self.unary()?;
        while let Tok::Op(op @ (BinOp::Mul | BinOp::Div)) = *self.peek() {
            self.bump();
            let right = self.unary()?;
            let column = left.column;
            left = self.at(
                ExprKind::Binary(op, Box::new(left), Box::new(right)),
                column,
            );
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, Problem> {
        if *self.peek() == Tok::Op(BinOp::Sub) {
            let column = self.bump().column;
            let inner = self.unary()?;
            return Ok(self.at(ExprKind::Neg(Box::new(inner)), column));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, Problem> {
        let base = self.primary()?;
        if *self.peek() == Tok::Op(BinOp::Pow) {
            self.bump();
            let exponent = self.unary()?;
            let column = base.column;
            return Ok(self.at(
                ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)),
                column,
            ));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, Problem> {
        let column = self.column();
        match self.peek().clone() {
            Tok::Num(v) => {
                self.bump();
                Ok(self.at(ExprKind::Number(v), column))
            }
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                if *self.peek() != Tok::RParen {
                    return Err(self.unexpected("`)`"));
                }
                self.bump();
                Ok(inner)
            }
            Tok::Ident(name) if name == "to" => Err(Problem::new(
                self.line,
                column,
                "`to` needs a number before it: `a to b`",
            )),
            Tok::Ident(name) => {
                self.bump();
                if *self.peek() == Tok::LParen {
                    self.bump();
                    let Some(func) = Func::from_name(&name) else {
                        let names: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
                        let hint = super::did_you_mean(&name, names.iter().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .or_else(|| Some(format!("the functions are {}", names.join(", "))));
                        return Err(Problem::new(
                            self.line,
                            column,
                            format!("unknown function `{name}`"),
                        )
                        .with_hint(hint));
                    };
                    let mut args = Vec::new();
                    if *self.peek() != Tok::RParen {
                        loop {
                            args.push(self.expr()?);
                            if *self.peek() == Tok::Comma {
                                self.bump();
                                continue;
                            }
                            break;
                        }
                    }
                    if *self.peek() != Tok::RParen {
                        return Err(self.unexpected("`,` or `)`"));
                    }
                    self.bump();
                    Ok(self.at(ExprKind::Call(func, args), column))
                } else if Func::from_name(&name).is_some() {
                    Err(Problem::new(
                        self.line,
                        column,
                        format!("`{name}` is a function; call it with arguments: `{name}(...)`"),
                    ))
                } else {
                    Ok(self.at(ExprKind::Name(name), column))
                }
            }
            _ => Err(self.unexpected("a number, a name, a function or `(`")),
        }
    }
}

/// Parses one expression that must fill `text` (a single line).
pub(crate) fn parse_expression(text: &str) -> Result<Expr, Problem> {
    if let Some(pos) = text.find(['\n', '\r']) {
        return Err(Problem::new(
            1,
            text[..pos].chars().count() + 1,
            "an expression must fit on one line",
        ));
    }
    let toks = lex(text, 1)?;
    let mut p = Parser {
        toks,
        pos: 0,
        line: 1,
    };
    if *p.peek() == Tok::End {
        return Err(Problem::new(1, 1, "the expression is empty"));
    }
    let e = p.expr()?;
    if *p.peek() != Tok::End {
        return Err(trailing(&p));
    }
    Ok(e)
}

fn trailing(p: &Parser) -> Problem {
    let hint = match p.peek() {
        Tok::Num(_) | Tok::Ident(_) | Tok::LParen => {
            Some("two values side by side need an operator between them, such as `*`".to_string())
        }
        Tok::Eq => Some("write one definition per line".to_string()),
        _ => None,
    };
    Problem::new(
        p.line,
        p.column(),
        format!("unexpected {} after the expression", describe(p.peek())),
    )
    .with_hint(hint)
}

/// Parses a whole model, reporting every line's syntax problem.
pub(crate) fn parse(text: &str) -> Result<Model, Vec<Problem>> {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let toks = match lex(raw, n) {
            Ok(t) => t,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if toks.len() == 1 {
            continue; // blank or comment
        }
        let column = toks[0].column;
        let name = match (&toks[0].tok, toks.get(1).map(|t| &t.tok)) {
            (Tok::Ident(name), Some(Tok::Eq)) => Some(name.clone()),
            _ => None,
        };
        if let Some(name) = &name
            && is_reserved(name)
        {
            problems.push(
                Problem::new(n, column, format!("`{name}` is a reserved word"))
                    .with_hint(Some("choose another name for this line".into())),
            );
            continue;
        }
        let mut p = Parser {
            toks,
            pos: if name.is_some() { 2 } else { 0 },
            line: n,
        };
        if name.is_some() && *p.peek() == Tok::End {
            problems.push(p.unexpected("an expression after `=`"));
            continue;
        }
        let parsed = p.expr().and_then(|e| {
            if *p.peek() == Tok::End {
                Ok(e)
            } else {
                Err(trailing(&p))
            }
        });
        match parsed {
            Ok(expr) => {
                let source: String = raw.chars().skip(expr.column - 1).collect();
                let source = source.split('#').next().unwrap_or("").trim().to_string();
                lines.push(Line {
                    name,
                    expr,
                    source,
                    line: n,
                    column,
                });
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(Model { lines })
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------------------------
// Printer

/// Binding strength, loosest first, for deciding where parentheses are needed.
fn strength(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Range(..) => 1,
        ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => 2,
        ExprKind::Binary(BinOp::Mul | BinOp::Div, ..) => 3,
        ExprKind::Neg(_) => 4,
        ExprKind::Binary(BinOp::Pow, ..) => 5,
        ExprKind::Number(_) | ExprKind::Name(_) | ExprKind::Call(..) => 6,
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if strength(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

/// Writes a number so that reading it back gives the same double: large round numbers with a
/// suffix (`300M`), others in the shortest form that reads back exactly.
fn write_number(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    let a = v.abs();
    for (scale, suffix, exponent) in [(1e9, "B", 9), (1e6, "M", 6), (1e3, "k", 3)] {
        if a >= scale {
            let short = format!("{}", v / scale);
            let back: Option<f64> = format!("{short}e{exponent}").parse().ok();
            let digits = short.chars().filter(char::is_ascii_digit).count();
            if digits <= 3 && back == Some(v) {
                return write!(f, "{short}{suffix}");
            }
        }
    }
    if a == 0.0 || (1e-4..1e15).contains(&a) {
        write!(f, "{v}")
    } else {
        write!(f, "{v:e}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            // A negative literal only arises from trees built in code; as written, a minus sign
            // is unary minus, so print it as one.
            ExprKind::Number(v) if *v < 0.0 || (*v == 0.0 && v.is_sign_negative()) => {
                f.write_str("(")?;
                write_number(f, *v)?;
                f.write_str(")")
            }
            ExprKind::Number(v) => write_number(f, *v),
            ExprKind::Name(n) => f.write_str(n),
            ExprKind::Neg(inner) => {
                f.write_str("-")?;
                write_operand(f, inner, 4)
            }
            ExprKind::Binary(op, a, b) => {
                let (left_min, right_min) = match op {
                    BinOp::Add | BinOp::Sub => (2, 3),
                    BinOp::Mul | BinOp::Div => (3, 4),
                    // The base of a power is a single value; the exponent may carry a minus.
                    BinOp::Pow => (6, 4),
                };
                write_operand(f, a, left_min)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, b, right_min)
            }
            ExprKind::Range(a, b) => {
                write_operand(f, a, 2)?;
                f.write_str(" to ")?;
                write_operand(f, b, 2)
            }
            ExprKind::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Model {
    /// The model in canonical form, one definition per line; parsing it gives the same model.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            match &line.name {
                Some(name) => writeln!(f, "{name} = {}", line.expr)?,
                None => writeln!(f, "{}", line.expr)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> f64 {
        match parse_expression(text).map(|e| e.kind) {
            Ok(ExprKind::Number(v)) => v,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn numbers_with_suffixes() {
        for (text, want) in [
            ("300M", 3e8),
            ("1.5k", 1500.0),
            ("2B", 2e9),
            ("3%", 0.03),
            ("0.3%", 0.003),
            ("1_000", 1000.0),
            ("1e6", 1e6),
            ("2.5e-3", 0.0025),
            (".5", 0.5),
            ("1e3k", 1e6),
        ] {
            assert_eq!(num(text), want, "{text}");
        }
    }

    #[test]
    fn precedence() {
        for (text, canonical) in [
            ("1 + 2 * 3", "1 + 2 * 3"),
            ("(1 + 2) * 3", "(1 + 2) * 3"),
            ("-2 ^ 2", "-2 ^ 2"),
            ("(-2) ^ 2", "(-2) ^ 2"),
            ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"),
            ("(2 ^ 3) ^ 2", "(2 ^ 3) ^ 2"),
            ("a - (b - c)", "a - (b - c)"),
            ("a - b - c", "a - b - c"),
            ("a / (b * c)", "a / (b * c)"),
            ("10% to 30%", "0.1 to 0.3"),
            ("300M to 500M", "300M to 500M"),
            ("1500 * 2.5B", "1.5k * 2.5B"),
            ("123456789", "123456789"),
            ("2024", "2024"),
            ("x * (2 to 6)", "x * (2 to 6)"),
            ("-5 to 5", "-5 to 5"),
            ("max(a, 1 to 2)", "max(a, 1 to 2)"),
            ("2 ^ -1", "2 ^ -1"),
        ] {
            let e = parse_expression(text).unwrap();
            assert_eq!(e.to_string(), canonical, "{text}");
            assert_eq!(parse_expression(canonical).unwrap(), e, "{text}");
        }
    }

    #[test]
    fn syntax_errors_name_the_column() {
        for (text, col, needle) in [
            ("1 + ", 5, "expected a number"),
            ("3x", 2, "unknown number suffix `x`"),
            ("(1 + 2", 7, "expected `)`"),
            ("1 2", 3, "after the expression"),
            ("1 to 2 to 3", 8, "two ends"),
            ("foo(1)", 1, "unknown function `foo`"),
            ("2 × 3", 3, "unexpected character"),
            ("1e400", 1, "too large"),
            ("max", 1, "is a function"),
        ] {
            let p = parse_expression(text).unwrap_err();
            assert_eq!((p.line, p.column), (1, col), "{text}: {p}");
            assert!(p.message.contains(needle), "{text}: {p}");
        }
    }

    #[test]
    fn a_model_reports_every_bad_line() {
        let err = parse("a = 1 +\n# fine\nb = 2\nc = )\nto = 3\n").unwrap_err();
        let places: Vec<(usize, usize)> = err.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(places, vec![(1, 8), (4, 5), (5, 1)]);
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let m = parse("# header\n\nx = 1 to 2 # inline\r\n  y = x * 2\n").unwrap();
        assert_eq!(m.lines.len(), 2);
        assert_eq!(m.lines[1].line, 4);
        assert_eq!(m.lines[1].column, 3);
        assert_eq!(m.to_string(), "x = 1 to 2\ny = x * 2\n");
        assert_eq!(m.lines[0].source, "1 to 2");
    }
}
