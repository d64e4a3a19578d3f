//! Every hiring endpoint × every role × every relation, against the policy table.
//!
//! The table below lists each endpoint with the action it requires and the kind of object it
//! acts on. A check compares it with the router's own list (and the OpenAPI document), so an
//! endpoint added without a row here fails the suite. Then, for each role with each relation a
//! fixture can give it (none, on the hiring team, assigned to the interview, the candidate
//! themselves) and for a non-member, every endpoint is called in process on fresh objects: it
//! must be refused (403 or 404) exactly when `roles::decide` refuses. Last, a member of another
//! organisation gets 404 for every endpoint that names an object of this one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hiring_support;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use hireloop_hiring::roles::{self, Action, Relation, Role};
use hireloop_hiring::webhook::EventKind;
use hireloop_store::{
    NewCandidate, NewDecision, NewInterview, NewOffer, NewRequisition, PanelSeat, User,
};
use hiring_support::App;
use serde_json::{Value, json};

/// What an endpoint's ids point at, which decides the relation the caller has to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No object (lists, creation, organisation settings): relation `none`.
    Org,
    /// A requisition (team or assigned count).
    Req,
    /// A requisition where only the hiring team counts.
    ReqTeam,
    /// A candidate.
    Cand,
    /// An application.
    App,
    /// An interview.
    Interview,
    /// An offer.
    Offer,
    /// Outside any organisation: `POST/GET /orgs`.
    NoOrg,
    /// The public assessment link.
    Public,
}

use Kind::*;

