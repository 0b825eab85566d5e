//! Reading the CIN census XML in one pass (quick-xml) into the [`Tables`], flattened
//! as the reference validator (csc-validator-be-cin 0.1.13) flattens it:
//!
//! - An element's value is its text before any child element, exactly as written; an
//!   empty element is missing. Where an element appears twice, the first counts.
//! - `Header`, `Children`, and within them `CollectionDetails`, `Source`,
//!   `ChildIdentifiers`, `ChildCharacteristics`, `Disabilities` and
//!   `FactorsIdentifiedAtAssessment`: the first counts. Every `Child`, `CINdetails`,
//!   `Assessments`, `CINPlanDates`, `Section47` and `ChildProtectionPlans` is a row.
//! - Every element inside `Disabilities` is a disability and every element inside
//!   `FactorsIdentifiedAtAssessment` a factor, whatever its name.
//! - A `Reviews` element is a row only if it holds a `CPPreviewDate` element.
//! - A child's rows go into the tables in the reference's order: identifiers,
//!   characteristics, disabilities, then each `CINdetails` with its assessments, plans,
//!   enquiries and protection plans (each with its reviews); protection plans and
//!   reviews written directly inside `Child` come last, numbered as the reference
//!   numbers them.
//!
//! Unlike the reference, a file it cannot read is an error naming the line and
//! element, never a crash.

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;
use rustc_hash::FxHashMap;

use super::tables::{Key, Table, TableName, Text};
use crate::source::{read_limited, FileError};

/// The largest file read: the census of the largest authority is tens of megabytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Why a file could not be read as a CIN census.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read, or is larger than [`MAX_FILE_BYTES`].
    #[error(transparent)]
    File(#[from] FileError),
    /// Bytes that are not UTF-8.
    #[error("{file} line {line}: not UTF-8 text (save the file as UTF-8)")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
    },
    /// Not well-formed XML.
    #[error("{file} line {line}{within}: not well-formed XML: {message}")]
    Xml {
        /// The file.
        file: String,
        /// The 1-based line.
        line: u64,
        /// `", in <Element>"` when known.
        within: String,
        /// What is wrong.
        message: String,
    },
    /// Well-formed XML, but not a CIN census (no `Header` or `Children`).
    #[error("{file}: not a CIN census: {message}")]
    NotCin {
        /// The file.
        file: String,
        /// What is missing.
        message: String,
    },
}

/// Reads the file at `path`, refusing one larger than [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    Ok(read_limited(path, MAX_FILE_BYTES, "a CIN census")?)
}

/// The eleven tables of one census, with each child's `LAchildID`.
#[derive(Debug)]
pub struct Tables {
    pub(crate) tables: Vec<Table>,
    /// The distinct `LAchildID`s; key 0 is the missing one.
    pub(crate) ids: Vec<Box<str>>,
}

impl Tables {
    /// The table `name`.
    pub fn table(&self, name: TableName) -> &Table {
        // ALL and `tables` are built in the same order; the fallback is never taken.
        self.tables.get(name.index()).unwrap_or(&self.tables[0])
    }

    /// How many `Child` elements the census holds.
    pub fn children(&self) -> usize {
        self.table(TableName::ChildIdentifiers).len()
    }

    /// The `LAchildID` of a key; `None` for the missing one.
    pub fn la_child_id(&self, key: Key) -> Option<&str> {
        if key == Key::MISSING {
            return None;
        }
        self.ids.get(key.0 as usize).map(|s| &**s)
    }

    /// The number of distinct keys (the bound of per-key arrays).
    pub fn keys(&self) -> usize {
        self.ids.len()
    }
}

/// Fields not yet seen are `None`; seen ones hold their text (itself `None` if empty).
type Fields<const N: usize> = [Option<Text>; N];

fn seen<const N: usize>() -> Fields<N> {
    std::array::from_fn(|_| None)
}

#[derive(Debug, Default)]
struct ChildDraft {
    identifiers: Option<Fields<9>>,
    characteristics: Option<Fields<1>>,
    disabilities_seen: bool,
    disabilities: Vec<Text>,
    cins: Vec<CinDraft>,
    cpps: Vec<CppDraft>,
    reviews: Vec<Text>,
}

