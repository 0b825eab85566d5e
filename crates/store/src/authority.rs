//! Organisations, services, the authority's milestones and inspections.

use carebridge_domain::inspection::{Inspection, Judgement, Milestone};
use carebridge_domain::organisation::{Organisation, OrganisationKind};
use carebridge_domain::service::{Service, ServiceCode};
use carebridge_domain::{OrganisationId, ServiceId};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{corrupt, date, date_text};
use crate::{Store, StoreError};

/// Counts that describe the authority at a glance, for the home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityOverview {
    /// Children with a record.
    pub children: i64,
    /// Involvements open on the day asked about, per service.
    pub open_involvements: Vec<(ServiceId, i64)>,
    /// Staff employed on the day asked about.
    pub staff_employed: i64,
}

fn organisation(row: &AnyRow) -> Result<Organisation, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Organisation {
        id: OrganisationId(row.try_get("id")?),
        name: row.try_get("name")?,
        short_name: row.try_get("short_name")?,
        kind: OrganisationKind::parse(&kind).map_err(corrupt("organisation kind"))?,
        description: row.try_get("description")?,
    })
}

fn service(row: &AnyRow) -> Result<Service, StoreError> {
    let code: String = row.try_get("code")?;
    Ok(Service {
        id: ServiceId(row.try_get("id")?),
        authority: OrganisationId(row.try_get("authority_id")?),
        code: ServiceCode::parse(&code).map_err(corrupt("service code"))?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}

impl Store {
    /// Every organisation, by kind then name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, short_name, kind, description FROM organisations ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(organisation).collect()
    }

    /// One organisation.
    pub async fn organisation(
        &self,
        id: OrganisationId,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, short_name, kind, description FROM organisations WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(organisation).transpose()
    }

    /// The local authority this database belongs to, once one has been set up.
    pub async fn authority(&self) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, short_name, kind, description FROM organisations \
             WHERE kind = 'local_authority' ORDER BY id LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(organisation).transpose()
    }

    /// Every service of every authority, by name.
    pub async fn services(&self) -> Result<Vec<Service>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, authority_id, code, name, description FROM services ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(service).collect()
    }

    /// One service.
    pub async fn service(&self, id: ServiceId) -> Result<Option<Service>, StoreError> {
        let row = sqlx::query(
            "SELECT id, authority_id, code, name, description FROM services WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(service).transpose()
    }

    /// The authority's milestones, earliest first.
    pub async fn milestones(&self) -> Result<Vec<Milestone>, StoreError> {
        let rows = sqlx::query(
            "SELECT authority_id, occurred_on, title, description FROM milestones ORDER BY occurred_on, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Milestone {
                    authority: OrganisationId(row.try_get("authority_id")?),
                    occurred_on: date(row, "occurred_on")?,
                    title: row.try_get("title")?,
                    description: row.try_get("description")?,
                })
            })
            .collect()
    }

    /// Inspections, earliest first.
    pub async fn inspections(&self) -> Result<Vec<Inspection>, StoreError> {
        let rows = sqlx::query(
            "SELECT authority_id, inspectorate_id, published_on, judgement, summary \
             FROM inspections ORDER BY published_on, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let judgement: String = row.try_get("judgement")?;
                Ok(Inspection {
                    authority: OrganisationId(row.try_get("authority_id")?),
                    inspectorate: OrganisationId(row.try_get("inspectorate_id")?),
                    published_on: date(row, "published_on")?,
                    judgement: Judgement::parse(&judgement).map_err(corrupt("judgement"))?,
                    summary: row.try_get("summary")?,
                })
            })
            .collect()
    }

    /// Counts for the home page as at `on`. Aggregates only: no child is identified.
    pub async fn overview(&self, on: NaiveDate) -> Result<AuthorityOverview, StoreError> {
        let day = date_text(on);
        let children: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children")
            .fetch_one(self.pool())
            .await?;
        let rows = sqlx::query(
            "SELECT service_id, COUNT(*) AS n FROM involvements \
             WHERE starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1) \
             GROUP BY service_id ORDER BY service_id",
        )
        .bind(&day)
        .fetch_all(self.pool())
        .await?;
        let open_involvements = rows
            .iter()
            .map(|r| Ok((ServiceId(r.try_get("service_id")?), r.try_get("n")?)))
            .collect::<Result<_, StoreError>>()?;
        let staff_employed: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT staff_id) FROM employments \
             WHERE starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1)",
        )
        .bind(&day)
        .fetch_one(self.pool())
        .await?;
        Ok(AuthorityOverview {
            children,
            open_involvements,
            staff_employed,
        })
    }
}
