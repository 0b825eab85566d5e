//! The rules, one small function each, grouped by the table whose rows they flag:
//! rule 103 (ethnicity) is in `header.rs`, rule 301 in `episodes.rs`, the `INT` checks
//! in `integrity.rs`. Each function's doc comment is the DfE's message; its tests sit
//! beside it (one row that must be flagged, one near miss that must not).
//!
//! Every rule reproduces the reference validator's reading of the rule exactly,
//! including its quirks (noted where they surprise); `scripts/returns-oracle-903`
//! checks this on generated returns.

use std::fmt;

use chrono::NaiveDate;

use super::table::{ChildId, Table};
use super::tables::{Col, TableName};
use super::validate::Flag;
use super::Return;
use crate::year::CollectionYear;

mod ad1;
mod adoption;
mod ages;
mod continuous;
mod dolo;
mod episodes;
mod header;
mod history;
mod integrity;
mod missing;
mod numpy_sort;
mod oc2;
mod oc3;
mod placed_adoption;
mod prev_perm;
mod reviews;
mod sequence;
mod sw_episodes;
mod uasc;

/// A rule's implementation: its code, the tables it needs and the function.
#[derive(Debug)]
pub struct Rule {
    /// The DfE code.
    pub code: &'static str,
    /// What must be supplied for the rule to run (the reference skips it otherwise).
    pub needs: &'static [Need],
    /// Flags the rows that break the rule.
    pub run: fn(&Ctx<'_>, &mut Flags),
}

/// Something a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// This year's table.
    This(TableName),
    /// Last year's table.
    Last(TableName),
    /// Ofsted's children's homes and social care providers lists (not read yet).
    OfstedLists,
    /// The ONS postcode lookup, from which the reference derives each placement's local
    /// authority, location and distance (`PL_LA`, `PL_LOCATION`, `PL_DISTANCE`); not
    /// read yet.
    PostcodeLookup,
}

impl Need {
    pub(crate) fn is_met(self, ret: &Return) -> bool {
        match self {
            Need::This(table) => ret.table(table).is_some(),
            Need::Last(table) => ret.last_year_table(table).is_some(),
            Need::OfstedLists | Need::PostcodeLookup => false,
        }
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Need::This(table) => write!(f, "{table}"),
            Need::Last(table) => write!(f, "{table} (last year)"),
            Need::OfstedLists => f.write_str("Ofsted's provider lists, not supplied"),
            Need::PostcodeLookup => f.write_str("the ONS postcode lookup, not supplied"),
        }
    }
}

/// Every implemented rule.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        header::RULES,
        episodes::RULES,
        adoption::RULES,
        ages::RULES,
        continuous::RULES,
        sequence::RULES,
        history::RULES,
        reviews::RULES,
        uasc::RULES,
        oc2::RULES,
        oc3::RULES,
        ad1::RULES,
        placed_adoption::RULES,
        prev_perm::RULES,
        missing::RULES,
        sw_episodes::RULES,
        dolo::RULES,
        integrity::RULES,
    ]
    .into_iter()
    .flatten()
}

/// Rules that need data from outside the return, which Carebridge cannot read yet: they
/// are reported as not run (never as passed), and they have no implementation.
///
/// The reference reads Ofsted's lists from its two spreadsheets (children's homes,
/// social care providers) and infers each provider's local authority from its postcode;
/// it derives placement areas and distances from the ONS postcode directory it ships.
/// Neither is data Carebridge may invent, so these rules wait for a way to supply it.
const OUTSIDE_DATA: &[(&str, Need)] = &[
    ("1008", Need::OfstedLists),
    ("219", Need::OfstedLists),
    ("221", Need::OfstedLists),
    ("224", Need::OfstedLists),
    ("227", Need::OfstedLists),
    ("228", Need::OfstedLists),
    ("229", Need::OfstedLists),
    ("164", Need::PostcodeLookup),
    ("169", Need::PostcodeLookup),
    ("179", Need::PostcodeLookup),
    ("218", Need::PostcodeLookup),
    ("241", Need::PostcodeLookup),
    ("243", Need::PostcodeLookup),
    ("392a", Need::PostcodeLookup),
    ("392c", Need::PostcodeLookup),
    ("406", Need::PostcodeLookup),
    ("411", Need::PostcodeLookup),
    ("420", Need::PostcodeLookup),
    ("452", Need::PostcodeLookup),
    ("453", Need::PostcodeLookup),
    ("454", Need::PostcodeLookup),
    ("503G", Need::PostcodeLookup),
    ("503H", Need::PostcodeLookup),
    ("503J", Need::PostcodeLookup),
    ("1015", Need::PostcodeLookup),
];

