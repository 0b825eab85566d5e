//! Reading a CIN census made by a previous system as records to import: the common
//! first step when an authority starts on Carebridge. The inverse of
//! [`super::export`]:
//!
//! - each child (by `LAchildID`) with their sex, date of birth (or expected date),
//!   UPN, ethnicity and disabilities; the census has no names, so the record is named
//!   "Name not recorded" and "LAchildID …" until someone puts the name right;
//! - each episode (`CINdetails`) as a referral from the referral date, with its contact
//!   (source), decision (no further action or not, primary need) and assessments
//!   (start, authorisation, factors); the referral runs until the episode's next piece
//!   of work starts, or until the episode closes;
//! - each CIN plan as child in need work; each protection plan as child protection work
//!   from the enquiry that led to it (or from its start), with the strategy discussion,
//!   the initial conference (plan made, category of abuse) and the reviews; an enquiry
//!   that led to no plan goes on the referral;
//! - the episode's closure reason on the piece of work that ended last.
//!
//! Nothing is written when anything cannot be read: every problem is reported at once,
//! each with its line in the file, the field and what was expected.

use std::collections::HashSet;

use carebridge_domain::casefile::events::{
    EventKind, ASSESSMENT_FACTORS, CATEGORY_OF_ABUSE, CATEGORY_OF_NEED, REFERRAL_SOURCE,
};
use carebridge_domain::casework::ClosureReason;
use carebridge_domain::child::{InvolvementKind, Sex};
use carebridge_domain::identifiers::Upn;
use carebridge_domain::imported::{ImportedChild, ImportedWork};
use carebridge_domain::person::{Disability, Ethnicity};
use chrono::{Days, NaiveDate};

use super::cols::{
    assessment_factors, assessments, child_characteristics, child_identifiers as ids, cin_details,
    cin_plans, cpp, disabilities, reviews, section47,
};
use super::{Census, Col, Table, TableName};
pub use crate::import::ImportProblem;
use crate::import::{event, NO_DETAILS};

/// The children of `census` (read from `content`, the file `file`) as records to
/// import, or every problem that stops the import.
pub fn plan(
    census: &Census,
    file: &str,
    content: &[u8],
) -> Result<Vec<ImportedChild>, Vec<ImportProblem>> {
    let lines = Lines::new(content);
    let mut reading = Reading {
        file,
        census,
        lines: &lines,
        problems: Vec::new(),
        by_child: ByChild::new(census),
    };
    let identifiers = census.table(TableName::ChildIdentifiers);
    let mut seen = HashSet::new();
    let mut children = Vec::new();
    for row in identifiers.rows() {
        let key = identifiers.text(row, ids::LA_CHILD_ID).map(str::trim);
        if let Some(key) = key.filter(|k| !seen.insert(k.to_owned())) {
            reading.problems.push(ImportProblem {
                file: file.to_owned(),
                line: lines.of(row, "LAchildID", 0),
                child: Some(key.to_owned()),
                field: "LAchildID",
                message: "another child earlier in the file has the same LAchildID".into(),
            });
        }
        if let Some(child) = reading.child(row) {
            children.push(child);
        }
    }
    if reading.problems.is_empty() {
        Ok(children)
    } else {
        Err(reading.problems)
    }
}

