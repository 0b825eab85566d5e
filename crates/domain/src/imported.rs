//! Records read from a return made by a previous system, ready to be written: each
//! child, piece of work and event carries a key from the return (the child's id in the
//! old system, then the kind and first day of the work, then the kind and day of the
//! event), so that importing the same return again finds what it wrote the first time
//! and changes nothing, and a later return updates it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::casefile::events::EventKind;
use crate::casework::ClosureReason;
use crate::child::{InvolvementKind, Sex};
use crate::identifiers::{Postcode, Upn};
use crate::person::{Disability, Ethnicity};

/// A child as the return describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedChild {
    /// The child's id in the return (`LAchildID`, `CHILD`).
    pub key: String,
    /// The line of the file the child starts on (for messages).
    pub line: u64,
    /// Sex.
    pub sex: Sex,
    /// Date of birth, or the expected date for an unborn child.
    pub date_of_birth: NaiveDate,
    /// Whether the child was not yet born.
    pub unborn: bool,
    /// Unique pupil number (`None`: not in the return; a child imported before keeps
    /// theirs).
    pub upn: Option<Upn>,
    /// Ethnicity (`None`: not in the return, kept as it was).
    pub ethnicity: Option<Ethnicity>,
    /// Disabilities (`NONE` for none); `None` when the return gives none (kept as they
    /// were).
    pub disabilities: Option<Vec<Disability>>,
    /// Whether an unaccompanied asylum-seeking child (`None`: the return does not say).
    pub uasc: Option<bool>,
    /// The postcode of their home and from when (a child created by the import lives
    /// there; the postcode is all a return gives of an address).
    pub home: Option<(Postcode, NaiveDate)>,
    /// Their work, each with its events.
    pub work: Vec<ImportedWork>,
}

/// A piece of work as the return describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedWork {
    /// Its key within the child: kind and first day, e.g. `child_in_need/2025-06-11`.
    pub key: String,
    /// What kind of work.
    pub kind: InvolvementKind,
    /// First day.
    pub start: NaiveDate,
    /// Last day, if it has ended.
    pub end: Option<NaiveDate>,
    /// Why it closed, if the return says.
    pub closure: Option<ClosureReason>,
    /// What happened on it.
    pub events: Vec<ImportedEvent>,
}

/// An event as the return describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedEvent {
    /// Its key within the work: kind, day and a number among events of that kind
    /// that day, e.g. `review-conference/2025-10-10/1`.
    pub key: String,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub on: NaiveDate,
    /// Its coded details (each a code of the kind's lists).
    pub details: BTreeMap<String, String>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Children created.
    pub children_created: usize,
    /// Children already imported whose details were written again.
    pub children_updated: usize,
    /// Pieces of work created.
    pub work_created: usize,
    /// Pieces of work already imported whose end or closure changed.
    pub work_updated: usize,
    /// Events created.
    pub events_created: usize,
    /// Records already imported and unchanged (children, work and events).
    pub unchanged: usize,
}
