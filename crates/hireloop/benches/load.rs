//! Load on `hireloop serve` over loopback: answer submissions with coach grading, page renders,
//! and a 10x burst. Open-loop: request i is due at `start + i / rate`, and its latency is counted
//! from that moment, so a slow server cannot hide its queue by slowing the generator down.
//!
//! ```sh
//! cargo bench -p hireloop --bench load                      # submissions, pages, burst
//! cargo bench -p hireloop --bench load -- submit --rate 2000 --seconds 10
//! cargo bench -p hireloop --bench load -- pages --rate 1000
//! cargo bench -p hireloop --bench load -- burst --rate 20000 --seconds 30
//! cargo bench -p hireloop --bench load -- submit --max-connections 4   # the store's pool size
//! cargo bench -p hireloop --bench load -- submit --timeline 250   # p50/p99 per 250 ms window
//! cargo bench -p hireloop --bench load -- submit --rate inf --connections 32   # the capacity
//! ```
//!
//! The server runs in this process on a 2-thread runtime with an SQLite file in a temporary
//! folder; the generator (one thread of async tasks, `--connections N` keep-alive connections,
//! default 256, 4,096 for the burst) shares the machine with it, as a real client would not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use hireloop_core::content::Content;
use hireloop_practice::{ItemKind, Language, PracticeSetup};
use hireloop_store::{NewUser, Store, StoreOptions};
use hireloop_web::{AppState, Settings, service};

mod common;
use common::{Job, Tally, quantile, run};

/// The same allocator as the `hireloop` binary, so the bench measures what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ANSWER: &str = "I would start from both sides of the marketplace. Buyers: conversion from \
    3% to 3.3% is a 10% lift, worth 2.4 M orders a day at 80 M daily visitors. Merchants: take \
    rate and GMV per merchant, with a guardrail on refund rate. I would A/B test for two weeks, \
    check sample ratio mismatch, and ship only if revenue per visitor rises without hurting \
    merchant retention. Trade-off: faster checkout against fraud checks; I would keep the checks \
    for new accounts. Alipay for payment and Cainiao for delivery close the loop.";

struct Fixture {
    base: String,
    state: AppState,
    runtime: tokio::runtime::Runtime,
    /// (token, user id, loop id, item key, kind)
    items: Vec<(String, String, String, String, ItemKind)>,
    _dir: tempfile::TempDir,
}

fn fixture(loops: usize, max_connections: u32) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("load.db").display());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let content: &'static Content = Box::leak(Box::new(Content::builtin().unwrap()));
    let (state, base) = runtime.block_on(async {
        let store = Store::open_with(
            &url,
            &StoreOptions {
                max_connections,
                migrate: true,
                ..StoreOptions::default()
            },
        )
        .await
        .unwrap();
        let state = AppState::new(store, content, Settings::default());
        let base = common::serve(&state).await;
        (state, base)
    });
    let items = runtime.block_on(async {
        let mut items = Vec::new();
        let users = 50;
        let mut tokens = Vec::new();
        for u in 0..users {
            let user = state
                .store()
                .create_user(
                    &NewUser {
                        email: &format!("load{u}@example.com"),
                        display_name: "Load",
                        password_hash: "$argon2id$unused",
                    },
                    0,
                )
                .await
                .unwrap();
            let token = format!("{u:064x}");
            state
                .store()
                .create_session(
                    &hireloop_web::token_hash(&token),
                    &user.id,
                    "csrf",
                    0,
                    i64::MAX,
                )
                .await
                .unwrap();
            tokens.push((token, user.id));
        }
        for l in 0..loops {
            let (token, uid) = &tokens[l % users];
            let setup = PracticeSetup {
                pipeline: "alibaba-pm".to_owned(),
                level: "P7".parse().unwrap(),
                region: "china".to_owned(),
                language: Language::En,
                seed: l as u64,
            };
            let s = service::start_loop(&state, uid, &setup).await.unwrap();
            for item in s.plan.items() {
                items.push((
                    token.clone(),
                    uid.clone(),
                    s.record.id.clone(),
                    item.key.clone(),
                    item.kind,
                ));
            }
        }
        items
    });
    // The server compiles the coach's lexicons in the background as it starts; the bench waits
    // for that, to measure the steady state rather than the first half second after a start.
    state.coach().warm();
    // Seeding wrote about 40 MB to SQLite's log per thousand loops. A server that has been up a
    // while copied such writes into the database file long ago: the bench waits until the log is
    // empty and the file synced, so the clock starts on a database at rest.
    runtime.block_on(state.store().settle()).unwrap();
    Fixture {
        base,
        state,
        runtime,
        items,
        _dir: dir,
    }
}

fn report(name: &str, rate: f64, tally: &mut Tally, elapsed: Duration) {
    tally.latencies_us.sort_unstable();
    let n = tally.latencies_us.len();
    let ok = tally.statuses.get(&200).copied().unwrap_or(0);
    println!(
        "{name}: offered {rate:.0}/s, {n} requests in {:.2} s → {:.0}/s answered 200; latency ms \
         p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}; statuses {:?}",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64(),
        quantile(&tally.latencies_us, 0.5),
        quantile(&tally.latencies_us, 0.9),
        quantile(&tally.latencies_us, 0.99),
        quantile(&tally.latencies_us, 1.0),
        tally.statuses
    );
}

