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
    /// Whether the return shows it already under way on `start` (a 903 period of care
    /// whose first episode in the return does not start care): it began before, on a
    /// day the return does not give, so it may be work an earlier return brought.
    pub began_before: bool,
    /// What happened on it.
    pub events: Vec<ImportedEvent>,
}

/// A piece of work already imported, described again by a return of the records as at
/// `as_at` (its last day): what it is kept as.
///
/// It starts on the earlier of the two first days (an older return may know more of
/// its beginning). It ends as the return says (open, or on its last day), unless what
/// is stored ended after `as_at`: that is news of a later return, which this one cannot
/// have had. `ended_by_return` says which end was kept, and so which closure reason.
pub fn kept_span(
    stored: (NaiveDate, Option<NaiveDate>),
    returned: (NaiveDate, Option<NaiveDate>),
    as_at: NaiveDate,
) -> KeptSpan {
    let later_news = stored.1.is_some_and(|end| end > as_at);
    KeptSpan {
        start: stored.0.min(returned.0),
        end: if later_news { stored.1 } else { returned.1 },
        ended_by_return: !later_news,
    }
}

/// What [`kept_span`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptSpan {
    /// First day.
    pub start: NaiveDate,
    /// Last day, if ended.
    pub end: Option<NaiveDate>,
    /// Whether the end (and so the closure reason) is the return's, not what was stored.
    pub ended_by_return: bool,
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
    /// Whether it states what held when the return first shows the work, not what
    /// changed that day (the legal status and placement of a period of care begun
    /// before its first episode in the return): it is left out when the work already
    /// has an event of its kind on or before that day.
    pub restates: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_return_describing_work_again_keeps_the_earliest_start_and_the_newest_end() {
        let year_end = d("2026-03-31");
        // An older return imported after a newer one: the newer one's close stands.
        let kept = kept_span(
            (d("2025-06-01"), Some(d("2026-08-01"))),
            (d("2024-09-01"), None),
            year_end,
        );
        assert_eq!(
            kept,
            KeptSpan {
                start: d("2024-09-01"),
                end: Some(d("2026-08-01")),
                ended_by_return: false
            }
        );
        // A newer return: open again as at its last day (the close was undone)...
        let kept = kept_span(
            (d("2025-06-01"), Some(d("2025-12-01"))),
            (d("2025-06-01"), None),
            year_end,
        );
        assert_eq!((kept.end, kept.ended_by_return), (None, true));
        // ...or closed on another day, or on the return's very last day.
        for end in [d("2026-01-05"), year_end] {
            let kept = kept_span(
                (d("2025-06-01"), None),
                (d("2025-06-01"), Some(end)),
                year_end,
            );
            assert_eq!(
                (kept.start, kept.end, kept.ended_by_return),
                (d("2025-06-01"), Some(end), true)
            );
        }
    }
}