#[derive(Debug)]
struct CinDraft {
    fields: Fields<7>,
    assessments: Vec<AssessmentDraft>,
    plans: Vec<Fields<2>>,
    enquiries: Vec<Fields<4>>,
    cpps: Vec<CppDraft>,
}

#[derive(Debug)]
struct AssessmentDraft {
    fields: Fields<3>,
    factors_seen: bool,
    factors: Vec<Text>,
}

#[derive(Debug)]
struct CppDraft {
    fields: Fields<5>,
    reviews: Vec<Text>,
}

/// Where an element sits, and so what its children are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Header,
    CollectionDetails,
    Source,
    Children,
    Child,
    Identifiers,
    Characteristics,
    Disabilities,
    Cin,
    Assessment,
    Factors,
    Plan,
    Enquiry,
    /// A `ChildProtectionPlans` element (`in_child`: directly inside `Child`).
    Cpp {
        in_child: bool,
    },
    /// A `Reviews` element.
    Review(ReviewOf),
    /// An element whose text is a value.
    Value(Slot),
    /// Anything else: its content is not read.
    Other,
}

/// Where a `Reviews` element sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReviewOf {
    /// Directly inside `Child`.
    Child,
    /// Inside a protection plan (`in_child`: a plan directly inside `Child`).
    Cpp { in_child: bool },
}

/// The value an element's text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Header(usize),
    Identifier(usize),
    Ethnicity,
    Disability,
    Cin(usize),
    Assessment(usize),
    Factor,
    Plan(usize),
    Enquiry(usize),
    Cpp { in_child: bool, field: usize },
    ReviewDate,
}

const COLLECTION_DETAILS: [&str; 3] = ["Collection", "Year", "ReferenceDate"];
const SOURCE: [&str; 6] = [
    "SourceLevel",
    "LEA",
    "SoftwareCode",
    "Release",
    "SerialNo",
    "DateTime",
];
const IDENTIFIERS: [&str; 9] = [
    "LAchildID",
    "UPN",
    "FormerUPN",
    "UPNunknown",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "GenderCurrent",
    "Sex",
    "PersonDeathDate",
];
const CIN: [&str; 7] = [
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "ReferralNFA",
];
const ASSESSMENT: [&str; 3] = [
    "AssessmentActualStartDate",
    "AssessmentInternalReviewDate",
    "AssessmentAuthorisationDate",
];
const PLAN: [&str; 2] = ["CINPlanStartDate", "CINPlanEndDate"];
const ENQUIRY: [&str; 4] = [
    "S47ActualStartDate",
    "InitialCPCtarget",
    "DateOfInitialCPC",
    "ICPCnotRequired",
];
const CPP: [&str; 5] = [
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
];

fn position(names: &[&str], name: &str) -> Option<usize> {
    names.iter().position(|n| *n == name)
}

/// The reader's state while walking the document.
#[derive(Debug)]
struct Walk {
    header: Option<Fields<9>>,
    collection_details_seen: bool,
    source_seen: bool,
    children_seen: bool,
    child: ChildDraft,
    tables: Vec<Table>,
    ids: Vec<Box<str>>,
    id_of: FxHashMap<Box<str>, Key>,
    children: u32,
}

