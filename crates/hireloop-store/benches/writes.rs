//! The group-commit writer alone: graded submissions (and autosaves) through `Store`, without
//! HTTP or grading, at a fixed number in flight. It reports the rate, the process's CPU time per
//! write (what the writer leaves to the rest of the server on a small machine) and the writes
//! per commit.
//!
//! ```sh
//! cargo bench -p hireloop-store --bench writes                          # SQLite in a temp folder
//! cargo bench -p hireloop-store --bench writes -- --writes 40000 --in-flight 256
//! cargo bench -p hireloop-store --bench writes -- --db postgres://user@host/db
//! cargo bench -p hireloop-store --bench writes -- --drafts              # autosaves instead
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use hireloop_store::{CardRecord, LoopKind, NewUser, Store, Submission};

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(default)
}

/// This process's CPU time so far (user and system), in milliseconds, from `/proc/self/stat`;
/// `None` where there is no such file.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // Linux reports in clock ticks of 1/100 s on every architecture it runs on here.
    Some(ticks * 10.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let writes = arg(&args, "--writes", 20_000);
    let in_flight = arg(&args, "--in-flight", 128).max(1);
    let drafts = args.iter().any(|a| a == "--drafts");
    let dir = tempfile::tempdir().unwrap();
    let url = args
        .windows(2)
        .find(|w| w[0] == "--db")
        .map(|w| w[1].clone())
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("writes.db").display()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let store = Store::open(&url).await.unwrap();
        // 50 users with 20 loops each, 20 items a loop: 20,000 distinct items.
        let mut targets = Vec::new();
        for u in 0..50 {
            let user = store
                .create_user(
                    &NewUser {
                        email: &format!("w{u}-{}@example.com", hireloop_store::new_id()),
                        display_name: "W",
                        password_hash: "$argon2id$unused",
                    },
                    0,
                )
                .await
                .unwrap();
            for _ in 0..(writes / 1000 + 1) {
                let l = store
                    .create_loop(&user.id, LoopKind::Loop, "{}", "{}", 0)
                    .await
                    .unwrap();
                for i in 0..20 {
                    targets.push((user.id.clone(), l.id.clone(), format!("round/{i}")));
                }
            }
        }
        // Sizes as the server writes them: a 600-byte answer, a 5 KB grading, a 200-byte card.
        let text: Arc<str> = "I would start from both sides of the marketplace. ".repeat(12).into();
        let feedback: Arc<str> =
            format!("{{\"overall\":3.0,\"notes\":\"{}\"}}", "evidence ".repeat(560)).into();
        let targets = Arc::new(targets);
        let next = Arc::new(AtomicUsize::new(0));
        let (cpu0, start) = (cpu_ms(), Instant::now());
        let before = store.write_stats();
        let tasks: Vec<_> = (0..in_flight)
            .map(|_| {
                let (store, targets, next, text, feedback) = (
                    store.clone(),
                    targets.clone(),
                    next.clone(),
                    text.clone(),
                    feedback.clone(),
                );
                tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= writes {
                            break;
                        }
                        let (user, loop_id, key) = &targets[i % targets.len()];
                        if drafts {
                            store
                                .save_draft(user, loop_id, key, "q", "design", &text, 1)
                                .await
                                .unwrap();
                        } else {
                            let card = CardRecord {
                                subject: format!("family:f{}", i % 7),
                                card: format!("{{\"due_ms\":{i},\"stability\":2.5}}"),
                                due_ms: i as i64,
                            };
                            let submission = Submission {
                                question_id: "design/q",
                                family: "design",
                                text: &text,
                                overall: 3.0,
                                feedback: &feedback,
                                self_rating: None,
                            };
                            store
                                .submit_answer(user, loop_id, key, &submission, Some(&card), 1)
                                .await
                                .unwrap();
                        }
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let elapsed = start.elapsed().as_secs_f64();
        let stats = store.write_stats();
        let (w, c) = (
            stats.writes - before.writes,
            (stats.commits - before.commits).max(1),
        );
        let cpu = match (cpu0, cpu_ms()) {
            (Some(a), Some(b)) => format!("{:.0} µs CPU a write", (b - a) * 1000.0 / w as f64),
            _ => "CPU time not known here".to_owned(),
        };
        println!(
            "{:?}: {w} {} at {in_flight} in flight in {elapsed:.2} s → {:.0}/s; {cpu}; {:.1} writes a \
             commit; {} batches retried write by write",
            store.backend(),
            if drafts { "autosaves" } else { "submissions" },
            w as f64 / elapsed,
            w as f64 / c as f64,
            stats.retried_alone - before.retried_alone,
        );
        store.close().await;
    });
}
