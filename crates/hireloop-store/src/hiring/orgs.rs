//! Organisations and their members.

use hireloop_hiring::audit::GENESIS;
use hireloop_hiring::roles::Role;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{OrgTx, enum_col, subject, taken};
use crate::{Store, StoreError, new_id};

/// An organisation: one hiring team's space, with its own members, data and audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Unique short name, as in URLs.
    pub slug: String,
    /// Days a candidate's data is kept after their last activity with nothing open.
    pub retention_days: i64,
    /// When it was created.
    pub created_ms: i64,
}

/// A user's membership of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The organisation.
    pub org_id: String,
    /// The user.
    pub user_id: String,
    /// Their role in it.
    pub role: Role,
    /// When they joined.
    pub created_ms: i64,
}

/// A member with their account's name and address (`None` once the account is gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAccount {
    /// The membership.
    pub member: Member,
    /// The account's display name.
    pub display_name: Option<String>,
    /// The account's address.
    pub email: Option<String>,
}

fn org_from(row: &AnyRow) -> Result<Org, sqlx::Error> {
    Ok(Org {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        retention_days: row.try_get("retention_days")?,
        created_ms: row.try_get("created_ms")?,
    })
}

fn member_from(row: &AnyRow) -> Result<Member, sqlx::Error> {
    Ok(Member {
        org_id: row.try_get("org_id")?,
        user_id: row.try_get("user_id")?,
        role: enum_col(row, "role", Role::from_id)?,
        created_ms: row.try_get("created_ms")?,
    })
}

impl Store {
    /// Creates an organisation with `creator` as its first admin, and starts its audit chain
    /// (`org.created`, then `member.added`). [`StoreError::Taken`] when the slug is in use,
    /// [`StoreError::NotFound`] when the creator has no account.
    pub async fn create_org(
        &self,
        name: &str,
        slug: &str,
        retention_days: i64,
        creator: &str,
        now_ms: i64,
    ) -> Result<Org, StoreError> {
        let org = Org {
            id: new_id(),
            name: name.trim().to_owned(),
            slug: slug.trim().to_lowercase(),
            retention_days,
            created_ms: now_ms,
        };
        let mut tx = self.begin_write().await?;
        ensure_user(&mut tx, creator).await?;
        sqlx::query(
            "INSERT INTO orgs (id, name, slug, retention_days, created_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.slug)
        .bind(retention_days)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| taken(e, "an organisation with this slug"))?;
        sqlx::query("INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2)")
            .bind(&org.id)
            .bind(GENESIS)
            .execute(&mut *tx)
            .await?;
        let mut tx = OrgTx::fresh(tx, &org.id, creator, now_ms);
        insert_member(&mut tx, creator, Role::Admin, now_ms).await?;
        tx.audit(
            "org.created",
            &subject("org", &org.id),
            Some(json!({ "name": org.name, "slug": org.slug, "retention_days": retention_days })),
            None,
        )
        .await?;
        audit_member(&mut tx, "member.added", creator, Some(Role::Admin)).await?;
        tx.commit().await?;
        Ok(org)
    }