impl Walk {
    /// What the element `name` opened inside `parent` is (and records new rows).
    fn enter(&mut self, parent: Place, name: &str) -> Place {
        let child = &mut self.child;
        match parent {
            Place::Root => match name {
                "Header" if self.header.is_none() => {
                    self.header = Some(seen());
                    Place::Header
                }
                "Children" if !self.children_seen => {
                    self.children_seen = true;
                    Place::Children
                }
                _ => Place::Other,
            },
            Place::Header => match name {
                "CollectionDetails" if !self.collection_details_seen => {
                    self.collection_details_seen = true;
                    Place::CollectionDetails
                }
                "Source" if !self.source_seen => {
                    self.source_seen = true;
                    Place::Source
                }
                _ => Place::Other,
            },
            Place::CollectionDetails => position(&COLLECTION_DETAILS, name)
                .map_or(Place::Other, |i| Place::Value(Slot::Header(i))),
            Place::Source => {
                position(&SOURCE, name).map_or(Place::Other, |i| Place::Value(Slot::Header(i + 3)))
            }
            Place::Children if name == "Child" => {
                self.child = ChildDraft::default();
                Place::Child
            }
            Place::Child => match name {
                "ChildIdentifiers" if child.identifiers.is_none() => {
                    child.identifiers = Some(seen());
                    Place::Identifiers
                }
                "ChildCharacteristics" if child.characteristics.is_none() => {
                    child.characteristics = Some(seen());
                    Place::Characteristics
                }
                "CINdetails" => {
                    child.cins.push(CinDraft {
                        fields: seen(),
                        assessments: Vec::new(),
                        plans: Vec::new(),
                        enquiries: Vec::new(),
                        cpps: Vec::new(),
                    });
                    Place::Cin
                }
                "ChildProtectionPlans" => {
                    child.cpps.push(CppDraft {
                        fields: seen(),
                        reviews: Vec::new(),
                    });
                    Place::Cpp { in_child: true }
                }
                "Reviews" => Place::Review(ReviewOf::Child),
                _ => Place::Other,
            },
            Place::Identifiers => position(&IDENTIFIERS, name)
                .map_or(Place::Other, |i| Place::Value(Slot::Identifier(i))),
            Place::Characteristics => match name {
                "Ethnicity" => Place::Value(Slot::Ethnicity),
                "Disabilities" if !child.disabilities_seen => {
                    child.disabilities_seen = true;
                    Place::Disabilities
                }
                _ => Place::Other,
            },
            Place::Disabilities => {
                child.disabilities.push(None);
                Place::Value(Slot::Disability)
            }
            Place::Cin => {
                let Some(cin) = child.cins.last_mut() else {
                    return Place::Other;
                };
                match name {
                    "Assessments" => {
                        cin.assessments.push(AssessmentDraft {
                            fields: seen(),
                            factors_seen: false,
                            factors: Vec::new(),
                        });
                        Place::Assessment
                    }
                    "CINPlanDates" => {
                        cin.plans.push(seen());
                        Place::Plan
                    }
                    "Section47" => {
                        cin.enquiries.push(seen());
                        Place::Enquiry
                    }
                    "ChildProtectionPlans" => {
                        cin.cpps.push(CppDraft {
                            fields: seen(),
                            reviews: Vec::new(),
                        });
                        Place::Cpp { in_child: false }
                    }
                    _ => position(&CIN, name).map_or(Place::Other, |i| Place::Value(Slot::Cin(i))),
                }
            }
            Place::Assessment => {
                if name == "FactorsIdentifiedAtAssessment" {
                    let assessment = child.cins.last_mut().and_then(|c| c.assessments.last_mut());
                    if let Some(a) = assessment.filter(|a| !a.factors_seen) {
                        a.factors_seen = true;
                        return Place::Factors;
                    }
                    return Place::Other;
                }
                position(&ASSESSMENT, name)
                    .map_or(Place::Other, |i| Place::Value(Slot::Assessment(i)))
            }
            Place::Factors => {
                if let Some(a) = child.cins.last_mut().and_then(|c| c.assessments.last_mut()) {
                    a.factors.push(None);
                }
                Place::Value(Slot::Factor)
            }
            Place::Plan => {
                position(&PLAN, name).map_or(Place::Other, |i| Place::Value(Slot::Plan(i)))
            }
            Place::Enquiry => {
                position(&ENQUIRY, name).map_or(Place::Other, |i| Place::Value(Slot::Enquiry(i)))
            }
            Place::Cpp { in_child } => {
                if name == "Reviews" {
                    return Place::Review(ReviewOf::Cpp { in_child });
                }
                position(&CPP, name).map_or(Place::Other, |field| {
                    Place::Value(Slot::Cpp { in_child, field })
                })
            }
            Place::Review(_) if name == "CPPreviewDate" => Place::Value(Slot::ReviewDate),
            _ => Place::Other,
        }
    }

