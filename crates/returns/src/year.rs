//! The collection year: 1 April to 31 March, written `2026-27`.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

/// A collection year whose rules this crate knows, e.g. `2026-27` (1 April 2026 to
/// 31 March 2027).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CollectionYear {
    /// The calendar year the collection year starts in (2026 for 2026-27).
    start: i32,
}

/// The years whose rule catalogues this crate holds, oldest first.
pub const SUPPORTED_YEARS: [CollectionYear; 2] = [
    CollectionYear { start: 2025 },
    CollectionYear { start: 2026 },
];

/// A year that is not written `YYYY-YY` or whose rules this crate does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("collection year {given:?}: expected one of {supported} (written YYYY-YY)")]
pub struct UnknownYear {
    given: String,
    supported: String,
}

impl CollectionYear {
    /// The calendar year the collection year starts in.
    pub fn start_year(self) -> i32 {
        self.start
    }

    /// 1 April of the start year.
    pub fn start_date(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the following year.
    pub fn end_date(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The reference validator's `collectionYear` metadata: the year the collection
    /// ends in, as text ("2027" for 2026-27). A few rules branch on it.
    pub fn reference_label(self) -> String {
        (self.start + 1).to_string()
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.start, (self.start + 1) % 100)
    }
}

impl FromStr for CollectionYear {
    type Err = UnknownYear;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SUPPORTED_YEARS
            .into_iter()
            .find(|year| year.to_string() == s.trim())
            .ok_or_else(|| UnknownYear {
                given: s.to_owned(),
                supported: SUPPORTED_YEARS
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_runs_from_april_to_march() {
        let year: CollectionYear = "2026-27".parse().unwrap();
        assert_eq!(year.start_date().to_string(), "2026-04-01");
        assert_eq!(year.end_date().to_string(), "2027-03-31");
        assert_eq!(year.to_string(), "2026-27");
        assert_eq!(year.reference_label(), "2027");
    }

    #[test]
    fn an_unknown_year_names_the_known_ones() {
        let error = "2019-20".parse::<CollectionYear>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "collection year \"2019-20\": expected one of 2025-26, 2026-27 (written YYYY-YY)"
        );
    }
}
