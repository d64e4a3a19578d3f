//! The practice loop's operations, shared by the pages, the API and `hireloop practice` in the
//! terminal: each checks its input, runs the pure practice logic and records the result. One
//! place, so every door behaves the same.

use std::sync::Arc;

use hireloop_practice::schedule::{self, Card};
use hireloop_practice::{
    Answer, ItemFeedback, ItemKind, LoopPlan, LoopReport, PracticeError, PracticeItem,
    PracticeSetup, grade_item,
};
use hireloop_store::{
    Answer as StoredAnswer, CardRecord, Clock, LoopKind, LoopRecord, LoopStatus, Submission,
};

use crate::error::WebError;
use crate::state::AppState;

/// The longest answer accepted, in bytes (a long case answer is a few thousand words).
pub const MAX_ANSWER: usize = 100_000;
/// How many recent questions a new loop tries not to repeat.
const AVOID_RECENT: i64 = 200;

/// A loop with everything a page shows about it.
#[derive(Debug, Clone)]
pub struct LoopState {
    /// The stored loop.
    pub record: LoopRecord,
    /// Its plan.
    pub plan: Arc<LoopPlan>,
    /// The answers saved so far (drafts and submissions).
    pub answers: Vec<StoredAnswer>,
    /// The clocks of the rounds started.
    pub clocks: Vec<Clock>,
}

impl LoopState {
    /// The saved answer of an item.
    pub fn answer(&self, key: &str) -> Option<&StoredAnswer> {
        self.answers.iter().find(|a| a.item_key == key)
    }

    /// Whether an item is submitted.
    pub fn submitted(&self, key: &str) -> bool {
        self.answer(key).is_some_and(|a| a.submitted.is_some())
    }

    /// The clock of a round, if started.
    pub fn clock(&self, round_id: &str) -> Option<&Clock> {
        self.clocks.iter().find(|c| c.round_id == round_id)
    }

    /// The keys of the submitted items.
    pub fn submitted_keys(&self) -> Vec<String> {
        self.answers
            .iter()
            .filter(|a| a.submitted.is_some())
            .map(|a| a.item_key.clone())
            .collect()
    }

    /// The first item not yet submitted.
    pub fn next_item(&self) -> Option<&PracticeItem> {
        self.plan.next_unanswered(&self.submitted_keys())
    }

    /// The gradings of the submitted items, in the order of the plan.
    pub fn feedbacks(&self) -> Result<Vec<(String, ItemFeedback)>, WebError> {
        let mut out = Vec::new();
        for item in self.plan.items() {
            if let Some(json) = self.answer(&item.key).and_then(|a| a.feedback.as_deref()) {
                out.push((item.key.clone(), parse_feedback(json)?));
            }
        }
        Ok(out)
    }

    /// Whether the loop still takes answers.
    pub fn running(&self) -> bool {
        self.record.status == LoopStatus::Running
    }
}

/// Reads a stored grading.
pub fn parse_feedback(json: &str) -> Result<ItemFeedback, WebError> {
    serde_json::from_str(json).map_err(|e| WebError::internal(format!("stored feedback: {e}")))
}

fn practice_error(e: PracticeError) -> WebError {
    match e {
        PracticeError::Setup(problems) => {
            let field = problems
                .first()
                .map_or_else(|| "setup".to_owned(), |p| p.field.clone());
            let message = problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; ");
            WebError::bad(field, message)
        }
        PracticeError::Answer { .. } | PracticeError::UnknownItem { .. } => {
            WebError::bad("answer", e.to_string())
        }
        PracticeError::Story(_) => WebError::bad("story", e.to_string()),
        other => WebError::internal(other),
    }
}

