//! The CIN census flattened into the eleven tables the DfE's rules address
//! (`cin_tables.tsv`), column by column, as the reference validator flattens the XML:
//! one row per child in ChildIdentifiers and ChildCharacteristics, one per
//! `CINdetails` in CINdetails, and so on, each row keyed by its child's `LAchildID`
//! and the 1-based position of its `CINdetails` (`CINdetailsID`), `Assessments`
//! (`AssessmentID`) and `ChildProtectionPlans` (`CPPID`) within its parent.

use std::fmt;

use chrono::NaiveDate;

/// An element's text as the reference reads it (ElementTree's `.text`): `None` when the
/// element is missing or empty; otherwise exactly as written (not trimmed).
pub type Text = Option<Box<str>>;

/// A table the rules address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableName {
    /// The return's header (one row).
    Header,
    /// One row per child.
    ChildIdentifiers,
    /// One row per child.
    ChildCharacteristics,
    /// One row per disability code of a child.
    Disabilities,
    /// One row per CIN episode (`CINdetails`).
    CINdetails,
    /// One row per assessment.
    Assessments,
    /// One row per factor identified at an assessment.
    AssessmentFactorsList,
    /// One row per CIN plan.
    CINplanDates,
    /// One row per section 47 enquiry.
    Section47,
    /// One row per child protection plan.
    ChildProtectionPlans,
    /// One row per child protection plan review.
    Reviews,
}

/// What a column holds, and so how it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An element's text.
    Text,
    /// An element's text, also read as a date (the reference reads every column whose
    /// name contains "date" as one).
    Date,
    /// The child's `LAchildID` (in tables other than ChildIdentifiers).
    Child,
    /// A generated 1-based position: `CINdetailsID`, `AssessmentID` or `CPPID`.
    Position,
    /// Assessments' list of factor codes (rows of AssessmentFactorsList).
    Factors,
}

use Kind::{Child, Date, Factors, Position, Text as T};

impl TableName {
    /// Every table, in the order of `cin_tables.tsv`.
    pub const ALL: [TableName; 11] = [
        TableName::Header,
        TableName::ChildIdentifiers,
        TableName::ChildCharacteristics,
        TableName::Disabilities,
        TableName::CINdetails,
        TableName::Assessments,
        TableName::AssessmentFactorsList,
        TableName::CINplanDates,
        TableName::Section47,
        TableName::ChildProtectionPlans,
        TableName::Reviews,
    ];

