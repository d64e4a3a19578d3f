//! A hiring organisation at scale, deterministic for a seed and a "now": about 200 members
//! (recruiters, hiring managers, 150 interviewers, bar raisers), 20 requisitions of very
//! different sizes, 10,000 candidates with one application each spread over a year, every stage
//! and status, interviews with panels, about 100,000 submitted scorecards that pass the
//! scorecard rules, decisions and offers, and the audit chain the store would have written —
//! loaded through the store's bulk transaction in seconds.

use std::collections::BTreeMap;

use hireloop_core::content::Content;
use hireloop_core::pipeline::{Plan, Profile};
use hireloop_core::{Rating, Recommendation};
use hireloop_hiring::audit::Draft;
use hireloop_hiring::roles::Role;
use hireloop_hiring::scorecard::{self, DEFAULT_GRACE_MS, ScorecardInput};
use hireloop_store::{SeedAudit, SeedValue, Store};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use serde_json::json;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

/// What to seed.
pub struct Spec {
    pub seed: u64,
    pub now_ms: i64,
    pub requisitions: usize,
    pub applications: usize,
    /// Submitted scorecards to aim for (the panels are sized to reach it).
    pub scorecards: usize,
}

/// What was seeded: the ids a benchmark picks its pages from.
pub struct Seeded {
    pub slug: String,
    /// (user id, role) of every member.
    pub members: Vec<(String, Role)>,
    /// (requisition id, applications, hiring manager), the largest first.
    pub requisitions: Vec<(String, usize, String)>,
    /// The application with the most submitted scorecards, and its requisition.
    pub busiest_application: (String, String),
    /// An interview (of the busiest application) with its panel member whose card is submitted.
    pub submitted_interview: (String, String),
    /// A candidate id (of the busiest application).
    pub candidate: String,
    /// Rows per table, for the report.
    pub counts: BTreeMap<&'static str, usize>,
}

/// Deterministic, time-ordered ids shaped like the store's UUIDv7 text: the time in the first
/// 48 bits, then a counter.
struct Ids(u64);

impl Ids {
    fn at(&mut self, ms: i64) -> String {
        self.0 += 1;
        format!(
            "{:012x}7{:019x}",
            (ms.max(0) as u64) & 0xffff_ffff_ffff,
            self.0
        )
    }
}

struct Rows {
    tables: BTreeMap<&'static str, (Vec<&'static str>, Vec<Vec<SeedValue>>)>,
    audit: Vec<SeedAudit>,
}

impl Rows {
    fn add(&mut self, table: &'static str, columns: &[&'static str], row: Vec<SeedValue>) {
        let entry = self
            .tables
            .entry(table)
            .or_insert_with(|| (columns.to_vec(), Vec::new()));
        entry.1.push(row);
    }

    fn audit(
        &mut self,
        at_ms: i64,
        actor: &str,
        action: &str,
        subject: String,
        detail: serde_json::Value,
        candidate: Option<&str>,
    ) {
        self.audit.push(SeedAudit {
            draft: Draft {
                at_ms,
                actor: actor.to_owned(),
                action: action.to_owned(),
                subject,
                detail: Some(detail),
            },
            candidate: candidate.map(str::to_owned),
        });
    }
}

const FIRST: [&str; 24] = [
    "Wei", "Li", "Ana", "Sofia", "Chen", "Mei", "Jun", "Priya", "Omar", "Lena", "Tom", "Yuki",
    "Aisha", "Marco", "Hana", "Ravi", "Elena", "Kai", "Nora", "Ivan", "Lucia", "Ming", "Sara",
    "Tariq",
];
const LAST: [&str; 20] = [
    "Zhang", "Wang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Garcia", "Müller", "Silva", "Khan", "Sato", "Kowalski", "Novak", "Haddad",
];
const TITLES: [&str; 20] = [
    "Product Manager, Marketplace",
    "Product Manager, Payments",
    "Product Manager, Logistics",
    "Product Manager, Search",
    "Product Manager, Ads",
    "Product Manager, Cloud Console",
    "Product Manager, Merchant Tools",
    "Product Manager, Growth",
    "Product Manager, Live Commerce",
    "Product Manager, Cross-border",
    "Product Manager, Data Platform",
    "Product Manager, Membership",
    "Product Manager, Risk",
    "Product Manager, Supply Chain",
    "Product Manager, Mobile App",
    "Product Manager, Recommendations",
    "Product Manager, Seller Finance",
    "Product Manager, Customer Service",
    "Product Manager, Local Services",
    "Product Manager, Developer Platform",
];
const SOURCES: [&str; 5] = ["referral", "job board", "careers site", "agency", "event"];
const GROUPS: [&str; 4] = ["group a", "group b", "group c", "group d"];

