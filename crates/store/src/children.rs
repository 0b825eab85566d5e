//! Reading a child and their involvements (the child record itself comes with the
//! child-record issue; this is what access questions need).

use carebridge_domain::child::{Child, Involvement, InvolvementKind, Sex};
use carebridge_domain::{ChildId, InvolvementId, Period, ServiceId, TeamId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{corrupt, date, opt_date};
use crate::{Store, StoreError};

/// Reads an involvement row (`id, child_id, service_id, team_id, kind, starts_on, ends_on`).
pub(crate) fn involvement(row: &AnyRow) -> Result<Involvement, StoreError> {
    let kind: String = row.try_get("kind")?;
    let team: Option<i64> = row.try_get("team_id")?;
    Ok(Involvement {
        id: InvolvementId(row.try_get("id")?),
        child: ChildId(row.try_get("child_id")?),
        service: ServiceId(row.try_get("service_id")?),
        team: team.map(TeamId),
        kind: InvolvementKind::parse(&kind).map_err(corrupt("involvement kind"))?,
        period: Period::new(
            "involvement",
            date(row, "starts_on")?,
            opt_date(row, "ends_on")?,
        )
        .map_err(corrupt("involvement"))?,
    })
}

/// Reads a child row (`id, given_name, family_name, sex, date_of_birth`).
pub(crate) fn child(row: &AnyRow) -> Result<Child, StoreError> {
    let sex: String = row.try_get("sex")?;
    Ok(Child {
        id: ChildId(row.try_get("id")?),
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        sex: Sex::parse(&sex).map_err(corrupt("child's sex"))?,
        date_of_birth: date(row, "date_of_birth")?,
    })
}

impl Store {
    /// A child, if there is one with this id.
    pub async fn child(&self, id: ChildId) -> Result<Option<Child>, StoreError> {
        let row = sqlx::query(
            "SELECT id, given_name, family_name, sex, date_of_birth FROM children WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(child).transpose()
    }

    /// A child's involvements, earliest first.
    pub async fn involvements_of(&self, child: ChildId) -> Result<Vec<Involvement>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, child_id, service_id, team_id, kind, starts_on, ends_on FROM involvements \
             WHERE child_id = $1 ORDER BY starts_on, id",
        )
        .bind(child.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(involvement).collect()
    }
}

impl Store {
    /// For each service, how many children have work open with it on `day`.
    pub async fn children_with_open_work(
        &self,
        day: chrono::NaiveDate,
    ) -> Result<Vec<(ServiceId, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT service_id, COUNT(DISTINCT child_id) AS children FROM involvements \
             WHERE starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1) GROUP BY service_id ORDER BY service_id",
        )
        .bind(crate::rows::date_text(day))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    ServiceId(row.try_get("service_id")?),
                    row.try_get("children")?,
                ))
            })
            .collect()
    }
}
