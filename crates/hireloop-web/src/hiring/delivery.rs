//! The webhook delivery worker: it sends due deliveries from the outbox, signed, and records
//! each attempt with the retry schedule of `hireloop_hiring::webhook`.
//!
//! Several processes may run it on one database: recording an attempt against a delivery that
//! another sender already recorded does nothing, so a race costs at most a duplicate POST, which
//! receivers de-duplicate by event id. Only `http://` endpoints are sent to by this built-in
//! sender (plain HTTP/1.1 over TCP); an `https://` endpoint's deliveries fail with a message
//! saying so, at once (no retries).

use std::time::Duration;

use hireloop_hiring::webhook::{self, Outcome};
use hireloop_store::Delivery;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::state::AppState;

/// How often the worker looks for due deliveries.
pub const POLL: Duration = Duration::from_secs(2);
/// How long one attempt may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Runs until the returned task is aborted: every [`POLL`], sends what is due.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = run_once(&state).await {
                tracing::warn!(error = %e, "webhook deliveries");
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

/// Sends every delivery due now (up to 50) and records the attempts; returns how many were
/// attempted.
pub async fn run_once(state: &AppState) -> Result<usize, hireloop_store::StoreError> {
    let now = state.now_ms();
    let due = state.store().due_deliveries(now, 50).await?;
    for d in &due {
        let (code, error) = match send(d, now).await {
            Ok(code) => (Some(code), None),
            Err(e) => (None, Some(e)),
        };
        // An address this sender cannot reach at all (not http://) will not work on a retry.
        let unsupported = !d.url.starts_with("http://");
        let outcome = if unsupported {
            Outcome::Permanent
        } else {
            webhook::classify(code)
        };
        let failed = u32::try_from(d.attempts + 1).unwrap_or(u32::MAX);
        let next = match outcome {
            Outcome::Retry => webhook::backoff(failed, &d.event_id)
                .map(|ms| now + i64::try_from(ms).unwrap_or(i64::MAX / 2)),
            Outcome::Delivered | Outcome::Permanent => None,
        };
        state
            .store()
            .record_attempt(&d.id, outcome, code, error.as_deref(), next)
            .await?;
    }
    Ok(due.len())
}

/// POSTs one delivery; the response's status code, or why there is none.
async fn send(d: &Delivery, now_ms: i64) -> Result<u16, String> {
    let Some(rest) = d.url.strip_prefix("http://") else {
        return Err("only http:// endpoints are supported by the built-in sender".into());
    };
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let addr = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let signature = webhook::sign(&[d.secret.as_bytes()], now_ms / 1000, &d.body);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n{}: {signature}\r\nHireloop-Event: {}\r\nConnection: close\r\n\r\n{}",
        d.body.len(),
        webhook::SIGNATURE_HEADER,
        d.kind,
        d.body
    );
    let attempt = async {
        let mut stream = TcpStream::connect(&addr).await.map_err(|e| e.to_string())?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut head = vec![0u8; 1024];
        let n = stream.read(&mut head).await.map_err(|e| e.to_string())?;
        parse_status(&head[..n]).ok_or_else(|| "no HTTP status line in the response".to_owned())
    };
    tokio::time::timeout(TIMEOUT, attempt)
        .await
        .map_err(|_| format!("no answer within {} s", TIMEOUT.as_secs()))?
}

/// The status code of an HTTP/1.x status line.
fn parse_status(bytes: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(bytes).ok()?;
    let line = text.lines().next()?;
    let mut parts = line.split(' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse_status;

    #[test]
    fn status_lines_are_read() {
        assert_eq!(parse_status(b"HTTP/1.1 204 No Content\r\n\r\n"), Some(204));
        assert_eq!(parse_status(b"HTTP/1.0 500 x\r\n"), Some(500));
        assert_eq!(parse_status(b"garbage"), None);
    }
}
