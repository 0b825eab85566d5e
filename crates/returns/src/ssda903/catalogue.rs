//! The DfE's rule catalogue for each collection year: code, message, tables, fields,
//! from `data/ssda903_rules_YYYY_YY.tsv` (as published, compiled into the binary).

use super::year::CollectionYear;

const RULES_2025_26: &str = include_str!("../../data/ssda903_rules_2025_26.tsv");
const RULES_2026_27: &str = include_str!("../../data/ssda903_rules_2026_27.tsv");

/// One rule as the DfE publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFacts {
    /// The rule's code, e.g. `103` or `INT01`.
    pub code: &'static str,
    /// The DfE's message.
    pub message: &'static str,
    /// The tables it reads (`_last` for last year's).
    pub tables: Vec<&'static str>,
    /// The fields it points at.
    pub fields: Vec<&'static str>,
}

/// The rules of `year`, in the published order.
pub fn rules_of(year: CollectionYear) -> Vec<RuleFacts> {
    let tsv = if year.start_year() >= 2026 {
        RULES_2026_27
    } else {
        RULES_2025_26
    };
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
            Some(RuleFacts {
                code,
                message,
                tables: list(cells.next()),
                fields: list(cells.next()),
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
}
