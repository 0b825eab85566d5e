//! Bulk loading of a whole authority (the demo, or a generated benchmark authority).
//!
//! Rows keep the ids they were generated with, so a generated data set is the same
//! whichever backend holds it. Inserts go in multi-row statements inside one
//! transaction per call; nothing is half-loaded.

use carebridge_domain::casefile::events::Event;
use carebridge_domain::casefile::notes::Note;
use carebridge_domain::casework::ClosureReason;
use carebridge_domain::child::{Child, Involvement};
use carebridge_domain::inspection::{Inspection, Milestone};
use carebridge_domain::instrument::Instrument;
use carebridge_domain::organisation::Organisation;
use carebridge_domain::person::PersonDetails;
use carebridge_domain::provision::ProvisionPeriod;
use carebridge_domain::relationships::RelativeRecord;
use carebridge_domain::service::Service;
use carebridge_domain::staff::{Employment, Post, StaffMember, Team};
use carebridge_domain::{InvolvementId, UserId};
use sqlx::AnyConnection;

use crate::person::{
    child_cells, insert_person_rows, KeysTo, PersonRecord, CHILD_INSERT_COLUMNS, LOADING_KEYS,
};
use crate::rows::{closed_at_text, date_text, instant_text, opt_date_text};
use crate::{Backend, Store, StoreError};
use carebridge_domain::casework::NewAllocation;
use chrono::{DateTime, Utc};

/// Everything about an authority except its children.
#[derive(Debug, Clone, Copy)]
pub struct Seed<'a> {
    /// Organisations.
    pub organisations: &'a [Organisation],
    /// Services.
    pub services: &'a [Service],
    /// Instruments.
    pub instruments: &'a [Instrument],
    /// Provision periods (which must not overlap: the database checks).
    pub provision: &'a [ProvisionPeriod],
    /// Milestones.
    pub milestones: &'a [Milestone],
    /// Inspections.
    pub inspections: &'a [Inspection],
    /// Teams.
    pub teams: &'a [Team],
    /// Posts.
    pub posts: &'a [Post],
    /// Staff.
    pub staff: &'a [StaffMember],
    /// Employment periods.
    pub employments: &'a [Employment],
}

/// What goes with a batch of children: the allocations of their work (recorded as made
/// by `allocated_by` at `recorded_at`) and what was recorded on them (events and notes
/// written by `recorded_by`; their ids are the database's).
#[derive(Debug, Clone, Copy)]
pub struct BatchRecords<'a> {
    /// The children's person details, in the batch's order.
    pub people: &'a [PersonDetails],
    /// Allocations of the batch's involvements.
    pub allocations: &'a [NewAllocation],
    /// Who made them (a name, as allocations record it).
    pub allocated_by: &'a str,
    /// When they were recorded.
    pub recorded_at: DateTime<Utc>,
    /// Events on the children's records.
    pub events: &'a [Event],
    /// Notes and visits.
    pub notes: &'a [Note],
    /// Why closed work was closed (recorded as closed by `allocated_by`, at 17:00 on
    /// its last day).
    pub closures: &'a [(InvolvementId, ClosureReason)],
    /// The account that wrote the events and notes.
    pub recorded_by: UserId,
    /// The children's relatives (related people with fixed ids).
    pub relatives: &'a [RelativeRecord],
}

