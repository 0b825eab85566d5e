//! Accounts, passwords and sessions.
//!
//! Passwords are hashed with argon2id (the OWASP recommendation) and only the PHC string
//! is stored. A session is a random 256-bit token in a cookie; the database keeps only its
//! SHA-256, with a CSRF token that every state-changing form must echo back. A session
//! ends after 30 minutes without use or 12 hours after sign-in, whichever comes first
//! (OWASP ASVS 3.3).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use carebridge_domain::staff::Role;
use carebridge_domain::{DomainError, StaffId, UserId};
use carebridge_store::{NewUser, UserRecord};
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{App, AppError};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// How stale a session's recorded last use may grow before a request records it again.
/// Writing it on every request would add a write transaction to every page (on SQLite
/// one writer at a time, each commit synced to disk); within a minute is close enough
/// for a thirty-minute idle timeout, which so counts from the recorded use and may end
/// a session up to this much sooner after the very last request.
pub const SESSION_USE_RECORDED_EVERY: Duration = Duration::minutes(1);
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Failed sign-ins under one name, within [`LOCKOUT`], that lock the name.
pub const MAX_FAILED_SIGN_INS: usize = 5;
/// How long failures count, and how long a locked name stays locked after the last.
pub const LOCKOUT: Duration = Duration::minutes(15);
/// The shortest password an account may have.
pub const MIN_PASSWORD_LENGTH: usize = 12;

/// Who is making a request: the signed-in account and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account.
    pub user: UserId,
    /// Its sign-in name.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// Its role.
    pub role: Role,
    /// The staff member it belongs to, if any.
    pub staff: Option<StaffId>,
}

impl From<&UserRecord> for Actor {
    fn from(u: &UserRecord) -> Self {
        Actor {
            user: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            staff: u.staff,
        }
    }
}

/// A new session, straight after sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The secret for the cookie. Never stored.
    pub token: String,
    /// The CSRF token for forms.
    pub csrf_token: String,
    /// Who signed in.
    pub actor: Actor,
}

/// A live session found from its cookie.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// Who.
    pub actor: Actor,
    /// The CSRF token its forms must carry.
    pub csrf_token: String,
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing anyone knows, verified when the username is unknown so that an
/// unknown user takes as long to refuse as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$9Yb9QDd8TsxGdL1Whgr4HPFVwzzEh4wHNPYwq8tJsYQ";

/// A fresh random 256-bit token in hex (sessions, CSRF tokens).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What is stored in place of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks a new password is acceptable.
pub fn check_password_rules(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(DomainError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_LENGTH} characters"),
        )
        .into());
    }
    Ok(())
}

fn check_username(username: &str) -> Result<(), AppError> {
    let ok = (3..=64).contains(&username.len())
        && username.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '@')
        });
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "username",
            "must be 3 to 64 lower-case letters, digits, dots, hyphens, underscores or @",
        )
        .into())
    }
}

impl App {
    /// The account `username` that records what the system itself wrote (the demo's
    /// case history, imported returns), made on first use; it has no password, so no one
    /// can sign in as it.
    pub(crate) async fn system_account(
        &self,
        username: &str,
        display_name: &str,
    ) -> Result<UserId, AppError> {
        if let Some(user) = self.store().user_by_username(username).await? {
            return Ok(user.id);
        }
        Ok(self
            .store()
            .create_user(
                &NewUser {
                    username,
                    display_name,
                    password_hash: "!",
                    role: Role::SystemAdministrator,
                    staff: None,
                },
                self.clock().now(),
            )
            .await?)
    }