    /// The organisation with this id.
    pub async fn org(&self, org_id: &str) -> Result<Org, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, slug, retention_days, created_ms FROM orgs WHERE id = $1",
        )
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => Ok(org_from(&row)?),
            None => Err(StoreError::NotFound {
                what: "organisation",
            }),
        }
    }

    /// The organisation with this slug.
    pub async fn org_by_slug(&self, slug: &str) -> Result<Option<Org>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, slug, retention_days, created_ms FROM orgs WHERE slug = $1",
        )
        .bind(slug.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(org_from).transpose()?)
    }

    /// Changes how long candidates' data is kept.
    pub async fn set_retention(
        &self,
        org_id: &str,
        retention_days: i64,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        sqlx::query("UPDATE orgs SET retention_days = $1 WHERE id = $2")
            .bind(retention_days)
            .bind(org_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "org.retention_changed",
            &subject("org", org_id),
            Some(json!({ "retention_days": retention_days })),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Adds a user to an organisation; [`StoreError::Taken`] when they are a member already,
    /// [`StoreError::NotFound`] when the user does not exist.
    pub async fn add_member(
        &self,
        org_id: &str,
        user_id: &str,
        role: Role,
        by: &str,
        now_ms: i64,
    ) -> Result<Member, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        ensure_user(tx.conn(), user_id).await?;
        let member = insert_member(&mut tx, user_id, role, now_ms).await?;
        audit_member(&mut tx, "member.added", user_id, Some(role)).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Changes a member's role.
    pub async fn set_member_role(
        &self,
        org_id: &str,
        user_id: &str,
        role: Role,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        tx.change_one(
            sqlx::query("UPDATE members SET role = $1 WHERE org_id = $2 AND user_id = $3")
                .bind(role.id())
                .bind(org_id)
                .bind(user_id),
            "member",
        )
        .await?;
        audit_member(&mut tx, "member.role_changed", user_id, Some(role)).await?;
        tx.commit().await
    }

    /// Removes a member from an organisation (and from its hiring teams).
    pub async fn remove_member(
        &self,
        org_id: &str,
        user_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        tx.change_one(
            sqlx::query("DELETE FROM members WHERE org_id = $1 AND user_id = $2")
                .bind(org_id)
                .bind(user_id),
            "member",
        )
        .await?;
        sqlx::query(
            "DELETE FROM hiring_team WHERE user_id = $1 AND requisition_id IN \
             (SELECT id FROM requisitions WHERE org_id = $2)",
        )
        .bind(user_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        audit_member(&mut tx, "member.removed", user_id, None).await?;
        tx.commit().await
    }

    /// A user's membership of an organisation, if any.
    pub async fn membership(
        &self,
        org_id: &str,
        user_id: &str,
    ) -> Result<Option<Member>, StoreError> {
        let row = sqlx::query(
            "SELECT org_id, user_id, role, created_ms FROM members \
             WHERE org_id = $1 AND user_id = $2",
        )
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(member_from).transpose()?)
    }

    /// The members of an organisation, by user id.
    pub async fn members(&self, org_id: &str) -> Result<Vec<Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT org_id, user_id, role, created_ms FROM members WHERE org_id = $1 \
             ORDER BY user_id",
        )
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(member_from).collect::<Result<_, _>>()?)
    }

    /// The organisation's members with the name and address of each one's account, in one
    /// query (the members page lists hundreds), ordered by user id.
    pub async fn member_accounts(&self, org_id: &str) -> Result<Vec<MemberAccount>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.org_id, m.user_id, m.role, m.created_ms, u.display_name, u.email \
             FROM members m LEFT JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 \
             ORDER BY m.user_id",
        )
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok::<_, sqlx::Error>(MemberAccount {
                    member: member_from(r)?,
                    display_name: r.try_get("display_name")?,
                    email: r.try_get("email")?,
                })
            })
            .collect::<Result<_, _>>()?)
    }

    /// The organisations a user belongs to, with their role in each, by name.
    pub async fn orgs_of(&self, user_id: &str) -> Result<Vec<(Org, Role)>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.slug, o.retention_days, o.created_ms, m.role \
             FROM members m JOIN orgs o ON o.id = m.org_id \
             WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((org_from(r)?, enum_col(r, "role", Role::from_id)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }
}

async fn insert_member(
    tx: &mut OrgTx,
    user_id: &str,
    role: Role,
    now_ms: i64,
) -> Result<Member, StoreError> {
    let org_id = tx.org().to_owned();
    sqlx::query("INSERT INTO members (org_id, user_id, role, created_ms) VALUES ($1, $2, $3, $4)")
        .bind(&org_id)
        .bind(user_id)
        .bind(role.id())
        .bind(now_ms)
        .execute(tx.conn())
        .await
        .map_err(|e| taken(e, "a membership of this user"))?;
    Ok(Member {
        org_id,
        user_id: user_id.to_owned(),
        role,
        created_ms: now_ms,
    })
}

async fn audit_member(
    tx: &mut OrgTx,
    action: &str,
    user_id: &str,
    role: Option<Role>,
) -> Result<(), StoreError> {
    let detail = role.map(|r| json!({ "role": r.id() }));
    tx.audit(action, &subject("user", user_id), detail, None)
        .await?;
    Ok(())
}

/// Checks that the user has an account; [`StoreError::NotFound`] otherwise.
async fn ensure_user(conn: &mut AnyConnection, user_id: &str) -> Result<(), StoreError> {
    let known = sqlx::query("SELECT 1 AS one FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    match known {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound { what: "user" }),
    }
}

/// Checks inside `tx` that the user is a member of the organisation; [`StoreError::NotFound`]
/// naming `what` otherwise.
pub(crate) async fn ensure_member(
    tx: &mut OrgTx,
    user_id: &str,
    what: &'static str,
) -> Result<(), StoreError> {
    tx.fetch(
        "SELECT 1 AS one FROM members WHERE user_id = $1 AND org_id = $2",
        user_id,
        what,
        |_| Ok(()),
    )
    .await
}
