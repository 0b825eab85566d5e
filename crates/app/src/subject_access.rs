//! # Subject access request export
//!
//! A child, or someone acting for them (a parent with parental responsibility, a
//! solicitor), may ask for everything the authority holds about the child (UK GDPR
//! article 15). The information governance (IG) lead answers: they type the request's
//! reference and who made it, and Carebridge produces the whole record as one bundle —
//! a printable page (print it to PDF) and JSON — with every passage that may be about
//! someone else flagged for review before release.
//!
//! The rules:
//!
//! - **Who**: the IG lead only, through the policy's
//!   [`ChildAction::SubjectAccessExport`]; a restricted record only when they are named
//!   on it (see [`carebridge_policy::Denial::NotNamedForExport`] for why). It is its own
//!   action, never a side door to opening records for casework.
//! - **Audit**: the export reads the record and appends its audit entry in one
//!   transaction, like every read; the entry's reason carries the request's reference,
//!   the requester and the format. A refusal is audited with the same details.
//! - **What**: everything held on the child — the person (names past and present,
//!   identifiers, addresses over time, ethnicity, disability, language, religion,
//!   immigration status), every piece of work with its service, team, providers over its
//!   dates, allocations and closure, every event with each code and its DfE meaning,
//!   every note and visit in full, the chronology, and the record's access log up to the
//!   export (the requester may ask who saw the record; the log names staff acting in
//!   their role, so it is flagged for review rather than left out).
//! - **Third parties**: free text goes through
//!   [`carebridge_domain::casefile::third_party::find_third_party`], with the child's own
//!   names, postcodes and numbers (never flagged) and the name words of other children
//!   known to Carebridge (looked up for the words of this record only). The referrer of a
//!   contact, each member of staff who recorded entries, and the access log are flagged
//!   by what they are.
//!
//! The bundle's JSON field names are stable (`format` says which version); the page and
//! the JSON carry the same flags.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use carebridge_domain::casefile::chronology::{chronology, EntrySource};
use carebridge_domain::casefile::third_party::{
    find_third_party, name_candidates, FlagKind, Known,
};
use carebridge_domain::casefile::Problems;
use carebridge_domain::{ChildId, ServiceId, TeamId};
use carebridge_policy::ChildAction;

use crate::accounts::Actor;
use crate::records::{finish, Checked, RequestMeta};
use crate::{App, AppError};

/// The version of the bundle's shape, first in the JSON.
pub const BUNDLE_FORMAT: &str = "carebridge-subject-access/1";
/// The longest request reference accepted.
pub const MAX_REFERENCE: usize = 60;
/// The longest description of the requester accepted.
pub const MAX_REQUESTER: usize = 120;

/// How the bundle is wanted (said in the audit entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BundleFormat {
    /// The printable page.
    Html,
    /// The JSON download.
    Json,
}

impl BundleFormat {
    /// Reads the form's choice.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "html" => Some(BundleFormat::Html),
            "json" => Some(BundleFormat::Json),
            _ => None,
        }
    }

    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            BundleFormat::Html => "html",
            BundleFormat::Json => "json",
        }
    }
}

/// A subject access request as the IG lead types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAccessRequest {
    /// The request's reference in the authority's log (e.g. "SAR-2026-0142").
    pub reference: String,
    /// Who asked: "the child", "a parent with parental responsibility", "a solicitor
    /// for the child".
    pub requester: String,
    /// How the bundle is wanted.
    pub format: BundleFormat,
}

fn clean(text: &str) -> String {
    text.trim().to_owned()
}

/// At most `n` characters of `text`, for an audit entry about input that was refused.
fn clipped(text: &str, n: usize) -> String {
    text.trim().chars().take(n).collect()
}

