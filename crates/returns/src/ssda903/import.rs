//! Reading an SSDA903 return made by a previous system as records to import (the
//! inverse of [`super::export`]):
//!
//! - **Header**: each child (by `CHILD`) with their sex, date of birth, ethnicity and
//!   UPN (a `UN` reason is no UPN); **UASC**: the child is an unaccompanied
//!   asylum-seeking child;
//! - **Episodes**: each period of care (from an episode starting care, `RNE` S, through
//!   the episodes that follow it with `REC` X1) as looked-after work, with a legal
//!   status event where the legal status changes (the first with the category of
//!   need), a placement started where the placement changes (type, provider, postcode),
//!   (with its Ofsted URN), ended with the reason the next episode's predecessor gives,
//!   and why care ended;
//! - **Reviews**: each looked-after review, with how the child took part, on the period
//!   of care it falls in; **PlacedAdoption**: each decision that the child should be
//!   placed for adoption, likewise, with the decision that they should no longer be
//!   when it was reversed; **AD1**: the match with adopters (and the decision to place
//!   for adoption, when PlacedAdoption does not hold it); **Missing**: each period
//!   missing or away from placement, as a "missing or away" event and, when it ended,
//!   a "back" event; **DoLo**: each deprivation of liberty order, as its start and,
//!   when it ended, its end. `NB_ADOPTR` is not kept: it follows from `SEX_ADOPTR`;
//!   **PrevPerm**: permanence before the child's latest care, as an event on its first
//!   day.
//!
//! A period of care whose first episode here does not start care (`RNE` other than S)
//! began before, on a day the return does not give: it is marked `began_before`, its
//! first legal status and placement only restate what held then (`restates`), and
//! what the return dates before it (a decision to place for adoption made earlier in
//! the same care) is filed on it, starting it no later.
//!
//! Not read ([`NOT_READ`]): OC2 (a year's outcomes as yes or no, without the days they
//! happened on, which the record's events need), SWEpisodes (social workers are
//! staff, whom an import does not create), and OC3 (a care leaver's row says nothing of when they left
//! care, so there is no care to attach it to).
//!
//! Every problem is reported at once, with its file and line; then nothing is imported.

use std::collections::HashSet;

use carebridge_domain::casefile::events::{
    EventKind, Typed, ADOPTERS, ADOPTERS_STATUS, CATEGORY_OF_NEED, LEGAL_STATUS, MISSING_TYPE,
    PLACEMENT_PROVIDER, PLACEMENT_TYPE, PREVIOUS_PERMANENCE, REASON_CEASED, REASON_PLACED_CEASED,
    REASON_PLACE_CHANGE, REVIEW_PARTICIPATION,
};
use carebridge_domain::casework::ClosureReason;
use carebridge_domain::child::{InvolvementKind, Sex};
use carebridge_domain::identifiers::{Postcode, Upn};
use carebridge_domain::imported::{ImportedChild, ImportedEvent, ImportedWork};
use carebridge_domain::person::Ethnicity;
use chrono::NaiveDate;

use super::tables::cols::{
    ad1, dolo, episodes, header, missing, placed_adoption, prev_perm, reviews, uasc,
};
use super::{Return, Table, TableName};
use crate::import::ImportProblem;
use crate::import::{event, NO_DETAILS};

/// The tables an import does not read (see the module's notes), for saying so.
pub const NOT_READ: [TableName; 3] = [TableName::Oc2, TableName::Oc3, TableName::SwEpisodes];