fn name(rng: &mut Pcg64) -> String {
    format!(
        "{} {}",
        FIRST[rng.random_range(0..FIRST.len())],
        LAST[rng.random_range(0..LAST.len())]
    )
}

/// A rating around `quality` with the interviewer's `bias`; sometimes no evidence.
fn rating(rng: &mut Pcg64, quality: f64, bias: f64) -> Rating {
    if rng.random::<f64>() < 0.04 {
        return Rating::NoEvidence;
    }
    let noise = (rng.random::<f64>() - 0.5) * 1.4;
    Rating::Score((quality + bias + noise).round().clamp(1.0, 4.0) as u8)
}

/// Seeds the organisation into `store` and returns what the benchmark needs.
pub async fn seed(store: &Store, content: &Content, spec: &Spec) -> Seeded {
    let started = std::time::Instant::now();
    let mut rng = Pcg64::seed_from_u64(spec.seed);
    let mut ids = Ids(spec.seed.wrapping_mul(1_000_003) % 1_000);
    let mut rows = Rows {
        tables: BTreeMap::new(),
        audit: Vec::new(),
    };
    let now = spec.now_ms;
    let t0 = now - 400 * DAY;
    let slug = "bench".to_owned();
    let org_id = ids.at(t0);

    // Members.
    let mut members: Vec<(String, Role)> = Vec::new();
    let roles = [
        (Role::Admin, 2),
        (Role::Recruiter, 12),
        (Role::HiringManager, 20),
        (Role::Interviewer, 150),
        (Role::BarRaiser, 16),
    ];
    for (role, n) in roles {
        for i in 0..n {
            let at = t0 + rng.random_range(0..10 * DAY);
            let id = ids.at(at);
            rows.add(
                "users",
                &["id", "email", "display_name", "password_hash", "created_ms"],
                vec![
                    id.clone().into(),
                    format!("{}-{i}@bench.example.com", role.id()).into(),
                    name(&mut rng).into(),
                    "$argon2id$unused".into(),
                    at.into(),
                ],
            );
            rows.add(
                "members",
                &["org_id", "user_id", "role", "created_ms"],
                vec![
                    org_id.clone().into(),
                    id.clone().into(),
                    role.id().into(),
                    at.into(),
                ],
            );
            let actor = members.first().map_or(id.clone(), |m| m.0.clone());
            rows.audit(
                at,
                &actor,
                if members.is_empty() {
                    "org.created"
                } else {
                    "member.added"
                },
                if members.is_empty() {
                    format!("org:{org_id}")
                } else {
                    format!("user:{id}")
                },
                if members.is_empty() {
                    json!({ "name": "Bench Commerce", "slug": slug, "retention_days": 730 })
                } else {
                    json!({ "role": role.id() })
                },
                None,
            );
            members.push((id, role));
        }
    }
    let of_role = |r: Role| -> Vec<String> {
        members
            .iter()
            .filter(|m| m.1 == r)
            .map(|m| m.0.clone())
            .collect()
    };
    let recruiters = of_role(Role::Recruiter);
    let managers_pool = of_role(Role::HiringManager);
    let interviewers = of_role(Role::Interviewer);
    let bar_raisers = of_role(Role::BarRaiser);

    // Requisitions: sizes weighted so one is large (a board of thousands), a few mid, many small.
    let pipeline = content
        .pipeline("alibaba-pm")
        .expect("the builtin pipeline");
    let weights: Vec<f64> = (0..spec.requisitions)
        .map(|i| 1.0 / (i as f64 + 1.0).powf(0.9))
        .collect();
    let total_w: f64 = weights.iter().sum();
    let mut reqs: Vec<(String, Plan, String, String, usize)> = Vec::new();
    let mut req_sizes = Vec::new();
    let mut assigned = 0;
    for (i, w) in weights.iter().enumerate() {
        let n = if i + 1 == spec.requisitions {
            spec.applications - assigned
        } else {
            ((w / total_w) * spec.applications as f64).round() as usize
        };
        assigned += n;
        req_sizes.push(n);
    }
    for (i, &size) in req_sizes.iter().enumerate() {
        let at = t0 + 20 * DAY + rng.random_range(0..15 * DAY);
        let id = ids.at(at);
        let region = if i % 3 == 2 { "international" } else { "china" };
        let (low, high) = if i % 4 == 3 {
            ("P6", "P7")
        } else {
            ("P7", "P8")
        };
        let title = TITLES[i % TITLES.len()];
        let recruiter = recruiters[i % recruiters.len()].clone();
        let manager = managers_pool[i % managers_pool.len()].clone();
        rows.add(
            "requisitions",
            &[
                "id",
                "org_id",
                "title",
                "pipeline_id",
                "level_min",
                "level_max",
                "region",
                "language",
                "blind_first_stage",
                "status",
                "created_by",
                "created_ms",
            ],
            vec![
                id.clone().into(),
                org_id.clone().into(),
                title.into(),
                "alibaba-pm".into(),
                low.into(),
                high.into(),
                region.into(),
                "en".into(),
                SeedValue::Int(i64::from(i % 7 == 5)),
                "open".into(),
                recruiter.clone().into(),
                at.into(),
            ],
        );
        rows.audit(
            at,
            &recruiter,
            "requisition.created",
            format!("requisition:{id}"),
            json!({ "title": title, "pipeline": "alibaba-pm", "levels": [low, high],
                    "region": region, "language": "en", "blind_first_stage": i % 7 == 5 }),
            None,
        );
        for (user, role) in [
            (&manager, Role::HiringManager),
            (&recruiter, Role::Recruiter),
        ] {
            rows.add(
                "hiring_team",
                &["requisition_id", "user_id", "team_role", "added_ms"],
                vec![
                    id.clone().into(),
                    user.clone().into(),
                    role.id().into(),
                    (at + 1).into(),
                ],
            );
            rows.audit(
                at + 1,
                &recruiter,
                "team.added",
                format!("requisition:{id}"),
                json!({ "user": user, "team_role": role.id() }),
                None,
            );
        }
        let plan = pipeline
            .plan(&Profile {
                level: low.parse().expect("a level"),
                region: region.to_owned(),
            })
            .expect("a plan");
        reqs.push((id, plan, recruiter, manager, size));
    }

    // Each application's path through the stages, decided first so the panels can be sized to
    // reach the scorecard target.
    struct Path {
        req: usize,
        candidate: String,
        app: String,
        applied: i64,
        quality: f64,
        /// (stage index, entered, left, outcome)
        visits: Vec<(usize, i64, Option<i64>, &'static str)>,
        status: &'static str,
        decided: Option<i64>,
    }
    let pass = [0.7, 0.75, 0.65, 0.8, 0.8, 0.8];
    let mut paths = Vec::new();
    let mut req_of_app = Vec::new();
    for (r, &size) in req_sizes.iter().enumerate() {
        req_of_app.extend(std::iter::repeat_n(r, size));
    }
    for &r in &req_of_app {
        let plan = &reqs[r].1;
        let applied = now - rng.random_range(HOUR..365 * DAY);
        let candidate = ids.at(applied);
        let app = ids.at(applied + 1);
        let strong = rng.random::<f64>() < 0.45;
        let quality = if strong { 3.1 } else { 2.0 } + (rng.random::<f64>() - 0.5) * 0.6;
        let mut visits = Vec::new();
        let mut t = applied + 1;
        let (mut status, mut decided) = ("active", None);
        for (k, stage) in plan.stages.iter().enumerate() {
            let days = i64::from(stage.time_limit_days.max(2));
            let left = t + rng.random_range(DAY..days * DAY + DAY);
            if left > now {
                visits.push((k, t, None, "open"));
                break;
            }
            let p = if strong {
                pass[k.min(5)] + 0.15
            } else {
                pass[k.min(5)] - 0.35
            };
            if rng.random::<f64>() < 0.03 {
                visits.push((k, t, Some(left), "withdrawn"));
                (status, decided) = ("withdrawn", Some(left));
                break;
            }
            if rng.random::<f64>() >= p {
                visits.push((k, t, Some(left), "failed"));
                (status, decided) = ("rejected", Some(left));
                break;
            }
            visits.push((k, t, Some(left), "passed"));
            if k + 1 == plan.stages.len() {
                (status, decided) = ("hired", Some(left));
            }
            t = left;
        }
        paths.push(Path {
            req: r,
            candidate,
            app,
            applied,
            quality,
            visits,
            status,
            decided,
        });
    }
    // Interviews: every round of every stage visited (rounds of an open stage only when their
    // time has come or is booked within two weeks).
    let mut slots = 0usize;
    for p in &paths {
        let plan = &reqs[p.req].1;
        for &(k, entered, left, _) in &p.visits {
            if left.is_some() || entered + 3 * DAY < now + 14 * DAY {
                slots += plan.stages[k].rounds.len();
            }
        }
    }
    let per_slot = spec.scorecards as f64 / slots.max(1) as f64 / 0.97;

    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut best: (usize, String, String) = (0, String::new(), String::new());
    let mut submitted_interview = (String::new(), String::new());
    for p in &paths {
        let (req_id, plan, recruiter, manager, _) = &reqs[p.req];
        let email = format!(
            "candidate{}@mail.example.com",
            counts.get("candidates").unwrap_or(&0)
        );
        let cname = name(&mut rng);
        let group = (rng.random::<f64>() < 0.8).then(|| GROUPS[rng.random_range(0..GROUPS.len())]);
        let source = SOURCES[rng.random_range(0..SOURCES.len())];
        *counts.entry("candidates").or_default() += 1;
        rows.add(
            "candidates",
            &[
                "id",
                "org_id",
                "name",
                "name_lc",
                "email",
                "email_lc",
                "phone",
                "location",
                "source",
                "profile_url",
                "self_reported_group",
                "notes",
                "user_id",
                "created_ms",
                "last_activity_ms",
            ],
            vec![
                p.candidate.clone().into(),
                org_id.clone().into(),
                cname.clone().into(),
                cname.to_lowercase().into(),
                email.clone().into(),
                email.clone().into(),
                SeedValue::NullText,
                Some("Hangzhou".to_owned()).into(),
                Some(source.to_owned()).into(),
                SeedValue::NullText,
                group.map(str::to_owned).into(),
                SeedValue::NullText,
                SeedValue::NullText,
                p.applied.into(),
                p.applied.into(),
            ],
        );
        rows.audit(
            p.applied,
            recruiter,
            "candidate.created",
            format!("candidate:{}", p.candidate),
            json!({ "name": cname, "email": email, "source": source }),
            Some(&p.candidate),
        );
        let stage_of = |k: usize| plan.stages[k].id.clone();
        let last = p.visits.last().map_or(0, |v| v.0);
        let updated = p.visits.last().map_or(p.applied, |v| v.2.unwrap_or(v.1));
        rows.add(
            "applications",
            &[
                "id",
                "org_id",
                "requisition_id",
                "candidate_id",
                "stage_id",
                "status",
                "applied_ms",
                "updated_ms",
                "decided_ms",
            ],
            vec![
                p.app.clone().into(),
                org_id.clone().into(),
                req_id.clone().into(),
                p.candidate.clone().into(),
                stage_of(last).into(),
                p.status.into(),
                p.applied.into(),
                updated.into(),
                p.decided.into(),
            ],
        );
        rows.audit(
            p.applied + 1,
            recruiter,
            "application.created",
            format!("application:{}", p.app),
            json!({ "requisition": req_id, "stage": stage_of(0) }),
            Some(&p.candidate),
        );
        let mut app_cards = 0usize;
        let mut app_submitted: Option<(String, String)> = None;
        for (seq, &(k, entered, left, outcome)) in p.visits.iter().enumerate() {
            rows.add(
                "stage_visits",
                &[
                    "application_id",
                    "seq",
                    "stage_id",
                    "entered_ms",
                    "left_ms",
                    "outcome",
                ],
                vec![
                    p.app.clone().into(),
                    (seq as i64 + 1).into(),
                    stage_of(k).into(),
                    entered.into(),
                    left.into(),
                    outcome.into(),
                ],
            );
            if let (Some(left), "passed") = (left, outcome)
                && k + 1 < plan.stages.len()
            {
                rows.audit(
                    left,
                    recruiter,
                    "application.stage_changed",
                    format!("application:{}", p.app),
                    json!({ "from": stage_of(k), "to": stage_of(k + 1), "outcome": "passed" }),
                    Some(&p.candidate),
                );
            }
            // The stage's interviews.
            let stage = &plan.stages[k];
            let span = left.unwrap_or(entered + 3 * DAY) - entered;
            for (ri, round) in stage.rounds.iter().enumerate() {
                let starts = entered
                    + span * (ri as i64 + 1) / (stage.rounds.len() as i64 + 2)
                    + rng.random_range(0..4) * HOUR;
                if left.is_none() && starts > now + 14 * DAY {
                    continue;
                }
                let ends = starts + i64::from(round.duration_minutes.max(30)) * 60_000;
                let created = (entered + HOUR).min(now - HOUR).max(p.applied + 2);
                let iid = ids.at(created);
                let (pool, seat_role): (&[String], Role) = match round.id.as_str() {
                    "bar-raiser" => (&bar_raisers, Role::BarRaiser),
                    "resume-review" | "recruiter-call" | "assessment" => {
                        (&recruiters, Role::Recruiter)
                    }
                    "product-case" => (std::slice::from_ref(manager), Role::HiringManager),
                    _ => (&interviewers, Role::Interviewer),
                };
                let mut panel: Vec<(String, Role)> =
                    vec![(pool[rng.random_range(0..pool.len())].clone(), seat_role)];
                let want =
                    per_slot.floor() as usize + usize::from(rng.random::<f64>() < per_slot.fract());
                while panel.len() < want.clamp(1, 5) {
                    let u = interviewers[rng.random_range(0..interviewers.len())].clone();
                    if !panel.iter().any(|s| s.0 == u) {
                        panel.push((u, Role::Interviewer));
                    }
                }
                let done = ends < now;
                let status = if done { "done" } else { "scheduled" };
                rows.add(
                    "interviews",
                    &[
                        "id",
                        "org_id",
                        "application_id",
                        "round_id",
                        "starts_ms",
                        "ends_ms",
                        "location",
                        "url",
                        "status",
                        "sequence",
                        "created_by",
                        "created_ms",
                    ],
                    vec![
                        iid.clone().into(),
                        org_id.clone().into(),
                        p.app.clone().into(),
                        round.id.clone().into(),
                        starts.into(),
                        ends.into(),
                        Some("Room 3.14".to_owned()).into(),
                        SeedValue::NullText,
                        status.into(),
                        0i64.into(),
                        recruiter.clone().into(),
                        created.into(),
                    ],
                );
                rows.add(
                    "interview_history",
                    &[
                        "interview_id",
                        "seq",
                        "starts_ms",
                        "ends_ms",
                        "status",
                        "changed_by",
                        "changed_ms",
                        "reason",
                    ],
                    vec![
                        iid.clone().into(),
                        1i64.into(),
                        starts.into(),
                        ends.into(),
                        "scheduled".into(),
                        recruiter.clone().into(),
                        created.into(),
                        SeedValue::NullText,
                    ],
                );
                rows.audit(
                    created,
                    recruiter,
                    "interview.scheduled",
                    format!("interview:{iid}"),
                    json!({ "application": p.app, "round": round.id, "starts_ms": starts,
                            "ends_ms": ends,
                            "panel": panel.iter().map(|s| s.0.clone()).collect::<Vec<_>>() }),
                    Some(&p.candidate),
                );
                if done {
                    rows.audit(
                        ends,
                        recruiter,
                        "interview.done",
                        format!("interview:{iid}"),
                        json!({ "application": p.app }),
                        Some(&p.candidate),
                    );
                }
                let dims: Vec<&str> = round
                    .dimensions
                    .iter()
                    .map(|d| d.dimension.as_str())
                    .collect();
                let due = scorecard::due_ms(ends, DEFAULT_GRACE_MS);
                for (user, role) in &panel {
                    rows.add(
                        "interview_panel",
                        &["interview_id", "user_id", "role"],
                        vec![iid.clone().into(), user.clone().into(), role.id().into()],
                    );
                    let card_id = ids.at(created);
                    // Most cards are written within the grace period; a few are late or never.
                    let submit_at = ends + rng.random_range(HOUR..DEFAULT_GRACE_MS + 12 * HOUR);
                    let submitted = done && submit_at < now && rng.random::<f64>() < 0.985;
                    let (ratings, notes, rec, summary, saved) = if submitted {
                        // Each interviewer a little harsher or kinder, for calibration.
                        let bias = (f64::from(user.as_bytes()[user.len() - 1] % 7) - 3.0) * 0.1;
                        let mut input = ScorecardInput::default();
                        let mut sum = 0.0;
                        let mut n = 0.0;
                        for d in &dims {
                            let r = rating(&mut rng, p.quality, bias);
                            if let Some(v) = r.value() {
                                sum += f64::from(v);
                                n += 1.0;
                            }
                            if matches!(r, Rating::Score(1 | 4)) || rng.random::<f64>() < 0.3 {
                                input.notes.insert(
                                    (*d).to_owned(),
                                    format!(
                                        "On {d}: the candidate's answer {} — evidence from the \
                                         case discussion.",
                                        if matches!(r, Rating::Score(3 | 4)) {
                                            "was concrete and quantified"
                                        } else {
                                            "stayed general"
                                        }
                                    ),
                                );
                            }
                            input.ratings.insert((*d).to_owned(), r);
                        }
                        let mean = if n > 0.0 { sum / n } else { 2.5 };
                        let rec = if mean < 1.75 {
                            Recommendation::StrongNo
                        } else if mean < 2.5 {
                            Recommendation::No
                        } else if mean < 3.25 {
                            Recommendation::Yes
                        } else {
                            Recommendation::StrongYes
                        };
                        input.recommendation = Some(rec);
                        input.summary = Some(format!(
                            "Mean {mean:.1} over {} dimensions; {}.",
                            dims.len(),
                            if mean >= 2.5 {
                                "would work with them"
                            } else {
                                "not yet at the level"
                            }
                        ));
                        if let Err(problems) = scorecard::validate(&dims, &input) {
                            panic!("a seeded scorecard breaks the rules: {problems:?}");
                        }
                        (
                            serde_json::to_string(&input.ratings).unwrap(),
                            serde_json::to_string(&input.notes).unwrap(),
                            Some(rec.id().to_owned()),
                            input.summary.unwrap_or_default(),
                            Some(submit_at),
                        )
                    } else {
                        ("{}".to_owned(), "{}".to_owned(), None, String::new(), None)
                    };
                    if submitted {
                        app_cards += 1;
                        *counts.entry("scorecards submitted").or_default() += 1;
                        rows.audit(
                            submit_at,
                            user,
                            "scorecard.submitted",
                            format!("scorecard:{card_id}"),
                            json!({ "application": p.app, "round": round.id,
                                    "recommendation": rec }),
                            Some(&p.candidate),
                        );
                        if app_submitted.is_none() {
                            app_submitted = Some((iid.clone(), user.clone()));
                        }
                    }
                    rows.add(
                        "scorecards",
                        &[
                            "id",
                            "org_id",
                            "interview_id",
                            "application_id",
                            "round_id",
                            "interviewer_id",
                            "ratings",
                            "notes",
                            "recommendation",
                            "summary",
                            "due_ms",
                            "saved_ms",
                            "submitted_ms",
                        ],
                        vec![
                            card_id.into(),
                            org_id.clone().into(),
                            iid.clone().into(),
                            p.app.clone().into(),
                            round.id.clone().into(),
                            user.clone().into(),
                            ratings.into(),
                            notes.into(),
                            rec.into(),
                            summary.into(),
                            due.into(),
                            saved.into(),
                            saved.into(),
                        ],
                    );
                }
            }
        }
        if app_cards > best.0
            && let Some(seat) = app_submitted
        {
            best = (app_cards, p.app.clone(), req_id.clone());
            submitted_interview = seat;
        }
        // Closing, decisions and offers.
        if let Some(at) = p.decided {
            let last_stage = stage_of(last);
            let full_loop = last + 1 == plan.stages.len();
            if full_loop && p.status != "withdrawn" {
                let verdict = if p.status == "hired" {
                    "hire"
                } else {
                    "reject"
                };
                rows.add(
                    "decisions",
                    &[
                        "application_id",
                        "org_id",
                        "mechanical",
                        "final_outcome",
                        "vetoed",
                        "override_reason",
                        "decided_by",
                        "decided_ms",
                        "report",
                    ],
                    vec![
                        p.app.clone().into(),
                        org_id.clone().into(),
                        verdict.into(),
                        verdict.into(),
                        0i64.into(),
                        SeedValue::NullText,
                        manager.clone().into(),
                        at.into(),
                        json!({ "verdict": verdict, "stages": plan.stages.len() })
                            .to_string()
                            .into(),
                    ],
                );
                rows.audit(
                    at,
                    manager,
                    "application.decided",
                    format!("application:{}", p.app),
                    json!({ "mechanical": verdict, "final": verdict, "vetoed": false }),
                    Some(&p.candidate),
                );
                *counts.entry("decisions").or_default() += 1;
            }
            rows.audit(
                at,
                recruiter,
                &format!("application.{}", p.status),
                format!("application:{}", p.app),
                json!({ "stage": last_stage, "reason": null }),
                Some(&p.candidate),
            );
            if p.status == "hired" {
                let oid = ids.at(at);
                let amount = 700_000 + rng.random_range(0..40) * 10_000;
                rows.add(
                    "offers",
                    &[
                        "id",
                        "org_id",
                        "application_id",
                        "amount",
                        "currency",
                        "position",
                        "proposed_by",
                        "proposed_ms",
                        "approved_by",
                        "approved_ms",
                        "approval_reason",
                        "status",
                        "updated_ms",
                    ],
                    vec![
                        oid.clone().into(),
                        org_id.clone().into(),
                        p.app.clone().into(),
                        amount.into(),
                        "CNY".into(),
                        json!({ "level": plan.profile.level.to_string() })
                            .to_string()
                            .into(),
                        recruiter.clone().into(),
                        at.into(),
                        SeedValue::NullText,
                        SeedValue::NullInt,
                        SeedValue::NullText,
                        "accepted".into(),
                        (at + 2 * DAY).into(),
                    ],
                );
                rows.audit(
                    at,
                    recruiter,
                    "offer.proposed",
                    format!("offer:{oid}"),
                    json!({ "application": p.app, "amount": amount, "currency": "CNY" }),
                    Some(&p.candidate),
                );
                *counts.entry("offers").or_default() += 1;
            }
        }
    }

    eprintln!(
        "seed: rows generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Write: tables in an order the foreign keys accept, then the audit chain in time order.
    let order = [
        "users",
        "orgs",
        "members",
        "requisitions",
        "hiring_team",
        "candidates",
        "applications",
        "stage_visits",
        "interviews",
        "interview_panel",
        "interview_history",
        "scorecards",
        "decisions",
        "offers",
    ];
    let mut phase = std::time::Instant::now();
    let mut phases: Vec<String> = Vec::new();
    let mut tx = store.seed_tx().await.unwrap();
    for table in order {
        if table == "orgs" {
            tx.insert(
                "orgs",
                &["id", "name", "slug", "retention_days", "created_ms"],
                &[vec![
                    org_id.clone().into(),
                    "Bench Commerce".into(),
                    slug.clone().into(),
                    730i64.into(),
                    t0.into(),
                ]],
            )
            .await
            .unwrap();
            tx.insert(
                "audit_heads",
                &["org_id", "seq", "hash"],
                &[vec![
                    org_id.clone().into(),
                    0i64.into(),
                    hireloop_hiring::audit::GENESIS.into(),
                ]],
            )
            .await
            .unwrap();
            continue;
        }
        if let Some((columns, table_rows)) = rows.tables.get(table) {
            tx.insert(table, columns, table_rows).await.unwrap();
            phases.push(format!("{table} {:.1} s", phase.elapsed().as_secs_f64()));
            phase = std::time::Instant::now();
            counts.entry(table).or_insert(table_rows.len());
            *counts.get_mut(table).unwrap() = table_rows.len();
        }
    }
    rows.audit.sort_by_key(|e| e.draft.at_ms);
    counts.insert("audit_log", rows.audit.len());
    tx.audit(&org_id, &rows.audit).await.unwrap();
    phases.push(format!("audit {:.1} s", phase.elapsed().as_secs_f64()));
    phase = std::time::Instant::now();
    tx.commit().await.unwrap();
    phases.push(format!("commit {:.1} s", phase.elapsed().as_secs_f64()));
    eprintln!("seed phases: {}", phases.join(", "));

    let busiest = paths.iter().find(|p| p.app == best.1).unwrap();
    let mut requisitions: Vec<(String, usize, String)> = reqs
        .iter()
        .map(|r| (r.0.clone(), r.4, r.3.clone()))
        .collect();
    requisitions.sort_by_key(|r| std::cmp::Reverse(r.1));
    Seeded {
        slug,
        members,
        requisitions,
        busiest_application: (best.1.clone(), best.2.clone()),
        submitted_interview,
        candidate: busiest.candidate.clone(),
        counts,
    }
}
