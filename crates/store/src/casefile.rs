//! Case notes, visits, events and drafts in SQL, inside a [`RecordTx`]: writing takes a
//! [`ChildAccess`] for [`carebridge_policy::ChildAction::Record`], reading one for
//! `Open`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use carebridge_domain::casefile::events::{Event, EventKind, NewEvent};
use carebridge_domain::casefile::notes::{NewNote, Note, NoteKind};
use carebridge_domain::casefile::work::NewWork;
use carebridge_domain::child::{Child, Involvement};
use carebridge_domain::{ChildId, EventId, InvolvementId, NoteId, ServiceId, StaffId, UserId};
use carebridge_policy::{CaseloadOf, ChildAccess, SearchScope};

use crate::children::{child, involvement};
use crate::records::{visible_to, Params};
use crate::rows::{corrupt, date, date_text, instant, instant_text, parse_stored_date};
use crate::{RecordTx, Store, StoreError};

/// A saved draft of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The form's path, e.g. `/children/12/notes/new`.
    pub form: String,
    /// Whose record it is about, if any.
    pub child: Option<ChildId>,
    /// The form's fields as typed (name to value).
    pub fields: BTreeMap<String, String>,
    /// When it was last saved.
    pub saved_at: DateTime<Utc>,
}

fn flag(row: &AnyRow, column: &'static str) -> Result<Option<bool>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(|v| v != 0))
}

fn note(row: &AnyRow) -> Result<Note, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Note {
        id: NoteId(row.try_get("id")?),
        child: ChildId(row.try_get("child_id")?),
        involvement: InvolvementId(row.try_get("involvement_id")?),
        kind: NoteKind::parse(&kind).map_err(corrupt("case_notes.kind"))?,
        occurred_on: date(row, "occurred_on")?,
        child_seen: flag(row, "child_seen")?,
        seen_alone: flag(row, "seen_alone")?,
        summary: row.try_get("summary")?,
        body: row.try_get("body")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: instant(row, "recorded_at")?,
    })
}

fn fields(column: &'static str, text: &str) -> Result<BTreeMap<String, String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        what: column,
        problem: e.to_string(),
    })
}

pub(crate) fn fields_text(fields: &BTreeMap<String, String>) -> Result<String, StoreError> {
    serde_json::to_string(fields).map_err(|e| StoreError::Corrupt {
        what: "fields",
        problem: e.to_string(),
    })
}

fn event(row: &AnyRow) -> Result<Event, StoreError> {
    let kind: String = row.try_get("kind")?;
    let details: String = row.try_get("details")?;
    Ok(Event {
        id: EventId(row.try_get("id")?),
        child: ChildId(row.try_get("child_id")?),
        involvement: InvolvementId(row.try_get("involvement_id")?),
        kind: EventKind::parse(&kind).map_err(corrupt("case_events.kind"))?,
        occurred_on: date(row, "occurred_on")?,
        details: fields("case_events.details", &details)?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: instant(row, "recorded_at")?,
    })
}

fn draft(row: &AnyRow) -> Result<Draft, StoreError> {
    let text: String = row.try_get("fields")?;
    Ok(Draft {
        form: row.try_get("form")?,
        child: row.try_get::<Option<i64>, _>("child_id")?.map(ChildId),
        fields: fields("drafts.fields", &text)?,
        saved_at: instant(row, "saved_at")?,
    })
}

pub(crate) fn writing(access: &ChildAccess) -> Result<(), StoreError> {
    if access.may_write() {
        Ok(())
    } else {
        Err(StoreError::Refused(
            "this access does not allow adding to the record",
        ))
    }
}

pub(crate) fn reading(access: &ChildAccess) -> Result<(), StoreError> {
    if access.may_read() {
        Ok(())
    } else {
        Err(StoreError::Refused(
            "this access does not allow reading the record",
        ))
    }
}

/// For what a form needs from the record: reading, or recording (which may see what it
/// adds to, e.g. the family list a relationship joins).
pub(crate) fn reading_or_writing(access: &ChildAccess) -> Result<(), StoreError> {
    if access.may_read() || access.may_write() {
        Ok(())
    } else {
        Err(StoreError::Refused(
            "this access does not allow reading the record",
        ))
    }
}

