//! Secrets of the installation, shared by every server process on the same database.

use sqlx::Row;

use crate::{Store, StoreError};

impl Store {
    /// The instance secret called `name`: the one stored, or else `candidate`, stored now.
    ///
    /// Processes that start together on one database may each offer a different candidate; the
    /// first insert wins and every process reads back that one value, so links signed by one
    /// process verify on all of them.
    pub async fn instance_secret(
        &self,
        name: &str,
        candidate: &str,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO instance_secrets (name, value, created_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM instance_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }
}
