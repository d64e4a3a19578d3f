//! Hiring mode through the JSON API, as a team would run it: every person signed in as
//! themselves with a bearer token, two candidates walked from application to decision.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hiring_support;

use axum::http::{Method, StatusCode};
use hireloop_core::Level;
use hireloop_core::pipeline::{Profile, Role as LoopRole};
use hiring_support::{App, expect};
use serde_json::{Value, json};

struct Team {
    admin: String,
    recruiter: String,
    recruiter_id: String,
    hm: String,
    hm_id: String,
    int1: String,
    int1_id: String,
    int2: String,
    int2_id: String,
    br: String,
    br_id: String,
    cand_id: String,
    cand: String,
}

const ORG: &str = "/api/orgs/acme";

async fn team(app: &App) -> Team {
    let (_, admin) = app.user("Admin").await;
    let created = app
        .post(
            "/api/orgs",
            &admin,
            json!({ "name": "Acme", "slug": "acme" }),
        )
        .await;
    expect(&created, StatusCode::CREATED);
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for (name, role) in [
        ("Rita Recruiter", "recruiter"),
        ("Hank Manager", "hiring_manager"),
        ("Ivy One", "interviewer"),
        ("Ian Two", "interviewer"),
        ("Bea Raiser", "bar_raiser"),
        ("Ada Candidate", "candidate"),
    ] {
        let (user, token) = app.user(name).await;
        let added = app
            .post(
                &format!("{ORG}/members"),
                &admin,
                json!({ "email": user.email, "role": role }),
            )
            .await;
        expect(&added, StatusCode::CREATED);
        ids.push(user.id);
        tokens.push(token);
    }
    let mut t = tokens.into_iter();
    let mut i = ids.into_iter();
    Team {
        admin,
        recruiter: t.next().unwrap(),
        recruiter_id: i.next().unwrap(),
        hm: t.next().unwrap(),
        hm_id: i.next().unwrap(),
        int1: t.next().unwrap(),
        int1_id: i.next().unwrap(),
        int2: t.next().unwrap(),
        int2_id: i.next().unwrap(),
        br: t.next().unwrap(),
        br_id: i.next().unwrap(),
        cand: t.next().unwrap(),
        cand_id: i.next().unwrap(),
    }
}

/// Who sits each round of the plan: (round id, panel of (user id, token)).
fn panels(t: &Team) -> Vec<(String, Vec<(String, String)>)> {
    let content = hiring_support::content();
    let plan = content
        .pipeline("alibaba-pm")
        .unwrap()
        .plan(&Profile {
            level: "P7".parse::<Level>().unwrap(),
            region: "international".into(),
        })
        .unwrap();
    let mut out = Vec::new();
    for stage in &plan.stages {
        for round in &stage.rounds {
            let one = |id: &str, tok: &str| (id.to_owned(), tok.to_owned());
            let panel = match round.interviewer {
                LoopRole::Recruiter => vec![one(&t.recruiter_id, &t.recruiter)],
                LoopRole::HiringManager => vec![one(&t.hm_id, &t.hm)],
                LoopRole::BarRaiser => vec![one(&t.br_id, &t.br)],
                LoopRole::Peer => vec![one(&t.int1_id, &t.int1)],
                LoopRole::Interviewer if round.id == "product-design" => {
                    vec![one(&t.int1_id, &t.int1), one(&t.int2_id, &t.int2)]
                }
                LoopRole::Interviewer => vec![one(&t.int1_id, &t.int1)],
            };
            out.push((round.id.clone(), panel));
        }
    }
    out
}

/// A scorecard rating every dimension of the interview's kit `rating`.
async fn card(app: &App, interview: &str, token: &str, rating: u8) -> Value {
    let kit = app
        .get(&format!("{ORG}/interviews/{interview}/kit"), token)
        .await;
    expect(&kit, StatusCode::OK);
    let mut ratings = serde_json::Map::new();
    let mut notes = serde_json::Map::new();
    for d in kit.json()["dimensions"].as_array().unwrap() {
        let id = d["dimension"].as_str().unwrap().to_owned();
        ratings.insert(id.clone(), json!(rating));
        if rating == 1 || rating == 4 {
            notes.insert(
                id,
                json!("The candidate showed this clearly with a concrete example."),
            );
        }
    }
    json!({
        "ratings": ratings,
        "notes": notes,
        "recommendation": if rating >= 3 { "yes" } else { "strong_no" },
        "summary": "A considered judgement written after the interview.",
    })
}

