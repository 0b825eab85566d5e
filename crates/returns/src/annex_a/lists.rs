//! The eleven lists: which records each takes, and each column's value.

use carebridge_domain::casefile::events::{self, Codes, Event, EventKind};
use carebridge_domain::casefile::notes::{Note, NoteKind};
use carebridge_domain::child::{InvolvementKind, Sex};
use carebridge_domain::statutory::{StatutoryRecord, StatutoryRecords, StatutoryWork};
use carebridge_domain::InvolvementId;
use chrono::{Months, NaiveDate};

use super::{Cell, List, Row, Window};

/// The lists' titles, 1 to 11.
pub const TITLES: [&str; 11] = [
    "Contacts",
    "Early help",
    "Referrals",
    "Assessments",
    "Section 47 enquiries and ICPCs",
    "Children in need",
    "Child protection",
    "Children looked after",
    "Care leavers",
    "Adoption",
    "Adopters",
];

/// The first five columns of lists 1 to 10.
const PERSON: [&str; 5] = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
];

macro_rules! columns {
    ($($c:literal),* $(,)?) => { &[
        PERSON[0], PERSON[1], PERSON[2], PERSON[3], PERSON[4], $($c),*
    ] };
}

/// Ofsted's columns of each list, 1 to 11.
pub const COLUMNS: [&[&str]; 11] = [
    columns!["Date of Contact", "Contact Source"],
    columns![
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    columns![
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    columns![
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    columns![
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    columns![
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    columns![
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
    columns![
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        "Allocated Team",
        "Allocated Worker",
    ],
    columns![
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Does the Child have a Disability",
        "Allocated Team",
        "Allocated Worker",
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    &[
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    &[
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
];

/// What each list takes and how its columns are found, for the workbook's first sheet
/// and the page that offers it.
pub const NOTES: [&str; 11] = [
    "Every contact event dated in the window, with its source. Age is on the last day of the window, as on every list.",
    "Every early help assessment started in the window or still open at its start. The organisation is the provider of the early help service on the day the assessment was completed (or, if open, the last day of the window): provision, not the record, says who delivered it.",
    "Every referral (referral and assessment work) starting in the window. Source: the contact recorded on the referral (Unknown if none). NFA: the decision on the referral (blank until decided). The count includes this referral. Team and worker: the allocation on the window's last day, or the last one if the work had closed; Unallocated if none.",
    "Every social care assessment (not early help) started in the window or still open at its start. Child seen: a visit with the child seen from the start to the authorisation (or the window's end). Requiring support: for an authorised assessment, Yes if child in need, protection, looked-after or disabled children's work was open on the day of authorisation or began within 28 days after it.",
    "Every strategy discussion in the window that started a section 47 enquiry. The ICPC is the first initial conference on the same piece of work on or after it; with none and the work closed, the ICPC was deemed unnecessary; with none and the work open, blank (not yet decided). Counts are of the 12 months up to and including the enquiry.",
    "One row per child with child in need, child protection, looked-after or disabled children's work open in the window. Primary need is not recorded by Carebridge: N0 (not stated). Status is on the window's last day.",
    "Every child protection plan open in the window. The plan starts at the initial conference that made it (or the work's start if none is recorded). The category of abuse is recorded at the initial conference only, so the latest is the initial. Statutory visit: the latest visit with the child seen. Previous plans: child protection work that started before this plan.",
    "Every period of care open in the window. Category of need: as recorded when care started (N0 if not recorded). Placement provider and postcode: as recorded with the latest placement. Reason ceased: as recorded when care ended. Not recorded by Carebridge, left blank: permanence plan, IRO contact, URN, placement location and LA. Return interviews: as recorded when the child came back from the last time missing or away in the window (blank if not recorded). Placements counted: placements with a day in the window.",
    "Every care leaver with care leaver work open in the window. The personal advisor is the worker allocated to the care leaver work. Eligibility: relevant child at 16 or 17, former relevant child from 18. In touch: Yes if a visit, call or note is recorded in the last 3 months of the window. Accommodation, suitability and activity: as the adviser last recorded them when keeping in touch (blank if never recorded, or not known).",
    "Every child with a decision that they should be placed for adoption, in a period of care open in the window. Placement order: the date legal status E1 was recorded. Placed: the first adoption placement (A1 to A6) after the decision. Fostering for adoption: the first U2, U5, A5 or A6 placement. Matching: the latest match with adopters. Adoption order: the day care ended in adoption (E11, E12). Reversal: of the latest decision, with its reason.",
    "Prospective adopters are recruited and recorded by the regional adoption agency, not in children's records, so Carebridge has no rows for this list: the agency's list goes with this workbook.",
];

/// Every list.
pub(super) fn all(records: &StatutoryRecords, window: Window) -> Vec<List> {
    let mut rows: [Vec<Row>; 11] = Default::default();
    for record in &records.records {
        let child = Child {
            record,
            window,
            provision: records,
        };
        rows[0].extend(child.contacts());
        rows[1].extend(child.early_help());
        rows[2].extend(child.referrals());
        rows[3].extend(child.assessments());
        rows[4].extend(child.section_47s());
        rows[5].extend(child.in_need());
        rows[6].extend(child.protection_plans());
        rows[7].extend(child.looked_after());
        rows[8].extend(child.care_leaver());
        rows[9].extend(child.adoption());
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, mut rows)| {
            // Records come by id; within a child, in date order already.
            rows.sort_by_key(|r| r.child);
            List {
                number: i + 1,
                title: TITLES[i],
                columns: COLUMNS[i],
                rows,
            }
        })
        .collect()
}

fn yes_no(yes: bool) -> Cell {
    text(if yes { "a) Yes" } else { "b) No" })
}

/// The Y/N columns Ofsted asks for with plain letters.
fn y_n(yes: bool) -> Cell {
    text(if yes { "Y" } else { "N" })
}

fn text(t: &str) -> Cell {
    Cell::Text(t.to_owned())
}

fn date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Blank, Cell::Date)
}

fn count(n: usize) -> Cell {
    Cell::Number(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The day twelve months before `day` (its first day in a 12-month look-back).
fn year_before(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(day)
}

fn gender(sex: Sex) -> Cell {
    text(match sex {
        Sex::Male => "a) Male",
        Sex::Female => "b) Female",
        Sex::NotKnown => "c) Not stated/recorded",
    })
}

/// Annex A's lettered ethnicity values.
const ETHNICITY: [(&str, &str); 20] = [
    ("WBRI", "a) WBRI"),
    ("WIRI", "b) WIRI"),
    ("WIRT", "c) WIRT"),
    ("WOTH", "d) WOTH"),
    ("WROM", "e) WROM"),
    ("MWBC", "f) MWBC"),
    ("MWBA", "g) MWBA"),
    ("MWAS", "h) MWAS"),
    ("MOTH", "i) MOTH"),
    ("AIND", "j) AIND"),
    ("APKN", "k) APKN"),
    ("ABAN", "l) ABAN"),
    ("AOTH", "m) AOTH"),
    ("BCRB", "n) BCRB"),
    ("BAFR", "o) BAFR"),
    ("BOTH", "p) BOTH"),
    ("CHNE", "q) CHNE"),
    ("OOTH", "r) OOTH"),
    ("REFU", "s) REFU"),
    ("NOBT", "t) NOBT"),
];

fn ethnicity(code: Option<&str>) -> Cell {
    let code = code.unwrap_or("NOBT");
    ETHNICITY
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| text(code), |(_, v)| text(v))
}

/// Annex A's contact and referral source values, by CIN census code.
const SOURCE: [(&str, &str); 22] = [
    ("1A", "a) 1A: Individual"),
    ("1B", "b) 1B: Individual"),
    ("1C", "c) 1C: Individual"),
    ("1D", "d) 1D: Individual"),
    ("2A", "e) 2A: Schools"),
    ("2B", "f) 2B: Education services"),
    ("3A", "g) 3A: Health services"),
    ("3B", "h) 3B: Health services"),
    ("3C", "i) 3C: Health services"),
    ("3D", "j) 3D: Health services"),
    ("3E", "k) 3E: Health services"),
    ("3F", "l) 3F: Health services"),
    ("4", "m) 4: Housing"),
    ("5A", "n) 5A: LA services"),
    ("5B", "o) 5B: LA services"),
    ("5C", "p) 5C: LA services"),
    ("5D", "p1) 5D: LA services"),
    ("6", "q) 6: Police"),
    ("7", "r) 7: Other legal agency"),
    ("8", "s) 8: Other"),
    ("9", "t) 9: Anonymous"),
    ("10", "u) 10: Unknown"),
];

fn source(code: Option<&str>) -> Cell {
    let code = code.unwrap_or("10");
    SOURCE
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| text(code), |(_, v)| text(v))
}

fn category_of_abuse(code: Option<&str>) -> Cell {
    match code {
        Some("NEG") => text("a) Neglect"),
        Some("PHY") => text("b) Physical abuse"),
        Some("SAB") => text("c) Sexual abuse"),
        Some("EMO") => text("d) Emotional abuse"),
        Some("MUL") => text("e) Multiple/not recommended"),
        Some(other) => text(other),
        None => Cell::Blank,
    }
}

fn legal_status(code: &str) -> Cell {
    text(match code {
        "C1" => "C1: ICO",
        "C2" => "C2: FCO",
        "D1" => "D1: Freeing order",
        "E1" => "E1: Placement order",
        "J1" => "J1: Remanded to LA or youth detention",
        "J2" => "J2: LA accommodation under PACE",
        "J3" => "J3: Youth rehabilitation order",
        "L1" => "L1: Police protection LA accommodation",
        "L2" => "L2: EPO",
        "L3" => "L3: Child assessment order LA accommodation",
        "V2" => "V2: Single period under S20",
        "V3" => "V3: Short term breaks, episodes recorded",
        "V4" => "V4: Short term breaks, agreements recorded",
        other => other,
    })
}

/// Annex A's category of need values.
fn category_of_need(code: Option<&str>) -> Cell {
    text(match code {
        Some("N1") => "N1 - Abuse or neglect",
        Some("N2") => "N2 - Child's disability",
        Some("N3") => "N3 - Parental disability or illness",
        Some("N4") => "N4 - Family in acute stress",
        Some("N5") => "N5 - Family dysfunction",
        Some("N6") => "N6 - Socially unacceptable behaviour",
        Some("N7") => "N7 - Low income",
        Some("N8") => "N8 - Absent parenting",
        _ => "N0 - Not stated",
    })
}

/// Annex A's placement provider values.
fn placement_provider(code: &str) -> Cell {
    text(match code {
        "PR0" => "a) PR0: Parents/Parental responsibility",
        "PR1" => "b) PR1: Own provision",
        "PR2" => "c) PR2: Other LA provision",
        "PR3" => "d) PR3: Other public provision",
        "PR4" => "e) PR4: Private provision",
        "PR5" => "f) PR5: Voluntary/third sector",
        other => other,
    })
}

/// A code of `list` as "code: description" (the DfE's description, as the record's
/// event form gives it).
fn coded(list: Codes, code: &str) -> Cell {
    let words = list
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, d)| *d);
    Cell::Text(format!("{code}: {words}"))
}

/// A reason care ended as "code: description".
fn reason_ceased(code: &str) -> Cell {
    coded(events::REASON_CEASED, code)
}

/// A placement type as "code: description".
fn placement_type(code: &str) -> Cell {
    coded(events::PLACEMENT_TYPE, code)
}

/// One child's record read for one window.
struct Child<'a> {
    record: &'a StatutoryRecord,
    window: Window,
    provision: &'a StatutoryRecords,
}

impl<'a> Child<'a> {
    fn person(&self) -> Vec<Cell> {
        let p = &self.record.person;
        let age = if p.unborn {
            Cell::Blank
        } else {
            self.window
                .to()
                .years_since(p.date_of_birth)
                .map_or(Cell::Blank, |y| Cell::Number(i64::from(y)))
        };
        vec![
            Cell::Text(p.id.to_string()),
            gender(p.sex),
            ethnicity(p.ethnicity.as_deref()),
            Cell::Date(p.date_of_birth),
            age,
        ]
    }

    fn disability(&self) -> Cell {
        let d = &self.record.person.disabilities;
        text(if d.is_empty() {
            "c) Unknown"
        } else if d.iter().all(|c| c == "NONE") {
            "b) No"
        } else {
            "a) Yes"
        })
    }

    fn row(&self, cells: Vec<Cell>) -> Row {
        Row {
            child: self.record.person.id,
            cells,
        }
    }

    /// The person's five columns, then `rest`.
    fn person_row(&self, rest: Vec<Cell>) -> Row {
        let mut cells = self.person();
        cells.extend(rest);
        self.row(cells)
    }

    fn work(&self, kinds: &[InvolvementKind]) -> impl Iterator<Item = &'a StatutoryWork> + '_ {
        let kinds = kinds.to_vec();
        self.record
            .work
            .iter()
            .filter(move |w| kinds.contains(&w.work.kind))
    }

    fn in_window(&self, w: &StatutoryWork) -> bool {
        self.window
            .overlaps(w.work.period.start(), w.work.period.end())
    }

    fn events_of(&self, work: InvolvementId, kind: EventKind) -> impl Iterator<Item = &'a Event> {
        self.record.events_of(work, kind)
    }

    fn events(&self, kind: EventKind) -> impl Iterator<Item = &'a Event> {
        self.record.events.iter().filter(move |e| e.kind == kind)
    }

    /// The last day of the window, or of the work if it ended first.
    fn last_day(&self, w: &StatutoryWork) -> NaiveDate {
        w.work
            .period
            .end()
            .map_or(self.window.to(), |e| e.min(self.window.to()))
    }

    /// The team and worker of a piece of work on the window's last day (or the last
    /// allocation, if the work closed before), else the work's team and "Unallocated".
    fn allocated(&self, w: &StatutoryWork) -> [Cell; 2] {
        let day = self.last_day(w);
        let allocation = self
            .record
            .allocations
            .iter()
            .filter(|a| a.work == w.work.id && a.period.start() <= day)
            .max_by_key(|a| a.period.start());
        match allocation {
            Some(a) => [text(&a.team), text(&a.worker)],
            None => [
                w.team.as_deref().map_or(Cell::Blank, text),
                text("Unallocated"),
            ],
        }
    }

    /// The latest visit at which the child was seen, on or before `day`, within
    /// `from` … `day` when `from` is given.
    fn last_seen(&self, from: Option<NaiveDate>, day: NaiveDate) -> Option<&'a Note> {
        self.record
            .notes
            .iter()
            .filter(|n| n.is_visit_seen() && n.occurred_on <= day)
            .filter(|n| from.is_none_or(|f| n.occurred_on >= f))
            .max_by_key(|n| n.occurred_on)
    }

    fn latest(&self, work: InvolvementId, kind: EventKind, day: NaiveDate) -> Option<&'a Event> {
        self.events_of(work, kind)
            .filter(|e| e.occurred_on <= day)
            .max_by_key(|e| e.occurred_on)
    }

    /// List 1.
    fn contacts(&self) -> Vec<Row> {
        self.events(EventKind::Contact)
            .filter(|e| self.window.contains(e.occurred_on))
            .map(|e| self.person_row(vec![Cell::Date(e.occurred_on), source(e.detail("source"))]))
            .collect()
    }

    /// The assessments (start, completion) on `work`.
    fn assessments_on(&self, work: InvolvementId) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        self.record
            .assessments_on(work)
            .into_iter()
            .map(|(start, done)| (start, done.map(|e| e.occurred_on)))
            .collect()
    }

    /// Whether an assessment is in the window: started in it, or open at its start.
    fn assessment_in_window(&self, start: NaiveDate, done: Option<NaiveDate>) -> bool {
        self.window.overlaps(start, done)
    }

    /// List 2.
    fn early_help(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for w in self.work(&[InvolvementKind::EarlyHelp]) {
            for (start, done) in self.assessments_on(w.work.id) {
                if !self.assessment_in_window(start, done) {
                    continue;
                }
                let on = done.unwrap_or(self.window.to());
                let provider = self
                    .provision
                    .provider_on(w.work.service, on)
                    .map_or(Cell::Blank, text);
                rows.push(self.person_row(vec![Cell::Date(start), date(done), provider]));
            }
        }
        rows
    }

    /// List 3.
    fn referrals(&self) -> Vec<Row> {
        let referrals: Vec<&StatutoryWork> = self.work(&[InvolvementKind::Referral]).collect();
        referrals
            .iter()
            .filter(|w| self.window.contains(w.work.period.start()))
            .map(|w| {
                let on = w.work.period.start();
                let contact = self
                    .events_of(w.work.id, EventKind::Contact)
                    .min_by_key(|e| e.occurred_on);
                let nfa = self
                    .events_of(w.work.id, EventKind::ReferralDecision)
                    .min_by_key(|e| e.occurred_on)
                    .map_or(Cell::Blank, |e| yes_no(e.yes("nfa")));
                let earlier = referrals
                    .iter()
                    .filter(|r| {
                        let s = r.work.period.start();
                        s <= on && s >= year_before(on)
                    })
                    .count();
                let [team, worker] = self.allocated(w);
                self.person_row(vec![
                    Cell::Date(on),
                    source(contact.and_then(|c| c.detail("source"))),
                    nfa,
                    count(earlier),
                    team,
                    worker,
                ])
            })
            .collect()
    }

    /// Whether the child had work needing support open on `day` or starting within 28
    /// days after it.
    fn supported_after(&self, day: NaiveDate) -> bool {
        let until = day + chrono::Days::new(28);
        self.work(&[
            InvolvementKind::ChildInNeed,
            InvolvementKind::ChildProtection,
            InvolvementKind::LookedAfter,
            InvolvementKind::DisabledChildren,
        ])
        .any(|w| {
            w.work.period.contains(day)
                || (w.work.period.start() > day && w.work.period.start() <= until)
        })
    }

    /// List 4.
    fn assessments(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for w in self.work(&[
            InvolvementKind::Referral,
            InvolvementKind::ChildInNeed,
            InvolvementKind::ChildProtection,
            InvolvementKind::DisabledChildren,
        ]) {
            for (start, done) in self.assessments_on(w.work.id) {
                if !self.assessment_in_window(start, done) {
                    continue;
                }
                let until = done.unwrap_or(self.window.to()).min(self.window.to());
                let seen = self.last_seen(Some(start), until).is_some();
                let [team, worker] = self.allocated(w);
                rows.push(self.person_row(vec![
                    self.disability(),
                    Cell::Date(start),
                    yes_no(seen),
                    date(done),
                    done.map_or(Cell::Blank, |d| yes_no(self.supported_after(d))),
                    team,
                    worker,
                ]));
            }
        }
        rows
    }

    /// List 5.
    fn section_47s(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let enquiries: Vec<&Event> = self
            .events(EventKind::StrategyDiscussion)
            .filter(|e| e.yes("s47"))
            .collect();
        let conferences: Vec<&Event> = self.events(EventKind::InitialConference).collect();
        for (i, s47) in enquiries.iter().enumerate() {
            if !self.window.contains(s47.occurred_on) {
                continue;
            }
            let Some(w) = self
                .record
                .work
                .iter()
                .find(|w| w.work.id == s47.involvement)
            else {
                continue;
            };
            let next = enquiries
                .get(i + 1)
                .filter(|n| n.involvement == s47.involvement)
                .map(|n| n.occurred_on);
            let icpc = conferences
                .iter()
                .filter(|c| c.involvement == s47.involvement)
                .filter(|c| c.occurred_on >= s47.occurred_on)
                .filter(|c| next.is_none_or(|n| c.occurred_on < n))
                .filter(|c| c.occurred_on <= self.window.to())
                .min_by_key(|c| c.occurred_on);
            let unnecessary = match icpc {
                Some(_) => yes_no(false),
                None if w.work.period.end().is_some_and(|e| e <= self.window.to()) => yes_no(true),
                None => Cell::Blank,
            };
            let on = s47.occurred_on;
            let in_year = |d: NaiveDate| d <= on && d >= year_before(on);
            let [team, worker] = self.allocated(w);
            rows.push(self.person_row(vec![
                self.disability(),
                Cell::Date(on),
                unnecessary,
                date(icpc.map(|c| c.occurred_on)),
                icpc.map_or(Cell::Blank, |c| yes_no(c.yes("plan"))),
                count(enquiries.iter().filter(|e| in_year(e.occurred_on)).count()),
                count(
                    conferences
                        .iter()
                        .filter(|c| in_year(c.occurred_on))
                        .count(),
                ),
                team,
                worker,
            ]));
        }
        rows
    }

    /// List 6: one row per child in need.
    fn in_need(&self) -> Vec<Row> {
        let needs = [
            InvolvementKind::ChildInNeed,
            InvolvementKind::ChildProtection,
            InvolvementKind::LookedAfter,
            InvolvementKind::DisabledChildren,
        ];
        let open: Vec<&StatutoryWork> = self.work(&needs).filter(|w| self.in_window(w)).collect();
        let Some(first) = open.iter().min_by_key(|w| w.work.period.start()) else {
            return Vec::new();
        };
        let end = self.window.to();
        let open_at_end = |kind: InvolvementKind| {
            self.record
                .work
                .iter()
                .any(|w| w.work.kind == kind && w.work.period.contains(end))
        };
        let closed = open
            .iter()
            .all(|w| w.work.period.end().is_some_and(|e| e <= end));
        let last = open
            .iter()
            .max_by_key(|w| (w.work.period.end().unwrap_or(NaiveDate::MAX), w.work.id))
            .copied()
            .unwrap_or(first);
        let status = if open_at_end(InvolvementKind::LookedAfter) {
            "a) Looked after child"
        } else if open_at_end(InvolvementKind::ChildProtection) {
            "b) Child Protection plan"
        } else if open_at_end(InvolvementKind::ChildInNeed)
            || open_at_end(InvolvementKind::DisabledChildren)
        {
            "c) Child in need plan"
        } else if open_at_end(InvolvementKind::Referral) {
            "d) Open assessment"
        } else {
            "e) Closed episode"
        };
        let [team, worker] = self.allocated(last);
        vec![self.person_row(vec![
            self.disability(),
            Cell::Date(first.work.period.start()),
            text("N0 - Not stated"),
            date(self.last_seen(None, end).map(|n| n.occurred_on)),
            if closed {
                date(last.work.period.end())
            } else {
                Cell::Blank
            },
            match (closed, last.closure) {
                (true, Some(r)) => Cell::Text(format!("{} - {}", r.code(), r.label())),
                _ => Cell::Blank,
            },
            text(status),
            team,
            worker,
        ])]
    }

    /// List 7.
    fn protection_plans(&self) -> Vec<Row> {
        let plans: Vec<&StatutoryWork> = self.work(&[InvolvementKind::ChildProtection]).collect();
        plans
            .iter()
            .filter(|w| self.in_window(w))
            .map(|w| {
                let id = w.work.id;
                let icpc = self
                    .events_of(id, EventKind::InitialConference)
                    .filter(|e| e.yes("plan"))
                    .min_by_key(|e| e.occurred_on);
                let start = icpc.map_or(w.work.period.start(), |e| e.occurred_on);
                let category = category_of_abuse(icpc.and_then(|e| e.detail("category")));
                let day = self.last_day(w);
                let visit = self
                    .record
                    .notes
                    .iter()
                    .filter(|n| n.involvement == id && n.is_visit_seen() && n.occurred_on <= day)
                    .max_by_key(|n| n.occurred_on);
                let six_months = self
                    .window
                    .to()
                    .checked_sub_months(Months::new(6))
                    .unwrap_or(self.window.to());
                let protected = self.events(EventKind::LegalStatus).any(|e| {
                    matches!(e.detail("ls"), Some("L1" | "L2"))
                        && e.occurred_on > six_months
                        && e.occurred_on <= self.window.to()
                });
                let previous = plans
                    .iter()
                    .filter(|p| p.work.period.start() < w.work.period.start())
                    .count();
                let [team, worker] = self.allocated(w);
                self.person_row(vec![
                    self.disability(),
                    Cell::Date(start),
                    category.clone(),
                    category,
                    date(visit.map(|n| n.occurred_on)),
                    visit
                        .and_then(|n| n.seen_alone)
                        .map_or(text("c) Unknown"), yes_no),
                    date(
                        self.latest(id, EventKind::ReviewConference, day)
                            .map(|e| e.occurred_on),
                    ),
                    date(w.work.period.end().filter(|e| *e <= self.window.to())),
                    y_n(protected),
                    count(previous),
                    team,
                    worker,
                ])
            })
            .collect()
    }

    /// List 8.
    fn looked_after(&self) -> Vec<Row> {
        let periods: Vec<&StatutoryWork> = self.work(&[InvolvementKind::LookedAfter]).collect();
        periods
            .iter()
            .filter(|w| self.in_window(w))
            .map(|w| {
                let id = w.work.id;
                let start = w.work.period.start();
                let day = self.last_day(w);
                let again = periods.iter().any(|p| {
                    p.work.id != id
                        && p.work
                            .period
                            .end()
                            .is_some_and(|e| e < start && e >= year_before(start))
                });
                let status = self.latest(id, EventKind::LegalStatus, day);
                let placements: Vec<&Event> =
                    self.events_of(id, EventKind::PlacementStarted).collect();
                let placement = placements
                    .iter()
                    .filter(|e| e.occurred_on <= day)
                    .max_by_key(|e| e.occurred_on);
                let in_window = placements
                    .iter()
                    .enumerate()
                    .filter(|(i, p)| {
                        let ends = placements.get(i + 1).map(|n| n.occurred_on);
                        self.window
                            .overlaps(p.occurred_on, ends.or(w.work.period.end()))
                    })
                    .count();
                let missing = |code: &str| {
                    self.events_of(id, EventKind::Missing)
                        .filter(|e| {
                            self.window.contains(e.occurred_on) && e.detail("missing") == Some(code)
                        })
                        .count()
                };
                // The return interview after the last time the child went missing or
                // away, as recorded when they came back (blank if not recorded).
                let last_back = self
                    .record
                    .missing_on(id)
                    .into_iter()
                    .rev()
                    .find(|(went, _)| {
                        went.occurred_on <= day && self.window.contains(went.occurred_on)
                    })
                    .and_then(|(_, back)| back);
                let return_interview = |asked: &str| {
                    last_back
                        .and_then(|e| e.detail(asked))
                        .map_or(Cell::Blank, |answer| y_n(answer == "Y"))
                };
                let ceased = w.work.period.end().filter(|e| *e <= self.window.to());
                let [team, worker] = self.allocated(w);
                self.person_row(vec![
                    y_n(self.record.person.uasc),
                    self.disability(),
                    Cell::Date(start),
                    category_of_need(
                        self.events_of(id, EventKind::LegalStatus)
                            .find_map(|e| e.detail("need")),
                    ),
                    y_n(again),
                    date(status.map(|e| e.occurred_on)),
                    status
                        .and_then(|e| e.detail("ls"))
                        .map_or(Cell::Blank, legal_status),
                    date(
                        self.latest(id, EventKind::LookedAfterReview, day)
                            .map(|e| e.occurred_on),
                    ),
                    date(
                        self.record
                            .notes
                            .iter()
                            .filter(|n| {
                                n.involvement == id && n.is_visit_seen() && n.occurred_on <= day
                            })
                            .map(|n| n.occurred_on)
                            .max(),
                    ),
                    Cell::Blank,
                    Cell::Blank,
                    date(
                        self.latest(id, EventKind::HealthAssessment, day)
                            .map(|e| e.occurred_on),
                    ),
                    date(
                        self.latest(id, EventKind::DentalCheck, day)
                            .map(|e| e.occurred_on),
                    ),
                    count(in_window),
                    date(ceased),
                    ceased
                        .and_then(|_| {
                            self.events_of(id, EventKind::CeasedLookedAfter)
                                .max_by_key(|e| e.occurred_on)
                        })
                        .and_then(|e| e.detail("rec"))
                        .map_or(Cell::Blank, reason_ceased),
                    date(placement.map(|e| e.occurred_on)),
                    placement
                        .and_then(|e| e.detail("place"))
                        .map_or(Cell::Blank, placement_type),
                    placement
                        .and_then(|e| e.detail("provider"))
                        .map_or(Cell::Blank, placement_provider),
                    placement
                        .and_then(|e| e.detail("postcode"))
                        .map_or(Cell::Blank, text),
                    Cell::Blank,
                    Cell::Blank,
                    Cell::Blank,
                    count(missing("M")),
                    count(missing("A")),
                    return_interview("interview-offered"),
                    return_interview("interview-accepted"),
                    team,
                    worker,
                ])
            })
            .collect()
    }

    /// List 9.
    fn care_leaver(&self) -> Vec<Row> {
        let end = self.window.to();
        let three_months = end.checked_sub_months(Months::new(3)).unwrap_or(end);
        self.work(&[InvolvementKind::CareLeaver])
            .filter(|w| self.in_window(w))
            .map(|w| {
                let id = w.work.id;
                let day = self.last_day(w);
                let age = day
                    .years_since(self.record.person.date_of_birth)
                    .unwrap_or(0);
                let eligibility = if age >= 18 {
                    "b) Former relevant child"
                } else {
                    "a) Relevant child"
                };
                let review = [EventKind::PathwayPlanReview, EventKind::PathwayPlanMade]
                    .into_iter()
                    .filter_map(|k| self.latest(id, k, day))
                    .map(|e| e.occurred_on)
                    .max();
                let contact = self
                    .record
                    .notes
                    .iter()
                    .filter(|n| n.involvement == id && n.occurred_on <= day)
                    .filter(|n| n.kind != NoteKind::Meeting)
                    .map(|n| n.occurred_on)
                    .max();
                let [team, worker] = self.allocated(w);
                let advisor = worker.clone();
                // What the adviser last recorded of where they live and what they do.
                let known = self.latest(id, EventKind::CareLeaverContact, day);
                let living = known
                    .and_then(|e| e.detail("accommodation"))
                    .filter(|c| *c != "0");
                let kind_of_home = living.map_or(Cell::Blank, |code| {
                    let words = events::CARE_LEAVER_ACCOMMODATION
                        .iter()
                        .find(|(c, _)| *c == code)
                        .and_then(|(_, d)| d.split(':').next())
                        .unwrap_or("");
                    Cell::Text(format!("{}: {words}", code.get(..1).unwrap_or(code)))
                });
                let suitable = living.map_or(Cell::Blank, |code| {
                    text(if code.ends_with('1') {
                        "Suitable"
                    } else {
                        "Not suitable"
                    })
                });
                let activity = known
                    .and_then(|e| e.detail("activity"))
                    .filter(|c| *c != "0")
                    .map_or(Cell::Blank, |code| {
                        coded(events::CARE_LEAVER_ACTIVITY, code)
                    });
                self.person_row(vec![
                    y_n(self.record.person.uasc),
                    self.disability(),
                    team,
                    worker,
                    advisor,
                    text(eligibility),
                    date(review),
                    text(if contact.is_some_and(|c| c > three_months) {
                        "a) Yes"
                    } else {
                        "b) No"
                    }),
                    date(contact),
                    kind_of_home,
                    suitable,
                    activity,
                ])
            })
            .collect()
    }

    /// List 10.
    fn adoption(&self) -> Vec<Row> {
        self.work(&[InvolvementKind::LookedAfter])
            .filter(|w| self.in_window(w))
            .filter_map(|w| {
                let id = w.work.id;
                let decision = self
                    .events_of(id, EventKind::AdoptionDecision)
                    .filter(|e| e.occurred_on <= self.window.to())
                    .min_by_key(|e| e.occurred_on)?;
                let placed_with = |codes: &[&str]| {
                    self.events_of(id, EventKind::PlacementStarted)
                        .filter(|e| e.detail("place").is_some_and(|p| codes.contains(&p)))
                        .filter(|e| e.occurred_on <= self.window.to())
                        .map(|e| e.occurred_on)
                        .min()
                };
                let order = self
                    .events_of(id, EventKind::LegalStatus)
                    .filter(|e| e.detail("ls") == Some("E1") && e.occurred_on <= self.window.to())
                    .map(|e| e.occurred_on)
                    .min();
                let placed = self
                    .events_of(id, EventKind::PlacementStarted)
                    .filter(|e| {
                        e.occurred_on >= decision.occurred_on && e.occurred_on <= self.window.to()
                    })
                    .filter(|e| e.detail("place").is_some_and(|p| p.starts_with('A')))
                    .map(|e| e.occurred_on)
                    .min();
                let by_then = |kind: EventKind| {
                    self.events_of(id, kind)
                        .filter(|e| e.occurred_on <= self.window.to())
                        .last()
                };
                let matched = by_then(EventKind::AdoptionMatched).map(|e| e.occurred_on);
                let adopted = by_then(EventKind::CeasedLookedAfter)
                    .filter(|e| matches!(e.detail("rec"), Some("E11" | "E12")))
                    .map(|e| e.occurred_on);
                // The reversal of the latest decision, if it was reversed.
                let reversal = self
                    .record
                    .adoption_decisions_on(id)
                    .into_iter()
                    .rev()
                    .find(|(d, _)| d.occurred_on <= self.window.to())
                    .and_then(|(_, r)| r)
                    .filter(|r| r.occurred_on <= self.window.to());
                let mut cells = self.person();
                cells.insert(1, Cell::Blank);
                cells.extend([
                    self.disability(),
                    Cell::Date(w.work.period.start()),
                    Cell::Date(decision.occurred_on),
                    date(order),
                    date(matched),
                    date(placed),
                    date(adopted),
                    date(reversal.map(|r| r.occurred_on)),
                    reversal
                        .and_then(|r| r.detail("reason"))
                        .map_or(Cell::Blank, |c| coded(events::REASON_PLACED_CEASED, c)),
                    date(placed_with(&["U2", "U5", "A5", "A6"])),
                ]);
                Some(self.row(cells))
            })
            .collect()
    }
}