/// A child's events without their author, as one `string_agg` value (over
/// `case_events e`) of `|`-separated fields and `;`-separated entries in date order,
/// read back by [`events_brief`]. Hand-written: no crate reads this, and both
/// separators are outside every value written here (ids, codes, ISO dates and the
/// details' JSON of codes). A long record has hundreds of entries, and a row through
/// sqlx costs far more than its few bytes.
const EVENTS_BRIEF: &str = "string_agg(CAST(e.id AS TEXT) || '|' || CAST(e.involvement_id AS TEXT) || '|' || e.kind \
     || '|' || e.occurred_on || '|' || e.details || '|' || e.recorded_at, ';' ORDER BY e.occurred_on, e.id)";

/// A child's notes without their summary, text and author, likewise (over
/// `case_notes n`), read back by [`notes_brief`].
const NOTES_BRIEF: &str = "string_agg(CAST(n.id AS TEXT) || '|' || CAST(n.involvement_id AS TEXT) || '|' || n.kind \
     || '|' || n.occurred_on || '|' || COALESCE(CAST(n.child_seen AS TEXT), '') \
     || '|' || COALESCE(CAST(n.seen_alone AS TEXT), '') || '|' || n.recorded_at, ';' ORDER BY n.occurred_on, n.id)";

/// The two queries that read the events and the notes of the children `children`
/// (a subquery of ids) as one [`EVENTS_BRIEF`] / [`NOTES_BRIEF`] row per child, each
/// with its `child_id` and `entries`.
pub(crate) fn brief_queries(children: &str) -> [String; 2] {
    [
        format!(
            "SELECT e.child_id, {EVENTS_BRIEF} AS entries FROM case_events e \
             WHERE e.child_id IN ({children}) GROUP BY e.child_id"
        ),
        format!(
            "SELECT n.child_id, {NOTES_BRIEF} AS entries FROM case_notes n \
             WHERE n.child_id IN ({children}) GROUP BY n.child_id"
        ),
    ]
}

fn brief_entry_error(what: &'static str) -> StoreError {
    StoreError::Corrupt {
        what,
        problem: "an entry does not have its fields".to_owned(),
    }
}

fn brief_id(text: &str, what: &'static str) -> Result<i64, StoreError> {
    text.parse::<i64>().map_err(|_| brief_entry_error(what))
}

fn brief_instant(text: &str, what: &'static str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| brief_entry_error(what))
}

/// Reads an [`EVENTS_BRIEF`] value (None: the child has no events).
pub(crate) fn events_brief(child: ChildId, text: Option<String>) -> Result<Vec<Event>, StoreError> {
    let mut events = Vec::new();
    for entry in text
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|e| !e.is_empty())
    {
        let f: Vec<&str> = entry.splitn(6, '|').collect();
        let [eid, work, kind, on, details, at] = f[..] else {
            return Err(brief_entry_error("case_events"));
        };
        events.push(Event {
            id: EventId(brief_id(eid, "case_events.id")?),
            child,
            involvement: InvolvementId(brief_id(work, "case_events.involvement_id")?),
            kind: EventKind::parse(kind).map_err(corrupt("case_events.kind"))?,
            occurred_on: parse_stored_date("case_events.occurred_on", on)?,
            details: fields("case_events.details", details)?,
            recorded_by: String::new(),
            recorded_at: brief_instant(at, "case_events.recorded_at")?,
        });
    }
    Ok(events)
}

/// Reads a [`NOTES_BRIEF`] value (None: the child has no notes).
pub(crate) fn notes_brief(child: ChildId, text: Option<String>) -> Result<Vec<Note>, StoreError> {
    let flag = |text: &str| match text {
        "" => None,
        "0" => Some(false),
        _ => Some(true),
    };
    let mut notes = Vec::new();
    for entry in text
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|e| !e.is_empty())
    {
        let f: Vec<&str> = entry.splitn(7, '|').collect();
        let [nid, work, kind, on, seen, alone, at] = f[..] else {
            return Err(brief_entry_error("case_notes"));
        };
        notes.push(Note {
            id: NoteId(brief_id(nid, "case_notes.id")?),
            child,
            involvement: InvolvementId(brief_id(work, "case_notes.involvement_id")?),
            kind: NoteKind::parse(kind).map_err(corrupt("case_notes.kind"))?,
            occurred_on: parse_stored_date("case_notes.occurred_on", on)?,
            child_seen: flag(seen),
            seen_alone: flag(alone),
            summary: String::new(),
            body: String::new(),
            recorded_by: String::new(),
            recorded_at: brief_instant(at, "case_notes.recorded_at")?,
        });
    }
    Ok(notes)
}

