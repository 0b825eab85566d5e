//! The DfE's rule catalogues for each return and collection year: code, message,
//! tables, fields (and for the CIN census whether the rule is an error or a query),
//! from `data/*_rules_YYYY_YY.tsv` (as published, compiled into the binary).

use crate::year::CollectionYear;

const SSDA903_2025_26: &str = include_str!("../data/ssda903_rules_2025_26.tsv");
const SSDA903_2026_27: &str = include_str!("../data/ssda903_rules_2026_27.tsv");
const CIN_2025_26: &str = include_str!("../data/cin_rules_2025_26.tsv");
const CIN_2026_27: &str = include_str!("../data/cin_rules_2026_27.tsv");

/// One rule as the DfE publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFacts {
    /// The rule's code, e.g. `103`, `INT01` or (CIN) `8525Q`.
    pub code: &'static str,
    /// The DfE's message.
    pub message: &'static str,
    /// The tables it reads (`_last` for last year's).
    pub tables: Vec<&'static str>,
    /// The fields it points at.
    pub fields: Vec<&'static str>,
    /// Whether it is a query (to check and explain) rather than an error; the 903
    /// catalogue does not say, and its rules are all `false` here.
    pub query: bool,
}

/// Whether a rule was run (for the 903 return and the CIN census alike; a CIN rule is
/// never `NotRun`, as the census is one file holding every table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleStatus {
    /// Run over the return; its flags are complete.
    Checked,
    /// Not run (903): a table it needs was not supplied (as the reference, which skips
    /// it), or data from outside the return (Ofsted's provider lists, the ONS postcode
    /// lookup) that Carebridge cannot read yet.
    NotRun {
        /// What was missing, e.g. `Episodes` or `Episodes (last year)`.
        missing: Vec<String>,
    },
    /// Not yet implemented in Carebridge: nothing is known about this rule's rows.
    NotImplemented,
}

/// How far a validation has got, for a progress indicator.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Rules of the year dealt with so far (run, not run or not implemented).
    pub done: usize,
    /// Rules of the year.
    pub total: usize,
    /// The rule about to be dealt with.
    pub rule: &'a str,
}

/// The SSDA903 rules of `year`, in the published order.
pub fn rules_of(year: CollectionYear) -> Vec<RuleFacts> {
    parse(if year.start_year() >= 2026 {
        SSDA903_2026_27
    } else {
        SSDA903_2025_26
    })
}

/// The CIN census rules of `year`, in the published order.
pub fn cin_rules_of(year: CollectionYear) -> Vec<RuleFacts> {
    parse(if year.start_year() >= 2026 {
        CIN_2026_27
    } else {
        CIN_2025_26
    })
}

fn parse(tsv: &'static str) -> Vec<RuleFacts> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let code = cells.next()?;
            let message = cells.next()?;
            let list = |cell: Option<&'static str>| {
                cell.unwrap_or("")
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            let tables = list(cells.next());
            let fields = list(cells.next());
            Some(RuleFacts {
                code,
                message,
                tables,
                fields,
                query: cells.next() == Some("query"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_years_are_complete() {
        let y2025 = rules_of("2025-26".parse().unwrap());
        let y2026 = rules_of("2026-27".parse().unwrap());
        assert_eq!(y2025.len(), 316);
        assert_eq!(y2026.len(), 327);
        let rule_103 = y2026.iter().find(|r| r.code == "103").unwrap();
        assert_eq!(rule_103.fields, ["ETHNIC"]);
        assert_eq!(rule_103.tables, ["Header"]);
        assert!(y2026.iter().any(|r| r.code == "710"));
        assert!(!y2025.iter().any(|r| r.code == "710"));
    }

    #[test]
    fn the_cin_years_hold_the_same_109_rules() {
        let y2025 = cin_rules_of("2025-26".parse().unwrap());
        let y2026 = cin_rules_of("2026-27".parse().unwrap());
        assert_eq!(y2025.len(), 109);
        assert_eq!(y2025, y2026);
        let rule = y2025.iter().find(|r| r.code == "8525Q").unwrap();
        assert!(rule.query);
        assert_eq!(rule.fields, ["PersonBirthDate", "ExpectedPersonBirthDate"]);
        assert!(!y2025.iter().find(|r| r.code == "8500").unwrap().query);
    }
}
