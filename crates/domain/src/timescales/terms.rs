//! School terms, for the termly personal education plan.
//!
//! Term dates in England are set by each local authority (and by academies for
//! themselves), so the right input is the authority's own published dates, given to
//! [`SchoolTerms::new`]. When they are not at hand, [`SchoolTerms::approximate_england`]
//! gives an **approximation**: autumn 1 September to 31 December, spring 1 January to
//! 31 March, summer 1 April to 31 July. Each approximate term runs to the end of the
//! holiday after it (so a PEP meeting held in the Christmas holiday counts for the
//! autumn term) and August belongs to no term. A PEP is then due by the last day of the
//! term, which is a little later than a real term's last teaching day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The three terms of an English school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TermName {
    /// September to Christmas.
    Autumn,
    /// January to Easter.
    Spring,
    /// Easter to July.
    Summer,
}

impl TermName {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            TermName::Autumn => "autumn",
            TermName::Spring => "spring",
            TermName::Summer => "summer",
        }
    }
}

/// One school term, first and last day inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SchoolTerm {
    name: TermName,
    /// The calendar year in which the school year starts (2023 for 2023 to 2024).
    academic_year: i32,
    first_day: NaiveDate,
    last_day: NaiveDate,
}

impl SchoolTerm {
    /// A term of the school year starting in September of `academic_year`.
    pub fn new(
        name: TermName,
        academic_year: i32,
        first_day: NaiveDate,
        last_day: NaiveDate,
    ) -> Result<Self, DomainError> {
        if last_day < first_day {
            return Err(DomainError::EndsBeforeStart {
                what: format!("the {} term of {academic_year}", name.label()),
                start: first_day,
                end: last_day,
            });
        }
        Ok(SchoolTerm {
            name,
            academic_year,
            first_day,
            last_day,
        })
    }

    /// Which term.
    pub fn name(&self) -> TermName {
        self.name
    }

    /// The calendar year in which its school year starts.
    pub fn academic_year(&self) -> i32 {
        self.academic_year
    }

    /// First day.
    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    /// Last day.
    pub fn last_day(&self) -> NaiveDate {
        self.last_day
    }

    /// Whether `day` is in the term.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }

    /// E.g. "spring term 2023 to 2024".
    pub fn label(&self) -> String {
        format!(
            "{} term {} to {}",
            self.name.label(),
            self.academic_year,
            self.academic_year + 1
        )
    }
}

/// One term of the approximation: its name, first and last (month, day), and whether
/// it falls in the calendar year after the school year starts.
#[derive(Debug, Clone, Copy)]
struct ApproximateTerm {
    name: TermName,
    first: (u32, u32),
    last: (u32, u32),
    in_next_calendar_year: bool,
}

/// The approximation of the module note, as data.
const APPROXIMATE_TERMS: [ApproximateTerm; 3] = [
    ApproximateTerm {
        name: TermName::Autumn,
        first: (9, 1),
        last: (12, 31),
        in_next_calendar_year: false,
    },
    ApproximateTerm {
        name: TermName::Spring,
        first: (1, 1),
        last: (3, 31),
        in_next_calendar_year: true,
    },
    ApproximateTerm {
        name: TermName::Summer,
        first: (4, 1),
        last: (7, 31),
        in_next_calendar_year: true,
    },
];

/// School terms in date order, none overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolTerms {
    terms: Vec<SchoolTerm>,
}

impl SchoolTerms {
    /// The authority's own term dates. They are sorted here; two terms that share a day
    /// are refused.
    pub fn new(mut terms: Vec<SchoolTerm>) -> Result<Self, DomainError> {
        terms.sort_by_key(|t| t.first_day);
        for pair in terms.windows(2) {
            if let [earlier, later] = pair {
                if later.first_day <= earlier.last_day {
                    return Err(DomainError::invalid(
                        "school terms",
                        format!(
                            "the {} ({} to {}) overlaps the {} ({} to {})",
                            earlier.label(),
                            earlier.first_day,
                            earlier.last_day,
                            later.label(),
                            later.first_day,
                            later.last_day
                        ),
                    ));
                }
            }
        }
        Ok(SchoolTerms { terms })
    }

    /// The approximate terms of the module note for the school years starting in
    /// September of `first_academic_year` to `last_academic_year` inclusive.
    pub fn approximate_england(
        first_academic_year: i32,
        last_academic_year: i32,
    ) -> Result<Self, DomainError> {
        let mut terms = Vec::new();
        for year in first_academic_year..=last_academic_year {
            for term in APPROXIMATE_TERMS {
                let calendar_year = if term.in_next_calendar_year {
                    year + 1
                } else {
                    year
                };
                let (Some(first), Some(last)) = (
                    NaiveDate::from_ymd_opt(calendar_year, term.first.0, term.first.1),
                    NaiveDate::from_ymd_opt(calendar_year, term.last.0, term.last.1),
                ) else {
                    return Err(DomainError::DateOutOfRange {
                        what: format!("the school terms of {year}"),
                    });
                };
                terms.push(SchoolTerm::new(term.name, year, first, last)?);
            }
        }
        SchoolTerms::new(terms)
    }

    /// Every term, in date order.
    pub fn terms(&self) -> &[SchoolTerm] {
        &self.terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_date("date", s).unwrap()
    }

    #[test]
    fn the_approximation_has_three_terms_a_year_with_august_in_none() {
        let terms = SchoolTerms::approximate_england(2023, 2024).unwrap();
        let terms = terms.terms();
        assert_eq!(terms.len(), 6);
        assert_eq!(terms[0].label(), "autumn term 2023 to 2024");
        assert_eq!(
            (terms[1].first_day(), terms[1].last_day()),
            (d("2024-01-01"), d("2024-03-31"))
        );
        assert_eq!(terms[2].name(), TermName::Summer);
        assert_eq!(terms[2].last_day(), d("2024-07-31"));
        assert_eq!(terms[3].academic_year(), 2024);
        assert!(!terms.iter().any(|t| t.contains(d("2024-08-15"))));
    }

    #[test]
    fn overlapping_or_backwards_terms_are_refused() {
        let autumn =
            SchoolTerm::new(TermName::Autumn, 2023, d("2023-09-04"), d("2023-12-20")).unwrap();
        let spring =
            SchoolTerm::new(TermName::Spring, 2023, d("2023-12-20"), d("2024-03-28")).unwrap();
        let err = SchoolTerms::new(vec![spring, autumn]).unwrap_err();
        assert!(err.to_string().contains("overlaps"), "{err}");
        assert!(SchoolTerm::new(TermName::Summer, 2023, d("2024-07-23"), d("2024-04-15")).is_err());
    }
}
