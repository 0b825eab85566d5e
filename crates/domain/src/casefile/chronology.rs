//! The chronology: everything on a child's record on one list in date order, with a
//! marker wherever the provider of a service the child was receiving changed.

use chrono::NaiveDate;
use serde::Serialize;

use super::events::Event;
use super::notes::Note;
use crate::child::Involvement;
use crate::provision::ProvisionPeriod;
use crate::{EventId, InvolvementId, NoteId, OrganisationId, ServiceId};

/// What a chronology entry is, for filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EntryType {
    /// A piece of work started or ended.
    Work,
    /// A statutory event (conference, review, placement, ...).
    Event,
    /// A visit, case note, call, meeting or direct work.
    Note,
    /// The provider of a service changed while the child was receiving it.
    ProviderChange,
}

impl EntryType {
    /// Every type, in the order a filter offers them.
    pub const ALL: [EntryType; 4] = [
        EntryType::Work,
        EntryType::Event,
        EntryType::Note,
        EntryType::ProviderChange,
    ];

    /// Code for the filter's query string.
    pub fn code(self) -> &'static str {
        match self {
            EntryType::Work => "work",
            EntryType::Event => "event",
            EntryType::Note => "note",
            EntryType::ProviderChange => "provider",
        }
    }

    /// Label for the filter.
    pub fn label(self) -> &'static str {
        match self {
            EntryType::Work => "Work started and ended",
            EntryType::Event => "Events",
            EntryType::Note => "Visits and notes",
            EntryType::ProviderChange => "Changes of provider",
        }
    }

    /// Reads a filter code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EntrySource {
    /// The start of a piece of work.
    WorkStarted(InvolvementId),
    /// The end of a piece of work.
    WorkEnded(InvolvementId),
    /// An event.
    Event(EventId),
    /// A note.
    Note(NoteId),
    /// A provision period that began on the entry's day.
    Provision(OrganisationId),
}

/// One line of the chronology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The day.
    pub on: NaiveDate,
    /// The service it belongs to.
    pub service: ServiceId,
    /// Its type.
    pub kind: EntryType,
    /// Where it comes from.
    pub source: EntrySource,
    /// The piece of work it is filed under (none for a change of provider).
    pub involvement: Option<InvolvementId>,
}

/// Everything on the record, in date order (on one day: work starting, events, notes,
/// then work ending; a change of provider first, as it applies from the start of its
/// day). Provision changes are marked for each service while the child had work open
/// with it (a change on the day the work started is not a change for the child).
pub fn chronology(
    work: &[Involvement],
    events: &[Event],
    notes: &[Note],
    provision: &[ProvisionPeriod],
) -> Vec<Entry> {
    let service_of = |id: InvolvementId| work.iter().find(|w| w.id == id).map(|w| w.service);
    let mut entries: Vec<(u8, Entry)> = Vec::new();
    for w in work {
        entries.push((
            1,
            Entry {
                on: w.period.start(),
                service: w.service,
                kind: EntryType::Work,
                source: EntrySource::WorkStarted(w.id),
                involvement: Some(w.id),
            },
        ));
        if let Some(end) = w.period.end() {
            entries.push((
                4,
                Entry {
                    on: end,
                    service: w.service,
                    kind: EntryType::Work,
                    source: EntrySource::WorkEnded(w.id),
                    involvement: Some(w.id),
                },
            ));
        }
    }
    for e in events {
        if let Some(service) = service_of(e.involvement) {
            entries.push((
                2,
                Entry {
                    on: e.occurred_on,
                    service,
                    kind: EntryType::Event,
                    source: EntrySource::Event(e.id),
                    involvement: Some(e.involvement),
                },
            ));
        }
    }
    for n in notes {
        if let Some(service) = service_of(n.involvement) {
            entries.push((
                3,
                Entry {
                    on: n.occurred_on,
                    service,
                    kind: EntryType::Note,
                    source: EntrySource::Note(n.id),
                    involvement: Some(n.involvement),
                },
            ));
        }
    }
    for p in provision {
        let start = p.period.start();
        let receiving = work.iter().any(|w| {
            w.service == p.service
                && w.period.start() < start
                && w.period.end().is_none_or(|e| e >= start)
        });
        if receiving {
            entries.push((
                0,
                Entry {
                    on: start,
                    service: p.service,
                    kind: EntryType::ProviderChange,
                    source: EntrySource::Provision(p.provider),
                    involvement: None,
                },
            ));
        }
    }
    entries.sort_by_key(|(order, e)| (e.on, *order));
    entries.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::InvolvementKind;
    use crate::provision::ProvisionPeriod;
    use crate::{ChildId, InstrumentId, Period, ProvisionId};
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn work(id: i64, service: i64, from: NaiveDate, to: Option<NaiveDate>) -> Involvement {
        Involvement {
            id: InvolvementId(id),
            child: ChildId(1),
            service: ServiceId(service),
            team: None,
            kind: InvolvementKind::ChildInNeed,
            period: Period::new("work", from, to).unwrap(),
        }
    }

    fn provided(service: i64, by: i64, from: NaiveDate, to: Option<NaiveDate>) -> ProvisionPeriod {
        ProvisionPeriod {
            id: ProvisionId(0),
            service: ServiceId(service),
            provider: OrganisationId(by),
            period: Period::new("provision", from, to).unwrap(),
            started_by: InstrumentId(1),
            ended_by: None,
        }
    }

    #[test]
    fn a_change_of_provider_is_marked_only_while_the_child_had_work_open() {
        let w = [
            work(1, 1, day(2021, 6, 1), Some(day(2022, 6, 30))),
            work(2, 2, day(2022, 5, 1), None),
        ];
        let p = [
            provided(1, 10, day(2016, 6, 1), Some(day(2022, 3, 31))),
            provided(1, 20, day(2022, 4, 1), None),
            provided(2, 10, day(2016, 6, 1), Some(day(2022, 3, 31))),
            provided(2, 20, day(2022, 4, 1), None),
        ];
        let c = chronology(&w, &[], &[], &p);
        let changes: Vec<_> = c
            .iter()
            .filter(|e| e.kind == EntryType::ProviderChange)
            .map(|e| (e.on, e.service, e.source))
            .collect();
        assert_eq!(
            changes,
            vec![(
                day(2022, 4, 1),
                ServiceId(1),
                EntrySource::Provision(OrganisationId(20))
            )]
        );
    }

    proptest! {
        /// The chronology holds every start, end, event and note once, in date order.
        #[test]
        fn every_item_appears_once_in_date_order(
            spans in proptest::collection::vec((0i64..3000, proptest::option::of(0i64..400)), 1..8),
        ) {
            let base = day(2012, 1, 1);
            let w: Vec<Involvement> = spans
                .iter()
                .enumerate()
                .map(|(i, (start, len))| {
                    let from = base + chrono::Days::new(*start as u64);
                    work(i as i64, (i % 2) as i64, from, len.map(|l| from + chrono::Days::new(l as u64)))
                })
                .collect();
            let c = chronology(&w, &[], &[], &[]);
            let ends = w.iter().filter(|x| x.period.end().is_some()).count();
            prop_assert_eq!(c.len(), w.len() + ends);
            prop_assert!(c.windows(2).all(|p| p[0].on <= p[1].on));
        }
    }
}
