//! Instruments and provision periods.

use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::provision::{ProvisionEdit, ProvisionPeriod};
use carebridge_domain::{InstrumentId, OrganisationId, Period, ProvisionId, ServiceId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::rows::{corrupt, date, date_text, opt_date, opt_date_text};
use crate::{Store, StoreError};

const INSTRUMENT_COLUMNS: &str = "id, authority_id, kind, reference, title, made_on, from_org_id, to_org_id, \
     effective_from, ends_on, immediate_effect, notice_period_days, mutual_agreement, terms, recommendation";

pub(crate) const PROVISION_COLUMNS: &str =
    "id, service_id, provider_id, starts_on, ends_on, started_by, ended_by";

fn required<T>(value: Option<T>, column: &'static str) -> Result<T, StoreError> {
    value.ok_or(StoreError::Corrupt {
        what: "instrument",
        problem: format!("{column} is missing"),
    })
}

fn instrument(row: &AnyRow) -> Result<Instrument, StoreError> {
    let kind: String = row.try_get("kind")?;
    let from_org: Option<i64> = row.try_get("from_org_id")?;
    let to_org: Option<i64> = row.try_get("to_org_id")?;
    let from_org = || required(from_org.map(OrganisationId), "from_org_id");
    let to_org = || required(to_org.map(OrganisationId), "to_org_id");
    let terms: String = row.try_get("terms")?;
    let details = match kind.as_str() {
        "service_contract" => InstrumentDetails::ServiceContract {
            commissioner: from_org()?,
            provider: to_org()?,
            starts_on: required(opt_date(row, "effective_from")?, "effective_from")?,
            ends_on: opt_date(row, "ends_on")?,
            notice_terms: terms,
        },
        "government_direction" => InstrumentDetails::GovernmentDirection {
            issuer: from_org()?,
            addressed_to: to_org()?,
            effective_from: required(opt_date(row, "effective_from")?, "effective_from")?,
            immediate_effect: required(
                row.try_get::<Option<i64>, _>("immediate_effect")?,
                "immediate_effect",
            )? != 0,
            power: terms,
        },
        "cabinet_decision" => InstrumentDetails::CabinetDecision {
            decision: terms,
            recommendation: row.try_get("recommendation")?,
        },
        "notice_served" => {
            let days: i64 = required(row.try_get("notice_period_days")?, "notice_period_days")?;
            InstrumentDetails::NoticeServed {
                served_by: from_org()?,
                served_on: to_org()?,
                notice_period_days: u32::try_from(days).map_err(|_| StoreError::Corrupt {
                    what: "instrument",
                    problem: format!("notice period of {days} days"),
                })?,
                mutual_agreement: required(
                    row.try_get::<Option<i64>, _>("mutual_agreement")?,
                    "mutual_agreement",
                )? != 0,
                ends_on: required(opt_date(row, "ends_on")?, "ends_on")?,
            }
        }
        "improvement_notice" => InstrumentDetails::ImprovementNotice {
            issuer: from_org()?,
            review_by: opt_date(row, "ends_on")?,
        },
        other => {
            return Err(StoreError::Corrupt {
                what: "instrument kind",
                problem: format!("unknown kind {other:?}"),
            })
        }
    };
    Ok(Instrument {
        id: InstrumentId(row.try_get("id")?),
        authority: OrganisationId(row.try_get("authority_id")?),
        reference: row.try_get("reference")?,
        title: row.try_get("title")?,
        made_on: date(row, "made_on")?,
        details,
    })
}

pub(crate) fn provision_period(row: &AnyRow) -> Result<ProvisionPeriod, StoreError> {
    let ended_by: Option<i64> = row.try_get("ended_by")?;
    Ok(ProvisionPeriod {
        id: ProvisionId(row.try_get("id")?),
        service: ServiceId(row.try_get("service_id")?),
        provider: OrganisationId(row.try_get("provider_id")?),
        period: Period::new(
            "provision",
            date(row, "starts_on")?,
            opt_date(row, "ends_on")?,
        )
        .map_err(corrupt("provision period"))?,
        started_by: InstrumentId(row.try_get("started_by")?),
        ended_by: ended_by.map(InstrumentId),
    })
}

/// Writes one instrument (with its id if it has one other than 0) inside `tx`.
pub(crate) async fn insert_instrument(
    tx: &mut AnyConnection,
    instrument: &Instrument,
    explicit_id: bool,
) -> Result<InstrumentId, StoreError> {
    let mut from_org = None;
    let mut to_org = None;
    let mut effective_from = None;
    let mut ends_on = None;
    let mut immediate_effect = None;
    let mut notice_period_days = None;
    let mut mutual_agreement = None;
    let mut terms = String::new();
    let mut recommendation = String::new();
    match &instrument.details {
        InstrumentDetails::ServiceContract {
            commissioner,
            provider,
            starts_on,
            ends_on: end,
            notice_terms,
        } => {
            from_org = Some(commissioner.0);
            to_org = Some(provider.0);
            effective_from = Some(*starts_on);
            ends_on = *end;
            terms.clone_from(notice_terms);
        }
        InstrumentDetails::GovernmentDirection {
            issuer,
            addressed_to,
            effective_from: from,
            immediate_effect: immediate,
            power,
        } => {
            from_org = Some(issuer.0);
            to_org = Some(addressed_to.0);
            effective_from = Some(*from);
            immediate_effect = Some(*immediate);
            terms.clone_from(power);
        }
        InstrumentDetails::CabinetDecision {
            decision,
            recommendation: rec,
        } => {
            terms.clone_from(decision);
            recommendation.clone_from(rec);
        }
        InstrumentDetails::NoticeServed {
            served_by,
            served_on,
            notice_period_days: days,
            mutual_agreement: mutual,
            ends_on: end,
        } => {
            from_org = Some(served_by.0);
            to_org = Some(served_on.0);
            notice_period_days = Some(i64::from(*days));
            mutual_agreement = Some(*mutual);
            ends_on = Some(*end);
        }
        InstrumentDetails::ImprovementNotice { issuer, review_by } => {
            from_org = Some(issuer.0);
            ends_on = *review_by;
        }
    }
    let sql = format!(
        "INSERT INTO instruments ({}) VALUES ({}$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        if explicit_id { INSTRUMENT_COLUMNS } else { INSTRUMENT_COLUMNS.trim_start_matches("id, ") },
        if explicit_id { "$15, " } else { "" },
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql)
        .bind(instrument.authority.0)
        .bind(instrument.kind_code())
        .bind(&instrument.reference)
        .bind(&instrument.title)
        .bind(date_text(instrument.made_on))
        .bind(from_org)
        .bind(to_org)
        .bind(opt_date_text(effective_from))
        .bind(opt_date_text(ends_on))
        // Flags are stored as 0/1 integers: the one representation both backends
        // read back through sqlx's Any driver.
        .bind(immediate_effect.map(i64::from))
        .bind(notice_period_days)
        .bind(mutual_agreement.map(i64::from))
        .bind(terms)
        .bind(recommendation);
    if explicit_id {
        query = query.bind(instrument.id.0);
    }
    Ok(InstrumentId(query.fetch_one(&mut *tx).await?))
}

/// Writes the rows of a provision edit inside `tx`.
pub(crate) async fn apply_edit(
    tx: &mut AnyConnection,
    edit: &ProvisionEdit,
    explicit_id: Option<ProvisionId>,
) -> Result<ProvisionId, StoreError> {
    if let Some((id, last_day, ended_by)) = edit.close {
        let closed = sqlx::query(
            "UPDATE provision_periods SET ends_on = $1, ended_by = $2 WHERE id = $3 AND ends_on IS NULL",
        )
        .bind(date_text(last_day))
        .bind(ended_by.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if closed.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "provision period {id} is no longer open: someone else changed this service's provision"
            )));
        }
    }
    let open = &edit.open;
    let id: i64 = match explicit_id {
        Some(id) => sqlx::query_scalar(
            "INSERT INTO provision_periods (id, service_id, provider_id, starts_on, ends_on, started_by, ended_by) \
             VALUES ($1, $2, $3, $4, NULL, $5, NULL) RETURNING id",
        )
        .bind(id.0),
        None => sqlx::query_scalar(
            "INSERT INTO provision_periods (service_id, provider_id, starts_on, ends_on, started_by, ended_by) \
             VALUES ($1, $2, $3, NULL, $4, NULL) RETURNING id",
        ),
    }
    .bind(open.service.0)
    .bind(open.provider.0)
    .bind(date_text(open.period.start()))
    .bind(open.started_by.0)
    .fetch_one(&mut *tx)
    .await?;
    Ok(ProvisionId(id))
}

