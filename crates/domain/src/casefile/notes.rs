//! Case notes and visits: one form for everything a practitioner writes down.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Problems;
use crate::{ChildId, DomainError, InvolvementId, NoteId};

/// The longest note accepted (characters): about 30 pages of text. Longer work belongs
/// in an attached document.
pub const MAX_NOTE_CHARS: usize = 100_000;
/// The longest summary line.
pub const MAX_SUMMARY_CHARS: usize = 200;

/// What kind of note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NoteKind {
    /// A visit to the child (a statutory visit when the child is on a plan or looked
    /// after): says whether the child was seen, and seen alone.
    Visit,
    /// A case note (a record of something that happened or was decided).
    CaseNote,
    /// A telephone or video call.
    Call,
    /// A meeting about the child (core group, professionals' meeting).
    Meeting,
    /// Direct work with the child.
    DirectWork,
}

impl NoteKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [NoteKind; 5] = [
        NoteKind::Visit,
        NoteKind::CaseNote,
        NoteKind::Call,
        NoteKind::Meeting,
        NoteKind::DirectWork,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            NoteKind::Visit => "visit",
            NoteKind::CaseNote => "case-note",
            NoteKind::Call => "call",
            NoteKind::Meeting => "meeting",
            NoteKind::DirectWork => "direct-work",
        }
    }

    /// How a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Visit => "Visit",
            NoteKind::CaseNote => "Case note",
            NoteKind::Call => "Call",
            NoteKind::Meeting => "Meeting",
            NoteKind::DirectWork => "Direct work",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| DomainError::invalid("type", format!("unknown note type {code:?}")))
    }
}

/// A note as the form gives it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteInput {
    /// The piece of work it is filed under.
    pub involvement: Option<InvolvementId>,
    /// Its kind.
    pub kind: Option<NoteKind>,
    /// The day it happened (for a visit, the day the child was seen or visited).
    pub occurred_on: Option<NaiveDate>,
    /// For a visit: was the child seen?
    pub child_seen: Option<bool>,
    /// For a visit where the child was seen: seen alone?
    pub seen_alone: Option<bool>,
    /// One line.
    pub summary: String,
    /// The note.
    pub body: String,
}

/// A checked note, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// The piece of work.
    pub involvement: InvolvementId,
    /// Its kind.
    pub kind: NoteKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// For a visit: was the child seen? (`None` for other kinds.)
    pub child_seen: Option<bool>,
    /// For a visit where the child was seen: alone? (`None` otherwise.)
    pub seen_alone: Option<bool>,
    /// One line.
    pub summary: String,
    /// The note.
    pub body: String,
}

/// A stored note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Its id.
    pub id: NoteId,
    /// Whose record.
    pub child: ChildId,
    /// The note as recorded.
    pub involvement: InvolvementId,
    /// Its kind.
    pub kind: NoteKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// For a visit: was the child seen?
    pub child_seen: Option<bool>,
    /// For a visit: seen alone?
    pub seen_alone: Option<bool>,
    /// One line.
    pub summary: String,
    /// The note.
    pub body: String,
    /// Who wrote it (display name at the time).
    pub recorded_by: String,
    /// When it was saved.
    pub recorded_at: DateTime<Utc>,
}

impl Note {
    /// Whether this is a visit at which the child was seen: what the statutory visiting
    /// rules count.
    pub fn is_visit_seen(&self) -> bool {
        self.kind == NoteKind::Visit && self.child_seen == Some(true)
    }
}

/// The span of a piece of work, for checking a note's date against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkSpan {
    /// The involvement.
    pub id: InvolvementId,
    /// First day.
    pub start: NaiveDate,
    /// Last day, if it has ended.
    pub end: Option<NaiveDate>,
}

