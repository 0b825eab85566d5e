//! The CIN census made from the records: one XML file for a collection year, as at its
//! census date (31 March), whoever provided each piece of work (a child served by a
//! trust and then the council is one child, once).
//!
//! What the records hold becomes:
//!
//! - **Episodes of need** (`CINdetails`): a child's work of the kinds the census counts
//!   (referral, child in need, child protection, care, disabled children's services),
//!   joined while it runs without a break (a piece starting by the day after the
//!   episode's last day joins it). An episode is in the census when it is open on some
//!   day of the year. Its referral date is its first day; the referral source is the
//!   first contact recorded on it; `ReferralNFA` is the first referral decision's; the
//!   primary need is the latest completed assessment's (else the referral decision's,
//!   else the category of need when care started); it is closed on its last day, if that is by the census date, with
//!   the closure reason of the work that ended last.
//! - **Assessments** started by the census date and not completed before the year, with
//!   the factors identified; **CIN plans** (child in need work) and **child protection
//!   plans** (from the initial conference that made them, with its category of abuse,
//!   previous plans counted over the whole record, reviews in the year; work that ended
//!   after its enquiry with no conference is no plan) open in the year;
//!   **section 47 enquiries** (strategy discussions that started one) with their initial
//!   conference, its target (15 working days on) and whether one was not needed (the work
//!   closed without one). An initial conference with no enquiry recorded goes on the
//!   episode.
//! - **The child**: Carebridge number as `LAchildID`, UPN or why there is none (`UN1`
//!   under six, `UN6` an unaccompanied asylum-seeking child, `UN7` every episode a
//!   referral with no further action, else `UN4` not yet obtained), sex (`U` unborn),
//!   date of birth (expected, unborn), ethnicity, disabilities.
//!
//! Anything after the census date is left out, and work closed after it is shown open.
//! Pure: the records come from `RecordTx::statutory_records` for the year.

use std::fmt::Write;

use carebridge_domain::casefile::events::{Event, EventKind};
use carebridge_domain::child::{InvolvementKind, Sex};
use carebridge_domain::statutory::{StatutoryRecord, StatutoryRecords, StatutoryWork};
use carebridge_domain::timescales::calendar::WorkingDayCalendar;
use carebridge_domain::{ChildId, InvolvementId};
use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::year::CollectionYear;

/// The kinds of work an episode of need is made of.
const IN_NEED: [InvolvementKind; 5] = [
    InvolvementKind::Referral,
    InvolvementKind::ChildInNeed,
    InvolvementKind::ChildProtection,
    InvolvementKind::LookedAfter,
    InvolvementKind::DisabledChildren,
];

/// Who sends the census, for its header.
#[derive(Debug, Clone)]
pub struct Sender<'a> {
    /// The authority's three-digit LA number (`LEA`), when set.
    pub la_number: Option<&'a str>,
    /// When the file was made.
    pub at: DateTime<Utc>,
}

/// The census as XML, and the children on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CinExport {
    /// The XML document.
    pub xml: String,
    /// The children on it, in document order.
    pub children: Vec<ChildId>,
}

impl CinExport {
    /// The file name the census is saved under, e.g. `CIN-2025-26.xml`.
    pub fn file_name(year: CollectionYear) -> String {
        format!("CIN-{year}.xml")
    }
}

/// The census for `year` from `records` (read for that year: 1 April to 31 March).
pub fn export(records: &StatutoryRecords, year: CollectionYear, sender: &Sender<'_>) -> CinExport {
    let end = year.end_date();
    let mut xml = String::with_capacity(records.records.len() * 1200 + 1000);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n<Header>\n");
    let _ = writeln!(
        xml,
        "<CollectionDetails><Collection>CIN</Collection><Year>{}</Year><ReferenceDate>{end}</ReferenceDate></CollectionDetails>",
        chrono::Datelike::year(&end)
    );
    xml.push_str("<Source><SourceLevel>L</SourceLevel>");
    if let Some(la) = sender.la_number {
        element(&mut xml, "LEA", &escape(la));
    }
    let _ = write!(
        xml,
        "<SoftwareCode>Carebridge</SoftwareCode><Release>{}</Release><SerialNo>1</SerialNo><DateTime>{}</DateTime></Source>\n</Header>\n<Children>\n",
        env!("CARGO_PKG_VERSION"),
        sender.at.format("%Y-%m-%dT%H:%M:%S")
    );
    let calendar = WorkingDayCalendar::england_and_wales().ok();
    let mut children = Vec::new();
    for record in &records.records {
        let child = Child {
            record,
            start: year.start_date(),
            end,
            calendar,
        };
        let episodes = child.episodes();
        if episodes.is_empty() {
            continue;
        }
        children.push(record.person.id);
        child.write(&mut xml, &episodes);
    }
    xml.push_str("</Children>\n</Message>\n");
    CinExport { xml, children }
}

