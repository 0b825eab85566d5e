//! The one error type of the domain layer: a broken rule or a value that does not parse.

use chrono::NaiveDate;

/// A rule of the domain was broken, or a value could not be read.
///
/// Every variant names what was wrong in words a user can act on; the web and CLI
/// layers show the message as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field's value could not be read.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field as a user knows it, e.g. "post code".
        field: &'static str,
        /// What was expected, e.g. "must be letters and digits".
        problem: String,
    },
    /// Two provision periods of one service would cover the same day.
    #[error(
        "provision of {service} would overlap: {existing_provider} already provides it from {existing_from}{}",
        existing_to.map(|d| format!(" to {d}")).unwrap_or_default()
    )]
    ProvisionOverlap {
        /// The service's name or code.
        service: String,
        /// The organisation whose period is in the way.
        existing_provider: String,
        /// First day of the period in the way.
        existing_from: NaiveDate,
        /// Last day of the period in the way, if it has ended.
        existing_to: Option<NaiveDate>,
    },
    /// A provision change takes effect before the instrument that causes it was made.
    #[error("the change cannot take effect on {effective} because instrument {instrument} was only made on {made}")]
    EffectBeforeInstrument {
        /// Reference of the instrument.
        instrument: String,
        /// When it was made.
        made: NaiveDate,
        /// When the change was asked to take effect.
        effective: NaiveDate,
    },
    /// A period's end is before its start.
    #[error("{what} ends on {end}, before it starts on {start}")]
    EndsBeforeStart {
        /// What the period is of.
        what: String,
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// The change would leave the provider as it already is.
    #[error("{provider} already provides {service} on {date}")]
    NoChange {
        /// The service.
        service: String,
        /// The organisation.
        provider: String,
        /// The date of the change.
        date: NaiveDate,
    },
    /// A transfer names a provider that does not provide the service on the day.
    #[error("{provider} does not provide {service} on {date}{}", actual.as_ref().map(|a| format!(" ({a} does)")).unwrap_or_default())]
    NotProvider {
        /// The service.
        service: String,
        /// The organisation named as the provider it moves from.
        provider: String,
        /// The day.
        date: NaiveDate,
        /// Who does provide it that day, if anyone.
        actual: Option<String>,
    },
    /// A transfer cannot be planned or executed as asked; the message names the
    /// conflict (a person in two moving posts, a plan already covering the service).
    #[error("{0}")]
    TransferConflict(String),
    /// A date falls outside the years whose bank holidays the working-day calendar
    /// knows, so working days cannot be counted there.
    #[error("{date} is outside the bank-holiday calendar, which runs from {first} to {last}: working days cannot be counted there")]
    OutsideCalendar {
        /// The day that was needed.
        date: NaiveDate,
        /// First day the calendar covers.
        first: NaiveDate,
        /// Last day the calendar covers.
        last: NaiveDate,
    },
    /// A date is beyond the range of dates the program can represent.
    #[error("{what} cannot be worked out: the date is out of range")]
    DateOutOfRange {
        /// What was being worked out, e.g. "the due date of a review".
        what: String,
    },
}

impl DomainError {
    /// A field that did not parse, with what was expected.
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            problem: problem.into(),
        }
    }
}
