//! Dated events of statutory work, with coded details.
//!
//! Every coded detail uses the code of the DfE list the statutory return reads
//! (`crates/returns/data/ssda903_codes.tsv` and `cin_codes.tsv`, copied from the DfE
//! 2026-27 reference), so the
//! returns read the record straight; the labels are the DfE guidance's descriptions,
//! shortened where they are long. A test checks each list against the reference files.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::notes::WorkSpan;
use super::Problems;
use crate::child::InvolvementKind;
use crate::{ChildId, DomainError, EventId, InvolvementId};

/// A code list: (code, description).
pub type Codes = &'static [(&'static str, &'static str)];

/// CIN census `ReferralSource`.
pub const REFERRAL_SOURCE: Codes = &[
    ("1A", "Individual: family member, relative or carer"),
    (
        "1B",
        "Individual: acquaintance, including neighbours and child minders",
    ),
    ("1C", "Individual: self"),
    ("1D", "Individual: other"),
    ("2A", "Schools"),
    ("2B", "Education services"),
    ("3A", "Health services: GP"),
    ("3B", "Health services: health visitor"),
    ("3C", "Health services: school nurse"),
    ("3D", "Health services: other primary health services"),
    ("3E", "Health services: A&E"),
    ("3F", "Health services: other"),
    ("4", "Housing"),
    ("5A", "Local authority services: social care"),
    ("5B", "Local authority services: other internal"),
    ("5C", "Local authority services: external"),
    ("5D", "Early help"),
    ("6", "Police"),
    ("7", "Other legal agency"),
    ("8", "Other"),
    ("9", "Anonymous"),
    ("10", "Unknown"),
];

/// CIN census `InitialCategoryOfAbuse`.
pub const CATEGORY_OF_ABUSE: Codes = &[
    ("NEG", "Neglect"),
    ("PHY", "Physical abuse"),
    ("EMO", "Emotional abuse"),
    ("SAB", "Sexual abuse"),
    ("MUL", "Multiple categories"),
];

/// SSDA903 `LS`, legal status.
pub const LEGAL_STATUS: Codes = &[
    ("C1", "Interim care order"),
    ("C2", "Full care order"),
    ("D1", "Freeing order granted"),
    ("E1", "Placement order granted"),
    (
        "J1",
        "Remanded to local authority or youth detention accommodation",
    ),
    ("J2", "Placed in local authority accommodation under PACE"),
    (
        "J3",
        "Sentenced to a youth rehabilitation order with residence or fostering requirement",
    ),
    (
        "L1",
        "Under police protection and in local authority accommodation",
    ),
    ("L2", "Emergency protection order"),
    (
        "L3",
        "Under a child assessment order and in local authority accommodation",
    ),
    ("V2", "Single period of accommodation under section 20"),
    ("V3", "Series of short breaks, each episode recorded"),
    ("V4", "Series of short breaks, agreements recorded"),
];

/// SSDA903 `PLACE`, placement type.
pub const PLACEMENT_TYPE: Codes = &[
    ("U1", "Foster placement with relative or friend: long-term fostering"),
    ("U2", "Foster placement with relative or friend who is an approved adopter: fostering for adoption or concurrent planning"),
    ("U3", "Foster placement with relative or friend: not long-term, fostering for adoption or concurrent planning"),
    ("U4", "Foster placement with other foster carer: long-term fostering"),
    ("U5", "Foster placement with other foster carer who is an approved adopter: fostering for adoption or concurrent planning"),
    ("U6", "Foster placement with other foster carer: not long-term, fostering for adoption or concurrent planning"),
    ("A1", "Placed for adoption with consent, with current foster carer"),
    ("A2", "Placed for adoption with consent, not with current foster carer"),
    ("A3", "Placed for adoption with a placement order, with current foster carer"),
    ("A4", "Placed for adoption with a placement order, not with current foster carer"),
    ("A5", "Placed for adoption with consent: fostering for adoption or concurrent planning"),
    ("A6", "Placed for adoption with a placement order: fostering for adoption or concurrent planning"),
    ("K1", "Secure children's home"),
    ("K2", "Children's home"),
    ("K3", "Supported accommodation"),
    ("P1", "Placed with own parents or other person with parental responsibility"),
    ("P3", "Residential employment"),
    ("R1", "Residential care home"),
    ("R2", "NHS or other establishment providing medical or nursing care"),
    ("R3", "Family centre or mother and baby unit"),
    ("R5", "Young offender institution or prison"),
    ("S1", "Residential school"),
    ("T0", "Temporary placement"),
    ("T1", "Temporary period in hospital"),
    ("T2", "Temporary absence on holiday"),
    ("T3", "Temporary accommodation whilst normal foster carer unavailable"),
    ("T4", "Temporary period in another placement"),
    ("Z11", "Other placement: Z11"),
    ("Z12", "Other placement: Z12"),
    ("Z13", "Other placement: Z13"),
    ("Z14", "Other placement: Z14"),
];

/// SSDA903 `REASON_PLACE_CHANGE`.
pub const REASON_PLACE_CHANGE: Codes = &[
    ("CARPL", "Change to or carrying out of the care plan"),
    ("CHILD", "Child's wishes"),
    ("CREQB", "Carer asked, because of the child's behaviour"),
    ("CREQO", "Carer asked, for other reasons"),
    ("LAREQ", "Authority asked"),
    ("ALLEG", "Allegation under section 47"),
    ("STAND", "Concerns about the standard of care"),
    ("APPRR", "Carer's approval removed"),
    ("CLOSE", "Carer resigned or the placement closed"),
    ("CUSTOD", "Custody"),
    ("PLACE", "Change in the status of the placement only"),
    ("OTHER", "Other"),
];

/// SSDA903 `MISSING`.
pub const MISSING_TYPE: Codes = &[
    ("M", "Missing from placement"),
    ("A", "Away from placement without authorisation"),
];

/// Yes or no.
pub const YES_NO: Codes = &[("Y", "Yes"), ("N", "No")];

/// The 903's previous permanence options (`PREV_PERM`). The DfE's reference material
/// gives the codes alone: P1 to P3 are the orders the law names for a previously looked
/// after child, and P4 its last case, adoption from state care outside England and
/// Wales; Z1 is none, or not known.
pub const PREVIOUS_PERMANENCE: Codes = &[
    ("P1", "Adopted"),
    ("P2", "Special guardianship order"),
    (
        "P3",
        "Child arrangements order (or residence order) naming who the child lives with",
    ),
    ("P4", "Adopted from state care outside England and Wales"),
    ("Z1", "None, or not known"),
];