/// Codes and dates only, but the LA number comes from configuration.
fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn element(xml: &mut String, tag: &str, value: &str) {
    let _ = write!(xml, "<{tag}>{value}</{tag}>");
}

fn optional(xml: &mut String, tag: &str, value: Option<impl std::fmt::Display>) {
    if let Some(value) = value {
        let _ = write!(xml, "<{tag}>{value}</{tag}>");
    }
}

/// One episode of need, as at the census date.
#[derive(Debug)]
struct Episode<'a> {
    start: NaiveDate,
    /// The last day, when that is by the census date.
    end: Option<NaiveDate>,
    work: Vec<&'a StatutoryWork>,
}

/// One child's record read for the census.
struct Child<'a> {
    record: &'a StatutoryRecord,
    start: NaiveDate,
    end: NaiveDate,
    calendar: Option<&'static WorkingDayCalendar>,
}

impl<'a> Child<'a> {
    /// The last day of `w` as at the census date (None if open then).
    fn ended(&self, w: &StatutoryWork) -> Option<NaiveDate> {
        w.work.period.end().filter(|e| *e <= self.end)
    }

    /// Whether `day` is on or before the census date.
    fn by_end(&self, day: NaiveDate) -> bool {
        day <= self.end
    }

    /// Whether something from `from` to `to` (None: still open) is open on some day of
    /// the year.
    fn in_year(&self, from: NaiveDate, to: Option<NaiveDate>) -> bool {
        from <= self.end && to.is_none_or(|t| t >= self.start)
    }

