//! The loop in the terminal: round by round, item by item, with the round clocks, autosaved
//! drafts and feedback of the web app, through the same service calls.

use anyhow::{Result, anyhow};
use hireloop_practice::{ItemKind, PracticeItem};
use hireloop_web::WebError;
use hireloop_web::service::{self, LoopState, SubmitInput, option_letter};

use super::term::Input;
use super::{Ctx, ReportFormat, print_report, render, web};
use crate::input::{emit, emit_err};
use crate::text::wrap;

/// How an item was left.
enum Step {
    /// Submitted and graded.
    Submitted,
    /// Left for later.
    Skipped,
    /// The candidate stopped (a command, or the end of the input).
    Stop,
}

/// What to do once every item was answered or skipped.
enum End {
    /// Go back to the skipped items.
    Again,
    /// Finish the loop and print the report.
    Finish,
    /// Stop here; the loop keeps running.
    Stop,
}

/// One sitting at the terminal.
pub(crate) struct Session<'a> {
    ctx: &'a Ctx,
    input: &'a mut Input,
    format: ReportFormat,
}

/// A command typed on a line of its own.
fn command(line: &str) -> Option<&'static str> {
    [":skip", ":save", ":quit", ":clear", ":help"]
        .into_iter()
        .find(|c| line.trim().eq_ignore_ascii_case(c))
}

/// The option a line picks: its letter (`b`, `B.`, `B)`) or its text.
fn choice_of(line: &str, options: &[String]) -> Option<usize> {
    let t = line.trim();
    let letter = t.trim_end_matches(['.', ')']);
    let mut chars = letter.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_ascii_alphabetic()
    {
        let i = usize::from(c.to_ascii_uppercase() as u8 - b'A');
        if i < options.len() {
            return Some(i);
        }
    }
    options
        .iter()
        .position(|o| !t.is_empty() && o.trim().eq_ignore_ascii_case(t))
}