impl SubjectAccessRequest {
    /// Reads the form's fields: every problem at once, each naming its field.
    pub fn parse(reference: &str, requester: &str, format: &str) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let (reference, requester) = (clean(reference), clean(requester));
        let control = |s: &str| s.chars().any(char::is_control);
        if reference.is_empty() {
            problems.add("reference", "Enter the subject access request's reference");
        } else if reference.chars().count() > MAX_REFERENCE {
            problems.add(
                "reference",
                format!("The reference must be {MAX_REFERENCE} characters or fewer"),
            );
        } else if control(&reference) {
            problems.add("reference", "The reference must be on one line");
        }
        if requester.is_empty() {
            problems.add(
                "requester",
                "Enter who made the request, for example the child, or a parent with parental responsibility",
            );
        } else if requester.chars().count() > MAX_REQUESTER {
            problems.add(
                "requester",
                format!("Who made the request must be {MAX_REQUESTER} characters or fewer"),
            );
        } else if control(&requester) {
            problems.add("requester", "Who made the request must be on one line");
        }
        let format = BundleFormat::parse(format);
        if format.is_none() {
            problems.add("format", "Choose the page to print or the JSON file");
        }
        match format {
            Some(format) if problems.is_empty() => Ok(SubjectAccessRequest {
                reference,
                requester,
                format,
            }),
            _ => Err(problems),
        }
    }
}

/// A code with its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coded {
    /// The code as stored (a DfE code where there is one).
    pub code: String,
    /// What it means.
    pub meaning: String,
}

fn coded(code: &str, meaning: &str) -> Coded {
    Coded {
        code: code.to_owned(),
        meaning: meaning.to_owned(),
    }
}

/// The request, as the bundle records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestPart {
    /// The request's reference.
    pub reference: String,
    /// Who asked.
    pub requester: String,
    /// When the bundle was produced.
    pub produced_at: DateTime<Utc>,
    /// Who produced it (sign-in name).
    pub produced_by: String,
    /// Why they may (the policy's grounds).
    pub grounds: String,
}

/// One of the child's other names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamePart {
    /// "previous" or "alias" (the stored code).
    pub kind: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// From when, if known.
    pub from: Option<NaiveDate>,
    /// Until when, if known.
    pub to: Option<NaiveDate>,
}

/// One of the child's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressPart {
    /// The address.
    pub line: String,
    /// Its postcode.
    pub postcode: String,
    /// From when.
    pub from: NaiveDate,
    /// Until when (none: still).
    pub to: Option<NaiveDate>,
}

/// The child as a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildPart {
    /// The record's number.
    pub id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Sex (DfE code and meaning).
    pub sex: Coded,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Expected date of birth (an unborn child).
    pub expected_date_of_birth: Option<NaiveDate>,
    /// Gender, as the child describes it.
    pub gender: Option<String>,
    /// Ethnicity (DfE code and meaning).
    pub ethnicity: Option<Coded>,
    /// First language.
    pub first_language: Option<String>,
    /// Religion.
    pub religion: Option<String>,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// Unique pupil number.
    pub upn: Option<String>,
    /// Disabilities (DfE codes and meanings).
    pub disabilities: Vec<Coded>,
    /// Unaccompanied asylum-seeking child.
    pub uasc: bool,
    /// Immigration status.
    pub immigration_status: Option<String>,
    /// Previous names and aliases.
    pub other_names: Vec<NamePart>,
    /// Addresses over time.
    pub addresses: Vec<AddressPart>,
}

/// Who delivered a piece of work's service, over part of its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderPart {
    /// The organisation.
    pub organisation: String,
    /// From when (within the work's dates).
    pub from: NaiveDate,
    /// Until when (none: still).
    pub to: Option<NaiveDate>,
}

/// One allocation of a piece of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationPart {
    /// The worker.
    pub worker: String,
    /// Their team.
    pub team: String,
    /// From when.
    pub from: NaiveDate,
    /// Until when (none: still).
    pub to: Option<NaiveDate>,
    /// Who allocated it.
    pub allocated_by: String,
    /// Why.
    pub reason: String,
}

/// How a piece of work was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosurePart {
    /// The CIN census reason for closure.
    pub reason: Coded,
    /// Who recorded it.
    pub closed_by: String,
    /// When.
    pub closed_at: DateTime<Utc>,
}

