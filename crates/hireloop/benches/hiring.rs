//! Hiring mode at scale: an organisation seeded with 10,000 applications and about 100,000
//! submitted scorecards (see `hiring/seed.rs`), then every hiring page and the heavy JSON
//! endpoints measured on `hireloop serve` over loopback: p50, p99 and max latency over N
//! requests at a fixed concurrency (closed loop), each signed in as a role that may see it.
//!
//! ```sh
//! cargo bench -p hireloop --bench hiring                              # every target, once
//! cargo bench -p hireloop --bench hiring -- --runs 2 --requests 400 --concurrency 8
//! cargo bench -p hireloop --bench hiring -- --only board             # names containing "board"
//! ```
//!
//! The server runs in this process on a 2-thread runtime with an SQLite file in a temporary
//! folder; the generator (one thread, `--concurrency` keep-alive connections) shares the machine
//! with it. The goal is p99 under 100 ms for every target.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Instant;

use hireloop_core::content::Content;
use hireloop_hiring::roles::Role;
use hireloop_store::{ChainStatus, Store, StoreOptions};
use hireloop_web::{AppState, Settings};

mod common;
#[path = "hiring/seed.rs"]
mod seed;

use common::{Job, Tally, quantile, run};
use seed::{Seeded, Spec};

/// The same allocator as the `hireloop` binary, so the bench measures what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Who a target signs in as.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// The organisation's first admin.
    Admin,
    /// The hiring manager of the largest requisition.
    Manager,
    /// The hiring manager of the busiest application's requisition.
    BusiestManager,
    /// The interviewer whose submitted scorecard the scorecard page shows.
    Interviewer,
}

/// One measured target: a name, how its path is built from the seeded ids, and who signs in.
struct Target {
    name: &'static str,
    path: fn(&Seeded) -> String,
    who: Who,
}

fn largest(s: &Seeded) -> &str {
    &s.requisitions[0].0
}

/// Every hiring page, then the heavy JSON endpoints.
fn targets() -> Vec<Target> {
    macro_rules! t {
        ($name:expr, $who:ident, |$s:ident| $path:expr) => {
            Target {
                name: $name,
                path: |$s: &Seeded| $path,
                who: Who::$who,
            }
        };
    }
    vec![
        t!("page /orgs", Interviewer, |s| {
            let _ = s;
            "/orgs".to_owned()
        }),
        t!("page org home (interviewer)", Interviewer, |s| format!(
            "/orgs/{}",
            s.slug
        )),
        t!("page org home (admin)", Admin, |s| format!(
            "/orgs/{}",
            s.slug
        )),
        t!("page requisition board (largest)", Manager, |s| format!(
            "/orgs/{}/requisitions/{}",
            s.slug,
            largest(s)
        )),
        t!("page requisition board (admin)", Admin, |s| format!(
            "/orgs/{}/requisitions/{}",
            s.slug,
            largest(s)
        )),
        t!("page application", BusiestManager, |s| format!(
            "/orgs/{}/applications/{}",
            s.slug, s.busiest_application.0
        )),
        t!("page scorecard form", Interviewer, |s| format!(
            "/orgs/{}/interviews/{}/scorecard",
            s.slug, s.submitted_interview.0
        )),
        t!("page debrief", BusiestManager, |s| format!(
            "/orgs/{}/applications/{}/debrief",
            s.slug, s.busiest_application.0
        )),
        t!("page members", Admin, |s| format!(
            "/orgs/{}/members",
            s.slug
        )),
        t!("page candidates", Admin, |s| format!(
            "/orgs/{}/candidates",
            s.slug
        )),
        t!("page candidate", Admin, |s| format!(
            "/orgs/{}/candidates/{}",
            s.slug, s.candidate
        )),
        t!("page reports", Manager, |s| format!(
            "/orgs/{}/requisitions/{}/reports",
            s.slug,
            largest(s)
        )),
        t!("page audit", Admin, |s| format!("/orgs/{}/audit", s.slug)),
        t!("page overdue", Admin, |s| format!(
            "/orgs/{}/scorecards/overdue",
            s.slug
        )),
        t!("api applications (200)", Manager, |s| format!(
            "/api/orgs/{}/requisitions/{}/applications?limit=200",
            s.slug,
            largest(s)
        )),
        t!("api candidates (200)", Admin, |s| format!(
            "/api/orgs/{}/candidates?limit=200",
            s.slug
        )),
        t!("api report funnel", Manager, |s| report(s, "funnel")),
        t!("api report time_in_stage", Manager, |s| report(
            s,
            "time_in_stage"
        )),
        t!("api report time_to_decision", Manager, |s| report(
            s,
            "time_to_decision"
        )),
        t!("api report calibration", Manager, |s| report(
            s,
            "calibration"
        )),
        t!("api report agreement", Manager, |s| report(s, "agreement")),
        t!("api report adverse_impact", Manager, |s| report(
            s,
            "adverse_impact"
        )),
        t!("api report calibration svg", Manager, |s| format!(
            "{}?format=svg",
            report(s, "calibration")
        )),
        t!("api audit (100)", Admin, |s| format!(
            "/api/orgs/{}/audit?limit=100",
            s.slug
        )),
        t!("api overdue scorecards", Admin, |s| format!(
            "/api/orgs/{}/scorecards/overdue",
            s.slug
        )),
    ]
}