    fn cpp(&mut self, in_child: bool) -> Option<&mut CppDraft> {
        if in_child {
            self.child.cpps.last_mut()
        } else {
            self.child.cins.last_mut().and_then(|c| c.cpps.last_mut())
        }
    }

    /// Stores an element's text, unless an earlier element already gave the value.
    fn store(&mut self, slot: Slot, text: Text) {
        fn first<const N: usize>(fields: &mut Fields<N>, i: usize, text: Text) {
            if let Some(field) = fields.get_mut(i) {
                if field.is_none() {
                    *field = Some(text);
                }
            }
        }
        let child = &mut self.child;
        match slot {
            Slot::Header(i) => {
                if let Some(h) = &mut self.header {
                    first(h, i, text);
                }
            }
            Slot::Identifier(i) => {
                if let Some(fields) = &mut child.identifiers {
                    first(fields, i, text);
                }
            }
            Slot::Ethnicity => {
                if let Some(fields) = &mut child.characteristics {
                    first(fields, 0, text);
                }
            }
            Slot::Disability => {
                if let Some(last) = child.disabilities.last_mut() {
                    *last = text;
                }
            }
            Slot::Cin(i) => {
                if let Some(cin) = child.cins.last_mut() {
                    first(&mut cin.fields, i, text);
                }
            }
            Slot::Assessment(i) => {
                if let Some(a) = child.cins.last_mut().and_then(|c| c.assessments.last_mut()) {
                    first(&mut a.fields, i, text);
                }
            }
            Slot::Factor => {
                if let Some(f) = child
                    .cins
                    .last_mut()
                    .and_then(|c| c.assessments.last_mut())
                    .and_then(|a| a.factors.last_mut())
                {
                    *f = text;
                }
            }
            Slot::Plan(i) => {
                if let Some(p) = child.cins.last_mut().and_then(|c| c.plans.last_mut()) {
                    first(p, i, text);
                }
            }
            Slot::Enquiry(i) => {
                if let Some(e) = child.cins.last_mut().and_then(|c| c.enquiries.last_mut()) {
                    first(e, i, text);
                }
            }
            Slot::Cpp { in_child, field } => {
                if let Some(cpp) = self.cpp(in_child) {
                    first(&mut cpp.fields, field, text);
                }
            }
            Slot::ReviewDate => {}
        }
    }

    fn key(&mut self, id: &Text) -> Key {
        let Some(id) = id else {
            return Key::MISSING;
        };
        if let Some(key) = self.id_of.get(id) {
            return *key;
        }
        let key = Key(u32::try_from(self.ids.len()).unwrap_or(u32::MAX));
        self.ids.push(id.clone());
        self.id_of.insert(id.clone(), key);
        key
    }

