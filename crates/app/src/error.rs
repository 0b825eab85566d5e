//! The use-case layer's one error type. The web layer maps it to HTTP once
//! (`crates/web/src/error.rs`); the CLI prints it as one line.

use carebridge_domain::DomainError;
use carebridge_store::StoreError;

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input broke a rule; the message says which and what was expected.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// A form's input broke rules: every problem, each naming its field.
    #[error("{0}")]
    Problems(#[from] carebridge_domain::casefile::Problems),
    /// Nothing by that id (or nothing the caller may see).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The policy refused the action; the message says why.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The input clashed with what is stored (taken name, overlapping period).
    #[error("{0}")]
    Conflict(String),
    /// Sign-in refused. One message whether the account is unknown, disabled or the
    /// password wrong, so the answer does not tell an attacker which usernames exist.
    #[error("the username or password is not correct")]
    SignInRefused,
    /// Too many failed sign-ins under this name: it is locked for a while (the same
    /// answer whether or not the account exists).
    #[error("too many failed sign-ins with this username: try again in {minutes} minutes")]
    SignInLocked {
        /// How long until it may be tried again.
        minutes: i64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// Something that should not happen (a hashing library failed).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(message) => AppError::Conflict(message),
            other => AppError::Store(other),
        }
    }
}