/// EVERY hiring endpoint: method, path under `/api`, action required, object kind.
const TABLE: &[(&str, &str, Option<Action>, Kind)] = &[
    ("POST", "/orgs", None, NoOrg),
    ("GET", "/orgs", None, NoOrg),
    (
        "GET",
        "/orgs/{org}/members",
        Some(Action::MemberManage),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/members",
        Some(Action::MemberManage),
        Org,
    ),
    (
        "PUT",
        "/orgs/{org}/members/{user}",
        Some(Action::MemberManage),
        Org,
    ),
    (
        "DELETE",
        "/orgs/{org}/members/{user}",
        Some(Action::MemberManage),
        Org,
    ),
    (
        "GET",
        "/orgs/{org}/requisitions",
        Some(Action::RequisitionList),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/requisitions",
        Some(Action::RequisitionCreate),
        Org,
    ),
    (
        "GET",
        "/orgs/{org}/requisitions/{id}",
        Some(Action::RequisitionView),
        Req,
    ),
    (
        "PUT",
        "/orgs/{org}/requisitions/{id}",
        Some(Action::RequisitionEdit),
        Req,
    ),
    (
        "POST",
        "/orgs/{org}/requisitions/{id}/close",
        Some(Action::RequisitionClose),
        Req,
    ),
    (
        "GET",
        "/orgs/{org}/requisitions/{id}/team",
        Some(Action::RequisitionView),
        Req,
    ),
    (
        "POST",
        "/orgs/{org}/requisitions/{id}/team",
        Some(Action::TeamManage),
        Req,
    ),
    (
        "DELETE",
        "/orgs/{org}/requisitions/{id}/team/{user}",
        Some(Action::TeamManage),
        Req,
    ),
    (
        "GET",
        "/orgs/{org}/requisitions/{id}/applications",
        Some(Action::CandidateView),
        ReqTeam,
    ),
    (
        "POST",
        "/orgs/{org}/requisitions/{id}/applications",
        Some(Action::CandidateCreate),
        Req,
    ),
    (
        "GET",
        "/orgs/{org}/requisitions/{id}/interviewer-load",
        Some(Action::InterviewSchedule),
        Req,
    ),
    (
        "GET",
        "/orgs/{org}/requisitions/{id}/reports/{kind}",
        Some(Action::ReportView),
        ReqTeam,
    ),
    (
        "GET",
        "/orgs/{org}/candidates",
        Some(Action::CandidateView),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/candidates",
        Some(Action::CandidateCreate),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/candidates/import",
        Some(Action::CandidateImport),
        Org,
    ),
    (
        "GET",
        "/orgs/{org}/candidates/{id}",
        Some(Action::CandidateView),
        Cand,
    ),
    (
        "DELETE",
        "/orgs/{org}/candidates/{id}",
        Some(Action::CandidateErase),
        Cand,
    ),
    (
        "GET",
        "/orgs/{org}/candidates/{id}/resumes",
        Some(Action::ResumeView),
        Cand,
    ),
    (
        "POST",
        "/orgs/{org}/candidates/{id}/resumes",
        Some(Action::CandidateCreate),
        Cand,
    ),
    (
        "GET",
        "/orgs/{org}/candidates/{id}/export",
        Some(Action::CandidateExport),
        Cand,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}",
        Some(Action::CandidateView),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}/status",
        Some(Action::OwnApplicationView),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/move",
        Some(Action::ApplicationMove),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/reject",
        Some(Action::ApplicationReject),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/withdraw",
        Some(Action::ApplicationWithdraw),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/hire",
        Some(Action::DecisionDecide),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/assessments",
        Some(Action::AssessmentLinkSend),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}/interviews",
        Some(Action::ScheduleView),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/interviews",
        Some(Action::InterviewSchedule),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}/scorecards",
        Some(Action::ScorecardViewOthers),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}/debrief",
        Some(Action::DebriefView),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}/decision",
        Some(Action::DebriefView),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/decision",
        Some(Action::DecisionDecide),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/applications/{id}/offers",
        Some(Action::OfferPropose),
        App,
    ),
    (
        "POST",
        "/orgs/{org}/applications/{id}/offers",
        Some(Action::OfferPropose),
        App,
    ),
    (
        "GET",
        "/orgs/{org}/interviews/{id}",
        Some(Action::ScheduleView),
        Interview,
    ),
    (
        "POST",
        "/orgs/{org}/interviews/{id}/reschedule",
        Some(Action::InterviewReschedule),
        Interview,
    ),
    (
        "POST",
        "/orgs/{org}/interviews/{id}/cancel",
        Some(Action::InterviewCancel),
        Interview,
    ),
    (
        "GET",
        "/orgs/{org}/interviews/{id}/calendar.ics",
        Some(Action::ScheduleView),
        Interview,
    ),
    (
        "GET",
        "/orgs/{org}/interviews/{id}/kit",
        Some(Action::KitView),
        Interview,
    ),
    (
        "GET",
        "/orgs/{org}/interviews/{id}/scorecard",
        Some(Action::ScorecardSubmit),
        Interview,
    ),
    (
        "PUT",
        "/orgs/{org}/interviews/{id}/scorecard",
        Some(Action::ScorecardSubmit),
        Interview,
    ),
    (
        "POST",
        "/orgs/{org}/interviews/{id}/scorecard/submit",
        Some(Action::ScorecardSubmit),
        Interview,
    ),
    (
        "GET",
        "/orgs/{org}/scorecards/overdue",
        Some(Action::ReportView),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/offers/{id}/approve",
        Some(Action::OfferApprove),
        Offer,
    ),
    (
        "POST",
        "/orgs/{org}/offers/{id}/status",
        Some(Action::OfferPropose),
        Offer,
    ),
    ("GET", "/orgs/{org}/audit", Some(Action::AuditView), Org),
    (
        "GET",
        "/orgs/{org}/audit/verify",
        Some(Action::AuditVerify),
        Org,
    ),
    (
        "GET",
        "/orgs/{org}/webhooks",
        Some(Action::WebhookManage),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/webhooks",
        Some(Action::WebhookManage),
        Org,
    ),
    (
        "POST",
        "/orgs/{org}/webhooks/{id}/disable",
        Some(Action::WebhookManage),
        Org,
    ),
    ("GET", "/assess/{org}/{token}", None, Public),
    ("POST", "/assess/{org}/{token}/start", None, Public),
    ("PUT", "/assess/{org}/{token}/answer", None, Public),
    ("POST", "/assess/{org}/{token}/submit", None, Public),
];

#[test]
fn the_table_lists_exactly_the_routed_and_documented_endpoints() {
    let table: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        table.len(),
        TABLE.len(),
        "the table lists an endpoint twice"
    );
    let routed: BTreeSet<(String, String)> = hireloop_web::hiring_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    assert_eq!(routed, table, "router and matrix table differ");
    // Every action of the policy that an endpoint needs is in the policy table.
    for (_, _, action, _) in TABLE {
        if let Some(a) = action {
            assert!(roles::rule(*a).is_some(), "{a} has no policy row");
        }
    }
}

