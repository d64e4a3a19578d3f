//! Hiring mode's application flow through the HTML pages, as browsers would drive it: the
//! recruiter issues the assessment link and the candidate takes the test through it without an
//! account; applications are rejected, withdrawn and hired by forms each role may use and no
//! other; interviews are moved (with their history) and cancelled; offers move on; a candidate
//! sees their own status page and nothing else; the overdue scorecards are listed; and every
//! round of the pipeline can be scheduled and the loop decided through the forms.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hiring_support;

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use hiring_support::pages::{CSRF, Html, browse, visit};
use hiring_support::{App, HandClock, expect};
use serde_json::{Value, json};

struct World {
    app: App,
    clock: HandClock,
    recruiter: String,
    hm: String,
    int1: String,
    int1_id: String,
    br_id: String,
    cand: String,
    /// Ada's application (Ada is the `cand` account).
    ada: String,
    /// Bob's application (another candidate account).
    bob: String,
}

/// Acme with a P5–P6 requisition (so its plan has the online assessment), its recruiter and
/// hiring manager on the team, two interviewers, a bar raiser, and two candidates with accounts,
/// Ada and Bob, each applied.
async fn world() -> World {
    let (app, clock) = App::with_hand_clock().await;
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
        ("Ian Second", "interviewer"),
        ("Bea Raiser", "bar_raiser"),
        ("Ada Lovelace", "candidate"),
        ("Bob Byron", "candidate"),
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
    let req = app
        .post(
            "/api/orgs/acme/requisitions",
            &admin,
            json!({ "title": "Product Manager, growth", "level_min": "P5", "level_max": "P6",
                    "region": "china", "language": "en" }),
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
    let mut apps = Vec::new();
    for (name, email, who) in [
        ("Ada Lovelace", "ada@example.org", 5),
        ("Bob Byron", "bob@example.org", 6),
    ] {
        let c = app
            .post(
                "/api/orgs/acme/candidates",
                &recruiter,
                json!({ "name": name, "email": email, "user_id": people[who].0 }),
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
        apps.push(a.str("/id"));
    }
    World {
        app,
        clock,
        recruiter,
        hm: people[1].1.clone(),
        int1: people[2].1.clone(),
        int1_id: people[2].0.clone(),
        br_id: people[4].0.clone(),
        cand: people[5].1.clone(),
        ada: apps[0].clone(),
        bob: apps[1].clone(),
    }
}

impl World {
    fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    /// Moves the clock on.
    fn advance(&self, ms: i64) {
        self.clock.fetch_add(ms, Ordering::SeqCst);
    }

    async fn status_of(&self, application: &str) -> Value {
        let a = self
            .app
            .get(
                &format!("/api/orgs/acme/applications/{application}"),
                &self.recruiter,
            )
            .await;
        expect(&a, StatusCode::OK);
        a.json()["application"]["status"].clone()
    }

    /// Schedules a round through the API; returns the interview's id.
    async fn schedule(
        &self,
        application: &str,
        round: &str,
        starts: i64,
        panel: &[&str],
    ) -> String {
        let iv = self
            .app
            .post(
                &format!("/api/orgs/acme/applications/{application}/interviews"),
                &self.recruiter,
                json!({ "round": round, "starts_ms": starts, "ends_ms": starts + 3_600_000,
                        "panel": panel }),
            )
            .await;
        expect(&iv, StatusCode::CREATED);
        iv.str("/id")
    }
}

/// The text between `start` (excluded) and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// A signed-out visitor: their anti-forgery cookie, as the first page they open sets it.
async fn visitor(app: &App, path: &str) -> (Html, String) {
    let first = visit(app, None, path, None, &[]).await;
    let token = first
        .set_cookie
        .iter()
        .find_map(|c| between(c, "hl_csrf=", ";").map(str::to_owned))
        .expect("a visitor cookie");
    (first, token)
}

/// The recruiter issues a link from the application page; returns the candidate's page path.
async fn issue_link(w: &World, application: &str) -> String {
    let page = format!("/orgs/acme/applications/{application}");
    let issued = browse(
        &w.app,
        &w.recruiter,
        &format!("{page}/assessments"),
        Some(&[("_csrf", CSRF)]),
    )
    .await;
    issued.redirects_to(&format!("{page}#assessment"));
    let shown = browse(&w.app, &w.recruiter, &page, None).await;
    shown.is_page(StatusCode::OK);
    let link = between(&shown.body, "data-link-path=\"", "\"")
        .expect("the link on the page")
        .to_owned();
    assert!(link.starts_with("/assess/acme/"), "{link}");
    assert!(shown.has("issued") && shown.has("link valid until"));
    link
}

#[tokio::test]
async fn the_candidate_takes_the_assessment_through_the_pages() {
    let w = world().await;
    let app = &w.app;
    // Only the recruiter sends links: an interviewer's post is refused and issues nothing.
    browse(
        app,
        &w.hm,
        &format!("/orgs/acme/applications/{}/assessments", w.ada),
        Some(&[("_csrf", CSRF)]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    let hm_page = browse(
        app,
        &w.hm,
        &format!("/orgs/acme/applications/{}", w.ada),
        None,
    )
    .await;
    assert!(
        !hm_page.has("Issue the assessment link") && hm_page.has("No assessment link issued yet"),
        "{}",
        hm_page.body
    );

    let link = issue_link(&w, &w.ada).await;
    // Ada also finds it on her own status page.
    let own = browse(
        app,
        &w.cand,
        &format!("/orgs/acme/applications/{}", w.ada),
        None,
    )
    .await;
    assert!(own.has(&format!("href=\"{link}\"")), "{}", own.body);

    // The candidate opens it without an account: the intro, then Start.
    let (intro, csrf) = visitor(app, &link).await;
    intro.is_page(StatusCode::OK);
    assert!(intro.has("Before you start") && intro.has("60 minutes"));
    assert!(!intro.has("name=\"item:"), "the items wait for Start");
    let cookie = format!("hl_csrf={csrf}");
    let started = visit(
        app,
        Some(&cookie),
        &format!("{link}/start"),
        Some(&[("_csrf", &csrf)]),
        &[],
    )
    .await;
    started.redirects_to(&link);
    let test = visit(app, Some(&cookie), &link, None, &[]).await;
    test.is_page(StatusCode::OK);
    assert!(test.has("data-deadline=") && test.has("Time is up at"));
    let field = between(&test.body, "name=\"item:", "\"")
        .expect("an item")
        .to_owned();
    let field = format!("item:{field}");
    let radio = test.has(&format!("type=\"radio\" name=\"{field}\""));

    // Save without JavaScript: back to the page, which finds the answer saved.
    let saved = visit(
        app,
        Some(&cookie),
        &format!("{link}/save"),
        Some(&[("_csrf", &csrf), (&field, "1")]),
        &[],
    )
    .await;
    saved.redirects_to(&format!("{link}?saved=1"));
    let reloaded = visit(app, Some(&cookie), &saved.location, None, &[]).await;
    let kept = if radio {
        format!("name=\"{field}\" value=\"1\" checked")
    } else {
        format!("name=\"{field}\" value=\"1\"")
    };
    assert!(reloaded.has(&kept), "{}", reloaded.body);
    assert!(reloaded.has("Your answers are saved."));

    // The autosave (htmx) answers with a status line; a bad item is named there, not saved.
    let auto = visit(
        app,
        Some(&cookie),
        &format!("{link}/save"),
        Some(&[("_csrf", &csrf), (&field, "0")]),
        &[("hx-request", "true")],
    )
    .await;
    assert_eq!(auto.status, StatusCode::OK);
    assert!(auto.body.starts_with("Saved "), "{}", auto.body);
    let bad = visit(
        app,
        Some(&cookie),
        &format!("{link}/save"),
        Some(&[("_csrf", &csrf), ("item:no-such-item", "1")]),
        &[],
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("the assessment has no item"), "{}", bad.body);

    // Submit (with the last answer in the form): the submitted page, then the result on the
    // application page for the team.
    let submitted = visit(
        app,
        Some(&cookie),
        &format!("{link}/submit"),
        Some(&[("_csrf", &csrf), (&field, "1")]),
        &[],
    )
    .await;
    submitted.redirects_to(&link);
    let done = visit(app, Some(&cookie), &link, None, &[]).await;
    done.is_page(StatusCode::OK);
    assert!(done.has("Your answers are in") && done.has("You answered 1 of"));
    assert!(!done.has("name=\"item:"), "nothing left to answer");
    let own = browse(
        app,
        &w.cand,
        &format!("/orgs/acme/applications/{}", w.ada),
        None,
    )
    .await;
    assert!(
        !own.has(&link),
        "a submitted assessment is not offered again"
    );
    let answers: Value = app
        .call(
            &axum::http::Method::GET,
            &link.replacen("/assess/", "/api/assess/", 1),
            None,
            None,
        )
        .await
        .json();
    assert!(answers["submitted_ms"].is_i64() && answers["result"]["items"].is_i64());
    let team = browse(
        app,
        &w.recruiter,
        &format!("/orgs/acme/applications/{}", w.ada),
        None,
    )
    .await;
    assert!(team.has(">submitted<") && team.has("correct") && team.has("advice only"));
    assert!(
        !team.has("data-link-path="),
        "a submitted assessment's link is not offered again"
    );
    let hm_page = browse(
        app,
        &w.hm,
        &format!("/orgs/acme/applications/{}", w.ada),
        None,
    )
    .await;
    assert!(hm_page.has(">submitted<") && hm_page.has("correct"));
    assert!(
        !hm_page.has("data-link-path="),
        "only link senders see links"
    );
}

#[tokio::test]
async fn expired_and_garbled_links_get_an_html_error_page() {
    let w = world().await;
    let app = &w.app;
    let link = issue_link(&w, &w.ada).await;
    let (garbled, _) = visitor(app, "/assess/acme/v1.not-a-token.at-all").await;
    garbled.is_page(StatusCode::NOT_FOUND);
    assert!(
        garbled.has("This assessment link does not work"),
        "{}",
        garbled.body
    );
    let (other_org, _) = visitor(app, &link.replacen("/acme/", "/nobody/", 1)).await;
    other_org.is_page(StatusCode::NOT_FOUND);

    w.advance(8 * 86_400_000);
    let (expired, csrf) = visitor(app, &link).await;
    expired.is_page(StatusCode::CONFLICT);
    assert!(
        expired.has("This assessment link cannot be used") && expired.has("has expired"),
        "{}",
        expired.body
    );
    let start = visit(
        app,
        Some(&format!("hl_csrf={csrf}")),
        &format!("{link}/start"),
        Some(&[("_csrf", &csrf)]),
        &[],
    )
    .await;
    start.is_page(StatusCode::CONFLICT);
    let team = browse(
        app,
        &w.recruiter,
        &format!("/orgs/acme/applications/{}", w.ada),
        None,
    )
    .await;
    assert!(
        team.has(">expired<") && !team.has("data-link-path="),
        "{}",
        team.body
    );
}

#[tokio::test]
async fn applications_close_by_the_forms_each_role_may_use() {
    let w = world().await;
    let app = &w.app;
    let ada = format!("/orgs/acme/applications/{}", w.ada);
    let bob = format!("/orgs/acme/applications/{}", w.bob);

    // The forms are offered per policy: the recruiter rejects and withdraws, the hiring manager
    // rejects and hires.
    let rec = browse(app, &w.recruiter, &ada, None).await;
    assert!(rec.has(&format!("{ada}/reject")) && rec.has(&format!("{ada}/withdraw")));
    assert!(!rec.has(&format!("{ada}/hire")));
    let hm = browse(app, &w.hm, &ada, None).await;
    assert!(hm.has(&format!("{ada}/hire")) && !hm.has(&format!("{ada}/withdraw")));

    // Refused for a role that may not: nothing changes.
    for (who, path) in [
        (&w.recruiter, format!("{ada}/hire")),
        (&w.hm, format!("{ada}/withdraw")),
    ] {
        browse(app, who, &path, Some(&[("_csrf", CSRF)]))
            .await
            .is_page(StatusCode::FORBIDDEN);
    }
    // An interviewer on no panel does not even see the application.
    let int_reject = browse(
        app,
        &w.int1,
        &format!("{ada}/reject"),
        Some(&[("_csrf", CSRF)]),
    )
    .await;
    assert!(
        int_reject.status == StatusCode::FORBIDDEN || int_reject.status == StatusCode::NOT_FOUND
    );
    assert_eq!(w.status_of(&w.ada).await, "active");

    // The hiring manager rejects Bob with a reason; the badge says so and the forms go.
    let rejected = browse(
        app,
        &w.hm,
        &format!("{bob}/reject"),
        Some(&[("_csrf", CSRF), ("reason", "Not enough depth on metrics")]),
    )
    .await;
    rejected.redirects_to(&bob);
    assert_eq!(w.status_of(&w.bob).await, "rejected");
    let page = browse(app, &w.hm, &bob, None).await;
    assert!(page.has(">rejected<") && !page.has(&format!("{bob}/hire")));
    // Closing it again is refused on the page, with the reason kept.
    let again = browse(
        app,
        &w.recruiter,
        &format!("{bob}/withdraw"),
        Some(&[("_csrf", CSRF), ("reason", "kept text")]),
    )
    .await;
    again.is_page(StatusCode::CONFLICT);
    assert!(
        again.has("id=\"close-error\"") && again.has("role=\"alert\""),
        "{}",
        again.body
    );
    assert_eq!(w.status_of(&w.bob).await, "rejected");

    // The hiring manager marks Ada hired.
    let hired = browse(app, &w.hm, &format!("{ada}/hire"), Some(&[("_csrf", CSRF)])).await;
    hired.redirects_to(&ada);
    assert_eq!(w.status_of(&w.ada).await, "hired");
    assert!(browse(app, &w.hm, &ada, None).await.has(">hired<"));
}

#[tokio::test]
async fn the_recruiter_withdraws_and_a_candidate_withdraws_their_own() {
    let w = world().await;
    let app = &w.app;
    let ada = format!("/orgs/acme/applications/{}", w.ada);
    let bob = format!("/orgs/acme/applications/{}", w.bob);
    browse(
        app,
        &w.recruiter,
        &format!("{bob}/withdraw"),
        Some(&[("_csrf", CSRF)]),
    )
    .await
    .redirects_to(&bob);
    assert_eq!(w.status_of(&w.bob).await, "withdrawn");

    // Ada (the candidate) may withdraw her own application, not Bob's.
    let own = browse(app, &w.cand, &ada, None).await;
    assert!(own.has(&format!("{ada}/withdraw")));
    browse(
        app,
        &w.cand,
        &format!("{ada}/withdraw"),
        Some(&[("_csrf", CSRF)]),
    )
    .await
    .redirects_to(&ada);
    assert_eq!(w.status_of(&w.ada).await, "withdrawn");
    let after = browse(app, &w.cand, &ada, None).await;
    assert!(after.has("has been withdrawn") && !after.has(&format!("{ada}/withdraw")));
}

#[tokio::test]
async fn interviews_are_moved_with_their_history_and_cancelled() {
    let w = world().await;
    let app = &w.app;
    let ada = format!("/orgs/acme/applications/{}", w.ada);
    let start = w.now() / 3_600_000 * 3_600_000 + 2 * 86_400_000;
    let iv = w
        .schedule(&w.ada, "recruiter-call", start, &[&w.int1_id])
        .await;
    let page = browse(app, &w.recruiter, &ada, None).await;
    assert!(page.has(&format!("/orgs/acme/interviews/{iv}/reschedule")));
    assert!(page.has(&format!("/orgs/acme/interviews/{iv}/cancel")));
    // The hiring manager neither moves nor cancels (recruiters keep the calendar).
    let hm = browse(app, &w.hm, &ada, None).await;
    assert!(!hm.has(&format!("/orgs/acme/interviews/{iv}/reschedule")));
    browse(
        app,
        &w.hm,
        &format!("/orgs/acme/interviews/{iv}/reschedule"),
        Some(&[
            ("_csrf", CSRF),
            ("starts", "2030-03-02T10:00"),
            ("ends", "2030-03-02T11:00"),
            ("reason", "hm wants it"),
        ]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);

    // Without a reason: refused beside the field, the new time kept.
    let path = format!("/orgs/acme/interviews/{iv}/reschedule");
    let bad = browse(
        app,
        &w.recruiter,
        &path,
        Some(&[
            ("_csrf", CSRF),
            ("starts", "2030-03-02T10:00"),
            ("ends", "2030-03-02T11:00"),
            ("reason", " "),
        ]),
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.has(&format!("id=\"rs-reason-{iv}-error\"")),
        "{}",
        bad.body
    );
    assert!(bad.has("value=\"2030-03-02T10:00\""));
    let ok = browse(
        app,
        &w.recruiter,
        &path,
        Some(&[
            ("_csrf", CSRF),
            ("starts", "2030-03-02T10:00"),
            ("ends", "2030-03-02T11:00"),
            ("reason", "The candidate is travelling that week"),
        ]),
    )
    .await;
    ok.redirects_to(&format!("{ada}#interviews"));
    let history = app
        .get(&format!("/api/orgs/acme/interviews/{iv}"), &w.recruiter)
        .await;
    let h = history.json()["history"].as_array().unwrap().clone();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[1]["reason"], "The candidate is travelling that week");
    let page = browse(app, &w.recruiter, &ada, None).await;
    assert!(page.has("History (2 changes)") && page.has("The candidate is travelling that week"));
    assert!(page.has("moved to 2 Mar 2030, 10:00 UTC"), "{}", page.body);

    // Cancelled: the status says so and the forms go.
    let cancelled = browse(
        app,
        &w.recruiter,
        &format!("/orgs/acme/interviews/{iv}/cancel"),
        Some(&[("_csrf", CSRF), ("reason", "Role filled internally")]),
    )
    .await;
    cancelled.redirects_to(&ada);
    let after = app
        .get(&format!("/api/orgs/acme/interviews/{iv}"), &w.recruiter)
        .await;
    assert_eq!(after.json()["interview"]["status"], "cancelled");
    let page = browse(app, &w.recruiter, &ada, None).await;
    assert!(page.has(">cancelled<") && !page.has(&format!("/orgs/acme/interviews/{iv}/cancel\"")));
    assert!(page.has("Role filled internally"));
}

#[tokio::test]
async fn a_candidate_sees_their_own_status_and_nothing_else() {
    let w = world().await;
    let app = &w.app;
    let start = w.now() / 3_600_000 * 3_600_000 + 2 * 86_400_000;
    let iv = w
        .schedule(&w.ada, "recruiter-call", start, &[&w.int1_id])
        .await;
    // Ivy submits a scorecard; the candidate must not see it.
    let kit = app
        .get(&format!("/api/orgs/acme/interviews/{iv}/kit"), &w.int1)
        .await;
    let mut ratings = serde_json::Map::new();
    for d in kit.json()["dimensions"].as_array().unwrap() {
        ratings.insert(d["dimension"].as_str().unwrap().to_owned(), json!(3));
    }
    expect(
        &app.put(
            &format!("/api/orgs/acme/interviews/{iv}/scorecard"),
            &w.int1,
            json!({ "ratings": ratings, "recommendation": "yes",
                    "summary": "Secret panel judgement about the candidate" }),
        )
        .await,
        StatusCode::OK,
    );

    let ada = format!("/orgs/acme/applications/{}", w.ada);
    let own = browse(app, &w.cand, &ada, None).await;
    own.is_page(StatusCode::OK);
    assert!(own.has("Your application") && own.has("Product Manager, growth"));
    assert!(
        own.has("Resume screening"),
        "the stage by name: {}",
        own.body
    );
    assert!(own.has("Screening call"));
    assert!(own.has(&format!("/api/orgs/acme/interviews/{iv}/calendar.ics")));
    for hidden in [
        "Scorecards",
        "Secret panel judgement",
        "Ivy Interviewer",
        "Bob Byron",
        "Move to stage",
        "Timeline",
    ] {
        assert!(!own.has(hidden), "{hidden} shown to the candidate");
    }
    // The calendar file is theirs to download.
    let ics = visit(
        app,
        Some(&format!("hl_session={}", w.cand)),
        &format!("/api/orgs/acme/interviews/{iv}/calendar.ics"),
        None,
        &[],
    )
    .await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.body.contains("BEGIN:VCALENDAR"));

    // Bob's application is not hers.
    let other = browse(
        app,
        &w.cand,
        &format!("/orgs/acme/applications/{}", w.bob),
        None,
    )
    .await;
    assert!(
        other.status == StatusCode::FORBIDDEN || other.status == StatusCode::NOT_FOUND,
        "{}",
        other.status
    );
    assert!(other.content_type.starts_with("text/html") && !other.has("Bob Byron"));
    browse(
        app,
        &w.cand,
        &format!("/orgs/acme/applications/{}/withdraw", w.bob),
        Some(&[("_csrf", CSRF)]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert_eq!(w.status_of(&w.bob).await, "active");
}

#[tokio::test]
async fn the_overdue_page_lists_an_overdue_scorecard() {
    let w = world().await;
    let app = &w.app;
    let start = w.now() / 3_600_000 * 3_600_000 + 3_600_000;
    w.schedule(&w.ada, "recruiter-call", start, &[&w.int1_id])
        .await;
    let before = browse(app, &w.recruiter, "/orgs/acme/scorecards/overdue", None).await;
    before.is_page(StatusCode::OK);
    assert!(before.has("Nothing overdue"));

    w.advance(5 * 86_400_000);
    let page = browse(app, &w.recruiter, "/orgs/acme/scorecards/overdue", None).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Ivy Interviewer") && page.has("Ada Lovelace") && page.has("Screening call"));
    assert!(page.has("overdue-row") && page.has("1 overdue"));
    assert!(page.has(&format!("/orgs/acme/applications/{}", w.ada)));
    assert!(page.has("days") || page.has(" h"), "how late");
    // Reports are not an interviewer's business.
    browse(app, &w.int1, "/orgs/acme/scorecards/overdue", None)
        .await
        .is_page(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn forms_without_the_token_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let ada = format!("/orgs/acme/applications/{}", w.ada);
    let start = w.now() / 3_600_000 * 3_600_000 + 2 * 86_400_000;
    let iv = w
        .schedule(&w.ada, "recruiter-call", start, &[&w.int1_id])
        .await;
    for (path, fields) in [
        (format!("{ada}/reject"), vec![("reason", "forged")]),
        (format!("{ada}/assessments"), vec![]),
        (
            format!("/orgs/acme/interviews/{iv}/reschedule"),
            vec![
                ("starts", "2030-03-02T10:00"),
                ("ends", "2030-03-02T11:00"),
                ("reason", "forged"),
            ],
        ),
        (format!("/orgs/acme/interviews/{iv}/cancel"), vec![]),
    ] {
        browse(app, &w.recruiter, &path, Some(&fields))
            .await
            .is_page(StatusCode::FORBIDDEN);
    }
    assert_eq!(w.status_of(&w.ada).await, "active");
    let i = app
        .get(&format!("/api/orgs/acme/interviews/{iv}"), &w.recruiter)
        .await;
    assert_eq!(i.json()["interview"]["status"], "scheduled");
    assert_eq!(i.json()["history"].as_array().map(Vec::len), Some(1));
    assert!(
        browse(app, &w.recruiter, &ada, None)
            .await
            .has("No assessment link issued yet")
    );

    // The candidate's public forms: no token, or another site's origin, starts nothing.
    let link = issue_link(&w, &w.ada).await;
    let (_, csrf) = visitor(app, &link).await;
    let cookie = format!("hl_csrf={csrf}");
    visit(app, Some(&cookie), &format!("{link}/start"), Some(&[]), &[])
        .await
        .is_page(StatusCode::FORBIDDEN);
    visit(
        app,
        Some(&cookie),
        &format!("{link}/start"),
        Some(&[("_csrf", &csrf)]),
        &[("origin", "https://evil.example"), ("host", "localhost")],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    let view: Value = app
        .call(
            &axum::http::Method::GET,
            &link.replacen("/assess/", "/api/assess/", 1),
            None,
            None,
        )
        .await
        .json();
    assert!(view["started_ms"].is_null(), "{view}");
}

/// A signed-out visitor (with a valid anti-forgery token) who posts to the organisation's forms
/// is asked to sign in, before anything of the path or body is looked at, and nothing changes.
#[tokio::test]
async fn signed_out_forms_ask_to_sign_in_and_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let (_, csrf) = visitor(app, "/").await;
    let cookie = format!("hl_csrf={csrf}");
    let ada = format!("/orgs/acme/applications/{}", w.ada);
    for (path, fields) in [
        (format!("{ada}/reject"), vec![("reason", "forged")]),
        (format!("{ada}/hire"), vec![]),
        (
            format!("/orgs/acme/members/{}/role", w.int1_id),
            vec![("role", "admin")],
        ),
        (
            "/orgs/acme/candidates".to_owned(),
            vec![("name", "Eve Forger"), ("email", "eve@example.org")],
        ),
    ] {
        let mut fields = fields;
        fields.push(("_csrf", &csrf));
        let answer = visit(app, Some(&cookie), &path, Some(&fields), &[]).await;
        answer.is_page(StatusCode::UNAUTHORIZED);
        assert!(answer.has("sign in first"), "{path}: {}", answer.body);
        assert!(answer.has("href=\"/signin\""), "{path}: {}", answer.body);
    }
    assert_eq!(w.status_of(&w.ada).await, "active");
    let mine = app.get("/api/orgs", &w.int1).await;
    expect(&mine, StatusCode::OK);
    assert_eq!(mine.json()[0]["role"], "interviewer");
    let found = app
        .get("/api/orgs/acme/candidates?q=Eve", &w.recruiter)
        .await;
    expect(&found, StatusCode::OK);
    assert!(
        !found.json().to_string().contains("Eve Forger"),
        "{}",
        found.json()
    );
    // The same search finds a candidate who is there, so the one above could have found Eve.
    let ada_found = app
        .get("/api/orgs/acme/candidates?q=Ada", &w.recruiter)
        .await;
    assert!(ada_found.json().to_string().contains("Ada Lovelace"));
}

/// Every round of the plan can be scheduled from the application page's form, and with the
/// panel's scorecards in, the hiring manager decides in the debrief, the offer goes out and is
/// accepted, and the candidate is hired — all through the pages.
#[tokio::test]
async fn the_loop_runs_to_an_accepted_offer_through_the_pages() {
    let w = world().await;
    let app = &w.app;
    let ada = format!("/orgs/acme/applications/{}", w.ada);
    let page = browse(app, &w.recruiter, &ada, None).await;
    let select = between(&page.body, "id=\"sch-round\"", "</select>").expect("round choice");
    let rounds: Vec<String> = select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_owned))
        .collect();
    assert!(rounds.len() >= 5, "{rounds:?}");
    assert!(rounds.iter().any(|r| r == "bar-raiser"));
    // The panel shows each person's load beside their name.
    assert!(
        page.has("Ivy Interviewer <span class=\"muted small\">(0)</span>"),
        "{}",
        page.body
    );

    for (day, round) in (1..).zip(rounds.iter()) {
        let panelist = if round == "bar-raiser" {
            &w.br_id
        } else {
            &w.int1_id
        };
        let starts = format!("2030-04-{day:02}T09:00");
        let ends = format!("2030-04-{day:02}T10:00");
        let done = browse(
            app,
            &w.recruiter,
            &format!("{ada}/interviews"),
            Some(&[
                ("_csrf", CSRF),
                ("round", round),
                ("starts", &starts),
                ("ends", &ends),
                ("panel", panelist),
            ]),
        )
        .await;
        done.redirects_to(&format!("{ada}#interviews"));
    }
    let list: Value = app
        .get(
            &format!("/api/orgs/acme/applications/{}/interviews", w.ada),
            &w.recruiter,
        )
        .await
        .json();
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), rounds.len());

    // Each panelist submits a positive scorecard (the scorecard page is tested elsewhere).
    for iv in &list {
        let id = iv["id"].as_str().unwrap();
        let who = iv["panel"][0]["user_id"].as_str().unwrap();
        // The test sessions' bearer tokens are named after their users (see `hiring_support`).
        let token = &format!("token-{who}");
        let kit = app
            .get(&format!("/api/orgs/acme/interviews/{id}/kit"), token)
            .await;
        let mut ratings = serde_json::Map::new();
        for d in kit.json()["dimensions"].as_array().unwrap() {
            ratings.insert(d["dimension"].as_str().unwrap().to_owned(), json!(3));
        }
        expect(
            &app.post(
                &format!("/api/orgs/acme/interviews/{id}/scorecard/submit"),
                token,
                json!({ "ratings": ratings, "recommendation": "yes",
                        "summary": "Solid across the round, with concrete examples." }),
            )
            .await,
            StatusCode::CREATED,
        );
    }

    // The hiring manager moves Ada to the last stage and records the decision.
    let moved = browse(
        app,
        &w.hm,
        &format!("{ada}/move"),
        Some(&[("_csrf", CSRF), ("stage", "culture-fit"), ("back", &ada)]),
    )
    .await;
    moved.redirects_to(&ada);
    let decided = browse(
        app,
        &w.hm,
        &format!("{ada}/decision"),
        Some(&[("_csrf", CSRF), ("level", "P6"), ("override_decision", "")]),
    )
    .await;
    decided.redirects_to(&format!("{ada}/debrief"));
    let page = browse(app, &w.hm, &ada, None).await;
    assert!(page.has("Propose an offer"), "{}", page.body);

    // An offer within the band goes out, then is accepted.
    browse(
        app,
        &w.hm,
        &format!("{ada}/offers"),
        Some(&[
            ("_csrf", CSRF),
            ("amount", "450000"),
            ("currency", "CNY"),
            ("level", "P6"),
        ]),
    )
    .await
    .redirects_to(&format!("{ada}#offers"));
    let offers: Value = app
        .get(
            &format!("/api/orgs/acme/applications/{}/offers", w.ada),
            &w.hm,
        )
        .await
        .json();
    let offer = offers[0]["offer"]["id"]
        .as_str()
        .or_else(|| offers[0]["id"].as_str())
        .unwrap()
        .to_owned();
    let status = format!("/orgs/acme/offers/{offer}/status");
    let standing = browse(app, &w.hm, &ada, None).await;
    assert!(standing.has(&status));
    // The amount reads with its thousands, and a second offer waits for this one.
    assert!(standing.has("450,000 CNY"), "{}", standing.body);
    assert!(
        !standing.has("Propose an offer") && standing.has("One offer stands at a time"),
        "{}",
        standing.body
    );
    let second = browse(
        app,
        &w.hm,
        &format!("{ada}/offers"),
        Some(&[
            ("_csrf", CSRF),
            ("amount", "460000"),
            ("currency", "CNY"),
            ("level", "P6"),
        ]),
    )
    .await;
    assert!(second.status.is_client_error(), "{}", second.status);
    assert!(second.has("already has an offer"), "{}", second.body);
    // Accepting before it went out is refused on the page.
    let early = browse(
        app,
        &w.hm,
        &status,
        Some(&[("_csrf", CSRF), ("status", "accepted")]),
    )
    .await;
    assert!(early.status.is_client_error(), "{}", early.status);
    browse(
        app,
        &w.int1,
        &status,
        Some(&[("_csrf", CSRF), ("status", "sent")]),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    for s in ["sent", "accepted"] {
        browse(app, &w.hm, &status, Some(&[("_csrf", CSRF), ("status", s)]))
            .await
            .redirects_to(&format!("{ada}#offers"));
    }
    let page = browse(app, &w.hm, &ada, None).await;
    assert!(
        page.has(">accepted<") && !page.has(&status),
        "{}",
        page.body
    );
    // Once accepted, no other offer is proposed and nothing says one could be.
    assert!(
        !page.has("Propose an offer") && !page.has("One offer stands"),
        "{}",
        page.body
    );

    browse(app, &w.hm, &format!("{ada}/hire"), Some(&[("_csrf", CSRF)]))
        .await
        .redirects_to(&ada);
    assert_eq!(w.status_of(&w.ada).await, "hired");
    let own = browse(app, &w.cand, &ada, None).await;
    assert!(own.has("you have been hired"));
}