/// What rule `code` needs from outside the return, if it is one of those rules.
pub fn outside_data(code: &str) -> Option<Need> {
    OUTSIDE_DATA
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, need)| *need)
}

/// The implementation of the rule `code`, if there is one.
pub fn find(code: &str) -> Option<&'static Rule> {
    all().find(|rule| rule.code == code)
}

/// Flags every row of `table` for which `breaks` holds.
pub(crate) fn each_row(f: &mut Flags, table: &Table, breaks: impl Fn(usize) -> bool) {
    for row in table.rows() {
        if breaks(row) {
            f.flag(table, row);
        }
    }
}

/// Birthday `years` of a date of birth (29 February becomes 28 February, as pandas'
/// `DateOffset(years=...)` has it).
pub(crate) fn birthday(dob: Option<NaiveDate>, years: u32) -> Option<NaiveDate> {
    dob.and_then(|d| d.checked_add_months(chrono::Months::new(12 * years)))
}

/// Fills `out` with `rows` ordered by their date in `col`, blank or unreadable dates
/// last, rows with equal dates in file order: how the reference's
/// `sort_values(["CHILD", col])` orders one child's rows (a stable sort, `NaT` last).
pub(crate) fn sort_by_date(t: &Table, col: Col, rows: &[u32], out: &mut Vec<usize>) {
    out.clear();
    out.extend(rows.iter().map(|r| *r as usize));
    out.sort_by_key(|r| {
        let date = t.date(*r, col);
        (date.is_none(), date)
    });
}

/// The first of `rows` with the earliest date in `col` (pandas' `idxmin`); `None` when
/// none has a date (where the reference's `groupby().idxmin()` raises).
pub(crate) fn first_earliest(t: &Table, col: Col, rows: &[u32]) -> Option<usize> {
    let mut best: Option<(NaiveDate, usize)> = None;
    for row in rows.iter().map(|r| *r as usize) {
        if let Some(date) = t.date(row, col) {
            if best.is_none_or(|(b, _)| date < b) {
                best = Some((date, row));
            }
        }
    }
    best.map(|(_, row)| row)
}

/// The first of `rows` with the latest date in `col` (pandas' `idxmax`); `None` when
/// none has a date.
pub(crate) fn first_latest(t: &Table, col: Col, rows: &[u32]) -> Option<usize> {
    let mut best: Option<(NaiveDate, usize)> = None;
    for row in rows.iter().map(|r| *r as usize) {
        if let Some(date) = t.date(row, col) {
            if best.is_none_or(|(b, _)| date > b) {
                best = Some((date, row));
            }
        }
    }
    best.map(|(_, row)| row)
}

/// Flags each period (a row with a `start` and an `end` column) that starts before the
/// child's previous period has ended, or whose previous period has no readable end: the
/// reference's reading of "periods must not overlap" for Missing (574) and DoLo (705).
/// A child's periods are taken in order of end (start when the end cannot be read),
/// then start, unreadable last; rows with equal keys in file order.
pub(crate) fn overlapping_periods(f: &mut Flags, t: &Table, child: Col, start: Col, end: Col) {
    let mut order: Vec<usize> = Vec::new();
    for (_, rows) in t.by_child() {
        if rows.first().is_some_and(|r| t.is_blank(*r as usize, child)) {
            continue;
        }
        order.clear();
        order.extend(rows.iter().map(|r| *r as usize));
        order.sort_by_key(|r| {
            let from = t.date(*r, start);
            let to = t.date(*r, end).or(from);
            (to.is_none(), to, from.is_none(), from)
        });
        for pair in order.windows(2) {
            let (prev, cur) = (pair[0], pair[1]);
            let prev_end = t.date(prev, end);
            if prev_end.is_none()
                || matches!((t.date(cur, start), prev_end), (Some(s), Some(e)) if s < e)
            {
                f.flag(t, cur);
            }
        }
    }
}

/// The reference's derived `UASC` column of a Header table given that year's UASC table
/// (see [`Ctx::header_uasc`]): per Header row, the value of the left join's row at the
/// same position.
pub(crate) fn derived_uasc(h: &Table, uasc: &Table) -> Vec<bool> {
    let mut joined = Vec::with_capacity(h.len());
    for r in h.rows() {
        let matches = uasc.rows_of(h.child(r)).len();
        for _ in 0..matches.max(1) {
            if joined.len() == h.len() {
                return joined;
            }
            joined.push(matches > 0);
        }
    }
    joined
}

