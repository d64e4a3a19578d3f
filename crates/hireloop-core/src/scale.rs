//! The rating scale shared by every evaluator, person or coach, and the common ATS exports.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rating of one rubric dimension: 1 strong no … 4 strong yes, or no evidence either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rating {
    /// A rating on the 1–4 scale.
    Score(u8),
    /// The round produced no evidence for this dimension.
    NoEvidence,
}

impl Rating {
    /// The 1–4 value, if there was evidence.
    pub fn value(self) -> Option<u8> {
        match self {
            Rating::Score(n) => Some(n),
            Rating::NoEvidence => None,
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rating::Score(n) => write!(f, "{n}"),
            Rating::NoEvidence => f.write_str("no_evidence"),
        }
    }
}

impl Serialize for Rating {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Rating::Score(n) => s.serialize_u8(*n),
            Rating::NoEvidence => s.serialize_str("no_evidence"),
        }
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        let bad = || serde::de::Error::custom("a rating is 1, 2, 3, 4 or \"no_evidence\"");
        match Raw::deserialize(d)? {
            Raw::Int(n @ 1..=4) => Ok(Rating::Score(n as u8)),
            Raw::Text(t) if t == "no_evidence" => Ok(Rating::NoEvidence),
            _ => Err(bad()),
        }
    }
}

/// An evaluator's overall recommendation for a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Definitely do not hire.
    StrongNo,
    /// Do not hire.
    No,
    /// Hire.
    Yes,
    /// Definitely hire.
    StrongYes,
    /// The evaluator could not decide.
    NoDecision,
}

impl Recommendation {
    /// The stable id used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Recommendation::StrongNo => "strong_no",
            Recommendation::No => "no",
            Recommendation::Yes => "yes",
            Recommendation::StrongYes => "strong_yes",
            Recommendation::NoDecision => "no_decision",
        }
    }

    /// The 1–4 value on the rating scale, if the evaluator decided.
    pub fn value(self) -> Option<u8> {
        match self {
            Recommendation::StrongNo => Some(1),
            Recommendation::No => Some(2),
            Recommendation::Yes => Some(3),
            Recommendation::StrongYes => Some(4),
            Recommendation::NoDecision => None,
        }
    }

    /// True for `no` and `strong_no`.
    pub fn is_negative(self) -> bool {
        matches!(self, Recommendation::StrongNo | Recommendation::No)
    }

    /// The recommendation whose value is nearest to a mean on the 1–4 scale (halves round up).
    pub fn from_mean(mean: f64) -> Recommendation {
        if mean >= 3.5 {
            Recommendation::StrongYes
        } else if mean >= 2.5 {
            Recommendation::Yes
        } else if mean >= 1.5 {
            Recommendation::No
        } else {
            Recommendation::StrongNo
        }
    }
}

impl fmt::Display for Recommendation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
