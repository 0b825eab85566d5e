//! Running every rule of the year over a [`Return`], and what came of each rule.

use super::rules::{self, Ctx, Flags, Need};
use super::tables::TableName;
use super::Return;
use crate::catalogue::rules_of;
pub use crate::catalogue::{Progress, RuleStatus};

/// A flagged row: which table (this year's or last year's), and its 0-based data row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flag {
    /// The table.
    pub table: TableName,
    /// Whether the row is in last year's return of the table.
    pub last_year: bool,
    /// The 0-based data row (the header line is not a row; blank lines are skipped).
    pub row: u32,
}

impl Flag {
    /// The table as the reference names it (`Episodes`, or `Episodes_last`).
    pub fn table_label(&self) -> String {
        if self.last_year {
            format!("{}_last", self.table)
        } else {
            self.table.to_string()
        }
    }
}

/// One rule's result.
pub type RuleOutcome = crate::outcome::RuleOutcome<Flag>;

/// Every rule of the year and what it found.
pub type Validation = crate::outcome::Validation<Flag>;

/// One flagged row with its rule, for line-per-row output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedRow<'a> {
    /// The row.
    pub flag: Flag,
    /// The rule's code.
    pub rule: &'a str,
    /// The rule's fields.
    pub fields: &'a [&'static str],
}

impl Validation {
    /// Every flagged row with its rule, sorted by table label (`Episodes`,
    /// `Episodes_last`, ...), row, then rule code. Each flag is sorted as one number
    /// (the label's and the code's places in their own orders around the row), so a
    /// return with hundreds of thousands of flags is sorted in 8 bytes a flag, with no
    /// comparison of text.
    pub fn flagged_rows(&self) -> impl Iterator<Item = FlaggedRow<'_>> + '_ {
        // The labels in text order: each table, this year's and last year's.
        let mut labels: Vec<(String, TableName, bool)> = TableName::ALL
            .into_iter()
            .flat_map(|t| {
                [false, true].map(|last| {
                    (
                        Flag {
                            table: t,
                            last_year: last,
                            row: 0,
                        }
                        .table_label(),
                        t,
                        last,
                    )
                })
            })
            .collect();
        labels.sort();
        let mut label_rank = [0u64; 2 * TableName::ALL.len()];
        for (rank, (_, table, last)) in (0u64..).zip(&labels) {
            if let Some(slot) = label_rank.get_mut(table.index() * 2 + usize::from(*last)) {
                *slot = rank;
            }
        }
        // The outcomes in order of rule code.
        let mut by_code: Vec<usize> = (0..self.outcomes.len()).collect();
        by_code.sort_by_key(|o| self.outcomes.get(*o).map(|o| o.facts.code));
        let mut code_rank = vec![0u64; self.outcomes.len()];
        for (rank, o) in (0u64..).zip(&by_code) {
            if let Some(slot) = code_rank.get_mut(*o) {
                *slot = rank;
            }
        }
        // label (8 bits) | row (32 bits) | code (24 bits)
        let mut keys: Vec<u64> = self
            .outcomes
            .iter()
            .zip(&code_rank)
            .flat_map(|(outcome, code)| {
                let label_rank = &label_rank;
                outcome.flags.iter().map(move |f| {
                    let label = label_rank
                        .get(f.table.index() * 2 + usize::from(f.last_year))
                        .copied()
                        .unwrap_or(0);
                    label << 56 | u64::from(f.row) << 24 | code
                })
            })
            .collect();
        keys.sort_unstable();
        keys.into_iter().filter_map(move |key| {
            let (_, table, last_year) = labels.get(usize::try_from(key >> 56).ok()?)?;
            let outcome = self
                .outcomes
                .get(*by_code.get(usize::try_from(key & 0xff_ffff).ok()?)?)?;
            Some(FlaggedRow {
                flag: Flag {
                    table: *table,
                    last_year: *last_year,
                    row: u32::try_from((key >> 24) & 0xffff_ffff).ok()?,
                },
                rule: outcome.facts.code,
                fields: &outcome.facts.fields,
            })
        })
    }
}

