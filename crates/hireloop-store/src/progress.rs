//! What a candidate keeps between loops: review cards (spaced repetition), the STAR story bank
//! and the preparation checklist.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, new_id};

/// A spaced-repetition card: the scheduler's state for one subject (a question family or a
/// story), as JSON the store does not look into, and when it is next due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRecord {
    /// What is reviewed: `family:<id>` or `story:<id>`.
    pub subject: String,
    /// The scheduler's state (JSON).
    pub card: String,
    /// When the next review is due.
    pub due_ms: i64,
}

/// A story in the candidate's bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRecord {
    /// Id.
    pub id: String,
    /// The story (JSON: title, situation, task, action, result, values).
    pub story: String,
    /// When it was written.
    pub created_ms: i64,
    /// When it was last changed.
    pub updated_ms: i64,
}

/// Writes a card, replacing the subject's previous state (also used by the group commit).
pub(crate) const PUT_CARD: &str = "INSERT INTO cards (user_id, subject, card, due_ms) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (user_id, subject) DO UPDATE SET card = excluded.card, due_ms = excluded.due_ms";

fn card_from(row: &AnyRow) -> Result<CardRecord, sqlx::Error> {
    Ok(CardRecord {
        subject: row.try_get("subject")?,
        card: row.try_get("card")?,
        due_ms: row.try_get("due_ms")?,
    })
}

fn story_from(row: &AnyRow) -> Result<StoryRecord, sqlx::Error> {
    Ok(StoryRecord {
        id: row.try_get("id")?,
        story: row.try_get("story")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

impl Store {
    /// Writes a card, replacing the subject's previous state.
    pub async fn put_card(&self, user_id: &str, card: &CardRecord) -> Result<(), StoreError> {
        sqlx::query(PUT_CARD)
            .bind(user_id)
            .bind(&card.subject)
            .bind(&card.card)
            .bind(card.due_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// One subject's card.
    pub async fn card(
        &self,
        user_id: &str,
        subject: &str,
    ) -> Result<Option<CardRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT subject, card, due_ms FROM cards WHERE user_id = $1 AND subject = $2",
        )
        .bind(user_id)
        .bind(subject)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(card_from).transpose()?)
    }

    /// Every card of the user, soonest due first.
    pub async fn cards(&self, user_id: &str) -> Result<Vec<CardRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT subject, card, due_ms FROM cards WHERE user_id = $1 ORDER BY due_ms, subject",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(card_from).collect::<Result<_, _>>()?)
    }

    /// Adds a story to the bank.
    pub async fn create_story(
        &self,
        user_id: &str,
        story: &str,
        now_ms: i64,
    ) -> Result<StoryRecord, StoreError> {
        let record = StoryRecord {
            id: new_id(),
            story: story.to_owned(),
            created_ms: now_ms,
            updated_ms: now_ms,
        };
        sqlx::query(
            "INSERT INTO stories (id, user_id, story, created_ms, updated_ms) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&record.id)
        .bind(user_id)
        .bind(&record.story)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(record)
    }

    /// Rewrites a story of the user's.
    pub async fn update_story(
        &self,
        user_id: &str,
        story_id: &str,
        story: &str,
        now_ms: i64,
    ) -> Result<StoryRecord, StoreError> {
        let done = sqlx::query(
            "UPDATE stories SET story = $1, updated_ms = $2 WHERE id = $3 AND user_id = $4",
        )
        .bind(story)
        .bind(now_ms)
        .bind(story_id)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "story" });
        }
        self.story(user_id, story_id).await
    }

    /// Deletes a story of the user's and its review card.
    pub async fn delete_story(&self, user_id: &str, story_id: &str) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("DELETE FROM stories WHERE id = $1 AND user_id = $2")
            .bind(story_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "story" });
        }
        sqlx::query("DELETE FROM cards WHERE user_id = $1 AND subject = $2")
            .bind(user_id)
            .bind(format!("story:{story_id}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One story of the user's.
    pub async fn story(&self, user_id: &str, story_id: &str) -> Result<StoryRecord, StoreError> {
        let row = sqlx::query(
            "SELECT id, story, created_ms, updated_ms FROM stories WHERE id = $1 AND user_id = $2",
        )
        .bind(story_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => Ok(story_from(&row)?),
            None => Err(StoreError::NotFound { what: "story" }),
        }
    }

    /// The user's stories, most recently changed first.
    pub async fn stories(&self, user_id: &str) -> Result<Vec<StoryRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, story, created_ms, updated_ms FROM stories WHERE user_id = $1 \
             ORDER BY updated_ms DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(story_from).collect::<Result<_, _>>()?)
    }

    /// Marks a checklist item done (`done = true`) or not done.
    pub async fn set_checklist_item(
        &self,
        user_id: &str,
        item_id: &str,
        done: bool,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        if done {
            sqlx::query(
                "INSERT INTO checklist_done (user_id, item_id, done_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, item_id) DO NOTHING",
            )
            .bind(user_id)
            .bind(item_id)
            .bind(now_ms)
            .execute(self.pool())
            .await?;
        } else {
            sqlx::query("DELETE FROM checklist_done WHERE user_id = $1 AND item_id = $2")
                .bind(user_id)
                .bind(item_id)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// The checklist items the user marked done, with when.
    pub async fn checklist_done(&self, user_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT item_id, done_ms FROM checklist_done WHERE user_id = $1 ORDER BY item_id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("item_id")?, r.try_get("done_ms")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}