fn report(s: &Seeded, kind: &str) -> String {
    format!(
        "/api/orgs/{}/requisitions/{}/reports/{kind}",
        s.slug,
        largest(s)
    )
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.windows(2).find(|w| w[0] == name).map(|w| w[1].clone())
}

fn num(args: &[String], name: &str, default: usize) -> usize {
    arg(args, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The target's result of one run: (p50, p99, max) in ms, and the statuses.
struct Measured {
    p50: f64,
    p99: f64,
    max: f64,
    statuses: String,
}

fn measure(tally: &mut Tally) -> Measured {
    tally.latencies_us.sort_unstable();
    Measured {
        p50: quantile(&tally.latencies_us, 0.5),
        p99: quantile(&tally.latencies_us, 0.99),
        max: quantile(&tally.latencies_us, 1.0),
        statuses: tally
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}×{n}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let requests = num(&args, "--requests", 400);
    let concurrency = num(&args, "--concurrency", 8);
    let runs = num(&args, "--runs", 1).max(1);
    let only = arg(&args, "--only");
    let pool = num(&args, "--max-connections", 8) as u32;

    // `--db FILE` keeps the seeded database for a look afterwards (the file must not exist).
    let dir = tempfile::tempdir().unwrap();
    let file = arg(&args, "--db").map_or_else(|| dir.path().join("hiring.db"), Into::into);
    assert!(
        !file.exists(),
        "{} exists; the bench seeds a new database",
        file.display()
    );
    let url = format!("sqlite://{}", file.display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let content: &'static Content = Box::leak(Box::new(Content::builtin().unwrap()));
    // "Now" truncated to the day, so a day's runs seed the same data.
    let now_ms = {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        ms - ms % 86_400_000
    };
    let (state, base, seeded, tokens) = runtime.block_on(async {
        let store = Store::open_with(
            &url,
            &StoreOptions {
                max_connections: pool,
                migrate: true,
                ..StoreOptions::default()
            },
        )
        .await
        .unwrap();
        let started = Instant::now();
        let seeded = seed::seed(
            &store,
            content,
            &Spec {
                seed: 6,
                now_ms,
                requisitions: 20,
                applications: 10_000,
                scorecards: 100_000,
            },
        )
        .await;
        println!(
            "seeded in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            seeded
                .counts
                .iter()
                .map(|(t, n)| format!("{t} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // The seeded chain must verify like one the server wrote, or the audit targets measure
        // a broken log.
        let org = store.org_by_slug(&seeded.slug).await.unwrap().unwrap();
        let checked = Instant::now();
        match store.verify_audit(&org.id).await.unwrap() {
            ChainStatus::Intact { count, .. } => println!(
                "audit chain intact: {count} entries verified in {:.1} s",
                checked.elapsed().as_secs_f64()
            ),
            other => panic!("the seeded audit chain does not verify: {other:?}"),
        }
        let (largest_id, largest_n, _) = &seeded.requisitions[0];
        println!(
            "largest requisition {largest_id} ({largest_n} applications); busiest application \
             {}",
            seeded.busiest_application.0
        );
        // One session per identity the targets sign in as; the pages take the same token as a
        // bearer, as the JSON API does.
        let admin = seeded
            .members
            .iter()
            .find(|m| m.1 == Role::Admin)
            .unwrap()
            .0
            .clone();
        let busiest_manager = seeded
            .requisitions
            .iter()
            .find(|r| r.0 == seeded.busiest_application.1)
            .unwrap()
            .2
            .clone();
        let who = [
            (Who::Admin, admin),
            (Who::Manager, seeded.requisitions[0].2.clone()),
            (Who::BusiestManager, busiest_manager),
            (Who::Interviewer, seeded.submitted_interview.1.clone()),
        ];
        let mut tokens = Vec::new();
        for (i, (w, user)) in who.into_iter().enumerate() {
            let token = format!("{:064x}", i + 1);
            store
                .create_session(
                    &hireloop_web::token_hash(&token),
                    &user,
                    "csrf",
                    now_ms,
                    i64::MAX,
                )
                .await
                .unwrap();
            tokens.push((format!("{w:?}"), token));
        }
        let state = AppState::new(store, content, Settings::default());
        let base = common::serve(&state).await;
        (state, base, seeded, tokens)
    });

    let targets: Vec<Target> = targets()
        .into_iter()
        .filter(|t| only.as_deref().is_none_or(|o| t.name.contains(o)))
        .collect();
    let token_of = |w: Who| {
        tokens
            .iter()
            .find(|(n, _)| *n == format!("{w:?}"))
            .unwrap()
            .1
            .clone()
    };
    // results[target][run]
    let mut results: Vec<Vec<Measured>> = targets.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (i, t) in targets.iter().enumerate() {
            let job = Job {
                token: token_of(t.who),
                path: (t.path)(&seeded),
                body: None,
            };
            // Warm-up.
            let (mut warm, _) = run(&base, vec![job.clone(); 10], f64::INFINITY, 1);
            let _ = measure(&mut warm);
            let (mut tally, _) = run(&base, vec![job; requests], f64::INFINITY, concurrency);
            let m = measure(&mut tally);
            // Progress on stderr, so a slow target shows while the run goes on.
            eprintln!("{}: p50 {:.1} ms, p99 {:.1} ms", t.name, m.p50, m.p99);
            results[i].push(m);
        }
    }
    drop(state);

    println!(
        "\n{requests} requests per target at concurrency {concurrency}, {runs} run(s); \
         latency in ms (p99: median over runs)\n"
    );
    println!(
        "| target | signed in as | p50 | p99 | max | statuses |\n|---|---|---:|---:|---:|---|"
    );
    for (i, t) in targets.iter().enumerate() {
        let m = &results[i];
        let median = |f: fn(&Measured) -> f64| {
            let mut v: Vec<f64> = m.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            if v.len() % 2 == 1 {
                v[v.len() / 2]
            } else {
                (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
            }
        };
        let p99 = median(|x| x.p99);
        println!(
            "| {} | {:?} | {:.1} | {:.1}{} | {:.1} | {} |",
            t.name,
            t.who,
            median(|x| x.p50),
            p99,
            if p99 >= 100.0 { " ✗" } else { "" },
            m.iter().map(|x| x.max).fold(0.0, f64::max),
            m.last().map_or("", |x| x.statuses.as_str())
        );
    }
}
