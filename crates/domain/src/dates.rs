//! Effective-dated periods.
//!
//! A period runs from its first day to its last day *inclusive*; an open period has no
//! last day yet. "Inclusive" is how instruments are written ("provided by the trust up to
//! and including 31 March 2022; by the council from 1 April 2022"), so the data says it
//! the same way and no reader has to translate.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A run of days, first and last inclusive, possibly still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    start: NaiveDate,
    end: Option<NaiveDate>,
}

impl Period {
    /// A period from `start` to `end` inclusive (`None`: still open).
    pub fn new(what: &str, start: NaiveDate, end: Option<NaiveDate>) -> Result<Self, DomainError> {
        match end {
            Some(end) if end < start => Err(DomainError::EndsBeforeStart {
                what: what.to_owned(),
                start,
                end,
            }),
            _ => Ok(Period { start, end }),
        }
    }

    /// A period that starts on `start` and has not ended.
    pub fn open_from(start: NaiveDate) -> Self {
        Period { start, end: None }
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day, if the period has ended.
    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    /// Whether the period covers `day`.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps(&self, other: &Period) -> bool {
        let self_ends_before = self.end.is_some_and(|end| end < other.start);
        let other_ends_before = other.end.is_some_and(|end| end < self.start);
        !self_ends_before && !other_ends_before
    }

    /// The same period, ended on `last_day` (inclusive).
    pub fn ended_on(&self, what: &str, last_day: NaiveDate) -> Result<Self, DomainError> {
        Period::new(what, self.start, Some(last_day))
    }
}

/// The day before `day`: the last day of a period that another replaces from `day`.
///
/// Saturates at the earliest representable date rather than failing, which only an
/// absurd input could reach.
pub fn day_before(day: NaiveDate) -> NaiveDate {
    day.checked_sub_days(Days::new(1)).unwrap_or(day)
}

/// Reads a date as people in England write it in forms and files: `YYYY-MM-DD`.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        DomainError::invalid(
            field,
            format!("must be a date like 2022-04-01, not {text:?}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date("date", s).unwrap()
    }

    #[test]
    fn inclusive_ends_touching_periods_do_not_overlap() {
        let a = Period::new("a", d("2014-10-01"), Some(d("2022-03-31"))).unwrap();
        let b = Period::open_from(d("2022-04-01"));
        assert!(!a.overlaps(&b));
        assert!(!b.overlaps(&a));
        let c = Period::open_from(d("2022-03-31"));
        assert!(a.overlaps(&c));
        assert!(c.overlaps(&a));
    }

    #[test]
    fn end_before_start_is_refused() {
        let err = Period::new("provision", d("2022-04-01"), Some(d("2022-03-31"))).unwrap_err();
        assert!(err.to_string().contains("before it starts"));
    }

    #[test]
    fn bad_dates_say_what_was_expected() {
        let err = parse_date("date of effect", "1/4/2022").unwrap_err();
        assert_eq!(
            err.to_string(),
            "date of effect: must be a date like 2022-04-01, not \"1/4/2022\""
        );
    }
}
