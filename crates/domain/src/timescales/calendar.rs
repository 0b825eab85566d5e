//! The working-day calendar: Monday to Friday, less the bank holidays of England and
//! Wales, which are data (`data/bank_holidays_england.tsv`), not code.
//!
//! # Counting convention
//!
//! Statutory guidance says "within 15 working days of the strategy discussion". Here
//! that is read as follows:
//!
//! - **day 0 is the start date** (the referral, the strategy discussion), whether or not
//!   it is itself a working day;
//! - the **deadline is the n-th working day after it**, and the work is on time if it is
//!   done on or before that day.
//!
//! So [`WorkingDayCalendar::add_working_days`] with `n = 1` from a Thursday before Good
//! Friday is the Tuesday after Easter Monday, and with `n = 0` it is the start date.
//! [`WorkingDayCalendar::working_days_between`] is its inverse: it counts the working
//! days `d` with `from < d <= to`, so `working_days_between(s, add_working_days(s, n))`
//! is `n`.
//!
//! # Where the calendar ends
//!
//! The file covers whole years (2010 to 2030). Outside them the bank holidays are not
//! known, and a count that needs a day out there is refused with
//! [`DomainError::OutsideCalendar`] rather than quietly treating an unknown day as a
//! working day.

use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::DomainError;

/// The published bank holidays of England and Wales, one `date<TAB>name` per line.
const BANK_HOLIDAYS_ENGLAND_AND_WALES: &str = include_str!("../../data/bank_holidays_england.tsv");

/// One bank holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHoliday {
    /// The day (always a weekday: a holiday falling at a weekend has a substitute day).
    pub date: NaiveDate,
    /// Its name as published, e.g. "Christmas Day (substitute day)".
    pub name: String,
}

/// Which days are working days, over the whole years it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDayCalendar {
    first_day: NaiveDate,
    last_day: NaiveDate,
    /// Sorted, no two on one day, every one a weekday inside the covered years.
    holidays: Vec<BankHoliday>,
}

