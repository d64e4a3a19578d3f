//! Hiring mode's organisation pages, driven in process as a browser would (session cookie, forms
//! with the anti-forgery token, uploads as `multipart/form-data`): members, requisitions with
//! their team, candidates with CSV import, resumes and erasure, reports and the audit log. Each
//! page renders for a role the policy allows and is refused for one it does not; each form
//! changes the store as its API would; refused forms change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hiring_support;

use axum::http::StatusCode;
use hireloop_hiring::roles::{Relation, Role};
use hireloop_store::{Page, User};
use hireloop_web::hiring::authz::Ctx;
use hireloop_web::hiring::service::requisitions::{self, ListQuery};
use hiring_support::pages::{CSRF, Html, get, post, upload};
use hiring_support::{App, expect};
use serde_json::{Value, json};

struct Person {
    user: User,
    token: String,
}

struct World {
    app: App,
    admin: Person,
    recruiter: Person,
    hm: Person,
    ivy: Person,
    ian: Person,
    outsider: Person,
    req: String,
    ada: String,
}

/// An organisation: an admin, a recruiter and a hiring manager on the team of one requisition,
/// two interviewers on none, and Ada, a candidate applied to it.
async fn world() -> World {
    let app = App::new().await;
    let (user, token) = app.user("Alex Admin").await;
    let admin = Person { user, token };
    expect(
        &app.post(
            "/api/orgs",
            &admin.token,
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
                &admin.token,
                json!({ "email": user.email, "role": role }),
            )
            .await,
            StatusCode::CREATED,
        );
        people.push(Person { user, token });
    }
    let (user, token) = app.user("Olga Outsider").await;
    let outsider = Person { user, token };
    let req = new_req(&app, &admin.token, "Senior PM, checkout").await;
    for (i, role) in [(0, "recruiter"), (1, "hiring_manager")] {
        expect(
            &app.post(
                &format!("/api/orgs/acme/requisitions/{req}/team"),
                &admin.token,
                json!({ "user_id": people[i].user.id, "role": role }),
            )
            .await,
            StatusCode::OK,
        );
    }
    let ada = new_candidate(
        &app,
        &people[0].token,
        "Ada Lovelace",
        "ada@example.org",
        None,
    )
    .await;
    apply(&app, &people[0].token, &req, &ada).await;
    let mut p = people.into_iter();
    World {
        app,
        admin,
        recruiter: p.next().unwrap(),
        hm: p.next().unwrap(),
        ivy: p.next().unwrap(),
        ian: p.next().unwrap(),
        outsider,
        req,
        ada,
    }
}

async fn new_req(app: &App, token: &str, title: &str) -> String {
    let req = app
        .post(
            "/api/orgs/acme/requisitions",
            token,
            json!({ "title": title, "level_min": "P7", "level_max": "P8",
                    "region": "international", "language": "en" }),
        )
        .await;
    expect(&req, StatusCode::CREATED);
    req.str("/id")
}

async fn new_candidate(
    app: &App,
    token: &str,
    name: &str,
    email: &str,
    group: Option<&str>,
) -> String {
    let c = app
        .post(
            "/api/orgs/acme/candidates",
            token,
            json!({ "name": name, "email": email, "group": group }),
        )
        .await;
    expect(&c, StatusCode::CREATED);
    c.str("/id")
}

async fn apply(app: &App, token: &str, req: &str, candidate: &str) -> String {
    let a = app
        .post(
            &format!("/api/orgs/acme/requisitions/{req}/applications"),
            token,
            json!({ "candidate_id": candidate }),
        )
        .await;
    expect(&a, StatusCode::CREATED);
    a.str("/id")
}

/// The caller's context in `acme` as the gate builds it for an action on nothing in particular.
async fn ctx_of(app: &App, user: &User) -> Ctx {
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let member = app
        .store
        .membership(&org.id, &user.id)
        .await
        .unwrap()
        .unwrap();
    Ctx {
        org,
        member,
        relations: vec![Relation::None],
    }
}

