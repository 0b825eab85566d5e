//! What practitioners add to a child's record day to day: case notes and visits, and
//! the dated events of statutory work (conferences, reviews, placements, PEP meetings,
//! pathway plans, ...), each filed under one piece of work (an involvement).
//!
//! - [`notes`]: one quick form for a visit, a case note, a call, a meeting or direct
//!   work; a visit says whether the child was seen, and seen alone.
//! - [`events`]: the events that start and stop statutory clocks, with their coded
//!   details (codes from the SSDA903 and CIN census lists, so the returns read them
//!   straight).
//! - [`case_events`]: the record's involvements, events and visits turned into the
//!   [`crate::timescales::CaseEvents`] that `what_is_due` reads.
//! - [`chronology`]: everything on one list in date order, with a marker where the
//!   provider of a service changed.
//! - [`third_party`]: passages that may be about someone other than the child, flagged
//!   for review before a subject access bundle is released.
//!
//! Validation returns every problem at once ([`Problems`]), each naming the form field
//! it belongs to, so a form can show the GOV.UK error summary linking to each field.

pub mod attachments;
pub mod case_events;
pub mod chronology;
pub mod events;
pub mod notes;
pub mod third_party;
pub mod work;

use std::fmt;

/// One problem with one field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's name (and the id of its input on the form).
    pub field: &'static str,
    /// What is wrong and what is wanted, in words the person can act on.
    pub message: String,
}

/// Every problem with a form, in the order of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(Problem {
            field,
            message: message.into(),
        });
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problem with `field`, if any.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    /// These problems, with `reading`'s message wherever the form could not even read a
    /// field (e.g. "must be a real date" rather than "enter the date"), and `reading`'s
    /// other problems added.
    pub fn overridden_by(mut self, reading: &Problems) -> Problems {
        for p in &mut self.0 {
            if let Some(m) = reading.of(p.field) {
                p.message = m.to_owned();
            }
        }
        for r in &reading.0 {
            if self.of(r.field).is_none() {
                self.0.push(r.clone());
            }
        }
        self
    }

    /// `Ok(value)` when there are no problems, else the problems.
    pub fn or<T>(self, value: T) -> Result<T, Problems> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for p in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