/// Starts a loop for `user_id`, drawing questions the candidate has not practised lately.
pub async fn start_loop(
    state: &AppState,
    user_id: &str,
    setup: &PracticeSetup,
) -> Result<LoopState, WebError> {
    let content = state.content();
    setup.check(content).map_err(practice_error)?;
    let avoid: Vec<String> = state
        .store()
        .history(user_id, AVOID_RECENT)
        .await?
        .into_iter()
        .map(|a| a.question_id)
        .collect();
    let plan = LoopPlan::build(content, setup, &avoid).map_err(practice_error)?;
    let setup_json = serde_json::to_string(setup).map_err(WebError::internal)?;
    let plan_json = serde_json::to_string(&plan).map_err(WebError::internal)?;
    let record = state
        .store()
        .create_loop(
            user_id,
            LoopKind::Loop,
            &setup_json,
            &plan_json,
            state.now_ms(),
        )
        .await?;
    tracing::info!(user = %user_id, loop_id = %record.id, "loop started");
    let plan = Arc::new(plan);
    state.remember_plan(&record.id, plan.clone());
    Ok(LoopState {
        record,
        plan,
        answers: Vec::new(),
        clocks: Vec::new(),
    })
}

/// The parsed plan of a stored loop. Plans never change once drawn, so each process keeps the
/// parsed ones it has seen (every process parses the same stored text to the same plan).
fn plan_of(state: &AppState, record: &LoopRecord) -> Result<Arc<LoopPlan>, WebError> {
    if let Some(plan) = state.cached_plan(&record.id) {
        return Ok(plan);
    }
    let plan: Arc<LoopPlan> = Arc::new(
        serde_json::from_str(&record.plan)
            .map_err(|e| WebError::internal(format!("stored plan of {}: {e}", record.id)))?,
    );
    state.remember_plan(&record.id, plan.clone());
    Ok(plan)
}

/// A loop of the user's with its answers and clocks.
pub async fn load_loop(
    state: &AppState,
    user_id: &str,
    loop_id: &str,
) -> Result<LoopState, WebError> {
    let record = state.store().loop_of(user_id, loop_id).await?;
    let plan = plan_of(state, &record)?;
    let answers = state.store().answers(user_id, loop_id).await?;
    let clocks = state.store().clocks(user_id, loop_id).await?;
    Ok(LoopState {
        record,
        plan,
        answers,
        clocks,
    })
}

/// Opens a round: starts its clock the first time, returns the running clock afterwards.
pub async fn open_round(
    state: &AppState,
    user_id: &str,
    loop_state: &LoopState,
    round_id: &str,
) -> Result<Clock, WebError> {
    let round = loop_state
        .plan
        .rounds
        .iter()
        .find(|r| r.round_id == round_id)
        .ok_or(WebError::NotFound("round"))?;
    if let Some(clock) = loop_state.clock(round_id) {
        return Ok(clock.clone());
    }
    if !loop_state.running() {
        return Err(WebError::Conflict("the loop is finished".to_owned()));
    }
    let duration_ms = i64::from(round.duration_minutes) * 60_000;
    Ok(state
        .store()
        .start_round(
            user_id,
            &loop_state.record.id,
            round_id,
            state.now_ms(),
            duration_ms,
        )
        .await?)
}

fn item_of<'p>(plan: &'p LoopPlan, key: &str) -> Result<&'p PracticeItem, WebError> {
    plan.item(key).ok_or(WebError::NotFound("question"))
}

fn question_and_family(item: &PracticeItem) -> (String, String) {
    match item.kind {
        ItemKind::Resume => ("resume".to_owned(), "resume".to_owned()),
        _ => (
            item.question.clone().unwrap_or_default(),
            item.family.clone().unwrap_or_default(),
        ),
    }
}

