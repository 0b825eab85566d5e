//! Provision over time: which organisation delivers which service, from when to when,
//! under which instrument.
//!
//! The rule (Children Act 2004 s.10–11: the duty stays with the authority, whoever
//! delivers): for one authority and one service, provision periods never overlap, so
//! on any day at most one organisation provides the service; and every period cites the
//! instrument that started it (and, once ended, the one that ended it). A change of
//! provider closes the current period on the day before the change and opens a new one
//! on the day of the change. History is never rewritten: a change may not start on or
//! before the first day of the period it replaces.
//!
//! [`ProvisionHistory::plan_change`] is the one place that turns "this instrument moves
//! this service to that provider from this day" into the rows to write; the store refuses
//! overlapping rows as well, so the rule holds even against a careless caller.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::day_before;
use crate::instrument::Instrument;
use crate::{DomainError, InstrumentId, OrganisationId, Period, ProvisionId, ServiceId};

/// One period during which one organisation provided one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionPeriod {
    /// Its id.
    pub id: ProvisionId,
    /// The service.
    pub service: ServiceId,
    /// The organisation that delivered it.
    pub provider: OrganisationId,
    /// From when to when.
    pub period: Period,
    /// The instrument under which this period began.
    pub started_by: InstrumentId,
    /// The instrument that ended it, once ended.
    pub ended_by: Option<InstrumentId>,
}

/// "From `effective_from`, `provider` delivers `service`, under `instrument`."
#[derive(Debug, Clone)]
pub struct ProvisionChange<'a> {
    /// The service that changes hands.
    pub service: ServiceId,
    /// The service's name, for messages.
    pub service_name: &'a str,
    /// The organisation that provides it from the change.
    pub provider: OrganisationId,
    /// The first day of the new provision.
    pub effective_from: NaiveDate,
    /// The instrument that causes the change.
    pub instrument: &'a Instrument,
}

/// The rows a provision change writes: at most one period closed, exactly one opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionEdit {
    /// The current period to close: its id, its new last day, the instrument that ends it.
    pub close: Option<(ProvisionId, NaiveDate, InstrumentId)>,
    /// The new period (its id is assigned by the store).
    pub open: NewProvision,
}

/// A provision period not yet stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProvision {
    /// The service.
    pub service: ServiceId,
    /// The provider.
    pub provider: OrganisationId,
    /// From when (open-ended).
    pub period: Period,
    /// The instrument that starts it.
    pub started_by: InstrumentId,
}

/// All the provision periods of one service, in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvisionHistory {
    periods: Vec<ProvisionPeriod>,
}

impl ProvisionHistory {
    /// Builds the history of one service from its periods, checking they do not overlap.
    ///
    /// `name_of` names organisations in the error message.
    pub fn new(
        service_name: &str,
        mut periods: Vec<ProvisionPeriod>,
        name_of: impl Fn(OrganisationId) -> String,
    ) -> Result<Self, DomainError> {
        periods.sort_by_key(|p| p.period.start());
        for pair in periods.windows(2) {
            if let [earlier, later] = pair {
                if earlier.period.overlaps(&later.period) {
                    return Err(DomainError::ProvisionOverlap {
                        service: service_name.to_owned(),
                        existing_provider: name_of(earlier.provider),
                        existing_from: earlier.period.start(),
                        existing_to: earlier.period.end(),
                    });
                }
            }
        }
        Ok(ProvisionHistory { periods })
    }

    /// The periods, earliest first.
    pub fn periods(&self) -> &[ProvisionPeriod] {
        &self.periods
    }

    /// The period in force on `day`, if the service was provided then.
    pub fn on(&self, day: NaiveDate) -> Option<&ProvisionPeriod> {
        // Periods are sorted and disjoint: the candidate is the last one starting on or
        // before `day`.
        let idx = self.periods.partition_point(|p| p.period.start() <= day);
        idx.checked_sub(1)
            .and_then(|i| self.periods.get(i))
            .filter(|p| p.period.contains(day))
    }

