//! The preparation checklist: the content's items by section, each ticked off with a one-button
//! form. Without scripts the form posts and comes back to the page; with htmx only the item and
//! the progress bars change.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hireloop_practice::checklist::{self, ChecklistEntry, ChecklistProgress, ChecklistSection};
use serde::Deserialize;

use super::progress::family_name;
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// How many past answers are counted towards the items' targets.
const HISTORY_LIMIT: i64 = 2_000;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/checklist", get(page))
        .route("/checklist/{item}", post(toggle))
}

/// One item as shown.
struct ItemView {
    id: String,
    text: String,
    done: bool,
    target: u32,
    families: Vec<String>,
    /// Answers given so far in the item's families.
    practised: usize,
}

/// A section's progress as shown.
struct MeterView {
    id: String,
    label: String,
    done: usize,
    total: usize,
    percent: usize,
}

struct SectionView {
    meter: MeterView,
    items: Vec<ItemView>,
}

#[derive(Template)]
#[template(path = "checklist.html")]
struct ChecklistPage {
    chrome: Chrome,
    title: String,
    overall: MeterView,
    sections: Vec<SectionView>,
}

/// What htmx swaps after a toggle: the item, and (out of band) its section's bar and the total.
#[derive(Template)]
#[template(path = "checklist_swap.html")]
struct ItemSwap {
    chrome: Chrome,
    item: ItemView,
    oob: Vec<MeterView>,
}

/// The label of a checklist category.
fn category_label(category: &str) -> String {
    match category {
        "kpis" => "KPIs".to_owned(),
        other => {
            let mut chars = other.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase()
                    .chain(chars)
                    .collect::<String>()
                    .replace(['-', '_'], " ")
            })
        }
    }
}

fn percent(done: usize, total: usize) -> usize {
    (done * 100).checked_div(total).unwrap_or(0)
}

fn section_meter(s: &ChecklistSection) -> MeterView {
    MeterView {
        id: format!("section-{}", s.category),
        label: category_label(&s.category),
        done: s.done,
        total: s.total,
        percent: percent(s.done, s.total),
    }
}

fn overall_meter(p: &ChecklistProgress) -> MeterView {
    MeterView {
        id: "overall".to_owned(),
        label: "Overall".to_owned(),
        done: p.done,
        total: p.total,
        percent: percent(p.done, p.total),
    }
}

fn item_view(
    state: &AppState,
    e: &ChecklistEntry,
    practised: &BTreeMap<String, usize>,
) -> ItemView {
    ItemView {
        id: e.id.clone(),
        text: e.text.clone(),
        done: e.done,
        target: e.target,
        families: e.families.iter().map(|f| family_name(state, f)).collect(),
        practised: e
            .families
            .iter()
            .map(|f| practised.get(f).copied().unwrap_or(0))
            .sum(),
    }
}

/// The user's checklist progress and answers per family.
async fn load(
    state: &AppState,
    user_id: &str,
) -> Result<(ChecklistProgress, BTreeMap<String, usize>), WebError> {
    let done: Vec<String> = state
        .store()
        .checklist_done(user_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut practised: BTreeMap<String, usize> = BTreeMap::new();
    for a in state.store().history(user_id, HISTORY_LIMIT).await? {
        *practised.entry(a.family).or_default() += 1;
    }
    Ok((checklist::progress(state.content(), &done), practised))
}

async fn page(State(state): State<AppState>, user: SignedIn) -> Result<Html<String>, WebError> {
    let (progress, practised) = load(&state, &user.user().id).await?;
    render(&ChecklistPage {
        chrome: Chrome::signed_in(&user, "checklist"),
        title: "Preparation checklist".to_owned(),
        overall: overall_meter(&progress),
        sections: progress
            .sections
            .iter()
            .map(|s| SectionView {
                meter: section_meter(s),
                items: s
                    .items
                    .iter()
                    .map(|e| item_view(&state, e, &practised))
                    .collect(),
            })
            .collect(),
    })
}

/// The toggle form: `done` is the state wanted (`1` or `0`); without it the item flips.
#[derive(Debug, Deserialize)]
struct ToggleForm {
    #[serde(default)]
    done: Option<String>,
}

async fn toggle(
    State(state): State<AppState>,
    user: SignedIn,
    headers: HeaderMap,
    Path(item): Path<String>,
    Form(form): Form<ToggleForm>,
) -> Result<Response, WebError> {
    let uid = &user.user().id;
    if !state.content().checklist.iter().any(|i| i.id == item) {
        return Err(WebError::NotFound("checklist item"));
    }
    let done = match form.done.as_deref().map(str::trim) {
        Some("1" | "true" | "on") => true,
        Some("0" | "false" | "off") => false,
        Some(other) => {
            return Err(WebError::bad(
                "done",
                format!("`{other}` is not 1 (done) or 0 (not done)"),
            ));
        }
        None => !state
            .store()
            .checklist_done(uid)
            .await?
            .iter()
            .any(|(id, _)| *id == item),
    };
    state
        .store()
        .set_checklist_item(uid, &item, done, state.now_ms())
        .await?;
    if !headers.contains_key("hx-request") {
        return Ok(Redirect::to(&format!("/checklist#item-{item}")).into_response());
    }
    let (progress, practised) = load(&state, uid).await?;
    let Some((section, entry)) = progress
        .sections
        .iter()
        .find_map(|s| s.items.iter().find(|e| e.id == item).map(|e| (s, e)))
    else {
        return Err(WebError::NotFound("checklist item"));
    };
    Ok(render(&ItemSwap {
        chrome: Chrome::signed_in(&user, "checklist"),
        item: item_view(&state, entry, &practised),
        oob: vec![section_meter(section), overall_meter(&progress)],
    })?
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_read_as_titles() {
        assert_eq!(category_label("research"), "Research");
        assert_eq!(category_label("kpis"), "KPIs");
        assert_eq!(category_label("deep-dive"), "Deep dive");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
    }
}