    /// Creates an account with a password (the admin CLI and the demo loader).
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        password: &str,
        staff: Option<StaffId>,
    ) -> Result<UserId, AppError> {
        check_username(username)?;
        check_password_rules(password)?;
        if display_name.trim().is_empty() {
            return Err(DomainError::invalid("display name", "enter the person's name").into());
        }
        let hash = hash_password(password)?;
        let new = NewUser {
            username,
            display_name: display_name.trim(),
            password_hash: &hash,
            role,
            staff,
        };
        Ok(self.store().create_user(&new, self.clock().now()).await?)
    }

    /// Sets a new password and signs the account out everywhere.
    pub async fn reset_password(&self, username: &str, password: &str) -> Result<(), AppError> {
        check_password_rules(password)?;
        let hash = hash_password(password)?;
        if self.store().set_password_hash(username, &hash).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("account"))
        }
    }

    /// Signs in: checks the password and starts a session.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SignedIn, AppError> {
        self.sign_in_from(username, password, "unknown").await
    }

    /// Signs in from `client` (an address, for the record of attempts). After
    /// [`MAX_FAILED_SIGN_INS`] failures under one name within [`LOCKOUT`], that name is
    /// refused until [`LOCKOUT`] after the last failure, whatever the password — and
    /// whether or not the account exists, so the lock tells nobody which names are real.
    pub async fn sign_in_from(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<SignedIn, AppError> {
        let now = self.clock().now();
        let name = username.trim().to_lowercase();
        let failures = self
            .store()
            .recent_sign_in_failures(&name, now - LOCKOUT)
            .await?;
        if failures.len() >= MAX_FAILED_SIGN_INS {
            let until = failures.last().map_or(now, |last| *last + LOCKOUT);
            let minutes = ((until - now).num_seconds() + 59) / 60;
            self.store()
                .record_sign_in_attempt(&name, client, now, "locked")
                .await?;
            return Err(AppError::SignInLocked {
                minutes: minutes.max(1),
            });
        }
        let signed_in = self.check_password_and_start(username, password).await;
        self.store()
            .record_sign_in_attempt(
                &name,
                client,
                now,
                if signed_in.is_ok() {
                    "success"
                } else {
                    "failure"
                },
            )
            .await?;
        signed_in
    }

    async fn check_password_and_start(
        &self,
        username: &str,
        password: &str,
    ) -> Result<SignedIn, AppError> {
        let user = self.store().user_by_username(username.trim()).await?;
        let verified = match &user {
            Some(u) => verify_password(password, &u.password_hash) && !u.disabled,
            None => {
                let _ = verify_password(password, DECOY_HASH);
                false
            }
        };
        match user {
            Some(u) if verified => self.start_session(&u).await,
            _ => Err(AppError::SignInRefused),
        }
    }

    /// Signs in someone whose identity provider (single sign-on) has vouched for
    /// `username`: there must be an enabled Carebridge account by that name — an
    /// identity alone gives no access (accounts are not made on the fly).
    pub async fn sign_in_vouched(
        &self,
        username: &str,
        client: &str,
    ) -> Result<SignedIn, AppError> {
        let name = username.trim().to_lowercase();
        let user = self.store().user_by_username(&name).await?;
        let signed_in = match user {
            Some(u) if !u.disabled => self.start_session(&u).await,
            _ => Err(AppError::SignInRefused),
        };
        self.store()
            .record_sign_in_attempt(
                &name,
                client,
                self.clock().now(),
                if signed_in.is_ok() {
                    "success"
                } else {
                    "failure"
                },
            )
            .await?;
        signed_in
    }

    async fn start_session(&self, user: &UserRecord) -> Result<SignedIn, AppError> {
        // A fresh token at every sign-in: a session id is never carried across it.
        let token = random_token();
        let csrf_token = random_token();
        self.store()
            .create_session(
                &token_hash(&token),
                user.id,
                &csrf_token,
                self.clock().now(),
            )
            .await?;
        Ok(SignedIn {
            token,
            csrf_token,
            actor: Actor::from(user),
        })
    }

    /// The live session for a cookie's token, if any; marks it used (at most once per
    /// [`SESSION_USE_RECORDED_EVERY`]). An expired session
    /// is deleted and answers `None`. The account is read afresh on every request, so a
    /// disabled account or a changed role takes effect at once.
    pub async fn session(&self, token: &str) -> Result<Option<ActiveSession>, AppError> {
        let hash = token_hash(token);
        let Some(session) = self.store().session(&hash).await? else {
            return Ok(None);
        };
        let now = self.clock().now();
        let expired = now - session.last_seen_at > IDLE_TIMEOUT
            || now - session.created_at > ABSOLUTE_TIMEOUT;
        let user = self.store().user(session.user).await?;
        match user {
            Some(user) if !expired && !user.disabled => {
                if now - session.last_seen_at >= SESSION_USE_RECORDED_EVERY {
                    self.store().touch_session(&hash, now).await?;
                }
                Ok(Some(ActiveSession {
                    actor: Actor::from(&user),
                    csrf_token: session.csrf_token,
                }))
            }
            _ => {
                self.store().delete_session(&hash).await?;
                Ok(None)
            }
        }
    }

    /// Ends the session of this token.
    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store().delete_session(&token_hash(token)).await?)
    }

    /// Ends every session of the account.
    pub async fn sign_out_everywhere(&self, user: UserId) -> Result<u64, AppError> {
        Ok(self.store().delete_sessions_of(user).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoy_hash_is_a_valid_argon2id_hash() {
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
        assert!(!verify_password("anything", DECOY_HASH));
    }

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &a));
        assert!(!verify_password("correct horse battery!", &a));
    }
}