/// Adds a candidate, applies them and schedules every round; returns (candidate, application,
/// interviews by round).
async fn candidate(
    app: &App,
    t: &Team,
    req: &str,
    name: &str,
    email: &str,
    user: Option<&str>,
) -> (String, String, Vec<(String, String, Vec<(String, String)>)>) {
    let c = app
        .post(
            &format!("{ORG}/candidates"),
            &t.recruiter,
            json!({ "name": name, "email": email, "user_id": user }),
        )
        .await;
    expect(&c, StatusCode::CREATED);
    let cid = c.str("/id");
    let a = app
        .post(
            &format!("{ORG}/requisitions/{req}/applications"),
            &t.recruiter,
            json!({ "candidate_id": cid }),
        )
        .await;
    expect(&a, StatusCode::CREATED);
    let aid = a.str("/id");
    let mut interviews = Vec::new();
    for (i, (round, panel)) in panels(t).into_iter().enumerate() {
        let start = 1_900_000_000_000 + i64::try_from(i).unwrap() * 86_400_000;
        let ids: Vec<&str> = panel.iter().map(|(id, _)| id.as_str()).collect();
        let s = app
            .post(
                &format!("{ORG}/applications/{aid}/interviews"),
                &t.recruiter,
                json!({ "round": round, "starts_ms": start, "ends_ms": start + 3_600_000, "panel": ids }),
            )
            .await;
        expect(&s, StatusCode::CREATED);
        interviews.push((round, s.str("/id"), panel));
    }
    (cid, aid, interviews)
}