/// SSDA903 `SDQ_SCORE`: a strengths and difficulties questionnaire's total difficulties
/// score, 0 to 40.
pub const SDQ_SCORES: Codes = &[
    ("0", "0"),
    ("1", "1"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5"),
    ("6", "6"),
    ("7", "7"),
    ("8", "8"),
    ("9", "9"),
    ("10", "10"),
    ("11", "11"),
    ("12", "12"),
    ("13", "13"),
    ("14", "14"),
    ("15", "15"),
    ("16", "16"),
    ("17", "17"),
    ("18", "18"),
    ("19", "19"),
    ("20", "20"),
    ("21", "21"),
    ("22", "22"),
    ("23", "23"),
    ("24", "24"),
    ("25", "25"),
    ("26", "26"),
    ("27", "27"),
    ("28", "28"),
    ("29", "29"),
    ("30", "30"),
    ("31", "31"),
    ("32", "32"),
    ("33", "33"),
    ("34", "34"),
    ("35", "35"),
    ("36", "36"),
    ("37", "37"),
    ("38", "38"),
    ("39", "39"),
    ("40", "40"),
];

/// SSDA903 `SDQ_REASON`: why there is no strengths and difficulties score.
pub const SDQ_REASON: Codes = &[
    (
        "SDQ1",
        "Not due: under 4 or over 17 at the latest assessment",
    ),
    ("SDQ2", "The carer refused to return the questionnaire"),
    (
        "SDQ3",
        "Not possible because of the severity of the child's disability",
    ),
    ("SDQ4", "Other reason"),
    ("SDQ5", "The child or young person refused"),
];

/// SSDA903 `IN_TOUCH`: whether the authority is in touch with a care leaver around
/// their birthday.
pub const IN_TOUCH: Codes = &[
    ("YES", "In touch"),
    ("NO", "Not in touch"),
    ("REFU", "The young person refuses contact"),
    ("NREQ", "No longer needs services"),
    (
        "RHOM",
        "Returned home to their parents for six months or more",
    ),
    ("DIED", "The young person has died"),
];

/// SSDA903 `ACTIV`: a care leaver's main activity.
pub const CARE_LEAVER_ACTIVITY: Codes = &[
    ("F1", "Full-time in higher education"),
    ("P1", "Part-time in higher education"),
    ("F2", "Full-time in other education"),
    ("P2", "Part-time in other education"),
    ("F4", "Full-time apprenticeship"),
    ("P4", "Part-time apprenticeship"),
    ("F5", "Full-time training or employment"),
    ("P5", "Part-time training or employment"),
    (
        "G4",
        "Not in education, employment or training: illness or disability",
    ),
    (
        "G5",
        "Not in education, employment or training: other reasons",
    ),
    (
        "G6",
        "Not in education, employment or training: pregnancy or parenting",
    ),
    ("0", "Not known (not in touch)"),
];

/// SSDA903 `ACCOM`: where a care leaver lives (the letter) and whether it suits them
/// (1 suitable, 2 not).
pub const CARE_LEAVER_ACCOMMODATION: Codes = &[
    ("B1", "With parents or relatives: suitable"),
    ("B2", "With parents or relatives: not suitable"),
    ("C1", "Community home or other residential care: suitable"),
    (
        "C2",
        "Community home or other residential care: not suitable",
    ),
    (
        "D1",
        "Semi-independent or transitional accommodation: suitable",
    ),
    (
        "D2",
        "Semi-independent or transitional accommodation: not suitable",
    ),
    ("E1", "Supported lodgings: suitable"),
    ("E2", "Supported lodgings: not suitable"),
    ("G1", "Gone abroad: suitable"),
    ("G2", "Gone abroad: not suitable"),
    ("H1", "Deported: suitable"),
    ("H2", "Deported: not suitable"),
    ("K1", "Ordinary lodgings without formal support: suitable"),
    (
        "K2",
        "Ordinary lodgings without formal support: not suitable",
    ),
    ("R1", "Residence not known: suitable"),
    ("R2", "Residence not known: not suitable"),
    ("S2", "No fixed abode or homeless: not suitable"),
    ("T1", "Foyer or similar supported accommodation: suitable"),
    (
        "T2",
        "Foyer or similar supported accommodation: not suitable",
    ),
    ("U1", "Independent living: suitable"),
    ("U2", "Independent living: not suitable"),
    ("V1", "Emergency accommodation: suitable"),
    ("V2", "Emergency accommodation: not suitable"),
    ("W1", "Bed and breakfast: suitable"),
    ("W2", "Bed and breakfast: not suitable"),
    ("X2", "In custody: not suitable"),
    ("Y1", "Other accommodation: suitable"),
    ("Y2", "Other accommodation: not suitable"),
    ("Z1", "With former foster carers (staying put): suitable"),
    (
        "Z2",
        "With former foster carers (staying put): not suitable",
    ),
    ("0", "Not known (not in touch)"),
];

/// SSDA903 `REASON_PLACED_CEASED`: why a child should no longer be placed for adoption.
pub const REASON_PLACED_CEASED: Codes = &[
    ("RD1", "The child's needs changed after the decision"),
    ("RD2", "The court did not make a placement order"),
    ("RD3", "Prospective adopters could not be found"),
    ("RD4", "Any other reason"),
];

/// SSDA903 `SEX_ADOPTR`: who is adopting (the number of adopters, `NB_ADOPTR`, follows).
pub const ADOPTERS: Codes = &[
    ("M1", "A single man"),
    ("F1", "A single woman"),
    ("MM", "Two men"),
    ("FF", "Two women"),
    ("MF", "A man and a woman"),
];

/// SSDA903 `LS_ADOPTR`: the adopters' legal status.
pub const ADOPTERS_STATUS: Codes = &[
    ("L0", "Single adopter"),
    ("L11", "Married couple of different sexes"),
    ("L12", "Married couple of the same sex"),
    ("L2", "Civil partners"),
    ("L3", "Unmarried couple of different sexes"),
    ("L4", "Unmarried couple of the same sex"),
];

/// SSDA903 `CIN`, the category of need when care starts (also the CIN census
/// `PrimaryNeedCode`).
pub const CATEGORY_OF_NEED: Codes = &[
    ("N1", "Abuse or neglect"),
    ("N2", "Child's disability"),
    ("N3", "Parental illness or disability"),
    ("N4", "Family in acute stress"),
    ("N5", "Family dysfunction"),
    ("N6", "Socially unacceptable behaviour"),
    ("N7", "Low income"),
    ("N8", "Absent parenting"),
];

/// SSDA903 `PLACE_PROVIDER`.
pub const PLACEMENT_PROVIDER: Codes = &[
    (
        "PR0",
        "Parents or other person with parental responsibility",
    ),
    ("PR1", "Own provision (by the authority)"),
    ("PR2", "Other local authority provision"),
    ("PR3", "Other public provision"),
    ("PR4", "Private provision"),
    ("PR5", "Voluntary or third sector provision"),
];

/// SSDA903 `REC`, why a period of care ended (X1, an episode ending because another
/// begins, is written by the return itself, never recorded).
pub const REASON_CEASED: Codes = &[
    ("E11", "Adopted: application for an adoption order unopposed"),
    ("E12", "Adopted: consent dispensed with by the court"),
    ("E2", "Died"),
    ("E3", "Care taken over by another local authority in the UK"),
    ("E4A", "Returned home to parents or others with parental responsibility, as part of the care plan"),
    ("E4B", "Returned home to parents or others with parental responsibility, not as part of the care plan"),
    ("E13", "Left care to live with parents, relatives or others without parental responsibility"),
    ("E41", "Child arrangements order (residence) granted"),
    ("E45", "Special guardianship order to former foster carers who are relatives or friends"),
    ("E46", "Special guardianship order to former foster carers, not relatives or friends"),
    ("E47", "Special guardianship order to carers who are relatives or friends, not former foster carers"),
    ("E48", "Special guardianship order to other carers, not former foster carers"),
    ("E5", "Moved into independent living with supportive accommodation"),
    ("E6", "Moved into independent living without formalised support"),
    ("E7", "Transferred to residential care funded by adult social care"),
    ("E9", "Sentenced to custody"),
    ("E14", "Accommodation on remand ended"),
    ("E15", "Age assessment found the child to be 18 or over"),
    ("E16", "Child moved abroad"),
    ("E17", "Aged 18 or over and remained with current carers (staying put)"),
    ("E8", "Care ceased for any other reason"),
];

/// SSDA903 `REVIEW_CODE`, how the child took part in a looked-after review.
pub const REVIEW_PARTICIPATION: Codes = &[
    ("PN0", "Child aged under 4 at the time of the review"),
    ("PN1", "Attended and spoke for themselves"),
    ("PN2", "Attended and an advocate spoke for them"),
    (
        "PN3",
        "Attended and conveyed their view symbolically (non-verbally)",
    ),
    (
        "PN4",
        "Attended but did not speak, convey their view or ask an advocate to",
    ),
    (
        "PN5",
        "Did not attend, but briefed an advocate to speak for them",
    ),
    (
        "PN6",
        "Did not attend, but conveyed their feelings by a facilitative medium",
    ),
    ("PN7", "Did not attend, nor were their views conveyed"),
];

/// CIN census `AssessmentFactors`: the parental or child factors identified at an
/// assessment (the DfE guidance's descriptions, shortened). "21" stands alone.
pub const ASSESSMENT_FACTORS: Codes = &[
    ("1A", "Alcohol misuse: concerns about the child"),
    ("1B", "Alcohol misuse: concerns about a parent or carer"),
    (
        "1C",
        "Alcohol misuse: concerns about another person in the household",
    ),
    ("2A", "Drug misuse: concerns about the child"),
    ("2B", "Drug misuse: concerns about a parent or carer"),
    (
        "2C",
        "Drug misuse: concerns about another person in the household",
    ),
    ("3A", "Domestic abuse: concerns about the child"),
    ("3B", "Domestic abuse: concerns about a parent or carer"),
    (
        "3C",
        "Domestic abuse: concerns about another person in the household",
    ),
    ("4A", "Mental health: concerns about the child"),
    ("4B", "Mental health: concerns about a parent or carer"),
    (
        "4C",
        "Mental health: concerns about another person in the household",
    ),
    ("5A", "Learning disability: concerns about the child"),
    (
        "5B",
        "Learning disability: concerns about a parent or carer",
    ),
    (
        "5C",
        "Learning disability: concerns about another person in the household",
    ),
    (
        "6A",
        "Physical disability or illness: concerns about the child",
    ),
    (
        "6B",
        "Physical disability or illness: concerns about a parent or carer",
    ),
    (
        "6C",
        "Physical disability or illness: concerns about another person in the household",
    ),
    ("7A", "Young carer"),
    (
        "8B",
        "Privately fostered: overseas child intending to return home",
    ),
    ("8C", "Privately fostered: overseas child intending to stay"),
    (
        "8D",
        "Privately fostered: UK child in an educational placement",
    ),
    (
        "8E",
        "Privately fostered: UK child in an alternative family arrangement",
    ),
    ("8F", "Privately fostered: other"),
    ("9A", "Unaccompanied asylum-seeking child"),
    ("10A", "Going missing"),
    ("11A", "Child sexual exploitation"),
    ("12A", "Trafficking"),
    ("13A", "Gangs"),
    ("14A", "Socially unacceptable behaviour"),
    ("15A", "Self-harm"),
    ("16A", "Abuse or neglect: neglect"),
    ("17A", "Abuse or neglect: emotional abuse"),
    ("18B", "Abuse or neglect: physical abuse, child on child"),
    ("18C", "Abuse or neglect: physical abuse, adult on child"),
    ("19B", "Abuse or neglect: sexual abuse, child on child"),
    ("19C", "Abuse or neglect: sexual abuse, adult on child"),
    ("20", "Female genital mutilation"),
    ("21", "No factors identified"),
    ("22A", "Faith or belief linked abuse"),
    ("23A", "Child criminal exploitation"),
    ("24A", "Other"),
];

/// One coded detail an event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Its name (the form field and the stored key).
    pub name: &'static str,
    /// The question the form asks.
    pub label: &'static str,
    /// The allowed codes.
    pub codes: Codes,
    /// Whether the form must have an answer (an optional detail may be added later,
    /// e.g. once a placement's provider is known; the statutory return flags it until then).
    pub required: bool,
    /// Typed in rather than chosen from `codes` (which is then empty), and what it is.
    pub typed: Option<Typed>,
    /// Several codes may be chosen (stored in the list's order, separated by spaces).
    pub many: bool,
}

