//! Hiring mode's pages, under `/orgs/{org}/…`: the organisation home, requisitions with their
//! pipeline board, applications, the scorecard form and the debrief.
//!
//! Every page and form resolves the caller through the same
//! [`authorize`](crate::hiring::authz::authorize) as the JSON API and calls the same service
//! functions; a page only decides what to show and which forms to offer from the authorised
//! context. Refusals are HTML error pages (404 for an organisation one is not in, 403 with the
//! policy's reason). Forms post URL-encoded with the anti-forgery token, answer with a redirect
//! on success and re-render with the problem beside its field, input kept, when refused.

mod application;
mod assessment;
mod audit;
mod candidates;
mod debrief;
mod home;
mod members;
mod overdue;
mod reports;
mod requisition;
mod scorecard;

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Redirect, Response};
use hireloop_hiring::roles::{Action, Role};
use hireloop_store::{Org, Requisition};

use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{self, Ctx, Object};
use crate::state::AppState;
use crate::view::Chrome;

/// Every hiring page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(requisition::routes())
        .merge(application::routes())
        .merge(scorecard::routes())
        .merge(debrief::routes())
        .merge(assessment::routes())
        .merge(overdue::routes())
        .merge(members::routes())
        .merge(candidates::routes())
        .merge(reports::routes())
        .merge(audit::routes())
}

/// The chrome of a hiring page: the hiring section is current and its link shown.
fn chrome(user: &SignedIn) -> Chrome {
    Chrome {
        hiring: true,
        ..Chrome::signed_in(user, "hiring")
    }
}

/// The organisation bar every page inside an organisation shows: its name, the caller's role
/// and the way back to its home.
#[derive(Debug, Clone)]
struct OrgBar {
    name: String,
    slug: String,
    role: &'static str,
}

impl OrgBar {
    fn of(ctx: &Ctx) -> OrgBar {
        OrgBar::new(&ctx.org, ctx.role())
    }

    fn new(org: &Org, role: Role) -> OrgBar {
        OrgBar {
            name: org.name.clone(),
            slug: org.slug.clone(),
            role: role_name(role),
        }
    }
}

/// A role as people say it.
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Recruiter => "Recruiter",
        Role::HiringManager => "Hiring manager",
        Role::Interviewer => "Interviewer",
        Role::BarRaiser => "Bar raiser",
        Role::Candidate => "Candidate",
    }
}

/// A region id as people say it.
fn region_name(id: &str) -> String {
    match id {
        "china" => "China".to_owned(),
        "international" => "International".to_owned(),
        other => other.to_owned(),
    }
}

/// A language id as people say it.
fn language_name(id: &str) -> String {
    match id {
        "en" => "English".to_owned(),
        "zh" => "Chinese".to_owned(),
        other => other.to_owned(),
    }
}

/// A requisition's facts as one line: `P6–P8 · International · English`.
fn req_facts(req: &Requisition) -> String {
    let levels = if req.level_min == req.level_max {
        req.level_min.clone()
    } else {
        format!("{}–{}", req.level_min, req.level_max)
    };
    format!(
        "{levels} · {} · {}",
        region_name(&req.region),
        language_name(&req.language)
    )
}

/// The levels a requisition hires at, lowest first.
fn levels_of(req: &Requisition) -> Vec<String> {
    crate::hiring::service::requisition_range(req)
        .map(|r| r.levels().map(|l| l.to_string()).collect())
        .unwrap_or_default()
}

/// Display names of users, looked up once each per request.
#[derive(Default)]
struct Names(HashMap<String, String>);

/// How a page names an account that no longer exists.
const FORMER_MEMBER: &str = "a former member";

impl Names {
    /// Reads the names of all these accounts at once, so that `of` asks the store only for
    /// ones not listed here.
    async fn prefetch(&mut self, state: &AppState, user_ids: &[String]) -> Result<(), WebError> {
        let mut wanted: Vec<String> = user_ids
            .iter()
            .filter(|id| !self.0.contains_key(*id))
            .cloned()
            .collect();
        wanted.sort();
        wanted.dedup();
        let found = state.store().display_names(&wanted).await?;
        for id in wanted {
            let name = found
                .get(&id)
                .cloned()
                .unwrap_or_else(|| FORMER_MEMBER.to_owned());
            self.0.insert(id, name);
        }
        Ok(())
    }

