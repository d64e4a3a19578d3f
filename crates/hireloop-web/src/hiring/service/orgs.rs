//! Organisations and their members.

use hireloop_hiring::roles::Role;
use hireloop_store::{Member, Org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::required_text;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// Days a candidate's data is kept after their last activity unless the organisation says
/// otherwise.
pub const DEFAULT_RETENTION_DAYS: i64 = 365;

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgBody {
    /// Display name.
    pub name: String,
    /// Short name used in URLs: 2–40 lowercase letters, digits and inner hyphens.
    pub slug: String,
}

/// An organisation with the caller's role in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgOut {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Short name, as in URLs.
    pub slug: String,
    /// The caller's role.
    pub role: String,
    /// Days a candidate's data is kept after their last activity.
    pub retention_days: i64,
}

fn org_out(org: Org, role: Role) -> OrgOut {
    OrgOut {
        id: org.id,
        name: org.name,
        slug: org.slug,
        role: role.id().to_owned(),
        retention_days: org.retention_days,
    }
}

/// A member to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AddMemberBody {
    /// The email address of an existing account.
    pub email: String,
    /// `admin`, `recruiter`, `hiring_manager`, `interviewer`, `bar_raiser` or `candidate`.
    pub role: String,
}

/// A new role for a member.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleBody {
    /// The role id.
    pub role: String,
}

/// A member as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    /// The user's id.
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// Their role.
    pub role: String,
    /// When they joined.
    pub created_ms: i64,
}

/// A role field.
pub fn role(field: &str, value: &str) -> Result<Role, WebError> {
    Role::from_id(value.trim()).ok_or_else(|| {
        let ids: Vec<&str> = Role::ALL.iter().map(|r| r.id()).collect();
        WebError::bad(
            field,
            format!("unknown role {value:?}; use one of {}", ids.join(", ")),
        )
    })
}

fn check_slug(slug: &str) -> Result<String, WebError> {
    let slug = slug.trim();
    let ok = (2..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug.to_owned())
    } else {
        Err(WebError::bad(
            "slug",
            "use 2 to 40 lowercase letters, digits and inner hyphens, such as `acme-hiring`",
        ))
    }
}

/// Creates an organisation with the caller as its first admin.
pub async fn create(
    state: &AppState,
    caller: &SignedIn,
    body: &NewOrgBody,
) -> Result<OrgOut, WebError> {
    let name = required_text("name", &body.name, 200)?;
    let slug = check_slug(&body.slug)?;
    let org = state
        .store()
        .create_org(
            &name,
            &slug,
            DEFAULT_RETENTION_DAYS,
            &caller.user().id,
            state.now_ms(),
        )
        .await?;
    Ok(org_out(org, Role::Admin))
}

/// The caller's organisations.
pub async fn mine(state: &AppState, caller: &SignedIn) -> Result<Vec<OrgOut>, WebError> {
    Ok(state
        .store()
        .orgs_of(&caller.user().id)
        .await?
        .into_iter()
        .map(|(org, role)| org_out(org, role))
        .collect())
}

async fn member_out(state: &AppState, m: Member) -> Result<MemberOut, WebError> {
    let user = state.store().user(&m.user_id).await?;
    let (name, email) = user.map_or_else(Default::default, |u| (u.display_name, u.email));
    Ok(out_of(m, name, email))
}

/// A member as the API shows them, with their account's name and address (empty once gone).
fn out_of(m: Member, name: String, email: String) -> MemberOut {
    MemberOut {
        user_id: m.user_id,
        name,
        email,
        role: m.role.id().to_owned(),
        created_ms: m.created_ms,
    }
}

/// The organisation's members.
pub async fn members(state: &AppState, ctx: &Ctx) -> Result<Vec<MemberOut>, WebError> {
    Ok(state
        .store()
        .member_accounts(ctx.org_id())
        .await?
        .into_iter()
        .map(|a| {
            out_of(
                a.member,
                a.display_name.unwrap_or_default(),
                a.email.unwrap_or_default(),
            )
        })
        .collect())
}

/// Adds an existing account as a member with a role.
pub async fn add_member(
    state: &AppState,
    ctx: &Ctx,
    body: &AddMemberBody,
) -> Result<MemberOut, WebError> {
    let role = role("role", &body.role)?;
    let email = crate::auth::check_email(&body.email)?;
    let Some(user) = state.store().user_by_email(&email).await? else {
        return Err(WebError::bad(
            "email",
            format!("no account has the address {email}; ask them to sign up first"),
        ));
    };
    let m = state
        .store()
        .add_member(ctx.org_id(), &user.id, role, ctx.user(), state.now_ms())
        .await?;
    member_out(state, m).await
}

/// Changes a member's role. An admin cannot demote themselves (the organisation could be left
/// without one).
pub async fn set_role(
    state: &AppState,
    ctx: &Ctx,
    user_id: &str,
    body: &RoleBody,
) -> Result<(), WebError> {
    let role = role("role", &body.role)?;
    if user_id == ctx.user() && role != Role::Admin {
        return Err(WebError::Conflict(
            "you cannot change your own admin role; ask another admin".into(),
        ));
    }
    state
        .store()
        .set_member_role(ctx.org_id(), user_id, role, ctx.user(), state.now_ms())
        .await?;
    Ok(())
}

/// Removes a member.
pub async fn remove(state: &AppState, ctx: &Ctx, user_id: &str) -> Result<(), WebError> {
    if user_id == ctx.user() {
        return Err(WebError::Conflict(
            "you cannot remove yourself; ask another admin".into(),
        ));
    }
    state
        .store()
        .remove_member(ctx.org_id(), user_id, ctx.user(), state.now_ms())
        .await?;
    Ok(())
}