/// Checks a note: every problem at once. `work` is the child's pieces of work (the
/// note must be filed under one of them, dated within it); `today` is the day it is
/// written (a note cannot be dated in the future).
pub fn check_note(
    input: NoteInput,
    work: &[WorkSpan],
    today: NaiveDate,
) -> Result<NewNote, Problems> {
    let mut problems = Problems::new();
    let span = input
        .involvement
        .and_then(|id| work.iter().find(|w| w.id == id));
    if span.is_none() {
        problems.add("involvement", "Select the piece of work this is about");
    }
    if input.kind.is_none() {
        problems.add("kind", "Select what kind of note this is");
    }
    match input.occurred_on {
        None => problems.add("occurred", "Enter the date it happened"),
        Some(day) if day > today => problems.add(
            "occurred",
            "The date it happened must be today or in the past",
        ),
        Some(day) => {
            if let Some(w) = span {
                if day < w.start {
                    problems.add(
                        "occurred",
                        format!(
                            "The date it happened must be on or after the work started on {}",
                            w.start.format("%-d %B %Y")
                        ),
                    );
                }
            }
        }
    }
    let visit = input.kind == Some(NoteKind::Visit);
    if visit && input.child_seen.is_none() {
        problems.add("child_seen", "Select whether the child was seen");
    }
    if visit && input.child_seen == Some(true) && input.seen_alone.is_none() {
        problems.add("seen_alone", "Select whether the child was seen alone");
    }
    let summary = input.summary.trim().to_owned();
    if summary.is_empty() {
        problems.add("summary", "Enter a summary");
    } else if summary.chars().count() > MAX_SUMMARY_CHARS {
        problems.add(
            "summary",
            format!("Summary must be {MAX_SUMMARY_CHARS} characters or fewer"),
        );
    }
    let body = input.body.trim_end().to_owned();
    if body.trim().is_empty() {
        problems.add("body", "Enter the note");
    } else if body.chars().count() > MAX_NOTE_CHARS {
        problems.add(
            "body",
            format!("The note must be {MAX_NOTE_CHARS} characters or fewer; attach longer documents instead"),
        );
    }
    let (Some(w), Some(kind), Some(occurred_on)) = (span, input.kind, input.occurred_on) else {
        return Err(problems);
    };
    problems.or(NewNote {
        involvement: w.id,
        kind,
        occurred_on,
        child_seen: if visit { input.child_seen } else { None },
        seen_alone: if visit && input.child_seen == Some(true) {
            input.seen_alone
        } else {
            None
        },
        summary,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn work() -> Vec<WorkSpan> {
        vec![WorkSpan {
            id: InvolvementId(7),
            start: day(2026, 3, 1),
            end: None,
        }]
    }

    fn visit() -> NoteInput {
        NoteInput {
            involvement: Some(InvolvementId(7)),
            kind: Some(NoteKind::Visit),
            occurred_on: Some(day(2026, 11, 20)),
            child_seen: Some(true),
            seen_alone: Some(false),
            summary: "Home visit".into(),
            body: "Saw Amara at home with her mother.".into(),
        }
    }

    #[test]
    fn a_complete_visit_is_accepted() {
        let note = check_note(visit(), &work(), day(2026, 11, 23)).unwrap();
        assert_eq!(note.kind, NoteKind::Visit);
        assert_eq!(note.child_seen, Some(true));
        assert_eq!(note.seen_alone, Some(false));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let input = NoteInput {
            involvement: None,
            kind: Some(NoteKind::Visit),
            occurred_on: Some(day(2026, 12, 1)),
            child_seen: None,
            seen_alone: None,
            summary: " ".into(),
            body: "\n".into(),
        };
        let problems = check_note(input, &work(), day(2026, 11, 23)).unwrap_err();
        let fields: Vec<_> = problems.0.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["involvement", "occurred", "child_seen", "summary", "body"]
        );
    }

    #[test]
    fn a_visit_before_the_work_started_is_refused() {
        let mut input = visit();
        input.occurred_on = Some(day(2026, 2, 28));
        let problems = check_note(input, &work(), day(2026, 11, 23)).unwrap_err();
        assert!(problems
            .of("occurred")
            .is_some_and(|m| m.contains("1 March 2026")));
    }

    #[test]
    fn seen_alone_needs_an_answer_only_when_the_child_was_seen() {
        let mut input = visit();
        input.child_seen = Some(true);
        input.seen_alone = None;
        assert!(check_note(input.clone(), &work(), day(2026, 11, 23))
            .unwrap_err()
            .of("seen_alone")
            .is_some());
        input.child_seen = Some(false);
        let note = check_note(input, &work(), day(2026, 11, 23)).unwrap();
        assert_eq!(note.seen_alone, None);
    }

    #[test]
    fn other_kinds_drop_the_visit_answers() {
        let mut input = visit();
        input.kind = Some(NoteKind::Call);
        let note = check_note(input, &work(), day(2026, 11, 23)).unwrap();
        assert_eq!((note.child_seen, note.seen_alone), (None, None));
    }

    #[test]
    fn kinds_round_trip() {
        for k in NoteKind::ALL {
            assert_eq!(NoteKind::parse(k.code()).unwrap(), k);
        }
        assert!(NoteKind::parse("letter").is_err());
    }
}