/// Flags each period of `t` (a missing period, a DoLO) with a readable start that lies
/// outside every period of care of its child, as the reference's rules 577, 578 and 707
/// read it: `outside(start, end, care_start, care_end)` for each. A child with no period
/// of care is never flagged.
///
/// A period of care is a run of the child's episodes (those with a readable start, in
/// order of start) each starting on or before the previous one's end (an episode with no
/// readable end continues); it runs from the first start to the last episode's end.
/// Episodes with a blank `CHILD` are each a period of care of their own.
pub(crate) fn outside_periods_of_care(
    c: &Ctx<'_>,
    f: &mut Flags,
    t: &Table,
    (start, end): (Col, Col),
    outside: impl Fn(NaiveDate, Option<NaiveDate>, NaiveDate, Option<NaiveDate>) -> bool,
) {
    use super::tables::cols::episodes::{CHILD, DEC, DECOM};
    let episodes = c.this(TableName::Episodes);
    let (mut dated, mut order) = (Vec::new(), Vec::new());
    let mut periods: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for (child, rows) in t.by_child() {
        dated.clear();
        dated.extend(
            episodes
                .rows_of(child)
                .filter(|r| episodes.date(*r, DECOM).is_some())
                .map(|r| u32::try_from(r).unwrap_or(u32::MAX)),
        );
        sort_by_date(episodes, DECOM, &dated, &mut order);
        periods.clear();
        let blank_child = order.first().is_some_and(|r| episodes.is_blank(*r, CHILD));
        let mut prev_end: Option<Option<NaiveDate>> = None;
        for &r in &order {
            let (Some(from), to) = (episodes.date(r, DECOM), episodes.date(r, DEC)) else {
                continue;
            };
            let continues = !blank_child && prev_end.is_some_and(|e| e.is_none_or(|e| from <= e));
            match periods.last_mut() {
                Some(last) if continues => last.1 = to,
                _ => periods.push((from, to)),
            }
            prev_end = Some(to);
        }
        if periods.is_empty() {
            continue;
        }
        for r in rows.iter().map(|r| *r as usize) {
            let Some(s) = t.date(r, start) else {
                continue;
            };
            let e = t.date(r, end);
            if periods.iter().all(|(from, to)| outside(s, e, *from, *to)) {
                f.flag(t, r);
            }
        }
    }
}

/// This year's and last year's rows of one table as one list, this year's first, each
/// row numbered by its place in that list (as the reference's `pd.concat` of the two
/// years lines them up); `u32` numbers keep the rules that sort both years small.
pub(crate) struct BothYears<'a> {
    this: &'a Table,
    last: &'a Table,
}

impl<'a> BothYears<'a> {
    pub(crate) fn new(this: &'a Table, last: &'a Table) -> BothYears<'a> {
        BothYears { this, last }
    }

    /// How many rows in both years.
    pub(crate) fn len(&self) -> usize {
        self.this.len() + self.last.len()
    }

    /// The table and row of number `i`.
    pub(crate) fn at(&self, i: u32) -> (&'a Table, usize) {
        let i = i as usize;
        match i.checked_sub(self.this.len()) {
            Some(r) => (self.last, r),
            None => (self.this, i),
        }
    }

    /// Whether number `i` is a row of this year's table.
    pub(crate) fn is_this_year(&self, i: u32) -> bool {
        (i as usize) < self.this.len()
    }

    /// The row's number in its own year's file (the reference's index label, which
    /// repeats across the two years).
    pub(crate) fn label(&self, i: u32) -> usize {
        self.at(i).1
    }

    /// The date in `col` of number `i`.
    pub(crate) fn date(&self, i: u32, col: Col) -> Option<NaiveDate> {
        let (t, r) = self.at(i);
        t.date(r, col)
    }

    /// The numbers of `child`'s rows, this year's first.
    pub(crate) fn rows_of(&self, child: ChildId) -> impl Iterator<Item = u32> + '_ {
        let offset = self.this.len();
        self.this
            .rows_of(child)
            .chain(self.last.rows_of(child).map(move |r| r + offset))
            .filter_map(|r| u32::try_from(r).ok())
    }
}