/// Where each child and each element starts, for messages.
struct Lines<'a> {
    content: &'a [u8],
    /// Byte offset of each `<Child>`.
    children: Vec<usize>,
    /// Byte offset of each newline.
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(content: &'a [u8]) -> Self {
        let mut children = Vec::new();
        let mut at = 0;
        while let Some(found) = find(&content[at..], b"<Child") {
            let start = at + found;
            let next = content.get(start + 6).copied();
            if matches!(next, Some(b'>' | b' ' | b'/' | b'\t' | b'\r' | b'\n')) {
                children.push(start);
            }
            at = start + 6;
        }
        let newlines = content
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Lines {
            content,
            children,
            newlines,
        }
    }

    fn line_at(&self, at: usize) -> u64 {
        1 + self.newlines.partition_point(|n| *n < at) as u64
    }

    /// The line of the `nth` (from 0) `<tag>` within child `child`, else the child's.
    fn of(&self, child: usize, tag: &str, nth: usize) -> u64 {
        let start = self.children.get(child).copied().unwrap_or(0);
        let end = self
            .children
            .get(child + 1)
            .copied()
            .unwrap_or(self.content.len());
        let within = self.content.get(start..end).unwrap_or_default();
        let open = format!("<{tag}>");
        let mut at = 0;
        for n in 0..=nth {
            match find(within.get(at..).unwrap_or_default(), open.as_bytes()) {
                Some(found) if n == nth => return self.line_at(start + at + found),
                Some(found) => at += found + open.len(),
                None => break,
            }
        }
        self.line_at(start)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Each table's rows by child.
struct ByChild {
    rows: Vec<Vec<Vec<usize>>>,
}

impl ByChild {
    fn new(census: &Census) -> Self {
        let children = census.table(TableName::ChildIdentifiers).len();
        let rows = TableName::ALL
            .iter()
            .map(|name| {
                let table = census.table(*name);
                let mut by = vec![Vec::new(); children];
                if !matches!(name, TableName::Header | TableName::ChildIdentifiers) {
                    for row in table.rows() {
                        if let Some(v) = by.get_mut(table.child(row)) {
                            v.push(row);
                        }
                    }
                }
                by
            })
            .collect();
        ByChild { rows }
    }

    fn of(&self, table: TableName, child: usize) -> &[usize] {
        self.rows
            .get(table.index())
            .and_then(|t| t.get(child))
            .map_or(&[][..], Vec::as_slice)
    }
}

struct Reading<'a> {
    file: &'a str,
    census: &'a Census,
    lines: &'a Lines<'a>,
    problems: Vec<ImportProblem>,
    by_child: ByChild,
}

/// Where in one child's part of the file a value is.
#[derive(Clone, Copy)]
struct At<'k> {
    child: usize,
    key: Option<&'k str>,
}

