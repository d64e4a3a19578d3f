//! `/orgs/{org}/requisitions/{id}/reports`: every report the records service offers for a
//! requisition on one page — its chart inline, its figures as a table (the same figures its CSV
//! download holds) and the download link. Suppressed groups of the adverse-impact report are
//! shown as such, with the reason.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hireloop_hiring::reports::{GroupCell, ImpactReport, SuppressionReason};
use hireloop_hiring::roles::Action;

use super::{Names, OrgBar, chrome, req_facts};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize};
use crate::hiring::service::records::{self, Rendered, ReportQuery};
use crate::hiring::service::{plan_of, requisitions};
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/orgs/{org}/requisitions/{id}/reports", get(show))
}

/// Every report kind, with its heading and what it shows.
const KINDS: [(&str, &str, &str); 6] = [
    (
        "funnel",
        "Funnel by cohort",
        "How many applications entered, passed, failed or left each stage; cohorts are requisitions.",
    ),
    (
        "time_in_stage",
        "Time in stage",
        "Days spent in each stage by the visits that ended, and the age of those still open.",
    ),
    (
        "time_to_decision",
        "Time to decision",
        "Days from application to decision, against the pipeline's target window.",
    ),
    (
        "calibration",
        "Interviewer calibration",
        "How each interviewer rates compared with the rest of the panel, and how late their scorecards come.",
    ),
    (
        "agreement",
        "Agreement between interviewers",
        "Krippendorff's alpha over the ratings given to the same application: 1 is full agreement, 0 is chance.",
    ),
    (
        "adverse_impact",
        "Adverse impact",
        "Selection rates by self-reported group against the highest rate (the four-fifths rule). Small groups are suppressed so no person can be singled out.",
    ),
];

#[derive(Template)]
#[template(path = "hiring/reports.html")]
struct ReportsPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    id: String,
    facts: String,
    reports: Vec<ReportView>,
}

/// One report as the page shows it.
struct ReportView {
    kind: &'static str,
    title: &'static str,
    about: String,
    /// The chart, an SVG document drawn by the report renderer (labels escaped there).
    svg: Option<String>,
    header: Vec<String>,
    /// Rows of cells; a cell is (text, whether it is a number, whether it is flagged).
    rows: Vec<Vec<Cell>>,
    note: Option<String>,
    csv: String,
    /// Why there are no figures, when the report could not be computed.
    problem: Option<String>,
}

/// A table cell.
struct Cell {
    text: String,
    num: bool,
    tone: &'static str,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            num: false,
            tone: "",
        }
    }

    fn num(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            num: true,
            tone: "",
        }
    }
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let ctx = authorize(
        &state,
        &user,
        &slug,
        Action::ReportView,
        Object::RequisitionTeam(&id),
    )
    .await?;
    let req = requisitions::get(&state, &ctx, &id).await?;
    let plan = plan_of(&state, &req, None)?;
    let mut names = Names::default();
    let mut reports = Vec::new();
    for (kind, title, about) in KINDS {
        let mut view = ReportView {
            kind,
            title,
            about: about.to_owned(),
            svg: None,
            header: Vec::new(),
            rows: Vec::new(),
            note: None,
            csv: format!("/api/orgs/{slug}/requisitions/{id}/reports/{kind}?format=csv"),
            problem: None,
        };
        if kind == "time_to_decision" {
            view.about = format!(
                "{about} The target is {}–{} weeks.",
                plan.timeline.min_weeks, plan.timeline.max_weeks
            );
        }
        match fill(&state, &ctx, &id, &mut view, &mut names).await {
            Ok(()) => {}
            Err(WebError::Conflict(m) | WebError::BadInput { message: m, .. }) => {
                view.problem = Some(m);
            }
            Err(e) => return Err(e),
        }
        reports.push(view);
    }
    Ok(render(&ReportsPage {
        chrome: chrome(&user),
        title: format!("Reports · {}", req.title),
        bar: OrgBar::of(&ctx),
        facts: req_facts(&req),
        id: req.id,
        reports,
    })?
    .into_response())
}