/// One piece of work (an involvement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkPart {
    /// Its number.
    pub id: i64,
    /// The anchor of its section (`work-ID`).
    pub item: String,
    /// What kind of work.
    pub kind: Coded,
    /// The service.
    pub service: String,
    /// The team that holds it.
    pub team: Option<String>,
    /// From when.
    pub starts_on: NaiveDate,
    /// Until when (none: open).
    pub ends_on: Option<NaiveDate>,
    /// Who delivered the service over the work's dates.
    pub providers: Vec<ProviderPart>,
    /// Allocations, earliest first.
    pub allocations: Vec<AllocationPart>,
    /// How it was closed, when closed through Carebridge.
    pub closure: Option<ClosurePart>,
}

/// One coded detail of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetailPart {
    /// The detail's name.
    pub name: String,
    /// The question it answers.
    pub question: String,
    /// The code recorded.
    pub code: String,
    /// The code's meaning in the DfE list (none when the code is not in the list).
    pub meaning: Option<String>,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventPart {
    /// Its number.
    pub id: i64,
    /// Its anchor (`event-ID`).
    pub item: String,
    /// The piece of work it is filed under.
    pub work_id: i64,
    /// What happened.
    pub kind: Coded,
    /// When.
    pub occurred_on: NaiveDate,
    /// Its coded details.
    pub details: Vec<DetailPart>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One case note or visit, in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotePart {
    /// Its number.
    pub id: i64,
    /// Its anchor (`note-ID`).
    pub item: String,
    /// The piece of work it is filed under.
    pub work_id: i64,
    /// What kind.
    pub kind: Coded,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// A visit: was the child seen.
    pub child_seen: Option<bool>,
    /// A visit: seen alone.
    pub seen_alone: Option<bool>,
    /// The summary.
    pub summary: String,
    /// The text.
    pub body: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One family member or significant person: information about someone else, so each
/// is flagged for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyPart {
    /// Its anchor (`family-ID`).
    pub item: String,
    /// What they are to the child.
    pub relationship: String,
    /// Their name.
    pub name: String,
    /// Their date of birth, when known.
    pub date_of_birth: Option<NaiveDate>,
    /// How they hold parental responsibility, if they do.
    pub parental_responsibility: Option<String>,
    /// From when, if known.
    pub from: Option<NaiveDate>,
    /// Until when, if it ended.
    pub to: Option<NaiveDate>,
}

/// A document attached to the record: listed with its hash, to be reviewed and
/// released beside the bundle (its content is not copied into it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentPart {
    /// Its anchor (`document-ID`).
    pub item: String,
    /// Its title.
    pub title: String,
    /// Its file name.
    pub filename: String,
    /// What kind of file.
    pub file_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of its content, to match the released copy.
    pub sha256: String,
    /// Who added it.
    pub added_by: String,
    /// When.
    pub added_at: DateTime<Utc>,
}

/// One line of the chronology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChronologyLine {
    /// The day.
    pub on: NaiveDate,
    /// "work", "event", "note" or "provider".
    #[serde(rename = "type")]
    pub kind: String,
    /// What happened.
    pub title: String,
    /// The service.
    pub service: String,
    /// The anchor of the item it is about, if any.
    pub item: Option<String>,
}

/// One entry of the record's access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLine {
    /// Its place in the audit chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (sign-in name).
    pub username: String,
    /// In which role.
    pub role: String,
    /// What.
    pub action: String,
    /// Allowed or refused.
    pub allowed: bool,
    /// Why.
    pub reason: String,
}

/// One passage or item for the IG lead to review before release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewFlag {
    /// Its anchor (`flag-N`, numbered in the bundle's order).
    pub id: String,
    /// The anchor of the item it is in (`note-12`, `event-3`, `work-4`, `restriction`,
    /// `access-log`).
    pub item: String,
    /// The field it is in (`body`, `summary`, `details.source`, `recorded_by`, ...).
    pub field: String,
    /// What kind of third-party information.
    pub kind: FlagKind,
    /// The kind in words.
    pub label: String,
    /// The passage (or the value of the field).
    pub text: String,
    /// Where the passage starts in the field (bytes), for text fields.
    pub start: Option<usize>,
    /// Where it ends (exclusive).
    pub end: Option<usize>,
    /// Why it is flagged.
    pub reason: String,
}

