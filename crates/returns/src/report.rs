//! A validation as people read it, for either return: a summary, then each rule that
//! flagged rows with its rows (where in the file, which child, the fields' values), then
//! the rules not run and those not checked. The CLI prints it as text; the web page
//! renders it as HTML.

use crate::catalogue::RuleStatus;
use crate::{cin, ssda903};

/// A validation, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// "SSDA903 2026-27" or "CIN census 2025-26".
    pub title: String,
    /// How many rules the year has.
    pub total: usize,
    /// How many were checked (run, and implemented).
    pub checked: usize,
    /// Flagged rows, over every rule.
    pub flagged_rows: usize,
    /// Rules that flagged rows, in the published order.
    pub fired: Vec<FiredRule>,
    /// Rules not run, grouped by what they lacked (a table, Ofsted's provider lists, the
    /// ONS postcode lookup), in the order each group first appears.
    pub not_run: Vec<(String, Vec<&'static str>)>,
    /// Rules Carebridge does not check yet (never reported as passed).
    pub not_checked: Vec<&'static str>,
}

/// A rule that flagged rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiredRule {
    /// Its code, e.g. "103" or "8606".
    pub code: &'static str,
    /// The DfE's message.
    pub message: &'static str,
    /// A query (to check and explain) rather than an error.
    pub query: bool,
    /// How many rows it flagged.
    pub count: usize,
    /// The first rows (up to the report's limit).
    pub rows: Vec<ReportRow>,
}

/// One flagged row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// Where: "Episodes line 12", "Episodes (last year) line 4", "CINdetails row 3",
    /// or "the return as a whole".
    pub place: String,
    /// The child's id in the file (`CHILD` or `LAchildID`), when the row has one.
    pub child: Option<String>,
    /// The rule's fields in this row, as `FIELD=value`.
    pub fields: Vec<String>,
}

impl Report {
    /// The report of a 903 validation, with up to `limit` rows per rule (0: all).
    pub fn of_903(ret: &ssda903::Return, validation: &ssda903::Validation, limit: usize) -> Self {
        let rows_of = |outcome: &ssda903::RuleOutcome| {
            shown(&outcome.flags, limit)
                .iter()
                .filter_map(|flag| {
                    let table = if flag.last_year {
                        ret.last_year_table(flag.table)
                    } else {
                        ret.table(flag.table)
                    }?;
                    let row = flag.row as usize;
                    Some(ReportRow {
                        place: format!("{} line {}", flag.table_label(), table.line(row)),
                        child: table.text_by_name(row, "CHILD").map(str::to_owned),
                        fields: outcome
                            .facts
                            .fields
                            .iter()
                            .filter(|f| flag.table.columns().contains(f))
                            .map(|f| {
                                format!("{f}={}", table.text_by_name(row, f).unwrap_or("(blank)"))
                            })
                            .collect(),
                    })
                })
                .collect()
        };
        Report::build(
            format!("SSDA903 {}", validation.year),
            validation
                .outcomes
                .iter()
                .map(|o| (&o.facts, &o.status, o.flags.len(), rows_of(o))),
        )
    }

    /// The report of a CIN census validation, with up to `limit` rows per rule (0: all).
    pub fn of_cin(census: &cin::Census, validation: &cin::Validation, limit: usize) -> Self {
        let rows_of = |outcome: &cin::RuleOutcome| {
            shown(&outcome.flags, limit)
                .iter()
                .map(|flag| {
                    let Some(name) = flag.table else {
                        return ReportRow {
                            place: "the return as a whole".to_owned(),
                            child: None,
                            fields: Vec::new(),
                        };
                    };
                    let table = census.table(name);
                    let row = flag.row as usize;
                    let id = (name != cin::TableName::Header)
                        .then(|| census.tables().la_child_id(table.key(row)))
                        .flatten();
                    let fields = outcome
                        .facts
                        .fields
                        .iter()
                        .filter(|f| **f != "LAchildID" && name.columns().any(|c| c == **f))
                        .map(|f| {
                            format!(
                                "{f}={}",
                                table
                                    .shown(row, f, id)
                                    .unwrap_or_else(|| "(missing)".to_owned())
                            )
                        })
                        .collect();
                    ReportRow {
                        place: if name == cin::TableName::Header {
                            "Header".to_owned()
                        } else {
                            format!(
                                "{} row {} (child {} in the file)",
                                name.as_str(),
                                row,
                                table.child(row)
                            )
                        },
                        child: id.map(str::to_owned),
                        fields,
                    }
                })
                .collect()
        };
        Report::build(
            format!("CIN census {}", validation.year),
            validation
                .outcomes
                .iter()
                .map(|o| (&o.facts, &o.status, o.flags.len(), rows_of(o))),
        )
    }

    /// The report from each rule's facts, status, number of flags and rows.
    fn build<'a>(
        title: String,
        outcomes: impl Iterator<
            Item = (
                &'a crate::catalogue::RuleFacts,
                &'a RuleStatus,
                usize,
                Vec<ReportRow>,
            ),
        >,
    ) -> Self {
        let mut report = Report {
            title,
            total: 0,
            checked: 0,
            flagged_rows: 0,
            fired: Vec::new(),
            not_run: Vec::new(),
            not_checked: Vec::new(),
        };
        for (facts, status, count, rows) in outcomes {
            report.total += 1;
            match status {
                RuleStatus::Checked => report.checked += 1,
                RuleStatus::NotRun { missing } => {
                    let what = missing.join(", ");
                    match report.not_run.iter_mut().find(|(w, _)| *w == what) {
                        Some((_, codes)) => codes.push(facts.code),
                        None => report.not_run.push((what, vec![facts.code])),
                    }
                }
                RuleStatus::NotImplemented => report.not_checked.push(facts.code),
            }
            if count > 0 {
                report.flagged_rows += count;
                report.fired.push(FiredRule {
                    code: facts.code,
                    message: facts.message,
                    query: facts.query,
                    count,
                    rows,
                });
            }
        }
        report
    }
}

/// The first `limit` flags (all when `limit` is 0).
fn shown<T>(flags: &[T], limit: usize) -> &[T] {
    match limit {
        0 => flags,
        n => flags.get(..n).unwrap_or(flags),
    }
}
