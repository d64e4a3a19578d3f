//! What can go wrong in the store.

/// A store operation that failed. Nothing was changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL cannot be used.
    #[error("cannot use the database URL {url}: {reason}")]
    BadUrl {
        /// The URL, password redacted.
        url: String,
        /// Why.
        reason: String,
    },
    /// The database could not be reached or opened.
    #[error("cannot open the database at {url}: {cause}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// The driver's error (part of the message, not a separate source, so a chain of
        /// errors does not repeat it).
        cause: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique value is taken (an email address, an id).
    #[error("{what} is already taken")]
    Taken {
        /// What was taken, in words.
        what: &'static str,
    },
    /// The row does not exist, or belongs to someone else (the two are not told apart, so an id
    /// guessed by another user reveals nothing).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, in words.
        what: &'static str,
    },
    /// The operation does not apply in the row's current state (a draft of a submitted answer).
    #[error("{0}")]
    Conflict(String),
    /// The write queue is full: the database is taking all it can. Nothing was written.
    #[error("the database is busy; nothing was saved — try again shortly")]
    Busy,
    /// The store is shutting down.
    #[error("the database is closing")]
    Closed,
    /// The commit holding the write failed; nothing of it was stored.
    #[error("the write could not be committed: {0}")]
    Commit(String),
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Whether the database is too busy right now rather than broken: no pooled connection came
    /// free in time, or SQLite's write lock stayed taken past the busy timeout. Worth a retry.
    pub fn is_saturated(&self) -> bool {
        match self {
            StoreError::Busy | StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(sqlx::Error::Database(db)) => {
                let m = db.message();
                m.contains("database is locked") || m.contains("database is busy")
            }
            _ => false,
        }
    }

    /// Whether the error is a violated unique constraint on either backend.
    pub(crate) fn unique_violation(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Database(db) => db.is_unique_violation(),
            _ => false,
        }
    }
}