    /// The episodes of need open on some day of the year, earliest first.
    fn episodes(&self) -> Vec<Episode<'a>> {
        let mut work: Vec<&StatutoryWork> = self
            .record
            .work
            .iter()
            .filter(|w| IN_NEED.contains(&w.work.kind) && self.by_end(w.work.period.start()))
            .collect();
        work.sort_by_key(|w| (w.work.period.start(), w.work.id));
        let mut episodes: Vec<Episode<'a>> = Vec::new();
        for w in work {
            let start = w.work.period.start();
            let end = self.ended(w);
            match episodes.last_mut() {
                Some(e) if e.end.is_none_or(|last| start <= last + Days::new(1)) => {
                    e.end = match (e.end, end) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                    e.work.push(w);
                }
                _ => episodes.push(Episode {
                    start,
                    end,
                    work: vec![w],
                }),
            }
        }
        episodes.retain(|e| self.in_year(e.start, e.end));
        episodes
    }

    /// The events of `kind` on the episode's work, by the census date, in date order.
    fn events(&self, episode: &Episode<'_>, kind: EventKind) -> Vec<&'a Event> {
        let mut events: Vec<&Event> = self
            .record
            .events
            .iter()
            .filter(|e| {
                e.kind == kind
                    && self.by_end(e.occurred_on)
                    && episode.work.iter().any(|w| w.work.id == e.involvement)
            })
            .collect();
        events.sort_by_key(|e| (e.occurred_on, e.id));
        events
    }

    fn nfa(&self, episode: &Episode<'_>) -> bool {
        self.events(episode, EventKind::ReferralDecision)
            .first()
            .is_some_and(|e| e.yes("nfa"))
    }

    fn write(&self, xml: &mut String, episodes: &[Episode<'_>]) {
        let p = &self.record.person;
        xml.push_str("<Child>\n<ChildIdentifiers>");
        element(xml, "LAchildID", &p.id.to_string());
        match &p.upn {
            Some(upn) => element(xml, "UPN", &escape(upn)),
            None => {
                let six = self
                    .end
                    .years_since(p.date_of_birth)
                    .is_some_and(|age| age >= 6);
                let reason = if p.unborn || !six {
                    "UN1"
                } else if p.uasc {
                    "UN6"
                } else if episodes.iter().all(|e| self.nfa(e)) {
                    "UN7"
                } else {
                    "UN4"
                };
                element(xml, "UPNunknown", reason);
            }
        }
        let born = if p.unborn {
            "ExpectedPersonBirthDate"
        } else {
            "PersonBirthDate"
        };
        element(xml, born, &p.date_of_birth.to_string());
        let sex = match p.sex {
            _ if p.unborn => "U",
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::NotKnown => "U",
        };
        element(xml, "Sex", sex);
        xml.push_str("</ChildIdentifiers>\n<ChildCharacteristics>");
        optional(xml, "Ethnicity", p.ethnicity.as_deref().map(escape));
        if !p.disabilities.is_empty() {
            xml.push_str("<Disabilities>");
            for d in &p.disabilities {
                element(xml, "Disability", &escape(d));
            }
            xml.push_str("</Disabilities>");
        }
        xml.push_str("</ChildCharacteristics>\n");
        let all_protection: Vec<NaiveDate> = self
            .record
            .work
            .iter()
            .filter(|w| w.work.kind == InvolvementKind::ChildProtection)
            .map(|w| w.work.period.start())
            .collect();
        for episode in episodes {
            self.write_episode(xml, episode, &all_protection);
        }
        xml.push_str("</Child>\n");
    }

    fn write_episode(&self, xml: &mut String, e: &Episode<'_>, protection: &[NaiveDate]) {
        xml.push_str("<CINdetails>");
        element(xml, "CINreferralDate", &e.start.to_string());
        let contact = self.events(e, EventKind::Contact);
        optional(
            xml,
            "ReferralSource",
            contact.first().and_then(|c| c.detail("source")),
        );
        let assessments = self.assessments(e);
        let need = assessments
            .iter()
            .filter_map(|(_, done)| done.and_then(|d| d.detail("need")))
            .next_back()
            .or_else(|| {
                self.events(e, EventKind::ReferralDecision)
                    .iter()
                    .find_map(|d| d.detail("need"))
            })
            .or_else(|| {
                self.events(e, EventKind::LegalStatus)
                    .iter()
                    .find_map(|l| l.detail("need"))
            });
        optional(xml, "PrimaryNeedCode", need);
        optional(xml, "CINclosureDate", e.end);
        let closure = e.end.and_then(|_| {
            e.work
                .iter()
                .max_by_key(|w| (self.ended(w), w.work.period.start(), w.work.id))
                .and_then(|w| w.closure)
        });
        optional(xml, "ReasonForClosure", closure.map(|r| r.code()));
        let enquiries = self.section_47s(e);
        let held: Vec<NaiveDate> = enquiries.iter().filter_map(|s| s.icpc).collect();
        let unlinked = self
            .events(e, EventKind::InitialConference)
            .into_iter()
            .map(|c| c.occurred_on)
            .find(|d| self.in_year(*d, Some(*d)) && !held.contains(d));
        optional(xml, "DateOfInitialCPC", unlinked);
        element(
            xml,
            "ReferralNFA",
            if self.nfa(e) { "true" } else { "false" },
        );
        xml.push('\n');
        for (start, done) in assessments {
            let done = done.filter(|d| self.by_end(d.occurred_on));
            if !self.in_year(start, done.map(|d| d.occurred_on)) {
                continue;
            }
            xml.push_str("<Assessments>");
            element(xml, "AssessmentActualStartDate", &start.to_string());
            optional(
                xml,
                "AssessmentAuthorisationDate",
                done.map(|d| d.occurred_on),
            );
            if let Some(done) = done {
                let factors: Vec<&str> = done.codes("factors").collect();
                if !factors.is_empty() {
                    xml.push_str("<FactorsIdentifiedAtAssessment>");
                    for f in factors {
                        element(xml, "AssessmentFactors", f);
                    }
                    xml.push_str("</FactorsIdentifiedAtAssessment>");
                }
            }
            xml.push_str("</Assessments>\n");
        }
        for w in e
            .work
            .iter()
            .filter(|w| w.work.kind == InvolvementKind::ChildInNeed)
        {
            let end = self.ended(w);
            if !self.in_year(w.work.period.start(), end) {
                continue;
            }
            xml.push_str("<CINPlanDates>");
            element(xml, "CINPlanStartDate", &w.work.period.start().to_string());
            optional(xml, "CINPlanEndDate", end);
            xml.push_str("</CINPlanDates>\n");
        }
        for s in &enquiries {
            xml.push_str("<Section47>");
            element(xml, "S47ActualStartDate", &s.start.to_string());
            optional(xml, "InitialCPCtarget", s.target);
            optional(xml, "DateOfInitialCPC", s.icpc);
            if s.icpc.is_none() {
                element(
                    xml,
                    "ICPCnotRequired",
                    if s.not_required { "true" } else { "false" },
                );
            }
            xml.push_str("</Section47>\n");
        }
        for w in e
            .work
            .iter()
            .filter(|w| w.work.kind == InvolvementKind::ChildProtection)
        {
            self.write_plan(xml, w, protection);
        }
        xml.push_str("</CINdetails>\n");
    }

    /// The assessments on the episode's work started by the census date, earliest first.
    fn assessments(&self, e: &Episode<'_>) -> Vec<(NaiveDate, Option<&'a Event>)> {
        let mut all: Vec<(NaiveDate, Option<&Event>)> = e
            .work
            .iter()
            .flat_map(|w| self.record.assessments_on(w.work.id))
            .filter(|(start, _)| self.by_end(*start))
            .map(|(start, done)| (start, done.filter(|d| self.by_end(d.occurred_on))))
            .collect();
        all.sort_by_key(|(start, done)| (*start, done.map(|d| d.occurred_on)));
        all
    }

    /// The section 47 enquiries on the episode's work open in the year.
    fn section_47s(&self, e: &Episode<'_>) -> Vec<Enquiry> {
        let conferences = self.events(e, EventKind::InitialConference);
        let mut enquiries = Vec::new();
        for w in &e.work {
            let starts: Vec<NaiveDate> = self
                .record
                .events_of(w.work.id, EventKind::StrategyDiscussion)
                .filter(|s| s.yes("s47") && self.by_end(s.occurred_on))
                .map(|s| s.occurred_on)
                .collect();
            for (i, start) in starts.iter().enumerate() {
                let next = starts.get(i + 1).copied();
                let icpc = conferences
                    .iter()
                    .filter(|c| c.involvement == w.work.id && c.occurred_on >= *start)
                    .filter(|c| next.is_none_or(|n| c.occurred_on < n))
                    .map(|c| c.occurred_on)
                    .next();
                let not_required = icpc.is_none() && self.ended(w).is_some();
                let until = icpc.or(if not_required { self.ended(w) } else { None });
                if !self.in_year(*start, until) {
                    continue;
                }
                let target = self
                    .calendar
                    .and_then(|c| c.add_working_days(*start, 15).ok());
                enquiries.push(Enquiry {
                    start: *start,
                    target,
                    icpc,
                    not_required,
                });
            }
        }
        enquiries.sort_by_key(|s| s.start);
        enquiries
    }

    fn write_plan(&self, xml: &mut String, w: &StatutoryWork, protection: &[NaiveDate]) {
        // The plan starts at the conference that made it (not yet, if that was after
        // the census date); with none recorded, when the work started.
        let icpc = self
            .record
            .events_of(w.work.id, EventKind::InitialConference)
            .filter(|c| c.yes("plan"))
            .min_by_key(|c| c.occurred_on);
        let end = self.ended(w);
        // Work that ended after an enquiry but before any conference made a plan was
        // an enquiry, not a plan.
        let enquiry_only = icpc.is_none()
            && end.is_some()
            && self
                .record
                .events_of(w.work.id, EventKind::StrategyDiscussion)
                .any(|s| s.yes("s47"));
        let start = icpc.map_or(w.work.period.start(), |c| c.occurred_on);
        if enquiry_only || !self.in_year(start, end) {
            return;
        }
        let category = icpc.and_then(|c| c.detail("category"));
        let previous = protection
            .iter()
            .filter(|s| **s < w.work.period.start())
            .count();
        xml.push_str("<ChildProtectionPlans>");
        element(xml, "CPPstartDate", &start.to_string());
        optional(xml, "CPPendDate", end);
        optional(xml, "InitialCategoryOfAbuse", category);
        optional(xml, "LatestCategoryOfAbuse", category);
        element(xml, "NumberOfPreviousCPP", &previous.to_string());
        for review in self.reviews(w.work.id) {
            xml.push_str("<Reviews>");
            element(xml, "CPPreviewDate", &review.to_string());
            xml.push_str("</Reviews>");
        }
        xml.push_str("</ChildProtectionPlans>\n");
    }

    /// The review conferences on `work` in the year.
    fn reviews(&self, work: InvolvementId) -> Vec<NaiveDate> {
        self.record
            .events_of(work, EventKind::ReviewConference)
            .map(|r| r.occurred_on)
            .filter(|d| *d >= self.start && self.by_end(*d))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;

/// A section 47 enquiry as the census reports it.
struct Enquiry {
    start: NaiveDate,
    target: Option<NaiveDate>,
    icpc: Option<NaiveDate>,
    not_required: bool,
}
