//! Hiring-mode reports: the funnel, time in stage, time to decision, interviewer calibration with
//! inter-rater agreement, and adverse impact under the four-fifths rule.
//!
//! Everything here is pure. The store fills the input facts ([`ApplicationFacts`],
//! [`ScorecardFacts`], the stage order as [`Stage`]s) and passes the current time in as
//! milliseconds since the Unix epoch (UTC); each report is a serde value with a CSV export
//! ([`csv`]) and, where a picture helps, an SVG chart ([`charts`]).
//!
//! Calibration and agreement both read every scorecard; a page that shows both should call
//! [`calibration_and_agreement`], which reads them once.
//!
//! Conventions shared by every report:
//! - A ratio whose denominator is zero is `None` (JSON `null`), never NaN or infinity.
//! - Medians and 90th percentiles use linear interpolation between closest ranks (the definition
//!   numpy and R call "type 7"): for `n` sorted values the `p` quantile sits at position
//!   `(n - 1) · p`, so the median of an even count is the mean of the two middle values.
//! - Durations are reported in days (or hours, where said), as `f64`.
//! - Input that contradicts itself (a visit that ends before it starts, a visit to a stage not in
//!   the stage order, a rating off the 1–4 scale) is refused with a [`ReportError`] naming the
//!   record, rather than silently counted one way or the other.
//! - The order of the input never changes a figure: groups, stages and people come out in a fixed
//!   order (stage order, then sorted names).

pub mod agreement;
pub mod calibration;
pub mod charts;
pub mod csv;
mod digest;
pub mod durations;
mod facts;
pub mod funnel;
mod group;
pub mod impact;
mod stats;

pub use agreement::{
    AgreementReport, AlphaRow, Metric, agreement, calibration_and_agreement, krippendorff_alpha,
};
pub use calibration::{CalibrationReport, InterviewerRow, calibration};
pub use durations::{
    DecisionTarget, DecisionTimes, OverdueApplication, StageTimes, TimeInStageReport,
    TimeToDecisionReport, time_in_stage, time_to_decision,
};
pub use facts::{ApplicationFacts, Decision, ScorecardFacts, Stage, StageVisit, VisitOutcome};
pub use funnel::{CohortFunnel, FunnelReport, FunnelRow, funnel};
pub use impact::{
    GroupCell, GroupRow, ImpactLevel, ImpactParams, ImpactReport, SuppressionReason, adverse_impact,
};

/// Why a report could not be computed. Each variant names the record at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// The stage order lists the same stage id twice.
    #[error("the stage order lists stage `{0}` twice")]
    DuplicateStage(String),
    /// Two applications share an id, so their facts cannot be told apart.
    #[error("two applications have the id `{0}`")]
    DuplicateApplication(String),
    /// A visit refers to a stage that is not in the stage order.
    #[error("application `{application}` visits stage `{stage}`, which is not in the stage order")]
    UnknownStage {
        /// The application's id.
        application: String,
        /// The unknown stage id.
        stage: String,
    },
    /// A visit left its stage before it entered it.
    #[error("application `{application}` leaves stage `{stage}` before it enters it")]
    VisitEndsBeforeStart {
        /// The application's id.
        application: String,
        /// The stage id.
        stage: String,
    },
    /// A visit's outcome and end time disagree: an open visit has no end, a closed one has one.
    #[error(
        "application `{application}`, stage `{stage}`: an open visit must have no end time and a \
         passed, failed or withdrawn one must have one"
    )]
    VisitEndMismatch {
        /// The application's id.
        application: String,
        /// The stage id.
        stage: String,
    },
    /// An application has a decision without a decision time, or the other way round.
    #[error("application `{0}` has a decision without its time, or a time without a decision")]
    DecisionMismatch(String),
    /// An application was decided before it was applied.
    #[error("application `{0}` is decided before it was applied")]
    DecidedBeforeApplied(String),
    /// A rating is off the 1–4 scale.
    #[error(
        "interviewer `{interviewer}` rates dimension `{dimension}` of application \
         `{application}` {value}, which is off the 1–4 scale"
    )]
    RatingOutOfRange {
        /// The interviewer.
        interviewer: String,
        /// The application's id.
        application: String,
        /// The dimension id.
        dimension: String,
        /// The rating given.
        value: u8,
    },
    /// The decision target's weeks are not `0 <= min <= max`, or are not finite.
    #[error("the decision target must have 0 <= min weeks <= max weeks (got {min} and {max})")]
    BadTarget {
        /// Minimum weeks given.
        min: f64,
        /// Maximum weeks given.
        max: f64,
    },
    /// The adverse-impact parameters are out of range.
    #[error("{0}")]
    BadImpactParams(String),
    /// Writing CSV failed (it writes to memory, so this means a bug rather than a full disk).
    #[error("could not write CSV: {0}")]
    Csv(String),
}
