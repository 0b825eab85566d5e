//! A child's record as the statutory returns and Ofsted's Annex A read it: the person's
//! coded facts, every piece of work with its team and closure reason, the
//! events, visits and allocations, and who provided each service when. The store reads these in bulk
//! (`RecordTx::statutory_records`); `carebridge_returns::annex_a` turns them into the
//! inspection lists. Names of children are not here: the returns identify children by
//! their Carebridge id.

use chrono::NaiveDate;

use crate::casefile::events::Event;
use crate::casefile::notes::Note;
use crate::casework::{ClosureReason, WorkerChange};
use crate::child::{Involvement, Sex};
use crate::{ChildId, InvolvementId, Period, StaffId};

/// The person, as the returns code them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryPerson {
    /// Carebridge id (the returns' child identifier).
    pub id: ChildId,
    /// Sex.
    pub sex: Sex,
    /// Date of birth (the expected date for an unborn child).
    pub date_of_birth: NaiveDate,
    /// Whether the child is not yet born.
    pub unborn: bool,
    /// DfE ethnicity code, if recorded.
    pub ethnicity: Option<String>,
    /// CIN census disability codes (`NONE` for no disability); empty when not recorded.
    pub disabilities: Vec<String>,
    /// Unaccompanied asylum-seeking child.
    pub uasc: bool,
    /// Unique pupil number, if recorded.
    pub upn: Option<String>,
    /// The postcode of the current (latest) address, if any.
    pub postcode: Option<String>,
    /// The dates of birth of the children whose records name this child as their
    /// mother, earliest first (the 903's motherhood fields).
    pub children_born: Vec<NaiveDate>,
}

/// A piece of work with what the returns need beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryWork {
    /// The work.
    pub work: Involvement,
    /// The name of the team that holds it, if any.
    pub team: Option<String>,
    /// Why it was closed, if closed with a reason.
    pub closure: Option<ClosureReason>,
}

/// One worker's spell on a piece of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryAllocation {
    /// The work.
    pub work: InvolvementId,
    /// The worker.
    pub staff: StaffId,
    /// The worker's name.
    pub worker: String,
    /// Their Social Work England registration number, if recorded.
    pub registration: Option<String>,
    /// Why the child's social worker changed to them, if recorded.
    pub change: Option<WorkerChange>,
    /// The team they held it in.
    pub team: String,
    /// From when to when.
    pub period: Period,
}

/// A child's record as the statutory returns read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryRecord {
    /// The person.
    pub person: StatutoryPerson,
    /// Every piece of work, earliest first.
    pub work: Vec<StatutoryWork>,
    /// Events in date order (without their author).
    pub events: Vec<Event>,
    /// Notes and visits in date order (without their text).
    pub notes: Vec<Note>,
    /// Allocations, earliest first.
    pub allocations: Vec<StatutoryAllocation>,
}

impl StatutoryRecord {
    /// The events of `kind` on `work`, in date order.
    pub fn events_of(
        &self,
        work: InvolvementId,
        kind: crate::casefile::events::EventKind,
    ) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(move |e| e.involvement == work && e.kind == kind)
    }

    /// The spans on `work` that `starts` events begin: each paired with the first
    /// `ends` event on or after it and before the next start (none while it is open).
    pub fn spans_on(
        &self,
        work: InvolvementId,
        starts: crate::casefile::events::EventKind,
        ends: crate::casefile::events::EventKind,
    ) -> Vec<(&Event, Option<&Event>)> {
        let begun: Vec<&Event> = self.events_of(work, starts).collect();
        begun
            .iter()
            .enumerate()
            .map(|(i, start)| {
                let next = begun.get(i + 1).map(|e| e.occurred_on);
                let end = self
                    .events_of(work, ends)
                    .filter(|e| {
                        e.occurred_on >= start.occurred_on && next.is_none_or(|n| e.occurred_on < n)
                    })
                    .min_by_key(|e| e.occurred_on);
                (*start, end)
            })
            .collect()
    }

    /// The assessments on `work`: each start paired with the first completion on or
    /// after it and before the next start.
    pub fn assessments_on(&self, work: InvolvementId) -> Vec<(NaiveDate, Option<&Event>)> {
        use crate::casefile::events::EventKind;
        self.spans_on(
            work,
            EventKind::AssessmentStarted,
            EventKind::AssessmentCompleted,
        )
        .into_iter()
        .map(|(start, done)| (start.occurred_on, done))
        .collect()
    }

    /// The periods the child was missing or away on `work`: each "missing or away"
    /// event with the first "back" event on or after it and before the next.
    pub fn missing_on(&self, work: InvolvementId) -> Vec<(&Event, Option<&Event>)> {
        use crate::casefile::events::EventKind;
        self.spans_on(work, EventKind::Missing, EventKind::MissingEnded)
    }

    /// The decisions on `work` that the child should be placed for adoption, each with
    /// its reversal, if it was reversed.
    pub fn adoption_decisions_on(&self, work: InvolvementId) -> Vec<(&Event, Option<&Event>)> {
        use crate::casefile::events::EventKind;
        self.spans_on(
            work,
            EventKind::AdoptionDecision,
            EventKind::AdoptionDecisionReversed,
        )
    }

    /// The deprivation of liberty orders on `work`, each with its end, if it ended.
    pub fn liberty_deprived_on(&self, work: InvolvementId) -> Vec<(&Event, Option<&Event>)> {
        use crate::casefile::events::EventKind;
        self.spans_on(
            work,
            EventKind::LibertyDeprived,
            EventKind::LibertyDeprivedEnded,
        )
    }
}

/// Which organisation provided a service over a period, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderPeriod {
    /// The service.
    pub service: crate::ServiceId,
    /// When.
    pub period: Period,
    /// The provider's name.
    pub provider: String,
}

/// The records of every child with work in a window, and who provided each service
/// when: what the statutory returns are made from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatutoryRecords {
    /// The children, by id.
    pub records: Vec<StatutoryRecord>,
    /// Provision of every service, with the providers' names.
    pub provision: Vec<ProviderPeriod>,
}

impl StatutoryRecords {
    /// The organisation that provided `service` on `day`.
    pub fn provider_on(&self, service: crate::ServiceId, day: NaiveDate) -> Option<&str> {
        self.provision
            .iter()
            .find(|p| p.service == service && p.period.contains(day))
            .map(|p| p.provider.as_str())
    }
}