    async fn of(&mut self, state: &AppState, user_id: &str) -> Result<String, WebError> {
        if let Some(n) = self.0.get(user_id) {
            return Ok(n.clone());
        }
        let name = state
            .store()
            .user(user_id)
            .await?
            .map_or_else(|| FORMER_MEMBER.to_owned(), |u| u.display_name);
        self.0.insert(user_id.to_owned(), name.clone());
        Ok(name)
    }
}

/// The fields of a URL-encoded form, in order (a name may repeat).
#[derive(Debug, Default, Clone)]
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of a field, empty when absent.
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field.
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name && !k.is_empty())
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// A form posted to a page inside an organisation, read the way every such handler needs it:
/// who posts, to which organisation and object, and the fields. One extractor, so each handler
/// starts at what is particular to it and the refusals stay the same everywhere.
///
/// The caller is resolved first, so a visitor who is not signed in gets the same answer as
/// [`SignedIn`] gives, before anything of the path or body is looked at. The body is read by
/// axum's [`Bytes`] extractor, so the router's body limit ([`BODY_LIMIT`](crate::BODY_LIMIT))
/// and its refusal hold as for any other handler.
struct Posted {
    state: AppState,
    user: SignedIn,
    /// The organisation's slug (route parameter `org`).
    slug: String,
    /// The object the form is about (route parameter `id`), empty on routes without one.
    id: String,
    /// The member the form is about (route parameter `user`), empty on routes without one.
    member: String,
    form: Form,
}

impl Posted {
    /// The one [`authorize`](authz::authorize) for this caller in this organisation, as the
    /// JSON API calls it.
    async fn authorize(&self, action: Action, object: Object<'_>) -> Result<Ctx, WebError> {
        authz::authorize(&self.state, &self.user, &self.slug, action, object).await
    }

    /// A page of this organisation, `/orgs/{slug}/{rest}`: where a form goes back to.
    fn url(&self, rest: &str) -> String {
        format!("/orgs/{}/{rest}", self.slug)
    }
}

impl FromRequest<AppState> for Posted {
    // Each part keeps its own refusal (a path or body problem answers as axum's extractors do).
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Posted, Response> {
        let (mut parts, body) = req.into_parts();
        let user = SignedIn::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(mut params) =
            Path::<HashMap<String, String>>::from_request_parts(&mut parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut param = |name: &str| params.remove(name).unwrap_or_default();
        Ok(Posted {
            state: state.clone(),
            user,
            slug: param("org"),
            id: param("id"),
            member: param("user"),
            form: Form::parse(&body),
        })
    }
}

/// A page's form refused with `error`, for the page to show beside its field; errors no form
/// shows stay errors.
fn refusal(form: &'static str, values: Form, error: WebError) -> Result<FormState, WebError> {
    Ok(FormState(Some(Refused::of(form, values, error)?)))
}

/// A form refused with one problem: which form, the field and the message, and what was typed.
#[derive(Debug, Clone, Default)]
struct Refused {
    form: &'static str,
    field: String,
    message: String,
    values: Form,
}

impl Refused {
    /// The problem of a form, when `error` is one the form can show beside a field; other errors
    /// (refusals, missing objects, failures) stay errors.
    fn of(form: &'static str, values: Form, error: WebError) -> Result<Refused, WebError> {
        match error {
            WebError::BadInput { field, message } => Ok(Refused {
                form,
                field,
                message,
                values,
            }),
            WebError::Conflict(message) => Ok(Refused {
                form,
                field: String::new(),
                message,
                values,
            }),
            other => Err(other),
        }
    }
}

/// What a page shows of a form: its problem, if it was this form that was refused, and the
/// value typed in a field.
#[derive(Debug, Clone, Default)]
struct FormState(Option<Refused>);

impl FormState {
    /// The message for a field of form `form`.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        self.0
            .as_ref()
            .filter(|r| r.form == form && r.field == field)
            .map(|r| r.message.as_str())
    }

