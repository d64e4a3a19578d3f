//! The hiring-mode storage suite: every case runs on a fresh SQLite file, and on a fresh
//! PostgreSQL database too when `HIRELOOP_TEST_POSTGRES` names a server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod hiring_support;

use hireloop_hiring::audit::BreakReason;
use hireloop_hiring::roles::Role;
use hireloop_hiring::webhook::{EventKind, Outcome};
use hireloop_store::{
    ApplicationFilter, ApplicationStatus, Backend, CalendarWindow, CandidateFilter, ChainStatus,
    DeliveryStatus, ImportOutcome, InterviewStatus, NewCandidate, OfferStatus, Page, Store,
    StoreError, VisitOutcome,
};
use hiring_support::{
    DAY, actions, card, conflict, count, decision, exec, hire, in_world, intact, new_offer,
    not_found, on_every_backend, panel, person, req, taken, user,
};
use serde_json::json;
use sqlx::AnyPool;

#[tokio::test]
async fn orgs_have_members_with_roles_and_users_several_orgs() {
    in_world("orgs", |w| async move {
        let s = &w.store;
        let other = s.create_org("Beta", "Beta", 30, &w.iv1, 40).await.unwrap();
        assert_eq!(other.slug, "beta");
        assert!(taken(s.create_org("Again", "acme", 30, &w.iv1, 41).await));
        assert!(not_found(
            s.create_org("Ghost", "ghost", 30, "no-such-user", 42).await
        ));
        assert!(s.org_by_slug("ghost").await.unwrap().is_none());
        assert_eq!(s.org_by_slug("ACME").await.unwrap().unwrap().id, w.org);
        assert_eq!(s.org(&w.org).await.unwrap().retention_days, 180);
        let m = s.membership(&w.org, &w.admin).await.unwrap().unwrap();
        assert_eq!(m.role, Role::Admin);
        let orgs = s.orgs_of(&w.iv1).await.unwrap();
        assert_eq!(
            orgs.iter()
                .map(|(o, r)| (o.slug.as_str(), *r))
                .collect::<Vec<_>>(),
            vec![("acme", Role::Interviewer), ("beta", Role::Admin)]
        );
        assert!(taken(
            s.add_member(&w.org, &w.iv1, Role::Recruiter, &w.admin, 50)
                .await
        ));
        assert!(not_found(
            s.add_member(&w.org, "no-such-user", Role::Recruiter, &w.admin, 50)
                .await
        ));
        s.set_member_role(&w.org, &w.iv1, Role::HiringManager, &w.admin, 60)
            .await
            .unwrap();
        assert_eq!(
            s.membership(&w.org, &w.iv1).await.unwrap().unwrap().role,
            Role::HiringManager
        );
        s.add_to_team(&w.org, &w.req, &w.iv1, Role::Interviewer, &w.admin, 61)
            .await
            .unwrap();
        s.remove_member(&w.org, &w.iv1, &w.admin, 70).await.unwrap();
        assert!(s.membership(&w.org, &w.iv1).await.unwrap().is_none());
        assert!(s.on_team(&w.org, &w.req, &w.iv1).await.unwrap().is_none());
        assert!(not_found(
            s.remove_member(&w.org, &w.iv1, &w.admin, 71).await
        ));
        let members = s.members(&w.org).await.unwrap();
        assert_eq!(members.len(), 4);
        // With their accounts in one read: the same members, each named as their account.
        let accounts = s.member_accounts(&w.org).await.unwrap();
        assert_eq!(
            accounts
                .iter()
                .map(|a| a.member.clone())
                .collect::<Vec<_>>(),
            members
        );
        for a in &accounts {
            let account = s.user(&a.member.user_id).await.unwrap().unwrap();
            assert_eq!(a.display_name.as_ref(), Some(&account.display_name));
            assert_eq!(a.email.as_ref(), Some(&account.email));
        }
        let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
        let names = s
            .display_names(&[ids.clone(), vec!["no-such-user".to_owned()]].concat())
            .await
            .unwrap();
        assert_eq!(names.len(), 4, "an unknown id is absent");
        assert_eq!(names[&ids[0]], accounts[0].display_name.clone().unwrap());
        s.set_retention(&w.org, 90, &w.admin, 80).await.unwrap();
        assert_eq!(s.org(&w.org).await.unwrap().retention_days, 90);
        let acts = actions(s, &w.org).await;
        assert_eq!(
            acts,
            [
                "org.created",
                "member.added",
                "member.added",
                "member.added",
                "member.added",
                "member.added",
                "requisition.created",
                "member.role_changed",
                "team.added",
                "member.removed",
                "org.retention_changed",
            ]
        );
        assert_eq!(w.intact().await, 11);
        assert_eq!(intact(s, &other.id).await, 2);
    })
    .await;
}

