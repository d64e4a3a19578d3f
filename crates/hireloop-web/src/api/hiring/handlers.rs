//! The hiring handlers, each parse → authorise → service → JSON. Generated in shape from one
//! table (method, path, action, object) so that every endpoint follows the same steps.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hireloop_hiring::roles::Action;
use hireloop_hiring::scorecard::ScorecardInput;
use hireloop_store::ApplicationStatus;
use serde::Serialize;
use utoipa::OpenApi;

use super::{Body, Endpoint, OptBody};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::hiring::authz::{Object, authorize};
use crate::hiring::service::applications::{self, *};
use crate::hiring::service::assessments::{self, *};
use crate::hiring::service::candidates::{self, *};
use crate::hiring::service::decisions::{self, *};
use crate::hiring::service::interviews::{self, *};
use crate::hiring::service::orgs::{self, *};
use crate::hiring::service::records::{self, *};
use crate::hiring::service::requisitions::{self, RequisitionBody, TeamBody, TeamOut, WindowQuery};
use crate::hiring::service::scorecards::{self, ScorecardsOut};
use crate::state::AppState;

/// A value as a JSON answer with a status.
fn json<T: Serialize>(status: StatusCode, v: T) -> Result<Response, ApiError> {
    Ok((status, Json(v)).into_response())
}

