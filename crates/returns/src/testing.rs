//! Records made by hand for the tests of what is made from them (Annex A, the 903
//! export).

use std::collections::BTreeMap;

use carebridge_domain::casefile::events::{Event, EventKind};
use carebridge_domain::casefile::notes::{Note, NoteKind};
use carebridge_domain::casework::{ClosureReason, WorkerChange};
use carebridge_domain::child::{Involvement, InvolvementKind, Sex};
use carebridge_domain::statutory::{
    ProviderPeriod, StatutoryAllocation, StatutoryPerson, StatutoryRecord, StatutoryRecords,
    StatutoryWork,
};
use carebridge_domain::{ChildId, EventId, InvolvementId, NoteId, Period, ServiceId, StaffId};
use chrono::{NaiveDate, TimeZone, Utc};

pub(crate) fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

#[derive(Clone)]
pub(crate) struct Building {
    pub(crate) record: StatutoryRecord,
    next: i64,
}

pub(crate) fn child(id: i64) -> Building {
    Building {
        record: StatutoryRecord {
            person: StatutoryPerson {
                id: ChildId(id),
                sex: Sex::Female,
                date_of_birth: d("2014-06-15"),
                unborn: false,
                ethnicity: Some("WBRI".to_owned()),
                disabilities: vec!["NONE".to_owned()],
                uasc: false,
                upn: None,
                postcode: None,
                children_born: Vec::new(),
            },
            work: Vec::new(),
            events: Vec::new(),
            notes: Vec::new(),
            allocations: Vec::new(),
        },
        next: 1,
    }
}

impl Building {
    fn id(&mut self) -> i64 {
        self.next += 1;
        self.record.person.id.0 * 1000 + self.next
    }

    pub(crate) fn work(
        &mut self,
        kind: InvolvementKind,
        from: &str,
        to: Option<&str>,
    ) -> InvolvementId {
        let id = InvolvementId(self.id());
        self.record.work.push(StatutoryWork {
            work: Involvement {
                id,
                child: self.record.person.id,
                service: ServiceId(if kind == InvolvementKind::EarlyHelp {
                    2
                } else {
                    1
                }),
                team: None,
                kind,
                period: Period::new("work", d(from), to.map(d)).expect("a period"),
            },
            team: Some("Duty and Assessment".to_owned()),
            closure: None,
        });
        id
    }

    pub(crate) fn event(
        &mut self,
        work: InvolvementId,
        kind: EventKind,
        on: &str,
        details: &[(&str, &str)],
    ) {
        let id = EventId(self.id());
        self.record.events.push(Event {
            id,
            child: self.record.person.id,
            involvement: work,
            kind,
            occurred_on: d(on),
            details: details
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            recorded_by: String::new(),
            recorded_at: Utc
                .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
                .single()
                .expect("an instant"),
        });
        self.record.events.sort_by_key(|e| (e.occurred_on, e.id));
    }

    /// Records why `work` was closed.
    pub(crate) fn closed(&mut self, work: InvolvementId, reason: ClosureReason) {
        if let Some(w) = self.record.work.iter_mut().find(|w| w.work.id == work) {
            w.closure = Some(reason);
        }
    }

    pub(crate) fn visit(&mut self, work: InvolvementId, on: &str, alone: bool) {
        let id = NoteId(self.id());
        self.record.notes.push(Note {
            id,
            child: self.record.person.id,
            involvement: work,
            kind: NoteKind::Visit,
            occurred_on: d(on),
            child_seen: Some(true),
            seen_alone: Some(alone),
            summary: String::new(),
            body: String::new(),
            recorded_by: String::new(),
            recorded_at: Utc
                .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
                .single()
                .expect("an instant"),
        });
        self.record.notes.sort_by_key(|n| (n.occurred_on, n.id));
    }

    pub(crate) fn allocate(
        &mut self,
        work: InvolvementId,
        worker: &str,
        from: &str,
        to: Option<&str>,
    ) {
        self.record.allocations.push(StatutoryAllocation {
            work,
            staff: StaffId(worker.bytes().map(i64::from).sum()),
            worker: worker.to_owned(),
            registration: None,
            change: None,
            team: "Child Protection Team 2".to_owned(),
            period: Period::new("allocation", d(from), to.map(d)).expect("a period"),
        });
    }

    /// `work` allocated to the social worker registered as `registration` (staff id
    /// `staff`), who took over for the reason coded `change`.
    pub(crate) fn social_worker(
        &mut self,
        work: InvolvementId,
        (staff, registration): (i64, Option<&str>),
        change: Option<WorkerChange>,
        (from, to): (&str, Option<&str>),
    ) {
        self.record.allocations.push(StatutoryAllocation {
            work,
            staff: StaffId(staff),
            worker: format!("Worker {staff}"),
            registration: registration.map(str::to_owned),
            change,
            team: "Children in Care Team".to_owned(),
            period: Period::new("allocation", d(from), to.map(d)).expect("a period"),
        });
        self.record.allocations.sort_by_key(|a| a.period.start());
    }
}

pub(crate) fn records(children: Vec<Building>) -> StatutoryRecords {
    StatutoryRecords {
        records: children.into_iter().map(|b| b.record).collect(),
        provision: vec![
            ProviderPeriod {
                service: ServiceId(1),
                period: Period::open_from(d("2015-04-01")),
                provider: "Northmoor Council".to_owned(),
            },
            ProviderPeriod {
                service: ServiceId(2),
                period: Period::new("p", d("2015-04-01"), Some(d("2026-03-31"))).expect("a period"),
                provider: "Northmoor Council".to_owned(),
            },
            ProviderPeriod {
                service: ServiceId(2),
                period: Period::open_from(d("2026-04-01")),
                provider: "Northmoor Children's Trust".to_owned(),
            },
        ],
    }
}