async fn candidate_count(w: &World) -> usize {
    let list = w
        .app
        .get("/api/orgs/acme/candidates?limit=200", &w.recruiter.token)
        .await;
    expect(&list, StatusCode::OK);
    list.json()["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn each_page_renders_for_an_allowed_role_and_is_refused_otherwise() {
    let w = world().await;
    let app = &w.app;
    let reports = format!("/orgs/acme/requisitions/{}/reports", w.req);
    let ada = format!("/orgs/acme/candidates/{}", w.ada);

    // Members: admins only; an outsider does not learn the organisation exists.
    let page = get(app, &w.admin.token, "/orgs/acme/members").await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Add a member") && page.has("rita.recruiter@example.com"));
    let refused = get(app, &w.recruiter.token, "/orgs/acme/members").await;
    refused.is_page(StatusCode::FORBIDDEN);
    assert!(refused.has("member_manage"), "{}", refused.body);
    get(app, &w.outsider.token, "/orgs/acme/members")
        .await
        .is_page(StatusCode::NOT_FOUND);

    // Candidates: the organisation's list for admins and recruiters, with the forms they may use.
    let page = get(app, &w.recruiter.token, "/orgs/acme/candidates").await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Ada Lovelace") && page.has("Import from CSV") && page.has("New candidate"));
    let refused = get(app, &w.hm.token, "/orgs/acme/candidates").await;
    refused.is_page(StatusCode::FORBIDDEN);
    assert!(refused.has("candidate_view"));

    // A candidate: the recruiter sees details, no erasure; an interviewer on no panel is refused.
    let page = get(app, &w.recruiter.token, &ada).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("ada@example.org") && page.has("Senior PM, checkout"));
    assert!(page.has("Add a resume") && page.has("Export data") && !page.has("Erase for good"));
    let admin_view = get(app, &w.admin.token, &ada).await;
    assert!(admin_view.has("Erase for good"));
    get(app, &w.ian.token, &ada)
        .await
        .is_page(StatusCode::FORBIDDEN);

    // Reports: the hiring manager of the requisition; interviewers never.
    let page = get(app, &w.hm.token, &reports).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Funnel by cohort") && page.has("Adverse impact") && page.has("<svg"));
    let refused = get(app, &w.ivy.token, &reports).await;
    assert!(matches!(
        refused.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    get(app, &w.recruiter.token, &reports)
        .await
        .is_page(StatusCode::OK);

    // Audit: admins only, with the chain's verification on top.
    let page = get(app, &w.admin.token, "/orgs/acme/audit").await;
    page.is_page(StatusCode::OK);
    assert!(page.has("Chain intact") && page.has("member.added"));
    let refused = get(app, &w.recruiter.token, "/orgs/acme/audit").await;
    refused.is_page(StatusCode::FORBIDDEN);
    assert!(refused.has("audit_view"));

    // The home page links what the role may open, and offers the new requisition form only to
    // those who may open one.
    let home = get(app, &w.admin.token, "/orgs/acme").await;
    home.is_page(StatusCode::OK);
    for link in [
        "/orgs/acme/members",
        "/orgs/acme/candidates",
        "/orgs/acme/audit",
        "/orgs/acme/scorecards/overdue",
    ] {
        assert!(home.has(&format!("href=\"{link}\"")), "admin misses {link}");
    }
    assert!(home.has("New requisition"));
    let home = get(app, &w.recruiter.token, "/orgs/acme").await;
    assert!(home.has("href=\"/orgs/acme/candidates\"") && !home.has("href=\"/orgs/acme/audit\""));
    assert!(home.has("href=\"/orgs/acme/scorecards/overdue\"") && home.has("New requisition"));
    let home = get(app, &w.hm.token, "/orgs/acme").await;
    for link in ["members", "candidates", "audit", "scorecards/overdue"] {
        assert!(!home.has(&format!("href=\"/orgs/acme/{link}\"")), "{link}");
    }
    assert!(!home.has("New requisition"));

    // The requisition page offers reports, edit, close and team forms to its team.
    let req = get(
        app,
        &w.hm.token,
        &format!("/orgs/acme/requisitions/{}", w.req),
    )
    .await;
    req.is_page(StatusCode::OK);
    assert!(req.has(&format!("href=\"{reports}\"")) && req.has("Edit requisition"));
    assert!(req.has("Close this requisition") && req.has("Add to the team"));
    // Only those who schedule see the interviewer load.
    assert!(!req.has("Interviewer load"));
    let req = get(
        app,
        &w.recruiter.token,
        &format!("/orgs/acme/requisitions/{}", w.req),
    )
    .await;
    assert!(req.has("Interviewer load"));
}

#[tokio::test]
async fn members_are_added_changed_and_removed_through_the_forms() {
    let w = world().await;
    let app = &w.app;
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let (newcomer, _) = app.user("Nina Newcomer").await;

    // An address without an account comes back beside its field, typed text kept.
    let bad = post(
        app,
        &w.admin.token,
        "/orgs/acme/members",
        &[
            ("_csrf", CSRF),
            ("email", "nobody@example.com"),
            ("role", "recruiter"),
        ],
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"add-email-error\"") && bad.has("value=\"nobody@example.com\""));
    assert!(bad.has("ask them to sign up first"));

    let added = post(
        app,
        &w.admin.token,
        "/orgs/acme/members",
        &[
            ("_csrf", CSRF),
            ("email", &newcomer.email),
            ("role", "interviewer"),
        ],
    )
    .await;
    added.redirects_to("/orgs/acme/members");
    let m = app.store.membership(&org.id, &newcomer.id).await.unwrap();
    assert_eq!(m.map(|m| m.role), Some(Role::Interviewer));
    assert!(
        get(app, &w.admin.token, "/orgs/acme/members")
            .await
            .has("Nina Newcomer")
    );

    let changed = post(
        app,
        &w.admin.token,
        &format!("/orgs/acme/members/{}/role", newcomer.id),
        &[("_csrf", CSRF), ("role", "recruiter")],
    )
    .await;
    changed.redirects_to("/orgs/acme/members");
    let m = app.store.membership(&org.id, &newcomer.id).await.unwrap();
    assert_eq!(m.map(|m| m.role), Some(Role::Recruiter));

    // An admin cannot demote themselves: the reason is shown and nothing changes.
    let own = post(
        app,
        &w.admin.token,
        &format!("/orgs/acme/members/{}/role", w.admin.user.id),
        &[("_csrf", CSRF), ("role", "interviewer")],
    )
    .await;
    own.is_page(StatusCode::CONFLICT);
    assert!(own.has("cannot change your own admin role"));
    let m = app
        .store
        .membership(&org.id, &w.admin.user.id)
        .await
        .unwrap();
    assert_eq!(m.map(|m| m.role), Some(Role::Admin));

    // A recruiter may not remove anyone.
    post(
        app,
        &w.recruiter.token,
        &format!("/orgs/acme/members/{}/remove", newcomer.id),
        &[("_csrf", CSRF)],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert!(
        app.store
            .membership(&org.id, &newcomer.id)
            .await
            .unwrap()
            .is_some()
    );
    let removed = post(
        app,
        &w.admin.token,
        &format!("/orgs/acme/members/{}/remove", newcomer.id),
        &[("_csrf", CSRF)],
    )
    .await;
    removed.redirects_to("/orgs/acme/members");
    assert!(
        app.store
            .membership(&org.id, &newcomer.id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn requisitions_are_opened_edited_staffed_and_closed_through_the_forms() {
    let w = world().await;
    let app = &w.app;
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let fields = |title: &'static str, min: &'static str, max: &'static str| {
        vec![
            ("_csrf", CSRF),
            ("title", title),
            ("pipeline", "alibaba-pm"),
            ("level_min", min),
            ("level_max", max),
            ("region", "china"),
            ("language", "zh"),
            ("blind_first_stage", "on"),
        ]
    };

    // A range upside down is shown by its field; the title typed stays.
    let bad = post(
        app,
        &w.admin.token,
        "/orgs/acme/requisitions",
        &fields("Growth PM", "P8", "P6"),
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"req-level-max-error\"") && bad.has("value=\"Growth PM\""));
    let made = post(
        app,
        &w.admin.token,
        "/orgs/acme/requisitions",
        &fields("Growth PM", "P6", "P8"),
    )
    .await;
    made.redirects_to("/orgs/acme/requisitions/");
    let id = made.location.rsplit('/').next().unwrap().to_owned();
    let req = app.store.requisition(&org.id, &id).await.unwrap();
    assert_eq!(
        (
            req.title.as_str(),
            req.level_min.as_str(),
            req.region.as_str()
        ),
        ("Growth PM", "P6", "china")
    );
    assert!(req.blind_first_stage && req.open);
    // Interviewers may not open one.
    post(
        app,
        &w.ivy.token,
        "/orgs/acme/requisitions",
        &fields("Sneaky", "P6", "P8"),
    )
    .await
    .is_page(StatusCode::FORBIDDEN);

    // The admin staffs the team: the hiring manager, then Ivy as an interviewer.
    let page = format!("/orgs/acme/requisitions/{id}");
    for (who, role) in [(&w.hm, "hiring_manager"), (&w.ivy, "interviewer")] {
        let added = post(
            app,
            &w.admin.token,
            &format!("{page}/team"),
            &[("_csrf", CSRF), ("user_id", &who.user.id), ("role", role)],
        )
        .await;
        added.redirects_to(&page);
    }
    let on = app
        .store
        .on_team(&org.id, &id, &w.ivy.user.id)
        .await
        .unwrap();
    assert_eq!(on, Some(Role::Interviewer));
    let shown = get(app, &w.hm.token, &page).await;
    assert!(shown.section("id=\"team\"").contains("Ivy Interviewer"));
    // A role a team cannot have is refused by its field.
    let bad = post(
        app,
        &w.hm.token,
        &format!("{page}/team"),
        &[
            ("_csrf", CSRF),
            ("user_id", &w.ian.user.id),
            ("role", "candidate"),
        ],
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"team-role-error\""));

    // The hiring manager, now on the team, edits it and takes Ivy off.
    let edited = post(
        app,
        &w.hm.token,
        &format!("{page}/edit"),
        &[
            ("_csrf", CSRF),
            ("title", "Growth PM, lead"),
            ("pipeline", "alibaba-pm"),
            ("level_min", "P7"),
            ("level_max", "P8"),
            ("region", "china"),
            ("language", "zh"),
        ],
    )
    .await;
    edited.redirects_to(&page);
    let req = app.store.requisition(&org.id, &id).await.unwrap();
    assert_eq!(
        (req.title.as_str(), req.level_min.as_str()),
        ("Growth PM, lead", "P7")
    );
    assert!(
        !req.blind_first_stage,
        "an unticked box turns blind review off"
    );
    let bad = post(
        app,
        &w.hm.token,
        &format!("{page}/edit"),
        &[
            ("_csrf", CSRF),
            ("title", ""),
            ("level_min", "P7"),
            ("level_max", "P8"),
        ],
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"edit-title-error\""));
    let removed = post(
        app,
        &w.hm.token,
        &format!("{page}/team/{}/remove", w.ivy.user.id),
        &[("_csrf", CSRF)],
    )
    .await;
    removed.redirects_to(&page);
    assert_eq!(
        app.store
            .on_team(&org.id, &id, &w.ivy.user.id)
            .await
            .unwrap(),
        None
    );

    // The recruiter is not on this team: no edit, no close.
    post(
        app,
        &w.recruiter.token,
        &format!("{page}/close"),
        &[("_csrf", CSRF)],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert!(app.store.requisition(&org.id, &id).await.unwrap().open);
    let closed = post(
        app,
        &w.hm.token,
        &format!("{page}/close"),
        &[("_csrf", CSRF)],
    )
    .await;
    closed.redirects_to(&page);
    assert!(!app.store.requisition(&org.id, &id).await.unwrap().open);
    let after = get(app, &w.hm.token, &page).await;
    assert!(after.has("Requisition · closed") && !after.has("Close this requisition"));
}

#[tokio::test]
async fn the_list_holds_exactly_the_requisitions_the_caller_may_read() {
    let w = world().await;
    let app = &w.app;
    // Five more requisitions; the hiring manager joins the team of the last only, Ivy interviews
    // for the second and the fourth.
    let mut reqs = Vec::new();
    for i in 0..5 {
        reqs.push(new_req(app, &w.admin.token, &format!("Role {i}")).await);
    }
    expect(
        &app.post(
            &format!("/api/orgs/acme/requisitions/{}/team", reqs[4]),
            &w.admin.token,
            json!({ "user_id": w.hm.user.id, "role": "hiring_manager" }),
        )
        .await,
        StatusCode::OK,
    );
    for r in [&reqs[1], &reqs[3]] {
        expect(
            &app.post(
                &format!("/api/orgs/acme/requisitions/{r}/team"),
                &w.admin.token,
                json!({ "user_id": w.recruiter.user.id, "role": "recruiter" }),
            )
            .await,
            StatusCode::OK,
        );
        let a = apply(app, &w.recruiter.token, r, &w.ada).await;
        let iv = app
            .post(
                &format!("/api/orgs/acme/applications/{a}/interviews"),
                &w.recruiter.token,
                json!({ "round": "product-design", "starts_ms": 4_000_000_000_000_i64,
                        "ends_ms": 4_000_003_600_000_i64, "panel": [w.ivy.user.id] }),
            )
            .await;
        expect(&iv, StatusCode::CREATED);
    }
    // Ids in the store's own order.
    let order = app
        .store
        .requisitions(
            &ctx_of(app, &w.admin.user).await.org.id,
            false,
            &Page::first(50),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|s| s.requisition.id)
        .collect::<Vec<_>>();
    let in_order = |mut ids: Vec<String>| {
        ids.sort_by_key(|id| order.iter().position(|o| o == id));
        ids
    };
    let titles = |page: &hireloop_store::Paged<hireloop_store::RequisitionSummary>| {
        page.items
            .iter()
            .map(|s| s.requisition.id.clone())
            .collect::<Vec<_>>()
    };
    let first = |limit| ListQuery {
        include_closed: false,
        after: None,
        limit: Some(limit),
    };

    // The hiring manager: their two teams, even when the page is one row long.
    let hm = ctx_of(app, &w.hm.user).await;
    let listed = requisitions::list(&app.state, &hm, &first(50))
        .await
        .unwrap();
    let expected = in_order(vec![w.req.clone(), reqs[4].clone()]);
    assert_eq!(titles(&listed), expected);
    let one = requisitions::list(&app.state, &hm, &first(1))
        .await
        .unwrap();
    assert_eq!(titles(&one), [expected[0].clone()]);
    let next = requisitions::list(
        &app.state,
        &hm,
        &ListQuery {
            include_closed: false,
            after: one.next.clone(),
            limit: Some(1),
        },
    )
    .await
    .unwrap();
    assert_eq!(titles(&next), [expected[1].clone()]);
    assert_eq!(next.next, None, "no page after the last readable one");

    // Ivy: the requisitions she interviews for, and no other.
    let ivy = ctx_of(app, &w.ivy.user).await;
    let listed = requisitions::list(&app.state, &ivy, &first(50))
        .await
        .unwrap();
    let expected = in_order(vec![reqs[1].clone(), reqs[3].clone()]);
    assert_eq!(titles(&listed), expected);
    let ian = ctx_of(app, &w.ian.user).await;
    assert!(
        requisitions::list(&app.state, &ian, &first(50))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // The admin: every one, the same through the API and the service.
    let admin = ctx_of(app, &w.admin.user).await;
    let listed = requisitions::list(&app.state, &admin, &first(50))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 6);
    let api = app
        .get("/api/orgs/acme/requisitions?limit=50", &w.admin.token)
        .await;
    expect(&api, StatusCode::OK);
    assert_eq!(api.json()["items"].as_array().map(Vec::len), Some(6));
    let store_all = app
        .store
        .requisitions(&admin.org.id, false, &Page::first(50))
        .await
        .unwrap();
    assert_eq!(store_all.items.len(), 6);

    // The API lists the same for those who see only some: Ivy gets her two, by id.
    let api = app
        .get("/api/orgs/acme/requisitions?limit=50", &w.ivy.token)
        .await;
    expect(&api, StatusCode::OK);
    let ids: Vec<String> = api.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["requisition"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, in_order(vec![reqs[1].clone(), reqs[3].clone()]));

    // The home pages agree.
    let home = get(app, &w.hm.token, "/orgs/acme").await;
    assert!(home.has("Role 4") && home.has("Senior PM, checkout"));
    assert!(!home.has("Role 0") && !home.has("Role 1"));
    let home = get(app, &w.ivy.token, "/orgs/acme").await;
    assert!(home.has("Role 1") && home.has("Role 3") && !home.has("Role 4"));
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_and_names_every_problem() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/acme/candidates/import?_csrf={CSRF}");
    let before = candidate_count(&w).await;

    let bad = b"name,email,source\nBen Carter,ben@example.org,referral\nCy Dale,not-an-email,fair\n,dee@example.org,\n";
    let refused = upload(
        app,
        &w.recruiter.token,
        &path,
        &[],
        &[("file", "people.csv", bad)],
    )
    .await;
    refused.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("Nothing was imported"), "{}", refused.body);
    assert!(refused.has("line 3, column email"), "{}", refused.body);
    assert!(refused.has("line 4, column name"), "{}", refused.body);
    assert_eq!(candidate_count(&w).await, before, "nothing was imported");

    // A duplicate of an existing candidate is a problem too, with its line.
    let dup = "name,email\nAda Again,ADA@example.org\n";
    let refused = post(
        app,
        &w.recruiter.token,
        "/orgs/acme/candidates/import",
        &[("_csrf", CSRF), ("csv", dup)],
    )
    .await;
    refused.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("line 2, column email"), "{}", refused.body);
    assert!(refused.has("Ada Again"), "the pasted rows are kept");
    assert_eq!(candidate_count(&w).await, before);

    let good = b"name,email,source\nBen Carter,ben@example.org,referral\nCy Dale,cy@example.org,fair\nDee Eve,dee@example.org,\n";
    let done = upload(
        app,
        &w.recruiter.token,
        &path,
        &[("csv", "")],
        &[("file", "people.csv", good)],
    )
    .await;
    done.redirects_to("/orgs/acme/candidates?imported=3");
    assert_eq!(candidate_count(&w).await, before + 3);
    let page = get(app, &w.recruiter.token, &done.location).await;
    assert!(page.has("Imported 3 candidates") && page.has("Cy Dale"));

    // Hiring managers do not import.
    upload(
        app,
        &w.hm.token,
        &path,
        &[],
        &[("file", "people.csv", good)],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    // An empty form says what is missing.
    let empty = upload(app, &w.recruiter.token, &path, &[("csv", " ")], &[]).await;
    empty.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("choose a CSV file or paste its rows"));
}

