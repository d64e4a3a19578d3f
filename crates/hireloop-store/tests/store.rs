//! The store suite: every case runs on a fresh SQLite file, and on PostgreSQL too when
//! `HIRELOOP_TEST_POSTGRES` names a server (`postgres://user@host/db`; each case creates its own
//! database there and drops it afterwards). `.ci/run` starts one and sets the variable.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{exec, new_loop, on_every_backend, raw, user};
use hireloop_store::{
    Backend, CardRecord, LoopKind, LoopStatus, NewUser, Store, StoreError, Submission,
};

fn submission<'a>(text: &'a str, overall: f64) -> Submission<'a> {
    Submission {
        question_id: "design/q",
        family: "design",
        text,
        overall,
        feedback: r#"{"overall":2.5}"#,
        self_rating: Some(3),
    }
}

#[tokio::test]
async fn accounts_are_unique_by_email_in_any_case() {
    on_every_backend("accounts", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let id = user(&store, "Ada@Example.com ").await;
        let again = store
            .create_user(
                &NewUser {
                    email: "ada@example.COM",
                    display_name: "Other",
                    password_hash: "x",
                },
                2_000,
            )
            .await;
        assert!(matches!(again, Err(StoreError::Taken { .. })), "{again:?}");
        let found = store
            .user_by_email("ADA@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, id);
        assert_eq!(found.email, "ada@example.com");
        assert_eq!(store.user(&id).await.unwrap().unwrap().created_ms, 1_000);
        assert!(
            store
                .user_by_email("bob@example.com")
                .await
                .unwrap()
                .is_none()
        );
        store.set_password_hash(&id, "$argon2id$new").await.unwrap();
        assert_eq!(
            store.user(&id).await.unwrap().unwrap().password_hash,
            "$argon2id$new"
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_end_and_are_seen_by_every_process() {
    on_every_backend("sessions", |url| async move {
        let one = Store::open(&url).await.unwrap();
        // A second pool on the same database stands for a second server process.
        let two = Store::open(&url).await.unwrap();
        let id = user(&one, "s@example.com").await;
        one.create_session("hash-a", &id, "csrf-a", 10, 1_000)
            .await
            .unwrap();
        let s = two.session("hash-a", 999).await.unwrap().unwrap();
        assert_eq!(s.user.id, id);
        assert_eq!(s.csrf, "csrf-a");
        assert!(
            two.session("hash-a", 1_000).await.unwrap().is_none(),
            "expired"
        );
        assert!(two.session("hash-b", 10).await.unwrap().is_none());
        two.delete_session("hash-a").await.unwrap();
        assert!(one.session("hash-a", 11).await.unwrap().is_none());
        one.create_session("hash-c", &id, "c", 10, 500)
            .await
            .unwrap();
        one.create_session("hash-d", &id, "d", 10, 5_000)
            .await
            .unwrap();
        assert_eq!(one.purge_expired(600).await.unwrap(), 1);
        assert!(one.session("hash-d", 600).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn rate_limits_count_across_processes_over_a_sliding_window() {
    on_every_backend("rate", |url| async move {
        let one = Store::open(&url).await.unwrap();
        let two = Store::open(&url).await.unwrap();
        assert_eq!(one.hit("signin:ip", 60_000, 120_001).await.unwrap(), 1);
        assert_eq!(two.hit("signin:ip", 60_000, 150_000).await.unwrap(), 2);
        assert_eq!(one.hit("signin:ip", 60_000, 179_999).await.unwrap(), 3);
        assert_eq!(one.hit("signin:other", 60_000, 179_999).await.unwrap(), 1);
        // Past a window's edge the previous window still counts, by the share of it that lies
        // within the last minute (rounded up): a burst across the edge is not let through twice.
        assert_eq!(two.hit("signin:ip", 60_000, 180_000).await.unwrap(), 1 + 3);
        assert_eq!(one.hit("signin:ip", 60_000, 210_000).await.unwrap(), 2 + 2);
        assert_eq!(two.hit("signin:ip", 60_000, 239_999).await.unwrap(), 3 + 1);
        // Once a whole window has passed, the count starts afresh.
        assert_eq!(one.hit("signin:ip", 60_000, 300_000).await.unwrap(), 1);
        one.clear_hits("signin:ip").await.unwrap();
        assert_eq!(two.hit("signin:ip", 60_000, 300_001).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_instance_secret_is_created_once_and_shared_by_every_process() {
    on_every_backend("instance", |url| async move {
        let one = Store::open(&url).await.unwrap();
        let two = Store::open(&url).await.unwrap();
        // Two processes start together, each with its own fresh candidate: both end up with the
        // same value, whichever was stored first.
        let (a, b) = tokio::join!(
            one.instance_secret("links", "candidate-one", 1),
            two.instance_secret("links", "candidate-two", 2),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b);
        assert!(a == "candidate-one" || a == "candidate-two", "{a}");
        // A restart offers a new candidate and still gets the stored one.
        assert_eq!(one.instance_secret("links", "later", 3).await.unwrap(), a);
        // Secrets are kept by name.
        assert_eq!(
            two.instance_secret("other", "x", 4).await.unwrap(),
            "x".to_owned()
        );
    })
    .await;
}

#[tokio::test]
async fn loops_belong_to_their_candidate() {
    on_every_backend("ownership", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let bob = user(&store, "bob@example.com").await;
        let l = store
            .create_loop(&ada, LoopKind::Loop, "{}", "{\"plan\":1}", 5)
            .await
            .unwrap();
        store
            .save_draft(&ada, &l.id, "r1/1", "design/q", "design", "mine", 6)
            .await
            .unwrap();
        store.create_story(&ada, "{}", 7).await.unwrap();

        fn not_found<T>(r: Result<T, StoreError>) -> bool {
            matches!(r, Err(StoreError::NotFound { .. }))
        }
        assert!(not_found(store.loop_of(&bob, &l.id).await));
        assert!(not_found(
            store
                .save_draft(&bob, &l.id, "r1/1", "design/q", "design", "theirs", 8)
                .await
        ));
        assert!(not_found(
            store
                .submit_answer(&bob, &l.id, "r1/1", &submission("theirs", 4.0), None, 8)
                .await
        ));
        assert!(not_found(
            store.start_round(&bob, &l.id, "r1", 8, 60_000).await
        ));
        assert!(not_found(store.finish_loop(&bob, &l.id, "{}", 9).await));
        assert!(store.answer(&bob, &l.id, "r1/1").await.unwrap().is_none());
        assert!(store.answers(&bob, &l.id).await.unwrap().is_empty());
        assert!(store.clocks(&bob, &l.id).await.unwrap().is_empty());
        assert!(store.loops_of(&bob, 10).await.unwrap().is_empty());
        assert!(store.stories(&bob).await.unwrap().is_empty());
        // Nothing of Bob's attempts changed Ada's data.
        let a = store.answer(&ada, &l.id, "r1/1").await.unwrap().unwrap();
        assert_eq!(a.draft, "mine");
        assert_eq!(
            store.loop_of(&ada, &l.id).await.unwrap().status,
            LoopStatus::Running
        );
    })
    .await;
}

#[tokio::test]
async fn drafts_autosave_until_the_answer_is_submitted_once() {
    on_every_backend("drafts", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let l = store
            .create_loop(&ada, LoopKind::Loop, "{}", "{}", 5)
            .await
            .unwrap();
        let first = store
            .save_draft(&ada, &l.id, "r1/1", "design/q", "design", "one", 10)
            .await
            .unwrap();
        let second = store
            .save_draft(&ada, &l.id, "r1/1", "design/q", "design", "one two", 20)
            .await
            .unwrap();
        assert_eq!((first.version, second.version), (1, 2));
        assert_eq!(second.saved_ms, 20);
        let a = store.answer(&ada, &l.id, "r1/1").await.unwrap().unwrap();
        assert_eq!((a.draft.as_str(), a.draft_version), ("one two", 2));
        assert!(a.submitted.is_none());

        let (done, fresh) = store
            .submit_answer(&ada, &l.id, "r1/1", &submission("final", 2.5), None, 30)
            .await
            .unwrap();
        assert!(fresh);
        assert_eq!(done.submitted.as_deref(), Some("final"));
        assert_eq!(done.overall, Some(2.5));
        assert_eq!(done.self_rating, Some(3));
        assert_eq!(done.feedback.as_deref(), Some(r#"{"overall":2.5}"#));

        // A second submission keeps the first; a later draft is refused.
        let (again, fresh) = store
            .submit_answer(&ada, &l.id, "r1/1", &submission("changed", 4.0), None, 40)
            .await
            .unwrap();
        assert!(!fresh);
        assert_eq!(again.submitted.as_deref(), Some("final"));
        assert_eq!(again.submitted_ms, Some(30));
        let late = store
            .save_draft(&ada, &l.id, "r1/1", "design/q", "design", "late", 50)
            .await;
        assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");

        // Submitting without any draft first works too.
        let (direct, fresh) = store
            .submit_answer(&ada, &l.id, "r1/2", &submission("direct", 1.0), None, 60)
            .await
            .unwrap();
        assert!(fresh);
        assert_eq!(direct.draft, "direct");
        store.rate_answer(&ada, &l.id, "r1/2", 4).await.unwrap();
        let rated = store.answer(&ada, &l.id, "r1/2").await.unwrap().unwrap();
        assert_eq!(rated.self_rating, Some(4));
        assert!(matches!(
            store.rate_answer(&ada, &l.id, "r1/9", 4).await,
            Err(StoreError::NotFound { .. })
        ));

        // Once the loop is finished, nothing changes any more.
        let finished = store
            .finish_loop(&ada, &l.id, "{\"r\":1}", 70)
            .await
            .unwrap();
        assert_eq!(finished.status, LoopStatus::Finished);
        assert_eq!(finished.finished_ms, Some(70));
        let refinish = store
            .finish_loop(&ada, &l.id, "{\"r\":2}", 80)
            .await
            .unwrap();
        assert_eq!(refinish.report.as_deref(), Some("{\"r\":1}"));
        let after = store
            .save_draft(&ada, &l.id, "r1/3", "design/q", "design", "after", 90)
            .await;
        assert!(matches!(after, Err(StoreError::Conflict(_))), "{after:?}");
        let after = store
            .submit_answer(&ada, &l.id, "r1/3", &submission("after", 1.0), None, 90)
            .await;
        assert!(matches!(after, Err(StoreError::Conflict(_))), "{after:?}");

        let history = store.history(&ada, 10).await.unwrap();
        let keys: Vec<_> = history.iter().map(|a| a.item_key.as_str()).collect();
        assert_eq!(keys, ["r1/1", "r1/2"], "oldest first");
        let newest = store.history(&ada, 1).await.unwrap();
        assert_eq!(newest[0].item_key, "r1/2", "the limit keeps the newest");
    })
    .await;
}

#[tokio::test]
async fn a_round_clock_starts_once() {
    on_every_backend("clocks", |url| async move {
        let one = Store::open(&url).await.unwrap();
        let two = Store::open(&url).await.unwrap();
        let ada = user(&one, "ada@example.com").await;
        let l = one
            .create_loop(&ada, LoopKind::Loop, "{}", "{}", 5)
            .await
            .unwrap();
        let c = one
            .start_round(&ada, &l.id, "product-1", 1_000, 3_600_000)
            .await
            .unwrap();
        assert_eq!((c.started_ms, c.deadline_ms), (1_000, 3_601_000));
        // Reopening it later, on another process, gives the same deadline.
        let again = two
            .start_round(&ada, &l.id, "product-1", 50_000, 3_600_000)
            .await
            .unwrap();
        assert_eq!(again, c);
        two.start_round(&ada, &l.id, "values", 60_000, 10)
            .await
            .unwrap();
        let clocks = one.clocks(&ada, &l.id).await.unwrap();
        let rounds: Vec<_> = clocks.iter().map(|c| c.round_id.as_str()).collect();
        assert_eq!(rounds, ["product-1", "values"]);
    })
    .await;
}

#[tokio::test]
async fn loops_list_newest_first() {
    on_every_backend("listing", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        for t in [30, 10, 20] {
            store
                .create_loop(&ada, LoopKind::Drill, &format!("{{\"t\":{t}}}"), "{}", t)
                .await
                .unwrap();
        }
        let loops = store.loops_of(&ada, 2).await.unwrap();
        let times: Vec<_> = loops.iter().map(|l| l.created_ms).collect();
        assert_eq!(times, [30, 20]);
        assert_eq!(loops[0].kind, LoopKind::Drill);
        assert_eq!(loops[0].setup, "{\"t\":30}");
    })
    .await;
}

#[tokio::test]
async fn cards_stories_and_checklist_keep_progress() {
    on_every_backend("progress", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let card = |subject: &str, due_ms| CardRecord {
            subject: subject.to_owned(),
            card: format!("{{\"s\":\"{subject}\"}}"),
            due_ms,
        };
        store
            .put_card(&ada, &card("family:design", 300))
            .await
            .unwrap();
        store.put_card(&ada, &card("family:ab", 100)).await.unwrap();
        store
            .put_card(&ada, &card("family:design", 50))
            .await
            .unwrap();
        let cards = store.cards(&ada).await.unwrap();
        let order: Vec<_> = cards
            .iter()
            .map(|c| (c.subject.as_str(), c.due_ms))
            .collect();
        assert_eq!(order, [("family:design", 50), ("family:ab", 100)]);
        assert!(store.card(&ada, "family:metrics").await.unwrap().is_none());

        let s = store
            .create_story(&ada, "{\"title\":\"a\"}", 10)
            .await
            .unwrap();
        store
            .put_card(&ada, &card(&format!("story:{}", s.id), 5))
            .await
            .unwrap();
        let s2 = store
            .update_story(&ada, &s.id, "{\"title\":\"b\"}", 20)
            .await
            .unwrap();
        assert_eq!(
            (s2.story.as_str(), s2.created_ms, s2.updated_ms),
            ("{\"title\":\"b\"}", 10, 20)
        );
        store.delete_story(&ada, &s.id).await.unwrap();
        assert!(store.stories(&ada).await.unwrap().is_empty());
        assert!(
            store
                .card(&ada, &format!("story:{}", s.id))
                .await
                .unwrap()
                .is_none(),
            "a deleted story's card goes with it"
        );
        assert!(matches!(
            store.delete_story(&ada, &s.id).await,
            Err(StoreError::NotFound { .. })
        ));

        store
            .set_checklist_item(&ada, "research-ecosystem", true, 7)
            .await
            .unwrap();
        store
            .set_checklist_item(&ada, "research-ecosystem", true, 9)
            .await
            .unwrap();
        store
            .set_checklist_item(&ada, "star-stories", true, 8)
            .await
            .unwrap();
        store
            .set_checklist_item(&ada, "star-stories", false, 10)
            .await
            .unwrap();
        assert_eq!(
            store.checklist_done(&ada).await.unwrap(),
            [("research-ecosystem".to_owned(), 7)]
        );
    })
    .await;
}

#[tokio::test]
async fn data_survives_reopening_and_migrations_run_once() {
    on_every_backend("reopen", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let l = store
            .create_loop(&ada, LoopKind::Loop, "{}", "{}", 5)
            .await
            .unwrap();
        store
            .save_draft(&ada, &l.id, "r1/1", "design/q", "design", "kept", 6)
            .await
            .unwrap();
        store.close().await;
        let reopened = Store::open(&url).await.unwrap();
        reopened.migrate().await.unwrap();
        assert_eq!(reopened.migrations().len(), 4);
        let a = reopened.answer(&ada, &l.id, "r1/1").await.unwrap().unwrap();
        assert_eq!(a.draft, "kept");
        reopened.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn bad_urls_are_refused_with_the_reason() {
    let err = Store::open("mysql://db/x").await.unwrap_err().to_string();
    assert!(
        err.contains("mysql://db/x") && err.contains("sqlite:"),
        "{err}"
    );
    let err = Store::open("sqlite:///nonexistent-dir/sub/x.db")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot open the database"), "{err}");
    let err = Store::open("postgres://u:secret@127.0.0.1:1/x")
        .await
        .unwrap_err()
        .to_string();
    assert!(!err.contains("secret") && err.contains("***"), "{err}");
    assert_eq!(Backend::of_url("postgres://x/y"), Some(Backend::Postgres));
}

#[tokio::test]
async fn in_memory_databases_work_for_a_quick_try() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let id = user(&store, "m@example.com").await;
    assert!(store.user(&id).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_commit_together_and_fail_alone() {
    on_every_backend("batch", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let bob = user(&store, "bob@example.com").await;
        let l = new_loop(&store, &ada).await;
        let card = CardRecord {
            subject: "family:design".to_owned(),
            card: "{}".to_owned(),
            due_ms: 99,
        };
        let mut tasks = Vec::new();
        for i in 0..200 {
            let (store, ada, bob, l, card) = (
                store.clone(),
                ada.clone(),
                bob.clone(),
                l.clone(),
                card.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let key = format!("r/{i}");
                if i % 10 == 0 {
                    // Bob's writes to Ada's loop fail, in the same commits as Ada's.
                    let r = store
                        .save_draft(&bob, &l, &key, "q", "design", "bob", 7)
                        .await;
                    matches!(r, Err(StoreError::NotFound { .. }))
                } else if i % 2 == 0 {
                    store
                        .save_draft(&ada, &l, &key, "q", "design", "draft", 7)
                        .await
                        .is_ok_and(|d| d.version == 1)
                } else {
                    store
                        .submit_answer(&ada, &l, &key, &submission("x", 3.0), Some(&card), 8)
                        .await
                        .is_ok_and(|(_, fresh)| fresh)
                }
            }));
        }
        for t in tasks {
            assert!(t.await.unwrap());
        }
        let answers = store.answers(&ada, &l).await.unwrap();
        assert_eq!(answers.len(), 180);
        assert_eq!(
            answers.iter().filter(|a| a.submitted.is_some()).count(),
            100
        );
        assert!(answers.iter().all(|a| a.draft != "bob"));
        assert_eq!(
            store
                .card(&ada, "family:design")
                .await
                .unwrap()
                .unwrap()
                .due_ms,
            99
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_in_one_commit_keep_the_one_by_one_rules() {
    // Many submissions at once share commits (and statements): the same item submitted from
    // several tabs, one user's items of one family, another user's loop and a finished loop.
    on_every_backend("together", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let bob = user(&store, "bob@example.com").await;
        let running = new_loop(&store, &ada).await;
        let finished = new_loop(&store, &ada).await;
        store.finish_loop(&ada, &finished, "{}", 6).await.unwrap();
        let card = |due_ms: i64| CardRecord {
            subject: "family:design".to_owned(),
            card: format!("{{\"due\":{due_ms}}}"),
            due_ms,
        };
        let mut tasks = Vec::new();
        for i in 0..240_i64 {
            let (store, ada, bob, running, finished) = (
                store.clone(),
                ada.clone(),
                bob.clone(),
                running.clone(),
                finished.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let overall = 1.0 + (i % 7) as f64 / 2.0;
                let feedback = format!("{{\"from\":{i}}}");
                let sub = Submission {
                    feedback: &feedback,
                    ..submission("x", overall)
                };
                let (who, loop_id, key) = match i % 8 {
                    // Eight tabs each submit items r/0 … r/9 (the same ten items).
                    0..=4 => (&ada, &running, format!("r/{}", i % 10)),
                    // Items of their own, each with the family's card.
                    5 => (&ada, &running, format!("own/{i}")),
                    6 => (&bob, &running, format!("bob/{i}")),
                    _ => (&ada, &finished, format!("late/{i}")),
                };
                let r = store
                    .submit_answer(who, loop_id, &key, &sub, Some(&card(i)), 8)
                    .await;
                (i, key, feedback, r)
            }));
        }
        let mut fresh_by_key: std::collections::HashMap<String, String> = Default::default();
        let mut answers_by_key: std::collections::HashMap<String, Vec<String>> = Default::default();
        for t in tasks {
            let (i, key, feedback, r) = t.await.unwrap();
            match i % 8 {
                6 => assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}"),
                7 => assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}"),
                _ => {
                    let (answer, fresh) = r.unwrap();
                    assert_eq!(answer.item_key, key);
                    if fresh {
                        assert_eq!(answer.feedback.as_deref(), Some(feedback.as_str()));
                        assert!(
                            fresh_by_key.insert(key.clone(), feedback).is_none(),
                            "{key} recorded twice"
                        );
                    }
                    answers_by_key
                        .entry(key)
                        .or_default()
                        .push(answer.feedback.unwrap());
                }
            }
        }
        // Each item was recorded once, and every tab was answered with that one grading.
        for (key, seen) in &answers_by_key {
            let first = &fresh_by_key[key];
            assert!(seen.iter().all(|f| f == first), "{key}: {seen:?}");
        }
        let stored = store.answers(&ada, &running).await.unwrap();
        assert_eq!(stored.len(), 10 + 30);
        for a in &stored {
            assert_eq!(a.feedback.as_ref(), Some(&fresh_by_key[&a.item_key]));
        }
        assert!(store.answers(&ada, &finished).await.unwrap().is_empty());
        // The family's card is one of the fresh submissions' cards.
        let stored_card = store.card(&ada, "family:design").await.unwrap().unwrap();
        let from_fresh: Vec<i64> = fresh_by_key
            .values()
            .map(|f| {
                f.trim_start_matches("{\"from\":")
                    .trim_end_matches('}')
                    .parse()
                    .unwrap()
            })
            .collect();
        assert!(from_fresh.contains(&stored_card.due_ms), "{stored_card:?}");
        assert!(store.card(&bob, "family:design").await.unwrap().is_none());
        // No write failed in the database, so no batch fell back to one write at a time.
        let stats = store.write_stats();
        assert_eq!(stats.retried_alone, 0, "{stats:?}");
        assert_eq!(stats.writes, 240);
        assert!(stats.commits < 240, "{stats:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_database_refuses_fails_alone_and_its_batch_is_kept() {
    on_every_backend("refused", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let l = new_loop(&store, &ada).await;
        // The database itself refuses one item, in the middle of commits shared with others.
        let pool = raw(&url).await;
        match store.backend() {
            Backend::Sqlite => {
                exec(
                    &pool,
                    "CREATE TRIGGER refuse BEFORE INSERT ON answers \
                     WHEN NEW.item_key = 'r/13' BEGIN SELECT RAISE(ABORT, 'refused'); END",
                )
                .await
            }
            Backend::Postgres => {
                exec(
                    &pool,
                    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN \
                       IF NEW.item_key = 'r/13' THEN RAISE EXCEPTION 'refused'; END IF; \
                       RETURN NEW; END $$ LANGUAGE plpgsql; \
                     CREATE TRIGGER refuse BEFORE INSERT ON answers \
                       FOR EACH ROW EXECUTE FUNCTION refuse();",
                )
                .await
            }
        }
        let mut tasks = Vec::new();
        for i in 0..40 {
            let (store, ada, l) = (store.clone(), ada.clone(), l.clone());
            tasks.push(tokio::spawn(async move {
                let key = format!("r/{i}");
                let r = store
                    .submit_answer(&ada, &l, &key, &submission("x", 3.0), None, 8)
                    .await;
                (i, r.map(|(a, fresh)| (a.item_key, fresh)))
            }));
        }
        for t in tasks {
            match t.await.unwrap() {
                (13, r) => assert!(matches!(r, Err(StoreError::Database(_))), "{r:?}"),
                (i, r) => assert_eq!(r.unwrap(), (format!("r/{i}"), true)),
            }
        }
        let answers = store.answers(&ada, &l).await.unwrap();
        assert_eq!(answers.len(), 39);
        assert!(answers.iter().all(|a| a.item_key != "r/13"));
        assert!(store.write_stats().retried_alone >= 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_copied_into_the_database_without_a_commit_doing_it() {
    // Commits only append to SQLite's log; a task of the store copies it into the database
    // file. 400 answers of 5 KB are far below the size at which a commit would copy it itself.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.db");
    let store = Store::open(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let ada = user(&store, "ada@example.com").await;
    let l = new_loop(&store, &ada).await;
    let before = std::fs::metadata(&file).unwrap().len();
    let feedback = "x".repeat(5_000);
    for i in 0..400 {
        let sub = Submission {
            feedback: &feedback,
            ..submission("answer", 3.0)
        };
        store
            .submit_answer(&ada, &l, &format!("r/{i}"), &sub, None, 8)
            .await
            .unwrap();
    }
    let mut grown = 0;
    for _ in 0..40 {
        grown = std::fs::metadata(&file)
            .unwrap()
            .len()
            .saturating_sub(before);
        if grown > 2_000_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        grown > 2_000_000,
        "the database file grew by {grown} bytes only"
    );
    assert_eq!(store.answers(&ada, &l).await.unwrap().len(), 400);
}

#[tokio::test]
async fn a_write_after_the_server_closed_the_writers_connection_commits() {
    on_every_backend("writer-reconnects", |url| async move {
        let store = Store::open(&url).await.unwrap();
        let ada = user(&store, "ada@example.com").await;
        let l = new_loop(&store, &ada).await;
        store
            .save_draft(&ada, &l, "r/0", "design/q", "design", "one", 10)
            .await
            .unwrap();
        if url.starts_with("postgres") {
            // The server ends every other session on this case's database, as a restart or an
            // idle timeout would; the writer's own connection goes with them.
            let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .execute(&mut admin)
            .await
            .unwrap();
        }
        // Quiet for longer than the writer waits before it checks its connection.
        tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
        store
            .save_draft(&ada, &l, "r/0", "design/q", "design", "two", 20)
            .await
            .unwrap();
        assert_eq!(store.answers(&ada, &l).await.unwrap()[0].draft, "two");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_write_queue_answers_busy_and_keeps_what_it_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("busy.db").display());
    let store = hireloop_store::Store::open_with(
        &url,
        &hireloop_store::StoreOptions {
            write_queue: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ada = user(&store, "ada@example.com").await;
    let l = new_loop(&store, &ada).await;
    let mut tasks = Vec::new();
    for i in 0..300 {
        let (store, ada, l) = (store.clone(), ada.clone(), l.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("r/{i}");
            let r = store
                .save_draft(&ada, &l, &key, "q", "design", "text", 7)
                .await;
            (key, r)
        }));
    }
    let (mut acked, mut busy) = (Vec::new(), 0);
    for t in tasks {
        match t.await.unwrap() {
            (key, Ok(_)) => acked.push(key),
            (_, Err(e)) => {
                assert!(e.is_saturated(), "{e}");
                busy += 1;
            }
        }
    }
    assert!(busy > 0, "a queue of one must turn some writes away");
    assert!(!acked.is_empty());
    let stored: Vec<String> = store
        .answers(&ada, &l)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.item_key)
        .collect();
    for key in &acked {
        assert!(stored.contains(key), "{key} acknowledged but not stored");
    }
    assert_eq!(stored.len(), acked.len(), "nothing refused was stored");
}