    /// Writes the finished child's rows, in the reference's order.
    fn finish_child(&mut self) {
        let draft = std::mem::take(&mut self.child);
        let n = self.children;
        self.children += 1;
        let mut identifiers = flatten(draft.identifiers.unwrap_or_else(seen));
        let key = self.key(&identifiers[0]);
        self.push(
            n,
            key,
            TableName::ChildIdentifiers,
            [0; 3],
            &mut identifiers,
        );
        let mut ethnicity = flatten(draft.characteristics.unwrap_or_else(seen));
        self.push(
            n,
            key,
            TableName::ChildCharacteristics,
            [0; 3],
            &mut ethnicity,
        );
        for disability in draft.disabilities {
            self.push(n, key, TableName::Disabilities, [0; 3], &mut [disability]);
        }
        let cins = u32::try_from(draft.cins.len()).unwrap_or(u32::MAX);
        for (c, cin) in (1u32..).zip(draft.cins) {
            self.push(
                n,
                key,
                TableName::CINdetails,
                [c, 0, 0],
                &mut flatten(cin.fields),
            );
            for (a, assessment) in (1u32..).zip(cin.assessments) {
                let factors = |w: &Walk| {
                    w.tables
                        .get(TableName::AssessmentFactorsList.index())
                        .map_or(0, Table::len)
                };
                let from = factors(self);
                let listed = !assessment.factors.is_empty();
                for factor in assessment.factors {
                    self.push(
                        n,
                        key,
                        TableName::AssessmentFactorsList,
                        [c, a, 0],
                        &mut [factor],
                    );
                }
                let to = factors(self);
                if let Some(t) = self.tables.get_mut(TableName::Assessments.index()) {
                    t.push_row(n, key, [c, a, 0], &mut flatten(assessment.fields));
                    let range = (
                        u32::try_from(from).unwrap_or(u32::MAX),
                        u32::try_from(to).unwrap_or(u32::MAX),
                    );
                    t.factors.push(listed.then_some(range));
                }
            }
            for plan in cin.plans {
                self.push(
                    n,
                    key,
                    TableName::CINplanDates,
                    [c, 0, 0],
                    &mut flatten(plan),
                );
            }
            for enquiry in cin.enquiries {
                self.push(
                    n,
                    key,
                    TableName::Section47,
                    [c, 0, 0],
                    &mut flatten(enquiry),
                );
            }
            for (p, cpp) in (1u32..).zip(cin.cpps) {
                self.push(
                    n,
                    key,
                    TableName::ChildProtectionPlans,
                    [c, 0, p],
                    &mut flatten(cpp.fields),
                );
                for review in cpp.reviews {
                    self.push(n, key, TableName::Reviews, [c, 0, p], &mut [review]);
                }
            }
        }
        // The reference also looks for plans and reviews directly inside Child, numbering
        // them with the child's last CINdetailsID and (reviews) its last plan's CPPID.
        let mut last_cpp = 0;
        for (p, cpp) in (1u32..).zip(draft.cpps) {
            last_cpp = p;
            self.push(
                n,
                key,
                TableName::ChildProtectionPlans,
                [cins, 0, p],
                &mut flatten(cpp.fields),
            );
            for review in cpp.reviews {
                self.push(n, key, TableName::Reviews, [cins, 0, p], &mut [review]);
            }
        }
        for review in draft.reviews {
            self.push(
                n,
                key,
                TableName::Reviews,
                [cins, 0, last_cpp],
                &mut [review],
            );
        }
    }

    fn push(&mut self, child: u32, key: Key, table: TableName, ids: [u32; 3], texts: &mut [Text]) {
        if let Some(t) = self.tables.get_mut(table.index()) {
            t.push_row(child, key, ids, texts);
        }
    }
}

fn flatten<const N: usize>(fields: Fields<N>) -> [Text; N] {
    fields.map(Option::flatten)
}

/// One open element.
#[derive(Debug)]
struct Open {
    name: String,
    place: Place,
    /// For a value: its text so far, and whether a child element has ended it.
    text: String,
    text_done: bool,
    /// For a `Reviews` element: the first `CPPreviewDate` inside it, once seen…
    review_date: Option<Text>,
    /// …and whether that first one is still open.
    review_date_open: bool,
}

