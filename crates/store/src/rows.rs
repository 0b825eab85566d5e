//! Reading values back from rows in the shared representation (dates as ISO text).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

/// A date as stored.
pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An optional date as stored.
pub(crate) fn opt_date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(date_text)
}

pub(crate) fn parse_stored_date(what: &'static str, text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreError::Corrupt {
        what,
        problem: format!("{text:?} is not a date"),
    })
}

/// Reads a date column.
pub(crate) fn date(row: &AnyRow, column: &'static str) -> Result<NaiveDate, StoreError> {
    let text: String = row.try_get(column)?;
    parse_stored_date(column, &text)
}

/// Reads an optional date column.
pub(crate) fn opt_date(
    row: &AnyRow,
    column: &'static str,
) -> Result<Option<NaiveDate>, StoreError> {
    let text: Option<String> = row.try_get(column)?;
    text.map(|t| parse_stored_date(column, &t)).transpose()
}

/// Maps a domain parse error on a stored value to "the database holds something odd".
pub(crate) fn corrupt(what: &'static str) -> impl Fn(carebridge_domain::DomainError) -> StoreError {
    move |e| StoreError::Corrupt {
        what,
        problem: e.to_string(),
    }
}

/// An instant as stored.
pub(crate) fn instant_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// When work with no recorded closing time (loaded or imported) is said to have been
/// closed: 17:00 on its last day.
pub(crate) fn closed_at_text(last_day: chrono::NaiveDate) -> Option<String> {
    Some(instant_text(last_day.and_hms_opt(17, 0, 0)?.and_utc()))
}

/// Reads an instant column (RFC 3339 text).
pub(crate) fn instant(row: &AnyRow, column: &'static str) -> Result<DateTime<Utc>, StoreError> {
    let text: String = row.try_get(column)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt {
            what: column,
            problem: format!("{text:?} is not an RFC 3339 instant"),
        })
}