    /// Works out the rows that make `change` true, or says which rule it breaks.
    pub fn plan_change(
        &self,
        change: &ProvisionChange<'_>,
        name_of: impl Fn(OrganisationId) -> String,
    ) -> Result<ProvisionEdit, DomainError> {
        let instrument = change.instrument;
        if change.effective_from < instrument.earliest_effect() {
            return Err(DomainError::EffectBeforeInstrument {
                instrument: instrument.reference.clone(),
                made: instrument.earliest_effect(),
                effective: change.effective_from,
            });
        }
        let overlap = |p: &ProvisionPeriod| DomainError::ProvisionOverlap {
            service: change.service_name.to_owned(),
            existing_provider: name_of(p.provider),
            existing_from: p.period.start(),
            existing_to: p.period.end(),
        };
        // A later period would overlap the new open-ended one.
        if let Some(later) = self
            .periods
            .iter()
            .find(|p| p.period.start() >= change.effective_from)
        {
            return Err(overlap(later));
        }
        let close = match self.on(change.effective_from) {
            None => None,
            Some(current) if current.period.end().is_some() => return Err(overlap(current)),
            Some(current) if current.provider == change.provider => {
                return Err(DomainError::NoChange {
                    service: change.service_name.to_owned(),
                    provider: name_of(current.provider),
                    date: change.effective_from,
                })
            }
            Some(current) => Some((current.id, day_before(change.effective_from), instrument.id)),
        };
        Ok(ProvisionEdit {
            close,
            open: NewProvision {
                service: change.service,
                provider: change.provider,
                period: Period::open_from(change.effective_from),
                started_by: instrument.id,
            },
        })
    }