    /// The message of form `form` that belongs to none of `fields` (shown above the form).
    fn general(&self, form: &str, fields: &[&str]) -> Option<&str> {
        self.0
            .as_ref()
            .filter(|r| r.form == form && !fields.contains(&r.field.as_str()))
            .map(|r| r.message.as_str())
    }

    /// What was typed in a field of form `form`, or `default`.
    fn value(&self, form: &str, field: &str, default: &str) -> String {
        match &self.0 {
            Some(r) if r.form == form => r.values.get(field).to_owned(),
            _ => default.to_owned(),
        }
    }

    /// Whether `option` was chosen in a (multi-)select of form `form`.
    fn chosen(&self, form: &str, field: &str, option: &str) -> bool {
        match &self.0 {
            Some(r) if r.form == form => r.values.all(field).iter().any(|v| v == option),
            _ => false,
        }
    }
}

/// A page rendered after a refused form: 422 for a bad field, 409 for a conflict.
fn refused_page(refused: &FormState, page: axum::response::Html<String>) -> Response {
    let status = match &refused.0 {
        Some(r) if r.field.is_empty() => axum::http::StatusCode::CONFLICT,
        Some(_) => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        None => axum::http::StatusCode::OK,
    };
    (status, page).into_response()
}

/// A redirect after a form succeeded (303, so the browser GETs the page).
fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A moment's date alone, as `26 Nov 2026`.
fn fmt_date(ms: i64) -> String {
    let full = crate::view::fmt_time(ms);
    full.split_once(", ")
        .map_or(full.clone(), |(d, _)| d.to_owned())
}

/// How late something is: hours under two days, days after.
fn fmt_late(ms: i64) -> String {
    let hours = ms.max(0) / 3_600_000;
    if hours < 48 {
        format!("{hours} h")
    } else {
        format!("{} days", hours / 24)
    }
}

/// `YYYY-MM-DDTHH:MM` (a `datetime-local` value, read as UTC; seconds allowed) as ms since the
/// epoch.
fn parse_local(text: &str) -> Option<i64> {
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    let moment = civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    Some(moment.timestamp().as_millisecond())
}

/// ms since the epoch as a `datetime-local` value (UTC).
fn local_value(ms: i64) -> String {
    crate::view::utc(ms, "%Y-%m-%dT%H:%M")
}

/// A place inside this organisation to return to after a form, from the form's `back` field;
/// anything else falls back to `default`.
fn back_to(form: &Form, slug: &str, default: String) -> String {
    let back = form.get("back");
    let prefix = format!("/orgs/{slug}/");
    if back.starts_with(&prefix)
        && !back.contains("//")
        && back.bytes().all(|b| b.is_ascii_graphic())
    {
        back.to_owned()
    } else {
        default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_round_trip() {
        let ms = parse_local("2026-11-26T14:05").unwrap();
        assert_eq!(crate::view::fmt_time(ms), "26 Nov 2026, 14:05 UTC");
        assert_eq!(local_value(ms), "2026-11-26T14:05");
        assert_eq!(parse_local("2000-02-29T00:00"), Some(951_782_400_000));
        assert_eq!(parse_local("2026-13-01T00:00"), None);
        assert_eq!(parse_local("tomorrow"), None);
    }

    #[test]
    fn back_stays_in_the_organisation() {
        let f = Form::parse(b"back=%2Forgs%2Facme%2Frequisitions%2Fr1");
        assert_eq!(
            back_to(&f, "acme", "/x".into()),
            "/orgs/acme/requisitions/r1"
        );
        let f = Form::parse(b"back=https%3A%2F%2Fevil.example%2F");
        assert_eq!(back_to(&f, "acme", "/x".into()), "/x");
        let f = Form::parse(b"back=%2Forgs%2Fother%2F");
        assert_eq!(back_to(&f, "acme", "/x".into()), "/x");
    }
}