/// What a detail typed in is: each checked and written one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// A full UK postcode, written "AB1 2CD".
    Postcode,
    /// An Ofsted unique reference number (see [`ofsted_urn`]).
    OfstedUrn,
    /// A local authority's DfE code, or WAL, SCO, NIR or NUK ([`LOCAL_AUTHORITY_CODES`]).
    LocalAuthority,
    /// A date whose day, or day and month, may not be known ([`partial_date`]).
    PartialDate,
}

impl Typed {
    /// The form's hint.
    pub fn hint(self) -> &'static str {
        match self {
            Typed::Postcode => "For example, NM1 4AB",
            Typed::OfstedUrn => "SC and six digits, like SC123456, or seven digits",
            Typed::LocalAuthority => "The DfE's three-digit code, like 886; WAL for Wales, SCO for Scotland, NIR for Northern Ireland, NUK outside the UK",
            Typed::PartialDate => "DD/MM/YYYY, for example 14/06/2015; ZZ for a day or month not known, like ZZ/06/2015",
        }
    }

    /// The value as stored, or the problem with `text` (`label` names the question).
    pub fn read(self, text: &str, label: &str) -> Result<String, String> {
        let text = text.trim();
        let value = match self {
            Typed::Postcode => crate::identifiers::Postcode::parse(text)
                .ok()
                .map(|pc| pc.as_str().to_owned()),
            Typed::OfstedUrn => ofsted_urn(text),
            Typed::LocalAuthority => {
                let code = text.to_ascii_uppercase();
                LOCAL_AUTHORITY_CODES
                    .contains(&code.as_str())
                    .then_some(code)
            }
            Typed::PartialDate => partial_date(text).map(|p| p.text),
        };
        value.ok_or_else(|| match self {
            Typed::Postcode => format!(
                "Enter the {} as a full UK postcode, like NM1 4AB",
                label.to_lowercase()
            ),
            Typed::OfstedUrn => "Enter the Ofsted unique reference number as SC and six digits, like SC123456, or seven digits".to_owned(),
            Typed::LocalAuthority => "Enter the local authority's three-digit DfE code, like 886, or WAL, SCO, NIR or NUK".to_owned(),
            Typed::PartialDate => "Enter the date of the order as DD/MM/YYYY, with ZZ for a day or month not known, like ZZ/06/2015".to_owned(),
        })
    }
}