/// A text answer with a content type.
fn text(content_type: &'static str, body: String) -> Result<Response, ApiError> {
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// A rendered report as its format asks.
fn rendered(r: Rendered) -> Result<Response, ApiError> {
    match r {
        Rendered::Json(v) => json(StatusCode::OK, v),
        Rendered::Csv(t) => text("text/csv; charset=utf-8", t),
        Rendered::Svg(t) => text("image/svg+xml", t),
    }
}

/// Nothing to say: 204.
fn done(_: ()) -> Result<Response, ApiError> {
    Ok(StatusCode::NO_CONTENT.into_response())
}

macro_rules! ep {
    (get $p:literal => $h:path) => {
        Endpoint {
            method: Method::GET,
            path: $p,
            router: axum::routing::get($h),
        }
    };
    (post $p:literal => $h:path) => {
        Endpoint {
            method: Method::POST,
            path: $p,
            router: axum::routing::post($h),
        }
    };
    (put $p:literal => $h:path) => {
        Endpoint {
            method: Method::PUT,
            path: $p,
            router: axum::routing::put($h),
        }
    };
    (delete $p:literal => $h:path) => {
        Endpoint {
            method: Method::DELETE,
            path: $p,
            router: axum::routing::delete($h),
        }
    };
}

/// Every hiring endpoint, routed from this list.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        ep!(post "/orgs" => create_org),
        ep!(get "/orgs" => my_orgs),
        ep!(get "/orgs/{org}/members" => list_members),
        ep!(post "/orgs/{org}/members" => add_member),
        ep!(put "/orgs/{org}/members/{user}" => set_member_role),
        ep!(delete "/orgs/{org}/members/{user}" => remove_member),
        ep!(get "/orgs/{org}/requisitions" => list_requisitions),
        ep!(post "/orgs/{org}/requisitions" => create_requisition),
        ep!(get "/orgs/{org}/requisitions/{id}" => get_requisition),
        ep!(put "/orgs/{org}/requisitions/{id}" => edit_requisition),
        ep!(post "/orgs/{org}/requisitions/{id}/close" => close_requisition),
        ep!(get "/orgs/{org}/requisitions/{id}/team" => get_team),
        ep!(post "/orgs/{org}/requisitions/{id}/team" => add_to_team),
        ep!(delete "/orgs/{org}/requisitions/{id}/team/{user}" => remove_from_team),
        ep!(get "/orgs/{org}/requisitions/{id}/applications" => list_applications),
        ep!(post "/orgs/{org}/requisitions/{id}/applications" => apply),
        ep!(get "/orgs/{org}/requisitions/{id}/interviewer-load" => interviewer_load),
        ep!(get "/orgs/{org}/requisitions/{id}/reports/{kind}" => report),
        ep!(get "/orgs/{org}/candidates" => search_candidates),
        ep!(post "/orgs/{org}/candidates" => create_candidate),
        ep!(post "/orgs/{org}/candidates/import" => import_candidates),
        ep!(get "/orgs/{org}/candidates/{id}" => get_candidate),
        ep!(delete "/orgs/{org}/candidates/{id}" => erase_candidate),
        ep!(get "/orgs/{org}/candidates/{id}/resumes" => list_resumes),
        ep!(post "/orgs/{org}/candidates/{id}/resumes" => upload_resume),
        ep!(get "/orgs/{org}/candidates/{id}/export" => export_candidate),
        ep!(get "/orgs/{org}/applications/{id}" => get_application),
        ep!(get "/orgs/{org}/applications/{id}/status" => own_status),
        ep!(post "/orgs/{org}/applications/{id}/move" => move_application),
        ep!(post "/orgs/{org}/applications/{id}/reject" => reject_application),
        ep!(post "/orgs/{org}/applications/{id}/withdraw" => withdraw_application),
        ep!(post "/orgs/{org}/applications/{id}/hire" => hire_application),
        ep!(post "/orgs/{org}/applications/{id}/assessments" => issue_assessment),
        ep!(get "/orgs/{org}/applications/{id}/interviews" => list_interviews),
        ep!(post "/orgs/{org}/applications/{id}/interviews" => schedule_interview),
        ep!(get "/orgs/{org}/applications/{id}/scorecards" => list_scorecards),
        ep!(get "/orgs/{org}/applications/{id}/debrief" => debrief),
        ep!(get "/orgs/{org}/applications/{id}/decision" => get_decision),
        ep!(post "/orgs/{org}/applications/{id}/decision" => decide),
        ep!(get "/orgs/{org}/applications/{id}/offers" => list_offers),
        ep!(post "/orgs/{org}/applications/{id}/offers" => propose_offer),
        ep!(get "/orgs/{org}/interviews/{id}" => get_interview),
        ep!(post "/orgs/{org}/interviews/{id}/reschedule" => reschedule_interview),
        ep!(post "/orgs/{org}/interviews/{id}/cancel" => cancel_interview),
        ep!(get "/orgs/{org}/interviews/{id}/calendar.ics" => interview_calendar),
        ep!(get "/orgs/{org}/interviews/{id}/kit" => interview_kit),
        ep!(get "/orgs/{org}/interviews/{id}/scorecard" => own_scorecard),
        ep!(put "/orgs/{org}/interviews/{id}/scorecard" => save_scorecard),
        ep!(post "/orgs/{org}/interviews/{id}/scorecard/submit" => submit_scorecard),
        ep!(get "/orgs/{org}/scorecards/overdue" => overdue_scorecards),
        ep!(post "/orgs/{org}/offers/{id}/approve" => approve_offer),
        ep!(post "/orgs/{org}/offers/{id}/status" => offer_status),
        ep!(get "/orgs/{org}/audit" => audit_log),
        ep!(get "/orgs/{org}/audit/verify" => verify_audit),
        ep!(get "/orgs/{org}/webhooks" => list_webhooks),
        ep!(post "/orgs/{org}/webhooks" => create_webhook),
        ep!(post "/orgs/{org}/webhooks/{id}/disable" => disable_webhook),
        ep!(get "/assess/{org}/{token}" => assessment_view),
        ep!(post "/assess/{org}/{token}/start" => assessment_start),
        ep!(put "/assess/{org}/{token}/answer" => assessment_answer),
        ep!(post "/assess/{org}/{token}/submit" => assessment_submit),
    ]
}

#[utoipa::path(post, path = "/api/orgs", tag = "hiring", request_body = NewOrgBody, description = "Any signed-in user.", responses((status = 201, body = OrgOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs`.
pub async fn create_org(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Body(body): Body<NewOrgBody>,
) -> Result<Response, ApiError> {
    json(StatusCode::CREATED, orgs::create(&s, &u, &body).await?)
}

