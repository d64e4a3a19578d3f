//! SVG charts of the reports, drawn with `hireloop_report::svg` (self-contained, accessible
//! documents; labels are escaped there).

use hireloop_report::svg::{self, Bar, Histogram, Interval};

use super::{
    AgreementReport, CalibrationReport, FunnelReport, GroupCell, ImpactReport, TimeInStageReport,
    TimeToDecisionReport,
};

/// A share as a percentage label, or a dash.
fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{:.0}%", x * 100.0))
}

/// Days as a short label, or a dash.
fn days(x: Option<f64>) -> String {
    x.map_or_else(
        || "–".to_string(),
        |x| format!("{} d", svg::short_number(x)),
    )
}

impl FunnelReport {
    /// Bars of the applications entering each stage (all cohorts), with conversion from the first
    /// stage and pass-through.
    pub fn to_svg(&self) -> String {
        let rows: Vec<Bar<'_>> = self
            .overall
            .rows
            .iter()
            .map(|r| Bar {
                label: &r.stage_name,
                value: r.entered as f64,
                caption: format!(
                    "{} · {} of first stage · {} pass",
                    r.entered,
                    pct(r.conversion_from_first),
                    pct(r.pass_through)
                ),
            })
            .collect();
        svg::bars("Applications by stage", &rows)
    }
}

impl TimeInStageReport {
    /// Bars of the median days in each stage, with the 90th percentile and open visits.
    pub fn to_svg(&self) -> String {
        let rows: Vec<Bar<'_>> = self
            .stages
            .iter()
            .map(|s| Bar {
                label: &s.stage_name,
                value: s.median_days.unwrap_or(0.0),
                caption: format!(
                    "median {} · p90 {} · {} open",
                    days(s.median_days),
                    days(s.p90_days),
                    s.open
                ),
            })
            .collect();
        svg::bars("Median days in stage", &rows)
    }
}

impl TimeToDecisionReport {
    /// A histogram of weeks from applying to the decision, with the target window marked.
    pub fn to_svg(&self) -> String {
        let bins: Vec<(f64, f64, u64)> = self
            .overall
            .decided_by_week
            .iter()
            .enumerate()
            .map(|(w, n)| (w as f64, w as f64 + 1.0, *n))
            .collect();
        let lo = format!("{} weeks", svg::short_number(self.target.min_weeks));
        let hi = format!("{} weeks", svg::short_number(self.target.max_weeks));
        let markers = [
            (self.target.min_weeks, lo.as_str()),
            (self.target.max_weeks, hi.as_str()),
        ];
        svg::histogram(&Histogram {
            title: "Time to decision",
            x_label: "weeks from applying to the decision",
            bins: &bins,
            markers: &markers,
        })
    }
}

impl CalibrationReport {
    /// A forest plot of each interviewer's mean difference from the rest of the panel, with an
    /// approximate 95% interval (mean ± 1.96 standard errors; a point when there is one
    /// application). Interviewers never compared with a panel are left out.
    pub fn to_svg(&self) -> String {
        let rows: Vec<Interval<'_>> = self
            .interviewers
            .iter()
            .filter_map(|i| {
                let est = i.panel_difference?;
                let half = i.panel_difference_sd.map_or(0.0, |sd| {
                    1.96 * sd / (i.compared_applications as f64).sqrt()
                });
                Some(Interval {
                    label: &i.interviewer,
                    estimate: est,
                    low: est - half,
                    high: est + half,
                })
            })
            .collect();
        svg::intervals(
            "Interviewer rating against the rest of the panel",
            "mean difference on the 1–4 scale (positive: more lenient)",
            &rows,
        )
    }
}

impl AgreementReport {
    /// Bars of Krippendorff's alpha (interval) per dimension; negative alphas draw no bar but
    /// keep their value in the caption.
    pub fn to_svg(&self) -> String {
        let rows: Vec<Bar<'_>> = self
            .dimensions
            .iter()
            .map(|d| Bar {
                label: d.dimension.as_deref().unwrap_or("all"),
                value: d.interval.unwrap_or(0.0).max(0.0),
                caption: format!(
                    "α {} · {} units",
                    d.interval
                        .map_or_else(|| "–".to_string(), |a| format!("{a:.2}")),
                    d.units
                ),
            })
            .collect();
        svg::bars(
            "Inter-rater agreement (Krippendorff's alpha, interval)",
            &rows,
        )
    }
}

impl ImpactReport {
    /// Bars of each group's overall impact ratio (hired / applied, against the highest shown
    /// group); suppressed groups are listed without a bar.
    pub fn to_svg(&self) -> String {
        let Some(overall) = self.levels.first() else {
            return svg::bars("Adverse impact", &[]);
        };
        let rows: Vec<Bar<'_>> = overall
            .groups
            .iter()
            .map(|g| match &g.cell {
                GroupCell::Shown {
                    rate,
                    impact_ratio,
                    flagged,
                    ..
                } => Bar {
                    label: &g.group,
                    value: impact_ratio.unwrap_or(0.0),
                    caption: format!(
                        "rate {} · ratio {}{}",
                        pct(*rate),
                        impact_ratio.map_or_else(|| "–".to_string(), |r| format!("{r:.2}")),
                        if *flagged {
                            " · below four-fifths"
                        } else {
                            ""
                        }
                    ),
                },
                GroupCell::Suppressed { .. } => Bar {
                    label: &g.group,
                    value: 0.0,
                    caption: "suppressed".to_string(),
                },
            })
            .collect();
        svg::bars(
            "Adverse impact: hired / applied against the highest group",
            &rows,
        )
    }
}