/// The local authority codes the 903 accepts where an order was made (`LA_PERM`): the
/// DfE's three-digit codes of English authorities, 999 (not known), WAL (Wales), SCO
/// (Scotland), NIR (Northern Ireland) and NUK (outside the UK).
pub const LOCAL_AUTHORITY_CODES: &[&str] = &[
    "800", "889", "822", "301", "304", "303", "330", "825", "837", "302", "846", "370", "350",
    "890", "867", "380", "305", "801", "351", "873", "823", "895", "896", "381", "909", "202",
    "908", "331", "306", "841", "830", "831", "878", "371", "835", "332", "840", "307", "308",
    "811", "881", "845", "390", "916", "203", "876", "850", "311", "204", "884", "312", "205",
    "313", "805", "919", "310", "309", "420", "921", "206", "207", "886", "810", "382", "314",
    "340", "888", "208", "856", "383", "855", "209", "925", "341", "201", "821", "352", "806",
    "887", "826", "315", "929", "812", "391", "926", "892", "813", "802", "928", "891", "392",
    "316", "815", "353", "931", "879", "836", "851", "874", "807", "354", "317", "870", "318",
    "372", "857", "333", "935", "343", "803", "373", "342", "893", "356", "355", "871", "394",
    "334", "933", "882", "936", "861", "852", "319", "860", "808", "393", "866", "210", "357",
    "894", "883", "880", "358", "211", "937", "869", "320", "359", "865", "384", "335", "336",
    "212", "868", "872", "885", "344", "877", "213", "938", "816", "999", "WAL", "SCO", "NUK",
    "NIR",
];

/// A date as the 903 writes a previous permanence order's: `DD/MM/YYYY` with `ZZ` for
/// a day, or a day and month, not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialDate {
    /// As written, e.g. `ZZ/06/2015`.
    pub text: String,
    /// The latest day it can be (a month's last day; a year's 31 December).
    pub latest: NaiveDate,
}

/// Reads a [`PartialDate`], or `None`.
pub fn partial_date(text: &str) -> Option<PartialDate> {
    let text = text.trim().to_ascii_uppercase();
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let year: i32 = year.parse().ok().filter(|y| (1900..=9999).contains(y))?;
    let number = |part: &str| -> Option<u32> {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let latest = match (day, month) {
        ("ZZ", "ZZ") => NaiveDate::from_ymd_opt(year, 12, 31)?,
        ("ZZ", m) => {
            let first = NaiveDate::from_ymd_opt(year, number(m)?, 1)?;
            first
                .checked_add_months(chrono::Months::new(1))?
                .pred_opt()?
        }
        (d, m) => NaiveDate::from_ymd_opt(year, number(m)?, number(d)?)?,
    };
    Some(PartialDate { text, latest })
}

impl Detail {
    /// The description of `code`, if it is one of this detail's codes.
    pub fn describe(&self, code: &str) -> Option<&'static str> {
        self.codes.iter().find(|(c, _)| *c == code).map(|(_, d)| *d)
    }
}

macro_rules! event_kinds {
    ($( $variant:ident => $code:literal, $label:literal,
        [$($work:ident),*], [$($detail:expr),*]; )*) => {
        /// What kind of event.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum EventKind { $(
            #[doc = $label]
            $variant,
        )* }

        impl EventKind {
            /// Every kind, in the order the form offers them.
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant),*];

            /// Stored code.
            pub fn code(self) -> &'static str {
                match self { $(EventKind::$variant => $code,)* }
            }

            /// How a person would say it.
            pub fn label(self) -> &'static str {
                match self { $(EventKind::$variant => $label,)* }
            }

            /// The kinds of work it can be filed under.
            pub fn filed_under(self) -> &'static [InvolvementKind] {
                match self { $(EventKind::$variant => &[$(InvolvementKind::$work),*],)* }
            }

            /// The coded details it carries.
            pub fn details(self) -> &'static [Detail] {
                match self { $(EventKind::$variant => { const D: &[Detail] = &[$($detail),*]; D })* }
            }
        }
    };
}

