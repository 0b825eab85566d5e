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
    /// `Episodes_last`, ...), row, then rule code. Sorts pairs of indexes (8 bytes a
    /// flag) and compares labels without building them, so a return with hundreds of
    /// thousands of flags is written without a second copy of them.
    pub fn flagged_rows(&self) -> impl Iterator<Item = FlaggedRow<'_>> + '_ {
        let mut order: Vec<(u32, u32)> = self
            .outcomes
            .iter()
            .enumerate()
            .flat_map(|(o, outcome)| (0..outcome.flags.len()).map(move |f| (o as u32, f as u32)))
            .collect();
        let at = |(o, f): (u32, u32)| {
            let outcome = self.outcomes.get(o as usize)?;
            Some((outcome, *outcome.flags.get(f as usize)?))
        };
        let label = |flag: &Flag| {
            let suffix: &[u8] = if flag.last_year { b"_last" } else { b"" };
            flag.table.as_str().bytes().chain(suffix.iter().copied())
        };
        order.sort_unstable_by(|a, b| match (at(*a), at(*b)) {
            (Some((oa, fa)), Some((ob, fb))) => label(&fa)
                .cmp(label(&fb))
                .then(fa.row.cmp(&fb.row))
                .then(oa.facts.code.cmp(ob.facts.code)),
            _ => std::cmp::Ordering::Equal,
        });
        order.into_iter().filter_map(move |i| {
            let (outcome, flag) = at(i)?;
            Some(FlaggedRow {
                flag,
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
