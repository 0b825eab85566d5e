//! The TUPE process around a transfer, as a checklist with dates.
//!
//! Under the Transfer of Undertakings (Protection of Employment) Regulations 2006 the
//! old employer must give the new one employee liability information at least 28 days
//! before the transfer (reg. 11(6)); both must inform, and where measures are
//! envisaged consult, the representatives of affected employees long enough before the
//! transfer (reg. 13), which in practice means a measures letter from the new employer
//! and meetings with staff and recognised unions; and each person who transfers is
//! told individually. A direction with immediate effect can make the 28 days
//! impossible: the checklist then says so rather than just "overdue".

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::instrument::{Instrument, InstrumentDetails};
use crate::DomainError;

/// The steps of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TupeStepKind {
    /// Employee liability information given to the new employer (reg. 11).
    EmployeeLiabilityInformation,
    /// The new employer's letter on measures it envisages (reg. 13(4)).
    MeasuresLetter,
    /// A consultation meeting with staff and recognised unions (reg. 13).
    Consultation,
    /// Individual letters to every person who transfers.
    StaffLetters,
}

impl TupeStepKind {
    /// Every step, in checklist order.
    pub const ALL: [TupeStepKind; 4] = [
        TupeStepKind::EmployeeLiabilityInformation,
        TupeStepKind::MeasuresLetter,
        TupeStepKind::Consultation,
        TupeStepKind::StaffLetters,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            TupeStepKind::EmployeeLiabilityInformation => "eli",
            TupeStepKind::MeasuresLetter => "measures_letter",
            TupeStepKind::Consultation => "consultation",
            TupeStepKind::StaffLetters => "staff_letters",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim()).ok_or_else(|| {
            DomainError::invalid(
                "TUPE step",
                format!("expected eli, measures_letter, consultation or staff_letters, not {code:?}"),
            )
        })
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            TupeStepKind::EmployeeLiabilityInformation => "Employee liability information given",
            TupeStepKind::MeasuresLetter => "Measures letter sent",
            TupeStepKind::Consultation => "Consultation with staff and recognised unions",
            TupeStepKind::StaffLetters => "Individual letters to staff",
        }
    }
}

/// A step recorded as done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TupeStep {
    /// Which step.
    pub kind: TupeStepKind,
    /// When.
    pub done_on: NaiveDate,
    /// What happened (a meeting's notes, who received what).
    pub notes: String,
}

/// Where a checklist item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemStatus {
    /// Done in time.
    Done,
    /// Done, but later than the law asks.
    DoneLate,
    /// Not done, and the date it was due has passed.
    Overdue,
    /// Not done yet, still in time.
    ToDo,
}

impl ItemStatus {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Done => "Done",
            ItemStatus::DoneLate => "Done late",
            ItemStatus::Overdue => "Overdue",
            ItemStatus::ToDo => "To do",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Which step.
    pub kind: TupeStepKind,
    /// The last day it should be done by.
    pub due: NaiveDate,
    /// The recorded steps of this kind, earliest first.
    pub done: Vec<TupeStep>,
    /// Where it stands.
    pub status: ItemStatus,
    /// Why it matters or why it could not be done in time, if so.
    pub warning: Option<String>,
}

/// How many days before the transfer employee liability information is due (reg. 11(6)).
pub const ELI_DAYS: u64 = 28;