    /// Applies an edit to this in-memory history (the store applies the same edit to its
    /// rows), giving the new period `id`.
    pub fn apply(&mut self, edit: &ProvisionEdit, id: ProvisionId) -> Result<(), DomainError> {
        if let Some((close_id, last_day, ended_by)) = edit.close {
            if let Some(p) = self.periods.iter_mut().find(|p| p.id == close_id) {
                p.period = p.period.ended_on("provision", last_day)?;
                p.ended_by = Some(ended_by);
            }
        }
        self.periods.push(ProvisionPeriod {
            id,
            service: edit.open.service,
            provider: edit.open.provider,
            period: edit.open.period,
            started_by: edit.open.started_by,
            ended_by: None,
        });
        self.periods.sort_by_key(|p| p.period.start());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::InstrumentDetails;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn decision(id: i64, made_on: NaiveDate) -> Instrument {
        Instrument {
            id: InstrumentId(id),
            authority: OrganisationId(1),
            reference: format!("CAB/{id}"),
            title: "decision".into(),
            made_on,
            details: InstrumentDetails::CabinetDecision {
                decision: "move it".into(),
                recommendation: "move it".into(),
            },
        }
    }

    fn name(o: OrganisationId) -> String {
        format!("org {o}")
    }

    fn change<'a>(
        provider: i64,
        from: NaiveDate,
        instrument: &'a Instrument,
    ) -> ProvisionChange<'a> {
        ProvisionChange {
            service: ServiceId(1),
            service_name: "Children's social care",
            provider: OrganisationId(provider),
            effective_from: from,
            instrument,
        }
    }

    #[test]
    fn a_change_closes_the_current_period_the_day_before() {
        let mut h = ProvisionHistory::default();
        let i1 = decision(1, d(2010, 3, 1));
        let e = h.plan_change(&change(1, d(2010, 4, 1), &i1), name).unwrap();
        assert_eq!(e.close, None);
        h.apply(&e, ProvisionId(1)).unwrap();
        let i2 = decision(2, d(2022, 3, 30));
        let e = h.plan_change(&change(2, d(2022, 4, 1), &i2), name).unwrap();
        assert_eq!(
            e.close,
            Some((ProvisionId(1), d(2022, 3, 31), InstrumentId(2)))
        );
        h.apply(&e, ProvisionId(2)).unwrap();
        assert_eq!(h.on(d(2022, 3, 31)).unwrap().provider, OrganisationId(1));
        assert_eq!(h.on(d(2022, 4, 1)).unwrap().provider, OrganisationId(2));
        assert!(h.on(d(2010, 3, 31)).is_none());
    }

    #[test]
    fn a_change_before_its_instrument_is_refused() {
        let h = ProvisionHistory::default();
        let i = decision(1, d(2022, 3, 30));
        let err = h
            .plan_change(&change(1, d(2022, 3, 29), &i), name)
            .unwrap_err();
        assert!(
            matches!(err, DomainError::EffectBeforeInstrument { .. }),
            "{err}"
        );
    }

    #[test]
    fn history_is_not_rewritten() {
        let mut h = ProvisionHistory::default();
        let i1 = decision(1, d(2010, 3, 1));
        let e = h
            .plan_change(&change(1, d(2014, 10, 1), &i1), name)
            .unwrap();
        h.apply(&e, ProvisionId(1)).unwrap();
        let err = h
            .plan_change(&change(2, d(2014, 10, 1), &i1), name)
            .unwrap_err();
        assert!(err.to_string().contains("would overlap"), "{err}");
        let err = h
            .plan_change(&change(1, d(2015, 1, 1), &i1), name)
            .unwrap_err();
        assert!(matches!(err, DomainError::NoChange { .. }), "{err}");
    }

    #[test]
    fn overlapping_rows_are_refused_when_loaded() {
        let p = |id: i64, start, end| ProvisionPeriod {
            id: ProvisionId(id),
            service: ServiceId(1),
            provider: OrganisationId(id),
            period: Period::new("p", start, end).unwrap(),
            started_by: InstrumentId(1),
            ended_by: None,
        };
        let ok = ProvisionHistory::new(
            "CSC",
            vec![
                p(2, d(2022, 4, 1), None),
                p(1, d(2014, 1, 1), Some(d(2022, 3, 31))),
            ],
            name,
        );
        assert_eq!(ok.unwrap().periods()[0].id, ProvisionId(1));
        let bad = ProvisionHistory::new(
            "CSC",
            vec![
                p(1, d(2014, 1, 1), Some(d(2022, 4, 1))),
                p(2, d(2022, 4, 1), None),
            ],
            name,
        );
        assert!(bad.is_err());
    }

    proptest! {
        /// Whatever sequence of changes is attempted, the accepted ones leave a history in
        /// which periods never overlap, each cites an instrument, and every day from the
        /// first change on has exactly one provider.
        #[test]
        fn accepted_changes_never_overlap(
            steps in proptest::collection::vec((1i64..5, 0u32..6000, 0u32..30), 1..40)
        ) {
            let base = d(2005, 1, 1);
            let mut h = ProvisionHistory::default();
            let mut accepted = 0;
            for (next_id, (provider, offset, made_before)) in (1..).zip(steps) {
                let from = base + chrono::Days::new(u64::from(offset));
                let made = from - chrono::Days::new(u64::from(made_before));
                let instrument = decision(next_id, made);
                if let Ok(edit) = h.plan_change(&change(provider, from, &instrument), name) {
                    h.apply(&edit, ProvisionId(next_id)).unwrap();
                    accepted += 1;
                }
            }
            prop_assert_eq!(h.periods().len(), accepted);
            for pair in h.periods().windows(2) {
                prop_assert!(!pair[0].period.overlaps(&pair[1].period));
                // Contiguous: a change closes the old period the day before the new one.
                prop_assert_eq!(pair[0].period.end().map(|e| e + chrono::Days::new(1)), Some(pair[1].period.start()));
                prop_assert!(pair[0].ended_by.is_some());
                prop_assert_ne!(pair[0].provider, pair[1].provider);
            }
            if let Some(first) = h.periods().first() {
                for offset in (0..7000u64).step_by(97) {
                    let day = base + chrono::Days::new(offset);
                    let covering = h.periods().iter().filter(|p| p.period.contains(day)).count();
                    prop_assert_eq!(covering, usize::from(day >= first.period.start()));
                    prop_assert_eq!(h.on(day).is_some(), covering == 1);
                }
            }
        }
    }
}
