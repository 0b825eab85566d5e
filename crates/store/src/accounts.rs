//! Sign-in accounts and server-side sessions.

use carebridge_domain::staff::Role;
use carebridge_domain::{StaffId, UserId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{corrupt, instant, instant_text};
use crate::{Store, StoreError};

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Its id.
    pub id: UserId,
    /// Sign-in name.
    pub username: String,
    /// Name shown in the header.
    pub display_name: String,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    /// The account's role.
    pub role: Role,
    /// The staff member the account belongs to, if any.
    pub staff: Option<StaffId>,
    /// Whether sign-in is refused.
    pub disabled: bool,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Sign-in name.
    pub username: &'a str,
    /// Name shown in the header.
    pub display_name: &'a str,
    /// PHC string of the argon2id hash.
    pub password_hash: &'a str,
    /// Role.
    pub role: Role,
    /// Linked staff member.
    pub staff: Option<StaffId>,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose.
    pub user: UserId,
    /// The token forms must echo back.
    pub csrf_token: String,
    /// When it was created (sign-in).
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_seen_at: DateTime<Utc>,
}

fn user(row: &AnyRow) -> Result<UserRecord, StoreError> {
    let role: String = row.try_get("role")?;
    let staff: Option<i64> = row.try_get("staff_id")?;
    Ok(UserRecord {
        id: UserId(row.try_get("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).map_err(corrupt("user role"))?,
        staff: staff.map(StaffId),
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, staff_id, disabled";

impl Store {
    /// Creates an account. A taken username is a [`StoreError::Conflict`].
    pub async fn create_user(
        &self,
        new: &NewUser<'_>,
        now: DateTime<Utc>,
    ) -> Result<UserId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, role, staff_id, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
        )
        .bind(new.username)
        .bind(new.display_name)
        .bind(new.password_hash)
        .bind(new.role.code())
        .bind(new.staff.map(|s| s.0))
        .bind(instant_text(now))
        .fetch_one(&mut *self.writer().await?)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("the username {:?} is already taken", new.username)),
            other => other,
        })?;
        Ok(UserId(id))
    }

    /// Replaces an account's password hash and ends its sessions. Returns false when no
    /// such account exists.
    pub async fn set_password_hash(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id",
        )
        .bind(password_hash)
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id.is_some())
    }

    /// An account by username.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user).transpose()
    }

    /// An account by id.
    pub async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user).transpose()
    }

    /// Every account, by username.
    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(user).collect()
    }

    /// Stores a new session under the hash of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(csrf_token)
        .bind(instant_text(now))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// The session stored under `token_hash`.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                user: UserId(row.try_get("user_id")?),
                csrf_token: row.try_get("csrf_token")?,
                created_at: instant(&row, "created_at")?,
                last_seen_at: instant(&row, "last_seen_at")?,
            })
        })
        .transpose()
    }

    /// Marks a session used at `now`.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(instant_text(now))
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Ends every session of one account ("sign out everywhere").
    pub async fn delete_sessions_of(&self, user: UserId) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(done.rows_affected())
    }
}

impl Store {
    /// Records a sign-in attempt under the name typed, with its outcome: `success`,
    /// `failure` (wrong name or password) or `locked` (refused unchecked while the name
    /// is locked; these do not extend the lock).
    pub async fn record_sign_in_attempt(
        &self,
        username: &str,
        client: &str,
        at: DateTime<Utc>,
        outcome: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_attempts (username, client, at, outcome) VALUES ($1, $2, $3, $4)",
        )
        .bind(username)
        .bind(client)
        .bind(crate::rows::instant_text(at))
        .bind(outcome)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// The failed attempts under `username` after `since` and after its last success,
    /// newest last.
    pub async fn recent_sign_in_failures(
        &self,
        username: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let rows = sqlx::query(
            "SELECT at FROM sign_in_attempts WHERE username = $1 AND at > $2 AND outcome = 'failure' \
             AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts WHERE username = $1 AND outcome = 'success'), '') \
             ORDER BY at",
        )
        .bind(username)
        .bind(crate::rows::instant_text(since))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| crate::rows::instant(r, "at")).collect()
    }
}

/// A single sign-on started and not yet finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignOn {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub verifier: String,
    /// Where to go afterwards.
    pub next: String,
    /// When it started.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Remembers a single sign-on in progress under its state.
    pub async fn save_sign_on(
        &self,
        state: &str,
        pending: &PendingSignOn,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oidc_logins (state, nonce, verifier, next, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(state)
        .bind(&pending.nonce)
        .bind(&pending.verifier)
        .bind(&pending.next)
        .bind(instant_text(pending.created_at))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// Takes (reads and deletes, so it is used once) the sign-on started under `state`,
    /// and forgets any started before `stale_before`.
    pub async fn take_sign_on(
        &self,
        state: &str,
        stale_before: DateTime<Utc>,
    ) -> Result<Option<PendingSignOn>, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM oidc_logins WHERE created_at < $1")
            .bind(instant_text(stale_before))
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "DELETE FROM oidc_logins WHERE state = $1 RETURNING nonce, verifier, next, created_at",
        )
        .bind(state)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|row| {
            Ok(PendingSignOn {
                nonce: row.try_get("nonce")?,
                verifier: row.try_get("verifier")?,
                next: row.try_get("next")?,
                created_at: instant(&row, "created_at")?,
            })
        })
        .transpose()
    }
}
