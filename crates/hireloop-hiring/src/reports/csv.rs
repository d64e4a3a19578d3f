//! CSV export of every report: one header row, one row per figure set, empty cells for figures
//! that do not exist (a ratio over zero) or are suppressed. Ratios and days have four decimals.
//!
//! Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) are prefixed with `'`: group names and interviewer names come from
//! people, and a CSV opened in a spreadsheet must not execute them.

use super::{
    AgreementReport, AlphaRow, CalibrationReport, CohortFunnel, DecisionTimes, FunnelReport,
    GroupCell, ImpactReport, ReportError, TimeInStageReport, TimeToDecisionReport,
};

/// A text cell, defused against formula injection.
fn text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// A number cell: four decimals, or empty for `None`.
fn num(x: Option<f64>) -> String {
    x.map_or_else(String::new, |x| format!("{x:.4}"))
}

/// Writes a header and rows into a CSV string.
fn table(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<String, ReportError> {
    let err = |e: csv::Error| ReportError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv(e.to_string()))
}

fn cohort_label(c: &Option<String>) -> String {
    c.as_deref().map_or_else(|| "all".to_string(), text)
}

impl FunnelReport {
    /// One row per (cohort, stage); the cohort column is `all` for all applications together.
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let header = [
            "cohort",
            "stage_id",
            "stage_name",
            "entered",
            "passed",
            "failed",
            "withdrawn",
            "open",
            "pass_through",
            "withdrawal_rate",
            "conversion_from_first",
        ];
        let all = std::iter::once(&self.overall).chain(&self.cohorts);
        let rows = all.flat_map(|c: &CohortFunnel| {
            c.rows.iter().map(move |r| {
                vec![
                    cohort_label(&c.cohort),
                    text(&r.stage_id),
                    text(&r.stage_name),
                    r.entered.to_string(),
                    r.passed.to_string(),
                    r.failed.to_string(),
                    r.withdrawn.to_string(),
                    r.open.to_string(),
                    num(r.pass_through),
                    num(r.withdrawal_rate),
                    num(r.conversion_from_first),
                ]
            })
        });
        table(&header, rows)
    }
}

impl TimeInStageReport {
    /// One row per stage.
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let header = [
            "stage_id",
            "stage_name",
            "completed",
            "median_days",
            "p90_days",
            "open",
            "open_median_age_days",
            "open_max_age_days",
        ];
        let rows = self.stages.iter().map(|s| {
            vec![
                text(&s.stage_id),
                text(&s.stage_name),
                s.completed.to_string(),
                num(s.median_days),
                num(s.p90_days),
                s.open.to_string(),
                num(s.open_median_age_days),
                num(s.open_max_age_days),
            ]
        });
        table(&header, rows)
    }
}

impl TimeToDecisionReport {
    /// One row for all applications (`all`), then one per cohort.
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let header = [
            "cohort",
            "applications",
            "decided",
            "withdrawn",
            "undecided",
            "median_days",
            "p90_days",
            "share_before_target",
            "share_within_target",
            "share_over_target",
            "overdue",
        ];
        let rows = std::iter::once(&self.overall)
            .chain(&self.cohorts)
            .map(|d: &DecisionTimes| {
                vec![
                    cohort_label(&d.cohort),
                    d.applications.to_string(),
                    d.decided.to_string(),
                    d.withdrawn.to_string(),
                    d.undecided.to_string(),
                    num(d.median_days),
                    num(d.p90_days),
                    num(d.share_before_target),
                    num(d.share_within_target),
                    num(d.share_over_target),
                    d.overdue.to_string(),
                ]
            });
        table(&header, rows)
    }

    /// The overdue applications, oldest first.
    pub fn overdue_csv(&self) -> Result<String, ReportError> {
        let header = ["application_id", "requisition_id", "cohort", "age_days"];
        let rows = self.overdue.iter().map(|o| {
            vec![
                text(&o.application_id),
                text(&o.requisition_id),
                text(&o.cohort),
                num(Some(o.age_days)),
            ]
        });
        table(&header, rows)
    }
}

impl CalibrationReport {
    /// One row per interviewer.
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let header = [
            "interviewer",
            "scorecards",
            "submitted",
            "ratings",
            "mean_rating",
            "rating_sd",
            "compared_applications",
            "panel_difference",
            "panel_difference_sd",
            "recommendations",
            "no_decision_rate",
            "late_rate",
            "median_hours_late",
            "overdue",
        ];
        let rows = self.interviewers.iter().map(|i| {
            vec![
                text(&i.interviewer),
                i.scorecards.to_string(),
                i.submitted.to_string(),
                i.ratings.to_string(),
                num(i.mean_rating),
                num(i.rating_sd),
                i.compared_applications.to_string(),
                num(i.panel_difference),
                num(i.panel_difference_sd),
                i.recommendations.to_string(),
                num(i.no_decision_rate),
                num(i.late_rate),
                num(i.median_hours_late),
                i.overdue.to_string(),
            ]
        });
        table(&header, rows)
    }
}

impl AgreementReport {
    /// One row for all dimensions pooled (`all`), then one per dimension.
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let header = [
            "dimension",
            "units",
            "values",
            "interval",
            "ordinal",
            "nominal",
        ];
        let rows = std::iter::once(&self.overall)
            .chain(&self.dimensions)
            .map(|r: &AlphaRow| {
                vec![
                    cohort_label(&r.dimension),
                    r.units.to_string(),
                    r.values.to_string(),
                    num(r.interval),
                    num(r.ordinal),
                    num(r.nominal),
                ]
            });
        table(&header, rows)
    }
}

impl ImpactReport {
    /// One row per (level, group): `overall` or the stage id, then the group's figures, or
    /// `suppressed` with empty figures. A last row gives the "not stated" count (empty when
    /// withheld).
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let header = [
            "level",
            "group",
            "status",
            "considered",
            "selected",
            "rate",
            "impact_ratio",
            "flagged",
        ];
        let mut rows = Vec::new();
        for l in &self.levels {
            let level = l
                .stage_id
                .as_deref()
                .map_or_else(|| "overall".to_string(), text);
            for g in &l.groups {
                let mut row = vec![level.clone(), text(&g.group)];
                match &g.cell {
                    GroupCell::Shown {
                        considered,
                        selected,
                        rate,
                        impact_ratio,
                        flagged,
                    } => row.extend([
                        "shown".to_string(),
                        considered.to_string(),
                        selected.to_string(),
                        num(*rate),
                        num(*impact_ratio),
                        flagged.to_string(),
                    ]),
                    GroupCell::Suppressed { .. } => {
                        row.push("suppressed".to_string());
                        row.extend(std::iter::repeat_n(String::new(), 5));
                    }
                }
                rows.push(row);
            }
        }
        let not_stated = self.not_stated.map(|n| n.to_string());
        rows.push(vec![
            "overall".to_string(),
            "(not stated)".to_string(),
            if not_stated.is_some() {
                "count_only"
            } else {
                "suppressed"
            }
            .to_string(),
            not_stated.unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        table(&header, rows)
    }
}