impl WorkingDayCalendar {
    /// The calendar of England and Wales compiled into the program, read once.
    ///
    /// It can only fail if the data file is broken, which a unit test rules out; the
    /// error is still returned rather than panicking, and says which line is wrong.
    pub fn england_and_wales() -> Result<&'static WorkingDayCalendar, DomainError> {
        static CALENDAR: OnceLock<Result<WorkingDayCalendar, DomainError>> = OnceLock::new();
        CALENDAR
            .get_or_init(|| WorkingDayCalendar::parse(BANK_HOLIDAYS_ENGLAND_AND_WALES))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a bank-holiday file: `#` comment lines, a `date<TAB>name` header, then one
    /// holiday a line in date order. The calendar covers every year from the first
    /// holiday's to the last holiday's, and each of those years must have a holiday.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let mut holidays: Vec<BankHoliday> = Vec::new();
        let mut seen_header = false;
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if !seen_header {
                if line != "date\tname" {
                    return Err(calendar_error(
                        line_number,
                        "expected the header date<TAB>name",
                    ));
                }
                seen_header = true;
                continue;
            }
            let Some((date, name)) = line.split_once('\t') else {
                return Err(calendar_error(
                    line_number,
                    "expected a date, a tab and a name",
                ));
            };
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
                calendar_error(
                    line_number,
                    format!("{date:?} is not a date like 2022-09-19"),
                )
            })?;
            if name.trim().is_empty() {
                return Err(calendar_error(line_number, "the holiday has no name"));
            }
            if is_weekend(date) {
                return Err(calendar_error(
                    line_number,
                    format!(
                        "{date} is a {:?}: a bank holiday is always a weekday",
                        date.weekday()
                    ),
                ));
            }
            if let Some(previous) = holidays.last() {
                if previous.date >= date {
                    return Err(calendar_error(
                        line_number,
                        format!("{date} is not after the line before ({})", previous.date),
                    ));
                }
            }
            holidays.push(BankHoliday {
                date,
                name: name.trim().to_owned(),
            });
        }
        let (Some(first), Some(last)) = (holidays.first(), holidays.last()) else {
            return Err(DomainError::invalid(
                "bank holiday calendar",
                "there are no bank holidays",
            ));
        };
        let (first_year, last_year) = (first.date.year(), last.date.year());
        if let Some(missing) =
            (first_year..=last_year).find(|y| !holidays.iter().any(|h| h.date.year() == *y))
        {
            return Err(DomainError::invalid(
                "bank holiday calendar",
                format!("{missing} has no bank holidays: every year from {first_year} to {last_year} must be listed"),
            ));
        }
        let first_day = NaiveDate::from_ymd_opt(first_year, 1, 1);
        let last_day = NaiveDate::from_ymd_opt(last_year, 12, 31);
        let (Some(first_day), Some(last_day)) = (first_day, last_day) else {
            return Err(DomainError::invalid(
                "bank holiday calendar",
                "years out of range",
            ));
        };
        Ok(WorkingDayCalendar {
            first_day,
            last_day,
            holidays,
        })
    }

    /// The first and last day whose status the calendar knows (1 January of the first
    /// year, 31 December of the last).
    pub fn covers(&self) -> (NaiveDate, NaiveDate) {
        (self.first_day, self.last_day)
    }

    /// Every bank holiday, in date order.
    pub fn bank_holidays(&self) -> &[BankHoliday] {
        &self.holidays
    }

    /// The bank holiday on `day`, if it is one.
    pub fn bank_holiday(&self, day: NaiveDate) -> Result<Option<&BankHoliday>, DomainError> {
        self.check_covered(day)?;
        Ok(self
            .holidays
            .binary_search_by_key(&day, |h| h.date)
            .ok()
            .and_then(|i| self.holidays.get(i)))
    }

    /// Whether `day` is a working day: Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, DomainError> {
        Ok(!is_weekend(day) && self.bank_holiday(day)?.is_none())
    }

    /// The `n`-th working day after `start` (day 0 is `start` itself; see the module
    /// note). With `n >= 1` the answer is always a working day.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, DomainError> {
        self.check_covered(start)?;
        let mut day = start;
        let mut remaining = n;
        while remaining > 0 {
            day = self.next_day(day)?;
            if self.is_working_day(day)? {
                remaining -= 1;
            }
        }
        Ok(day)
    }

    /// The number of working days `d` with `from < d <= to`; negative (the same count,
    /// negated) when `to` is before `from`. The inverse of
    /// [`add_working_days`](Self::add_working_days).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, DomainError> {
        self.check_covered(from)?;
        self.check_covered(to)?;
        if to < from {
            return Ok(-self.working_days_between(to, from)?);
        }
        let weekdays = weekdays_through(to) - weekdays_through(from);
        // Every holiday is a weekday (checked when the file is read), so each one in
        // (from, to] removes exactly one of those weekdays.
        let holidays = self.holidays.partition_point(|h| h.date <= to)
            - self.holidays.partition_point(|h| h.date <= from);
        Ok(weekdays - i64::try_from(holidays).unwrap_or(i64::MAX))
    }

    /// `day` if it is a working day, else the last working day before it: the day to
    /// plan for when a calendar deadline falls on a weekend or bank holiday.
    pub fn working_day_on_or_before(&self, day: NaiveDate) -> Result<NaiveDate, DomainError> {
        let mut candidate = day;
        while !self.is_working_day(candidate)? {
            candidate = candidate
                .checked_sub_days(Days::new(1))
                .ok_or_else(|| self.outside(candidate))?;
        }
        Ok(candidate)
    }

    fn next_day(&self, day: NaiveDate) -> Result<NaiveDate, DomainError> {
        let next = day.succ_opt().ok_or_else(|| self.outside(day))?;
        self.check_covered(next)?;
        Ok(next)
    }

    fn check_covered(&self, day: NaiveDate) -> Result<(), DomainError> {
        if day < self.first_day || day > self.last_day {
            Err(self.outside(day))
        } else {
            Ok(())
        }
    }

    fn outside(&self, day: NaiveDate) -> DomainError {
        DomainError::OutsideCalendar {
            date: day,
            first: self.first_day,
            last: self.last_day,
        }
    }
}