#[tokio::test]
async fn candidates_are_added_searched_and_paged() {
    let w = world().await;
    let app = &w.app;
    let bad = post(
        app,
        &w.recruiter.token,
        "/orgs/acme/candidates",
        &[("_csrf", CSRF), ("name", "Zed Zee"), ("email", "zed")],
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"new-email-error\"") && bad.has("value=\"Zed Zee\""));
    let made = post(
        app,
        &w.recruiter.token,
        "/orgs/acme/candidates",
        &[
            ("_csrf", CSRF),
            ("name", "Zed Zee"),
            ("email", "zed@example.org"),
            ("source", "referral"),
        ],
    )
    .await;
    made.redirects_to("/orgs/acme/candidates/");
    let page = get(app, &w.recruiter.token, &made.location).await;
    page.is_page(StatusCode::OK);
    assert!(page.has("zed@example.org") && page.has("referral"));

    // Thirty more, so the list takes two pages of 25.
    let mut csv = String::from("name,email\n");
    for i in 0..30 {
        csv.push_str(&format!("Person {i:02},p{i:02}@example.org\n"));
    }
    post(
        app,
        &w.recruiter.token,
        "/orgs/acme/candidates/import",
        &[("_csrf", CSRF), ("csv", &csv)],
    )
    .await
    .redirects_to("/orgs/acme/candidates?imported=30");
    let first = get(app, &w.recruiter.token, "/orgs/acme/candidates").await;
    let next = first
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("after="))
        .expect("a next page link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let second = get(app, &w.recruiter.token, &next).await;
    second.is_page(StatusCode::OK);
    let rows = |p: &Html| {
        p.body
            .matches("<tr><td><a href=\"/orgs/acme/candidates/")
            .count()
    };
    assert_eq!(rows(&first), 25);
    assert_eq!(rows(&first) + rows(&second), 32);
    assert!(second.has("First page"));
    let found = get(app, &w.recruiter.token, "/orgs/acme/candidates?q=zed").await;
    assert_eq!(rows(&found), 1);
    assert!(found.has("Zed Zee"));
}

