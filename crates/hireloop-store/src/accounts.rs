//! Users, sessions and rate-limit counters.
//!
//! The store never sees a password or a session cookie: callers pass an argon2 hash and the hash
//! of the session token, so a copy of the database signs nobody in.

use sqlx::Row;

use crate::{Store, StoreError, new_id};

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: String,
    /// Email address, lowercase.
    pub email: String,
    /// The name shown on pages.
    pub display_name: String,
    /// The argon2 hash in PHC form.
    pub password_hash: String,
    /// When the account was created.
    pub created_ms: i64,
}

/// What an account is created from.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Email address (stored lowercase, trimmed).
    pub email: &'a str,
    /// The name shown on pages.
    pub display_name: &'a str,
    /// The argon2 hash in PHC form.
    pub password_hash: &'a str,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The hash of the token in the cookie or bearer header.
    pub token_hash: String,
    /// Whose session it is.
    pub user: User,
    /// The session's anti-forgery token, sent back with every state-changing request.
    pub csrf: String,
    /// When it was created.
    pub created_ms: i64,
    /// When it stops being valid.
    pub expires_ms: i64,
}

fn user_from(row: &sqlx::any::AnyRow, prefix: &str) -> Result<User, sqlx::Error> {
    let col = |name: &str| format!("{prefix}{name}");
    Ok(User {
        id: row.try_get(col("id").as_str())?,
        email: row.try_get(col("email").as_str())?,
        display_name: row.try_get(col("display_name").as_str())?,
        password_hash: row.try_get(col("password_hash").as_str())?,
        created_ms: row.try_get(col("created_ms").as_str())?,
    })
}

impl Store {
    /// Creates an account; [`StoreError::Taken`] when the email address has one.
    pub async fn create_user(&self, new: &NewUser<'_>, now_ms: i64) -> Result<User, StoreError> {
        let user = User {
            id: new_id(),
            email: new.email.trim().to_lowercase(),
            display_name: new.display_name.trim().to_owned(),
            password_hash: new.password_hash.to_owned(),
            created_ms: now_ms,
        };
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, created_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.created_ms)
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => Ok(user),
            Err(e) if StoreError::unique_violation(&e) => Err(StoreError::Taken {
                what: "an account with this email address",
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The account with this email address (any case).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT id, email, display_name, password_hash, created_ms FROM users WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| user_from(&r, "")).transpose()?)
    }

    /// The account with this id.
    pub async fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT id, email, display_name, password_hash, created_ms FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| user_from(&r, "")).transpose()?)
    }

    /// Replaces an account's password hash (a rehash with stronger parameters, or a change).
    pub async fn set_password_hash(&self, user_id: &str, hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a new session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_ms, expires_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now_ms)
        .bind(expires_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session with this token hash and its user; `None` when unknown or expired.
    pub async fn session(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<Session>, StoreError> {
        // Every request asks this, so it runs on the hot reads' connections.
        let query = sqlx::query(
            "SELECT s.token_hash, s.csrf, s.created_ms AS s_created_ms, s.expires_ms, \
                    u.id AS u_id, u.email AS u_email, u.display_name AS u_display_name, \
                    u.password_hash AS u_password_hash, u.created_ms AS u_created_ms \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_ms > $2",
        )
        .bind(token_hash)
        .bind(now_ms);
        let row = self.readers().fetch_optional(query).await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Session {
            token_hash: row.try_get("token_hash")?,
            csrf: row.try_get("csrf")?,
            created_ms: row.try_get("s_created_ms")?,
            expires_ms: row.try_get("expires_ms")?,
            user: user_from(&row, "u_")?,
        }))
    }

    /// Ends a session (signing out). Ending an unknown session is not an error.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes expired sessions and spent rate-limit windows; returns how many rows went.
    pub async fn purge_expired(&self, now_ms: i64) -> Result<u64, StoreError> {
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_ms <= $1")
            .bind(now_ms)
            .execute(self.pool())
            .await?
            .rows_affected();
        // A window older than a day is of no use to any limit we keep.
        let windows = sqlx::query("DELETE FROM rate_limits WHERE window_ms < $1")
            .bind(now_ms - 86_400_000)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(sessions + windows)
    }

    /// Counts one hit on `bucket` at `now_ms` and returns the hits of the last `window_ms`, this
    /// one included. Hits are kept per fixed window; the count is the current window's plus the
    /// previous window's weighted by how much of it still lies within the last `window_ms`
    /// (rounded up), so a burst straddling a window's edge is not counted twice as leniently.
    /// The counts live in the database, so every server process sharing it enforces one limit.
    pub async fn hit(&self, bucket: &str, window_ms: i64, now_ms: i64) -> Result<i64, StoreError> {
        let width = window_ms.max(1);
        let elapsed = now_ms.rem_euclid(width);
        let window = now_ms - elapsed;
        let row = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_ms, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket, window_ms) DO UPDATE SET hits = rate_limits.hits + 1 \
             RETURNING hits",
        )
        .bind(bucket)
        .bind(window)
        .fetch_one(self.pool())
        .await?;
        let current: i64 = row.try_get("hits")?;
        let previous: i64 =
            sqlx::query("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_ms = $2")
                .bind(bucket)
                .bind(window - width)
                .fetch_optional(self.pool())
                .await?
                .map(|row| row.try_get("hits"))
                .transpose()?
                .unwrap_or(0);
        Ok(current + weighted_share(previous, width - elapsed, width))
    }

    /// Forgets the hits on `bucket` (after a successful sign-in, say).
    pub async fn clear_hits(&self, bucket: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// `count × part / whole`, rounded up: the share of a previous window's hits still counted.
fn weighted_share(count: i64, part: i64, whole: i64) -> i64 {
    let whole = i128::from(whole.max(1));
    let product = i128::from(count) * i128::from(part.clamp(0, i64::MAX));
    i64::try_from((product + whole - 1) / whole).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::weighted_share;

    #[test]
    fn a_previous_window_counts_by_the_share_still_in_view_rounded_up() {
        assert_eq!(weighted_share(10, 600_000, 600_000), 10);
        assert_eq!(weighted_share(10, 300_000, 600_000), 5);
        assert_eq!(weighted_share(5, 599_000, 600_000), 5);
        assert_eq!(weighted_share(5, 1, 600_000), 1);
        assert_eq!(weighted_share(5, 0, 600_000), 0);
        assert_eq!(weighted_share(0, 600_000, 600_000), 0);
    }
}