impl<'a> Session<'a> {
    pub(crate) fn new(ctx: &'a Ctx, input: &'a mut Input, format: ReportFormat) -> Session<'a> {
        Session { ctx, input, format }
    }

    /// Runs the loop from its first unanswered item to the report, or until the candidate stops.
    pub(crate) fn run(mut self, mut ls: LoopState) -> Result<()> {
        if !ls.running() {
            emit(&format!(
                "Loop {} is finished; its answers are final. Its report:\n",
                ls.record.id
            ))?;
            let report = service::report(&self.ctx.state, &ls).map_err(web)?;
            return print_report(&report, self.format);
        }
        emit(&render::loop_header(&ls))?;
        let mut skipped: Vec<String> = Vec::new();
        let mut shown_round: Option<String> = None;
        loop {
            let next = ls
                .plan
                .items()
                .find(|i| !ls.submitted(&i.key) && !skipped.contains(&i.key))
                .cloned();
            let Some(item) = next else {
                match self.at_end(&ls)? {
                    End::Again => {
                        skipped.clear();
                        shown_round = None;
                        continue;
                    }
                    End::Finish => return self.finish(&ls),
                    End::Stop => return self.stopped(&ls),
                }
            };
            let round =
                ls.plan.round_of(&item.key).cloned().ok_or_else(|| {
                    anyhow!("item `{}` belongs to no round of the loop", item.key)
                })?;
            if shown_round.as_deref() != Some(round.round_id.as_str()) {
                emit(&render::round_header(&ls, &round))?;
                shown_round = Some(round.round_id.clone());
            }
            // Opening the round starts its clock once, for every door: the web app shows the same.
            let fresh = ls.clock(&round.round_id).is_none();
            let clock = self
                .ctx
                .block(service::open_round(
                    &self.ctx.state,
                    &self.ctx.user.id,
                    &ls,
                    &round.round_id,
                ))
                .map_err(web)?;
            emit(&render::clock_line(&clock, self.ctx.state.now_ms(), fresh))?;
            emit(&render::item(&ls, &item))?;
            let step = match item.kind {
                ItemKind::Keyed if !item.options.is_empty() => self.ask_choice(&ls, &item)?,
                ItemKind::Keyed => self.ask_number(&ls, &item)?,
                ItemKind::Open | ItemKind::Resume => self.ask_text(&ls, &item)?,
            };
            match step {
                Step::Submitted => {}
                Step::Skipped => skipped.push(item.key.clone()),
                Step::Stop => return self.stopped(&ls),
            }
            ls = self.ctx.load(&ls.record.id)?;
            if !ls.running() {
                emit("\nThis loop was finished elsewhere (in the web app?). Its report:\n")?;
                let report = service::report(&self.ctx.state, &ls).map_err(web)?;
                return print_report(&report, self.format);
            }
        }
    }

    /// Saves a draft of the item.
    fn save(&self, ls: &LoopState, key: &str, text: &str) -> Result<()> {
        self.ctx
            .block(service::save_draft(
                &self.ctx.state,
                &self.ctx.user.id,
                &ls.record.id,
                key,
                text,
            ))
            .map(|_| ())
            .map_err(|e| web(e).context("the draft could not be saved"))
    }

    /// Submits an answer and prints its feedback; `Ok(Err(message))` when the answer was refused
    /// and may be corrected.
    fn submit(
        &self,
        ls: &LoopState,
        item: &PracticeItem,
        input: &SubmitInput,
    ) -> Result<Result<(), String>> {
        let submitted = self.ctx.block(service::submit(
            &self.ctx.state,
            &self.ctx.user.id,
            &ls.record.id,
            &item.key,
            input,
        ));
        match submitted {
            Ok(graded) => {
                emit(&render::feedback(
                    self.ctx.content(),
                    item,
                    &graded.feedback,
                    graded.first,
                ))?;
                Ok(Ok(()))
            }
            Err(WebError::BadInput { message, .. }) => Ok(Err(message)),
            Err(e) => Err(web(e)),
        }
    }

    /// A written answer (free text or a resume), read until a line holding only `.`.
    fn ask_text(&mut self, ls: &LoopState, item: &PracticeItem) -> Result<Step> {
        let key = item.key.as_str();
        // What the database holds when the item is shown, and now.
        let before = ls
            .answer(key)
            .map(|a| a.draft.trim_end().to_owned())
            .unwrap_or_default();
        let mut saved = before.clone();
        let mut text = before.clone();
        if !before.trim().is_empty() {
            let when = ls
                .answer(key)
                .and_then(|a| a.draft_saved_ms)
                .map(|ms| format!(", saved {}", render::utc(ms)))
                .unwrap_or_default();
            let mut o = format!(
                "\nYour draft ({} words{when}):\n",
                before.split_whitespace().count()
            );
            for line in before.lines() {
                o.push_str("  │ ");
                o.push_str(line);
                o.push('\n');
            }
            o.push_str(&wrap(
                "What you type is added to it; a line holding only `.` submits it as it is; :clear starts over.",
                render::COLS,
                "",
            ));
            emit(&o)?;
        }
        emit("Your answer (end with a line holding only `.`):\n")?;
        loop {
            let Some(line) = self.input.line()? else {
                let kept = self.keep(ls, key, &text, &mut saved)?;
                if kept {
                    emit("\nEnd of input: what you wrote is saved as a draft.\n")?;
                }
                return Ok(Step::Stop);
            };
            if line.trim() == "." {
                if text.trim().is_empty() {
                    emit(
                        "Nothing to submit yet: write your answer first, or :skip to leave it for later.\n",
                    )?;
                    continue;
                }
                // The draft is saved before grading: a failure below loses nothing.
                self.keep(ls, key, &text, &mut saved)?;
                let Some(self_rating) = self.self_rating()? else {
                    emit("\nEnd of input: your answer is saved as a draft, not submitted.\n")?;
                    return Ok(Step::Stop);
                };
                let input = SubmitInput {
                    text: Some(text.trim_end().to_owned()),
                    choice: None,
                    self_rating,
                };
                match self.submit(ls, item, &input)? {
                    Ok(()) => return Ok(Step::Submitted),
                    Err(message) => {
                        emit(&wrap(&message, render::COLS, "✗ "))?;
                        emit(
                            "Add to your answer and end with `.` again, or :clear to start over.\n",
                        )?;
                        continue;
                    }
                }
            }
            match command(&line) {
                Some(":skip") => {
                    self.keep(ls, key, &text, &mut saved)?;
                    emit("Left for later.\n")?;
                    return Ok(Step::Skipped);
                }
                Some(":save") => {
                    if self.keep(ls, key, &text, &mut saved)? || !text.trim().is_empty() {
                        emit("Draft saved.\n")?;
                    }
                    return Ok(Step::Stop);
                }
                Some(":quit") => {
                    if text.trim_end() != before {
                        emit("Keep what you wrote for this question as a draft? [Y/n] ")?;
                        let discard = self.input.line()?.is_some_and(|a| {
                            matches!(a.trim().to_lowercase().as_str(), "n" | "no")
                        });
                        if discard {
                            if saved != before {
                                self.save(ls, key, &before)?;
                            }
                        } else {
                            self.keep(ls, key, &text, &mut saved)?;
                        }
                    }
                    return Ok(Step::Stop);
                }
                Some(":clear") => {
                    text.clear();
                    self.keep(ls, key, &text, &mut saved)?;
                    emit("Cleared: start your answer again.\n")?;
                }
                Some(_) => emit(&render::help())?,
                None => {
                    if !(text.is_empty() && line.trim().is_empty()) {
                        if !text.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(&line);
                    }
                    // A finished paragraph is saved: a closed terminal loses at most a paragraph.
                    if line.trim().is_empty()
                        && let Err(e) = self.keep(ls, key, &text, &mut saved)
                    {
                        emit_err(&format!("warning: {e:#}; still writing it here\n"))?;
                    }
                }
            }
        }
    }

    /// Saves `text` as the item's draft when it differs from what is saved; true when it saved.
    fn keep(&self, ls: &LoopState, key: &str, text: &str, saved: &mut String) -> Result<bool> {
        let text = text.trim_end();
        if text == saved.as_str() {
            return Ok(false);
        }
        self.save(ls, key, text)?;
        text.clone_into(saved);
        Ok(true)
    }

    /// The candidate's own rating, 1–4; `Some(None)` when skipped, `None` at the end of input.
    fn self_rating(&mut self) -> Result<Option<Option<i64>>> {
        loop {
            emit("How would you rate this answer 1-4? (Enter to skip) ")?;
            let Some(line) = self.input.line()? else {
                return Ok(None);
            };
            match line.trim() {
                "" => return Ok(Some(None)),
                t => match t.parse::<i64>() {
                    Ok(r) if (1..=4).contains(&r) => return Ok(Some(Some(r))),
                    _ => emit("Type 1 (weak), 2, 3 or 4 (strong), or press Enter to skip.\n")?,
                },
            }
        }
    }

    /// A multiple-choice item, answered with a letter.
    fn ask_choice(&mut self, ls: &LoopState, item: &PracticeItem) -> Result<Step> {
        let last = option_letter(item.options.len().saturating_sub(1));
        let saved = ls
            .answer(&item.key)
            .and_then(|a| choice_of(&a.draft, &item.options));
        if let Some(c) = saved {
            emit(&format!(
                "Your saved choice: {}. Press Enter to submit it.\n",
                option_letter(c)
            ))?;
        }
        loop {
            emit(&format!("Your choice (A-{last}): "))?;
            let Some(line) = self.input.line()? else {
                return Ok(Step::Stop);
            };
            let choice = match (command(&line), line.trim()) {
                (Some(":skip"), _) => {
                    emit("Left for later.\n")?;
                    return Ok(Step::Skipped);
                }
                (Some(":save" | ":quit"), _) => return Ok(Step::Stop),
                (Some(":clear"), _) => continue,
                (Some(_), _) => {
                    emit(&render::help())?;
                    continue;
                }
                (None, "") => match saved {
                    Some(c) => c,
                    None => {
                        emit(&format!("Type a letter from A to {last}, or :skip.\n"))?;
                        continue;
                    }
                },
                (None, t) => match choice_of(t, &item.options) {
                    Some(c) => c,
                    None => {
                        emit(&format!(
                            "“{t}” is not one of the options: type a letter from A to {last}.\n"
                        ))?;
                        continue;
                    }
                },
            };
            let input = SubmitInput {
                text: None,
                choice: Some(choice),
                self_rating: None,
            };
            match self.submit(ls, item, &input)? {
                Ok(()) => return Ok(Step::Submitted),
                Err(message) => emit(&wrap(&message, render::COLS, "✗ "))?,
            }
        }
    }

    /// An item answered with a number, on one line.
    fn ask_number(&mut self, ls: &LoopState, item: &PracticeItem) -> Result<Step> {
        let unit = item
            .unit
            .as_deref()
            .map(|u| format!(", in {u}"))
            .unwrap_or_default();
        let saved = ls
            .answer(&item.key)
            .map(|a| a.draft.trim().to_owned())
            .filter(|d| !d.is_empty());
        if let Some(d) = &saved {
            emit(&format!(
                "Your saved answer: {d}. Press Enter to submit it.\n"
            ))?;
        }
        loop {
            emit(&format!("Your answer (a number{unit}): "))?;
            let Some(line) = self.input.line()? else {
                return Ok(Step::Stop);
            };
            let text = match (command(&line), line.trim()) {
                (Some(":skip"), _) => {
                    emit("Left for later.\n")?;
                    return Ok(Step::Skipped);
                }
                (Some(":save" | ":quit"), _) => return Ok(Step::Stop),
                (Some(":clear"), _) => continue,
                (Some(_), _) => {
                    emit(&render::help())?;
                    continue;
                }
                (None, "") => match &saved {
                    Some(d) => d.clone(),
                    None => {
                        emit("Type a number, or :skip.\n")?;
                        continue;
                    }
                },
                (None, t) => t.to_owned(),
            };
            let input = SubmitInput {
                text: Some(text),
                choice: None,
                self_rating: None,
            };
            match self.submit(ls, item, &input)? {
                Ok(()) => return Ok(Step::Submitted),
                Err(message) => emit(&wrap(&message, render::COLS, "✗ "))?,
            }
        }
    }

    /// Every item is answered or skipped: go back, finish, or stop.
    fn at_end(&mut self, ls: &LoopState) -> Result<End> {
        let left: Vec<&PracticeItem> = ls.plan.items().filter(|i| !ls.submitted(&i.key)).collect();
        if left.is_empty() {
            emit("\nEvery item is answered: the loop is finished.\n")?;
            return Ok(End::Finish);
        }
        let titles: Vec<&str> = left.iter().map(|i| i.title.as_str()).collect();
        emit(&wrap(
            &format!(
                "You left {} item(s) for later: {}.",
                left.len(),
                titles.join("; ")
            ),
            render::COLS,
            "\n",
        ))?;
        loop {
            emit(
                "Answer them now [a], finish the loop without them [f] (they count as unanswered), or stop here and continue later [Enter]: ",
            )?;
            let Some(line) = self.input.line()? else {
                return Ok(End::Stop);
            };
            match line.trim().to_lowercase().as_str() {
                "a" => return Ok(End::Again),
                "f" => return Ok(End::Finish),
                "" => return Ok(End::Stop),
                _ => emit("Type a or f, or press Enter.\n")?,
            }
        }
    }

    /// Finishes the loop and prints its report.
    fn finish(&mut self, ls: &LoopState) -> Result<()> {
        let report = self
            .ctx
            .block(service::finish(
                &self.ctx.state,
                &self.ctx.user.id,
                &ls.record.id,
            ))
            .map_err(web)?;
        print_report(&report, self.format)?;
        if self.format == ReportFormat::Text {
            emit(&format!(
                "\nKeep the report: `{} --report {} --format markdown > report.md`\n",
                self.ctx.again, ls.record.id
            ))?;
        }
        Ok(())
    }

    /// The candidate stopped: where to continue.
    fn stopped(&self, ls: &LoopState) -> Result<()> {
        emit(&format!(
            "\nStopped. Your answers and drafts are saved. Continue here with\n  {}\nor in the web app.\n",
            self.ctx.continue_with(&ls.record.id)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_by_letter_or_text() {
        let options = ["Yes".to_owned(), "No".to_owned(), "It depends".to_owned()];
        assert_eq!(choice_of("b", &options), Some(1));
        assert_eq!(choice_of(" C. ", &options), Some(2));
        assert_eq!(choice_of("A)", &options), Some(0));
        assert_eq!(choice_of("d", &options), None);
        assert_eq!(choice_of("it depends", &options), Some(2));
        assert_eq!(choice_of("", &options), None);
        assert_eq!(choice_of("maybe", &options), None);
        let letters = ["P".to_owned(), "Q".to_owned()];
        assert_eq!(choice_of("b", &letters), Some(1));
        assert_eq!(choice_of("p", &letters), Some(0));
    }

    #[test]
    fn commands_are_whole_lines() {
        assert_eq!(command(" :SKIP "), Some(":skip"));
        assert_eq!(command(":skip it"), None);
        assert_eq!(command("."), None);
    }
}