fn check_length(text: &str) -> Result<(), WebError> {
    if text.len() > MAX_ANSWER {
        return Err(WebError::bad(
            "answer",
            format!(
                "an answer may hold at most {MAX_ANSWER} bytes (this one has {})",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// Autosaves a draft: once this returns, the draft survives a crash or a restart.
pub async fn save_draft(
    state: &AppState,
    user_id: &str,
    loop_id: &str,
    item_key: &str,
    text: &str,
) -> Result<hireloop_store::DraftSaved, WebError> {
    check_length(text)?;
    let record = state.store().loop_of(user_id, loop_id).await?;
    let plan = plan_of(state, &record)?;
    let item = item_of(&plan, item_key)?;
    let (question, family) = question_and_family(item);
    Ok(state
        .store()
        .save_draft(
            user_id,
            loop_id,
            item_key,
            &question,
            &family,
            text,
            state.now_ms(),
        )
        .await?)
}

/// What the candidate submits for an item.
#[derive(Debug, Clone)]
pub struct SubmitInput {
    /// The written answer (free text, a number, a resume's text).
    pub text: Option<String>,
    /// The option chosen (multiple choice), zero-based.
    pub choice: Option<usize>,
    /// The candidate's own rating of the answer, 1–4.
    pub self_rating: Option<i64>,
}

/// A recorded grading.
#[derive(Debug, Clone)]
pub struct Graded {
    /// The grading.
    pub feedback: ItemFeedback,
    /// The grading as stored (JSON), for answers that send it on as it is.
    pub json: String,
    /// False when the item had been submitted before: the first grading is returned.
    pub first: bool,
}

impl Graded {
    /// A grading read back from the store.
    fn stored(json: String) -> Result<Graded, WebError> {
        Ok(Graded {
            feedback: parse_feedback(&json)?,
            json,
            first: false,
        })
    }
}

/// Grades and records an answer, and schedules the question's family for review. Submitting an
/// item twice returns the first grading unchanged.
pub async fn submit(
    state: &AppState,
    user_id: &str,
    loop_id: &str,
    item_key: &str,
    input: &SubmitInput,
) -> Result<Graded, WebError> {
    let plan = match state.cached_plan(loop_id) {
        Some(plan) => plan,
        None => plan_of(state, &state.store().loop_of(user_id, loop_id).await?)?,
    };
    let item = item_of(&plan, item_key)?;
    let (question, family) = question_and_family(item);
    let round_id = plan
        .round_of(item_key)
        .map(|r| r.round_id.as_str())
        .unwrap_or_default();
    let subject = match item.kind {
        ItemKind::Resume => String::new(),
        _ => schedule::family_subject(&family),
    };
    // One read: whether the loop runs, the item's answer, its round's clock, its family's card.
    // The plan comes from the cache; the query still checks the loop is this user's.
    let context = state
        .store()
        .item_context(user_id, loop_id, item_key, round_id, &subject)
        .await?;
    if let Some(json) = context.answer.and_then(|a| a.feedback) {
        return Graded::stored(json);
    }
    if context.status != LoopStatus::Running {
        return Err(WebError::Conflict(
            "the loop is finished; its answers are final".to_owned(),
        ));
    }
    if let Some(r) = input.self_rating
        && !(1..=4).contains(&r)
    {
        return Err(WebError::bad("self_rating", "rate your answer from 1 to 4"));
    }
    let (answer, shown) = match (item.kind, input.choice, input.text.as_deref()) {
        (ItemKind::Keyed, Some(i), _) if !item.options.is_empty() => {
            let label = item.options.get(i).ok_or_else(|| {
                WebError::bad(
                    "choice",
                    format!("choose one of the {} options", item.options.len()),
                )
            })?;
            (Answer::Choice(i), format!("{}. {label}", option_letter(i)))
        }
        (_, _, Some(text)) if !text.trim().is_empty() => {
            check_length(text)?;
            (Answer::Text(text.to_owned()), text.to_owned())
        }
        (ItemKind::Keyed, _, _) if !item.options.is_empty() => {
            return Err(WebError::bad("choice", "choose an option"));
        }
        _ => return Err(WebError::bad("answer", "write an answer before submitting")),
    };
    // A slot covers the grading, the CPU work of a submission; waiting too long for one answers
    // "busy, retry". The read before it is not held in a slot: a slot held across a round trip
    // to the database would leave a core idle while answers queue for it.
    let slot = state.grading_slot().await?;
    let now = state.now_ms();
    let graded = grade_item(
        state.coach(),
        state.content(),
        &plan,
        item_key,
        &answer,
        now,
    );
    drop(slot);
    let mut feedback = graded.map_err(practice_error)?;
    if let Some(clock) = &context.clock {
        feedback.elapsed_ms = u64::try_from(now - clock.started_ms).ok();
    }
    let feedback_json = serde_json::to_string(&feedback).map_err(WebError::internal)?;
    // The family's review card is written in the same commit as the answer.
    let card = if subject.is_empty() {
        None
    } else {
        Some(next_card(
            state,
            context.card.as_ref(),
            &subject,
            feedback.overall,
        )?)
    };
    let (stored, fresh) = state
        .store()
        .submit_answer(
            user_id,
            loop_id,
            item_key,
            &Submission {
                question_id: &question,
                family: &family,
                text: &shown,
                overall: feedback.overall,
                feedback: &feedback_json,
                self_rating: input.self_rating,
            },
            card.as_ref(),
            now,
        )
        .await?;
    if !fresh {
        // Another request (a second tab, a retry) submitted first: its grading stands.
        if let Some(json) = stored.feedback {
            return Graded::stored(json);
        }
    }
    Ok(Graded {
        feedback,
        json: feedback_json,
        first: true,
    })
}

/// The review card of `subject` after a review graded by a 0–4 score, ready to store.
fn next_card(
    state: &AppState,
    previous: Option<&CardRecord>,
    subject: &str,
    score: f64,
) -> Result<CardRecord, WebError> {
    let previous = previous.and_then(|record| serde_json::from_str::<Card>(&record.card).ok());
    let card = schedule::review(
        previous.as_ref(),
        subject,
        schedule::grade_from_score(score),
        state.now_ms(),
    );
    Ok(CardRecord {
        subject: subject.to_owned(),
        card: serde_json::to_string(&card).map_err(WebError::internal)?,
        due_ms: card.due_ms,
    })
}

/// The user's review cards, soonest due first (as the store orders them).
pub async fn review_cards(state: &AppState, user_id: &str) -> Result<Vec<Card>, WebError> {
    Ok(state
        .store()
        .cards(user_id)
        .await?
        .iter()
        .filter_map(|c| serde_json::from_str(&c.card).ok())
        .collect())
}

/// Records a review of `subject` graded by a 0–4 score in the spaced-repetition schedule.
pub async fn review_subject(
    state: &AppState,
    user_id: &str,
    subject: &str,
    score: f64,
) -> Result<Card, WebError> {
    let previous = state.store().card(user_id, subject).await?;
    let record = next_card(state, previous.as_ref(), subject, score)?;
    state.store().put_card(user_id, &record).await?;
    serde_json::from_str(&record.card).map_err(WebError::internal)
}

/// The report of a loop: final once finished, partial while running.
pub fn report(state: &AppState, loop_state: &LoopState) -> Result<LoopReport, WebError> {
    if let Some(json) = loop_state.record.report.as_deref() {
        return serde_json::from_str(json)
            .map_err(|e| WebError::internal(format!("stored report: {e}")));
    }
    let feedbacks = loop_state.feedbacks()?;
    LoopReport::partial(state.content(), &loop_state.plan, &feedbacks).map_err(practice_error)
}

/// Ends a loop: the final report, decided by the engine with every gate, is stored and returned.
/// Finishing a finished loop returns its report.
pub async fn finish(
    state: &AppState,
    user_id: &str,
    loop_id: &str,
) -> Result<LoopReport, WebError> {
    let loop_state = load_loop(state, user_id, loop_id).await?;
    if !loop_state.running() {
        return report(state, &loop_state);
    }
    let feedbacks = loop_state.feedbacks()?;
    let report = LoopReport::compute(state.content(), &loop_state.plan, &feedbacks)
        .map_err(practice_error)?;
    let json = serde_json::to_string(&report).map_err(WebError::internal)?;
    let record = state
        .store()
        .finish_loop(user_id, loop_id, &json, state.now_ms())
        .await?;
    // A concurrent finish may have stored its report first: show the one that was kept.
    match record.report.as_deref() {
        Some(kept) if kept != json => serde_json::from_str(kept).map_err(WebError::internal),
        _ => Ok(report),
    }
}

/// `A`, `B`, … for option `i`.
pub fn option_letter(i: usize) -> char {
    u8::try_from(i)
        .ok()
        .filter(|i| *i < 26)
        .map_or('?', |i| char::from(b'A' + i))
}
