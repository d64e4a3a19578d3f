//! The one gate every hiring operation passes: membership, relation, policy.

use hireloop_hiring::roles::{self, Access, Action, Relation, Role};
use hireloop_store::{Application, Member, Org};

use crate::auth::SignedIn;
use crate::error::WebError;
use crate::state::AppState;

/// What an operation acts on; its relation to the caller is looked up in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object<'a> {
    /// Nothing in particular (lists, creation): the relation is `none`.
    None,
    /// A requisition: on its hiring team, or assigned to an interview of one of its applications.
    Requisition(&'a str),
    /// A requisition where only its hiring team counts (lists of all its applications, which an
    /// interviewer assigned to one of them must not see).
    RequisitionTeam(&'a str),
    /// A candidate: through any of their applications, or the candidate themselves.
    Candidate(&'a str),
    /// An application.
    Application(&'a str),
    /// An interview: as its application.
    Interview(&'a str),
    /// An offer: as its application.
    Offer(&'a str),
}

/// An authorised caller in an organisation.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The organisation.
    pub org: Org,
    /// The caller's membership.
    pub member: Member,
    /// Every relation that holds between the caller and the object.
    pub relations: Vec<Relation>,
}

impl Ctx {
    /// The organisation's id.
    pub fn org_id(&self) -> &str {
        &self.org.id
    }

    /// The caller's user id.
    pub fn user(&self) -> &str {
        &self.member.user_id
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.member.role
    }

    /// Whether the caller may also do `action` on the same object.
    pub fn may(&self, action: Action) -> bool {
        roles::decide_any(self.member.role, action, &self.relations).is_allowed()
    }

    /// [`Ctx::may`] as a result: 403 with the policy's reason.
    pub fn require(&self, action: Action) -> Result<(), WebError> {
        match roles::decide_any(self.member.role, action, &self.relations) {
            Access::Allowed => Ok(()),
            Access::Denied { reason } => Err(WebError::Denied(reason)),
        }
    }
}

/// The caller's membership of the organisation with this slug; 404 "organisation" when there
/// is no such organisation or the caller is not in it (the two look the same).
pub async fn membership(
    state: &AppState,
    caller: &SignedIn,
    slug: &str,
) -> Result<(Org, Member), WebError> {
    let store = state.store();
    let Some(org) = store.org_by_slug(slug).await? else {
        return Err(WebError::NotFound("organisation"));
    };
    let Some(member) = store.membership(&org.id, &caller.user().id).await? else {
        return Err(WebError::NotFound("organisation"));
    };
    Ok((org, member))
}

/// Authorises `action` on `object` for the caller in organisation `slug`: 404 when the caller is
/// not a member or the object is not the organisation's, 403 with the policy's reason when the
/// policy refuses. Every hiring handler calls this once before doing anything.
pub async fn authorize(
    state: &AppState,
    caller: &SignedIn,
    slug: &str,
    action: Action,
    object: Object<'_>,
) -> Result<Ctx, WebError> {
    let (org, member) = membership(state, caller, slug).await?;
    let relations = relations(state, &org.id, &member.user_id, object).await?;
    match roles::decide_any(member.role, action, &relations) {
        Access::Allowed => Ok(Ctx {
            org,
            member,
            relations,
        }),
        Access::Denied { reason } => Err(WebError::Denied(reason)),
    }
}

/// Every relation between `user` and `object`, `[None]` when there is none. Looking the object
/// up in the organisation is what makes another organisation's ids 404.
pub async fn relations(
    state: &AppState,
    org_id: &str,
    user: &str,
    object: Object<'_>,
) -> Result<Vec<Relation>, WebError> {
    let store = state.store();
    let mut out = Vec::new();
    match object {
        Object::None => {}
        Object::Requisition(id) | Object::RequisitionTeam(id) => {
            store.requisition(org_id, id).await?;
            if store.on_team(org_id, id, user).await?.is_some() {
                out.push(Relation::HiringTeam);
            }
            // One query over the member's panel seats: an interviewer sits on hundreds of
            // interviews a year, too many to read one by one on every request.
            if matches!(object, Object::Requisition(_))
                && store.assigned_in_requisition(org_id, user, id).await?
            {
                out.push(Relation::Assigned);
            }
        }
        Object::Candidate(id) => {
            let candidate = store.candidate(org_id, id).await?;
            if candidate.user_id.as_deref() == Some(user) {
                out.push(Relation::OwnApplication);
            }
            for app in store.applications_of(org_id, id).await? {
                application_relations(state, org_id, user, &app, &mut out).await?;
            }
        }
        Object::Application(id) => {
            let app = store.application(org_id, id).await?;
            let candidate = store.candidate(org_id, &app.candidate_id).await?;
            if candidate.user_id.as_deref() == Some(user) {
                out.push(Relation::OwnApplication);
            }
            application_relations(state, org_id, user, &app, &mut out).await?;
        }
        Object::Interview(id) => {
            let interview = store.interview(org_id, id).await?;
            return Box::pin(relations(
                state,
                org_id,
                user,
                Object::Application(&interview.application_id),
            ))
            .await;
        }
        Object::Offer(id) => {
            let offer = store.offer(org_id, id).await?;
            return Box::pin(relations(
                state,
                org_id,
                user,
                Object::Application(&offer.application_id),
            ))
            .await;
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() {
        out.push(Relation::None);
    }
    Ok(out)
}

/// The team and panel relations of `user` to one application.
async fn application_relations(
    state: &AppState,
    org_id: &str,
    user: &str,
    app: &Application,
    out: &mut Vec<Relation>,
) -> Result<(), WebError> {
    let store = state.store();
    if store
        .on_team(org_id, &app.requisition_id, user)
        .await?
        .is_some()
    {
        out.push(Relation::HiringTeam);
    }
    if store.on_panel_of(org_id, user, &app.id).await? {
        out.push(Relation::Assigned);
    }
    Ok(())
}