const fn detail(name: &'static str, label: &'static str, codes: Codes) -> Detail {
    Detail {
        name,
        label,
        codes,
        required: true,
        typed: None,
        many: false,
    }
}

const fn optional(name: &'static str, label: &'static str, codes: Codes) -> Detail {
    Detail {
        required: false,
        ..detail(name, label, codes)
    }
}

/// An optional detail of several codes.
const fn many(name: &'static str, label: &'static str, codes: Codes) -> Detail {
    Detail {
        many: true,
        ..optional(name, label, codes)
    }
}

/// An optional Ofsted unique reference number.
const fn urn(name: &'static str, label: &'static str) -> Detail {
    Detail {
        required: false,
        ..typed(name, label, Typed::OfstedUrn)
    }
}

/// An Ofsted unique reference number as the 903 writes it, upper-cased: `SC` and six
/// digits (children's homes, fostering and adoption agencies), seven digits (newer
/// registrations), or `XXXXXXX` (a regional adoption agency); `None` for anything else.
pub fn ofsted_urn(text: &str) -> Option<String> {
    let urn = text.trim().to_ascii_uppercase();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let valid = urn == "XXXXXXX"
        || digits(&urn, 7)
        || urn.strip_prefix("SC").is_some_and(|rest| digits(rest, 6));
    valid.then_some(urn)
}

/// An optional postcode.
const fn postcode(name: &'static str, label: &'static str) -> Detail {
    Detail {
        required: false,
        ..typed(name, label, Typed::Postcode)
    }
}

/// A detail typed in as `typed`, needed where the event's other answers call for it.
const fn typed(name: &'static str, label: &'static str, typed: Typed) -> Detail {
    Detail {
        typed: Some(typed),
        ..detail(name, label, &[])
    }
}

event_kinds! {
    Contact => "contact", "Contact",
        [EarlyHelp, Referral, DisabledChildren], [detail("source", "Who made contact", REFERRAL_SOURCE)];
    ReferralDecision => "referral-decision", "Decision on the referral",
        [Referral], [detail("nfa", "No further action?", YES_NO),
                     optional("need", "Primary need (if further action)", CATEGORY_OF_NEED)];
    AssessmentStarted => "assessment-started", "Assessment started",
        [EarlyHelp, Referral, ChildInNeed, ChildProtection, DisabledChildren], [];
    AssessmentCompleted => "assessment-completed", "Assessment completed and authorised",
        [EarlyHelp, Referral, ChildInNeed, ChildProtection, DisabledChildren],
        [optional("need", "Primary need", CATEGORY_OF_NEED),
         many("factors", "Factors identified at the assessment", ASSESSMENT_FACTORS)];
    StrategyDiscussion => "strategy-discussion", "Strategy discussion",
        [Referral, ChildInNeed, ChildProtection, LookedAfter],
        [detail("s47", "Were section 47 enquiries started?", YES_NO)];
    InitialConference => "initial-conference", "Initial child protection conference",
        [Referral, ChildInNeed, ChildProtection],
        [detail("plan", "Was a child protection plan made?", YES_NO),
         detail("category", "Category of abuse (if a plan was made)", CATEGORY_OF_ABUSE)];
    ReviewConference => "review-conference", "Child protection review conference",
        [ChildProtection], [];
    LegalStatus => "legal-status", "Legal status changed",
        [LookedAfter], [detail("ls", "Legal status", LEGAL_STATUS),
                        optional("need", "Category of need (when care starts)", CATEGORY_OF_NEED)];
    PlacementStarted => "placement-started", "Placement started",
        [LookedAfter], [detail("place", "Placement type", PLACEMENT_TYPE),
                        optional("provider", "Placement provider", PLACEMENT_PROVIDER),
                        postcode("postcode", "Placement postcode"),
                        urn("urn", "Ofsted unique reference number (registered placements)")];
    PlacementEnded => "placement-ended", "Placement ended",
        [LookedAfter], [detail("reason", "Why the placement ended", REASON_PLACE_CHANGE)];
    LookedAfterReview => "cla-review", "Looked-after review",
        [LookedAfter], [optional("participation", "How the child took part", REVIEW_PARTICIPATION)];
    CeasedLookedAfter => "ceased-looked-after", "Ceased to be looked after",
        [LookedAfter], [detail("rec", "Why care ended", REASON_CEASED)];
    Missing => "missing", "Missing or away from placement",
        [ChildInNeed, ChildProtection, LookedAfter, CareLeaver],
        [detail("missing", "Missing or away?", MISSING_TYPE)];
    MissingEnded => "missing-ended", "Back after being missing or away",
        [ChildInNeed, ChildProtection, LookedAfter, CareLeaver],
        [optional("interview-offered", "Was a return interview offered?", YES_NO),
         optional("interview-accepted", "Did the child accept it?", YES_NO)];
    HealthAssessment => "health-assessment", "Health assessment",
        [LookedAfter], [];
    SdqScored => "sdq-scored", "Strengths and difficulties questionnaire scored",
        [LookedAfter], [detail("score", "Total difficulties score", SDQ_SCORES)];
    SdqNotScored => "sdq-not-scored", "Strengths and difficulties questionnaire not scored",
        [LookedAfter], [detail("reason", "Why not", SDQ_REASON)];
    ImmunisationsChecked => "immunisations-checked", "Immunisations checked",
        [LookedAfter], [detail("up-to-date", "Are they up to date?", YES_NO)];
    DevelopmentReview => "development-review", "Development review (under fives)",
        [LookedAfter], [];
    SubstanceMisuse => "substance-misuse", "Substance misuse problem identified",
        [LookedAfter], [detail("intervention-received", "Did they receive an intervention?", YES_NO),
                        optional("intervention-offered", "If not, was one offered?", YES_NO)];
    Convicted => "convicted", "Convicted, or given a final warning or reprimand",
        [LookedAfter], [];
    DentalCheck => "dental-check", "Dental check",
        [LookedAfter], [];
    PepMeeting => "pep-meeting", "Personal education plan meeting",
        [LookedAfter, VirtualSchool], [];
    PathwayPlanMade => "pathway-plan-made", "Pathway plan made",
        [LookedAfter, CareLeaver], [];
    PathwayPlanReview => "pathway-plan-review", "Pathway plan reviewed",
        [LookedAfter, CareLeaver], [];
    CareLeaverContact => "care-leaver-contact", "Care leaver: in touch, activity and accommodation",
        [CareLeaver], [detail("in-touch", "In touch?", IN_TOUCH),
                       optional("activity", "Main activity", CARE_LEAVER_ACTIVITY),
                       optional("accommodation", "Accommodation", CARE_LEAVER_ACCOMMODATION)];
    AdoptionDecision => "adoption-decision", "Decision that the child should be placed for adoption",
        [LookedAfter], [];
    AdoptionDecisionReversed => "adoption-decision-reversed",
        "Decision that the child should no longer be placed for adoption",
        [LookedAfter], [detail("reason", "Why the decision changed", REASON_PLACED_CEASED)];
    AdoptionMatched => "adoption-matched", "Matched with prospective adopters",
        [LookedAfter], [detail("adopters", "Who is adopting", ADOPTERS),
                        detail("status", "The adopters' legal status", ADOPTERS_STATUS),
                        detail("foster-carers", "Are they the child's foster carers?", YES_NO)];
    LibertyDeprived => "dolo-started", "Deprivation of liberty order made",
        [LookedAfter], [];
    LibertyDeprivedEnded => "dolo-ended", "Deprivation of liberty order ended",
        [LookedAfter], [];
    ShortBreak => "short-break", "Short break",
        [DisabledChildren], [];
    PreviousPermanence => "previous-permanence", "Permanence before this care (adoption, special guardianship or a child arrangements order)",
        [LookedAfter], [detail("option", "Was the child adopted, or under a special guardianship or child arrangements order, before this care began?", PREVIOUS_PERMANENCE),
                        typed("la", "Local authority that arranged it (if there was one)", Typed::LocalAuthority),
                        typed("date", "Date of the order (if there was one)", Typed::PartialDate)];
}