/// Reads the content of a CIN census file (named `file` in errors).
pub fn parse(file: &str, content: &[u8]) -> Result<Tables, ReadError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let text = std::str::from_utf8(content).map_err(|e| ReadError::NotUtf8 {
        file: file.to_owned(),
        line: line_of(content, e.valid_up_to()),
    })?;
    let mut reader = Reader::from_str(text);
    let mut walk = Walk {
        header: None,
        collection_details_seen: false,
        source_seen: false,
        children_seen: false,
        child: ChildDraft::default(),
        tables: TableName::ALL.into_iter().map(Table::new).collect(),
        ids: vec!["".into()],
        id_of: FxHashMap::default(),
        children: 0,
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut roots = 0;
    let xml_error = |stack: &[Open], at: usize, message: String| ReadError::Xml {
        file: file.to_owned(),
        line: line_of(content, at),
        within: stack
            .last()
            .map(|o| format!(", in <{}>", o.name))
            .unwrap_or_default(),
        message,
    };
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader
            .read_event()
            .map_err(|e| xml_error(&stack, at, e.to_string()))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let name = std::str::from_utf8(start.name().as_ref())
                    .unwrap_or("?")
                    .to_owned();
                let place = match stack.last_mut() {
                    None => {
                        roots += 1;
                        if roots > 1 {
                            return Err(xml_error(
                                &stack,
                                at,
                                format!("a second root element <{name}> (only one is allowed)"),
                            ));
                        }
                        Place::Root
                    }
                    Some(parent) => {
                        parent.text_done = true;
                        if let Place::Review(_) = parent.place {
                            if name == "CPPreviewDate" && parent.review_date.is_none() {
                                parent.review_date = Some(None);
                                parent.review_date_open = true;
                            }
                        }
                        walk.enter(parent.place, &name)
                    }
                };
                stack.push(Open {
                    name,
                    place,
                    text: String::new(),
                    text_done: false,
                    review_date: None,
                    review_date_open: false,
                });
                if matches!(event, Event::Empty(_)) {
                    close(&mut walk, &mut stack);
                }
            }
            Event::End(_) => close(&mut walk, &mut stack),
            Event::Text(t) => {
                let unescaped = t
                    .unescape()
                    .map_err(|e| xml_error(&stack, at, e.to_string()))?;
                match stack.last_mut() {
                    Some(open) if matches!(open.place, Place::Value(_)) && !open.text_done => {
                        open.text.push_str(&unescaped);
                    }
                    Some(_) => {}
                    None if !unescaped.trim().is_empty() => {
                        return Err(xml_error(
                            &stack,
                            at,
                            "text outside the root element".to_owned(),
                        ));
                    }
                    None => {}
                }
            }
            Event::CData(t) => {
                if let Some(open) = stack.last_mut() {
                    if matches!(open.place, Place::Value(_)) && !open.text_done {
                        open.text.push_str(&String::from_utf8_lossy(&t));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(ReadError::Xml {
            file: file.to_owned(),
            line: line_of(content, content.len()),
            within: String::new(),
            message: format!("the file ends before <{}> is closed", open.name),
        });
    }
    let not_cin = |message: &str| ReadError::NotCin {
        file: file.to_owned(),
        message: message.to_owned(),
    };
    if roots == 0 {
        return Err(not_cin("no XML element at all"));
    }
    let Some(header) = walk.header.take() else {
        return Err(not_cin(
            "no <Header> inside the root element (expected <Message><Header>...)",
        ));
    };
    if !walk.children_seen {
        return Err(not_cin("no <Children> inside the root element"));
    }
    let mut header = flatten(header);
    if let Some(t) = walk.tables.get_mut(TableName::Header.index()) {
        t.push_row(0, Key::MISSING, [0; 3], &mut header);
    }
    Ok(Tables {
        tables: walk.tables,
        ids: walk.ids,
    })
}

/// Closes the innermost open element.
fn close(walk: &mut Walk, stack: &mut Vec<Open>) {
    let Some(open) = stack.pop() else {
        return;
    };
    match open.place {
        Place::Value(Slot::ReviewDate) => {
            if let Some(parent) = stack.last_mut() {
                if parent.review_date_open {
                    parent.review_date_open = false;
                    parent.review_date =
                        Some((!open.text.is_empty()).then(|| open.text.into_boxed_str()));
                }
            }
        }
        Place::Value(slot) => {
            let text = (!open.text.is_empty()).then(|| open.text.into_boxed_str());
            walk.store(slot, text);
        }
        Place::Review(of) => {
            if let Some(date) = open.review_date {
                match of {
                    ReviewOf::Child => walk.child.reviews.push(date),
                    ReviewOf::Cpp { in_child } => {
                        if let Some(cpp) = walk.cpp(in_child) {
                            cpp.reviews.push(date);
                        }
                    }
                }
            }
        }
        Place::Child => walk.finish_child(),
        _ => {}
    }
}

/// The 1-based line of byte `at`.
fn line_of(content: &[u8], at: usize) -> u64 {
    let upto = content.get(..at).unwrap_or(content);
    upto.iter().filter(|b| **b == b'\n').count() as u64 + 1
}
