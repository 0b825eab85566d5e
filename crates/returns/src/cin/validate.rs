//! Running every CIN rule of the year over a [`Census`], and what came of each rule.

use super::rules::{self, Ctx, Flags};
use super::tables::TableName;
use super::Census;
use crate::catalogue::{cin_rules_of, Progress, RuleStatus};

/// A flagged row: a table and its 0-based row; a rule about the return as a whole
/// (an LA-level rule, such as 2887Q) flags no table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flag {
    /// The table, or `None` for the return as a whole.
    pub table: Option<TableName>,
    /// The 0-based row of the table (0 for the return as a whole).
    pub row: u32,
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
    /// Every flagged row with its rule, sorted by table name, row, then rule code
    /// (flags of the return as a whole first).
    pub fn flagged_rows(&self) -> Vec<FlaggedRow<'_>> {
        let mut rows: Vec<FlaggedRow<'_>> = self
            .outcomes
            .iter()
            .flat_map(|outcome| {
                outcome.flags.iter().map(|flag| FlaggedRow {
                    flag: *flag,
                    rule: outcome.facts.code,
                    fields: &outcome.facts.fields,
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            let key = |r: &FlaggedRow<'_>| (r.flag.table.map(TableName::as_str), r.flag.row);
            key(a).cmp(&key(b)).then_with(|| a.rule.cmp(b.rule))
        });
        rows
    }
}

/// Runs every rule of the census's year.
pub fn validate(census: &Census) -> Validation {
    validate_with_progress(census, |_| {})
}

/// Runs every rule of the census's year, calling `progress` before each rule.
pub fn validate_with_progress(
    census: &Census,
    mut progress: impl FnMut(Progress<'_>),
) -> Validation {
    let ctx = Ctx::new(census);
    let mut flags = Flags::default();
    let all = cin_rules_of(census.year());
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
                return RuleOutcome {
                    facts,
                    status: RuleStatus::NotImplemented,
                    flags: Vec::new(),
                };
            };
            (rule.run)(&ctx, &mut flags);
            RuleOutcome {
                facts,
                status: RuleStatus::Checked,
                flags: flags.take(),
            }
        })
        .collect();
    Validation {
        year: census.year(),
        outcomes,
    }
}
