//! The schema's migrations, embedded in the binary: one list per backend, the same versions in
//! both (the SQL differs only in type names).

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::Backend;

/// (version, description, SQL) for SQLite.
const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "practice",
        include_str!("../migrations/sqlite/0001_practice.sql"),
    ),
    (
        2,
        "hiring",
        include_str!("../migrations/sqlite/0002_hiring.sql"),
    ),
    (
        3,
        "instance secrets",
        include_str!("../migrations/sqlite/0003_instance_secrets.sql"),
    ),
    (
        4,
        "calendar index",
        include_str!("../migrations/sqlite/0004_calendar_index.sql"),
    ),
];

/// (version, description, SQL) for PostgreSQL.
const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "practice",
        include_str!("../migrations/postgres/0001_practice.sql"),
    ),
    (
        2,
        "hiring",
        include_str!("../migrations/postgres/0002_hiring.sql"),
    ),
    (
        3,
        "instance secrets",
        include_str!("../migrations/postgres/0003_instance_secrets.sql"),
    ),
    (
        4,
        "calendar index",
        include_str!("../migrations/postgres/0004_calendar_index.sql"),
    ),
];

/// The migrator of a backend.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_versions() {
        fn versions(l: &[(i64, &'static str, &str)]) -> Vec<(i64, &'static str)> {
            l.iter().map(|m| (m.0, m.1)).collect()
        }
        assert_eq!(versions(SQLITE), versions(POSTGRES));
        assert!(SQLITE.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