impl Store {
    /// Every instrument, in the order they were made.
    pub async fn instruments(&self) -> Result<Vec<Instrument>, StoreError> {
        let sql = format!("SELECT {INSTRUMENT_COLUMNS} FROM instruments ORDER BY made_on, id");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(instrument).collect()
    }

    /// One instrument.
    pub async fn instrument(&self, id: InstrumentId) -> Result<Option<Instrument>, StoreError> {
        let sql = format!("SELECT {INSTRUMENT_COLUMNS} FROM instruments WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(instrument).transpose()
    }

    /// Every provision period of every service, by service then start.
    pub async fn provision_periods(&self) -> Result<Vec<ProvisionPeriod>, StoreError> {
        let sql = format!(
            "SELECT {PROVISION_COLUMNS} FROM provision_periods ORDER BY service_id, starts_on"
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(provision_period).collect()
    }

    /// The provision periods of one service, earliest first.
    pub async fn provision_of(
        &self,
        service: ServiceId,
    ) -> Result<Vec<ProvisionPeriod>, StoreError> {
        let sql = format!("SELECT {PROVISION_COLUMNS} FROM provision_periods WHERE service_id = $1 ORDER BY starts_on");
        let rows = sqlx::query(&sql)
            .bind(service.0)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(provision_period).collect()
    }

    /// Records an instrument and the provision edits it causes, in one transaction:
    /// either all of it is written or none of it.
    pub async fn record_provision_change(
        &self,
        instrument: &Instrument,
        edits: &[ProvisionEdit],
    ) -> Result<InstrumentId, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = insert_instrument(&mut tx, instrument, false).await?;
        for edit in edits {
            let mut edit = edit.clone();
            edit.open.started_by = id;
            if let Some(close) = edit.close.as_mut() {
                close.2 = id;
            }
            apply_edit(&mut tx, &edit, None).await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}
