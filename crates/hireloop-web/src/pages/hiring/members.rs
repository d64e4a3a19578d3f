//! `/orgs/{org}/members`: the organisation's members with their roles, and the forms to add a
//! member by email, change a role and remove a member. Admins only, as the policy says.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_hiring::roles::{Action, Role};

use super::{
    FormState, OrgBar, Posted, chrome, fmt_date, refusal, refused_page, role_name, see_other,
};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Object, authorize};
use crate::hiring::service::orgs::{self, AddMemberBody, RoleBody};
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/members", get(show).post(add))
        .route("/orgs/{org}/members/{user}/role", post(set_role))
        .route("/orgs/{org}/members/{user}/remove", post(remove))
}

#[derive(Template)]
#[template(path = "hiring/members.html")]
struct MembersPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    members: Vec<MemberRow>,
    roles: Vec<(&'static str, &'static str)>,
    form: FormState,
}

/// A member as listed.
struct MemberRow {
    user_id: String,
    name: String,
    email: String,
    role_id: String,
    role: &'static str,
    since: String,
    /// The caller themselves: they cannot demote or remove themselves.
    me: bool,
}

async fn page(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    form: FormState,
) -> Result<Html<String>, WebError> {
    let ctx = authorize(state, user, slug, Action::MemberManage, Object::None).await?;
    let members = orgs::members(state, &ctx)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            me: m.user_id == ctx.user(),
            role: Role::from_id(&m.role).map_or("member", role_name),
            since: fmt_date(m.created_ms),
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role_id: m.role,
        })
        .collect();
    render(&MembersPage {
        chrome: chrome(user),
        title: format!("Members · {}", ctx.org.name),
        bar: OrgBar::of(&ctx),
        members,
        roles: Role::ALL.iter().map(|r| (r.id(), role_name(*r))).collect(),
        form,
    })
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    Ok(page(&state, &user, &slug, FormState::default())
        .await?
        .into_response())
}

/// The page again with the problem of form `which` beside its field.
async fn refused(p: Posted, which: &'static str, error: WebError) -> Result<Response, WebError> {
    let refused = refusal(which, p.form, error)?;
    let html = page(&p.state, &p.user, &p.slug, refused.clone()).await?;
    Ok(refused_page(&refused, html))
}

/// `POST /orgs/{org}/members`: adds an account by email with a role.
async fn add(p: Posted) -> Result<Response, WebError> {
    let ctx = p.authorize(Action::MemberManage, Object::None).await?;
    let new = AddMemberBody {
        email: p.form.get("email").to_owned(),
        role: p.form.get("role").to_owned(),
    };
    match orgs::add_member(&p.state, &ctx, &new).await {
        Ok(_) => Ok(see_other(&p.url("members"))),
        Err(e) => refused(p, "add", e).await,
    }
}

/// `POST /orgs/{org}/members/{user}/role`: changes a member's role.
async fn set_role(p: Posted) -> Result<Response, WebError> {
    let ctx = p.authorize(Action::MemberManage, Object::None).await?;
    let role = RoleBody {
        role: p.form.get("role").to_owned(),
    };
    match orgs::set_role(&p.state, &ctx, &p.member, &role).await {
        Ok(()) => Ok(see_other(&p.url("members"))),
        Err(e) => refused(p, "role", e).await,
    }
}

/// `POST /orgs/{org}/members/{user}/remove`: removes a member.
async fn remove(p: Posted) -> Result<Response, WebError> {
    let ctx = p.authorize(Action::MemberManage, Object::None).await?;
    match orgs::remove(&p.state, &ctx, &p.member).await {
        Ok(()) => Ok(see_other(&p.url("members"))),
        Err(e) => refused(p, "remove", e).await,
    }
}