#[tokio::test]
async fn a_team_takes_candidates_from_application_to_decision() {
    let app = App::new().await;
    let t = team(&app).await;

    // The admin opens a requisition (blind first stage) and staffs its team.
    let r = app
        .post(
            &format!("{ORG}/requisitions"),
            &t.admin,
            json!({ "title": "Senior PM, checkout", "level_min": "P7", "level_max": "P8",
                    "region": "international", "language": "en", "blind_first_stage": true }),
        )
        .await;
    expect(&r, StatusCode::CREATED);
    let req = r.str("/id");
    let bad = app
        .post(&format!("{ORG}/requisitions"), &t.admin, json!({ "title": "x", "level_min": "P7", "level_max": "P5", "region": "international", "language": "en" }))
        .await;
    expect(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "level_max");
    for (id, role) in [(&t.recruiter_id, "recruiter"), (&t.hm_id, "hiring_manager")] {
        let added = app
            .post(
                &format!("{ORG}/requisitions/{req}/team"),
                &t.admin,
                json!({ "user_id": id, "role": role }),
            )
            .await;
        expect(&added, StatusCode::OK);
    }
    // The admin administers but does not run loops.
    let c = app
        .post(
            &format!("{ORG}/candidates"),
            &t.admin,
            json!({ "name": "X", "email": "x@example.com" }),
        )
        .await;
    expect(&c, StatusCode::CREATED);
    let c_id = c.str("/id");
    let refused = app
        .post(
            &format!("{ORG}/requisitions/{req}/applications"),
            &t.int1,
            json!({ "candidate_id": c_id }),
        )
        .await;
    expect(&refused, StatusCode::FORBIDDEN);
    assert!(refused.str("/error/message").contains("candidate_create"));

    let missing = app
        .post(
            &format!("{ORG}/candidates"),
            &t.recruiter,
            json!({ "email": "x@example.org" }),
        )
        .await;
    expect(&missing, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["error"]["field"], "name");

    // Ada applies; an interviewer not yet assigned cannot see her.
    let c = app
        .post(
            &format!("{ORG}/candidates"),
            &t.recruiter,
            json!({ "name": "Ada Lovelace", "email": "ada@example.org", "user_id": t.cand_id }),
        )
        .await;
    expect(&c, StatusCode::CREATED);
    let ada = c.str("/id");
    let a = app
        .post(
            &format!("{ORG}/requisitions/{req}/applications"),
            &t.recruiter,
            json!({ "candidate_id": ada }),
        )
        .await;
    expect(&a, StatusCode::CREATED);
    let ada_app = a.str("/id");
    expect(
        &app.get(&format!("{ORG}/candidates/{ada}"), &t.int1).await,
        StatusCode::FORBIDDEN,
    );
    let resume = app
        .post(&format!("{ORG}/candidates/{ada}/resumes"), &t.recruiter, json!({ "text": "Ada Lovelace, ada@example.org\nProduct manager at Example, 2019–present. Led checkout redesign; conversion up 12% for 3 million users." }))
        .await;
    expect(&resume, StatusCode::CREATED);
    assert_eq!(resume.json()["screen"]["advice_only"], true);

    let mut interviews = Vec::new();
    for (i, (round, panel)) in panels(&t).into_iter().enumerate() {
        let start = 1_900_000_000_000 + i64::try_from(i).unwrap() * 86_400_000;
        let ids: Vec<&str> = panel.iter().map(|(id, _)| id.as_str()).collect();
        let s = app
            .post(&format!("{ORG}/applications/{ada_app}/interviews"), &t.recruiter,
                  json!({ "round": round, "starts_ms": start, "ends_ms": start + 3_600_000, "panel": ids }))
            .await;
        expect(&s, StatusCode::CREATED);
        interviews.push((round, s.str("/id"), panel));
    }
    // Blind review: the assigned interviewer sees an alias and no contact details; the recruiter
    // sees who she is; the resume is redacted for the interviewer.
    let seen = app.get(&format!("{ORG}/candidates/{ada}"), &t.int1).await;
    expect(&seen, StatusCode::OK);
    assert_eq!(seen.json()["blind"], true);
    assert!(seen.str("/name").starts_with("Candidate "), "{}", seen.text);
    assert!(seen.json()["email"].is_null());
    assert_eq!(
        app.get(&format!("{ORG}/candidates/{ada}"), &t.recruiter)
            .await
            .str("/name"),
        "Ada Lovelace"
    );
    let redacted = app
        .get(&format!("{ORG}/candidates/{ada}/resumes"), &t.int1)
        .await;
    assert!(
        !redacted.text.contains("ada@example.org"),
        "{}",
        redacted.text
    );

    // A reschedule needs a reason and keeps the history; the calendar file follows.
    let (_, first_iv, _) = &interviews[0];
    let no_reason = app.post(&format!("{ORG}/interviews/{first_iv}/reschedule"), &t.recruiter, json!({ "starts_ms": 1_899_000_000_000_i64, "ends_ms": 1_899_003_600_000_i64, "reason": " " })).await;
    expect(&no_reason, StatusCode::UNPROCESSABLE_ENTITY);
    let moved = app.post(&format!("{ORG}/interviews/{first_iv}/reschedule"), &t.recruiter, json!({ "starts_ms": 1_899_000_000_000_i64, "ends_ms": 1_899_003_600_000_i64, "reason": "the interviewer is travelling" })).await;
    expect(&moved, StatusCode::OK);
    let history = app
        .get(&format!("{ORG}/interviews/{first_iv}"), &t.recruiter)
        .await;
    assert!(
        history.json()["history"].as_array().unwrap().len() >= 2,
        "{}",
        history.text
    );
    let ics = app
        .get(
            &format!("{ORG}/interviews/{first_iv}/calendar.ics"),
            &t.recruiter,
        )
        .await;
    expect(&ics, StatusCode::OK);
    assert!(ics.text.starts_with("BEGIN:VCALENDAR"), "{}", ics.text);
    assert!(ics.content_type.starts_with("text/calendar"));

    // The candidate sees their own status, never the application's internals.
    expect(
        &app.get(&format!("{ORG}/applications/{ada_app}/status"), &t.cand)
            .await,
        StatusCode::OK,
    );
    expect(
        &app.get(&format!("{ORG}/applications/{ada_app}"), &t.cand)
            .await,
        StatusCode::FORBIDDEN,
    );
    expect(
        &app.get(&format!("{ORG}/interviews/{first_iv}/kit"), &t.cand)
            .await,
        StatusCode::FORBIDDEN,
    );

    // Scorecards stay hidden from a panelist until their own is in.
    let (_, design, _) = interviews
        .iter()
        .find(|(r, _, _)| r == "product-design")
        .unwrap();
    let int1_card = card(&app, design, &t.int1, 3).await;
    let bad_card = app
        .post(
            &format!("{ORG}/interviews/{design}/scorecard/submit"),
            &t.int1,
            json!({ "ratings": { "structure": 4 } }),
        )
        .await;
    expect(&bad_card, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_card.str("/error/message").contains("problem(s)"),
        "{}",
        bad_card.text
    );
    expect(
        &app.post(
            &format!("{ORG}/interviews/{design}/scorecard/submit"),
            &t.int1,
            int1_card,
        )
        .await,
        StatusCode::CREATED,
    );
    let draft = app
        .put(
            &format!("{ORG}/interviews/{design}/scorecard"),
            &t.int2,
            json!({ "summary": "half-written" }),
        )
        .await;
    expect(&draft, StatusCode::OK);
    let hidden = app
        .get(&format!("{ORG}/applications/{ada_app}/scorecards"), &t.int2)
        .await;
    expect(&hidden, StatusCode::OK);
    assert_eq!(hidden.json()["others_visible"], false);
    assert!(
        hidden.json()["scorecards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["interviewer_id"] == t.int2_id.as_str())
    );
    expect(
        &app.get(&format!("{ORG}/applications/{ada_app}/debrief"), &t.int2)
            .await,
        StatusCode::CONFLICT,
    );
    let int2_card = card(&app, design, &t.int2, 3).await;
    expect(
        &app.post(
            &format!("{ORG}/interviews/{design}/scorecard/submit"),
            &t.int2,
            int2_card.clone(),
        )
        .await,
        StatusCode::CREATED,
    );
    let again = app
        .post(
            &format!("{ORG}/interviews/{design}/scorecard/submit"),
            &t.int2,
            int2_card,
        )
        .await;
    expect(&again, StatusCode::CONFLICT);
    let shown = app
        .get(&format!("{ORG}/applications/{ada_app}/scorecards"), &t.int2)
        .await;
    assert_eq!(shown.json()["others_visible"], true);
    assert!(
        shown.json()["scorecards"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["interviewer_id"] == t.int1_id.as_str())
    );

    // Everyone else scores.
    for (round, iv, panel) in &interviews {
        if round == "product-design" {
            continue;
        }
        for (_, token) in panel {
            let body = card(&app, iv, token, 3).await;
            expect(
                &app.post(
                    &format!("{ORG}/interviews/{iv}/scorecard/submit"),
                    token,
                    body,
                )
                .await,
                StatusCode::CREATED,
            );
        }
    }
    let debrief = app
        .get(
            &format!("{ORG}/applications/{ada_app}/debrief?coach=true"),
            &t.hm,
        )
        .await;
    expect(&debrief, StatusCode::OK);
    // The coach's view of the resume is shown beside the panel's, as advice.
    assert!(
        !debrief.json()["advice"].as_array().unwrap().is_empty(),
        "{}",
        debrief.text
    );
    assert_eq!(
        debrief.json()["decision"]["mechanical"],
        "hire",
        "{}",
        debrief.text
    );

    // The decision: only the hiring manager; an override needs a reason.
    expect(
        &app.post(
            &format!("{ORG}/applications/{ada_app}/decision"),
            &t.int1,
            json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let no_reason = app
        .post(
            &format!("{ORG}/applications/{ada_app}/decision"),
            &t.hm,
            json!({ "override_decision": "reject" }),
        )
        .await;
    expect(&no_reason, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.json()["error"]["field"], "override_reason");
    let decided = app
        .post(
            &format!("{ORG}/applications/{ada_app}/decision"),
            &t.hm,
            json!({}),
        )
        .await;
    expect(&decided, StatusCode::CREATED);
    assert_eq!(decided.str("/final_outcome"), "hire");

    // An offer above the band needs another person's approval, with a reason.
    let offer = app
        .post(
            &format!("{ORG}/applications/{ada_app}/offers"),
            &t.recruiter,
            json!({ "amount": 2_000_000, "currency": "CNY", "level": "P7" }),
        )
        .await;
    expect(&offer, StatusCode::CREATED);
    assert_eq!(
        offer.json()["check"]["needs_approval"],
        true,
        "{}",
        offer.text
    );
    let offer_id = offer.str("/offer/id");
    let early = app
        .post(
            &format!("{ORG}/offers/{offer_id}/status"),
            &t.recruiter,
            json!({ "status": "sent" }),
        )
        .await;
    expect(&early, StatusCode::CONFLICT);
    expect(
        &app.post(
            &format!("{ORG}/offers/{offer_id}/approve"),
            &t.recruiter,
            json!({ "reason": "the market for this role is far above the band" }),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let bare = app
        .post(
            &format!("{ORG}/offers/{offer_id}/approve"),
            &t.hm,
            json!({}),
        )
        .await;
    expect(&bare, StatusCode::UNPROCESSABLE_ENTITY);
    let approved = app
        .post(
            &format!("{ORG}/offers/{offer_id}/approve"),
            &t.hm,
            json!({ "reason": "competing offer documented; the band is a year old" }),
        )
        .await;
    expect(&approved, StatusCode::OK);
    expect(
        &app.post(
            &format!("{ORG}/offers/{offer_id}/status"),
            &t.recruiter,
            json!({ "status": "sent" }),
        )
        .await,
        StatusCode::OK,
    );
    expect(
        &app.post(
            &format!("{ORG}/offers/{offer_id}/status"),
            &t.recruiter,
            json!({ "status": "accepted" }),
        )
        .await,
        StatusCode::OK,
    );
    expect(
        &app.post(
            &format!("{ORG}/applications/{ada_app}/hire"),
            &t.hm,
            json!({}),
        )
        .await,
        StatusCode::OK,
    );
    // An interviewer sees the application's schedule, not the pay.
    let as_interviewer = app
        .get(&format!("{ORG}/applications/{ada_app}"), &t.int1)
        .await;
    expect(&as_interviewer, StatusCode::OK);
    assert!(
        as_interviewer.json()["offers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let as_hm = app
        .get(&format!("{ORG}/applications/{ada_app}"), &t.hm)
        .await;
    assert_eq!(as_hm.json()["offers"].as_array().unwrap().len(), 1);
    assert!(
        as_hm.json()["timeline"]["visits"].is_array(),
        "{}",
        as_hm.text
    );

    // Bob: the bar raiser says no, and the veto holds against any override.
    let (bob, bob_app, bob_interviews) =
        candidate(&app, &t, &req, "Bob Example", "bob@example.org", None).await;
    for (round, iv, panel) in &bob_interviews {
        for (_, token) in panel {
            let rating = if round == "bar-raiser" { 1 } else { 4 };
            let body = card(&app, iv, token, rating).await;
            expect(
                &app.post(
                    &format!("{ORG}/interviews/{iv}/scorecard/submit"),
                    token,
                    body,
                )
                .await,
                StatusCode::CREATED,
            );
        }
    }
    let overturn = app
        .post(&format!("{ORG}/applications/{bob_app}/decision"), &t.hm, json!({ "override_decision": "hire", "override_reason": "every other round was outstanding, so we disagree" }))
        .await;
    expect(&overturn, StatusCode::FORBIDDEN);
    assert!(
        overturn
            .str("/error/message")
            .contains("decision_overturn_veto"),
        "{}",
        overturn.text
    );
    let vetoed = app
        .post(
            &format!("{ORG}/applications/{bob_app}/decision"),
            &t.hm,
            json!({}),
        )
        .await;
    expect(&vetoed, StatusCode::CREATED);
    assert_eq!(vetoed.str("/final_outcome"), "reject");
    assert_eq!(vetoed.json()["vetoed"], true);
    expect(
        &app.post(
            &format!("{ORG}/applications/{bob_app}/reject"),
            &t.recruiter,
            json!({ "reason": "vetoed" }),
        )
        .await,
        StatusCode::OK,
    );

    // Reports and the overdue list answer for the team.
    let csv = app
        .get(
            &format!("{ORG}/requisitions/{req}/reports/funnel?format=csv"),
            &t.hm,
        )
        .await;
    expect(&csv, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv"));
    let svg = app
        .get(
            &format!("{ORG}/requisitions/{req}/reports/time_in_stage?format=svg"),
            &t.recruiter,
        )
        .await;
    expect(&svg, StatusCode::OK);
    assert!(svg.text.contains("<svg"));

    for kind in [
        "time_to_decision",
        "calibration",
        "agreement",
        "adverse_impact",
    ] {
        let r = app
            .get(&format!("{ORG}/requisitions/{req}/reports/{kind}"), &t.hm)
            .await;
        expect(&r, StatusCode::OK);
    }
    let unknown = app
        .get(&format!("{ORG}/requisitions/{req}/reports/vibes"), &t.hm)
        .await;
    expect(&unknown, StatusCode::UNPROCESSABLE_ENTITY);

    // The audit chain verifies; erasure leaves only the tombstone and the chain still verifies.
    let verified = app.get(&format!("{ORG}/audit/verify"), &t.admin).await;
    expect(&verified, StatusCode::OK);
    assert!(verified.json().get("Intact").is_some(), "{}", verified.text);
    expect(
        &app.delete(&format!("{ORG}/candidates/{bob}"), &t.recruiter)
            .await,
        StatusCode::FORBIDDEN,
    );
    let erased = app
        .delete(&format!("{ORG}/candidates/{bob}"), &t.admin)
        .await;
    expect(&erased, StatusCode::OK);
    assert_eq!(erased.str("/candidate_id"), bob);
    expect(
        &app.get(&format!("{ORG}/candidates/{bob}"), &t.recruiter)
            .await,
        StatusCode::NOT_FOUND,
    );
    expect(
        &app.get(&format!("{ORG}/applications/{bob_app}"), &t.recruiter)
            .await,
        StatusCode::NOT_FOUND,
    );
    expect(
        &app.get(&format!("{ORG}/candidates/{bob}/export"), &t.admin)
            .await,
        StatusCode::NOT_FOUND,
    );
    let search = app
        .get(&format!("{ORG}/candidates?q=bob"), &t.recruiter)
        .await;
    assert!(
        search.json()["items"].as_array().unwrap().is_empty(),
        "{}",
        search.text
    );
    let log = app.get(&format!("{ORG}/audit?limit=1000"), &t.admin).await;
    assert!(
        !log.text.contains("Bob Example") && !log.text.contains("bob@example.org"),
        "personal data left in the log"
    );
    let verified = app.get(&format!("{ORG}/audit/verify"), &t.admin).await;
    assert!(verified.json().get("Intact").is_some(), "{}", verified.text);

    // Ada's data can be exported by the admin.
    let export = app
        .get(&format!("{ORG}/candidates/{ada}/export"), &t.admin)
        .await;
    expect(&export, StatusCode::OK);
    assert!(export.text.contains("Ada Lovelace"));
}

#[tokio::test]
async fn an_assessment_link_is_taken_and_graded() {
    let app = App::new().await;
    let t = team(&app).await;
    let r = app
        .post(&format!("{ORG}/requisitions"), &t.recruiter, json!({ "title": "PM", "level_min": "P5", "level_max": "P6", "region": "china", "language": "en" }))
        .await;
    expect(&r, StatusCode::CREATED);
    let req = r.str("/id");
    let c = app
        .post(
            &format!("{ORG}/candidates"),
            &t.recruiter,
            json!({ "name": "Cy", "email": "cy@example.org" }),
        )
        .await;
    let a = app
        .post(
            &format!("{ORG}/requisitions/{req}/applications"),
            &t.recruiter,
            json!({ "candidate_id": c.str("/id") }),
        )
        .await;
    expect(&a, StatusCode::CREATED);
    let link = app
        .post(
            &format!("{ORG}/applications/{}/assessments", a.str("/id")),
            &t.recruiter,
            json!({}),
        )
        .await;
    expect(&link, StatusCode::CREATED);
    let path = link.str("/path");
    let view = app.call(&Method::GET, &path, None, None).await;
    expect(&view, StatusCode::OK);
    let key = view.json()["plan"]["items"][0]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = app
        .call(
            &Method::POST,
            &format!("{path}/start"),
            None,
            Some(&json!({})),
        )
        .await;
    expect(&started, StatusCode::OK);
    assert!(started.json()["deadline_ms"].is_i64());
    let saved = app
        .call(
            &Method::PUT,
            &format!("{path}/answer"),
            None,
            Some(&json!({ "key": key, "text": "0" })),
        )
        .await;
    expect(&saved, StatusCode::OK);
    let bad_key = app
        .call(
            &Method::PUT,
            &format!("{path}/answer"),
            None,
            Some(&json!({ "key": "nope", "text": "0" })),
        )
        .await;
    expect(&bad_key, StatusCode::UNPROCESSABLE_ENTITY);
    let submitted = app
        .call(
            &Method::POST,
            &format!("{path}/submit"),
            None,
            Some(&json!({})),
        )
        .await;
    expect(&submitted, StatusCode::OK);
    assert!(
        submitted.json()["result"]["score"].is_number(),
        "{}",
        submitted.text
    );
    // A tampered token opens nothing.
    let tampered = format!("{}x", path);
    expect(
        &app.call(&Method::GET, &tampered, None, None).await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_with_every_problem_listed() {
    let app = App::new().await;
    let t = team(&app).await;
    let send = |body: &'static str| {
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("{ORG}/candidates/import"))
            .header("authorization", format!("Bearer {}", t.recruiter))
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(body))
            .unwrap();
        let router = app.router.clone();
        async move {
            use tower::ServiceExt;
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let (status, text) = send("name,email\nAna,not-an-email\n,b@example.org\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("line 2") && text.contains("line 3"), "{text}");
    let none = app.get(&format!("{ORG}/candidates"), &t.recruiter).await;
    assert!(none.json()["items"].as_array().unwrap().is_empty());
    let (status, text) = send("name,email\nAna,ana@example.org\nBen,ben@example.org\n").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let (status, text) = send("name,email\nAnn,ANA@example.org\nCal,cal@example.org\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let all = app.get(&format!("{ORG}/candidates"), &t.recruiter).await;
    assert_eq!(
        all.json()["items"].as_array().unwrap().len(),
        2,
        "nothing of a refused file is kept"
    );
}

#[tokio::test]
async fn stage_changes_are_delivered_to_webhooks_signed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = App::new().await;
    let t = team(&app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let receiver = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut got = Vec::new();
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap();
                if body.len() >= len {
                    socket
                        .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                        .await
                        .unwrap();
                    return text;
                }
            }
            if n == 0 {
                return text;
            }
        }
    });
    let hook = app
        .post(&format!("{ORG}/webhooks"), &t.admin, json!({ "url": format!("http://127.0.0.1:{port}/hook"), "secret": "shared secret of the receiver", "events": ["application.stage_changed"] }))
        .await;
    expect(&hook, StatusCode::CREATED);
    assert!(
        !hook.text.contains("shared secret"),
        "the secret is never shown"
    );
    let r = app
        .post(&format!("{ORG}/requisitions"), &t.recruiter, json!({ "title": "PM", "level_min": "P7", "level_max": "P7", "region": "china", "language": "zh" }))
        .await;
    let req = r.str("/id");
    let c = app
        .post(
            &format!("{ORG}/candidates"),
            &t.recruiter,
            json!({ "name": "Dee", "email": "dee@example.org" }),
        )
        .await;
    let a = app
        .post(
            &format!("{ORG}/requisitions/{req}/applications"),
            &t.recruiter,
            json!({ "candidate_id": c.str("/id") }),
        )
        .await;
    let bad = app
        .post(
            &format!("{ORG}/applications/{}/move", a.str("/id")),
            &t.recruiter,
            json!({ "stage": "nowhere" }),
        )
        .await;
    expect(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "stage");
    let moved = app
        .post(
            &format!("{ORG}/applications/{}/move", a.str("/id")),
            &t.recruiter,
            json!({ "stage": "recruiter-screen" }),
        )
        .await;
    expect(&moved, StatusCode::OK);
    let sent = hireloop_web::hiring::delivery::run_once(&app.state)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let request = receiver.await.unwrap();
    let (head, body) = request.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("POST /hook HTTP/1.1"));
    let signature = head
        .lines()
        .find_map(|l| l.strip_prefix("Hireloop-Signature: "))
        .expect("signed");
    let now = app.state.now_ms() / 1000;
    hireloop_hiring::webhook::verify(signature, body, b"shared secret of the receiver", now, 300)
        .unwrap();
    assert!(body.contains("application.stage_changed"));
    // Delivered once: nothing is due any more.
    assert_eq!(
        hireloop_web::hiring::delivery::run_once(&app.state)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_cached_report_is_served_until_the_audit_head_moves() {
    use hireloop_hiring::roles::Role;
    use hireloop_web::hiring::cache::ReportKey;
    use hireloop_web::hiring::service::records::Rendered;

    let app = App::new().await;
    let t = team(&app).await;
    let r = app
        .post(
            &format!("{ORG}/requisitions"),
            &t.admin,
            json!({ "title": "PM, search", "level_min": "P7", "level_max": "P8",
                    "region": "china", "language": "en" }),
        )
        .await;
    expect(&r, StatusCode::CREATED);
    let req = r.str("/id");
    let path = format!("{ORG}/requisitions/{req}/reports/funnel?format=csv");
    let first = app.get(&path, &t.admin).await;
    expect(&first, StatusCode::OK);
    assert_eq!(app.state.reports().len(), 1, "the report is kept");

    // A marker filed under the current key (the organisation's audit head as the database has
    // it) is what the next request gets: it is answered from the cache.
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let seq = app.store.audit_head_seq(&org.id).await.unwrap();
    app.state.reports().put(
        ReportKey {
            org_id: org.id.clone(),
            requisition_id: req.clone(),
            kind: "funnel".into(),
            format: "csv".into(),
            audit_seq: seq,
        },
        Rendered::Csv("from the cache".into()),
        app.state.now_ms(),
    );
    let cached = app.get(&path, &t.admin).await;
    expect(&cached, StatusCode::OK);
    assert_eq!(cached.text, "from the cache");

    // A change written straight through the store, as another process sharing the database
    // would write it, appends to the audit chain: the head moves, so the marker is stale and
    // the report is computed afresh.
    let admin_id = app
        .store
        .members(&org.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.role == Role::Admin)
        .unwrap()
        .user_id;
    app.store
        .set_retention(&org.id, 400, &admin_id, app.state.now_ms())
        .await
        .unwrap();
    assert!(app.store.audit_head_seq(&org.id).await.unwrap() > seq);
    let fresh = app.get(&path, &t.admin).await;
    expect(&fresh, StatusCode::OK);
    assert_ne!(fresh.text, "from the cache");
    assert_eq!(fresh.text, first.text, "nothing the funnel counts changed");

    // A change the report shows (an application) is reflected on the next request.
    let c = app
        .post(
            &format!("{ORG}/candidates"),
            &t.recruiter,
            json!({ "name": "Li Wei", "email": "li.wei@example.org" }),
        )
        .await;
    expect(&c, StatusCode::CREATED);
    let a = app
        .post(
            &format!("{ORG}/requisitions/{req}/applications"),
            &t.admin,
            json!({ "candidate_id": c.str("/id") }),
        )
        .await;
    expect(&a, StatusCode::CREATED);
    let after = app.get(&path, &t.admin).await;
    expect(&after, StatusCode::OK);
    assert_ne!(after.text, first.text, "the new application is counted");
}