#[utoipa::path(get, path = "/api/orgs", tag = "hiring", description = "Any signed-in user.", responses((status = 200, body = Vec<OrgOut>), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs`.
pub async fn my_orgs(State(s): State<AppState>, ApiUser(u): ApiUser) -> Result<Response, ApiError> {
    json(StatusCode::OK, orgs::mine(&s, &u).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/members", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug")), description = "Requires `MemberManage`.", responses((status = 200, body = Vec<MemberOut>), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/members` (`MemberManage`).
pub async fn list_members(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::MemberManage, Object::None).await?;
    json(StatusCode::OK, orgs::members(&s, &ctx).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/members", tag = "hiring", security(("bearer" = [])), request_body = AddMemberBody, params(("org" = String, Path, description = "Organisation slug")), description = "Requires `MemberManage`.", responses((status = 201, body = MemberOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/members` (`MemberManage`).
pub async fn add_member(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Body(body): Body<AddMemberBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::MemberManage, Object::None).await?;
    json(
        StatusCode::CREATED,
        orgs::add_member(&s, &ctx, &body).await?,
    )
}

#[utoipa::path(put, path = "/api/orgs/{org}/members/{user}", tag = "hiring", security(("bearer" = [])), request_body = RoleBody, params(("org" = String, Path, description = "Organisation slug"), ("user" = String, Path, description = "User id")), description = "Requires `MemberManage`.", responses((status = 204, description = "Done"), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `PUT /api/orgs/{org}/members/{user}` (`MemberManage`).
pub async fn set_member_role(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, user)): Path<(String, String)>,
    Body(body): Body<RoleBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::MemberManage, Object::None).await?;
    done(orgs::set_role(&s, &ctx, &user, &body).await?)
}