/// One report's chart and figures, from the same service the API answers with.
async fn fill(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    view: &mut ReportView,
    names: &mut Names,
) -> Result<(), WebError> {
    let as_format = |f: &str| ReportQuery {
        format: Some(f.to_owned()),
    };
    let mut svg = match records::report(state, ctx, id, view.kind, &as_format("svg")).await? {
        Rendered::Svg(s) => s,
        _ => String::new(),
    };
    if view.kind == "adverse_impact" {
        let Rendered::Json(value) =
            records::report(state, ctx, id, view.kind, &as_format("json")).await?
        else {
            return Err(WebError::internal("the impact report did not come as JSON"));
        };
        let report: ImpactReport = serde_json::from_value(value).map_err(WebError::internal)?;
        impact_table(&report, view);
    } else {
        let Rendered::Csv(text) =
            records::report(state, ctx, id, view.kind, &as_format("csv")).await?
        else {
            return Err(WebError::internal("the report did not come as CSV"));
        };
        let mut table = parse_csv(&text).into_iter();
        let header = table.next().unwrap_or_default();
        // Stage ids repeat the stage names beside them; the CSV keeps both, the page the name.
        let shown: Vec<bool> = header.iter().map(|h| h != "stage_id").collect();
        let id_column = header.iter().position(|h| h == "interviewer");
        view.header = header
            .iter()
            .zip(&shown)
            .filter(|(_, keep)| **keep)
            .map(|(h, _)| heading(h))
            .collect();
        for row in table {
            let mut cells = Vec::new();
            for (i, cell) in row.into_iter().enumerate() {
                if !shown.get(i).copied().unwrap_or(true) {
                    continue;
                }
                if Some(i) == id_column {
                    // Interviewers are user ids in the figures; people read names.
                    let name = names.of(state, &cell).await?;
                    svg = svg.replace(&cell, &hireloop_report::svg::escape(&name));
                    cells.push(Cell::text(name));
                } else if is_number(&cell) {
                    cells.push(Cell::num(trim_number(&cell)));
                } else {
                    cells.push(Cell::text(cell));
                }
            }
            view.rows.push(cells);
        }
    }
    // A chart with nothing to draw says "no data"; the table below says more.
    view.svg = Some(strip_prolog(&svg)).filter(|s| !s.is_empty() && !s.contains(">no data</text>"));
    Ok(())
}

/// The adverse-impact figures: one row per level and group, suppressed cells named as such.
fn impact_table(report: &ImpactReport, view: &mut ReportView) {
    let min = report.params.min_group_size;
    view.header = [
        "Level",
        "Group",
        "Considered",
        "Selected",
        "Rate",
        "Impact ratio",
        "Status",
    ]
    .map(str::to_owned)
    .to_vec();
    let ratio = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |x| format!("{x:.2}"));
    for level in &report.levels {
        for g in &level.groups {
            let mut row = vec![Cell::text(level.label.clone()), Cell::text(g.group.clone())];
            match &g.cell {
                GroupCell::Shown {
                    considered,
                    selected,
                    rate,
                    impact_ratio,
                    flagged,
                } => {
                    row.push(Cell::num(considered.to_string()));
                    row.push(Cell::num(selected.to_string()));
                    row.push(Cell::num(ratio(*rate)));
                    row.push(Cell::num(ratio(*impact_ratio)));
                    row.push(if *flagged {
                        Cell {
                            tone: "bad",
                            ..Cell::text(format!(
                                "below {:.0}% of the highest rate",
                                report.params.threshold * 100.0
                            ))
                        }
                    } else {
                        Cell::text("shown")
                    });
                }
                GroupCell::Suppressed { reason } => {
                    for _ in 0..4 {
                        row.push(Cell::num("–"));
                    }
                    let why = match reason {
                        SuppressionReason::SmallGroup => {
                            format!("suppressed: fewer than {min} people")
                        }
                        SuppressionReason::Complementary => {
                            "suppressed: hidden so a smaller group cannot be worked out by subtraction"
                                .to_owned()
                        }
                    };
                    row.push(Cell {
                        tone: "warn",
                        ..Cell::text(why)
                    });
                }
            }
            view.rows.push(row);
        }
    }
    view.note = Some(match report.not_stated {
        Some(n) => format!("{n} application(s) did not state a group."),
        None => format!(
            "How many applications did not state a group is withheld (fewer than {min}, or it would reveal a suppressed group)."
        ),
    });
}

/// A CSV column name as a heading: `median_days` → `Median days`.
fn heading(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn is_number(cell: &str) -> bool {
    !cell.is_empty() && cell.parse::<f64>().is_ok()
}

/// A number as written in the CSV (four decimals) without trailing zeros: `0.5000` → `0.5`.
fn trim_number(cell: &str) -> String {
    if cell.contains('.') {
        cell.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        cell.to_owned()
    }
}

/// An SVG document without its XML declaration, so it can sit inside the page.
fn strip_prolog(svg: &str) -> String {
    match svg.find("<svg") {
        Some(at) => svg[at..].to_owned(),
        None => String::new(),
    }
}

/// The rows of a CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, newlines).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_quotes_commas_and_line_ends() {
        let rows = parse_csv("a,b_c\r\n\"x, y\",\"say \"\"hi\"\"\"\n1,\n");
        assert_eq!(
            rows,
            vec![
                vec!["a".to_owned(), "b_c".to_owned()],
                vec!["x, y".to_owned(), "say \"hi\"".to_owned()],
                vec!["1".to_owned(), String::new()],
            ]
        );
        assert_eq!(heading("median_days"), "Median days");
        assert_eq!(trim_number("0.5000"), "0.5");
        assert_eq!(trim_number("2.0000"), "2");
        assert_eq!(trim_number("10"), "10");
        assert_eq!(
            strip_prolog("<?xml version=\"1.0\"?>\n<svg></svg>"),
            "<svg></svg>"
        );
    }
}
