//! `/orgs/{org}/audit`: the organisation's audit log, newest first, a page at a time, with the
//! hash chain's verification at the top. Admins only, as the policy says.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hireloop_hiring::roles::Action;
use hireloop_store::ChainStatus;
use serde::Deserialize;

use super::{Names, OrgBar, chrome};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize};
use crate::hiring::service::records::{self, AuditQuery};
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// Entries a page shows.
const PAGE: u64 = 50;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/orgs/{org}/audit", get(show))
}

/// `?before=SEQ`: the entries before this position (the newest when absent).
#[derive(Debug, Default, Deserialize)]
struct Params {
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "hiring/audit.html")]
struct AuditPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    /// The chain's verification, when the caller may verify it.
    chain: Option<Chain>,
    total: u64,
    entries: Vec<Row>,
    newer: Option<String>,
    older: Option<String>,
}

/// The verification result as people read it.
struct Chain {
    intact: bool,
    headline: String,
    detail: String,
}

/// One entry.
struct Row {
    seq: u64,
    when: String,
    who: String,
    action: String,
    subject: String,
    detail: String,
    erased: bool,
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(slug): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let ctx = authorize(&state, &user, &slug, Action::AuditView, Object::None).await?;
    let status = if ctx.may(Action::AuditVerify) {
        Some(records::verify_since_last(&state, &ctx).await?)
    } else {
        None
    };
    let last = match &status {
        Some(ChainStatus::Intact { count, .. }) => *count,
        Some(ChainStatus::HeadMismatch { found_seq, .. }) => *found_seq,
        _ => last_seq(&state, &ctx).await?,
    };
    // The page holds the entries numbered [before - PAGE, before), newest first.
    let before = params
        .before
        .parse::<u64>()
        .ok()
        .filter(|b| (1..=last + 1).contains(b))
        .unwrap_or(last + 1);
    let after_seq = before.saturating_sub(PAGE + 1);
    let want = before - 1 - after_seq;
    let mut entries = if want == 0 {
        Vec::new()
    } else {
        records::audit(
            &state,
            &ctx,
            &AuditQuery {
                after_seq,
                limit: Some(i64::try_from(want).unwrap_or(1)),
            },
        )
        .await?
        .entries
    };
    entries.retain(|e| e.seq < before);
    entries.reverse();
    let mut names = Names::default();
    let actors: Vec<String> = entries.iter().map(|e| e.actor.clone()).collect();
    names.prefetch(&state, &actors).await?;
    let mut rows = Vec::new();
    for e in entries {
        let who = if e.actor == "system" {
            "the system".to_owned()
        } else {
            names.of(&state, &e.actor).await?
        };
        rows.push(Row {
            seq: e.seq,
            when: fmt_time(e.at_ms),
            who,
            detail: e
                .detail
                .as_ref()
                .map(|d| serde_json::to_string(d).unwrap_or_default())
                .unwrap_or_default(),
            erased: e.detail_erased,
            action: e.action,
            subject: e.subject,
        });
    }
    let base = format!("/orgs/{slug}/audit");
    let older = (after_seq > 0).then(|| format!("{base}?before={}", after_seq + 1));
    let newer = (before <= last).then(|| {
        let next = before + PAGE;
        if next > last {
            base.clone()
        } else {
            format!("{base}?before={next}")
        }
    });
    let chain = status.map(|s| match s {
        ChainStatus::Intact { count, head } => Chain {
            intact: true,
            headline: format!("Chain intact: all {count} entries verify"),
            detail: format!(
                "Each entry holds the hash of the one before; the last one's hash is {}.",
                head.get(..16).unwrap_or(&head)
            ),
        },
        ChainStatus::Broken(b) => Chain {
            intact: false,
            headline: format!("Chain broken at entry {}", b.seq),
            detail: format!("{}. Entries from there on cannot be trusted.", b.reason),
        },
        ChainStatus::HeadMismatch {
            recorded_seq,
            found_seq,
        } => Chain {
            intact: false,
            headline: "Chain does not end where it should".to_owned(),
            detail: format!(
                "The organisation recorded {recorded_seq} entries, the log holds {found_seq}: entries were cut off or added outside the server."
            ),
        },
    });
    Ok(render(&AuditPage {
        chrome: chrome(&user),
        title: format!("Audit log · {}", ctx.org.name),
        bar: OrgBar::of(&ctx),
        chain,
        total: last,
        entries: rows,
        newer,
        older,
    })?
    .into_response())
}

/// The position of the log's last entry, read a page at a time (when verification did not say).
async fn last_seq(state: &AppState, ctx: &Ctx) -> Result<u64, WebError> {
    let mut after_seq = 0;
    loop {
        let page = records::audit(
            state,
            ctx,
            &AuditQuery {
                after_seq,
                limit: Some(1000),
            },
        )
        .await?;
        match (page.entries.last(), page.next_after_seq) {
            (Some(_), Some(next)) => after_seq = next,
            (Some(e), None) => return Ok(e.seq),
            (None, _) => return Ok(after_seq),
        }
    }
}