fn calendar_error(line: usize, problem: impl std::fmt::Display) -> DomainError {
    DomainError::invalid("bank holiday calendar", format!("line {line}: {problem}"))
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// How many weekdays there are from Monday 1 January of year 1 (proleptic Gregorian) to
/// `day` inclusive; only differences of it are used.
fn weekdays_through(day: NaiveDate) -> i64 {
    // Day 0 below is Monday 0001-01-01 (`num_days_from_ce` counts it as 1).
    let days = i64::from(day.num_days_from_ce()) - 1;
    let (weeks, into_week) = (days.div_euclid(7), days.rem_euclid(7));
    5 * weeks + (into_week + 1).min(5)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::Duration;
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_date("date", s).unwrap()
    }

    fn cal() -> &'static WorkingDayCalendar {
        WorkingDayCalendar::england_and_wales().unwrap()
    }

    // ---- the data file ---------------------------------------------------------------

    #[test]
    fn the_data_file_parses_sorted_without_duplicates_and_covers_2010_to_2030() {
        let cal = cal();
        assert_eq!(cal.covers(), (d("2010-01-01"), d("2030-12-31")));
        let dates: Vec<_> = cal.bank_holidays().iter().map(|h| h.date).collect();
        assert!(
            dates.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(dates.iter().all(|d| !is_weekend(*d)));
        assert_eq!(
            dates.len(),
            21 * 8 + 1 + 1 + 2 + 1,
            "8 a year, plus 2011, 2012, 2022 (2), 2023"
        );
    }

    #[test]
    fn known_years_have_the_right_number_of_holidays() {
        let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
        for h in cal().bank_holidays() {
            *per_year.entry(h.date.year()).or_default() += 1;
        }
        let irregular = [(2011, 9), (2012, 9), (2020, 8), (2022, 10), (2023, 9)];
        for year in 2010..=2030 {
            let expected = irregular
                .iter()
                .find(|(y, _)| *y == year)
                .map_or(8, |(_, n)| *n);
            assert_eq!(per_year.get(&year), Some(&expected), "{year}");
        }
    }

    #[test]
    fn the_irregular_holidays_are_there_and_the_days_they_replaced_are_not() {
        let cal = cal();
        let named = |day: &str| cal.bank_holiday(d(day)).unwrap().map(|h| h.name.clone());
        for (day, words) in [
            ("2011-04-29", "Royal wedding"),
            ("2012-06-04", "Spring bank holiday"),
            ("2012-06-05", "Diamond Jubilee"),
            ("2020-05-08", "VE day"),
            ("2022-06-02", "Spring bank holiday"),
            ("2022-06-03", "Platinum Jubilee"),
            ("2022-09-19", "State Funeral"),
            ("2023-05-08", "coronation"),
        ] {
            let name = named(day).unwrap_or_default();
            assert!(name.contains(words), "{day}: {name:?}");
        }
        for moved_away in ["2012-05-28", "2020-05-04", "2022-05-30"] {
            assert_eq!(named(moved_away), None, "{moved_away}");
        }
    }

    #[test]
    fn substitute_days_follow_weekend_christmas_and_new_year() {
        let cal = cal();
        // Christmas on a Saturday (2010, 2021, 2027): Monday and Tuesday instead.
        // On a Sunday (2011, 2016, 2022): Boxing Day Monday, Christmas substitute Tuesday.
        // Boxing Day on a Saturday (2015, 2020, 2026): Monday 28th.
        // New Year on a Saturday (2011, 2022, 2028) or Sunday (2012, 2017, 2023).
        for day in [
            "2010-12-27",
            "2010-12-28",
            "2021-12-27",
            "2021-12-28",
            "2027-12-27",
            "2027-12-28",
            "2011-12-27",
            "2016-12-27",
            "2022-12-27",
            "2015-12-28",
            "2020-12-28",
            "2026-12-28",
            "2011-01-03",
            "2022-01-03",
            "2028-01-03",
            "2012-01-02",
            "2017-01-02",
            "2023-01-02",
        ] {
            let name = cal.bank_holiday(d(day)).unwrap().map(|h| h.name.clone());
            assert!(
                name.as_deref().unwrap_or("").contains("substitute"),
                "{day}: {name:?}"
            );
        }
    }

    /// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher): an
    /// independent check on the Good Fridays and Easter Mondays typed into the file.
    fn easter_sunday(year: i32) -> NaiveDate {
        let (a, b, c) = (year % 19, year / 100, year % 100);
        let (dd, e) = (b / 4, b % 4);
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - dd - g + 15) % 30;
        let (i, k) = (c / 4, c % 4);
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap()
    }

    fn first_or_last_monday(year: i32, month: u32, last: bool) -> NaiveDate {
        let days: Vec<NaiveDate> = (1..=31)
            .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
            .filter(|day| day.weekday() == Weekday::Mon)
            .collect();
        if last {
            *days.last().unwrap()
        } else {
            days[0]
        }
    }

    /// The usual pattern, worked out from the rules rather than typed: New Year (next
    /// weekday), Good Friday, Easter Monday, first and last Monday of May, last Monday of
    /// August, Christmas and Boxing Day with substitutes.
    fn usual_pattern(year: i32) -> Vec<NaiveDate> {
        let ymd = |m, day| NaiveDate::from_ymd_opt(year, m, day).unwrap();
        let mut new_year = ymd(1, 1);
        while is_weekend(new_year) {
            new_year = new_year.succ_opt().unwrap();
        }
        let easter = easter_sunday(year);
        let christmas = match ymd(12, 25).weekday() {
            Weekday::Fri => vec![ymd(12, 25), ymd(12, 28)],
            Weekday::Sat => vec![ymd(12, 27), ymd(12, 28)],
            Weekday::Sun => vec![ymd(12, 26), ymd(12, 27)],
            _ => vec![ymd(12, 25), ymd(12, 26)],
        };
        let mut days = vec![
            new_year,
            easter - Duration::days(2),
            easter + Duration::days(1),
            first_or_last_monday(year, 5, false),
            first_or_last_monday(year, 5, true),
            first_or_last_monday(year, 8, true),
        ];
        days.extend(christmas);
        days
    }

    #[test]
    fn every_year_is_the_usual_pattern_apart_from_the_proclaimed_changes() {
        let moved_away = ["2012-05-28", "2020-05-04", "2022-05-30"].map(d);
        let added = [
            "2011-04-29",
            "2012-06-04",
            "2012-06-05",
            "2020-05-08",
            "2022-06-02",
            "2022-06-03",
            "2022-09-19",
            "2023-05-08",
        ]
        .map(d);
        for year in 2010..=2030 {
            let mut expected: Vec<NaiveDate> = usual_pattern(year)
                .into_iter()
                .filter(|day| !moved_away.contains(day))
                .chain(added.iter().copied().filter(|day| day.year() == year))
                .collect();
            expected.sort();
            let actual: Vec<NaiveDate> = cal()
                .bank_holidays()
                .iter()
                .map(|h| h.date)
                .filter(|day| day.year() == year)
                .collect();
            assert_eq!(actual, expected, "{year}");
        }
    }

    #[test]
    fn broken_files_are_refused_with_the_line() {
        let header = "# comment\ndate\tname\n";
        let cases = [
            (
                format!("{header}2022-09-17\tSaturday\n"),
                "line 3: 2022-09-17 is a Sat",
            ),
            (
                format!("{header}2022-09-19\tA\n2022-09-19\tB\n"),
                "line 4: 2022-09-19 is not after",
            ),
            (
                format!("{header}19/09/2022\tA\n"),
                "line 3: \"19/09/2022\" is not a date",
            ),
            (
                format!("{header}2022-09-19\n"),
                "line 3: expected a date, a tab",
            ),
            ("2022-09-19\tA\n".to_owned(), "line 1: expected the header"),
            (
                format!("{header}2021-01-01\tA\n2023-01-02\tB\n"),
                "2022 has no bank holidays",
            ),
            (header.to_owned(), "there are no bank holidays"),
        ];
        for (text, expected) in cases {
            let err = WorkingDayCalendar::parse(&text).unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{err:?} should contain {expected:?}"
            );
        }
    }

    // ---- working days ----------------------------------------------------------------

    #[test]
    fn weekends_and_bank_holidays_are_not_working_days() {
        let cal = cal();
        assert!(cal.is_working_day(d("2022-09-16")).unwrap()); // Friday
        assert!(!cal.is_working_day(d("2022-09-17")).unwrap()); // Saturday
        assert!(!cal.is_working_day(d("2022-09-18")).unwrap()); // Sunday
        assert!(!cal.is_working_day(d("2022-09-19")).unwrap()); // state funeral
        assert!(cal.is_working_day(d("2022-09-20")).unwrap());
        assert!(cal.is_working_day(d("1970-01-01")).is_err());
    }

    #[test]
    fn day_zero_is_the_start_and_day_one_skips_easter() {
        let cal = cal();
        // Thursday 6 April 2023: Good Friday 7th, weekend, Easter Monday 10th.
        assert_eq!(
            cal.add_working_days(d("2023-04-06"), 0).unwrap(),
            d("2023-04-06")
        );
        assert_eq!(
            cal.add_working_days(d("2023-04-06"), 1).unwrap(),
            d("2023-04-11")
        );
        // Day 0 may itself be a holiday: from Good Friday, day 1 is still the Tuesday.
        assert_eq!(
            cal.add_working_days(d("2023-04-07"), 1).unwrap(),
            d("2023-04-11")
        );
        assert_eq!(
            cal.working_days_between(d("2023-04-06"), d("2023-04-11"))
                .unwrap(),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2023-04-11"), d("2023-04-06"))
                .unwrap(),
            -1
        );
        assert_eq!(
            cal.working_days_between(d("2023-04-06"), d("2023-04-10"))
                .unwrap(),
            0
        );
    }

    #[test]
    fn counting_past_the_calendar_is_refused_not_guessed() {
        let cal = cal();
        let err = cal.add_working_days(d("2030-12-20"), 10).unwrap_err();
        assert_eq!(
            err,
            DomainError::OutsideCalendar {
                date: d("2031-01-01"),
                first: d("2010-01-01"),
                last: d("2030-12-31"),
            }
        );
        assert!(cal
            .working_days_between(d("2009-12-31"), d("2010-01-05"))
            .is_err());
        assert!(cal.add_working_days(d("2030-12-20"), 5).is_ok());
    }

    #[test]
    fn working_day_on_or_before_steps_back_over_holidays() {
        let cal = cal();
        // Tuesday 27 December 2022 (substitute day) → Friday 23 December.
        assert_eq!(
            cal.working_day_on_or_before(d("2022-12-27")).unwrap(),
            d("2022-12-23")
        );
        assert_eq!(
            cal.working_day_on_or_before(d("2022-12-28")).unwrap(),
            d("2022-12-28")
        );
    }

    #[test]
    fn the_weekday_arithmetic_starts_on_a_monday() {
        assert_eq!(
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap().weekday(),
            Weekday::Mon
        );
    }

    fn date_in(from: &str, days: i64) -> impl Strategy<Value = NaiveDate> {
        let start = d(from);
        (0..days).prop_map(move |offset| start + Duration::days(offset))
    }

    /// Dates from 2010 to the end of 2028, so that a few hundred working days on
    /// stays inside the calendar.
    fn in_range() -> impl Strategy<Value = NaiveDate> {
        date_in("2010-01-01", 365 * 19)
    }

    /// Counting one day at a time: the obvious definition the fast count must agree with.
    fn count_by_walking(cal: &WorkingDayCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().unwrap();
            if cal.is_working_day(day).unwrap() {
                count += 1;
            }
        }
        count
    }

    proptest! {
        #[test]
        fn adding_then_counting_back_gives_n(start in in_range(), n in 0u32..400) {
            let cal = cal();
            let end = cal.add_working_days(start, n).unwrap();
            prop_assert_eq!(cal.working_days_between(start, end).unwrap(), i64::from(n));
            prop_assert_eq!(cal.working_days_between(end, start).unwrap(), -i64::from(n));
        }

        #[test]
        fn the_deadline_is_a_working_day_and_the_earliest_such(start in in_range(), n in 1u32..400) {
            let cal = cal();
            let end = cal.add_working_days(start, n).unwrap();
            prop_assert!(cal.is_working_day(end).unwrap());
            prop_assert!(!is_weekend(end));
            prop_assert!(cal.bank_holiday(end).unwrap().is_none());
            let day_before = end.pred_opt().unwrap();
            prop_assert_eq!(cal.working_days_between(start, day_before).unwrap(), i64::from(n) - 1);
        }

        #[test]
        fn more_days_or_a_later_start_never_gives_an_earlier_deadline(
            start in in_range(), later_by in 0i64..60, n in 0u32..300, more in 0u32..100,
        ) {
            let cal = cal();
            let base = cal.add_working_days(start, n).unwrap();
            prop_assert!(cal.add_working_days(start, n + more).unwrap() >= base);
            if more > 0 {
                prop_assert!(cal.add_working_days(start, n + more).unwrap() > base);
            }
            let later = start + Duration::days(later_by);
            prop_assert!(cal.add_working_days(later, n).unwrap() >= base);
        }

        #[test]
        fn the_fast_count_agrees_with_walking_and_adds_up(
            a in in_range(), b in in_range(), c in in_range(),
        ) {
            let cal = cal();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let hi = hi.min(lo + Duration::days(800));
            prop_assert_eq!(cal.working_days_between(lo, hi).unwrap(), count_by_walking(cal, lo, hi));
            prop_assert_eq!(
                cal.working_days_between(a, b).unwrap() + cal.working_days_between(b, c).unwrap(),
                cal.working_days_between(a, c).unwrap()
            );
        }
    }
}