#[tokio::test]
async fn every_endpoint_is_in_the_openapi_document() {
    let app = App::new().await;
    let doc = app
        .call(&Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let paths = doc["paths"].as_object().expect("paths");
    for (m, p, _, _) in TABLE {
        let item = paths
            .get(&format!("/api{p}"))
            .unwrap_or_else(|| panic!("{p} is not documented"));
        assert!(
            item.get(m.to_lowercase()).is_some(),
            "{m} {p} is not documented"
        );
    }
}

/// Ids of one fresh set of objects.
struct Set {
    req: String,
    cand: String,
    app: String,
    interview: String,
    offer: String,
    webhook: String,
    /// An interviewer on the team and the panel (the `{user}` of member and team routes).
    helper: String,
}

/// An organisation with its admin, a helper interviewer and a candidate account.
struct OrgFixture {
    id: String,
    slug: String,
    admin: User,
    counter: std::cell::Cell<u32>,
}

async fn org(app: &App, slug: &str) -> (OrgFixture, String) {
    let (admin, admin_token) = app.user(&format!("admin {slug}")).await;
    let o = app
        .store
        .create_org(slug, slug, 365, &admin.id, 1)
        .await
        .expect("org");
    (
        OrgFixture {
            id: o.id,
            slug: o.slug,
            admin,
            counter: std::cell::Cell::new(0),
        },
        admin_token,
    )
}

/// A fresh requisition, candidate, application, interview, decision, offer and webhook, with
/// `actor` tied to them by `relation`.
async fn set(app: &App, o: &OrgFixture, actor: &User, role: Role, relation: Relation) -> Set {
    let n = o.counter.get() + 1;
    o.counter.set(n);
    let s = &app.store;
    let by = &o.admin.id;
    let (helper, _) = app.user(&format!("helper {} {n}", o.slug)).await;
    s.add_member(&o.id, &helper.id, Role::Interviewer, by, 9)
        .await
        .unwrap();
    let req = s
        .create_requisition(
            &o.id,
            &NewRequisition {
                title: "Senior PM",
                pipeline_id: "alibaba-pm",
                level_min: "P7",
                level_max: "P8",
                region: "international",
                language: "en",
                blind_first_stage: false,
            },
            by,
            10,
        )
        .await
        .unwrap();
    s.add_to_team(&o.id, &req.id, &helper.id, Role::Interviewer, by, 11)
        .await
        .unwrap();
    if relation == Relation::HiringTeam {
        s.add_to_team(&o.id, &req.id, &actor.id, role, by, 12)
            .await
            .unwrap();
    }
    let cand = s
        .create_candidate(
            &o.id,
            &NewCandidate {
                name: format!("Candidate {n}"),
                email: format!("cand{n}@example.com"),
                user_id: (relation == Relation::OwnApplication).then(|| actor.id.clone()),
                ..NewCandidate::default()
            },
            by,
            13,
        )
        .await
        .unwrap();
    let application = s
        .apply(&o.id, &req.id, &cand.id, "resume-screen", by, 14)
        .await
        .unwrap();
    let mut panel = vec![PanelSeat {
        user_id: helper.id.clone(),
        role: Role::Interviewer,
    }];
    if relation == Relation::Assigned {
        panel.push(PanelSeat {
            user_id: actor.id.clone(),
            role,
        });
    }
    let interview = s
        .schedule_interview(
            &o.id,
            &application.id,
            &NewInterview {
                round_id: "product-design".into(),
                starts_ms: 1_000_000,
                ends_ms: 4_600_000,
                location: None,
                url: None,
                panel,
            },
            by,
            15,
        )
        .await
        .unwrap();
    s.record_decision(
        &o.id,
        &application.id,
        &NewDecision {
            mechanical: "hire",
            final_outcome: "hire",
            vetoed: false,
            override_reason: None,
            report: &json!({}),
        },
        by,
        16,
    )
    .await
    .unwrap();
    let offer = s
        .propose_offer(
            &o.id,
            &application.id,
            &NewOffer {
                amount: 600_000,
                currency: "CNY",
                position: &json!({ "level": "P7" }),
            },
            by,
            17,
        )
        .await
        .unwrap();
    let hook = s
        .create_webhook(
            &o.id,
            "http://127.0.0.1:9/hook",
            "a webhook secret",
            &[EventKind::StageChanged],
            by,
            18,
        )
        .await
        .unwrap();
    Set {
        req: req.id,
        cand: cand.id,
        app: application.id,
        interview: interview.id,
        offer: offer.id,
        webhook: hook.id,
        helper: helper.id,
    }
}

fn path_of(template: &str, slug: &str, kind: Kind, set: &Set, helper: &str) -> String {
    let id = match kind {
        Req | ReqTeam => &set.req,
        Cand => &set.cand,
        App => &set.app,
        Interview => &set.interview,
        Offer => &set.offer,
        Org | NoOrg | Public => &set.webhook,
    };
    format!(
        "/api{}",
        template
            .replace("{org}", slug)
            .replace("{id}", id)
            .replace("{user}", helper)
            .replace("{kind}", "funnel")
            .replace("{token}", "not-a-token")
    )
    .replace(
        "/interviewer-load",
        "/interviewer-load?from=0&to=9999999999999",
    )
}

/// A plausible body for each endpoint that takes one (allowed calls should get past parsing).
fn body_of(method: &str, template: &str, helper: &str, cand: &str) -> Option<Value> {
    if method == "GET" || method == "DELETE" {
        return None;
    }
    let t = template;
    Some(if t.ends_with("/members") {
        json!({ "email": "nobody@example.com", "role": "interviewer" })
    } else if t.ends_with("/members/{user}") {
        json!({ "role": "recruiter" })
    } else if t.ends_with("/requisitions") || t.ends_with("/requisitions/{id}") {
        json!({ "title": "PM", "level_min": "P6", "level_max": "P8", "region": "china", "language": "zh" })
    } else if t.ends_with("/team") {
        json!({ "user_id": helper, "role": "interviewer" })
    } else if t.ends_with("/requisitions/{id}/applications") {
        json!({ "candidate_id": cand })
    } else if t.ends_with("/candidates") {
        json!({ "name": "New Person", "email": "new.person@example.com" })
    } else if t.ends_with("/resumes") {
        json!({ "text": "Product manager at Example, 2019–present. Led checkout; conversion up 12%." })
    } else if t.ends_with("/move") {
        json!({ "stage": "recruiter-screen" })
    } else if t.ends_with("/interviews") {
        json!({ "round": "product-data", "starts_ms": 10_000_000, "ends_ms": 13_600_000, "panel": [helper] })
    } else if t.ends_with("/offers") {
        json!({ "amount": 650_000, "currency": "CNY", "level": "P7" })
    } else if t.ends_with("/reschedule") {
        json!({ "starts_ms": 20_000_000, "ends_ms": 23_600_000, "reason": "the candidate asked for another day" })
    } else if t.ends_with("/scorecard") || t.ends_with("/scorecard/submit") {
        json!({ "summary": "draft" })
    } else if t.ends_with("/status") {
        json!({ "status": "withdrawn" })
    } else if t.ends_with("/webhooks") {
        json!({ "url": "http://127.0.0.1:9/x", "secret": "sixteen chars or more", "events": ["offer.created"] })
    } else if t.ends_with("/answer") {
        json!({ "key": "x", "text": "y" })
    } else {
        json!({})
    })
}

/// The relation the caller has to an endpoint's object in a fixture giving them `relation`.
fn relation_for(kind: Kind, relation: Relation) -> Relation {
    match kind {
        Org | NoOrg | Public => Relation::None,
        ReqTeam if relation != Relation::HiringTeam => Relation::None,
        _ => relation,
    }
}

#[tokio::test]
async fn every_role_and_relation_gets_exactly_what_the_policy_grants() {
    let mut combos: Vec<(Option<Role>, Relation)> = Vec::new();
    for role in Role::ALL {
        let relations: &[Relation] = if role == Role::Candidate {
            &[Relation::None, Relation::OwnApplication]
        } else {
            &[Relation::None, Relation::HiringTeam, Relation::Assigned]
        };
        for &r in relations {
            combos.push((Some(role), r));
        }
    }
    combos.push((None, Relation::None)); // not a member at all
    let mut checked = 0;
    let mut failures = Vec::new();
    for (ci, (role, relation)) in combos.iter().enumerate() {
        let app = App::new().await;
        let (o, _) = org(&app, &format!("org-{ci}")).await;
        let (actor, token) = app.user("actor").await;
        if let Some(role) = role {
            app.store
                .add_member(&o.id, &actor.id, *role, &o.admin.id, 3)
                .await
                .unwrap();
        }
        for (method, template, action, kind) in TABLE {
            let Some(action) = action else { continue };
            let s = set(
                &app,
                &o,
                &actor,
                role.unwrap_or(Role::Interviewer),
                *relation,
            )
            .await;
            let path = path_of(template, &o.slug, *kind, &s, &s.helper);
            let body = body_of(method, template, &s.helper, &s.cand);
            let method: Method = method.parse().unwrap();
            let reply = app.call(&method, &path, Some(&token), body.as_ref()).await;
            let refused = matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
            let expected_allowed = match role {
                None => false,
                Some(role) => roles::decide_any(*role, *action, &[relation_for(*kind, *relation)])
                    .is_allowed(),
            };
            let ok = if role.is_none() {
                reply.status == StatusCode::NOT_FOUND
            } else {
                expected_allowed != refused
            };
            if std::env::var_os("MATRIX_DEBUG").is_some() && expected_allowed {
                eprintln!(
                    "ALLOWED {} {method} {template} -> {}",
                    role.map_or("-", Role::id),
                    reply.status
                );
            }
            if !ok {
                failures.push(format!(
                    "{:?} with {relation} on {method} {template}: expected {}, got {} {}",
                    role.map(Role::id),
                    if expected_allowed {
                        "allowed"
                    } else {
                        "refused"
                    },
                    reply.status,
                    reply.text.chars().take(200).collect::<String>()
                ));
            }
            // A refusal by policy says why, naming the role and the action.
            if role.is_some() && !expected_allowed && reply.status == StatusCode::FORBIDDEN {
                let message = reply.json()["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                assert!(message.contains(action.id()), "{message}");
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} calls disagree with the policy:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn organisation_less_and_public_endpoints_need_no_membership() {
    let app = App::new().await;
    let (_, token) = app.user("someone").await;
    let created = app
        .post(
            "/api/orgs",
            &token,
            json!({ "name": "Acme", "slug": "acme" }),
        )
        .await;
    hiring_support::expect(&created, StatusCode::CREATED);
    assert_eq!(created.str("/role"), "admin");
    let mine = app.get("/api/orgs", &token).await;
    assert_eq!(mine.json().as_array().unwrap().len(), 1);
    // A made-up link opens nothing, and says nothing about the organisation.
    let bogus = app
        .call(&Method::GET, "/api/assess/acme/not-a-token", None, None)
        .await;
    hiring_support::expect(&bogus, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_organisations_ids_are_not_found() {
    let app = App::new().await;
    let (a, _) = org(&app, "org-a").await;
    let (b, b_admin) = org(&app, "org-b").await;
    let (a_actor, _) = app.user("a actor").await;
    app.store
        .add_member(&a.id, &a_actor.id, Role::Recruiter, &a.admin.id, 3)
        .await
        .unwrap();
    let mut failures = Vec::new();
    for (method, template, action, kind) in TABLE {
        if action.is_none() || !template.contains('}') || template.matches('{').count() < 2 {
            continue; // only endpoints that name an object of the organisation
        }
        // Org A's objects, addressed through org B by B's admin, who may do almost anything in B.
        let s = set(&app, &a, &a_actor, Role::Recruiter, Relation::HiringTeam).await;
        let path = path_of(template, &b.slug, *kind, &s, &s.helper);
        let body = body_of(method, template, &s.helper, &s.cand);
        let m: Method = method.parse().unwrap();
        let reply = app.call(&m, &path, Some(&b_admin), body.as_ref()).await;
        if reply.status != StatusCode::NOT_FOUND {
            failures.push(format!(
                "{method} {template}: {} {}",
                reply.status, reply.text
            ));
        }
        // And org A's own URL is not found for B's admin either.
        let path_a = path_of(template, &a.slug, *kind, &s, &s.helper);
        let reply = app.call(&m, &path_a, Some(&b_admin), body.as_ref()).await;
        if reply.status != StatusCode::NOT_FOUND {
            failures.push(format!(
                "{method} {template} on org A: {} {}",
                reply.status, reply.text
            ));
        }
    }
    let _ = &b.admin;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