/// The children of `ret` as records to import, or every problem that stops the
/// import.
pub fn plan(ret: &Return) -> Result<Vec<ImportedChild>, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let Some(headers) = ret.table(TableName::Header) else {
        problems.push(ImportProblem {
            file: "(the folder)".into(),
            line: 0,
            child: None,
            field: "Header",
            message: "no Header table: the children's details are in it".into(),
        });
        return Err(problems);
    };
    let mut reading = Reading {
        problems: Vec::new(),
    };
    let uascs: HashSet<String> = ret
        .table(TableName::Uasc)
        .map(|t| {
            t.rows()
                .filter_map(|r| t.text(r, uasc::CHILD).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut seen = HashSet::new();
    let mut children = Vec::new();
    for row in headers.rows() {
        let Some(key) = headers.text(row, header::CHILD).map(str::to_owned) else {
            reading.problem(
                headers,
                row,
                None,
                "CHILD",
                "missing: every child needs their id".into(),
            );
            continue;
        };
        if !seen.insert(key.clone()) {
            reading.problem(
                headers,
                row,
                Some(&key),
                "CHILD",
                "another row of the Header has the same CHILD".into(),
            );
            continue;
        }
        let before = reading.problems.len();
        let sex = match headers.text(row, header::SEX) {
            Some("M" | "1") => Some(Sex::Male),
            Some("F" | "2") => Some(Sex::Female),
            Some("U" | "0" | "9") | None => Some(Sex::NotKnown),
            Some(other) => {
                reading.problem(
                    headers,
                    row,
                    Some(&key),
                    "SEX",
                    format!("{other:?}: expected M, F or U"),
                );
                None
            }
        };
        let born = reading.date(headers, row, &key, header::DOB, "DOB");
        if headers.text(row, header::DOB).is_none() {
            reading.problem(
                headers,
                row,
                Some(&key),
                "DOB",
                "missing: expected the date of birth, DD/MM/YYYY".into(),
            );
        }
        let ethnicity = match headers.text(row, header::ETHNIC) {
            Some(code) => match Ethnicity::parse(code) {
                Ok(e) => Some(e),
                Err(_) => {
                    reading.problem(
                        headers,
                        row,
                        Some(&key),
                        "ETHNIC",
                        format!("{code:?} is not a DfE ethnicity code"),
                    );
                    None
                }
            },
            None => None,
        };
        let upn = match headers.text(row, header::UPN) {
            // UN1 to UN10: why there is none.
            Some(code) if code.starts_with("UN") && code.len() <= 4 => None,
            Some(text) => match Upn::parse(text) {
                Ok(u) => Some(u),
                Err(e) => {
                    reading.problem(headers, row, Some(&key), "UPN", format!("{text:?}: {e}"));
                    None
                }
            },
            None => None,
        };
        let work = reading.periods(ret, &key);
        // Home: the postcode of the latest episode that gives one.
        let home = ret.children().get(&key).and_then(|child| {
            let t = ret.table(TableName::Episodes)?;
            t.rows_of(child)
                .filter_map(|r| {
                    let from =
                        NaiveDate::parse_from_str(t.text(r, episodes::DECOM)?, "%d/%m/%Y").ok()?;
                    let postcode = Postcode::parse(t.text(r, episodes::HOME_POST)?).ok()?;
                    Some((postcode, from))
                })
                .max_by_key(|(_, from)| *from)
        });
        if reading.problems.len() > before {
            continue;
        }
        let (Some(sex), Some(date_of_birth)) = (sex, born) else {
            continue;
        };
        children.push(ImportedChild {
            line: u64::from(headers.line(row)),
            uasc: Some(uascs.contains(&key)),
            key,
            sex,
            date_of_birth,
            unborn: false,
            upn,
            ethnicity,
            disabilities: None,
            home,
            work,
        });
    }
    problems.extend(reading.problems);
    if problems.is_empty() {
        Ok(children)
    } else {
        Err(problems)
    }
}

struct Reading {
    problems: Vec<ImportProblem>,
}

impl Reading {
    fn problem(
        &mut self,
        t: &Table,
        row: usize,
        child: Option<&str>,
        field: &'static str,
        message: String,
    ) {
        self.problems.push(ImportProblem {
            file: t.file().to_owned(),
            line: u64::from(t.line(row)),
            child: child.map(str::to_owned),
            field,
            message,
        });
    }

    /// A date as the 903 writes it (`DD/MM/YYYY`), if given.
    fn date(
        &mut self,
        t: &Table,
        row: usize,
        key: &str,
        col: super::Col,
        field: &'static str,
    ) -> Option<NaiveDate> {
        let text = t.text(row, col)?;
        match crate::import::strict_date(text, "%d/%m/%Y", "DD/MM/YYYY") {
            Ok(d) => Some(d),
            Err(message) => {
                self.problem(t, row, Some(key), field, message);
                None
            }
        }
    }

    /// A code of `codes`, if given.
    fn code(
        &mut self,
        t: &Table,
        row: usize,
        key: &str,
        col: super::Col,
        codes: &[(&'static str, &'static str)],
        field: &'static str,
    ) -> Option<&'static str> {
        match crate::import::code_of(t.text(row, col)?, codes, &format!("903's {field}")) {
            Ok(code) => Some(code),
            Err(message) => {
                self.problem(t, row, Some(key), field, message);
                None
            }
        }
    }

    /// The child's periods of care, with their reviews.
    fn periods(&mut self, ret: &Return, key: &str) -> Vec<ImportedWork> {
        let mut work = Vec::new();
        let Some(child) = ret.children().get(key) else {
            return work;
        };
        if let Some(t) = ret.table(TableName::Episodes) {
            let mut rows: Vec<(NaiveDate, usize)> = Vec::new();
            for row in t.rows_of(child) {
                match self.date(t, row, key, episodes::DECOM, "DECOM") {
                    Some(d) => rows.push((d, row)),
                    None if t.text(row, episodes::DECOM).is_none() => {
                        self.problem(
                            t,
                            row,
                            Some(key),
                            "DECOM",
                            "missing: expected the day the episode began, DD/MM/YYYY".into(),
                        );
                    }
                    None => {}
                }
            }
            rows.sort();
            let mut period: Option<Period> = None;
            for (start, row) in rows {
                let ls = self.code(t, row, key, episodes::LS, LEGAL_STATUS, "LS");
                let place = self.code(t, row, key, episodes::PLACE, PLACEMENT_TYPE, "PLACE");
                let provider = self.code(
                    t,
                    row,
                    key,
                    episodes::PLACE_PROVIDER,
                    PLACEMENT_PROVIDER,
                    "PLACE_PROVIDER",
                );
                let need = self.code(t, row, key, episodes::CIN, CATEGORY_OF_NEED, "CIN");
                let postcode = t
                    .text(row, episodes::PL_POST)
                    .and_then(|p| Postcode::parse(p).ok());
                let urn = t.text(row, episodes::URN).and_then(|u| {
                    let urn = carebridge_domain::casefile::events::ofsted_urn(u);
                    if urn.is_none() {
                        self.problem(t, row, Some(key), "URN", format!("{u:?} is not an Ofsted unique reference number (SC and six digits, seven digits, or XXXXXXX)"));
                    }
                    urn
                });
                let end = self.date(t, row, key, episodes::DEC, "DEC");
                let rec = t.text(row, episodes::REC);
                let reason = self.code(
                    t,
                    row,
                    key,
                    episodes::REASON_PLACE_CHANGE,
                    REASON_PLACE_CHANGE,
                    "REASON_PLACE_CHANGE",
                );
                if end.is_some_and(|e| e < start) {
                    self.problem(
                        t,
                        row,
                        Some(key),
                        "DEC",
                        format!(
                            "the episode ends before it begins on {}",
                            start.format("%d/%m/%Y")
                        ),
                    );
                    continue;
                }
                let continues = period
                    .as_ref()
                    .is_some_and(|p| p.open_to_next && t.text(row, episodes::RNE) != Some("S"));
                if !continues {
                    if let Some(p) = period.take() {
                        work.push(p.finish());
                    }
                    let mut p = Period {
                        start,
                        began_before: t.text(row, episodes::RNE) != Some("S"),
                        end: None,
                        events: Vec::new(),
                        open_to_next: false,
                        ls: None,
                        placement: None,
                        pending_reason: None,
                        ceased: None,
                    };
                    let mut d = Vec::new();
                    if let Some(ls) = ls {
                        d.push(("ls", ls.to_owned()));
                    }
                    if let Some(need) = need {
                        d.push(("need", need.to_owned()));
                    }
                    let mut status = event(EventKind::LegalStatus, start, &d);
                    status.restates = p.began_before;
                    p.events.push(status);
                    p.ls = ls;
                    period = Some(p);
                } else if let Some(p) = period.as_mut() {
                    if ls.is_some() && ls != p.ls {
                        let d = ls.map(|l| vec![("ls", l.to_owned())]).unwrap_or_default();
                        p.events.push(event(EventKind::LegalStatus, start, &d));
                        p.ls = ls;
                    }
                }
                let Some(p) = period.as_mut() else {
                    continue;
                };
                let placement = Placement {
                    place,
                    provider,
                    postcode: postcode.as_ref().map(|pc| pc.as_str().to_owned()),
                    urn,
                };
                if p.placement.as_ref() != Some(&placement) {
                    if p.placement.is_some() {
                        let d = p
                            .pending_reason
                            .map(|r| vec![("reason", r.to_owned())])
                            .unwrap_or_default();
                        p.events.push(event(EventKind::PlacementEnded, start, &d));
                    }
                    let d = placement.details();
                    let mut started = event(EventKind::PlacementStarted, start, &d);
                    started.restates = p.began_before && p.placement.is_none();
                    p.events.push(started);
                    p.placement = Some(placement);
                }
                p.pending_reason = reason;
                p.end = end;
                p.open_to_next = rec == Some("X1") || end.is_none();
                if let (Some(day), Some(code)) = (end, rec.filter(|r| *r != "X1")) {
                    match REASON_CEASED.iter().find(|(c, _)| *c == code) {
                        Some((code, _)) => {
                            p.ceased = Some(code);
                            p.events.push(event(
                                EventKind::CeasedLookedAfter,
                                day,
                                &[("rec", (*code).to_owned())],
                            ));
                        }
                        None => self.problem(
                            t,
                            row,
                            Some(key),
                            "REC",
                            format!("{code:?} is not a code of the 903's REC list"),
                        ),
                    }
                }
            }
            if let Some(p) = period.take() {
                work.push(p.finish());
            }
        }
        if let Some(t) = ret.table(TableName::PlacedAdoption) {
            for row in t.rows_of(child) {
                let Some(day) = self.date(t, row, key, placed_adoption::DATE_PLACED, "DATE_PLACED")
                else {
                    continue;
                };
                let decision = event(EventKind::AdoptionDecision, day, NO_DETAILS);
                let reversal = self.reversal(t, row, key, day);
                self.file(
                    &mut work,
                    (t, row, key),
                    "DATE_PLACED",
                    "the decision",
                    std::iter::once(decision).chain(reversal),
                );
            }
        }
        if let Some(t) = ret.table(TableName::Ad1) {
            for row in t.rows_of(child) {
                self.adoption(&mut work, (t, row, key));
            }
        }
        if let Some(t) = ret.table(TableName::DoLo) {
            for row in t.rows_of(child) {
                let events = self.span(
                    (t, row, key),
                    (dolo::DOLO_START, "DOLO_START"),
                    (dolo::DOLO_END, "DOLO_END"),
                    "a deprivation of liberty order",
                    (EventKind::LibertyDeprived, Vec::new()),
                    EventKind::LibertyDeprivedEnded,
                );
                self.file(&mut work, (t, row, key), "DOLO_START", "the order", events);
            }
        }
        if let Some(t) = ret.table(TableName::Missing) {
            for row in t.rows_of(child) {
                let kind = self.code(t, row, key, missing::MISSING, MISSING_TYPE, "MISSING");
                if t.is_blank(row, missing::MISSING) {
                    self.problem(
                        t,
                        row,
                        Some(key),
                        "MISSING",
                        "a missing or away period needs it".into(),
                    );
                }
                let Some(kind) = kind else {
                    continue;
                };
                let events = self.span(
                    (t, row, key),
                    (missing::MIS_START, "MIS_START"),
                    (missing::MIS_END, "MIS_END"),
                    "a missing or away period",
                    (EventKind::Missing, vec![("missing", kind)]),
                    EventKind::MissingEnded,
                );
                self.file(&mut work, (t, row, key), "MIS_START", "the period", events);
            }
        }
        if let Some(t) = ret.table(TableName::Reviews) {
            for row in t.rows_of(child) {
                let Some(day) = self.date(t, row, key, reviews::REVIEW, "REVIEW") else {
                    continue;
                };
                let code = self.code(
                    t,
                    row,
                    key,
                    reviews::REVIEW_CODE,
                    REVIEW_PARTICIPATION,
                    "REVIEW_CODE",
                );
                let d = code
                    .map(|c| vec![("participation", c.to_owned())])
                    .unwrap_or_default();
                let review = event(EventKind::LookedAfterReview, day, &d);
                self.file(&mut work, (t, row, key), "REVIEW", "the review", [review]);
            }
        }
        if let Some(t) = ret.table(TableName::PrevPerm) {
            for row in t.rows_of(child) {
                self.permanence(&mut work, (t, row, key));
            }
        }
        crate::import::keyed_work(&mut work);
        work
    }

    /// PrevPerm's row: whether the child had permanence before their latest care, as a
    /// "permanence before this care" event on its first day (an order's authority and
    /// date kept only with an order).
    fn permanence(&mut self, work: &mut [ImportedWork], (t, row, key): (&Table, usize, &str)) {
        let option = self.code(
            t,
            row,
            key,
            prev_perm::PREV_PERM,
            PREVIOUS_PERMANENCE,
            "PREV_PERM",
        );
        let typed = |reading: &mut Self, col, field: &'static str, typed: Typed| {
            let text = t.text(row, col)?;
            match typed.read(text, field) {
                Ok(value) => Some(value),
                Err(_) => {
                    reading.problem(
                        t,
                        row,
                        Some(key),
                        field,
                        format!("{text:?}: {}", typed.hint()),
                    );
                    None
                }
            }
        };
        let la = typed(self, prev_perm::LA_PERM, "LA_PERM", Typed::LocalAuthority);
        let date = typed(self, prev_perm::DATE_PERM, "DATE_PERM", Typed::PartialDate);
        let Some(option) = option else {
            if t.is_blank(row, prev_perm::PREV_PERM) && (la.is_some() || date.is_some()) {
                self.problem(
                    t,
                    row,
                    Some(key),
                    "PREV_PERM",
                    "missing: an order's authority and date need the option they are for".into(),
                );
            }
            return;
        };
        let mut details = vec![("option", option.to_owned())];
        if option != "Z1" {
            let (Some(la), Some(date)) = (la, date) else {
                self.problem(t, row, Some(key), "PREV_PERM", format!("{option} needs the authority that arranged it (LA_PERM) and the date of the order (DATE_PERM)"));
                return;
            };
            details.extend([("la", la), ("date", date)]);
        }
        let Some(start) = work.iter().map(|w| w.start).max() else {
            self.problem(
                t,
                row,
                Some(key),
                "PREV_PERM",
                "the child has no period of care in Episodes".into(),
            );
            return;
        };
        let before = event(EventKind::PreviousPermanence, start, &details);
        self.file(work, (t, row, key), "PREV_PERM", "the row", [before]);
    }

    /// A span a row dates (a missing period, a deprivation of liberty order): its
    /// `start` event, with `ended` when it has an end; nothing (and a problem) when
    /// the start is blank or unreadable, or the end is before it.
    fn span(
        &mut self,
        (t, row, key): (&Table, usize, &str),
        (from, from_field): (super::Col, &'static str),
        (to, to_field): (super::Col, &'static str),
        what: &str,
        (start, details): (EventKind, Vec<(&str, &str)>),
        ended: EventKind,
    ) -> Vec<ImportedEvent> {
        let began = self.date(t, row, key, from, from_field);
        let end = self.date(t, row, key, to, to_field);
        if t.is_blank(row, from) {
            self.problem(
                t,
                row,
                Some(key),
                from_field,
                format!("{what} needs its start"),
            );
        }
        let Some(began) = began else {
            return Vec::new();
        };
        if end.is_some_and(|e| e < began) {
            self.problem(
                t,
                row,
                Some(key),
                to_field,
                format!("it ends before it starts ({from_field})"),
            );
            return Vec::new();
        }
        std::iter::once(event(start, began, &details))
            .chain(end.map(|e| event(ended, e, NO_DETAILS)))
            .collect()
    }

    /// The reversal of a decision to place for adoption made on `decided`, if the row
    /// records one: its date and reason come together.
    fn reversal(
        &mut self,
        t: &Table,
        row: usize,
        key: &str,
        decided: NaiveDate,
    ) -> Option<ImportedEvent> {
        use placed_adoption::{DATE_PLACED_CEASED as CEASED, REASON_PLACED_CEASED as REASON};
        let on = self.date(t, row, key, CEASED, "DATE_PLACED_CEASED");
        let reason = self.code(
            t,
            row,
            key,
            REASON,
            REASON_PLACED_CEASED,
            "REASON_PLACED_CEASED",
        );
        if t.is_blank(row, CEASED) != t.is_blank(row, REASON) {
            self.problem(
                t,
                row,
                Some(key),
                "REASON_PLACED_CEASED",
                "a reversed decision needs both its date (DATE_PLACED_CEASED) and its reason"
                    .into(),
            );
            return None;
        }
        let (on, reason) = (on?, reason?);
        if on < decided {
            self.problem(
                t,
                row,
                Some(key),
                "DATE_PLACED_CEASED",
                "the decision was reversed before it was made (DATE_PLACED)".into(),
            );
            return None;
        }
        Some(event(
            EventKind::AdoptionDecisionReversed,
            on,
            &[("reason", reason)],
        ))
    }

    /// AD1's row: the match with adopters, and the decision to place for adoption when
    /// PlacedAdoption did not hold it already.
    fn adoption(&mut self, work: &mut [ImportedWork], (t, row, key): (&Table, usize, &str)) {
        let decided = self.date(t, row, key, ad1::DATE_INT, "DATE_INT");
        let matched = self.date(t, row, key, ad1::DATE_MATCH, "DATE_MATCH");
        let adopters = self.code(t, row, key, ad1::SEX_ADOPTR, ADOPTERS, "SEX_ADOPTR");
        let status = self.code(t, row, key, ad1::LS_ADOPTR, ADOPTERS_STATUS, "LS_ADOPTR");
        let foster = self.code(
            t,
            row,
            key,
            ad1::FOSTER_CARE,
            &[("0", "No"), ("1", "Yes")],
            "FOSTER_CARE",
        );
        if let Some(day) = decided {
            let known = work.iter().any(|w| {
                w.events
                    .iter()
                    .any(|e| e.kind == EventKind::AdoptionDecision && e.on == day)
            });
            if !known {
                let decision = event(EventKind::AdoptionDecision, day, NO_DETAILS);
                self.file(work, (t, row, key), "DATE_INT", "the decision", [decision]);
            }
        }
        let Some(day) = matched else {
            return;
        };
        let (Some(adopters), Some(status), Some(foster)) = (adopters, status, foster) else {
            self.problem(t, row, Some(key), "DATE_MATCH", "a match with adopters needs who they are (SEX_ADOPTR), their legal status (LS_ADOPTR) and whether they fostered the child (FOSTER_CARE)".into());
            return;
        };
        let foster = if foster == "1" { "Y" } else { "N" };
        let details = [
            ("adopters", adopters),
            ("status", status),
            ("foster-carers", foster),
        ];
        let matched = event(EventKind::AdoptionMatched, day, &details);
        self.file(work, (t, row, key), "DATE_MATCH", "the match", [matched]);
    }

    /// Files `events` (the first dated as the row is) on the latest period of care
    /// begun by then. Before them all, they go on the first period when the return
    /// shows it begun before its first episode here (a decision to place for adoption
    /// made earlier in the same care), which then starts no later than they do;
    /// otherwise it reports that `what` is before any period of care.
    fn file(
        &mut self,
        work: &mut [ImportedWork],
        (t, row, key): (&Table, usize, &str),
        field: &'static str,
        what: &str,
        events: impl IntoIterator<Item = ImportedEvent>,
    ) {
        let mut events = events.into_iter().peekable();
        let Some(day) = events.peek().map(|e| e.on) else {
            return;
        };
        let begun = work
            .iter()
            .enumerate()
            .filter(|(_, w)| w.start <= day)
            .max_by_key(|(_, w)| w.start)
            .map(|(i, _)| i);
        let earlier = || {
            work.iter()
                .enumerate()
                .min_by_key(|(_, w)| w.start)
                .filter(|(_, w)| w.began_before)
                .map(|(i, _)| i)
        };
        match begun.or_else(earlier).and_then(|i| work.get_mut(i)) {
            Some(w) => {
                w.start = w.start.min(day);
                w.events.extend(events);
            }
            None => self.problem(
                t,
                row,
                Some(key),
                field,
                format!("{what} is before any period of care in Episodes"),
            ),
        }
    }
}

/// A placement as an episode gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placement {
    place: Option<&'static str>,
    provider: Option<&'static str>,
    postcode: Option<String>,
    urn: Option<String>,
}

impl Placement {
    /// The details of the placement-started event, those given.
    fn details(&self) -> Vec<(&'static str, String)> {
        [
            ("place", self.place.map(str::to_owned)),
            ("provider", self.provider.map(str::to_owned)),
            ("postcode", self.postcode.clone()),
            ("urn", self.urn.clone()),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

/// A period of care being read.
struct Period {
    start: NaiveDate,
    /// Whether its first episode here does not start care (`RNE` other than S): the
    /// care began before, on a day the return does not give.
    began_before: bool,
    end: Option<NaiveDate>,
    events: Vec<ImportedEvent>,
    /// Whether the last episode read runs on into the next (`REC` X1, or open).
    open_to_next: bool,
    ls: Option<&'static str>,
    placement: Option<Placement>,
    /// The last episode's reason for a change of placement.
    pending_reason: Option<&'static str>,
    /// Why care ended (`REC`), when it did.
    ceased: Option<&'static str>,
}

impl Period {
    fn finish(self) -> ImportedWork {
        let end = if self.open_to_next { None } else { self.end };
        ImportedWork {
            key: String::new(),
            kind: InvolvementKind::LookedAfter,
            start: self.start,
            end,
            closure: end.and(self.ceased).map(ClosureReason::when_care_ended),
            began_before: self.began_before,
            events: self.events,
        }
    }
}

#[cfg(test)]
mod tests;