#[tokio::test]
async fn requisitions_list_with_counts_page_and_close() {
    in_world("reqs", |w| async move {
        let s = &w.store;
        let mut ids = vec![w.req.clone()];
        for i in 0..4 {
            let r = s
                .create_requisition(&w.org, &req(&format!("Role {i}")), &w.admin, 100 + i)
                .await
                .unwrap();
            assert!(r.open && r.blind_first_stage);
            ids.push(r.id);
        }
        let c = w.candidate("Ann", "ann@example.com", 200).await;
        s.apply(&w.org, &w.req, &c.id, "screen", &w.recruiter, 210)
            .await
            .unwrap();
        let first = s
            .requisitions(&w.org, false, &Page::first(2))
            .await
            .unwrap();
        assert_eq!(first.items.len(), 2);
        let next = first.next.clone().unwrap();
        let second = s
            .requisitions(&w.org, false, &Page::after(&next, 2))
            .await
            .unwrap();
        let third = s
            .requisitions(
                &w.org,
                false,
                &Page::after(&second.next.clone().unwrap(), 2),
            )
            .await
            .unwrap();
        assert_eq!(third.items.len(), 1);
        assert!(third.next.is_none());
        let seen: Vec<String> = first
            .items
            .iter()
            .chain(&second.items)
            .chain(&third.items)
            .map(|r| r.requisition.id.clone())
            .collect();
        let mut newest_first = ids.clone();
        newest_first.reverse();
        assert_eq!(seen, newest_first);
        assert_eq!(third.items[0].active_applications, 1);
        let mut edit = req("Senior Product Manager");
        edit.blind_first_stage = false;
        let edited = s
            .edit_requisition(&w.org, &w.req, &edit, &w.manager, 300)
            .await
            .unwrap();
        assert_eq!(edited.title, "Senior Product Manager");
        assert!(!edited.blind_first_stage);
        s.close_requisition(&w.org, &ids[1], &w.admin, 310)
            .await
            .unwrap();
        assert!(conflict(
            s.close_requisition(&w.org, &ids[1], &w.admin, 311).await
        ));
        assert!(conflict(
            s.edit_requisition(&w.org, &ids[1], &edit, &w.admin, 312)
                .await
        ));
        assert!(conflict(
            s.apply(&w.org, &ids[1], &c.id, "screen", &w.admin, 313)
                .await
        ));
        let closed = s.requisition(&w.org, &ids[1]).await.unwrap();
        assert!(!closed.open);
        assert_eq!(closed.closed_ms, Some(310));
        assert_eq!(
            s.requisitions(&w.org, false, &Page::first(50))
                .await
                .unwrap()
                .items
                .len(),
            4
        );
        assert_eq!(
            s.requisitions(&w.org, true, &Page::first(50))
                .await
                .unwrap()
                .items
                .len(),
            5
        );
        s.add_to_team(
            &w.org,
            &w.req,
            &w.manager,
            Role::HiringManager,
            &w.admin,
            400,
        )
        .await
        .unwrap();
        s.add_to_team(&w.org, &w.req, &w.iv1, Role::Interviewer, &w.admin, 401)
            .await
            .unwrap();
        // Adding again changes the team role.
        s.add_to_team(&w.org, &w.req, &w.iv1, Role::BarRaiser, &w.admin, 402)
            .await
            .unwrap();
        assert_eq!(
            s.on_team(&w.org, &w.req, &w.iv1).await.unwrap(),
            Some(Role::BarRaiser)
        );
        let outsider = user(s, "outsider@example.com").await;
        assert!(not_found(
            s.add_to_team(&w.org, &w.req, &outsider, Role::Interviewer, &w.admin, 403)
                .await
        ));
        assert_eq!(s.team(&w.org, &w.req).await.unwrap().len(), 2);
        s.remove_from_team(&w.org, &w.req, &w.iv1, &w.admin, 404)
            .await
            .unwrap();
        assert!(not_found(
            s.remove_from_team(&w.org, &w.req, &w.iv1, &w.admin, 405)
                .await
        ));
        assert_eq!(s.on_team(&w.org, &w.req, &w.iv1).await.unwrap(), None);
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn candidates_are_unique_by_email_searchable_and_paged() {
    in_world("candidates", |w| async move {
        let s = &w.store;
        let ann = w.candidate("Ann Lee", "Ann.Lee@Example.com", 100).await;
        assert!(taken(
            s.create_candidate(
                &w.org,
                &person("Other", "ann.lee@example.COM"),
                &w.recruiter,
                101
            )
            .await
        ));
        let bob = w.candidate("Bob Annan", "bob@example.com", 102).await;
        let cat = w.candidate("Cat", "anneke@example.org", 103).await;
        let got = s.candidate(&w.org, &ann.id).await.unwrap();
        assert_eq!(got, ann);
        assert_eq!(got.email, "Ann.Lee@Example.com");
        assert_eq!(
            s.candidate_by_email(&w.org, " ANN.LEE@example.com")
                .await
                .unwrap()
                .unwrap()
                .id,
            ann.id
        );
        let search = |prefix: &str| CandidateFilter {
            prefix: Some(prefix.to_owned()),
            ..CandidateFilter::default()
        };
        let ids = |p: hireloop_store::Paged<hireloop_store::Candidate>| {
            p.items.into_iter().map(|c| c.id).collect::<Vec<_>>()
        };
        // Newest first; "ann" matches Ann by name and Cat by email, not Bob Annan.
        assert_eq!(
            ids(s
                .candidates(&w.org, &search("ANN"), &Page::first(10))
                .await
                .unwrap()),
            vec![cat.id.clone(), ann.id.clone()]
        );
        assert_eq!(
            ids(s
                .candidates(&w.org, &search("bob@"), &Page::first(10))
                .await
                .unwrap()),
            vec![bob.id.clone()]
        );
        let all = s
            .candidates(&w.org, &CandidateFilter::default(), &Page::first(2))
            .await
            .unwrap();
        assert_eq!(ids(all.clone()), vec![cat.id.clone(), bob.id.clone()]);
        let rest = s
            .candidates(
                &w.org,
                &CandidateFilter::default(),
                &Page::after(&all.next.unwrap(), 2),
            )
            .await
            .unwrap();
        assert_eq!(ids(rest), vec![ann.id.clone()]);
        let exact = s
            .candidates(&w.org, &CandidateFilter::default(), &Page::first(3))
            .await
            .unwrap();
        assert_eq!(exact.items.len(), 3);
        assert!(exact.next.is_none(), "a full last page says it is the last");
        let paged = s
            .candidates(&w.org, &search("ann"), &Page::first(1))
            .await
            .unwrap();
        assert_eq!(ids(paged.clone()), vec![cat.id.clone()]);
        assert_eq!(
            ids(s
                .candidates(
                    &w.org,
                    &search("ann"),
                    &Page::after(&paged.next.unwrap(), 1)
                )
                .await
                .unwrap()),
            vec![ann.id.clone()]
        );
        let app = s
            .apply(&w.org, &w.req, &bob.id, "screen", &w.recruiter, 110)
            .await
            .unwrap();
        w.pass_to(&app.id, "onsite", 120).await;
        let by_req = CandidateFilter {
            requisition_id: Some(w.req.clone()),
            ..CandidateFilter::default()
        };
        assert_eq!(
            ids(s
                .candidates(&w.org, &by_req, &Page::first(10))
                .await
                .unwrap()),
            vec![bob.id.clone()]
        );
        let by_stage = CandidateFilter {
            stage_id: Some("onsite".to_owned()),
            status: Some(ApplicationStatus::Active),
            ..CandidateFilter::default()
        };
        assert_eq!(
            ids(s
                .candidates(&w.org, &by_stage, &Page::first(10))
                .await
                .unwrap()),
            vec![bob.id.clone()]
        );
        let hired = CandidateFilter {
            status: Some(ApplicationStatus::Hired),
            ..CandidateFilter::default()
        };
        assert!(
            s.candidates(&w.org, &hired, &Page::first(10))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let r1 = s
            .attach_resume(
                &w.org,
                &ann.id,
                "Ann Lee — PM, 6 years",
                Some("{}"),
                &w.recruiter,
                130,
            )
            .await
            .unwrap();
        s.attach_resume(
            &w.org,
            &ann.id,
            "Ann Lee — PM, 7 years",
            None,
            &w.recruiter,
            140,
        )
        .await
        .unwrap();
        let resumes = s.resumes(&w.org, &ann.id).await.unwrap();
        assert_eq!(resumes.len(), 2);
        assert_eq!(resumes[0], r1);
        assert!(not_found(
            s.attach_resume(&w.org, "nobody", "x", None, &w.recruiter, 150)
                .await
        ));
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn import_is_all_or_nothing() {
    in_world("import", |w| async move {
        let s = &w.store;
        w.candidate("Existing", "taken@example.com", 100).await;
        let entries_before = w.entries().await;
        let csv = "name,email\n\
                   Ada,ada@example.com\n\
                   Bo,TAKEN@example.com\n\
                   Cy,cy@example.com\n";
        let mut rows = hireloop_hiring::import::import_candidates(csv.as_bytes())
            .unwrap()
            .rows;
        // The parser refuses a file that repeats an address; the store checks again for rows
        // that come from elsewhere.
        let mut again = rows[0].clone();
        again.line = 5;
        again.email = "Ada@Example.com".to_owned();
        rows.push(again);
        match s
            .import_candidates(&w.org, &rows, &w.recruiter, 200)
            .await
            .unwrap()
        {
            ImportOutcome::Refused(dups) => {
                assert_eq!(dups.len(), 2, "{dups:?}");
                assert_eq!(dups[0].line, 3);
                assert!(dups[0].existing.is_some());
                assert_eq!(dups[1].line, 5);
                assert_eq!(dups[1].earlier_line, Some(2));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            count(&w.raw, "SELECT COUNT(*) AS n FROM candidates").await,
            1,
            "nothing of the refused import was stored"
        );
        assert_eq!(w.entries().await, entries_before);
        let good = "name,email\nAda,ada@example.com\nCy,cy@example.com\n";
        let parsed = hireloop_hiring::import::import_candidates(good.as_bytes()).unwrap();
        let ImportOutcome::Imported(added) = s
            .import_candidates(&w.org, &parsed.rows, &w.recruiter, 300)
            .await
            .unwrap()
        else {
            panic!("expected an import");
        };
        assert_eq!(added.len(), 2);
        assert_eq!(added[1].name, "Cy");
        assert_eq!(
            count(&w.raw, "SELECT COUNT(*) AS n FROM candidates").await,
            3
        );
        assert_eq!(w.entries().await, entries_before + 2);
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn applications_move_through_stages_and_close() {
    in_world("applications", |w| async move {
        let s = &w.store;
        let mut apps = Vec::new();
        for i in 0..5 {
            let c = w
                .candidate(&format!("C{i}"), &format!("c{i}@example.com"), 100)
                .await;
            apps.push(
                s.apply(&w.org, &w.req, &c.id, "screen", &w.recruiter, 110 + i)
                    .await
                    .unwrap(),
            );
        }
        assert!(taken(
            s.apply(
                &w.org,
                &w.req,
                &apps[0].candidate_id,
                "screen",
                &w.recruiter,
                120
            )
            .await
        ));
        let a = &apps[0];
        let moved = w.pass_to(&a.id, "phone", 200).await;
        assert_eq!(moved.stage_id, "phone");
        assert_eq!(moved.updated_ms, 200);
        assert!(conflict(
            s.move_stage(
                &w.org,
                &a.id,
                "phone",
                VisitOutcome::Passed,
                &w.manager,
                201
            )
            .await
        ));
        assert!(conflict(
            s.move_stage(&w.org, &a.id, "onsite", VisitOutcome::Open, &w.manager, 201)
                .await
        ));
        w.pass_to(&a.id, "onsite", 300).await;
        let visits = s.visits(&w.org, &a.id).await.unwrap();
        assert_eq!(
            visits
                .iter()
                .map(|v| (v.seq, v.stage_id.as_str(), v.left_ms, v.outcome))
                .collect::<Vec<_>>(),
            vec![
                (1, "screen", Some(200), VisitOutcome::Passed),
                (2, "phone", Some(300), VisitOutcome::Passed),
                (3, "onsite", None, VisitOutcome::Open),
            ]
        );
        let closed = s
            .close_application(
                &w.org,
                &a.id,
                ApplicationStatus::Rejected,
                Some("no"),
                &w.manager,
                400,
            )
            .await
            .unwrap();
        assert_eq!(closed.status, ApplicationStatus::Rejected);
        assert_eq!(closed.decided_ms, Some(400));
        assert_eq!(
            s.visits(&w.org, &a.id).await.unwrap()[2].outcome,
            VisitOutcome::Failed
        );
        assert!(conflict(
            s.move_stage(
                &w.org,
                &a.id,
                "offer",
                VisitOutcome::Passed,
                &w.manager,
                401
            )
            .await
        ));
        assert!(conflict(
            s.close_application(
                &w.org,
                &a.id,
                ApplicationStatus::Withdrawn,
                None,
                &w.manager,
                402
            )
            .await
        ));
        s.close_application(
            &w.org,
            &apps[1].id,
            ApplicationStatus::Withdrawn,
            None,
            &w.recruiter,
            403,
        )
        .await
        .unwrap();
        assert_eq!(
            s.visits(&w.org, &apps[1].id).await.unwrap()[0].outcome,
            VisitOutcome::Withdrawn
        );
        // Lists: per requisition, per stage, per status, paged newest first.
        let all = s
            .applications(
                &w.org,
                &w.req,
                &ApplicationFilter::default(),
                &Page::first(3),
            )
            .await
            .unwrap();
        assert_eq!(all.items.len(), 3);
        assert_eq!(all.items[0].id, apps[4].id);
        let rest = s
            .applications(
                &w.org,
                &w.req,
                &ApplicationFilter::default(),
                &Page::after(&all.next.clone().unwrap(), 3),
            )
            .await
            .unwrap();
        assert_eq!(rest.items.len(), 2);
        assert!(rest.next.is_none());
        let screen = ApplicationFilter {
            stage_id: Some("screen".to_owned()),
            status: Some(ApplicationStatus::Active),
        };
        let in_screen = s
            .applications(&w.org, &w.req, &screen, &Page::first(10))
            .await
            .unwrap();
        assert_eq!(in_screen.items.len(), 3);
        let rejected = ApplicationFilter {
            status: Some(ApplicationStatus::Rejected),
            ..ApplicationFilter::default()
        };
        assert_eq!(
            s.applications(&w.org, &w.req, &rejected, &Page::first(10))
                .await
                .unwrap()
                .items,
            vec![closed.clone()]
        );
        assert_eq!(
            s.applications_of(&w.org, &a.candidate_id).await.unwrap(),
            vec![closed]
        );
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn a_stage_move_that_fails_midway_changes_nothing() {
    in_world("atomic", |w| async move {
        let s = &w.store;
        w.webhook(
            "https://hooks.example.com/a",
            "secret",
            &[EventKind::StageChanged],
            50,
        )
        .await;
        let (_, app) = w.applicant("Dee", "dee@example.com", "screen").await;
        // A trigger fails the insert of the next visit — after the open visit was already
        // closed inside the same transaction.
        match s.backend() {
            Backend::Sqlite => {
                exec(
                    &w.raw,
                    "CREATE TRIGGER boom BEFORE INSERT ON stage_visits \
                     WHEN NEW.stage_id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END",
                )
                .await
            }
            Backend::Postgres => {
                exec(
                    &w.raw,
                    "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
                       IF NEW.stage_id = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; \
                       RETURN NEW; END $$ LANGUAGE plpgsql; \
                     CREATE TRIGGER boom BEFORE INSERT ON stage_visits \
                       FOR EACH ROW EXECUTE FUNCTION boom();",
                )
                .await
            }
        }
        let entries = w.entries().await;
        let failed = s
            .move_stage(
                &w.org,
                &app.id,
                "boom",
                VisitOutcome::Passed,
                &w.manager,
                200,
            )
            .await;
        assert!(matches!(failed, Err(StoreError::Database(_))), "{failed:?}");
        assert_eq!(s.application(&w.org, &app.id).await.unwrap(), app);
        let visits = s.visits(&w.org, &app.id).await.unwrap();
        assert_eq!(visits.len(), 1);
        assert_eq!(visits[0].left_ms, None, "the open visit is still open");
        assert_eq!(visits[0].outcome, VisitOutcome::Open);
        assert_eq!(w.entries().await, entries);
        assert_eq!(
            count(&w.raw, "SELECT COUNT(*) AS n FROM webhook_deliveries").await,
            0
        );
        // The next move goes through whole.
        w.pass_to(&app.id, "phone", 300).await;
        assert_eq!(s.visits(&w.org, &app.id).await.unwrap().len(), 2);
        assert_eq!(
            count(&w.raw, "SELECT COUNT(*) AS n FROM webhook_deliveries").await,
            1
        );
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn assessments_start_once_and_submit_once() {
    in_world("assessments", |w| async move {
        let s = &w.store;
        let (c, app) = w.applicant("Eve", "eve@example.com", "oa").await;
        let plan = json!({ "items": ["q1", "q2"] });
        let a = s
            .issue_assessment(&w.org, &app.id, "nonce-1", 1_000, &plan, &w.recruiter, 120)
            .await
            .unwrap();
        assert_eq!(a.plan, plan);
        assert!(taken(
            s.issue_assessment(&w.org, &app.id, "nonce-1", 1_000, &plan, &w.recruiter, 121)
                .await
        ));
        assert_eq!(
            s.assessment_by_nonce(&w.org, "nonce-1").await.unwrap().id,
            a.id
        );
        assert!(conflict(
            s.save_assessment_draft(&w.org, &a.id, "q1", "early", 130)
                .await
        ));
        assert!(conflict(
            s.submit_assessment(&w.org, &a.id, &c.id, 131).await
        ));
        let started = s
            .start_assessment(&w.org, &a.id, 600, &c.id, 200)
            .await
            .unwrap();
        assert_eq!(started.deadline_ms, Some(800));
        let again = s
            .start_assessment(&w.org, &a.id, 600, &c.id, 300)
            .await
            .unwrap();
        assert_eq!(again.deadline_ms, Some(800), "the deadline is set once");
        s.save_assessment_draft(&w.org, &a.id, "q1", "first", 400)
            .await
            .unwrap();
        s.save_assessment_draft(&w.org, &a.id, "q1", "second", 410)
            .await
            .unwrap();
        s.save_assessment_draft(&w.org, &a.id, "q2", "other", 420)
            .await
            .unwrap();
        assert!(
            s.submit_assessment(&w.org, &a.id, &c.id, 500)
                .await
                .unwrap()
        );
        assert!(
            !s.submit_assessment(&w.org, &a.id, &c.id, 501)
                .await
                .unwrap()
        );
        assert!(conflict(
            s.save_assessment_draft(&w.org, &a.id, "q1", "late", 502)
                .await
        ));
        s.attach_assessment_result(
            &w.org,
            &a.id,
            &json!({ "overall": 3.5 }),
            &[("q1".to_owned(), json!({ "score": 4 }))],
            "system",
            600,
        )
        .await
        .unwrap();
        let answers = s.assessment_answers(&w.org, &a.id).await.unwrap();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].answer.as_deref(), Some("second"));
        assert_eq!(answers[0].graded, Some(json!({ "score": 4 })));
        let done = s.assessment(&w.org, &a.id).await.unwrap();
        assert_eq!(done.submitted_ms, Some(500));
        assert_eq!(done.result, Some(json!({ "overall": 3.5 })));
        // An expired link cannot be started.
        let late = s
            .issue_assessment(&w.org, &app.id, "nonce-2", 700, &plan, &w.recruiter, 650)
            .await
            .unwrap();
        assert!(conflict(
            s.start_assessment(&w.org, &late.id, 600, &c.id, 700).await
        ));
        assert_eq!(s.assessments_of(&w.org, &app.id).await.unwrap().len(), 2);
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn interviews_reschedule_with_history_and_count_load() {
    in_world("interviews", |w| async move {
        let s = &w.store;
        let (_, app) = w.applicant("Fay", "fay@example.com", "onsite").await;
        let i = w.interview(&app.id, 200).await;
        assert_eq!(i.status, InterviewStatus::Scheduled);
        assert_eq!(i.sequence, 0);
        assert_eq!(i.panel.len(), 2);
        let outsider = user(s, "outsider@example.com").await;
        assert!(not_found(
            s.schedule_interview(
                &w.org,
                &app.id,
                &panel(&w.iv1, &outsider),
                &w.recruiter,
                201
            )
            .await
        ));
        let moved = s
            .reschedule_interview(
                &w.org,
                &i.id,
                11 * DAY,
                11 * DAY + 3_600_000,
                Some("interviewer ill"),
                &w.recruiter,
                300,
            )
            .await
            .unwrap();
        assert_eq!(moved.sequence, 1);
        assert_eq!(moved.starts_ms, 11 * DAY);
        let history = s.interview_history(&w.org, &i.id).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].reason.as_deref(), Some("interviewer ill"));
        assert_eq!(history[0].starts_ms, 10 * DAY);
        // Load over day 11: both panel members once; the others zero.
        let load = s
            .interviewer_load(&w.org, 11 * DAY, 12 * DAY)
            .await
            .unwrap();
        let of = |u: &str| load.iter().find(|l| l.user_id == u).unwrap().interviews;
        assert_eq!(of(&w.iv1), 1);
        assert_eq!(of(&w.iv2), 1);
        assert_eq!(of(&w.manager), 0);
        assert_eq!(load.len(), 5);
        assert_eq!(
            s.interviewer_load(&w.org, 12 * DAY, 13 * DAY)
                .await
                .unwrap()
                .iter()
                .map(|l| l.interviews)
                .sum::<i64>(),
            0
        );
        let mine = s
            .interviews_for(&w.org, &w.iv1, 11 * DAY, 12 * DAY)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert!(
            s.interviews_for(&w.org, &w.iv1, 10 * DAY, 11 * DAY)
                .await
                .unwrap()
                .is_empty()
        );
        let second = s
            .schedule_interview(
                &w.org,
                &app.id,
                &panel(&w.iv1, &w.manager),
                &w.recruiter,
                400,
            )
            .await
            .unwrap();
        let cancelled = s
            .cancel_interview(&w.org, &second.id, Some("duplicate"), &w.recruiter, 410)
            .await
            .unwrap();
        assert_eq!(cancelled.status, InterviewStatus::Cancelled);
        assert_eq!(cancelled.sequence, 1);
        assert!(conflict(
            s.reschedule_interview(&w.org, &second.id, 1, 2, None, &w.recruiter, 420)
                .await
        ));
        assert!(conflict(
            s.cancel_interview(&w.org, &second.id, None, &w.recruiter, 421)
                .await
        ));
        let done = s
            .complete_interview(&w.org, &i.id, &w.recruiter, 500)
            .await
            .unwrap();
        assert_eq!(done.status, InterviewStatus::Done);
        let of_app = s.interviews_of(&w.org, &app.id).await.unwrap();
        assert_eq!(of_app.len(), 2);
        assert_eq!(
            s.interviewer_load(&w.org, 0, 100 * DAY)
                .await
                .unwrap()
                .iter()
                .map(|l| l.interviews)
                .sum::<i64>(),
            0,
            "held and cancelled interviews are no load"
        );
        // Cancelling removed the cancelled interview's unsubmitted scorecards only.
        assert_eq!(s.scorecards_of(&w.org, &app.id).await.unwrap().len(), 2);
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn scorecards_draft_then_submit_once_and_overdue_ones_are_found() {
    in_world("scorecards", |w| async move {
        let s = &w.store;
        let (_, app) = w.applicant("Gus", "gus@example.com", "onsite").await;
        let i = w.interview(&app.id, 200).await;
        let due = i.ends_ms + hireloop_hiring::scorecard::DEFAULT_GRACE_MS;
        let mine = s
            .own_scorecard(&w.org, &app.id, "onsite-1", &w.iv1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mine.due_ms, due);
        assert_eq!(mine.submitted_ms, None);
        assert!(not_found(
            s.save_scorecard_draft(&w.org, &i.id, &w.manager, &card("hire"), 300)
                .await
        ));
        s.save_scorecard_draft(&w.org, &i.id, &w.iv1, &card("lean_hire"), 300)
            .await
            .unwrap();
        let draft = s
            .own_scorecard(&w.org, &app.id, "onsite-1", &w.iv1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(draft.recommendation.as_deref(), Some("lean_hire"));
        assert_eq!(draft.saved_ms, Some(300));
        let entries = w.entries().await;
        assert_eq!(w.entries().await, entries, "drafts are not audited");
        // Nothing is overdue before the due time; both are just after.
        assert!(
            s.overdue_scorecards(&w.org, due, 100)
                .await
                .unwrap()
                .is_empty()
        );
        let late = s.overdue_scorecards(&w.org, due + 5, 100).await.unwrap();
        assert_eq!(late.len(), 2);
        assert_eq!(late[0].late_by_ms, 5);
        let submitted = s
            .submit_scorecard(&w.org, &i.id, &w.iv1, &card("hire"), due + 10)
            .await
            .unwrap();
        assert_eq!(submitted.submitted_ms, Some(due + 10));
        assert!(conflict(
            s.submit_scorecard(&w.org, &i.id, &w.iv1, &card("no_hire"), due + 11)
                .await
        ));
        assert!(conflict(
            s.save_scorecard_draft(&w.org, &i.id, &w.iv1, &card("no_hire"), due + 12)
                .await
        ));
        let late = s.overdue_scorecards(&w.org, due + 20, 100).await.unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].interviewer_id, w.iv2);
        let all = s.scorecards_of(&w.org, &app.id).await.unwrap();
        assert_eq!(all.len(), 2);
        let own = all.iter().find(|c| c.interviewer_id == w.iv1).unwrap();
        assert_eq!(own.recommendation.as_deref(), Some("hire"));
        // Many applications at once give the same cards as one at a time, and only one's own.
        let (_, other) = w.applicant("Hal", "hal@example.com", "onsite").await;
        let mine = s
            .own_scorecards(&w.org, &w.iv1, &[app.id.clone(), other.id.clone()])
            .await
            .unwrap();
        assert_eq!(mine, vec![own.clone()]);
        assert!(
            s.own_scorecards(&w.org, &w.iv1, &[])
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(own.ratings, json!({ "product_sense": 3, "execution": 4 }));
        assert!(
            actions(s, &w.org)
                .await
                .contains(&"scorecard.submitted".to_owned())
        );
        // The home page's calendar: upcoming before the start, owed after it until submitted.
        let window = |now_ms: i64, upcoming_limit: usize| CalendarWindow {
            now_ms,
            since_ms: 0,
            until_ms: 100 * DAY,
            upcoming_limit,
        };
        let calendar = |who: String, at: CalendarWindow| {
            let org = w.org.clone();
            async move { s.member_calendar(&org, &who, &at).await.unwrap() }
        };
        let before = calendar(w.iv1.clone(), window(DAY, 5)).await;
        assert_eq!(before.upcoming, vec![i.clone()]);
        assert_eq!((before.upcoming_total, before.owed.len()), (1, 0));
        let counted = calendar(w.iv1.clone(), window(DAY, 0)).await;
        assert!(counted.upcoming.is_empty());
        assert_eq!(counted.upcoming_total, 1);
        let after = calendar(w.iv1.clone(), window(due + 20, 5)).await;
        assert_eq!(
            (after.upcoming_total, after.owed.len()),
            (0, 0),
            "iv1 submitted"
        );
        let owing = calendar(w.iv2.clone(), window(due + 20, 5)).await;
        assert_eq!(owing.owed, vec![i.clone()]);
        assert!(
            calendar(w.manager.clone(), window(due + 20, 5))
                .await
                .owed
                .is_empty(),
            "not on the panel"
        );
        s.cancel_interview(&w.org, &i.id, Some("called off"), &w.recruiter, due + 30)
            .await
            .unwrap();
        assert!(
            calendar(w.iv2.clone(), window(due + 40, 5))
                .await
                .owed
                .is_empty(),
            "a cancelled interview owes nothing"
        );
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn decisions_are_final_and_offers_follow_their_states() {
    in_world("decisions", |w| async move {
        let s = &w.store;
        let (c, app) = w.applicant("Hal", "hal@example.com", "debrief").await;
        let report = json!({ "outcome": "hire", "trace": [1.5, 2] });
        assert!(conflict(
            s.record_decision(
                &w.org,
                &app.id,
                &decision("no_hire", "hire", Some("  "), &report),
                &w.manager,
                200,
            )
            .await
        ));
        let d = s
            .record_decision(
                &w.org,
                &app.id,
                &decision("no_hire", "hire", Some("strong references"), &report),
                &w.manager,
                200,
            )
            .await
            .unwrap();
        assert_eq!(d.report, report);
        assert_eq!(d.override_reason.as_deref(), Some("strong references"));
        assert!(conflict(
            s.record_decision(&w.org, &app.id, &hire(&report), &w.manager, 201)
                .await
        ));
        assert_eq!(s.decision(&w.org, &app.id).await.unwrap().unwrap(), d);
        let position = json!({ "position": "within" });
        // One offer stands at a time: a second waits until the first is withdrawn.
        let first = s
            .propose_offer(
                &w.org,
                &app.id,
                &new_offer(550_000, &position),
                &w.recruiter,
                250,
            )
            .await
            .unwrap();
        let propose = |amount: i64, at: i64| {
            let (org, app) = (w.org.clone(), app.id.clone());
            let position = position.clone();
            let by = w.recruiter.clone();
            async move {
                s.propose_offer(&org, &app, &new_offer(amount, &position), &by, at)
                    .await
            }
        };
        assert!(conflict(propose(600_000, 260).await));
        let withdrawn = s
            .set_offer_status(&w.org, &first.id, OfferStatus::Withdrawn, &w.recruiter, 270)
            .await
            .unwrap();
        let offer = propose(600_000, 300).await.unwrap();
        assert_eq!(offer.status, OfferStatus::Proposed);
        assert!(conflict(
            s.set_offer_status(&w.org, &offer.id, OfferStatus::Sent, &w.recruiter, 301)
                .await
        ));
        let approved = s
            .approve_offer(&w.org, &offer.id, Some("within band"), &w.manager, 310)
            .await
            .unwrap();
        assert_eq!(approved.approved_by.as_deref(), Some(w.manager.as_str()));
        assert_eq!(approved.approval_reason.as_deref(), Some("within band"));
        s.set_offer_status(&w.org, &offer.id, OfferStatus::Sent, &w.recruiter, 320)
            .await
            .unwrap();
        let accepted = s
            .set_offer_status(&w.org, &offer.id, OfferStatus::Accepted, &c.id, 330)
            .await
            .unwrap();
        assert_eq!(accepted.status, OfferStatus::Accepted);
        assert!(conflict(
            s.set_offer_status(&w.org, &offer.id, OfferStatus::Withdrawn, &w.recruiter, 340)
                .await
        ));
        assert!(
            conflict(propose(700_000, 335).await),
            "an accepted offer stands"
        );
        assert_eq!(
            s.offers_of(&w.org, &app.id).await.unwrap(),
            vec![withdrawn, accepted.clone()]
        );
        assert_eq!(s.offer(&w.org, &offer.id).await.unwrap(), accepted);
        let acts = actions(s, &w.org).await;
        for a in [
            "application.decided",
            "offer.proposed",
            "offer.approved",
            "offer.sent",
            "offer.accepted",
        ] {
            assert!(acts.contains(&a.to_owned()), "{a} missing from {acts:?}");
        }
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn another_organisations_ids_find_nothing() {
    in_world("isolation", |w| async move {
        let s = &w.store;
        let b_admin = user(s, "b-admin@example.com").await;
        let b = s
            .create_org("Other", "other", 30, &b_admin, 10)
            .await
            .unwrap()
            .id;
        let c = w.candidate("Ivy", "ivy@example.com", 100).await;
        s.attach_resume(&w.org, &c.id, "resume", None, &w.recruiter, 101)
            .await
            .unwrap();
        let app = s
            .apply(&w.org, &w.req, &c.id, "screen", &w.recruiter, 110)
            .await
            .unwrap();
        let a = s
            .issue_assessment(
                &w.org,
                &app.id,
                "n-iso",
                9_999,
                &json!({}),
                &w.recruiter,
                120,
            )
            .await
            .unwrap();
        s.start_assessment(&w.org, &a.id, 100, &c.id, 121)
            .await
            .unwrap();
        s.save_assessment_draft(&w.org, &a.id, "q", "d", 122)
            .await
            .unwrap();
        let i = w.interview(&app.id, 130).await;
        let report = json!({});
        w.hire(&app.id, &report, 140).await;
        let offer = s
            .propose_offer(&w.org, &app.id, &new_offer(1, &report), &w.recruiter, 150)
            .await
            .unwrap();
        let hook = w
            .webhook("https://h.example.com", "k", &[EventKind::Decided], 160)
            .await;
        let app_before = s.application(&w.org, &app.id).await.unwrap();
        // Getters with organisation B.
        assert!(not_found(s.requisition(&b, &w.req).await));
        assert!(s.team(&b, &w.req).await.unwrap().is_empty());
        assert!(s.on_team(&b, &w.req, &w.manager).await.unwrap().is_none());
        assert!(not_found(s.candidate(&b, &c.id).await));
        assert!(
            s.candidate_by_email(&b, "ivy@example.com")
                .await
                .unwrap()
                .is_none()
        );
        assert!(s.resumes(&b, &c.id).await.unwrap().is_empty());
        assert!(
            s.candidates(&b, &CandidateFilter::default(), &Page::first(10))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert!(not_found(s.application(&b, &app.id).await));
        assert!(
            s.applications(&b, &w.req, &ApplicationFilter::default(), &Page::first(10))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert!(s.applications_of(&b, &c.id).await.unwrap().is_empty());
        assert!(s.visits(&b, &app.id).await.unwrap().is_empty());
        assert!(not_found(s.assessment(&b, &a.id).await));
        assert!(not_found(s.assessment_by_nonce(&b, "n-iso").await));
        assert!(s.assessment_answers(&b, &a.id).await.unwrap().is_empty());
        assert!(s.assessments_of(&b, &app.id).await.unwrap().is_empty());
        assert!(not_found(s.interview(&b, &i.id).await));
        assert!(s.interviews_of(&b, &app.id).await.unwrap().is_empty());
        assert!(
            s.interviews_for(&b, &w.iv1, 0, i64::MAX)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(s.interview_history(&b, &i.id).await.unwrap().is_empty());
        assert!(
            s.interviewer_load(&b, 0, i64::MAX)
                .await
                .unwrap()
                .iter()
                .all(|l| l.user_id == b_admin)
        );
        assert!(s.scorecards_of(&b, &app.id).await.unwrap().is_empty());
        assert!(
            s.own_scorecard(&b, &app.id, "onsite-1", &w.iv1)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            s.own_scorecards(&b, &w.iv1, std::slice::from_ref(&app.id))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.overdue_scorecards(&b, i64::MAX, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(s.decision(&b, &app.id).await.unwrap().is_none());
        assert!(not_found(s.offer(&b, &offer.id).await));
        assert!(s.offers_of(&b, &app.id).await.unwrap().is_empty());
        assert!(s.webhooks(&b).await.unwrap().is_empty());
        assert!(s.deliveries(&b, &hook.id, 10).await.unwrap().is_empty());
        assert!(s.audit_of_candidate(&b, &c.id).await.unwrap().is_empty());
        assert!(not_found(s.export_candidate(&b, &c.id).await));
        assert!(s.membership(&b, &w.recruiter).await.unwrap().is_none());
        // Writers with organisation B change nothing.
        let edit = req("x");
        assert!(not_found(
            s.edit_requisition(&b, &w.req, &edit, &b_admin, 200).await
        ));
        assert!(not_found(
            s.close_requisition(&b, &w.req, &b_admin, 200).await
        ));
        assert!(not_found(
            s.add_to_team(&b, &w.req, &b_admin, Role::Interviewer, &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.remove_from_team(&b, &w.req, &w.manager, &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.attach_resume(&b, &c.id, "x", None, &b_admin, 200).await
        ));
        assert!(not_found(
            s.apply(&b, &w.req, &c.id, "screen", &b_admin, 200).await
        ));
        assert!(not_found(
            s.move_stage(&b, &app.id, "x", VisitOutcome::Passed, &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.close_application(
                &b,
                &app.id,
                ApplicationStatus::Rejected,
                None,
                &b_admin,
                200
            )
            .await
        ));
        assert!(not_found(
            s.issue_assessment(&b, &app.id, "n2", 1, &json!({}), &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.start_assessment(&b, &a.id, 1, &b_admin, 200).await
        ));
        assert!(
            conflict(s.save_assessment_draft(&b, &a.id, "q", "x", 200).await)
                || not_found(s.save_assessment_draft(&b, &a.id, "q", "x", 200).await)
        );
        assert!(not_found(
            s.submit_assessment(&b, &a.id, &b_admin, 200).await
        ));
        assert!(not_found(
            s.attach_assessment_result(&b, &a.id, &json!({}), &[], &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.schedule_interview(&b, &app.id, &panel(&b_admin, &b_admin), &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.reschedule_interview(&b, &i.id, 1, 2, None, &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.cancel_interview(&b, &i.id, None, &b_admin, 200).await
        ));
        assert!(not_found(
            s.complete_interview(&b, &i.id, &b_admin, 200).await
        ));
        assert!(not_found(
            s.save_scorecard_draft(&b, &i.id, &w.iv1, &card("hire"), 200)
                .await
        ));
        assert!(not_found(
            s.submit_scorecard(&b, &i.id, &w.iv1, &card("hire"), 200)
                .await
        ));
        assert!(not_found(
            s.record_decision(&b, &app.id, &hire(&report), &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.propose_offer(&b, &app.id, &new_offer(1, &report), &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.approve_offer(&b, &offer.id, None, &b_admin, 200).await
        ));
        assert!(not_found(
            s.set_offer_status(&b, &offer.id, OfferStatus::Withdrawn, &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.disable_webhook(&b, &hook.id, &b_admin, 200).await
        ));
        assert!(not_found(s.erase_candidate(&b, &c.id, &b_admin, 200).await));
        assert!(not_found(
            s.set_member_role(&b, &w.recruiter, Role::Admin, &b_admin, 200)
                .await
        ));
        assert!(not_found(
            s.remove_member(&b, &w.recruiter, &b_admin, 200).await
        ));
        // And organisation A's data is as it was.
        assert_eq!(s.application(&w.org, &app.id).await.unwrap(), app_before);
        assert_eq!(s.interview(&w.org, &i.id).await.unwrap().sequence, 0);
        assert!(s.webhooks(&w.org).await.unwrap()[0].active);
        assert_eq!(
            intact(s, &b).await,
            2,
            "organisation B's chain holds its own entries only"
        );
        w.intact().await;
    })
    .await;
}

#[tokio::test]
async fn the_audit_chain_verifies_and_tampering_is_found() {
    in_world("tamper", |w| async move {
        let s = &w.store;
        let (c, app) = w.applicant("Jo", "jo@example.com", "screen").await;
        w.pass_to(&app.id, "phone", 120).await;
        let entries = s.audit(&w.org, 0, 100).await.unwrap();
        assert_eq!(entries.len(), 10);
        assert_eq!(
            entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=10).collect::<Vec<u64>>()
        );
        // Ids only in the hashed fields; the name and email are in the detail.
        let created = entries
            .iter()
            .find(|e| e.action == "candidate.created")
            .unwrap();
        assert_eq!(created.subject, format!("candidate:{}", c.id));
        assert_eq!(created.actor, w.recruiter);
        assert_eq!(created.detail.as_ref().unwrap()["email"], "jo@example.com");
        assert_eq!(s.audit(&w.org, 8, 100).await.unwrap().len(), 2);
        assert_eq!(w.intact().await, 10);

        // An edited detail.
        exec(
            &w.raw,
            &format!(
                "UPDATE audit_log SET detail = '{{\"email\":\"x@example.com\"}}' \
                 WHERE org_id = '{}' AND seq = {}",
                w.org, created.seq
            ),
        )
        .await;
        match s.verify_audit(&w.org).await.unwrap() {
            ChainStatus::Broken(b) => {
                assert_eq!(b.seq, created.seq);
                assert_eq!(b.reason, BreakReason::DetailMismatch);
            }
            other => panic!("tampering not found: {other:?}"),
        }
        let detail = hireloop_hiring::audit::canonical_json(created.detail.as_ref().unwrap())
            .replace('\'', "''");
        exec(
            &w.raw,
            &format!(
                "UPDATE audit_log SET detail = '{detail}' WHERE org_id = '{}' AND seq = {}",
                w.org, created.seq
            ),
        )
        .await;
        assert_eq!(w.intact().await, 10, "restored");

        // An edited actor.
        exec(
            &w.raw,
            &format!(
                "UPDATE audit_log SET actor = 'someone' WHERE org_id = '{}' AND seq = 4",
                w.org
            ),
        )
        .await;
        assert!(matches!(
            s.verify_audit(&w.org).await.unwrap(),
            ChainStatus::Broken(b) if b.seq == 4 && b.reason == BreakReason::HashMismatch
        ));
        exec(
            &w.raw,
            &format!(
                "UPDATE audit_log SET actor = '{}' WHERE org_id = '{}' AND seq = 4",
                entries[3].actor, w.org
            ),
        )
        .await;
        w.intact().await;

        // Resumed from an entry verified before: only what came after is read, and the count
        // carries on; an entry edited after the anchor is found, and so is a changed anchor.
        let anchor = entries[5].clone();
        let (status, last) = s
            .verify_audit_from(&w.org, Some((&anchor, 6)))
            .await
            .unwrap();
        assert!(
            matches!(status, ChainStatus::Intact { count: 10, .. }),
            "{status:?}"
        );
        assert_eq!(last.map(|e| e.seq), Some(10));
        exec(
            &w.raw,
            &format!(
                "UPDATE audit_log SET actor = 'someone' WHERE org_id = '{}' AND seq = 8",
                w.org
            ),
        )
        .await;
        let (status, last) = s
            .verify_audit_from(&w.org, Some((&anchor, 6)))
            .await
            .unwrap();
        assert!(
            matches!(&status, ChainStatus::Broken(b) if b.seq == 8),
            "{status:?}"
        );
        assert!(last.is_none());
        exec(
            &w.raw,
            &format!(
                "UPDATE audit_log SET actor = '{}' WHERE org_id = '{}' AND seq = 8",
                entries[7].actor, w.org
            ),
        )
        .await;
        let mut changed = anchor.clone();
        changed.hash = "0".repeat(64);
        assert!(matches!(
            s.verify_audit_from(&w.org, Some((&changed, 6))).await.unwrap().0,
            ChainStatus::Broken(b) if b.seq == 6
        ));
        w.intact().await;

        // A removed entry in the middle, and one cut off the end.
        exec(
            &w.raw,
            &format!(
                "DELETE FROM audit_log WHERE org_id = '{}' AND seq = 10",
                w.org
            ),
        )
        .await;
        assert!(matches!(
            s.verify_audit(&w.org).await.unwrap(),
            ChainStatus::HeadMismatch {
                recorded_seq: 10,
                found_seq: 9
            }
        ));
        exec(
            &w.raw,
            &format!(
                "DELETE FROM audit_log WHERE org_id = '{}' AND seq = 5",
                w.org
            ),
        )
        .await;
        assert!(matches!(
            s.verify_audit(&w.org).await.unwrap(),
            ChainStatus::Broken(b) if b.seq == 5
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_from_two_processes_keep_each_chain_linear() {
    on_every_backend("concurrent", |url| async move {
        // Two pools on one database stand for two server processes.
        let one = Store::open(&url).await.unwrap();
        let two = Store::open(&url).await.unwrap();
        let admin = user(&one, "admin@example.com").await;
        let a = one.create_org("A", "a", 30, &admin, 1).await.unwrap().id;
        let b = one.create_org("B", "b", 30, &admin, 1).await.unwrap().id;
        let req_a = one
            .create_requisition(&a, &req("R"), &admin, 2)
            .await
            .unwrap()
            .id;
        let mut tasks = Vec::new();
        for i in 0..120 {
            let store = if i % 2 == 0 { one.clone() } else { two.clone() };
            let (org, admin, req_a) = (
                if i % 3 == 0 { b.clone() } else { a.clone() },
                admin.clone(),
                req_a.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let c = store
                    .create_candidate(
                        &org,
                        &person(&format!("P{i}"), &format!("p{i}@example.com")),
                        &admin,
                        100 + i,
                    )
                    .await?;
                // Half of organisation A's candidates also apply: a read-then-write operation.
                if i % 2 == 1 && i % 3 != 0 {
                    store
                        .apply(&org, &req_a, &c.id, "screen", &admin, 100 + i)
                        .await?;
                }
                Ok::<_, StoreError>(())
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let in_b = (0..120).filter(|i| i % 3 == 0).count() as u64;
        let in_a = 120 - in_b;
        let applied = (0..120).filter(|i| i % 2 == 1 && i % 3 != 0).count() as u64;
        // A: org.created, member.added, requisition.created, then its candidates and applications.
        assert_eq!(intact(&one, &a).await, 3 + in_a + applied);
        assert_eq!(intact(&two, &b).await, 2 + in_b);
        let seqs: Vec<u64> = one
            .audit(&a, 0, 10_000)
            .await
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, (1..=3 + in_a + applied).collect::<Vec<_>>());
    })
    .await;
}

#[tokio::test]
async fn the_outbox_queues_one_delivery_per_subscribed_active_hook() {
    in_world("outbox", |w| async move {
        let s = &w.store;
        let stages = w
            .webhook(
                "https://a.example.com",
                "ka",
                &[EventKind::StageChanged, EventKind::Decided],
                10,
            )
            .await;
        let decided = w
            .webhook("https://b.example.com", "kb", &[EventKind::Decided], 11)
            .await;
        let off = w
            .webhook(
                "https://c.example.com",
                "kc",
                &[EventKind::StageChanged],
                12,
            )
            .await;
        s.disable_webhook(&w.org, &off.id, &w.admin, 13)
            .await
            .unwrap();
        assert!(!s.webhooks(&w.org).await.unwrap()[2].active);
        let (_, app) = w.applicant("Kim", "kim@example.com", "screen").await;
        assert!(s.due_deliveries(i64::MAX, 100).await.unwrap().is_empty());
        w.pass_to(&app.id, "phone", 200).await;
        let due = s.due_deliveries(200, 100).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].webhook_id, stages.id);
        assert_eq!(due[0].url, "https://a.example.com");
        assert_eq!(due[0].secret, "ka");
        assert_eq!(due[0].kind, "application.stage_changed");
        let body: serde_json::Value = serde_json::from_str(&due[0].body).unwrap();
        assert_eq!(body["data"]["to"], "phone");
        assert_eq!(body["org"], w.org.as_str());
        assert!(
            !due[0].body.contains("kim@example.com"),
            "no personal data in bodies"
        );
        let report = json!({});
        w.hire(&app.id, &report, 300).await;
        let due = s.due_deliveries(300, 100).await.unwrap();
        assert_eq!(due.len(), 3);
        let decided_ones: Vec<_> = due
            .iter()
            .filter(|d| d.kind == "application.decided")
            .collect();
        assert_eq!(decided_ones.len(), 2);
        assert_eq!(
            decided_ones[0].event_id, decided_ones[1].event_id,
            "one event, two hooks"
        );
        assert!(decided_ones.iter().any(|d| d.webhook_id == decided.id));
        // Attempts: a retry, then delivered; a late second sender changes nothing.
        let first = &due[0];
        assert!(
            s.record_attempt(
                &first.id,
                Outcome::Retry,
                Some(503),
                Some("unavailable"),
                Some(1_000)
            )
            .await
            .unwrap()
        );
        assert_eq!(s.due_deliveries(999, 100).await.unwrap().len(), 2);
        let again = s.due_deliveries(1_000, 100).await.unwrap();
        let retried = again.iter().find(|d| d.id == first.id).unwrap();
        assert_eq!(retried.attempts, 1);
        assert_eq!(retried.last_code, Some(503));
        assert!(
            s.record_attempt(&first.id, Outcome::Delivered, Some(200), None, None)
                .await
                .unwrap()
        );
        assert!(
            !s.record_attempt(&first.id, Outcome::Delivered, Some(200), None, None)
                .await
                .unwrap()
        );
        assert!(
            s.record_attempt(
                &due[1].id,
                Outcome::Permanent,
                Some(404),
                Some("gone"),
                Some(5)
            )
            .await
            .unwrap()
        );
        assert!(
            s.record_attempt(&due[2].id, Outcome::Retry, None, Some("timeout"), None)
                .await
                .unwrap()
        );
        assert!(s.due_deliveries(i64::MAX, 100).await.unwrap().is_empty());
        let log = s.deliveries(&w.org, &stages.id, 10).await.unwrap();
        assert_eq!(log.len(), 2);
        assert!(log.iter().any(|d| d.status == DeliveryStatus::Delivered));
        w.intact().await;
    })
    .await;
}

/// Every text cell of every table, as (table, text).
async fn every_text(pool: &AnyPool) -> Vec<(String, String)> {
    use sqlx::{Column, Row};
    let tables = [
        "users",
        "orgs",
        "members",
        "audit_heads",
        "audit_log",
        "requisitions",
        "hiring_team",
        "candidates",
        "resumes",
        "candidate_tombstones",
        "applications",
        "stage_visits",
        "assessments",
        "assessment_answers",
        "interviews",
        "interview_panel",
        "interview_history",
        "scorecards",
        "decisions",
        "offers",
        "webhooks",
        "webhook_deliveries",
    ];
    let mut out = Vec::new();
    for t in tables {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {t}")))
            .fetch_all(pool)
            .await
            .unwrap();
        for row in rows {
            for col in row.columns() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(col.ordinal()) {
                    out.push((format!("{t}.{}", col.name()), text));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn erasure_leaves_only_a_tombstone_and_the_chain_verifies() {
    in_world("erasure", |w| async move {
        let s = &w.store;
        w.webhook(
            "https://a.example.com",
            "k",
            &[EventKind::StageChanged, EventKind::CandidateErased],
            10,
        )
        .await;
        let name = "Zelda Quarantotto";
        let email = "zelda.q@example.net";
        // The candidate has an account of their own and acts through it.
        let zed_user = user(s, "login-7@example.org").await;
        s.add_member(&w.org, &zed_user, Role::Candidate, &w.recruiter, 90)
            .await
            .unwrap();
        let zed = s
            .create_candidate(
                &w.org,
                &NewCandidate {
                    user_id: Some(zed_user.clone()),
                    ..person(name, email)
                },
                &w.recruiter,
                100,
            )
            .await
            .unwrap();
        let keep = w.candidate("Kept Person", "kept@example.com", 100).await;
        s.attach_resume(
            &w.org,
            &zed.id,
            &format!("{name}\n{email}\nPM"),
            Some("{}"),
            &w.recruiter,
            110,
        )
        .await
        .unwrap();
        let app = s
            .apply(&w.org, &w.req, &zed.id, "oa", &w.recruiter, 120)
            .await
            .unwrap();
        let kept_app = s
            .apply(&w.org, &w.req, &keep.id, "oa", &w.recruiter, 120)
            .await
            .unwrap();
        let a = s
            .issue_assessment(
                &w.org,
                &app.id,
                "n-zed",
                9_999,
                &json!({ "q": 1 }),
                &w.recruiter,
                130,
            )
            .await
            .unwrap();
        s.start_assessment(&w.org, &a.id, 1_000, &zed_user, 131)
            .await
            .unwrap();
        s.save_assessment_draft(&w.org, &a.id, "q1", &format!("I am {name}"), 132)
            .await
            .unwrap();
        s.submit_assessment(&w.org, &a.id, &zed_user, 133)
            .await
            .unwrap();
        w.pass_to(&app.id, "onsite", 140).await;
        let i = w.interview(&app.id, 150).await;
        s.reschedule_interview(
            &w.org,
            &i.id,
            20 * DAY,
            20 * DAY + 1,
            Some(&format!("{name} asked")),
            &w.recruiter,
            151,
        )
        .await
        .unwrap();
        let mut sc = card("hire");
        sc.summary = format!("{name} did well");
        s.submit_scorecard(&w.org, &i.id, &w.iv1, &sc, 160)
            .await
            .unwrap();
        let report = json!({ "candidate_name": name });
        w.hire(&app.id, &report, 170).await;
        s.propose_offer(
            &w.org,
            &app.id,
            &new_offer(500_000, &json!({ "for": email })),
            &w.recruiter,
            180,
        )
        .await
        .unwrap();
        w.pass_to(&kept_app.id, "phone", 185).await;

        // Before: the export holds everything, and the name is in many tables.
        let export = s.export_candidate(&w.org, &zed.id).await.unwrap();
        assert_eq!(export["candidate"]["email"], email);
        assert_eq!(export["resumes"].as_array().unwrap().len(), 1);
        let exported_app = &export["applications"][0];
        assert_eq!(exported_app["visits"].as_array().unwrap().len(), 2);
        assert_eq!(
            exported_app["assessments"][0]["answers"][0]["answer"],
            format!("I am {name}")
        );
        assert_eq!(
            exported_app["interviews"][0]["history"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(exported_app["scorecards"].as_array().unwrap().len(), 2);
        assert_eq!(exported_app["decision"]["final_outcome"], "hire");
        assert_eq!(exported_app["offers"][0]["amount"], 500_000);
        assert!(export["audit"].as_array().unwrap().len() >= 10);
        let before = every_text(&w.raw).await;
        assert!(before.iter().filter(|(_, t)| t.contains(name)).count() >= 6);

        let tomb = s
            .erase_candidate(&w.org, &zed.id, &w.admin, 1_000)
            .await
            .unwrap();
        assert_eq!(
            (
                tomb.applications,
                tomb.interviews,
                tomb.scorecards,
                tomb.offers
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(s.tombstone(&w.org, &zed.id).await.unwrap(), Some(tomb));
        assert!(
            s.membership(&w.org, &zed_user).await.unwrap().is_none(),
            "their candidate membership goes too"
        );

        // After: the name, the email and the ids of their applications are nowhere.
        let after = every_text(&w.raw).await;
        for (cell, text) in &after {
            assert!(!text.contains(name), "{cell} still holds the name: {text}");
            assert!(
                !text.to_lowercase().contains(email),
                "{cell} still holds the email: {text}"
            );
        }
        // The candidate's id remains only in the tombstone, the audit log's subjects and
        // erasure keys, and the `candidate.erased` event for receivers.
        let places: std::collections::BTreeSet<&str> = after
            .iter()
            .filter(|(_, t)| t.contains(&zed.id))
            .map(|(c, _)| c.as_str())
            .collect();
        assert_eq!(
            places.into_iter().collect::<Vec<_>>(),
            vec![
                "audit_log.candidate_id",
                "audit_log.subject",
                "candidate_tombstones.candidate_id",
                "webhook_deliveries.body",
            ]
        );
        let erased_events = s.due_deliveries(i64::MAX, 100).await.unwrap();
        assert!(erased_events.iter().all(|d| !d.body.contains(&app.id)));
        assert!(erased_events.iter().any(|d| d.kind == "candidate.erased"));
        assert!(not_found(s.candidate(&w.org, &zed.id).await));
        assert!(not_found(s.application(&w.org, &app.id).await));
        assert!(not_found(s.export_candidate(&w.org, &zed.id).await));
        assert!(not_found(
            s.erase_candidate(&w.org, &zed.id, &w.admin, 1_001).await
        ));
        let theirs = s.audit_of_candidate(&w.org, &zed.id).await.unwrap();
        assert!(theirs.len() >= 10);
        assert!(theirs.iter().all(|e| e.detail.is_none() && e.detail_erased));
        let last = s.audit(&w.org, 0, 10_000).await.unwrap().pop().unwrap();
        assert_eq!(last.action, "candidate.erased");
        assert_eq!(last.subject, format!("candidate:{}", zed.id));
        w.intact().await;
        // The other candidate is untouched.
        assert_eq!(
            s.candidate(&w.org, &keep.id).await.unwrap().name,
            "Kept Person"
        );
        assert_eq!(s.visits(&w.org, &kept_app.id).await.unwrap().len(), 2);
        assert!(
            s.audit_of_candidate(&w.org, &keep.id)
                .await
                .unwrap()
                .iter()
                .all(|e| e.detail.is_some())
        );
    })
    .await;
}

#[tokio::test]
async fn retention_finds_candidates_idle_past_the_limit_with_nothing_open() {
    in_world("retention", |w| async move {
        let s = &w.store;
        s.set_retention(&w.org, 30, &w.admin, 0).await.unwrap();
        let idle = w.candidate("Old", "old@example.com", DAY).await;
        let busy = w.candidate("Busy", "busy@example.com", DAY).await;
        s.apply(&w.org, &w.req, &busy.id, "screen", &w.recruiter, DAY)
            .await
            .unwrap();
        let recent = w.candidate("New", "new@example.com", DAY).await;
        s.attach_resume(&w.org, &recent.id, "cv", None, &w.recruiter, 20 * DAY)
            .await
            .unwrap();
        assert_eq!(
            s.candidate(&w.org, &recent.id)
                .await
                .unwrap()
                .last_activity_ms,
            20 * DAY
        );
        assert!(
            s.expired_candidates(&w.org, 31 * DAY, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s.expired_candidates(&w.org, 31 * DAY + 1, 10)
                .await
                .unwrap(),
            vec![idle.id.clone()]
        );
        assert_eq!(
            s.expired_candidates(&w.org, 60 * DAY, 10).await.unwrap(),
            vec![idle.id.clone(), recent.id.clone()]
        );
        s.erase_candidate(&w.org, &idle.id, "system", 60 * DAY)
            .await
            .unwrap();
        assert_eq!(
            s.expired_candidates(&w.org, 60 * DAY, 10).await.unwrap(),
            vec![recent.id]
        );
        w.intact().await;
    })
    .await;
}