    /// Position in [`TableName::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The table's name as the DfE's rules write it.
    pub fn as_str(self) -> &'static str {
        match self {
            TableName::Header => "Header",
            TableName::ChildIdentifiers => "ChildIdentifiers",
            TableName::ChildCharacteristics => "ChildCharacteristics",
            TableName::Disabilities => "Disabilities",
            TableName::CINdetails => "CINdetails",
            TableName::Assessments => "Assessments",
            TableName::AssessmentFactorsList => "AssessmentFactorsList",
            TableName::CINplanDates => "CINplanDates",
            TableName::Section47 => "Section47",
            TableName::ChildProtectionPlans => "ChildProtectionPlans",
            TableName::Reviews => "Reviews",
        }
    }

    pub(crate) fn layout(self) -> &'static [(&'static str, Kind)] {
        match self {
            TableName::Header => &[
                ("Collection", T),
                ("Year", T),
                ("ReferenceDate", Date),
                ("SourceLevel", T),
                ("LEA", T),
                ("SoftwareCode", T),
                ("Release", T),
                ("SerialNo", T),
                ("DateTime", Date),
            ],
            TableName::ChildIdentifiers => &[
                ("LAchildID", T),
                ("UPN", T),
                ("FormerUPN", T),
                ("UPNunknown", T),
                ("PersonBirthDate", Date),
                ("ExpectedPersonBirthDate", Date),
                ("GenderCurrent", T),
                ("Sex", T),
                ("PersonDeathDate", Date),
            ],
            TableName::ChildCharacteristics => &[("LAchildID", Child), ("Ethnicity", T)],
            TableName::Disabilities => &[("LAchildID", Child), ("Disability", T)],
            TableName::CINdetails => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("CINreferralDate", Date),
                ("ReferralSource", T),
                ("PrimaryNeedCode", T),
                ("CINclosureDate", Date),
                ("ReasonForClosure", T),
                ("DateOfInitialCPC", Date),
                ("ReferralNFA", T),
            ],
            TableName::Assessments => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("AssessmentID", Position),
                ("AssessmentActualStartDate", Date),
                ("AssessmentInternalReviewDate", Date),
                ("AssessmentAuthorisationDate", Date),
                ("AssessmentFactors", Factors),
            ],
            TableName::AssessmentFactorsList => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("AssessmentID", Position),
                ("AssessmentFactor", T),
            ],
            TableName::CINplanDates => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("CINPlanStartDate", Date),
                ("CINPlanEndDate", Date),
            ],
            TableName::Section47 => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("S47ActualStartDate", Date),
                ("InitialCPCtarget", T),
                ("DateOfInitialCPC", Date),
                ("ICPCnotRequired", T),
            ],
            TableName::ChildProtectionPlans => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("CPPID", Position),
                ("CPPstartDate", Date),
                ("CPPendDate", Date),
                ("InitialCategoryOfAbuse", T),
                ("LatestCategoryOfAbuse", T),
                ("NumberOfPreviousCPP", T),
            ],
            TableName::Reviews => &[
                ("LAchildID", Child),
                ("CINdetailsID", Position),
                ("CPPID", Position),
                ("CPPreviewDate", Date),
            ],
        }
    }

    /// The table's column names, in the published order.
    pub fn columns(self) -> impl Iterator<Item = &'static str> {
        self.layout().iter().map(|(name, _)| *name)
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column of a table, for rules: `cols::cin_details::REFERRAL_DATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub(crate) table: TableName,
    pub(crate) index: u8,
}

/// The columns rules read, by table. (The `LAchildID` of the child tables and the
/// positions are read through [`Table::key`], [`Table::cin`] and friends.)
pub mod cols {
    use super::{Col, TableName};

    const fn col(table: TableName, index: u8) -> Col {
        Col { table, index }
    }

    /// Header.
    pub mod header {
        use super::{col, Col, TableName::Header as H};
        /// `Year`.
        pub const YEAR: Col = col(H, 1);
        /// `ReferenceDate`.
        pub const REFERENCE_DATE: Col = col(H, 2);
    }

    /// ChildIdentifiers.
    pub mod child_identifiers {
        use super::{col, Col, TableName::ChildIdentifiers as C};
        /// `LAchildID`.
        pub const LA_CHILD_ID: Col = col(C, 0);
        /// `UPN`.
        pub const UPN: Col = col(C, 1);
        /// `FormerUPN`.
        pub const FORMER_UPN: Col = col(C, 2);
        /// `UPNunknown`.
        pub const UPN_UNKNOWN: Col = col(C, 3);
        /// `PersonBirthDate`.
        pub const BIRTH: Col = col(C, 4);
        /// `ExpectedPersonBirthDate`.
        pub const EXPECTED_BIRTH: Col = col(C, 5);
        /// `GenderCurrent`.
        pub const GENDER_CURRENT: Col = col(C, 6);
        /// `Sex`.
        pub const SEX: Col = col(C, 7);
        /// `PersonDeathDate`.
        pub const DEATH: Col = col(C, 8);
    }

    /// ChildCharacteristics.
    pub mod child_characteristics {
        use super::{col, Col, TableName::ChildCharacteristics as C};
        /// `Ethnicity`.
        pub const ETHNICITY: Col = col(C, 1);
    }

    /// Disabilities.
    pub mod disabilities {
        use super::{col, Col, TableName::Disabilities as D};
        /// `Disability`.
        pub const DISABILITY: Col = col(D, 1);
    }

    /// CINdetails.
    pub mod cin_details {
        use super::{col, Col, TableName::CINdetails as C};
        /// `CINreferralDate`.
        pub const REFERRAL_DATE: Col = col(C, 2);
        /// `ReferralSource`.
        pub const REFERRAL_SOURCE: Col = col(C, 3);
        /// `PrimaryNeedCode`.
        pub const PRIMARY_NEED: Col = col(C, 4);
        /// `CINclosureDate`.
        pub const CLOSURE_DATE: Col = col(C, 5);
        /// `ReasonForClosure`.
        pub const REASON_FOR_CLOSURE: Col = col(C, 6);
        /// `DateOfInitialCPC`.
        pub const INITIAL_CPC: Col = col(C, 7);
        /// `ReferralNFA`.
        pub const REFERRAL_NFA: Col = col(C, 8);
    }

    /// Assessments.
    pub mod assessments {
        use super::{col, Col, TableName::Assessments as A};
        /// `AssessmentActualStartDate`.
        pub const START: Col = col(A, 3);
        /// `AssessmentInternalReviewDate`.
        pub const INTERNAL_REVIEW: Col = col(A, 4);
        /// `AssessmentAuthorisationDate`.
        pub const AUTHORISATION: Col = col(A, 5);
    }

    /// AssessmentFactorsList.
    pub mod assessment_factors {
        use super::{col, Col, TableName::AssessmentFactorsList as A};
        /// `AssessmentFactor`.
        pub const FACTOR: Col = col(A, 3);
    }

    /// CINplanDates.
    pub mod cin_plans {
        use super::{col, Col, TableName::CINplanDates as P};
        /// `CINPlanStartDate`.
        pub const START: Col = col(P, 2);
        /// `CINPlanEndDate`.
        pub const END: Col = col(P, 3);
    }

    /// Section47.
    pub mod section47 {
        use super::{col, Col, TableName::Section47 as S};
        /// `S47ActualStartDate`.
        pub const START: Col = col(S, 2);
        /// `InitialCPCtarget`.
        pub const ICPC_TARGET: Col = col(S, 3);
        /// `DateOfInitialCPC`.
        pub const INITIAL_CPC: Col = col(S, 4);
        /// `ICPCnotRequired`.
        pub const ICPC_NOT_REQUIRED: Col = col(S, 5);
    }

    /// ChildProtectionPlans.
    pub mod cpp {
        use super::{col, Col, TableName::ChildProtectionPlans as C};
        /// `CPPstartDate`.
        pub const START: Col = col(C, 3);
        /// `CPPendDate`.
        pub const END: Col = col(C, 4);
        /// `InitialCategoryOfAbuse`.
        pub const INITIAL_CATEGORY: Col = col(C, 5);
        /// `LatestCategoryOfAbuse`.
        pub const LATEST_CATEGORY: Col = col(C, 6);
        /// `NumberOfPreviousCPP`.
        pub const PREVIOUS: Col = col(C, 7);
    }

    /// Reviews.
    pub mod reviews {
        use super::{col, Col, TableName::Reviews as R};
        /// `CPPreviewDate`.
        pub const DATE: Col = col(R, 3);
    }
}

/// A child's `LAchildID` as a number: equal ids have equal keys, and a missing id is a
/// key of its own (the reference's joins match a missing id with a missing id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub(crate) u32);

impl Key {
    /// The key of a missing `LAchildID`.
    pub const MISSING: Key = Key(0);
}

/// One table: text cells column by column, dates read once, and each row's child (its
/// position in the document), key and positions.
#[derive(Debug)]
pub struct Table {
    pub(crate) name: TableName,
    /// Per column: the cells (empty for the `Child`, `Position` and `Factors` columns).
    pub(crate) cells: Vec<Vec<Text>>,
    /// Per column: for date columns, each row's date.
    pub(crate) dates: Vec<Vec<Option<NaiveDate>>>,
    /// Each row's child: its 0-based position among the document's `Child` elements.
    pub(crate) child: Vec<u32>,
    /// Each row's child's `LAchildID`, as a key.
    pub(crate) key: Vec<Key>,
    /// `CINdetailsID`, `AssessmentID`, `CPPID` per row (0 where the table has none).
    pub(crate) cin: Vec<u32>,
    pub(crate) assessment: Vec<u32>,
    pub(crate) cpp: Vec<u32>,
    /// Assessments only: each row's factors as a range of AssessmentFactorsList rows;
    /// `None` when the assessment lists none (the reference's NaN).
    pub(crate) factors: Vec<Option<(u32, u32)>>,
}

impl Table {
    pub(crate) fn new(name: TableName) -> Table {
        let columns = name.layout().len();
        Table {
            name,
            cells: vec![Vec::new(); columns],
            dates: vec![Vec::new(); columns],
            child: Vec::new(),
            key: Vec::new(),
            cin: Vec::new(),
            assessment: Vec::new(),
            cpp: Vec::new(),
            factors: Vec::new(),
        }
    }

    /// Which table this is.
    pub fn name(&self) -> TableName {
        self.name
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.child.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.child.is_empty()
    }

    /// Row indices.
    pub fn rows(&self) -> std::ops::Range<usize> {
        0..self.len()
    }

    /// The cell's text; `None` when missing or empty.
    pub fn text(&self, row: usize, col: Col) -> Option<&str> {
        debug_assert_eq!(col.table, self.name);
        self.cells
            .get(usize::from(col.index))
            .and_then(|c| c.get(row))
            .and_then(|t| t.as_deref())
    }

    /// Whether the cell is missing (the reference's NA; for a date column, also a text
    /// that is no date).
    pub fn is_missing(&self, row: usize, col: Col) -> bool {
        if self.is_date(col) {
            self.date(row, col).is_none()
        } else {
            self.text(row, col).is_none()
        }
    }

    fn is_date(&self, col: Col) -> bool {
        self.name
            .layout()
            .get(usize::from(col.index))
            .is_some_and(|(_, kind)| *kind == Date)
    }

    /// Whether the cell's text equals `code`.
    pub fn is(&self, row: usize, col: Col, code: &str) -> bool {
        self.text(row, col) == Some(code)
    }

    /// Whether the cell's text is one of `codes`.
    pub fn is_in(&self, row: usize, col: Col, codes: &[&str]) -> bool {
        self.text(row, col).is_some_and(|t| codes.contains(&t))
    }

    /// The cell as a date; `None` when missing or not a date.
    pub fn date(&self, row: usize, col: Col) -> Option<NaiveDate> {
        debug_assert_eq!(col.table, self.name);
        self.dates
            .get(usize::from(col.index))
            .and_then(|c| c.get(row).copied().flatten())
    }

    /// The row's child: its 0-based position in the document.
    pub fn child(&self, row: usize) -> usize {
        self.child.get(row).map_or(usize::MAX, |c| *c as usize)
    }

    /// The row's child's `LAchildID` key.
    pub fn key(&self, row: usize) -> Key {
        self.key.get(row).copied().unwrap_or(Key::MISSING)
    }

    /// The row's `CINdetailsID` (0 in tables without one).
    pub fn cin(&self, row: usize) -> u32 {
        self.cin.get(row).copied().unwrap_or(0)
    }

    /// The row's `AssessmentID` (0 in tables without one).
    pub fn assessment(&self, row: usize) -> u32 {
        self.assessment.get(row).copied().unwrap_or(0)
    }

    /// The row's `CPPID` (0 in tables without one).
    pub fn cpp(&self, row: usize) -> u32 {
        self.cpp.get(row).copied().unwrap_or(0)
    }

    /// Assessments: the AssessmentFactorsList rows of the row's factors; `None` when it
    /// lists none.
    pub fn factor_rows(&self, row: usize) -> Option<std::ops::Range<usize>> {
        let (from, to) = self.factors.get(row).copied().flatten()?;
        Some(from as usize..to as usize)
    }

    /// The cell of the column named `column` as the report shows it (`None` when
    /// missing); `la_child_id` gives the child's `LAchildID` for the child tables.
    pub fn shown(&self, row: usize, column: &str, la_child_id: Option<&str>) -> Option<String> {
        let index = self.name.layout().iter().position(|(n, _)| *n == column)?;
        let kind = self.name.layout().get(index).map(|(_, k)| *k)?;
        match kind {
            T | Date => self
                .cells
                .get(index)
                .and_then(|c| c.get(row))
                .and_then(|t| t.as_deref())
                .map(str::to_owned),
            Child => la_child_id.map(str::to_owned),
            Position => Some(
                match column {
                    "CINdetailsID" => self.cin(row),
                    "AssessmentID" => self.assessment(row),
                    _ => self.cpp(row),
                }
                .to_string(),
            ),
            Factors => self
                .factor_rows(row)
                .map(|r| format!("{} factors", r.len())),
        }
    }

    pub(crate) fn push_row(&mut self, child: u32, key: Key, ids: [u32; 3], texts: &mut [Text]) {
        self.child.push(child);
        self.key.push(key);
        self.cin.push(ids[0]);
        self.assessment.push(ids[1]);
        self.cpp.push(ids[2]);
        let mut text_at = 0;
        for (i, (_, kind)) in self.name.layout().iter().enumerate() {
            if !matches!(kind, T | Date) {
                continue;
            }
            let text = texts.get_mut(text_at).and_then(Option::take);
            text_at += 1;
            if *kind == Date {
                if let Some(dates) = self.dates.get_mut(i) {
                    dates.push(text.as_deref().and_then(crate::dates::parse_iso));
                }
            }
            if let Some(cells) = self.cells.get_mut(i) {
                cells.push(text);
            }
        }
    }
}