/// What a rule sees: the return and its year.
#[derive(Debug)]
pub struct Ctx<'a> {
    ret: &'a Return,
    /// Per child, whether looked after continuously all year (worked out once, when a
    /// rule first asks).
    continuously_looked_after: std::cell::OnceCell<Vec<bool>>,
    /// Header's derived `UASC` per row (see [`Ctx::header_uasc`]).
    header_uasc: std::cell::OnceCell<Vec<bool>>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(ret: &'a Return) -> Ctx<'a> {
        Ctx {
            ret,
            continuously_looked_after: std::cell::OnceCell::new(),
            header_uasc: std::cell::OnceCell::new(),
        }
    }

    /// Whether `child` was looked after continuously through the collection year, as
    /// the reference derives it from this year's Episodes (its
    /// `CONTINUOUSLY_LOOKED_AFTER`): some episode falls in the year, and none starts a
    /// period of care (`RNE` S) after 1 April, ends one (`REC` other than X1) from
    /// 1 April to 30 March, or is a short break (V3/V4) in the year. A child with a blank
    /// `CHILD`, or with no episode, never is.
    pub fn continuously_looked_after(&self, child: ChildId) -> bool {
        self.continuously_looked_after
            .get_or_init(|| {
                continuously_looked_after(
                    self.this(TableName::Episodes),
                    self.ret.children().len(),
                    self.collection_start(),
                    self.collection_end(),
                )
            })
            .get(child.index())
            .copied()
            .unwrap_or(false)
    }

    /// This year's table (empty if not supplied; rules declare what they need).
    pub fn this(&self, table: TableName) -> &'a Table {
        self.ret.this_or_empty(table)
    }

    /// Last year's table (empty if not supplied).
    pub fn last(&self, table: TableName) -> &'a Table {
        self.ret.last_or_empty(table)
    }

    /// The collection year.
    pub fn year(&self) -> CollectionYear {
        self.ret.year()
    }

    /// 1 April, the first day of the collection year.
    pub fn collection_start(&self) -> NaiveDate {
        self.ret.year().start_date()
    }

    /// 31 March, the last day of the collection year.
    pub fn collection_end(&self) -> NaiveDate {
        self.ret.year().end_date()
    }

    /// The reference's derived Header `UASC` column: when the UASC table is supplied,
    /// whether the Header row's child is in it; `None` when it is not supplied.
    ///
    /// The reference sets it from a left join of Header with UASC, row by row by
    /// position, so when a child is in UASC more than once the values slip down: Header
    /// row `i` gets the value of the join's row `i`, whichever child that row is.
    pub fn header_uasc(&self, row: usize) -> Option<bool> {
        let uasc = self.ret.table(TableName::Uasc)?;
        let values = self
            .header_uasc
            .get_or_init(|| derived_uasc(self.this(TableName::Header), uasc));
        Some(values.get(row).copied().unwrap_or(false))
    }
}

