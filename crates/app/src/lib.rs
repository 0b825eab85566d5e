//! Carebridge's use cases. Each takes the caller (an [`accounts::Actor`]) where it acts for
//! someone, reads or writes the [`Store`], and returns what the caller may see.
//!
//! The web pages and the CLI are thin: they parse input and call these functions, so
//! every rule is applied the same way whichever door a request comes in by.

pub mod access;
pub mod accounts;
pub mod casefile;
pub mod casework;
mod clock;
pub mod demo;
mod error;
pub mod import;
pub mod instruments;
pub mod overview;
pub mod records;
pub mod relationships;
pub mod returns;
pub mod subject_access;
pub mod transfer;

use std::sync::Arc;

pub use carebridge_store::{DatabaseUrl, Store};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;

/// The application: a store and a clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn Clock>,
    pub(crate) break_glass_hook: Option<Arc<str>>,
    /// The authority's LA number, for the statutory returns' headers.
    pub(crate) la_number: Option<Arc<str>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl App {
    /// An application over `store` that reads the time from `clock`.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        App {
            store,
            clock,
            break_glass_hook: None,
            la_number: None,
        }
    }

    /// Sets the authority's three-digit LA number, which the CIN census header carries
    /// (`LEA`).
    pub fn with_la_number(mut self, number: impl Into<Arc<str>>) -> Self {
        self.la_number = Some(number.into());
        self
    }

    /// Runs `command` (with `sh -c`) after every break-glass opening, with the opening
    /// as one JSON object on its standard input: the notification hook for the
    /// information governance lead (mail, a chat channel, a ticket).
    pub fn with_break_glass_hook(mut self, command: impl Into<Arc<str>>) -> Self {
        self.break_glass_hook = Some(command.into());
        self
    }

    /// The store (for the CLI's maintenance commands and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}
