//! Writing records imported from a return made by a previous system, in one
//! transaction: all of it or, on any error, none. Each child, piece of work and event
//! is found again by its key in `imported_records`, so importing the same return twice
//! changes nothing, and a later return updates a child's details and a piece of work's
//! start, end and closure reason as [`kept_span`] says (events already imported are
//! left as they are). A period of care is also found by overlapping one imported before
//! (a child is in one period of care at a time, and each year's 903 shows it from a
//! different first episode); its events are then found again under either return's
//! key, and an event that only restates what the work already records is left out.

use carebridge_domain::child::InvolvementKind;
use carebridge_domain::imported::{kept_span, ImportCounts, ImportedChild, ImportedWork};
use carebridge_domain::person::{AddressPeriod, NewChild, PersonDetails};
use carebridge_domain::{ChildId, ServiceId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Any, AnyConnection, Row};

use crate::audit::{append_all, NewAuditEntry};
use crate::casefile::fields_text;
use crate::person::insert_addresses;
use crate::records::insert_child;
use crate::rows::{closed_at_text, date, date_text, instant_text, opt_date, opt_date_text};
use crate::{Store, StoreError};

/// Who the import writes as, and under which service its work goes.
#[derive(Debug, Clone, Copy)]
pub struct Importer<'a> {
    /// The import's name in `imported_records` (e.g. `cin`).
    pub source: &'a str,
    /// The service the imported work is filed under.
    pub service: ServiceId,
    /// The account the events are recorded by.
    pub recorded_by: UserId,
    /// The name work is recorded as closed by.
    pub closed_by: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// The last day the return describes the records as at (a work still open in it is
    /// open then, not necessarily later).
    pub as_at: NaiveDate,
}

/// The name an imported child is given until someone records theirs (returns carry
/// no names).
pub const UNNAMED: &str = "Name not recorded";

impl Store {
    /// Writes `children` in one transaction, with the audit entries `audit` makes of
    /// what was written and the children it touched; returns what was created, updated
    /// and already there.
    pub async fn import_children(
        &self,
        importer: &Importer<'_>,
        children: &[ImportedChild],
        audit: impl FnOnce(&ImportCounts, &[ChildId]) -> Vec<NewAuditEntry>,
    ) -> Result<ImportCounts, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut counts = ImportCounts::default();
        let mut ids = Vec::with_capacity(children.len());
        for child in children {
            let id = child_row(&mut tx, child, &mut counts).await?;
            for work in &child.work {
                work_row(&mut tx, importer, id, child, work, &mut counts).await?;
            }
            ids.push(id);
        }
        append_all(&mut tx, &audit(&counts, &ids)).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

async fn find(
    tx: &mut AnyConnection,
    source: &str,
    kind: &str,
    key: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT record_id FROM imported_records WHERE source = $1 AND kind = $2 AND key = $3",
    )
    .bind(source)
    .bind(kind)
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?)
}

async fn remember(
    tx: &mut AnyConnection,
    source: &str,
    kind: &str,
    key: &str,
    id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO imported_records (source, kind, key, record_id) VALUES ($1, $2, $3, $4)",
    )
    .bind(source)
    .bind(kind)
    .bind(key)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Children are found by their id in the previous system whichever return brought
/// them (a child in both the CIN census and the 903 is one child).
const CHILDREN: &str = "previous-system";

fn details(child: &ImportedChild) -> PersonDetails {
    PersonDetails {
        expected_date_of_birth: child.unborn.then_some(child.date_of_birth),
        ethnicity: child.ethnicity,
        upn: child.upn.clone(),
        disabilities: child.disabilities.clone().unwrap_or_default(),
        uasc: child.uasc.unwrap_or(false),
        addresses: child
            .home
            .iter()
            .map(|(postcode, from)| AddressPeriod {
                line: String::new(),
                postcode: postcode.clone(),
                from: *from,
                to: None,
            })
            .collect(),
        ..PersonDetails::default()
    }
}

