//! The CIN rules, one small function each, grouped by the table whose rows they flag
//! (`identifiers.rs`: ChildIdentifiers and ChildCharacteristics; `episodes.rs`:
//! CINdetails; ...). Each function's doc comment is the DfE's message; its tests sit
//! beside it (a child that must be flagged and a near miss that must not).
//!
//! Every rule reproduces the reference validator's reading of the rule exactly,
//! including its quirks (noted where they surprise); `scripts/returns-oracle-cin`
//! checks this on generated censuses.

use std::cell::OnceCell;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::tables::{Key, Table, TableName};
use super::validate::Flag;
use super::Census;

mod activity;
mod assessments;
mod crossing;
mod disabilities;
mod episodes;
mod identifiers;
mod more;
mod plans;
mod protection;
mod section47;
mod working_days;

/// A rule's implementation: its code and the function.
#[derive(Debug)]
pub struct Rule {
    /// The DfE code.
    pub code: &'static str,
    /// Flags the rows that break the rule.
    pub run: fn(&Ctx<'_>, &mut Flags),
}

/// Every implemented rule.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        identifiers::RULES,
        disabilities::RULES,
        episodes::RULES,
        assessments::RULES,
        plans::RULES,
        section47::RULES,
        protection::RULES,
        crossing::RULES,
        activity::RULES,
        more::RULES,
        working_days::RULES,
    ]
    .into_iter()
    .flatten()
}

/// The implementation of the rule `code`, if there is one.
pub fn find(code: &str) -> Option<&'static Rule> {
    all().find(|rule| rule.code == code)
}

/// A table's rows by child key and `CINdetailsID`.
type EpisodeIndex = FxHashMap<(Key, u32), Vec<u32>>;

/// What a rule sees: the census, and indexes worked out once when first asked for.
#[derive(Debug)]
pub struct Ctx<'a> {
    census: &'a Census,
    by_episode: [OnceCell<EpisodeIndex>; 11],
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(census: &'a Census) -> Ctx<'a> {
        Ctx {
            census,
            by_episode: Default::default(),
        }
    }

    /// The table `name`.
    pub fn table(&self, name: TableName) -> &'a Table {
        self.census.table(name)
    }

    /// The census period (see [`Census::period`]).
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.census.period()
    }

    /// The Header's `ReferenceDate`, if readable.
    pub fn reference_date(&self) -> Option<NaiveDate> {
        self.period().map(|(_, end)| end)
    }

    /// The rows of `name` with this `LAchildID` and `CINdetailsID`, in table order: the
    /// reference's join on `["LAchildID", "CINdetailsID"]` (a missing id matches a
    /// missing id).
    pub fn rows_of_episode(&self, name: TableName, key: Key, cin: u32) -> &[u32] {
        let index = self.by_episode[name.index()].get_or_init(|| {
            let t = self.table(name);
            let mut index = EpisodeIndex::default();
            for row in t.rows() {
                index
                    .entry((t.key(row), t.cin(row)))
                    .or_default()
                    .push(u32::try_from(row).unwrap_or(u32::MAX));
            }
            index
        });
        index.get(&(key, cin)).map_or(&[], Vec::as_slice)
    }
}

/// Flags each pair of a row of `a` and a row of `b` for the same child (the same
/// `LAchildID`; with `same_episode`, also the same `CINdetailsID`) for which `breaks`
/// holds: the reference's merge of the two tables followed by a condition, flagging the
/// rows of both tables that took part.
pub(crate) fn each_pair(
    f: &mut Flags,
    (a, b): (&Table, &Table),
    same_episode: bool,
    breaks: impl Fn(usize, usize) -> bool,
) {
    let mut index: FxHashMap<(Key, u32), Vec<usize>> = FxHashMap::default();
    for r in b.rows() {
        let cin = if same_episode { b.cin(r) } else { 0 };
        index.entry((b.key(r), cin)).or_default().push(r);
    }
    for ra in a.rows() {
        let cin = if same_episode { a.cin(ra) } else { 0 };
        for &rb in index.get(&(a.key(ra), cin)).map_or(&[][..], Vec::as_slice) {
            if breaks(ra, rb) {
                f.flag(a, ra);
                f.flag(b, rb);
            }
        }
    }
}

/// The rows a rule flags.
#[derive(Debug, Default)]
pub struct Flags {
    hits: Vec<Flag>,
}

