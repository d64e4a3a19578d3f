//! Submissions written many to a statement.
//!
//! A submission is an upsert of its answer and, when fresh, an upsert of its family's review
//! card. One by one, that is two statements per submission, each a round trip to the
//! database's thread, all of them inside the writer every write waits for. Here a batch's
//! submissions go in with one `INSERT … SELECT … FROM (VALUES …)` for the answers and one
//! multi-row upsert for the cards (per [`MAX_ROWS`] rows), so the writer's time per submission
//! is the database's work and little else.
//!
//! Statement texts come in a few sizes only (powers of two, padded with rows that match no loop
//! or carry no card) so each connection prepares each once and keeps it; on SQLite the
//! placeholders are positional (`?`), since looking up a numbered one (`$7`) scans the list of
//! them, and with a thousand in a statement that showed as a tenth of the writer's time.
//!
//! Two rules keep the statements valid on both backends, since PostgreSQL refuses to upsert one
//! row twice in a statement: submissions of the same item go in separate rounds, in their order
//! (the second finds the first's and records nothing, as it would have one by one); and of the
//! cards of one user's family, the last written wins, as it would have one by one.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::Submit;
use crate::Backend;
use crate::practice::Answer;
use crate::progress::CardRecord;

/// Most rows in one statement: 128 answers bind 1,280 parameters, well inside both backends'
/// limits, and the statement text stays a few kilobytes.
const MAX_ROWS: usize = 128;

/// The columns a submission binds per row, in the order of [`bind_submission`].
const SUBMIT_PARAMS: usize = 10;

/// Records one submission: its answer unless already submitted (or the loop is not the user's,
/// or finished), and with a fresh one its card. `None` when nothing was recorded.
pub(super) async fn submit_one(
    conn: &mut AnyConnection,
    backend: Backend,
    submit: &Submit,
) -> Result<Option<Answer>, sqlx::Error> {
    let answers = submit_all(conn, backend, &[(0, submit)]).await?;
    Ok(answers.into_iter().next().flatten())
}

/// Records every submission in `submits` (the index is the caller's and only kept in step);
/// returns, in the same order, each one's stored answer, `None` for those that recorded nothing.
pub(super) async fn submit_all(
    conn: &mut AnyConnection,
    backend: Backend,
    submits: &[(usize, &Submit)],
) -> Result<Vec<Option<Answer>>, sqlx::Error> {
    let mut stored: Vec<Option<Answer>> = submits.iter().map(|_| None).collect();
    for round in rounds(submits) {
        for chunk in round.chunks(MAX_ROWS) {
            let rows = insert_answers(conn, backend, submits, chunk).await?;
            for &k in chunk {
                let s = submits[k].1;
                if let Some(&(version, saved)) =
                    rows.get(&(s.loop_id.as_str(), s.item_key.as_str()))
                {
                    stored[k] = Some(s.answer(version, saved));
                }
            }
        }
    }
    // The cards of the fresh submissions; of one user's subject, the last one stands.
    let mut cards: Vec<(&str, &CardRecord)> = Vec::new();
    let mut seen = HashSet::new();
    for (k, (_, s)) in submits.iter().enumerate().rev() {
        if let (Some(_), Some(card)) = (&stored[k], &s.card)
            && seen.insert((s.user_id.as_str(), card.subject.as_str()))
        {
            cards.push((&s.user_id, card));
        }
    }
    cards.reverse();
    for chunk in cards.chunks(MAX_ROWS) {
        put_cards(conn, backend, chunk).await?;
    }
    Ok(stored)
}

/// Splits the submissions (by position) into rounds in which no item appears twice: the first
/// submission of each item in the first round, the second in the second, and so on.
fn rounds(submits: &[(usize, &Submit)]) -> Vec<Vec<usize>> {
    let mut times: HashMap<(&str, &str), usize> = HashMap::new();
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for (k, (_, s)) in submits.iter().enumerate() {
        let n = times
            .entry((s.loop_id.as_str(), s.item_key.as_str()))
            .or_default();
        if rounds.len() <= *n {
            rounds.push(Vec::new());
        }
        rounds[*n].push(k);
        *n += 1;
    }
    rounds
}