impl RecordTx {
    /// The child's name, for a form that adds to their record.
    pub async fn recorded_child_name(
        &mut self,
        access: &ChildAccess,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .recorded_child(access)
            .await?
            .map(|c| format!("{} {}", c.given_name, c.family_name)))
    }

    /// The child a recording access is for (name, sex, date of birth), as the form
    /// shows and checks them.
    pub async fn recorded_child(
        &mut self,
        access: &ChildAccess,
    ) -> Result<Option<Child>, StoreError> {
        writing(access)?;
        if let Some((c, _)) = self.loaded.as_ref().filter(|(c, _)| c.id == access.child()) {
            return Ok(Some(c.clone()));
        }
        sqlx::query(
            "SELECT id, given_name, family_name, sex, date_of_birth FROM children WHERE id = $1",
        )
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        .as_ref()
        .map(child)
        .transpose()
    }

    /// Starts a checked piece of work on the record; returns its id.
    pub async fn open_work(
        &mut self,
        access: &ChildAccess,
        work: &NewWork,
    ) -> Result<InvolvementId, StoreError> {
        writing(access)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO involvements (child_id, service_id, team_id, kind, starts_on) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(access.child().0)
        .bind(work.service.0)
        .bind(work.team.0)
        .bind(work.kind.code())
        .bind(date_text(work.starts_on))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(InvolvementId(id))
    }

    /// Adds a checked note to the record; returns its id. The note's piece of work must
    /// be the child's (the database's foreign key and this check together).
    pub async fn add_note(
        &mut self,
        access: &ChildAccess,
        note: &NewNote,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<NoteId, StoreError> {
        writing(access)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO case_notes (child_id, involvement_id, kind, occurred_on, child_seen, \
             seen_alone, summary, body, recorded_by, recorded_at) \
             SELECT child_id, id, $1, $2, $3, $4, $5, $6, $7, $8 FROM involvements \
             WHERE id = $9 AND child_id = $10 RETURNING id",
        )
        .bind(note.kind.code())
        .bind(date_text(note.occurred_on))
        .bind(note.child_seen.map(i64::from))
        .bind(note.seen_alone.map(i64::from))
        .bind(&note.summary)
        .bind(&note.body)
        .bind(by.0)
        .bind(instant_text(at))
        .bind(note.involvement.0)
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::Refused(
            "that piece of work is not on this child's record",
        ))?;
        Ok(NoteId(id))
    }

    /// Adds a checked event to the record; returns its id.
    pub async fn add_event(
        &mut self,
        access: &ChildAccess,
        event: &NewEvent,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<EventId, StoreError> {
        writing(access)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO case_events (child_id, involvement_id, kind, occurred_on, details, \
             recorded_by, recorded_at) \
             SELECT child_id, id, $1, $2, $3, $4, $5 FROM involvements \
             WHERE id = $6 AND child_id = $7 RETURNING id",
        )
        .bind(event.kind.code())
        .bind(date_text(event.occurred_on))
        .bind(fields_text(&event.details)?)
        .bind(by.0)
        .bind(instant_text(at))
        .bind(event.involvement.0)
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::Refused(
            "that piece of work is not on this child's record",
        ))?;
        Ok(EventId(id))
    }

    /// The record's events and notes, each in date order. Without `in_full`, notes come
    /// without their summary, text and author, and events without their author (what
    /// the record page and the statutory clocks need: kinds, dates, codes and visit
    /// answers), each list read as one aggregated row: a long record has hundreds of
    /// entries, and a row through sqlx costs far more than its few bytes.
    pub async fn casefile(
        &mut self,
        access: &ChildAccess,
        in_full: bool,
    ) -> Result<(Vec<Event>, Vec<Note>), StoreError> {
        reading(access)?;
        if !in_full {
            return self.casefile_brief(access.child()).await;
        }
        let events = sqlx::query(
            "SELECT e.id, e.child_id, e.involvement_id, e.kind, e.occurred_on, e.details, \
             u.display_name AS recorded_by, e.recorded_at \
             FROM case_events e JOIN users u ON u.id = e.recorded_by \
             WHERE e.child_id = $1 ORDER BY e.occurred_on, e.id",
        )
        .bind(access.child().0)
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(event)
        .collect::<Result<Vec<_>, _>>()?;
        let notes = sqlx::query(
            "SELECT n.id, n.child_id, n.involvement_id, n.kind, n.occurred_on, n.child_seen, \
             n.seen_alone, n.summary, n.body, u.display_name AS recorded_by, n.recorded_at \
             FROM case_notes n JOIN users u ON u.id = n.recorded_by \
             WHERE n.child_id = $1 ORDER BY n.occurred_on, n.id",
        )
        .bind(access.child().0)
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(note)
        .collect::<Result<Vec<_>, _>>()?;
        Ok((events, notes))
    }

    /// Events and notes without text, each list as one `string_agg` row (see
    /// [`EVENTS_BRIEF`]).
    async fn casefile_brief(
        &mut self,
        child: ChildId,
    ) -> Result<(Vec<Event>, Vec<Note>), StoreError> {
        let row = sqlx::query(&format!(
            "SELECT (SELECT {EVENTS_BRIEF} FROM case_events e WHERE e.child_id = $1) AS events, \
             (SELECT {NOTES_BRIEF} FROM case_notes n WHERE n.child_id = $1) AS notes"
        ))
        .bind(child.0)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok((
            events_brief(child, row.try_get("events")?)?,
            notes_brief(child, row.try_get("notes")?)?,
        ))
    }

    /// Saves (or replaces) the person's draft of a form about the child. Returns
    /// whether a draft already existed.
    pub async fn save_draft(
        &mut self,
        access: &ChildAccess,
        user: UserId,
        form: &str,
        fields: &BTreeMap<String, String>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        writing(access)?;
        let text = fields_text(fields)?;
        let updated = sqlx::query(
            "UPDATE drafts SET fields = $1, saved_at = $2, child_id = $3 \
             WHERE user_id = $4 AND form = $5",
        )
        .bind(&text)
        .bind(instant_text(at))
        .bind(access.child().0)
        .bind(user.0)
        .bind(form)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if updated > 0 {
            return Ok(true);
        }
        sqlx::query(
            "INSERT INTO drafts (user_id, form, child_id, fields, saved_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user.0)
        .bind(form)
        .bind(access.child().0)
        .bind(&text)
        .bind(instant_text(at))
        .execute(&mut *self.tx)
        .await?;
        Ok(false)
    }

    /// The person's draft of a form about the child, if they have one.
    pub async fn draft(
        &mut self,
        access: &ChildAccess,
        user: UserId,
        form: &str,
    ) -> Result<Option<Draft>, StoreError> {
        writing(access)?;
        sqlx::query(
            "SELECT form, child_id, fields, saved_at FROM drafts \
             WHERE user_id = $1 AND form = $2 AND child_id = $3",
        )
        .bind(user.0)
        .bind(form)
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        .as_ref()
        .map(draft)
        .transpose()
    }

    /// Deletes the person's draft of a form (after it was saved for real).
    pub async fn delete_draft(&mut self, user: UserId, form: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND form = $2")
            .bind(user.0)
            .bind(form)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

/// A child's whole record, as a list of due work reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCasefile {
    /// The child.
    pub child: Child,
    /// Their work, earliest first.
    pub involvements: Vec<Involvement>,
    /// Events, in date order.
    pub events: Vec<Event>,
    /// Notes and visits, in date order.
    pub notes: Vec<Note>,
}

/// The most records a due-work list reads (a team's caseload is a few hundred).
pub const DUE_LIST_LIMIT: i64 = 2000;

impl RecordTx {
    /// The records of the children within `scope` (worked out in the query) who have
    /// work open on `day` held by `holder` (a team, or allocated to a worker), by
    /// family name. The caller audits each.
    pub async fn held_records(
        &mut self,
        scope: &SearchScope,
        holder: CaseloadOf,
        day: NaiveDate,
    ) -> Result<Vec<ChildCasefile>, StoreError> {
        let mut p = Params::default();
        let day = p.text(&date_text(day));
        let held = match holder {
            CaseloadOf::Team(t) => {
                let team = p.int(t.0);
                format!("h.team_id = {team}")
            }
            CaseloadOf::Staff(s) => {
                let staff = p.int(s.0);
                format!(
                    "EXISTS (SELECT 1 FROM allocations a WHERE a.involvement_id = h.id \
                     AND a.staff_id = {staff} AND a.starts_on <= {day} \
                     AND (a.ends_on IS NULL OR a.ends_on >= {day}))"
                )
            }
        };
        let visible = visible_to(&mut p, scope, &day);
        let limit = p.int(DUE_LIST_LIMIT);
        let sql = format!(
            "SELECT c.id, c.given_name, c.family_name, c.sex, c.date_of_birth FROM children c \
             LEFT JOIN record_restrictions r ON r.child_id = c.id \
             WHERE EXISTS (SELECT 1 FROM involvements h WHERE h.child_id = c.id AND {held} \
                           AND h.starts_on <= {day} AND (h.ends_on IS NULL OR h.ends_on >= {day})) \
             AND {visible} ORDER BY c.family_name, c.given_name, c.id LIMIT {limit}"
        );
        let q = p.bind(sqlx::query(&sql));
        let children = q
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(child)
            .collect::<Result<Vec<_>, _>>()?;
        let mut records: Vec<ChildCasefile> = children
            .into_iter()
            .map(|child| ChildCasefile {
                child,
                involvements: Vec::new(),
                events: Vec::new(),
                notes: Vec::new(),
            })
            .collect();
        let position: std::collections::HashMap<i64, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.child.id.0, i))
            .collect();
        let ids: Vec<i64> = records.iter().map(|r| r.child.id.0).collect();
        for chunk in ids.chunks(500) {
            let list = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let queries = [
                format!(
                    "SELECT id, child_id, service_id, team_id, kind, starts_on, ends_on FROM involvements \
                     WHERE child_id IN ({list}) ORDER BY child_id, starts_on, id"
                ),
                format!(
                    "SELECT e.id, e.child_id, e.involvement_id, e.kind, e.occurred_on, e.details, \
                     u.display_name AS recorded_by, e.recorded_at \
                     FROM case_events e JOIN users u ON u.id = e.recorded_by \
                     WHERE e.child_id IN ({list}) ORDER BY e.child_id, e.occurred_on, e.id"
                ),
                format!(
                    "SELECT n.id, n.child_id, n.involvement_id, n.kind, n.occurred_on, n.child_seen, \
                     n.seen_alone, n.summary, n.body, u.display_name AS recorded_by, n.recorded_at \
                     FROM case_notes n JOIN users u ON u.id = n.recorded_by \
                     WHERE n.child_id IN ({list}) ORDER BY n.child_id, n.occurred_on, n.id"
                ),
            ];
            for (which, sql) in queries.iter().enumerate() {
                let mut q = sqlx::query(sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for row in q.fetch_all(&mut *self.tx).await? {
                    let owner: i64 = row.try_get("child_id")?;
                    let Some(record) = position.get(&owner).and_then(|i| records.get_mut(*i))
                    else {
                        continue;
                    };
                    match which {
                        0 => record.involvements.push(involvement(&row)?),
                        1 => record.events.push(event(&row)?),
                        _ => record.notes.push(note(&row)?),
                    }
                }
            }
        }
        Ok(records)
    }
}

