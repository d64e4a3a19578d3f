//! Hiring mode's HTML pages, driven in process as a browser would (session cookie, forms with
//! the anti-forgery token): each page renders for a role the policy allows and is refused with an
//! HTML page for one it does not; the scorecard form keeps its input through a validation error;
//! forms without the token change nothing; a blinded candidate's name never reaches an
//! interviewer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hiring_support;

use axum::http::StatusCode;
use hiring_support::pages::{CSRF, browse};
use hiring_support::{App, expect};
use serde_json::{Value, json};

struct World {
    app: App,
    admin: String,
    recruiter: String,
    hm: String,
    int1: String,
    int1_id: String,
    int2: String,
    outsider: String,
    req: String,
    application: String,
    interview: String,
    dims: Vec<String>,
}

/// An organisation with a blind requisition, Ada applied to it and one interview with `int1` on
/// the panel; `int2` is an interviewer of the organisation on no panel.
async fn world() -> World {
    let app = App::new().await;
    let (_, admin) = app.user("Alex Admin").await;
    expect(
        &app.post(
            "/api/orgs",
            &admin,
            json!({ "name": "Acme", "slug": "acme" }),
        )
        .await,
        StatusCode::CREATED,
    );
    let mut people = Vec::new();
    for (name, role) in [
        ("Rita Recruiter", "recruiter"),
        ("Hank Manager", "hiring_manager"),
        ("Ivy Interviewer", "interviewer"),
        ("Ian Idle", "interviewer"),
    ] {
        let (user, token) = app.user(name).await;
        expect(
            &app.post(
                "/api/orgs/acme/members",
                &admin,
                json!({ "email": user.email, "role": role }),
            )
            .await,
            StatusCode::CREATED,
        );
        people.push((user.id, token));
    }
    let (_, outsider) = app.user("Olga Outsider").await;
    let req = app
        .post(
            "/api/orgs/acme/requisitions",
            &admin,
            json!({ "title": "Senior PM, checkout", "level_min": "P7", "level_max": "P8",
                    "region": "international", "language": "en", "blind_first_stage": true }),
        )
        .await;
    expect(&req, StatusCode::CREATED);
    let req = req.str("/id");
    for (i, role) in [(0, "recruiter"), (1, "hiring_manager")] {
        expect(
            &app.post(
                &format!("/api/orgs/acme/requisitions/{req}/team"),
                &admin,
                json!({ "user_id": people[i].0, "role": role }),
            )
            .await,
            StatusCode::OK,
        );
    }
    let recruiter = people[0].1.clone();
    let c = app
        .post(
            "/api/orgs/acme/candidates",
            &recruiter,
            json!({ "name": "Ada Lovelace", "email": "ada@example.org" }),
        )
        .await;
    expect(&c, StatusCode::CREATED);
    let a = app
        .post(
            &format!("/api/orgs/acme/requisitions/{req}/applications"),
            &recruiter,
            json!({ "candidate_id": c.str("/id") }),
        )
        .await;
    expect(&a, StatusCode::CREATED);
    let application = a.str("/id");
    // Two days from now, so it is among the interviewer's upcoming ones.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let start = i64::try_from(now).unwrap() / 3_600_000 * 3_600_000 + 2 * 86_400_000;
    let iv = app
        .post(
            &format!("/api/orgs/acme/applications/{application}/interviews"),
            &recruiter,
            json!({ "round": "product-design", "starts_ms": start, "ends_ms": start + 3_600_000,
                    "panel": [people[2].0] }),
        )
        .await;
    expect(&iv, StatusCode::CREATED);
    let interview = iv.str("/id");
    let kit = app
        .get(
            &format!("/api/orgs/acme/interviews/{interview}/kit"),
            &people[2].1,
        )
        .await;
    expect(&kit, StatusCode::OK);
    let dims = kit.json()["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dimension"].as_str().unwrap().to_owned())
        .collect();
    let mut p = people.into_iter();
    let (_, recruiter) = p.next().unwrap();
    let (_, hm) = p.next().unwrap();
    let (int1_id, int1) = p.next().unwrap();
    let (_, int2) = p.next().unwrap();
    World {
        app,
        admin,
        recruiter,
        hm,
        int1,
        int1_id,
        int2,
        outsider,
        req,
        application,
        interview,
        dims,
    }
}

