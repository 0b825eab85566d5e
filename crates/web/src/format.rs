//! How dates read on the page: "1 April 2022", as GOV.UK style asks.

use chrono::NaiveDate;

/// A date shown in GOV.UK style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Day(pub NaiveDate);

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%-d %B %Y"))
    }
}

/// An end date that may not have come yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Until(pub Option<NaiveDate>);

impl std::fmt::Display for Until {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(d) => Day(d).fmt(f),
            None => f.write_str("to date"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gov_uk_style() {
        let d = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap();
        assert_eq!(Day(d).to_string(), "1 April 2022");
        assert_eq!(Until(None).to_string(), "to date");
        assert_eq!(Until(Some(d)).to_string(), "1 April 2022");
    }
}