/// Runs every rule of the return's year.
pub fn validate(ret: &Return) -> Validation {
    validate_with_progress(ret, |_| {})
}

/// Runs every rule of the return's year, calling `progress` before each rule (the
/// caller decides whether and how often to show it).
pub fn validate_with_progress(ret: &Return, mut progress: impl FnMut(Progress<'_>)) -> Validation {
    let ctx = Ctx::new(ret);
    let mut flags = Flags::default();
    let all = rules_of(ret.year());
    let total = all.len();
    let outcomes = all
        .into_iter()
        .enumerate()
        .map(|(done, facts)| {
            progress(Progress {
                done,
                total,
                rule: facts.code,
            });
            let Some(rule) = rules::find(facts.code) else {
                if let Some(need) = rules::outside_data(facts.code) {
                    return RuleOutcome {
                        facts,
                        status: RuleStatus::NotRun {
                            missing: vec![need.to_string()],
                        },
                        flags: Vec::new(),
                    };
                }
                return RuleOutcome {
                    facts,
                    status: RuleStatus::NotImplemented,
                    flags: Vec::new(),
                };
            };
            let missing: Vec<String> = rule
                .needs
                .iter()
                .filter(|need| !need.is_met(ret))
                .map(Need::to_string)
                .collect();
            if !missing.is_empty() {
                return RuleOutcome {
                    facts,
                    status: RuleStatus::NotRun { missing },
                    flags: Vec::new(),
                };
            }
            (rule.run)(&ctx, &mut flags);
            RuleOutcome {
                facts,
                status: RuleStatus::Checked,
                flags: flags.take(),
            }
        })
        .collect();
    Validation {
        year: ret.year(),
        outcomes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::RuleFacts;

    fn outcome(code: &'static str, flags: &[(TableName, bool, u32)]) -> RuleOutcome {
        RuleOutcome {
            facts: RuleFacts {
                code,
                message: "",
                tables: Vec::new(),
                fields: vec!["X"],
                query: false,
            },
            status: RuleStatus::Checked,
            flags: flags
                .iter()
                .map(|(table, last_year, row)| Flag {
                    table: *table,
                    last_year: *last_year,
                    row: *row,
                })
                .collect(),
        }
    }

    /// Sorted by the table's label as text (so `Episodes_last` after `Episodes` and
    /// before `Header`, `OC3` before `PlacedAdoption`), then row, then code as text
    /// (`1001` before `103`).
    #[test]
    fn flagged_rows_sort_by_label_row_then_code_as_text() {
        use TableName::{Episodes, Header, Oc3, PlacedAdoption};
        let validation = Validation {
            year: "2026-27".parse().expect("a year"),
            outcomes: vec![
                outcome(
                    "103",
                    &[
                        (Header, false, 2),
                        (Episodes, true, 5),
                        (Episodes, false, 9),
                    ],
                ),
                outcome("1001", &[(Oc3, false, 0), (Episodes, false, 9)]),
                outcome(
                    "SW06STG2",
                    &[(PlacedAdoption, false, 0), (Episodes, false, 1)],
                ),
            ],
        };
        let got: Vec<(String, u32, &str)> = validation
            .flagged_rows()
            .map(|f| (f.flag.table_label(), f.flag.row, f.rule))
            .collect();
        let expected = [
            ("Episodes", 1, "SW06STG2"),
            ("Episodes", 9, "1001"),
            ("Episodes", 9, "103"),
            ("Episodes_last", 5, "103"),
            ("Header", 2, "103"),
            ("OC3", 0, "1001"),
            ("PlacedAdoption", 0, "SW06STG2"),
        ]
        .map(|(t, r, c)| (t.to_owned(), r, c));
        assert_eq!(got, expected);
    }
}