/// The whole record for a subject access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectAccessBundle {
    /// The bundle's shape and version: [`BUNDLE_FORMAT`].
    pub format: &'static str,
    /// The request.
    pub request: RequestPart,
    /// The child as a person.
    pub child: ChildPart,
    /// The record's restriction, when restricted (its reason may be third-party
    /// information too, and is flagged like any text).
    pub restriction: Option<String>,
    /// Every piece of work, earliest first.
    pub work: Vec<WorkPart>,
    /// Every event, in date order.
    pub events: Vec<EventPart>,
    /// Every note and visit, in date order.
    pub notes: Vec<NotePart>,
    /// Family and significant people.
    pub family: Vec<FamilyPart>,
    /// Documents attached to the record.
    pub documents: Vec<DocumentPart>,
    /// The chronology: everything in date order.
    pub chronology: Vec<ChronologyLine>,
    /// Who accessed the record, oldest first, up to this export.
    pub access_log: Vec<AccessLine>,
    /// Everything to review before release.
    pub flags: Vec<ReviewFlag>,
}

impl SubjectAccessBundle {
    /// The flags in one field of one item.
    pub fn flags_in<'a>(
        &'a self,
        item: &'a str,
        field: &'a str,
    ) -> impl Iterator<Item = &'a ReviewFlag> {
        self.flags
            .iter()
            .filter(move |f| f.item == item && f.field == field)
    }
}

/// Referral sources that identify nobody but the child (self-referral) or nobody at
/// all (anonymous, unknown).
const SOURCES_NOT_THIRD_PARTY: &[&str] = &["1C", "9", "10"];

/// Builds the flags list: text passages, then items flagged by what they are.
struct Flagger<'k> {
    known: &'k Known,
    flags: Vec<ReviewFlag>,
}

impl Flagger<'_> {
    fn text(&mut self, item: &str, field: &str, text: &str) {
        for f in find_third_party(text, self.known) {
            self.push(
                item,
                field,
                f.kind,
                f.text,
                Some((f.start, f.end)),
                f.reason,
            );
        }
    }

    fn push(
        &mut self,
        item: &str,
        field: &str,
        kind: FlagKind,
        text: String,
        span: Option<(usize, usize)>,
        reason: String,
    ) {
        self.flags.push(ReviewFlag {
            id: format!("flag-{}", self.flags.len() + 1),
            item: item.to_owned(),
            field: field.to_owned(),
            kind,
            label: kind.label().to_owned(),
            text,
            start: span.map(|s| s.0),
            end: span.map(|s| s.1),
            reason,
        });
    }
}