fn continuously_looked_after(
    t: &Table,
    children: usize,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<bool> {
    use super::tables::cols::episodes::{CHILD, DEC, DECOM, LS, REC, RNE};
    let mut out = vec![false; children];
    for (child, rows) in t.by_child() {
        let rows = || rows.iter().map(|r| *r as usize);
        if rows().next().is_some_and(|r| t.is_blank(r, CHILD)) {
            continue;
        }
        let during_year = |r: usize| {
            t.date(r, DECOM).is_some_and(|d| d <= end) && t.date(r, DEC).is_none_or(|d| d >= start)
        };
        let not_continuous = |r: usize| {
            let enters =
                t.is(r, RNE, "S") && t.date(r, DECOM).is_some_and(|d| d > start && d <= end);
            let leaves =
                !t.is(r, REC, "X1") && t.date(r, DEC).is_some_and(|d| d >= start && d < end);
            let short_break = t.is_in(r, LS, &["V3", "V4"]) && during_year(r);
            enters || leaves || short_break
        };
        if let Some(slot) = out.get_mut(child.index()) {
            *slot = rows().any(during_year) && !rows().any(not_continuous);
        }
    }
    out
}

/// The rows a rule flags.
#[derive(Debug, Default)]
pub struct Flags {
    hits: Vec<Flag>,
}

impl Flags {
    /// Flags data row `row` of `table`.
    pub fn flag(&mut self, table: &Table, row: usize) {
        self.hits.push(Flag {
            table: table.name(),
            last_year: table.is_last_year(),
            row: u32::try_from(row).unwrap_or(u32::MAX),
        });
    }

    /// The flags so far, sorted and each once; leaves this empty for the next rule.
    pub(crate) fn take(&mut self) -> Vec<Flag> {
        let mut hits = std::mem::take(&mut self.hits);
        hits.sort_unstable();
        hits.dedup();
        hits.shrink_to_fit();
        hits
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Small returns for rule tests: each table written with only the columns the
    //! test cares about (the others are blank).

    use crate::ssda903::validate::{validate, RuleStatus};
    use crate::ssda903::{Return, Source, TableName};

    /// A table as CSV text with any subset of its columns.
    pub fn table(name: TableName, csv: &str) -> Source {
        let mut lines = csv.lines();
        let given: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
        let columns = name.columns();
        for column in &given {
            assert!(columns.contains(column), "{name} has no column {column}");
        }
        let mut content = columns.join(",");
        content.push('\n');
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let row: Vec<&str> = columns
                .iter()
                .map(|c| {
                    given
                        .iter()
                        .position(|g| g == c)
                        .map_or("", |i| cells.get(i).copied().unwrap_or(""))
                })
                .collect();
            content.push_str(&row.join(","));
            content.push('\n');
        }
        Source {
            name: format!("{name}.csv"),
            content: content.into_bytes(),
        }
    }

    /// A 2026-27 return with last year's tables too.
    pub fn both_years(this: &[Source], last: &[Source]) -> Return {
        Return::parse("2026-27".parse().unwrap(), this, last).unwrap()
    }

    /// One rule test: this year's tables, last year's, and the rows that must be
    /// flagged (each case holds a row that must fire and a near miss that must not).
    pub struct Case {
        pub rule: &'static str,
        pub this: &'static [(TableName, &'static str)],
        pub last: &'static [(TableName, &'static str)],
        pub flagged: &'static [&'static str],
    }

    /// Runs every case, reporting all failures at once.
    pub fn check(cases: &[Case]) {
        let mut failures = Vec::new();
        for case in cases {
            let this: Vec<_> = case.this.iter().map(|(t, csv)| table(*t, csv)).collect();
            let last: Vec<_> = case.last.iter().map(|(t, csv)| table(*t, csv)).collect();
            let ret = both_years(&this, &last);
            let got = flagged(case.rule, &ret);
            if got != case.flagged {
                failures.push(format!(
                    "rule {}: expected {:?}, got {:?}",
                    case.rule, case.flagged, got
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The rows (as `Table:row`, `_last` for last year's) that rule `code` flags.
    pub fn flagged(code: &str, ret: &Return) -> Vec<String> {
        let validation = validate(ret);
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
            .map(|f| format!("{}:{}", f.table_label(), f.row))
            .collect()
    }
}

#[cfg(test)]
mod coverage {
    use super::test_support::Case;

    fn all_cases() -> Vec<&'static Case> {
        [
            super::header::tests::CASES,
            super::episodes::tests::CASES,
            super::adoption::tests::CASES,
            super::ages::tests::CASES,
            super::continuous::tests::CASES,
            super::sequence::tests::CASES,
            super::history::tests::CASES,
            super::reviews::tests::CASES,
            super::uasc::tests::CASES,
            super::oc2::tests::CASES,
            super::oc3::tests::CASES,
            super::ad1::tests::CASES,
            super::placed_adoption::tests::CASES,
            super::prev_perm::tests::CASES,
            super::missing::tests::CASES,
            super::sw_episodes::tests::CASES,
            super::dolo::tests::CASES,
            super::integrity::tests::CASES,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    #[test]
    fn every_implemented_rule_has_a_test_case_and_is_in_the_catalogue() {
        let cases = all_cases();
        let catalogue = crate::ssda903::rules_of("2026-27".parse().unwrap());
        for rule in super::all() {
            assert!(
                cases.iter().any(|c| c.rule == rule.code),
                "rule {} has no test case",
                rule.code
            );
            assert!(
                catalogue.iter().any(|r| r.code == rule.code),
                "rule {} is not in the catalogue",
                rule.code
            );
        }
        for case in &cases {
            // 105 cannot fire on CSV input (see its note).
            assert!(
                !case.flagged.is_empty() || case.rule == "105",
                "rule {}: a case must flag a row",
                case.rule
            );
        }
    }

    #[test]
    fn rules_needing_outside_data_are_in_the_catalogue_and_not_implemented() {
        let catalogue = crate::ssda903::rules_of("2026-27".parse().unwrap());
        for (code, _) in super::OUTSIDE_DATA {
            assert!(catalogue.iter().any(|r| r.code == *code), "{code}");
            assert!(super::find(code).is_none(), "{code}");
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
