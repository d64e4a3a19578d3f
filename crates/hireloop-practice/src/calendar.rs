//! The month of a moment, for "present" in a resume's date ranges. Time comes in as milliseconds
//! since the Unix epoch; the month is taken in UTC.

/// Milliseconds in a day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The (year, month 1–12) of a moment, in UTC.
pub(crate) fn year_month(ms: i64) -> (i32, u8) {
    // Days to civil date, after H. Hinnant's algorithm: shift to an era starting 0000-03-01 so
    // leap days fall at the end of a year.
    let z = ms.div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX }),
        u8::try_from(month).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_known_moments() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(-1), (1969, 12));
        // 2024-02-29T12:00:00Z and 2024-03-01T00:00:00Z.
        assert_eq!(year_month(1_709_208_000_000), (2024, 2));
        assert_eq!(year_month(1_709_251_200_000), (2024, 3));
        // 2025-06-15.
        assert_eq!(year_month(1_749_945_600_000), (2025, 6));
        assert!(year_month(i64::MAX).1 <= 12);
        assert!(year_month(i64::MIN).1 >= 1);
    }
}