/// A child with work open in some services on a day, as a transfer's dry run reads
/// them: the whole record as the statutory clocks need it (events and notes without
/// text), the piece of work that holds the child in those services, and who is
/// allocated to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCasefile {
    /// The child's record (notes without their text, events without their author).
    pub record: ChildCasefile,
    /// The open piece of work in one of the services (the latest started, if several).
    pub held: Involvement,
    /// The worker allocated to it on the day, if anyone.
    pub allocated: Option<StaffId>,
}

impl Store {
    /// Every child with work open on `day` in one of `services`, by child id, each with
    /// their record as the statutory clocks read it and the piece of work (and worker)
    /// that holds them there.
    ///
    /// A planning read for the transfer's dry run (an operator-level view: no policy,
    /// no audit entry). Its callers show counts and child ids, never names or what the
    /// record says. Five queries whatever the number of children: events and notes come
    /// as one aggregated row per child, because a row through sqlx costs far more than
    /// its bytes and an open case has dozens of entries.
    pub async fn open_casefiles(
        &self,
        services: &[ServiceId],
        day: NaiveDate,
    ) -> Result<Vec<OpenCasefile>, StoreError> {
        if services.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::default();
        let list = p.ints(services.iter().map(|s| s.0));
        let on = p.text(&date_text(day));
        let open_work = |w: &str| {
            format!(
                "{w}.service_id IN ({list}) AND {w}.starts_on <= {on} \
                 AND ({w}.ends_on IS NULL OR {w}.ends_on >= {on})"
            )
        };
        let open_children = format!(
            "SELECT w.child_id FROM involvements w WHERE {}",
            open_work("w")
        );
        let [events, notes] = brief_queries(&open_children);
        let queries = [
            format!(
                "SELECT c.id, c.given_name, c.family_name, c.sex, c.date_of_birth FROM children c \
                 WHERE c.id IN ({open_children}) ORDER BY c.id"
            ),
            format!(
                "SELECT id, child_id, service_id, team_id, kind, starts_on, ends_on FROM involvements \
                 WHERE child_id IN ({open_children}) ORDER BY child_id, starts_on, id"
            ),
            events,
            notes,
            format!(
                "SELECT a.involvement_id, a.staff_id FROM allocations a \
                 JOIN involvements i ON i.id = a.involvement_id \
                 WHERE {} AND a.starts_on <= {on} AND (a.ends_on IS NULL OR a.ends_on >= {on}) \
                 ORDER BY a.involvement_id, a.starts_on",
                open_work("i")
            ),
        ];
        let mut conn = self.pool().acquire().await?;
        let mut rows = Vec::new();
        for sql in &queries {
            rows.push(
                p.clone()
                    .bind(sqlx::query(sql))
                    .fetch_all(&mut *conn)
                    .await?,
            );
        }
        let [children, involvements, events, notes, allocations] = &rows[..] else {
            return Err(StoreError::Corrupt {
                what: "open casefiles",
                problem: "a query is missing".to_owned(),
            });
        };
        let mut records: Vec<ChildCasefile> = children
            .iter()
            .map(|row| {
                Ok(ChildCasefile {
                    child: child(row)?,
                    involvements: Vec::new(),
                    events: Vec::new(),
                    notes: Vec::new(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let position: std::collections::HashMap<i64, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.child.id.0, i))
            .collect();
        for row in involvements {
            let owner: i64 = row.try_get("child_id")?;
            if let Some(r) = position.get(&owner).and_then(|i| records.get_mut(*i)) {
                r.involvements.push(involvement(row)?);
            }
        }
        for row in events {
            let owner = ChildId(row.try_get("child_id")?);
            if let Some(r) = position.get(&owner.0).and_then(|i| records.get_mut(*i)) {
                r.events = events_brief(owner, row.try_get("entries")?)?;
            }
        }
        for row in notes {
            let owner = ChildId(row.try_get("child_id")?);
            if let Some(r) = position.get(&owner.0).and_then(|i| records.get_mut(*i)) {
                r.notes = notes_brief(owner, row.try_get("entries")?)?;
            }
        }
        let mut allocated = std::collections::HashMap::new();
        for row in allocations {
            // The latest allocation that started on or before the day wins.
            allocated.insert(
                InvolvementId(row.try_get("involvement_id")?),
                StaffId(row.try_get("staff_id")?),
            );
        }
        Ok(records
            .into_iter()
            .filter_map(|record| {
                let held = record
                    .involvements
                    .iter()
                    .filter(|w| services.contains(&w.service) && w.period.contains(day))
                    .max_by_key(|w| (w.period.start(), w.id))?
                    .clone();
                let allocated = allocated.get(&held.id).copied();
                Some(OpenCasefile {
                    record,
                    held,
                    allocated,
                })
            })
            .collect())
    }
}

impl Store {
    /// The person's drafts, newest first: which forms, about whom, saved when (their
    /// content is read only through the form, which asks the policy).
    pub async fn drafts_of(&self, user: UserId) -> Result<Vec<Draft>, StoreError> {
        sqlx::query(
            "SELECT form, child_id, '{}' AS fields, saved_at FROM drafts \
             WHERE user_id = $1 ORDER BY saved_at DESC",
        )
        .bind(user.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(draft)
        .collect()
    }

    /// Discards the person's draft of a form.
    pub async fn discard_draft(&self, user: UserId, form: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND form = $2")
            .bind(user.0)
            .bind(form)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }
}
