//! A child's family and significant people in SQL, inside a [`RecordTx`]: adding one
//! takes a [`ChildAccess`] for [`carebridge_policy::ChildAction::Record`], reading them
//! one for `Open`.
//!
//! A relationship recorded on one child's record with another child shows on both
//! records (on the other with its inverse label). A child whose record is restricted is
//! left out of everyone else's family list unless the viewer is named on the
//! restriction: an adopted child's new name must not appear on a birth sibling's page.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use carebridge_domain::relationships::{
    NewPerson, NewRelationship, Other, RelatedPersonOption, Relationship, RelationshipKind,
    ResponsibilityBasis,
};
use carebridge_domain::{ChildId, RelatedPersonId, RelationshipId, UserId};
use carebridge_policy::ChildAccess;

use crate::casefile::{reading_or_writing, writing};
use crate::rows::{corrupt, date_text, instant, instant_text, opt_date, opt_date_text};
use crate::{RecordTx, StoreError};

/// SQL: true when the child `column` names is open to `$viewer` (not restricted, or the
/// viewer is named on the restriction).
fn open_to_viewer(column: &str, viewer: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM record_restrictions rr WHERE rr.child_id = {column} \
         AND NOT EXISTS (SELECT 1 FROM restriction_named rn \
         WHERE rn.child_id = rr.child_id AND rn.user_id = {viewer}))"
    )
}

impl RecordTx {
    /// The child's family and significant people: those recorded on this record, and
    /// those recorded on another child's record naming this child. Parents and carers
    /// first, then siblings, then others; each group by date of birth.
    pub async fn relationships(
        &mut self,
        access: &ChildAccess,
        viewer: UserId,
    ) -> Result<Vec<Relationship>, StoreError> {
        reading_or_writing(access)?;
        let sql = format!(
            "SELECT r.id, r.kind, CAST(0 AS BIGINT) AS inverse, r.other_child_id, r.person_id, \
             COALESCE(c.given_name, p.given_name) AS given_name, \
             COALESCE(c.family_name, p.family_name) AS family_name, \
             COALESCE(c.date_of_birth, p.date_of_birth) AS date_of_birth, \
             r.responsibility, r.starts_on, r.ends_on, u.display_name AS recorded_by, r.recorded_at \
             FROM relationships r \
             LEFT JOIN children c ON c.id = r.other_child_id \
             LEFT JOIN related_people p ON p.id = r.person_id \
             JOIN users u ON u.id = r.recorded_by \
             WHERE r.child_id = $1 AND (r.other_child_id IS NULL OR {open}) \
             UNION ALL \
             SELECT r.id, r.kind, CAST(1 AS BIGINT) AS inverse, r.child_id, NULL, c.given_name, c.family_name, \
             c.date_of_birth, NULL, r.starts_on, r.ends_on, u.display_name, r.recorded_at \
             FROM relationships r JOIN children c ON c.id = r.child_id \
             JOIN users u ON u.id = r.recorded_by \
             WHERE r.other_child_id = $1 AND {owner_open}",
            open = open_to_viewer("r.other_child_id", "$2"),
            owner_open = open_to_viewer("r.child_id", "$2"),
        );
        let mut list = sqlx::query(&sql)
            .bind(access.child().0)
            .bind(viewer.0)
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(relationship)
            .collect::<Result<Vec<_>, _>>()?;
        list.sort_by_key(|r| (group(r), r.date_of_birth, r.id));
        Ok(list)
    }

