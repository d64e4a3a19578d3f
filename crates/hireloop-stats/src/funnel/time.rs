//! Timestamps and durations: epoch seconds (fractions allowed) or RFC 3339, and window lengths
//! such as `30m` or `7d`.

/// Powers of ten that an `f64` holds exactly; dividing an exact mantissa by one of them rounds
/// correctly (Clinger's fast path), so the fast path gives the same bits as a full parse.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer below which every integer is exactly representable in an `f64`.
const EXACT_INT: u64 = 1 << 53;

/// Parses a timestamp field into seconds since the Unix epoch.
///
/// Accepts a decimal number of seconds (`1700000000`, `1700000000.25`, `-5`, `1.7e9`) or an
/// RFC 3339 date-time (`2023-11-14T22:13:20Z`, `2023-11-14 22:13:20.5+08:00`; without an offset
/// the time is read as UTC). Returns `None` for anything else, including NaN and infinities.
pub fn parse_timestamp(field: &[u8]) -> Option<f64> {
    if field.len() >= 10 && field[4] == b'-' {
        parse_rfc3339(field)
    } else {
        parse_seconds(field)
    }
}

/// The correctly rounded `f64` nearest `mantissa / 10^frac_digits`, for mantissas of up to 19
/// digits; `None` when the fraction is too long for the exact methods here.
#[inline]
pub fn decimal(mantissa: u64, frac_digits: usize) -> Option<f64> {
    if mantissa < EXACT_INT && frac_digits < EXACT_POW10.len() {
        return Some(mantissa as f64 / EXACT_POW10[frac_digits]);
    }
    if frac_digits > 19 {
        return None;
    }
    Some(long_decimal(mantissa, frac_digits))
}

/// `mantissa / 10^frac_digits` for mantissas of 2^53 and more (17–19 digits, as printed by
/// shortest round-trip formatting): one exact 128-bit division and round-half-to-even on the
/// quotient, so the result is the same correctly rounded double a full parser gives.
fn long_decimal(mantissa: u64, frac_digits: usize) -> f64 {
    let divisor = u128::from(10u64.pow(frac_digits as u32));
    // Shift the mantissa to the top of 128 bits: with a divisor below 2^64 the quotient keeps at
    // least 64 significant bits, more than the 53 + 1 rounding needs.
    let shift = mantissa.leading_zeros() + 64;
    let numerator = u128::from(mantissa) << shift;
    let quotient = numerator / divisor;
    let inexact = !numerator.is_multiple_of(divisor);
    let bits = 128 - quotient.leading_zeros();
    let drop = bits - 53;
    let mut kept = (quotient >> drop) as u64;
    let rest = quotient & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    if rest > half || (rest == half && (inexact || kept & 1 == 1)) {
        kept += 1;
    }
    let mut exponent = drop as i32 - shift as i32;
    if kept == EXACT_INT {
        kept >>= 1;
        exponent += 1;
    }
    // `exponent` lies within [-74, 11]: 2^exponent is a normal double and the product is exact.
    kept as f64 * f64::from_bits(((1023 + exponent) as u64) << 52)
}

