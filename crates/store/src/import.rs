//! Writing records imported from a return made by a previous system, in one
//! transaction: all of it or, on any error, none. Each child, piece of work and event
//! is found again by its key in `imported_records`, so importing the same return twice
//! changes nothing, and a later return updates a child's details and a piece of work's
//! end and closure reason (events already imported are left as they are).

use carebridge_domain::imported::{ImportCounts, ImportedChild, ImportedWork};
use carebridge_domain::person::{AddressPeriod, NewChild, PersonDetails};
use carebridge_domain::{ChildId, ServiceId, UserId};
use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, Row};

use crate::audit::{append_all, NewAuditEntry};
use crate::casefile::fields_text;
use crate::records::insert_child;
use crate::rows::{closed_at_text, date_text, instant_text, opt_date_text};
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
        if stored.as_slice() == wanted.as_slice() && uasc == stored_uasc {
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

/// A piece of work with its events.
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
    let closed_at = work
        .end
        .filter(|_| closure.is_some())
        .and_then(closed_at_text);
    let closed_by = closure.as_ref().map(|_| importer.closed_by.to_owned());
    let id = match find(tx, importer.source, "work", &key).await? {
        Some(id) => {
            let row = sqlx::query("SELECT ends_on, closure_reason FROM involvements WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let stored: (Option<String>, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
            if stored == (opt_date_text(work.end), closure.clone()) {
                counts.unchanged += 1;
            } else {
                sqlx::query(
                    "UPDATE involvements SET ends_on = $1, closure_reason = $2, closed_by = $3, \
                     closed_at = $4 WHERE id = $5",
                )
                .bind(opt_date_text(work.end))
                .bind(closure)
                .bind(closed_by)
                .bind(closed_at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                counts.work_updated += 1;
            }
            id
        }
        None => {
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
    for event in &work.events {
        let event_key = format!("{key}/{}", event.key);
        if find(tx, importer.source, "event", &event_key)
            .await?
            .is_some()
        {
            counts.unchanged += 1;
            continue;
        }
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