#[utoipa::path(delete, path = "/api/orgs/{org}/members/{user}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("user" = String, Path, description = "User id")), description = "Requires `MemberManage`.", responses((status = 204, description = "Done"), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `DELETE /api/orgs/{org}/members/{user}` (`MemberManage`).
pub async fn remove_member(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, user)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::MemberManage, Object::None).await?;
    done(orgs::remove(&s, &ctx, &user).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/requisitions", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), requisitions::ListQuery), description = "Requires `RequisitionList`; lists only the requisitions the caller may view.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/requisitions` (`RequisitionList`, filtered by `RequisitionView`).
pub async fn list_requisitions(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Query(q): Query<requisitions::ListQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::RequisitionList, Object::None).await?;
    json(StatusCode::OK, requisitions::list(&s, &ctx, &q).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/requisitions", tag = "hiring", security(("bearer" = [])), request_body = RequisitionBody, params(("org" = String, Path, description = "Organisation slug")), description = "Requires `RequisitionCreate`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/requisitions` (`RequisitionCreate`).
pub async fn create_requisition(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Body(body): Body<RequisitionBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::RequisitionCreate, Object::None).await?;
    json(
        StatusCode::CREATED,
        requisitions::create(&s, &ctx, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/requisitions/{id}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `RequisitionView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/requisitions/{id}` (`RequisitionView`).
pub async fn get_requisition(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::RequisitionView,
        Object::Requisition(&id),
    )
    .await?;
    json(StatusCode::OK, requisitions::get(&s, &ctx, &id).await?)
}

#[utoipa::path(put, path = "/api/orgs/{org}/requisitions/{id}", tag = "hiring", security(("bearer" = [])), request_body = RequisitionBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `RequisitionEdit`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `PUT /api/orgs/{org}/requisitions/{id}` (`RequisitionEdit`).
pub async fn edit_requisition(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<RequisitionBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::RequisitionEdit,
        Object::Requisition(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        requisitions::edit(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/requisitions/{id}/close", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `RequisitionClose`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/requisitions/{id}/close` (`RequisitionClose`).
pub async fn close_requisition(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::RequisitionClose,
        Object::Requisition(&id),
    )
    .await?;
    json(StatusCode::OK, requisitions::close(&s, &ctx, &id).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/requisitions/{id}/team", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `RequisitionView`.", responses((status = 200, body = TeamOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/requisitions/{id}/team` (`RequisitionView`).
pub async fn get_team(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::RequisitionView,
        Object::Requisition(&id),
    )
    .await?;
    json(StatusCode::OK, requisitions::team(&s, &ctx, &id).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/requisitions/{id}/team", tag = "hiring", security(("bearer" = [])), request_body = TeamBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `TeamManage`.", responses((status = 200, body = TeamOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/requisitions/{id}/team` (`TeamManage`).
pub async fn add_to_team(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<TeamBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::TeamManage, Object::Requisition(&id)).await?;
    json(
        StatusCode::OK,
        requisitions::add_to_team(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(delete, path = "/api/orgs/{org}/requisitions/{id}/team/{user}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id"), ("user" = String, Path, description = "User id")), description = "Requires `TeamManage`.", responses((status = 200, body = TeamOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `DELETE /api/orgs/{org}/requisitions/{id}/team/{user}` (`TeamManage`).
pub async fn remove_from_team(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id, user)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::TeamManage, Object::Requisition(&id)).await?;
    json(
        StatusCode::OK,
        requisitions::remove_from_team(&s, &ctx, &id, &user).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/requisitions/{id}/applications", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id"), ApplicationsQuery), description = "Requires `CandidateView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/requisitions/{id}/applications` (`CandidateView`).
pub async fn list_applications(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<ApplicationsQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::CandidateView,
        Object::RequisitionTeam(&id),
    )
    .await?;
    json(StatusCode::OK, applications::list(&s, &ctx, &id, &q).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/requisitions/{id}/applications", tag = "hiring", security(("bearer" = [])), request_body = ApplyBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `CandidateCreate`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/requisitions/{id}/applications` (`CandidateCreate`).
pub async fn apply(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<ApplyBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::CandidateCreate,
        Object::Requisition(&id),
    )
    .await?;
    json(
        StatusCode::CREATED,
        applications::apply(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/requisitions/{id}/interviewer-load", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id"), WindowQuery), description = "Requires `InterviewSchedule`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/requisitions/{id}/interviewer-load` (`InterviewSchedule`).
pub async fn interviewer_load(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<WindowQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::InterviewSchedule,
        Object::Requisition(&id),
    )
    .await?;
    json(StatusCode::OK, requisitions::load(&s, &ctx, &q).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/requisitions/{id}/reports/{kind}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id"), ("kind" = String, Path, description = "`funnel`, `time_in_stage`, `time_to_decision`, `calibration`, `agreement` or `adverse_impact`"), ReportQuery), description = "Requires `ReportView`.", responses((status = 200, description = "The report as JSON, CSV or SVG"), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/requisitions/{id}/reports/{kind}` (`ReportView`).
pub async fn report(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id, kind)): Path<(String, String, String)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ReportView,
        Object::RequisitionTeam(&id),
    )
    .await?;
    rendered(records::report(&s, &ctx, &id, &kind, &q).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/candidates", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), SearchQuery), description = "Requires `CandidateView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/candidates` (`CandidateView`).
pub async fn search_candidates(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::CandidateView, Object::None).await?;
    json(StatusCode::OK, candidates::search(&s, &ctx, &q).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/candidates", tag = "hiring", security(("bearer" = [])), request_body = CandidateBody, params(("org" = String, Path, description = "Organisation slug")), description = "Requires `CandidateCreate`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/candidates` (`CandidateCreate`).
pub async fn create_candidate(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Body(body): Body<CandidateBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::CandidateCreate, Object::None).await?;
    json(
        StatusCode::CREATED,
        candidates::create(&s, &ctx, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/candidates/import", tag = "hiring", security(("bearer" = [])), request_body(content = String, content_type = "text/csv", description = "The CSV file"), params(("org" = String, Path, description = "Organisation slug")), description = "Requires `CandidateImport`.", responses((status = 201, body = ImportOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/candidates/import` (`CandidateImport`).
pub async fn import_candidates(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::CandidateImport, Object::None).await?;
    json(
        StatusCode::CREATED,
        candidates::import_csv(&s, &ctx, &bytes).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/candidates/{id}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `CandidateView`.", responses((status = 200, body = CandidateOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/candidates/{id}` (`CandidateView`).
pub async fn get_candidate(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::CandidateView, Object::Candidate(&id)).await?;
    json(StatusCode::OK, candidates::get(&s, &ctx, &id).await?)
}

#[utoipa::path(delete, path = "/api/orgs/{org}/candidates/{id}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `CandidateErase`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `DELETE /api/orgs/{org}/candidates/{id}` (`CandidateErase`).
pub async fn erase_candidate(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::CandidateErase, Object::Candidate(&id)).await?;
    json(StatusCode::OK, candidates::erase(&s, &ctx, &id).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/candidates/{id}/resumes", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ResumeView`.", responses((status = 200, body = Vec<ResumeOut>), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/candidates/{id}/resumes` (`ResumeView`).
pub async fn list_resumes(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::ResumeView, Object::Candidate(&id)).await?;
    json(StatusCode::OK, candidates::resumes(&s, &ctx, &id).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/candidates/{id}/resumes", tag = "hiring", security(("bearer" = [])), request_body = ResumeBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `CandidateCreate`.", responses((status = 201, body = ResumeOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/candidates/{id}/resumes` (`CandidateCreate`).
pub async fn upload_resume(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<ResumeBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::CandidateCreate,
        Object::Candidate(&id),
    )
    .await?;
    json(
        StatusCode::CREATED,
        candidates::upload_resume(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/candidates/{id}/export", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `CandidateExport`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/candidates/{id}/export` (`CandidateExport`).
pub async fn export_candidate(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::CandidateExport,
        Object::Candidate(&id),
    )
    .await?;
    json(StatusCode::OK, candidates::export(&s, &ctx, &id).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `CandidateView`.", responses((status = 200, body = ApplicationOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}` (`CandidateView`).
pub async fn get_application(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::CandidateView,
        Object::Application(&id),
    )
    .await?;
    json(StatusCode::OK, applications::get(&s, &ctx, &id).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}/status", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `OwnApplicationView`.", responses((status = 200, body = OwnStatusOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}/status` (`OwnApplicationView`).
pub async fn own_status(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::OwnApplicationView,
        Object::Application(&id),
    )
    .await?;
    json(StatusCode::OK, applications::own(&s, &ctx, &id).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/move", tag = "hiring", security(("bearer" = [])), request_body = MoveBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ApplicationMove`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/move` (`ApplicationMove`).
pub async fn move_application(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<MoveBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ApplicationMove,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        applications::move_stage(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/reject", tag = "hiring", security(("bearer" = [])), request_body = CloseBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ApplicationReject`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/reject` (`ApplicationReject`).
pub async fn reject_application(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    OptBody(body): OptBody<CloseBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ApplicationReject,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        applications::close(&s, &ctx, &id, ApplicationStatus::Rejected, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/withdraw", tag = "hiring", security(("bearer" = [])), request_body = CloseBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ApplicationWithdraw`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/withdraw` (`ApplicationWithdraw`).
pub async fn withdraw_application(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    OptBody(body): OptBody<CloseBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ApplicationWithdraw,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        applications::close(&s, &ctx, &id, ApplicationStatus::Withdrawn, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/hire", tag = "hiring", security(("bearer" = [])), request_body = CloseBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `DecisionDecide`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/hire` (`DecisionDecide`).
pub async fn hire_application(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    OptBody(body): OptBody<CloseBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::DecisionDecide,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        applications::close(&s, &ctx, &id, ApplicationStatus::Hired, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/assessments", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `AssessmentLinkSend`.", responses((status = 201, body = LinkOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/assessments` (`AssessmentLinkSend`).
pub async fn issue_assessment(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::AssessmentLinkSend,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::CREATED,
        assessments::issue(&s, &ctx, &id).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}/interviews", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScheduleView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}/interviews` (`ScheduleView`).
pub async fn list_interviews(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::ScheduleView, Object::Application(&id)).await?;
    json(
        StatusCode::OK,
        interviews::of_application(&s, &ctx, &id).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/interviews", tag = "hiring", security(("bearer" = [])), request_body = ScheduleBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `InterviewSchedule`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/interviews` (`InterviewSchedule`).
pub async fn schedule_interview(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<ScheduleBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::InterviewSchedule,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::CREATED,
        interviews::schedule(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}/scorecards", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScorecardViewOthers`.", responses((status = 200, body = ScorecardsOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}/scorecards` (`ScorecardViewOthers`).
pub async fn list_scorecards(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ScorecardViewOthers,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        scorecards::of_application(&s, &ctx, &id).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}/debrief", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id"), LevelQuery), description = "Requires `DebriefView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}/debrief` (`DebriefView`).
pub async fn debrief(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Query(q): Query<LevelQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::DebriefView, Object::Application(&id)).await?;
    json(StatusCode::OK, decisions::view(&s, &ctx, &id, &q).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}/decision", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `DebriefView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}/decision` (`DebriefView`).
pub async fn get_decision(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::DebriefView, Object::Application(&id)).await?;
    json(StatusCode::OK, decisions::get(&s, &ctx, &id).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/decision", tag = "hiring", security(("bearer" = [])), request_body = DecideBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `DecisionDecide`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/decision` (`DecisionDecide`).
pub async fn decide(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    OptBody(body): OptBody<DecideBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::DecisionDecide,
        Object::Application(&id),
    )
    .await?;
    json(
        StatusCode::CREATED,
        decisions::decide(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/applications/{id}/offers", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `OfferPropose`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/applications/{id}/offers` (`OfferPropose`).
pub async fn list_offers(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::OfferPropose, Object::Application(&id)).await?;
    json(
        StatusCode::OK,
        decisions::of_application(&s, &ctx, &id).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/applications/{id}/offers", tag = "hiring", security(("bearer" = [])), request_body = OfferBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `OfferPropose`.", responses((status = 201, body = OfferOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/applications/{id}/offers` (`OfferPropose`).
pub async fn propose_offer(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<OfferBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::OfferPropose, Object::Application(&id)).await?;
    json(
        StatusCode::CREATED,
        decisions::propose(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/interviews/{id}", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScheduleView`.", responses((status = 200, body = InterviewOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/interviews/{id}` (`ScheduleView`).
pub async fn get_interview(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::ScheduleView, Object::Interview(&id)).await?;
    json(StatusCode::OK, interviews::get(&s, &ctx, &id).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/interviews/{id}/reschedule", tag = "hiring", security(("bearer" = [])), request_body = RescheduleBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `InterviewReschedule`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/interviews/{id}/reschedule` (`InterviewReschedule`).
pub async fn reschedule_interview(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<RescheduleBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::InterviewReschedule,
        Object::Interview(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        interviews::reschedule(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/interviews/{id}/cancel", tag = "hiring", security(("bearer" = [])), request_body = CancelBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `InterviewCancel`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/interviews/{id}/cancel` (`InterviewCancel`).
pub async fn cancel_interview(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    OptBody(body): OptBody<CancelBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::InterviewCancel,
        Object::Interview(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        interviews::cancel(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/interviews/{id}/calendar.ics", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScheduleView`.", responses((status = 200, description = "The interview as an iCalendar file", content_type = "text/calendar"), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/interviews/{id}/calendar.ics` (`ScheduleView`).
pub async fn interview_calendar(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::ScheduleView, Object::Interview(&id)).await?;
    text(
        "text/calendar; charset=utf-8",
        interviews::calendar(&s, &ctx, &id).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/interviews/{id}/kit", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `KitView`.", responses((status = 200, body = KitOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/interviews/{id}/kit` (`KitView`).
pub async fn interview_kit(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::KitView, Object::Interview(&id)).await?;
    json(StatusCode::OK, interviews::kit(&s, &ctx, &id).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/interviews/{id}/scorecard", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScorecardSubmit`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/interviews/{id}/scorecard` (`ScorecardSubmit`).
pub async fn own_scorecard(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ScorecardSubmit,
        Object::Interview(&id),
    )
    .await?;
    json(StatusCode::OK, scorecards::own(&s, &ctx, &id).await?)
}

#[utoipa::path(put, path = "/api/orgs/{org}/interviews/{id}/scorecard", tag = "hiring", security(("bearer" = [])), request_body(content = Object, description = "`ratings` (dimension → 1–4 or `no_evidence`), `notes` (dimension → text), `recommendation`, `summary`"), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScorecardSubmit`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `PUT /api/orgs/{org}/interviews/{id}/scorecard` (`ScorecardSubmit`).
pub async fn save_scorecard(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<ScorecardInput>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ScorecardSubmit,
        Object::Interview(&id),
    )
    .await?;
    json(
        StatusCode::OK,
        scorecards::save_draft(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/interviews/{id}/scorecard/submit", tag = "hiring", security(("bearer" = [])), request_body(content = Object, description = "`ratings` (dimension → 1–4 or `no_evidence`), `notes` (dimension → text), `recommendation`, `summary`"), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `ScorecardSubmit`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/interviews/{id}/scorecard/submit` (`ScorecardSubmit`).
pub async fn submit_scorecard(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<ScorecardInput>,
) -> Result<Response, ApiError> {
    let ctx = authorize(
        &s,
        &u,
        &org,
        Action::ScorecardSubmit,
        Object::Interview(&id),
    )
    .await?;
    json(
        StatusCode::CREATED,
        scorecards::submit(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/scorecards/overdue", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug")), description = "Requires `ReportView`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/scorecards/overdue` (`ReportView`).
pub async fn overdue_scorecards(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::ReportView, Object::None).await?;
    json(StatusCode::OK, scorecards::overdue(&s, &ctx).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/offers/{id}/approve", tag = "hiring", security(("bearer" = [])), request_body = ApproveBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `OfferApprove`.", responses((status = 200, body = OfferOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/offers/{id}/approve` (`OfferApprove`).
pub async fn approve_offer(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    OptBody(body): OptBody<ApproveBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::OfferApprove, Object::Offer(&id)).await?;
    json(
        StatusCode::OK,
        decisions::approve(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/offers/{id}/status", tag = "hiring", security(("bearer" = [])), request_body = OfferStatusBody, params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `OfferPropose`.", responses((status = 200, body = OfferOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/offers/{id}/status` (`OfferPropose`).
pub async fn offer_status(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
    Body(body): Body<OfferStatusBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::OfferPropose, Object::Offer(&id)).await?;
    json(
        StatusCode::OK,
        decisions::set_status(&s, &ctx, &id, &body).await?,
    )
}

#[utoipa::path(get, path = "/api/orgs/{org}/audit", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), AuditQuery), description = "Requires `AuditView`.", responses((status = 200, body = AuditOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/audit` (`AuditView`).
pub async fn audit_log(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::AuditView, Object::None).await?;
    json(StatusCode::OK, records::audit(&s, &ctx, &q).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/audit/verify", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug")), description = "Requires `AuditVerify`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/audit/verify` (`AuditVerify`).
pub async fn verify_audit(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::AuditVerify, Object::None).await?;
    json(StatusCode::OK, records::verify(&s, &ctx).await?)
}

#[utoipa::path(get, path = "/api/orgs/{org}/webhooks", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug")), description = "Requires `WebhookManage`.", responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/orgs/{org}/webhooks` (`WebhookManage`).
pub async fn list_webhooks(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::WebhookManage, Object::None).await?;
    json(StatusCode::OK, records::webhooks(&s, &ctx).await?)
}

#[utoipa::path(post, path = "/api/orgs/{org}/webhooks", tag = "hiring", security(("bearer" = [])), request_body = WebhookBody, params(("org" = String, Path, description = "Organisation slug")), description = "Requires `WebhookManage`.", responses((status = 201, body = Object), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/webhooks` (`WebhookManage`).
pub async fn create_webhook(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(org): Path<String>,
    Body(body): Body<WebhookBody>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::WebhookManage, Object::None).await?;
    json(
        StatusCode::CREATED,
        records::create_webhook(&s, &ctx, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/orgs/{org}/webhooks/{id}/disable", tag = "hiring", security(("bearer" = [])), params(("org" = String, Path, description = "Organisation slug"), ("id" = String, Path, description = "Id")), description = "Requires `WebhookManage`.", responses((status = 204, description = "Done"), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/orgs/{org}/webhooks/{id}/disable` (`WebhookManage`).
pub async fn disable_webhook(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let ctx = authorize(&s, &u, &org, Action::WebhookManage, Object::None).await?;
    done(records::disable_webhook(&s, &ctx, &id).await?)
}

#[utoipa::path(get, path = "/api/assess/{org}/{token}", tag = "hiring", params(("org" = String, Path, description = "Organisation slug"), ("token" = String, Path, description = "The signed link token")), description = "Public: the signed link is the grant.", responses((status = 200, body = AssessmentOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `GET /api/assess/{org}/{token}`.
pub async fn assessment_view(
    State(s): State<AppState>,
    Path((org, token)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, assessments::view(&s, &org, &token).await?)
}

#[utoipa::path(post, path = "/api/assess/{org}/{token}/start", tag = "hiring", params(("org" = String, Path, description = "Organisation slug"), ("token" = String, Path, description = "The signed link token")), description = "Public: the signed link is the grant.", responses((status = 200, body = AssessmentOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/assess/{org}/{token}/start`.
pub async fn assessment_start(
    State(s): State<AppState>,
    Path((org, token)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, assessments::start(&s, &org, &token).await?)
}

#[utoipa::path(put, path = "/api/assess/{org}/{token}/answer", tag = "hiring", request_body = AnswerBody, params(("org" = String, Path, description = "Organisation slug"), ("token" = String, Path, description = "The signed link token")), description = "Public: the signed link is the grant.", responses((status = 200, body = AssessmentOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `PUT /api/assess/{org}/{token}/answer`.
pub async fn assessment_answer(
    State(s): State<AppState>,
    Path((org, token)): Path<(String, String)>,
    Body(body): Body<AnswerBody>,
) -> Result<Response, ApiError> {
    json(
        StatusCode::OK,
        assessments::save(&s, &org, &token, &body).await?,
    )
}

#[utoipa::path(post, path = "/api/assess/{org}/{token}/submit", tag = "hiring", params(("org" = String, Path, description = "Organisation slug"), ("token" = String, Path, description = "The signed link token")), description = "Public: the signed link is the grant.", responses((status = 200, body = AssessmentOut), (status = 403, body = crate::api::ErrorOut), (status = 404, body = crate::api::ErrorOut), (status = 422, body = crate::api::ErrorOut)))]
/// `POST /api/assess/{org}/{token}/submit`.
pub async fn assessment_submit(
    State(s): State<AppState>,
    Path((org, token)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    json(StatusCode::OK, assessments::submit(&s, &org, &token).await?)
}

/// The hiring part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        create_org,
        my_orgs,
        list_members,
        add_member,
        set_member_role,
        remove_member,
        list_requisitions,
        create_requisition,
        get_requisition,
        edit_requisition,
        close_requisition,
        get_team,
        add_to_team,
        remove_from_team,
        list_applications,
        apply,
        interviewer_load,
        report,
        search_candidates,
        create_candidate,
        import_candidates,
        get_candidate,
        erase_candidate,
        list_resumes,
        upload_resume,
        export_candidate,
        get_application,
        own_status,
        move_application,
        reject_application,
        withdraw_application,
        hire_application,
        issue_assessment,
        list_interviews,
        schedule_interview,
        list_scorecards,
        debrief,
        get_decision,
        decide,
        list_offers,
        propose_offer,
        get_interview,
        reschedule_interview,
        cancel_interview,
        interview_calendar,
        interview_kit,
        own_scorecard,
        save_scorecard,
        submit_scorecard,
        overdue_scorecards,
        approve_offer,
        offer_status,
        audit_log,
        verify_audit,
        list_webhooks,
        create_webhook,
        disable_webhook,
        assessment_view,
        assessment_start,
        assessment_answer,
        assessment_submit
    ),
    components(schemas(
        AddMemberBody,
        AnswerBody,
        ApplicationOut,
        ApplyBody,
        ApproveBody,
        AssessmentOut,
        AuditOut,
        CancelBody,
        CandidateBody,
        CandidateOut,
        CloseBody,
        DecideBody,
        ImportOut,
        InterviewOut,
        KitOut,
        LinkOut,
        MemberOut,
        MoveBody,
        NewOrgBody,
        OfferBody,
        OfferOut,
        OfferStatusBody,
        OrgOut,
        OwnStatusOut,
        RequisitionBody,
        RescheduleBody,
        ResumeBody,
        ResumeOut,
        RoleBody,
        ScheduleBody,
        ScorecardsOut,
        TeamBody,
        TeamOut,
        WebhookBody
    ))
)]
pub struct ApiDoc;