/// Parses epoch seconds: `digits[.digits]` on the exact fast paths, anything else through the
/// standard library's correctly rounded parser (same bits either way).
fn parse_seconds(field: &[u8]) -> Option<f64> {
    if let Some(v) = plain_decimal(field) {
        return Some(v);
    }
    let text = std::str::from_utf8(field).ok()?;
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads `digits[.digits]` (at least one digit, at most 19) exactly; `None` for anything else.
#[inline(always)]
pub fn plain_decimal(field: &[u8]) -> Option<f64> {
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut i = 0;
    while i < field.len() {
        let d = field[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        digits += 1;
        i += 1;
    }
    let mut frac_digits = 0;
    if i < field.len() && field[i] == b'.' {
        i += 1;
        while i < field.len() {
            let d = field[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            frac_digits += 1;
            i += 1;
        }
    }
    // Up to 19 digits the wrapping arithmetic above never wrapped.
    if i != field.len() || digits + frac_digits == 0 || digits + frac_digits > 19 {
        return None;
    }
    decimal(mantissa, frac_digits)
}

/// Reads `n` ASCII digits at `at` as a number.
fn digits(field: &[u8], at: usize, n: usize) -> Option<i64> {
    let bytes = field.get(at..at + n)?;
    let mut v = 0i64;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    Some(v)
}

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Shift the year so it starts in March: the leap day then falls at the end of the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DD(T| )HH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]`.
fn parse_rfc3339(f: &[u8]) -> Option<f64> {
    let year = digits(f, 0, 4)?;
    let month = digits(f, 5, 2)?;
    let day = digits(f, 8, 2)?;
    if f.get(7) != Some(&b'-') || !(1..=12).contains(&month) {
        return None;
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    if !matches!(f.get(10), Some(b'T' | b't' | b' ')) || f.get(13) != Some(&b':') {
        return None;
    }
    let hour = digits(f, 11, 2)?;
    let minute = digits(f, 14, 2)?;
    let second = digits(f, 17, 2)?;
    // 60 is a leap second, which RFC 3339 allows.
    if f.get(16) != Some(&b':') || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut fraction: &[u8] = &[];
    if f.get(at) == Some(&b'.') {
        let start = at + 1;
        let mut end = start;
        while f.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return None;
        }
        fraction = &f[start..end];
        at = end;
    }
    let offset = match f.get(at..)? {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [_, _] => (digits(rest, 0, 2)?, 0),
                [_, _, b':', _, _] => (digits(rest, 0, 2)?, digits(rest, 3, 2)?),
                [_, _, _, _] => (digits(rest, 0, 2)?, digits(rest, 2, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let s = (h * 60 + m) * 60;
            if *sign == b'-' { -s } else { s }
        }
        _ => return None,
    };
    let whole =
        days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset;
    Some(seconds_and_fraction(whole, fraction))
}

/// `whole + 0.fraction` rounded once, as a parser of the same number written in decimal would.
fn seconds_and_fraction(whole: i64, fraction: &[u8]) -> f64 {
    // Digits beyond nanoseconds carry nothing a double near today's epoch can hold.
    let fraction = &fraction[..fraction.len().min(9)];
    let mut scaled = i128::from(whole);
    for &d in fraction {
        scaled = scaled * 10 + i128::from(d - b'0');
    }
    let exact = u64::try_from(scaled.unsigned_abs())
        .ok()
        .filter(|m| *m < 10_000_000_000_000_000_000)
        .and_then(|m| decimal(m, fraction.len()));
    match exact {
        Some(v) if scaled < 0 => -v,
        Some(v) => v,
        None => {
            whole as f64 + plain_decimal(fraction).map_or(0.0, |f| f / EXACT_POW10[fraction.len()])
        }
    }
}

/// Parses a window length: a number followed by `s`, `m`, `h`, `d` or `w`, or a bare number of
/// seconds (`30m`, `2h`, `1d`, `7d`, `3600`, `1.5h`). Returns seconds, or `None` when the text is
/// not a positive finite duration.
pub fn parse_window(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, 's') => (&text[..i], 1.0),
        (i, 'm') => (&text[..i], 60.0),
        (i, 'h') => (&text[..i], 3_600.0),
        (i, 'd') => (&text[..i], 86_400.0),
        (i, 'w') => (&text[..i], 604_800.0),
        _ => (text, 1.0),
    };
    let number = number.trim();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let v = number.parse::<f64>().ok()? * unit;
    (v.is_finite() && v > 0.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_match_the_standard_parser_bit_for_bit() {
        for s in [
            "0",
            "1700000000",
            "1700000000.5",
            "1700000000.3162417",
            "1700000000.228154",
            "0.1",
            "123456.78901234567",
            "99999999999999999999.5",
            "-12.5",
            "1.7e9",
            "000012.000",
            "12.",
            ".5",
            "9007199254740993",
            "9007199254740993.5",
            "18446744073709551615",
            "1844674407370955161.5",
            "0.000000000000000000001",
            "1700000000.0000000000000000001",
            "1e-30",
        ] {
            let want: f64 = s.parse().unwrap();
            assert_eq!(parse_timestamp(s.as_bytes()), Some(want), "{s}");
        }
    }

    #[test]
    fn long_mantissas_round_like_the_standard_parser() {
        // 17 to 19 significant digits, including exact halfway cases between two doubles.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..200_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = 17 + (i % 3) as u32;
            let m = 10u64.pow(digits - 1) + state % (9 * 10u64.pow(digits - 1));
            let frac = (state >> 40) as usize % 20;
            let s = m.to_string();
            let text = if frac == 0 {
                s
            } else if frac >= s.len() {
                format!("0.{}{s}", "0".repeat(frac - s.len()))
            } else {
                format!("{}.{}", &s[..s.len() - frac], &s[s.len() - frac..])
            };
            let want: f64 = text.parse().unwrap();
            assert_eq!(parse_timestamp(text.as_bytes()), Some(want), "{text}");
        }
        // Halfway between 2^53 and 2^53 + 2: ties go to even.
        for text in [
            "9007199254740993",
            "9007199254740995",
            "90071992547409930.0",
        ] {
            let want: f64 = text.parse().unwrap();
            assert_eq!(plain_decimal(text.as_bytes()), Some(want), "{text}");
        }
    }

    #[test]
    fn malformed_seconds_are_refused() {
        for s in [
            "", ".", "abc", "12a", "1.2.3", "NaN", "inf", "1e999", " 12", "--1",
        ] {
            assert_eq!(parse_timestamp(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn rfc3339_dates_become_epoch_seconds() {
        let cases = [
            ("1970-01-01T00:00:00Z", 0.0),
            ("2023-11-14T22:13:20Z", 1_700_000_000.0),
            ("2023-11-14T22:13:20.25Z", 1_700_000_000.25),
            ("2023-11-14T22:13:20.123Z", 1_700_000_000.123),
            ("1969-12-31T23:59:59.9Z", -0.1),
            ("2023-11-15T06:13:20+08:00", 1_700_000_000.0),
            ("2023-11-14T17:13:20-0500", 1_700_000_000.0),
            ("2023-11-14 22:13:20", 1_700_000_000.0),
            ("2024-02-29T00:00:00Z", 1_709_164_800.0),
            ("1969-12-31T23:59:59Z", -1.0),
            ("2000-03-01T00:00:00+00", 951_868_800.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse_timestamp(s.as_bytes()), Some(want), "{s}");
        }
        // Nanoseconds round once, like the same instant written in epoch seconds.
        assert_eq!(
            parse_timestamp(b"2023-11-14T22:13:20.123456789Z"),
            parse_timestamp(b"1700000000.123456789")
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14X22:13:20Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20+8",
            "2023-11-14T22:13:20Zjunk",
            "2023-11-14",
        ] {
            assert_eq!(parse_timestamp(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn windows_take_units() {
        assert_eq!(parse_window("30m"), Some(1_800.0));
        assert_eq!(parse_window("2h"), Some(7_200.0));
        assert_eq!(parse_window("1d"), Some(86_400.0));
        assert_eq!(parse_window("7d"), Some(604_800.0));
        assert_eq!(parse_window("3600"), Some(3_600.0));
        assert_eq!(parse_window("90s"), Some(90.0));
        assert_eq!(parse_window("1.5h"), Some(5_400.0));
        for bad in ["", "d", "-1d", "0", "1y", "1 d x", "abc"] {
            assert_eq!(parse_window(bad), None, "{bad}");
        }
    }
}
