//! What the load benches share: the open-loop HTTP/1.1 load generator over keep-alive
//! connections (request i is due at `start + i / rate`; its latency counts from then) and the
//! quantiles of its tally.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// One request to make: its path, and the JSON body for a POST (none for a GET).
#[derive(Clone)]
pub struct Job {
    pub token: String,
    pub path: String,
    pub body: Option<String>,
}

#[derive(Default)]
pub struct Tally {
    /// Latency of each request, in microseconds from when it was due.
    pub latencies_us: Vec<u64>,
    /// (when it was due, in microseconds from the start; its latency) of each request, for a
    /// timeline of the run.
    pub timeline: Vec<(u64, u64)>,
    /// Requests per HTTP status (0: the connection failed).
    pub statuses: BTreeMap<u16, usize>,
    /// The (token, path, _) of every POST answered 200.
    pub acked: Vec<(String, String, String)>,
}

/// Runs `jobs` at `rate` per second over `connections` keep-alive connections; returns the
/// tally. With an infinite rate the run is closed-loop: each connection sends its next request
/// as soon as the previous one is answered (a fixed concurrency), and a latency counts from the
/// moment its request is sent. The generator is one thread of async tasks speaking plain HTTP/1.1, so it takes little
/// of the CPU the server needs and can hold thousands of requests in flight.
pub fn run(base: &str, jobs: Vec<Job>, rate: f64, connections: usize) -> (Tally, Duration) {
    let addr = base.trim_start_matches("http://").to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let next = Arc::new(AtomicUsize::new(0));
        // The connections are opened before the clock starts, as a client's keep-alive
        // connections would be; one that fails to open is tried again at its first request.
        let mut opening = tokio::task::JoinSet::new();
        for _ in 0..connections.max(1) {
            let addr = addr.clone();
            opening.spawn(async move { open(&addr).await.ok() });
        }
        let streams = opening.join_all().await;
        let jobs = Arc::new(jobs);
        let start = tokio::time::Instant::now() + Duration::from_millis(50);
        let tasks: Vec<_> = streams
            .into_iter()
            .map(|stream| {
                tokio::spawn(connection(
                    addr.clone(),
                    stream,
                    jobs.clone(),
                    next.clone(),
                    start,
                    rate,
                ))
            })
            .collect();
        let mut tally = Tally::default();
        for t in tasks {
            let local = t.await.unwrap();
            tally.latencies_us.extend(local.latencies_us);
            tally.timeline.extend(local.timeline);
            for (s, n) in local.statuses {
                *tally.statuses.entry(s).or_default() += n;
            }
            tally.acked.extend(local.acked);
        }
        (tally, start.elapsed())
    })
}

/// One connection: takes the next due request, sends it, reads the answer, and so on.
async fn connection(
    addr: String,
    mut stream: Option<Stream>,
    jobs: Arc<Vec<Job>>,
    next: Arc<AtomicUsize>,
    start: tokio::time::Instant,
    rate: f64,
) -> Tally {
    let mut local = Tally::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(i) else { break };
        let due = if rate.is_finite() {
            let due = start + Duration::from_secs_f64(i as f64 / rate);
            tokio::time::sleep_until(due).await;
            due
        } else {
            tokio::time::sleep_until(start).await;
            tokio::time::Instant::now()
        };
        let status = match request(&mut stream, &addr, job).await {
            Ok(status) => status,
            Err(_) => {
                stream = None;
                0
            }
        };
        let latency = due.elapsed().as_micros().min(u128::from(u64::MAX)) as u64;
        local.latencies_us.push(latency);
        local
            .timeline
            .push(((due - start).as_micros() as u64, latency));
        *local.statuses.entry(status).or_default() += 1;
        if status == 200 && job.body.is_some() {
            local
                .acked
                .push((job.token.clone(), job.path.clone(), String::new()));
        }
    }
    local
}

/// A keep-alive connection to the server.
type Stream = tokio::io::BufReader<tokio::net::TcpStream>;

/// Opens a connection to `addr`.
async fn open(addr: &str) -> std::io::Result<Stream> {
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    Ok(tokio::io::BufReader::new(tcp))
}

/// Sends one request on the connection (opening it if needed) and reads the whole answer.
async fn request(stream: &mut Option<Stream>, addr: &str, job: &Job) -> std::io::Result<u16> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    if stream.is_none() {
        *stream = Some(open(addr).await?);
    }
    let Some(s) = stream.as_mut() else {
        return Err(std::io::Error::other("no connection"));
    };
    let head = match &job.body {
        Some(body) => format!(
            "POST {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            job.path,
            job.token,
            body.len()
        ),
        None => format!(
            "GET {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\r\n",
            job.path, job.token
        ),
    };
    s.get_mut().write_all(head.as_bytes()).await?;
    let mut line = String::new();
    s.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let (mut length, mut close) = (0usize, false);
    loop {
        line.clear();
        if s.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        } else if lower.starts_with("connection: close") {
            close = true;
        }
    }
    let mut body = vec![0; length];
    s.read_exact(&mut body).await?;
    if close {
        *stream = None;
    }
    Ok(status)
}

/// Serves `state` on a free loopback port in the current runtime; the base URL.
pub async fn serve(state: &hireloop_web::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = state.clone();
    tokio::spawn(async move {
        hireloop_web::serve(listener, served, std::future::pending())
            .await
            .unwrap();
    });
    base
}

/// Prints p50 and p99 per window of `window_ms`, to tell a start-up stall from steady queueing.
pub fn print_timeline(tally: &Tally, window_ms: u64) {
    let mut windows: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for &(due, latency) in &tally.timeline {
        windows
            .entry(due / 1000 / window_ms)
            .or_default()
            .push(latency);
    }
    for (w, mut latencies) in windows {
        latencies.sort_unstable();
        println!(
            "  {:>6} ms: {:>5} requests, p50 {:>8.2} ms, p99 {:>8.2} ms",
            w * window_ms,
            latencies.len(),
            quantile(&latencies, 0.5),
            quantile(&latencies, 0.99)
        );
    }
}

pub fn quantile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i] as f64 / 1000.0
}
