//! Offers checked against the pay band of the level, and the approval an offer outside the band
//! needs.
//!
//! The content holds one band per level (CNY a year, base plus stock); it has no regional bands,
//! so the region is recorded with the check and the level's band applies in every region. An
//! offer in another currency cannot be compared without an exchange rate, which this pure crate
//! does not have, so it is reported as a mismatch and needs approval like an offer outside the
//! band.

use hireloop_core::content::{BandBasis, PayBand};
use hireloop_core::decision::MIN_REASON_CHARS;
use hireloop_core::{Content, Level};
use hireloop_report::text::thousands;
use serde::{Deserialize, Serialize};

use crate::roles::{self, Action, Relation, Role};

/// Where an offer lies against the band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "position", rename_all = "snake_case")]
pub enum Position {
    /// Between the band's minimum and maximum, both included.
    Within,
    /// Below the minimum.
    Below {
        /// How far below, in the currency.
        by: u64,
        /// `by` as a share of the minimum, in basis points (1 % = 100).
        share_bp: u64,
    },
    /// Above the maximum.
    Above {
        /// How far above, in the currency.
        by: u64,
        /// `by` as a share of the maximum, in basis points (1 % = 100).
        share_bp: u64,
    },
    /// The content has no level entry, so no band, for this level.
    NoBand,
    /// The offer's currency differs from the band's.
    CurrencyMismatch {
        /// The band's currency.
        band_currency: String,
    },
}

/// An offer checked against the band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferCheck {
    /// Level of the offer.
    pub level: Level,
    /// Region of the role.
    pub region: String,
    /// Yearly amount, base plus stock.
    pub amount: u64,
    /// The offer's currency, upper-cased.
    pub currency: String,
    /// The band's lower end, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band_min: Option<u64>,
    /// The band's upper end, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band_max: Option<u64>,
    /// True when the band is an estimate rather than sourced.
    pub band_is_estimate: bool,
    /// Where the offer lies.
    #[serde(flatten)]
    pub position: Position,
    /// True when the offer needs an approval before it goes out.
    pub needs_approval: bool,
    /// One sentence for people.
    pub summary: String,
}

/// `part / whole` in basis points, rounded half up; 0 for an empty whole.
fn basis_points(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    u64::try_from((part * 10_000 + whole / 2) / whole).unwrap_or(u64::MAX)
}

fn percent(bp: u64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Checks an offer of `amount` a year in `currency` at `level` in `region` against the content's
/// band for the level.
pub fn check(
    content: &Content,
    level: Level,
    region: &str,
    amount: u64,
    currency: &str,
) -> OfferCheck {
    let currency = currency.trim().to_ascii_uppercase();
    let band: Option<&PayBand> = content.level(level).map(|l| &l.band);
    let position = match band {
        None => Position::NoBand,
        Some(b) if !b.currency.eq_ignore_ascii_case(&currency) => Position::CurrencyMismatch {
            band_currency: b.currency.clone(),
        },
        Some(b) if amount < b.min => {
            let by = b.min - amount;
            Position::Below {
                by,
                share_bp: basis_points(by, b.min),
            }
        }
        Some(b) if amount > b.max => {
            let by = amount - b.max;
            Position::Above {
                by,
                share_bp: basis_points(by, b.max),
            }
        }
        Some(_) => Position::Within,
    };
    let (amount_text, min, max) = (
        thousands(amount),
        band.map(|b| thousands(b.min)),
        band.map(|b| thousands(b.max)),
    );
    let summary = match (&position, min, max) {
        (Position::Within, Some(min), Some(max)) => {
            format!("{amount_text} {currency} lies within the {level} band {min}–{max}")
        }
        (Position::Below { by, share_bp }, Some(min), _) => format!(
            "{amount_text} {currency} is {} ({}) below the {level} band's minimum {min}; needs approval",
            thousands(*by),
            percent(*share_bp),
        ),
        (Position::Above { by, share_bp }, _, Some(max)) => format!(
            "{amount_text} {currency} is {} ({}) above the {level} band's maximum {max}; needs approval",
            thousands(*by),
            percent(*share_bp),
        ),
        (Position::CurrencyMismatch { band_currency }, _, _) => format!(
            "the offer is in {currency} but the {level} band is in {band_currency}; it cannot be compared and needs approval"
        ),
        _ => format!("no pay band is known for {level}; the offer needs approval"),
    };
    OfferCheck {
        level,
        region: region.to_string(),
        amount,
        currency,
        band_min: band.map(|b| b.min),
        band_max: band.map(|b| b.max),
        band_is_estimate: band.is_some_and(|b| b.basis == BandBasis::Estimate),
        needs_approval: position != Position::Within,
        position,
        summary,
    }
}

/// An approval of an offer outside the band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The approver's member id.
    pub approver: String,
    /// The approver's organisation role.
    pub role: Role,
    /// The approver's relation to the application (on its hiring team, or none).
    pub relation: Relation,
    /// Why the offer may go out as it is.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Why an offer may not go out yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ApprovalError {
    /// Outside the band and nobody approved.
    #[error("the offer needs an approval: {summary}")]
    Missing {
        /// The check's summary.
        summary: String,
    },
    /// The proposer approved their own offer.
    #[error("`{approver}` proposed this offer and cannot also approve it; ask someone else")]
    SelfApproval {
        /// The approver.
        approver: String,
    },
    /// The approver's role does not allow approving.
    #[error("`{approver}` cannot approve: {reason}")]
    NotAllowed {
        /// The approver.
        approver: String,
        /// The policy's reason.
        reason: String,
    },
    /// The approval lacks a written reason.
    #[error(
        "the approval by `{approver}` needs a written reason of at least {MIN_REASON_CHARS} characters"
    )]
    NoReason {
        /// The approver.
        approver: String,
    },
}

/// Whether an offer may go out: within the band it may; outside it, it needs an approval by
/// someone other than `proposer`, whose role allows `offer_approve` under their relation (see
/// [`roles`]), with a reason of at least [`MIN_REASON_CHARS`] characters. Every problem is
/// returned at once.
pub fn ready(
    check: &OfferCheck,
    proposer: &str,
    approval: Option<&Approval>,
) -> Result<(), Vec<ApprovalError>> {
    if !check.needs_approval {
        return Ok(());
    }
    let Some(a) = approval else {
        return Err(vec![ApprovalError::Missing {
            summary: check.summary.clone(),
        }]);
    };
    let mut problems = Vec::new();
    if a.approver.trim() == proposer.trim() {
        problems.push(ApprovalError::SelfApproval {
            approver: a.approver.clone(),
        });
    }
    if let roles::Access::Denied { reason } =
        roles::decide(a.role, Action::OfferApprove, a.relation)
    {
        problems.push(ApprovalError::NotAllowed {
            approver: a.approver.clone(),
            reason,
        });
    }
    let reason = a.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.chars().count() < MIN_REASON_CHARS {
        problems.push(ApprovalError::NoReason {
            approver: a.approver.clone(),
        });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