impl EventKind {
    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code)
            .ok_or_else(|| DomainError::invalid("event", format!("unknown event {code:?}")))
    }
}

/// An event as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    /// The piece of work.
    pub involvement: Option<InvolvementId>,
    /// What happened.
    pub kind: Option<EventKind>,
    /// When.
    pub occurred_on: Option<NaiveDate>,
    /// Coded details by name (blank values are left out).
    pub details: BTreeMap<String, String>,
}

/// A checked event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The piece of work.
    pub involvement: InvolvementId,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub occurred_on: NaiveDate,
    /// Its coded details: only the kind's, each a code of its list.
    pub details: BTreeMap<String, String>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Its id.
    pub id: EventId,
    /// Whose record.
    pub child: ChildId,
    /// The piece of work.
    pub involvement: InvolvementId,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub occurred_on: NaiveDate,
    /// Coded details.
    pub details: BTreeMap<String, String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl Event {
    /// The code of detail `name`, if recorded.
    pub fn detail(&self, name: &str) -> Option<&str> {
        self.details.get(name).map(String::as_str)
    }

    /// The codes of a detail of several codes (or of one), in the order stored.
    pub fn codes(&self, name: &str) -> impl Iterator<Item = &str> {
        self.detail(name)
            .into_iter()
            .flat_map(str::split_whitespace)
    }

    /// Whether yes/no detail `name` was answered yes.
    pub fn yes(&self, name: &str) -> bool {
        self.detail(name) == Some("Y")
    }

    /// The details in words, e.g. "Placement type: Children's home".
    pub fn describe_details(&self) -> Vec<String> {
        self.kind
            .details()
            .iter()
            .filter_map(|d| {
                let code = self.details.get(d.name)?;
                let words = if d.many {
                    self.codes(d.name)
                        .map(|c| d.describe(c).unwrap_or(c))
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    d.describe(code).unwrap_or(code).to_owned()
                };
                Some(format!("{}: {words}", d.label.trim_end_matches('?')))
            })
            .collect()
    }
}

/// Checks an event: every problem at once. `work` is the child's pieces of work with
/// their kinds; every detail the kind carries must be answered, except where it is
/// marked "(if ...)" and its condition does not hold.
pub fn check_event(
    input: EventInput,
    work: &[(WorkSpan, InvolvementKind)],
    today: NaiveDate,
) -> Result<NewEvent, Problems> {
    let mut problems = Problems::new();
    let span = input
        .involvement
        .and_then(|id| work.iter().find(|(w, _)| w.id == id));
    match (span, input.kind) {
        (None, _) => problems.add("involvement", "Select the piece of work this is about"),
        (Some((_, work_kind)), Some(kind)) if !kind.filed_under().contains(work_kind) => problems
            .add(
                "involvement",
                format!(
                    "{} cannot be recorded under {}",
                    kind.label(),
                    work_kind.label().to_lowercase()
                ),
            ),
        _ => {}
    }
    if input.kind.is_none() {
        problems.add("kind", "Select what happened");
    }
    match input.occurred_on {
        None => problems.add("occurred", "Enter the date it happened"),
        Some(day) if day > today => problems.add(
            "occurred",
            "The date it happened must be today or in the past",
        ),
        Some(day) => {
            if let Some((w, _)) = span {
                if day < w.start {
                    problems.add(
                        "occurred",
                        format!(
                            "The date it happened must be on or after the work started on {}",
                            w.start.format("%-d %B %Y")
                        ),
                    );
                }
            }
        }
    }
    let mut details = BTreeMap::new();
    if let Some(kind) = input.kind {
        for d in kind.details() {
            let given = input
                .details
                .get(d.name)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty());
            let answer = |name: &str| input.details.get(name).map(|v| v.trim());
            let applies = match (kind, d.name) {
                (EventKind::InitialConference, "category") => answer("plan") == Some("Y"),
                // An order's authority and date, when there was one.
                (EventKind::PreviousPermanence, "la" | "date") => {
                    answer("option").is_some_and(|o| !o.is_empty() && o != "Z1")
                }
                _ => true,
            };
            let needed = d.required && applies;
            if let Some(typed) = d.typed {
                match given.map(|g| typed.read(g, d.label)) {
                    Some(Ok(value)) if applies => {
                        details.insert(d.name.to_owned(), value);
                    }
                    Some(Ok(_)) => {}
                    Some(Err(problem)) => problems.add(d.name, problem),
                    None if needed => {
                        let what = d.label.split(" (").next().unwrap_or(d.label);
                        problems.add(d.name, format!("Enter the {}", what.to_lowercase()));
                    }
                    None => {}
                }
                continue;
            }
            if d.many {
                if let Some(given) = given {
                    match several_codes(d, given) {
                        Ok(codes) => {
                            details.insert(d.name.to_owned(), codes);
                        }
                        Err(problem) => problems.add(d.name, problem),
                    }
                }
                continue;
            }
            match given {
                Some(code) if d.describe(code).is_some() && applies => {
                    details.insert(d.name.to_owned(), code.to_owned());
                }
                Some(code) if d.describe(code).is_some() => {}
                Some(_) => problems.add(d.name, format!("Select {}", d.label.to_lowercase())),
                None if needed => problems.add(
                    d.name,
                    format!("Select an answer: {}", d.label.to_lowercase()),
                ),
                None => {}
            }
        }
    }
    // An order before this care is from before it began.
    if let (Some((w, _)), Some(order)) = (span, details.get("date").and_then(|d| partial_date(d))) {
        if input.kind == Some(EventKind::PreviousPermanence) && order.latest >= w.start {
            problems.add(
                "date",
                format!(
                    "The date of the order must be before this care began on {}",
                    w.start.format("%-d %B %Y")
                ),
            );
        }
    }
    let (Some((w, _)), Some(kind), Some(occurred_on)) = (span, input.kind, input.occurred_on)
    else {
        return Err(problems);
    };
    problems.or(NewEvent {
        involvement: w.id,
        kind,
        occurred_on,
        details,
    })
}