impl App {
    /// Exports a child's whole record for a subject access request: the policy decides
    /// (audited, refusals too, with the request's reference and requester), then the
    /// record is read and the audit entry appended in one transaction. Invalid input is
    /// reported by field once the policy has allowed the export, and writes nothing.
    pub async fn subject_access_export(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        reference: &str,
        requester: &str,
        format: &str,
    ) -> Result<SubjectAccessBundle, AppError> {
        let purpose = format!(
            "subject access request {:?} from {:?}",
            clipped(reference, MAX_REFERENCE),
            clipped(requester, MAX_REQUESTER)
        );
        // Names of services, teams and organisations are the authority's, not the child's.
        let directory = self.directory().await?;
        let provision = self.store().provision_periods().await?;
        let teams: BTreeMap<TeamId, String> = self
            .store()
            .teams()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        let Checked {
            mut tx,
            access,
            facts,
            at,
            mut entry,
        } = self
            .begin_checked_for(
                actor,
                meta,
                ChildAction::SubjectAccessExport,
                child,
                &purpose,
            )
            .await?;
        // Allowed: now the form's own problems, which leave nothing written (the
        // transaction rolls back as it is dropped).
        let request = SubjectAccessRequest::parse(reference, requester, format)?;
        let (person, involvements) = tx.read_child(&access).await?;
        let details = tx.read_person(&access).await?;
        let (events, notes) = tx.casefile(&access, true).await?;
        let mut cases = BTreeMap::new();
        for w in &involvements {
            if let Some(case) = tx.case_record(&access, w.id).await? {
                cases.insert(w.id, case);
            }
        }
        let log = tx.access_log(&access, i64::MAX).await?;
        let family = tx.relationships(&access, actor.user).await?;
        let documents = tx.attachments(&access).await?;

        let service_name = |s: ServiceId| {
            directory
                .services
                .iter()
                .find(|x| x.id == s)
                .map_or_else(|| format!("service {s}"), |x| x.name.clone())
        };
        let org_name = |o| {
            directory
                .organisation(o)
                .map_or_else(|| format!("organisation {o}"), |o| o.name.clone())
        };

        // What the detector knows: the child's own names and details, and which words
        // of this record's text are names of other children.
        let mut known = Known::new();
        known
            .own_name(&person.given_name)
            .own_name(&person.family_name);
        for n in &details.other_names {
            known.own_name(&n.given_name).own_name(&n.family_name);
        }
        for a in &details.addresses {
            known.own_postcode(&a.postcode);
        }
        if let Some(nhs) = &details.nhs_number {
            known.own_number(nhs.digits());
        }
        let mut texts: Vec<&str> = Vec::new();
        for n in &notes {
            texts.push(&n.summary);
            texts.push(&n.body);
        }
        if let Some(r) = &facts.restriction {
            texts.push(&r.reason);
        }
        for case in cases.values() {
            texts.extend(case.allocations.iter().map(|a| a.reason.as_str()));
        }
        let candidates: BTreeSet<String> = texts.iter().flat_map(|t| name_candidates(t)).collect();
        for word in tx.other_childrens_name_words(&access, &candidates).await? {
            known.other_child_word(&word);
        }
        let mut flagger = Flagger {
            known: &known,
            flags: Vec::new(),
        };

        let restriction = facts.restriction.as_ref().map(|r| r.reason.clone());
        if let Some(reason) = &restriction {
            flagger.text("restriction", "reason", reason);
        }
        let child_part = ChildPart {
            id: person.id,
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            sex: coded(
                person.sex.code(),
                match person.sex {
                    carebridge_domain::child::Sex::Male => "Male",
                    carebridge_domain::child::Sex::Female => "Female",
                    carebridge_domain::child::Sex::NotKnown => "Not known",
                },
            ),
            date_of_birth: person.date_of_birth,
            expected_date_of_birth: details.expected_date_of_birth,
            gender: details.gender.clone(),
            ethnicity: details.ethnicity.map(|e| coded(e.code(), e.label())),
            first_language: details.first_language.clone(),
            religion: details.religion.clone(),
            nhs_number: details.nhs_number.as_ref().map(|n| n.spaced()),
            upn: details.upn.as_ref().map(|u| u.as_str().to_owned()),
            disabilities: details
                .disabilities
                .iter()
                .map(|d| coded(d.code(), d.label()))
                .collect(),
            uasc: details.uasc,
            immigration_status: details.immigration_status.clone(),
            other_names: details
                .other_names
                .iter()
                .map(|n| NamePart {
                    kind: n.kind.code().to_owned(),
                    given_name: n.given_name.clone(),
                    family_name: n.family_name.clone(),
                    from: n.from,
                    to: n.to,
                })
                .collect(),
            addresses: details
                .addresses
                .iter()
                .map(|a| AddressPart {
                    line: a.line.clone(),
                    postcode: a.postcode.as_str().to_owned(),
                    from: a.from,
                    to: a.to,
                })
                .collect(),
        };

        let mut work = Vec::with_capacity(involvements.len());
        for w in &involvements {
            let item = format!("work-{}", w.id);
            let case = cases.get(&w.id);
            let providers = provision
                .iter()
                .filter(|p| p.service == w.service)
                .filter(|p| {
                    p.period.end().is_none_or(|e| e >= w.period.start())
                        && w.period.end().is_none_or(|e| p.period.start() <= e)
                })
                .map(|p| ProviderPart {
                    organisation: org_name(p.provider),
                    from: p.period.start().max(w.period.start()),
                    to: match (p.period.end(), w.period.end()) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                })
                .collect();
            let allocations: Vec<AllocationPart> = case
                .map(|c| {
                    c.allocations
                        .iter()
                        .map(|a| AllocationPart {
                            worker: a.worker.clone(),
                            team: a.team_name.clone(),
                            from: a.allocation.period.start(),
                            to: a.allocation.period.end(),
                            allocated_by: a.allocated_by.clone(),
                            reason: a.reason.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            for a in &allocations {
                flagger.text(&item, "allocations.reason", &a.reason);
            }
            work.push(WorkPart {
                id: w.id.0,
                item,
                kind: coded(w.kind.code(), w.kind.label()),
                service: service_name(w.service),
                team: w.team.and_then(|t| teams.get(&t).cloned()),
                starts_on: w.period.start(),
                ends_on: w.period.end(),
                providers,
                allocations,
                closure: case.and_then(|c| c.closure.as_ref()).map(|c| ClosurePart {
                    reason: coded(c.reason.code(), c.reason.label()),
                    closed_by: c.closed_by.clone(),
                    closed_at: c.closed_at,
                }),
            });
        }

        let mut authors: BTreeMap<String, (String, usize)> = BTreeMap::new();
        let event_parts: Vec<EventPart> = events
            .iter()
            .map(|e| {
                let item = format!("event-{}", e.id);
                let details: Vec<DetailPart> = e
                    .details
                    .iter()
                    .map(|(name, code)| {
                        let detail = e.kind.details().iter().find(|d| d.name == name);
                        DetailPart {
                            name: name.clone(),
                            question: detail.map_or_else(|| name.clone(), |d| d.label.to_owned()),
                            code: code.clone(),
                            meaning: detail.and_then(|d| d.describe(code)).map(str::to_owned),
                        }
                    })
                    .collect();
                if let Some(source) = details.iter().find(|d| d.name == "source") {
                    if !SOURCES_NOT_THIRD_PARTY.contains(&source.code.as_str()) {
                        flagger.push(
                            &item,
                            "details.source",
                            FlagKind::Referrer,
                            format!(
                                "{} ({})",
                                source.code,
                                source.meaning.as_deref().unwrap_or("not in the DfE list")
                            ),
                            None,
                            "says who made contact about the child: a referrer's identity is usually withheld unless they agree to its release".to_owned(),
                        );
                    }
                }
                authors
                    .entry(e.recorded_by.clone())
                    .or_insert_with(|| (item.clone(), 0))
                    .1 += 1;
                EventPart {
                    id: e.id.0,
                    item,
                    work_id: e.involvement.0,
                    kind: coded(e.kind.code(), e.kind.label()),
                    occurred_on: e.occurred_on,
                    details,
                    recorded_by: e.recorded_by.clone(),
                    recorded_at: e.recorded_at,
                }
            })
            .collect();
        let note_parts: Vec<NotePart> = notes
            .iter()
            .map(|n| {
                let item = format!("note-{}", n.id);
                flagger.text(&item, "summary", &n.summary);
                flagger.text(&item, "body", &n.body);
                authors
                    .entry(n.recorded_by.clone())
                    .or_insert_with(|| (item.clone(), 0))
                    .1 += 1;
                NotePart {
                    id: n.id.0,
                    item,
                    work_id: n.involvement.0,
                    kind: coded(n.kind.code(), n.kind.label()),
                    occurred_on: n.occurred_on,
                    child_seen: n.child_seen,
                    seen_alone: n.seen_alone,
                    summary: n.summary.clone(),
                    body: n.body.clone(),
                    recorded_by: n.recorded_by.clone(),
                    recorded_at: n.recorded_at,
                }
            })
            .collect();
        for (author, (first, count)) in &authors {
            flagger.push(
                first,
                "recorded_by",
                FlagKind::Author,
                author.clone(),
                None,
                format!(
                    "recorded {count} {} on the record: staff acting in their role are usually named, but check for their personal details or opinions",
                    if *count == 1 { "entry" } else { "entries" }
                ),
            );
        }
        let family_parts: Vec<FamilyPart> = family
            .iter()
            .map(|r| {
                let item = format!("family-{}", r.id);
                flagger.push(
                    &item,
                    "name",
                    FlagKind::Relationship,
                    r.name.clone(),
                    None,
                    format!(
                        "{} of the child: their name{} and parental responsibility are their information as well as the child's",
                        r.label.to_lowercase(),
                        if r.date_of_birth.is_some() { ", date of birth" } else { "" }
                    ),
                );
                FamilyPart {
                    item,
                    relationship: r.label.clone(),
                    name: r.name.clone(),
                    date_of_birth: r.date_of_birth,
                    parental_responsibility: r.responsibility.map(|b| b.label().to_owned()),
                    from: r.from,
                    to: r.to,
                }
            })
            .collect();
        let document_parts: Vec<DocumentPart> = documents
            .iter()
            .map(|d| {
                let item = format!("document-{}", d.id);
                flagger.push(
                    &item,
                    "content",
                    FlagKind::Name,
                    d.title.clone(),
                    None,
                    "a document's content is not searched for third-party information: read it before release".to_owned(),
                );
                DocumentPart {
                    item,
                    title: d.title.clone(),
                    filename: d.filename.clone(),
                    file_type: d.document_type.label().to_owned(),
                    size: d.size,
                    sha256: d.sha256.clone(),
                    added_by: d.recorded_by.clone(),
                    added_at: d.recorded_at,
                }
            })
            .collect();
        if !log.is_empty() {
            flagger.push(
                "access-log",
                "username",
                FlagKind::AccessLog,
                format!("{} entries", log.len()),
                None,
                "names the staff who opened, searched for or were refused the record, and what they searched for".to_owned(),
            );
        }

        let chronology_lines = chronology(&involvements, &events, &notes, &provision)
            .iter()
            .map(|e| {
                let (item, title) = match e.source {
                    EntrySource::WorkStarted(id) => (
                        Some(format!("work-{id}")),
                        involvements
                            .iter()
                            .find(|w| w.id == id)
                            .map_or_else(String::new, |w| format!("{} started", w.kind.label())),
                    ),
                    EntrySource::WorkEnded(id) => (
                        Some(format!("work-{id}")),
                        involvements
                            .iter()
                            .find(|w| w.id == id)
                            .map_or_else(String::new, |w| format!("{} ended", w.kind.label())),
                    ),
                    EntrySource::Event(id) => (
                        Some(format!("event-{id}")),
                        events
                            .iter()
                            .find(|x| x.id == id)
                            .map_or_else(String::new, |x| x.kind.label().to_owned()),
                    ),
                    EntrySource::Note(id) => (
                        Some(format!("note-{id}")),
                        notes
                            .iter()
                            .find(|x| x.id == id)
                            .map_or_else(String::new, |x| {
                                format!("{}: {}", x.kind.label(), x.summary)
                            }),
                    ),
                    EntrySource::Provision(org) => (
                        None,
                        format!("Delivered by {} from this day", org_name(org)),
                    ),
                };
                ChronologyLine {
                    on: e.on,
                    kind: e.kind.code().to_owned(),
                    title,
                    service: service_name(e.service),
                    item,
                }
            })
            .collect();

        let access_log: Vec<AccessLine> = log
            .iter()
            .rev()
            .map(|e| AccessLine {
                seq: e.seq,
                at: e.entry.at,
                username: e.entry.username.clone(),
                role: e.entry.role.clone(),
                action: e.entry.action.clone(),
                allowed: e.entry.allowed,
                reason: e.entry.reason.clone(),
            })
            .collect();

        let flags = flagger.flags;
        entry.reason = format!(
            "{purpose}, as {}; {}; {} notes, {} events, {} flags for review",
            request.format.code(),
            access.grounds().describe(),
            note_parts.len(),
            event_parts.len(),
            flags.len()
        );
        let grounds = access.grounds().describe();
        finish(tx, &entry).await?;
        tracing::info!(child = child.0, user = %actor.username, "subject access export");
        Ok(SubjectAccessBundle {
            format: BUNDLE_FORMAT,
            request: RequestPart {
                reference: request.reference,
                requester: request.requester,
                produced_at: at,
                produced_by: actor.username.clone(),
                grounds,
            },
            child: child_part,
            restriction,
            work,
            events: event_parts,
            notes: note_parts,
            family: family_parts,
            documents: document_parts,
            chronology: chronology_lines,
            access_log,
            flags,
        })
    }
}