/// One bound value of a bulk insert.
pub(crate) enum Cell {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Bound parameters per statement. Small on purpose: sqlx's SQLite driver looks up each
/// parameter's name with `sqlite3_bind_parameter_name`, which walks the statement's
/// parameters, so binding costs grow with the square of their number per statement
/// (5,000 parameters a statement made loading the demo ten times slower).
const PARAMETERS_PER_STATEMENT: usize = 100;

pub(crate) async fn insert_rows(
    tx: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks((PARAMETERS_PER_STATEMENT / columns.len().max(1)).max(1)) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for cell in row {
                query = match cell {
                    Cell::Int(v) => query.bind(*v),
                    Cell::OptInt(v) => query.bind(*v),
                    Cell::Text(v) => query.bind(v.as_str()),
                    Cell::OptText(v) => query.bind(v.as_deref()),
                };
            }
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

impl Store {
    /// Whether an authority has been loaded (the demo reuses an existing database).
    pub async fn has_authority(&self) -> Result<bool, StoreError> {
        Ok(self.authority().await?.is_some())
    }

    /// Loads an authority's organisations, services, instruments, provision, staff and
    /// posts in one transaction.
    pub async fn load_seed(&self, seed: &Seed<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let orgs = seed
            .organisations
            .iter()
            .map(|o| {
                vec![
                    Cell::Int(o.id.0),
                    text(&o.name),
                    text(&o.short_name),
                    text(o.kind.code()),
                    text(&o.description),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "organisations",
            &["id", "name", "short_name", "kind", "description"],
            orgs,
        )
        .await?;
        let services = seed
            .services
            .iter()
            .map(|s| {
                vec![
                    Cell::Int(s.id.0),
                    Cell::Int(s.authority.0),
                    text(s.code.as_str()),
                    text(&s.name),
                    text(&s.description),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "services",
            &["id", "authority_id", "code", "name", "description"],
            services,
        )
        .await?;
        for instrument in seed.instruments {
            crate::provision::insert_instrument(&mut tx, instrument, true).await?;
        }
        // Periods one at a time, each checked by the no-overlap trigger.
        let provision = seed
            .provision
            .iter()
            .map(|p| {
                vec![
                    Cell::Int(p.id.0),
                    Cell::Int(p.service.0),
                    Cell::Int(p.provider.0),
                    Cell::Text(date_text(p.period.start())),
                    Cell::OptText(opt_date_text(p.period.end())),
                    Cell::Int(p.started_by.0),
                    Cell::OptInt(p.ended_by.map(|i| i.0)),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "provision_periods",
            &[
                "id",
                "service_id",
                "provider_id",
                "starts_on",
                "ends_on",
                "started_by",
                "ended_by",
            ],
            provision,
        )
        .await?;
        let milestones = seed
            .milestones
            .iter()
            .map(|m| {
                vec![
                    Cell::Int(m.authority.0),
                    Cell::Text(date_text(m.occurred_on)),
                    text(&m.title),
                    text(&m.description),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "milestones",
            &["authority_id", "occurred_on", "title", "description"],
            milestones,
        )
        .await?;
        let inspections = seed
            .inspections
            .iter()
            .map(|i| {
                vec![
                    Cell::Int(i.authority.0),
                    Cell::Int(i.inspectorate.0),
                    Cell::Text(date_text(i.published_on)),
                    text(i.judgement.code()),
                    text(&i.summary),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "inspections",
            &[
                "authority_id",
                "inspectorate_id",
                "published_on",
                "judgement",
                "summary",
            ],
            inspections,
        )
        .await?;
        let teams = seed
            .teams
            .iter()
            .map(|t| vec![Cell::Int(t.id.0), Cell::Int(t.service.0), text(&t.name)])
            .collect();
        insert_rows(&mut tx, "teams", &["id", "service_id", "name"], teams).await?;
        let posts = seed
            .posts
            .iter()
            .map(|p| {
                vec![
                    Cell::Int(p.id.0),
                    text(p.code.as_str()),
                    text(&p.title),
                    text(&p.grade),
                    Cell::Int(i64::from(p.fte_hundredths)),
                    Cell::Int(p.team.0),
                    text(p.role.code()),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "posts",
            &[
                "id",
                "code",
                "title",
                "grade",
                "fte_hundredths",
                "team_id",
                "role",
            ],
            posts,
        )
        .await?;
        let staff = seed
            .staff
            .iter()
            .map(|s| {
                vec![
                    Cell::Int(s.id.0),
                    text(&s.given_name),
                    text(&s.family_name),
                    text(&s.email),
                    Cell::OptText(s.swe_registration.as_ref().map(|r| r.as_str().to_owned())),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "staff",
            &[
                "id",
                "given_name",
                "family_name",
                "email",
                "swe_registration",
            ],
            staff,
        )
        .await?;
        let employments = seed
            .employments
            .iter()
            .map(|e| {
                vec![
                    Cell::Int(e.id.0),
                    Cell::Int(e.staff.0),
                    Cell::Int(e.employer.0),
                    Cell::Int(e.post.0),
                    Cell::Text(date_text(e.period.start())),
                    Cell::OptText(opt_date_text(e.period.end())),
                    Cell::Text(date_text(e.continuous_since)),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "employments",
            &[
                "id",
                "staff_id",
                "employer_id",
                "post_id",
                "starts_on",
                "ends_on",
                "continuous_since",
            ],
            employments,
        )
        .await?;
        resync_identities(&mut tx, self.backend).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds employments in one transaction, with ids assigned by the database (used
    /// when a demo's history is replayed, after transfers have added rows of their own).
    pub async fn add_employments(&self, employments: &[Employment]) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let rows = employments
            .iter()
            .map(|e| {
                vec![
                    Cell::Int(e.staff.0),
                    Cell::Int(e.employer.0),
                    Cell::Int(e.post.0),
                    Cell::Text(date_text(e.period.start())),
                    Cell::OptText(opt_date_text(e.period.end())),
                    Cell::Text(date_text(e.continuous_since)),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "employments",
            &[
                "staff_id",
                "employer_id",
                "post_id",
                "starts_on",
                "ends_on",
                "continuous_since",
            ],
            rows,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves the search keys of the children loaded by [`Store::load_children`] into
    /// the search index, sorted, in one transaction, so that the index is written once
    /// in order (the keys are not searchable until then).
    pub async fn index_loaded_search_keys(&self) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let exists: i64 = sqlx::query_scalar(match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = $1"
            }
        })
        .bind(LOADING_KEYS)
        .fetch_one(&mut *tx)
        .await?;
        if exists == 0 {
            return Ok(());
        }
        sqlx::query(&format!(
            "INSERT INTO person_search_keys (key, child_id, name_no) \
             SELECT key, child_id, name_no FROM {LOADING_KEYS} ORDER BY key, child_id, name_no"
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!("DROP TABLE {LOADING_KEYS}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Loads a batch of children with their involvements and, in the same transaction,
    /// each child's person details (names, addresses; search keys to the loading table
    /// until [`Store::index_loaded_search_keys`]), the allocations of their work and
    /// what was recorded on it. A child without details in
    /// `records.people` (matched by position) gets only their name's search keys.
    pub async fn load_children(
        &self,
        batch: &[(Child, Vec<Involvement>)],
        records: &BatchRecords<'_>,
    ) -> Result<(), StoreError> {
        let people = records.people;
        let mut tx = self.pool().begin().await?;
        let children = batch
            .iter()
            .enumerate()
            .map(|(i, (c, _))| child_cells(c, people.get(i)))
            .collect();
        insert_rows(&mut tx, "children", &CHILD_INSERT_COLUMNS, children).await?;
        let persons: Vec<PersonRecord> = batch
            .iter()
            .enumerate()
            .map(|(i, (c, _))| PersonRecord {
                child: c.id,
                given_name: c.given_name.clone(),
                family_name: c.family_name.clone(),
                details: people.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        sqlx::query(&format!(
            "CREATE TABLE IF NOT EXISTS {LOADING_KEYS} \
             (key TEXT NOT NULL, child_id BIGINT NOT NULL, name_no BIGINT NOT NULL)"
        ))
        .execute(&mut *tx)
        .await?;
        insert_person_rows(&mut tx, &persons, KeysTo::Loading).await?;
        let closures: std::collections::HashMap<InvolvementId, ClosureReason> =
            records.closures.iter().copied().collect();
        let recorded_at = instant_text(records.recorded_at);
        let involvements = batch
            .iter()
            .flat_map(|(_, inv)| inv.iter())
            .map(|i| {
                let closure = closures.get(&i.id);
                vec![
                    Cell::Int(i.id.0),
                    Cell::Int(i.child.0),
                    Cell::Int(i.service.0),
                    Cell::OptInt(i.team.map(|t| t.0)),
                    text(i.kind.code()),
                    Cell::Text(date_text(i.period.start())),
                    Cell::OptText(opt_date_text(i.period.end())),
                    Cell::OptText(closure.map(|r| r.code().to_owned())),
                    Cell::OptText(closure.map(|_| records.allocated_by.to_owned())),
                    Cell::OptText(closure.and(i.period.end()).and_then(closed_at_text)),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "involvements",
            &[
                "id",
                "child_id",
                "service_id",
                "team_id",
                "kind",
                "starts_on",
                "ends_on",
                "closure_reason",
                "closed_by",
                "closed_at",
            ],
            involvements,
        )
        .await?;
        let allocated_by = records.allocated_by;
        let allocations = records
            .allocations
            .iter()
            .map(|a| {
                vec![
                    Cell::Int(a.involvement.0),
                    Cell::Int(a.staff.0),
                    Cell::Int(a.team.0),
                    Cell::Text(date_text(a.starts_on)),
                    text(allocated_by),
                    text(&a.reason),
                    text(&recorded_at),
                    Cell::OptText(a.change.map(|c| c.code().to_owned())),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "allocations",
            &[
                "involvement_id",
                "staff_id",
                "team_id",
                "starts_on",
                "allocated_by",
                "reason",
                "recorded_at",
                "change_reason",
            ],
            allocations,
        )
        .await?;
        // A closed case's allocation ended the day it closed, as closing a case does.
        sqlx::query(
            "UPDATE allocations SET ends_on = (SELECT i.ends_on FROM involvements i \
             WHERE i.id = allocations.involvement_id) WHERE ends_on IS NULL AND involvement_id \
             IN (SELECT id FROM involvements WHERE ends_on IS NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let by = records.recorded_by.0;
        let rows = records
            .events
            .iter()
            .map(|e| {
                let details =
                    serde_json::to_string(&e.details).map_err(|err| StoreError::Corrupt {
                        what: "event details",
                        problem: err.to_string(),
                    })?;
                Ok(vec![
                    Cell::Int(e.child.0),
                    Cell::Int(e.involvement.0),
                    text(e.kind.code()),
                    Cell::Text(date_text(e.occurred_on)),
                    Cell::Text(details),
                    Cell::Int(by),
                    Cell::Text(instant_text(e.recorded_at)),
                ])
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        insert_rows(
            &mut tx,
            "case_events",
            &[
                "child_id",
                "involvement_id",
                "kind",
                "occurred_on",
                "details",
                "recorded_by",
                "recorded_at",
            ],
            rows,
        )
        .await?;
        let rows = records
            .notes
            .iter()
            .map(|n| {
                vec![
                    Cell::Int(n.child.0),
                    Cell::Int(n.involvement.0),
                    text(n.kind.code()),
                    Cell::Text(date_text(n.occurred_on)),
                    Cell::OptInt(n.child_seen.map(i64::from)),
                    Cell::OptInt(n.seen_alone.map(i64::from)),
                    text(&n.summary),
                    text(&n.body),
                    Cell::Int(by),
                    Cell::Text(instant_text(n.recorded_at)),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "case_notes",
            &[
                "child_id",
                "involvement_id",
                "kind",
                "occurred_on",
                "child_seen",
                "seen_alone",
                "summary",
                "body",
                "recorded_by",
                "recorded_at",
            ],
            rows,
        )
        .await?;
        let rows = records
            .relatives
            .iter()
            .map(|r| {
                vec![
                    Cell::Int(r.person_id.0),
                    text(&r.person.given_name),
                    text(&r.person.family_name),
                    Cell::OptText(opt_date_text(r.person.date_of_birth)),
                    Cell::Int(by),
                    text(&recorded_at),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "related_people",
            &[
                "id",
                "given_name",
                "family_name",
                "date_of_birth",
                "recorded_by",
                "recorded_at",
            ],
            rows,
        )
        .await?;
        let rows = records
            .relatives
            .iter()
            .map(|r| {
                vec![
                    Cell::Int(r.child.0),
                    text(r.kind.code()),
                    Cell::Int(r.person_id.0),
                    Cell::OptText(r.responsibility.map(|b| b.code().to_owned())),
                    Cell::Int(by),
                    text(&recorded_at),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "relationships",
            &[
                "child_id",
                "kind",
                "person_id",
                "responsibility",
                "recorded_by",
                "recorded_at",
            ],
            rows,
        )
        .await?;
        resync_identities(&mut tx, self.backend).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// After rows were inserted with explicit ids, PostgreSQL's identity sequences must be
/// moved past them or the next ordinary insert would reuse an id. (SQLite takes
/// `max(id) + 1` by itself.)
async fn resync_identities(tx: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    for table in [
        "organisations",
        "services",
        "instruments",
        "provision_periods",
        "milestones",
        "inspections",
        "teams",
        "posts",
        "staff",
        "employments",
        "children",
        "involvements",
        "related_people",
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
        );
        sqlx::query(&sql).execute(&mut *tx).await?;
    }
    Ok(())
}
