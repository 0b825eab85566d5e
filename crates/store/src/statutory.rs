//! The bulk read the statutory returns are made from: every child with work in a
//! window, as `carebridge_domain::statutory` shapes them.

use std::collections::HashMap;

use carebridge_domain::casework::{ClosureReason, WorkerChange};
use carebridge_domain::child::Sex;
use carebridge_domain::statutory::{
    ProviderPeriod, StatutoryAllocation, StatutoryPerson, StatutoryRecord, StatutoryRecords,
    StatutoryWork,
};
use carebridge_domain::{ChildId, InvolvementId, Period, ServiceId, StaffId};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::casefile::{brief_queries, events_brief, notes_brief};
use crate::children::involvement;
use crate::records::Params;
use crate::rows::{corrupt, date, date_text, opt_date};
use crate::{RecordTx, StoreError};

fn person(row: &AnyRow) -> Result<StatutoryPerson, StoreError> {
    let sex: String = row.try_get("sex")?;
    let disabilities: Option<String> = row.try_get("disabilities")?;
    Ok(StatutoryPerson {
        id: ChildId(row.try_get("id")?),
        sex: Sex::parse(&sex).map_err(corrupt("child's sex"))?,
        date_of_birth: date(row, "date_of_birth")?,
        unborn: opt_date(row, "expected_date_of_birth")?.is_some(),
        ethnicity: row.try_get("ethnicity")?,
        disabilities: disabilities
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
        uasc: row.try_get::<i64, _>("uasc")? != 0,
        upn: row.try_get("upn")?,
        postcode: row.try_get("postcode")?,
        children_born: Vec::new(),
    })
}

fn period(row: &AnyRow, what: &'static str) -> Result<Period, StoreError> {
    Period::new(what, date(row, "starts_on")?, opt_date(row, "ends_on")?).map_err(corrupt(what))
}