#[tokio::test]
async fn a_resume_upload_shows_the_screeners_suggestion() {
    let w = world().await;
    let app = &w.app;
    let page = format!("/orgs/acme/candidates/{}", w.ada);
    let path = format!("{page}/resumes?_csrf={CSRF}");
    let resume = "Ada Lovelace\nSenior Product Manager, Example Pay, 2018–present\n\
        I owned the checkout redesign for 40 million users and led a team of 12.\n\
        I launched one-tap pay; conversion rose from 61% to 68% in one quarter.\n\
        Product Manager, Shop Co, 2014–2018: I built the seller onboarding flow, GMV up 35%.";
    let done = upload(app, &w.recruiter.token, &path, &[("text", resume)], &[]).await;
    done.redirects_to(&page);
    let shown = get(app, &w.recruiter.token, &page).await;
    let screen = shown.section("id=\"resumes\"");
    assert!(screen.contains("Screener's suggestion — advice only; people decide"));
    assert!(
        ["Advance", "Hold", "Reject"]
            .iter()
            .any(|s| screen.contains(&format!(">{s}</span>"))),
        "{screen}"
    );
    assert!(screen.contains("one-tap pay"));
    // The API holds the same suggestion.
    let listed = app
        .get(
            &format!("/api/orgs/acme/candidates/{}/resumes", w.ada),
            &w.recruiter.token,
        )
        .await;
    assert_eq!(listed.json()[0]["screen"]["advice_only"], Value::Bool(true));

    // A file upload is read as its kind; an unreadable one is refused by the file field.
    let done = upload(
        app,
        &w.recruiter.token,
        &path,
        &[("text", "")],
        &[("file", "resume.md", resume.as_bytes())],
    )
    .await;
    done.redirects_to(&page);
    let listed = app
        .get(
            &format!("/api/orgs/acme/candidates/{}/resumes", w.ada),
            &w.recruiter.token,
        )
        .await;
    assert_eq!(listed.json().as_array().map(Vec::len), Some(2));
    let bad = upload(
        app,
        &w.recruiter.token,
        &path,
        &[],
        &[("file", "resume.pdf", b"%PDF-1.4 not really a pdf")],
    )
    .await;
    bad.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("id=\"resume-file-error\""), "{}", bad.body);
    let empty = upload(app, &w.recruiter.token, &path, &[("text", "  ")], &[]).await;
    empty.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("id=\"resume-text-error\""));

    // The export link works with the session cookie.
    let export = get(
        app,
        &w.recruiter.token,
        &format!("/api/orgs/acme/candidates/{}/export", w.ada),
    )
    .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.content_type.starts_with("application/json"));
    assert!(export.has("ada@example.org"));
}

