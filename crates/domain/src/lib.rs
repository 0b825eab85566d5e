//! Carebridge's domain: the words of children's services and the rules that hold
//! between them, as pure types and functions.
//!
//! Nothing here does I/O, spawns tasks or reads a clock: every rule that depends on
//! time takes the date as a parameter, so tests (and "as at" questions) control it.
//!
//! The central idea is in [`provision`]: *who delivers* a service is an effective-dated
//! row, never a property of a child's record.

pub mod access;
pub mod casefile;
pub mod casework;
pub mod child;
pub mod dates;
pub mod error;
pub mod identifiers;
pub mod ids;
pub mod imported;
pub mod inspection;
pub mod instrument;
pub mod organisation;
pub mod person;
pub mod provision;
pub mod relationships;
pub mod search;
pub mod service;
pub mod staff;
pub mod statutory;
pub mod timescales;
pub mod transfer;
pub mod transfer_tasks;
pub mod tupe;

pub use dates::Period;
pub use error::DomainError;
pub use ids::*;