impl Reading<'_> {
    /// Which of the child's `table` rows `row` is (from 0): the `nth` of its element.
    fn nth(&self, table: TableName, child: usize, row: usize) -> usize {
        self.by_child
            .of(table, child)
            .iter()
            .position(|r| *r == row)
            .unwrap_or(0)
    }

    fn problem(&mut self, at: At<'_>, field: &'static str, nth: usize, message: String) {
        self.problems.push(ImportProblem {
            file: self.file.to_owned(),
            line: self.lines.of(at.child, field, nth),
            child: at.key.map(str::to_owned),
            field,
            message,
        });
    }

    /// A date in the file's form (`YYYY-MM-DD`), if given.
    fn date(
        &mut self,
        at: At<'_>,
        table: &Table,
        row: usize,
        col: Col,
        field: &'static str,
        nth: usize,
    ) -> Option<NaiveDate> {
        let text = table.text(row, col)?;
        match crate::import::strict_date(text, "%Y-%m-%d", "YYYY-MM-DD") {
            Ok(day) => Some(day),
            Err(message) => {
                self.problem(at, field, nth, message);
                None
            }
        }
    }

    /// A code of `codes`, if given.
    fn code(
        &mut self,
        at: At<'_>,
        text: Option<&str>,
        codes: &[(&'static str, &'static str)],
        field: &'static str,
        nth: usize,
    ) -> Option<&'static str> {
        match crate::import::code_of(text?, codes, &format!("census's {field}")) {
            Ok(code) => Some(code),
            Err(message) => {
                self.problem(at, field, nth, message);
                None
            }
        }
    }

    fn child(&mut self, row: usize) -> Option<ImportedChild> {
        let census = self.census;
        let t = census.table(TableName::ChildIdentifiers);
        let key = t.text(row, ids::LA_CHILD_ID).map(|k| k.trim().to_owned());
        let at = At {
            child: row,
            key: key.as_deref(),
        };
        let before = self.problems.len();
        let line = self.lines.of(row, "Child", 0);
        if key.as_deref().is_none_or(str::is_empty) {
            self.problem(
                at,
                "LAchildID",
                0,
                "missing: every child needs their id".into(),
            );
        }
        let born = self.date(at, t, row, ids::BIRTH, "PersonBirthDate", 0);
        let expected = self.date(
            at,
            t,
            row,
            ids::EXPECTED_BIRTH,
            "ExpectedPersonBirthDate",
            0,
        );
        let (date_of_birth, unborn) = match (born, expected) {
            (Some(b), _) => (Some(b), false),
            (None, Some(e)) => (Some(e), true),
            (None, None) => {
                if t.text(row, ids::BIRTH).is_none() && t.text(row, ids::EXPECTED_BIRTH).is_none() {
                    self.problem(
                        at,
                        "PersonBirthDate",
                        0,
                        "missing: give PersonBirthDate, or ExpectedPersonBirthDate for an unborn child".into(),
                    );
                }
                (None, false)
            }
        };
        let sex = match t.text(row, ids::SEX).map(str::trim) {
            Some("M") => Some(Sex::Male),
            Some("F") => Some(Sex::Female),
            Some("U") | None => Some(Sex::NotKnown),
            Some(other) => {
                self.problem(at, "Sex", 0, format!("{other:?}: expected M, F or U"));
                None
            }
        };
        let upn = match t.text(row, ids::UPN).map(str::trim) {
            Some(text) => match Upn::parse(text) {
                Ok(upn) => Some(upn),
                Err(e) => {
                    self.problem(at, "UPN", 0, format!("{text:?}: {e}"));
                    None
                }
            },
            None => None,
        };
        let characteristics = census.table(TableName::ChildCharacteristics);
        let ethnicity = match characteristics
            .text(row, child_characteristics::ETHNICITY)
            .map(str::trim)
        {
            Some(code) => match Ethnicity::parse(code) {
                Ok(e) => Some(e),
                Err(_) => {
                    self.problem(
                        at,
                        "Ethnicity",
                        0,
                        format!("{code:?} is not a DfE ethnicity code"),
                    );
                    None
                }
            },
            None => None,
        };
        let disability_rows = self.by_child.of(TableName::Disabilities, row).to_vec();
        let table = census.table(TableName::Disabilities);
        let mut disabilities = Vec::new();
        for (nth, r) in disability_rows.into_iter().enumerate() {
            let Some(code) = table.text(r, disabilities::DISABILITY).map(str::trim) else {
                continue;
            };
            match Disability::parse(code) {
                Ok(d) if !disabilities.contains(&d) => disabilities.push(d),
                Ok(_) => {}
                Err(_) => self.problem(
                    at,
                    "Disability",
                    nth,
                    format!("{code:?} is not a disability code of the census"),
                ),
            }
        }
        let work = self.work(at);
        if self.problems.len() > before {
            return None;
        }
        Some(ImportedChild {
            key: key?,
            line,
            // A child not yet born has no sex recorded (rule 8750), whatever the file
            // says.
            sex: if unborn { Sex::NotKnown } else { sex? },
            date_of_birth: date_of_birth?,
            unborn,
            upn,
            ethnicity,
            disabilities: (!disabilities.is_empty()).then_some(disabilities),
            uasc: None,
            home: None,
            work,
        })
    }

    /// The child's episodes as pieces of work.
    fn work(&mut self, at: At<'_>) -> Vec<ImportedWork> {
        let census = self.census;
        let episodes = self.by_child.of(TableName::CINdetails, at.child).to_vec();
        let mut all = Vec::new();
        for (nth, row) in episodes.into_iter().enumerate() {
            let t = census.table(TableName::CINdetails);
            let Some(start) = self.date(
                at,
                t,
                row,
                cin_details::REFERRAL_DATE,
                "CINreferralDate",
                nth,
            ) else {
                if t.text(row, cin_details::REFERRAL_DATE).is_none() {
                    self.problem(
                        at,
                        "CINreferralDate",
                        nth,
                        "missing: every episode starts with its referral date".into(),
                    );
                }
                continue;
            };
            let closed = self.date(at, t, row, cin_details::CLOSURE_DATE, "CINclosureDate", nth);
            if closed.is_some_and(|c| c < start) {
                self.problem(
                    at,
                    "CINclosureDate",
                    nth,
                    format!("the episode closes before its referral on {start}"),
                );
                continue;
            }
            let reason = match t.text(row, cin_details::REASON_FOR_CLOSURE).map(str::trim) {
                Some(code) => match ClosureReason::parse(code) {
                    Ok(r) => Some(r),
                    Err(_) => {
                        self.problem(
                            at,
                            "ReasonForClosure",
                            nth,
                            format!("{code:?}: expected RC1 to RC9"),
                        );
                        None
                    }
                },
                None => None,
            };
            let episode = Episode {
                row,
                nth,
                start,
                closed,
                reason,
            };
            all.extend(self.episode(at, &episode));
        }
        // Two pieces of the same kind starting the same day (in two episodes) are told
        // apart by their number.
        crate::import::keyed_work(&mut all);
        all
    }

    fn episode(&mut self, at: At<'_>, e: &Episode) -> Vec<ImportedWork> {
        let census = self.census;
        let cin = census.table(TableName::CINdetails).cin(e.row);
        let in_episode = |me: &Self, table: TableName| -> Vec<usize> {
            me.by_child
                .of(table, at.child)
                .iter()
                .copied()
                .filter(|r| census.table(table).cin(*r) == cin)
                .collect()
        };
        let details = census.table(TableName::CINdetails);
        let mut referral_events = Vec::new();
        let source = self.code(
            at,
            details.text(e.row, cin_details::REFERRAL_SOURCE),
            REFERRAL_SOURCE,
            "ReferralSource",
            e.nth,
        );
        if let Some(source) = source {
            referral_events.push(event(EventKind::Contact, e.start, &[("source", source)]));
        }
        let need = match details
            .text(e.row, cin_details::PRIMARY_NEED)
            .map(str::trim)
        {
            // Not stated, or a case other than a child in need: no need recorded.
            Some("N0" | "N9") => None,
            other => self.code(at, other, CATEGORY_OF_NEED, "PrimaryNeedCode", e.nth),
        };
        let nfa = match details
            .text(e.row, cin_details::REFERRAL_NFA)
            .map(str::trim)
        {
            Some("true" | "1") => Some("Y"),
            Some("false" | "0") => Some("N"),
            None => None,
            Some(other) => {
                self.problem(
                    at,
                    "ReferralNFA",
                    e.nth,
                    format!("{other:?}: expected true, false, 1 or 0"),
                );
                None
            }
        };
        if let Some(nfa) = nfa {
            let mut d = vec![("nfa", nfa)];
            if let Some(need) = need {
                d.push(("need", need));
            }
            referral_events.push(event(EventKind::ReferralDecision, e.start, &d));
        }
        // Assessments.
        let table = census.table(TableName::Assessments);
        let factors_table = census.table(TableName::AssessmentFactorsList);
        for row in in_episode(self, TableName::Assessments) {
            let nth = self.nth(TableName::Assessments, at.child, row);
            let Some(started) = self.date(
                at,
                table,
                row,
                assessments::START,
                "AssessmentActualStartDate",
                nth,
            ) else {
                continue;
            };
            referral_events.push(event(EventKind::AssessmentStarted, started, NO_DETAILS));
            if let Some(done) = self.date(
                at,
                table,
                row,
                assessments::AUTHORISATION,
                "AssessmentAuthorisationDate",
                nth,
            ) {
                let mut codes: Vec<&'static str> = Vec::new();
                for r in table.factor_rows(row).unwrap_or(0..0) {
                    let factor_nth = self.nth(TableName::AssessmentFactorsList, at.child, r);
                    if let Some(code) = self.code(
                        at,
                        factors_table.text(r, assessment_factors::FACTOR),
                        ASSESSMENT_FACTORS,
                        "AssessmentFactors",
                        factor_nth,
                    ) {
                        codes.push(code);
                    }
                }
                let factors: Vec<&str> = ASSESSMENT_FACTORS
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| codes.contains(c))
                    .collect();
                let factors = factors.join(" ");
                let mut d = Vec::new();
                if let Some(need) = need {
                    d.push(("need", need));
                }
                if !factors.is_empty() {
                    d.push(("factors", factors.as_str()));
                }
                referral_events.push(event(EventKind::AssessmentCompleted, done, &d));
            }
        }
        // Enquiries: (start, conference).
        let table = census.table(TableName::Section47);
        let mut enquiries = Vec::new();
        for row in in_episode(self, TableName::Section47) {
            let nth = self.nth(TableName::Section47, at.child, row);
            let Some(started) =
                self.date(at, table, row, section47::START, "S47ActualStartDate", nth)
            else {
                continue;
            };
            let icpc = self.date(
                at,
                table,
                row,
                section47::INITIAL_CPC,
                "DateOfInitialCPC",
                nth,
            );
            enquiries.push((started, icpc));
        }
        let episode_icpc = self.date(
            at,
            details,
            e.row,
            cin_details::INITIAL_CPC,
            "DateOfInitialCPC",
            e.nth,
        );
        // Plans.
        let mut work = Vec::new();
        let table = census.table(TableName::CINplanDates);
        for row in in_episode(self, TableName::CINplanDates) {
            let nth = self.nth(TableName::CINplanDates, at.child, row);
            let Some(start) = self.date(at, table, row, cin_plans::START, "CINPlanStartDate", nth)
            else {
                continue;
            };
            let end = self.date(at, table, row, cin_plans::END, "CINPlanEndDate", nth);
            if end.is_some_and(|d| d < start) {
                self.problem(
                    at,
                    "CINPlanEndDate",
                    nth,
                    format!("the plan ends before it starts on {start}"),
                );
                continue;
            }
            work.push(ImportedWork {
                key: String::new(),
                kind: InvolvementKind::ChildInNeed,
                start,
                end: end.or(e.closed),
                closure: None,
                began_before: false,
                events: Vec::new(),
            });
        }
        let table = census.table(TableName::ChildProtectionPlans);
        let review_table = census.table(TableName::Reviews);
        let review_rows = in_episode(self, TableName::Reviews);
        let mut used = HashSet::new();
        for row in in_episode(self, TableName::ChildProtectionPlans) {
            let nth = self.nth(TableName::ChildProtectionPlans, at.child, row);
            let Some(plan_start) = self.date(at, table, row, cpp::START, "CPPstartDate", nth)
            else {
                if table.text(row, cpp::START).is_none() {
                    self.problem(
                        at,
                        "CPPstartDate",
                        nth,
                        "missing: a plan starts on the day of its conference".into(),
                    );
                }
                continue;
            };
            let end = self.date(at, table, row, cpp::END, "CPPendDate", nth);
            if end.is_some_and(|d| d < plan_start) {
                self.problem(
                    at,
                    "CPPendDate",
                    nth,
                    format!("the plan ends before it starts on {plan_start}"),
                );
                continue;
            }
            let category = self.code(
                at,
                table.text(row, cpp::INITIAL_CATEGORY),
                CATEGORY_OF_ABUSE,
                "InitialCategoryOfAbuse",
                nth,
            );
            let mut events = Vec::new();
            // The enquiry whose conference made this plan starts the work.
            let enquiry = enquiries
                .iter()
                .position(|(_, icpc)| *icpc == Some(plan_start))
                .filter(|i| used.insert(*i));
            let start = match enquiry.and_then(|i| enquiries.get(i)) {
                Some((s47, _)) => {
                    events.push(event(EventKind::StrategyDiscussion, *s47, &[("s47", "Y")]));
                    *s47
                }
                None => plan_start,
            };
            let mut conference = vec![("plan", "Y")];
            if let Some(category) = category {
                conference.push(("category", category));
            }
            events.push(event(EventKind::InitialConference, plan_start, &conference));
            let number = table.cpp(row);
            for r in &review_rows {
                if review_table.cpp(*r) != number {
                    continue;
                }
                let k = self.nth(TableName::Reviews, at.child, *r);
                if let Some(day) =
                    self.date(at, review_table, *r, reviews::DATE, "CPPreviewDate", k)
                {
                    events.push(event(EventKind::ReviewConference, day, NO_DETAILS));
                }
            }
            work.push(ImportedWork {
                key: String::new(),
                kind: InvolvementKind::ChildProtection,
                start,
                end: end.or(e.closed),
                closure: None,
                began_before: false,
                events,
            });
        }
        // Enquiries that led to no plan, and a conference on the episode, go on the
        // referral.
        for (i, (s47, icpc)) in enquiries.iter().enumerate() {
            if used.contains(&i) {
                continue;
            }
            referral_events.push(event(EventKind::StrategyDiscussion, *s47, &[("s47", "Y")]));
            if let Some(day) = icpc {
                referral_events.push(event(EventKind::InitialConference, *day, &[("plan", "N")]));
            }
        }
        if let Some(day) = episode_icpc {
            referral_events.push(event(EventKind::InitialConference, day, &[("plan", "N")]));
        }
        let referral_end = referral_end(e, &work);
        work.push(ImportedWork {
            key: String::new(),
            kind: InvolvementKind::Referral,
            start: e.start,
            end: referral_end,
            closure: None,
            began_before: false,
            events: referral_events,
        });
        // The episode's closure reason goes on what ended last.
        if e.closed.is_some() {
            if let Some(last) = work
                .iter_mut()
                .filter(|w| w.end.is_some())
                .max_by_key(|w| (w.end, w.kind == InvolvementKind::Referral))
            {
                last.closure = e.reason;
            }
        }
        work
    }
}