impl Flags {
    /// Flags row `row` of `table`.
    pub fn flag(&mut self, table: &Table, row: usize) {
        self.hits.push(Flag {
            table: Some(table.name()),
            row: u32::try_from(row).unwrap_or(u32::MAX),
        });
    }

    /// Flags the return as a whole (an LA-level rule).
    pub fn flag_return(&mut self) {
        self.hits.push(Flag {
            table: None,
            row: 0,
        });
    }

    /// The flags so far, sorted and each once; leaves this empty for the next rule.
    pub(crate) fn take(&mut self) -> Vec<Flag> {
        let mut hits = std::mem::take(&mut self.hits);
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

/// Flags every row of `table` for which `breaks` holds.
pub(crate) fn each_row(f: &mut Flags, table: &Table, breaks: impl Fn(usize) -> bool) {
    for row in table.rows() {
        if breaks(row) {
            f.flag(table, row);
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Small censuses for rule tests: a header whose ReferenceDate is 31 March 2026,
    //! and the children given as XML.

    use crate::catalogue::RuleStatus;
    use crate::cin::{validate, Census};

    /// A 2025-26 census holding `children` (the XML of `<Child>` elements).
    pub fn census(children: &str) -> Census {
        let xml = format!(
            "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>\
             <ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header>\
             <Children>{children}</Children></Message>"
        );
        Census::parse("2025-26".parse().unwrap(), "test.xml", xml.as_bytes()).unwrap()
    }

    /// One rule test: the children, and the rows that must be flagged (`Table:row`;
    /// each case holds a child that must fire and a near miss that must not).
    #[derive(Debug)]
    pub struct Case {
        pub rule: &'static str,
        pub children: &'static str,
        pub flagged: &'static [&'static str],
    }

    /// Runs every case, reporting all failures at once.
    pub fn check(cases: &[Case]) {
        let mut failures = Vec::new();
        for case in cases {
            let got = flagged(case.rule, &census(case.children));
            if got != case.flagged {
                failures.push(format!(
                    "rule {}: expected {:?}, got {:?}",
                    case.rule, case.flagged, got
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The rows (`Table:row`, or `Return` for the return as a whole) rule `code` flags.
    pub fn flagged(code: &str, census: &Census) -> Vec<String> {
        let validation = validate(census);
        let outcome = validation
            .outcomes
            .iter()
            .find(|o| o.facts.code == code)
            .unwrap();
        assert_eq!(
            outcome.status,
            RuleStatus::Checked,
            "rule {code} did not run"
        );
        outcome
            .flags
            .iter()
            .map(|f| match f.table {
                Some(t) => format!("{t}:{}", f.row),
                None => "Return".to_owned(),
            })
            .collect()
    }
}

#[cfg(test)]
mod coverage {
    use super::test_support::Case;

    /// Rules the reference's reading makes unable to fire on XML input (see
    /// `assessments::never`): their case is a child that would break the rule as written.
    const NEVER_FIRE: &[&str] = &["8540", "8869", "8945Q", "8950Q"];

    /// Rules tested outside `CASES` (they need a header other than the usual one).
    const OWN_TEST: &[&str] = &["100"];

    fn all_cases() -> Vec<&'static Case> {
        [
            super::identifiers::tests::CASES,
            super::disabilities::tests::CASES,
            super::episodes::tests::CASES,
            super::assessments::tests::CASES,
            super::plans::tests::CASES,
            super::section47::tests::CASES,
            super::protection::tests::CASES,
            super::crossing::tests::CASES,
            super::activity::tests::CASES,
            super::more::tests::CASES,
            super::working_days::tests::CASES,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    #[test]
    fn every_implemented_rule_has_a_test_case_and_is_in_the_catalogue() {
        let cases = all_cases();
        let catalogue = crate::catalogue::cin_rules_of("2025-26".parse().unwrap());
        for rule in super::all().filter(|r| !OWN_TEST.contains(&r.code)) {
            assert!(
                cases.iter().any(|c| c.rule == rule.code
                    && (!c.flagged.is_empty() || NEVER_FIRE.contains(&c.rule))),
                "rule {} has no test case that fires",
                rule.code
            );
            assert!(
                catalogue.iter().any(|r| r.code == rule.code),
                "rule {} is not in the catalogue",
                rule.code
            );
        }
    }

    #[test]
    fn each_rule_is_implemented_once() {
        let mut codes: Vec<&str> = super::all().map(|r| r.code).collect();
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count);
    }
}