/// Upserts the answers of `chunk` (positions in `submits`, no item twice); returns the
/// `(draft_version, draft_saved_ms)` of each answer written, by (loop, item).
async fn insert_answers<'s>(
    conn: &mut AnyConnection,
    backend: Backend,
    submits: &[(usize, &'s Submit)],
    chunk: &[usize],
) -> Result<HashMap<(&'s str, &'s str), (i64, Option<i64>)>, sqlx::Error> {
    let rows = statement_rows(chunk.len());
    // The text holds placeholders only; every value is bound.
    let mut query = sqlx::query(AssertSqlSafe(insert_answers_sql(backend, rows)));
    for &k in chunk {
        query = bind_submission(query, submits[k].1);
    }
    for _ in chunk.len()..rows {
        query = bind_no_submission(query);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    // The returned keys are the database's copies; map them back to the submissions' strings.
    let keys: HashMap<(&str, &str), &Submit> = chunk
        .iter()
        .map(|&k| {
            let s = submits[k].1;
            ((s.loop_id.as_str(), s.item_key.as_str()), s)
        })
        .collect();
    let mut written = HashMap::with_capacity(rows.len());
    for row in &rows {
        let (loop_id, item_key, version, saved) = returned(row)?;
        if let Some(s) = keys.get(&(loop_id.as_str(), item_key.as_str())) {
            written.insert((s.loop_id.as_str(), s.item_key.as_str()), (version, saved));
        }
    }
    Ok(written)
}

fn returned(row: &AnyRow) -> Result<(String, String, i64, Option<i64>), sqlx::Error> {
    Ok((
        row.try_get("loop_id")?,
        row.try_get("item_key")?,
        row.try_get("draft_version")?,
        row.try_get("draft_saved_ms")?,
    ))
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds one submission's row, in the order of the `VALUES` columns of [`insert_answers_sql`].
fn bind_submission<'q>(query: Query<'q>, s: &'q Submit) -> Query<'q> {
    query
        .bind(s.loop_id.as_str())
        .bind(s.item_key.as_str())
        .bind(s.question_id.as_str())
        .bind(s.family.as_str())
        .bind(s.text.as_str())
        .bind(s.now_ms)
        .bind(s.overall)
        .bind(s.feedback.as_str())
        .bind(s.self_rating)
        .bind(s.user_id.as_str())
}

/// Binds a padding row: its loop is NULL, which joins no loop, so it writes nothing.
fn bind_no_submission(query: Query<'_>) -> Query<'_> {
    let none: Option<&str> = None;
    query
        .bind(none)
        .bind(none)
        .bind(none)
        .bind(none)
        .bind(none)
        .bind(None::<i64>)
        .bind(None::<f64>)
        .bind(none)
        .bind(None::<i64>)
        .bind(none)
}

/// The upsert of `rows` submissions. Each `VALUES` row is (loop, item, question, family, text,
/// now, overall, feedback, self-rating, user); a row is written only where its loop is the
/// user's and running, and an answer already submitted is left as it is. Only the two columns a
/// submission does not set come back (with the key): the rest is what was just written, and the
/// grading is the largest value in it.
fn insert_answers_sql(backend: Backend, rows: usize) -> String {
    let mut sql = String::with_capacity(700 + rows * 60);
    sql.push_str(
        "INSERT INTO answers (loop_id, item_key, user_id, question_id, family, draft, \
                              draft_version, draft_saved_ms, submitted, submitted_ms, \
                              overall, feedback, self_rating) \
         SELECT l.id, v.column2, l.user_id, v.column3, v.column4, v.column5, 0, NULL, \
                v.column5, v.column6, v.column7, v.column8, v.column9 \
         FROM (VALUES ",
    );
    values(&mut sql, backend, rows, SUBMIT_PARAMS);
    sql.push_str(
        ") AS v JOIN loops l ON l.id = v.column1 AND l.user_id = v.column10 \
         WHERE l.status = 'running' \
         ON CONFLICT (loop_id, item_key) DO UPDATE \
            SET submitted = excluded.submitted, submitted_ms = excluded.submitted_ms, \
                overall = excluded.overall, feedback = excluded.feedback, \
                self_rating = excluded.self_rating, draft = excluded.draft \
            WHERE answers.submitted IS NULL \
         RETURNING loop_id, item_key, draft_version, draft_saved_ms",
    );
    sql
}

/// Upserts the cards of `cards` (no user's subject twice).
async fn put_cards(
    conn: &mut AnyConnection,
    backend: Backend,
    cards: &[(&str, &CardRecord)],
) -> Result<(), sqlx::Error> {
    let rows = statement_rows(cards.len());
    // A padding row has no user and is left out by the WHERE (which SQLite also needs to read
    // the ON CONFLICT of an INSERT … SELECT as the upsert's).
    let mut sql = String::from(
        "INSERT INTO cards (user_id, subject, card, due_ms) \
         SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES ",
    );
    values(&mut sql, backend, rows, 4);
    sql.push_str(
        ") AS v WHERE v.column1 IS NOT NULL \
         ON CONFLICT (user_id, subject) DO UPDATE \
            SET card = excluded.card, due_ms = excluded.due_ms",
    );
    // As above: placeholders only.
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (user_id, card) in cards {
        query = query
            .bind(*user_id)
            .bind(card.subject.as_str())
            .bind(card.card.as_str())
            .bind(card.due_ms);
    }
    for _ in cards.len()..rows {
        query = query
            .bind(None::<&str>)
            .bind(None::<&str>)
            .bind(None::<&str>)
            .bind(None::<i64>);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// The rows of the statement that writes `n` rows: the next power of two, so a connection
/// prepares at most eight texts of each statement ([`MAX_ROWS`] is one of them).
fn statement_rows(n: usize) -> usize {
    n.max(1).next_power_of_two().min(MAX_ROWS)
}

/// Appends `rows` rows of `width` parameters: positional on SQLite, `(?, ?), (?, ?)`, and
/// numbered on PostgreSQL, `($1, $2), ($3, $4)`.
fn values(sql: &mut String, backend: Backend, rows: usize, width: usize) {
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    let _ = write!(sql, "${}", r * width + c + 1);
                }
            }
        }
        sql.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submit(loop_id: &str, item_key: &str) -> Submit {
        Submit {
            user_id: "u".to_owned(),
            loop_id: loop_id.to_owned(),
            item_key: item_key.to_owned(),
            question_id: "q".to_owned(),
            family: "f".to_owned(),
            text: "t".to_owned(),
            overall: 3.0,
            feedback: "{}".to_owned(),
            self_rating: None,
            now_ms: 1,
            card: None,
        }
    }

    #[test]
    fn placeholders_suit_the_backend() {
        let mut sql = String::new();
        values(&mut sql, Backend::Postgres, 2, 3);
        assert_eq!(sql, "($1, $2, $3), ($4, $5, $6)");
        let mut sql = String::new();
        values(&mut sql, Backend::Sqlite, 2, 3);
        assert_eq!(sql, "(?, ?, ?), (?, ?, ?)");
        let sql = insert_answers_sql(Backend::Postgres, 4);
        assert!(sql.contains("($31, $32, $33, $34, $35, $36, $37, $38, $39, $40)"));
        assert!(!sql.contains("$41"));
        assert_eq!(
            insert_answers_sql(Backend::Sqlite, 4).matches('?').count(),
            40
        );
    }

    #[test]
    fn statements_come_in_powers_of_two_up_to_the_most_rows() {
        let sizes: Vec<usize> = [0, 1, 2, 3, 5, 64, 65, 128, 129, 1000]
            .into_iter()
            .map(statement_rows)
            .collect();
        assert_eq!(sizes, [1, 1, 2, 4, 8, 64, 128, 128, 128, 128]);
    }

    #[test]
    fn an_item_submitted_twice_goes_in_a_later_round() {
        let (a, b, a2, a3) = (
            submit("l", "r/1"),
            submit("l", "r/2"),
            submit("l", "r/1"),
            submit("l", "r/1"),
        );
        let other_loop = submit("m", "r/1");
        let submits = [(0, &a), (1, &b), (2, &a2), (3, &other_loop), (4, &a3)];
        assert_eq!(rounds(&submits), vec![vec![0, 1, 3], vec![2], vec![4]]);
        assert!(rounds(&[]).is_empty());
    }
}