impl RecordTx {
    /// Every child with work open on some day from `from` to `to` (inclusive), by id,
    /// with their whole record as the returns read it (all their work, events, visits
    /// and allocations, before the window too, for counts such as "previous child
    /// protection plans"), and the provision of every service with providers' names.
    ///
    /// Reads the whole authority, restricted records included (statutory returns count
    /// every child): the caller decides with the policy first and audits each child.
    /// Seven queries whatever the number of children; events and notes come as one
    /// aggregated row per child.
    pub async fn statutory_records(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<StatutoryRecords, StoreError> {
        let mut p = Params::default();
        let from = p.text(&date_text(from));
        let to = p.text(&date_text(to));
        let children = format!(
            "SELECT w.child_id FROM involvements w \
             WHERE w.starts_on <= {to} AND (w.ends_on IS NULL OR w.ends_on >= {from})"
        );
        let [events, notes] = brief_queries(&children);
        let queries = [
            format!(
                "SELECT c.id, c.sex, c.date_of_birth, c.expected_date_of_birth, c.ethnicity, \
                 c.disabilities, c.uasc, c.upn, \
                 (SELECT a.postcode FROM person_addresses a WHERE a.child_id = c.id \
                  ORDER BY a.lived_from DESC, a.id DESC LIMIT 1) AS postcode \
                 FROM children c WHERE c.id IN ({children}) ORDER BY c.id"
            ),
            format!(
                "SELECT i.id, i.child_id, i.service_id, i.team_id, i.kind, i.starts_on, i.ends_on, \
                 i.closure_reason, t.name AS team_name FROM involvements i \
                 LEFT JOIN teams t ON t.id = i.team_id \
                 WHERE i.child_id IN ({children}) ORDER BY i.child_id, i.starts_on, i.id"
            ),
            events,
            notes,
            format!(
                "SELECT i.child_id, a.involvement_id, s.given_name || ' ' || s.family_name AS worker, \
                 a.staff_id, s.swe_registration, a.change_reason, \
                 t.name AS team_name, a.starts_on, a.ends_on FROM allocations a \
                 JOIN involvements i ON i.id = a.involvement_id \
                 JOIN staff s ON s.id = a.staff_id JOIN teams t ON t.id = a.team_id \
                 WHERE i.child_id IN ({children}) ORDER BY i.child_id, a.starts_on, a.id"
            ),
            // A relationship "mother" on a child's record names the mother (another
            // child here); her children's dates of birth are the 903's MC_DOB.
            format!(
                "SELECT r.other_child_id AS child_id, b.date_of_birth FROM relationships r \
                 JOIN children b ON b.id = r.child_id \
                 WHERE r.kind = 'mother' AND r.other_child_id IN ({children}) \
                 ORDER BY r.other_child_id, b.date_of_birth"
            ),
            // Every placeholder must appear in every query for PostgreSQL to type it.
            format!(
                "SELECT p.service_id, o.name AS provider, p.starts_on, p.ends_on \
                 FROM provision_periods p JOIN organisations o ON o.id = p.provider_id \
                 WHERE CAST({from} AS TEXT) IS NOT NULL AND CAST({to} AS TEXT) IS NOT NULL \
                 ORDER BY p.service_id, p.starts_on"
            ),
        ];
        let mut rows = Vec::with_capacity(queries.len());
        for sql in &queries {
            rows.push(
                p.clone()
                    .bind(sqlx::query(sql))
                    .fetch_all(self.conn())
                    .await?,
            );
        }
        let [people, work, events, notes, allocations, mothers, provision] = &rows[..] else {
            return Err(StoreError::Corrupt {
                what: "statutory records",
                problem: "a query is missing".to_owned(),
            });
        };
        let mut records = people
            .iter()
            .map(|row| {
                Ok(StatutoryRecord {
                    person: person(row)?,
                    work: Vec::new(),
                    events: Vec::new(),
                    notes: Vec::new(),
                    allocations: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let position: HashMap<i64, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.person.id.0, i))
            .collect();
        let slot = |row: &AnyRow| -> Result<Option<usize>, StoreError> {
            let owner: i64 = row.try_get("child_id")?;
            Ok(position.get(&owner).copied())
        };
        for row in work {
            let closure: Option<String> = row.try_get("closure_reason")?;
            let item = StatutoryWork {
                work: involvement(row)?,
                team: row.try_get("team_name")?,
                closure: closure
                    .map(|c| ClosureReason::parse(&c))
                    .transpose()
                    .map_err(corrupt("involvements.closure_reason"))?,
            };
            if let Some(r) = slot(row)?.and_then(|i| records.get_mut(i)) {
                r.work.push(item);
            }
        }
        for row in events {
            if let Some(r) = slot(row)?.and_then(|i| records.get_mut(i)) {
                r.events = events_brief(r.person.id, row.try_get("entries")?)?;
            }
        }
        for row in notes {
            if let Some(r) = slot(row)?.and_then(|i| records.get_mut(i)) {
                r.notes = notes_brief(r.person.id, row.try_get("entries")?)?;
            }
        }
        for row in allocations {
            let change: Option<String> = row.try_get("change_reason")?;
            let item = StatutoryAllocation {
                work: InvolvementId(row.try_get("involvement_id")?),
                staff: StaffId(row.try_get("staff_id")?),
                worker: row.try_get("worker")?,
                registration: row.try_get("swe_registration")?,
                change: change
                    .map(|c| WorkerChange::parse(&c).map_err(corrupt("change of social worker")))
                    .transpose()?,
                team: row.try_get("team_name")?,
                period: period(row, "allocation")?,
            };
            if let Some(r) = slot(row)?.and_then(|i| records.get_mut(i)) {
                r.allocations.push(item);
            }
        }
        for row in mothers {
            let born = date(row, "date_of_birth")?;
            if let Some(r) = slot(row)?.and_then(|i| records.get_mut(i)) {
                r.person.children_born.push(born);
            }
        }
        let provision = provision
            .iter()
            .map(|row| {
                Ok(ProviderPeriod {
                    service: ServiceId(row.try_get("service_id")?),
                    period: period(row, "provision period")?,
                    provider: row.try_get("provider")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(StatutoryRecords { records, provision })
    }
}