/// The referral's last day: the day before the episode's next piece of work starts, or
/// the episode's end when nothing else is in it. Where the plans leave a gap in the
/// episode (the child went on to something the census does not carry, such as care),
/// the referral runs on across it, as the case did: to the start of the plan after the
/// gap, to the closure date, or (the episode still open) on.
fn referral_end(e: &Episode, work: &[ImportedWork]) -> Option<NaiveDate> {
    let mut others: Vec<(NaiveDate, Option<NaiveDate>)> =
        work.iter().map(|w| (w.start, w.end)).collect();
    others.sort();
    let Some(first) = others.iter().map(|(s, _)| *s).find(|s| *s > e.start) else {
        return match (e.closed, others.is_empty()) {
            (_, true) => e.closed,
            // Plans starting on the referral day, and nothing after.
            (closed, false) => {
                let covered = others
                    .iter()
                    .map(|(_, end)| *end)
                    .try_fold(e.start, |a, b| b.map(|b| a.max(b)));
                match (closed, covered) {
                    (_, None) => Some(e.start),
                    (Some(c), Some(until)) if until < c => Some(c),
                    (None, Some(_)) => None,
                    _ => Some(e.start),
                }
            }
        };
    };
    let mut end = first.checked_sub_days(Days::new(1)).unwrap_or(e.start);
    // Covered to (None: open).
    let mut covered = Some(end);
    for (start, last) in &others {
        if let Some(until) = covered {
            if start
                .checked_sub_days(Days::new(1))
                .is_some_and(|d| d > until)
            {
                end = start.checked_sub_days(Days::new(1)).unwrap_or(end);
            }
        }
        covered = match (covered, last) {
            (Some(a), Some(b)) => Some(a.max(*b).max(end)),
            _ => None,
        };
    }
    match (covered, e.closed) {
        (Some(until), None) if until >= end => {
            // Everything in the episode ended, but it is open.
            None
        }
        (Some(until), Some(closed)) if until < closed => Some(closed),
        _ => Some(end),
    }
}

/// One episode's first facts.
struct Episode {
    row: usize,
    /// Which of the child's episodes (from 0).
    nth: usize,
    start: NaiveDate,
    closed: Option<NaiveDate>,
    reason: Option<ClosureReason>,
}

#[cfg(test)]
pub(crate) mod tests;
