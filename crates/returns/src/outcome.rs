//! What came of running a return's rules, whichever the return: one outcome per rule of
//! the year. `F` is the return's flagged row (a 903 table row, a CIN census row).

use crate::catalogue::{RuleFacts, RuleStatus};
use crate::year::CollectionYear;

/// One rule's result.
#[derive(Debug, Clone)]
pub struct RuleOutcome<F> {
    /// The rule as published.
    pub facts: RuleFacts,
    /// Whether it ran.
    pub status: RuleStatus,
    /// The rows it flagged, sorted, each once.
    pub flags: Vec<F>,
}

/// Every rule of the year and what it found.
#[derive(Debug, Clone)]
pub struct Validation<F> {
    /// The collection year.
    pub year: CollectionYear,
    /// One outcome per rule of the year, in the published order.
    pub outcomes: Vec<RuleOutcome<F>>,
}

impl<F> Validation<F> {
    /// The codes of the rules that flagged rows, in the published order.
    pub fn fired(&self) -> Vec<&'static str> {
        self.outcomes
            .iter()
            .filter(|o| !o.flags.is_empty())
            .map(|o| o.facts.code)
            .collect()
    }

    /// Whether any rule flagged anything.
    pub fn any_flagged(&self) -> bool {
        self.outcomes.iter().any(|o| !o.flags.is_empty())
    }

    /// Outcomes with the given status kind.
    pub fn count(&self, matches: impl Fn(&RuleStatus) -> bool) -> usize {
        self.outcomes.iter().filter(|o| matches(&o.status)).count()
    }
}