/// The child's row: created, or its coded details written again where the return
/// gives them and they changed.
async fn child_row(
    tx: &mut AnyConnection,
    child: &ImportedChild,
    counts: &mut ImportCounts,
) -> Result<ChildId, StoreError> {
    let details = details(child);
    if let Some(id) = find(tx, CHILDREN, "child", &child.key).await? {
        let row = sqlx::query(
            "SELECT sex, date_of_birth, expected_date_of_birth, ethnicity, upn, disabilities, \
             uasc FROM children WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let mut stored: Vec<Option<String>> = Vec::with_capacity(7);
        for i in 0..6 {
            stored.push(row.try_get::<Option<String>, _>(i)?);
        }
        let stored_uasc: i64 = row.try_get(6)?;
        let keep = |i: usize| stored.get(i).cloned().flatten();
        let wanted = [
            Some(child.sex.code().to_owned()),
            Some(date_text(child.date_of_birth)),
            opt_date_text(details.expected_date_of_birth),
            child
                .ethnicity
                .map(|e| e.code().to_owned())
                .or_else(|| keep(3)),
            child
                .upn
                .as_ref()
                .map(|u| u.as_str().to_owned())
                .or_else(|| keep(4)),
            match &child.disabilities {
                Some(d) if !d.is_empty() => {
                    Some(d.iter().map(|x| x.code()).collect::<Vec<_>>().join(","))
                }
                _ => keep(5),
            },
        ];
        let uasc = child.uasc.map_or(stored_uasc, i64::from);
        // A child a return brought without a home (a care leaver's row) is given the
        // one a later return gives; an address already recorded is kept.
        let homeless = !details.addresses.is_empty()
            && sqlx::query_scalar::<Any, String>(
                "SELECT postcode FROM person_addresses WHERE child_id = $1 LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .is_none();
        if homeless {
            let addresses: Vec<_> = details.addresses.iter().map(|a| (ChildId(id), a)).collect();
            insert_addresses(tx, &addresses).await?;
        }
        if stored.as_slice() == wanted.as_slice() && uasc == stored_uasc && !homeless {
            counts.unchanged += 1;
        } else {
            let mut q = sqlx::query(
                "UPDATE children SET sex = $1, date_of_birth = $2, expected_date_of_birth = $3, \
                 ethnicity = $4, upn = $5, disabilities = $6, uasc = $7 WHERE id = $8",
            );
            for value in wanted {
                q = q.bind(value);
            }
            q.bind(uasc).bind(id).execute(&mut *tx).await?;
            counts.children_updated += 1;
        }
        return Ok(ChildId(id));
    }
    let new = NewChild {
        given_name: UNNAMED.to_owned(),
        family_name: format!("child {}", child.key),
        sex: child.sex,
        date_of_birth: child.date_of_birth,
        details,
    };
    let id = insert_child(tx, &new).await?;
    remember(tx, CHILDREN, "child", &child.key, id.0).await?;
    counts.children_created += 1;
    Ok(id)
}

/// A piece of work with its events: the one imported before under the same key or,
/// for a period of care, one it overlaps (a child is in one period of care at a time,
/// and a return shows a period begun before the year from its first episode in the
/// year only), kept as [`kept_span`] says; or a new one.
async fn work_row(
    tx: &mut AnyConnection,
    importer: &Importer<'_>,
    child_id: ChildId,
    child: &ImportedChild,
    work: &ImportedWork,
    counts: &mut ImportCounts,
) -> Result<(), StoreError> {
    let key = format!("{}/{}", child.key, work.key);
    let closure = work.closure.map(|r| r.code().to_owned());
    let mut found = find(tx, importer.source, "work", &key).await?;
    if found.is_none() && work.kind == InvolvementKind::LookedAfter {
        found = overlapping(tx, importer.source, child_id, work).await?;
        if let Some(id) = found {
            remember(tx, importer.source, "work", &key, id).await?;
        }
    }
    let id = match found {
        Some(id) => {
            let row = sqlx::query(
                "SELECT starts_on, ends_on, closure_reason FROM involvements WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let stored_start = date(&row, "starts_on")?;
            let stored_end = opt_date(&row, "ends_on")?;
            let stored_closure: Option<String> = row.try_get("closure_reason")?;
            let kept = kept_span(
                (stored_start, stored_end),
                (work.start, work.end),
                importer.as_at,
            );
            let closure = if kept.ended_by_return {
                closure
            } else {
                stored_closure.clone()
            };
            let moved = kept.start != stored_start;
            // Who closed it and when are written again only with a new end or reason
            // (a close kept as it was keeps its author, who may be a person).
            let ended = (kept.end, &closure) != (stored_end, &stored_closure);
            if moved {
                sqlx::query("UPDATE involvements SET starts_on = $1 WHERE id = $2")
                    .bind(date_text(kept.start))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            if ended {
                let closed_at = kept
                    .end
                    .filter(|_| closure.is_some())
                    .and_then(closed_at_text);
                let closed_by = closure.as_ref().map(|_| importer.closed_by.to_owned());
                sqlx::query(
                    "UPDATE involvements SET ends_on = $1, closure_reason = $2, closed_by = $3, \
                     closed_at = $4 WHERE id = $5",
                )
                .bind(opt_date_text(kept.end))
                .bind(closure)
                .bind(closed_by)
                .bind(closed_at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            if moved || ended {
                counts.work_updated += 1;
            } else {
                counts.unchanged += 1;
            }
            id
        }
        None => {
            let closed_at = work
                .end
                .filter(|_| closure.is_some())
                .and_then(closed_at_text);
            let closed_by = closure.as_ref().map(|_| importer.closed_by.to_owned());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO involvements (child_id, service_id, team_id, kind, starts_on, \
                 ends_on, closure_reason, closed_by, closed_at) \
                 VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(child_id.0)
            .bind(importer.service.0)
            .bind(work.kind.code())
            .bind(date_text(work.start))
            .bind(opt_date_text(work.end))
            .bind(closure)
            .bind(closed_by)
            .bind(closed_at)
            .fetch_one(&mut *tx)
            .await?;
            remember(tx, importer.source, "work", &key, id).await?;
            counts.work_created += 1;
            id
        }
    };
    // The work's keys in every return that brought it: an event is found again under
    // any of them. Only periods of care are merged, so only they can have several.
    // Planned afresh each time (not kept prepared): in a first import the table grows
    // from nothing within the transaction, and PostgreSQL would keep a plan made for an
    // empty table.
    let keys: Vec<String> = if work.kind == InvolvementKind::LookedAfter {
        sqlx::query_scalar(
            "SELECT key FROM imported_records WHERE source = $1 AND kind = 'work' \
             AND record_id = $2",
        )
        .bind(importer.source)
        .bind(id)
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?
    } else {
        vec![key.clone()]
    };
    for event in &work.events {
        let mut known = false;
        for work_key in &keys {
            let event_key = format!("{work_key}/{}", event.key);
            if find(tx, importer.source, "event", &event_key)
                .await?
                .is_some()
            {
                known = true;
                break;
            }
        }
        if !known && event.restates {
            known = sqlx::query_scalar::<Any, i64>(
                "SELECT id FROM case_events WHERE child_id = $1 AND occurred_on <= $2 \
                 AND involvement_id = $3 AND kind = $4 LIMIT 1",
            )
            .bind(child_id.0)
            .bind(date_text(event.on))
            .bind(id)
            .bind(event.kind.code())
            .persistent(false)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        }
        if known {
            counts.unchanged += 1;
            continue;
        }
        let event_key = format!("{key}/{}", event.key);
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO case_events (child_id, involvement_id, kind, occurred_on, details, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(child_id.0)
        .bind(id)
        .bind(event.kind.code())
        .bind(date_text(event.on))
        .bind(fields_text(&event.details)?)
        .bind(importer.recorded_by.0)
        .bind(instant_text(importer.at))
        .fetch_one(&mut *tx)
        .await?;
        remember(tx, importer.source, "event", &event_key, event_id).await?;
        counts.events_created += 1;
    }
    Ok(())
}

/// The child's period of care imported before under `source` that `work` overlaps, if
/// any.
async fn overlapping(
    tx: &mut AnyConnection,
    source: &str,
    child: ChildId,
    work: &ImportedWork,
) -> Result<Option<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id, i.starts_on, i.ends_on FROM involvements i \
         WHERE i.child_id = $1 AND i.kind = $2 AND EXISTS (SELECT 1 FROM imported_records r \
         WHERE r.source = $3 AND r.kind = 'work' AND r.record_id = i.id) ORDER BY i.starts_on",
    )
    .bind(child.0)
    .bind(work.kind.code())
    .bind(source)
    .persistent(false)
    .fetch_all(&mut *tx)
    .await?;
    let after = |end: Option<NaiveDate>, day: NaiveDate| end.is_none_or(|e| e >= day);
    for row in rows {
        let (start, end) = (date(&row, "starts_on")?, opt_date(&row, "ends_on")?);
        if after(end, work.start) && after(work.end, start) {
            return Ok(Some(row.try_get("id")?));
        }
    }
    Ok(None)
}