/// The codes given for a detail of several (separated by spaces or commas), checked
/// and written in the list's order; "21" (no factors identified) only on its own.
fn several_codes(d: &Detail, given: &str) -> Result<String, String> {
    let given: Vec<&str> = given
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(unknown) = given.iter().find(|c| d.describe(c).is_none()) {
        return Err(format!(
            "{unknown:?} is not one of the {}",
            d.label.to_lowercase()
        ));
    }
    if given.len() > 1 && given.contains(&"21") && d.codes == ASSESSMENT_FACTORS {
        return Err("\"No factors identified\" cannot be chosen with other factors".to_owned());
    }
    Ok(d.codes
        .iter()
        .filter(|(c, _)| given.contains(c))
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn work() -> Vec<(WorkSpan, InvolvementKind)> {
        vec![
            (
                WorkSpan {
                    id: InvolvementId(1),
                    start: day(2026, 1, 5),
                    end: None,
                },
                InvolvementKind::Referral,
            ),
            (
                WorkSpan {
                    id: InvolvementId(2),
                    start: day(2026, 2, 1),
                    end: None,
                },
                InvolvementKind::LookedAfter,
            ),
        ]
    }

    fn input(involvement: i64, kind: EventKind, details: &[(&str, &str)]) -> EventInput {
        EventInput {
            involvement: Some(InvolvementId(involvement)),
            kind: Some(kind),
            occurred_on: Some(day(2026, 3, 3)),
            details: details
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn a_placement_with_its_type_is_accepted() {
        let e = check_event(
            input(2, EventKind::PlacementStarted, &[("place", "K2")]),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap();
        assert_eq!(e.details.get("place").map(String::as_str), Some("K2"));
    }

    #[test]
    fn a_placement_keeps_its_optional_provider_and_postcode_written_properly() {
        let e = check_event(
            input(
                2,
                EventKind::PlacementStarted,
                &[
                    ("place", "K2"),
                    ("provider", "PR4"),
                    ("postcode", " nm14ab "),
                ],
            ),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap();
        assert_eq!(e.details.get("provider").map(String::as_str), Some("PR4"));
        assert_eq!(
            e.details.get("postcode").map(String::as_str),
            Some("NM1 4AB")
        );
        let p = check_event(
            input(
                2,
                EventKind::PlacementStarted,
                &[("place", "K2"), ("postcode", "NM1")],
            ),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap_err();
        assert_eq!(
            p.of("postcode"),
            Some("Enter the placement postcode as a full UK postcode, like NM1 4AB")
        );
        assert_eq!(p.of("provider"), None, "optional");
    }

    #[test]
    fn permanence_before_care_needs_the_order_s_authority_and_date_unless_there_was_none() {
        let today = day(2026, 11, 23);
        let check = |details: &[(&str, &str)]| {
            check_event(
                input(2, EventKind::PreviousPermanence, details),
                &work(),
                today,
            )
        };
        let e = check(&[("option", "P2"), ("la", "886"), ("date", "zz/06/2015")]).unwrap();
        assert_eq!(
            e.details.get("date").map(String::as_str),
            Some("ZZ/06/2015")
        );
        assert_eq!(e.details.get("la").map(String::as_str), Some("886"));
        // None: nothing else asked, and what was typed is not kept (rule 635).
        let e = check(&[("option", "Z1"), ("la", "886")]).unwrap();
        assert_eq!(e.details.len(), 1, "{:?}", e.details);
        // An order needs both; a code not on the DfE's list, a date that is no date.
        let p = check(&[("option", "P1")]).unwrap_err();
        assert!(p.of("la").is_some() && p.of("date").is_some());
        let p = check(&[("option", "P1"), ("la", "123"), ("date", "31/02/2015")]).unwrap_err();
        assert!(
            p.of("la").is_some_and(|m| m.contains("three-digit")),
            "{p:?}"
        );
        assert!(
            p.of("date").is_some_and(|m| m.contains("DD/MM/YYYY")),
            "{p:?}"
        );
        // The order is from before this care (which began on 1 February 2026): a day
        // not known is read as the month's last.
        let p = check(&[("option", "P3"), ("la", "SCO"), ("date", "ZZ/02/2026")]).unwrap_err();
        assert!(
            p.of("date").is_some_and(|m| m.contains("before this care")),
            "{p:?}"
        );
        assert!(check(&[("option", "P3"), ("la", "SCO"), ("date", "ZZ/01/2026")]).is_ok());
    }

    #[test]
    fn partial_dates_are_read_with_their_latest_day() {
        let latest = |t: &str| partial_date(t).map(|p| p.latest);
        assert_eq!(latest("14/06/2015"), Some(day(2015, 6, 14)));
        assert_eq!(latest("ZZ/02/2024"), Some(day(2024, 2, 29)));
        assert_eq!(latest("ZZ/ZZ/2015"), Some(day(2015, 12, 31)));
        for bad in [
            "",
            "14/6/2015",
            "14/ZZ/2015",
            "ZZ/13/2015",
            "14/06/15",
            "14/06/2015/1",
        ] {
            assert_eq!(partial_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn an_unknown_code_is_refused_by_field() {
        let p = check_event(
            input(2, EventKind::PlacementStarted, &[("place", "H5")]),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap_err();
        assert!(p.of("place").is_some());
    }

    #[test]
    fn an_event_must_be_filed_under_its_kind_of_work() {
        let p = check_event(
            input(1, EventKind::LookedAfterReview, &[]),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap_err();
        assert!(p
            .of("involvement")
            .is_some_and(|m| m.contains("referral and assessment")));
    }

    #[test]
    fn the_category_is_needed_only_when_a_plan_was_made() {
        let e = check_event(
            input(
                1,
                EventKind::InitialConference,
                &[("plan", "N"), ("category", "NEG")],
            ),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap();
        assert!(!e.details.contains_key("category"));
        let p = check_event(
            input(1, EventKind::InitialConference, &[("plan", "Y")]),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap_err();
        assert!(p.of("category").is_some());
    }

    #[test]
    fn factors_are_several_codes_in_the_lists_order() {
        let e = check_event(
            input(
                1,
                EventKind::AssessmentCompleted,
                &[("factors", "3B 1B,16A"), ("need", "N1")],
            ),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap();
        assert_eq!(
            e.details.get("factors").map(String::as_str),
            Some("1B 3B 16A")
        );
        assert_eq!(e.details.get("need").map(String::as_str), Some("N1"));
        for bad in ["1B 99Z", "21 3B"] {
            let p = check_event(
                input(1, EventKind::AssessmentCompleted, &[("factors", bad)]),
                &work(),
                day(2026, 11, 23),
            )
            .unwrap_err();
            assert!(p.of("factors").is_some(), "{bad}");
        }
        let alone = check_event(
            input(1, EventKind::AssessmentCompleted, &[("factors", "21")]),
            &work(),
            day(2026, 11, 23),
        )
        .unwrap();
        assert_eq!(alone.details.get("factors").map(String::as_str), Some("21"));
    }

    #[test]
    fn an_ofsted_urn_is_sc_and_six_digits_seven_digits_or_xxxxxxx() {
        assert_eq!(ofsted_urn(" sc123456 ").as_deref(), Some("SC123456"));
        assert_eq!(ofsted_urn("2634567").as_deref(), Some("2634567"));
        assert_eq!(ofsted_urn("xxxxxxx").as_deref(), Some("XXXXXXX"));
        for wrong in ["SC12345", "SC1234567", "123456", "SCABCDEF", ""] {
            assert_eq!(ofsted_urn(wrong), None, "{wrong}");
        }
        let placed = |urn: &str| {
            check_event(
                input(
                    2,
                    EventKind::PlacementStarted,
                    &[("place", "K2"), ("urn", urn)],
                ),
                &work(),
                day(2026, 11, 23),
            )
        };
        assert_eq!(
            placed("sc654321")
                .unwrap()
                .details
                .get("urn")
                .map(String::as_str),
            Some("SC654321")
        );
        assert!(placed("SC65").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.code()).unwrap(), *k);
        }
    }

    /// Every code offered is in the DfE list (the 2026-27 lists, kept in the returns
    /// crate), and no DfE code of the lists used is missing.
    #[test]
    fn code_lists_match_the_dfe_reference() {
        let reference = |file: &str, field: &str| -> Vec<String> {
            let path = format!("{}/../returns/data/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let mut codes: Vec<String> = text
                .lines()
                .filter_map(|l| {
                    let mut cols = l.split('\t');
                    (cols.next() == Some(field)).then(|| cols.next().unwrap_or("").to_owned())
                })
                // The 903 list repeats MISSING's codes in lower case (the files may use either).
                .filter(|c| c.chars().all(|ch| !ch.is_ascii_lowercase()))
                .collect();
            codes.sort();
            codes
        };
        for (file, field, list) in [
            ("cin_codes.tsv", "ReferralSource", REFERRAL_SOURCE),
            ("cin_codes.tsv", "InitialCategoryOfAbuse", CATEGORY_OF_ABUSE),
            ("ssda903_codes.tsv", "LS", LEGAL_STATUS),
            ("ssda903_codes.tsv", "PLACE", PLACEMENT_TYPE),
            (
                "ssda903_codes.tsv",
                "REASON_PLACE_CHANGE",
                REASON_PLACE_CHANGE,
            ),
            ("ssda903_codes.tsv", "MISSING", MISSING_TYPE),
            ("ssda903_codes.tsv", "CIN", CATEGORY_OF_NEED),
            ("ssda903_codes.tsv", "PLACE_PROVIDER", PLACEMENT_PROVIDER),
            ("ssda903_codes.tsv", "REVIEW_CODE", REVIEW_PARTICIPATION),
            ("ssda903_codes.tsv", "REC", REASON_CEASED),
            ("cin_codes.tsv", "AssessmentFactor", ASSESSMENT_FACTORS),
            (
                "ssda903_codes.tsv",
                "REASON_PLACED_CEASED",
                REASON_PLACED_CEASED,
            ),
            ("ssda903_codes.tsv", "SEX_ADOPTR", ADOPTERS),
            ("ssda903_codes.tsv", "IN_TOUCH", IN_TOUCH),
            ("ssda903_codes.tsv", "SDQ_REASON", SDQ_REASON),
            ("ssda903_codes.tsv", "ACTIV", CARE_LEAVER_ACTIVITY),
            ("ssda903_codes.tsv", "ACCOM", CARE_LEAVER_ACCOMMODATION),
            ("ssda903_codes.tsv", "LS_ADOPTR", ADOPTERS_STATUS),
        ] {
            let mut expected = reference(file, field);
            if field == "AssessmentFactor" {
                // 18A and 19A are retired: rules 8945Q and 8950Q query them.
                expected.retain(|c| c != "18A" && c != "19A");
            }
            if field == "REC" {
                // X1 (an episode ending because the next begins) is written by the
                // return, never recorded; E1 is a retired code no rule accepts.
                expected.retain(|c| c != "X1" && c != "E1");
            }
            assert!(!expected.is_empty(), "{field} is not in {file}");
            let mut ours: Vec<String> = list.iter().map(|(c, _)| (*c).to_owned()).collect();
            ours.sort();
            assert_eq!(ours, expected, "{field}");
        }
    }
}