#[tokio::test]
async fn erasure_needs_the_typed_confirmation_and_leaves_the_tombstone() {
    let w = world().await;
    let app = &w.app;
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let path = format!("/orgs/acme/candidates/{}/erase", w.ada);

    let wrong = post(
        app,
        &w.admin.token,
        &path,
        &[("_csrf", CSRF), ("confirm", "Ada")],
    )
    .await;
    wrong.is_page(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.has("id=\"erase-confirm-error\"") && wrong.has("nothing was erased"));
    assert!(app.store.candidate(&org.id, &w.ada).await.is_ok());
    // Recruiters never erase.
    post(
        app,
        &w.recruiter.token,
        &path,
        &[("_csrf", CSRF), ("confirm", "erase")],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert!(app.store.candidate(&org.id, &w.ada).await.is_ok());

    let done = post(
        app,
        &w.admin.token,
        &path,
        &[("_csrf", CSRF), ("confirm", "ada lovelace")],
    )
    .await;
    done.redirects_to(&format!("/orgs/acme/candidates/{}/erased", w.ada));
    assert!(app.store.candidate(&org.id, &w.ada).await.is_err());
    let tomb = app.store.tombstone(&org.id, &w.ada).await.unwrap().unwrap();
    assert_eq!(tomb.applications, 1);
    let page = get(app, &w.admin.token, &done.location).await;
    page.is_page(StatusCode::OK);
    assert!(page.has(&w.ada) && page.has("Tombstone id") && page.has("Alex Admin"));
    assert!(!page.has("Lovelace"));
    // The audit log still verifies after the erasure.
    assert!(
        get(app, &w.admin.token, "/orgs/acme/audit")
            .await
            .has("Chain intact")
    );
}

#[tokio::test]
async fn the_reports_page_shows_the_figures() {
    let w = world().await;
    let app = &w.app;
    // Two more applications, each with a stated group; one of the three moves on.
    for (name, email, group) in [
        ("Ben Carter", "ben@example.org", "group a"),
        ("Cy Dale", "cy@example.org", "group b"),
    ] {
        let c = new_candidate(app, &w.recruiter.token, name, email, Some(group)).await;
        apply(app, &w.recruiter.token, &w.req, &c).await;
    }
    let apps = app
        .get(
            &format!("/api/orgs/acme/requisitions/{}/applications", w.req),
            &w.recruiter.token,
        )
        .await;
    let first = apps.json()["items"][0]["id"].as_str().unwrap().to_owned();
    expect(
        &app.post(
            &format!("/api/orgs/acme/applications/{first}/move"),
            &w.hm.token,
            json!({ "stage": "recruiter-screen" }),
        )
        .await,
        StatusCode::OK,
    );

    let page = get(
        app,
        &w.hm.token,
        &format!("/orgs/acme/requisitions/{}/reports", w.req),
    )
    .await;
    page.is_page(StatusCode::OK);
    // The funnel: three entered the resume screen, one passed, two are still there.
    let funnel = page.section("id=\"funnel\"");
    let row = &funnel[funnel
        .find("<td>all</td><td>Resume screening</td>")
        .expect("the first stage's row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(
            "<td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">2</td>"
        ),
        "{row}"
    );
    assert!(funnel.contains("<svg") && funnel.contains("format=csv"));
    // Adverse impact: groups of one are suppressed, with the reason.
    let impact = page.section("id=\"adverse_impact\"");
    assert!(impact.contains("group a") && impact.contains("suppressed: fewer than 5 people"));
    for kind in [
        "time_in_stage",
        "time_to_decision",
        "calibration",
        "agreement",
    ] {
        assert!(page.has(&format!("id=\"{kind}\"")), "{kind}");
    }
    // The CSV link answers with the session cookie.
    let csv = get(
        app,
        &w.hm.token,
        &format!(
            "/api/orgs/acme/requisitions/{}/reports/funnel?format=csv",
            w.req
        ),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type.starts_with("text/csv") && csv.has("resume-screen"));
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    let w = world().await;
    let app = &w.app;
    // Enough changes for more than one page of 50.
    for i in 0..50 {
        new_candidate(
            app,
            &w.recruiter.token,
            &format!("Person {i}"),
            &format!("p{i}@example.org"),
            None,
        )
        .await;
    }
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let total = app.store.audit(&org.id, 0, 10_000).await.unwrap().len();
    assert!(total > 50);
    let page = get(app, &w.admin.token, "/orgs/acme/audit").await;
    page.is_page(StatusCode::OK);
    assert!(page.has(&format!("all {total} entries verify")));
    let seqs: Vec<u64> = page
        .body
        .split("<td class=\"num\">")
        .skip(1)
        .filter_map(|s| s.split('<').next()?.parse().ok())
        .collect();
    assert_eq!(seqs.len(), 50);
    assert_eq!(seqs[0], total as u64, "newest first");
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1));
    assert!(page.has("Rita Recruiter") && page.has("candidate.created"));
    let older = format!("/orgs/acme/audit?before={}", total - 49);
    assert!(page.has(&format!("href=\"{older}\"")), "{}", page.body);
    let next = get(app, &w.admin.token, &older).await;
    assert!(next.has("<td class=\"num\">1</td>") && next.has("Newer"));
}

#[tokio::test]
async fn forms_without_the_token_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let org = app.store.org_by_slug("acme").await.unwrap().unwrap();
    let (newcomer, _) = app.user("Nina Newcomer").await;
    post(
        app,
        &w.admin.token,
        "/orgs/acme/members",
        &[("email", &newcomer.email), ("role", "admin")],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert!(
        app.store
            .membership(&org.id, &newcomer.id)
            .await
            .unwrap()
            .is_none()
    );
    post(
        app,
        &w.admin.token,
        &format!("/orgs/acme/candidates/{}/erase", w.ada),
        &[("confirm", "erase")],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert!(app.store.candidate(&org.id, &w.ada).await.is_ok());
    // An upload without the token in its address.
    let before = candidate_count(&w).await;
    upload(
        app,
        &w.recruiter.token,
        "/orgs/acme/candidates/import",
        &[("_csrf", CSRF)],
        &[("file", "x.csv", b"name,email\nEve Fox,eve@example.org\n")],
    )
    .await
    .is_page(StatusCode::FORBIDDEN);
    assert_eq!(candidate_count(&w).await, before);
}