    /// People already recorded for the child's family: related people of this child
    /// and of every child linked to it, so a second child can point at the same mother.
    pub async fn family_people(
        &mut self,
        access: &ChildAccess,
    ) -> Result<Vec<RelatedPersonOption>, StoreError> {
        reading_or_writing(access)?;
        let rows = sqlx::query(
            "SELECT DISTINCT p.id, p.given_name, p.family_name, p.date_of_birth \
             FROM relationships r JOIN related_people p ON p.id = r.person_id \
             WHERE r.child_id = $1 \
                OR r.child_id IN (SELECT other_child_id FROM relationships WHERE child_id = $1) \
                OR r.child_id IN (SELECT child_id FROM relationships WHERE other_child_id = $1) \
             ORDER BY p.family_name, p.given_name, p.id",
        )
        .bind(access.child().0)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RelatedPersonOption {
                    id: RelatedPersonId(row.try_get("id")?),
                    name: format!(
                        "{} {}",
                        row.try_get::<String, _>("given_name")?,
                        row.try_get::<String, _>("family_name")?
                    ),
                    date_of_birth: opt_date(row, "date_of_birth")?,
                })
            })
            .collect()
    }

    /// Whether `other` is a child's record `viewer` may name in a relationship: it
    /// exists and is not restricted (unless the viewer is named on the restriction).
    pub async fn child_open_to(
        &mut self,
        other: ChildId,
        viewer: UserId,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM children c WHERE c.id = $1 AND {}",
            open_to_viewer("c.id", "$2")
        );
        let n: i64 = sqlx::query_scalar(&sql)
            .bind(other.0)
            .bind(viewer.0)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(n > 0)
    }

    /// Adds a checked relationship to the record (and the related person, when new);
    /// returns its id. The caller has checked a known person against
    /// [`RecordTx::family_people`] and a child against [`RecordTx::child_open_to`] in
    /// this transaction.
    pub async fn add_relationship(
        &mut self,
        access: &ChildAccess,
        relationship: &NewRelationship,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<RelationshipId, StoreError> {
        writing(access)?;
        let (other_child, person) = match &relationship.other {
            Other::Child(id) => (Some(id.0), None),
            Other::Known(id) => (None, Some(id.0)),
            Other::New(p) => (None, Some(self.add_person(p, by, at).await?.0)),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO relationships (child_id, kind, other_child_id, person_id, \
             responsibility, starts_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(access.child().0)
        .bind(relationship.kind.code())
        .bind(other_child)
        .bind(person)
        .bind(relationship.responsibility.map(ResponsibilityBasis::code))
        .bind(opt_date_text(relationship.from))
        .bind(by.0)
        .bind(instant_text(at))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(RelationshipId(id))
    }

    /// Records the last day of a relationship of this child (recorded on this record or
    /// on the other child's). The caller found it among [`RecordTx::relationships`] and
    /// checked the day. Refused when it is not this child's or has already ended.
    pub async fn end_relationship(
        &mut self,
        access: &ChildAccess,
        id: RelationshipId,
        ends_on: NaiveDate,
    ) -> Result<(), StoreError> {
        writing(access)?;
        let changed = sqlx::query(
            "UPDATE relationships SET ends_on = $1 \
             WHERE id = $2 AND (child_id = $3 OR other_child_id = $3) AND ends_on IS NULL",
        )
        .bind(date_text(ends_on))
        .bind(id.0)
        .bind(access.child().0)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Refused(
                "the relationship is not this child's, or has already ended",
            ))
        }
    }

    async fn add_person(
        &mut self,
        person: &NewPerson,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<RelatedPersonId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO related_people (given_name, family_name, date_of_birth, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&person.given_name)
        .bind(&person.family_name)
        .bind(opt_date_text(person.date_of_birth))
        .bind(by.0)
        .bind(instant_text(at))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(RelatedPersonId(id))
    }
}

/// Parents and carers, then siblings, then everyone else.
fn group(r: &Relationship) -> u8 {
    use RelationshipKind as K;
    match r.kind {
        K::Sibling | K::HalfSibling | K::StepSibling => 1,
        K::Grandparent | K::AuntOrUncle | K::OtherSignificant => 2,
        _ if r.recorded_on_other => 2,
        _ => 0,
    }
}

fn relationship(row: &AnyRow) -> Result<Relationship, StoreError> {
    let kind = RelationshipKind::parse(&row.try_get::<String, _>("kind")?)
        .map_err(corrupt("relationships.kind"))?;
    let inverse = row.try_get::<i64, _>("inverse")? != 0;
    let responsibility = row
        .try_get::<Option<String>, _>("responsibility")?
        .map(|code| ResponsibilityBasis::parse(&code))
        .transpose()
        .map_err(corrupt("relationships.responsibility"))?;
    Ok(Relationship {
        id: RelationshipId(row.try_get("id")?),
        label: if inverse {
            kind.inverse_label()
        } else {
            kind.label()
        }
        .to_owned(),
        kind,
        recorded_on_other: inverse,
        other_child: row
            .try_get::<Option<i64>, _>("other_child_id")?
            .map(ChildId),
        person: row
            .try_get::<Option<i64>, _>("person_id")?
            .map(RelatedPersonId),
        name: format!(
            "{} {}",
            row.try_get::<String, _>("given_name")?,
            row.try_get::<String, _>("family_name")?
        ),
        date_of_birth: opt_date(row, "date_of_birth")?,
        responsibility,
        from: opt_date(row, "starts_on")?,
        to: opt_date(row, "ends_on")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: instant(row, "recorded_at")?,
    })
}
