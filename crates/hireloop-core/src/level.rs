//! Levels of the P-grade ladder (P5 … P10) and inclusive ranges of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A professional level, P5 (entry) to P10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(u8);

impl Level {
    /// The lowest level the engine knows.
    pub const MIN: Level = Level(5);
    /// The highest level the engine knows.
    pub const MAX: Level = Level(10);

    /// The level with this number, if it is within P5–P10.
    pub fn new(n: u8) -> Option<Level> {
        (Self::MIN.0..=Self::MAX.0).contains(&n).then_some(Level(n))
    }

    /// The number after the `P`.
    pub fn number(self) -> u8 {
        self.0
    }

    /// The level above, if any.
    pub fn up(self) -> Option<Level> {
        Level::new(self.0 + 1)
    }

    /// The level below, if any.
    pub fn down(self) -> Option<Level> {
        Level::new(self.0.saturating_sub(1))
    }

    /// Every level, lowest first.
    pub fn all() -> impl Iterator<Item = Level> {
        (Self::MIN.0..=Self::MAX.0).map(Level)
    }
}

/// Why a level could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LevelError {
    /// Not of the form `P<number>`.
    #[error("`{0}` is not a level; write P5, P6, … P10")]
    Syntax(String),
    /// A P-level outside the known ladder.
    #[error("level `{0}` is outside P5–P10")]
    OutOfRange(String),
    /// A range whose low end is above its high end.
    #[error("range `{0}` is reversed; write the lower level first")]
    Reversed(String),
}

impl FromStr for Level {
    type Err = LevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t
            .strip_prefix('P')
            .or_else(|| t.strip_prefix('p'))
            .ok_or_else(|| LevelError::Syntax(s.to_string()))?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LevelError::Syntax(s.to_string()));
        }
        digits
            .parse::<u8>()
            .ok()
            .and_then(Level::new)
            .ok_or_else(|| LevelError::OutOfRange(s.to_string()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An inclusive range of levels, written `P5..P8` or as a single level `P7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelRange {
    /// Lowest level in the range.
    pub low: Level,
    /// Highest level in the range.
    pub high: Level,
}

impl LevelRange {
    /// Every level P5–P10.
    pub const ALL: LevelRange = LevelRange {
        low: Level::MIN,
        high: Level::MAX,
    };

    /// True when `level` lies in the range.
    pub fn contains(&self, level: Level) -> bool {
        self.low <= level && level <= self.high
    }

    /// True when every level of `other` lies in this range.
    pub fn covers(&self, other: &LevelRange) -> bool {
        self.low <= other.low && other.high <= self.high
    }

    /// The levels of the range, lowest first.
    pub fn levels(&self) -> impl Iterator<Item = Level> {
        (self.low.0..=self.high.0).map(Level)
    }
}

impl FromStr for LevelRange {
    type Err = LevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (low, high) = match s.split_once("..") {
            Some((a, b)) => (a.parse::<Level>()?, b.parse::<Level>()?),
            None => {
                let l = s.parse::<Level>()?;
                (l, l)
            }
        };
        if low > high {
            return Err(LevelError::Reversed(s.to_string()));
        }
        Ok(LevelRange { low, high })
    }
}

impl fmt::Display for LevelRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.low == self.high {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{}..{}", self.low, self.high)
        }
    }
}

impl Serialize for LevelRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_levels_and_ranges() {
        assert_eq!("P7".parse::<Level>(), Ok(Level(7)));
        assert_eq!("p10".parse::<Level>(), Ok(Level(10)));
        assert!(matches!(
            "P4".parse::<Level>(),
            Err(LevelError::OutOfRange(_))
        ));
        assert!(matches!(
            "P11".parse::<Level>(),
            Err(LevelError::OutOfRange(_))
        ));
        assert!(matches!("L7".parse::<Level>(), Err(LevelError::Syntax(_))));
        assert!(matches!("P+7".parse::<Level>(), Err(LevelError::Syntax(_))));
        let r: LevelRange = "P5..P8".parse().unwrap_or(LevelRange::ALL);
        assert_eq!((r.low, r.high), (Level(5), Level(8)));
        assert!(matches!(
            "P8..P5".parse::<LevelRange>(),
            Err(LevelError::Reversed(_))
        ));
    }

    proptest! {
        #[test]
        fn range_round_trips_and_contains_its_ends(a in 5u8..=10, b in 5u8..=10) {
            let (lo, hi) = (a.min(b), a.max(b));
            let r = LevelRange { low: Level(lo), high: Level(hi) };
            let back: LevelRange = r.to_string().parse().map_err(|e: LevelError| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, r);
            prop_assert!(r.contains(r.low) && r.contains(r.high));
            prop_assert_eq!(r.levels().count(), usize::from(hi - lo + 1));
        }

        #[test]
        fn any_string_parses_or_errs_without_panicking(s in "\\PC{0,12}") {
            let _ = s.parse::<LevelRange>();
        }
    }
}