/// The checklist for a transfer taking effect on `effective_from` under `instrument`,
/// given the steps recorded so far, on `today`.
pub fn checklist(
    effective_from: NaiveDate,
    instrument: &Instrument,
    steps: &[TupeStep],
    today: NaiveDate,
) -> Vec<ChecklistItem> {
    let eli_due = effective_from
        .checked_sub_days(Days::new(ELI_DAYS))
        .unwrap_or(effective_from);
    let day_before = effective_from.pred_opt().unwrap_or(effective_from);
    // When the instrument was made too late for 28 days' notice, say why.
    let impossible = (instrument.made_on > eli_due).then(|| match &instrument.details {
        InstrumentDetails::GovernmentDirection { immediate_effect: true, .. } => format!(
            "{} was made on {} with immediate effect: 28 days' employee liability information before the transfer was impossible. Give it as soon as possible and record when.",
            instrument.reference, instrument.made_on
        ),
        _ => format!(
            "{} was made on {}, less than 28 days before the transfer: 28 days' employee liability information was impossible. Give it as soon as possible and record when.",
            instrument.reference, instrument.made_on
        ),
    });
    TupeStepKind::ALL
        .into_iter()
        .map(|kind| {
            let due = match kind {
                TupeStepKind::EmployeeLiabilityInformation | TupeStepKind::MeasuresLetter => eli_due,
                TupeStepKind::Consultation | TupeStepKind::StaffLetters => day_before,
            };
            let mut done: Vec<TupeStep> = steps.iter().filter(|s| s.kind == kind).cloned().collect();
            done.sort_by_key(|s| s.done_on);
            let first = done.first().map(|s| s.done_on);
            let status = match first {
                Some(d) if d <= due => ItemStatus::Done,
                Some(_) => ItemStatus::DoneLate,
                None if today > due => ItemStatus::Overdue,
                None => ItemStatus::ToDo,
            };
            let warning = match (kind, status) {
                (TupeStepKind::EmployeeLiabilityInformation, ItemStatus::Done) => None,
                (TupeStepKind::EmployeeLiabilityInformation, _) if impossible.is_some() => impossible.clone(),
                (TupeStepKind::EmployeeLiabilityInformation, ItemStatus::DoneLate) => Some(format!(
                    "Given {} days before the transfer; regulation 11(6) asks for at least {ELI_DAYS}.",
                    first.map_or(0, |d| (effective_from - d).num_days())
                )),
                (_, ItemStatus::Overdue) => Some(format!("Due by {due}.")),
                _ => None,
            };
            ChecklistItem { kind, due, done, status, warning }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InstrumentId, OrganisationId};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn instrument(made_on: NaiveDate, immediate: bool) -> Instrument {
        Instrument {
            id: InstrumentId(1),
            authority: OrganisationId(1),
            reference: "DfE/2016/DIR/07".into(),
            title: "Direction".into(),
            made_on,
            details: InstrumentDetails::GovernmentDirection {
                issuer: OrganisationId(3),
                addressed_to: OrganisationId(1),
                effective_from: made_on,
                immediate_effect: immediate,
                power: "s.497A".into(),
            },
        }
    }

    fn step(kind: TupeStepKind, on: NaiveDate) -> TupeStep {
        TupeStep {
            kind,
            done_on: on,
            notes: String::new(),
        }
    }

    #[test]
    fn steps_are_due_28_days_before_and_the_day_before() {
        let list = checklist(
            d(2027, 4, 1),
            &instrument(d(2027, 1, 10), false),
            &[],
            d(2027, 2, 1),
        );
        assert_eq!(list[0].due, d(2027, 3, 4));
        assert_eq!(list[2].due, d(2027, 3, 31));
        assert!(list.iter().all(|i| i.status == ItemStatus::ToDo));
        let later = checklist(
            d(2027, 4, 1),
            &instrument(d(2027, 1, 10), false),
            &[],
            d(2027, 3, 10),
        );
        assert_eq!(later[0].status, ItemStatus::Overdue);
        assert_eq!(later[2].status, ItemStatus::ToDo);
    }

    #[test]
    fn late_information_is_flagged_with_the_days_given() {
        let steps = [step(
            TupeStepKind::EmployeeLiabilityInformation,
            d(2027, 3, 20),
        )];
        let list = checklist(
            d(2027, 4, 1),
            &instrument(d(2027, 1, 10), false),
            &steps,
            d(2027, 3, 21),
        );
        assert_eq!(list[0].status, ItemStatus::DoneLate);
        assert_eq!(
            list[0].warning.as_deref(),
            Some("Given 12 days before the transfer; regulation 11(6) asks for at least 28.")
        );
        let on_time = [step(
            TupeStepKind::EmployeeLiabilityInformation,
            d(2027, 3, 4),
        )];
        let list = checklist(
            d(2027, 4, 1),
            &instrument(d(2027, 1, 10), false),
            &on_time,
            d(2027, 3, 21),
        );
        assert_eq!(
            (list[0].status, list[0].warning.clone()),
            (ItemStatus::Done, None)
        );
    }

    #[test]
    fn a_direction_with_immediate_effect_explains_why_28_days_were_impossible() {
        let list = checklist(
            d(2016, 6, 21),
            &instrument(d(2016, 6, 21), true),
            &[],
            d(2016, 6, 22),
        );
        assert_eq!(list[0].status, ItemStatus::Overdue);
        let warning = list[0].warning.clone().unwrap();
        assert!(warning.contains("with immediate effect: 28 days' employee liability information before the transfer was impossible"), "{warning}");
    }
}
