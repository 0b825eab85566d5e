//! The web crate's integration tests, in one binary: the app over real HTTP, and in a
//! real headless browser with axe-core.

// Helpers outside #[test] functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod casefile;
mod common;
mod forms;
mod http;
mod matrix;
mod oidc;
mod returns;
mod subject_access;
