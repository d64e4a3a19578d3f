//! Numbers as people read them.

/// A whole number with thousands separators: 1200000 → "1,200,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn groups_by_three_from_the_right() {
        for (n, want) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (1_200_000, "1,200,000"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(thousands(n), want);
        }
    }

    proptest! {
        #[test]
        fn removing_the_commas_gives_the_number_back(n: u64) {
            let text = thousands(n);
            prop_assert_eq!(text.replace(',', "").parse::<u64>().unwrap(), n);
            let mut groups = text.split(',');
            let first = groups.next().unwrap_or_default();
            prop_assert!((1..=3).contains(&first.len()));
            for group in groups {
                prop_assert_eq!(group.len(), 3);
            }
        }
    }
}