/// The group commits of the run: how many, and how many writes each held on average.
fn writes(f: &Fixture) {
    let stats = f.state.store().write_stats();
    println!(
        "  store: {} writes in {} commits ({:.1} a commit), {} batches retried write by write",
        stats.writes,
        stats.commits,
        stats.writes as f64 / stats.commits.max(1) as f64,
        stats.retried_alone
    );
}

/// How many requests a run makes: `rate × seconds`, or `--requests N` (default 20,000) for a
/// closed-loop run (`--rate inf`), where each connection sends as soon as it is answered.
fn request_count(args: &[String], rate: f64, seconds: f64) -> usize {
    if rate.is_finite() {
        (rate * seconds) as usize
    } else {
        arg(args, "--requests", 20_000.0) as usize
    }
}

/// `--timeline MS`: p50 and p99 per window of MS milliseconds.
fn timeline(args: &[String], tally: &Tally) {
    let window = arg(args, "--timeline", 0.0) as u64;
    if window > 0 {
        common::print_timeline(tally, window);
    }
}

/// Loops enough for `count` submissions, each to an item of its own: a loop has 14 items, and
/// a few loops more leave room should the pipeline gain or lose one.
fn loops_for(count: usize) -> usize {
    count / 12 + 10
}

fn submit_jobs(f: &Fixture, count: usize) -> Vec<Job> {
    assert!(
        f.items.len() >= count,
        "{} items seeded for {count} submissions: the run would end early",
        f.items.len()
    );
    f.items
        .iter()
        .take(count)
        .map(|(token, _, loop_id, key, kind)| {
            let (round, n) = key.rsplit_once('/').unwrap();
            let body = match kind {
                ItemKind::Keyed => r#"{"choice":0,"text":"42"}"#.to_owned(),
                _ => serde_json::json!({ "text": ANSWER }).to_string(),
            };
            Job {
                token: token.clone(),
                path: format!("/api/loops/{loop_id}/items/{round}/{n}/submit"),
                body: Some(body),
            }
        })
        .collect()
}

fn arg(args: &[String], name: &str, default: f64) -> f64 {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which: Vec<&str> = ["submit", "pages", "burst"]
        .into_iter()
        .filter(|w| args.iter().any(|a| a == w))
        .collect();
    let all = which.is_empty();
    let connections = arg(&args, "--connections", 256.0) as usize;
    // The store's pool: each SQLite connection is a thread of its own on these 2 cores.
    let pool = arg(&args, "--max-connections", 8.0) as u32;

    if all || which.contains(&"submit") {
        let rate = arg(&args, "--rate", 2000.0);
        let seconds = arg(&args, "--seconds", 10.0);
        let count = request_count(&args, rate, seconds);
        let f = fixture(loops_for(count), pool);
        let jobs = submit_jobs(&f, count);
        let (mut tally, elapsed) = run(&f.base, jobs, rate, connections);
        report("submit (coach grading)", rate, &mut tally, elapsed);
        timeline(&args, &tally);
        writes(&f);
        drop(f.runtime);
    }
    if all || which.contains(&"pages") {
        let rate = arg(&args, "--rate", 1000.0);
        let seconds = arg(&args, "--seconds", 10.0);
        let f = fixture(40, pool);
        let jobs: Vec<Job> = (0..request_count(&args, rate, seconds))
            .map(|i| {
                let (token, _, loop_id, key, _) = &f.items[i % f.items.len()];
                // Pages take the session cookie; the bench sends the same token as a bearer,
                // which the pages accept too.
                let path = if i % 2 == 0 {
                    format!("/loops/{loop_id}/rounds/{key}")
                } else {
                    format!("/loops/{loop_id}")
                };
                Job {
                    token: token.clone(),
                    path,
                    body: None,
                }
            })
            .collect();
        let (mut tally, elapsed) = run(&f.base, jobs, rate, connections);
        report("page renders", rate, &mut tally, elapsed);
        timeline(&args, &tally);
        drop(f.runtime);
    }
    if all || which.contains(&"burst") {
        let rate = arg(&args, "--rate", 20_000.0);
        let seconds = arg(&args, "--seconds", 30.0);
        let count = request_count(&args, rate, seconds);
        let f = fixture(loops_for(count), pool);
        let jobs = submit_jobs(&f, count);
        let (mut tally, elapsed) = run(&f.base, jobs, rate, connections.max(4096));
        report("burst (10x)", rate, &mut tally, elapsed);
        timeline(&args, &tally);
        writes(&f);
        // Every acknowledged answer must be in the database.
        let lost = f.runtime.block_on(async {
            let mut lost = 0;
            for (token, path, _) in &tally.acked {
                let uid = f
                    .items
                    .iter()
                    .find(|i| &i.0 == token)
                    .map(|i| i.1.clone())
                    .unwrap();
                let parts: Vec<&str> = path.split('/').collect();
                let (loop_id, key) = (parts[3], format!("{}/{}", parts[5], parts[6]));
                let a = f.state.store().answer(&uid, loop_id, &key).await.unwrap();
                if a.and_then(|a| a.submitted).is_none() {
                    lost += 1;
                }
            }
            lost
        });
        println!(
            "burst: {} acknowledged answers checked in the database, {lost} lost",
            tally.acked.len()
        );
    }
}
