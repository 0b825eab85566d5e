//! Day arithmetic for the generators.
//!
//! The generators count in whole days (days since the start of the common era, as
//! `i32`) because they add and compare dates millions of times; dates are turned back
//! into [`NaiveDate`]s only at the edge. The demo's dates lie within a few decades of
//! today, far inside what `NaiveDate` can hold, so the saturating fallbacks below are
//! never reached in practice; they exist so that no input can make the library panic.

use chrono::{Datelike, Months, NaiveDate};
use rand::Rng;

/// A date as a day number.
pub(crate) fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// A day number as a date (saturating at the ends of the calendar).
pub(crate) fn date_of(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(if day < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// The date `years` whole years after `date` (a 29 February birthday falls on 28 February).
pub(crate) fn years_after(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

/// The date `years` whole years before `date`.
pub(crate) fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

/// A whole number from `low` to `high` inclusive (`low` if the range is empty).
pub(crate) fn between(rng: &mut impl Rng, low: i32, high: i32) -> i32 {
    if high <= low {
        low
    } else {
        rng.gen_range(low..=high)
    }
}

/// True `percent` times in a hundred.
pub(crate) fn chance(rng: &mut impl Rng, percent: u32) -> bool {
    rng.gen_range(0..100) < percent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_birthdays_handle_leap_days() {
        let d = NaiveDate::from_ymd_opt(2008, 2, 29).unwrap();
        assert_eq!(date_of(day(d)), d);
        assert_eq!(
            years_after(d, 18),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            years_before(d, 4),
            NaiveDate::from_ymd_opt(2004, 2, 29).unwrap()
        );
        assert_eq!(date_of(i32::MAX), NaiveDate::MAX);
    }
}