#[tokio::test]
async fn each_page_renders_for_an_allowed_role_and_is_refused_as_a_page_otherwise() {
    let w = world().await;
    let app = &w.app;
    let req = format!("/orgs/acme/requisitions/{}", w.req);
    let application = format!("/orgs/acme/applications/{}", w.application);
    let scorecard = format!("/orgs/acme/interviews/{}/scorecard", w.interview);
    let debrief = format!("{application}/debrief");

    // The organisations page: everyone signed in; the organisation only for its members.
    let orgs = browse(app, &w.outsider, "/orgs", None).await;
    orgs.is_page(StatusCode::OK);
    assert!(orgs.has("Start an organisation") && !orgs.has("/orgs/acme\""));
    let mine = browse(app, &w.int1, "/orgs", None).await;
    assert!(mine.has("href=\"/orgs/acme\""), "{}", mine.body);
    browse(app, &w.outsider, "/orgs/acme", None)
        .await
        .is_page(StatusCode::NOT_FOUND);
    let home = browse(app, &w.int1, "/orgs/acme", None).await;
    home.is_page(StatusCode::OK);
    assert!(home.has("Your upcoming interviews") && home.has(&scorecard));
    assert!(
        home.has("Senior PM, checkout"),
        "the requisition they interview for"
    );
    assert!(
        !home.has("active application"),
        "counts are the team's business"
    );
    // The navigation links members to hiring mode from every page.
    assert!(
        browse(app, &w.int1, "/practice", None)
            .await
            .has("href=\"/orgs\"")
    );
    assert!(
        !browse(app, &w.outsider, "/practice", None)
            .await
            .has("href=\"/orgs\"")
    );
    let home = browse(app, &w.int2, "/orgs/acme", None).await;
    home.is_page(StatusCode::OK);
    assert!(!home.has("Senior PM, checkout"), "{}", home.body);

    // The requisition: the team sees the board with names; an interviewer on no panel is
    // refused with the policy's reason; an outsider does not learn it exists.
    let page = browse(app, &w.recruiter, &req, None).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Ada Lovelace") && page.has("Move to"));
    let refused = browse(app, &w.int2, &req, None).await;
    refused.is_page(StatusCode::FORBIDDEN);
    assert!(refused.has("requisition_view"), "{}", refused.body);
    browse(app, &w.outsider, &req, None)
        .await
        .is_page(StatusCode::NOT_FOUND);

    // The application.
    let page = browse(app, &w.recruiter, &application, None).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("ada@example.org") && page.has("Schedule an interview"));
    assert!(page.has("calendar.ics"));
    browse(app, &w.int2, &application, None)
        .await
        .is_page(StatusCode::FORBIDDEN);
    let hm = browse(app, &w.hm, &application, None).await;
    hm.is_page(StatusCode::OK);
    assert!(!hm.has("Schedule an interview"), "recruiters schedule");

    // The scorecard form: only the panel.
    let form = browse(app, &w.int1, &scorecard, None).await;
    form.is_page(StatusCode::OK);
    assert!(form.has("Interview kit") && form.has("Submit scorecard"));
    assert!(form.has(&format!("name=\"rating.{}\"", w.dims[0])));
    browse(app, &w.recruiter, &scorecard, None)
        .await
        .is_page(StatusCode::FORBIDDEN);

    // The debrief: the hiring team; a panelist only once their own card is in.
    let page = browse(app, &w.hm, &debrief, None).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Mechanical result") && page.has("advice only"));
    let waiting = browse(app, &w.int1, &debrief, None).await;
    waiting.is_page(StatusCode::OK);
    assert!(
        waiting.has("submit your own scorecard first"),
        "{}",
        waiting.body
    );
    browse(app, &w.int2, &debrief, None)
        .await
        .is_page(StatusCode::FORBIDDEN);
    browse(app, &w.admin, &debrief, None)
        .await
        .is_page(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_blinded_candidate_is_never_named_to_an_interviewer() {
    let w = world().await;
    let app = &w.app;
    let paths = [
        "/orgs/acme".to_owned(),
        format!("/orgs/acme/requisitions/{}", w.req),
        format!("/orgs/acme/applications/{}", w.application),
        format!("/orgs/acme/interviews/{}/scorecard", w.interview),
        format!("/orgs/acme/applications/{}/debrief", w.application),
    ];
    for path in &paths {
        let page = browse(app, &w.int1, path, None).await;
        page.is_page(StatusCode::OK);
        for secret in ["Ada", "Lovelace", "ada@example.org"] {
            assert!(!page.has(secret), "{path} shows {secret:?}: {}", page.body);
        }
    }
    let app_page = browse(
        app,
        &w.int1,
        &format!("/orgs/acme/applications/{}", w.application),
        None,
    )
    .await;
    assert!(app_page.has("Candidate ") && app_page.has("Blind review"));
    // The recruiter, who contacts candidates, sees who she is.
    let page = browse(
        app,
        &w.recruiter,
        &format!("/orgs/acme/applications/{}", w.application),
        None,
    )
    .await;
    assert!(page.has("Ada Lovelace"));
}

#[tokio::test]
async fn the_scorecard_form_keeps_its_input_through_a_validation_error() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/acme/interviews/{}/scorecard", w.interview);
    let first = format!("rating.{}", w.dims[0]);
    let second = format!("rating.{}", w.dims[1]);
    let second_note = format!("note.{}", w.dims[1]);

    // A 4 without its note, the rest unrated, a short summary.
    let bad = browse(
        app,
        &w.int1,
        &path,
        Some(&[
            ("_csrf", CSRF),
            ("action", "submit"),
            (&first, "4"),
            (&second, "2"),
            (&second_note, "Some <b>grouping</b> seen"),
            ("recommendation", "yes"),
            ("summary", "Too short"),
        ]),
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("Not submitted yet"));
    let note_error = format!("id=\"note-{}-error\"", w.dims[0]);
    assert!(bad.has(&note_error), "the note problem sits by its field");
    assert!(bad.has("needs a note of at least 30 characters"));
    assert!(
        bad.has(&format!("id=\"rating-{}-error\"", w.dims[2])),
        "unrated"
    );
    assert!(bad.has("id=\"summary-error\""));
    // What was typed is still there, escaped.
    assert!(bad.has(&format!(
        "id=\"r-{}-4\" name=\"{first}\" value=\"4\" checked",
        w.dims[0]
    )));
    assert!(bad.has(&format!(
        "id=\"r-{}-2\" name=\"{second}\" value=\"2\" checked",
        w.dims[1]
    )));
    assert!(
        bad.has("Some &lt;b&gt;grouping&lt;/b&gt; seen") || bad.has("Some &#60;b&#62;grouping"),
        "{}",
        bad.body
    );
    assert!(!bad.has("<b>grouping</b>"));
    assert!(bad.has(">Too short</textarea>"));
    assert!(bad.has("id=\"rec-yes\" name=\"recommendation\" value=\"yes\" checked"));

    // Nothing was submitted; the input was kept as the draft.
    let own = app
        .get(
            &format!("/api/orgs/acme/interviews/{}/scorecard", w.interview),
            &w.int1,
        )
        .await;
    expect(&own, StatusCode::OK);
    assert!(own.json()["submitted_ms"].is_null());
    assert_eq!(own.json()["summary"], "Too short");

    // Saving a draft is always possible and comes back to the form.
    let saved = browse(
        app,
        &w.int1,
        &path,
        Some(&[("_csrf", CSRF), ("action", "save"), (&first, "3")]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location.starts_with(&path));
    assert!(browse(app, &w.int1, &path, None).await.has("Draft saved"));

    // A complete card submits and leads to the application.
    let mut fields: Vec<(String, String)> = vec![
        ("_csrf".into(), CSRF.into()),
        ("action".into(), "submit".into()),
        ("recommendation".into(), "yes".into()),
        (
            "summary".into(),
            "A considered judgement written after the interview.".into(),
        ),
    ];
    for d in &w.dims {
        fields.push((format!("rating.{d}"), "3".into()));
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = browse(app, &w.int1, &path, Some(&refs)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location,
        format!("/orgs/acme/applications/{}", w.application)
    );
    let after = browse(app, &w.int1, &path, None).await;
    assert!(after.has("Your submitted scorecard") && !after.has("Submit scorecard"));
    // Now the panelist may read the debrief.
    let debrief = browse(
        app,
        &w.int1,
        &format!("/orgs/acme/applications/{}/debrief", w.application),
        None,
    )
    .await;
    debrief.is_page(StatusCode::OK);
    assert!(debrief.has("Ivy Interviewer") && debrief.has("Mechanical result"));
}

#[tokio::test]
async fn forms_without_the_token_are_refused_and_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let refused = browse(
        app,
        &w.outsider,
        "/orgs",
        Some(&[("name", "Evil"), ("slug", "evil")]),
    )
    .await;
    refused.is_page(StatusCode::FORBIDDEN);
    let wrong = browse(
        app,
        &w.outsider,
        "/orgs",
        Some(&[("_csrf", "not-it"), ("name", "Evil"), ("slug", "evil")]),
    )
    .await;
    wrong.is_page(StatusCode::FORBIDDEN);
    assert!(!browse(app, &w.outsider, "/orgs", None).await.has("Evil"));

    let path = format!("/orgs/acme/interviews/{}/scorecard", w.interview);
    browse(
        app,
        &w.int1,
        &path,
        Some(&[("action", "save"), ("summary", "forged")]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    let own = app
        .get(
            &format!("/api/orgs/acme/interviews/{}/scorecard", w.interview),
            &w.int1,
        )
        .await;
    assert_ne!(own.json()["summary"], "forged");

    let moved = browse(
        app,
        &w.recruiter,
        &format!("/orgs/acme/applications/{}/move", w.application),
        Some(&[("stage", "recruiter-screen")]),
    )
    .await;
    moved.is_page(StatusCode::FORBIDDEN);
    let a = app
        .get(
            &format!("/api/orgs/acme/applications/{}", w.application),
            &w.recruiter,
        )
        .await;
    assert_eq!(a.json()["application"]["stage_id"], "resume-screen");
}

#[tokio::test]
async fn the_team_runs_the_loop_through_the_forms() {
    let w = world().await;
    let app = &w.app;

    // A new organisation from the form; a bad slug comes back beside its field.
    let bad = browse(
        app,
        &w.outsider,
        "/orgs",
        Some(&[
            ("_csrf", CSRF),
            ("name", "Olga's Org"),
            ("slug", "Bad Slug"),
        ]),
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"org-slug-error\""), "{}", bad.body);
    assert!(
        bad.has("value=\"Olga&#39;s Org\"") || bad.has("value=\"Olga&#x27;s Org\""),
        "{}",
        bad.body
    );
    let made = browse(
        app,
        &w.outsider,
        "/orgs",
        Some(&[("_csrf", CSRF), ("name", "Olga Org"), ("slug", "olga")]),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert_eq!(made.location, "/orgs/olga");

    // The recruiter adds a candidate and applies them from the requisition page.
    let req = format!("/orgs/acme/requisitions/{}", w.req);
    let added = browse(
        app,
        &w.recruiter,
        &format!("{req}/applications"),
        Some(&[
            ("_csrf", CSRF),
            ("mode", "new"),
            ("name", "Ben Carter"),
            ("email", "not-an-email"),
        ]),
    )
    .await;
    added.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(added.has("id=\"new-email-error\"") && added.has("value=\"Ben Carter\""));
    let added = browse(
        app,
        &w.recruiter,
        &format!("{req}/applications"),
        Some(&[
            ("_csrf", CSRF),
            ("mode", "new"),
            ("name", "Ben Carter"),
            ("email", "ben@example.org"),
        ]),
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert!(added.location.starts_with("/orgs/acme/applications/"));
    assert!(
        browse(app, &w.recruiter, &req, None)
            .await
            .has("Ben Carter")
    );

    // The hiring manager moves Ada on; the board shows it.
    let moved = browse(
        app,
        &w.hm,
        &format!("/orgs/acme/applications/{}/move", w.application),
        Some(&[
            ("_csrf", CSRF),
            ("stage", "recruiter-screen"),
            ("back", &req),
        ]),
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(moved.location, req);
    let a = app
        .get(
            &format!("/api/orgs/acme/applications/{}", w.application),
            &w.recruiter,
        )
        .await;
    assert_eq!(a.json()["application"]["stage_id"], "recruiter-screen");
    // An interviewer may not move applications.
    browse(
        app,
        &w.int1,
        &format!("/orgs/acme/applications/{}/move", w.application),
        Some(&[("_csrf", CSRF), ("stage", "product-rounds")]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);

    // The recruiter schedules a round: an end before the start is shown by its field.
    let application = format!("/orgs/acme/applications/{}", w.application);
    let bad = browse(
        app,
        &w.recruiter,
        &format!("{application}/interviews"),
        Some(&[
            ("_csrf", CSRF),
            ("round", "recruiter-call"),
            ("starts", "2030-03-01T10:00"),
            ("ends", "2030-03-01T09:00"),
            ("panel", &w.int1_id),
        ]),
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"sch-ends-error\"") && bad.has("value=\"2030-03-01T10:00\""));
    let ok = browse(
        app,
        &w.recruiter,
        &format!("{application}/interviews"),
        Some(&[
            ("_csrf", CSRF),
            ("round", "recruiter-call"),
            ("starts", "2030-03-01T10:00"),
            ("ends", "2030-03-01T10:45"),
            ("panel", &w.int1_id),
        ]),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = browse(app, &w.recruiter, &application, None).await;
    assert!(page.has("Screening call") && page.has("1 Mar 2030, 10:00 UTC"));
    let list: Value = app
        .get(
            &format!("/api/orgs/acme/applications/{}/interviews", w.application),
            &w.recruiter,
        )
        .await
        .json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));

    // Offers wait for the decision to hire; interviewers never propose them.
    let early = browse(
        app,
        &w.recruiter,
        &format!("{application}/offers"),
        Some(&[
            ("_csrf", CSRF),
            ("amount", "650000"),
            ("currency", "CNY"),
            ("level", "P7"),
        ]),
    )
    .await;
    early.is_page(StatusCode::CONFLICT);
    assert!(
        early.has("record the decision to hire first"),
        "{}",
        early.body
    );
    browse(
        app,
        &w.int1,
        &format!("{application}/offers"),
        Some(&[
            ("_csrf", CSRF),
            ("amount", "650000"),
            ("currency", "CNY"),
            ("level", "P7"),
        ]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
}
